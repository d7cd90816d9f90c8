# Makefile for vmscope (GNU make).
#
#   make              build ./vmscope
#   make run          play scenarios/demo.scenario headless (--batch)
#   make test         layering lint, unit tests, scenario and golden tests,
#                     then unit and scenario tests again under ASan+UBSan,
#                     and the fuzz corpus replayed through the harnesses
#   make test-valgrind  the unit tests and the scenario checks under
#                     valgrind memcheck (no errors, no leaks): 3.5 to 4
#                     minutes on the 2-core machine it was measured on
#                     (test_fast alone 2.5), over the 2 allowed, so not
#                     part of `make test`; CI runs it after (.ci/run)
#   make bench        build bench/*.c and run bench/run.sh (figures only)
#   make fuzz         each libFuzzer harness of tests/fuzz/ for FUZZ_TIME
#                     seconds (default 60), one after the other; needs clang
#                     with libFuzzer (FUZZ_CC); findings in build/fuzz/
#   make asan         the sanitizer build, in build/asan/
#   make deps         install missing Debian packages (as root), or print
#                     the command that does
#   make install      PREFIX=/usr/local DESTDIR= (also: uninstall)
#   make clean        remove build/ and ./vmscope
#
# Settings: CC=clang, WERROR=0 (no -Werror), CFLAGS (default -O2 -g),
# CPPFLAGS, LDFLAGS, LDLIBS, PREFIX, DESTDIR, V=1 (show full commands),
# JOBS (parallel jobs for the builds inside `make test`; default: nproc),
# FUZZ_TIME, FUZZ_CC (default clang), FUZZ_FLAGS (libFuzzer options),
# UPDATE=1 with `make test` (rewrite tests/golden/*.out).
#
# Layout: src/core/*.c and src/script/*.c, and build/gen/builtin.c (the
# lessons/*.lesson that tools/embed.sh turns into C) -> build/libvmscope.a;
# src/main.c + the library -> ./vmscope; tests/unit/test_NAME.c ->
# build/tests/test_NAME; bench/NAME.c -> build/bench/NAME; the sanitizer
# variants of all of these live under build/asan/.  tests/fuzz/fuzz_*.c,
# the fuzz harnesses: with replay.c's main -> build/asan/fuzz/NAME (make
# test), with libFuzzer on a library FUZZ_CC builds for it ->
# build/fuzz/bin/NAME (make fuzz).

MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
.DELETE_ON_ERROR:

# ---------------------------------------------------------------------------
# Tools and user settings

ifeq ($(origin CC),default)
CC = gcc
endif
AR         ?= ar
PKG_CONFIG ?= pkg-config
INSTALL    ?= install
INSTALL_PROGRAM = $(INSTALL) -m 755
INSTALL_DATA    = $(INSTALL) -m 644

CFLAGS  ?= -O2 -g
WERROR  ?= 1
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

# GNU directory variables; DESTDIR only prefixes install paths.
PREFIX      ?= /usr/local
prefix       = $(PREFIX)
bindir       = $(prefix)/bin
datarootdir  = $(prefix)/share
datadir      = $(datarootdir)
mandir       = $(datarootdir)/man
man1dir      = $(mandir)/man1
man5dir      = $(mandir)/man5
pkgdatadir   = $(datadir)/vmscope

# ---------------------------------------------------------------------------
# Flags the build always needs (kept apart from CFLAGS, so that
# `make CFLAGS=-O0` does not drop the standard or the warnings)

# Lua's warning list. gcc 12 and clang 14 both accept every flag for C,
# so none is dropped.
WARNINGS = -Wall -Wextra -Wshadow -Wundef -Wwrite-strings \
	   -Wredundant-decls -Wmissing-declarations -Wconversion \
	   -Wdeclaration-after-statement -Wmissing-prototypes \
	   -Wstrict-prototypes -Wold-style-definition -Wc++-compat
ifneq ($(WERROR),0)
WARNINGS += -Werror
endif

# Headers outside their own directory are included as "core/x.h",
# "script/y.h" (-Isrc).
# VMSCOPE_DATADIR: where make install puts the lessons and scenarios,
# searched after the current directory's (src/script/shelf.c).
VMSCOPE_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -Isrc \
	-DVMSCOPE_DATADIR='"$(pkgdatadir)"'
