#!/usr/bin/env bats
# tconv: golden outputs from SciPy (test/data/tconv/, written by
# make-golden.py; the manifest cases.txt lists name|dtype|signal|kernel|
# expected|arguments), methods, streams, operand formats, the seed formula,
# bad input.  Tolerance: 1e-12 * max|expected| for f64/c16, 1e-5 for f32/c8.

load helpers
bats_require_minimum_version 1.5.0

GOLD="$DATA/tconv"

GOLD_TOOL=(tconv)

# check_cases DIR: compare every output named in DIR/status (gold_run)
# with its golden file; print each failing case (name, why) and fail if
# there is any.
check_cases() {
	gold_check "$1" SciPy <<'EOF'
DT = {'f64': 'float64', 'f32': 'float32', 'c16': 'complex128', 'c8': 'complex64'}
TOL = {'f64': 1e-12, 'f32': 1e-5, 'c16': 1e-12, 'c8': 1e-5}
def check(name, f, path):
    try:
        recs = records(path)
    except Exception as e:
        return [f'{name}: unreadable output: {e}']
    if len(recs) != 1:
        return [f'{name}: {len(recs)} records, expected 1']
    a, b = recs[0], np.load(os.path.join(gold, f[4]))
    if a.shape != b.shape:
        return [f'{name}: shape {a.shape}, expected {b.shape}']
    if a.dtype != np.dtype(DT[f[1]]):
        return [f'{name}: dtype {a.dtype}, expected {DT[f[1]]}']
    if b.size == 0:
        return []
    scale = float(np.max(np.abs(b.astype(np.complex128))))
    e = np.abs(a.astype(np.complex128) - b.astype(np.complex128))
    worst = float(np.max(e)) if np.isfinite(e).all() else float('inf')
    if not worst <= TOL[f[1]] * scale:
        idx = np.unravel_index(np.argmax(np.where(np.isfinite(e), e, np.inf)), e.shape)
        return [f'{name}: max error {worst:.3g} = {worst / scale:.3g} '
                f'* max|out| at {tuple(int(i) for i in idx)} (tol {TOL[f[1]]:g})']
    return []
EOF
}

@test "tconv: every golden case (1-D/2-D/3-D, modes, ops, boundaries, batch, complex, f32) equals SciPy" {
	gold_run out '.'
	gold_ok check_cases out
}

@test "tconv: --method fft equals SciPy on every golden case" {
	gold_run out '.' --method fft
	gold_ok check_cases out
}

@test "tconv: --method direct equals SciPy on every golden case" {
	gold_run out '.' --method direct
	gold_ok check_cases out
}

@test "tconv: integer input computes in float64" {
	gold_run out '^int-'
	gold_ok --count 3 check_cases out
}

@test "tconv: -j 1 and -j 2 give the golden answers" {
	gold_run j1 '^(2d-f64-24x24|batch-f64-3x5x20x20-same|3d-f64-same-reflect|1d-f64-long)$' -j 1
	gold_run j2 '^(2d-f64-24x24|batch-f64-3x5x20x20-same|3d-f64-same-reflect|1d-f64-long)$' -j 2
	gold_ok check_cases j1
	gold_ok check_cases j2
}

@test "tconv: --method fft, --method direct and SciPy agree on larger (tiled) inputs" {
	# sizes at which the FFT path cuts the signal into overlap-save tiles
	# (1-D and 2-D) or transforms it whole; every mode, boundary and some
	# op mixes; odd/even kernels; batch; f32, f64, c8, c16; kernels longer
	# than the signal and axes of 1 (cases k-o: conv_2d.c's passes when
	# the whole axes are transformed).  The reference
	# is computed here: scipy.signal.fftconvolve of the signal (numpy.pad-
	# extended by the boundary as make-golden.py does) with the kernel
	# reversed on corr axes (and conjugated when every axis is corr).
	py '
rng = np.random.default_rng(7)
def r(s, dt):
    a = rng.standard_normal(s)
    if dt[0] == "c":
        a = a + 1j * rng.standard_normal(s)
    return a.astype(dt)
for name, s, k, dt in [("a", (96, 80), (7, 9), "f8"), ("b", (64, 70), (8, 6), "f8"),
                       ("c", (4, 40, 50), (5, 5), "f4"), ("d", (3000,), (65,), "f8"),
                       ("e", (20, 18, 16), (3, 4, 5), "f8"), ("f", (50, 60), (31, 25), "f4"),
                       ("g", (90, 84), (7, 6), "c16"), ("h", (3, 70, 64), (5, 5), "c8"),
                       ("i", (2, 5000), (129,), "f8"), ("j", (5000,), (128,), "f4"),
                       ("k", (37, 52), (5, 8), "f8"), ("l", (3, 21, 30), (4, 7), "f8"),
                       ("m", (9, 6), (15, 11), "f8"), ("n", (40, 33), (1, 9), "f4"),
                       ("o", (50, 1), (3, 1), "f8")]:
    np.save(name + ".sig.npy", r(s, dt))
    np.save(name + ".k.npy", r(k, dt))
'
	: >list
	n=0
	for c in a b c d e f g h i j k l m n o; do
		for args in '--mode full' '--mode valid' '--mode same' \
			'--mode same --corr' '--mode full --op corr,conv' \
			'--mode valid --op conv,corr' '--mode same --op corr,conv --boundary reflect' \
			'--mode same --boundary wrap' '--mode same --boundary reflect' \
			'--mode same --boundary mirror' '--mode same --boundary nearest'; do
			case $c$args in
			[dije]*corr,conv* | [dije]*conv,corr* | m*valid*) continue ;;
			esac
			n=$((n + 1)) s1=0 s2=0 whole=
			case $c in [k-o]) whole='--tiles 0,0 --verbose' ;; esac
			# shellcheck disable=SC2086
			tconv -k $c.k.npy $args --method fft $whole <$c.sig.npy \
				>fft$n.npy 2>>err || s1=$?
			# shellcheck disable=SC2086
			tconv -k $c.k.npy $args --method direct <$c.sig.npy >dir$n.npy 2>>err || s2=$?
			echo "$n $c $s1 $s2 $args" >>list
		done
	done
	grep -v '^tconv: total' err | grep -v 'passes over rows, column blocks, rows;' || :
	[ "$(grep -c 'passes over rows' err)" -eq 53 ]
	run "$PY" - <<'PYEOF'
