// SPDX-License-Identifier: GPL-2.0
/*
 * Which bpf-to-bpf calls the JIT inlines. Linux's JIT never does; gcc
 * does it to the same code in C, and a call costs the call, a frame and
 * its return, which for a small subprogram is most of its time.
 *
 * A callee is inlined only where nothing but its speed can tell:
 *
 *  - it is a leaf: no bpf-to-bpf calls and no callbacks of its own, so
 *    inline copies never nest and the call graph's limits stay as checked;
 *  - it does not tail call: a tail call pops the current frame, which in
 *    an inline copy would be its caller's;
 *  - R10 appears only as the base of loads, stores and atomics whose bytes
 *    all lie in its declared stack. Its frame then moves into its caller's,
 *    below the caller's own stack (R10 becomes rbp minus the caller's
 *    frame), and no code can tell: no copy of R10 exists to compare, pass
 *    or keep, and no access reaches what used to lie around the frame;
 *  - it is short (JIT_INLINE_MAX_INSNS), and the program's inline copies
 *    stay within JIT_INLINE_BUDGET instructions: the image and the label
 *    table grow by each copy.
 *
 * The copy keeps the call's save of the R6-R9 the callee writes; an EXIT
 * jumps to its end. What is different: helpers called from the copy run
 * one JIT frame higher, so a stack they walk (bpf_get_stack) shows no
 * frame for the subprogram, as for a C function gcc inlined.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "x86_jit_priv.h"

/* The longest callee inlined, in instructions. */
#define JIT_INLINE_MAX_INSNS	32
/* Instructions all inline copies of a program may add up to. */
#define JIT_INLINE_BUDGET	8192

static const u8 bpf_size_bytes[4] = {
	[BPF_W >> 3] = 4, [BPF_H >> 3] = 2, [BPF_B >> 3] = 1, [BPF_DW >> 3] = 8,
};

/* A memory access through R10: within [-stack, 0)? */
static bool frame_access_ok(const struct bpf_insn *insn, u32 stack)
{
	s32 size = bpf_size_bytes[BPF_SIZE(insn->code) >> 3];

	return insn->off < 0 && insn->off >= -(s32)stack &&
	       insn->off + size <= 0;
}

/* Whether insn uses R10 as nothing but an in-frame memory base. */
static bool frame_use_ok(const struct bpf_insn *insn, u32 stack)
{
	switch (BPF_CLASS(insn->code)) {
	case BPF_LDX:
		if (insn->src_reg != BPF_REG_10)
			return insn->dst_reg != BPF_REG_10;
		return frame_access_ok(insn, stack);
	case BPF_ST:
	case BPF_STX:
		/* Stored, or an atomic's operand, R10 would escape. */
		if (BPF_CLASS(insn->code) == BPF_STX &&
		    insn->src_reg == BPF_REG_10)
			return false;
		return insn->dst_reg != BPF_REG_10 ||
		       frame_access_ok(insn, stack);
	default:
		return insn->dst_reg != BPF_REG_10 &&
		       insn->src_reg != BPF_REG_10;
	}
}

/* Whether a call to function f may become a copy of its body. */
static bool inlinable(const struct jit_ctx *ctx, u32 f)
{
	const struct jit_func *fn = &ctx->funcs[f];
	u32 i;

	if (!f || fn->end - fn->start > JIT_INLINE_MAX_INSNS)
		return false;
	for (i = fn->start; i < fn->end; i++) {
		const struct bpf_insn *insn = &ctx->insns[i];

		if (insn->code == (BPF_JMP | BPF_TAIL_CALL))
			return false;
		if (insn->code == (BPF_JMP | BPF_CALL) &&
		    insn->src_reg == BPF_PSEUDO_CALL)
			return false;
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			if (insn->src_reg == BPF_PSEUDO_FUNC ||
			    insn->dst_reg == BPF_REG_10)
				return false;
			i++;	/* the second half: no registers */
			continue;
		}
		if (!frame_use_ok(insn, fn->stack))
			return false;
	}
	return true;
}

/*
 * Mark the calls to inline (ctx->inlined), the functions that still need
 * code of their own (main, callbacks, callees of calls left as calls), and
 * the room each caller's frame keeps for its copies' frames. Returns the
 * labels the copies need, in emission order: each its callee's
 * instructions and one for its end. 0, or -ENOMEM.
 */
int jit_plan_inlining(struct jit_ctx *ctx, u32 *labels)
{
	u32 f, i, budget = JIT_INLINE_BUDGET;

	*labels = 0;
	for (f = 0; f < ctx->nr_funcs; f++) {
		struct jit_func *fn = &ctx->funcs[f];

		fn->inlinable = inlinable(ctx, f);
		fn->emitted = !f || fn->callback;
	}
	ctx->inlined = kvzalloc(ctx->len, GFP_KERNEL);
	if (!ctx->inlined)
		return -ENOMEM;
	for (f = 0; f < ctx->nr_funcs; f++) {
		struct jit_func *fn = &ctx->funcs[f];

		for (i = fn->start; i < fn->end; i++) {
			const struct bpf_insn *insn = &ctx->insns[i];
			struct jit_func *callee;
			u32 n;

			if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
				i++;
				continue;
			}
			if (insn->code != (BPF_JMP | BPF_CALL) ||
			    insn->src_reg != BPF_PSEUDO_CALL)
				continue;
			callee = &ctx->funcs[jit_func_at(ctx, i + 1 + insn->imm)];
			n = callee->end - callee->start;
			if (!callee->inlinable || n > budget) {
				callee->emitted = true;
				continue;
			}
			budget -= n;
			ctx->inlined[i] = true;
			*labels += n + 1;
			fn->inline_stack = max_t(u32, fn->inline_stack,
						 round_up(callee->stack, 16));
		}
	}
	return 0;
}
