#!/usr/bin/env bats
# Option values every tool shares the rules for (tpipe(7), Common
# options): a value holding a newline or an escape sequence is quoted in
# the one-line message that refuses it, an empty value is refused naming
# its option, a word from a fixed set is refused in one shape by every
# tool, and an -o name whose extension no writer knows is refused unless
# -O is given.
# The options come from each tool's own table (--tpipe-options), so a new
# option is covered without a line here.

load helpers
bats_require_minimum_version 1.5.0

# A value with a newline and the escape sequence that turns text red,
# and how tp_quote shows it.
BAD=$'7\n\e[31m'
BAD_SHOWN='7\x0a\x1b[31m'

# base TOOL: the arguments of a small run of TOOL that works (with the
# input input_of gives), to which the option under test is added last,
# so that it is the only thing wrong.
base() {
	case $1 in
	tblur) echo "-s 1" ;;
	tconv) echo "-k $BATS_FILE_TMPDIR/k.npy" ;;
	tgen) echo "zeros 3" ;;
	tgrad) echo "relu sum" ;;
	tmath) echo "x*2" ;;
	tproject) echo "--render 8x8" ;;
	treshape) echo "-1" ;;
	esac
}

# input_of TOOL: the standard input of that run.
input_of() {
	case $1 in
	tgen) echo /dev/null ;;
	tproject) echo "$BATS_FILE_TMPDIR/p.npy" ;;
	*) echo "$BATS_FILE_TMPDIR/x.npy" ;;
	esac
}

# options TOOL: the options of TOOL that take a value, one a line, as
# "NAME =" (the value is required) or "NAME [=]" (it is optional, and
# then only given as NAME=VALUE).
options() {
	"$1" --tpipe-options | sed -n 's/^\(-[^=[ ]*\)\(=\|\[=\]\).*/\1 \2/p'
}

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	tgen randn 4,4 --seed 1 -o x.npy &&
	    tgen ones 3,3 -o k.npy &&
	    tgen rand 2,3 --seed 2 -o p.npy &&
	    printf 'garbage\0\1\2' > garbage
}

# run_with TOOL OPT TAKES VALUE: run TOOL's base command with OPT given
# VALUE (as OPT=VALUE when TAKES is "[=]") in the current directory.
run_with() {
	local t=$1 o=$2 takes=$3 v=$4
	# shellcheck disable=SC2046
	if [ "$takes" = "[=]" ]; then
		run --separate-stderr "$t" $(base "$t") "$o=$v" < "$(input_of "$t")"
	else
		run --separate-stderr "$t" $(base "$t") "$o" "$v" < "$(input_of "$t")"
	fi
}

