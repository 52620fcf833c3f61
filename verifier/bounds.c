// SPDX-License-Identifier: GPL-2.0
/*
 * Scalar registers: a tnum plus signed and unsigned bounds on 64 and on
 * the low 32 bits, kept consistent with each other after every change,
 * and the arithmetic on them. Every operation over-approximates; when an
 * operation is not modelled precisely the result is simply unknown.
 */
#include "priv.h"

void kbpf_reg_unbounded(struct kbpf_reg *reg)
{
	reg->smin_value = S64_MIN;
	reg->smax_value = S64_MAX;
	reg->umin_value = 0;
	reg->umax_value = U64_MAX;
	reg->s32_min_value = S32_MIN;
	reg->s32_max_value = S32_MAX;
	reg->u32_min_value = 0;
	reg->u32_max_value = U32_MAX;
}

static void reg_clear_ptr_fields(struct kbpf_reg *reg)
{
	reg->off = 0;
	reg->range = 0;
	reg->mem_size = 0;
	reg->map_ptr = NULL;
	reg->id = 0;
	reg->ref_obj_id = 0;
	reg->frameno = 0;
}

void kbpf_mark_reg_unknown(struct kbpf_verifier_env *env, struct kbpf_reg *reg)
{
	reg_clear_ptr_fields(reg);
	reg->type = KBPF_SCALAR_VALUE;
	reg->var_off = tnum_unknown;
	kbpf_reg_unbounded(reg);
}

void kbpf_mark_reg_known(struct kbpf_reg *reg, u64 imm)
{
	reg_clear_ptr_fields(reg);
	reg->type = KBPF_SCALAR_VALUE;
	reg->var_off = tnum_const(imm);
	reg->smin_value = (s64)imm;
	reg->smax_value = (s64)imm;
	reg->umin_value = imm;
	reg->umax_value = imm;
	reg->s32_min_value = (s32)imm;
	reg->s32_max_value = (s32)imm;
	reg->u32_min_value = (u32)imm;
	reg->u32_max_value = (u32)imm;
}

void kbpf_mark_reg_known_zero(struct kbpf_reg *reg)
{
	kbpf_mark_reg_known(reg, 0);
}

void kbpf_mark_reg_not_init(struct kbpf_reg *reg)
{
	kbpf_mark_reg_known(reg, 0);
	reg->type = KBPF_NOT_INIT;
	reg->var_off = tnum_unknown;
	kbpf_reg_unbounded(reg);
}

/* Tighten the bounds with what the tnum says. */
static void update_bounds_from_tnum(struct kbpf_reg *reg)
{
	struct tnum v = tnum_subreg(reg->var_off);
	struct tnum w = reg->var_off;

	reg->s32_min_value = max_t(s32, reg->s32_min_value,
				   (s32)(v.value | (v.mask & (1ULL << 31))));
	reg->s32_max_value = min_t(s32, reg->s32_max_value,
				   (s32)(v.value | (v.mask & S32_MAX)));
	reg->u32_min_value = max_t(u32, reg->u32_min_value, (u32)v.value);
	reg->u32_max_value = min_t(u32, reg->u32_max_value,
				   (u32)(v.value | v.mask));

	reg->smin_value = max_t(s64, reg->smin_value,
				(s64)(w.value | (w.mask & (1ULL << 63))));
	reg->smax_value = min_t(s64, reg->smax_value,
				(s64)(w.value | (w.mask & S64_MAX)));
	reg->umin_value = max(reg->umin_value, w.value);
	reg->umax_value = min(reg->umax_value, w.value | w.mask);
}

