#!/usr/bin/env bats
# tgrad's course layers and losses (issue 24): golden gradients from
# PyTorch autograd in float64 (test/data/tgrad-course/, written by
# make-golden.py; the manifest cases.txt lists NAME|DTYPE|X|ARGUMENTS),
# --check on every golden case, --reduction, --reg, --update sgd and
# the man page's training loop, --explain, bad input.
# Tolerance: 1e-10 * max|expected| per record.

load helpers
load tgrad_gold
bats_require_minimum_version 1.5.0

GOLD="$DATA/tgrad-course"

GOLD_TOOL=(tgrad --forward)

# check_gold: test/tgrad_gold.bash

@test "tgrad course: every golden case (activations, losses with both reductions, --reg, pools, normalisations, dropout, conv1d/2d/3d, three nets) equals PyTorch autograd in float64 to 1e-10" {
	gold_run out '.'
	gold_ok --count 56 check_gold out 56
}

@test "tgrad course: property: maxpool:2 (the 2x2 pool of stride 2, a vector path) gives byte for byte what the walk of maxpool:1x2x2 gives over an axis of one, forward and dL/dX, float32 and float64, rows of several vectors, odd sizes and ties" {
	local t x
	tgen randn 2,3,13,45 --seed 4 -o x.npy
	tgen randn 2,3,6,22 --seed 5 -o g.npy
	tmath 'round(2 * x)' x.npy -o xt.npy
	treshape 2,3,1,6,22 g.npy -o g5.npy
	for t in f4 f8; do
		for x in x xt; do
			tgrad -t $t --forward maxpool:2 -g g.npy <$x.npy -o a.npy
			treshape 2,3,1,13,45 $x.npy -o x5.npy
			tgrad -t $t --forward maxpool:1x2x2 -g g5.npy <x5.npy -o b.npy
			# Z, then dL/dX: the values alone (the shapes have the
			# axis of one), every digit of the dtype
			tcat a.npy -O txt | grep -v '^#' >a.txt
			tcat b.npy -O txt | grep -v '^#' >b.txt
			[ "$(wc -w <a.txt)" -eq 4302 ] || fail "$t $x: $(wc -w <a.txt) values"
			cmp a.txt b.txt || fail "$t $x: maxpool:2 and the walk differ"
		done
	done
}

@test "tgrad course: --check passes on every golden case but the pooling ties, one line per gradient" {
	local name x args st bad='' lines want
	while IFS="|" read -r name _ x args; do
		# -ties: equal maxima, where differences mean nothing
		case $name in '' | '#'* | *-ties) continue ;; esac
		st=0
		# shellcheck disable=SC2086
		(cd "$GOLD" && tgrad --check $args <"$x") >"$name.chk" 2>"$name.err" || st=$?
		# dL/dX and one line per parameter file (NAME.W1.npy ...)
		want=$((1 + $(grep -oE '\.(W|b|K|gamma|beta)[0-9]+\.npy' <<<"$args" | wc -l)))
		lines=$(grep -c '^  dL/d.*worst relative error' "$name.chk")
		if [ "$st" -ne 0 ] || [ -s "$name.err" ] || [ "$lines" -ne "$want" ] ||
			grep -q FAILS "$name.chk"; then
			bad+="$name: exit $st, $lines of $want gradient lines: $(cat "$name.chk" "$name.err")"$'\n'
		fi
	done <"$GOLD/cases.txt"
	[ -z "$bad" ] || fail "$bad"
}

