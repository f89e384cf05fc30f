#!/usr/bin/env bats
# tproject --mesh: filled triangles against Mesa's OpenGL (llvmpipe through
# a surfaceless EGL context: test/data/raster/glref.c, the golden buffers
# written by make-golden.py there; cases.txt lists name|input|golden|args),
# against an exact float64 reference in numpy, and the fill rule's
# promise: faces sharing edges cover every pixel exactly once.

load helpers
bats_require_minimum_version 1.5.0

GOLD="$DATA/raster"

# the golden cases drawn once for the file: $BATS_FILE_TMPDIR/NAME.npy
# holds colour, depth, id and bary
setup_file() {
	local name input args
	while IFS="|" read -r name input _ args; do
		case $name in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2086 # args is a word list on purpose
		"$TPIPE_BIN/tproject" $args --buffers colour,depth,id,bary \
			"$GOLD/$input" > "$BATS_FILE_TMPDIR/$name.npy" \
			2> "$BATS_FILE_TMPDIR/$name.err" ||
			echo "$name" >> "$BATS_FILE_TMPDIR/failed"
	done < "$GOLD/cases.txt"
}

@test "tproject --mesh: ids and coverage equal OpenGL's pixel for pixel; depth within 1e-6, colour within 1, barycentrics within 1e-5 or GL's own float32 error" {
	[ ! -e "$BATS_FILE_TMPDIR/failed" ] || cat "$BATS_FILE_TMPDIR"/*.err
	[ ! -e "$BATS_FILE_TMPDIR/failed" ]
	run "$PY" - "$GOLD" "$BATS_FILE_TMPDIR" <<'EOF'
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
gold, out = sys.argv[1:3]
sys.path.insert(0, gold)
from explain import bary_bound
bad, n = [], 0
for line in open(os.path.join(gold, 'cases.txt')):
    if line.startswith('#'):
        continue
    name, inp, g, args = line.rstrip('\n').split('|')
    n += 1
    col, dep, ids, bary = records(os.path.join(out, name + '.npy'))
    gl = np.load(os.path.join(gold, g))
    if (col.dtype, dep.dtype, ids.dtype, bary.dtype) != (
            np.uint8, np.float32, np.int32, np.float32):
        bad.append(f'{name}: dtypes {col.dtype} {dep.dtype} {ids.dtype} {bary.dtype}')
        continue
    if not np.array_equal(ids, gl['id']):
        bad.append(f'{name}: {(ids != gl["id"]).sum()} ids differ, first at '
                   f'{np.argwhere(ids != gl["id"])[0]}')
        continue
    if ids.max() < 0:
        bad.append(f'{name}: nothing drawn')
    if not np.abs(dep - gl['depth']).max() <= 1e-6:
        bad.append(f'{name}: depth off by {np.abs(dep - gl["depth"]).max():.3g}')
    if not np.abs(col.astype(int) - gl['colour']).max() <= 1:
        bad.append(f'{name}: colour off by {np.abs(col.astype(int) - gl["colour"]).max()}')
    # OpenGL's barycentrics are ratios of float32 planes (llvmpipe's),
    # whose own error passes 1e-5 on slivers (a face by the sphere's
    # pole) and faces seen almost edge-on (random-many): within 1e-5
    # but where GL's error bound (explain.py) is larger, there within
    # it (the float64 test below holds tproject's to 2e-7 everywhere)
    a = args.split()
    W, H = map(int, a[a.index('--render') + 1].split('x'))
    mv = np.array(a[a.index('--modelview') + 1].split(','), float).reshape(4, 4)
    p = np.array(a[a.index('--projection') + 1].split(','), float).reshape(4, 4)
    pos, faces = records(os.path.join(gold, inp))[:2]
    d = np.abs(bary - gl['bary'])
    lim = np.maximum(1e-5, bary_bound(W, H, mv, p, pos, faces, ids, bary))
    if not (d <= lim).all():
        r, c, k = np.argwhere(d > lim)[0]
        bad.append(f'{name}: barycentric off by {d[r, c, k]:.3g} at '
                   f'({r}, {c}), GL\'s float32 error {lim[r, c, k]:.3g}')
    print(f'{name}: barycentrics beyond 1e-5 at {(d.max(-1) > 1e-5).sum()} '
          f'pixels, within GL\'s float32 error')
print(f'{n - len(bad)} of {n} cases equal OpenGL\'s')
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"9 of 9 cases equal OpenGL's"* ]]
}

@test "tproject --mesh: depth and barycentrics equal an exact float64 solve at every covered pixel centre" {
	run "$PY" - "$GOLD" "$BATS_FILE_TMPDIR" <<'EOF'
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
gold, out = sys.argv[1:3]
bad = []
for line in open(os.path.join(gold, 'cases.txt')):
    if line.startswith('#'):
        continue
    name, inp, _, args = line.rstrip('\n').split('|')
    a = args.split()
    W, H = map(int, a[a.index('--render') + 1].split('x'))
    mv = np.array(a[a.index('--modelview') + 1].split(','), float).reshape(4, 4)
    p = np.array(a[a.index('--projection') + 1].split(','), float).reshape(4, 4)
    pos, faces = records(os.path.join(gold, inp))[:2]
    clip = np.column_stack([pos, np.ones(len(pos))]) @ (p @ mv).T
    _, dep, ids, bary = records(os.path.join(out, name + '.npy'))
    r, c = np.nonzero(ids >= 0)
    f = faces[ids[r, c]]
    cv = clip[f]                                  # (n, 3 corners, 4)
    xn = (c + 0.5) / W * 2 - 1                    # the centre in ndc
    yn = (H - r - 0.5) / H * 2 - 1
    # sum b = 1 and the projection of sum b_i clip_i is the centre
    A = np.stack([cv[..., 0] - xn[:, None] * cv[..., 3],
                  cv[..., 1] - yn[:, None] * cv[..., 3],
                  np.ones(cv.shape[:2])], 1)
    b = np.linalg.solve(A, np.tile([0., 0, 1], (len(r), 1))[..., None])[..., 0]
    pt = np.einsum('ni,nij->nj', b, cv)
    z = (pt[:, 2] / pt[:, 3] + 1) / 2
    eb = np.abs(bary[r, c] - b).max()
    ez = np.abs(dep[r, c] - z).max()
    # float32 storage: half an ulp of values up to 1 is 6e-8
    if not (eb <= 2e-7 and ez <= 2e-7):
        bad.append(f'{name}: barycentrics off by {eb:.3g}, depth by {ez:.3g}')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
EOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "tproject --mesh: faces sharing edges cover every pixel exactly once (jittered grids, fans about pixel centres)" {
	# each face alone is a mesh of its own in the stream: the sum of
	# their coverages must be 1 at every pixel
	py '
rng = np.random.default_rng(7)
with open("faces.npy", "wb") as f:
    for k in range(6):
        n = 5 + k
        gx, gy = np.meshgrid(np.linspace(-1.3, 1.3, n + 1), np.linspace(-1.3, 1.3, n + 1))
        pts = np.stack([gx, gy, np.zeros_like(gx)], -1)
        # interior corners on a 1/256-pixel grid and off it, some on centres
        j = rng.uniform(-0.1, 0.1, (n - 1, n - 1, 2))
        if k % 2:
            j = np.round(j * 16 * 4) / (16 * 4)
        pts[1:-1, 1:-1, :2] += j
        idx = np.arange((n + 1) ** 2).reshape(n + 1, n + 1)
        for y in range(n):
            for x in range(n):
                a, b, c, d = idx[y, x], idx[y, x + 1], idx[y + 1, x + 1], idx[y + 1, x]
                for t in ([a, b, c], [a, c, d]) if (x + y + k) % 2 else ([a, b, d], [b, c, d]):
                    np.save(f, pts.reshape(-1, 3)[t])
                    np.save(f, np.array([[0, 1, 2]] if rng.random() < .5 else [[0, 2, 1]]))
    # fans of 12 faces about pixel centres, spokes through centres
    for k in range(4):
        c = rng.integers(4, 28, 2)
        ang = np.sort(rng.uniform(0, 2 * np.pi, 12))
        rim = np.round(np.stack([np.cos(ang), np.sin(ang)], -1) * 40)
        pc = lambda q: (q + 0.5) / 32 * 2 - 1
        for i in range(12):
            tri = [c, c + rim[i], c + rim[(i + 1) % 12]]
            np.save(f, np.array([[pc(q[0]), pc(q[1]), 0] for q in tri]))
            np.save(f, np.array([[0, 1, 2]]))
'
	tproject --mesh --render 32x32 --buffers id faces.npy > ids.npy
	py '
import os
sys.path.insert(0, os.environ["TPIPE_TOP"] + "/test")
from npystream import records
r = records("ids.npy")
cov = np.array([x >= 0 for x in r]).astype(int)
grids = sum(2 * (5 + k) ** 2 for k in range(6))
assert len(r) == grids + 48, len(r)
k = 0
for n in range(5, 11):
    m = cov[k:k + 2 * n * n].sum(0)
    k += 2 * n * n
    assert (m == 1).all(), (n, np.argwhere(m != 1)[:5], m.max())
# the fans cover a region: inside it once, never twice
for i in range(4):
    m = cov[k:k + 12].sum(0)
    k += 12
    assert m.max() == 1 and m.sum() > 100, (i, m.max(), m.sum())
'
}

@test "tproject --mesh: -j 1, 2 and 3 draw the same bytes; -O png is the colour buffer; an empty mesh draws nothing" {
	local args
	args=$(grep '^random-persp|' "$GOLD/cases.txt" | cut -d'|' -f4)
	# shellcheck disable=SC2086
	tproject $args --buffers colour,depth,id,bary,normal,uv -j 1 "$GOLD/random-persp.in.npy" > j1.npy
	# shellcheck disable=SC2086
	tproject $args --buffers colour,depth,id,bary,normal,uv -j 2 "$GOLD/random-persp.in.npy" > j2.npy
	# shellcheck disable=SC2086
	tproject $args --buffers colour,depth,id,bary,normal,uv -j 3 "$GOLD/random-persp.in.npy" > j3.npy
	cmp j1.npy j2.npy
	cmp j1.npy j3.npy
	# shellcheck disable=SC2086
	tproject $args -O png -o c.png "$GOLD/random-persp.in.npy"
	py '
import os
from PIL import Image
sys.path.insert(0, os.environ["TPIPE_TOP"] + "/test")
from npystream import records
r = records("j1.npy")
assert [x.shape for x in r] == [(36, 48, 3), (36, 48), (36, 48), (36, 48, 3), (36, 48, 3), (36, 48, 2)], [x.shape for x in r]
assert np.array_equal(np.asarray(Image.open("c.png")), r[0])
n = np.linalg.norm(r[4], axis=-1)
assert np.allclose(n[r[2] >= 0], 1) and (n[r[2] < 0] == 0).all()
with open("empty.npy", "wb") as f:
    np.save(f, np.zeros((0, 3)))
    np.save(f, np.zeros((0, 3), np.int32))
'
	tproject --mesh --render 5x4 --buffers id,depth empty.npy > e.npy
	py '
import os
sys.path.insert(0, os.environ["TPIPE_TOP"] + "/test")
from npystream import records
i, d = records("e.npy")
assert (i == -1).all() and (d == 1).all() and i.shape == (4, 5)
'
}

@test "tproject --mesh: bad meshes and options fail with one clear line and nothing on stdout" {
	py '
def mesh(name, *recs):
    with open(name, "wb") as f:
        for r in recs:
            np.save(f, r)
v = np.zeros((3, 3)); fc = np.array([[0, 1, 2]])
mesh("v2.npy", np.zeros((3, 2)), fc)
mesh("fbad.npy", v, np.array([[0, 1, 3]]))
mesh("fneg.npy", v, np.array([[0, -1, 2]]))
mesh("ffloat.npy", v, fc.astype(float))
mesh("f4.npy", v, np.array([[0, 1, 2, 0]]))
mesh("nofaces.npy", v)
mesh("vnan.npy", np.array([[0, 0, 0], [1, np.nan, 0], [0, 1, 0]]), fc)
mesh("colshort.npy", v, fc, np.zeros((2, 3), np.uint8))
mesh("ok.npy", v, fc)
open("bad.obj", "w").write("v 0 0 0\nv 1 0 0\nf 1 2 7\n")
open("ok.obj", "w").write("# no colours\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
'
	local d=$BATS_TEST_TMPDIR
	row fails 1 "record 0 \(vertices\) is \(3, 2\) float64: vertices must be real \(V, 3\)" "$d/v2.npy" tproject --mesh --render 4x4
	row fails 1 "record 1 \(faces\): face 0 names vertex 3 but there are 3" "$d/fbad.npy" tproject --mesh --render 4x4
	row fails 1 "record 1 \(faces\): face 0 names vertex -1 but there are 3" "$d/fneg.npy" tproject --mesh --render 4x4
	row fails 1 "record 1 \(faces\) is float64: it must be integers" "$d/ffloat.npy" tproject --mesh --render 4x4
	row fails 1 "record 1 \(faces\) has shape \(1, 4\), not \(F, 3\)" "$d/f4.npy" tproject --mesh --render 4x4
	row fails 1 "the mesh ends before its faces record" "$d/nofaces.npy" tproject --mesh --render 4x4
	row fails 1 "record 0 \(vertices\): vertex 1 is not finite" "$d/vnan.npy" tproject --mesh --render 4x4
	row fails 1 "record 2 \(colour\) has shape \(2, 3\), not \(V, 3\)" "$d/colshort.npy" tproject --mesh --render 4x4 --attributes colour
	row fails 1 "the mesh ends before its colour record" "$d/ok.npy" tproject --mesh --render 4x4 --attributes colour
	row fails 1 "'.*bad.obj': assimp cannot read it: OBJ: vertex index out of range" /dev/null tproject --mesh --render 4x4 "$d/bad.obj"
	row fails 1 ".*ok.obj: --shade vertex: the mesh has no vertex colours" /dev/null tproject --mesh --render 4x4 --shade vertex "$d/ok.obj"
	row fails 2 "--attributes names the records of a tpipe stream: an OBJ or PLY file's come from the file" /dev/null tproject --mesh --render 4x4 --attributes normal "$d/ok.obj"
	row fails 2 "--mesh needs --render WxH" "$d/ok.npy" tproject --mesh
	row fails 2 "--cull, --front-face, --shade and --colour need --mesh" "$d/ok.npy" tproject --cull back
	row fails 2 "--cull 'side' is not one of back, front, none" "$d/ok.npy" tproject --mesh --render 4x4 --cull side
	row fails 2 "--front-face 'left' is not one of ccw, cw" "$d/ok.npy" tproject --mesh --render 4x4 --front-face left
	row fails 2 "--shade 'phong' is not one of flat, vertex, lambert" "$d/ok.npy" tproject --mesh --render 4x4 --shade phong
	row fails 2 "--shade vertex needs colours: --attributes colour" "$d/ok.npy" tproject --mesh --render 4x4 --shade vertex
	row fails 2 "--colour: each of r, g, b must be in \[0, 255\]: '1,2,300'" "$d/ok.npy" tproject --mesh --render 4x4 --colour 1,2,300
	row fails 2 "--buffers 'stencil' is not one of colour, depth, id, bary, normal, uv, color" "$d/ok.npy" tproject --mesh --render 4x4 --buffers id,stencil
	row fails 2 "--buffers: 'id' twice" "$d/ok.npy" tproject --mesh --render 4x4 --buffers id,depth,id
	row fails 2 "--buffers: 'color' twice" "$d/ok.npy" tproject --mesh --render 4x4 --buffers colour,depth,id,bary,normal,uv,color
	row fails 2 "--attributes 'alpha' is not one of colour, normal, uv, color" "$d/ok.npy" tproject --mesh --render 4x4 --attributes alpha
	row fails 2 "-O png holds the colour buffer alone: --buffers must be colour" "$d/ok.npy" tproject --mesh --render 4x4 --buffers id -O png
	row fails 2 "--mesh cannot be used with --y-down" "$d/ok.npy" tproject --mesh --render 4x4 --y-down --viewport 0,0,4,4
	row fails 2 "--mesh cannot be used with --stage" "$d/ok.npy" tproject --mesh --render 4x4 --stage eye
	row fails 2 "--mesh cannot be used with --edges" "$d/ok.npy" tproject --mesh --render 4x4 --edges "$d/ok.npy"
	rows_ok
}

@test "tproject --mesh: meshes stream: complete ones reach stdout before a truncated one fails" {
	py '
with open("two.npy", "wb") as f:
    for k in range(2):
        np.save(f, np.array([[-1., -1, 0], [1, -1, 0], [0, 1, 0]]))
        np.save(f, np.array([[0, 1, 2]]))
b = open("two.npy", "rb").read()
open("cut.npy", "wb").write(b[:-4])
'
	run --separate-stderr tproject --mesh --render 6x4 --buffers id -o whole.npy two.npy
	[ "$status" -eq 0 ]
	run --separate-stderr bash -c 'tproject --mesh --render 6x4 --buffers id cut.npy > part.npy'
	[ "$status" -eq 1 ]
	[[ $stderr == "tproject: cut.npy: "* ]]
	[ "$(wc -l <<< "$stderr")" -eq 1 ]
	py '
import os
sys.path.insert(0, os.environ["TPIPE_TOP"] + "/test")
from npystream import records
r = records("part.npy")
w = records("whole.npy")
assert len(w) == 2 and len(r) == 1 and np.array_equal(r[0], w[0]), r
assert r[0].shape == (4, 6) and (r[0] == 0).sum() > 4, r
'
}

@test "tproject --mesh: OBJ (polygons fanned, negative indices, vt, vn) and PLY (ascii, binary, colours) draw as the same mesh in tpipe's form" {
	py '
rng = np.random.default_rng(3)
# multiples of 1/64: assimp keeps float32 and its text parser
# (fast_atof) is not correctly rounded, but these it reads exactly
q = lambda a: np.round(a * 64) / 64
v = q(rng.uniform(-1, 1, (12, 3)))
v[:, 2] = -np.abs(v[:, 2]) * 0.875
vt = q(rng.uniform(0, 1, (12, 2)))
vn = q(rng.standard_normal((12, 3)))
polys = [[0, 1, 2], [3, 4, 5, 6], [7, 8, 9, 10, 11], [2, 5, 9, 0]]
with open("m.obj", "w") as f:
    f.write("# made by raster.bats\no thing\n")
    for p in v: f.write("v %r %r %r\n" % tuple(p))
    for p in vt: f.write("vt %r %r\n" % tuple(p))
    for p in vn: f.write("vn %r %r %r\n" % tuple(p))
    for k, p in enumerate(polys):
        if k == 2:   # relative indices: -1 is the last vertex so far
            f.write("f " + " ".join(f"{i - 12}/{i - 12}/{i - 12}" for i in p) + "\n")
        else:
            f.write("f " + " ".join(f"{i + 1}/{i + 1}/{i + 1}" for i in p) + "\n")
# the same as tpipe records: one vertex per corner, fans (0, i, i+1)
corners = [i for p in polys for i in p]
faces, k = [], 0
for p in polys:
    faces += [[k, k + i, k + i + 1] for i in range(1, len(p) - 1)]
    k += len(p)
with open("m.npy", "wb") as f:
    for r in (v[corners], np.array(faces), vn[corners], vt[corners]):
        np.save(f, r)
# PLY with vertex colours, ascii and binary
col = rng.integers(0, 256, (12, 3))
head = ["ply", "format %s 1.0", "element vertex 12", "property float x",
        "property float y", "property float z", "property uchar red",
        "property uchar green", "property uchar blue",
        f"element face {len(polys)}", "property list uchar int vertex_indices",
        "end_header"]
with open("a.ply", "w") as f:
    f.write("\n".join(head) % "ascii" + "\n")
    for p, c in zip(v, col): f.write("%r %r %r %d %d %d\n" % (*p, *c))
    for p in polys: f.write(f"{len(p)} " + " ".join(map(str, p)) + "\n")
with open("b.ply", "wb") as f:
    f.write(("\n".join(head) % "binary_little_endian" + "\n").encode())
    for p, c in zip(v, col):
        f.write(np.array(p, "<f4").tobytes() + np.array(c, "u1").tobytes())
    for p in polys:
        f.write(np.array([len(p)], "u1").tobytes() + np.array(p, "<i4").tobytes())
pf = [[p[0], p[i], p[i + 1]] for p in polys for i in range(1, len(p) - 1)]
with open("p.npy", "wb") as f:
    for r in (v, np.array(pf), col.astype(np.uint8)):
        np.save(f, r)
'
	local cam="--render 40x30 --perspective 50,1.33,0.5,5 --translate 0,0,-2.2"
	# shellcheck disable=SC2086
	tproject --mesh $cam --shade lambert --buffers colour,depth,id,bary,uv,normal m.obj > obj.npy
	# shellcheck disable=SC2086
	tproject --mesh $cam --shade lambert --buffers colour,depth,id,bary,uv,normal --attributes normal,uv m.npy > objref.npy
	cmp obj.npy objref.npy
	# shellcheck disable=SC2086
	tproject --mesh $cam --shade vertex --buffers colour,depth,id,bary a.ply > a.npy
	# shellcheck disable=SC2086
	tproject --mesh $cam --shade vertex --buffers colour,depth,id,bary b.ply > b.npy
	# shellcheck disable=SC2086
	tproject --mesh $cam --shade vertex --buffers colour,depth,id,bary --attributes colour p.npy > pref.npy
	cmp a.npy b.npy
	cmp a.npy pref.npy
	py '
import os
sys.path.insert(0, os.environ["TPIPE_TOP"] + "/test")
from npystream import records
r = records("obj.npy")
# not vacuous: faces of the quads and of the pentagon (ids 3-5) show
assert {0, 1, 3, 4, 5} <= set(np.unique(r[2])), np.unique(r[2])
# the uv and normal buffers are the attributes of the corners weighted by the
# (perspective-correct) barycentrics: uv as they are, normals normalised
# (MV only translates, so eye normals are the vertex normals)
_, fc, vn, vt = records("m.npy")
ids, b = r[2], r[3].astype(float)
k = ids >= 0
c = fc[ids[k]]
uv = np.einsum("nk,nkj->nj", b[k], vt[c])
n = np.einsum("nk,nkj->nj", b[k], vn[c])
n /= np.linalg.norm(n, axis=-1, keepdims=True)
assert np.abs(r[4][k] - uv).max() < 1e-6, np.abs(r[4][k] - uv).max()
assert np.abs(r[5][k] - n).max() < 1e-5, np.abs(r[5][k] - n).max()
assert (r[4][~k] == 0).all() and (r[5][~k] == 0).all()
'
}

@test "tproject --mesh: a mesh stream through a named pipe is a stream (its first bytes are not sniffed away)" {
	py '
with open("m.npy", "wb") as f:
    np.save(f, np.array([[-1., -1, 0], [1, -1, 0], [0, 1, 0]]))
    np.save(f, np.array([[0, 1, 2]]))
'
	tproject --mesh --render 6x4 --buffers id m.npy > want.npy
	run bash -c 'tproject --mesh --render 6x4 --buffers id <(cat m.npy) > got.npy'
	[ "$status" -eq 0 ]
	cmp want.npy got.npy
}

@test "tproject --mesh: this machine's Mesa (glref.c through surfaceless EGL) still draws the golden buffers" {
	# the golden files are the reference: made again here when EGL,
	# libOpenGL and llvmpipe are present, ids equal and depth within 1e-6
	mkdir gl
	if ! "$PY" "$GOLD/make-golden.py" gl > make.out 2>&1; then
		skip "no OpenGL through surfaceless EGL here: $(tail -1 make.out)"
	fi
	"$PY" - "$GOLD" gl <<'PYEOF'
import os, sys
import numpy as np
gold, new = sys.argv[1:3]
names = [l.split('|')[0] for l in open(os.path.join(gold, 'cases.txt'))
         if not l.startswith('#')]
assert open(os.path.join(gold, 'cases.txt')).read() == open(os.path.join(new, 'cases.txt')).read()
for n in names:
    a = np.load(os.path.join(gold, n + '.gl.npz'))
    b = np.load(os.path.join(new, n + '.gl.npz'))
    assert np.array_equal(a['id'], b['id']), n
    assert np.abs(a['depth'] - b['depth']).max() <= 1e-6, n
    assert np.abs(a['colour'].astype(int) - b['colour']).max() <= 1, n
    with open(os.path.join(gold, n + '.in.npy'), 'rb') as f, open(os.path.join(new, n + '.in.npy'), 'rb') as g:
        assert f.read() == g.read(), n
PYEOF
}

@test "tproject --mesh: a random mesh of 20000 faces against this machine's Mesa: 99.9% of the ids equal, and every difference explained" {
	# explain.py: a pixel may differ only by a snapping difference at
	# an edge (OpenGL's float32 vertices) or a depth tie; depth beyond
	# 1e-6 only within llvmpipe's float32 plane error
	mkdir gl
	if ! "$PY" "$GOLD/make-golden.py" gl --big > make.out 2>&1; then
		skip "no OpenGL through surfaceless EGL here: $(tail -1 make.out)"
	fi
	local args
	args=$(cut -d'|' -f4 gl/big.txt)
	# shellcheck disable=SC2086 # args is a word list on purpose
	tproject $args --buffers id,depth gl/random-big.in.npy > big.npy
	run "$PY" - "$GOLD" gl/big.txt gl big.npy <<'PYEOF'
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
sys.path.insert(0, sys.argv[1])
from npystream import records
from explain import verdict
_, inp, g, args = open(sys.argv[2]).read().rstrip('\n').split('|')
a = args.split()
W, H = map(int, a[a.index('--render') + 1].split('x'))
mv = np.array(a[a.index('--modelview') + 1].split(','), float).reshape(4, 4)
p = np.array(a[a.index('--projection') + 1].split(','), float).reshape(4, 4)
pos, faces = records(os.path.join(sys.argv[3], inp))
gl = np.load(os.path.join(sys.argv[3], g))
tid, tdep = records(sys.argv[4])
line, bad = verdict(W, H, mv, p, pos, faces, tid, tdep, gl['id'], gl['depth'])
print(line)
print('\n'.join(bad[:10]))
# the verdict has teeth: a rasterizer off by a pixel, or a depth off
# by 2e-6, is refused
_, b1 = verdict(W, H, mv, p, pos, faces, np.roll(tid, 1, 1), tdep, gl['id'], gl['depth'])
_, b2 = verdict(W, H, mv, p, pos, faces, tid, tdep + 2e-6, gl['id'], gl['depth'])
assert b1 and b2, (b1[:2], b2[:2])
sys.exit(1 if bad else 0)
PYEOF
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *" ids differ ("* ]]
}
