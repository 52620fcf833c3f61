// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_strtol() and bpf_strtoul(): a number at the start of a string the
 * program passes with its length (not NUL-terminated; a NUL ends it).
 * Linux 6.1's rules: leading white space, then '-' (bpf_strtoul refuses a
 * negative number only after parsing it), then digits in base 8, 10 or 16
 * (flags), or base 0: "0x" and a hex digit mean 16, a leading '0' 8, else
 * 10; "0x" is skipped in base 16. At most 63 bytes after the white space
 * and sign are read. The result is the number of bytes consumed; *res is
 * 0 on any error: -EINVAL (bad flags, no digits), -ERANGE (overflow).
 */
#include <kbpf/kapi.h>

#include "protos.h"

#define STRTOX_BASE_MASK	0x1f
#define STRTOX_MAX_CHARS	63

/* Linux's isspace() on its Latin-1 table: the C set and no-break space. */
static bool strtox_space(u8 c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* The digit value of c, or 16 when it is none. */
static u32 strtox_digit(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 16;
}

/* Byte i of buf, or NUL past end (Linux parses a NUL-terminated copy). */
static u8 strtox_at(const u8 *buf, u32 end, u32 i)
{
	return i < end ? buf[i] : 0;
}

static int strtox(const u8 *buf, u32 len, u64 flags, u64 *res, bool *neg)
{
	u32 base = flags & STRTOX_BASE_MASK, i = 0, end, start, d;
	bool overflow = false;
	u64 val = 0;

	if (!buf || !len)
		return -EINVAL;
	if (base != 0 && base != 8 && base != 10 && base != 16)
		return -EINVAL;
	if (flags & ~(u64)STRTOX_BASE_MASK)
		return -EINVAL;
	while (i < len && strtox_space(buf[i]))
		i++;
	*neg = i < len && buf[i] == '-';
	if (*neg)
		i++;
	if (i == len)
		return -EINVAL;
	end = i + min_t(u32, len - i, STRTOX_MAX_CHARS);
	if (!base) {
		if (strtox_at(buf, end, i) != '0')
			base = 10;
		else if ((strtox_at(buf, end, i + 1) | 0x20) == 'x' &&
			 strtox_digit(strtox_at(buf, end, i + 2)) < 16)
			base = 16;
		else
			base = 8;
	}
	if (base == 16 && strtox_at(buf, end, i) == '0' &&
	    (strtox_at(buf, end, i + 1) | 0x20) == 'x')
		i += 2;
	for (start = i; i < end; i++) {
		d = strtox_digit(buf[i]);
		if (d >= base)
			break;
		/* Wraps like Linux's parser, which only flags the overflow. */
		if (val > (U64_MAX - d) / base)
			overflow = true;
		val = val * base + d;
	}
	if (overflow)
		return -ERANGE;
	if (i == start)
		return -EINVAL;
	*res = val;
	return i;
}

static u64 kbpf_strtol(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	s64 *res = (s64 *)(unsigned long)r4;
	bool neg;
	u64 val;
	int n;

	*res = 0;
	n = strtox((const u8 *)(unsigned long)r1, r2, r3, &val, &neg);
	if (n < 0)
		return (u64)(s64)n;
	/* -val must be negative (or 0), val itself must fit. */
	if (neg ? (s64)-val > 0 : (s64)val < 0)
		return (u64)(s64)-ERANGE;
	*res = neg ? (s64)-val : (s64)val;
	return n;
}

static u64 kbpf_strtoul(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	u64 *res = (u64 *)(unsigned long)r4;
	bool neg;
	u64 val;
	int n;

	*res = 0;
	n = strtox((const u8 *)(unsigned long)r1, r2, r3, &val, &neg);
	if (n < 0)
		return (u64)(s64)n;
	if (neg)
		return (u64)(s64)-EINVAL;
	*res = val;
	return n;
}

/*
 * Linux 6.1.192's arg 4 is ARG_PTR_TO_FIXED_SIZE_MEM | MEM_UNINIT |
 * MEM_WRITE | MEM_ALIGNED of 8 bytes, the former ARG_PTR_TO_LONG: kbpf
 * keeps that name for it (8 bytes the helper writes, 8-aligned).
 */
const struct kbpf_func_proto kbpf_strtol_proto = {
	.func		= kbpf_strtol,
	.name		= "bpf_strtol",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_LONG },
};

const struct kbpf_func_proto kbpf_strtoul_proto = {
	.func		= kbpf_strtoul,
	.name		= "bpf_strtoul",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_LONG },
};
