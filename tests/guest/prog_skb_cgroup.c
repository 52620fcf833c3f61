// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_skb_cgroup_id and bpf_skb_ancestor_cgroup_id under
 * BPF_PROG_TEST_RUN: the packet belongs to the test run's dummy socket,
 * created in the running task's cgroup, so both helpers see a cgroup; its
 * ancestor at level 0 is the root (id 1), none exists 100 levels down.
 * The sched_cls program answers with the three values packed into the
 * return value (cgroup ids here are small; kbpf and Linux's bpf(2) must
 * agree), the cgroup_skb one, which may only return 0 or 1, checks them.
 */
#include "kt_dual.h"
#include "kt_prog.h"

/* An IPv4 Ethernet frame, all zeros but its ethertype. */
static unsigned char pkt[64] = { [12] = 0x08 };
static __u32 kbpf_retval;

/* ret = skb_cgroup_id << 16 | ancestor(0) << 8 | ancestor(100) */
static bool cgroup_case(const struct kt_be *be, __u32 type)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_CALL(BPF_FUNC_skb_cgroup_id),
		KT_MOV64_REG(7, 0),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_skb_ancestor_cgroup_id),
		KT_MOV64_REG(8, 0),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, 100),
		KT_CALL(BPF_FUNC_skb_ancestor_cgroup_id),
		KT_ALU64_IMM(BPF_LSH, 7, 16),
		KT_ALU64_IMM(BPF_LSH, 8, 8),
		KT_INSN(BPF_ALU64 | BPF_OR | BPF_X, 0, 7, 0, 0),
		KT_INSN(BPF_ALU64 | BPF_OR | BPF_X, 0, 8, 0, 0),
		KT_EXIT(),
	};
	struct kt_load l = { .type = type, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns) };
	struct kt_run run = { .data_in = pkt, .data_size_in = sizeof(pkt) };
	__u32 ret;
	bool ok;

	if (!be_load_run(be, &l, &run))
		return false;
	ret = run.retval;
	ok = kt_check_true(ret >> 16, "a cgroup id") &&
	     kt_check_u64((ret >> 8) & 0xff, 1, "the root at level 0") &&
	     kt_check_u64(ret & 0xff, 0, "no ancestor 100 levels down");
	/* Linux runs second: the same answer as kbpf's. */
	if (be == &kt_be_kbpf)
		kbpf_retval = ret;
	else if (ok)
		ok = kt_check_u64(ret, kbpf_retval, "the same as kbpf's");
	return ok;
}

static bool t_sched_cls(const struct kt_be *be)
{
	return cgroup_case(be, BPF_PROG_TYPE_SCHED_CLS);
}

/*
 * cgroup_skb programs must return 0 or 1: 1 when there is a cgroup, the
 * root is its ancestor at level 0 and none is 100 levels down.
 */
static bool t_cgroup_skb(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_CALL(BPF_FUNC_skb_cgroup_id),
		KT_JEQ_IMM(0, 0, 10),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_skb_ancestor_cgroup_id),
		KT_INSN(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 6, 1),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, 100),
		KT_CALL(BPF_FUNC_skb_ancestor_cgroup_id),
		KT_INSN(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 2, 0),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_CGROUP_SKB, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns) };
	struct kt_run run = { .data_in = pkt, .data_size_in = sizeof(pkt) };

	return be_load_run(be, &l, &run) &&
	       kt_check_u64(run.retval, 1, "a cgroup, the root above it");
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("skb_cgroup_id_sched_cls", t_sched_cls, linux_ok);
	kt_dual("skb_cgroup_id_cgroup_skb", t_cgroup_skb, linux_ok);
	return kt_done();
}