@test "tgrad course: --update sgd:LR writes every parameter as P - LR dL/dP to --out-dir, the gradients PyTorch's (with --reg); a stream of records is one step each" {
	local case=reg-L2 x args
	IFS="|" read -r _ _ x args < <(grep "^$case|" "$GOLD/cases.txt")
	mkdir p
	# shellcheck disable=SC2086
	(cd "$GOLD" && tgrad --update sgd:0.1 --out-dir "$BATS_TEST_TMPDIR/p" --forward --wrt none $args <"$x") >loss.npy
	[ "$(ls p | tr '\n' ' ')" = "W1.npy W2.npy b1.npy b2.npy " ] || fail "out-dir holds $(ls p)"
	# two records: the second step starts from the first's parameters
	cat "$GOLD/$x" "$GOLD/$x" >xx.npy
	mkdir q
	# shellcheck disable=SC2086
	(cd "$GOLD" && tgrad --update sgd:0.1 --out-dir "$BATS_TEST_TMPDIR/q" --forward --wrt none $args <"$BATS_TEST_TMPDIR/xx.npy") >loss2.npy
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
import torch
g = '$GOLD/$case'
exp = records(g + '.out.npy')
assert abs(float(records('loss.npy')[0]) - float(exp[0])) <= 1e-12 * abs(float(exp[0]))
names = ['W1', 'b1', 'W2', 'b2']
for n, d in zip(names, exp[2:]):
    want = np.load(f'{g}.{n}.npy') - 0.1 * d
    got = np.load(f'p/{n}.npy')
    assert got.dtype == np.float64 and got.shape == want.shape, n
    assert np.max(np.abs(got - want)) <= 1e-12 * np.max(np.abs(want)), n
# two steps in torch
t = [torch.tensor(np.load(f'{g}.{n}.npy'), requires_grad=True) for n in names]
X = torch.tensor(np.load(g + '.x.npy')); y = torch.tensor(np.load(g + '.labels.npy'))
losses = []
for step in range(2):
    L = torch.nn.functional.cross_entropy(torch.relu(X @ t[0] + t[1]) @ t[2] + t[3], y)
    L = L + 0.05 * ((t[0] ** 2).sum() + (t[2] ** 2).sum())
    losses.append(float(L))
    L.backward()
    with torch.no_grad():
        for v in t:
            v -= 0.1 * v.grad
            v.grad = None
got = [float(r) for r in records('loss2.npy')]
assert np.allclose(got, losses, rtol=1e-12, atol=0), (got, losses)
assert losses[1] < losses[0]
for n, v in zip(names, t):
    w = v.detach().numpy()
    assert np.max(np.abs(np.load(f'q/{n}.npy') - w)) <= 1e-12 * np.max(np.abs(w)), n
"
}

@test "tgrad course: --reduction sum is the mean times the rows (labels) or the elements (targets); --reg L2 adds lambda sum W^2 to the loss" {
	py '
rng = np.random.default_rng(3)
np.save("x.npy", rng.standard_normal((6, 4)))
np.save("w.npy", rng.standard_normal((4, 3))); np.save("b.npy", rng.standard_normal(3))
np.save("y.npy", rng.integers(0, 3, 6)); np.save("t.npy", rng.standard_normal((6, 3)))
'
	local i=0
	for loss in softmax-xent:y.npy svm:y.npy nll:y.npy mse:t.npy bce-logits:t.npy huber:t.npy huber:t.npy,delta=0.5; do
		i=$((i + 1))
		echo "$i $loss" >>losses.txt
		tgrad --forward --wrt none affine:w.npy,b.npy "$loss" <x.npy >mean$i.npy
		tgrad --forward --wrt none --reduction sum affine:w.npy,b.npy "$loss" <x.npy >sum$i.npy
		tgrad --forward --wrt none --reg L2:0.25 affine:w.npy,b.npy "$loss" <x.npy >reg$i.npy
	done
	py "
for line in open('losses.txt'):
    i, loss = line.split()
    m, s, r = (float(np.load(f + i + '.npy')) for f in ('mean', 'sum', 'reg'))
    n = 6 if 'y.npy' in loss else 18
    assert abs(s - n * m) <= 1e-13 * abs(s), (loss, m, s)
    assert abs(r - m - 0.25 * (np.load('w.npy') ** 2).sum()) <= 1e-13 * abs(r), loss
"
}

@test "tgrad course: --explain names each new layer's and loss's local gradient with shapes, the reduction and the regulariser" {
	py '
rng = np.random.default_rng(4)
np.save("x.npy", rng.standard_normal((5, 4)))
np.save("w.npy", rng.standard_normal((4, 3))); np.save("b.npy", rng.standard_normal(3))
np.save("y.npy", rng.integers(0, 3, 5))
'
	run --separate-stderr tgrad --explain --reg L2:0.01 --reduction sum affine:w.npy,b.npy leaky_relu:0.1 elu gelu:tanh log_softmax nll:y.npy <x.npy
	[ "$status" -eq 0 ] || fail "$stderr"
	for want in 'dL/dZ1 (5, 3) = dL/dZ2 (5, 3) ⊙ (1 where Z1 > 0, else A)' \
		'dL/dZ2 (5, 3) = dL/dZ3 (5, 3) ⊙ (1 where Z2 > 0, else A exp(Z2) = Z3 + A)' \
		'dL/dZ3 (5, 3) = dL/dZ4 (5, 3) ⊙ (Φ(Z3) + Z3 φ(Z3))' \
		'dL/dZ4 (5, 3) = dL/dZ5 (5, 3) - softmax(Z4) Σ_k dL/dZ5[r,k]' \
		'dL/dZ5 (5, 3) = -onehot(y) / R, R = rows' \
		'--reduction sum: the sum of the terms, not their mean' \
		'+ λ Σ W² over the weights (--reg L2:0.01): W1 (4, 3)' \
		'dL/dW += 2 λ W, λ = 0.01'; do
		grep -qF -- "$want" <<<"$output" || fail "no '$want' in: $output"
	done
}

