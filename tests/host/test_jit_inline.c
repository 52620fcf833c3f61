// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT's inlining of small leaf subprograms (jit/x86_jit_inline.c):
 * which calls become copies, what a copy saves for its caller, and
 * callbacks called directly too. A copy shows in the image as a frame
 * less and in the bytes it emits; every program also runs natively, on
 * the interpreter and blinded, and all three must agree.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "../../jit/interp.h"
#include "../../jit/runtime.h"
#include "../../jit/x86_jit.h"
#include "jittest.h"
#include "ktest.h"

/*
 * How many times the n bytes at what appear in the image of insns, JITed
 * without blinding; -1 if it is not JITed.
 */
static int image_count(const struct bpf_insn *insns, u32 len, u32 stack,
		       const void *what, u32 n)
{
	struct kbpf_code code;
	const u8 *img;
	int count = 0;
	u32 i;

	kbpf_code_init(&code, insns, len, stack);
	if (kbpf_jit_compile(&code, false))
		return -1;
	img = (const u8 *)code.bpf_func;
	for (i = 0; i + n <= code.jited_len; i++)
		count += !memcmp(img + i, what, n);
	kbpf_jit_free(&code);
	return count;
}

/*
 * Functions with code of their own in the image of insns: the frames it
 * sets up (push rbp; mov rbp, rsp), the entry's and callback stubs'
 * included. -1 if it is not JITed.
 */
static int image_frames(const struct bpf_insn *insns, u32 len, u32 stack)
{
	static const u8 frame[] = { 0x55, 0x48, 0x89, 0xe5 };

	return image_count(insns, len, stack, frame, sizeof(frame));
}

#define IMAGE_FRAMES(stack, ...)					\
	({								\
		const struct bpf_insn __p[] = { __VA_ARGS__ };		\
		image_frames(__p, ARRAY_SIZE(__p), stack);		\
	})

/* main: call the subprogram at 5 (16 bytes of stack) with R1 = 3. */
#define INLINE_CALLER							\
	BPF_MOV64_IMM(BPF_REG_6, 6),					\
	BPF_MOV64_IMM(BPF_REG_1, 3),					\
	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 16, 2),	\
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),			\
	BPF_EXIT_INSN()

/*
 * A small leaf subprogram becomes a copy at each call (x86_jit_inline.c):
 * no frame of its own, its frame inside its caller's and apart from the
 * caller's stack, its R6-R9 writes kept from the caller, each EXIT the
 * copy's end. The same program on the interpreter and blinded agrees.
 */
TEST(jit_inlines_small_leaf_calls)
{
	static const u8 sub_rsp_64[] = { 0x48, 0x83, 0xec, 0x40 };
	const struct bpf_insn p[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1000),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 2000),
		BPF_MOV64_IMM(BPF_REG_6, 6),
		BPF_MOV64_IMM(BPF_REG_7, 7),
		BPF_MOV64_IMM(BPF_REG_1, 3),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 16, 11),
		BPF_MOV64_REG(BPF_REG_8, BPF_REG_0),
		BPF_MOV64_IMM(BPF_REG_1, 40),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 16, 8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
		BPF_EXIT_INSN(),
		/* 17: sub(x) = x <= 10 ? 11 + x : 22 + 2^32 + x */
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 11),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 22),
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_LD_IMM64(BPF_REG_7, 1ULL << 32),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 10, 3),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_EXIT_INSN(),
	};
	/* A subprogram's packet load outside the packet. */
	const struct bpf_insn ld_abs[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 5),
		BPF_EXIT_INSN(),
		BPF_LD_ABS(BPF_W, 100),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	struct pkt_fixture f;

	EXPECT_EQ(RUN_ALL(p, ARRAY_SIZE(p), 16, NULL),
		  14 + 22 + (1ULL << 32) + 40 + 1000 + 2000 + 6 + 7);
	/* The entry's frame and main's: none for the subprogram. */
	EXPECT_EQ(image_frames(p, ARRAY_SIZE(p), 16), 2);
	/* main's 16 bytes of stack, the copies' saves and 16 below. */
	EXPECT_TRUE(image_count(p, ARRAY_SIZE(p), 16, sub_rsp_64,
				sizeof(sub_rsp_64)) > 0);

	/* A packet load outside the packet ends the copy with R0 = 0. */
	pkt_init(&f);
	EXPECT_EQ(RUN_ALL(ld_abs, ARRAY_SIZE(ld_abs), KBPF_MAX_STACK, &f.skb),
		  5);
	EXPECT_EQ(image_frames(ld_abs, ARRAY_SIZE(ld_abs), 0), 2);
}

