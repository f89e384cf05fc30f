#!/usr/bin/env bats
# MRC2014 (lib/mrc.c): maps read as mrcfile reads them (test/data/mrc/,
# written by mrcfile and by the specification where mrcfile writes
# nothing: make.py), the axes put in (Z, Y, X) order, either byte order,
# maps back to back as a stream, cut at every byte, corrupt headers
# refused with one line; one map written with the header mrcfile writes,
# which mrcfile's validator accepts, round trips bit for bit.

load helpers

M="$DATA/mrc"
GOLDEN="mode0 mode1 mode2-ext mode4 mode6-stack mode12 big vol1 vstack axes-213 axes-312 mode101 imod-u1 two"

# mrc_hdr FILE PYTHON: run PYTHON with h, the 256 header words of FILE
# as little-endian int32 (f the same as float32), then write them back.
mrc_hdr() {
	local f=$1
	shift
	"$PY" - "$f" "$@" <<'EOF'
import sys
import numpy as np
f = sys.argv[1]
d = bytearray(open(f, 'rb').read())
h = np.frombuffer(d, '<i4', 256).copy()
exec(sys.argv[2])
d[:1024] = h.tobytes()
open(f, 'wb').write(d)
EOF
}

@test "mrc: tcat reads every golden map as mrcfile does, its axes in (Z, Y, X) order" {
	local n
	reads_as_golden $(for n in $GOLDEN; do echo "$M/$n.mrc"; done)
}

@test "mrc: shapes and dtypes as mrcfile gives them; mode 101 and IMOD's unsigned bytes as uint8" {
	local n
	for n in mode0 mode1 mode4 mode6-stack mode12 big vol1 vstack axes-312 mode101 imod-u1; do
		tinfo "$M/$n.mrc" | sed "s/^0/$n/"
	done | cut -d' ' -f1-3 > got
	cat > want <<'EOF'
mode0 shape=(4,6) dtype=int8
mode1 shape=(3,4,5) dtype=int16
mode4 shape=(2,3,4) dtype=complex64
mode6-stack shape=(3,4,5) dtype=uint16
mode12 shape=(2,3,4) dtype=float16
big shape=(2,3,4) dtype=float32
vol1 shape=(1,3,4) dtype=float32
vstack shape=(2,3,4,5) dtype=float32
axes-312 shape=(4,2,3) dtype=float32
mode101 shape=(2,3,5) dtype=uint8
imod-u1 shape=(3,5) dtype=uint8
EOF
	diff got want
}

@test "mrc: the byte order is the machine stamp's, or where the stamp is unknown, the one giving a known mode" {
	cp "$M/big.mrc" big0.mrc
	cp "$M/mode1.mrc" le0.mrc
	printf '\0\0\0\0' | dd of=big0.mrc bs=1 seek=212 conv=notrunc status=none
	printf '\0\0\0\0' | dd of=le0.mrc bs=1 seek=212 conv=notrunc status=none
	tcat big0.mrc | cmp - "$M/big.npy"
	tcat le0.mrc | cmp - "$M/mode1.npy"
	# 0x44 0x41, which MRC2014 also allows for little-endian
	cp "$M/mode1.mrc" la.mrc
	printf 'DA' | dd of=la.mrc bs=1 seek=212 conv=notrunc status=none
	tcat la.mrc | cmp - "$M/mode1.npy"
}

@test "mrc: maps back to back are a stream of records, after other formats' records too" {
	cat "$M/mode1.mrc" "$M/vstack.mrc" "$M/mode0.mrc" > all.mrc
	cat "$M/mode1.npy" "$M/vstack.npy" "$M/mode0.npy" > exp.npy
	tcat < all.mrc > out.npy
	cmp out.npy exp.npy
	run tinfo all.mrc
	assert_success
	assert_equal "${#lines[@]}" 3
	tcat "$M/mode0.mrc" "$DATA/pil-gray8.png" "$M/two.mrc" > mixed.npy
	cat "$M/mode0.npy" "$DATA/pil-gray8.npy" "$M/two.npy" > mixed-exp.npy
	cmp mixed.npy mixed-exp.npy
}

@test "mrc: what follows a map must be another map" {
	local a=$M/mode0.mrc n
	n=$(stat -c %s "$a")
	{ cat "$a"; head -c 1024 /dev/zero; } > zeros.mrc
	{ cat "$a"; head -c 100 "$M/mode1.mrc"; } > cut.mrc
	{ cat "$a"; head -c 1100 "$M/mode1.mrc"; } > cutdata.mrc
	row fails --any-stdout 1 "^tcat: <stdin>: byte $n: data after MRC record 0 is not an MRC map \(no MAP at its byte 208\)\$" "$PWD/zeros.mrc" tcat
	row fails --any-stdout 1 "^tinfo: <stdin>: truncated record 1: expected a 1024-byte MRC header, got 100 bytes\$" "$PWD/cut.mrc" tinfo
	row fails --any-stdout 1 "^tcat: <stdin>: truncated record 1: expected 120 bytes of data, got 76\$" "$PWD/cutdata.mrc" tcat
	rows_ok
}

@test "mrc: a stream cut at every byte ends as a cut stream must (tcat; tinfo at every 16th)" {
	local n1
	cat "$M/mode2-ext.mrc" "$M/mode0.mrc" > two.mrc
	n1=$(stat -c %s "$M/mode2-ext.mrc")
	# the first 15 bytes cannot say MRC (it has no magic number): there
	# tpipe knows no format, and says so in one line
	run "$PY" "$TPIPE_TOP/test/faults_cut.py" --from 16 two.mrc "$n1" tcat
	[ "$status" -eq 0 ] || fail "$output"
	# tinfo reads through the same reader: every 16th byte and those
	# near a record's end
	run "$PY" "$TPIPE_TOP/test/faults_cut.py" --from 16 --every 16 two.mrc \
	    "$n1" tinfo
	[ "$status" -eq 0 ] || fail "$output"
	for k in 1 4 15; do
		head -c "$k" two.mrc > c.mrc
		row fails 1 '^tcat: <stdin>: ' "$PWD/c.mrc" tcat
	done
	for k in 16 200 1023; do
		head -c "$k" two.mrc > c.mrc
		row fails 1 "^tcat: <stdin>: truncated record 0: expected a 1024-byte MRC header, got $k bytes\$" "$PWD/c.mrc" tcat
	done
	head -c 1100 two.mrc > c.mrc
	row fails 1 '^tcat: <stdin>: truncated record 0: expected a 160-byte extended header, got 76$' "$PWD/c.mrc" tcat
	rows_ok
}

@test "mrc: corrupt headers are refused with one line naming what is wrong" {
	local c
	while IFS='|' read -r c code re; do
		cp "$M/mode1.mrc" "$c.mrc"
		mrc_hdr "$c.mrc" "$code"
		row fails 1 "^tcat: <stdin>: record 0: $re\$" "$PWD/$c.mrc" tcat
	done <<'EOF'
mode3|h[3] = 3|MRC mode 3 \(complex int16\) is not supported: mrcfile reads it neither
mode7|h[3] = 7|bad MRC header: unknown mode 7
nyneg|h[1] = -4|bad MRC header: NY is -4
axes|h[16:19] = (1, 1, 3)|bad MRC header: MAPC, MAPR, MAPS are 1, 1, 3, not an order of 1, 2, 3
nsymbt|h[23] = -1|bad MRC header: NSYMBT is -1
vstack|h[22] = 401; h[9] = 2|bad MRC header: a volume stack \(ISPG 401\) of NZ 3 sections in volumes of MZ 2
stamp|h[3] = 0x01000007; h[53] = 0|bad MRC header: machine stamp 0x00 0x00 and mode 16777223 in either byte order
huge|h[0:3] = 2**31 - 1|MRC map of 2147483647 x 2147483647 x 2147483647 values does not fit in memory
EOF
	rows_ok
}

@test "mrc: a header claiming more than the input holds is a truncated record, with no memory taken for the claim" {
	cp "$M/mode1.mrc" claim.mrc
	# 2^17 x 2^17 x 2^14 float32 values: 1 PiB claimed, 120 bytes held
	mrc_hdr claim.mrc 'h[0:4] = (2**17, 2**17, 2**14, 2)'
	cp claim.mrc ext.mrc
	mrc_hdr ext.mrc 'h[23] = 2**31 - 1'
	local f re st
	for f in claim ext; do
		re='expected 1125899906842624 bytes of data, got 120$'
		[ "$f" = ext ] && re='expected a 2147483647-byte extended header, got 120$'
		st=0
		# 2 GB of address space (none under ASan, whose shadow needs more)
		(nm "$TPIPE_BIN/tcat" | grep -q __asan_init || ulimit -v 2000000
		 exec tcat < "$f.mrc") > out 2> err || st=$?
		[ "$st" -eq 1 ] && [ ! -s out ] && [ "$(wc -l < err)" -eq 1 ] &&
		    grep -Eq "^tcat: <stdin>: truncated record 0: $re" err ||
			fail "$f: exit $st: $(cat err)"
	done
}

@test "mrc: corrupt and cut maps fail with one line and exit 1, or read (no crash, no leak report)" {
	"$PY" - "$M/mode2-ext.mrc" "$M/mode101.mrc" "$M/axes-312.mrc" <<'EOF'
import sys
import numpy as np
rng = np.random.default_rng(6)
n = 0
for p in sys.argv[1:]:
    s = open(p, 'rb').read()
    for k in range(30):
        d = bytearray(s)
        # the header's words that matter most, then anywhere
        at = int(rng.choice([0, 4, 8, 12, 28, 36, 64, 68, 72, 88, 92]))
        if k % 2:
            at = int(rng.integers(0, len(d)))
        d[at] = int(rng.integers(0, 256))
        open(f'bad{n}.mrc', 'wb').write(bytes(d)); n += 1
EOF
	reads_or_fails bad*.mrc
}

