// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 JIT (jit/x86_jit*.c) on what is easy to get wrong: the
 * registers x86 instructions use implicitly (rax/rdx for div, rcx for
 * shifts, rax for cmpxchg are BPF's R0, R3, R4, R0), 32-bit zero
 * extension, frames of bpf-to-bpf calls (the calls inlined instead are
 * test_jit_inline.c's), tail calls up to the limit, rel8/rel32
 * convergence, constant blinding, landing pads, and the programs it must
 * refuse. Every program runs natively and on the interpreter, and
 * blinded: all three must agree.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "../../jit/interp.h"
#include "../../jit/interp_ops.h"
#include "../../jit/runtime.h"
#include "../../jit/x86_jit.h"
#include "../../jit/x86_jit_priv.h"
#include "jittest.h"
#include "ktest.h"

#define HI	0xdeadbeef00000000ULL	/* upper bits 32-bit ops must drop */

/* The JIT alone, for programs that change memory. */
#define RUN_JIT(ctx, ...)						\
	({								\
		const struct bpf_insn __p[] = { __VA_ARGS__ };		\
		run_one(__p, ARRAY_SIZE(__p), KBPF_MAX_STACK, ctx, true,	\
			false, __FILE__, __LINE__);			\
	})

static int jit_err(const struct bpf_insn *insns, u32 len, u32 stack)
{
	struct kbpf_code code;
	int err;

	kbpf_code_init(&code, insns, len, stack);
	err = kbpf_jit_compile(&code, false);
	kbpf_jit_free(&code);
	return err;
}

#define JIT_ERR(...)							\
	({								\
		const struct bpf_insn __p[] = { __VA_ARGS__ };		\
		jit_err(__p, ARRAY_SIZE(__p), KBPF_MAX_STACK);		\
	})

/* dst op= src with every pair of registers, both sides preloaded. */
static void alu_x_all_regs(u8 cls, u8 op, s16 off, u64 a, u64 b)
{
	int d, s;

	for (d = BPF_REG_0; d <= BPF_REG_9; d++)
		for (s = BPF_REG_0; s <= BPF_REG_9; s++) {
			const u64 other = 0x1111111111111111ULL;
			struct bpf_insn p[] = {
				BPF_LD_IMM64(BPF_REG_0, other),
				BPF_LD_IMM64(BPF_REG_1, other),
				BPF_LD_IMM64(BPF_REG_2, other),
				BPF_LD_IMM64(BPF_REG_3, other),
				BPF_LD_IMM64(BPF_REG_4, other),
				BPF_LD_IMM64(BPF_REG_5, other),
				BPF_LD_IMM64(BPF_REG_6, other),
				BPF_LD_IMM64(BPF_REG_7, other),
				BPF_LD_IMM64(BPF_REG_8, other),
				BPF_LD_IMM64(BPF_REG_9, other),
				BPF_LD_IMM64(s, b),
				BPF_LD_IMM64(d, a),
				BPF_RAW_INSN(cls | op | BPF_X, d, s, off, 0),
				/* R0 = a fold of every register: none clobbered */
				BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 3),
				BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_1),
				BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 5),
				BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_2),
				BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 7),
				BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_3),
				BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 11),
				BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_4),
				BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 13),
				BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_5),
				BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 17),
				BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_6),
				BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 19),
				BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_7),
				BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 23),
				BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_8),
				BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 29),
				BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_9),
				BPF_EXIT_INSN(),
			};

			RUN_ALL(p, ARRAY_SIZE(p), 0, NULL);
		}
}

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

TEST(jit_div_mod_by_zero)
{
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 0, 1234, 0), 0);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_DIV, 0, 1234, 0), 0);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 0, HI | 1234, 0), HI | 1234);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOD, 0, HI | 1234, 0), HI | 1234);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_DIV, 0, HI | 1234, HI), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 0, HI | 1234, 0), 0);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOD, 0, HI | 1234, HI), 1234);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOD, 0, HI | 1234, 0), 1234);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 1, -7ULL, 0), 0);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 1, -7ULL, 0), -7ULL);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOD, 1, HI | (u32)-7, HI), (u32)-7);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 1, HI | (u32)-7, 0), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOD, 1, HI | (u32)-7, 0), (u32)-7);
}

TEST(jit_div_mod_values)
{
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 0, -1ULL, 3), -1ULL / 3);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 0, -1ULL, 10), -1ULL % 10);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_DIV, 0, -1ULL, -1), 1);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOD, 0, 5, -1), 5);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 0, 0xffffffff, -1), 1);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOD, 0, HI | 100, 7), 2);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 1, -7ULL, 2), -3ULL);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 1, -7ULL, 2), -1ULL);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOD, 1, 7, -2), 1);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 1, (u32)-100, 7), (u32)-14);
	/* INT_MIN / -1 must not trap (#DE on x86), either width. */
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_DIV, 1, (u64)S64_MIN, -1ULL),
		  (u64)S64_MIN);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_DIV, 1, (u64)S64_MIN, -1), (u64)S64_MIN);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOD, 1, (u64)S64_MIN, -1ULL), 0);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOD, 1, (u64)S64_MIN, -1), 0);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_DIV, 1, HI | 0x80000000, (u32)-1),
		  0x80000000);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOD, 1, HI | 0x80000000, HI | 0xffffffff),
		  0);
}

/* Division in every register pair: rax and rdx are R0 and R3. */
TEST(jit_div_mod_any_registers)
{
	static const s16 offs[] = { 0, KBPF_OFF_SDIV };
	u32 i;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		alu_x_all_regs(BPF_ALU64, BPF_DIV, offs[i], 0x123456789ULL, 7);
		alu_x_all_regs(BPF_ALU64, BPF_MOD, offs[i], -1000ULL, 7);
		alu_x_all_regs(BPF_ALU, BPF_DIV, offs[i], HI | 1000, 7);
		alu_x_all_regs(BPF_ALU, BPF_MOD, offs[i], HI | 1000, 0);
		alu_x_all_regs(BPF_ALU64, BPF_DIV, offs[i], 1000, -1ULL);
	}
}

TEST(jit_shifts_with_rcx)
{
	/* R4 is rcx: as the count, as the shifted value, as both. */
	alu_x_all_regs(BPF_ALU64, BPF_LSH, 0, 0x8000000000000123ULL, 68);
	alu_x_all_regs(BPF_ALU64, BPF_RSH, 0, 0x8000000000000123ULL, 5);
	alu_x_all_regs(BPF_ALU64, BPF_ARSH, 0, 0x8000000000000123ULL, 63);
	alu_x_all_regs(BPF_ALU, BPF_LSH, 0, HI | 0x80000123, 33);
	alu_x_all_regs(BPF_ALU, BPF_ARSH, 0, HI | 0x80000123, 4);
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_4, 3),
		      BPF_ALU64_REG(BPF_LSH, BPF_REG_4, BPF_REG_4),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_4),
		      BPF_EXIT_INSN()), 24);
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_4, 2),
		      BPF_MOV64_IMM(BPF_REG_0, 5),
		      BPF_ALU64_REG(BPF_LSH, BPF_REG_0, BPF_REG_4),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
		      BPF_EXIT_INSN()), 22);
	/* Counts masked to the width, register and imm. */
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_LSH, 0, 3, 64), 3);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_LSH, 0, 3, 65), 6);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_LSH, 0, 3, 64), 3);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_LSH, 0, HI | 3, 33), 6);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_ARSH, 0, HI | 0x80000000, 31), 0xffffffff);
}

