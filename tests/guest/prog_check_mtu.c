// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_check_mtu in sched_cls and XDP programs run with BPF_PROG_TEST_RUN
 * on the loopback device (MTU 65536, 14-byte L2 header), each case on
 * kbpf and on Linux's bpf(2) alike: the BPF_MTU_CHK_* result or errno and
 * the MTU the helper writes back (the program stores it in the packet),
 * a redirect target by ifindex, an L3 length given in *mtu_len, the
 * segment flag; and who may call it (GPL programs of those two types).
 */
#include "kt_dual.h"
#include "kt_prog.h"

#define KT_JGT_REG(d, s, o)	KT_INSN(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
#define KT_ALU64_REG(op, d, s)	KT_INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)

#define PKT_LEN		64
#define LO_MTU		65536
#define LO_HLEN		14

static unsigned char pkt[PKT_LEN];

/*
 * *(fp - 4) = mtu_in; r0 = bpf_check_mtu(ctx, ifindex, fp - 4, len_diff,
 * flags); the u32 at fp - 4 into the packet's first bytes.
 */
static bool mtu_case(const struct kt_be *be, __u32 type, __u32 ifindex,
		     __u32 mtu_in, __s32 len_diff, __u32 flags, int want_ret,
		     __u32 want_mtu)
{
	bool xdp = type == BPF_PROG_TYPE_XDP;
	short data = xdp ? offsetof(struct xdp_md, data) :
		     offsetof(struct __sk_buff, data);
	short data_end = xdp ? offsetof(struct xdp_md, data_end) :
			 offsetof(struct __sk_buff, data_end);
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_ST(BPF_W, 10, -4, mtu_in),
		KT_MOV64_IMM(2, ifindex),
		KT_MOV64_REG(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -4),
		KT_MOV64_IMM(4, len_diff),
		KT_MOV64_IMM(5, flags),
		KT_CALL(BPF_FUNC_check_mtu),
		KT_LDX(BPF_W, 2, 6, data),
		KT_LDX(BPF_W, 3, 6, data_end),
		KT_MOV64_REG(4, 2),
		KT_ALU64_IMM(BPF_ADD, 4, 4),
		KT_JGT_REG(4, 3, 2),
		KT_LDX(BPF_W, 1, 10, -4),
		KT_STX(BPF_W, 2, 1, 0),
		KT_EXIT(),
	};
	struct kt_load l = { .type = type, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns) };
	unsigned char out[PKT_LEN];
	struct kt_run run = { .data_in = pkt, .data_size_in = sizeof(pkt),
			      .data_out = out, .data_size_out = sizeof(out) };
	__u32 mtu;

	memset(pkt, 0x5a, sizeof(pkt));
	pkt[12] = 0x08;
	pkt[13] = 0x00;
	if (!be_load_run(be, &l, &run))
		return false;
	memcpy(&mtu, out, sizeof(mtu));
	return kt_check_u64(run.retval, (__u32)want_ret, "retval") &&
	       kt_check_u64(mtu, want_mtu, "mtu");
}

static bool common_cases(const struct kt_be *be, __u32 type)
{
	int room = LO_MTU + LO_HLEN - PKT_LEN;

	return mtu_case(be, type, 0, 0, 0, 0, BPF_MTU_CHK_RET_SUCCESS, LO_MTU) &&
	       mtu_case(be, type, 0, 0, room, 0, BPF_MTU_CHK_RET_SUCCESS, LO_MTU) &&
	       mtu_case(be, type, 0, 0, room + 1, 0,
			BPF_MTU_CHK_RET_FRAG_NEEDED, LO_MTU) &&
	       mtu_case(be, type, 0, 0, -PKT_LEN, 0, BPF_MTU_CHK_RET_SUCCESS, LO_MTU) &&
	       /* An L3 length to check instead of the packet's. */
	       mtu_case(be, type, 0, LO_MTU, 0, 0, BPF_MTU_CHK_RET_SUCCESS, LO_MTU) &&
	       mtu_case(be, type, 0, LO_MTU + 1, 0, 0,
			BPF_MTU_CHK_RET_FRAG_NEEDED, LO_MTU) &&
	       mtu_case(be, type, 0, LO_MTU + 1, -1, 0, BPF_MTU_CHK_RET_SUCCESS, LO_MTU) &&
	       /* lo by its index, then an index nothing has. */
	       mtu_case(be, type, 1, 0, 0, 0, BPF_MTU_CHK_RET_SUCCESS, LO_MTU) &&
	       mtu_case(be, type, 0x7fffffff, 0, 0, 0, -ENODEV, 0) &&
	       mtu_case(be, type, 0, 0, 0, 4, -EINVAL, 0);
}

