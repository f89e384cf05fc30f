#!/usr/bin/python3
"""tmath_prop.py TMATH [SEEDS] [PER_PAIR]: the property test of tmath
against numpy.  SEEDS is one seed or a range A-B (default 1); for each,
for every pair of the 14 dtypes (x, y), PER_PAIR random expressions
(default 2) over x, y and literals are evaluated by numpy (eval with
numpy's functions, errors ignored) and by TMATH (y bound with y=FILE);
shapes and dtypes must be equal, and the values bit for bit (signed
zeros too; NaN where numpy has NaN) for expressions made of + - * / //
% ** on integers, sqrt, comparisons, bitwise operators, abs (of reals:
of complex numbers it is hypot, to an ulp), sign, floor, ceil, trunc,
rint, round, minimum, maximum, fmin, fmax, where, clip, isnan, isinf,
isfinite, real, imag, conj and casts, on every dtype, complex included.
An expression with a transcendental function (exp, log, log1p, sin,
..., ** other than numpy's fast powers 0, 1, -1, 0.5 and 2, and an
integer ** -1 that numpy takes to its float64 power) has it outermost
and agrees to 8 units in the last place of the result's dtype: numpy
1.24 computes those with its own SIMD code (SVML on AVX-512), tmath
with the C library's.  When numpy raises (bool subtraction, a float &,
an integer to a negative power, ...), TMATH must fail with one line on
stderr and nothing on stdout.  Some x records are 0-d and some y
broadcast, to exercise value-based casting, numpy scalars and
broadcasting.  (float64() is left out of the casts: numpy.float64 of a
one-element array is a scalar, a quirk of its being a Python float,
which tmath does not copy.)  Prints a summary; exit 1 on any
disagreement, listing the first 25.  TPIPE_TEST_SPARSE=N
(test/sparse.py) takes the first 1/N of the seeds (at least one)."""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import warnings

import numpy as np

from sparse import share

DTYPES = ['bool', 'uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32',
          'uint64', 'int64', 'float16', 'float32', 'float64', 'complex64',
          'complex128']
EXACT_BIN = ['+', '-', '*', '/', '//', '%', '&', '|', '^', '<', '<=',
             '==', '!=', '>', '>=']
EXACT_FN1 = ['abs', 'sign', 'sqrt', 'floor', 'ceil', 'trunc', 'rint',
             'round', 'isnan', 'isinf', 'isfinite', 'real', 'imag', 'conj',
             '-', '~']
EXACT_FN2 = ['minimum', 'maximum', 'fmin', 'fmax']
INEXACT_FN1 = ['exp', 'log', 'sin', 'cos', 'tanh', 'arctan', 'log1p',
               'expm1', 'exp2', 'log2', 'log10', 'cbrt', 'sinh', 'arcsin',
               'angle']
INEXACT_FN2 = ['arctan2', 'hypot', 'power']
CASTS = ['float32', 'int32', 'int16', 'uint8', 'float16',
         'complex64', 'bool_']

NS = {name: getattr(np, name) for name in
      ['sqrt', 'floor', 'ceil', 'trunc', 'rint', 'round', 'isnan', 'isinf',
       'isfinite', 'real', 'imag', 'conj', 'minimum', 'maximum', 'fmin',
       'fmax', 'exp', 'log', 'sin', 'cos', 'tanh', 'arctan', 'log1p',
       'expm1', 'exp2', 'log2', 'log10', 'cbrt', 'sinh', 'arcsin', 'angle',
       'arctan2', 'hypot', 'power', 'where', 'clip', 'sign', 'abs', 'pi',
       'e', 'inf', 'nan'] + CASTS}


def values(rng, dt, shape):
    """Random values of dtype dt, small enough that most operations stay
    in range, with a few special floats."""
    dt = np.dtype(dt)
    n = int(np.prod(shape, dtype=np.int64))
    if dt.kind == 'b':
        v = rng.integers(0, 2, n) > 0
    elif dt.kind == 'u':
        v = rng.integers(0, 40, n)
    elif dt.kind == 'i':
        v = rng.integers(-20, 21, n)
    else:
        v = rng.integers(-40, 41, n) / 4
        special = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e30, 0.3]
        for i in rng.choice(n, size=min(n, 3), replace=False):
            v[i] = special[rng.integers(len(special))]
        if dt.kind == 'c':
            v = v + 1j * (rng.integers(-40, 41, n) / 4)
    with np.errstate(all='ignore'):
        return np.asarray(v).astype(dt).reshape(shape)


