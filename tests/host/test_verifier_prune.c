// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier's pruning (states.c with liveness.c): what is dead may
 * differ between a new state and an explored one, what may still be read
 * may not. Each REJECT below has two paths that join: the one explored
 * first is safe, the second differs in exactly what a later instruction
 * reads; a pruning that ignored it would accept the program. The path
 * explored first is the fall-through (as in Linux), so the bad value is
 * on the jump's side.
 */
#include "vtest.h"

/* r0 = an unknown scalar (ktime_get_ns): both branches of a test on it are taken. */
#define UNKNOWN_R0	BPF_CALL_HELPER(VT_FN_GPL)
/*
 * States are kept for pruning only after 2 jumps and 8 instructions
 * (Linux's heuristic): 6 instructions first so that the first path's
 * state at the join is kept. Indices below count them.
 */
#define PAD		BPF_MOV64_IMM(BPF_REG_5, 0), BPF_MOV64_IMM(BPF_REG_5, 0), \
			BPF_MOV64_IMM(BPF_REG_5, 0), BPF_MOV64_IMM(BPF_REG_5, 0), \
			BPF_MOV64_IMM(BPF_REG_5, 0), BPF_MOV64_IMM(BPF_REG_5, 0)

static const struct vt_opts priv = { .log_level = 1 };

/* A register dead at the join (overwritten before any read) may differ: pruned. */
TEST(prune_dead_register_differs)
{
	const struct bpf_insn prog[] = {
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_IMM(BPF_REG_3, 1),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_MOV64_IMM(BPF_REG_3, 2),
		/* join: r3 is dead here, r0 is not read before it is set */
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	ASSERT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv), 0);
	if (!EXPECT_TRUE(strstr(r.log, "from 8 to 10: safe")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/* A live register holding a pointer on one path and a scalar on the other. */
TEST(prune_live_register_differs_rejects)
{
	const struct bpf_insn prog[] = {
		PAD,
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		UNKNOWN_R0,
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		/* join: r3 is a stack pointer or 0; reading through it */
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_3, -8, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, &priv, EACCES, "R3 invalid mem access 'scalar'");
}

/* Scalars: a live value outside the explored range is not pruned. */
TEST(prune_live_scalar_range_rejects)
{
	const struct bpf_insn prog[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_IMM(BPF_REG_3, 8),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_MOV64_IMM(BPF_REG_3, -8),
		/* join: fp + r3 is in the frame on one path only */
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_3),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, &priv, EACCES, "invalid");
}

/* A stack slot read after the join: the spilled context on one path, 0 on the other. */
TEST(prune_live_stack_slot_rejects)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		PAD,
		UNKNOWN_R0,
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_6, -8),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0),
		BPF_EXIT_INSN(),
	};

	static struct vt_result r;

	/* Refused (kbpf may name the mixed pointer types first), never pruned. */
	EXPECT_TRUE(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv) < 0);
	EXPECT_FALSE(strstr(r.log, "safe"));
}

/* The same through a copy of the frame pointer (the stack escapes: all slots live). */
TEST(prune_stack_through_pointer_rejects)
{
	const struct bpf_insn prog[] = {
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_10, -8),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_4, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_2, -16, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, &priv, EACCES, "R2 invalid mem access 'scalar'");
}

/* A slot overwritten whole before any read may differ: pruned. */
TEST(prune_dead_stack_slot_differs)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		PAD,
		UNKNOWN_R0,
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_6, -8),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	ASSERT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv), 0);
	if (!EXPECT_TRUE(strstr(r.log, "from 9 to 11: safe")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/*
 * A caller's register read after the call returns: r6 is a stack pointer
 * or a scalar while the callee runs; states inside the callee must not
 * prune across that difference.
 */
TEST(prune_caller_frame_register_rejects)
{
	const struct bpf_insn prog[] = {
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_IMM(BPF_REG_6, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_10),
		BPF_CALL_REL(3),
		BPF_ST_MEM(BPF_DW, BPF_REG_6, -8, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		/* the callee: a few prune points of its own */
		UNKNOWN_R0,
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, &priv, EACCES, "R6 invalid mem access 'scalar'");
}

/* A loop that never ends: the 1M processed-insn limit, Linux's words and E2BIG, quickly. */
TEST(prune_complexity_limit)
{
	/*
	 * r0 counts up and never reaches the exit condition: every pass is
	 * a new state. A long body keeps the states few (one per two
	 * passes) so the instruction count, not state memory, ends it.
	 */
	static struct bpf_insn prog[256];
	unsigned int i, n = 0;

	prog[n++] = BPF_MOV64_IMM(BPF_REG_0, 5);
	prog[n++] = BPF_JMP_IMM(BPF_JLT, BPF_REG_0, 4, 239);
	for (i = 0; i < 237; i++)
		prog[n++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1);
	prog[n++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1);
	prog[n++] = BPF_JMP_A(-240);
	while (n < ARRAY_SIZE(prog) - 1)
		prog[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	prog[n++] = BPF_EXIT_INSN();

	VT_REJECT(prog, &(struct vt_opts){ .log_level = 4 }, E2BIG,
		  "BPF program is too large. Processed 1000001 insn");
}

/*
 * A short loop that never converges adds a state every few passes; they
 * all stay alive (each is the parent of the path still running). With
 * the whole 512-byte stack in use each saved frame is 8 KiB, so the
 * verifier's state memory budget ends it before the instruction limit,
 * with ENOMEM and a log line instead of the OOM killer.
 */
TEST(prune_state_memory_limit)
{
	const struct bpf_insn prog[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -512, 0),
		BPF_MOV64_IMM(BPF_REG_0, 5),
		BPF_JMP_IMM(BPF_JLT, BPF_REG_0, 4, 2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		BPF_JMP_A(-3),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, &(struct vt_opts){ .log_level = 4 }, ENOMEM,
		  "kbpf: verifier state memory limit reached");
}

/* Refused, and the second path was not pruned at the join. */
#define VT_REJECT_UNPRUNED(prog)					\
	do {								\
		static struct vt_result r_;				\
		EXPECT_TRUE(vt_verify(&r_, prog, ARRAY_SIZE(prog), &priv) < 0); \
		if (!EXPECT_FALSE(strstr(r_.log, "safe")))		\
			fprintf(stderr, "log:\n%s\n", r_.log);		\
	} while (0)

/* Slots reached through a copy of R10 plus a constant are tracked like fp-8. */
TEST(prune_stack_through_fp_copy_rejects)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -16),
		BPF_ST_MEM(BPF_DW, BPF_REG_4, 8, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_4, BPF_REG_6, 8),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT_UNPRUNED(prog);
}

/* A variable offset from R10: the frame escapes, every slot is compared. */
TEST(prune_stack_variable_offset_rejects)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		PAD,
		UNKNOWN_R0,
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_6, -8),
		BPF_MOV64_IMM(BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_3),
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_4, 0),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT_UNPRUNED(prog);
}

