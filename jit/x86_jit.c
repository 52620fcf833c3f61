// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 JIT's driver: checks the program (x86_jit_check.c), then runs
 * emission passes until the image stops shrinking, writes it once into
 * executable memory (exec.h), and emits what concerns functions as a whole:
 * the entry, prologues and epilogues, helper and bpf-to-bpf calls, tail
 * calls and exits. The register map, image layout and pass scheme are
 * described in x86_jit_priv.h.
 *
 * One image holds all of a program's functions, reached by direct calls,
 * rather than one image per subprogram as in Linux: calls are rel32 within
 * the image, need no second pass to learn callee addresses, and the
 * program's memory is one allocation with one lifetime.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "exec.h"
#include "x86_jit.h"
#include "x86_jit_priv.h"

/*
 * Real programs converge in 3 to 6 passes, but a chain of forward jumps,
 * each reaching rel8 only once the next one has shrunk, shrinks one jump a
 * pass. From JIT_PAD_PASS on, the passes pad instead of shrinking (see
 * jit_set_label()), so the next one converges; JIT_MAX_PASSES is the
 * backstop.
 */
#define JIT_PAD_PASS	16
#define JIT_MAX_PASSES	20

const u8 kbpf_jit_reg[MAX_BPF_EXT_REG] = {
	[BPF_REG_0] = KBPF_X86_RAX,
	[BPF_REG_1] = KBPF_X86_RDI,
	[BPF_REG_2] = KBPF_X86_RSI,
	[BPF_REG_3] = KBPF_X86_RDX,
	[BPF_REG_4] = KBPF_X86_RCX,
	[BPF_REG_5] = KBPF_X86_R8,
	[BPF_REG_6] = KBPF_X86_RBX,
	[BPF_REG_7] = KBPF_X86_R13,
	[BPF_REG_8] = KBPF_X86_R14,
	[BPF_REG_9] = KBPF_X86_R15,
	[BPF_REG_10] = KBPF_X86_RBP,
	[BPF_REG_AX] = JIT_BPF_AX,
};

/*
 * R6-R9: what the entry saves for C, and a bpf-to-bpf call for the caller
 * (bit k of jit_func.clobbers and ctx->inlined is bpf_callee_saved[k]).
 */
static const u8 bpf_callee_saved[] = {
	KBPF_X86_RBX, KBPF_X86_R13, KBPF_X86_R14, KBPF_X86_R15,
};

void jit_set_label(struct jit_ctx *ctx, u32 label)
{
	u32 at = kbpf_x86_len(&ctx->e);

	/*
	 * A padding pass keeps every label where the pass before put it:
	 * what shrank before it is made up with nops (executed only when
	 * falling through). Jumps are then sized against the exact layout,
	 * so none grows and the next pass lays out the same.
	 */
	if (ctx->pad && at < ctx->old[label]) {
		kbpf_x86_nop(&ctx->e, ctx->old[label] - at);
		at = ctx->old[label];
	}
	ctx->addrs[label] = at;
	ctx->shift = ctx->sized ? (s64)at - ctx->old[label] : 0;
}

/*
 * Branches to labels. Before the first complete pass every one is rel32
 * (the longest); after it, rel8 where the old layout says it reaches.
 * Layouts only shrink, so a branch never needs to grow back.
 */
void jit_jcc_label(struct jit_ctx *ctx, enum kbpf_x86_cc cc, u32 label)
{
	struct kbpf_x86 *e = &ctx->e;
	s64 target = jit_label(ctx, label);
	s64 rel8 = target - (kbpf_x86_len(e) + 2);

	if (ctx->sized && rel8 == (s8)rel8)
		kbpf_x86_jcc_rel8(e, cc, rel8);
	else
		kbpf_x86_jcc_rel32(e, cc, ctx->sized ?
				   target - (kbpf_x86_len(e) + 6) : 0);
}

