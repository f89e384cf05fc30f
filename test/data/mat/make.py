#!/usr/bin/python3
"""make.py: the golden MATLAB .mat files of test/mat.bats, and what their
readers say is in them.  Run with /usr/bin/python3 (numpy, scipy, h5py)
in this directory; it rewrites every file it makes.

- scipy-*.mat: scipy.io.savemat, v4 and v5, compressed and not.
- hand-*.mat: what savemat cannot write, byte by byte after the MAT-File
  Format (MathWorks): big-endian files, MATLAB's own compaction (a double
  array stored as int8 or uint8 data), complex integers, short names in
  the small element form, objects, function handles; each is checked
  here by reading it back with scipy.io.loadmat.
- h5py-*.mat: v7.3 files made with h5py after MATLAB's layout: an HDF5
  file with a 512-byte user block whose first 128 bytes are the MAT-file
  header ("MATLAB 7.3 MAT-file", version 0x0200), a dataset per variable
  holding the array's transpose (HDF5 is row-major), a MATLAB_class
  attribute (a fixed-length, NUL-terminated string, as MATLAB writes it),
  MATLAB_int_decode for logical and char, a compound (real, imag) type for
  complex, MATLAB_empty and the dimensions for an empty array.

For each readable FILE.mat, FILE.npy is the NPY stream of its variables in
file order, as the reference reads them: scipy.io.loadmat for v4 and v5
(its arrays, in the dtype of their MATLAB class: loadmat's mat_dtype=True,
whose logical is bool, except for complex arrays, which it mangles under
mat_dtype=True), h5py for v7.3 (each dataset transposed back); FILE.names
holds their names, one a line (test/mat_check.py's loadmat_records is
the reading).  refuse-*.mat hold a variable tpipe
refuses; refuse-*.why names it and its class as tpipe's message does.
"""
import os
import struct
import sys
import zlib

import h5py
import numpy as np
import scipy.io as sio
import scipy.sparse as sp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..'))
from mat_check import loadmat_records    # noqa: E402  (the one reading)

rng = np.random.RandomState(19)


def classes():
    """A variable of every numeric class, logical and complex too."""
    d = {}
    d['f8'] = rng.randn(3, 4)
    d['f8'][0, 1] = np.nan
    d['f8'][1, 2] = np.inf
    d['f8'][2, 3] = -0.0
    d['f4'] = rng.randn(2, 3).astype(np.float32)
    for t in ('int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32',
              'int64', 'uint64'):
        info = np.iinfo(t)
        a = np.array([[info.min, 0, 1], [info.max, 7, info.max - 1]], t)
        d[t] = a
    d['logic'] = np.array([[True, False, True], [False, False, True]])
    d['c16'] = rng.randn(2, 2) + 1j * rng.randn(2, 2)
    d['c8'] = (rng.randn(1, 3) + 1j * rng.randn(1, 3)).astype(np.complex64)
    d['nd'] = np.arange(24.0).reshape(2, 3, 4)
    d['nd4'] = np.arange(12, dtype=np.int16).reshape(2, 1, 3, 2)
    d['empty'] = np.zeros((0, 3))
    d['scalar'] = np.float64(2.5)
    d['row'] = np.arange(5.0)           # savemat writes it as 1 x 5
    d['col'] = np.arange(5.0).reshape(5, 1)
    return d


def expected(path):
    """The variables of path as loadmat reads them (see above)."""
    return loadmat_records(path)


def save_expected(stem, recs):
    with open(stem + '.npy', 'wb') as f:
        for _, a in recs:
            np.save(f, a)
    with open(stem + '.names', 'w') as f:
        f.write(''.join(k + '\n' for k, _ in recs))


# --- v5 by hand -----------------------------------------------------------

MI = {'int8': 1, 'uint8': 2, 'int16': 3, 'uint16': 4, 'int32': 5,
      'uint32': 6, 'float32': 7, 'float64': 9, 'int64': 12, 'uint64': 13}
CLASS = {'cell': 1, 'struct': 2, 'object': 3, 'char': 4, 'sparse': 5,
         'double': 6, 'single': 7, 'int8': 8, 'uint8': 9, 'int16': 10,
         'uint16': 11, 'int32': 12, 'uint32': 13, 'int64': 14, 'uint64': 15,
         'function': 16, 'opaque': 17}


