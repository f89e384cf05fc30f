#!/bin/bash
# The commands below are single-quoted on purpose: bash -c expands $F, $B.
# shellcheck disable=SC2016
# bench/treshape.sh - treshape next to cat and numpy, same files, one run.
#
#   (a) a pure reshape of one 2 GiB float32 record through pipes, best of
#       3 (taking turns), against the same pipeline with cat in
#       treshape's place; and
#       treshape's peak resident memory (GNU time -v) meanwhile, which
#       must stay under 64 MiB;
#   (b) --permute 1,0 of a 16384x16384 float32 matrix and --permute
#       0,2,3,1 of a 64x256x256x3 float32 tensor, whole process, NPY file
#       to NPY file, against numpy's
#       np.save(out, np.ascontiguousarray(np.load(in).transpose(...)))
#       in /usr/bin/python3 (best of 3; the two outputs must be byte-identical).
#
# Prints markdown tables.  The inputs are made with tgen in a temporary
# directory (about 5 GiB at most at once) that is removed at the end.
# Environment: BUILD (default build), TMPDIR, RUNS (default 3).
set -eu -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
bin=$top/${BUILD:-build}/bin
runs=${RUNS:-3}
timer=/usr/bin/time
py=/usr/bin/python3

[ -x "$timer" ] || { echo "treshape.sh: no GNU time at $timer: apt-get install time" >&2; exit 1; }
for t in tgen treshape; do
	[ -x "$bin/$t" ] || { echo "treshape.sh: no $bin/$t: run make" >&2; exit 1; }
done
bench_tmpdir treshape

# (a) the streaming reshape
F=$tmp/big.npy
"$bin/tgen" zeros 536870912 -t f32 -o "$F"
bytes=$(stat -c %s "$F")
cat "$F" > /dev/null		# into the page cache, for every row alike
# The three pipelines take turns, so that a busy moment of a shared
# machine does not fall on one of them only.
t_cat= t_res= t_pat=
for ((round = 0; round < runs; round++)); do
	t_cat=$(keep "$t_cat" "$(runs=1 best_pipe 'cat "$F" | cat | cat > /dev/null')")
	t_res=$(keep "$t_res" "$(runs=1 best_pipe 'cat "$F" | "$B/treshape" 16384,-1 | cat > /dev/null')")
	t_pat=$(keep "$t_pat" "$(runs=1 best_pipe 'cat "$F" | "$B/treshape" "(a b) -> a b 1" b=32768 | cat > /dev/null')")
done

echo "## treshape: a pure reshape of one $(awk -v n="$bytes" 'BEGIN { printf "%.2f", n / 2^30 }') GiB float32 record, $(nproc) CPUs"
echo
echo "| pipeline | best of $runs | GB/s | CPU s (all processes) |"
echo "|---|---:|---:|---:|"
echo "| \`cat FILE \| cat \| cat > /dev/null\` | $(wall "$t_cat") s | $(gbs "$bytes" "$(wall "$t_cat")") | $(cpu "$t_cat") |"
echo "| \`cat FILE \| treshape 16384,-1 \| cat > /dev/null\` | $(wall "$t_res") s | $(gbs "$bytes" "$(wall "$t_res")") | $(cpu "$t_res") |"
echo "| \`cat FILE \| treshape '(a b) -> a b 1' b=32768 \| cat > /dev/null\` | $(wall "$t_pat") s | $(gbs "$bytes" "$(wall "$t_pat")") | $(cpu "$t_pat") |"
echo
rss=
if "$timer" -v true 2> /dev/null; then
	F=$F B=$bin bash -o pipefail -c \
	    "cat \"\$F\" | $timer -v -o $tmp/time.log \"\$B/treshape\" 16384,-1 | cat > /dev/null"
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time.log")
	echo "treshape's peak RSS streaming the record: $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
else
	echo "(no GNU time at $timer: apt-get install time; peak RSS not measured)"
fi
echo
ok=yes
awk -v a="$(wall "$t_res")" -v b="$(wall "$t_cat")" 'BEGIN { exit !(a <= b) }' || ok=no
echo "- reshape through a pipe at least cat's throughput: $ok ($(ratio "$(wall "$t_cat")" "$(wall "$t_res")")x cat's)"
if [ -n "$rss" ]; then
	ok=yes
	[ "$rss" -lt 65536 ] || ok=no
	echo "- peak RSS under 64 MiB: $ok"
fi
rm -f "$F"
echo

