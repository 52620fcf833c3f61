# SPDX-License-Identifier: GPL-2.0
# kbpf-run (tools/run/kbpf-run.c): the shared core (checked interpreter,
# interpreter, JIT) built for userspace
# through include/shim, with -O2 and no sanitizers. Included by the
# top-level Makefile (`make tools`) and by tests/host/host.mk, whose tests
# run it.

ifndef _kbpf_run_mk
_kbpf_run_mk := 1
# Leave the including makefile's default goal alone.
_kbpf_run_saved_goal := $(.DEFAULT_GOAL)

KBPF_RUN := build/tools/kbpf-run
KBPF_RUN_SRCS := tools/run/kbpf-run.c jit/interp_checked.c jit/check.c \
		 jit/engine.c jit/ld_abs.c jit/interp.c jit/runtime.c \
		 jit/x86_emit.c jit/x86_jit.c jit/x86_jit_alu.c jit/x86_jit_mem.c \
		 jit/x86_jit_check.c jit/exec_host.c
# --verify: the verifier and what it links against: context rules and
# the helper tables (kbpf-run offers no helpers, but kbpf_verify()
# falls back on kbpf_get_func_proto()), which need liburcu as the host
# tests do.
KBPF_RUN_SRCS += tools/run/verify.c verifier/main.c verifier/cfg.c \
		 verifier/log.c verifier/disasm.c verifier/tnum.c \
		 verifier/bounds.c verifier/alu.c verifier/jmp.c \
		 verifier/mem_access.c verifier/stack.c verifier/helper_call.c \
		 verifier/call.c verifier/states.c verifier/fixup.c \
		 verifier/ctx_access.c verifier/ctx_skb.c verifier/ctx_xdp.c \
		 verifier/ctx_trace.c \
		 helpers/prog_types.c helpers/map.c helpers/time.c helpers/cpu.c \
		 helpers/task.c helpers/probe.c helpers/bprintf.c \
		 helpers/trace_printk.c helpers/skb.c
KBPF_RUN_LDLIBS := -lurcu-memb -lurcu-common -lpthread
KBPF_RUN_CFLAGS := -Iinclude/shim -Iinclude -std=gnu11 -O2 -g -Wall -Wextra \
		   -Werror -Wno-unused-parameter -D_GNU_SOURCE

$(KBPF_RUN): $(KBPF_RUN_SRCS) $(wildcard jit/*.h tools/run/*.h verifier/*.h \
	     include/kbpf/*.h include/shim/kbpf/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(KBPF_RUN_CFLAGS) -o $@ $(KBPF_RUN_SRCS) $(KBPF_RUN_LDLIBS)

.DEFAULT_GOAL := $(_kbpf_run_saved_goal)
endif
