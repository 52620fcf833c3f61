/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The eBPF interpreter: the runtime every program can fall back to (JIT
 * disabled, failed, or out of arena space), and its checked twin, a
 * sandbox for bytecode no verifier has seen.
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

/*
 * code, zeroed, for insns (len of them, the main frame stack_depth bytes)
 * on the interpreter: as the tests and fuzzers start a program, before
 * kbpf_prog_select_runtime() or kbpf_jit_compile() may take it. Inline:
 * kbpf.ko itself never needs it, and the KUnit module no export.
 */
static inline void kbpf_code_init(struct kbpf_code *code,
				  const struct bpf_insn *insns, u32 len,
				  u32 stack_depth)
{
	*code = (struct kbpf_code){
		.bpf_func = kbpf_interp_run,
		.insnsi = insns,
		.len = len,
		.stack_depth = stack_depth,
	};
}

/*
 * A kbpf_callback_fn: runs the callback cb describes in a nested
 * interpreter, R1-R5 its arguments, and returns its R0. Uses about
 * 1 KiB of the caller's stack (the verifier bounds the nesting).
 */
u64 kbpf_interp_callback(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5,
			 const struct kbpf_callback *cb);

/* Why a checked run stopped early. */
enum kbpf_interp_fault {
	KBPF_INTERP_OK,
	KBPF_INTERP_BAD_INSN,		/* an opcode or atomic op it does not know */
	KBPF_INTERP_STACK_OVERFLOW,	/* too many frames, or frames too large */
	KBPF_INTERP_BAD_LOAD,		/* a load outside the memory and stack */
	KBPF_INTERP_BAD_STORE,		/* a store likewise */
	KBPF_INTERP_BAD_ATOMIC,		/* an atomic likewise */
	KBPF_INTERP_MISALIGNED_ATOMIC,	/* an atomic not on its natural alignment */
	KBPF_INTERP_SANDBOXED,		/* a helper call, tail call or packet load */
};

/*
 * A checked run's memory, and how it ended. The program may access the
 * len bytes at ctx, which R1 points to and R2 holds the length of, and
 * its live stack frames, nothing else; it may not call helpers, tail call
 * or load from packets, as those follow kernel pointers in registers.
 */
struct kbpf_interp_check {
	u64 len;
	/* Out: KBPF_INTERP_OK, or the fault and where (R0 is then 0). */
	enum kbpf_interp_fault fault;
	u32 fault_insn;			/* index in code->insnsi */
	u64 fault_addr;			/* for loads, stores and atomics */
	u32 fault_size;
	u64 stack_top;			/* the main frame's R10, to name addresses */
};

/*
 * The interpreter with every memory access checked against ctx[0, len)
 * and the stack, for bytecode no verifier has seen (kbpf-run, fuzzing).
 * The stack reads as zero until written; the main frame has
 * code->stack_depth bytes, each callee the depth its call gives in off,
 * up to KBPF_MAX_CALL_FRAMES frames of KBPF_MAX_STACK. Instructions must
 * have passed kbpf_insns_check() (jit/check.h): the checks rely on jumps
 * landing inside the program. Uses about 5 KiB of stack.
 */
u64 kbpf_interp_run_checked(const void *ctx, const struct kbpf_code *code,
			    struct kbpf_interp_check *chk);

#endif /* KBPF_JIT_INTERP_H */
