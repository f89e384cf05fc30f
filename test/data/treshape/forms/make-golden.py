#!/usr/bin/python3
"""make-golden.py - the reference files of treshape's --slice, --pad,
--stack, --concat, --unstack and --split (test/treshape.bats).

Run with Debian's python: /usr/bin/python3 test/data/treshape/forms/make-golden.py
Deterministic: running it again rewrites the same bytes.  For each case
it writes NAME.in.npy (one record, or a stream of records: NPY files one
after another), NAME.out.npy (what numpy gives: a[SPEC], numpy.pad,
numpy.stack, numpy.concatenate, numpy.split, the elements of
np.moveaxis(a, A, 0); a stream when there are several records) and a
line of cases.txt:

    NAME  treshape-arguments (shell words)

np.pad's modes are tpipe's boundaries: constant = zero (--value V for
constant_values=V), symmetric = reflect, reflect = mirror, edge =
nearest, wrap = wrap.  numpy before 1.25 fills a wrap pad wider than the
axis differently (numpy 1.25 changed it to whole periods), so wrap cases
here stay within the axis; the property test checks wider ones against
np.take(mode='wrap'), numpy 1.25's result.
"""
import os
import shlex

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def arange(shape, dtype='<f4'):
    n = int(np.prod(shape, dtype=np.int64))
    return (np.arange(n) % 251 + 1).astype(dtype).reshape(shape)


A = arange((3, 4, 5))
B = arange((4, 6), '<i2')
V = arange((7,), '<u1')
PADS = {'zero': 'constant', 'reflect': 'symmetric', 'mirror': 'reflect',
        'nearest': 'edge', 'wrap': 'wrap'}

CASES = [
    # name, input records, arguments, numpy's records
    ('slice-index', [A], ['--slice', '1'], lambda: [A[1]]),
    ('slice-crop', [A], ['--slice', '1:3'], lambda: [A[1:3]]),
    ('slice-last', [A], ['--slice', '..., 10:200, ::2'],
     lambda: [A[..., 10:200, ::2]]),
    ('slice-rows', [A], ['--slice', ':, 1:3'], lambda: [A[:, 1:3]]),
    ('slice-reverse', [A], ['--slice', '::-1'], lambda: [A[::-1]]),
    ('slice-reverse-all', [B], ['--slice', '::-1, ::-2'],
     lambda: [B[::-1, ::-2]]),
    ('slice-newaxis', [A], ['--slice', '0, :, None'],
     lambda: [A[0, :, None]]),
    ('slice-none-words', [B], ['--slice', 'np.newaxis, ..., None'],
     lambda: [B[np.newaxis, ..., None]]),
    ('slice-negative', [A], ['--slice', '-1, -3:, -2'],
     lambda: [A[-1, -3:, -2]]),
    ('slice-clamped', [A], ['--slice', '-100:100, 5:1, ::7'],
     lambda: [A[-100:100, 5:1, ::7]]),
    ('slice-huge', [V], ['--slice', '-99999999999999999999999:'
                         '99999999999999999999999:3'],
     lambda: [V[-99999999999999999999999:99999999999999999999999:3]]),
    ('slice-negative-step-bounds', [V], ['--slice', '5:-9:-2'],
     lambda: [V[5:-9:-2]]),
    ('slice-to-0d', [B], ['--slice', '2, 3'], lambda: [B[2, 3]]),
    ('slice-0d-none', [arange((), '<c8')], ['--slice', 'None, ...'],
     lambda: [arange((), '<c8')[None, ...]]),
    ('slice-empty-tuple', [B], ['--slice', '()'], lambda: [B[()]]),
    ('slice-trailing-comma', [B], ['--slice', '1,'], lambda: [B[1, ]]),
    ('slice-ellipsis-middle', [A], ['--slice', '0, ..., 1'],
     lambda: [A[0, ..., 1]]),
    ('slice-stream', [A, A * 2], ['--slice', '1:, 2'],
     lambda: [A[1:, 2], (A * 2)[1:, 2]]),
    ('slice-slice-none', [V], ['--slice', 'None:None:-1'],
     lambda: [V[::-1]]),
]
for b, mode in PADS.items():
    wide = b != 'wrap'
    CASES.append((f'pad-{b}', [B], ['--pad', '0=1,2;1=3,0', '--boundary', b],
                  lambda mode=mode: [np.pad(B, ((1, 2), (3, 0)), mode)]))
    CASES.append((f'pad-{b}-3d', [A], ['--pad', '-1=2,1;0=0,2', '--boundary',
                                       b],
                  lambda mode=mode: [np.pad(A, ((0, 2), (0, 0), (2, 1)),
                                            mode)]))
    if wide:
        CASES.append((f'pad-{b}-wide', [V[:3]],
                      ['--pad', '0=8,11', '--boundary', b],
                      lambda mode=mode: [np.pad(V[:3], (8, 11), mode)]))
        CASES.append((f'pad-{b}-wide-2d', [B[:2, :3]],
                      ['--pad', '0=5,1;1=1,7', '--boundary', b],
                      lambda mode=mode: [np.pad(B[:2, :3], ((5, 1), (1, 7)),
                                                mode)]))
    CASES.append((f'pad-{b}-crop', [B], ['--pad', '0=-1,2;1=2,-3',
                                         '--boundary', b],
                  lambda mode=mode: [np.pad(B[1:, :3], ((0, 2), (2, 0)),
                                            mode)]))
    CASES.append((f'pad-{b}-single', [V[:1]], ['--pad', '0=2,3',
                                              '--boundary', b],
                  lambda mode=mode: [np.pad(V[:1], (2, 3), mode)]))
