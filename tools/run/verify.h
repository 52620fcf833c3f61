/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbpf-run --verify: kbpf's verifier on a program whose context is raw
 * memory (tools/run/verify.c).
 */
#ifndef KBPF_TOOLS_RUN_VERIFY_H
#define KBPF_TOOLS_RUN_VERIFY_H

#include <kbpf/kapi.h>

/* What a verified program runs as: the xlated instructions and the main frame. */
struct run_verified {
	struct bpf_insn *insns;		/* kvmalloc'ed by the verifier */
	u32 len;
	u32 stack_depth;
};

/*
 * Verify insns[0, n) with R1 = a context of exactly mem_len bytes of
 * memory, readable and writable, R2 = mem_len. log_level 2 prints the
 * whole log on stderr (--log). Returns 0 with *out filled (free
 * out->insns with run_verified_free()), or prints "error: " and the end
 * of the log and returns the exit status.
 */
int run_verify(const struct bpf_insn *insns, u32 n, u32 mem_len,
	       u32 log_level, struct run_verified *out);
void run_verified_free(struct run_verified *v);

#endif /* KBPF_TOOLS_RUN_VERIFY_H */
