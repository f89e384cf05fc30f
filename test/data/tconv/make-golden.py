#!/usr/bin/python3
"""make-golden.py: write the golden inputs and outputs for test/tconv.bats.

Run from anywhere with Debian's python (numpy, scipy):
    /usr/bin/python3 test/data/tconv/make-golden.py
It rewrites the .npy files next to itself and cases.txt, the
manifest the bats test loops over.  Everything is deterministic (one seed
per case) and the files stay small (well under 1 MB in all).

Each expected output comes from SciPy, as the contract (DESIGN.md section 4)
states it:
  zero boundary     scipy.signal.convolve / correlate (method='direct') in
                    float64 or complex128; corr on some axes only is
                    scipy.signal.convolve with the kernel reversed on those
                    axes (the contract's definition of per-axis corr; a
                    complex kernel is conjugated only when every axis is
                    corr, as lib/conv.h states).
  other boundaries  same mode: scipy.ndimage.convolve / correlate.
                    ndimage's 'wrap' and 'grid-wrap' are the same function
                    in its filters (checked below: both are the true
                    periodic extension, also when the kernel is longer than
                    the axis); we call 'grid-wrap', the name SciPy
                    documents as periodic.  reflect = ndimage 'reflect'
                    (d c b a|a b c d|d c b a), mirror = ndimage 'mirror'
                    (d c b|a b c d|c b a), nearest = ndimage 'nearest'.
                    ndimage centres an even kernel one sample off
                    scipy.signal's 'same' (full[(M-1)//2 : (M-1)//2+N]);
                    on even axes convolve takes origin=-1 (correlate needs
                    no change), as man/tconv.1 says.  Cross-checked against
                    the definition: scipy.signal.convolve (valid) of
                    numpy.pad(signal, (M-1-(M-1)//2, (M-1)//2), mode) with
                    pad modes symmetric (reflect), reflect (mirror), edge
                    (nearest), wrap (wrap).
                    full and valid modes: ndimage has none, so the
                    reference is that numpy.pad definition with the signal
                    extended by M-1 on both sides (full) or not at all
                    (valid), as man/tconv.1 defines it.

Every reference is cross-checked here against an independent slow numpy
reference (shift-and-add over the kernel taps of the padded signal) and,
where SciPy has another route to the same result (fftconvolve, ndimage vs
signal, np.pad vs ndimage), against that too; the script stops if any two
disagree by more than 1e-13 * max|out|.

f32 / c8 cases: the inputs are stored in float32 / complex64; the reference
is computed in float64 from those float32 values and stored rounded to
float32.  Integer and bool inputs compute (and come out) in float64,
float16 in float32.

Manifest cases.txt: one case per line, fields separated by '|':
    name|dtype|signal|kernel|expected|tconv arguments
dtype is the expected output dtype (f64, f32, c16, c8); the tolerance is
1e-12 * max|expected| for f64/c16 and 1e-5 * max|expected| for f32/c8.
"""
import itertools
import os
import sys

import numpy as np
import scipy.ndimage as nd
import scipy.signal as ss

HERE = os.path.dirname(os.path.abspath(__file__))
PADMODE = {'zero': 'constant', 'wrap': 'wrap', 'reflect': 'symmetric',
           'mirror': 'reflect', 'nearest': 'edge'}
NDMODE = {'zero': 'constant', 'wrap': 'grid-wrap', 'reflect': 'reflect',
          'mirror': 'mirror', 'nearest': 'nearest'}
DTYPES = {'f64': np.float64, 'f32': np.float32, 'c16': np.complex128,
          'c8': np.complex64}
CHECK_TOL = 1e-13

cases = []          # manifest lines
written = set()     # file names written this run
seed_counter = [1000]


def rng():
    seed_counter[0] += 1
    return np.random.default_rng(seed_counter[0])


