/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the JIT's translation units share: the register map, the
 * translation context, and the per-concern emitters.
 *
 * Registers. BPF R0-R10 live in rax, rdi, rsi, rdx, rcx, r8, rbx, r13,
 * r14, r15 and rbp: R1-R5 are the SysV argument registers in order, so a
 * helper call needs no moves, and R6-R9 are callee-saved, so they survive
 * one. The four x86 registers left over have fixed jobs:
 *   r11  JIT_AX   immediates (blinded ones too), divisors, shift save
 *   r10  JIT_TMP  saved rax around div and atomics, tail call target
 *   r9   JIT_TMP2 saved rdx around div, atomic's new value, tail call index
 *   r12  JIT_TCC  the run's tail call count: callee-saved, so helpers keep
 *                 it, and never saved by a function, so subprograms and
 *                 tail call targets all count in the same one
 * BPF_REG_AX, the verifier's scratch register, lives in r10 as in Linux:
 * it is live only inside one fix-up sequence (loads, stores, ALU and
 * conditional jumps), never across a call or a tail call, where JIT_TMP
 * is used. Division and the atomics also use JIT_TMP, so the JIT refuses
 * AX as their operand (x86_jit_check.c): no fix-up emits those. JIT_AX (r11) is a different register, so blinding an immediate
 * of an instruction that names AX keeps AX intact.
 *
 * Image layout. A fixed-size entry (the function C calls: saves the
 * callee-saved registers, zeroes R0 and R2-R9 and the count, calls the
 * main function) at offset 0, then each function: prologue (push rbp;
 * mov rbp, rsp; sub rsp, stack: R10 = rbp is the top of its stack), its
 * instructions, its epilogue (leave; ret). The main function starts at
 * JIT_BODY_OFFSET in every image: a tail call jumps there, with the frame
 * it leaves already popped, so the target returns where the caller would.
 * bpf-to-bpf calls push R6-R9 around a direct call: the callee, or what it
 * tail calls, may use them freely. Only those the callee's own instructions
 * write (all four if it tail calls), plus one to keep rsp 16-byte aligned.
 * A call to a small leaf subprogram is instead a copy of its body, which
 * saves R6-R9 in its caller's frame, and only those the caller reads after
 * it (x86_jit_inline.c); a function only ever copied has no code of its
 * own. After the last function, a stub per
 * callback (C calls it like the entry, with R1-R5 as the SysV arguments:
 * it saves rbx and r12-r15, zeroes the count and calls the function),
 * then, 8-byte aligned, one word per callback holding its stub's
 * address: the struct kbpf_callback that LD_IMM64 BPF_PSEUDO_FUNC loads
 * (engine.h).
 *
 * Sizes. Jumps shrink from rel32 to rel8 over passes: each pass measures
 * with the label offsets of the pass before (old[]), so sizes never grow,
 * and when a pass reproduces every label the code is final. Branches to
 * labels are computed in the old pass's coordinates (see jit_label()).
 */
#ifndef KBPF_JIT_X86_JIT_PRIV_H
#define KBPF_JIT_X86_JIT_PRIV_H

#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include "x86_emit.h"

#define JIT_AX		KBPF_X86_R11
#define JIT_TMP		KBPF_X86_R10
#define JIT_TMP2	KBPF_X86_R9
#define JIT_TCC		KBPF_X86_R12
/* BPF_REG_AX shares r10 with JIT_TMP (see above). */
#define JIT_BPF_AX	JIT_TMP

/* Where the main function starts: the entry is int3-padded up to here. */
#define JIT_BODY_OFFSET	80

/* x86 register of each BPF register. */
extern const u8 kbpf_jit_reg[MAX_BPF_EXT_REG];

/* A function of the program: the main one, or a bpf-to-bpf call target. */
struct jit_func {
	u32 start, end;		/* its instructions, [start, end) */
	u32 stack;		/* bytes of stack it declares */
	u32 depth;		/* longest call chain from it, itself included */
	u32 chain_stack;	/* most stack such a chain uses */
	u8 state;		/* call graph walk */
	u8 clobbers;		/* R6-R9 a call to it may change: bits */
	bool callback;		/* loaded by LD_IMM64 BPF_PSEUDO_FUNC */
	bool inlinable;		/* calls to it may be copies of it */
	bool emitted;		/* has code of its own (not only copies) */
	u32 inline_stack;	/* room below its stack for copies' frames */
};

