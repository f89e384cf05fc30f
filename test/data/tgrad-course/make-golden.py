#!/usr/bin/python3
"""make-golden.py - golden gradients for tgrad's course layers and losses
(issue 24) from PyTorch autograd, in float64.

    /usr/bin/python3 test/data/tgrad-course/make-golden.py

needs python3-torch and python3-numpy (Debian).  Deterministic: it removes
its old .npy files and cases.txt and writes the same again; commit them.

cases.txt has one case per line, NAME|DTYPE|X|ARGUMENTS, as
test/data/tgrad/make-golden.py's: run from this directory,
`tgrad --forward ARGUMENTS < X` must write NAME.out.npy: the forward
output (the loss as a 0-d tensor when the chain ends in a loss, else Z),
dL/dX, then every parameter's gradient in command-line order.  With
`-g G.npy` the loss is sum(G * Z).  Parameters are named as tgrad names
them (W1, b1, gamma1, ...), files NAME.W1.npy and so on.

What torch computes for each tgrad word:
  leaky_relu:A  F.leaky_relu(x, A)       elu:A   F.elu(x, A)
  gelu          F.gelu(x)                gelu:tanh F.gelu(x, approximate='tanh')
  log_softmax   F.log_softmax(x, -1)
  svm:Y         cs231n's multiclass SVM, sum_j!=y max(0, s_j - s_y + 1),
                mean (or sum) over the rows
  bce-logits:T  F.binary_cross_entropy_with_logits(z, t, reduction=)
  nll:Y         F.nll_loss(z, y, reduction=)
  huber:T,delta=D  F.huber_loss(z, t, delta=D, reduction=)
  softmax-xent, mse: F.cross_entropy, F.mse_loss with reduction=
  --reg L2:l    + l * sum of W^2 over the W (and K) parameters;
  --reg L1:l    + l * sum of |W|
  maxpool:K,stride=S,pad=P  F.max_pool1d/2d/3d(x, K, S, P) over the last
                d axes (d: K's entries if given as AxB, else x.dim() - 2)
  avgpool:...   F.avg_pool1d/2d/3d (count_include_pad=True)
  batchnorm:G,B[,mean=M,var=V][,eps=E]  F.batch_norm(x, M, V, G, B,
                training=M is None, eps=E)
  layernorm:G,B[,eps=E]  F.layer_norm(x, G.shape, G, B, E)
  dropout:P,seed=S  x * m / (1 - P), m = RandomState(S).random_sample(
                x.shape) >= P;  dropout:P,mask=M  x * M / (1 - P)
  conv1d/2d/3d:W[,b][,stride=S][,pad=P|same|valid][,dilation=D][,groups=G]
                F.conv1d/2d/3d(x, W, b, S, P, D, G) (AxB for per-axis sizes)
A case whose name ends in -ties has equal values in its pooling windows
(integers): PyTorch routes the gradient to the first; central
differences are meaningless there, so tgrad_course.bats leaves it out of
its --check test.
"""
import glob
import os

import warnings

import numpy as np
import torch
import torch.nn.functional as F

# torch warns that padding='same' with an even kernel copies the input
warnings.filterwarnings('ignore', 'Using padding=.same.')
HERE = os.path.dirname(os.path.abspath(__file__))
os.chdir(HERE)
for f in glob.glob('*.npy') + ['cases.txt']:
    if os.path.exists(f):
        os.remove(f)

rng = np.random.default_rng(20261207)
TDT = torch.float64
lines = ['# NAME|DTYPE|X|ARGUMENTS  (see make-golden.py)']


def randn(*shape):
    return rng.standard_normal(shape)


def svm(z, y, red):
    zy = z.gather(1, y[:, None])
    m = (z - zy + 1).clamp(min=0)
    m = m * (1 - F.one_hot(y, z.shape[1]).to(z.dtype))
    s = m.sum(1)
    return s.mean() if red == 'mean' else s.sum()


# loss word -> (operand kind, torch function of (z, operand, reduction))
LOSSES = {
    'softmax-xent': ('labels', lambda z, y, r: F.cross_entropy(z, y, reduction=r)),
    'mse': ('target', lambda z, t, r: F.mse_loss(z, t, reduction=r)),
    'svm': ('labels', svm),
    'bce-logits': ('target', lambda z, t, r:
                   F.binary_cross_entropy_with_logits(z, t, reduction=r)),
    'nll': ('labels', lambda z, y, r: F.nll_loss(z, y, reduction=r)),
    'huber': ('target', lambda z, t, r: F.huber_loss(z, t, reduction=r)),
    'huber,delta=0.4': ('target', lambda z, t, r:
                        F.huber_loss(z, t, delta=0.4, reduction=r)),
}


