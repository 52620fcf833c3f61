// SPDX-License-Identifier: GPL-2.0
/*
 * Precision tracking (the semantics of Linux's mark_chain_precision()).
 *
 * Most scalars a program computes never decide whether it is safe: a
 * counter that is only stored, a value only returned. Comparing those by
 * range at prune points keeps states apart that lead to the same checks.
 * So an explored state's scalars start imprecise and match any scalar
 * (states.c); a scalar becomes precise when a check relies on its value
 * (a pointer offset, a helper's size or constant argument, a branch the
 * walk knew the outcome of, a return value with a required range). Then
 * every scalar it was computed from is marked precise too, in each
 * explored state on the way back to where it came from: the walk's
 * instructions since its last state are replayed backwards (recorded
 * jumps tell where a step came from), then those of the state before,
 * and so on. What cannot be followed (a load from memory other than the
 * stack is a fresh value, fine; a call into a subprogram, an exit, a
 * callback, LD_ABS are not followed) marks every scalar of the states
 * before precise: pruning is then as strict as by range.
 *
 * The current state's marks never matter: only explored states are
 * compared as the old side. A path pruned against an old state inherits
 * that state's precise scalars (kbpf_propagate_precision()), since what
 * old's continuation relied on now holds for it too.
 */
#include "priv.h"

/* backtrack_insn() could not follow a value: everything is precise. */
#define BT_GIVE_UP	1

/* Room for n entries in st's history (no krealloc in the userspace shim). */
static int history_reserve(struct kbpf_vstate *st, u32 n)
{
	u32 cap = st->jmp_history_cap ? st->jmp_history_cap : 8;
	struct kbpf_jmp_hist *p;

	if (n <= st->jmp_history_cap)
		return 0;
	while (cap < n)
		cap *= 2;
	p = kmalloc_array(cap, sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	if (st->jmp_history_cnt)
		memcpy(p, st->jmp_history, st->jmp_history_cnt * sizeof(*p));
	kfree(st->jmp_history);
	st->jmp_history = p;
	st->jmp_history_cap = cap;
	return 0;
}

/*
 * Record how the walk reached env->insn_idx when not by falling through,
 * so backtracking knows the instruction before it.
 */
int kbpf_push_jmp_history(struct kbpf_verifier_env *env, struct kbpf_vstate *cur)
{
	int idx = env->insn_idx, prev = env->prev_insn_idx;
	int err;

	/* Unprivileged: no backtracking, and no bound on a state's walk. */
	if (!env->bpf_capable)
		return 0;
	if (prev < 0 || prev == idx - 1 ||
	    (prev == idx - 2 && kbpf_is_ldimm64(&env->insns[prev])))
		return 0;
	err = history_reserve(cur, cur->jmp_history_cnt + 1);
	if (err)
		return err;
	cur->jmp_history[cur->jmp_history_cnt].idx = idx;
	cur->jmp_history[cur->jmp_history_cnt].prev_idx = prev;
	cur->jmp_history_cnt++;
	return 0;
}

int kbpf_copy_jmp_history(struct kbpf_vstate *dst, const struct kbpf_vstate *src)
{
	int err;

	dst->jmp_history_cnt = 0;
	err = history_reserve(dst, src->jmp_history_cnt);
	if (err)
		return err;
	if (src->jmp_history_cnt)
		memcpy(dst->jmp_history, src->jmp_history,
		       src->jmp_history_cnt * sizeof(*dst->jmp_history));
	dst->jmp_history_cnt = src->jmp_history_cnt;
	return 0;
}

/*
 * The instruction the walk executed before i within st, or -1 once
 * st's first instruction is reached. A loop within one state may pass
 * its first instruction again: the history says so.
 */
static int prev_insn(const struct kbpf_vstate *st, int i, u32 *history)
{
	u32 cnt = *history;

	if (i == st->first_insn_idx &&
	    (!cnt || (cnt == 1 && st->jmp_history[0].idx == i)))
		return -1;
	if (cnt && st->jmp_history[cnt - 1].idx == i) {
		(*history)--;
		return st->jmp_history[cnt - 1].prev_idx;
	}
	return i - 1;
}

static bool is_atomic_fetch(const struct bpf_insn *insn)
{
	return BPF_CLASS(insn->code) == BPF_STX &&
	       BPF_MODE(insn->code) == BPF_ATOMIC &&
	       (insn->imm & BPF_FETCH);
}

/* A call into a subprogram or callback, or a return: the frame changes. */
static bool changes_frame(const struct bpf_insn *insn)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	if (class != BPF_JMP)
		return false;
	if (op == BPF_EXIT)
		return true;
	return op == BPF_CALL && (insn->src_reg == BPF_PSEUDO_CALL ||
				  kbpf_is_callback_helper(insn->imm));
}

