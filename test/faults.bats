#!/usr/bin/env bats
# The fault suite: every tool of test/faults.tsv (one row each) against
# every fault of test/faults-list.tsv (one test each), except where the
# row says why a fault does not apply.  Inputs are made once by
# test/faults.py.  The DIAGNOSTICS table of man/tpipe.7 is made from the
# two tables by mk/diagnostics.sh, and the last test fails if the page
# and the tables differ.

load helpers

TABLE="$TPIPE_TOP/test/faults.tsv"
FAULTS="$TPIPE_TOP/test/faults-list.tsv"

setup_file() {
	"$PY" "$TPIPE_TOP/test/faults.py" "$TABLE" "$BATS_FILE_TMPDIR/in"
}

# for_tools FAULT FN: call FN once for every row of the table to which
# FAULT applies (a failing row is reported and the others still run),
# with T (the tool), ARGS (its arguments), SHAPE, MIXED, NAN, ZERO, ALLOC,
# LONG, HELD (the row's fields) and IN (its inputs' directory) set, in an empty
# directory of its own.  Fails if FAULT applies to no tool, or if a row's
# na field names a fault that does not exist.  A tool may have more rows
# than one (tcat, and tcat -O tiff): each row's directories are named
# by its place in the table.
for_tools() {
	local fault=$1 fn=$2 line n=0 i=-1 na
	local -a rows
	mapfile -t rows < <(grep -v -e '^#' -e '^tool	' -e '^$' "$TABLE")
	for line in "${rows[@]}"; do
		i=$((i + 1))
		IFS=$'\t' read -r T ARGS SHAPE MIXED NAN ZERO ALLOC LONG HELD na <<< "$line"
		if [[ ";$na;" == *";$fault="* ]]; then
			continue
		fi
		IN=$BATS_FILE_TMPDIR/in/$i-$T
		mkdir -p "$BATS_TEST_TMPDIR/$i-$T"
		cd "$BATS_TEST_TMPDIR/$i-$T" || return 1
		n=$((n + 1))
		row "$fn"
	done
	cd "$BATS_TEST_TMPDIR" || return 1
	[ "$n" -gt 0 ] || fail "fault $fault applies to no tool"
	rows_ok
}

# reads_input: whether the row's tool reads its input (its arguments do
# not take a SHAPE).
reads_input() {
	[[ " $ARGS " != *" SHAPE "* ]]
}

