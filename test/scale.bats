#!/usr/bin/env bats
# Many files, many machines, shell completion (issue 13): the GNU
# parallel example of README and tpipe(7) against a serial loop, what a
# failed job leaves, examples/slurm-array.sh run by hand, the generated
# bash completions against the man pages, make install and uninstall.

load helpers
bats_require_minimum_version 1.5.0

COMPLETION="$TPIPE_BIN/../completion"

# make_inputs: in/ holds three 8-bit PNG images (ramps made by tgen and
# treshape) and three NPY streams (float64 of two records, float32, an
# RGB-like batch), all different.
make_inputs() {
	local i
	mkdir -p in
	for i in 1 2 3; do
		tgen range $((i * 20)),$((i * 20 + 576)) |
		    treshape 24,24 -O png -o "in/ramp$i.png" || return 1
	done
	tgen randn 20,30 --seed 1 -n 2 -o in/a.npy &&
	    tgen randn 3,16,16 --seed 2 -t f32 -o in/b.npy &&
	    tgen rand 12,12,3 --seed 3 -o in/c.npy
}

# serial_run DIR: the serial loop the parallel run must equal.
serial_run() {
	local f
	mkdir -p "$1"
	for f in in/*; do
		tblur -s 3 -o "$1/$(basename "$f")" "$f" || return 1
	done
}

# same_dirs A B N: A and B hold the same N file names, each identical
# byte for byte, and nothing else.
same_dirs() {
	local f n=0
	[ "$(ls -A "$1")" = "$(ls -A "$2")" ] ||
		fail "$1 holds $(ls -A "$1" | tr '\n' ' '), $2 holds $(ls -A "$2" | tr '\n' ' ')"
	for f in "$2"/*; do
		cmp "$1/$(basename "$f")" "$f" || fail "$1/$(basename "$f") differs from $f"
		n=$((n + 1))
	done
	[ "$n" -eq "$3" ] || fail "$n files in $2, expected $3"
}

@test "scale: parallel -j2 over a directory of PNG and NPY files equals a serial loop byte for byte" {
	make_inputs
	mkdir out
	run --separate-stderr parallel -j2 --halt now,fail=1 \
	    tblur -s 3 -o out/{/} {} ::: in/*
	[ "$status" -eq 0 ] || fail "parallel: exit $status: $stderr"
	serial_run serial
	same_dirs out serial 6
	# and the tools did something: every output differs from its input
	for f in in/*; do
		! cmp -s "$f" "out/$(basename "$f")" ||
			fail "out/$(basename "$f") is its input unchanged"
	done
	# the PNGs stay 8-bit images, the NPY streams keep their records
	run tinfo out/ramp2.png
	[[ $output == "0 shape=(24,24) dtype=uint8 "* ]] || fail "$output"
	run tinfo out/a.npy
	[[ ${lines[1]} == "1 shape=(20,30) dtype=float64 "* ]] || fail "$output"
}

@test "scale: a failed job exits 1, leaves no output file, and --resume-failed reruns only it" {
	make_inputs
	tgen randn 20,30 --seed 9 | head -c 1000 > in/broken.npy
	mkdir out
	run --separate-stderr parallel -j2 --joblog jobs.log \
	    tblur -s 3 -o out/{/} {} ::: in/*
	# GNU parallel's exit status: the number of jobs that failed
	[ "$status" -eq 1 ] || fail "parallel: exit $status, expected 1: $stderr"
	[[ $stderr == *"tblur: in/broken.npy: truncated record 0"* ]] ||
		fail "no message for the broken file: $stderr"
	# no output file, no temporary file: just the six good outputs
	[ "$(ls -A out | wc -l)" -eq 6 ] || fail "out holds $(ls -A out | tr '\n' ' ')"
	[ ! -e out/broken.npy ]
	# the job log says which job failed, with the tool's status
	run awk -F'\t' 'NR > 1 && $7 != 0 { print $7, $9 }' jobs.log
	[ "$output" = "1 tblur -s 3 -o out/broken.npy in/broken.npy" ] ||
		fail "failed jobs in the log: $output"
	# mend the input and rerun: only the failed job runs again
	tgen randn 20,30 --seed 9 -o in/broken.npy
	lines_before=$(wc -l < jobs.log)
	run --separate-stderr parallel -j2 --resume-failed --joblog jobs.log \
	    tblur -s 3 -o out/{/} {} ::: in/*
	[ "$status" -eq 0 ] || fail "parallel --resume-failed: exit $status: $stderr"
	[ "$(wc -l < jobs.log)" -eq $((lines_before + 1)) ] ||
		fail "--resume-failed ran $(($(wc -l < jobs.log) - lines_before)) jobs, expected 1"
	serial_run serial
	same_dirs out serial 7
}

@test "scale: with --halt now,fail=1 parallel exits with the failed tool's status, 1 on data and 2 on usage" {
	make_inputs
	printf 'not a tensor\n' > in/words.txt
	mkdir out
	run --separate-stderr parallel -j1 --halt now,fail=1 \
	    tblur -s 3 -o out/{/} {} ::: in/words.txt
	[ "$status" -eq 1 ] || fail "parallel: exit $status, expected 1: $stderr"
	[ -z "$(ls -A out)" ] || fail "left $(ls -A out)"
	run --separate-stderr parallel -j1 --halt now,fail=1 \
	    tblur -s -3 -o out/{/} {} ::: in/a.npy
	[ "$status" -eq 2 ] || fail "parallel: exit $status, expected 2: $stderr"
	[ -z "$(ls -A out)" ] || fail "left $(ls -A out)"
}

@test "scale: examples/slurm-array.sh run by hand processes line SLURM_ARRAY_TASK_ID of the list" {
	local script=$TPIPE_TOP/examples/slurm-array.sh
	make_inputs
	ls "$PWD"/in/*.npy > files.txt
	[ "$(sed -n 2p files.txt)" = "$PWD/in/b.npy" ]
	SLURM_ARRAY_TASK_ID=2 SLURM_CPUS_PER_TASK=2 run --separate-stderr \
	    "$script" files.txt out tblur -s 3
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
	[ "$(ls -A out)" = b.npy ] || fail "out holds $(ls -A out | tr '\n' ' ')"
	tblur -s 3 in/b.npy > want.npy
	cmp out/b.npy want.npy
	# a rerun of the task is idempotent
	SLURM_ARRAY_TASK_ID=2 "$script" files.txt out tblur -s 3
	cmp out/b.npy want.npy
	# the first line too, with the tool's other options
	SLURM_ARRAY_TASK_ID=1 "$script" files.txt out tblur -s 2 --boundary wrap
	tblur -s 2 --boundary wrap in/a.npy | cmp - out/a.npy
	[ "$(ls -A out | tr '\n' ' ')" = "a.npy b.npy " ]
}

@test "scale: examples/slurm-array.sh fails as its tool does and leaves no output file" {
	local script=$TPIPE_TOP/examples/slurm-array.sh
	make_inputs
	tgen randn 20,30 | head -c 1000 > in/broken.npy
	printf '%s\n' "$PWD/in/a.npy" "$PWD/in/broken.npy" > files.txt
	SLURM_ARRAY_TASK_ID=2 run --separate-stderr "$script" files.txt out tblur -s 3
	[ "$status" -eq 1 ] || fail "exit $status, expected 1: $stderr"
	[[ $stderr == "tblur: "*"broken.npy: truncated record 0"* ]] || fail "$stderr"
	[ -z "$(ls -A out)" ] || fail "left $(ls -A out)"
	SLURM_ARRAY_TASK_ID=1 run --separate-stderr "$script" files.txt out tblur --bogus
	[ "$status" -eq 2 ] || fail "exit $status, expected 2: $stderr"
	[ -z "$(ls -A out)" ] || fail "left $(ls -A out)"
	# a task beyond the list, or no task at all, is a usage error
	SLURM_ARRAY_TASK_ID=3 run --separate-stderr "$script" files.txt out tblur -s 3
	[ "$status" -eq 2 ] && [ "$stderr" = "slurm-array.sh: files.txt has no line 3" ] ||
		fail "exit $status: $stderr"
	run --separate-stderr env -u SLURM_ARRAY_TASK_ID "$script" files.txt out tblur -s 3
	[ "$status" -eq 2 ] && [[ $stderr == *"SLURM_ARRAY_TASK_ID '' is not a line number"* ]] ||
		fail "exit $status: $stderr"
	[ -z "$(ls -A out)" ] || fail "left $(ls -A out)"
}

# complete_line TOOL WORD...: source TOOL's generated completion in a fresh
# bash, complete the last WORD of the command line "TOOL WORD..." (as
# bash splits it: "--opt=v" is "--opt" "=" "v"), print the candidates
# sorted, one a line.
complete_line() {
	local tool=$1
	shift
	bash -c 'set -u; source "$1" || exit 3
		tool=$2; shift 2
		COMP_WORDS=("$tool" "$@"); COMP_CWORD=$#
		COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
		"_tpipe_$tool" "$tool" "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD-1]}" || exit 4
		printf "%s\n" "${COMPREPLY[@]}" | sort' - \
	    "$COMPLETION/$tool" "$tool" "$@"
}

# man_long_options TOOL: the long options man/TOOL.1 documents (its .It
# entries, continuation lines joined), sorted.
man_long_options() {
	sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$TPIPE_TOP/man/$1.1" |
	    grep '^\.It' | grep -o 'Fl Fl [a-z][a-z0-9-]*' |
	    sed 's/^Fl Fl /--/' | sort -u
}

@test "scale: each tool's completion of '--' lists exactly the long options its man page documents" {
	local t bad='' n=0
	for t in $(tools); do
		[ -f "$COMPLETION/$t" ] || { bad+="$t: no $COMPLETION/$t"$'\n'; continue; }
		got=$(complete_line "$t" --) || { bad+="$t: completion failed"$'\n'; continue; }
		want=$(man_long_options "$t")
		[ "$(echo "$want" | wc -l)" -ge 3 ] || bad+="$t: man page documents only: $want"$'\n'
		[ "$got" = "$want" ] ||
			bad+="$t: completion and man page differ (< completion, > man page):"$'\n'"$(diff <(echo "$got") <(echo "$want") | grep '^[<>]')"$'\n'
		n=$((n + 1))
	done
	[ -z "$bad" ] || fail "$bad"
	[ "$n" -ge 8 ]
}

@test "scale: completion offers an option's choices, from the usage, in every spelling" {
	run complete_line tblur --method ''
	[ "$output" = $'auto\nfft\nfir' ] || fail "tblur --method: $output"
	run complete_line tblur -s 2 --method f
	[ "$output" = $'fft\nfir' ] || fail "tblur --method f: $output"
	run complete_line tblur --boundary = ''
	[ "$output" = $'mirror\nnearest\nreflect\nwrap\nzero' ] || fail "tblur --boundary=: $output"
	run complete_line tblur --boundary = re
	[ "$output" = reflect ] || fail "tblur --boundary=re: $output"
	run complete_line tcat -O p
	[ "$output" = png ] || fail "tcat -O p: $output"
	run complete_line tconv --format ''
	[ "$output" = $'csv\njpeg\nmat\nmrc\nnpy\npng\nraw\ntiff\ntxt' ] || fail "tconv --format: $output"
	run complete_line tgrad -O ''
	[ "$output" = $'npy\ntxt' ] || fail "tgrad -O: $output"
	run complete_line treshape --reduce m
	[ "$output" = $'max\nmean\nmin' ] || fail "treshape --reduce m: $output"
	run complete_line tgen --depth ''
	[ "$output" = $'16\n8' ] || fail "tgen --depth: $output"
	run complete_line tgrad --loss m
	[ "$output" = mse: ] || fail "tgrad --loss m: $output"
	run complete_line tblur --verb
	[ "$output" = --verbose ] || fail "tblur --verb: $output"
}

@test "scale: completion offers file names for operands and for options that take a file" {
	touch kernel.npy kernel.png other.txt
	run complete_line tconv -k ker
	[ "$output" = $'kernel.npy\nkernel.png' ] || fail "tconv -k ker: $output"
	run complete_line tblur -s 3 oth
	[ "$output" = other.txt ] || fail "tblur -s 3 oth: $output"
	run complete_line tgrad --loss mse : ot
	[ "$output" = other.txt ] || fail "tgrad --loss mse:ot: $output"
	# an option without a value is followed by a file, not its choices
	run complete_line tblur --verbose ker
	[ "$output" = $'kernel.npy\nkernel.png' ] || fail "tblur --verbose ker: $output"
}

@test "scale: every choice the completion offers is a value its tool accepts" {
	local t o rest c st n=0 bad=''
	for t in $(tools); do
		while read -r o rest; do
			# options with choices (not the operand words: "1", "*")
			[[ $o == -* ]] && [ -n "$rest" ] || continue
			o=${o%%[=[]*}
			for c in $rest; do
				"$t" "$o" "$c" --help > /dev/null 2>&1 ||
					bad+="$t $o $c: refused"$'\n'
				n=$((n + 1))
			done
			# and the parse is not vacuous: a bad value is refused
			# (tgrad reads its loss after the options)
			[ "$t $o" = "tgrad --loss" ] && continue
			st=0
			"$t" "$o" bogus --help > /dev/null 2>&1 || st=$?
			[ "$st" -eq 2 ] || bad+="$t $o bogus: exit $st"$'\n'
		done < <("$t" --tpipe-options)
	done
	[ -z "$bad" ] || fail "$bad"
	[ "$n" -ge 60 ] || fail "only $n choices"
}

@test "scale: --tpipe-options answers only as the first argument" {
	run --separate-stderr tblur --tpipe-options
	[ "$status" -eq 0 ]
	[[ $output == *"--boundary= reflect mirror nearest wrap zero"* ]] || fail "$output"
	[[ $output == *$'\n-O= npy txt png'* ]] || fail "$output"
	[[ $output == *$'\n--verbose\n'* ]] || fail "$output"
	[[ $output == *$'\n-s=' ]] || fail "$output"
	run --separate-stderr treshape --tpipe-options
	[[ $output == *$'\n--squeeze[=]\n'* ]] || fail "$output"
	fails --usage 2 "unknown option '--tpipe-options'" /dev/null \
	    tblur -s 1 --tpipe-options
}

@test "scale: make install DESTDIR PREFIX=/usr puts tools, man pages, completions and libtpipe; make uninstall removes them all" {
	local build=${TPIPE_BIN%/bin} want t p
	mkdir root
	run make -s -C "$TPIPE_TOP" BUILD="$build" DESTDIR="$PWD/root" PREFIX=/usr install
	[ "$status" -eq 0 ] || fail "make install: $output"
	want=$(
		for t in $(tools); do
			echo "usr/bin/$t"
			echo "usr/share/bash-completion/completions/$t"
		done
		for p in "$TPIPE_TOP"/man/*.1; do echo "usr/share/man/man1/${p##*/}"; done
		for p in "$TPIPE_TOP"/man/*.7; do echo "usr/share/man/man7/${p##*/}"; done
		for p in "$TPIPE_TOP"/man/*.3; do echo "usr/share/man/man3/${p##*/}"; done
		for p in "$TPIPE_TOP"/include/tpipe/*.h; do
			echo "usr/include/tpipe/${p##*/}"
		done
		for p in libtpipe.a libtpipe.so libtpipe.so.0 libtpipe.so.0.1.0 \
		    pkgconfig/tpipe.pc; do
			echo "usr/lib/$p"
		done
	)
	run bash -c 'cd root && find . ! -type d | sed "s|^\./||" | sort'
	[ "$output" = "$(echo "$want" | sort)" ] ||
		fail "installed (< found, > expected): $(diff <(echo "$output") <(echo "$want" | sort))"
	[ -x root/usr/bin/tblur ]
	# the installed completion works from its installed place
	COMPLETION=root/usr/share/bash-completion/completions run complete_line tblur --method ''
	[ "$output" = $'auto\nfft\nfir' ] || fail "$output"
	run make -s -C "$TPIPE_TOP" BUILD="$build" DESTDIR="$PWD/root" PREFIX=/usr uninstall
	[ "$status" -eq 0 ] || fail "make uninstall: $output"
	run find root ! -type d
	[ -z "$output" ] || fail "left behind: $output"
	[ -d root/usr/share/bash-completion/completions ]
}

