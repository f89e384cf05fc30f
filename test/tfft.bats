#!/usr/bin/env bats
# tfft: random property tests against numpy.fft and scipy.fft
# (test/tfft_prop.py: shapes with 1, primes, even and odd lengths, axes,
# -s, norms, dtypes, windows, shifts, views), round trips, --freq,
# streams of records (plans reused), NaN, integers, bad input.
# TFFT_TEST_BY_AXIS=1, read only by cmd/tfft.c, runs every transform
# axis by axis with lines gathered (lib/fft_axes.c), which tfft chooses
# by itself only for records of more than 8 MiB; =0 never.  TFFT_TEST_STREAM=1
# writes fftn's spectrum of a real record with the non-temporal stores
# tfft takes for one that outgrows the cache, whatever its size.

load helpers
bats_require_minimum_version 1.5.0

@test "tfft: 400 random cases (every transform, type, norm, axes, -s, dtype, window, shift, view) equal numpy.fft and scipy.fft" {
	run "$PY" "$TPIPE_TOP/test/tfft_prop.py" 22 400
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "$(share 400) of $(share 400) random cases agree"* ]]
}

@test "tfft: 150 random cases on large shapes (20,000 to 400,000 points, -j 1 to 3, the threaded passes on many items) equal numpy.fft and scipy.fft" {
	run "$PY" "$TPIPE_TOP/test/tfft_prop.py" 7 150 big
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "$(share 150) of $(share 150) random cases agree"* ]]
}

@test "tfft: 400 + 150 random cases axis by axis, lines gathered (TFFT_TEST_BY_AXIS=1), and 150 on FFTW's plan of the whole (=0), equal numpy.fft and scipy.fft" {
	run env TFFT_TEST_BY_AXIS=1 "$PY" "$TPIPE_TOP/test/tfft_prop.py" 23 400
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "$(share 400) of $(share 400) random cases agree"* ]]
	run env TFFT_TEST_BY_AXIS=1 "$PY" "$TPIPE_TOP/test/tfft_prop.py" 24 150 big
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "$(share 150) of $(share 150) random cases agree"* ]]
	run env TFFT_TEST_BY_AXIS=0 "$PY" "$TPIPE_TOP/test/tfft_prop.py" 25 150 big
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == "$(share 150) of $(share 150) random cases agree"* ]]
}

@test "tfft: a large record whose lines lie 16 KiB apart goes axis by axis (--verbose says so), others on FFTW's plan; both equal numpy" {
	py "
rng = np.random.default_rng(9)
np.save('c.npy', rng.standard_normal((1024, 1024)) + 1j * rng.standard_normal((1024, 1024)))
np.save('r.npy', rng.standard_normal((1024, 1024)))
np.save('v.npy', rng.standard_normal((16, 64, 4096)).astype(np.float32))
"
	tfft --verbose c.npy > c.out 2> err
	grep -q '^tfft: record 0: fftn 1024x1024 (axes 0..1), f64, norm backward, new plan, axis by axis;' err
	tfft --verbose --transform ifft --axes 0 -j 1 c.npy > c0.out 2> err
	grep -q '^tfft: record 0: ifft 1024 (axis 0), .*, axis by axis;' err
	tfft --verbose --transform rfftn r.npy > r.out 2> err
	grep -q '^tfft: record 0: rfftn 1024x1024 (axes 0..1), f64, norm backward, new plan;' err
	tfft --verbose --transform rfftn r.npy | tfft --transform irfftn -s 1024,1024 > rr.out
	tfft --verbose --transform dctn --last 2 --norm ortho v.npy > v.out 2> err
	grep -q 'axis by axis' err
	tfft --transform fftn --axes 0,2 -j 3 v.npy > vf.out
	py "
import scipy.fft as sf
c, r, v = np.load('c.npy'), np.load('r.npy'), np.load('v.npy')
for got, want, tol in (('c.out', np.fft.fftn(c), 1e-12),
                       ('c0.out', np.fft.ifft(c, axis=0), 1e-12),
                       ('r.out', np.fft.rfftn(r), 1e-12),
                       ('rr.out', r, 1e-12),
                       ('v.out', sf.dctn(v.astype(np.float64), axes=(1, 2), norm='ortho'), 1e-5),
                       ('vf.out', np.fft.fftn(v.astype(np.float64), axes=(0, 2)), 1e-5)):
    g = np.load(got)
    assert g.shape == want.shape, got
    assert np.abs(g - want).max() <= tol * np.abs(want).max(), got
"
}

