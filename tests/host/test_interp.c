// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter (jit/interp.c) on the semantics test_bpf.c leaves out or
 * that are easy to get wrong: division by zero, INT_MIN / -1, oversized
 * shifts, byte swaps, atomics, ISA v4, frames, tail calls, helper calls
 * and legacy packet loads. Expected values follow RFC 9669 and Linux.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "../../jit/interp.h"
#include "ktest.h"

static u64 run_code(const struct bpf_insn *insns, u32 len, u32 stack_depth,
		    const void *ctx)
{
	struct kbpf_code code = {
		.bpf_func = kbpf_interp_run, .insnsi = insns, .len = len,
		.stack_depth = stack_depth,
	};

	return kbpf_code_run(&code, ctx);
}

/* RUN(ctx, insn, ...): run the instructions with a full stack. */
#define RUN(ctx, ...)							\
	({								\
		const struct bpf_insn __p[] = { __VA_ARGS__ };		\
		run_code(__p, ARRAY_SIZE(__p), KBPF_MAX_STACK, ctx);	\
	})

/* R0 = a; R0 op= b (register form), with off; return R0. */
static u64 alu_x(u8 cls, u8 op, s16 off, u64 a, u64 b)
{
	return RUN(NULL,
		   BPF_LD_IMM64(BPF_REG_0, a),
		   BPF_LD_IMM64(BPF_REG_2, b),
		   BPF_RAW_INSN(cls | op | BPF_X, BPF_REG_0, BPF_REG_2, off, 0),
		   BPF_EXIT_INSN());
}

/* R0 = a; R0 op= imm, with off; return R0. */
static u64 alu_k(u8 cls, u8 op, s16 off, u64 a, s32 imm)
{
	return RUN(NULL,
		   BPF_LD_IMM64(BPF_REG_0, a),
		   BPF_RAW_INSN(cls | op | BPF_K, BPF_REG_0, 0, off, imm),
		   BPF_EXIT_INSN());
}

#define HI	0xdeadbeef00000000ULL	/* upper bits 32-bit ops must drop */

TEST(interp_div_mod_by_zero)
{
	/* Division by zero is 0; modulo by zero leaves the dividend. */
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 0, 1234, 0), 0);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_DIV, 0, 1234, 0), 0);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 0, HI | 1234, 0), HI | 1234);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOD, 0, HI | 1234, 0), HI | 1234);
	/* 32-bit: the divisor's low half counts, the result is zero-extended. */
	EXPECT_EQ(alu_x(BPF_ALU, BPF_DIV, 0, HI | 1234, HI), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 0, HI | 1234, 0), 0);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOD, 0, HI | 1234, HI), 1234);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOD, 0, HI | 1234, 0), 1234);
	/* Signed forms alike. */
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 1, -7ULL, 0), 0);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 1, -7ULL, 0), -7ULL);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 1, HI | (u32)-7, 0), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOD, 1, HI | (u32)-7, 0), (u32)-7);
}

TEST(interp_div_mod_unsigned)
{
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 0, -1ULL, 3), -1ULL / 3);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 0, -1ULL, 10), -1ULL % 10);
	/* ALU64 imm is sign-extended, then unsigned: -1 is 2^64 - 1. */
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_DIV, 0, -1ULL, -1), 1);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_DIV, 0, 5, -1), 0);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOD, 0, 5, -1), 5);
	/* ALU32 imm is 32-bit unsigned. */
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 0, 0xffffffff, -1), 1);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 0, HI | 100, 7), 14);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOD, 0, HI | 100, 7), 2);
}

TEST(interp_sdiv_smod)
{
	/* Truncation towards zero; the remainder has the dividend's sign. */
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 1, -7ULL, 2), -3ULL);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 1, -7ULL, 2), -1ULL);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_DIV, 1, 7, -2), -3ULL);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOD, 1, 7, -2), 1);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_DIV, 1, HI | (u32)-7, 2), (u32)-3);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOD, 1, HI | (u32)-7, 2), (u32)-1);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 1, (u32)-100, 7), (u32)-14);
}

