#!/usr/bin/env bats
# tblur: golden outputs of scipy.ndimage.gaussian_filter(x, s, mode=m,
# truncate=20) (test/data/tblur/, written by make-golden.py; cases.txt
# lists name|dtype|input|expected|arguments), the analytic and discrete
# kernels against their formulas, properties, images, bad input.
# Agreement: 1e-10 * max|x| in f64, 1e-5 * max|x| in f32, per record.

load helpers
bats_require_minimum_version 1.5.0

GOLD="$DATA/tblur"

GOLD_TOOL=(tblur)

# SCIPY_MODES: Python that imports gaussian_filter and maps each tblur
# --boundary name to its scipy.ndimage mode (modes)
SCIPY_MODES="from scipy.ndimage import gaussian_filter
modes = {'reflect': 'reflect', 'mirror': 'mirror', 'nearest': 'nearest',
         'wrap': 'wrap', 'zero': 'constant'}"

# check_cases DIR: every output in DIR/status (gold_run) agrees with its
# golden file record by record (dtype, shape, values to the tolerance
# times max|x|); prints each failing case and a count.
check_cases() {
	gold_check "$1" SciPy <<'EOF'
TOL = {'f64': 1e-10, 'f32': 1e-5}
DT = {'f64': np.float64, 'f32': np.float32}
def check(name, f, path):
    got = records(path)
    exp = records(os.path.join(gold, f[3]))
    xs = records(os.path.join(gold, f[2]))
    if len(got) != len(exp):
        return [f'{name}: {len(got)} records, expected {len(exp)}']
    bad = []
    for i, (a, b, x) in enumerate(zip(got, exp, xs)):
        if a.dtype != DT[f[1]] or a.shape != b.shape:
            bad.append(f'{name}: record {i}: {a.dtype} {a.shape}, '
                       f'expected {b.dtype} {b.shape}')
            continue
        e = float(np.max(np.abs(a.astype(float) - b.astype(float))))
        scale = float(np.max(np.abs(x)))
        if not e <= TOL[f[1]] * scale:
            bad.append(f'{name}: record {i}: max error {e:.3g} = '
                       f'{e / scale:.3g} * max|x| (tol {TOL[f[1]]:g})')
    return bad
EOF
}

@test "tblur: every boundary, 1-D/2-D/3-D, sigma 0.5 to 10, f32 and f64 equal gaussian_filter" {
	gold_run out '.'
	gold_ok --count 40 check_cases out
}

@test "tblur: --method fft equals gaussian_filter on every golden case" {
	gold_run out '.' --method fft
	gold_ok --count 40 check_cases out
}

@test "tblur: --method fir equals gaussian_filter on every golden case" {
	gold_run out '.' --method fir
	gold_ok --count 40 check_cases out
}

# fft_and_fir OUT IN ARG...: tblur ARG... --method M IN > OUT-M.npy for M
# fft and fir; prints "IN --method M: exit STATUS; " for each run that
# fails.
fft_and_fir() {
	local out=$1 in=$2 m
	shift 2
	for m in fft fir; do
		tblur "$@" --method $m "$in" > "$out-$m.npy" ||
			printf "%s; " "$in --method $m: exit $?"
	done
}

# check_deriv DIR: the derivative cases of deriv.txt agree with their
# golden files to 1e-10 times max|x| times the product over the axes of
# the sum of |taps| of the derivative kernel (the size of the terms
# summed; the outputs of a high order at small sigma are large).
check_deriv() {
	MANIFEST=deriv.txt gold_check "$1" SciPy <<'EOF'
from scipy.ndimage import gaussian_filter1d
def l1(s, o):	# the derivative kernel, as gaussian_filter1d applies it
    r = int(20 * s + 0.5)
    d = np.zeros(2 * r + 1); d[r] = 1
    return np.abs(gaussian_filter1d(d, s, order=o, mode='constant',
                                    truncate=20)).sum()
def check(name, f, path):
    args = f[4].split()
    s = float(args[args.index('-s') + 1])
    orders = [int(v) for v in args[args.index('--order') + 1].split(',')]
    got = records(path)
    exp = records(os.path.join(gold, f[3]))
    xs = records(os.path.join(gold, f[2]))
    bad = []
    for i, (a, b, x) in enumerate(zip(got, exp, xs)):
        o = orders * x.ndim if len(orders) == 1 else orders
        scale = np.abs(x).max() * np.prod([l1(s, v) for v in o])
        e = float(np.max(np.abs(a - b))) if a.shape == b.shape else np.inf
        if a.dtype != b.dtype or not e <= 1e-10 * scale:
            bad.append(f'{name}: record {i}: {a.dtype} {a.shape}: error '
                       f'{e:.3g} = {e / scale:.3g} of the terms')
    if len(got) != len(exp):
        bad.append(f'{name}: {len(got)} records, expected {len(exp)}')
    return bad
EOF
}

@test "tblur: --order derivatives equal gaussian_filter(order=) on every boundary, fft and fir" {
	for m in auto fft fir; do
		MANIFEST=deriv.txt gold_run out-$m '.' --method $m
		gold_ok --count 22 check_deriv out-$m
	done
}

# check_edges DIR: the cases of edges.txt (zero and nearest, every
# kernel) agree with their golden files to 1e-10 (1e-5 for float32
# output) times max|x| times, per blurred axis, the sum of the
# magnitudes of the kernel's taps (the size of the terms summed), plus
# the output type's smallest normal number.
check_edges() {
	MANIFEST=edges.txt gold_check "$1" "their definitions" <<'EOF'
from scipy.ndimage import gaussian_filter1d
MIN_CASES = 40
def l1(kernel, s, o):
    if kernel == 'sampled':	# as gaussian_filter1d applies it
        r = int(20 * s + 0.5)
        d = np.zeros(2 * r + 1); d[r] = 1
        return np.abs(gaussian_filter1d(d, s, order=o, mode='constant',
                                        truncate=20)).sum()
    if kernel == 'discrete' and o == 0:
        return 1.0
    th = 2 * np.pi * np.fft.fftfreq(1 << 16)	# band-limited: its taps
    g = np.exp(-0.5 * (s * th) ** 2) if kernel == 'analytic' else \
        np.exp(-2 * (s * np.sin(th / 2)) ** 2)
    return np.abs(np.fft.ifft((1j * th) ** o * g)).sum()
def check(name, f, path):
    a = f[4].split()
    s, kernel, o = float(a[1]), a[3], int(a[5])
    got = records(path)
    exp = records(os.path.join(gold, f[3]))
    xs = records(os.path.join(gold, f[2]))
    if len(got) != len(exp):
        return [f'{name}: {len(got)} records, expected {len(exp)}']
    bad = []
    for i, (g, e, x) in enumerate(zip(got, exp, xs)):
        tol = 1e-5 if g.dtype == np.float32 else 1e-10
        scale = np.abs(x).max() * l1(kernel, s, o) ** x.ndim
        err = np.abs(g - e).max() if g.shape == e.shape else np.inf
        # (outputs of tiny kernels can be subnormal: their precision is
        # the type's smallest normal number)
        if not err <= tol * scale + np.finfo(g.dtype).tiny:
            bad.append(f'{name}: record {i} {x.shape} {g.dtype}: error '
                       f'{err:.3g} = {err / scale:.3g} of the terms')
    return bad
EOF
}

