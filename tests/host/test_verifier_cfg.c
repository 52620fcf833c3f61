// SPDX-License-Identifier: GPL-2.0
/* The verifier: program shape, ALU basics, the log, limits. */
#include "vtest.h"

static const struct vt_opts unpriv = { .unpriv = true };

TEST(verifier_accepts_return_constant)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_0, 42),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	ASSERT_EQ(vt_verify(&r, prog, 2, &(struct vt_opts){ .keep = true }), 0);
	EXPECT_EQ(r.args.xlated_cnt, 2);
	EXPECT_MEM_EQ(r.args.xlated, prog, sizeof(prog));
	EXPECT_EQ(r.args.verified_insns, 2);
	EXPECT_EQ(r.args.stack_depth, 0);
	EXPECT_TRUE(strstr(r.log, "0: (b7) r0 = 42"));
	EXPECT_TRUE(strstr(r.log, "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0"));
	vt_release(&r);
}

TEST(verifier_r0_not_read_ok)
{
	const struct bpf_insn prog[] = { BPF_EXIT_INSN() };

	VT_REJECT(prog, NULL, EACCES, "R0 !read_ok");
}

TEST(verifier_uninit_register_read)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, NULL, EACCES, "R2 !read_ok");
}

TEST(verifier_unreachable_insn)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, NULL, EINVAL, "unreachable insn 2");
}

TEST(verifier_jump_out_of_range)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 5),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn back[] = {
		BPF_JMP_A(-2),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, NULL, EINVAL, "jump out of range from insn 1 to 7");
	VT_REJECT(back, NULL, EINVAL, "jump out of range from insn 0 to -1");
}

TEST(verifier_last_insn_not_exit)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
	};
	/* The subprogram shape is checked before the opcodes, as in Linux. */
	const struct bpf_insn bad_last[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_RAW_INSN(0xff, 0, 0, 0, 0),
	};

	VT_REJECT(prog, NULL, EINVAL, "last insn is not an exit or jmp");
	VT_REJECT(bad_last, NULL, EINVAL, "last insn is not an exit or jmp");
}

