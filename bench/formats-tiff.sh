#!/bin/sh
# bench/formats-tiff.sh - reading a 4096² uint16 TIFF and writing it as
# NPY, whole process against whole process (issue 19): tcat against
# vips (`vips copy in.tif out.v`: vips writes no NPY, its own format is
# the nearest to raw), PIL and tifffile (each `np.save(out,
# np.asarray(...))` in one python process, its start and imports
# included).  Then the other way, NPY to TIFF: tcat -o out.tif against
# tifffile.imwrite, PIL's save and vips copy from its .v.
#
#   bench/formats-tiff.sh          all cases
#   bench/formats-tiff.sh a c      only cases a and c
#
# Cases (the same pixels: a smooth ramp plus noise, as a camera gives):
#   a   uncompressed, one strip (tifffile's default)
#   b   uncompressed, strips of 64 KiB (PIL's)
#   c   deflate with the horizontal predictor, 128² tiles (vips)
#   d   LZW, strips (vips)
#   w   writing: the NPY to an uncompressed TIFF
#
# Every time is the best of $REPS (3) runs after one untimed run (file
# cache): the wall time, and in parentheses the CPU time (user + system,
# GNU time), which says more on a loaded machine and counts every thread
# (vips decodes tiles on several).  The ratio columns are other / tcat
# (above 1: tcat is faster).  Environment: TCAT (default build/bin/tcat),
# PYTHON (/usr/bin/python3), REPS (3).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TCAT=${TCAT:-$top/build/bin/tcat}
need_tool "$TCAT" tcat TCAT
need_python "numpy, tifffile, PIL" "numpy, tifffile and PIL"
command -v vips > /dev/null || { echo "$me: no vips" >&2; exit 1; }
bench_tmpdir formats-tiff

"$PYTHON" - "$tmp" <<'EOF'
import sys
import numpy as np, tifffile
from PIL import Image
d = sys.argv[1]
y, x = np.mgrid[0:4096, 0:4096]
rng = np.random.default_rng(1)
a = (x * 7 + y * 5 + rng.integers(0, 200, (4096, 4096))).astype('u2')
np.save(f'{d}/in.npy', a)
tifffile.imwrite(f'{d}/a.tif', a)
Image.fromarray(a, 'I;16').save(f'{d}/b.tif')
EOF
vips copy "$tmp/a.tif" "$tmp/in.v"
vips copy "$tmp/in.v" "$tmp/c.tif[compression=deflate,predictor=horizontal,tile]"
vips copy "$tmp/in.v" "$tmp/d.tif[compression=lzw]"

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
	[ "$1" = n/a ] && { echo n/a; return; }
	echo "$(ratio "$(wall "$1")" "$(wall "$2")") ($(ratio "$(cpu "$1")" "$(cpu "$2")"))"
}

export PIL_READ='import os, numpy as np; from PIL import Image
d, c = os.environ["D"], os.environ["C"]
np.save(f"{d}/{c}.pil.npy", np.asarray(Image.open(f"{d}/{c}.tif")))'
export TF_READ='import os, numpy as np, tifffile
d, c = os.environ["D"], os.environ["C"]
np.save(f"{d}/{c}.tf.npy", tifffile.imread(f"{d}/{c}.tif"))'
export PIL_WRITE='import os, numpy as np; from PIL import Image
d = os.environ["D"]
Image.fromarray(np.load(f"{d}/in.npy"), "I;16").save(f"{d}/w.pil.tif")'
export TF_WRITE='import os, numpy as np, tifffile
d = os.environ["D"]
tifffile.imwrite(f"{d}/w.tf.tif", np.load(f"{d}/in.npy"))'

# same C: tcat's and PIL's NPY hold the input's pixels
same() {
	"$PYTHON" -c "
import numpy as np
a = np.load('$tmp/in.npy')
ok = all(np.array_equal(np.load(f).astype(a.dtype), a) for f in
         ['$tmp/$1.tcat.npy', '$tmp/$1.pil.npy'])
print('yes' if ok else 'NO')"
}

# row C WHAT TCAT VIPS PIL TIFFFILE SAME: a line of the table
row() {
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
	    "$2" "$(show "$3")" "$(show "$4")" "$(show "$5")" \
	    "$([ "$6" = n/a ] && echo n/a || show "$6")" "$(both "$4" "$3")" \
	    "$(both "$5" "$3")" "$(both "$6" "$3")" "$7"
}

read_case() {
	export C=$1
	tt=$(run '"$T" "$D/$C.tif" -o "$D/$C.tcat.npy"')
	tv=$(run 'vips copy "$D/$C.tif" "$D/$C.vips.v"')
	tp=$(run '"$PY" -c "$PIL_READ"')
	if [ "$1" = d ]; then
		tf=n/a	# tifffile decodes LZW only with imagecodecs
	else
		tf=$(run '"$PY" -c "$TF_READ"')
	fi
	row "$1" "$2" "$tt" "$tv" "$tp" "$tf" "$(same "$1")"
	rm -f "$tmp/$1".*.npy "$tmp/$1".*.v
}

write_case() {
	tt=$(run '"$T" "$D/in.npy" -o "$D/w.tcat.tif"')
	tv=$(run 'vips copy "$D/in.v" "$D/w.vips.tif"')
	tp=$(run '"$PY" -c "$PIL_WRITE"')
	tf=$(run '"$PY" -c "$TF_WRITE"')
	ok=$("$PYTHON" -c "
import numpy as np, tifffile
print('yes' if np.array_equal(tifffile.imread('$tmp/w.tcat.tif'),
                              np.load('$tmp/in.npy')) else 'NO')")
	row w "NPY to an uncompressed TIFF (vips: from .v)" "$tt" "$tv" \
	    "$tp" "$tf" "$ok"
}

runs=$REPS F='' bin=''	# best_pipe's globals
timer=/usr/bin/time
[ -x "$timer" ] || { echo "$me: no GNU time at $timer" >&2; exit 1; }
echo "| case | TIFF | tcat s (CPU s) | vips s (CPU s) | PIL s (CPU s) | tifffile s (CPU s) | vips/tcat (CPU) | PIL/tcat (CPU) | tifffile/tcat (CPU) | same pixels |"
echo "|---|---|---|---|---|---|---|---|---|---|"
want a "$@" && read_case a "uncompressed, one strip (tifffile)"
want b "$@" && read_case b "uncompressed, 64 KiB strips (PIL)"
want c "$@" && read_case c "deflate, predictor, 128² tiles (vips)"
want d "$@" && read_case d "LZW, strips (vips)"
want w "$@" && write_case
