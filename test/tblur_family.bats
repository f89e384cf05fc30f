#!/usr/bin/env bats
# tblur's Gaussian family (issue 23): --sigmas (a scale-space stack, or
# --split records), --dog, --log, --gradient-magnitude against
# scipy.ndimage's gaussian_filter, gaussian_laplace and
# gaussian_gradient_magnitude (truncate=20), and --unsharp against its
# definition (ImageMagick's -unsharp) and against ImageMagick's convert.
# Agreement: 1e-10 * max|x| in float64.

load helpers
bats_require_minimum_version 1.5.0

@test "tblur --sigmas: a stack on a new leading axis (or --split records) equal to gaussian_filter per sigma, on every boundary" {
	py "np.save('x.npy', np.random.default_rng(7).standard_normal((17, 23)))
np.save('v.npy', np.random.default_rng(8).standard_normal((5, 6, 7)))"
	local b
	for b in reflect mirror nearest wrap zero; do
		tblur --sigmas 0.5,1.5,4,30 --boundary $b x.npy > s-$b.npy
		tblur --sigmas 0.5,1.5,4,30 --boundary $b --split x.npy > p-$b.npy
		tblur --sigmas 2,0.7 --order 1 --boundary $b v.npy > d-$b.npy
	done
	# the stack is each sigma's blur, byte for byte
	tblur -s 4 --boundary zero x.npy > one.npy
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
from scipy.ndimage import gaussian_filter
modes = {'reflect': 'reflect', 'mirror': 'mirror', 'nearest': 'nearest',
         'wrap': 'wrap', 'zero': 'constant'}
x, v = np.load('x.npy'), np.load('v.npy')
for b, m in modes.items():
    s = np.load(f's-{b}.npy')
    e = np.stack([gaussian_filter(x, q, mode=m, truncate=20) for q in (0.5, 1.5, 4, 30)])
    assert s.shape == (4, 17, 23) and np.abs(s - e).max() <= 1e-10 * np.abs(x).max(), b
    p = records(f'p-{b}.npy')
    assert len(p) == 4 and all(np.array_equal(a, c) for a, c in zip(p, s)), b
    d = np.load(f'd-{b}.npy')
    e = np.stack([gaussian_filter(v, q, order=1, mode=m, truncate=20) for q in (2, 0.7)])
    assert d.shape == (2, 5, 6, 7) and np.abs(d - e).max() <= 1e-10 * np.abs(v).max(), b
assert np.array_equal(np.load('s-zero.npy')[2], np.load('one.npy'))"
}

@test "tblur --sigmas: one spectrum for the members under reflect and mirror, each member the single blur's byte for byte (--method fft) and scipy's" {
	py "rng = np.random.default_rng(11)
np.save('x.npy', rng.standard_normal((40, 57)))
np.save('v.npy', rng.standard_normal((6, 9, 11)))
np.save('r.npy', rng.standard_normal(50))
np.save('i.npy', rng.integers(0, 256, (30, 20, 3), dtype=np.uint8))"
	local b q i
	for b in reflect mirror; do
		tblur --sigmas 0.7,3,9,40 --method fft --boundary $b x.npy > s-$b.npy
		tblur --sigmas 2,0.8 --order 1,0,3 --method fft --boundary $b v.npy > d-$b.npy
		tblur --sigmas 1,5 --method fft --boundary $b r.npy > r-$b.npy
		tblur --sigmas 1,5 --method fft --boundary $b --split i.npy > i-$b.npy
		i=0
		for q in 0.7 3 9 40; do
			tblur -s $q --method fft --boundary $b x.npy > one-$b-$i.npy
			i=$((i + 1))
		done
		tblur -s 5 --method fft --boundary $b i.npy > i5-$b.npy
	done
	# the spectrum is made once and each member multiplies it
	run -0 tblur --sigmas 2,4,8 --method fft --verbose --verbose x.npy -o o.npy
	[ "$(grep -c 'forward gathered axis, the lines kept' <<< "$output")" -eq 1 ]
	[ "$(grep -c 'multiply and inverse gathered axis' <<< "$output")" -eq 3 ]
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
from scipy.ndimage import gaussian_filter
x, v, r = np.load('x.npy'), np.load('v.npy'), np.load('r.npy')
for b in ('reflect', 'mirror'):
    s = np.load(f's-{b}.npy')
    for i, q in enumerate((0.7, 3, 9, 40)):
        assert np.array_equal(s[i], np.load(f'one-{b}-{i}.npy')), (b, q)
        e = gaussian_filter(x, q, mode=b, truncate=20)
        assert np.abs(s[i] - e).max() <= 1e-10 * np.abs(x).max(), (b, q)
    d = np.load(f'd-{b}.npy')
    for i, q in enumerate((2, 0.8)):
        e = gaussian_filter(v, q, order=(1, 0, 3), mode=b, truncate=20)
        assert np.abs(d[i] - e).max() <= 1e-10 * np.abs(e).max(), (b, q)
    g = np.load(f'r-{b}.npy')
    for i, q in enumerate((1, 5)):
        e = gaussian_filter(r, q, mode=b, truncate=20)
        assert np.abs(g[i] - e).max() <= 1e-10 * np.abs(r).max(), (b, q)
    p = records(f'i-{b}.npy')
    assert len(p) == 2 and p[1].dtype == np.uint8
    assert np.array_equal(p[1], np.load(f'i5-{b}.npy')), b"
}

