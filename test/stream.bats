#!/usr/bin/env bats
# The stream itself, whatever the tool: PNG images back to back, bytes
# after an image, PNG output held until the end and its size limit, text
# records across the reader's buffer boundary, NPY headers byte for byte
# as numpy.save writes them and refused where numpy.load refuses them,
# and the dtype names.  Through tcat and tinfo.

load helpers

PNGS="pil-gray8 pil-rgb8 pil-gray16 pil-rgba8 im-rgb8-interlaced"

# The expected stream: the goldens of the PNGs named, back to back.
png_goldens() {
	local p
	for p in "$@"; do cat "$DATA/$p.npy"; done
}

@test "png: images back to back are a stream of records" {
	local p
	for p in $PNGS; do cat "$DATA/$p.png"; done > all.png
	png_goldens $PNGS > exp.npy
	tcat < all.png > out-pipe.npy
	tcat all.png > out-file.npy
	cat "$DATA/pil-gray8.png" | tcat - all.png > out-two.npy
	png_goldens pil-gray8 $PNGS > exp-two.npy
	printf 'pipe out-pipe.npy exp.npy\nfile out-file.npy exp.npy\ntwo out-two.npy exp-two.npy\n' > pairs
	run npy_same pairs
	assert_success
	run tinfo all.png
	assert_success
	assert_equal "${#lines[@]}" 5
	assert_line --index 4 --regexp '^4 shape=\('
}

@test "png: what follows an image must be another image" {
	local a=$DATA/pil-gray8.png n
	n=$(stat -c %s "$a")
	{ cat "$a"; echo junk; } > junk.png
	{ cat "$a"; printf '\211PN'; } > cutsig.png
	{ cat "$a"; head -c 50 "$DATA/pil-rgb8.png"; } > cutchunk.png
	{ cat "$a"; printf '\0'; } > nul.png
	row fails --any-stdout 1 "<stdin>: byte $n: data 'junk\\\\x0a' after PNG record 0 is not a PNG\$" "$PWD/junk.png" tcat
	row fails --any-stdout 1 "junk.png: byte $n: data 'junk" /dev/null tinfo "$PWD/junk.png"
	row fails --any-stdout 1 "byte $n: data after PNG record 0 is not a PNG\$" "$PWD/nul.png" tcat
	row fails --any-stdout 1 'truncated record 1: expected an 8-byte PNG signature, got 3 bytes$' "$PWD/cutsig.png" tinfo
	row fails --any-stdout 1 "truncated record 1: PNG ends inside a chunk at byte $((n + 50))\$" "$PWD/cutchunk.png" tcat
	rows_ok
}

@test "png: a PNG cut inside its signature is a truncated PNG, not text" {
	local k
	for k in 1 4 7; do
		head -c "$k" "$DATA/pil-gray8.png" > cut$k.png
		row fails 1 "^tinfo: <stdin>: truncated record 0: expected an 8-byte PNG signature, got $k bytes\$" "$PWD/cut$k.png" tinfo
	done
	head -c 60 "$DATA/pil-rgb8.png" > cut60.png
	row fails 1 'truncated record 0: PNG ends inside a chunk at byte 60$' "$PWD/cut60.png" tcat
	rows_ok
}

@test "png: truncated and corrupt images fail with one line (no leak report under ASan)" {
	"$PY" - "$DATA/im-rgb8-interlaced.png" "$DATA/pil-rgb8.png" <<'EOF'
import sys, zlib, struct
import numpy as np
from PIL import Image
rng = np.random.default_rng(5)
Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save('big.png')
srcs = [open(p, 'rb').read() for p in sys.argv[1:]] + [open('big.png', 'rb').read()]
n = 0
for s in srcs:
    for cut in (40, len(s) // 3, len(s) // 2, len(s) - 20):
        open(f'bad{n}.png', 'wb').write(s[:cut]); n += 1
    for at in (len(s) // 2, len(s) * 3 // 4):	# inside the image data
        d = bytearray(s); d[at] ^= 0x55
        open(f'bad{n}.png', 'wb').write(bytes(d)); n += 1
EOF
	local f
	for f in bad*.png; do
		row fails 1 'PNG' "$PWD/$f" tcat
	done
	rows_ok
}

@test "png output: a refused second record leaves stdout empty" {
	py "rng = np.random.default_rng(3)
a = [rng.integers(0, 256, (600, 600, 3), dtype=np.uint8) for i in range(2)]
np.save('one.npy', a[0])
with open('two.npy', 'wb') as f:
    np.save(f, a[0]); np.save(f, a[1])"
	row fails 1 'png output holds one image' "$PWD/two.npy" tcat -O png
	row fails 1 'png output holds one image' "$PWD/two.npy" tcat --depth 16 -O png
	rows_ok
	# one record: the image is written whole at the end
	tcat -O png < one.npy > one.png
	py "
a = np.load('one.npy'); from PIL import Image
assert np.array_equal(np.asarray(Image.open('one.png')), a)"
}

@test "png output: a side beyond libpng's limit is refused before buffering" {
	row fails 1 "cannot write shape \\(1000001, 2\\) as png: height 1000001 exceeds libpng's limit of 1000000\$" /dev/null tgen zeros 1000001,2 -O png
	row fails 1 "cannot write shape \\(2, 1000001, 3\\) as png: width 1000001 exceeds libpng's limit of 1000000\$" /dev/null tgen zeros 2,1000001,3 -O png
	rows_ok
	# a terabyte image is refused at once, not after buffering its data
	run --separate-stderr bounded tgen zeros 1048576,1048576 -O png
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_equal "$stderr" "tgen: cannot write shape (1048576, 1048576) as png: height 1048576 exceeds libpng's limit of 1000000"
	# the largest side allowed still works
	tgen zeros 1,1000000 -O png | tinfo > info
	run cat info
	assert_output --regexp '^0 shape=\(1,1000000\) dtype=uint8 '
}

@test "text: a ',# shape' line across the 256 KiB read buffer keeps numbers whole" {
	# record 0: one number a line, no shape comment, about 256 KiB; then
	# ',# shape (1,) float64' and 33, the boundary moved across them
	"$PY" - <<'EOF'
import numpy as np
B = 256 * 1024
for shift in range(-30, 31, 3):
    end = B - 24 + shift
    rows = end // 8
    body = ''.join('%07d\n' % i for i in range(rows)) + '\n' * (end - 8 * rows)
    with open(f't{shift + 30:02d}.txt', 'w') as f:
        f.write(body + ',# shape (1,) float64\n33\n')
    with open(f't{shift + 30:02d}.exp.npy', 'wb') as f:
        np.save(f, np.arange(rows, dtype=np.float64).reshape(rows, 1))
        np.save(f, np.array([33.0]))
EOF
	local t
	: > pairs
	for t in t*.txt; do
		tcat "$t" > "${t%.txt}.file.npy"
		tcat < "$t" > "${t%.txt}.stdin.npy"
		cat "$t" | tcat > "${t%.txt}.pipe.npy"
		for how in file stdin pipe; do
			echo "$t-$how ${t%.txt}.$how.npy ${t%.txt}.exp.npy" >> pairs
		done
	done
	run npy_same pairs
	assert_success
}

@test "npy: headers are numpy.save's bytes, at the 64-byte padding boundary and for random shapes" {
	"$PY" - <<'EOF'
import io, os
import numpy as np
os.makedirs('in', exist_ok=True); os.makedirs('exp', exist_ok=True)
rng = np.random.default_rng(9)
DT = ['b1', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', 'f2', 'f4', 'f8', 'c8', 'c16']
SIZES = [0, 1, 2, 3, 10, 100, 1000, 12345]

def padlen(a):
    """The spaces numpy.save pads the header with (1..64)."""
    b = io.BytesIO(); np.save(b, a)
    h = b.getvalue()
    hl = int.from_bytes(h[8:10], 'little')
    dict_end = h[10:10 + hl].index(b'}') + 1
    grow = 21 - len(repr(a.shape[0])) if a.ndim else 0
    return hl - dict_end - grow - 1

boundary, other = 0, 0
for _ in range(20000):
    dt = DT[rng.integers(len(DT))]
    nd = int(rng.integers(0, 14))
    shape = tuple(int(rng.choice(SIZES)) for _ in range(nd))
    if nd and np.prod(shape, dtype=float) > 2000:
        shape = (0,) + shape[1:]
    if np.prod([d for d in shape if d], dtype=float) > 1e15:
        continue		# numpy refuses such shapes even with a 0
    a = (rng.standard_normal(int(np.prod(shape))) * 5).astype(dt).reshape(shape)
    p = padlen(a)
    assert 1 <= p <= 64
    if p == 64 and boundary < 12:
        name = f'pad64-{boundary}'; boundary += 1
    elif p != 64 and other < 30:
        name = f'rand-{other}'; other += 1
    else:
        continue
    # the input is big-endian, so tcat writes the header itself
    with open(f'in/{name}.npy', 'wb') as f:
        np.save(f, a.astype(a.dtype.newbyteorder('>')))
    with open(f'exp/{name}.npy', 'wb') as f:
        np.save(f, a)
a = np.zeros((0,) + (10,) * 10, np.complex128)	# the brief's case
np.save('in/c16-0-10x10.npy', a); np.save('exp/c16-0-10x10.npy', a)
assert boundary >= 8 and other == 30, (boundary, other)
EOF
	run ls exp
	assert_output --partial pad64-7.npy
	tcat_cases
}

@test "npy: near-miss headers are refused where numpy.load refuses them" {
	# each header with enough data for its shape; numpy's verdict in .np
	"$PY" - <<'EOF'
import io
import numpy as np
H = [
 ("'?xyz'", "{'descr': '?xyz', 'fortran_order': False, 'shape': (3,), }"),
 ("'<f8x'", "{'descr': '<f8x', 'fortran_order': False, 'shape': (3,), }"),
 ("'<f8 '", "{'descr': '<f8 ', 'fortran_order': False, 'shape': (3,), }"),
 ("'f32'", "{'descr': 'f32', 'fortran_order': False, 'shape': (3,), }"),
 ("'u16'", "{'descr': 'u16', 'fortran_order': False, 'shape': (3,), }"),
 ("(3)", "{'descr': '<f8', 'fortran_order': False, 'shape': (3), }"),
 ("(3,,)", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,,), }"),
 ("(,)", "{'descr': '<f8', 'fortran_order': False, 'shape': (,), }"),
 ("(2 3)", "{'descr': '<f8', 'fortran_order': False, 'shape': (2 3), }"),
 ("(03,)", "{'descr': '<f8', 'fortran_order': False, 'shape': (03,), }"),
 ("-1", "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"),
 ("-3", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3), }"),
 ("(3.0,)", "{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,), }"),
 ("[3]", "{'descr': '<f8', 'fortran_order': False, 'shape': [3], }"),
 ("0", "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,), }"),
 ("'x'", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}"),
 ("", "{'descr': '?', 'fortran_order': False, 'shape': (3,), }"),
 ("", "{'descr': '<?', 'fortran_order': False, 'shape': (3,), }"),
 ("", "{'descr': 'f8', 'fortran_order': False, 'shape': (3,), }"),
 ("", "{'descr': 'float64', 'fortran_order': False, 'shape': (3,), }"),
 ("", "{'descr': '<f8', 'fortran_order': False, 'shape': (+3,), }"),
 ("", "{'descr': '<f8', 'fortran_order': False, 'shape': ( 3 , 4 , ), }"),
 ("", "{'descr': '<f8', 'fortran_order': False, 'shape': ( ), }"),
 ("", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}"),
]
for i, (quote, h) in enumerate(H):
    b = h.encode()
    b += b' ' * (64 - (10 + len(b) + 1) % 64) + b'\n'
    raw = b'\x93NUMPY\x01\x00' + len(b).to_bytes(2, 'little') + b
    try:
        raw += bytes(np.load(io.BytesIO(raw + bytes(96))).nbytes)
        verdict = 'ok'
    except ValueError:
        verdict = 'refused'
    open(f'h{i:02d}.npy', 'wb').write(raw)
    open(f'h{i:02d}.np', 'w').write(f'{verdict}\n{quote}\n')
EOF
	local f verdict quote
	for f in h*.npy; do
		{ read -r verdict; read -r quote; } < "${f%.npy}.np"
		if [ "$verdict" = ok ]; then
			run tinfo "$f"
			[ "$status" -eq 0 ] || { echo "$f: numpy reads it, tinfo says: $output"; ROW_FAILED=1; }
		else
			[ -n "$quote" ] || { echo "$f: numpy refuses it but the test expects it read"; ROW_FAILED=1; }
			row fails 1 "record 0: .*$(sed 's/[][().*+?]/\\&/g' <<< "$quote")" "$PWD/$f" tinfo
		fi
	done
	rows_ok
}

@test "dtypes: shape comments take numpy's names and codes and refuse ambiguous ones" {
	local n t
	# every name tpipe takes means what numpy.dtype() says it means
	for n in bool b1 '?' '|b1' uint8 u1 '|u1' int8 i1 uint16 u2 '>u2' int16 i2 \
	    uint32 u4 int32 i4 uint64 u8 int64 i8 float16 f2 float32 f4 '<f4' \
	    '=f4' float64 f8 complex64 c8 complex128 c16 '<c16'; do
		t=$(printf '# shape (1,) %s\n1\n' "$n" | tinfo | sed -n 's/.* dtype=\([a-z0-9]*\) .*/\1/p')
		echo "$n $t"
	done > got
	"$PY" -c "
import numpy as np
for line in open('got'):
    n, t = line.split()
    assert np.dtype(n).name == t, (n, t, np.dtype(n).name)
    print(n, 'ok')"
	# f32 and f64 are tpipe's (numpy has no 32-byte float)
	printf '# shape (1,) f32\n1\n# shape (1,) f64\n2\n' | tinfo > info
	run cat info
	assert_line --index 0 --partial 'dtype=float32'
	assert_line --index 1 --partial 'dtype=float64'
	# bit counts where numpy counts bytes (or knows no such name)
	printf 'u16 uint16 u2\ni16 int16 i2\nu32 uint32 u4\ni32 int32 i4\nu64 uint64 u8\ni64 int64 i8\nf16 float16 f2\nc64 complex64 c8\nc128 complex128 c16\n' > amb
	while read -r n name code; do
		printf '# shape (2,) %s\n1 2\n' "$n" > "amb-$n.txt"
		row fails 1 "line 1: '# shape \\(2,\\) $n' is not a valid shape comment: '$n' is ambiguous: write $name, or $code\$" "$PWD/amb-$n.txt" tcat
	done < amb
	rows_ok
	# -t takes the float spellings
	for n in f32 float32 f4 '<f4' f64 float64 f8; do
		tgen zeros 2 -t "$n" > /dev/null
	done
	row fails --usage 2 "'u16'" /dev/null tcat -t u16 /dev/null
	rows_ok
}
