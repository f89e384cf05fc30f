"""faults_cut.py [--from K] [--every N] [--one FILE] STREAM N1 TOOL [ARG...]
- the cut fault of the fault suite (test/faults.bats): run TOOL ARG...
with every prefix of the file STREAM (two records, the first N1 bytes
long) on its standard input, from K bytes on (default 1), a few runs at
a time, and check each outcome.  With --every N only every Nth prefix,
and those that end within N bytes of a record's end, for a format whose
headers are long (MRC's 1024 bytes).  TPIPE_TEST_SPARSE=M
(test/sparse.py) takes every (N x M)th prefix, and those that end within
N x M bytes of a record's end.  Each outcome must be:

  - the whole first record (N1 bytes): exit 0, no message, the output
    of the first record alone;
  - any other prefix: exit 1, one line "TOOL: ..." naming <stdin> and the
    cut record (0 or 1), and on stdout only a prefix of what the whole
    stream gives, which holds the first record's output whole when the
    cut is in the second record.

With --one, STREAM is a file whose first record cannot be cut from it
whole (a TIFF: the first page's directory points to the second), and
FILE holds that record alone: its output is the first record's, and
every prefix is a cut, the first N1 bytes too (in record 1).

Prints each prefix that fails and exits 1 if any did.  Each run is
bounded as test/helpers.bash bounds one: CPU_LIMIT seconds of processor
time, WALL_LIMIT seconds of wall time (only a hang reaches it).
"""
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from sparse import SPARSE

CPU_LIMIT = int(os.environ.get('CPU_LIMIT', '60'))
WALL_LIMIT = int(os.environ.get('WALL_LIMIT', '300'))


def run(argv, data):
    # ulimit -t through sh: preexec_fn is not safe with threads
    p = subprocess.run(['sh', '-c', f'ulimit -S -t {CPU_LIMIT} || exit; '
                        f'ulimit -H -t {CPU_LIMIT + 10} 2> /dev/null; '
                        f'exec "$@"',
                        'sh'] + argv, input=data, capture_output=True,
                       timeout=WALL_LIMIT)
    return p.returncode, p.stdout, p.stderr.decode(errors='replace')


def main():
    first, every, alone = 1, 1, None
    while sys.argv[1] in ('--from', '--every', '--one'):
        if sys.argv[1] == '--from':
            first = int(sys.argv[2])
        elif sys.argv[1] == '--every':
            every = int(sys.argv[2])
        else:
            alone = open(sys.argv[2], 'rb').read()
        del sys.argv[1:3]
    path, n1, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    tool = argv[0].rsplit('/', 1)[-1]
    data = open(path, 'rb').read()
    st, full, err = run(argv, data)
    st1, one, err1 = run(argv, data[:n1] if alone is None else alone)
    if st or st1 or err or err1 or not one or not full.startswith(one):
        sys.exit(f'{tool}: the uncut stream gives exit {st}, its first '
                 f'record {st1}: {err}{err1}')

    def check(k):
        st, out, err = run(argv, data[:k])
        rec = int(k > n1 or (alone is not None and k == n1))
        if k == n1 and alone is None:
            if st or err or out != one:
                return f'cut after {k} bytes: exit {st}, {err!r}'
            return None
        lines = err.split('\n')
        if st != 1 or len(lines) != 2 or lines[1]:
            return f'cut after {k} bytes: exit {st}, expected 1 and one ' \
                f'line: {err!r}'
        if not lines[0].startswith(tool + ': ') or not re.search(
                rf'<stdin>.*record {rec}\b|record {rec} of <stdin>',
                lines[0]):
            return f'cut after {k} bytes: message names not <stdin> and ' \
                f'record {rec}: {lines[0]!r}'
        if not full.startswith(out):
            return f'cut after {k} bytes: wrote {out[:80]!r}, which the ' \
                f'whole stream does not begin with'
        if rec and not out.startswith(one):
            return f'cut after {k} bytes: the complete first record\'s ' \
                f'output is not all there'
        return None

    step = every * SPARSE
    cuts = [k for k in range(first, len(data)) if k % step == 0 or
            abs(k - n1) < step or len(data) - k < step]
    with ThreadPoolExecutor(4) as ex:
        bad = [b for b in ex.map(check, cuts) if b]
    for b in bad[:10]:
        print(f'{tool}: {b}')
    if len(bad) > 10:
        print(f'{tool}: ... {len(bad)} cuts fail')
    print(f'{tool}: {len(cuts) - len(bad)} of {len(cuts)} cuts end as they '
          f'must')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':     # mat_cut.py imports run
    main()
