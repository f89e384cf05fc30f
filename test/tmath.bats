#!/usr/bin/env bats
# tmath: the property test against numpy over every dtype pair
# (test/tmath_prop.py), NumPy 1.24's type rules and operator precedence
# case by case, broadcasting, NAME=FILE streams and their pairing,
# --explain, -t, threads, a record larger than a block streamed in
# constant memory, and the table of bad input.

load helpers

# check EXPR [NAME=FILE ...]: tmath EXPR ... x.npy must equal (dtype,
# shape, values bit for bit, NaN where numpy has NaN) numpy's eval of
# EXPR with x and the bound files loaded; with ULPS set, the values to
# that many units in the last place (functions other than + - * / sqrt).
check() {
	local expr=$1
	shift
	tmath -- "$expr" "$@" x.npy > got.npy	# -- : EXPR may start with -
	ULPS=${ULPS:-0} "$PY" - "$expr" "$@" <<'EOF'
import os, sys, warnings
import numpy as np
warnings.simplefilter('ignore')
expr, binds = sys.argv[1], sys.argv[2:]
env = {n: getattr(np, n) for n in dir(np) if not n.startswith('_')}
env.update(np=np, numpy=np, x=np.load('x.npy'))
for b in binds:
    name, path = b.split('=', 1)
    env[name] = np.load(path)
with np.errstate(all='ignore'):
    want = np.asarray(eval(expr, env))
got = np.load('got.npy')
assert got.dtype == want.dtype and got.shape == want.shape, \
    f'{expr}: tmath {got.dtype}{got.shape}, numpy {want.dtype}{want.shape}'
ulps = int(os.environ['ULPS'])
if ulps:
    for g, w in ([(got.real, want.real), (got.imag, want.imag)]
                 if want.dtype.kind == 'c' else [(got, want)]):
        fin = np.isfinite(w)
        assert np.array_equal(np.isnan(g), np.isnan(w)), expr
        assert np.array_equal(g[~fin & ~np.isnan(w)], w[~fin & ~np.isnan(w)])
        assert np.all(np.abs(g[fin] - w[fin]) <= ulps * np.spacing(
            np.abs(w[fin]))), f'{expr}: {got!r} != {want!r}'
else:
    assert got.tobytes() == want.tobytes() or np.array_equal(
        got, want, equal_nan=True), f'{expr}: {got!r} != {want!r}'
EOF
}

@test "property: random expressions over every dtype pair agree with numpy" {
	# seeds 1 to 5, two expressions per dtype pair: 1,960 cases
	run "$PY" "$TPIPE_TOP/test/tmath_prop.py" "$TPIPE_BIN/tmath" 1-5 2
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "tmath_prop: seeds 1-$(share 5), 2 per dtype pair: "* ]]
}

@test "numpy 1.24 promotion: value-based Python scalars, true division, integer wrap" {
	py "np.save('x.npy', np.array([1, 2, 250], np.uint8))"
	check 'x + 300'		# uint16
	check 'x + -1'		# int16
	check 'x * 2'		# uint8, wraps
	check 'x + 1.5'		# float64
	check 'x / x'		# true division: float64
	check 'x // 0'		# 0, as numpy
	check 'x % 0'
	check 'x - 255'
	py "np.save('x.npy', np.array([-128, -7, 7, 127], np.int8))"
	check 'x // -1'		# -128 // -1 wraps to -128
	check 'x % -3'
	check 'x // 2'
	check 'x ** 2'
	check '-x'
	check 'abs(x)'
	py "np.save('x.npy', np.linspace(-3, 3, 13, dtype=np.float32))"
	check 'x * 2'		# stays float32
	check 'x + 1e5'		# float32 too (value-based)
	check 'x + 1e50'	# float64
	check 'x * 1j'		# complex64
	check 'x // 0.7'
	check 'x % -0.7'
	check 'float16(x) * 3'
	check 'round(x * 2.5)'	# half to even
	ULPS=2 check 'where(x > 0, log1p(x), 0)'
	check 'clip(x, -1, 1.5)'
}

