// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel stack behind bpf_get_stackid() and bpf_get_stack(): what
 * Linux's perf_callchain_kernel() records, on the same exported unwinder
 * (__unwind_start, unwind_next_frame, unwind_get_return_address; ORC on
 * Debian's kernel). stack_trace_save() is exported too, but it only walks
 * from its own frame: it can neither start at a kprobe's pt_regs nor leave
 * out kbpf's own frames by position, which is what Linux's helpers do.
 *
 * The walk starts at regs->ip. Hardware registers (a kprobe's, a perf
 * sample's: X86_EFLAGS_FIXED is set in any real flags word) are unwound
 * from the interrupted frame; registers a helper filled with
 * KBPF_CALLER_REGS (raw tracepoints) name the helper's own frame, and the
 * unwinder skips every frame up to it: the helper, and whatever the
 * unwinder itself called, never appear.
 *
 * The one thing Linux does not meet: ORC has no data for kbpf's JIT arena
 * (a section of the module that objtool does not see), where Linux's
 * unwinder falls back to the frame pointer for its JIT's images. kbpf's
 * JITed functions keep a frame pointer too (push rbp; mov rbp, rsp), so
 * the walk crosses them itself: from the frame's rbp it reads the caller's
 * rbp and the return address, and starts the unwinder again in the
 * caller, kbpf's own C code.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <asm/unwind.h>

#include <kbpf/kapi.h>

#include "../jit/arena.h"
#include "export.h"

static bool in_jit(unsigned long ip)
{
	return kbpf_arena_contains((const void *)ip, 1);
}

/*
 * Follow the frame pointer chain out of JIT code from the frame at bp.
 * Returns the first return address outside the arena (with the stack
 * pointer and rbp of its frame in hop), storing the ones inside it; 0
 * when the chain is not readable or leads outside kbpf.
 */
static unsigned long cross_jit(unsigned long bp, struct pt_regs *hop,
			       u64 *ips, u32 *n, u32 max)
{
	unsigned long frame[2];	/* saved rbp, return address */

	for (;;) {
		if (!IS_ALIGNED(bp, sizeof(long)) ||
		    copy_from_kernel_nofault(frame, (const void *)bp,
					     sizeof(frame)))
			return 0;
		if (!in_jit(frame[1]))
			break;
		/* A bpf-to-bpf or callback caller: another JIT frame. */
		if (*n >= max)
			return 0;
		ips[(*n)++] = frame[1];
		bp = frame[0];
	}
	/* Only kbpf calls JITed code. */
	if (!within_module_core(frame[1], THIS_MODULE))
		return 0;
	memset(hop, 0, sizeof(*hop));
	hop->ip = frame[1];
	hop->sp = bp + 2 * sizeof(long);
	hop->bp = frame[0];
	hop->cs = __KERNEL_CS;
	hop->flags = X86_EFLAGS_FIXED;
	return frame[1];
}

u32 kbpf_stack_walk(struct pt_regs *regs, u64 *ips, u32 max)
{
	struct unwind_state state;
	struct pt_regs hop;
	bool hw = regs->flags & X86_EFLAGS_FIXED;
	unsigned long addr;
	u32 n = 0;

	if (!max)
		return 0;
	ips[n++] = regs->ip;
	if (!hw) {
		/*
		 * The first frame above the helper's is its caller's, so a
		 * helper called from JIT code meets the JIT frame below.
		 */
		unwind_start(&state, current, NULL, (unsigned long *)regs->sp);
	} else if (in_jit(regs->ip)) {
		/* Interrupted in JIT code: regs->bp is that frame's. */
		if (!cross_jit(regs->bp, &hop, ips, &n, max) || n >= max)
			return n;
		ips[n++] = hop.ip;
		unwind_start(&state, current, &hop, NULL);
	} else {
		unwind_start(&state, current, regs, NULL);
	}
	while (n < max && !unwind_done(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		/*
		 * From a helper's frame the unwinder first reports its
		 * caller, regs->ip again: once is what Linux records.
		 */
		if (n != 1 || addr != ips[0] || hw)
			ips[n++] = addr;
		if (!in_jit(addr)) {
			unwind_next_frame(&state);
			continue;
		}
		if (!cross_jit(state.bp, &hop, ips, &n, max) || n >= max)
			break;
		ips[n++] = hop.ip;
		/* Starting from registers skips their frame: stored above. */
		unwind_start(&state, current, &hop, NULL);
	}
	return n;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_stack_walk);