CASES += [
    ('pad-value', [B], ['--pad', '1=2,2', '--value', '-7'],
     lambda: [np.pad(B, ((0, 0), (2, 2)), constant_values=-7)]),
    ('pad-value-float', [A], ['--pad', '0=1', '--value', '2.5'],
     lambda: [np.pad(A, ((1, 1), (0, 0), (0, 0)), constant_values=2.5)]),
    ('pad-value-cut', [V], ['--pad', '0=1,0', '--value', '2.7'],
     lambda: [np.pad(V, (1, 0), constant_values=2.7)]),
    ('pad-empty-zero', [arange((0, 2), '<f8')], ['--pad', '0=1,1'],
     lambda: [np.pad(arange((0, 2), '<f8'), ((1, 1), (0, 0)))]),
    ('stack', [B, B + 1, B + 2], ['--stack', '3'],
     lambda: [np.stack([B, B + 1, B + 2])]),
    ('stack-axis-last', [B, B + 1], ['--stack', '2', '--axis', '-1'],
     lambda: [np.stack([B, B + 1], -1)]),
    ('stack-groups', [V, V + 1, V + 2, V + 3], ['--stack', '2', '--axis',
                                                 '1'],
     lambda: [np.stack([V, V + 1], 1), np.stack([V + 2, V + 3], 1)]),
    ('stack-all', [A, A + 1, A + 2], ['--stack', 'all', '--axis', '2'],
     lambda: [np.stack([A, A + 1, A + 2], 2)]),
    ('concat', [B, B[:1] + 5, B[:3] + 7], ['--concat', '3'],
     lambda: [np.concatenate([B, B[:1] + 5, B[:3] + 7])]),
    ('concat-axis', [B, B[:, :2] + 5], ['--concat', '2', '--axis', '1'],
     lambda: [np.concatenate([B, B[:, :2] + 5], 1)]),
    ('unstack-0', [B], ['--unstack', '0'], lambda: list(B)),
    ('unstack-last', [A], ['--unstack', '-1'],
     lambda: list(np.moveaxis(A, -1, 0))),
    ('split-0', [B], ['--split', '0=2'], lambda: np.split(B, 2, 0)),
    ('split-1', [A], ['--split', '1=2'], lambda: np.split(A, 2, 1)),
    ('compose-crop-pad-stack', [B, B + 1],
     ['--slice', '1:3', '--pad', '1=1,1', '--boundary', 'nearest',
      '--stack', '2'],
     lambda: [np.stack([np.pad(B[1:3], ((0, 0), (1, 1)), 'edge'),
                        np.pad((B + 1)[1:3], ((0, 0), (1, 1)), 'edge')])]),
    ('compose-pattern-unstack-rebatch', [A, A + 1],
     ['a b c -> a c b', '--unstack', '0', '--stack', '2'],
     lambda: [np.stack([A.transpose(0, 2, 1)[0], A.transpose(0, 2, 1)[1]]),
              np.stack([A.transpose(0, 2, 1)[2],
                        (A + 1).transpose(0, 2, 1)[0]]),
              np.stack([(A + 1).transpose(0, 2, 1)[1],
                        (A + 1).transpose(0, 2, 1)[2]])]),
]


def save_all(path, arrays):
    with open(path, 'wb') as f:
        for a in arrays:
            np.save(f, np.array(a, order='C'))


def main():
    lines = []
    for name, ins, args, want in CASES:
        save_all(os.path.join(HERE, name + '.in.npy'), ins)
        save_all(os.path.join(HERE, name + '.out.npy'), want())
        lines.append(name + '\t' + ' '.join(shlex.quote(a) for a in args))
    with open(os.path.join(HERE, 'cases.txt'), 'w') as f:
        f.write('# name\ttreshape arguments (made by make-golden.py)\n')
        f.write('\n'.join(lines) + '\n')


main()