void jit_jmp_label(struct jit_ctx *ctx, u32 label)
{
	struct kbpf_x86 *e = &ctx->e;
	s64 target = jit_label(ctx, label);
	s64 rel8 = target - (kbpf_x86_len(e) + 2);

	if (ctx->sized && rel8 == (s8)rel8)
		kbpf_x86_jmp_rel8(e, rel8);
	else
		kbpf_x86_jmp_rel32(e, ctx->sized ?
				   target - (kbpf_x86_len(e) + 5) : 0);
}

static void call_label(struct jit_ctx *ctx, u32 label)
{
	struct kbpf_x86 *e = &ctx->e;

	kbpf_x86_call_abs(e, e->addr + (ctx->sized ? jit_label(ctx, label) :
					kbpf_x86_len(e)));
}

/* ENDBR64 where an indirect branch lands under IBT, else the same room. */
static void emit_landing_pad(struct kbpf_x86 *e, bool always_room)
{
	if (kbpf_ibt_enabled())
		kbpf_x86_endbr64(e);
	else if (always_room)
		kbpf_x86_nop(e, 4);
}

/*
 * The entry, called from C as bpf_func(ctx, code): saves what C expects
 * kept (rbp, rbx, r12-r15), starts R0 and R2-R9 at zero like the
 * interpreter and the tail call count at 0, and calls the main function
 * with rsp aligned as for any call. Fixed size, so every image's main
 * function starts at JIT_BODY_OFFSET and a tail call finds it.
 */
static int emit_entry(struct jit_ctx *ctx)
{
	static const u8 zeroed[] = {
		KBPF_X86_RAX, KBPF_X86_RSI, KBPF_X86_RDX, KBPF_X86_RCX,
		KBPF_X86_R8, KBPF_X86_RBX, KBPF_X86_R13, KBPF_X86_R14,
		KBPF_X86_R15, JIT_TCC,
	};
	struct kbpf_x86 *e = &ctx->e;
	u32 i;

	emit_landing_pad(e, true);
	kbpf_x86_push(e, KBPF_X86_RBP);
	kbpf_x86_mov_rr(e, true, KBPF_X86_RBP, KBPF_X86_RSP);
	kbpf_x86_push(e, KBPF_X86_RBX);
	kbpf_x86_push(e, JIT_TCC);
	kbpf_x86_push(e, KBPF_X86_R13);
	kbpf_x86_push(e, KBPF_X86_R14);
	kbpf_x86_push(e, KBPF_X86_R15);
	kbpf_x86_push(e, KBPF_X86_RAX);		/* alignment */
	for (i = 0; i < ARRAY_SIZE(zeroed); i++)
		kbpf_x86_zero(e, zeroed[i]);
	call_label(ctx, jit_func_entry(ctx, 0));
	kbpf_x86_pop(e, KBPF_X86_RDX);		/* alignment */
	kbpf_x86_pop(e, KBPF_X86_R15);
	kbpf_x86_pop(e, KBPF_X86_R14);
	kbpf_x86_pop(e, KBPF_X86_R13);
	kbpf_x86_pop(e, JIT_TCC);
	kbpf_x86_pop(e, KBPF_X86_RBX);
	kbpf_x86_pop(e, KBPF_X86_RBP);
	kbpf_exec_emit_return(e);
	if (kbpf_x86_len(e) > JIT_BODY_OFFSET)
		return -EFAULT;
	while (kbpf_x86_len(e) < JIT_BODY_OFFSET)
		kbpf_x86_int3(e);
	return 0;
}

/*
 * A function's prologue: a frame whose rbp is R10, with its declared
 * stack below, rounded to keep rsp 16-byte aligned for calls, and below
 * that the saves and frames of the callees inlined into it (all at the
 * same place: copies never nest). The main function is where tail calls land,
 * indirectly: a landing pad.
 */
