#!/bin/sh
# bench/tgrad.sh - tgrad against PyTorch, forward and backward, on two
# networks (select them by name; none named: both):
#   twolayer  cs231n's two-layer network (issue 11): X (4096, 1024)
#             float32, affine 1024 -> 1024, relu, affine 1024 -> 10,
#             softmax cross-entropy;
#   conv      a conv-relu-pool-affine-softmax network (issue 24): X (64,
#             3, 32, 32) float32, conv2d with 32 filters 5x5, pad 2 (as
#             cs231n's ThreeLayerConvNet), relu, 2x2 max pool, affine
#             8192 -> 10, softmax cross-entropy.
# The loss and the gradients with respect to X and every parameter.
#
#   bench/tgrad.sh [twolayer] [conv]
#
# Two comparisons per network, each the best of $REPS (3) runs, both
# sides on $THREADS threads (tgrad -j, torch.set_num_threads):
#   whole process: `tgrad --forward ... < x.npy -o out.npy` against
#     `python3 torch_job.py` importing torch, loading the same NPY files,
#     computing the same loss and gradients (X.requires_grad, so that
#     dL/dX is computed too) and saving them to one NPY stream;
#   compute: tgrad's "compute" time from --verbose (the forward and
#     backward passes, no I/O) against torch's in-process time of the
#     forward and backward passes (best of $REPS after one warm-up, in
#     one process);
#   CPU time: tgrad's whole process (user + system, its read and write
#     too; the least of $REPS) against torch's process_time() of the
#     passes in process (least of $REPS): on a loaded machine the wall
#     times wait for a CPU, these less so.
#   bound (twolayer, issue 26): bench/sgemm6.c, the six sgemm calls of
#     the net's passes alone on OpenBLAS with $THREADS threads (best of
#     $REPS after a warm-up, wall and CPU), beside tgrad's compute and
#     its whole process's CPU time.  OPENBLAS variables stay as the
#     environment sets them (run it again with OPENBLAS_CORETYPE=... to
#     see another kernel).
# The last column is the largest difference between the two outputs,
# relative to max|torch|, over the records: both did the same work.
#
# Environment: TGRAD (default build/bin/tgrad), PYTHON (/usr/bin/python3),
# REPS (3), THREADS (the CPUs), TGRAD_ARGS (extra tgrad arguments).
# Inputs live in a temporary directory that is removed at the end.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TGRAD=${TGRAD:-$top/build/bin/tgrad}
TGRAD_ARGS=${TGRAD_ARGS:-}
THREADS=${THREADS:-$(nproc)}

need_tool "$TGRAD" tgrad TGRAD
need_python "numpy, torch" "numpy and torch"
for net in "$@"; do
	case $net in
	twolayer | conv) ;;
	*) echo "$me: unknown network '$net' (twolayer, conv)" >&2; exit 2 ;;
	esac
done
bench_tmpdir tgrad
cd "$tmp" || exit 1

echo "bench/tgrad.sh: making the inputs" >&2
"$PYTHON" -c "
import numpy as np
r = np.random.default_rng(1)
def save(name, a, scale=1):
    np.save(name, (a * scale).astype(np.float32))
save('x.npy', r.standard_normal((4096, 1024)))
save('w1.npy', r.standard_normal((1024, 1024)), 1 / 32)
save('b1.npy', r.standard_normal(1024), 1 / 10)
save('w2.npy', r.standard_normal((1024, 10)), 1 / 32)
save('b2.npy', r.standard_normal(10), 1 / 10)
np.save('y.npy', r.integers(0, 10, 4096))
save('cx.npy', r.standard_normal((64, 3, 32, 32)))
save('cw1.npy', r.standard_normal((32, 3, 5, 5)), 1 / 10)
save('cb1.npy', r.standard_normal(32), 1 / 10)
save('cw2.npy', r.standard_normal((8192, 10)), 1 / 100)
save('cb2.npy', r.standard_normal(10), 1 / 10)
np.save('cy.npy', r.integers(0, 10, 64))
" || exit 1

# the torch job: NET THREADS [N]: the whole process, or the best of N
# in-process forward and backward passes after one warm-up, in seconds
# of wall time and of CPU time (process_time)
cat >torch_job.py <<'EOF'
import sys, time
import numpy as np
import torch
import torch.nn.functional as F
net, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
files = {'twolayer': ('x', 'w1', 'b1', 'w2', 'b2', 'y'),
         'conv': ('cx', 'cw1', 'cb1', 'cw2', 'cb2', 'cy')}[net]
T = [torch.from_numpy(np.load(f + '.npy')) for f in files]
x, P, y = T[0].requires_grad_(), [t.requires_grad_() for t in T[1:5]], T[5]


def step():
    for t in [x] + P:
        t.grad = None
    if net == 'twolayer':
        s = torch.relu(x @ P[0] + P[1]) @ P[2] + P[3]
    else:
        h = F.max_pool2d(torch.relu(F.conv2d(x, P[0], P[1], padding=2)), 2)
        s = h.flatten(1) @ P[2] + P[3]
    L = F.cross_entropy(s, y)
    L.backward()
    return L


