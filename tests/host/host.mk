# SPDX-License-Identifier: GPL-2.0
# Host tests: kbpf's shared core built as a userspace library, with the
# kernel APIs of <kbpf/kapi.h> supplied by include/shim/ (libc, pthreads,
# liburcu), under ASan and UBSan. From the repository root, either include
# this file from the top-level Makefile or run it alone:
#
#   make -f tests/host/host.mk host-test [HOST_TEST_FILTER=substring]
#
# New core files go in core.mk; new tests are any tests/host/*.c.
#
#   make -f tests/host/host.mk test-bpf-host [TEST_BPF_ARGS="-v -r 10 FILTER"] \
#	[TEST_BPF_MODES="interp jit jit-blind"]
#
# runs Linux's lib/test_bpf.c tables (tests/host/test_bpf/, the tables
# extracted into build/ by scripts/extract-test-bpf.py) on the interpreter,
# the JIT, and the JIT with constant blinding, one summary line each, and
#
#   make -f tests/host/host.mk bench-interp
#
# times the interpreter and the JIT built with -O2 and no sanitizers, and
#
#   make -f tests/host/host.mk bench-engine [BENCH_ENGINE_ARGS=BATCH_MS]
#
# compares both with the same programs written in C (-O2), in one table.

# Standalone when this is the only makefile read so far.
_host_standalone := $(filter $(firstword $(MAKEFILE_LIST)),$(lastword $(MAKEFILE_LIST)))
_host_saved_goal := $(.DEFAULT_GOAL)

# kbpf-run, which tests/host/test_kbpf_run.c runs.
include tools/run/run.mk

