#!/usr/bin/env bats
# tcat: the NPY stream with numpy both ways, PNG and text, -t, --shape,
# -o, and the table of bad input.  Many cases share one python start:
# a python script writes in/CASE.npy and exp/CASE.npy, a shell loop runs
# tcat, one python script (npy_same) checks every output.

load helpers

# gen: run python with numpy and the helpers below, code on stdin.
#   values(dtype, shape)  values that exercise the dtype (extremes, NaN,
#                         inf, -0.0, subnormals), native byte order
#   case(name, a, order, fortran, version)
#                         in/NAME.npy: a written in byte order order
#                         ('<' or '>'), Fortran layout if fortran, NPY
#                         version (None: numpy's choice); exp/NAME.npy:
#                         numpy.save of a, native and C order
gen() {
	{ printf '%s\n' "$GEN_PRELUDE"; cat; } | "$PY" -
}
GEN_PRELUDE=$(cat <<'EOF'
import os, sys, struct, warnings
import numpy as np
warnings.simplefilter('ignore', RuntimeWarning)	# casts to inf on purpose
for d in ('in', 'exp'):
    os.makedirs(d, exist_ok=True)
rng = np.random.default_rng(1234)
DTYPES = ['b1', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8',
          'f2', 'f4', 'f8', 'c8', 'c16']

def values(dt, shape):
    dt = np.dtype(dt).newbyteorder('=')
    shape = tuple(shape)
    n = int(np.prod(shape, dtype=np.int64))
    if dt.kind == 'b':
        v = rng.integers(0, 2, n).astype(bool)
    elif dt.kind in 'ui':
        info = np.iinfo(dt)
        v = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
        v[:2] = [info.min, info.max][:n]
    elif dt.kind == 'f':
        v = (rng.standard_normal(n) * 100).astype(dt)
        fi = np.finfo(dt)
        sp = np.array([np.nan, np.inf, -np.inf, -0.0, fi.tiny / 4, fi.max,
                       -fi.max, fi.eps], dt)
        v[:min(n, len(sp))] = sp[:n]
    else:
        ft = np.float32 if dt.itemsize == 8 else np.float64
        v = np.empty(n, dt)
        v.real, v.imag = values(ft, (n,)), values(ft, (n,))[::-1]
    return v.reshape(shape)

def case(name, a, order='<', fortran=False, version=None):
    a = np.asarray(a)
    w = a.astype(a.dtype.newbyteorder(order))
    if fortran and w.ndim:
        w = np.asfortranarray(w)
    with open(f'in/{name}.npy', 'wb') as f:
        np.lib.format.write_array(f, w, version=version)
    head = open(f'in/{name}.npy', 'rb').read(200)
    if fortran and not w.flags.c_contiguous:
        assert b"'fortran_order': True" in head, name
    if version:
        assert head[6:8] == bytes(version), name
    np.save(f'exp/{name}.npy', a)
EOF
)

setup_file() {
	# The bad inputs, made once for the table of tests at the end.
	mkdir -p "$BATS_FILE_TMPDIR/bad"
	"$PY" - "$BATS_FILE_TMPDIR/bad" "$DATA" <<'EOF'
import io, os, struct, sys
import numpy as np
d, data = sys.argv[1:3]

def W(name, b):
    with open(os.path.join(d, name), 'wb') as f:
        f.write(b)

def npy(a, **kw):
    b = io.BytesIO()
    np.lib.format.write_array(b, a, **kw)
    return b.getvalue()

def raw(header, data=b''):
    """A version 1.0 record with this header dict, padded as numpy does."""
    h = header.encode('latin1')
    h += b' ' * ((-(10 + len(h) + 1)) % 64) + b'\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h + data

good = npy(np.arange(512.0))		# 128-byte header, 4096 bytes of data
assert len(good) == 128 + 4096
W('good.npy', good)
W('garbage.txt', b'hello world\n')
W('badmagic.npy', b'\x93NUMPZ' + good[6:])
W('binary.bin', bytes(range(256)) * 4)
W('trunc-magic.npy', good[:8])
W('trunc-header0.npy', good[:60])
W('trunc-header1.npy', good + good[:60])
W('trunc-data2.npy', good + good + good[:128 + 1000])
W('header-1g.npy', b'\x93NUMPY\x02\x00' + struct.pack('<I', 1000000000)
  + b"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }")
h = b"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
h += b' ' * (70000 - len(h) - 1) + b'\n'
W('header-70000.npy', b'\x93NUMPY\x02\x00' + struct.pack('<I', 70000) + h
  + b'\0' * 24)
W('version4.npy', b'\x93NUMPY\x04\x00' + good[8:])
W('overflow.npy', raw("{'descr': '<f8', 'fortran_order': False, "
  "'shape': (4294967296, 4294967296, 4294967296), }"))
W('overflow-bytes.npy', raw("{'descr': '<f8', 'fortran_order': False, "
  "'shape': (4611686018427387904,), }"))
W('negative.npy', raw("{'descr': '<f8', 'fortran_order': False, "
  "'shape': (-1, 3), }", b'\0' * 24))
W('garbage-shape.npy', raw("{'descr': '<f8', 'fortran_order': False, "
  "'shape': (2, x), }", b'\0' * 16))
W('object.npy', npy(np.array([1, 'a', None], dtype=object),
                    allow_pickle=True))
W('unicode.npy', npy(np.array(['ab', 'c'])))
W('bytes.npy', npy(np.array([b'ab', b'c'])))
W('datetime.npy', npy(np.array(['2024-01-01'], dtype='M8[D]')))
W('structured.npy', npy(np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')])))
png = open(os.path.join(data, 'pil-rgb8.png'), 'rb').read()
W('trunc.png', png[:100])
i = png.index(b'IDAT') + 20
W('crc.png', png[:i] + bytes([png[i] ^ 0xff]) + png[i + 1:])
W('ragged.txt', b'1 2 3\n4 5 6\n7 8 9 10\n')
W('six.txt', b'1 2 3 4 5 6\n')
EOF
}

# --- numpy.save -> tcat -> numpy.load -----------------------------------

# text_round_trip: each exp/CASE.npy written as text and read back must
# equal itself (dtype, shape, values).
text_round_trip() {
	: > pairs
	for f in exp/*.npy; do
		c=$(basename "$f" .npy)
		tcat -O txt "$f" > "$c.txt"
		tcat "$c.txt" > "$c.npy"
		echo "$c $c.npy $f" >> pairs
	done
	run npy_same pairs
	[ "$status" -eq 0 ] || fail "$output"
}

@test "every dtype in both byte orders: numpy.save | tcat loads equal, and is numpy.save's bytes" {
	gen <<'EOF'
for dt in DTYPES:
    a = values(dt, (3, 5, 2))
    for order in '<>':
        if a.dtype.itemsize == 1 and order == '>':
            continue
        case(f'{dt}-{order}'.replace('<', 'le').replace('>', 'be'), a, order)
EOF
	[ "$(ls in | wc -l)" -eq 25 ]
	tcat_cases
}

@test "fortran_order True is converted to C order, every dtype" {
	gen <<'EOF'
for dt in DTYPES:
    case(f'{dt}-f-3x4', values(dt, (3, 4)), '<', fortran=True)
    case(f'{dt}-f-be-2x3x4', values(dt, (2, 3, 4)), '>', fortran=True)
case('f8-f-2x1x3x1x2', values('f8', (2, 1, 3, 1, 2)), fortran=True)
case('i2-f-5x1', values('i2', (5, 1)), '>', fortran=True)
case('u1-f-7x300', values('u1', (7, 300)), fortran=True)
case('f4-f-0x3', values('f4', (0, 3)), fortran=True)
EOF
	tcat_cases
}

@test "NPY versions 1.0, 2.0 and 3.0 are read (output is 1.0)" {
	gen <<'EOF'
for v in [(1, 0), (2, 0), (3, 0)]:
    tag = f'v{v[0]}'
    for dt in DTYPES:
        case(f'{tag}-{dt}', values(dt, (4, 3)), '<', version=v)
    case(f'{tag}-f8-be-fortran', values('f8', (3, 4)), '>', True, v)
    case(f'{tag}-scalar', values('i4', ()), '<', version=v)
    case(f'{tag}-empty', values('f4', (0,)), '<', version=v)
EOF
	tcat_cases
}

@test "scalars, zero-size arrays and 0 to 8 axes" {
	gen <<'EOF'
for dt in DTYPES:
    case(f'scalar-{dt}', values(dt, ()))
    case(f'scalar-be-{dt}', values(dt, ()), '>')
for shape in [(0,), (0, 3), (3, 0), (3, 0, 2), (2, 0, 0, 1), (0,) * 8]:
    tag = 'x'.join(map(str, shape))
    case(f'empty-{tag}-f8', values('f8', shape))
    case(f'empty-{tag}-u2-be', values('u2', shape), '>')
case('empty-c16-f', values('c16', (0, 4)), fortran=True)
for k in range(9):
    shape = (2, 3, 1, 2, 3, 1, 2, 2)[:k]
    for dt, order, f in [('f8', '<', False), ('u1', '|', False),
                         ('i2', '>', False), ('c8', '>', True),
                         ('f2', '<', True)]:
        case(f'axes{k}-{dt}-{order}-{"f" if f else "c"}'
             .replace('<', 'le').replace('>', 'be').replace('|', 'na'),
             values(dt, shape), order, f)
case('axes8-long', values('f4', (1, 2, 1, 300, 1, 1, 2, 1)))
EOF
	tcat_cases
}

@test "header variants: any key order, padding, '=' and '|' byte orders" {
	gen <<'EOF'
def craft(name, header, a, data, align=64):
    h = header.encode('latin1')
    h += b' ' * ((-(10 + len(h) + 1)) % align) + b'\n'
    with open(f'in/{name}.npy', 'wb') as f:
        f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h + data)
    np.save(f'exp/{name}.npy', a)

a = values('f4', (2, 3))
craft('keys-reversed', "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
      a, a.tobytes())
craft('keys-mixed-no-comma', "{'fortran_order': False,'descr':'<f4','shape':(2,3)}",
      a, a.tobytes())
craft('pad-16', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      a, a.tobytes(), align=16)
craft('pad-none', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      a, a.tobytes(), align=1)
craft('pad-lots', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
      + ' ' * 300, a, a.tobytes())
craft('descr-equals', "{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3), }",
      a, a.tobytes())
b = values('i8', (2, 3))
craft('descr-be-fortran', "{'descr': '>i8', 'fortran_order': True, 'shape': (2, 3), }",
      b, np.asfortranarray(b).astype('>i8').tobytes(order='F'))
c = values('u1', (4,))
craft('descr-u1-no-order', "{'descr': 'u1', 'fortran_order': False, 'shape': (4,), }",
      c, c.tobytes())
craft('descr-b1-le', "{'descr': '<b1', 'fortran_order': False, 'shape': (4,), }",
      c.astype(bool), c.astype(bool).tobytes())
craft('shape-trailing-comma', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3,), }",
      a, a.tobytes())
craft('fortran-1d', "{'descr': '<f4', 'fortran_order': True, 'shape': (6,), }",
      a.ravel(), a.tobytes())
EOF
	tcat_cases
}

@test "a stream of 3 records round-trips; files and - concatenate in order" {
	gen <<'EOF'
rs = [values('f8', (2, 3)), values('u1', ()), values('i2', (3, 2))]
with open('stream.npy', 'wb') as f:
    np.save(f, rs[0]); np.save(f, rs[1])
    np.lib.format.write_array(f, np.asfortranarray(rs[2].astype('>i2')))
with open('exp.npy', 'wb') as f:
    for r in rs:
        np.save(f, r)
for i, r in enumerate(rs):
    np.save(f'r{i}.npy', r)
EOF
	cat stream.npy | tcat > out.npy
	cmp out.npy exp.npy
	tcat stream.npy > out2.npy
	cmp out2.npy exp.npy
	tcat r0.npy - r2.npy < r1.npy > out3.npy
	cmp out3.npy exp.npy
	cat r0.npy r1.npy | tcat - r2.npy > out4.npy
	cmp out4.npy exp.npy
	# a stream of streams, a PNG and a text file in one output
	printf '1 2\n3 4\n' > t.txt
	tcat stream.npy "$DATA/pil-gray8.png" t.txt > mixed.npy
	printf '1 2\n3 4\n' | tcat > t.npy
	cat exp.npy "$DATA/pil-gray8.npy" t.npy > mixed-exp.npy
	cmp mixed.npy mixed-exp.npy
	npy_close out.npy exp.npy
}

@test "a closed pipe downstream ends tcat (and tgen) quietly" {
	run bash -c 'tgen randn 1000000 --seed 1 2> tgen.err | tcat 2> tcat.err |
	    head -c 100 > head.out; echo "${PIPESTATUS[*]}"'
	[ "$status" -eq 0 ]
	read -r s_tgen s_tcat s_head <<< "$output"
	[ "$s_head" -eq 0 ]
	[ "$s_tcat" -eq 141 ] || [ "$s_tcat" -eq 0 ] ||
		fail "tcat exit $s_tcat: $(cat tcat.err)"
	[ "$s_tgen" -eq 141 ] || [ "$s_tgen" -eq 0 ] ||
		fail "tgen exit $s_tgen: $(cat tgen.err)"
	[ ! -s tcat.err ] || fail "tcat wrote: $(cat tcat.err)"
	[ ! -s tgen.err ] || fail "tgen wrote: $(cat tgen.err)"
	[ "$(wc -c < head.out)" -eq 100 ]
	# from a file (tcat may splice), and writing text
	tgen randn 1000000 --seed 1 > big.npy
	for args in "big.npy" "-O txt big.npy" "big.npy big.npy"; do
		run bash -c "tcat $args 2> err | head -c 100 > /dev/null; "'echo "${PIPESTATUS[0]}"'
		[ "$output" -eq 141 ] || [ "$output" -eq 0 ] ||
			fail "tcat $args: exit $output: $(cat err)"
		[ ! -s err ] || fail "tcat $args wrote: $(cat err)"
	done
}

@test "NPY written by tgen and tcat loads in numpy.load" {
	tgen randn 3,4 --seed 1 > a.npy
	tcat a.npy > b.npy
	tcat -o c.npy a.npy
	py "
for f in 'a.npy', 'b.npy', 'c.npy':
    x = np.load(f)
    assert x.shape == (3, 4) and x.dtype == np.float64, f
    head = open(f, 'rb').read(128)
    assert head[6:8] == b'\x01\x00', f
    hl = 10 + int.from_bytes(head[8:10], 'little')
    assert hl % 64 == 0 and head[hl - 1:hl] == b'\n', f
"
}

# --- PNG ---------------------------------------------------------------

@test "PNGs made by PIL and ImageMagick read to the arrays PIL gives" {
	mkdir out outp
	: > pairs
	n=0
	for f in "$DATA"/*.png; do
		c=$(basename "$f" .png)
		tcat "$f" > "out/$c.npy"
		cat "$f" | tcat > "outp/$c.npy"
		echo "$c out/$c.npy $DATA/$c.npy" >> pairs
		echo "$c-pipe outp/$c.npy $DATA/$c.npy" >> pairs
		n=$((n + 1))
	done
	[ "$n" -ge 10 ]
	run npy_same pairs
	[ "$status" -eq 0 ] || fail "$output"
}

@test "tcat -O png writes 8- and 16-bit PNGs that PIL (and ImageMagick) read back equal" {
	gen <<'EOF'
y, x = np.mgrid[0:5, 0:7]
imgs = {
    'gray8': (x * 30 + y).astype(np.uint8),
    'gray8-1ch': (x * 30 + y).astype(np.uint8)[..., None],
    'la8': np.stack([x * 30, y * 50], -1).astype(np.uint8),
    'rgb8': np.stack([x * 30, y * 50, x * y * 7], -1).astype(np.uint8),
    'rgba8': np.stack([x * 30, y * 50, x * y * 7, 255 - x], -1).astype(np.uint8),
    'gray16': (x * 9000 + y * 311 + 1).astype(np.uint16),
    'la16': np.stack([x * 9000, 65535 - y * 311], -1).astype(np.uint16),
    'rgb16': np.stack([x * 9000, y * 311 + 7, 65535 - x * y * 77], -1).astype(np.uint16),
    'rgba16': np.stack([x * 9000, y * 311, x * y * 77, 65535 - x], -1).astype(np.uint16),
}
imgs['gray16'][0, :3] = [0, 65535, 257]
for k, v in imgs.items():
    np.save(f'in/{k}.npy', v)
EOF
	for f in in/*.npy; do
		c=$(basename "$f" .npy)
		tcat -O png "$f" > "$c.png"
		tcat -o "$c-o.png" "$f"
		cmp "$c.png" "$c-o.png"
	done
	for c in rgb16 rgba16; do
		/usr/bin/convert "$c.png" -depth 16 -endian MSB "${c%16}:-" > "$c.raw"
	done
	"$PY" - "$DATA/make-golden.py" <<'EOF'
import importlib.util, os, struct, sys
import numpy as np
from PIL import Image
spec = importlib.util.spec_from_file_location('golden', sys.argv[1])
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)
want = {'gray8': (8, 0), 'gray8-1ch': (8, 0), 'la8': (8, 4), 'rgb8': (8, 2),
        'rgba8': (8, 6), 'gray16': (16, 0), 'la16': (16, 4),
        'rgb16': (16, 2), 'rgba16': (16, 6)}
bad = []
for c, (depth, ctype) in want.items():
    a = np.load(f'in/{c}.npy')
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    f = f'{c}.png'
    ihdr = open(f, 'rb').read(33)
    got = (ihdr[24], ihdr[25])
    if ihdr[:8] != b'\x89PNG\r\n\x1a\n' or got != (depth, ctype):
        bad.append(f'{c}: bit depth, colour type {got}, expected {(depth, ctype)}')
        continue
    readers = {}
    if depth == 8 or ctype == 0:	# PIL reads these faithfully
        readers['PIL'] = np.asarray(Image.open(f))
    if c in ('rgb16', 'rgba16'):
        readers['ImageMagick'] = np.frombuffer(open(f'{c}.raw', 'rb').read(),
                                               '>u2').reshape(a.shape)
    try:
        readers['decoder'] = golden.decode_png(os.path.abspath(f))
    except AssertionError:
        pass	# interlaced: PIL and ImageMagick are enough
    for who, b in readers.items():
        if b.shape != a.shape or not np.array_equal(b.astype(np.int64), a):
            bad.append(f'{c}: {who} reads {b.shape} {b.ravel()[:6]}, '
                       f'expected {a.shape} {a.ravel()[:6]}')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
EOF
}

@test "PNG output of images of several deflate blocks (1 MiB of rows each): every conversion and depth read back by PIL and OpenCV; -j 1 and -j 2 write the same bytes" {
	gen <<'EOF'
rng = np.random.default_rng(26)
y, x = np.mgrid[0:700, 0:613]
smooth = (np.sin(x / 40.0) * np.cos(y / 57.0) * 120 + 128)
imgs = {
    'u1-rgb': np.stack([smooth, smooth[::-1], x % 256], -1).astype(np.uint8),
    'f4-rgb': (np.stack([smooth, x * 0.5, y * 0.4], -1) + rng.standard_normal((700, 613, 3)) * 3 - 10).astype(np.float32),
    'u2-rgba': rng.integers(0, 65536, (700, 613, 4)).astype(np.uint16),
    'b1-gray': (rng.random((1500, 1400)) > 0.5),
    'i2-la': rng.integers(-300, 70000 // 2, (700, 613, 2)).astype(np.int16),
}
for k, v in imgs.items():
    np.save(f'in/{k}.npy', v)
EOF
	local f c d
	for f in in/*.npy; do
		c=$(basename "$f" .npy)
		for d in 8 16; do
			tcat -j 2 --depth $d "$f" -o "$c-$d.png"
			tcat -j 1 --depth $d "$f" -o "$c-$d-j1.png"
			cmp "$c-$d.png" "$c-$d-j1.png"
		done
	done
	"$PY" - <<'EOF'
import glob, os, sys
import numpy as np, cv2
from PIL import Image
bad = []
for f in sorted(glob.glob('in/*.npy')):
    c = os.path.basename(f)[:-4]
    a = np.load(f)
    for depth in (8, 16):
        top = 255 if depth == 8 else 65535
        if a.dtype == bool:
            want = np.where(a, top, 0)
        elif a.dtype.kind == 'f':
            want = np.clip(np.rint(a.astype(np.float64)), 0, top)
        else:
            want = np.clip(a.astype(np.int64), 0, top)
        png = f'{c}-{depth}.png'
        got = cv2.imread(png, cv2.IMREAD_UNCHANGED)
        if got.ndim == 3 and got.shape[2] in (3, 4):
            got = got[..., [2, 1, 0, 3][:got.shape[2]]]
        if a.ndim == 3 and a.shape[2] == 2:
            got = np.asarray(Image.open(png)) if depth == 8 else None
        if got is not None and not np.array_equal(got.astype(np.int64), want.astype(np.int64).reshape(got.shape)):
            bad.append(f'{png}: pixels differ')
        if depth == 8 and not np.array_equal(np.asarray(Image.open(png)).astype(np.int64), want.reshape(np.asarray(Image.open(png)).shape)):
            bad.append(f'{png}: PIL reads other pixels')
        raw = a.shape[0] * (a[0].size * depth // 8 + 1)
        idats = open(png, 'rb').read().count(b'IDAT')
        if raw > 1.1 * 2**20 and idats < 3:
            bad.append(f'{png}: {idats} IDAT chunks, expected several blocks')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
EOF
	# and back through tpipe's own reader
	tcat u2-rgba-16.png | cmp - in/u2-rgba.npy
}

@test "PNG input: PIL's and OpenCV's files with every filter type, many IDAT chunks, 8 and 16 bits, read as PIL and OpenCV read them" {
	gen <<'EOF'
rng = np.random.default_rng(7)
from PIL import Image
import cv2, zlib
y, x = np.mgrid[0:300, 0:357]
n = 0
for mode, ch in (('L', 1), ('LA', 2), ('RGB', 3), ('RGBA', 4)):
    for kind in range(3):
        a = np.stack([((x * (c + 1) + y * 3) // (kind + 1) + rng.integers(0, 3 * kind + 1, x.shape)) % 256
                      for c in range(ch)], -1).astype(np.uint8)
        if kind == 1:
            a[100:200] = rng.integers(0, 256, a[100:200].shape)
        im = Image.fromarray(a[..., 0] if ch == 1 else a, mode)
        im.save(f'in/pil{n}.png', optimize=kind == 2, compress_level=6 + kind)
        np.save(f'exp/pil{n}.npy', np.asarray(Image.open(f'in/pil{n}.png')))
        n += 1
for ch in (1, 3, 4):
    a = (np.stack([x * 181 + y * (c + 1) * 97 for c in range(ch)], -1) % 65536).astype(np.uint16)
    cv2.imwrite(f'in/cv{ch}.png', a[..., 0] if ch == 1 else a)
    b = cv2.imread(f'in/cv{ch}.png', cv2.IMREAD_UNCHANGED)
    np.save(f'exp/cv{ch}.npy', b if b.ndim == 2 else b[..., [2, 1, 0, 3][:ch]])
# the files hold every filter type and several IDAT chunks
seen, idats = set(), 0
for f in os.listdir('in'):
    b = open(f'in/{f}', 'rb').read()
    pos, z, ihdr = 8, b'', None
    while pos < len(b):
        ln, ty = struct.unpack('>I4s', b[pos:pos + 8])
        if ty == b'IHDR':
            ihdr = struct.unpack('>IIBB', b[pos + 8:pos + 18])
        if ty == b'IDAT':
            z += b[pos + 8:pos + 8 + ln]
            idats += 1
        pos += ln + 12
    w, h, depth, ct = ihdr
    chans = {0: 1, 2: 3, 4: 2, 6: 4}[ct]
    raw = zlib.decompress(z)
    rb = w * chans * depth // 8 + 1
    seen |= {raw[i * rb] for i in range(h)}
assert seen == {0, 1, 2, 3, 4}, seen
assert idats > 2 * len(os.listdir('in')), idats
EOF
	local f c bad=''
	for f in in/*.png; do
		c=$(basename "$f" .png)
		tcat "$f" > "$c.npy" || bad+="$c: tcat failed"$'\n'
		"$PY" -c "
import numpy as np, sys
a, b = np.load('$c.npy'), np.load('exp/$c.npy')
sys.exit(0 if a.dtype == b.dtype and np.array_equal(a, b) else 1)" || bad+="$c: differs"$'\n'
	done
	[ -z "$bad" ] || fail "$bad"
	[ "$(ls in/*.png | wc -l)" -eq 15 ]
}

@test "PNG output: floats rounded half to even and clamped, integers clamped, bool 0/255, --depth" {
	gen <<'EOF'
tests = {
    'f8': (np.array([[-3, 0.4, 0.5, 1.5, 2.5, 254.5, 255.4, 300, 1e10, -0.0]]),
           [0, 0, 0, 2, 2, 254, 255, 255, 255, 0], 8),
    'f4': (np.array([[0.5, 1.5, 127.49, 127.5, 128.5]], np.float32),
           [0, 2, 127, 128, 128], 8),
    'f8-depth16': (np.array([[-1, 0.5, 1.5, 1000.5, 65534.5, 65535.4, 7e4, 1e10]]),
                   [0, 0, 2, 1000, 65534, 65535, 65535, 65535], 16),
    'i4': (np.array([[-5, 0, 7, 255, 256, 100000]], np.int32),
           [0, 0, 7, 255, 255, 255], 8),
    'i8-depth16': (np.array([[-5, 7, 65535, 65536]], np.int64),
                   [0, 7, 65535, 65535], 16),
    'u2-depth8': (np.array([[0, 255, 256, 65535]], np.uint16), [0, 255, 255, 255], 8),
    'u1-depth16': (np.array([[0, 1, 255]], np.uint8), [0, 1, 255], 16),
    'b1': (np.array([[True, False, True]]), [255, 0, 255], 8),
}
for k, (a, want, depth) in tests.items():
    np.save(f'in/{k}.npy', a)
    with open(f'in/{k}.want', 'w') as f:
        f.write(f'{depth} ' + ' '.join(map(str, want)))
EOF
	for f in in/*.npy; do
		c=$(basename "$f" .npy)
		case $c in
		*depth16) tcat --depth 16 -O png "$f" > "$c.png" ;;
		*depth8) tcat --depth 8 -O png "$f" > "$c.png" ;;
		*) tcat -O png "$f" > "$c.png" ;;
		esac
	done
	py "
from PIL import Image
import glob, os
bad = []
for w in sorted(glob.glob('in/*.want')):
    c = os.path.basename(w)[:-5]
    depth, *want = map(int, open(w).read().split())
    f = c + '.png'
    if open(f, 'rb').read(25)[24] != depth:
        bad.append(f'{c}: bit depth is not {depth}')
    got = np.asarray(Image.open(f)).astype(np.int64).ravel().tolist()
    if got != want:
        bad.append(f'{c}: {got} != {want}')
print('\n'.join(bad)); sys.exit(1 if bad else 0)
"
}

@test "PNG output refuses a second record and shapes that are not images" {
	py "
np.save('img.npy', np.zeros((4, 5), np.uint8))
with open('two.npy', 'wb') as f:
    np.save(f, np.zeros((4, 5), np.uint8)); np.save(f, np.zeros((4, 5), np.uint8))
np.save('c5.npy', np.zeros((2, 3, 5), np.uint8))
np.save('v.npy', np.zeros(5, np.uint8))
np.save('d4.npy', np.zeros((1, 2, 3, 3), np.uint8))
np.save('s.npy', np.zeros((), np.uint8))
"
	row fails 1 'one image' /dev/null tcat -O png "$PWD/two.npy"
	row fails 1 '\(2, 3, 5\)' /dev/null tcat -O png "$PWD/c5.npy"
	row fails 1 '\(5,\)' /dev/null tcat -O png "$PWD/v.npy"
	row fails 1 '\(1, 2, 3, 3\)' /dev/null tcat -O png "$PWD/d4.npy"
	row fails 1 '\(\)' /dev/null tcat -O png "$PWD/s.npy"
	# -o x.png: no x.png left either
	mkdir o && cd o
	run -1 tcat -o x.png ../two.npy
	[ -z "$(ls -A)" ]
	rows_ok
}

# What tcat(1) and tpipe(7) say of a zero-size record: it passes through
# as NPY and text, and as a picture or a PNG it is refused by shape.
@test "a zero-size record passes as NPY and text, and is refused as a picture or PNG" {
	local s o
	for s in 0,3 3,0 2,0,3; do
		tgen zeros "$s" -o z.npy
		run --separate-stderr tcat z.npy
		[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "$s: exit $status: $stderr"
		cmp <(tcat z.npy) z.npy
		tcat -O txt z.npy | tcat | cmp - z.npy
		tcat -t f32 z.npy | tinfo | grep -q "dtype=float32 bytes=0 " ||
			fail "$s -t f32: $(tcat -t f32 z.npy | tinfo)"
		for o in --normalize '--range 0,1' '--cmap gray' '--cmap viridis'; do
			# shellcheck disable=SC2086 # o is an option and its value
			row fails 1 "record 0: shape \(${s//,/, }\) is empty: nothing to draw$" \
			    "$PWD/z.npy" tcat $o
			# shellcheck disable=SC2086
			row fails 1 "shape \(${s//,/, }\) is empty" "$PWD/z.npy" tcat $o -O png
		done
		row fails 1 "cannot write shape \(${s//,/, }\) as png: its (height|width) is 0$" \
		    "$PWD/z.npy" tcat -O png
	done
	rows_ok
}

# --- text --------------------------------------------------------------

@test "text round trip: npy -> txt -> npy equal for f64, f32, integers, bool, complex" {
	gen <<'EOF'
f8 = np.concatenate([values('f8', (20,)), [0.1, 1 / 3, 1e-300, 1e300, 5e-324,
     2.2250738585072014e-308, 123456789.123456789, -1.5, 2**53 + 1.0, 0.0]])
case('f64', f8.reshape(3, 10))
f4 = np.concatenate([values('f4', (20,)), np.array([0.1, 1 / 3, 1e-45, 3.4028235e38,
     1.1754944e-38, 16777217, -2.5, 0.0, 7e-39, 1e10], np.float32)])
case('f32', f4.reshape(5, 6))
for dt in ['i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8']:
    case(f'int-{dt}', values(dt, (2, 3, 4)))
case('bool', values('b1', (7,)))
case('c16', values('c16', (2, 5)))
case('c8', values('c8', (3, 2)))
case('c16-plain', np.array([1.5 + 2j, -1 - 0.5j, 0j, 1e300 - 1e-300j]))
with open('stream.npy', 'wb') as f:
    for n in sorted(os.listdir('exp')):
        f.write(open(f'exp/{n}', 'rb').read())
EOF
	text_round_trip
	for c in f64 int-u8 int-i8; do cmp "$c.npy" "exp/$c.npy"; done
	# a whole stream as text reads back as the same records
	tcat -O txt stream.npy | tcat > stream-back.npy
	cmp stream-back.npy stream.npy
}

@test "text round trip keeps the shape: 0-d, 1-D, 4-D, empty" {
	gen <<'EOF'
case('scalar', np.float64(0.1))
case('scalar-i4', np.int32(-7))
case('vec', values('f8', (5,)))
case('axes4', values('f8', (2, 2, 2, 3)))
case('axes5-i2', values('i2', (1, 2, 1, 2, 3)))
case('empty-0x3', values('f8', (0, 3)))
case('empty-3x0', values('f4', (3, 0)))
EOF
	text_round_trip
}

@test "text output: shape comment, %.17g for f64, %.9g for f32, exact integers, blank line between slices" {
	py "
np.save('a.npy', np.array([[1, 2, 3], [4, 5, 6]], np.float64))
np.save('b.npy', np.array([0.1, -2.5], np.float32))
np.save('c.npy', np.array([[[1, 2]], [[3, 4]]], np.int32))
np.save('d.npy', np.float64(0.1))
np.save('e.npy', np.array([True, False]))
np.save('f.npy', np.array([np.nan, np.inf, -np.inf, 1e300]))
np.save('g.npy', np.array([-9223372036854775808, 9223372036854775807]))
np.save('h.npy', np.array([18446744073709551615], np.uint64))
"
	[ "$(tcat -O txt a.npy)" = $'# shape (2, 3) float64\n1 2 3\n4 5 6' ]
	[ "$(tcat -O txt b.npy)" = $'# shape (2,) float32\n0.100000001 -2.5' ]
	[ "$(tcat -O txt c.npy)" = $'# shape (2, 1, 2) int32\n1 2\n\n3 4' ]
	[ "$(tcat -O txt d.npy)" = $'# shape () float64\n0.10000000000000001' ]
	[ "$(tcat -O txt e.npy)" = $'# shape (2,) bool\n1 0' ]
	[ "$(tcat -O txt f.npy)" = $'# shape (4,) float64\nnan inf -inf 1.0000000000000001e+300' ]
	[ "$(tcat -O txt g.npy)" = $'# shape (2,) int64\n-9223372036854775808 9223372036854775807' ]
	[ "$(tcat -O txt h.npy)" = $'# shape (1,) uint64\n18446744073709551615' ]
	# rows end in a newline
	[ "$(tcat -O txt a.npy | tail -c 1 | od -An -c | tr -d ' ')" = '\n' ]
}

@test "text input: shape inferred, commas and blanks, comments, nan/inf, complex" {
	mkdir in exp
	printf '1 2 3\n' > in/one-line.txt
	printf '1,2,3\n4,5,6\n' > in/commas.txt
	printf '1, 2, 3\n4 ,5 ,6\n' > in/comma-space.txt
	printf '1\t2  3\n' > in/tabs.txt
	printf '# a comment\n1 2 # trailing\n3 4\n\n5 6\n7 8\n' > in/slices.txt
	printf '1 2\n3 4\n\n\n' > in/trailing-blank.txt
	printf 'nan inf -inf 1e300 -0.5 +2\n' > in/specials.txt
	printf '# shape (2, 2) int16\n1 -2\n3 4\n' > in/shape-comment.txt
	printf '# shape () float32\n0.1\n' > in/shape-comment-scalar.txt
	printf '42\n' > in/one-number.txt
	py "
import os
d = {
 'one-line': np.array([1., 2, 3]),
 'commas': np.array([[1., 2, 3], [4, 5, 6]]),
 'comma-space': np.array([[1., 2, 3], [4, 5, 6]]),
 'tabs': np.array([1., 2, 3]),
 'slices': np.array([[[1., 2], [3, 4]], [[5, 6], [7, 8]]]),
 'trailing-blank': np.array([[1., 2], [3, 4]]),
 'specials': np.array([np.nan, np.inf, -np.inf, 1e300, -0.5, 2]),
 'shape-comment': np.array([[1, -2], [3, 4]], np.int16),
 'shape-comment-scalar': np.float32(0.1),
 'one-number': np.array([42.]),
}
for k, v in d.items():
    np.save(f'exp/{k}.npy', v)
"
	: > pairs
	for f in in/*.txt; do
		c=$(basename "$f" .txt)
		tcat "$f" > "$c.npy" || fail "$c: tcat failed"
		echo "$c $c.npy exp/$c.npy" >> pairs
	done
	run npy_same pairs
	[ "$status" -eq 0 ] || fail "$output"
}

@test "text input: complex numbers without a shape comment give complex128" {
	printf '1.5+2j -1-0.5j 3\n' > c.txt
	printf '# shape (2,) complex64\n1.5+2j -1-0.5j\n' > c8.txt
	tcat c.txt > c.npy
	tcat c8.txt > c8.npy
	py "
a = np.load('c.npy')
assert a.dtype == np.complex128 and np.array_equal(a, [1.5 + 2j, -1 - 0.5j, 3]), a
a = np.load('c8.npy')
assert a.dtype == np.complex64 and np.array_equal(a, [1.5 + 2j, -1 - 0.5j]), a
"
}

@test "--shape reshapes text (row-major, one -1 allowed)" {
	printf '1 2 3 4 5 6\n' > six.txt
	printf '1 2 3\n4 5 6\n' > rows.txt
	printf '7\n' > seven.txt
	tcat --shape 2,3 six.txt > a.npy
	tcat --shape -1,2 six.txt > b.npy
	tcat --shape 1,2,3 < six.txt > c.npy
	tcat --shape 3,2 rows.txt > d.npy
	tcat --shape=6 rows.txt > e.npy
	tcat --shape '()' seven.txt > f.npy
	py "
x = np.arange(1., 7)
for f, s in [('a', (2, 3)), ('b', (3, 2)), ('c', (1, 2, 3)), ('d', (3, 2)), ('e', (6,))]:
    a = np.load(f + '.npy')
    assert a.dtype == np.float64 and np.array_equal(a, x.reshape(s)), (f, a)
a = np.load('f.npy')
assert a.shape == () and a == 7, a
"
}

# --- -t ----------------------------------------------------------------

@test "-t f32 and -t f64 equal numpy's astype (ints, floats, complex, bool)" {
	gen <<'EOF'
def conv(name, a, t, **kw):
    case(f'{name}-to-{t}', a, **kw)
    want = {'f32': np.float32, 'f64': np.float64}[t]
    if a.dtype.kind == 'c':
        want = {'f32': np.complex64, 'f64': np.complex128}[t]
    np.save(f'exp/{name}-to-{t}.npy', a.astype(want))

f8 = np.concatenate([values('f8', (30,)), [1e300, -1e300, 1e-50, 1e-40, 0.1,
     3.4028235677973366e38, 3.4028235e38 * (1 + 2**-25), 16777217.0, 2.0**-149,
     2.0**-150, 2.0**-150 * 1.5]])
conv('f8', f8, 'f32')
conv('f8', f8, 'f64')
conv('f4', values('f4', (4, 5)), 'f64')
conv('f4', values('f4', (4, 5)), 'f32')
i8 = np.concatenate([values('i8', (10,)), np.array([2**60 + 2**36 + 1,
     -(2**60 + 2**36 + 1), 2**53 + 1, 16777217, 0], np.int64)])
conv('i8', i8, 'f32')
conv('i8', i8, 'f64')
u8 = np.concatenate([values('u8', (10,)), np.array([2**63 + 2**39 + 1], np.uint64)])
conv('u8', u8, 'f32')
conv('u8', u8, 'f64')
for dt in ['u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'b1', 'f2']:
    conv(dt, values(dt, (3, 4)), 'f32')
    conv(dt, values(dt, (3, 4)), 'f64')
conv('c16', values('c16', (6,)), 'f32')
conv('c8', values('c8', (6,)), 'f64')
conv('f8-be-fortran', values('f8', (3, 4)), 'f32', order='>', fortran=True)
conv('i2-be', values('i2', (5,)), 'f64', order='>')
EOF
	: > pairs
	bad=
	for f in in/*.npy; do
		c=$(basename "$f" .npy)
		t=${c##*-to-}
		tcat -t "$t" "$f" > "$c.out.npy" || bad+=" $c"
		echo "$c $c.out.npy exp/$c.npy" >> pairs
	done
	[ -z "$bad" ] || fail "tcat failed on:$bad"
	run npy_same pairs
	[ "$status" -eq 0 ] || fail "$output"
	# the spellings of -t
	for t in float32 f4 --dtype=f32 --dtype=float32; do
		case $t in --*) tcat "$t" in/f8-to-f32.npy > alias.npy ;;
		*) tcat -t "$t" in/f8-to-f32.npy > alias.npy ;; esac
		cmp alias.npy exp/f8-to-f32.npy || fail "-t $t differs from -t f32"
	done
	tcat -t float64 in/i8-to-f64.npy | cmp - exp/i8-to-f64.npy
	# and on a PNG
	tcat -t f64 "$DATA/pil-rgb8.png" > png.npy
	py "
a = np.load('png.npy'); b = np.load('$DATA/pil-rgb8.npy').astype(np.float64)
assert a.dtype == np.float64 and np.array_equal(a, b)
"
}

# --- output ------------------------------------------------------------

@test "-o FILE: format from the extension, -O overrides, usual permissions" {
	tgen eye 3 > e.npy
	tcat -o e.txt e.npy
	[ "$(head -n 1 e.txt)" = '# shape (3, 3) float64' ]
	tcat -o g.png "$DATA/pil-gray8.npy"
	[ "$(head -c 4 g.png | od -An -tx1 | tr -d ' ')" = 89504e47 ]
	tcat -o t.npy -O txt e.npy
	[ "$(head -n 1 t.npy)" = '# shape (3, 3) float64' ]
	tcat -O npy -o n.txt e.npy
	cmp n.txt e.npy
	# a file made by -o has the mode a shell redirection would give
	umask 022
	tcat -o m.npy e.npy
	[ "$(stat -c %a m.npy)" = 644 ] || fail "mode $(stat -c %a m.npy), expected 644 (umask 022)"
	# no temporary files remain
	[ "$(ls -A | sort | tr '\n' ' ')" = "e.npy e.txt g.png m.npy n.txt t.npy " ]
}

@test "-o: a failing run leaves an existing file as it was" {
	echo precious > keep.npy
	run -1 tcat -o keep.npy "$BATS_FILE_TMPDIR/bad/trunc-data2.npy"
	[ "$(cat keep.npy)" = precious ]
	[ "$(ls -A)" = keep.npy ]
}

@test "stdout on a terminal gets text" {
	run script -qec "tcat $DATA/tgen-eye-4.npy" /dev/null < /dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"# shape (4, 4) float64"* ]] || fail "output: ${output:0:200}"
}

@test "--help and --version" {
	run --separate-stderr tcat --help
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	[[ ${lines[0]} == "usage: tcat "* ]] || fail "help: ${lines[0]}"
	run --separate-stderr tcat -h
	[ "$status" -eq 0 ] && [[ ${lines[0]} == "usage: tcat "* ]]
	run --separate-stderr tcat --version
	[ "$status" -eq 0 ] && [ "$output" = "tcat (tpipe) 0.1.0" ]
}

# --- bad input: one row each ---------------------------------------------
# fails STATUS REGEX INPUT tcat ARGS: see helpers.bash (checks stdout is
# empty, one line on stderr, and that -o out.npy leaves nothing behind).

@test "empty input is an empty stream: exit 0, no output (with -o: an empty file)" {
	run --separate-stderr tcat < /dev/null
	[ "$status" -eq 0 ] && [ -z "$output" ] && [ -z "$stderr" ]
	tcat < /dev/null > out
	[ ! -s out ]
	: > empty.npy
	run --separate-stderr tcat empty.npy empty.npy
	[ "$status" -eq 0 ] && [ -z "$output" ] && [ -z "$stderr" ]
	mkdir o && cd o
	tcat -o out.npy < /dev/null
	[ "$(ls -A)" = out.npy ] && [ ! -s out.npy ]
}

B() { echo "$BATS_FILE_TMPDIR/bad/$1"; }

@test "bad: garbage text" {
	row fails 1 hello "$(B garbage.txt)" tcat
	row fails 1 hello /dev/null tcat "$(B garbage.txt)"
	rows_ok
}
@test "bad: wrong magic, binary garbage" {
	row fails 1 . "$(B badmagic.npy)" tcat
	row fails 1 . "$(B binary.bin)" tcat
	rows_ok
}
@test "bad: truncated header names the record and the byte counts" {
	row fails 1 'record 0' "$(B trunc-magic.npy)" tcat
	row fails 1 'record 0.*(118|128).*(50|60)' "$(B trunc-header0.npy)" tcat
	row fails --any-stdout 1 'record 1.*(118|128).*(50|60)' "$(B trunc-header1.npy)" tcat
	rows_ok
}
@test "bad: truncated data: 'truncated record 2: expected 4096 bytes of data, got 1000'" {
	row fails --any-stdout 1 'record 2.*4096.*1000' "$(B trunc-data2.npy)" tcat
	row fails --any-stdout 1 "trunc-data2.npy.*record 2.*4096.*1000" /dev/null tcat "$(B trunc-data2.npy)"
	rows_ok
}
@test "bad: header length 1 GB is refused before allocating" {
	row fails 1 '1000000000' "$(B header-1g.npy)" tcat
	row fails 1 '70000' "$(B header-70000.npy)" tcat
	rows_ok
}
@test "bad: unsupported NPY version" {
	fails 1 'version.*4' "$(B version4.npy)" tcat
}
@test "bad: shape whose product or byte size overflows" {
	row fails 1 '4294967296' "$(B overflow.npy)" tcat
	row fails 1 '4611686018427387904' "$(B overflow-bytes.npy)" tcat
	rows_ok
}
@test "bad: negative and garbage shape" {
	row fails 1 '-1' "$(B negative.npy)" tcat
	row fails 1 '2, ?x' "$(B garbage-shape.npy)" tcat
	rows_ok
}
@test "bad: object, string, datetime and structured dtypes are refused by name" {
	row fails 1 "object.*'\|O'|'\|O'.*object" "$(B object.npy)" tcat
	row fails 1 '<U2' "$(B unicode.npy)" tcat
	row fails 1 '\|S2' "$(B bytes.npy)" tcat
	row fails 1 'M8' "$(B datetime.npy)" tcat
	row fails 1 'structured' "$(B structured.npy)" tcat
	rows_ok
}
@test "bad: a truncated or corrupt PNG" {
	row fails 1 'PNG' "$(B trunc.png)" tcat
	row fails 1 'trunc\.png.*PNG' /dev/null tcat "$(B trunc.png)"
	row fails 1 'PNG|CRC' "$(B crc.png)" tcat
	rows_ok
}
@test "bad: ragged text names the line" {
	fails 1 'line 3.*4.*3' "$(B ragged.txt)" tcat
}
@test "bad: --shape that does not fit the text" {
	fails 1 '4, ?2|4,2' "$(B six.txt)" tcat --shape 4,2
}
@test "bad: unknown option (exit 2, usage)" {
	row fails --usage 2 'bogus' /dev/null tcat --bogus
	row fails --usage 2 "Q" /dev/null tcat -Q
	rows_ok
}
@test "bad: -t f16 and other dtypes are usage errors" {
	row fails 2 "^tcat: -t 'f16' is not one of f32, f64 \(or numpy's names of them\)$" /dev/null tcat -t f16 "$(B good.npy)"
	row fails 2 "'i4'" /dev/null tcat -t i4 "$(B good.npy)"
	row fails 2 "'float16'" /dev/null tcat --dtype=float16 "$(B good.npy)"
	rows_ok
}
@test "bad: -O, --depth, -j and --shape values are usage errors" {
	row fails 2 "bogus" /dev/null tcat -O bogus "$(B good.npy)"
	row fails 2 "12" /dev/null tcat --depth 12 -O png "$(B good.npy)"
	row fails 2 "0" /dev/null tcat -j 0 "$(B good.npy)"
	row fails 2 "x" /dev/null tcat -j x "$(B good.npy)"
	row fails 2 "2,x" /dev/null tcat --shape 2,x "$(B six.txt)"
	row fails 2 "-1,-1" /dev/null tcat --shape -1,-1 "$(B six.txt)"
	rows_ok
}
@test "bad: a missing file is named" {
	row fails 1 'nosuch\.npy' /dev/null tcat nosuch.npy
	row fails --any-stdout 1 'nosuch\.npy.*No such file' "$(B good.npy)" tcat - nosuch.npy
	rows_ok
}
@test "bad: a full disk is an error" {
	run --separate-stderr bash -c 'tcat "$1" > /dev/full' - "$(B good.npy)"
	[ "$status" -eq 1 ] || fail "exit $status: $stderr"
	[ "${#stderr_lines[@]}" -eq 1 ] && [[ $stderr == "tcat: "*"No space left"* ]] ||
		fail "stderr: $stderr"
	run --separate-stderr bash -c 'tcat -O txt "$1" > /dev/full' - "$(B good.npy)"
	[ "$status" -eq 1 ] && [[ $stderr == "tcat: "*"No space left"* ]] ||
		fail "text: exit $status: $stderr"
}
@test "bad: -o into a missing directory" {
	fails 1 'nodir/x\.npy' /dev/null tcat -o nodir/x.npy "$(B good.npy)"
}

@test "a tiny file claiming a huge record is a truncation error, not a huge allocation" {
	"$PY" - <<'PYEOF'
import struct
def npy(descr, fortran, shape):
    h = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    h = h.encode() + b' ' * (118 - len(h)) + b'\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h + b'\0' * 100
open('huge.npy', 'wb').write(npy('<f8', False, '(1099511627776,)'))
open('huge-f.npy', 'wb').write(npy('>f8', True, '(1048576, 1048576)'))
PYEOF
	for f in huge.npy huge-f.npy; do
		run --separate-stderr tcat "$f" -o out.npy
		[ "$status" -eq 1 ]
		[ "$stderr" = "tcat: $f: truncated record 0: expected 8796093022208 bytes of data, got 100" ]
		[ ! -e out.npy ]
	done
	# a tool that reads whole records (the kernel operand too)
	run --separate-stderr tconv -k huge.npy huge.npy
	[ "$status" -eq 1 ]
	[[ $stderr == *"truncated record 0: expected 8796093022208 bytes of data, got 100" ]]
}

@test "-o onto a FIFO, a symlink, /dev/null or an existing file: the right thing is written" {
	mkfifo ff
	cat ff > from-fifo.npy &
	tcat -o ff "$DATA/pil-gray8.npy"
	wait
	[ -p ff ]
	cmp from-fifo.npy "$DATA/pil-gray8.npy"
	printf 'old' > target.npy
	chmod 640 target.npy
	ln -s target.npy link.npy
	tcat -o link.npy "$DATA/pil-gray8.npy"
	[ -L link.npy ]
	cmp target.npy "$DATA/pil-gray8.npy"
	[ "$(stat -c %a target.npy)" = 640 ]
	tcat -o /dev/null "$DATA/pil-gray8.npy"
	[ -c /dev/null ]
	[ -z "$(ls -A | grep -v -e ff -e from-fifo.npy -e target.npy -e link.npy)" ]
}

@test "a run in the background that inherited SIGINT ignored keeps ignoring it" {
	mkfifo in
	bash -c 'trap "" INT; exec tcat -o out.npy < in' &
	pid=$!
	exec 5> in	# (bats keeps fd 3 for itself)
	sleep 0.2
	kill -INT "$pid"
	cat "$DATA/pil-gray8.npy" >&5
	exec 5>&-
	wait "$pid"
	cmp out.npy "$DATA/pil-gray8.npy"
}

@test "text: integers out of their dtype's range and bad shape comments are errors naming the line" {
	run --separate-stderr tcat -O txt <<< $'# shape (2,) int8\n300 -5'
	[ "$status" -eq 1 ] && [ -z "$output" ]
	[ "$stderr" = "tcat: <stdin>: line 2: '300' is out of range for int8" ]
	run --separate-stderr tcat -O txt <<< $'# shape (2,) uint64\n18446744073709551615 0'
	[ "$status" -eq 0 ] && [[ $output == *$'\n18446744073709551615 0' ]]
	run --separate-stderr tcat <<< $'# shape (99999999999999999999999,) float64\n1'
	[ "$status" -eq 1 ] && [ -z "$output" ]
	[[ $stderr == "tcat: <stdin>: line 1: '# shape (99999999999999999999999,) float64' is not a valid shape comment"* ]]
	run --separate-stderr tcat <<< $'1 2\n# shape (2,) flt\n1 2'
	[ "$status" -eq 1 ]
	[[ $stderr == "tcat: <stdin>: line 2: '# shape (2,) flt' is not a valid shape comment"* ]]
}

@test "float64 to float16 rounds once, as numpy does" {
	printf '# shape (3,) float16\n1.0004882812509095 65519 1e-8\n' | tcat > h.npy
	"$PY" -c "
import numpy as np
a = np.load('h.npy'); b = np.array([1.0004882812509095, 65519, 1e-8]).astype(np.float16)
assert a.dtype == np.float16 and np.array_equal(a.view(np.uint16), b.view(np.uint16)), (a, b)"
}

@test "many tiny records stream through as they are" {
	tgen randn '()' -n 20000 --seed 4 -o tiny.npy
	tcat tiny.npy | cat > back.npy
	cmp tiny.npy back.npy
	[ "$(tinfo tiny.npy | wc -l)" -eq 20000 ]
}

@test "SIGPIPE blocked by the parent: a closed pipe still ends the tools quietly" {
	run "$PY" -c "
import signal, subprocess
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPIPE})
p = subprocess.run('tgen randn 1000000 | tcat | head -c 10 > /dev/null; echo \${PIPESTATUS[@]}',
                   shell=True, executable='/bin/bash', capture_output=True, text=True)
print(p.stdout.strip() + '|' + p.stderr)"
	[ "$output" = "141 141 0|" ]
}

@test "bytes of input quoted in a message are escaped, so it stays one line" {
	printf '\x93NUMPY\x01\x00\x0b\x00{'"'"'a\nb'"'"': 1}\n' > nl.npy
	run --separate-stderr tcat nl.npy
	[ "$status" -eq 1 ]
	[ "$stderr" = "tcat: nl.npy: record 0: header has an unknown key 'a\\x0ab'" ]
	printf 'abc\033[2J\n' > esc.txt
	run --separate-stderr tcat esc.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "tcat: esc.txt: line 1: 'abc\\x1b[2J' is not a valid float64 value (a row of names? tcat --header reads them)" ]
}

@test "a PNG claiming far more pixels than its bytes can hold is refused before allocating" {
	"$PY" - <<'PYEOF'
import struct, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
ihdr = struct.pack('>IIBBBBB', 1 << 20, 1 << 20, 16, 6, 0, 0, 0)
open('huge.png', 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
                            chunk(b'IDAT', zlib.compress(b'')) + chunk(b'IEND', b''))
PYEOF
	run --separate-stderr tcat huge.png -o out.npy
	[ "$status" -eq 1 ]
	[[ $stderr == "tcat: huge.png: png claims 1048576x1048576 pixels but holds only "*" bytes" ]]
	[ ! -e out.npy ]
}

@test "NPY: a magic cut short is a truncated record; minor versions other than 0 are refused" {
	printf '\x93NUM' > cut.npy
	run --separate-stderr tcat cut.npy
	[ "$status" -eq 1 ]
	[ "$stderr" = "tcat: cut.npy: truncated record 0: expected an 8-byte NPY magic, got 4 bytes" ]
	printf '\x93NUMPY\x01\x05\x00\x00' > v15.npy
	run --separate-stderr tcat v15.npy
	[ "$status" -eq 1 ]
	[ "$stderr" = "tcat: v15.npy: record 0: unsupported NPY version 1.5" ]
}

# --- errors after output began ------------------------------------------

@test "records completed before an error are written, whatever their size, then exit 1" {
	# small records (they used to die in the output buffer), big ones
	# (spliced or copied), many tiny ones; as they are, converted, as text
	for c in "3 3" "256,512 2" " 500"; do
		make_broken ${c% *} ${c#* }
		cp complete.npy whole.npy
		cp last.npy broken.npy
		complete_then_error tcat
		tcat -t f32 complete.npy > whole.npy
		tcat -t f32 last.npy > broken.npy
		complete_then_error tcat -t f32
		tcat -O txt complete.npy > whole.npy
		tcat -O txt last.npy > broken.npy
		complete_then_error tcat -O txt
	done
	# with -o nothing is left
	mkdir o
	run -1 tcat -o o/x.npy in.npy
	[ -z "$(ls -A o)" ]
}

@test "--shape is checked against every input before any output" {
	# the text alone makes more output than any buffer holds
	seq 60000 > many.txt
	tgen zeros 6 > six.npy
	fails 2 "six\.npy: --shape applies to text input, not NPY" /dev/null \
	    tcat --shape -1,3 "$PWD/many.txt" "$PWD/six.npy"
	tcat --shape -1,3 many.txt - < many.txt > two.npy
	py "
with open('two.npy', 'rb') as f:
    a, b = np.lib.format.read_array(f), np.lib.format.read_array(f)
assert a.shape == b.shape == (20000, 3) and np.array_equal(a, b)
assert np.array_equal(a.ravel(), np.arange(1, 60001))
"
}

@test "-o: the extension decides the format in any case (.PNG, .Txt, .CSV, .Raw)" {
	tcat -o g.PNG "$DATA/pil-gray8.npy"
	[ "$(head -c 4 g.PNG | od -An -tx1 | tr -d ' ')" = 89504e47 ]
	tgen eye 2 -o e.Txt
	[ "$(head -n 1 e.Txt)" = '# shape (2, 2) float64' ]
	tgen eye 2 -o e.CSV
	[ "$(cat e.CSV)" = $'1,0\n0,1' ]
	tgen eye 2 -o e.Raw
	cmp e.Raw <(tgen eye 2 -O raw)
	[ "$(stat -c %s e.Raw)" -eq 32 ]
	tgen eye 2 -o e.NPY
	py "assert np.array_equal(np.load('e.NPY'), np.eye(2))"
}

@test "-o through a dangling symlink: created beside its target on success, nothing on failure" {
	mkdir d
	ln -s d/target.npy link.npy
	run -1 tcat -o link.npy "$BATS_FILE_TMPDIR/bad/trunc-data2.npy"
	[ -L link.npy ] && [ -z "$(ls -A d)" ] && [ "$(ls -A)" = "d
link.npy" ] || fail "left: $(ls -AR)"
	tcat -o link.npy "$DATA/pil-gray8.npy"
	[ -L link.npy ] && [ "$(readlink link.npy)" = d/target.npy ]
	cmp d/target.npy "$DATA/pil-gray8.npy"
	[ "$(ls -A d)" = target.npy ]
	# a chain of links, relative to each link's directory
	ln -s ../link.npy d/link2.npy
	ln -s d/link2.npy chain.npy
	tcat -o chain.npy "$DATA/pil-gray16.npy"
	cmp d/target.npy "$DATA/pil-gray16.npy"
	[ -L chain.npy ] && [ -L d/link2.npy ] && [ -L link.npy ]
	# a loop is an error naming the link
	ln -s loop-b loop-a
	ln -s loop-a loop-b
	fails --no-o 1 "loop-a: Too many levels of symbolic links" /dev/null \
	    tcat -o loop-a "$DATA/pil-gray8.npy"
}

@test "bad options: one line saying what is wrong, then the usage" {
	row usage_fails "^tcat: unknown option '--bogus'$" tcat --bogus
	row usage_fails "^tcat: unknown option '-Q'$" tcat -Q
	row usage_fails "^tcat: option '-o' needs a value$" tcat -o
	row usage_fails "^tcat: option '--shape' needs a value$" tcat --shape
	row usage_fails "^tcat: option '--help' takes no value$" tcat --help=yes
	row usage_fails "^tcat: ambiguous option '--d'$" tcat --d 8
	rows_ok
}

@test "--help and --version on a full disk are a write error" {
	for o in --help --version; do
		run --separate-stderr bash -c 'tcat "$1" > /dev/full' - $o
		[ "$status" -eq 1 ] && [ "${#stderr_lines[@]}" -eq 1 ] &&
		    [ "$stderr" = "tcat: write error: <stdout>: No space left on device" ] ||
			fail "$o: exit $status: $stderr"
	done
}

@test "a quoted input cut for length always ends in '...', also when escapes fill the message" {
	py "
import struct
h = b'{' + b'\x01' * 70 + b'}'
open('ctl.npy', 'wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h)
"
	run --separate-stderr tcat ctl.npy
	[ "$status" -eq 1 ] && [ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == *"\\x01\\x01..."* ]] || fail "no '...' at the cut: $stderr"
}

@test "run by a path (./tcat, /abs/tcat), messages and --version still say tcat" {
	# a link, not a copy: the tool finds its private libraries by a
	# RUNPATH relative to where it really is (include/tpipe/README)
	ln -s "$TPIPE_BIN/tcat" ./tcat
	run --separate-stderr ./tcat --cmap jet
	[ "$status" -eq 2 ]
	[[ ${stderr_lines[0]} == "tcat: --cmap 'jet' is not one of "* ]] || fail "$stderr"
	run "$PWD/tcat" --version
	[ "$output" = "tcat (tpipe) 0.1.0" ]
}
