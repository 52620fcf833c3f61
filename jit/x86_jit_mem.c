// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT's memory instructions: loads and stores of every size (x86
 * allows any alignment, as BPF does), sign-extending loads, the atomics,
 * 64-bit immediates, and the legacy packet loads through kbpf_ld_abs().
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "x86_jit_priv.h"

static const u8 bpf_size_bytes[4] = {
	[BPF_W >> 3] = 4, [BPF_H >> 3] = 2, [BPF_B >> 3] = 1, [BPF_DW >> 3] = 8,
};

/*
 * AND, OR and XOR with FETCH have no x86 instruction that returns the old
 * value: a cmpxchg loop. R0 (rax, which cmpxchg needs) is parked in
 * JIT_TMP, the address computed into JIT_AX first (dst may be R0), and
 * the new value built in JIT_TMP2. src gets the old value, zero-extended
 * for W; if src is R0 itself, rax already holds it.
 */
static void atomic_fetch_loop(struct kbpf_x86 *e, enum kbpf_x86_alu op,
			      int size, int dst, s32 off, int src)
{
	int operand = src == KBPF_X86_RAX ? JIT_TMP : src;
	u32 loop;

	kbpf_x86_mov_rr(e, true, JIT_TMP, KBPF_X86_RAX);
	kbpf_x86_lea(e, true, JIT_AX, dst, off);
	kbpf_x86_load(e, size, KBPF_X86_RAX, JIT_AX, 0);
	loop = kbpf_x86_len(e);
	kbpf_x86_mov_rr(e, true, JIT_TMP2, KBPF_X86_RAX);
	kbpf_x86_alu_rr(e, op, size == 8, JIT_TMP2, operand);
	kbpf_x86_cmpxchg(e, size, JIT_AX, 0, JIT_TMP2);
	kbpf_x86_jcc(e, KBPF_X86_JNE, loop);
	if (src != KBPF_X86_RAX) {
		kbpf_x86_mov_rr(e, true, src, KBPF_X86_RAX);
		kbpf_x86_mov_rr(e, true, KBPF_X86_RAX, JIT_TMP);
	}
}

