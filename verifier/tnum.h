/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracked numbers: what is known about each bit of a 64-bit value. A bit
 * is known when its mask bit is 0, and then its value is in value; an
 * unknown bit has mask 1 and value 0. Linux's struct tnum, kbpf's code.
 */
#ifndef KBPF_VERIFIER_TNUM_H
#define KBPF_VERIFIER_TNUM_H

#include <kbpf/kapi.h>

struct tnum {
	u64 value;
	u64 mask;
};

#define TNUM(v, m)	((struct tnum){ .value = (v), .mask = (m) })

extern const struct tnum tnum_unknown;

struct tnum tnum_const(u64 value);
/* The smallest tnum holding every value in [min, max]. */
struct tnum tnum_range(u64 min, u64 max);
struct tnum tnum_lshift(struct tnum a, u8 shift);
struct tnum tnum_rshift(struct tnum a, u8 shift);
/* Arithmetic shift right of a value of insn_bitness (32 or 64) bits. */
struct tnum tnum_arshift(struct tnum a, u8 min_shift, u8 insn_bitness);
struct tnum tnum_add(struct tnum a, struct tnum b);
struct tnum tnum_sub(struct tnum a, struct tnum b);
struct tnum tnum_and(struct tnum a, struct tnum b);
struct tnum tnum_or(struct tnum a, struct tnum b);
struct tnum tnum_xor(struct tnum a, struct tnum b);
struct tnum tnum_mul(struct tnum a, struct tnum b);
/* Values in both a and b (the caller knows they intersect). */
struct tnum tnum_intersect(struct tnum a, struct tnum b);
/* Truncate to size bytes. */
struct tnum tnum_cast(struct tnum a, u8 size);
bool tnum_is_aligned(struct tnum a, u64 size);
/* Is every value of b also a value of a? */
bool tnum_in(struct tnum a, struct tnum b);
/* The low and high 32 bits; tnum_with_subreg puts b's low half into a. */
struct tnum tnum_subreg(struct tnum a);
struct tnum tnum_clear_subreg(struct tnum a);
struct tnum tnum_const_subreg(struct tnum a, u32 value);
int tnum_strn(char *str, size_t size, struct tnum a);

static inline bool tnum_is_const(struct tnum a)
{
	return !a.mask;
}

static inline bool tnum_equals_const(struct tnum a, u64 b)
{
	return tnum_is_const(a) && a.value == b;
}

static inline bool tnum_is_unknown(struct tnum a)
{
	return !~a.mask;
}

static inline bool tnum_subreg_is_const(struct tnum a)
{
	return !(u32)a.mask;
}

static inline u64 tnum_umin(struct tnum a)
{
	return a.value;
}

static inline u64 tnum_umax(struct tnum a)
{
	return a.value | a.mask;
}

#endif /* KBPF_VERIFIER_TNUM_H */