/* Signed and unsigned views agree where the sign is known. */
static void deduce_bounds(struct kbpf_reg *reg)
{
	if (reg->s32_min_value >= 0 || reg->s32_max_value < 0) {
		reg->s32_min_value = reg->u32_min_value =
			max_t(u32, reg->s32_min_value, reg->u32_min_value);
		reg->s32_max_value = reg->u32_max_value =
			min_t(u32, reg->s32_max_value, reg->u32_max_value);
	} else if ((s32)reg->u32_max_value >= 0) {
		/* Unsigned range within [0, S32_MAX]: non-negative. */
		reg->s32_min_value = reg->u32_min_value;
		reg->s32_max_value = reg->u32_max_value =
			min_t(u32, reg->s32_max_value, reg->u32_max_value);
	} else if ((s32)reg->u32_min_value < 0) {
		/* Unsigned range above S32_MAX: negative. */
		reg->s32_min_value = reg->u32_min_value =
			max_t(u32, reg->s32_min_value, reg->u32_min_value);
		reg->s32_max_value = reg->u32_max_value;
	}

	if (reg->smin_value >= 0 || reg->smax_value < 0) {
		reg->smin_value = reg->umin_value =
			max_t(u64, reg->smin_value, reg->umin_value);
		reg->smax_value = reg->umax_value =
			min_t(u64, reg->smax_value, reg->umax_value);
	} else if ((s64)reg->umax_value >= 0) {
		reg->smin_value = reg->umin_value;
		reg->smax_value = reg->umax_value =
			min_t(u64, reg->smax_value, reg->umax_value);
	} else if ((s64)reg->umin_value < 0) {
		reg->smin_value = reg->umin_value =
			max_t(u64, reg->smin_value, reg->umin_value);
		reg->smax_value = reg->umax_value;
	}
}

/* And the tnum learns from the unsigned bounds. */
static void tnum_from_bounds(struct kbpf_reg *reg)
{
	struct tnum var64, var32;

	if (reg->umin_value > reg->umax_value ||
	    reg->u32_min_value > reg->u32_max_value)
		return;	/* a dead branch; keep the tnum as it is */
	var64 = tnum_intersect(reg->var_off,
			       tnum_range(reg->umin_value, reg->umax_value));
	var32 = tnum_intersect(tnum_subreg(reg->var_off),
			       tnum_range(reg->u32_min_value,
					  reg->u32_max_value));
	reg->var_off = tnum_or(tnum_clear_subreg(var64), var32);
}

void kbpf_reg_bounds_sync(struct kbpf_reg *reg)
{
	update_bounds_from_tnum(reg);
	deduce_bounds(reg);
	tnum_from_bounds(reg);
	update_bounds_from_tnum(reg);
}

void kbpf_reg_bounds_from_var_off(struct kbpf_reg *reg)
{
	kbpf_reg_unbounded(reg);
	kbpf_reg_bounds_sync(reg);
}

/* The 32-bit bounds from the 64-bit ones, when those fit. */
static void combine_64_into_32(struct kbpf_reg *reg)
{
	reg->s32_min_value = S32_MIN;
	reg->s32_max_value = S32_MAX;
	reg->u32_min_value = 0;
	reg->u32_max_value = U32_MAX;
	if (reg->umax_value <= U32_MAX && reg->umin_value <= reg->umax_value) {
		reg->u32_min_value = reg->umin_value;
		reg->u32_max_value = reg->umax_value;
	}
	if (reg->smin_value >= S32_MIN && reg->smax_value <= S32_MAX &&
	    reg->smin_value <= reg->smax_value) {
		reg->s32_min_value = reg->smin_value;
		reg->s32_max_value = reg->smax_value;
	}
}

/* The value is its low 32 bits, zero-extended (a 32-bit ALU result). */
void kbpf_zext_32_to_64(struct kbpf_reg *reg)
{
	reg->var_off = tnum_subreg(reg->var_off);
	reg->umin_value = reg->u32_min_value;
	reg->umax_value = reg->u32_max_value;
	reg->smin_value = reg->u32_min_value;
	reg->smax_value = reg->u32_max_value;
}

