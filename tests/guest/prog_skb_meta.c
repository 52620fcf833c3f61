// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_skb_load_bytes_relative, bpf_set_hash, bpf_set_hash_invalid,
 * bpf_csum_level, bpf_skb_ecn_set_ce and bpf_skb_set_tstamp in programs
 * run with BPF_PROG_TEST_RUN, each case on kbpf and on Linux's bpf(2)
 * alike: the return values, what the program then reads from the skb
 * (passed out through cb[] in ctx_out), the packet in data_out; and for
 * each helper, which program types may call it.
 */
#include "kt_dual.h"
#include "kt_prog.h"

#define KT_ALU64_REG(op, d, s)	KT_INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define CTX(F)			((short)offsetof(struct __sk_buff, F))
#define CB(i)			CTX(cb[i])

#define PKT_LEN		64

static unsigned char pkt[PKT_LEN];

/* An Ethernet frame of ethertype proto, then bytes 0x40... */
static void make_frame(__u16 proto)
{
	int i;

	for (i = 0; i < PKT_LEN; i++)
		pkt[i] = 0x40 + i;
	pkt[12] = proto >> 8;
	pkt[13] = proto;
}

/* IPv4 header of tos at 14 with a valid checksum. */
static void make_ipv4(__u8 tos)
{
	static const __u8 hdr[20] = { 0x45, 0, 0, 50, 0x12, 0x34, 0x40, 0,
				      64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };
	__u32 sum = 0;
	int i;

	make_frame(0x0800);
	memcpy(pkt + 14, hdr, sizeof(hdr));
	pkt[15] = tos;
	for (i = 14; i < 34; i += 2)
		sum += pkt[i] << 8 | pkt[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pkt[24] = ~sum >> 8;
	pkt[25] = ~sum;
}

struct run_out {
	__u32 retval;
	struct __sk_buff ctx;
	unsigned char data[PKT_LEN];
};

/* Load insns as type and run them once on pkt. */
static bool load_run(const struct kt_be *be, __u32 type,
		     const struct bpf_insn *insns, __u32 cnt,
		     struct run_out *out)
{
	struct kt_load l = { .type = type, .insns = insns, .cnt = cnt };
	struct __sk_buff in;
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = out->data,
			    .data_size_out = sizeof(out->data),
			    .ctx_in = &in, .ctx_size_in = sizeof(in),
			    .ctx_out = &out->ctx,
			    .ctx_size_out = sizeof(out->ctx) };
	bool ok;

	memset(&in, 0, sizeof(in));
	memset(out, 0, sizeof(*out));
	ok = be_load_run(be, &l, &r);
	out->retval = r.retval;
	return ok;
}

/*
 * r0 = bpf_skb_load_bytes_relative(ctx, off, fp - 8, 8, start); the 8
 * bytes into cb[0] and cb[1], r0 into cb[2]; returns 1 (cgroup_skb
 * programs may only return 0 or 1).
 */
static bool relative_case(const struct kt_be *be, __u32 type, __u32 off,
			  __u32 start, const unsigned char *want, int want_ret)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, off),
		KT_MOV64_REG(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -8),
		KT_MOV64_IMM(4, 8),
		KT_MOV64_IMM(5, start),
		KT_CALL(BPF_FUNC_skb_load_bytes_relative),
		KT_LDX(BPF_W, 1, 10, -8),
		KT_STX(BPF_W, 6, 1, CB(0)),
		KT_LDX(BPF_W, 1, 10, -4),
		KT_STX(BPF_W, 6, 1, CB(1)),
		KT_STX(BPF_W, 6, 0, CB(2)),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	static const unsigned char zero[8];
	struct run_out out;

	make_frame(0x0800);
	return load_run(be, type, insns, KT_ARRAY_SIZE(insns), &out) &&
	       kt_check_u64(out.ctx.cb[2], (__u32)want_ret, "result") &&
	       kt_check_mem(out.ctx.cb, want ? want : zero, 8, "bytes read");
}

