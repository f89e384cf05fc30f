#!/usr/bin/python3
"""make-golden.py - golden gradients for tgrad from PyTorch autograd.

    /usr/bin/python3 test/data/tgrad/make-golden.py

needs python3-torch and python3-numpy (Debian).  Deterministic: it removes
its old .npy files and cases.txt and writes the same again; commit them.

cases.txt has one case per line, NAME|DTYPE|X|ARGUMENTS: run from this
directory, `tgrad --forward ARGUMENTS < X` must write NAME.out.npy, a
stream of records: the forward output (the loss as a 0-d tensor when the
chain ends in a loss, else Z), then dL/dX, then every parameter's
gradient in command-line order.  A parameter's file is NAME.P.npy, P its
name in tgrad (the letter of LETTERS and the number of its layer among
the layers with parameters: NAME.W1.npy, NAME.b1.npy, NAME.W2.npy).  Torch computes the same chain in the
same dtype: Z = f(X); with `-g G.npy` the loss is sum(G * Z), so that
dL/dZ = G; softmax-xent is torch.nn.functional.cross_entropy (mean),
mse is mse_loss (mean), sum is Z.sum().  conv:K is
torch.nn.functional.conv1d/2d/3d with one input and one output channel:
X (batch..., n...) becomes (batch, 1, n...), K (m...) becomes (1, 1, m...).
"""
import glob
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
os.chdir(HERE)
for f in glob.glob('*.npy') + ['cases.txt']:
    if os.path.exists(f):
        os.remove(f)

rng = np.random.default_rng(20261127)
DT = {'f64': (np.float64, torch.float64), 'f32': (np.float32, torch.float32)}
lines = ['# NAME|DTYPE|X|ARGUMENTS  (see make-golden.py)']


def save(name, a):
    np.save(name, a)
    return name


def randn(*shape, dt='f64'):
    return rng.standard_normal(shape).astype(DT[dt][0])


def conv(x, k):
    """Correlation over k's axes, 'valid', with torch's convNd."""
    d = k.dim()
    lead = x.shape[:x.dim() - d]
    xb = x.reshape((-1, 1) + tuple(x.shape[x.dim() - d:]))
    z = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[d](xb, k[None, None])
    return z.reshape(tuple(lead) + tuple(z.shape[2:]))


# the parameters' letters, as tgrad names them
LETTERS = {'scale': ['M'], 'matmul': ['W'], 'affine': ['W', 'b'],
           'conv': ['K']}

LAYERS = {
    'scale': lambda x, p: x.reshape((x.shape[0],) + (1,) * p[0].dim()) * p[0],
    'matmul': lambda x, p: x @ p[0],
    'affine': lambda x, p: x @ p[0] + p[1],
    'relu': lambda x, p: torch.relu(x),
    'sigmoid': lambda x, p: torch.sigmoid(x),
    'tanh': lambda x, p: torch.tanh(x),
    'softmax': lambda x, p: torch.softmax(x, -1),
    'flatten': lambda x, p: torch.flatten(x, 1),
    'conv': lambda x, p: conv(x, p[0]),
}


def case(name, dt, x, layers, loss=None, g=None):
    """layers: [(kind, [param arrays])]; loss: ('sum'|'mse'|'softmax-xent',
    operand array or None); g: dL/dZ array (instead of a loss)."""
    npdt, tdt = DT[dt]
    xf = save(f'{name}.x.npy', x)
    args, params, number = [], [], 0
    for kind, ps in layers:
        number += len(ps) > 0
        files = [save(f'{name}.{letter}{number}.npy', p) for letter, p in
                 zip(LETTERS.get(kind, []), ps)]
        args.append(kind + (':' + ','.join(files) if files else ''))
        params.append([torch.tensor(p, dtype=tdt, requires_grad=True)
                       for p in ps])
    X = torch.tensor(x, dtype=tdt, requires_grad=True)
    z = X
    for (kind, _), ps in zip(layers, params):
        z = LAYERS[kind](z, ps)
    if loss is not None:
        kind, op = loss
        if kind == 'sum':
            L = z.sum()
            args.append('sum')
        elif kind == 'mse':
            L = F.mse_loss(z, torch.tensor(op, dtype=tdt))
            args.append('mse:' + save(f'{name}.target.npy', op))
        else:
            L = F.cross_entropy(z, torch.tensor(op, dtype=torch.int64))
            args.append('softmax-xent:' + save(f'{name}.labels.npy', op))
        first = L.detach().numpy()
    else:
        L = (z * torch.tensor(g, dtype=tdt)).sum()
        args.insert(0, '-g ' + save(f'{name}.g.npy', g))
        first = z.detach().numpy()
    L.backward()
    with open(f'{name}.out.npy', 'wb') as f:
        np.save(f, first.astype(npdt))
        np.save(f, X.grad.numpy().astype(npdt))
        for ps in params:
            for p in ps:
                np.save(f, p.grad.numpy().astype(npdt))
    lines.append(f'{name}|{dt}|{xf}|{" ".join(args)}')


