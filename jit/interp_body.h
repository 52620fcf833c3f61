/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interpreter's body, written once and compiled twice: interp.c makes
 * it the runtime (kbpf_interp_run), interp_checked.c the sandbox that
 * raw, unverified bytecode runs in (kbpf_interp_run_checked). The checks
 * the sandbox needs are hooks that the runtime defines as constants, so
 * the compiler removes them there and the runtime pays nothing for them.
 *
 * Dispatch is threaded code: each handler ends with its own indirect jump
 * through the opcode table, so the branch predictor learns which handler
 * tends to follow which, instead of sharing one unpredictable jump. Every
 * opcode has its own handler, so a handler decides nothing the opcode
 * already says; the v4 forms that share an opcode with an older one
 * (MOVSX, SDIV/SMOD) test off, behind a likely() for the old meaning.
 * Arithmetic C leaves undefined is in interp_ops.h.
 *
 * The including file defines, before including this:
 *   INTERP_FUNC		the function's name
 *   INTERP_PARAMS		its parameters: ctx and code first, as in
 *				kbpf_func_t, then any the hooks use
 *   INTERP_STACK		bytes of BPF stack, for all frames of a run
 *   INTERP_ENTER()		a statement run once regs, stack, fp and size
 *				are set up, before the first instruction
 *   INTERP_NEW_STACK(lo, n)	a statement run when the n bytes of stack
 *				at lo become reachable: at entry the main
 *				frame, at a call the callee's (and the
 *				padding that aligns it)
 *   INTERP_BAD_ACCESS(a, n)	true when the n bytes at a may not be
 *				accessed: the current frame's stack is
 *				[fp - size, end of stack)
 *   INTERP_MISALIGNED(a, n)	true when an atomic at a must be refused
 *   INTERP_SANDBOX		true when helper calls, tail calls and
 *				packet loads must fault: they take kernel
 *				objects from registers no check can vet
 *   INTERP_FAULT(kind)		a statement run when the run faults, with
 *				an enum kbpf_interp_fault and insn at the
 *				faulting instruction
 * and, to start elsewhere than a program's first instruction with R1 =
 * ctx (interp_callback.c), all of:
 *   INTERP_CODE		the struct kbpf_code being run
 *   INTERP_START_INSN		the first instruction
 *   INTERP_START_DEPTH		its frame's stack depth
 *   INTERP_START_ARGS()	a statement setting R1-R5
 */
#ifndef INTERP_FUNC
#error "interp_body.h is included by interp.c and interp_checked.c only"
#endif

#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include "interp.h"
#include "interp_ops.h"

#ifndef INTERP_CODE
#define INTERP_CODE		code
#define INTERP_START_INSN	code->insnsi
#define INTERP_START_DEPTH	code->stack_depth
#define INTERP_START_ARGS()	(regs[BPF_REG_1] = (unsigned long)ctx)
#endif

/* What a bpf-to-bpf call saves, to restore when the callee exits. */
struct interp_frame {
	const struct bpf_insn *ret;	/* where the caller resumes */
	u64 callee_saved[4];		/* the caller's R6-R9 */
	u64 fp;				/* the caller's R10 */
	u32 size;			/* the caller's stack depth */
};

/* Table entries: one label per opcode, named after it. */
#define ALU_OPS(OP)							\
	[BPF_ALU64 | BPF_##OP | BPF_X] = &&ALU64_##OP##_X,		\
	[BPF_ALU64 | BPF_##OP | BPF_K] = &&ALU64_##OP##_K,		\
	[BPF_ALU | BPF_##OP | BPF_X] = &&ALU_##OP##_X,			\
	[BPF_ALU | BPF_##OP | BPF_K] = &&ALU_##OP##_K
#define JMP_OPS(OP)							\
	[BPF_JMP | BPF_##OP | BPF_X] = &&JMP_##OP##_X,			\
	[BPF_JMP | BPF_##OP | BPF_K] = &&JMP_##OP##_K,			\
	[BPF_JMP32 | BPF_##OP | BPF_X] = &&JMP32_##OP##_X,		\
	[BPF_JMP32 | BPF_##OP | BPF_K] = &&JMP32_##OP##_K
#define MEM_OPS(SZ)							\
	[BPF_LDX | BPF_MEM | BPF_##SZ] = &&LDX_MEM_##SZ,		\
	[BPF_STX | BPF_MEM | BPF_##SZ] = &&STX_MEM_##SZ,		\
	[BPF_ST | BPF_MEM | BPF_##SZ] = &&ST_MEM_##SZ
#define LD_PKT_OPS(SZ)							\
	[BPF_LD | BPF_ABS | BPF_##SZ] = &&LD_ABS_##SZ,			\
	[BPF_LD | BPF_IND | BPF_##SZ] = &&LD_IND_##SZ

#define DST	regs[insn->dst_reg]
#define SRC	regs[insn->src_reg]
#define IMM	insn->imm
#define R0	regs[BPF_REG_0]

u64 INTERP_FUNC(INTERP_PARAMS)
{
	/*
	 * Unknown opcodes first, then each known one over it: the override
	 * is the point, so the warning about it is silenced here only.
	 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
	static const void * const jumptable[256] __annotate_jump_table = {
		[0 ... 255] = &&bad_insn,
		ALU_OPS(ADD), ALU_OPS(SUB), ALU_OPS(MUL), ALU_OPS(DIV),
		ALU_OPS(OR), ALU_OPS(AND), ALU_OPS(LSH), ALU_OPS(RSH),
		ALU_OPS(MOD), ALU_OPS(XOR), ALU_OPS(MOV), ALU_OPS(ARSH),
		[BPF_ALU64 | BPF_NEG] = &&ALU64_NEG,
		[BPF_ALU | BPF_NEG] = &&ALU_NEG,
		[BPF_ALU | BPF_END | BPF_TO_BE] = &&ALU_END_TO_BE,
		[BPF_ALU | BPF_END | BPF_TO_LE] = &&ALU_END_TO_LE,
		[BPF_ALU64 | BPF_END | BPF_TO_LE] = &&ALU64_BSWAP,
		JMP_OPS(JEQ), JMP_OPS(JNE), JMP_OPS(JGT), JMP_OPS(JGE),
		JMP_OPS(JLT), JMP_OPS(JLE), JMP_OPS(JSGT), JMP_OPS(JSGE),
		JMP_OPS(JSLT), JMP_OPS(JSLE), JMP_OPS(JSET),
		[BPF_JMP | BPF_JA] = &&JMP_JA,
		[BPF_JMP32 | BPF_JA] = &&JMP32_JA,
		[BPF_JMP | BPF_CALL] = &&JMP_CALL,
		[BPF_JMP | BPF_TAIL_CALL] = &&JMP_TAIL_CALL,
		[BPF_JMP | BPF_EXIT] = &&JMP_EXIT,
		MEM_OPS(B), MEM_OPS(H), MEM_OPS(W), MEM_OPS(DW),
		[BPF_LDX | BPF_MEMSX | BPF_B] = &&LDX_MEMSX_B,
		[BPF_LDX | BPF_MEMSX | BPF_H] = &&LDX_MEMSX_H,
		[BPF_LDX | BPF_MEMSX | BPF_W] = &&LDX_MEMSX_W,
		[BPF_STX | BPF_ATOMIC | BPF_W] = &&STX_ATOMIC_W,
		[BPF_STX | BPF_ATOMIC | BPF_DW] = &&STX_ATOMIC_DW,
		[BPF_LD | BPF_IMM | BPF_DW] = &&LD_IMM_DW,
		LD_PKT_OPS(B), LD_PKT_OPS(H), LD_PKT_OPS(W),
	};
#pragma GCC diagnostic pop
	/*
	 * Kernels zero every stack variable on entry (INIT_STACK_ALL_ZERO,
	 * Debian's default): 1.1 KiB per run for these two, which a program
	 * never reads before writing (the verifier sees to it), so exempt.
	 */
	u64 stack[INTERP_STACK / 8] __uninitialized;
	struct interp_frame frames[KBPF_MAX_CALL_FRAMES - 1] __uninitialized;
	u64 regs[MAX_BPF_EXT_REG] = {};	/* R0-R10 and AX */
	const struct bpf_insn *insn = INTERP_START_INSN;
	/*
	 * Frame bookkeeping apart from R10, which an unverified program may
	 * overwrite: fp is the current frame's top, size its depth.
	 */
	const u64 stack_lo = (unsigned long)stack;
	u64 fp = (unsigned long)&stack[ARRAY_SIZE(stack)];
	u32 size = INTERP_START_DEPTH;
	u32 depth = 0, tail_calls = 0;
	s32 ld_off;
	u32 ld_size;

	INTERP_START_ARGS();
	regs[BPF_REG_10] = fp;
	INTERP_ENTER();
	INTERP_NEW_STACK(fp - size, size);
	goto *jumptable[insn->code];

	/*
	 * ALU. (u64)IMM sign-extends, as 64-bit operations want; 32-bit ones
	 * keep the low half of the 64-bit result, which is the same for
	 * these, and the store zero-extends it.
	 */
ALU64_ADD_X:
	DST += SRC;
	goto *jumptable[(++insn)->code];
ALU64_ADD_K:
	DST += (u64)IMM;
	goto *jumptable[(++insn)->code];
ALU_ADD_X:
	DST = (u32)(DST + SRC);
	goto *jumptable[(++insn)->code];
ALU_ADD_K:
	DST = (u32)(DST + (u64)IMM);
	goto *jumptable[(++insn)->code];
ALU64_SUB_X:
	DST -= SRC;
	goto *jumptable[(++insn)->code];
ALU64_SUB_K:
	DST -= (u64)IMM;
	goto *jumptable[(++insn)->code];
ALU_SUB_X:
	DST = (u32)(DST - SRC);
	goto *jumptable[(++insn)->code];
ALU_SUB_K:
	DST = (u32)(DST - (u64)IMM);
	goto *jumptable[(++insn)->code];
ALU64_MUL_X:
	DST *= SRC;
	goto *jumptable[(++insn)->code];
ALU64_MUL_K:
	DST *= (u64)IMM;
	goto *jumptable[(++insn)->code];
ALU_MUL_X:
	DST = (u32)(DST * SRC);
	goto *jumptable[(++insn)->code];
ALU_MUL_K:
	DST = (u32)(DST * (u64)IMM);
	goto *jumptable[(++insn)->code];
ALU64_OR_X:
	DST |= SRC;
	goto *jumptable[(++insn)->code];
ALU64_OR_K:
	DST |= (u64)IMM;
	goto *jumptable[(++insn)->code];
ALU_OR_X:
	DST = (u32)(DST | SRC);
	goto *jumptable[(++insn)->code];
ALU_OR_K:
	DST = (u32)(DST | (u64)IMM);
	goto *jumptable[(++insn)->code];
ALU64_AND_X:
	DST &= SRC;
	goto *jumptable[(++insn)->code];
ALU64_AND_K:
	DST &= (u64)IMM;
	goto *jumptable[(++insn)->code];
ALU_AND_X:
	DST = (u32)(DST & SRC);
	goto *jumptable[(++insn)->code];
ALU_AND_K:
	DST = (u32)(DST & (u64)IMM);
	goto *jumptable[(++insn)->code];
ALU64_XOR_X:
	DST ^= SRC;
	goto *jumptable[(++insn)->code];
ALU64_XOR_K:
	DST ^= (u64)IMM;
	goto *jumptable[(++insn)->code];
ALU_XOR_X:
	DST = (u32)(DST ^ SRC);
	goto *jumptable[(++insn)->code];
ALU_XOR_K:
	DST = (u32)(DST ^ (u64)IMM);
	goto *jumptable[(++insn)->code];
	/* Shifts: the count is taken modulo the width, for X and K alike. */
ALU64_LSH_X:
	DST <<= SRC & 63;
	goto *jumptable[(++insn)->code];
ALU64_LSH_K:
	DST <<= IMM & 63;
	goto *jumptable[(++insn)->code];
ALU_LSH_X:
	DST = (u32)DST << (SRC & 31);
	goto *jumptable[(++insn)->code];
ALU_LSH_K:
	DST = (u32)DST << (IMM & 31);
	goto *jumptable[(++insn)->code];
ALU64_RSH_X:
	DST >>= SRC & 63;
	goto *jumptable[(++insn)->code];
ALU64_RSH_K:
	DST >>= IMM & 63;
	goto *jumptable[(++insn)->code];
ALU_RSH_X:
	DST = (u32)DST >> (SRC & 31);
	goto *jumptable[(++insn)->code];
ALU_RSH_K:
	DST = (u32)DST >> (IMM & 31);
	goto *jumptable[(++insn)->code];
ALU64_ARSH_X:
	DST = (u64)((s64)DST >> (SRC & 63));
	goto *jumptable[(++insn)->code];
ALU64_ARSH_K:
	DST = (u64)((s64)DST >> (IMM & 63));
	goto *jumptable[(++insn)->code];
ALU_ARSH_X:
	DST = (u32)((s32)DST >> (SRC & 31));
	goto *jumptable[(++insn)->code];
ALU_ARSH_K:
	DST = (u32)((s32)DST >> (IMM & 31));
	goto *jumptable[(++insn)->code];
	/* DIV and MOD: off 1 makes them signed (ISA v4). */
ALU64_DIV_X:
	if (likely(!insn->off))
		DST = kbpf_div64(DST, SRC);
	else
		DST = kbpf_sdiv64(DST, SRC);
	goto *jumptable[(++insn)->code];
ALU64_DIV_K:
	if (likely(!insn->off))
		DST = kbpf_div64(DST, (u64)IMM);
	else
		DST = kbpf_sdiv64(DST, (u64)IMM);
	goto *jumptable[(++insn)->code];
ALU_DIV_X:
	if (likely(!insn->off))
		DST = kbpf_div32(DST, SRC);
	else
		DST = kbpf_sdiv32(DST, SRC);
	goto *jumptable[(++insn)->code];
ALU_DIV_K:
	if (likely(!insn->off))
		DST = kbpf_div32(DST, IMM);
	else
		DST = kbpf_sdiv32(DST, IMM);
	goto *jumptable[(++insn)->code];
ALU64_MOD_X:
	if (likely(!insn->off))
		DST = kbpf_mod64(DST, SRC);
	else
		DST = kbpf_smod64(DST, SRC);
	goto *jumptable[(++insn)->code];
ALU64_MOD_K:
	if (likely(!insn->off))
		DST = kbpf_mod64(DST, (u64)IMM);
	else
		DST = kbpf_smod64(DST, (u64)IMM);
	goto *jumptable[(++insn)->code];
ALU_MOD_X:
	if (likely(!insn->off))
		DST = kbpf_mod32(DST, SRC);
	else
		DST = kbpf_smod32(DST, SRC);
	goto *jumptable[(++insn)->code];
ALU_MOD_K:
	if (likely(!insn->off))
		DST = kbpf_mod32(DST, IMM);
	else
		DST = kbpf_smod32(DST, IMM);
	goto *jumptable[(++insn)->code];
	/* MOV: with off, the register forms are MOVSX (ISA v4). */
ALU64_MOV_X:
	DST = likely(!insn->off) ? SRC : kbpf_movsx(SRC, insn->off);
	goto *jumptable[(++insn)->code];
ALU64_MOV_K:
	DST = (u64)IMM;
	goto *jumptable[(++insn)->code];
ALU_MOV_X:
	DST = (u32)(likely(!insn->off) ? SRC : kbpf_movsx(SRC, insn->off));
	goto *jumptable[(++insn)->code];
ALU_MOV_K:
	DST = (u32)IMM;
	goto *jumptable[(++insn)->code];
ALU64_NEG:
	DST = -DST;
	goto *jumptable[(++insn)->code];
ALU_NEG:
	DST = (u32)-DST;
	goto *jumptable[(++insn)->code];
ALU_END_TO_BE:
	DST = kbpf_to_be(DST, IMM);
	goto *jumptable[(++insn)->code];
ALU_END_TO_LE:
	DST = kbpf_to_le(DST, IMM);
	goto *jumptable[(++insn)->code];
ALU64_BSWAP:
	DST = kbpf_bswap(DST, IMM);
	goto *jumptable[(++insn)->code];

	/* Jumps: 64-bit compares sign-extend imm, 32-bit ones use the low halves. */
JMP_JEQ_X:
	if (DST == SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JEQ_K:
	if (DST == (u64)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JEQ_X:
	if ((u32)DST == (u32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JEQ_K:
	if ((u32)DST == (u32)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JNE_X:
	if (DST != SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JNE_K:
	if (DST != (u64)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JNE_X:
	if ((u32)DST != (u32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JNE_K:
	if ((u32)DST != (u32)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JGT_X:
	if (DST > SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JGT_K:
	if (DST > (u64)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JGT_X:
	if ((u32)DST > (u32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JGT_K:
	if ((u32)DST > (u32)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JGE_X:
	if (DST >= SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JGE_K:
	if (DST >= (u64)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JGE_X:
	if ((u32)DST >= (u32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JGE_K:
	if ((u32)DST >= (u32)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JLT_X:
	if (DST < SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JLT_K:
	if (DST < (u64)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JLT_X:
	if ((u32)DST < (u32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JLT_K:
	if ((u32)DST < (u32)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JLE_X:
	if (DST <= SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JLE_K:
	if (DST <= (u64)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JLE_X:
	if ((u32)DST <= (u32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JLE_K:
	if ((u32)DST <= (u32)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSGT_X:
	if ((s64)DST > (s64)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSGT_K:
	if ((s64)DST > IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSGT_X:
	if ((s32)DST > (s32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSGT_K:
	if ((s32)DST > IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSGE_X:
	if ((s64)DST >= (s64)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSGE_K:
	if ((s64)DST >= IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSGE_X:
	if ((s32)DST >= (s32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSGE_K:
	if ((s32)DST >= IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSLT_X:
	if ((s64)DST < (s64)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSLT_K:
	if ((s64)DST < IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSLT_X:
	if ((s32)DST < (s32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSLT_K:
	if ((s32)DST < IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSLE_X:
	if ((s64)DST <= (s64)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSLE_K:
	if ((s64)DST <= IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSLE_X:
	if ((s32)DST <= (s32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSLE_K:
	if ((s32)DST <= IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSET_X:
	if (DST & SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JSET_K:
	if (DST & (u64)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSET_X:
	if ((u32)DST & (u32)SRC)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP32_JSET_K:
	if ((u32)DST & (u32)IMM)
		insn += insn->off;
	goto *jumptable[(++insn)->code];
JMP_JA:
	insn += insn->off;
	goto *jumptable[(++insn)->code];
	/* JA with a 32-bit offset, in imm (ISA v4). */
JMP32_JA:
	insn += IMM;
	goto *jumptable[(++insn)->code];

	/* Memory, at any alignment. */
LDX_MEM_B:
	if (unlikely(INTERP_BAD_ACCESS(SRC + insn->off, 1)))
		goto fault_load;
	DST = KBPF_MEM(u8, SRC + insn->off);
	goto *jumptable[(++insn)->code];
STX_MEM_B:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 1)))
		goto fault_store;
	KBPF_MEM(u8, DST + insn->off) = (u8)SRC;
	goto *jumptable[(++insn)->code];
ST_MEM_B:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 1)))
		goto fault_store;
	KBPF_MEM(u8, DST + insn->off) = (u8)IMM;
	goto *jumptable[(++insn)->code];
LDX_MEM_H:
	if (unlikely(INTERP_BAD_ACCESS(SRC + insn->off, 2)))
		goto fault_load;
	DST = KBPF_MEM(u16, SRC + insn->off);
	goto *jumptable[(++insn)->code];
STX_MEM_H:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 2)))
		goto fault_store;
	KBPF_MEM(u16, DST + insn->off) = (u16)SRC;
	goto *jumptable[(++insn)->code];
ST_MEM_H:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 2)))
		goto fault_store;
	KBPF_MEM(u16, DST + insn->off) = (u16)IMM;
	goto *jumptable[(++insn)->code];
LDX_MEM_W:
	if (unlikely(INTERP_BAD_ACCESS(SRC + insn->off, 4)))
		goto fault_load;
	DST = KBPF_MEM(u32, SRC + insn->off);
	goto *jumptable[(++insn)->code];
STX_MEM_W:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 4)))
		goto fault_store;
	KBPF_MEM(u32, DST + insn->off) = (u32)SRC;
	goto *jumptable[(++insn)->code];
ST_MEM_W:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 4)))
		goto fault_store;
	KBPF_MEM(u32, DST + insn->off) = (u32)IMM;
	goto *jumptable[(++insn)->code];
LDX_MEM_DW:
	if (unlikely(INTERP_BAD_ACCESS(SRC + insn->off, 8)))
		goto fault_load;
	DST = KBPF_MEM(u64, SRC + insn->off);
	goto *jumptable[(++insn)->code];
STX_MEM_DW:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 8)))
		goto fault_store;
	KBPF_MEM(u64, DST + insn->off) = (u64)SRC;
	goto *jumptable[(++insn)->code];
ST_MEM_DW:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 8)))
		goto fault_store;
	KBPF_MEM(u64, DST + insn->off) = (u64)IMM;
	goto *jumptable[(++insn)->code];
	/* Sign-extending loads (ISA v4). */
LDX_MEMSX_B:
	if (unlikely(INTERP_BAD_ACCESS(SRC + insn->off, 1)))
		goto fault_load;
	DST = (u64)(s64)KBPF_MEM(s8, SRC + insn->off);
	goto *jumptable[(++insn)->code];
LDX_MEMSX_H:
	if (unlikely(INTERP_BAD_ACCESS(SRC + insn->off, 2)))
		goto fault_load;
	DST = (u64)(s64)KBPF_MEM(s16, SRC + insn->off);
	goto *jumptable[(++insn)->code];
LDX_MEMSX_W:
	if (unlikely(INTERP_BAD_ACCESS(SRC + insn->off, 4)))
		goto fault_load;
	DST = (u64)(s64)KBPF_MEM(s32, SRC + insn->off);
	goto *jumptable[(++insn)->code];
STX_ATOMIC_W:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 4)))
		goto fault_atomic;
	if (unlikely(INTERP_MISALIGNED(DST + insn->off, 4)))
		goto fault_misaligned;
	if (unlikely(!kbpf_atomic32(DST + insn->off, IMM, &SRC, &R0)))
		goto bad_insn;
	goto *jumptable[(++insn)->code];
STX_ATOMIC_DW:
	if (unlikely(INTERP_BAD_ACCESS(DST + insn->off, 8)))
		goto fault_atomic;
	if (unlikely(INTERP_MISALIGNED(DST + insn->off, 8)))
		goto fault_misaligned;
	if (unlikely(!kbpf_atomic64(DST + insn->off, IMM, &SRC, &R0)))
		goto bad_insn;
	goto *jumptable[(++insn)->code];
LD_IMM_DW:
	if (unlikely(insn->src_reg == BPF_PSEUDO_FUNC))
		goto ld_func;
	DST = (u64)(u32)insn[0].imm | (u64)(u32)insn[1].imm << 32;
	insn++;
	goto *jumptable[(++insn)->code];
	/* A callback: its descriptor, by the load's ordinal (engine.h). */
ld_func:
	if (unlikely(INTERP_SANDBOX))
		goto fault_sandbox;
	if (unlikely((u32)insn[1].imm >= INTERP_CODE->nr_callbacks))
		goto bad_insn;
	DST = (unsigned long)&INTERP_CODE->callbacks[(u32)insn[1].imm];
	insn++;
	goto *jumptable[(++insn)->code];

	/* Legacy packet loads: the offset is 32 bits, as Linux's helpers take it. */
LD_ABS_B:
	ld_size = 1;
	ld_off = IMM;
	goto ld_pkt;
LD_IND_B:
	ld_size = 1;
	ld_off = (s32)((u32)SRC + (u32)IMM);
	goto ld_pkt;
LD_ABS_H:
	ld_size = 2;
	ld_off = IMM;
	goto ld_pkt;
LD_IND_H:
	ld_size = 2;
	ld_off = (s32)((u32)SRC + (u32)IMM);
	goto ld_pkt;
LD_ABS_W:
	ld_size = 4;
	ld_off = IMM;
	goto ld_pkt;
LD_IND_W:
	ld_size = 4;
	ld_off = (s32)((u32)SRC + (u32)IMM);
	goto ld_pkt;

ld_pkt: {
	s64 v;

	if (unlikely(INTERP_SANDBOX))
		goto fault_sandbox;
	v = kbpf_ld_abs((const struct sk_buff *)(unsigned long)regs[BPF_REG_6],
			ld_off, ld_size);

	/* Outside the packet: return 0, as Linux's rewrite of LD_ABS does. */
	if (unlikely(v < 0)) {
		R0 = 0;
		goto JMP_EXIT;
	}
	R0 = (u64)v;
	goto *jumptable[(++insn)->code];
}

JMP_CALL:
	if (insn->src_reg == BPF_PSEUDO_CALL)
		goto call_subprog;
	if (unlikely(INTERP_SANDBOX))
		goto fault_sandbox;
	R0 = kbpf_call_target(IMM)(regs[BPF_REG_1], regs[BPF_REG_2],
				   regs[BPF_REG_3], regs[BPF_REG_4],
				   regs[BPF_REG_5]);
	goto *jumptable[(++insn)->code];

call_subprog: {
	struct interp_frame *f = &frames[depth];
	/* The caller's frame, 8-byte aligned; off is the callee's depth. */
	u64 below = round_up((u64)size, 8);
	u32 callee_size = (u16)insn->off;

	if (unlikely(depth == ARRAY_SIZE(frames) || below > fp - stack_lo ||
		     fp - stack_lo - below < callee_size))
		goto fault_stack;
	INTERP_NEW_STACK(fp - below - callee_size, below - size + callee_size);
	f->ret = insn + 1;
	memcpy(f->callee_saved, &regs[BPF_REG_6], sizeof(f->callee_saved));
	f->fp = fp;
	f->size = size;
	depth++;
	fp -= below;
	size = callee_size;
	regs[BPF_REG_10] = fp;
	insn += IMM;
	goto *jumptable[(++insn)->code];
}

JMP_EXIT: {
	const struct interp_frame *f;

	if (!depth)
		return R0;
	f = &frames[--depth];
	memcpy(&regs[BPF_REG_6], f->callee_saved, sizeof(f->callee_saved));
	fp = f->fp;
	size = f->size;
	regs[BPF_REG_10] = fp;
	insn = f->ret;
	goto *jumptable[insn->code];
}

JMP_TAIL_CALL: {
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)regs[BPF_REG_2];
	struct kbpf_prog_array *array =
		container_of(map, struct kbpf_prog_array, map);
	u32 index = (u32)regs[BPF_REG_3];
	const struct kbpf_code *next;

	if (unlikely(INTERP_SANDBOX))
		goto fault_sandbox;
	/* Linux's order: bounds, then the count, then the slot. */
	if (unlikely(index >= array->map.max_entries))
		goto *jumptable[(++insn)->code];
	if (unlikely(tail_calls >= KBPF_MAX_TAIL_CALL_CNT))
		goto *jumptable[(++insn)->code];
	tail_calls++;
	next = READ_ONCE(array->ptrs[index]);
	if (unlikely(!next))
		goto *jumptable[(++insn)->code];
	/* The target takes over this frame, sized as it declares. */
	if (unlikely(fp - stack_lo < next->stack_depth))
		goto fault_stack;
	size = next->stack_depth;
	insn = next->insnsi;
	goto *jumptable[insn->code];
}

	/* Each fault ends the run with R0 = 0; a checked run says why. */
bad_insn:
	INTERP_FAULT(KBPF_INTERP_BAD_INSN);
	return 0;
fault_stack:
	INTERP_FAULT(KBPF_INTERP_STACK_OVERFLOW);
	return 0;
fault_load:
	INTERP_FAULT(KBPF_INTERP_BAD_LOAD);
	return 0;
fault_store:
	INTERP_FAULT(KBPF_INTERP_BAD_STORE);
	return 0;
fault_atomic:
	INTERP_FAULT(KBPF_INTERP_BAD_ATOMIC);
	return 0;
fault_misaligned:
	INTERP_FAULT(KBPF_INTERP_MISALIGNED_ATOMIC);
	return 0;
fault_sandbox:
	INTERP_FAULT(KBPF_INTERP_SANDBOXED);
	return 0;
}
