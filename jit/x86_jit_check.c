// SPDX-License-Identifier: GPL-2.0
/*
 * What the JIT refuses to translate, checked before a byte is emitted.
 * The verifier rejects all of it first; this is the JIT's own guard, so
 * that a program it was never meant to see (a test, a raw bytecode run,
 * a verifier bug) ends up on the interpreter, which bounds its own stack
 * and frames, rather than as native code:
 *
 *  - unknown opcodes and non-zero reserved fields (the only values a
 *    field may hold are the ones RFC 9669 and Linux's xlated form give
 *    it), and writes to R10, the frame pointer the JIT's frames rest on;
 *  - BPF_REG_AX as an operand of a division or an atomic: those use
 *    AX's x86 register as scratch (x86_jit_priv.h);
 *  - jumps out of the program, into another function or into the second
 *    half of a 64-bit immediate. (Running off the end of a function is
 *    harmless: its epilogue follows its last instruction, so it returns.
 *    test_bpf has such programs, with dead code after the exit.)
 *  - recursion, call chains of more than KBPF_MAX_CALL_FRAMES functions,
 *    and chains using more stack than the interpreter gives a run.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "x86_jit_priv.h"

/* What an instruction index is, besides an instruction. */
#define INSN_IMM64_HI	BIT(0)	/* the second half of a 64-bit immediate */
#define INSN_FUNC_START	BIT(1)	/* a bpf-to-bpf call target */

/* The interpreter's stack for one run: the most a call chain may use. */
#define CHAIN_STACK_MAX	(KBPF_MAX_STACK + KBPF_MAX_STACK / 2)

/* Call graph walk states. */
#define WALK_NEW	0
#define WALK_ACTIVE	1
#define WALK_DONE	2

/* R0-R10, and AX, which the verifier's fix-ups write (x86_jit_priv.h). */
static bool reg_ok(u8 reg)
{
	return reg <= BPF_REG_AX;
}

/* A destination: any register but R10, which is read-only. */
static bool dst_ok(u8 reg)
{
	return reg_ok(reg) && reg != BPF_REG_10;
}

/* Division and the atomics use AX's x86 register as scratch. */
static bool uses_ax(const struct bpf_insn *insn)
{
	return insn->dst_reg == BPF_REG_AX || insn->src_reg == BPF_REG_AX;
}

static int check_alu(const struct bpf_insn *insn)
{
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	bool is_x = BPF_SRC(insn->code) == BPF_X;

	if (!dst_ok(insn->dst_reg) || !reg_ok(insn->src_reg))
		return -EINVAL;
	switch (BPF_OP(insn->code)) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_MUL:
	case BPF_OR:
	case BPF_AND:
	case BPF_LSH:
	case BPF_RSH:
	case BPF_XOR:
	case BPF_ARSH:
		if (insn->off)
			return -EINVAL;
		break;
	case BPF_DIV:
	case BPF_MOD:
		if (insn->off && insn->off != KBPF_OFF_SDIV)
			return -EINVAL;
		if (uses_ax(insn))
			return -EINVAL;
		break;
	case BPF_MOV:
		if (!is_x) {
			if (insn->off)
				return -EINVAL;
			break;
		}
		/* imm 1: the verifier's mark on a zero extension it inserted. */
		if (insn->imm == 1 && !is64 && !insn->off &&
		    insn->src_reg == insn->dst_reg)
			return 0;
		if (insn->off != 0 && insn->off != 8 && insn->off != 16 &&
		    (insn->off != 32 || !is64))
			return -EINVAL;
		break;
	case BPF_NEG:
		if (is_x || insn->src_reg || insn->off || insn->imm)
			return -EINVAL;
		return 0;
	case BPF_END:
		/* ALU64 | END | TO_LE is BSWAP; ALU64 | END | TO_BE is nothing. */
		if ((is64 && is_x) || insn->src_reg || insn->off)
			return -EINVAL;
		if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
	/* The operand not named by the source bit must be zero. */
	return (is_x ? insn->imm : insn->src_reg) ? -EINVAL : 0;
}