TEST(jit_alu32_zero_extends)
{
	/* Including when x86 writes nothing: shifts by a masked 0. */
	EXPECT_EQ(alu_x(BPF_ALU, BPF_LSH, 0, HI | 3, 32), 3);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_RSH, 0, HI | 3, 0), 3);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_LSH, 0, HI | 3, 0), 3);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_ARSH, 0, HI | 3, 32), 3);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_ADD, 0, -1ULL, 1), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_SUB, 0, HI, 1), 0xffffffff);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_OR, 0, HI, 0), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_AND, 0, HI | 5, -1), 5);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_XOR, 0, HI | 5, 0), 5);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MUL, 0, HI | 5, 1), 5);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MUL, 0, HI | 0x10000, 0x10000), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOV, 0, HI, -1), 0xffffffff);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_MOV, 0, HI, -1), -1ULL);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOV, 0, 0, HI | 5), 5);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_NEG, 0, HI | 1, 0), 0xffffffff);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_DIV, 0, HI | 10, 1), 10);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_MOD, 1, HI | 10, -1), 0);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_LE, 0, HI | 7, 32), 7);
	/* The verifier's explicit zero extension: mov32 to itself, imm 1. */
	EXPECT_EQ(RUN(NULL, BPF_LD_IMM64(BPF_REG_0, HI | 9),
		      BPF_ZEXT_REG(BPF_REG_0), BPF_EXIT_INSN()), 9);
}

TEST(jit_movsx_end_bswap_memsx)
{
	const u64 v = 0x0123456789abcdefULL;
	u64 mem = 0x8081828384858687ULL;

	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOV, 8, 0, 0x1ff), -1ULL);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOV, 16, 0, 0x18000),
		  0xffffffffffff8000ULL);
	EXPECT_EQ(alu_x(BPF_ALU64, BPF_MOV, 32, 0, 0x180000000ULL),
		  0xffffffff80000000ULL);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOV, 8, 0, 0x80), 0xffffff80);
	EXPECT_EQ(alu_x(BPF_ALU, BPF_MOV, 16, 0, HI | 0x8000), 0xffff8000);
	alu_x_all_regs(BPF_ALU64, BPF_MOV, 8, 0, 0x80);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_BE, 0, v, 16), 0xefcd);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_BE, 0, v, 32), 0xefcdab89);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_BE, 0, v, 64),
		  0xefcdab8967452301ULL);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_LE, 0, v, 16), 0xcdef);
	EXPECT_EQ(alu_k(BPF_ALU, BPF_END | BPF_TO_LE, 0, v, 64), v);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_END | BPF_TO_LE, 0, v, 16), 0xefcd);
	EXPECT_EQ(alu_k(BPF_ALU64, BPF_END | BPF_TO_LE, 0, v, 64),
		  0xefcdab8967452301ULL);
	EXPECT_EQ(RUN(&mem, BPF_LDX_MEMSX(BPF_B, BPF_REG_0, BPF_REG_1, 0),
		      BPF_EXIT_INSN()), 0xffffffffffffff87ULL);
	EXPECT_EQ(RUN(&mem, BPF_LDX_MEMSX(BPF_H, BPF_REG_0, BPF_REG_1, 6),
		      BPF_EXIT_INSN()), 0xffffffffffff8081ULL);
	EXPECT_EQ(RUN(&mem, BPF_LDX_MEMSX(BPF_W, BPF_REG_0, BPF_REG_1, 4),
		      BPF_EXIT_INSN()), 0xffffffff80818283ULL);
}

/* *(dst = R1) op= src (R0 after src when src is R0); returns reg ret. */
static u64 atomic_prog(u8 size, s32 op, u8 dst, u8 src, u8 ret, void *mem,
		       u64 src_val, u64 r0)
{
	struct bpf_insn p[] = {
		BPF_MOV64_REG(dst, BPF_REG_1),
		BPF_LD_IMM64(src, src_val),
		BPF_LD_IMM64(BPF_REG_0, r0),
		BPF_ATOMIC_OP(size, op, dst, src, 0),
		BPF_MOV64_REG(BPF_REG_0, ret),
		BPF_EXIT_INSN(),
	};

	return run_one(p, ARRAY_SIZE(p), 0, mem, true, false, __FILE__,
		       __LINE__);
}

TEST(jit_atomics_fetch)
{
	static const u8 srcs[] = { BPF_REG_0, BPF_REG_2, BPF_REG_3, BPF_REG_4 };
	static const s32 ops[] = { BPF_AND | BPF_FETCH, BPF_OR | BPF_FETCH,
				   BPF_XOR | BPF_FETCH, BPF_ADD | BPF_FETCH,
				   BPF_XCHG };
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		for (j = 0; j < ARRAY_SIZE(srcs); j++) {
			u64 dw = 0xff00ff00ff00ff00ULL, w = HI | 0xff00ff00;
			u64 want_dw = dw, want_w = w, r;
			u64 r0 = srcs[j] == BPF_REG_0 ? 0x0ff00ff00ff00ff0ULL :
				 0x5555;

			/* The fetched old value lands in src, zero-extended. */
			r = atomic_prog(BPF_DW, ops[i], BPF_REG_5, srcs[j],
					srcs[j], &dw, 0x0ff00ff00ff00ff0ULL, r0);
			EXPECT_EQ(r, want_dw);
			kbpf_atomic64((u64)(unsigned long)&want_dw, ops[i],
				      &(u64){ 0x0ff00ff00ff00ff0ULL }, &r0);
			EXPECT_EQ(dw, want_dw);
			r = atomic_prog(BPF_W, ops[i], BPF_REG_5, srcs[j],
					srcs[j], &w, 0x0ff00ff00ff00ff0ULL, r0);
			EXPECT_EQ(r, (u32)want_w);
			kbpf_atomic32((u64)(unsigned long)&want_w, ops[i],
				      &(u64){ 0x0ff00ff00ff00ff0ULL }, &r0);
			EXPECT_EQ(w, want_w);
			/* R0 survives, unless it was the source. */
			if (srcs[j] != BPF_REG_0)
				EXPECT_EQ(atomic_prog(BPF_DW, ops[i], BPF_REG_5,
						      srcs[j], BPF_REG_0, &dw,
						      1, 0x1234), 0x1234);
		}
}

TEST(jit_atomics_plain)
{
	u64 dw = 0xf0;
	u32 w[2] = { 0xf0, 0x5a5a5a5a };

	EXPECT_EQ(atomic_prog(BPF_DW, BPF_ADD, BPF_REG_5, BPF_REG_2, BPF_REG_2,
			      &dw, 0x0f, 0), 0x0f);
	EXPECT_EQ(dw, 0xff);
	EXPECT_EQ(atomic_prog(BPF_DW, BPF_AND, BPF_REG_5, BPF_REG_0, BPF_REG_0,
			      &dw, 0, 0x3c), 0x3c);
	EXPECT_EQ(dw, 0x3c);
	EXPECT_EQ(atomic_prog(BPF_W, BPF_OR, BPF_REG_5, BPF_REG_2, BPF_REG_2,
			      w, HI | 0xff000000, 0), HI | 0xff000000);
	EXPECT_EQ(w[0], 0xff0000f0);
	EXPECT_EQ(w[1], 0x5a5a5a5a);
	EXPECT_EQ(atomic_prog(BPF_W, BPF_XOR, BPF_REG_5, BPF_REG_4, BPF_REG_4,
			      w, 0xf0, 0), 0xf0);
	EXPECT_EQ(w[0], 0xff000000);
}

TEST(jit_cmpxchg)
{
	u64 dw = 100;
	u32 w[2] = { 100, 0x5a5a5a5a };

	/* R0 always gets the old value; memory changes only on a match. */
	EXPECT_EQ(atomic_prog(BPF_DW, BPF_CMPXCHG, BPF_REG_5, BPF_REG_2,
			      BPF_REG_0, &dw, 200, 99), 100);
	EXPECT_EQ(dw, 100);
	EXPECT_EQ(atomic_prog(BPF_DW, BPF_CMPXCHG, BPF_REG_5, BPF_REG_2,
			      BPF_REG_0, &dw, 200, 100), 100);
	EXPECT_EQ(dw, 200);
	/* 32-bit: on a match too, R0's upper half is cleared. */
	EXPECT_EQ(atomic_prog(BPF_W, BPF_CMPXCHG, BPF_REG_5, BPF_REG_2,
			      BPF_REG_0, w, HI | 300, HI | 100), 100);
	EXPECT_EQ(w[0], 300);
	EXPECT_EQ(atomic_prog(BPF_W, BPF_CMPXCHG, BPF_REG_5, BPF_REG_2,
			      BPF_REG_0, w, 400, HI | 301), 300);
	EXPECT_EQ(w[0], 300);
	EXPECT_EQ(w[1], 0x5a5a5a5a);
	/* R0 as the new value, and as the address register. */
	EXPECT_EQ(atomic_prog(BPF_DW, BPF_CMPXCHG, BPF_REG_5, BPF_REG_0,
			      BPF_REG_0, &dw, 0, 200), 200);
	EXPECT_EQ(dw, 200);
	dw = (unsigned long)&dw;
	EXPECT_EQ(RUN_JIT(&dw, BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			  BPF_MOV64_IMM(BPF_REG_2, 7),
			  BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, BPF_REG_0,
					BPF_REG_2, 0),
			  BPF_EXIT_INSN()), (unsigned long)&dw);
	EXPECT_EQ(dw, 7);
}

TEST(jit_memory_and_stack)
{
	u8 buf[16] = { 0 };

	/* Unaligned, every size, stores of registers 4-7 as bytes (sil, dil). */
	EXPECT_EQ(RUN_JIT(buf, BPF_LD_IMM64(BPF_REG_2, 0x1122334455667788ULL),
			  BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 3),
			  BPF_ST_MEM(BPF_H, BPF_REG_1, 11, -2),
			  BPF_STX_MEM(BPF_B, BPF_REG_1, BPF_REG_1, 0),
			  BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 5),
			  BPF_EXIT_INSN()), 0xfffe112233445566ULL);
	EXPECT_EQ(buf[0], (u8)(unsigned long)buf);
	EXPECT_EQ(buf[3], 0x88);
	EXPECT_EQ(buf[12], 0xff);
	/* The whole declared stack is usable, R10 at its top. */
	EXPECT_EQ(RUN(NULL, BPF_ST_MEM(BPF_DW, BPF_REG_10, -512, 5),
		      BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 6),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -512),
		      BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_10, -4),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		      BPF_EXIT_INSN()), 11);
}

TEST(jit_registers_start_zeroed)
{
	EXPECT_EQ(RUN((void *)0x1000,
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_2),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_3),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_4),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_5),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_6),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_7),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_8),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_9),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		      BPF_EXIT_INSN()), 0x1000);
}

TEST(jit_jumps_all_conditions)
{
	static const u8 ops[] = { BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT,
				  BPF_JLE, BPF_JSGT, BPF_JSGE, BPF_JSLT,
				  BPF_JSLE, BPF_JSET };
	static const u64 vals[] = { 0, 1, -1ULL, 0x80000000, 0x7fffffff,
				    HI | 1, 0xffffffff, 5 };
	u32 o, a, b, cls;

	for (cls = 0; cls < 2; cls++)
		for (o = 0; o < ARRAY_SIZE(ops); o++)
			for (a = 0; a < ARRAY_SIZE(vals); a++)
				for (b = 0; b < ARRAY_SIZE(vals); b++) {
					u8 c = cls ? BPF_JMP32 : BPF_JMP;

					RUN(NULL,
					    BPF_LD_IMM64(BPF_REG_3, vals[a]),
					    BPF_LD_IMM64(BPF_REG_4, vals[b]),
					    BPF_MOV64_IMM(BPF_REG_0, 1),
					    BPF_RAW_INSN(c | ops[o] | BPF_X,
							 BPF_REG_3, BPF_REG_4,
							 2, 0),
					    BPF_RAW_INSN(c | ops[o] | BPF_K,
							 BPF_REG_3, 0, 1,
							 (s32)vals[b]),
					    BPF_MOV64_IMM(BPF_REG_0, 2),
					    BPF_EXIT_INSN());
				}
}

/*
 * A forward and a backward jump over n bytes' worth of instructions: the
 * image grows by 3 (jmp) or 4 (jcc) bytes when a jump no longer fits rel8.
 * Around the boundary both must still land right.
 */
TEST(jit_rel8_rel32_convergence)
{
	u32 n, prev_len = 0, grew = 0;

	for (n = 10; n < 50; n++) {
		struct bpf_insn *p = kcalloc(n + 8, sizeof(*p), GFP_KERNEL);
		struct kbpf_code code;
		u32 i, k = 0;

		ASSERT_NONNULL(p);
		p[k++] = BPF_MOV64_IMM(BPF_REG_0, 0);
		p[k++] = BPF_MOV64_IMM(BPF_REG_2, 3);
		/* loop: R0 += n-ish work, three times */
		for (i = 0; i < n; i++)
			p[k++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1);
		p[k++] = BPF_ALU64_IMM(BPF_SUB, BPF_REG_2, 1);
		p[k++] = BPF_JMP_IMM(BPF_JNE, BPF_REG_2, 0, -(s16)(n + 2));
		p[k++] = BPF_JMP_A((s16)0);
		p[k++] = BPF_EXIT_INSN();

		EXPECT_EQ(RUN_ALL(p, k, 0, NULL), 3 * n);
		kbpf_code_init(&code, p, k, 0);
		ASSERT_EQ(kbpf_jit_compile(&code, false), 0);
		/* Each add is 4 bytes; past ~31 the backward jcc needs rel32. */
		if (prev_len && code.jited_len - prev_len > 4)
			grew++;
		prev_len = code.jited_len;
		kbpf_jit_free(&code);
		kfree(p);
	}
	EXPECT_EQ(grew, 1);
}

