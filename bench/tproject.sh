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
# whose triangle id the two agree on.
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
	"$PYTHON" -c "
import numpy as np
p = np.load('$tmp/in.npy')
fovy, aspect, near, far = 60.0, 4 / 3, 0.1, 100.0
f = 1 / np.tan(np.radians(fovy) / 2)
P = np.array([[f / aspect, 0, 0, 0], [0, f, 0, 0],
              [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)],
              [0, 0, -1, 0]])
eye, center, up = np.array([3., 4, 5]), np.zeros(3), np.array([0., 1, 0])
fw = (center - eye) / np.linalg.norm(center - eye)
s = np.cross(fw, up); s /= np.linalg.norm(s)
u = np.cross(s, fw)
MV = np.eye(4)
MV[0, :3], MV[1, :3], MV[2, :3] = s, u, -fw
MV[:3, 3] = -MV[:3, :3] @ eye
M = P @ MV
c = p @ M[:, :3].T + M[:, 3]
ndc = c[:, :3] / c[:, 3:]
x, y, w, h = 0, 0, 1920, 1080
win = np.empty_like(ndc)
win[:, 0] = x + w * (ndc[:, 0] + 1) / 2
win[:, 1] = y + h * (ndc[:, 1] + 1) / 2
win[:, 2] = (ndc[:, 2] + 1) / 2
np.save('$tmp/numpy.npy', win)
"
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
i = records('$tmp/raster.npy')[2]
print('%.4f%%' % (100 * np.mean(i == np.load('$tmp/gl.id.npy'))))
")
	rratio=$(ratio "$gt" "$rt")
else
	gt='(no EGL)' agree='-' rratio='-'
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
