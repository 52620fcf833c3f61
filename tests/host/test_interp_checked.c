// SPDX-License-Identifier: GPL-2.0
/*
 * The structural check (jit/check.c) and the checked interpreter
 * (jit/interp_checked.c): what each refuses, and that a refused access
 * never happens. Under ASan, an access the sandbox let through would be
 * reported here, so the last test throws random programs at it.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "../../jit/check.h"
#include "../../jit/interp.h"
#include "ktest.h"

/* kbpf_insns_check()'s reason for insns, NULL when accepted. */
static const char *check_why(const struct bpf_insn *insns, u32 len, u32 *bad)
{
	const char *why;
	u32 at;

	if (!kbpf_insns_check(insns, len, bad ? bad : &at, &why))
		return NULL;
	return why;
}

#define CHECK(...)							\
	({								\
		const struct bpf_insn __p[] = { __VA_ARGS__ };		\
		check_why(__p, ARRAY_SIZE(__p), NULL);			\
	})

#define REJECTS(why, ...)						\
	({								\
		const char *__w = CHECK(__VA_ARGS__);			\
		__w && strstr(__w, why);				\
	})

TEST(check_accepts_valid_programs)
{
	EXPECT_NULL(CHECK(BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN()));
	/* Every class, a v4 form of each kind, a backward jump, a call. */
	EXPECT_NULL(CHECK(BPF_LD_IMM64(BPF_REG_0, 0x123456789ULL),
			  BPF_MOVSX64_REG(BPF_REG_1, BPF_REG_0, 32),
			  BPF_ALU64_IMM_OFF(BPF_DIV, BPF_REG_1, 3, KBPF_OFF_SDIV),
			  BPF_BSWAP(BPF_REG_1, 64),
			  BPF_ENDIAN(BPF_TO_BE, BPF_REG_1, 16),
			  BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
			  BPF_LDX_MEMSX(BPF_H, BPF_REG_2, BPF_REG_10, -8),
			  BPF_ST_MEM(BPF_W, BPF_REG_10, -16, 7),
			  BPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, BPF_REG_10,
					BPF_REG_2, -8),
			  BPF_JMP32_IMM(BPF_JSLT, BPF_REG_2, 0, 1),
			  BPF_JMP32_A(1),
			  BPF_CALL_REL(2),
			  BPF_JMP_A(-3),
			  BPF_EXIT_INSN(),
			  BPF_MOV64_IMM(BPF_REG_0, 0),
			  BPF_EXIT_INSN()));
	/* What only the verifier can judge passes: helpers, maps, LD_ABS. */
	EXPECT_NULL(CHECK(BPF_LD_MAP_FD(BPF_REG_1, 3),
			  BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
			  BPF_LD_ABS(BPF_B, 0),
			  BPF_EXIT_INSN()));
	/* Ending in a jump is enough. */
	EXPECT_NULL(CHECK(BPF_EXIT_INSN(), BPF_JMP_A(-2)));
}