import numpy as np, scipy.signal as ss
PAD = {"zero": "constant", "wrap": "wrap", "reflect": "symmetric",
       "mirror": "reflect", "nearest": "edge"}
def ref(x, k, mode, ops, bnd):
    cx = np.iscomplexobj(x) or np.iscomplexobj(k)
    x = x.astype(complex if cx else float); k = k.astype(complex if cx else float)
    nb = x.ndim - k.ndim
    for a, op in enumerate(ops):
        if op == "corr":
            k = np.flip(k, a)
    if all(op == "corr" for op in ops):
        k = np.conj(k)
    k = k.reshape((1,) * nb + k.shape)
    if bnd != "zero":
        x = np.pad(x, [(0, 0)] * nb + [(m - 1 - (m - 1) // 2, (m - 1) // 2)
                   for m in k.shape[nb:]], mode=PAD[bnd])
        mode = "valid"
    return ss.fftconvolve(x, k, mode, axes=range(nb, x.ndim))
bad = 0
for line in open("list"):
    n, c, s1, s2, *args = line.split()
    what = f"case {c} {' '.join(args)}"
    if s1 != "0" or s2 != "0":
        print(f"{what}: exit fft {s1} direct {s2}"); bad += 1; continue
    x, k = np.load(f"{c}.sig.npy"), np.load(f"{c}.k.npy")
    o = dict(zip(args[::2], args[1::2]))
    ops = (["corr"] * k.ndim if "--corr" in args else
           o.get("--op", ",".join(["conv"] * k.ndim)).split(","))
    want = ref(x, k, o["--mode"], ops, o.get("--boundary", "zero"))
    tol = 1e-5 if x.dtype in (np.float32, np.complex64) else 1e-12
    scale = np.max(np.abs(want))
    for meth in ("fft", "dir"):
        a = np.load(f"{meth}{n}.npy")
        if a.shape != want.shape or a.dtype != x.dtype:
            print(f"{what}: {meth} gives {a.shape} {a.dtype}, want {want.shape} {x.dtype}")
            bad += 1; continue
        err = np.max(np.abs(a.astype(complex) - want)) / scale
        if not err <= tol:
            print(f"{what}: {meth} differs from SciPy by {err:.3g} * max|out|"); bad += 1
    a, b = np.load(f"fft{n}.npy"), np.load(f"dir{n}.npy")
    err = np.max(np.abs(a.astype(complex) - b.astype(complex))) / np.max(np.abs(b))
    if not err <= tol:
        print(f"{what}: fft and direct differ by {err:.3g} * max|out|"); bad += 1
print(bad, "failing of", n)
exit(1 if bad else 0)
PYEOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "tconv: a stream of records with one kernel equals per-record results" {
	py '
import scipy.signal as ss
rng = np.random.default_rng(11)
k = rng.standard_normal((5, 4))
np.save("k.npy", k)
recs = [rng.standard_normal((20, 23)) for _ in range(4)]
with open("stream.npy", "wb") as f:
    for i, r in enumerate(recs):
        np.save(f, r)
        np.save("rec%d.npy" % i, r)
with open("expect.npy", "wb") as f:
    for r in recs:
        np.save(f, ss.convolve(r, k[::-1, :], "same"))
'
	tconv -k k.npy --mode same --op corr,conv <stream.npy >out.npy
	: >single.npy
	for i in 0 1 2 3; do
		tconv -k k.npy --mode same --op corr,conv <rec$i.npy >>single.npy
	done
	npy_close out.npy single.npy 1e-12
	npy_close out.npy expect.npy 1e-12
}

@test "tconv: a stream whose records change shape and batch size" {
	py '
import scipy.signal as ss
rng = np.random.default_rng(12)
k = rng.standard_normal((3, 6))
np.save("k.npy", k)
shapes = [(10, 12), (2, 10, 12), (31, 17), (10, 12), (3, 1, 8, 9)]
with open("stream.npy", "wb") as f, open("expect.npy", "wb") as g:
    for s in shapes:
        r = rng.standard_normal(s)
        np.save(f, r)
        np.save(g, ss.convolve(r, k.reshape((1,) * (r.ndim - 2) + k.shape), "full"))
'
	for m in auto fft direct; do
		tconv -k k.npy --mode full --method $m <stream.npy >out-$m.npy
		npy_close out-$m.npy expect.npy 1e-12
	done
}

@test "tconv: kernel as text and as PNG" {
	cat >k.txt <<'EOF'
# a 3x3 binomial kernel, not normalised
1 2 1
2, 4, 2
1 2 1
EOF
	py '
import scipy.signal as ss
from PIL import Image
rng = np.random.default_rng(13)
x = rng.standard_normal((15, 16))
np.save("x.npy", x)
kt = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], float)
np.save("expect-txt.npy", ss.convolve(x, kt, "same"))
kp = rng.integers(0, 256, size=(3, 5)).astype(np.uint8)
Image.fromarray(kp).save("k.png")
np.save("expect-png.npy", ss.correlate(x, kp.astype(float), "full"))
'
	tconv -k k.txt --mode same <x.npy >out-txt.npy
	npy_close out-txt.npy expect-txt.npy 1e-12
	tconv -k k.png --mode full --corr <x.npy >out-png.npy
	npy_close out-png.npy expect-png.npy 1e-12
}