@test "tfft: a record from a file is transformed piece by piece as it is read (--verbose says so), byte for byte as when read whole, and equals numpy; not from a pipe, with -j 1, a window or along the first axis" {
	py "
rng = np.random.default_rng(41)
np.save('c.npy', rng.standard_normal((1024, 1024)) + 1j * rng.standard_normal((1024, 1024)))
np.save('f.npy', (rng.standard_normal((64, 32, 64)) + 1j * rng.standard_normal((64, 32, 64))).astype(np.complex64))
np.save('r.npy', rng.standard_normal((300, 512)))
np.save('i.npy', rng.integers(-9, 9, (257, 512)).astype(np.int16))
np.save('g.npy', rng.standard_normal((40, 16, 128)) + 1j * rng.standard_normal((40, 16, 128)))
np.save('h.npy', rng.standard_normal((30, 10, 512)))
"
	# three records in one file: complex64, complex128, and real (by
	# r2c and symmetry, read whole)
	cat f.npy g.npy h.npy > s.npy
	tfft --verbose --transform fft c.npy > c1.out 2> err
	grep -q '^tfft: record 0: fft 1024 (axis 1), in 64 pieces as read' err
	tfft --verbose --axes 1,2 --transform ifftn s.npy > s1.out 2> err
	grep -q '^tfft: record 0: ifftn 32x64 (axes 1..2), in [0-9]* pieces as read' err
	grep -q '^tfft: record 1: ifftn 16x128 (axes 1..2), in [0-9]* pieces as read' err
	grep '^tfft: record 2: ifftn 10x512' err | grep -vq pieces
	tfft --verbose --transform dct --type 3 --norm forward r.npy > r1.out 2> err
	grep -q '^tfft: record 0: dct 512 (axis 1), type 3, in [0-9]* pieces as read' err
	tfft --verbose --transform dst --type 4 i.npy > i1.out 2> err
	grep -q '^tfft: record 0: dst 512 (axis 1), type 4, in [0-9]* pieces as read' err
	export TFFT_TEST_PIECES=0
	tfft --verbose --transform fft c.npy > c0.out 2> err
	[ "$(grep -c pieces err)" = 0 ]
	tfft --axes 1,2 --transform ifftn s.npy > s0.out
	tfft --transform dct --type 3 --norm forward r.npy > r0.out
	tfft --transform dst --type 4 i.npy > i0.out
	unset TFFT_TEST_PIECES
	cmp c1.out c0.out
	cmp s1.out s0.out
	cmp r1.out r0.out
	cmp i1.out i0.out
	# read whole: from a pipe (its size unknown), on one thread, with
	# a window to apply first, along the first axis
	cat c.npy | tfft --verbose --transform fft > cp.out 2> err
	[ "$(grep -c pieces err)" = 0 ]
	tfft --verbose --transform fft -j 1 c.npy > cj.out 2> err
	[ "$(grep -c pieces err)" = 0 ]
	tfft --verbose --transform fft --window hann c.npy > cw.out 2> err
	[ "$(grep -c pieces err)" = 0 ]
	tfft --verbose --transform fft --axes 0 c.npy > ca.out 2> err
	[ "$(grep -c pieces err)" = 0 ]
	py "
import sys
sys.path.insert(0, '$TPIPE_TOP/test')
import scipy.fft as sf, scipy.signal as ss
from npystream import records
c, f, g, h, r, i = (np.load(n + '.npy') for n in 'cfghri')
assert len(records('s1.out')) == 3
for got, want, tol in (('c1.out', np.fft.fft(c), 1e-12),
                       ('cp.out', np.fft.fft(c), 1e-12),
                       ('cj.out', np.fft.fft(c), 1e-12),
                       ('cw.out', np.fft.fft(c * ss.get_window('hann', 1024)), 1e-12),
                       ('ca.out', np.fft.fft(c, axis=0), 1e-12),
                       (records('s1.out')[0], np.fft.ifftn(f.astype(np.complex128), axes=(1, 2)), 1e-5),
                       (records('s1.out')[1], np.fft.ifftn(g, axes=(1, 2)), 1e-12),
                       (records('s1.out')[2], np.fft.ifftn(h, axes=(1, 2)), 1e-12),
                       ('r1.out', sf.dct(r, type=3, norm='forward'), 1e-12),
                       ('i1.out', sf.dst(i.astype(np.float64), type=4), 1e-12)):
    g = np.load(got) if isinstance(got, str) else got
    assert g.shape == want.shape, (g.shape, want.shape)
    assert np.abs(want).max() > 0
    assert np.abs(g - want).max() <= tol * np.abs(want).max(), tol
"
}