@test "tblur --sigmas: FIR members and members of the shared spectrum in one stack (1-D, 2-D, 3-D, f32 and f64, -j 1 and 2, --split) equal gaussian_filter" {
	py "rng = np.random.default_rng(13)
np.save('a.npy', rng.standard_normal(20000).astype(np.float32))
np.save('b.npy', rng.standard_normal((256, 300)).astype(np.float32))
np.save('c.npy', rng.standard_normal((256, 300)))
np.save('d.npy', rng.standard_normal((3, 200, 260)))
np.save('e.npy', rng.standard_normal((40, 50, 64)).astype(np.float32))"
	local f j
	for f in a b c d e; do
		for j in 1 2; do
			# the spectrum's members keep fewer coefficients than it
			# has (sigma 30 of sigma 12's), the FIR's take the record
			run -0 tblur -j $j --verbose --verbose --sigmas 1,3,12,30,0 \
			    $([ $f = d ] && echo --axes 1,2) -o s-$f-$j.npy $f.npy
			grep -q 'fir rows pass\|fir gathering pass' <<< "$output"
			grep -q 'multiply' <<< "$output"
		done
		tblur --sigmas 1,3,12,30,0 $([ $f = d ] && echo --axes 1,2) \
		    --split $f.npy > p-$f.npy
	done
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
from scipy.ndimage import gaussian_filter
for f in 'abcde':
    x = np.load(f'{f}.npy')
    tol = (1e-5 if x.dtype == np.float32 else 1e-10) * np.abs(x).max()
    for j in (1, 2):
        s = np.load(f's-{f}-{j}.npy')
        assert s.dtype == x.dtype and s.shape == (5,) + x.shape, (f, j)
        for i, q in enumerate((1, 3, 12, 30, 0)):
            qs = (0, q, q) if f == 'd' else q
            e = gaussian_filter(x.astype(np.float64), qs, mode='reflect',
                                truncate=20)
            assert np.abs(s[i] - e).max() <= tol, (f, j, q)
    assert np.array_equal(s, np.load(f's-{f}-1.npy')), f
    p = records(f'p-{f}.npy')
    assert len(p) == 5 and all(np.array_equal(a, c) for a, c in zip(p, s)), f"
	# a member of the spectrum is checked before any is written
	fails 1 "^tblur: derivative order 2 at sigma 1e-200: the kernel's centre weight overflows" \
	    "$PWD/c.npy" tblur --sigmas 2,1e-200 --order 2 --method fft
}

