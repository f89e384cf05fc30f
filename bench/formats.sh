#!/bin/sh
# bench/formats.sh - issue 19's speed table: each format's reader (and
# writer) against the programs users read the same file with, whole
# process against whole process.  It runs, in turn, the script of each
# format, each of which prints its own table (see its head for its cases
# and what it compares):
#   bench/formats-tiff.sh     4096² uint16 TIFF to NPY: vips copy, PIL, tifffile
#   bench/formats-jpeg.sh     JPEG decode and encode: PIL; MRC: mrcfile
#   bench/formats-mat.sh      .mat to NPY: scipy.io.loadmat
#   bench/formats-rawcsv.sh   raw data and CSV: numpy
# bench/README.md keeps the ratios of one run of each.
top=$(cd "$(dirname "$0")/.." && pwd)
status=0
for f in tiff jpeg mat rawcsv; do
	echo "## bench/formats-$f.sh"
	bash "$top/bench/formats-$f.sh" || status=1
	echo
done
exit $status
