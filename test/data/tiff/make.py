#!/usr/bin/python3
"""make.py - write the TIFF golden files of test/tiff.bats (see README).

Run with Debian's python: /usr/bin/python3 test/data/tiff/make.py
Every NAME.tif is written by another program: PIL (through libtiff),
tifffile, vips, or, for the sample sizes none of them writes, by
handmade() below from the TIFF 6.0 specification.  NAME.npy beside it
holds the file's pages as consecutive NPY records, as the reader named
in MANIFEST gives them: tifffile (TiffPage.asarray; a planar page's
(C, H, W) moved to (H, W, C)), PIL
(numpy.asarray of each frame), or the values handmade() packed.  tpipe
must read each page as exactly that array (same dtype and shape;
a 1-bit image as uint8 0/1 where PIL and tifffile give bool).

It is deterministic: a second run rewrites the same bytes.
"""
import os
import struct
import subprocess
import sys
import zlib

import numpy as np
import tifffile
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
VIPS = '/usr/bin/vips'
H, W = 13, 19		# odd sizes: edge tiles, partial strips, bit padding
MANIFEST = []		# (name, reader, what)


def path(name):
    return os.path.join(HERE, name)


def ramp(shape, dtype, seed):
    """Values spread over the dtype's range (its extremes included), so
    a swapped byte or a lost bit shows."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.kind == 'f':
        a = rng.standard_normal(shape) * 1000
        a.flat[:3] = [np.finfo(dt).max, -np.finfo(dt).tiny, 0.5]
        return a.astype(dt)
    if dt.kind == 'b':
        return rng.random(shape) > 0.5
    info = np.iinfo(dt)
    a = rng.integers(info.min, info.max, shape, dtype=dt, endpoint=True)
    a.flat[:2] = [info.min, info.max]
    return a


def photo():
    """An 8-bit RGB picture: gradients and noise, for the lossy codecs."""
    y, x = np.mgrid[0:H, 0:W]
    rng = np.random.default_rng(5)
    a = np.stack([x * 255 // (W - 1), y * 255 // (H - 1),
                  (x + y) * 8 % 256], axis=-1)
    return np.clip(a + rng.integers(-9, 10, a.shape), 0, 255).astype('u1')


def reference(name, reader):
    """The pages of NAME.tif as reader gives them."""
    if reader == 'tifffile':
        # a planar page comes as (C, H, W): moved to (H, W, C), as
        # tpipe gives every page
        with tifffile.TiffFile(path(name + '.tif')) as t:
            pages = [np.moveaxis(p.asarray(), 0, -1) if p.planarconfig == 2
                     and p.samplesperpixel > 1 else p.asarray()
                     for p in t.pages]
    else:		# PIL, or PIL/K: PIL's 8 bits divided by K
        im = Image.open(path(name + '.tif'))
        pages = []
        for i in range(getattr(im, 'n_frames', 1)):
            im.seek(i)
            pages.append(np.asarray(im))
        if reader != 'PIL':
            k = int(reader.split('/')[1])
            assert all((p % k == 0).all() for p in pages)
            pages = [p // k for p in pages]
    return [p.astype(np.uint8) if p.dtype == bool else p for p in pages]


def done(name, reader, what, pages=None):
    """Record NAME.tif in the manifest and write NAME.npy."""
    pages = pages if pages is not None else reference(name, reader)
    with open(path(name + '.npy'), 'wb') as f:
        for p in pages:
            np.save(f, np.ascontiguousarray(p))
    MANIFEST.append((name, reader, what))


def pil(name, array, mode, what, reader='PIL', **kw):
    Image.fromarray(array, mode).save(path(name + '.tif'), **kw)
    done(name, reader, what)


def tf(name, array, what, reader='tifffile', **kw):
    tifffile.imwrite(path(name + '.tif'), array, software=False, **kw)
    done(name, reader, what)


def vips(name, src, options, what, reader='PIL'):
    """vips copy of the NPY-free source src (a .tif) with options."""
    subprocess.run([VIPS, 'copy', path(src + '.tif'),
                    f'{path(name + ".tif")}[{options}]'], check=True)
    done(name, reader, what)


def made_by_pil():
    g8 = ramp((H, W), 'u1', 1)
    pil('pil-gray8', g8, 'L', 'gray 8-bit, uncompressed strips')
    pil('pil-gray16-lzw', ramp((H, W), 'u2', 2), 'I;16',
        'gray 16-bit, LZW', compression='tiff_lzw')
    pil('pil-rgb8-jpeg', photo(), 'RGB', 'RGB, JPEG (YCbCr 2x2): as PIL '
        'decodes it, libjpeg through libtiff', compression='jpeg',
        quality=90)
    pil('pil-rgba8-deflate', ramp((H, W, 4), 'u1', 3), 'RGBA',
        'RGBA, Adobe deflate', compression='tiff_adobe_deflate')
    pil('pil-la8-packbits', ramp((H, W, 2), 'u1', 4), 'LA',
        'gray and alpha, PackBits', compression='packbits')
    bits = ramp((H, W), '?', 6)
    pil('pil-bilevel', bits, '1', '1-bit, uncompressed (PIL: bool)')
    pil('pil-bilevel-g4', bits, '1', '1-bit, CCITT group 4',
        compression='group4')
    p = Image.fromarray(g8 % 7, 'L').convert('P')
    p.putpalette([i * 30 % 256 for i in range(7 * 3)])
    p.save(path('pil-palette.tif'))
    done('pil-palette', 'PIL', 'palette: the indices, as PIL mode P')
    pil('pil-f32-zstd', ramp((H, W), 'f4', 7), 'F', 'float32, zstd',
        compression='zstd')
    pil('pil-i32-lzma', ramp((H, W), 'i4', 8), 'I', 'int32, LZMA',
        compression='lzma')
    pil('pil-cmyk', ramp((H, W, 4), 'u1', 9), 'CMYK',
        'CMYK (separated): the four inks as stored')
    frames = [Image.fromarray(ramp((H, W), 'u1', 10 + i), 'L')
              for i in range(3)]
    frames[0].save(path('pil-pages.tif'), save_all=True,
                   append_images=frames[1:])
    done('pil-pages', 'PIL', 'three pages, gray 8-bit')


def made_by_tifffile():
    tf('tf-be-u2', ramp((H, W), 'u2', 20), 'big-endian uint16',
       byteorder='>')
    tf('tf-be-f8-zlib', ramp((H, W), 'f8', 21), 'big-endian float64, '
       'deflate', byteorder='>', compression='zlib')
    tf('tf-planar-rgb16', ramp((3, H, W), 'u2', 22), 'RGB uint16, '
       'planar (separate) configuration', photometric='rgb',
       planarconfig='separate')
    tf('tf-planar-many-be', ramp((6, H, W), 'i2', 23), 'six int16 samples, '
       'planar, big-endian, deflate with predictor',
       photometric='minisblack', planarconfig='separate', byteorder='>',
       compression='zlib', predictor=True)
    tf('tf-contig-many', ramp((H, W, 7), 'u1', 24), 'seven uint8 samples, '
       'contiguous', photometric='minisblack', planarconfig='contig')
    tf('tf-tiles-f4', ramp((21, 37), 'f4', 25), 'float32 in 16x16 tiles '
       '(edge tiles cut), deflate', tile=(16, 16), compression='zlib')
    tf('tf-tiles-planar-be', ramp((3, 21, 37), 'u2', 26), 'RGB uint16, '
       'planar, tiled, big-endian', tile=(16, 16), photometric='rgb',
       planarconfig='separate', byteorder='>')
    tf('tf-bigtiff-i4', ramp((H, W), 'i4', 27), 'int32 in a BigTIFF',
       bigtiff=True)
    tf('tf-bigtiff-be-u8', ramp((H, W, 3), 'u8', 28), 'uint64 RGB in a '
       'big-endian BigTIFF', bigtiff=True, byteorder='>',
       photometric='rgb')
    tf('tf-bool', ramp((H, W), '?', 29), '1-bit (tifffile: bool)',
       photometric='minisblack')
    tf('tf-miniswhite', ramp((H, W), 'u1', 30), 'MinIsWhite 8-bit: '
       'the values as stored, not inverted', photometric='miniswhite')
    tf('tf-lzma-i2', ramp((H, W), 'i2', 31), 'int16, LZMA',
       compression='lzma')
    name = 'tf-dtypes'
    for i, dt in enumerate(['u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8',
                            'f2', 'f4', 'f8']):
        tifffile.imwrite(path(name + '.tif'), ramp((H - i, W + i), dt,
                         40 + i), software=False, append=i > 0,
                         photometric='minisblack')
    done(name, 'tifffile', 'eleven pages, one of each dtype, of '
         'different shapes')


def made_by_vips():
    Image.fromarray(photo(), 'RGB').save(path('src-rgb8.tif'))
    tifffile.imwrite(path('src-u2.tif'), ramp((40, 50), 'u2', 50),
                     software=False)
    vips('vips-lzw-tiles', 'src-rgb8', 'compression=lzw,tile,'
         'tile-width=16,tile-height=16', 'RGB, LZW, 16x16 tiles')
    vips('vips-zstd-u2', 'src-u2', 'compression=zstd,predictor=horizontal',
         'uint16, zstd with horizontal predictor')
    vips('vips-jpeg-tiles', 'src-rgb8', 'compression=jpeg,Q=85,tile,'
         'tile-width=16,tile-height=16', 'RGB, JPEG in 16x16 tiles')
    vips('vips-pyramid', 'src-u2', 'compression=deflate,tile,'
         'tile-width=16,tile-height=16,pyramid', 'a pyramid: pages of '
         'shrinking shape', reader='tifffile')
    tifffile.imwrite(path('src-g8.tif'), ramp((H, W), 'u1', 51) % 16,
                     software=False)
    vips('vips-gray4', 'src-g8', 'bitdepth=4', '4-bit gray (PIL scales '
         'it to 8 bits: 17 times the values)', reader='PIL/17')
    tifffile.imwrite(path('src-g8.tif'), ramp((H, W), 'u1', 52) % 4,
                     software=False)
    vips('vips-gray2', 'src-g8', 'bitdepth=2', '2-bit gray (PIL: 85 '
         'times the values)', reader='PIL/85')
    for s in ('src-rgb8', 'src-u2', 'src-g8'):
        os.remove(path(s + '.tif'))


def tiff(pages, order='<'):
    """A classic TIFF from TIFF 6.0 section 2: the header, then each page's
    data followed by its directory (sorted entries of one value each,
    SHORT or LONG, then the offset of the next directory).  A page is a
    dict {tag: (type, value)} and its data; a StripOffsets (273) of
    value None is filled in."""
    out = (b'II*\0' if order == '<' else b'MM\0*')
    offsets, pos = [], 8
    for tags, data in pages:	# where each directory will be
        pos += len(data) + len(data) % 2
        offsets.append(pos)
        pos += 2 + 12 * len(tags) + 4
    out += struct.pack(order + 'I', offsets[0])
    for i, (tags, data) in enumerate(pages):
        tags = dict(tags)
        if tags[273][1] is None:
            tags[273] = (4, len(out))
        out += data + b'\0' * (len(data) % 2)
        out += struct.pack(order + 'H', len(tags))
        for tag in sorted(tags):
            typ, val = tags[tag]
            v = struct.pack(order + ('H' if typ == 3 else 'I'), val)
            out += struct.pack(order + 'HHI', tag, typ, 1) + v.ljust(4, b'\0')
        out += struct.pack(order + 'I', offsets[i + 1] if i + 1 < len(pages)
                           else 0)
    return out


def page(w, h, bits=8, spp=1, data=None, **tags):
    """A page of w x h pixels in one uncompressed strip (data: bytes,
    default a ramp); tags (as NAME=(type, value), by number) override."""
    n = (w * spp * bits + 7) // 8 * h
    data = data if data is not None else bytes(i % 251 for i in range(n))
    t = {256: (4, w), 257: (4, h), 258: (3, bits), 259: (3, 1),
         262: (3, 1), 273: (4, None), 277: (3, spp), 278: (4, h),
         279: (4, len(data))}
    t.update({int(k[1:]): v for k, v in tags.items()})
    return t, data


def handmade():
    """A 12-bit gray image, big-endian, samples packed first bit highest,
    rows padded to a byte (TIFF 6.0 section 2, BitsPerSample): the
    values packed are the reference."""
    a = ramp((H, W), 'u2', 60) >> 4
    bits = ''.join(''.join(format(v, '012b') for v in row).ljust(
        (W * 12 + 7) // 8 * 8, '0') for row in a)
    data = int(bits, 2).to_bytes(len(bits) // 8, 'big')
    open(path('hand-gray12.tif'), 'wb').write(
        tiff([page(W, H, bits=12, data=data)], '>'))
    done('hand-gray12', 'handmade', '12-bit gray, big-endian, packed',
         [a])


# Files every reader must refuse, each with what is wrong (a stem of
# tiff.bats's expected message).  t273: the strip offset (tag 273).
BROKEN = [
    ('huge-none', 'an uncompressed page of 100000x100000 in 16 bytes',
     [page(100000, 100000, data=b'\1' * 16)]),
    ('huge-deflate', 'a deflate page of 60000x60000 in 4 KiB of zeros',
     [page(60000, 60000, data=zlib.compress(b'\0' * 4096), t259=(3, 8))]),
    ('bits24', '24-bit samples', [page(3, 3, bits=24)]),
    ('complex', 'complex float samples', [page(2, 2, bits=64,
                                                t339=(3, 6))]),
    ('compression', 'an unknown compression', [page(4, 4,
                                                    t259=(3, 12345))]),
    ('ycbcr', 'uncompressed YCbCr', [page(4, 4, spp=3, t262=(3, 6))]),
    ('logluv', 'LogLuv', [page(4, 4, spp=3, t262=(3, 32845))]),
    ('depth', 'a volume (ImageDepth 2)', [page(4, 4, t32997=(4, 2))]),
    ('strip-offset', 'a strip past the end', [page(4, 4,
                                                   t273=(4, 1 << 20))]),
    ('second-page', 'a good page, then one of 24-bit samples',
     [page(5, 3), page(3, 3, bits=24)]),
]


def broken():
    for name, what, pages in BROKEN:
        open(path(f'bad-{name}.tif'), 'wb').write(tiff(pages))
    # the directory offset past the end; a directory that is its own next
    good = tiff([page(2, 2)])
    open(path('bad-ifd-offset.tif'), 'wb').write(
        good[:4] + struct.pack('<I', 1 << 30) + good[8:])
    open(path('bad-loop.tif'), 'wb').write(good[:-4] + good[4:8])


def main():
    for f in os.listdir(HERE):
        if f.endswith(('.tif', '.npy')):
            os.remove(path(f))
    made_by_pil()
    made_by_tifffile()
    made_by_vips()
    handmade()
    broken()
    with open(path('MANIFEST'), 'w') as f:
        f.write('# NAME\treader of NAME.npy\twhat NAME.tif holds '
                '(written by make.py)\n')
        for row in MANIFEST:
            f.write('\t'.join(row) + '\n')


if __name__ == '__main__':
    sys.exit(main())
