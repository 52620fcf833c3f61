// SPDX-License-Identifier: GPL-2.0
/*
 * The structural check of a program from userspace (see check.h): each
 * instruction on its own, by class, then where it may go next. The field
 * rules are the uapi's and RFC 9669's: a field an instruction does not
 * use must be zero, so that it can be given a meaning later.
 */
#include <kbpf/kapi.h>
#include <kbpf/insn.h>

#include "check.h"

/* The one register no instruction may write. */
#define CHECK_FP	BPF_REG_10

static bool reg_ok(u8 reg)
{
	return reg <= BPF_REG_10;
}

/* The fields of BPF_X and BPF_K forms: the other operand must be zero. */
static const char *check_src(const struct bpf_insn *insn)
{
	if (BPF_SRC(insn->code) == BPF_X)
		return insn->imm ? "reserved field imm is not zero" :
		       reg_ok(insn->src_reg) ? NULL : "bad source register";
	return insn->src_reg ? "reserved field src_reg is not zero" : NULL;
}

static const char *check_alu(const struct bpf_insn *insn)
{
	bool alu64 = BPF_CLASS(insn->code) == BPF_ALU64;
	bool x = BPF_SRC(insn->code) == BPF_X;

	if (insn->dst_reg == CHECK_FP)
		return "R10 is read-only";
	if (!reg_ok(insn->dst_reg))
		return "bad destination register";

	switch (BPF_OP(insn->code)) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND:
	case BPF_LSH: case BPF_RSH: case BPF_XOR: case BPF_ARSH:
		if (insn->off)
			return "reserved field off is not zero";
		return check_src(insn);
	case BPF_DIV: case BPF_MOD:
		/* off 1: signed (ISA v4). */
		if (insn->off != 0 && insn->off != KBPF_OFF_SDIV)
			return "bad off for DIV/MOD";
		return check_src(insn);
	case BPF_MOV:
		/* off 8/16/32 with a register: MOVSX (ISA v4), 32 in ALU64 only. */
		if (x && insn->off != 0 && insn->off != 8 && insn->off != 16 &&
		    !(alu64 && insn->off == 32))
			return "bad off for MOV";
		if (!x && insn->off)
			return "reserved field off is not zero";
		return check_src(insn);
	case BPF_NEG:
		if (x)
			return "unknown opcode";
		if (insn->src_reg || insn->off || insn->imm)
			return "reserved field of NEG is not zero";
		return NULL;
	case BPF_END:
		/* ALU64 | END | TO_LE is BSWAP (ISA v4); TO_BE has no ALU64 form. */
		if (alu64 && x)
			return "unknown opcode";
		if (insn->src_reg || insn->off)
			return "reserved field of END is not zero";
		if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
			return "END width is not 16, 32 or 64";
		return NULL;
	default:
		return "unknown opcode";
	}
}

static const char *check_jmp(const struct bpf_insn *insn)
{
	bool jmp32 = BPF_CLASS(insn->code) == BPF_JMP32;

	switch (BPF_OP(insn->code)) {
	case BPF_JA:
		if (BPF_SRC(insn->code) == BPF_X)
			return "unknown opcode";
		/* JMP32 | JA takes its offset in imm (ISA v4). */
		if (insn->dst_reg || insn->src_reg || (jmp32 ? insn->off : insn->imm))
			return "reserved field of JA is not zero";
		return NULL;
	case BPF_CALL:
		if (jmp32 || BPF_SRC(insn->code) == BPF_X)
			return "unknown opcode";
		if (insn->dst_reg || insn->off)
			return "reserved field of CALL is not zero";
		if (insn->src_reg != 0 && insn->src_reg != BPF_PSEUDO_CALL &&
		    insn->src_reg != BPF_PSEUDO_KFUNC_CALL)
			return "unknown kind of CALL";
		return NULL;
	case BPF_EXIT:
		if (jmp32 || BPF_SRC(insn->code) == BPF_X)
			return "unknown opcode";
		if (insn->dst_reg || insn->src_reg || insn->off || insn->imm)
			return "reserved field of EXIT is not zero";
		return NULL;
	case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET: case BPF_JNE:
	case BPF_JSGT: case BPF_JSGE: case BPF_JLT: case BPF_JLE: case BPF_JSLT:
	case BPF_JSLE:
		if (!reg_ok(insn->dst_reg))
			return "bad destination register";
		return check_src(insn);
	default:
		/* Including BPF_TAIL_CALL: only the verifier writes it. */
		return "unknown opcode";
	}
}

static const char *check_ld(const struct bpf_insn *insn)
{
	switch (BPF_MODE(insn->code)) {
	case BPF_IMM:
		if (BPF_SIZE(insn->code) != BPF_DW)
			return "unknown opcode";
		if (insn->dst_reg == CHECK_FP)
			return "R10 is read-only";
		if (!reg_ok(insn->dst_reg))
			return "bad destination register";
		if (insn->off)
			return "reserved field off is not zero";
		if (insn->src_reg > BPF_PSEUDO_MAP_IDX_VALUE)
			return "unknown kind of LD_IMM64";
		return NULL;
	case BPF_ABS:
	case BPF_IND:
		if (BPF_SIZE(insn->code) == BPF_DW)
			return "unknown opcode";
		if (insn->dst_reg || insn->off)
			return "reserved field of LD_ABS/LD_IND is not zero";
		if (BPF_MODE(insn->code) == BPF_ABS && insn->src_reg)
			return "reserved field src_reg is not zero";
		return reg_ok(insn->src_reg) ? NULL : "bad source register";
	default:
		return "unknown opcode";
	}
}