/* Relative to the mac and the network header, to the tail, and refused. */
static bool t_load_bytes_relative(const struct kt_be *be)
{
	static const __u32 types[] = { BPF_PROG_TYPE_SCHED_CLS,
				       BPF_PROG_TYPE_SOCKET_FILTER,
				       BPF_PROG_TYPE_CGROUP_SKB };
	unsigned int i;
	bool ok = true;

	for (i = 0; i < KT_ARRAY_SIZE(types) && ok; i++) {
		make_frame(0x0800);
		ok = relative_case(be, types[i], 0, BPF_HDR_START_MAC, pkt, 0) &&
		     relative_case(be, types[i], 3, BPF_HDR_START_MAC, pkt + 3, 0) &&
		     relative_case(be, types[i], 0, BPF_HDR_START_NET, pkt + 14, 0) &&
		     relative_case(be, types[i], 42, BPF_HDR_START_NET, pkt + 56, 0) &&
		     relative_case(be, types[i], 43, BPF_HDR_START_NET, NULL, -EFAULT) &&
		     relative_case(be, types[i], 57, BPF_HDR_START_MAC, NULL, -EFAULT) &&
		     relative_case(be, types[i], 0x10000, BPF_HDR_START_MAC, NULL, -EFAULT) &&
		     relative_case(be, types[i], 0, 2, NULL, -EFAULT);
	}
	return ok;
}

/*
 * bpf_set_hash(0xdeadbeef): hash then reads it and get_hash_recalc keeps
 * it; after bpf_set_hash_invalid hash reads 0.
 */
static bool t_hash(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, 0xdeadbeef),
		KT_CALL(BPF_FUNC_set_hash),
		KT_STX(BPF_W, 6, 0, CB(0)),
		KT_LDX(BPF_W, 1, 6, CTX(hash)),
		KT_STX(BPF_W, 6, 1, CB(1)),
		KT_MOV64_REG(1, 6),
		KT_CALL(BPF_FUNC_get_hash_recalc),
		KT_STX(BPF_W, 6, 0, CB(2)),
		KT_MOV64_REG(1, 6),
		KT_CALL(BPF_FUNC_set_hash_invalid),
		KT_STX(BPF_W, 6, 0, CB(3)),
		KT_LDX(BPF_W, 1, 6, CTX(hash)),
		KT_STX(BPF_W, 6, 1, CB(4)),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	const __u32 want[5] = { 0, 0xdeadbeef, 0xdeadbeef, 0, 0 };
	struct run_out out;

	make_ipv4(0);
	return load_run(be, BPF_PROG_TYPE_SCHED_CLS, insns,
			KT_ARRAY_SIZE(insns), &out) &&
	       kt_check_mem(out.ctx.cb, want, sizeof(want), "cb[0..4]");
}

#define CSUM_LEVEL(op, i)						\
	KT_MOV64_REG(1, 6), KT_MOV64_IMM(2, op),			\
	KT_CALL(BPF_FUNC_csum_level), KT_STX(BPF_W, 6, 0, CB(i))

/* From CHECKSUM_NONE: up, up, up, down, reset, each queried after. */
static bool t_csum_level(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		CSUM_LEVEL(BPF_CSUM_LEVEL_QUERY, 0),
		CSUM_LEVEL(BPF_CSUM_LEVEL_INC, 1),
		CSUM_LEVEL(BPF_CSUM_LEVEL_QUERY, 1),
		CSUM_LEVEL(BPF_CSUM_LEVEL_INC, 2),
		CSUM_LEVEL(BPF_CSUM_LEVEL_INC, 2),
		CSUM_LEVEL(BPF_CSUM_LEVEL_QUERY, 2),
		CSUM_LEVEL(BPF_CSUM_LEVEL_DEC, 3),
		CSUM_LEVEL(BPF_CSUM_LEVEL_QUERY, 3),
		CSUM_LEVEL(BPF_CSUM_LEVEL_RESET, 4),
		CSUM_LEVEL(BPF_CSUM_LEVEL_QUERY, 4),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, 4),
		KT_CALL(BPF_FUNC_csum_level),
		KT_EXIT(),
	};
	const __u32 want[5] = { -EACCES, 0, 2, 1, -EACCES };
	struct run_out out;

	make_ipv4(0);
	return load_run(be, BPF_PROG_TYPE_SCHED_CLS, insns,
			KT_ARRAY_SIZE(insns), &out) &&
	       kt_check_u64(out.retval, (__u32)-EINVAL, "unknown level") &&
	       kt_check_mem(out.ctx.cb, want, sizeof(want), "levels");
}

static const struct bpf_insn ecn_insns[] = {
	KT_CALL(BPF_FUNC_skb_ecn_set_ce),
	KT_EXIT(),
};

/* cgroup_skb must return 0 or 1: the result's low bit. */
static const struct bpf_insn ecn_cg_insns[] = {
	KT_CALL(BPF_FUNC_skb_ecn_set_ce),
	KT_ALU64_IMM(BPF_AND, 0, 1),
	KT_EXIT(),
};