struct jit_ctx {
	const struct bpf_insn *insns;
	u32 len;
	struct jit_func *funcs;
	u32 nr_funcs;
	/*
	 * Labels: instruction i starts at label i; function f's entry is
	 * label len + 4f, its epilogue len + 4f + 1, and for a callback its
	 * C-callable stub len + 4f + 2 and descriptor len + 4f + 3; then the
	 * inline copies', in the order they are emitted. addrs[] gets this
	 * pass's offsets, old[] holds the pass before's.
	 */
	u32 *addrs, *old;
	u32 nr_labels;
	bool sized;		/* old[] is a complete pass */
	bool pad;		/* labels stay at old[] (jit_set_label()) */
	/* This pass's offset of the current anchor minus the old pass's. */
	s64 shift;
	u32 idx;		/* instruction being translated */
	u32 func;		/* its function */
	/*
	 * What is being emitted: a function's body, or an inline copy of a
	 * callee's (x86_jit_inline.c). Instruction i's label is label_base
	 * + i (mod 2^32: a copy's labels come after the functions'), an EXIT
	 * not at body_end jumps to exit_label, and R10-based accesses are
	 * moved down by r10_delta bytes (the copy's frame in its caller's).
	 */
	u32 label_base;
	u32 body_end;
	u32 exit_label;
	s32 r10_delta;
	u32 next_label;		/* the next copy's first label */
	/* By instruction: JIT_INLINED for a call copied, | the R6-R9 saved */
	u8 *inlined;
	bool blind;
	u32 seed;		/* blinding values derive from it */
	struct kbpf_x86 e;
};

#define JIT_FUNC_LABELS	4

/* R6-R9, as bits (jit_func.clobbers, ctx->inlined). */
#define JIT_R6_R9		0xf
#define JIT_INLINED		BIT(7)
/* Below a caller's stack: where copies save R6-R9, then their frame. */
#define JIT_INLINE_SAVES	32

static inline u32 jit_func_entry(const struct jit_ctx *ctx, u32 f)
{
	return ctx->len + JIT_FUNC_LABELS * f;
}

static inline u32 jit_func_epilogue(const struct jit_ctx *ctx, u32 f)
{
	return ctx->len + JIT_FUNC_LABELS * f + 1;
}

static inline u32 jit_func_stub(const struct jit_ctx *ctx, u32 f)
{
	return ctx->len + JIT_FUNC_LABELS * f + 2;
}

static inline u32 jit_func_desc(const struct jit_ctx *ctx, u32 f)
{
	return ctx->len + JIT_FUNC_LABELS * f + 3;
}

/* The label of instruction i in what is being emitted. */
static inline u32 jit_insn_label(const struct jit_ctx *ctx, u32 i)
{
	return ctx->label_base + i;
}

/* Record that label starts here, and make it the anchor of what follows. */
void jit_set_label(struct jit_ctx *ctx, u32 label);

/*
 * Offset of label in this pass's coordinates: its old offset moved by as
 * much as the current anchor moved. Exact once the passes converged.
 */
static inline s64 jit_label(const struct jit_ctx *ctx, u32 label)
{
	return (s64)ctx->old[label] + ctx->shift;
}

/* jcc / jmp to a label, rel8 when the old pass says it reaches. */
void jit_jcc_label(struct jit_ctx *ctx, enum kbpf_x86_cc cc, u32 label);
void jit_jmp_label(struct jit_ctx *ctx, u32 label);

/* The blinding value of the current instruction (never 0). */
u32 jit_blind_rnd(const struct jit_ctx *ctx);

/*
 * reg = imm, sign-extended to 64 bits when is64 (else zero-extended from
 * 32), blinded when the context says so. Flags are clobbered.
 */
void jit_load_imm(struct jit_ctx *ctx, bool is64, int reg, s32 imm);

/* Per-concern translators: 0, or -EINVAL for what they do not know. */
int jit_emit_alu(struct jit_ctx *ctx, const struct bpf_insn *insn);
int jit_emit_jmp_cond(struct jit_ctx *ctx, const struct bpf_insn *insn);
int jit_emit_mem(struct jit_ctx *ctx, const struct bpf_insn *insn);
int jit_emit_ld_imm64(struct jit_ctx *ctx, const struct bpf_insn *insn);
int jit_emit_ld_pkt(struct jit_ctx *ctx, const struct bpf_insn *insn);

/*
 * x86_jit_check.c: refuse what the JIT must not translate, and find the
 * program's functions (ctx->funcs, freed by the caller with kvfree).
 */
int jit_check_program(struct jit_ctx *ctx, u32 main_stack);

/* The function starting at instruction start (a call target). */
u32 jit_func_at(const struct jit_ctx *ctx, u32 start);

/*
 * x86_jit_inline.c: choose the calls to inline (ctx->inlined, freed by the
 * caller with kvfree) and the functions still emitted; *labels gets the
 * labels their copies need. 0, or -ENOMEM.
 */
int jit_plan_inlining(struct jit_ctx *ctx, u32 *labels);

#endif /* KBPF_JIT_X86_JIT_PRIV_H */
