#!/usr/bin/env bats
# tproject: golden outputs from Mesa's gluProject/gluUnProject with GLM's
# matrices (test/data/tproject/, written by make-golden.py; the manifest
# cases.txt lists name|dtype|input|expected|arguments), round trips,
# composition identities, threads, --clip, --print-matrix, a rendered
# cube, bad input.  Agreement: |got - want| <= 1e-12 of the largest
# |want| of the same coordinate (window x, y or z) in float64 (NaN
# exactly where GLU's clip w <= 0).

load helpers
bats_require_minimum_version 1.5.0

GOLD="$DATA/tproject"

GOLD_TOOL=(tproject)

# check_cases DIR [RTOL_F64 [DTYPE]]: compare every output named in
# DIR/status (gold_run) with its golden file: same shape, the manifest's
# dtype (or DTYPE), NaN in the same places, elsewhere |a - b| <= RTOL
# times the largest |b| of the same coordinate (the last axis' index:
# the scale that coordinate's values are computed at) (RTOL 1e-12 for
# float64, which achieves about 3e-14; 1e-6 for float32 outputs: float64
# work rounded).
check_cases() {
	gold_check "$1" GLU "${@:2}" <<'EOF'
rtol64 = float(argv[0]) if len(argv) > 0 else 1e-12
force = argv[1] if len(argv) > 1 else None
DT = {'f64': 'float64', 'f32': 'float32'}
def check(name, f, path):
    a = np.load(path)
    b = np.load(os.path.join(gold, f[3]))
    dt = force or f[1]
    if a.shape != b.shape or a.dtype != np.dtype(DT[dt]):
        return [f'{name}: {a.shape} {a.dtype}, expected {b.shape} {DT[dt]}']
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return [f'{name}: NaN at {np.argwhere(np.isnan(a) != np.isnan(b))[0]}']
    rtol = rtol64 if dt == 'f64' else max(rtol64, 1e-6)
    a64 = a.astype(float).reshape(-1, a.shape[-1])
    b64 = b.astype(float).reshape(-1, b.shape[-1])
    bad = []
    for c in range(b64.shape[1]):
        m = ~np.isnan(b64[:, c])
        if not m.any():
            continue
        err = np.abs(a64[m, c] - b64[m, c])
        scale = np.abs(b64[m, c]).max()
        if not err.max() <= rtol * scale:
            bad.append(f'{name}: coordinate {c}: error {err.max():.3g}, '
                       f'{err.max() / scale if scale else np.inf:.3g} of '
                       f'its largest value {scale:.6g} (tol {rtol:g})')
    return bad
EOF
}

@test "tproject: every golden case (--stage too) equals gluProject/gluUnProject with GLM's matrices to 1e-12" {
	gold_run out '.'
	gold_ok --count 31 check_cases out
}

@test "tproject: -j 1 and -j 2 agree with GLU too" {
	gold_run j1 '.' -j 1
	gold_run j2 '.' -j 2
	gold_ok check_cases j1
	gold_ok check_cases j2
}

@test "tproject: -t f32 computes in float32 and agrees to 2e-5" {
	# (not persp-behind: points near the eye plane lose all digits in f32)
	gold_run out '^(persp-vp|frustum-vp|ortho-vp|persp-homogeneous|persp-y-down|persp-unproject)$' -t f32
	gold_ok --count 6 check_cases out 2e-5 f32
}

