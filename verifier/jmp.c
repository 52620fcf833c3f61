// SPDX-License-Identifier: GPL-2.0
/*
 * Conditional jumps: decide the branch when the operands allow it, and
 * otherwise explore both with what each learns: scalar bounds from
 * comparisons with constants (and copies sharing an id), non-NULL or NULL
 * for pointers checked against 0, readable packet ranges from pkt_end.
 */
#include "priv.h"

#define for_each_reg_in_state(st, fi, i, reg, body)			\
	do {								\
		for (fi = 0; fi <= (st)->curframe; fi++) {		\
			struct kbpf_func_state *f_ = (st)->frame[fi];	\
			for (i = 0; i < KBPF_REG_COUNT + f_->stack_slots; i++) { \
				if (i < KBPF_REG_COUNT) {		\
					reg = &f_->regs[i];		\
				} else {				\
					struct kbpf_stack_slot *s_ =	\
						&f_->stack[i - KBPF_REG_COUNT]; \
					if (s_->slot_type[7] != KBPF_STACK_SPILL) \
						continue;		\
					reg = &s_->spilled_ptr;		\
				}					\
				body;					\
			}						\
		}							\
	} while (0)

static bool type_not_null(u32 type)
{
	return type == KBPF_PTR_TO_SOCKET || type == KBPF_PTR_TO_TCP_SOCK ||
	       type == KBPF_PTR_TO_MAP_VALUE || type == KBPF_PTR_TO_MAP_KEY ||
	       type == KBPF_PTR_TO_SOCK_COMMON;
}

/* 1: always taken, 0: never, -1: unknown. */
static int branch_taken(const struct kbpf_reg *reg, u64 val, u8 op, bool is32)
{
	s64 sval = is32 ? (s64)(s32)val : (s64)val;
	struct tnum t = is32 ? tnum_subreg(reg->var_off) : reg->var_off;
	u64 umin = is32 ? reg->u32_min_value : reg->umin_value;
	u64 umax = is32 ? reg->u32_max_value : reg->umax_value;
	s64 smin = is32 ? reg->s32_min_value : reg->smin_value;
	s64 smax = is32 ? reg->s32_max_value : reg->smax_value;

	if (kbpf_is_ptr(reg)) {
		if (!type_not_null(reg->type) || val)
			return -1;
		if (op == BPF_JEQ)
			return 0;
		if (op == BPF_JNE)
			return 1;
		return -1;
	}
	if (is32)
		val = (u32)val;
	switch (op) {
	case BPF_JEQ:
		if (tnum_is_const(t))
			return t.value == val;
		if (val < umin || val > umax || sval < smin || sval > smax)
			return 0;
		break;
	case BPF_JNE:
		if (tnum_is_const(t))
			return t.value != val;
		if (val < umin || val > umax || sval < smin || sval > smax)
			return 1;
		break;
	case BPF_JSET:
		if ((~t.mask & t.value) & val)
			return 1;
		if (!((t.value | t.mask) & val))
			return 0;
		break;
	case BPF_JGT:
		if (umin > val)
			return 1;
		if (umax <= val)
			return 0;
		break;
	case BPF_JSGT:
		if (smin > sval)
			return 1;
		if (smax <= sval)
			return 0;
		break;
	case BPF_JLT:
		if (umax < val)
			return 1;
		if (umin >= val)
			return 0;
		break;
	case BPF_JSLT:
		if (smax < sval)
			return 1;
		if (smin >= sval)
			return 0;
		break;
	case BPF_JGE:
		if (umin >= val)
			return 1;
		if (umax < val)
			return 0;
		break;
	case BPF_JSGE:
		if (smin >= sval)
			return 1;
		if (smax < sval)
			return 0;
		break;
	case BPF_JLE:
		if (umax <= val)
			return 1;
		if (umin > val)
			return 0;
		break;
	case BPF_JSLE:
		if (smax <= sval)
			return 1;
		if (smin > sval)
			return 0;
		break;
	}
	return -1;
}

static u8 negate_op(u8 op)
{
	switch (op) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JNE: return BPF_JEQ;
	case BPF_JGT: return BPF_JLE;
	case BPF_JGE: return BPF_JLT;
	case BPF_JLT: return BPF_JGE;
	case BPF_JLE: return BPF_JGT;
	case BPF_JSGT: return BPF_JSLE;
	case BPF_JSGE: return BPF_JSLT;
	case BPF_JSLT: return BPF_JSGE;
	case BPF_JSLE: return BPF_JSGT;
	default: return op;
	}
}

