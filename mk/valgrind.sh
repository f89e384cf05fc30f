#!/bin/sh
# mk/valgrind.sh - make valgrind: each of the eight tools under valgrind
# memcheck on a few valid inputs and a few bad ones (test/data's golden
# inputs), built without sanitizers in $BUILD.  A case passes when the
# tool exits with the status it should (0, 1 or 2) and valgrind reports
# no error: no invalid read or write, no use of uninitialised memory, no
# definitely lost block (--errors-for-leak-kinds=definite; blocks still
# reachable at an error exit are the tools' design, see STYLE).  Ends
# with "valgrind: N passed, N failed".
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/$BUILD/bin
D=$top/test/data
VG_EXIT=99
if ! command -v valgrind > /dev/null; then
	echo "valgrind: not installed (Debian package valgrind)"
	exit 1
fi
if nm "$bin/tcat" 2>/dev/null | grep -q __asan_init; then
	echo "valgrind: $BUILD is a sanitizer build; use a plain one (make valgrind)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# one thread everywhere: valgrind serialises threads anyway
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 XDG_CACHE_HOME=$tmp/cache
pass=0
failn=0

# vg STATUS INPUT TOOL ARG...: run TOOL ARG... < INPUT under memcheck;
# it must exit with STATUS and valgrind find nothing.
vg() {
	want=$1 in=$2 tool=$3
	shift 3
	log=$tmp/vg.log
	# possibly lost: FFTW's and OpenBLAS's worker threads are alive at
	# exit, their stacks' TLS is not a leak
	valgrind -q --tool=memcheck --leak-check=full \
	    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
	    --error-exitcode=$VG_EXIT \
	    --log-file="$log" "$bin/$tool" "$@" < "$in" > out 2> err
	st=$?
	if [ "$st" -eq "$want" ] && [ ! -s "$log" ]; then
		pass=$((pass + 1))
		echo "ok - $tool $* < $(basename "$in") (exit $st)"
	else
		failn=$((failn + 1))
		echo "not ok - $tool $* < $(basename "$in"): exit $st, expected $want"
		sed 's/^/#   /' "$log" | head -n 30
		sed 's/^/#   stderr: /' err | head -n 3
	fi
}

# inputs: golden files, and broken ones cut or changed from them
X=$D/tgen-randn-3x5.npy
head -c 100 "$X" > cut.npy
printf '\223NUMPY\001\000\010\000{bad}   \n' > badhdr.npy
head -c 60 "$D/pil-rgb8.png" > cut.png
printf '1 2 3\n4 5\n' > ragged.txt
printf '1 2 3\n4 5 6\n' > m23.txt
printf '1 2\n4 5\n' > m22.txt
E=/dev/null

vg 0 "$X" tcat
vg 0 "$D/pil-rgba8.png" tcat -O txt
vg 0 m23.txt tcat -t f32
vg 0 "$D/pil-palette-trns.png" tcat -O png
vg 1 cut.npy tcat
vg 1 cut.png tcat
vg 1 ragged.txt tcat
vg 2 "$X" tcat --shape 2,-1,-1

vg 0 "$X" tinfo
vg 0 "$D/tgen-randn-4x5-n3.npy" tinfo --json
vg 1 badhdr.npy tinfo
vg 2 "$X" tinfo --bogus

vg 0 $E tgen randn 8,256 --seed 1
vg 0 $E tgen gaussian 9,6 -s 2,1
vg 0 $E tgen range 0,1,0.1 -O txt
vg 2 $E tgen randn 0x10
vg 2 $E tgen nosuch 3

T=$D/tconv/2d-f64-odd-same-conv
[ -f "$T.in.npy" ] || T=$(ls "$D"/tconv/*.in.npy | head -n 1 | sed 's/\.in\.npy$//')
vg 0 "$T.in.npy" tconv -k "$T.k.npy"
vg 0 "$T.in.npy" tconv -k "$T.k.npy" --method direct --boundary wrap
vg 1 cut.npy tconv -k "$T.k.npy"
vg 1 "$T.in.npy" tconv -k cut.npy
vg 2 "$T.in.npy" tconv -k "$T.k.npy" --mode bogus

vg 0 "$D/tblur/in-f64.npy" tblur -s 1.5
vg 0 "$D/tblur/rgb.npy" tblur -s 2 --method fir
vg 0 "$D/pil-rgb8.png" tblur -s 1,2 --boundary wrap
vg 1 cut.npy tblur -s 1
vg 2 "$D/tblur/in-f64.npy" tblur -s -1

vg 0 "$D/tblur/in-f64.npy" tfft --window hann --shift --out logpower
vg 0 "$D/tblur/in-f64.npy" tfft --transform rfftn -s 40 --norm ortho
vg 0 "$D/tblur/in-f64.npy" tfft --transform dctn --type 1 --axes -1
vg 1 cut.npy tfft
vg 2 "$D/tblur/in-f64.npy" tfft -s 0

vg 0 "$D/tgen-randn-8x256.npy" treshape 8,1,256
vg 0 "$D/tgen-randn-8x256.npy" treshape 'b (h w) -> b w h' h=16
vg 0 "$D/tgen-randn-4x5-n3.npy" treshape --reduce mean 'a b -> b'
vg 1 "$X" treshape 4,4
vg 1 cut.npy treshape 5,3
vg 2 "$X" treshape 'a b -> a c'

vg 0 "$D/tgen-randn-8x256.npy" tmath 'where(x > 0, log1p(x), 0) * 2'
vg 0 "$D/tgen-randn-4x5-n3.npy" tmath 'x - y + 1j' y="$D/tgen-randn-4x5-n3.npy"
vg 1 cut.npy tmath 'x + 1'
vg 2 "$X" tmath 'x +'

vg 0 "$D/tproject/cube.npy" tproject --perspective 60,1.33,0.1,100 \
    --translate 0,0,-5 --viewport 0,0,640,480
vg 0 "$D/tproject/cube.npy" tproject --ortho -2,2,-2,2,-10,10 \
    --render 64x48 --edges "$D/tproject/cube-edges.npy"
vg 1 m22.txt tproject --perspective 60,1,0.1,100
vg 2 "$D/tproject/cube.npy" tproject --perspective 60,1,0.1

G=$D/tgrad/affine-f64
vg 0 "$G.x.npy" tgrad -g "$G.g.npy" affine:"$G.W1.npy","$G.b1.npy"
vg 0 "$G.x.npy" tgrad --check affine:"$G.W1.npy","$G.b1.npy" tanh sum
vg 1 cut.npy tgrad relu sum
vg 2 "$G.x.npy" tgrad nosuchlayer

echo "valgrind: $pass passed, $failn failed"
[ "$failn" -eq 0 ]
