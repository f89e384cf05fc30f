#!/bin/bash
# The pipelines below are single-quoted on purpose: bash -c expands $F, $B.
# shellcheck disable=SC2016
# bench/tcat.sh - tcat streaming a 2 GiB record, next to plain cat.
#
#   (a) throughput through pipes, best of 3 in the same run:
#         cat FILE | cat  | cat > /dev/null      (the floor: pipes alone)
#         cat FILE | tcat | cat > /dev/null      (tcat parsing a pipe)
#         tcat FILE       | cat > /dev/null      (tcat reading a file)
#   (b) peak resident memory (GNU time -v) of tcat and tinfo streaming
#       that record, which must stay far below the record's 2 GiB.
#
# Prints a markdown table.  The record is made with tgen (python if tgen
# is not built) in a temporary directory that is removed at the end.
# Environment: BUILD (default build), TMPDIR, ELEMS (float32 elements,
# default 536870912 = 2 GiB), RUNS (default 3).
set -eu -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
bin=$top/${BUILD:-build}/bin
elems=${ELEMS:-536870912}
runs=${RUNS:-3}
timer=/usr/bin/time

[ -x "$bin/tcat" ] || { echo "tcat.sh: no $bin/tcat: run make" >&2; exit 1; }
[ -x "$timer" ] || { echo "tcat.sh: no GNU time at $timer: apt-get install time" >&2; exit 1; }
bench_tmpdir tcat
big=$tmp/big.npy
F=$big

if [ -x "$bin/tgen" ]; then
	"$bin/tgen" zeros "$elems" -t f32 -o "$big"
	made=tgen
else
	/usr/bin/python3 - "$big" "$elems" <<'EOF'
import sys, numpy as np
path, n = sys.argv[1], int(sys.argv[2])
with open(path, 'wb') as f:
    np.lib.format.write_array_header_1_0(f, {'descr': '<f4',
        'fortran_order': False, 'shape': (n,)})
    zeros = bytes(1 << 24)
    left = 4 * n
    while left:
        f.write(zeros[:min(left, len(zeros))])
        left -= min(left, len(zeros))
EOF
	made=python
fi
bytes=$(stat -c %s "$big")
cat "$big" > /dev/null		# into the page cache, for every row alike

# rss CMD: peak resident set size in KiB of the process GNU time runs
# inside CMD (CMD contains "T" where the timed command goes).
rss() {
	local log=$tmp/time.log
	F=$big B=$bin T="$timer -v -o $log" bash -o pipefail -c "$1" ||
		{ echo "tcat.sh: failed: $1" >&2; exit 1; }
	awk -F': ' '/Maximum resident set size/ { print $2 }' "$log"
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

t_cat=$(wall "$(best_pipe 'cat "$F" | cat | cat > /dev/null')")
t_pipe=$(wall "$(best_pipe 'cat "$F" | "$B/tcat" | cat > /dev/null')")
t_file=$(wall "$(best_pipe '"$B/tcat" "$F" | cat > /dev/null')")

echo "## tcat: one $(awk -v n="$bytes" 'BEGIN { printf "%.2f", n / 2^30 }') GiB float32 record ($made), $(nproc) CPUs"
echo
echo "| pipeline | best of $runs | GB/s |"
echo "|---|---:|---:|"
echo "| \`cat FILE \| cat \| cat > /dev/null\` | ${t_cat} s | $(gbs "$bytes" "$t_cat") |"
echo "| \`cat FILE \| tcat \| cat > /dev/null\` | ${t_pipe} s | $(gbs "$bytes" "$t_pipe") |"
echo "| \`tcat FILE \| cat > /dev/null\` | ${t_file} s | $(gbs "$bytes" "$t_file") |"
echo

if [ -x "$timer" ] && "$timer" -v true 2> /dev/null; then
	r_cat=$(rss 'cat "$F" | $T cat | cat > /dev/null')
	r_pipe=$(rss 'cat "$F" | $T "$B/tcat" | cat > /dev/null')
	r_file=$(rss '$T "$B/tcat" "$F" | cat > /dev/null')
	r_info=$(rss 'cat "$F" | $T "$B/tinfo" > /dev/null')
	echo "| process (streaming the record) | peak RSS | of the record |"
	echo "|---|---:|---:|"
	for row in "cat (in a pipe):$r_cat" "tcat (pipe in):$r_pipe" \
	    "tcat (file in):$r_file" "tinfo (pipe in):$r_info"; do
		k=${row##*:}
		echo "| ${row%:*} | $(mib "$k") MiB | $(awk -v k="$k" -v n="$bytes" \
		    'BEGIN { printf "%.2f%%", 100 * k * 1024 / n }') |"
	done
	echo
	worst=$(printf '%s\n' "$r_pipe" "$r_file" "$r_info" | sort -n | tail -n 1)
else
	echo "(no GNU time at $timer: apt-get install time; peak RSS not measured)"
	echo
	worst=
fi

ok=yes
awk -v t="$t_pipe" -v n="$bytes" 'BEGIN { exit !(n / t / 1e9 >= 1) }' || ok=no
echo "- tcat through a pipe at least 1 GB/s: $ok"
if [ -n "$worst" ]; then
	ok=yes
	# "well under the record's size": under 64 MiB for a 2 GiB record
	[ "$worst" -lt 65536 ] || ok=no
	echo "- tcat and tinfo peak RSS under 64 MiB: $ok ($(mib "$worst") MiB at most)"
fi