static void emit_prologue(struct jit_ctx *ctx, u32 f)
{
	struct kbpf_x86 *e = &ctx->e;
	u32 stack = round_up(ctx->funcs[f].stack, 16) +
		    ctx->funcs[f].inline_stack;

	jit_set_label(ctx, jit_func_entry(ctx, f));
	if (!f)
		emit_landing_pad(e, false);
	kbpf_x86_push(e, KBPF_X86_RBP);
	kbpf_x86_mov_rr(e, true, KBPF_X86_RBP, KBPF_X86_RSP);
	if (stack)
		kbpf_x86_alu_imm(e, KBPF_X86_SUB, true, KBPF_X86_RSP, stack);
}

static void emit_epilogue(struct jit_ctx *ctx, u32 f)
{
	jit_set_label(ctx, jit_func_epilogue(ctx, f));
	kbpf_x86_leave(&ctx->e);
	kbpf_exec_emit_return(&ctx->e);
}

/*
 * Which of R6-R9 (bits of bpf_callee_saved[]) a call to function f may
 * change: those its own instructions write. What it calls it saves around
 * those calls itself, and helpers keep them (callee-saved in C); but a tail
 * call puts another program's code in f's place, which may write any.
 */
static u8 func_clobbers(const struct jit_ctx *ctx, u32 f)
{
	const struct jit_func *fn = &ctx->funcs[f];
	u8 mask = 0;
	u32 i;

	for (i = fn->start; i < fn->end; i++) {
		const struct bpf_insn *insn = &ctx->insns[i];
		u8 reg;

		switch (BPF_CLASS(insn->code)) {
		case BPF_ALU:
		case BPF_ALU64:
		case BPF_LDX:
		case BPF_LD:
			reg = insn->dst_reg;
			break;
		case BPF_STX:
			/* An atomic with BPF_FETCH writes its source. */
			if (BPF_MODE(insn->code) != BPF_ATOMIC)
				continue;
			reg = insn->src_reg;
			break;
		case BPF_JMP:
			if (insn->code == (BPF_JMP | BPF_TAIL_CALL))
				return (1U << ARRAY_SIZE(bpf_callee_saved)) - 1;
			continue;
		default:
			continue;
		}
		if (reg >= BPF_REG_6 && reg <= BPF_REG_9)
			mask |= BIT(reg - BPF_REG_6);
	}
	return mask;
}

static int emit_body(struct jit_ctx *ctx, u32 start, u32 end);

/*
 * An inline copy of function f's body in place of a call to it
 * (x86_jit_inline.c): its own labels, taken in emission order, one more
 * for its end, where its EXITs go. Below the caller's stack, a slot for
 * each of R6-R9 the callee writes and the caller reads after (saves),
 * then the copy's frame. No push: rsp stays where the prologue put it,
 * aligned for the helpers the copy calls.
 */
static int emit_inline_copy(struct jit_ctx *ctx, u32 f, u8 saves)
{
	const struct jit_func *callee = &ctx->funcs[f];
	struct kbpf_x86 *e = &ctx->e;
	u32 base = ctx->next_label, n = callee->end - callee->start;
	u32 idx = ctx->idx, body_end = ctx->body_end;
	u32 exit_label = ctx->exit_label, i;
	s32 slots = -(s32)round_up(ctx->funcs[ctx->func].stack, 16);
	int err;

	for (i = 0; i < ARRAY_SIZE(bpf_callee_saved); i++)
		if (saves & BIT(i))
			kbpf_x86_store(e, 8, KBPF_X86_RBP, slots - 8 * (i + 1),
				       bpf_callee_saved[i]);
	/* Copies never nest: the caller's body is its function's. */
	ctx->next_label += n + 1;
	ctx->label_base = base - callee->start;
	ctx->body_end = callee->end;
	ctx->exit_label = base + n;
	ctx->r10_delta = -slots + JIT_INLINE_SAVES;
	err = emit_body(ctx, callee->start, callee->end);
	jit_set_label(ctx, ctx->exit_label);
	ctx->idx = idx;
	ctx->label_base = 0;
	ctx->body_end = body_end;
	ctx->exit_label = exit_label;
	ctx->r10_delta = 0;
	for (i = 0; i < ARRAY_SIZE(bpf_callee_saved); i++)
		if (saves & BIT(i))
			kbpf_x86_load(e, 8, bpf_callee_saved[i], KBPF_X86_RBP,
				      slots - 8 * (i + 1));
	return err;
}

/*
 * bpf-to-bpf: R1-R5 are the arguments already; the caller keeps what of
 * R6-R9 the callee may change, an even number of them so rsp stays 16-byte
 * aligned for the callee (an odd one out is pushed with a neighbour). Or
 * a copy of the callee.
 */
static int emit_pseudo_call(struct jit_ctx *ctx, const struct bpf_insn *insn)
{
	struct kbpf_x86 *e = &ctx->e;
	u32 f = jit_func_at(ctx, ctx->idx + 1 + insn->imm), i;
	u8 mask = ctx->funcs[f].clobbers;

	if (ctx->inlined[ctx->idx])
		return emit_inline_copy(ctx, f,
					ctx->inlined[ctx->idx] & JIT_R6_R9);
	for (i = 0; i < ARRAY_SIZE(bpf_callee_saved); i += 2)
		if (mask & (3U << i))
			mask |= 3U << i;
	for (i = 0; i < ARRAY_SIZE(bpf_callee_saved); i++)
		if (mask & BIT(i))
			kbpf_x86_push(e, bpf_callee_saved[i]);
	call_label(ctx, jit_func_entry(ctx, f));
	for (i = ARRAY_SIZE(bpf_callee_saved); i-- > 0;)
		if (mask & BIT(i))
			kbpf_x86_pop(e, bpf_callee_saved[i]);
	return 0;
}

/*
 * A callback's stub, called from a helper in C as kbpf_callback_fn: R1-R5
 * are in place, the descriptor (r9) is not needed. Saves what C expects
 * kept and the frame, as the entry does (same pushes, same alignment);
 * starts the tail call count at zero (callbacks cannot tail call, but the
 * count must not be whatever C left in r12).
 */
static void emit_callback_stub(struct jit_ctx *ctx, u32 f)
{
	struct kbpf_x86 *e = &ctx->e;

	jit_set_label(ctx, jit_func_stub(ctx, f));
	emit_landing_pad(e, false);
	kbpf_x86_push(e, KBPF_X86_RBP);
	kbpf_x86_mov_rr(e, true, KBPF_X86_RBP, KBPF_X86_RSP);
	kbpf_x86_push(e, KBPF_X86_RBX);
	kbpf_x86_push(e, JIT_TCC);
	kbpf_x86_push(e, KBPF_X86_R13);
	kbpf_x86_push(e, KBPF_X86_R14);
	kbpf_x86_push(e, KBPF_X86_R15);
	kbpf_x86_push(e, KBPF_X86_RAX);		/* alignment */
	kbpf_x86_zero(e, JIT_TCC);
	call_label(ctx, jit_func_entry(ctx, f));
	kbpf_x86_pop(e, KBPF_X86_RDX);		/* alignment */
	kbpf_x86_pop(e, KBPF_X86_R15);
	kbpf_x86_pop(e, KBPF_X86_R14);
	kbpf_x86_pop(e, KBPF_X86_R13);
	kbpf_x86_pop(e, JIT_TCC);
	kbpf_x86_pop(e, KBPF_X86_RBX);
	kbpf_x86_pop(e, KBPF_X86_RBP);
	kbpf_exec_emit_return(e);
}

/*
 * The callbacks' stubs, then their descriptors: 8-byte words (aligned:
 * helpers read them as pointers) holding each stub's address. Nothing
 * jumps past them, so their padding moving between passes moves no label
 * that code depends on.
 */
