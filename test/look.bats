#!/usr/bin/env bats
# Pictures of any tensor (issue 13): tcat --normalize, --range and --cmap
# against matplotlib's Normalize and colour maps, pixel for pixel
# (test/data/look/make-golden.py made the references), and tinfo --show
# against stored expected bytes.

load helpers

L="$TPIPE_TOP/test/data/look"

# same GOT EXPECTED: the NPY files hold equal arrays of the same dtype.
same() {
	npy_close "$1" "$2" 0 || fail "$1 differs from $2"
}

@test "--normalize, --range and every --cmap equal matplotlib's pixels on a ramp with NaN and Inf" {
	tcat --normalize -O npy "$L/ramp.npy" > n8.npy
	same n8.npy "$L/norm8.npy"
	tcat --normalize --depth 16 -O npy "$L/ramp.npy" > n16.npy
	same n16.npy "$L/norm16.npy"
	tcat --range -1,1 -O npy "$L/ramp.npy" > r8.npy
	same r8.npy "$L/range8.npy"
	for c in gray viridis magma coolwarm; do
		tcat --cmap "$c" -O npy "$L/ramp.npy" > "c-$c.npy"
		same "c-$c.npy" "$L/cmap-$c.npy"
		# the PNG holds the same pixels
		tcat --cmap "$c" -o "c-$c.png" "$L/ramp.npy"
		tcat "c-$c.png" > "back-$c.npy"
		same "back-$c.npy" "$L/cmap-$c.npy"
	done
	# and the references are what the man pages say: NaN magenta or 0,
	# +Inf the top, -Inf the bottom, the gray LUT's truncation (195 twice)
	run py "
g = np.load('$L/cmap-gray.npy'); n = np.load('$L/norm8.npy')
v = np.load('$L/cmap-viridis.npy')
assert list(v[3, 10]) == [255, 0, 255], v[3, 10]
assert list(v[3, 20]) == [253, 231, 36] and list(v[3, 30]) == [68, 1, 84]
assert (n[3, 10], n[3, 20], n[3, 30]) == (0, 255, 0)
assert list(g[3, 3, :1]) == [195] and list(g[3, 4, :1]) == [195]
"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "every one of the 256 entries of each map, at 8 and 16 bits" {
	# x = (i + 0.5) / 256 over --range 0,1 is entry i
	py "np.save('mid.npy', ((np.arange(256) + 0.5) / 256).reshape(1, 256))"
	for c in gray viridis magma coolwarm; do
		tcat --cmap "$c" --range 0,1 -O npy mid.npy > "e8-$c.npy"
		tcat --cmap "$c" --range 0,1 --depth 16 -O npy mid.npy > "e16-$c.npy"
		py "
lut = np.load('$L/lut-$c.npy')
e8, e16 = np.load('e8-$c.npy'), np.load('e16-$c.npy')
assert e8.dtype == np.uint8 and e8.shape == (1, 256, 3), (e8.dtype, e8.shape)
assert e16.dtype == np.uint16 and e16.shape == (1, 256, 3)
assert (e8[0] == (lut * 255).astype(np.uint8)).all(), '$c 8 bits'
assert (e16[0] == (lut * 65535).astype(np.uint16)).all(), '$c 16 bits'
" || fail "$c"
	done
}