TEST(verifier_unknown_opcode_and_ld_imm64)
{
	const struct bpf_insn bad_op[] = {
		BPF_RAW_INSN(0xff, 0, 0, 0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn bad_ld[] = {
		BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn bad_ld_w[] = {
		BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_W, 0, 0, 0, 1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn mid[] = {
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1),
		BPF_LD_IMM64(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(bad_op, NULL, EINVAL, "unknown opcode ff");
	VT_REJECT(bad_ld, NULL, EINVAL, "invalid bpf_ld_imm64 insn");
	VT_REJECT(bad_ld_w, NULL, EINVAL, "unknown opcode 00");
	VT_REJECT(mid, NULL, EINVAL, "jump into the middle of ldimm64 insn 1");
}

TEST(verifier_frame_pointer_read_only)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_10, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn bad_reg[] = {
		BPF_MOV64_IMM(11, 0),
		BPF_EXIT_INSN(),
	};

	/* BPF_REG_AX is the fix-ups' own: userspace may not name it. */
	const struct bpf_insn ax_src[] = {
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_AX),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn ax_load[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_AX, BPF_REG_10, -8),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn ax_store[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_AX, -8),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, NULL, EACCES, "frame pointer is read only");
	VT_REJECT(bad_reg, NULL, EINVAL, "R11 is invalid");
	VT_REJECT(ax_src, NULL, EINVAL, "R11 is invalid");
	VT_REJECT(ax_load, NULL, EINVAL, "R11 is invalid");
	VT_REJECT(ax_store, NULL, EINVAL, "R11 is invalid");
}

TEST(verifier_reserved_fields)
{
	const struct bpf_insn mov[] = {
		BPF_RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 8, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn div0[] = {
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_ALU64_IMM(BPF_DIV, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn shift[] = {
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_ALU32_IMM(BPF_LSH, BPF_REG_0, 32),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn bswap[] = {
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_BSWAP(BPF_REG_0, 16),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(mov, NULL, EINVAL, "BPF_MOV uses reserved fields");
	VT_REJECT(div0, NULL, EINVAL, "div by zero");
	VT_REJECT(shift, NULL, EINVAL, "invalid shift 32");
	/* ISA v4 forms are unknown to Linux 6.1's verifier. */
	VT_REJECT(bswap, NULL, EINVAL, "unknown opcode d7");
}

TEST(verifier_back_edge_unpriv_loop_priv)
{
	/* r0 counts from 0 to 10. */
	const struct bpf_insn loop[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		BPF_JMP_IMM(BPF_JLT, BPF_REG_0, 10, -2),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn forever[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, -1),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(loop, &unpriv, EINVAL, "back-edge from insn 2 to 1");
	VT_ACCEPT(loop, NULL);
	VT_REJECT(forever, NULL, EINVAL, "infinite loop detected at insn 1");
}

TEST(verifier_alu_pointer_rules_unpriv)
{
	const struct bpf_insn leak[] = {
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_10),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn neg[] = {
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_10),
		BPF_ALU64_IMM(BPF_NEG, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn mul[] = {
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_10),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn alu32[] = {
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_10),
		BPF_ALU32_IMM(BPF_ADD, BPF_REG_0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn cmp[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_REG(BPF_JEQ, BPF_REG_0, BPF_REG_10, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn partial[] = {
		BPF_MOV32_REG(BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(leak, &unpriv, EACCES, "R0 leaks addr as return value");
	VT_ACCEPT(leak, NULL);
	VT_REJECT(neg, &unpriv, EACCES, "R0 pointer arithmetic prohibited");
	VT_REJECT(mul, NULL, EACCES, "R0 pointer arithmetic with *= operator prohibited");
	VT_REJECT(alu32, NULL, EACCES, "R0 32-bit pointer arithmetic prohibited");
	VT_REJECT(cmp, &unpriv, EACCES, "R10 pointer comparison prohibited");
	VT_REJECT(partial, &unpriv, EACCES, "R1 partial copy of pointer");
	VT_ACCEPT(partial, NULL);
}

TEST(verifier_log_attrs)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	struct kbpf_verify_args a;
	char buf[256];

	memset(&a, 0, sizeof(a));
	a.insns = prog;
	a.insn_cnt = 2;
	a.prog_type = VT_PROG_TYPE;
	a.log_buf = buf;
	a.log_size = 127;
	a.log_level = 1;
	EXPECT_EQ(kbpf_verify(&a), -EINVAL);	/* size < 128 */
	a.log_size = sizeof(buf);
	a.log_level = 8;
	EXPECT_EQ(kbpf_verify(&a), -EINVAL);	/* unknown level bit */
	a.log_level = 0;
	EXPECT_EQ(kbpf_verify(&a), -EINVAL);	/* buffer without level */
	a.log_level = 1;
	a.log_buf = NULL;
	EXPECT_EQ(kbpf_verify(&a), -EINVAL);	/* level without buffer */
	a.log_buf = buf;
	a.log_size = U32_MAX;
	EXPECT_EQ(kbpf_verify(&a), -EINVAL);	/* > UINT_MAX >> 2 */
	memset(&a, 0, sizeof(a));
	a.insns = prog;
	EXPECT_EQ(kbpf_verify(&a), -E2BIG);	/* no instructions */
}

TEST(verifier_log_truncated_enospc)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	EXPECT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog),
			    &(struct vt_opts){ .log_size = 128, .log_level = 2 }),
		  -ENOSPC);
	EXPECT_EQ(strlen(r.log), 127);
	EXPECT_TRUE(r.args.log_len_needed > 128);
	/* Without a log level nothing is written and the program loads. */
	EXPECT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog),
			    &(struct vt_opts){ .log_size = 128, .log_level = 4 }),
		  0);
	EXPECT_TRUE(strstr(r.log, "processed 6 insns"));
}

TEST(verifier_program_size_limits)
{
	static struct bpf_insn big[KBPF_MAXINSNS + 1];
	static struct vt_result r;
	u32 i;

	for (i = 0; i < KBPF_MAXINSNS; i++)
		big[i] = BPF_MOV64_IMM(BPF_REG_0, 0);
	big[KBPF_MAXINSNS] = BPF_EXIT_INSN();
	EXPECT_EQ(vt_verify(&r, big, KBPF_MAXINSNS + 1, &unpriv), -E2BIG);
	EXPECT_EQ(vt_verify(&r, big, KBPF_MAXINSNS + 1,
			    &(struct vt_opts){ .log_level = 4 }), 0);
	EXPECT_EQ(r.args.verified_insns, KBPF_MAXINSNS + 1);
}

TEST(verifier_prunes_diamonds)
{
	/* 20 independent if/else diamonds: 2^20 paths without pruning. */
	static struct bpf_insn prog[2 + 20 * 5 + 2];
	static struct vt_result r;
	u32 n = 0, i;

	prog[n++] = BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 0);
	prog[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	for (i = 0; i < 20; i++) {
		prog[n++] = BPF_MOV64_REG(BPF_REG_4, BPF_REG_2);
		prog[n++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 0);
		prog[n++] = BPF_JMP_IMM(BPF_JSET, BPF_REG_4, 1 << i, 1);
		prog[n++] = BPF_MOV64_IMM(BPF_REG_4, 0);
		prog[n++] = BPF_MOV64_IMM(BPF_REG_4, 0);
	}
	prog[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	prog[n++] = BPF_EXIT_INSN();
	ASSERT_EQ(vt_verify(&r, prog, n, &(struct vt_opts){ .log_level = 4 }), 0);
	EXPECT_TRUE(r.args.verified_insns < 500);
}

/*
 * LD_ABS and tail calls may leave the program from anywhere: allowed in a
 * main program that also makes bpf-to-bpf calls, refused in the callees
 * (no BTF to say they return an int), as Linux's check_abnormal_return().
 */
TEST(verifier_ld_abs_and_tail_call_only_in_main)
{
	const struct bpf_insn main_ld_abs[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_LD_ABS(BPF_B, 0),
		BPF_CALL_REL(3),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
		BPF_LD_ABS(BPF_H, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn callee_ld_abs[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_CALL_REL(2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_LD_ABS(BPF_B, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn callee_tail_call[] = {
		BPF_CALL_REL(2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_LD_MAP_FD(BPF_REG_2, VT_MAP_PROG_ARRAY),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_CALL_HELPER(VT_FN_TAIL_CALL),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(main_ld_abs, NULL);
	VT_REJECT(callee_ld_abs, NULL, EINVAL,
		  "LD_ABS is not allowed in subprogs without BTF");
	VT_REJECT(callee_tail_call, NULL, EINVAL,
		  "tail_call is not allowed in subprogs without BTF");
}

/* Level 2 state dumps name each stack slot by its own offset, as Linux. */
TEST(verifier_log_state_stack_slots)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_1, 7),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -16),
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	ASSERT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog),
			    &(struct vt_opts){ .log_level = 2 }), 0);
	EXPECT_TRUE(strstr(r.log, " fp-16=7"));
	EXPECT_TRUE(strstr(r.log, " fp-8=0000????"));
}