@test "tgrad course: bad arguments, options and operands: one-line message naming the value, exit 1 or 2, empty stdout, no --out-dir file" {
	py '
rng = np.random.default_rng(6)
np.save("x.npy", rng.standard_normal((4, 5)))
np.save("w.npy", rng.standard_normal((5, 3))); np.save("b.npy", rng.standard_normal(3))
np.save("y.npy", np.array([0, 2, 1, 2])); np.save("y9.npy", np.array([0, 9, 1, 2]))
np.save("t.npy", np.ones((4, 4)))
'
	local d=$BATS_TEST_TMPDIR
	row fails --usage 2 "'leaky_relu:0.1,0.2': one item too many: '0.2'" "$d/x.npy" tgrad leaky_relu:0.1,0.2 sum
	row fails --usage 2 "'elu:a=1': 'a=1' is not an option of this kind" "$d/x.npy" tgrad elu:a=1 sum
	row fails --usage 2 "'relu:x': relu takes no operand" "$d/x.npy" tgrad relu:x sum
	row fails --usage 2 "'leaky_relu:': an empty item" "$d/x.npy" tgrad leaky_relu: sum
	row fails 1 "layer 1 \(leaky_relu\): A 'x' is not a number" "$d/x.npy" tgrad leaky_relu:x sum
	row fails 1 "layer 2 \(gelu\): 'erf' is not tanh" "$d/x.npy" tgrad relu gelu:erf sum
	row fails 1 "loss huber:.*: delta '0' is not a number above 0" "$d/x.npy" tgrad "affine:$d/w.npy,$d/b.npy" "huber:$d/t.npy,delta=0"
	row fails 1 "loss svm:.*: label 9 at \(1,\) is out of range for 3 classes" "$d/x.npy" tgrad "affine:$d/w.npy,$d/b.npy" "svm:$d/y9.npy"
	row fails 1 "loss nll:.*: label 9 at \(1,\) is out of range for 5 classes" "$d/x.npy" tgrad relu "nll:$d/y9.npy"
	row fails 1 "loss bce-logits:.*: the target \(4, 4\) does not fit the output Z \(4, 3\)" "$d/x.npy" tgrad "affine:$d/w.npy,$d/b.npy" "bce-logits:$d/t.npy"
	row fails --usage 2 "--reduction 'avg' is not one of mean, sum" "$d/x.npy" tgrad --reduction avg relu sum
	row fails --usage 2 "--reg 'L3:1' is not L2:LAMBDA or L1:LAMBDA" "$d/x.npy" tgrad --reg L3:1 relu sum
	row fails --usage 2 "--reg" "$d/x.npy" tgrad --reg L2:-1 relu sum
	row fails --usage 2 "--update 'adam:0.1' is not sgd:LR" "$d/x.npy" tgrad --update adam:0.1 --out-dir "$d" relu sum
	row fails --usage 2 "--update 'sgd:0.1' needs --out-dir DIR" "$d/x.npy" tgrad --update sgd:0.1 relu sum
	row fails --usage 2 "--out-dir '.*' without --update" "$d/x.npy" tgrad --out-dir "$d" relu sum
	row fails --usage 2 "--update with --check" "$d/x.npy" tgrad --check --update sgd:1 --out-dir "$d" relu sum
	# a bad record after a good one: no parameter file is written
	mkdir p
	cat x.npy x.npy | head -c 300 >cut.npy
	run --separate-stderr tgrad --update sgd:0.1 --out-dir p "affine:$d/w.npy,$d/b.npy" "softmax-xent:$d/y.npy" <cut.npy
	[ "$status" -eq 1 ] || fail "exit $status: $stderr"
	[ -z "$(ls -A p)" ] || fail "p holds $(ls -A p)"
	rows_ok
}

@test "tgrad course: bad pools, normalisations and dropout: one-line messages naming the value" {
	py '
rng = np.random.default_rng(7)
np.save("x.npy", rng.standard_normal((2, 3, 4, 4)))
np.save("g3.npy", np.ones(3)); np.save("b3.npy", np.zeros(3)); np.save("g4.npy", np.ones(4))
np.save("b4.npy", np.zeros(4)); np.save("vneg.npy", np.array([1.0, -1, 1]))
np.save("mask.npy", np.full((2, 3, 4, 4), 0.5)); np.save("mask2.npy", np.ones((2, 3)))
np.save("w.npy", np.ones((4, 3)))
'
	local d=$BATS_TEST_TMPDIR
	row fails 1 "layer 1 \(maxpool\): needs its kernel size, as maxpool:2" "$d/x.npy" tgrad maxpool sum
	row fails 1 "layer 1 \(avgpool\): kernel '0' is not a size from 1" "$d/x.npy" tgrad avgpool:0 sum
	row fails 1 "layer 1 \(maxpool\): pad 2 is more than half the kernel 3" "$d/x.npy" tgrad maxpool:3,pad=2 sum
	row fails 1 "layer 1 \(maxpool\): stride '1x1x1' has 3 entries, not 2" "$d/x.npy" tgrad maxpool:2x2,stride=1x1x1 sum
	row fails 1 "layer 1 \(maxpool\): X \(2, 3, 4, 4\): axis 2 \(4, padded 4\) is shorter than the kernel 5" "$d/x.npy" tgrad maxpool:5 sum
	row fails 1 "layer 1 \(batchnorm\): gamma0 \(4,\) does not fit the incoming \(2, 3, 4, 4\): X is \(N, C, ...\) with C = 4 channels" "$d/x.npy" tgrad "batchnorm:$d/g4.npy,$d/b4.npy" sum
	row fails 1 "layer 1 \(batchnorm\): gamma0 \(3,\) and beta0 \(4,\) differ in shape" "$d/x.npy" tgrad "batchnorm:$d/g3.npy,$d/b4.npy" sum
	row fails 1 "layer 1 \(batchnorm\): give both mean= and var=" "$d/x.npy" tgrad "batchnorm:$d/g3.npy,$d/b3.npy,mean=$d/b3.npy" sum
	row fails 1 "layer 1 \(batchnorm\): var -1 at \(1,\) is negative" "$d/x.npy" tgrad "batchnorm:$d/g3.npy,$d/b3.npy,mean=$d/b3.npy,var=$d/vneg.npy" sum
	row fails 1 "layer 1 \(layernorm\): gamma0 \(3,\) does not fit the incoming \(2, 3, 4, 4\)" "$d/x.npy" tgrad "layernorm:$d/g3.npy,$d/b3.npy" sum
	row fails 1 "layer 3 \(layernorm\): gamma1 is layer 2's already: one normalisation per weight layer" "$d/x.npy" tgrad "matmul:$d/w.npy" "batchnorm:$d/g3.npy,$d/b3.npy" "layernorm:$d/g3.npy,$d/b3.npy" sum
	row fails 1 "layer 1 \(dropout\): needs its drop probability" "$d/x.npy" tgrad dropout sum
	row fails 1 "layer 1 \(dropout\): P 1 drops everything" "$d/x.npy" tgrad dropout:1,seed=1 sum
	row fails 1 "layer 1 \(dropout\): give the keep mask as mask=FILE or seed=N, one of them" "$d/x.npy" tgrad dropout:0.5 sum
	row fails 1 "layer 1 \(dropout\): seed 1.5 is not an integer" "$d/x.npy" tgrad dropout:0.5,seed=1.5 sum
	row fails 1 "layer 1 \(dropout\): mask value 0.5 at \(0, 0, 0, 0\) is not 0 or 1" "$d/x.npy" tgrad "dropout:0.5,mask=$d/mask.npy" sum
	row fails 1 "layer 1 \(dropout\): mask \(2, 3\) does not fit the incoming \(2, 3, 4, 4\)" "$d/x.npy" tgrad "dropout:0.5,mask=$d/mask2.npy" sum
	row fails --usage 2 "'dropout:0.5,mask=': mask= names an empty file" "$d/x.npy" tgrad dropout:0.5,mask= sum
	rows_ok
}

