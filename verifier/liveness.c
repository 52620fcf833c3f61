// SPDX-License-Identifier: GPL-2.0
/*
 * Liveness for state pruning: which registers and stack slots may still
 * be read from an instruction on. Two states that differ only in what
 * can never be read again behave the same, so pruning (states.c) need
 * only compare what is live.
 *
 * Linux marks reads during the walk (REG_LIVE_READ, propagated up the
 * parent states). kbpf computes the same thing statically, before the
 * walk, as a backward live-variable analysis over the control-flow graph
 * of each subprogram. Static liveness is a superset of what any walk
 * reads (every path of the graph counts, not only the explored ones), so
 * it may compare more than Linux does but never less: a pruned state is
 * never one whose difference could be read. It needs no hooks in the
 * rule files: only the register operands of each instruction, and
 * which instructions touch the stack.
 *
 * Registers: an instruction uses the registers it reads and defines
 * (kills) the ones it overwrites whatever they held: a helper or
 * bpf-to-bpf call and LD_ABS/IND leave R0-R5 not initialised or newly
 * set, so their old values cannot matter; a helper call reads only the
 * arguments its proto has. Anything not understood uses every register
 * and kills none.
 *
 * Stack slots: tracked for a subprogram only when its frame pointer
 * never escapes. A forward pass first follows which registers hold
 * R10 plus a known constant (copies of R10, then constant adds and
 * subtracts): loads and stores through those reach known slots. The frame
 * escapes when a register that may point into it with an unknown offset
 * is used as a base, when any such value is stored to memory or is an
 * argument of a call (a helper or callee could reach the frame): then every
 * slot of that subprogram is live everywhere. Otherwise no pointer to the
 * frame leaves it and no helper, callee or variable-offset access can
 * reach it: a load uses the slots its bytes fall in; an aligned 8-byte
 * store rewrites a whole slot regardless of what it held (stack.c), so
 * it kills it; any narrower store uses the slot (a partial write over a
 * spilled register depends on the spill).
 */
#include "priv.h"

#define ALL_REGS	((u16)((1u << KBPF_REG_COUNT) - 1))
#define ARG_REGS	((u16)(0x3e))	/* R1-R5 */
#define CALLER_SAVED	((u16)(0x3f))	/* R0-R5 */
#define ALL_SLOTS	(~0ull)
#define REG(r)		((u16)(1u << (r)))

/* What a register holds, for the frame pointer tracking. */
enum fp_kind {
	FP_UNREACHED = 0,	/* no path gets here yet */
	FP_NONE,		/* nothing pointing into this frame */
	FP_CONST,		/* R10 + off */
	FP_ANY,			/* maybe into this frame, offset unknown */
};

struct fp_val {
	u8 kind;
	s32 off;
};

/* Jump targets whose joined register values the forward pass keeps. */
#define FP_MAX_TARGETS	16384
/* In fp_off[]: this load or store does not go through R10 + constant. */
#define FP_NO_ACCESS	S32_MIN

struct use_def {
	u16 use, def;
	u64 suse, sdef;
};

/* The slots holding bytes [off, off + size) of the frame, all if out of range. */
static u64 slots_of(int off, int size)
{
	int lo = off, hi = off + size - 1;
	u64 mask = 0;
	int b;

	if (size <= 0 || lo < -KBPF_MAX_STACK || hi >= 0)
		return ALL_SLOTS;
	for (b = lo; b <= hi; b++)
		mask |= 1ull << ((-b - 1) / 8);
	return mask;
}

/*
 * The argument registers a call reads: R1-R5 for a bpf-to-bpf call (the
 * callee frame gets them all); for a helper those its proto does not mark
 * KBPF_ARG_DONTCARE (helper_call.c reads no other), found by the same
 * lookup helper_call.c makes; all five when there is no proto.
 */
static u16 call_args(const struct kbpf_verifier_env *env,
		     const struct bpf_insn *insn)
{
	const struct kbpf_func_proto *fn;
	u16 args = 0;
	int i;

	if (insn->src_reg != 0 || insn->imm < 0 || insn->imm >= __BPF_FUNC_MAX_ID)
		return ARG_REGS;
	fn = env->args->get_func_proto ?
	     env->args->get_func_proto(env->args->prog_type, insn->imm) :
	     kbpf_get_func_proto(env->args->prog_type,
				 env->args->expected_attach_type, insn->imm);
	if (!fn)
		return ARG_REGS;
	for (i = 0; i < 5; i++)
		if (fn->arg_type[i] != KBPF_ARG_DONTCARE)
			args |= REG(BPF_REG_1 + i);
	return args;
}