static void emit_callbacks(struct jit_ctx *ctx)
{
	struct kbpf_x86 *e = &ctx->e;
	u32 f, n = 0;

	for (f = 0; f < ctx->nr_funcs; f++) {
		if (!ctx->funcs[f].callback)
			continue;
		emit_callback_stub(ctx, f);
		n++;
	}
	if (!n)
		return;
	/* Images start 8-byte aligned (exec.h), so the offset decides. */
	while (kbpf_x86_len(e) & 7)
		kbpf_x86_int3(e);
	for (f = 0; f < ctx->nr_funcs; f++) {
		u64 stub;

		if (!ctx->funcs[f].callback)
			continue;
		jit_set_label(ctx, jit_func_desc(ctx, f));
		stub = e->addr + (ctx->sized ?
				  jit_label(ctx, jit_func_stub(ctx, f)) : 0);
		kbpf_x86_bytes(e, (const u8 *)&stub, sizeof(stub));
	}
}

/*
 * Tail call: R2 the prog array's map, R3 the index. In Linux's order: an
 * index out of range, the count at its limit, or an empty slot go on with
 * the next instruction (the count goes up even for an empty slot). A slot
 * holding a program that is not JITed counts as empty: its bpf_func is no
 * image to jump into. Otherwise this function's frame goes and the
 * target's main function takes its place.
 */
static void emit_tail_call(struct jit_ctx *ctx)
{
	struct kbpf_x86 *e = &ctx->e;
	const s32 map = offsetof(struct kbpf_prog_array, map);
	int r2 = kbpf_jit_reg[BPF_REG_2], r3 = kbpf_jit_reg[BPF_REG_3];
	u32 out[4], i;

	kbpf_x86_mov_rr(e, false, JIT_TMP2, r3);
	kbpf_x86_load(e, 4, JIT_AX, r2,
		      offsetof(struct kbpf_prog_array, map.max_entries) - map);
	kbpf_x86_alu_rr(e, KBPF_X86_CMP, false, JIT_TMP2, JIT_AX);
	out[0] = kbpf_x86_jcc_fwd(e, KBPF_X86_JAE);
	kbpf_x86_alu_imm(e, KBPF_X86_CMP, false, JIT_TCC,
			 KBPF_MAX_TAIL_CALL_CNT);
	out[1] = kbpf_x86_jcc_fwd(e, KBPF_X86_JAE);
	kbpf_x86_alu_imm(e, KBPF_X86_ADD, false, JIT_TCC, 1);
	kbpf_x86_shift_imm(e, KBPF_X86_SHL, true, JIT_TMP2, 3);
	kbpf_x86_alu_rr(e, KBPF_X86_ADD, true, JIT_TMP2, r2);
	kbpf_x86_load(e, 8, JIT_TMP, JIT_TMP2,
		      offsetof(struct kbpf_prog_array, ptrs) - map);
	kbpf_x86_test_rr(e, true, JIT_TMP, JIT_TMP);
	out[2] = kbpf_x86_jcc_fwd(e, KBPF_X86_JE);
	kbpf_x86_load(e, 1, JIT_AX, JIT_TMP, offsetof(struct kbpf_code, jited));
	kbpf_x86_test_rr(e, false, JIT_AX, JIT_AX);
	out[3] = kbpf_x86_jcc_fwd(e, KBPF_X86_JE);
	kbpf_x86_load(e, 8, JIT_TMP, JIT_TMP,
		      offsetof(struct kbpf_code, bpf_func));
	kbpf_x86_alu_imm(e, KBPF_X86_ADD, true, JIT_TMP, JIT_BODY_OFFSET);
	kbpf_x86_leave(e);
	kbpf_exec_emit_indirect_jump(e, JIT_TMP);
	for (i = 0; i < ARRAY_SIZE(out); i++)
		kbpf_x86_bind(e, out[i]);
}

