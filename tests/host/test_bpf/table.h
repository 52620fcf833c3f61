/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/test_bpf.c's tables as the runner sees them, independent of the
 * kernel's struct bpf_test: export.h, compiled with the extracted tables,
 * fills these in. Field meanings are test_bpf's.
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

/* The tail-call tables' markers, and the helper only they define. */
extern const s32 tb_tail_call_marker;	/* in LD_IMM64 R2 and MOV R3 */
extern const s16 tb_tail_call_null;	/* MOV R3 off: the NULL slot */
extern const s16 tb_tail_call_invalid;	/* MOV R3 off: out of range */
extern const s32 tb_func_test_func;	/* helper id of bpf_test_func */
extern const kbpf_helper_t tb_test_func;

/* Runs per test when a test does not say (test_bpf's MAX_TESTRUNS). */
extern const int tb_max_testruns;

#endif /* KBPF_TEST_BPF_TABLE_H */
