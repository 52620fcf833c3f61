// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_skb_adjust_room, bpf_skb_change_proto, bpf_skb_change_type and
 * bpf_skb_pull_data in programs run with BPF_PROG_TEST_RUN, each case on
 * kbpf and on Linux's bpf(2) alike: data_out byte for byte against a
 * model of the gap the helper opens or closes (zeroes in, bytes out, at
 * the mac or the network header's end), the return value, and what the
 * program reads from the context after the call (data_end - data, the
 * protocol an encapsulation flag changes, pkt_type). IPv4 and IPv6
 * packets; every mode and flag, and Linux's errnos for the bad ones.
 */
#include "kt_dual.h"
#include "kt_prog.h"

#define KT_JNE_IMM(d, i, o)	KT_INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define KT_ALU64_REG(op, d, s)	KT_INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define KT_LD_IMM64(d, v)						\
	KT_INSN(BPF_LD | BPF_DW | BPF_IMM, d, 0, 0, (__u32)(v)),	\
	KT_INSN(0, 0, 0, 0, (__u32)((__u64)(v) >> 32))
#define CTX(F)			offsetof(struct __sk_buff, F)

#define ETH_LEN		14
#define PAYLOAD		40
#define MAX_PKT		(ETH_LEN + 40 + PAYLOAD)
#define OUT_ROOM	(MAX_PKT + 0x1000 + 64)

/* The protocols as the u16 in memory (big-endian) on this little-endian guest. */
#define P_IP		0x0008
#define P_IPV6		0xdd86
#define P_ARP		0x0608

/* ETH_P_IP, ETH_P_IPV6 or ETH_P_ARP */
enum l3 { L3_V4, L3_V6, L3_ARP };

static unsigned char pkt[MAX_PKT];
static __u32 pkt_len;

/* Ethernet, then an IPv4 (20 bytes) or IPv6 (40) base header and payload. */
static void make_packet(enum l3 l3)
{
	__u32 i, hlen = l3 == L3_V6 ? 40 : 20;

	pkt_len = ETH_LEN + hlen + PAYLOAD;
	for (i = 0; i < pkt_len; i++)
		pkt[i] = 0x40 + i;
	pkt[12] = l3 == L3_V4 ? 0x08 : l3 == L3_V6 ? 0x86 : 0x08;
	pkt[13] = l3 == L3_V4 ? 0x00 : l3 == L3_V6 ? 0xdd : 0x06;
	pkt[ETH_LEN] = l3 == L3_V6 ? 0x60 : 0x45;
}

static __u32 base_len(enum l3 l3)
{
	return l3 == L3_V6 ? 40 : 20;
}

struct run {
	__u32 type;		/* program type; 0 is sched_cls */
	__u16 gso_size;		/* ctx_in's, 0 for none */
	__u32 retval;
	__u32 out_len;
	unsigned char out[OUT_ROOM];
};

static struct run r;

/* Load insns and run them on pkt; the results in r. */
static bool run_prog(const struct kt_be *be, const struct bpf_insn *insns,
		     __u32 cnt)
{
	struct kt_load l = { .type = r.type ? r.type : BPF_PROG_TYPE_SCHED_CLS,
			     .insns = insns, .cnt = cnt };
	struct kt_run run = { .data_in = pkt, .data_size_in = pkt_len,
			      .data_out = r.out, .data_size_out = sizeof(r.out) };
	struct __sk_buff ctx;
	bool ok;

	memset(r.out, 0xee, sizeof(r.out));
	if (r.gso_size) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.gso_size = r.gso_size;
		run.ctx_in = &ctx;
		run.ctx_size_in = sizeof(ctx);
	}
	ok = be_load_run(be, &l, &run);
	r.retval = run.retval;
	r.out_len = run.data_size_out;
	return ok;
}

/*
 * The tail every program shares: a helper's error is the result, else
 * (data_end - data) | protocol << 16 as the context reads them now.
 */
#define RESULT_TAIL(skip)						\
	KT_JNE_IMM(0, 0, skip),						\
	KT_LDX(BPF_W, 0, 6, CTX(data_end)),				\
	KT_LDX(BPF_W, 1, 6, CTX(data)),					\
	KT_ALU64_REG(BPF_SUB, 0, 1),					\
	KT_LDX(BPF_W, 1, 6, CTX(protocol)),				\
	KT_ALU64_IMM(BPF_LSH, 1, 16),					\
	KT_ALU64_REG(BPF_OR, 0, 1),					\
	KT_EXIT()