# cmd [SHAPE] [ARGS]: set CMD to the row's command line: the tool, then
# ARGS (default: the row's; words split as xargs splits them, so quotes
# keep a pattern with blanks one word), SHAPE (default: the row's) in
# place of the word SHAPE, $DATA expanded.
cmd() {
	local shape=${1:-$SHAPE} args=${2:-$ARGS} a
	local -a words
	[ "$args" = - ] && args=''
	mapfile -d '' -t words < <(xargs -r printf '%s\0' <<< "$args")
	CMD=("$T")
	for a in "${words[@]}"; do
		a=${a//\$DATA/$DATA}
		[ "$a" = SHAPE ] && a=$shape
		CMD+=("$a")
	done
}

# one_message STATUS ERRFILE REGEX: the last run exited STATUS (its
# status is $st) and ERRFILE holds exactly one line, "TOOL: ..." matching
# the extended regular expression REGEX.
one_message() {
	local want=$1 err=$2 re=$3 lines
	if [ "$st" -ne "$want" ]; then
		fail "$T ($FAULT_CASE): exit $st, expected $want; stderr: $(head -c 500 "$err")"
		return 1
	fi
	lines=$(wc -l < "$err")
	if [ "$lines" -ne 1 ] || [ -n "$(tail -c 1 "$err" | tr -d '\n')" ]; then
		fail "$T ($FAULT_CASE): expected one line on stderr, got: $(head -c 500 "$err")"
		return 1
	fi
	if ! grep -Eq -- "^$T: " "$err" || ! grep -Eq -- "$re" "$err"; then
		fail "$T ($FAULT_CASE): message does not match /$re/: $(cat "$err")"
		return 1
	fi
}

# quiet_success ERRFILE: the last run ($st) exited 0 and wrote nothing to
# ERRFILE.
quiet_success() {
	if [ "$st" -ne 0 ] || [ -s "$1" ]; then
		fail "$T ($FAULT_CASE): exit $st, expected 0 and no message: $(head -c 500 "$1")"
		return 1
	fi
}

# is_prefix A B: file A is a prefix of file B.
is_prefix() {
	local n
	n=$(stat -c %s "$1")
	[ "$n" -le "$(stat -c %s "$2")" ] && cmp -s -n "$n" "$1" "$2"
}

# cut_outcome K N1: the run ($st, out, err) of the tool on the first K
# bytes of small.npy, whose first record has N1 bytes, ended as a cut
# stream must (as test/faults_cut.py checks it for every K): a clean end
# at the record boundary; else exit 1, one message naming <stdin> and
# the cut record, and on stdout the output of the complete records
# (one.out) and then only a prefix of the rest of full.out.
cut_outcome() {
	local k=$1 n1=$2 rec=0
	[ "$k" -gt "$n1" ] && rec=1
	FAULT_CASE="cut after $k bytes"
	if [ "$k" -eq "$n1" ]; then
		quiet_success err || return 1
		cmp -s out one.out || { fail "$T ($FAULT_CASE): not the output of the first record"; return 1; }
		return 0
	fi
	one_message 1 err "<stdin>.*record $rec\b|record $rec of <stdin>" || return 1
	if ! is_prefix out full.out; then
		fail "$T ($FAULT_CASE): wrote what the whole input would not: $(od -c out | head -5)"
		return 1
	fi
	if [ "$rec" -eq 1 ] && [ "$(stat -c %s out)" -lt "$(stat -c %s one.out)" ]; then
		fail "$T ($FAULT_CASE): the complete first record's output is not all there"
		return 1
	fi
}

# whole_outputs: full.out and one.out, the tool's output for small.npy
# and for its first record alone; one.out must begin full.out.
whole_outputs() {
	cmd
	"${CMD[@]}" < "$IN/small.npy" > full.out 2> full.err &&
	    "${CMD[@]}" < "$IN/one.npy" > one.out 2>> full.err || {
		fail "$T: fails on the valid input: $(cat full.err)"
		return 1
	}
	is_prefix one.out full.out || { fail "$T: the output of a stream does not start with that of its first record"; return 1; }
	[ -s one.out ] || { fail "$T: no output for a record"; return 1; }
}

# One python runs the tool on every prefix (a few at a time), since a
# shell loop would spend more time in its checks than in the tools.
cut_row() {
	cmd
	"$PY" "$TPIPE_TOP/test/faults_cut.py" "$IN/small.npy" \
	    "$(stat -c %s "$IN/one.npy")" "${CMD[@]}" > why ||
	    { fail "$(cat why)"; return 1; }
	cat why
}

@test "cut: a record cut at every byte of a small stream" {
	for_tools cut cut_row
}

# stalled SMALL ONE CMD...: CMD fed the stream SMALL (whose first record
# is the file ONE) through a pipe whose writer stalls after k bytes, then
# closes it, for two k inside the second record: each run must wait for
# the close and end as a cut stream does (cut_outcome, on out and err).
stalled() {
	local small=$1 n n1 k t0 t1
	n=$(stat -c %s "$small")
	n1=$(stat -c %s "$2")
	shift 2
	for k in $((n1 + 5)) $(((n1 + n) / 2)); do
		t0=$(date +%s%N)
		{ head -c "$k" "$small"; sleep 0.15; } | {
			st=0
			bounded "$@" > out 2> err || st=$?
			echo "$st $(date +%s%N)" > end
		}
		read -r st t1 < end
		! out_of_bounds "$st" || { fail "$T: hangs or spins (exit $st) on a stream that stops after $k bytes"; return 1; }
		# it waited for the writer to close (0.15 s) before it ended
		[ $((t1 - t0)) -ge 140000000 ] || { fail "$T: ended before the stalled writer closed the pipe"; return 1; }
		cut_outcome "$k" "$n1" || return 1
	done
}

slow_row() {
	local k
	whole_outputs || return 1
	stalled "$IN/small.npy" "$IN/one.npy" "${CMD[@]}" || return 1
	k=$(($(stat -c %s "$IN/one.npy") + 5))
	# with -o onto an existing file, the file stays as it was
	FAULT_CASE="-o, a stream that stops after $k bytes"
	mkdir d
	echo old > d/old.npy
	st=0
	{ head -c "$k" "$IN/small.npy"; sleep 0.15; } |
	    bounded "${CMD[@]}" -o "$PWD/d/old.npy" > out 2> err || st=$?
	one_message 1 err "<stdin>" || return 1
	[ "$(cat d/old.npy)" = old ] || { fail "$T ($FAULT_CASE): the file was changed"; return 1; }
	only_files d old.npy
}

@test "slow: a stream that stalls, then stops inside a record" {
	for_tools slow slow_row
}

epipe_row() {
	local in=$IN/big.npy
	cmd 1000,1000
	reads_input || in=/dev/null
	"${CMD[@]}" < "$in" 2> err | head -c 1 > /dev/null
	st=${PIPESTATUS[0]}
	FAULT_CASE='stdout closed early'
	if { [ "$st" -ne 0 ] && [ "$st" -ne 141 ]; } || [ -s err ]; then
		fail "$T | head -c 1: exit $st, expected 0 or 141 and no message: $(head -c 300 err)"
		return 1
	fi
}

@test "epipe: stdout closed early ends quietly" {
	for_tools epipe epipe_row
}

full_row() {
	local in=$IN/small.npy
	cmd
	reads_input || in=/dev/null
	st=0
	"${CMD[@]}" < "$in" > /dev/full 2> err || st=$?
	FAULT_CASE='stdout on /dev/full'
	one_message 1 err "write error: <stdout>: No space left on device$"
}

@test "full: stdout on a full device" {
	for_tools full full_row
}

# run_o FILE [PREFIX...]: run the row's small command with -o FILE
# (after the command PREFIX..., if given), stdin small.npy; sets st.
run_o() {
	local o=$1 in=$IN/small.npy
	shift
	cmd
	reads_input || in=/dev/null
	st=0
	"$@" "${CMD[@]}" -o "$o" < "$in" > out 2> err || st=$?
}

# only_files DIR NAME...: DIR holds exactly the entries NAME....
only_files() {
	local d=$1 got want
	shift
	got=$(ls -A "$d" | sort | tr '\n' ' ')
	want=$( (($#)) && printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || { fail "$T ($FAULT_CASE): $d holds '$got', expected '$want'"; return 1; }
}

nodir_row() {
	FAULT_CASE='-o into a missing directory'
	mkdir d
	run_o "$PWD/d/missing/out.npy"
	one_message 1 err "'?$PWD/d/missing/out.npy'?" || return 1
	[ ! -s out ] || { fail "$T ($FAULT_CASE): wrote to stdout"; return 1; }
	only_files d
}

@test "nodir: -o into a missing directory" {
	for_tools nodir nodir_row
}

# A read-only file is only read-only for a user other than root: root
# runs the tool as nobody, in a directory everyone may write.
rofile_row() {
	local d
	local -a as=()
	FAULT_CASE='-o onto a read-only file'
	d=$(mktemp -d /tmp/tpipe-faults.XXXXXX)
	chmod 777 "$d"
	echo old > "$d/old.npy"
	chmod 444 "$d/old.npy"
	if [ "$(id -u)" -eq 0 ]; then
		as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	fi
	run_o "$d/old.npy" "${as[@]}"
	one_message 1 err "$d/old.npy" &&
	    [ "$(cat "$d/old.npy")" = old ] &&
	    [ "$(stat -c %a "$d/old.npy")" = 444 ] &&
	    only_files "$d" old.npy || {
		fail "$T ($FAULT_CASE): the file was changed: $(stat -c '%a %s' "$d/old.npy")"
		rm -rf "$d"
		return 1
	}
	# and into a directory the user may not write
	FAULT_CASE='-o into a read-only directory'
	chmod 555 "$d"
	run_o "$d/new.npy" "${as[@]}"
	one_message 1 err "$d/new.npy" && only_files "$d" old.npy || {
		rm -rf "$d"
		return 1
	}
	rm -rf "$d"
}

@test "rofile: -o onto a read-only file" {
	if [ "$(id -u)" -eq 0 ] && ! command -v setpriv > /dev/null; then
		skip "root may write any file, and setpriv is missing to run as nobody"
	fi
	for_tools rofile rofile_row
}

isdir_row() {
	FAULT_CASE='-o onto a directory'
	mkdir -p d/adir
	echo keep > d/adir/f
	run_o "$PWD/d/adir"
	one_message 2 err "'$PWD/d/adir' is a directory" || return 1
	only_files d adir && only_files d/adir f && [ "$(cat d/adir/f)" = keep ]
}

@test "isdir: -o onto a directory" {
	for_tools isdir isdir_row
}

symlink_row() {
	FAULT_CASE='-o through a symbolic link'
	mkdir -p d/sub
	echo old > d/sub/real.npy
	chmod 640 d/sub/real.npy
	ln -s sub/real.npy d/link.npy
	ln -s sub/new.npy d/dangling.npy
	run_o "$PWD/d/link.npy"
	if reads_input; then
		"${CMD[@]}" < "$IN/small.npy" > expect.out 2> /dev/null
	else
		"${CMD[@]}" > expect.out 2> /dev/null
	fi
	quiet_success err || return 1
	[ "$(readlink d/link.npy)" = sub/real.npy ] || { fail "$T: the link was replaced"; return 1; }
	cmp -s d/sub/real.npy expect.out || { fail "$T: the link's target does not hold the output"; return 1; }
	[ "$(stat -c %a d/sub/real.npy)" = 640 ] || { fail "$T: the target lost its mode"; return 1; }
	run_o "$PWD/d/dangling.npy"
	quiet_success err || return 1
	[ "$(readlink d/dangling.npy)" = sub/new.npy ] || { fail "$T: the dangling link was replaced"; return 1; }
	cmp -s d/sub/new.npy expect.out || { fail "$T: the dangling link's target does not hold the output"; return 1; }
	only_files d sub link.npy dangling.npy && only_files d/sub real.npy new.npy
}

@test "symlink: -o through a symbolic link writes its target and keeps the link" {
	for_tools symlink symlink_row
}

# asan: the tools are built with AddressSanitizer, under which ulimit -v
# cannot be used (its shadow memory reserves terabytes).
asan() {
	grep -q __asan_init "$TPIPE_BIN/tcat"
}

# limited CMD...: run CMD under a limit of 2 GB of address space (none
# under ASan), bounded (helpers.bash).
limited() {
	(asan || ulimit -v 2000000; bounded "$@")
}

huge_row() {
	local shape bytes a
	local -a held
	if ! reads_input; then
		cmd 2147483648,2147483648
		FAULT_CASE='a shape operand of 2^62 elements'
		st=0
		limited "${CMD[@]}" > out 2> err || st=$?
		one_message 2 err "\(2147483648, 2147483648\)" || return 1
		[ ! -s out ] || { fail "$T ($FAULT_CASE): wrote to stdout"; return 1; }
		return 0
	fi
	cmd
	shape=$(cat "$IN/huge.shape")
	FAULT_CASE="a float64 record of shape $shape"
	st=0
	limited "${CMD[@]}" < "$IN/huge8.npy" > out 2> err || st=$?
	one_message 1 err "<stdin>.*${shape//[()]/\\&}" || return 1
	[ ! -s out ] || { fail "$T ($FAULT_CASE): wrote to stdout"; return 1; }
	FAULT_CASE="a uint8 record of shape $shape"
	bytes=$("$PY" -c "import math; print(math.prod($shape))")
	st=0
	limited "${CMD[@]}" < "$IN/huge1.npy" > out 2> err || st=$?
	one_message 1 err "<stdin>.*(${shape//[()]/\\&}|expected $bytes bytes)" || return 1
	[ "$(stat -c %s out)" -le 128 ] || { fail "$T ($FAULT_CASE): wrote more than a header"; return 1; }
	# a header is not trusted for more memory than the input holds: no
	# memory holds a PiB, so no limit is needed to see an allocation of
	# what the header claims, with the row's arguments or any that hold
	# a record in memory (the held field)
	claim_row "$ARGS" || return 1
	IFS=';' read -r -a held <<< "$HELD"
	for a in "${held[@]}"; do
		[ "$a" = - ] || claim_row "$a" || return 1
	done
}

# claim_row ARGS: the row's tool run with ARGS on a header that claims a
# PiB over 1000 bytes of data, in C and in Fortran order, says the
# record is truncated.
claim_row() {
	local f
	cmd "" "$1"
	for f in claim claim-f; do
		FAULT_CASE="$f.npy: a header of 1 PiB over 1000 bytes of data, args: $1"
		{ cat "$IN/$f.npy"; head -c 1000 /dev/zero; } > claim.npy
		st=0
		timeout 20 "${CMD[@]}" < claim.npy > out 2> err || st=$?
		one_message 1 err "<stdin>.*truncated record 0\b.* got 1000\b" || return 1
	done
}

@test "huge: about 2^62 elements are refused before allocating" {
	for_tools huge huge_row
}

alloc_row() {
	local bytes
	FAULT_CASE="a record larger than the memory limit"
	cmd
	st=0
	if reads_input; then
		bytes=$(cat "$IN/alloc.bytes")
		(ulimit -v 320000
		 { cat "$IN/alloc.npy"; head -c "$bytes" /dev/zero; } |
		     bounded "${CMD[@]}" 2> err | tail -c 1000 > out
		 exit "${PIPESTATUS[1]}") || st=$?
	else
		cmd 26000000,3
		(ulimit -v 320000; bounded "${CMD[@]}" 2> err |
		    tail -c 1000 > out; exit "${PIPESTATUS[0]}") || st=$?
	fi
	case ${ALLOC%%:*} in
	stream) quiet_success err ;;
	refuse) one_message 1 err "out of memory allocating [0-9]{9,} bytes" ;;
	*) fail "$T: alloc field '$ALLOC' is neither stream nor refuse" ;;
	esac
}

@test "alloc: a record larger than memory is refused with its size, or streams" {
	if asan; then
		skip "ulimit -v cannot be used under AddressSanitizer"
	fi
	for_tools alloc alloc_row
}

# nonfinite FILE: the NPY stream FILE holds a NaN or an infinity.
nonfinite() {
	py "
import os; sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
sys.exit(0 if any(not np.isfinite(r).all() for r in records('$1')) else 1)"
}

nan_row() {
	local said
	cmd
	FAULT_CASE="NaN and Inf (${NAN%%:*})"
	st=0
	"${CMD[@]}" < "$IN/nan.npy" > out 2> err || st=$?
	case ${NAN%%:*} in
	pass)
		[ "$st" -eq 0 ] || { fail "$T ($FAULT_CASE): exit $st: $(cat err)"; return 1; }
		nonfinite out || { fail "$T ($FAULT_CASE): no NaN or Inf in the output"; return 1; }
		;;
	count)
		quiet_success err || return 1
		grep -q 'nan=1 inf=2' out || { fail "$T ($FAULT_CASE): not counted: $(cat out)"; return 1; }
		# the table's words quote the statistics it prints
		said=$(grep -o 'min=[^ ]* max=[^ ]* mean=[^ ]* std=[^ ]* nan=[0-9]* inf=[0-9]*' <<< "$NAN") ||
			{ fail "$T: its nan words quote no 'min=... inf=N': $NAN"; return 1; }
		grep -qF " $said" out || { fail "$T ($FAULT_CASE): the table says '$said', it printed: $(cat out)"; return 1; }
		;;
	refuse)
		one_message 1 err "(NaN|nan).*\(0, 1\)" || return 1
		[ ! -s out ] || { fail "$T ($FAULT_CASE): wrote to stdout"; return 1; }
		;;
	*) fail "$T: nan field '$NAN' is not pass, count or refuse" ;;
	esac
}

