#!/bin/sh
# bench/formats-mat.sh - reading a 2000x2000 float64 MATLAB .mat file and
# writing it as NPY, whole process against whole process (issue 19):
# tcat against scipy.io.loadmat (`np.save(out, loadmat(in)['a'])` in one
# python process, its start and imports included), and for v7.3 against
# h5py (the dataset read and transposed, as loadmat cannot).  Then the
# other way, NPY to .mat: tcat -o out.mat against scipy.io.savemat.
#
#   bench/formats-mat.sh          all cases
#   bench/formats-mat.sh a w      only cases a and w
#
# Cases (the same array: a smooth ramp plus noise, 32 MB of float64):
#   a   v5, uncompressed (savemat's default), a file
#   p   the same from a pipe (loadmat reads the bytes of stdin)
#   z   v5, compressed (savemat do_compression=True)
#   h   v7.3 (h5py after MATLAB's layout; h5py reads it)
#   w   writing: the NPY to a v5 .mat, uncompressed
#
# Every time is the best of $REPS (3) runs after one untimed run (file
# cache): the wall time, and in parentheses the CPU time (user + system,
# GNU time).  The ratio is other / tcat (above 1: tcat is faster).
# Environment: TCAT (default build/bin/tcat), PYTHON
# (/usr/bin/python3), REPS (3).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TCAT=${TCAT:-$top/build/bin/tcat}
need_tool "$TCAT" tcat TCAT
need_python "numpy, scipy.io, h5py" "numpy, scipy and h5py"
bench_tmpdir formats-mat

"$PYTHON" - "$tmp" "$top/test" <<'EOF'
import sys
import numpy as np, scipy.io as sio, h5py
d = sys.argv[1]
y, x = np.mgrid[0:2000, 0:2000]
a = x * 0.5 + y * 0.25 + np.random.default_rng(1).standard_normal((2000, 2000))
np.save(f'{d}/in.npy', a)
sio.savemat(f'{d}/a.mat', {'a': a})
sio.savemat(f'{d}/z.mat', {'a': a}, do_compression=True)
with h5py.File(f'{d}/h.mat', 'w', userblock_size=512) as f:
    ds = f.create_dataset('a', data=a.T)
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(6)
    tid.set_strpad(h5py.h5t.STR_NULLTERM)
    aid = h5py.h5a.create(ds.id, b'MATLAB_class', tid,
                          h5py.h5s.create(h5py.h5s.SCALAR))
    aid.write(np.array(b'double', 'S6'), mtype=tid)
with open(f'{d}/h.mat', 'r+b') as f:
    f.write(b'MATLAB 7.3 MAT-file'.ljust(116) + b'\0' * 8 + b'\0\2IM')
EOF

# run CMD: "WALL CPU" of the best of $REPS runs after one untimed (the
# file cache); CMD is bash, which sees T (the tcat), D (the directory),
# C (the case), PY (the python) and the python programs below
run() {
	echo "$me: $1" >&2
	bash -c "$1" > /dev/null || { echo "$me: failed: $1" >&2; exit 1; }
	best_pipe "$1"
}
export T="$TCAT" D="$tmp" PY="$PYTHON"

# show "WALL CPU": "WALL (CPU)"; both OTHER TCAT: the two ratios
show() { echo "$(wall "$1") ($(cpu "$1"))"; }
both() {
	echo "$(ratio "$(wall "$1")" "$(wall "$2")") ($(ratio "$(cpu "$1")" "$(cpu "$2")"))"
}

export LOADMAT='import os, numpy as np, scipy.io as sio
d, c = os.environ["D"], os.environ["C"]
np.save(f"{d}/{c}.py.npy", sio.loadmat(f"{d}/{c}.mat")["a"])'
export LOADMAT_PIPE='import io, os, sys, numpy as np, scipy.io as sio
d = os.environ["D"]
a = sio.loadmat(io.BytesIO(sys.stdin.buffer.read()))["a"]
np.save(f"{d}/p.py.npy", a)'
export H5PY='import os, numpy as np, h5py
d = os.environ["D"]
with h5py.File(f"{d}/h.mat", "r") as f:
    np.save(f"{d}/h.py.npy", np.ascontiguousarray(f["a"][()].T))'
export SAVEMAT='import os, numpy as np, scipy.io as sio
d = os.environ["D"]
sio.savemat(f"{d}/w.py.mat", {"a": np.load(f"{d}/in.npy")})'

# same C: tcat's and python's NPY hold the input's array
same() {
	"$PYTHON" -c "
import numpy as np
a = np.load('$tmp/in.npy')
ok = all(np.array_equal(np.load(f), a) for f in
         ['$tmp/$1.tcat.npy', '$tmp/$1.py.npy'])
print('yes' if ok else 'NO')"
}

# row C WHAT TCAT OTHER WHO SAME: a line of the table
row() {
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" \
	    "$(show "$3")" "$5" "$(show "$4")" "$(both "$4" "$3")" "$6"
}

read_case() {
	export C=$1
	case $1 in
	p)	tt=$(run 'cat "$D/a.mat" | "$T" > "$D/p.tcat.npy"')
		tp=$(run 'cat "$D/a.mat" | "$PY" -c "$LOADMAT_PIPE"') ;;
	h)	tt=$(run '"$T" "$D/h.mat" -o "$D/h.tcat.npy"')
		tp=$(run '"$PY" -c "$H5PY"') ;;
	*)	tt=$(run '"$T" "$D/$C.mat" -o "$D/$C.tcat.npy"')
		tp=$(run '"$PY" -c "$LOADMAT"') ;;
	esac
	row "$1" "$2" "$tt" "$tp" "$3" "$(same "$1")"
	rm -f "$tmp/$1".*.npy
}

write_case() {
	tt=$(run '"$T" "$D/in.npy" -o "$D/w.tcat.mat"')
	tp=$(run '"$PY" -c "$SAVEMAT"')
	ok=$("$PYTHON" -c "
import numpy as np, scipy.io as sio
print('yes' if np.array_equal(sio.loadmat('$tmp/w.tcat.mat')['x1'],
                              np.load('$tmp/in.npy')) else 'NO')")
	row w "NPY to a v5 .mat, uncompressed" "$tt" "$tp" savemat "$ok"
}

runs=$REPS F='' bin=''	# best_pipe's globals
timer=/usr/bin/time
[ -x "$timer" ] || { echo "$me: no GNU time at $timer" >&2; exit 1; }
echo "| case | .mat | tcat s (CPU s) | other | other s (CPU s) | other/tcat (CPU) | same array |"
echo "|---|---|---|---|---|---|---|"
want a "$@" && read_case a "v5, uncompressed, a file" loadmat
want p "$@" && read_case p "v5, uncompressed, a pipe" loadmat
want z "$@" && read_case z "v5, compressed" loadmat
want h "$@" && read_case h "v7.3 (HDF5)" h5py
want w "$@" && write_case
