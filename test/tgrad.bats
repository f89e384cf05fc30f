#!/usr/bin/env bats
# tgrad: golden gradients from PyTorch autograd (test/data/tgrad/, written
# by make-golden.py; the manifest cases.txt lists NAME|DTYPE|X|ARGUMENTS),
# --check on all of them and on a deliberately wrong gradient, the seed
# questions, streams, --wrt, --explain, bad input.
# Tolerance: 1e-10 * max|expected| per record for f64, 1e-4 for f32.
#
# The deliberately wrong gradient: the environment variable
# TGRAD_TEST_BREAK=NAME:INDEX[:REL], read only by cmd/tgrad.c, makes
# element INDEX (flat, C order) of gradient NAME (X, W1, b2, ...) wrong
# after the backward pass, before output and --check: v -> v (1 + REL),
# or without REL 10% wrong (v -> 1.1 v + 0.001).

load helpers
load tgrad_gold
bats_require_minimum_version 1.5.0

GOLD="$DATA/tgrad"

GOLD_TOOL=(tgrad --forward)

# check_gold: test/tgrad_gold.bash

@test "tgrad: every golden case (each layer alone, the seed's scale layer, two-layer nets, conv1d/2d/3d, f64 and f32) equals PyTorch autograd" {
	gold_run out '.'
	gold_ok --count 42 check_gold out
}

@test "tgrad: -j 1 and -j 2 give the golden answers too" {
	gold_run out1 '.' -j 1
	gold_ok check_gold out1
	gold_run out2 '.' -j 2
	gold_ok check_gold out2
}

@test "tgrad: -j 1 and -j 2 on a net large enough for OpenBLAS to thread both equal PyTorch (f64 1e-10, f32 1e-4)" {
	py '
import torch
rng = np.random.default_rng(11)
X = rng.standard_normal((512, 256)); W1 = rng.standard_normal((256, 384)) / 16
b1 = rng.standard_normal(384); W2 = rng.standard_normal((384, 10)) / 20
b2 = rng.standard_normal(10); y = rng.integers(0, 10, 512)
for n, a in (("x", X), ("w1", W1), ("b1", b1), ("w2", W2), ("b2", b2), ("y", y)):
    np.save(n + ".npy", a)
    if n != "y":
        np.save(n + "32.npy", a.astype(np.float32))
t = [torch.tensor(a, requires_grad=True) for a in (X, W1, b1, W2, b2)]
L = torch.nn.functional.cross_entropy(torch.relu(t[0] @ t[1] + t[2]) @ t[3] + t[4], torch.tensor(y))
L.backward()
with open("want.npy", "wb") as f:
    np.save(f, L.detach().numpy())
    for v in t:
        np.save(f, v.grad.numpy())
'
	for j in 1 2; do
		tgrad -j $j --forward affine:w1.npy,b1.npy relu affine:w2.npy,b2.npy softmax-xent:y.npy <x.npy >j$j.npy
		tgrad -j $j --forward affine:w132.npy,b132.npy relu affine:w232.npy,b232.npy softmax-xent:y.npy <x32.npy >j$j-32.npy
	done
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
want = records('want.npy')
for f, tol in (('j1', 1e-10), ('j2', 1e-10), ('j1-32', 1e-4), ('j2-32', 1e-4)):
    got = records(f + '.npy')
    assert len(got) == 6, (f, len(got))
    for i, (a, b) in enumerate(zip(got, want)):
        assert a.shape == b.shape, (f, i, a.shape, b.shape)
        err = np.max(np.abs(a - b)) / np.max(np.abs(b))
        assert err <= tol, (f, i, err)
"
}

@test "tgrad: --check passes on every golden case, one line per gradient" {
	local name x args st bad='' lines want
	while IFS="|" read -r name _ x args; do
		case $name in '' | '#'*) continue ;; esac
		st=0
		# shellcheck disable=SC2086
		(cd "$GOLD" && tgrad --check $args <"$x") >"$name.chk" 2>"$name.err" || st=$?
		# one line per record, then one per gradient: dL/dX and the
		# parameters (the golden stream has the forward output first)
		want=$("$PY" -c "import sys; sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records; print(len(records('$GOLD/$name.out.npy')) - 1)")
		lines=$(grep -c '^  dL/d.*worst relative error .* relu inputs\? within a step of 0' "$name.chk")
		if [ "$st" -ne 0 ] || [ -s "$name.err" ] || [ "$lines" -ne "$want" ] ||
			grep -q FAILS "$name.chk"; then
			bad+="$name: exit $st, $lines of $want gradient lines: $(cat "$name.chk" "$name.err")"$'\n'
		fi
	done <"$GOLD/cases.txt"
	[ -z "$bad" ] || fail "$bad"
}