/* Many jumps chained over each other: layouts converge to the exact one. */
TEST(jit_many_jumps_converge)
{
	const u32 n = 3000;
	struct bpf_insn *p = kcalloc(n + 4, sizeof(*p), GFP_KERNEL);
	u32 i;

	ASSERT_NONNULL(p);
	p[0] = BPF_MOV64_IMM(BPF_REG_0, 0);
	for (i = 1; i < n; i++) {
		/* Alternately a far forward jump and an add. */
		if (i % 2)
			p[i] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, -1,
					   (s16)min_t(u32, n - i - 1, i * 7 % 400));
		else
			p[i] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, i);
	}
	p[n] = BPF_EXIT_INSN();
	EXPECT_EQ(RUN_ALL(p, n + 1, 0, NULL), (u64)(n / 2 - 1) * (n / 2));
	kfree(p);
}

TEST(jit_ja32_long)
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
	EXPECT_EQ(RUN_ALL(p, gap + 3, 0, NULL), 7);
	kfree(p);
}

static u64 sum5(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5;
}

TEST(jit_helper_call)
{
	s32 imm;

	ASSERT_TRUE(kbpf_call_imm(sum5, &imm));
	/* Arguments in R1-R5; R6-R9 and the stack survive the call. */
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_6, 60),
		      BPF_MOV64_IMM(BPF_REG_9, 900),
		      BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7000),
		      BPF_MOV64_IMM(BPF_REG_1, 1), BPF_MOV64_IMM(BPF_REG_2, 1),
		      BPF_MOV64_IMM(BPF_REG_3, 1), BPF_MOV64_IMM(BPF_REG_4, 1),
		      BPF_MOV64_IMM(BPF_REG_5, 1),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, imm),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		      BPF_EXIT_INSN()), 15 + 60 + 900 + 7000);
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_0, 9),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 0),
		      BPF_EXIT_INSN()), 0);
}

/* The text's 16 MiB-aligned region, where exec_host.c maps images first. */
#define NEAR_REGION	(16UL << 20)
#define NEAR_CHUNK	(512UL << 10)

static bool in_text_region(const void *p)
{
	return !(((unsigned long)p ^ (unsigned long)kbpf_call_base) &
		 ~(NEAR_REGION - 1));
}

/*
 * Whether a NEAR_CHUNK-aligned chunk of the text's region below the break
 * is unmapped, from /proc/self/maps: where exec_host.c must have mapped
 * before going further away.
 */
static bool text_region_has_room(void)
{
	unsigned long lo = (unsigned long)kbpf_call_base & ~(NEAR_REGION - 1);
	unsigned long hi = min(lo + NEAR_REGION, (unsigned long)sbrk(0));
	unsigned long at, start, end;
	bool room = false;
	char line[512];
	FILE *f;

	for (at = lo; at + NEAR_CHUNK <= hi && !room; at += NEAR_CHUNK) {
		f = fopen("/proc/self/maps", "r");
		if (!f)
			return false;
		room = true;
		while (room && fgets(line, sizeof(line), f))
			if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
			    start < at + NEAR_CHUNK && end > at)
				room = false;
		fclose(f);
	}
	return room;
}

TEST(jit_image_near_helpers)
{
	struct kbpf_code code;
	s32 imm;

	ASSERT_TRUE(kbpf_call_imm(sum5, &imm));
	kbpf_code_init(&code, (struct bpf_insn[]){
			BPF_MOV64_IMM(BPF_REG_1, 1),
			BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, imm),
			BPF_EXIT_INSN() }, 3, 0);
	ASSERT_EQ(kbpf_jit_compile(&code, false), 0);
	EXPECT_EQ(kbpf_code_run(&code, NULL), 1);
	/*
	 * In the helpers' region, so its calls to them cost no more than C's
	 * (exec_host.c); elsewhere only when that region is full.
	 */
	if (!in_text_region(code.bpf_func))
		EXPECT_FALSE(text_region_has_room());
	kbpf_jit_free(&code);
}

TEST(jit_subprog_frames)
{
	/* The caller's R6-R9 and stack survive; the callee has its own. */
	EXPECT_EQ(RUN(NULL,
		      BPF_MOV64_IMM(BPF_REG_6, 6),
		      BPF_MOV64_IMM(BPF_REG_9, 9),
		      BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1000),
		      BPF_MOV64_IMM(BPF_REG_1, 5),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 16, 6),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
		      BPF_EXIT_INSN(),
		      BPF_EXIT_INSN(),
		      /* callee: clobbers R6, R9 and its own stack */
		      BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7),
		      BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 7),
		      BPF_MOV64_IMM(BPF_REG_6, 0),
		      BPF_MOV64_IMM(BPF_REG_9, 0),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		      BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 10),
		      BPF_EXIT_INSN()), 50 + 1000 + 6 + 9);
	/* Arguments R1-R5 in, a pointer to the caller's stack works. */
	EXPECT_EQ(RUN(NULL,
		      BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 40),
		      BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		      BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
		      BPF_MOV64_IMM(BPF_REG_5, 2),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 8, 1),
		      BPF_EXIT_INSN(),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),
		      BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		      BPF_EXIT_INSN()), 42);
}

/* Recursion to depth n: each level adds 1 and calls itself until R1 is 0. */
static int recurse_err(u64 n, u64 *r0)
{
	const struct bpf_insn p[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 3),
		BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 8, -4),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	struct kbpf_code code;
	int err;

	kbpf_code_init(&code, p, ARRAY_SIZE(p), 8);
	err = kbpf_prog_select_runtime(&code, true);
	*r0 = kbpf_code_run(&code, (void *)(unsigned long)n);
	kbpf_prog_free_runtime(&code);
	return err;
}

/*
 * frames functions, each calling the next and adding its index to R0; the
 * last returns 100 and touches the bottom of its 32-byte stack.
 */
static u32 call_chain(struct bpf_insn *p, u32 frames)
{
	u32 i, k = 0;

	for (i = 0; i < frames; i++) {
		if (i + 1 < frames) {
			p[k++] = BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0,
					      BPF_PSEUDO_CALL, 32, 2);
			p[k++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, i);
		} else {
			p[k++] = BPF_MOV64_IMM(BPF_REG_0, 100);
			p[k++] = BPF_ST_MEM(BPF_DW, BPF_REG_10, -32, 1);
		}
		p[k++] = BPF_EXIT_INSN();
	}
	return k;
}

TEST(jit_nested_calls_and_limits)
{
	struct bpf_insn p[3 * (KBPF_MAX_CALL_FRAMES + 1)];
	struct kbpf_code code;
	u64 r0;
	u32 k;

	/* Recursion: refused, and the interpreter runs it instead. */
	EXPECT_EQ(recurse_err(7, &r0), -EINVAL);
	EXPECT_EQ(r0, 7);
	/* A chain of 8 frames: JITed. */
	k = call_chain(p, KBPF_MAX_CALL_FRAMES);
	EXPECT_EQ(RUN_ALL(p, k, 32, NULL), 100 + 0 + 1 + 2 + 3 + 4 + 5 + 6);
	/* Nine: too deep; on the interpreter, the ninth call faults. */
	k = call_chain(p, KBPF_MAX_CALL_FRAMES + 1);
	kbpf_code_init(&code, p, k, 32);
	EXPECT_EQ(kbpf_prog_select_runtime(&code, true), -EINVAL);
	EXPECT_EQ(kbpf_code_run(&code, NULL), 0);
	kbpf_prog_free_runtime(&code);
	/* More stack in one chain than a run has. */
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
				       KBPF_MAX_STACK, 1),
			  BPF_EXIT_INSN(),
			  BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
				       KBPF_MAX_STACK, 0),
			  BPF_EXIT_INSN()), -EINVAL);
}

