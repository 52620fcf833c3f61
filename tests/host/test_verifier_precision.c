// SPDX-License-Identifier: GPL-2.0
/*
 * Precision tracking (verifier/precision.c): an explored state's scalar
 * that no later check relied on matches any scalar, so paths differing
 * only in it are pruned; one that a check relied on (here a pointer
 * offset) is compared by range, also in the states before the check and
 * in those of a path pruned against it. Each REJECT would be a false
 * accept if precision were lost on the way.
 */
#include "vtest.h"

/* r0 = an unknown scalar (ktime_get_ns): both branches of a test on it are taken. */
#define UNKNOWN_R0	BPF_CALL_HELPER(VT_FN_GPL)
/* States are kept after 2 jumps and 8 instructions: 6 of them first. */
#define PAD		BPF_MOV64_IMM(BPF_REG_5, 0), BPF_MOV64_IMM(BPF_REG_5, 0), \
			BPF_MOV64_IMM(BPF_REG_5, 0), BPF_MOV64_IMM(BPF_REG_5, 0), \
			BPF_MOV64_IMM(BPF_REG_5, 0), BPF_MOV64_IMM(BPF_REG_5, 0)

static const struct vt_opts priv = { .log_level = 1 | 4 };
/* Level 2 keeps the log of every path. */
static const struct vt_opts priv_freq = {
	.log_level = 2 | 4, .prog_flags = BPF_F_TEST_STATE_FREQ,
};
static const struct vt_opts unpriv = { .unpriv = true, .log_level = 1 | 4 };

/*
 * r3 is 1 or 2 at the join and only stored: no check depends on it, so
 * the second path is pruned there. 13 instructions for the first path,
 * 1 for the second (Linux counts the same); by range it would walk the
 * join's 3 instructions again.
 */
static const struct bpf_insn imprecise_prog[] = {
	PAD,
	UNKNOWN_R0,
	BPF_MOV64_IMM(BPF_REG_3, 1),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
	BPF_MOV64_IMM(BPF_REG_3, 2),
	/* 10: join */
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_3, -8),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
};

