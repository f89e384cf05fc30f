#!/usr/bin/env bats
# tinfo: one line per record (or one JSON object with --json) whose
# statistics equal numpy's nanmin, nanmax, nanmean, nanstd (ddof 0).

load helpers

# tinfo_check STREAM TEXT JSON LABEL: TEXT (tinfo's lines) and JSON
# (tinfo --json) describe every record of the NPY stream STREAM as numpy
# does; LABEL is the "file" JSON must give.  Statistics are of |z| for
# complex and of 0/1 for bool; numpy computes them in float64.  Text
# numbers are %.6g (compared to 1e-5 relative), JSON's %.17g (min and
# max exact, as they are elements, except |z| of complex; mean and std,
# and |z|, to 1e-12 of max|x|).  Missing or non-finite
# statistics are "-" in text (non-finite ones may print as inf, -inf,
# nan where numpy gives those) and null in JSON.
tinfo_check() {
	"$PY" - "$@" <<'EOF'
import json, math, re, sys
import numpy as np
stream, text, js, label = sys.argv[1:5]
recs = []
with open(stream, 'rb') as f:
    while f.read(1):
        f.seek(-1, 1)
        recs.append(np.lib.format.read_array(f))
tl = open(text).read().splitlines()
jl = open(js).read().splitlines()
bad = []
if len(tl) != len(recs):
    bad.append(f'{len(tl)} text lines for {len(recs)} records')
if len(jl) != len(recs):
    bad.append(f'{len(jl)} JSON lines for {len(recs)} records')
LINE = re.compile(r'(?P<index>\d+) shape=\((?P<shape>[0-9,]*)\) '
                  r'dtype=(?P<dtype>\w+) bytes=(?P<bytes>\d+) '
                  r'min=(?P<min>\S+) max=(?P<max>\S+) mean=(?P<mean>\S+) '
                  r'std=(?P<std>\S+) nan=(?P<nan>\d+) inf=(?P<inf>\d+)$')

def stats(a):
    if a.dtype.kind == 'c':
        x = np.abs(a.astype(np.complex128))
    else:
        x = a.astype(np.float64)
    x = x.ravel()
    n = int(np.isnan(x).sum()) if a.dtype.kind != 'c' else \
        int(np.isnan(a).sum())
    i = int(np.isinf(x).sum())
    with np.errstate(all='ignore'):
        import warnings
        warnings.simplefilter('ignore')
        s = [np.nanmin(x), np.nanmax(x), np.nanmean(x), np.nanstd(x)] \
            if (x == x).any() else [None] * 4
    scale = float(np.nanmax(np.abs(x[np.isfinite(x)]))) if \
        np.isfinite(x).any() else 1.0
    return [None if v is None else float(v) for v in s], n, i, scale or 1.0

for k, a in enumerate(recs):
    (mn, mx, me, sd), nn, ni, scale = stats(a)
    shape = ','.join(map(str, a.shape))
    # text
    if k < len(tl):
        m = LINE.match(tl[k])
        if not m:
            bad.append(f'record {k}: text line does not parse: {tl[k]!r}')
        else:
            g = m.groupdict()
            if int(g['index']) != k:
                bad.append(f'record {k}: index {g["index"]}')
            if g['shape'].rstrip(',') != shape:
                bad.append(f'record {k}: shape=({g["shape"]}), numpy {a.shape}')
            if g['dtype'] != a.dtype.name:
                bad.append(f'record {k}: dtype={g["dtype"]}, numpy {a.dtype.name}')
            if int(g['bytes']) != a.nbytes:
                bad.append(f'record {k}: bytes={g["bytes"]}, numpy {a.nbytes}')
            if (int(g['nan']), int(g['inf'])) != (nn, ni):
                bad.append(f'record {k}: nan={g["nan"]} inf={g["inf"]}, numpy {nn} {ni}')
            for key, want in zip(('min', 'max', 'mean', 'std'), (mn, mx, me, sd)):
                got = g[key]
                if want is None:
                    if got != '-':
                        bad.append(f'record {k}: {key}={got}, expected -')
                elif math.isnan(want):
                    if got not in ('-', 'nan'):
                        bad.append(f'record {k}: {key}={got}, numpy nan')
                elif math.isinf(want):
                    if got != ('inf' if want > 0 else '-inf'):
                        bad.append(f'record {k}: {key}={got}, numpy {want}')
                else:
                    try:
                        v = float(got)
                    except ValueError:
                        v = None
                    if v is None or abs(v - want) > 1e-5 * abs(want) + 1e-12 * scale:
                        bad.append(f'record {k}: {key}={got}, numpy {want:.6g}')
    # JSON
    if k < len(jl):
        try:
            o = json.loads(jl[k])
        except ValueError as e:
            bad.append(f'record {k}: not JSON ({e}): {jl[k]!r}')
            continue
        keys = ['file', 'index', 'shape', 'dtype', 'bytes', 'min', 'max',
                'mean', 'std', 'nan', 'inf']
        if sorted(o) != sorted(keys):
            bad.append(f'record {k}: JSON keys {sorted(o)}')
            continue
        want = {'file': label, 'index': k, 'shape': list(a.shape),
                'dtype': a.dtype.name, 'bytes': a.nbytes, 'nan': nn, 'inf': ni}
        for key, w in want.items():
            if o[key] != w or type(o[key]) != type(w):
                bad.append(f'record {k}: JSON {key}={o[key]!r}, expected {w!r}')
        for key, w in zip(('min', 'max', 'mean', 'std'), (mn, mx, me, sd)):
            got = o[key]
            if w is None or not math.isfinite(w):
                if got is not None:
                    bad.append(f'record {k}: JSON {key}={got!r}, expected null')
            elif not isinstance(got, (int, float)) or isinstance(got, bool):
                bad.append(f'record {k}: JSON {key}={got!r}, numpy {w!r}')
            elif key in ('min', 'max') and a.dtype.kind != 'c' and got != w:
                bad.append(f'record {k}: JSON {key}={got!r}, numpy {w!r}')
            elif abs(got - w) > 1e-12 * scale:
                bad.append(f'record {k}: JSON {key}={got!r}, numpy {w!r}')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
EOF
}