/*
 * Step back over insn idx: *regs and *stack (bit = spi) name what must
 * be precise after it; on return, what must be precise before it.
 * 0, BT_GIVE_UP, or -errno.
 */
static int backtrack_insn(struct kbpf_verifier_env *env, int idx,
			  u32 *regs, u64 *stack)
{
	const struct bpf_insn *insn = &env->insns[idx];
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	u32 dreg = 1u << insn->dst_reg, sreg = 1u << insn->src_reg;
	u32 spi;

	if (insn->code == 0)	/* second half of an LD_IMM64 */
		return 0;
	if (env->log.level & KBPF_LOG_LEVEL2) {
		verbose(env, "regs=%x stack=%llx before ", *regs,
			(unsigned long long)*stack);
		kbpf_print_insn(env, insn, idx);
	}

	switch (class) {
	case BPF_ALU:
	case BPF_ALU64:
		if (!(*regs & dreg))
			return 0;
		if (op == BPF_MOV) {
			/* dst's value came from src, or from the immediate. */
			*regs &= ~dreg;
			if (BPF_SRC(insn->code) == BPF_X)
				*regs |= sreg;
		} else if (op != BPF_END && op != BPF_NEG &&
			   BPF_SRC(insn->code) == BPF_X) {
			/* dst op= src: both operands shaped the result. */
			*regs |= sreg;
		}
		return 0;
	case BPF_LDX:
		if (!(*regs & dreg))
			return 0;
		*regs &= ~dreg;
		/* Only the stack keeps a scalar's state; other memory is fresh. */
		if (insn->src_reg != BPF_REG_FP)
			return 0;
		spi = (-insn->off - 1) / 8;
		if (spi >= 64)
			return -EFAULT;
		*stack |= 1ull << spi;
		return 0;
	case BPF_STX:
	case BPF_ST:
		if (is_atomic_fetch(insn)) {
			u32 load = insn->imm == BPF_CMPXCHG ? 1u : sreg;

			if (!(*regs & load))
				return 0;
			*regs &= ~load;
			if (insn->dst_reg != BPF_REG_FP)
				return 0;
			spi = (-insn->off - 1) / 8;
			if (spi >= 64)
				return -EFAULT;
			*stack |= 1ull << spi;
			return 0;
		}
		/* A scalar used as an address: pointer arithmetic lost track. */
		if (*regs & dreg)
			return BT_GIVE_UP;
		if (insn->dst_reg != BPF_REG_FP)
			return 0;
		spi = (-insn->off - 1) / 8;
		if (spi >= 64)
			return -EFAULT;
		if (!(*stack & (1ull << spi)))
			return 0;
		*stack &= ~(1ull << spi);
		if (class == BPF_STX)
			*regs |= sreg;
		return 0;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_CALL) {
			if (insn->src_reg == BPF_PSEUDO_CALL ||
			    kbpf_is_callback_helper(insn->imm))
				return BT_GIVE_UP;
			/* A helper sets R0 and leaves R1-R5 unreadable. */
			*regs &= ~1u;
			if (*regs & 0x3e)
				return BT_GIVE_UP;
			return 0;
		}
		if (op == BPF_EXIT)
			return BT_GIVE_UP;
		if (op != BPF_JA && BPF_SRC(insn->code) == BPF_X &&
		    (*regs & (dreg | sreg)))
			*regs |= dreg | sreg;
		return 0;
	case BPF_LD:
		if (!(*regs & dreg))
			return 0;
		*regs &= ~dreg;
		if (BPF_MODE(insn->code) == BPF_ABS || BPF_MODE(insn->code) == BPF_IND)
			return BT_GIVE_UP;
		return 0;
	}
	return 0;
}

