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
# Every time is the best of $REPS (3) wall-clock runs after one untimed
# run (file cache).  The ratio columns are other / tcat (above 1: tcat
# is faster).  Environment: TCAT (default build/bin/tcat), PYTHON
# (/usr/bin/python3), REPS (3).
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

tcat_read() { "$TCAT" "$tmp/$1.tif" -o "$tmp/$1.tcat.npy"; }
vips_read() { vips copy "$tmp/$1.tif" "$tmp/$1.vips.v"; }
pil_read() {
	"$PYTHON" -c "
import numpy as np; from PIL import Image
np.save('$tmp/$1.pil.npy', np.asarray(Image.open('$tmp/$1.tif')))"
}
tifffile_read() {
	"$PYTHON" -c "
import numpy as np, tifffile
np.save('$tmp/$1.tf.npy', tifffile.imread('$tmp/$1.tif'))"
}

# same C: tcat's and PIL's NPY hold the input's pixels
same() {
	"$PYTHON" -c "
import numpy as np
a = np.load('$tmp/in.npy')
ok = all(np.array_equal(np.load(f).astype(a.dtype), a) for f in
         ['$tmp/$1.tcat.npy', '$tmp/$1.pil.npy'])
print('yes' if ok else 'NO')"
}

read_case() {
	tt=$(warm_best "$1 tcat" tcat_read "$1")
	tv=$(warm_best "$1 vips" vips_read "$1")
	tp=$(warm_best "$1 PIL" pil_read "$1")
	if [ "$1" = d ]; then
		tf=n/a	# tifffile decodes LZW only with imagecodecs
	else
		tf=$(warm_best "$1 tifffile" tifffile_read "$1")
	fi
	rf=n/a
	[ "$tf" = n/a ] || rf=$(ratio "$tf" "$tt")
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
	    "$2" "$tt" "$tv" "$tp" "$tf" "$(ratio "$tv" "$tt")" \
	    "$(ratio "$tp" "$tt")" "$rf" "$(same "$1")"
	rm -f "$tmp/$1".*.npy "$tmp/$1".*.v
}

tcat_write() { "$TCAT" "$tmp/in.npy" -o "$tmp/w.tcat.tif"; }
vips_write() { vips copy "$tmp/in.v" "$tmp/w.vips.tif"; }
pil_write() {
	"$PYTHON" -c "
import numpy as np; from PIL import Image
Image.fromarray(np.load('$tmp/in.npy'), 'I;16').save('$tmp/w.pil.tif')"
}
tifffile_write() {
	"$PYTHON" -c "
import numpy as np, tifffile
tifffile.imwrite('$tmp/w.tf.tif', np.load('$tmp/in.npy'))"
}

write_case() {
	tt=$(warm_best "w tcat" tcat_write)
	tv=$(warm_best "w vips" vips_write)
	tp=$(warm_best "w PIL" pil_write)
	tf=$(warm_best "w tifffile" tifffile_write)
	ok=$("$PYTHON" -c "
import numpy as np, tifffile
print('yes' if np.array_equal(tifffile.imread('$tmp/w.tcat.tif'),
                              np.load('$tmp/in.npy')) else 'NO')")
	printf '| w | NPY to an uncompressed TIFF (vips: from .v) | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
	    "$tt" "$tv" "$tp" "$tf" "$(ratio "$tv" "$tt")" \
	    "$(ratio "$tp" "$tt")" "$(ratio "$tf" "$tt")" "$ok"
}

echo "| case | TIFF | tcat s | vips s | PIL s | tifffile s | vips/tcat | PIL/tcat | tifffile/tcat | same pixels |"
echo "|---|---|---|---|---|---|---|---|---|---|"
want a "$@" && read_case a "uncompressed, one strip (tifffile)"
want b "$@" && read_case b "uncompressed, 64 KiB strips (PIL)"
want c "$@" && read_case c "deflate, predictor, 128² tiles (vips)"
want d "$@" && read_case d "LZW, strips (vips)"
want w "$@" && write_case
