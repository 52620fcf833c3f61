// SPDX-License-Identifier: GPL-2.0
/*
 * The eBPF interpreter: runs xlated instructions with the semantics of
 * <kbpf/engine.h> and RFC 9669 (ISA v4 included). The body is in
 * interp_body.h, shared with the checked sandbox (interp_checked.c); this
 * instance trusts its program, as the verifier vouches for it, so every
 * check hook is a constant and compiles away.
 */

/*
 * The BPF stack of one run: the main program's frame at the top, each
 * callee's frame right below its caller's. The verifier holds a call
 * chain to KBPF_MAX_STACK in all; but a tail call made from a subprogram
 * starts a whole new program, with up to KBPF_MAX_STACK of its own, below
 * the frames still live, which Linux's verifier keeps under half the
 * limit when it allows such a call. Hence one and a half times the limit.
 */
#define INTERP_STACK		(KBPF_MAX_STACK + KBPF_MAX_STACK / 2)

#define INTERP_FUNC		kbpf_interp_run
#define INTERP_PARAMS		const void *ctx, const struct kbpf_code *code
#define INTERP_ENTER()		do { } while (0)
#define INTERP_NEW_STACK(lo, n)	do { } while (0)
#define INTERP_BAD_ACCESS(a, n)	false
#define INTERP_MISALIGNED(a, n)	false
#define INTERP_SANDBOX		false
#define INTERP_FAULT(kind)	do { } while (0)

#include "interp_body.h"