/* bpf_skb_adjust_room(ctx, diff, mode, flags), then the same again if twice. */
static bool adjust(const struct kt_be *be, __s32 diff, __u32 mode,
		   __u64 flags, bool twice)
{
	const struct bpf_insn once[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, diff),
		KT_MOV64_IMM(3, mode),
		KT_LD_IMM64(4, flags),
		KT_CALL(BPF_FUNC_skb_adjust_room),
		RESULT_TAIL(6),
	};
	const struct bpf_insn two[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, diff),
		KT_MOV64_IMM(3, mode),
		KT_LD_IMM64(4, flags),
		KT_CALL(BPF_FUNC_skb_adjust_room),
		KT_JNE_IMM(0, 0, 6),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, diff),
		KT_MOV64_IMM(3, mode),
		KT_LD_IMM64(4, flags),
		KT_CALL(BPF_FUNC_skb_adjust_room),
		RESULT_TAIL(6),
	};

	return twice ? run_prog(be, two, KT_ARRAY_SIZE(two)) :
		       run_prog(be, once, KT_ARRAY_SIZE(once));
}

/*
 * The frame the helper must leave: diff zeroes opened at off, or -diff
 * bytes taken out at off.
 */
static __u32 model(unsigned char *want, __u32 off, __s32 diff)
{
	if (diff >= 0) {
		memcpy(want, pkt, off);
		memset(want + off, 0, diff);
		memcpy(want + off + diff, pkt + off, pkt_len - off);
		return pkt_len + diff;
	}
	memcpy(want, pkt, off);
	memcpy(want + off, pkt + off - diff, pkt_len - off + diff);
	return pkt_len + diff;
}

static bool check_frame(__u32 off, __s32 diff, __u16 proto)
{
	static unsigned char want[OUT_ROOM];
	__u32 len = model(want, off, diff);

	return kt_check_u64(r.retval, len | (__u32)proto << 16, "retval") &&
	       kt_check_u64(r.out_len, len, "data_size_out") &&
	       kt_check_mem(r.out, want, len, "data_out");
}

/* A failed call leaves the frame alone. */
static bool check_refused(__u32 err)
{
	return kt_check_u64(r.retval, (__u32)-err, "retval") &&
	       kt_check_u64(r.out_len, pkt_len, "data_size_out") &&
	       kt_check_mem(r.out, pkt, pkt_len, "data_out");
}

/* Success: the gap at the mode's offset, the protocol as given. */
static bool room_ok(const struct kt_be *be, enum l3 l3, __s32 diff, __u32 mode,
		    __u64 flags, __u16 proto)
{
	__u32 off = ETH_LEN + (mode == BPF_ADJ_ROOM_NET ? base_len(l3) : 0);

	make_packet(l3);
	return adjust(be, diff, mode, flags, false) &&
	       check_frame(off, diff, proto);
}

static bool room_err(const struct kt_be *be, enum l3 l3, __s32 diff,
		     __u32 mode, __u64 flags, __u32 err)
{
	make_packet(l3);
	return adjust(be, diff, mode, flags, false) && check_refused(err);
}

static bool t_grow(const struct kt_be *be)
{
	return room_ok(be, L3_V4, 8, BPF_ADJ_ROOM_MAC, 0, P_IP) &&
	       room_ok(be, L3_V4, 8, BPF_ADJ_ROOM_NET, 0, P_IP) &&
	       room_ok(be, L3_V6, 8, BPF_ADJ_ROOM_MAC, 0, P_IPV6) &&
	       room_ok(be, L3_V6, 16, BPF_ADJ_ROOM_NET, 0, P_IPV6) &&
	       room_ok(be, L3_V4, 0, BPF_ADJ_ROOM_NET, 0, P_IP) &&
	       /* Past the headroom: the head is reallocated. */
	       room_ok(be, L3_V4, 0xfff, BPF_ADJ_ROOM_MAC, 0, P_IP) &&
	       room_ok(be, L3_V6, 0x800, BPF_ADJ_ROOM_NET, 0, P_IPV6);
}