static int emit_jmp(struct jit_ctx *ctx, const struct bpf_insn *insn)
{
	struct kbpf_x86 *e = &ctx->e;
	u32 next = ctx->idx + 1;

	switch (insn->code) {
	case BPF_JMP | BPF_JA:
		if (insn->off)
			jit_jmp_label(ctx, jit_insn_label(ctx, next + insn->off));
		return 0;
	case BPF_JMP32 | BPF_JA:
		if (insn->imm)
			jit_jmp_label(ctx, jit_insn_label(ctx, next + insn->imm));
		return 0;
	case BPF_JMP | BPF_EXIT:
		/* The last one falls into the epilogue (or the copy's end). */
		if (next != ctx->body_end)
			jit_jmp_label(ctx, ctx->exit_label);
		return 0;
	case BPF_JMP | BPF_CALL:
		if (insn->src_reg == BPF_PSEUDO_CALL)
			return emit_pseudo_call(ctx, insn);
		kbpf_x86_call_abs(e, (unsigned long)kbpf_call_target(insn->imm));
		return 0;
	case BPF_JMP | BPF_TAIL_CALL:
		emit_tail_call(ctx);
		return 0;
	default:
		return jit_emit_jmp_cond(ctx, insn);
	}
}

static int emit_insn(struct jit_ctx *ctx, const struct bpf_insn *insn)
{
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return jit_emit_alu(ctx, insn);
	case BPF_JMP:
	case BPF_JMP32:
		return emit_jmp(ctx, insn);
	case BPF_LD:
		if (BPF_MODE(insn->code) == BPF_IMM)
			return jit_emit_ld_imm64(ctx, insn);
		return jit_emit_ld_pkt(ctx, insn);
	default:
		return jit_emit_mem(ctx, insn);
	}
}

/* Instructions [start, end), of a function or of an inline copy. */
static int emit_body(struct jit_ctx *ctx, u32 start, u32 end)
{
	u32 i;
	int err;

	for (i = start; i < end; i++) {
		const struct bpf_insn *insn = &ctx->insns[i];

		ctx->idx = i;
		jit_set_label(ctx, jit_insn_label(ctx, i));
		err = emit_insn(ctx, insn);
		if (err)
			return err;
		/* A 64-bit immediate's second half has no code. */
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW))
			ctx->addrs[jit_insn_label(ctx, ++i)] =
				kbpf_x86_len(&ctx->e);
	}
	return 0;
}

/*
 * One pass over the whole program, into e (which may only measure). A
 * function only ever inlined has no code of its own.
 */
static int emit_image(struct jit_ctx *ctx)
{
	u32 f;
	int err;

	ctx->shift = 0;
	ctx->next_label = ctx->len + JIT_FUNC_LABELS * ctx->nr_funcs;
	err = emit_entry(ctx);
	if (err)
		return err;
	for (f = 0; f < ctx->nr_funcs; f++) {
		const struct jit_func *fn = &ctx->funcs[f];

		if (!fn->emitted)
			continue;
		ctx->func = f;
		ctx->label_base = 0;
		ctx->body_end = fn->end;
		ctx->exit_label = jit_func_epilogue(ctx, f);
		ctx->r10_delta = 0;
		emit_prologue(ctx, f);
		err = emit_body(ctx, fn->start, fn->end);
		if (err)
			return err;
		emit_epilogue(ctx, f);
	}
	emit_callbacks(ctx);
	return kbpf_x86_error(&ctx->e);
}

/* The image being emitted: buf, copied to image (len bytes) once final. */
struct jit_out {
	u8 *buf;
	void *image;
	u32 len;
};

static void jit_out_free(struct jit_out *out)
{
	kvfree(out->buf);
	kbpf_exec_free(out->image);
	out->buf = NULL;
	out->image = NULL;
	out->len = 0;
}

static int jit_out_alloc(struct jit_out *out, u32 len)
{
	out->buf = kvmalloc(len, GFP_KERNEL);
	if (!out->buf)
		return -ENOMEM;
	out->image = kbpf_exec_alloc(len);
	if (!out->image) {
		kvfree(out->buf);
		out->buf = NULL;
		return -ENOSPC;
	}
	out->len = len;
	return 0;
}