@test "nan: NaN and Inf inputs do what each tool's row says" {
	for_tools nan nan_row
}

zero_row() {
	local zshape
	FAULT_CASE='an empty stream'
	cmd
	if reads_input; then
		st=0
		"${CMD[@]}" < "$IN/empty.npy" > out 2> err || st=$?
		quiet_success err || return 1
		[ ! -s out ] || { fail "$T ($FAULT_CASE): wrote something"; return 1; }
		zshape="(0, ${SHAPE#*,})"
		FAULT_CASE="a record of shape $zshape"
		st=0
		"${CMD[@]}" < "$IN/zero.npy" > out 2> err || st=$?
	else
		zshape="(0, ${SHAPE#*,})"
		FAULT_CASE="a record of shape $zshape"
		cmd "0,${SHAPE#*,}"
		st=0
		"${CMD[@]}" > out 2> err || st=$?
	fi
	case ${ZERO%%:*} in
	pass)
		quiet_success err || return 1
		if [ "$(head -c 6 out | tail -c 5)" = NUMPY ]; then
			py "
import os; sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
r = records('out')
sys.exit(0 if r and all(a.size == 0 for a in r) else 1)" ||
			    { fail "$T ($FAULT_CASE): the output is not zero-size records"; return 1; }
		else
			grep -q 'bytes=0' out || { fail "$T ($FAULT_CASE): $(cat out)"; return 1; }
		fi
		;;
	refuse)
		one_message 1 err "${zshape//[()]/\\&}" || return 1
		[ ! -s out ] || { fail "$T ($FAULT_CASE): wrote to stdout"; return 1; }
		;;
	*) fail "$T: zero field '$ZERO' is not pass or refuse" ;;
	esac
}