static bool t_shrink(const struct kt_be *be)
{
	return room_ok(be, L3_V4, -8, BPF_ADJ_ROOM_NET, 0, P_IP) &&
	       room_ok(be, L3_V4, -4, BPF_ADJ_ROOM_MAC, 0, P_IP) &&
	       room_ok(be, L3_V6, -16, BPF_ADJ_ROOM_NET, 0, P_IPV6) &&
	       room_ok(be, L3_V6, -20, BPF_ADJ_ROOM_MAC, 0, P_IPV6) &&
	       /* Down to the base header, no further. */
	       room_ok(be, L3_V4, -PAYLOAD, BPF_ADJ_ROOM_NET, 0, P_IP) &&
	       room_ok(be, L3_V6, -PAYLOAD, BPF_ADJ_ROOM_MAC, 0, P_IPV6) &&
	       room_err(be, L3_V4, -PAYLOAD - 1, BPF_ADJ_ROOM_NET, 0,
			KT_ENOTSUPP) &&
	       room_err(be, L3_V6, -PAYLOAD - 1, BPF_ADJ_ROOM_MAC, 0,
			KT_ENOTSUPP) &&
	       room_err(be, L3_V4, -(20 + PAYLOAD), BPF_ADJ_ROOM_MAC, 0,
			KT_ENOTSUPP) &&
	       room_err(be, L3_V4, -0x7ff, BPF_ADJ_ROOM_MAC, 0, KT_ENOTSUPP);
}

/* The flags a plain grow or shrink accepts change nothing visible here. */
static bool t_plain_flags(const struct kt_be *be)
{
	const __u64 both = BPF_F_ADJ_ROOM_FIXED_GSO |
			   BPF_F_ADJ_ROOM_NO_CSUM_RESET;

	return room_ok(be, L3_V4, 12, BPF_ADJ_ROOM_NET,
		       BPF_F_ADJ_ROOM_FIXED_GSO, P_IP) &&
	       room_ok(be, L3_V6, 12, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_NO_CSUM_RESET, P_IPV6) &&
	       room_ok(be, L3_V4, -12, BPF_ADJ_ROOM_NET, both, P_IP) &&
	       room_ok(be, L3_V6, -12, BPF_ADJ_ROOM_MAC, both, P_IPV6) &&
	       /* Without an L3 flag the L4/L2 ones mark nothing. */
	       room_ok(be, L3_V4, 8, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L4_GRE, P_IP) &&
	       room_ok(be, L3_V4, 8, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L2(20), P_IP);
}

static bool t_encap(const struct kt_be *be)
{
	return room_ok(be, L3_V4, 20, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L3_IPV4, P_IP) &&
	       /* The outer header decides the protocol. */
	       room_ok(be, L3_V4, 40, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L3_IPV6, P_IPV6) &&
	       room_ok(be, L3_V6, 20, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L3_IPV4, P_IP) &&
	       room_ok(be, L3_V6, 40, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L3_IPV6, P_IPV6) &&
	       room_ok(be, L3_V4, 24, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
		       BPF_F_ADJ_ROOM_ENCAP_L4_GRE, P_IP) &&
	       room_ok(be, L3_V6, 48, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 |
		       BPF_F_ADJ_ROOM_ENCAP_L4_UDP, P_IPV6) &&
	       room_ok(be, L3_V4, 28 + 4, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
		       BPF_F_ADJ_ROOM_ENCAP_L4_GRE |
		       BPF_F_ADJ_ROOM_ENCAP_L2(4), P_IP) &&
	       room_ok(be, L3_V4, 40 + 8 + 14, BPF_ADJ_ROOM_MAC,
		       BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 |
		       BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
		       BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
		       BPF_F_ADJ_ROOM_ENCAP_L2(14), P_IPV6) &&
	       /* The NET mode takes the encap flags too. */
	       room_ok(be, L3_V4, 20, BPF_ADJ_ROOM_NET,
		       BPF_F_ADJ_ROOM_ENCAP_L3_IPV4, P_IP);
}

/* A packet already encapsulated is not again: -EALREADY. */
static bool t_encap_twice(const struct kt_be *be)
{
	make_packet(L3_V4);
	if (!adjust(be, 20, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4,
		    true))
		return false;
	return kt_check_u64(r.retval, (__u32)-EALREADY, "retval") &&
	       kt_check_mem(r.out, pkt, ETH_LEN, "mac header") &&
	       kt_check_fill(r.out + ETH_LEN, 0, 20, "the first gap") &&
	       kt_check_mem(r.out + ETH_LEN + 20, pkt + ETH_LEN,
			    pkt_len - ETH_LEN, "the inner packet");
}

