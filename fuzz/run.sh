#!/bin/sh
# fuzz/run.sh TARGET... - run each libFuzzer target in $BUILD_FUZZ for
# $FUZZ_SECONDS (make fuzz).  New corpus inputs go to
# $BUILD_FUZZ/corpus/TARGET (scratch), the seeds are fuzz/corpus/TARGET;
# a crash, leak or timeout is saved in $BUILD_FUZZ/findings/ and makes the
# run fail.  Each target's log is $BUILD_FUZZ/log/TARGET.log.  Ends with
# "fuzz: N targets clean" or "fuzz: FAILED: targets".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD_FUZZ=${BUILD_FUZZ:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
case $BUILD_FUZZ in /*) ;; *) BUILD_FUZZ=$top/$BUILD_FUZZ ;; esac
mkdir -p "$BUILD_FUZZ/log" "$BUILD_FUZZ/findings"
failed=
n=0
for t in "$@"; do
	bin=$BUILD_FUZZ/fuzz-$t
	seeds=$top/fuzz/corpus/$t
	scratch=$BUILD_FUZZ/corpus/$t
	log=$BUILD_FUZZ/log/$t.log
	mkdir -p "$scratch"
	dict=
	[ -f "$top/fuzz/dict/$t.dict" ] && dict=-dict=$top/fuzz/dict/$t.dict
	echo "fuzz: $t for ${FUZZ_SECONDS}s (log $log)"
	# -timeout: an input running 10 s is a hang; the tools' own memory
	# limits are far below -rss_limit_mb
	nice -n 19 "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
	    -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
	    -artifact_prefix="$BUILD_FUZZ/findings/$t-" $dict \
	    "$scratch" "$seeds" > "$log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -ao 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$st" -ne 0 ]; then
		echo "fuzz: $t FAILED (status $st): see $log and $BUILD_FUZZ/findings/"
		grep -a -m 3 'ERROR\|SUMMARY\|fuzz:' "$log" | sed 's/^/  /'
		failed="$failed $t"
	else
		echo "fuzz: $t clean: ${runs:-?} runs, ${secs:-?} exec/s, $cov"
	fi
	n=$((n + 1))
done
if [ -n "$failed" ]; then
	echo "fuzz: FAILED:$failed"
	exit 1
fi
echo "fuzz: $n targets clean, ${FUZZ_SECONDS}s each"
