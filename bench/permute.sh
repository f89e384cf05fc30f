#!/bin/bash
# The commands below are single-quoted on purpose: bash -c expands $F, $B.
# shellcheck disable=SC2016
# bench/permute.sh - issue 26's permutation row: treshape --permute 2,0,1
# of a 512 MiB float32 record (512x512x512) against its bound, one read
# and one write of the same bytes, and against numpy, in one run.
#
#   compute: treshape --verbose's compute time (the threaded transpose;
#            the output's pages are mapped by another thread while the
#            record is read, and count as reading) beside
#            bench/memcpy.c's memcpy of the same bytes, into a buffer
#            already written (warm) and into a new one as the tool's
#            output is (fresh);
#   whole process, NPY file to NPY file: treshape beside
#            np.save(out, np.ascontiguousarray(np.load(in).transpose(2, 0, 1)))
#            in /usr/bin/python3; the two outputs must be byte-identical.
#
# Best of RUNS (3) each, the programs taking turns.  Environment: BUILD
# (default build), TMPDIR, RUNS, CC (cc), SHAPE (512,512,512), AXES (2,0,1).
set -eu -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
bin=$top/${BUILD:-build}/bin
runs=${RUNS:-3}
timer=/usr/bin/time
CC=${CC:-cc}
shape=${SHAPE:-512,512,512}
P=${AXES:-2,0,1}

[ -x "$timer" ] || { echo "$me: no GNU time at $timer: apt-get install time" >&2; exit 1; }
for t in tgen treshape; do
	need_tool "$bin/$t" "$t" BUILD
done
need_python numpy numpy
bench_tmpdir permute
"$CC" -O2 -D_GNU_SOURCE -I"$top/lib" "$top/bench/memcpy.c" \
    "$(dirname "$bin")/libtpipe.a" -lpthread -o "$tmp/memcpy" ||
	{ echo "$me: cannot build bench/memcpy.c" >&2; exit 1; }

F=$tmp/in.npy
"$bin/tgen" rand "$shape" --seed 1 -t f32 -o "$F"
bytes=$(( $(stat -c %s "$F") - 128 ))
cat "$F" > /dev/null
NUMPY='"$PYTHON" -c "
import sys, numpy as np
axes = tuple(int(a) for a in sys.argv[3].split(\",\"))
np.save(sys.argv[2], np.ascontiguousarray(np.load(sys.argv[1]).transpose(axes)))
" "$F" "$O" "$P"'
export PYTHON P
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
t_tr='' t_np='' comp='' bound=''
for ((round = 0; round < runs; round++)); do
	t_tr=$(keep "$t_tr" "$(runs=1 best_pipe '"$B/treshape" --permute "$P" "$F" -o "$O"')")
	mv "$tmp/out.npy" "$tmp/tr.npy"
	t_np=$(keep "$t_np" "$(runs=1 best_pipe "$NUMPY")")
	cmp -s "$tmp/tr.npy" "$tmp/out.npy" ||
		{ echo "$me: treshape and numpy differ" >&2; exit 1; }
	rm -f "$tmp/out.npy" "$tmp/tr.npy"
	c=$("$bin/treshape" --verbose --permute "$P" "$F" 2>&1 > /dev/null |
	    sed -n 's/.*record 0: .*compute \([0-9.]*\) s.*/\1/p')
	comp=$(awk -v a="$comp" -v b="$c" 'BEGIN { print (a == "" || b < a) ? b : a }')
	m=$("$tmp/memcpy" "$bytes" 1)
	bound=$(awk -v a="$bound" -v b="$m" 'BEGIN { split(a, x, " "); split(b, y, " ");
	    if (a == "") { print b; exit }
	    printf "%s %s\n", (y[1] < x[1] ? y[1] : x[1]), (y[2] < x[2] ? y[2] : x[2]) }')
done
warm=${bound% *} fresh=${bound#* }
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## treshape --permute $P of $shape float32 ($(awk -v n="$bytes" 'BEGIN { printf "%.0f", n / 2^20 }') MiB), $(nproc) CPUs, best of $runs"
echo
echo "| compute | s |"
echo "|---|---:|"
echo "| treshape --verbose compute (the transpose) | $comp |"
echo "| bound: memcpy into a written buffer (warm) | $warm |"
echo "| memcpy into a new buffer (tp_big_alloc, page faults included) | $fresh |"
echo
echo "| whole process, NPY file to NPY file | wall s | CPU s |"
echo "|---|---:|---:|"
echo "| treshape --permute $P | $(wall "$t_tr") | $(cpu "$t_tr") |"
echo "| numpy transpose + ascontiguousarray | $(wall "$t_np") | $(cpu "$t_np") |"
echo
echo "- numpy / treshape, whole process: $(ratio "$(wall "$t_np")" "$(wall "$t_tr")")x"
echo "- compute / memcpy warm: $(ratio "$comp" "$warm")x; compute / memcpy fresh: $(ratio "$comp" "$fresh")x (goal: at most 2.5x)"
