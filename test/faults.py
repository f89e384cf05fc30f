"""faults.py TABLE DIR - write the inputs of the fault suite
(test/faults.bats): for each tool row of TABLE (test/faults.tsv) that reads
input, DIR/I-TOOL/ (I: the row's place, from 0) gets

  small.npy    two float64 records of the row's shape with its first axis
               1, written as numpy.save writes them but with headers not
               padded (so that a stream cut at every byte takes fewer runs)
  one.npy      the first of them alone
  big.npy      the first record 20000 times (outlasts a pipe's buffer)
  nan.npy      a record of the row's shape with NaN at flat index 1, inf at
               3 and -inf at 4
  zero.npy     a record of the row's shape with its first axis 0
  empty.npy    no bytes
  mixed.npy    the row's mixed records as one stream; mixed-I.npy each
  huge8.npy    the NPY header (no data) of a float64 record of about 2^62
               elements; huge1.npy the same with one-byte elements; the
               file huge.shape holds the shape as the tools print it
  claim.npy    the NPY header of a float64 record of about 1 PiB (the test
               appends 1000 bytes of its data); claim-f.npy the same in
               Fortran order
  alloc.npy    the NPY header of a float64 record of about 640 MB; its
               data (zeros) is appended by the test from a pipe
"""
import io
import os
import sys

import numpy as np


def header(descr, shape, fortran=False):
    """The NPY 1.0 header of a record with no data, as numpy.save pads it."""
    b = io.BytesIO()
    d = {'descr': descr, 'fortran_order': fortran, 'shape': shape}
    np.lib.format.write_array_header_1_0(b, d)
    return b.getvalue()


def compact(a):
    """a as numpy.save writes it, but with its header not padded."""
    h = header(a.dtype.str, a.shape)
    d = h[10:].rstrip(b' \n') + b'\n'
    return h[:8] + len(d).to_bytes(2, 'little') + d + a.tobytes()


def shape_str(shape):
    return '(' + ', '.join(str(n) for n in shape) + (',)' if len(shape) == 1
                                                     else ')')


def main():
    table, out = sys.argv[1:3]
    rng = np.random.default_rng(12)
    rows = [ln.rstrip('\n').split('\t') for ln in open(table)
            if ln.strip() and not ln.startswith(('#', 'tool\t'))]
    for i, f in enumerate(rows):
        tool, args, shape, mixed = f[0], f[1], f[2], f[3]
        d = os.path.join(out, f'{i}-{tool}')
        os.makedirs(d, exist_ok=True)
        if 'SHAPE' in args.split():
            continue                    # reads no input
        shape = tuple(int(n) for n in shape.split(','))
        recs = [compact(rng.standard_normal((1,) + shape[1:]))
                for _ in range(2)]
        open(os.path.join(d, 'small.npy'), 'wb').write(recs[0] + recs[1])
        open(os.path.join(d, 'one.npy'), 'wb').write(recs[0])
        open(os.path.join(d, 'big.npy'), 'wb').write(recs[0] * 40000)
        a = rng.standard_normal(shape)
        a.flat[1], a.flat[3], a.flat[4] = np.nan, np.inf, -np.inf
        np.save(os.path.join(d, 'nan.npy'), a)
        np.save(os.path.join(d, 'zero.npy'), np.zeros((0,) + shape[1:]))
        open(os.path.join(d, 'empty.npy'), 'wb').close()
        if mixed != '-':
            with open(os.path.join(d, 'mixed.npy'), 'wb') as o:
                for i, spec in enumerate(mixed.split()[mixed.startswith('first-dtype'):]):
                    sh, dt = spec.rsplit(':', 1)
                    sh = eval(sh)
                    sh = sh if isinstance(sh, tuple) else (sh,)
                    r = 1 + rng.random(sh) * 10
                    if dt.startswith('c'):
                        r = r + 1j * rng.random(sh)
                    r = r.astype(np.dtype(dt))
                    np.save(o, r)
                    np.save(os.path.join(d, f'mixed-{i}.npy'), r)
        rest = shape[1:]
        k = int(np.prod(rest, dtype=np.int64)) if rest else 1
        huge = (2**62 // k,) + rest
        open(os.path.join(d, 'huge8.npy'), 'wb').write(header('<f8', huge))
        open(os.path.join(d, 'huge1.npy'), 'wb').write(header('|u1', huge))
        open(os.path.join(d, 'huge.shape'), 'w').write(shape_str(huge))
        claim = (2**50 // (8 * k),) + rest
        open(os.path.join(d, 'claim.npy'), 'wb').write(header('<f8', claim))
        open(os.path.join(d, 'claim-f.npy'), 'wb').write(
            header('<f8', claim, fortran=True))
        big = (640000000 // (8 * k),) + rest
        open(os.path.join(d, 'alloc.npy'), 'wb').write(header('<f8', big))
        open(os.path.join(d, 'alloc.bytes'), 'w').write(str(big[0] * k * 8))


main()