@test "tfft: a batch of 65536 points or more is cut among the threads, a one-thread plan a chunk (a shorter last chunk by its own): complex, r2c, c2r, r2r, f32 off alignment, equal numpy and scipy" {
	py "
rng = np.random.default_rng(31)
np.save('c.npy', rng.standard_normal((7, 1024, 10)) + 1j * rng.standard_normal((7, 1024, 10)))
np.save('r.npy', rng.standard_normal((5, 16384)))
np.save('h.npy', rng.standard_normal((5, 8193)) + 1j * rng.standard_normal((5, 8193)))
np.save('s.npy', rng.standard_normal((9, 8191)).astype(np.float32))
np.save('d.npy', rng.standard_normal((6, 20000)))
"
	tfft --transform fft --axes 1 -j 3 c.npy > c.out
	tfft --transform rfft -j 2 r.npy > r.out
	tfft --transform irfft -j 2 h.npy > h.out
	tfft --transform rfft -j 2 s.npy > s.out
	tfft --transform dct --norm ortho -j 2 d.npy > d.out
	tfft --transform fft -j 1 c.npy > c1.out
	py "
import scipy.fft
for name, want, tol in (
        ('c', lambda x: np.fft.fft(x, axis=1), 1e-12),
        ('r', lambda x: np.fft.rfft(x), 1e-12),
        ('h', lambda x: np.fft.irfft(x), 1e-12),
        ('s', lambda x: np.fft.rfft(x.astype(np.float64)), 1e-5),
        ('d', lambda x: scipy.fft.dct(x, norm='ortho'), 1e-12),
        ('c1', lambda x: np.fft.fft(x), 1e-12)):
    x = np.load(name[0] + '.npy')
    g, w = np.load(name + '.out'), want(x)
    assert g.shape == w.shape, name
    assert np.abs(g - w).max() <= tol * max(np.abs(w).max(), 1), name
"
}

@test "tfft: fftn and ifftn of a real record run r2c and fill the other half by symmetry (--verbose says so); the result is numpy's complex transform" {
	py "
rng = np.random.default_rng(8)
np.save('x.npy', rng.standard_normal((5, 8, 3)))
np.save('odd.npy', rng.standard_normal((7, 9)).astype(np.float32))
np.save('u.npy', rng.integers(0, 255, (6, 10)).astype(np.uint8))
"
	tfft --verbose --axes 0,1 x.npy > x01.npy 2> err
	cat err
	grep -q '^tfft: record 0: fftn 5x8 (axes 0..1), f64, real input by r2c and symmetry, norm backward, new plan' err
	tfft --verbose --transform ifftn --axes 0,2 --norm ortho x.npy > xi02.npy 2> err
	grep -q '^tfft: record 0: ifftn 5x3 (axes 0,2), f64, real input by r2c and symmetry, norm ortho' err
	tfft --shift odd.npy > odd.npy.out
	tfft --transform ifft --norm forward -j 1 u.npy > u.npy.out 2> /dev/null
	py "
x, odd, u = np.load('x.npy'), np.load('odd.npy'), np.load('u.npy')
for got, want, tol in (
        ('x01.npy', np.fft.fftn(x, axes=(0, 1)), 1e-12),
        ('xi02.npy', np.fft.ifftn(x, axes=(0, 2), norm='ortho'), 1e-12),
        ('odd.npy.out', np.fft.fftshift(np.fft.fftn(odd.astype(np.float64))), 1e-5),
        ('u.npy.out', np.fft.ifft(u, norm='forward'), 1e-12)):
    g = np.load(got)
    assert g.shape == want.shape and g.dtype.kind == 'c', got
    assert np.abs(g - want).max() <= tol * np.abs(want).max(), got
"
}

@test "tfft: fftn of a real record with the last axis transformed halves the first and writes the other half from the last pass: numpy's spectrum for even, odd and 1-long axes, axes skipped before and between, f32, norms, ifftn, --shift, rows in several blocks, in place or through the buffer, with non-temporal stores or not" {
	py "
rng = np.random.default_rng(12)
for name, shape, dt in (('a', (6, 8), np.float64), ('b', (7, 9), np.float32),
                        ('c', (1, 8), np.float64), ('d', (2, 5), np.float64),
                        ('e', (5, 4, 6), np.float64), ('f', (6, 3, 5), np.float64),
                        ('g', (3, 5, 4), np.float32), ('h', (2, 3, 4, 5), np.float64),
                        ('i', (129, 1000), np.float64), ('k', (9, 1), np.float64),
                        ('l', (20, 2731), np.float32)):
    np.save(name + '.npy', rng.standard_normal(shape).astype(dt))
"
	# each twice: as tfft chooses, then with the non-temporal stores of a
	# record that outgrows the cache (TFFT_TEST_STREAM=1)
	for st in 0 1; do
		export TFFT_TEST_STREAM=$st
		tfft a.npy > a$st.out
		tfft b.npy > b$st.out
		tfft c.npy > c$st.out
		tfft --norm ortho d.npy > d$st.out
		tfft --transform ifftn e.npy > e$st.out
		tfft --axes 0,2 --norm forward f.npy > f$st.out
		tfft --axes 1,2 --shift g.npy > g$st.out
		tfft --axes 1,3 -j 3 h.npy > h$st.out
		tfft --transform ifftn --norm ortho -j 2 i.npy > i$st.out
		tfft k.npy > k$st.out
		# rows of 2731 complex64 in blocks of 5: the first block transformed
		# where it lies, the second (8 bytes off FFTW's alignment) and the
		# last (short) through the buffer
		tfft l.npy > l$st.out
	done
	unset TFFT_TEST_STREAM
	py "
for name, want, tol in (
        ('a', lambda x: np.fft.fftn(x), 1e-12),
        ('b', lambda x: np.fft.fftn(x.astype(np.float64)), 1e-5),
        ('c', lambda x: np.fft.fftn(x), 1e-12),
        ('d', lambda x: np.fft.fftn(x, norm='ortho'), 1e-12),
        ('e', lambda x: np.fft.ifftn(x), 1e-12),
        ('f', lambda x: np.fft.fftn(x, axes=(0, 2), norm='forward'), 1e-12),
        ('g', lambda x: np.fft.fftshift(np.fft.fftn(x.astype(np.float64), axes=(1, 2)), axes=(1, 2)), 1e-5),
        ('h', lambda x: np.fft.fftn(x, axes=(1, 3)), 1e-12),
        ('i', lambda x: np.fft.ifftn(x, norm='ortho'), 1e-12),
        ('k', lambda x: np.fft.fftn(x), 1e-12),
        ('l', lambda x: np.fft.fftn(x.astype(np.float64)), 1e-5)):
    x = np.load(name + '.npy')
    w = want(x)
    for st in '01':
        g = np.load(name + st + '.out')
        assert g.shape == w.shape and g.dtype.kind == 'c', (name, st)
        assert g.dtype == (np.complex64 if x.dtype == np.float32 else np.complex128), (name, st)
        assert np.abs(g - w).max() <= tol * max(np.abs(w).max(), 1), (name, st)
"
}

