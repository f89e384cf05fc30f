#!/usr/bin/env bats
# tgen: every kind against numpy's references in test/data (made by
# make-golden.py).  randn and rand must equal numpy's legacy MT19937
# generator exactly (byte-identical NPY files); eye and range too;
# gaussian to 1e-14 of its maximum (summation order may differ).

load helpers

# same GOT REF: the tgen output file GOT is byte-identical to the
# reference REF; when not, say how far it is (npycmp).
same() {
	cmp -s "$1" "$2" && return 0
	run npy_close "$1" "$2" 1e-15
	if [ "$status" -eq 0 ]; then
		fail "$1: within 1e-15 of $2 but not bit-identical"
	fi
	run npy_close "$1" "$2"
	fail "$1 differs from $2: $output"
}

@test "randn and rand equal numpy.random.seed(1); randn(8, 256) / rand(3, 5), bit for bit" {
	tgen randn 8,256 --seed 1 > a.npy
	same a.npy "$DATA/tgen-randn-8x256.npy"
	tgen randn 3,5 --seed 1 > b.npy
	same b.npy "$DATA/tgen-randn-3x5.npy"
	tgen rand 3,5 --seed 1 > c.npy
	same c.npy "$DATA/tgen-rand-3x5.npy"
	tgen --seed=1 randn 3,5 > d.npy
	same d.npy "$DATA/tgen-randn-3x5.npy"
}

@test "-n COUNT continues the generator: record 2 is the second call after one seed" {
	tgen randn 4,5 --seed 1 -n 3 > a.npy
	same a.npy "$DATA/tgen-randn-4x5-n3.npy"
	tgen rand 2,3 --seed 7 -n 2 > b.npy
	same b.npy "$DATA/tgen-rand-2x3-n2-seed7.npy"
	tgen zeros 2 -n 3 > z.npy
	py "
with open('z.npy', 'rb') as f:
    rs = [np.lib.format.read_array(f) for _ in range(3)]
    assert f.read() == b''
assert all(r.shape == (2,) and not r.any() for r in rs)
"
}

@test "-t f32 equals numpy's astype(float32) of the float64 values" {
	tgen randn 8,256 --seed 1 -t f32 > a.npy
	tgen randn 4,5 --seed 1 -n 3 -t f32 > b.npy
	tgen gaussian 5,7 -s 1.5 -t f32 > g.npy
	tgen range 0,1,0.1 -t float32 > r.npy
	py "
def recs(p):
    out = []
    with open(p, 'rb') as f:
        while f.read(1):
            f.seek(-1, 1); out.append(np.lib.format.read_array(f))
    return out
for got, ref in [('a.npy', 'tgen-randn-8x256.npy'), ('b.npy', 'tgen-randn-4x5-n3.npy'),
                 ('r.npy', 'tgen-range-0-1-0.1.npy')]:
    g, r = recs(got), recs('$DATA/' + ref)
    assert len(g) == len(r), got
    for x, y in zip(g, r):
        assert x.dtype == np.float32 and np.array_equal(x, y.astype(np.float32)), got
g = np.load('g.npy'); r = np.load('$DATA/tgen-gaussian-5x7-s1.5.npy').astype(np.float32)
assert g.dtype == np.float32 and np.abs(g - r).max() <= 1e-7 * r.max(), 'gaussian'
"
}

@test "eye N[,M] equals numpy.eye" {
	tgen eye 4 > a.npy
	same a.npy "$DATA/tgen-eye-4.npy"
	tgen eye 3,5 > b.npy
	same b.npy "$DATA/tgen-eye-3x5.npy"
	tgen eye 5,3 > c.npy
	same c.npy "$DATA/tgen-eye-5x3.npy"
}

@test "range equals numpy.arange(..., dtype=float64), length and values" {
	tgen range 5 > a.npy
	same a.npy "$DATA/tgen-range-5.npy"
	tgen range 2,10,3 > b.npy
	same b.npy "$DATA/tgen-range-2-10-3.npy"
	tgen range 0,1,0.1 > c.npy
	same c.npy "$DATA/tgen-range-0-1-0.1.npy"
	tgen range 1,1.3,0.1 > d.npy
	same d.npy "$DATA/tgen-range-1-1.3-0.1.npy"
	tgen range 10,0,-2 > e.npy
	same e.npy "$DATA/tgen-range-10-0--2.npy"
	tgen range 0.5,2,0.1 > f.npy
	same f.npy "$DATA/tgen-range-0.5-2-0.1.npy"
}

