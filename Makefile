# tpipe - small Unix filters for tensors.
#   make            build the tools into $(BUILD)/bin
#   make check      build and run every test; ends with "N passed, N failed"
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan
#   make check SANITIZE=thread   the unit tests and the threaded tools'
#                   tests under ThreadSanitizer, in build-tsan
#   make CC=clang BUILD=build-clang   the same build with clang
#   make demo       build and run the demo
#   make bench      side-by-side benchmarks (bench/README.md)
#   make fuzz FUZZ_SECONDS=60   build the libFuzzer targets (clang) into
#                   $(BUILD_FUZZ) and run each for FUZZ_SECONDS from its
#                   seed corpus fuzz/corpus/TARGET (fuzz/README.md)
#   make valgrind   every tool under valgrind memcheck on a few good and
#                   bad inputs; ends with a pass/fail line (mk/valgrind.sh)
#   make install PREFIX=/usr/local DESTDIR=
#   make uninstall  (the same PREFIX and DESTDIR) removes what install put
#   make completion the bash completions into $(BUILD)/completion
# demo, check and bench first install the Debian packages they need when
# run as root (mk/deps.sh); plain make and make install never do.

VERSION = 0.1.0
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

CC ?= cc
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN = -Wall -Wextra
CPPFLAGS += -D_GNU_SOURCE -DTPIPE_VERSION='"$(VERSION)"' -Ilib
LDLIBS = -lfftw3_threads -lfftw3f_threads -lfftw3 -lfftw3f -lopenblas -lpng -lz -lm -lpthread

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
    test/tproject.bats test/tgrad.bats test/progress.bats
else
BUILD ?= build
endif

TOOLS = $(patsubst cmd/%.c,%,$(wildcard cmd/*.c))
LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIBSRC))
LIBHDR = $(wildcard lib/*.h)
UNITS = $(patsubst test/unit/%.c,$(BUILD)/unit/%,$(wildcard test/unit/*.c))
BINS = $(addprefix $(BUILD)/bin/,$(TOOLS))
MANS = $(wildcard man/*.1 man/*.7)
COMPLETIONS = $(addprefix $(BUILD)/completion/,$(TOOLS))

# The fuzz harnesses (fuzz/README.md): replay-TARGET runs a target's
# LLVMFuzzerTestOneInput on files, built with $(CC) in every build so
# that make check (test/fuzz.bats) replays the corpus and regressions;
# error.c is built again with -DTP_FUZZ (dies return to the harness)
# and the allocators are wrapped (fuzz/support.c frees what a die left).
FUZZ_TARGETS = npy png text einops grad numbers
FUZZ_HDR = $(wildcard fuzz/*.h)
FUZZ_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,--wrap=posix_memalign
REPLAYS = $(addprefix $(BUILD)/fuzz/replay-,$(FUZZ_TARGETS))

all: $(BUILD)/libtpipe.a $(BINS) $(UNITS) $(REPLAYS) completion

# The package step of the goal (none for plain make and install) finishes
# before anything compiles: every object waits for its directory, and the
# directories wait for it, also under make -j.
DEPS_STEP = $(if $(filter bench,$(MAKECMDGOALS)),deps-bench,$(if \
    $(filter check demo,$(MAKECMDGOALS)),deps-check))

$(BUILD)/lib/%.o: lib/%.c $(LIBHDR) | $(BUILD)/lib
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libtpipe.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $(LIBOBJ)

$(BUILD)/bin/%: cmd/%.c $(BUILD)/libtpipe.a $(LIBHDR) | $(BUILD)/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libtpipe.a $(LDLIBS)

$(BUILD)/unit/%: test/unit/%.c test/unit/tap.h $(BUILD)/libtpipe.a $(LIBHDR) | $(BUILD)/unit
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libtpipe.a $(LDLIBS)

# Each tool's completion comes from its own option table (--tpipe-options).
completion: $(COMPLETIONS)

$(BUILD)/completion/%: $(BUILD)/bin/% mk/completion.sh
	mk/completion.sh $(@D) $<

$(BUILD)/fuzz/error.o: lib/error.c $(LIBHDR) | $(BUILD)/fuzz
	$(CC) $(CPPFLAGS) -DTP_FUZZ $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/fuzz/replay-%: fuzz/%.c fuzz/replay.c fuzz/support.c $(FUZZ_HDR) $(BUILD)/fuzz/error.o $(BUILD)/libtpipe.a $(LIBHDR) | $(BUILD)/fuzz
	$(CC) $(CPPFLAGS) -Ifuzz $(CFLAGS) $(WARN) $(LDFLAGS) $(FUZZ_WRAP) -o $@ fuzz/replay.c $< fuzz/support.c $(BUILD)/fuzz/error.o $(BUILD)/libtpipe.a $(LDLIBS)

$(BUILD)/lib $(BUILD)/bin $(BUILD)/unit $(BUILD)/fuzz: | $(DEPS_STEP)
	mkdir -p $@

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

$(BUILD_FUZZ)/lib/%.o: lib/%.c $(LIBHDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(WARN) -c -o $@ $<

$(BUILD_FUZZ)/libtpipe.a: $(FUZZ_LIBOBJ)
	rm -f $@ && ar rcs $@ $(FUZZ_LIBOBJ)

$(BUILD_FUZZ)/fuzz-%: fuzz/%.c fuzz/support.c $(FUZZ_HDR) $(BUILD_FUZZ)/libtpipe.a $(LIBHDR)
	$(FUZZ_CC) $(CPPFLAGS) -Ifuzz $(FUZZ_CFLAGS) $(WARN) \
	    -fsanitize=fuzzer,address,undefined $(FUZZ_WRAP) -o $@ $< \
	    fuzz/support.c $(BUILD_FUZZ)/libtpipe.a $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

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

check: deps-check all
	@BUILD=$(BUILD) mk/runtests.sh $(CHECK_TESTS)

demo: deps-check all
	@BUILD=$(BUILD) mk/demo.sh

bench: deps-bench all
	@BUILD=$(BUILD) bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/
	install -m 644 $(COMPLETIONS) $(DESTDIR)$(COMPLETIONDIR)/

# Remove every file install put in place; the directories stay, as they
# may hold other packages' files.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(TOOLS)) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(wildcard man/*.7))) \
	    $(addprefix $(DESTDIR)$(COMPLETIONDIR)/,$(TOOLS))

clean:
	rm -rf build build-san build-tsan build-clang build-fuzz

.PHONY: all check demo bench install uninstall completion clean deps-build \
    deps-check deps-bench fuzz fuzz-build valgrind
.SECONDARY:
