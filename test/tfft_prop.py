#!/usr/bin/python3
"""tfft_prop.py SEED COUNT [big]: random property test of tfft against
numpy.fft and scipy.fft.  Each case draws a shape (lengths 1, 2, primes,
even and odd; with big, lengths up to 257 and 20,000 to 400,000 points, so
that the passes tfft runs on several threads get several items each,
and a -j of 1 to 3), a dtype (float32, float64, complex64, complex128, int32,
uint8), a transform (fftn ... idstn, the n-less names too), a DCT/DST
type, axes (a subset in any order, --last k, or the default), -s lengths
(padding or cropping), a norm, and sometimes windows, --shift, --ishift
and an --out view; runs tfft on it and computes the same with numpy and
scipy in float64 from the same input (as tfft reads it).  The result
must have the dtype tfft promises (the record's precision) and the
shape numpy gives, and agree to d = 1e-12 (float64) or 1e-5 (float32)
of max |reference spectrum| (or of 1, if smaller); a view v(X) of the
spectrum X to what an error d in X can make of it at each point: d for
real, imag, abs; (2|X| + d) d for power; that over (1 + (|X| - d)^2)
ln 10 for logpower; for phase, d/|X| radians times 2 where |X| > 2d
(an angle of a smaller X says nothing).  Prints each disagreement and
a summary line; exit 1 on any.  TPIPE_TEST_SPARSE=N (test/sparse.py)
draws COUNT/N cases, the first of the same sequence."""
import io
import os
import subprocess
import sys

import numpy as np
import scipy.fft as sf
import scipy.signal as ss

from sparse import share

LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16]
BIG_LENGTHS = [1, 2, 3, 31, 64, 97, 100, 128, 257]
BIG_POINTS = 400000
FNS = ['fftn', 'ifftn', 'rfftn', 'irfftn', 'dctn', 'idctn', 'dstn', 'idstn']
VIEWS = ['complex', 'real', 'imag', 'abs', 'power', 'logpower', 'phase']


def window(spec, n):
    """scipy.signal.get_window for one of tfft's window words."""
    name, _, p = spec.partition(':')
    if name == 'tukey':
        return ss.get_window(('tukey', float(p or 0.5)), n, fftbins=True)
    if name == 'kaiser':
        return ss.get_window(('kaiser', float(p)), n, fftbins=True)
    return ss.get_window(name, n, fftbins=True)


def view_of(z, view):
    """What tfft --out view writes of the spectrum z (None: z)."""
    if view is None:
        return z
    if view == 'complex':
        return z.astype(np.complex128)
    if view == 'real':
        return z.real
    if view == 'imag':
        return np.zeros(z.shape) if z.dtype.kind != 'c' else z.imag
    if view == 'abs':
        return np.abs(z)
    if view == 'power':
        return np.abs(z) ** 2
    if view == 'logpower':
        return np.log10(1 + np.abs(z) ** 2)
    return np.angle(z)


def bound(spec, view, d):
    """The most an error d in the spectrum can change each point of the
    view (an array, or a number for all)."""
    a = np.abs(spec)
    if view == 'power':
        return (2 * a + d) * d
    if view == 'logpower':
        return (2 * a + d) * d / ((1 + np.maximum(a - d, 0) ** 2) *
                                  np.log(10))
    if view == 'phase':
        return np.where(a > 2 * d, 2 * d / np.maximum(a, 2 * d), np.inf)
    return d