@test "tblur: zero and nearest are exact for every kernel, sigma 0.1 to 6, order 0 to 2, on every method" {
	# man/tblur.1, Boundaries and transforms: the padding follows the
	# kernel's own tail (the discrete kernel's is heavier than the
	# sampled one's), and the band-limited kernels (analytic, discrete
	# derivatives) are cut at the axis length where no padding would do
	local m
	for m in auto fft; do
		MANIFEST=edges.txt gold_run out-$m '.' --method $m
		gold_ok --count 108 check_edges out-$m
	done
	# fir: the kernels it takes (the sampled one, and the discrete one
	# without derivatives; the analytic one only from sigma 2.75)
	MANIFEST=edges.txt gold_run out-fir '^e-(sampled|discrete-.*-o0$)' --method fir
	gold_ok --count 48 check_edges out-fir
	MANIFEST=edges.txt gold_run out-f32 '.' --method fft -t f32
	gold_ok --count 108 check_edges out-f32
}

@test "tblur: --order on short axes (1 and 2 samples), first or last, mixed with order 0, in float32" {
	py "$SCIPY_MODES
rng = np.random.default_rng(21)
with open('cases', 'w') as f:
    i = 0
    for shape in [(1, 9), (2, 7), (3, 5), (9, 1), (7, 2)]:
        x = rng.standard_normal(shape)
        for b, m in modes.items():
            for o in [(1, 1), (2, 3), (0, 1), (3, 2)]:
                np.save(f'x{i}.npy', x)
                np.save(f'x{i}-f32.npy', x.astype(np.float32))
                np.save(f'e{i}.npy', gaussian_filter(x, 0.8, order=o, mode=m, truncate=20))
                f.write(f'{i} {b} {o[0]},{o[1]}\n')
                i += 1"
	local i b o bad=''
	while read -r i b o; do
		bad+=$(fft_and_fir "g$i" "x$i.npy" -s 0.8 --order "$o" --boundary "$b")
		bad+=$(fft_and_fir "h$i" "x$i-f32.npy" -s 0.8 --order "$o" --boundary "$b")
	done < cases
	[ -z "$bad" ] || fail "$bad"
	py '
bad = []
for line in open("cases"):
    i, b, o = line.split()
    x, e = np.load(f"x{i}.npy"), np.load(f"e{i}.npy")
    scale = np.abs(x).max() * 50	# the |taps| sums are below 50 at sigma 0.8
    for m in ["fft", "fir"]:
        g, h = np.load(f"g{i}-{m}.npy"), np.load(f"h{i}-{m}.npy")
        if g.dtype != np.float64 or h.dtype != np.float32:
            bad.append(f"case {i}: dtypes {g.dtype} {h.dtype}")
        for got, tol in [(g, 1e-10), (h, 1e-5)]:
            err = np.max(np.abs(got - e))
            if err > tol * scale:
                bad.append(f"case {i} {x.shape} {b} order {o} {m} {got.dtype}: {err:.3g}")
print("\n".join(bad)); sys.exit(1 if bad else 0)'
}

@test "tblur: one sigma with an order per blurred axis, or one order with a sigma per axis, as gaussian_filter takes them" {
	# man/tblur.1, Axes and sigmas: orders follow the sigmas' rule on
	# their own; only several of both must be as many
	py "$SCIPY_MODES
x = np.random.default_rng(34).standard_normal((9, 12))
np.save('x.npy', x); np.save('x1.npy', x[0])
np.save('e-a.npy', gaussian_filter(x, 1.5, order=(0, 1), mode='nearest', truncate=20))
np.save('e-b.npy', gaussian_filter(x, (1.5, 2), order=2, mode='nearest', truncate=20))
np.save('e-c.npy', gaussian_filter(x, (1.5, 2), order=(1, 0), mode='nearest', truncate=20))"
	local m f
	for m in fft fir; do
		tblur -s 1.5 --order 0,1 --boundary nearest --method $m x.npy > a.npy
		tblur -s 1.5,2 --order 2 --boundary nearest --method $m x.npy > b.npy
		tblur -s 1.5,2 --order 1,0 --boundary nearest --method $m x.npy > c.npy
		for f in a b c; do
			run npy_close $f.npy e-$f.npy 1e-10
			[ "$status" -eq 0 ] || fail "$m $f: $output"
		done
	done
	local x=$BATS_TEST_TMPDIR/x.npy x1=$BATS_TEST_TMPDIR/x1.npy
	row fails --usage 2 "2 sigmas but 3 orders: give one of either or the same number" "$x" tblur -s 1,2 --order 0,1,1
	row fails 1 "record 0, shape \\(12,\\): 2 orders but the record has 1 axis to blur" "$x1" tblur -s 1 --order 0,1
	row fails 1 "record 0, shape \\(12,\\): 2 sigmas but the record has 1 axis to blur" "$x1" tblur -s 1,2 --order 1
	rows_ok
}

@test "tblur: the analytic and discrete kernels' derivatives are (2 pi i f)^N times their response" {
	py 'x = np.zeros((64, 45)); x[0, 0] = 1; np.save("d.npy", x)'
	for k in analytic discrete; do
		tblur -s 1.3 --order 1,2 --boundary wrap --kernel $k d.npy > $k.npy
	done
	py '
bad = []
f0, f1 = np.fft.fftfreq(64), np.fft.rfftfreq(45)
g0 = f0.copy(); g0[32] = 0.0	# an odd order is 0 at f = 1/2: a real signal cannot hold it
for k in ["analytic", "discrete"]:
    H = (lambda f: np.exp(-2 * np.pi**2 * 1.69 * f * f)) if k == "analytic" else \
        (lambda f: np.exp(1.69 * (np.cos(2 * np.pi * f) - 1)))
    R0 = 2j * np.pi * g0 * H(f0)
    R1 = (2j * np.pi * f1) ** 2 * H(f1)
    exp = np.fft.irfft2(R0[:, None] * R1[None, :], s=(64, 45))
    e = np.max(np.abs(np.load(k + ".npy") - exp))
    if e > 1e-13:
        bad.append(f"{k}: {e:.3g}")
print("\n".join(bad)); sys.exit(1 if bad else 0)'
}

@test "tblur: -j 1 and -j 2 give the golden answers on both methods" {
	gold_run j1 '^(reflect|zero)-s(1|10)-' -j 1 --method fft
	gold_run j2 '^(reflect|zero)-s(1|10)-' -j 2 --method fir
	gold_ok check_cases j1
	gold_ok check_cases j2
}

@test "tblur: anisotropic sigma with sigma 0 on an axis, and --axes in any order" {
	py "sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
np.save('x3.npy', records('$GOLD/in-f64.npy')[2])"
	tblur -s 2,0,1.5 x3.npy > a.npy
	tblur -s 2,0,1.5 --boundary nearest x3.npy >> a.npy
	run npy_close a.npy "$GOLD/aniso.npy" 1e-10
	[ "$status" -eq 0 ] || fail "$output"
	for m in fft fir; do
		tblur --axes 2,0 -s 1.5,2 --method $m x3.npy > b.npy
		tblur --axes -1,0 -s 1.5,2 --boundary nearest --method $m x3.npy >> b.npy
		run npy_close b.npy "$GOLD/aniso.npy" 1e-10
		[ "$status" -eq 0 ] || fail "$m: $output"
	done
}

