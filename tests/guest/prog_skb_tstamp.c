// SPDX-License-Identifier: GPL-2.0
/*
 * The __sk_buff fields rewritten through BPF_REG_AX: tstamp (read and
 * written), tstamp_type, gso_segs, gso_size and hwtstamp, in sched_cls
 * and cgroup_skb programs run with BPF_PROG_TEST_RUN, whose ctx_in sets
 * them on the skb and whose ctx_out gives back tstamp, gso_segs,
 * hwtstamp and cb[]. The same cases run on Linux's bpf(2); then the
 * accesses Linux refuses, per type.
 */
#include "kt_dual.h"
#include "kt_prog.h"

#define OFF(f)		((short)offsetof(struct __sk_buff, f))

#define TSTAMP		123456789000ULL
#define GSO_SEGS	7
#define GSO_SIZE	1400
#define HWTSTAMP	0xabcdef0123456ULL

static unsigned char pkt[64];

/*
 * Load insns as type and run them on an IPv4 frame with ctx_in's fields
 * set: the return value in *retval, ctx_out in *out.
 */
static bool load_run(const struct kt_be *be, __u32 type,
		     const struct bpf_insn *insns, __u32 cnt,
		     struct __sk_buff *out, __u32 *retval)
{
	struct kt_load l = { .type = type, .insns = insns, .cnt = cnt };
	struct __sk_buff in;
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt),
			    .ctx_in = &in, .ctx_size_in = sizeof(in),
			    .ctx_out = out, .ctx_size_out = sizeof(*out) };

	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08;
	pkt[14] = 0x45;
	memset(&in, 0, sizeof(in));
	in.tstamp = TSTAMP;
	in.gso_segs = GSO_SEGS;
	in.gso_size = GSO_SIZE;
	in.hwtstamp = HWTSTAMP;
	memset(out, 0, sizeof(*out));
	if (!be_load_run(be, &l, &r))
		return false;
	*retval = r.retval;
	return true;
}

static __u64 cb_u64(const struct __sk_buff *c, int i)
{
	return c->cb[i] | (__u64)c->cb[i + 1] << 32;
}

/*
 * tc: the shared-info fields into cb[] (a narrow read of gso_size among
 * them), tstamp moved on by 1000, and gso_segs read into the context
 * register itself as the return value.
 */
static bool t_tc_fields(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_LDX(BPF_W, 2, 6, OFF(gso_segs)),
		KT_STX(BPF_W, 6, 2, OFF(cb[0])),
		KT_LDX(BPF_H, 2, 6, OFF(gso_size)),
		KT_STX(BPF_W, 6, 2, OFF(cb[1])),
		KT_LDX(BPF_DW, 2, 6, OFF(hwtstamp)),
		KT_STX(BPF_DW, 6, 2, OFF(cb[2])),
		KT_LDX(BPF_DW, 3, 6, OFF(tstamp)),
		KT_ALU64_IMM(BPF_ADD, 3, 1000),
		KT_STX(BPF_DW, 6, 3, OFF(tstamp)),
		KT_LDX(BPF_W, 1, 1, OFF(gso_segs)),
		KT_MOV64_REG(0, 1),
		KT_EXIT(),
	};
	struct __sk_buff out;
	__u32 ret = 0;

	return load_run(be, BPF_PROG_TYPE_SCHED_CLS, insns,
			KT_ARRAY_SIZE(insns), &out, &ret) &&
	       kt_check_u64(ret, GSO_SEGS, "retval (gso_segs)") &&
	       kt_check_u64(out.cb[0], GSO_SEGS, "cb[0] (gso_segs)") &&
	       kt_check_u64(out.cb[1], GSO_SIZE, "cb[1] (gso_size)") &&
	       kt_check_u64(cb_u64(&out, 2), HWTSTAMP, "cb[2..3] (hwtstamp)") &&
	       kt_check_u64(out.tstamp, TSTAMP + 1000, "ctx_out tstamp") &&
	       kt_check_u64(out.gso_segs, GSO_SEGS, "ctx_out gso_segs") &&
	       kt_check_u64(out.hwtstamp, HWTSTAMP, "ctx_out hwtstamp");
}

/* tc's tstamp_type (no delivery time in a test run), and tstamp with it. */
static bool t_tc_tstamp_type(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_B, 2, 1, OFF(tstamp_type)),
		KT_STX(BPF_W, 1, 2, OFF(cb[0])),
		KT_LDX(BPF_DW, 0, 1, OFF(tstamp)),
		KT_EXIT(),
	};
	struct __sk_buff out;
	__u32 ret = 0;

	return load_run(be, BPF_PROG_TYPE_SCHED_CLS, insns,
			KT_ARRAY_SIZE(insns), &out, &ret) &&
	       kt_check_u64(out.cb[0], BPF_SKB_TSTAMP_UNSPEC, "cb[0] (tstamp_type)") &&
	       kt_check_u64(ret, (__u32)TSTAMP, "retval (tstamp's low half)");
}

