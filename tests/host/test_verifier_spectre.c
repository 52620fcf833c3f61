// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier's rules against programs that are only unsafe on paths the
 * CPU may take by mistake, and the rules that hold whatever the walk saw:
 * branches known one way are still checked the other way (unprivileged),
 * one pointer-arithmetic instruction does the same thing on every path,
 * dead code is trapped, atomics are aligned, dead code counts for the
 * call depth, and a helper's memory is checked as one range of its size.
 */
#include "vtest.h"

static const struct vt_opts unpriv = { .unpriv = true };

#define LOOKUP_FD(fd)							\
	BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),				\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),				\
	BPF_LD_MAP_FD(BPF_REG_1, fd),					\
	BPF_CALL_HELPER(VT_FN_LOOKUP)

TEST(verifier_spectre_dead_branch_checked_unpriv)
{
	/* Taken for sure: the fall-through reads a register never written. */
	const struct bpf_insn taken[] = {
		BPF_MOV64_IMM(BPF_REG_0, 7),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 3, 1),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_8),
		BPF_EXIT_INSN(),
	};
	/* Never taken (32-bit compare): the target reads it. */
	const struct bpf_insn not_taken[] = {
		BPF_MOV32_IMM(BPF_REG_0, 2),
		BPF_JMP32_IMM(BPF_JSET, BPF_REG_0, 1, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_7),
		BPF_EXIT_INSN(),
	};
	/* On the mispredicted side the compared register holds anything. */
	const struct bpf_insn compared_unknown[] = {
		BPF_MOV64_IMM(BPF_REG_2, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 2),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(taken, NULL);
	VT_REJECT(taken, &unpriv, EACCES, "R8 !read_ok");
	VT_ACCEPT(not_taken, NULL);
	VT_REJECT(not_taken, &unpriv, EACCES, "R7 !read_ok");
	VT_ACCEPT(compared_unknown, NULL);
	VT_REJECT(compared_unknown, &unpriv, EINVAL,
		  "math between ctx pointer and register with unbounded min value is not allowed");
}

TEST(verifier_spectre_dead_code_stays_dead)
{
	/* The speculative walk does not make the dead code live. */
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 1, 1),
		BPF_MOV64_IMM(BPF_REG_0, 2),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	ASSERT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog),
			    &(struct vt_opts){ .unpriv = true, .log_level = 2 }), 0);
	EXPECT_TRUE(strstr(r.log, "from 1 to 2 (speculative execution):"));
}

TEST(verifier_spectre_dead_code_trapped)
{
	/* The call and the move are never reached: they become jumps to themselves. */
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
		BPF_CALL_HELPER(VT_FN_GPL),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn trap = BPF_JMP_A(-1);
	static struct vt_result r;
	int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog),
				    &(struct vt_opts){ .unpriv = i, .keep = true }), 0);
		ASSERT_EQ(r.args.xlated_cnt, ARRAY_SIZE(prog));
		EXPECT_MEM_EQ(r.args.xlated, prog, 2 * sizeof(prog[0]));
		EXPECT_MEM_EQ(&r.args.xlated[2], &trap, sizeof(trap));
		EXPECT_MEM_EQ(&r.args.xlated[3], &trap, sizeof(trap));
		EXPECT_MEM_EQ(&r.args.xlated[4], &prog[4], sizeof(trap));
		vt_release(&r);
	}
}

/* A context whose every load is rewritten into r = 7: rewrites show. */
static bool seven_valid(int off, int size, enum kbpf_access_type type,
			u32 expected_attach_type, struct kbpf_insn_access_aux *info)
{
	return off == 0 && size == 4 && type == KBPF_READ;
}

static u32 seven_convert(enum kbpf_access_type type, const struct bpf_insn *si,
			 struct bpf_insn *buf, u32 *target_size)
{
	buf[0] = BPF_MOV64_IMM(si->dst_reg, 7);
	*target_size = 4;
	return 1;
}

static const struct kbpf_ctx_ops seven_ctx = {
	.ctx_size = 8,
	.is_valid_access = seven_valid,
	.convert_ctx_access = seven_convert,
};

