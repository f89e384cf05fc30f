#!/usr/bin/python3
# Reference pictures for test/look.bats, computed by matplotlib (Debian's
# python3-matplotlib) and numpy.  Run from this directory:
#   /usr/bin/python3 make-golden.py
# Inputs:
#   ramp.npy      float64 (4, 64): -1.5 .. 2.5 in 256 even steps, with
#                 NaN, +Inf and -Inf in the last row
#   levels.npy    the same ramp without them, (4, 64)
# Outputs (what tcat must write for them):
#   norm8.npy     --normalize:           rint(Normalize(min, max)(x) * 255)
#   norm16.npy    --normalize --depth 16: rint(... * 65535)
#   range8.npy    --range -1,1:          rint(clip(Normalize(-1, 1)(x)) * 255)
#   cmap-NAME.npy --cmap NAME: cm(Normalize(min, max)(x), bytes=True) RGB,
#                 NaN magenta (255, 0, 255); coolwarm with CenteredNorm(0)
#   lut-NAME.npy  the 256 entries of NAME as float64 (N=256)
import numpy as np
import matplotlib
from matplotlib import colors

x = np.linspace(-1.5, 2.5, 256).reshape(4, 64)
np.save('levels.npy', x)
ramp = x.copy()
ramp[3, 10] = np.nan
ramp[3, 20] = np.inf
ramp[3, 30] = -np.inf
np.save('ramp.npy', ramp)

finite = ramp[np.isfinite(ramp)]
lo, hi = finite.min(), finite.max()


def levels(norm, vals, top):
    t = np.clip(norm(vals).filled(np.nan), 0, 1)
    out = np.rint(np.nan_to_num(t, nan=0.0) * top)
    return out.astype(np.uint8 if top == 255 else np.uint16)


np.save('norm8.npy', levels(colors.Normalize(lo, hi), ramp, 255))
np.save('norm16.npy', levels(colors.Normalize(lo, hi), ramp, 65535))
np.save('range8.npy', levels(colors.Normalize(-1, 1), ramp, 255))

for name in ('gray', 'viridis', 'magma', 'coolwarm'):
    cm = matplotlib.colormaps[name]
    assert cm.N == 256
    if name == 'coolwarm':
        norm = colors.CenteredNorm(0)
        norm.autoscale_None(finite)
    else:
        norm = colors.Normalize(lo, hi)
    rgb = cm(norm(ramp), bytes=True)[..., :3].copy()
    rgb[np.isnan(ramp)] = (255, 0, 255)
    np.save('cmap-%s.npy' % name, rgb)
    np.save('lut-%s.npy' % name, cm(np.arange(256))[:, :3].astype(np.float64))