@test "tproject: points behind the eye are counted in one line on stderr" {
	run --separate-stderr tproject --perspective 60,1.3333333333333333,0.1,100 \
		--lookat 3,4,5,0,0,0,0,1,0 --viewport 0,0,640,480 -o out.npy \
		< "$GOLD/persp-behind.in.npy"
	[ "$status" -eq 0 ]
	[ "$stderr" = "tproject: 50 of 300 points are behind the eye (clip w <= 0): written as NaN" ]
	py 'a = np.load("out.npy"); assert np.isnan(a).all(axis=1).sum() == 50'
	# --keep-behind: no NaN, no message
	run --separate-stderr tproject --perspective 60,1.3333333333333333,0.1,100 \
		--lookat 3,4,5,0,0,0,0,1,0 --viewport 0,0,640,480 --keep-behind \
		-o out.npy < "$GOLD/persp-behind.in.npy"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "tproject: clip w = 0 is NaN even with --keep-behind; a point at infinity (w = 0 input) is its vanishing point" {
	# the eye plane z = 0 of a perspective: clip w = -z_eye = 0
	run --separate-stderr tproject --perspective 90,1,1,10 --keep-behind -O txt <<< "1 2 0"
	[ "$status" -eq 0 ]
	[ "$stderr" = "tproject: 1 of 1 points have clip w = 0: written as NaN" ]
	[ "${lines[1]}" = "nan nan nan" ]
	# the direction (0, 0, -1, 0) goes to the centre, at the far limit
	# of depth: ndc z = (f + n) / (f - n) = 11/9
	run tproject --perspective 90,1,1,10 -O txt <<< "0 0 -1 0"
	[ "$status" -eq 0 ]
	py "assert np.allclose([float(v) for v in '${lines[1]}'.split()], [0, 0, 11 / 9], rtol=0, atol=1e-15)"
	# homogeneous points with w < 0 are the same point with its clip w
	# negated: behind, as OpenGL clips them
	run --separate-stderr tproject --perspective 90,1,1,10 -O txt <<< "0 0 2 -1"
	[ "$stderr" = "tproject: 1 of 1 points are behind the eye (clip w <= 0): written as NaN" ]
}

@test "tproject: records longer than a piece (65536 points) stream through in pieces, any dtype, with --clip" {
	py '
rng = np.random.default_rng(11)
np.save("a.npy", rng.uniform(-4, 4, (200001, 3)))
np.save("b.npy", rng.uniform(-4, 4, (3, 50000, 4)).astype(np.float32))
np.save("c.npy", rng.integers(-4, 5, (140000, 3)).astype(np.int16))
'
	local cam="--frustum -1,1.5,-0.8,1,1,50 --translate 0.5,-0.2,-6 --rotate 30,1,2,3 --viewport 10,20,300,200"
	local f
	for f in a b c; do
		# shellcheck disable=SC2086
		tproject $cam --clip $f.npy > $f.out.npy 2>/dev/null
	done
	# threads share the chunks of each piece: the same bits with 1, 2, 3
	# shellcheck disable=SC2086
	tproject $cam -j 1 a.npy > j1.npy 2>/dev/null
	# shellcheck disable=SC2086
	tproject $cam -j 2 a.npy > j2.npy 2>/dev/null
	# shellcheck disable=SC2086
	tproject $cam -j 3 a.npy > j3.npy 2>/dev/null
	cmp j1.npy j2.npy
	cmp j1.npy j3.npy
	py '
import os, sys
sys.path.insert(0, os.environ["TPIPE_TOP"] + "/test")
from npystream import records
c, s = np.cos(np.radians(30)), np.sin(np.radians(30))
ax = np.array([1., 2, 3]) / np.sqrt(14)
K = np.array([[0, -ax[2], ax[1]], [ax[2], 0, -ax[0]], [-ax[1], ax[0], 0]])
R = np.eye(4); R[:3, :3] = c * np.eye(3) + s * K + (1 - c) * np.outer(ax, ax)
T = np.eye(4); T[:3, 3] = [0.5, -0.2, -6]
l, r, b, t, n, f = -1, 1.5, -0.8, 1, 1, 50
P = np.array([[2 * n / (r - l), 0, (r + l) / (r - l), 0], [0, 2 * n / (t - b), (t + b) / (t - b), 0],
              [0, 0, -(f + n) / (f - n), -2 * f * n / (f - n)], [0, 0, -1, 0]])
M = P @ T @ R
for name, dt in [("a", np.float64), ("b", np.float32), ("c", np.float64)]:
    p = np.load(name + ".npy").astype(np.float64)
    if p.shape[-1] == 3:
        p = np.concatenate([p, np.ones(p.shape[:-1] + (1,))], -1)
    cl = p @ M.T
    w = cl[..., 3:]
    ndc = cl[..., :3] / w
    want = np.stack([10 + 300 * (ndc[..., 0] + 1) / 2, 20 + 200 * (ndc[..., 1] + 1) / 2,
                     (ndc[..., 2] + 1) / 2], -1)
    want[w[..., 0] <= 0] = np.nan
    win, out = records(name + ".out.npy")
    assert win.dtype == dt and win.shape == want.shape, (name, win.dtype, win.shape)
    assert np.array_equal(np.isnan(win), np.isnan(want)), name
    m = ~np.isnan(want)
    tol = 1e-9 if dt == np.float64 else 1e-6
    e = np.abs(win[m] - want[m]) / np.maximum(np.abs(want[m]), 1)
    assert e.max() <= tol, (name, e.max())
    inside = (w[..., 0] > 0) & (np.abs(cl[..., :3]) <= w).all(-1)
    assert out.shape == want.shape[:-1] and np.array_equal(out, ~inside), name
'
}

@test "tproject: a truncated record ends with an error naming it" {
	py 'np.save("a.npy", np.zeros((100000, 3)))'
	head -c 1000000 a.npy > cut.npy
	fails --any-stdout 1 "truncated|expected" "$BATS_TEST_TMPDIR/cut.npy" tproject --scale 2
	# a header promising 10^11 points over 800 bytes of data: truncated,
	# with --clip too (its mask grows with the points read; it was once
	# allocated whole first, and the run died out of memory)
	py '
h = b"{\x27descr\x27: \x27<f8\x27, \x27fortran_order\x27: False, \x27shape\x27: (100000000000, 3), }"
h = h + b" " * (117 - len(h)) + b"\n"
open("huge.npy", "wb").write(b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h + bytes(800))
'
	fails 1 "truncated record 0: expected 2400000000000 bytes of data, got 800" "$BATS_TEST_TMPDIR/huge.npy" tproject --scale 2
	fails 1 "truncated record 0: expected 2400000000000 bytes of data, got 800" "$BATS_TEST_TMPDIR/huge.npy" tproject --scale 2 --clip
}

@test "tproject: project then unproject returns the points (random shapes, cameras, float64)" {
	py '
rng = np.random.default_rng(5)
for i, shape in enumerate([(1, 3), (17, 3), (4, 5, 6, 3), (3,), (40000, 3)]):
    np.save(f"p{i}.npy", rng.uniform(-1.5, 1.5, shape))
'
	local cams=(
		"--perspective 60,1.5,0.5,50 --lookat 2,3,4,0,0,0,0,1,0 --viewport 0,0,640,480"
		"--frustum -1,1,-1,1,1,20 --translate 0,0,-5 --rotate 37,1,1,0 --viewport 5,7,333,211 --depth-range 1,0"
		"--ortho -2,2,-2,2,-10,10 --scale 1,2,0.5 --viewport 0,0,100,100 --y-down"
		"--perspective 45,1,1,100 --translate 0.1,0.2,-4"
	)
	local c i
	for c in "${cams[@]}"; do
		for i in 0 1 2 3 4; do
			# shellcheck disable=SC2086
			tproject $c < "p$i.npy" | tproject $c --unproject > "back$i.npy"
			run npy_close "back$i.npy" "p$i.npy" 1e-9
			[ "$status" -eq 0 ] || fail "$c on p$i: $output"
		done
	done
}

@test "tproject: compositions as OpenGL composes them" {
	# translate then translate adds; rotate 90 about z maps x to y;
	# translate after rotate: the point is rotated first (M = T R)
	printf '1 0 0\n0 1 0\n2 3 4\n' > p.txt
	tproject --translate 1,2,3 --translate -0.5,1,2 p.txt -o a.npy
	tproject --translate 0.5,3,5 p.txt -o b.npy
	run npy_close a.npy b.npy 1e-15
	[ "$status" -eq 0 ] || fail "$output"
	run tproject --translate 10,0,0 --rotate 90,0,0,1 -O txt p.txt
	py "
got = np.array([[float(v) for v in l.split()] for l in '''$output'''.splitlines()[1:]])
assert np.allclose(got, [[10, 1, 0], [9, 0, 0], [7, 2, 4]], rtol=0, atol=1e-14), got
"
	# --modelview A --modelview B is A * B; --column-major reads GL arrays
	py '
rng = np.random.default_rng(2)
a, b = rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
np.save("A.npy", a); np.save("B.npy", b); np.save("AB.npy", a @ b)
np.save("AT.npy", a.T.copy()); np.save("BT.npy", b.T.ravel().copy())
np.save("pts.npy", rng.standard_normal((50, 4)))
'
	tproject --modelview A.npy --modelview B.npy --keep-behind pts.npy -o ab.npy
	tproject --modelview AB.npy --keep-behind pts.npy -o ab1.npy
	tproject --column-major --modelview AT.npy --modelview BT.npy --keep-behind pts.npy -o ab2.npy
	run npy_close ab.npy ab1.npy 1e-12
	[ "$status" -eq 0 ] || fail "$output"
	run npy_close ab2.npy ab.npy
	[ "$status" -eq 0 ] || fail "$output"
	# --scale with one number is uniform
	tproject --scale 3 p.txt -o s1.npy
	tproject --scale 3,3,3 p.txt -o s3.npy
	cmp s1.npy s3.npy
}

@test "tproject: integer, float16 and float32 inputs; -t f64 widens float32; empty records; a stream" {
	printf '1 2 3\n' | tcat -t f32 > f.npy
	run tproject --perspective 60,1,1,10 --translate 0,0,-5 -O txt f.npy
	[ "${lines[0]}" = "# shape (3,) float32" ]
	run tproject --perspective 60,1,1,10 --translate 0,0,-5 -t f64 -O txt f.npy
	[ "${lines[0]}" = "# shape (3,) float64" ]
	py 'np.save("e.npy", np.zeros((0, 4))); np.save("u.npy", np.arange(12, dtype=np.uint8).reshape(4, 3))'
	run tproject -O txt e.npy
	[[ ${lines[0]} == "# shape (0, 3) float64" ]]
	run tproject --scale 2 -O txt u.npy
	[ "${lines[0]}" = "# shape (4, 3) float64" ]
	[ "${lines[4]}" = "18 20 22" ]
	py 'np.save("h.npy", np.array([[1, 2.5, -3]], np.float16))'
	run tproject --scale 2 -O txt h.npy
	[ "${lines[0]}" = "# shape (1, 3) float32" ]
	[ "${lines[1]}" = "2 5 -6" ]
	cat u.npy e.npy u.npy | tproject --scale 2 > s.npy
	run tinfo s.npy
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[1]} == "1 shape=(0,3) dtype=float64"* ]]
}

