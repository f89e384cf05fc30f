#!/usr/bin/env bats
# The Debian packages (debian/, make deb): tpipe, libtpipe0 and
# libtpipe-dev unpacked into a scratch root with dpkg -x run a tool, and
# the example of tpipe_blur(3) (the page as the package has it) builds
# against them with pkg-config alone and blurs as the packaged tblur.
# Building the packages takes a minute or two, so make check skips this
# file; `make check-deb` (run by CI after make check) builds them and
# runs it with TPIPE_DEBS=build/deb.

load helpers

setup_file() {
	[ -n "${TPIPE_DEBS:-}" ] || return 0
	ROOT=$BATS_FILE_TMPDIR/root
	export ROOT
	for d in "$TPIPE_DEBS"/tpipe_*.deb "$TPIPE_DEBS"/libtpipe0_*.deb \
	    "$TPIPE_DEBS"/libtpipe-dev_*.deb; do
		dpkg -x "$d" "$ROOT" || return 1
	done
}

setup() {
	[ -n "${TPIPE_DEBS:-}" ] ||
	    skip "no packages: make check-deb builds and tests them"
	cd "$BATS_TEST_TMPDIR" || return 1
}

@test "the packages hold the tools and their private libraries (RUNPATH the private directory), libtpipe.so.0 and the development files" {
	local l
	l=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	[ -x "$ROOT/usr/bin/tblur" ]
	[ -f "$ROOT/usr/lib/$l/tpipe/libtpipe-base.so.0.1.0" ]
	run readelf -d "$ROOT/usr/bin/tcat"
	assert_output --partial "Library runpath: [/usr/lib/$l/tpipe]"
	refute_output --partial "(RPATH)"
	refute_output --partial "/build"
	[ -f "$ROOT/usr/lib/$l/libtpipe.so.0.1.0" ]
	[ -f "$ROOT/usr/lib/$l/libtpipe.a" ]
	[ -f "$ROOT/usr/include/tpipe/tpipe.h" ]
	[ -f "$ROOT/usr/lib/$l/pkgconfig/tpipe.pc" ]
	[ -f "$ROOT/usr/share/man/man3/libtpipe.3.gz" ]
	[ -f "$ROOT/usr/share/man/man1/tblur.1.gz" ]
	run dpkg-deb -f "$TPIPE_DEBS"/libtpipe-dev_*.deb Depends
	assert_output --partial "libtpipe0 (= "
	# libmatio is loaded by dlopen: named by hand (debian/rules)
	local p
	for p in tpipe libtpipe0; do
		run dpkg-deb -f "$TPIPE_DEBS"/${p}_*.deb Depends
		assert_output --regexp 'libmatio[0-9]+'
	done
}

@test "a tool from the package runs; the blur example builds against the package and blurs as it does" {
	local l
	l=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	# the tools' private libraries are where the installed tools'
	# RUNPATH names, under the scratch root here
	LD_LIBRARY_PATH=$ROOT/usr/lib/$l/tpipe "$ROOT/usr/bin/tgen" randn 32x32 \
	    > x.npy
	LD_LIBRARY_PATH=$ROOT/usr/lib/$l/tpipe "$ROOT/usr/bin/tblur" -j 1 -s 2 \
	    x.npy > want.npy
	awk '/^\.Sh EXAMPLES/ { ex = 1; next }
	    ex && /^\.Bd -literal$/ { on = 1; next }
	    on && /^\.Ed/ { exit }
	    on' <(zcat "$ROOT/usr/share/man/man3/tpipe_blur.3.gz") |
	    sed -e 's/\\e/\\/g' -e 's/\\&//g' > blur.c
	# shellcheck disable=SC2046
	cc -Wall -Werror -o blur blur.c $(PKG_CONFIG_PATH=$ROOT/usr/lib/$l/pkgconfig \
	    PKG_CONFIG_SYSROOT_DIR=$ROOT pkg-config --cflags --libs tpipe)
	LD_LIBRARY_PATH=$ROOT/usr/lib/$l ./blur 2 < x.npy > got.npy
	cmp got.npy want.npy
	# libmatio, which the package names, is loaded for a .mat file
	LD_LIBRARY_PATH=$ROOT/usr/lib/$l/tpipe "$ROOT/usr/bin/tcat" x.npy \
	    -o x.mat
	LD_LIBRARY_PATH=$ROOT/usr/lib/$l/tpipe "$ROOT/usr/bin/tcat" x.mat |
	    cmp - x.npy
}
