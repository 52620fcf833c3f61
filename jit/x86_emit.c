// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 instruction encoder (see x86_emit.h). Each public function is
 * one instruction form; the helpers below build the parts every form
 * shares: legacy prefixes, REX, the opcode, and the ModRM/SIB/displacement
 * of a register or [base + index + disp] operand.
 */
#include <kbpf/kapi.h>

#include "x86_emit.h"

/* What one instruction needs besides its opcode and operands. */
#define X86_W		BIT(0)	/* REX.W: 64-bit operand size */
#define X86_OSZ		BIT(1)	/* 66 prefix: 16-bit operand size */
#define X86_LOCK	BIT(2)	/* F0 prefix */
#define X86_BYTE_REG	BIT(3)	/* ModRM.reg is a byte register */
#define X86_BYTE_RM	BIT(4)	/* ModRM.rm is a byte register (register form) */

#define X86_NO_INDEX	(-1)

static void set_err(struct kbpf_x86 *e, int err)
{
	if (!e->err)
		e->err = err;
}

static bool fits_s8(s64 v)
{
	return v == (s8)v;
}

static bool fits_s32(s64 v)
{
	return v == (s32)v;
}

static void emit8(struct kbpf_x86 *e, u8 b)
{
	if (e->buf) {
		if (e->len < e->cap)
			e->buf[e->len] = b;
		else
			set_err(e, -ENOSPC);
	}
	e->len++;
}

/* n bytes of v, little-endian: immediates and displacements. */
static void emit_le(struct kbpf_x86 *e, u64 v, int n)
{
	while (n--) {
		emit8(e, v & 0xff);
		v >>= 8;
	}
}

/* One- or two-byte opcode; two-byte ones are written 0x0fXX. */
static void emit_op(struct kbpf_x86 *e, u32 op)
{
	if (op > 0xff)
		emit8(e, op >> 8);
	emit8(e, op & 0xff);
}

static bool reg_ok(struct kbpf_x86 *e, int reg)
{
	if ((unsigned int)reg < KBPF_X86_NR_REGS)
		return true;
	set_err(e, -EINVAL);
	return false;
}

/*
 * A byte operand numbered 4-7 means spl/bpl/sil/dil only when some REX is
 * present; without one the CPU reads ah/ch/dh/bh instead.
 */
static bool needs_empty_rex(int reg)
{
	return reg >= KBPF_X86_RSP && reg <= KBPF_X86_RDI;
}

/*
 * Prefixes in the order the CPU requires: lock and operand size before
 * REX, and REX immediately before the opcode. reg, index and rm are the
 * full 4-bit register numbers; their bit 3 becomes REX.R, .X and .B.
 */
static void emit_prefixes(struct kbpf_x86 *e, u32 flags, int reg, int index,
			  int rm)
{
	u8 rex = 0x40;

	if (flags & X86_LOCK)
		emit8(e, 0xf0);
	if (flags & X86_OSZ)
		emit8(e, 0x66);
	if (flags & X86_W)
		rex |= 0x08;
	if (reg & 8)
		rex |= 0x04;
	if (index & 8)
		rex |= 0x02;
	if (rm & 8)
		rex |= 0x01;
	if (rex != 0x40 ||
	    ((flags & X86_BYTE_REG) && needs_empty_rex(reg)) ||
	    ((flags & X86_BYTE_RM) && needs_empty_rex(rm)))
		emit8(e, rex);
}

