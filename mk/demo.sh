#!/bin/sh
# mk/demo.sh - run tpipe's main jobs on a built-in example and say where
# the results are.  Each tool adds its step here.
set -eu
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/$BUILD/bin:$PATH"
out="$top/$BUILD/demo"
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

echo "== tblur: the rings blurred with sigma 3 (exact Gaussian, reflected edges), as PNG"
tblur -s 3 --verbose pattern.png -o soft.png
tinfo soft.png

echo
echo "demo outputs are in $out:"
ls -l "$out"
