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
	tgen zeros "" > s1.npy
	tgen ones "()" > s2.npy
	tgen zeros 0,3 > e1.npy
	tgen ones 3,0,2 > e2.npy
	tgen ones 1,1,1,1,1,1,1,2 > k8.npy
	tgen randn 0,3 --seed 1 > r0.npy
	tgen randn "" --seed 1 > rs.npy
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
