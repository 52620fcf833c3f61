// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions in the log, in the syntax Linux's verifier log uses
 * ("0: (b7) r0 = 0", "if r1 == 0x0 goto pc+1", "call bpf_map_lookup_elem#1"),
 * so logs read the same and tools that parse them keep working.
 */
#include "priv.h"

static const char *const alu_op[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
	"neg", "%=", "^=", "=", "s>>=", "endian", "?", "?",
};

static const char *const jmp_op[16] = {
	"jmp", "==", ">", ">=", "&", "!=", "s>", "s>=",
	"call", "exit", "<", "<=", "s<", "s<=", "?", "?",
};

static const char *const size_name[4] = { "u32", "u16", "u8", "u64" };

static const char *atomic_op(s32 imm)
{
	switch (imm & ~BPF_FETCH) {
	case BPF_ADD: return "+=";
	case BPF_AND: return "&=";
	case BPF_OR: return "|=";
	case BPF_XOR: return "^=";
	default: return "?";
	}
}

void kbpf_print_insn(struct kbpf_verifier_env *env, const struct bpf_insn *insn,
		     int idx)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	char r = class == BPF_ALU || class == BPF_JMP32 ? 'w' : 'r';
	const char *sz = size_name[BPF_SIZE(insn->code) >> 3];

	verbose(env, "%d: (%02x) ", idx, insn->code);
	switch (class) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_END)
			verbose(env, "r%u = %s%d r%u\n", insn->dst_reg,
				BPF_SRC(insn->code) == BPF_TO_BE ? "be" : "le",
				insn->imm, insn->dst_reg);
		else if (op == BPF_NEG)
			verbose(env, "%c%u = -%c%u\n", r, insn->dst_reg, r, insn->dst_reg);
		else if (BPF_SRC(insn->code) == BPF_X)
			verbose(env, "%c%u %s %c%u\n", r, insn->dst_reg,
				alu_op[op >> 4], r, insn->src_reg);
		else
			verbose(env, "%c%u %s %d\n", r, insn->dst_reg,
				alu_op[op >> 4], insn->imm);
		break;
	case BPF_STX:
		if (BPF_MODE(insn->code) == BPF_ATOMIC) {
			if (insn->imm == BPF_XCHG)
				verbose(env, "r%u = atomic%s_xchg((%s *)(r%u %+d), r%u)\n",
					insn->src_reg, BPF_SIZE(insn->code) == BPF_DW ? "64" : "",
					sz, insn->dst_reg, insn->off, insn->src_reg);
			else if (insn->imm == BPF_CMPXCHG)
				verbose(env, "r0 = atomic%s_cmpxchg((%s *)(r%u %+d), r0, r%u)\n",
					BPF_SIZE(insn->code) == BPF_DW ? "64" : "",
					sz, insn->dst_reg, insn->off, insn->src_reg);
			else
				verbose(env, "lock *(%s *)(r%u %+d) %s r%u%s\n", sz,
					insn->dst_reg, insn->off, atomic_op(insn->imm),
					insn->src_reg,
					insn->imm & BPF_FETCH ? " (fetch)" : "");
		} else {
			verbose(env, "*(%s *)(r%u %+d) = r%u\n", sz, insn->dst_reg,
				insn->off, insn->src_reg);
		}
		break;
	case BPF_ST:
		verbose(env, "*(%s *)(r%u %+d) = %d\n", sz, insn->dst_reg,
			insn->off, insn->imm);
		break;
	case BPF_LDX:
		verbose(env, "r%u = *(%s *)(r%u %+d)\n", insn->dst_reg, sz,
			insn->src_reg, insn->off);
		break;
	case BPF_LD:
		if (BPF_MODE(insn->code) == BPF_IMM) {
			u64 imm = (u32)insn[0].imm | ((u64)(u32)insn[1].imm << 32);

			if (insn->src_reg == BPF_PSEUDO_MAP_FD)
				verbose(env, "r%u = map[id:%d]\n", insn->dst_reg, insn->imm);
			else if (insn->src_reg == BPF_PSEUDO_MAP_VALUE)
				/* bpftool's form; never the value's address. */
				verbose(env, "r%u = map[id:%d][0]+%u\n",
					insn->dst_reg, insn->imm,
					(u32)insn[1].imm);
			else
				verbose(env, "r%u = 0x%llx\n", insn->dst_reg,
					(unsigned long long)imm);
		} else if (BPF_MODE(insn->code) == BPF_ABS) {
			verbose(env, "r0 = *(%s *)skb[%d]\n", sz, insn->imm);
		} else {
			verbose(env, "r0 = *(%s *)skb[r%u + %d]\n", sz,
				insn->src_reg, insn->imm);
		}
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_CALL) {
			if (insn->src_reg == BPF_PSEUDO_CALL)
				verbose(env, "call pc%+d\n", insn->imm);
			else
				verbose(env, "call %s#%d\n",
					kbpf_helper_name(insn->imm), insn->imm);
		} else if (op == BPF_EXIT) {
			verbose(env, "exit\n");
		} else if (op == BPF_JA) {
			verbose(env, "goto pc%+d\n",
				class == BPF_JMP32 ? insn->imm : insn->off);
		} else if (BPF_SRC(insn->code) == BPF_X) {
			verbose(env, "if %c%u %s %c%u goto pc%+d\n", r, insn->dst_reg,
				jmp_op[op >> 4], r, insn->src_reg, insn->off);
		} else {
			verbose(env, "if %c%u %s 0x%x goto pc%+d\n", r, insn->dst_reg,
				jmp_op[op >> 4], insn->imm, insn->off);
		}
		break;
	}
}
