"""exact.py - tblur's zero and nearest boundaries by their definitions in
tblur(1), untruncated, for every kernel, order and sigma: the reference
of test/tblur_exact.bats and make-exact.py (imported by both).

Along one axis of N samples, with the kernel's taps h_k (h_-k = (-1)^n
h_k for derivative order n):
  zero:    y_i = sum_j x_j h_(i-j)  (a linear convolution, |i-j| <= N-1)
  nearest: the zero result plus x_0 T(i) + (-1)^n x_(N-1) T(N-1-i),
           T(i) = sum_(m>i) h_m
The taps:
  sampled: scipy.ndimage.gaussian_filter1d's weights without truncation,
    q_n(k) exp(-k^2 / (2 s^2)) / sum_m exp(-m^2 / (2 s^2)), summed out to
    40 s where the terms underflow; T by summing the taps from there down.
  discrete, order 0: scipy.special.ive(k, s^2), out to 40 s + 60.
  analytic, and the discrete derivatives: band-limited, with
    F(theta) = theta^n H(theta), h_k = (i^n / pi) int_0^pi F cos(k theta)
    (n even) or (i^(n+1) / pi) int_0^pi F sin(k theta) (n odd), by
    QUADPACK's oscillatory rule over [0, min(pi, 50 / s)] (F underflows
    beyond); T from H(0) (even n) or from
    T(a - 1) = (i^(n+1) / 2 pi) int_0^pi F / sin(theta / 2)
    cos((a - 1/2) theta) (odd n).  From sigma 3 on, the analytic kernel's
    taps are the sampled ones (they differ by exp(-pi^2 s^2 / 2)).
"""
import warnings
import numpy as np
from scipy.integrate import IntegrationWarning, quad
from scipy.signal import fftconvolve
from scipy.special import ive


def qpoly(s, n):
    """q_n: d^n/dx^n exp(-x^2 / (2 s^2)) = q_n(x) exp(-x^2 / (2 s^2))."""
    q = np.zeros(n + 1)
    q[0] = 1
    for _ in range(n):	# q <- q' - x q / s^2
        q = np.append(q[1:] * np.arange(1, len(q)), 0) - \
            np.concatenate([[0], q[:-1]]) / (s * s)
    return q


def long_taps(kernel, s, n, m):
    """h_0..h_L, L >= m, far enough that the rest underflows."""
    L = max(m, int(np.ceil(40 * s)) + 60)
    k = np.arange(L + 1, dtype=float)
    if kernel == 'discrete':
        return ive(k, s * s)
    g = np.exp(-0.5 * (k / s) ** 2)
    return np.polynomial.polynomial.polyval(k, qpoly(s, n)) * g / \
        (g[0] + 2 * g[1:].sum())


def qosc(f, w, kind, top):
    # QUADPACK warns of roundoff where a tap is near 0
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', IntegrationWarning)
        v, _ = quad(f, 0, top, weight=kind, wvar=w, epsabs=1e-15,
                    epsrel=1e-13, limit=1000)
    return v


def band_taps(kernel, s, n, m):
    """h_0..h_m and T(0..m) of a band-limited kernel."""
    if kernel == 'analytic':
        def F(th):
            return th ** n * np.exp(-0.5 * (s * th) ** 2)
    else:
        def F(th):
            return th ** n * np.exp(-2 * (s * np.sin(th / 2)) ** 2)
    top = min(np.pi, 50 / s)
    ipow = (1j) ** (n + n % 2)
    h = np.array([ipow.real / np.pi * qosc(F, k, 'sin' if n % 2 else 'cos',
                                           top) for k in range(m + 1)])
    if n % 2 == 0:
        T = (float(n == 0) - h[0]) / 2 - np.cumsum(h[1:])
        T = np.concatenate([[(float(n == 0) - h[0]) / 2], T])[:m + 1]
    else:
        def G(th):	# F / sin(theta / 2), 2 theta^(n-1) at 0
            return F(th) / np.sin(th / 2) if th > 0 else float(n == 1) * 2
        T = np.array([ipow.real / (2 * np.pi) * qosc(G, a - 0.5, 'cos', top)
                      for a in range(1, m + 2)])
    return h, T


def taps(kernel, s, n, m):
    """h_0..h_m and T(0..m), T(i) = sum_(k>i) h_k."""
    if kernel == 'sampled' or (kernel == 'discrete' and n == 0) or \
            (kernel == 'analytic' and s >= 3):
        h = long_taps('sampled' if kernel == 'analytic' else kernel, s, n, m)
        rc = np.cumsum(h[::-1])[::-1]	# rc[k] = sum_(j>=k) h_j
        return h[:m + 1], np.append(rc[1:], 0)[:m + 1]
    return band_taps(kernel, s, n, m)


def line(x, h, T, n, boundary):
    N = len(x)
    full = np.concatenate([(-1) ** n * h[N - 1:0:-1], h[:N]])
    conv = fftconvolve if N > 64 else np.convolve
    y = conv(x, full)[N - 1:2 * N - 1]
    if boundary == 'nearest':
        i = np.arange(N)
        y = y + x[0] * T[i] + x[N - 1] * (-1) ** n * T[N - 1 - i]
    return y


def blur(x, kernel, s, n, boundary):
    """x blurred along every axis, sigma s and order n on each."""
    h, T = taps(kernel, s, n, max(x.shape))
    y = np.asarray(x, dtype=float)
    for ax in range(y.ndim):
        y = np.apply_along_axis(line, ax, y, h, T, n, boundary)
    return y


def l1(kernel, s, n, m):
    """The sum of |h_k| over |k| <= m: the size of the terms summed."""
    h, _ = taps(kernel, s, n, m)
    return np.abs(h[0]) + 2 * np.abs(h[1:]).sum()