static bool atomic_op_ok(s32 op)
{
	switch (op) {
	case BPF_ADD: case BPF_AND: case BPF_OR: case BPF_XOR:
	case BPF_ADD | BPF_FETCH: case BPF_AND | BPF_FETCH:
	case BPF_OR | BPF_FETCH: case BPF_XOR | BPF_FETCH:
	case BPF_XCHG: case BPF_CMPXCHG:
		return true;
	default:
		return false;
	}
}

static const char *check_mem(const struct bpf_insn *insn)
{
	u8 cls = BPF_CLASS(insn->code), mode = BPF_MODE(insn->code);
	u8 size = BPF_SIZE(insn->code);

	if (!reg_ok(insn->dst_reg) || !reg_ok(insn->src_reg))
		return "bad register";
	switch (cls) {
	case BPF_LDX:
		if (mode != BPF_MEM && !(mode == BPF_MEMSX && size != BPF_DW))
			return "unknown opcode";
		if (insn->dst_reg == CHECK_FP)
			return "R10 is read-only";
		return insn->imm ? "reserved field imm is not zero" : NULL;
	case BPF_ST:
		if (mode != BPF_MEM)
			return "unknown opcode";
		return insn->src_reg ? "reserved field src_reg is not zero" : NULL;
	default:	/* BPF_STX */
		if (mode == BPF_MEM)
			return insn->imm ? "reserved field imm is not zero" : NULL;
		if (mode != BPF_ATOMIC || (size != BPF_W && size != BPF_DW))
			return "unknown opcode";
		if (!atomic_op_ok(insn->imm))
			return "unknown atomic operation";
		/* The fetching forms write their source register. */
		if ((insn->imm & BPF_FETCH) && insn->src_reg == CHECK_FP)
			return "R10 is read-only";
		return NULL;
	}
}

static const char *check_one(const struct bpf_insn *insn)
{
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return check_alu(insn);
	case BPF_JMP:
	case BPF_JMP32:
		return check_jmp(insn);
	case BPF_LD:
		return check_ld(insn);
	default:	/* BPF_LDX, BPF_ST, BPF_STX */
		return check_mem(insn);
	}
}

/*
 * Where control may go from insn i besides the next instruction: the
 * target of a jump, a bpf-to-bpf call or a BPF_PSEUDO_FUNC reference,
 * relative to i + 1; false when there is none.
 */
static bool branch_off(const struct bpf_insn *insn, s64 *off)
{
	u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
		*off = insn->imm;
		return insn->src_reg == BPF_PSEUDO_FUNC;
	}
	if (cls != BPF_JMP && cls != BPF_JMP32)
		return false;
	if (op == BPF_CALL) {
		*off = insn->imm;
		return insn->src_reg == BPF_PSEUDO_CALL;
	}
	if (op == BPF_EXIT)
		return false;
	*off = cls == BPF_JMP32 && op == BPF_JA ? insn->imm : insn->off;
	return true;
}

static bool is_exit(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_EXIT);
}

static bool is_ja(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_JA) ||
	       insn->code == (BPF_JMP32 | BPF_JA);
}

int kbpf_insns_check(const struct bpf_insn *insns, u32 len, u32 *bad,
		     const char **why)
{
	bool has_exit = false;
	u32 i;

	*bad = 0;
	if (!len) {
		*why = "empty program";
		return -EINVAL;
	}
	if (len > KBPF_MAX_INSNS) {
		*why = "too many instructions";
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		const struct bpf_insn *insn = &insns[i];
		s64 off, target;

		*bad = i;
		*why = check_one(insn);
		if (*why)
			return -EINVAL;
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			const struct bpf_insn *hi = insn + 1;

			if (i + 1 == len) {
				*why = "LD_IMM64 without its second half";
				return -EINVAL;
			}
			if (hi->code || hi->dst_reg || hi->src_reg || hi->off) {
				*bad = i + 1;
				*why = "reserved field of LD_IMM64's second half is not zero";
				return -EINVAL;
			}
		}
		if (branch_off(insn, &off)) {
			target = (s64)i + 1 + off;
			if (target < 0 || target >= len) {
				*why = "jump out of range";
				return -EINVAL;
			}
			/*
			 * Opcode 0 is no instruction (check_one() refuses it)
			 * but the second half of an LD_IMM64.
			 */
			if (!insns[target].code) {
				*why = "jump into the middle of an LD_IMM64";
				return -EINVAL;
			}
		}
		has_exit |= is_exit(insn);
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW))
			i++;
	}
	*bad = len - 1;
	if (!has_exit) {
		*why = "missing exit: no exit instruction";
		return -EINVAL;
	}
	if (!is_exit(&insns[len - 1]) && !is_ja(&insns[len - 1])) {
		*why = "missing exit: the last instruction is not an exit or a jump";
		return -EINVAL;
	}
	*why = NULL;
	return 0;
}
