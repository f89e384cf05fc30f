#!/usr/bin/env bats
# MATLAB .mat files (lib/matfile*.c): the golden files of test/data/mat
# (scipy.io.savemat, by hand after the MAT-File Format, h5py after
# MATLAB's v7.3 layout; make.py) read as their reference readers read
# them; what tpipe writes read back by scipy.io.loadmat and GNU Octave
# (and what Octave saves read by tpipe); round trips; refusals; cut and
# corrupt files.

load helpers

MAT="$DATA/mat"
GOLDEN="scipy-v4 scipy-v5 scipy-v5z hand-v5-be hand-v5-le hand-matlab
hand-v4-be h5py-v73 small-v4 small-v5 small-v5z h5py-small"

# names FILE: the names of FILE's records, one a line, as tinfo shows them.
names() {
	tinfo "$@" | sed -n 's/^[0-9]* name=\([^ ]*\) .*/\1/p'
}

@test "mat: every golden file reads as its reader reads it, from a file and a pipe" {
	local f
	for f in $GOLDEN; do
		tcat "$MAT/$f.mat" > "$f.npy" || fail "$f: tcat failed"
		cmp "$f.npy" "$MAT/$f.npy" || fail "$f: not the records loadmat/h5py give"
		tcat < "$MAT/$f.mat" | cmp - "$MAT/$f.npy" || fail "$f: differs from a pipe"
		tcat - < "$MAT/$f.mat" | cmp - "$MAT/$f.npy" || fail "$f: differs from '-'"
	done
}

@test "mat: the golden files are what make.py makes (none was edited by hand)" {
	mkdir -p t/test/data
	cp -r "$MAT" t/test/data/mat
	cp "$TPIPE_TOP/test/mat_check.py" "$TPIPE_TOP/test/npystream.py" t/test
	(cd t/test/data/mat && "$PY" make.py) || fail "make.py failed"
	diff -r "$MAT" t/test/data/mat || fail "make.py makes other files"
}

@test "mat: tinfo names every record after its variable, in file order" {
	local f
	for f in $GOLDEN; do
		diff <(names "$MAT/$f.mat") "$MAT/$f.names" || fail "$f: names differ"
	done
	run tinfo --json "$MAT/small-v5.mat"
	assert_success
	assert_line --index 0 --partial '"index":0,"name":"a","shape":[2,3]'
	run tinfo < "$MAT/small-v4.mat"
	assert_line --index 2 --partial '2 name=c shape=(1,3) dtype=complex64'
	# a record without a name shows none
	tgen zeros 2 | tinfo | grep -qv name= || fail "an NPY record has a name"
}

@test "mat: --var picks one variable, in tcat and tinfo, of every version" {
	local f n i
	for f in scipy-v4 scipy-v5z hand-v5-be h5py-v73; do
		py "sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
for i, a in enumerate(records('$MAT/$f.npy')):
    np.save('want-%d.npy' % i, a)"
		i=0
		while read -r n; do
			tcat --var "$n" "$MAT/$f.mat" | cmp - "want-$i.npy" ||
			    fail "$f: --var $n is not record $i"
			[ "$(names --var "$n" "$MAT/$f.mat")" = "$n" ] ||
			    fail "$f: tinfo --var $n"
			i=$((i + 1))
		done < "$MAT/$f.names"
	done
	# the variable refused or cut after the one picked is not read
	tcat --var first "$MAT/refuse-cell.mat" > first.npy ||
	    fail "--var first before a cell"
	head -c 300 "$MAT/small-v5.mat" | tcat --var a |
	    cmp - <(tcat --var a "$MAT/small-v5.mat") ||
	    fail "--var a of a file cut in its second variable"
}

@test "mat: --var naming no variable, or on other input, is one line" {
	row fails 1 "<stdin>: no variable 'nope' in the file; it holds a, b, c$" \
	    "$MAT/small-v5.mat" tcat --var nope
	row fails 1 "no variable 'nope' in the file; it holds a$" \
	    "$MAT/h5py-small.mat" tcat --var nope
	row fails 1 "no variable 'x' in the file; it holds first, bad$" \
	    "$MAT/refuse-v4-text.mat" tinfo --var x
	row fails --usage 2 "<stdin>: --var 'a' applies to MAT-file input, not NPY" \
	    "$MAT/small-v5.npy" tcat --var a
	rows_ok
}