# Whether the expression being made may be complex: then abs (hypot,
# which numpy 1.24 computes with its own SIMD code on complex64) is left
# out of the exact expressions, and a complex literal may appear.
COMPLEX = [False]


def literal(r):
    return r.choice(['2', '3', '1', '0', '300', '-1', '1.5', '0.5', '2.0',
                     '1e5', '-7'] + (['2j'] if COMPLEX[0] else []))


# The operands of the case being made, for float_power.
OPERANDS = [{}]


def float_power(base):
    """Whether numpy computes (base) ** -1 with its float power loop: an
    integer base it takes to float64 (uint64: no integer loop holds it
    and -1) rather than refusing.  NumPy 1.24 computes that power with
    SVML's pow on AVX-512 machines, which is not correctly rounded (1/5
    is an ulp off), so such an expression is not bit-exact; the inexact
    expressions test it against numpy to some ulps instead."""
    try:
        with np.errstate(all='ignore'):
            b = np.asarray(eval(base, dict(NS), OPERANDS[0]))
            p = np.asarray(eval(f'({base}) ** -1', dict(NS), OPERANDS[0]))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return False
    return b.dtype.kind in 'biu' and p.dtype.kind == 'f'


def exact(r, depth):
    """A random exact expression: at least one side of each binary
    operator is not a literal, so Python never folds literals."""
    if depth == 0 or r.random() < 0.25:
        return r.choice(['x', 'y'])
    k = r.random()
    if k < 0.45:
        a, b = exact(r, depth - 1), exact(r, depth - 1)
        if r.random() < 0.3:
            b = literal(r)
        if r.random() < 0.5:
            a, b = b, a
        return f'({a} {r.choice(EXACT_BIN)} {b})'
    if k < 0.6:
        f = r.choice([f for f in EXACT_FN1 if f != 'abs' or not COMPLEX[0]])
        a = exact(r, depth - 1)
        return f'({f}{a})' if f in '-~' else f'{f}({a})'
    if k < 0.7:
        return f'{r.choice(EXACT_FN2)}({exact(r, depth - 1)}, ' \
               f'{exact(r, depth - 1)})'
    if k < 0.8:
        return f'where({exact(r, depth - 1)} > {literal(r)}, ' \
               f'{exact(r, depth - 1)}, {r.choice(["x", "y", "0"])})'
    if k < 0.88:
        return f'clip({exact(r, depth - 1)}, {r.choice(["0", "1", "-1"])},' \
               f' {r.choice(["3", "2.5", "300"])})'
    if k < 0.94:
        base, p = exact(r, depth - 1), r.choice(["2", "0", "1", "-1"])
        if p == '-1' and float_power(base):
            p = '2'
        return f'({base} ** {p})'
    return f'{r.choice(CASTS)}({exact(r, depth - 1)})'


def expression(r):
    """(text, whether bit-exact agreement is required)."""
    if r.random() < 0.3:
        if r.random() < 0.15:
            return f'({exact(r, 2)}) ** {r.choice(["3", "y", "1.5", "-1"])}', \
                False
        if r.random() < 0.7:
            return f'{r.choice(INEXACT_FN1)}({exact(r, 2)})', False
        return f'{r.choice(INEXACT_FN2)}({exact(r, 2)}, ' \
               f'{exact(r, 1)})', False
    return exact(r, 3), True


def ulp_close(a, b, ulps):
    """Whether a and b (same dtype) agree to ulps units in the last place
    of b's dtype, with NaN and infinities in the same places."""
    parts = [(a.real, b.real), (a.imag, b.imag)] if a.dtype.kind == 'c' \
        else [(a, b)]
    for pa, pb in parts:
        pa = np.asarray(pa, dtype=np.float64)
        pb64 = np.asarray(pb, dtype=np.float64)
        if not np.array_equal(np.isnan(pa), np.isnan(pb64)):
            return False
        fin = np.isfinite(pb64) & np.isfinite(pa)
        if not np.array_equal(np.isinf(pa) & ~np.isfinite(pb64),
                              np.isinf(pb64)):
            return False
        if not np.array_equal(pa[np.isinf(pa)], pb64[np.isinf(pb64)]):
            return False
        sp = np.spacing(np.abs(np.asarray(pb)[fin]).astype(pb.dtype))
        tiny = np.finfo(pb.dtype).tiny
        err = np.abs(pa[fin] - pb64[fin])
        if not np.all(err <= ulps * np.maximum(sp.astype(np.float64),
                                               tiny)):
            return False
    return True