@test "tfft: fftn of a real record gathers the halved axis's lines in pairs where the last axis is even (never across its rows): numpy's spectrum for even and odd halved axes, short last blocks, f32, axes skipped before and between, -j 1 to 3, non-temporal stores, ifftn; a NaN spoils only what numpy's does" {
	py "
rng = np.random.default_rng(21)
for name, shape, dt in (('a', (9, 3, 70), np.float64), ('b', (10, 3, 70), np.float32),
                        ('c', (4, 7, 130), np.float64), ('d', (33, 2), np.float64),
                        ('e', (5, 300, 8), np.float32), ('f', (6, 4, 8), np.float64),
                        ('g', (2, 1024, 96), np.float64), ('h', (6, 4, 7), np.float64)):
    np.save(name + '.npy', rng.standard_normal(shape).astype(dt))
for name, at in (('f', (2, 1, 5)), ('h', (2, 2, 6))):
    x = np.load(name + '.npy')
    x[at] = np.nan
    np.save(name + '.npy', x)
"
	# -j 1 to 3; 4 and 5: -j 2 and 1 with the non-temporal stores a
	# record that outgrows the cache takes, whatever the size
	for j in 1 2 3 4 5; do
		t=$(( j < 4 ? j : 6 - j )) st=$(( j < 4 ? 0 : 1 ))
		export TFFT_TEST_STREAM=$st
		tfft -j $t a.npy > a$j.out
		tfft -j $t b.npy > b$j.out
		tfft -j $t --axes 0,2 c.npy > c$j.out
		tfft -j $t d.npy > d$j.out
		tfft -j $t --axes 1,2 --transform ifftn e.npy > e$j.out
		tfft -j $t --axes 0,2 f.npy > f$j.out
		tfft -j $t --axes 1,2 --norm ortho g.npy > g$j.out
		tfft -j $t --axes 0,2 h.npy > h$j.out
	done
	unset TFFT_TEST_STREAM
	py "
for name, want, tol in (
        ('a', lambda x: np.fft.fftn(x), 1e-12),
        ('b', lambda x: np.fft.fftn(x.astype(np.float64)), 1e-5),
        ('c', lambda x: np.fft.fftn(x, axes=(0, 2)), 1e-12),
        ('d', lambda x: np.fft.fftn(x), 1e-12),
        ('e', lambda x: np.fft.ifftn(x.astype(np.float64), axes=(1, 2)), 1e-5),
        ('f', lambda x: np.fft.fftn(x, axes=(0, 2)), 1e-12),
        ('g', lambda x: np.fft.fftn(x, axes=(1, 2), norm='ortho'), 1e-12),
        ('h', lambda x: np.fft.fftn(x, axes=(0, 2)), 1e-12)):
    x = np.load(name + '.npy')
    w = want(x)
    bad = np.isnan(w.real) | np.isnan(w.imag)
    assert (name in 'fh') == bad.any(), name
    for j in (1, 2, 3, 4, 5):
        g = np.load('%s%d.out' % (name, j))
        assert g.shape == w.shape, (name, j)
        assert g.dtype == (np.complex64 if x.dtype == np.float32 else np.complex128), (name, j)
        assert np.array_equal(np.isnan(g.real) | np.isnan(g.imag), bad), (name, j)
        assert np.abs(g[~bad] - w[~bad]).max() <= tol * np.abs(w[~bad]).max(), (name, j)
"
}