def case(name, x, layers, loss=None, g=None, opts=''):
    """layers: [(word, fn(x, params), [(letter, array)], extra items)];
    loss: (word, operand array); g: dL/dZ (instead of a loss)."""
    xf = f'{name}.x.npy'
    np.save(xf, x)
    args, params, number = [], [], 0
    weights = []
    for word, fn, ps, extra in layers:
        if any(letter in ('W', 'K') for letter, _ in ps):
            number += 1
        files = []
        for letter, p in ps:
            files.append(f'{name}.{letter}{number}.npy')
            np.save(files[-1], p)
        fixed = []
        for e in extra:   # (key, array): a file option
            if isinstance(e, tuple):
                fixed.append(f'{e[0]}={name}.{e[0]}{len(args) + 1}.npy')
                np.save(f'{name}.{e[0]}{len(args) + 1}.npy', e[1])
        items = files + [e for e in extra if not isinstance(e, tuple)] + fixed
        args.append(word + (':' + ','.join(items) if items else ''))
        tp = [torch.tensor(p, dtype=TDT, requires_grad=True) for _, p in ps]
        weights += [t for (letter, _), t in zip(ps, tp) if letter in ('W', 'K')]
        params.append((fn, tp))
    X = torch.tensor(x, dtype=TDT, requires_grad=True)
    z = X
    for fn, tp in params:
        z = fn(z, tp)
    red = 'sum' if '--reduction sum' in opts else 'mean'
    if loss is not None:
        word, op = loss
        kind, f = LOSSES[word]
        opf = f'{name}.{kind}.npy'
        np.save(opf, op)
        top = torch.tensor(op, dtype=torch.int64 if kind == 'labels' else TDT)
        L = f(z, top, red)
        base = word.split(',')[0]
        rest = word[len(base):]
        args.append(f'{base}:{opf}{rest}')
    else:
        L = (z * torch.tensor(g, dtype=TDT)).sum()
        args.insert(0, f'-g {name}.g.npy')
        np.save(f'{name}.g.npy', g)
    for o in opts.split('--reg ')[1:]:
        kind, lam = o.split()[0].split(':')
        lam = float(lam)
        for w in weights:
            L = L + lam * ((w * w).sum() if kind == 'L2' else w.abs().sum())
    first = (L if loss is not None else z).detach().numpy()
    L.backward()
    with open(f'{name}.out.npy', 'wb') as f:
        np.save(f, first)
        np.save(f, X.grad.numpy())
        for _, tp in params:
            for t in tp:
                np.save(f, t.grad.numpy())
    lines.append(f'{name}|f64|{xf}|{(opts + " ") if opts else ""}{" ".join(args)}')


def act(word, fn, extra=()):
    return (word, lambda x, p: fn(x), [], list(extra))


def affine(d, h, scale=0.5):
    return ('affine', lambda x, p: x @ p[0] + p[1],
            [('W', randn(d, h) * scale), ('b', randn(h) * 0.1)], [])


# the activations alone, with a random dL/dZ
ACTS = [
    ('leaky_relu', act('leaky_relu', lambda x: F.leaky_relu(x, 0.01))),
    ('leaky_relu-0.2', act('leaky_relu', lambda x: F.leaky_relu(x, 0.2), ['0.2'])),
    ('elu', act('elu', lambda x: F.elu(x))),
    ('elu-0.5', act('elu', lambda x: F.elu(x, 0.5), ['0.5'])),
    ('gelu', act('gelu', lambda x: F.gelu(x))),
    ('gelu-tanh', act('gelu', lambda x: F.gelu(x, approximate='tanh'), ['tanh'])),
    ('log_softmax', act('log_softmax', lambda x: F.log_softmax(x, -1))),
]
for name, layer in ACTS:
    case(name, randn(4, 6) * 2, [layer], g=randn(4, 6))

# every loss, after a two-layer net (nll after log_softmax), both
# reductions; then --reg
b, d, h, c = 6, 5, 7, 4
for word, (kind, _) in LOSSES.items():
    for red in ('mean', 'sum'):
        layers = [affine(d, h), act('relu', torch.relu), affine(h, c)]
        if word == 'nll':
            layers.append(act('log_softmax', lambda x: F.log_softmax(x, -1)))
        op = rng.integers(0, c, b) if kind == 'labels' else randn(b, c)
        if word == 'bce-logits':
            op = rng.random((b, c))
        case(f'loss-{word.replace(",delta=", "-")}-{red}', randn(b, d), layers,
             loss=(word, op), opts='--reduction sum' if red == 'sum' else '')
