"""make.py - the golden files of test/raw.bats: headerless data as
numpy.ndarray.tofile writes it, and what numpy.fromfile reads from it.

    /usr/bin/python3 test/data/raw/make.py

Each NAME.raw has NAME.npy beside it, the array

    numpy.fromfile(f, DTYPE, offset=SKIP).reshape(SHAPE, order=ORDER)

saved in C order and the machine's byte order (as tpipe writes it), and
a line in MANIFEST: NAME DTYPE SHAPE SKIP ORDER, the options of
`tcat --raw DTYPE --shape SHAPE --skip SKIP --order ORDER NAME.raw`.
Deterministic: a second run writes the same bytes.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(19)
manifest = []


def write(name, dtype, shape, data, skip=0, order='C', header=b''):
    """data (a flat array of dtype, byte order included) after header:
    NAME.raw; what numpy reads from it as SHAPE in ORDER: NAME.npy."""
    assert len(header) == skip
    with open(os.path.join(HERE, name + '.raw'), 'wb') as f:
        f.write(header)
        data.astype(dtype).tofile(f)
    a = np.fromfile(os.path.join(HERE, name + '.raw'), dtype=dtype,
                    offset=skip)
    a = a.reshape(tuple(-1 if s == -1 else s for s in shape), order=order)
    a = np.ascontiguousarray(a.astype(a.dtype.newbyteorder('=')))
    np.save(os.path.join(HERE, name + '.npy'), a)
    manifest.append('%s %s %s %d %s' % (name, dtype, ','.join(
        str(s) for s in shape), skip, order))


# a 16-bit camera frame as most cameras dump it: little-endian
write('camera-u2', '<u2', (6, 8), rng.integers(0, 4096, 48))
# big-endian, as FITS, many scientific cameras and Java write
write('be-u2', '>u2', (6, 8), rng.integers(0, 65536, 48))
write('be-i4', '>i4', (3, 5), rng.integers(-2**31, 2**31, 15))
write('be-f4', '>f4', (3, 5), rng.standard_normal(15))
write('be-f8', '>f8', (2, 2, 3), rng.standard_normal(12))
write('be-f2', '>f2', (4, 4), rng.standard_normal(16))
write('be-c8', '>c8', (2, 3), rng.standard_normal(6) +
      1j * rng.standard_normal(6))
write('be-c16', '>c16', (5,), rng.standard_normal(5) +
      1j * rng.standard_normal(5))
# Fortran order (MATLAB's fwrite, Fortran's unformatted records)
write('f-f8', '<f8', (3, 4), rng.standard_normal(12), order='F')
write('f-be-i2', '>i2', (2, 3, 4), rng.integers(-2**15, 2**15, 24),
      order='F')
write('f-c8', '<c8', (2, 3, 2), rng.standard_normal(12) +
      1j * rng.standard_normal(12), order='F')
# a header of 100 bytes the options skip; -1 takes the rest
write('skip-u1', '|u1', (-1, 10), rng.integers(0, 256, 60), skip=100,
      header=bytes(rng.integers(0, 256, 100, dtype=np.uint8)))
write('skip-f4-infer', '<f4', (2, -1), rng.standard_normal(14), skip=7,
      header=b'HEADER!')
write('bool', '|b1', (3, 3), rng.integers(0, 2, 9))

with open(os.path.join(HERE, 'MANIFEST'), 'w') as f:
    f.write('# NAME DTYPE SHAPE SKIP ORDER (make.py)\n')
    f.write('\n'.join(manifest) + '\n')
