#!/usr/bin/python3
"""mat_check.py MAT GOLD NAMES: the MAT-file MAT, read by
scipy.io.loadmat, must hold the records of the NPY stream GOLD in their
order, named by the lines of the file NAMES ('-': x1, x2, ...): each
variable as loadmat_records reads it equal to its record in dtype,
shape and values (NaN equal to NaN), a 1-D record of n elements read
as 1 x n and a 0-D one as 1 x 1, as MATLAB holds them.  Prints what
differs; exits 1.  test/data/mat/make.py reads the golden files with
loadmat_records too."""
import os
import sys
import warnings

import numpy as np
import scipy.io as sio


def loadmat_records(path):
    """The variables of path in file order, as (name, array): loadmat's
    arrays in the dtype of their MATLAB class (mat_dtype=True, whose
    logical is bool and whose MATLAB-compacted doubles are float64),
    except complex ones, which mat_dtype=True mangles (it drops the
    imaginary part of complex64); native byte order, C order."""
    plain = sio.loadmat(path)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', np.ComplexWarning)
        typed = sio.loadmat(path, mat_dtype=True)
    out = []
    for k in plain:
        if k.startswith('__'):
            continue
        a = plain[k] if plain[k].dtype.kind == 'c' else typed[k]
        a = a.astype(a.dtype.newbyteorder('='))
        out.append((k, np.ascontiguousarray(a)))
    return out


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from npystream import records
    path, gold, names = sys.argv[1:4]
    want = records(gold)
    names = [f'x{i + 1}' for i in range(len(want))] if names == '-' else \
        open(names).read().split()
    got = loadmat_records(path)
    bad = []
    if [k for k, _ in got] != names:
        bad.append(f'names {[k for k, _ in got]} != {names}')
    for (k, a), b in zip(got, want):
        b = b.reshape((1, b.size) if b.ndim < 2 else b.shape)
        if a.dtype != b.dtype or a.shape != b.shape:
            bad.append(f'{k}: {a.dtype} {a.shape} != {b.dtype} {b.shape}')
        elif not np.array_equal(a, b, equal_nan=a.dtype.kind in 'fc'):
            bad.append(f'{k}: values differ')
    if len(got) != len(want):
        bad.append(f'{len(got)} variables, {len(want)} records')
    for b in bad:
        print(f'mat_check: {path}: {b}')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
