#!/usr/bin/python3
"""make-golden.py - write test/data/tmath/ (see ../README): operands and
NumPy 1.24's results, bit for bit, for the cases tmath.bats compares
with cmp, listed in cases.txt (name|expression|x|NAME=FILE ...).

    /usr/bin/python3 test/data/tmath/make-golden.py

Deterministic: a second run rewrites the same bytes.  The cases are
those where tmath follows NumPy's own code rather than the C library
alone, so that a drift in either shows:
  c64-*, c128-*   complex64 and complex128 over a grid of special parts
                  (zeros of both signs, 1, 0.5, 3, 100, 1e30, inf, nan,
                  ...): expm1, exp2, log1p, log2, log10 (funcs.inc.src's
                  formulas over libm), power (npy_cpow: small integer
                  powers by multiplication, else cpow), minimum,
                  maximum, fmin, fmax (lexicographic, NaN aware) and
                  clip (clip.cpp's ordering)
  ties-*          float16, float32 and float64 minimum, maximum, fmin,
                  fmax and clip with 0 against -0 and NaN: float32 and
                  float64's loops give the second argument on a tie,
                  float16's the first
"""
import os
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PARTS = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 100.0, 1e30, np.inf,
         -np.inf, np.nan]
COMPLEX = ['expm1(x)', 'exp2(x)', 'log1p(x)', 'log2(x)', 'log10(x)',
           'x ** y', 'x ** k', 'x ** 3', 'x ** -3', 'x ** 7', 'x ** 150',
           'power(x, 0.5 + y)', 'minimum(x, y)', 'maximum(x, y)',
           'fmin(x, y)', 'fmax(x, y)', 'clip(x, y, z)', 'clip(x, 1+1j, 3)']
ORDER = ['minimum(x, y)', 'maximum(x, y)', 'fmin(x, y)', 'fmax(x, y)',
         'clip(x, y, z)', 'clip(x, 0, 1)', 'clip(x, -1, 0)']
NAMES = {'expm1': 'expm1', 'exp2': 'exp2', 'log1p': 'log1p',
         'log2': 'log2', 'log10': 'log10', 'power': 'power',
         'minimum': 'minimum', 'maximum': 'maximum', 'fmin': 'fmin',
         'fmax': 'fmax', 'clip': 'clip'}


def save(name, a):
    np.save(os.path.join(HERE, name + '.npy'), a)


def label(expr):
    """A file name for an expression."""
    out = expr
    for a, b in [(' ** ', '-pow-'), ('(', '-'), (')', ''), (', ', '-'),
                 (' + ', 'p'), ('+', 'p'), ('.', '_'), (' ', '')]:
        out = out.replace(a, b)
    return out


def evaluate(expr, env):
    ns = {n: getattr(np, f) for n, f in NAMES.items()}
    with np.errstate(all='ignore'):
        return np.asarray(eval(expr, ns, env))


def write_cases(prefix, env, exprs, lines):
    """Save the operands env as PREFIX-NAME.npy and each expression's
    result, and add its line to lines."""
    for n, a in env.items():
        save(f'{prefix}-{n}', a)
    binds = ' '.join(f'{n}={prefix}-{n}' for n in env if n != 'x')
    for expr in exprs:
        name = f'{prefix}-{label(expr)}'
        save(name, evaluate(expr, env))
        lines.append(f'{name}|{expr}|{prefix}-x|{binds}')


def main():
    warnings.simplefilter('ignore')
    rng = np.random.default_rng(20)
    lines = []
    grid = np.array([complex(a, b) for a in PARTS for b in PARTS])
    perm_y, perm_z = rng.permutation(grid.size), rng.permutation(grid.size)
    ks = np.array([complex(k % 13 - 6, 0) for k in range(grid.size)])
    for dt, tag in [(np.complex64, 'c64'), (np.complex128, 'c128')]:
        env = {'x': grid.astype(dt), 'y': grid[perm_y].astype(dt),
               'z': grid[perm_z].astype(dt), 'k': ks.astype(dt)}
        write_cases(tag, env, COMPLEX, lines)
    ties = np.array([0.0, -0.0, 0.0, -0.0, np.nan, 1.0, -0.0, np.nan,
                     -1.0, 0.0, 2.0])
    other = np.array([-0.0, 0.0, 0.0, -0.0, 1.0, np.nan, np.nan, np.nan,
                      -0.0, -1.0, 0.0])
    third = np.array([0.0, 0.0, -0.0, -0.0, 0.0, -0.0, 0.0, 1.0, -0.0,
                      0.0, 1.0])
    for dt in ['float16', 'float32', 'float64']:
        env = {'x': ties.astype(dt), 'y': other.astype(dt),
               'z': third.astype(dt)}
        write_cases(f'ties-{dt}', env, ORDER, lines)
    with open(os.path.join(HERE, 'cases.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


main()