/* One IPv4 tos: the return value and the header Linux leaves. */
static bool ecn_case(const struct kt_be *be, __u8 tos, __u32 want_ret)
{
	unsigned char want[PKT_LEN];
	struct run_out out;

	make_ipv4(tos | 3);
	memcpy(want, pkt, sizeof(want));
	make_ipv4(tos);
	if (!want_ret)
		memcpy(want, pkt, sizeof(want));
	return load_run(be, BPF_PROG_TYPE_SCHED_CLS, ecn_insns,
			KT_ARRAY_SIZE(ecn_insns), &out) &&
	       kt_check_u64(out.retval, want_ret, "retval") &&
	       kt_check_mem(out.data, want, PKT_LEN, "packet");
}

static bool t_ecn_ipv4(const struct kt_be *be)
{
	return ecn_case(be, 0x00, 0) && ecn_case(be, 0x01, 1) &&
	       ecn_case(be, 0x02, 1) && ecn_case(be, 0x03, 1) &&
	       ecn_case(be, 0xb8, 0) && ecn_case(be, 0xba, 1);
}

/* IPv6 (traffic class across bytes 14-15), and a frame that is not IP. */
static bool t_ecn_other(const struct kt_be *be)
{
	unsigned char want[PKT_LEN];
	struct run_out out;

	make_frame(0x86dd);
	pkt[14] = 0x60;
	pkt[15] = 0x10;		/* ECT(0) */
	memcpy(want, pkt, sizeof(want));
	want[15] = 0x30;
	if (!load_run(be, BPF_PROG_TYPE_SCHED_CLS, ecn_insns,
		      KT_ARRAY_SIZE(ecn_insns), &out) ||
	    !kt_check_u64(out.retval, 1, "ipv6 retval") ||
	    !kt_check_mem(out.data, want, PKT_LEN, "ipv6 packet"))
		return false;
	make_frame(0x0806);
	pkt[15] = 0x01;
	memcpy(want, pkt, sizeof(want));
	return load_run(be, BPF_PROG_TYPE_SCHED_CLS, ecn_insns,
			KT_ARRAY_SIZE(ecn_insns), &out) &&
	       kt_check_u64(out.retval, 0, "arp retval") &&
	       kt_check_mem(out.data, want, PKT_LEN, "arp packet") &&
	       load_run(be, BPF_PROG_TYPE_CGROUP_SKB, ecn_cg_insns,
			KT_ARRAY_SIZE(ecn_cg_insns), &out) &&
	       kt_check_u64(out.retval, 0, "cgroup_skb arp retval");
}

#define SET_TSTAMP(t, type, i)						\
	KT_MOV64_REG(1, 6), KT_MOV64_IMM(2, t), KT_MOV64_IMM(3, type),	\
	KT_CALL(BPF_FUNC_skb_set_tstamp), KT_STX(BPF_W, 6, 0, CB(i))

/*
 * A mono delivery time, then the refused combinations, tstamp and
 * tstamp_type read after each; the last time stays for ctx_out.
 */
static bool tstamp_case(const struct kt_be *be, __u16 proto, bool ip)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		SET_TSTAMP(5000, BPF_SKB_TSTAMP_DELIVERY_MONO, 0),
		KT_LDX(BPF_DW, 1, 6, CTX(tstamp)),
		KT_STX(BPF_W, 6, 1, CB(1)),
		KT_LDX(BPF_B, 1, 6, CTX(tstamp_type)),
		KT_STX(BPF_W, 6, 1, CB(2)),
		SET_TSTAMP(0, BPF_SKB_TSTAMP_DELIVERY_MONO, 3),
		SET_TSTAMP(7, BPF_SKB_TSTAMP_UNSPEC, 4),
		SET_TSTAMP(7, 2, 4),
		KT_LDX(BPF_DW, 1, 6, CTX(tstamp)),
		KT_STX(BPF_W, 6, 1, CB(3)),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, 0),
		KT_MOV64_IMM(3, BPF_SKB_TSTAMP_UNSPEC),
		KT_CALL(BPF_FUNC_skb_set_tstamp),
		KT_LDX(BPF_B, 1, 6, CTX(tstamp_type)),
		KT_ALU64_IMM(BPF_LSH, 1, 8),
		KT_ALU64_REG(BPF_OR, 0, 1),
		KT_EXIT(),
	};
	const __u32 want_ip[5] = { 0, 5000, BPF_SKB_TSTAMP_DELIVERY_MONO,
				   5000, -EINVAL };
	const __u32 want_other[5] = { -EOPNOTSUPP, 0, 0, 0, -EOPNOTSUPP };
	struct run_out out;

	make_frame(proto);
	return load_run(be, BPF_PROG_TYPE_SCHED_CLS, insns,
			KT_ARRAY_SIZE(insns), &out) &&
	       kt_check_mem(out.ctx.cb, ip ? want_ip : want_other,
			    sizeof(want_ip), "results") &&
	       kt_check_u64(out.retval, ip ? 0 : (__u32)-EOPNOTSUPP, "last") &&
	       kt_check_u64(out.ctx.tstamp, 0, "ctx_out tstamp");
}

