# casekb — GNU make build.  `make` builds ./casekb; `make check` builds with
# AddressSanitizer + UBSan and runs every test; `make demo` ingests samples/.
# Dependencies are installed by scripts/install-deps.sh when pkg-config cannot
# find them (see the deps stamp below).

PKGS      := glib-2.0 gio-2.0 gmime-3.0 json-glib-1.0 libpcre2-8 sqlite3 libxml-2.0 libfyaml opencc libcurl uchardet libytnef libsoup-3.0 libpst
TEST_PKGS := cmocka
VARIANT   ?= release
BUILD     ?= build
B         := $(BUILD)/$(VARIANT)

CC      ?= cc
WARN    := -Werror=implicit-function-declaration -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wshadow -Wformat=2
# Recursive (=) so pkg-config runs after the deps stamp has installed packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS))
TEST_LIBS   = $(shell pkg-config --libs $(TEST_PKGS))

ifeq ($(VARIANT),asan)
  OPT     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDOPT   := -fsanitize=address,undefined
else
  OPT     := -O2 -g
  LDOPT   :=
endif
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -I. $(PKG_CFLAGS) $(CFLAGS)
LIBS_ALL   = $(LDOPT) $(PKG_LIBS) -lm $(LDFLAGS)

LIB_SRCS  := $(sort $(wildcard ingest/*.c store/*.c analyzer/*.c reports/*.c serve/*.c))
CLI_SRCS  := $(sort $(wildcard cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
TOOL_SRCS := $(sort $(wildcard scripts/*.c))
# The fold table (store/fold.h), generated at build time: see below.
FOLD_TABLE := $(B)/store/fold-table.o
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/%.o) $(FOLD_TABLE)
CLI_OBJS  := $(CLI_SRCS:%.c=$(B)/%.o)
UNIT_BINS := $(UNIT_SRCS:%.c=$(B)/%)
TOOL_BINS := $(TOOL_SRCS:%.c=$(B)/%)
# Test-only programs (tests/tools/NAME.c, GLib and GMime only), built by build-tests.
TEST_TOOL_BINS := $(patsubst %.c,$(B)/%,$(sort $(wildcard tests/tools/*.c)))
# Fuzz targets (fuzz/fuzz-NAME.c); the same files are replayed by make check.
FUZZ_TARGETS := $(sort $(patsubst fuzz/fuzz-%.c,%,$(filter-out fuzz/fuzz-common.c,$(wildcard fuzz/fuzz-*.c))))
REPLAY_BINS  := $(FUZZ_TARGETS:%=$(B)/fuzz/replay-%)
DEPS_STAMP := build/.deps-ok
# The programs (see the link rules below).
PROGRAMS   := casekb casekb-mail casekb-serve

.PHONY: all deps check unit e2e demo clean bench tools
all: $(PROGRAMS) tools

$(DEPS_STAMP): scripts/install-deps.sh
	@mkdir -p build
	@if command -v pkg-config >/dev/null 2>&1 && command -v cc >/dev/null 2>&1 \
	    && command -v jq >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 \
	    && command -v dovecot >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 \
	    && command -v lspst >/dev/null 2>&1 \
	    && pkg-config --exists $(PKGS) $(TEST_PKGS); then :; \
	 else echo "make: missing build dependencies; running scripts/install-deps.sh"; \
	      sh scripts/install-deps.sh; fi
	@pkg-config --exists $(PKGS) $(TEST_PKGS) || { echo "make: dependencies still missing after install-deps.sh" >&2; exit 2; }
	@touch $@
deps: $(DEPS_STAMP)

$(B)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# Every code point's fold (NFKC, case fold, OpenCC's t2s), computed with
# OpenCC by a build tool (built without sanitizers: it only writes source),
# so the programs need neither OpenCC's library nor its dictionaries.
FOLD_GEN := $(B)/store/gen/fold-table-gen
$(FOLD_GEN): store/gen/fold-table-gen.c store/fold.c store/fold.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -I. $(PKG_CFLAGS) -o $@ store/gen/fold-table-gen.c store/fold.c \
	    $(shell pkg-config --libs glib-2.0 opencc)
$(B)/store/fold-table.c: $(FOLD_GEN)
	$(FOLD_GEN) >$@.tmp && mv -f $@.tmp $@
$(FOLD_TABLE): $(B)/store/fold-table.c
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(B)/libcasekb.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Three programs from one main() (cli/casekb.c): casekb without the commands
# that read mail (GMime, libxml2, uchardet, libcurl, ...) or serve the web UI
# (libsoup), which casekb runs as casekb-mail and casekb-serve.  --as-needed
# leaves out every library the linked objects do not call, so `casekb
# search` starts without them.
MAIL_CMDS   := ingest sync verify draft similar
SERVE_CMDS  := serve
HELPER_OBJS := $(patsubst %,$(B)/cli/cmd-%.o,$(MAIL_CMDS) $(SERVE_CMDS))
CORE_OBJS   := $(filter-out $(HELPER_OBJS),$(CLI_OBJS))
MAIL_OBJS   := $(CORE_OBJS) $(patsubst %,$(B)/cli/cmd-%.o,$(MAIL_CMDS))
LINK_PROGRAM = $(CC) -o $@ $^ -Wl,--as-needed $(LIBS_ALL)

$(B)/casekb: $(CORE_OBJS) $(B)/libcasekb.a
	$(LINK_PROGRAM)
$(B)/casekb-mail: $(MAIL_OBJS) $(B)/libcasekb.a
	$(LINK_PROGRAM)
$(B)/casekb-serve: $(CLI_OBJS) $(B)/libcasekb.a
	$(LINK_PROGRAM)

$(B)/tests/unit/test-%: tests/unit/test-%.c $(B)/libcasekb.a | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(TEST_CFLAGS) -o $@ $< $(B)/libcasekb.a $(LIBS_ALL) $(TEST_LIBS)

# A fuzz target without libFuzzer: replays saved inputs (fuzz/replay-main.c).
$(B)/fuzz/replay-%: fuzz/fuzz-%.c fuzz/fuzz-common.c fuzz/replay-main.c fuzz/fuzz-common.h $(B)/libcasekb.a | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DCK_FUZZ_TOP='"$(CURDIR)"' -o $@ $< fuzz/fuzz-common.c fuzz/replay-main.c \
	    $(B)/libcasekb.a $(LIBS_ALL)

$(B)/scripts/%: scripts/%.c $(B)/libcasekb.a | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(B)/libcasekb.a $(LIBS_ALL)

$(B)/tests/tools/%: tests/tools/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(LDOPT) $(shell pkg-config --libs glib-2.0 gmime-3.0) $(LDFLAGS)

# Copied through a temporary name so a running ./casekb is replaced, not written into.
$(PROGRAMS): %: $(B)/%
	cp $< $@.tmp && mv -f $@.tmp $@

tools: $(TOOL_BINS)

# Everything a test run needs, in one variant.
build-tests: $(PROGRAMS:%=$(B)/%) $(UNIT_BINS) $(TOOL_BINS) $(REPLAY_BINS) $(TEST_TOOL_BINS)

check:
	$(MAKE) VARIANT=asan build-tests
	sh tests/run-all.sh build/asan

unit:
	$(MAKE) VARIANT=asan build-tests
	sh tests/run-all.sh build/asan unit

e2e:
	$(MAKE) VARIANT=asan build-tests
	sh tests/run-all.sh build/asan e2e

demo: $(PROGRAMS)
	rm -f build/demo.db build/demo.db-wal build/demo.db-shm
	./casekb --db build/demo.db ingest samples/
	./casekb --db build/demo.db cases
	./casekb --db build/demo.db show CAS-03877-J9N4S5

# The issue's sizes: 100000 messages take about 10 minutes on 2 cores, mostly
# notmuch (`make bench BENCH_SIZES="5000 20000"` for a quick run).
BENCH_SIZES ?= 5000 20000 100000
bench: $(PROGRAMS) tools
	BENCH_SIZES="$(BENCH_SIZES)" sh scripts/bench-ingest.sh
	sh scripts/bench-search.sh

clean:
	rm -rf build $(PROGRAMS)

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

# `make report-shot`: the HTML case-history report of samples/, rendered by
# headless Chromium and saved as docs/report.png (the README's screenshot).
SHOT_DB   := $(B)/report-shot.db
SHOT_HTML := $(B)/report-shot.html
.PHONY: report-shot
report-shot: $(PROGRAMS:%=$(B)/%)
	rm -f $(SHOT_DB) $(SHOT_DB)-wal $(SHOT_DB)-shm
	$(B)/casekb --db $(SHOT_DB) --rules rules ingest samples/ >/dev/null
	$(B)/casekb --db $(SHOT_DB) --rules rules report --format html -o $(SHOT_HTML)
	@mkdir -p docs
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2000 \
	    --screenshot=$(abspath docs/report.png) file://$(abspath $(SHOT_HTML))

# `make fuzz`: libFuzzer binaries build/fuzz/fuzz-NAME, built with clang
# (ASan + UBSan), the library compiled again with coverage instrumentation.
# `make fuzz-run TARGET=NAME [SECONDS=600]` fuzzes one of them (fuzz/README.md).
FUZZ_CC   ?= clang
FUZZ_B    := build/fuzz
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -I. $(PKG_CFLAGS) \
             -DCK_FUZZ_TOP='"$(CURDIR)"'
FUZZ_OBJS := $(LIB_SRCS:%.c=$(FUZZ_B)/obj/%.o) $(FUZZ_B)/obj/fuzz/fuzz-common.o $(FUZZ_B)/obj/store/fold-table.o
SECONDS   ?= 600
.PHONY: fuzz fuzz-run
fuzz: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz-%)

$(FUZZ_B)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_B)/obj/store/fold-table.o: $(B)/store/fold-table.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/libcasekb-fuzz.a: $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_B)/fuzz-%: fuzz/fuzz-%.c $(FUZZ_B)/libcasekb-fuzz.a fuzz/fuzz-common.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libcasekb-fuzz.a $(PKG_LIBS) -lm

fuzz-run: $(if $(TARGET),$(FUZZ_B)/fuzz-$(TARGET))
	@test -n "$(TARGET)" || { echo "usage: make fuzz-run TARGET=name [SECONDS=600]; targets: $(FUZZ_TARGETS)" >&2; exit 2; }
	sh fuzz/run.sh $(TARGET) $(SECONDS)

-include $(FUZZ_OBJS:.o=.d)
