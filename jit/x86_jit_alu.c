// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT's ALU and conditional jumps: BPF_ALU/BPF_ALU64 and the compare
 * forms of BPF_JMP/BPF_JMP32, with the semantics of interp_ops.h. 32-bit
 * operations rely on x86 zero-extending every 32-bit register write; the
 * few that write no register (a shift by 0) zero-extend explicitly.
 *
 * Constant blinding lives here too: with ctx->blind, no immediate the
 * program chose appears in the image as is. It is stored XORed with a
 * per-instruction random value and decoded into JIT_AX at run time, so a
 * program cannot plant chosen bytes (a JIT spraying gadget) in executable
 * memory.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "x86_jit_priv.h"

/* A mix of the seed and the instruction index (murmur3's finalizer). */
u32 jit_blind_rnd(const struct jit_ctx *ctx)
{
	u32 h = ctx->seed ^ (ctx->idx * 0x9e3779b9U);

	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h ? h : 0x5bd1e995U;
}

void jit_load_imm(struct jit_ctx *ctx, bool is64, int reg, s32 imm)
{
	struct kbpf_x86 *e = &ctx->e;
	s32 rnd;

	if (!ctx->blind || !imm) {
		if (is64)
			kbpf_x86_load_imm64(e, reg, (u64)(s64)imm);
		else
			kbpf_x86_mov_imm32(e, false, reg, imm);
		return;
	}
	/* Sign extension commutes with XOR, so 64-bit works the same way. */
	rnd = (s32)jit_blind_rnd(ctx);
	kbpf_x86_mov_imm32(e, is64, reg, imm ^ rnd);
	kbpf_x86_alu_imm(e, KBPF_X86_XOR, is64, reg, rnd);
}

/* op dst, imm: in the instruction, or through JIT_AX when blinding. */
static void alu_imm(struct jit_ctx *ctx, enum kbpf_x86_alu op, bool is64,
		    int dst, s32 imm)
{
	if (ctx->blind && imm) {
		jit_load_imm(ctx, is64, JIT_AX, imm);
		kbpf_x86_alu_rr(&ctx->e, op, is64, dst, JIT_AX);
	} else {
		kbpf_x86_alu_imm(&ctx->e, op, is64, dst, imm);
	}
}

static const enum kbpf_x86_alu alu_ops[16] = {
	[BPF_ADD >> 4] = KBPF_X86_ADD,
	[BPF_SUB >> 4] = KBPF_X86_SUB,
	[BPF_OR >> 4] = KBPF_X86_OR,
	[BPF_AND >> 4] = KBPF_X86_AND,
	[BPF_XOR >> 4] = KBPF_X86_XOR,
};

static const enum kbpf_x86_shift shift_ops[16] = {
	[BPF_LSH >> 4] = KBPF_X86_SHL,
	[BPF_RSH >> 4] = KBPF_X86_SHR,
	[BPF_ARSH >> 4] = KBPF_X86_SAR,
};

/* dst32 = dst32: the zero extension of an operation that wrote nothing. */
static void zext(struct kbpf_x86 *e, int dst)
{
	kbpf_x86_mov_rr(e, false, dst, dst);
}

/*
 * Shift by a register: the count must be in cl, and rcx is R4. Unless the
 * count already is R4, rcx is parked in JIT_AX for the shift; when the
 * shifted register is R4 itself, the shift happens on the parked copy.
 */
static void shift_x(struct kbpf_x86 *e, enum kbpf_x86_shift op, bool is64,
		    int dst, int src)
{
	if (src == KBPF_X86_RCX) {
		kbpf_x86_shift_cl(e, op, is64, dst);
		return;
	}
	kbpf_x86_mov_rr(e, true, JIT_AX, KBPF_X86_RCX);
	kbpf_x86_mov_rr(e, true, KBPF_X86_RCX, src);
	if (dst == KBPF_X86_RCX) {
		kbpf_x86_shift_cl(e, op, is64, JIT_AX);
		kbpf_x86_mov_rr(e, true, KBPF_X86_RCX, JIT_AX);
	} else {
		kbpf_x86_shift_cl(e, op, is64, dst);
		kbpf_x86_mov_rr(e, true, KBPF_X86_RCX, JIT_AX);
	}
}

/*
 * dst = dst / JIT_AX or dst % JIT_AX, the divisor known to be neither 0
 * nor (signed) -1. x86 divides rdx:rax, which are R0 and R3: both are
 * parked in scratch registers unless dst is the one the result goes to.
 */