@test "tfft: round trips: ifftn(fftn), irfftn(rfftn) with -s, idctn(dctn) and idstn(dstn) of every type and norm give x back" {
	py "
rng = np.random.default_rng(3)
np.save('x.npy', rng.standard_normal((6, 9, 5)))
np.save('c.npy', rng.standard_normal((7, 4)) + 1j * rng.standard_normal((7, 4)))
np.save('f.npy', rng.standard_normal((5, 8)).astype(np.float32))
"
	: > pairs
	for norm in backward ortho forward; do
		tfft --norm $norm c.npy | tfft --transform ifftn --norm $norm > c-$norm.npy
		echo "c-$norm c-$norm.npy c.npy" >> pairs
		tfft --transform rfftn --norm $norm x.npy |
			tfft --transform irfftn -s 6,9,5 --norm $norm > x-r-$norm.npy
		echo "x-r-$norm x-r-$norm.npy x.npy" >> pairs
		for t in 1 2 3 4; do
			for k in dct dst; do
				tfft --transform ${k}n --type $t --norm $norm x.npy |
					tfft --transform i${k}n --type $t --norm $norm > x-$k$t-$norm.npy
				echo "x-$k$t-$norm x-$k$t-$norm.npy x.npy" >> pairs
			done
		done
	done
	tfft --transform rfft f.npy | tfft --transform irfft -s 8 > f-r.npy
	while read -r c got exp; do
		run "$PY" "$TPIPE_TOP/test/npycmp.py" "$got" "$exp" 1e-12
		[ "$status" -eq 0 ] || fail "$c: $output"
	done < pairs
	run "$PY" "$TPIPE_TOP/test/npycmp.py" f-r.npy f.npy 1e-5
	[ "$status" -eq 0 ] || fail "float32 rfft/irfft: $output"
}

@test "tfft: --freq equals numpy.fft.fftfreq and rfftfreq (even, odd, 1, --spacing, --shift, -t f32)" {
	for n in 1 2 7 8; do
		tfft --freq $n > f$n.npy
		tfft --freq $n --spacing 0.25 > fd$n.npy
		tfft --freq $n --transform rfft --spacing 0.5 > r$n.npy
		tfft --freq $n --shift > s$n.npy
	done
	tfft --freq 9 -t f32 > h9.npy
	py "
ok = True
for n in (1, 2, 7, 8):
    for f, want in (('f', np.fft.fftfreq(n)), ('fd', np.fft.fftfreq(n, 0.25)),
                    ('r', np.fft.rfftfreq(n, 0.5)),
                    ('s', np.fft.fftshift(np.fft.fftfreq(n)))):
        got = np.load(f'{f}{n}.npy')
        if got.dtype != np.float64 or not np.array_equal(got, want):
            print(f, n, got, want); ok = False
h = np.load('h9.npy')
ok &= h.dtype == np.float32 and np.array_equal(h, np.fft.fftfreq(9).astype(np.float32))
sys.exit(0 if ok else 1)"
}

@test "tfft: --freq n --shift names each point of a shifted spectrum: a cosine of frequency f0 peaks at -f0 and f0, for even and odd n and a spacing" {
	for n in 16 15; do
		py "
d = 0.5
t = np.arange($n) * d
np.save('cos$n.npy', np.cos(2 * np.pi * (3 / ($n * d)) * t))
"
		tfft --shift --out abs cos$n.npy > spec$n.npy
		tfft --freq $n --spacing 0.5 --shift > f$n.npy
		tfft --transform rfft --out abs cos$n.npy > rspec$n.npy
		tfft --freq $n --spacing 0.5 --transform rfftn > rf$n.npy
		py "
s, f = np.load('spec$n.npy'), np.load('f$n.npy')
assert np.array_equal(f, np.fft.fftshift(np.fft.fftfreq($n, 0.5)))
peaks = sorted(f[np.argsort(s)[-2:]])
assert np.allclose(peaks, [-3 / ($n * 0.5), 3 / ($n * 0.5)]), peaks
rs, rf = np.load('rspec$n.npy'), np.load('rf$n.npy')
assert np.array_equal(rf, np.fft.rfftfreq($n, 0.5)) and rs.shape == rf.shape
assert np.isclose(rf[np.argmax(rs)], 3 / ($n * 0.5))
"
	done
}

@test "tfft: --freq takes --spacing, --transform fft or rfft, --shift, -t and the output options; a transform's options are usage errors" {
	for a in "--norm ortho" "-s 8" "--ishift" "--axes 0" "--last 1" \
	    "--out abs" "--window hann" "--plan measure" "--verbose"; do
		# shellcheck disable=SC2086 # $a is a word list on purpose
		row fails --usage 2 "^tfft: --freq transforms nothing: ${a%% *} is for transforms \(--freq takes --spacing, --transform fft or rfft, --shift\)$" /dev/null tfft --freq 8 $a
	done
	row fails --usage 2 "^tfft: --shift with --freq and rfft: rfftfreq is never shifted" /dev/null tfft --freq 8 --transform rfft --shift
	row fails --usage 2 "^tfft: --freq gives fftfreq .* not the frequencies of another transform$" /dev/null tfft --freq 8 --transform ifft
	row fails --usage 2 "^tfft: --freq transforms nothing: --type is for transforms" /dev/null tfft --freq 8 --transform dct --type 2
	rows_ok
	tfft --freq 7 --transform fftn --shift -t f32 -j 3 -o s7.npy
	py "
s = np.load('s7.npy')
assert s.dtype == np.float32 and np.array_equal(s, np.fft.fftshift(np.fft.fftfreq(7)).astype(np.float32))
"
}