@test "tblur --sigmas writes one member at a time: 16 sigmas of a 4 MB record within 12 records of a run that blurs nothing" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	! tsan_build || skip "ThreadSanitizer's shadow memory counts in the RSS"
	py "np.save('x.npy', np.random.default_rng(12).standard_normal((512, 1024)))"
	local base
	/usr/bin/time -f %M -o rss0 tblur -s 0 x.npy > /dev/null
	base=$(tail -n 1 rss0)
	/usr/bin/time -f %M -o rss tblur --sigmas 1,1.5,2,2.5,3,4,5,6,7,8,10,12,14,16,20,24 x.npy > /dev/null
	echo "peak RSS $(tail -n 1 rss) KB (sigma 0: $base KB)"
	# the stack alone is 64 MB; the record, two members (one written
	# while the next is computed) and the spectrum 16 MB (40 MB under
	# AddressSanitizer, whose quarantine keeps what is freed)
	[ "$(tail -n 1 rss)" -le $((base + 49152)) ]
}

@test "tblur --sigmas: the members written on a thread of their own end by SIGPIPE at a closed pipe, and a full disk is one line and exit 1" {
	py "np.save('x.npy', np.random.default_rng(13).standard_normal((300, 300)))"
	local st
	for o in npy txt; do
		st=0
		bash -o pipefail -c "tblur -j 2 --sigmas 1,2,3,8 -O $o x.npy 2> err | head -c 100 > /dev/null" || st=$?
		[ "$st" -eq 141 ] && [ ! -s err ]
		st=0
		tblur -j 2 --sigmas 1,2,3,8 -O $o x.npy > /dev/full 2> err || st=$?
		[ "$st" -eq 1 ] && [ "$(wc -l < err)" -eq 1 ]
		grep -q 'write error' err
	done
	tblur -j 2 --sigmas 1,2,3,8 --split x.npy > /dev/full 2> err && false
	[ "$(wc -l < err)" -eq 1 ]
}

@test "tblur --dog, --log, --gradient-magnitude equal G(s1) - G(s2), gaussian_laplace and gaussian_gradient_magnitude" {
	py "rng = np.random.default_rng(9)
np.save('x.npy', rng.standard_normal((19, 24)))
np.save('v.npy', rng.standard_normal((6, 9, 11)))"
	local b f
	for f in x v; do
		for b in reflect mirror nearest wrap zero; do
			tblur --dog 1,2.5 --boundary $b $f.npy > dog-$f-$b.npy
			tblur -s 1.7 --log --boundary $b $f.npy > log-$f-$b.npy
			tblur -s 1.2 --gradient-magnitude --boundary $b $f.npy > gm-$f-$b.npy
		done
	done
	tblur -s 2,1 --log --kernel sampled -t f32 x.npy > log32.npy
	py "
from scipy.ndimage import gaussian_filter, gaussian_laplace, gaussian_gradient_magnitude
modes = {'reflect': 'reflect', 'mirror': 'mirror', 'nearest': 'nearest',
         'wrap': 'wrap', 'zero': 'constant'}
bad = []
for f in 'xv':
    x = np.load(f + '.npy')
    tol = 1e-10 * np.abs(x).max()
    for b, m in modes.items():
        e = gaussian_filter(x, 1, mode=m, truncate=20) - gaussian_filter(x, 2.5, mode=m, truncate=20)
        for name, e in [('dog', e),
                        ('log', gaussian_laplace(x, 1.7, mode=m, truncate=20)),
                        ('gm', gaussian_gradient_magnitude(x, 1.2, mode=m, truncate=20))]:
            g = np.load(f'{name}-{f}-{b}.npy')
            if g.shape != x.shape or not np.abs(g - e).max() <= tol:
                bad.append(f'{name} {f} {b}: {np.abs(g - e).max():.3g}')
x = np.load('x.npy')
g = np.load('log32.npy')
e = gaussian_laplace(x, (2, 1), truncate=20)
if g.dtype != np.float32 or not np.abs(g - e).max() <= 1e-5 * np.abs(x).max():
    bad.append('log f32')
print(bad); sys.exit(1 if bad else 0)"
}