@test "mat: cells, structs, objects, sparse, char, function handles are refused by name" {
	local f why
	for f in "$MAT"/refuse-*.mat; do
		why=$(sed 's/[][\.*^$()+?{}|]/\\&/g' "${f%.mat}.why")
		row fails --any-stdout 1 "^tcat: <stdin>: record [01]: $why" "$f" tcat
		# what comes before the refused variable is read first
		tcat "$f" > got.npy 2> /dev/null || true
		case $(basename "$f") in
		refuse-v73-struct.mat) tcat --var a "$f" | cmp - got.npy ;;
		refuse-v73-char.mat|refuse-object.mat|refuse-function.mat|\
		refuse-cint64.mat)
			[ ! -s got.npy ] ;;
		*) tcat --var first "$f" | cmp - got.npy ;;
		esac || row fail "$f: not the records before the refused one"
	done
	rows_ok
}

@test "mat: text and other binary input are not taken for a v4 file" {
	# a v4 file has no magic: its header must be plausible, name and all
	printf '1 2 3\n' | tcat | cmp - <(printf '1 2 3\n' | tcat -O npy) ||
	    fail "text is not text"
	head -c 20 /dev/zero > zeros.bin
	py "import struct
# an MRC-like header: nx 10, ny 4, nz 2, mode 2 (float), then zeros
open('mrc.bin', 'wb').write(struct.pack('<4i', 10, 4, 2, 2) + bytes(1008))
# a plausible v4 header whose name is not text
open('name.bin', 'wb').write(struct.pack('<5i', 0, 1, 1, 0, 3) + b'\\x01\\x02\\0' + bytes(8))"
	# (MRC, tried last, takes an input shorter than its 1024-byte header
	# whose first words could be its own for a cut map: zeros.bin and
	# name.bin are such)
	for f in zeros.bin mrc.bin name.bin; do
		row fails 1 "<stdin>: (binary data in no format tpipe reads|truncated record 0: expected a 1024-byte MRC header)" "$PWD/$f" tcat
	done
	rows_ok
}

@test "mat: what tpipe writes, loadmat reads back as the same records and names" {
	local f c
	for f in $GOLDEN; do
		for c in none deflate; do
			tcat "$MAT/$f.npy" -O mat --compress "$c" > out.mat ||
			    fail "$f: writing failed"
			"$PY" "$TPIPE_TOP/test/mat_check.py" out.mat "$MAT/$f.npy" - ||
			    fail "$f ($c): loadmat reads other records"
			tcat "$MAT/$f.mat" -o "$f.mat" --compress "$c" || fail "$f: .mat to .mat"
			"$PY" "$TPIPE_TOP/test/mat_check.py" "$f.mat" "$MAT/$f.npy" \
			    "$MAT/$f.names" || fail "$f ($c): names or records lost"
		done
	done
	# uncompressed by default, compressed with --compress deflate
	tcat "$MAT/small-v5.mat" -O mat | od -An -tu4 -j128 -N4 | grep -qw 14 ||
	    fail "not miMATRIX by default"
	tcat "$MAT/small-v5.mat" -O mat --compress deflate | od -An -tu4 -j128 -N4 |
	    grep -qw 15 || fail "not miCOMPRESSED with --compress deflate"
}

@test "mat: Octave loads what tpipe writes as the same classes, shapes and values, and what Octave saves tpipe reads" {
	py "
rng = np.random.default_rng(24)
with open('in.npy', 'wb') as f:
    for t in ['?', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', 'f4', 'f8']:
        dt = np.dtype(t)
        if dt.kind in 'iu':
            i = np.iinfo(dt)
            a = np.array([i.min, i.max, 0, 1, i.max - 1, i.min + 1], dt)
        elif dt.kind == 'f':
            a = np.array([-0.0, np.inf, -np.inf, np.finfo(dt).tiny, np.finfo(dt).max, 1 / 3], dt)
        else:
            a = np.array([1, 0, 1, 1, 0, 0], dt)
        np.save(f, a.reshape(2, 3))
    for t in ['c8', 'c16']:
        np.save(f, (rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))).astype(t))
    np.save(f, rng.standard_normal((2, 3, 4)))
    np.save(f, np.arange(5, dtype='i2'))"
	for c in none deflate; do
		tcat in.npy -o out.mat --compress "$c"
		# Octave says each variable's class and size, and saves them
		# all again (its own v7 writer) for tpipe to read back
		octave-cli --no-init-file --eval "
s = load('out.mat'); n = fieldnames(s);
for i = 1:numel(n)
  v = s.(n{i});
  printf('%s %s %s %d\\n', n{i}, class(v), mat2str(size(v)), iscomplex(v));