@test "options: the base run of every tool works, so that the value under test is all that can be wrong" {
	local t bad=''
	for t in $(tools); do
		# shellcheck disable=SC2046
		"$t" $(base "$t") < "$(input_of "$t")" > /dev/null 2> err ||
			bad+="$t $(base "$t"): $(cat err)"$'\n'
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "options: every value with a newline and an escape sequence is refused in one line that quotes it, or is a file name that works" {
	local t o takes bad='' n=0 d
	for t in $(tools); do
		while read -r o takes; do
			n=$((n + 1))
			d=$(mktemp -d "$BATS_TEST_TMPDIR/run.XXXXXX")
			cd "$d"
			run_with "$t" "$o" "$takes" "$BAD"
			if [ "$status" -eq 0 ]; then
				# legal only as the name of a file it wrote
				[ -s "$BAD" ] && [ -z "$stderr" ] ||
					bad+="$t $o: exit 0 but no file of that name, stderr: $stderr"$'\n'
			elif [ "$status" -ne 1 ] && [ "$status" -ne 2 ]; then
				bad+="$t $o: exit $status"$'\n'
			elif [ -n "$output" ]; then
				bad+="$t $o: wrote to stdout: ${output:0:80}"$'\n'
			elif [ "${#stderr_lines[@]}" -ne 1 ]; then
				bad+="$t $o: ${#stderr_lines[@]} lines on stderr: $stderr"$'\n'
			elif [[ $stderr == *$'\e'* ]]; then
				bad+="$t $o: an escape byte reached stderr: ${stderr//$'\e'/ESC}"$'\n'
			elif [[ $stderr != "$t: "*"$BAD_SHOWN"* ]]; then
				bad+="$t $o: the message does not quote the value: $stderr"$'\n'
			fi
			cd "$BATS_TEST_TMPDIR"
		done < <(options "$t")
	done
	[ -z "$bad" ] || fail "$bad"
	[ "$n" -ge 90 ] || fail "only $n options"
}

@test "options: every empty value is refused, exit 2, in one line naming the option" {
	local t o takes bad='' n=0
	for t in $(tools); do
		while read -r o takes; do
			n=$((n + 1))
			# a long option as --name= (--squeeze= too), a short
			# one as -x ''
			if [[ $o == --* ]]; then
				run_with "$t" "$o" "[=]" ''
			else
				run_with "$t" "$o" = ''
			fi
			[ "$status" -eq 2 ] && [ -z "$output" ] &&
			    [ "$stderr" = "$t: option '$o' has an empty value" ] ||
				bad+="$t $o '': exit $status, stdout ${#output} bytes, stderr: $stderr"$'\n'
		done < <(options "$t")
	done
	[ -z "$bad" ] || fail "$bad"
	[ "$n" -ge 90 ] || fail "only $n options"
}

@test "options: a word that is not one of an option's choices is refused in one shape, listing the choices the completion offers" {
	local t o rest list bad='' n=0
	for t in $(tools); do
		while read -r o rest; do
			[[ $o == -* ]] && [ -n "$rest" ] || continue
			# tgrad's --loss words name files (mse:TARGET): a
			# layer word's message, checked in scale.bats
			[[ $rest == *:* ]] && continue
			o=${o%%[=[]*}
			list=${rest// /, }
			n=$((n + 1))
			run_with "$t" "$o" = "bo$BAD"
			[ "$status" -eq 2 ] && [ -z "$output" ] &&
			    [[ $stderr =~ ^"$t: "-[-a-zA-Z]+( entry)?" 'bo$BAD_SHOWN' is not one of $list"( \(.*\))?$ ]] ||
				bad+="$t $o: exit $status: $stderr"$'\n'
		done < <("$t" --tpipe-options)
	done
	[ -z "$bad" ] || fail "$bad"
	[ "$n" -ge 30 ] || fail "only $n options with choices"
}

@test "options: the words of an operand or of a list entry are refused in the same shape" {
	row fails --usage 2 "^tgen: kind 'bogus' is not one of randn, rand, zeros, ones, eye, range, gaussian$" /dev/null tgen bogus 3
	row fails --usage 2 "^tgen: kind '' is not one of randn, " /dev/null tgen '' 3
	row fails --usage 2 "^tconv: --op entry 'cor' is not one of conv, corr$" /dev/null tconv -k /dev/null --op conv,cor
	row fails --usage 2 "^tconv: --op 'conv,,corr': entry 2 is empty$" /dev/null tconv -k /dev/null --op conv,,corr
	row fails --usage 2 "^tcat: --depth '12' is not one of 8, 16$" /dev/null tcat --depth 12
	row fails --usage 2 "^tcat: -t 'i4' is not one of f32, f64 \(or numpy's names of them\)$" /dev/null tcat -t i4
	rows_ok
}

@test "options: numpy's names of float32 and float64 are taken by -t" {
	local t
	for t in f32 float32 f4 '<f4' f64 float64 f8 '=f8'; do
		tgen ones 2 -t "$t" -o "one.npy" || fail "-t $t refused"
	done
}

@test "options: -o with an extension no writer knows is refused before any input is read, unless -O names the format" {
	local t bad='' st
	for t in $(tools); do
		# tinfo's -o is its report, text whatever the name
		"$t" --tpipe-options | grep -q '^-O=' || continue
		mkdir -p "$t" && cd "$t"
		# shellcheck disable=SC2046
		run --separate-stderr "$t" $(base "$t") -o soft.webp < "$BATS_FILE_TMPDIR/garbage"
		[ "$status" -eq 2 ] && [ -z "$output" ] && [ ! -e soft.webp ] &&
		    [ "$stderr" = "$t: -o 'soft.webp': no writer knows the extension '.webp' (known: .npy, .png, .txt, .csv, .raw, .bin, .tif, .tiff, .jpg, .jpeg, .mrc, .mrcs, .map, .mat): name the format with -O to write it anyway" ] ||
			bad+="$t -o soft.webp: exit $status: $stderr"$'\n'
		# -O says what to write: NPY under that name
		# shellcheck disable=SC2046
		"$t" $(base "$t") -o x.TIF -O npy < "$(input_of "$t")" &&
		    head -c 6 x.TIF | grep -q NUMPY ||
			bad+="$t -o x.TIF -O npy: not written as NPY"$'\n'
		# no extension, a leading dot, a dot in a directory: NPY
		mkdir -p d.d
		for o in out .hidden d.d/out; do
			# shellcheck disable=SC2046
			"$t" $(base "$t") -o "$o" < "$(input_of "$t")" &&
			    head -c 6 "$o" | grep -q NUMPY ||
				bad+="$t -o $o: not written as NPY"$'\n'
		done
		cd ..
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "options: the extensions are known in any case, and name the format -O would" {
	tgen range 6 -o a.TXT
	head -1 a.TXT | grep -q '^# shape (6,) float64$'
	tgen range 6 | treshape 2,3 -o a.Csv
	[ "$(head -1 a.Csv)" = 0,1,2 ]
	tgen range 6 -o a.BIN
	[ "$(stat -c %s a.BIN)" -eq 48 ]
	tgen range 6 | treshape 2,3 -o a.PNG
	head -c 4 a.PNG | grep -q PNG
	tgen range 6 -o a.NpY
	head -c 6 a.NpY | grep -q NUMPY
	# a name that only ends in a dot has an extension no writer knows
	fails --usage --no-o 2 "^tgen: -o 'a\.': no writer knows the extension '\.'" /dev/null tgen range 6 -o a.
}

@test "options: a file name with a newline and an escape sequence is quoted in every message about it" {
	local t bad=''
	printf 'garbage\0\1\2' > "$BAD"
	for t in tblur tcat tconv tinfo tproject treshape; do
		# shellcheck disable=SC2046
		run --separate-stderr "$t" $(base "$t") "$BAD"
		[ "$status" -eq 1 ] && [ -z "$output" ] &&
		    [ "${#stderr_lines[@]}" -eq 1 ] &&
		    [[ $stderr == "$t: $BAD_SHOWN: "* ]] ||
			bad+="$t (a bad file): exit $status: $stderr"$'\n'
		# shellcheck disable=SC2046
		run --separate-stderr "$t" $(base "$t") "no$BAD"
		[ "$status" -eq 1 ] && [ -z "$output" ] &&
		    [ "$stderr" = "$t: no$BAD_SHOWN: No such file or directory" ] ||
			bad+="$t (a missing file): exit $status: $stderr"$'\n'
	done
	# a kernel that is no tensor, by the same name
	run --separate-stderr tconv -k "$BAD" "$BATS_FILE_TMPDIR/x.npy"
	[ "$status" -eq 1 ] && [[ $stderr == "tconv: $BAD_SHOWN: "* ]] ||
		bad+="tconv -k: exit $status: $stderr"$'\n'
	# tinfo --json keeps the name's bytes (JSON escapes them)
	tgen ones 2 -o "$BAD"
	run --separate-stderr tinfo --json "$BAD"
	[ "$status" -eq 0 ] && [[ $output == '{"file":"7\u000a\u001b[31m",'* ]] ||
		bad+="tinfo --json: $output"$'\n'
	[ -z "$bad" ] || fail "$bad"
}

@test "options: a word with a newline and an escape sequence is quoted where an operand is refused" {
	row fails --usage 2 "^tgen: kind '$(sed 's/[\\[]/\\&/g' <<< "$BAD_SHOWN")' is not one of " /dev/null tgen "$BAD" 3
	row fails --usage 2 "^tgrad: layer or loss '.*x0a.*x1b.*' is not one of scale:M, " /dev/null tgrad "$BAD"
	row fails --usage 2 "^treshape: pattern '7.x0a.x1b.31m ->': " /dev/null treshape "$BAD ->"
	row fails --usage 2 "^treshape: '7.x0a.x1b.31m' is neither a shape" /dev/null treshape "$BAD"
	row fails --usage 2 "^tblur: more than one input file \('a.x0a', 'b.x1b'\)$" /dev/null tblur -s 1 $'a\n' $'b\e'
	rows_ok
}