/* c op reg is reg flip(op) c. */
static u8 flip_op(u8 op)
{
	switch (op) {
	case BPF_JGT: return BPF_JLT;
	case BPF_JGE: return BPF_JLE;
	case BPF_JLT: return BPF_JGT;
	case BPF_JLE: return BPF_JGE;
	case BPF_JSGT: return BPF_JSLT;
	case BPF_JSGE: return BPF_JSLE;
	case BPF_JSLT: return BPF_JSGT;
	case BPF_JSLE: return BPF_JSGE;
	default: return op;
	}
}

/* Keep the 64-bit bounds, which stay true, and add what the 32 bits say. */
static void sync_after_32(struct kbpf_reg *reg)
{
	/* First let the signed and unsigned 32-bit views learn from each other. */
	kbpf_reg_bounds_sync(reg);
	if (tnum_equals_const(tnum_clear_subreg(reg->var_off), 0) &&
	    reg->u32_min_value <= reg->u32_max_value) {
		reg->umin_value = max_t(u64, reg->umin_value, reg->u32_min_value);
		reg->umax_value = min_t(u64, reg->umax_value, reg->u32_max_value);
		reg->smin_value = max_t(s64, reg->smin_value, reg->u32_min_value);
		reg->smax_value = min_t(s64, reg->smax_value, reg->u32_max_value);
	}
	kbpf_reg_bounds_sync(reg);
}

static void sync_after_64(struct kbpf_reg *reg)
{
	if (reg->umax_value <= U32_MAX && reg->umin_value <= reg->umax_value) {
		reg->u32_min_value = max_t(u32, reg->u32_min_value, reg->umin_value);
		reg->u32_max_value = min_t(u32, reg->u32_max_value, reg->umax_value);
	}
	if (reg->smin_value >= S32_MIN && reg->smax_value <= S32_MAX &&
	    reg->smin_value <= reg->smax_value) {
		reg->s32_min_value = max_t(s32, reg->s32_min_value, reg->smin_value);
		reg->s32_max_value = min_t(s32, reg->s32_max_value, reg->smax_value);
	}
	kbpf_reg_bounds_sync(reg);
}

/* Narrow the scalar reg with "reg op val" being true. */
static void refine(struct kbpf_reg *reg, u8 op, u64 val, bool is32)
{
	if (is32) {
		u32 v = val;
		s32 sv = v;

		switch (op) {
		case BPF_JEQ:
			reg->var_off = tnum_const_subreg(reg->var_off, v);
			reg->u32_min_value = reg->u32_max_value = v;
			reg->s32_min_value = reg->s32_max_value = sv;
			break;
		case BPF_JSET:
			if (is_power_of_2(v))
				reg->var_off = tnum_or(reg->var_off, tnum_const(v));
			break;
		case 0xf0:	/* JSET not taken: those bits are clear */
			reg->var_off = tnum_and(reg->var_off,
						tnum_const(~(u64)v));
			break;
		case BPF_JGT:
			if (v != U32_MAX)
				reg->u32_min_value = max_t(u32, reg->u32_min_value, v + 1);
			break;
		case BPF_JGE:
			reg->u32_min_value = max_t(u32, reg->u32_min_value, v);
			break;
		case BPF_JLT:
			if (v)
				reg->u32_max_value = min_t(u32, reg->u32_max_value, v - 1);
			break;
		case BPF_JLE:
			reg->u32_max_value = min_t(u32, reg->u32_max_value, v);
			break;
		case BPF_JSGT:
			if (sv != S32_MAX)
				reg->s32_min_value = max_t(s32, reg->s32_min_value, sv + 1);
			break;
		case BPF_JSGE:
			reg->s32_min_value = max_t(s32, reg->s32_min_value, sv);
			break;
		case BPF_JSLT:
			if (sv != S32_MIN)
				reg->s32_max_value = min_t(s32, reg->s32_max_value, sv - 1);
			break;
		case BPF_JSLE:
			reg->s32_max_value = min_t(s32, reg->s32_max_value, sv);
			break;
		}
		sync_after_32(reg);
		return;
	}
	switch (op) {
	case BPF_JEQ:
		reg->var_off = tnum_const(val);
		reg->umin_value = reg->umax_value = val;
		reg->smin_value = reg->smax_value = val;
		reg->u32_min_value = reg->u32_max_value = (u32)val;
		reg->s32_min_value = reg->s32_max_value = (s32)val;
		break;
	case BPF_JSET:
		if (is_power_of_2(val))
			reg->var_off = tnum_or(reg->var_off, tnum_const(val));
		break;
	case 0xf0:
		reg->var_off = tnum_and(reg->var_off, tnum_const(~val));
		break;
	case BPF_JGT:
		if (val != U64_MAX)
			reg->umin_value = max(reg->umin_value, val + 1);
		break;
	case BPF_JGE:
		reg->umin_value = max(reg->umin_value, val);
		break;
	case BPF_JLT:
		if (val)
			reg->umax_value = min(reg->umax_value, val - 1);
		break;
	case BPF_JLE:
		reg->umax_value = min(reg->umax_value, val);
		break;
	case BPF_JSGT:
		if ((s64)val != S64_MAX)
			reg->smin_value = max_t(s64, reg->smin_value, (s64)val + 1);
		break;
	case BPF_JSGE:
		reg->smin_value = max_t(s64, reg->smin_value, (s64)val);
		break;
	case BPF_JSLT:
		if ((s64)val != S64_MIN)
			reg->smax_value = min_t(s64, reg->smax_value, (s64)val - 1);
		break;
	case BPF_JSLE:
		reg->smax_value = min_t(s64, reg->smax_value, (s64)val);
		break;
	}
	sync_after_64(reg);
}