static void fp_join(struct fp_val *to, const struct fp_val *from, bool *changed)
{
	struct fp_val v = *to;

	if (from->kind == FP_UNREACHED || v.kind == FP_ANY)
		return;
	if (v.kind == FP_UNREACHED)
		v = *from;
	else if (v.kind != from->kind ||
		 (v.kind == FP_CONST && v.off != from->off))
		v.kind = FP_ANY;
	if (v.kind != to->kind || v.off != to->off) {
		*to = v;
		*changed = true;
	}
}

static bool fp_maybe(const struct fp_val *v)
{
	return v->kind == FP_CONST || v->kind == FP_ANY;
}

/*
 * One step of the forward pass over insn i: regs before it become regs
 * after it. Records in fp_off[i] the frame offset a load or store goes
 * to, and returns true when the frame escapes here.
 */
/*
 * A call passes a pointer into the frame when an argument register the
 * callee reads may hold one: every one of R1-R5 for a bpf-to-bpf call
 * (the callee gets them all), the proto's arguments for a helper (the
 * same lookup as helper_call.c; an unknown helper counts as all five).
 */
static bool fp_call_escapes(const struct kbpf_verifier_env *env,
			    const struct bpf_insn *insn,
			    const struct fp_val *regs)
{
	u16 args = call_args(env, insn);
	int r;

	for (r = BPF_REG_1; r <= BPF_REG_5; r++)
		if ((args & REG(r)) && fp_maybe(&regs[r]))
			return true;
	return false;
}

static bool fp_step(const struct kbpf_verifier_env *env,
		    const struct bpf_insn *insn, struct fp_val *regs,
		    s32 *fp_off)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	const struct fp_val none = { FP_NONE, 0 };
	struct fp_val *dst, *src, *base;
	bool escapes = false;
	s64 off;
	int r;

	*fp_off = FP_NO_ACCESS;
	/* No such register: the walk refuses the program, assume the worst. */
	if (insn->dst_reg >= KBPF_REG_COUNT || insn->src_reg >= KBPF_REG_COUNT)
		return true;
	dst = &regs[insn->dst_reg];
	src = &regs[insn->src_reg];
	switch (class) {
	case BPF_ALU64:
	case BPF_ALU:
		if (class == BPF_ALU64 && op == BPF_MOV) {
			*dst = BPF_SRC(insn->code) == BPF_X ? *src : none;
		} else if (class == BPF_ALU64 && BPF_SRC(insn->code) == BPF_K &&
			   (op == BPF_ADD || op == BPF_SUB) &&
			   dst->kind == FP_CONST) {
			off = (s64)dst->off + (op == BPF_ADD ? insn->imm : -(s64)insn->imm);
			if (off < -(1 << 20) || off > (1 << 20))
				dst->kind = FP_ANY;
			else
				dst->off = off;
		} else if (fp_maybe(dst) ||
			   (BPF_SRC(insn->code) == BPF_X && fp_maybe(src))) {
			dst->kind = FP_ANY;
		} else {
			*dst = none;
		}
		break;
	case BPF_LDX:
	case BPF_STX:
	case BPF_ST:
		base = class == BPF_LDX ? src : dst;
		if (base->kind == FP_CONST)
			*fp_off = base->off + insn->off;
		else if (base->kind == FP_ANY)
			escapes = true;
		/* A stored pointer into the frame could be loaded back anywhere. */
		if (class == BPF_STX && fp_maybe(src))
			escapes = true;
		if (class == BPF_LDX)
			*dst = none;
		if (class == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC) {
			*src = none;
			regs[BPF_REG_0] = none;
		}
		break;
	case BPF_LD:
		if (kbpf_is_ldimm64(insn)) {
			*dst = none;
			break;
		}
		for (r = BPF_REG_0; r <= BPF_REG_5; r++)
			regs[r] = none;
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (op != BPF_CALL)
			break;
		escapes = fp_call_escapes(env, insn, regs);
		for (r = BPF_REG_0; r <= BPF_REG_5; r++)
			regs[r] = none;
		break;
	default:
		escapes = true;
	}
	regs[BPF_REG_FP] = (struct fp_val){ FP_CONST, 0 };
	return escapes;
}

/* The jump target of insn t inside the program, or -1. */
static s64 jump_target(const struct kbpf_verifier_env *env, u32 t)
{
	const struct bpf_insn *insn = &env->insns[t];
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	s64 w;

	if ((class != BPF_JMP && class != BPF_JMP32) || op == BPF_CALL ||
	    op == BPF_EXIT)
		return -1;
	w = (s64)t + (class == BPF_JMP32 && op == BPF_JA ? insn->imm : insn->off) + 1;
	return w >= 0 && w < env->insn_cnt ? w : -1;
}

