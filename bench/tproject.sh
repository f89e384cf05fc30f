#!/bin/sh
# bench/tproject.sh - tproject against NumPy, whole process against whole
# process: each side loads an NPY file of 10^7 float64 points (N, 3),
# projects them (modelview, projection, perspective division, viewport)
# and saves an NPY file of window coordinates.
#
#   bench/tproject.sh
#
# The camera is gluPerspective(60, 4/3, 0.1, 100) and gluLookAt from
# (3, 4, 5) to the origin, viewport 0,0,1920,1080; the points are uniform
# in [-2, 2]^3 (all in front of the eye).  NumPy builds the same matrices,
# multiplies the points by (P MV) as a user would (p @ M[:, :3].T +
# M[:, 3]), divides by w and applies the viewport.  Each side runs once
# untimed (file cache), then $REPS (3) times; the table shows the best
# wall-clock time.  The last column is max|tproject - numpy| /
# max(|numpy|, 1), which shows both did the same work.
#
# Then the rasterizer (issue 25): a grid of about 10^6 triangles
# (708 x 708 cells, two faces each, z jittered) covering a 1920x1080
# picture, drawn by tproject --mesh with the colour, depth, id and bary
# buffers written to an NPY file, against Mesa's software OpenGL doing
# the same draw: test/data/raster/glref.c (cc, -lEGL -lOpenGL) whole
# process, surfaceless EGL context creation, upload, draw, glReadPixels
# and four NPY files included.  The last column is the share of pixels
# whose triangle id the two agree on, and whether test/data/raster/
# explain.py explains every one that differs (a snapping difference at
# an edge, or a depth tie; depth beyond 1e-6 within llvmpipe's error).
#
# Last, reading OBJ (issue 25 asks why assimp): bench/meshload.cc reads
# the demo's terrain and the grid above, written as OBJ, with assimp as
# tproject calls it and with tinyobjloader, when c++ and
# libtinyobjloader-dev are there.
#
# Environment: TPROJECT (default build/bin/tproject), PYTHON
# (/usr/bin/python3), REPS (3), N (10000000), TPROJECT_ARGS (extra
# arguments, e.g. "-j 1").  Files live in a temporary directory that is
# removed at the end.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TPROJECT=${TPROJECT:-$top/build/bin/tproject}
N=${N:-10000000}
TPROJECT_ARGS=${TPROJECT_ARGS:-}

need_tool "$TPROJECT" tproject TPROJECT
need_python numpy numpy
bench_tmpdir tproject

"$PYTHON" -c "
import numpy as np
np.save('$tmp/in.npy', np.random.default_rng(1).uniform(-2, 2, ($N, 3)))
" || exit 1

numpy_run() {
	"$PYTHON" "$top/bench/tproject_numpy.py" "$tmp/in.npy" "$tmp/numpy.npy"
}

tproject_run() {
	# shellcheck disable=SC2086
	"$TPROJECT" --perspective 60,1.3333333333333333,0.1,100 \
		--lookat 3,4,5,0,0,0,0,1,0 --viewport 0,0,1920,1080 \
		$TPROJECT_ARGS -o "$tmp/tproject.npy" < "$tmp/in.npy"
}

nt=$(warm_best numpy numpy_run) || exit 1
tt=$(warm_best tproject tproject_run) || exit 1
err=$("$PYTHON" -c "
import numpy as np
a = np.load('$tmp/tproject.npy'); b = np.load('$tmp/numpy.npy')
print('%.1e' % np.max(np.abs(a - b) / np.maximum(np.abs(b), 1)))
")
ratio=$(ratio "$nt" "$tt")

# --- the rasterizer against Mesa's llvmpipe ------------------------------
glref_ok=0
if cc -O2 -o "$tmp/glref" "$top/test/data/raster/glref.c" -lEGL -lOpenGL -lm \
    2>/dev/null; then
	glref_ok=1
fi
"$PYTHON" -c "
import numpy as np
rng = np.random.default_rng(2)
n = 708
gx, gy = np.meshgrid(np.linspace(-1, 1, n + 1), np.linspace(-1, 1, n + 1))
pos = np.stack([gx, gy, rng.uniform(-0.5, 0.5, gx.shape)], -1).reshape(-1, 3)
idx = np.arange((n + 1) ** 2).reshape(n + 1, n + 1)
a, b = idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel()
c, d = idx[1:, 1:].ravel(), idx[1:, :-1].ravel()
f = np.concatenate([np.stack([a, b, c], 1), np.stack([a, c, d], 1)]).astype(np.int32)
with open('$tmp/mesh.npy', 'wb') as fh:
    np.save(fh, pos)
    np.save(fh, f)
V, F = len(pos), len(f)
with open('$tmp/scene', 'wb') as fh:
    fh.write(np.array([1920, 1080, 0, 0, 0, V, F], '<i4').tobytes())
    fh.write(np.concatenate([np.eye(4).ravel(), np.eye(4).ravel(),
                             [0, 0, 1920, 1080, 0, 1, 1, 1, 1]]).astype('<f8').tobytes())
    fh.write(pos.astype('<f4').tobytes())
    fh.write(f.astype('<i4').tobytes())
    fh.write(np.ones((V, 3), '<f4').tobytes())
    fh.write(np.zeros((V, 3), '<f4').tobytes())
print(F)
" > "$tmp/nfaces" || exit 1
raster_run() {
	# shellcheck disable=SC2086
	"$TPROJECT" --mesh --render 1920x1080 --buffers colour,depth,id,bary \
		$TPROJECT_ARGS -o "$tmp/raster.npy" "$tmp/mesh.npy"
}
glref_run() {
	EGL_PLATFORM=surfaceless "$tmp/glref" "$tmp/scene" "$tmp/gl"
}
rt=$(warm_best "tproject --mesh" raster_run) || exit 1
if [ "$glref_ok" = 1 ]; then
	gt=$(warm_best glref glref_run) || exit 1
	agree=$("$PYTHON" -c "
import sys
sys.path.insert(0, '$top/test')
import numpy as np
from npystream import records
sys.path.insert(0, '$top/test/data/raster')
from explain import verdict
_, d, i, _ = records('$tmp/raster.npy')
pos, f = records('$tmp/mesh.npy')
gi, gd = np.load('$tmp/gl.id.npy'), np.load('$tmp/gl.depth.npy')
line, bad = verdict(1920, 1080, np.eye(4), np.eye(4), pos, f, i, d, gi, gd)
# every face of this grid is steep (z jittered by 0.5 a cell of 2.7
# pixels): llvmpipe's depth passes 1e-6 at most pixels, within its error
bad = [b for b in bad if not b.startswith('depth beyond 1e-6')]
print('%.4f%%: %s; %s' % (100 * np.mean(i == gi), line,
      'all explained' if not bad else bad[0]))
")
	rratio=$(ratio "$gt" "$rt")
else
	gt='(no EGL)' agree='-' rratio='-'
fi

# --- reading OBJ: assimp (tproject's) against tinyobjloader -------------
# the demo's terrain (100352 triangles) and the grid above as OBJ text
objs=''
if c++ -O2 -o "$tmp/meshload" "$top/bench/meshload.cc" -lassimp \
    -ltinyobjloader 2>/dev/null; then
	awk 'BEGIN { n = 224
	for (j = 0; j <= n; j++) for (i = 0; i <= n; i++) {
		x = 4 * i / n - 2; z = 4 * j / n - 2
		printf "v %.5f %.5f %.5f\n", x, 0.3 * sin(3 * x) * cos(2 * z) - 0.5, z }
	for (j = 0; j < n; j++) for (i = 0; i < n; i++) {
		a = j * (n + 1) + i + 1; b = a + n + 1
		printf "f %d %d %d\nf %d %d %d\n", a, b, b + 1, a, b + 1, a + 1 } }' \
		> "$tmp/terrain.obj"
	"$PYTHON" -c "
import sys
sys.path.insert(0, '$top/test')
from npystream import records
pos, f = records('$tmp/mesh.npy')
with open('$tmp/grid.obj', 'w') as fh:
    fh.writelines('v %.6f %.6f %.6f\\n' % tuple(p) for p in pos)
    fh.writelines('f %d %d %d\\n' % tuple(t) for t in f + 1)
" || exit 1
	objs="terrain grid"
fi

echo
echo "tproject: $TPROJECT ${TPROJECT_ARGS:-(default options)}; NumPy $("$PYTHON" -c 'import numpy; print(numpy.__version__)'); $(nproc) CPUs; best of $REPS, whole process, file to file"
echo
echo "| case | tproject s | numpy s | ratio numpy/tproject | max rel err |"
echo "|---|---|---|---|---|"
echo "| $N points (N, 3) f64, perspective + lookat + viewport | $tt | $nt | $ratio | $err |"
echo
echo "| draw | tproject s | Mesa llvmpipe (glref) s | ratio Mesa/tproject | ids equal |"
echo "|---|---|---|---|---|"
echo "| $(cat "$tmp/nfaces") triangles, 1920x1080, colour+depth+id+bary | $rt | $gt | $rratio | $agree |"
if [ -n "$objs" ]; then
	echo
	echo "| OBJ file | MB | assimp s | tinyobjloader s | positions (assimp, tinyobjloader) | triangles |"
	echo "|---|---|---|---|---|---|"
	for o in $objs; do
		"$tmp/meshload" "$tmp/$o.obj" "$REPS" > "$tmp/$o.load" || exit 1
		mb=$(du -m "$tmp/$o.obj" | cut -f1)
		awk -v o="$o" -v mb="$mb" '{ t[NR] = $2; p[NR] = $3; f[NR] = $4 }
			END { printf "| %s | %s | %s | %s | %s, %s | %s |\n", o, mb, t[1], t[2], p[1], p[2], f[1] }' \
			"$tmp/$o.load"
	done
else
	echo
	echo "(no c++, assimp or tinyobjloader: OBJ reading not measured)"
fi