/* A load of size bytes (or a truncation to them): zero-extended. */
void kbpf_coerce_reg_to_size(struct kbpf_reg *reg, int size)
{
	u64 mask;

	if (size >= 8)
		return;
	reg->var_off = tnum_cast(reg->var_off, size);
	mask = (1ULL << (size * 8)) - 1;
	if ((reg->umin_value & ~mask) == (reg->umax_value & ~mask)) {
		reg->umin_value &= mask;
		reg->umax_value &= mask;
	} else {
		reg->umin_value = 0;
		reg->umax_value = mask;
	}
	reg->smin_value = reg->umin_value;
	reg->smax_value = reg->umax_value;
	if (reg->umin_value > reg->umax_value) {
		reg->umin_value = 0;
		reg->umax_value = mask;
		reg->smin_value = 0;
		reg->smax_value = mask;
	}
	combine_64_into_32(reg);
	kbpf_reg_bounds_sync(reg);
}

/* One width's view of a scalar, so each operation is written once. */
struct view {
	s64 smin, smax;
	u64 umin, umax;
	struct tnum t;
	int bits;
};

static struct view view_of(const struct kbpf_reg *reg, int bits)
{
	struct view v = { .bits = bits };

	if (bits == 64) {
		v.smin = reg->smin_value;
		v.smax = reg->smax_value;
		v.umin = reg->umin_value;
		v.umax = reg->umax_value;
		v.t = reg->var_off;
	} else {
		v.smin = reg->s32_min_value;
		v.smax = reg->s32_max_value;
		v.umin = reg->u32_min_value;
		v.umax = reg->u32_max_value;
		v.t = tnum_subreg(reg->var_off);
	}
	return v;
}

static void view_unbounded(struct view *v)
{
	v->smin = v->bits == 64 ? S64_MIN : S32_MIN;
	v->smax = v->bits == 64 ? S64_MAX : S32_MAX;
	v->umin = 0;
	v->umax = v->bits == 64 ? U64_MAX : U32_MAX;
}

static void view_signed_unbounded(struct view *v)
{
	v->smin = v->bits == 64 ? S64_MIN : S32_MIN;
	v->smax = v->bits == 64 ? S64_MAX : S32_MAX;
}

static void view_unsigned_unbounded(struct view *v)
{
	v->umin = 0;
	v->umax = v->bits == 64 ? U64_MAX : U32_MAX;
}

static bool s_fits(s64 v, int bits)
{
	return bits == 64 || (v >= S32_MIN && v <= S32_MAX);
}

static bool s_add(s64 a, s64 b, s64 *r, int bits)
{
	return !check_add_overflow(a, b, r) && s_fits(*r, bits);
}

static bool s_sub(s64 a, s64 b, s64 *r, int bits)
{
	return !check_sub_overflow(a, b, r) && s_fits(*r, bits);
}

static bool u_add(u64 a, u64 b, u64 *r, int bits)
{
	return !check_add_overflow(a, b, r) && (bits == 64 || *r <= U32_MAX);
}

static void view_add(struct view *d, const struct view *s)
{
	s64 lo, hi;
	u64 ulo, uhi;

	if (s_add(d->smin, s->smin, &lo, d->bits) &&
	    s_add(d->smax, s->smax, &hi, d->bits)) {
		d->smin = lo;
		d->smax = hi;
	} else {
		view_signed_unbounded(d);
	}
	if (u_add(d->umin, s->umin, &ulo, d->bits) &&
	    u_add(d->umax, s->umax, &uhi, d->bits)) {
		d->umin = ulo;
		d->umax = uhi;
	} else {
		view_unsigned_unbounded(d);
	}
	d->t = tnum_add(d->t, s->t);
}

static void view_sub(struct view *d, const struct view *s)
{
	s64 lo, hi;

	if (s_sub(d->smin, s->smax, &lo, d->bits) &&
	    s_sub(d->smax, s->smin, &hi, d->bits)) {
		d->smin = lo;
		d->smax = hi;
	} else {
		view_signed_unbounded(d);
	}
	if (d->umin < s->umax) {
		view_unsigned_unbounded(d);
	} else {
		d->umin -= s->umax;
		d->umax -= s->umin;
	}
	d->t = tnum_sub(d->t, s->t);
}

