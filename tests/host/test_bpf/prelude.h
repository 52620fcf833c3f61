/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lib/test_bpf.c's tables expect from the kernel, for the host: the
 * generated translation unit (scripts/extract-test-bpf.py) includes this
 * first, then test_bpf.c's text, then export.h. Instruction macros come
 * from <kbpf/insn.h>, kernel types and allocation from the host shim;
 * the rest is here, each with the reason the tables need it.
 */
#ifndef KBPF_TEST_BPF_PRELUDE_H
#define KBPF_TEST_BPF_PRELUDE_H

#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include <linux/if_ether.h>	/* ETH_P_IP, in a classic test's expected value */

/*
 * glibc defines __BIG_ENDIAN (as a byte-order constant) on every host;
 * the kernel only on big-endian machines, and the tables test it with
 * #ifdef to pick expected values.
 */
#undef __BIG_ENDIAN

/* Expected values use these in static initializers: constants only. */
#undef cpu_to_be16
#undef cpu_to_be32
#undef cpu_to_be64
#define cpu_to_be16(x)	((u16)__builtin_bswap16((u16)(x)))
#define cpu_to_be32(x)	((u32)__builtin_bswap32((u32)(x)))
#define cpu_to_be64(x)	((u64)__builtin_bswap64((u64)(x)))

/* The kernel's bound: test_bpf expects (33 + 1) * runs tail calls. */
#define MAX_TAIL_CALL_CNT	KBPF_MAX_TAIL_CALL_CNT

/* Classic instructions as expressions, for the cBPF fill helpers. */
#define __BPF_STMT(code, k)		((struct sock_filter)BPF_STMT(code, k))
#define __BPF_JUMP(code, k, jt, jf)	((struct sock_filter)BPF_JUMP(code, k, jt, jf))

/* <linux/math64.h>, used to compute expected results of ALU tests. */
static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64_rem(u64 dividend, u64 divisor, u64 *remainder)
{
	*remainder = dividend % divisor;
	return dividend / divisor;
}

/*
 * One cBPF fill helper (maxinsns3) draws constants from the kernel's
 * prandom. Classic tests are not run here, so any deterministic
 * generator does; this one is xorshift64.
 */
struct rnd_state {
	u64 s;
};

static inline void prandom_seed_state(struct rnd_state *state, u64 seed)
{
	state->s = seed | 1;
}

static inline u32 prandom_u32_state(struct rnd_state *state)
{
	state->s ^= state->s << 13;
	state->s ^= state->s >> 7;
	state->s ^= state->s << 17;
	return (u32)(state->s >> 32);
}

/*
 * BPF_CALL_1(name, type, arg) { body }: a helper with kbpf's five-register
 * signature around a body that sees one typed argument. Static: the
 * runner reaches bpf_test_func through export.h.
 */
#define BPF_CALL_1(name, t1, a1)					\
	static u64 ____##name(t1 a1);					\
	static u64 name(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)		\
	{								\
		return ____##name((t1)r1);				\
	}								\
	static u64 ____##name(t1 a1)

/*
 * Kernel code, compiled as written: it compares signed with unsigned and
 * leaves trailing fields of its initializers implicit.
 */
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#endif /* KBPF_TEST_BPF_PRELUDE_H */
