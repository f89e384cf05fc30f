#!/bin/sh
# bench/tfft.sh - tfft against numpy.fft and scipy.fft (workers=-1), whole
# process against whole process: each side loads an NPY file, transforms
# it and saves an NPY file.  Then tfft's compute time (--verbose) against
# FFTW's own execute time for the same plan (bench/fft-exec.c).
#
#   bench/tfft.sh            all cases
#   bench/tfft.sh a c        only cases a and c
#
# Cases (random normal float64 data, as numpy computes in double):
#   a   4096² real, rfftn (tfft --transform rfftn)
#   b   4096² complex128, fftn
#   c   a batch of 1024 1-D transforms of 1024 complex128 points, fft
#       along the last axis (tfft --transform fft)
#   d   256³ real volume, rfftn
#
# Every time is the best of $REPS (3) wall-clock runs after one untimed
# run (file cache).  The ratio columns are numpy / tfft and scipy / tfft
# (above 1: tfft is faster).  The last columns are tfft's compute time
# (its --verbose line, which includes planning and the norm), FFTW's
# execute of the same plan (best of 5) and their ratio.
#
# Environment: TFFT (default build/bin/tfft), PYTHON (/usr/bin/python3),
# REPS (3), TFFT_ARGS (extra tfft arguments, e.g. "-j 1"), CC (cc).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TFFT=${TFFT:-$top/build/bin/tfft}
TFFT_ARGS=${TFFT_ARGS:-}
CC=${CC:-cc}
need_tool "$TFFT" tfft TFFT
need_python "numpy, scipy.fft" "numpy and scipy"
bench_tmpdir tfft
lib=$(dirname "$(dirname "$TFFT")")/libtpipe.a
if ! "$CC" -O2 -D_GNU_SOURCE -I"$top/lib" "$top/bench/fft-exec.c" "$lib" \
    -lfftw3_threads -lfftw3f_threads -lfftw3 -lfftw3f -lopenblas -lpng \
    -lz -lm -lpthread -o "$tmp/fft-exec"; then
	echo "$me: cannot build bench/fft-exec.c" >&2
	exit 1
fi
threads=$(nproc)

# make_case NAME SHAPE COMPLEX: write $tmp/NAME.npy
make_case() {
	"$PYTHON" -c "
import numpy as np
r = np.random.default_rng(1)
x = r.standard_normal(($2))
if $3:
    x = x + 1j * r.standard_normal(($2))
np.save('$tmp/$1.npy', x)
"
}

# py_run NAME LIB FUNC: one whole numpy or scipy process
py_run() {
	"$PYTHON" -c "
import numpy as np, scipy.fft
x = np.load('$tmp/$1.npy')
y = $2.$3(x$([ "$2" = scipy.fft ] && echo ', workers=-1'))
np.save('$tmp/$1.${2%%.*}.npy', y)
"
}

# tfft_run NAME ARGS...: one whole tfft process
tfft_run() {
	_c=$1
	shift
	# shellcheck disable=SC2086 # TFFT_ARGS is a word list on purpose
	"$TFFT" $TFFT_ARGS "$@" "$tmp/$_c.npy" -o "$tmp/$_c.tfft.npy"
}

# compute1 NAME ARGS...: tfft's compute seconds (--verbose), one run
compute1() {
	_c=$1
	shift
	# shellcheck disable=SC2086 # TFFT_ARGS is a word list on purpose
	"$TFFT" $TFFT_ARGS --verbose "$@" "$tmp/$_c.npy" -o /dev/null 2>&1 |
		sed -n 's/.*compute \([0-9.]*\) s.*/\1/p'
}

# check NAME: max|tfft - numpy| / max|numpy|, to show both did the work
check() {
	"$PYTHON" -c "
import numpy as np
a = np.load('$tmp/$1.tfft.npy'); b = np.load('$tmp/$1.np.npy')
print('%.1e' % (np.abs(a - b).max() / np.abs(b).max()))
"
}

# run_case NAME WHAT SHAPE COMPLEX FUNC TFFTARGS EXECKIND K
run_case() {
	make_case "$1" "$3" "$4"
	tn=$(warm_best "$1 numpy" py_run "$1" np.fft "$5")
	ts=$(warm_best "$1 scipy" py_run "$1" scipy.fft "$5")
	# shellcheck disable=SC2086 # $6 is a word list on purpose
	tt=$(warm_best "$1 tfft" tfft_run "$1" $6)
	# shellcheck disable=SC2086
	tc=$(least_of "$REPS" compute1 "$1" $6)
	tx=$("$tmp/fft-exec" "$7" f64 "$(echo "$3" | tr -d ' ')" "$8" "$threads")
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
	    "$1" "$2" "$tn" "$ts" "$tt" "$(ratio "$tn" "$tt")" \
	    "$(ratio "$ts" "$tt")" "$tc" "$tx" "$(ratio "$tc" "$tx")" \
	    "$(check "$1")"
	rm -f "$tmp/$1".*npy
}

cases=${*:-a b c d}
echo "| case | what | numpy s | scipy s | tfft s | numpy/tfft | scipy/tfft | tfft compute s | FFTW execute s | compute/execute | max err |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for c in $cases; do
	case $c in
	a) run_case a "4096² real, rfftn" "4096, 4096" 0 rfftn \
	    "--transform rfftn" r2c 2 ;;
	b) run_case b "4096² complex, fftn" "4096, 4096" 1 fftn \
	    "--transform fftn" fwd 2 ;;
	c) run_case c "1024 × 1024-point complex, fft" "1024, 1024" 1 fft \
	    "--transform fft" fwd 1 ;;
	d) run_case d "256³ real, rfftn" "256, 256, 256" 0 rfftn \
	    "--transform rfftn" r2c 3 ;;
	*) echo "$me: unknown case '$c'" >&2; exit 2 ;;
	esac
done
