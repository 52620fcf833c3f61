// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions as text, in the notation of Linux's verifier log
 * (kernel/bpf/disasm.c), for the fuzzer's reports: a mismatch is read by
 * a person, who wants "r3 s/= r4", not opcode bytes.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "prog_gen.h"

static const char *const alu_op[16] = {
	[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=", [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=", [BPF_MOV >> 4] = "=", [BPF_ARSH >> 4] = "s>>=",
};

static const char *const jmp_op[16] = {
	[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">", [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&", [BPF_JNE >> 4] = "!=", [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<", [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<", [BPF_JSLE >> 4] = "s<=",
};

static const char *const size_name[4] = { "u32", "u16", "u8", "u64" };
static const char *const ssize_name[4] = { "s32", "s16", "s8", "?" };

static const char *atomic_name(s32 op)
{
	switch (op & ~BPF_FETCH) {
	case BPF_ADD:
		return "add";
	case BPF_AND:
		return "and";
	case BPF_OR:
		return "or";
	case BPF_XOR:
		return "xor";
	default:
		return "?";
	}
}

static void disasm_alu(const struct bpf_insn *in, char *buf, size_t len)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	char r = is64 ? 'r' : 'w';
	u8 op = BPF_OP(in->code);
	const char *name = alu_op[op >> 4];

	if (op == BPF_NEG) {
		snprintf(buf, len, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
	} else if (op == BPF_END) {
		const char *kind = is64 ? "bswap" :
				   BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le";

		snprintf(buf, len, "r%d = %s%d r%d", in->dst_reg, kind, in->imm,
			 in->dst_reg);
	} else if (op == BPF_MOV && BPF_SRC(in->code) == BPF_X && in->off) {
		snprintf(buf, len, "%c%d = (s%d)%c%d", r, in->dst_reg, in->off,
			 r, in->src_reg);
	} else if (!name) {
		snprintf(buf, len, "(bad alu %#x)", in->code);
	} else {
		const char *s = in->off == KBPF_OFF_SDIV &&
				(op == BPF_DIV || op == BPF_MOD) ? "s" : "";

		if (BPF_SRC(in->code) == BPF_X)
			snprintf(buf, len, "%c%d %s%s %c%d%s", r, in->dst_reg, s,
				 name, r, in->src_reg,
				 in->imm == 1 && op == BPF_MOV ? " (zext)" : "");
		else
			snprintf(buf, len, "%c%d %s%s %d", r, in->dst_reg, s, name,
				 in->imm);
	}
}

static void disasm_jmp(const struct bpf_insn *in, char *buf, size_t len)
{
	bool is32 = BPF_CLASS(in->code) == BPF_JMP32;
	char r = is32 ? 'w' : 'r';
	u8 op = BPF_OP(in->code);

	switch (op) {
	case BPF_JA:
		if (is32)
			snprintf(buf, len, "gotol %+d", in->imm);
		else
			snprintf(buf, len, "goto %+d", in->off);
		return;
	case BPF_EXIT:
		snprintf(buf, len, "exit");
		return;
	case BPF_CALL:
		if (in->src_reg == BPF_PSEUDO_CALL)
			snprintf(buf, len, "call pc%+d (stack %d)", in->imm,
				 in->off);
		else
			snprintf(buf, len, "call helper %#lx",
				 (unsigned long)kbpf_call_target(in->imm));
		return;
	case BPF_TAIL_CALL:
		snprintf(buf, len, "tail_call");
		return;
	}
	if (!jmp_op[op >> 4])
		snprintf(buf, len, "(bad jmp %#x)", in->code);
	else if (BPF_SRC(in->code) == BPF_X)
		snprintf(buf, len, "if %c%d %s %c%d goto %+d", r, in->dst_reg,
			 jmp_op[op >> 4], r, in->src_reg, in->off);
	else
		snprintf(buf, len, "if %c%d %s %d goto %+d", r, in->dst_reg,
			 jmp_op[op >> 4], in->imm, in->off);
}

static void disasm_mem(const struct bpf_insn *in, char *buf, size_t len)
{
	const char *sz = size_name[BPF_SIZE(in->code) >> 3];
	u8 cls = BPF_CLASS(in->code), mode = BPF_MODE(in->code);

	if (cls == BPF_LDX)
		snprintf(buf, len, "r%d = *(%s *)(r%d %+d)", in->dst_reg,
			 mode == BPF_MEMSX ? ssize_name[BPF_SIZE(in->code) >> 3] :
			 sz, in->src_reg, in->off);
	else if (cls == BPF_ST)
		snprintf(buf, len, "*(%s *)(r%d %+d) = %d", sz, in->dst_reg,
			 in->off, in->imm);
	else if (mode == BPF_MEM)
		snprintf(buf, len, "*(%s *)(r%d %+d) = r%d", sz, in->dst_reg,
			 in->off, in->src_reg);
	else if (in->imm == BPF_XCHG)
		snprintf(buf, len, "r%d = xchg((%s *)(r%d %+d), r%d)",
			 in->src_reg, sz, in->dst_reg, in->off, in->src_reg);
	else if (in->imm == BPF_CMPXCHG)
		snprintf(buf, len, "r0 = cmpxchg((%s *)(r%d %+d), r0, r%d)", sz,
			 in->dst_reg, in->off, in->src_reg);
	else if (in->imm & BPF_FETCH)
		snprintf(buf, len, "r%d = atomic_fetch_%s((%s *)(r%d %+d), r%d)",
			 in->src_reg, atomic_name(in->imm), sz, in->dst_reg,
			 in->off, in->src_reg);
	else
		snprintf(buf, len, "lock *(%s *)(r%d %+d) %s= r%d", sz,
			 in->dst_reg, in->off, atomic_name(in->imm), in->src_reg);
}

void fz_disasm(const struct bpf_insn *in, char *buf, size_t len)
{
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		disasm_alu(in, buf, len);
		break;
	case BPF_JMP:
	case BPF_JMP32:
		disasm_jmp(in, buf, len);
		break;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW))
			snprintf(buf, len, "r%d = %#llx ll", in->dst_reg,
				 (unsigned long long)((u64)(u32)in[0].imm |
						      (u64)(u32)in[1].imm << 32));
		else if (BPF_MODE(in->code) == BPF_ABS)
			snprintf(buf, len, "r0 = ntohl(*(%s *)skb[%d])",
				 size_name[BPF_SIZE(in->code) >> 3], in->imm);
		else
			snprintf(buf, len, "r0 = ntohl(*(%s *)skb[r%d %+d])",
				 size_name[BPF_SIZE(in->code) >> 3], in->src_reg,
				 in->imm);
		break;
	default:
		disasm_mem(in, buf, len);
		break;
	}
}

static void print_insns(FILE *f, const struct bpf_insn *insns, u32 len,
			const u32 *starts, u32 nr_starts)
{
	u32 i, fn = 0;
	char line[128];

	for (i = 0; i < len; i++) {
		const struct bpf_insn *in = &insns[i];

		if (fn < nr_starts && starts[fn] == i) {
			if (fn)
				fprintf(f, "subprog %u:\n", fn);
			fn++;
		}
		fz_disasm(in, line, sizeof(line));
		fprintf(f, "%5u: %02x %x %x %6d %11d  %s\n", i, in->code,
			in->dst_reg, in->src_reg, in->off, in->imm, line);
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 < len)
			i++;
	}
}

void fz_prog_print(FILE *f, const struct fz_prog *p)
{
	fprintf(f, "main: %u insns, %u functions, stack %u bytes\n", p->len,
		p->nr_funcs, p->stack_depth);
	print_insns(f, p->insns, p->len, p->func_start, p->nr_funcs);
	fprintf(f, "tail call target (prog array slot 0): %u insns, stack %u bytes\n",
		p->tail_len, p->tail_stack_depth);
	print_insns(f, p->tail_insns, p->tail_len, NULL, 0);
}
