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

for u in "$top/$BUILD"/unit/*; do
	[ -x "$u" ] || continue
	echo "# unit: $(basename "$u")"
	(cd "$top" && "$u") 2>&1 | tee -a "$log"
done
if [ $# -eq 0 ]; then set -- "$top"/test/*.bats; fi
bats --formatter tap "$@" 2>&1 | tee -a "$log"

pass=$(grep -c '^ok ' "$log" | tr -d ' ')
skip=$(grep -c '^ok .*# [Ss][Kk][Ii][Pp]' "$log" | tr -d ' ')
fail=$(grep -c '^not ok ' "$log" | tr -d ' ')
pass=$((pass - skip))
# a runner that died without reporting is a failure too
if ! grep -q '^1\.\.' "$log"; then fail=$((fail + 1)); fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