L = step()
if len(sys.argv) > 3:
    best = cpu = float('inf')
    for i in range(int(sys.argv[3])):
        t, c = time.perf_counter(), time.process_time()
        L = step()
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    print('%.3f %.3f' % (best, cpu))
else:
    with open('torch.npy', 'wb') as f:
        np.save(f, L.detach().numpy())
        for t in [x] + P:
            np.save(f, t.grad.numpy())
EOF

# chain NET: tgrad's layers and loss for NET, and its input file
chain() {
	case $1 in
	twolayer)
		echo "affine:w1.npy,b1.npy relu affine:w2.npy,b2.npy" \
			"softmax-xent:y.npy x.npy" ;;
	conv)
		echo "conv2d:cw1.npy,cb1.npy,pad=2 relu maxpool:2 flatten" \
			"affine:cw2.npy,cb2.npy softmax-xent:cy.npy cx.npy" ;;
	esac
}
tgrad_run() {
	_c=$(chain "$net")
	# shellcheck disable=SC2086
	"$TGRAD" -j "$THREADS" --forward $TGRAD_ARGS "$@" ${_c% *} <"${_c##* }"
}
torch_whole() { "$PYTHON" torch_job.py "$net" "$THREADS"; }
tgrad_whole() { tgrad_run -o tgrad.npy; }
# tgrad_cpu: the CPU time of the whole process, least of $REPS
tgrad_cpu() {
	_c=$(chain "$net")
	# shellcheck disable=SC2086
	"$PYTHON" -c "
import resource, subprocess, sys
n, inp, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
best = float('inf')
for i in range(n):
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(inp, 'rb') as f:
        subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, check=True)
    a = resource.getrusage(resource.RUSAGE_CHILDREN)
    best = min(best, a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime)
print('%.3f' % best)
" "$REPS" "${_c##* }" "$TGRAD" -j "$THREADS" --forward $TGRAD_ARGS ${_c% *}
}
# tgrad_compute: the compute time --verbose reports, best of $REPS
tgrad_compute() {
	i=0
	while [ $i -lt "$REPS" ]; do
		tgrad_run --verbose 2>&1 >/dev/null |
			sed -n 's/^tgrad: record 0: .*compute \([0-9.]*\) s.*/\1/p'
		i=$((i + 1))
	done | sort -g | head -n 1
}

torchthreads=$("$PYTHON" -c "import torch; torch.set_num_threads($THREADS); print(torch.get_num_threads())")
echo
echo "tgrad: $TGRAD -j $THREADS ${TGRAD_ARGS:-(default options)}; torch $("$PYTHON" -c 'import torch; print(torch.__version__)') (torch.get_num_threads() = $torchthreads); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg); best of $REPS"
for net in twolayer conv; do
	want "$net" "$@" || continue
	tw=$(warm_best "$net: torch, whole process" torch_whole) || exit 1
	gw=$(warm_best "$net: tgrad, whole process" tgrad_whole) || exit 1
	echo "bench/tgrad.sh: $net: compute times" >&2
	read -r tc tcpu <<EOF
$("$PYTHON" torch_job.py "$net" "$THREADS" "$REPS")
EOF
	gc=$(tgrad_compute)
	gcpu=$(tgrad_cpu)
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
	bw='' bcpu=''
	if [ "$net" = twolayer ] && cc -O2 -o sgemm6 "$top/bench/sgemm6.c" \
	    -lopenblas 2>/dev/null; then
		echo "bench/tgrad.sh: $net: the six sgemm calls alone" >&2
		read -r bw bcpu <<EOF
$(./sgemm6 "$THREADS" 4096 1024 1024 10 "$REPS")
EOF
	fi
	case $net in
	twolayer) what="two-layer net, B=4096, 1024→1024→10" ;;
	conv) what="conv 32×5×5 pad 2, relu, pool 2, affine→10; 64×3×32×32" ;;
	esac
	echo
	echo "| $what, f32, fwd+bwd | tgrad s | torch s | torch/tgrad | max rel err |"
	echo "|---|---|---|---|---|"
	echo "| whole process (load, compute, save) | $gw | $tw | $(ratio "$tw" "$gw") | $err |"
	echo "| compute only (tgrad --verbose; torch in-process) | $gc | $tc | $(ratio "$tc" "$gc") | |"
	echo "| CPU time (tgrad whole process; torch's passes in process) | $gcpu | $tcpu | $(ratio "$tcpu" "$gcpu") | |"
	echo
	if [ -n "$bw" ]; then
		echo "| bound: the six sgemm calls (bench/sgemm6.c), OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)} | wall s | CPU s |"
		echo "|---|---|---|"
		echo "| the six calls alone, in process | $bw | $bcpu |"
		echo "| tgrad: compute (--verbose); CPU of its whole process | $gc | $gcpu |"
		echo
		echo "- tgrad / the six sgemm calls: compute $(ratio "$gc" "$bw")x, CPU $(ratio "$gcpu" "$bcpu")x (goal: at most 1.3x)"
	fi
	awk -v gw="$gw" -v tw="$tw" -v gc="$gc" -v tc="$tc" 'BEGIN {
		printf "- faster than torch, whole process: %s\n", (gw < tw) ? "yes" : "no"
		printf "- compute within 1.5x of torch in-process: %s (%.2fx)\n",
		    (gc <= 1.5 * tc) ? "yes" : "no", gc / tc }'
done
