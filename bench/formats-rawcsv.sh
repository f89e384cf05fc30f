#!/bin/bash
# bench/formats-rawcsv.sh - raw data and CSV in and out, whole process
# against whole process, from the same file in the same run:
#   raw: a 4096x4096 uint16 frame (32 MiB) to NPY, little-endian,
#        big-endian and in Fortran order, tcat --raw against numpy.fromfile
#        (and astype, reshape(order='F')) then numpy.save; and NPY to raw,
#        tcat -O raw against numpy's tofile
#   csv: a 100000x8 float64 table (6.4 MB of numbers), written as CSV by
#        tcat -O csv and by numpy.savetxt(fmt='%.17g') (the same digits:
#        both read back to the same bits), and read by tcat and by
#        numpy.loadtxt, each to NPY
# Prints a markdown table: best of REPS (default 3) wall seconds.
# Environment: BUILD (default build), PYTHON, REPS, TMPDIR.
set -eu -o pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/common.sh"
bin=$top/${BUILD:-build}/bin
need_tool "$bin/tcat" tcat BUILD
need_python numpy numpy
bench_tmpdir formats-rawcsv
cd "$tmp"

"$PYTHON" -c "
import numpy as np
a = np.random.default_rng(1).integers(0, 4096, (4096, 4096), dtype='<u2')
a.tofile('le.raw'); a.astype('>u2').tofile('be.raw'); np.save('frame.npy', a)
np.save('table.npy', np.random.default_rng(2).standard_normal((100000, 8)))"
"$bin/tcat" -O csv table.npy > table.csv

# row LABEL TPIPE-CMD NUMPY-CMD: best times of both and their ratio
row() {
	local t n
	echo "$me: $1" >&2
	t=$(best bash -c "$2")
	n=$(best bash -c "$3")
	echo "| $1 | $t s | $n s | $(ratio "$n" "$t") |"
}

T=$bin/tcat
echo "## raw data and CSV: tcat against numpy, $(nproc) CPUs"
echo
echo "| job | tcat | numpy | numpy / tcat |"
echo "|---|---:|---:|---:|"
row "raw u2 4096x4096 to NPY" "$T --raw u2 --shape 4096,4096 le.raw > o.npy" \
    "$PYTHON -c \"import numpy as np; np.save('o.npy', np.fromfile('le.raw', '<u2').reshape(4096, 4096))\""
row "raw >u2 (big-endian) to NPY" "$T --raw '>u2' --shape 4096,4096 be.raw > o.npy" \
    "$PYTHON -c \"import numpy as np; np.save('o.npy', np.fromfile('be.raw', '>u2').reshape(4096, 4096).astype('<u2'))\""
row "raw u2, Fortran order, to NPY" "$T --raw u2 --shape 4096,4096 --order F le.raw > o.npy" \
    "$PYTHON -c \"import numpy as np; np.save('o.npy', np.ascontiguousarray(np.fromfile('le.raw', '<u2').reshape((4096, 4096), order='F')))\""
row "NPY to raw" "$T -O raw frame.npy > o.raw" \
    "$PYTHON -c \"import numpy as np; np.load('frame.npy').tofile('o.raw')\""
row "CSV out, 100000x8 float64" "$T -O csv table.npy > o.csv" \
    "$PYTHON -c \"import numpy as np; np.savetxt('o.csv', np.load('table.npy'), delimiter=',', fmt='%.17g')\""
row "CSV in, 100000x8 float64" "$T table.csv > o.npy" \
    "$PYTHON -c \"import numpy as np; np.save('o.npy', np.loadtxt('table.csv', delimiter=','))\""