static void view_mul(struct view *d, const struct view *s)
{
	u64 half = d->bits == 64 ? U32_MAX : U16_MAX;

	d->t = tnum_mul(d->t, s->t);
	if (d->smin < 0 || s->smin < 0 || d->umax > half || s->umax > half) {
		view_unbounded(d);
		return;
	}
	/* Both below 2^(bits/2): no overflow, non-negative. */
	d->umin *= s->umin;
	d->umax *= s->umax;
	if (d->umax > (d->bits == 64 ? (u64)S64_MAX : (u64)S32_MAX)) {
		view_signed_unbounded(d);
	} else {
		d->smin = d->umin;
		d->smax = d->umax;
	}
}

static void view_and(struct view *d, const struct view *s)
{
	bool nonneg = d->smin >= 0 && s->smin >= 0;

	d->t = tnum_and(d->t, s->t);
	d->umin = d->t.value;
	d->umax = min(d->umax, s->umax);
	if (nonneg) {
		d->smin = d->umin;
		d->smax = d->umax;
	} else {
		view_signed_unbounded(d);
	}
}

static void view_or(struct view *d, const struct view *s)
{
	bool nonneg = d->smin >= 0 && s->smin >= 0;

	d->t = tnum_or(d->t, s->t);
	d->umin = max(d->umin, s->umin);
	d->umax = d->t.value | d->t.mask;
	if (nonneg) {
		d->smin = d->umin;
		d->smax = d->umax;
	} else {
		view_signed_unbounded(d);
	}
}

static void view_xor(struct view *d, const struct view *s)
{
	bool nonneg = d->smin >= 0 && s->smin >= 0;

	d->t = tnum_xor(d->t, s->t);
	d->umin = d->t.value;
	d->umax = d->t.value | d->t.mask;
	if (nonneg) {
		d->smin = d->umin;
		d->smax = d->umax;
	} else {
		view_signed_unbounded(d);
	}
}

static void view_lsh(struct view *d, u32 shift)
{
	u64 top = d->bits == 64 ? U64_MAX : U32_MAX;

	d->t = tnum_lshift(d->t, shift);
	if (d->bits == 32)
		d->t = tnum_subreg(d->t);
	view_signed_unbounded(d);
	if (d->umax > (top >> shift)) {
		view_unsigned_unbounded(d);
	} else {
		d->umin <<= shift;
		d->umax <<= shift;
	}
}

/*
 * Linux's special case of a 64-bit <<32 (the first half of the compilers'
 * <<32 s>>32 sign extension): a non-negative 32-bit bound of the value
 * stays a bound of the result, shifted.
 */
static void lsh32_keep_sign(struct view *d, const struct view *d32)
{
	if (d32->smax >= 0)
		d->smax = (s64)((u64)d32->smax << 32);
	if (d32->smin >= 0)
		d->smin = (s64)((u64)d32->smin << 32);
}

static void view_rsh(struct view *d, u32 shift)
{
	d->t = tnum_rshift(d->t, shift);
	view_signed_unbounded(d);
	d->umin >>= shift;
	d->umax >>= shift;
}

static void view_arsh(struct view *d, u32 shift)
{
	d->t = tnum_arshift(d->t, shift, d->bits);
	d->smin >>= shift;
	d->smax >>= shift;
	view_unsigned_unbounded(d);
}

static void view_store(struct kbpf_reg *reg, const struct view *v)
{
	if (v->bits == 64) {
		reg->smin_value = v->smin;
		reg->smax_value = v->smax;
		reg->umin_value = v->umin;
		reg->umax_value = v->umax;
		reg->var_off = v->t;
		combine_64_into_32(reg);
	} else {
		reg->s32_min_value = v->smin;
		reg->s32_max_value = v->smax;
		reg->u32_min_value = v->umin;
		reg->u32_max_value = v->umax;
		reg->var_off = tnum_subreg(v->t);
		kbpf_zext_32_to_64(reg);
	}
	kbpf_reg_bounds_sync(reg);
}