TEST(check_rejects_bad_programs)
{
	u32 bad = 99;

	EXPECT_TRUE(strstr(check_why(NULL, 0, &bad), "empty"));
	EXPECT_TRUE(REJECTS("unknown opcode",
			    BPF_RAW_INSN(0xff, 0, 0, 0, 0), BPF_EXIT_INSN()));
	/* The verifier's own tail call opcode is not for userspace. */
	EXPECT_TRUE(REJECTS("unknown opcode",
			    BPF_RAW_INSN(BPF_JMP | BPF_TAIL_CALL, 0, 0, 0, 0),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("unknown opcode",
			    BPF_RAW_INSN(BPF_ALU64 | BPF_NEG | BPF_X, 0, 1, 0, 0),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("unknown opcode",
			    BPF_RAW_INSN(BPF_LD | BPF_ABS | BPF_DW, 0, 0, 0, 0),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("unknown opcode",
			    BPF_RAW_INSN(BPF_JMP32 | BPF_EXIT, 0, 0, 0, 0),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("unknown atomic",
			    BPF_ATOMIC_OP(BPF_W, BPF_SUB, BPF_REG_10, BPF_REG_1, -4),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("bad destination register",
			    BPF_MOV64_IMM(11, 1), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("bad source register",
			    BPF_MOV64_REG(BPF_REG_0, 15), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("bad register",
			    BPF_LDX_MEM(BPF_W, BPF_REG_0, 12, 0), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("R10 is read-only",
			    BPF_MOV64_IMM(BPF_REG_10, 0), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("R10 is read-only",
			    BPF_LDX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, 0),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("R10 is read-only",
			    BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, BPF_REG_1, BPF_REG_10, 0),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("reserved field",
			    BPF_ALU64_IMM_OFF(BPF_ADD, BPF_REG_0, 1, 1),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("reserved field",
			    BPF_RAW_INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 1, 0, 5),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("reserved field",
			    BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 1)));
	EXPECT_TRUE(REJECTS("bad off for MOV",
			    BPF_MOVSX32_REG(BPF_REG_0, BPF_REG_1, 32), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("END width",
			    BPF_ENDIAN(BPF_TO_LE, BPF_REG_0, 8), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("unknown kind of CALL",
			    BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 3, 0, 1),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("unknown kind of LD_IMM64",
			    BPF_LD_IMM64_RAW(BPF_REG_0, 7, 0), BPF_EXIT_INSN()));

	/* Jumps and calls: in range, never into an LD_IMM64. */
	EXPECT_TRUE(REJECTS("out of range", BPF_JMP_A(1), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("out of range", BPF_JMP_A(-2), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("out of range",
			    BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0x7fff),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("out of range", BPF_JMP32_A(5), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("out of range", BPF_CALL_REL(-3), BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("middle of an LD_IMM64",
			    BPF_JMP_A(1), BPF_LD_IMM64(BPF_REG_0, 1),
			    BPF_EXIT_INSN()));
	EXPECT_TRUE(REJECTS("without its second half",
			    BPF_EXIT_INSN(),
			    BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1)));
	EXPECT_TRUE(REJECTS("second half",
			    BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1),
			    BPF_RAW_INSN(0, 1, 0, 0, 0), BPF_EXIT_INSN()));

	/* Running off the end, or never exiting. */
	EXPECT_TRUE(REJECTS("missing exit", BPF_MOV64_IMM(BPF_REG_0, 1)));
	EXPECT_TRUE(REJECTS("missing exit",
			    BPF_EXIT_INSN(), BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, -2)));
	EXPECT_TRUE(REJECTS("no exit instruction", BPF_JMP_A(-1)));
	EXPECT_TRUE(REJECTS("missing exit",
			    BPF_EXIT_INSN(), BPF_LD_IMM64(BPF_REG_0, 1)));

	/* The first offending instruction is named. */
	{
		const struct bpf_insn p[] = {
			BPF_MOV64_IMM(BPF_REG_0, 0), BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_RAW_INSN(0xee, 0, 0, 0, 0), BPF_EXIT_INSN(),
		};

		EXPECT_NONNULL(check_why(p, ARRAY_SIZE(p), &bad));
		EXPECT_EQ(bad, 2);
	}
}

/* A checked run of insns over mem[0, len), main frame KBPF_MAX_STACK. */
static u64 run_checked(const struct bpf_insn *insns, u32 n, void *mem, u64 len,
		       struct kbpf_interp_check *chk)
{
	struct kbpf_code code = {
		.insnsi = insns, .len = n, .stack_depth = KBPF_MAX_STACK,
	};

	memset(chk, 0, sizeof(*chk));
	chk->len = len;
	return kbpf_interp_run_checked(mem, &code, chk);
}

#define RUN_CHECKED(mem, len, chk, ...)					\
	({								\
		const struct bpf_insn __p[] = { __VA_ARGS__ };		\
		run_checked(__p, ARRAY_SIZE(__p), mem, len, chk);	\
	})

TEST(checked_allows_memory_and_stack)
{
	struct kbpf_interp_check chk;
	u8 *mem = malloc(16);

	ASSERT_NONNULL(mem);
	memset(mem, 0, 16);
	mem[15] = 0x5a;
	/* R1 = mem, R2 = its length; the last byte, and the whole stack. */
	EXPECT_EQ(RUN_CHECKED(mem, 16, &chk,
			      BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 15),
			      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
			      BPF_ST_MEM(BPF_DW, BPF_REG_10, -KBPF_MAX_STACK, 1),
			      BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8),
			      BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -KBPF_MAX_STACK),
			      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
			      BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 8),
			      BPF_EXIT_INSN()), 0x5a + 16 + 1);
	EXPECT_EQ(chk.fault, KBPF_INTERP_OK);
	EXPECT_EQ(mem[8], 0x5a + 16 + 1);
	/* Unwritten stack reads as zero. */
	EXPECT_EQ(RUN_CHECKED(NULL, 0, &chk,
			      BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -256),
			      BPF_EXIT_INSN()), 0);
	EXPECT_EQ(chk.fault, KBPF_INTERP_OK);
	free(mem);
}

TEST(checked_refuses_out_of_bounds)
{
	struct kbpf_interp_check chk;
	u8 *mem = malloc(16);

	ASSERT_NONNULL(mem);
	memset(mem, 0, 16);
	/* One byte past the memory. */
	EXPECT_EQ(RUN_CHECKED(mem, 16, &chk,
			      BPF_MOV64_IMM(BPF_REG_0, 1),
			      BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 13),
			      BPF_EXIT_INSN()), 0);
	EXPECT_EQ(chk.fault, KBPF_INTERP_BAD_LOAD);
	EXPECT_EQ(chk.fault_insn, 1);
	EXPECT_EQ(chk.fault_addr, (unsigned long)mem + 13);
	EXPECT_EQ(chk.fault_size, 4);
	/* Before it, and NULL when there is none. */
	RUN_CHECKED(mem, 16, &chk,
		    BPF_STX_MEM(BPF_B, BPF_REG_1, BPF_REG_1, -1), BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_BAD_STORE);
	RUN_CHECKED(NULL, 0, &chk,
		    BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0), BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_BAD_LOAD);
	/* Below the frame, above the stack, across its top. */
	RUN_CHECKED(NULL, 0, &chk,
		    BPF_ST_MEM(BPF_B, BPF_REG_10, -KBPF_MAX_STACK - 1, 0),
		    BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_BAD_STORE);
	RUN_CHECKED(NULL, 0, &chk,
		    BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, 0), BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_BAD_LOAD);
	RUN_CHECKED(NULL, 0, &chk,
		    BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -4), BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_BAD_LOAD);
	/* An address that wraps around. */
	RUN_CHECKED(mem, 16, &chk,
		    BPF_MOV64_IMM(BPF_REG_3, -8),
		    BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_3, 0),
		    BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_BAD_LOAD);
	/* Atomics: out of bounds, then misaligned. */
	RUN_CHECKED(mem, 16, &chk,
		    BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_2, 16),
		    BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_BAD_ATOMIC);
	RUN_CHECKED(mem, 16, &chk,
		    BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_1, BPF_REG_2, 2),
		    BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_MISALIGNED_ATOMIC);
	EXPECT_EQ(chk.fault_insn, 0);
	RUN_CHECKED(mem, 16, &chk,
		    BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_1, BPF_REG_2, 4),
		    BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_OK);
	EXPECT_EQ(mem[4], 16);
	free(mem);
}

