/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The eBPF interpreter: the runtime every program can fall back to (JIT
 * disabled, failed, or out of arena space).
 */
#ifndef KBPF_JIT_INTERP_H
#define KBPF_JIT_INTERP_H

#include <kbpf/engine.h>

/*
 * A kbpf_func_t: runs code->insnsi with R1 = ctx and returns R0, following
 * <kbpf/engine.h>. Uses about 1.3 KiB of the caller's stack (the BPF stack
 * and the call frames) and no other memory. Programs that tail call must
 * run under rcu_read_lock(): the prog array's slots are RCU-protected.
 */
u64 kbpf_interp_run(const void *ctx, const struct kbpf_code *code);

#endif /* KBPF_JIT_INTERP_H */