/* "reg op val" is true in taken, false in fallthrough. */
static void set_min_max(struct kbpf_reg *taken, struct kbpf_reg *fall,
			u64 val, u8 op, bool is32)
{
	if (op == BPF_JSET) {
		refine(taken, BPF_JSET, val, is32);
		refine(fall, 0xf0, val, is32);
		return;
	}
	refine(taken, op, val, is32);
	refine(fall, negate_op(op), val, is32);
}

/* In the branch where a == b: both get the intersection. */
static void combine_equal(struct kbpf_reg *a, struct kbpf_reg *b)
{
	struct kbpf_reg r = *a;

	r.umin_value = max(a->umin_value, b->umin_value);
	r.umax_value = min(a->umax_value, b->umax_value);
	r.smin_value = max(a->smin_value, b->smin_value);
	r.smax_value = min(a->smax_value, b->smax_value);
	r.u32_min_value = max(a->u32_min_value, b->u32_min_value);
	r.u32_max_value = min(a->u32_max_value, b->u32_max_value);
	r.s32_min_value = max(a->s32_min_value, b->s32_min_value);
	r.s32_max_value = min(a->s32_max_value, b->s32_max_value);
	if (tnum_in(a->var_off, b->var_off) || tnum_in(b->var_off, a->var_off) ||
	    !((a->var_off.value ^ b->var_off.value) & ~(a->var_off.mask | b->var_off.mask)))
		r.var_off = tnum_intersect(a->var_off, b->var_off);
	kbpf_reg_bounds_sync(&r);
	a->var_off = r.var_off;
	a->umin_value = r.umin_value;
	a->umax_value = r.umax_value;
	a->smin_value = r.smin_value;
	a->smax_value = r.smax_value;
	a->u32_min_value = r.u32_min_value;
	a->u32_max_value = r.u32_max_value;
	a->s32_min_value = r.s32_min_value;
	a->s32_max_value = r.s32_max_value;
	b->var_off = r.var_off;
	b->umin_value = r.umin_value;
	b->umax_value = r.umax_value;
	b->smin_value = r.smin_value;
	b->smax_value = r.smax_value;
	b->u32_min_value = r.u32_min_value;
	b->u32_max_value = r.u32_max_value;
	b->s32_min_value = r.s32_min_value;
	b->s32_max_value = r.s32_max_value;
}

/* Scalars copied from one another (same id) learn the same bounds. */
static void find_equal_scalars(struct kbpf_vstate *st, const struct kbpf_reg *known)
{
	struct kbpf_reg *reg;
	u32 fi, i;

	for_each_reg_in_state(st, fi, i, reg, ({
		if (reg != known && reg->type == KBPF_SCALAR_VALUE &&
		    reg->id == known->id)
			*reg = *known;
	}));
}

static void mark_ptr_or_null(struct kbpf_verifier_env *env,
			     struct kbpf_vstate *st, u32 id, bool is_null)
{
	struct kbpf_reg *reg;
	u32 fi, i, j;

