// SPDX-License-Identifier: GPL-2.0
/* The verifier: scalar bounds of 64-bit operations seen through their low 32 bits. */
#include "vtest.h"

#define LOOKUP_ARRAY48							\
	BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),				\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),				\
	BPF_LD_MAP_FD(BPF_REG_1, VT_MAP_ARRAY48),			\
	BPF_CALL_HELPER(VT_FN_LOOKUP),					\
	BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),				\
	BPF_EXIT_INSN()

TEST(verifier_alu64_keeps_subreg_bounds)
{
	/*
	 * r1 = [0, 15] + 2^40 + 0x7ffffff0: the low 32 bits stay within
	 * [0x7ffffff0, 0x7fffffff], so w1 -= 0x7ffffff0 leaves [0, 15] and
	 * r1 >> 4 is 0: the access at r0 + 47 is in bounds.
	 */
	const struct bpf_insn prog[] = {
		LOOKUP_ARRAY48,
		BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_0, 0),
		BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 15),
		BPF_LD_IMM64(BPF_REG_2, 1ULL << 40),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 0x7ffffff0),
		BPF_ALU32_IMM(BPF_SUB, BPF_REG_1, 0x7ffffff0),
		BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 4),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 47),
		BPF_EXIT_INSN(),
	};
	/* With [0, 16] the low bits cross 2^31 no more, but r1 >> 4 may be 1. */
	const struct bpf_insn over[] = {
		LOOKUP_ARRAY48,
		BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 16, 9),
		BPF_LD_IMM64(BPF_REG_2, 1ULL << 40),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 0x7ffffff0),
		BPF_ALU32_IMM(BPF_SUB, BPF_REG_1, 0x7ffffff0),
		BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 4),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 47),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(prog, NULL);
	VT_REJECT(over, NULL, EACCES,
		  "invalid access to map value, value_size=48 off=48 size=1");
}

TEST(verifier_jmp32_signed_bound_reaches_64_bits)
{
	/*
	 * r1 = [0, 0x7fffffff], upper half zero; w1 s<= 40 then makes
	 * r1 <= 40 in 64 bits too, so r0 + r1 + 7 stays inside 48 bytes.
	 */
	const struct bpf_insn prog[] = {
		LOOKUP_ARRAY48,
		BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, 0),
		BPF_ALU64_IMM(BPF_AND, BPF_REG_1, 0x7fffffff),
		BPF_JMP32_IMM(BPF_JSGT, BPF_REG_1, 40, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 7),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* Without the mask the upper half is unknown: no 64-bit bound. */
	const struct bpf_insn unmasked[] = {
		LOOKUP_ARRAY48,
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		BPF_JMP32_IMM(BPF_JSGT, BPF_REG_1, 40, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 7),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(prog, NULL);
	VT_REJECT(unmasked, NULL, EINVAL,
		  "math between map_value pointer and register with unbounded min value is not allowed");
}