static void div_core(struct kbpf_x86 *e, bool is64, bool is_signed,
		     bool is_mod, int dst)
{
	int res = is_mod ? KBPF_X86_RDX : KBPF_X86_RAX;

	if (dst != KBPF_X86_RAX)
		kbpf_x86_mov_rr(e, true, JIT_TMP, KBPF_X86_RAX);
	if (dst != KBPF_X86_RDX)
		kbpf_x86_mov_rr(e, true, JIT_TMP2, KBPF_X86_RDX);
	if (dst != KBPF_X86_RAX)
		kbpf_x86_mov_rr(e, is64, KBPF_X86_RAX, dst);
	if (is_signed)
		kbpf_x86_cdq(e, is64);
	else
		kbpf_x86_zero(e, KBPF_X86_RDX);
	kbpf_x86_div(e, is64, is_signed, JIT_AX);
	/* A 32-bit div wrote eax and edx: the result is zero-extended. */
	if (dst != res)
		kbpf_x86_mov_rr(e, true, dst, res);
	if (dst != KBPF_X86_RAX)
		kbpf_x86_mov_rr(e, true, KBPF_X86_RAX, JIT_TMP);
	if (dst != KBPF_X86_RDX)
		kbpf_x86_mov_rr(e, true, KBPF_X86_RDX, JIT_TMP2);
}

/* Division by zero: dst = 0; modulo by zero leaves (the low half of) dst. */
static void div_by_zero(struct kbpf_x86 *e, bool is64, bool is_mod, int dst)
{
	if (!is_mod)
		kbpf_x86_zero(e, dst);
	else if (!is64)
		zext(e, dst);
}

/* Signed division by -1: dst = -dst; the remainder is 0. No #DE. */
static void div_by_minus_one(struct kbpf_x86 *e, bool is64, bool is_mod,
			     int dst)
{
	if (is_mod)
		kbpf_x86_zero(e, dst);
	else
		kbpf_x86_neg(e, is64, dst);
}

static void emit_div(struct jit_ctx *ctx, const struct bpf_insn *insn,
		     bool is64, bool is_mod, int dst)
{
	struct kbpf_x86 *e = &ctx->e;
	bool is_signed = insn->off == KBPF_OFF_SDIV;
	u32 zero, minus_one = 0, done, done2 = 0;

	if (BPF_SRC(insn->code) == BPF_K) {
		/* The special divisors are known now: no run-time checks. */
		if (!insn->imm)
			div_by_zero(e, is64, is_mod, dst);
		else if (is_signed && insn->imm == -1)
			div_by_minus_one(e, is64, is_mod, dst);
		else {
			jit_load_imm(ctx, is64, JIT_AX, insn->imm);
			div_core(e, is64, is_signed, is_mod, dst);
		}
		return;
	}

	kbpf_x86_mov_rr(e, is64, JIT_AX, kbpf_jit_reg[insn->src_reg]);
	kbpf_x86_test_rr(e, is64, JIT_AX, JIT_AX);
	zero = kbpf_x86_jcc_fwd(e, KBPF_X86_JE);
	if (is_signed) {
		kbpf_x86_alu_imm(e, KBPF_X86_CMP, is64, JIT_AX, -1);
		minus_one = kbpf_x86_jcc_fwd(e, KBPF_X86_JE);
	}
	div_core(e, is64, is_signed, is_mod, dst);
	done = kbpf_x86_jmp_fwd(e);
	kbpf_x86_bind(e, zero);
	div_by_zero(e, is64, is_mod, dst);
	if (is_signed) {
		done2 = kbpf_x86_jmp_fwd(e);
		kbpf_x86_bind(e, minus_one);
		div_by_minus_one(e, is64, is_mod, dst);
		kbpf_x86_bind(e, done2);
	}
	kbpf_x86_bind(e, done);
}

/* MOV X, with off the ISA v4 sign-extending move from 8, 16 or 32 bits. */
static void emit_mov_x(struct kbpf_x86 *e, bool is64, s16 off, int dst,
		       int src)
{
	switch (off) {
	case 8:
	case 16:
		kbpf_x86_movsx(e, is64, dst, src, off / 8);
		break;
	case 32:
		kbpf_x86_movsxd(e, dst, src);
		break;
	default:
		/* A 64-bit move to itself is nothing; a 32-bit one zero-extends. */
		if (!is64 || dst != src)
			kbpf_x86_mov_rr(e, is64, dst, src);
	}
}

/* END and BSWAP: TO_BE swaps on this little-endian machine, TO_LE truncates. */
static void emit_end(struct kbpf_x86 *e, bool swap, s32 bits, int dst)
{
	switch (bits) {
	case 16:
		if (swap)
			kbpf_x86_bswap16(e, dst);
		kbpf_x86_movzx(e, dst, dst, 2);
		break;
	case 32:
		if (swap)
			kbpf_x86_bswap(e, false, dst);
		else
			zext(e, dst);
		break;
	case 64:
		if (swap)
			kbpf_x86_bswap(e, true, dst);
		break;
	}
}

int jit_emit_alu(struct jit_ctx *ctx, const struct bpf_insn *insn)
{
	struct kbpf_x86 *e = &ctx->e;
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	bool is_x = BPF_SRC(insn->code) == BPF_X;
	int dst = kbpf_jit_reg[insn->dst_reg];
	int src = kbpf_jit_reg[insn->src_reg];
	u8 op = BPF_OP(insn->code);

	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_OR:
	case BPF_AND:
	case BPF_XOR:
		if (is_x)
			kbpf_x86_alu_rr(e, alu_ops[op >> 4], is64, dst, src);
		else
			alu_imm(ctx, alu_ops[op >> 4], is64, dst, insn->imm);
		break;
	case BPF_MUL:
		if (is_x) {
			kbpf_x86_imul_rr(e, is64, dst, src);
		} else if (ctx->blind && insn->imm) {
			jit_load_imm(ctx, is64, JIT_AX, insn->imm);
			kbpf_x86_imul_rr(e, is64, dst, JIT_AX);
		} else {
			kbpf_x86_imul_imm(e, is64, dst, dst, insn->imm);
		}
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (is_x)
			shift_x(e, shift_ops[op >> 4], is64, dst, src);
		else if (insn->imm & (is64 ? 63 : 31))
			kbpf_x86_shift_imm(e, shift_ops[op >> 4], is64, dst,
					   (u8)insn->imm);
		else if (!is64)
			zext(e, dst);
		break;
	case BPF_DIV:
	case BPF_MOD:
		emit_div(ctx, insn, is64, op == BPF_MOD, dst);
		break;
	case BPF_MOV:
		if (is_x)
			emit_mov_x(e, is64, insn->off, dst, src);
		else
			jit_load_imm(ctx, is64, dst, insn->imm);
		break;
	case BPF_NEG:
		kbpf_x86_neg(e, is64, dst);
		break;
	case BPF_END:
		/* ALU64 | END is BSWAP: it swaps whatever the source bit says. */
		emit_end(e, is64 || BPF_SRC(insn->code) == BPF_TO_BE, insn->imm,
			 dst);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* The x86 condition that takes a BPF jump after cmp dst, src (or test). */
static const s8 jmp_cc[16] = {
	[BPF_JEQ >> 4] = KBPF_X86_JE,
	[BPF_JNE >> 4] = KBPF_X86_JNE,
	[BPF_JGT >> 4] = KBPF_X86_JA,
	[BPF_JGE >> 4] = KBPF_X86_JAE,
	[BPF_JLT >> 4] = KBPF_X86_JB,
	[BPF_JLE >> 4] = KBPF_X86_JBE,
	[BPF_JSGT >> 4] = KBPF_X86_JG,
	[BPF_JSGE >> 4] = KBPF_X86_JGE,
	[BPF_JSLT >> 4] = KBPF_X86_JL,
	[BPF_JSLE >> 4] = KBPF_X86_JLE,
	[BPF_JSET >> 4] = KBPF_X86_JNE,
};

int jit_emit_jmp_cond(struct jit_ctx *ctx, const struct bpf_insn *insn)
{
	struct kbpf_x86 *e = &ctx->e;
	bool is64 = BPF_CLASS(insn->code) == BPF_JMP;
	int dst = kbpf_jit_reg[insn->dst_reg];
	int src = kbpf_jit_reg[insn->src_reg];
	u8 op = BPF_OP(insn->code);

	/* JO is no BPF condition: 0 marks the ops that are no compare. */
	if (!jmp_cc[op >> 4])
		return -EINVAL;
	/* A jump to the next instruction: the compare has no other effect. */
	if (!insn->off)
		return 0;

	if (BPF_SRC(insn->code) == BPF_X) {
		if (op == BPF_JSET)
			kbpf_x86_test_rr(e, is64, dst, src);
		else
			kbpf_x86_alu_rr(e, KBPF_X86_CMP, is64, dst, src);
	} else if (!insn->imm && op != BPF_JSET) {
		/* Same flags as cmp dst, 0 (CF and OF clear), shorter. */
		kbpf_x86_test_rr(e, is64, dst, dst);
	} else if (ctx->blind) {
		jit_load_imm(ctx, is64, JIT_AX, insn->imm);
		if (op == BPF_JSET)
			kbpf_x86_test_rr(e, is64, dst, JIT_AX);
		else
			kbpf_x86_alu_rr(e, KBPF_X86_CMP, is64, dst, JIT_AX);
	} else if (op == BPF_JSET) {
		kbpf_x86_test_imm(e, is64, dst, insn->imm);
	} else {
		kbpf_x86_alu_imm(e, KBPF_X86_CMP, is64, dst, insn->imm);
	}
	jit_jcc_label(ctx, jmp_cc[op >> 4],
		      jit_insn_label(ctx, ctx->idx + 1 + insn->off));
	return 0;
}
