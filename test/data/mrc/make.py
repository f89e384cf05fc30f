#!/usr/bin/python3
"""make.py - write the MRC reference files of test/mrc.bats.

Run with Debian's python: /usr/bin/python3 test/data/mrc/make.py
Deterministic (mrcfile's label, which holds the time, is set to a fixed
text): a second run rewrites the same bytes.  Each NAME.mrc has NAME.npy
beside it, the record tpipe must read: mrcfile's data array, with its
axes put in (Z, Y, X) order where MAPC, MAPR, MAPS are not 1, 2, 3
(mrcfile leaves them as stored).  Modes mrcfile cannot write (101) and
the IMOD flag it does not read are made here by the MRC2014 and IMOD
specifications, on a header mrcfile wrote.

    mode0       int8 image (Y, X), ISPG 0
    mode1       int16 volume (Z, Y, X), ISPG 1
    mode2-ext   float32 volume with a 160-byte extended header (SERI)
    mode4       complex64 volume
    mode6-stack uint16 image stack: ISPG 0, NZ 3, read as (Z, Y, X)
    mode12      float16 volume
    big         float32 volume, big-endian (machine stamp 0x11 0x11)
    vol1        float32 volume of one section: (1, Y, X), as mrcfile
    vstack      float32 volume stack, ISPG 401: (N, Z, Y, X)
    axes-213    MAPC 2, MAPR 1, MAPS 3: columns are Y, rows X
    axes-312    MAPC 3, MAPR 1, MAPS 2: columns Z, rows X, sections Y
    mode101     4-bit values, NX 5 (odd: each row ends in a spare nibble)
    imod-u1     mode 0 with IMOD's stamp and its signed-bytes flag clear:
                uint8, as IMOD reads it (mrcfile gives the same bytes
                as int8)
    two         mode1 then mode0, back to back (two.npy holds both)
"""
import os

import mrcfile
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def write(name, data, ispg=None, ext=None, axes=None):
    """Write data with mrcfile; returns what tpipe must read."""
    with mrcfile.new(path(name + '.mrc'), overwrite=True) as m:
        m.set_data(data)
        if ispg == 0 and data.ndim == 3:
            m.set_image_stack()
        if ext is not None:
            m.set_extended_header(ext)
            m.header.exttyp = b'SERI'
        if axes is not None:
            m.header.mapc, m.header.mapr, m.header.maps = axes
        m.voxel_size = 1.0
        m.header.label[0] = b'test/data/mrc/make.py'
    with mrcfile.open(path(name + '.mrc')) as m:
        got = np.asarray(m.data).copy()
        axes = (int(m.header.mapc), int(m.header.mapr), int(m.header.maps))
    if axes != (1, 2, 3):
        # stored (sections, rows, columns); output axes Z, Y, X
        labels = (axes[2], axes[1], axes[0])
        got = np.transpose(got, [labels.index(3 - i) for i in range(3)])
    out = got.astype(got.dtype.newbyteorder('='))
    np.save(path(name + '.npy'), out)
    return out


def patch(name, offset, raw):
    with open(path(name + '.mrc'), 'r+b') as f:
        f.seek(offset)
        f.write(raw)


def mode101(rng):
    """4-bit values by the spec, on a header mrcfile wrote for mode 0."""
    v = rng.integers(0, 16, (2, 3, 5)).astype(np.uint8)
    write('mode101', v.astype(np.int8))
    rows = v.reshape(-1, 5)
    padded = np.concatenate([rows, np.zeros((rows.shape[0], 1), np.uint8)],
                            1)
    packed = (padded[:, 0::2] | (padded[:, 1::2] << 4)).astype(np.uint8)
    with open(path('mode101.mrc'), 'r+b') as f:
        f.seek(12)
        f.write((101).to_bytes(4, 'little'))
        f.seek(1024)
        f.write(packed.tobytes())
        f.truncate()
    np.save(path('mode101.npy'), v)


def main():
    rng = np.random.default_rng(2014)
    write('mode0', rng.integers(-128, 128, (4, 6)).astype(np.int8))
    a = write('mode1', rng.integers(-3000, 3000, (3, 4, 5)).astype(np.int16))
    write('mode2-ext', rng.standard_normal((2, 3, 4)).astype(np.float32),
          ext=np.arange(160, dtype=np.uint8).view('V1'))
    write('mode4', (rng.standard_normal((2, 3, 4)) +
                    1j * rng.standard_normal((2, 3, 4))).astype(np.complex64))
    write('mode6-stack', rng.integers(0, 65536, (3, 4, 5)).astype(np.uint16),
          ispg=0)
    write('mode12', rng.standard_normal((2, 3, 4)).astype(np.float16))
    write('big', rng.standard_normal((2, 3, 4)).astype('>f4'))
    write('vol1', rng.standard_normal((1, 3, 4)).astype(np.float32))
    write('vstack', rng.standard_normal((2, 3, 4, 5)).astype(np.float32))
    write('axes-213', rng.standard_normal((2, 3, 4)).astype(np.float32),
          axes=(2, 1, 3))
    write('axes-312', rng.standard_normal((2, 3, 4)).astype(np.float32),
          axes=(3, 1, 2))
    mode101(rng)
    u = rng.integers(0, 256, (3, 5)).astype(np.uint8)
    write('imod-u1', u.view(np.int8))
    patch('imod-u1', 152, (1146047817).to_bytes(4, 'little') +
          (0).to_bytes(4, 'little'))
    np.save(path('imod-u1.npy'), u)
    b = np.load(path('mode0.npy'))
    with open(path('two.mrc'), 'wb') as f:
        for n in ('mode1', 'mode0'):
            with open(path(n + '.mrc'), 'rb') as g:
                f.write(g.read())
    with open(path('two.npy'), 'wb') as f:
        np.save(f, a)
        np.save(f, b)


main()