/*
 * dst op= src for two scalars (Linux's adjust_scalar_min_max_vals). Like
 * Linux 6.1, only ADD, SUB and AND are tracked for an unknown src; other
 * operations with an unknown src, and DIV, MOD, NEG, END, give unknown.
 */
/*
 * The low 32 bits of a 64-bit add, sub, mul or bitwise op are the same op
 * on the low 32 bits: bound them that way too (Linux tracks both), which
 * can be tighter than what the 64-bit bounds say about them.
 */
static void alu64_subreg_bounds(struct kbpf_reg *reg, u8 op, struct view *d,
				const struct view *s)
{
	switch (op) {
	case BPF_ADD:
		view_add(d, s);
		break;
	case BPF_SUB:
		view_sub(d, s);
		break;
	case BPF_MUL:
		view_mul(d, s);
		break;
	case BPF_AND:
		view_and(d, s);
		break;
	case BPF_OR:
		view_or(d, s);
		break;
	case BPF_XOR:
		view_xor(d, s);
		break;
	default:
		return;
	}
	reg->s32_min_value = max_t(s32, reg->s32_min_value, (s32)d->smin);
	reg->s32_max_value = min_t(s32, reg->s32_max_value, (s32)d->smax);
	reg->u32_min_value = max_t(u32, reg->u32_min_value, (u32)d->umin);
	reg->u32_max_value = min_t(u32, reg->u32_max_value, (u32)d->umax);
	kbpf_reg_bounds_sync(reg);
}

int kbpf_scalar_alu(struct kbpf_verifier_env *env, const struct bpf_insn *insn,
		    struct kbpf_reg *dst, struct kbpf_reg src)
{
	int bits = BPF_CLASS(insn->code) == BPF_ALU64 ? 64 : 32;
	u8 op = BPF_OP(insn->code);
	struct view d, s, d32, s32;
	bool src_known;

	s = view_of(&src, bits);
	d = view_of(dst, bits);
	s32 = view_of(&src, 32);
	d32 = view_of(dst, 32);
	src_known = tnum_is_const(s.t);
	if ((src_known && (s.smin != s.smax || s.umin != s.umax)) ||
	    s.smin > s.smax || s.umin > s.umax ||
	    (!src_known && op != BPF_ADD && op != BPF_SUB && op != BPF_AND)) {
		kbpf_mark_reg_unknown(env, dst);
		goto out;
	}
	switch (op) {
	case BPF_ADD:
		view_add(&d, &s);
		break;
	case BPF_SUB:
		view_sub(&d, &s);
		break;
	case BPF_MUL:
		view_mul(&d, &s);
		break;
	case BPF_AND:
		view_and(&d, &s);
		break;
	case BPF_OR:
		view_or(&d, &s);
		break;
	case BPF_XOR:
		view_xor(&d, &s);
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (s.umax >= (u64)bits) {
			/* Shifts by the width or more are not defined. */
			kbpf_mark_reg_unknown(env, dst);
			goto out;
		}
		if (op == BPF_LSH) {
			view_lsh(&d, s.umin);
			if (bits == 64 && s.umin == 32)
				lsh32_keep_sign(&d, &d32);
		} else if (op == BPF_RSH)
			view_rsh(&d, s.umin);
		else
			view_arsh(&d, s.umin);
		break;
	default:
		kbpf_mark_reg_unknown(env, dst);
		goto out;
	}
	view_store(dst, &d);
	if (bits == 64)
		alu64_subreg_bounds(dst, op, &d32, &s32);
	return 0;
out:
	if (bits == 32) {
		/* A 32-bit result never has upper bits set. */
		dst->var_off = tnum_subreg(dst->var_off);
		kbpf_zext_32_to_64(dst);
		kbpf_reg_bounds_sync(dst);
	}
	return 0;
}
