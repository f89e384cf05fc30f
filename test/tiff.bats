#!/usr/bin/env bats
# TIFF in and out (lib/tiffio.c, tpipe(7) TIFF): the golden files of
# test/data/tiff (written by PIL, tifffile, vips and by hand, each with
# the pages its reader gives, make.py) read as those readers read them;
# tcat's TIFFs read back bit for bit, and by tifffile, PIL and vips to
# the same numbers; cut, corrupt and refused input.

load helpers

TIFFS="$DATA/tiff"

# golden NAME...: the names of the golden files (MANIFEST's first field).
golden() {
	grep -v '^#' "$TIFFS/MANIFEST" | cut -f1
}

# A python prelude: rng, values(dtype, shape) with each dtype's extremes
# (and NaN, infinities, -0.0 for floats), pages(f) the pages of the TIFF
# f as tifffile reads them (a planar page's (C, H, W) moved to (H, W, C),
# bool as uint8 0/1), tags(f) each page's tags by name, cases() each
# in/CASE.npy as (CASE, array), same(a, b) equal dtype, shape and values.
PRELUDE=$(cat <<'EOF'
import glob, os, sys
import numpy as np
import tifffile
from PIL import Image
rng = np.random.default_rng(19)

def values(dt, shape):
    dt = np.dtype(dt)
    if dt.kind == 'b':
        return rng.random(shape) > 0.5
    if dt.kind == 'f':
        v = (rng.standard_normal(shape) * 100).astype(dt)
        sp = [np.nan, np.inf, -np.inf, -0.0, np.finfo(dt).max]
        v.flat[:len(sp)] = sp
        return v
    info = np.iinfo(dt)
    v = rng.integers(info.min, info.max, shape, dtype=dt, endpoint=True)
    v.flat[:2] = [info.min, info.max]
    return v

def pages(f):
    with tifffile.TiffFile(f) as t:
        out = []
        for p in t.pages:
            a = p.asarray()
            if p.planarconfig == 2 and p.samplesperpixel > 1:
                a = np.moveaxis(a, 0, -1)
            out.append(a.astype(np.uint8) if a.dtype == bool else a)
        return out

def tags(f):
    with tifffile.TiffFile(f) as t:
        return [{k.name: k.value for k in p.tags.values()} for p in t.pages]

def cases():
    for f in sorted(glob.glob('in/*.npy')):
        yield os.path.basename(f)[:-4], np.load(f)

def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and \
        np.array_equal(a, b, equal_nan=a.dtype.kind == 'f')
EOF
)

# pyrun CODE: python with the prelude.
pyrun() {
	printf '%s\n%s\n' "$PRELUDE" "$1" | "$PY" -
}

