# tpipe - small Unix filters for tensors.
#   make            build the tools into $(BUILD)/bin
#   make check      build and run every test; ends with "N passed, N failed"
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan
#   make CC=clang BUILD=build-clang   the same build with clang
#   make demo       build and run the demo
#   make bench      side-by-side benchmarks (bench/README.md)
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

all: $(BUILD)/libtpipe.a $(BINS) $(UNITS) completion

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

$(BUILD)/lib $(BUILD)/bin $(BUILD)/unit: | $(DEPS_STEP)
	mkdir -p $@

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
	@BUILD=$(BUILD) mk/runtests.sh

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
	rm -rf build build-san build-clang

.PHONY: all check demo bench install uninstall completion clean deps-build deps-check deps-bench
.SECONDARY:
