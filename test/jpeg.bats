#!/usr/bin/env bats
# JPEG through libjpeg-turbo (lib/jpegio.c): decoded pixel for pixel as
# PIL decodes the same files (test/data/jpeg/, written by PIL, vips and
# ImageMagick: make.py), JPEGs back to back as a stream, cut at every
# byte, corrupt data refused where PIL would go on, 12-bit and lossless
# refused by name; written byte for byte as PIL writes them.

load helpers

J="$DATA/jpeg"
GOLDEN="rgb gray cmyk cmyk-noadobe progressive exif6 vips-q90 vips-restart im-422"

@test "jpeg: tcat reads every golden JPEG as PIL does, pixel for pixel" {
	local n
	# numpy.save of PIL's array: the same bytes
	reads_as_golden $(for n in $GOLDEN two; do echo "$J/$n.jpg"; done)
}

@test "jpeg: gray is (H, W), RGB (H, W, 3), CMYK (H, W, 4), all uint8" {
	cat "$J/gray.jpg" "$J/rgb.jpg" "$J/cmyk.jpg" > three.jpg
	run tinfo < three.jpg
	assert_success
	assert_line --index 0 --regexp '^0 shape=\(40,48\) dtype=uint8 '
	assert_line --index 1 --regexp '^1 shape=\(40,48,3\) dtype=uint8 '
	assert_line --index 2 --regexp '^2 shape=\(40,48,4\) dtype=uint8 '
}

@test "jpeg: CMYK is read in Adobe's inverted polarity, with or without the Adobe marker, as PIL reads it" {
	# PIL's 'CMYK;I' is 255 - what libjpeg decodes; without the APP14
	# marker PIL still inverts, and so does tpipe
	tcat "$J/cmyk.jpg" > a.npy
	tcat "$J/cmyk-noadobe.jpg" > b.npy
	cmp a.npy "$J/cmyk.npy"
	cmp b.npy "$J/cmyk-noadobe.npy"
	py "
from PIL import Image
a = np.load('a.npy')
rgb = np.asarray(Image.open('$J/rgb.jpg'))
# PIL's RGB -> CMYK is 255 - RGB and K = 0: the first three channels
# read back near 255 - the RGB image
assert a.shape == (40, 48, 4) and np.abs(a[..., 3].astype(int)).max() < 8
assert np.abs(a[..., :3].astype(int) - (255 - rgb.astype(int))).mean() < 12"
}

@test "jpeg: the EXIF orientation is left alone: the pixels as stored, as PIL's array gives them" {
	py "
from PIL import Image
assert Image.open('$J/exif6.jpg').getexif()[0x0112] == 6"
	tcat "$J/exif6.jpg" > e.npy
	cmp e.npy "$J/exif6.npy"
	# the same pixels as without the EXIF block, not rotated
	cmp e.npy "$J/rgb.npy"
}

@test "jpeg: JPEGs back to back are a stream of records" {
	cat "$J/gray.jpg" "$J/rgb.jpg" "$J/progressive.jpg" > all.jpg
	cat "$J/gray.npy" "$J/rgb.npy" "$J/progressive.npy" > exp.npy
	tcat < all.jpg > out.npy
	cmp out.npy exp.npy
	run tinfo all.jpg
	assert_success
	assert_equal "${#lines[@]}" 3
	# and after a stream of another format's records, in turn
	tcat "$J/gray.jpg" "$DATA/pil-rgb8.png" "$J/rgb.jpg" > mixed.npy
	cat "$J/gray.npy" "$DATA/pil-rgb8.npy" "$J/rgb.npy" > mixed-exp.npy
	cmp mixed.npy mixed-exp.npy
}

