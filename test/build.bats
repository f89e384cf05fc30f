#!/usr/bin/env bats
# build: what make does before compiling (the package step, the probe of
# headers and libraries), what each goal builds, the dependency files;
# mk/deps.sh; the tests' own helpers (npycmp.py, which must not pass
# vacuously, and bounded); and lib/ and cmd/ within 80 columns.

load helpers

# make as run by hand: not the sub-make of a `make check` running these
# tests
make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory "$@"
}

@test "plain make and make install never run the package step, only the probe; check, demo and bench run it first" {
	cd "$TPIPE_TOP"
	for goal in "" install; do
		run make -n $goal BUILD="$BATS_TEST_TMPDIR/b" PREFIX="$BATS_TEST_TMPDIR/p"
		[ "$status" -eq 0 ] || fail "make -n $goal: $output"
		! grep -Eq 'deps.sh (build|check|bench)' <<< "$output" ||
			fail "make $goal runs the package step: $output"
		[[ ${lines[0]} == "mk/deps.sh probe "* ]] ||
			fail "make $goal does not start with the probe: ${lines[0]}"
	done
	for goal in check demo bench; do
		run make -n -j2 $goal BUILD="$BATS_TEST_TMPDIR/b"
		[ "$status" -eq 0 ] || fail "make -n $goal: $output"
		[ "${lines[0]}" = "mk/deps.sh $([ $goal = bench ] && echo bench || echo check)" ] ||
			fail "make $goal does not start with the package step: ${lines[0]}"
		[[ ${lines[1]} == "mk/deps.sh probe "* ]] ||
			fail "make $goal does not probe next: ${lines[1]}"
	done
}

# compiled GOAL...: the sources make -n GOAL... (in a fresh build
# directory) would compile, one a line, sorted.
compiled() {
	make -n "$@" BUILD="$BATS_TEST_TMPDIR/fresh" |
		awk '/ -c -o / { print $NF }' | sort
}

@test "plain make builds the library, the tools and completions only; make tests the unit tests and fuzz replays; make check both" {
	cd "$TPIPE_TOP"
	local want_tools want_tests
	# lib/ twice: for the tools, and PIC for libtpipe.so and .a
	want_tools=$(ls lib/*.c lib/*.c cmd/*.c | sort)
	want_tests=$( (ls test/unit/*.c fuzz/*.c; echo lib/error.c) | sort)
	run compiled
	[ "$output" = "$want_tools" ] ||
		fail "make compiles (< got, > expected): $(diff <(echo "$output") <(echo "$want_tools"))"
	run make -n BUILD="$BATS_TEST_TMPDIR/fresh"
	grep -q "^mk/completion.sh .*/bin/tcat$" <<< "$output" || fail "make makes no completions: $output"
	! grep -Eq '/(unit|fuzz)/' <<< "$output" ||
		fail "make builds tests: $(grep -E '/(unit|fuzz)/' <<< "$output")"
	run compiled tests
	[ "$output" = "$(sort <(ls lib/*.c) <(echo "$want_tests"))" ] ||
		fail "make tests compiles: $output"
	run compiled check
	[ "$output" = "$(sort <(echo "$want_tools") <(echo "$want_tests"))" ] ||
		fail "make check compiles: $output"
}

@test "an edit to a header rebuilds only the objects that include it (dependency files)" {
	# make's rules are the same in every build; the plain make check
	# runs this (a minute of compiling that a sanitizer adds nothing to)
	! sanitizer_build || skip "make's dependencies are tested by the plain make check"
	# a copy of the sources, built (quickly: -O0) in full
	mkdir -p src/test src/fuzz
	cp -a "$TPIPE_TOP"/{Makefile,lib,cmd,mk,include} src/
	cp -a "$TPIPE_TOP"/test/unit src/test/
	cp -a "$TPIPE_TOP"/fuzz/*.[ch] src/fuzz/
	cd src
	run make -s -j2 CFLAGS=-O0 BUILD=b all tests
	[ "$status" -eq 0 ] || fail "build: $output"
	run make -n BUILD=b all tests
	! grep -q ' -c ' <<< "$output" || fail "an up-to-date build compiles: $output"
	local h want headers
	# headers included by no other header (then the sources that name
	# one are all that include it): fuzz/stream.h and the two of lib/
	# that the most sources include, whatever the engines' headers are
	headers="fuzz/stream.h $(for h in lib/*.h; do
		grep -q "#include \"${h##*/}\"" lib/*.h fuzz/*.h test/unit/*.h &&
			continue
		echo "$(grep -l "#include \"${h##*/}\"" lib/*.c cmd/*.c | wc -l) $h"
	done | sort -rn | head -n 2 | cut -d' ' -f2)"
	[ "$(wc -w <<< "$headers")" -eq 3 ] || fail "headers to touch: $headers"
	for h in $headers; do
		# lib/'s includers twice: their objects and libtpipe's
		want=$(grep -l "#include \"${h##*/}\"" lib/*.c lib/*.c cmd/*.c test/unit/*.c fuzz/*.c | sort)
		touch "$h"
		run bash -c 'make -n BUILD=b all tests | awk "/ -c -o / { print \$NF }" | sort'
		[ "$output" = "$want" ] ||
			fail "after touching $h (< compiled, > includers): $(diff <(echo "$output") <(echo "$want"))"
		make -s BUILD=b CFLAGS=-O0 all tests > /dev/null
	done
}

# hidden_header NAME: print a CC that is cc (or $CC) without the header
# NAME: -nostdinc, and each directory of its include path mirrored
# without NAME.
hidden_header() {
	local cc=${CC:-cc} d i=0 e
	local -a dirs
	mapfile -t dirs < <($cc -xc -E -v - < /dev/null 2>&1 |
		sed -n '/^#include <...> search starts here:/,/^End of search list/p' |
		sed -n 's/^ //p')
	[ "${#dirs[@]}" -gt 0 ] || return 1
	printf '%s -nostdinc' "$cc"
	for d in "${dirs[@]}"; do
		mkdir -p "$BATS_TEST_TMPDIR/inc$i"
		for e in "$d"/*; do
			[ "${e##*/}" = "$1" ] || ln -s "$e" "$BATS_TEST_TMPDIR/inc$i/"
		done
		printf ' -isystem %s' "$BATS_TEST_TMPDIR/inc$i"
		i=$((i + 1))
	done
}

