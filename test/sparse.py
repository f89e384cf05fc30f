"""sparse.py - how many of their cases the random and exhaustive tests
take.  TPIPE_TEST_SPARSE=N (a whole number, at least 1; make check under
a sanitizer sets 4, test/README.md) makes them take about one in N:
fewer random draws, every Nth cut point.  Every kind of case still runs;
the plain make check takes them all (N = 1).
"""
import os
import sys


def _sparse():
    text = os.environ.get('TPIPE_TEST_SPARSE', '1')
    if not text.isdigit() or int(text) < 1:
        sys.exit(f'TPIPE_TEST_SPARSE={text!r}: not a whole number >= 1')
    return int(text)


SPARSE = _sparse()


def share(n):
    """The number of cases to take of n: n / SPARSE rounded up."""
    return -(-n // SPARSE)