@test "tgrad course: property: dropout's seeded mask keeps about 1 - P, the same for every record, another for another seed; --explain of the pools, normalisations and conv2d" {
	tgen randn 50,40 --seed 1 -n 2 >x.npy
	tgrad --forward dropout:0.3,seed=5 <x.npy >z5.npy
	tgrad --forward dropout:0.3,seed=6 <x.npy >z6.npy
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
x = records('x.npy'); a = records('z5.npy'); b = records('z6.npy')
keep = [z != 0 for z in a]
assert (keep[0] == keep[1]).all()
assert 0.65 < keep[0].mean() < 0.75, keep[0].mean()
assert not (keep[0] == (b[0] != 0)).all()
for xi, zi, k in zip(x, a, keep):
    assert np.allclose(zi[k], xi[k] / 0.7, rtol=1e-15, atol=0)
"
	py 'np.save("x4.npy", np.random.default_rng(1).standard_normal((2, 3, 6, 6))); np.save("g.npy", np.ones(3)); np.save("b.npy", np.zeros(3))'
	run --separate-stderr tgrad --explain maxpool:2 avgpool:3,stride=1,pad=1 batchnorm:g.npy,b.npy sum <x4.npy
	[ "$status" -eq 0 ] || fail "$stderr"
	for want in 'Z1 (2, 3, 3, 3) = the maximum of each window of X (2, 3, 6, 6)' \
		'dL/dX (2, 3, 6, 6) = dL/dZ1 (2, 3, 3, 3) routed to the first maximum of each window' \
		'dL/dZ1 (2, 3, 3, 3) = dL/dZ2 (2, 3, 3, 3) / (the kernel' \
		'dL/dgamma0 (3,) = Σ dL/dZ3 ⊙ x̂' \
		'dL/dZ2 (2, 3, 3, 3) = (dh - mean(dh) - x̂ mean(dh ⊙ x̂))'; do
		grep -qF -- "$want" <<<"$output" || fail "no '$want' in: $output"
	done
	# conv2d, with a bias and without (no line names one)
	py 'np.save("w.npy", np.ones((2, 3, 3, 3))); np.save("b2.npy", np.zeros(2))'
	run --separate-stderr tgrad --explain conv2d:w.npy,b2.npy,pad=1 sum <x4.npy
	[ "$status" -eq 0 ] || fail "$stderr"
	for want in 'Z1 (2, 2, 6, 6) from X (2, 3, 6, 6) and W1 (2, 3, 3, 3): Z1[:,o] = Σ_c X[:,c] ⋆ W1[o,c]' \
		'+ b1[o], the bias b1 (2,)' \
		'dL/dX (2, 3, 6, 6): dL/dX[:,c] = Σ_o dL/dZ1[:,o] ∗ W1[o,c], the full convolution' \
		'dL/dW1 (2, 3, 3, 3): dL/dW1[o,c] = Σ_n X[n,c] ⋆ dL/dZ1[n,o], the valid correlation' \
		'dL/db1 (2,): dL/db1[o] = Σ of dL/dZ1[:,o]'; do
		grep -qF -- "$want" <<<"$output" || fail "no '$want' in: $output"
	done
	run --separate-stderr tgrad --explain conv2d:w.npy,stride=2 sum <x4.npy
	[ "$status" -eq 0 ] || fail "$stderr"
	grep -qF 'dL/dW1 (2, 3, 3, 3)' <<<"$output" || fail "$output"
	! grep -q 'b1\|?' <<<"$output" || fail "a bias line without a bias: $output"
}

@test "tgrad course: bad conv1d/2d/3d words and shapes: one-line messages naming the value" {
	py '
rng = np.random.default_rng(8)
np.save("x.npy", rng.standard_normal((2, 4, 6, 6)))
np.save("w.npy", rng.standard_normal((3, 4, 3, 3))); np.save("b3.npy", np.zeros(3)); np.save("b2.npy", np.zeros(2))
np.save("w3.npy", rng.standard_normal((3, 4, 3))); np.save("wg.npy", rng.standard_normal((4, 2, 3, 3)))
'
	local d=$BATS_TEST_TMPDIR
	row fails --usage 2 "'conv2d': conv2d takes 1 or 2 operand files, as conv2d:W\[,b\]" "$d/x.npy" tgrad conv2d sum
	row fails --usage 2 "'conv2d:w.npy,b.npy,bias.npy': conv2d takes 1 or 2 operand files" "$d/x.npy" tgrad conv2d:w.npy,b.npy,bias.npy sum
	row fails --usage 2 "'affine:w.npy,b.npy,c.npy': affine takes 2 operand files, as affine:W,b" "$d/x.npy" tgrad affine:w.npy,b.npy,c.npy sum
	row fails 1 "layer 1 \(conv2d\): W1 \(3, 4, 3\) must have 4 axes, \(C_out, C_in/groups, kh, kw\)" "$d/x.npy" tgrad "conv2d:$d/w3.npy" sum
	row fails 1 "layer 1 \(conv2d\): b1 \(2,\) does not fit W1 \(3, 4, 3, 3\): b1 must have shape \(3,\)" "$d/x.npy" tgrad "conv2d:$d/w.npy,$d/b2.npy" sum
	row fails 1 "layer 1 \(conv2d\): groups 2 does not divide W1's 3 output channels" "$d/x.npy" tgrad "conv2d:$d/w.npy,groups=2" sum
	row fails 1 "layer 1 \(conv2d\): stride '0' is not a size from 1, or such sizes joined by x" "$d/x.npy" tgrad "conv2d:$d/w.npy,stride=0" sum
	row fails 1 "layer 1 \(conv2d\): pad '1x2x3' has 3 sizes, not 1 or 2" "$d/x.npy" tgrad "conv2d:$d/w.npy,pad=1x2x3" sum
	row fails 1 "layer 1 \(conv2d\): pad=same needs stride 1" "$d/x.npy" tgrad "conv2d:$d/w.npy,pad=same,stride=2" sum
	row fails 1 "layer 1 \(conv2d\): W1 \(4, 2, 3, 3\) does not fit the incoming \(2, 4, 6, 6\): X is \(N, C_in, ...\) with 2 spatial axes and C_in = 2" "$d/x.npy" tgrad "conv2d:$d/wg.npy" sum
	row fails 1 "layer 1 \(conv2d\): X \(2, 4, 6, 6\): axis 2 \(6, padded 6\) is shorter than the dilated kernel 7" "$d/x.npy" tgrad "conv2d:$d/w.npy,dilation=3" sum
	row fails --usage 2 "'conv2d:w.npy,padding=1': 'padding=1' is not an option of this kind" "$d/x.npy" tgrad conv2d:w.npy,padding=1 sum
	rows_ok
}