/* Register-direct form: prefixes, opcode, ModRM with mod = 11. */
static void emit_rr(struct kbpf_x86 *e, u32 flags, u32 op, int reg, int rm)
{
	if (!reg_ok(e, reg) || !reg_ok(e, rm))
		return;
	emit_prefixes(e, flags, reg, 0, rm);
	emit_op(e, op);
	emit8(e, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/*
 * Memory form [base + index + disp] (scale 1). The special cases of the
 * ModRM encoding:
 *  - rm = 100 (rsp, r12) means "a SIB byte follows", so those bases always
 *    need a SIB, with index 100 = none;
 *  - mod = 00 with rm or SIB.base = 101 (rbp, r13) means "disp32, no base"
 *    (rip-relative without SIB), so those bases need at least a disp8 of 0;
 *  - index 100 without REX.X means "no index": rsp cannot be an index
 *    (r12 can).
 */
static void emit_mem(struct kbpf_x86 *e, u32 flags, u32 op, int reg, int base,
		     int index, s32 disp)
{
	bool sib = index != X86_NO_INDEX || (base & 7) == KBPF_X86_RSP;
	u8 mod;

	if (!reg_ok(e, reg) || !reg_ok(e, base))
		return;
	if (index != X86_NO_INDEX &&
	    (!reg_ok(e, index) || index == KBPF_X86_RSP)) {
		set_err(e, -EINVAL);
		return;
	}

	if (disp == 0 && (base & 7) != KBPF_X86_RBP)
		mod = 0;
	else if (fits_s8(disp))
		mod = 1;
	else
		mod = 2;

	emit_prefixes(e, flags, reg, index == X86_NO_INDEX ? 0 : index, base);
	emit_op(e, op);
	emit8(e, mod << 6 | (reg & 7) << 3 | (sib ? 4 : base & 7));
	if (sib)
		emit8(e, (index == X86_NO_INDEX ? 4 : index & 7) << 3 |
			 (base & 7));
	if (mod == 1)
		emit8(e, (u8)disp);
	else if (mod == 2)
		emit_le(e, (u32)disp, 4);
}

static u32 width(bool is64)
{
	return is64 ? X86_W : 0;
}

void kbpf_x86_init(struct kbpf_x86 *e, u8 *buf, u32 cap, unsigned long addr)
{
	e->buf = buf;
	e->cap = buf ? cap : 0;
	e->len = 0;
	e->addr = addr;
	e->err = 0;
}

void kbpf_x86_bytes(struct kbpf_x86 *e, const u8 *bytes, u32 n)
{
	while (n--)
		emit8(e, *bytes++);
}

/* ---- Moves ---------------------------------------------------------------- */

void kbpf_x86_mov_rr(struct kbpf_x86 *e, bool is64, int dst, int src)
{
	emit_rr(e, width(is64), 0x89, src, dst);
}

void kbpf_x86_mov_imm32(struct kbpf_x86 *e, bool is64, int dst, s32 imm)
{
	if (!reg_ok(e, dst))
		return;
	if (is64) {
		emit_rr(e, X86_W, 0xc7, 0, dst);
	} else {
		emit_prefixes(e, 0, 0, 0, dst);
		emit8(e, 0xb8 + (dst & 7));
	}
	emit_le(e, (u32)imm, 4);
}

void kbpf_x86_movabs(struct kbpf_x86 *e, int dst, u64 imm)
{
	if (!reg_ok(e, dst))
		return;
	emit_prefixes(e, X86_W, 0, 0, dst);
	emit8(e, 0xb8 + (dst & 7));
	emit_le(e, imm, 8);
}

void kbpf_x86_load_imm64(struct kbpf_x86 *e, int dst, u64 imm)
{
	if (imm <= U32_MAX)
		kbpf_x86_mov_imm32(e, false, dst, (s32)(u32)imm);
	else if (fits_s32((s64)imm))
		kbpf_x86_mov_imm32(e, true, dst, (s32)imm);
	else
		kbpf_x86_movabs(e, dst, imm);
}

void kbpf_x86_movzx(struct kbpf_x86 *e, int dst, int src, int size)
{
	if (size == 1)
		emit_rr(e, X86_BYTE_RM, 0x0fb6, dst, src);
	else if (size == 2)
		emit_rr(e, 0, 0x0fb7, dst, src);
	else
		set_err(e, -EINVAL);
}

void kbpf_x86_movsx(struct kbpf_x86 *e, bool is64, int dst, int src, int size)
{
	if (size == 1)
		emit_rr(e, width(is64) | X86_BYTE_RM, 0x0fbe, dst, src);
	else if (size == 2)
		emit_rr(e, width(is64), 0x0fbf, dst, src);
	else
		set_err(e, -EINVAL);
}

void kbpf_x86_movsxd(struct kbpf_x86 *e, int dst, int src)
{
	emit_rr(e, X86_W, 0x63, dst, src);
}

/* ---- ALU ------------------------------------------------------------------ */

void kbpf_x86_alu_rr(struct kbpf_x86 *e, enum kbpf_x86_alu op, bool is64,
		     int dst, int src)
{
	emit_rr(e, width(is64), op << 3 | 1, src, dst);
}

void kbpf_x86_alu_imm(struct kbpf_x86 *e, enum kbpf_x86_alu op, bool is64,
		      int dst, s32 imm)
{
	if (fits_s8(imm)) {
		emit_rr(e, width(is64), 0x83, op, dst);
		emit8(e, (u8)imm);
	} else {
		emit_rr(e, width(is64), 0x81, op, dst);
		emit_le(e, (u32)imm, 4);
	}
}

void kbpf_x86_zero(struct kbpf_x86 *e, int dst)
{
	kbpf_x86_alu_rr(e, KBPF_X86_XOR, false, dst, dst);
}

void kbpf_x86_test_rr(struct kbpf_x86 *e, bool is64, int a, int b)
{
	emit_rr(e, width(is64), 0x85, b, a);
}

void kbpf_x86_test_imm(struct kbpf_x86 *e, bool is64, int a, s32 imm)
{
	emit_rr(e, width(is64), 0xf7, 0, a);
	emit_le(e, (u32)imm, 4);
}

void kbpf_x86_imul_rr(struct kbpf_x86 *e, bool is64, int dst, int src)
{
	emit_rr(e, width(is64), 0x0faf, dst, src);
}

void kbpf_x86_imul_imm(struct kbpf_x86 *e, bool is64, int dst, int src,
		       s32 imm)
{
	if (fits_s8(imm)) {
		emit_rr(e, width(is64), 0x6b, dst, src);
		emit8(e, (u8)imm);
	} else {
		emit_rr(e, width(is64), 0x69, dst, src);
		emit_le(e, (u32)imm, 4);
	}
}

void kbpf_x86_shift_imm(struct kbpf_x86 *e, enum kbpf_x86_shift op, bool is64,
			int dst, u8 count)
{
	count &= is64 ? 63 : 31;
	if (count == 1) {
		emit_rr(e, width(is64), 0xd1, op, dst);
	} else {
		emit_rr(e, width(is64), 0xc1, op, dst);
		emit8(e, count);
	}
}

void kbpf_x86_shift_cl(struct kbpf_x86 *e, enum kbpf_x86_shift op, bool is64,
		       int dst)
{
	emit_rr(e, width(is64), 0xd3, op, dst);
}

void kbpf_x86_neg(struct kbpf_x86 *e, bool is64, int dst)
{
	emit_rr(e, width(is64), 0xf7, 3, dst);
}

void kbpf_x86_not(struct kbpf_x86 *e, bool is64, int dst)
{
	emit_rr(e, width(is64), 0xf7, 2, dst);
}

void kbpf_x86_div(struct kbpf_x86 *e, bool is64, bool is_signed, int src)
{
	emit_rr(e, width(is64), 0xf7, is_signed ? 7 : 6, src);
}

void kbpf_x86_cdq(struct kbpf_x86 *e, bool is64)
{
	emit_prefixes(e, width(is64), 0, 0, 0);
	emit8(e, 0x99);
}

void kbpf_x86_bswap(struct kbpf_x86 *e, bool is64, int dst)
{
	if (!reg_ok(e, dst))
		return;
	emit_prefixes(e, width(is64), 0, 0, dst);
	emit8(e, 0x0f);
	emit8(e, 0xc8 + (dst & 7));
}

void kbpf_x86_bswap16(struct kbpf_x86 *e, int dst)
{
	emit_rr(e, X86_OSZ, 0xc1, KBPF_X86_ROL, dst);
	emit8(e, 8);
}

void kbpf_x86_lea(struct kbpf_x86 *e, bool is64, int dst, int base, s32 disp)
{
	emit_mem(e, width(is64), 0x8d, dst, base, X86_NO_INDEX, disp);
}

void kbpf_x86_lea_bi(struct kbpf_x86 *e, int dst, int base, int index,
		     s32 disp)
{
	emit_mem(e, X86_W, 0x8d, dst, base, index, disp);
}

/* ---- Memory --------------------------------------------------------------- */

void kbpf_x86_load(struct kbpf_x86 *e, int size, int dst, int base, s32 disp)
{
	switch (size) {
	case 1:
		emit_mem(e, 0, 0x0fb6, dst, base, X86_NO_INDEX, disp);
		break;
	case 2:
		emit_mem(e, 0, 0x0fb7, dst, base, X86_NO_INDEX, disp);
		break;
	case 4:
		emit_mem(e, 0, 0x8b, dst, base, X86_NO_INDEX, disp);
		break;
	case 8:
		emit_mem(e, X86_W, 0x8b, dst, base, X86_NO_INDEX, disp);
		break;
	default:
		set_err(e, -EINVAL);
	}
}

void kbpf_x86_load_sx(struct kbpf_x86 *e, int size, int dst, int base,
		      s32 disp)
{
	switch (size) {
	case 1:
		emit_mem(e, X86_W, 0x0fbe, dst, base, X86_NO_INDEX, disp);
		break;
	case 2:
		emit_mem(e, X86_W, 0x0fbf, dst, base, X86_NO_INDEX, disp);
		break;
	case 4:
		emit_mem(e, X86_W, 0x63, dst, base, X86_NO_INDEX, disp);
		break;
	default:
		set_err(e, -EINVAL);
	}
}

void kbpf_x86_store(struct kbpf_x86 *e, int size, int base, s32 disp, int src)
{
	switch (size) {
	case 1:
		emit_mem(e, X86_BYTE_REG, 0x88, src, base, X86_NO_INDEX, disp);
		break;
	case 2:
		emit_mem(e, X86_OSZ, 0x89, src, base, X86_NO_INDEX, disp);
		break;
	case 4:
		emit_mem(e, 0, 0x89, src, base, X86_NO_INDEX, disp);
		break;
	case 8:
		emit_mem(e, X86_W, 0x89, src, base, X86_NO_INDEX, disp);
		break;
	default:
		set_err(e, -EINVAL);
	}
}

void kbpf_x86_store_imm(struct kbpf_x86 *e, int size, int base, s32 disp,
			s32 imm)
{
	switch (size) {
	case 1:
		emit_mem(e, 0, 0xc6, 0, base, X86_NO_INDEX, disp);
		emit8(e, (u8)imm);
		break;
	case 2:
		emit_mem(e, X86_OSZ, 0xc7, 0, base, X86_NO_INDEX, disp);
		emit_le(e, (u16)imm, 2);
		break;
	case 4:
	case 8:
		emit_mem(e, size == 8 ? X86_W : 0, 0xc7, 0, base, X86_NO_INDEX,
			 disp);
		emit_le(e, (u32)imm, 4);
		break;
	default:
		set_err(e, -EINVAL);
	}
}

/* The locked forms exist for 32- and 64-bit operands only here. */
static bool atomic_size_ok(struct kbpf_x86 *e, int size)
{
	if (size == 4 || size == 8)
		return true;
	set_err(e, -EINVAL);
	return false;
}

void kbpf_x86_lock_alu(struct kbpf_x86 *e, enum kbpf_x86_alu op, int size,
		       int base, s32 disp, int src)
{
	if (!atomic_size_ok(e, size))
		return;
	/* lock cmp is #UD: cmp does not write its memory operand. */
	if (op == KBPF_X86_CMP) {
		set_err(e, -EINVAL);
		return;
	}
	emit_mem(e, X86_LOCK | width(size == 8), op << 3 | 1, src, base,
		 X86_NO_INDEX, disp);
}

void kbpf_x86_xadd(struct kbpf_x86 *e, int size, int base, s32 disp, int src)
{
	if (atomic_size_ok(e, size))
		emit_mem(e, X86_LOCK | width(size == 8), 0x0fc1, src, base,
			 X86_NO_INDEX, disp);
}

void kbpf_x86_xchg(struct kbpf_x86 *e, int size, int base, s32 disp, int src)
{
	if (atomic_size_ok(e, size))
		emit_mem(e, width(size == 8), 0x87, src, base, X86_NO_INDEX,
			 disp);
}

void kbpf_x86_cmpxchg(struct kbpf_x86 *e, int size, int base, s32 disp,
		      int src)
{
	if (atomic_size_ok(e, size))
		emit_mem(e, X86_LOCK | width(size == 8), 0x0fb1, src, base,
			 X86_NO_INDEX, disp);
}

/* ---- Control flow --------------------------------------------------------- */

void kbpf_x86_jcc_rel8(struct kbpf_x86 *e, enum kbpf_x86_cc cc, s32 rel)
{
	if (!fits_s8(rel))
		set_err(e, -ERANGE);
	emit8(e, 0x70 | (cc & 15));
	emit8(e, (u8)rel);
}

void kbpf_x86_jcc_rel32(struct kbpf_x86 *e, enum kbpf_x86_cc cc, s32 rel)
{
	emit8(e, 0x0f);
	emit8(e, 0x80 | (cc & 15));
	emit_le(e, (u32)rel, 4);
}

void kbpf_x86_jmp_rel8(struct kbpf_x86 *e, s32 rel)
{
	if (!fits_s8(rel))
		set_err(e, -ERANGE);
	emit8(e, 0xeb);
	emit8(e, (u8)rel);
}

void kbpf_x86_jmp_rel32(struct kbpf_x86 *e, s32 rel)
{
	emit8(e, 0xe9);
	emit_le(e, (u32)rel, 4);
}

/* A rel32 within one image always fits: images are far below 2 GiB. */
void kbpf_x86_jcc(struct kbpf_x86 *e, enum kbpf_x86_cc cc, u32 target)
{
	s64 rel = (s64)target - (e->len + 2);

	if (fits_s8(rel))
		kbpf_x86_jcc_rel8(e, cc, rel);
	else
		kbpf_x86_jcc_rel32(e, cc, (s64)target - (e->len + 6));
}

void kbpf_x86_jmp(struct kbpf_x86 *e, u32 target)
{
	s64 rel = (s64)target - (e->len + 2);

	if (fits_s8(rel))
		kbpf_x86_jmp_rel8(e, rel);
	else
		kbpf_x86_jmp_rel32(e, (s64)target - (e->len + 5));
}

/* The fixup is the offset of the rel8 byte; it counts from the byte after. */
u32 kbpf_x86_jcc_fwd(struct kbpf_x86 *e, enum kbpf_x86_cc cc)
{
	emit8(e, 0x70 | (cc & 15));
	emit8(e, 0);
	return e->len - 1;
}

u32 kbpf_x86_jmp_fwd(struct kbpf_x86 *e)
{
	emit8(e, 0xeb);
	emit8(e, 0);
	return e->len - 1;
}

void kbpf_x86_bind(struct kbpf_x86 *e, u32 fixup)
{
	s64 rel = (s64)e->len - (fixup + 1);

	if (rel < 0 || !fits_s8(rel)) {
		set_err(e, -ERANGE);
		return;
	}
	if (e->buf && fixup < e->cap)
		e->buf[fixup] = (u8)rel;
}

/* Both are 5 bytes: the displacement counts from the next instruction. */
static void emit_branch_abs(struct kbpf_x86 *e, u8 op, unsigned long target)
{
	s64 rel = (s64)(target - (e->addr + e->len + 5));

	if (!fits_s32(rel))
		set_err(e, -ERANGE);
	emit8(e, op);
	emit_le(e, (u32)rel, 4);
}

void kbpf_x86_call_abs(struct kbpf_x86 *e, unsigned long target)
{
	emit_branch_abs(e, 0xe8, target);
}

void kbpf_x86_jmp_abs(struct kbpf_x86 *e, unsigned long target)
{
	emit_branch_abs(e, 0xe9, target);
}

void kbpf_x86_call_reg(struct kbpf_x86 *e, int reg)
{
	emit_rr(e, 0, 0xff, 2, reg);
}

void kbpf_x86_jmp_reg(struct kbpf_x86 *e, int reg)
{
	emit_rr(e, 0, 0xff, 4, reg);
}

void kbpf_x86_leave(struct kbpf_x86 *e)
{
	emit8(e, 0xc9);
}

void kbpf_x86_ret(struct kbpf_x86 *e)
{
	emit8(e, 0xc3);
}

void kbpf_x86_int3(struct kbpf_x86 *e)
{
	emit8(e, 0xcc);
}

void kbpf_x86_endbr64(struct kbpf_x86 *e)
{
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

	kbpf_x86_bytes(e, endbr64, sizeof(endbr64));
}

void kbpf_x86_lfence(struct kbpf_x86 *e)
{
	static const u8 lfence[] = { 0x0f, 0xae, 0xe8 };

	kbpf_x86_bytes(e, lfence, sizeof(lfence));
}

/*
 * The SDM's recommended NOPs (Vol. 2B, "NOP"), one per length: 90, xchg
 * ax,ax, and nopl/nopw with growing ModRM/SIB/displacement. Decoders treat
 * each as one instruction, so long padding costs few decode slots.
 */
#define NOP_MAX_LEN	9
static const u8 nop_forms[NOP_MAX_LEN][NOP_MAX_LEN] = {
	{ 0x90 },
	{ 0x66, 0x90 },
	{ 0x0f, 0x1f, 0x00 },
	{ 0x0f, 0x1f, 0x40, 0x00 },
	{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

void kbpf_x86_nop(struct kbpf_x86 *e, u32 len)
{
	while (len) {
		u32 n = min_t(u32, len, NOP_MAX_LEN);

		kbpf_x86_bytes(e, nop_forms[n - 1], n);
		len -= n;
	}
}

void kbpf_x86_push(struct kbpf_x86 *e, int reg)
{
	if (!reg_ok(e, reg))
		return;
	emit_prefixes(e, 0, 0, 0, reg);
	emit8(e, 0x50 + (reg & 7));
}

void kbpf_x86_pop(struct kbpf_x86 *e, int reg)
{
	if (!reg_ok(e, reg))
		return;
	emit_prefixes(e, 0, 0, 0, reg);
	emit8(e, 0x58 + (reg & 7));
}