/*
 * The forward pass of a subprogram to a fixed point: fp_off[] for its
 * loads and stores; false when its frame escapes (or the pass gives up).
 */
static bool fp_track(struct kbpf_verifier_env *env, u32 start, u32 end,
		     s32 *fp_off)
{
	struct fp_val regs[KBPF_REG_COUNT], *at = NULL;
	u32 *slot, ntargets = 0, i;
	bool changed = true, escapes = true, live;
	s64 w;

	slot = kvcalloc(end - start, sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return false;
	for (i = start; i < end; i++) {
		w = jump_target(env, i);
		if (w >= start && w < end && !slot[w - start])
			slot[w - start] = ++ntargets;
	}
	if (ntargets > FP_MAX_TARGETS)
		goto out;
	at = kvcalloc((size_t)ntargets + 1, sizeof(regs), GFP_KERNEL);
	if (!at)
		goto out;
	while (changed) {
		changed = false;
		escapes = false;	/* the last pass, at the fixed point, tells */
		live = true;
		for (i = 0; i < KBPF_REG_COUNT; i++)
			regs[i] = (struct fp_val){ FP_NONE, 0 };
		regs[BPF_REG_FP] = (struct fp_val){ FP_CONST, 0 };
		for (i = start; i < end; i++) {
			struct fp_val *t = slot[i - start] ?
					   &at[slot[i - start] * KBPF_REG_COUNT] : NULL;
			u32 r;

			if (t) {
				if (live)
					for (r = 0; r < KBPF_REG_COUNT; r++)
						fp_join(&t[r], &regs[r], &changed);
				live = t[BPF_REG_FP].kind != FP_UNREACHED;
				memcpy(regs, t, sizeof(regs));
			}
			if (!live) {
				fp_off[i] = FP_NO_ACCESS;
				continue;
			}
			escapes |= fp_step(env, &env->insns[i], regs, &fp_off[i]);
			w = jump_target(env, i);
			if (w >= start && w < end) {
				t = &at[slot[w - start] * KBPF_REG_COUNT];
				for (r = 0; r < KBPF_REG_COUNT; r++)
					fp_join(&t[r], &regs[r], &changed);
			}
			if (kbpf_is_ldimm64(&env->insns[i]))
				i++;
			else if (BPF_CLASS(env->insns[i].code) == BPF_JMP &&
				 (BPF_OP(env->insns[i].code) == BPF_JA ||
				  BPF_OP(env->insns[i].code) == BPF_EXIT))
				live = false;
			else if (BPF_CLASS(env->insns[i].code) == BPF_JMP32 &&
				 BPF_OP(env->insns[i].code) == BPF_JA)
				live = false;
		}
	}
out:
	kvfree(at);
	kvfree(slot);
	return !escapes;
}

static void mem_use_def(const struct bpf_insn *insn, struct use_def *ud,
			s32 fp_off)
{
	u8 class = BPF_CLASS(insn->code);
	int size = kbpf_ldst_bytes(insn->code);
	u64 slots;

	if (class == BPF_LDX) {
		ud->use = REG(insn->src_reg);
		ud->def = REG(insn->dst_reg);
		if (fp_off != FP_NO_ACCESS)
			ud->suse = slots_of(fp_off, size);
		return;
	}
	/* STX and ST: the base; STX also the value. */
	ud->use = REG(insn->dst_reg);
	if (class == BPF_STX)
		ud->use |= REG(insn->src_reg);
	if (fp_off == FP_NO_ACCESS)
		return;
	slots = slots_of(fp_off, size);
	if (class == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC) {
		/* cmpxchg compares with R0; the fetch forms write src. */
		ud->use |= REG(BPF_REG_0);
		ud->suse = slots;
	} else if (size == 8 && !(fp_off % 8) && slots != ALL_SLOTS) {
		ud->sdef = slots;
	} else {
		ud->suse = slots;
	}
}

static void insn_use_def(const struct kbpf_verifier_env *env,
			 const struct bpf_insn *insn, struct use_def *ud,
			 s32 fp_off)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	memset(ud, 0, sizeof(*ud));
	switch (class) {
	case BPF_ALU:
	case BPF_ALU64:
		ud->def = REG(insn->dst_reg);
		if (op != BPF_MOV)	/* NEG and END read dst too */
			ud->use = REG(insn->dst_reg);
		if (BPF_SRC(insn->code) == BPF_X)
			ud->use |= REG(insn->src_reg);
		return;
	case BPF_LDX:
	case BPF_STX:
	case BPF_ST:
		mem_use_def(insn, ud, fp_off);
		return;
	case BPF_LD:
		if (kbpf_is_ldimm64(insn)) {
			ud->def = REG(insn->dst_reg);
			return;
		}
		/* LD_ABS/IND: R6 is the skb, R0-R5 are clobbered. */
		ud->use = REG(BPF_REG_6) | REG(insn->src_reg);
		ud->def = CALLER_SAVED;
		return;
	case BPF_JMP:
	case BPF_JMP32:
		switch (op) {
		case BPF_JA:
			return;
		case BPF_EXIT:
			ud->use = REG(BPF_REG_0);
			return;
		case BPF_CALL:
			/* Calls take their arguments and leave R0-R5 new. */
			ud->use = call_args(env, insn);
			ud->def = CALLER_SAVED;
			return;
		default:
			ud->use = REG(insn->dst_reg);
			if (BPF_SRC(insn->code) == BPF_X)
				ud->use |= REG(insn->src_reg);
			return;
		}
	default:
		ud->use = ALL_REGS;
		ud->suse = ALL_SLOTS;
	}
}

