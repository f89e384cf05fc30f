"""explain.py - tproject --mesh against OpenGL on random meshes, where GL
allows the two to differ, and why each difference is allowed.

OpenGL gets each vertex in clip space in float32 and llvmpipe divides,
maps and snaps in float32, where tproject keeps float64: a vertex a
rounding away from a 1/256-pixel snapping boundary lands on the other
side of it, which moves an edge by 1/256 pixel at most.  So a pixel's
triangle id may differ only where its centre lies within 1/128 pixel of
an edge of the face either drew there (or where the two faces' depths
there tie within the depth error below).  llvmpipe's depth is a float32
plane equation a0 + x dz/dx + y dz/dy about the window's origin, whose
rounding grows with the gradient: on a face seen almost edge-on its
error passes 1e-6, and is within 1e-6 + 4 2^-23 (1 + |dz/dx| W +
|dz/dy| H) everywhere, a few roundings of the plane's largest terms
(measured: up to 1.6 roundings on bench/tproject.sh's grid of steep
faces, 0.9 on the random meshes here); tproject's own depth is the exact
one to 2e-7 (test/raster.bats).

Barycentrics are perspective-correct in llvmpipe as the ratio of two
float32 planes, P_k of q_k = 1/w_k at corner k (0 at the others) and Q
of 1/w, each with the error e(plane) = 4 2^-23 (|a0| + |d/dx| W +
|d/dy| H) as depth's: barycentric k is then within (e(P_k) + b_k e(Q)) / Q of the
exact one (bary_bound), which passes 1e-5 on slivers and faces seen
almost edge-on.

verdict(...) returns (summary line, list of unexplained differences):
ids equal at 99.9% of the pixels at least and every other one explained;
depth within 1e-6 at 99.9% of the pixels both cover with one face, and
within the bound above at every one.
"""
import numpy as np

EPS32 = 2.0 ** -23
ROUNDINGS = 4
EDGE = 1 / 128


def window(W, H, mv, p, pos):
    """The vertices' window coordinates (x, y up, z) in float64."""
    clip = np.column_stack([np.asarray(pos, float),
                            np.ones(len(pos))]) @ (p @ mv).T
    ndc = clip[:, :3] / clip[:, 3:]
    return np.column_stack([(ndc[:, 0] + 1) * W / 2, (ndc[:, 1] + 1) * H / 2,
                            (ndc[:, 2] + 1) / 2])


def planes(w):
    """z at the origin, dz/dx and dz/dy of faces with window corners w
    (n, 3, 3)."""
    d1, d2 = w[:, 1] - w[:, 0], w[:, 2] - w[:, 0]
    area = d1[:, 0] * d2[:, 1] - d2[:, 0] * d1[:, 1]
    dzdx = (d1[:, 2] * d2[:, 1] - d2[:, 2] * d1[:, 1]) / area
    dzdy = (d1[:, 0] * d2[:, 2] - d2[:, 0] * d1[:, 2]) / area
    return w[:, 0, 2] - dzdx * w[:, 0, 0] - dzdy * w[:, 0, 1], dzdx, dzdy


def plane(x, y, v):
    """a0, d/dx, d/dy of the planes through values v at corners (x, y),
    each (n, 3)."""
    d1x, d1y, d1v = (a[:, 1] - a[:, 0] for a in (x, y, v))
    d2x, d2y, d2v = (a[:, 2] - a[:, 0] for a in (x, y, v))
    area = d1x * d2y - d2x * d1y
    gx = (d1v * d2y - d2v * d1y) / area
    gy = (d1x * d2v - d2x * d1v) / area
    return v[:, 0] - gx * x[:, 0] - gy * y[:, 0], gx, gy


def bary_bound(W, H, mv, p, pos, faces, ids, bary):
    """OpenGL's float32 error in the barycentrics bary (H, W, 3) of the
    faces ids (H, W) draws (0 where empty)."""
    out = np.zeros(ids.shape + (3,))
    r, c = np.nonzero(ids >= 0)
    clip = np.column_stack([np.asarray(pos, float),
                            np.ones(len(pos))]) @ (p @ mv).T
    f = faces[ids[r, c]]
    w = window(W, H, mv, p, pos)[f]
    x, y, q = w[..., 0], w[..., 1], 1 / clip[f][..., 3]
    xc, yc = c + 0.5, H - r - 0.5

    def err(v):
        a0, gx, gy = plane(x, y, v)
        return a0 + gx * xc + gy * yc, ROUNDINGS * EPS32 * (
            np.abs(a0) + np.abs(gx) * W + np.abs(gy) * H)
    qv, eq = err(q)
    for k in range(3):
        _, ep = err(np.where(np.arange(3) == k, q, 0))
        out[r, c, k] = (ep + np.abs(bary[r, c, k]) * eq) / np.abs(qv)
    return out


def glbound(W, H, dzdx, dzdy):
    return 1e-6 + ROUNDINGS * EPS32 * (1 + np.abs(dzdx) * W +
                                       np.abs(dzdy) * H)


def edge_distance(w, x, y):
    """The distance in pixels from (x, y) to the nearest edge of the face
    with window corners w (3, 3)."""
    d = []
    for k in range(3):
        p0, p1 = w[k, :2], w[(k + 1) % 3, :2]
        e = p1 - p0
        d.append(abs(e[0] * (y - p0[1]) - e[1] * (x - p0[0])) /
                 np.hypot(*e))
    return min(d)


def verdict(W, H, mv, p, pos, faces, tid, tdep, gid, gdep):
    win = window(W, H, mv, p, pos)
    bad = []
    diff = tid != gid
    nd = int(diff.sum())
    why = {'edge': 0, 'depth tie': 0}
    for r, c in np.argwhere(diff):
        x, y = c + 0.5, H - r - 0.5
        ids = [int(i) for i in (tid[r, c], gid[r, c]) if i >= 0]
        w = [win[faces[i]] for i in ids]
        if min(edge_distance(v, x, y) for v in w) < EDGE:
            why['edge'] += 1
            continue
        if len(ids) == 2:
            z0, gx, gy = planes(np.stack(w))
            z = z0 + gx * x + gy * y
            if abs(z[0] - z[1]) <= glbound(W, H, gx, gy).max():
                why['depth tie'] += 1
                continue
        bad.append(f'pixel ({r}, {c}): tproject draws face {tid[r, c]}, '
                   f'OpenGL {gid[r, c]}, neither on an edge nor a tie')
    if nd > 0.001 * tid.size:
        bad.append(f'{nd} of {tid.size} ids differ, more than 0.1%')
    both = np.argwhere(~diff & (gid >= 0))
    _, gx, gy = planes(win[faces[gid[both[:, 0], both[:, 1]]]])
    e = np.abs(tdep[both[:, 0], both[:, 1]].astype(float) -
               gdep[both[:, 0], both[:, 1]])
    over = int((e > 1e-6).sum())
    if over > 0.001 * len(e):
        bad.append(f'depth beyond 1e-6 at {over} of {len(e)} pixels')
    k = e > glbound(W, H, gx, gy)
    if k.any():
        r, c = both[np.argmax(k)]
        bad.append(f'depth off by {e[k].max():.3g} at pixel ({r}, {c}), '
                   f'beyond GL\'s float32 plane error')
    line = (f'{nd} of {tid.size} ids differ ({why["edge"]} by an edge, '
            f'{why["depth tie"]} by a depth tie); depth beyond 1e-6 at '
            f'{over} of {len(e)} pixels (largest {e.max():.3g})')
    return line, bad
