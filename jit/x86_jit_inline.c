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
 * A copy's EXIT jumps to its end. Of the R6-R9 the callee writes, the
 * copy saves (in slots of its caller's frame, not by pushes) those the
 * caller may read after the call: a liveness analysis of the caller,
 * where calls and tail calls read all four (unverified, a callee may) and
 * a subprogram's EXIT too (its own caller may). What is different: helpers
 * called from the copy run one JIT frame higher, so a stack they walk
 * (bpf_get_stack) shows no frame for the subprogram, as for a C function
 * gcc inlined.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "x86_jit_priv.h"

/* The longest callee inlined, in instructions. */
#define JIT_INLINE_MAX_INSNS	32
/* Instructions all inline copies of a program may add up to. */
#define JIT_INLINE_BUDGET	8192
/* Liveness passes over a function before saving as if all were live. */
#define JIT_LIVE_MAX_PASSES	16

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

/* R6-R9 among the registers: bit k for R6 + k, as in jit_func.clobbers. */
static u8 callee_saved_bit(u8 reg)
{
	return reg >= BPF_REG_6 && reg <= BPF_REG_9 ? BIT(reg - BPF_REG_6) : 0;
}

/*
 * Which of R6-R9 insn reads (*use) and surely writes (*def). A use too
 * many only costs a save; a def too many would lose one, so what may not
 * write is no def: a cmpxchg leaves its source alone. Calls and tail
 * calls read all four: their callee or target may, unverified.
 */
static void insn_regs(const struct bpf_insn *insn, u8 *use, u8 *def)
{
	u8 dst = callee_saved_bit(insn->dst_reg);
	u8 src = callee_saved_bit(insn->src_reg);
	bool is_x = BPF_SRC(insn->code) == BPF_X;

	*use = 0;
	*def = 0;
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		*use = (BPF_OP(insn->code) == BPF_MOV ? 0 : dst) |
		       (is_x ? src : 0);
		*def = dst;
		return;
	case BPF_LDX:
		*use = src;
		*def = dst;
		return;
	case BPF_ST:
		*use = dst;
		return;
	case BPF_STX:
		*use = dst | src;
		if (BPF_MODE(insn->code) == BPF_ATOMIC &&
		    (insn->imm & BPF_FETCH) && insn->imm != BPF_CMPXCHG)
			*def = src;
		return;
	case BPF_LD:
		if (BPF_MODE(insn->code) == BPF_IMM)
			*def = dst;
		else	/* LD_ABS / LD_IND: the skb in R6 */
			*use = callee_saved_bit(BPF_REG_6) | src;
		return;
	default:
		break;
	}
	switch (BPF_OP(insn->code)) {
	case BPF_JA:
	case BPF_EXIT:
		return;
	case BPF_CALL:
		if (insn->src_reg == BPF_PSEUDO_CALL)
			*use = JIT_R6_R9;
		return;
	case BPF_TAIL_CALL:
		*use = JIT_R6_R9;
		return;
	default:
		*use = dst | (is_x ? src : 0);
		return;
	}
}

/* Where insn (at i) may jump within its function, besides on: *t. */
static bool jump_target(const struct bpf_insn *insn, u32 i, s64 *t)
{
	u8 op = BPF_OP(insn->code);

	if (BPF_CLASS(insn->code) != BPF_JMP &&
	    BPF_CLASS(insn->code) != BPF_JMP32)
		return false;
	if (op == BPF_EXIT || op == BPF_CALL || op == BPF_TAIL_CALL)
		return false;
	*t = (s64)i + 1 + (insn->code == (BPF_JMP32 | BPF_JA) ? insn->imm :
			   insn->off);
	return true;
}

/* R6-R9 live before instruction t, from those live after it. */
static u8 live_in(const struct jit_ctx *ctx, const struct jit_func *fn,
		  const u8 *live, u32 t)
{
	u8 use, def;

	insn_regs(&ctx->insns[t], &use, &def);
	return use | (live[t - fn->start] & ~def);
}

