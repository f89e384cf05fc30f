#!/usr/bin/python3
"""make-golden.py - golden outputs for test/tblur.bats, from
scipy.ndimage.gaussian_filter(x, sigma, mode=m, truncate=20) computed in
float64 (tblur's zero boundary is mode='constant').

    /usr/bin/python3 test/data/tblur/make-golden.py

Deterministic: it rewrites the same bytes.  Writes, beside itself:
  in-f64.npy, in-f32.npy     a stream of three records, shapes (37,),
                             (13, 17) and (5, 6, 7), standard normal
                             (the f32 file is the f64 one rounded)
  BOUNDARY-sSIGMA-DT.npy     the blurred stream, for every boundary,
                             sigma in 0.5, 1, 2.5, 10 (10 is wider than
                             every axis) and DT in f64, f32
  aniso.npy                  gaussian_filter of record 3 of in-f64.npy
                             with sigma (2, 0, 1.5), reflect and nearest
                             (a stream of two records)
  rgb.npy, rgb-s1.5.npy      a 16x20x3 uint8 image and
                             round(gaussian_filter(x, (1.5, 1.5, 0))),
                             reflect, saturated to 0..255
  cases.txt                  one line per stream case:
                             name|dtype|input|expected|tblur arguments
  d-BOUNDARY-sSIGMA-oORDER.npy  gaussian_filter(x, sigma, order=ORDER)
                             of in-f64.npy, sigma 0.7 and 2.5, order 1
                             and 2 on every axis
  d-BOUNDARY-s1.5-o2,1.npy   of the (13, 17) record (in2.npy) with
                             order (2, 1), reflect and wrap
  deriv.txt                  the derivative cases, as cases.txt
"""
import os
import numpy as np
from scipy.ndimage import gaussian_filter

here = os.path.dirname(os.path.abspath(__file__))
MODES = {'reflect': 'reflect', 'mirror': 'mirror', 'nearest': 'nearest',
         'wrap': 'wrap', 'zero': 'constant'}
SIGMAS = ['0.5', '1', '2.5', '10']


def save_stream(name, arrays):
    with open(os.path.join(here, name), 'wb') as f:
        for a in arrays:
            np.save(f, a)


def blur(x, s, mode):
    return gaussian_filter(x.astype(np.float64), s, mode=mode, truncate=20)


rng = np.random.default_rng(20261127)
recs = [rng.standard_normal(s) for s in [(37,), (13, 17), (5, 6, 7)]]
save_stream('in-f64.npy', recs)
save_stream('in-f32.npy', [r.astype(np.float32) for r in recs])
cases = []
for b, mode in MODES.items():
    for s in SIGMAS:
        for dt, npdt in [('f64', np.float64), ('f32', np.float32)]:
            src = [r.astype(npdt) for r in recs]
            name = f'{b}-s{s}-{dt}'
            save_stream(name + '.npy',
                        [blur(r, float(s), mode).astype(npdt) for r in src])
            cases.append(f'{name}|{dt}|in-{dt}.npy|{name}.npy|'
                         f'-s {s} --boundary {b}')

x3 = recs[2]
save_stream('aniso.npy', [blur(x3, (2, 0, 1.5), 'reflect'),
                          blur(x3, (2, 0, 1.5), 'nearest')])

img = rng.integers(0, 256, (16, 20, 3)).astype(np.uint8)
img[4:9, 6:12] = 255		# a saturated block, to test saturation
save_stream('rgb.npy', [img])
ref = np.clip(np.round(blur(img, (1.5, 1.5, 0), 'reflect')), 0, 255)
save_stream('rgb-s1.5.npy', [ref.astype(np.uint8)])

dcases = []
for b, mode in MODES.items():
    for s in ['0.7', '2.5']:
        for o in [1, 2]:
            name = f'd-{b}-s{s}-o{o}'
            save_stream(name + '.npy', [gaussian_filter(
                r, float(s), order=o, mode=mode, truncate=20) for r in recs])
            dcases.append(f'{name}|f64|in-f64.npy|{name}.npy|'
                          f'-s {s} --order {o} --boundary {b}')
save_stream('in2.npy', [recs[1]])
for b in ['reflect', 'wrap']:
    name = f'd-{b}-s1.5-o2,1'
    save_stream(name + '.npy', [gaussian_filter(
        recs[1], 1.5, order=(2, 1), mode=MODES[b], truncate=20)])
    dcases.append(f'{name}|f64|in2.npy|{name}.npy|'
                  f'-s 1.5 --order 2,1 --boundary {b}')
with open(os.path.join(here, 'deriv.txt'), 'w') as f:
    f.write('# name|dtype|input|expected|tblur arguments (make-golden.py)\n')
    f.write('\n'.join(dcases) + '\n')

with open(os.path.join(here, 'cases.txt'), 'w') as f:
    f.write('# name|dtype|input|expected|tblur arguments (make-golden.py)\n')
    f.write('\n'.join(cases) + '\n')
