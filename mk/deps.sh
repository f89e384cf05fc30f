#!/bin/sh
# mk/deps.sh build|check|bench|deb - make sure the Debian packages a target
# needs are installed.  As root, install the missing ones with apt-get,
# waiting (up to LOCK_WAIT seconds) while another apt-get or dpkg holds
# its lock; otherwise print the exact command and fail.  Without
# dpkg-query (not Debian) do nothing: the probe then says what is missing.
#
# mk/deps.sh probe CC [FLAG...] - never installs: whether the compiler CC,
# with the FLAGs, finds every header and library the build needs.  If
# not, print the Debian packages missing and the command that installs
# them, and fail (make runs this before its first compile).
set -eu
build="gcc make pkg-config libfftw3-dev libpng-dev zlib1g-dev libopenblas-dev"
build="$build libtiff-dev libjpeg62-turbo-dev libmatio-dev"
build="$build libassimp-dev libdeflate-dev"
check="$build bats bats-assert bats-support python3 python3-numpy python3-scipy python3-pil imagemagick mandoc groff-base time"
check="$check python3-torch python3-matplotlib libglu1-mesa-dev libglm-dev clang valgrind parallel"
check="$check python3-tifffile python3-mrcfile python3-h5py libvips-tools"
check="$check libegl-dev libgl-dev libegl-mesa0"
check="$check octave python3-opencv"
bench="$check libvips-tools hyperfine time python3-numexpr"
bench="$bench g++ libtinyobjloader-dev"
deb="$build debhelper lintian"	# dpkg-buildpackage of debian/ (mk/deps.sh deb)
# What the build includes and links, each with its Debian package:
# HEADER:LIBRARY:PACKAGE.
needs="fftw3.h:fftw3:libfftw3-dev fftw3.h:fftw3f:libfftw3-dev
fftw3.h:fftw3_threads:libfftw3-dev fftw3.h:fftw3f_threads:libfftw3-dev
png.h:png:libpng-dev zlib.h:z:zlib1g-dev cblas.h:openblas:libopenblas-dev
tiffio.h:tiff:libtiff-dev jpeglib.h:jpeg:libjpeg62-turbo-dev
matio.h:matio:libmatio-dev libdeflate.h:deflate:libdeflate-dev
assimp/cimport.h:assimp:libassimp-dev"
# jpeglib.h uses FILE and size_t without including <stdio.h>: every
# probe program includes it first.
LOCK_WAIT=${LOCK_WAIT:-600}

usage() {
	echo "usage: mk/deps.sh build|check|bench|deb" >&2
	echo "       mk/deps.sh probe cc [flag ...]" >&2
	exit 2
}

# sudo_if_needed: "sudo " unless we are root.
sudo_if_needed() {
	[ "$(id -u)" = 0 ] || printf 'sudo '
}

# tell_missing PACKAGES: print the packages and the command that installs
# them, and fail.
tell_missing() {
	s=$(sudo_if_needed)
	echo "missing packages:$1" >&2
	echo "run: ${s}apt-get update && ${s}apt-get install -y$1" >&2
	exit 1
}

# probe CC [FLAG...]: see the top of the file.
probe() {
	[ $# -gt 0 ] || usage
	if ! command -v "$1" > /dev/null 2>&1; then
		echo "mk/deps.sh: the C compiler '$1' is not there (make CC=...)" >&2
		case ${1##*/} in
		clang*) tell_missing " clang" ;;
		*) tell_missing " gcc" ;;
		esac
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	{ echo '#include <stdio.h>'; for n in $needs; do
		echo "#include <${n%%:*}>"
	done | sort -u; } > "$tmp/all.c"
	echo 'int main(void) { return 0; }' >> "$tmp/all.c"
	libs=
	for n in $needs; do
		n=${n#*:}
		libs="$libs -l${n%%:*}"
	done
	# shellcheck disable=SC2086 # libs is a word list
	"$@" -o "$tmp/all" "$tmp/all.c" $libs > "$tmp/log" 2>&1 && return 0
	# one header, then one library, at a time, to name what is missing
	echo 'int main(void) { return 0; }' > "$tmp/main.c"
	missing='' what=''
	for n in $needs; do
		h=${n%%:*} n=${n#*:}
		l=${n%%:*} p=${n#*:}
		gone=''
		case " $what " in
		*" $h "*) gone=1 ;;
		*) printf '#include <stdio.h>\n#include <%s>\n' "$h" > "$tmp/h.c"
		   "$@" -c -o "$tmp/h.o" "$tmp/h.c" > /dev/null 2>&1 ||
			{ what="$what $h"; gone=1; } ;;
		esac
		"$@" -o "$tmp/main" "$tmp/main.c" "-l$l" > /dev/null 2>&1 ||
			{ what="$what -l$l"; gone=1; }
		[ -n "$gone" ] || continue
		case " $missing " in
		*" $p "*) ;;
		*) missing="$missing $p" ;;
		esac
	done
	if [ -z "$missing" ]; then
		echo "mk/deps.sh: every header and library is there, yet a program using them all does not build:" >&2
		cat "$tmp/log" >&2
		exit 1
	fi
	echo "mk/deps.sh: $1 does not find what the build needs:$what" >&2
	tell_missing "$missing"
}

# apt_update: apt-get update (its output on stderr), waiting up to
# LOCK_WAIT seconds while another apt-get holds the package lists' lock:
# apt's own lock timeout (DPkg::Lock::Timeout) waits for dpkg's lock, as
# apt-get install takes it, but not for that one.  So try again every
# 5 s while apt says it could not get a lock.
apt_update() {
	waited=0
	log=$(mktemp)
	while :; do
		st=0
		LC_ALL=C apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" update -q \
		    > "$log" 2>&1 || st=$?
		if [ "$st" -eq 0 ] || ! grep -q '^E: Could not get lock' "$log" ||
		    [ "$waited" -ge "$LOCK_WAIT" ]; then
			cat "$log" >&2
			rm -f "$log"
			return "$st"
		fi
		[ "$waited" -gt 0 ] ||
			echo "mk/deps.sh: another apt-get holds the package lists: waiting (at most $LOCK_WAIT s)" >&2
		sleep 5
		waited=$((waited + 5))
	done
}

case "${1:-build}" in
build) want=$build ;;
check) want=$check ;;
bench) want=$bench ;;
deb) want=$deb ;;
probe) shift; probe "$@"; exit 0 ;;
*) usage ;;
esac
command -v dpkg-query > /dev/null 2>&1 || exit 0
missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt_update
	# shellcheck disable=SC2086 # missing is a word list
	apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" install -y -q \
	    --no-install-recommends $missing >&2
else
	tell_missing "$missing"
fi
