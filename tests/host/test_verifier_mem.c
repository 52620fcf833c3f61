// SPDX-License-Identifier: GPL-2.0
/* The verifier: stack, maps, context, packets, helpers, references, fix-ups. */
#include "vtest.h"

static const struct vt_opts unpriv = { .unpriv = true };

#define LOOKUP_FD(fd)							\
	BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),				\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),				\
	BPF_LD_MAP_FD(BPF_REG_1, fd),					\
	BPF_CALL_HELPER(VT_FN_LOOKUP)

TEST(verifier_stack_rules)
{
	const struct bpf_insn ok[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 5),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn uninit[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
	};
	/* Below a written slot: within the frame's stack, but never written. */
	const struct bpf_insn uninit_below[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn oob[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -520, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn misaligned[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -12, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn spill_fill[] = {
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn corrupt[] = {
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
		BPF_ST_MEM(BPF_W, BPF_REG_10, -8, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(ok, &unpriv);
	VT_REJECT(uninit, &unpriv, EACCES, "invalid read from stack R10 off=-8 size=8");
	VT_REJECT(uninit_below, &unpriv, EACCES, "invalid read from stack off -8+0 size 8");
	VT_REJECT(oob, NULL, EACCES, "invalid write to stack R10 off=-520 size=8");
	VT_REJECT(misaligned, NULL, EACCES, "+0+-12 size 8");
	VT_ACCEPT(spill_fill, &unpriv);
	VT_REJECT(corrupt, &unpriv, EACCES, "attempt to corrupt spilled pointer on stack");
}

TEST(verifier_deref_scalar)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(prog, NULL, EACCES, "R1 invalid mem access 'scalar'");
}

TEST(verifier_map_value_null_check)
{
	const struct bpf_insn no_check[] = {
		LOOKUP_FD(VT_MAP_HASH),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn checked[] = {
		LOOKUP_FD(VT_MAP_HASH),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 4),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn oob[] = {
		LOOKUP_FD(VT_MAP_HASH),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 8),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn bad_fd[] = {
		LOOKUP_FD(3),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn rdonly[] = {
		LOOKUP_FD(VT_MAP_RDONLY),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_ST_MEM(BPF_W, BPF_REG_0, 0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	vt_map_refs = 0;
	VT_REJECT(no_check, NULL, EACCES, "R0 invalid mem access 'map_value_or_null'");
	VT_ACCEPT(checked, &unpriv);
	VT_REJECT(oob, NULL, EACCES, "invalid access to map value, value_size=8 off=8 size=4");
	VT_REJECT(bad_fd, NULL, EBADF, "fd 3 is not pointing to valid bpf_map");
	VT_REJECT(rdonly, NULL, EACCES, "write into map forbidden");
	EXPECT_EQ(vt_map_refs, 0);
}

TEST(verifier_map_value_variable_index)
{
	const struct bpf_insn bounded[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 5),
		BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 40, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn off_by_one[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 5),
		BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 41, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn unbounded[] = {
		LOOKUP_FD(VT_MAP_ARRAY48),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_ACCEPT(bounded, NULL);
	VT_REJECT(off_by_one, NULL, EACCES, "R0 max value is outside of the allowed memory range");
	VT_REJECT(unbounded, NULL, EINVAL,
		  "math between map_value pointer and register with unbounded min value is not allowed");
}

TEST(verifier_packet_range)
{
	const struct bpf_insn unchecked[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_2, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn checked[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 16),
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 14),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_2, 13),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn past[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 16),
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 14),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_2, 14),
		BPF_EXIT_INSN(),
	};
	struct vt_opts cls = { .prog_type = BPF_PROG_TYPE_SCHED_CLS };

	VT_REJECT(unchecked, &cls, EACCES, "invalid access to packet, off=0 size=1");
	VT_ACCEPT(checked, &cls);
	VT_REJECT(past, &cls, EACCES, "R2 offset is outside of the packet");
	/* Socket filters may not read packets directly. */
	VT_REJECT(checked, NULL, EACCES, "R2 invalid mem access 'pkt'");
}

/*
 * Past a failed pkt_end check the pointer is known at (>=) or beyond (>)
 * pkt_end: comparing it with pkt_end again has a known outcome, and the
 * other side (here a scalar dereference) is never walked.
 */
#define PKT_END_PROG(first_op, second)					\
	BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8),			\
	BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 16),			\
	BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 4),				\
	BPF_MOV64_IMM(BPF_REG_1, 0),					\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_JMP_REG(first_op, BPF_REG_4, BPF_REG_3, 1),			\
	BPF_EXIT_INSN(),						\
	second,								\
	BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0),			\
	BPF_EXIT_INSN()

TEST(verifier_pkt_end_branch_taken)
{
	const struct bpf_insn beyond_gt[] = {
		PKT_END_PROG(BPF_JGT, BPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 1)),
	};
	const struct bpf_insn beyond_lt_rev[] = {
		PKT_END_PROG(BPF_JGT, BPF_JMP_REG(BPF_JLT, BPF_REG_3, BPF_REG_4, 1)),
	};
	const struct bpf_insn beyond_ge[] = {
		PKT_END_PROG(BPF_JGT, BPF_JMP_REG(BPF_JGE, BPF_REG_4, BPF_REG_3, 1)),
	};
	/* pkt <= pkt_end is then never true: the fall-through is walked. */
	const struct bpf_insn beyond_le[] = {
		PKT_END_PROG(BPF_JGT, BPF_JMP_REG(BPF_JLE, BPF_REG_4, BPF_REG_3, 1)),
	};
	const struct bpf_insn at_ge[] = {
		PKT_END_PROG(BPF_JGE, BPF_JMP_REG(BPF_JGE, BPF_REG_4, BPF_REG_3, 1)),
	};
	/* At pkt_end is not beyond it: pkt > pkt_end stays open. */
	const struct bpf_insn at_gt[] = {
		PKT_END_PROG(BPF_JGE, BPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 1)),
	};
	/* 32-bit comparisons of pointers decide nothing. */
	const struct bpf_insn beyond_gt32[] = {
		PKT_END_PROG(BPF_JGT, BPF_JMP32_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 1)),
	};
	/* Nothing is readable through a pointer at or past pkt_end (EINVAL, as Linux). */
	const struct bpf_insn read_beyond[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 16),
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 4),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_REG(BPF_JGE, BPF_REG_4, BPF_REG_3, 1),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_4, -1),
		BPF_EXIT_INSN(),
	};
	struct vt_opts cls = { .prog_type = BPF_PROG_TYPE_SCHED_CLS };
	struct vt_opts cls_log2 = { .prog_type = BPF_PROG_TYPE_SCHED_CLS,
				    .log_level = 2 };
	static struct vt_result log2;

	VT_ACCEPT(beyond_gt, &cls);
	VT_ACCEPT(beyond_lt_rev, &cls);
	VT_ACCEPT(beyond_ge, &cls);
	VT_REJECT(beyond_le, &cls, EACCES, "R1 invalid mem access 'scalar'");
	VT_ACCEPT(at_ge, &cls);
	VT_REJECT(at_gt, &cls, EACCES, "R1 invalid mem access 'scalar'");
	VT_REJECT(beyond_gt32, &cls, EACCES, "R1 invalid mem access 'scalar'");

	VT_REJECT(read_beyond, &cls, EINVAL, "R4 offset is outside of the packet");
	/* The state print shows the marker as Linux does. */
	EXPECT_EQ(vt_verify(&log2, beyond_gt, ARRAY_SIZE(beyond_gt), &cls_log2), 0);
	EXPECT_TRUE(strstr(log2.log, "R4=pkt(off=4,r=-2)") != NULL);
}