@test "tfft: a stream of records of two shapes: each equals numpy, plans are made once per shape and reused" {
	py "
import io
rng = np.random.default_rng(4)
recs = [rng.standard_normal(s) for s in ((8, 6), (8, 6), (5, 7), (8, 6))]
with open('in.npy', 'wb') as f:
    for r in recs:
        np.save(f, r)
with open('exp.npy', 'wb') as f:
    for r in recs:
        np.save(f, np.fft.rfftn(r, norm='ortho'))
"
	tfft --transform rfftn --norm ortho --verbose in.npy > out.npy 2> err
	cat err
	run npy_close out.npy exp.npy 1e-12
	[ "$status" -eq 0 ] || fail "$output"
	grep -c 'new plan' err | grep -qx 2
	grep -c 'plan reused' err | grep -qx 2
	grep -q '^tfft: record 3: rfftn 8x6 (axes 0..1), f64, norm ortho, plan reused' err
}

@test "tfft: plans made on a second thread while a record is read: a stream of shapes, precisions and kinds (split batches, even and uneven, r2c with the half filled or written by the last pass) each equals numpy, on 1 to 3 threads" {
	py "
rng = np.random.default_rng(12)
def c(s, t=np.complex128):
    return (rng.standard_normal(s) + 1j * rng.standard_normal(s)).astype(t)
recs = [c((1024, 64)), c((1001, 128)), c((1024, 64), np.complex64),
        rng.standard_normal((1024, 64)), c((1024, 64)), c((3, 5, 63)),
        rng.standard_normal((9, 1024, 7)).astype(np.float32), c((1001, 128))]
with open('in.npy', 'wb') as f:
    for r in recs:
        np.save(f, r)
with open('in2.npy', 'wb') as f:
    for r in recs[3:5] + [rng.standard_normal((7, 1025, 2)),
                          rng.standard_normal((64, 1023))] + recs[:1]:
        np.save(f, r)
"
	for j in 1 2 3; do
		tfft --transform fft -j $j --verbose in.npy > fft$j.npy 2> err$j
		tfft --transform fftn --axes 0,1 --norm ortho -j $j in2.npy > fftn$j.npy
	done
	cat err2
	[ "$(grep -c 'new plan' err2)" -eq 6 ]
	[ "$(grep -c 'plan reused' err2)" -eq 2 ]
	py "
import sys
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
x, x2 = records('in.npy'), records('in2.npy')
for j in (1, 2, 3):
    for name, src, f in (('fft', x, lambda a: np.fft.fft(a)),
            ('fftn', x2, lambda a: np.fft.fftn(a, axes=(0, 1), norm='ortho'))):
        got = records('%s%d.npy' % (name, j))
        assert len(got) == len(src), (name, j, len(got))
        for k, (g, a) in enumerate(zip(got, src)):
            w = f(a.astype(np.complex128))
            single = a.dtype in (np.float32, np.complex64)
            assert g.shape == w.shape and g.dtype == (np.complex64 if single else np.complex128), (name, j, k, g.shape, g.dtype)
            tol = 1e-5 if single else 1e-12
            assert np.abs(g - w).max() <= tol * np.abs(w).max(), (name, j, k)
"
}

@test "tfft: a record truncated while its plan is made on the second thread: the complete records, then one message (split batch, r2c written by the last pass); a header claiming terabytes from a pipe fails on the truncation" {
	make_broken 2048,64 1
	py "
import sys
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
r = records('complete.npy') + records('last.npy')
with open('complete.npy', 'wb') as f:
    np.save(f, r[0] + 1j * r[0])
with open('last.npy', 'wb') as f:
    np.save(f, r[1] + 1j * r[1])
b = open('complete.npy', 'rb').read() + open('last.npy', 'rb').read()
open('in.npy', 'wb').write(b[:len(b) - 2048 * 64 * 8 - 3])
"
	tfft --transform fft < complete.npy > whole.npy
	tfft --transform fft < last.npy > broken.npy
	complete_then_error tfft --transform fft
	make_broken 512,512 2
	tfft --transform fftn < complete.npy > whole.npy
	tfft --transform fftn < last.npy > broken.npy
	complete_then_error tfft --transform fftn
	py "
import numpy.lib.format as fmt
with open('huge.npy', 'wb') as f:
    fmt.write_array_header_1_0(f, {'descr': '<f8', 'fortran_order': False,
                                   'shape': (1 << 20, 1 << 20)})
    f.write(bytes(4096))
"
	run --separate-stderr bash -c 'cat huge.npy | tfft --transform fft > out.npy'
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == *'truncated'* ]] || fail "$stderr"
	[ ! -s out.npy ]
}

