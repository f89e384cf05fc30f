# tpipe - small Unix filters for tensors.
#   make            build the tools into $(BUILD)/bin (and their private
#                   libraries in $(BUILD)/lib/tpipe, the public library
#                   and completions); first checks that the compiler finds
#                   the headers and libraries the build needs, and names
#                   the Debian packages missing if not (mk/deps.sh probe)
#   make tests      build the C unit tests and the fuzz replays
#   make check      build all that and run every test; ends with
#                   "N passed, N failed"
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan
#   make check SANITIZE=thread   the unit tests and the threaded tools'
#                   tests under ThreadSanitizer, in build-tsan
#                   (both take one in TPIPE_TEST_SPARSE=4 of the random
#                   cases and cut points; =1 takes them all)
#   make CC=clang BUILD=build-clang   the same build with clang
#   make demo       build and run the demo
#   make bench      side-by-side benchmarks (bench/README.md)
#   make fuzz FUZZ_SECONDS=60   build the libFuzzer targets (clang) into
#                   $(BUILD_FUZZ) and run each for FUZZ_SECONDS from its
#                   seed corpus fuzz/corpus/TARGET (fuzz/README.md)
#   make valgrind   every tool under valgrind memcheck on a few good and
#                   bad inputs; ends with a pass/fail line (mk/valgrind.sh)
#   make lib        the public library (libtpipe(3)): $(BUILD)/lib/
#                   libtpipe.so.0.1.0, libtpipe.a, tpipe.pc (make all too)
#   make install PREFIX=/usr/local DESTDIR= LIBDIR=$(PREFIX)/lib
#   make uninstall  (the same PREFIX and DESTDIR) removes what install put
#   make deb        the Debian packages (debian/) into $(BUILD)/deb
#   make check-deb  make deb, then test/deb.bats on those packages; ends
#                   with "N passed, N failed" (CI runs it after check)
#   make completion the bash completions into $(BUILD)/completion
# demo, check and bench first install the Debian packages they need when
# run as root (mk/deps.sh); plain make and make install never do.
# Every compile writes a dependency file beside its object (-MMD -MP), so
# an edit to a header rebuilds only the objects that include it.

VERSION = 0.1.0
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
SONAME = libtpipe.so.0

CC ?= cc
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN = -Wall -Wextra
CPPFLAGS += -D_GNU_SOURCE -DTPIPE_VERSION='"$(VERSION)"' -Ilib -Iinclude
LDLIBS = -lfftw3_threads -lfftw3f_threads -lfftw3 -lfftw3f -lopenblas -ltiff -ljpeg -lpng -ldeflate -lz -lm -lpthread
# Libraries one tool alone links (LDLIBS_tool): assimp reads tproject's
# OBJ and PLY meshes (lib/mesh_file.c).
LDLIBS_tproject = -lassimp

# A sanitized tool runs several times slower, and the sanitizer looks
# for memory and thread errors, which fewer random draws of each kind of
# case still reach: the tests take about one in TPIPE_TEST_SPARSE of
# their random cases and cut points (test/README.md).
ifneq ($(filter 1 thread,$(SANITIZE)),)
TPIPE_TEST_SPARSE ?= 4
export TPIPE_TEST_SPARSE
endif

ifeq ($(SANITIZE),1)
BUILD ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
CFLAGS += $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
else ifeq ($(SANITIZE),thread)
# ThreadSanitizer: make check runs the unit tests, the bats files of
# the tools that run threads (a new threaded tool adds its file here)
# and progress.bats (every tool's progress timer thread); mk/runtests.sh
# gives TSan test/tsan.supp and fails on every report.
BUILD ?= build-tsan
SANFLAGS = -fsanitize=thread -fno-omit-frame-pointer
CFLAGS += $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
CHECK_TESTS = test/tconv.bats test/tblur.bats test/treshape.bats \
    test/tproject.bats test/raster.bats test/tgrad.bats \
    test/tgrad_course.bats test/tmath.bats test/tfft.bats \
    test/progress.bats
else
BUILD ?= build
endif