def rand(shape, dt, r):
    """Random data of numpy dtype dt (float, complex or integer)."""
    dt = np.dtype(dt)
    if dt.kind == 'c':
        return (r.standard_normal(shape)
                + 1j * r.standard_normal(shape)).astype(dt)
    if dt.kind in 'iu':
        lo = 0 if dt.kind == 'u' else -50
        return r.integers(lo, 100, size=shape).astype(dt)
    return r.standard_normal(shape).astype(dt)


def save(name, a):
    assert name not in written, name
    written.add(name)
    np.save(os.path.join(HERE, name), a)


def slow(x, k, mode, ops, boundary):
    """Independent reference: the contract's definitions, by shift-and-add.

    x: signal (batch axes first), k: kernel (its axes are x's last axes),
    ops: 'conv'/'corr' per kernel axis, boundary: zero|wrap|reflect|...
    corr on an axis = convolution with k reversed on that axis; corr on
    every axis also conjugates a complex kernel (= scipy.signal.correlate).
    """
    x = x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)
    k = k.astype(np.complex128 if np.iscomplexobj(k) else np.float64)
    nb = x.ndim - k.ndim
    for a, op in enumerate(ops):
        if op == 'corr':
            k = np.flip(k, a)
    if all(op == 'corr' for op in ops):
        k = np.conj(k)
    pads = [(0, 0)] * nb
    for a in range(k.ndim):
        m = k.shape[a]
        if mode == 'full':
            pads.append((m - 1, m - 1))
        elif mode == 'same':
            p = (m - 1) // 2
            pads.append((m - 1 - p, p))
        else:
            pads.append((0, 0))
    if boundary == 'zero':
        xp = np.pad(x, pads)
    else:
        xp = np.pad(x, pads, mode=PADMODE[boundary])
    oshape = xp.shape[:nb] + tuple(xp.shape[nb + a] - k.shape[a] + 1
                                   for a in range(k.ndim))
    out = np.zeros(oshape, np.result_type(xp, k))
    for idx in itertools.product(*[range(m) for m in k.shape]):
        # valid convolution: out[n] += k[m] * xp[n + M-1 - m]
        sl = tuple(slice(M - 1 - m, M - 1 - m + o)
                   for m, M, o in zip(idx, k.shape, oshape[nb:]))
        out += k[idx] * xp[(Ellipsis,) + sl]
    return out


def scipy_ref(x, k, mode, ops, boundary):
    """The SciPy reference (see the module docstring)."""
    x = x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)
    k = k.astype(np.complex128 if np.iscomplexobj(k) else np.float64)
    nb = x.ndim - k.ndim
    allcorr = all(op == 'corr' for op in ops)
    kk = k
    for a, op in enumerate(ops):
        if op == 'corr':
            kk = np.flip(kk, a)
    kb = kk.reshape((1,) * nb + k.shape)       # kernel with batch axes
    odd = all(m % 2 == 1 for m in k.shape)
    others = []
    if boundary == 'zero':
        if allcorr:
            ref = ss.correlate(x, k.reshape(kb.shape), mode, method='direct')
            others.append(ss.convolve(x, np.conj(kb), mode, method='direct'))
        else:
            ref = ss.convolve(x, kb, mode, method='direct')
        if not (mode == 'valid' and any(
                m > n for m, n in zip(k.shape, x.shape[nb:]))):
            kf = np.conj(kb) if allcorr else kb
            others.append(ss.fftconvolve(x, kf, mode,
                                         axes=range(nb, x.ndim)))
        if mode == 'same' and odd:
            others.append(nd.convolve(x, np.conj(kb) if allcorr else kb,
                                      mode='constant'))
    else:
        if mode == 'same':
            pads = [(m - 1 - (m - 1) // 2, (m - 1) // 2) for m in k.shape]
        elif mode == 'full':
            pads = [(m - 1, m - 1) for m in k.shape]
        else:
            pads = [(0, 0) for m in k.shape]
        pads = [(0, 0)] * nb + pads
        xp = np.pad(x, pads, mode=PADMODE[boundary])
        padref = ss.convolve(xp, np.conj(kb) if allcorr else kb, 'valid',
                             method='direct')
        if mode == 'same':
            # ndimage; an even kernel axis needs origin -1 in convolve
            # (0 in correlate) to be centred as scipy.signal's 'same'
            origin = [0] * nb + [-1 if m % 2 == 0 else 0 for m in k.shape]
            if allcorr:
                ref = nd.correlate(x, k.reshape(kb.shape),
                                   mode=NDMODE[boundary])
            else:
                ref = nd.convolve(x, kb, mode=NDMODE[boundary],
                                  origin=origin)
            alt = 'wrap' if boundary == 'wrap' else NDMODE[boundary]
            others.append(nd.convolve(x, np.conj(kb) if allcorr else kb,
                                      mode=alt, origin=origin))
            others.append(padref)
        else:
            ref = padref
    others.append(slow(x, k, mode, ops, boundary))
    scale = np.max(np.abs(ref)) if ref.size else 1.0
    for o in others:
        assert o.shape == ref.shape, (o.shape, ref.shape)
        err = np.max(np.abs(o - ref)) if ref.size else 0.0
        assert err <= CHECK_TOL * scale, (err, scale)
    return ref


def case(name, sig, ker, mode='same', ops=None, boundary='zero',
         extra='', opstyle='op', out_dtype=None, kname=None):
    """Add one case: save signal/kernel/expected and a manifest line.

    opstyle: 'op' writes --op a,b; 'corr' writes --corr; 'one' writes
    one --op value for every axis; 'none' writes no op option (the
    default, conv everywhere).  A 0-d kernel is taken as shape (1,).
    The output dtype follows the signal's precision (float16 computes
    in float32, integers and bool in float64), complex if either input
    is; the kernel's precision does not matter (man/tconv.1, Types)."""
    kref = ker.reshape(1) if ker.ndim == 0 else ker
    if ops is None:
        ops = ['conv'] * kref.ndim
    ref = scipy_ref(sig, kref, mode, ops, boundary)
    if out_dtype is None:
        kinds = sig.dtype.kind + ker.dtype.kind
        single = sig.dtype in (np.float16, np.float32, np.complex64)
        if 'c' in kinds:
            out_dtype = 'c8' if single else 'c16'
        else:
            out_dtype = 'f32' if single else 'f64'
    ref = ref.astype(DTYPES[out_dtype])
    if out_dtype in ('f32', 'f64'):
        assert not np.iscomplexobj(ref)
    sname = name + '.in.npy'
    save(sname, sig)
    if kname is None:
        kname = name + '.k.npy'
        save(kname, ker)
    ename = name + '.out.npy'
    save(ename, ref)
    args = ['--mode', mode]
    if opstyle == 'op':
        args += ['--op', ','.join(ops)]
    elif opstyle == 'corr':
        assert all(op == 'corr' for op in ops)
        args += ['--corr']
    elif opstyle == 'one':
        assert len(set(ops)) == 1
        args += ['--op', ops[0]]
    if boundary != 'zero':
        args += ['--boundary', boundary]
    if extra:
        args += extra.split()
    cases.append('|'.join([name, out_dtype, sname, kname, ename,
                           ' '.join(args)]))


def main():
    for f in os.listdir(HERE):
        if f.endswith('.npy') or f == 'cases.txt':
            os.remove(os.path.join(HERE, f))
    f64, f32 = np.float64, np.float32

    # sanity of the claims in the docstring
    r = rng()
    x, w = r.standard_normal(5), r.standard_normal(9)
    per = np.array([sum(w[m] * x[(n + 4 - m) % 5] for m in range(9))
                    for n in range(5)])
    for md in ('wrap', 'grid-wrap'):
        assert np.max(np.abs(nd.convolve(x, w, mode=md) - per)) < 1e-14

    # --- 1-D: every mode, conv and corr, odd and even kernels -------------
    for dt, dn in ((f64, 'f64'), (f32, 'f32')):
        for klen, kn in ((7, 'odd'), (8, 'even')):
            for mode in ('full', 'same', 'valid'):
                for op in ('conv', 'corr'):
                    r = rng()
                    case(f'1d-{dn}-{kn}-{mode}-{op}', rand(40, dt, r),
                         rand(klen, dt, r), mode, [op])
    r = rng()
    case('1d-f64-default-op', rand(33, f64, r), rand(5, f64, r), 'same',
         opstyle='none')
    r = rng()
    case('1d-f64-corr-flag', rand(33, f64, r), rand(6, f64, r), 'full',
         ['corr'], opstyle='corr')
    r = rng()
    case('1d-f64-k1', rand(20, f64, r), rand(1, f64, r), 'full')
    r = rng()
    case('1d-f64-k2-same', rand(20, f64, r), rand(2, f64, r), 'same')
    r = rng()
    case('1d-f64-kequal-valid', rand(9, f64, r), rand(9, f64, r), 'valid')
    r = rng()
    case('1d-f64-long', rand(64, f64, r), rand(31, f64, r), 'same')

    # --- kernel larger than the signal --------------------------------------
    for mode in ('full', 'same'):
        for op in ('conv', 'corr'):
            r = rng()
            case(f'1d-f64-bigk-{mode}-{op}', rand(5, f64, r),
                 rand(17, f64, r), mode, [op])
            r = rng()
            case(f'2d-f64-bigk-{mode}-{op}', rand((4, 6), f64, r),
                 rand((9, 11), f64, r), mode, [op, op])
    r = rng()
    case('2d-f64-bigk-full-mixed', rand((3, 10), f64, r),
         rand((7, 4), f64, r), 'full', ['conv', 'corr'])
    r = rng()
    case('2d-f32-bigk-full', rand((5, 5), f32, r), rand((12, 8), f32, r),
         'full')

    # --- 2-D: every op combination x mode x odd/even kernel ----------------
    for dt, dn, kshapes in ((f64, 'f64', (((5, 3), 'odd'), ((4, 6), 'even'),
                                          ((3, 4), 'mixed'))),
                            (f32, 'f32', (((3, 4), 'mixed'),))):
        for kshape, kn in kshapes:
            for mode in ('full', 'same', 'valid'):
                for ops in itertools.product(('conv', 'corr'), repeat=2):
                    r = rng()
                    case(f'2d-{dn}-{kn}-{mode}-{ops[0]}-{ops[1]}',
                         rand((9, 11), dt, r), rand(kshape, dt, r), mode,
                         list(ops))
    r = rng()
    case('2d-f64-corr-flag', rand((12, 14), f64, r), rand((3, 4), f64, r),
         'same', ['corr', 'corr'], opstyle='corr')
    r = rng()
    case('2d-f64-default-op', rand((12, 14), f64, r), rand((3, 5), f64, r),
         'valid', opstyle='none')
    r = rng()
    case('2d-f64-24x24', rand((24, 24), f64, r), rand((9, 9), f64, r),
         'same')

    # --- 3-D -----------------------------------------------------------------
    for mode in ('full', 'same', 'valid'):
        for ops in (('conv',) * 3, ('corr',) * 3, ('conv', 'corr', 'conv'),
                    ('corr', 'conv', 'corr')):
            r = rng()
            case(f'3d-f64-{mode}-{"-".join(ops)}', rand((6, 5, 7), f64, r),
                 rand((3, 4, 5), f64, r), mode, list(ops))
    for mode in ('full', 'same', 'valid'):
        r = rng()
        case(f'3d-f32-{mode}', rand((8, 8, 6), f32, r),
             rand((2, 3, 3), f32, r), mode)
    for b in ('wrap', 'reflect', 'mirror', 'nearest'):
        r = rng()
        case(f'3d-f64-same-{b}', rand((6, 8, 7), f64, r),
             rand((3, 5, 3), f64, r), 'same', boundary=b)

    # --- boundaries (same mode) ----------------------------------------------
    for b in ('zero', 'wrap', 'reflect', 'mirror', 'nearest'):
        for dt, dn in ((f64, 'f64'), (f32, 'f32')):
            for op in ('conv', 'corr'):
                r = rng()
                case(f'1d-{dn}-{b}-{op}', rand(40, dt, r), rand(7, dt, r),
                     'same', [op], boundary=b)
            for ops in (itertools.product(('conv', 'corr'), repeat=2)
                        if dn == 'f64' else [('conv', 'corr')]):
                r = rng()
                case(f'2d-{dn}-{b}-{ops[0]}-{ops[1]}',
                     rand((10, 12), dt, r), rand((5, 3), dt, r), 'same',
                     list(ops), boundary=b)
        # even kernel (reference: the contract's definition via np.pad)
        for op in ('conv', 'corr'):
            r = rng()
            case(f'1d-f64-{b}-even-{op}', rand(30, f64, r),
                 rand(6, f64, r), 'same', [op], boundary=b)
        r = rng()
        case(f'2d-f64-{b}-even-conv-corr', rand((14, 13), f64, r),
             rand((4, 5), f64, r), 'same', ['conv', 'corr'], boundary=b)
        # kernel longer than the signal: the extension repeats
        r = rng()
        case(f'1d-f64-{b}-bigk', rand(4, f64, r), rand(11, f64, r), 'same',
             boundary=b)
        r = rng()
        case(f'2d-f64-{b}-bigk', rand((3, 5), f64, r), rand((7, 9), f64, r),
             'same', ['corr', 'conv'], boundary=b)
        # length-1 axis with a boundary
        r = rng()
        case(f'2d-f64-{b}-len1', rand((1, 12), f64, r), rand((3, 5), f64, r),
             'same', boundary=b)
        # batch axes with a boundary
        r = rng()
        case(f'batch-f64-{b}', rand((2, 3, 7, 9), f64, r),
             rand((3, 3), f64, r), 'same', boundary=b)

    # full and valid modes with a boundary: the signal is extended by M-1
    # on both sides (full) or not at all (valid), as lib/conv.c defines it
    for b in ('wrap', 'reflect', 'mirror', 'nearest'):
        r = rng()
        case(f'1d-f64-{b}-full', rand(12, f64, r), rand(5, f64, r), 'full',
             ['corr'], boundary=b)
        r = rng()
        case(f'2d-f64-{b}-full', rand((7, 9), f64, r), rand((4, 3), f64, r),
             'full', ['conv', 'corr'], boundary=b)
        r = rng()
        case(f'2d-f64-{b}-valid', rand((7, 9), f64, r), rand((4, 3), f64, r),
             'valid', boundary=b)

    # --- batch axes -----------------------------------------------------------
    r = rng()
    case('batch-f64-3x5x20x20-same', rand((3, 5, 20, 20), f64, r),
         rand((5, 4), f64, r), 'same')
    for mode in ('full', 'valid'):
        r = rng()
        case(f'batch-f64-2x3x12x10-{mode}', rand((2, 3, 12, 10), f64, r),
             rand((5, 4), f64, r), mode)
    r = rng()
    case('batch-f32-2x3x16x16-same-corr', rand((2, 3, 16, 16), f32, r),
         rand((3, 3), f32, r), 'same', ['corr', 'corr'], opstyle='corr')
    r = rng()
    case('batch-f64-1d-kernel', rand((4, 30), f64, r), rand(6, f64, r),
         'full')
    r = rng()
    case('batch-f64-3d-kernel', rand((2, 6, 7, 8), f64, r),
         rand((3, 2, 3), f64, r), 'same', ['conv', 'corr', 'conv'])
    r = rng()
    case('batch-f64-mixed-valid', rand((3, 12, 10), f64, r),
         rand((4, 3), f64, r), 'valid', ['corr', 'conv'])

    # --- length-1 axes --------------------------------------------------------
    r = rng()
    case('len1-sig-1x20-k1x5', rand((1, 20), f64, r), rand((1, 5), f64, r),
         'full')
    r = rng()
    case('len1-sig-7x1-k3x1-same', rand((7, 1), f64, r),
         rand((3, 1), f64, r), 'same')
    r = rng()
    case('len1-sig-7x1-k3x1-valid', rand((7, 1), f64, r),
         rand((3, 1), f64, r), 'valid', ['corr', 'corr'])
    r = rng()
    case('len1-k1x1', rand((9, 11), f64, r), rand((1, 1), f64, r), 'same')
    r = rng()
    case('len1-sig1-full', rand(1, f64, r), rand(5, f64, r), 'full')
    r = rng()
    case('len1-sig1-same', rand(1, f64, r), rand(5, f64, r), 'same')
    r = rng()
    case('len1-sig1x1-k3x3-full', rand((1, 1), f64, r), rand((3, 3), f64, r),
         'full', ['conv', 'corr'])
    r = rng()
    case('len1-batch1', rand((1, 9, 10), f64, r), rand((1, 3), f64, r),
         'full')
    r = rng()
    case('len1-3d-middle', rand((5, 1, 6), f64, r), rand((2, 1, 3), f64, r),
         'full', ['conv', 'conv', 'corr'])

    # --- complex ------------------------------------------------------------
    c16, c8 = np.complex128, np.complex64
    for mode in ('full', 'same', 'valid'):
        r = rng()
        case(f'cx-1d-c16-c16-{mode}-conv', rand(30, c16, r), rand(7, c16, r),
             mode)
        r = rng()
        case(f'cx-1d-c16-c16-{mode}-corr', rand(30, c16, r), rand(6, c16, r),
             mode, ['corr'], opstyle='corr')
        r = rng()
        case(f'cx-2d-c16-c16-{mode}-conv', rand((12, 10), c16, r),
             rand((3, 4), c16, r), mode)
        r = rng()
        case(f'cx-2d-c16-c16-{mode}-corr', rand((12, 10), c16, r),
             rand((3, 4), c16, r), mode, ['corr', 'corr'], opstyle='corr')
    r = rng()
    case('cx-2d-c16-f64-same', rand((12, 10), c16, r), rand((3, 3), f64, r),
         'same')
    r = rng()
    case('cx-2d-c16-f64-corr', rand((12, 10), c16, r), rand((3, 4), f64, r),
         'full', ['corr', 'corr'], opstyle='corr')
    r = rng()
    case('cx-2d-f64-c16-same', rand((12, 10), f64, r), rand((3, 3), c16, r),
         'same')
    r = rng()
    case('cx-2d-f64-c16-corr', rand((12, 10), f64, r), rand((5, 2), c16, r),
         'valid', ['corr', 'corr'], opstyle='corr')
    r = rng()
    case('cx-2d-c8-c8-same', rand((12, 10), c8, r), rand((3, 3), c8, r),
         'same')
    r = rng()
    case('cx-2d-c8-c8-corr', rand((12, 10), c8, r), rand((4, 3), c8, r),
         'full', ['corr', 'corr'], opstyle='corr')
    r = rng()
    case('cx-3d-c16-same', rand((6, 5, 7), c16, r), rand((3, 2, 3), c16, r),
         'same')
    r = rng()
    case('cx-batch-c16', rand((3, 8, 9), c16, r), rand((3, 3), c16, r),
         'full')
    r = rng()
    case('cx-2d-c16-bigk-full', rand((3, 4), c16, r), rand((6, 7), c16, r),
         'full')
    # corr on some axes only: reversed there, not conjugated (conj only
    # when every axis is corr, which is scipy.signal.correlate)
    r = rng()
    case('cx-2d-c16-mixed-full', rand((9, 10), c16, r), rand((3, 4), c16, r),
         'full', ['conv', 'corr'])
    r = rng()
    case('cx-2d-c16-mixed-same', rand((9, 10), c16, r), rand((4, 3), c16, r),
         'same', ['corr', 'conv'])
    r = rng()
    case('cx-2d-c16-mixed-reflect', rand((9, 10), c16, r),
         rand((3, 5), c16, r), 'same', ['corr', 'conv'], boundary='reflect')
    for b in ('wrap', 'reflect', 'mirror', 'nearest'):
        r = rng()
        case(f'cx-2d-c16-{b}', rand((10, 11), c16, r), rand((3, 5), c16, r),
             'same', boundary=b)

    # --- integer inputs compute in float64; -t -------------------------------
    r = rng()
    case('int-i4-sig', rand((10, 12), np.int32, r), rand((3, 3), f64, r),
         'same')
    r = rng()
    case('int-u1-both', rand((10, 12), np.uint8, r),
         rand((3, 2), np.uint8, r), 'full')
    r = rng()
    case('int-i2-1d-corr', rand(25, np.int16, r), rand(4, np.int64, r),
         'valid', ['corr'])
    r = rng()
    case('dtype-t-f32', rand((10, 12), f64, r), rand((3, 3), f64, r),
         'same', extra='-t f32', out_dtype='f32')
    r = rng()
    case('dtype-t-f64', rand((10, 12), f32, r), rand((3, 3), f32, r),
         'same', extra='-t f64', out_dtype='f64')

    # the kernel's precision does not change the output's; float16 and bool
    r = rng()
    case('dtype-f32-sig-f64-k', rand((10, 12), f32, r), rand((3, 3), f64, r),
         'same')
    r = rng()
    case('dtype-f64-sig-f32-k', rand((10, 12), f64, r), rand((3, 3), f32, r),
         'full')
    r = rng()
    case('dtype-f16-sig', rand((10, 12), np.float16, r),
         rand((3, 3), np.float16, r), 'same')
    r = rng()
    case('dtype-bool-sig', r.integers(0, 2, (10, 12)).astype(bool),
         rand((3, 2), f64, r), 'full')
    r = rng()
    case('dtype-f32-sig-c16-k', rand((10, 12), f32, r), rand((3, 3), c16, r),
         'same')
    r = rng()
    case('dtype-c8-sig-f64-k', rand((10, 12), c8, r), rand((2, 3), f64, r),
         'full', ['corr', 'corr'], opstyle='corr')

    # one --op value for every axis; a 0-d kernel is shape (1,)
    r = rng()
    case('op-one-corr-2d', rand((10, 12), f64, r), rand((3, 4), f64, r),
         'full', ['corr', 'corr'], opstyle='one')
    r = rng()
    case('op-one-corr-c16', rand((10, 12), c16, r), rand((3, 4), c16, r),
         'same', ['corr', 'corr'], opstyle='one')
    r = rng()
    case('op-one-conv-3d', rand((5, 6, 7), f64, r), rand((2, 3, 2), f64, r),
         'valid', ['conv', 'conv', 'conv'], opstyle='one')
    r = rng()
    case('kernel-0d', rand((5, 7), f64, r), np.array(2.5), 'full',
         opstyle='none')

    # --- explicit defaults ------------------------------------------------------
    r = rng()
    case('2d-f64-explicit-zero', rand((10, 12), f64, r), rand((3, 3), f64, r),
         'same', extra='--boundary zero --method auto')

    with open(os.path.join(HERE, 'cases.txt'), 'w') as f:
        f.write('# written by make-golden.py: '
                'name|dtype|signal|kernel|expected|tconv arguments\n')
        for c in cases:
            f.write(c + '\n')
    total = sum(os.path.getsize(os.path.join(HERE, n)) for n in written)
    print(f'{len(cases)} cases, {len(written)} files, {total} bytes',
          file=sys.stderr)


if __name__ == '__main__':
    main()