TEST(interp_int_min_by_minus_one)
{
	/* No trap: INT_MIN / -1 = INT_MIN and INT_MIN % -1 = 0, both widths. */
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 1, (u64)S64_MIN, -1ULL), (u64)S64_MIN);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_DIV, 1, (u64)S64_MIN, -1), (u64)S64_MIN);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 1, (u64)S64_MIN, -1ULL), 0);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOD, 1, (u64)S64_MIN, -1), 0);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_DIV, 1, HI | 0x80000000, (u32)-1), 0x80000000);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 1, HI | 0x80000000, -1), 0x80000000);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOD, 1, HI | 0x80000000, (u32)-1), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOD, 1, HI | 0x80000000, -1), 0);
	/* And other overflowing arithmetic wraps. */
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MUL, 0, (u64)S64_MIN, -1), (u64)S64_MIN);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_ADD, 0, (u64)S64_MAX, 1), (u64)S64_MIN);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_NEG, 0, (u64)S64_MIN, 0), (u64)S64_MIN);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_NEG, 0, HI | 0x80000000, 0), 0x80000000);
}

TEST(interp_alu32_zero_extends)
{
	EXPECT_EQ(alu_k(BPF_ALU, BPF_ADD, 0, 0xffffffffffffffffULL, 1), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_SUB, 0, HI, 1), 0xffffffff);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOV, 0, 0, HI | 5), 5);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOV, 0, HI, -1), 0xffffffff);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOV, 0, HI, -1), -1ULL);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MUL, 0, HI | 0x10000, 0x10000), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_OR, 0, HI, 0), 0);
}

TEST(interp_shift_count_masked)
{
	/* The count is taken modulo the width, register and imm forms alike. */
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_LSH, 0, 3, 64), 3);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_LSH, 0, 3, 65), 6);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_LSH, 0, 3, 64), 3);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_RSH, 0, 0x80, 0x107), 1);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_ARSH, 0, (u64)S64_MIN, 127), -1ULL);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_ARSH, 0, (u64)S64_MIN, 63), -1ULL);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_LSH, 0, HI | 3, 32), 3);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_LSH, 0, HI | 3, 33), 6);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_RSH, 0, HI | 0x80, 39), 1);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_ARSH, 0, 0x80000000, 33), 0xc0000000);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_ARSH, 0, HI | 0x80000000, 31), 0xffffffff);
	/* A shift by -1 is a shift by 63 (or 31). */
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_LSH, 0, 1, -1ULL), 1ULL << 63);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_LSH, 0, 1, -1), 1U << 31);
}

TEST(interp_end_and_bswap)
{
	const u64 v = 0x0123456789abcdefULL;

	/* TO_BE swaps on this little-endian host; both zero-extend. */
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_BE, 0, v, 16), 0xefcd);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_BE, 0, v, 32), 0xefcdab89);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_BE, 0, v, 64),
		  0xefcdab8967452301ULL);
	/* TO_LE is a truncation here. */
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_LE, 0, v, 16), 0xcdef);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_LE, 0, v, 32), 0x89abcdef);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_LE, 0, v, 64), v);
	/* ISA v4 BSWAP (ALU64 | END | TO_LE) always swaps. */
	EXPECT_EQ(RUN(NULL, BPF_LD_IMM64(BPF_REG_0, v),
		      BPF_BSWAP(BPF_REG_0, 16), BPF_EXIT_INSN()), 0xefcd);
	EXPECT_EQ(RUN(NULL, BPF_LD_IMM64(BPF_REG_0, v),
		      BPF_BSWAP(BPF_REG_0, 32), BPF_EXIT_INSN()), 0xefcdab89);
	EXPECT_EQ(RUN(NULL, BPF_LD_IMM64(BPF_REG_0, v),
		      BPF_BSWAP(BPF_REG_0, 64), BPF_EXIT_INSN()),
		  0xefcdab8967452301ULL);
}