@test "scale: the Slurm job script shown in tpipe(7) processes line SLURM_ARRAY_TASK_ID" {
	make_inputs
	# the .Bd block of tpipe.7 that starts with #!/bin/sh
	sed -n '/^#!\/bin\/sh$/,/^\.Ed$/p' "$TPIPE_TOP/man/tpipe.7" | sed '$d' > blur.sh
	grep -q 'SLURM_ARRAY_TASK_ID' blur.sh || fail "no script in tpipe.7: $(cat blur.sh)"
	ls in/*.png > files.txt
	mkdir out
	SLURM_ARRAY_TASK_ID=3 SLURM_CPUS_PER_TASK=2 run --separate-stderr sh blur.sh
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
	[ "$(ls -A out)" = ramp3.png ] || fail "out holds $(ls -A out | tr '\n' ' ')"
	tblur -s 3 -O png in/ramp3.png | cmp - out/ramp3.png
}

@test "scale: completion offers tgen's kinds for its first operand and tgrad's layers and losses for every word" {
	# tgen: the kinds its own message lists, then no more kinds
	run --separate-stderr tgen bogus
	kinds=$(sed -n "s/.*kind 'bogus' is not one of //p" <<< "${stderr_lines[0]}" |
	    sed 's/, /\n/g' | sort)
	[ "$(echo "$kinds" | wc -l)" -ge 7 ] || fail "tgen's kinds: $stderr"
	run complete_line tgen ''
	[ "$output" = "$kinds" ] || fail "tgen: $output, expected $kinds"
	run complete_line tgen --seed 3 -t = f64 ''
	[ "$output" = "$kinds" ] || fail "tgen --seed 3 -t=f64: $output"
	run complete_line tgen -n 2 g
	[ "$output" = gaussian ] || fail "tgen -n 2 g: $output"
	touch range.txt
	run complete_line tgen range ran
	[ "$output" = range.txt ] || fail "tgen range: $output"
	# tgrad: the layers and losses its message lists, a word that takes
	# files offered up to its ':'
	run --separate-stderr tgrad bogus
	words=$(sed -n "s/.*layer or loss 'bogus' is not one of //p" <<< "${stderr_lines[0]}" |
	    sed 's/, /\n/g' | sed 's/:.*/:/' | sort)
	[ "$(echo "$words" | wc -l)" -ge 12 ] || fail "tgrad's words: $stderr"
	run complete_line tgrad relu ''
	[ "$output" = "$words" ] || fail "tgrad relu: $output, expected $words"
	run complete_line tgrad --wrt x relu so
	[ "$output" = $'softmax\nsoftmax-xent:' ] || fail "tgrad --wrt x relu so: $output"
	run complete_line tgrad relu mse : ran
	[ "$output" = range.txt ] || fail "tgrad relu mse:ran: $output"
}
