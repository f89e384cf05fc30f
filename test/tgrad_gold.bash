# tgrad_gold.bash - what tgrad.bats and tgrad_course.bats share: the
# comparison of tgrad's outputs with PyTorch's golden streams.

# check_gold DIR [MIN]: every output in DIR (gold_run) equals its golden
# stream NAME.out.npy record by record (dtype, shape, values within
# 1e-10 of the largest for f64 cases, 1e-4 for f32); prints each failing
# case and how many agree; fails below MIN cases (40).
check_gold() {
	MIN_CASES=${2:-40} gold_check "$1" PyTorch <<'EOF'
TOL = {'f64': 1e-10, 'f32': 1e-4}
MIN_CASES = int(os.environ['MIN_CASES'])
def check(name, f, path):
    got = records(path)
    exp = records(os.path.join(gold, name + '.out.npy'))
    if len(got) != len(exp):
        return [f'{name}: {len(got)} records, expected {len(exp)}']
    bad = []
    for i, (a, b) in enumerate(zip(got, exp)):
        if a.dtype != b.dtype or a.shape != b.shape:
            bad.append(f'{name}: record {i}: {a.dtype} {a.shape}, expected {b.dtype} {b.shape}')
            continue
        scale = float(np.max(np.abs(b))) if b.size else 0.0
        err = float(np.max(np.abs(a.astype(float) - b))) if b.size else 0.0
        if not err <= TOL[f[1]] * scale or (scale == 0 and err != 0):
            bad.append(f'{name}: record {i}: max error {err:.3g} = {err / (scale or 1):.3g} * max|torch|')
    return bad
EOF
}
