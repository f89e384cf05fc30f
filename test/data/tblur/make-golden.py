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
  edge-in.npy                records (1,), (2,), (11,), (64,), (1, 11) and
                             (11, 13), standard normal
  e-KERNEL-BOUNDARY-sSIGMA-oORDER.npy  edge-in.npy blurred exactly under
                             zero and nearest, every kernel, sigma 0.1 to 6,
                             order 0 to 2 on every axis (edge_blur)
  edges.txt                  those cases, as cases.txt
"""
import os
import warnings
import numpy as np
from scipy.integrate import IntegrationWarning, quad
from scipy.ndimage import gaussian_filter
from scipy.special import ive

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


# --- zero and nearest, exactly, for every kernel ------------------------
#
# Every kernel by its definition in tblur(1), along each axis in turn:
#   sampled: gaussian_filter's taps (truncate=20), h_k = q_n(k) g_k, and
#   the result checked against gaussian_filter itself, except where all
#   its weights are below DBL_EPSILON (order 1 at sigma 0.1): there
#   ndimage's test for symmetric weights, |w_k - w_-k| <= DBL_EPSILON,
#   takes the odd kernel for an even one;
#   discrete, order 0: taps h_k = ive(k, s^2) = e^-t I_k(t);
#   analytic, and the discrete kernel's derivatives: band-limited, with
#   response (2 pi i f)^n H(f) on |f| <= 1/2, so with theta = 2 pi f and
#   F(theta) = theta^n H, h_k = (i^n / pi) int_0^pi F cos(k theta) (n
#   even) or (i^(n+1) / pi) int_0^pi F sin(k theta) (n odd), by QUADPACK's
#   oscillatory rule.
# Zero: y_i = sum_j x_j h_(i-j), h_-k = (-1)^n h_k.  Nearest adds
# x_0 S(i+1) + x_(N-1) (-1)^n S(N-i), S(a) = sum_(k>=a) h_k: for even n
# (H(0) - h_0) / 2 - h_1 - ... - h_(a-1); for odd n, from
# sum_(k>=a) e^(ik theta) = e^(ia theta) / (1 - e^(i theta)),
# S(a) = (i^(n+1) / 2 pi) int_0^pi F / sin(theta / 2) cos((a - 1/2) theta).

EDGE_SIGMAS = ['0.1', '0.3', '0.7', '1', '2.5', '6']


def band_F(kernel, s, n):
    if kernel == 'analytic':
        return lambda th: th ** n * np.exp(-0.5 * (s * th) ** 2)
    return lambda th: th ** n * np.exp(-2 * (s * np.sin(th / 2)) ** 2)


def qosc(f, w, kind):
    # QUADPACK warns of roundoff where a tap is near 0 and its relative
    # tolerance cannot be met; the taps agree with mpmath to 1e-16 and
    # S(a + 1) = S(a) - h_a holds to 3e-16 (checked once)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', IntegrationWarning)
        v, _ = quad(f, 0, np.pi, weight=kind, wvar=w, epsabs=1e-14,
                    epsrel=1e-13, limit=500)
    return v


def sampled_taps(s, n):
    """gaussian_filter1d's weights for sigma s, order n, truncate 20, as
    h_0..h_r of the convolution kernel (h_-k = (-1)^n h_k)."""
    r = int(20 * s + 0.5)
    x = np.arange(r + 1)
    g = np.exp(-0.5 * (x / s) ** 2)
    g /= g[0] + 2 * g[1:].sum()
    q = np.zeros(n + 1)
    q[0] = 1
    for _ in range(n):	# q <- q' - x q / s^2
        q = np.append(q[1:] * np.arange(1, len(q)), 0) - \
            np.concatenate([[0], q[:-1]]) / (s * s)
    return np.polynomial.polynomial.polyval(x, q) * g


def edge_taps(kernel, s, n, m):
    """h_0..h_m and S(1..m+1)."""
    if kernel == 'sampled' or (kernel == 'discrete' and n == 0):
        h = sampled_taps(s, n) if kernel == 'sampled' else \
            ive(np.arange(m + 400), s * s)
        h = np.concatenate([h, np.zeros(max(0, m + 2 - len(h)))])
        S = np.array([h[a:].sum() for a in range(1, m + 2)])
        return h[:m + 1], S
    F = band_F(kernel, s, n)
    ipow = (1j) ** (n + n % 2)
    h = np.array([ipow.real / np.pi * qosc(F, k, 'sin' if n % 2 else 'cos')
                  for k in range(m + 1)])
    if n % 2 == 0:
        S = (float(n == 0) - h[0]) / 2 - np.concatenate([[0], np.cumsum(h[1:])])
    else:
        def G(th):	# F / sin(theta / 2), 2 theta^(n-1) at 0
            return F(th) / np.sin(th / 2) if th > 0 else float(n == 1) * 2
        S = np.array([ipow.real / (2 * np.pi) * qosc(G, a - 0.5, 'cos')
                      for a in range(1, m + 2)])
    return h, S


def edge_line(x, h, S, n, boundary):
    N = len(x)
    y = np.zeros(N)
    for i in range(N):
        for j in range(N):
            k = i - j
            y[i] += x[j] * (h[k] if k >= 0 else (-1) ** n * h[-k])
        if boundary == 'nearest':
            y[i] += x[0] * S[i] + x[N - 1] * (-1) ** n * S[N - 1 - i]
    return y


def edge_blur(x, kernel, s, n, boundary):
    h, S = edge_taps(kernel, s, n, max(x.shape))
    y = x
    for ax in range(x.ndim):
        y = np.apply_along_axis(edge_line, ax, y, h, S, n, boundary)
    if kernel == 'sampled' and np.abs(sampled_taps(s, n)).max() > 1e-15:
        e = gaussian_filter(x, s, order=n, mode=MODES[boundary], truncate=20)
        l1 = np.abs(sampled_taps(s, n)).sum() * 2
        assert np.abs(y - e).max() <= 1e-13 * np.abs(x).max() * l1 ** x.ndim
    return y


erng = np.random.default_rng(20261128)
erecs = [erng.standard_normal(sh) for sh in
         [(1,), (2,), (11,), (64,), (1, 11), (11, 13)]]
save_stream('edge-in.npy', erecs)
ecases = []
for kernel in ['sampled', 'analytic', 'discrete']:
    for b in ['zero', 'nearest']:
        for s in EDGE_SIGMAS:
            for o in [0, 1, 2]:
                name = f'e-{kernel}-{b}-s{s}-o{o}'
                save_stream(name + '.npy', [edge_blur(r, kernel, float(s), o, b)
                                            for r in erecs])
                ecases.append(f'{name}|f64|edge-in.npy|{name}.npy|-s {s} '
                              f'--kernel {kernel} --order {o} --boundary {b}')
with open(os.path.join(here, 'edges.txt'), 'w') as f:
    f.write('# name|dtype|input|expected|tblur arguments (make-golden.py)\n')
    f.write('\n'.join(ecases) + '\n')