@test "tfft: float32 and complex64 are transformed in single precision; integers in float64, said on stderr once" {
	py "
np.save('f.npy', np.arange(12, dtype=np.float32).reshape(3, 4))
np.save('c.npy', (np.arange(6) + 1j).astype(np.complex64))
np.save('u.npy', np.arange(10, dtype=np.uint8))
"
	run --separate-stderr tfft f.npy
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	tfft f.npy > fo.npy
	tfft --transform dctn c.npy > co.npy
	run --separate-stderr tfft u.npy -o uo.npy
	[ "$status" -eq 0 ]
	[ "$stderr" = "tfft: u.npy: record 0 is uint8: transformed in float64, as numpy.fft does (-t f32 or -t f64 chooses)" ]
	run --separate-stderr tfft -t f64 u.npy -o uo2.npy
	[ -z "$stderr" ]
	py "
import scipy.fft as sf
a, b, c = np.load('fo.npy'), np.load('co.npy'), np.load('uo.npy')
assert a.dtype == np.complex64, a.dtype
assert np.abs(a - np.fft.fftn(np.arange(12.).reshape(3, 4))).max() < 1e-5 * 66
assert b.dtype == np.complex64, b.dtype
want = sf.dctn(np.load('c.npy').astype(np.complex128))
assert np.abs(b - want).max() < 1e-5 * np.abs(want).max()
assert c.dtype == np.complex128 and np.array_equal(c, np.load('uo2.npy'))
assert np.abs(c - np.fft.fft(np.arange(10))).max() < 1e-12 * 45
"
}

@test "tfft: NaN spreads to the outputs numpy.fft spoils and no other; an empty batch gives an empty spectrum" {
	py "
x = np.random.default_rng(1).standard_normal((3, 8, 6))
x[1, 2, 3] = np.nan
np.save('x.npy', x)
np.save('e.npy', np.zeros((0, 8)))
np.save('eexp.npy', np.fft.fft(np.zeros((0, 8))))
"
	tfft --transform fft x.npy > out.npy
	tfft --transform rfftn --axes 1,2 x.npy > outr.npy
	py "
x = np.load('x.npy')
for f, want in (('out.npy', np.fft.fft(x)), ('outr.npy', np.fft.rfftn(x, axes=(1, 2)))):
    got = np.load(f)
    bad = np.isnan(got.real) | np.isnan(got.imag)
    assert np.array_equal(bad, np.isnan(want.real) | np.isnan(want.imag)), f
    assert bad.any() and np.abs(got[~bad] - want[~bad]).max() < 1e-12 * np.abs(want[~bad]).max(), f
"
	tfft --transform fft e.npy > eout.npy
	run npy_close eout.npy eexp.npy
	[ "$status" -eq 0 ] || fail "$output"
}

@test "tfft: the views of one spectrum: abs^2 is power, logpower is log10(1 + power), phase is the angle" {
	py "np.save('x.npy', np.random.default_rng(2).standard_normal((16, 16)))"
	for v in complex real imag abs power logpower phase; do
		tfft --window hann --shift --out $v x.npy > $v.npy
	done
	py "
import scipy.signal as ss
x = np.load('x.npy')
w = ss.get_window('hann', 16)
X = np.fft.fftshift(np.fft.fftn(x * w[:, None] * w[None, :]))
for v, want in (('complex', X), ('real', X.real), ('imag', X.imag),
                ('abs', np.abs(X)), ('power', np.abs(X) ** 2),
                ('logpower', np.log10(1 + np.abs(X) ** 2)),
                ('phase', np.angle(X))):
    got = np.load(v + '.npy')
    assert got.dtype == want.dtype, (v, got.dtype)
    assert np.abs(got - want).max() <= 1e-12 * max(1, np.abs(want).max()), v
"
}

