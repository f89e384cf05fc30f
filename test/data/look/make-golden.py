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

# tinfo --show of a 4x4 tensor (0..15, a NaN at (1, 2)), of a 4x8 one
# scaled down to 4 columns (its scale bar cut to them) and of a 12x6 one
# scaled down to 2 lines: the expected bytes, in colour (--color always:
# U+2580 with the upper pixel as foreground, the lower as background) and
# plain (a ramp character for the mean of the two), with viridis and
# matplotlib's Normalize over the finite values.
RAMP = ' .:-=+*#%@'


def stats_line(a):
    f = a[~np.isnan(a)]
    shape = '(' + ','.join(str(n) for n in a.shape) + ')'
    return ('0 shape=%s dtype=float64 bytes=%d min=%.6g max=%.6g mean=%.6g '
            'std=%.6g nan=%d inf=0\n' % (shape, a.nbytes, f.min(), f.max(),
                                          f.mean(), f.std(),
                                          np.isnan(a).sum()))


def boxes(t, h, w):
    """The mean of each box, NaN left out, summed in row-major order."""
    H, W = t.shape
    out = np.empty((h, w))
    for y in range(h):
        for x in range(w):
            s, n = 0.0, 0
            for yy in range(y * H // h, (y + 1) * H // h):
                for xx in range(x * W // w, (x + 1) * W // w):
                    if not np.isnan(t[yy, xx]):
                        s += t[yy, xx]
                        n += 1
            out[y, x] = s / n if n else np.nan
    return out


def clipped(s, cols, color):
    """The line s cut after cols characters (escapes take none), and a
    cut line in colour ending its colours."""
    out, shown, i = '', 0, 0
    while i < len(s):
        if s[i] == '\033':
            j = s.index('m', i) + 1
            out, i = out + s[i:j], j
            continue
        if shown == cols:
            return out + ('\033[0m' if color else '') + '\n'
        out, shown, i = out + s[i], shown + 1, i + 1
    return out + '\n'


def show(a, cols, lines, name):
    """The picture of a in at most cols columns and lines lines."""
    cm = matplotlib.colormaps['viridis']
    f = a[~np.isnan(a)]
    lo, hi = f.min(), f.max()
    t = colors.Normalize(lo, hi)(a).filled(np.nan)
    H, W = a.shape
    rows = 2 * lines
    if W > cols and cols * H <= rows * W:       # the width binds
        h, w = (H * cols + W // 2) // W, cols
    elif H > rows:                              # the height binds
        h, w = rows, (W * rows + H // 2) // H
    else:
        h, w = H, W
    h, w = max(h, 1), max(w, 1)
    c = boxes(t, h, w)

    def rgb(v):
        if np.isnan(v):
            return (255, 0, 255)
        return tuple(int(k) for k in cm(v, bytes=True)[:3])

    color, plain = stats_line(a), stats_line(a)
    for y in range(0, h, 2):
        for x in range(w):
            color += '\033[38;2;%d;%d;%dm' % rgb(c[y, x])
            color += ('\033[48;2;%d;%d;%dm' % rgb(c[y + 1, x])
                      if y + 1 < h else '\033[49m')
            color += '\u2580'
            v = [c[y, x]] + ([c[y + 1, x]] if y + 1 < h else [])
            v = [u for u in v if not np.isnan(u)]
            m = np.nan if not v else v[0] if len(v) == 1 else (v[0] + v[1]) / 2
            plain += '?' if np.isnan(m) else RAMP[min(9, max(0, int(m * 10)))]
        color += '\033[0m\n'
        plain += '\n'
    # the scale bar: in colour 32 cells, or as many as leave room for the
    # values and the name (at least 1); cut to the columns
    ends = ('%.6g' % lo, '%.6g viridis' % hi)
    fixed = len(ends[0]) + len(ends[1]) + 2
    cells = 32 if cols >= fixed + 32 else cols - fixed if cols > fixed else 1
    bar = ends[0] + ' '
    for k in range(cells):
        bar += '\033[48;2;%d;%d;%dm ' % rgb((k + 0.5) / cells)
    color += clipped(bar + '\033[0m ' + ends[1], cols, True)
    plain += clipped('%s [ .:-=+*#%%@] %s' % ends, cols, False)
    np.save('show-%s.npy' % name, a)
    open('show-%s.ans' % name, 'w', encoding='utf-8').write(color)
    open('show-%s.txt' % name, 'w', encoding='utf-8').write(plain)


a = np.arange(16.0).reshape(4, 4)
a[1, 2] = np.nan
show(a, 80, 22, '4x4')
show(np.linspace(-3, 5, 32).reshape(4, 8) ** 2, 4, 22, '4x8-w4')
# taller than 2 lines (4 pixel rows): 3 rows to a box, and the width in
# the same proportion
show(np.cos(np.arange(72.0).reshape(12, 6) / 7), 80, 2, '12x6-h2')
