// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter's side of callbacks (engine.h): a helper calling a
 * callback of an interpreted program lands here, in a nested run of the
 * interpreter that starts at the callback's first instruction with the
 * helper's R1-R5, and returns its R0 when the callback exits.
 *
 * A nested run has a BPF stack of its own: the verifier holds a call
 * chain, callbacks included, to KBPF_MAX_STACK in all and keeps tail calls
 * out of programs with subprograms, so one frame's limit is enough room
 * for whatever the callback and its callees use. The nesting itself is
 * bounded by the verifier too (a callback's frame counts towards
 * KBPF_MAX_CALL_FRAMES), each level costing about 1 KiB of kernel stack.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include "interp.h"

#define INTERP_STACK		KBPF_MAX_STACK

#define INTERP_FUNC		kbpf_interp_callback
#define INTERP_PARAMS		u64 r1, u64 r2, u64 r3, u64 r4, u64 r5, \
				const struct kbpf_callback *cb
#define INTERP_CODE		cb->code
#define INTERP_START_INSN	cb->insn
#define INTERP_START_DEPTH	cb->stack_depth
#define INTERP_START_ARGS()						\
	do {								\
		regs[BPF_REG_1] = r1;					\
		regs[BPF_REG_2] = r2;					\
		regs[BPF_REG_3] = r3;					\
		regs[BPF_REG_4] = r4;					\
		regs[BPF_REG_5] = r5;					\
	} while (0)
#define INTERP_ENTER()		do { } while (0)
#define INTERP_NEW_STACK(lo, n)	do { } while (0)
#define INTERP_BAD_ACCESS(a, n)	false
#define INTERP_MISALIGNED(a, n)	false
#define INTERP_SANDBOX		false
#define INTERP_FAULT(kind)	do { } while (0)

#include "interp_body.h"
