#!/bin/bash
# The commands below are single-quoted on purpose: bash -c expands $F, $B.
# shellcheck disable=SC2016
# bench/tmath.sh - tmath next to numpy and numexpr, same files.
#
#   (a) in-process compute of a*b+c, sqrt(a**2+b**2) and
#       where(a>0, log1p(a), 0) on 2^26 float32 (a, b, c standard normal):
#       tmath's "compute" time from --verbose (its default threads, and
#       -j1), which leaves out reading the operands' chunks from the
#       files and writing the result's, against numpy's eval of the same
#       expression and numexpr.evaluate (its default threads) on the
#       loaded arrays, best of REPS each; the results are checked to
#       agree;
#   (b) the whole process, NPY files to an NPY file, against
#       /usr/bin/python3 -c 'import numpy ...; np.save(...)' (best of 3);
#   (c) one 2 GiB float32 record through pipes, x*2+1, against the same
#       pipeline with cat in tmath's place (the memory-copy bound), best
#       of 3 taking turns; tmath's peak resident memory meanwhile, and
#       with a 2 GiB bound operand beside it (x*2+y, y the same file).
#
# Prints markdown tables.  The inputs are made with tgen in a temporary
# directory (about 3 GiB at most) that is removed at the end.
# Environment: BUILD (default build), TMPDIR, REPS (default 3).
set -eu -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
bin=$top/${BUILD:-build}/bin
runs=${REPS:-3}
timer=/usr/bin/time
py=/usr/bin/python3

[ -x "$timer" ] || { echo "tmath.sh: no GNU time at $timer: apt-get install time" >&2; exit 1; }
for t in tgen tmath; do
	need_tool "$bin/$t" "$t" BUILD
done
need_python numpy numpy
have_ne=1
"$py" -c 'import numexpr' 2> /dev/null || have_ne=0
bench_tmpdir tmath

N=67108864
"$bin/tgen" randn $N --seed 1 -t f32 -o "$tmp/a.npy"
"$bin/tgen" randn $N --seed 2 -t f32 -o "$tmp/b.npy"
"$bin/tgen" randn $N --seed 3 -t f32 -o "$tmp/c.npy"
cat "$tmp"/[abc].npy > /dev/null

# tmath_compute EXPR [OPTION]: the best "compute" seconds of tmath
# --verbose
tmath_compute() {
	local best='' i t
	for ((i = 0; i < runs; i++)); do
		t=$("$bin/tmath" --verbose ${2:+"$2"} "$1" b="$tmp/b.npy" \
		    c="$tmp/c.npy" "$tmp/a.npy" -o "$tmp/t.npy" 2>&1 >/dev/null |
		    sed -n 's/.*total:.*compute \([0-9.]*\) s.*/\1/p')
		best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
	done
	echo "$best"
}

# py_compute NP_EXPR NE_EXPR: "numpy numexpr" best seconds, in process,
# after checking that numpy, numexpr and tmath ($tmp/t.npy) agree
py_compute() {
	"$py" - "$1" "$2" "$tmp" "$runs" "$have_ne" <<'EOF'
import sys, time, warnings
import numpy as np
warnings.simplefilter('ignore')
npx, nex, tmp, runs, have_ne = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == '1'
a, b, c = (np.load(f'{tmp}/{n}.npy') for n in 'abc')
env = dict(np=np, a=a, b=b, c=c)
def best(f):
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); r = f(); t.append(time.perf_counter() - t0)
    return min(t), r
tn, rn = best(lambda: eval(npx, env))
got = np.load(f'{tmp}/t.npy')
assert got.dtype == rn.dtype, (got.dtype, rn.dtype)
assert np.allclose(got, rn, rtol=1e-6, atol=0, equal_nan=True)
te = 'n/a'
if have_ne:
    import numexpr as ne
    t, re_ = best(lambda: ne.evaluate(nex, local_dict=env))
    assert np.allclose(re_, rn, rtol=1e-6, atol=0, equal_nan=True)
    te = f'{t:.3f}'
print(f'{tn:.3f} {te}')
EOF
}

