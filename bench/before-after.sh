#!/bin/bash
# bench/before-after.sh [BEFORE [AFTER]] - the same runs of the tools by
# two builds of tpipe, to show that a change meant to move code (issue
# 18's splits) left the speed alone.  BEFORE and AFTER are commits
# (default: 6130181, main just before the first split, and HEAD); each is
# built with plain make in a temporary worktree.  The runs alternate
# (before, after, before, ...) REPS times (default 7), so a load that
# comes and goes on this shared machine falls on both alike; the table
# has each side's median wall time and their ratio.  Whole process: NPY
# file in, NPY file out, in a temporary directory.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-7}
. "$top/bench/common.sh"
before=${1:-6130181}
after=${2:-HEAD}
bench_tmpdir before-after
cd "$tmp" || exit 1

# build COMMIT DIR: a worktree of COMMIT at DIR, its tools built
build() {
	git -C "$top" worktree add -q --detach "$2" "$1" || exit 1
	make -C "$2" -s -j"$(nproc)" > "$2.log" 2>&1 ||
		{ cat "$2.log" >&2; exit 1; }
}
cleanup() {
	git -C "$top" worktree remove --force "$tmp/A" 2>/dev/null
	git -C "$top" worktree remove --force "$tmp/B" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
echo "$me: building $before and $after" >&2
build "$before" "$tmp/A"
build "$after" "$tmp/B"

echo "$me: making the inputs" >&2
"$PYTHON" -c "
import numpy as np
r = np.random.default_rng(1)
np.save('img.npy', r.standard_normal((4096, 4096)).astype(np.float32))
np.save('k31.npy', r.standard_normal((31, 31)).astype(np.float32))
np.save('vol.npy', r.standard_normal((256, 256, 256)).astype(np.float32))
np.save('pts.npy', r.standard_normal((10000000, 3)))
np.save('big.npy', r.standard_normal(1 << 26).astype(np.float32))
np.save('x.npy', r.standard_normal((4096, 1024)).astype(np.float32))
np.save('w1.npy', (r.standard_normal((1024, 1024)) / 32).astype(np.float32))
np.save('b1.npy', (r.standard_normal(1024) / 10).astype(np.float32))
np.save('w2.npy', (r.standard_normal((1024, 10)) / 32).astype(np.float32))
np.save('b2.npy', (r.standard_normal(10) / 10).astype(np.float32))
np.save('y.npy', r.integers(0, 10, 4096))
" || exit 1

# The cases: a name, then the command with B standing for the bin dir.
cases=(
	"tblur -s 3 (FIR), 4096² f32"	'$B/tblur -s 3 img.npy -o out.npy'
	"tblur -s 40 (FFT), 4096² f32"	'$B/tblur -s 40 img.npy -o out.npy'
	"tblur -s 2 --order 1, 4096² f32"	'$B/tblur -s 2 --order 1 img.npy -o out.npy'
	"tconv 4096² ⊛ 31², f32"	'$B/tconv -k k31.npy img.npy -o out.npy'
	"treshape --permute 2,0,1, 256³ f32"	'$B/treshape --permute 2,0,1 vol.npy -o out.npy'
	"treshape 'z y x -> (z y) x', 256³ f32"	'$B/treshape "z y x -> (z y) x" vol.npy -o out.npy'
	"treshape 'z y x -> y x' (sum)"	'$B/treshape --reduce sum "z y x -> y x" vol.npy -o out.npy'
	"tproject --perspective, 1e7 points"	'$B/tproject --perspective 60,1.5,0.1,100 --lookat 0,0,5,0,0,0,0,1,0 pts.npy -o out.npy'
	"tgrad affine-relu-affine-xent, 4096×1024"	'$B/tgrad affine:w1.npy,b1.npy relu affine:w2.npy,b2.npy softmax-xent:y.npy < x.npy -o out.npy'
	"tmath 'x*2+1', 2^26 f32"	'$B/tmath "x*2+1" big.npy -o out.npy'
	"tcat, 2^26 f32"	'$B/tcat big.npy -o out.npy'
)

# seconds COMMAND: the wall time of one run, in seconds
seconds() {
	local t0 t1
	t0=$(now)
	eval "$1" > /dev/null 2>&1 || { echo "$me: failed: $1" >&2; exit 1; }
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "Command: \`bash bench/before-after.sh $before $after\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at the start; median of $REPS alternating runs each)"
echo
echo "| case | before ($before) s | after ($(git -C "$top" rev-parse --short "$after")) s | after/before |"
echo "|---|---:|---:|---:|"
for ((i = 0; i < ${#cases[@]}; i += 2)); do
	name=${cases[i]} cmd=${cases[i + 1]}
	echo "$me: $name" >&2
	for B in "$tmp/A/build/bin" "$tmp/B/build/bin"; do	# warm up
		seconds "$cmd" > /dev/null
	done
	: > a.t; : > b.t
	for ((r = 0; r < REPS; r++)); do
		B=$tmp/A/build/bin seconds "$cmd" >> a.t
		B=$tmp/B/build/bin seconds "$cmd" >> b.t
	done
	ma=$(median < a.t) mb=$(median < b.t)
	echo "| $name | $ma | $mb | $(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.2f", b / a }') |"
done
echo
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
