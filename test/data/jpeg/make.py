#!/usr/bin/python3
"""make.py - write the JPEG reference files of test/jpeg.bats.

Run with Debian's python: /usr/bin/python3 test/data/jpeg/make.py
Deterministic: a second run rewrites the same bytes.  Every JPEG here is
written by another program (PIL, vips or ImageMagick) and each NAME.jpg
has NAME.npy beside it: numpy.asarray(PIL.Image.open(NAME.jpg)), the
array tpipe must read (the same libjpeg-turbo, so the same pixels).

    rgb         RGB 48x40, PIL's defaults (quality 75, 4:2:0, baseline)
    gray        gray, PIL
    cmyk        CMYK, PIL (it writes Adobe's inverted polarity and an
                Adobe APP14 marker, and reads every CMYK JPEG inverted)
    cmyk-noadobe  the same file without its APP14 marker: PIL still
                inverts (tpipe(7))
    progressive RGB, PIL, progressive=True
    exif6       RGB with an EXIF orientation of 6 (rotate 90): PIL's
                array, and tpipe's, are the pixels as stored, not rotated
    vips-q90    RGB, vips jpegsave Q=90, 4:4:4 (no chroma subsampling)
    vips-restart  RGB, vips, a restart marker every 2 MCUs
    im-422      RGB, ImageMagick, 4:2:2, optimized Huffman tables
    two         rgb.jpg then gray.jpg: two records (two.npy holds both)

Writer references (the bytes PIL writes, which tcat -O jpeg must equal):
    src-rgb.npy, src-gray.npy   the pixels written
    pil-rgb-q75.jpg, pil-rgb-q90.jpg, pil-gray-q75.jpg, pil-rgb-q5.jpg
"""
import io
import os
import subprocess

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERT = '/usr/bin/convert'
VIPS = '/usr/bin/vips'


def path(name):
    return os.path.join(HERE, name)


def pixels():
    """A photo-like RGB image: gradients, a disc and noise."""
    rng = np.random.default_rng(19)
    y, x = np.mgrid[0:40, 0:48]
    r = 128 + 100 * np.sin(x / 7.0)
    g = 2.5 * y + 40 * ((x - 24) ** 2 + (y - 20) ** 2 < 150)
    b = 255 - 3 * x
    a = np.stack([r, g, b], -1) + rng.normal(0, 12, (40, 48, 3))
    return a.clip(0, 255).astype(np.uint8)


def expected(name):
    np.save(path(name + '.npy'), np.asarray(Image.open(path(name + '.jpg'))))


def strip_app14(data):
    """The JPEG without its Adobe APP14 segment."""
    i = data.index(b'\xff\xee')
    n = int.from_bytes(data[i + 2:i + 4], 'big')
    return data[:i] + data[i + 2 + n:]


def main():
    rgb = pixels()
    im = Image.fromarray(rgb)
    im.save(path('rgb.jpg'))
    im.convert('L').save(path('gray.jpg'))
    im.convert('CMYK').save(path('cmyk.jpg'))
    with open(path('cmyk.jpg'), 'rb') as f:
        data = f.read()
    with open(path('cmyk-noadobe.jpg'), 'wb') as f:
        f.write(strip_app14(data))
    im.save(path('progressive.jpg'), progressive=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    im.save(path('exif6.jpg'), exif=exif.tobytes())
    im.save(path('src.png'))
    subprocess.run([VIPS, 'jpegsave', path('src.png'), path('vips-q90.jpg'),
                    '--Q', '90', '--subsample-mode', 'off', '--strip'],
                   check=True)
    subprocess.run([VIPS, 'jpegsave', path('src.png'),
                    path('vips-restart.jpg'), '--Q', '80',
                    '--restart-interval', '2', '--strip'], check=True)
    subprocess.run([CONVERT, path('src.png'), '-strip', '-quality', '80',
                    '-sampling-factor', '2x1', path('im-422.jpg')],
                   check=True)
    os.remove(path('src.png'))
    for n in ('rgb', 'gray', 'cmyk', 'cmyk-noadobe', 'progressive', 'exif6',
              'vips-q90', 'vips-restart', 'im-422'):
        expected(n)
    with open(path('two.jpg'), 'wb') as f:
        for n in ('rgb', 'gray'):
            with open(path(n + '.jpg'), 'rb') as g:
                f.write(g.read())
    with open(path('two.npy'), 'wb') as f:
        for n in ('rgb', 'gray'):
            np.save(f, np.load(path(n + '.npy')))
    # the writer's references
    np.save(path('src-rgb.npy'), rgb)
    np.save(path('src-gray.npy'), rgb[..., 1].copy())
    Image.fromarray(rgb).save(path('pil-rgb-q75.jpg'), quality=75)
    Image.fromarray(rgb).save(path('pil-rgb-q90.jpg'), quality=90)
    Image.fromarray(rgb).save(path('pil-rgb-q5.jpg'), quality=5)
    Image.fromarray(rgb[..., 1].copy()).save(path('pil-gray-q75.jpg'))


main()