static void mark_frame_scalars(struct kbpf_func_state *f, bool precise)
{
	u32 i;

	for (i = 0; i < BPF_REG_FP; i++)
		if (f->regs[i].type == KBPF_SCALAR_VALUE)
			f->regs[i].precise = precise;
	for (i = 0; i < f->stack_slots; i++) {
		struct kbpf_reg *r = &f->stack[i].spilled_ptr;

		if (f->stack[i].slot_type[7] == KBPF_STACK_SPILL &&
		    r->type == KBPF_SCALAR_VALUE)
			r->precise = precise;
	}
}

/*
 * The big hammer: every scalar of st and the states before it is
 * precise (st too, unlike Linux 6.1: a value written into the stack
 * through a register other than fp may have come from any of them).
 */
static void mark_all_scalars_precise(struct kbpf_vstate *st)
{
	u32 fr;

	for (; st; st = st->parent)
		for (fr = 0; fr <= st->curframe; fr++)
			mark_frame_scalars(st->frame[fr], true);
}

/* A new explored state starts without the marks its walk inherited. */
void kbpf_mark_all_scalars_imprecise(struct kbpf_vstate *st)
{
	u32 fr;

	for (fr = 0; fr <= st->curframe; fr++)
		mark_frame_scalars(st->frame[fr], false);
}

/*
 * Mark what R<regno> (or the spill in slot spi) of frame fr holds now
 * precise in every explored state it flows from.
 */
static int mark_chain(struct kbpf_verifier_env *env, u32 fr, int regno, int spi)
{
	struct kbpf_vstate *st = env->cur;
	int first = st->first_insn_idx, last = env->insn_idx, i, err;
	u32 regs = regno >= 0 ? 1u << regno : 0;
	u64 stack = spi >= 0 ? 1ull << spi : 0;
	bool skip_first = true, new_marks;
	struct kbpf_func_state *f;
	u32 history, b;

	if (!env->bpf_capable)
		return 0;	/* unprivileged: pruning compares every scalar */
	f = st->frame[fr];
	if (regno >= 0 && f->regs[regno].type != KBPF_SCALAR_VALUE)
		return 0;
	if (spi >= 0 && (f->stack[spi].slot_type[7] != KBPF_STACK_SPILL ||
			 f->stack[spi].spilled_ptr.type != KBPF_SCALAR_VALUE))
		return 0;

	for (;;) {
		history = st->jmp_history_cnt;
		if (env->log.level & KBPF_LOG_LEVEL2)
			verbose(env, "last_idx %d first_idx %d\n", last, first);
		if (last < 0)
			return 0;	/* the program's entry: nothing before */
		for (i = last; i >= 0; i = prev_insn(st, i, &history)) {
			if (skip_first) {
				/* The instruction asking for precision itself. */
				skip_first = false;
			} else if (fr != st->curframe) {
				/*
				 * Run by a callee of frame fr: fr's registers
				 * wait unchanged, its stack changes only
				 * through pointers (marked when written).
				 * Only leaving the callee is not followed.
				 */
				if (changes_frame(&env->insns[i])) {
					mark_all_scalars_precise(st);
					return 0;
				}
			} else {
				err = backtrack_insn(env, i, &regs, &stack);
				if (err == BT_GIVE_UP) {
					mark_all_scalars_precise(st);
					return 0;
				}
				if (err)
					return err;
			}
			if (!regs && !stack)
				return 0;	/* all set from constants here */
			if ((u32)i >= env->insn_cnt)
				return -EFAULT;
		}
		st = st->parent;
		if (!st)
			return 0;
		if (fr > st->curframe) {
			/* Cannot happen (returns give up above); be safe anyway. */
			mark_all_scalars_precise(env->cur);
			return 0;
		}
		new_marks = false;
		f = st->frame[fr];
		for (b = 0; b < BPF_REG_FP; b++) {
			if (!(regs & (1u << b)))
				continue;
			if (f->regs[b].type != KBPF_SCALAR_VALUE) {
				regs &= ~(1u << b);
				continue;
			}
			new_marks |= !f->regs[b].precise;
			f->regs[b].precise = true;
		}
		for (b = 0; b < 64; b++) {
			struct kbpf_stack_slot *s;

			if (!(stack & (1ull << b)))
				continue;
			if (b >= f->allocated_stack / 8 || b >= f->stack_slots) {
				/*
				 * Written through a register other than fp
				 * (which backtracking does not follow) after
				 * this state: its source is unknown.
				 */
				mark_all_scalars_precise(st);
				return 0;
			}
			s = &f->stack[b];
			if (s->slot_type[7] != KBPF_STACK_SPILL ||
			    s->spilled_ptr.type != KBPF_SCALAR_VALUE) {
				stack &= ~(1ull << b);
				continue;
			}
			new_marks |= !s->spilled_ptr.precise;
			s->spilled_ptr.precise = true;
		}
		if (env->log.level & KBPF_LOG_LEVEL2) {
			verbose(env, "parent %s regs=%x stack=%llx marks:",
				new_marks ? "didn't have" : "already had", regs,
				(unsigned long long)stack);
			kbpf_print_state(env, f);
		}
		if ((!regs && !stack) || !new_marks)
			return 0;
		last = st->last_insn_idx;
		first = st->first_insn_idx;
	}
}