# (b) permutations against numpy, file to file
NUMPY='/usr/bin/python3 -c "
import sys, numpy as np
axes = tuple(int(a) for a in sys.argv[3].split(\",\"))
np.save(sys.argv[2], np.ascontiguousarray(np.load(sys.argv[1]).transpose(axes)))
" "$F" "$O" "$P"'
perm_row() {	# NAME SHAPE AXES
	local name=$1 shape=$2 t_tr t_np
	P=$3
	F=$tmp/in.npy
	"$bin/tgen" rand "$shape" --seed 1 -t f32 -o "$F"
	cat "$F" > /dev/null
	t_tr=$(best_pipe '"$B/treshape" --permute "$P" "$F" -o "$O"')
	mv "$tmp/out.npy" "$tmp/tr.npy"
	t_np=$(best_pipe "$NUMPY")
	cmp -s "$tmp/tr.npy" "$tmp/out.npy" ||
		{ echo "treshape.sh: $name: treshape and numpy differ" >&2; exit 1; }
	echo "| $name | $(wall "$t_tr") | $(wall "$t_np") | $(ratio "$(wall "$t_np")" "$(wall "$t_tr")") | $(cpu "$t_tr") | $(cpu "$t_np") |"
	rm -f "$F" "$tmp/tr.npy" "$tmp/out.npy"
}

echo "## treshape: permutations against numpy, whole process, file to file"
echo
echo "| case | treshape s | numpy s | ratio numpy/treshape | treshape CPU s | numpy CPU s |"
echo "|---|---:|---:|---:|---:|---:|"
perm_row "--permute 1,0 of 16384x16384 f32 (1 GiB)" 16384,16384 1,0 | tee "$tmp/rows"
perm_row "--permute 0,2,3,1 of 64x256x256x3 f32 (48 MiB)" 64,256,256,3 0,2,3,1 | tee -a "$tmp/rows"
echo
ok=yes
awk -F'|' '{ if ($5 + 0 < 2) bad = 1 } END { exit bad }' "$tmp/rows" || ok=no
echo "- both permutations at least 2x faster than numpy: $ok"
echo

# (c) issue 21: slices, pads and stacks.  A contiguous crop of a 1 GiB
# record through pipes against cat; a strided crop and a pad, file to
# file, against the same numpy script whole process; stacking 10,000
# small records (one stream) against numpy.stack of the 10,000 files.
F=$tmp/big.npy
"$bin/tgen" zeros 16384,16384 -t f32 -o "$F"
bytes=$(stat -c %s "$F")
cat "$F" > /dev/null
t_cat= t_crop=
for ((round = 0; round < runs; round++)); do
	t_cat=$(keep "$t_cat" "$(runs=1 best_pipe 'cat "$F" | cat | cat > /dev/null')")
	t_crop=$(keep "$t_crop" "$(runs=1 best_pipe 'cat "$F" | "$B/treshape" --slice 1000:15000 | cat > /dev/null')")
done
echo "## treshape: slices, pads and stacks (issue 21), $(nproc) CPUs"
echo
echo "| case | treshape s | reference s | ratio reference/treshape |"
echo "|---|---:|---:|---:|"
echo "| \`--slice 1000:15000\` of 1 GiB f32 through pipes vs \`cat\` | $(wall "$t_crop") | $(wall "$t_cat") | $(ratio "$(wall "$t_cat")" "$(wall "$t_crop")") |"
rm -f "$F"
F=$tmp/in.npy
"$bin/tgen" rand 4096,4096 --seed 1 -t f32 -o "$F"
cat "$F" > /dev/null
np_row() {	# NAME TRESHAPE-ARGS NUMPY-EXPRESSION-OF-a
	local t_tr t_np
	export A=$2 X=$3
	t_tr=$(best_pipe 'eval "\"\$B/treshape\" $A \"\$F\" -o \"\$O\""')
	mv "$tmp/out.npy" "$tmp/tr.npy"
	t_np=$(best_pipe '/usr/bin/python3 -c "
import sys, numpy as np
a = np.load(sys.argv[1])
np.save(sys.argv[2], np.ascontiguousarray($X))
" "$F" "$O"')
	cmp -s "$tmp/tr.npy" "$tmp/out.npy" ||
		{ echo "treshape.sh: $1: treshape and numpy differ" >&2; exit 1; }
	echo "| $1 | $(wall "$t_tr") | $(wall "$t_np") | $(ratio "$(wall "$t_np")" "$(wall "$t_tr")") |"
}
np_row "strided crop \`--slice '100:4000:2, ::-3'\` of 4096² f32, file to file vs numpy" "--slice '100:4000:2, ::-3'" "a[100:4000:2, ::-3]"
np_row "\`--pad '0=64;1=64' --boundary reflect\` of 4096² f32 vs np.pad symmetric" "--pad '0=64;1=64' --boundary reflect" "np.pad(a, 64, 'symmetric')"
rm -f "$F" "$tmp/tr.npy" "$tmp/out.npy"
mkdir "$tmp/ex"
/usr/bin/python3 -c "
import sys, numpy as np
rng = np.random.default_rng(1)
for i in range(10000):
    np.save(f'{sys.argv[1]}/{i:05d}.npy', rng.standard_normal((8, 8), 'f4'))
" "$tmp/ex"
export D=$tmp/ex
t_tr=$(best_pipe 'cat "$D"/*.npy | "$B/treshape" --stack all -o "$O"')
mv "$tmp/out.npy" "$tmp/tr.npy"
t_np=$(best_pipe '/usr/bin/python3 -c "
import sys, glob, numpy as np
np.save(sys.argv[2], np.stack([np.load(f) for f in sorted(glob.glob(sys.argv[1] + \"/*.npy\"))]))
" "$D" "$O"')
cmp -s "$tmp/tr.npy" "$tmp/out.npy" || { echo "treshape.sh: stack differs from numpy" >&2; exit 1; }
echo "| \`cat 10000 files \\| treshape --stack all\` (8x8 f32 each) vs numpy.stack of the files | $(wall "$t_tr") | $(wall "$t_np") | $(ratio "$(wall "$t_np")" "$(wall "$t_tr")") |"