@test "matplotlib's bins: int(t * 256), t = 1 is the last entry, under and over clip" {
	# t = k/256 - tiny, k/256, 1, beyond both ends
	py "
t = np.array([[0.0, 1/256 - 1e-12, 1/256, 0.5 - 1e-12, 0.5, 255/256, 1.0, -0.25, 1.5]])
np.save('t.npy', t)"
	tcat --cmap viridis --range 0,1 -O npy t.npy > got.npy
	run py "
import matplotlib
from matplotlib import colors
t = np.load('t.npy')
ref = matplotlib.colormaps['viridis'](colors.Normalize(0, 1)(t), bytes=True)[..., :3]
got = np.load('got.npy')
assert (got == ref).all(), (got, ref)
"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "a constant record is the middle: gray level 128, the map's entry 128" {
	tgen ones 3,4 | tcat --normalize -O npy > lv.npy
	tgen zeros 2,2 | tcat --cmap coolwarm -O npy > cw.npy
	tgen ones 2,2 | tcat --normalize --depth 16 -O npy > lv16.npy
	run py "
import matplotlib
lv, cw, l16 = np.load('lv.npy'), np.load('cw.npy'), np.load('lv16.npy')
assert lv.dtype == np.uint8 and (lv == 128).all(), lv
assert (l16 == 32768).all(), l16
mid = matplotlib.colormaps['coolwarm'](0.5, bytes=True)[:3]
assert (cw == mid).all(), (cw, mid)
"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "coolwarm is centred on 0 when a value is negative, else spans min..max" {
	printf -- '-1 0 3\n' > s.txt
	printf '1 2 3\n' > p.txt
	tcat --shape 1,3 --cmap coolwarm -O npy s.txt > s.npy
	tcat --shape 1,3 --cmap coolwarm -O npy p.txt > p.npy
	run py "
import matplotlib
from matplotlib import colors
cm = matplotlib.colormaps['coolwarm']
s = np.array([[-1., 0, 3]]); p = np.array([[1., 2, 3]])
assert (np.load('s.npy') == cm(colors.Normalize(-3, 3)(s), bytes=True)[..., :3]).all()
assert (np.load('p.npy') == cm(colors.Normalize(1, 3)(p), bytes=True)[..., :3]).all()
"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "an image (H, W, C) is normalised over all its channels; --cmap makes (H, W, 3) from (H, W) or (H, W, 1)" {
	tcat --normalize -O npy "$DATA/pil-rgb8.png" > n.npy
	tgen randn 3,5,1 --seed 3 | tcat --cmap magma -O npy > m.npy
	run py "
import matplotlib
from PIL import Image
a = np.asarray(Image.open('$DATA/pil-rgb8.png')).astype(float)
n = np.load('n.npy')
ref = np.rint((a - a.min()) / (a.max() - a.min()) * 255).astype(np.uint8)
assert n.shape == a.shape and (n == ref).all()
m = np.load('m.npy')
assert m.shape == (3, 5, 3) and m.dtype == np.uint8, m.shape
"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "a record that is not a picture is refused with the treshape command that makes it one, and that command works" {
	tgen randn 2,3,5 -o b.npy
	tgen randn 2,3,5,3 -o bi.npy
	tgen randn 3,5,3 -o rgb.npy
	tgen randn 5 -o v.npy
	tgen zeros 0,4 -o e.npy
	row fails 1 "record 0: shape \(2, 3, 5\) has 3 axes, not 2: pick a slice with treshape --take 0=0, or tile its slices with treshape '\.\.\. h w -> \(\.\.\. h\) w'$" \
	    "$PWD/b.npy" tcat --cmap viridis -O png
	row fails 1 "treshape '\.\.\. h w -> \(\.\.\. h\) w'" "$PWD/b.npy" tcat --normalize -O png
	row fails 1 "shape \(2, 3, 5, 3\) is a batch of images, not one: pick one with treshape --take 0=0, or tile them with treshape '\.\.\. h w c -> \(\.\.\. h\) w c'$" \
	    "$PWD/bi.npy" tcat --normalize -O png
	row fails 1 "shape \(3, 5, 3\) has 3 channels and a colour map draws one: average them with treshape --reduce mean 'h w c -> h w'$" \
	    "$PWD/rgb.npy" tcat --cmap gray -O png
	row fails 1 "shape \(5,\) is not a picture: make it a row with treshape 1,-1$" \
	    "$PWD/v.npy" tcat --normalize
	row fails 1 "shape \(0, 4\) is empty" "$PWD/e.npy" tcat --normalize
	tgen ones 2,2 -t f32 | tcat -t f64 > /dev/null
	py "np.save('z.npy', np.ones((2, 2), np.complex128))"
	row fails 1 "record 0 is complex128: a picture draws real numbers$" \
	    "$PWD/z.npy" tcat --normalize
	rows_ok
	# the commands the messages give make pictures
	treshape '... h w -> (... h) w' b.npy | tcat --cmap viridis -o b.png
	treshape '... h w c -> (... h) w c' bi.npy | tcat --normalize -o bi.png
	treshape --reduce mean 'h w c -> h w' rgb.npy | tcat --cmap gray -o rgb.png
	treshape 1,-1 v.npy | tcat --normalize -o v.png
	treshape --take 0=0 b.npy | tcat --cmap viridis -o b0.png
	treshape --take 0=0 bi.npy | tcat --normalize -o bi0.png
	run tinfo b.png bi.png rgb.png v.png b0.png bi0.png
	[[ ${lines[0]} == *"shape=(6,5,3) dtype=uint8"* ]]
	[[ ${lines[1]} == *"shape=(6,5,3) dtype=uint8"* ]]
	[[ ${lines[2]} == *"shape=(3,5,3) dtype=uint8"* ]]
	[[ ${lines[3]} == *"shape=(1,5) dtype=uint8"* ]]
	[[ ${lines[4]} == *"shape=(3,5,3) dtype=uint8"* ]]
	[[ ${lines[5]} == *"shape=(3,5,3) dtype=uint8"* ]]
}