@test "operator precedence and associativity follow Python" {
	py "np.save('x.npy', np.array([2.0, 3.0], np.float64))"
	check '-x**2'		# -(x**2)
	check 'x**-1'
	check '2**x**2'		# right-associative: 2**(x**2)
	check '1 + 2 * x ** 2 - x / 4'
	check '(x > 2) | (x < 1) & (x > 0)'
	check 'x - x - x'
	check 'x / x / 2'
	check 'x // 2 * 3 % 5'
	ULPS=2 check 'np.sqrt(x) + numpy.exp(-x)'
}

@test "complex: + - * / as numpy computes them, abs, angle, real, imag, conj" {
	py "
v = np.array([1+2j, -3.5+0.25j, 0j, 1e300+1e300j, np.inf+1j, np.nan+0j,
              1e-300+1e-310j, -0.0-2j])
np.save('x.npy', v)
np.save('y.npy', v[::-1].copy())"
	check 'x / y' y=y.npy
	check 'x * y - x + y' y=y.npy
	ULPS=2 check 'abs(x)'		# hypot, as numpy's npy_cabs
	ULPS=2 check 'angle(x)'		# atan2
	check 'real(x) - imag(x)'
	check 'conj(x) / 3'
	check 'sqrt(x) == sqrt(x)'
	py "np.save('x.npy', np.array([1+2j, -3.5+0.25j, 0.5j], np.complex64))"
	check 'x / (x + 1)'
	check 'x ** 2'
	check 'x ** -1'
}

@test "golden: complex functions, powers and orderings, and ties of 0 and -0, bit for bit" {
	# test/data/tmath/cases.txt: name|expression|x|NAME=FILE ...; the
	# expected results are NumPy 1.24's (test/data/tmath/make-golden.py),
	# compared bit for bit (0 is not -0) but for NaNs' signs and payloads
	local d=$TPIPE_TOP/test/data/tmath name expr x binds b args n=0 bad=''
	while IFS='|' read -r name expr x binds; do
		args=()
		for b in $binds; do
			args+=("${b%%=*}=$d/${b#*=}.npy")
		done
		if ! tmath "$expr" "${args[@]}" "$d/$x.npy" > got.npy 2> err ||
		    ! npy_close got.npy "$d/$name.npy" 0 --bits; then
			bad="$bad $name"
			cat err
		fi
		n=$((n + 1))
	done < "$d/cases.txt"
	echo "$n cases, differing:${bad:- none}"
	[ "$n" -ge 40 ] && [ -z "$bad" ]
}

@test "complex: numpy scalars compare lexicographically without the NaN test, arrays with it" {
	# a 0-d x makes x * 1 a numpy scalar: its comparison with a Python
	# number is numpy's scalarmath (re == re' ? im OP im' : re OP re');
	# a 0-d array's, and greater(), are the ufunc's, NaN aware
	py "np.save('x.npy', np.array(np.inf + 7.75j))
np.save('v.npy', np.array([np.inf + 7.75j, 1 + 1j]))"
	check '(x * 1) > 2j'		# inf+nanj > 2j: True
	check 'x * 1 <= 3'
	check 'greater(x * 1, 2j)'	# the ufunc: False
	check '(v * 1) > 2j' v=v.npy	# an array: the ufunc
	check '(x * 1) > (x * 1j)'
	py "np.save('x.npy', np.array(np.nan + 1j, np.complex64))"
	check '(x * 1) < 3'		# complex64 and a Python int: the ufunc
	check '(x + 0) < (x * 1)'
}

