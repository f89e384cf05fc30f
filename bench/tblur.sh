#!/bin/sh
# bench/tblur.sh - tblur against OpenCV, SciPy, ImageMagick and vips, on
# the same files in the same run.
#
#   bench/tblur.sh            both tables
#   bench/tblur.sh f32        only the 4096² float32 cases
#   bench/tblur.sh png        only the 4096² RGB PNG cases
#   bench/tblur.sh edges      only issue 23's cases (tables 4 and 5)
#   bench/tblur.sh pair       only issue 26's case (table 6)
#
# Table 1, whole process against whole process, 4096² float32 of random
# normal data, sigma 1, 3, 10, 30: `tblur -s S` (default options: reflect,
# method auto, --plan estimate) NPY file in, NPY file out; beside
#   OpenCV:  python3 loading the NPY, cv2.GaussianBlur(x, (0, 0), S,
#            borderType=cv2.BORDER_REFLECT), numpy.save
#   SciPy:   the same with scipy.ndimage.gaussian_filter(x, S,
#            mode='reflect') (its default truncate=4)
# Table 2, whole process, a 4096² 8-bit RGB PNG of noise: `tblur -s S
# in.png -O png -o out.png`, `convert in.png -blur 0xS out.png`
# (ImageMagick) and `vips gaussblur in.png out.png S`.
# Table 3, compute alone: tblur's compute time from --verbose beside
# OpenCV's and SciPy's in-process times of the blur call (perf_counter).
#
# Table 4 (issue 23), zero and nearest at any sigma: the 36 kB (1, 43,
# 105) float64 record at sigma 66.8 with --order 2, every kernel, time
# and peak RSS (/usr/bin/time -v) of the whole process beside `tblur -s
# 0` (the process reading and writing the record, blurring nothing); and
# 4096² float32 at sigma 30 under reflect, zero and nearest.
# Table 5 (issue 23), the scale space of eight sigmas (1, 2, 3, 4, 6, 8,
# 12, 16) of 4096² float32: `tblur --sigmas` beside one `tblur -s 8` and
# eight scipy.ndimage.gaussian_filter calls in one Python process
# (stacked and saved as tblur writes them), whole process; and the
# floor of a stack made from one spectrum, `tblur --sigmas 8,8,8,8,8,8,
# 8,8 --method fft`: one forward transform and eight times a multiply,
# the inverse transforms and a 64 MB write.
#
# Table 6 (issue 26), compute against its bound: tblur's compute time
# (--verbose, default flags, no FFTW wisdom of the user's) for 4096²
# float32 at sigma $PAIR_SIGMAS (10 30) beside bench/fftw-pair.c (built
# here, FFTW alone): one r2c and one c2r of the size tblur transforms
# (the "AxB" --verbose names), 2 threads, in place, best of 5 executes,
# planned with FFTW_MEASURE (once; its wisdom kept for the later runs)
# and with FFTW_ESTIMATE; the three take turns, REPS rounds, the least
# of each; and the least CPU time (user + system) of tblur's whole
# process in the same runs.
#
# The 4096² rows of tables 4 and 5 also give the best CPU time (user +
# system, /usr/bin/time) of the same runs, which a machine shared with
# other jobs disturbs less than the wall time.
# Every time is the best of $REPS (3) runs, after one untimed warm-up run
# of each program; ImageMagick runs $IM_REPS (1) times, it is slow.  The
# last column of table 1 is max|tblur - OpenCV| / max|OpenCV|, which
# shows they did the same work (OpenCV cuts its kernel at 4 sigma in
# float32, SciPy at 4 sigma too; tblur does not cut it).
#
# Environment: TBLUR (default build/bin/tblur), PYTHON (/usr/bin/python3),
# REPS (3), IM_REPS (1), TBLUR_ARGS (extra tblur arguments, e.g. "-j 1").
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
TBLUR=${TBLUR:-$top/build/bin/tblur}
IM_REPS=${IM_REPS:-1}
TBLUR_ARGS=${TBLUR_ARGS:-}
SIGMAS=${SIGMAS:-1 3 10 30}
PAIR_SIGMAS=${PAIR_SIGMAS:-10 30}

need_tool "$TBLUR" tblur TBLUR
need_python "numpy, scipy.ndimage, cv2" "numpy, scipy and cv2"
bench_tmpdir tblur

# quiet CMD...: CMD with its stderr discarded (best_of discards stdout)
# shellcheck disable=SC2317 # called through best
quiet() { "$@" 2>/dev/null; }

