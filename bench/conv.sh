#!/bin/bash
# The commands below are single-quoted on purpose: bash -c expands $F, $B.
# shellcheck disable=SC2016
# bench/conv.sh - issue 26's tconv row: tconv's compute against its bound,
# one FFTW r2c and one c2r of the size tconv transforms, and against
# SciPy, in one run.
#
#   compute: tconv --verbose's compute time with default flags (--plan
#            estimate, -j the CPUs, --method auto) beside bench/fftw-pair.c
#            (built here, FFTW alone): the pair on the padded size that
#            tconv reports (length AxB), 2 threads, in place, best of 5
#            executes, planned with FFTW_MEASURE (the issue's bound; the
#            plan measured once and kept as wisdom for the later runs)
#            and with FFTW_ESTIMATE (tconv's default planner), run in
#            turns with tconv, each the best of RUNS; and SciPy's
#            in-process time of the faster of scipy.signal.fftconvolve
#            and oaconvolve on the loaded arrays;
#   whole process, NPY files in, NPY file out: tconv beside
#            /usr/bin/python3 loading, convolving (the faster function)
#            and saving.  The last column is the two outputs' largest
#            difference relative to max|out|.
#
# Cases (mode same, random normal data): a 2048² ⊛ 31² f32, b 4096² ⊛
# 255² f32; `bench/conv.sh b` runs one.  Best of RUNS (3) each, tconv and
# SciPy taking turns.  Environment: BUILD (default build), TMPDIR, RUNS,
# CC (cc), SCIPY_WORKERS (1, SciPy's default).  tconv runs with an empty
# XDG_CACHE_HOME: no FFTW wisdom of the user's.
set -eu -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
bin=$top/${BUILD:-build}/bin
runs=${RUNS:-3}
timer=/usr/bin/time
CC=${CC:-cc}
SCIPY_WORKERS=${SCIPY_WORKERS:-1}

[ -x "$timer" ] || { echo "$me: no GNU time at $timer: apt-get install time" >&2; exit 1; }
need_tool "$bin/tconv" tconv BUILD
need_python "numpy, scipy.signal" "numpy and scipy"
bench_tmpdir conv
# no wisdom but the system's: a measured run's wisdom in the user's cache
# would change what tconv's default planner gets
XDG_CACHE_HOME=$tmp/cache
export XDG_CACHE_HOME
"$CC" -O2 "$top/bench/fftw-pair.c" -lfftw3f_threads -lfftw3_threads \
    -lfftw3f -lfftw3 -lm -lpthread -o "$tmp/fftw-pair" ||
	{ echo "$me: cannot build bench/fftw-pair.c" >&2; exit 1; }
export PYTHON SCIPY_WORKERS

