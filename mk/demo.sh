#!/bin/sh
# mk/demo.sh - run tpipe's main jobs on a built-in example and say where
# the results are; they are also the inputs every command of README.md
# names (test/readme.bats runs them there).  Each tool adds its step here.
# DEMO_DIR puts the results elsewhere than $BUILD/demo (it is emptied).
set -eu
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/$BUILD/bin:$PATH"
out=${DEMO_DIR:-"$top/$BUILD/demo"}
rm -rf "$out"
mkdir -p "$out"
cd "$out"

echo "== a test image: 256x256 rings, made as text, stored as PNG"
awk 'BEGIN { for (y = 0; y < 256; y++) { for (x = 0; x < 256; x++)
	printf "%.3f ", 127.5 + 127.5 * sin(sqrt((x-128)^2 + (y-128)^2) / 6)
	print "" } }' > pattern.txt
tcat pattern.txt -O png -o pattern.png
tinfo pattern.png

echo "== through the stream: PNG -> NPY (float32) -> PNG again"
tcat -t f32 pattern.png -o pattern.npy
tcat pattern.npy -o roundtrip.png
cmp pattern.png roundtrip.png && echo "roundtrip.png is byte-identical to pattern.png"

echo "== a stream of three random records, described"
tgen randn 8,256 --seed 1 -n 3 -o noise.npy
tinfo noise.npy

echo "== tconv: blur the rings with a 15x15 Gaussian (same size, reflected edges)"
tgen gaussian 15,15 -s 3 -o gauss.npy
tconv -k gauss.npy --mode same --boundary reflect pattern.png -o blurred.npy
tcat blurred.npy -o blurred.png
tinfo blurred.npy

echo "== tconv: c(x,y) = sum_i sum_j a(x-i, y+j) b(i,j) is --op conv,corr"
printf '1 2 3\n4 5 6\n7 8 9\n' > a.txt
printf '0 1\n2 0\n' > b.txt
tconv -k b.txt --op conv,corr --mode full a.txt -O txt

echo "== treshape: an 8-word sentence (8x256) as LSTM input (seq_len, batch, input_size)"
tgen randn 8,256 --seed 1 -o sentence.npy
treshape --explain 8,1,256 sentence.npy
treshape 8,1,256 sentence.npy -o lstm-input.npy
tinfo lstm-input.npy

echo "== tmath: an SGD step with an L2 term, float32 kept by NumPy's rules"
tgen randn 8,256 --seed 2 -t f32 -o grad.npy
tmath --explain 'x - 0.1 * (g + 1e-4 * x)' g=grad.npy sentence.npy
tmath -t f32 'x - 0.1 * (g + 1e-4 * x)' g=grad.npy sentence.npy | tinfo

echo "== treshape: a reshape is not a transpose (rows of 2 numbers vs the axes swapped)"
printf '1 2 3\n4 5 6\n' > a23.txt
treshape 3,2 -O txt a23.txt
treshape --permute 1,0 -O txt a23.txt

echo "== treshape: MATLAB's batch-last (N, N, 1, b) to batch-first, and an einops pattern"
tgen rand 5,5,1,4 --seed 2 -o batchlast.npy
treshape 'n m 1 b -> b n m 1' batchlast.npy -o batchfirst.npy
tinfo batchfirst.npy
treshape 'h (w w2) -> w2 h w' w2=2 pattern.png | tinfo    # even and odd columns apart
echo "== tgrad: a layer that scales a constant 3x3 M by one number per sample:"
echo "   dL/dX[b] = sum_ij dL/dZ[b,i,j] M[i,j] (45 for dL/dZ = ones, 15 for the identity)"
printf '1 2 3\n4 5 6\n7 8 9\n' > M.txt
printf '1 1 1\n1 1 1\n1 1 1\n\n1 0 0\n0 1 0\n0 0 1\n' > dLdZ.txt
printf '2\n-1\n' | tgrad scale:M.txt -g dLdZ.txt --wrt X -O txt