for dt in ('f64', 'f32'):
    # every layer alone, with a random dL/dZ
    b = 4
    case(f'scale-{dt}', dt, randn(b, dt=dt), [('scale', [randn(3, 3, dt=dt)])],
         g=randn(b, 3, 3, dt=dt))
    case(f'matmul-{dt}', dt, randn(b, 5, dt=dt), [('matmul', [randn(5, 3, dt=dt)])],
         g=randn(b, 3, dt=dt))
    case(f'matmul-3d-{dt}', dt, randn(2, 3, 5, dt=dt),
         [('matmul', [randn(5, 4, dt=dt)])], g=randn(2, 3, 4, dt=dt))
    case(f'affine-{dt}', dt, randn(b, 5, dt=dt),
         [('affine', [randn(5, 3, dt=dt), randn(3, dt=dt)])], g=randn(b, 3, dt=dt))
    for kind in ('relu', 'sigmoid', 'tanh', 'softmax'):
        case(f'{kind}-{dt}', dt, randn(b, 6, dt=dt) * 3, [(kind, [])],
             g=randn(b, 6, dt=dt))
    case(f'flatten-{dt}', dt, randn(b, 2, 3, dt=dt), [('flatten', [])],
         g=randn(b, 6, dt=dt))
    case(f'conv1d-{dt}', dt, randn(3, 20, dt=dt), [('conv', [randn(5, dt=dt)])],
         g=randn(3, 16, dt=dt))
    case(f'conv2d-{dt}', dt, randn(2, 9, 8, dt=dt),
         [('conv', [randn(3, 4, dt=dt)])], g=randn(2, 7, 5, dt=dt))
    case(f'conv2d-nobatch-{dt}', dt, randn(7, 6, dt=dt),
         [('conv', [randn(2, 3, dt=dt)])], g=randn(6, 4, dt=dt))
    case(f'conv3d-{dt}', dt, randn(2, 5, 6, 4, dt=dt),
         [('conv', [randn(2, 3, 2, dt=dt)])], g=randn(2, 4, 4, 3, dt=dt))

    # the seed's layer: one number per batch element scales an N x N M
    for n in (1, 3, 64):
        b = 5
        case(f'seed-scale-n{n}-{dt}', dt, randn(b, 1, dt=dt),
             [('scale', [randn(n, n, dt=dt)])], g=randn(b, n, n, dt=dt))
    # MATLAB's X (1,1,1,b) and dL/dZ (N,N,1,b) brought batch first:
    # X (b,1,1,1), M (N,N,1), dL/dZ (b,N,N,1)
    case(f'seed-scale-matlab-{dt}', dt, randn(5, 1, 1, 1, dt=dt),
         [('scale', [randn(3, 3, 1, dt=dt)])], g=randn(5, 3, 3, 1, dt=dt))

    # cs231n's two-layer net: affine, relu, affine, and a loss
    b, d, h, c = 8, 10, 16, 4
    net = lambda: [('affine', [randn(d, h, dt=dt) * 0.5, randn(h, dt=dt) * 0.1]),
                   ('relu', []),
                   ('affine', [randn(h, c, dt=dt) * 0.5, randn(c, dt=dt) * 0.1])]
    case(f'twolayer-xent-{dt}', dt, randn(b, d, dt=dt), net(),
         loss=('softmax-xent', rng.integers(0, c, b)))
    case(f'twolayer-mse-{dt}', dt, randn(b, d, dt=dt), net(),
         loss=('mse', randn(b, c, dt=dt)))
    case(f'twolayer-sum-{dt}', dt, randn(b, d, dt=dt), net(), loss=('sum', None))
    # a deeper chain through every other layer kind
    case(f'chain-{dt}', dt, randn(3, 8, 7, dt=dt),
         [('conv', [randn(3, 3, dt=dt)]), ('tanh', []), ('flatten', []),
          ('matmul', [randn(30, 6, dt=dt) * 0.3]), ('sigmoid', []),
          ('affine', [randn(6, 5, dt=dt), randn(5, dt=dt)]), ('softmax', [])],
         loss=('mse', randn(3, 5, dt=dt)))

with open('cases.txt', 'w') as f:
    f.write('\n'.join(lines) + '\n')
print(f'{len(lines) - 1} cases written to {HERE}')
