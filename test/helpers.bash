# Shared setup for the bats tests: the tools under test come first on
# PATH, python is Debian's (with numpy, scipy, PIL), data in a temp dir.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

: "${TPIPE_TOP:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${TPIPE_BIN:=$TPIPE_TOP/build/bin}"
PATH="$TPIPE_BIN:$PATH"
PY=/usr/bin/python3
DATA="$TPIPE_TOP/test/data"
export PY DATA TPIPE_TOP

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# No test may depend on how fast the machine is (test/README.md, "Time").
# bounded CMD [ARG...]: run the program CMD with at most CPU_LIMIT seconds
# of processor time (ulimit -t: a tool that spins dies of SIGXCPU, status
# 152; of SIGKILL 10 s later if it ignores that) and WALL_LIMIT seconds of
# wall time (timeout: status 124), a limit so generous that only a hang
# reaches it, however loaded the machine.
CPU_LIMIT=${TPIPE_CPU_LIMIT:-60}
WALL_LIMIT=${TPIPE_WALL_LIMIT:-300}
export CPU_LIMIT WALL_LIMIT
bounded() {
	(ulimit -S -t "$CPU_LIMIT" || exit
	 ulimit -H -t $((CPU_LIMIT + 10)) 2> /dev/null	# unless lower already
	 exec timeout "$WALL_LIMIT" "$@")
}

# out_of_bounds STATUS: STATUS is that of a run bounded stopped (124 or
# 152).
out_of_bounds() {
	[ "$1" -eq 124 ] || [ "$1" -eq 152 ]
}