py_whole() {	# py_whole opencv|scipy SIGMA: one whole Python process
	"$PYTHON" -c "
import numpy as np, sys
x = np.load('$tmp/x.npy')
if '$1' == 'opencv':
    import cv2
    y = cv2.GaussianBlur(x, (0, 0), $2, borderType=cv2.BORDER_REFLECT)
else:
    import scipy.ndimage
    y = scipy.ndimage.gaussian_filter(x, $2, mode='reflect')
np.save('$tmp/$1.npy', y)
"
}

py_inproc() {	# py_inproc opencv|scipy SIGMA: best of REPS in-process
	"$PYTHON" -c "
import time, numpy as np, cv2, scipy.ndimage
x = np.load('$tmp/x.npy')
best = 1e9
for i in range($REPS + 1):
    t = time.perf_counter()
    if '$1' == 'opencv':
        cv2.GaussianBlur(x, (0, 0), $2, borderType=cv2.BORDER_REFLECT)
    else:
        scipy.ndimage.gaussian_filter(x, $2, mode='reflect')
    t = time.perf_counter() - t
    if i > 0:
        best = min(best, t)
print('%.3f' % best)
"
}

tblur_npy() {	# tblur_npy SIGMA [ARG...]
	s=$1
	shift
	# shellcheck disable=SC2086
	"$TBLUR" -s "$s" $TBLUR_ARGS "$@" -o "$tmp/tblur.npy" "$tmp/x.npy"
}