def sub(e, t, data):
    """A subelement of type t: the small form when it fits in 4 bytes."""
    if 0 < len(data) <= 4:
        return struct.pack(e + 'I', len(data) << 16 | t) + data.ljust(4, b'\0')
    pad = -len(data) % 8
    return struct.pack(e + 'II', t, len(data)) + data + b'\0' * pad


def array(e, a):
    """The data subelement of array a (column-major, byte order e)."""
    a = np.asarray(a)
    raw = a.astype(a.dtype.newbyteorder(e)).tobytes(order='F')
    return sub(e, MI[a.dtype.name], raw)


def matrix(e, name, cls, dims, parts=(), flags=0, extra=b''):
    """A miMATRIX element: array flags, dimensions, name, then parts."""
    body = sub(e, 6, struct.pack(e + 'II', CLASS[cls] | flags, 0))
    if cls != 'opaque':
        body += sub(e, 5, struct.pack(e + '%di' % len(dims), *dims))
    body += sub(e, 1, name.encode()) + extra
    for p in parts:
        body += array(e, p)
    return struct.pack(e + 'II', 14, len(body)) + body


def compressed(e, element):
    z = zlib.compress(element)
    return struct.pack(e + 'II', 15, len(z)) + z


def v5_file(path, e, elements, text=b'MATLAB 5.0 MAT-file, made by make.py'):
    head = text.ljust(116, b' ') + b'\0' * 8
    head += struct.pack(e + 'H', 0x0100) + (b'IM' if e == '<' else b'MI')
    with open(path, 'wb') as f:
        f.write(head + b''.join(elements))


def hand_files():
    a = np.array([[1.5, -2.0, 3.25], [4.0, 5.0, -6.5]])
    i = np.array([[-3, 4], [5, -32768]], np.int16)
    z = np.array([[1 + 2j, -3.5 - 4j, 0.5j]], np.complex64)
    for e, stem in (('>', 'hand-v5-be'), ('<', 'hand-v5-le')):
        els = [matrix(e, 'a', 'double', a.shape, [a]),
               matrix(e, 'int', 'int16', i.shape, [i]),
               matrix(e, 'z', 'single', z.shape, [z.real, z.imag], 0x800),
               matrix(e, 'logic', 'uint8', (1, 3),
                      [np.array([[1, 0, 1]], np.uint8)], 0x200),
               compressed(e, matrix(e, 'zipped', 'double', (3, 1),
                                    [np.array([1.0, 2.0, 3.0])]))]
        v5_file(stem + '.mat', e, els)
        save_expected(stem, expected(stem + '.mat'))
    # MATLAB's own compaction: a double array stored as small integers
    long = 'a' * 62 + 'Z'
    els = [matrix('<', 'u8', 'double', (2, 2),
                  [np.array([[0, 1], [254, 255]], np.uint8)]),
           matrix('<', 'i8d', 'double', (1, 3),
                  [np.array([[-128, 0, 127]], np.int8)]),
           matrix('<', 'zi16', 'int16', (1, 2),
                  [np.array([[1, -2]], np.int16),
                   np.array([[3, 32767]], np.int16)], 0x800),
           compressed('<', matrix('<', long, 'single', (2, 1),
                                  [np.array([[1], [-1]], np.int8)]))]
    v5_file('hand-matlab.mat', '<', els)
    save_expected('hand-matlab', expected('hand-matlab.mat'))
    # v4, big-endian, by hand: type code 1000 + P*10
    with open('hand-v4-be.mat', 'wb') as f:
        for name, p, arr in (('be', 0, a), ('bei', 3, i)):
            nm = name.encode() + b'\0'
            f.write(struct.pack('>5i', 1000 + 10 * p, arr.shape[0],
                                arr.shape[1], 0, len(nm)) + nm)
            f.write(arr.astype(arr.dtype.newbyteorder('>')).tobytes('F'))
    save_expected('hand-v4-be', expected('hand-v4-be.mat'))