@test "tgrad course: --wrt takes the course's names (W1, gamma1, beta1, W2 ...) in chain order, their values PyTorch's; --update writes gamma1 and beta1 too" {
	local case=net-bn-dropout x args
	IFS="|" read -r _ _ x args < <(grep "^$case|" "$GOLD/cases.txt")
	mkdir p
	# shellcheck disable=SC2086
	(cd "$GOLD" && tgrad --forward --wrt beta1,W2,gamma1 $args <"$x") >bn.npy
	# shellcheck disable=SC2086
	(cd "$GOLD" && tgrad --update sgd:0.5 --out-dir "$BATS_TEST_TMPDIR/p" --wrt none $args <"$x") >none.npy
	IFS="|" read -r _ _ x args < <(grep "^net-conv|" "$GOLD/cases.txt")
	# shellcheck disable=SC2086
	(cd "$GOLD" && tgrad --wrt b1,W1 $args <"$x") >conv.npy
	[ "$(ls p | tr '\n' ' ')" = "W1.npy W2.npy b2.npy beta1.npy gamma1.npy " ] || fail "out-dir holds $(ls p)"
	[ ! -s none.npy ] || fail "--wrt none without --forward wrote $(wc -c <none.npy) bytes"
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
def same(got, want, what):
    assert got.shape == want.shape, (what, got.shape, want.shape)
    err = float(np.max(np.abs(got - want)))
    assert err <= 1e-10 * float(np.max(np.abs(want))), (what, err)
g = '$GOLD/net-bn-dropout'
exp = records(g + '.out.npy')   # loss, X, W1, gamma1, beta1, W2, b2
got = records('bn.npy')
assert len(got) == 4, len(got)
for r, e, n in zip(got, [exp[0], exp[3], exp[4], exp[5]], ['L', 'gamma1', 'beta1', 'W2']):
    same(r, e, n)
for n, e in zip(['W1', 'gamma1', 'beta1', 'W2', 'b2'], exp[2:]):
    same(np.load(f'p/{n}.npy'), np.load(f'{g}.{n}.npy') - 0.5 * e, n)
exp = records('$GOLD/net-conv.out.npy')   # loss, X, W1, b1, W2, b2
got = records('conv.npy')
assert len(got) == 2, len(got)
same(got[0], exp[2], 'W1'); same(got[1], exp[3], 'b1')
"
}

