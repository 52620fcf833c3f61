# SPDX-License-Identifier: GPL-2.0
# Differential fuzzing of the execution engine: the libFuzzer target
# tests/fuzz/fuzz_engine.c, built with clang (libFuzzer comes with Debian's
# libclang-rt-14-dev) under ASan and UBSan, the engine instrumented for
# coverage. From the repository root:
#
#   make -f tests/fuzz/fuzz.mk fuzz [FUZZ_SECONDS=60] [FUZZ_JOBS=1]
#
# fuzzes for FUZZ_SECONDS with FUZZ_JOBS processes, keeping the corpus in
# build/fuzz/corpus across runs and crash inputs, mismatch reports and
# reproducers in build/fuzz/artifacts (the libFuzzer log of job 2 and up
# in build/fuzz/job-N.log);
#
#   make -f tests/fuzz/fuzz.mk fuzz-check [FUZZ_RUNS=N]
#
# is check.sh's fixed-seed pass: -seed=1, N executions, no corpus;
#
#   build/fuzz/fuzz-engine build/fuzz/artifacts/crash-...
#
# replays one input (KBPF_FUZZ_PRINT=1 prints its program).
#
# FUZZ_FAST=1 builds the same target into build/fuzz-fast without ASan and
# UBSan, at -O2, for long runs: the comparison of interpreter and JITs,
# which is what finds a mismatch, is the same, at several times the
# executions per second; memory errors are left to the sanitized build
# (check.sh's pass and replays of any input). Both share build/fuzz/corpus.

FUZZ_CC ?= clang
ifeq ($(FUZZ_FAST),1)
FUZZ_BUILD := build/fuzz-fast
FUZZ_SANITIZE := -fno-omit-frame-pointer
FUZZ_OPT := -O2
else
FUZZ_BUILD := build/fuzz
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
		 -fno-omit-frame-pointer
FUZZ_OPT := -O1
endif
FUZZ_CFLAGS := -Iinclude/shim -Iinclude -std=gnu11 $(FUZZ_OPT) -g $(FUZZ_SANITIZE) \
	       -fsanitize=fuzzer-no-link -Wall -Wextra -Werror \
	       -Wno-unused-parameter -D_GNU_SOURCE -MMD -MP
FUZZ_LDLIBS := -lurcu-memb -lurcu-common -lpthread

FUZZ_CORE_SRCS := jit/engine.c jit/interp.c jit/ld_abs.c jit/x86_emit.c \
		  jit/x86_jit.c jit/x86_jit_alu.c jit/x86_jit_mem.c \
		  jit/x86_jit_check.c jit/x86_jit_inline.c jit/exec_host.c
FUZZ_SRCS := tests/fuzz/fuzz_engine.c tests/fuzz/prog_gen.c \
	     tests/fuzz/disasm.c
FUZZ_OBJS := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_CORE_SRCS) $(FUZZ_SRCS))
FUZZ_BIN := $(FUZZ_BUILD)/fuzz-engine

FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_RUNS ?= 60000
# Inputs up to 4 KiB: programs up to about a thousand instructions. Any
# length from the start (-len_control=0): an input's length is its
# program's, and libFuzzer would otherwise spend minutes on tiny ones.
FUZZ_MAX_LEN ?= 4096
FUZZ_CORPUS := build/fuzz/corpus
FUZZ_ARTIFACTS := $(FUZZ_BUILD)/artifacts

.PHONY: fuzz fuzz-check fuzz-build fuzz-clean

fuzz-build: $(FUZZ_BIN)

$(FUZZ_BIN): $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_SANITIZE) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LDLIBS)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CFLAGS_$(notdir $*)) -c -o $@ $<

# The JIT's emitter keeps its edge coverage but traces no comparisons:
# it compares values derived from the generated program (lengths, operand
# sizes, label offsets), never input bytes, so the traces gave libFuzzer's
# mutator nothing to work with, yet with a call per comparison of every
# byte emitted over four passes they took half of each execution. The
# generator, the interpreter and the harness, which do look at input
# bytes, keep them.
FUZZ_NO_CMP := -fno-sanitize-coverage=trace-cmp
$(foreach f,x86_emit x86_jit x86_jit_alu x86_jit_mem x86_jit_check \
	x86_jit_inline,\
	$(eval FUZZ_CFLAGS_$(f) := $(FUZZ_NO_CMP)))
# Flags changed: rebuild.
$(FUZZ_OBJS): tests/fuzz/fuzz.mk

# A run is bounded by construction (milliseconds): one that takes 10 s
# is a JIT looping where it should not, reported as a timeout.
FUZZ_FLAGS := -max_len=$(FUZZ_MAX_LEN) -len_control=0 -timeout=10 \
	      -artifact_prefix=$(FUZZ_ARTIFACTS)/
FUZZ_RUN = KBPF_FUZZ_OUT=$(FUZZ_ARTIFACTS) $(FUZZ_BIN) $(FUZZ_FLAGS) \
	   -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(FUZZ_CORPUS)

# FUZZ_JOBS independent processes on one corpus (libFuzzer reloads it
# every 10 s): the first on the terminal, the others logging to
# build/fuzz/job-N.log. Fails if any of them found something.
fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_CORPUS) $(FUZZ_ARTIFACTS)
	@pids=; for i in $$(seq 2 $(FUZZ_JOBS)); do \
		$(FUZZ_RUN) >$(FUZZ_BUILD)/job-$$i.log 2>&1 & pids="$$pids $$!"; \
	done; \
	rc=0; $(FUZZ_RUN) || rc=1; \
	for p in $$pids; do wait $$p || rc=1; done; \
	for i in $$(seq 2 $(FUZZ_JOBS)); do \
		echo "job $$i:"; \
		grep -E '^(Done|kbpf-fuzz|MISMATCH|SUMMARY)' $(FUZZ_BUILD)/job-$$i.log; \
	done; \
	exit $$rc

fuzz-check: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_ARTIFACTS)
	KBPF_FUZZ_OUT=$(FUZZ_ARTIFACTS) $(FUZZ_BIN) $(FUZZ_FLAGS) -seed=1 \
		-runs=$(FUZZ_RUNS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

-include $(FUZZ_OBJS:.o=.d)