@test "mrc output: mrcfile's validator accepts it and reads the same numbers, in every mode" {
	py "
rng = np.random.default_rng(7)
c = {'i1': rng.integers(-128, 128, (3, 4)).astype(np.int8),
     'i2': rng.integers(-999, 999, (2, 3, 4)).astype(np.int16),
     'u2': rng.integers(0, 65536, (2, 3, 4)).astype(np.uint16),
     'f2': rng.standard_normal((3, 5)).astype(np.float16),
     'f4': rng.standard_normal((2, 3, 4)).astype(np.float32),
     'c8': (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(np.complex64),
     's4': rng.standard_normal((2, 3, 4, 5)).astype(np.float32),
     'u1': rng.integers(0, 256, (4, 5)).astype(np.uint8)}
for k, a in c.items():
    np.save(k + '.npy', a)"
	local k
	for k in i1 i2 u2 f2 f4 c8 s4 u1; do
		tcat "$k.npy" -o "$k.mrc"
	done
	py "
import io, warnings
import mrcfile
warnings.simplefilter('ignore')   # validate's own ComplexWarning on c8
for k in 'i1 i2 u2 f2 f4 c8 s4 u1'.split():
    a = np.load(k + '.npy')
    log = io.StringIO()
    assert mrcfile.validate(k + '.mrc', print_file=log), (k, log.getvalue())
    with mrcfile.open(k + '.mrc') as m:
        d, h = m.data, m.header
        # uint8 is widened to mode 6, as mrcfile writes it
        assert d.dtype == (np.uint16 if k == 'u1' else a.dtype), k
        assert d.shape == a.shape and np.array_equal(d, a), k
        assert tuple(m.voxel_size.item()) == (1.0, 1.0, 1.0), k
        assert h.nversion == 20141 and h.map == b'MAP ', k
        assert bytes(h.machst) == b'\x44\x44\0\0', k
    # mrcfile's own header for the same array: the same words, but
    # its label (the time) and DMEAN and RMS, which it sums in float32
    with mrcfile.new('ref.mrc', overwrite=True) as m:
        m.set_data(a)
        m.voxel_size = 1
    ours = np.fromfile(k + '.mrc', '<i4', 224 // 4)
    ref = np.fromfile('ref.mrc', '<i4', 224 // 4)
    same = ours == ref
    same[[21, 54]] = True
    assert same.all(), (k, np.nonzero(~same))
    fo = np.fromfile(k + '.mrc', '<f4', 224 // 4)[[21, 54]]
    fr = np.fromfile('ref.mrc', '<f4', 224 // 4)[[21, 54]]
    assert np.allclose(fo, fr, rtol=1e-5), (k, fo, fr)
    assert open(k + '.mrc', 'rb').read()[1024:] == open('ref.mrc', 'rb').read()[1024:], k
"
}

@test "mrc output: records round-trip bit for bit; uint8 comes back as uint16" {
	local k
	for k in i1 i2 u2 f2 f4 c8; do
		tgen randn 2,3,4 --seed 3 | tmath -t "$k" 'x * 100' > "$k.npy"
		tcat "$k.npy" -O mrc | tcat | cmp - "$k.npy" || fail "$k"
	done
	tgen rand 5,6 --seed 1 | tmath -t float32 x > im.npy
	tcat im.npy -o im.MAP
	tcat im.MAP | cmp - im.npy
	tgen rand 2,2,3,4 --seed 1 | tmath -t float32 x > st.npy
	tcat st.npy -o st.mrcs
	tcat st.mrcs | cmp - st.npy
	tgen range 6 | treshape 2,3 | tmath -t uint8 x | tcat -O mrc | tcat > u.npy
	py "a = np.load('u.npy'); assert a.dtype == np.uint16 and a.tolist() == [[0, 1, 2], [3, 4, 5]]"
}

@test "mrc output: NaN gives NaN statistics, as numpy's and mrcfile's" {
	py "
a = np.arange(12, dtype=np.float32).reshape(3, 4); a[1, 2] = np.nan
np.save('nan.npy', a)"
	tcat nan.npy -o nan.mrc
	py "
import mrcfile, warnings
warnings.simplefilter('ignore')
with mrcfile.open('nan.mrc') as m:
    h = m.header
    assert np.isnan([h.dmin, h.dmax, h.dmean, h.rms]).all()
    assert np.array_equal(m.data, np.load('nan.npy'), equal_nan=True)"
}

@test "mrc output: other dtypes and shapes are refused, saying what to do; one map" {
	tgen ones 3,4 > f8.npy
	tgen ones 3,4 | tmath -t int32 x > i4.npy
	tgen ones 3,4 | tmath -t complex128 x > c16.npy
	tgen ones 5 | tmath -t float32 x > line.npy
	tgen ones 1,1,1,1,2 | tmath -t float32 x > five.npy
	tgen zeros 0,4 | tmath -t float32 x > empty.npy
	tgen ones 3,4 | tmath -t float32 x > f4.npy
	cat f4.npy f4.npy > two.npy
	row fails 1 "^tcat: record 0: cannot write float64 as mrc: its modes hold int8, int16, uint16 \(and uint8\), float16, float32 and complex64; convert with tcat -t f32$" "$PWD/f8.npy" tcat -O mrc
	row fails 1 "cannot write int32 as mrc" "$PWD/i4.npy" tcat -O mrc
	row fails 1 "cannot write complex128 as mrc" "$PWD/c16.npy" tcat -O mrc
	row fails 1 "^tcat: record 0: cannot write shape \(5,\) as mrc: it takes an image \(Y, X\), a volume \(Z, Y, X\) or a stack of volumes \(N, Z, Y, X\)$" "$PWD/line.npy" tcat -O mrc
	row fails 1 "cannot write shape \(1, 1, 1, 1, 2\) as mrc" "$PWD/five.npy" tcat -O mrc
	row fails 1 "cannot write shape \(0, 4\) as mrc: its axis 0 is not 1 to 2147483647 long$" "$PWD/empty.npy" tcat -O mrc
	row fails 1 '^tcat: mrc output holds one map; the input has more records$' "$PWD/two.npy" tcat -O mrc
	row fails 1 '^tcat: no map to write as mrc: the input is empty$' /dev/null tcat -O mrc
	rows_ok
	# tcat -t f32 makes float64 writable, as the message says
	tcat -t f32 f8.npy -O mrc | tinfo | grep -q '^0 shape=(3,4) dtype=float32 '
	tcat -t f32 c16.npy -O mrc | tinfo | grep -q '^0 shape=(3,4) dtype=complex64 '
}