/*
 * Where a copy could be told from a call, the call stays: R10 copied,
 * stored or out of the callee's frame, a tail call, a call or a callback
 * of its own, more than 32 instructions.
 */
TEST(jit_inlines_only_what_cannot_tell)
{
	/* main calls 3 with R1 = 3, which calls 8: 3 + 20 + 100. */
	const struct bpf_insn non_leaf[] = {
		BPF_MOV64_IMM(BPF_REG_1, 3),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 8, 1),
		BPF_EXIT_INSN(),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 100),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 8, 3),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 20),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	struct bpf_insn p[48];
	u32 i, n;

	/* The baseline: R10 as a base inside the frame is inlined. */
	EXPECT_EQ(IMAGE_FRAMES(16, INLINE_CALLER,
			       BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -16),
			       BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, -12),
			       BPF_EXIT_INSN()), 2);
	EXPECT_EQ(IMAGE_FRAMES(16, INLINE_CALLER,
			       BPF_MOV64_REG(BPF_REG_0, BPF_REG_10),
			       BPF_EXIT_INSN()), 3);
	EXPECT_EQ(IMAGE_FRAMES(16, INLINE_CALLER,
			       BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_10, -8),
			       BPF_EXIT_INSN()), 3);
	EXPECT_EQ(IMAGE_FRAMES(16, INLINE_CALLER,
			       BPF_JMP_REG(BPF_JEQ, BPF_REG_1, BPF_REG_10, 0),
			       BPF_EXIT_INSN()), 3);
	/* Outside its 16 bytes: below, across the top, above. */
	EXPECT_EQ(IMAGE_FRAMES(16, INLINE_CALLER,
			       BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -24),
			       BPF_EXIT_INSN()), 3);
	EXPECT_EQ(IMAGE_FRAMES(16, INLINE_CALLER,
			       BPF_ST_MEM(BPF_DW, BPF_REG_10, -4, 1),
			       BPF_EXIT_INSN()), 3);
	EXPECT_EQ(IMAGE_FRAMES(16, INLINE_CALLER,
			       BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_10,
					     BPF_REG_1, 0),
			       BPF_EXIT_INSN()), 3);
	EXPECT_EQ(IMAGE_FRAMES(16, INLINE_CALLER,
			       BPF_LD_IMM64(BPF_REG_2, 0),
			       BPF_MOV64_IMM(BPF_REG_3, 1),
			       BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0),
			       BPF_EXIT_INSN()), 3);
	EXPECT_EQ(IMAGE_FRAMES(16, INLINE_CALLER,
			       BPF_LD_IMM64_RAW(BPF_REG_1, BPF_PSEUDO_FUNC, 2),
			       BPF_EXIT_INSN(),
			       BPF_EXIT_INSN()), 5);

	/* A non-leaf keeps its frame; its leaf callee is copied into it. */
	EXPECT_EQ(RUN_ALL(non_leaf, ARRAY_SIZE(non_leaf), KBPF_MAX_STACK, NULL),
		  123);
	EXPECT_EQ(image_frames(non_leaf, ARRAY_SIZE(non_leaf), 0), 3);

	/* 32 instructions are copied, 33 called. */
	for (n = 32; n <= 33; n++) {
		u64 sum = 0;

		p[0] = BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1);
		p[1] = BPF_EXIT_INSN();
		for (i = 2; i < 2 + n - 1; i++) {
			p[i] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, i);
			sum += i;
		}
		p[i++] = BPF_EXIT_INSN();
		EXPECT_EQ(RUN_ALL(p, i, 0, NULL), sum);
		EXPECT_EQ(image_frames(p, i, 0), n == 32 ? 2 : 3);
	}
}

/*
 * A copy saves, in its caller's frame, the R6-R9 its callee writes that
 * the caller may read after it: on any path, around loops, and all of
 * them at a subprogram's EXIT, where its own caller reads them.
 */