@test "one line per record in the documented format" {
	py "np.save('a.npy', np.arange(6.0).reshape(2, 3))"
	run --separate-stderr tinfo a.npy
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	[ "$output" = "0 shape=(2,3) dtype=float64 bytes=48 min=0 max=5 mean=2.5 std=1.70783 nan=0 inf=0" ] ||
		fail "got: $output"
	run tinfo < a.npy
	[ "$output" = "0 shape=(2,3) dtype=float64 bytes=48 min=0 max=5 mean=2.5 std=1.70783 nan=0 inf=0" ]
	run tinfo --json < a.npy
	[ "$output" = '{"file":"<stdin>","index":0,"shape":[2,3],"dtype":"float64","bytes":48,"min":0,"max":5,"mean":2.5,"std":1.707825127659933,"nan":0,"inf":0}' ] ||
		fail "got: $output"
}

@test "statistics equal numpy's nanmin, nanmax, nanmean, nanstd for every dtype" {
	py "
rng = np.random.default_rng(5)
f4 = rng.standard_normal((30, 40)).astype(np.float32) * 1e3
f4[3, 4] = f4[7, 1] = np.nan
recs = [
    rng.standard_normal(1000),
    f4,
    np.load('$DATA/pil-rgb8.npy'),
    np.load('$DATA/pil-gray16.npy'),
    rng.integers(-2**62, 2**62, 257, dtype=np.int64),
    rng.integers(0, 2**64 - 1, 33, dtype=np.uint64, endpoint=True),
    rng.integers(-128, 127, (5, 6), dtype=np.int8),
    rng.integers(-3000, 3000, (4, 4), dtype=np.int16).astype('>i2'),
    rng.integers(0, 2**32, 9, dtype=np.uint32),
    rng.integers(-2**31, 2**31, 9, dtype=np.int32),
    rng.integers(0, 2, 100).astype(bool),
    (rng.standard_normal(50) + 1j * rng.standard_normal(50)) * 10,
    (rng.standard_normal(7) + 1j * rng.standard_normal(7)).astype(np.complex64),
    rng.standard_normal(100).astype(np.float16),
    np.float64(-2.5),
    rng.standard_normal((2, 1, 3, 2)),
    np.full(5, 1e300),
    np.array([1e-300, 3e-300]),
]
with open('s.npy', 'wb') as f:
    for r in recs:
        np.lib.format.write_array(f, r)
"
	tinfo s.npy > text.out
	tinfo --json s.npy > json.out
	tinfo_check s.npy text.out json.out s.npy
	# from a pipe, the same
	cat s.npy | tinfo > text2.out
	cmp text.out text2.out
	cat s.npy | tinfo --json > json2.out
	tinfo_check s.npy text2.out json2.out '<stdin>'
}