TEST(checked_frames)
{
	struct kbpf_interp_check chk;
	/*
	 * The callee uses all of its own frame and adds 10 to the caller's
	 * stack slot it is given in R1; then it may not go below its frame.
	 */
	const struct bpf_insn callee_writes[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 5),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
			     KBPF_MAX_STACK, 2),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -KBPF_MAX_STACK, 10),
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -KBPF_MAX_STACK),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_2, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 0, 1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, -KBPF_MAX_STACK - 1),
		BPF_EXIT_INSN(),
	};
	u64 one = 1;
	/* Endless recursion: the frames run out. */
	const struct bpf_insn recurse[] = {
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
			     KBPF_MAX_STACK, -1),
		BPF_EXIT_INSN(),
	};
	u64 r0;

	r0 = run_checked(callee_writes, ARRAY_SIZE(callee_writes), NULL, 0, &chk);
	EXPECT_EQ(chk.fault, KBPF_INTERP_OK);
	EXPECT_EQ(r0, 15);
	/* R3 = 1 (through a load from memory): the callee reads too low. */
	{
		struct bpf_insn p[ARRAY_SIZE(callee_writes) + 1];

		p[0] = BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 0);
		memcpy(&p[1], callee_writes, sizeof(callee_writes));
		run_checked(p, ARRAY_SIZE(p), &one, sizeof(one), &chk);
		EXPECT_EQ(chk.fault, KBPF_INTERP_BAD_LOAD);
		EXPECT_EQ(chk.fault_insn, ARRAY_SIZE(callee_writes) - 1);
	}
	run_checked(recurse, ARRAY_SIZE(recurse), NULL, 0, &chk);
	EXPECT_EQ(chk.fault, KBPF_INTERP_STACK_OVERFLOW);
	EXPECT_EQ(chk.fault_insn, 0);
}