/* Successors inside the subprogram: pseudo calls continue after the call. */
static int live_successors(const struct kbpf_verifier_env *env, u32 t,
			   u32 succ[2])
{
	const struct bpf_insn *insn = &env->insns[t];
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	int n = 0;
	s64 s[2];

	if (kbpf_is_ldimm64(insn)) {
		s[n++] = (s64)t + 2;
	} else if (class != BPF_JMP && class != BPF_JMP32) {
		s[n++] = (s64)t + 1;
	} else if (op == BPF_EXIT) {
		return 0;
	} else if (op == BPF_CALL) {
		s[n++] = (s64)t + 1;
	} else if (op == BPF_JA) {
		s[n++] = (s64)t + (class == BPF_JMP32 ? insn->imm : insn->off) + 1;
	} else {
		s[n++] = (s64)t + 1;
		s[n++] = (s64)t + insn->off + 1;
	}
	/* check_cfg() has checked every target; stay safe anyway. */
	if (s[0] < 0 || s[0] >= env->insn_cnt ||
	    (n == 2 && (s[1] < 0 || s[1] >= env->insn_cnt)))
		return -1;
	succ[0] = s[0];
	succ[1] = n == 2 ? s[1] : s[0];
	return n;
}

static void subprog_liveness(struct kbpf_verifier_env *env, u32 start,
			     u32 end, s32 *fp_off)
{
	bool track_stack, changed = true;
	struct use_def ud;
	u32 i, succ[2];
	int n;

	track_stack = fp_track(env, start, end, fp_off);
	/* Backward to a fixed point: live_in = use | (live_out & ~def). */
	while (changed) {
		changed = false;
		for (i = end; i-- > start;) {
			u16 out = 0, in;
			u64 sout = 0, sin;

			if (i > start && kbpf_is_ldimm64(&env->insns[i - 1]))
				continue;	/* second half of a ld_imm64 */
			n = live_successors(env, i, succ);
			if (n < 0) {
				out = ALL_REGS;
				sout = ALL_SLOTS;
			}
			if (n > 0) {
				out = env->live_regs[succ[0]] | env->live_regs[succ[1]];
				sout = env->live_stack[succ[0]] | env->live_stack[succ[1]];
			}
			insn_use_def(env, &env->insns[i], &ud,
				     track_stack ? fp_off[i] : FP_NO_ACCESS);
			in = ud.use | (out & ~ud.def) | REG(BPF_REG_FP);
			sin = track_stack ? ud.suse | (sout & ~ud.sdef) : ALL_SLOTS;
			if (in != env->live_regs[i] || sin != env->live_stack[i]) {
				env->live_regs[i] = in;
				env->live_stack[i] = sin;
				changed = true;
			}
		}
	}
}

int kbpf_compute_liveness(struct kbpf_verifier_env *env)
{
	s32 *fp_off;
	u32 s;

	env->live_regs = kvcalloc(env->insn_cnt, sizeof(*env->live_regs),
				  GFP_KERNEL);
	env->live_stack = kvcalloc(env->insn_cnt, sizeof(*env->live_stack),
				   GFP_KERNEL);
	fp_off = kvcalloc(env->insn_cnt, sizeof(*fp_off), GFP_KERNEL);
	if (!env->live_regs || !env->live_stack || !fp_off) {
		kvfree(fp_off);
		return -ENOMEM;
	}
	for (s = 0; s < env->subprog_cnt; s++)
		subprog_liveness(env, env->subprog[s].start,
				 env->subprog[s + 1].start, fp_off);
	kvfree(fp_off);
	return 0;
}

void kbpf_free_liveness(struct kbpf_verifier_env *env)
{
	kvfree(env->live_regs);
	kvfree(env->live_stack);
	env->live_regs = NULL;
	env->live_stack = NULL;
}
