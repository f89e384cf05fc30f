#!/usr/bin/python3
"""sweep.py - a bigger random sweep of tblur's zero and nearest boundaries
against exact.py than test/tblur_exact.bats runs (by hand, not in make
check: it takes minutes).

    /usr/bin/python3 test/data/tblur/sweep.py [SEED [CASES]]

Each case: sigma log-uniform in 1e-3..1e4, a length log-uniform in
1..1e5 (every fourth case) or 1..1e3, a kernel, a boundary, an order 0-3
(0 for the discrete kernel, whose band-limited derivatives exact.py
integrates slowly; the analytic kernel from sigma 3, where it equals the
sampled one, on long axes), through --method fft and auto.  Agreement:
1e-10 * max|x| times the sum of |taps| where that is above 1.  Prints
each case's error and the count of failures; exits 1 on any.  TBLUR
names the tool (default build/bin/tblur).
"""
import io
import os
import subprocess
import sys
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import exact  # noqa: E402

tool = os.environ.get('TBLUR', os.path.join(here, '../../../build/bin/tblur'))
rng = np.random.default_rng(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
bad = 0
for case in range(int(sys.argv[2]) if len(sys.argv) > 2 else 100):
    s = float(10 ** rng.uniform(-3, 4))
    N = int(10 ** rng.uniform(0, 5 if case % 4 == 0 else 3))
    b = str(rng.choice(['zero', 'nearest']))
    k = str(rng.choice(['sampled', 'discrete', 'analytic']))
    n = int(rng.integers(0, 4)) if k != 'discrete' else 0
    if k == 'analytic' and s < 3 and N > 300:
        s += 3
    x = rng.standard_normal(N)
    buf = io.BytesIO()
    np.save(buf, x)
    e = exact.blur(x, k, s, n, b)
    sc = np.abs(x).max() * max(1, exact.l1(k, s, n, N))
    for m in ['fft', 'auto']:
        p = subprocess.run([tool, '-s', repr(s), '--order', str(n),
                            '--kernel', k, '--boundary', b, '--method', m],
                           input=buf.getvalue(), capture_output=True)
        if p.returncode:
            print('FAIL', s, N, b, k, n, m, p.stderr.decode().strip())
            bad += 1
            continue
        err = np.abs(np.load(io.BytesIO(p.stdout)) - e).max() / sc
        ok = err <= 1e-10
        bad += not ok
        print(f'{err:9.2e} -s {s:.4g} N={N} --boundary {b} --kernel {k} '
              f'--order {n} --method {m}{"" if ok else "  BAD"}')
print(bad, 'failures')
sys.exit(1 if bad else 0)