/* A prog array of two JITed programs; ctx points at a counter. */
struct tail_fixture {
	struct kbpf_prog_array *array;
	struct kbpf_code code[2];
};

static void tail_patch_map(struct bpf_insn *ld, struct tail_fixture *f)
{
	ld[0].imm = (u32)(unsigned long)&f->array->map;
	ld[1].imm = (u32)((unsigned long)&f->array->map >> 32);
}

static bool tail_init(struct tail_fixture *f)
{
	f->array = kzalloc(struct_size(f->array, ptrs, 3), GFP_KERNEL);
	if (!f->array)
		return false;
	f->array->map.max_entries = 3;	/* slot 2 stays empty */
	memset(f->code, 0, sizeof(f->code));
	return true;
}

static void tail_fini(struct tail_fixture *f)
{
	kbpf_jit_free(&f->code[0]);
	kbpf_jit_free(&f->code[1]);
	kfree(f->array);
}

/* Bumps *ctx, tail calls slot insn[5].imm, returns 42 when that fails. */
#define TAIL_COUNTER_PROG						\
	BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),			\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1),				\
	BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 0),			\
	BPF_LD_IMM64(BPF_REG_2, 0),					\
	BPF_MOV64_IMM(BPF_REG_3, 0),					\
	BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0),				\
	BPF_MOV64_IMM(BPF_REG_0, 42),					\
	BPF_EXIT_INSN()

TEST(jit_tail_call_limit)
{
	struct tail_fixture f;
	static const s32 slots[] = { 2, 3, -1, (s32)0x80000000 };
	struct bpf_insn prog[] = { TAIL_COUNTER_PROG };
	u64 count;
	u32 i;

	ASSERT_TRUE(tail_init(&f));
	tail_patch_map(&prog[3], &f);
	kbpf_code_init(&f.code[0], prog, ARRAY_SIZE(prog), 8);
	ASSERT_EQ(kbpf_jit_compile(&f.code[0], false), 0);
	f.array->ptrs[0] = &f.code[0];

	/* 33 tail calls taken: 34 runs, the count per run. */
	count = 0;
	EXPECT_EQ(kbpf_code_run(&f.code[0], &count), 42);
	EXPECT_EQ(count, KBPF_MAX_TAIL_CALL_CNT + 1);
	count = 0;
	EXPECT_EQ(kbpf_code_run(&f.code[0], &count), 42);
	EXPECT_EQ(count, KBPF_MAX_TAIL_CALL_CNT + 1);
	tail_fini(&f);

	/* An empty slot, indexes out of range: the program goes on. */
	ASSERT_TRUE(tail_init(&f));
	tail_patch_map(&prog[3], &f);
	kbpf_code_init(&f.code[0], prog, ARRAY_SIZE(prog), 8);
	f.array->ptrs[0] = &f.code[0];
	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		prog[5].imm = slots[i];
		ASSERT_EQ(kbpf_jit_compile(&f.code[0], false), 0);
		count = 0;
		EXPECT_EQ(kbpf_code_run(&f.code[0], &count), 42);
		EXPECT_EQ(count, 1);
		kbpf_jit_free(&f.code[0]);
	}
	tail_fini(&f);
}

TEST(jit_tail_call_replaces_program)
{
	struct tail_fixture f;
	const struct bpf_insn target[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -64, 3),	/* its own stack */
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -64),
		BPF_ALU64_REG(BPF_MUL, BPF_REG_1, BPF_REG_2),	/* ctx survives */
		BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_6),	/* and R6 */
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_6, 0),
		BPF_LD_IMM64(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 1),
		BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, -1),
		BPF_EXIT_INSN(),
	};

	ASSERT_TRUE(tail_init(&f));
	tail_patch_map(&prog[1], &f);
	kbpf_code_init(&f.code[0], prog, ARRAY_SIZE(prog), 8);
	kbpf_code_init(&f.code[1], target, ARRAY_SIZE(target), 64);
	ASSERT_EQ(kbpf_jit_compile(&f.code[0], false), 0);
	ASSERT_EQ(kbpf_jit_compile(&f.code[1], true), 0);
	f.array->ptrs[0] = &f.code[0];
	f.array->ptrs[1] = &f.code[1];
	EXPECT_EQ(kbpf_code_run(&f.code[0], (void *)14), 42);

	/* A program that is not JITed is no jump target: an empty slot. */
	kbpf_jit_free(&f.code[1]);
	f.code[1].bpf_func = kbpf_interp_run;
	EXPECT_EQ(kbpf_code_run(&f.code[0], (void *)14), -1ULL);
	tail_fini(&f);
}

/*
 * A call saves only the R6-R9 its callee may change: what the callee's
 * own instructions write (here R8 by a load, R9 by an atomic fetch, in
 * two callees), not what it calls (which saves its own), and all four when
 * the callee tail calls, the target writing them in its place.
 */
TEST(jit_subprog_saves_what_callee_writes)
{
	struct tail_fixture f;
	const struct bpf_insn target[] = {
		BPF_MOV64_IMM(BPF_REG_6, 0),
		BPF_MOV64_IMM(BPF_REG_7, 0),
		BPF_MOV64_IMM(BPF_REG_8, 0),
		BPF_MOV64_IMM(BPF_REG_9, 0),
		BPF_MOV64_IMM(BPF_REG_0, 500),
		BPF_EXIT_INSN(),
	};
	struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_6, 1),
		BPF_MOV64_IMM(BPF_REG_7, 2),
		BPF_MOV64_IMM(BPF_REG_8, 4),
		BPF_MOV64_IMM(BPF_REG_9, 8),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 6),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
		BPF_EXIT_INSN(),
		BPF_EXIT_INSN(),
		/* 11: writes R8, calls 16 (which writes R9), tail calls */
		BPF_LDX_MEM(BPF_DW, BPF_REG_8, BPF_REG_1, 0),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 8, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
		BPF_EXIT_INSN(),
		/* 16: R9 = 16, swapped in from the stack */
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 16),
		BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, BPF_REG_10, BPF_REG_9, -8),
		BPF_MOV64_IMM(BPF_REG_0, 100),
		BPF_EXIT_INSN(),
	};
	struct bpf_insn tprog[] = {
		BPF_MOV64_IMM(BPF_REG_6, 1),
		BPF_MOV64_IMM(BPF_REG_7, 2),
		BPF_MOV64_IMM(BPF_REG_8, 4),
		BPF_MOV64_IMM(BPF_REG_9, 8),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 5),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
		BPF_EXIT_INSN(),
		/* 10: writes only R2 and R3, then tail calls slot 1 */
		BPF_LD_IMM64(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 1),
		BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, -1),
		BPF_EXIT_INSN(),
	};
	u64 mem = 32;

	/*
	 * 100, R8 32 and R9 8 again in the first callee, then the caller's
	 * 1 + 2 + 4 + 8.
	 */
	EXPECT_EQ(RUN_ALL(prog, ARRAY_SIZE(prog), 8, &mem), 155);

	/* The callee tail calls: the target's zeroes must not leak. */
	ASSERT_TRUE(tail_init(&f));
	tail_patch_map(&tprog[10], &f);
	kbpf_code_init(&f.code[1], target, ARRAY_SIZE(target), 0);
	ASSERT_EQ(kbpf_jit_compile(&f.code[1], false), 0);
	f.array->ptrs[1] = &f.code[1];
	kbpf_code_init(&f.code[0], tprog, ARRAY_SIZE(tprog), 0);
	ASSERT_EQ(kbpf_jit_compile(&f.code[0], false), 0);
	EXPECT_EQ(kbpf_code_run(&f.code[0], &mem), 500 + 15);
	tail_fini(&f);
}