@test "tproject: --clip writes which points fall outside the view volume" {
	py '
rng = np.random.default_rng(3)
np.save("p.npy", rng.uniform(-6, 6, (6, 50, 3)))
'
	tproject --perspective 50,1.2,1,20 --lookat 0,0,8,0,0,0,0,1,0 \
		--viewport 0,0,64,48 --clip p.npy > out.npy 2>/dev/null
	py '
import os, sys
sys.path.insert(0, os.environ["TPIPE_TOP"] + "/test")
from npystream import records
win, out = records("out.npy")
assert win.shape == (6, 50, 3) and out.shape == (6, 50) and out.dtype == bool
p = np.load("p.npy")
# the reference: clip coordinates by the textbook formulas
f = 1 / np.tan(np.radians(25)); n, fa = 1, 20
P = np.array([[f / 1.2, 0, 0, 0], [0, f, 0, 0],
              [0, 0, (fa + n) / (n - fa), 2 * fa * n / (n - fa)], [0, 0, -1, 0]])
MV = np.eye(4); MV[2, 3] = -8
c = np.concatenate([p, np.ones(p.shape[:-1] + (1,))], -1) @ (P @ MV).T
w = c[..., 3:]
inside = (w[..., 0] > 0) & (np.abs(c[..., :3]) <= w).all(-1)
assert np.array_equal(out, ~inside), np.argwhere(out != ~inside)
assert 20 < inside.sum() < 280
# inside points are in the viewport and depth range
assert ((win[inside] >= 0) & (win[inside] <= [64, 48, 1])).all()
'
}