# write_in: each in/CASE.npy as CASE.tif (-O tiff to stdout) and
# CASE.z.tif (deflate, -o).
write_in() {
	local f c
	for f in in/*.npy; do
		c=$(basename "$f" .npy)
		tcat -O tiff "$f" > "$c.tif"
		tcat --compress deflate -o "$c.z.tif" "$f"
	done
}

@test "tcat reads each golden TIFF as the program that wrote it reads it" {
	local n
	: > pairs
	for n in $(golden); do
		tcat "$TIFFS/$n.tif" > "$n.npy"
		tcat < "$TIFFS/$n.tif" > "$n.pipe.npy"
		echo "$n $n.npy $TIFFS/$n.npy" >> pairs
		echo "$n(pipe) $n.pipe.npy $TIFFS/$n.npy" >> pairs
	done
	[ "$(wc -l < pairs)" -ge 60 ]
	npy_same pairs
}

@test "TIFF files put one after another (cat a.tif b.tif) are one stream: every file's pages, as tcat a.tif b.tif gives them" {
	local n files=()
	for n in $(golden); do
		files+=("$TIFFS/$n.tif")
	done
	[ "${#files[@]}" -ge 30 ]
	tcat "${files[@]}" > apart.npy
	cat "${files[@]}" | tcat > joined.npy
	cmp joined.npy apart.npy
	# padding of zero bytes between the files, as a writer aligning
	# the next one leaves
	{ cat "$TIFFS/pil-pages.tif"; head -c 4096 /dev/zero
	  cat "$TIFFS/tf-bigtiff-be-u8.tif"; } > padded.tif
	run --separate-stderr tinfo padded.tif
	[ "$status" -eq 0 ] && [ -z "$stderr" ] && [ "${#lines[@]}" -eq 4 ]
	[[ ${lines[3]} == "3 shape=(13,19,3) dtype=uint64 "* ]]
}

@test "where each golden TIFF ends is known to the byte: bytes after it that are not a TIFF are left with a warning, the pages read" {
	local n size end
	for n in $(golden); do
		size=$(stat -c %s "$TIFFS/$n.tif")
		{ cat "$TIFFS/$n.tif"; printf 'junk'; } > j.tif
		run --separate-stderr tcat j.tif
		[ "$status" -eq 0 ]
		tcat "$TIFFS/$n.tif" > alone.npy
		[ "$output" = "$(cat alone.npy)" ]
		[[ $stderr == "tcat: j.tif: "*" bytes after the TIFF file that ends at byte "*" are not a TIFF file: not read" ]]
		end=${stderr#*ends at byte }
		end=${end%% *}
		# the end found is the file's size, or zero bytes of padding
		# follow it there
		[ "$end" -le "$size" ]
		[ "$(tail -c +$((end + 1)) "$TIFFS/$n.tif" | tr -d '\0' | wc -c)" -eq 0 ]
		[ "$stderr" = "tcat: j.tif: $((size + 4 - end)) bytes after the TIFF file that ends at byte $end are not a TIFF file: not read" ]
	done
	# zero bytes alone after a file are padding: no warning
	{ cat "$TIFFS/pil-gray8.tif"; head -c 100 /dev/zero; } > z.tif
	run --separate-stderr tcat z.tif
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
}

@test "a second TIFF file cut short: the first file's pages, then one message naming the record" {
	{ cat "$TIFFS/pil-pages.tif"; head -c 300 "$TIFFS/tf-be-u2.tif"; } > cut.tif
	run --separate-stderr tcat cut.tif
	[ "$status" -eq 1 ]
	tcat "$TIFFS/pil-pages.tif" > first.npy
	[ "$output" = "$(cat first.npy)" ]
	[[ $stderr == "tcat: cut.tif: "*"record 3"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "tinfo shows a multi-page TIFF as its records; detection is by content, not name" {
	run tinfo "$TIFFS/pil-pages.tif"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[2]} == "2 shape=(13,19) dtype=uint8 "* ]]
	cp "$TIFFS/tf-be-u2.tif" looks.npy
	tcat looks.npy > a.npy
	npy_close a.npy "$TIFFS/tf-be-u2.npy" 0
	tcat -O npy "$TIFFS/tf-be-u2.npy" > looks.tif
	tcat looks.tif > b.npy
	cmp b.npy a.npy
}

@test "-O tiff keeps every dtype and shape bit for bit, none and deflate; tifffile reads the same numbers and tags" {
	pyrun "
os.makedirs('in')
for dt in ['?', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', 'f2', 'f4', 'f8']:
    for c in (0, 1, 2, 3, 4, 7):
        shape = (5, 7) if c == 0 else (5, 7, c)
        np.save(f'in/{np.dtype(dt).str[1:]}-{c}.npy', values(dt, shape))
"
	local f c
	write_in
	for f in in/*.npy; do
		c=$(basename "$f" .npy)
		tcat "$c.tif" > "$c.back.npy"
		tcat "$c.z.tif" > "$c.z.back.npy"
	done
	pyrun "
bad = []
for c, a in cases():
    want = a.astype(np.uint8) if a.dtype == bool else a
    if a.ndim == 3 and a.shape[2] == 1:
        want = want[..., 0]
    for z in ('', '.z'):
        t = tags(f'{c}{z}.tif')[0]
        got = {'ours': np.load(f'{c}{z}.back.npy'),
               'tifffile': pages(f'{c}{z}.tif')[0]}
        for who, g in got.items():
            if not same(g, want):
                bad.append(f'{c}{z}: {who} reads {g.dtype} {g.shape}, expected {want.dtype} {want.shape}')
        ch = a.shape[2] if a.ndim == 3 else 1
        expect = {
            'BitsPerSample': 1 if a.dtype == bool else 8 * a.itemsize,
            'SampleFormat': {'b': 1, 'u': 1, 'i': 2, 'f': 3}[a.dtype.kind],
            'Compression': 8 if z else 1,
            'PhotometricInterpretation': 2 if ch in (3, 4) else 1,
            'Predictor': 2 if z and a.dtype.kind in 'ui' else 1,
            'ExtraSamples': (2,) if ch in (2, 4) else
                (0,) * (ch - 1) if ch > 4 else (),
        }
        for k, v in expect.items():
            g = t.get(k, () if k == 'ExtraSamples' else 1)
            g = tuple(g) if isinstance(g, tuple) else (g,) if \
                k == 'ExtraSamples' else g
            if k != 'ExtraSamples' and isinstance(g, tuple) and len(set(g)) == 1:
                g = g[0]
            if g != v:
                bad.append(f'{c}{z}: {k} is {g}, expected {v}')
print('\n'.join(bad[:20])); sys.exit(1 if bad else 0)
"
}

@test "PIL reads tcat's TIFFs of its modes to the same numbers" {
	pyrun "
os.makedirs('in')
for name, dt, shape in [('L', 'u1', (6, 9)), ('LA', 'u1', (6, 9, 2)),
                        ('RGB', 'u1', (6, 9, 3)), ('RGBA', 'u1', (6, 9, 4)),
                        ('I16', 'u2', (6, 9)), ('I', 'i4', (6, 9)),
                        ('F', 'f4', (6, 9)), ('1', '?', (6, 9))]:
    np.save(f'in/{name}.npy', values(dt, shape))
"
	write_in
	pyrun "
bad = []
for c, a in cases():
    for z in ('', '.z'):
        g = np.asarray(Image.open(f'{c}{z}.tif'))
        if g.shape != a.shape or not np.array_equal(g, a, equal_nan=True):
            bad.append(f'{c}{z}: PIL reads {g.dtype} {g.shape} {g.ravel()[:4]}, expected {a.dtype} {a.ravel()[:4]}')
print('\n'.join(bad)); sys.exit(1 if bad else 0)
"
}

@test "a stream of records is a TIFF of as many pages: it reads back bit for bit, and tifffile and PIL count the pages" {
	pyrun "
with open('stack.npy', 'wb') as f:
    for i in range(6):
        np.save(f, values('u2', (8, 11)))
with open('mixed.npy', 'wb') as f:
    for dt, shape in [('u1', (3, 4)), ('f8', (5, 2, 3)), ('i2', (1, 1)),
                      ('f4', (2, 9, 5)), ('?', (4, 17))]:
        np.save(f, values(dt, shape))
"
	tcat stack.npy -o stack.tif
	tcat stack.tif > stack.back.npy
	cmp stack.npy stack.back.npy
	tcat --compress deflate mixed.npy -o mixed.tif
	tcat mixed.tif > mixed.back.npy
	pyrun "
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
want = [r.astype(np.uint8) if r.dtype == bool else r for r in records('mixed.npy')]
got = records('mixed.back.npy')
theirs = pages('mixed.tif')
assert len(got) == len(want) == len(theirs) == 5, (len(got), len(theirs))
for a, b, c in zip(got, want, theirs):
    assert same(a, b) and same(c, b), (a.dtype, a.shape, b.dtype, b.shape)
im = Image.open('stack.tif')
assert im.n_frames == 6, im.n_frames
for i, r in enumerate(records('stack.npy')):
    im.seek(i)
    assert np.array_equal(np.asarray(im), r), i
"
}

@test "a classic TIFF that would pass 4 GiB goes on as a BigTIFF, its pages copied: the same pages, tifffile reads them (limit lowered for the test)" {
	pyrun "
with open('mixed.npy', 'wb') as f:
    for dt, shape in [('u1', (30, 40)), ('f8', (50, 20, 3)), ('i2', (1, 1)),
                      ('u2', (20, 90, 4)), ('?', (40, 17)), ('f4', (64, 64))]:
        np.save(f, values(dt, shape))
"
	local c
	for c in none deflate; do
		tcat --compress "$c" mixed.npy -o classic.tif
		[ "$(head -c 4 classic.tif | od -An -tx1 | tr -d ' ')" = 49492a00 ]
		# the third page already would pass the limit of the first two
		TPIPE_TEST_TIFF_LIMIT=30000 tcat --compress "$c" mixed.npy -o big.tif
		[ "$(head -c 4 big.tif | od -An -tx1 | tr -d ' ')" = 49492b00 ]
		tcat big.tif > big.npy
		tcat classic.tif > classic.npy
		cmp big.npy classic.npy
		pyrun "
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
want = [r.astype(np.uint8) if r.dtype == bool else r for r in records('mixed.npy')]
theirs = pages('big.tif')
assert len(theirs) == len(want) == 6, len(theirs)
for a, b in zip(theirs, want):
    assert same(a, b), (a.dtype, a.shape, b.dtype, b.shape)
assert tifffile.TiffFile('big.tif').is_bigtiff
drop = lambda ts: [{k: v for k, v in t.items() if k != 'StripOffsets'} for t in ts]
assert drop(tags('big.tif')) == drop(tags('classic.tif'))
"
	done
	# a first record past the limit starts a BigTIFF
	TPIPE_TEST_TIFF_LIMIT=200 tcat "$TIFFS/pil-gray8.npy" -o one.tif
	[ "$(head -c 4 one.tif | od -An -tx1 | tr -d ' ')" = 49492b00 ]
}

@test "tcat writes each golden TIFF again (none, deflate) and reads back the pages the golden readers give" {
	local n z
	: > pairs
	for n in $(golden); do
		for z in none deflate; do
			tcat --compress "$z" "$TIFFS/$n.tif" -o "$n.$z.tif"
			tcat "$n.$z.tif" > "$n.$z.npy"
			echo "$n($z) $n.$z.npy $TIFFS/$n.npy" >> pairs
		done
	done
	npy_same pairs
	# and tifffile reads those files as tcat does
	pyrun "
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
bad = [f for f in sorted(glob.glob('*.deflate.tif')) + sorted(glob.glob('*.none.tif'))
       if not all(same(a, b) for a, b in zip(pages(f), records(f[:-4] + '.npy')))
       or len(pages(f)) != len(records(f[:-4] + '.npy'))]
print(bad); sys.exit(1 if bad else 0)
"
}

@test "vips reads tcat's TIFFs to the same numbers (it writes them again, tcat reads them back)" {
	pyrun "
for dt, shape in [('u1', (6, 9, 3)), ('u2', (6, 9)), ('i2', (6, 9, 2)),
                  ('u4', (6, 9)), ('i4', (6, 9)), ('f4', (6, 9, 4)),
                  ('i1', (6, 9))]:	# vips 8.14 reads no float64 TIFF, its own neither
    a = values(dt, shape)
    if a.dtype.kind == 'f':
        a[np.isnan(a)] = 1.5	# vips may make its own NaN payload
    np.save(f'{np.dtype(dt).str[1:]}-{a.ndim}.npy', a)
"
	local f c
	for f in *.npy; do
		c=${f%.npy}
		tcat "$f" -o "$c.tif"
		vips copy "$c.tif" "$c.vips.tif"
		tcat "$c.vips.tif" > "$c.vips.npy"
		echo "$c $c.vips.npy $f"
	done > pairs
	[ "$(wc -l < pairs)" -eq 7 ]
	npy_same pairs
}

@test "-O tiff to stdout is the file -o writes; .tif, .tiff and .TIF name TIFF" {
	tcat "$TIFFS/tf-dtypes.npy" -O tiff > a.tif
	tcat "$TIFFS/tf-dtypes.npy" -o b.tif
	tcat "$TIFFS/tf-dtypes.npy" -o c.tiff
	tcat "$TIFFS/tf-dtypes.npy" -o d.TIF
	cmp a.tif b.tif
	cmp a.tif c.tiff
	cmp a.tif d.TIF
	[ "$(head -c 4 a.tif | od -An -tx1 | tr -d ' ')" = 49492a00 ]
}

@test "TIFF input cut at every byte: one message naming the record, the pages before it written whole" {
	pyrun "
np.save('one.npy', values('u2', (3, 5)))
with open('two.npy', 'wb') as f:
    np.save(f, np.load('one.npy')); np.save(f, values('i1', (2, 3, 2)))
"
	tcat one.npy -o one.tif
	tcat two.npy -o two.tif
	# the first page's directory ends where one.tif ends: they differ
	# only in its last 4 bytes, the offset of the next directory
	cmp -n $(($(stat -c %s one.tif) - 4)) one.tif two.tif
	"$PY" "$TPIPE_TOP/test/faults_cut.py" --one one.tif two.tif \
	    "$(stat -c %s one.tif)" "$TPIPE_BIN/tcat"
	# files of one page from the other writers: tiles, BigTIFF, JPEG
	local n
	for n in tf-tiles-f4 tf-bigtiff-be-u8 vips-jpeg-tiles pil-gray16-lzw \
	    tf-planar-rgb16; do
		"$PY" "$TPIPE_TOP/test/faults_cut.py" "$TIFFS/$n.tif" \
		    "$(stat -c %s "$TIFFS/$n.tif")" "$TPIPE_BIN/tcat"
	done
}

@test "corrupt or refused TIFF input: one message naming the file and the page, exit 1, nothing written" {
	B() { echo "$TIFFS/bad-$1.tif"; }
	row fails 1 '<stdin>: record 0: TIFF page of shape \(100000, 100000\) \(10000000000 bytes, uncompressed\) cannot come from the [0-9]+ bytes' "$(B huge-none)" tcat
	row fails 1 'record 0: TIFF page of shape \(60000, 60000\) .* cannot come from' "$(B huge-deflate)" tcat
	row fails 1 'record 0: TIFF samples of 24 bits in sample format 1 are not read' "$(B bits24)" tcat
	row fails 1 'record 0: TIFF samples of 64 bits in sample format 6' "$(B complex)" tcat
	row fails 1 'record 0: bad TIFF: Compression scheme 12345' "$(B compression)" tcat
	row fails 1 'record 0: TIFF YCbCr pixels are read from JPEG compression only' "$(B ycbcr)" tcat
	row fails 1 'record 0: TIFF photometric 32845 \(LogLuv\) is not read' "$(B logluv)" tcat
	row fails 1 'record 0: TIFF image depth 2' "$(B depth)" tcat
	row fails 1 'truncated record 0: its TIFF strip 0, bytes 1048576 to 1048592, is past the end of the input \(138 bytes\)' "$(B strip-offset)" tcat
	row fails 1 'record 0: bad TIFF: .*directory' "$(B ifd-offset)" tcat
	row fails 1 "$(B bits24 | sed 's/[.]/[.]/g'): record 0" /dev/null tcat "$(B bits24)"
	rows_ok
}

@test "a bad second page: the first is written, then one message naming page 1; -o leaves no file" {
	local n
	for n in second-page loop; do
		run --separate-stderr tcat "$TIFFS/bad-$n.tif"
		[ "$status" -eq 1 ]
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "tcat: $TIFFS/bad-$n.tif: record 1: "* ]]
		tcat "$TIFFS/bad-$n.tif" 2> /dev/null > got.npy || true
		py "
a = np.load('got.npy')
assert a.dtype == np.uint8 and a.shape in ((3, 5), (2, 2)), a.shape"
		mkdir o && cd o
		run -1 tcat "$TIFFS/bad-$n.tif" -o out.tif
		[ -z "$(ls -A)" ]
		cd .. && rmdir o
	done
	[[ $stderr == *"IFD looping"* ]]
}

@test "TIFF output refuses what it cannot hold before writing anything" {
	py "
np.save('v.npy', np.zeros(5, np.uint8))
np.save('s.npy', np.zeros((), np.uint8))
np.save('d4.npy', np.zeros((1, 2, 3, 3), np.uint8))
np.save('c.npy', np.zeros((2, 2), np.complex64))
np.save('z0.npy', np.zeros((0, 3), np.uint8))
np.save('z1.npy', np.zeros((3, 0), np.float32))
np.save('many.npy', np.zeros((1, 1, 65536), np.uint8))
with open('late.npy', 'wb') as f:
    np.save(f, np.zeros((2, 2), np.uint8)); np.save(f, np.zeros((2, 2), np.uint8))
    np.save(f, np.zeros(3, np.uint8))
"
	: > empty.npy
	row fails 1 'record 0: cannot write shape \(5,\) as TIFF: it takes \(H, W\) or \(H, W, C\)' /dev/null tcat -O tiff "$PWD/v.npy"
	row fails 1 'cannot write shape \(\) as TIFF' /dev/null tcat -O tiff "$PWD/s.npy"
	row fails 1 'cannot write shape \(1, 2, 3, 3\) as TIFF' /dev/null tcat -O tiff "$PWD/d4.npy"
	row fails 1 'cannot write complex64 as TIFF' /dev/null tcat -O tiff "$PWD/c.npy"
	row fails 1 'cannot write shape \(0, 3\) as TIFF: its height is 0' /dev/null tcat -O tiff "$PWD/z0.npy"
	row fails 1 'cannot write shape \(3, 0\) as TIFF: its width is 0' /dev/null tcat -O tiff "$PWD/z1.npy"
	row fails 1 'cannot write shape \(1, 1, 65536\) as TIFF: it holds 1 to 65535 samples a pixel' /dev/null tcat -O tiff "$PWD/many.npy"
	row fails 1 'record 2: cannot write shape \(3,\)' /dev/null tcat -O tiff "$PWD/late.npy"
	row fails 1 'no image to write as TIFF: the input is empty' /dev/null tcat -O tiff "$PWD/empty.npy"
	rows_ok
}

@test "a TIFF page is not trusted for more memory than the file could decode to" {
	if grep -q __asan_init "$TPIPE_BIN/tcat"; then
		skip "ulimit -v cannot be used under AddressSanitizer"
	fi
	local n
	for n in huge-none huge-deflate; do
		run --separate-stderr bash -c 'ulimit -v 500000; tcat "$1"' - "$TIFFS/bad-$n.tif"
		[ "$status" -eq 1 ]
		[[ $stderr == *"cannot come from the "*" bytes of the input" ]]
	done
}

@test "TIFF output trusts no header for more memory than the input holds: a 10 GB claim over 1000 bytes is a truncated record" {
	py "
import numpy.lib.format as f
with open('claim.npy', 'wb') as o:
    f.write_array_header_1_0(o, {'descr': '|u1', 'fortran_order': False,
                                 'shape': (60000, 60000, 3)})
    o.write(bytes(1000))
"
	local limit=
	grep -q __asan_init "$TPIPE_BIN/tcat" || limit='ulimit -v 2000000;'
	run --separate-stderr bash -c "$limit"' tcat -O tiff < claim.npy' -
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "tcat: <stdin>: truncated record 0: expected 10800000000 bytes of data, got 1000" ]
}