@test "tblur: an RGB u8 image stays u8 and equals round(gaussian_filter(x, (s, s, 0)))" {
	# 8-bit images compute in float32 (error < 1e-4 of a level): exact
	# equality holds when no exact value lies within 1e-4 of a half level,
	# which this checks of the golden image first; -t f64 gives the
	# unrounded values
	py "
from scipy.ndimage import gaussian_filter
x = np.load('$GOLD/rgb.npy')
e = gaussian_filter(x.astype(float), (1.5, 1.5, 0), truncate=20)
assert np.abs(e - np.floor(e) - 0.5).min() > 1e-4
np.save('exact.npy', e)"
	tblur -s 1.5 -t f64 < "$GOLD/rgb.npy" > out.npy
	run npy_close out.npy exact.npy 1e-12
	[ "$status" -eq 0 ] || fail "-t f64: $output"
	for m in auto fft fir; do
		tblur -s 1.5 --method $m < "$GOLD/rgb.npy" > out.npy
		run npy_close out.npy "$GOLD/rgb-s1.5.npy" 0
		[ "$status" -eq 0 ] || fail "$m: $output"
	done
	# through PNG and back: the same pixels
	tcat "$GOLD/rgb.npy" -O png -o rgb.png
	tblur -s 1.5 -O png < rgb.png > soft.png
	tcat soft.png > soft.npy
	run npy_close soft.npy "$GOLD/rgb-s1.5.npy" 0
	[ "$status" -eq 0 ] || fail "$output"
}

@test "tblur -O png: every row Up-filtered, zlib at its fastest; the same bytes through tcat, the same pixels as PIL reads" {
	# the encoder's settings (tpipe(7)): Up on every row and Z_RLE, where
	# an adaptive Sub/Up choice at level 3 took four times as long
	py '
x = np.random.default_rng(5).integers(0, 256, (40, 50, 3)).astype(np.uint8)
np.save("x.npy", x)
np.save("g16.npy", (np.arange(40 * 50).reshape(40, 50) * 31 % 65536).astype(np.uint16))'
	tblur -s 1.5 x.npy -O png -o soft.png
	tblur -s 1.5 x.npy > soft.npy
	tcat soft.png -O png -o again.png
	cmp soft.png again.png
	tblur -s 0 g16.npy -O png -o g16.png
	py '
import struct, zlib
from PIL import Image
def rows(path):
    d = open(path, "rb").read(); p = 8; idat = b""
    while p < len(d):
        n, = struct.unpack(">I", d[p:p + 4])
        if d[p + 4:p + 8] == b"IHDR": w, h, bd, ct = struct.unpack(">IIBB", d[p + 8:p + 18])
        if d[p + 4:p + 8] == b"IDAT": idat += d[p + 8:p + 8 + n]
        p += 12 + n
    raw = zlib.decompress(idat)
    stride = w * {0: 1, 2: 3, 4: 2, 6: 4}[ct] * bd // 8 + 1
    return idat[:2], {raw[i * stride] for i in range(h)}
for f in ["soft.png", "g16.png"]:
    head, filters = rows(f)
    # FLEVEL, the top bits of the zlib header: 0 for the fastest
    assert head[1] >> 6 == 0 and filters == {2}, (f, head, filters)
assert (np.asarray(Image.open("soft.png")) == np.load("soft.npy")).all()
assert (np.asarray(Image.open("g16.png")) == np.load("g16.npy")).all()'
}

@test "tblur: --linear blurs in linear light: sRGB decoded, blurred, encoded, as NumPy does it" {
	py "
from scipy.ndimage import gaussian_filter
def dec(c):
    a = np.abs(c)
    return np.sign(c) * np.where(a <= 0.04045, a / 12.92, ((a + 0.055) / 1.055) ** 2.4)
def enc(l):
    a = np.abs(l)
    return np.sign(l) * np.where(a <= 0.0031308, 12.92 * a, 1.055 * a ** (1 / 2.4) - 0.055)
x = np.load('$GOLD/rgb.npy')
e = 255 * enc(gaussian_filter(dec(x / 255.0), (1.5, 1.5, 0), truncate=20))
assert np.abs(e - np.floor(e) - 0.5).min() > 1e-4
np.save('lin-exp.npy', np.clip(np.round(e), 0, 255).astype(np.uint8))
f = np.random.default_rng(12).uniform(-0.1, 1.1, (9, 11))
np.save('f.npy', f)
np.save('f-exp.npy', enc(gaussian_filter(dec(f), 2, truncate=20)))
a = np.random.default_rng(13).integers(0, 256, (7, 8, 4)).astype(np.uint8)
np.save('rgba.npy', a)
al = a[..., 3:] / 255.0
pm = gaussian_filter(dec(a[..., :3] / 255.0) * al, (1, 1, 0), truncate=20)
ab = gaussian_filter(a[..., 3].astype(float), 1, truncate=20)
col = 255 * enc(np.where(ab[..., None] < 0.5, 0, pm * 255 / np.maximum(ab[..., None], 1e-300)))
out = np.concatenate([col, ab[..., None]], axis=2)
assert np.abs(out - np.floor(out) - 0.5).min() > 1e-4
np.save('rgba-exp.npy', np.clip(np.round(out), 0, 255).astype(np.uint8))"
	tblur -s 1.5 --linear < "$GOLD/rgb.npy" > out.npy
	run npy_close out.npy lin-exp.npy 0
	[ "$status" -eq 0 ] || fail "rgb: $output"
	tblur -s 2 --linear f.npy > out.npy
	run npy_close out.npy f-exp.npy 1e-12
	[ "$status" -eq 0 ] || fail "float: $output"
	tblur -s 1 --linear rgba.npy > out.npy
	run npy_close out.npy rgba-exp.npy 0
	[ "$status" -eq 0 ] || fail "rgba: $output"
	# and it differs from the plain blur
	tblur -s 1.5 < "$GOLD/rgb.npy" > plain.npy
	run npy_close plain.npy lin-exp.npy 0
	[ "$status" -ne 0 ]
}

@test "tblur: u16 stays u16, -t f32 gives float32, other integers give float64" {
	py '
x = np.arange(60, dtype=np.uint16).reshape(3, 4, 5) * 1000
np.save("u16.npy", x); np.save("i32.npy", x.astype(np.int32))
from scipy.ndimage import gaussian_filter
y = gaussian_filter(x.astype(float), (1, 1, 1), truncate=20)
np.save("u16-exp.npy", np.clip(np.round(y), 0, 65535).astype(np.uint16))
np.save("f64-exp.npy", y); np.save("f32-exp.npy", y.astype(np.float32))'
	tblur -s 1 u16.npy > out.npy
	run npy_close out.npy u16-exp.npy 0
	[ "$status" -eq 0 ] || fail "u16: $output"
	tblur -s 1 -t f32 u16.npy > out.npy
	run npy_close out.npy f32-exp.npy 1e-6
	[ "$status" -eq 0 ] || fail "-t f32: $output"
	tblur -s 1 i32.npy > out.npy
	run npy_close out.npy f64-exp.npy 1e-12
	[ "$status" -eq 0 ] || fail "i32: $output"
}

