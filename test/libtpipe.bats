#!/usr/bin/env bats
# libtpipe(3), the public library, and the tools' private ones (each
# tool loads only the system libraries it calls): make install into a scratch root puts
# the shared and static libraries, the header, tpipe.pc and the section 3
# pages; the exported symbols are mk/libtpipe.symbols; each page's
# EXAMPLES program, built with nothing but pkg-config, does byte for
# byte what the tool does, and gets errors back as values (the tool's
# message, the program goes on, nothing leaked under ASan).

load helpers

setup_file() {
	local build top=$TPIPE_TOP san=
	build=$(basename "$(dirname "$TPIPE_BIN")")
	ROOT=$BATS_FILE_TMPDIR/root
	if nm "$TPIPE_BIN/tcat" 2> /dev/null | grep -q __asan_init; then
		san=1
		SANCC="-fsanitize=address,undefined -fno-omit-frame-pointer"
	elif nm "$TPIPE_BIN/tcat" 2> /dev/null | grep -q __tsan_init; then
		san=thread
		SANCC=-fsanitize=thread
	fi
	export ROOT SANCC
	env -u MAKEFLAGS -u MAKELEVEL make -s -C "$top" install \
	    BUILD="$build" SANITIZE="$san" \
	    PREFIX=/usr DESTDIR="$ROOT" > "$BATS_FILE_TMPDIR/install.log" 2>&1 ||
	    { cat "$BATS_FILE_TMPDIR/install.log" >&3; return 1; }
	cd "$BATS_FILE_TMPDIR" || return 1
	"$PY" - <<'PY'
import numpy as np
r = np.random.default_rng(7)
np.save('a.npy', r.standard_normal((6, 7)))
np.save('img.npy', r.integers(0, 256, (9, 11, 3), dtype=np.uint8))
with open('two.npy', 'wb') as f:
    np.save(f, r.standard_normal(16).astype(np.float32))
    np.save(f, r.integers(0, 65536, (5, 8), dtype=np.uint16))
np.save('c.npy', np.ones(4, complex))
b = open('a.npy', 'rb').read()
open('cut.npy', 'wb').write(b[:-8])
open('badhdr.npy', 'wb').write(b[:10] + b'{"descr": "<x9"' + b[25:])
np.save('pts.npy', r.standard_normal((7, 3)) * 2)
with open('pts2.npy', 'wb') as f:
    q = r.standard_normal((2, 5, 4)).astype(np.float32)
    q[..., 3] = 1 + np.abs(q[..., 3])
    np.save(f, q)
    np.save(f, r.integers(-3, 4, (4, 3), dtype=np.int16))
    np.save(f, np.zeros((0, 3)))
np.save('k2.npy', r.standard_normal((3, 4)))
np.save('k9.npy', r.standard_normal((9, 9)).astype(np.float32))
np.save('k0.npy', np.zeros((0, 3)))
np.save('big.npy', r.standard_normal((64, 64)))
with open('batch.npy', 'wb') as f:
    np.save(f, r.standard_normal((2, 6, 7)).astype(np.float32))
    np.save(f, r.integers(0, 9, (5, 5), dtype=np.uint8))
with open('bhwc.npy', 'wb') as f:
    np.save(f, r.standard_normal((2, 6, 4)))
    np.save(f, r.integers(0, 99, (3, 6, 5), dtype=np.int32))
with open('X.npy', 'wb') as f:
    np.save(f, r.standard_normal((5, 4)))
    np.save(f, r.standard_normal((5, 4)))
np.save('W.npy', r.standard_normal((4, 3)))
np.save('Wbad.npy', r.standard_normal((6, 3)))
np.save('b.npy', r.standard_normal(3))
np.save('y.npy', np.array([0, 2, 1, 1, 0]))
np.save('ybad.npy', np.array([0, 2, 1, 7, 0]))
x = np.ones((3, 3))
x[1, 2] = np.nan
np.save('nan.npy', x)
PY
}

# pcflags: what pkg-config says for the scratch install.
pcflags() {
	PKG_CONFIG_PATH=$ROOT/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$ROOT \
	    pkg-config --cflags --libs tpipe
}

# example PAGE NAME: the C program of PAGE's EXAMPLES (the first
# unindented literal block of the installed page), compiled as NAME.
example() {
	awk '/^\.Sh EXAMPLES/ { ex = 1; next }
	    ex && /^\.Bd -literal$/ { on = 1; next }
	    on && /^\.Ed/ { exit }
	    on' "$ROOT/usr/share/man/man3/$1" |
	    sed -e 's/\\e/\\/g' -e 's/\\&//g' > "$2.c"
	[ -s "$2.c" ] || fail "$1 has no EXAMPLES program"
	# shellcheck disable=SC2046,SC2086
	${CC:-cc} $SANCC -Wall -Wextra -Werror -o "$2" "$2.c" $(pcflags) ||
	    fail "the example of $1 does not compile with pkg-config's flags"
}

# lib PROG ARGS...: run PROG on the installed library.
lib() {
	LD_LIBRARY_PATH=$ROOT/usr/lib bounded "$@"
}

@test "make install puts libtpipe.so.0, libtpipe.a, the header, tpipe.pc and the section 3 pages; uninstall removes them" {
	local l=$ROOT/usr/lib
	[ -f "$l/libtpipe.so.0.1.0" ] && [ -f "$l/libtpipe.a" ]
	[ "$(readlink "$l/libtpipe.so.0")" = libtpipe.so.0.1.0 ]
	[ "$(readlink "$l/libtpipe.so")" = libtpipe.so.0 ]
	run readelf -d "$l/libtpipe.so.0.1.0"
	assert_output --partial "Library soname: [libtpipe.so.0]"
	[ -f "$ROOT/usr/include/tpipe/tpipe.h" ]
	for p in base fftw grad mesh; do
		[ -f "$l/tpipe/libtpipe-$p.so.0.1.0" ]
	done
	for p in libtpipe tpipe_stream tpipe_blur tpipe_conv tpipe_fft \
	    tpipe_grad tpipe_project tpipe_reshape; do
		[ -f "$ROOT/usr/share/man/man3/$p.3" ]
	done
	run env PKG_CONFIG_PATH=$l/pkgconfig pkg-config --modversion tpipe
	assert_output 0.1.0
	cp -a "$ROOT" "$ROOT.u"
	make -s -C "$TPIPE_TOP" uninstall PREFIX=/usr DESTDIR="$ROOT.u"
	run find "$ROOT.u" ! -type d
	assert_output ""
}

# loaded TOOL...: the libraries the tool loads when it runs (LD_DEBUG's
# "calling init" lines), one file name a line.
loaded() {
	LD_DEBUG=libs "$@" --version 2>&1 > /dev/null |
	    sed -n 's|.*calling init: .*/||p' | sort -u
}

@test "each tool links and loads only what it uses: FFTW, OpenBLAS and assimp only where used, its private libraries by RUNPATH, installed too" {
	local t lib needed libs
	[ -f "$ROOT/usr/lib/tpipe/libtpipe-base.so.0.1.0" ] ||
	    fail "make install put no private library"
	for t in tcat tinfo treshape tgen tmath tblur tconv tfft tgrad \
	    tproject; do
		for lib in "$TPIPE_BIN/$t" "$ROOT/usr/bin/$t"; do
			needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
			libs=$(LD_LIBRARY_PATH=$ROOT/usr/lib/tpipe loaded "$lib")
			grep -qx libtpipe-base.so.0.1.0 <<< "$libs" ||
			    fail "$lib does not load libtpipe-base: $libs"
			! grep -E '^lib(tpipe\.so|fftw|openblas|assimp)' <<< "$needed" ||
			    fail "$lib links a library it does not call: $needed"
			case $t in
			tblur|tconv|tfft|tgrad) grep -q '^libfftw3\.so' <<< "$libs" ||
			    fail "$t does not load FFTW: $libs" ;;
			*) ! grep '^libfftw' <<< "$libs" ||
			    fail "$t loads FFTW" ;;
			esac
			if [ $t = tgrad ]; then
				grep -q '^libopenblas' <<< "$libs" ||
				    fail "tgrad does not load OpenBLAS: $libs"
			else
				! grep openblas <<< "$libs" ||
				    fail "$t loads OpenBLAS"
			fi
			if [ $t = tproject ]; then
				grep -q '^libassimp' <<< "$libs" ||
				    fail "tproject does not load assimp: $libs"
			else
				! grep assimp <<< "$libs" || fail "$t loads assimp"
			fi
		done
		run readelf -d "$TPIPE_BIN/$t"
		assert_output --partial 'Library runpath: [$ORIGIN/../lib/tpipe]'
		refute_output --partial '(RPATH)'
		run readelf -d "$ROOT/usr/bin/$t"
		assert_output --partial 'Library runpath: [/usr/lib/tpipe]'
		refute_output --partial '(RPATH)'
	done
	cd "$BATS_FILE_TMPDIR" || return 1
	LD_LIBRARY_PATH=$ROOT/usr/lib/tpipe "$ROOT/usr/bin/tcat" a.npy two.npy |
	    cmp - <(tcat a.npy two.npy)
}