TEST(interp_movsx_memsx)
{
	u64 mem = 0x8081828384858687ULL;

	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOV, 8, 0, 0x1ff), -1ULL);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOV, 8, 0, 0x17f), 0x7f);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOV, 16, 0, 0x18000), 0xffffffffffff8000ULL);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOV, 32, 0, 0x180000000ULL),
		  0xffffffff80000000ULL);
	/* 32-bit MOVSX sign-extends to 32 bits, then zero-extends. */
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOV, 8, 0, 0x80), 0xffffff80);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOV, 16, 0, HI | 0x8000), 0xffff8000);
	/* off on an imm move means nothing. */
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOV, 8, 0, 0x1ff), 0x1ff);

	EXPECT_EQ(RUN(&mem, BPF_LDX_MEMSX(BPF_B, BPF_REG_0, BPF_REG_1, 0),
		      BPF_EXIT_INSN()), 0xffffffffffffff87ULL);
	EXPECT_EQ(RUN(&mem, BPF_LDX_MEMSX(BPF_H, BPF_REG_0, BPF_REG_1, 6),
		      BPF_EXIT_INSN()), 0xffffffffffff8081ULL);
	EXPECT_EQ(RUN(&mem, BPF_LDX_MEMSX(BPF_W, BPF_REG_0, BPF_REG_1, 4),
		      BPF_EXIT_INSN()), 0xffffffff80818283ULL);
	EXPECT_EQ(RUN(&mem, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4),
		      BPF_EXIT_INSN()), 0x80818283ULL);
}

TEST(interp_unaligned_memory)
{
	u8 buf[16] = { 0 };

	/* Programs may access any alignment; the interpreter must too. */
	EXPECT_EQ(RUN(buf, BPF_LD_IMM64(BPF_REG_2, 0x1122334455667788ULL),
		      BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 3),
		      BPF_ST_MEM(BPF_H, BPF_REG_1, 11, -2),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 5),
		      BPF_EXIT_INSN()), 0xfffe112233445566ULL);
	EXPECT_EQ(buf[3], 0x88);
	EXPECT_EQ(buf[12], 0xff);
}

/* *(R1 + 0) op= R2 with imm = op; returns R2 (the fetched value, if any). */
static u64 atomic_op(u8 size, s32 op, void *mem, u64 src, u64 r0)
{
	return RUN(mem,
		   BPF_LD_IMM64(BPF_REG_2, src),
		   BPF_LD_IMM64(BPF_REG_0, r0),
		   BPF_ATOMIC_OP(size, op, BPF_REG_1, BPF_REG_2, 0),
		   BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
		   BPF_EXIT_INSN());
}

/* The same, returning R0 (for CMPXCHG). */
static u64 cmpxchg_op(u8 size, void *mem, u64 src, u64 r0)
{
	return RUN(mem,
		   BPF_LD_IMM64(BPF_REG_2, src),
		   BPF_LD_IMM64(BPF_REG_0, r0),
		   BPF_ATOMIC_OP(size, BPF_CMPXCHG, BPF_REG_1, BPF_REG_2, 0),
		   BPF_EXIT_INSN());
}

