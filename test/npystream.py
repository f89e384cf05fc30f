"""npystream.py - read a tpipe stream (NPY records back to back) in the
tests' python: records(path) is the list of its arrays."""
import numpy as np


def records(path):
    out = []
    with open(path, 'rb') as f:
        while f.read(1):
            f.seek(-1, 1)
            out.append(np.lib.format.read_array(f, allow_pickle=False))
    return out