DEPFLAGS = -MMD -MP
COMPILE = $(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(DEPFLAGS)
LINK = $(CC) $(CFLAGS) $(WARN) $(LDFLAGS)

TOOLS = $(patsubst cmd/%.c,%,$(wildcard cmd/*.c))
LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(patsubst lib/%.c,$(BUILD)/obj/lib/%.o,$(LIBSRC))
UNITS = $(patsubst test/unit/%.c,$(BUILD)/unit/%,$(wildcard test/unit/*.c))
BINS = $(addprefix $(BUILD)/bin/,$(TOOLS))
MANS = $(wildcard man/*.1 man/*.7)
COMPLETIONS = $(addprefix $(BUILD)/completion/,$(TOOLS))

# The fuzz harnesses (fuzz/README.md): replay-TARGET runs a target's
# LLVMFuzzerTestOneInput on files, built with $(CC) in every build so
# that make check (test/fuzz.bats) replays the corpus and regressions;
# error.c is built again with -DTP_FUZZ (dies return to the harness)
# and the allocators are wrapped (fuzz/support.c frees what a die left).
FUZZ_TARGETS = npy png text einops grad numbers raw tiff jpeg mrc mat slices
FUZZ_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,--wrap=posix_memalign
REPLAYS = $(addprefix $(BUILD)/fuzz/replay-,$(FUZZ_TARGETS))

all: $(BUILD)/libtpipe.a $(BINS) completion lib

tests: $(UNITS) $(REPLAYS)

# The package step of the goal (none for plain make and install), then
# the probe of the build's headers and libraries, finish before anything
# compiles: every object waits for its directory, the directories wait
# for the probe and the probe for the package step, also under make -j.
DEPS_STEP = $(if $(filter bench,$(MAKECMDGOALS)),deps-bench,$(if \
    $(filter check demo,$(MAKECMDGOALS)),deps-check))

# Objects in $(BUILD)/obj/DIR for the sources in lib/, cmd/, test/unit/
# and fuzz/, each with its dependency file beside it.
$(BUILD)/obj/lib/%.o: lib/%.c | $(BUILD)/obj/lib
	$(COMPILE) $(PRIV_CFLAGS) -c -o $@ $<

$(BUILD)/obj/cmd/%.o: cmd/%.c | $(BUILD)/obj/cmd
	$(COMPILE) -c -o $@ $<

$(BUILD)/obj/unit/%.o: test/unit/%.c | $(BUILD)/obj/unit
	$(COMPILE) -c -o $@ $<

$(BUILD)/obj/fuzz/lib-error.o: lib/error.c | $(BUILD)/obj/fuzz
	$(COMPILE) -DTP_FUZZ -c -o $@ $<

$(BUILD)/obj/fuzz/%.o: fuzz/%.c | $(BUILD)/obj/fuzz
	$(COMPILE) -Ifuzz -c -o $@ $<

# tmath's engine, every lib/expr*.c (kernels, conversions, evaluation,
# the 0-d values resolution computes): float32 computed in float and
# never contracted into fused multiply-adds (numpy's results bit for
# bit), loops vectorised.  A new expr file gets these flags by its name.
$(BUILD)/obj/lib/expr_%.o: CFLAGS += -O3 -ffp-contract=off -fno-math-errno
# tproject's kernels (lib/project.c, compiled also for AVX2 and AVX-512):
# never contracted, so that every machine writes the same bits.
$(BUILD)/obj/lib/project.o: CFLAGS += -ffp-contract=off

$(BUILD)/libtpipe.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $(LIBOBJ)

# The public library (libtpipe(3), include/tpipe/): lib/ again, compiled
# position-independent with hidden symbols into $(BUILD)/pic, linked into
# one relocatable object whose calls to malloc and its kin go to track.c
# (mk/libtpipe.redefine: what a call that dies allocated is freed), every
# name but the public tpipe_* made local (hidden ones, and the resolvers
# clang makes global for target_clones); from it libtpipe.so (soname
# libtpipe.so.0, the names mk/libtpipe.map exports) and libtpipe.a.  The
# tools link the private libraries below instead.
PICOBJ = $(patsubst lib/%.c,$(BUILD)/pic/lib/%.o,$(LIBSRC))
LIBS_PRIVATE = $(LDLIBS_tproject) $(LDLIBS)
MAKE_PC = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
    -e 's|@LIBS_PRIVATE@|$(LIBS_PRIVATE)|' mk/tpipe.pc.in
lib: $(BUILD)/lib/libtpipe.so.$(VERSION) $(BUILD)/lib/$(SONAME) \
    $(BUILD)/lib/libtpipe.so $(BUILD)/lib/libtpipe.a $(BUILD)/lib/tpipe.pc

$(BUILD)/pic/lib/%.o: lib/%.c | $(BUILD)/pic/lib
	$(COMPILE) -fPIC -fvisibility=hidden -c -o $@ $<

$(BUILD)/pic/lib/expr_%.o: CFLAGS += -O3 -ffp-contract=off -fno-math-errno
$(BUILD)/pic/lib/project.o: CFLAGS += -ffp-contract=off

$(BUILD)/pic/tpipe.o: $(PICOBJ) mk/libtpipe.redefine
	ld -r -o $@.tmp $(filter-out %/track.o,$(PICOBJ))
	objcopy --redefine-syms=mk/libtpipe.redefine $@.tmp
	ld -r -o $@ $@.tmp $(BUILD)/pic/lib/track.o
	objcopy --wildcard --keep-global-symbol='tpipe_*' $@
	rm -f $@.tmp

$(BUILD)/lib/libtpipe.so.$(VERSION): $(BUILD)/pic/tpipe.o mk/libtpipe.map \
    | $(BUILD)/lib
	$(LINK) -shared -Wl,-soname,$(SONAME) \
	    -Wl,--version-script=mk/libtpipe.map -Wl,--no-undefined \
	    -o $@ $(BUILD)/pic/tpipe.o $(LIBS_PRIVATE)

$(BUILD)/lib/$(SONAME) $(BUILD)/lib/libtpipe.so: | $(BUILD)/lib
	ln -sf $(if $(filter %.so,$@),$(SONAME),libtpipe.so.$(VERSION)) $@

$(BUILD)/lib/libtpipe.a: $(BUILD)/pic/tpipe.o | $(BUILD)/lib
	rm -f $@ && ar rcs $@ $(BUILD)/pic/tpipe.o

# tpipe.pc for the installed library; the scratch installs of the tests
# set PREFIX too.
$(BUILD)/lib/tpipe.pc: mk/tpipe.pc.in Makefile | $(BUILD)/lib
	$(MAKE_PC) > $@

# The tools' private libraries (include/tpipe/README, "The tools and
# their libraries"): the objects of $(BUILD)/obj/lib but api*.c, split by
# the system libraries they use, each libtpipe-GROUP.so.$(VERSION) in
# $(BUILD)/lib/tpipe (installed in $(LIBDIR)/tpipe): base (core, io,
# pictures, threads and the engines that need nothing more), fftw (FFTW
# and the engines on it), grad (OpenBLAS), mesh (assimp).  Every name is
# exported under TPIPE_PRIVATE_$(VERSION) (mk/libtpipe-private.map); a
# group links only the groups in PRIV_USES_group (--no-undefined fails
# the build if base, say, calls into fftw); the tools and the groups link
# --as-needed, so each records in NEEDED only the libraries it calls.
# The tools find them by RUNPATH: $ORIGIN/../lib/tpipe in the build
# tree, $(LIBDIR)/tpipe installed (make install links them again).
PRIV_GROUPS = mesh grad fftw base
PRIV_SRC_fftw = lib/fft.c lib/fft_axes.c \
    $(wildcard lib/blur*.c lib/conv*.c lib/spectrum*.c)
PRIV_SRC_grad = $(wildcard lib/grad*.c)
PRIV_SRC_mesh = lib/mesh_file.c
PRIV_SRC_base = $(filter-out $(wildcard lib/api*.c) $(PRIV_SRC_fftw) \
    $(PRIV_SRC_grad) $(PRIV_SRC_mesh),$(LIBSRC))
PRIV_USES_fftw = base
PRIV_USES_grad = fftw base
PRIV_USES_mesh = base
PRIV_CFLAGS = -fPIC -fno-semantic-interposition
PRIV = $(BUILD)/lib/tpipe/libtpipe-$(1).so.$(VERSION)
PRIV_FILES = $(foreach g,$(PRIV_GROUPS),$(call PRIV,$g))
PRIV_LINK = -L$(BUILD)/lib/tpipe -Wl,--as-needed \
    $(foreach g,$(PRIV_GROUPS),-l:$(notdir $(call PRIV,$g)))
RUNPATH = -Wl,--enable-new-dtags,-rpath,
define PRIV_RULE
$(call PRIV,$(1)): $(patsubst lib/%.c,$(BUILD)/obj/lib/%.o,$(PRIV_SRC_$(1))) \
    $(foreach u,$(PRIV_USES_$(1)),$(call PRIV,$u)) mk/libtpipe-private.map \
    | $(BUILD)/lib/tpipe
	$$(LINK) -shared -Wl,-soname,$$(@F) -Wl,--no-undefined \
	    -Wl,--version-script=mk/libtpipe-private.map \
	    -Wl,-Bsymbolic-functions $$(RUNPATH)'$$$$ORIGIN' -o $$@ \
	    $$(filter %.o,$$^) -L$$(@D) -Wl,--as-needed \
	    $(foreach u,$(PRIV_USES_$(1)),-l:$$(notdir $(call PRIV,$u))) \
	    $$(LDLIBS_tproject) $$(LDLIBS)
endef
$(foreach g,$(PRIV_GROUPS),$(eval $(call PRIV_RULE,$g)))

$(BUILD)/bin/%: $(BUILD)/obj/cmd/%.o $(PRIV_FILES) | $(BUILD)/bin
	$(LINK) -o $@ $< $(PRIV_LINK) $(LDLIBS_$*) $(LDLIBS) \
	    $(RUNPATH)'$$ORIGIN/../lib/tpipe'

# --as-needed here too (gcc's default on Debian, not clang's): a unit
# test that loads OpenBLAS without calling it gets its worker threads,
# whose stacks a forked child reuses (threads_test counts on none)
$(BUILD)/unit/%: $(BUILD)/obj/unit/%.o $(BUILD)/libtpipe.a | $(BUILD)/unit
	$(LINK) -o $@ $< $(BUILD)/libtpipe.a -Wl,--as-needed $(LDLIBS)

$(BUILD)/fuzz/replay-%: $(BUILD)/obj/fuzz/replay.o $(BUILD)/obj/fuzz/%.o \
    $(BUILD)/obj/fuzz/support.o $(BUILD)/obj/fuzz/lib-error.o \
    $(BUILD)/libtpipe.a | $(BUILD)/fuzz
	$(LINK) $(FUZZ_WRAP) -o $@ $(filter %.o,$^) $(BUILD)/libtpipe.a $(LDLIBS)

# Each tool's completion comes from its own option table (--tpipe-options).
completion: $(COMPLETIONS)

$(BUILD)/completion/%: $(BUILD)/bin/% mk/completion.sh
	mk/completion.sh $(@D) $<

BUILD_DIRS = $(BUILD)/bin $(BUILD)/unit $(BUILD)/fuzz $(BUILD)/obj/lib \
    $(BUILD)/obj/cmd $(BUILD)/obj/unit $(BUILD)/obj/fuzz $(BUILD)/pic/lib \
    $(BUILD)/lib $(BUILD)/lib/tpipe
$(BUILD_DIRS): | deps-probe
	mkdir -p $@

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/pic/lib/*.d)

# make fuzz: the libFuzzer build, every object compiled by clang with
# -DTP_FUZZ and coverage; each target runs FUZZ_SECONDS at nice 19 from
# a scratch corpus (new inputs go there, not into the tree) and the
# committed seeds; findings land in $(BUILD_FUZZ)/findings.
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -DTP_FUZZ \
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LIBOBJ = $(patsubst lib/%.c,$(BUILD_FUZZ)/lib/%.o,$(LIBSRC))
FUZZ_BINS = $(addprefix $(BUILD_FUZZ)/fuzz-,$(FUZZ_TARGETS))

$(BUILD_FUZZ)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(BUILD_FUZZ)/obj/%.o: fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -Ifuzz $(FUZZ_CFLAGS) $(WARN) $(DEPFLAGS) -c -o $@ $<

$(BUILD_FUZZ)/libtpipe.a: $(FUZZ_LIBOBJ)
	rm -f $@ && ar rcs $@ $(FUZZ_LIBOBJ)

$(BUILD_FUZZ)/fuzz-%: $(BUILD_FUZZ)/obj/%.o $(BUILD_FUZZ)/obj/support.o \
    $(BUILD_FUZZ)/libtpipe.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(WARN) -fsanitize=fuzzer,address,undefined \
	    $(FUZZ_WRAP) -o $@ $< $(BUILD_FUZZ)/obj/support.o \
	    $(BUILD_FUZZ)/libtpipe.a $(LDLIBS)

-include $(wildcard $(BUILD_FUZZ)/lib/*.d $(BUILD_FUZZ)/obj/*.d)

fuzz-build: $(FUZZ_BINS)

# libmatio is not linked: lib/matfile.c loads it (dlopen) the first time
# a .mat file is read or written, by the soname of the libmatio.so the
# compiler finds (evaluated when matfile.c compiles, after the package
# step).  Linked, it and HDF5's dependencies took 4 to 7 ms of every
# tool's start.
MATIO_SONAME = $(shell objdump -p "$$($(CC) -print-file-name=libmatio.so)" \
    2>/dev/null | sed -n 's/^ *SONAME *//p')
$(BUILD)/obj/lib/matfile.o $(BUILD)/pic/lib/matfile.o \
    $(BUILD_FUZZ)/lib/matfile.o: CPPFLAGS += \
    -DTP_MATIO_SONAME='"$(MATIO_SONAME)"'

fuzz: fuzz-build
	@BUILD_FUZZ=$(BUILD_FUZZ) FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh $(FUZZ_TARGETS)

valgrind: all
	@BUILD=$(BUILD) mk/valgrind.sh

# Missing Debian packages are installed when root, else named; nothing is
# done where dpkg-query does not exist (not Debian).
DEPS_SH = mk/deps.sh
deps-build:
	@$(DEPS_SH) build
deps-check:
	@$(DEPS_SH) check
deps-bench:
	@$(DEPS_SH) bench
deps-deb:
	@$(DEPS_SH) deb
# The probe never installs: it compiles and links a program that includes
# every header and library the build needs, with $(CC) and the build's
# flags (not the sanitizers'), and if that fails names the packages
# missing and the command that installs them, and stops.
deps-probe: | $(DEPS_STEP)
	@$(DEPS_SH) probe $(CC) $(CPPFLAGS) $(filter-out $(SANFLAGS),$(CFLAGS) $(LDFLAGS))

check: deps-check all tests
	@BUILD=$(BUILD) mk/runtests.sh $(CHECK_TESTS)

demo: deps-check all
	@BUILD=$(BUILD) mk/demo.sh

bench: deps-bench all
	@BUILD=$(BUILD) bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(COMPLETIONDIR)
	install -d $(DESTDIR)$(LIBDIR)/tpipe
	install -m 644 $(PRIV_FILES) $(DESTDIR)$(LIBDIR)/tpipe/
	for t in $(TOOLS); do \
	    $(LINK) -o $(DESTDIR)$(PREFIX)/bin/$$t $(BUILD)/obj/cmd/$$t.o \
	    $(PRIV_LINK) $(LDLIBS) $(RUNPATH)$(LIBDIR)/tpipe || exit 1; \
	done
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/
	install -m 644 $(COMPLETIONS) $(DESTDIR)$(COMPLETIONDIR)/
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(INCLUDEDIR)/tpipe $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(BUILD)/lib/libtpipe.so.$(VERSION) \
	    $(BUILD)/lib/libtpipe.a $(DESTDIR)$(LIBDIR)/
	ln -sf libtpipe.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libtpipe.so
	install -m 644 include/tpipe/*.h $(DESTDIR)$(INCLUDEDIR)/tpipe/
	install -m 644 man/*.3 $(DESTDIR)$(MANDIR)/man3/
	$(MAKE_PC) > $(DESTDIR)$(PKGCONFIGDIR)/tpipe.pc

# The Debian packages tpipe, libtpipe0 and libtpipe-dev (debian/),
# built by dpkg-buildpackage in a copy of the tracked files under
# $(BUILD)/deb, where the .deb files land; mk/deps.sh deb installs
# debhelper and lintian.  TPIPE_DEBS=$(BUILD)/deb bats test/deb.bats
# installs them in a scratch root and runs a tool and an example.
# -J: as many jobs as processors (dpkg-buildpackage's auto).
deb: deps-deb
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/tpipe-$(VERSION)
	git ls-files | tar -cT - | tar -x -C $(BUILD)/deb/tpipe-$(VERSION)
	cd $(BUILD)/deb/tpipe-$(VERSION) && dpkg-buildpackage -us -uc -b -J
	lintian --fail-on error $(BUILD)/deb/*.changes

# The packages' own tests, without the unit tests make check runs.
check-deb: deb
	@BUILD=$(BUILD) TPIPE_DEBS=$(CURDIR)/$(BUILD)/deb TPIPE_UNIT=0 \
	    mk/runtests.sh $(CURDIR)/test/deb.bats

# Remove every file install put in place; the directories stay, as they
# may hold other packages' files.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(TOOLS)) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(wildcard man/*.7))) \
	    $(addprefix $(DESTDIR)$(COMPLETIONDIR)/,$(TOOLS)) \
	    $(addprefix $(DESTDIR)$(LIBDIR)/,libtpipe.so.$(VERSION) \
	    $(SONAME) libtpipe.so libtpipe.a) \
	    $(addprefix $(DESTDIR)$(LIBDIR)/tpipe/,$(notdir $(PRIV_FILES))) \
	    $(DESTDIR)$(PKGCONFIGDIR)/tpipe.pc \
	    $(addprefix $(DESTDIR)$(INCLUDEDIR)/tpipe/,$(notdir $(wildcard include/tpipe/*.h))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(wildcard man/*.3)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/tpipe $(DESTDIR)$(LIBDIR)/tpipe 2>/dev/null

clean:
	rm -rf build build-san build-tsan build-clang build-fuzz

.PHONY: all lib tests check demo bench install uninstall completion clean deb \
    check-deb deps-deb \
    deps-build deps-check deps-bench deps-probe fuzz fuzz-build valgrind
.SECONDARY:
