#!/usr/bin/env bats
# CSV (tpipe(7) CSV): -O csv and .csv write a 2-D record as RFC 4180
# rows; CSV is read as text, and --header (tcat, tinfo) takes its first
# row as the column names, which tinfo shows.  The golden files in
# test/data/csv/ are numpy.savetxt's and Python's csv module's, with what
# numpy.loadtxt and csv.reader read from them (test/data/csv/make.py).

load helpers

CSV=$DATA/csv

@test "csv: every golden file reads as numpy.loadtxt reads it (CRLF, quoted fields, a byte order mark), from a file and a pipe" {
	local n o bad='' k=0
	while read -r n o; do
		[[ $n == '#'* ]] && continue
		[ "$o" = - ] && o=
		k=$((k + 1))
		# shellcheck disable=SC2086
		tcat $o "$CSV/$n.csv" > f.npy 2> err || bad+="$n: $(cat err) "
		cmp -s f.npy "$CSV/$n.npy" || bad+="$n (file) "
		# shellcheck disable=SC2086
		cat "$CSV/$n.csv" | tcat $o > p.npy
		cmp -s p.npy "$CSV/$n.npy" || bad+="$n (pipe) "
	done < "$CSV/MANIFEST"
	[ "$k" -ge 7 ]
	[ -z "$bad" ] || fail "$bad"
}

@test "csv: tinfo --header shows the names csv.reader reads (and numpy.genfromtxt's plain ones), in JSON and as a CSV row" {
	local f bad=''
	for f in "$CSV"/*.names; do
		tinfo --json --header "${f%.names}.csv" > got.json
		"$PY" -c "
import json, sys
got = json.load(open('got.json'))['columns']
want = json.load(open('$f'))
sys.exit(0 if got == want else 1)" || bad+="$(basename "$f"): $(cat got.json) "
	done
	[ -z "$bad" ] || fail "$bad"
	run tinfo --header "$CSV/quoted-names.csv"
	[[ $output == "0 shape=(3,5) dtype=float64 bytes=120 "*' nan=0 inf=0 columns="a, b","say ""hi""","two\x0alines"," padded in quotes ",plain' ]] || fail "$output"
	run tinfo --header "$CSV/excel.csv"
	[[ $output == *' columns="","  temp (°C) ",µm' ]] || fail "$output"
	# the names come with the first record only; other inputs have none
	run tinfo --json "$CSV/savetxt.csv"
	[[ $output != *columns* ]] || fail "$output"
}

@test "csv: -O csv reads back with numpy.loadtxt and csv.reader to the same values, bit for bit, for every real dtype and complex" {
	py "
rng = np.random.default_rng(7)
a = rng.standard_normal((5, 4))
a[0, :4] = [np.nan, np.inf, -np.inf, -0.0]
a[1, :3] = [5e-324, 1.7976931348623157e308, 0.1]
cases = {'f8': a, 'f4': a.astype('f4'), 'f2': a.astype('f2'),
         'i8': np.array([[-2**63, 2**63 - 1], [0, -1]], 'i8'),
         'u8': np.array([[2**64 - 1, 0]], 'u8'),
         'i1': np.array([[-128, 127, 0]], 'i1'),
         'b1': np.array([[True, False], [False, True]]),
         'c16': (rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2)))}
for k, v in cases.items():
    np.save(k + '.npy', v)
"
	local k
	for k in f8 f4 f2 i8 u8 i1 b1 c16; do
		tcat -O csv "$k.npy" > "$k.csv"
		tcat -o "o-$k.csv" "$k.npy"
		cmp "$k.csv" "o-$k.csv"
	done
	py "
import csv
for k in ['f8', 'f4', 'f2', 'i8', 'u8', 'i1', 'b1', 'c16']:
    a = np.load(k + '.npy')
    text = open(k + '.csv').read()
    assert '#' not in text and text.endswith('\n'), k
    rows = list(csv.reader(open(k + '.csv', newline='')))
    assert len(rows) == a.shape[0] and all(len(r) == a.shape[1] for r in rows), k
    b = np.loadtxt(k + '.csv', delimiter=',', ndmin=2,
                   dtype=complex if k == 'c16' else a.dtype if k != 'b1' else int)
    b = b.astype(a.dtype)
    assert a.tobytes() == b.tobytes() or (k[0] == 'f' and np.array_equal(a, b, equal_nan=True)), (k, a, b)
    assert np.signbit(a).tolist() == np.signbit(b).tolist() if k[0] == 'f' else True
"
	# and tpipe reads it back as float64 (complex128), the same values
	tcat f8.csv | cmp - f8.npy
	tcat c16.csv > c16-back.npy
	py "
a, b = np.load('c16.npy'), np.load('c16-back.npy')
assert a.dtype == b.dtype and (a == b).all()"
}

@test "csv: -O csv takes one 2-D record: other shapes are refused naming treshape, a second record after the first table" {
	local t=$BATS_TEST_TMPDIR
	tgen range 6 -o v.npy
	tgen range 24 | treshape 2,3,4 -o c.npy
	tgen zeros 2,2 -n 2 -o two.npy
	py "np.save('s.npy', np.float64(1))"
	row fails 1 "^tcat: record 0: csv output holds 2-D records \(rows, columns\), not shape \(6,\): make it one with treshape 1,-1 \(a row\) or -1,1 \(a column\)$" "$t/v.npy" tcat -O csv
	row fails 1 "^tcat: record 0: csv output holds 2-D records \(rows, columns\), not shape \(2, 3, 4\): make it one with treshape -1,4$" "$t/c.npy" tcat -O csv
	row fails 1 "^tcat: record 0: csv output holds 2-D records \(rows, columns\), not shape \(\): make it one with treshape 1,1$" "$t/s.npy" tcat -O csv
	row fails --any-stdout 1 "^tcat: csv output holds one table; the input has more records$" "$t/two.npy" tcat -O csv
	rows_ok
	# the first table went out whole before the refusal
	run --separate-stderr tcat -O csv two.npy
	[ "$output" = $'0,0\n0,0' ]
	# treshape makes a table of it
	treshape -1,4 c.npy -O csv | head -1 | grep -qx '0,1,2,3'
}

@test "csv: a zero-size record: (0, 3) writes nothing, (3, 0) three empty rows as numpy.savetxt, also from a tool that writes it whole" {
	tgen zeros 0,3 | tcat -O csv > a.csv
	[ ! -s a.csv ]
	tgen zeros 3,0 | tcat -O csv > b.csv
	py "import io; b = io.StringIO(); np.savetxt(b, np.zeros((3, 0)), delimiter=','); open('want.csv', 'w').write(b.getvalue())"
	cmp b.csv want.csv
	# a reduction writes the record's (no) data in one call after its
	# header: the record is still written once
	tgen zeros 3,0,2 | treshape 'a b c -> a b' --reduce sum -O csv > c.csv
	cmp c.csv want.csv
	tgen zeros 0,3 | treshape --transpose -O csv > d.csv
	cmp d.csv want.csv
	tgen zeros 0,3 -O csv > e.csv
	[ ! -s e.csv ]
	# an empty stream: an empty table
	tcat -O csv < /dev/null > f.csv
	[ ! -s f.csv ]
}

@test "csv: --header makes a table of the rows below the names: 2-D with no rows, one row, blank lines between rows" {
	printf 'a,b,c\n' > h0.csv
	run tinfo --header h0.csv
	[ "$output" = "0 shape=(0,3) dtype=float64 bytes=0 min=- max=- mean=- std=- nan=0 inf=0 columns=a,b,c" ]
	printf '# made by hand\n\na,b\n1,2\n' > h1.csv
	run tcat --header -O txt h1.csv
	[ "$output" = $'# shape (1, 2) float64\n1 2' ]
	printf 'a,b\n1,2\n\n3,4\n\n' > h2.csv
	run tcat --header -O txt h2.csv
	[ "$output" = $'# shape (2, 2) float64\n1 2\n3 4' ]
	# without --header a row alone is 1-D, as text has it
	printf '1,2\n' | tcat -O txt | head -1 | grep -qx '# shape (2,) float64'
	# -O csv writes the numbers: the names stay behind
	run tcat --header -O csv "$CSV/names.csv"
	[ "${lines[0]}" = "$(sed -n 2p "$CSV/names.csv")" ]
}

@test "csv: .csv writes CSV, .txt keeps the text format" {
	tgen eye 2 -o e.csv
	tgen eye 2 -o e.txt
	[ "$(cat e.csv)" = $'1,0\n0,1' ]
	[ "$(cat e.txt)" = $'# shape (2, 2) float64\n1 0\n0 1' ]
	cmp <(tcat e.csv) <(tcat e.txt)
}

@test "csv: bad input is one line naming the line, exit 1, nothing written; --header where it cannot apply is a usage error" {
	local t=$BATS_TEST_TMPDIR
	printf 'time,x\n1,2\n' > names.csv
	printf 'a,b,c\n1,2,3\n4,5\n' > short.csv
	printf 'a,"b\n1,2\n' > open.csv
	printf 'a,"b"c\n1,2\n' > after.csv
	printf '1,,3\n4,5,6\n' > empty.csv
	printf '# shape (2,) float64\n1 2\n' > shaped.csv
	printf 'a,b\n# shape (2,) float64\n1 2\n' > shaped2.csv
	tgen zeros 2 -o z.npy
	row fails 1 "^tcat: <stdin>: line 1: 'time' is not a valid float64 value \(a row of names\? tcat --header reads them\)$" "$t/names.csv" tcat
	row fails 1 "^tinfo: <stdin>: line 1: 'time' is not a valid float64 value \(a row of names\? tcat --header reads them\)$" "$t/names.csv" tinfo
	row fails 1 "^tcat: <stdin>: line 3 has 2 numbers, expected 3, one for each name in the header$" "$t/short.csv" tcat --header
	row fails 1 "^tcat: <stdin>: line 1: the quote that opens name 2 is not closed$" "$t/open.csv" tcat --header
	row fails 1 "^tcat: <stdin>: line 1: the quote that opens name 2 is followed by more than a comma$" "$t/after.csv" tcat --header
	row fails 1 "^tcat: <stdin>: line 1: an empty field before number 2 \(two commas with nothing between them\)$" "$t/empty.csv" tcat
	row fails 1 "^tcat: <stdin>: line 1: a shape comment where --header expects the row of names$" "$t/shaped.csv" tcat --header
	row fails 1 "^tcat: <stdin>: line 2: a shape comment after the row of names \(--header\)$" "$t/shaped2.csv" tcat --header
	row fails --usage 2 "^tcat: <stdin>: --header applies to CSV \(text\) input, not NPY$" "$t/z.npy" tcat --header
	row fails --usage 2 "^tinfo: <stdin>: --header applies to CSV \(text\) input, not NPY$" "$t/z.npy" tinfo --header
	row fails --usage 2 "^tcat: --header gives the shape \(rows, names\): --shape does not go with it$" "$t/names.csv" tcat --header --shape 2
	rows_ok
	# a number in the first row that is no number gets no hint
	run --separate-stderr tcat <<< '1.O,2'
	[ "$stderr" = "tcat: <stdin>: line 1: '1.O' is not a valid float64 value" ]
	# tcat refuses a later NPY file before writing anything
	run --separate-stderr tcat --header names.csv z.npy
	[ "$status" -eq 2 ] && [ -z "$output" ]
}

@test "csv: a CSV cut at every byte never gives a wrong table: each prefix reads as its whole rows or fails naming a line" {
	local n k st
	printf 'a,"b,c"\r\n1.5,2\r\n3,4e2\r\n' > t.csv
	n=$(stat -c %s t.csv)
	for ((k = 1; k < n; k++)); do
		st=0
		head -c "$k" t.csv | tcat --header > out.npy 2> err || st=$?
		if [ "$st" -eq 0 ]; then
			py "import csv, io
text = open('t.csv', newline='').read()[:$k]
rows = list(csv.reader(io.StringIO(text)))
names, rows = rows[0], [r for r in rows[1:] if r]
a = np.load('out.npy')
assert a.shape == (len(rows), len(names)), (names, rows, a.shape)
assert (a == np.array(rows, float).reshape(a.shape)).all(), (rows, a)" ||
				fail "cut after $k: $(tinfo out.npy)"
		else
			[ "$st" -eq 1 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q '^tcat: <stdin>: line [0-9]' err ||
				fail "cut after $k: exit $st: $(cat err)"
		fi
	done
}

@test "csv: tinfo takes tcat's input options: --shape for text, refused for NPY before any line" {
	run tinfo --shape 2,-1 <<< '1,2,3,4,5,6'
	[ "$output" = "0 shape=(2,3) dtype=float64 bytes=48 min=1 max=6 mean=3.5 std=1.70783 nan=0 inf=0" ]
	tgen zeros 2 -o z.npy
	printf '1 2\n' > a.txt
	run --separate-stderr tinfo --shape 2 a.txt z.npy
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[ "$stderr" = "tinfo: z.npy: --shape applies to text input, not NPY" ]
}