@test "tgrad course: property: --check passes on random tgen inputs through every new layer and loss in four chains; --explain names the local gradients the other tests leave out" {
	tgen randn 4,3,6,6 --seed 1 -o x4.npy
	tgen randn 4,3,3,3 --seed 2 | tmath '0.3 * x' -o cW.npy
	tgen randn 4 --seed 3 -o b4.npy
	tgen rand 4 --seed 4 | tmath '0.5 + x' -o g4.npy
	tgen randn 4 --seed 5 -o be4.npy
	tgen randn 36,6 --seed 8 | tmath '0.3 * x' -o W6.npy
	tgen randn 6 --seed 9 -o b6.npy
	tgen rand 6 --seed 6 | tmath '0.5 + x' -o g6.npy
	tgen randn 6 --seed 7 -o be6.npy
	tgen randn 6,5 --seed 17 -o W65.npy
	tgen randn 5 --seed 9 -o b5.npy
	tgen rand 4 --seed 10 | tmath 'floor(5 * x)' -o y.npy
	tgen randn 3,2,9 --seed 12 -o x3.npy
	tgen randn 4,2,3 --seed 13 -o W1d.npy
	tgen rand 3 --seed 18 | tmath 'floor(16 * x)' -o y3.npy
	tgen randn 2,2,4,5,4 --seed 14 -o x5.npy
	tgen randn 4,1,2,3,2 --seed 15 -o W3g.npy
	tgen randn 108,5 --seed 19 | tmath '0.2 * x' -o W108.npy
	tgen rand 2,5 --seed 20 -o t25.npy
	tgen rand 3 --seed 21 | tmath '0.5 + x' -o g3.npy
	tgen randn 3 --seed 22 -o be3.npy
	tgen randn 4,3,3,3 --seed 23 -o t4.npy
	local want chk out bad=''
	for chain in "11|x4.npy|conv2d:cW.npy,b4.npy,pad=1 batchnorm:g4.npy,be4.npy leaky_relu:0.1 maxpool:2 flatten affine:W6.npy,b6.npy layernorm:g6.npy,be6.npy gelu:tanh dropout:0.3,seed=2 affine:W65.npy,b5.npy svm:y.npy" \
		"2|x3.npy|conv1d:W1d.npy,stride=2,pad=1 elu:0.5 avgpool:2,stride=1 flatten log_softmax nll:y3.npy" \
		"5|x5.npy|--reduction sum conv3d:W3g.npy,b4.npy,groups=2,dilation=1x2x1,pad=0x1x0 relu flatten affine:W108.npy,b5.npy bce-logits:t25.npy" \
		"3|x4.npy|avgpool:3,stride=2,pad=1 elu gelu batchnorm:g3.npy,be3.npy,mean=be3.npy,var=g3.npy huber:t4.npy,delta=0.5"; do
		IFS="|" read -r want x args <<<"$chain"
		# shellcheck disable=SC2086
		chk=$(tgrad --check $args <"$x" 2>&1) || bad+="exit $?: $args: $chk"$'\n'
		[ "$(grep -c 'good (< 1e-7)' <<<"$chk")" -eq "$want" ] || bad+="$args: not $want good lines: $chk"$'\n'
	done
	[ -z "$bad" ] || fail "$bad"
	# --explain of the layers and losses the other tests leave out
	run --separate-stderr tgrad --explain --reduction sum conv1d:W1d.npy,stride=2,pad=1 elu:0.5 avgpool:2,stride=1 flatten log_softmax nll:y3.npy <x3.npy
	[ "$status" -eq 0 ] || fail "$stderr"
	out=$output
	run --separate-stderr tgrad --explain conv2d:cW.npy,b4.npy,pad=1 batchnorm:g4.npy,be4.npy,mean=be4.npy,var=g4.npy maxpool:2 flatten affine:W6.npy,b6.npy layernorm:g6.npy,be6.npy gelu dropout:0.3,seed=2 affine:W65.npy,b5.npy svm:y.npy <x4.npy
	[ "$status" -eq 0 ] || fail "$stderr"
	out+=$output
	run --separate-stderr tgrad --explain conv3d:W3g.npy,b4.npy,groups=2,dilation=1x2x1,pad=0x1x0 relu flatten affine:W108.npy,b5.npy bce-logits:t25.npy <x5.npy
	[ "$status" -eq 0 ] || fail "$stderr"
	out+=$output
	run --separate-stderr tgrad --explain avgpool:3,stride=2,pad=1 batchnorm:g3.npy,be3.npy huber:t4.npy,delta=0.5 <x4.npy
	[ "$status" -eq 0 ] || fail "$stderr"
	out+=$output
	for want in 'Z1 (3, 4, 5) from X (3, 2, 9) and W1 (4, 2, 3): Z1[:,o] = Σ_c X[:,c] ⋆ W1[o,c]' \
		"dL/dW1 (4, 2, 3): dL/dW1[o,c] = Σ_n X[n,c] ⋆ dL/dZ1[n,o], the valid correlation summed over the batch, at the dilation's taps" \
		'dL/dX (3, 2, 9): dL/dX[:,c] = Σ_o dL/dZ1[:,o] ∗ W1[o,c]' \
		'dL/dX (2, 2, 4, 5, 4): dL/dX[:,c] = Σ_o dL/dZ1[:,o] ∗ W1[o,c]' \
		'Z2 (4, 4, 6, 6) = (Z1 (4, 4, 6, 6) - μ) / √(σ² + eps) ⊙ gamma1 (4,) + beta1 (4,) per channel' \
		'(with mean= and var=: dh / √(var + eps))' \
		'dL/dgamma2 (6,) = Σ dL/dZ6 ⊙ x̂, dL/dbeta2 (6,) = Σ dL/dZ6, over the leading axes' \
		'dL/dZ5 (4, 6) = (dh - mean(dh) - x̂ mean(dh ⊙ x̂)) / √(σ² + eps) per row, dh = dL/dZ6 ⊙ gamma2' \
		'dL/dZ6 (4, 6) = dL/dZ7 (4, 6) ⊙ (Φ(Z6) + Z6 φ(Z6))' \
		'Z8 (4, 6) = Z7 (4, 6) ⊙ M / (1 - P)' \
		'dL/dZ7 (4, 6) = dL/dZ8 (4, 6) ⊙ M / (1 - P)' \
		'dL/dZ9 (4, 5): dL/dZ9[r,j] = [margin j > 0] / R for j ≠ y[r]' \
		'dL/dZ4 (2, 5) = (σ(Z4) - t) / N' \
		'd = Z2 - T, T = target t4.npy (4, 3, 3, 3)' \
		'δ = 0.5 (delta=, 1 when not given)' \
		'dL/dZ2 (4, 3, 3, 3) = clamp(d, -δ, δ) / N' \
		'dL/dZ2 (3, 4, 5) = dL/dZ3 (3, 4, 4) / (the kernel' \
		'--reduction sum: the sum of the terms, not their mean'; do
		grep -qF -- "$want" <<<"$out" || fail "no '$want' in: $out"
	done
}