def hand_refused():
    """Objects and function handles, and a complex int64."""
    e = '<'
    obj = matrix(e, 'obj', 'object', (1, 1),
                 extra=sub(e, 1, b'myclass') + sub(e, 5, struct.pack('<i', 32))
                 + sub(e, 1, b''))
    v5_file('refuse-object.mat', e, [obj])
    nofields = sub(e, 5, struct.pack('<i', 32)) + sub(e, 1, b'')
    fn = matrix(e, 'fh', 'function', (1, 1),
                extra=matrix(e, '', 'struct', (1, 1), extra=nofields))
    v5_file('refuse-function.mat', e, [fn])
    zi = matrix(e, 'zi64', 'int64', (1, 1), [np.array([[1]], np.int64),
                                             np.array([[2]], np.int64)], 0x800)
    v5_file('refuse-cint64.mat', e, [zi])
    # loadmat reads them as what they are
    assert isinstance(sio.loadmat('refuse-object.mat')['obj'],
                      sio.matlab.MatlabObject)
    assert isinstance(sio.loadmat('refuse-function.mat')['fh'],
                      sio.matlab.MatlabFunction)
    assert sio.loadmat('refuse-cint64.mat')['zi64'][0, 0] == 1 + 2j
    why = {'refuse-object': "variable 'obj' is an object",
           'refuse-function': "variable 'fh' is a function handle",
           'refuse-cint64': "variable 'zi64' is complex int64"}
    for stem, w in why.items():
        with open(stem + '.why', 'w') as f:
            f.write(w + '\n')


# --- v7.3 with h5py ---------------------------------------------------------

def v73_header(path):
    t = (b'MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: '
         b'Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 .')
    h = t.ljust(116, b' ') + b'\0' * 8 + b'\x00\x02IM'
    with open(path, 'r+b') as f:
        f.write(h)


def class_attr(obj, cls):
    """MATLAB_class as MATLAB writes it: NUL-terminated, no NUL stored."""
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(len(cls))
    tid.set_strpad(h5py.h5t.STR_NULLTERM)
    aid = h5py.h5a.create(obj.id, b'MATLAB_class', tid,
                          h5py.h5s.create(h5py.h5s.SCALAR))
    aid.write(np.array(cls.encode(), 'S%d' % len(cls)), mtype=tid)


def v73_var(f, name, a, cls, **kw):
    a = np.asarray(a)
    if a.dtype.kind == 'c':
        ct = np.dtype([('real', a.real.dtype), ('imag', a.real.dtype)])
        t = np.empty(a.T.shape, ct)
        t['real'], t['imag'] = a.T.real, a.T.imag
        d = f.create_dataset(name, data=t, **kw)
    elif a.size == 0:
        d = f.create_dataset(name, data=np.array(a.shape, np.uint64))
        d.attrs['MATLAB_empty'] = np.uint8(1)
    else:
        d = f.create_dataset(name, data=a.T.astype(
            np.uint8 if cls == 'logical' else a.dtype), **kw)
    class_attr(d, cls)
    if cls == 'logical':
        d.attrs['MATLAB_int_decode'] = np.int32(1)
    return d


def h5_expected(path):
    """The variables as h5py reads them: each dataset transposed back."""
    out = []
    with h5py.File(path, 'r') as f:
        for k in f:             # h5py lists them by name, as HDF5 does
            d = f[k]
            cls = d.attrs['MATLAB_class'].decode()
            if 'MATLAB_empty' in d.attrs:
                a = np.zeros(tuple(int(n) for n in d[()]),
                             {'double': np.float64}[cls])
            elif d.dtype.names:
                v = d[()]
                a = (v['real'] + 1j * v['imag']).T
            else:
                a = d[()].T
                if cls == 'logical':
                    a = a.astype(bool)
            out.append((k, np.ascontiguousarray(a)))
    return out


