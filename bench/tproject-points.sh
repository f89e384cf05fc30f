#!/bin/bash
# The commands below are single-quoted on purpose: bash -c expands $F, $B.
# shellcheck disable=SC2016
# bench/tproject-points.sh - issue 26's tproject row: 10^7 float64
# points (N, 3), NPY file in, NPY file of window coordinates out, whole
# process, beside its bound and NumPy, in one run:
#
#   tproject   --perspective 60,4/3,0.1,100 --lookat 3,4,5,0,0,0,0,1,0
#              --viewport 0,0,1920,1080 F -o O (as bench/tproject.sh);
#   bound      bench/stream-bound.c: read the same file, one memcpy of
#              its bytes, write them to a new file renamed onto O, in
#              pieces that stay in the cache: the I/O tproject cannot
#              avoid and one pass at memory speed;
#   memcpy     bench/memcpy.c's warm memcpy of the bytes in + out (the
#              issue's first yardstick: moving the bytes at memcpy speed,
#              no system call);
#   numpy      /usr/bin/python3 loading F, p @ M[:, :3].T + M[:, 3], the
#              division by w, the viewport, np.save (bench/tproject.sh's).
#
# Wall time and CPU time (user + system of every process, GNU time),
# best of RUNS (3) each, the programs taking turns; the ratios are
# tproject's over the bound's.  Environment: BUILD (default build),
# TMPDIR, RUNS, CC (cc), N (10000000), TPROJECT_ARGS (e.g. "-j 1").
set -eu -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
bin=$top/${BUILD:-build}/bin
runs=${RUNS:-3}
timer=/usr/bin/time
CC=${CC:-cc}
N=${N:-10000000}
P=${TPROJECT_ARGS:-}

[ -x "$timer" ] || { echo "$me: no GNU time at $timer: apt-get install time" >&2; exit 1; }
need_tool "$bin/tproject" tproject BUILD
need_python numpy numpy
bench_tmpdir tproject-points
"$CC" -O2 "$top/bench/stream-bound.c" -o "$tmp/bound" ||
	{ echo "$me: cannot build bench/stream-bound.c" >&2; exit 1; }
"$CC" -O2 -D_GNU_SOURCE -I"$top/lib" "$top/bench/memcpy.c" \
    "$(dirname "$bin")/libtpipe.a" -lpthread -o "$tmp/memcpy" ||
	{ echo "$me: cannot build bench/memcpy.c" >&2; exit 1; }

F=$tmp/in.npy
"$PYTHON" -c "
import numpy as np
np.save('$F', np.random.default_rng(1).uniform(-2, 2, ($N, 3)))
"
bytes=$(( 2 * $(stat -c %s "$F") ))
cat "$F" > /dev/null
TPROJECT='"$B/tproject" --perspective 60,1.3333333333333333,0.1,100 \
    --lookat 3,4,5,0,0,0,0,1,0 --viewport 0,0,1920,1080 $P "$F" -o "$O"'
BOUND='"$T/bound" "$F" "$O" 1 > /dev/null'
NUMPY='"$PYTHON" "$TOP/bench/tproject_numpy.py" "$F" "$O"'
export PYTHON P T=$tmp TOP=$top
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
t_tp='' t_bd='' t_np='' warm=''
for ((round = 0; round < runs; round++)); do
	t_tp=$(keep "$t_tp" "$(runs=1 best_pipe "$TPROJECT")")
	mv "$tmp/out.npy" "$tmp/tp.npy"
	t_bd=$(keep "$t_bd" "$(runs=1 best_pipe "$BOUND")")
	t_np=$(keep "$t_np" "$(runs=1 best_pipe "$NUMPY")")
	m=$("$tmp/memcpy" "$bytes" 1)
	warm=$(awk -v a="$warm" -v b="${m% *}" 'BEGIN { print (a == "" || b < a) ? b : a }')
done
err=$("$PYTHON" -c "
import numpy as np
a = np.load('$tmp/tp.npy'); b = np.load('$tmp/out.npy')
print('%.1e' % np.max(np.abs(a - b) / np.maximum(np.abs(b), 1)))
")
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## tproject, $N points (N, 3) float64, NPY file to NPY file, $(nproc) CPUs, best of $runs"
echo
echo "| whole process | wall s | CPU s |"
echo "|---|---:|---:|"
echo "| tproject ${P:-(default options)} | $(wall "$t_tp") | $(cpu "$t_tp") |"
echo "| bound: read, one memcpy, write (bench/stream-bound.c) | $(wall "$t_bd") | $(cpu "$t_bd") |"
echo "| numpy | $(wall "$t_np") | $(cpu "$t_np") |"
echo "| memcpy of the bytes in + out, warm, no I/O | $warm | |"
echo
echo "- tproject / bound: wall $(ratio "$(wall "$t_tp")" "$(wall "$t_bd")")x, CPU $(ratio "$(cpu "$t_tp")" "$(cpu "$t_bd")")x (goal: at most 3x)"
echo "- tproject / memcpy of the bytes: $(ratio "$(wall "$t_tp")" "$warm")x"
echo "- numpy / tproject: wall $(ratio "$(wall "$t_np")" "$(wall "$t_tp")")x, CPU $(ratio "$(cpu "$t_np")" "$(cpu "$t_tp")")x; max rel diff $err"
