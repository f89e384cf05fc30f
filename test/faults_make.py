#!/usr/bin/python3
"""faults_make.py FORMAT - the NPY stream on standard input written to
standard output as FORMAT records back to back, by the format's own
writer, for test/faults-readers.tsv (tpipe writes one JPEG or MRC record
per output, so it cannot make such a stream itself):

  jpeg  each record a gray JPEG (PIL), its values mapped onto 0..255
  mrc   each record a float32 MRC map (mrcfile), with a fixed label
"""
import io
import os
import sys
import tempfile

import mrcfile
import numpy as np
from PIL import Image


def jpeg(a):
    lo, hi = a.min(), a.max()
    g = (a - lo) / (hi - lo if hi > lo else 1) * 255
    b = io.BytesIO()
    Image.fromarray(g.round().astype(np.uint8)).save(b, 'JPEG')
    return b.getvalue()


def mrc(a):
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, 'm.mrc')
        with mrcfile.new(p) as m:
            m.set_data(a.astype(np.float32))
            m.header.label[0] = b'test/faults_make.py'
        with open(p, 'rb') as f:
            return f.read()


def main():
    write = {'jpeg': jpeg, 'mrc': mrc}[sys.argv[1]]
    data = io.BytesIO(sys.stdin.buffer.read())
    while data.tell() < len(data.getbuffer()):
        a = np.lib.format.read_array(data, allow_pickle=False)
        sys.stdout.buffer.write(write(a.reshape(a.shape[0], -1)))


main()