end
save('-v7', 'back.mat', '-struct', 's');" > classes.txt 2> octave.err ||
		    fail "octave: $(cat octave.err)"
		cat > want.txt <<-'EOF'
		x1 logical [2 3] 0
		x2 uint8 [2 3] 0
		x3 int8 [2 3] 0
		x4 uint16 [2 3] 0
		x5 int16 [2 3] 0
		x6 uint32 [2 3] 0
		x7 int32 [2 3] 0
		x8 uint64 [2 3] 0
		x9 int64 [2 3] 0
		x10 single [2 3] 0
		x11 double [2 3] 0
		x12 single [3 2] 1
		x13 double [3 2] 1
		x14 double [2 3 4] 0
		x15 int16 [1 5] 0
		EOF
		diff want.txt classes.txt ||
		    fail "Octave loads other classes or sizes ($c)"
		tcat back.mat > back.npy
		tinfo back.mat | sed -n 's/^[0-9]* name=\([^ ]*\) .*/\1/p' > names.txt
		py "
import os
sys.path.insert(0, os.environ['TPIPE_TOP'] + '/test')
from npystream import records
want = list(records('in.npy'))
got = dict(zip(open('names.txt').read().split(), records('back.npy')))
assert len(got) == len(want) == 15, (len(got), len(want))
for i, a in enumerate(want):
    b = got['x%d' % (i + 1)]
    if a.ndim == 1:
        a = a.reshape(1, -1)
    assert a.dtype == b.dtype and a.shape == b.shape, (i, a.dtype, b.dtype, a.shape, b.shape)
    assert a.tobytes() == b.tobytes(), (i, a, b)" || fail "Octave's values differ ($c)"
	done
}

@test "mat: --mat-version 7.3 writes MATLAB's HDF5 layout (h5py reads it), tpipe reads it back by name, and v5's 2 GiB limit is gone" {
	py "
rng = np.random.default_rng(73)
with open('in.npy', 'wb') as f:
    np.save(f, rng.standard_normal((3, 4, 2)))
    np.save(f, (rng.standard_normal((2, 5)) + 1j * rng.standard_normal((2, 5))).astype('c8'))
    np.save(f, np.array([[True, False, True]]))
    np.save(f, np.arange(-3, 4, dtype='i8'))"
	local c
	for c in none deflate; do
		tcat in.npy --mat-version 7.3 --compress "$c" --name a,b,c,d -o out.mat
		[ "$(head -c 19 out.mat)" = "MATLAB 7.3 MAT-file" ]
		py "
import os, h5py
sys.path.insert(0, os.environ['TPIPE_TOP'] + '/test')
from npystream import records
want = records('in.npy')
f = h5py.File('out.mat', 'r')
classes = {'a': b'double', 'b': b'single', 'c': b'logical', 'd': b'int64'}
for name, a in zip('abcd', want):
    d = f[name]
    assert d.attrs['MATLAB_class'] == classes[name], (name, d.attrs['MATLAB_class'])
    v = d[()]
    if v.dtype.names:
        v = v['real'] + 1j * v['imag']
    if a.ndim == 1:
        a = a.reshape(1, -1)
    # HDF5 holds MATLAB's column order: the axes reversed
    assert v.shape == a.shape[::-1], (name, v.shape, a.shape)
    assert np.array_equal(v.T.astype(a.dtype), a), name" ||
		    fail "h5py reads other values ($c)"
		tcat out.mat > back.npy
		[ "$(tinfo out.mat | sed -n 's/^[0-9]* name=\([^ ]*\) .*/\1/p' | tr '\n' ,)" = a,b,c,d, ]
		py "
import os
sys.path.insert(0, os.environ['TPIPE_TOP'] + '/test')
from npystream import records
for a, b in zip(records('in.npy'), records('back.npy')):
    if a.ndim == 1:
        a = a.reshape(1, -1)
    assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), (a, b)" ||
		    fail "tpipe reads back other records ($c)"
	done
	# a header claiming 3 GB: refused by v5 before its data, taken by
	# v7.3, which then finds the data missing
	py "
import io
b = io.BytesIO()
np.lib.format.write_array_header_1_0(b, {'descr': '<f8', 'fortran_order': False, 'shape': (20000, 20000)})
open('big.npy', 'wb').write(b.getvalue())"
	fails 1 'record 0: 3200000000 bytes: a .mat v5 variable holds less than 2 GiB \(write --mat-version 7.3 or NPY\)$' \
	    "$PWD/big.npy" tcat -O mat
	fails 1 'truncated' "$PWD/big.npy" tcat -O mat --mat-version 7.3
}

