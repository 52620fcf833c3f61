// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter as a sandbox: interp_body.h compiled with every memory
 * access checked, for bytecode no verifier has seen. A program may touch
 * its memory region and its live stack frames; anything else ends the run
 * with the reason in struct kbpf_interp_check, never with a wild access.
 *
 * Built for userspace only (kbpf-run, the host tests): its stack, room for
 * eight full frames, is more than a kernel function may take.
 */
#include <kbpf/kapi.h>

#include "interp.h"

/* Room for the deepest call chain with a full stack in every frame. */
#define INTERP_STACK		(KBPF_MAX_CALL_FRAMES * KBPF_MAX_STACK)

/* In range: computed as offsets, so that no sum can wrap around. */
static __always_inline bool interp_within(u64 addr, u32 n, u64 lo, u64 hi)
{
	return addr >= lo && addr < hi && n <= hi - addr;
}

static __always_inline bool interp_bad_access(struct kbpf_interp_check *chk,
					      u64 addr, u32 n, u64 mem,
					      u64 stack_lo, u64 stack_hi)
{
	if (interp_within(addr, n, mem, mem + chk->len) ||
	    interp_within(addr, n, stack_lo, stack_hi))
		return false;
	chk->fault_addr = addr;
	chk->fault_size = n;
	return true;
}

static __always_inline bool interp_misaligned(struct kbpf_interp_check *chk,
					      u64 addr, u32 n)
{
	if (!(addr & (n - 1)))
		return false;
	chk->fault_addr = addr;
	chk->fault_size = n;
	return true;
}

#define INTERP_FUNC		kbpf_interp_run_checked
#define INTERP_PARAMS		const void *ctx, const struct kbpf_code *code, \
				struct kbpf_interp_check *chk
/*
 * The main frame cannot exceed the stack; R2 = the memory's length, the
 * sandbox's convention.
 */
#define INTERP_ENTER()							\
	do {								\
		size = min_t(u32, size, sizeof(stack));			\
		regs[BPF_REG_2] = chk->len;				\
		chk->fault = KBPF_INTERP_OK;				\
		chk->stack_top = fp;					\
	} while (0)
/* Zeroed, so a program that reads stack it never wrote reads the same. */
#define INTERP_NEW_STACK(lo, n)	memset((void *)(unsigned long)(lo), 0, (n))
/* The live frames: the current one, [fp - size, fp), and its callers'. */
#define INTERP_BAD_ACCESS(a, n)						\
	interp_bad_access(chk, (a), (n), (unsigned long)ctx, fp - size,	\
			  (unsigned long)&stack[ARRAY_SIZE(stack)])
#define INTERP_MISALIGNED(a, n)	interp_misaligned(chk, (a), (n))
#define INTERP_SANDBOX		true
#define INTERP_FAULT(kind)						\
	do {								\
		chk->fault = (kind);					\
		chk->fault_insn = insn - code->insnsi;			\
	} while (0)

#include "interp_body.h"