TEST(interp_atomics_fetch)
{
	u64 dw = 0xf0;
	u32 w[2] = { 0xf0, 0x5a5a5a5a };

	/* Without FETCH the source register is left alone. */
	EXPECT_EQ(atomic_op(BPF_DW, BPF_ADD, &dw, 0x0f, 0), 0x0f);
	EXPECT_EQ(dw, 0xff);
	EXPECT_EQ(atomic_op(BPF_DW, BPF_AND | BPF_FETCH, &dw, 0x3c, 0), 0xff);
	EXPECT_EQ(dw, 0x3c);
	EXPECT_EQ(atomic_op(BPF_DW, BPF_OR | BPF_FETCH, &dw, HI, 0), 0x3c);
	EXPECT_EQ(dw, HI | 0x3c);
	EXPECT_EQ(atomic_op(BPF_DW, BPF_XOR | BPF_FETCH, &dw, HI, 0), HI | 0x3c);
	EXPECT_EQ(dw, 0x3c);
	EXPECT_EQ(atomic_op(BPF_DW, BPF_ADD | BPF_FETCH, &dw, -1ULL, 0), 0x3c);
	EXPECT_EQ(dw, 0x3b);
	EXPECT_EQ(atomic_op(BPF_DW, BPF_XCHG, &dw, HI, 0), 0x3b);
	EXPECT_EQ(dw, HI);

	/* 32-bit: only the word changes, the fetched value is zero-extended. */
	EXPECT_EQ(atomic_op(BPF_W, BPF_ADD | BPF_FETCH, w, HI | 0x0f, 0), 0xf0);
	EXPECT_EQ(w[0], 0xff);
	EXPECT_EQ(w[1], 0x5a5a5a5a);
	EXPECT_EQ(atomic_op(BPF_W, BPF_OR, w, 0xff000000, 0), 0xff000000);
	EXPECT_EQ(w[0], 0xff0000ff);
	EXPECT_EQ(atomic_op(BPF_W, BPF_XOR | BPF_FETCH, w, 0xff, 0), 0xff0000ff);
	EXPECT_EQ(w[0], 0xff000000);
	EXPECT_EQ(atomic_op(BPF_W, BPF_AND | BPF_FETCH, w, HI | 0x0f000000, 0),
		  0xff000000);
	EXPECT_EQ(w[0], 0x0f000000);
	EXPECT_EQ(atomic_op(BPF_W, BPF_XCHG, w, HI | 7, 0), 0x0f000000);
	EXPECT_EQ(w[0], 7);
	EXPECT_EQ(w[1], 0x5a5a5a5a);
}

TEST(interp_cmpxchg)
{
	u64 dw = 100;
	u32 w[2] = { 100, 0x5a5a5a5a };

	/* R0 always gets the old value; memory changes only on a match. */
	EXPECT_EQ(cmpxchg_op(BPF_DW, &dw, 200, 99), 100);
	EXPECT_EQ(dw, 100);
	EXPECT_EQ(cmpxchg_op(BPF_DW, &dw, 200, 100), 100);
	EXPECT_EQ(dw, 200);
	/* 32-bit compares R0's low half, and zero-extends what it returns. */
	EXPECT_EQ(cmpxchg_op(BPF_W, w, HI | 300, HI | 100), 100);
	EXPECT_EQ(w[0], 300);
	EXPECT_EQ(cmpxchg_op(BPF_W, w, 400, 301), 300);
	EXPECT_EQ(w[0], 300);
	EXPECT_EQ(w[1], 0x5a5a5a5a);
}

TEST(interp_jmp32_and_ja32)
{
	/* JMP32 compares the low halves only, signed or not. */
	EXPECT_EQ(RUN(NULL, BPF_LD_IMM64(BPF_REG_1, HI | 5),
		      BPF_MOV64_IMM(BPF_REG_0, 1),
		      BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 5, 1),
		      BPF_MOV64_IMM(BPF_REG_0, 0),
		      BPF_EXIT_INSN()), 1);
	EXPECT_EQ(RUN(NULL, BPF_LD_IMM64(BPF_REG_1, 0xffffffffULL),
		      BPF_MOV64_IMM(BPF_REG_0, 1),
		      BPF_JMP32_IMM(BPF_JSLT, BPF_REG_1, 0, 1),
		      BPF_MOV64_IMM(BPF_REG_0, 0),
		      BPF_EXIT_INSN()), 1);
	EXPECT_EQ(RUN(NULL, BPF_LD_IMM64(BPF_REG_1, 0xffffffffULL),
		      BPF_MOV64_IMM(BPF_REG_0, 1),
		      BPF_JMP_IMM(BPF_JSLT, BPF_REG_1, 0, 1),
		      BPF_MOV64_IMM(BPF_REG_0, 0),
		      BPF_EXIT_INSN()), 0);
	/* JMP imm is sign-extended: 0xffffffffffffffff == -1. */
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_1, -1),
		      BPF_MOV64_IMM(BPF_REG_0, 1),
		      BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, -1, 1),
		      BPF_MOV64_IMM(BPF_REG_0, 0),
		      BPF_EXIT_INSN()), 1);
	/* JA32 jumps by imm, forwards and backwards. */
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_0, 0),
		      BPF_JMP32_A(2),
		      BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 100),	/* skipped */
		      BPF_EXIT_INSN(),				/* skipped */
		      BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		      BPF_JMP_IMM(BPF_JGE, BPF_REG_0, 3, 1),
		      BPF_JMP32_A(-3),
		      BPF_EXIT_INSN()), 3);
}