@test "NaN and Inf are counted; statistics ignore NaN; '-' and null when there is nothing" {
	py "
with open('s.npy', 'wb') as f:
    for r in [[1, np.nan, 2, np.nan, 3], [1, np.inf, -np.inf, np.nan, 5],
              [np.inf, 1.0], [-np.inf, -np.inf], [np.nan, np.nan],
              np.array([np.nan, 1, np.inf], np.float32)]:
        np.save(f, np.array(r))
"
	tinfo s.npy > text.out
	tinfo --json s.npy > json.out
	tinfo_check s.npy text.out json.out s.npy
	[ "$(sed -n 1p text.out)" = "0 shape=(5,) dtype=float64 bytes=40 min=1 max=3 mean=2 std=0.816497 nan=2 inf=0" ] ||
		[ "$(sed -n 1p text.out)" = "0 shape=(5) dtype=float64 bytes=40 min=1 max=3 mean=2 std=0.816497 nan=2 inf=0" ] ||
		fail "line 1: $(sed -n 1p text.out)"
	[ "$(sed -n 5p text.out)" = "4 shape=(2,) dtype=float64 bytes=16 min=- max=- mean=- std=- nan=2 inf=0" ] ||
		[ "$(sed -n 5p text.out)" = "4 shape=(2) dtype=float64 bytes=16 min=- max=- mean=- std=- nan=2 inf=0" ] ||
		fail "line 5: $(sed -n 5p text.out)"
}

# What tinfo(1) and tpipe(7) say: NaN is left out, infinities are not.
@test "infinities take part: min -inf, max inf, mean ±inf or nan, std nan" {
	local r
	for r in '1 inf nan 3' '-inf 2 -inf' 'inf -inf 3 nan' '-1 2 3'; do
		echo "$r" | tcat
	done > s.npy
	run --separate-stderr tinfo s.npy
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "exit $status: $stderr"
	[ "$output" = "0 shape=(4,) dtype=float64 bytes=32 min=1 max=inf mean=inf std=nan nan=1 inf=1
1 shape=(3,) dtype=float64 bytes=24 min=-inf max=2 mean=-inf std=nan nan=0 inf=2
2 shape=(4,) dtype=float64 bytes=32 min=-inf max=inf mean=nan std=nan nan=1 inf=2
3 shape=(3,) dtype=float64 bytes=24 min=-1 max=3 mean=1.33333 std=1.69967 nan=0 inf=0" ] ||
		fail "$output"
	# JSON has no infinity: each of those is null, the counts stay
	run tinfo --json s.npy
	[ "$(sed -n 3p <<< "$output")" = '{"file":"s.npy","index":2,"shape":[4],"dtype":"float64","bytes":32,"min":null,"max":null,"mean":null,"std":null,"nan":1,"inf":2}' ] ||
		fail "$output"
}

@test "an empty tensor and a scalar" {
	py "
with open('s.npy', 'wb') as f:
    np.save(f, np.zeros((0, 3))); np.save(f, np.float32(7)); np.save(f, np.zeros((3, 0), np.uint8))
"
	tinfo s.npy > text.out
	tinfo --json s.npy > json.out
	tinfo_check s.npy text.out json.out s.npy
	[ "$(sed -n 1p text.out)" = "0 shape=(0,3) dtype=float64 bytes=0 min=- max=- mean=- std=- nan=0 inf=0" ]
	[ "$(sed -n 2p text.out)" = "1 shape=() dtype=float32 bytes=4 min=7 max=7 mean=7 std=0 nan=0 inf=0" ]
	[ "$(sed -n 1p json.out)" = '{"file":"s.npy","index":0,"shape":[0,3],"dtype":"float64","bytes":0,"min":null,"max":null,"mean":null,"std":null,"nan":0,"inf":0}' ] ||
		fail "json: $(sed -n 1p json.out)"
}

@test "several files: each line starts with FILE:, records counted per file" {
	py "
with open('a.npy', 'wb') as f:
    np.save(f, np.arange(3.0)); np.save(f, np.ones((2, 2), np.int16))
np.save('b.npy', np.zeros(4, np.uint8))
"
	run --separate-stderr tinfo a.npy b.npy
	[ "$status" -eq 0 ] && [ "${#lines[@]}" -eq 3 ]
	[[ ${lines[0]} =~ ^a\.npy:\ ?0\ shape=\(3,?\)\ dtype=float64 ]] || fail "line 0: ${lines[0]}"
	[[ ${lines[1]} =~ ^a\.npy:\ ?1\ shape=\(2,2\)\ dtype=int16 ]] || fail "line 1: ${lines[1]}"
	[[ ${lines[2]} =~ ^b\.npy:\ ?0\ shape=\(4,?\)\ dtype=uint8 ]] || fail "line 2: ${lines[2]}"
	run tinfo --json a.npy - < b.npy
	py "
import json
o = [json.loads(l) for l in '''$output'''.splitlines()]
assert [(x['file'], x['index']) for x in o] == [('a.npy', 0), ('a.npy', 1), ('<stdin>', 0)], o
"
	# one file: no prefix
	run tinfo b.npy
	[[ $output == "0 shape="* ]] || fail "one file: $output"
}

@test "PNG and text input are described too" {
	tinfo "$DATA/pil-rgb8.png" > text.out
	tinfo --json "$DATA/pil-rgb8.png" > json.out
	tinfo_check "$DATA/pil-rgb8.npy" text.out json.out "$DATA/pil-rgb8.png"
	printf '1 2\n3 4\n' | tinfo > t.out
	[ "$(cat t.out)" = "0 shape=(2,2) dtype=float64 bytes=32 min=1 max=4 mean=2.5 std=1.11803 nan=0 inf=0" ]
}

@test "empty input prints nothing" {
	run --separate-stderr tinfo < /dev/null
	[ "$status" -eq 0 ] && [ -z "$output" ] && [ -z "$stderr" ]
}

@test "bad input: truncated data, garbage, missing file, unknown option" {
	py "
b = open('$DATA/tgen-randn-8x256.npy', 'rb').read()
open('trunc.npy', 'wb').write(b + b[:128 + 1000])
open('garbage.txt', 'w').write('hello world\n')
"
	row fails --no-o --any-stdout 1 'record 1.*16384.*1000' "$PWD/trunc.npy" tinfo
	row fails --no-o 1 'hello' "$PWD/garbage.txt" tinfo
	row fails --no-o 1 'nosuch\.npy' /dev/null tinfo nosuch.npy
	row fails --no-o --usage 2 'bogus' /dev/null tinfo --bogus
	rows_ok
}

@test "the common option -o: the report goes to the file; none is left on error" {
	py "np.save('a.npy', np.arange(6.0).reshape(2, 3))"
	tinfo -o out.txt a.npy
	[ "$(cat out.txt)" = "0 shape=(2,3) dtype=float64 bytes=48 min=0 max=5 mean=2.5 std=1.70783 nan=0 inf=0" ]
	tinfo --json --output=out.json a.npy
	[ "$(cat out.json)" = '{"file":"a.npy","index":0,"shape":[2,3],"dtype":"float64","bytes":48,"min":0,"max":5,"mean":2.5,"std":1.707825127659933,"nan":0,"inf":0}' ]
	head -c 100 a.npy > trunc.npy
	fails 1 'record 0' "$PWD/trunc.npy" tinfo
}

@test "--help and --version" {
	run --separate-stderr tinfo --help
	[ "$status" -eq 0 ] && [ -z "$stderr" ] && [[ ${lines[0]} == "usage: tinfo "* ]]
	run --separate-stderr tinfo --version
	[ "$status" -eq 0 ] && [ "$output" = "tinfo (tpipe) 0.1.0" ]
}

@test "statistics over many blocks: infinities, overflow-sized values, a large offset" {
	"$PY" - <<'PYEOF'
import numpy as np
x = np.zeros(10000); x[9999] = np.inf; np.save('inf.npy', x)
y = np.zeros(30000); y[5] = -np.inf; y[29000] = np.inf; np.save('both.npy', y)
np.random.seed(0); np.save('off.npy', np.random.randn(10**6) + 1e8)
PYEOF
	run tinfo inf.npy
	[[ $output == *" mean=inf std=nan nan=0 inf=1" ]] || fail "$output"
	run tinfo both.npy
	[[ $output == *" min=-inf max=inf mean=nan std=nan nan=0 inf=2" ]] || fail "$output"
	tinfo --json off.npy > off.json
	"$PY" - <<'PYEOF'
import json, numpy as np
j = json.load(open('off.json'))
x = np.load('off.npy').astype(np.longdouble)
m = x.mean(); s = np.sqrt(((x - m) ** 2).mean())
assert abs(j['mean'] - float(m)) <= 1e-15 * abs(float(m)), (j['mean'], m)
assert abs(j['std'] - float(s)) <= 1e-14 * float(s), (j['std'], s)
PYEOF
}

@test "records completed before an error are reported, whatever their size, then exit 1" {
	for c in "3 3" "256,512 2" " 500"; do
		make_broken ${c% *} ${c#* }
		tinfo < complete.npy > whole.npy
		: > broken.npy
		complete_then_error tinfo
	done
}

@test "--json: file names that are not UTF-8 are escaped, and os.fsencode gives them back" {
	py "np.save('a.npy', np.arange(3.0))"
	names=$'caf\xc3\xa9 \xff\xfe q"\\\x01.npy'
	names+=$'\n'$'\xed\xa0\x80 surrogate \xc0\xaf overlong \xf4\x90\x80\x80 big.npy'
	while IFS= read -r n; do
		cp a.npy "$n"
		tinfo --json "$n" a.npy > out.json
		N="$n" py "
import json, os
raw = open('out.json', 'rb').read()
text = raw.decode('utf-8')          # strict: the output is valid UTF-8
recs = [json.loads(l) for l in text.splitlines()]
assert len(recs) == 2, recs
assert os.fsencode(recs[0]['file']) == os.environb[b'N'], recs[0]['file']
assert recs[1]['file'] == 'a.npy' and recs[0]['shape'] == [3]
"
	done <<< "$names"
	# valid UTF-8 stays as it is
	tinfo --json $'caf\xc3\xa9 \xff\xfe q"\\\x01.npy' | grep -q $'"file":"caf\xc3\xa9 \\\\udcff\\\\udcfe q\\\\"\\\\\\\\\\\\u0001.npy"'
}

@test "bad options: one line saying what is wrong, then the usage" {
	row usage_fails "^tinfo: unknown option '--bogus'$" tinfo --bogus
	row usage_fails "^tinfo: unknown option '-t'$" tinfo -t f32
	row usage_fails "^tinfo: option '-o' needs a value$" tinfo -o
	rows_ok
}
