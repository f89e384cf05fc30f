#!/usr/bin/python3
"""make-golden.py - the reference files for test/treshape.bats.

Run with Debian's python: /usr/bin/python3 test/data/treshape/make-golden.py
It is deterministic: running it again rewrites the same bytes.  For each
case it writes NAME.in.npy (the input), NAME.out.npy (what numpy's own
reshape, transpose, expand_dims, squeeze or moveaxis gives, or the
numpy equivalent of an einops rearrange pattern) and a line of cases.txt:

    NAME  treshape-arguments (shell words)

treshape NAME's-arguments < NAME.in.npy must write NAME.out.npy's bytes.
The inputs hold distinct values (arange) so that any misplaced element
shows; dtypes vary across the cases.
"""
import os
import shlex

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def arange(shape, dtype='<f4'):
    n = int(np.prod(shape, dtype=np.int64))
    return (np.arange(n) % 251 + 1).astype(dtype).reshape(shape)


CASES = [
    # name, input, arguments, numpy's result
    ('lstm-unsqueeze', arange((8, 16)), ['8,1,16'],
     lambda x: np.reshape(x, (8, 1, 16))),
    ('lstm-unsqueeze-1', arange((8, 16)), ['--unsqueeze', '1'],
     lambda x: np.expand_dims(x, 1)),
    ('lstm-pattern', arange((8, 16)), ['s i -> s 1 i'],
     lambda x: x[:, None, :]),
    ('reshape-infer', arange((2, 3, 4), '<i2'), ['4,-1'],
     lambda x: x.reshape(4, -1)),
    ('reshape-infer-first', arange((2, 3, 4), '<u1'), ['-1,2,3'],
     lambda x: x.reshape(-1, 2, 3)),
    ('reshape-x', arange((6, 4), '<f8'), ['2x12'],
     lambda x: x.reshape(2, 12)),
    ('reshape-to-0d', arange((1, 1), '<i8'), ['()'],
     lambda x: x.reshape(())),
    ('reshape-from-0d', arange((), '<c8'), ['1,1,1'],
     lambda x: x.reshape(1, 1, 1)),
    ('reshape-zero-size', arange((0, 3)), ['-1,3'],
     lambda x: x.reshape(-1, 3)),
    ('reshape-zero-size-2', arange((0, 3), '<i4'), ['0,5,2'],
     lambda x: x.reshape(0, 5, 2)),
    ('transpose', arange((2, 3, 4), '<u2'), ['--transpose'],
     lambda x: x.T),
    ('transpose-0d', arange((), '<f8'), ['--transpose'],
     lambda x: x.T),
    ('transpose-1d', arange((5,), '<f8'), ['--transpose'],
     lambda x: x.T),
    ('permute-201', arange((2, 3, 4)), ['--permute', '2,0,1'],
     lambda x: np.transpose(x, (2, 0, 1))),
    ('permute-negative', arange((2, 3, 4)), ['--permute', '-1,0,-2'],
     lambda x: np.transpose(x, (-1, 0, -2))),
    ('permute-zero-size', arange((2, 0, 4)), ['--permute', '2,0,1'],
     lambda x: np.transpose(x, (2, 0, 1))),
    ('permute-0d', arange((), '<i2'), ['--permute', '()'],
     lambda x: np.transpose(x, ())),
    ('matlab-batch-last', arange((3, 3, 1, 5)), ['--permute', '3,0,1,2'],
     lambda x: np.moveaxis(x, -1, 0)),
    ('matlab-batch-last-pattern', arange((3, 3, 1, 5)),
     ['n m 1 b -> b n m 1'], lambda x: np.moveaxis(x, -1, 0)),
    ('moveaxis-0-last', arange((4, 2, 3), '<c16'), ['--permute', '1,2,0'],
     lambda x: np.moveaxis(x, 0, -1)),
    ('squeeze-all', arange((1, 3, 1, 2)), ['--squeeze'],
     lambda x: np.squeeze(x)),
    ('squeeze-axis', arange((1, 3, 1, 2)), ['--squeeze=2'],
     lambda x: np.squeeze(x, axis=2)),
    ('squeeze-negative', arange((1, 3, 1, 2)), ['--squeeze=-4'],
     lambda x: np.squeeze(x, axis=-4)),
    ('squeeze-two', arange((1, 3, 1, 2)), ['--squeeze=0,2'],
     lambda x: np.squeeze(x, axis=(0, 2))),
    ('squeeze-to-0d', arange((1, 1), '|b1'), ['--squeeze'],
     lambda x: np.squeeze(x)),
    ('unsqueeze-0', arange((2, 3)), ['--unsqueeze', '0'],
     lambda x: np.expand_dims(x, 0)),
    ('unsqueeze-last', arange((2, 3)), ['--unsqueeze', '-1'],
     lambda x: np.expand_dims(x, -1)),
    ('unsqueeze-end', arange((2, 3)), ['--unsqueeze', '2'],
     lambda x: np.expand_dims(x, 2)),
    ('unsqueeze-neg3', arange((2, 3)), ['--unsqueeze', '-3'],
     lambda x: np.expand_dims(x, -3)),
    ('unsqueeze-0d', arange((), '<f8'), ['--unsqueeze', '0'],
     lambda x: np.expand_dims(x, 0)),
    ('axes8-permute', arange((2, 1, 3, 1, 2, 2, 1, 2), '<f8'),
     ['--permute', '7,2,0,5,1,4,6,3'],
     lambda x: np.transpose(x, (7, 2, 0, 5, 1, 4, 6, 3))),
    ('axes8-transpose', arange((2, 3, 2, 1, 2, 3, 1, 2), '<i2'),
     ['--transpose'], lambda x: x.T),
    ('axes8-reshape', arange((2, 3, 2, 1, 2, 3, 1, 2), '<i2'),
     ['6,-1,4'], lambda x: x.reshape(6, -1, 4)),
    ('pattern-split-permute', arange((2, 6, 3)),
     ['b (h w) c -> b c h w', 'h=2'],
     lambda x: x.reshape(2, 2, 3, 3).transpose(0, 3, 1, 2)),
    ('pattern-merge', arange((2, 3, 4, 5), '<u4'), ['b h w c -> b (h w) c'],
     lambda x: x.reshape(2, 12, 5)),
    ('pattern-flatten', arange((2, 3, 4, 5), '<i1'),
     ['b c h w -> b (c h w)'], lambda x: x.reshape(2, -1)),
    ('pattern-channels-first', arange((2, 4, 5, 3)),
     ['b h w c -> b c h w'], lambda x: x.transpose(0, 3, 1, 2)),
    ('pattern-ellipsis-last-first', arange((2, 3, 4), '<f8'),
     ['... c -> c ...'], lambda x: np.moveaxis(x, -1, 0)),
    ('pattern-ellipsis-merge', arange((2, 3, 4), '<f8'),
     ['b ... -> (b ...)'], lambda x: x.reshape(-1)),
    ('pattern-ellipsis-empty', arange((4,), '<f8'),
     ['... c -> c ...'], lambda x: x),
    ('pattern-space-to-depth', arange((1, 4, 6, 2)),
     ['b (h h2) (w w2) c -> b h w (c h2 w2)', 'h2=2', 'w2=2'],
     lambda x: x.reshape(1, 2, 2, 3, 2, 2).transpose(0, 1, 3, 5, 2, 4)
     .reshape(1, 2, 3, 8)),
    ('pattern-batch-split', arange((6, 5), '<i8'),
     ['(b1 b2) h -> b2 b1 h', 'b1=2'],
     lambda x: x.reshape(2, 3, 5).transpose(1, 0, 2)),
    ('pattern-add-1', arange((2, 3)), ['b w -> b w 1'],
     lambda x: x[:, :, None]),
    ('pattern-drop-1', arange((2, 1, 3)), ['b 1 w -> b w'],
     lambda x: x[:, 0, :]),
    ('pattern-empty-group', arange((1, 5)), ['() a -> a ()'],
     lambda x: x.reshape(5, 1)),
    ('pattern-0d', arange((), '<u8'), [' -> 1 1'],
     lambda x: x.reshape(1, 1)),
    ('pattern-transpose', arange((3, 5), '<f2'), ['h w -> w h'],
     lambda x: x.T),
    ('pattern-zero-size', arange((2, 0, 3)),
     ['b (h w) c -> c b h w', 'h=4'],
     lambda x: x.reshape(2, 4, 0, 3).transpose(3, 0, 1, 2)),
    # --take AXIS=INDEX: numpy take with a scalar index
    ('take-first', arange((4, 3, 5)), ['--take', '0=2'],
     lambda x: np.take(x, 2, axis=0)),
    ('take-middle-negative', arange((2, 3, 4), '<i2'), ['--take', '1=-1'],
     lambda x: np.take(x, -1, axis=1)),
    ('take-last-axis', arange((2, 3, 4), '<u1'), ['--take', '-1=3'],
     lambda x: np.take(x, 3, axis=-1)),
    ('take-last-axis-negative', arange((3, 5), '<f8'), ['--take', '1=-5'],
     lambda x: np.take(x, -5, axis=1)),
    ('take-to-0d', arange((5,), '<c16'), ['--take', '0=4'],
     lambda x: np.take(x, 4, axis=0)),
    ('take-zero-size', arange((2, 0, 3), '<i4'), ['--take', '0=1'],
     lambda x: np.take(x, 1, axis=0)),
    ('take-zero-size-inner', arange((3, 2, 0), '<f2'), ['--take', '1=1'],
     lambda x: np.take(x, 1, axis=1)),
    ('take-bool', arange((2, 2, 2), '|b1'), ['--take', '2=0'],
     lambda x: np.take(x, 0, axis=2)),
    ('take-negative-axis', arange((1, 4, 1, 2), '<i8'), ['--take', '-3=-4'],
     lambda x: np.take(x, -4, axis=-3)),
]


def main():
    old = [f for f in os.listdir(HERE) if f.endswith('.npy')]
    for f in old:
        os.remove(os.path.join(HERE, f))
    lines = []
    for name, x, args, fn in CASES:
        y = np.array(fn(x), order="C")	# ascontiguousarray makes 0-d 1-d
        np.save(os.path.join(HERE, name + '.in.npy'), x)
        np.save(os.path.join(HERE, name + '.out.npy'), y)
        lines.append(f'{name}\t{shlex.join(args)}\n')
    with open(os.path.join(HERE, 'cases.txt'), 'w') as f:
        f.write('# made by make-golden.py: NAME<TAB>treshape arguments\n')
        f.writelines(lines)


main()