@test "unsigned powers: uint64 ** -1 is numpy's float64 power, the others are refused as numpy's" {
	py "np.save('x.npy', np.arange(1, 40, dtype=np.uint64))"
	ULPS=1 check 'x ** -1'
	ULPS=1 check 'sign(x) ** -2'
	ULPS=1 check 'where(x > 3, x, 0) ** -1'
	py "np.save('x.npy', np.arange(1, 40, dtype=np.uint32))"
	fails 1 "column 3: integers to negative integer powers are not allowed" x.npy tmath 'x ** -1'
	py "np.save('x.npy', np.arange(1, 40, dtype=np.uint8))"
	fails 1 "column 3: integers to negative integer powers are not allowed" x.npy tmath 'x ** -1'
}

@test "log1p of float32 is correctly rounded (log1p in float64, rounded), within 2 ulp of numpy's" {
	py "
rng = np.random.default_rng(5)
x = np.concatenate([rng.standard_normal(200000), rng.standard_normal(100000) * 1e-6,
    np.exp(rng.uniform(-80, 85, 100000)), -np.exp(rng.uniform(-80, 0, 100000)),
    [0, -0.0, -1, -1.5, np.inf, -np.inf, np.nan, 1e-30, -1e-30, 3.4e38, 2**-29,
     -2**-29, 2**-30, -0.9999999]]).astype(np.float32)
np.save('x.npy', x)"
	tmath 'log1p(x)' x.npy > got.npy
	py "
import warnings; warnings.simplefilter('ignore')
x, g = np.load('x.npy'), np.load('got.npy')
ref = np.log1p(x.astype(np.float64)).astype(np.float32)
assert np.array_equal(np.isnan(g), np.isnan(ref))
k = ~np.isnan(ref)
assert g[k].tobytes() == ref[k].tobytes(), np.flatnonzero(g[k] != ref[k])[:5]
fin = np.isfinite(ref)
w = np.log1p(x)[fin].astype(np.float64)
assert np.all(np.abs(g[fin] - w) <= 2 * np.spacing(np.abs(ref[fin])))"
}

@test "broadcasting: the output shape is the broadcast shape, by blocks" {
	py "
np.save('x.npy', np.arange(3000 * 7, dtype=np.float32).reshape(3000, 7))
np.save('row.npy', np.arange(7, dtype=np.int16) - 3)
np.save('col.npy', np.arange(3000, dtype=np.float64).reshape(3000, 1))
np.save('s.npy', np.array(2.5, np.float32))"
	check 'x * row' row=row.npy
	check 'x - col + row' col=col.npy row=row.npy
	check 'x * s' s=s.npy
	check 'row * col' row=row.npy col=col.npy
	# x itself broadcast to a larger output
	py "np.save('x.npy', np.arange(4, dtype=np.int32).reshape(4, 1))
np.save('r.npy', np.arange(5, dtype=np.uint8))"
	check 'x * r + 1' r=r.npy
}

@test "a 0-d record takes value-based casting like a numpy 0-d array" {
	py "np.save('x.npy', np.array(300, np.int64))
np.save('u.npy', np.arange(4, dtype=np.uint8))"
	check 'u + x' u=u.npy	# uint16: 300 fits
	check 'x * 2'		# int64 scalar arithmetic
	check 'x ** 2'
}

@test "streams: a one-record file serves every record, N records pair with N" {
	tgen zeros 3 -t f32 > x.npy
	tgen zeros 3 -t f32 >> x.npy
	tgen zeros 3 -t f32 >> x.npy
	py "
import io
with open('x.npy', 'wb') as f:
    for k in range(3):
        np.save(f, np.arange(3, dtype=np.float32) + 10 * k)
with open('y3.npy', 'wb') as f:
    for k in range(3):
        np.save(f, np.full(3, k, np.int8))
np.save('y1.npy', np.array([1, 2, 3], np.float32))"
	tmath 'x * y' y=y1.npy x.npy > one.npy
	tmath 'x + y' y=y3.npy < x.npy > three.npy
	py "
from npystream import records
" 2> /dev/null || true
	"$PY" - <<'EOF'
import sys, os
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
import numpy as np
from npystream import records
xs = records('x.npy')
one, three = records('one.npy'), records('three.npy')
assert len(one) == 3 and len(three) == 3
for k in range(3):
    assert np.array_equal(one[k], xs[k] * np.array([1, 2, 3], np.float32))
    assert three[k].dtype == np.float32
    assert np.array_equal(three[k], xs[k] + np.int8(k))
EOF
}