@test "gaussian: sampled, centred at (n-1)/2, normalised to sum 1, one sigma or one per axis" {
	tgen gaussian 11 -s 2 > a.npy
	npy_close a.npy "$DATA/tgen-gaussian-11-s2.npy" 1e-14
	tgen gaussian 5,7 -s 1.5 > b.npy
	npy_close b.npy "$DATA/tgen-gaussian-5x7-s1.5.npy" 1e-14
	tgen gaussian 9,6 -s 2,1 > c.npy
	npy_close c.npy "$DATA/tgen-gaussian-9x6-s2,1.npy" 1e-14
	tgen gaussian 4,4,4 -s 1 > d.npy
	npy_close d.npy "$DATA/tgen-gaussian-4x4x4-s1.npy" 1e-14
	py "
for f in 'abcd':
    g = np.load(f + '.npy')
    assert g.dtype == np.float64 and abs(g.sum() - 1) < 1e-14, f
"
}

@test "zeros and ones: shapes, scalar, zero-size" {
	tgen zeros 2,3 > z.npy
	tgen ones 4 > o.npy
	tgen zeros "()" > s1.npy
	tgen ones "()" > s2.npy
	tgen zeros 0,3 > e1.npy
	tgen ones 3,0,2 > e2.npy
	tgen ones 1,1,1,1,1,1,1,2 > k8.npy
	tgen randn 0,3 --seed 1 > r0.npy
	tgen randn "()" --seed 1 > rs.npy
	tgen ones 2,2 -t f32 > f.npy
	py "
want = {'z': np.zeros((2, 3)), 'o': np.ones(4), 's1': np.zeros(()), 's2': np.ones(()),
        'e1': np.zeros((0, 3)), 'e2': np.ones((3, 0, 2)), 'k8': np.ones((1,) * 7 + (2,)),
        'r0': np.zeros((0, 3)), 'f': np.ones((2, 2), np.float32)}
for k, w in want.items():
    a = np.load(k + '.npy')
    assert a.dtype == w.dtype and a.shape == w.shape and np.array_equal(a, w), (k, a)
np.random.seed(1)
a = np.load('rs.npy'); w = np.random.randn()
assert a.shape == () and a == w, (a, w)
"
}

@test "--seed: 0 and 2^32-1 are valid seeds; without --seed, runs differ" {
	tgen randn 5 --seed 0 > a.npy
	tgen rand 5 --seed 4294967295 > b.npy
	py "
np.random.seed(0); assert np.array_equal(np.load('a.npy'), np.random.randn(5))
np.random.seed(4294967295); assert np.array_equal(np.load('b.npy'), np.random.rand(5))
"
	tgen randn 4 > r1.npy
	tgen randn 4 > r2.npy
	! cmp -s r1.npy r2.npy
}

@test "output: -o file, -O txt, and numpy.load reads it" {
	tgen eye 2 -o e.npy
	tgen eye 2 -O txt > e.txt
	tgen eye 2 -o f.txt
	[ "$(cat e.txt)" = $'# shape (2, 2) float64\n1 0\n0 1' ]
	cmp e.txt f.txt
	py "assert np.array_equal(np.load('e.npy'), np.eye(2))"
	[ "$(ls -A | sort | tr '\n' ' ')" = "e.npy e.txt f.txt " ]
}

@test "bad arguments are usage errors (exit 2, nothing on stdout, no -o file)" {
	row fails 2 bogus /dev/null tgen bogus 3
	row fails 2 '-1' /dev/null tgen gaussian 5 -s -1
	row fails 2 "'0'|sigma.*0" /dev/null tgen gaussian 5 -s 0
	row fails 2 '1,2,3|3 sigmas' /dev/null tgen gaussian 5,5 -s 1,2,3
	row fails 2 'sigma|-s' /dev/null tgen gaussian 5,5
	row fails 2 '3,x' /dev/null tgen randn 3,x
	row fails 2 '3,-2' /dev/null tgen zeros 3,-2
	row fails 2 '99999999999' /dev/null tgen zeros 99999999999,99999999999,99999999999
	row fails 2 'x' /dev/null tgen eye x
	row fails 2 '1,2,3' /dev/null tgen eye 1,2,3
	row fails 2 '0,1,0|step' /dev/null tgen range 0,1,0
	row fails 2 '4294967296' /dev/null tgen randn 3 --seed 4294967296
	row fails 2 '-1' /dev/null tgen randn 3 --seed -1
	row fails 2 'x' /dev/null tgen randn 3 --seed x
	row fails 2 '-1' /dev/null tgen randn 3 -n -1
	row fails 2 "'f16'" /dev/null tgen randn 3 -t f16
	row fails --usage 2 'bogus' /dev/null tgen --bogus randn 3
	row fails --usage 2 . /dev/null tgen
	row fails --usage 2 'randn|shape' /dev/null tgen randn
	rows_ok
}

@test "--help and --version" {
	run --separate-stderr tgen --help
	[ "$status" -eq 0 ] && [ -z "$stderr" ] && [[ ${lines[0]} == "usage: tgen "* ]]
	run --separate-stderr tgen --version
	[ "$status" -eq 0 ] && [ "$output" = "tgen (tpipe) 0.1.0" ]
}