static bool t_bad_flags(const struct kt_be *be)
{
	const __u64 l3 = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4;

	return room_err(be, L3_V4, 8, BPF_ADJ_ROOM_MAC, 1ULL << 7, EINVAL) &&
	       room_err(be, L3_V4, 8, BPF_ADJ_ROOM_MAC, 1ULL << 55, EINVAL) &&
	       room_err(be, L3_V4, 40, BPF_ADJ_ROOM_MAC,
			l3 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6, EINVAL) &&
	       room_err(be, L3_V4, 40, BPF_ADJ_ROOM_MAC,
			l3 | BPF_F_ADJ_ROOM_ENCAP_L4_GRE |
			BPF_F_ADJ_ROOM_ENCAP_L4_UDP, EINVAL) &&
	       room_err(be, L3_V4, 40, BPF_ADJ_ROOM_MAC,
			l3 | BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
			BPF_F_ADJ_ROOM_ENCAP_L2(13), EINVAL) &&
	       room_err(be, L3_V4, 40, BPF_ADJ_ROOM_MAC,
			l3 | BPF_F_ADJ_ROOM_ENCAP_L2_ETH, EINVAL) &&
	       /* The inner L2 header must fit in the gap. */
	       room_err(be, L3_V6, 30, BPF_ADJ_ROOM_MAC,
			l3 | BPF_F_ADJ_ROOM_ENCAP_L2(31), EINVAL) &&
	       /* A shrink takes no encap flags. */
	       room_err(be, L3_V4, -8, BPF_ADJ_ROOM_NET, l3, EINVAL) &&
	       room_err(be, L3_V6, -8, BPF_ADJ_ROOM_MAC,
			BPF_F_ADJ_ROOM_ENCAP_L2(4), EINVAL);
}

static bool t_bad_args(const struct kt_be *be)
{
	return room_err(be, L3_V4, 0x1000, BPF_ADJ_ROOM_MAC, 0, EFAULT) &&
	       room_err(be, L3_V4, -0x1000, BPF_ADJ_ROOM_NET, 0, EFAULT) &&
	       room_err(be, L3_V6, (__s32)0x80000000, BPF_ADJ_ROOM_NET, 0,
			EFAULT) &&
	       room_err(be, L3_V4, 8, 2, 0, KT_ENOTSUPP) &&
	       room_err(be, L3_V6, -8, 0xffffffff, 0, KT_ENOTSUPP) &&
	       /* Only IPv4 and IPv6 packets. */
	       room_err(be, L3_ARP, 8, BPF_ADJ_ROOM_MAC, 0, KT_ENOTSUPP) &&
	       room_err(be, L3_ARP, -8, BPF_ADJ_ROOM_NET, 0, KT_ENOTSUPP) &&
	       /* Flags are checked first, then the size, then the protocol. */
	       room_err(be, L3_ARP, 0x1000, 2, 1ULL << 7, EINVAL) &&
	       room_err(be, L3_ARP, 0x1000, 2, 0, EFAULT);
}

/*
 * A GSO packet (ctx_in's gso_size) whose type is neither TCP nor UDP
 * with a fixed size cannot be adjusted.
 */
static bool t_gso(const struct kt_be *be)
{
	bool ok;

	r.gso_size = 1000;
	ok = room_err(be, L3_V4, 8, BPF_ADJ_ROOM_NET, 0, KT_ENOTSUPP) &&
	     room_err(be, L3_V6, -8, BPF_ADJ_ROOM_MAC,
		      BPF_F_ADJ_ROOM_FIXED_GSO, KT_ENOTSUPP) &&
	     room_err(be, L3_V4, 8, BPF_ADJ_ROOM_MAC,
		      BPF_F_ADJ_ROOM_FIXED_GSO |
		      BPF_F_ADJ_ROOM_ENCAP_L3_IPV4, KT_ENOTSUPP);
	r.gso_size = 0;
	return ok;
}

/* bpf_skb_change_proto(ctx, proto, flags) */
static bool change_proto(const struct kt_be *be, enum l3 l3, __u16 proto,
			 __u64 flags)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, proto),
		KT_LD_IMM64(3, flags),
		KT_CALL(BPF_FUNC_skb_change_proto),
		RESULT_TAIL(6),
	};

	make_packet(l3);
	return run_prog(be, insns, KT_ARRAY_SIZE(insns));
}