@test "bad picture options are usage errors" {
	local n=/dev/null
	row fails --usage 2 "^tcat: --cmap 'jet' is not one of gray, viridis, magma, coolwarm$" $n tcat --cmap jet
	row fails --usage 2 "--range takes lo,hi with lo < hi, both finite: '1,1'$" $n tcat --range 1,1
	row fails --usage 2 "--range takes lo,hi with lo < hi, both finite: '2,1'$" $n tcat --range 2,1
	row fails --usage 2 "--range takes lo,hi with lo < hi, both finite: '1'$" $n tcat --range 1
	row fails --usage 2 "--range takes lo,hi with lo < hi, both finite: '0,inf'$" $n tcat --range 0,inf
	row fails --usage 2 "-t does not go with a picture" $n tcat --normalize -t f32
	row fails --usage 2 "^tinfo: --cmap 'x' is not one of gray, viridis, magma, coolwarm$" $n tinfo --cmap x
	row fails --usage 2 "^tinfo: --color 'yes' is not one of auto, always, never$" $n tinfo --color yes
	row fails --usage 2 "--json does not go with --show" $n tinfo --json --show
	row fails --usage 2 "--width" $n tinfo --width 0
	rows_ok
	run tcat --help
	[[ $output == *"[--cmap gray|viridis|magma|coolwarm]"* ]]
	run tinfo --help
	[[ $output == *"[--cmap gray|viridis|magma|coolwarm]"* ]]
	[[ $output == *"[--color auto|always|never]"* ]]
}

@test "tinfo --show: a 4x4 tensor byte for byte, in colour and plain; scaled down to --width" {
	tinfo --show --color always "$L/show-4x4.npy" > got.ans
	cmp got.ans "$L/show-4x4.ans"
	tinfo --show "$L/show-4x4.npy" > got.txt		# a file: plain
	cmp got.txt "$L/show-4x4.txt"
	tinfo --show --color never "$L/show-4x4.npy" | cmp - "$L/show-4x4.txt"
	tinfo --show -o o.txt "$L/show-4x4.npy"
	cmp o.txt "$L/show-4x4.txt"
	! grep -q $'\033' got.txt
	tinfo --show --color always --width 4 "$L/show-4x8-w4.npy" | cmp - "$L/show-4x8-w4.ans"
	COLUMNS=4 tinfo --show "$L/show-4x8-w4.npy" | cmp - "$L/show-4x8-w4.txt"
	# --cmap and --width alone draw too
	tinfo --width 80 "$L/show-4x4.npy" | cmp - "$L/show-4x4.txt"
}