def h5_files():
    path = 'h5py-v73.mat'
    d = classes()
    with h5py.File(path, 'w', userblock_size=512) as f:
        for k, a in d.items():
            a = np.atleast_2d(a) if k != 'row' else a.reshape(1, -1)
            cls = {'float64': 'double', 'float32': 'single',
                   'complex128': 'double', 'complex64': 'single',
                   'bool': 'logical'}.get(a.dtype.name, a.dtype.name)
            v73_var(f, k, a, cls)
        v73_var(f, 'zipped', rng.randn(20, 3), 'double', chunks=(3, 5),
                compression='gzip')
    v73_header(path)
    save_expected('h5py-v73', h5_expected(path))
    with h5py.File('h5py-small.mat', 'w', userblock_size=512) as f:
        v73_var(f, 'a', d['f8'][:2, :3], 'double')
    v73_header('h5py-small.mat')
    save_expected('h5py-small', h5_expected('h5py-small.mat'))
    with h5py.File('refuse-v73-struct.mat', 'w', userblock_size=512) as f:
        v73_var(f, 'a', np.ones((1, 1)), 'double')
        g = f.create_group('s')
        class_attr(g, 'struct')
        v73_var(g, 'field', np.ones((1, 1)), 'double')
    v73_header('refuse-v73-struct.mat')
    with h5py.File('refuse-v73-char.mat', 'w', userblock_size=512) as f:
        d = v73_var(f, 'text', np.array([[104, 105]], np.uint16), 'char')
        d.attrs['MATLAB_int_decode'] = np.int32(2)
    v73_header('refuse-v73-char.mat')
    for stem, w in (('refuse-v73-struct', "variable 's' is a struct"),
                    ('refuse-v73-char', "variable 'text' is char (text)")):
        with open(stem + '.why', 'w') as f:
            f.write(w + '\n')


def savemat(path, d, **kw):
    """scipy.io.savemat, its header's date made fixed (so make.py
    writes the same files each time)."""
    sio.savemat(path, d, **kw)
    if kw.get('format') == '4':
        return
    with open(path, 'r+b') as f:
        head = f.read(116)
        assert head.startswith(b'MATLAB 5.0 MAT-file Platform: ')
        f.seek(0)
        f.write(head[:head.index(b'Created on: ') + 12].ljust(116, b'\0')
                .replace(b'\0' * 24, b'Mon Jan  1 00:00:00 2024', 1))


def scipy_files():
    d = classes()
    savemat('scipy-v5.mat', d)
    save_expected('scipy-v5', expected('scipy-v5.mat'))
    savemat('scipy-v5z.mat', d, do_compression=True)
    save_expected('scipy-v5z', expected('scipy-v5z.mat'))
    v4 = {'f8': d['f8'], 'f4': d['f4'], 'int32': d['int32'],
          'int16': d['int16'], 'uint16': d['uint16'], 'uint8': d['uint8'],
          'c16': d['c16'], 'scalar': d['scalar'], 'row': d['row'],
          'empty': d['empty']}
    savemat('scipy-v4.mat', v4, format='4')
    save_expected('scipy-v4', expected('scipy-v4.mat'))
    # small ones, to cut at every byte
    small = {'a': d['f8'][:2, :3], 'b': d['int16'][:1], 'c': d['c8']}
    savemat('small-v5.mat', small)
    save_expected('small-v5', expected('small-v5.mat'))
    savemat('small-v5z.mat', small, do_compression=True)
    save_expected('small-v5z', expected('small-v5z.mat'))
    savemat('small-v4.mat', small, format='4')
    save_expected('small-v4', expected('small-v4.mat'))
    # refused: what precedes the refused variable is read first
    for stem, var, why in (
            ('refuse-cell', np.array([[1.0, 'a']], dtype=object),
             'a cell array'),
            ('refuse-struct', {'f': 1.0}, 'a struct'),
            ('refuse-sparse', sp.csc_matrix(np.eye(3)), 'a sparse matrix'),
            ('refuse-char', 'text', 'char (text)')):
        savemat(stem + '.mat', {'first': np.ones((1, 2)), 'bad': var})
        with open(stem + '.why', 'w') as f:
            f.write("variable 'bad' is %s\n" % why)
    savemat('refuse-v4-text.mat', {'first': np.ones((1, 2)),
                                       'bad': 'text'}, format='4')
    savemat('refuse-v4-sparse.mat', {'first': np.ones((1, 2)),
                                         'bad': sp.csc_matrix(np.eye(2))},
                format='4')
    for stem, why in (('refuse-v4-text', 'char (text)'),
                      ('refuse-v4-sparse', 'a sparse matrix')):
        with open(stem + '.why', 'w') as f:
            f.write("variable 'bad' is %s\n" % why)


scipy_files()
hand_files()
hand_refused()
h5_files()