@test "gaussian: finite and summing to 1 for tiny and huge sigma" {
	tgen gaussian 2 -s 0.01 > a.npy
	tgen gaussian 3 -s 0.01 > b.npy
	tgen gaussian 6,5 -s 1e-300 > c.npy
	tgen gaussian 4,7 -s 5e-324 > d.npy
	tgen gaussian 4,7 -s 1e300 > e.npy
	tgen gaussian 9 -s 1.7976931348623157e308 > f.npy
	tgen gaussian 40 -s 0.15 > g.npy
	tgen gaussian 40 -s 0.15 -t f32 > h.npy
	py "
from scipy.special import logsumexp
def ref(n, s):
    # exp(-(i-c)^2/(2 s^2)) normalised in log space
    e = -0.5 * ((np.arange(n) - (n - 1) / 2) / s) ** 2
    return np.exp(e - logsumexp(e))
L = lambda f: np.load(f + '.npy')
assert np.array_equal(L('a'), [0.5, 0.5]), L('a')
assert np.array_equal(L('b'), [0, 1, 0]), L('b')
c = np.zeros((6, 5)); c[2:4, 2] = 0.5
assert np.array_equal(L('c'), c), L('c')
d = np.zeros((4, 7)); d[1:3, 3] = 0.5
assert np.array_equal(L('d'), d), L('d')
assert np.allclose(L('e'), 1 / 28, rtol=1e-15, atol=0), L('e')
assert np.allclose(L('f'), 1 / 9, rtol=1e-15, atol=0), L('f')
g = L('g'); r = ref(40, 0.15)
assert np.isfinite(g).all() and abs(g.sum() - 1) < 1e-15
assert np.abs(g - r).max() <= 1e-14 * r.max(), np.abs(g - r).max()
h = L('h')
assert h.dtype == np.float32 and np.array_equal(h, r.astype(np.float32)) or \
    np.abs(h - r).max() <= 1e-7 * r.max()
# the direct formula underflows here: numpy's 0/0 is what tgen used to write
with np.errstate(all='ignore'):
    e = np.exp(-0.5 * ((np.arange(2) - 0.5) / 0.01) ** 2)
    assert np.isnan(e / e.sum()).all()
for f in 'abcdefg':
    a = L(f)
    assert np.isfinite(a).all() and abs(a.sum() - 1) < 1e-14, (f, a.sum())
"
}

@test "negative numbers are operands: range -5,5, range -- -3, eye -1 is refused by value" {
	tgen range -5,5 > a.npy
	tgen range -2.5,1,0.5 -O npy > b.npy
	tgen -O npy range 3,-3,-1.5 > c.npy
	tgen range -- -3 > d.npy
	py "
assert np.array_equal(np.load('a.npy'), np.arange(-5, 5, dtype=float))
assert np.array_equal(np.load('b.npy'), np.arange(-2.5, 1, 0.5))
assert np.array_equal(np.load('c.npy'), np.arange(3, -3, -1.5))
assert np.load('d.npy').shape == (0,)
"
	fails 2 "eye: shape '-1': sizes must be >= 0" /dev/null tgen eye -1
	fails 2 "'-3,4'" /dev/null tgen zeros -3,4
}

@test "operands: a missing or extra one is named, then the usage" {
	row usage_fails "^tgen: zeros takes one operand, SHAPE; extra operand '4'$" tgen zeros 3 4
	row usage_fails "^tgen: range takes one operand, .*extra operand '5'$" tgen range 1 5 9
	row usage_fails "^tgen: randn needs SHAPE$" tgen randn
	row usage_fails "^tgen: eye needs N\[,M\]$" tgen eye
	row usage_fails "^tgen: missing the kind: randn, rand" tgen
	row usage_fails "^tgen: unknown option '--bogus'$" tgen --bogus randn 3
	row usage_fails "^tgen: option '-s' needs a value$" tgen gaussian 3 -s
	row usage_fails "^tgen: ambiguous option '--s'$" tgen --s 1 gaussian 3
	rows_ok
}

@test "a size is plain decimal digits: 0x10 is refused, not read as (0, 10)" {
	row fails 2 "shape '0x10' looks hexadecimal" /dev/null tgen zeros 0x10
	row fails 2 "'\+3' is not a size" /dev/null tgen zeros +3
	row fails 2 "'2 3'.*expected ',' or 'x'" /dev/null tgen zeros "2 3"
	rows_ok
	tgen zeros 2x3 > a.npy
	tgen zeros 0,10 > b.npy
	py "
assert np.load('a.npy').shape == (2, 3)
assert np.load('b.npy').shape == (0, 10)
"
}

@test "--help on a full disk is a write error" {
	run --separate-stderr bash -c 'tgen --help > /dev/full'
	[ "$status" -eq 1 ] && [ "$stderr" = "tgen: write error: <stdout>: No space left on device" ]
}