static bool t_skb(const struct kt_be *be)
{
	__u32 t = BPF_PROG_TYPE_SCHED_CLS;

	return common_cases(be, t) &&
	       /* Nothing to add with a segment check; no GSO: plain check. */
	       mtu_case(be, t, 0, 0, 1, BPF_MTU_CHK_SEGS, -EINVAL, 0) &&
	       mtu_case(be, t, 0, 100, 0, BPF_MTU_CHK_SEGS, -EINVAL, 0) &&
	       mtu_case(be, t, 0, 0, 0, BPF_MTU_CHK_SEGS,
			BPF_MTU_CHK_RET_SUCCESS, LO_MTU) &&
	       mtu_case(be, BPF_PROG_TYPE_SCHED_ACT, 0, 0, 0, 0,
			BPF_MTU_CHK_RET_SUCCESS, LO_MTU);
}

static bool t_xdp(const struct kt_be *be)
{
	__u32 t = BPF_PROG_TYPE_XDP;

	return common_cases(be, t) &&
	       mtu_case(be, t, 0, 0, 0, BPF_MTU_CHK_SEGS, -EINVAL, 0);
}

/* GPL only, and only tc and XDP: others have no such helper (EINVAL). */
static bool t_offered(const struct kt_be *be)
{
	static const struct { __u32 type; const char *license; bool ok; } c[] = {
		{ BPF_PROG_TYPE_SCHED_CLS, "GPL", true },
		{ BPF_PROG_TYPE_XDP, "Dual BSD/GPL", true },
		{ BPF_PROG_TYPE_SCHED_CLS, "MIT", false },
		{ BPF_PROG_TYPE_XDP, "Proprietary", false },
		{ BPF_PROG_TYPE_SOCKET_FILTER, "GPL", false },
		{ BPF_PROG_TYPE_CGROUP_SKB, "GPL", false },
		{ BPF_PROG_TYPE_LWT_XMIT, "GPL", false },
		{ BPF_PROG_TYPE_SK_SKB, "GPL", false },
	};
	const struct bpf_insn insns[] = {
		KT_ST(BPF_W, 10, -4, 0),
		KT_MOV64_IMM(2, 0),
		KT_MOV64_REG(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -4),
		KT_MOV64_IMM(4, 0),
		KT_MOV64_IMM(5, 0),
		KT_CALL(BPF_FUNC_check_mtu),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	unsigned int i;

	for (i = 0; i < KT_ARRAY_SIZE(c); i++) {
		struct kt_load l = { .type = c[i].type, .insns = insns,
				     .cnt = KT_ARRAY_SIZE(insns),
				     .license = c[i].license };
		int fd = be_load_prog(be, &l);

		if (fd >= 0)
			close(fd);
		if (c[i].ok ? fd < 0 : fd >= 0 || errno != EINVAL)
			return kt_whyf("type %u, license %s: load %d (errno %d)",
				       c[i].type, c[i].license, fd, errno);
	}
	return true;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("check_mtu_skb", t_skb, linux_ok);
	kt_dual("check_mtu_xdp", t_xdp, linux_ok);
	kt_dual("check_mtu_offered", t_offered, linux_ok);
	return kt_done();
}