/*
 * A subprogram tail calls: the target returns to the subprogram's caller,
 * whose R6-R9 and stack are intact, and the count is the run's, shared by
 * the subprogram and the main program (as in the interpreter).
 */
TEST(jit_tail_call_from_subprog)
{
	struct tail_fixture f;
	const struct bpf_insn target[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_6, -1),		/* clobbers R6-R9 */
		BPF_MOV64_IMM(BPF_REG_9, -1),
		BPF_MOV64_IMM(BPF_REG_0, 100),
		BPF_EXIT_INSN(),
	};
	struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_6, 6),
		BPF_MOV64_REG(BPF_REG_9, BPF_REG_1),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1000),
		/* call the subprogram 40 times: 33 tail calls succeed */
		BPF_MOV64_IMM(BPF_REG_7, 40),
		BPF_MOV64_IMM(BPF_REG_8, 0),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_9),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 7),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_8, BPF_REG_0),
		BPF_ALU64_IMM(BPF_SUB, BPF_REG_7, 1),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_7, 0, -5),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
		BPF_EXIT_INSN(),
		/* subprogram: tail call slot 1, else return 1 */
		BPF_LD_IMM64(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 1),
		BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	u64 count = 0, want;

	ASSERT_TRUE(tail_init(&f));
	tail_patch_map(&prog[14], &f);
	kbpf_code_init(&f.code[0], prog, ARRAY_SIZE(prog), 8);
	kbpf_code_init(&f.code[1], target, ARRAY_SIZE(target), 0);
	f.array->ptrs[0] = &f.code[0];
	f.array->ptrs[1] = &f.code[1];
	/* The interpreter first, as the reference. */
	want = kbpf_code_run(&f.code[0], &count);
	EXPECT_EQ(count, KBPF_MAX_TAIL_CALL_CNT);
	EXPECT_EQ(want, 1000 + 6 + 33 * 100 + 7 * 1);
	ASSERT_EQ(kbpf_jit_compile(&f.code[0], false), 0);
	ASSERT_EQ(kbpf_jit_compile(&f.code[1], false), 0);
	count = 0;
	EXPECT_EQ(kbpf_code_run(&f.code[0], &count), want);
	EXPECT_EQ(count, KBPF_MAX_TAIL_CALL_CNT);
	tail_fini(&f);
}

TEST(jit_ld_abs_ind)
{
	struct pkt_fixture f;

	pkt_init(&f);
	/* R1-R5 survive the load, as in the interpreter. */
	EXPECT_EQ(RUN(&f.skb, BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		      BPF_MOV64_IMM(BPF_REG_1, 1), BPF_MOV64_IMM(BPF_REG_2, 2),
		      BPF_MOV64_IMM(BPF_REG_3, 3), BPF_MOV64_IMM(BPF_REG_4, 4),
		      BPF_MOV64_IMM(BPF_REG_5, 5),
		      BPF_LD_IND(BPF_W, BPF_REG_2, 28),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),
		      BPF_EXIT_INSN()), 0x2e2f3031ULL + 15);
	EXPECT_EQ(RUN(&f.skb, BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		      BPF_LD_ABS(BPF_H, SKF_NET_OFF + 18),
		      BPF_EXIT_INSN()), 0x3031);
	EXPECT_EQ(RUN(&f.skb, BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		      BPF_LD_ABS(BPF_B, 34),
		      BPF_MOV64_IMM(BPF_REG_0, 1),
		      BPF_EXIT_INSN()), 0);
	/*
	 * Outside the packet in a subprogram: it returns 0 to its caller.
	 * Its copy of R10 keeps it a call (test_jit_inline.c has the same
	 * load in an inline copy).
	 */
	EXPECT_EQ(RUN(&f.skb, BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 2),
		      BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 5),
		      BPF_EXIT_INSN(),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_10),
		      BPF_LD_ABS(BPF_W, 100),
		      BPF_MOV64_IMM(BPF_REG_0, 1),
		      BPF_EXIT_INSN()), 5);
}

static bool contains(const u8 *p, u32 len, const void *what, u32 n)
{
	u32 i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(p + i, what, n))
			return true;
	return false;
}

TEST(jit_blinding_hides_constants)
{
	const u32 magic = 0x9e3b5a17;
	const u64 magic64 = 0x1122334455667788ULL;
	const struct bpf_insn p[] = {
		BPF_MOV64_IMM(BPF_REG_0, magic),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, magic),
		BPF_ALU32_IMM(BPF_XOR, BPF_REG_0, magic),
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, magic),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, magic, 0),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, magic, 1),
		BPF_ALU64_IMM(BPF_DIV, BPF_REG_0, magic),
		BPF_LD_IMM64(BPF_REG_2, magic64),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		BPF_EXIT_INSN(),
	};
	struct kbpf_code plain, blind;

	kbpf_code_init(&plain, p, ARRAY_SIZE(p), 8);
	kbpf_code_init(&blind, p, ARRAY_SIZE(p), 8);
	ASSERT_EQ(kbpf_jit_compile(&plain, false), 0);
	ASSERT_EQ(kbpf_jit_compile(&blind, true), 0);
	EXPECT_TRUE(contains((u8 *)plain.bpf_func, plain.jited_len, &magic, 4));
	EXPECT_TRUE(contains((u8 *)plain.bpf_func, plain.jited_len, &magic64, 8));
	EXPECT_FALSE(contains((u8 *)blind.bpf_func, blind.jited_len, &magic, 4));
	EXPECT_FALSE(contains((u8 *)blind.bpf_func, blind.jited_len, &magic64, 4));
	EXPECT_FALSE(contains((u8 *)blind.bpf_func, blind.jited_len,
			      (const u8 *)&magic64 + 4, 4));
	EXPECT_EQ(kbpf_code_run(&plain, NULL), kbpf_code_run(&blind, NULL));
	kbpf_jit_free(&plain);
	kbpf_jit_free(&blind);
}

TEST(jit_landing_pads_and_layout)
{
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	const struct bpf_insn p[] = {
		BPF_MOV64_IMM(BPF_REG_0, 3),
		BPF_EXIT_INSN(),
	};
	struct kbpf_code code;
	const u8 *img;

	/* Under IBT: at the entry, and where tail calls land. */
	kbpf_shim_ibt = true;
	kbpf_code_init(&code, p, ARRAY_SIZE(p), 0);
	ASSERT_EQ(kbpf_jit_compile(&code, false), 0);
	img = (const u8 *)code.bpf_func;
	EXPECT_MEM_EQ(img, endbr64, 4);
	EXPECT_MEM_EQ(img + JIT_BODY_OFFSET, endbr64, 4);
	EXPECT_EQ(kbpf_code_run(&code, NULL), 3);
	kbpf_jit_free(&code);
	EXPECT_FALSE(code.jited);

	/* Without: none, and the main function still at the same offset. */
	kbpf_shim_ibt = false;
	ASSERT_EQ(kbpf_jit_compile(&code, false), 0);
	img = (const u8 *)code.bpf_func;
	EXPECT_FALSE(contains(img, code.jited_len, endbr64, 4));
	EXPECT_EQ(img[JIT_BODY_OFFSET], 0x55);	/* push %rbp */
	EXPECT_EQ(kbpf_code_run(&code, NULL), 3);
	kbpf_jit_free(&code);
	kbpf_shim_ibt = true;
}

