/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/test_bpf.c's tables as the runners see them (the host's test-bpf,
 * tests/host/test_bpf/runner.c, and the KUnit suite kbpf_test_bpf,
 * kunit/test_bpf_test.c), independent of the kernel's struct bpf_test:
 * export.h, compiled with the extracted tables, fills these in. Field
 * meanings are test_bpf's.
 */
#ifndef KBPF_TEST_BPF_TABLE_H
#define KBPF_TEST_BPF_TABLE_H

#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#define TB_MAX_SUBTESTS	3

struct tb_subtest {
	int data_size;		/* skb length, or buffer size with large_mem */
	u32 result;		/* expected R0, truncated to 32 bits */
};

struct tb_case {
	const char *descr;
	bool classic;		/* cBPF (CLASSIC) rather than eBPF (INTERNAL) */
	bool expected_fail;	/* the program must be rejected */
	bool no_data;		/* R1 = NULL */
	bool large_mem;		/* R1 = a data_size buffer, not an skb */
	bool skb_frag;		/* the skb carries frag_data in a fragment */
	bool verifier_zext;	/* zero-extensions are explicit in the program */
	const struct bpf_insn *insns;	/* eBPF only */
	u32 len;
	const u8 *data;		/* TB_MAX_DATA bytes: the skb's contents */
	struct tb_subtest sub[TB_MAX_SUBTESTS];
	int nr_sub;		/* subtests to run (test_bpf's end marker applied) */
	u32 stack_depth;
	int runs;		/* runs per subtest */
};

/* Bytes of data per test; skbs must be shorter (test_bpf's MAX_DATA). */
extern const int tb_max_data;

int tb_count(void);
const char *tb_descr(int i);
/* Whether test i is classic BPF, without generating its program. */
bool tb_classic(int i);
/*
 * Describe test i, generating its program first when a fill helper makes
 * it (test_bpf's large programs): 0, or -errno when that fails. Always
 * pair with tb_put(), which frees what was generated.
 */
int tb_get(int i, struct tb_case *c);
void tb_put(int i);

struct tb_tail_case {
	const char *descr;
	const struct bpf_insn *insns;	/* to be relocated before running */
	u32 len;
	bool need_state;	/* R1 = a pointer to an int state, zeroed */
	bool result_in_state;	/* the result is the state, not R0 */
	int result;
	u32 stack_depth;
};

int tb_tail_count(void);
void tb_tail_get(int i, struct tb_tail_case *c);

/*
 * test_bpf's prepare_tail_call_tests() on insns, a copy of tail-call test
 * which's program (len instructions) in a table of n: the marker in R2's
 * LD_IMM64 becomes array's map, the one in R3's MOV the target slot
 * (relative to which, or the NULL slot n, or the out-of-range n + 1), and
 * helper calls by id become calls by address, resolved by helper() except
 * for the tables' own test function (a NOP when out of 32-bit reach).
 * Returns 0, or -EFAULT for a helper id that helper() does not know.
 */
int tb_tail_relocate(struct bpf_insn *insns, u32 len, int which, int n,
		     struct kbpf_prog_array *array,
		     kbpf_helper_t (*helper)(s32 id));

/* Runs per test when a test does not say (test_bpf's MAX_TESTRUNS). */
extern const int tb_max_testruns;

#endif /* KBPF_TEST_BPF_TABLE_H */
