/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The accessors of table.h, compiled at the end of the generated unit so
 * they see test_bpf.c's struct bpf_test and static tables. Lengths and
 * subtest ends are computed as test_bpf.c computes them. Shared by the
 * host and kernel builds; each brings its own prelude.
 */
#include "table.h"

const int tb_max_data = MAX_DATA;
const int tb_max_testruns = MAX_TESTRUNS;

int tb_count(void)
{
	return ARRAY_SIZE(tests);
}

const char *tb_descr(int i)
{
	return tests[i].descr;
}

bool tb_classic(int i)
{
	return (tests[i].aux & TEST_TYPE_MASK) == CLASSIC;
}

/*
 * A table program's length: up to its last instruction that is not all
 * zero in code or k, read through the classic view as test_bpf does (for
 * eBPF that is the opcode and registers, and imm).
 */
static u32 tb_table_len(const struct bpf_test *t)
{
	int len;

	for (len = MAX_INSNS - 1; len > 0; len--)
		if (t->u.insns[len].code || t->u.insns[len].k)
			break;
	return len + 1;
}

int tb_get(int i, struct tb_case *c)
{
	struct bpf_test *t = &tests[i];
	int sub, err;

	memset(c, 0, sizeof(*c));
	c->descr = t->descr;
	c->classic = (t->aux & TEST_TYPE_MASK) == CLASSIC;
	c->expected_fail = t->aux & FLAG_EXPECTED_FAIL;
	c->no_data = t->aux & FLAG_NO_DATA;
	c->large_mem = t->aux & FLAG_LARGE_MEM;
	c->skb_frag = t->aux & FLAG_SKB_FRAG;
	c->verifier_zext = t->aux & FLAG_VERIFIER_ZEXT;
	c->data = t->data;
	c->stack_depth = t->stack_depth;
	c->runs = t->nr_testruns ? min(t->nr_testruns, MAX_TESTRUNS) :
		  MAX_TESTRUNS;

	/* The first subtest always runs; a later all-zero one ends the list. */
	for (sub = 0; sub < MAX_SUBTESTS; sub++) {
		if (sub && !t->test[sub].data_size && !t->test[sub].result)
			break;
		c->sub[sub].data_size = t->test[sub].data_size;
		c->sub[sub].result = t->test[sub].result;
	}
	c->nr_sub = sub;

	if (t->fill_helper) {
		err = t->fill_helper(t);
		if (err < 0)
			return err;
		c->len = t->u.ptr.len;
		if (!c->classic)
			c->insns = t->u.ptr.insns;
	} else {
		c->len = tb_table_len(t);
		if (!c->classic)
			c->insns = t->u.insns_int;
	}
	return 0;
}

void tb_put(int i)
{
	struct bpf_test *t = &tests[i];

	if (t->fill_helper) {
		kfree(t->u.ptr.insns);
		t->u.ptr.insns = NULL;
	}
}

int tb_tail_count(void)
{
	return ARRAY_SIZE(tail_call_tests);
}

void tb_tail_get(int i, struct tb_tail_case *c)
{
	struct tail_call_test *t = &tail_call_tests[i];
	int len;

	/* Up to the first zero opcode, stepping over LD_IMM64's second half. */
	for (len = 0; len < MAX_INSNS; len++) {
		const struct bpf_insn *insn = &t->insns[len];

		if (len < MAX_INSNS - 1 &&
		    insn->code == (BPF_LD | BPF_DW | BPF_IMM))
			len++;
		if (!insn->code)
			break;
	}
	c->descr = t->descr;
	c->insns = t->insns;
	c->len = len;
	c->need_state = t->flags & FLAG_NEED_STATE;
	c->result_in_state = t->flags & FLAG_RESULT_IN_STATE;
	c->result = t->result;
	c->stack_depth = t->stack_depth;
}

int tb_tail_relocate(struct bpf_insn *insns, u32 len, int which, int n,
		     struct kbpf_prog_array *array,
		     kbpf_helper_t (*helper)(s32 id))
{
	u64 map = (unsigned long)&array->map;
	u32 i;

	for (i = 0; i < len; i++) {
		struct bpf_insn *insn = &insns[i];
		kbpf_helper_t fn;
		s32 imm;

		switch (insn->code) {
		case BPF_LD | BPF_DW | BPF_IMM:
			if (insn->imm == TAIL_CALL_MARKER && i + 1 < len) {
				insn[0].imm = (s32)(u32)map;
				insn[1].imm = (s32)(u32)(map >> 32);
			}
			break;
		case BPF_ALU | BPF_MOV | BPF_K:
			if (insn->imm != TAIL_CALL_MARKER)
				break;
			if (insn->off == TAIL_CALL_NULL)
				insn->imm = n;
			else if (insn->off == TAIL_CALL_INVALID)
				insn->imm = n + 1;
			else
				insn->imm = which + insn->off;
			insn->off = 0;
			break;
		case BPF_JMP | BPF_CALL:
			if (insn->src_reg != BPF_PSEUDO_CALL)
				break;
			fn = insn->imm == BPF_FUNC_test_func ? bpf_test_func :
			     helper(insn->imm);
			if (!fn)
				return -EFAULT;
			if (kbpf_call_imm(fn, &imm))
				*insn = BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, imm);
			else
				*insn = BPF_JMP_A(0);
			break;
		}
	}
	return 0;
}