for reg in ('L2:0.05', 'L1:0.03'):
    case(f'reg-{reg[:2]}', randn(b, d),
         [affine(d, h), act('relu', torch.relu), affine(h, c)],
         loss=('softmax-xent', rng.integers(0, c, b)), opts=f'--reg {reg}')



def pool(kind, x, k, s=None, p=0, d=None):
    """maxpool/avgpool word items and the torch function."""
    d = d or (len(k) if isinstance(k, tuple) else x.ndim - 2)
    fn = {('max', 1): F.max_pool1d, ('max', 2): F.max_pool2d,
          ('max', 3): F.max_pool3d, ('avg', 1): F.avg_pool1d,
          ('avg', 2): F.avg_pool2d, ('avg', 3): F.avg_pool3d}[(kind, d)]
    items = ['x'.join(map(str, k)) if isinstance(k, tuple) else str(k)]
    if s is not None:
        items.append(f'stride={s}')
    if p:
        items.append(f'pad={p}')
    kw = {'stride': s if s is not None else k, 'padding': p}
    return (kind + 'pool', lambda x, _: fn(x, k, **kw), [], items)


for kind in ('max', 'avg'):
    x = randn(2, 3, 6, 6)
    case(f'{kind}pool2d', x, [pool(kind, x, 2)], g=randn(2, 3, 3, 3))
    x = randn(2, 2, 7, 7)
    case(f'{kind}pool2d-k3s2p1', x, [pool(kind, x, 3, 2, 1)], g=randn(2, 2, 4, 4))
    x = randn(2, 3, 5, 7)
    case(f'{kind}pool2d-2x3s1', x, [pool(kind, x, (2, 3), 1)], g=randn(2, 3, 4, 5))
    x = randn(2, 3, 9)
    case(f'{kind}pool1d-k3s2', x, [pool(kind, x, 3, 2)], g=randn(2, 3, 4))
    x = randn(1, 2, 4, 4, 4)
    case(f'{kind}pool3d', x, [pool(kind, x, 2)], g=randn(1, 2, 2, 2, 2))
# equal values in the windows: the first maximum takes the gradient
x = np.round(randn(2, 2, 6, 6))
case('maxpool2d-k3s1-ties', x, [pool('max', x, 3, 1)], g=randn(2, 2, 4, 4))


def bn(C, mean=None, var=None, eps=None):
    extra = []
    if mean is not None:
        extra += [('mean', mean), ('var', var)]
    if eps is not None:
        extra.append(f'eps={eps}')
    m = torch.tensor(mean) if mean is not None else None
    v = torch.tensor(var) if var is not None else None
    return ('batchnorm', lambda x, p: F.batch_norm(
        x, m, v, p[0], p[1], training=m is None, eps=eps or 1e-5),
        [('gamma', 1 + 0.3 * randn(C)), ('beta', randn(C))], extra)


def ln(shape, eps=None):
    return ('layernorm', lambda x, p: F.layer_norm(
        x, shape, p[0], p[1], eps=eps or 1e-5),
        [('gamma', 1 + 0.3 * randn(*shape)), ('beta', randn(*shape))],
        [f'eps={eps}'] if eps is not None else [])


case('batchnorm-2d', randn(6, 4) * 2 + 1, [bn(4)], g=randn(6, 4))
case('batchnorm-4d', randn(2, 3, 4, 5), [bn(3)], g=randn(2, 3, 4, 5))
case('batchnorm-eps', randn(5, 3), [bn(3, eps=0.01)], g=randn(5, 3))
case('batchnorm-eval', randn(2, 3, 4),
     [bn(3, randn(3), rng.random(3) + 0.5, eps=0.001)], g=randn(2, 3, 4))
case('layernorm-last', randn(4, 6) * 3, [ln((6,))], g=randn(4, 6))
case('layernorm-last2', randn(2, 3, 4, 5), [ln((4, 5), eps=1e-3)],
     g=randn(2, 3, 4, 5))


def dropout(p, x, seed=None, mask=None):
    if seed is not None:
        m = np.random.RandomState(seed).random_sample(x.shape) >= p
        items = [str(p), f'seed={seed}']
    else:
        m = mask
        items = [str(p), ('mask', mask)]
    mt = torch.tensor(m.astype(np.float64))
    return ('dropout', lambda x, _: x * mt / (1 - p), [], items)


x = randn(4, 6, 5)
case('dropout-seed', x, [dropout(0.3, x, seed=7)], g=randn(4, 6, 5))
x = randn(3, 8)
case('dropout-mask', x, [dropout(0.5, x, mask=(rng.random((3, 8)) < 0.5).astype(np.float64))],
     g=randn(3, 8))