TEST(verifier_spectre_dead_ctx_load_not_rewritten)
{
	/* Only the speculative walk reaches the load: trapped, not rewritten. */
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn trap = BPF_JMP_A(-1), seven = BPF_MOV64_IMM(BPF_REG_0, 7);
	struct kbpf_verify_args a = {
		.insns = prog, .insn_cnt = ARRAY_SIZE(prog),
		.prog_type = VT_PROG_TYPE, .ctx_ops = &seven_ctx,
	};

	ASSERT_EQ(kbpf_verify(&a), 0);
	ASSERT_EQ(a.xlated_cnt, ARRAY_SIZE(prog));
	EXPECT_MEM_EQ(&a.xlated[2], &trap, sizeof(trap));
	EXPECT_MEM_EQ(&a.xlated[3], &trap, sizeof(trap));
	EXPECT_MEM_EQ(&a.xlated[4], &seven, sizeof(seven));
	kbpf_verify_release(&a);
}

TEST(verifier_spectre_one_insn_one_alu_kind)
{
	/* r2 += r3 is stack pointer + reg on one path, scalar + reg on the other. */
	const struct bpf_insn ptr_or_scalar[] = {
		BPF_LDX_MEM(BPF_W, BPF_REG_6, BPF_REG_1, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_MOV64_IMM(BPF_REG_3, -8),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_6, 0, 2),
		BPF_MOV64_IMM(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_3),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* The same map value pointer moved by 1 or by 2: the limits differ. */
	const struct bpf_insn two_offsets[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_4, 0, 1),
		BPF_MOV64_IMM(BPF_REG_1, 2),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* The same offset on both paths is fine. */
	const struct bpf_insn same_offset[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_1, 2),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_4, 0, 1),
		BPF_MOV64_IMM(BPF_REG_1, 2),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(ptr_or_scalar, NULL);
	VT_REJECT(ptr_or_scalar, &unpriv, EACCES,
		  "R2 tried to add from different maps, paths or scalars, pointer arithmetic with it prohibited for !root");
	VT_ACCEPT(two_offsets, NULL);
	VT_REJECT(two_offsets, &unpriv, EACCES,
		  "R0 tried to add from different maps, paths or scalars");
	VT_ACCEPT(same_offset, &unpriv);
}

TEST(verifier_spectre_unmaskable_pointer_alu)
{
	/* Only stack and map value pointers move by a register when unprivileged. */
	const struct bpf_insn ctx_minus_reg[] = {
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_1, BPF_REG_0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn scalar_minus_ptr[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn map_ptr_plus_reg[] = {
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_LD_MAP_FD(BPF_REG_1, VT_MAP_HASH),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(ctx_minus_reg, NULL);
	VT_REJECT(ctx_minus_reg, &unpriv, EACCES,
		  "R1 has pointer with unsupported alu operation, pointer arithmetic with it prohibited for !root");
	VT_REJECT(scalar_minus_ptr, NULL, EACCES,
		  "R0 tried to subtract pointer from scalar");
	VT_REJECT(scalar_minus_ptr, &unpriv, EACCES,
		  "R1 has pointer with unsupported alu operation");
	VT_REJECT(map_ptr_plus_reg, &unpriv, EACCES,
		  "R1 has pointer with unsupported alu operation");
}

TEST(verifier_spectre_map_value_var_offset_unpriv)
{
	/* value + [0, 40]: in bounds, masked (test_verifier_masking.c). */
	const struct bpf_insn bounded[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 5),
		BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 40, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* value + [0, 48]: the pointer itself may leave the value, as Linux says. */
	const struct bpf_insn past_end[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 5),
		BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 48, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(bounded, NULL);
	VT_ACCEPT(bounded, &unpriv);
	VT_REJECT(past_end, &unpriv, EACCES,
		  "R0 max value is outside of the allowed memory range\nR0 pointer arithmetic of map value goes out of range, prohibited for !root");
}

TEST(verifier_spectre_masked_outcome_walked)
{
	/*
	 * value + [1, 8] - 1 is in bounds, but a mispredicted bounds check
	 * leaves the pointer unmoved by the mask, and value - 1 is not.
	 */
	const struct bpf_insn prog[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 6),
		BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 7, 4),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, -1),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* A constant register is not masked: nothing else to walk. */
	const struct bpf_insn constant[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4),
		BPF_MOV64_IMM(BPF_REG_1, 8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, -1),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(prog, NULL);
	VT_REJECT(prog, &unpriv, EACCES,
		  "(speculative execution)");
	VT_REJECT(prog, &unpriv, EACCES,
		  "invalid access to map value, value_size=48 off=-1 size=1");
	VT_ACCEPT(constant, &unpriv);
}

TEST(verifier_spectre_offset_of_both_signs)
{
	/*
	 * [-8, 8] (wrapping: unbounded as unsigned, which privileged loads
	 * refuse at the access): no one direction to mask in.
	 */
	const struct bpf_insn prog[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 7),
		BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 16, 5),
		BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 8),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, NULL, EACCES, "R0 unbounded memory access");
	VT_REJECT(prog, &unpriv, EACCES,
		  "R1 has unknown scalar with mixed signed bounds, pointer arithmetic with it prohibited for !root");
}