@test "tconv: the seed formula c(x,y) = sum_i sum_j a(x-i,y+j) b(i,j) is --op conv,corr --mode full" {
	# a is N0 x N1, b is M0 x M1, a(p,q) = 0 outside the array.  Axis 0 is
	# a convolution: full output row x = 0 .. N0+M0-2 is c's x.  Axis 1 is a
	# correlation, i.e. a convolution with b reversed, b'(j') = b(M1-1-j'):
	#   full[k] = sum_j' a(k-j') b'(j') = sum_j a(k-(M1-1)+j) b(j),
	# so output column k is c's y = k-(M1-1), y = -(M1-1) .. N1-1.  The loop
	# below adds a(p,q) b(i,j) to c(x,y) with p = x-i, q = y+j, that is to
	# out[p+i, q-j+M1-1]: a block of a shifted by (i, M1-1-j).
	py '
rng = np.random.default_rng(14)
a = rng.standard_normal((13, 17))
b = rng.standard_normal((4, 5))
N0, N1 = a.shape
M0, M1 = b.shape
out = np.zeros((N0 + M0 - 1, N1 + M1 - 1))
for i in range(M0):
    for j in range(M1):
        out[i:i + N0, M1 - 1 - j:M1 - 1 - j + N1] += a * b[i, j]
# one point by the formula itself, as a check of the offsets above
x, y = 5, -2
c = sum(a[x - i, y + j] * b[i, j] for i in range(M0) for j in range(M1)
        if 0 <= x - i < N0 and 0 <= y + j < N1)
assert abs(c - out[x, y + M1 - 1]) < 1e-12
np.save("a.npy", a); np.save("b.npy", b); np.save("expect.npy", out)
'
	for m in auto fft direct; do
		tconv -k b.npy --op conv,corr --mode full --method $m <a.npy >c-$m.npy
		npy_close c-$m.npy expect.npy 1e-12
	done
}

@test "tconv: -o and a file operand give the same bytes as stdin to stdout" {
	tconv -k "$GOLD/2d-f64-24x24.k.npy" --mode same <"$GOLD/2d-f64-24x24.in.npy" >stdout.npy
	tconv -k "$GOLD/2d-f64-24x24.k.npy" --mode same -o file.npy <"$GOLD/2d-f64-24x24.in.npy"
	cmp stdout.npy file.npy
	tconv -k "$GOLD/2d-f64-24x24.k.npy" --mode same "$GOLD/2d-f64-24x24.in.npy" >operand.npy
	cmp stdout.npy operand.npy
}

@test "tconv: --plan measure saves wisdom under XDG_CACHE_HOME and reuses it" {
	# The first run measures its plans and saves the wisdom; the second
	# makes the same plans from that wisdom alone (FFTW_WISDOM_ONLY, as
	# --verbose says) and leaves the files as they were; a run with an
	# empty cache measures again.
	export XDG_CACHE_HOME="$BATS_TEST_TMPDIR/cache"
	run --separate-stderr tconv --verbose -k "$GOLD/2d-f64-24x24.k.npy" --mode same \
		--method fft --plan measure -o out1.npy "$GOLD/2d-f64-24x24.in.npy"
	[ "$status" -eq 0 ]
	[[ $stderr == *"plans measured"* ]] || fail "first run: $stderr"
	npy_close out1.npy "$GOLD/2d-f64-24x24.out.npy" 1e-12
	[ -s "$XDG_CACHE_HOME/tpipe/wisdom-f64" ]
	before=$(stat -c '%y %n' "$XDG_CACHE_HOME"/tpipe/wisdom-*)
	cp "$XDG_CACHE_HOME/tpipe/wisdom-f64" saved-f64
	run --separate-stderr tconv --verbose -k "$GOLD/2d-f64-24x24.k.npy" --mode same \
		--method fft --plan measure -o out2.npy "$GOLD/2d-f64-24x24.in.npy"
	[ "$status" -eq 0 ]
	[[ $stderr == *"plans from wisdom"* ]] || fail "second run: $stderr"
	npy_close out2.npy "$GOLD/2d-f64-24x24.out.npy" 1e-12
	cmp saved-f64 "$XDG_CACHE_HOME/tpipe/wisdom-f64"
	[ "$(stat -c '%y %n' "$XDG_CACHE_HOME"/tpipe/wisdom-*)" = "$before" ]
	export XDG_CACHE_HOME="$BATS_TEST_TMPDIR/empty"
	run --separate-stderr tconv --verbose -k "$GOLD/2d-f64-24x24.k.npy" --mode same \
		--method fft --plan measure -o out3.npy "$GOLD/2d-f64-24x24.in.npy"
	[[ $stderr == *"plans measured"* ]] || fail "empty cache: $stderr"
}