# cs231n's nets: matmul, batchnorm, relu, dropout, affine (gamma1, beta1;
# no bias before the batchnorm, whose gradient would be 0 up to rounding)
# and a pooling chain into a classifier
b, d, h, c = 8, 5, 6, 3
x = randn(b, d)
mid = np.zeros((b, h))
case('net-bn-dropout', x,
     [('matmul', lambda x, p: x @ p[0], [('W', randn(d, h) * 0.5)], []),
      bn(h), act('relu', torch.relu),
      dropout(0.25, mid, seed=3), affine(h, c)],
     loss=('softmax-xent', rng.integers(0, c, b)), opts='--reg L2:0.01')
x = randn(2, 3, 6, 6)
case('net-pool-ln', x,
     [pool('max', x, 2), act('flatten', lambda z: torch.flatten(z, 1)),
      ln((27,)), act('gelu', F.gelu), affine(27, 4)],
     loss=('svm', rng.integers(0, 4, 2)))



def convnd(d, cin, cout, k, bias=True, **kw):
    """convNd word items and the torch function; kw: stride, padding,
    dilation, groups as torch takes them."""
    fn = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[d]
    g = kw.get('groups', 1)
    ps = [('W', randn(cout, cin // g, *k) / np.sqrt(cin * np.prod(k)))]
    if bias:
        ps.append(('b', randn(cout) * 0.1))
    fmt = lambda v: v if isinstance(v, str) else (
        'x'.join(map(str, v)) if isinstance(v, tuple) else str(v))
    names = {'stride': 'stride', 'padding': 'pad', 'dilation': 'dilation',
             'groups': 'groups'}
    items = [f'{names[key]}={fmt(v)}' for key, v in kw.items()]
    return (f'conv{d}d', lambda x, p: fn(x, p[0], p[1] if len(p) > 1 else None,
                                         **kw), ps, items)


def conv_case(name, d, x, *a, **kw):
    layer = convnd(d, x.shape[1], *a, **kw)
    z = layer[1](torch.tensor(x), [torch.tensor(p) for _, p in layer[2]])
    case(name, x, [layer], g=randn(*z.shape))


conv_case('conv2d', 2, randn(2, 3, 7, 6), 4, (3, 3))
conv_case('conv2d-s2p1d2g2', 2, randn(2, 4, 8, 7), 6, (3, 2), stride=2,
          padding=1, dilation=2, groups=2)
conv_case('conv2d-same-nobias', 2, randn(1, 2, 6, 6), 3, (2, 3), bias=False,
          padding='same')
conv_case('conv2d-valid-axes', 2, randn(2, 2, 6, 7), 2, (3, 2),
          padding='valid', stride=(1, 2))
conv_case('conv1d-s3p2', 1, randn(3, 2, 11), 3, (4,), stride=3, padding=2)
conv_case('conv1d-same-d2', 1, randn(2, 2, 9), 2, (3,), padding='same',
          dilation=2)
conv_case('conv3d', 3, randn(1, 2, 5, 4, 6), 2, (2, 3, 2),
          stride=(1, 2, 1), padding=(1, 0, 1))
conv_case('conv2d-depthwise', 2, randn(2, 4, 5, 5), 4, (3, 3), groups=4)
# cs231n's convnet: conv, relu, pool, affine, softmax
x = randn(3, 3, 8, 8)
case('net-conv', x,
     [convnd(2, 3, 4, (3, 3), padding=1), act('relu', torch.relu),
      pool('max', x, 2), act('flatten', lambda z: torch.flatten(z, 1)),
      affine(64, 5, 0.2)],
     loss=('softmax-xent', rng.integers(0, 5, 3)), opts='--reg L2:0.001')
# the 2x2 max pool of stride 2 on rows long enough for tgrad's vector
# path (several vectors of outputs, a tail, an odd row and column outside
# the windows), values random and then rounded (ties: the first maximum)
x = randn(2, 3, 13, 21)
case('maxpool2d-wide', x, [pool('max', x, 2)], g=randn(2, 3, 6, 10))
x = np.round(randn(2, 2, 9, 19))
case('maxpool2d-wide-ties', x, [pool('max', x, 2)], g=randn(2, 2, 4, 9))
# padding as large as the kernel on one axis: dL/dX from all of dXp,
# cropped (tgrad's other cases take dXp inside the padding alone)
conv_case('conv2d-bigpad', 2, randn(2, 2, 5, 6), 3, (2, 3), padding=(3, 1),
          stride=(2, 1))

with open('cases.txt', 'w') as f:
    f.write('\n'.join(lines) + '\n')
print(f'{len(lines) - 1} cases written to {HERE}')
