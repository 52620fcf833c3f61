// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT in a running kernel: programs go through
 * kbpf_prog_select_runtime(), land in the arena, and run natively, with
 * the kernel's return and retpoline thunks and landing pads; each result
 * is compared with the interpreter's on the same program.
 */
#include <kunit/test.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>

#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "../jit/arena.h"
#include "../jit/interp.h"
#include "../jit/runtime.h"

/* JIT insns, check where the image went, and run it and the interpreter. */
static u64 jit_and_interp(struct kunit *test, const struct bpf_insn *insns,
			  u32 len, u32 stack_depth, void *ctx, bool privileged)
{
	struct kbpf_code jit = { .insnsi = insns, .len = len,
				 .stack_depth = stack_depth };
	struct kbpf_code interp = jit;
	u64 r_jit, r_interp;

	interp.bpf_func = kbpf_interp_run;
	KUNIT_ASSERT_EQ(test, kbpf_prog_select_runtime(&jit, privileged), 0);
	KUNIT_ASSERT_TRUE(test, jit.jited);
	KUNIT_EXPECT_TRUE(test, kbpf_arena_contains(jit.bpf_func,
						    jit.jited_len));
	/* C calls the image indirectly: under IBT it must start with ENDBR64. */
	if (kbpf_ibt_enabled())
		KUNIT_EXPECT_EQ(test, *(u32 *)jit.bpf_func, 0xfa1e0ff3U);
	rcu_read_lock();
	r_jit = kbpf_code_run(&jit, ctx);
	r_interp = kbpf_code_run(&interp, ctx);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, r_jit, r_interp);
	kbpf_prog_free_runtime(&jit);
	return r_jit;
}

#define RUN(test, ctx, ...)						\
	({								\
		const struct bpf_insn __p[] = { __VA_ARGS__ };		\
		jit_and_interp(test, __p, ARRAY_SIZE(__p), 64, ctx, true); \
	})

#define HI	0xdeadbeef00000000ULL

static void jit_alu(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, RUN(test, NULL,
				  BPF_LD_IMM64(BPF_REG_0, HI | 7),
				  BPF_MOV64_IMM(BPF_REG_4, 35),
				  BPF_ALU32_REG(BPF_LSH, BPF_REG_0, BPF_REG_4),
				  BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 3),
				  BPF_ALU64_IMM(BPF_SUB, BPF_REG_0, 1),
				  BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 16),
				  BPF_EXIT_INSN()),
			(u64)swab16(7 * 8 * 3 - 1));
	/* The same with constant blinding, as for an unprivileged load. */
	{
		const struct bpf_insn p[] = {
			BPF_MOV64_IMM(BPF_REG_0, 0x12345678),
			BPF_ALU64_IMM(BPF_XOR, BPF_REG_0, 0x0f0f0f0f),
			BPF_LD_IMM64(BPF_REG_1, 0x1122334455667788ULL),
			BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
			BPF_EXIT_INSN(),
		};

		KUNIT_EXPECT_EQ(test, jit_and_interp(test, p, ARRAY_SIZE(p),
						     0, NULL, false),
				(0x12345678ULL ^ 0x0f0f0f0f) +
				0x1122334455667788ULL);
	}
}

static void jit_loop(struct kunit *test)
{
	/* Sum of 1..1000 on the stack, through a backward conditional jump. */
	KUNIT_EXPECT_EQ(test, RUN(test, NULL,
				  BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
				  BPF_MOV64_IMM(BPF_REG_1, 1000),
				  BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
				  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
				  BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8),
				  BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1),
				  BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, -5),
				  BPF_EXIT_INSN()), 500500ULL);
}

static u64 kunit_helper(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return r1 * 10000 + r2 * 1000 + r3 * 100 + r4 * 10 + r5;
}

static void jit_helper_call(struct kunit *test)
{
	s32 imm;

	KUNIT_ASSERT_TRUE(test, kbpf_call_imm(kunit_helper, &imm));
	KUNIT_EXPECT_EQ(test, RUN(test, NULL,
				  BPF_MOV64_IMM(BPF_REG_6, 700000),
				  BPF_MOV64_IMM(BPF_REG_1, 1),
				  BPF_MOV64_IMM(BPF_REG_2, 2),
				  BPF_MOV64_IMM(BPF_REG_3, 3),
				  BPF_MOV64_IMM(BPF_REG_4, 4),
				  BPF_MOV64_IMM(BPF_REG_5, 5),
				  BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, imm),
				  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
				  BPF_EXIT_INSN()), 712345ULL);
}

static void jit_bpf2bpf_call(struct kunit *test)
{
	/* The callee has its own stack; the caller's R6 and stack survive. */
	KUNIT_EXPECT_EQ(test, RUN(test, NULL,
				  BPF_MOV64_IMM(BPF_REG_6, 6),
				  BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1000),
				  BPF_MOV64_IMM(BPF_REG_1, 5),
				  BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0,
					       BPF_PSEUDO_CALL, 16, 4),
				  BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
				  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
				  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
				  BPF_EXIT_INSN(),
				  BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7),
				  BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 7),
				  BPF_MOV64_IMM(BPF_REG_6, 0),
				  BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
				  BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 10),
				  BPF_EXIT_INSN()), 1056ULL);
}