@test "tconv: bad input: exit status, one-line message naming the value, empty stdout, no -o file" {
	py '
np.save("s1.npy", np.arange(10.0))
np.save("s2.npy", np.ones((4, 4)))
np.save("k1.npy", np.ones(3))
np.save("k2.npy", np.ones((3, 3)))
np.save("k53.npy", np.ones((5, 3)))
np.save("k0.npy", np.ones(0))
np.save("k30.npy", np.ones((3, 0)))
'
	: >kempty.npy
	# status|stderr ERE|signal|kernel|arguments   (man/tconv.1, EXIT STATUS)
	cat >rows <<'EOF'
1|axes|s1.npy|k2.npy|--mode same
1|valid|larger|exceed|small|\(5, ?3\)|s2.npy|k53.npy|--mode valid
1|empty|zero|\(0,?\)|s1.npy|k0.npy|--mode full
1|empty|zero|\(3, ?0\)|s2.npy|k30.npy|--mode same
1|kempty.npy|empty|no (kernel|record)|s1.npy|kempty.npy|--mode same
1|nosuch.npy|s1.npy|nosuch.npy|--mode same
2|bogus|s1.npy|k1.npy|--mode bogus
2|bogus|s1.npy|k1.npy|--op bogus
2|bogus|s2.npy|k2.npy|--op conv,bogus
2|bogus|s1.npy|k1.npy|--boundary bogus
2|bogus|s1.npy|k1.npy|--method bogus
2|bogus|s1.npy|k1.npy|--plan bogus
2|f16|s1.npy|k1.npy|-t f16
2|abc|s1.npy|k1.npy|-j abc
2|conv,corr,conv|op|3|s2.npy|k2.npy|--op conv,corr,conv
2|conv,corr|op|2|s1.npy|k1.npy|--op conv,corr
1|the kernel has 2 axes but the signal \(10,\) has 1|s1.npy|k2.npy|--mode full
2|'conv,corr'.*2 ops for a kernel of 1 axis|s1.npy|k1.npy|--op conv,corr
2|'conv,'.*entry 2 is empty|s2.npy|k2.npy|--op conv,
2|',corr'.*entry 1 is empty|s2.npy|k2.npy|--op ,corr
2|--op 'conv,,corr'.*entry 2 is empty|s2.npy|k2.npy|--op conv,,corr
2|-k '-'.*standard input|s1.npy|-|--mode same
2|--tiles '32,'.*entry 2 is empty|s1.npy|k1.npy|--tiles 32,
2|--tiles.*'x'|s1.npy|k1.npy|--tiles x
EOF
	fail=0 n=0
	while IFS= read -r row; do
		# the last three fields are signal|kernel|args; the ERE may hold |
		want=${row%%|*}
		rest=${row#*|}
		args=${rest##*|}
		rest=${rest%|*}
		ker=${rest##*|}
		rest=${rest%|*}
		sig=${rest##*|}
		ere=${rest%|*}
		n=$((n + 1))
		mkdir -p "o$n"
		st=0 st2=0
		# shellcheck disable=SC2086
		tconv -k "$ker" $args <"$sig" >"out$n" 2>"err$n" || st=$?
		# shellcheck disable=SC2086
		tconv -k "$ker" $args -o "o$n/out.npy" <"$sig" >/dev/null 2>/dev/null || st2=$?
		why=
		[ "$st" -eq "$want" ] || why="exit $st, want $want"
		[ "$st2" -eq "$st" ] || why="$why; with -o exit $st2"
		[ -s "out$n" ] && why="$why; stdout not empty"
		[ "$(wc -l <"err$n")" -eq 1 ] || why="$why; stderr has $(wc -l <"err$n") lines"
		grep -q '^tconv: ' "err$n" || why="$why; stderr does not start with 'tconv: '"
		grep -Eqi -- "$ere" "err$n" || why="$why; stderr does not match /$ere/"
		[ -z "$(ls -A "o$n")" ] || why="$why; -o left $(ls -A "o$n")"
		if [ -n "$why" ]; then
			echo "row $n (-k $ker $args < $sig): ${why#; } [stderr: $(head -c 300 "err$n")]"
			fail=$((fail + 1))
		fi
	done <rows
	echo "$fail of $n rows failing"
	[ "$fail" -eq 0 ]
}

@test "tconv: a bad second record: exit 1, message names record 1, -o leaves no file" {
	py '
with open("stream.npy", "wb") as f:
    np.save(f, np.ones((6, 7)))
    np.save(f, np.ones(9))
np.save("k.npy", np.ones((3, 3)))
'
	mkdir o
	run --separate-stderr tconv -k k.npy --mode same -o o/out.npy stream.npy
	[ "$status" -eq 1 ]
	[[ $stderr == "tconv: "*"record 1"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[ -z "$(ls -A o)" ]
}

@test "tconv: missing -k is a usage error" {
	run --separate-stderr tconv --mode same <"$GOLD/1d-f64-long.in.npy"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ -n "$stderr" ]
}

@test "tconv: NaN and Inf in the signal spoil only the outputs whose window holds them" {
	# man/tconv.1, Non-finite values: an output is NaN when its window of
	# the extended signal holds a NaN or an infinity; every other output is
	# the convolution of the finite samples.  For every method.
	py '
rng = np.random.default_rng(15)
x = rng.standard_normal((16, 18))
x[7, 9] = np.nan
x[0, 3] = np.inf
x[12, 17] = -np.inf
np.save("x.npy", x)
np.save("x32.npy", x.astype(np.float32))
np.save("k.npy", rng.standard_normal((3, 4)))
'
	: >list
	n=0
	for m in auto fft direct; do
		for s in x x32; do
			for a in '--mode same' '--mode full' '--mode valid' \
				'--mode same --boundary reflect' '--mode same --boundary wrap' \
				'--mode full --boundary nearest --op corr,conv'; do
				n=$((n + 1)) st=0
				# shellcheck disable=SC2086
				tconv -k k.npy $a --method $m -o out$n.npy <$s.npy || st=$?
				echo "$n $st $s $m $a" >>list
			done
		done
	done
	run "$PY" - <<'PYEOF'
import os, sys
import numpy as np, scipy.signal as ss
sys.path.insert(0, os.path.join(os.environ["TPIPE_TOP"], "test"))
from convref import extend
bad = 0
for line in open("list"):
    n, st, s, m, *args = line.split()
    what = f"{s} --method {m} {' '.join(args)}"
    if st != "0":
        print(f"{what}: exit {st}"); bad += 1; continue
    x = np.load(s + ".npy").astype(float)
    k = np.load("k.npy")
    o = dict(zip(args[::2], args[1::2]))
    ops = o.get("--op", "conv,conv").split(",")
    for ax, op in enumerate(ops):
        if op == "corr":
            k = np.flip(k, ax)
    xp = extend(x, k.shape, o["--mode"], o.get("--boundary", "zero"))
    bad_in = ~np.isfinite(xp)
    want_nan = ss.convolve(bad_in.astype(float), np.ones(k.shape), "valid") > 0.5
    want = ss.convolve(np.where(bad_in, 0, xp), k, "valid")
    a = np.load(f"out{n}.npy")
    if a.shape != want.shape:
        print(f"{what}: shape {a.shape}, want {want.shape}"); bad += 1; continue
    if not np.array_equal(np.isnan(a), want_nan):
        print(f"{what}: NaN at {np.argwhere(np.isnan(a)).tolist()[:12]}, "
              f"want {np.argwhere(want_nan).tolist()[:12]}"); bad += 1; continue
    tol = 1e-5 if a.dtype == np.float32 else 1e-12
    scale = np.max(np.abs(want[~want_nan]))
    err = np.max(np.abs(a[~want_nan] - want[~want_nan])) / scale
    if not err <= tol:
        print(f"{what}: finite outputs differ by {err:.3g} * max|out|"); bad += 1
print(bad, "failing")
exit(1 if bad else 0)
PYEOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "tconv: a NaN or Inf in the kernel makes every output NaN" {
	py '
np.save("x.npy", np.random.default_rng(16).standard_normal((10, 12)))
k = np.ones((3, 3)); k[1, 1] = np.nan
np.save("knan.npy", k)
k[1, 1] = np.inf
np.save("kinf.npy", k)
'
	for m in auto fft direct; do
		for k in knan kinf; do
			run --separate-stderr tconv -k $k.npy --mode full --method $m -o out.npy x.npy
			[ "$status" -eq 0 ]
			py 'a = np.load("out.npy"); assert a.shape == (12, 14) and np.isnan(a).all(), a'
		done
	done
}

@test "tconv: --help prints usage on stdout and exits 0" {
	run --separate-stderr tconv --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: tconv -k kernel "* ]]
	[[ $output != *"usage: usage"* ]]
	[ -z "$stderr" ]
}

# Identities that hold whatever the shapes: random shapes, kernels, modes,
# ops and boundaries from a fixed seed, each checked on the method auto
# picks.  props.py writes the inputs and a file "cmds" of tconv calls
# (one per line: output file, then arguments); the same script checks.
@test "tconv: properties on random shapes (delta, commutativity, associativity, corr = flipped conv)" {
	cat > props.py <<'PYEOF'
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
rng = np.random.default_rng(2026)
BND = ['zero', 'wrap', 'reflect', 'mirror', 'nearest']
cases = []                      # (kind, outputs..., extra)
def save(name, a):
    np.save(name, a)
    return name
if sys.argv[1] == 'make':
    cmds = []
    for t in range(12):
        nd = int(rng.integers(1, 4))
        xs = tuple(int(v) for v in rng.integers(1, 12, nd))
        batch = tuple(int(v) for v in rng.integers(1, 3, int(rng.integers(0, 2))))
        x = rng.standard_normal(batch + xs)
        a = rng.standard_normal(tuple(int(v) for v in rng.integers(1, 6, nd)))
        b = rng.standard_normal(tuple(int(v) for v in rng.integers(1, 6, nd)))
        d = np.zeros(tuple(int(v) * 2 + 1 for v in rng.integers(0, 3, nd)))
        d[tuple(s // 2 for s in d.shape)] = 1
        bnd = BND[t % 5]
        X, A, B, D = (save(f'{n}{t}.npy', v) for n, v in
                      (('x', x), ('a', a), ('b', b), ('d', d)))
        np.save(f'aflip{t}.npy', a[::-1, ...].copy() if nd == 1 else
                np.flip(a, axis=tuple(range(nd))).copy())
        # delta: same mode returns the signal, for every boundary
        cmds.append(f'delta{t}.npy -k {D} --mode same --boundary {bnd} {X}')
        # commutativity in full mode: a*b == b*a
        cmds.append(f'ab{t}.npy -k {B} --mode full {A}')
        cmds.append(f'ba{t}.npy -k {A} --mode full {B}')
        # associativity: (x*a)*b == x*(a*b)
        cmds.append(f'xa{t}.npy -k {A} --mode full {X}')
        cmds.append(f'xa_b{t}.npy -k {B} --mode full xa{t}.npy')
        cmds.append(f'x_ab{t}.npy -k ab{t}.npy --mode full {X}')
        # correlation is convolution with the kernel flipped on every axis
        cmds.append(f'corr{t}.npy -k {A} --corr --mode same --boundary {bnd} {X}')
        cmds.append(f'flip{t}.npy -k aflip{t}.npy --mode same --boundary {bnd} {X}')
    open('cmds', 'w').write('\n'.join(cmds) + '\n')
    sys.exit(0)
bad = []
def close(p, q, what):
    u, v = records(p)[0], records(q)[0] if isinstance(q, str) else q
    if u.shape != v.shape:
        bad.append(f'{what}: shape {u.shape} != {v.shape}')
    elif np.max(np.abs(u - v), initial=0) > 1e-12 * max(np.max(np.abs(v), initial=0), 1e-300):
        bad.append(f'{what}: max error {np.max(np.abs(u - v)):.3g}')
for t in range(12):
    close(f'delta{t}.npy', np.load(f'x{t}.npy'), f'case {t}: delta')
    close(f'ab{t}.npy', f'ba{t}.npy', f'case {t}: a*b vs b*a')
    close(f'xa_b{t}.npy', f'x_ab{t}.npy', f'case {t}: (x*a)*b vs x*(a*b)')
    close(f'corr{t}.npy', f'flip{t}.npy', f'case {t}: corr vs flipped conv')
if bad:
    sys.exit('\n'.join(bad))
PYEOF
	"$PY" props.py make
	while read -r out args; do
		# shellcheck disable=SC2086 # args is a word list on purpose
		tconv $args > "$out" || fail "tconv $args failed"
	done < cmds
	run "$PY" props.py check
	[ "$status" -eq 0 ] || fail "$output"
}

@test "tconv: a record with an empty axis gives an empty output (full and same), valid refuses it" {
	tgen zeros 0,10 -o e.npy
	tgen ones 3,3 -o k.npy
	[ "$(tconv -k k.npy --mode full e.npy | tinfo)" = "0 shape=(0,12) dtype=float64 bytes=0 min=- max=- mean=- std=- nan=0 inf=0" ]
	[ "$(tgen zeros 2,0,10 | tconv -k k.npy --mode same --boundary reflect | tinfo)" = "0 shape=(2,0,10) dtype=float64 bytes=0 min=- max=- mean=- std=- nan=0 inf=0" ]
	run --separate-stderr tconv -k k.npy --mode valid e.npy
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ $stderr == *"axis 0"*"has 0"* ]]
}

# --- added by the review of the convolution engine ----------------------

@test "tconv: --method direct in float32 stays within 1e-5 of SciPy for a long kernel" {
	# man/tconv.1: every method agrees with scipy.signal.fftconvolve to
	# 1e-5 * max|out| in float32.  A single float accumulator per output
	# over 40000 taps of positive data drifts past that.
	py '
rng = np.random.default_rng(31)
np.save("x.npy", rng.uniform(0, 1, 80000).astype(np.float32))
np.save("k.npy", rng.uniform(0, 1, 40000).astype(np.float32))
'
	for m in direct fft auto; do
		tconv -k k.npy --mode valid --method $m -o out-$m.npy x.npy
	done
	run "$PY" -c '
import numpy as np, scipy.signal as ss
x, k = np.load("x.npy").astype(float), np.load("k.npy").astype(float)
w = ss.fftconvolve(x, k, "valid")
bad = 0
for m in ("direct", "fft", "auto"):
    a = np.load(f"out-{m}.npy")
    e = np.max(np.abs(a - w)) / np.max(np.abs(w))
    print(m, a.dtype, f"{e:.3g}")
    bad += a.dtype != np.float32 or not e <= 1e-5
exit(1 if bad else 0)
'
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "tconv: --method direct keeps memory a small multiple of the record for many short rows" {
	# DESIGN.md section 2: never more than a small constant times the
	# largest record.  A (1000000, 4) float64 record (32 MB) with a 60-tap
	# kernel in same mode: input, output and the FFT path need ~100 MB.
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	! tsan_build || skip "ThreadSanitizer's shadow memory counts in the RSS"
	py '
rng = np.random.default_rng(32)
np.save("x.npy", rng.standard_normal((1000000, 4)))
np.save("k.npy", rng.standard_normal(60))
'
	for m in direct auto; do
		/usr/bin/time -f "%M" -o rss-$m tconv -k k.npy --mode same --method $m -o out-$m.npy x.npy
		echo "$m: peak RSS $(cat rss-$m) KB"
		# 6 x 32 MB
		[ "$(tail -n 1 rss-$m)" -le 192000 ]
	done
}

@test "tconv: a record with no elements but a huge other axis ends at once" {
	# The empty record needs no transform; planning one for an axis of
	# 2^40 samples (searching for a fast length) must not hang the tool.
	py '
def hdr(shape):
    h = "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": %s, }" % (tuple(shape),)
    h = h.replace("\"", chr(39))
    h += " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h.encode()
open("e.npy", "wb").write(hdr((0, 2**40)))
np.save("k.npy", np.ones(3))
'
	for m in auto fft direct; do
		run --separate-stderr bounded tconv -k k.npy --mode full --method $m -o out.npy e.npy
		echo "--method $m: exit $status $stderr"
		[ "$status" -eq 0 ]
		py 'a = np.load("out.npy"); assert a.shape == (0, 2**40 + 2), a.shape'
	done
}

@test "tconv: a full-mode output axis longer than SIZE_MAX is an error, not a wrapped length" {
	# (0, 2^64-2) with a 3-tap kernel in full mode: the output axis would
	# be 2^64 long; it must not wrap around to 0.
	py '
h = "{\x27descr\x27: \x27<f8\x27, \x27fortran_order\x27: False, \x27shape\x27: (0, %d), }" % (2**64 - 2)
h += " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
open("e.npy", "wb").write(b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h.encode())
np.save("k.npy", np.ones(3))
'
	run --separate-stderr tconv -k k.npy --mode full --method direct e.npy
	echo "exit $status, stderr: $stderr"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

@test "tconv: 4-D and 5-D kernels (more axes than the tiler handles) equal SciPy on every method" {
	py '
rng = np.random.default_rng(33)
cases = [((3, 4, 5, 6, 7), (2, 3, 2, 3, 2)), ((2, 9, 8, 7, 6), (3, 3, 3, 3)),
         ((12, 11, 10, 9), (5, 4, 3, 2)), ((6, 1, 5, 4), (2, 3, 7, 1)),
         ((2, 2, 6, 1, 5, 4), (2, 3, 7, 1))]
for i, (xs, ks) in enumerate(cases):
    np.save(f"x{i}.npy", rng.standard_normal(xs))
    np.save(f"k{i}.npy", rng.standard_normal(ks))
'
	: >list
	n=0
	for i in 0 1 2 3 4; do
		for a in '--mode full' '--mode same' '--mode same --boundary reflect' \
			'--mode full --boundary wrap --corr' '--mode same --boundary mirror'; do
			for m in auto fft direct; do
				n=$((n + 1))
				# shellcheck disable=SC2086
				tconv -k k$i.npy $a --method $m -o out$n.npy x$i.npy
				echo "$n $i $a" >>list
			done
		done
	done
	run "$PY" - <<'PYEOF'
import os, sys
import numpy as np, scipy.signal as ss
sys.path.insert(0, os.path.join(os.environ["TPIPE_TOP"], "test"))
from convref import extend
bad = 0
for line in open("list"):
    n, i, *args = line.split()
    x, k = np.load(f"x{i}.npy"), np.load(f"k{i}.npy")
    o = dict(zip(args[::2], args[1::2]))
    if "--corr" in args:
        k = np.flip(k)
    mode, bnd = o["--mode"], o.get("--boundary", "zero")
    nb = x.ndim - k.ndim
    # numpy.pad repeats its rule for pads longer than the axis, except
    # that mirror ("reflect") of one sample must stay constant
    if bnd == "mirror" and min(x.shape) == 1:
        continue
    xp = extend(x, k.shape, mode, bnd)
    want = ss.fftconvolve(xp, k.reshape((1,) * nb + k.shape), "valid",
                          axes=range(nb, x.ndim))
    a = np.load(f"out{n}.npy")
    if a.shape != want.shape:
        print(line.strip(), "shape", a.shape, want.shape); bad += 1; continue
    e = np.max(np.abs(a - want)) / np.max(np.abs(want))
    if not e <= 1e-12:
        print(line.strip(), f"error {e:.3g}"); bad += 1
print(bad, "failing")
exit(1 if bad else 0)
PYEOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "tconv: overlap-save tiles: signal lengths just below, at and above tile multiples" {
	# --tiles (tp_conv_opts.tile) forces the tile length, so that the
	# last tile is full, one short, or holds a single output; every mode
	# and a non-zero boundary; kernel lengths 1, 2, 17 and the tile's half.
	py '
rng = np.random.default_rng(34)
i = 0
with open("list", "w") as f:
    for m in (1, 2, 17, 16):
        step = 32 - m + 1
        for mode in ("full", "same", "valid"):
            for base in (step, 2 * step):
                for d in (-1, 0, 1):
                    n = base + d - (m - 1 if mode == "full" else 0) + (m - 1 if mode == "valid" else 0)
                    if n < max(m, 1):
                        continue
                    for bnd in ("zero", "reflect"):
                        np.save(f"x{i}.npy", rng.standard_normal((2, n)))
                        np.save(f"k{i}.npy", rng.standard_normal(m))
                        f.write(f"{i} {mode} {bnd}\n")
                        i += 1
'
	while read -r i mode bnd; do
		tconv --tiles 32 -k k$i.npy --mode $mode --boundary $bnd --method fft -o out$i.npy x$i.npy
	done <list
	run "$PY" - <<'PYEOF'
import numpy as np, scipy.signal as ss
bad = 0
for line in open("list"):
    i, mode, bnd = line.split()
    x, k = np.load(f"x{i}.npy"), np.load(f"k{i}.npy")
    m = k.size
    if bnd == "zero":
        want = ss.fftconvolve(x, k[None], mode, axes=[1])
    else:
        p = (m - 1, m - 1) if mode == "full" else (m // 2, (m - 1) // 2) if mode == "same" else (0, 0)
        want = ss.fftconvolve(np.pad(x, [(0, 0), p], mode="symmetric"), k[None], "valid", axes=[1])
    a = np.load(f"out{i}.npy")
    e = np.max(np.abs(a - want)) / np.max(np.abs(want)) if a.shape == want.shape else np.inf
    if not e <= 1e-12:
        print(line.strip(), x.shape, m, a.shape, want.shape, e); bad += 1
print(bad, "failing")
exit(1 if bad else 0)
PYEOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "tconv: -j 1, 2, 4, 8 agree, and each thread count gives the same bytes every run" {
	py '
rng = np.random.default_rng(35)
np.save("b.npy", rng.standard_normal((16, 100, 120)))
np.save("k2.npy", rng.standard_normal((9, 7)))
np.save("l.npy", rng.standard_normal(200000))
np.save("k1.npy", rng.standard_normal(301))
np.save("f.npy", rng.standard_normal((600, 700)).astype(np.float32))
np.save("k31.npy", rng.standard_normal((31, 31)).astype(np.float32))
'
	for c in "b k2" "l k1" "f k31" "b k31"; do
		set -- $c
		for m in fft direct; do
			for j in 1 2 4 8; do
				tconv -k $2.npy --mode same --boundary reflect --method $m -j $j -o $1-$m-$j.npy $1.npy
				for r in 1 2; do
					tconv -k $2.npy --mode same --boundary reflect --method $m -j $j -o again.npy $1.npy
					cmp $1-$m-$j.npy again.npy
				done
				tol=1e-12
				[ "$1" = f ] && tol=1e-5
				npy_close $1-$m-$j.npy $1-$m-1.npy $tol
			done
		done
	done
}

@test "tconv: the 2-D passes give the same bytes on 1 to 3 threads, and to a stream's records as to single ones" {
	# conv_2d.c transforms the kernel's columns for the first record of a
	# shape, keeps them from the second and reads them from the third
	for t in f32 f64; do
		tgen randn 7,5 -t $t --seed 9 -o k$t.npy
		: >single.npy
		for s in 1 2 3; do
			tgen randn 45,50 -t $t --seed $s -o r$s.npy
			tconv -k k$t.npy --mode same --tiles 0,0 r$s.npy >>single.npy
		done
		cat r1.npy r2.npy r3.npy >stream.npy
		for j in 1 2 3; do
			tconv -k k$t.npy --mode same --tiles 0,0 --verbose -j $j \
				-o s$j.npy stream.npy 2>err
			[ "$(grep -c 'passes over rows' err)" -eq 3 ]
			cmp s$j.npy single.npy
		done
	done
}

@test "tconv: a stream of one shape whose dtype changes rebuilds the plans" {
	py '
import scipy.signal as ss
rng = np.random.default_rng(36)
k = rng.standard_normal((5, 4))
np.save("k.npy", k)
recs = []
for dt in ("f8", "f4", "c8", "c16", "i4", "f2", "f8", "u1", ">f8", "c8"):
    a = rng.standard_normal((40, 50)) * 10
    if dt[0] == "c":
        a = a + 1j * rng.standard_normal(a.shape)
    recs.append(a.astype(dt))
with open("stream.npy", "wb") as f:
    for r in recs:
        np.save(f, r)
with open("expect.npy", "wb") as f:
    for r in recs:
        single = r.dtype in (np.float32, np.float16, np.complex64)
        want = ss.convolve(r.astype(complex if r.dtype.kind == "c" else float), k, "same")
        np.save(f, want.astype({(0, 0): "f8", (1, 0): "f4", (0, 1): "c16", (1, 1): "c8"}[(int(single), int(r.dtype.kind == "c"))]))
'
	for m in auto fft direct; do
		tconv -k k.npy --mode same --method $m <stream.npy >out-$m.npy
	done
	# each record at its own precision's tolerance: 1e-12 for f64 and
	# c16, 1e-5 for f32 and c8
	run "$PY" - <<'PYEOF'
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.environ["TPIPE_TOP"], "test"))
from npystream import records
want = records("expect.npy")
bad = 0
for m in ("auto", "fft", "direct"):
    got = records(f"out-{m}.npy")
    if len(got) != len(want):
        print(m, len(got), "records, want", len(want)); bad += 1; continue
    for i, (a, b) in enumerate(zip(got, want)):
        tol = 1e-5 if b.dtype in (np.float32, np.complex64) else 1e-12
        e = np.max(np.abs(a.astype(complex) - b.astype(complex))) / np.max(np.abs(b))
        if a.dtype != b.dtype or not e <= tol:
            print(f"--method {m} record {i}: {a.dtype} error {e:.3g}, want {b.dtype} within {tol:g}")
            bad += 1
print(bad, "failing")
exit(1 if bad else 0)
PYEOF
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "tconv: --verbose says which method auto took: direct for a small kernel, FFT for a large one" {
	tgen rand 256,256 --seed 1 -t f32 -o x.npy
	tgen ones 5,5 -t f32 -o k5.npy
	tgen ones 63,63 -t f32 -o k63.npy
	run --separate-stderr tconv --verbose -k k5.npy --mode same x.npy -o y5.npy
	[ "$status" -eq 0 ]
	[[ $stderr == "tconv: record 0: direct "* ]] || fail "$stderr"
	run --separate-stderr tconv --verbose -k k63.npy --mode same x.npy -o y63.npy
	[ "$status" -eq 0 ]
	[[ $stderr == "tconv: record 0: fft"* || $stderr == "tconv: record 0: overlap-save"* ]] || fail "$stderr"
}

@test "tconv: --verbose reports each record's method and read, compute and write times, then the totals" {
	tgen rand 3,40,50 --seed 2 -o x.npy
	tgen ones 5,5 -o k.npy
	cat x.npy x.npy >two.npy
	run --separate-stderr tconv --verbose -k k.npy --mode same -o y.npy two.npy
	[ "$status" -eq 0 ]
	echo "$stderr"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 3 ]
	t='read [0-9]+\.[0-9]{3} s, compute [0-9]+\.[0-9]{3} s, write [0-9]+\.[0-9]{3} s'
	printf '%s\n' "$stderr" | sed -n 1p | grep -Eq "^tconv: record 0: (direct|fft|overlap-save) \(model: .*\).*; $t\$"
	printf '%s\n' "$stderr" | sed -n 2p | grep -Eq "^tconv: record 1: .*; $t\$"
	printf '%s\n' "$stderr" | sed -n 3p | grep -Eq "^tconv: total: $t\$"
	# one record: its line and the total, as every tool; without
	# --verbose: nothing
	run --separate-stderr tconv --verbose -k k.npy --mode same -o y.npy x.npy
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 ]
	printf '%s\n' "$stderr" | sed -n 2p | grep -Eq "^tconv: total: $t\$"
	run --separate-stderr tconv -k k.npy --mode same -o y.npy two.npy
	[ -z "$stderr" ]
}