def draw(rng, big):
    """One random case: (args, x, reference function of x)."""
    nd = int(rng.integers(1, 4))
    shape = tuple(int(rng.choice(BIG_LENGTHS if big else LENGTHS))
                  for _ in range(nd))
    if big and not BIG_POINTS / 20 <= np.prod(shape) <= BIG_POINTS:
        return None
    fn = str(rng.choice(FNS))
    short = rng.random() < 0.25          # fft instead of fftn: last axis
    dtypes = ['float32', 'float64', 'int32', 'uint8']
    if fn != 'rfftn':
        dtypes += ['complex64', 'complex128']
    dt = str(rng.choice(dtypes))
    if dt.startswith('complex'):
        x = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    elif dt.startswith('float'):
        x = rng.standard_normal(shape)
    else:
        x = rng.integers(0, 200, shape)
    x = x.astype(dt)
    single = dt in ('float32', 'complex64')
    args = ['--transform', fn[:-1] if short else fn]
    if big:
        args += ['-j', str(rng.integers(1, 4))]
    typ = int(rng.integers(1, 5)) if fn[-4:-1] in ('dct', 'dst') else None
    if typ is not None:
        args += ['--type', str(typ)]
    # axes
    how = rng.choice(['default', 'list', 'last']) if not short else \
        rng.choice(['default', 'list'])
    if how == 'list':
        k = int(rng.integers(1, nd + 1))
        axes = [int(a) for a in rng.permutation(nd)[:k]]
        if fn in ('rfftn', 'irfftn'):    # tfft: the halved axis is highest
            axes.sort()
        spell = [a - nd if rng.random() < 0.3 else a for a in axes]
        args += ['--axes', ','.join(map(str, spell))]
    elif how == 'last':
        k = int(rng.integers(1, nd + 1))
        axes = list(range(nd - k, nd))
        args += ['--last', str(k)]
    else:
        axes = [nd - 1] if short else list(range(nd))
    s = None
    if rng.random() < 0.3 or (fn == 'irfftn' and x.shape[axes[-1]] < 2):
        s = [int(rng.choice(BIG_LENGTHS if big else LENGTHS)) for _ in axes]
        if how == 'default' and not short:
            axes = list(range(nd - len(s), nd))
        args += ['-s', ','.join(map(str, s))]
        padded = list(shape)
        for a, n in zip(axes, s):
            padded[a] = n
        if big and np.prod(padded) > BIG_POINTS:
            return None
    lens = s if s is not None else [x.shape[a] for a in axes]
    if fn == 'irfftn' and s is None:
        lens = lens[:-1] + [2 * (lens[-1] - 1)]
    if typ == 1 and fn[-4:-1] == 'dct' and min(lens) < 2:
        return None                      # refused: tested elsewhere
    norm = str(rng.choice(['backward', 'ortho', 'forward']))
    if rng.random() < 0.7:
        args += ['--norm', norm]
    else:
        norm = 'backward'
    wins = None
    if rng.random() < 0.25:
        words = ['hann', 'hamming', 'blackman', 'tukey', 'tukey:0.3',
                 'tukey:1.5', 'kaiser:6', 'kaiser:0.5']
        if rng.random() < 0.5:
            wins = [str(rng.choice(words))] * len(axes)
            args += ['--window', wins[0]]
        else:
            wins = [str(rng.choice(words)) for _ in axes]
            args += ['--window', ','.join(wins)]
    shift = rng.random() < 0.2
    ishift = rng.random() < 0.2
    if shift:
        args += ['--shift']
    if ishift:
        args += ['--ishift']
    view = None
    if rng.random() < 0.25:
        view = str(rng.choice(VIEWS))
        args += ['--out', view]

    def ref(x):
        y = x.astype(np.complex128 if x.dtype.kind == 'c' else np.float64)
        if wins is not None:
            for w, a in zip(wins, axes):
                sh = [1] * y.ndim
                sh[a] = y.shape[a]
                y = y * window(w, y.shape[a]).reshape(sh)
        halved = axes[-1] if fn in ('rfftn', 'irfftn') else None
        sax = [a for a in axes if a != halved]
        if ishift and sax:
            y = np.fft.ifftshift(y, axes=sax)
        kw = dict(s=s, axes=axes, norm=norm)
        if fn == 'fftn':
            z = np.fft.fftn(y, **kw)
        elif fn == 'ifftn':
            z = np.fft.ifftn(y, **kw)
        elif fn == 'rfftn':
            z = np.fft.rfftn(y, **kw)
        elif fn == 'irfftn':
            z = np.fft.irfftn(y, **kw)
        else:
            f = getattr(sf, fn)
            z = f(y, type=typ, **kw)
        if shift and sax:
            z = np.fft.fftshift(z, axes=sax)
        return z, view_of(z, view)

    cplx_out = fn in ('fftn', 'ifftn', 'rfftn') or (
        fn not in ('irfftn',) and x.dtype.kind == 'c' and fn[-4:-1] in
        ('dct', 'dst'))
    if view == 'complex':
        cplx_out = True
    elif view is not None:
        cplx_out = False
    want = (('complex64' if single else 'complex128') if cplx_out else
            ('float32' if single else 'float64'))
    return args, x, ref, want, single, view


def main():
    seed, count = int(sys.argv[1]), share(int(sys.argv[2]))
    big = sys.argv[3:] == ['big']
    rng = np.random.default_rng(seed)
    bad, done = [], 0
    while done < count:
        case = draw(rng, big)
        if case is None:
            continue
        args, x, ref, want, single, view = case
        done += 1
        buf = io.BytesIO()
        np.save(buf, x)
        p = subprocess.run(['tfft'] + args, input=buf.getvalue(),
                           capture_output=True)
        what = f"tfft {' '.join(args)} on {x.dtype} {x.shape}"
        err = p.stderr.decode()
        if p.returncode != 0:
            bad.append(f'{what}: exit {p.returncode}: {err.strip()}')
            continue
        if x.dtype.kind not in 'iu' and err:
            bad.append(f'{what}: wrote to stderr: {err.strip()}')
        got = np.load(io.BytesIO(p.stdout))
        # the reference from the input as tfft computes it (f32 data)
        spec, z = ref(x)
        if str(got.dtype) != want:
            bad.append(f'{what}: dtype {got.dtype}, expected {want}')
            continue
        if got.shape != z.shape:
            bad.append(f'{what}: shape {got.shape}, numpy {z.shape}')
            continue
        tol = 1e-5 if single else 1e-12
        scale = max(float(np.max(np.abs(spec))) if z.size else 0.0, 1.0)
        diff = np.abs(got.astype(np.complex128) - z)
        if view == 'phase':
            # an angle near +-pi may come out on the other side
            diff = np.minimum(diff, np.abs(diff - 2 * np.pi))
        lim = np.broadcast_to(bound(spec, view, tol * scale), diff.shape)
        if z.size and not (diff <= lim).all():
            k = np.unravel_index(np.argmax(diff - lim), diff.shape)
            bad.append(f'{what}: error {float(diff[k]):.3g} at {k} '
                       f'(got {got[k]!r}, numpy {z[k]!r}, spectrum '
                       f'{spec[k]!r}) > {float(lim[k]):.3g} ({tol} * '
                       f'{scale:.3g} in the spectrum)')
    for b in bad:
        print(b)
    print(f'{done - len(bad)} of {done} random cases agree with numpy.fft '
          f'and scipy.fft (seed {seed})')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