	for_each_reg_in_state(st, fi, i, reg, ({
		if ((reg->type & KBPF_PTR_MAYBE_NULL) && reg->id == id) {
			if (is_null) {
				kbpf_mark_reg_known_zero(reg);
			} else {
				reg->type &= ~KBPF_PTR_MAYBE_NULL;
				/* Acquired references keep ref_obj_id for release. */
				reg->id = 0;
				/* A map-in-map's value is the inner map. */
				if (reg->type == KBPF_PTR_TO_MAP_VALUE &&
				    reg->map_ptr->inner_map_meta) {
					reg->type = KBPF_CONST_PTR_TO_MAP;
					reg->map_ptr = reg->map_ptr->inner_map_meta;
				}
			}
		}
	}));
	if (!is_null)
		return;
	/* A NULL from an acquiring helper holds no reference. */
	for (j = 0; j < st->acquired_refs; j++) {
		if (st->refs[j].id != id)
			continue;
		memmove(&st->refs[j], &st->refs[j + 1],
			(st->acquired_refs - j - 1) * sizeof(st->refs[0]));
		st->acquired_refs--;
		break;
	}
}

static void find_good_pkt_pointers(struct kbpf_vstate *st,
				   const struct kbpf_reg *dst, bool right_open)
{
	struct kbpf_reg *reg;
	u32 fi, i, type = dst->type, id = dst->id;
	s32 new_range;

	if (dst->off < 0 || (dst->off == 0 && right_open))
		return;
	if (dst->umax_value > KBPF_MAX_PACKET_OFF ||
	    dst->umax_value + dst->off > KBPF_MAX_PACKET_OFF)
		return;
	new_range = dst->off + (right_open ? 1 : 0);
	for_each_reg_in_state(st, fi, i, reg, ({
		if (reg->type == type && reg->id == id)
			reg->range = max(reg->range, new_range);
	}));
}

/*
 * The branch where pkt' > pkt_end (right_open) or pkt' >= pkt_end holds:
 * remember it, so a later comparison of the same register with pkt_end is
 * decided (Linux's mark_pkt_end). Only this register, only data pointers.
 */
static void mark_pkt_end(struct kbpf_vstate *st, u32 regno, bool right_open)
{
	struct kbpf_reg *reg = &st->frame[st->curframe]->regs[regno];

	if (reg->type != KBPF_PTR_TO_PACKET)
		return;
	reg->range = right_open ? KBPF_BEYOND_PKT_END : KBPF_AT_PKT_END;
}

/* 1: always taken, 0: never, -1: unknown; for pkt vs pkt_end (64-bit). */
static int pkt_end_branch_taken(const struct kbpf_reg *dst,
				const struct kbpf_reg *src, u8 op)
{
	const struct kbpf_reg *pkt;

	if (src->type == KBPF_PTR_TO_PACKET_END) {
		pkt = dst;
	} else if (dst->type == KBPF_PTR_TO_PACKET_END) {
		pkt = src;
		op = flip_op(op);
	} else {
		return -1;
	}
	if (pkt->type != KBPF_PTR_TO_PACKET || pkt->range >= 0)
		return -1;
	switch (op) {
	case BPF_JGT:
	case BPF_JLE:
		/* Past the end: pkt > pkt_end holds, pkt <= pkt_end does not. */
		if (pkt->range == KBPF_BEYOND_PKT_END)
			return op == BPF_JGT;
		break;
	case BPF_JGE:
	case BPF_JLT:
		return op == BPF_JGE;
	}
	return -1;
}

static bool init_pkt_ptr(const struct kbpf_reg *reg, u32 type)
{
	return reg->type == type && !reg->id && !reg->off &&
	       tnum_equals_const(reg->var_off, 0);
}

static bool match_pkt_pointers(const struct bpf_insn *insn,
			       const struct kbpf_reg *dst, const struct kbpf_reg *src,
			       struct kbpf_vstate *this_branch,
			       struct kbpf_vstate *other_branch)
{
	bool fwd, rev;