@test "plain make without a build package's header names the package and the command, installs nothing, compiles nothing" {
	local cc
	cc=$(hidden_header fftw3.h) || skip "no include path from cc -v"
	# an apt-get that must never run
	mkdir fake
	printf '#!/bin/sh\necho "apt-get $*" >> %s/apt.log\n' "$PWD" > fake/apt-get
	chmod +x fake/apt-get
	cd "$TPIPE_TOP"
	for goal in "" install; do
		PATH=$BATS_TEST_TMPDIR/fake:$PATH run --separate-stderr make $goal \
		    CC="$cc" BUILD="$BATS_TEST_TMPDIR/b" DESTDIR="$BATS_TEST_TMPDIR/root"
		[ "$status" -eq 2 ] || fail "make $goal: exit $status: $stderr"
		grep -qx 'missing packages: libfftw3-dev' <<< "$stderr" &&
			grep -Eqx 'run: (sudo )?apt-get update && (sudo )?apt-get install -y libfftw3-dev' <<< "$stderr" ||
			fail "make $goal: $stderr"
		! grep -q 'No such file' <<< "$stderr" || fail "a compiler error: $stderr"
		[ -z "$(find "$BATS_TEST_TMPDIR/b" -name '*.o' 2> /dev/null)" ] ||
			fail "make $goal compiled: $(find "$BATS_TEST_TMPDIR/b" -name '*.o')"
	done
	[ ! -e "$BATS_TEST_TMPDIR/apt.log" ] || fail "ran $(cat "$BATS_TEST_TMPDIR/apt.log")"
	# the same compiler with the header there builds
	run mk/deps.sh probe "${CC:-cc}"
	[ "$status" -eq 0 ] || fail "probe without the hidden header: $output"
}

@test "under make -j the package step ends before the first compile" {
	cd "$TPIPE_TOP"
	# a package step that takes its time, and compiles that only log
	local log=$BATS_TEST_TMPDIR/log
	run make -j4 check BUILD="$BATS_TEST_TMPDIR/b" \
	    DEPS_SH="sh -c 'sleep 1; echo packages >> $log' --" \
	    CC="sh -c 'echo compile >> $log; exit 1' --"
	[ "$(head -n 1 "$log")" = packages ] && grep -q compile "$log" ||
		fail "order: $(cat "$log")"
}

