#!/usr/bin/env bats
# make demo's script runs on a built tree and leaves its outputs.

load helpers

@test "mk/demo.sh runs and leaves the images and streams it names" {
	build=$(basename "$(dirname "$TPIPE_BIN")")
	run env BUILD="$build" "$TPIPE_TOP/mk/demo.sh"
	[ "$status" -eq 0 ] || fail "$output"
	[[ $output == *"roundtrip.png is byte-identical to pattern.png"* ]]
	[[ $output == *"demo outputs are in"* ]]
	d="$TPIPE_TOP/$build/demo"
	for f in pattern.png roundtrip.png blurred.png noise.npy blurred.npy \
	    lstm-input.npy batchfirst.npy grads.npy cube.png sphere.png \
	    soft.png fft.png blurred-viridis.png dx-coolwarm.png grad-W1.png \
	    photo.png template.npy x.npy big.npy volume.npy batch.npy cube.npy \
	    M.npy dLdZ.npy Xs.npy Xs-matlab.npy in/photo.png cube-filled.png \
	    sphere-filled.png terrain.png terrain-buffers.npy; do
		[ -s "$d/$f" ] || fail "no $d/$f"
	done
	# the seed formula's 4x4 result, worked by hand:
	# out[x][y] = a(x, y) + 2 a(x-1, y-1)
	[[ $output == *$'1 2 3 0\n4 7 10 6\n7 16 19 12\n0 14 16 18'* ]]
	# tgrad's seed layer: dL/dX = 45 and 15; every checked gradient good
	[[ $output == *$'# shape (2, 1) float64\n45\n15\n'* ]]
	[ "$(grep -c '^  dL/d.*, good (< 1e-7); 0 relu inputs' <<<"$output")" -eq 5 ]
	# see it: the pictures are RGB, and tinfo --show drew the gradient
	[[ $output == *"blurred-viridis.png:0 shape=(256,256,3) dtype=uint8"* ]]
	[[ $output == *"dx-coolwarm.png:0 shape=(256,256,3) dtype=uint8"* ]]
	[[ $output == *"grad-W1.png:0 shape=(32,16,3) dtype=uint8"* ]]
	[[ $output == *$'\n0 shape=(32,16) dtype=float64 '*$'\n-'*' [ .:-=+*#%@] '*' coolwarm'$'\n'* ]]
	# the diffractogram: in colour, frequency 0 (the rings' mean) in the
	# middle and brightest, the rings' frequency a bright circle around it
	[[ $output == *$'log power)\n'*$'\n0 shape=(256,256,3) dtype=uint8 '* ]]
	"$PY" -c "
import numpy as np
from PIL import Image
s = np.asarray(Image.open('$d/fft.png')).astype(int).sum(axis=2)
assert np.unravel_index(s.argmax(), s.shape) == (128, 128)
r = np.hypot(*np.mgrid[-128:128, -128:128])
ring, far = s[(r > 5) & (r < 9)].mean(), s[(r > 20) & (r < 60)].mean()
assert ring > far + 100, (ring, far)
"
	# the README's inputs: an RGB photo, the template is the rings' crop
	[[ $output == *"photo.png:0 shape=(192,256,3) dtype=uint8"* ]]
	"$PY" -c "
import numpy as np
p = np.load('$d/pattern.npy'); t = np.load('$d/template.npy')
assert t.shape == (16, 16) and t.dtype == np.float32, t.shape
assert (t == p[100:116, 100:116]).all(), 'not the crop'
"
}
