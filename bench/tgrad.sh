#!/bin/sh
# bench/tgrad.sh - tgrad against PyTorch on cs231n's two-layer network:
# X (4096, 1024) float32, affine 1024 -> 1024, relu, affine 1024 -> 10,
# softmax cross-entropy; the loss and the gradients with respect to X,
# W1, b1, W2, b2 (forward and backward).
#
#   bench/tgrad.sh
#
# Two comparisons, each the best of $REPS (3) runs:
#   whole process: `tgrad --forward ... < x.npy -o out.npy` against
#     `python3 -c ...` importing torch, loading the same NPY files,
#     computing the same loss and gradients (X.requires_grad, so that
#     dL/dX is computed too) and saving them to one NPY stream;
#   compute: tgrad's "compute" time from --verbose (the forward and
#     backward passes, no I/O) against torch's in-process time of the
#     forward and backward passes (best of $REPS after one warm-up, in
#     one process).
# The last column is the largest difference between the two outputs,
# relative to max|torch|, over the six records: both did the same work.
#
# Environment: TGRAD (default build/bin/tgrad), PYTHON (/usr/bin/python3),
# REPS (3), TGRAD_ARGS (extra tgrad arguments, e.g. "-j 1").  Inputs live
# in a temporary directory that is removed at the end.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TGRAD=${TGRAD:-$top/build/bin/tgrad}
TGRAD_ARGS=${TGRAD_ARGS:-}

need_tool "$TGRAD" tgrad TGRAD
need_python "numpy, torch" "numpy and torch"
bench_tmpdir tgrad
cd "$tmp" || exit 1

echo "bench/tgrad.sh: making the inputs" >&2
"$PYTHON" -c "
import numpy as np
r = np.random.default_rng(1)
np.save('x.npy', r.standard_normal((4096, 1024)).astype(np.float32))
np.save('w1.npy', (r.standard_normal((1024, 1024)) / 32).astype(np.float32))
np.save('b1.npy', (r.standard_normal(1024) / 10).astype(np.float32))
np.save('w2.npy', (r.standard_normal((1024, 10)) / 32).astype(np.float32))
np.save('b2.npy', (r.standard_normal(10) / 10).astype(np.float32))
np.save('y.npy', r.integers(0, 10, 4096))
" || exit 1

# the torch job: whole process, or (argument N) the best of N in-process
# forward and backward passes after one warm-up, printed in seconds
cat >torch_job.py <<'EOF'
import sys, time
import numpy as np
import torch
import torch.nn.functional as F
x = torch.from_numpy(np.load('x.npy')).requires_grad_()
P = [torch.from_numpy(np.load(f)).requires_grad_()
     for f in ('w1.npy', 'b1.npy', 'w2.npy', 'b2.npy')]
y = torch.from_numpy(np.load('y.npy'))


def step():
    for t in [x] + P:
        t.grad = None
    L = F.cross_entropy(torch.relu(x @ P[0] + P[1]) @ P[2] + P[3], y)
    L.backward()
    return L


L = step()
if len(sys.argv) > 1:
    best = float('inf')
    for i in range(int(sys.argv[1])):
        t = time.perf_counter()
        L = step()
        best = min(best, time.perf_counter() - t)
    print('%.3f' % best)
else:
    with open('torch.npy', 'wb') as f:
        np.save(f, L.detach().numpy())
        for t in [x] + P:
            np.save(f, t.grad.numpy())
EOF

torch_whole() { "$PYTHON" torch_job.py; }
tgrad_whole() {
	# shellcheck disable=SC2086
	"$TGRAD" --forward $TGRAD_ARGS affine:w1.npy,b1.npy relu \
		affine:w2.npy,b2.npy softmax-xent:y.npy <x.npy -o tgrad.npy
}
# tgrad_compute: the compute time --verbose reports, best of $REPS
tgrad_compute() {
	i=0
	while [ $i -lt "$REPS" ]; do
		# shellcheck disable=SC2086
		"$TGRAD" --verbose --forward $TGRAD_ARGS affine:w1.npy,b1.npy relu \
			affine:w2.npy,b2.npy softmax-xent:y.npy <x.npy 2>&1 >/dev/null |
			sed -n 's/^tgrad: record 0: .*compute \([0-9.]*\) s.*/\1/p'
		i=$((i + 1))
	done | sort -g | head -n 1
}

tw=$(warm_best "torch, whole process" torch_whole) || exit 1
gw=$(warm_best "tgrad, whole process" tgrad_whole) || exit 1
echo "bench/tgrad.sh: compute times" >&2
tc=$("$PYTHON" torch_job.py "$REPS")
gc=$(tgrad_compute)
err=$("$PYTHON" -c "
import numpy as np
def records(p):
    out = []
    with open(p, 'rb') as f:
        while f.read(1):
            f.seek(-1, 1)
            out.append(np.lib.format.read_array(f))
    return out
a, b = records('tgrad.npy'), records('torch.npy')
assert len(a) == len(b) == 6, (len(a), len(b))
print('%.1e' % max(float(np.max(np.abs(u.astype(float) - v))) / float(np.max(np.abs(v)))
                   for u, v in zip(a, b)))
")
torchthreads=$("$PYTHON" -c 'import torch; print(torch.get_num_threads())')

echo
echo "tgrad: $TGRAD ${TGRAD_ARGS:-(default options)}; torch $("$PYTHON" -c 'import torch; print(torch.__version__)') (torch.get_num_threads() = $torchthreads); $(nproc) CPUs; best of $REPS"
echo
echo "| two-layer net, B=4096, 1024→1024→10, f32, fwd+bwd | tgrad s | torch s | torch/tgrad | max rel err |"
echo "|---|---|---|---|---|"
echo "| whole process (load, compute, save) | $gw | $tw | $(ratio "$tw" "$gw") | $err |"
echo "| compute only (tgrad --verbose; torch in-process) | $gc | $tc | $(ratio "$tc" "$gc") | |"
echo
awk -v gw="$gw" -v tw="$tw" -v gc="$gc" -v tc="$tc" 'BEGIN {
	printf "- faster than torch, whole process: %s\n", (gw < tw) ? "yes" : "no"
	printf "- compute within 1.5x of torch in-process: %s (%.2fx)\n",
	    (gc <= 1.5 * tc) ? "yes" : "no", gc / tc }'
