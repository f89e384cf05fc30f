#!/usr/bin/python3
"""make-golden.py - tproject --mesh's golden pictures from Mesa's OpenGL.

    /usr/bin/python3 test/data/raster/make-golden.py [DIR] [--big]

Compiles glref.c (cc, libegl-dev, libgl-dev; Mesa's llvmpipe through a
surfaceless EGL context) into a temporary directory, and for each case
below writes NAME.in.npy (the mesh as tproject reads it: a stream of
vertices (V, 3), faces (F, 3) and the records --attributes names),
draws it with glref, and writes NAME.gl.npz: colour, depth, id and bary
as OpenGL left them (row 0 the top of the picture).  cases.txt lists
name|input|golden|arguments.  The matrices are given to both as numbers
(--modelview, --projection), so both draw with the same ones (glref
hands OpenGL each vertex in clip space, P * MV * v in float64 rounded
once to float32; tproject keeps float64).  Deterministic, on any
machine (lookat's exact zeros are made exact).
With DIR, everything is written there instead; --big adds a random mesh
too big to commit, its line in big.txt (test/raster.bats draws
the cases again with the machine's Mesa and compares).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

SRC = os.path.dirname(os.path.abspath(__file__))
ARGS = [a for a in sys.argv[1:] if a != '--big']
HERE = ARGS[0] if ARGS else SRC
TMP = tempfile.mkdtemp()
GLREF = os.path.join(TMP, 'glref')
subprocess.run(['cc', '-O1', '-o', GLREF, os.path.join(SRC, 'glref.c'),
                '-lEGL', '-lOpenGL', '-lm'], check=True)
ENV = dict(os.environ, EGL_PLATFORM='surfaceless', LIBGL_ALWAYS_SOFTWARE='1',
           GALLIUM_DRIVER='llvmpipe')

rng = np.random.default_rng(20261207)
lines = []


def perspective(fovy, aspect, n, f):
    t = 1 / np.tan(np.radians(fovy) / 2)
    return np.array([[t / aspect, 0, 0, 0], [0, t, 0, 0],
                     [0, 0, (f + n) / (n - f), 2 * f * n / (n - f)],
                     [0, 0, -1, 0]])


def lookat(eye, center, up):
    eye, center, up = (np.asarray(v, float) for v in (eye, center, up))
    f = center - eye
    f /= np.linalg.norm(f)
    s = np.cross(f, up)
    s /= np.linalg.norm(s)
    u = np.cross(s, f)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = s, u, -f
    m[:3, 3] = -m[:3, :3] @ eye
    # what is 0 in exact arithmetic (|v| below 1e-12 here) made 0:
    # BLAS's matrix product left -4.4e-16, 5.6e-17 or 0 there, by
    # machine, and the matrices are written out as numbers (cases.txt)
    m[np.abs(m) < 1e-12] = 0.0
    return m + 0.0


def nums(m):
    return ','.join(repr(float(v)) for v in np.ravel(m))


SHADES = {'flat': 0, 'vertex': 1, 'lambert': 2}


def case(name, W, H, pos, faces, mv=np.eye(4), p=np.eye(4), cull='none',
         front='ccw', shade='flat', colour=None, normal=None,
         flat=(255, 255, 255), extra='', into=lines):
    pos = np.asarray(pos)
    if pos.dtype != np.float32:
        pos = pos.astype(np.float64)
    faces = np.asarray(faces, np.int32)
    V = len(pos)
    attrs, recs = [], [pos, faces]
    if colour is not None:
        attrs.append('colour')
        recs.append(np.asarray(colour, np.uint8))
    if normal is not None:
        attrs.append('normal')
        recs.append(np.asarray(normal, np.float64))
    with open(os.path.join(HERE, name + '.in.npy'), 'wb') as f:
        for r in recs:
            np.save(f, r)
    fl = np.asarray(flat, float) / 255
    col = (np.asarray(colour, float) / 255 if colour is not None
           else np.tile(fl, (V, 1)))
    nrm = np.zeros((V, 3)) if normal is None else np.asarray(normal, float)
    sh = SHADES[shade] + (shade == 'lambert' and normal is None)
    hdr = np.array([W, H, ['none', 'back', 'front'].index(cull),
                    front == 'cw', sh, V, len(faces)], '<i4')
    scene = os.path.join(TMP, 'scene')
    with open(scene, 'wb') as f:
        f.write(hdr.tobytes())
        f.write(np.concatenate([np.ravel(mv), np.ravel(p), (0, 0, W, H),
                                (0, 1), fl]).astype('<f8').tobytes())
        f.write(pos.astype('<f4').tobytes())
        f.write(faces.astype('<i4').tobytes())
        f.write(col.astype('<f4').tobytes())
        f.write(nrm.astype('<f4').tobytes())
    out = os.path.join(TMP, name)
    subprocess.run([GLREF, scene, out], check=True, env=ENV)
    gl = {k: np.load(f'{out}.{k}.npy') for k in ('colour', 'depth', 'id',
                                                   'bary')}
    np.savez_compressed(os.path.join(HERE, name + '.gl.npz'), **gl)
    args = ['--mesh', f'--render {W}x{H}', f'--modelview {nums(mv)}',
            f'--projection {nums(p)}', f'--cull {cull}',
            f'--front-face {front}', f'--shade {shade}',
            '--colour ' + ','.join(str(c) for c in flat)]
    if attrs:
        args.append('--attributes ' + ','.join(attrs))
    into.append(f'{name}|{name}.in.npy|{name}.gl.npz|' + ' '.join(args) +
               extra)


def centre(i, n):
    """ndc of pixel centre i of n."""
    return -1 + (2 * i + 1) / n


# fill rule: a square whose corners and diagonal lie on pixel centres
W = H = 8
c = [centre(i, 8) for i in range(8)]
case('square-diagonal', W, H,
     [[c[1], c[1], 0], [c[5], c[1], 0], [c[5], c[5], 0], [c[1], c[5], 0]],
     [[0, 1, 2], [0, 2, 3]])

# a fan of 16 triangles around a pixel centre, its spokes through
# pixel centres (slopes 0, 1/2, 1, 2, vertical...), its rim on centres
W = H = 24
cx = cy = 11
rim = [(8, 0), (8, 4), (8, 8), (4, 8), (0, 8), (-4, 8), (-8, 8), (-8, 4),
       (-8, 0), (-8, -4), (-8, -8), (-4, -8), (0, -8), (4, -8), (8, -8),
       (8, -4)]
pos = [[centre(cx, W), centre(cy, H), 0.5]]
pos += [[centre(cx + dx, W), centre(cy + dy, H), 0.5] for dx, dy in rim]
faces = [[0, 1 + i, 1 + (i + 1) % 16] for i in range(16)]
case('fan-centres', W, H, pos, faces)

# a grid of 12 x 9 cells, two triangles each, corners jittered off the
# pixel grid, covering more than the whole picture: every pixel once
W, H = 40, 30
gx, gy = np.meshgrid(np.linspace(-1.2, 1.2, 13), np.linspace(-1.2, 1.2, 10))
pts = np.stack([gx, gy, np.zeros_like(gx)], -1)
pts[1:-1, 1:-1, :2] += rng.uniform(-0.06, 0.06, (8, 11, 2))
pts[..., 2] = rng.uniform(-0.5, 0.5, gx.shape)
idx = np.arange(130).reshape(10, 13)
faces = []
for j in range(9):
    for i in range(12):
        a, b, cc, d = idx[j, i], idx[j, i + 1], idx[j + 1, i + 1], idx[j + 1, i]
        faces += [[a, b, cc], [a, cc, d]] if (i + j) % 2 else [[a, b, d],
                                                                [b, cc, d]]
case('grid-shared', W, H, pts.reshape(-1, 3), faces)

# random triangles in perspective, overlapping (the depth test), with
# vertex colours: coverage, depth, barycentrics, colours
W, H = 48, 36
mv = lookat((0.5, 1, 4), (0, 0, 0), (0, 1, 0))
p = perspective(50, W / H, 1, 10)
cen = rng.uniform(-1.5, 1.5, (40, 1, 3))
pos = (cen + rng.uniform(-0.8, 0.8, (40, 3, 3))).reshape(-1, 3)
faces = np.arange(120).reshape(40, 3)
cols = rng.integers(0, 256, (120, 3))
case('random-persp', W, H, pos, faces, mv, p, shade='vertex', colour=cols)

# triangles crossing the near plane and the eye plane, and beyond far
W, H = 40, 30
mv = lookat((0, 0, 1.2), (0, 0, 0), (0, 1, 0))
p = perspective(60, W / H, 0.5, 3)
pos = rng.uniform(-2, 2, (60, 3))
pos[:, 2] = rng.uniform(-3, 2.5, 60)
case('near-far-clip', W, H, pos, np.arange(60).reshape(20, 3), mv, p,
     shade='vertex', colour=rng.integers(0, 256, (60, 3)))

# culling: a closed cube seen from outside, back faces culled, with
# lambert shading from face normals; then front faces culled with
# clockwise front faces (the same picture as GL's back culling... not:
# the inside of the far faces)
corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1)
                    for z in (-1, 1)], float)
quads = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6),
         (0, 2, 6, 4), (1, 5, 7, 3)]
cube = [[q[0], q[1], q[2]] for q in quads] + [[q[0], q[2], q[3]] for q in quads]
W, H = 40, 30
mv = lookat((3, 2.5, 4), (0, 0, 0), (0, 1, 0))
p = perspective(45, W / H, 1, 20)
case('cube-back-lambert', W, H, corners, cube, mv, p, cull='back',
     shade='lambert', flat=(200, 180, 90))
case('cube-front-cw', W, H, corners, cube, mv, p, cull='front', front='cw',
     shade='lambert')

# a sphere with vertex normals and colours, lambert
W, H = 40, 40
th, ph = np.meshgrid(np.linspace(0, np.pi, 9), np.linspace(0, 2 * np.pi, 13))
sp = np.stack([np.sin(th) * np.cos(ph), np.cos(th), np.sin(th) * np.sin(ph)],
              -1).reshape(-1, 3)
idx = np.arange(13 * 9).reshape(13, 9)
faces = []
for i in range(12):
    for j in range(8):
        a, b, cc, d = idx[i, j], idx[i + 1, j], idx[i + 1, j + 1], idx[i, j + 1]
        faces += [[a, b, cc], [a, cc, d]]
mv = lookat((0, 1, 3), (0, 0, 0), (0, 1, 0))
p = perspective(45, 1, 1, 10)
case('sphere-normals', W, H, sp, faces, mv, p, shade='lambert',
     colour=(sp * 127 + 128).astype(int), normal=sp)


def random_mesh(name, W, H, F, into=lines):
    """F random triangles in perspective, overlapping, some almost
    edge-on; float32 vertices, as OpenGL takes them, so that both draw
    the same numbers: where the two may still differ, explain.py says"""
    mv = lookat((0.5, 1, 4), (0, 0, 0), (0, 1, 0))
    p = perspective(50, W / H, 1, 10)
    cen = rng.uniform(-1.5, 1.5, (F, 1, 3))
    pos = (cen + rng.uniform(-0.3, 0.3, (F, 3, 3))).reshape(-1, 3)
    case(name, W, H, pos.astype(np.float32), np.arange(3 * F).reshape(F, 3),
         mv, p, into=into)


# random meshes: ids equal at 99.9% of the pixels at least, each other
# one explained (explain.py); with --big, one big enough that some
# differ, not committed (test/raster.bats draws it with the machine's
# Mesa), its line in big.txt
random_mesh('random-many', 80, 60, 800)
if '--big' in sys.argv:
    big = []
    random_mesh('random-big', 256, 192, 20000, big)
    with open(os.path.join(HERE, 'big.txt'), 'w') as f:
        f.write(big[0] + '\n')

with open(os.path.join(HERE, 'cases.txt'), 'w') as f:
    f.write('# written by make-golden.py: name|input|golden|arguments\n')
    for line in lines:
        f.write(line + '\n')
print(f'{len(lines)} cases')