@test "tfft: bad options are usage errors (exit 2, one message, nothing written)" {
	row fails --usage 2 "-s must be in \\[1, .*not '0'" /dev/null tfft -s 0
	row fails --usage 2 "^tfft: --transform 'fftx' is not one of fftn, ifftn, " /dev/null tfft --transform fftx
	row fails --usage 2 "^tfft: --norm 'none' is not one of backward, ortho, forward$" /dev/null tfft --norm none
	row fails --usage 2 "^tfft: --out 'mag' is not one of complex, real, imag, abs, power, logpower, phase$" /dev/null tfft --out mag
	row fails --usage 2 "^tfft: --window entry 'hanning' is not one of hann, hamming, blackman, tukey, kaiser$" /dev/null tfft --window hanning
	row fails --usage 2 "kaiser .* needs its parameter" /dev/null tfft --window kaiser
	row fails --usage 2 "hann .* takes no parameter" /dev/null tfft --window hann:2
	row fails --usage 2 "--type is for dctn" /dev/null tfft --type 2
	row fails --usage 2 "^tfft: --type '5' is not one of 1, 2, 3, 4$" /dev/null tfft --transform dctn --type 5
	row fails --usage 2 "--last and --axes" /dev/null tfft --last 1 --axes 0
	row fails --usage 2 "-s has 2 lengths for 1 axes" /dev/null tfft --axes 0 -s 4,4
	row fails --usage 2 "axis 1 is in --axes twice" /dev/null tfft --axes 1,1
	row fails --usage 2 "--window has 2 windows for 1 axes" /dev/null tfft --last 1 --window hann,hann
	row fails --usage 2 "--spacing is for --freq" /dev/null tfft --spacing 2
	row fails --usage 2 "--freq .* reads no input" /dev/null tfft --freq 8 x.npy
	row fails --usage 2 "--freq must be in \\[1, .*not '0'" /dev/null tfft --freq 0
	row fails --usage 2 "^tfft: --plan 'fast' is not one of estimate, measure, patient$" /dev/null tfft --plan fast
	row fails --usage 2 "--axes .1,,2.: entry 2 is empty" /dev/null tfft --axes 1,,2
	rows_ok
}

@test "tfft: records it cannot transform fail with one line naming the record (exit 1, nothing on stdout)" {
	py "
np.save('$BATS_TEST_TMPDIR/v.npy', np.zeros(5))
np.save('$BATS_TEST_TMPDIR/one.npy', np.zeros((4, 1), complex))
np.save('$BATS_TEST_TMPDIR/c.npy', np.zeros(4, complex))
np.save('$BATS_TEST_TMPDIR/s.npy', np.float64(1))
np.save('$BATS_TEST_TMPDIR/z.npy', np.zeros((3, 0)))
np.save('$BATS_TEST_TMPDIR/d1.npy', np.zeros((4, 1)))
"
	local d=$BATS_TEST_TMPDIR
	row fails 1 "record 0, shape \(5,\): axis 1 is outside a record of 1 axes" "$d/v.npy" tfft --axes 1
	row fails 1 "record 0, shape \(5,\): 2 axes to transform \(--last\) but the record has 1" "$d/v.npy" tfft --last 2
	row fails 1 "irfftn's output length on axis 1 would be 2\*\(1-1\), not positive: give it with -s" "$d/one.npy" tfft --transform irfftn
	row fails 1 "rfftn transforms real data, not complex128" "$d/c.npy" tfft --transform rfftn
	row fails 1 "a scalar has no axis to transform" "$d/s.npy" tfft
	row fails 1 "axis 1 has length 0" "$d/z.npy" tfft
	row fails 1 "axis 1 has 1 point: dct type 1 needs at least 2" "$d/d1.npy" tfft --transform dctn --type 1
	row fails 1 "rfftn halves the last axis of --axes, which must be the highest" "$d/one.npy" tfft --transform irfftn --axes 1,0
	rows_ok
}

@test "tfft: a record it cannot transform ends the stream after the records before it are written" {
	py "
with open('in.npy', 'wb') as f:
    np.save(f, np.ones((2, 4)))
    np.save(f, np.ones((3, 4)))
    np.save(f, np.ones(4, complex))
"
	run --separate-stderr tfft --transform rfftn in.npy -o out.npy
	[ "$status" -eq 1 ]
	[ "$stderr" = "tfft: in.npy: record 2, shape (4,): rfftn transforms real data, not complex128 (fftn takes it)" ]
	run --separate-stderr bash -c 'tfft --transform rfftn < in.npy > out.npy'
	[ "$status" -eq 1 ]
	py "
import sys
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
r = records('out.npy')
assert len(r) == 2 and r[0].shape == (2, 3) and r[1].shape == (3, 3), [x.shape for x in r]
"
}

@test "tfft: a truncated record: the complete ones first, then one message" {
	make_broken 4,6 2
	tfft < complete.npy > whole.npy
	tfft < last.npy > broken.npy
	complete_then_error tfft
}

@test "tfft: --plan measure keeps wisdom in \$XDG_CACHE_HOME/tpipe and gives the same result; -j 1 too" {
	py "np.save('x.npy', np.random.default_rng(6).standard_normal((4, 30, 18)))"
	tfft --transform rfftn --last 2 x.npy > est.npy
	XDG_CACHE_HOME=$PWD/cache tfft --plan measure --transform rfftn --last 2 x.npy > mea.npy
	[ -s cache/tpipe/wisdom-f64 ]
	tfft -j 1 --transform rfftn --last 2 x.npy > j1.npy
	py "
a, b, c = np.load('est.npy'), np.load('mea.npy'), np.load('j1.npy')
want = np.fft.rfftn(np.load('x.npy'), axes=(1, 2))
for g in (a, b, c):
    assert np.abs(g - want).max() < 1e-12 * np.abs(want).max()
"
}