/* A pointer to the frame passed to a callee, which reads the slot. */
TEST(prune_stack_read_by_callee_rejects)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		PAD,
		UNKNOWN_R0,
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_6, -8),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		BPF_CALL_REL(1),
		BPF_EXIT_INSN(),
		/* the callee reads the caller's slot through R1 */
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT_UNPRUNED(prog);
}

/* The program shape of Linux's "scale test 1", smaller: dead stores prune. */
TEST(prune_dead_stores_through_fp_copy)
{
	struct bpf_insn prog[1 + 64 * 4 + 2];
	static struct vt_result r;
	int i = 0, k;

	prog[i++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_1);
	for (k = 1; k <= 64; k++) {
		prog[i++] = BPF_CALL_HELPER(VT_FN_GPL);
		prog[i++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, k, 2);
		prog[i++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_10);
		prog[i++] = BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6, -8 * (k % 8 + 1));
	}
	prog[i++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	prog[i++] = BPF_EXIT_INSN();
	ASSERT_EQ(vt_verify(&r, prog, i, &(struct vt_opts){ .log_level = 4 }), 0);
	/* 258 on the first path, a few per branch after it. */
	if (!EXPECT_TRUE(r.args.verified_insns < 258 + 64 * 6))
		fprintf(stderr, "verified %u\n%s\n", r.args.verified_insns, r.log);
}

/*
 * A scalar tied to no other on the explored path may be tied to another
 * (share an id) on the new one: learning bounds on it could only narrow
 * the other's too. r0 is 0 on both paths; only its id differs.
 */
TEST(prune_scalar_newly_tied_is_pruned)
{
	const struct bpf_insn prog[] = {
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		/* join: r0 is 0, tied to r7 on the jump's side only */
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	ASSERT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv), 0);
	if (!EXPECT_TRUE(strstr(r.log, "from 8 to 10: safe")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/*
 * The reverse is not safe: on the explored path r7 is tied to r0, so the
 * check of r0 bounds r7 too; on the new one it is not, and the variable
 * stack offset through r7 is unbounded.
 */
TEST(prune_scalar_tie_lost_rejects)
{
	const struct bpf_insn prog[] = {
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_8, BPF_REG_0),
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_7, BPF_REG_6),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_8, 0, 1),
		BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),
		/* join (14): r7 is r0 on the fall-through only */
		BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 8, 4),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_7),
		BPF_ST_MEM(BPF_B, BPF_REG_2, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	EXPECT_NE(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv), 0);
	if (!EXPECT_TRUE(strstr(r.log, "from 12 to 14:") &&
			 !strstr(r.log, "from 12 to 14: safe")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/* BPF_F_TEST_STATE_FREQ: a state at every prune point, so even short paths prune. */
TEST(prune_test_state_freq)
{
	const struct bpf_insn prog[] = {
		UNKNOWN_R0,
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct vt_opts freq = { .log_level = 1,
				      .prog_flags = BPF_F_TEST_STATE_FREQ };
	static struct vt_result r;

	ASSERT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv), 0);
	EXPECT_FALSE(strstr(r.log, "safe"));
	ASSERT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &freq), 0);
	if (!EXPECT_TRUE(strstr(r.log, "from 1 to 3: safe")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/*
 * Saved states keep only the stack slots in use: the pushed branch (no
 * stack) must come back without the ctx pointer the first path spilled
 * deep down, reading that slot as never written (privileged: unknown).
 */
TEST(prune_saved_state_has_no_later_slots)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		UNKNOWN_R0,
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_6, -256),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -256),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, &priv, EACCES, "R1 invalid mem access 'scalar'");
}

/* The same with the spill on both paths: the pushed copy keeps it. */
TEST(prune_saved_state_keeps_its_slots)
{
	const struct bpf_insn prog[] = {
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -256),
		UNKNOWN_R0,
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -512, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -256),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(prog, &priv);
}
