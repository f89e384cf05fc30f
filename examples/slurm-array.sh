#!/bin/sh
# examples/slurm-array.sh LIST OUTDIR TOOL [ARG...] - one task of a Slurm
# job array: run `TOOL ARG... -o OUTDIR/NAME FILE` on FILE, line N of LIST
# (N = $SLURM_ARRAY_TASK_ID, from 1), NAME being FILE's base name.
#
#   ls in/*.png > files.txt
#   sbatch --array=1-$(wc -l < files.txt)%16 \
#       examples/slurm-array.sh files.txt out tblur -s 3
#
# runs one task per file, at most 16 at a time.  tpipe must be installed
# (on PATH) on every node.  A task exits as its tool does: 0, 1 (bad
# data) or 2 (usage), and as -o writes through a temporary file renamed
# on success, a failed task leaves no file in OUTDIR.  Rerunning a task
# (sbatch --array=7,12 ...) is idempotent: it replaces its output whole.
# A task whose line is missing or empty exits 2.
#SBATCH --job-name=tpipe
#SBATCH --cpus-per-task=4
set -eu
if [ $# -lt 3 ]; then
	echo "usage: slurm-array.sh list outdir tool [arg ...]" >&2
	exit 2
fi
list=$1 outdir=$2
shift 2
n=${SLURM_ARRAY_TASK_ID:-}
case $n in
'' | *[!0-9]* | 0)
	echo "slurm-array.sh: SLURM_ARRAY_TASK_ID '$n' is not a line number (run with sbatch --array=1-N)" >&2
	exit 2 ;;
esac
file=$(sed -n "${n}p" "$list")
if [ -z "$file" ]; then
	echo "slurm-array.sh: $list has no line $n" >&2
	exit 2
fi
mkdir -p "$outdir"
# as many threads as the CPUs Slurm gave the task
if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then
	set -- "$@" -j "$SLURM_CPUS_PER_TASK"
fi
exec "$@" -o "$outdir/$(basename "$file")" "$file"