static void jit_div_by_zero(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, RUN(test, NULL,
				  BPF_MOV64_IMM(BPF_REG_0, 1234),
				  BPF_MOV64_IMM(BPF_REG_3, 0),
				  BPF_ALU64_REG(BPF_DIV, BPF_REG_0, BPF_REG_3),
				  BPF_EXIT_INSN()), 0ULL);
	KUNIT_EXPECT_EQ(test, RUN(test, NULL,
				  BPF_LD_IMM64(BPF_REG_3, HI | 1234),
				  BPF_MOV64_IMM(BPF_REG_0, 0),
				  BPF_ALU32_REG(BPF_MOD, BPF_REG_3, BPF_REG_0),
				  BPF_MOV64_REG(BPF_REG_0, BPF_REG_3),
				  BPF_EXIT_INSN()), 1234ULL);
	/* S64_MIN / -1 must not raise #DE in the kernel. */
	KUNIT_EXPECT_EQ(test, RUN(test, NULL,
				  BPF_LD_IMM64(BPF_REG_0, (u64)S64_MIN),
				  BPF_MOV64_IMM(BPF_REG_2, -1),
				  BPF_ALU64_REG_OFF(BPF_DIV, BPF_REG_0, BPF_REG_2,
						    KBPF_OFF_SDIV),
				  BPF_EXIT_INSN()), (u64)S64_MIN);
}

static void jit_tail_call(struct kunit *test)
{
	struct kbpf_prog_array *array;
	struct kbpf_code *code;
	u64 count = 0, r0;
	struct bpf_insn prog[] = {
		/* (*ctx)++; tail call slot 0 (itself); return 42 */
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 0),
		BPF_LD_IMM64(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 42),
		BPF_EXIT_INSN(),
	};

	array = kunit_kzalloc(test, struct_size(array, ptrs, 1), GFP_KERNEL);
	code = kunit_kzalloc(test, sizeof(*code), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, array);
	KUNIT_ASSERT_NOT_NULL(test, code);
	array->map.max_entries = 1;
	prog[3].imm = (u32)(unsigned long)&array->map;
	prog[4].imm = (u32)((unsigned long)&array->map >> 32);
	code->insnsi = prog;
	code->len = ARRAY_SIZE(prog);
	code->stack_depth = 0;

	/* The interpreter's count first, then the JIT's: 33 taken, 34 runs. */
	code->bpf_func = kbpf_interp_run;
	rcu_assign_pointer(array->ptrs[0], code);
	rcu_read_lock();
	r0 = kbpf_code_run(code, &count);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, r0, 42ULL);
	KUNIT_EXPECT_EQ(test, count, (u64)KBPF_MAX_TAIL_CALL_CNT + 1);

	KUNIT_ASSERT_EQ(test, kbpf_prog_select_runtime(code, true), 0);
	KUNIT_ASSERT_TRUE(test, code->jited);
	count = 0;
	rcu_read_lock();
	r0 = kbpf_code_run(code, &count);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, r0, 42ULL);
	KUNIT_EXPECT_EQ(test, count, (u64)KBPF_MAX_TAIL_CALL_CNT + 1);

	/* Unpublish, wait for readers, then free the image. */
	RCU_INIT_POINTER(array->ptrs[0], NULL);
	synchronize_rcu();
	kbpf_prog_free_runtime(code);
}

static void jit_ld_abs(struct kunit *test)
{
	struct sk_buff *skb = alloc_skb(64, GFP_KERNEL);
	u8 data[34];
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	for (i = 0; i < sizeof(data); i++)
		data[i] = i;
	skb_put_data(skb, data, sizeof(data));
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, 14);
	KUNIT_EXPECT_EQ(test, RUN(test, skb,
				  BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
				  BPF_MOV64_IMM(BPF_REG_7, 4),
				  BPF_LD_ABS(BPF_H, 1),
				  BPF_MOV64_REG(BPF_REG_8, BPF_REG_0),
				  BPF_LD_IND(BPF_W, BPF_REG_7, SKF_NET_OFF),
				  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
				  BPF_EXIT_INSN()), 0x0102ULL + 0x12131415ULL);
	/* Past the end: the program returns 0. */
	KUNIT_EXPECT_EQ(test, RUN(test, skb,
				  BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
				  BPF_LD_ABS(BPF_W, 31),
				  BPF_MOV64_IMM(BPF_REG_0, 1),
				  BPF_EXIT_INSN()), 0ULL);
	kfree_skb(skb);
}

static void jit_refuses_unknown_opcode(struct kunit *test)
{
	const struct bpf_insn p[] = {
		BPF_MOV64_IMM(BPF_REG_0, 5),
		BPF_RAW_INSN(0xff, 0, 0, 0, 0),
		BPF_EXIT_INSN(),
	};
	struct kbpf_code code = { .insnsi = p, .len = ARRAY_SIZE(p) };

	/* No code for it: the interpreter takes the program, and stops there. */
	KUNIT_EXPECT_EQ(test, kbpf_prog_select_runtime(&code, true), -EINVAL);
	KUNIT_EXPECT_FALSE(test, code.jited);
	KUNIT_EXPECT_PTR_EQ(test, (void *)code.bpf_func, (void *)kbpf_interp_run);
	KUNIT_EXPECT_EQ(test, kbpf_code_run(&code, NULL), 0ULL);
	kbpf_prog_free_runtime(&code);
}

static struct kunit_case kbpf_jit_cases[] = {
	KUNIT_CASE(jit_alu),
	KUNIT_CASE(jit_loop),
	KUNIT_CASE(jit_helper_call),
	KUNIT_CASE(jit_bpf2bpf_call),
	KUNIT_CASE(jit_div_by_zero),
	KUNIT_CASE(jit_tail_call),
	KUNIT_CASE(jit_ld_abs),
	KUNIT_CASE(jit_refuses_unknown_opcode),
	{}
};

static struct kunit_suite kbpf_jit_suite = {
	.name = "kbpf_jit",
	.test_cases = kbpf_jit_cases,
};

kunit_test_suites(&kbpf_jit_suite);