@test "tproject: --print-matrix shows the matrices and one point through each stage" {
	run tproject --perspective 90,2,1,3 --translate 0,0,-2 --viewport 0,0,200,100 --print-matrix <<< "1 0.5 0"
	[ "$status" -eq 0 ]
	local want
	want=$(cat <<'EOF'
modelview MV =
  [            1            0            0            0 ]
  [            0            1            0            0 ]
  [            0            0            1           -2 ]
  [            0            0            0            1 ]
projection P =
  [          0.5            0            0            0 ]
  [            0            1            0            0 ]
  [            0            0           -2           -3 ]
  [            0            0           -1            0 ]
P * MV =
  [          0.5            0            0            0 ]
  [            0            1            0            0 ]
  [            0            0           -2            1 ]
  [            0            0           -1            2 ]
viewport x=0 y=0 width=200 height=100, depth range 0..1
point 0 of record 0:
  object  (x, y, z, w)           = 1 0.5 0 1
  eye     MV * object            = 1 0.5 -2 1
  clip    P * eye                = 0.5 0.5 1 2
  ndc     clip.xyz / clip.w      = 0.25 0.25 0.5
  window  viewport, depth range  = 125 62.5 0.75
EOF
)
	[ "$output" = "$want" ] || fail "$(diff <(echo "$want") <(echo "$output"))"
	run tproject --perspective 90,2,1,3 --print-matrix <<< "0 0 5"
	[[ $output == *"clip w <= 0: the point is behind the eye; tproject writes NaN"* ]]
	[[ $output == *"outside the view volume"* ]]
	[[ $output == *"no viewport: the output is normalized device coordinates"* ]]
	run tproject --print-matrix < /dev/null
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "no point: the input is empty" ]]
}