/*
 * R6-R9 live after each instruction of function f, in live[i - start]:
 * read on some path before being written. At EXIT the main function's
 * are dead (the entry restores C's); a subprogram's caller may read all.
 * Backward passes until nothing changes; false when that takes more than
 * JIT_LIVE_MAX_PASSES (a maze of loops), and the caller saves as if all
 * were live.
 */
static bool live_after(const struct jit_ctx *ctx, u32 f, u8 *live)
{
	const struct jit_func *fn = &ctx->funcs[f];
	u8 at_exit = f ? JIT_R6_R9 : 0;
	u32 pass, i;

	memset(live, 0, fn->end - fn->start);
	for (pass = 0; pass < JIT_LIVE_MAX_PASSES; pass++) {
		bool changed = false;

		for (i = fn->end; i-- > fn->start;) {
			const struct bpf_insn *insn = &ctx->insns[i];
			u32 next = i + 1;
			u8 out = 0;
			s64 t;

			if (i > fn->start &&
			    ctx->insns[i - 1].code == (BPF_LD | BPF_IMM | BPF_DW))
				continue;	/* a 64-bit immediate's half */
			if (insn->code == (BPF_LD | BPF_IMM | BPF_DW))
				next = i + 2;
			if (insn->code == (BPF_JMP | BPF_EXIT)) {
				out = at_exit;
			} else if (insn->code != (BPF_JMP | BPF_JA) &&
				   insn->code != (BPF_JMP32 | BPF_JA)) {
				/* Off the function's end: its epilogue. */
				out = next < fn->end ? live_in(ctx, fn, live, next)
						     : at_exit;
			}
			if (jump_target(insn, i, &t))
				out |= live_in(ctx, fn, live, t);
			/* A packet load outside the packet returns. */
			if (BPF_CLASS(insn->code) == BPF_LD &&
			    BPF_MODE(insn->code) != BPF_IMM)
				out |= at_exit;
			if (out != live[i - fn->start]) {
				live[i - fn->start] = out;
				changed = true;
			}
		}
		if (!changed)
			return true;
	}
	return false;
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
 * Mark the calls to inline (ctx->inlined, with the R6-R9 each saves), the
 * functions that still need code of their own (main, callbacks, callees of
 * calls left as calls), and the room each caller's frame keeps for its
 * copies' saves and frames. Returns the
 * labels the copies need, in emission order: each its callee's
 * instructions and one for its end. 0, or -ENOMEM.
 */
int jit_plan_inlining(struct jit_ctx *ctx, u32 *labels)
{
	u32 f, i, budget = JIT_INLINE_BUDGET;
	u8 *live;
	int err = 0;

	*labels = 0;
	for (f = 0; f < ctx->nr_funcs; f++) {
		struct jit_func *fn = &ctx->funcs[f];

		fn->inlinable = inlinable(ctx, f);
		fn->emitted = !f || fn->callback;
	}
	ctx->inlined = kvzalloc(ctx->len, GFP_KERNEL);
	live = kvmalloc(ctx->len, GFP_KERNEL);
	if (!ctx->inlined || !live) {
		err = -ENOMEM;
		goto out;
	}
	for (f = 0; f < ctx->nr_funcs; f++) {
		struct jit_func *fn = &ctx->funcs[f];
		int known = -1;	/* live[] computed for f: not yet */

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
			if (known < 0)
				known = live_after(ctx, f, live);
			budget -= n;
			ctx->inlined[i] = JIT_INLINED | (callee->clobbers &
				(known ? live[i - fn->start] : JIT_R6_R9));
			*labels += n + 1;
			fn->inline_stack = max_t(u32, fn->inline_stack,
						 JIT_INLINE_SAVES +
						 round_up(callee->stack, 16));
		}
	}
out:
	kvfree(live);
	return err;
}
