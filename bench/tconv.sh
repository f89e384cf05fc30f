#!/bin/sh
# bench/tconv.sh - tconv against SciPy, whole process against whole process:
# each side loads an NPY file, convolves and saves an NPY file.
#
#   bench/tconv.sh            all cases
#   bench/tconv.sh a e        only cases a and e
#
# Cases (mode 'same' everywhere; kernel ⊛ signal, random normal data):
#   a   2048² ⊛ 31², f32
#   b   4096² ⊛ 255², f32 and f64
#   c   1-D 2^24 ⊛ 4097, f64
#   d   batch 64×256² ⊛ 15², f32 (SciPy: axes=(1,2), kernel[None])
#   e   1024² ⊛ 5², f32 (tconv --method auto should take the direct path;
#       the times of --method fft and --method direct are printed too)
#
# tconv runs once untimed first (warm wisdom and file cache), and so does
# SciPy.  SciPy's time is the faster of scipy.signal.fftconvolve and
# scipy.signal.oaconvolve, each in its own `python3 -c` process; the table
# names the winner.  Every time is the best of $REPS (3) wall-clock runs.
# The last column is max|tconv - scipy| / max|scipy|, which shows both did
# the same work.
#
# Environment: TCONV (default build/bin/tconv), PYTHON (/usr/bin/python3),
# REPS (3), SCIPY_WORKERS (1, SciPy's default; the number of threads
# scipy.fft may use, via scipy.fft.set_workers), TCONV_ARGS (extra tconv
# arguments, e.g. "-j 1").  Inputs live in a temporary directory that is
# removed at the end.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TCONV=${TCONV:-$top/build/bin/tconv}
SCIPY_WORKERS=${SCIPY_WORKERS:-1}
TCONV_ARGS=${TCONV_ARGS:-}

have_tconv=1
if [ ! -x "$TCONV" ]; then
	echo "bench/tconv.sh: no tconv at $TCONV (run make first, or set TCONV);" \
		"timing SciPy only" >&2
	have_tconv=0
fi
need_python "numpy, scipy.signal" "numpy and scipy"
bench_tmpdir tconv

# make_case NAME SIGSHAPE KSHAPE DTYPE: write $tmp/NAME.x.npy, NAME.k.npy
make_case() {
	"$PYTHON" -c "
import numpy as np
r = np.random.default_rng(1)
np.save('$tmp/$1.x.npy', r.standard_normal(($2)).astype('$4'))
np.save('$tmp/$1.k.npy', r.standard_normal(($3)).astype('$4'))
"
}

# scipy_run NAME FUNC AXES: one whole SciPy process
scipy_run() {
	"$PYTHON" -c "
import numpy as np, scipy.fft, scipy.signal as ss
x = np.load('$tmp/$1.x.npy'); k = np.load('$tmp/$1.k.npy')
axes = $3
if axes is not None:
    k = k.reshape((1,) * (x.ndim - k.ndim) + k.shape)
with scipy.fft.set_workers($SCIPY_WORKERS):
    y = ss.$2(x, k, mode='same', axes=axes)
np.save('$tmp/$1.$2.npy', y)
"
}

# tconv_run NAME [ARG...]: one whole tconv process
tconv_run() {
	n=$1
	shift
	# shellcheck disable=SC2086
	"$TCONV" -k "$tmp/$n.k.npy" --mode same $TCONV_ARGS "$@" \
		-o "$tmp/$n.tconv.npy" <"$tmp/$n.x.npy"
}

rows=
note=
# run_case NAME LABEL SIGSHAPE KSHAPE DTYPE AXES
run_case() {
	name=$1 label=$2
	echo "bench/tconv.sh: case $label" >&2
	make_case "$name" "$3" "$4" "$5" || exit 1
	# SciPy: warm once, then the faster of fftconvolve and oaconvolve
	scipy_run "$name" fftconvolve "$6" || exit 1
	sf=$(best scipy_run "$name" fftconvolve "$6")
	so=$(best scipy_run "$name" oaconvolve "$6")
	if awk -v a="$so" -v b="$sf" 'BEGIN { exit !(a < b) }'; then
		st=$so sw=oaconvolve
	else
		st=$sf sw=fftconvolve
	fi
	tt=n/a ratio=n/a err=n/a
	if [ $have_tconv -eq 1 ]; then
		if tconv_run "$name"; then
			tt=$(best tconv_run "$name")
			if [ "$tt" != fail ]; then
				ratio=$(ratio "$st" "$tt")
				err=$(relerr "$tmp/$name.tconv.npy" "$tmp/$name.$sw.npy")
			fi
		else
			tt=fail
		fi
		if [ "$name" = e ] && [ "$tt" != fail ]; then
			tconv_run e --method direct && td=$(best tconv_run e --method direct)
			tconv_run e --method fft && tf=$(best tconv_run e --method fft)
			# the path auto took, where tconv can say (--verbose)
			took=$(tconv_run e --verbose 2>&1 >/dev/null) || took=
			note="case e: tconv --method auto ${tt} s, --method direct ${td:-fail} s, --method fft ${tf:-fail} s${took:+; auto took: ${took#tconv: }}"
		fi
	fi
	rows="$rows| $label | $tt | $st ($sw) | $ratio | $err |
"
	rm -f "$tmp/$name".*
}

want a "$@" && run_case a "(a) 2048² ⊛ 31², f32" "2048, 2048" "31, 31" float32 None
want b "$@" && run_case b "(b) 4096² ⊛ 255², f32" "4096, 4096" "255, 255" float32 None
want b "$@" && run_case b "(b) 4096² ⊛ 255², f64" "4096, 4096" "255, 255" float64 None
want c "$@" && run_case c "(c) 2^24 ⊛ 4097, f64" "2**24," "4097," float64 None
want d "$@" && run_case d "(d) 64×256² ⊛ 15², f32" "64, 256, 256" "15, 15" float32 "(1, 2)"
want e "$@" && run_case e "(e) 1024² ⊛ 5², f32" "1024, 1024" "5, 5" float32 None

echo
echo "tconv: ${TCONV} ${TCONV_ARGS:-(default options)}; SciPy $("$PYTHON" -c 'import scipy; print(scipy.__version__)') with scipy.fft workers=$SCIPY_WORKERS; $(nproc) CPUs; best of $REPS, whole process, mode same"
echo
echo "| case | tconv s | scipy s | ratio scipy/tconv | max rel err |"
echo "|---|---|---|---|---|"
printf '%s' "$rows"
[ -n "$note" ] && { echo; echo "$note"; }
[ $have_tconv -eq 1 ] || { echo; echo "tconv not found at $TCONV: SciPy times only"; exit 1; }
exit 0