echo "== tgrad: a two-layer net (affine, relu, affine, softmax loss), every gradient checked"
tgen randn 32,16 --seed 2 -o W1.npy
tgen zeros 16 -o b1.npy
tgen randn 16,4 --seed 3 -o W2.npy
tgen zeros 4 -o b2.npy
echo 0 3 1 2 2 0 1 3 > labels.txt
tgen randn 8,32 --seed 4 -o X.npy
tgrad --check affine:W1.npy,b1.npy relu affine:W2.npy,b2.npy softmax-xent:labels.txt < X.npy
echo "== tgrad --explain: why the softmax loss hands back softmax - onehot, not 1"
tgrad --explain affine:W1.npy,b1.npy relu affine:W2.npy,b2.npy softmax-xent:labels.txt < X.npy |
	sed -n '/^  dL\/dL = 1/,/receives/p'
tgrad affine:W1.npy,b1.npy relu affine:W2.npy,b2.npy softmax-xent:labels.txt < X.npy -o grads.npy
tinfo grads.npy
echo "== tproject: how OpenGL gets a 3-D point to the screen (every matrix is 4x4)"
cam="--perspective 60,1.3333333333333333,0.1,100 --lookat 3,4,5,0,0,0,0,1,0"
printf '%s\n' '-1 -1 -1' '-1 -1 1' '-1 1 -1' '-1 1 1' \
	'1 -1 -1' '1 -1 1' '1 1 -1' '1 1 1' > cube.txt
printf '%s\n' '0 1' '0 2' '0 4' '1 3' '1 5' '2 3' '2 6' '3 7' \
	'4 5' '4 6' '5 7' '6 7' > edges.txt
# shellcheck disable=SC2086 # cam is a word list on purpose
tproject $cam --viewport 0,0,640,480 --print-matrix cube.txt

echo "== tproject: a wireframe cube and a sphere of 2000 points, rendered to PNG"
# shellcheck disable=SC2086
tproject $cam --render 640x480 --edges edges.txt -O png cube.txt -o cube.png
awk 'BEGIN { n = 2000; g = 3.14159265358979 * (3 - sqrt(5))
	for (i = 0; i < n; i++) { y = 1 - 2 * (i + 0.5) / n; r = sqrt(1 - y * y)
		printf "%.6f %.6f %.6f\n", 1.5 * r * cos(g * i), 1.5 * y, 1.5 * r * sin(g * i) } }' > sphere.txt
# shellcheck disable=SC2086
tproject $cam --render 640x480 -O png sphere.txt -o sphere.png
tinfo cube.png sphere.png

echo "== tproject --mesh: filled triangles as OpenGL draws them (OBJ in, lambert shade)"
# a cube of 6 quads (counter-clockwise seen from outside), a sphere of
# 64 x 32 quads with its normals, and a terrain of 100352 triangles
awk 'BEGIN { for (i = 0; i < 8; i++) printf "v %d %d %d\n", (i >= 4 ? 1 : -1), (i % 4 >= 2 ? 1 : -1), (i % 2 ? 1 : -1)
	print "f 1 2 4 3\nf 5 7 8 6\nf 1 5 6 2\nf 3 4 8 7\nf 1 3 7 5\nf 2 6 8 4" }' > cube.obj
awk 'BEGIN { pi = 3.14159265358979; n = 64; m = 32
	for (j = 0; j <= m; j++) for (i = 0; i <= n; i++) {
		t = pi * j / m; p = 2 * pi * i / n
		x = sin(t) * cos(p); y = cos(t); z = -sin(t) * sin(p)
		printf "v %.6f %.6f %.6f\nvn %.6f %.6f %.6f\n", 1.5 * x, 1.5 * y, 1.5 * z, x, y, z }
	for (j = 0; j < m; j++) for (i = 0; i < n; i++) {
		a = j * (n + 1) + i + 1; b = a + n + 1
		printf "f %d//%d %d//%d %d//%d %d//%d\n", a, a, b, b, b + 1, b + 1, a + 1, a + 1 } }' > sphere.obj
awk 'BEGIN { n = 224
	for (j = 0; j <= n; j++) for (i = 0; i <= n; i++) {
		x = 4 * i / n - 2; z = 4 * j / n - 2
		printf "v %.5f %.5f %.5f\n", x, 0.3 * sin(3 * x) * cos(2 * z) - 0.5, z }
	for (j = 0; j < n; j++) for (i = 0; i < n; i++) {
		a = j * (n + 1) + i + 1; b = a + n + 1
		printf "f %d %d %d\nf %d %d %d\n", a, b, b + 1, a, b + 1, a + 1 } }' > terrain.obj