/* Jump and call targets are checked later, once functions are known. */
static int check_jmp(const struct bpf_insn *insn)
{
	bool is32 = BPF_CLASS(insn->code) == BPF_JMP32;
	bool is_x = BPF_SRC(insn->code) == BPF_X;

	switch (BPF_OP(insn->code)) {
	case BPF_JA:
		if (is_x || insn->dst_reg || insn->src_reg)
			return -EINVAL;
		/* JA32 (ISA v4) jumps by imm, off unused; JA the other way round. */
		return (is32 ? insn->off : insn->imm) ? -EINVAL : 0;
	case BPF_CALL:
		if (is32 || is_x || insn->dst_reg)
			return -EINVAL;
		if (insn->src_reg == BPF_PSEUDO_CALL)
			return insn->off < 0 || insn->off > KBPF_MAX_STACK ?
			       -EINVAL : 0;
		if (insn->src_reg && insn->src_reg != BPF_PSEUDO_KFUNC_CALL)
			return -EINVAL;
		return insn->off ? -EINVAL : 0;
	case BPF_EXIT:
	case BPF_TAIL_CALL:
		if (is32 || is_x || insn->dst_reg || insn->src_reg ||
		    insn->off || insn->imm)
			return -EINVAL;
		return 0;
	case BPF_JEQ:
	case BPF_JGT:
	case BPF_JGE:
	case BPF_JSET:
	case BPF_JNE:
	case BPF_JSGT:
	case BPF_JSGE:
	case BPF_JLT:
	case BPF_JLE:
	case BPF_JSLT:
	case BPF_JSLE:
		if (!reg_ok(insn->dst_reg) || !reg_ok(insn->src_reg))
			return -EINVAL;
		return (is_x ? insn->imm : insn->src_reg) ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

/* The LD_IMM64 sources the verifier turns into a plain constant. */
static bool ld_imm64_src_ok(u8 src)
{
	switch (src) {
	case 0:
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_VALUE:
	case BPF_PSEUDO_BTF_ID:
	case BPF_PSEUDO_MAP_IDX:
	case BPF_PSEUDO_MAP_IDX_VALUE:
		return true;
	default:
		return false;
	}
}

static int check_ld(const struct bpf_insn *insn, u32 i, u32 len)
{
	const struct bpf_insn *hi = insn + 1;

	switch (BPF_MODE(insn->code)) {
	case BPF_IMM:
		if (BPF_SIZE(insn->code) != BPF_DW || !dst_ok(insn->dst_reg))
			return -EINVAL;
		/* A callback's off is its stack depth (engine.h). */
		if (insn->src_reg == BPF_PSEUDO_FUNC) {
			if ((u16)insn->off > KBPF_MAX_STACK)
				return -EINVAL;
		} else if (!ld_imm64_src_ok(insn->src_reg) || insn->off) {
			return -EINVAL;
		}
		if (i + 1 >= len || hi->code || hi->dst_reg || hi->src_reg ||
		    hi->off)
			return -EINVAL;
		return 0;
	case BPF_ABS:
	case BPF_IND:
		if (BPF_SIZE(insn->code) == BPF_DW || insn->dst_reg ||
		    insn->off || !reg_ok(insn->src_reg))
			return -EINVAL;
		return BPF_MODE(insn->code) == BPF_ABS && insn->src_reg ?
		       -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

static bool atomic_op_ok(s32 op)
{
	switch (op) {
	case BPF_ADD:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
	case BPF_ADD | BPF_FETCH:
	case BPF_AND | BPF_FETCH:
	case BPF_OR | BPF_FETCH:
	case BPF_XOR | BPF_FETCH:
	case BPF_XCHG:
	case BPF_CMPXCHG:
		return true;
	default:
		return false;
	}
}

static int check_mem(const struct bpf_insn *insn)
{
	u8 size = BPF_SIZE(insn->code);

	if (!reg_ok(insn->dst_reg) || !reg_ok(insn->src_reg))
		return -EINVAL;
	switch (BPF_CLASS(insn->code) | BPF_MODE(insn->code)) {
	case BPF_LDX | BPF_MEMSX:
		if (size == BPF_DW)
			return -EINVAL;
		fallthrough;
	case BPF_LDX | BPF_MEM:
		return !dst_ok(insn->dst_reg) || insn->imm ? -EINVAL : 0;
	case BPF_ST | BPF_MEM:
		return insn->src_reg ? -EINVAL : 0;
	case BPF_STX | BPF_MEM:
		return insn->imm ? -EINVAL : 0;
	case BPF_STX | BPF_ATOMIC:
		if ((size != BPF_W && size != BPF_DW) ||
		    !atomic_op_ok(insn->imm) || uses_ax(insn))
			return -EINVAL;
		/* The fetching forms write the old value to src. */
		if ((insn->imm & BPF_FETCH) && !dst_ok(insn->src_reg))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

static int check_insn(const struct bpf_insn *insn, u32 i, u32 len)
{
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return check_alu(insn);
	case BPF_JMP:
	case BPF_JMP32:
		return check_jmp(insn);
	case BPF_LD:
		return check_ld(insn, i, len);
	default:
		return check_mem(insn);
	}
}

static bool is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg == BPF_PSEUDO_CALL;
}

static bool is_pseudo_func(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       insn->src_reg == BPF_PSEUDO_FUNC;
}

/*
 * Calls in the call graph: bpf-to-bpf calls, and callback loads, as the
 * verifier counts them (a helper may call the callback from here, one
 * frame deeper).
 */
static bool is_call_edge(const struct bpf_insn *insn)
{
	return is_pseudo_call(insn) || is_pseudo_func(insn);
}

/* Whether insn (at i) jumps or calls, and where: *t, maybe out of range. */
static bool branch_target(const struct bpf_insn *insn, u32 i, s64 *t)
{
	u8 op = BPF_OP(insn->code);

	if (BPF_CLASS(insn->code) != BPF_JMP &&
	    BPF_CLASS(insn->code) != BPF_JMP32)
		return false;
	if (op == BPF_EXIT || op == BPF_TAIL_CALL ||
	    (op == BPF_CALL && !is_pseudo_call(insn)))
		return false;
	if (op == BPF_CALL || (op == BPF_JA && BPF_CLASS(insn->code) == BPF_JMP32))
		*t = (s64)i + 1 + insn->imm;
	else
		*t = (s64)i + 1 + insn->off;
	return true;
}

u32 jit_func_at(const struct jit_ctx *ctx, u32 start)
{
	u32 lo = 0, hi = ctx->nr_funcs;

	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (ctx->funcs[mid].start <= start)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Depth and stack of the deepest call chain from f. The recursion is at
 * most KBPF_MAX_CALL_FRAMES + 1 deep: a longer chain is refused.
 */
static int walk_calls(struct jit_ctx *ctx, u32 f, u32 level)
{
	struct jit_func *fn = &ctx->funcs[f];
	u32 i, depth = 0, chain = 0;
	int err;

	if (fn->state == WALK_DONE)
		return 0;
	if (fn->state == WALK_ACTIVE || level > KBPF_MAX_CALL_FRAMES)
		return -EINVAL;
	fn->state = WALK_ACTIVE;
	for (i = fn->start; i < fn->end; i++) {
		const struct bpf_insn *insn = &ctx->insns[i];
		struct jit_func *callee;

		if (!is_call_edge(insn))
			continue;
		callee = &ctx->funcs[jit_func_at(ctx, i + 1 + insn->imm)];
		err = walk_calls(ctx, callee - ctx->funcs, level + 1);
		if (err)
			return err;
		depth = max(depth, callee->depth);
		chain = max(chain, callee->chain_stack);
	}
	fn->depth = depth + 1;
	fn->chain_stack = chain + round_up(fn->stack, 8);
	if (fn->depth > KBPF_MAX_CALL_FRAMES || fn->chain_stack > CHAIN_STACK_MAX)
		return -EINVAL;
	fn->state = WALK_DONE;
	return 0;
}

/* Cut the program into functions at its call targets. */
static int find_funcs(struct jit_ctx *ctx, const u8 *kind, u32 main_stack)
{
	u32 i, f = 0, n = 0;

	for (i = 0; i < ctx->len; i++)
		n += !!(kind[i] & INSN_FUNC_START);
	ctx->funcs = kvcalloc(n, sizeof(*ctx->funcs), GFP_KERNEL);
	if (!ctx->funcs)
		return -ENOMEM;
	ctx->nr_funcs = n;
	for (i = 0; i < ctx->len; i++) {
		if (!(kind[i] & INSN_FUNC_START))
			continue;
		if (f)
			ctx->funcs[f - 1].end = i;
		ctx->funcs[f++].start = i;
	}
	ctx->funcs[n - 1].end = ctx->len;
	ctx->funcs[0].stack = main_stack;
	return 0;
}

int jit_check_program(struct jit_ctx *ctx, u32 main_stack)
{
	const struct bpf_insn *insns = ctx->insns;
	u32 i, f, len = ctx->len;
	u8 *kind;
	int err;

	if (main_stack > KBPF_MAX_STACK)
		return -EINVAL;
	kind = kvzalloc(len, GFP_KERNEL);
	if (!kind)
		return -ENOMEM;
	kind[0] = INSN_FUNC_START;
	for (i = 0; i < len; i++) {
		const struct bpf_insn *insn = &insns[i];
		s64 t;

		if (kind[i] & INSN_IMM64_HI)
			continue;
		err = check_insn(insn, i, len);
		if (err)
			goto out;
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW))
			kind[i + 1] |= INSN_IMM64_HI;
		if (is_pseudo_func(insn))
			t = (s64)i + 1 + insn->imm;
		else if (!branch_target(insn, i, &t))
			continue;
		if (t < 0 || t >= len) {
			err = -EINVAL;
			goto out;
		}
		if (is_call_edge(insn))
			kind[t] |= INSN_FUNC_START;
	}
	err = find_funcs(ctx, kind, main_stack);
	if (err)
		goto out;

	/* Targets, now that functions and immediates are known. */
	err = -EINVAL;
	for (f = 0; f < ctx->nr_funcs; f++) {
		struct jit_func *fn = &ctx->funcs[f];

		for (i = fn->start; i < fn->end; i++) {
			const struct bpf_insn *insn = &insns[i];
			s64 t;

			if (kind[i] & INSN_IMM64_HI)
				continue;
			if (is_pseudo_func(insn))
				t = (s64)i + 1 + insn->imm;
			else if (!branch_target(insn, i, &t))
				continue;
			if (kind[t] & INSN_IMM64_HI)
				goto out;
			if (is_call_edge(insn)) {
				struct jit_func *callee =
					&ctx->funcs[jit_func_at(ctx, t)];

				callee->stack = max_t(u32, callee->stack,
						      (u16)insn->off);
				if (is_pseudo_func(insn))
					callee->callback = true;
			} else if (t < fn->start || t >= fn->end) {
				goto out;
			}
		}
	}
	for (f = 0; f < ctx->nr_funcs; f++) {
		err = walk_calls(ctx, f, 1);
		if (err)
			goto out;
	}
	err = 0;
out:
	kvfree(kind);
	return err;
}