	if (BPF_CLASS(insn->code) == BPF_JMP32 || BPF_SRC(insn->code) != BPF_X)
		return false;
	/* dst is the pointer checked against the end (pkt' vs pkt_end, meta' vs data)... */
	fwd = (dst->type == KBPF_PTR_TO_PACKET && src->type == KBPF_PTR_TO_PACKET_END) ||
	      (dst->type == KBPF_PTR_TO_PACKET_META &&
	       init_pkt_ptr(src, KBPF_PTR_TO_PACKET));
	/* ... or src is (pkt_end vs pkt', data vs meta'). */
	rev = (dst->type == KBPF_PTR_TO_PACKET_END && src->type == KBPF_PTR_TO_PACKET) ||
	      (init_pkt_ptr(dst, KBPF_PTR_TO_PACKET) &&
	       src->type == KBPF_PTR_TO_PACKET_META);
	if (!fwd && !rev)
		return false;
	switch (BPF_OP(insn->code)) {
	case BPF_JGT:
		if (fwd) {
			find_good_pkt_pointers(this_branch, dst, false);
			mark_pkt_end(other_branch, insn->dst_reg, true);
		} else {
			find_good_pkt_pointers(other_branch, src, true);
			mark_pkt_end(this_branch, insn->src_reg, false);
		}
		return true;
	case BPF_JLT:
		if (fwd) {
			find_good_pkt_pointers(other_branch, dst, true);
			mark_pkt_end(this_branch, insn->dst_reg, false);
		} else {
			find_good_pkt_pointers(this_branch, src, false);
			mark_pkt_end(other_branch, insn->src_reg, true);
		}
		return true;
	case BPF_JGE:
		if (fwd) {
			find_good_pkt_pointers(this_branch, dst, true);
			mark_pkt_end(other_branch, insn->dst_reg, false);
		} else {
			find_good_pkt_pointers(other_branch, src, false);
			mark_pkt_end(this_branch, insn->src_reg, true);
		}
		return true;
	case BPF_JLE:
		if (fwd) {
			find_good_pkt_pointers(other_branch, dst, false);
			mark_pkt_end(this_branch, insn->dst_reg, true);
		} else {
			find_good_pkt_pointers(this_branch, src, true);
			mark_pkt_end(other_branch, insn->src_reg, false);
		}
		return true;
	default:
		return false;
	}
}

struct kbpf_vstate *kbpf_push_speculative(struct kbpf_verifier_env *env,
					  int next_idx, int curr_idx)
{
	struct kbpf_vstate *st = kbpf_push_stack(env, next_idx, curr_idx);

	if (st)
		st->speculative = true;
	return st;
}

/*
 * A branch whose outcome the verifier knows may still be mispredicted:
 * unprivileged programs must be safe on the other side too, with the
 * compared registers holding anything (Linux's sanitize_speculative_path).
 */
static int push_dead_branch(struct kbpf_verifier_env *env,
			    const struct bpf_insn *insn, int next_idx,
			    int curr_idx)
{
	struct kbpf_vstate *st;
	struct kbpf_reg *regs;

	if (kbpf_bypass_spec_v1(env))
		return 0;
	st = kbpf_push_speculative(env, next_idx, curr_idx);
	if (!st)
		return -EFAULT;
	regs = st->frame[st->curframe]->regs;
	kbpf_mark_reg_unknown(env, &regs[insn->dst_reg]);
	if (BPF_SRC(insn->code) == BPF_X)
		kbpf_mark_reg_unknown(env, &regs[insn->src_reg]);
	return 0;
}