# fake_apt LOCKED: a bin directory (fake) whose id says root, whose
# dpkg-query says no package is installed, whose sleep only logs, and
# whose apt-get logs its arguments to apt.log and answers: update fails
# as when another apt-get holds the package lists' lock the first LOCKED
# times, then succeeds; install fails as when another holds dpkg's lock
# unless given DPkg::Lock::Timeout=600 (with it, apt would wait).
fake_apt() {
	mkdir -p fake
	printf '#!/bin/sh\necho 0\n' > fake/id
	printf '#!/bin/sh\nexit 1\n' > fake/dpkg-query
	printf '#!/bin/sh\necho "sleep $*" >> %s/apt.log\n' "$PWD" > fake/sleep
	cat > fake/apt-get <<EOF
#!/bin/sh
echo "apt-get \$*" >> $PWD/apt.log
case " \$* " in
*" update "*)
	n=\$(grep -c ' update' $PWD/apt.log)
	if [ "\$n" -le $1 ]; then
		echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
		echo "E: Unable to lock directory /var/lib/apt/lists/" >&2
		exit 100
	fi ;;
*" install "*)
	case " \$* " in
	*" DPkg::Lock::Timeout=600 "*) ;;
	*) echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2
	   exit 100 ;;
	esac ;;
esac
EOF
	chmod +x fake/*
}

@test "mk/deps.sh waits while another apt-get holds the package lists' lock or dpkg's" {
	fake_apt 2
	PATH=$PWD/fake:$PATH run --separate-stderr "$TPIPE_TOP/mk/deps.sh" build
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
	[[ $stderr == *"waiting (at most 600 s)"* ]] || fail "$stderr"
	run grep -c ' update' apt.log
	[ "$output" -eq 3 ] || fail "apt-get update ran $output times: $(cat apt.log)"
	run grep -c '^sleep 5$' apt.log
	[ "$output" -eq 2 ] || fail "$(cat apt.log)"
	grep -q '^apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends gcc make pkg-config libfftw3-dev ' apt.log ||
		fail "$(cat apt.log)"
}

@test "mk/deps.sh gives up after LOCK_WAIT seconds of a held lock, and at once on any other failure" {
	fake_apt 1000
	LOCK_WAIT=20 PATH=$PWD/fake:$PATH run --separate-stderr "$TPIPE_TOP/mk/deps.sh" build
	[ "$status" -eq 100 ] || fail "exit $status: $stderr"
	[[ $stderr == *"E: Could not get lock /var/lib/apt/lists/lock"* ]] || fail "$stderr"
	[ "$(grep -c '^sleep 5$' apt.log)" -eq 4 ] || fail "$(cat apt.log)"
	! grep -q ' install ' apt.log || fail "installed after all: $(cat apt.log)"
	# a failure that is not a lock: no waiting
	rm apt.log
	printf '#!/bin/sh\necho "apt-get $*" >> %s/apt.log\necho "E: Failed to fetch" >&2\nexit 100\n' "$PWD" > fake/apt-get
	PATH=$PWD/fake:$PATH run --separate-stderr "$TPIPE_TOP/mk/deps.sh" build
	[ "$status" -eq 100 ] && [[ $stderr == *"E: Failed to fetch"* ]] || fail "exit $status: $stderr"
	[ "$(wc -l < apt.log)" -eq 1 ] || fail "$(cat apt.log)"
}

@test "mk/deps.sh does nothing where dpkg-query does not exist" {
	mkdir bin
	for t in sh id grep; do ln -s "$(command -v $t)" bin/$t; done
	PATH=$PWD/bin run "$TPIPE_TOP/mk/deps.sh" bench
	[ "$status" -eq 0 ] && [ -z "$output" ] || fail "exit $status: $output"
}

@test "npycmp: NaN and infinities must match in place, the scale ignores them" {
	py "
np.save('a.npy', np.array([1.0, np.nan, 3.0]))
np.save('b.npy', np.array([1.0, 2.0, np.nan]))
np.save('c.npy', np.array([1.0, np.inf, 3.0]))
np.save('d.npy', np.array([1.0, -np.inf, 3.0]))
np.save('e.npy', np.array([1.0, np.inf, 3.5]))
np.save('f.npy', np.array([1.0, np.nan, 3.0 + 1e-13]))
np.save('z1.npy', np.array([1 + 1j, complex(np.nan, 1)]))
np.save('z2.npy', np.array([1 + 1j, complex(1, np.nan)]))
"
	run npy_close a.npy b.npy 1e-3
	[ "$status" -eq 1 ] && [[ $output == *"NaN pattern differs"* ]] || fail "$output"
	run npy_close b.npy a.npy 1e-3
	[ "$status" -eq 1 ] || fail "NaN in the result only: $output"
	run npy_close c.npy d.npy 1e-3
	[ "$status" -eq 1 ] || fail "inf against -inf: $output"
	run npy_close e.npy c.npy 1e-3
	[ "$status" -eq 1 ] && [[ $output == *"max error 0.5"*"* 3"* ]] ||
		fail "the scale must be the largest finite value (3): $output"
	run npy_close z1.npy z2.npy 1e-3
	[ "$status" -eq 1 ] || fail "complex NaN parts: $output"
	npy_close f.npy a.npy 1e-12
	npy_close a.npy a.npy 1e-12
	npy_close z1.npy z1.npy 1e-12
}

@test "npycmp: nothing to compare, or shapes that differ, is a failure" {
	: > empty.npy
	py "
np.save('e0.npy', np.zeros((0, 3)))
np.save('e1.npy', np.zeros((3, 0)))
"
	run npy_close empty.npy empty.npy 1e-3
	[ "$status" -eq 1 ] && [[ $output == *"nothing compared"* ]] || fail "$output"
	run npy_close empty.npy empty.npy
	[ "$status" -eq 1 ] || fail "$output"
	run npy_close e0.npy e1.npy 1e-3
	[ "$status" -eq 1 ] && [[ $output == *shape* ]] || fail "$output"
	npy_close e0.npy e0.npy 1e-3
}

@test "sparse: share in helpers.bash and sparse.py take the same counts, all of them at 1, never none; a bad TPIPE_TEST_SPARSE is refused" {
	local n k want
	for k in 1 2 3 4 7; do
		for n in 1 2 3 4 5 18 150 400; do
			want=$(cd "$TPIPE_TOP/test" && TPIPE_TEST_SPARSE=$k \
			    "$PY" -c "from sparse import share; print(share($n))")
			[ "$(SPARSE=$k share "$n")" = "$want" ] ||
				fail "sparse $k, $n cases: bash $(SPARSE=$k share "$n"), python $want"
			[ "$want" -ge 1 ] && [ $((want * k)) -ge "$n" ] &&
			    [ $(((want - 1) * k)) -lt "$n" ] ||
				fail "sparse $k, $n cases: $want"
			[ "$k" -ne 1 ] || [ "$want" -eq "$n" ] || fail "1 takes $want of $n"
		done
	done
	for k in 0 -1 x 1.5 ''; do
		run env TPIPE_TEST_SPARSE="$k" "$PY" -c "import sys; sys.path.insert(0, '$TPIPE_TOP/test'); import sparse"
		[ "$status" -eq 1 ] && [[ $output == *"TPIPE_TEST_SPARSE='$k'"* ]] ||
			fail "$k: $output"
	done
}

@test "bounded: a slow run passes, a spin is stopped by CPU time, a hang by the wall limit" {
	# sleeping uses no processor time: slower than CPU_LIMIT is fine
	CPU_LIMIT=1 run bounded sh -c 'sleep 2; exit 7'
	[ "$status" -eq 7 ] || fail "a slow run: exit $status"
	CPU_LIMIT=1 run bounded sh -c 'while :; do :; done'
	[ "$status" -eq 152 ] && out_of_bounds "$status" ||
		fail "a spin: exit $status, expected 152 (SIGXCPU)"
	WALL_LIMIT=1 run bounded sleep 30
	[ "$status" -eq 124 ] && out_of_bounds "$status" ||
		fail "a hang: exit $status, expected 124 (timeout)"
	run bounded sh -c 'exit 3'
	! out_of_bounds "$status" || fail "exit 3 taken for a bound"
}

@test "no C line of lib/ or cmd/ passes 80 columns but for a string literal too long for a line of its own; longlines.py finds one that does" {
	cd "$TPIPE_TOP"
	run test/longlines.py lib/*.[ch] cmd/*.c
	[ "$status" -eq 0 ] || fail "lines past 80 columns: $output"
	# the checker itself: a planted long line of code is found, a long
	# message is excused, and tabs count to the next multiple of 8
	f="$BATS_TEST_TMPDIR/long.c"
	{
		printf '\t\tx = a_long_name + another_long_name + a_third_long_name + yyyyyy;\n'
		printf '\t\ttp_die("%%s: a message grep must find whole, longer than a line by far", p);\n'
		printf 'int x;\t\t\t\t\t\t\t\t\t/* 80 */\n'
		printf 'int x;\t\t\t\t\t\t\t\t\t/* 81  */\n'
	} > "$f"
	run test/longlines.py "$f"
	[ "$status" -eq 1 ] || fail "exit $status on planted lines: $output"
	[ "$output" = "$f:1: 81 columns
$f:4: 81 columns" ] || fail "$output"
}
