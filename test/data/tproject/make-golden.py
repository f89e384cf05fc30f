#!/usr/bin/python3
"""make-golden.py - tproject's golden data from Mesa's GLU and GLM.

    /usr/bin/python3 test/data/tproject/make-golden.py

Compiles glref.cpp (g++, libglu1-mesa-dev, libglm-dev) into a temporary
directory, and for each case below builds the modelview and projection
matrices with GLM (glref matrix), projects random points with gluProject
or unprojects window points with gluUnProject (glref project/unproject),
and writes NAME.in.npy (the input), NAME.out.npy (what tproject must
write) and a line of cases.txt: NAME|dtype|input|expected|arguments.
Deterministic: run it again and it writes the same bytes.

Where GLU has no parameter the expectation is GLU's result mapped as
tproject's man page says: no viewport (ndc) is gluProject with the
viewport -1,-1,2,2 and z = 2 winz - 1; --depth-range N,F is
N + (F - N) winz; --y-down is y = 2Y + H - winy; a point (x, y, z, w)
with w > 0 is gluProject of (x/w, y/w, z/w).  A point whose clip w <= 0
is NaN unless --keep-behind, where it is GLU's own result.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp()
GLREF = os.path.join(TMP, 'glref')
subprocess.run(['g++', '-O1', '-o', GLREF, os.path.join(HERE, 'glref.cpp'),
                '-lGLU'], check=True)


def glm(*ops):
    """The GLM matrix of ops (rows as the math is written)."""
    if not ops:
        return np.eye(4)
    args = [str(a) for op in ops for a in op]
    out = subprocess.run([GLREF, 'matrix'] + args, check=True,
                         capture_output=True, text=True).stdout
    return np.array([float(v) for v in out.split()]).reshape(4, 4)


def glu(mode, mv, p, vp, pts):
    """gluProject (5 columns) or gluUnProject (4) of pts (N, 3)."""
    data = np.concatenate([mv.ravel(), p.ravel(), np.asarray(vp, float),
                           np.asarray(pts, float).ravel()])
    out = subprocess.run([GLREF, mode], input=data.astype('<f8').tobytes(),
                         check=True, capture_output=True).stdout
    return np.frombuffer(out, '<f8').reshape(-1, 5 if mode == 'project' else 4)


def opt(name, v):
    return f'--{name} ' + ','.join(repr(float(x)) if not float(x).is_integer()
                                   else str(int(x)) for x in v)


rng = np.random.default_rng(20261127)
lines = []


def case(name, inp, out, args, dtype='f64'):
    np.save(os.path.join(HERE, name + '.in.npy'), inp)
    np.save(os.path.join(HERE, name + '.out.npy'), out)
    lines.append(f'{name}|{dtype}|{name}.in.npy|{name}.out.npy|{args}')


def project(mv, p, vp, pts, keep=False):
    """Window coordinates as tproject defines them (pts (..., 3))."""
    flat = pts.reshape(-1, 3)
    r = glu('project', mv, p, vp, flat)
    win = r[:, :3].copy()
    behind = r[:, 4] == 0 if keep else r[:, 4] <= 0
    win[behind | (r[:, 3] == 0)] = np.nan
    return win.reshape(pts.shape[:-1] + (3,)), r


# cameras: (name, [modelview ops], [projection ops])
CAMS = {
    'persp': ([('lookat', 3, 4, 5, 0, 0, 0, 0, 1, 0)],
              [('perspective', 60, 4 / 3, 0.1, 100)]),
    'frustum': ([('translate', 0.5, -0.2, -6), ('rotate', 30, 1, 2, 3),
                 ('scale', 1.5, 0.5, 2)],
                [('frustum', -1, 1.5, -0.8, 1, 1, 50)]),
    'ortho': ([('rotate', -45, 0, 1, 0), ('translate', 1, 0, 0)],
              [('ortho', -3, 4, -2, 5, -1, 10)]),
    'lookat-down': ([('lookat', 0.5, 9, 0.2, 0, 0, 0, 0, 0, -1),
                     ('rotate', 10, 0, 0, 1)],
                    [('perspective', 90, 0.75, 2, 30)]),
}


def cam_args(cam):
    mvops, pops = CAMS[cam]
    return ' '.join(opt(op[0], op[1:]) for op in pops + mvops)


def cam_mats(cam):
    mvops, pops = CAMS[cam]
    return glm(*mvops), glm(*pops)


# each camera, random points around the origin, several viewports
for cam, vp in [('persp', (0, 0, 640, 480)), ('frustum', (10, 20, 300, 200)),
                ('ortho', (-50, 30, 800, 600)), ('lookat-down', (0, 0, 37, 53))]:
    mv, p = cam_mats(cam)
    pts = rng.uniform(-2, 2, (200, 3))
    win, _ = project(mv, p, vp, pts)
    case(f'{cam}-vp', pts, win, cam_args(cam) + ' ' + opt('viewport', vp))

# points all around, some behind the eye: NaN, or GLU's own with --keep-behind
mv, p = cam_mats('persp')
vp = (0, 0, 640, 480)
pts = rng.uniform(-12, 12, (300, 3))
win, r = project(mv, p, vp, pts)
assert (r[:, 4] <= 0).sum() > 20
case('persp-behind', pts, win, cam_args('persp') + ' ' + opt('viewport', vp))
win, r = project(mv, p, vp, pts, keep=True)
case('persp-keep-behind', pts, win,
     cam_args('persp') + ' ' + opt('viewport', vp) + ' --keep-behind')

# normalized device coordinates: no viewport
pts = rng.uniform(-2, 2, (7, 11, 3))
win, _ = project(mv, p, (-1, -1, 2, 2), pts)
win[..., 2] = 2 * win[..., 2] - 1
case('persp-ndc', pts, win, cam_args('persp'))

# depth ranges (reversed, and a part) and y down, with a viewport offset
vp = (16, 8, 640, 480)
pts = rng.uniform(-2, 2, (100, 3))
win, _ = project(mv, p, vp, pts)
for nm, (n, f) in [('reversed', (1, 0)), ('quarter', (0.25, 0.75))]:
    w = win.copy()
    w[:, 2] = n + (f - n) * win[:, 2]
    case(f'persp-depth-{nm}', pts, w, cam_args('persp') + ' ' +
         opt('viewport', vp) + ' ' + opt('depth-range', (n, f)))
w = win.copy()
w[:, 1] = 2 * vp[1] + vp[3] - win[:, 1]
case('persp-y-down', pts, w,
     cam_args('persp') + ' ' + opt('viewport', vp) + ' --y-down')

# homogeneous points (..., 4), w > 0, a batch of 5 x 40
pts4 = rng.uniform(-2, 2, (5, 40, 4))
pts4[..., 3] = rng.uniform(0.25, 3, (5, 40))
win, _ = project(mv, p, (0, 0, 640, 480), pts4[..., :3] / pts4[..., 3:])
case('persp-homogeneous', pts4, win,
     cam_args('persp') + ' ' + opt('viewport', (0, 0, 640, 480)))

# random matrices from files (rows as the math is written), and the same
# as OpenGL arrays inline with --column-major
rmv = rng.standard_normal((4, 4))
rp = rng.standard_normal((4, 4))
np.save(os.path.join(HERE, 'random-mv.npy'), rmv)
np.save(os.path.join(HERE, 'random-p.npy'), rp)
vp = (0, 0, 1024, 768)
pts = rng.standard_normal((400, 3))
win, r = project(rmv, rp, vp, pts)
case('random-files', pts, win, '--modelview $GOLD/random-mv.npy '
     '--projection $GOLD/random-p.npy ' + opt('viewport', vp))
case('random-column-major', pts, win,
     '--column-major ' + opt('modelview', rmv.T.ravel()) + ' ' +
     opt('projection', rp.T.ravel()) + ' ' + opt('viewport', vp))

# gluUnProject of window points, on two cameras and the random matrices
for cam, vp in [('persp', (0, 0, 640, 480)), ('frustum', (10, 20, 300, 200))]:
    mv, p = cam_mats(cam)
    w = np.column_stack([rng.uniform(vp[0], vp[0] + vp[2], 150),
                         rng.uniform(vp[1], vp[1] + vp[3], 150),
                         rng.uniform(0, 1, 150)])
    r = glu('unproject', mv, p, vp, w)
    assert (r[:, 3] == 1).all()
    case(f'{cam}-unproject', w, r[:, :3],
         cam_args(cam) + ' ' + opt('viewport', vp) + ' --unproject')
w = np.column_stack([rng.uniform(0, 1024, 150), rng.uniform(0, 768, 150),
                     rng.uniform(0, 1, 150)])
r = glu('unproject', rmv, rp, (0, 0, 1024, 768), w)
case('random-unproject', w, r[:, :3], '--modelview $GOLD/random-mv.npy '
     '--projection $GOLD/random-p.npy ' + opt('viewport', (0, 0, 1024, 768)) +
     ' --unproject')

# integer points compute in float64; float32 points keep float32
mv, p = cam_mats('frustum')
vp = (10, 20, 300, 200)
pts = rng.integers(-3, 4, (60, 3)).astype(np.int32)
win, _ = project(mv, p, vp, pts.astype(float))
case('frustum-int32', pts, win, cam_args('frustum') + ' ' + opt('viewport', vp))
pts = rng.uniform(-2, 2, (60, 3)).astype(np.float32)
win, _ = project(mv, p, vp, pts.astype(float))
case('frustum-f32', pts, win.astype(np.float32),
     cam_args('frustum') + ' ' + opt('viewport', vp), dtype='f32')

# canonical views: no matrices at all (the identity), glOrtho's unit
# cube (which flips z), a camera on the +x axis with z up
CAMS['identity'] = ([], [])
CAMS['unit-ortho'] = ([], [('ortho', -1, 1, -1, 1, -1, 1)])
CAMS['lookat-x'] = ([('lookat', 5, 0, 0, 0, 0, 0, 0, 0, 1)],
                    [('perspective', 45, 1, 1, 10)])
for cam, vp in [('identity', (0, 0, 100, 50)), ('unit-ortho', (0, 0, 100, 50)),
                ('lookat-x', (0, 0, 256, 256))]:
    mv, p = cam_mats(cam)
    pts = rng.uniform(-1.5, 1.5, (50, 3))
    win, _ = project(mv, p, vp, pts)
    case(f'{cam}-vp', pts, win, (cam_args(cam) + ' ' + opt('viewport', vp)).strip())

# a cube for the render test: corners, edges, and where gluProject puts
# the corners in a 64x48 window (not a case: test/tproject.bats reads them)
corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)],
                   float)
edges = np.array([[i, j] for i in range(8) for j in range(i + 1, 8)
                  if np.abs(corners[i] - corners[j]).sum() == 2], np.int64)
assert len(edges) == 12
mv, p = cam_mats('persp')
np.save(os.path.join(HERE, 'cube.npy'), corners)
np.save(os.path.join(HERE, 'cube-edges.npy'), edges)
win, _ = project(mv, p, (0, 0, 64, 48), corners)
np.save(os.path.join(HERE, 'cube-win-64x48.npy'), win)

# --stage: every stage of every point, on a perspective camera whose
# points are partly behind the eye and on the frustum camera: object is
# the input with w; eye and clip are GLM's MV and P applied in turn;
# ndc is clip / w (NaN where w <= 0); window is gluProject's
for cam, vp, spread in [('persp', (0, 0, 640, 480), 12),
                        ('frustum', (10, 20, 300, 200), 2)]:
    mv, p = cam_mats(cam)
    pts = rng.uniform(-spread, spread, (120, 3))
    obj = np.column_stack([pts, np.ones(len(pts))])
    eye = obj @ mv.T
    clip = eye @ p.T
    ndc = clip[:, :3] / clip[:, 3:]
    ndc[clip[:, 3] <= 0] = np.nan
    win, _ = project(mv, p, vp, pts)
    args = cam_args(cam) + ' ' + opt('viewport', vp) + ' --stage '
    for st, want in [('object', obj), ('eye', eye), ('clip', clip),
                     ('ndc', ndc), ('window', win)]:
        name = f'{cam}-stage-{st}'
        case(name, pts if st == 'object' else np.empty(0), want, args + st)
        lines[-1] = lines[-1].replace(f'|{name}.in.npy|',
                                      f'|{cam}-stage-object.in.npy|')
        if st != 'object':
            os.remove(os.path.join(HERE, name + '.in.npy'))

with open(os.path.join(HERE, 'cases.txt'), 'w') as f:
    f.write('# written by make-golden.py: name|dtype|input|expected|arguments\n')
    f.write('# ($GOLD is this directory)\n')
    for line in lines:
        f.write(line + '\n')
print(f'{len(lines)} cases')