/* cgroup_skb: reads them all, writes tstamp (privileged), returns 1. */
static bool t_cg_skb_fields(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_W, 2, 1, OFF(gso_segs)),
		KT_STX(BPF_W, 1, 2, OFF(cb[0])),
		KT_LDX(BPF_W, 2, 1, OFF(gso_size)),
		KT_STX(BPF_W, 1, 2, OFF(cb[1])),
		KT_LDX(BPF_DW, 2, 1, OFF(hwtstamp)),
		KT_STX(BPF_DW, 1, 2, OFF(cb[2])),
		KT_LDX(BPF_DW, 2, 1, OFF(tstamp)),
		KT_ALU64_IMM(BPF_ADD, 2, 1),
		KT_STX(BPF_DW, 1, 2, OFF(tstamp)),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct __sk_buff out;
	__u32 ret = 0;

	return load_run(be, BPF_PROG_TYPE_CGROUP_SKB, insns,
			KT_ARRAY_SIZE(insns), &out, &ret) &&
	       kt_check_u64(ret, 1, "retval") &&
	       kt_check_u64(out.cb[0], GSO_SEGS, "cb[0] (gso_segs)") &&
	       kt_check_u64(out.cb[1], GSO_SIZE, "cb[1] (gso_size)") &&
	       kt_check_u64(cb_u64(&out, 2), HWTSTAMP, "cb[2..3] (hwtstamp)") &&
	       kt_check_u64(out.tstamp, TSTAMP + 1, "ctx_out tstamp");
}

/* A one-access program of type: refused with EACCES, or loaded. */
static bool access_case(const struct kt_be *be, __u32 type, struct bpf_insn a,
			bool loads, const char *what)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_IMM(2, 0),
		a,
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct kt_load l = { .type = type, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns) };
	int fd = be_load_prog(be, &l);

	if (loads) {
		if (fd >= 0)
			close(fd);
		return kt_check_ok(fd, what);
	}
	if (fd >= 0)
		close(fd);
	return kt_check_errno(fd, EACCES, what);
}

static bool t_refused(const struct kt_be *be)
{
	const __u32 tc = BPF_PROG_TYPE_SCHED_CLS;
	const __u32 cg = BPF_PROG_TYPE_CGROUP_SKB;
	const __u32 sf = BPF_PROG_TYPE_SOCKET_FILTER;

	return access_case(be, tc, KT_STX(BPF_DW, 1, 2, OFF(hwtstamp)), false,
			   "tc writes hwtstamp") &&
	       access_case(be, tc, KT_STX(BPF_W, 1, 2, OFF(gso_segs)), false,
			   "tc writes gso_segs") &&
	       access_case(be, tc, KT_LDX(BPF_W, 2, 1, OFF(tstamp)), false,
			   "tc reads 4 bytes of tstamp") &&
	       access_case(be, tc, KT_LDX(BPF_W, 2, 1, OFF(tstamp_type)), false,
			   "tc reads 4 bytes at tstamp_type") &&
	       access_case(be, tc, KT_STX(BPF_B, 1, 2, OFF(tstamp_type)), false,
			   "tc writes tstamp_type") &&
	       access_case(be, cg, KT_LDX(BPF_B, 2, 1, OFF(tstamp_type)), false,
			   "cgroup_skb reads tstamp_type") &&
	       access_case(be, sf, KT_LDX(BPF_DW, 2, 1, OFF(tstamp)), false,
			   "socket filter reads tstamp") &&
	       access_case(be, sf, KT_LDX(BPF_DW, 2, 1, OFF(hwtstamp)), false,
			   "socket filter reads hwtstamp") &&
	       access_case(be, sf, KT_LDX(BPF_B, 2, 1, OFF(gso_size) + 1), true,
			   "socket filter reads a byte of gso_size") &&
	       access_case(be, tc, KT_LDX(BPF_B, 2, 1, OFF(tstamp_type)), true,
			   "tc reads tstamp_type");
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();

	kt_dual("skb_ax_fields_tc", t_tc_fields, linux_ok);
	kt_dual("skb_ax_tstamp_type_tc", t_tc_tstamp_type, linux_ok);
	kt_dual("skb_ax_fields_cgroup_skb", t_cg_skb_fields, linux_ok);
	kt_dual("skb_ax_fields_refused", t_refused, linux_ok);
	return kt_done();
}