@test "tproject: --render puts the corners of a cube where gluProject says, and draws the edges between them" {
	local cam="--perspective 60,1.3333333333333333,0.1,100 --lookat 3,4,5,0,0,0,0,1,0"
	# shellcheck disable=SC2086
	tproject $cam --render 64x48 "$GOLD/cube.npy" -o pts.npy
	# shellcheck disable=SC2086
	tproject $cam --render 64x48 --edges "$GOLD/cube-edges.npy" "$GOLD/cube.npy" -o wire.npy
	# shellcheck disable=SC2086
	tproject $cam --render 64x48 --edges "$GOLD/cube-edges.npy" -O png "$GOLD/cube.npy" > wire.png
	# --y-down counts window y from the top: the same picture
	# shellcheck disable=SC2086
	tproject $cam --render 64x48 --edges "$GOLD/cube-edges.npy" --y-down "$GOLD/cube.npy" -o wire-down.npy
	cmp wire.npy wire-down.npy
	py '
import os
from PIL import Image
g = os.environ["DATA"] + "/tproject/"
win = np.load(g + "cube-win-64x48.npy")
edges = np.load(g + "cube-edges.npy")
pts, wire = np.load("pts.npy"), np.load("wire.npy")
assert pts.shape == (48, 64) and pts.dtype == np.uint8
# GL window y counts up from the bottom row; image rows count down
want = {(47 - int(np.floor(y)), int(np.floor(x))) for x, y, _ in win}
lit = {tuple(map(int, rc)) for rc in np.argwhere(pts)}
assert lit == want, (sorted(lit), sorted(want))
# the nearest corner is brightest, the farthest dimmest
z = {(47 - int(np.floor(y)), int(np.floor(x))): d for x, y, d in win}
near, far = min(z, key=z.get), max(z, key=z.get)
assert pts[near] == 255 and pts[far] == 96, (pts[near], pts[far])
# the wireframe: corners lit, every lit pixel on a projected edge
assert all(wire[rc] for rc in want)
pix = [(x, 48 - y) for x, y, _ in win]
def dist(p, a, b):
    a, b, p = np.array(a), np.array(b), np.array(p)
    t = np.clip(np.dot(p - a, b - a) / np.dot(b - a, b - a), 0, 1)
    return np.linalg.norm(p - a - t * (b - a))
lit = np.argwhere(wire)
for r, c in lit:
    d = min(dist((c + 0.5, r + 0.5), pix[i], pix[j]) for i, j in edges)
    assert d <= 0.75, (r, c, d)
length = sum(np.linalg.norm(np.subtract(pix[i], pix[j])) for i, j in edges)
assert len(lit) >= 0.7 * length, (len(lit), length)
assert np.array_equal(np.asarray(Image.open("wire.png")), wire)
'
}

@test "tproject: --render tests depth: the nearer of two points on one pixel wins, in any order" {
	printf '0 0 -2\n0 0 -5\n1.5 1.5 -3\n' > a.txt
	printf '0 0 -5\n0 0 -2\n1.5 1.5 -3\n' > b.txt
	tproject --perspective 90,1,1,10 --render 8x8 a.txt -o a.npy
	tproject --perspective 90,1,1,10 --render 8x8 b.txt -o b.npy
	cmp a.npy b.npy
	py '
a = np.load("a.npy")
assert a[3, 4] == 255 and np.count_nonzero(a) == 2, a
assert a[1, 6] == 96, a
'
	# the clipped line from a point behind the eye is drawn in front only
	printf '0 0 -2\n0 0 5\n' > l.txt
	printf '0 1\n' > e.txt
	tproject --perspective 90,1,1,10 --render 8x8 --edges e.txt l.txt -o l.npy
	py 'a = np.load("l.npy"); assert np.count_nonzero(a) == 1 and a[3, 4] == 255, a'
}