/*
 * A bounded scalar stored with a narrow write at a slot's start comes
 * back with its bounds from a fill of the same size: r4 is added to a
 * packet pointer that is then checked against pkt_end, which only works
 * with r4 known.
 */
#define NARROW_FILL_PROG(store, fill)					\
	BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8),			\
	BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 16),			\
	store,								\
	fill,								\
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),				\
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),			\
	BPF_JMP_REG(BPF_JGT, BPF_REG_0, BPF_REG_3, 1),			\
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0),			\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_EXIT_INSN()

TEST(verifier_narrow_spill_fill)
{
	const struct bpf_insn u32_spill[] = {
		BPF_MOV32_IMM(BPF_REG_4, 20),
		NARROW_FILL_PROG(BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, -8),
				 BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_10, -8)),
	};
	const struct bpf_insn u8_spill[] = {
		BPF_MOV32_IMM(BPF_REG_4, 20),
		NARROW_FILL_PROG(BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_4, -16),
				 BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_10, -16)),
	};
	const struct bpf_insn st_imm[] = {
		BPF_MOV32_IMM(BPF_REG_4, 0),
		NARROW_FILL_PROG(BPF_ST_MEM(BPF_W, BPF_REG_10, -8, 20),
				 BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_10, -8)),
	};
	/* The fill zero-extends 32 bits: r4 is 20, not 0x100000014. */
	const struct bpf_insn wide_value[] = {
		BPF_LD_IMM64(BPF_REG_4, 0x100000014ull),
		NARROW_FILL_PROG(BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, -8),
				 BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_10, -8)),
	};
	/* Another size, or the other half of the slot: unknown. */
	const struct bpf_insn other_size[] = {
		BPF_MOV32_IMM(BPF_REG_4, 20),
		NARROW_FILL_PROG(BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, -8),
				 BPF_LDX_MEM(BPF_H, BPF_REG_4, BPF_REG_10, -8)),
	};
	const struct bpf_insn other_half[] = {
		BPF_MOV32_IMM(BPF_REG_4, 20),
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 7),
		NARROW_FILL_PROG(BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, -8),
				 BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_10, -4)),
	};
	/* A whole-slot read of a half spill is unknown, even with the rest written. */
	const struct bpf_insn whole_slot[] = {
		BPF_MOV32_IMM(BPF_REG_4, 20),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		NARROW_FILL_PROG(BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, -8),
				 BPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_10, -8)),
	};
	/* The never-written half of the slot is readable with CAP_PERFMON only. */
	const struct bpf_insn uninit_half[] = {
		BPF_MOV32_IMM(BPF_REG_4, 20),
		BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, -8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* A helper reading the whole slot: its other half was never written. */
	const struct bpf_insn helper_reads_slot[] = {
		BPF_MOV32_IMM(BPF_REG_4, 20),
		BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_4, -8),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		BPF_MOV64_IMM(BPF_REG_2, 8),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_MOV64_IMM(BPF_REG_5, 0),
		BPF_CALL_HELPER(VT_FN_CSUM_DIFF),
		BPF_EXIT_INSN(),
	};
	struct vt_opts cls = { .prog_type = BPF_PROG_TYPE_SCHED_CLS };
	struct vt_opts cap_bpf = { .no_perfmon = true };

	VT_REJECT(helper_reads_slot, &cap_bpf, EACCES,
		  "invalid indirect read from stack R1 off -8+4 size 8");
	VT_ACCEPT(helper_reads_slot, NULL);
	VT_ACCEPT(u32_spill, &cls);
	VT_ACCEPT(u8_spill, &cls);
	VT_ACCEPT(st_imm, &cls);
	VT_ACCEPT(wide_value, &cls);
	VT_REJECT(other_size, &cls, EACCES, "R2 offset is outside of the packet");
	VT_REJECT(other_half, &cls, EACCES, "R2 offset is outside of the packet");
	VT_REJECT(whole_slot, &cls, EINVAL,
		  "math between pkt pointer and register with unbounded min value");
	VT_ACCEPT(uninit_half, &cls);
	VT_REJECT(uninit_half, &unpriv, EACCES, "invalid read from stack off -8+4 size 8");
}