/*
 * BPF_REG_AX, the verifier's scratch register: R0-R9 preloaded with
 * distinct values, then dst op= src with AX on one side, and every
 * register folded into R0, so that a clobbered one shows.
 */
static void alu_ax_pair(u8 cls, u8 op, s16 off, u8 dst, u8 src, u64 a,
			u64 b)
{
	struct bpf_insn p[48];
	u32 n = 0;
	int r;

	for (r = BPF_REG_0; r <= BPF_REG_9; r++) {
		const struct bpf_insn ld[] = {
			BPF_LD_IMM64(r, 0x0101010101010101ULL * (r + 1)),
		};

		p[n++] = ld[0];
		p[n++] = ld[1];
	}
	{
		const struct bpf_insn ld[] = {
			BPF_LD_IMM64(src, b), BPF_LD_IMM64(dst, a),
		};

		memcpy(&p[n], ld, sizeof(ld));
		n += ARRAY_SIZE(ld);
	}
	p[n++] = BPF_RAW_INSN(cls | op | BPF_X, dst, src, off, 0);
	p[n++] = BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_AX);
	for (r = BPF_REG_1; r <= BPF_REG_9; r++) {
		p[n++] = BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 31);
		p[n++] = BPF_ALU64_REG(BPF_XOR, BPF_REG_0, r);
	}
	p[n++] = BPF_EXIT_INSN();
	RUN_ALL(p, n, 0, NULL);
}

TEST(jit_ax_alu_with_every_register)
{
	static const u8 ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_OR, BPF_AND, BPF_XOR, BPF_LSH,
		BPF_RSH, BPF_ARSH, BPF_MOV,
	};
	static const u8 classes[] = { BPF_ALU64, BPF_ALU };
	u32 i, c;
	int r;

	for (c = 0; c < ARRAY_SIZE(classes); c++)
		for (i = 0; i < ARRAY_SIZE(ops); i++)
			for (r = BPF_REG_0; r <= BPF_REG_9; r++) {
				alu_ax_pair(classes[c], ops[i], 0, BPF_REG_AX,
					    r, 0x8000000012345678ULL, 37);
				alu_ax_pair(classes[c], ops[i], 0, r,
					    BPF_REG_AX, 0x8000000012345678ULL,
					    37);
			}
	/* The value itself, through interpreter, JIT and blinded JIT. */
	EXPECT_EQ(RUN(NULL, BPF_LD_IMM64(BPF_REG_AX, 40),
		      BPF_ALU64_IMM(BPF_ADD, BPF_REG_AX, 2),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_AX), BPF_EXIT_INSN()),
		  42);
}

/* Immediates into AX, blinded ones too: JIT_AX is another register. */
TEST(jit_ax_immediates)
{
	EXPECT_EQ(RUN(NULL, BPF_MOV32_IMM(BPF_REG_AX, -1),
		      BPF_ALU64_IMM(BPF_XOR, BPF_REG_AX, 0x0f0f0f0f),
		      BPF_ALU32_IMM(BPF_ADD, BPF_REG_AX, 1),
		      BPF_ALU64_IMM(BPF_MUL, BPF_REG_AX, 3),
		      BPF_ALU64_IMM(BPF_LSH, BPF_REG_AX, 4),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_AX), BPF_EXIT_INSN()),
		  (u64)(u32)(0xf0f0f0f0 + 1) * 3 << 4);
	/* Linux's Spectre mask for an offset of 5 within a limit of 8. */
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_2, 5),
		      BPF_MOV32_IMM(BPF_REG_AX, 8 - 1),
		      BPF_ALU64_REG(BPF_SUB, BPF_REG_AX, BPF_REG_2),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_AX, BPF_REG_2),
		      BPF_ALU64_IMM(BPF_NEG, BPF_REG_AX, 0),
		      BPF_ALU64_IMM(BPF_ARSH, BPF_REG_AX, 63),
		      BPF_ALU64_REG(BPF_AND, BPF_REG_AX, BPF_REG_2),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_AX), BPF_EXIT_INSN()),
		  5);
	/* The same past the limit: masked to 0. */
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_2, 9),
		      BPF_MOV32_IMM(BPF_REG_AX, 8 - 1),
		      BPF_ALU64_REG(BPF_SUB, BPF_REG_AX, BPF_REG_2),
		      BPF_ALU64_REG(BPF_OR, BPF_REG_AX, BPF_REG_2),
		      BPF_ALU64_IMM(BPF_NEG, BPF_REG_AX, 0),
		      BPF_ALU64_IMM(BPF_ARSH, BPF_REG_AX, 63),
		      BPF_ALU64_REG(BPF_AND, BPF_REG_AX, BPF_REG_2),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_AX), BPF_EXIT_INSN()),
		  0);
	EXPECT_EQ(RUN(NULL, BPF_LD_IMM64(BPF_REG_AX, 0x1122334455667788ULL),
		      BPF_ENDIAN(BPF_TO_BE, BPF_REG_AX, 32),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_AX), BPF_EXIT_INSN()),
		  0x88776655);
}

/* Loads and stores through AX, as the ctx rewrites use it. */
TEST(jit_ax_memory)
{
	u64 mem[4] = { 0x1111, 0x2222, 0x3333, 0 };
	u64 *slot = &mem[3];

	EXPECT_EQ(RUN(mem, BPF_LDX_MEM(BPF_DW, BPF_REG_AX, BPF_REG_1, 8),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 16),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_AX),
		      BPF_EXIT_INSN()), 0x5555);
	/* AX as the base: a pointer loaded from memory. */
	EXPECT_EQ(RUN(&slot, BPF_LDX_MEM(BPF_DW, BPF_REG_AX, BPF_REG_1, 0),
		      BPF_ST_MEM(BPF_W, BPF_REG_AX, 0, 0x7777),
		      BPF_MOV64_IMM(BPF_REG_2, 0x66),
		      BPF_STX_MEM(BPF_B, BPF_REG_AX, BPF_REG_2, 4),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_AX, 0),
		      BPF_EXIT_INSN()), 0x6600007777ULL);
	EXPECT_EQ(mem[3], 0x6600007777ULL);
	/* AX stored, and the stack through it. */
	EXPECT_EQ(RUN(mem, BPF_MOV64_IMM(BPF_REG_AX, 99),
		      BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_AX, 24),
		      BPF_MOV64_REG(BPF_REG_AX, BPF_REG_10),
		      BPF_ST_MEM(BPF_DW, BPF_REG_AX, -8, 1),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 24),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		      BPF_EXIT_INSN()), 100);
	EXPECT_EQ(RUN(mem, BPF_LD_IMM64(BPF_REG_AX, -1ULL),
		      BPF_LDX_MEMSX(BPF_B, BPF_REG_AX, BPF_REG_1, 0),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_AX), BPF_EXIT_INSN()),
		  0x11);
}