@test "jpeg: what follows an image must be another image" {
	local a=$J/gray.jpg n
	n=$(stat -c %s "$a")
	{ cat "$a"; echo junk; } > junk.jpg
	{ cat "$a"; printf '\0\0'; } > nul.jpg
	{ cat "$a"; printf '\377'; } > cutsoi.jpg
	{ cat "$a"; head -c 100 "$J/rgb.jpg"; } > cut.jpg
	row fails --any-stdout 1 "<stdin>: byte $n: data 'junk\\\\x0a' after JPEG record 0 is not a JPEG\$" "$PWD/junk.jpg" tcat
	row fails --any-stdout 1 "nul.jpg: byte $n: data after JPEG record 0 is not a JPEG\$" /dev/null tinfo "$PWD/nul.jpg"
	row fails --any-stdout 1 "truncated record 1: JPEG ends at byte $((n + 1)) before its EOI marker\$" "$PWD/cutsoi.jpg" tcat
	row fails --any-stdout 1 "truncated record 1: JPEG ends at byte $((n + 100)) before its EOI marker\$" "$PWD/cut.jpg" tcat
	rows_ok
}

@test "jpeg: a stream cut at every byte ends as a cut stream must (tcat; tinfo at every 4th)" {
	local n1
	cat "$J/progressive.jpg" "$J/gray.jpg" > two.jpg
	n1=$(stat -c %s "$J/progressive.jpg")
	run "$PY" "$TPIPE_TOP/test/faults_cut.py" two.jpg "$n1" tcat
	[ "$status" -eq 0 ] || fail "$output"
	# tinfo reads through the same reader: every 4th byte and those near
	# a record's end
	run "$PY" "$TPIPE_TOP/test/faults_cut.py" --every 4 two.jpg "$n1" tinfo
	[ "$status" -eq 0 ] || fail "$output"
}

@test "jpeg: data PIL decodes with a warning (a premature end of a data segment) is refused with one line" {
	# the entropy-coded data cut, then an EOI: libjpeg warns and fills
	# the rest gray; PIL returns that image, tpipe refuses it
	py "
d = open('$J/rgb.jpg', 'rb').read()
cut = (d.index(b'\xff\xda') + len(d)) // 2
open('short.jpg', 'wb').write(d[:cut] + b'\xff\xd9')
from PIL import Image
Image.open('short.jpg').load()"
	row fails 1 '^tcat: <stdin>: record 0: bad JPEG: corrupt JPEG data: premature end of data segment$' "$PWD/short.jpg" tcat
	rows_ok
}

@test "jpeg: 12-bit and lossless JPEG are refused by name" {
	py "
d = bytearray(open('$J/gray.jpg', 'rb').read())
i = d.index(b'\xff\xc0')
e = bytearray(d); e[i + 4] = 12; open('p12.jpg', 'wb').write(e)
e = bytearray(d); e[i + 1] = 0xc3; open('sof3.jpg', 'wb').write(e)"
	row fails 1 '^tcat: <stdin>: record 0: 12-bit JPEG: tpipe reads 8-bit JPEG only$' "$PWD/p12.jpg" tcat
	row fails 1 '^tcat: <stdin>: record 0: lossless JPEG \(SOF marker 0xc3\) is not supported$' "$PWD/sof3.jpg" tcat
	rows_ok
}

@test "jpeg: a header claiming more pixels than its bytes can code is refused before decoding" {
	# 65500 x 65500 RGB claimed by a file of about 1 KB: at least one
	# bit per 8x8 block in Huffman coding, so it cannot be a JPEG
	py "
d = bytearray(open('$J/rgb.jpg', 'rb').read())
i = d.index(b'\xff\xc0')
d[i + 5:i + 9] = (65500).to_bytes(2, 'big') * 2
open('huge.jpg', 'wb').write(d)"
	row fails 1 'record 0: JPEG claims 65500x65500 pixels but holds only [0-9]+ bytes$' "$PWD/huge.jpg" tcat
	rows_ok
}

@test "jpeg: corrupt and cut images fail with one line and exit 1, or decode (no crash, no leak report)" {
	"$PY" - "$J/rgb.jpg" "$J/progressive.jpg" "$J/cmyk.jpg" <<'EOF'
import sys
import numpy as np
rng = np.random.default_rng(5)
n = 0
for p in sys.argv[1:]:
    s = open(p, 'rb').read()
    for k in range(40):
        d = bytearray(s)
        for _ in range(1 + k % 3):
            d[int(rng.integers(2, len(d)))] = int(rng.integers(0, 256))
        open(f'bad{n}.jpg', 'wb').write(bytes(d)); n += 1
EOF
	reads_or_fails bad*.jpg
}