@test "streams: a count mismatch names both, after the records before it" {
	py "
with open('x.npy', 'wb') as f:
    for k in range(3):
        np.save(f, np.arange(3, dtype=np.float32) + k)
with open('y2.npy', 'wb') as f:
    for k in range(2):
        np.save(f, np.full(3, k, np.float32))
with open('x2.npy', 'wb') as f:
    for k in range(2):
        np.save(f, np.arange(3, dtype=np.float32))
with open('y3.npy', 'wb') as f:
    for k in range(3):
        np.save(f, np.full(3, k, np.float32))"
	fails --any-stdout 1 "y 'y2.npy' ends after 2 records but the input x.npy has more" /dev/null tmath 'x + y' y=y2.npy x.npy
	tmath 'x + y' y=y2.npy x.npy > part.npy 2> /dev/null || true
	[ "$("$PY" -c "import sys; sys.path.insert(0, '$TPIPE_TOP/test'); from npystream import records; print(len(records('part.npy')))")" -eq 2 ]
	fails --any-stdout 1 "the input x2.npy ends after 2 records but y 'y3.npy' has more" /dev/null tmath 'x + y' y=y3.npy x2.npy
}

@test "streams: a bound operand of the output's shape streams beside x, held only where it must be" {
	# x: three records; y1: one record of x's shape (streamed with the
	# first record, read again for the others); ys: three records whose
	# second broadcasts (read whole) and whose others stream
	py "
with open('x.npy', 'wb') as f:
    for k in range(3):
        np.save(f, np.arange(6000, dtype=np.float32).reshape(2, 3000) + k)
np.save('y1.npy', np.linspace(-1, 1, 6000).reshape(2, 3000))
with open('ys.npy', 'wb') as f:
    np.save(f, np.arange(6000, dtype=np.int16).reshape(2, 3000))
    np.save(f, np.array([3], np.uint8))
    np.save(f, np.full((2, 3000), 0.5, np.float32))"
	tmath 'x * y - x' y=y1.npy x.npy > a.npy
	tmath 'x * y - x' y=- x.npy < y1.npy > b.npy	# a pipe: held whole
	tmath 'x + y' y=ys.npy x.npy > c.npy
	tmath 'x + y' y=- x.npy < ys.npy > d.npy
	tmath 'x * 2' y=ys.npy x.npy > e.npy		# y unused: skipped
	"$PY" - <<'EOF2'
import sys, os
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
import numpy as np
from npystream import records
xs, y1, ys = records('x.npy'), np.load('y1.npy'), records('ys.npy')
for name in 'ab':
    got = records(name + '.npy')
    assert len(got) == 3
    for k in range(3):
        w = xs[k] * y1 - xs[k]
        assert got[k].dtype == w.dtype and got[k].tobytes() == w.tobytes(), name
for name in 'cd':
    got = records(name + '.npy')
    assert len(got) == 3
    for k in range(3):
        w = xs[k] + ys[k]
        assert got[k].dtype == w.dtype and got[k].tobytes() == w.tobytes(), name
e = records('e.npy')
assert len(e) == 3 and all(np.array_equal(e[k], xs[k] * 2) for k in range(3))
EOF2
	# a bound stream one record short, or one too long, is still an error
	py "
import sys, os
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
with open('ys2.npy', 'wb') as f:
    for a in records('ys.npy')[:2]:
        np.save(f, a)"
	fails --any-stdout 1 "y 'ys2.npy' ends after 2 records but the input x.npy has more" /dev/null tmath 'x + y' y=ys2.npy x.npy
	printf '' > empty.npy
	fails 1 "the input empty.npy ends after 0 records but y 'ys.npy' has more" /dev/null tmath 'x + y' y=ys.npy empty.npy
}