@test "no tool links libmatio: tcat and the library load it (and HDF5) only to read or write a .mat file" {
	local lib libs
	cd "$BATS_FILE_TMPDIR" || return 1
	for lib in "$TPIPE_BIN"/* "$ROOT"/usr/lib/libtpipe.so.0.1.0 \
	    "$ROOT"/usr/lib/tpipe/*.so.*; do
		run readelf -d "$lib"
		assert_success
		refute_output --partial libmatio
		refute_output --partial libhdf5
	done
	libs=$(LD_DEBUG=libs tcat a.npy 2>&1 > /dev/null)
	! grep -E 'calling init: .*lib(matio|hdf5)' <<< "$libs" ||
	    fail "tcat of a .npy loads libmatio: $libs"
	libs=$(LD_DEBUG=libs tcat a.npy -o a.mat 2>&1)
	grep -q 'calling init: .*libmatio' <<< "$libs" ||
	    fail "tcat -o a.mat does not load libmatio: $libs"
	libs=$(LD_DEBUG=libs tcat a.mat -o back.npy 2>&1)
	grep -q 'calling init: .*libhdf5' <<< "$libs" ||
	    fail "tcat a.mat does not load libmatio's HDF5: $libs"
	cmp back.npy <(tcat a.npy)
}

@test "a program links the static libtpipe.a with pkg-config --static, needs no libtpipe.so, and copies as tcat" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example libtpipe.3 copy
	local flags
	flags=$(PKG_CONFIG_PATH=$ROOT/usr/lib/pkgconfig \
	    PKG_CONFIG_SYSROOT_DIR=$ROOT pkg-config --static --cflags --libs tpipe)
	# shellcheck disable=SC2086
	${CC:-cc} $SANCC -o copy-static copy.c ${flags/-ltpipe/-l:libtpipe.a}
	run ldd copy-static
	refute_output --partial libtpipe
	./copy-static a.npy two.npy > got.npy
	tcat a.npy two.npy | cmp - got.npy
}

@test "the library exports mk/libtpipe.symbols and nothing else; the static one no internal name" {
	run sh -c "nm -D --defined-only '$ROOT/usr/lib/libtpipe.so.0' |
	    awk '{ sub(/@@/, \"@\", \$3); print \" \" \$3 \" 0.1.0\" }' |
	    sed 's/^ TPIPE_0 / TPIPE_0@TPIPE_0 /' | sort"
	assert_output "$(tail -n +3 "$TPIPE_TOP/mk/libtpipe.symbols")"
	run sh -c "nm -g --defined-only '$ROOT/usr/lib/libtpipe.a' |
	    awk 'NF == 3 { print \$3 }' | grep -v '^tpipe_'"
	assert_output ""
}

@test "libtpipe.3: the example copies as tcat, reports a file it cannot read with tcat's message and goes on" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example libtpipe.3 copy
	run --separate-stderr lib ./copy a.npy missing.npy cut.npy two.npy
	[ "$status" -eq 1 ] || fail "status $status: $stderr"
	tcat a.npy two.npy > want.npy
	lib ./copy a.npy missing.npy cut.npy two.npy 2> /dev/null > got.npy ||
	    true
	cmp got.npy want.npy
	run -1 tcat missing.npy
	local m1=${output#tcat: }
	run -1 tcat cut.npy
	local m2=${output#tcat: }
	[ "$stderr" = "copy: $m1
copy: $m2" ] || fail "stderr: $stderr"
}

@test "tpipe_stream.3: the example writes text as tcat -O txt does, and refuses a corrupt header as tcat does" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_stream.3 totext
	lib ./totext < two.npy > got.txt
	tcat -O txt two.npy > want.txt
	cmp got.txt want.txt
	run --separate-stderr -1 lib ./totext < badhdr.npy
	local got=$stderr
	run -1 tcat < badhdr.npy
	[ "$got" = "totext: ${output#tcat: }" ] || fail "$got / $output"
}

@test "tpipe_blur.3: the example blurs as tblur -s blurs, byte for byte, float64, an RGB image and a float32 and uint16 stream" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_blur.3 blur
	for f in a.npy img.npy two.npy; do
		lib ./blur 2 < "$f" > "got-$f"
		tblur -j 1 -s 2 "$f" > "want-$f"
		cmp "got-$f" "want-$f" || fail "$f differs from tblur's"
	done
	lib ./blur 0.7 < a.npy > got-small.npy
	tblur -j 1 -s 0.7 a.npy > want-small.npy
	cmp got-small.npy want-small.npy
}

@test "tpipe_blur.3: errors come back with tblur's message and status: a bad sigma (2), truncated data, complex, NaN (1)" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_blur.3 blur
	run --separate-stderr -2 lib ./blur -1 < a.npy
	[ "$stderr" = "blur: sigma must be finite and >= 0, not -1" ] ||
	    fail "$stderr"
	run -2 tblur -s -1 a.npy
	assert_output "tblur: sigma must be finite and >= 0, not -1"
	run --separate-stderr -1 lib ./blur 2 < cut.npy
	[ "$stderr" = "blur: <stdin>: truncated record 0: expected 336 bytes of data, got 328" ] || fail "$stderr"
	[ -z "$output" ]
	run --separate-stderr -1 lib ./blur 2 < c.npy
	[ "$stderr" = "blur: record is complex128: tblur blurs real tensors only" ] || fail "$stderr"
	run --separate-stderr -1 lib ./blur 2 < nan.npy
	[ "$stderr" = "blur: record holds NaN at (1, 2): tblur needs finite values" ] || fail "$stderr"
}

@test "tpipe_project.3: the example projects as tproject, byte for byte, float64, float32 with w, int16 and empty records" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_project.3 project
	local o="--translate 0,0,-5 --viewport 0,0,640,480"
	for f in pts.npy pts2.npy; do
		lib ./project < "$f" > "got-$f"
		# shellcheck disable=SC2086
		tproject --perspective 60,1.5,0.1,100 $o "$f" > "want-$f"
		cmp "got-$f" "want-$f" || fail "$f differs from tproject's"
	done
	lib ./project 30 < pts.npy > got-30.npy
	# shellcheck disable=SC2086
	tproject --perspective 30,1.5,0.1,100 $o pts.npy | cmp - got-30.npy
}

@test "tpipe_project.3: errors come back with tproject's message and status: a bad fovy (2), points of 2 values (1)" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_project.3 project
	run --separate-stderr -2 lib ./project 0 < pts.npy
	local got=$stderr
	run -2 tproject --perspective 0,1.5,0.1,100 pts.npy
	[ "$got" = "project: ${output#tproject: }" ] || fail "$got"
	run --separate-stderr -1 lib ./project < a.npy
	[ "$stderr" = "project: record has shape (6, 7): points must be (..., 3) or (..., 4)" ] || fail "$stderr"
	[ -z "$output" ]
}

@test "tpipe_conv.3: the example convolves as tconv, byte for byte, every mode, a batch, uint8, FFT and direct" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_conv.3 conv
	for m in full same valid; do
		for f in a.npy batch.npy; do
			lib ./conv k2.npy "$m" < "$f" > got.npy
			tconv -j 1 -k k2.npy --mode "$m" "$f" > want.npy
			cmp got.npy want.npy || fail "$f, $m differs"
		done
		lib ./conv k9.npy "$m" < big.npy > got.npy
		tconv -j 1 -k k9.npy --mode "$m" big.npy > want.npy
		cmp got.npy want.npy || fail "big.npy, $m differs"
	done
}

@test "tpipe_conv.3: errors come back with tconv's message: an empty kernel, a signal smaller than the kernel in valid mode" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_conv.3 conv
	run --separate-stderr -1 lib ./conv k0.npy < a.npy
	local got=$stderr
	run -1 tconv -k k0.npy a.npy
	[ "$got" = "conv: kernel: ${output#"tconv: kernel 'k0.npy': "}" ] ||
	    fail "$got / $output"
	run --separate-stderr -1 lib ./conv k9.npy valid < a.npy
	got=$stderr
	[ -z "$output" ]
	run -1 tconv -k k9.npy --mode valid < a.npy
	[ "$got" = "conv: record: ${output#"tconv: <stdin>: record 0: kernel 'k9.npy': "}" ] ||
	    fail "$got / $output"
}

@test "tpipe_fft.3: the example transforms as tfft, byte for byte, float64, float32 with a batch, uint8, the norm and the shift" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_fft.3 power
	local o="--transform rfftn --axes -1 --out power"
	for f in a.npy big.npy batch.npy; do
		lib ./power < "$f" > got.npy
		# shellcheck disable=SC2086
		tfft -j 1 $o "$f" > want.npy
		cmp got.npy want.npy || fail "$f differs"
	done
	lib ./power ortho < big.npy > got.npy
	# shellcheck disable=SC2086
	tfft -j 1 $o --norm ortho big.npy | cmp - got.npy
	lib ./power shift < batch.npy > got.npy
	# shellcheck disable=SC2086
	tfft -j 1 $o --shift batch.npy | cmp - got.npy
}

@test "tpipe_fft.3: errors come back with tfft's message: options that do not go together (2), complex input to rfftn (1)" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_fft.3 power
	run --separate-stderr -2 lib ./power type3 < a.npy
	local got=$stderr
	run -2 tfft --transform rfftn --axes -1 --out power --type 3 a.npy
	[ "$got" = "power: ${output#tfft: }" ] || fail "$got / $output"
	run --separate-stderr -1 lib ./power < c.npy
	got=$stderr
	run -1 tfft --transform rfftn --axes -1 --out power < c.npy
	[ "$got" = "power: ${output#"tfft: <stdin>: record 0, "}" ] ||
	    fail "$got / $output"
}

@test "tpipe_reshape.3: the example reshapes as treshape, byte for byte: patterns with sizes, a shape, a mean" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_reshape.3 reshape
	lib ./reshape 'b (h w) c -> b c h w' h=2 < bhwc.npy > got.npy
	treshape 'b (h w) c -> b c h w' h=2 bhwc.npy | cmp - got.npy
	lib ./reshape 'b h c -> c (b h)' < bhwc.npy > got.npy
	treshape 'b h c -> c (b h)' bhwc.npy | cmp - got.npy
	lib ./reshape -1,2 < bhwc.npy > got.npy
	treshape -1,2 bhwc.npy | cmp - got.npy
	lib ./reshape mean 'b h c -> b c' < bhwc.npy > got.npy
	treshape --reduce mean 'b h c -> b c' bhwc.npy | cmp - got.npy
}

@test "tpipe_reshape.3: errors come back with treshape's message: a bad pattern (2), a shape that does not fit (1)" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_reshape.3 reshape
	run --separate-stderr -2 lib ./reshape 'b h w -> b (h w) c' < bhwc.npy
	local got=$stderr
	run -2 treshape 'b h w -> b (h w) c' bhwc.npy
	[ "$got" = "reshape: ${output#treshape: }" ] || fail "$got / $output"
	run --separate-stderr -1 lib ./reshape 5,-1 < bhwc.npy
	got=$stderr
	run -1 treshape 5,-1 < bhwc.npy
	[ "$got" = "reshape: record: ${output#"treshape: <stdin>: record 0: "}" ] ||
	    fail "$got / $output"
}

@test "tpipe_grad.3: the example's gradients are tgrad's, byte for byte, over two records" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_grad.3 grad
	lib ./grad W.npy b.npy y.npy < X.npy > got.npy
	tgrad -j 1 affine:W.npy,b.npy relu softmax-xent:y.npy < X.npy > want.npy
	cmp got.npy want.npy
	run tinfo got.npy
	[ "${#lines[@]}" -eq 6 ] || fail "$output"
}

@test "tpipe_grad.3: errors come back with tgrad's message: a weight that does not fit X, a label out of range" {
	cd "$BATS_FILE_TMPDIR" || return 1
	example tpipe_grad.3 grad
	run --separate-stderr -1 lib ./grad Wbad.npy b.npy y.npy < X.npy
	local got=$stderr
	[ -z "$output" ]
	run -1 tgrad affine:Wbad.npy,b.npy relu softmax-xent:y.npy < X.npy
	[ "$got" = "grad: record: ${output#"tgrad: record 0 of <stdin>: "}" ] ||
	    fail "$got / $output"
	run --separate-stderr -1 lib ./grad W.npy b.npy ybad.npy < X.npy
	got=$stderr
	run -1 tgrad affine:W.npy,b.npy relu softmax-xent:ybad.npy < X.npy
	# the word names the operand as the program gave it: y, not a file
	local want=${output#"tgrad: record 0 of <stdin>: "}
	[ "$got" = "grad: record: ${want/softmax-xent:ybad.npy/softmax-xent:y}" ] ||
	    fail "$got / $output"
}
