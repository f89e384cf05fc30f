#!/bin/sh
# bench/run.sh - run every bench/*.sh against the tools in $BUILD/bin.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/$BUILD/bin:$PATH"
export PATH
status=0
for b in "$top"/bench/*.sh; do
	case $(basename "$b") in run.sh | common.sh) continue ;; esac
	echo "== $(basename "$b")"
	bash "$b" || status=1
done
exit $status