static bool t_set_tstamp(const struct kt_be *be)
{
	return tstamp_case(be, 0x0800, true) && tstamp_case(be, 0x86dd, true) &&
	       tstamp_case(be, 0x0806, false);
}

/*
 * Which program types each helper is offered to: a program making one
 * valid call loads or fails with EINVAL, as Linux 6.1's tables say.
 */
struct offer {
	__u32 func;
	const char *types;	/* the letters of the types that may call it */
};

static const __u32 offer_types[] = {
	BPF_PROG_TYPE_SOCKET_FILTER,	/* s */
	BPF_PROG_TYPE_SCHED_CLS,	/* c */
	BPF_PROG_TYPE_SCHED_ACT,	/* a */
	BPF_PROG_TYPE_CGROUP_SKB,	/* g */
	BPF_PROG_TYPE_LWT_IN,		/* i */
	BPF_PROG_TYPE_LWT_XMIT,		/* x */
	BPF_PROG_TYPE_SK_SKB,		/* k */
	BPF_PROG_TYPE_XDP,		/* d */
};

static const char offer_letters[] = "scagixkd";

static const struct offer offers[] = {
	{ BPF_FUNC_skb_load_bytes_relative, "scag" },
	{ BPF_FUNC_set_hash_invalid, "cax" },
	{ BPF_FUNC_set_hash, "ca" },
	{ BPF_FUNC_csum_level, "cax" },
	{ BPF_FUNC_skb_ecn_set_ce, "cag" },
	{ BPF_FUNC_skb_set_tstamp, "ca" },
};

static bool t_offered(const struct kt_be *be)
{
	unsigned int i, t;

	for (i = 0; i < KT_ARRAY_SIZE(offers); i++) {
		for (t = 0; t < KT_ARRAY_SIZE(offer_types); t++) {
			const struct bpf_insn insns[] = {
				KT_MOV64_REG(2, 10),
				KT_ALU64_IMM(BPF_ADD, 2, -8),
				KT_MOV64_IMM(3, 0),
				KT_MOV64_IMM(4, 0),
				KT_MOV64_IMM(5, 0),
				KT_CALL(offers[i].func),
				KT_MOV64_IMM(0, 0),
				KT_EXIT(),
			};
			/* load_bytes_relative: r2 offset, r3 buffer, r4 size. */
			const struct bpf_insn rel[] = {
				KT_MOV64_IMM(2, 0),
				KT_MOV64_REG(3, 10),
				KT_ALU64_IMM(BPF_ADD, 3, -8),
				KT_MOV64_IMM(4, 8),
				KT_MOV64_IMM(5, 0),
				KT_CALL(offers[i].func),
				KT_MOV64_IMM(0, 0),
				KT_EXIT(),
			};
			bool is_rel = offers[i].func == BPF_FUNC_skb_load_bytes_relative;
			struct kt_load l = { .type = offer_types[t],
					     .insns = is_rel ? rel : insns,
					     .cnt = KT_ARRAY_SIZE(insns) };
			bool want = strchr(offers[i].types, offer_letters[t]);
			long fd = be_load_prog(be, &l);

			if (fd >= 0)
				close((int)fd);
			if (want ? fd < 0 : fd >= 0 || errno != EINVAL) {
				return kt_whyf("helper %u, type %u: load %ld (errno %d), want %s",
					       offers[i].func, offer_types[t], fd,
					       errno, want ? "loaded" : "EINVAL");
			}
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("skb_load_bytes_relative", t_load_bytes_relative, linux_ok);
	kt_dual("skb_set_hash", t_hash, linux_ok);
	kt_dual("skb_csum_level", t_csum_level, linux_ok);
	kt_dual("skb_ecn_set_ce_ipv4", t_ecn_ipv4, linux_ok);
	kt_dual("skb_ecn_set_ce_other", t_ecn_other, linux_ok);
	kt_dual("skb_set_tstamp", t_set_tstamp, linux_ok);
	kt_dual("skb_meta_helpers_offered", t_offered, linux_ok);
	return kt_done();
}