static int emit_atomic(struct kbpf_x86 *e, const struct bpf_insn *insn,
		       int size, int dst, s32 off, int src)
{
	switch (insn->imm) {
	case BPF_ADD:
		kbpf_x86_lock_alu(e, KBPF_X86_ADD, size, dst, off, src);
		break;
	case BPF_AND:
		kbpf_x86_lock_alu(e, KBPF_X86_AND, size, dst, off, src);
		break;
	case BPF_OR:
		kbpf_x86_lock_alu(e, KBPF_X86_OR, size, dst, off, src);
		break;
	case BPF_XOR:
		kbpf_x86_lock_alu(e, KBPF_X86_XOR, size, dst, off, src);
		break;
	case BPF_ADD | BPF_FETCH:
		kbpf_x86_xadd(e, size, dst, off, src);
		break;
	case BPF_AND | BPF_FETCH:
		atomic_fetch_loop(e, KBPF_X86_AND, size, dst, off, src);
		break;
	case BPF_OR | BPF_FETCH:
		atomic_fetch_loop(e, KBPF_X86_OR, size, dst, off, src);
		break;
	case BPF_XOR | BPF_FETCH:
		atomic_fetch_loop(e, KBPF_X86_XOR, size, dst, off, src);
		break;
	case BPF_XCHG:
		kbpf_x86_xchg(e, size, dst, off, src);
		break;
	case BPF_CMPXCHG:
		kbpf_x86_cmpxchg(e, size, dst, off, src);
		/* Matched, a 32-bit cmpxchg leaves rax's upper half alone. */
		if (size == 4)
			kbpf_x86_mov_rr(e, false, KBPF_X86_RAX, KBPF_X86_RAX);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/*
 * The displacement of an access based on reg: R10's move down by the
 * frame of the caller an inline copy is in (x86_jit_priv.h).
 */
static s32 mem_off(const struct jit_ctx *ctx, u8 reg, s16 off)
{
	return reg == BPF_REG_10 ? off - ctx->r10_delta : off;
}

int jit_emit_mem(struct jit_ctx *ctx, const struct bpf_insn *insn)
{
	struct kbpf_x86 *e = &ctx->e;
	int size = bpf_size_bytes[BPF_SIZE(insn->code) >> 3];
	int dst = kbpf_jit_reg[insn->dst_reg];
	int src = kbpf_jit_reg[insn->src_reg];
	s32 load_off = mem_off(ctx, insn->src_reg, insn->off);
	s32 off = mem_off(ctx, insn->dst_reg, insn->off);

	switch (BPF_CLASS(insn->code) | BPF_MODE(insn->code)) {
	case BPF_LDX | BPF_MEM:
		kbpf_x86_load(e, size, dst, src, load_off);
		break;
	case BPF_LDX | BPF_MEMSX:
		if (size == 8)
			return -EINVAL;
		kbpf_x86_load_sx(e, size, dst, src, load_off);
		break;
	case BPF_STX | BPF_MEM:
		kbpf_x86_store(e, size, dst, off, src);
		break;
	case BPF_ST | BPF_MEM:
		if (ctx->blind && insn->imm) {
			jit_load_imm(ctx, true, JIT_AX, insn->imm);
			kbpf_x86_store(e, size, dst, off, JIT_AX);
		} else {
			kbpf_x86_store_imm(e, size, dst, off, insn->imm);
		}
		break;
	case BPF_STX | BPF_ATOMIC:
		if (size != 4 && size != 8)
			return -EINVAL;
		return emit_atomic(e, insn, size, dst, off, src);
	default:
		return -EINVAL;
	}
	return 0;
}

/* Both halves of the constant, blinded as one 64-bit value. */
int jit_emit_ld_imm64(struct jit_ctx *ctx, const struct bpf_insn *insn)
{
	struct kbpf_x86 *e = &ctx->e;
	u64 v = (u64)(u32)insn[0].imm | (u64)(u32)insn[1].imm << 32;
	int dst = kbpf_jit_reg[insn->dst_reg];
	u64 rnd;

	/*
	 * A callback: its descriptor's address, always 10 bytes so the
	 * layout does not depend on it. Not blinded: no user constant.
	 */
	if (insn->src_reg == BPF_PSEUDO_FUNC) {
		u32 f = jit_func_at(ctx, ctx->idx + 1 + insn->imm);

		kbpf_x86_movabs(e, dst, e->addr + (ctx->sized ?
				jit_label(ctx, jit_func_desc(ctx, f)) : 0));
		return 0;
	}
	if (!ctx->blind || !v) {
		kbpf_x86_load_imm64(e, dst, v);
		return 0;
	}
	rnd = (u64)jit_blind_rnd(ctx) << 32 | (u32)~jit_blind_rnd(ctx);
	kbpf_x86_movabs(e, dst, v ^ rnd);
	kbpf_x86_movabs(e, JIT_AX, rnd);
	kbpf_x86_alu_rr(e, KBPF_X86_XOR, true, dst, JIT_AX);
	return 0;
}

/* The argument registers a packet load must keep, as the interpreter does. */
static const u8 ld_pkt_saved[] = {
	KBPF_X86_RDI, KBPF_X86_RSI, KBPF_X86_RDX, KBPF_X86_RCX, KBPF_X86_R8,
};

/*
 * LD_ABS / LD_IND: R0 = kbpf_ld_abs(R6, off, size). R1-R5 are pushed
 * around the call (six pushes, for the call's stack alignment); a load
 * outside the packet returns 0 from the current function (or inline copy).
 */
int jit_emit_ld_pkt(struct jit_ctx *ctx, const struct bpf_insn *insn)
{
	struct kbpf_x86 *e = &ctx->e;
	int size = bpf_size_bytes[BPF_SIZE(insn->code) >> 3];
	u32 ok, i;

	if (size == 8)
		return -EINVAL;
	/* The offset first: the source may be an argument register. */
	jit_load_imm(ctx, false, JIT_AX, insn->imm);
	if (BPF_MODE(insn->code) == BPF_IND)
		kbpf_x86_alu_rr(e, KBPF_X86_ADD, false, JIT_AX,
				kbpf_jit_reg[insn->src_reg]);
	for (i = 0; i < ARRAY_SIZE(ld_pkt_saved); i++)
		kbpf_x86_push(e, ld_pkt_saved[i]);
	kbpf_x86_push(e, KBPF_X86_R8);
	kbpf_x86_mov_rr(e, true, KBPF_X86_RDI, kbpf_jit_reg[BPF_REG_6]);
	kbpf_x86_mov_rr(e, false, KBPF_X86_RSI, JIT_AX);
	kbpf_x86_mov_imm32(e, false, KBPF_X86_RDX, size);
	kbpf_x86_call_abs(e, (unsigned long)kbpf_ld_abs);
	kbpf_x86_pop(e, KBPF_X86_R8);
	for (i = ARRAY_SIZE(ld_pkt_saved); i-- > 0;)
		kbpf_x86_pop(e, ld_pkt_saved[i]);
	kbpf_x86_test_rr(e, true, KBPF_X86_RAX, KBPF_X86_RAX);
	ok = kbpf_x86_jcc_fwd(e, KBPF_X86_JNS);
	kbpf_x86_zero(e, KBPF_X86_RAX);
	jit_jmp_label(ctx, ctx->exit_label);
	kbpf_x86_bind(e, ok);
	return 0;
}
