/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The eBPF operations C does not spell directly: division and modulo by
 * zero, INT_MIN / -1, sign extension, byte order, atomics, unaligned
 * memory. Each gives the result RFC 9669 and Linux define, in C without
 * undefined behaviour (the host build checks it under UBSan). The
 * interpreter computes with these, so they are also what JIT output is
 * held to.
 */
#ifndef KBPF_JIT_INTERP_OPS_H
#define KBPF_JIT_INTERP_OPS_H

#include <kbpf/kapi.h>

/*
 * Program memory, at any alignment: a packed struct makes unaligned access
 * defined C (and keeps UBSan quiet); x86-64 compiles it to a plain mov.
 */
#define KBPF_MEM(type, addr)						\
	(((struct { type v; } __packed *)(unsigned long)(addr))->v)

static __always_inline u64 kbpf_div64(u64 a, u64 b)
{
	return b ? a / b : 0;
}

static __always_inline u64 kbpf_mod64(u64 a, u64 b)
{
	return b ? a % b : a;
}

/* x / -1 is -x, defined even for S64_MIN, which C's division is not. */
static __always_inline u64 kbpf_sdiv64(u64 a, u64 b)
{
	if (!b)
		return 0;
	if (b == (u64)-1)
		return -a;
	return (u64)((s64)a / (s64)b);
}

static __always_inline u64 kbpf_smod64(u64 a, u64 b)
{
	if (!b)
		return a;
	if (b == (u64)-1)
		return 0;
	return (u64)((s64)a % (s64)b);
}

static __always_inline u32 kbpf_div32(u32 a, u32 b)
{
	return b ? a / b : 0;
}

static __always_inline u32 kbpf_mod32(u32 a, u32 b)
{
	return b ? a % b : a;
}

static __always_inline u32 kbpf_sdiv32(u32 a, u32 b)
{
	if (!b)
		return 0;
	if (b == (u32)-1)
		return -a;
	return (u32)((s32)a / (s32)b);
}

static __always_inline u32 kbpf_smod32(u32 a, u32 b)
{
	if (!b)
		return a;
	if (b == (u32)-1)
		return 0;
	return (u32)((s32)a % (s32)b);
}

/* MOVSX: off is the source width; any other off moves the value as is. */
static __always_inline u64 kbpf_movsx(u64 v, s16 bits)
{
	switch (bits) {
	case 8:
		return (u64)(s64)(s8)v;
	case 16:
		return (u64)(s64)(s16)v;
	case 32:
		return (u64)(s64)(s32)v;
	default:
		return v;
	}
}

/* Byte order conversions; a width other than 16/32/64 leaves v alone. */
static __always_inline u64 kbpf_to_be(u64 v, s32 bits)
{
	switch (bits) {
	case 16:
		return (u16)cpu_to_be16((u16)v);
	case 32:
		return (u32)cpu_to_be32((u32)v);
	case 64:
		return (u64)cpu_to_be64(v);
	default:
		return v;
	}
}

static __always_inline u64 kbpf_to_le(u64 v, s32 bits)
{
	switch (bits) {
	case 16:
		return (u16)cpu_to_le16((u16)v);
	case 32:
		return (u32)cpu_to_le32((u32)v);
	case 64:
		return (u64)cpu_to_le64(v);
	default:
		return v;
	}
}

static __always_inline u64 kbpf_bswap(u64 v, s32 bits)
{
	switch (bits) {
	case 16:
		return swab16((u16)v);
	case 32:
		return swab32((u32)v);
	case 64:
		return swab64(v);
	default:
		return v;
	}
}

/*
 * STX | ATOMIC | W at addr, op from imm: FETCH forms and XCHG put the old
 * value, zero-extended, in *src; CMPXCHG compares with and returns into
 * *r0. False for an imm that names no operation.
 */
static __always_inline bool kbpf_atomic32(u64 addr, s32 op, u64 *src, u64 *r0)
{
	atomic_t *p = (atomic_t *)(unsigned long)addr;
	int v = (int)(u32)*src;

	switch (op) {
	case BPF_ADD:
		atomic_add(v, p);
		break;
	case BPF_AND:
		atomic_and(v, p);
		break;
	case BPF_OR:
		atomic_or(v, p);
		break;
	case BPF_XOR:
		atomic_xor(v, p);
		break;
	case BPF_ADD | BPF_FETCH:
		*src = (u32)atomic_fetch_add(v, p);
		break;
	case BPF_AND | BPF_FETCH:
		*src = (u32)atomic_fetch_and(v, p);
		break;
	case BPF_OR | BPF_FETCH:
		*src = (u32)atomic_fetch_or(v, p);
		break;
	case BPF_XOR | BPF_FETCH:
		*src = (u32)atomic_fetch_xor(v, p);
		break;
	case BPF_XCHG:
		*src = (u32)atomic_xchg(p, v);
		break;
	case BPF_CMPXCHG:
		*r0 = (u32)atomic_cmpxchg(p, (int)(u32)*r0, v);
		break;
	default:
		return false;
	}
	return true;
}

/* The same on 64 bits. */
static __always_inline bool kbpf_atomic64(u64 addr, s32 op, u64 *src, u64 *r0)
{
	atomic64_t *p = (atomic64_t *)(unsigned long)addr;
	s64 v = (s64)*src;

	switch (op) {
	case BPF_ADD:
		atomic64_add(v, p);
		break;
	case BPF_AND:
		atomic64_and(v, p);
		break;
	case BPF_OR:
		atomic64_or(v, p);
		break;
	case BPF_XOR:
		atomic64_xor(v, p);
		break;
	case BPF_ADD | BPF_FETCH:
		*src = (u64)atomic64_fetch_add(v, p);
		break;
	case BPF_AND | BPF_FETCH:
		*src = (u64)atomic64_fetch_and(v, p);
		break;
	case BPF_OR | BPF_FETCH:
		*src = (u64)atomic64_fetch_or(v, p);
		break;
	case BPF_XOR | BPF_FETCH:
		*src = (u64)atomic64_fetch_xor(v, p);
		break;
	case BPF_XCHG:
		*src = (u64)atomic64_xchg(p, v);
		break;
	case BPF_CMPXCHG:
		*r0 = (u64)atomic64_cmpxchg(p, (s64)*r0, v);
		break;
	default:
		return false;
	}
	return true;
}

#endif /* KBPF_JIT_INTERP_OPS_H */