TEST(precision_imprecise_scalar_pruned)
{
	static struct vt_result r;

	ASSERT_EQ(vt_verify(&r, imprecise_prog, ARRAY_SIZE(imprecise_prog), &priv), 0);
	if (!EXPECT_TRUE(strstr(r.log, "from 8 to 10: safe")) ||
	    !EXPECT_TRUE(strstr(r.log, "processed 14 insns")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/* The unprivileged get no precision tracking: every scalar is compared. */
TEST(precision_unprivileged_compares_all_scalars)
{
	static struct vt_result r;

	ASSERT_EQ(vt_verify(&r, imprecise_prog, ARRAY_SIZE(imprecise_prog), &unpriv), 0);
	if (!EXPECT_FALSE(strstr(r.log, "from 8 to 10: safe")) ||
	    !EXPECT_TRUE(strstr(r.log, "processed 16 insns")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/*
 * r3 is an offset added to a stack pointer after the join: 8 on the path
 * explored first, 4096 on the other. The join's state must hold r3
 * precise (marked back from the addition), or the second path would be
 * pruned and its out-of-bounds store accepted.
 */
TEST(precision_pointer_offset_not_pruned_rejects)
{
	const struct bpf_insn prog[] = {
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_IMM(BPF_REG_3, 4096),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_MOV64_IMM(BPF_REG_3, 8),
		/* 10: join */
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_3),
		BPF_ST_MEM(BPF_DW, BPF_REG_2, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	EXPECT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv), -EACCES);
	if (!EXPECT_TRUE(strstr(r.log, "invalid write to stack R2 off=4080 size=8")) ||
	    !EXPECT_FALSE(strstr(r.log, "from 8 to 10: safe")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/*
 * Three paths, states at every prune point. A (fall-through) reaches the
 * join at 13 with r3 = 8 and adds r3 to a stack pointer: r3 is precise in
 * A's states. B (r6 == 0) keeps r3 = 8, leaves a state at 9 and is
 * pruned at 13 against A's: that state at 9 must get A's precision
 * (propagation on pruning). C (r7 == 0) sets r3 = 4096 and comes to 9:
 * compared imprecisely it would be pruned there, accepting its bad store.
 */
TEST(precision_propagated_to_pruned_path_rejects)
{
	const struct bpf_insn prog[] = {
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),
		BPF_MOV64_IMM(BPF_REG_3, 8),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_7, 0, 5),		/* C: to 11 */
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_6, 0, 2),		/* B: to 9 */
		BPF_MOV64_IMM(BPF_REG_0, 0),			/* A */
		BPF_JMP_IMM(BPF_JA, 0, 0, 4),			/* A: to 13 */
		BPF_MOV64_IMM(BPF_REG_8, 0),			/* 9: B and C */
		BPF_JMP_IMM(BPF_JA, 0, 0, 2),			/* to 13 */
		BPF_MOV64_IMM(BPF_REG_3, 4096),			/* 11: C */
		BPF_JMP_IMM(BPF_JA, 0, 0, -4),			/* C: to 9 */
		/* 13: join */
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_3),
		BPF_ST_MEM(BPF_DW, BPF_REG_2, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	EXPECT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv_freq), -EACCES);
	if (!EXPECT_TRUE(strstr(r.log, "invalid write to stack R2 off=4080 size=8")) ||
	    !EXPECT_TRUE(strstr(r.log, "\n13: safe\n\nfrom 5 to 11:")) ||
	    !EXPECT_TRUE(strstr(r.log, "frame 0: propagating r3\n")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/*
 * A branch the walk decided from a value (r3 == 8 is known true) makes
 * that value precise: with r3 = 9 the other side runs a bad store.
 */
TEST(precision_known_branch_not_pruned_rejects)
{
	const struct bpf_insn prog[] = {
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_IMM(BPF_REG_3, 9),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_MOV64_IMM(BPF_REG_3, 8),
		/* 10: join */
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_3, 8, 1),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, 8, 0),	/* above the frame */
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	EXPECT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv), -EACCES);
	if (!EXPECT_TRUE(strstr(r.log, "invalid write to stack")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/* Linux's backtracking lines at log level 2, through the state before. */
TEST(precision_backtracking_log)
{
	const struct bpf_insn prog[] = {
		PAD,
		UNKNOWN_R0,
		BPF_MOV64_IMM(BPF_REG_3, 8),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0),
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_3),
		/* 10: states at 7, 8 and 9; then r4 is an offset */
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_4),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct vt_opts opts = { .log_level = 2, .prog_flags = BPF_F_TEST_STATE_FREQ };
	static struct vt_result r;
	const char *p;

	ASSERT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &opts), 0);
	p = strstr(r.log, "12: (0f) r2 += r4\nlast_idx 12 first_idx 9\n"
			  "regs=10 stack=0 before 11: (07) r2 += -16\n"
			  "regs=10 stack=0 before 10: (bf) r2 = r10\n"
			  "regs=10 stack=0 before 9: (bf) r4 = r3\n"
			  "parent didn't have regs=8 stack=0 marks:");
	if (p)
		p = strstr(p, "last_idx 8 first_idx 8\n"
			      "regs=8 stack=0 before 8: (15) if r0 == 0x0 goto pc+0\n"
			      "parent didn't have regs=8 stack=0 marks:");
	if (p)
		p = strstr(p, "last_idx 7 first_idx 7\n"
			      "regs=8 stack=0 before 7: (b7) r3 = 8\n");
	if (!EXPECT_TRUE(p))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/*
 * A caller's register is precise in a state inside a callee (A's, at 22):
 * a path pruned there (B) must mark it in its own states, following back
 * through the callee's instructions, which cannot change it, even where
 * the callee writes its own register of that number (20: r8 = 0). C then
 * reaches B's state at 20 with r8 = 4096: compared imprecisely it would
 * be pruned there and its bad store accepted.
 */
TEST(precision_caller_register_through_callee_rejects)
{
	const struct bpf_insn prog[] = {
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
		UNKNOWN_R0,
		BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),
		BPF_MOV64_IMM(BPF_REG_8, 4096),
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_7, 0, 3),		/* C: to 10 */
		BPF_MOV64_IMM(BPF_REG_8, 8),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_6, 0, 1),		/* B: to 10 */
		BPF_MOV64_IMM(BPF_REG_1, 1),			/* A */
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 6),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_8),
		BPF_ST_MEM(BPF_DW, BPF_REG_2, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		/* 17: the callee; r1 == 0 on B and C */
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JA, 0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_8, 0),			/* 20 */
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),			/* 22: join */
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	EXPECT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), &priv_freq), -EACCES);
	if (!EXPECT_TRUE(strstr(r.log, "invalid write to stack R2 off=4080 size=8")) ||
	    !EXPECT_TRUE(strstr(r.log, "frame 0: propagating r8\n")))
		fprintf(stderr, "log:\n%s\n", r.log);
}

/*
 * Random loop-free programs mixing scalars (constants, copies, ALU,
 * spills and fills, branches on them) with variable-offset stack writes
 * whose safety depends on those scalars. Whatever pruning (by precision)
 * accepts, the walk of every path (no_prune) must accept too: a refusal
 * there would be a path that pruning wrongly skipped. Fixed seed, so a
 * failure reproduces; the program is printed. (With the propagation of
 * precision on pruning removed, program 9255 fails.)
 */
static u32 prec_rand_state = 0x9e3779b9;

static u32 prec_rand(u32 n)
{
	prec_rand_state ^= prec_rand_state << 13;
	prec_rand_state ^= prec_rand_state >> 17;
	prec_rand_state ^= prec_rand_state << 5;
	return prec_rand_state % n;
}

#define PREC_BODY	24
#define PREC_MAX	(16 + PREC_BODY * 4 + 2)