/* A program longer than 16-bit jump offsets reach, crossed by one JA32. */
TEST(interp_ja32_long)
{
	const u32 gap = 40000;
	struct bpf_insn *p = kcalloc(gap + 4, sizeof(*p), GFP_KERNEL);
	u32 i;

	ASSERT_NONNULL(p);
	p[0] = BPF_MOV64_IMM(BPF_REG_0, 7);
	p[1] = BPF_JMP32_A((s32)gap);
	for (i = 2; i < gap + 2; i++)
		p[i] = BPF_MOV64_IMM(BPF_REG_0, 0);
	p[gap + 2] = BPF_EXIT_INSN();
	EXPECT_EQ(run_code(p, gap + 3, 0, NULL), 7);
	kfree(p);
}

static u64 sum5(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5;
}

TEST(interp_helper_call)
{
	s32 imm;

	ASSERT_TRUE(kbpf_call_imm(sum5, &imm));
	EXPECT_EQ(kbpf_call_target(imm), sum5);
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_6, 60),
		      BPF_MOV64_IMM(BPF_REG_1, 1), BPF_MOV64_IMM(BPF_REG_2, 1),
		      BPF_MOV64_IMM(BPF_REG_3, 1), BPF_MOV64_IMM(BPF_REG_4, 1),
		      BPF_MOV64_IMM(BPF_REG_5, 1),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, imm),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		      BPF_EXIT_INSN()), 75);
	/* imm 0 is kbpf_call_base itself, which returns 0. */
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_0, 9),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 0),
		      BPF_EXIT_INSN()), 0);
}

/*
 * A subprogram call with off = the callee's stack depth: the callee gets
 * its own frame, the caller's R6-R9 and stack survive it.
 */
TEST(interp_subprog_frames)
{
	EXPECT_EQ(RUN(NULL,
		      BPF_MOV64_IMM(BPF_REG_6, 6),
		      BPF_MOV64_IMM(BPF_REG_9, 9),
		      BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1000),
		      BPF_MOV64_IMM(BPF_REG_1, 5),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 16, 6),
		      /* R0 = callee's 50 + 1000 + 6 + 9 */
		      BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
		      BPF_EXIT_INSN(),
		      BPF_EXIT_INSN(),	/* padding: never run */
		      /* callee: clobbers R6, R9 and its own stack */
		      BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7),
		      BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 7),
		      BPF_MOV64_IMM(BPF_REG_6, 0),
		      BPF_MOV64_IMM(BPF_REG_9, 0),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		      BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 10),
		      BPF_EXIT_INSN()), 50 + 1000 + 6 + 9);
}

/* Recursion to depth n: each level adds 1 and calls itself until R1 is 0. */
static u64 recurse(u64 n)
{
	return RUN((void *)(unsigned long)n,
		   BPF_MOV64_IMM(BPF_REG_0, 0),
		   BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 3),
		   BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1),
		   BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 8, -4),
		   BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		   BPF_EXIT_INSN());
}

