// SPDX-License-Identifier: GPL-2.0
/*
 * Tracked numbers (see tnum.h). Each operation must over-approximate: the
 * result holds every value the operation can give on values of its inputs.
 */
#include "tnum.h"

const struct tnum tnum_unknown = { .value = 0, .mask = U64_MAX };

struct tnum tnum_const(u64 value)
{
	return TNUM(value, 0);
}

struct tnum tnum_range(u64 min, u64 max)
{
	u64 differ = min ^ max, low;
	int bits = fls64(differ);

	/* Every bit at or below the highest differing one may take any value. */
	if (bits > 63)
		return tnum_unknown;
	low = (1ULL << bits) - 1;
	return TNUM(min & ~low, low);
}

struct tnum tnum_lshift(struct tnum a, u8 shift)
{
	return TNUM(a.value << shift, a.mask << shift);
}

struct tnum tnum_rshift(struct tnum a, u8 shift)
{
	return TNUM(a.value >> shift, a.mask >> shift);
}

struct tnum tnum_arshift(struct tnum a, u8 min_shift, u8 insn_bitness)
{
	/* The sign bit, known or not, is copied down like any other bit. */
	if (insn_bitness == 32)
		return TNUM((u32)((s32)a.value >> min_shift),
			    (u32)((s32)a.mask >> min_shift));
	return TNUM((s64)a.value >> min_shift, (s64)a.mask >> min_shift);
}

struct tnum tnum_add(struct tnum a, struct tnum b)
{
	u64 sum_mask = a.mask + b.mask;
	u64 sum_value = a.value + b.value;
	/* Bits where carries may differ between the extremes are unknown. */
	u64 carries = (sum_mask + sum_value) ^ sum_value;
	u64 unknown = carries | a.mask | b.mask;

	return TNUM(sum_value & ~unknown, unknown);
}

struct tnum tnum_sub(struct tnum a, struct tnum b)
{
	u64 diff = a.value - b.value;
	u64 borrows = (diff + a.mask) ^ (diff - b.mask);
	u64 unknown = borrows | a.mask | b.mask;

	return TNUM(diff & ~unknown, unknown);
}

struct tnum tnum_and(struct tnum a, struct tnum b)
{
	u64 may_a = a.value | a.mask, may_b = b.value | b.mask;
	u64 value = a.value & b.value;

	return TNUM(value, may_a & may_b & ~value);
}

struct tnum tnum_or(struct tnum a, struct tnum b)
{
	u64 value = a.value | b.value;

	return TNUM(value, (a.mask | b.mask) & ~value);
}

struct tnum tnum_xor(struct tnum a, struct tnum b)
{
	u64 unknown = a.mask | b.mask;

	return TNUM((a.value ^ b.value) & ~unknown, unknown);
}

/*
 * Long multiplication: a known one bit of a adds b shifted, an unknown bit
 * adds either 0 or b shifted, that is any subset of b's possible one bits.
 */
struct tnum tnum_mul(struct tnum a, struct tnum b)
{
	struct tnum acc = tnum_const(0);
	u64 may_b = b.value | b.mask;
	int i;

	for (i = 0; i < 64 && (a.value | a.mask) >> i; i++) {
		if (a.value & (1ULL << i))
			acc = tnum_add(acc, tnum_lshift(b, i));
		else if (a.mask & (1ULL << i))
			acc = tnum_add(acc, TNUM(0, may_b << i));
	}
	return acc;
}

struct tnum tnum_intersect(struct tnum a, struct tnum b)
{
	u64 unknown = a.mask & b.mask;

	return TNUM((a.value | b.value) & ~unknown, unknown);
}

struct tnum tnum_cast(struct tnum a, u8 size)
{
	u64 keep = size >= 8 ? U64_MAX : (1ULL << (size * 8)) - 1;

	return TNUM(a.value & keep, a.mask & keep);
}

bool tnum_is_aligned(struct tnum a, u64 size)
{
	if (!size)
		return true;
	return !((a.value | a.mask) & (size - 1));
}

bool tnum_in(struct tnum a, struct tnum b)
{
	if (b.mask & ~a.mask)
		return false;
	return a.value == (b.value & ~a.mask);
}

struct tnum tnum_subreg(struct tnum a)
{
	return tnum_cast(a, 4);
}

struct tnum tnum_clear_subreg(struct tnum a)
{
	return tnum_lshift(tnum_rshift(a, 32), 32);
}

struct tnum tnum_const_subreg(struct tnum a, u32 value)
{
	return tnum_or(tnum_clear_subreg(a), tnum_const(value));
}

int tnum_strn(char *str, size_t size, struct tnum a)
{
	return snprintf(str, size, "(0x%llx; 0x%llx)",
			(unsigned long long)a.value,
			(unsigned long long)a.mask);
}