static u32 prec_gen(struct bpf_insn *p)
{
	static const s32 imms[] = { 0, 1, 7, 8, 16, 63, 64, 4096, -8 };
	u32 n = 0, i, body_start, end;
	u8 rx, ry;

	/* fp-64..fp-8 written; r6, r7 unknown; r8, r9 small constants. */
	for (i = 1; i <= 8; i++)
		p[n++] = BPF_ST_MEM(BPF_DW, BPF_REG_10, -8 * (int)i, 0);
	p[n++] = UNKNOWN_R0;
	p[n++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_0);
	p[n++] = UNKNOWN_R0;
	p[n++] = BPF_MOV64_REG(BPF_REG_7, BPF_REG_0);
	p[n++] = BPF_MOV64_IMM(BPF_REG_8, 8);
	p[n++] = BPF_MOV64_IMM(BPF_REG_9, 0);
	body_start = n;
	end = body_start + PREC_BODY * 4;	/* worst case: 4 insns a step */
	(void)end;
	for (i = 0; i < PREC_BODY; i++) {
		rx = BPF_REG_6 + prec_rand(4);
		ry = BPF_REG_6 + prec_rand(4);
		switch (prec_rand(10)) {
		case 0:
			p[n++] = BPF_MOV64_IMM(rx, imms[prec_rand(ARRAY_SIZE(imms))]);
			break;
		case 1:
			p[n++] = BPF_MOV64_REG(rx, ry);
			break;
		case 2:
			p[n++] = BPF_ALU64_IMM(BPF_AND, rx, prec_rand(2) ? 63 : 127);
			break;
		case 3:
			p[n++] = BPF_ALU64_REG(prec_rand(2) ? BPF_ADD : BPF_SUB, rx, ry);
			break;
		case 4:
			p[n++] = BPF_STX_MEM(BPF_DW, BPF_REG_10, rx,
					     -8 * (int)(1 + prec_rand(8)));
			break;
		case 5:
			p[n++] = BPF_LDX_MEM(BPF_DW, rx, BPF_REG_10,
					     -8 * (int)(1 + prec_rand(8)));
			break;
		case 6:
		case 7:
			/* A forward jump over the next 1-3 steps' room. */
			if (prec_rand(2))
				p[n++] = BPF_JMP_IMM(prec_rand(2) ? BPF_JGT : BPF_JEQ,
						     rx, imms[prec_rand(ARRAY_SIZE(imms))],
						     1 + prec_rand(3));
			else
				p[n++] = BPF_JMP_REG(prec_rand(2) ? BPF_JGT : BPF_JEQ,
						     rx, ry, 1 + prec_rand(3));
			break;
		default:
			/* A byte at fp-64 + rx: safe only for rx in [0, 63]. */
			p[n++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_10);
			p[n++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -64);
			p[n++] = BPF_ALU64_REG(BPF_ADD, BPF_REG_1, rx);
			p[n++] = BPF_ST_MEM(BPF_B, BPF_REG_1, 0, 0);
			break;
		}
	}
	p[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	p[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	p[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	p[n++] = BPF_EXIT_INSN();
	/* Jumps must stay inside: clamp their targets to the final movs. */
	for (i = body_start; i < n; i++) {
		if (BPF_CLASS(p[i].code) == BPF_JMP && BPF_OP(p[i].code) != BPF_EXIT &&
		    BPF_OP(p[i].code) != BPF_CALL && i + 1 + p[i].off > n - 2)
			p[i].off = n - 2 - i - 1;
	}
	return n;
}

TEST(precision_random_programs_prune_soundly)
{
	static struct bpf_insn prog[PREC_MAX];
	static struct vt_result pruned, full;
	const struct vt_opts walk_all = { .log_level = 1, .no_prune = true };
	u32 iter, n, i, accepted = 0, refused = 0;

	for (iter = 0; iter < 10000; iter++) {
		const struct vt_opts pr = {
			.log_level = 1,
			.prog_flags = iter & 1 ? BPF_F_TEST_STATE_FREQ : 0,
		};

		n = prec_gen(prog);
		if (vt_verify(&pruned, prog, n, &pr)) {
			refused++;
			continue;
		}
		accepted++;
		if (!vt_verify(&full, prog, n, &walk_all) || full.err == -E2BIG)
			continue;
		EXPECT_EQ(full.err, 0);
		fprintf(stderr, "program %u accepted with pruning only; walk:\n%s\nprogram:\n",
			iter, full.log);
		for (i = 0; i < n; i++)
			fprintf(stderr, "%u: %02x %u %u %d %d\n", i, prog[i].code,
				prog[i].dst_reg, prog[i].src_reg, prog[i].off,
				prog[i].imm);
		return;
	}
	/* Both verdicts must be common, or the programs test little. */
	EXPECT_TRUE(accepted > 1000);
	EXPECT_TRUE(refused > 1000);
	fprintf(stderr, "random programs: %u accepted, %u refused\n", accepted, refused);
}