# -pthread: a trace's reader runs in a thread of its own (src/script/trace.c).
VMSCOPE_CFLAGS   = -std=c11 -pthread $(VMSCOPE_CPPFLAGS) $(CPPFLAGS) $(WARNINGS) $(CFLAGS)
THREAD_LIBS      = -pthread
DEPFLAGS         = -MMD -MP

# Sanitizer build: comes after CFLAGS, so its -O1 wins.  It is also the
# checking build: -DVMSCOPE_CHECK has the engine check the model's rules
# after every step (src/core/invariant.h); the release build does not.
ASAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=all -O1 -g -DVMSCOPE_CHECK

# Libraries, through pkg-config. cmocka is needed only by the unit tests;
# `make test` installs it first (see deps) and then re-reads this file.
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
HAVE_CMOCKA   := $(shell $(PKG_CONFIG) --exists cmocka 2>/dev/null && echo yes)

# For the screen (src/ui): ncursesw and GNU readline.
# Note: ncursesw.pc adds -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600.
UI_CFLAGS := $(shell $(PKG_CONFIG) --exists ncursesw readline 2>/dev/null && \
		$(PKG_CONFIG) --cflags ncursesw readline)
UI_LIBS   := $(shell $(PKG_CONFIG) --exists ncursesw readline 2>/dev/null && \
		$(PKG_CONFIG) --libs ncursesw readline)

# ---------------------------------------------------------------------------
# Sources and products (wildcards: new files are picked up by themselves)