TEST(checked_refuses_kernel_objects)
{
	struct kbpf_interp_check chk;

	RUN_CHECKED(NULL, 0, &chk, BPF_CALL_HELPER(0), BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_SANDBOXED);
	RUN_CHECKED(NULL, 0, &chk, BPF_LD_ABS(BPF_W, 0), BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_SANDBOXED);
	RUN_CHECKED(NULL, 0, &chk,
		    BPF_RAW_INSN(BPF_JMP | BPF_TAIL_CALL, 0, 0, 0, 0),
		    BPF_EXIT_INSN());
	EXPECT_EQ(chk.fault, KBPF_INTERP_SANDBOXED);
}

/* xorshift64: the same programs every run. */
static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * One random instruction, valid more often than not. A prologue points
 * R5 and R7 at the memory and R6 at the stack, like R1 and R10; these are
 * the bases of accesses, with offsets mostly inside the area they point
 * to, and move now and then (a copy of R1 or R10, a few bytes either way).
 * R0, R8 and R9 are computed with. Jumps go forward only, so every
 * program ends.
 */
static struct bpf_insn random_insn(u64 *s, u32 i, u32 len)
{
	static const u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	static const u8 alu_ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
		BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH,
	};
	static const s32 atomic_ops[] = {
		BPF_ADD, BPF_OR, BPF_ADD | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG,
	};
	static const u8 bases[] = {
		BPF_REG_1, BPF_REG_10, BPF_REG_5, BPF_REG_6, BPF_REG_7,
	};
	static const u8 dsts[] = { BPF_REG_0, BPF_REG_8, BPF_REG_9 };
	u64 r = rnd(s);
	u8 dst = dsts[r % ARRAY_SIZE(dsts)], src = (r >> 8) % 11;
	u8 base = bases[(r >> 12) % ARRAY_SIZE(bases)];
	u8 size = sizes[(r >> 16) % ARRAY_SIZE(sizes)];
	u8 op = alu_ops[(r >> 56) % ARRAY_SIZE(alu_ops)];
	u8 cls = r & BIT(20) ? BPF_ALU64 : BPF_ALU;
	s16 off = (s16)((r >> 24) % 64) - 1;
	s32 imm = (s32)(r >> 32) % 64;

	if (base == BPF_REG_10 || base == BPF_REG_6)
		off = -1 - (s16)((r >> 24) % 512);
	switch ((r >> 44) % 9) {
	case 0:
		return BPF_RAW_INSN(cls | op | BPF_X, dst, src, 0, 0);
	case 1:
		return BPF_RAW_INSN(cls | op | BPF_K, dst, 0, 0, imm);
	case 2:
		return BPF_LDX_MEM(size, dst, base, off);
	case 3:
		return BPF_STX_MEM(size, base, src, off);
	case 4:
		return BPF_ST_MEM(size, base, off, imm);
	case 5:
		return BPF_ATOMIC_OP(r & 1 ? BPF_W : BPF_DW,
				     atomic_ops[(r >> 40) % ARRAY_SIZE(atomic_ops)],
				     base, dst, off / 8 * 8);
	case 6:
		return BPF_JMP_IMM(BPF_JGT, src, imm, (s16)(rnd(s) % (len - i)));
	case 7:
		return BPF_ALU64_IMM(BPF_ADD, 5 + r % 3, imm % 16 - 8);
	default:
		return BPF_MOV64_REG(5 + r % 3, r & 1 ? BPF_REG_1 : BPF_REG_10);
	}
}

TEST(checked_random_programs_stay_inside)
{
	enum { PROGS = 100000, LEN = 16, MEM = 64 };
	struct bpf_insn insns[LEN];
	u64 seed = 0x6b627066, ran = 0, faulted = 0;
	u8 *mem = malloc(MEM);
	int p;

	ASSERT_NONNULL(mem);
	for (p = 0; p < PROGS; p++) {
		struct kbpf_interp_check chk;
		const char *why;
		u32 i, bad;

		insns[0] = BPF_MOV64_REG(BPF_REG_5, BPF_REG_1);
		insns[1] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_10);
		insns[2] = BPF_MOV64_REG(BPF_REG_7, BPF_REG_1);
		for (i = 3; i < LEN - 1; i++)
			insns[i] = random_insn(&seed, i, LEN - 1);
		insns[LEN - 1] = BPF_EXIT_INSN();
		if (kbpf_insns_check(insns, LEN, &bad, &why))
			continue;
		memset(mem, 0xa5, MEM);
		run_checked(insns, LEN, mem, MEM, &chk);
		ran++;
		faulted += chk.fault != KBPF_INTERP_OK;
	}
	/* Most programs pass the check; many fault, many do not. */
	EXPECT_TRUE(ran > PROGS / 2);
	EXPECT_TRUE(faulted > ran / 20 && faulted < ran - ran / 20);
	free(mem);
}
