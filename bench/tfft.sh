#!/bin/sh
# bench/tfft.sh - tfft against numpy.fft and scipy.fft (workers=-1), whole
# process against whole process: each side loads an NPY file, transforms
# it and saves an NPY file.  Then tfft's compute time (--verbose) against
# FFTW's own execute time for the same transform (bench/fft-exec.c).
#
#   bench/tfft.sh            all cases
#   bench/tfft.sh a c        only cases a and c
#
# Cases (random normal float64 data, as numpy computes in double):
#   a   4096² real, rfftn (tfft --transform rfftn)
#   b   4096² real, fftn: the full complex spectrum (tfft: r2c, the other
#       half by symmetry; numpy and scipy run their own ways)
#   c   4096² complex128, fftn
#   d   a batch of 1024 1-D transforms of 1024 complex128 points, fft
#       along the last axis (tfft --transform fft)
#   e   256³ real volume, rfftn
#   f   256³ real volume, fftn
#
# Every time is the best of $REPS (3) runs after one untimed run (file
# cache), wall clock and CPU (user + system, GNU time; the load of other
# jobs disturbs it less).  The ratio columns are numpy / tfft and scipy /
# tfft (above 1: tfft is faster).  Then tfft's compute time (--verbose:
# the transform and the passes around it; see compute1) and the
# planning in it (since issue 22's third round the plan is made on a
# second thread while the record is read: what is left is the wait for
# it, and for the thread that maps the output's pages), FFTW's execute
# of one FFTW plan of the same transform (best of 5; r2c for b and f:
# what tfft transforms) and their ratio; then tfft's compute with the
# record read whole first (TFFT_TEST_PIECES=0: since issue 22's fourth
# round a batch such as d is transformed piece by piece as it is read,
# and its compute is only what is left after the read) and its ratio
# to FFTW's execute; then tfft's transform alone
# (tp_fft_axes: that plan, or
# the axes one at a time with lines gathered, as tfft chooses; for b
# and f the whole full output, its second half written by the last
# pass; best of 5); then the CPU time (every thread's, the least of the
# same runs) of FFTW's execute and of tfft's transform, and their
# ratio, which the load of other jobs disturbs less than wall times;
# for b and f the least time one thread takes to memset the second
# half of the output, what the full spectrum must add to r2c's time at
# this machine's bandwidth; then FFTW's execute and tfft's transform
# cold (the caches flushed before each run: tfft transforms a record
# just read, FFTW's warm loop the arrays its previous run left in the
# last level cache), wall and CPU, and compute against the cold execute.
# The two are measured in turns, $REPS times each, and the least taken.
# The load average is printed before and after.
#
# Environment: TFFT (default build/bin/tfft), PYTHON (/usr/bin/python3),
# REPS (3), TFFT_ARGS (extra tfft arguments, e.g. "-j 1"), CC (cc).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TFFT=${TFFT:-$top/build/bin/tfft}
TFFT_ARGS=${TFFT_ARGS:-}
CC=${CC:-cc}
timer=/usr/bin/time
# shellcheck disable=SC2034 # best_pipe's
runs=$REPS
need_tool "$TFFT" tfft TFFT
need_python "numpy, scipy.fft" "numpy and scipy"
[ -x "$timer" ] || { echo "$me: no GNU time at $timer: apt-get install time" >&2; exit 1; }
bench_tmpdir tfft
bin=$(dirname "$TFFT")
lib=$(dirname "$bin")/libtpipe.a
if ! "$CC" -O2 -D_GNU_SOURCE -I"$top/lib" "$top/bench/fft-exec.c" "$lib" \
    -lfftw3_threads -lfftw3f_threads -lfftw3 -lfftw3f -lm -lpthread \
    -o "$tmp/fft-exec"; then
	echo "$me: cannot build bench/fft-exec.c" >&2
	exit 1
fi
threads=$(nproc)
cat > "$tmp/fft.py" << 'EOF'
import sys
import numpy as np
import scipy.fft
lib, fn, src, dst = sys.argv[1:]
x = np.load(src)
if lib == 'numpy':
    y = getattr(np.fft, fn)(x)
else:
    y = getattr(scipy.fft, fn)(x, workers=-1)
np.save(dst, y)
EOF

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

# timed LABEL CMD: "WALL CPU" of the shell command CMD, best of $REPS
# runs after an untimed one
timed() {
	echo "$me: $1" >&2
	bash -c "$2" > /dev/null || { echo "$me: failed: $2" >&2; exit 1; }
	F='' best_pipe "$2"
}

# compute1 NAME ARGS...: tfft's compute seconds, one run: from its
# --verbose --verbose stamps, the record handed to the engine to its
# output finished (the compute of the --verbose line, to 0.1 ms instead
# of 1 ms: the same here, no dtype is converted), and the wait for the
# plan in it (after the pieces left after the read, for a record
# transformed as it is read)
compute1() {
	_c=$1
	shift
	# shellcheck disable=SC2086 # TFFT_ARGS is a word list on purpose
	"$TFFT" $TFFT_ARGS --verbose --verbose "$@" "$tmp/$_c.npy" \
	    -o /dev/null 2>&1 |
		awk '$NF == "run" { r = q = $2 } $NF == "planned" { p = $2 }
		    $NF == "finished" { f = $2 } /after the read run$/ { q = $2 }
		    END { printf "%.4f %.4f\n", f - r, p - q }'
}