@test "streams: a 256 MiB pair, and a stream of 64 MiB pairs, in constant memory" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	! tsan_build || skip "ThreadSanitizer's shadow memory counts in the RSS"
	tgen zeros 67108864 -t f32 > x.npy
	tgen range 67108864 -t f32 > y.npy
	/usr/bin/time -f %M -o rss tmath 'x * 2 + y' y=y.npy x.npy > out.npy
	echo "pair: peak RSS $(tail -n 1 rss) KB"
	[ "$(tail -n 1 rss)" -lt 65536 ]
	py "
a, y = np.load('out.npy', mmap_mode='r'), np.load('y.npy', mmap_mode='r')
assert a.shape == (67108864,) and a.dtype == np.float32
i = [0, 1, 12345678, 67108863]
assert np.array_equal(a[i], y[i]) and float(a[1]) == 1, (a[i], y[i])"
	rm x.npy out.npy
	tgen zeros 16777216 -t f32 > x.npy
	for k in 1 2 3; do tgen zeros 16777216 -t f32; done > x3.npy
	for k in 1 2 3; do tgen range 16777216 -t f32; done > y3.npy
	/usr/bin/time -f %M -o rss tmath 'x + y' y=y3.npy x3.npy > out.npy
	echo "stream: peak RSS $(tail -n 1 rss) KB"
	[ "$(tail -n 1 rss)" -lt 65536 ]
	[ "$(tinfo out.npy | grep -c 'min=0 max=1.67772e+07 ')" -eq 3 ]
}

@test "--explain prints the tree, each node's dtype and shape, and the output" {
	py "np.save('x.npy', np.zeros((8, 256), np.float32))
np.save('b.npy', np.zeros(256, np.int16))"
	run tmath --explain 'where(x > 0, log1p(x), 0) + b * 2' b=b.npy x.npy
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${lines[0]}" = "record 0:" ]
	[ "${lines[1]}" = "+: float32 (8, 256), computed in float32" ]
	[ "${lines[2]}" = "  where: float32 (8, 256)" ]
	[ "${lines[3]}" = "    >: bool (8, 256), computed in float32" ]
	[ "${lines[4]}" = "      x: float32 (8, 256)" ]
	[[ "$output" == *"  *: int16 (256,), computed in int16"* ]]
	[[ "$output" == *"    b: int16 (256,)"* ]]
	[ "${lines[-1]}" = "output: float32 (8, 256)" ]
}

@test "-t forces the output dtype (numpy's astype of the result)" {
	py "np.save('x.npy', np.array([-2.5, -0.5, 0.5, 1.5, 2.5, 100.7], np.float64))"
	tmath -t int16 'x * 3' x.npy > got.npy
	py "
g, x = np.load('got.npy'), np.load('x.npy')
assert g.dtype == np.int16 and np.array_equal(g, (x * 3).astype(np.int16)), g"
	tmath -t float32 'x / 3' x.npy > got.npy
	py "
g, x = np.load('got.npy'), np.load('x.npy')
assert g.dtype == np.float32 and np.array_equal(g, (x / 3).astype(np.float32)), g"
	fails --usage 2 "-t: " /dev/null tmath -t nonsense 'x'
}

@test "threads: -j1 and -j2 give the same bytes" {
	py "np.save('x.npy', np.random.default_rng(3).standard_normal(300001).astype(np.float32))"
	tmath -j1 'sqrt(x**2 + 1) * sin(x) // 0.25' x.npy > a.npy
	tmath -j2 'sqrt(x**2 + 1) * sin(x) // 0.25' x.npy > b.npy
	cmp a.npy b.npy
}

@test "a 256 MiB record streams through in constant memory" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	! tsan_build || skip "ThreadSanitizer's shadow memory counts in the RSS"
	tgen zeros 67108864 -t f32 | /usr/bin/time -f %M -o rss tmath 'x * 2 + 1' > out.npy
	echo "peak RSS $(cat rss) KB"
	[ "$(tail -n 1 rss)" -lt 65536 ]
	py "
