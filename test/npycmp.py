#!/usr/bin/python3
"""npycmp.py A B [RTOL] [--dtype-free] [--bits]: compare two NPY streams
record by record; B is the reference.  Shapes must match; dtypes too
unless --dtype-free.  With RTOL 0 (the default) values must be equal (NaN
equal to NaN), and with --bits their bits too (0 is not -0), but for a
NaN's (any NaN where B has one: its sign and payload are not IEEE's to
say).  Otherwise NaN must be where B has NaN and an infinity where B
has the same infinity (real and imaginary parts apart), and on the other
values max|a-b| <= RTOL * (the largest finite |b| of the record, or 1 if
there is none or it is 0).  Two empty streams are an error (nothing was
compared).  Prints what differs; exit 1."""
import sys
import numpy as np
from npystream import records


def parts(x):
    """The real parts and, for complex x, the imaginary parts too."""
    x = np.asarray(x)
    if x.dtype.kind == 'c':
        return [x.real, x.imag]
    return [x.astype(np.float64) if x.dtype.kind in 'biu' else x]


def same_bits(i, a, b):
    """None if the float parts of a and b have the same bits but for
    NaNs (NaN in the same places, any NaN), else why not."""
    for pa, pb in zip(parts(a), parts(b)):
        pa, pb = np.ascontiguousarray(pa), np.ascontiguousarray(pb)
        ia = pa.view(f'u{pa.itemsize}')
        ib = pb.view(f'u{pb.itemsize}')
        bad = (ia != ib) & ~(np.isnan(pa) & np.isnan(pb))
        if bad.any():
            k = tuple(np.argwhere(bad)[0])
            return f"record {i}: bits differ at {k}: {a[k]!r} != {b[k]!r}"
    return None


def compare(i, a, b, rtol, bits=False):
    """None if record i of A (a) matches B's (b) to rtol, else why not."""
    if rtol == 0:
        if not np.array_equal(a, b, equal_nan=a.dtype.kind in 'fc'):
            bad = np.argwhere(~((a == b) | ((a != a) & (b != b))))
            k = tuple(bad[0])
            return f"record {i}: differs at {k}: {a[k]!r} != {b[k]!r}"
        if bits and a.dtype.kind in 'fc' and a.dtype == b.dtype:
            return same_bits(i, a, b)
        return None
    if a.size == 0:
        return None         # equal shapes with no elements: equal
    for pa, pb in zip(parts(a), parts(b)):
        for what, ma, mb in (('NaN', np.isnan(pa), np.isnan(pb)),
                             ('+inf', np.isposinf(pa), np.isposinf(pb)),
                             ('-inf', np.isneginf(pa), np.isneginf(pb))):
            if not np.array_equal(ma, mb):
                k = tuple(np.argwhere(ma != mb)[0])
                return (f"record {i}: {what} pattern differs at {k}: "
                        f"{a[k]!r} vs {b[k]!r}")
    fin_b = np.isfinite(b) if b.dtype.kind != 'c' else (
        np.isfinite(b.real) & np.isfinite(b.imag))
    fin = fin_b & (np.isfinite(a) if a.dtype.kind != 'c' else (
        np.isfinite(a.real) & np.isfinite(a.imag)))
    if not fin.any():
        return None         # every value non-finite, and in the same places
    bb = np.abs(b[fin_b].astype(np.complex128))
    scale = float(bb.max()) if bb.size else 0.0
    scale = scale or 1.0
    err = np.zeros(a.shape)
    err[fin] = np.abs(a[fin].astype(np.complex128) -
                      b[fin].astype(np.complex128))
    worst = float(err.max())
    if not worst <= rtol * scale:
        idx = np.unravel_index(np.argmax(err), err.shape)
        return (f"record {i}: max error {worst:.3g} at {idx} "
                f"> {rtol:g} * {scale:.3g}")
    return None


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    dtype_free = '--dtype-free' in sys.argv
    bits = '--bits' in sys.argv
    if len(args) not in (2, 3):
        sys.exit("usage: npycmp.py A B [RTOL] [--dtype-free] [--bits]")
    a_path, b_path = args[0], args[1]
    rtol = float(args[2]) if len(args) > 2 else 0.0
    if not rtol >= 0:
        sys.exit(f"npycmp: bad tolerance {args[2]!r}")
    ra, rb = records(a_path), records(b_path)
    if len(ra) != len(rb):
        sys.exit(f"npycmp: {a_path} has {len(ra)} records, "
                 f"{b_path} has {len(rb)}")
    if not rb:
        sys.exit(f"npycmp: {a_path} and {b_path} hold no records: "
                 "nothing compared")
    for i, (a, b) in enumerate(zip(ra, rb)):
        if a.shape != b.shape:
            sys.exit(f"npycmp: record {i}: shape {a.shape} != {b.shape}")
        if not dtype_free and a.dtype != b.dtype:
            sys.exit(f"npycmp: record {i}: dtype {a.dtype} != {b.dtype}")
        why = compare(i, a, b, rtol, bits)
        if why:
            sys.exit(f"npycmp: {why}")


main()