TEST(verifier_helper_rules)
{
	const struct bpf_insn gpl[] = {
		BPF_CALL_HELPER(VT_FN_GPL),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn unknown[] = {
		BPF_CALL_HELPER(BPF_FUNC_trace_printk),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn wrong_type[] = {
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
		BPF_LD_MAP_FD(BPF_REG_1, VT_MAP_HASH),
		BPF_CALL_HELPER(VT_FN_LOOKUP),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn clobber[] = {
		BPF_CALL_HELPER(VT_FN_GPL),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn probe_uninit_ok[] = {
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
		BPF_MOV64_IMM(BPF_REG_2, 16),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_CALL_HELPER(VT_FN_PROBE_READ),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn probe_too_big[] = {
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
		BPF_MOV64_IMM(BPF_REG_2, 17),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_CALL_HELPER(VT_FN_PROBE_READ),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(gpl, &(struct vt_opts){ .non_gpl = true }, EINVAL,
		  "cannot call GPL-restricted function from non-GPL compatible program");
	VT_REJECT(unknown, NULL, EINVAL, "unknown func bpf_trace_printk#6");
	VT_REJECT(wrong_type, NULL, EACCES,
		  "R2 type=ctx expected=fp, pkt, pkt_meta, map_key, map_value");
	VT_REJECT(clobber, NULL, EACCES, "R1 !read_ok");
	VT_ACCEPT(probe_uninit_ok, NULL);
	/* Past the stack's top: Linux's check_stack_access_within_bounds() EINVAL. */
	VT_REJECT(probe_too_big, NULL, EINVAL, "invalid indirect access to stack R1 off=-16 size=17");
}

TEST(verifier_references)
{
	const struct bpf_insn leak[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_MOV64_IMM(BPF_REG_3, 8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_MOV64_IMM(BPF_REG_5, 0),
		BPF_CALL_HELPER(VT_FN_SK_LOOKUP),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn released[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_MOV64_IMM(BPF_REG_3, 8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_MOV64_IMM(BPF_REG_5, 0),
		BPF_CALL_HELPER(VT_FN_SK_LOOKUP),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
		BPF_CALL_HELPER(VT_FN_SK_RELEASE),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(leak, NULL, EINVAL, "Unreleased reference id=2 alloc_insn=6");
	VT_ACCEPT(released, NULL);
}

TEST(verifier_fixups)
{
	const struct bpf_insn prog[] = {
		LOOKUP_FD(VT_MAP_HASH),				/* 0-5 */
		BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_6, 0),	/* 6: narrow ctx */
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),		/* 7 */
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 0),	/* 8 */
		BPF_EXIT_INSN(),				/* 9 */
	};
	struct bpf_insn fixed[ARRAY_SIZE(prog)];
	static struct vt_result r;
	s32 imm;

	memcpy(fixed, prog, sizeof(prog));
	/* r6 = ctx first: put it in at the start. */
	{
		const struct bpf_insn full[] = {
			BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			LOOKUP_FD(VT_MAP_HASH),
			BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_6, 1),
			BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
			BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 0),
			BPF_EXIT_INSN(),
		};
		u64 addr = (unsigned long)vt_map(VT_MAP_HASH);

		vt_map_refs = 0;
		ASSERT_EQ(vt_verify(&r, full, ARRAY_SIZE(full),
				    &(struct vt_opts){ .keep = true }), 0);
		EXPECT_EQ(r.args.used_map_cnt, 1);
		EXPECT_EQ(vt_map_refs, 1);
		EXPECT_EQ(r.args.stack_depth, 8);
		/* map pointer in the LD_IMM64 */
		EXPECT_EQ((u32)r.args.xlated[4].imm, (u32)addr);
		EXPECT_EQ((u32)r.args.xlated[5].imm, (u32)(addr >> 32));
		/* helper displacement */
		ASSERT_TRUE(kbpf_call_imm(vt_helper_func(VT_FN_LOOKUP), &imm));
		EXPECT_EQ(r.args.xlated[6].imm, imm);
		/* narrow load of len byte 1: word load at 40, >> 8, & 0xff */
		EXPECT_EQ(r.args.xlated_cnt, ARRAY_SIZE(full) + 2);
		EXPECT_EQ(r.args.xlated[7].code, BPF_LDX | BPF_MEM | BPF_W);
		EXPECT_EQ(r.args.xlated[7].off, 40);
		EXPECT_EQ(r.args.xlated[8].code, BPF_ALU | BPF_RSH | BPF_K);
		EXPECT_EQ(r.args.xlated[8].imm, 8);
		EXPECT_EQ(r.args.xlated[9].code, BPF_ALU | BPF_AND | BPF_K);
		EXPECT_EQ(r.args.xlated[9].imm, 0xff);
		/* the jump still lands on the exit */
		EXPECT_EQ(r.args.xlated[10].code, BPF_JMP | BPF_JEQ | BPF_K);
		EXPECT_EQ(r.args.xlated[10].off, 1);
		vt_release(&r);
		EXPECT_EQ(vt_map_refs, 0);
	}
	(void)fixed;
}

TEST(verifier_bpf_to_bpf_calls)
{
	const struct bpf_insn ok[] = {
		BPF_MOV64_IMM(BPF_REG_1, 3),
		BPF_CALL_REL(1),
		BPF_EXIT_INSN(),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn recursive[] = {
		BPF_CALL_REL(-1),
		BPF_EXIT_INSN(),
	};
	static struct vt_result r;

	if (!EXPECT_EQ(vt_verify(&r, ok, ARRAY_SIZE(ok), &(struct vt_opts){ .keep = true }), 0)) {
		fprintf(stderr, "%s\n", r.log);
		return;
	}
	EXPECT_EQ(r.args.xlated[1].off, 16);
	vt_release(&r);
	VT_REJECT(ok, &unpriv, EPERM,
		  "loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN");
	VT_REJECT(recursive, NULL, EINVAL, "back-edge from insn 0 to 0");
}

TEST(verifier_map_ptr_loads)
{
	const struct bpf_insn load[] = {
		BPF_LD_MAP_FD(BPF_REG_1, VT_MAP_HASH),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn negative[] = {
		BPF_LD_MAP_FD(BPF_REG_1, VT_MAP_ARRAY48),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, -8),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn store[] = {
		BPF_LD_MAP_FD(BPF_REG_1, VT_MAP_ARRAY48),
		BPF_ST_MEM(BPF_W, BPF_REG_1, 0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	VT_REJECT(load, &unpriv, EPERM,
		  "bpf_htab access is allowed only to CAP_PERFMON and CAP_SYS_ADMIN");
	VT_REJECT(negative, NULL, EACCES, "R1 is bpf_array invalid negative access: off=-8");
	VT_REJECT(store, NULL, EACCES, "only read from bpf_array is supported");
	/* Fields need the kernel's BTF, which kbpf does not read. */
	VT_REJECT(load, NULL, EACCES, "R1 invalid mem access 'map_ptr'");
}

/*
 * A privileged program may read a stack slot it never wrote (Linux's
 * allow_uninit_stack), and that read counts towards the frame's depth:
 * the runtimes size the frame from it, and a JITed frame of 0 bytes
 * would have the load read below it.
 */
TEST(verifier_stack_read_counts_in_depth)
{
	static struct vt_result r;
	const struct bpf_insn prog[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -24),
		BPF_EXIT_INSN(),
	};

	if (!EXPECT_EQ(vt_verify(&r, prog, ARRAY_SIZE(prog), NULL), 0))
		fprintf(stderr, "log:\n%s\n", r.log);
	EXPECT_EQ(r.args.stack_depth, 24);
}