a = np.load('out.npy', mmap_mode='r')
assert a.shape == (67108864,) and a.dtype == np.float32
assert float(a[0]) == 1 and float(a[-1]) == 1 and float(a[12345678]) == 1"
}

@test "bad input: one line naming the column, exit 2 for the expression, 1 for data" {
	py "np.save('$BATS_TEST_TMPDIR/x.npy', np.arange(4, dtype=np.int32))
np.save('$BATS_TEST_TMPDIR/f.npy', np.arange(4, dtype=np.float32))
np.save('$BATS_TEST_TMPDIR/b.npy', np.zeros(4, bool))
np.save('$BATS_TEST_TMPDIR/y.npy', np.arange(5, dtype=np.int32))"
	local X=$BATS_TEST_TMPDIR/x.npy F=$BATS_TEST_TMPDIR/f.npy
	local Y=$BATS_TEST_TMPDIR/y.npy B=$BATS_TEST_TMPDIR/b.npy
	row fails 2 "column 5: unknown name 'foo'" "$X" tmath 'x + foo'
	row fails 2 "column 1: unknown function 'frob'" "$X" tmath 'frob(x)'
	row fails 2 "column 1: sqrt takes 1 argument, not 2" "$X" tmath 'sqrt(x, x)'
	row fails 2 "column 1: where takes 3 arguments, not 2" "$X" tmath 'where(x, x)'
	row fails 2 "column 1: '\(' is not closed" "$X" tmath '(x + 1'
	row fails 2 "column 7: chained comparison" "$X" tmath '0 < x < 3'
	row fails 2 "column 5: the expression ends where an operand is expected" "$X" tmath 'x + '
	row fails 2 "column 3: unexpected '\)' after a complete expression" "$X" tmath 'x )'
	row fails 2 "column 3: '=' is not an operator" "$X" tmath 'x = 1'
	row fails 2 "column 1: sqrt is a function" "$X" tmath 'sqrt + 1'
	row fails 2 "integer 99999999999999999999 does not fit in 64 bits" "$X" tmath 'x + 99999999999999999999'
	row fails --usage 2 "x is the input stream" "$X" tmath 'x' x="$X"
	row fails --usage 2 "sqrt is a name of the language" "$X" tmath 'x' sqrt="$X"
	row fails 1 "record 0: expression 'x \+ y', column 3: shapes \(4,\) and \(5,\) do not broadcast" "$X" tmath 'x + y' y="$Y"
	row fails 1 "column 3: numpy's bitwise_and has no loop for float32 and int64" "$F" tmath 'x & 1'
	row fails 1 "column 3: the numpy boolean subtract" "$B" tmath 'x - x'
	row fails 1 "column 1: the numpy boolean negative" "$B" tmath -- '-x'
	row fails 1 "column 3: integers to negative integer powers are not allowed" "$X" tmath 'x ** -1'
	row fails 1 "column 3: numpy's floor_divide has no loop for int32 and complex128" "$X" tmath 'x // 1j'
	row fails 1 "y: 'nonexistent.npy'|nonexistent.npy" "$X" tmath 'x + y' y=nonexistent.npy
	rows_ok
}

@test "bad input: a stream that ends early delivers the records before it" {
	py "
with open('x.npy', 'wb') as f:
    np.save(f, np.arange(4, dtype=np.int32))
    np.save(f, np.arange(4, dtype=np.int32))"
	head -c -4 x.npy > cut.npy
	run --separate-stderr tmath 'x * 2' cut.npy
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "tmath: "* ]]
	tmath 'x * 2' cut.npy > part.npy 2> /dev/null || true
	py "
import sys, os
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
r = records('part.npy')
assert len(r) == 1 and list(r[0]) == [0, 2, 4, 6], r"
}
