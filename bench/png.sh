#!/bin/bash
# The commands below are single-quoted on purpose: bash -c expands $F, $B.
# shellcheck disable=SC2016
# bench/png.sh - issue 26's PNG row: tblur on a 4096x4096 8-bit RGB PNG of
# noise, PNG in and PNG out, at sigma 3 and 10, whole process, beside
# `vips gaussblur in.png out.png S`, in one run; and the codec alone:
# `tcat in.png -o x.npy` (decode), `tcat x.npy -O png` (encode) and
# `vips copy in.png out.png` (vips' decode and encode).
#
# Best of RUNS (3) each, the programs taking turns, wall and CPU time
# (user + system, GNU time); on a shared machine the CPU time says more
# about the work.  tblur's PNG must hold the pixels of its NPY output.
# Environment: BUILD (default build), TMPDIR, RUNS, SIGMAS ("3 10").
set -eu -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
bin=$top/${BUILD:-build}/bin
runs=${RUNS:-3}
timer=/usr/bin/time
sigmas=${SIGMAS:-3 10}

[ -x "$timer" ] || { echo "$me: no GNU time at $timer: apt-get install time" >&2; exit 1; }
for t in tblur tcat; do
	need_tool "$bin/$t" "$t" BUILD
done
command -v vips > /dev/null || { echo "$me: no vips: apt-get install libvips-tools" >&2; exit 1; }
need_python "numpy, cv2" "numpy and cv2"
bench_tmpdir png
F=$tmp/in.png
"$PYTHON" -c "
import numpy as np, cv2
x = np.random.default_rng(2).integers(0, 256, (4096, 4096, 3), dtype=np.uint8)
cv2.imwrite('$F', x)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## 4096² 8-bit RGB PNG of noise, $(nproc) CPUs, best of $runs (wall s / CPU s)"
echo
echo "| case | tpipe | vips | vips/tpipe wall | vips/tpipe CPU |"
echo "|---|---:|---:|---:|---:|"
row() {	# NAME TPIPE-CMD VIPS-CMD
	local t_t='' t_v=''
	for ((round = 0; round < runs; round++)); do
		t_t=$(keep "$t_t" "$(runs=1 best_pipe "$2")")
		t_v=$(keep "$t_v" "$(runs=1 best_pipe "$3")")
	done
	echo "| $1 | $(wall "$t_t") / $(cpu "$t_t") | $(wall "$t_v") / $(cpu "$t_v") | $(ratio "$(wall "$t_v")" "$(wall "$t_t")") | $(ratio "$(cpu "$t_v")" "$(cpu "$t_t")") |"
}
export S T=$tmp
for S in $sigmas; do
	row "tblur -s $S in.png -O png vs vips gaussblur $S" \
	    '"$B/tblur" -s "$S" "$F" -O png -o "$T/t.png"' \
	    'vips gaussblur "$F" "$T/v.png" "$S"'
	"$bin/tblur" -s "$S" "$F" -o "$tmp/t.npy"
	"$bin/tcat" "$tmp/t.png" | cmp -s - "$tmp/t.npy" ||
		{ echo "$me: tblur's PNG does not hold its NPY output's pixels" >&2; exit 1; }
done
"$bin/tblur" -s 3 "$F" -o "$tmp/x.npy"
"$bin/tcat" "$tmp/x.npy" -O png -o "$tmp/blurred.png"
row "decode: tcat in.png -o x.npy (noise)" \
    '"$B/tcat" "$F" -o "$T/x2.npy"' 'vips copy "$F" "$T/v.v"'
F=$tmp/blurred.png
row "decode: tcat blurred.png -o x.npy (sigma 3)" \
    '"$B/tcat" "$F" -o "$T/x2.npy"' 'vips copy "$F" "$T/v.v"'
F=$tmp/x.npy
row "encode: tcat x.npy -O png (sigma 3) vs vips copy x.v out.png" \
    '"$B/tcat" "$F" -O png -o "$T/e.png"' 'vips copy "$T/v.v" "$T/e2.png"'
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(vips copy to .v is vips' own format, decode alone; from .v to .png, encode alone)"
