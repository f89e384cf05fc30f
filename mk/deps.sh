#!/bin/sh
# mk/deps.sh build|check|bench - make sure the Debian packages a target
# needs are installed.  As root, install the missing ones with apt-get;
# otherwise print the exact command and fail.  Without dpkg-query (not
# Debian) do nothing: the build then says what is missing.
set -eu
build="gcc make pkg-config libfftw3-dev libpng-dev zlib1g-dev libopenblas-dev"
check="$build bats bats-assert bats-support python3 python3-numpy python3-scipy python3-pil imagemagick mandoc groff-base time"
check="$check python3-torch python3-matplotlib libglu1-mesa-dev libglm-dev clang valgrind parallel"
bench="$check python3-opencv libvips-tools hyperfine time python3-numexpr"
case "${1:-build}" in
build) want=$build ;;
check) want=$check ;;
bench) want=$bench ;;
*) echo "usage: mk/deps.sh build|check|bench" >&2; exit 2 ;;
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
	apt-get update -q >&2
	apt-get install -y -q --no-install-recommends $missing >&2
else
	echo "missing packages:$missing" >&2
	echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