@test "tproject: bad input and bad options fail with one clear line and nothing on stdout" {
	py '
np.save("p2.npy", np.zeros((5, 2)))
np.save("scalar.npy", np.float64(1))
np.save("c.npy", np.zeros((2, 3), complex))
np.save("m33.npy", np.eye(3))
np.save("p4.npy", np.zeros((2, 4)))
np.save("p3.npy", np.ones((2, 3)))
np.save("e3.npy", np.zeros((2, 3), int))
np.save("e9.npy", np.array([[0, 9]]))
np.save("sing.npy", np.diag([1., 1., 0., 1.]))
m = np.eye(4); m[0, 1] = np.nan; np.save("mnan.npy", m)
m[0, 1] = np.inf; np.save("minf.npy", m)
'
	printf '0 1\n1 -1\n' > en.txt
	printf '0 1.5\n' > ef.txt
	local d=$BATS_TEST_TMPDIR
	row fails 1 "record 0 has shape \(5, 2\): points must be \(\.\.\., 3\) or \(\.\.\., 4\)" "$d/p2.npy" tproject --perspective 60,1,1,10
	row fails 1 "record 0 has shape \(\): points must be" "$d/scalar.npy" tproject --perspective 60,1,1,10
	row fails 1 "record 0 is complex128: points must be real" "$d/c.npy" tproject --perspective 60,1,1,10
	row fails 1 "--modelview '.*m33.npy' has shape \(3, 3\): a matrix must be 4x4" "$d/p3.npy" tproject --modelview "$d/m33.npy"
	row fails 1 "no-such.npy" "$d/p3.npy" tproject --projection "$d/no-such.npy"
	row fails 2 "--modelview takes 16 numbers, not 15" "$d/p3.npy" tproject --modelview 1,0,0,0,0,1,0,0,0,0,1,0,0,0,0
	row fails 2 "--perspective '60,1,0,10': near must be positive" "$d/p3.npy" tproject --perspective 60,1,0,10
	row fails 2 "--perspective '60,1,-1,10': near must be positive" "$d/p3.npy" tproject --perspective 60,1,-1,10
	row fails 2 "--perspective '60,1,2,2': near and far must differ" "$d/p3.npy" tproject --perspective 60,1,2,2
	row fails 2 "--perspective '0,1,1,10': fovy must be in \(0, 180\)" "$d/p3.npy" tproject --perspective 0,1,1,10
	row fails 2 "--perspective '180,1,1,10': fovy must be in \(0, 180\)" "$d/p3.npy" tproject --perspective 180,1,1,10
	row fails 2 "--perspective '60,0,1,10': aspect must be positive" "$d/p3.npy" tproject --perspective 60,0,1,10
	row fails 2 "--perspective takes 4 numbers, not 3: '60,1,1'" "$d/p3.npy" tproject --perspective 60,1,1
	row fails 2 "--perspective: 'x' is not a number" "$d/p3.npy" tproject --perspective 60,x,1,10
	row fails 2 "--frustum '-1,1,-1,1,0,10': near must be positive" "$d/p3.npy" tproject --frustum -1,1,-1,1,0,10
	row fails 2 "--ortho '1,1,-1,1,0,10': left and right must differ" "$d/p3.npy" tproject --ortho 1,1,-1,1,0,10
	row fails 2 "--lookat '0,0,5,0,0,0,0,0,1': up is parallel to the view direction" "$d/p3.npy" tproject --lookat 0,0,5,0,0,0,0,0,1
	row fails 2 "--lookat '0,0,5,0,0,0,0,0,-3': up is parallel to the view direction" "$d/p3.npy" tproject --lookat 0,0,5,0,0,0,0,0,-3
	row fails 2 "--lookat '1,2,3,1,2,3,0,1,0': eye and center must differ" "$d/p3.npy" tproject --lookat 1,2,3,1,2,3,0,1,0
	row fails 2 "--rotate '30,0,0,0': the axis must not be zero" "$d/p3.npy" tproject --rotate 30,0,0,0
	row fails 2 "--translate: 'inf' is not finite|--translate '1,inf,2': every value must be finite" "$d/p3.npy" tproject --translate 1,inf,2
	# matrices that are not finite: inline, in a file, or made so by a
	# builder's extreme but finite numbers or by a product
	row fails 2 "--modelview '1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,inf': every value must be finite" "$d/p3.npy" tproject --modelview 1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,inf
	row fails 1 "--projection '.*mnan.npy': every value must be finite" "$d/p3.npy" tproject --projection "$d/mnan.npy"
	row fails 1 "--modelview '.*minf.npy': every value must be finite" "$d/p3.npy" tproject --modelview "$d/minf.npy" --unproject
	row fails 2 "--perspective '1e-320,1,1,10': the projection matrix it makes is not finite" "$d/p3.npy" tproject --perspective 1e-320,1,1,10
	row fails 2 "--ortho '0,1e-320,-1,1,1,10': the projection matrix it makes is not finite" "$d/p3.npy" tproject --ortho 0,1e-320,-1,1,1,10
	row fails 2 "--scale '1e200': the modelview matrix it makes is not finite" "$d/p3.npy" tproject --scale 1e200 --scale 1e200
	row fails 2 "--perspective '1,1,1,10': the product projection \* modelview it makes is not finite" "$d/p3.npy" tproject --scale 1e307 --perspective 1,1,1,10
	row fails 1 "--unproject: the modelview matrix is singular" "$d/p3.npy" tproject --scale 1,0,1 --unproject
	row fails 1 "--unproject: the projection matrix is singular" "$d/p3.npy" tproject --projection "$d/sing.npy" --unproject
	row fails 1 "--unproject: a depth range of zero width" "$d/p3.npy" tproject --viewport 0,0,4,4 --depth-range 0.5,0.5 --unproject
	row fails 1 "record 0 has shape \(2, 4\): --unproject takes window points \(\.\.\., 3\)" "$d/p4.npy" tproject --unproject
	row fails 2 "--viewport: width and height must be positive: '0,0,0,480'" "$d/p3.npy" tproject --viewport 0,0,0,480
	row fails 2 "--viewport takes 4 numbers, not 3" "$d/p3.npy" tproject --viewport 0,0,640
	row fails 2 "--depth-range needs --viewport" "$d/p3.npy" tproject --depth-range 0,1
	row fails 2 "--y-down needs --viewport" "$d/p3.npy" tproject --y-down
	row fails 2 "--depth-range: near and far must be in \[0, 1\]: '0,2'" "$d/p3.npy" tproject --viewport 0,0,4,4 --depth-range 0,2
	row fails 2 "--edges needs --render" "$d/p3.npy" tproject --edges "$d/e9.npy"
	row fails 2 "--render takes WxH, each 1 to 16384: '0x10'" "$d/p3.npy" tproject --render 0x10
	# three or more sizes: refused before a third is stored (ASan saw
	# the 64 sizes a shape may have written past the two it holds)
	row fails 2 "--render takes WxH, each 1 to 16384: '1,1,1'" "$d/p3.npy" tproject --render 1,1,1
	row fails 2 "--render takes WxH, each 1 to 16384: '4x4x4x4x4x4x4x4x4'" "$d/p3.npy" tproject --render 4x4x4x4x4x4x4x4x4
	row fails 2 "--render takes WxH, each 1 to 16384: '8'" "$d/p3.npy" tproject --render 8
	row fails 2 "--render draws projected points: it cannot be used with --unproject" "$d/p3.npy" tproject --render 4x4 --unproject
	row fails 2 "--stage 'screen' is not one of object, eye, clip, ndc, window" "$d/p3.npy" tproject --stage screen
	row fails 2 "--stage writes the points of one stage: it cannot be used with --render" "$d/p3.npy" tproject --stage eye --render 4x4
	row fails 2 "--stage writes the points of one stage: it cannot be used with --print-matrix" "$d/p3.npy" tproject --stage eye --print-matrix
	row fails 2 "--unproject cannot be used with --clip" "$d/p3.npy" tproject --unproject --clip
	row fails 2 "--clip writes two records per input record; -O png holds one image" "$d/p3.npy" tproject --clip -O png
	row fails 2 "-O png needs --render: window coordinates are not an image" "$d/p3.npy" tproject --perspective 60,1,1,10 -O png
	row fails 2 "-O png needs --render" "$d/p3.npy" tproject --unproject -O png
	row fails --no-o 1 "record 0 has shape \(5, 2\): points must be" "$d/p2.npy" tproject --print-matrix
	row fails --no-o 2 "--print-matrix prints text on the standard output: -o cannot be used with it" "$d/p3.npy" tproject --print-matrix -o x.txt
	row fails 1 "edges '.*e3.npy': shape \(2, 3\) int64 is not \(E, 2\) index pairs" "$d/p3.npy" tproject --render 4x4 --edges "$d/e3.npy"
	row fails 1 "edges '.*en.txt': edge 1 has index -1: indices must be integers >= 0" "$d/p3.npy" tproject --render 4x4 --edges "$d/en.txt"
	row fails 1 "edges '.*ef.txt': edge 0 has index 1.5: indices must be integers >= 0" "$d/p3.npy" tproject --render 4x4 --edges "$d/ef.txt"
	row fails 1 "p3.npy: record 0: edges '.*e9.npy': edge 0 names point 9 but the record has 2 points" "$d/p3.npy" tproject --render 4x4 --edges "$d/e9.npy" "$d/p3.npy"
	row fails --usage 2 "unrecognized option|unknown option" "$d/p3.npy" tproject --bogus
	rows_ok
}