/*
 * Emit until a pass lays every label where the pass before did. The first
 * pass only measures (every branch rel32); each later one is emitted into
 * out for the address the image will run at, sized by the pass before. The
 * layout does not depend on that address (calls are rel32, addresses 10-byte
 * movabs), so the pass that converges is the final image: no pass is spent
 * to redo it. A pass that shrinks gets its image reallocated to the new
 * size; one that grows (the descriptors' alignment padding can) overflows
 * out, and is measured again. Passes from JIT_PAD_PASS on pad rather than
 * shrink, so the layout stops moving. 0, or -errno.
 */
static int emit_passes(struct jit_ctx *ctx, struct jit_out *out)
{
	u32 pass, len;
	int err;

	/* The measuring pass pretends to run next to the helpers' anchor. */
	kbpf_x86_init(&ctx->e, NULL, 0, (unsigned long)kbpf_call_base);
	err = emit_image(ctx);
	if (err)
		return err;
	for (pass = 1; pass < JIT_MAX_PASSES; pass++) {
		len = kbpf_x86_len(&ctx->e);
		swap(ctx->addrs, ctx->old);
		ctx->sized = true;
		ctx->pad = pass >= JIT_PAD_PASS;
		if (len != out->len) {
			jit_out_free(out);
			err = jit_out_alloc(out, len);
			if (err)
				return err;
		}
		kbpf_x86_init(&ctx->e, out->buf, len, (unsigned long)out->image);
		err = emit_image(ctx);
		if (err == -ENOSPC) {
			/* It grew: the same pass again, measuring only. */
			kbpf_x86_init(&ctx->e, NULL, 0,
				      (unsigned long)out->image);
			err = emit_image(ctx);
			if (err)
				return err;
			continue;
		}
		if (err)
			return err;
		if (kbpf_x86_len(&ctx->e) == len &&
		    !memcmp(ctx->addrs, ctx->old,
			    ctx->nr_labels * sizeof(*ctx->addrs)))
			return 0;
		/* A pass over a million instructions takes a while. */
		cond_resched();
	}
	return -E2BIG;
}

static int jit_translate(struct jit_ctx *ctx, struct kbpf_code *code)
{
	struct jit_out out = {};
	u32 i, inline_labels;
	int err;

	err = jit_check_program(ctx, code->stack_depth);
	if (err)
		return err;
	for (i = 0; i < ctx->nr_funcs; i++)
		ctx->funcs[i].clobbers = func_clobbers(ctx, i);
	err = jit_plan_inlining(ctx, &inline_labels);
	if (err)
		return err;
	ctx->nr_labels = ctx->len + JIT_FUNC_LABELS * ctx->nr_funcs +
			 inline_labels;
	ctx->addrs = kvcalloc(ctx->nr_labels, sizeof(u32), GFP_KERNEL);
	ctx->old = kvcalloc(ctx->nr_labels, sizeof(u32), GFP_KERNEL);
	if (!ctx->addrs || !ctx->old)
		return -ENOMEM;
	err = emit_passes(ctx, &out);
	if (!err)
		err = kbpf_exec_write(out.image, out.buf, out.len);
	if (err) {
		jit_out_free(&out);
		return err;
	}
	code->bpf_func = out.image;
	code->jited = true;
	code->jited_len = out.len;
	kvfree(out.buf);
	return 0;
}

int kbpf_jit_compile(struct kbpf_code *code, bool blind)
{
	struct jit_ctx ctx = {
		.insns = code->insnsi,
		.len = code->len,
		.blind = blind,
	};
	int err;

	if (!code->len)
		return -EINVAL;
	if (code->len > KBPF_JIT_MAX_INSNS)
		return -E2BIG;
	if (blind)
		ctx.seed = get_random_u32();
	err = jit_translate(&ctx, code);
	kvfree(ctx.addrs);
	kvfree(ctx.old);
	kvfree(ctx.funcs);
	kvfree(ctx.inlined);
	return err;
}

void kbpf_jit_free(struct kbpf_code *code)
{
	if (!code->jited)
		return;
	kbpf_exec_free(code->bpf_func);
	code->bpf_func = NULL;
	code->jited = false;
	code->jited_len = 0;
}
