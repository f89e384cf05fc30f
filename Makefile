# tpipe - small Unix filters for tensors.
#   make            build the tools into $(BUILD)/bin
#   make check      build and run every test; ends with "N passed, N failed"
#   make check SANITIZE=1   the same under AddressSanitizer + UBSan
#   make demo       build and run the demo (installs packages when root)
#   make bench      side-by-side benchmarks (bench/README.md)
#   make install PREFIX=/usr/local DESTDIR=

VERSION = 0.1.0
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man

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

all: deps-build $(BUILD)/libtpipe.a $(BINS) $(UNITS)

$(BUILD)/lib/%.o: lib/%.c $(LIBHDR) | $(BUILD)/lib
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libtpipe.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $(LIBOBJ)

$(BUILD)/bin/%: cmd/%.c $(BUILD)/libtpipe.a $(LIBHDR) | $(BUILD)/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libtpipe.a $(LDLIBS)

$(BUILD)/unit/%: test/unit/%.c test/unit/tap.h $(BUILD)/libtpipe.a $(LIBHDR) | $(BUILD)/unit
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libtpipe.a $(LDLIBS)

$(BUILD)/lib $(BUILD)/bin $(BUILD)/unit:
	mkdir -p $@

# Missing Debian packages are installed when root, else named.
deps-build:
	@mk/deps.sh build
deps-check:
	@mk/deps.sh check
deps-bench:
	@mk/deps.sh bench

check: deps-check all
	@BUILD=$(BUILD) mk/runtests.sh

demo: deps-check all
	@BUILD=$(BUILD) mk/demo.sh

bench: deps-bench all
	@BUILD=$(BUILD) bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/

clean:
	rm -rf build build-san

.PHONY: all check demo bench install clean deps-build deps-check deps-bench
.SECONDARY:
