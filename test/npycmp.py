#!/usr/bin/python3
"""npycmp.py A B [RTOL] [--dtype-free]: compare two NPY streams record by
record.  Shapes must match; dtypes too unless --dtype-free.  With RTOL 0
(the default) values must be equal (NaN equal to NaN); otherwise
max|a-b| <= RTOL * max|b| per record.  Prints what differs; exit 1."""
import sys
import numpy as np
from npystream import records

args = [a for a in sys.argv[1:] if not a.startswith('--')]
dtype_free = '--dtype-free' in sys.argv
a_path, b_path = args[0], args[1]
rtol = float(args[2]) if len(args) > 2 else 0.0
ra, rb = records(a_path), records(b_path)
if len(ra) != len(rb):
    sys.exit(f"npycmp: {a_path} has {len(ra)} records, {b_path} has {len(rb)}")
for i, (a, b) in enumerate(zip(ra, rb)):
    if a.shape != b.shape:
        sys.exit(f"npycmp: record {i}: shape {a.shape} != {b.shape}")
    if not dtype_free and a.dtype != b.dtype:
        sys.exit(f"npycmp: record {i}: dtype {a.dtype} != {b.dtype}")
    if rtol == 0:
        if not np.array_equal(a, b, equal_nan=a.dtype.kind in 'fc'):
            bad = np.argwhere(~((a == b) | ((a != a) & (b != b))))
            sys.exit(f"npycmp: record {i}: differs at {tuple(bad[0])}: "
                     f"{a[tuple(bad[0])]!r} != {b[tuple(bad[0])]!r}")
    else:
        if a.size == 0:
            continue
        scale = float(np.max(np.abs(b))) or 1.0
        err = np.abs(a.astype(np.complex128) - b.astype(np.complex128))
        worst = float(np.nanmax(err)) if err.size else 0.0
        if not np.isfinite(err).all() and not np.array_equal(
                np.isnan(a), np.isnan(b)):
            sys.exit(f"npycmp: record {i}: NaN pattern differs")
        if worst > rtol * scale:
            idx = np.unravel_index(np.nanargmax(err), err.shape)
            sys.exit(f"npycmp: record {i}: max error {worst:.3g} at {idx} "
                     f"> {rtol:g} * {scale:.3g}")