@test "mat: 1-D records are written as 1 x n, 0-D ones as 1 x 1; every dtype but float16" {
	py "
with open('in.npy', 'wb') as f:
    for t in ['?', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', 'f4', 'f8', 'c8', 'c16']:
        np.save(f, (np.arange(6) % 3).astype(t).reshape(2, 3))
        np.save(f, (np.arange(4) - 1).astype(t))
        np.save(f, np.array(7).astype(t))
    np.save(f, np.zeros((0, 3)))
    np.save(f, np.zeros((2, 0, 4), 'i2'))
    np.save(f, np.arange(24.).reshape(2, 3, 4, 1))"
	tcat in.npy -o out.mat || fail "writing failed"
	"$PY" "$TPIPE_TOP/test/mat_check.py" out.mat in.npy - || fail "loadmat reads other records"
	py "
np.save('h.npy', np.zeros(3, np.float16))"
	fails 1 'record 0: a float16 record has no MATLAB class: write it as float32 \(-t f32\)' \
	    "$PWD/h.npy" tcat -O mat
}

@test "mat: a record a v5 .mat variable cannot hold is refused by its shape, before its data" {
	py "
import io
for name, shape in (('long', (3000000000, 1)), ('big', (20000, 20000))):
    b = io.BytesIO()
    np.lib.format.write_array_header_1_0(b, {'descr': '<f8', 'fortran_order': False, 'shape': shape})
    open(name + '.npy', 'wb').write(b.getvalue())"
	row fails 1 'record 0: shape \(3000000000, 1\): a .mat v5 dimension is below 2\^31$' \
	    "$PWD/long.npy" tcat -O mat
	row fails 1 'record 0: 3200000000 bytes: a .mat v5 variable holds less than 2 GiB \(write --mat-version 7.3 or NPY\)$' \
	    "$PWD/big.npy" tcat -O mat
	rows_ok
}

@test "mat: round trips are bit for bit: .mat to .mat, NPY to .mat to NPY" {
	local f
	for f in $GOLDEN; do
		tcat "$MAT/$f.mat" -o a.mat && tcat a.mat -o b.mat && cmp a.mat b.mat ||
		    fail "$f: .mat -> .mat -> .mat changed"
		tcat a.mat | cmp - "$MAT/$f.npy" || fail "$f: .mat -> NPY changed"
		tcat --compress deflate a.mat -o z.mat && tcat z.mat | cmp - "$MAT/$f.npy" ||
		    fail "$f: compressed changed"
	done
}

@test "mat: --name names the variables written; invalid or repeated names are refused" {
	tcat "$MAT/small-v5.npy" --name p,q,r -o out.mat || fail "--name failed"
	printf 'p\nq\nr\n' > n
	"$PY" "$TPIPE_TOP/test/mat_check.py" out.mat "$MAT/small-v5.npy" n || fail "names"
	# fewer names: the rest keep their own (x2, x3 here)
	tcat "$MAT/small-v5.npy" --name p -O mat | tinfo | grep -c 'name=x[23] ' |
	    grep -qx 2 || fail "the names after --name's"
	row fails --any-stdout 1 "record 1: 'end' is no MATLAB variable name \(a MATLAB keyword\)" \
	    "$MAT/small-v5.npy" tcat -O mat --name a,end
	row fails --any-stdout 1 "record 1: '1b' is no MATLAB variable name \(not begun by a letter\)" \
	    "$MAT/small-v5.npy" tcat -O mat --name a,1b
	row fails 1 "record 0: 'a-b' is no MATLAB variable name" \
	    "$MAT/small-v5.npy" tcat -O mat --name a-b
	row fails 1 "record 0: '$(printf 'a%.0s' {1..60})\.\.\.' is no MATLAB variable name \(not 1 to 63" \
	    "$MAT/small-v5.npy" tcat -O mat --name "$(printf 'a%.0s' {1..64})"
	row fails --any-stdout 1 "record 1: a variable 'a' is written already" \
	    "$MAT/small-v5.npy" tcat -O mat --name a,a
	row fails --any-stdout 1 "--name gives 4 names, but the input has 3 records" \
	    "$MAT/small-v5.npy" tcat -O mat --name a,b,c,d
	row fails --usage 2 "--name 'a' applies to MAT-file output" \
	    "$MAT/small-v5.npy" tcat -O npy --name a
	row fails --usage 2 "--name: an empty name in 'a,,b'" \
	    "$MAT/small-v5.npy" tcat -O mat --name a,,b
	rows_ok
	# two files of the same names: the second's are written already
	fails --no-o --any-stdout 1 "record 3: a variable 'a' is written already" \
	    /dev/null tcat -O mat "$MAT/small-v5.mat" "$MAT/small-v5.mat"
}

@test "mat: each record's variable is out as soon as it is written; no record gives a bare header" {
	# a stream cut in its second record: the first is a whole .mat file
	head -c 300 "$MAT/small-v5.npy" | tcat -O mat > part.mat 2> err && fail "no error"
	grep -q 'truncated record 1' err || fail "$(cat err)"
	head -c 176 "$MAT/small-v5.npy" > one.npy
	"$PY" "$TPIPE_TOP/test/mat_check.py" part.mat one.npy - || fail "the first record is not whole"
	# no record: a .mat file of no variables, which loadmat reads
	tcat -O mat < /dev/null > empty.mat
	[ "$(stat -c %s empty.mat)" -eq 128 ] || fail "not the 128-byte header alone"
	"$PY" -c "import scipy.io as s, sys; d = s.loadmat('empty.mat'); sys.exit([k for k in d if k[0] != '_'] != [])" ||
	    fail "loadmat does not read it as empty"
	head -c 116 empty.mat | grep -q '^MATLAB 5.0 MAT-file, written by tpipe' || fail "header text"
}

@test "mat: a file cut at every byte delivers the variables before the cut, then one line" {
	local f
	for f in small-v4 small-v5 small-v5z hand-v5-be; do
		"$PY" "$TPIPE_TOP/test/mat_cut.py" "$MAT/$f.mat" "$MAT/$f.npy" \
		    "$TPIPE_BIN/tcat" || fail "$f from a pipe"
		"$PY" "$TPIPE_TOP/test/mat_cut.py" --file --step 5 "$MAT/$f.mat" \
		    "$MAT/$f.npy" "$TPIPE_BIN/tcat" || fail "$f as a file"
	done
	# v7.3 is read whole: a cut one is refused as record 0
	"$PY" "$TPIPE_TOP/test/mat_cut.py" --step 7 "$MAT/h5py-small.mat" \
	    "$MAT/h5py-small.npy" "$TPIPE_BIN/tcat" || fail "v7.3"
}

@test "mat: corrupt header bytes give one line and whole records, never a crash" {
	local f
	for f in small-v4 small-v5 small-v5z h5py-small; do
		"$PY" "$TPIPE_TOP/test/mat_cut.py" --flip "$MAT/$f.mat" "$MAT/$f.npy" \
		    "$TPIPE_BIN/tcat" || fail "$f"
	done
}

@test "mat: corrupt files of each kind name what is wrong" {
	local v5=$MAT/small-v5.mat
	{ head -c 124 "$v5"; printf '\001\000MI'; tail -c +129 "$v5"; } > be.mat
	{ head -c 128 "$v5"; printf '\007'; tail -c +130 "$v5"; } > type.mat
	{ head -c 144 "$v5"; printf '\143'; tail -c +146 "$v5"; } > class.mat
	{ head -c 160 "$v5"; printf '\377\377\377\177'; tail -c +165 "$v5"; } > dims.mat
	{ head -c 152 "$v5"; printf '\005\000\000\000\004\001\000\000'; tail -c +161 "$v5"; } > rank.mat
	row fails 1 "record 0: byte 128: an element of type 7 is not a variable" \
	    "$PWD/type.mat" tcat
	row fails 1 "record 0: byte 128: bad MAT v5 variable header: unknown class 99" \
	    "$PWD/class.mat" tcat
	row fails 1 "record 0: byte 128: variable 'a' claims more elements than its 104 bytes hold" \
	    "$PWD/dims.mat" tcat
	row fails 1 "record 0: byte 128: bad MAT v5 variable header: bad dimensions" \
	    "$PWD/rank.mat" tcat
	py "import struct
body = struct.pack('<6I', 6, 8, 6, 0, 5, 4 * 65) + struct.pack('<65i', *[1] * 65)
body += b'\\0' * 4 + struct.pack('<I', 1 << 16 | 1) + b'x\\0\\0\\0'
body += struct.pack('<II', 9, 8) + struct.pack('<d', 1.0)
with open('dims65.mat', 'wb') as f:
    f.write(b'MATLAB 5.0 MAT-file'.ljust(116) + b'\\0' * 8 + b'\\0\\1IM')
    f.write(struct.pack('<II', 14, len(body)) + body)"
	row fails 1 "record 0: byte 128: bad MAT v5 variable header: 65 dimensions, more than tpipe's 64" \
	    "$PWD/dims65.mat" tcat
	row fails 1 "record 0: byte 128: an element of type 234881024 is not a variable" \
	    "$PWD/be.mat" tcat
	rows_ok
}