TEST(verifier_atomic_always_aligned)
{
	const struct bpf_insn prog[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_0, BPF_REG_1, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn plain[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
		BPF_EXIT_INSN(),
		BPF_ST_MEM(BPF_W, BPF_REG_0, 2, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, NULL, EACCES, "misaligned value access off (0x0; 0x0)+0+2 size 4");
	VT_ACCEPT(plain, NULL);
}

TEST(verifier_atomic_fetch_of_spilled_pointer)
{
	/* The old value of a slot holding fp is fp: it may be used as such. */
	const struct bpf_insn fetch_ptr[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_10, -8),
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, BPF_REG_10, BPF_REG_1, -8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, -16),
		BPF_EXIT_INSN(),
	};
	/*
	 * xchg with the address register as the fetch register: the write
	 * is through the address as it was (fp-8, now unknown bytes), not
	 * through the fetched fp-16.
	 */
	const struct bpf_insn alias[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_3, -8),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, BPF_REG_2, BPF_REG_2, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_2, 0, 1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_10, -8),
		BPF_ST_MEM(BPF_DW, BPF_REG_4, 8, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(fetch_ptr, NULL);
	VT_REJECT(fetch_ptr, &unpriv, EACCES, "leaking pointer from stack off -8");
	VT_REJECT(alias, NULL, EACCES, "R4 invalid mem access 'scalar'");
}

/* main -> A; A calls B only if r1 != 0, which it never is; B nests n more. */
#define DEAD_CALL_CHAIN(...)						\
	{								\
		BPF_MOV64_IMM(BPF_REG_1, 0),				\
		BPF_CALL_REL(1),					\
		BPF_EXIT_INSN(),					\
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1),			\
		BPF_CALL_REL(2),					\
		BPF_MOV64_IMM(BPF_REG_0, 0),				\
		BPF_EXIT_INSN(),					\
		__VA_ARGS__						\
		BPF_MOV64_IMM(BPF_REG_0, 0),				\
		BPF_EXIT_INSN(),					\
	}
#define NEST BPF_CALL_REL(1), BPF_EXIT_INSN(),

TEST(verifier_call_depth_counts_dead_calls)
{
	/* Frames 0..8: nine, too deep even though never run. */
	const struct bpf_insn nine[] = DEAD_CALL_CHAIN(NEST NEST NEST NEST NEST NEST);
	const struct bpf_insn eight[] = DEAD_CALL_CHAIN(NEST NEST NEST NEST NEST);

	VT_REJECT(nine, NULL, E2BIG, "the call stack of 8 frames is too deep !");
	VT_ACCEPT(eight, NULL);
}

TEST(verifier_helper_region_whole_size)
{
	/* probe_read_kernel(value + 4, 45, ...) on a 48-byte value: one byte too many. */
	const struct bpf_insn over[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
		BPF_EXIT_INSN(),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 4),
		BPF_MOV64_IMM(BPF_REG_2, 45),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_CALL_HELPER(VT_FN_PROBE_READ),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* A size of 0 is fine for an _OR_ZERO size. */
	const struct bpf_insn zero[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
		BPF_EXIT_INSN(),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
		BPF_MOV64_IMM(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_CALL_HELPER(VT_FN_PROBE_READ),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* Up to the last byte is fine. */
	const struct bpf_insn exact[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
		BPF_EXIT_INSN(),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 4),
		BPF_MOV64_IMM(BPF_REG_2, 44),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_CALL_HELPER(VT_FN_PROBE_READ),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(over, NULL, EACCES,
		  "invalid access to map value, value_size=48 off=4 size=45");
	VT_ACCEPT(zero, NULL);
	VT_ACCEPT(exact, NULL);
}