def make_case(r, rng, dx, dy):
    """Random operands of dtypes dx and dy (some x 0-d, some y
    broadcast) and an expression over them: (x, y, text, is_exact)."""
    shape = [(3, 4), (5,), ()][r.randrange(3) if r.random() < 0.3 else 0]
    yshape = shape if r.random() < 0.6 else [(4,), (), (1,)][r.randrange(3)]
    if shape != (3, 4) and yshape == (4,):
        yshape = ()
    COMPLEX[0] = 'complex' in dx + dy
    x = values(rng, dx, shape)
    y = values(rng, dy, yshape)
    OPERANDS[0] = {'x': x, 'y': y}
    text, is_exact = expression(r)
    return x, y, text, is_exact


def same_values(got, want, is_exact):
    """Whether tmath's got agrees with numpy's want: bit for bit (signed
    zeros too, NaN where numpy has NaN), or to 8 ulp."""
    if not is_exact:
        return want.dtype.kind not in 'fc' and np.array_equal(got, want) \
            or want.dtype.kind in 'fc' and ulp_close(got, want, 8)
    same = np.array_equal(got, want, equal_nan=want.dtype.kind in 'fc')
    if want.dtype.kind in 'fc' and same:
        g = got.reshape(-1).view(got.real.dtype)
        w = want.reshape(-1).view(want.real.dtype)
        keep = ~np.isnan(w)
        same = g[keep].tobytes() == w[keep].tobytes()
    return same


def check_case(tmath, tmp, case, counts):
    """Run one case through numpy and tmath: None, or what disagrees."""
    x, y, text, is_exact = case
    xp, yp = os.path.join(tmp, 'x.npy'), os.path.join(tmp, 'y.npy')
    np.save(xp, x)
    np.save(yp, y)
    try:
        with np.errstate(all='ignore'):
            want = np.asarray(eval(text, dict(NS), {'x': x, 'y': y}))
        raised = None
    except (TypeError, ValueError, ZeroDivisionError, OverflowError) as ex:
        raised = ex
    p = subprocess.run([tmath, text, 'y=' + yp, xp], capture_output=True)
    err = p.stderr.decode(errors='replace').strip()
    where = f'{text} on x {x.dtype}{x.shape}, y {y.dtype}{y.shape}'
    if raised is not None:
        counts['raises'] += 1
        if p.returncode not in (1, 2) or p.stdout or \
                len(err.split('\n')) != 1:
            return f'{where}: numpy raises {raised!r}, tmath exit ' \
                   f'{p.returncode}: {err}'
        return None
    if p.returncode != 0:
        return f'{where}: tmath fails: {err}'
    op = os.path.join(tmp, 'out.npy')
    with open(op, 'wb') as f:
        f.write(p.stdout)
    got = np.load(op)
    if got.dtype != want.dtype or got.shape != want.shape:
        return f'{where}: tmath gives {got.dtype}{got.shape}, numpy ' \
               f'{want.dtype}{want.shape}'
    counts['exact' if is_exact else 'ulp'] += 1
    if not same_values(got, want, is_exact):
        return f'{where}: values differ:\n  x {x!r}\n  y {y!r}\n' \
               f'  tmath {got!r}\n  numpy {want!r}'
    return None


def seeds_of(text):
    """'3' is seed 3, '1-4' seeds 1 to 4."""
    a, _, b = text.partition('-')
    return range(int(a), int(b or a) + 1)


def main():
    tmath = sys.argv[1]
    seeds = seeds_of(sys.argv[2]) if len(sys.argv) > 2 else [1]
    seeds = seeds[:share(len(seeds))]
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    warnings.simplefilter('ignore')
    tmp = tempfile.mkdtemp(prefix='tmath-prop.')
    counts = {'exact': 0, 'ulp': 0, 'raises': 0}
    bad = []
    try:
        for seed in seeds:
            r = random.Random(seed)
            rng = np.random.default_rng(seed)
            for dx in DTYPES:
                for dy in DTYPES:
                    for _ in range(per):
                        why = check_case(tmath, tmp,
                                         make_case(r, rng, dx, dy), counts)
                        if why:
                            bad.append(f'seed {seed}: {why}')
    finally:
        shutil.rmtree(tmp)
    print(f'tmath_prop: seeds {seeds[0]}-{seeds[-1]}, {per} per dtype '
          f'pair: {counts["exact"]} bit-exact, {counts["ulp"]} within 8 '
          f'ulp, {counts["raises"]} raise in numpy and fail in tmath; '
          f'{len(bad)} disagree')
    for b in bad[:25]:
        print(b)
    sys.exit(1 if bad else 0)


main()