# least A B: the lesser of two numbers, A may be empty
least() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'
}

# field N LINE: the Nth of LINE's words
field() {
	echo "$2" | cut -d ' ' -f "$1"
}

# err A B: max|A - B| / max|B| of two NPY files, complex or real
err() {
	"$PYTHON" -c "
import numpy as np
a = np.load('$1').astype(np.complex128); b = np.load('$2').astype(np.complex128)
print('shape %s vs %s' % (a.shape, b.shape) if a.shape != b.shape else
      '%.1e' % (np.abs(a - b).max() / np.abs(b).max()))
"
}

# run_case NAME WHAT SHAPE COMPLEX FUNC TFFTARGS EXECKIND K
run_case() {
	make_case "$1" "$3" "$4"
	in=$tmp/$1.npy
	tn=$(timed "$1 numpy" "'$PYTHON' '$tmp/fft.py' numpy $5 '$in' '$tmp/$1.np.npy'")
	ts=$(timed "$1 scipy" "'$PYTHON' '$tmp/fft.py' scipy $5 '$in' '$tmp/$1.sp.npy'")
	tt=$(timed "$1 tfft" "'$TFFT' $TFFT_ARGS $6 '$in' -o '$tmp/$1.tfft.npy'")
	# tfft's compute and FFTW's execute in turns, the least of each
	tc='' tw='' tx='' ta='' tp='' cx='' ca='' hw='' kx='' ka='' kcx='' kca=''
	_i=0
	while [ $_i -lt "$REPS" ]; do
		# shellcheck disable=SC2086 # $6 is a word list on purpose
		_c=$(compute1 "$1" $6)
		# shellcheck disable=SC2086 # $6 is a word list on purpose
		_w=$(TFFT_TEST_PIECES=0 compute1 "$1" $6)
		tw=$(least "$tw" "${_w% *}")
		_x=$("$tmp/fft-exec" "$7" f64 "$(echo "$3" | tr -d ' ')" "$8" \
		    "$threads")
		tp=$(least "$tp" "${_c#* }")
		_c=${_c% *}
		tc=$(least "$tc" "$_c")
		tx=$(least "$tx" "$(field 1 "$_x")")
		ta=$(least "$ta" "$(field 2 "$_x")")
		cx=$(least "$cx" "$(field 3 "$_x")")
		ca=$(least "$ca" "$(field 4 "$_x")")
		hw=$(least "$hw" "$(field 5 "$_x")")
		kx=$(least "$kx" "$(field 6 "$_x")")
		ka=$(least "$ka" "$(field 7 "$_x")")
		kcx=$(least "$kcx" "$(field 8 "$_x")")
		kca=$(least "$kca" "$(field 9 "$_x")")
		_i=$((_i + 1))
	done
	hw=$(awk -v h="$hw" 'BEGIN { print h + 0 == 0 ? "-" : h }')
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
	    "$1" "$2" "$(wall "$tn")" "$(wall "$ts")" "$(wall "$tt")" \
	    "$(ratio "$(wall "$tn")" "$(wall "$tt")")" \
	    "$(ratio "$(wall "$ts")" "$(wall "$tt")")" \
	    "$(cpu "$tn")" "$(cpu "$ts")" "$(cpu "$tt")" \
	    "$tc" "$tp" "$tx" "$(ratio "$tc" "$tx")" \
	    "$tw" "$(ratio "$tw" "$tx")" "$ta" \
	    "$cx" "$ca" "$(ratio "$ca" "$cx")" "$hw" \
	    "$kx" "$ka" "$kcx" "$kca" "$(ratio "$tc" "$kx")" \
	    "$(err "$tmp/$1.tfft.npy" "$tmp/$1.np.npy")" \
	    "$(err "$tmp/$1.sp.npy" "$tmp/$1.np.npy")"
	rm -f "$tmp/$1".*npy
}

cases=${*:-a b c d e f}
echo "load before: $(uptime)"
echo "| case | what | numpy s | scipy s | tfft s | numpy/tfft | scipy/tfft | numpy CPU s | scipy CPU s | tfft CPU s | tfft compute s | of which planning s | FFTW execute s | compute/execute | compute, read whole s | read whole/execute | tfft transform s | FFTW execute CPU s | tfft transform CPU s | transform/execute CPU | second half memset s | FFTW execute cold s | tfft transform cold s | FFTW execute cold CPU s | tfft transform cold CPU s | compute/cold execute | tfft err | scipy err |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for c in $cases; do
	case $c in
	a) run_case a "4096² real, rfftn" "4096, 4096" 0 rfftn \
	    "--transform rfftn" r2c 2 ;;
	b) run_case b "4096² real, fftn" "4096, 4096" 0 fftn \
	    "--transform fftn" r2cfull 2 ;;
	c) run_case c "4096² complex, fftn" "4096, 4096" 1 fftn \
	    "--transform fftn" fwd 2 ;;
	d) run_case d "1024 × 1024-point complex, fft" "1024, 1024" 1 fft \
	    "--transform fft" fwd 1 ;;
	e) run_case e "256³ real, rfftn" "256, 256, 256" 0 rfftn \
	    "--transform rfftn" r2c 3 ;;
	f) run_case f "256³ real, fftn" "256, 256, 256" 0 fftn \
	    "--transform fftn" r2cfull 3 ;;
	*) echo "$me: unknown case '$c'" >&2; exit 2 ;;
	esac
done
echo "load after: $(uptime)"