@test "tproject: --help prints the usage; two inputs are a usage error" {
	run tproject --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "usage: tproject [--modelview matrix] [--projection matrix] [--column-major]" ]]
	run --separate-stderr tproject a b
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "tproject: complete records reach stdout before a truncated one fails; -o leaves no file; a closed pipe ends it quietly" {
	local cam="--perspective 60,1.5,0.5,50 --lookat 3,4,5,0,0,0,0,1,0 --viewport 0,0,640,480"
	local c
	for c in "5,3 3" "70000,3 2" "2,3,4 2"; do
		make_broken ${c% *} ${c#* }
		# shellcheck disable=SC2086
		tproject $cam < complete.npy > whole.npy 2>/dev/null
		# shellcheck disable=SC2086
		tproject $cam < last.npy > broken.npy 2>/dev/null
		# shellcheck disable=SC2086
		complete_then_error tproject $cam
		# shellcheck disable=SC2086
		tproject $cam --render 32x24 < complete.npy > whole.npy
		: > broken.npy
		# shellcheck disable=SC2086
		complete_then_error tproject $cam --render 32x24
	done
	mkdir o
	# shellcheck disable=SC2086
	run --separate-stderr tproject $cam -o o/x.npy in.npy
	[ "$status" -eq 1 ]
	[ -z "$(ls -A o)" ] || fail "left: $(ls -A o)"
	# a closed pipe: exit by SIGPIPE (or 0), nothing on stderr
	py 'np.save("big.npy", np.random.default_rng(1).uniform(-2, 2, (1000000, 3)))'
	run bash -c 'tproject --scale 2 big.npy 2> err | head -c 100 > head.out; echo "${PIPESTATUS[*]}"'
	read -r s_tp s_head <<< "$output"
	[ "$s_head" -eq 0 ]
	[ "$s_tp" -eq 141 ] || [ "$s_tp" -eq 0 ] || fail "tproject exit $s_tp: $(cat err)"
	[ ! -s err ] || fail "tproject wrote: $(cat err)"
	[ "$(wc -c < head.out)" -eq 100 ]
}

@test "tproject: -j 1 and -j 2 write the same bits for float32, --clip, homogeneous points and --unproject" {
	py '
rng = np.random.default_rng(9)
np.save("p3.npy", rng.uniform(-3, 3, (150000, 3)).astype(np.float32))
np.save("p4.npy", rng.uniform(-3, 3, (3, 40000, 4)))
'
	local cam="--frustum -1,1.5,-0.8,1,1,50 --translate 0.5,-0.2,-6 --rotate 30,1,2,3 --viewport 10,20,300,200"
	local args
	for args in "p3.npy" "-t f32 p4.npy" "--clip p4.npy" "--unproject p3.npy" "--unproject -t f64 p3.npy"; do
		# shellcheck disable=SC2086
		tproject $cam -j 1 $args > j1.npy 2>/dev/null
		# shellcheck disable=SC2086
		tproject $cam -j 2 $args > j2.npy 2>/dev/null
		[ -s j1.npy ] || fail "$args: no output"
		cmp j1.npy j2.npy || fail "$args: -j 1 and -j 2 differ"
	done
}

@test "tproject: Fortran-order and byte-swapped points (larger than a piece) give what C order gives" {
	py '
rng = np.random.default_rng(4)
a = rng.uniform(-3, 3, (70001, 4))
np.save("c.npy", a)
np.save("f.npy", np.asfortranarray(a))
np.save("be.npy", a.astype(">f8"))
np.save("c32.npy", a[:, :3].astype(np.float32))
np.save("f32be.npy", np.asfortranarray(a[:, :3].astype(">f4")))
'
	local cam="--perspective 60,1.5,0.5,50 --lookat 3,4,5,0,0,0,0,1,0 --viewport 0,0,640,480"
	# shellcheck disable=SC2086
	tproject $cam --clip c.npy > c.out 2>/dev/null
	# shellcheck disable=SC2086
	tproject $cam --clip f.npy > f.out 2>/dev/null
	# shellcheck disable=SC2086
	tproject $cam --clip be.npy > be.out 2>/dev/null
	cmp c.out f.out
	cmp c.out be.out
	# shellcheck disable=SC2086
	tproject $cam c32.npy > c32.out 2>/dev/null
	# shellcheck disable=SC2086
	tproject $cam f32be.npy > f32be.out 2>/dev/null
	cmp c32.out f32be.out
	py 'a = np.load("c32.out"); assert a.dtype == np.float32 and a.shape == (70001, 3) and np.isfinite(a).all()'
}
