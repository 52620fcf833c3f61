/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lib/test_bpf.c's tables expect from the kernel, in kbpf_kunit.ko:
 * the unit Kbuild generates (kunit/test_bpf_tables.c, by
 * scripts/extract-test-bpf.py) includes this first, then test_bpf.c's
 * text, then tests/test_bpf/export.h. The kernel provides most of it;
 * what kbpf replaces is here, as test_bpf.ko gets it from
 * <linux/filter.h>, which kbpf code never includes: the instruction
 * macros (<kbpf/insn.h>), and helpers with kbpf's signature.
 */
#ifndef KBPF_KUNIT_TEST_BPF_PRELUDE_H
#define KBPF_KUNIT_TEST_BPF_PRELUDE_H

#include <linux/if_ether.h>
#include <linux/math64.h>
#include <linux/prandom.h>

#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

/* The kernel's bound: test_bpf expects (33 + 1) * runs tail calls. */
#define MAX_TAIL_CALL_CNT	KBPF_MAX_TAIL_CALL_CNT

/* Classic instructions as expressions, for the cBPF fill helpers. */
#define __BPF_STMT(code, k)		((struct sock_filter)BPF_STMT(code, k))
#define __BPF_JUMP(code, k, jt, jf)	((struct sock_filter)BPF_JUMP(code, k, jt, jf))

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

#endif /* KBPF_KUNIT_TEST_BPF_PRELUDE_H */
