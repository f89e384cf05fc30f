#!/usr/bin/env bats
# tblur --boundary zero and nearest, exactly, at any sigma (issue 23):
# golden outputs of test/data/tblur/exact.py's definitions (written by
# make-exact.py, which checks the sampled kernel's against
# scipy.ndimage.gaussian_filter), random cases computed by the same
# definitions in setup_file, and the memory a sigma far wider than the
# record takes.  Agreement: 1e-10 * max|x| (float64) times, per blurred
# axis, the sum of the magnitudes of the kernel's taps where that is
# above 1 (the size of the terms summed: an even derivative at sigma
# 1e-3 has taps of 1e6).

load helpers
bats_require_minimum_version 1.5.0

GOLD="$DATA/tblur"
GOLD_TOOL=(tblur)

# check_exact DIR: the cases of exact.txt in DIR agree with their golden
# files (see above).
check_exact() {
	MANIFEST=exact.txt gold_check "$1" "exact.py" <<'EOF2'
sys.path.insert(0, gold)
import functools
import exact
MIN_CASES = 24
l1 = functools.cache(exact.l1)
def check(name, f, path):
    a = f[4].split()
    s, kernel, o = float(a[1]), a[3], int(a[5])
    got, exp = records(path), records(os.path.join(gold, f[3]))
    xs = records(os.path.join(gold, f[2]))
    if len(got) != len(exp):
        return [f'{name}: {len(got)} records, expected {len(exp)}']
    bad = []
    for i, (g, e, x) in enumerate(zip(got, exp, xs)):
        sc = np.abs(x).max() * max(1, l1(kernel, s, o, 19)) ** x.ndim
        err = np.abs(g - e).max() if g.shape == e.shape else np.inf
        if g.dtype != np.float64 or not err <= 1e-10 * sc:
            bad.append(f'{name}: record {i}: {g.dtype} {g.shape}: max '
                       f'error {err:.3g} = {err / sc:.3g} of the scale')
    return bad
EOF2
}

@test "tblur: zero and nearest equal their untruncated definitions for every kernel, order 0-2, sigma 1e-3 to 1e4" {
	MANIFEST=exact.txt gold_run out-auto '.'
	gold_ok --count 72 check_exact out-auto
	# the small sigmas, where auto takes the filter, by the transforms
	MANIFEST=exact.txt gold_run out-fft '-s0\.' --method fft
	gold_ok --count 36 check_exact out-fft
	# fir: the sampled kernel and the discrete one without derivatives,
	# below sigma 1e4 (whose 10^5 taps take long)
	MANIFEST=exact.txt gold_run out-fir '^x-(sampled-.*-s(0\.|66)|discrete-.*-s(0\.|66).*-o0$)' --method fir
	gold_ok --count 24 check_exact out-fir
}

@test "tblur: random sigmas 1e-3 to 1e4, lengths 1 to 1e5, kernels, boundaries and orders equal exact.py" {
	py "
sys.path.insert(0, '$GOLD')
import exact
rng = np.random.default_rng(2312)
with open('cases', 'w') as f:
    for c in range(24):
        s = float(10 ** rng.uniform(-3, 4))
        # lengths: every fourth case up to 1e5, the others up to 1e3
        N = int(10 ** rng.uniform(0, 5 if c % 4 == 0 else 3))
        k = ['sampled', 'discrete', 'analytic'][c % 3]
        n = int(rng.integers(0, 4))
        if k == 'discrete' and N > 300 and s < 5:
            n = 0	# band-limited: its reference by quadrature is slow
        if k == 'analytic' and s < 3 and N > 300:
            s = 3 + s
        b = ['zero', 'nearest'][c // 3 % 2]
        shape = (N,) if c % 2 or N > 300 else (N, 3)
        x = rng.standard_normal(shape)
        np.save(f'x{c}.npy', x)
        np.save(f'e{c}.npy', exact.blur(x, k, s, n, b))
        sc = np.abs(x).max() * max(1, exact.l1(k, s, n, N)) ** x.ndim
        f.write(f'{c} {s!r} {k} {n} {b} {sc!r}\n')
"
	local c s k n b sc
	while read -r c s k n b sc; do
		tblur -s "$s" --kernel $k --order $n --boundary $b x$c.npy > o$c.npy
	done < cases
	py "
bad = []
for line in open('cases'):
    c, s, k, n, b, sc = line.split()
    g, e = np.load(f'o{c}.npy'), np.load(f'e{c}.npy')
    err = np.abs(g - e).max()
    if g.shape != e.shape or not err <= 1e-10 * float(sc):
        bad.append(f'-s {s} --kernel {k} --order {n} --boundary {b} on {g.shape}: max error {err:.3g} (scale {float(sc):.3g})')
print('\n'.join(bad))
sys.exit(1 if bad else 0)"
}

@test "tblur: a (1, 43, 105) record at sigma 66.8, order 2, takes memory of the record's size under zero and nearest, every kernel" {
	# issue 23: 2.1 GB and 57 s before, when every axis was padded by
	# about 8 sigma (length 1 included)
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	! tsan_build || skip "ThreadSanitizer's shadow memory counts in the RSS"
	py "np.save('x.npy', np.random.default_rng(4).standard_normal((1, 43, 105)))"
	local k b base
	/usr/bin/time -f %M -o rss0 tblur -s 0 x.npy > /dev/null
	base=$(tail -n 1 rss0)
	for k in sampled analytic discrete; do
		for b in zero nearest; do
			/usr/bin/time -f %M -o rss tblur -s 66.8 --order 2 --kernel $k --boundary $b --method fft x.npy > o-$k-$b.npy
			echo "$k $b: peak RSS $(tail -n 1 rss) KB (sigma 0: $base KB)"
			# the record is 36 kB: 16 MB above a run that blurs
			# nothing (under 1 MB in a plain build; AddressSanitizer
			# keeps what is freed in quarantine)
			[ "$(tail -n 1 rss)" -le $((base + 16384)) ]
		done
	done
	py "
import sys; sys.path.insert(0, '$GOLD')
import exact
x = np.load('x.npy')
for k in ['sampled', 'analytic', 'discrete']:
    for b in ['zero', 'nearest']:
        e = exact.blur(x, k, 66.8, 2, b)
        g = np.load(f'o-{k}-{b}.npy')
        assert np.abs(g - e).max() <= 1e-10 * np.abs(x).max(), (k, b)"
}

@test "tblur: a length-1 axis under zero and nearest is a scalar: h_0, or the kernel's whole sum (0 for odd orders)" {
	py "np.save('x.npy', np.array([[2.5], [-1.0]]))"
	local o b
	for b in zero nearest; do
		for o in 0 1 2; do
			tblur -s 3 --axes 1 --order $o --boundary $b x.npy > o-$b-$o.npy
		done
	done
	py "
sys.path.insert(0, '$GOLD')
import exact
x = np.load('x.npy')
for b in ['zero', 'nearest']:
    for o in [0, 1, 2]:
        h, T = exact.taps('sampled', 3.0, o, 1)
        f = h[0] + (0 if b == 'zero' else (1 + (-1) ** o) * T[0])
        g = np.load(f'o-{b}-{o}.npy')
        assert np.abs(g - f * x).max() <= 1e-15, (b, o, g, f * x)
        if b == 'nearest' and o == 0:
            assert np.abs(g - x).max() <= 1e-15	# the sum is 1
        if b == 'nearest' and o == 1:
            assert not g.any()"
}

@test "tblur: zero and nearest transform the last axis in blocks of padded rows, keeping the frequencies that matter: 1-D, 2-D float32, 3-D with derivatives, as scipy" {
	py "rng = np.random.default_rng(13)
np.save('r.npy', rng.standard_normal(700))
np.save('x.npy', rng.standard_normal((50, 333)).astype(np.float32))
np.save('v.npy', rng.standard_normal((5, 8, 150)))"
	local b
	for b in zero nearest; do
		tblur -s 40 --method fft --boundary $b r.npy > r-$b.npy
		tblur -s 12 --method fft --boundary $b x.npy > x-$b.npy
		tblur -s 2,3,20 --order 1,0,2 --method fft --boundary $b v.npy > v-$b.npy
	done
	run -0 tblur -s 12 --method fft --boundary zero --verbose --verbose x.npy -o o.npy
	[[ $output == *"padded rows forward"* ]]
	py "
from scipy.ndimage import gaussian_filter
r, x, v = np.load('r.npy'), np.load('x.npy'), np.load('v.npy')
for b, m in (('zero', 'constant'), ('nearest', 'nearest')):
    e = gaussian_filter(r, 40, mode=m, truncate=20)
    assert np.abs(np.load(f'r-{b}.npy') - e).max() <= 1e-10 * np.abs(r).max(), b
    g = np.load(f'x-{b}.npy')
    e = gaussian_filter(x.astype(np.float64), 12, mode=m, truncate=20)
    assert g.dtype == np.float32 and np.abs(g - e).max() <= 1e-6 * np.abs(x).max(), b
    e = gaussian_filter(v, (2, 3, 20), order=(1, 0, 2), mode=m, truncate=20)
    assert np.abs(np.load(f'v-{b}.npy') - e).max() <= 1e-10 * np.abs(v).max(), b"
}

@test "tblur: zero and nearest as reflect with corrected corners: random 1-D, 2-D and 3-D records, every kernel, orders 0-3 per axis, equal exact.py" {
	# records long beside the kernels take reflect's transforms and a
	# low-rank correction at each end (--verbose names it); the exact
	# per-axis definitions of exact.py are the reference, float64 to
	# 1e-10 of the scale above, float32 to 1e-6 of it
	py "
sys.path.insert(0, '$GOLD')
import exact
rng = np.random.default_rng(2612)
with open('cases', 'w') as f:
    for c in range(18):
        kind = c % 3
        if kind == 0:
            shape = (int(rng.integers(3000, 20000)),)
        elif kind == 1:
            shape = tuple(int(v) for v in rng.integers(150, 420, 2))
        else:
            shape = (int(rng.integers(2, 4)),) + \
                tuple(int(v) for v in rng.integers(120, 300, 2))
        k = ['sampled', 'discrete', 'analytic'][c // 3 % 3]
        s = [float(rng.uniform(3 if k == 'analytic' else 0.4, 7))
             for _ in shape]
        o = [int(rng.integers(0, 4)) for _ in shape]
        if kind == 2 or (kind == 1 and c % 4 == 1):
            s[0], o[0] = 0.0, 0	# a batch axis, or the last axis alone
        if c % 4 in (0, 2, 3) and len(shape) > 1 and s[-2] > 0:
            s[-2], o[-2] = s[-1], o[-1]	# two axes alike: one factoring
        b = ['zero', 'nearest'][c % 2]
        x = rng.standard_normal(shape)
        if $SPARSE > 1 and c % 3 != c // 3 % 3:
            continue	# sparse: 6 cases, each shape with each kernel
        y, sc = x.copy(), np.abs(x).max()
        for a in range(x.ndim):
            if s[a] == 0:
                continue
            h, T = exact.taps(k, s[a], o[a], shape[a])
            y = np.apply_along_axis(exact.line, a, y, h, T, o[a], b)
            sc *= max(1, exact.l1(k, s[a], o[a], shape[a]))
        np.save(f'x{c}.npy', x)
        np.save(f'e{c}.npy', y)
        f.write(f'{c} {\",\".join(map(repr, s))} {k} '
                f'{\",\".join(map(str, o))} {b} {sc!r}\n')
"
	local c s k n b sc corr=0
	while read -r c s k n b sc; do
		run -0 tblur -s "$s" --kernel $k --order "$n" --boundary $b \
		    --method fft --verbose -o o$c.npy x$c.npy
		[[ $output != *"$b by edge corrections of rank"* ]] ||
			corr=$((corr + 1))
		tblur -s "$s" --kernel $k --order "$n" --boundary $b \
		    --method fft -t f32 x$c.npy > f$c.npy
	done < cases
	# the others (a discrete derivative's radius past half the axis, a
	# 1-D line too short for the factors) are padded, exactly as well
	local n
	n=$(wc -l < cases)
	echo "$corr of $n corrected"
	[ "$n" -eq "$( [ "$SPARSE" -gt 1 ] && echo 6 || echo 18)" ] ||
		fail "$n cases"
	[ $((3 * corr)) -ge $((2 * n)) ] || fail "$corr of $n corrected"
	py "
bad = []
for line in open('cases'):
    c, s, k, n, b, sc = line.split()
    e = np.load(f'e{c}.npy')
    for p, tol in (('o', 1e-10), ('f', 1e-6)):
        g = np.load(f'{p}{c}.npy')
        err = np.abs(g - e).max() if g.shape == e.shape else np.inf
        if not err <= tol * float(sc):
            bad.append(f'{p}: -s {s} --kernel {k} --order {n} --boundary {b} on {g.shape}: max error {err:.3g} (scale {float(sc):.3g})')
print('\n'.join(bad))
sys.exit(1 if bad else 0)"
}