int kbpf_check_cond_jmp(struct kbpf_verifier_env *env,
			const struct bpf_insn *insn, int *insn_idx)
{
	struct kbpf_vstate *this_branch = env->cur, *other_branch;
	struct kbpf_reg *regs = kbpf_cur_regs(env), *other_regs;
	bool is32 = BPF_CLASS(insn->code) == BPF_JMP32;
	u8 op = BPF_OP(insn->code);
	struct kbpf_reg *dst_reg, *src_reg = NULL;
	int pred = -1, err;

	if (op == BPF_JA || op > BPF_JSLE) {
		verbose(env, "invalid BPF_JMP/JMP32 opcode %x\n", op);
		return -EINVAL;
	}
	if (BPF_SRC(insn->code) == BPF_X) {
		if (insn->imm) {
			verbose(env, "BPF_JMP/JMP32 uses reserved fields\n");
			return -EINVAL;
		}
		err = kbpf_check_reg_arg(env, insn->src_reg, false);
		if (err)
			return err;
		if (kbpf_is_pointer_value(env, insn->src_reg)) {
			verbose(env, "R%u pointer comparison prohibited\n",
				insn->src_reg);
			return -EACCES;
		}
		src_reg = &regs[insn->src_reg];
	} else if (insn->src_reg) {
		verbose(env, "BPF_JMP/JMP32 uses reserved fields\n");
		return -EINVAL;
	}
	err = kbpf_check_reg_arg(env, insn->dst_reg, false);
	if (err)
		return err;
	dst_reg = &regs[insn->dst_reg];

	if (!src_reg)
		pred = branch_taken(dst_reg, (u64)(s64)insn->imm, op, is32);
	else if (src_reg->type == KBPF_SCALAR_VALUE && is32 &&
		 tnum_is_const(tnum_subreg(src_reg->var_off)))
		pred = branch_taken(dst_reg, tnum_subreg(src_reg->var_off).value,
				    op, is32);
	else if (src_reg->type == KBPF_SCALAR_VALUE && !is32 &&
		 tnum_is_const(src_reg->var_off))
		pred = branch_taken(dst_reg, src_reg->var_off.value, op, is32);
	else if (src_reg && !is32)
		pred = pkt_end_branch_taken(dst_reg, src_reg, op);

	if (pred >= 0) {
		/* The walk skips a way on the strength of these values. */
		err = kbpf_mark_precise_if_scalar(env, insn->dst_reg);
		if (!err && src_reg)
			err = kbpf_mark_precise_if_scalar(env, insn->src_reg);
		if (err)
			return err;
	}
	if (pred == 1) {
		err = push_dead_branch(env, insn, *insn_idx + 1, *insn_idx);
		*insn_idx += insn->off;
		return err;
	}
	if (pred == 0)
		return push_dead_branch(env, insn, *insn_idx + insn->off + 1,
					*insn_idx);

	other_branch = kbpf_push_stack(env, *insn_idx + insn->off + 1, *insn_idx);
	if (!other_branch)
		return -EFAULT;
	other_regs = other_branch->frame[other_branch->curframe]->regs;

	if (src_reg) {
		if (dst_reg->type == KBPF_SCALAR_VALUE &&
		    src_reg->type == KBPF_SCALAR_VALUE) {
			if (tnum_is_const(src_reg->var_off) ||
			    (is32 && tnum_is_const(tnum_subreg(src_reg->var_off))))
				set_min_max(&other_regs[insn->dst_reg], dst_reg,
					    is32 ? tnum_subreg(src_reg->var_off).value :
						   src_reg->var_off.value, op, is32);
			else if (tnum_is_const(dst_reg->var_off) ||
				 (is32 && tnum_is_const(tnum_subreg(dst_reg->var_off))))
				set_min_max(&other_regs[insn->src_reg], src_reg,
					    is32 ? tnum_subreg(dst_reg->var_off).value :
						   dst_reg->var_off.value,
					    flip_op(op), is32);
			else if (!is32 && op == BPF_JEQ)
				combine_equal(&other_regs[insn->src_reg],
					      &other_regs[insn->dst_reg]);
			else if (!is32 && op == BPF_JNE)
				combine_equal(src_reg, dst_reg);
			if (src_reg->id) {
				find_equal_scalars(this_branch, src_reg);
				find_equal_scalars(other_branch,
						   &other_regs[insn->src_reg]);
			}
		}
	} else if (dst_reg->type == KBPF_SCALAR_VALUE) {
		set_min_max(&other_regs[insn->dst_reg], dst_reg,
			    (u64)(s64)insn->imm, op, is32);
	}
	if (dst_reg->type == KBPF_SCALAR_VALUE && dst_reg->id) {
		find_equal_scalars(this_branch, dst_reg);
		find_equal_scalars(other_branch, &other_regs[insn->dst_reg]);
	}

	if (!is32 && !src_reg && insn->imm == 0 &&
	    (op == BPF_JEQ || op == BPF_JNE) && kbpf_reg_maybe_null(dst_reg)) {
		u32 id = dst_reg->id;

		mark_ptr_or_null(env, this_branch, id, op == BPF_JNE);
		mark_ptr_or_null(env, other_branch, id, op == BPF_JEQ);
	} else if (!(src_reg && match_pkt_pointers(insn, dst_reg, src_reg,
						   this_branch, other_branch)) &&
		   kbpf_is_pointer_value(env, insn->dst_reg)) {
		verbose(env, "R%u pointer comparison prohibited\n", insn->dst_reg);
		return -EACCES;
	}
	if (env->log.level & KBPF_LOG_LEVEL2)
		kbpf_print_state(env, kbpf_cur_frame(env));
	return 0;
}