# SciPy in one process: the in-process time of both functions (best of
# $runs each after one untimed call), the faster one's output saved;
# prints "NAME SECONDS"
SCIPY_IN='"$PYTHON" -c "
import sys, time, numpy as np, scipy.fft, scipy.signal as ss
x = np.load(sys.argv[1]); k = np.load(sys.argv[2]); runs = int(sys.argv[4])
best = {}
with scipy.fft.set_workers(int(sys.argv[5])):
    for f in (ss.fftconvolve, ss.oaconvolve):
        f(x, k, mode=\"same\")
        for _ in range(runs):
            t = time.perf_counter(); y = f(x, k, mode=\"same\")
            t = time.perf_counter() - t
            if t < best.get(f.__name__, (9e9,))[0]:
                best[f.__name__] = (t, y)
name = min(best, key=lambda n: best[n][0])
np.save(sys.argv[3], best[name][1])
print(name, \"%.4f\" % best[name][0])
" "$F" "$K" "$O" "$runs" "$SCIPY_WORKERS"'
# SciPy whole process: load, the function named in $P, save
SCIPY_WHOLE='"$PYTHON" -c "
import sys, numpy as np, scipy.fft, scipy.signal as ss
x = np.load(sys.argv[1]); k = np.load(sys.argv[2])
with scipy.fft.set_workers(int(sys.argv[5])):
    y = getattr(ss, sys.argv[4])(x, k, mode=\"same\")
np.save(sys.argv[3], y)
" "$F" "$K" "$O" "$P" "$SCIPY_WORKERS"'

rows=''
# run_case LABEL SIGNAL KERNEL DTYPE
run_case() {
	local label=$1 comp='' t_tc='' t_sp='' pm='' pe='' v len c
	echo "$me: case $label" >&2
	F=$tmp/x.npy K=$tmp/k.npy
	export F K
	"$PYTHON" -c "
import numpy as np
r = np.random.default_rng(1)
np.save('$F', r.standard_normal(($2)).astype('$4'))
np.save('$K', r.standard_normal(($3)).astype('$4'))
"
	read -r P s_in < <(O=$tmp/scipy.npy runs=$runs bash -c "$SCIPY_IN")
	export P
	v=$("$bin/tconv" --verbose -k "$K" --mode same -o "$tmp/tconv.npy" "$F" \
	    2>&1 | sed -n 1p)	# warm, and the size it transforms
	len=$(printf '%s\n' "$v" | sed -n 's/.* length \([0-9x(tiled)]*\).*/\1/p')
	how=$(printf '%s\n' "$v" | sed -n 's/^tconv: record 0: \([a-z-]*\) .*/\1/p')
	case $4 in float32) prec=f32 ;; *) prec=f64 ;; esac
	shape=$(padded "$len")
	rm -f "$tmp/wisdom"
	echo "$me: planning the pair $shape with FFTW_MEASURE" >&2
	"$tmp/fftw-pair" "$prec" "$shape" 2 measure "$tmp/wisdom" >/dev/null
	# the programs take turns, so that a busy spell of the machine's
	# other jobs falls on all of them alike
	for ((round = 0; round < runs; round++)); do
		v=$("$bin/tconv" --verbose -k "$K" --mode same -o "$tmp/tconv.npy" \
		    "$F" 2>&1 | sed -n 1p)
		c=$(printf '%s\n' "$v" | sed -n 's/.*compute \([0-9.]*\) s.*/\1/p')
		comp=$(least "$c" "$comp")
		c=$("$tmp/fftw-pair" "$prec" "$shape" 2 measure "$tmp/wisdom" |
		    cut -d' ' -f1)
		pm=$(least "$c" "$pm")
		c=$("$tmp/fftw-pair" "$prec" "$shape" 2 estimate | cut -d' ' -f1)
		pe=$(least "$c" "$pe")
		t_tc=$(keep "$t_tc" "$(runs=1 best_pipe '"$B/tconv" -k "$K" --mode same "$F" -o "$O"')")
		t_sp=$(keep "$t_sp" "$(runs=1 best_pipe "$SCIPY_WHOLE")")
	done
	rows="$rows| $label | $len ($how) | $comp | $pm | $(ratio "$comp" "$pm") | $pe | $(ratio "$comp" "$pe") | $s_in ($P) | $(wall "$t_tc") | $(wall "$t_sp") | $(relerr "$tmp/tconv.npy" "$tmp/scipy.npy") |
"
}

# least A B: the lesser of two numbers, B may be empty
least() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

# padded LENGTH: the whole padded shape "A,B" of tconv's "AxB"; a tiled
# axis counts as the padded length of the whole axis, which tconv's
# --tiles 0,0 would transform
padded() {
	case $1 in
	*tiled*)
		"$bin/tconv" --verbose --tiles 0,0 -k "$K" --mode same \
		    -o /dev/null "$F" 2>&1 | sed -n '1s/.* length \([0-9x]*\),.*/\1/p' |
		    tr x ,
		;;
	*) printf '%s\n' "$1" | tr x , ;;
	esac
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
want a "$@" && run_case "2048² ⊛ 31², f32" "2048, 2048" "31, 31" float32
want b "$@" && run_case "4096² ⊛ 255², f32" "4096, 4096" "255, 255" float32
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "tconv: default flags; FFTW pair: bench/fftw-pair.c, 2 threads, in place," \
	"best of 5 executes; SciPy $("$PYTHON" -c 'import scipy; print(scipy.__version__)')," \
	"workers=$SCIPY_WORKERS; $(nproc) CPUs; best of $runs, seconds"
echo
echo "| case | transform (tconv's path) | tconv compute | FFTW pair, MEASURE | tconv / pair | FFTW pair, ESTIMATE | tconv / pair | SciPy in-process | tconv whole process | SciPy whole process | max rel diff |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s' "$rows"