@test "tblur: the analytic kernel is exp(-2 pi^2 s^2 f^2) and the discrete one exp(s^2 (cos 2 pi f - 1))" {
	# a delta under wrap: the output is the inverse DFT of the response
	py 'x = np.zeros((64, 48)); x[0, 0] = 1; np.save("d.npy", x)'
	for s in 0.4 1 3; do
		tblur -s $s --boundary wrap --kernel analytic d.npy > a-$s.npy
		tblur -s $s --boundary wrap --kernel discrete d.npy > d-$s.npy
	done
	tblur -s 4 --boundary wrap --kernel analytic --method fir d.npy > a-fir.npy
	tblur -s 1 --boundary wrap --kernel discrete --method fir d.npy > d-fir.npy
	py '
from scipy.special import ive
bad = []
def H(kind, s, f):
    return np.exp(-2 * np.pi**2 * s * s * f * f) if kind == "a" else \
        np.exp(s * s * (np.cos(2 * np.pi * f) - 1))
for kind in "ad":
    for s, name in [(0.4, "0.4"), (1, "1"), (3, "3")] + \
            ([(4, "fir")] if kind == "a" else [(1, "fir")]):
        got = np.load(f"{kind}-{name}.npy")
        f0, f1 = np.fft.fftfreq(64), np.fft.rfftfreq(48)
        exp = np.fft.irfft2(H(kind, s, f0)[:, None] * H(kind, s, f1)[None, :],
                            s=(64, 48))
        e = np.max(np.abs(got - exp))
        if e > 1e-13:
            bad.append(f"{kind} sigma {s} ({name}): max error {e:.3g}")
# the discrete kernel is e^-t I_n(t), t = s^2, along each axis
for s in [0.4, 1]:
    got = np.load(f"d-{s:g}.npy")
    t = s * s
    n = np.minimum(np.arange(64), 64 - np.arange(64))
    m = np.minimum(np.arange(48), 48 - np.arange(48))
    exp = ive(n, t)[:, None] * ive(m, t)[None, :]
    e = np.max(np.abs(got - exp))
    if e > 1e-15:
        bad.append(f"discrete sigma {s}: e^-t I_n(t) max error {e:.3g}")
print("\n".join(bad)); sys.exit(1 if bad else 0)'
}