/* Conditional jumps on AX, against immediates (blinded) and registers. */
TEST(jit_ax_jumps)
{
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_AX, 1000),
		      BPF_MOV64_IMM(BPF_REG_0, 1),
		      BPF_JMP_IMM(BPF_JGT, BPF_REG_AX, 999, 1),
		      BPF_MOV64_IMM(BPF_REG_0, 2),
		      BPF_JMP32_IMM(BPF_JEQ, BPF_REG_AX, 1000, 1),
		      BPF_MOV64_IMM(BPF_REG_0, 3),
		      BPF_MOV64_IMM(BPF_REG_3, 1000),
		      BPF_JMP_REG(BPF_JNE, BPF_REG_3, BPF_REG_AX, 1),
		      BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 10),
		      BPF_JMP_REG(BPF_JSLT, BPF_REG_AX, BPF_REG_3, 1),
		      BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 100),
		      BPF_EXIT_INSN()), 111);
}

TEST(jit_refuses_bad_programs)
{
	/* Unknown opcodes. */
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(0xff, 0, 0, 0, 0), BPF_EXIT_INSN()),
		  -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_ALU64 | BPF_END | BPF_TO_BE, 0, 0,
				       0, 16), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ATOMIC_OP(BPF_DW, BPF_SUB, BPF_REG_10, BPF_REG_0,
					-8), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ATOMIC_OP(BPF_H, BPF_ADD, BPF_REG_10, BPF_REG_0,
					-8), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_LDX | BPF_MEMSX | BPF_DW, 0, 1, 0, 0),
			  BPF_EXIT_INSN()), -EINVAL);
	/* Reserved fields. */
	EXPECT_EQ(JIT_ERR(BPF_ALU64_IMM_OFF(BPF_ADD, BPF_REG_0, 1, 1),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_ALU64 | BPF_ADD | BPF_K, 0, 1, 0, 1),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 1, 0, 1),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_MOVSX32_REG(BPF_REG_0, BPF_REG_1, 32),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ALU64_IMM_OFF(BPF_MOV, BPF_REG_0, 1, 8),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ALU64_IMM_OFF(BPF_DIV, BPF_REG_0, 1, 2),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 8), BPF_EXIT_INSN()),
		  -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 1)),
		  -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, 0, 1),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, 0, 0, 0, 1),
			  BPF_RAW_INSN(0, 1, 0, 0, 0), BPF_EXIT_INSN()), -EINVAL);
	/* A callback outside the program, or with more than a frame's stack. */
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, 0,
				       BPF_PSEUDO_FUNC, 0, 2),
			  BPF_RAW_INSN(0, 0, 0, 0, 0), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, 0,
				       BPF_PSEUDO_FUNC, KBPF_MAX_STACK + 8, 1),
			  BPF_RAW_INSN(0, 0, 0, 0, 0), BPF_EXIT_INSN()), -EINVAL);
	/* A callback into the second half of a 64-bit immediate. */
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, 0,
				       BPF_PSEUDO_FUNC, 0, 0),
			  BPF_RAW_INSN(0, 0, 0, 0, 0), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_LD | BPF_W | BPF_ABS, 1, 0, 0, 1),
			  BPF_EXIT_INSN()), -EINVAL);
	/* Registers: R10 is read-only, there is none past AX (R11). */
	EXPECT_EQ(JIT_ERR(BPF_MOV64_IMM(BPF_REG_10, 0), BPF_EXIT_INSN()),
		  -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_LDX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, 0),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_MOV64_REG(BPF_REG_0, BPF_REG_AX + 1),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_MOV64_REG(BPF_REG_AX + 1, BPF_REG_0),
			  BPF_EXIT_INSN()), -EINVAL);
	/* AX where the JIT uses its x86 register as scratch. */
	EXPECT_EQ(JIT_ERR(BPF_ALU64_IMM(BPF_DIV, BPF_REG_AX, 3),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ALU32_REG(BPF_MOD, BPF_REG_AX, BPF_REG_1),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ALU64_REG(BPF_DIV, BPF_REG_1, BPF_REG_AX),
			  BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1,
					BPF_REG_AX, 0), BPF_EXIT_INSN()),
		  -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ATOMIC_OP(BPF_W, BPF_XCHG, BPF_REG_AX,
					BPF_REG_1, 0), BPF_EXIT_INSN()),
		  -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, BPF_REG_1,
					BPF_REG_10, 0), BPF_EXIT_INSN()),
		  -EINVAL);
	/* Jumps out of the program, into an immediate, into another function. */
	EXPECT_EQ(JIT_ERR(BPF_JMP_A(1), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_JMP_A(-2), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_JMP32_A(5), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
			  BPF_LD_IMM64(BPF_REG_0, 1), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
				       0, 1),
			  BPF_JMP_A(1), BPF_EXIT_INSN(), BPF_EXIT_INSN()),
		  -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
				       0, 5), BPF_EXIT_INSN()), -EINVAL);
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
				       -1, 0), BPF_EXIT_INSN(),
			  BPF_EXIT_INSN()), -EINVAL);
	/* A truncated 64-bit immediate; an empty program; a huge stack. */
	EXPECT_EQ(JIT_ERR(BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, 0, 0, 0, 1)),
		  -EINVAL);
	EXPECT_EQ(jit_err(NULL, 0, 0), -EINVAL);
	EXPECT_EQ(jit_err((struct bpf_insn[]){ BPF_EXIT_INSN() }, 1,
			  KBPF_MAX_STACK + 8), -EINVAL);
}

TEST(jit_runtime_selection)
{
	const struct bpf_insn p[] = {
		BPF_MOV64_IMM(BPF_REG_0, 5), BPF_EXIT_INSN(),
	};
	struct kbpf_code code;

	kbpf_code_init(&code, p, ARRAY_SIZE(p), 0);
	EXPECT_EQ(kbpf_prog_select_runtime(&code, true), 0);
	EXPECT_TRUE(code.jited);
	EXPECT_TRUE(code.jited_len > JIT_BODY_OFFSET);
	EXPECT_NE(code.bpf_func, kbpf_interp_run);
	EXPECT_EQ(kbpf_code_run(&code, NULL), 5);
	kbpf_prog_free_runtime(&code);
	EXPECT_FALSE(code.jited);

	/* Disabled: the interpreter, and no error. */
	kbpf_jit_enable = 0;
	EXPECT_EQ(kbpf_prog_select_runtime(&code, true), 0);
	EXPECT_FALSE(code.jited);
	EXPECT_EQ(code.bpf_func, kbpf_interp_run);
	EXPECT_EQ(kbpf_code_run(&code, NULL), 5);
	kbpf_prog_free_runtime(&code);
	kbpf_jit_enable = 1;

	/* Refused by the JIT: the interpreter runs it, the error is told. */
	kbpf_code_init(&code, (struct bpf_insn[]){
			BPF_MOV64_IMM(BPF_REG_0, 5),
			BPF_RAW_INSN(0xff, 0, 0, 0, 0), BPF_EXIT_INSN() }, 3, 0);
	EXPECT_EQ(kbpf_prog_select_runtime(&code, true), -EINVAL);
	EXPECT_EQ(code.bpf_func, kbpf_interp_run);
	EXPECT_EQ(kbpf_code_run(&code, NULL), 0);
	kbpf_prog_free_runtime(&code);
}
