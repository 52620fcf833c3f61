# SPDX-License-Identifier: GPL-2.0
# kbpf-run (tools/run/kbpf-run.c): the shared core (core.mk: checked
# interpreter, interpreter, JIT, verifier, ...) built for userspace
# through include/shim, with -O2 and no sanitizers. Included by the
# top-level Makefile (`make tools`) and by tests/host/host.mk, whose tests
# run it.

ifndef _kbpf_run_mk
_kbpf_run_mk := 1
# Leave the including makefile's default goal alone.
_kbpf_run_saved_goal := $(.DEFAULT_GOAL)

KBPF_RUN := build/tools/kbpf-run
include core.mk
# --verify needs the verifier and what it links against (context rules,
# the helper tables and through them the maps); simplest and never out of
# date is the whole core.
KBPF_RUN_SRCS := tools/run/kbpf-run.c tools/run/verify.c $(KBPF_CORE_SRCS)
KBPF_RUN_LDLIBS := -lurcu-memb -lurcu-common -lpthread
KBPF_RUN_CFLAGS := -Iinclude/shim -Iinclude -std=gnu11 -O2 -g -Wall -Wextra \
		   -Werror -Wno-unused-parameter -D_GNU_SOURCE

$(KBPF_RUN): $(KBPF_RUN_SRCS) $(wildcard */*.h tools/run/*.h \
	     include/kbpf/*.h include/shim/kbpf/*.h) core.mk
	@mkdir -p $(dir $@)
	$(CC) $(KBPF_RUN_CFLAGS) -o $@ $(KBPF_RUN_SRCS) $(KBPF_RUN_LDLIBS)

.DEFAULT_GOAL := $(_kbpf_run_saved_goal)
endif
