#!/usr/bin/python3
"""make-exact.py - golden outputs for test/tblur_exact.bats: tblur's zero
and nearest boundaries, untruncated (exact.py, the definitions of
tblur(1)), for every kernel, order 0 to 2 and sigma from 1e-3 to 1e4.

    /usr/bin/python3 test/data/tblur/make-exact.py

Deterministic: it rewrites the same bytes.  Writes, beside itself:
  x-in.npy         records (1,), (7,) and (2, 19), standard normal
  x-KERNEL-BOUNDARY-sSIGMA-oORDER.npy  x-in.npy blurred (exact.blur)
  exact.txt        those cases: name|dtype|input|expected|tblur arguments
The sampled kernel's results are checked against
scipy.ndimage.gaussian_filter itself (truncate large enough to cover the
axis) wherever its weights are not all below DBL_EPSILON.
"""
import os
import sys
import numpy as np
from scipy.ndimage import gaussian_filter

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import exact  # noqa: E402

MODES = {'zero': 'constant', 'nearest': 'nearest'}
SIGMAS = ['0.001', '0.6', '66.8', '10000']

rng = np.random.default_rng(20261207)
recs = [rng.standard_normal(s) for s in [(1,), (7,), (2, 19)]]
with open(os.path.join(here, 'x-in.npy'), 'wb') as f:
    for r in recs:
        np.save(f, r)
cases = []
for kernel in ['sampled', 'analytic', 'discrete']:
    for b in ['zero', 'nearest']:
        for s in SIGMAS:
            for o in [0, 1, 2]:
                name = f'x-{kernel}-{b}-s{s}-o{o}'
                out = [exact.blur(r, kernel, float(s), o, b) for r in recs]
                if kernel == 'sampled' and float(s) < 1000 and \
                        (o == 0 or float(s) > 0.1):
                    for r, y in zip(recs, out):
                        e = gaussian_filter(r, float(s), order=o,
                                            mode=MODES[b],
                                            truncate=max(40, 20 / float(s)))
                        sc = exact.l1(kernel, float(s), o, 19) ** r.ndim
                        assert np.abs(y - e).max() <= \
                            1e-13 * np.abs(r).max() * sc, name
                with open(os.path.join(here, name + '.npy'), 'wb') as f:
                    for y in out:
                        np.save(f, y)
                cases.append(f'{name}|f64|x-in.npy|{name}.npy|-s {s} '
                             f'--kernel {kernel} --order {o} --boundary {b}')
with open(os.path.join(here, 'exact.txt'), 'w') as f:
    f.write('# name|dtype|input|expected|tblur arguments (make-exact.py)\n')
    f.write('\n'.join(cases) + '\n')