int kbpf_mark_chain_precision(struct kbpf_verifier_env *env, u32 regno)
{
	return mark_chain(env, env->cur->curframe, regno, -1);
}

int kbpf_mark_precise_if_scalar(struct kbpf_verifier_env *env, u32 regno)
{
	if (kbpf_cur_regs(env)[regno].type != KBPF_SCALAR_VALUE)
		return 0;
	return kbpf_mark_chain_precision(env, regno);
}

/*
 * The walk was pruned against old: old's continuation relied on old's
 * precise scalars, so the ones this path holds there are relied on too.
 */
int kbpf_propagate_precision(struct kbpf_verifier_env *env,
			     const struct kbpf_vstate *old)
{
	const struct kbpf_func_state *f;
	int fr, err, at;
	u32 i;

	for (fr = old->curframe; fr >= 0; fr--) {
		f = old->frame[fr];
		/* What states.c compared: live at old's insn, or at the return. */
		at = (u32)fr == old->curframe ? old->insn_idx :
		     old->frame[fr + 1]->callsite + 1;
		for (i = 0; i < BPF_REG_FP; i++) {
			if (f->regs[i].type != KBPF_SCALAR_VALUE ||
			    !f->regs[i].precise ||
			    !(env->live_regs[at] & (1u << i)))
				continue;
			if (env->log.level & KBPF_LOG_LEVEL2)
				verbose(env, "frame %d: propagating r%u\n", fr, i);
			err = mark_chain(env, fr, i, -1);
			if (err)
				return err;
		}
		for (i = 0; i < f->stack_slots && i < 64; i++) {
			const struct kbpf_stack_slot *s = &f->stack[i];

			if (s->slot_type[7] != KBPF_STACK_SPILL ||
			    s->spilled_ptr.type != KBPF_SCALAR_VALUE ||
			    !s->spilled_ptr.precise ||
			    !(env->live_stack[at] & (1ull << i)))
				continue;
			if (env->log.level & KBPF_LOG_LEVEL2)
				verbose(env, "frame %d: propagating fp%d\n", fr,
					(-(int)i - 1) * 8);
			err = mark_chain(env, fr, -1, i);
			if (err)
				return err;
		}
	}
	return 0;
}