@test "tblur --unsharp: x + amount (x - G x) where |2 (x - G x)| reaches the threshold, as ImageMagick defines it" {
	py "rng = np.random.default_rng(10)
np.save('x.npy', rng.standard_normal((15, 21)))
from PIL import Image
g = (rng.random((24, 32)) * 255).astype(np.uint8); g[8:16, 10:20] = 200
Image.fromarray(g).save('g.png')
Image.fromarray((rng.random((24, 32, 3)) * 255).astype(np.uint8)).save('c.png')"
	local a t s f
	for a in 0.5,0 1.5,0.3 2,1; do
		tblur -s 1.5 --unsharp $a --boundary nearest x.npy > u-$a.npy
	done
	for f in g c; do
		for s in 2+1.5+0 3+2+0.02 2+0.7+0.1; do
			IFS=+ read -r sg a t <<< "$s"
			convert $f.png -unsharp 0x$s im-$f-$s.png
			convert $f.png -blur 0x$sg imb-$f-$s.png
			tblur -s $sg --unsharp $a,$t --boundary nearest $f.png > tb-$f-$s.npy
			tblur -s $sg --unsharp $a,$t --boundary nearest -t f64 $f.png > tf-$f-$s.npy
		done
	done
	py "
from PIL import Image
from scipy.ndimage import gaussian_filter
def unsharp(x, s, a, t, full):	# ImageMagick's UnsharpMaskImage
    d = x - gaussian_filter(x, s, mode='nearest', truncate=20)
    return np.where(np.abs(2 * d) < t * full, x, x + a * d), d
x = np.load('x.npy')
for a, t in [(0.5, 0), (1.5, 0.3), (2, 1)]:
    e, _ = unsharp(x, 1.5, a, t, 1)
    g = np.load(f'u-{a:g},{t:g}.npy')
    assert np.abs(g - e).max() <= 1e-10 * np.abs(x).max(), (a, t)
    assert (g != x).any()
for f in 'gc':
    img = np.asarray(Image.open(f + '.png')).astype(float)
    for s in ['2+1.5+0', '3+2+0.02', '2+0.7+0.1']:
        sg, a, t = map(float, s.split('+'))
        sig = (sg, sg) if img.ndim == 2 else (sg, sg, 0)
        e, d = unsharp(img, sig, a, t, 255)
        # in float64 the definition itself; the 8-bit output rounded
        got = np.load(f'tf-{f}-{s}.npy')
        assert np.abs(got - e).max() <= 1e-10 * 255, (f, s)
        u8 = np.load(f'tb-{f}-{s}.npy')
        assert u8.dtype == np.uint8
        assert np.array_equal(u8, np.clip(np.round(e), 0, 255)) or \
            np.abs(u8.astype(float) - np.clip(e, 0, 255)).max() <= 0.5 + 1e-6, (f, s)
        # ImageMagick: its blur (-blur, which -unsharp uses) is a
        # truncated, sub-sampled Gaussian, b levels from ours at most, so
        # the two are 1 + a b levels apart (rounding to 8 bits, then the
        # blurs' difference times the amount), except where |2 d| is
        # within b + 1 levels of the threshold and the choice between x
        # and x + a d may differ
        imb = np.asarray(Image.open(f'imb-{f}-{s}.png')).astype(float)
        b = np.abs(imb - (img - d)).max()
        assert b < 1.5, (f, s, b)
        im = np.asarray(Image.open(f'im-{f}-{s}.png')).astype(float)
        near = np.abs(np.abs(2 * d) - t * 255) < 2 * (b + 1)
        diff = np.abs(im - u8)
        assert im.shape == u8.shape and diff[~near].max() <= 1 + a * b, (f, s, diff[~near].max(), b)
        assert (~near).mean() > 0.8"
}

@test "tblur: the family on a stream, an empty record, and 8-bit images" {
	py "
with open('st.npy', 'wb') as f:
    np.save(f, np.arange(12.0).reshape(3, 4)); np.save(f, np.zeros((0, 4)))
    np.save(f, np.ones((5,)))"
	tblur --sigmas 1,2 st.npy > st-out.npy
	tblur --sigmas 1,2 --split st.npy > sp-out.npy
	tblur --dog 1,2 st.npy > dog-out.npy
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
from scipy.ndimage import gaussian_filter
r = records('st-out.npy')
assert [a.shape for a in r] == [(2, 3, 4), (2, 0, 4), (2, 5)], [a.shape for a in r]
assert np.abs(r[2] - 1).max() < 1e-15	# a constant stays constant
p = records('sp-out.npy')
assert [a.shape for a in p] == [(3, 4), (3, 4), (0, 4), (0, 4), (5,), (5,)]
d = records('dog-out.npy')
x = np.arange(12.0).reshape(3, 4)
e = gaussian_filter(x, 1, truncate=20) - gaussian_filter(x, 2, truncate=20)
assert [a.shape for a in d] == [(3, 4), (0, 4), (5,)] and np.abs(d[0] - e).max() < 1e-12"
	# an RGB u8 image: the channel axis is not blurred, the type is kept
	py "from PIL import Image
Image.fromarray((np.random.default_rng(3).random((10, 12, 3)) * 255).astype(np.uint8)).save('c.png')"
	tblur --sigmas 1,3 c.png > c-out.npy
	py "
from PIL import Image
from scipy.ndimage import gaussian_filter
x = np.asarray(Image.open('c.png')).astype(float)
y = np.load('c-out.npy')
e = np.stack([np.clip(np.round(gaussian_filter(x, (s, s, 0), truncate=20)), 0, 255) for s in (1, 3)])
assert y.dtype == np.uint8 and y.shape == (2, 10, 12, 3) and np.abs(y - e).max() <= 1, np.abs(y - e).max()"
}

@test "tblur: the family's usage errors" {
	py 'np.save("x2.npy", np.zeros((4, 5)))'
	local x=$BATS_TEST_TMPDIR/x2.npy
	row fails --usage 2 "-s and --sigmas: give the sigmas once" "$x" tblur -s 1 --sigmas 1,2
	row fails --usage 2 "-s and --dog: give the sigmas once" "$x" tblur -s 1 --dog 1,2
	row fails --usage 2 "--dog takes two sigmas, not 3" "$x" tblur --dog 1,2,3
	row fails --usage 2 "--sigmas: sigma must be finite and >= 0, not -1" "$x" tblur --sigmas 1,-1
	row fails --usage 2 "--sigmas and --dog: give one of them" "$x" tblur --sigmas 1 --dog 1,2
	row fails --usage 2 "--log and --unsharp: give one of them" "$x" tblur -s 1 --log --unsharp 1
	row fails --usage 2 "--log takes its own derivatives: no --order" "$x" tblur -s 1 --log --order 1
	row fails --usage 2 "--gradient-magnitude takes its own derivatives: no --order" "$x" tblur -s 1 --gradient-magnitude --order 2
	row fails --usage 2 "--split splits the stack of --sigmas" "$x" tblur -s 1 --split
	row fails --usage 2 "--unsharp: the amount must be finite and the threshold finite and >= 0, not 1,-0.5" "$x" tblur -s 1 --unsharp 1,-0.5
	row fails --usage 2 "--unsharp takes at most 2 numbers" "$x" tblur -s 1 --unsharp 1,2,3
	row fails --usage 2 "--sigmas takes at most 64 numbers" "$x" tblur --sigmas "$(seq -s, 1 65)"
	row fails --usage 2 "no sigma" "$x" tblur --log
	row fails --usage 2 "analytic kernel at sigma 2 " "$x" tblur --sigmas 3,2 --kernel analytic --method fir
	# a member that cannot be made stops the run before the stack's
	# first member is written
	row fails 1 "sigma 1e\+07 is too large for the nearest and zero boundaries" "$x" tblur --sigmas 1,1e7 --boundary zero
	row fails 1 "sigma 1e\+07 is too large for the nearest and zero boundaries" "$x" tblur --sigmas 1,1e7 --boundary nearest --split
	rows_ok
	# the FIR takes the analytic kernel from sigma 2.75 on; sigma 0 in
	# the stack is the record itself
	py 'np.save("x.npy", np.random.default_rng(2).standard_normal((6, 7)))'
	tblur --sigmas 3,4 --kernel analytic --method fir x.npy > fir.npy
	tblur --sigmas 3,4 --kernel analytic --method fft x.npy > fft.npy
	tblur --sigmas 0,0 x.npy > zero.npy
	py '
a, b, z, x = (np.load(f) for f in ["fir.npy", "fft.npy", "zero.npy", "x.npy"])
assert a.shape == (2, 6, 7) and np.abs(a - b).max() < 1e-12
assert z.shape == (2, 6, 7) and np.array_equal(z[0], x) and np.array_equal(z[1], x)'

}