echo "## tmath: in-process compute on 2^26 float32, $(nproc) CPUs, best of $runs"
echo
[ "$have_ne" = 1 ] || echo "(numexpr is not installed: apt-get install python3-numexpr, or make bench)"
echo "| expression | tmath compute | tmath -j1 | numpy | numexpr | numpy / tmath | numexpr / tmath |"
echo "|---|---:|---:|---:|---:|---:|---:|"
while IFS='|' read -r te npx nex; do
	t1=$(tmath_compute "$te" -j1)
	t=$(tmath_compute "$te")
	read -r tn tne <<< "$(py_compute "$npx" "$nex")"
	echo "| \`$te\` | $t s | $t1 s | $tn s | $tne s | $(ratio "$tn" "$t") | $(ratio "$tne" "$t") |"
done <<'EOF'
x*b+c|a*b+c|a*b+c
sqrt(x**2+b**2)|np.sqrt(a**2+b**2)|sqrt(a**2+b**2)
where(x>0, log1p(x), 0)|np.where(a>0, np.log1p(a), 0)|where(a>0, log1p(a), 0)
EOF

echo
echo "## tmath: the whole process, NPY files in, an NPY file out, best of $runs"
echo
echo "| expression | tmath | python3 -c numpy | numpy / tmath |"
echo "|---|---:|---:|---:|"
while IFS='|' read -r te npx; do
	tt=$(best "$bin/tmath" "$te" b="$tmp/b.npy" c="$tmp/c.npy" "$tmp/a.npy" -o "$tmp/t.npy")
	tp=$(best "$py" -c "import numpy as np, warnings; warnings.simplefilter('ignore'); a, b, c = (np.load('$tmp/' + n + '.npy') for n in 'abc'); np.save('$tmp/p.npy', $npx)")
	echo "| \`$te\` | $tt s | $tp s | $(ratio "$tp" "$tt") |"
done <<'EOF'
x*b+c|a*b+c
sqrt(x**2+b**2)|np.sqrt(a**2+b**2)
where(x>0, log1p(x), 0)|np.where(a>0, np.log1p(a), 0)
EOF
rm -f "$tmp"/[abcpt].npy

# (c) one 2 GiB record through pipes
F=$tmp/big.npy
"$bin/tgen" zeros 536870912 -t f32 -o "$F"
bytes=$(stat -c %s "$F")
cat "$F" > /dev/null
t_cat= t_math=
for ((round = 0; round < runs; round++)); do
	t_cat=$(keep "$t_cat" "$(runs=1 best_pipe 'cat "$F" | cat | cat > /dev/null')")
	t_math=$(keep "$t_math" "$(runs=1 best_pipe 'cat "$F" | "$B/tmath" "x * 2 + 1" | cat > /dev/null')")
done
"$timer" -f %M -o "$tmp/rss" bash -c 'cat "$1" | "$2" "x * 2 + 1" > /dev/null' - "$F" "$bin/tmath"
rss=$(tail -n 1 "$tmp/rss")
t_pair=$(runs=1 best_pipe 'cat "$F" | "$B/tmath" "x * 2 + y" y="$F" | cat > /dev/null')
"$timer" -f %M -o "$tmp/rss" bash -c 'cat "$1" | "$2" "x * 2 + y" y="$1" > /dev/null' - "$F" "$bin/tmath"
rss_pair=$(tail -n 1 "$tmp/rss")

echo
echo "## tmath: one $(awk -v n="$bytes" 'BEGIN { printf "%.2f", n / 2^30 }') GiB float32 record through pipes, best of $runs"
echo
echo "| pipeline | wall | GB/s | CPU s (all processes) |"
echo "|---|---:|---:|---:|"
echo "| \`cat FILE \| cat \| cat > /dev/null\` | $(wall "$t_cat") s | $(gbs "$bytes" "$(wall "$t_cat")") | $(cpu "$t_cat") |"
echo "| \`cat FILE \| tmath 'x * 2 + 1' \| cat > /dev/null\` | $(wall "$t_math") s | $(gbs "$bytes" "$(wall "$t_math")") | $(cpu "$t_math") |"
echo "| \`cat FILE \| tmath 'x * 2 + y' y=FILE \| cat > /dev/null\` (once) | $(wall "$t_pair") s | $(gbs "$((2 * bytes))" "$(wall "$t_pair")") | $(cpu "$t_pair") |"
echo
echo "tmath / memory-copy bound: $(ratio "$(wall "$t_math")" "$(wall "$t_cat")"); tmath's peak RSS: $((rss / 1024)) MiB, and $((rss_pair / 1024)) MiB with the 2 GiB y beside x (GB/s counts both operands)"