@test "tinfo --show on a terminal is in colour; what it cannot draw it says, with the statistics" {
	command -v script > /dev/null || skip "script(1) is missing"
	run script -qec "tinfo --show --width 80 '$L/show-4x4.npy'" /dev/null
	[ "$status" -eq 0 ]
	[[ $output == *$'\033[38;2;68;1;84m\033[48;2;56;86;139m\xe2\x96\x80'* ]] || fail "$output"
	tgen randn 2,3,5 | tinfo --show > out.txt
	[ "$(wc -l < out.txt)" -eq 2 ]
	grep -q "^0 shape=(2,3,5) dtype=float64 " out.txt
	grep -qx "not drawn: shape (2, 3, 5) has 3 axes, not 2: pick a slice with treshape --take 0=0, or tile its slices with treshape '... h w -> (... h) w'" out.txt
}

@test "tinfo --show draws an image as it is: RGB in colour, gray through the gray map" {
	py "np.save('rgb.npy', np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [10, 20, 30]]], np.uint8))"
	run tinfo --show --color always rgb.npy
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = $'\033[38;2;255;0;0m\033[48;2;0;0;255m\xe2\x96\x80\033[38;2;0;255;0m\033[48;2;10;20;30m\xe2\x96\x80\033[0m' ] || fail "${lines[1]}"
	[ "${lines[2]}" = "0 .. 255 rgb" ]
	py "np.save('g.npy', np.array([[0, 255]], np.uint8))"
	run tinfo --show g.npy
	[ "${lines[1]}" = " @" ]
	[ "${lines[2]}" = "0 [ .:-=+*#%@] 255 gray" ]
}

