#!/bin/sh
# mk/runtests.sh [bats-file...] - run the C unit tests and the bats tests
# against the tools in $BUILD/bin, and end with "N passed, N failed".
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export TPIPE_BIN="$top/$BUILD/bin"
export TPIPE_TOP="$top"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Each runner must end well and print its plan ("1..N"); one that
# crashes or stops early counts as a failure whatever it printed.
one=$(mktemp)
trap 'rm -f "$log" "$one" "$one.st"' EXIT

# A ThreadSanitizer build (make check SANITIZE=thread) writes each
# process's reports to a file of its own, so that a report from a tool
# whose exit status a test does not look at (one early in a pipeline)
# fails the run too; test/tsan.supp holds the libraries' false reports.
# atexit_sleep_ms=0: TSan's default one-second sleep at every exit
# (waiting for threads still running to report) would, with the thread
# pool's parked workers, add a second to each of thousands of runs.
tsan_dir=
if nm "$top/$BUILD/bin/tcat" 2>/dev/null | grep -q __tsan_init; then
	tsan_dir=$(mktemp -d)
	trap 'rm -f "$log" "$one" "$one.st"; rm -rf "$tsan_dir"' EXIT
	TSAN_OPTIONS="suppressions=$top/test/tsan.supp:log_path=$tsan_dir/report:atexit_sleep_ms=0${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
	export TSAN_OPTIONS
fi
check_runner() {	# NAME STATUS
	if [ "$2" -ne 0 ] && ! grep -q '^not ok' "$one"; then
		echo "not ok - $1 exited with status $2" | tee -a "$log"
	fi
	if ! grep -q '^1\.\.' "$one"; then
		echo "not ok - $1 printed no test plan" | tee -a "$log"
	fi
}
# TPIPE_UNIT=0 (make check-deb): the bats files only
for u in "$top/$BUILD"/unit/*; do
	[ "${TPIPE_UNIT:-1}" != 0 ] || break
	[ -x "$u" ] || continue
	echo "# unit: $(basename "$u")"
	{ (cd "$top" && "$u") 2>&1; echo $? > "$one.st"; } | tee "$one" >> "$log"
	cat "$one"
	check_runner "unit $(basename "$u")" "$(cat "$one.st")"
done
if [ $# -eq 0 ]; then set -- "$top"/test/*.bats; fi
# Test files run side by side, one per CPU (the tests of a file in
# order), when GNU parallel is there for bats; TEST_JOBS=1 runs them one
# after another; TEST_TIMING=1 adds each test's time to its line.
jobs=
n=${TEST_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
if [ "$n" -gt 1 ] && command -v parallel >/dev/null 2>&1; then
	jobs="--jobs $n --no-parallelize-within-files"
fi
{ bats --formatter tap ${TEST_TIMING:+--timing} $jobs "$@" 2>&1; echo $? > "$one.st"; } | tee "$one" | tee -a "$log"
check_runner bats "$(cat "$one.st")"
# each process's TSan reports: one failure
if [ -n "$tsan_dir" ]; then
	for r in "$tsan_dir"/report.*; do
		[ -f "$r" ] || continue
		echo "not ok - ThreadSanitizer: $(grep -m 1 '^SUMMARY' "$r" ||
		    head -n 1 "$r")" | tee -a "$log"
		sed 's/^/# /' "$r"
	done
fi

pass=$(grep -c '^ok ' "$log" | tr -d ' ')
skip=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "$log" | tr -d ' ')
fail=$(grep -c '^not ok ' "$log" | tr -d ' ')
pass=$((pass - skip))
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
