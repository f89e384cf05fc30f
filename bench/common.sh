# shellcheck shell=sh
# bench/common.sh - what the bench/*.sh scripts share; sourced (POSIX sh,
# so both the sh and the bash scripts can use it), never run by itself:
#   . "$top/bench/common.sh"
# Its functions use globals with a leading underscore only, so that they
# do not clobber the caller's i, b, t or n.  PYTHON (default
# /usr/bin/python3) and REPS (default 3) come from the environment.
PYTHON=${PYTHON:-/usr/bin/python3}
REPS=${REPS:-3}
# me: the script's name for messages, e.g. "bench/tconv.sh"
me=bench/$(basename "$0")

# need_tool PATH NAME VAR: die unless PATH, the tool NAME that the
# environment variable VAR may name, is executable
need_tool() {
	if [ ! -x "$1" ]; then
		echo "$me: no $2 at $1 (run make first, or set $3)" >&2
		exit 1
	fi
}

# need_python MODULES WHAT: die unless $PYTHON can import MODULES
# (a Python import list, e.g. "numpy, torch"); WHAT names them in the
# message
need_python() {
	if ! "$PYTHON" -c "import $1" 2>/dev/null; then
		echo "$me: $PYTHON cannot import $2" >&2
		exit 1
	fi
}

# bench_tmpdir NAME: $tmp is a new temporary directory, removed at exit
# (and on INT or TERM, exit status 130)
bench_tmpdir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1-bench.XXXXXX") || exit 1
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 130' INT TERM
}

# now: wall clock in nanoseconds
now() { date +%s%N; }

# best_of N CMD...: run CMD N times (its stdout discarded), print the best
# wall time in seconds to three decimals; print "fail" and return 1 if a
# run fails
best_of() {
	_n=$1
	shift
	_b=
	_i=0
	while [ $_i -lt "$_n" ]; do
		_t0=$(now)
		"$@" >/dev/null || { echo fail; return 1; }
		_t1=$(now)
		_t=$((_t1 - _t0))
		if [ -z "$_b" ] || [ $_t -lt "$_b" ]; then _b=$_t; fi
		_i=$((_i + 1))
	done
	awk -v t="$_b" 'BEGIN { printf "%.3f", t / 1e9 }'
}

# least_of N CMD...: run CMD N times, each printing one number, and
# print the least of them (for a time a tool reports itself)
least_of() {
	_n=$1
	shift
	_b=
	_i=0
	while [ $_i -lt "$_n" ]; do
		_t=$("$@")
		if [ -z "$_b" ] || awk -v a="$_t" -v b="$_b" \
		    'BEGIN { exit !(a < b) }'; then _b=$_t; fi
		_i=$((_i + 1))
	done
	echo "$_b"
}

# best CMD...: best_of $REPS CMD...
best() { best_of "$REPS" "$@"; }

# warm_best LABEL CMD...: say LABEL on stderr, run CMD once untimed (file
# cache, plans), then print best CMD...; print "fail" and return 1 if a
# run fails
warm_best() {
	echo "$me: $1" >&2
	shift
	"$@" >/dev/null || { echo fail; return 1; }
	best "$@"
}

# ratio A B: A / B to two decimals; "n/a" if B is not positive or A is
# "fail"
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b > 0 && a != "fail") printf "%.2f", a / b; else printf "n/a" }'
}

# gbs BYTES SECONDS: throughput in GB/s to two decimals
gbs() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.2f", n / t / 1e9 }'; }

# want CASE [SELECTED...]: true if CASE is selected (none selected: all)
want() {
	[ $# -le 1 ] && return 0
	_c=$1
	shift
	for _w in "$@"; do [ "$_w" = "$_c" ] && return 0; done
	return 1
}

# relerr A B: max|A - B| / max|B| of two NPY files (computed in float64),
# or "shape S vs T" if their shapes differ
relerr() {
	"$PYTHON" -c "
import numpy as np
a = np.load('$1'); b = np.load('$2')
if a.shape != b.shape:
    print('shape %s vs %s' % (a.shape, b.shape))
else:
    e = np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))
    print('%.1e' % (e / np.max(np.abs(b.astype(np.float64)))))
"
}

# best_pipe CMD: "WALL CPU", over $runs runs of `bash -o pipefail -c CMD`
# the shortest wall time and the least CPU time (user + system of every
# process of CMD, from GNU time at $timer) in seconds; dies if CMD fails.
# CMD sees F, P (the caller's), B ($bin) and O ($tmp/out.npy).  On a
# shared machine the CPU time says more about the work done than the wall
# time.
# shellcheck disable=SC2154 # runs, bin, timer: the caller's
best_pipe() {
	_b='' _c=''
	_i=0
	while [ $_i -lt "$runs" ]; do
		_t0=$(date +%s.%N)
		F=$F B=$bin O=$tmp/out.npy P=${P:-} "$timer" -f '%U %S' \
		    -o "$tmp/cpu" bash -o pipefail -c "$1" ||
			{ echo "$me: failed: $1" >&2; exit 1; }
		_t1=$(date +%s.%N)
		_cpu=$(awk '{ t = $1 + $2 } END { print t }' "$tmp/cpu")
		_b=$(awk -v a="$_t0" -v z="$_t1" -v b="$_b" \
		    'BEGIN { t = z - a; if (b == "" || t < b) b = t; print b }')
		_c=$(awk -v t="$_cpu" -v c="$_c" \
		    'BEGIN { if (c == "" || t < c) c = t; print c }')
		_i=$((_i + 1))
	done
	printf '%.3f %.2f\n' "$_b" "$_c"
}
# wall "WALL CPU", cpu "WALL CPU": one of best_pipe's two times
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }

# keep BEST NEW: of two "WALL CPU" pairs, the better wall and the better
# CPU time (BEST may be empty)
keep() {	# BEST NEW: the better wall and the better CPU time
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
	    if (a == "") { print b; exit }
	    printf "%.3f %.2f\n", (y[1] < x[1] ? y[1] : x[1]), (y[2] < x[2] ? y[2] : x[2]) }'
}