@test "tgrad course: the man page's training example: every one of its 50 --update sgd steps lowers the loss" {
	local cmds
	# the page's commands, the loop's loss stream kept whole (no awk)
	cmds=$(sed -n "/^Training cs231n's two-layer network/,/^\.Ed/s/^\\$ //p" "$TPIPE_TOP/man/tgrad.1" |
		sed 's/ | awk .*//; s/\\e/\\/g')
	[ "$(grep -c '^for i in $(seq 50)' <<<"$cmds")" -eq 1 ] || fail "no loop in: $cmds"
	eval "$cmds" >losses.txt
	awk 'NR > 1 && !($1 < prev) { print "step " NR ": " $1 " after " prev; bad = 1 }
		{ prev = $1 } END { if (NR != 50) { print NR " losses"; bad = 1 }; exit bad }' losses.txt ||
		fail "$(cat losses.txt)"
}

@test "tgrad course: conv2d's dL/dW over a batch taken in several runs of the engine (a run's signal about 1 MiB) equals PyTorch's, with stride, dilation and groups too" {
	# f64, X (9, 2, 40, 40), 16 output channels, pad 1: dL/dZ padded is
	# 44 x 44 x 16 x 8 bytes a sample, runs of 4, 4 and 1 samples
	py '
rng = np.random.default_rng(9)
np.save("x.npy", rng.standard_normal((9, 2, 40, 40)))
np.save("w.npy", rng.standard_normal((16, 2, 3, 3))); np.save("b.npy", rng.standard_normal(16))
np.save("g.npy", rng.standard_normal((9, 16, 40, 40)))
np.save("wg.npy", rng.standard_normal((16, 1, 3, 3)))
np.save("gg.npy", rng.standard_normal((9, 16, 19, 19)))
'
	tgrad -g g.npy conv2d:w.npy,b.npy,pad=1 <x.npy >plain.npy
	tgrad -g gg.npy conv2d:wg.npy,b.npy,pad=1,stride=2,dilation=2,groups=2 <x.npy >grouped.npy
	py "
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
import torch
x = torch.tensor(np.load('x.npy'), requires_grad=True)
for out, w, g, kw in (('plain.npy', 'w.npy', 'g.npy', {}),
                      ('grouped.npy', 'wg.npy', 'gg.npy', dict(stride=2, dilation=2, groups=2))):
    W = torch.tensor(np.load(w), requires_grad=True)
    b = torch.tensor(np.load('b.npy'), requires_grad=True)
    x.grad = None
    z = torch.nn.functional.conv2d(x, W, b, padding=1, **kw)
    z.backward(torch.tensor(np.load(g)))
    got = records(out)
    assert len(got) == 3, (out, len(got))
    for r, t, n in zip(got, (x.grad, W.grad, b.grad), 'XWb'):
        t = t.numpy()
        assert r.shape == t.shape, (out, n, r.shape, t.shape)
        err = float(np.max(np.abs(r - t)))
        assert err <= 1e-10 * float(np.max(np.abs(t))), (out, n, err)
"
}

@test "tgrad course: property: conv2d, relu and the pools split their images, elements and planes over -j's threads and give the same bytes on 1, 2 and 3 threads, float32 and float64" {
	py '
rng = np.random.default_rng(24)
for t, n in ((np.float32, "32"), (np.float64, "64")):
    np.save("x" + n + ".npy", rng.standard_normal((8, 4, 20, 20)).astype(t))
    np.save("w" + n + ".npy", (rng.standard_normal((16, 4, 3, 3)) / 6).astype(t))
    np.save("wg" + n + ".npy", (rng.standard_normal((16, 2, 5, 5)) / 6).astype(t))
    np.save("b" + n + ".npy", rng.standard_normal(16).astype(t))
'
	for n in 32 64; do
		for j in 1 2 3; do
			tgrad -j $j --forward conv2d:w$n.npy,b$n.npy,pad=2 relu maxpool:2 maxpool:3,stride=2 sum <x$n.npy >a$n-$j.npy
			tgrad -j $j --forward conv2d:wg$n.npy,b$n.npy,pad=1,stride=2,groups=2 relu avgpool:2 sum <x$n.npy >g$n-$j.npy
		done
		for f in a g; do
			[ -s $f$n-1.npy ]
			cmp $f$n-1.npy $f$n-2.npy
			cmp $f$n-1.npy $f$n-3.npy
		done
	done
	py '
sys.path.insert(0, "'"$TPIPE_TOP"'/test")
from npystream import records
for f in ("a32-1.npy", "g64-1.npy"):
    r = records(f)
    assert len(r) == 4 and r[1].shape == (8, 4, 20, 20), (f, len(r), r[1].shape)
    assert np.count_nonzero(r[1]) > 1000, f
'
}
