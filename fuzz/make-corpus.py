#!/usr/bin/python3
"""fuzz/make-corpus.py - write the seed corpus fuzz/corpus/TARGET/ (run
from anywhere with /usr/bin/python3: numpy, PIL and mrcfile).  Valid
inputs made by numpy.save, PIL and mrcfile, and broken ones cut or
changed from them; the harnesses' own input layouts are described at the
top of fuzz/*.c."""
import io
import os
import struct
import tempfile
import zlib

import mrcfile
import numpy as np
from PIL import Image

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(top, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def npy(a, version=None):
    f = io.BytesIO()
    if version is None:
        np.save(f, a)
    else:
        np.lib.format.write_array(f, a, version=version)
    return f.getvalue()


# --- npy --------------------------------------------------------------
rng = np.random.RandomState(12)
x = rng.randn(3, 4)
put("npy", "f8-3x4.npy", npy(x))
put("npy", "f4-2x3x2.npy", npy(rng.randn(2, 3, 2).astype("<f4")))
put("npy", "f2-5.npy", npy(rng.randn(5).astype("<f2")))
put("npy", "be-i4-2x2.npy", npy(np.arange(4, dtype=">i4").reshape(2, 2)))
put("npy", "be-c16-3.npy", npy(np.array([1 + 2j, -3j, 4], dtype=">c16")))
put("npy", "c8-2.npy", npy(np.array([1 + 2j, 5], dtype="<c8")))
put("npy", "fortran-f8-3x2.npy", npy(np.asfortranarray(x[:3, :2])))
put("npy", "fortran-be-u2-2x3x2.npy",
    npy(np.asfortranarray(np.arange(12, dtype=">u2").reshape(2, 3, 2))))
put("npy", "b1.npy", npy(np.array([True, False, True])))
put("npy", "u1-i1-u8-i8.npy", npy(np.arange(6, dtype="u1")) +
    npy(np.arange(-3, 3, dtype="i1")) + npy(np.arange(2, dtype="<u8")) +
    npy(np.arange(2, dtype="<i8")))
put("npy", "scalar.npy", npy(np.float64(2.5)))
put("npy", "zero-size.npy", npy(np.zeros((0, 3), "<f4")))
put("npy", "v2.npy", npy(np.arange(3.0), version=(2, 0)))
put("npy", "v3.npy", npy(np.arange(3.0), version=(3, 0)))
put("npy", "stream-3.npy", npy(x) + npy(x[0]) + npy(np.float32(1)))
good = npy(np.arange(6.0).reshape(2, 3))
put("npy", "bad-truncated-data.npy", good[:-5])
put("npy", "bad-truncated-header.npy", good[:40])
put("npy", "bad-magic.npy", b"\x93NUMPZ" + good[6:])
put("npy", "bad-version.npy", good[:6] + b"\x07\x00" + good[8:])
put("npy", "bad-descr.npy", good.replace(b"'<f8'", b"'<x9'"))
put("npy", "bad-object.npy", good.replace(b"'<f8'", b"'|O8'"))
put("npy", "bad-shape-huge.npy", good.replace(
    b"(2, 3)", b"(4611686018427387904, 2)"))
put("npy", "bad-shape-neg.npy", good.replace(b"(2, 3)", b"(-2, 3)"))
put("npy", "bad-keys.npy", good.replace(b"'fortran_order'", b"'fortran_ordre'"))
put("npy", "bad-hlen.npy", good[:8] + struct.pack("<H", 65535) + good[10:])
put("npy", "bad-trailing.npy", good + b"\x93NUM")
put("npy", "header-only.txt",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }")
put("npy", "header-struct.txt",
    "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (), }")

# --- png --------------------------------------------------------------
def png(a, mode=None, **kw):
    f = io.BytesIO()
    im = Image.fromarray(a, mode) if mode else Image.fromarray(a)
    im.save(f, "PNG", **kw)
    return f.getvalue()


g8 = (np.arange(48).reshape(6, 8) * 5).astype(np.uint8)
rgb = np.stack([g8, g8[::-1], 255 - g8], axis=2)
put("png", "gray8.png", png(g8))
put("png", "gray16.png", png((g8.astype(np.uint16) * 250), "I;16"))
put("png", "rgb8.png", png(rgb))
put("png", "rgba8.png", png(np.dstack([rgb, g8])))
put("png", "la8.png", png(np.dstack([g8, g8[::-1]]), "LA"))
put("png", "gray1.png", png(g8 > 100))
pal = Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=8)
f = io.BytesIO(); pal.save(f, "PNG", transparency=0); put("png", "palette-trns.png", f.getvalue())
f = io.BytesIO(); Image.fromarray(rgb).save(f, "PNG", transparency=(0, 0, 0)); put("png", "rgb-trns.png", f.getvalue())
# PIL writes no interlaced PNG: take the golden one of test/data
src = os.path.join(top, "..", "..", "test", "data", "im-rgb8-interlaced.png")
put("png", "interlaced.png", open(src, "rb").read())
p = png(rgb)
put("png", "stream-2.png", p + png(g8))
put("png", "bad-truncated.png", p[:len(p) // 2])
put("png", "bad-signature-cut.png", p[:5])
put("png", "bad-crc.png", p[:40] + bytes([p[40] ^ 0xff]) + p[41:])
put("png", "bad-trailing.png", p + b"garbage")
# IHDR claiming 1000000x1000000 over a few bytes of IDAT
ihdr = struct.pack(">IIBBBBB", 1000000, 1000000, 8, 0, 0, 0, 0)
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(
        ">I", zlib.crc32(t + d) & 0xffffffff)
put("png", "bad-huge.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
    chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
put("png", "bad-chunk-len.png", p[:33] + b"\xff\xff\xff\xff" + p[37:])

# --- jpeg -------------------------------------------------------------
def jpeg(im, **kw):
    f = io.BytesIO()
    im.save(f, "JPEG", **kw)
    return f.getvalue()


small = Image.fromarray(rgb[:12, :16])
j = jpeg(small)
put("jpeg", "rgb.jpg", j)
put("jpeg", "gray.jpg", jpeg(small.convert("L")))
put("jpeg", "cmyk.jpg", jpeg(small.convert("CMYK")))
put("jpeg", "progressive.jpg", jpeg(small, progressive=True))
put("jpeg", "q95-444.jpg", jpeg(small, quality=95, subsampling=0))
ex = Image.Exif()
ex[0x0112] = 6
put("jpeg", "exif6.jpg", jpeg(small, exif=ex.tobytes()))
put("jpeg", "restart.jpg", jpeg(small, restart_marker_blocks=1))
put("jpeg", "stream-2.jpg", j + jpeg(small.convert("L")))
sof = j.index(b"\xff\xc0")
sos = j.index(b"\xff\xda")
put("jpeg", "bad-truncated.jpg", j[:len(j) * 2 // 3])
put("jpeg", "bad-trailing.jpg", j + b"garbage")
put("jpeg", "bad-short-segment.jpg", j[:(sos + len(j)) // 2] + b"\xff\xd9")
put("jpeg", "bad-12bit.jpg", j[:sof + 4] + b"\x0c" + j[sof + 5:])
put("jpeg", "bad-lossless.jpg", j[:sof + 1] + b"\xc3" + j[sof + 2:])
put("jpeg", "bad-huge.jpg", j[:sof + 5] + b"\xff\xdc\xff\xdc" + j[sof + 9:])
put("jpeg", "bad-marker-len.jpg", j[:sof + 2] + b"\x00\x01" + j[sof + 4:])

# --- mrc --------------------------------------------------------------

def mrc(a, stack=False, ext=None, axes=None):
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "m.mrc")
        with mrcfile.new(p) as m:
            m.set_data(a)
            if stack:
                m.set_image_stack()
            if ext is not None:
                m.set_extended_header(ext)
                m.header.exttyp = b"SERI"
            if axes:
                m.header.mapc, m.header.mapr, m.header.maps = axes
            m.header.label[0] = b"fuzz/make-corpus.py"
        return open(p, "rb").read()


v = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
m2 = mrc(v)
put("mrc", "f4.mrc", m2)
put("mrc", "i1-image.mrc", mrc(np.arange(-6, 6, dtype=np.int8).reshape(3, 4)))
put("mrc", "i2.mrc", mrc(v.astype(np.int16)))
put("mrc", "u2-stack.mrc", mrc(v.astype(np.uint16), stack=True))
put("mrc", "c8.mrc", mrc((v + 1j).astype(np.complex64)))
put("mrc", "f2.mrc", mrc(v.astype(np.float16)))
put("mrc", "big.mrc", mrc(v.astype(">f4")))
put("mrc", "vstack.mrc", mrc(np.zeros((2, 1, 2, 3), np.float32)))
put("mrc", "ext.mrc", mrc(v, ext=np.zeros(40, "V1")))
put("mrc", "axes-312.mrc", mrc(v, axes=(3, 1, 2)))
m101 = bytearray(mrc(np.zeros((2, 3, 5), np.int8)))
m101[12:16] = struct.pack("<i", 101)
put("mrc", "mode101.mrc", bytes(m101[:1024]) + bytes(range(18)))
imod = bytearray(mrc(np.arange(12, dtype=np.int8).reshape(3, 4)))
imod[152:160] = struct.pack("<ii", 1146047817, 0)
put("mrc", "imod-u1.mrc", bytes(imod))
put("mrc", "stream-2.mrc", m2 + mrc(v[0]))
put("mrc", "bad-cut-header.mrc", m2[:500])
put("mrc", "bad-cut-data.mrc", m2[:1050])
put("mrc", "bad-mode3.mrc", m2[:12] + struct.pack("<i", 3) + m2[16:])
put("mrc", "bad-axes.mrc", m2[:64] + struct.pack("<iii", 1, 1, 3) + m2[76:])
put("mrc", "bad-huge.mrc", struct.pack("<iiii", 2**30, 2**30, 2**30, 2) +
    m2[16:])
put("mrc", "bad-ext.mrc", m2[:92] + struct.pack("<i", 2**31 - 1) + m2[96:])
put("mrc", "bad-trailing.mrc", m2 + b"garbage")

# --- text -------------------------------------------------------------
put("text", "matrix.txt", "1 2 3\n4 5 6\n")
put("text", "csv.txt", "1.5,2e3,-4\n0x1, nan, inf\n")
put("text", "comments.txt", "# a comment\n1 2\n\n3 4\n# end\n")
put("text", "slices.txt", "1 2\n3 4\n\n5 6\n7 8\n")
put("text", "tpipe-out.txt",
    "# shape (2, 3) float64\n1 2 3\n4 5 6\n# shape (2,) int32\n7 8\n")
put("text", "shape-scalar.txt", "# shape () float32\n3.5\n")
put("text", "shape-given.txt", "#fuzz-shape: 2,-1\n1 2 3 4 5 6\n")
put("text", "shape-3d.txt", "#fuzz-shape: 2,2,2\n1 2 3 4\n5 6 7 8\n")
put("text", "bad-ragged.txt", "1 2 3\n4 5\n")
put("text", "bad-word.txt", "1 two 3\n")
put("text", "bad-shape-line.txt", "# shape (2, 3) float64\n1 2\n")
put("text", "bad-shape-given.txt", "#fuzz-shape: 4\n1 2 3\n")
put("text", "bad-binary.txt", "1 2\x00\x01\x02 3\n")
put("text", "huge.txt", "1e308 -1e308 1e-320 18446744073709551616\n")
put("text", "header.csv", "#fuzz-header\ntime,x,y\r\n1,2,3\r\n4,5,6\r\n")
put("text", "header-quoted.csv",
    '#fuzz-header\n"a, b","say ""hi""","two\nlines",,plain\n1,2,3,4,5\n')
put("text", "header-only.csv", "#fuzz-header\n\ufeffa,b,c\n")
put("text", "quoted-numbers.csv", '"1.5","2"\n"3",4\n')
put("text", "bad-header-quote.csv", '#fuzz-header\na,"b\n1,2\n')
put("text", "bad-header-after.csv", '#fuzz-header\n"a"b,c\n1,2\n')
put("text", "bad-header-count.csv", "#fuzz-header\na,b,c\n1,2\n")
put("text", "bad-empty-field.csv", "1,,2\n")

# --- einops: byte 0 form and dtype, byte 1 axes, lengths, operands -----
def ein(form, dtype, shape, *operands, extra=0):
    return bytes([form | extra << 3 | dtype << 5, len(shape)] + list(shape)) \
        + "\n".join(operands).encode()


put("einops", "rearrange", ein(0, 3, [2, 6, 3], "b (h w) c -> b c h w", "h=2"))
put("einops", "ellipsis", ein(0, 0, [2, 3, 4], "... c -> c ..."))
put("einops", "anon", ein(0, 2, [1, 4], "1 (a b) -> b a 1", "a=2"))
put("einops", "shape", ein(0, 1, [2, 3, 4], "6,-1"))
put("einops", "shape-x", ein(0, 1, [2, 3, 4], "4x6"))
put("einops", "sum", ein(1, 3, [2, 3, 4], "a b c -> a c"))
put("einops", "mean", ein(2, 2, [4, 4], "(h 2) (w 2) -> h w"))
put("einops", "max", ein(3, 1, [3, 5], "a b -> b"))
put("einops", "min", ein(4, 0, [3, 5], "a b -> a"))
put("einops", "repeat", ein(5, 0, [2, 3], "a b -> a b r", "r=3"))
put("einops", "permute", ein(6, 0, [2, 3, 4], "2,0,1"))
put("einops", "squeeze-all", ein(7, 0, [1, 3, 1], "", extra=0))
put("einops", "squeeze-axis", ein(7, 0, [1, 3, 1], "-1", extra=1))
put("einops", "unsqueeze", ein(7, 0, [3, 4], "1", extra=2))
put("einops", "transpose", ein(7, 0, [3, 4, 2], "", extra=3))
put("einops", "bad-names", ein(0, 0, [2, 3], "a b -> a c"))
put("einops", "bad-size", ein(0, 0, [2, 6], "a (b c) -> a b c", "b=4"))
put("einops", "bad-paren", ein(0, 0, [2, 6], "a (b (c)) -> a b c"))
put("einops", "bad-dup", ein(0, 0, [2, 2], "a a -> a"))
put("einops", "bad-noarrow", ein(0, 0, [2, 2], "a b"))

# --- grad: layer and loss words, one a line, the last the --wrt list ----
# an operand's name length picks its shape (fuzz/grad.c, operand): 0 or 6
# (2,), 1 (3, 3), 2 (3,), 3 (2, 2), 4 (2, 3), 5 (1, 2, 3); the input is
# (2, 3)
put("grad", "affine-relu-mse", "affine:W,BB\nrelu\nmse:TTTT\nW1,b1")
put("grad", "matmul-xent", "matmul:W\nsoftmax-xent:LLLLLL\nW1")
put("grad", "scale-sum", "scale:MMMMMM\ntanh\nsigmoid\nsum\nx")
put("grad", "softmax-flatten", "flatten\nsoftmax\nsum\nnone")
put("grad", "conv", "conv:KKK\nsum\nK1")
put("grad", "mse-3d", "affine:W,BB\nmse:TTTTT\nW1")
put("grad", "bad-unknown", "affine:W\nfoo\nall")
put("grad", "bad-operands", "relu:X\nmatmul:\nall")
put("grad", "bad-wrt", "scale:M\nsum\nZ9,,M1")

# --- raw: 6 bytes of options (fuzz/raw.c), then the input ----------------
def raw(dtype, shape, data, swap=0, fortran=0, infer=0, pipe=0, skip=0):
    codes = ["b1", "u1", "i1", "u2", "i2", "u4", "i4", "u8", "i8", "f2",
             "f4", "f8", "c8", "c16"]
    sizes = list(shape) + [0] * (3 - len(shape))
    return bytes([codes.index(dtype) | swap << 7,
                  len(shape) | fortran << 2 | infer << 3 | pipe << 4]
                 + sizes + [skip]) + data


rng = np.random.default_rng(6)
put("raw", "u2-2x3", raw("u2", (2, 3), np.arange(12, dtype="<u2").tobytes()))
put("raw", "be-f4-fortran", raw("f4", (2, 3, 2),
    np.arange(12, dtype=">f4").tobytes(), swap=1, fortran=1))
put("raw", "c16-swap-pipe", raw("c16", (3,), (rng.standard_normal(6) +
    0j).astype(">c16").tobytes(), swap=1, pipe=1))
put("raw", "infer-skip", raw("i4", (0, 2), b"HDR" + np.arange(8,
    dtype="<i4").tobytes(), infer=1, skip=3))
put("raw", "infer-pipe", raw("f8", (0, 4), np.ones(8).tobytes(), infer=1,
    pipe=1))
put("raw", "bad-cut", raw("f8", (2,), np.ones(3).tobytes()))
put("raw", "bad-skip", raw("u1", (4,), b"ab", skip=9))
put("raw", "bad-infer", raw("i2", (0, 3), bytes(10), infer=1))
put("raw", "bad-zero", raw("u1", (0, 3), b"abc"))


# --- numbers: byte 0 the parser, byte 1 its argument, then the text ----
def num(sel, arg, text):
    return bytes([sel, arg]) + text.encode()


put("numbers", "modelview", num(0, 0, ",".join(str(v) for v in
    np.eye(4).ravel())))
put("numbers", "perspective", num(0, 2, "60,1.33,0.1,100"))
put("numbers", "frustum", num(0, 3, "-1,1,-1,1,1,10"))
put("numbers", "ortho", num(0, 4, "-1,1,-1,1,-1,1"))
put("numbers", "lookat", num(0, 5, "0,0,5,0,0,0,0,1,0"))
put("numbers", "translate", num(0, 6, "1,2,3"))
put("numbers", "rotate", num(0, 7, "90,0,0,1"))
put("numbers", "scale", num(0, 8, "2"))
put("numbers", "bad-singular", num(0, 8, "0,1,1"))
put("numbers", "viewport", num(1, 0, "0,0,640,480"))
put("numbers", "depth-range", num(2, 0, "0.1,1e-5"))
put("numbers", "sigma", num(3, 3 | 2 << 3, "1.5"))
put("numbers", "sigmas", num(3, 4 | 1 << 3, "1,2,0,3.5"))
put("numbers", "bad-sigma", num(3, 2, "-1,inf"))
put("numbers", "shape", num(4, 1, "8,1,-1"))
put("numbers", "shape-x", num(4, 0, "8x1x256"))
put("numbers", "bad-shape", num(4, 0, "0x10"))
put("numbers", "bad-shape-capacity", num(4, 2 << 1, "1,1,1"))  # room for 2
put("numbers", "int", num(5, 0, "-17"))
put("numbers", "double", num(6, 0, "1e-320"))
put("numbers", "bad-double", num(6, 0, "0x1p3"))
put("numbers", "dtype", num(7, 0, "float32"))
put("numbers", "bad-dtype", num(7, 0, "u16"))

# --- tiff: files of pages: the golden and broken files of test/data/tiff
# (made by its make.py) and cuts of them
tiffdata = os.path.join(top, "..", "..", "test", "data", "tiff")


def tif(name):
    return open(os.path.join(tiffdata, name + ".tif"), "rb").read()


for name in ["pil-gray8", "pil-gray16-lzw", "pil-bilevel-g4", "pil-palette",
             "pil-pages", "pil-rgb8-jpeg", "pil-cmyk", "tf-be-u2",
             "tf-planar-rgb16", "tf-tiles-f4", "tf-bigtiff-i4", "tf-dtypes",
             "tf-contig-many", "vips-zstd-u2", "vips-jpeg-tiles",
             "vips-gray4", "hand-gray12"] + [
             f[:-4] for f in sorted(os.listdir(tiffdata))
             if f.startswith("bad-")]:
    put("tiff", name + ".tif", tif(name))
put("tiff", "cut-header.tif", tif("pil-gray8")[:6])
put("tiff", "cut-directory.tif", tif("pil-pages")[:30])
put("tiff", "cut-data.tif", tif("pil-gray8")[:200])
put("tiff", "cut-second-page.tif", tif("pil-pages")[:500])
# files one after another: zero padding between, a cut second file,
# and bytes after the last that are not a TIFF
put("tiff", "two-files.tif", tif("pil-pages") + bytes(16) + tif("tf-be-u2"))
put("tiff", "cut-second-file.tif", tif("pil-gray8") + tif("tf-bigtiff-i4")[:40])
put("tiff", "trailing.tif", tif("pil-gray8") + b"junk")

# --- mat: the v4 and v5 files of test/data/mat (scipy.io, by hand; the
# harness skips v7.3) ---
matdir = os.path.join(os.path.dirname(top), "..", "test", "data", "mat")
for name in sorted(os.listdir(matdir)):
    if name.endswith(".mat") and "v73" not in name:
        put("mat", name, open(os.path.join(matdir, name), "rb").read())
v5 = open(os.path.join(matdir, "scipy-v5.mat"), "rb").read()
v4 = open(os.path.join(matdir, "scipy-v4.mat"), "rb").read()
put("mat", "bad-cut-header.mat", v5[:100])
put("mat", "bad-cut-tag.mat", v5[:132])
put("mat", "bad-cut-variable.mat", v5[:300])
put("mat", "bad-cut-v4.mat", v4[:30])
put("mat", "bad-version.mat", v5[:124] + b"\x00\x03" + v5[126:])
put("mat", "bad-type.mat", v5[:128] + b"\x07" + v5[129:])
put("mat", "bad-class.mat", v5[:144] + b"\x63" + v5[145:])
put("mat", "bad-dims.mat", v5[:160] + b"\xff\xff\xff\x7f" + v5[164:])
z = open(os.path.join(matdir, "scipy-v5z.mat"), "rb").read()
put("mat", "bad-zlib.mat", z[:140] + b"\x00" * 8 + z[148:])
