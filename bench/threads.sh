#!/bin/sh
# bench/threads.sh - the cost of one tp_parallel call (bench/threads.c),
# on 1 thread (the work alone) and on every CPU, built against
# $BUILD/libtpipe.a.  Environment: BUILD (default build), CALLS (calls
# per round, default 20000).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
lib=$top/${BUILD:-build}/libtpipe.a
[ -f "$lib" ] || { echo "bench/threads.sh: no $lib: run make" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/threads-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -D_GNU_SOURCE -I"$top/lib" "$top/bench/threads.c" "$lib" \
    -lpthread -o "$tmp/threads"
for t in 1 "$(nproc)"; do
	"$tmp/threads" "$t" "${CALLS:-20000}"
	echo
done