static bool t_change_proto(const struct kt_be *be)
{
	/* 20 zeroes in after the mac header, or the first 20 out. */
	return change_proto(be, L3_V4, P_IPV6, 0) &&
	       check_frame(ETH_LEN, 20, P_IPV6) &&
	       change_proto(be, L3_V6, P_IP, 0) &&
	       check_frame(ETH_LEN, -20, P_IP) &&
	       change_proto(be, L3_V4, P_IP, 0) &&
	       check_refused(KT_ENOTSUPP) &&
	       change_proto(be, L3_V6, P_IPV6, 0) &&
	       check_refused(KT_ENOTSUPP) &&
	       change_proto(be, L3_ARP, P_IPV6, 0) &&
	       check_refused(KT_ENOTSUPP) &&
	       change_proto(be, L3_V4, P_IPV6, 1) && check_refused(EINVAL) &&
	       change_proto(be, L3_V4, P_IPV6, 1ULL << 40) &&
	       check_refused(EINVAL);
}

/* bpf_skb_change_type(ctx, type): the pkt_type the context reads after. */
static bool change_type(const struct kt_be *be, __u32 type, __u32 want)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, type),
		KT_CALL(BPF_FUNC_skb_change_type),
		KT_JNE_IMM(0, 0, 1),
		KT_LDX(BPF_W, 0, 6, CTX(pkt_type)),
		KT_EXIT(),
	};

	make_packet(L3_V4);
	return run_prog(be, insns, KT_ARRAY_SIZE(insns)) &&
	       kt_check_u64(r.retval, want, "retval") &&
	       kt_check_mem(r.out, pkt, pkt_len, "data_out");
}

static bool t_change_type(const struct kt_be *be)
{
	return change_type(be, 0, 0) && change_type(be, 1, 1) &&
	       change_type(be, 2, 2) && change_type(be, 3, 3) &&
	       change_type(be, 4, (__u32)-EINVAL) &&
	       change_type(be, 7, (__u32)-EINVAL) &&
	       change_type(be, 0xffffffff, (__u32)-EINVAL);
}

/* bpf_skb_pull_data(ctx, len), then what data_end - data says. */
static bool pull_data(const struct kt_be *be, __u32 type, __u32 len,
		      __u32 want)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, len),
		KT_CALL(BPF_FUNC_skb_pull_data),
		KT_JNE_IMM(0, 0, 3),
		KT_LDX(BPF_W, 0, 6, CTX(data_end)),
		KT_LDX(BPF_W, 1, 6, CTX(data)),
		KT_ALU64_REG(BPF_SUB, 0, 1),
		KT_EXIT(),
	};
	bool ok;

	make_packet(L3_V6);
	r.type = type;
	/* lwt's data_out has the mac header zeroed, as Linux gives it back. */
	ok = run_prog(be, insns, KT_ARRAY_SIZE(insns)) &&
	     kt_check_u64(r.retval, want, "retval") &&
	     kt_check_mem(r.out + ETH_LEN, pkt + ETH_LEN, 40 + PAYLOAD,
			  "data_out");
	r.type = 0;
	return ok;
}

static bool t_pull_data(const struct kt_be *be)
{
	const __u32 len = ETH_LEN + 40 + PAYLOAD;

	return pull_data(be, 0, 0, len) && pull_data(be, 0, 20, len) &&
	       pull_data(be, 0, len, len) &&
	       pull_data(be, 0, len + 1, (__u32)-ENOMEM) &&
	       pull_data(be, 0, 0xffffffff, (__u32)-ENOMEM) &&
	       /* lwt programs see the packet from its network header. */
	       pull_data(be, BPF_PROG_TYPE_LWT_XMIT, 0, len - ETH_LEN) &&
	       pull_data(be, BPF_PROG_TYPE_LWT_IN, len - ETH_LEN,
			 len - ETH_LEN) &&
	       pull_data(be, BPF_PROG_TYPE_LWT_OUT, len - ETH_LEN + 1,
			 (__u32)-ENOMEM);
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("skb_adjust_room_grow", t_grow, linux_ok);
	kt_dual("skb_adjust_room_shrink", t_shrink, linux_ok);
	kt_dual("skb_adjust_room_plain_flags", t_plain_flags, linux_ok);
	kt_dual("skb_adjust_room_encap", t_encap, linux_ok);
	kt_dual("skb_adjust_room_encap_twice", t_encap_twice, linux_ok);
	kt_dual("skb_adjust_room_bad_flags", t_bad_flags, linux_ok);
	kt_dual("skb_adjust_room_bad_args", t_bad_args, linux_ok);
	kt_dual("skb_adjust_room_gso", t_gso, linux_ok);
	kt_dual("skb_change_proto", t_change_proto, linux_ok);
	kt_dual("skb_change_type", t_change_type, linux_ok);
	kt_dual("skb_pull_data", t_pull_data, linux_ok);
	return kt_done();
}
