"""make.py - the golden files of test/csv.bats: CSV as numpy.savetxt and
Python's csv module (RFC 4180) write it, and what numpy and csv.reader
read from it.

    /usr/bin/python3 test/data/csv/make.py

Each NAME.csv has NAME.npy beside it, the float64 array numpy reads
(numpy.loadtxt(delimiter=',', ndmin=2), with skiprows, quotechar or
encoding as the file needs), and a line in MANIFEST: NAME and the
options of `tcat OPTIONS NAME.csv` ('-' for none).  A file with a row of
names (--header) has NAME.names too: the names as json, as csv.reader
reads them (and for plain names numpy.genfromtxt(names=True)'s).
Deterministic: a second run writes the same bytes.
"""
import csv
import io
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(4180)
manifest = []


def path(name, ext):
    return os.path.join(HERE, name + ext)


def save(name, text, names=None, opts='-', encoding='utf-8'):
    """NAME.csv holding text, NAME.names, its MANIFEST line."""
    with open(path(name, '.csv'), 'w', newline='', encoding=encoding) as f:
        f.write(text)
    if names is not None:
        with open(path(name, '.names'), 'w') as f:
            json.dump(names, f, ensure_ascii=False)
            f.write('\n')
    manifest.append('%s %s' % (name, opts))


def expect(name, values):
    """NAME.npy: what tpipe must read from NAME.csv."""
    np.save(path(name, '.npy'), np.ascontiguousarray(values, '<f8'))


def loadtxt(name, **kw):
    return np.loadtxt(path(name, '.csv'), delimiter=',', ndmin=2, **kw)


def csv_names(name):
    with open(path(name, '.csv'), newline='', encoding='utf-8-sig') as f:
        return next(csv.reader(f))


# numpy.savetxt's own layout: %.18e, '\n'
a = rng.standard_normal((5, 4))
b = io.StringIO()
np.savetxt(b, a, delimiter=',')
save('savetxt', b.getvalue())
expect('savetxt', loadtxt('savetxt'))
assert (loadtxt('savetxt') == a).all()

# integers and specials as %g writes them, CRLF line ends (csv.writer's)
b = io.StringIO()
w = csv.writer(b)
rows = [[1, -2, 3.5], [float('inf'), float('-inf'), 0], [1e300, -0.0, 7]]
w.writerows(rows)
save('crlf', b.getvalue())
assert b.getvalue().endswith('\r\n')
expect('crlf', loadtxt('crlf'))

# a row of plain names, as numpy.genfromtxt(names=True) takes it
a = rng.integers(-1000, 1000, (6, 3)) / 8
b = io.StringIO()
b.write('time,x,y\n')
np.savetxt(b, a, delimiter=',', fmt='%.17g')
save('names', b.getvalue(), ['time', 'x', 'y'], '--header')
g = np.genfromtxt(path('names', '.csv'), delimiter=',', names=True)
assert list(g.dtype.names) == csv_names('names') == ['time', 'x', 'y']
expect('names', loadtxt('names', skiprows=1))
assert (np.load(path('names', '.npy')) == a).all()

# RFC 4180 quoting in the names: a comma, a doubled quote, a line break,
# blanks inside; the numbers below them unquoted
names = ['a, b', 'say "hi"', 'two\nlines', ' padded in quotes ', 'plain']
a = rng.standard_normal((3, 5)).round(6)
b = io.StringIO()
w = csv.writer(b)
w.writerow(names)
w.writerows(a.tolist())
save('quoted-names', b.getvalue(), names, '--header')
with open(path('quoted-names', '.csv'), newline='') as f:
    r = list(csv.reader(f))
assert r[0] == names
expect('quoted-names', np.array(r[1:], float))

# every field quoted (csv.QUOTE_ALL, as spreadsheets may export)
a = rng.standard_normal((4, 2)).round(9)
b = io.StringIO()
w = csv.writer(b, quoting=csv.QUOTE_ALL)
w.writerow(['u', 'v'])
w.writerows(a.tolist())
save('quote-all', b.getvalue(), ['u', 'v'], '--header')
expect('quote-all', loadtxt('quote-all', skiprows=1, quotechar='"'))

# a UTF-8 byte order mark (Excel's "CSV UTF-8"), blanks around a name
# (part of it, as RFC 4180 and csv.reader have it),
# a pandas index column whose name is empty, non-ASCII names
a = np.arange(12.).reshape(4, 3)
a[:, 0] = np.arange(4)
b = io.StringIO()
b.write(',  temp (\u00b0C) ,\u00b5m\r\n')
for i, r in enumerate(a):
    b.write('%d,%r,%r\r\n' % (i, r[1], r[2]))
save('excel', b.getvalue(), ['', '  temp (\u00b0C) ', '\u00b5m'],
     '--header', encoding='utf-8-sig')
assert csv_names('excel') == ['', '  temp (\u00b0C) ', '\u00b5m']
expect('excel', loadtxt('excel', skiprows=1, encoding='utf-8-sig'))
assert (np.load(path('excel', '.npy')) == a).all()

# no header: numbers alone, with blanks after the commas
a = rng.standard_normal((2, 6))
b = io.StringIO()
np.savetxt(b, a, delimiter=', ', fmt='%.17g')
save('blanks', b.getvalue())
expect('blanks', loadtxt('blanks'))
assert (np.load(path('blanks', '.npy')) == a).all()

with open(os.path.join(HERE, 'MANIFEST'), 'w') as f:
    f.write('# NAME OPTIONS (make.py)\n')
    f.write('\n'.join(manifest) + '\n')
