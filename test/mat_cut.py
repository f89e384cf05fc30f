#!/usr/bin/python3
"""mat_cut.py [--step N] [--file] [--flip] MAT GOLD TOOL [ARG...]: run
TOOL ARG... (tcat, say) on damaged copies of the MAT-file MAT, whose
records are the NPY stream GOLD, and check each outcome (test/mat.bats).

Cut (the default): every prefix of MAT (every N-th with --step, and
every variable's end), on standard input, or with --file as a file
named on the command line:
  - a prefix ending where a variable ends (or the v5 header, or empty):
    exit 0, no message, on stdout exactly the records before it;
  - any other: exit 1, one line "TOOL: ..." that names the input and,
    once the first bytes say MAT-file, the record cut (0 for a v7.3
    file, which HDF5 reads whole); on stdout exactly the records before
    the cut one.  Every 17th such prefix also runs with -o in an empty
    directory, which must stay empty.

--flip: every byte of the first 160 after the header (v5), after the
user block (v7.3: the HDF5 superblock and what follows) or of the
first 160 (v4) set to 0x00, to 0xff and to its value xor 0x10;
under TPIPE_TEST_SPARSE=N (test/sparse.py) every Nth byte, and every
N-th prefix times the step of the cuts;
each run must exit 0, or exit 1 with one line, and write only whole
records (a stream numpy reads), nothing else (no crash, no hang, no
second line).

Prints each case that fails; exits 1 if any did.  Runs are bounded as
faults_cut.py bounds them.
"""
import io
import os
import re
import struct
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faults_cut import run          # noqa: E402  (bounded, as there)
from npystream import records       # noqa: E402
from sparse import SPARSE           # noqa: E402


def ends(data):
    """The byte offsets where a v4 or v5 file's variables end (0 and
    the header's end included); None for v7.3."""
    if len(data) >= 128 and data[124:128] in (b'\0\1IM', b'\1\0MI'):
        e = '<' if data[126:128] == b'IM' else '>'
        out, off = [0, 128], 128
        while off + 8 <= len(data):
            off += 8 + struct.unpack(e + 'I', data[off + 4:off + 8])[0]
            out.append(off)
        return out
    if len(data) >= 128 and data[124:128] in (b'\0\2IM', b'\2\0MI'):
        return None
    out, off = [0], 0
    while off + 20 <= len(data):
        t = struct.unpack('<i', data[off:off + 4])[0]
        e = '<' if t < 1000 else '>'
        t, m, n, imag, nl = struct.unpack(e + '5i', data[off:off + 20])
        size = (8, 4, 4, 2, 2, 1)[t % 1000 // 10]
        off += 20 + nl + m * n * size * (imag + 1)
        out.append(off)
    return out


def npy_bytes(recs):
    f = io.BytesIO()
    for a in recs:
        np.save(f, a)
    return f.getvalue()


def whole_records(out):
    """None if out is NPY records back to back, else why not."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(out)
        f.flush()
        try:
            records(f.name)
        except Exception as e:      # noqa: BLE001  (any failure to read)
            return f'stdout is not whole NPY records: {e}'
    return None


def one_line(tool, err):
    return err.count('\n') == 1 and err.endswith('\n') and \
        err.startswith(tool + ': ')


class Case:
    def __init__(self, argv, tool, gold, path):
        self.argv, self.tool, self.gold, self.path = argv, tool, gold, path

    def go(self, data, name, use_file, with_o=False):
        """Run on data; return (status, stdout, stderr, o_left)."""
        with tempfile.TemporaryDirectory() as d:
            argv, stdin = list(self.argv), data
            if use_file:
                p = os.path.join(d, 'in.mat')
                with open(p, 'wb') as f:
                    f.write(data)
                argv, stdin = argv + [p], b''
            st, out, err = run(argv, stdin)
            left = None
            if with_o:
                od = os.path.join(d, 'o')
                os.mkdir(od)
                run(argv + ['-o', os.path.join(od, 'out.npy')], stdin)
                left = os.listdir(od)
        return st, out, err, left

    def cut(self, k, ends_, use_file):
        data = open(self.path, 'rb').read()[:k]
        name = 'in.mat' if use_file else '<stdin>'
        size = os.path.getsize(self.path)
        if ends_ is None:               # v7.3: all or nothing
            clean, nrec = k in (0, size), len(self.gold) if k == size else 0
            named = k >= 6
        else:
            v5 = ends_[1:2] == [128]
            clean = k in ends_
            nrec = sum(1 for e in ends_[2 if v5 else 1:] if e <= k)
            named = k >= (6 if v5 else 4)
        where = f'cut after {k} bytes{" (file)" if use_file else ""}'
        st, out, err, left = self.go(data, name, use_file,
                                     not clean and k % 17 == 0)
        if clean and (st != 0 or err):
            return f'{where}: exit {st}, expected 0: {err[:300]}'
        if not clean:
            if st != 1 or not one_line(self.tool, err):
                return f'{where}: exit {st}, expected 1 and one line: ' \
                    f'{err[:300]!r}'
            if named and not re.search(
                    re.escape(name) + r': .*record %d\b' % nrec, err):
                return f'{where}: message names no record {nrec}: {err}'
            if left:
                return f'{where}: -o left {left}'
        if out != npy_bytes(self.gold[:nrec]):
            return f'{where}: stdout is not the {nrec} records before it'
        return None

    def flip(self, p, v):
        data = bytearray(open(self.path, 'rb').read())
        data[p] = v if v >= 0 else data[p] ^ 0x10
        st, out, err, _ = self.go(bytes(data), '<stdin>', False)
        where = f'byte {p} set to {data[p]:#04x}'
        if st not in (0, 1) or (st == 1 and not one_line(self.tool, err)) \
                or (st == 0 and err):
            return f'{where}: exit {st}: {err[:300]!r}'
        return whole_records(out) and f'{where}: {whole_records(out)}'


def main():
    args = sys.argv[1:]
    step, use_file, flip = 1, False, False
    while args[0].startswith('--'):
        opt = args.pop(0)
        if opt == '--step':
            step = int(args.pop(0))
        elif opt == '--file':
            use_file = True
        elif opt == '--flip':
            flip = True
    path, gold, argv = args[0], records(args[1]), args[2:]
    case = Case(argv, argv[0].rsplit('/', 1)[-1], gold, path)
    data = open(path, 'rb').read()
    ends_ = ends(data)
    jobs = []
    if flip:
        first = 128 if ends_ is not None and ends_[1:2] == [128] else \
            512 if ends_ is None else 0     # v7.3: its HDF5 superblock
        for p in range(first, min(len(data), first + 160), SPARSE):
            jobs += [(case.flip, p, v) for v in (0, 0xff, -1)]
    else:
        ks = set(range(0, len(data) + 1, step * SPARSE)) | {len(data)}
        ks |= set(e for e in (ends_ or []) if e <= len(data))
        jobs = [(case.cut, k, ends_, use_file) for k in sorted(ks)]
    with ThreadPoolExecutor(max_workers=2) as ex:
        bad = [r for r in ex.map(lambda j: j[0](*j[1:]), jobs) if r]
    for b in bad:
        print(b)
    print(f'{len(jobs)} runs, {len(bad)} failed', file=sys.stderr)
    sys.exit(1 if bad else 0)


main()
