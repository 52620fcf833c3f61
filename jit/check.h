/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's own look at instructions from userspace, before any
 * runtime sees them: what a runtime needs to be safe from, not what the
 * verifier proves (types, bounds, termination).
 */
#ifndef KBPF_JIT_CHECK_H
#define KBPF_JIT_CHECK_H

#include <kbpf/kapi.h>

/* Linux's BPF_COMPLEXITY_LIMIT_INSNS: the most instructions a program has. */
#define KBPF_MAX_INSNS		1000000

/*
 * Check len instructions in their uapi form (before the verifier's
 * fix-ups): every opcode known, reserved fields zero, registers R0-R10
 * and never a write to R10, LD_IMM64 whole, every jump and bpf-to-bpf
 * call landing on an instruction of the program (not inside an LD_IMM64),
 * an exit somewhere, and no way to run off the end (the last instruction
 * is an exit or an unconditional jump, as Linux requires). Accepts what
 * only the verifier can judge: helper calls by id, map references, legacy
 * packet loads. Returns 0, or -EINVAL with the first offending
 * instruction in *bad and a reason in *why.
 */
int kbpf_insns_check(const struct bpf_insn *insns, u32 len, u32 *bad,
		     const char **why);

#endif /* KBPF_JIT_CHECK_H */