TEST(jit_inline_saves_what_caller_reads)
{
	/* mov %rbx,-0x8(%rbp); mov %r13,-0x10; mov %r14,-0x18; mov %r15,-0x20 */
	static const u8 save[4][4] = {
		{ 0x48, 0x89, 0x5d, 0xf8 }, { 0x4c, 0x89, 0x6d, 0xf0 },
		{ 0x4c, 0x89, 0x75, 0xe8 }, { 0x4c, 0x89, 0x7d, 0xe0 },
	};
	struct bpf_insn p[] = {
		BPF_MOV64_IMM(BPF_REG_6, 1),
		BPF_MOV64_IMM(BPF_REG_7, 2),
		BPF_MOV64_IMM(BPF_REG_8, 4),
		BPF_MOV64_IMM(BPF_REG_9, 8),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 8),
		BPF_MOV64_IMM(BPF_REG_7, 0),	/* R7: dead after the call */
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 1000, 2),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
		BPF_EXIT_INSN(),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
		BPF_EXIT_INSN(),
		/* 13: writes all four */
		BPF_MOV64_IMM(BPF_REG_6, 100),
		BPF_MOV64_IMM(BPF_REG_7, 200),
		BPF_MOV64_IMM(BPF_REG_8, 300),
		BPF_MOV64_IMM(BPF_REG_9, 400),
		BPF_MOV64_IMM(BPF_REG_0, 10),
		BPF_EXIT_INSN(),
	};
	u32 i;

	EXPECT_EQ(RUN_ALL(p, ARRAY_SIZE(p), 0, NULL), 10 + 1 + 4);
	p[17].imm = 2000;
	EXPECT_EQ(RUN_ALL(p, ARRAY_SIZE(p), 0, NULL), 2000 + 1 + 8);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(image_count(p, ARRAY_SIZE(p), 0, save[i], 4) > 0,
			  i != 1);

	/* Read again only in the next round of a loop. */
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_6, 0),
		      BPF_MOV64_IMM(BPF_REG_7, 0),
		      BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 5),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_0),
		      BPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 1),
		      BPF_JMP_IMM(BPF_JLT, BPF_REG_6, 5, -5),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_7),
		      BPF_EXIT_INSN(),
		      BPF_MOV64_IMM(BPF_REG_6, 77),
		      BPF_MOV64_IMM(BPF_REG_7, 99),
		      BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		      BPF_EXIT_INSN()), 2 * (0 + 1 + 2 + 3 + 4));

	/* Copied into a subprogram, whose caller reads R6 after it. */
	EXPECT_EQ(RUN(NULL, BPF_MOV64_IMM(BPF_REG_6, 5),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 2),
		      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		      BPF_EXIT_INSN(),
		      BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1),
		      BPF_EXIT_INSN(),
		      BPF_MOV64_IMM(BPF_REG_6, 1000),
		      BPF_MOV64_IMM(BPF_REG_0, 1),
		      BPF_EXIT_INSN()), 1 + 5);
}

static u64 callback_twice(u64 cb, u64 x, u64 r3, u64 r4, u64 r5)
{
	return 2 * kbpf_callback_call(cb, x, 0, 0, 0, 0);
}

/* A callback called directly too: copied there, and its own function. */
TEST(jit_inlines_callback_called_directly)
{
	struct bpf_insn p[] = {
		BPF_MOV64_IMM(BPF_REG_1, 5),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 7),
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
		BPF_LD_IMM64_RAW(BPF_REG_1, BPF_PSEUDO_FUNC, 5),
		BPF_MOV64_IMM(BPF_REG_2, 7),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 0),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_EXIT_INSN(),
		/* 9: x * 10 */
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 10),
		BPF_EXIT_INSN(),
	};

	ASSERT_TRUE(kbpf_call_imm(callback_twice, &p[6].imm));
	EXPECT_EQ(run_one(p, ARRAY_SIZE(p), 0, NULL, true, false, __FILE__,
			  __LINE__), 50 + 140);
	EXPECT_EQ(run_one(p, ARRAY_SIZE(p), 0, NULL, true, true, __FILE__,
			  __LINE__), 50 + 140);
	/* The entry, main, the callback and its stub. */
	EXPECT_EQ(image_frames(p, ARRAY_SIZE(p), 0), 4);
}