# on_screen COLS FILE: "ROWS WIDEST" for the text of FILE on a terminal
# COLS wide, its colour escapes left out: the rows its lines take as the
# terminal wraps them, and the widest line but the first (the record's).
on_screen() {
	"$PY" - "$@" <<'PYEOF'
import re, sys
cols = int(sys.argv[1])
lines = open(sys.argv[2], encoding='utf-8').read().split('\n')[:-1]
lines = [re.sub('\x1b\\[[0-9;]*m', '', l) for l in lines]
rows = sum(max(1, -(-len(l) // cols)) for l in lines)
print(rows, max(len(l) for l in lines[1:]))
PYEOF
}

@test "tinfo --show fits the screen, width and height: a (2000, 20) record in 80x24, in \$COLUMNS x \$LINES, in --width x --height" {
	py "np.save('tall.npy', np.outer(np.arange(2000.0), np.ones(20)))"
	# no terminal, no $COLUMNS or $LINES: 80x24, filled (the record's
	# line wraps to 2 rows), in colour and plain
	env -u LINES -u COLUMNS tinfo --show tall.npy > plain.txt
	[ "$(on_screen 80 plain.txt)" = "24 27" ] || fail "$(on_screen 80 plain.txt): $(cat plain.txt)"
	env -u LINES -u COLUMNS tinfo --show --color always tall.npy > color.txt
	[ "$(on_screen 80 color.txt)" = "24 47" ] || fail "$(on_screen 80 color.txt)"
	# 21 lines of one column (42 rows, 20 * 42 / 2000 columns), darker
	# at the top, where the values are smaller; then the scale bar
	[ "$(sed -n 2p plain.txt)" = " " ] && [ "$(sed -n 22p plain.txt)" = "@" ]
	[ "$(tail -1 plain.txt)" = "0 [ .:-=+*#%@] 1999 viridis" ]
	# $LINES and $COLUMNS; in colour the bar's cells shrink to fit (30
	# columns less '0 ' and ' 1999 viridis': 15)
	LINES=12 COLUMNS=30 tinfo --show tall.npy > small.txt
	[ "$(on_screen 30 small.txt)" = "12 27" ] || fail "$(on_screen 30 small.txt)"
	LINES=12 COLUMNS=30 tinfo --show --color always tall.npy > small.txt
	[ "$(on_screen 30 small.txt)" = "12 30" ] || fail "$(on_screen 30 small.txt)"
	[ "$(tail -1 small.txt | grep -o $'\033\\[48;' | wc -l)" -eq 15 ]
	# --width and --height, over $COLUMNS and $LINES: 3 lines, 6 rows,
	# 20 * 6 / 2000 columns (at least one)
	LINES=12 COLUMNS=30 tinfo --show --width 5 --height 3 tall.npy > opt.txt
	[ "$(wc -l < opt.txt)" -eq 5 ]
	[ "$(sed -n 2,4p opt.txt | tr -d '\n')" = ".=%" ]
	[ "$(tail -1 opt.txt)" = "0 [ ." ]
}

@test "tinfo --show on a terminal takes its rows and columns (before \$LINES and \$COLUMNS)" {
	py "np.save('tall.npy', np.outer(np.arange(2000.0), np.ones(20)))"
	LINES=50 COLUMNS=200 "$PY" "$TPIPE_TOP/test/ptyrun.py" --stdout \
	    --rows 12 --cols 30 raw screen tinfo --show --color never tall.npy
	# the record's line on 4 rows, 7 lines of picture, the bar: 12 rows
	[ "$(wc -l < screen)" -eq 12 ] || fail "$(cat screen)"
	[ "$(sed -n 12p screen)" = "0 [ .:-=+*#%@] 1999 viridis" ]
	[ "$(awk 'length > 30' screen)" = "" ]
}

@test "tinfo --show scaled down to --height: a 12x6 tensor in 2 lines, byte for byte" {
	tinfo --show --height 2 --color always "$L/show-12x6-h2.npy" | cmp - "$L/show-12x6-h2.ans"
	tinfo --show --height 2 "$L/show-12x6-h2.npy" | cmp - "$L/show-12x6-h2.txt"
	LINES=5 tinfo --show "$L/show-12x6-h2.npy" | cmp - "$L/show-12x6-h2.txt"
	# a colour bar's cells shrink to leave room for the values and the
	# name: 40 columns less '-0.999999 ' and ' 1 viridis' are 20 cells
	COLUMNS=40 tinfo --show --color always "$L/show-12x6-h2.npy" > bar.txt
	[ "$(tail -1 bar.txt | grep -o $'\033\\[48;' | wc -l)" -eq 20 ]
	[ "$(on_screen 40 bar.txt | cut -d' ' -f2)" -eq 40 ]
}

@test "tinfo --show draws a complex record as its magnitudes, NaN where a part is NaN" {
	py "
rng = np.random.default_rng(3)
z = rng.standard_normal((6, 7)) + 1j * rng.standard_normal((6, 7))
z[1, 2] = complex(np.nan, 1)
z[4, 5] = complex(2, np.inf)
z = z.astype(np.complex64)
a = np.abs(z.astype(np.complex128))
a[1, 2] = np.nan
np.save('z.npy', z)
np.save('a.npy', a)"
	tinfo --show --color always z.npy | tail -n +2 > z.txt
	tinfo --show --color always a.npy | tail -n +2 > a.txt
	[ "$(wc -l < z.txt)" -eq 4 ]
	cmp z.txt a.txt
}

@test "each record of a stream is normalised over its own range; --range is one for all" {
	{ echo 0 1 2 | tcat --shape 1,3; echo 10 20 40 | tcat --shape 1,3; } > s.npy
	tcat --normalize -O txt s.npy > own.txt
	tcat --range 0,40 -O txt s.npy > one.txt
	[ "$(cat own.txt)" = $'# shape (1, 3) uint8\n0 128 255\n# shape (1, 3) uint8\n0 85 255' ]
	[ "$(cat one.txt)" = $'# shape (1, 3) uint8\n0 6 13\n# shape (1, 3) uint8\n64 128 255' ]
}

@test "tinfo --show prints the same statistics line as tinfo, over many blocks" {
	tgen randn 3,150,150 --seed 5 | treshape '... h w -> (... h) w' > big.npy
	tinfo big.npy > plain.txt
	tinfo --show --width 40 --height 60 big.npy > shown.txt
	[ "$(head -1 shown.txt)" = "$(cat plain.txt)" ]
	# 450 x 150 scaled to 40 columns: 120 rows, 60 lines, then the bar
	[ "$(wc -l < shown.txt)" -eq 62 ]
	[ "$(sed -n 2p shown.txt | wc -c)" -eq 41 ]
}