TEST(interp_call_depth_limit)
{
	/* 8 frames: the main program and 7 nested calls. */
	EXPECT_EQ(recurse(7), 7);
	/* A ninth frame ends the run with R0 = 0. */
	EXPECT_EQ(recurse(8), 0);
	EXPECT_EQ(recurse(1000), 0);
}

TEST(interp_call_stack_limit)
{
	/* Frames that do not fit in the interpreter's stack end the run. */
	EXPECT_EQ(RUN(NULL,
		      BPF_MOV64_IMM(BPF_REG_0, 1),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
				   KBPF_MAX_STACK, 1),
		      BPF_EXIT_INSN(),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
				   KBPF_MAX_STACK, 0),
		      BPF_EXIT_INSN()), 0);
}

/* Tail calls: ctx is a counter each program bumps before tail calling. */
struct tail_fixture {
	struct kbpf_prog_array *array;
	struct kbpf_code code[2];
};

static bool tail_init(struct tail_fixture *f, const struct bpf_insn *insns,
		      u32 len)
{
	f->array = kzalloc(struct_size(f->array, ptrs, 3), GFP_KERNEL);
	if (!f->array)
		return false;
	f->array->map.max_entries = 3;	/* slot 2 stays empty */
	f->code[0] = (struct kbpf_code){ .bpf_func = kbpf_interp_run,
		.insnsi = insns, .len = len, .stack_depth = 8 };
	f->array->ptrs[0] = &f->code[0];
	return true;
}

TEST(interp_tail_call_count)
{
	struct tail_fixture f;
	u64 count = 0;
	struct bpf_insn prog[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 0),
		BPF_LD_IMM64(BPF_REG_2, 0),	/* the map, patched below */
		BPF_MOV64_IMM(BPF_REG_3, 0),	/* itself */
		BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 42),
		BPF_EXIT_INSN(),
	};

	ASSERT_TRUE(tail_init(&f, prog, ARRAY_SIZE(prog)));
	prog[3].imm = (u32)(unsigned long)&f.array->map;
	prog[4].imm = (u32)((unsigned long)&f.array->map >> 32);

	/* Linux's count: 33 tail calls taken, so 34 runs of the program. */
	EXPECT_EQ(kbpf_code_run(&f.code[0], &count), 42);
	EXPECT_EQ(count, KBPF_MAX_TAIL_CALL_CNT + 1);
	/* The count is per run. */
	count = 0;
	EXPECT_EQ(kbpf_code_run(&f.code[0], &count), 42);
	EXPECT_EQ(count, KBPF_MAX_TAIL_CALL_CNT + 1);

	/* An empty slot and an index out of range fall through. */
	prog[5].imm = 2;
	count = 0;
	EXPECT_EQ(kbpf_code_run(&f.code[0], &count), 42);
	EXPECT_EQ(count, 1);
	prog[5].imm = 3;
	count = 0;
	EXPECT_EQ(kbpf_code_run(&f.code[0], &count), 42);
	EXPECT_EQ(count, 1);
	kfree(f.array);
}

TEST(interp_tail_call_replaces_program)
{
	struct tail_fixture f;
	const struct bpf_insn target[] = {
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_1, 3),	/* ctx survives */
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	struct bpf_insn prog[] = {
		BPF_LD_IMM64(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 1),
		BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, -1),
		BPF_EXIT_INSN(),
	};

	ASSERT_TRUE(tail_init(&f, prog, ARRAY_SIZE(prog)));
	f.code[1] = (struct kbpf_code){ .bpf_func = kbpf_interp_run,
		.insnsi = target, .len = ARRAY_SIZE(target) };
	f.array->ptrs[1] = &f.code[1];
	prog[0].imm = (u32)(unsigned long)&f.array->map;
	prog[1].imm = (u32)((unsigned long)&f.array->map >> 32);
	EXPECT_EQ(kbpf_code_run(&f.code[0], (void *)14), 42);
	kfree(f.array);
}

/* A 20-byte packet behind a 14-byte link-layer header. */
struct pkt_fixture {
	u8 buf[64];
	struct sk_buff skb;
};

static void pkt_init(struct pkt_fixture *f)
{
	u32 i;

	for (i = 0; i < sizeof(f->buf); i++)
		f->buf[i] = (u8)i;
	memset(&f->skb, 0, sizeof(f->skb));
	f->skb.head = f->buf;
	f->skb.data = f->buf + 16;		/* 16 bytes of headroom */
	f->skb.len = 34;
	f->skb.tail = 16 + 34;
	f->skb.mac_header = 16;
	f->skb.network_header = 16 + 14;
}

/* R6 = skb; R0 = LD_ABS/IND; return R0 + 1 (0 when the load failed). */
static u64 ld_pkt(struct pkt_fixture *f, u8 mode, u8 size, s32 imm, u64 r7)
{
	return RUN(&f->skb,
		   BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		   BPF_LD_IMM64(BPF_REG_7, r7),
		   BPF_RAW_INSN(BPF_LD | size | mode, 0, BPF_REG_7, 0, imm),
		   BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		   BPF_EXIT_INSN());
}

TEST(interp_ld_abs_ind)
{
	struct pkt_fixture f;

	pkt_init(&f);
	/* Big-endian loads from skb->data. */
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_B, 0, 0), 0x10 + 1);
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_H, 1, 0), 0x1112 + 1);
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_W, 30, 0), 0x2e2f3031ULL + 1);
	EXPECT_EQ(ld_pkt(&f, BPF_IND, BPF_W, -2, 4), 0x12131415 + 1);
	/* IND adds in 32 bits: the upper half of the register is dropped. */
	EXPECT_EQ(ld_pkt(&f, BPF_IND, BPF_B, 1, HI | 2), 0x13 + 1);
	/* Past the end, or before the start, the program returns 0. */
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_W, 31, 0), 0);
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_B, 34, 0), 0);
	EXPECT_EQ(ld_pkt(&f, BPF_IND, BPF_B, -1, 0), 0);
	EXPECT_EQ(ld_pkt(&f, BPF_IND, BPF_B, 0, 1ULL << 31), 0);
	/* Negative windows: network header, link-layer header. */
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_B, SKF_NET_OFF, 0), 0x1e + 1);
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_H, SKF_NET_OFF + 18, 0), 0x3031 + 1);
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_H, SKF_NET_OFF + 19, 0), 0);
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_W, SKF_LL_OFF + 2, 0), 0x12131415 + 1);
	EXPECT_EQ(ld_pkt(&f, BPF_IND, BPF_B, SKF_LL_OFF, 3), 0x13 + 1);
	/* Between the windows (the cBPF ancillary range) there is nothing. */
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_W, SKF_AD_OFF, 0), 0);
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_B, SKF_LL_OFF - 1, 0), 0);
	/* No link-layer header set: that window is empty. */
	f.skb.mac_header = (u16)~0U;
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_B, SKF_LL_OFF, 0), 0);
	EXPECT_EQ(ld_pkt(&f, BPF_ABS, BPF_B, SKF_NET_OFF, 0), 0x1e + 1);
}

TEST(interp_registers_start_zeroed)
{
	/* R0 and R2-R9 start at 0 (test_bpf relies on it), R1 = ctx. */
	EXPECT_EQ(RUN((void *)0x1000,
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_2),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_5),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_9),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		      BPF_EXIT_INSN()), 0x1000);
}

TEST(interp_bad_opcode_ends_run)
{
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_0, 5),
		      BPF_RAW_INSN(0xff, 0, 0, 0, 0),
		      BPF_EXIT_INSN()), 0);
	/* An atomic op no one defined. */
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_0, 5),
		      BPF_ATOMIC_OP(BPF_DW, BPF_SUB, BPF_REG_10, BPF_REG_0, -8),
		      BPF_EXIT_INSN()), 0);
}