# The shared core (core.mk lists its sources).
include core.mk
HOST_CORE_SRCS := $(KBPF_CORE_SRCS)
HOST_TEST_SRCS := $(wildcard tests/host/*.c)

HOST_BUILD := build/host
HOST_TEST_CC ?= $(CC)
HOST_TEST_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
		      -fno-omit-frame-pointer
# Kernel code does not mark unused parameters (ops callbacks ignore some).
HOST_TEST_CFLAGS := -Iinclude/shim -Iinclude -std=gnu11 -O1 -g \
		    $(HOST_TEST_SANITIZE) -Wall -Wextra -Werror \
		    -Wno-unused-parameter -D_GNU_SOURCE -MMD -MP
HOST_TEST_LDLIBS := -lurcu-memb -lurcu-common -lpthread

HOST_CORE_OBJS := $(HOST_CORE_SRCS:%.c=$(HOST_BUILD)/%.o)
HOST_TEST_OBJS := $(HOST_TEST_SRCS:%.c=$(HOST_BUILD)/%.o)
# The core as one archive, for the tests here and for fuzz targets.
HOST_CORE_LIB := $(HOST_BUILD)/libkbpf-core.a
HOST_TEST_BIN := $(HOST_BUILD)/kbpf-host-test

.PHONY: host-test host-clean test-bpf-host bench-interp bench-engine

host-test: $(HOST_TEST_BIN) $(KBPF_RUN)
	$(HOST_TEST_BIN) $(HOST_TEST_FILTER)

$(HOST_TEST_BIN): $(HOST_TEST_OBJS) $(HOST_CORE_LIB)
	$(HOST_TEST_CC) $(HOST_TEST_SANITIZE) -o $@ $^ $(HOST_TEST_LDLIBS)

$(HOST_CORE_LIB): $(HOST_CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(HOST_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_TEST_CC) $(HOST_TEST_CFLAGS) -c -o $@ $<

host-clean:
	rm -rf $(HOST_BUILD)

# ---- lib/test_bpf.c on the runtimes --------------------------------------

TEST_BPF_DIR := tests/host/test_bpf
TEST_BPF_GEN := $(HOST_BUILD)/test_bpf/tests.c
TEST_BPF_OBJS := $(HOST_BUILD)/test_bpf/tests.o \
		 $(HOST_BUILD)/$(TEST_BPF_DIR)/runner.o
TEST_BPF_BIN := $(HOST_BUILD)/test-bpf
# The generated unit includes prelude.h from the runner's folder, and
# export.h from the folder it shares with the KUnit suite.
TEST_BPF_CFLAGS := $(HOST_TEST_CFLAGS) -I$(TEST_BPF_DIR) -Itests/test_bpf

TEST_BPF_MODES ?= interp jit jit-blind

# Every mode runs even when one fails; the target fails if any did.
test-bpf-host: $(TEST_BPF_BIN)
	@rc=0; for m in $(TEST_BPF_MODES); do \
		$(TEST_BPF_BIN) -m $$m $(TEST_BPF_ARGS) || rc=1; \
	done; exit $$rc

$(TEST_BPF_GEN): scripts/extract-test-bpf.py
	python3 scripts/extract-test-bpf.py -o $@

$(HOST_BUILD)/test_bpf/tests.o: $(TEST_BPF_GEN)
	$(HOST_TEST_CC) $(TEST_BPF_CFLAGS) -c -o $@ $<

$(HOST_BUILD)/$(TEST_BPF_DIR)/runner.o: $(TEST_BPF_DIR)/runner.c
	@mkdir -p $(dir $@)
	$(HOST_TEST_CC) $(TEST_BPF_CFLAGS) -c -o $@ $<

$(TEST_BPF_BIN): $(TEST_BPF_OBJS) $(HOST_CORE_LIB)
	$(HOST_TEST_CC) $(HOST_TEST_SANITIZE) -o $@ $^ $(HOST_TEST_LDLIBS)

# ---- Interpreter and JIT speed (-O2, no sanitizers) ------------------------

BENCH_BUILD := $(HOST_BUILD)/bench
BENCH_CFLAGS := -Iinclude/shim -Iinclude -I$(TEST_BPF_DIR) -Itests/test_bpf -std=gnu11 \
		-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE
BENCH_CORE := jit/engine.c jit/interp.c jit/interp_callback.c jit/ld_abs.c jit/x86_emit.c \
	      jit/x86_jit.c jit/x86_jit_alu.c jit/x86_jit_mem.c \
	      jit/x86_jit_check.c jit/x86_jit_inline.c jit/runtime.c \
	      jit/exec_host.c

bench-interp: $(BENCH_BUILD)/interp-bench $(BENCH_BUILD)/test-bpf
	$(BENCH_BUILD)/interp-bench
	$(BENCH_BUILD)/test-bpf | tail -n 2

$(BENCH_BUILD)/interp-bench: tests/host/bench/interp_bench.c $(BENCH_CORE)
	@mkdir -p $(dir $@)
	$(HOST_TEST_CC) $(BENCH_CFLAGS) -o $@ $^ $(HOST_TEST_LDLIBS)

bench-engine: $(BENCH_BUILD)/engine-bench
	$(BENCH_BUILD)/engine-bench $(BENCH_ENGINE_ARGS)

$(BENCH_BUILD)/engine-bench: tests/host/bench/engine_bench.c $(BENCH_CORE)
	@mkdir -p $(dir $@)
	$(HOST_TEST_CC) $(BENCH_CFLAGS) -o $@ $^ $(HOST_TEST_LDLIBS) -lm

$(BENCH_BUILD)/test-bpf: $(TEST_BPF_GEN) $(TEST_BPF_DIR)/runner.c $(BENCH_CORE)
	@mkdir -p $(dir $@)
	$(HOST_TEST_CC) $(BENCH_CFLAGS) -o $@ $^ $(HOST_TEST_LDLIBS)

-include $(HOST_CORE_OBJS:.o=.d) $(HOST_TEST_OBJS:.o=.d) $(TEST_BPF_OBJS:.o=.d)

# When included, leave the including Makefile's default goal alone.
ifeq ($(_host_standalone),)
.DEFAULT_GOAL := $(_host_saved_goal)
endif