@test "tblur(1) on the FFT of a centred kernel: the phase (-1)^(kx+ky), times exp(i pi (kx/W + ky/H)) for odd sizes, and its 0.107" {
	# the section WHY DOES THE FFT OF MY GAUSSIAN KERNEL NEED
	# .modulus().sqrt()?: its claims, checked with numpy, against the
	# response tblur applies (a delta at (0, 0) under wrap)
	grep -q "0.107 of the response's" "$TPIPE_TOP/man/tblur.1" ||
		fail "tblur.1 does not give the odd size's imaginary part"
	py 'for n in (255, 256):
    x = np.zeros((n, n)); x[0, 0] = 1; np.save(f"d{n}.npy", x)'
	tblur -s 4 --boundary wrap d255.npy > k255.npy
	tblur -s 4 --boundary wrap d256.npy > k256.npy
	py '
for n in (255, 256):
    g = np.exp(-(np.arange(n) - n // 2) ** 2 / 32.0)	# sigma 4, at n // 2
    F = np.fft.fft2(np.outer(g, g) / np.outer(g, g).sum())
    H = np.fft.fft2(np.load(f"k{n}.npy"))	# the response tblur applies
    assert np.abs(H.imag).max() < 1e-15 and H.real.min() > -1e-15	# real, >= 0
    k = np.arange(n)
    kk = k[:, None] + k[None, :]
    phase = (-1.0) ** kk * (np.exp(1j * np.pi * kk / n) if n % 2 else 1)
    assert np.abs(F - H.real * phase).max() < 1e-14, n
    if n % 2:
        im = np.abs(F.imag).max()
        assert round(im, 3) == 0.107, im
        assert np.abs(F.imag - H.real * (-1.0) ** kk * np.sin(np.pi * kk / n)).max() < 1e-14
        assert np.unravel_index(np.abs(F.imag).argmax(), F.shape) == (n - 7, n - 7)
    else:
        assert np.abs(F.imag).max() < 1e-15'
}

@test "tblur: sigma1 then sigma2 equals sqrt(sigma1^2 + sigma2^2) for the analytic and discrete kernels (wrap)" {
	py 'np.save("x.npy", np.random.default_rng(3).standard_normal((24, 30)))'
	for k in analytic discrete; do
		tblur -s 1.2 --boundary wrap --kernel $k x.npy |
			tblur -s 0.9 --boundary wrap --kernel $k > twice.npy
		tblur -s 1.5 --boundary wrap --kernel $k x.npy > once.npy
		run npy_close twice.npy once.npy 1e-12
		[ "$status" -eq 0 ] || fail "$k: $output"
	done
	# the sampled kernel is not a semigroup: the same check must fail
	tblur -s 1.2 --boundary wrap x.npy | tblur -s 0.9 --boundary wrap > twice.npy
	tblur -s 1.5 --boundary wrap x.npy > once.npy
	run npy_close twice.npy once.npy 1e-6
	[ "$status" -ne 0 ]
}

@test "tblur: the sum is kept under wrap and reflect, the end-halved sum under mirror" {
	py 'np.save("x.npy", np.random.default_rng(4).standard_normal((17, 23)))'
	for m in fft fir; do
		for b in wrap reflect mirror; do
			for s in 0.7 3 40; do
				tblur -s $s --boundary $b --method $m x.npy > y-$b-$s-$m.npy
			done
		done
	done
	py '
x = np.load("x.npy")
def w(n):	# DCT-I keeps the sum with the two end samples halved
    v = np.ones(n); v[0] = v[-1] = 0.5; return v
bad = []
for m in ["fft", "fir"]:
    for b in ["wrap", "reflect", "mirror"]:
        for s in ["0.7", "3", "40"]:
            y = np.load(f"y-{b}-{s}-{m}.npy")
            if b == "mirror":
                W = w(17)[:, None] * w(23)[None, :]
                a, c = np.sum(W * x), np.sum(W * y)
            else:
                a, c = x.sum(), y.sum()
            if abs(a - c) > 1e-12 * np.abs(x).sum():
                bad.append(f"{m} {b} sigma {s}: sum {c!r} != {a!r}")
print("\n".join(bad)); sys.exit(1 if bad else 0)'
}

@test "tblur: a constant stays constant under every boundary but zero, which darkens the edges" {
	py 'np.save("c.npy", np.full((9, 14), 2.5)); np.save("c1.npy", np.full((1, 7), 2.5))'
	for b in reflect mirror nearest wrap; do
		for m in fft fir; do
			for f in c c1; do
				tblur -s 0.8,30 --boundary $b --method $m $f.npy > out.npy
				run npy_close out.npy $f.npy 1e-13
				[ "$status" -eq 0 ] || fail "$b $m $f: $output"
			done
		done
	done
	tblur -s 2 --boundary zero c.npy > z.npy
	py 'y = np.load("z.npy"); assert y[0, 0] < 1.5 and y.max() < 2.5, y'
}

@test "tblur: fft and fir agree with SciPy on random shapes, sigmas and boundaries" {
	py "$SCIPY_MODES"'
rng = np.random.default_rng(11)
with open("cases", "w") as f:
    for i in range(24):
        nd = rng.integers(1, 4)
        shape = tuple(int(v) for v in rng.integers(1, 12, nd))
        if nd == 3 and shape[-1] <= 4:
            shape = shape[:-1] + (5 + shape[-1],)
        s = [float(v) for v in np.round(rng.uniform(0, 4, nd), 2)]
        b = list(modes)[rng.integers(0, 5)]
        dt = ["f4", "f8"][i % 2]
        x = rng.standard_normal(shape).astype(dt)
        np.save(f"x{i}.npy", x)
        y = gaussian_filter(x.astype(float), s, mode=modes[b], truncate=20)
        np.save(f"e{i}.npy", y.astype(dt))
        f.write(f"{i} {b} {dt} " + ",".join(map(str, s)) + "\n")'
	local i b dt s bad=''
	while read -r i b dt s; do
		bad+=$(fft_and_fir "g$i" "x$i.npy" -s "$s" --boundary "$b")
	done < cases
	[ -z "$bad" ] || fail "$bad"
	py '
bad = []
for line in open("cases"):
    i, b, dt, s = line.split()
    x, e = np.load(f"x{i}.npy"), np.load(f"e{i}.npy")
    tol = 1e-10 if dt == "f8" else 1e-5
    for m in ["fft", "fir"]:
        g = np.load(f"g{i}-{m}.npy")
        err = np.max(np.abs(g.astype(float) - e)) if g.size else 0
        if g.shape != e.shape or g.dtype != e.dtype or \
                err > tol * max(np.abs(x).max(), 1e-300):
            bad.append(f"case {i} {x.shape} {b} {dt} -s {s} {m}: {err:.3g}")
print("\n".join(bad)); sys.exit(1 if bad else 0)'
}

@test "tblur --method fir: the rows pass in place, at and around its shortest axis (2r + 2), on every boundary" {
	# an axis of at least 2r + 2 lines (r the kernel radius) is filtered
	# in place; a shorter one goes through a second buffer
	local r dt b o n m bad=''
	for dt in f8 f4; do
		r=$(py "np.save('p.npy', np.zeros((64, 20), '$dt'))" &&
			tblur -s 1.3,0 --method fir --verbose p.npy -o /dev/null 2>&1 |
			sed -n 's/.*fir \([0-9]*\) taps.*/\1/p')
		r=$(((r - 1) / 2))
		[ "$r" -ge 3 ] || fail "$dt: radius '$r'"
		for n in $((2 * r)) $((2 * r + 1)) $((2 * r + 2)) $((2 * r + 3)) $((3 * r + 5)); do
			py "np.save('x-$dt-$n.npy', np.random.default_rng($n).standard_normal(($n, 20)).astype('$dt'))"
			for b in reflect mirror nearest wrap zero; do
				for o in 0 1 2; do
					tblur -s 1.3,0 --order $o,0 --boundary $b --method fir x-$dt-$n.npy > g-$dt-$n-$b-$o.npy ||
						bad+="$dt $n $b $o: exit $?"$'\n'
				done
			done
		done
	done
	[ -z "$bad" ] || fail "$bad"
	py "$SCIPY_MODES"'
import glob
bad, n = [], 0
for f in glob.glob("g-*.npy"):
    _, dt, rows, b, o = f[:-4].split("-")
    x = np.load(f"x-{dt}-{rows}.npy")
    e = gaussian_filter(x.astype(float), (1.3, 0), order=(int(o), 0), mode=modes[b], truncate=20)
    g = np.load(f)
    err = np.abs(g - e).max() / np.abs(x).max()
    n += 1
    if g.dtype != x.dtype or err > (1e-10 if dt == "f8" else 1e-5):
        bad.append(f"{f}: {err:.3g}")
print("\n".join(bad)); print(n, "cases")
sys.exit(1 if bad or n != 150 else 0)'
}

@test "tblur: a stream of records, shapes changing and repeating, equals per-record runs" {
	py '
rng = np.random.default_rng(5)
with open("s.npy", "wb") as f:
    for s in [(20, 30), (20, 30), (7, 9), (20, 30), (11,)]:
        np.save(f, rng.standard_normal(s))'
	tblur -s 1.5 --boundary nearest < s.npy > all.npy
	py "sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
for i, r in enumerate(records('s.npy')):
    np.save(f'r{i}.npy', r)"
	: > sep.npy
	for i in 0 1 2 3 4; do tblur -s 1.5 --boundary nearest r$i.npy >> sep.npy; done
	run npy_close all.npy sep.npy 0
	[ "$status" -eq 0 ] || fail "$output"
}

@test "tblur: the channel rule: a trailing axis of 1-4 on 3+ axes is not blurred" {
	py '
from scipy.ndimage import gaussian_filter as g
rng = np.random.default_rng(6)
for name, shape, s in [("hw3", (9, 10, 3), (2, 2, 0)), ("hw5", (9, 10, 5), (2, 2, 2)),
                       ("h4", (9, 4), (2, 2)), ("bhw1", (2, 9, 10, 1), (2, 2, 2, 0))]:
    x = rng.standard_normal(shape)
    np.save(name + ".npy", x)
    np.save(name + "-exp.npy", g(x, s, truncate=20))'
	for n in hw3 hw5 h4 bhw1; do
		tblur -s 2 $n.npy > out.npy
		run npy_close out.npy $n-exp.npy 1e-10
		[ "$status" -eq 0 ] || fail "$n: $output"
	done
}

@test "tblur: RGBA and gray+alpha are blurred premultiplied: transparent colors do not bleed" {
	py '
x = np.zeros((8, 12, 4), np.uint8)
x[:, :6] = (200, 40, 10, 255)		# opaque orange on the left
x[:, 6:] = (0, 255, 0, 0)		# transparent green on the right
np.save("rgba.npy", x)
np.save("rgb.npy", np.ascontiguousarray(x[:, :, :3]))
np.save("la.npy", np.ascontiguousarray(x[:, :, [0, 3]]))'
	tblur -s 1.5 rgba.npy > out.npy
	tblur -s 1.5 la.npy > la-out.npy
	py '
y = np.load("out.npy"); la = np.load("la-out.npy")
assert y.dtype == np.uint8 and y.shape == (8, 12, 4)
a = y[..., 3]
vis = a > 0
# where visible, the color is the opaque one: no green leaks in
assert (y[vis][:, 1] == 40).all() and (y[vis][:, 0] == 200).all(), y[0]
assert (y[~vis][:, :3] == 0).all()
assert a[0, 5] < 255 and a[0, 6] > 0 and a[0, 0] == 255
assert (la[..., 0][la[..., 1] > 0] == 200).all(), la[0]'
	# an opaque RGBA image blurs like the RGB one, alpha staying 255
	py '
x = np.random.default_rng(2).integers(0, 256, (10, 11, 4)).astype(np.uint8)
x[..., 3] = 255; np.save("opaque.npy", x)
np.save("opaque-rgb.npy", np.ascontiguousarray(x[..., :3]))'
	tblur -s 1.2 opaque.npy > o4.npy
	tblur -s 1.2 opaque-rgb.npy > o3.npy
	py '
a, b = np.load("o4.npy"), np.load("o3.npy")
assert (a[..., 3] == 255).all() and (a[..., :3] == b).all()'
}

@test "tblur: sigma 0 everywhere and a scalar record leave the data unchanged" {
	py 'np.save("x.npy", np.random.default_rng(8).standard_normal((5, 6)))
np.save("s.npy", np.float64(3.5))'
	tblur -s 0 x.npy > out.npy
	run npy_close out.npy x.npy 0
	[ "$status" -eq 0 ] || fail "$output"
	tblur -s 2 s.npy > out.npy
	run npy_close out.npy s.npy 0
	[ "$status" -eq 0 ] || fail "$output"
}

@test "tblur: a record no sigma blurs comes out byte for byte, transparent pixels of RGBA and gray+alpha images too" {
	# man/tblur.1, Types and images: no premultiplied or linear-light
	# round trip when nothing is blurred (it gave a pixel of alpha 0
	# color 0, and --linear changed the last bits of floats)
	py '
rng = np.random.default_rng(31)
def img(shape, dt, hi):
    x = rng.integers(0, hi + 1, shape).astype(dt)
    x[..., -1][x[..., -1] < hi // 2] = 0	# many transparent pixels, colored
    return x
np.save("rgba8.npy", img((6, 7, 4), np.uint8, 255))
np.save("la8.npy", img((5, 9, 2), np.uint8, 255))
np.save("la16.npy", img((6, 5, 2), np.uint16, 65535))
np.save("rgba16.npy", img((4, 6, 4), np.uint16, 65535))
np.save("rgb8.npy", rng.integers(0, 256, (5, 6, 3)).astype(np.uint8))
np.save("gray8.npy", rng.integers(0, 256, (5, 6)).astype(np.uint8))
np.save("f32.npy", rng.standard_normal((6, 7, 4)).astype(np.float32))
np.save("f64.npy", rng.uniform(0, 1, (4, 5, 2)))
np.save("row.npy", img((1, 8, 4), np.uint8, 255))'
	local f args bad=''
	for f in rgba8 la8 la16 rgba16 rgb8 gray8 f32 f64; do
		for args in "-s 0" "-s 0,0" "-s 0 --linear" "-s 0 --order 1" \
		    "-s 0 --method fft --boundary zero" "-s 0,0 --method fir"; do
			# shellcheck disable=SC2086
			tblur $args $f.npy > out.npy || bad+="$f $args: exit $?; "
			cmp -s out.npy $f.npy || bad+="$f $args: changed; "
		done
	done
	# an image of one row: a sigma on its length-1 axis changes nothing
	# under reflect
	for args in "-s 3,0" "-s 3,0 --linear --method fft"; do
		# shellcheck disable=SC2086
		tblur $args row.npy > out.npy || bad+="row $args: exit $?; "
		cmp -s out.npy row.npy || bad+="row $args: changed; "
	done
	[ -z "$bad" ] || fail "$bad"
	# the types tblur converts keep their values
	py 'np.save("h.npy", np.arange(-3, 9, dtype=np.float16) / 4)
np.save("i.npy", np.arange(-5, 7, dtype=np.int32) * 1000)'
	tblur -s 0 h.npy > h-out.npy
	tblur -s 0 i.npy > i-out.npy
	py 'a, b = np.load("h-out.npy"), np.load("i-out.npy")
assert a.dtype == np.float32 and (a == np.load("h.npy")).all(), a
assert b.dtype == np.float64 and (b == np.load("i.npy")).all(), b'
}

@test "tblur: an RGBA image with some sigmas 0 is blurred premultiplied along the others" {
	# man/tblur.1, Types and images: -s 0,1.5 blurs along the width
	# only, colors premultiplied by alpha; a pixel whose blurred alpha
	# rounds to 0 gets color 0
	py "
from scipy.ndimage import gaussian_filter1d
rng = np.random.default_rng(32)
x = rng.integers(0, 256, (6, 12, 4)).astype(np.uint8)
x[:, 5:9, 3] = 0
x[2, :, 3] = 0
np.save('x.npy', x)
a = x[..., 3].astype(float)
pm = x[..., :3] * (a[..., None] / 255)
ab = gaussian_filter1d(a, 1.5, axis=1, truncate=20)
cb = gaussian_filter1d(pm, 1.5, axis=1, truncate=20)
col = np.where(ab[..., None] < 0.5, 0, cb * 255 / np.maximum(ab[..., None], 1e-300))
e = np.concatenate([col, ab[..., None]], axis=2)
assert np.abs(e - np.floor(e) - 0.5).min() > 1e-4
np.save('e.npy', np.clip(np.round(e), 0, 255).astype(np.uint8))"
	for m in fft fir; do
		tblur -s 0,1.5 --method $m x.npy > out.npy
		run npy_close out.npy e.npy 0
		[ "$status" -eq 0 ] || fail "$m: $output"
	done
}

@test "tblur: -o and a file operand give the same bytes as stdin to stdout" {
	tblur -s 2 < "$GOLD/in-f32.npy" > a.npy
	tblur -s 2 "$GOLD/in-f32.npy" -o b.npy
	cmp a.npy b.npy
}

@test "tblur: --verbose names the method and the read, compute and write times" {
	py 'np.save("x.npy", np.zeros((64, 64)))'
	run --separate-stderr tblur -s 1 --verbose x.npy -o /dev/null
	[ "$status" -eq 0 ]
	[[ ${stderr_lines[0]} =~ ^tblur:\ record\ 0:\ fir\ [0-9]+x[0-9]+\ taps\;\ read\ [0-9.]+\ s,\ compute\ [0-9.]+\ s,\ write\ [0-9.]+\ s$ ]] ||
		fail "${stderr_lines[0]}"
	[[ ${stderr_lines[1]} == "tblur: total: read "* ]] || fail "$stderr"
	run --separate-stderr tblur -s 30 --verbose x.npy -o /dev/null
	[[ ${stderr_lines[0]} == "tblur: record 0: dct-ii 64x64; read "* ]] || fail "$stderr"
	run --separate-stderr tblur -s 30 --boundary zero --method fft --verbose x.npy -o /dev/null
	[[ ${stderr_lines[0]} =~ ^tblur:\ record\ 0:\ dct-ii\ [0-9]+x[0-9]+\ \(padded\)\; ]] || fail "$stderr"
	run --separate-stderr tblur -s 30 --boundary wrap --verbose x.npy -o /dev/null
	[[ ${stderr_lines[0]} == "tblur: record 0: r2c 64x64; read "* ]] || fail "$stderr"
	run --separate-stderr tblur -s 30 --boundary mirror --verbose x.npy -o /dev/null
	[[ ${stderr_lines[0]} == "tblur: record 0: dct-i 64x64; read "* ]] || fail "$stderr"
	# once: no phase stamps, whatever the environment says
	TPIPE_TIMING=1 run --separate-stderr tblur -s 30 --verbose x.npy -o /dev/null
	[[ $stderr != *" s run"* ]] || fail "$stderr"
	# twice: the engine's phases, from run to done, then the record line
	run --separate-stderr tblur -s 30 --verbose --verbose x.npy -o /dev/null
	[ "$status" -eq 0 ]
	[[ ${stderr_lines[0]} =~ ^tblur:\ +[0-9.]+\ s\ run$ ]] || fail "$stderr"
	[[ $stderr == *" s done"$'\n'"tblur: record 0: dct-ii 64x64; read "* ]] || fail "$stderr"
}

@test "tblur: --plan measure saves wisdom under XDG_CACHE_HOME and a second run plans from it alone" {
	# The first run measures its plans (each record's line says so) and
	# saves the wisdom; the second makes every plan from that wisdom
	# alone and leaves the file as it was; an empty cache measures again.
	export XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
	run --separate-stderr tblur --verbose -s 20 --plan measure \
	    "$GOLD/in-f64.npy" -o out1.npy
	[ "$status" -eq 0 ] && [ "${#stderr_lines[@]}" -eq 4 ] || fail "$stderr"
	[ "$(grep -c ', plans measured;' <<< "$stderr")" -eq 3 ] ||
		fail "first run: $stderr"
	[ -s "$XDG_CACHE_HOME/tpipe/wisdom-f64" ]
	cp -p "$XDG_CACHE_HOME/tpipe/wisdom-f64" saved-f64
	run --separate-stderr tblur --verbose -s 20 --plan measure \
	    "$GOLD/in-f64.npy" -o out2.npy
	[ "$status" -eq 0 ] && [ "${#stderr_lines[@]}" -eq 4 ] || fail "$stderr"
	[ "$(grep -c ', plans from wisdom;' <<< "$stderr")" -eq 3 ] ||
		fail "second run: $stderr"
	cmp saved-f64 "$XDG_CACHE_HOME/tpipe/wisdom-f64"
	[ "$(stat -c %y saved-f64)" = "$(stat -c %y "$XDG_CACHE_HOME/tpipe/wisdom-f64")" ] ||
		fail "the wisdom file was written again"
	run npy_close out2.npy out1.npy 1e-15
	[ "$status" -eq 0 ] || fail "$output"
	tblur -s 20 "$GOLD/in-f64.npy" > default.npy
	run npy_close default.npy out1.npy 1e-15
	[ "$status" -eq 0 ] || fail "$output"
	XDG_CACHE_HOME=$BATS_TEST_TMPDIR/empty run --separate-stderr \
	    tblur --verbose -s 20 --plan measure "$GOLD/in-f64.npy" -o out3.npy
	[[ ${stderr_lines[0]} == *", plans measured;"* ]] || fail "empty cache: $stderr"
}

@test "tblur: bad input: exit status, one-line message naming the value, empty stdout, no -o file" {
	py 'np.save("x2.npy", np.zeros((4, 5)))
x = np.ones((4, 5)); x[1, 2] = np.nan; np.save("nan.npy", x)
x = np.ones((4, 5), np.float32); x[3, 0] = np.inf; np.save("inf.npy", x)
np.save("empty.npy", np.zeros((0, 5)))
np.save("cplx.npy", np.zeros((3, 3), complex))
with open("second.npy", "wb") as f:
    np.save(f, np.zeros((4, 5))); np.save(f, np.zeros((2, 0)))'
	local x=$BATS_TEST_TMPDIR/x2.npy
	row fails --usage 2 "sigma must be finite and >= 0, not -1" "$x" tblur -s -1
	row fails --usage 2 "sigma: 'nan' is not a number" "$x" tblur -s nan
	row fails --usage 2 "sigma: '0x10' is not a number" "$x" tblur -s 0x10
	row fails --usage 2 "sigma must be finite and >= 0, not inf" "$x" tblur -s 1,inf
	row fails --usage 2 "no sigma" "$x" tblur
	row fails --usage 2 "--boundary 'edge' is not one of reflect, " "$x" tblur -s 1 --boundary edge
	row fails --usage 2 "--kernel 'box' is not one of sampled, " "$x" tblur -s 1 --kernel box
	row fails --usage 2 "--method 'iir' is not one of auto, " "$x" tblur -s 1 --method iir
	row fails --usage 2 "--plan 'fast' is not one of estimate, " "$x" tblur -s 1 --plan fast
	row fails --usage 2 "axis 0 is listed twice" "$x" tblur -s 1 --axes 0,0
	row fails --usage 2 "3 sigmas for 2 axes" "$x" tblur -s 1,2,3 --axes 0,1
	row fails --usage 2 "analytic kernel at sigma 1 " "$x" tblur -s 1 --kernel analytic --method fir
	row fails --usage 2 "--axes: 'x' is not an integer" "$x" tblur -s 1 --axes x
	row fails --usage 2 "--order must be in \\[0, 8\\], not '9'" "$x" tblur -s 1 --order 9
	row fails --usage 2 "--order must be in \\[0, 8\\], not '-1'" "$x" tblur -s 1 --order -1
	row fails --usage 2 "2 sigmas but 3 orders" "$x" tblur -s 1,2 --order 1,0,1
	row fails --usage 2 "3 orders for 2 axes in --axes" "$x" tblur -s 1 --order 1,0,1 --axes 0,1
	row fails --usage 2 "--method fir computes derivatives \\(order 1\\) of the sampled kernel only" "$x" tblur -s 3 --order 1 --kernel discrete --method fir
	row fails 1 "record 0, shape \\(4, 5\\): 3 orders but the record has 2 axes to blur" "$x" tblur -s 1 --order 1,0,1
	row fails 1 "record 0, shape \(4, 5\): 3 sigmas but the record has 2 axes to blur" "$x" tblur -s 1,2,3
	row fails 1 "record 0, shape \(4, 5\): axis 2 in --axes does not exist: the record has 2 axes" "$x" tblur -s 1 --axes 2
	row fails 1 "axis -3 in --axes does not exist" "$x" tblur -s 1 --axes -3
	row fails 1 "record 0 holds NaN at \(1, 2\): tblur needs finite values" "$BATS_TEST_TMPDIR/nan.npy" tblur -s 1
	row fails 1 "record 0 holds an infinity at \(3, 0\)" "$BATS_TEST_TMPDIR/inf.npy" tblur -s 1 --method fft
	row fails 1 "record 0 is complex128: tblur blurs real tensors only" "$BATS_TEST_TMPDIR/cplx.npy" tblur -s 1
	row fails 1 "sigma 1e\+07 is too large for the nearest and zero boundaries" "$x" tblur -s 1e7 --boundary nearest
	row fails 1 "no FIR taps for the sampled kernel at sigma 1e\+07" "$x" tblur -s 1e7 --method fir
	rows_ok
}

@test "tblur: a sigma far beyond the axes gives the mean under wrap, reflect and mirror" {
	py 'np.save("x.npy", np.random.default_rng(9).standard_normal((6, 7)))
np.save("m.npy", np.full((6, 7), np.load("x.npy").mean()))'
	for b in wrap reflect; do
		tblur -s 1e7 --boundary $b x.npy > out.npy
		run npy_close out.npy m.npy 1e-12
		[ "$status" -eq 0 ] || fail "$b: $output"
	done
	# mirror: the mean with the end samples of each axis halved
	tblur -s 1e7 --boundary mirror x.npy > out.npy
	py '
x = np.load("x.npy"); y = np.load("out.npy")
w0 = np.ones(6); w0[[0, -1]] = 0.5; w1 = np.ones(7); w1[[0, -1]] = 0.5
W = w0[:, None] * w1[None, :]
assert np.abs(y - (W * x).sum() / W.sum()).max() < 1e-12, y'
}

@test "tblur: sigmas from 5e-324 to 1.7e308 give the limit or a one-line refusal, never NaN" {
	# man/tblur.1, Extreme sigmas
	py 'np.save("x.npy", np.random.default_rng(33).standard_normal((6, 7)))'
	local s k b m o rc
	: > runs
	for s in 1e-200 1e-300 5e-324 1e155 1e300 1.7e308; do
		for k in sampled analytic discrete; do
			for b in reflect mirror wrap nearest zero; do
				for m in auto fft fir; do
					for o in 0 1 2; do
						rc=0
						tblur -s $s --kernel $k --boundary $b --method $m --order $o x.npy \
							> "o-$s-$k-$b-$m-$o.npy" 2> "e-$s-$k-$b-$m-$o" || rc=$?
						echo "$s $k $b $m $o $rc" >> runs
					done
				done
			done
		done
	done
	py 'import os
def band_limited(x, n, b):	# (2 pi i f)^n on the boundary'"'"'s periodic extension
    ext = {"wrap": x, "reflect": np.concatenate([x, x[::-1]]),
           "mirror": np.concatenate([x, x[-2:0:-1]])}[b]
    L = len(ext)
    f = np.fft.fftfreq(L)
    H = (2j * np.pi * f) ** n
    if n % 2 and L % 2 == 0:
        H[L // 2] = 0	# an odd order is 0 at f = 1/2
    return np.fft.ifft(H * np.fft.fft(ext)).real[:len(x)]
def edge_limit(x, n, b):	# (2 pi i f)^n under zero or nearest: the taps
    # c_1(k) = (-1)^k / k, c_2(k) = -2 (-1)^k / k^2, c_2(0) = -pi^2 / 3,
    # and the tails S(a) = sum_(k>=a) c(k), for n = 1 the alternating
    # harmonic series (-1)^a (psi((a + 1) / 2) - psi(a / 2)) / 2
    from scipy.special import digamma
    N = len(x)
    k = np.arange(1, N + 1.0)
    c = np.concatenate([[0 if n == 1 else -np.pi ** 2 / 3],
                        (-1) ** k / k if n == 1 else -2 * (-1) ** k / k ** 2])
    if n == 1:
        S = (-1) ** k * (digamma((k + 1) / 2) - digamma(k / 2)) / 2
    else:
        S = -c[0] / 2 - np.concatenate([[0], np.cumsum(c[1:N])])
    y = np.zeros(N)
    for i in range(N):
        for j in range(N):
            y[i] += x[j] * (c[i - j] if i >= j else (-1) ** n * c[j - i])
        if b == "nearest":
            y[i] += x[0] * S[i] + x[N - 1] * (-1) ** n * S[N - 1 - i]
    return y
def apply(x, fn):	# fn on every line of both axes
    y = np.apply_along_axis(fn, 0, x)
    return np.apply_along_axis(fn, 1, y)
x = np.load("x.npy")
bad, n = [], 0
for line in open("runs"):
    s, k, b, m, o, rc = line.split()
    o, rc, tiny = int(o), int(rc), float(s) < 1
    out = np.load(f"o-{s}-{k}-{b}-{m}-{o}.npy") if rc == 0 else None
    err = open(f"e-{s}-{k}-{b}-{m}-{o}").read()
    name = f"-s {s} --kernel {k} --boundary {b} --method {m} --order {o}"
    # what tblur(1) says: fir has no analytic taps at small sigma, no
    # derivatives but the sampled kernel'"'"'s, no taps beyond 1e5; zero and
    # nearest pad no sigma beyond 1e5; an even order of the sampled
    # kernel at a tiny sigma overflows
    refuse = (m == "fir" and (k == "analytic" or (o > 0 and k != "sampled") or not tiny)) or \
        (not tiny and b in ("zero", "nearest")) or (tiny and k == "sampled" and o == 2)
    if refuse:
        if rc == 0 or len(err.splitlines()) != 1 or not err.startswith("tblur: ") or \
                os.path.getsize(f"o-{s}-{k}-{b}-{m}-{o}.npy"):
            bad.append(f"{name}: exit {rc}, expected a refusal: {err!r}")
        continue
    if rc != 0:
        bad.append(f"{name}: exit {rc}: {err!r}")
        continue
    n += 1
    if tiny and o == 0:
        e = x
    elif tiny and k == "sampled":	# odd orders vanish
        e = np.zeros_like(x)
    elif tiny and b in ("zero", "nearest"):	# the band-limited derivative
        e = apply(x, lambda v: edge_limit(v, o, b))
    elif tiny:
        e = apply(x, lambda v: band_limited(v, o, b))
    elif o > 0:
        e = np.zeros_like(x)
    elif b == "mirror":
        w = np.ones(6)[:, None] * np.ones(7)[None, :]
        w[[0, -1], :] /= 2; w[:, [0, -1]] /= 2
        e = np.full_like(x, (w * x).sum() / w.sum())
    else:
        e = np.full_like(x, x.mean())
    if np.isnan(out).any() or not np.abs(out - e).max() <= 1e-12 * np.pi ** o * np.abs(x).max():
        bad.append(f"{name}: max error {np.abs(out - e).max():.3g}")
print("\n".join(bad)); print(n, "limits")
sys.exit(1 if bad or n < 300 else 0)' 
}

@test "tblur: --help prints the usage on stdout and exits 0" {
	run --separate-stderr tblur --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: tblur -s sigma[,sigma...] [--axes list]"* ]] || fail "$output"
	[[ $output == *"[--kernel sampled|analytic|discrete] [--method auto|fft|fir]"* ]]
	[ -z "$stderr" ]
}

@test "tblur: --method auto picks fir for small sigma and fft for large, by the cost model" {
	py 'np.save("x.npy", np.zeros((512, 512), np.float32))'
	run --separate-stderr tblur -s 1 --verbose x.npy -o /dev/null
	[[ ${stderr_lines[0]} == "tblur: record 0: fir "* ]] || fail "$stderr"
	run --separate-stderr tblur -s 40 --verbose x.npy -o /dev/null
	[[ ${stderr_lines[0]} == "tblur: record 0: dct-ii 512x512;"* ]] || fail "$stderr"
	# the analytic kernel at small sigma has no short taps: always fft
	run --separate-stderr tblur -s 0.5 --kernel analytic --verbose x.npy -o /dev/null
	[[ ${stderr_lines[0]} == "tblur: record 0: dct-ii 512x512;"* ]] || fail "$stderr"
}

@test "tblur: a zero-size record gives a zero-size record of the same shape and dtype, as scipy's gaussian_filter" {
	py 'import scipy.ndimage as nd
with open("in.npy", "wb") as f:
    np.save(f, np.zeros((0, 5)))
    np.save(f, np.zeros((2, 0), np.float32))
    np.save(f, np.zeros((0, 3), np.uint8))
    np.save(f, np.arange(20.0).reshape(4, 5))'
	run --separate-stderr tblur -s 1 "$BATS_TEST_TMPDIR/in.npy" -o "$BATS_TEST_TMPDIR/out.npy"
	[ "$status" -eq 0 ] || fail "$stderr"
	py 'import scipy.ndimage as nd, os
sys.path.insert(0, os.path.join(os.environ["TPIPE_TOP"], "test"))
from npystream import records
out = records("out.npy")
ins = records("in.npy")
assert len(out) == 4, len(out)
for a, b in zip(ins[:3], out[:3]):
    ref = nd.gaussian_filter(a, 1)
    assert b.shape == ref.shape == a.shape and b.dtype == ref.dtype, (a.shape, b.shape, b.dtype, ref.dtype)
assert np.allclose(out[3], nd.gaussian_filter(ins[3], 1, mode="reflect", truncate=20), atol=1e-12)'
}
