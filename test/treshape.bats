#!/usr/bin/env bats
# treshape: every form against numpy (golden files in test/data/treshape
# made by its make-golden.py, and cases made here for every dtype, byte
# order and Fortran order), round trips on random shapes, streaming in
# constant memory, --explain, and the table of bad requests and data.

load helpers

GOLD="$DATA/treshape"

# gen: python with numpy; the code on stdin calls
#   case(name, a, args, want, order='<', fortran=False)
# to write in/NAME.npy (a in byte order order, Fortran layout if asked),
# args/NAME (treshape's arguments, one a line) and exp/NAME.npy
# (numpy.save of want, native and C order).
gen() {
	{ printf '%s\n' "$GEN_PRELUDE"; cat; } | "$PY" -
}
GEN_PRELUDE=$(cat <<'EOF'
import os
import numpy as np
for d in ('in', 'exp', 'args'):
    os.makedirs(d, exist_ok=True)
rng = np.random.default_rng(99)
DTYPES = ['b1', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8',
          'f2', 'f4', 'f8', 'c8', 'c16']

def values(dt, shape):
    dt = np.dtype(dt)
    n = int(np.prod(shape, dtype=np.int64))
    if dt.kind == 'b':
        return (rng.integers(0, 2, n) > 0).reshape(shape)
    v = rng.permutation(n) + 1
    if dt.kind == 'c':
        v = v + 1j * rng.permutation(n)
    return v.astype(dt).reshape(shape)

def case(name, a, args, want, order='<', fortran=False):
    w = a.astype(a.dtype.newbyteorder(order))
    if fortran and w.ndim > 1:
        w = np.asfortranarray(w)
    with open(f'in/{name}.npy', 'wb') as f:
        np.lib.format.write_array(f, w)
    if fortran and w.ndim > 1 and not w.flags.c_contiguous:
        assert b"'fortran_order': True" in open(f'in/{name}.npy', 'rb').read(128)
    open(f'args/{name}', 'w').write(''.join(x + '\n' for x in args))
    np.save(f'exp/{name}.npy', np.array(want, order='C'))
EOF
)

# run_cases: treshape ARGS < in/NAME.npy for each case of gen; every
# output must be exp/NAME.npy's bytes and load equal to it.
run_cases() {
	local f c bad='' n=0
	local -a a
	mkdir -p out
	: > pairs
	for f in in/*.npy; do
		c=$(basename "$f" .npy)
		mapfile -t a < "args/$c"
		if ! treshape "${a[@]}" < "$f" > "out/$c.npy" 2> "out/$c.err"; then
			bad+="$c: treshape ${a[*]}: $(head -c 300 "out/$c.err")"$'\n'
		fi
		cmp -s "out/$c.npy" "exp/$c.npy" ||
			bad+="$c: treshape ${a[*]}: not numpy.save's bytes"$'\n'
		echo "$c out/$c.npy exp/$c.npy" >> pairs
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no cases"
	run npy_same pairs
	[ -z "$bad" ] && [ "$status" -eq 0 ] && return 0
	fail "$(printf '%s\n%s' "$bad" "$output")"
}

@test "golden cases: numpy's reshape, transpose, expand_dims, squeeze, moveaxis and patterns" {
	local name args bad='' n=0
	while IFS=$'\t' read -r name args; do
		[[ $name == '#'* ]] && continue
		eval "set -- $args"
		# from a pipe, and from a file operand
		cat "$GOLD/$name.in.npy" | treshape "$@" > "$name.pipe.npy" 2> err ||
			bad+="$name: treshape $args: $(cat err)"$'\n'
		treshape "$@" "$GOLD/$name.in.npy" > "$name.file.npy" 2> err ||
			bad+="$name: treshape $args FILE: $(cat err)"$'\n'
		cmp -s "$name.pipe.npy" "$GOLD/$name.out.npy" ||
			bad+="$name: treshape $args: differs from numpy (pipe)"$'\n'
		cmp -s "$name.file.npy" "$GOLD/$name.out.npy" ||
			bad+="$name: treshape $args: differs from numpy (file)"$'\n'
		n=$((n + 1))
	done < "$GOLD/cases.txt"
	[ -z "$bad" ] || fail "$bad"
	[ "$n" -ge 40 ]
}

@test "every dtype, both byte orders, C and Fortran order: the values arrive unchanged (views and permutations)" {
	gen <<'EOF'
for dt in DTYPES:
    a = values(dt, (2, 3, 4))
    for order in '<>':
        for f in (False, True):
            t = f"{dt}-{'le' if order == '<' else 'be'}-{'f' if f else 'c'}"
            case(f'{t}-reshape', a, ['4,-1'], a.reshape(4, -1), order, f)
            case(f'{t}-permute', a, ['--permute', '2,0,1'],
                 a.transpose(2, 0, 1), order, f)
            case(f'{t}-pattern', a, ['a b (c d) -> d (a c) b', 'd=2'],
                 a.reshape(2, 3, 2, 2).transpose(3, 0, 2, 1).reshape(2, 4, 3),
                 order, f)
EOF
	[ "$(ls in | wc -l)" -eq $((14 * 4 * 3)) ]
	run_cases
}

@test "scalars, zero-size records and 8 axes in every form" {
	gen <<'EOF'
s = values('f8', ())
case('scalar-reshape', s, ['1,1'], s.reshape(1, 1))
case('scalar-unsqueeze', s, ['--unsqueeze', '-1'], np.expand_dims(s, -1))
case('scalar-squeeze', s, ['--squeeze'], np.squeeze(s))
case('scalar-pattern', s, [' -> 1'], s.reshape(1))
case('scalar-ellipsis', s, ['... -> ... 1 1'], s.reshape(1, 1))
z = values('c16', (3, 0, 2))
case('zero-reshape', z, ['-1,2'], z.reshape(-1, 2))
case('zero-permute', z, ['--permute', '1,2,0'], z.transpose(1, 2, 0))
case('zero-pattern', z, ['a b c -> c (b a)'], z.transpose(2, 1, 0).reshape(2, 0))
e = values('i2', (2, 1, 3, 2, 1, 2, 3, 2))
p = (5, 0, 7, 2, 6, 1, 3, 4)
case('axes8-permute', e, ['--permute', ','.join(map(str, p))], e.transpose(p))
case('axes8-pattern', e, ['a b c d e f g h -> (h a) (g f) e (d c) b'],
     e.transpose(7, 0, 6, 5, 4, 3, 2, 1).reshape(4, 6, 1, 6, 1))
case('axes8-squeeze', e, ['--squeeze'], np.squeeze(e))
case('axes8-transpose-be-f', e, ['--transpose'], e.T, '>', True)
EOF
	run_cases
}

@test "property: random permutations undone by their inverse, random reshapes undone, on 0-8 axes" {
	"$PY" - <<'EOF'
import os, numpy as np
rng = np.random.default_rng(7)
os.makedirs('p', exist_ok=True)
with open('p/list', 'w') as lst:
    for i in range(40):
        nd = int(rng.integers(0, 9))
        shape = tuple(int(v) for v in rng.integers(1, 5, nd))
        if i % 10 == 9 and nd:
            shape = shape[:-1] + (0,)
        dt = ['u1', 'i2', 'f4', 'f8', 'c16', '>i4'][i % 6]
        a = (rng.permutation(max(1, int(np.prod(shape)))) if np.prod(shape)
             else np.zeros(0)).astype(dt)[:int(np.prod(shape))].reshape(shape)
        perm = rng.permutation(nd)
        inv = np.argsort(perm)
        np.save(f'p/{i}.npy', a)
        np.save(f'p/{i}.exp.npy', a.astype(a.dtype.newbyteorder('=')))
        n = a.astype(a.dtype.newbyteorder('='))
        np.save(f'p/{i}.t.npy', np.array(n.transpose(perm), order='C'))
        lst.write(f"{i} {','.join(map(str, perm)) or '()'} {','.join(map(str, inv)) or '()'} {','.join(map(str, shape)) or '()'}\n")
EOF
	local i p q s bad=''
	while read -r i p q s; do
		treshape --permute "$p" p/$i.npy > p/$i.fw.npy || bad+="$i: permute $p failed"$'\n'
		cmp -s p/$i.fw.npy p/$i.t.npy || bad+="$i: --permute $p differs from numpy"$'\n'
		treshape --permute "$p" p/$i.npy | treshape --permute "$q" | cmp -s - p/$i.exp.npy ||
			bad+="$i: --permute $p then $q is not the input"$'\n'
		treshape -- -1 p/$i.npy | treshape -- "$s" | cmp -s - p/$i.exp.npy ||
			bad+="$i: -1 then $s is not the input"$'\n'
		treshape --transpose p/$i.npy | treshape --transpose | cmp -s - p/$i.exp.npy ||
			bad+="$i: --transpose twice is not the input"$'\n'
	done < p/list
	[ -z "$bad" ] || fail "$bad"
	[ "$(wc -l < p/list)" -eq 40 ]
}

@test "property: permutations of larger random shapes (the transposing kernels, their edges and -j 2) equal numpy.transpose, elements of 1 to 16 bytes" {
	# shapes large enough for the in-register squares and the 64-wide
	# tiles, cut so that both leave edges; the last two (64 MiB of
	# float32) are stored past the cache, where the output's rows are
	# 16-byte aligned (4096 wide) and where they are not (4099)
	"$PY" - <<'EOF'
import os, numpy as np
rng = np.random.default_rng(26)
os.makedirs('q', exist_ok=True)
dts = ['u1', 'i2', 'f4', 'f8', 'c16']
with open('q/list', 'w') as lst:
    for i in range(30):
        dt = np.dtype(dts[i % 5])
        nd = int(rng.integers(2, 5))
        while True:
            shape = [int(v) for v in rng.integers(1, 150 if nd == 2 else 40, nd)]
            perm = [int(v) for v in rng.permutation(nd)]
            if perm[-1] != nd - 1 and np.prod(shape) * dt.itemsize < (3 << 20):
                break
        a = rng.integers(0, 255, int(np.prod(shape)) * dt.itemsize,
                         dtype=np.uint8).view(dt).reshape(shape)
        np.save(f'q/{i}.npy', a)
        np.save(f'q/{i}.t.npy', np.ascontiguousarray(a.transpose(perm)))
        lst.write(f"{i} {','.join(map(str, perm))}\n")
    a = rng.standard_normal((4096, 4096), 'f4')
    np.save('q/big.npy', a)
    np.save('q/big.t.npy', np.ascontiguousarray(a.T))
    lst.write("big 1,0\n")
    a = rng.standard_normal((4099, 4097), 'f4')
    np.save('q/odd.npy', a)
    np.save('q/odd.t.npy', np.ascontiguousarray(a.T))
    lst.write("odd 1,0\n")
EOF
	local i p bad=''
	while read -r i p; do
		treshape --permute "$p" q/$i.npy > q/$i.fw.npy || bad+="$i: permute $p failed"$'\n'
		cmp -s q/$i.fw.npy q/$i.t.npy || bad+="$i: --permute $p differs from numpy"$'\n'
		treshape -j 1 --permute "$p" q/$i.npy | cmp -s - q/$i.t.npy ||
			bad+="$i: -j 1 --permute $p differs from numpy"$'\n'
	done < q/list
	[ -z "$bad" ] || fail "$bad"
	[ "$(wc -l < q/list)" -eq 32 ]
}

@test "--verbose: one line per record and a total on stderr, stdout unchanged" {
	tgen randn 3,40,50 --seed 1 -o x.npy
	cat x.npy x.npy | treshape --verbose --permute 2,0,1 > v.npy 2> err
	cat x.npy x.npy | treshape --permute 2,0,1 | cmp - v.npy
	run cat err
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
	[[ ${lines[0]} =~ ^treshape:\ record\ 0:\ read\ [0-9.]+\ s,\ compute\ [0-9.]+\ s,\ write\ [0-9.]+\ s$ ]] || fail "$output"
	[[ ${lines[1]} == "treshape: record 1: read "* ]] || fail "$output"
	[[ ${lines[2]} == "treshape: total: read "* ]] || fail "$output"
	treshape --verbose 1,-1 x.npy 2> err > /dev/null
	[ "$(grep -c ': read .* s, compute .* s, write .* s$' err)" -eq 2 ]
}

@test "property: a pattern and its inverse give the input back; -j 1 and -j 2 write the same bytes" {
	tgen randn 16,48,64,3 --seed 3 -t f32 -o x.npy
	treshape 'b (h h2) (w w2) c -> (b h2 w2) c h w' h2=2 w2=4 x.npy > y.npy
	run tinfo y.npy
	[[ $output == *"shape=(128,3,24,16)"* ]] || fail "$output"
	treshape '(b h2 w2) c h w -> b (h h2) (w w2) c' h2=2 w2=4 y.npy | cmp - x.npy
	treshape -j 1 --permute 3,0,2,1 x.npy > j1.npy
	treshape -j 2 --permute 3,0,2,1 x.npy > j2.npy
	cmp j1.npy j2.npy
	"$PY" -c "
import numpy as np
x = np.load('x.npy'); y = np.load('j1.npy')
assert np.array_equal(y, np.ascontiguousarray(x.transpose(3, 0, 2, 1)))
"
}

@test "property: 60 random patterns equal numpy's reshape-transpose-reshape reading of einops" {
	# the reference below is einops' definition written with numpy:
	# split the left groups into elementary axes, transpose them into
	# the right's order, merge the right groups
	gen <<'EOF2'
def reference(x, left, right, sizes):
    """einops' rearrange as numpy reshape and transpose: left and right
    are lists of groups, a group a list of names ('...' allowed)."""
    nother = sum(1 for g in left if g != ['...'])
    ell = [f'..{i}' for i in range(x.ndim - nother)]
    size, elem, axis = dict(sizes), [], 0
    for g in left:
        if g == ['...']:
            for e in ell:
                size[e] = x.shape[axis]; axis += 1
            elem += ell
            continue
        unknown = [n for n in g if n not in size]
        known = int(np.prod([size[n] for n in g if n in size]))
        if unknown:
            size[unknown[0]] = x.shape[axis] // known
        elem += g
        axis += 1
    y = x.reshape([size[n] for n in elem])
    flat = [e for g in right for n in g for e in (ell if n == '...' else [n])]
    y = y.transpose([elem.index(n) for n in flat])
    shape = []
    for g in right:
        if g == ['...'] and not paren_of(g):
            shape += [size[e] for e in ell]
        else:
            shape.append(int(np.prod([size[e] for n in g
                                      for e in (ell if n == '...' else [n])])))
    return y.reshape(shape)
def paren_of(g):
    return getattr(g, 'paren', False)
class Group(list):
    paren = False
def text(side):
    out = []
    for g in side:
        out.append('(' + ' '.join(g) + ')' if g.paren else ' '.join(g) or '1')
    return ' '.join(out)
names = iter(f'n{i}' for i in range(1000))
for i in range(60):
    nd = int(rng.integers(0, 6))
    shape = []
    left, sizes, given = [], {}, []
    for k in range(nd):
        parts = int(rng.integers(1, 4))
        fs = [int(v) for v in rng.integers(1, 4, parts)]
        if i % 15 == 14 and k == 0:
            fs[0] = 0
        g = Group(next(names) for _ in fs)
        g.paren = parts > 1 or rng.random() < 0.2
        for n, f in zip(g, fs):
            sizes[n] = f
        # every size but one per group given
        skip = 0 if fs[0] == 0 else int(rng.integers(0, parts))
        given += [f'{n}={sizes[n]}' for j, n in enumerate(g)
                  if j != skip and parts > 1]
        left.append(g)
        shape.append(int(np.prod(fs)))
    if nd and rng.random() < 0.5:	# leading or trailing axes as '...'
        k = int(rng.integers(1, nd + 1))
        at = 0 if rng.random() < 0.5 else nd - k
        drop = set(n for g in left[at:at + k] for n in g)
        given = [s for s in given if s.split('=')[0] not in drop]
        e = Group(['...'])
        left = left[:at] + [e] + left[at + k:]
    flat = [n for g in left for n in g]
    flat = [flat[j] for j in rng.permutation(len(flat))]
    right, j = [], 0
    while j < len(flat):
        m = int(rng.integers(1, 4))
        g = Group(flat[j:j + m])
        g.paren = m > 1 or (g == ['...'] and rng.random() < 0.5)
        right.append(g)
        j += m
    if rng.random() < 0.3:
        one = Group([]); right.insert(int(rng.integers(0, len(right) + 1)), one)
    x = rng.permutation(max(1, int(np.prod(shape))))[:int(np.prod(shape))]
    x = x.astype(['u1', 'i2', 'f4', 'c16', 'f8'][i % 5]).reshape(shape)
    pat = f'{text(left)} -> {text(right)}'
    want = reference(x, left, right, {s.split('=')[0]: int(s.split('=')[1]) for s in given})
    case(f'random-{i}', x, [pat] + given, want, '>' if i % 5 == 4 else '<')
EOF2
	[ "$(ls in | wc -l)" -eq 60 ]
	run_cases
}

@test "each record of a stream is resolved on its own" {
	py "
import numpy as np
with open('s.npy', 'wb') as f, open('s3.npy', 'wb') as g:
    for shape in [(2, 3), (4, 5, 6), (7,), ()]:
        a = np.arange(int(np.prod(shape)), dtype='f4').reshape(shape)
        np.save(f, a)
        if shape:
            np.save(g, a)
"
	# the scalar has no axis for c: record 3 fails, the others are out
	run --separate-stderr bash -c "treshape '... c -> c ...' s.npy > o.npy"
	[ "$status" -eq 1 ]
	[[ $stderr == "treshape: s.npy: record 3: pattern '... c -> c ...' wants at least 1 axis but shape () has 0" ]] || fail "$stderr"
	head -c "$(stat -c %s s3.npy)" s.npy | cmp - s3.npy
	run tinfo <(treshape '... c -> c ...' s3.npy)
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
	[[ ${lines[0]} == *"shape=(3,2)"* ]] && [[ ${lines[1]} == *"shape=(6,4,5)"* ]] &&
		[[ ${lines[2]} == *"shape=(7,)"* ]] || fail "$output"
	treshape -- -1 s.npy > flat.npy
	run tinfo flat.npy
	[[ ${lines[1]} == *"shape=(120,)"* ]] && [[ ${lines[3]} == *"shape=(1,)"* ]] || fail "$output"
}

@test "a pure reshape streams: a 256 MiB record through a pipe in far less memory" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	tgen zeros 67108864 -t f32 -o big.npy
	# pipe in, file out
	tgen zeros 67108864 -t f32 | /usr/bin/time -f %M -o rss treshape 8192,-1 > out.npy
	echo "peak RSS (pipe to file) $(cat rss) KB"
	[ "$(tail -n 1 rss)" -lt 32768 ]
	run tinfo out.npy
	[[ $output == *"shape=(8192,8192)"* ]] || fail "$output"
	# pipe in, pipe out (the splice path): treshape's own peak, and the
	# same bytes as to the file
	cat big.npy | /usr/bin/time -f %M -o rss-pipes treshape 8192,-1 | cmp - out.npy
	echo "peak RSS (pipe to pipe) $(cat rss-pipes) KB"
	! grep -q 'exited with' rss-pipes || fail "$(cat rss-pipes)"
	[ "$(tail -n 1 rss-pipes)" -lt 32768 ]
	# file in
	/usr/bin/time -f %M -o rss2 treshape --squeeze big.npy > /dev/null
	echo "peak RSS (file in) $(cat rss2) KB"
	[ "$(tail -n 1 rss2)" -lt 32768 ]
}

@test "--explain: the LSTM reshape is a view that keeps the batch; 256,8 regroups it" {
	tgen randn 8,256 --seed 1 -o x.npy
	run treshape --explain 8,1,256 x.npy
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "record 0: (8, 256) float64 -> (8, 1, 256): a view"* ]] || fail "$output"
	[[ $output == *"output axis 1 (1) is new"* ]] || fail "$output"
	[[ $output == *"batch axis 0 (8) is output axis 0, whole: batch elements are not mixed"* ]] || fail "$output"
	run treshape --explain 256,8 x.npy
	[[ $output == *"regrouped"* ]] && [[ $output == *"no longer apart"* ]] || fail "$output"
	run treshape --explain --permute 1,0 x.npy
	[[ ${lines[0]} == *"a permutation"* ]] && [[ $output == *"moved: input axis 0"* ]] || fail "$output"
	tgen zeros 1,3 -o row.npy
	run treshape --explain --permute 1,0 row.npy
	[[ ${lines[0]} == *"a view"* ]] && [[ $output == *"moved: input axis 0 (length 1: no element moves)"* ]] || fail "$output"
	run treshape --explain --reduce sum 'a b -> b' row.npy
	[[ ${lines[0]} == *"(the sum of 1 element each)" ]] || fail "$output"
}

@test "--explain: patterns name every axis size, what is split or merged, what moves" {
	tgen randn 2,24,3 -o x.npy
	run treshape --explain 'b (h w) c -> b c h w' h=8 x.npy
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "record 0: (2, 24, 3) float64 -> (2, 3, 8, 3): a permutation"* ]] || fail "$output"
	[[ $output == *"axes: b=2 h=8 w=3 c=3"* ]] || fail "$output"
	[[ $output == *"input axis 1 (h w) is split into h=8 w=3"* ]] || fail "$output"
	[[ $output == *"moved: c"* ]] || fail "$output"
	[[ $output == *"batch axis 0 (b) is output axis 0 (b), whole"* ]] || fail "$output"
	run treshape --explain 'b h w -> b (h w)' x.npy
	[[ ${lines[0]} == *"a view"* ]] && [[ $output == *"no axis moves"* ]] || fail "$output"
	# MATLAB's batch-last (N, N, 1, b) to batch-first
	tgen zeros 4,4,1,5 -o m.npy
	run treshape --explain 'n m 1 b -> b n m 1' m.npy
	[[ ${lines[0]} == *"a permutation"* ]] && [[ $output == *"moved: b"* ]] || fail "$output"
	[[ $output == *"on an output axis of their own: b (0), n (1), m (2)"* ]] || fail "$output"
	# a batch axis split off a factor of length 1 stays whole
	run treshape --explain '(a b) h c -> (b a) c h' a=1 x.npy
	[[ $output == *"batch axis 0 (b) is output axis 0 (b a), whole: batch elements are not mixed"* ]] || fail "$output"
	run treshape --explain '(a b) h c -> (b a) c h' a=2 x.npy
	[[ $output == *"batch axis 0 (a) is output axis 0 (b a), whole"* ]] || fail "$output"
	tgen zeros 6,2 -o s6.npy
	run treshape --explain '(a b) h -> a b h' b=2 s6.npy
	[[ $output == *"batch axis 0 (a b) is split: batch elements are no longer apart"* ]] || fail "$output"
	# a length-1 axis that moves moves no element
	run treshape --explain 'a b c d -> a c b d' m.npy
	[[ ${lines[0]} == *"a view"* ]] || fail "$output"
}

@test "--explain with no input explains the request symbolically; it writes no tensor" {
	run treshape --explain 'b (h w) c -> b c h w' h=8 < /dev/null
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "rearrange 'b (h w) c -> b c h w'" ]] || fail "$output"
	[[ $output == *"axes: b h=8 w c"* ]] && [[ $output == *"moved: c"* ]] || fail "$output"
	run treshape --explain 8,1,256 < /dev/null
	[[ $output == "reshape to (8,1,256): a view"* ]] || fail "$output"
	run treshape --explain --permute 2,0,1 < /dev/null
	[[ $output == *"batch axis 0 is output axis 1"* ]] || fail "$output"
	tgen zeros 2,3 | treshape --explain 3,2 > e.txt
	! grep -q NUMPY e.txt
	# a full stdout is an error with a message, whether a stream or a
	# terminal is the input
	run --separate-stderr bash -c 'treshape --explain 3,2 < /dev/null > /dev/full'
	[ "$status" -eq 1 ] && [[ $stderr == "treshape: write error: <stdout>: No space left on device" ]] || fail "$status $stderr"
	command -v script > /dev/null || skip "no script(1) for a terminal"
	run script -qec "$TPIPE_BIN/treshape --explain 3,2 > /dev/full" /dev/null
	[ "$status" -eq 1 ] && [[ $output == *"treshape: write error: <stdout>: No space left on device"* ]] || fail "$status $output"
}

@test "-O txt, -o FILE, --help" {
	printf '1 2 3\n4 5 6\n' > a.txt
	run treshape --transpose -O txt a.txt
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '# shape (3, 2) float64\n1 4\n2 5\n3 6')" ] || fail "$output"
	run treshape 3,2 -O txt a.txt
	[ "$output" = "$(printf '# shape (3, 2) float64\n1 2\n3 4\n5 6')" ] || fail "$output"
	treshape 6 a.txt -o b.npy
	py "assert np.load('b.npy').tolist() == [1, 2, 3, 4, 5, 6]"
	run treshape --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "usage: treshape [shape | pattern"* ]] || fail "$output"
}

@test "bad patterns are usage errors (exit 2) worded as einops words them" {
	tgen zeros 2,6,3 -o x.npy
	X=$PWD/x.npy
	row fails --usage 2 "'b h w' is neither a shape \(such as 8,1,256\) nor a pattern \(it has no '->'\)" "$X" treshape 'b h w'
	row fails --usage 2 "more than one '->'" "$X" treshape 'a -> b -> c'
	row fails --usage 2 "unbalanced parentheses" "$X" treshape 'b (h w c -> b h w c'
	row fails --usage 2 "unbalanced parentheses" "$X" treshape 'b h w) c -> b h w c'
	row fails --usage 2 "nest only one level" "$X" treshape 'b ((h w)) c -> b h w c'
	row fails --usage 2 "duplicate axis 'h'" "$X" treshape 'b h h -> b h'
	row fails --usage 2 "'c' is only on the left side" "$X" treshape 'b h c -> b h'
	row fails --usage 2 "'w' is only on the right side" "$X" treshape 'b h c -> b h c w'
	row fails --usage 2 "cannot infer both 'h' and 'w'" "$X" treshape 'b (h w) c -> b h w c'
	row fails --usage 2 "anonymous axes other than 1 \('2'\)" "$X" treshape 'b (h 2) c -> b h 2 c'
	row fails --usage 2 "positive length, not 0" "$X" treshape 'b h c -> b h c 0'
	row fails --usage 2 "one ellipsis" "$X" treshape '... h ... -> h'
	row fails --usage 2 "one ellipsis" "$X" treshape 'b .. -> b'
	row fails --usage 2 "'...' inside parentheses on the left" "$X" treshape '(b ...) -> b ...'
	row fails --usage 2 "'...' on the right but not on the left" "$X" treshape 'b -> b ...'
	row fails --usage 2 "invalid axis name '_h'" "$X" treshape 'b _h -> b _h'
	row fails --usage 2 "invalid axis name '2b'" "$X" treshape '2b h -> h 2b'
	row fails --usage 2 "unexpected character '\*'" "$X" treshape 'b* h -> h b*'
	row fails --usage 2 "'z=3': axis 'z' is not in pattern" "$X" treshape 'b h w -> b w h' z=3
	row fails --usage 2 "the size of 'h' must be an integer" "$X" treshape 'b (h w) c -> b h w c' h=x
	row fails --usage 2 "the size of 'h' is given twice" "$X" treshape 'b (h w) c -> b h w c' h=2 h=3
	rows_ok
}

@test "bad requests are usage errors (exit 2)" {
	tgen zeros 2,6,3 -o x.npy
	X=$PWD/x.npy
	row fails --usage 2 "-t is refused" "$X" treshape -t f32 6,6
	row fails --usage 2 "--permute and --squeeze cannot be combined" "$X" treshape --permute 1,0 --squeeze
	row fails --usage 2 "--explain .* no -o" "$X" treshape --explain -o y.npy 6,6
	row fails --usage 2 "'6,a' is neither a shape" "$X" treshape 6,a
	row fails --usage 2 "shape '6,-1,-1': only one size may be -1" "$X" treshape 6,-1,-1
	row fails --usage 2 "--permute '1,1' repeats axis 1" "$X" treshape --permute 1,1
	row fails --usage 2 "--unsqueeze '1,2': give one axis" "$X" treshape --unsqueeze 1,2
	row fails --usage 2 "more than one input file" "$X" treshape 6,6 a b
	row fails --usage 2 "--squeeze takes its axes after '=' \(--squeeze=0\): '0' would be the input file" "$X" treshape --squeeze 0
	row fails --usage 2 "--squeeze takes its axes after '=' \(--squeeze=-1,0\)" "$X" treshape --squeeze -1,0
	row fails --usage 2 "--permute and the shape '8,1,256' cannot be combined" "$X" treshape --permute 1,0 8,1,256
	row fails --usage 2 "--transpose and the pattern 'a b -> b a' cannot be combined" "$X" treshape --transpose 'a b -> b a'
	row fails --usage 2 "usage: treshape" "$X" treshape
	rows_ok
}

@test "data that does not fit is exit 1, naming the shape, the request and what does not fit" {
	tgen zeros 4,85,3 -o x.npy
	tgen zeros 0,4 -o z.npy
	X=$PWD/x.npy Z=$PWD/z.npy
	row fails 1 "pattern 'b \(h w\) c -> b c h w' on shape \(4, 85, 3\): cannot split axis 1 \(h w\) of length 85 into groups of h=2" "$X" treshape 'b (h w) c -> b c h w' h=2
	row fails 1 "pattern 'b h -> h b' wants 2 axes but shape \(4, 85, 3\) has 3" "$X" treshape 'b h -> h b'
	row fails 1 "wants at least 4 axes but shape \(4, 85, 3\) has 3" "$X" treshape 'a b c d ... -> ... a b c d'
	row fails 1 "axis 0 b has length 4, not b=3" "$X" treshape 'b h c -> c h b' b=3
	row fails 1 "axis 1 \(h w\) has length 85, not h=5 w=7" "$X" treshape 'b (h w) c -> b c h w' h=5 w=7
	row fails 1 "axis 2 has length 3, not 1" "$X" treshape 'b h 1 -> b h'
	row fails 1 "cannot infer 'w' from axis 0 \(h w\) of length 0 with h=0" "$Z" treshape '(h w) a -> a h w' h=0
	row fails 1 "cannot split axis 1 \(h w\) of length 4 into groups of h=0" "$Z" treshape 'a (h w) -> a h w' h=0
	row fails 1 "cannot reshape \(4, 85, 3\) \(1020 elements\) into shape '7,-1': 1020 is not a multiple of 7" "$X" treshape 7,-1
	row fails 1 "cannot reshape \(4, 85, 3\) \(1020 elements\) into shape '2,2' \(4 elements\)" "$X" treshape 2,2
	row fails 1 "cannot reshape \(0, 4\) into shape '0,-1': -1 is undetermined" "$Z" treshape 0,-1
	row fails 1 "cannot squeeze axis 1 of shape \(4, 85, 3\): its length is 85, not 1" "$X" treshape --squeeze=1
	row fails 1 "axis 3 is out of bounds for shape \(4, 85, 3\)" "$X" treshape --squeeze=3
	row fails 1 "--unsqueeze 4 is out of range \[-4, 3\] for shape \(4, 85, 3\)" "$X" treshape --unsqueeze 4
	row fails 1 "--permute '1,0' names 2 axes but shape \(4, 85, 3\) has 3" "$X" treshape --permute 1,0
	row fails 1 "--permute '0,1,3': axis 3 is out of bounds" "$X" treshape --permute 0,1,3
	row fails 1 "--permute '0,2,-1' repeats axis 2 of shape \(4, 85, 3\)" "$X" treshape --permute 0,2,-1
	rows_ok
}

@test "sizes whose product overflows are refused, also next to a zero-length axis" {
	tgen zeros 2,0 -o z.npy
	tgen zeros 0,0 -o z2.npy
	tgen zeros 1,3 -o o.npy
	Z=$PWD/z.npy Z2=$PWD/z2.npy O=$PWD/o.npy
	# 2^32 * 2^32 wraps to 0, the length of the axis: it must not fit
	row fails 1 "pattern 'b \(h w\) -> b h w' on shape \(2, 0\): axis 1 \(h w\) has length 0, not h=4294967296 w=4294967296" "$Z" treshape 'b (h w) -> b h w' h=4294967296 w=4294967296
	row fails 1 "pattern '\(h w\) \(a c\) -> h a w c' on shape \(0, 0\): the output shape \(1099511627776, 1099511627776, 0, 0\) of float64 overflows" "$Z2" treshape '(h w) (a c) -> h a w c' h=1099511627776 a=1099511627776
	row fails 1 "cannot reshape \(2, 0\) into shape '0,4294967296,4294967296': the output shape \(0, 4294967296, 4294967296\) of float64 overflows" "$Z" treshape 0,4294967296,4294967296
	# numpy.squeeze(a, axis=(0, 0)): repeated axis
	row fails 1 "--squeeze: axis 0 of shape \(1, 3\) is given twice" "$O" treshape --squeeze=0,-2
	rows_ok
	# what numpy allows still fits, and loads
	treshape 'b (h w) -> b h w' h=4294967296 z.npy > ok.npy
	py "assert np.load('ok.npy').shape == (2, 4294967296, 0)"
}

@test "a truncated record is an error after what was streamed; a closed pipe ends quietly" {
	tgen zeros 300000 -t f32 -o x.npy
	head -c 600000 x.npy > cut.npy
	run --separate-stderr treshape 1000,-1 cut.npy
	[ "$status" -eq 1 ]
	[[ $stderr == *"truncated record 0"* ]] || fail "$stderr"
	run --separate-stderr treshape --permute 0 cut.npy
	[ "$status" -eq 1 ]
	# after a complete record: a view has streamed what it read of the
	# cut one, a permutation nothing of it; -o makes no file
	tgen zeros 4 -o small.npy
	cat small.npy x.npy | head -c 600000 > cut2.npy
	treshape -- -1 cut2.npy > view.npy 2> /dev/null && fail "exit 0"
	cmp -n 160 view.npy small.npy
	[ "$(stat -c %s view.npy)" -gt 288 ] || fail "view: $(stat -c %s view.npy) bytes"
	tgen zeros 500,600 -t f32 -o m.npy
	cat small.npy m.npy | head -c 600000 > cut3.npy
	treshape --transpose cut3.npy > perm.npy 2> /dev/null && fail "exit 0"
	cmp perm.npy small.npy
	treshape -o o.npy -- -1 cut2.npy 2> /dev/null && fail "exit 0"
	[ ! -e o.npy ]
	treshape -o o.npy --transpose cut3.npy 2> /dev/null && fail "exit 0"
	[ ! -e o.npy ]
	run bash -o pipefail -c "tgen zeros 4000000 -t f32 | treshape 2000,-1 | head -c 10 > /dev/null"
	[ "$status" -eq 0 ] || [ "$status" -eq 141 ]
}

@test "--reduce sum, mean, max, min equal numpy's reductions over the dropped axes, every dtype" {
	gen <<'EOF2'
import warnings
warnings.simplefilter('ignore')
tol = open('tol', 'w')
def red(name, a, pat, op, axes, sizes=(), order='<', after=None):
    want = getattr(np, op)(a, axis=axes)
    if after is not None:
        want = after(want)
    case(name, a, ['--reduce', op, pat, *sizes], want, order)
    k = a.dtype.kind
    tol.write(f"{name} {0 if op in ('max', 'min') or (op == 'sum' and k in 'biu') else 1e-3 if a.dtype == np.float16 else 1e-5 if a.dtype.itemsize <= 4 or a.dtype == np.complex64 else 1e-12}\n")
for dt in DTYPES:
    a = values(dt, (3, 4, 5))
    if dt[0] in 'fc':
        a = (rng.standard_normal((3, 4, 5)) * 10).astype(dt)
        if dt[0] == 'c':
            a = a + 1j * rng.standard_normal((3, 4, 5)).astype(dt)
    for op in ('sum', 'mean', 'max', 'min'):
        if dt[0] == 'c' and op in ('max', 'min'):
            continue
        red(f'{dt}-{op}-b', a, 'b h w -> b', op, (1, 2))
        red(f'{dt}-{op}-hw', a, 'b h w -> w h', op, 0,
            after=lambda y: y.T)
    red(f'{dt}-sum-be', a, 'b h w -> h', 'sum', (0, 2), order='>')
x = rng.standard_normal((2, 6, 3))
red('split-mean', x, 'b (h w) c -> b w', 'mean', None, ['h=2'],
    after=lambda y: x.reshape(2, 2, 3, 3).mean(axis=(1, 3)))
red('ellipsis-max', x, '... c -> c', 'max', (0, 1))
x[1, 2, 0] = np.nan
red('nan-max', x, 'b h c -> b c', 'max', 1)
red('nan-min', x, 'b h c -> c', 'min', (0, 1))
red('nan-sum', x, 'b h c -> h', 'sum', (0, 2))
z = np.zeros((2, 0, 3))
red('zero-sum', z, 'a b c -> a c', 'sum', 1)
red('zero-mean', z, 'a b c -> a', 'mean', (1, 2))
red('zero-mean-complex', z.astype('c8'), 'a b c -> a c', 'mean', 1)
EOF2
	mkdir -p out
	local c rt bad=''
	local -a a
	while read -r c rt; do
		mapfile -t a < "args/$c"
		treshape "${a[@]}" < "in/$c.npy" > "out/$c.npy" 2> err ||
			{ bad+="$c: treshape ${a[*]}: $(cat err)"$'\n'; continue; }
		npy_close "out/$c.npy" "exp/$c.npy" "$rt" > err 2>&1 ||
			bad+="$c: treshape ${a[*]}: $(cat err)"$'\n'
	done < tol
	[ -z "$bad" ] || fail "$bad"
	[ "$(wc -l < tol)" -ge 100 ]
}

@test "--reduce: bad requests exit 2, reductions with no value exit 1" {
	tgen zeros 2,6,3 -o x.npy
	tgen zeros 2,0,3 -o z.npy
	py "np.save('c.npy', np.zeros((2, 3), np.complex64))"
	X=$PWD/x.npy Z=$PWD/z.npy C=$PWD/c.npy
	row fails --usage 2 "^treshape: --reduce 'median' is not one of sum, mean, max, min$" "$X" treshape --reduce median 'a b c -> a'
	row fails --usage 2 "--reduce sum takes a pattern, not the shape '36'" "$X" treshape --reduce sum 36
	row fails --usage 2 "--reduce takes a pattern, not --permute" "$X" treshape --reduce sum --permute 1,0,2
	row fails --usage 2 "'d' is only on the right side \(--reduce sum only drops names\)" "$X" treshape --reduce sum 'a b c -> a d'
	row fails --usage 2 "--reduce max needs a name on the left that is not on the right" "$X" treshape --reduce max 'a b c -> c b a'
	row fails 1 "--reduce max of zero elements has no value" "$Z" treshape --reduce max 'a b c -> a c'
	row fails 1 "--reduce min: complex64 has no order" "$C" treshape --reduce min 'a b -> a'
	rows_ok
	run treshape --explain --reduce sum 'b (h w) c -> b c' h=2 x.npy
	[[ ${lines[0]} == "record 0: (2, 6, 3) float64 -> (2, 3) float64: a reduction (the sum of 6 elements each)" ]] || fail "$output"
	[[ $output == *"reduced by --reduce: h w"* ]] || fail "$output"
}

@test "--repeat equals numpy's repeat, tile and broadcast_to, every dtype" {
	gen <<'EOF2'
for dt in DTYPES:
    a = values(dt, (2, 3))
    case(f'{dt}-new-last', a, ['--repeat', 'h w -> h w c', 'c=3'],
         np.broadcast_to(a[:, :, None], (2, 3, 3)))
    case(f'{dt}-upsample', a, ['--repeat', 'h w -> (h 2) (w 2)'],
         np.repeat(np.repeat(a, 2, 0), 2, 1))
    case(f'{dt}-tile', a, ['--repeat', 'h w -> (2 h) w'], np.tile(a, (2, 1)),
         '>')
    case(f'{dt}-batch', a, ['--repeat', 'h w -> b w h', 'b=4'],
         np.broadcast_to(a.T[None], (4, 3, 2)), '<', True)
b = values('f4', (2, 3, 4))
case('ellipsis', b, ['--repeat', '... c -> ... (c r) n', 'r=2', 'n=3'],
     np.broadcast_to(np.repeat(b, 2, -1)[..., None], (2, 3, 8, 3)))
case('size-1', b, ['--repeat', 'a b c -> a b c one', 'one=1'], b[..., None])
case('size-0', b, ['--repeat', 'a b c -> z a b c', 'z=0'], np.zeros((0, 2, 3, 4), 'f4'))
case('scalar', values('i8', ()), ['--repeat', ' -> n', 'n=5'],
     np.broadcast_to(values('i8', ()), (5,)))
EOF2
	run_cases
}

@test "--repeat: bad requests exit 2" {
	tgen zeros 2,3 -o x.npy
	X=$PWD/x.npy
	row fails --usage 2 "new axis 'c' needs its size \(c=N\)" "$X" treshape --repeat 'h w -> h w c'
	row fails --usage 2 "'w' is only on the left side \(--repeat only adds names\)" "$X" treshape --repeat 'h w -> h c' c=2
	row fails --usage 2 "--reduce and --repeat cannot be combined" "$X" treshape --repeat --reduce sum 'h w -> h'
	row fails --usage 2 "--repeat takes a pattern, not the shape '6'" "$X" treshape --repeat 6
	row fails --usage 2 "anonymous axes other than 1 \('2'\) are only for new axes of --repeat" "$X" treshape --repeat '(h 2) w -> h w'
	rows_ok
}

@test "a long pattern or control bytes in a message are cut and escaped: one line" {
	tgen zeros 2,3 -o x.npy
	X=$PWD/x.npy
	long=$(printf 'a%d ' $(seq 0 63))
	row fails --usage 2 "pattern 'a0 a1 .*\.\.\.' has more than 64 names" "$X" treshape --repeat "$long -> ($long) z" z=3
	row fails --usage 2 "unexpected character '\\\\x01'" "$X" treshape $'a\x01 b -> b a'
	row fails --usage 2 "'a\\\\x0ab' is neither a shape" "$X" treshape $'a\nb'
	rows_ok
}

@test "--take equals numpy's take with a scalar index: every dtype, both byte orders, Fortran order, every axis and index" {
	gen <<'EOF'
for dt in DTYPES:
    a = values(dt, (2, 3, 4))
    for order in '<>':
        for f in (False, True):
            t = f"{dt}-{'le' if order == '<' else 'be'}-{'f' if f else 'c'}"
            for ax in range(-3, 3):
                n = a.shape[ax]
                for i in (0, n - 1, -1, -n):
                    case(f'{t}-{ax}-{i}', a, ['--take', f'{ax}={i}'],
                         np.take(a, i, axis=ax), order, f)
EOF
	[ "$(ls in | wc -l)" -eq $((14 * 4 * 6 * 4)) ]
	run_cases
}

@test "property: --take on 60 random shapes of 1-8 axes equals np.take, and the slices stack back to the input" {
	gen <<'EOF'
for k in range(60):
    nd = int(rng.integers(1, 9))
    shape = tuple(int(s) for s in rng.integers(1, 4, nd))
    a = values(['u1', 'i2', 'f4', 'c16'][k % 4], shape)
    ax = int(rng.integers(-nd, nd))
    i = int(rng.integers(-shape[ax], shape[ax]))
    case(f'r{k:02d}', a, ['--take', f'{ax}={i}'], np.take(a, i, axis=ax))
EOF
	run_cases
	# every slice of axis 1, stacked again, is the input
	tgen randn 3,4,5 --seed 3 -o x.npy
	for i in 0 1 2 3; do treshape --take 1=$i x.npy; done > slices.npy
	py "
import os, sys
sys.path.insert(0, os.path.join(os.environ['TPIPE_TOP'], 'test'))
from npystream import records
import numpy as np
x = np.load('x.npy')
s = records('slices.npy')
assert len(s) == 4, len(s)
assert np.array_equal(np.stack(s, axis=1), x)
"
}

@test "--take: each record of a stream is resolved on its own" {
	py "
import numpy as np
with open('s.npy', 'wb') as f, open('want.npy', 'wb') as g:
    for shape in [(2, 3), (4, 5, 6), (7,), (3, 1)]:
        a = np.arange(int(np.prod(shape)), dtype='i4').reshape(shape)
        np.save(f, a)
        np.save(g, np.take(a, -1, axis=0))
"
	treshape --take 0=-1 < s.npy > got.npy
	cmp got.npy want.npy
	# a record whose axis is too short stops the stream there
	run --separate-stderr bash -c "treshape --take 0=3 s.npy > o.npy"
	[ "$status" -eq 1 ]
	[[ $stderr == "treshape: s.npy: record 0: --take '0=3': index 3 is out of bounds for axis 0 with size 2 (shape (2, 3))" ]] || fail "$stderr"
}

@test "--take streams: a 64 MiB record through a pipe in far less memory; --explain names the blocks" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	tgen zeros 4,2048,1024 -t f64 | /usr/bin/time -f %M -o rss treshape --take 1=5 > o.npy
	echo "peak RSS $(cat rss) KB"
	[ "$(tail -n 1 rss)" -lt 32768 ]
	run tinfo o.npy
	[[ $output == *"shape=(4,1024) dtype=float64"* ]] || fail "$output"
	run treshape --take 1=2 --explain "$DATA/treshape/take-first.in.npy"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "record 0: (4, 3, 5) float32 -> (4, 5): a view of slice 2: contiguous blocks of 20 bytes, one in every 60 (the rest is read and dropped)" ]] || fail "$output"
	[[ ${lines[1]} == "  batch axis 0 is kept whole: batch elements are not mixed" ]] || fail "$output"
	run treshape --take -3=1 --explain "$DATA/treshape/take-first.in.npy"
	[[ ${lines[1]} == "  batch axis 0 is taken: one batch element of 4 is kept" ]] || fail "$output"
	run treshape --take 0=1 --explain < /dev/null
	[[ $output == "take slice 1 of axis 0 (numpy take, a scalar index)"* ]] || fail "$output"
}

@test "--take: an index or axis out of range is exit 1 naming them; bad syntax is exit 2" {
	tgen zeros 4,85,3 -o x.npy
	tgen zeros 2,0 -o z.npy
	tgen zeros 1 | treshape '()' > s.npy
	X=$PWD/x.npy Z=$PWD/z.npy S=$PWD/s.npy
	row fails 1 "record 0: --take '1=85': index 85 is out of bounds for axis 1 with size 85 \(shape \(4, 85, 3\)\)$" "$X" treshape --take 1=85
	row fails 1 "--take '-1=-4': index -4 is out of bounds for axis 2 with size 3 \(shape \(4, 85, 3\)\)$" "$X" treshape --take -1=-4
	row fails 1 "--take '1=0': index 0 is out of bounds for axis 1 with size 0 \(shape \(2, 0\)\)$" "$Z" treshape --take 1=0
	row fails 1 "--take '3=0': axis 3 is out of bounds for shape \(4, 85, 3\)$" "$X" treshape --take 3=0
	row fails 1 "--take '-4=0': axis -4 is out of bounds for shape \(4, 85, 3\)$" "$X" treshape --take -4=0
	row fails 1 "--take '0=0': axis 0 is out of bounds for shape \(\)$" "$S" treshape --take 0=0
	for a in 1 =1 1= 1=x x=1 '1=2=3' '1,2' ' 1=2' '1= 2' 1=99999999999999999999; do
		row fails --usage 2 "--take '.*': expected axis=index \(two integers, such as 0=3\)$" "$X" treshape --take "$a"
	done
	row fails --usage 2 "--take is given twice \('0=1', '1=0'\): give one" "$X" treshape --take 0=1 --take 1=0
	row fails --usage 2 "--take and --transpose cannot be combined" "$X" treshape --take 0=1 --transpose
	row fails --usage 2 "--take and the shape '4,3' cannot be combined" "$X" treshape --take 0=1 4,3
	row fails --usage 2 "--take and the pattern 'a b -> b a' cannot be combined" "$X" treshape --take 0=1 'a b -> b a'
	row fails --usage 2 "--reduce takes a pattern, not --take" "$X" treshape --reduce sum --take 0=1
	rows_ok
}

@test "golden: --slice, --pad, --stack, --concat, --unstack, --split and their composition equal numpy" {
	local name args bad='' n=0 g="$DATA/treshape/forms"
	while IFS=$'\t' read -r name args; do
		[[ $name == '#'* ]] && continue
		eval "set -- $args"
		cat "$g/$name.in.npy" | treshape "$@" > "$name.pipe.npy" 2> err ||
			bad+="$name: treshape $args: $(cat err)"$'\n'
		treshape "$@" "$g/$name.in.npy" > "$name.file.npy" 2> err ||
			bad+="$name: treshape $args FILE: $(cat err)"$'\n'
		cmp -s "$name.pipe.npy" "$g/$name.out.npy" ||
			bad+="$name: treshape $args: differs from numpy (pipe)"$'\n'
		cmp -s "$name.file.npy" "$g/$name.out.npy" ||
			bad+="$name: treshape $args: differs from numpy (file)"$'\n'
		n=$((n + 1))
	done < "$g/cases.txt"
	[ -z "$bad" ] || fail "$bad"
	[ "$n" -ge 60 ]
}

@test "property: random slices, pads, stacks and splits equal numpy over shapes, dtypes, byte orders and Fortran order" {
	"$PY" - <<'EOF'
import os, shlex
import numpy as np
rng = np.random.default_rng(21)
os.makedirs('q', exist_ok=True)
DT = ['b1', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', 'f2', 'f4',
      'f8', 'c8', 'c16']
MODES = {'zero': 'constant', 'reflect': 'symmetric', 'mirror': 'reflect',
         'nearest': 'edge', 'wrap': 'wrap'}

def array(shape, dt):
    n = int(np.prod(shape, dtype=np.int64))
    v = rng.permutation(max(n, 1))[:n] + 1
    a = (v % 2 > 0) if dt == 'b1' else v.astype(dt)
    if dt[0] == 'c':
        a = a + 1j * rng.permutation(max(n, 1))[:n]
    return a.astype(dt).reshape(shape)

def bound():
    return '' if rng.random() < 0.3 else str(int(rng.integers(-7, 8)))

def spec(nd):
    items, left = [], nd
    ell = rng.random() < 0.3
    for _ in range(int(rng.integers(0, nd + 2))):
        r = rng.random()
        if r < 0.15:
            items.append('None')
        elif left and r < 0.35:
            items.append(str(int(rng.integers(-1, 1))))
            left -= 1
        elif left:
            s = f'{bound()}:{bound()}'
            if rng.random() < 0.6:
                st = int(rng.choice([-3, -2, -1, 1, 2, 3]))
                s += f':{st}'
            items.append(s)
            left -= 1
    if ell:
        items.insert(int(rng.integers(0, len(items) + 1)), '...')
    return ', '.join(items) or '...'

def save(path, a, order, fortran):
    w = a.astype(a.dtype.newbyteorder(order))
    if fortran:
        w = np.asfortranarray(w)
    with open(path, 'wb') as f:
        np.lib.format.write_array(f, w)

with open('q/list', 'w') as lst:
    for i in range(90):
        nd = int(rng.integers(1, 5))
        shape = tuple(int(v) for v in rng.integers(1, 6, nd))
        dt = DT[i % len(DT)]
        a = array(shape, dt)
        order, fortran = '<>'[i % 2], i % 3 == 0
        save(f'q/{i}.in', a, order, fortran)
        kind = i % 3
        if kind == 0:
            s = spec(nd)
            want = [a[eval(f'np.s_[{s}]')]]
            args = ['--slice', s]
        elif kind == 1:
            ax = int(rng.integers(0, nd))
            b, e = (int(v) for v in rng.integers(-1, 9, 2))
            b, e = max(b, -(shape[ax] // 2)), max(e, -(shape[ax] // 2))
            bd = list(MODES)[int(rng.integers(0, 5))]
            crop = a[(slice(None),) * ax + (slice(max(-b, 0),
                     shape[ax] - max(-e, 0)),)]
            w = [(0, 0)] * nd
            w[ax] = (max(b, 0), max(e, 0))
            if bd == 'wrap':   # numpy >= 1.25: whole periods
                L = crop.shape[ax]
                want = [np.take(crop, range(-w[ax][0], L + w[ax][1]), ax,
                                mode='wrap')]
            else:
                want = [np.pad(crop, w, MODES[bd])]
            args = ['--pad', f'{ax - nd if i % 2 else ax}={b},{e}',
                    '--boundary', bd]
        else:
            ax = int(rng.integers(-nd - 1, nd + 1))
            k = int(rng.integers(1, 4))
            recs = [a.copy()] + [array(shape, dt) for _ in range(2 * k - 1)]
            with open(f'q/{i}.in', 'wb') as f:
                for r in recs:
                    np.lib.format.write_array(f, r.astype(
                        r.dtype.newbyteorder(order)))
            want = [np.stack(recs[j:j + k], ax) for j in (0, k)]
            args = ['--stack', str(k), '--axis', str(ax)]
            sp = int(rng.integers(0, nd))
            args2 = ['--split', f'{sp}={shape[sp]}']
            lst.write(f'{i}r\t{i}\t' + ' '.join(map(shlex.quote, args2))
                      + '\n')
        with open(f'q/{i}.exp', 'wb') as f:
            for w_ in want:
                np.save(f, np.array(w_, order='C'))
        lst.write(f'{i}\t{i}\t' + ' '.join(map(shlex.quote, args)) + '\n')
EOF
	local c i args bad=''
	: > pairs
	while IFS=$'\t' read -r c i args; do
		eval "set -- $args"
		if [[ $c == *r ]]; then
			# --split into single slices then --concat back is the input
			treshape "$@" q/$i.in | treshape --concat "${2#*=}" --axis "${2%=*}" > q/$c.out 2> err ||
				{ bad+="$c: $args: $(cat err)"$'\n'; continue; }
			"$PY" -c "
import numpy as np, sys
sys.path.insert(0, '$TPIPE_TOP/test')
from npystream import records
a = records('q/$i.in'); b = records('q/$c.out')
assert len(b) == len(a) and all(np.array_equal(x, y) for x, y in zip(a, b))
" 2> err || bad+="$c: split then concat is not the input: $(tail -1 err)"$'\n'
			continue
		fi
		treshape "$@" q/$i.in > q/$c.out 2> err || bad+="$c: $args: $(cat err)"$'\n'
		echo "$c q/$c.out q/$i.exp" >> pairs
	done < q/list
	run npy_same pairs
	[ -z "$bad" ] && [ "$status" -eq 0 ] || fail "$bad$output"
	[ "$(wc -l < pairs)" -eq 90 ]
}

@test "--slice, --pad, joins and parts: a spec numpy refuses is exit 2 naming the column; a record that does not fit is exit 1 naming it" {
	"$PY" -c "
import numpy as np
np.save('x.npy', np.zeros((3, 4, 5), 'f4'))
with open('mixed.npy', 'wb') as f:
    for s in [(2, 3), (2, 3), (3, 2)]:
        np.save(f, np.zeros(s, 'f4'))
with open('dtypes.npy', 'wb') as f:
    np.save(f, np.zeros(3, 'f4')); np.save(f, np.zeros(3, 'f8'))
np.save('u1.npy', np.zeros(3, 'u1'))
np.save('e.npy', np.zeros((0, 2), 'f4'))
np.save('s0.npy', np.zeros((), 'f4'))
"
	X=$PWD/x.npy
	row fails --usage 2 "--slice '1:2:0': at column 1: slice step cannot be zero$" "$X" treshape --slice 1:2:0
	row fails --usage 2 "--slice '0, 1.5': at column 4: only integers, slices" "$X" treshape --slice '0, 1.5'
	row fails --usage 2 "--slice '..., 1, ...': at column 9: an index can only have a single ellipsis" "$X" treshape --slice '..., 1, ...'
	row fails --usage 2 "--slice '\[1, 2\]': at column 1: boolean and array indices are advanced indexing" "$X" treshape --slice '[1, 2]'
	row fails --usage 2 "--slice 'True': at column 1: boolean and array" "$X" treshape --slice True
	row fails --usage 2 "--slice '1::2:3': at column 5: a slice has at most two ':'$" "$X" treshape --slice 1::2:3
	row fails --usage 2 "--slice '1,,2': at column 3: expected an integer" "$X" treshape --slice 1,,2
	row fails --usage 2 "--slice '01': at column 1: leading zeros" "$X" treshape --slice 01
	row fails --usage 2 "--slice '1 2': at column 3: expected ',' or the end$" "$X" treshape --slice '1 2'
	row fails --usage 2 "--slice '99999999999999999999': at column 1: cannot fit" "$X" treshape --slice 99999999999999999999
	row fails 1 "x.npy: record 0: --slice '1,2,3,4': too many indices for shape \(3, 4, 5\): it has 3 axes, but 4 were indexed$" /dev/null treshape --slice 1,2,3,4 "$X"
	row fails 1 "record 0: --slice ':, -5': at column 4: index -5 is out of bounds for axis 1 with size 4" "$X" treshape --slice ':, -5'
	for p in 0 0= 0=1, x=1 '0=1;' '0=1,2,3' '0=a'; do
		row fails --usage 2 "--pad '$p': at column [0-9]*: expected AXIS=BEFORE,AFTER" "$X" treshape --pad "$p"
	done
	row fails --usage 2 "--pad '0=1;0=2': axis 0 is given twice$" "$X" treshape --pad '0=1;0=2'
	row fails --usage 2 "--boundary 'edge' is not one of zero, wrap, reflect, mirror, nearest" "$X" treshape --pad 0=1 --boundary edge
	row fails --usage 2 "--value is for --pad" "$X" treshape --value 1
	row fails --usage 2 "--value 1 is the constant of --boundary zero, not of --boundary wrap" "$X" treshape --pad 0=1 --value 1 --boundary wrap
	row fails --usage 2 "--value: 'x' is not a number" "$X" treshape --pad 0=1 --value x
	row fails 1 "record 0: --pad '5=1': axis 5 is out of bounds for shape \(3, 4, 5\)$" "$X" treshape --pad 5=1
	row fails 1 "record 0: --pad '0=-2,-2': crops 2 and 2 of axis 0, which has 3" "$X" treshape --pad 0=-2,-2
	row fails 1 "record 0: --value 300 does not fit uint8" u1.npy treshape --pad 0=1 --value 300
	row fails 1 "record 0: --value -1 does not fit uint8" u1.npy treshape --pad 0=1 --value -1
	row fails 1 "record 0: --pad '0=1': cannot extend the empty axis 0 of shape \(0, 2\) by reflect" e.npy treshape --pad 0=1 --boundary reflect
	row fails --usage 2 "--stack '0': expected a count of records from 1" "$X" treshape --stack 0
	row fails --usage 2 "--concat 'all': expected a count of records from 1" "$X" treshape --concat all
	row fails --usage 2 "--stack and --concat cannot be combined" "$X" treshape --stack 2 --concat 2
	row fails --usage 2 "--split '0=0': the number of pieces must be at least 1" "$X" treshape --split 0=0
	row fails --usage 2 "--split '0': expected AXIS=K" "$X" treshape --split 0
	row fails --usage 2 "--unstack 'a': expected an axis" "$X" treshape --unstack a
	row fails --usage 2 "--unstack and --split cannot be combined" "$X" treshape --unstack 0 --split 0=1
	row fails --usage 2 "--axis is for --stack and --concat" "$X" treshape --axis 1 --unstack 0
	row fails --usage 2 "--slice is given twice" "$X" treshape --slice 1 --slice 2
	row fails --any-stdout 1 "mixed.npy: record 2: its shape \(3, 2\) is not \(2, 3\), the first of its group's" /dev/null treshape --stack all mixed.npy
	row fails --any-stdout 1 "record 1: it is float64, the first of its group float32" dtypes.npy treshape --concat 2
	row fails --any-stdout 1 "<stdin>: the stream ends 1 record into a group of 2 \(--stack 2\)$" mixed.npy treshape --stack 2
	row fails 1 "record 0: --axis 4 is out of bounds for --stack of shape \(3, 4, 5\)" "$X" treshape --stack 1 --axis 4
	row fails 1 "record 0: --concat cannot join records of shape \(\): they have no axis" s0.npy treshape --concat 1
	row fails 1 "record 0: --split 1=3: axis 1 of shape \(3, 4, 5\) has length 4, which 3 pieces do not divide equally" "$X" treshape --split 1=3
	row fails 1 "record 0: --unstack: axis 3 is out of bounds for shape \(3, 4, 5\)" "$X" treshape --unstack 3
	rows_ok
	# the groups before the one that does not fit are delivered
	treshape --stack 2 mixed.npy > part.npy 2> err && fail "exit 0"
	run tinfo part.npy
	[[ $output == *"shape=(2,2,3)"* ]] || fail "$output"
	[ "$(echo "$output" | wc -l)" -eq 1 ] || fail "$output"
}

@test "--slice with steps far wider than the axis (up to 2^63) takes one element as numpy does; --pad --value is quoted in messages" {
	"$PY" -c "
import numpy as np
np.save('x.npy', np.arange(60, dtype='f8').reshape(3, 4, 5))
x = np.load('x.npy')
for i, s in enumerate(['::-9223372036854775807, 1', '::9223372036854775807', '1:, ::-99999999999999999999, 2::9223372036854775806']):
    np.save('want%d.npy' % i, eval('x[%s]' % s))
"
	treshape --slice '::-9223372036854775807, 1' x.npy | cmp - want0.npy
	treshape --slice '::9223372036854775807' x.npy | cmp - want1.npy
	treshape --slice '1:, ::-99999999999999999999, 2::9223372036854775806' x.npy | cmp - want2.npy
	"$PY" -c "import numpy as np; np.save('u.npy', np.zeros(3, 'u1'))"
	row fails 1 "record 0: --value 300 does not fit uint8" "$PWD/u.npy" treshape --pad 0=1 --value 300
	rows_ok
}

@test "--slice streams contiguous runs in constant memory; --explain says streamed or copied, per record and for the request" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	tgen zeros 8,2048,1024 -t f64 | /usr/bin/time -f %M -o rss treshape --slice '2:6, 100:1900' > o.npy
	echo "peak RSS $(cat rss) KB"
	[ "$(tail -n 1 rss)" -lt 32768 ]
	run tinfo o.npy
	[[ $output == *"shape=(4,1800,1024) dtype=float64"* ]] || fail "$output"
	tgen zeros 8,1024,1024 -t f64 | /usr/bin/time -f %M -o rss treshape --split 0=4 > s.npy
	[ "$(tail -n 1 rss)" -lt 32768 ]
	treshape --concat 4 s.npy | tinfo | grep -q "shape=(8,1024,1024)"
	tgen zeros 4,1024,1024 -t f64 | /usr/bin/time -f %M -o rss treshape --stack 1 > /dev/null
	[ "$(tail -n 1 rss)" -gt 32768 ]	# the check can see a record held
	tgen zeros 3,4,5 -o x.npy
	run treshape --slice '1:3' --explain x.npy
	[ "$output" = "record 0: (3, 4, 5) float64 -> (2, 4, 5): slice '1:3': streamed: 1 contiguous run of 320 bytes, the first at byte 160 (the rest is read and dropped)" ] || fail "$output"
	run treshape --slice '..., ::2' --explain x.npy
	[ "$output" = "record 0: (3, 4, 5) float64 -> (3, 4, 3): slice '..., ::2': copied once: 36 runs of 8 bytes (the record is read whole)" ] || fail "$output"
	run treshape --slice '::-1' --explain x.npy
	[[ $output == *"copied once: 3 runs of 160 bytes (the record is read whole)"* ]] || fail "$output"
	run treshape --slice 1 --pad 0=1 --boundary mirror --unstack 0 --stack 2 --explain x.npy
	[ "${lines[0]}" = "record 0:" ] || fail "$output"
	[ "${lines[1]}" = "(3, 4, 5) float64 -> (4, 5): slice '1': copied once: 1 run of 160 bytes (the record is read whole)" ] || fail "$output"
	[[ ${lines[2]} == "(4, 5) float64 -> (6, 5): pad '0=1' with mirror (numpy.pad mode 'reflect'"* ]] || fail "$output"
	[ "${lines[3]}" = "  unstacked: 6 records of shape (5,), each copied from the record read whole" ] || fail "$output"
	[ "${lines[4]}" = "  stacked along axis 0: the group is one record of shape (2, 5) (memory holds that one record)" ] || fail "$output"
	run treshape --slice 1: --pad '0=1,2' --value 3 --split 0=2 --concat 4 --axis 1 --explain < /dev/null
	[[ ${lines[0]} == "slice '1:' (numpy basic indexing a[1:]): contiguous runs stream, other slices are copied once" ]] || fail "$output"
	[[ ${lines[1]} == "pad '0=1,2' with zero (--value 3) (numpy.pad mode 'constant'"* ]] || fail "$output"
	[[ ${lines[2]} == "split axis 0 into 2 equal pieces (numpy.split(a, 2, 0))" ]] || fail "$output"
	[[ ${lines[3]} == "concatenate 4 records along axis 1 (numpy.concatenate): memory holds one output record" ]] || fail "$output"
}