@test "zero: an empty stream and a zero-size record" {
	for_tools zero zero_row
}

mixed_row() {
	local i n
	FAULT_CASE='records of mixed shapes and dtypes'
	cmd
	st=0
	"${CMD[@]}" < "$IN/mixed.npy" > out 2> err || st=$?
	quiet_success err || return 1
	local first=0 specs=$MIXED
	if [[ $specs == first-dtype* ]]; then
		first=1
		specs=${specs#first-dtype}
	fi
	n=$(echo "$specs" | wc -w)
	for ((i = 0; i < n; i++)); do
		"${CMD[@]}" < "$IN/mixed-$i.npy" > "alone-$i" 2> err ||
		    { fail "$T: fails on record $i alone: $(cat err)"; return 1; }
	done
	if [ "$(head -c 6 out | tail -c 5)" = NUMPY ]; then
		py "
import os; sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
got = records('out')
alone = [records(f'alone-{i}')[0] for i in range($n)]
bad = []
if len(got) != len(alone):
    bad.append(f'{len(got)} records, expected {len(alone)}')
first = $first  # the first record's output dtype is every record's
for i, (a, b) in enumerate(zip(got, alone)):
    if first and a.dtype != alone[0].dtype:
        bad.append(f'record {i}: {a.dtype}, not the first record\'s {alone[0].dtype}')
    elif first:
        a = a.astype(b.dtype)
    if a.shape != b.shape or a.dtype != b.dtype:
        bad.append(f'record {i}: {a.dtype} {a.shape}, alone {b.dtype} {b.shape}')
    elif not np.array_equal(a, b, equal_nan=True):
        bad.append(f'record {i} differs from its output alone')
print('; '.join(bad))
sys.exit(1 if bad else 0)" > why || { fail "$T ($FAULT_CASE): $(cat why)"; return 1; }
	else
		# text output: one line per record, led by its index
		for ((i = 0; i < n; i++)); do
			sed "s/^0 /$i /" "alone-$i"
		done > alone
		cmp -s out alone || { fail "$T ($FAULT_CASE): $(diff out alone)"; return 1; }
	fi
}

@test "mixed: records of different shapes and dtypes in one stream" {
	for_tools mixed mixed_row
}

sigterm_row() {
	local pid wpid i
	FAULT_CASE='SIGTERM while writing -o'
	mkdir d
	mkfifo fifo
	if [ "$LONG" = - ]; then
		cmd
		# the first record, then a pipe that stays open
		{ cat "$IN/one.npy"; exec sleep "$WALL_LIMIT"; } > fifo &
		wpid=$!
	else
		cmd '' "$LONG"
		sleep "$WALL_LIMIT" > fifo &
		wpid=$!
	fi
	"${CMD[@]}" -o "$PWD/d/out.npy" < fifo > out 2> err &
	pid=$!
	# wait for the temporary file (while the tool runs, for at most about
	# WALL_LIMIT seconds: only a hang takes that long), then signal
	for ((i = 0; i < WALL_LIMIT * 20; i++)); do
		[ -n "$(ls -A d)" ] && break
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.05
	done
	if [ -z "$(ls -A d)" ]; then
		kill "$pid" "$wpid" 2> /dev/null
		fail "$T: no temporary file in d (the tool ended, or hangs): $(cat err)"
		return 1
	fi
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	kill "$wpid" 2> /dev/null
	wait "$wpid" 2> /dev/null
	[ "$st" -eq 143 ] || { fail "$T ($FAULT_CASE): exit $st, expected 143 (SIGTERM): $(cat err)"; return 1; }
	[ ! -s err ] || { fail "$T ($FAULT_CASE): said $(cat err)"; return 1; }
	only_files d
}

@test "sigterm: SIGTERM while writing -o leaves no file" {
	for_tools sigterm sigterm_row
}

# for_formats FN: call FN for every row of test/faults-readers.tsv, with
# F (the format), MAKE and READ (its commands, split into words), and
# small.F and one.F made from tcat's small.npy and one.npy (tcat's row
# is the table's first: its inputs are in in/0-tcat), in an empty
# directory of its own; a failing row is reported and the others run.
for_formats() {
	local fn=$1 line n=0 IN=$BATS_FILE_TMPDIR/in/0-tcat
	local -a rows
	mapfile -t rows < <(grep -v -e '^#' -e '^format	' -e '^$' "$TPIPE_TOP/test/faults-readers.tsv")
	for line in "${rows[@]}"; do
		IFS=$'\t' read -r F make read <<< "$line"
		read -r -a MAKE <<< "$make"
		read -r -a READ <<< "$read"
		mkdir -p "$BATS_TEST_TMPDIR/$F" && cd "$BATS_TEST_TMPDIR/$F" || return 1
		"${MAKE[@]}" < "$IN/small.npy" > "small.$F" &&
		    "${MAKE[@]}" < "$IN/one.npy" > "one.$F" ||
			{ fail "$F: '$make' fails"; return 1; }
		n=$((n + 1))
		row "$fn"
	done
	cd "$BATS_TEST_TMPDIR" || return 1
	[ "$n" -ge 2 ] || fail "only $n formats"
	rows_ok
}

reader_cut_row() {
	"$PY" "$TPIPE_TOP/test/faults_cut.py" "small.$F" \
	    "$(stat -c %s "one.$F")" "${READ[@]}" > why ||
	    { fail "$F: $(cat why)"; return 1; }
	cat why
}

@test "readers: each input format's stream cut at every byte ends as a cut NPY stream does (test/faults-readers.tsv)" {
	for_formats reader_cut_row
}

reader_slow_row() {
	local T=${READ[0]} FAULT_CASE
	"${READ[@]}" < "small.$F" > full.out && "${READ[@]}" < "one.$F" > one.out ||
		{ fail "$F: '${READ[*]}' fails on the whole stream"; return 1; }
	stalled "small.$F" "one.$F" "${READ[@]}"
}

@test "readers: each input format's stream that stalls, then stops inside a record (test/faults-readers.tsv)" {
	for_formats reader_slow_row
}

@test "man/tpipe.7's DIAGNOSTICS table is what mk/diagnostics.sh makes of the tables" {
	run --separate-stderr "$TPIPE_TOP/mk/diagnostics.sh" --check
	[ "$status" -eq 0 ] || fail "mk/diagnostics.sh --check: $stderr $output"
}

@test "every fault of faults-list.tsv has its test here, and every row's na names a fault" {
	local f
	for f in $(awk -F'\t' '!/^#/ && $1 != "fault" && NF {print $1}' "$FAULTS"); do
		grep -q "^@test \"$f: " "$BATS_TEST_FILENAME" || fail "fault $f has no test"
	done
	for f in $(awk -F'\t' '!/^#/ && $1 != "tool" && NF && $10 != "-" {print $10}' "$TABLE" |
	    tr ';' '\n' | cut -d= -f1); do
		grep -q "^$f	" "$FAULTS" || fail "an na field names fault '$f', which faults-list.tsv lacks"
	done
}