# tblur_compute SIGMA: best compute time from --verbose
tblur_compute() {
	b=
	i=0
	while [ $i -lt "$REPS" ]; do
		t=$(tblur_npy "$1" --verbose 2>&1 >/dev/null |
			sed -n 's/.*record 0: \([^;]*\);.*compute \([0-9.]*\) s.*/\2 \1/p')
		how=${t#* }
		t=${t%% *}
		if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN { exit !(a < b) }'; then
			b=$t
		fi
		i=$((i + 1))
	done
	echo "$b|$how"
}

info="tblur: $TBLUR ${TBLUR_ARGS:-(default options)}; $("$PYTHON" -c 'import cv2, scipy; print("OpenCV", cv2.__version__, "with", cv2.getNumThreads(), "threads; SciPy", scipy.__version__)'); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg) at the start; best of $REPS"

t1= t3=
if want f32 "$@"; then
	"$PYTHON" -c "
import numpy as np
np.save('$tmp/x.npy', np.random.default_rng(1).standard_normal((4096, 4096)).astype(np.float32))"
	for s in $SIGMAS; do
		echo "bench/tblur.sh: 4096² f32, sigma $s" >&2
		tblur_npy "$s" >/dev/null 2>&1
		py_whole opencv "$s"
		py_whole scipy "$s"
		tt=$(best quiet tblur_npy "$s")
		to=$(best quiet py_whole opencv "$s")
		ts=$(best quiet py_whole scipy "$s")
		err=$(relerr "$tmp/tblur.npy" "$tmp/opencv.npy")
		t1="$t1| $s | $tt | $to | $ts | $(ratio "$to" "$tt") | $(ratio "$ts" "$tt") | $err |
"
		c=$(tblur_compute "$s")
		co=$(py_inproc opencv "$s")
		cs=$(py_inproc scipy "$s")
		t3="$t3| $s | ${c%%|*} (${c#*|}) | $co | $cs | $(ratio "$co" "${c%%|*}") | $(ratio "$cs" "${c%%|*}") |
"
	done
fi

t4= t5=
if want edges "$@"; then
	"$PYTHON" -c "
import numpy as np
np.save('$tmp/r.npy', np.random.default_rng(3).standard_normal((1, 43, 105)))
np.save('$tmp/x.npy', np.random.default_rng(1).standard_normal((4096, 4096)).astype(np.float32))"
	rss() {	# rss ARG...: peak RSS in KB of tblur ARG... on r.npy
		/usr/bin/time -f %M -o "$tmp/rss" "$TBLUR" "$@" "$tmp/r.npy" \
			> /dev/null && tail -n 1 "$tmp/rss"
	}
	cpu() {	# cpu CMD...: best user + system seconds of REPS runs
		_b=
		for _i in $(seq "$REPS"); do
			/usr/bin/time -f "%U %S" -o "$tmp/cpu" "$@" \
			    > /dev/null 2>&1 || { echo fail; return; }
			_t=$(tail -n 1 "$tmp/cpu" | awk '{ printf "%.2f", $1 + $2 }')
			if [ -z "$_b" ] || awk -v a="$_t" -v b="$_b" \
			    'BEGIN { exit !(a < b) }'; then
				_b=$_t
			fi
		done
		echo "$_b"
	}
	t4="| sigma 0 (reads, writes) | $(best "$TBLUR" -s 0 "$tmp/r.npy") | $(rss -s 0) | |
"
	for k in sampled analytic discrete; do
		for b in zero nearest; do
			echo "bench/tblur.sh: (1, 43, 105), $k, $b" >&2
			a="-s 66.8 --order 2 --kernel $k --boundary $b"
			# shellcheck disable=SC2086
			t4="$t4| $a | $(best "$TBLUR" $a "$tmp/r.npy") | $(rss $a) | |
"
		done
	done
	for b in reflect zero nearest; do
		echo "bench/tblur.sh: 4096² f32, sigma 30, $b" >&2
		tblur_npy 30 --boundary $b > /dev/null 2>&1
		# shellcheck disable=SC2086
		t4="$t4| 4096² f32 -s 30 --boundary $b | $(best quiet tblur_npy 30 --boundary $b) | | $(cpu "$TBLUR" -s 30 $TBLUR_ARGS --boundary $b -o "$tmp/tblur.npy" "$tmp/x.npy") |
"
	done
	echo "bench/tblur.sh: scale space" >&2
	ss="1,2,3,4,6,8,12,16"
	one=$(best quiet tblur_npy 8)
	stack=$(best quiet "$TBLUR" --sigmas $ss $TBLUR_ARGS -o "$tmp/s.npy" "$tmp/x.npy")
	eight=$(best quiet "$PYTHON" -c "
import numpy as np, scipy.ndimage
x = np.load('$tmp/x.npy')
np.save('$tmp/sp.npy', np.stack([scipy.ndimage.gaussian_filter(x, s)
                                  for s in ($ss)]))")
	# shellcheck disable=SC2086
	cstack=$(cpu "$TBLUR" --sigmas $ss $TBLUR_ARGS -o "$tmp/s.npy" "$tmp/x.npy")
	# shellcheck disable=SC2086
	cone=$(cpu "$TBLUR" -s 8 $TBLUR_ARGS -o "$tmp/tblur.npy" "$tmp/x.npy")
	fl="8,8,8,8,8,8,8,8 --method fft"
	# shellcheck disable=SC2086
	floor=$(best quiet "$TBLUR" --sigmas $fl $TBLUR_ARGS -o "$tmp/s.npy" "$tmp/x.npy")
	# shellcheck disable=SC2086
	cfloor=$(cpu "$TBLUR" --sigmas $fl $TBLUR_ARGS -o "$tmp/s.npy" "$tmp/x.npy")
	t5="| $stack ($cstack) | $one ($cone) | $floor ($cfloor) | $eight | $(ratio "$stack" "$one") ($(ratio "$cstack" "$cone")) | $(ratio "$floor" "$one") ($(ratio "$cfloor" "$cone")) | $(ratio "$eight" "$stack") |
"
fi

t6=''
if want pair "$@"; then
	"${CC:-cc}" -O2 "$top/bench/fftw-pair.c" -lfftw3f_threads \
	    -lfftw3_threads -lfftw3f -lfftw3 -lm -lpthread -o "$tmp/fftw-pair" ||
		{ echo "$me: cannot build bench/fftw-pair.c" >&2; exit 1; }
	[ -f "$tmp/x.npy" ] || "$PYTHON" -c "
import numpy as np
np.save('$tmp/x.npy', np.random.default_rng(1).standard_normal((4096, 4096)).astype(np.float32))"
	for s in $PAIR_SIGMAS; do
		echo "bench/tblur.sh: 4096² f32, sigma $s, against the FFTW pair" >&2
		# what tblur transforms, and the pair's MEASURE plan, once
		how=$(XDG_CACHE_HOME=$tmp/cache tblur_npy "$s" --verbose 2>&1 \
		    >/dev/null | sed -n 's/.*record 0: \([^;]*\);.*/\1/p')
		shape=$(printf '%s\n' "$how" | sed -n 's/.* \([0-9x]*\)$/\1/p' |
		    tr x ,)
		"$tmp/fftw-pair" f32 "$shape" 2 measure "$tmp/wisdom" >/dev/null
		c='' pm='' pe='' u=''
		for _r in $(seq "$REPS"); do
			# shellcheck disable=SC2086
			t=$(XDG_CACHE_HOME=$tmp/cache /usr/bin/time -f "cpu %U %S" \
			    "$TBLUR" -s "$s" $TBLUR_ARGS --verbose \
			    -o "$tmp/tblur.npy" "$tmp/x.npy" 2>&1 >/dev/null |
			    sed -n 's/.*record 0:.*compute \([0-9.]*\) s.*/\1/p
			        s/^cpu \([0-9.]*\) \([0-9.]*\)$/\1 \2/p' | tr '\n' ' ')
			c=$(awk -v a="${t%% *}" -v b="$c" 'BEGIN { print (b == "" || a < b) ? a : b }')
			u=$(echo "$t" | awk -v b="$u" '{ a = $2 + $3; printf "%.2f", (b == "" || a < b) ? a : b }')
			t=$("$tmp/fftw-pair" f32 "$shape" 2 measure "$tmp/wisdom" | cut -d' ' -f1)
			pm=$(awk -v a="$t" -v b="$pm" 'BEGIN { print (b == "" || a < b) ? a : b }')
			t=$("$tmp/fftw-pair" f32 "$shape" 2 estimate | cut -d' ' -f1)
			pe=$(awk -v a="$t" -v b="$pe" 'BEGIN { print (b == "" || a < b) ? a : b }')
		done
		t6="$t6| $s | $how | $c | $u | $pm | $(ratio "$c" "$pm") | $pe | $(ratio "$c" "$pe") |
"
	done
fi

t2=
if want png "$@"; then
	"$PYTHON" -c "
import numpy as np, cv2
x = np.random.default_rng(2).integers(0, 256, (4096, 4096, 3), dtype=np.uint8)
cv2.imwrite('$tmp/in.png', x)"
	for s in $SIGMAS; do
		echo "bench/tblur.sh: 4096² RGB PNG, sigma $s" >&2
		"$TBLUR" -s "$s" $TBLUR_ARGS "$tmp/in.png" -O png -o "$tmp/t.png"
		tt=$(best quiet "$TBLUR" -s "$s" $TBLUR_ARGS "$tmp/in.png" -O png -o "$tmp/t.png")
		vips gaussblur "$tmp/in.png" "$tmp/v.png" "$s"
		tv=$(best quiet vips gaussblur "$tmp/in.png" "$tmp/v.png" "$s")
		ti=$(best_of "$IM_REPS" quiet convert "$tmp/in.png" -blur "0x$s" "$tmp/i.png")
		t2="$t2| $s | $tt | $tv | $ti | $(ratio "$tv" "$tt") | $(ratio "$ti" "$tt") |
"
	done
fi

echo
echo "$info"
if [ -n "$t1" ]; then
	echo
	echo "4096² float32, reflect, whole process (NPY file in, NPY file out), seconds:"
	echo
	echo "| sigma | tblur | OpenCV | SciPy | OpenCV/tblur | SciPy/tblur | max rel diff to OpenCV |"
	echo "|---:|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$t1"
fi
if [ -n "$t2" ]; then
	echo
	echo "4096² 8-bit RGB PNG of noise, whole process (PNG in, PNG out), seconds (ImageMagick best of $IM_REPS):"
	echo
	echo "| sigma | tblur | vips gaussblur | convert -blur | vips/tblur | convert/tblur |"
	echo "|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$t2"
fi
if [ -n "$t3" ]; then
	echo
	echo "4096² float32, compute alone (tblur --verbose; OpenCV and SciPy in-process), seconds:"
	echo
	echo "| sigma | tblur (method) | OpenCV | SciPy | OpenCV/tblur | SciPy/tblur |"
	echo "|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$t3"
fi
if [ -n "$t4" ]; then
	echo
	echo "Zero and nearest at any sigma (issue 23), whole process, seconds, peak RSS (KB) and CPU seconds:"
	echo
	echo "| case | seconds | peak RSS | CPU |"
	echo "|---|---:|---:|---:|"
	printf '%s' "$t4"
fi
if [ -n "$t5" ]; then
	echo
	echo "Scale space of 8 sigmas ($ss) of 4096² float32, whole process, seconds (CPU seconds):"
	echo
	echo "| tblur --sigmas | tblur -s 8 | floor: --sigmas 8 x 8, fft | 8 scipy calls | stack/one | floor/one | scipy/stack |"
	echo "|---:|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$t5"
fi
if [ -n "$t6" ]; then
	echo
	echo "4096² float32, tblur's compute against one FFTW r2c + c2r of the size it transforms (2 threads, in place), seconds; load $(cut -d' ' -f1-3 /proc/loadavg) at the end:"
	echo
	echo "| sigma | tblur's transforms | tblur compute | tblur CPU (whole process) | pair, MEASURE | tblur / pair | pair, ESTIMATE | tblur / pair |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|"
	printf '%s' "$t6"
fi
exit 0