# tools: the names of the tools, one per cmd/*.c, whatever is built.
tools() {
	local c
	for c in "$TPIPE_TOP"/cmd/*.c; do
		basename "$c" .c
	done
}

# npy_close A B [RTOL]: the arrays in NPY files A and B have the same
# shape and dtype and agree to RTOL * max|B| (0 means exactly equal).
npy_close() {
	"$PY" "$TPIPE_TOP/test/npycmp.py" "$@"
}

# tsan_build: the tools under test are built with ThreadSanitizer (make
# check SANITIZE=thread), whose shadow memory a bound on peak RSS counts.
tsan_build() {
	nm "$TPIPE_BIN/tcat" 2> /dev/null | grep -q __tsan_init
}

# TPIPE_TEST_SPARSE=N (a whole number; make check under a sanitizer
# sets 4, test/README.md): the random and exhaustive tests
# take about one in N of their cases (test/sparse.py for python's).
# share N: how many of N cases to take, N / TPIPE_TEST_SPARSE rounded up.
SPARSE=${TPIPE_TEST_SPARSE:-1}
export TPIPE_TEST_SPARSE=$SPARSE
share() {
	echo $((($1 + SPARSE - 1) / SPARSE))
}

# sanitizer_build: the tools under test are built with a sanitizer
# (make check SANITIZE=1 or SANITIZE=thread).
sanitizer_build() {
	nm "$TPIPE_BIN/tcat" 2> /dev/null | grep -q -e __asan_init -e __tsan_init
}

# py CODE: run python with numpy imported as np.
py() {
	"$PY" -c "import numpy as np, sys
$1"
}

# fails [--any-stdout] [--usage] STATUS REGEX INPUT CMD [ARG...]:
# `CMD ARG... < INPUT` exits with STATUS, writes nothing to stdout and
# exactly one line "CMD: ..." to stderr that matches the extended regular
# expression REGEX.  Then the same run with `-o out.npy` in an empty
# directory must fail the same way and leave that directory empty (no
# output file, no temporary file).  INPUT and file operands must be
# absolute paths (or names absent from both directories).
#   --any-stdout  stdout may hold what a streaming tool wrote before the
#                 error (truncated data); -o must still leave nothing
#   --usage       a usage error: the first stderr line must match REGEX,
#                 a usage text may follow (getopt message + usage); or
#                 stderr may be just the usage ("usage: CMD ...")
#   --no-o        skip the -o run
fails() {
	local any_stdout='' usage='' no_o=''
	while :; do
		case $1 in
		--any-stdout) any_stdout=1; shift ;;
		--usage) usage=1; shift ;;
		--no-o) no_o=1; shift ;;
		*) break ;;
		esac
	done
	local want=$1 re=$2 in=$3; shift 3
	local tool=$1; shift
	local d
	run --separate-stderr "$tool" "$@" < "$in"
	if [ "$status" -ne "$want" ]; then
		fail "$tool $*: exit $status, expected $want; stderr: $stderr"
		return 1
	fi
	if [ -z "$any_stdout" ] && [ -n "$output" ]; then
		fail "$tool $*: wrote to stdout on error: ${output:0:200}"
		return 1
	fi
	if [ -z "$usage" ] && [ "${#stderr_lines[@]}" -ne 1 ]; then
		fail "$tool $*: expected one line on stderr, got ${#stderr_lines[@]}: $stderr"
		return 1
	fi
	if [ "${#stderr_lines[@]}" -lt 1 ]; then
		fail "$tool $*: no message on stderr"
		return 1
	fi
	if [ -n "$usage" ] && [[ ${stderr_lines[0]} == "usage: $tool "* ]]; then
		# a usage error may show just the usage (a missing operand)
		if ! grep -Eq -- "$re" <<< "$stderr"; then
			fail "$tool $*: usage does not match /$re/: $stderr"
			return 1
		fi
	elif [[ ${stderr_lines[0]} != "$tool: "* ]]; then
		fail "$tool $*: message does not start with '$tool: ': ${stderr_lines[0]}"
		return 1
	elif ! grep -Eq -- "$re" <<< "${stderr_lines[0]}"; then
		fail "$tool $*: message does not match /$re/: ${stderr_lines[0]}"
		return 1
	fi
	[ -z "$no_o" ] || return 0
	d=$(mktemp -d "$BATS_TEST_TMPDIR/o.XXXXXX")
	run --separate-stderr bash -c 'cd "$1" && shift && exec "$@"' \
	    - "$d" "$tool" -o out.npy "$@" < "$in"
	if [ "$status" -ne "$want" ]; then
		fail "$tool -o out.npy $*: exit $status, expected $want; stderr: $stderr"
		return 1
	fi
	if [ -n "$(ls -A "$d")" ]; then
		fail "$tool -o out.npy $*: left files behind: $(ls -A "$d" | tr '\n' ' ')"
		return 1
	fi
	rm -rf "$d"
}

# reads_as_golden FILE...: tcat reads each FILE (test/data/FMT/NAME.EXT),
# from a pipe and as an operand, to the bytes of NAME.npy beside it
# (numpy.save of what the format's own reader gives); fails naming each
# that does not.
reads_as_golden() {
	local f n bad=''
	for f in "$@"; do
		n=${f%.*}
		tcat "$f" > file.npy || bad+="$f: exit $?"$'\n'
		tcat < "$f" > pipe.npy || bad+="$f (pipe): exit $?"$'\n'
		cmp -s file.npy "$n.npy" || bad+="$f: differs from $n.npy"$'\n'
		cmp -s pipe.npy "$n.npy" || bad+="$f (pipe): differs from $n.npy"$'\n'
	done
	[ -z "$bad" ] || fail "$bad"
}

# reads_or_fails FILE...: tcat on each FILE (broken inputs) either
# succeeds without a message, or exits 1 with one line naming the file;
# fails naming each file that did neither (a crash, a second line, a
# leak report under ASan).
reads_or_fails() {
	local f st bad=''
	for f in "$@"; do
		st=0
		tcat "$f" > out.npy 2> err || st=$?
		if [ "$st" -eq 0 ]; then
			[ ! -s err ] || bad+="$f: exit 0 with a message: $(cat err)"$'\n'
		elif [ "$st" -ne 1 ] || [ "$(wc -l < err)" -ne 1 ] ||
		    ! grep -q "^tcat: $f: " err; then
			bad+="$f: exit $st: $(head -c 300 err)"$'\n'
		fi
	done
	[ -z "$bad" ] || fail "$bad"
}

# row CMD...: run one row of a table test (usually `row fails ...`) so
# that a failing row is reported and the other rows still run; end the
# test with rows_ok.
row() {
	"$@" || ROW_FAILED=1
}
rows_ok() {
	[ -z "${ROW_FAILED:-}" ]
}

# npy_same LIST: LIST has lines "CASE GOT EXPECTED" (blank-separated
# paths).  Every NPY record of GOT must have the dtype, shape and values
# (NaN equal to NaN) of the record of EXPECTED; prints each case that
# differs and fails.  One python start for many comparisons.
npy_same() {
	"$PY" - "$1" <<'PYEOF'
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records

bad = []
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    case, got, exp = line.split()
    try:
        rg, re_ = records(got), records(exp)
    except Exception as e:
        bad.append(f'{case}: {got} does not load: {e}')
        continue
    if len(rg) != len(re_):
        bad.append(f'{case}: {len(rg)} records, expected {len(re_)}')
        continue
    for i, (a, b) in enumerate(zip(rg, re_)):
        where = f'{case}: record {i}:'
        if a.dtype != b.dtype:
            bad.append(f'{where} dtype {a.dtype.str} != {b.dtype.str}')
        elif a.shape != b.shape:
            bad.append(f'{where} shape {a.shape} != {b.shape}')
        elif not np.array_equal(a, b, equal_nan=a.dtype.kind in 'fc'):
            k = np.argwhere(~((a == b) | ((a != a) & (b != b))))
            k = tuple(k[0]) if a.ndim else ()
            bad.append(f'{where} differs at {k}: {a[k]!r} != {b[k]!r}')
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PYEOF
}

# tcat_cases: for each in/CASE.npy, run tcat on it from a pipe (out/)
# and as a file operand (outf/).  Every output must be byte-identical to
# exp/CASE.npy (numpy.save of the same array, native byte order and C
# order), and load in numpy equal to it.  Names every case that fails.
tcat_cases() {
	local f c bad='' st
	mkdir -p out outf
	: > pairs
	for f in in/*.npy; do
		c=$(basename "$f" .npy)
		cat "$f" | tcat > "out/$c.npy" 2> "out/$c.err"
		st=$?
		[ "$st" -eq 0 ] || bad+="$c: exit $st from a pipe: $(head -c 300 "out/$c.err")"$'\n'
		tcat "$f" > "outf/$c.npy" 2> "outf/$c.err"
		st=$?
		[ "$st" -eq 0 ] || bad+="$c: exit $st as a file: $(head -c 300 "outf/$c.err")"$'\n'
		if [ -s "out/$c.err" ] || [ -s "outf/$c.err" ]; then
			bad+="$c: wrote to stderr: $(cat "out/$c.err" "outf/$c.err")"$'\n'
		fi
		cmp -s "out/$c.npy" "exp/$c.npy" ||
			bad+="$c: output from a pipe is not numpy.save's bytes"$'\n'
		cmp -s "outf/$c.npy" "exp/$c.npy" ||
			bad+="$c: output from a file is not numpy.save's bytes"$'\n'
		echo "$c out/$c.npy exp/$c.npy" >> pairs
	done
	run npy_same pairs
	[ -z "$bad" ] && [ "$status" -eq 0 ] && return 0
	fail "$(printf '%s\n%s' "$bad" "$output")"
}

# usage_fails REGEX CMD [ARG...]: `CMD ARG... < /dev/null` is a usage
# error: exit 2, nothing on stdout, and on stderr first one line
# "CMD: ..." matching the extended regular expression REGEX (what is
# wrong), then only the usage ("usage: CMD ..." and its continuation
# lines, which start with blanks).
usage_fails() {
	local re=$1; shift
	local tool=$1 i
	run --separate-stderr "$@" < /dev/null
	if [ "$status" -ne 2 ]; then
		fail "$*: exit $status, expected 2; stderr: $stderr"
		return 1
	fi
	if [ -n "$output" ]; then
		fail "$*: wrote to stdout: ${output:0:200}"
		return 1
	fi
	if [[ ${stderr_lines[0]:-} != "$tool: "* ]] ||
	    ! grep -Eq -- "$re" <<< "${stderr_lines[0]}"; then
		fail "$*: first line of stderr does not say /$re/: $stderr"
		return 1
	fi
	if [[ ${stderr_lines[1]:-} != "usage: $tool "* ]]; then
		fail "$*: the usage does not follow the message: $stderr"
		return 1
	fi
	for ((i = 2; i < ${#stderr_lines[@]}; i++)); do
		if [[ ${stderr_lines[i]} != " "* ]]; then
			fail "$*: more than a message and the usage: $stderr"
			return 1
		fi
	done
}

# complete_then_error CMD...: the stream in.npy holds whole records and
# then a truncated one; `CMD < in.npy` (and CMD in.npy, and from a pipe,
# and from a pipe into a pipe) must exit 1 with one message and write exactly the complete
# records first, whatever their size: at least their bytes (in order) and
# nothing but a prefix of the broken one after them.  whole.npy holds the
# complete records as CMD writes them; broken.npy what CMD writes for the
# broken record when complete.
complete_then_error() {
	local how n w
	w=$(stat -c %s whole.npy)
	for how in redirect operand pipe pipes; do
		run --separate-stderr bash -c 'set -o pipefail; how=$1; shift
			case $how in
			redirect) "$@" < in.npy ;;
			operand) "$@" "$PWD/in.npy" ;;
			pipe) cat in.npy | "$@" ;;
			pipes) cat in.npy | "$@" | cat ;;
			esac > out.npy' - "$how" "$@"
		if [ "$status" -ne 1 ] || [ "${#stderr_lines[@]}" -ne 1 ]; then
			fail "$* ($how): exit $status, expected 1 and one message: $stderr"
			return 1
		fi
		n=$(stat -c %s out.npy)
		if [ "$n" -lt "$w" ] || ! cmp -s -n "$w" out.npy whole.npy; then
			fail "$* ($how): wrote $n bytes; the $w bytes of the complete records are not all there"
			return 1
		fi
		if ! cmp -s -i "$w:0" -n $((n - w)) out.npy broken.npy; then
			fail "$* ($how): after the complete records comes something else than the broken record's start"
			return 1
		fi
	done
}

# make_broken SHAPE COUNT: in.npy is COUNT float64 records of SHAPE
# (numpy.save), then one more cut in the middle of its data;
# complete.npy is the COUNT records, last.npy the cut one whole.
make_broken() {
	py "
import io
shape = tuple(int(x) for x in '$1'.split(',') if x)
rng = np.random.default_rng(5)
recs = [rng.standard_normal(shape) for _ in range($2 + 1)]
def save(rs):
    b = io.BytesIO()
    for r in rs:
        np.save(b, r)
    return b.getvalue()
whole, last = save(recs[:-1]), save(recs[-1:])
open('complete.npy', 'wb').write(whole)
open('last.npy', 'wb').write(last)
open('in.npy', 'wb').write(whole + last[:len(last) - recs[-1].nbytes // 2 - 4])
"
}

# gold_run DIR FILTER [ARG...]: run "${GOLD_TOOL[@]}" (set by the test
# file, e.g. GOLD_TOOL=(tgrad --forward)) on every case of the manifest
# $GOLD/${MANIFEST:-cases.txt} whose name matches the ERE FILTER, in the
# directory $GOLD, with the case's arguments and then ARG..., stdin from
# the case's input; writes DIR/NAME.npy, DIR/NAME.err and a line "NAME
# STATUS" in DIR/status.  Manifest lines (blank and '#' lines skipped):
#   name|dtype|input|arguments                 (expected: NAME.out.npy)
#   name|dtype|input|expected|arguments
#   name|dtype|input|kernel|expected|arguments (the kernel goes as -k)
# "$GOLD" in the arguments is the golden directory.  One shell loop, so
# that the comparison (gold_check) can be one python call.
gold_run() {
	local dir=$1 filter=$2 name input rest args mid st
	local -a kernel
	shift 2
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	: > "$dir/status"
	while IFS="|" read -r name _ input rest; do
		case $name in '' | '#'*) continue ;; esac
		[[ $name =~ $filter ]] || continue
		args=${rest##*|}
		args=${args//\$GOLD/$GOLD}
		kernel=()
		mid=${rest%|*}
		[[ $mid == *"|"* ]] && kernel=(-k "$GOLD/${mid%%|*}")
		st=0
		# shellcheck disable=SC2086 # args is a word list on purpose
		(cd "$GOLD" && "${GOLD_TOOL[@]}" "${kernel[@]}" $args "$@" \
			<"$input" >"$dir/$name.npy" 2>"$dir/$name.err") || st=$?
		echo "$name $st" >>"$dir/status"
	done <"$GOLD/${MANIFEST:-cases.txt}"
}

# gold_check DIR WHO [ARG...] <<'EOF' RULE EOF: check every case named in
# DIR/status (written by gold_run) with the Python RULE read from stdin,
# which defines check(name, f, path): the list of what is wrong with
# output file PATH of case NAME, f being its manifest fields.  RULE sees
# np, records (test/npystream.py), gold (the golden directory), argv
# (ARG...) and may set MIN_CASES (default 1).  A case that exited non-zero
# fails with its message.  Prints each problem and "N of M cases agree
# with WHO"; fails on any problem or fewer than MIN_CASES cases.
gold_check() {
	local dir=$1 who=$2 rule
	shift 2
	rule=$(cat)
	"$PY" -c "import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
gold, manifest, out, who = sys.argv[1:5]
argv = sys.argv[5:]
MIN_CASES = 1
$rule

man = {}
for line in open(os.path.join(gold, manifest)):
    if line.strip() and not line.startswith('#'):
        f = line.rstrip('\n').split('|')
        man[f[0]] = f
bad, n, failed = [], 0, 0
for line in open(os.path.join(out, 'status')):
    name, st = line.split()
    n += 1
    if st != '0':
        err = open(os.path.join(out, name + '.err')).read().strip()
        why = [f'{name}: exit {st}: {err}']
    else:
        why = check(name, man[name], os.path.join(out, name + '.npy'))
    failed += bool(why)
    bad += why
for m in bad:
    print(m)
print(f'{n - failed} of {n} cases agree with {who}')
sys.exit(1 if bad or n < MIN_CASES else 0)" \
		"$GOLD" "${MANIFEST:-cases.txt}" "$dir" "$who" "$@"
}

# gold_ok [--count N] CHECK DIR [ARG...]: run the gold_check wrapper CHECK
# on DIR (with ARG...), show its output, and fail unless it passes and
# (with --count) reports that all N of N cases agree.
gold_ok() {
	local count=''
	if [ "$1" = --count ]; then
		count=$2
		shift 2
	fi
	run "$@"
	echo "$2: $output"
	if [ "$status" -ne 0 ]; then
		fail "$*: exit $status"
		return 1
	fi
	if [ -n "$count" ] && [[ $output != "$count of $count cases"* ]]; then
		fail "$*: not $count of $count cases"
		return 1
	fi
}
