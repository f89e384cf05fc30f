#!/bin/sh
# bench/formats-jpeg.sh - JPEG decoding and encoding, tcat against PIL
# (the same libjpeg-turbo), and MRC reading against mrcfile; whole
# process against whole process from the same file, each side writing an
# NPY file (or the JPEG).  Target (issue 19): JPEG decoding within 1.2x
# of PIL's.
#
# Cases:
#   dec       a 4000x3000 photo-like RGB JPEG (PIL, quality 90, 4:2:0)
#             to NPY: tcat f.jpg -o f.npy against
#             np.save(f, np.asarray(Image.open(f)))
#   dec-prog  the same image, progressive
#   dec-gray  the same image in gray
#   enc       the 4000x3000 RGB array (NPY) to a JPEG at quality 90:
#             tcat --quality 90 against Image.fromarray(a).save(f, quality=90)
#   mrc       a 256x512x512 float32 MRC volume (mrcfile) to NPY: tcat
#             against np.save(f, mrcfile.read(m))
#
# Every time is the best of $REPS (3) wall-clock runs after one untimed
# run (file cache); the ratio is tcat / the other (below 1: tcat is
# faster).  The outputs are compared: the same pixels, the same JPEG
# bytes, the same volume.
#
# Environment: TCAT (default build/bin/tcat), PYTHON (/usr/bin/python3),
# REPS (3).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TCAT=${TCAT:-$top/build/bin/tcat}
need_tool "$TCAT" tcat TCAT
need_python "numpy, PIL, mrcfile" "numpy, PIL and mrcfile"
bench_tmpdir formats-jpeg

# The inputs: a photo-like image (smooth gradients, texture, edges and
# noise) in three JPEGs, its NPY, and a volume.
"$PYTHON" - "$tmp" <<'EOF'
import sys
import mrcfile
import numpy as np
from PIL import Image
d = sys.argv[1]
rng = np.random.default_rng(19)
y, x = np.mgrid[0:3000, 0:4000].astype(np.float32)
r = 120 + 80 * np.sin(x / 300) * np.cos(y / 200)
g = 90 + 0.03 * y + 40 * (((x - 2000) ** 2 + (y - 1500) ** 2) < 600 ** 2)
b = 200 - 0.02 * x + 25 * np.sin((x + y) / 7)
a = np.stack([r, g, b], -1) + rng.normal(0, 6, (3000, 4000, 3))
a = a.clip(0, 255).astype(np.uint8)
np.save(f'{d}/photo.npy', a)
im = Image.fromarray(a)
im.save(f'{d}/photo.jpg', quality=90)
im.save(f'{d}/prog.jpg', quality=90, progressive=True)
im.convert('L').save(f'{d}/gray.jpg', quality=90)
v = rng.standard_normal((256, 512, 512)).astype(np.float32)
with mrcfile.new(f'{d}/vol.mrc') as m:
    m.set_data(v)
EOF

# pil_dec IN OUT: one whole PIL process
pil_dec() {
	"$PYTHON" -c "
import numpy as np
from PIL import Image
np.save('$2', np.asarray(Image.open('$1')))"
}

pil_enc() {
	"$PYTHON" -c "
import numpy as np
from PIL import Image
Image.fromarray(np.load('$1')).save('$2', quality=90)"
}

mrc_read() {
	"$PYTHON" -c "
import numpy as np, mrcfile
np.save('$2', mrcfile.read('$1'))"
}

printf '| case | tcat s | other s | ratio tcat/other | same output |\n'
printf '|---|---:|---:|---:|---|\n'

# compare NAME T_OUT O_OUT: run t_run and o_run (the case's two whole
# processes, writing T_OUT and O_OUT) once, compare their outputs, time
# each, and print the table's row
compare() {
	t_run
	o_run
	_same=no
	cmp -s "$2" "$3" && _same=yes
	_t=$(best t_run)
	_o=$(best o_run)
	printf '| %s | %s | %s | %s | %s |\n' "$1" "$_t" "$_o" \
	    "$(awk -v a="$_t" -v b="$_o" 'BEGIN { printf "%.2f", a / b }')" \
	    "$_same"
}

for c in photo prog gray; do
	t_run() { "$TCAT" "$tmp/$c.jpg" -o "$tmp/$c.t.npy"; }
	o_run() { pil_dec "$tmp/$c.jpg" "$tmp/$c.p.npy"; }
	case $c in photo) n=dec ;; prog) n=dec-prog ;; gray) n=dec-gray ;; esac
	compare "$n (PIL)" "$tmp/$c.t.npy" "$tmp/$c.p.npy"
done
t_run() { "$TCAT" --quality 90 "$tmp/photo.npy" -o "$tmp/e.t.jpg"; }
o_run() { pil_enc "$tmp/photo.npy" "$tmp/e.p.jpg"; }
compare "enc (PIL)" "$tmp/e.t.jpg" "$tmp/e.p.jpg"
t_run() { "$TCAT" "$tmp/vol.mrc" -o "$tmp/v.t.npy"; }
o_run() { mrc_read "$tmp/vol.mrc" "$tmp/v.p.npy"; }
compare "mrc (mrcfile)" "$tmp/v.t.npy" "$tmp/v.p.npy"