BIN        = vmscope
LIB_SRCS   = $(wildcard src/core/*.c src/script/*.c)
MAIN_SRC   = src/main.c $(wildcard src/ui/*.c)
UNIT_SRCS  = $(wildcard tests/unit/test_*.c)
# Other .c files in tests/unit/ (helpers, stubs) go into every unit test.
HELP_SRCS  = $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))
BENCH_SRCS = $(wildcard bench/*.c)

LIB        = build/libvmscope.a
LIB_OBJS   = $(LIB_SRCS:src/%.c=build/%.o)
# The lessons compiled in (so that `vmscope` opens the first one with
# nothing installed): generated, then part of the library, so the unit
# tests link it too.
BUILTIN_SRC = build/gen/builtin.c
BUILTIN_OBJ = build/gen/builtin.o
MAIN_OBJ   = $(MAIN_SRC:src/%.c=build/%.o)
UNIT_OBJS  = $(UNIT_SRCS:tests/unit/%.c=build/tests/%.o)
HELP_OBJS  = $(HELP_SRCS:tests/unit/%.c=build/tests/%.o)
UNIT_BINS  = $(UNIT_OBJS:.o=)
BENCH_OBJS = $(BENCH_SRCS:bench/%.c=build/bench/%.o)
BENCH_BINS = $(BENCH_OBJS:.o=)

ASAN_LIB       = build/asan/libvmscope.a
ASAN_BIN       = build/asan/vmscope
ASAN_LIB_OBJS  = $(LIB_SRCS:src/%.c=build/asan/%.o)
ASAN_BUILTIN_OBJ = build/asan/gen/builtin.o
ASAN_MAIN_OBJ  = $(MAIN_SRC:src/%.c=build/asan/%.o)
ASAN_UNIT_OBJS = $(UNIT_OBJS:build/%=build/asan/%)
ASAN_HELP_OBJS = $(HELP_OBJS:build/%=build/asan/%)
ASAN_UNIT_BINS = $(ASAN_UNIT_OBJS:.o=)

# The fuzz harnesses (tests/fuzz/; see Fuzzing below), built with
# replay.c's main under the sanitizers.
FUZZ_NAMES = parse scenario scenario-batch trace-lackey trace-plain trace-din
FUZZ_REPLAY_HOBJS = $(FUZZ_NAMES:%=build/asan/fuzz/%.o)
FUZZ_REPLAY_LOBJS = build/asan/fuzz/lib/fuzz.o build/asan/fuzz/lib/replay.o
FUZZ_REPLAY_BINS  = $(FUZZ_NAMES:%=build/asan/fuzz/%) build/asan/fuzz/dict

# Installed data, each only if present.
MAN1      = $(wildcard man/*.1)
MAN5      = $(wildcard man/*.5)
LESSONS   = $(wildcard lessons/*.lesson)
# The guest workloads compare runs, built in too: a lesson reaches them
# by name (compare os-intensive.work) wherever it is played from.
WORKLOADS = $(wildcard scenarios/workloads/*.work)
SCENARIOS = $(wildcard scenarios/*.scenario)

# ---------------------------------------------------------------------------
# Helpers

# Quiet by default: "  CC  src/core/tlb.c"; V=1 shows the full commands.
ifeq ($(V),1)
Q   =
say = @:
else
Q   = @
say = @printf '  %-4s %s\n'
endif

# $(call sq,TEXT): TEXT quoted for the shell.
sq = '$(subst ','\'',$(1))'

# $(call stamp,TEXT): rewrite $@ only when TEXT changed, so that everything
# depending on it is rebuilt when the compiler or the flags change.
stamp = @mkdir -p $(@D); printf '%s\n' $(call sq,$(1)) | cmp -s - $@ || \
	printf '%s\n' $(call sq,$(1)) >$@

# $(call group,NAME,COMMAND): one test group; a PASS/FAIL line, stop on FAIL.
group = if $(2); then echo "PASS  $(1)"; else echo "FAIL  $(1)"; exit 1; fi

# Builds inside `make test`/`make bench` run in parallel (-j$(JOBS)) unless
# an outer `make -jN` already shares its job slots; -s hides "is up to date".
# ($(MAKE) must stay literal in the recipes, or no job slots are shared.)
SUBMAKE_FLAGS = --no-print-directory $(if $(filter 1,$(V)),,-s) \
		$(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(JOBS))

# First line of every unit-test recipe: a clear error if cmocka is missing.
need_cmocka = $(if $(HAVE_CMOCKA),,$(error cmocka not found by \
	$(PKG_CONFIG): run 'make deps' (package libcmocka-dev)))

# ---------------------------------------------------------------------------
# Main targets

.PHONY: all run test check test-all test-valgrind test-valgrind-all deps \
	bench bench-all asan install uninstall clean fuzz fuzz-all FORCE

# deps first (the screen needs ncursesw and readline), then the build, in
# a fresh make that sees what deps may just have installed.
all: deps
	@$(MAKE) --no-print-directory $(BIN)

# The screen on the first lesson (a terminal), else the demo headless.
run: all
	@if [ -t 0 ] && [ -t 1 ]; then ./$(BIN); \
	else ./$(BIN) --batch scenarios/demo.scenario; fi

# `test` installs what is missing, then runs in a fresh make, which
# sees the cmocka that deps may just have installed.
test check: deps
	@$(MAKE) --no-print-directory test-all

test-all:
	@$(call group,layering,tests/layering.sh)
	@$(MAKE) $(SUBMAKE_FLAGS) $(BIN) $(UNIT_BINS) $(BENCH_BINS)
	@$(call group,unit tests,tests/run-unit.sh $(UNIT_BINS))
	@$(call group,scenarios,tests/run-scenarios.sh ./$(BIN))
	@$(MAKE) $(SUBMAKE_FLAGS) asan
	@$(call group,unit tests (asan),tests/run-unit.sh $(ASAN_UNIT_BINS))
	@$(call group,scenarios (asan),UPDATE= tests/run-scenarios.sh $(ASAN_BIN))
	@$(call group,fuzz corpus (asan),tests/fuzz/replay.sh build/asan/fuzz $(FUZZ_NAMES))

# Valgrind: the normal build (-O2 -g) of the unit tests and the program,
# each run under memcheck by tests/valgrind.sh, $(JOBS) at a time.
test-valgrind: deps
	@$(MAKE) --no-print-directory test-valgrind-all

test-valgrind-all:
	@$(MAKE) $(SUBMAKE_FLAGS) $(BIN) $(UNIT_BINS)
	@$(call group,valgrind,JOBS=$(JOBS) tests/valgrind.sh ./$(BIN) $(UNIT_BINS))

bench: deps
	@$(MAKE) --no-print-directory bench-all

bench-all:
	@$(MAKE) $(SUBMAKE_FLAGS) $(BIN) $(BENCH_BINS)
	@if [ -f bench/run.sh ]; then \
		VMSCOPE=./$(BIN) BENCH_DIR=build/bench bash bench/run.sh; \
	else \
		echo "bench: no bench/run.sh"; \
	fi

asan: $(ASAN_BIN) $(ASAN_UNIT_BINS) $(FUZZ_REPLAY_BINS)

clean:
	rm -rf build $(BIN)

# ---------------------------------------------------------------------------
# Dependencies: check cheaply (pkg-config, command -v) and act only when
# something is missing. As root: apt-get install it, non-interactively;
# otherwise print the exact command and fail.

# pkg-config module:Debian package; then commands named as their package.
DEPS_PC  = cmocka:libcmocka-dev ncursesw:libncurses-dev readline:libreadline-dev
DEPS_CMD = pkg-config tmux clang mandoc valgrind

deps:
	@missing=; \
	for dep in $(DEPS_PC); do \
		$(PKG_CONFIG) --exists $${dep%%:*} 2>/dev/null || \
			missing="$$missing $${dep#*:}"; \
	done; \
	for cmd in $(DEPS_CMD); do \
		command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$cmd"; \
	done; \
	[ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "deps: installing$$missing"; \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends $$missing </dev/null; \
	else \
		echo "deps: missing Debian packages:$$missing"; \
		echo "deps: run: sudo apt-get install$$missing"; \
		exit 1; \
	fi

# ---------------------------------------------------------------------------
# Normal build (build/)

build/cflags: FORCE
	$(call stamp,$(CC) $(VMSCOPE_CFLAGS) $(CMOCKA_CFLAGS) | $(LDFLAGS) $(LDLIBS))

# The screen's files see the ncursesw and readline headers.
$(filter build/ui/%,$(MAIN_OBJ)) $(filter build/asan/ui/%,$(ASAN_MAIN_OBJ)): \
    VMSCOPE_CFLAGS += $(UI_CFLAGS)

$(LIB_OBJS) $(MAIN_OBJ): build/%.o: src/%.c build/cflags
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(VMSCOPE_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# The lessons as C (tools/embed.sh), rewritten when a lesson, the list of
# lessons (a stamp: one added or removed) or the script changes.
build/gen/lessons: FORCE
	$(call stamp,$(LESSONS) $(WORKLOADS))

$(BUILTIN_SRC): tools/embed.sh build/gen/lessons $(LESSONS) $(WORKLOADS)
	$(say) GEN $@
	$(Q)sh tools/embed.sh $@ $(LESSONS) $(WORKLOADS)

$(BUILTIN_OBJ): $(BUILTIN_SRC) build/cflags
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(VMSCOPE_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS) $(BUILTIN_OBJ)
	$(say) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(UI_LIBS) $(THREAD_LIBS) $(LDLIBS)

$(UNIT_OBJS) $(HELP_OBJS): build/tests/%.o: tests/unit/%.c build/cflags
	$(need_cmocka)
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(VMSCOPE_CFLAGS) $(CMOCKA_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(UNIT_BINS): %: %.o $(HELP_OBJS) $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(THREAD_LIBS) $(LDLIBS)

# Benchmarks: the normal (-O2, no sanitizer) library.
$(BENCH_OBJS): build/bench/%.o: bench/%.c build/cflags
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(VMSCOPE_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BENCH_BINS): %: %.o $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(THREAD_LIBS) $(LDLIBS)

# ---------------------------------------------------------------------------
# Sanitizer build (build/asan/)

build/asan/cflags: FORCE
	$(call stamp,$(CC) $(VMSCOPE_CFLAGS) $(ASAN_FLAGS) $(CMOCKA_CFLAGS) | $(LDFLAGS) $(LDLIBS))

$(ASAN_LIB_OBJS) $(ASAN_MAIN_OBJ): build/asan/%.o: src/%.c build/asan/cflags
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(VMSCOPE_CFLAGS) $(ASAN_FLAGS) $(DEPFLAGS) -c -o $@ $<

$(ASAN_BUILTIN_OBJ): $(BUILTIN_SRC) build/asan/cflags
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(VMSCOPE_CFLAGS) $(ASAN_FLAGS) $(DEPFLAGS) -c -o $@ $<

$(ASAN_LIB): $(ASAN_LIB_OBJS) $(ASAN_BUILTIN_OBJ)
	$(say) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(ASAN_BIN): $(ASAN_MAIN_OBJ) $(ASAN_LIB)
	$(say) LD $@
	$(Q)$(CC) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(UI_LIBS) $(THREAD_LIBS) $(LDLIBS)

$(ASAN_UNIT_OBJS) $(ASAN_HELP_OBJS): build/asan/tests/%.o: tests/unit/%.c build/asan/cflags
	$(need_cmocka)
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(VMSCOPE_CFLAGS) $(ASAN_FLAGS) $(CMOCKA_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(ASAN_UNIT_BINS): %: %.o $(ASAN_HELP_OBJS) $(ASAN_LIB)
	$(say) LD $@
	$(Q)$(CC) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(THREAD_LIBS) $(LDLIBS)

# ---------------------------------------------------------------------------
# Fuzzing (tests/fuzz/).  Harness NAME is tests/fuzz/fuzz_NAME.c; the
# trace harnesses trace-FORMAT are fuzz_trace.c built once per format,
# scenario-batch is fuzz_scenario.c built for --batch.
# Built with replay.c's main and the sanitizer library (build/asan/fuzz/,
# part of `make asan`: make test replays the corpus through them), and
# with libFuzzer: FUZZ_CC builds the library again with coverage for it
# (build/fuzz/).  make fuzz runs tests/fuzz/fuzz.sh.

FUZZ_TIME   ?= 60
FUZZ_CC     ?= clang
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all \
	       -fno-omit-frame-pointer -O1 -g
FUZZ_CFLAGS  = -Itests/fuzz \
	       -DFUZZ_SANDBOX='"$(CURDIR)/tests/fuzz/sandbox"'
# $(call fuzz_src,NAME), $(call fuzz_def,NAME): the harness's source, and
# the trace format or the mode it is built for.
fuzz_src = tests/fuzz/fuzz_$(firstword $(subst -, ,$(1))).c
fuzz_def = $(if $(filter trace-%,$(1)),-DFUZZ_FORMAT='"$(1:trace-%=%)"') \
	   $(if $(filter scenario-batch,$(1)),-DFUZZ_BATCH)

FUZZ_LIB       = build/fuzz/libvmscope.a
FUZZ_LIB_OBJS  = $(LIB_SRCS:src/%.c=build/fuzz/obj/%.o)
FUZZ_BUILTIN_OBJ = build/fuzz/obj/gen/builtin.o
FUZZ_HOBJS     = $(FUZZ_NAMES:%=build/fuzz/obj/h/%.o)
FUZZ_BINS      = $(FUZZ_NAMES:%=build/fuzz/bin/%)

$(foreach h,$(FUZZ_NAMES),$(eval build/asan/fuzz/$(h).o \
    build/fuzz/obj/h/$(h).o: $(call fuzz_src,$(h))))

$(FUZZ_REPLAY_HOBJS): build/asan/fuzz/%.o: build/asan/cflags
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(VMSCOPE_CFLAGS) $(ASAN_FLAGS) $(FUZZ_CFLAGS) \
	    $(call fuzz_def,$*) $(DEPFLAGS) -c -o $@ $(call fuzz_src,$*)

$(FUZZ_REPLAY_LOBJS) build/asan/fuzz/lib/dict.o: build/asan/fuzz/lib/%.o: \
    tests/fuzz/%.c build/asan/cflags
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(VMSCOPE_CFLAGS) $(ASAN_FLAGS) $(FUZZ_CFLAGS) $(DEPFLAGS) \
	    -c -o $@ $<

$(FUZZ_NAMES:%=build/asan/fuzz/%): %: %.o $(FUZZ_REPLAY_LOBJS) $(ASAN_LIB)
	$(say) LD $@
	$(Q)$(CC) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/asan/fuzz/dict: build/asan/fuzz/lib/dict.o $(ASAN_LIB)
	$(say) LD $@
	$(Q)$(CC) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer: the library and the harnesses instrumented for coverage.
build/fuzz/cflags: FORCE
	$(call stamp,$(FUZZ_CC) $(VMSCOPE_CFLAGS) $(FUZZ_SAN) | $(LDFLAGS) $(LDLIBS))

$(FUZZ_LIB_OBJS): build/fuzz/obj/%.o: src/%.c build/fuzz/cflags
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(VMSCOPE_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	    $(DEPFLAGS) -c -o $@ $<

$(FUZZ_BUILTIN_OBJ): $(BUILTIN_SRC) build/fuzz/cflags
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(VMSCOPE_CFLAGS) $(FUZZ_SAN) $(DEPFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS) $(FUZZ_BUILTIN_OBJ)
	$(say) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_HOBJS): build/fuzz/obj/h/%.o: build/fuzz/cflags
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(VMSCOPE_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	    $(FUZZ_CFLAGS) $(call fuzz_def,$*) $(DEPFLAGS) -c -o $@ \
	    $(call fuzz_src,$*)

build/fuzz/obj/fuzz.o: tests/fuzz/fuzz.c build/fuzz/cflags
	$(say) CC $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(VMSCOPE_CFLAGS) $(FUZZ_SAN) $(FUZZ_CFLAGS) \
	    $(DEPFLAGS) -c -o $@ $<

$(FUZZ_BINS): build/fuzz/bin/%: build/fuzz/obj/h/%.o build/fuzz/obj/fuzz.o \
    $(FUZZ_LIB)
	$(say) LD $@
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ \
	    $(LDLIBS)

# First a clear word if FUZZ_CC cannot link a libFuzzer program.
fuzz:
	@printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, '\
	'unsigned long n) { (void)d; (void)n; return 0; }\n' | \
	    $(FUZZ_CC) -fsanitize=fuzzer -x c -o /dev/null - 2>/dev/null || \
	    { echo "make fuzz: '$(FUZZ_CC) -fsanitize=fuzzer' cannot link" \
	    "a program: it needs clang with libFuzzer (Debian: apt-get" \
	    "install clang; the runtime is in libclang-rt-NN-dev), or" \
	    "FUZZ_CC=a clang that has it.  make test does not need it."; \
	    exit 1; }
	@$(MAKE) --no-print-directory fuzz-all

fuzz-all:
	@$(MAKE) $(SUBMAKE_FLAGS) $(FUZZ_BINS)
	@tests/fuzz/fuzz.sh build/fuzz/bin $(FUZZ_TIME) $(FUZZ_NAMES)

# ---------------------------------------------------------------------------
# Install: the binary, and man pages, lessons and scenarios where present.

# $(call install_data,FILES,DIR): FILES (if any) as 0644 into DIR.
install_data = $(if $(1),$(INSTALL) -d $(call sq,$(DESTDIR)$(2)) && \
	$(INSTALL_DATA) $(1) $(call sq,$(DESTDIR)$(2)))

install: $(BIN)
	$(INSTALL) -d $(call sq,$(DESTDIR)$(bindir))
	$(INSTALL_PROGRAM) $(BIN) $(call sq,$(DESTDIR)$(bindir)/$(BIN))
	$(call install_data,$(MAN1),$(man1dir))
	$(call install_data,$(MAN5),$(man5dir))
	$(call install_data,$(LESSONS),$(pkgdatadir)/lessons)
	$(call install_data,$(SCENARIOS),$(pkgdatadir)/scenarios)
	$(call install_data,$(WORKLOADS),$(pkgdatadir)/scenarios/workloads)

# $(call installed,FILES,DIR): the quoted paths FILES were installed as.
installed = $(foreach f,$(notdir $(1)),$(call sq,$(DESTDIR)$(2)/$(f)))

uninstall:
	rm -f $(call installed,$(BIN),$(bindir)) $(call installed,$(MAN1),$(man1dir)) $(call installed,$(MAN5),$(man5dir))
	rm -rf $(call sq,$(DESTDIR)$(pkgdatadir))

# ---------------------------------------------------------------------------

FORCE:

# Header dependencies written by -MMD -MP.
-include $(patsubst %.o,%.d,$(LIB_OBJS) $(MAIN_OBJ) $(UNIT_OBJS) $(HELP_OBJS) \
	$(BENCH_OBJS) $(ASAN_LIB_OBJS) $(ASAN_MAIN_OBJ) $(ASAN_UNIT_OBJS) \
	$(ASAN_HELP_OBJS) $(BUILTIN_OBJ) $(ASAN_BUILTIN_OBJ) \
	$(FUZZ_REPLAY_HOBJS) $(FUZZ_REPLAY_LOBJS) build/asan/fuzz/lib/dict.o \
	$(FUZZ_LIB_OBJS) $(FUZZ_BUILTIN_OBJ) $(FUZZ_HOBJS) \
	build/fuzz/obj/fuzz.o)