@test "jpeg output: the bytes PIL writes, at its default quality and with --quality" {
	tcat "$J/src-rgb.npy" -O jpeg > q75.jpg
	cmp q75.jpg "$J/pil-rgb-q75.jpg"
	tcat --quality 90 "$J/src-rgb.npy" -o q90.jpg
	cmp q90.jpg "$J/pil-rgb-q90.jpg"
	tcat --quality 5 "$J/src-rgb.npy" -o q5.JPEG
	cmp q5.JPEG "$J/pil-rgb-q5.jpg"
	tcat "$J/src-gray.npy" -o g.jpeg
	cmp g.jpeg "$J/pil-gray-q75.jpg"
	# (H, W, 1) is gray too
	treshape 40,48,1 "$J/src-gray.npy" | tcat -O jpeg > g1.jpg
	cmp g1.jpg "$J/pil-gray-q75.jpg"
}

@test "jpeg output: PIL reads back what tpipe reads back, near the pixels written" {
	py "
y, x = np.mgrid[0:37, 0:53]
a = np.stack([x * 4, y * 6, 200 - x * 2 - y], -1)
np.save('src.npy', a.clip(0, 255).astype(np.uint8))"
	tcat --quality 95 src.npy -o out.jpg
	tcat out.jpg > back.npy
	py "
from PIL import Image
im = Image.open('out.jpg')
assert im.format == 'JPEG' and im.mode == 'RGB' and 'progressive' not in im.info
assert im.info['jfif'] and im.info['jfif_density'] == (1, 1)
b = np.load('back.npy'); s = np.load('src.npy')
assert np.array_equal(b, np.asarray(im))
# quality 95 on smooth gradients: within a level on average, 5 at most
d = np.abs(b.astype(int) - s)
assert d.mean() < 1 and d.max() <= 5, (d.mean(), d.max())"
	# a picture of any data, through --normalize
	tgen randn 20,30 --seed 1 | tcat --normalize -O jpeg | tinfo > info
	grep -q '^0 shape=(20,30) dtype=uint8 ' info
}

@test "jpeg output: other dtypes and shapes are refused, saying what to do" {
	tgen ones 4,5 > f8.npy
	tgen ones 4,5,4 | tmath -t uint8 x > rgba.npy
	tgen ones 4,5 | tmath -t uint16 x > u2.npy
	tgen ones 7 | tmath -t uint8 x > line.npy
	tgen zeros 0,5 | tmath -t uint8 x > empty.npy
	row fails 1 "^tcat: record 0: cannot write float64 as jpeg: it holds uint8 pixels \(convert with tmath -t uint8 'clip\(x, 0, 255\)', or draw a picture with tcat --normalize\)$" "$PWD/f8.npy" tcat -O jpeg
	row fails 1 "cannot write uint16 as jpeg" "$PWD/u2.npy" tcat -O jpeg
	row fails 1 "^tcat: record 0: cannot write shape \(4, 5, 4\) as jpeg: it takes \(H, W\), \(H, W, 1\) or \(H, W, 3\), no alpha$" "$PWD/rgba.npy" tcat -O jpeg
	row fails 1 "cannot write shape \(7,\) as jpeg" "$PWD/line.npy" tcat -O jpeg
	row fails 1 "cannot write shape \(0, 5\) as jpeg: its height is not 1 to 65500$" "$PWD/empty.npy" tcat -O jpeg
	row fails 1 '^tcat: no image to write as jpeg: the input is empty$' /dev/null tcat -O jpeg
	rows_ok
}

@test "jpeg output: one image; a second record is an error and nothing is written" {
	cat "$J/src-rgb.npy" "$J/src-rgb.npy" > two.npy
	row fails 1 '^tcat: jpeg output holds one image; the input has more records$' "$PWD/two.npy" tcat -O jpeg
	rows_ok
}
