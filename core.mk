# SPDX-License-Identifier: GPL-2.0
# The shared core (maps/, jit/, verifier/, helpers/) as it builds for
# userspace through include/shim: the one list of its sources, for the
# host tests (tests/host/host.mk), kbpf-run (tools/run/run.mk) and the
# fuzz targets. Kernel-only files (jit/arena.c, maps/ringbuf_area.c, ...)
# have host twins here where the core needs one.

ifndef _kbpf_core_mk
_kbpf_core_mk := 1

KBPF_CORE_SRCS := maps/core.c maps/array.c jit/x86_emit.c jit/pack.c \
		  maps/hash.c maps/lru.c maps/lru_list.c maps/freelist.c \
		  jit/engine.c jit/interp.c jit/ld_abs.c jit/x86_jit.c \
		  jit/x86_jit_alu.c jit/x86_jit_mem.c jit/x86_jit_check.c \
		  jit/x86_jit_inline.c jit/runtime.c jit/exec_host.c
KBPF_CORE_SRCS += maps/queue_stack.c maps/lpm_trie.c
KBPF_CORE_SRCS += maps/stack_trace.c helpers/stack.c
KBPF_CORE_SRCS += maps/fd_array.c maps/map_in_map.c maps/htab_of_maps.c

# The verifier.
KBPF_CORE_SRCS += verifier/main.c verifier/cfg.c verifier/log.c \
		  verifier/disasm.c verifier/tnum.c verifier/bounds.c \
		  verifier/alu.c verifier/jmp.c verifier/mem_access.c \
		  verifier/stack.c verifier/helper_call.c verifier/call.c \
		  verifier/states.c verifier/fixup.c
KBPF_CORE_SRCS += verifier/liveness.c
KBPF_CORE_SRCS += verifier/precision.c
KBPF_CORE_SRCS += verifier/map_call.c

# The ring buffer, with its host memory (a memfd mapped twice).
KBPF_CORE_SRCS += maps/ringbuf.c maps/ringbuf_area_host.c

# The structural check and the checked interpreter: kbpf-run's sandbox.
KBPF_CORE_SRCS += jit/check.c jit/interp_checked.c

# Helpers and the per program type helper tables.
KBPF_CORE_SRCS += helpers/map.c helpers/time.c helpers/cpu.c \
		  helpers/prog_types.c helpers/task.c helpers/probe.c \
		  helpers/bprintf.c helpers/trace_printk.c helpers/skb.c
KBPF_CORE_SRCS += helpers/sock.c helpers/sock_lookup_host.c
KBPF_CORE_SRCS += helpers/cookie.c helpers/skb_change.c helpers/skb_adjust_room.c \
		  helpers/skb_net_host.c
KBPF_CORE_SRCS += helpers/skb_meta.c helpers/check_mtu.c \
		  helpers/tunnel.c
KBPF_CORE_SRCS += helpers/strtox.c helpers/xdp.c helpers/redirect.c
KBPF_CORE_SRCS += helpers/fib.c helpers/fib_lookup_host.c
KBPF_CORE_SRCS += helpers/strncmp.c verifier/const_str.c
KBPF_CORE_SRCS += helpers/signal.c helpers/kprobe_multi.c syscall/kprobe_multi_attr.c
KBPF_CORE_SRCS += helpers/ringbuf.c helpers/local_storage.c maps/local_storage.c
KBPF_CORE_SRCS += helpers/perf_event.c maps/perf_buffer.c maps/perf_event_array.c \
		  maps/perf_buffer_host.c

# Context access rules per program type (verifier/ctx_*.c).
KBPF_CORE_SRCS += verifier/ctx_access.c verifier/ctx_skb.c verifier/ctx_xdp.c \
		  verifier/ctx_trace.c
KBPF_CORE_SRCS += verifier/ctx_sk_msg.c verifier/ctx_sock_addr.c \
		  verifier/ctx_sk_lookup.c verifier/ctx_cgroup.c verifier/ctx_sock_ops.c
# Callbacks: bpf_loop, bpf_for_each_map_elem and the interpreter's nested runs.
KBPF_CORE_SRCS += helpers/loop.c jit/interp_callback.c verifier/callback.c
KBPF_CORE_SRCS += verifier/ctx_sock.c

endif