# shellcheck disable=SC2086
tproject $cam --mesh --render 640x480 --cull back --shade lambert --colour 230,160,60 -O png cube.obj -o cube-filled.png
# shellcheck disable=SC2086
tproject $cam --mesh --render 640x480 --cull back --shade lambert -O png sphere.obj -o sphere-filled.png
# shellcheck disable=SC2086
tproject $cam --mesh --render 640x480 --shade lambert --colour 120,200,120 -O png terrain.obj -o terrain.png
# shellcheck disable=SC2086
tproject $cam --mesh --render 640x480 --buffers id,depth terrain.obj -o terrain-buffers.npy
tinfo cube-filled.png sphere-filled.png terrain.png terrain-buffers.npy
echo "== tblur: the rings blurred with sigma 3 (exact Gaussian, reflected edges), as PNG"
tblur -s 3 --verbose pattern.png -o soft.png
tinfo soft.png

echo "== tfft: the rings' diffractogram (Hann window, frequency 0 in the middle, log power)"
tcat pattern.png | tfft --window hann --shift --out logpower | tcat --cmap magma -o fft.png
tinfo fft.png

echo "== see it: the convolution and a gradient as pictures (tcat --cmap, tinfo --show)"
tcat --cmap viridis blurred.npy -o blurred-viridis.png
printf -- '-1 0 1\n' > dx.txt		# d/dx: signed, so coolwarm centres it on 0
tconv -k dx.txt --corr --mode same --boundary reflect pattern.png -o dx.npy
tcat --cmap coolwarm dx.npy -o dx-coolwarm.png
tgrad --wrt W1 affine:W1.npy,b1.npy relu affine:W2.npy,b2.npy softmax-xent:labels.txt < X.npy |
	tcat --cmap coolwarm -o grad-W1.png
tgrad --wrt W1 affine:W1.npy,b1.npy relu affine:W2.npy,b2.npy softmax-xent:labels.txt < X.npy |
	tinfo --show --cmap coolwarm
tinfo blurred-viridis.png dx-coolwarm.png grad-W1.png

echo "== the README's inputs: a photo, a template cut from the rings, streams, a volume"
awk 'BEGIN { H = 192; W = 256		# an RGB "photo": sky, grass, the sun, a ball
	for (y = 0; y < H; y++) for (x = 0; x < W; x++) {
		r = 90 + 60 * y / H; g = 150 + 50 * y / H; b = 240 - 40 * y / H
		if (y > 128) { r = 70 + 25 * sin(x / 7); g = 140 + 40 * sin(x / 11 + y / 5); b = 60 }
		if (sqrt((x - 200) ^ 2 + (y - 45) ^ 2) < 22) { r = 255; g = 225; b = 110 }
		d = sqrt((x - 90) ^ 2 + (y - 140) ^ 2)
		if (d < 30) { s = 1 - d / 45; r = 230 * s + 20; g = 40 * s; b = 30 * s }
		printf "%.1f %.1f %.1f\n", r, g, b } }' | tcat --shape 192,256,3 -o photo.png
tcat -O txt pattern.png |	# after its shape line, rows and columns 100..115
	awk 'NR > 101 && NR <= 117 { for (i = 101; i <= 116; i++) printf "%s ", $i; print "" }' |
	tcat -t f32 -o template.npy
tgen randn 8,256 --seed 1 -n 3 -o x.npy
tgen randn 512,512 --seed 7 -o big.npy
tgen rand 16,64,64 --seed 5 -o volume.npy	# (Z, Y, X)
tgen rand 4,64,64 --seed 6 -o batch.npy		# (B, H, W)
tcat cube.txt -o cube.npy
tcat M.txt -o M.npy
tcat dLdZ.txt -o dLdZ.npy
printf '2\n-1\n' | tcat -o Xs.npy			# one number per sample: (2, 1)
echo 2 -1 | tcat --shape 1,1,1,2 -o Xs-matlab.npy	# the same, batch last as MATLAB has it
mkdir -p in
cp pattern.png photo.png cube.png sphere.png in/	# a directory of images for parallel
tinfo photo.png template.npy x.npy big.npy volume.npy batch.npy cube.npy Xs-matlab.npy

echo
echo "demo outputs are in $out:"
ls -l "$out"