@test "tgrad: --check fails on a deliberately wrong gradient, naming it and its index" {
	local case=twolayer-xent-f64 x args
	IFS="|" read -r _ _ x args < <(grep "^$case|" "$GOLD/cases.txt")
	# NAME:INDEX -> the index --check must name (W2 is (16, 4), X (8, 10))
	for row in "W2:5|(1, 1)" "X:37|(3, 7)" "b1:2|(2,)" "b2:0|(0,)" "W1:159|(9, 15)"; do
		brk=${row%%|*} at=${row#*|} g=${brk%%:*}
		# shellcheck disable=SC2086
		run --separate-stderr env TGRAD_TEST_BREAK="$brk" X="$x" \
			bash -c 'cd "$1" && shift && exec tgrad --check "$@" < "$X"' - "$GOLD" $args
		[ "$status" -eq 1 ] || fail "$brk: exit $status: $stderr"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$brk: stderr: $stderr"
		[[ ${stderr_lines[0]} == "tgrad: --check: 1 gradient fails: dL/d$g at $at: relative error "* ]] ||
			fail "$brk: message: $stderr"
		# exactly that gradient's line says FAILS, in the 'wrong' band
		[ "$(grep -c FAILS <<<"$output")" -eq 1 ] || fail "$brk: $output"
		grep -q "^  dL/d$g .* at $at .*wrong (> 1e-2).*: FAILS\$" <<<"$output" ||
			fail "$brk: $output"
	done
}

# large_inputs SCALE SEED: x.npy (6, 5) near SCALE, labels y5.npy (5
# classes) and y4.npy (4), w.npy (5, 4), b.npy near SCALE, t.npy (6, 4).
large_inputs() {
	py "
rng = np.random.default_rng($2)
s = $1
np.save('x.npy', s + 3 * rng.standard_normal((6, 5)))
np.save('y5.npy', rng.integers(0, 5, 6)); np.save('y4.npy', rng.integers(0, 4, 6))
np.save('w.npy', rng.standard_normal((5, 4))); np.save('b.npy', s + rng.standard_normal(4))
np.save('t.npy', rng.standard_normal((6, 4)))
"
}

@test "tgrad: --check passes correct gradients at large inputs (softmax-xent scores near 1e3 and 1e6: the difference's own error is estimated)" {
	local scale seed chain
	for scale in 1e3 1e6; do
		for seed in 1 2; do
			large_inputs $scale $seed
			for chain in "softmax-xent:y5.npy" "affine:w.npy,b.npy softmax-xent:y4.npy" \
				"softmax sum" "affine:w.npy,b.npy sigmoid mse:t.npy"; do
				# shellcheck disable=SC2086
				run --separate-stderr tgrad --check $chain <x.npy
				[ "$status" -eq 0 ] && [ -z "$stderr" ] ||
					fail "scale $scale seed $seed $chain: exit $status: $output $stderr"
				! grep -q FAILS <<<"$output" || fail "$output"
				# every gradient's line gives the numeric error bound
				[ "$(grep -c '^  dL/d.*numeric [^ ]* ± [^ ]*)' <<<"$output")" -eq "$(($(wc -l <<<"$output") - 1))" ] ||
					fail "$output"
			done
		done
	done
}

@test "tgrad: --check still fails a wrong gradient at large inputs, by 10% or by 1e-5 relative, naming it" {
	local at rel
	large_inputs 1e3 3
	for at in 0 9 29; do
		for rel in '' :1e-5 :-1e-5; do
			run --separate-stderr env TGRAD_TEST_BREAK="X:$at$rel" tgrad --check softmax-xent:y5.npy <x.npy
			[ "$status" -eq 1 ] || fail "X:$at$rel: exit $status: $output"
			[[ ${stderr_lines[0]} == "tgrad: --check: 1 gradient fails: dL/dX at ($((at / 5)), $((at % 5))): relative error "* ]] ||
				fail "X:$at$rel: $stderr"
			grep -q "^  dL/dX .* at ($((at / 5)), $((at % 5))) .*: FAILS\$" <<<"$output" || fail "X:$at$rel: $output"
		done
	done
	# a parameter at 1e-5, through a layer, at 1e3 and in the golden net
	run --separate-stderr env TGRAD_TEST_BREAK=b1:2:1e-5 tgrad --check affine:w.npy,b.npy softmax-xent:y4.npy <x.npy
	[ "$status" -eq 1 ] && [[ $stderr == *"dL/db1 at (2,)"* ]] || fail "b1: $status $stderr"
	cd "$GOLD"
	IFS="|" read -r _ _ x args < <(grep "^twolayer-xent-f64|" cases.txt)
	# shellcheck disable=SC2086
	run --separate-stderr env TGRAD_TEST_BREAK=W1:159:1e-5 tgrad --check $args <"$x"
	[ "$status" -eq 1 ] && [[ $stderr == *"dL/dW1 at (9, 15)"* ]] || fail "W1: $status $stderr"
}

@test "tgrad: the seed's layer Z[b] = X[b] M: dL/dX[b] = sum_ij dL/dZ[b,i,j] M[i,j], N = 1, 3, 64, by the question's own loop" {
	for n in 1 3 64; do
		py "
rng = np.random.default_rng($n)
b = 6
np.save('x.npy', rng.standard_normal((b, 1)))
np.save('m.npy', rng.standard_normal(($n, $n)))
np.save('g.npy', rng.standard_normal((b, $n, $n)))
x, M, dLdZ = np.load('x.npy'), np.load('m.npy'), np.load('g.npy')
# the asker's MATLAB loop, batch first: dLdX(i) = sum(sum(dLdZ(:,:,i) .* M))
dLdX = np.zeros((b, 1))
for i in range(b):
    dLdX[i] = np.sum(dLdZ[i] * M)
np.save('want-dx.npy', dLdX)
np.save('want-z.npy', x.reshape(b, 1, 1) * M)
"
		tgrad scale:m.npy -g g.npy --forward --wrt X <x.npy >out.npy
		tgrad scale:m.npy -g g.npy --forward --wrt none <x.npy >z.npy
		npy_close z.npy want-z.npy 1e-15
		py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
z, dx = records('out.npy')
want = np.load('want-dx.npy')
assert dx.shape == want.shape == (6, 1), dx.shape
assert np.max(np.abs(dx - want)) <= 1e-12 * np.max(np.abs(want)), (dx, want)
"
	done
}

@test "tgrad: the seed's MATLAB layout: X (1,1,1,b) and dL/dZ (N,N,1,b) brought batch first by treshape and back" {
	py '
rng = np.random.default_rng(5)
N, b = 4, 3
X = rng.standard_normal((1, 1, 1, b))          # MATLAB X(:,:,1,i)
M = rng.standard_normal((N, N))
dLdZ = rng.standard_normal((N, N, 1, b))
# the asker loop: dLdX(i) = sum(sum(dLdZ(:,:,1,i) .* M))
want = np.array([np.sum(dLdZ[:, :, 0, i] * M) for i in range(b)])
np.save("x.npy", X)
np.save("m.npy", M[:, :, None])                  # (N, N, 1)
np.save("g.npy", dLdZ)
np.save("want.npy", want.reshape(1, 1, 1, b))   # MATLAB layout again
'
	treshape --permute 3,0,1,2 g.npy -o gb.npy
	treshape --permute 3,0,1,2 x.npy |
		tgrad scale:m.npy -g gb.npy --wrt X |
		treshape --permute 1,2,3,0 >dx.npy
	npy_close dx.npy want.npy 1e-12
}

@test "tgrad: --explain shows the chain rule with shapes: the seed's sum and why dscores is not 1" {
	py '
np.save("x.npy", np.ones((5, 1))); np.save("m.npy", np.ones((3, 3)))
np.save("g.npy", np.ones((5, 3, 3)))
'
	run --separate-stderr tgrad --explain scale:m.npy -g g.npy <x.npy
	[ "$status" -eq 0 ] || fail "$stderr"
	[[ $output == *"Z1 (5, 3, 3) = X (5, 1) * M1 (3, 3)"* ]] || fail "$output"
	[[ $output == *"dL/dX (5, 1) = Σ over M1's axes of dL/dZ1 (5, 3, 3) ⊙ M1 (3, 3): dL/dX[b] = Σ_ij dL/dZ1[b,i,j] M1[i,j]"* ]] ||
		fail "$output"
	cd "$GOLD"
	IFS="|" read -r _ _ x args < <(grep "^twolayer-xent-f64|" cases.txt)
	# shellcheck disable=SC2086
	run --separate-stderr tgrad --explain $args <"$x"
	[ "$status" -eq 0 ] || fail "$stderr"
	[[ $output == *"dL/dL = 1"* ]] || fail "$output"
	[[ $output == *"dL/dZ3 (8, 4) = (softmax(Z3) - onehot(y)) / R"* ]] || fail "$output"
	[[ $output == *"not 1, is what the layer below receives"* ]] || fail "$output"
	[[ $output == *"dL/dW2 (16, 4) = Z2 (8, 16)ᵀ · dL/dZ3 (8, 4)"* ]] || fail "$output"
	[[ $output == *"dL/dZ1 (8, 16) = dL/dZ2 (8, 16) ⊙ [Z1 > 0]"* ]] || fail "$output"
}

@test "tgrad: output order, --wrt picks and orders nothing else, --forward without a loss is the forward pass" {
	cd "$GOLD"
	IFS="|" read -r _ _ x args < <(grep "^twolayer-mse-f64|" cases.txt)
	# shellcheck disable=SC2086
	tgrad $args --wrt b2,X <"$x" >"$BATS_TEST_TMPDIR/sub.npy"
	# shellcheck disable=SC2086
	tgrad $args --forward --wrt none <"$x" >"$BATS_TEST_TMPDIR/loss.npy"
	# shellcheck disable=SC2086
	tgrad ${args% mse:*} --forward <"$x" >"$BATS_TEST_TMPDIR/z.npy"
	cd "$BATS_TEST_TMPDIR"
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
g = records('$GOLD/twolayer-mse-f64.out.npy')   # loss, X, W1, b1, W2, b2
s = records('sub.npy')
assert len(s) == 2, len(s)
assert s[0].shape == g[1].shape and np.allclose(s[0], g[1], rtol=0, atol=1e-14)  # x first: chain order
assert s[1].shape == g[5].shape and np.allclose(s[1], g[5], rtol=0, atol=1e-14)
l = records('loss.npy')
assert len(l) == 1 and l[0].shape == () and abs(l[0] - g[0]) < 1e-14, l
z = records('z.npy')
t = np.load('$GOLD/twolayer-mse-f64.target.npy')
assert len(z) == 1 and z[0].shape == t.shape == (8, 4)
assert abs(np.mean((z[0] - t) ** 2) - g[0]) < 1e-14
"
}

@test "tgrad: a stream of X records gives one set of outputs per record, equal to one run per record" {
	py '
rng = np.random.default_rng(3)
np.save("w.npy", rng.standard_normal((5, 3))); np.save("b.npy", rng.standard_normal(3))
np.save("y.npy", np.array([2, 0, 1, 1]))
with open("xs.npy", "wb") as f:
    for i in range(3):
        x = rng.standard_normal((4, 5))
        np.save(f, x)
        np.save("x%d.npy" % i, x)
'
	tgrad --forward affine:w.npy,b.npy tanh softmax-xent:y.npy <xs.npy >all.npy
	: >one.npy
	for i in 0 1 2; do
		tgrad --forward affine:w.npy,b.npy tanh softmax-xent:y.npy <x$i.npy >>one.npy
	done
	npy_close all.npy one.npy
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
assert len(records('all.npy')) == 3 * 4
"
}

@test "tgrad: -t f32 computes and writes float32 close to float64; integer X computes in float64" {
	cd "$GOLD"
	IFS="|" read -r _ _ x args < <(grep "^chain-f64|" cases.txt)
	# shellcheck disable=SC2086
	tgrad --forward -t f32 $args <"$x" >"$BATS_TEST_TMPDIR/f32.npy"
	cd "$BATS_TEST_TMPDIR"
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
for a, b in zip(records('f32.npy'), records('$GOLD/chain-f64.out.npy')):
    assert a.dtype == np.float32, a.dtype
    assert np.max(np.abs(a - b)) <= 1e-4 * np.max(np.abs(b))
"
	py 'np.save("x.npy", np.array([[1, 2], [3, 4]], np.int32)); np.save("w.npy", np.eye(2, dtype=np.uint8))'
	tgrad matmul:w.npy sum --forward <x.npy >int.npy
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
r = records('int.npy')
assert [a.dtype for a in r] == [np.float64] * 3
assert r[0] == 10 and (r[1] == 1).all() and (r[2] == [[4, 4], [6, 6]]).all(), r
"
}

@test "tgrad: --check counts relu inputs within a step of 0 and leaves those elements out" {
	# x[0, 1] = 1e-7 is closer to relu's kink than the step 1e-5
	py '
np.save("x.npy", np.array([[0.5, 1e-7, -2.0], [1.5, -0.3, 0.7]]))
np.save("w.npy", np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
'
	run --separate-stderr tgrad --check relu matmul:w.npy sum <x.npy
	[ "$status" -eq 0 ] || fail "$output $stderr"
	[[ ${lines[1]} == "  dL/dX (2, 3): worst relative error "*"; 1 relu input within a step of 0 (1 element crossing a kink left out"* ]] ||
		fail "$output"
	[[ ${lines[2]} == "  dL/dW1 (3, 2): worst relative error "*"; 0 relu inputs within a step of 0" ]] ||
		fail "$output"
}

@test "tgrad: property: --check passes on random chains of random shapes, f64, with every loss" {
	for seed in 1 2 3 4 5; do
		py "
rng = np.random.default_rng($seed)
b, h, w, kh, kw, c = rng.integers(1, 5), rng.integers(4, 9), rng.integers(4, 9), rng.integers(1, 4), rng.integers(1, 4), rng.integers(2, 6)
np.save('x.npy', rng.standard_normal((b, h, w)))
np.save('k.npy', rng.standard_normal((kh, kw)))
n = (h - kh + 1) * (w - kw + 1)
np.save('w.npy', rng.standard_normal((n, c)) / np.sqrt(n))
np.save('b.npy', rng.standard_normal(c))
np.save('y.npy', rng.integers(0, c, b))
np.save('t.npy', rng.standard_normal((b, c)))
"
		for loss in softmax-xent:y.npy mse:t.npy sum; do
			run --separate-stderr tgrad --check conv:k.npy sigmoid flatten affine:w.npy,b.npy tanh $loss <x.npy
			[ "$status" -eq 0 ] || fail "seed $seed $loss: $output $stderr"
			[ "$(grep -c 'worst relative error' <<<"$output")" -eq 4 ] || fail "$output"
		done
	done
}

@test "tgrad: property: the backward pass is linear in dL/dZ and dL/dX of flatten is dL/dZ reshaped" {
	py '
rng = np.random.default_rng(9)
np.save("x.npy", rng.standard_normal((3, 4, 5)))
np.save("k.npy", rng.standard_normal((2, 2)))
g1, g2 = rng.standard_normal((3, 12)), rng.standard_normal((3, 12))
np.save("g1.npy", g1); np.save("g2.npy", g2); np.save("g12.npy", 2 * g1 - 3 * g2)
np.save("gf.npy", rng.standard_normal((3, 20)))
'
	for g in g1 g2 g12; do
		tgrad -g $g.npy conv:k.npy tanh flatten <x.npy >$g.out.npy
	done
	tgrad -g gf.npy flatten <x.npy >gf.out.npy
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
a, b, c = (records(f + '.out.npy') for f in ('g1', 'g2', 'g12'))
assert len(a) == 2
for u, v, w in zip(a, b, c):
    assert np.max(np.abs(2 * u - 3 * v - w)) <= 1e-12 * np.max(np.abs(w))
dx, = records('gf.out.npy')
assert (dx == np.load('gf.npy').reshape(3, 4, 5)).all()
"
}

@test "tgrad: operands as text; -o writes the same bytes as stdout" {
	printf '0 2 1\n' >y.txt
	py '
rng = np.random.default_rng(4)
np.save("x.npy", rng.standard_normal((3, 4))); np.save("w.npy", rng.standard_normal((4, 3)))
np.save("y.npy", np.array([0, 2, 1]))
'
	tgrad matmul:w.npy softmax-xent:y.txt <x.npy >a.npy
	tgrad matmul:w.npy --loss softmax-xent:y.npy <x.npy >b.npy
	tgrad matmul:w.npy softmax-xent:y.npy -o c.npy <x.npy
	cmp a.npy b.npy
	cmp a.npy c.npy
}

@test "tgrad: --verbose reports read, compute and write time per record" {
	py 'np.save("x.npy", np.ones((2, 3))); np.save("w.npy", np.ones((3, 2)))'
	run --separate-stderr tgrad --verbose matmul:w.npy sum <x.npy
	[ "$status" -eq 0 ]
	[[ ${stderr_lines[0]} =~ ^tgrad:\ record\ 0:\ float64,\ 1\ layer\ \+\ sum\;\ read\ [0-9.]+\ s,\ compute\ [0-9.]+\ s,\ write ]] ||
		fail "$stderr"
	[[ ${stderr_lines[1]} == "tgrad: total: read "* ]] || fail "$stderr"
}

@test "tgrad: bad input: exit status, one-line message naming the values, empty stdout, no -o file" {
	py '
rng = np.random.default_rng(6)
np.save("x.npy", rng.standard_normal((4, 5)))
np.save("w57.npy", rng.standard_normal((5, 7))); np.save("w73.npy", rng.standard_normal((7, 3)))
np.save("b7.npy", rng.standard_normal(7)); np.save("b3.npy", rng.standard_normal(3))
np.save("y.npy", np.array([0, 2, 1, 2])); np.save("y9.npy", np.array([0, 9, 1, 2]))
np.save("yneg.npy", np.array([0, -1, 1, 2])); np.save("yfrac.npy", np.array([0, 1.5, 1, 2]))
np.save("y3.npy", np.array([0, 1, 2]))
np.save("g33.npy", np.ones((3, 3))); np.save("t.npy", np.ones((4, 4)))
x = rng.standard_normal((4, 5)); x[2, 3] = np.nan; np.save("xnan.npy", x)
x = rng.standard_normal((4, 5)); x[1, 0] = -np.inf; np.save("xinf.npy", x)
np.save("k9.npy", np.ones((9, 9))); np.save("m.npy", np.ones((2, 2)))
w = np.ones((5, 7)); w[4, 6] = np.nan; np.save("wnan.npy", w)
g = np.ones((4, 7)); g[0, 1] = np.nan; np.save("gnan.npy", g)
np.save("gc.npy", np.ones((4, 7), np.complex64))
np.save("xc.npy", np.ones((4, 5), np.complex128))
np.save("k0.npy", np.float64(2)); np.save("kz.npy", np.ones((0, 2)))
'
	local d=$BATS_TEST_TMPDIR
	# a parameter that does not fit: both shapes and the layer position
	row fails 1 'layer 3 \(affine\): W1 \(7, 3\) does not fit the incoming \(4, 5\): its last axis must be W1.s first, 7$' "$d/x.npy" \
		tgrad relu tanh "affine:$d/w73.npy,$d/b3.npy" sum
	row fails 1 'layer 1 \(conv\): K1 \(9, 9\) does not fit the incoming \(4, 5\)' "$d/x.npy" tgrad "conv:$d/k9.npy" sum
	row fails 1 'layer 2 \(conv\): K1 \(\) must have at least one axis and one element$' "$d/x.npy" tgrad relu "conv:$d/k0.npy" sum
	row fails 1 'layer 1 \(conv\): K1 \(0, 2\) must have at least one axis and one element$' "$d/x.npy" tgrad "conv:$d/kz.npy" sum
	row fails 1 'layer 1 \(scale\): M1 \(2, 2\) does not fit the incoming \(4, 5\)' "$d/x.npy" tgrad "scale:$d/m.npy" sum
	row fails 1 'layer 1 .*: b1 \(3,\) does not fit W1 \(5, 7\): b1 must have shape \(7,\)$' "$d/x.npy" tgrad "affine:$d/w57.npy,$d/b3.npy" sum
	row fails 1 'layer 2 \(matmul\): W1 \(7,\) must be a matrix' "$d/x.npy" tgrad relu "matmul:$d/b7.npy" sum
	row fails 1 'layer 1 .*: W1 \(5, 7\) holds nan at \(4, 6\)' "$d/x.npy" tgrad "matmul:$d/wnan.npy" sum
	# labels
	row fails 1 'label 9 at \(1,\) is out of range for 7 classes' "$d/x.npy" \
		tgrad "affine:$d/w57.npy,$d/b7.npy" "softmax-xent:$d/y9.npy"
	row fails 1 'label -1 at \(1,\) is not a class' "$d/x.npy" tgrad "matmul:$d/w57.npy" "softmax-xent:$d/yneg.npy"
	row fails 1 'label 1.5 at \(1,\) is not a class' "$d/x.npy" tgrad "matmul:$d/w57.npy" "softmax-xent:$d/yfrac.npy"
	row fails 1 'labels \(3,\) do not fit the scores \(4, 7\)' "$d/x.npy" tgrad "matmul:$d/w57.npy" "softmax-xent:$d/y3.npy"
	row fails 1 'target \(4, 4\) does not fit the output Z \(4, 7\)' "$d/x.npy" tgrad "matmul:$d/w57.npy" "mse:$d/t.npy"
	# -g of the wrong shape
	row fails 1 '-g: dL/dZ \(3, 3\) does not fit the output Z \(4, 7\)' "$d/x.npy" tgrad -g "$d/g33.npy" "matmul:$d/w57.npy"
	# a NaN or a complex -g, a complex X
	row fails 1 "-g '.*gnan.npy': dL/dZ \(4, 7\) holds nan at \(0, 1\)$" "$d/x.npy" tgrad -g "$d/gnan.npy" "matmul:$d/w57.npy"
	row fails 1 "-g '.*gc.npy': dL/dZ \(4, 7\) is complex \(complex64\)$" "$d/x.npy" tgrad -g "$d/gc.npy" "matmul:$d/w57.npy"
	row fails 1 'record 0 of <stdin>: X \(4, 5\) is complex \(complex128\): the layers are real$' "$d/xc.npy" tgrad relu sum
	# NaN and infinity in X
	row fails 1 'record 0 .*X \(4, 5\) holds nan at \(2, 3\)' "$d/xnan.npy" tgrad relu sum
	row fails 1 'X \(4, 5\) holds -inf at \(1, 0\)' "$d/xinf.npy" tgrad relu sum
	row fails 1 'nosuch.npy' "$d/x.npy" tgrad "matmul:$d/nosuch.npy" sum
	# usage
	row fails --usage 2 "layer or loss 'bogus:w.npy' is not one of scale:M, " "$d/x.npy" tgrad bogus:w.npy sum
	row fails --usage 2 "the loss 'sum' is word 1 of 2: a loss must come last" "$d/x.npy" tgrad sum relu
	row fails --usage 2 "the loss 'softmax-xent:.*' is word 2 of 3" "$d/x.npy" tgrad relu "softmax-xent:$d/y.npy" tanh
	row fails --usage 2 "affine takes 2 operand files" "$d/x.npy" tgrad "affine:$d/w57.npy" sum
	row fails --usage 2 "relu takes no operand" "$d/x.npy" tgrad relu:x sum
	row fails --usage 2 "both a loss .* and -g" "$d/x.npy" tgrad -g "$d/g33.npy" relu sum
	row fails --usage 2 "two losses" "$d/x.npy" tgrad --loss sum relu sum
	row fails --usage 2 "is a layer, not a loss" "$d/x.npy" tgrad --loss relu relu
	row fails --usage 2 "nothing to compute" "$d/x.npy" tgrad relu
	row fails --usage 2 "--wrt: no gradient 'W2': this chain has X, W1$" "$d/x.npy" tgrad --wrt W2 "matmul:$d/w57.npy" sum
	# parameters are numbered by the layers that have them, weights
	# upper case and biases lower case; another case is a hint
	row fails --usage 2 "--wrt: no gradient 'B1' \(names keep their case: 'b1'\): this chain has X, W1, b1, M2, W3, b3, K4$" "$d/x.npy" \
		tgrad --wrt W1,B1 "affine:$d/w57.npy,$d/b7.npy" relu "scale:$d/m.npy" tanh "affine:$d/w73.npy,$d/b3.npy" flatten "conv:$d/k9.npy" sum
	row fails --usage 2 "--wrt: no gradient 'x' \(names keep their case: 'X'\): this chain has X, W1$" "$d/x.npy" tgrad --wrt x "matmul:$d/w57.npy" sum
	row fails --usage 2 "--wrt: no gradient 'W3': this chain has X, W1, W2$" "$d/x.npy" tgrad --wrt W3 "matmul:$d/w57.npy" relu "matmul:$d/w73.npy" sum
	row fails --usage 2 "--tol" "$d/x.npy" tgrad --tol abc relu sum
	# --tol 0 would pass every gradient (the rounding floor is r / tol)
	row fails --no-o --usage 2 "--tol must be above 0, not '0'" "$d/x.npy" tgrad --check --tol 0 relu sum
	row fails --usage 2 "--wrt: ',W1' has an empty name: this chain has X, W1 \(or none\)" "$d/x.npy" tgrad --wrt ,W1 "matmul:$d/w57.npy" sum
	row fails --usage 2 "--wrt: 'X,' has an empty name" "$d/x.npy" tgrad --wrt X, "matmul:$d/w57.npy" sum
	row fails --usage 2 "f16" "$d/x.npy" tgrad -t f16 relu sum
	row fails --no-o --usage 2 "-o .* with --check" "$d/x.npy" tgrad --check -o out.npy relu sum
	row fails --no-o --usage 2 "--check needs a loss" "$d/x.npy" tgrad --check --forward relu
	row fails --usage 2 "--wrt 'X' needs a loss or -g" "$d/x.npy" tgrad --wrt X --forward relu
	rows_ok
}

@test "tgrad: PNG, JPEG and TIFF output (-O png, a .png, .jpg or .tif -o name, --depth) is a usage error naming npy and txt; nothing is written" {
	py 'np.save("x.npy", np.ones((2, 3))); np.save("w.npy", np.ones((3, 2)))'
	row fails --usage 2 "^tgrad: -O 'png' is not one of npy, txt$" x.npy tgrad -O png matmul:w.npy sum
	row fails --usage 2 "^tgrad: -O 'png' is not one of npy, txt$" x.npy tgrad --format=png --check matmul:w.npy sum
	row fails --no-o --usage 2 "^tgrad: -o 'g.png' names a PNG: tgrad writes npy or txt" x.npy tgrad -o g.png matmul:w.npy sum
	row fails --no-o --usage 2 "^tgrad: -o 'g.PNG' names a PNG" x.npy tgrad matmul:w.npy sum -o g.PNG
	row fails --no-o --usage 2 "^tgrad: -o 'g.jpg' names a JPEG: tgrad writes npy or txt" x.npy tgrad matmul:w.npy sum -o g.jpg
	row fails --no-o --usage 2 "^tgrad: -o 'g.tif' names a TIFF: tgrad writes npy or txt" x.npy tgrad -o g.tif matmul:w.npy sum
	row fails --usage 2 "^tgrad: --depth 16: tgrad writes npy or txt, no PNG" x.npy tgrad --depth 16 matmul:w.npy sum
	row fails --usage 2 "^tgrad: --depth 8: tgrad writes npy or txt" x.npy tgrad --depth 8 -O npy matmul:w.npy sum
	rows_ok
	[ ! -e g.png ] && [ ! -e g.PNG ] && [ ! -e g.tif ] || fail "a PNG or TIFF file was left: $(ls)"
	# the -O given wins over the name, as in every tool
	tgrad -O npy -o g.png matmul:w.npy sum <x.npy
	tgrad matmul:w.npy sum <x.npy | cmp - g.png
}

# limited KIND KB IN CMD...: run CMD with stdin IN under ulimit -KIND KB
# (v: address space, d: data), bounded (helpers.bash: a spin or a hang is
# stopped, slowness is not).  Sets status, output (stdout) and stderr.
limited() {
	local in=$3
	run --separate-stderr under_ulimit "$@" <"$in"
}
under_ulimit() {
	ulimit -"$1" "$2" || return
	shift 3
	bounded "$@"
}

@test "tgrad: under ulimit -v 100000 or 150000 (or -d) it ends: without products it computes, with them it computes or says memory is too small" {
	if grep -q __asan_init "$TPIPE_BIN/tgrad"; then
		skip "ulimit -v cannot be used under AddressSanitizer"
	fi
	! tsan_build || skip "ThreadSanitizer reserves more address space than the limit"
	py '
rng = np.random.default_rng(8)
np.save("x.npy", rng.standard_normal((4, 6, 5))); np.save("k.npy", rng.standard_normal((2, 2)))
np.save("w.npy", rng.standard_normal((5, 3))); np.save("b.npy", rng.standard_normal(3))
np.save("y.npy", rng.integers(0, 3, (4, 6)))
'
	tgrad relu sum <x.npy >relu.npy
	tgrad conv:k.npy tanh sum <x.npy >conv.npy
	tgrad affine:w.npy,b.npy relu softmax-xent:y.npy <x.npy >net.npy
	local kind kb j refused=0
	for kind in v d; do
		for kb in 100000 150000; do
			for j in 1 2; do
				limited $kind $kb x.npy tgrad -j $j -o "relu-$kind$kb.npy" relu sum
				[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "-$kind $kb -j $j relu: exit $status: $stderr"
				cmp relu.npy "relu-$kind$kb.npy"
				limited $kind $kb x.npy tgrad -j $j -o "conv-$kind$kb.npy" conv:k.npy tanh sum
				[ "$status" -eq 0 ] || fail "-$kind $kb conv: exit $status: $stderr"
				npy_close conv.npy "conv-$kind$kb.npy" 1e-12
				# products: the output, or one line saying why not
				rm -f net-limited.npy
				limited $kind $kb x.npy tgrad -j $j -o net-limited.npy affine:w.npy,b.npy relu softmax-xent:y.npy
				if [ "$status" -eq 0 ]; then
					npy_close net.npy net-limited.npy 1e-12
					continue
				fi
				[ "$status" -eq 1 ] && [ ! -e net-limited.npy ] && [ "${#stderr_lines[@]}" -eq 1 ] ||
					fail "-$kind $kb -j $j affine: exit $status: $stderr"
				[[ $stderr =~ ^tgrad:\ layer\ 1\ \(affine\):\ too\ little\ memory:\ OpenBLAS\ takes\ [0-9]+\ MiB\ of\ address\ space\ for\ matrix\ products\ and\ the\ .*\(ulimit\ -$kind\ $kb\)\ leaves\ less$ ]] ||
					fail "-$kind $kb: $stderr"
				refused=$((refused + 1))
			done
			limited $kind $kb x.npy tgrad --help
			[ "$status" -eq 0 ] || fail "-$kind $kb --help: exit $status"
			limited $kind $kb x.npy tgrad --no-such-option relu sum
			[ "$status" -eq 2 ] || fail "-$kind $kb usage: exit $status"
		done
	done
	# 100 MB of address space cannot hold OpenBLAS's buffer
	[ "$refused" -ge 2 ] || fail "only $refused runs with products refused"
	# with room for OpenBLAS's buffer, the products run as without a limit
	limited v 1000000 x.npy tgrad -o net-v.npy affine:w.npy,b.npy relu softmax-xent:y.npy
	[ "$status" -eq 0 ] || fail "-v 1000000: exit $status: $stderr"
	npy_close net.npy net-v.npy 1e-12
}

@test "tgrad: --help prints the usage to stdout and exits 0" {
	run --separate-stderr tgrad --help
	[ "$status" -eq 0 ]
	[[ $output == "usage: tgrad [--loss softmax-xent:labels|mse:target|sum | -g dldz]"* ]]
	[ -z "$stderr" ]
}
