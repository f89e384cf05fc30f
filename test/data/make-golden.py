#!/usr/bin/python3
"""make-golden.py - write the reference files in test/data/ (see README).

Run from anywhere with Debian's python: /usr/bin/python3 test/data/make-golden.py
It is deterministic: running it again rewrites the same bytes.  Every
PNG here is made by another program (PIL, or ImageMagick's convert), and
each NAME.png has NAME.npy beside it, the array that program's reader
gives (see expected() below).  The tgen references are numpy's own
functions, or the spec's definitions computed with numpy.
"""
import os
import struct
import subprocess
import sys
import zlib

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERT = '/usr/bin/convert'	# ImageMagick itself, not a wrapper on PATH


def path(name):
    return os.path.join(HERE, name)


def save(name, *arrays):
    """Write the arrays as consecutive NPY records of one file."""
    with open(path(name), 'wb') as f:
        for a in arrays:
            np.save(f, a)


def decode_png(name):
    """A tiny independent PNG decoder (non-interlaced, 8/16-bit gray,
    gray+alpha, RGB, RGBA) to cross-check the other readers."""
    data = open(path(name), 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    assert interlace == 0 and depth in (8, 16)
    chans = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    bpp = chans * depth // 8
    raw = zlib.decompress(idat)
    stride = w * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        out += line
        prev = line
    arr = np.frombuffer(bytes(out), '>u2' if depth == 16 else 'u1')
    arr = arr.reshape((h, w, chans) if chans > 1 else (h, w))
    return arr.astype(arr.dtype.newbyteorder('='))


def expected(name, convert=None):
    """numpy.asarray(PIL.Image.open(f)) (after .convert(mode) if given)."""
    im = Image.open(path(name))
    if convert:
        im = im.convert(convert)
    return np.asarray(im)


def pngs():
    rng = np.random.RandomState(20240601)
    h, w = 24, 32
    y, x = np.mgrid[0:h, 0:w]

    # 8-bit RGB: gradients plus noise, so every filter type gets used.
    rgb = np.stack([x * 8, y * 10, (x * y) % 256], axis=-1)
    rgb = (rgb + rng.randint(0, 16, rgb.shape)).clip(0, 255).astype(np.uint8)
    Image.fromarray(rgb, 'RGB').save(path('pil-rgb8.png'))
    save('pil-rgb8.npy', expected('pil-rgb8.png'))

    # 8-bit gray.
    gray = ((x * 7 + y * 3) % 256).astype(np.uint8)
    Image.fromarray(gray, 'L').save(path('pil-gray8.png'))
    save('pil-gray8.npy', expected('pil-gray8.png'))

    # 16-bit gray, values spanning 0..65535 (not multiples of 257).
    g16 = (np.linspace(0, 65535, h * w).round().astype(np.uint16)
           .reshape(h, w))
    g16[0, 0], g16[-1, -1] = 0, 65535
    g16[1, :4] = [1, 255, 256, 65534]
    Image.fromarray(g16, 'I;16').save(path('pil-gray16.png'))
    # PIL 9 reads 16-bit gray as mode 'I' (int32); the values are the
    # same, and tpipe gives them as uint16, so the reference is uint16.
    ref = expected('pil-gray16.png')
    assert ref.min() >= 0 and ref.max() <= 65535
    ref = ref.astype(np.uint16)
    assert np.array_equal(ref, g16)
    save('pil-gray16.npy', ref)

    # Palette (mode 'P'): expanded to RGB, not the indices.
    pal = Image.fromarray((x // 4 + (y // 6) * 8).astype(np.uint8), 'P')
    colors = rng.randint(0, 256, (32, 3)).astype(np.uint8)
    pal.putpalette(colors.ravel().tolist())
    pal.save(path('pil-palette.png'))
    save('pil-palette.npy', expected('pil-palette.png', 'RGB'))

    # Palette with transparency (tRNS): expanded to RGBA.
    alphas = bytes(rng.randint(0, 256, 32).astype(np.uint8))
    pal.save(path('pil-palette-trns.png'), transparency=alphas)
    assert Image.open(path('pil-palette-trns.png')).mode == 'P'
    save('pil-palette-trns.npy', expected('pil-palette-trns.png', 'RGBA'))

    # Gray and RGB with a transparent value (tRNS): the color type decides
    # the shape, as numpy.asarray(PIL.Image.open(f)) gives it; only a
    # palette's transparency becomes an alpha channel.
    Image.fromarray(gray, 'L').save(path('pil-gray8-trns.png'),
                                    transparency=21)
    assert (gray == 21).any()
    save('pil-gray8-trns.npy', expected('pil-gray8-trns.png'))
    rgb_t = np.stack([gray, 255 - gray, gray // 2], axis=-1)
    Image.fromarray(rgb_t, 'RGB').save(path('pil-rgb8-trns.png'),
                                       transparency=(21, 234, 10))
    save('pil-rgb8-trns.npy', expected('pil-rgb8-trns.png'))

    # Gray+alpha and RGBA, 8-bit.
    la = np.stack([gray, (255 - x * 8).astype(np.uint8)], axis=-1)
    Image.fromarray(la, 'LA').save(path('pil-la8.png'))
    save('pil-la8.npy', expected('pil-la8.png'))
    rgba = np.concatenate([rgb, (y * 11).astype(np.uint8)[..., None]], -1)
    Image.fromarray(rgba, 'RGBA').save(path('pil-rgba8.png'))
    save('pil-rgba8.npy', expected('pil-rgba8.png'))

    # 1-bit gray: PIL gives bool; libpng's expand (and tpipe) give 0/255.
    bits = ((x + y) % 3 == 0)
    Image.fromarray(bits).save(path('pil-gray1.png'))
    ref = expected('pil-gray1.png')
    assert ref.dtype == bool
    save('pil-gray1.npy', ref.astype(np.uint8) * 255)

    for name in ('pil-rgb8', 'pil-gray8', 'pil-gray16', 'pil-la8',
                 'pil-rgba8'):
        assert np.array_equal(decode_png(name + '.png'),
                              np.load(path(name + '.npy'))), name

    # ImageMagick: 16-bit RGB from generated gradients.  PIL cannot read
    # 16-bit RGB (it gives 8 bits), so the reference is ImageMagick's own
    # raw 16-bit samples, checked against the decoder above.
    name = 'im-rgb16.png'
    subprocess.run([CONVERT, '-size', '12x40', 'gradient:#ff0000-#0000ff',
                    '(', '-size', '40x12', 'gradient:#000000-#00ff00',
                    '-rotate', '90', ')', '-compose', 'plus', '-composite',
                    '-depth', '16', '-strip',
                    '-define', 'png:exclude-chunks=date,time',
                    'PNG48:' + path(name)], check=True)
    raw = subprocess.run([CONVERT, path(name), '-depth', '16',
                          '-endian', 'MSB', 'rgb:-'],
                         check=True, stdout=subprocess.PIPE).stdout
    ref = np.frombuffer(raw, '>u2').reshape(40, 12, 3).astype(np.uint16)
    assert np.array_equal(ref, decode_png(name))
    assert (ref % 257 != 0).any()	# really 16-bit values
    save('im-rgb16.npy', ref)

    # ImageMagick: an interlaced (Adam7) 8-bit RGB, read by PIL.
    name = 'im-rgb8-interlaced.png'
    subprocess.run([CONVERT, path('pil-rgb8.png'), '-interlace', 'PNG',
                    '-strip', '-define', 'png:exclude-chunks=date,time',
                    'PNG24:' + path(name)], check=True)
    ref = expected(name)
    assert ref.shape == (h, w, 3) and np.array_equal(ref, rgb)
    save('im-rgb8-interlaced.npy', ref)


def tgen():
    """References for tgen, by the definitions in the foundation spec."""
    np.random.seed(1)
    save('tgen-randn-8x256.npy', np.random.randn(8, 256))
    np.random.seed(1)
    save('tgen-rand-3x5.npy', np.random.rand(3, 5))
    np.random.seed(1)
    save('tgen-randn-3x5.npy', np.random.randn(3, 5))
    # tgen randn 4,5 --seed 1 -n 3: three successive calls after one seed.
    np.random.seed(1)
    save('tgen-randn-4x5-n3.npy', *[np.random.randn(4, 5) for _ in range(3)])
    np.random.seed(7)
    save('tgen-rand-2x3-n2-seed7.npy', *[np.random.rand(2, 3) for _ in range(2)])

    save('tgen-eye-4.npy', np.eye(4))
    save('tgen-eye-3x5.npy', np.eye(3, 5))
    save('tgen-eye-5x3.npy', np.eye(5, 3))

    save('tgen-range-5.npy', np.arange(5, dtype=np.float64))
    save('tgen-range-2-10-3.npy', np.arange(2, 10, 3, dtype=np.float64))
    save('tgen-range-0-1-0.1.npy', np.arange(0, 1, 0.1, dtype=np.float64))
    # The length is ceil((stop-start)/step): 4 here, the last 1.3000000000000003.
    save('tgen-range-1-1.3-0.1.npy', np.arange(1, 1.3, 0.1, dtype=np.float64))
    save('tgen-range-10-0--2.npy', np.arange(10, 0, -2, dtype=np.float64))
    # numpy fills start + i*((start+step)-start), not start + i*step.
    save('tgen-range-0.5-2-0.1.npy', np.arange(0.5, 2, 0.1, dtype=np.float64))

    def gaussian(shape, sigmas):
        sigmas = list(sigmas) * (len(shape) if len(sigmas) == 1 else 1)
        grids = np.meshgrid(*[np.arange(n, dtype=np.float64) for n in shape],
                            indexing='ij')
        e = sum((g - (n - 1) / 2) ** 2 / (2 * s * s)
                for g, n, s in zip(grids, shape, sigmas))
        g = np.exp(-e)
        return g / g.sum()

    save('tgen-gaussian-11-s2.npy', gaussian((11,), [2]))
    save('tgen-gaussian-5x7-s1.5.npy', gaussian((5, 7), [1.5]))
    save('tgen-gaussian-9x6-s2,1.npy', gaussian((9, 6), [2, 1]))
    save('tgen-gaussian-4x4x4-s1.npy', gaussian((4, 4, 4), [1]))


MINE = ('pil-', 'im-', 'tgen-')	# other files here belong to other scripts


def main():
    for f in os.listdir(HERE):
        if f.startswith(MINE) and f.endswith(('.png', '.npy')):
            os.remove(path(f))
    pngs()
    tgen()
    mine = [f for f in os.listdir(HERE) if f.startswith(MINE)]
    total = sum(os.path.getsize(path(f)) for f in mine)
    print(f'make-golden.py: wrote {len(mine)} files, {total} bytes, in {HERE}',
          file=sys.stderr)


if __name__ == '__main__':
    main()
