// SPDX-License-Identifier: GPL-2.0
/*
 * struct __sk_buff, the context of socket filter, cgroup_skb, tc
 * (sched_cls, sched_act), lwt (in, out, xmit, seg6local) and sk_skb
 * programs, on the struct sk_buff they run on: Linux 6.1's
 * bpf_skb_is_valid_access() and its per-type wrappers,
 * bpf_convert_ctx_access() and sk_skb_convert_ctx_access().
 *
 * tstamp, tstamp_type, gso_segs, gso_size and hwtstamp are rewritten
 * through the hidden scratch register BPF_REG_AX, as in Linux: the
 * skb_shared_info fields need skb->end while the destination may be the
 * context register itself, and tstamp's rewrite looks at the skb's
 * tc_at_ingress and mono_delivery_time bits (6.1's delivery time
 * semantics, see skb_tstamp_read()).
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>
#include <kbpf/sock.h>

#include "ctx_ops.h"

/* case FIRST(a) ... LAST(a): every byte of __sk_buff field a. */
#define FIRST(MEMBER)	KBPF_CTX_FIRST(struct __sk_buff, MEMBER)
#define LAST(MEMBER)	KBPF_CTX_LAST(struct __sk_buff, MEMBER)

/* What every __sk_buff type checks after its own rules: bpf_skb_is_valid_access(). */
static bool skb_is_valid_access(int off, int size, enum kbpf_access_type type,
				struct kbpf_insn_access_aux *info)
{
	const int size_default = sizeof(u32);

	if (off < 0 || off >= (int)sizeof(struct __sk_buff))
		return false;
	if (off % size != 0)
		return false;

	switch (off) {
	case FIRST(cb[0]) ... LAST(cb[4]):
		/* Any aligned size, but not past the last cb word. */
		if (off + size > (int)offsetofend(struct __sk_buff, cb[4]))
			return false;
		break;
	case FIRST(remote_ip4) ... LAST(remote_ip4):
	case FIRST(local_ip4) ... LAST(local_ip4):
	case FIRST(remote_ip6) ... LAST(remote_ip6):
	case FIRST(local_ip6) ... LAST(local_ip6):
	case FIRST(data) ... LAST(data):
	case FIRST(data_meta) ... LAST(data_meta):
	case FIRST(data_end) ... LAST(data_end):
		if (size != size_default)
			return false;
		break;
	case FIRST(flow_keys) ... LAST(flow_keys):
		return false;
	case FIRST(hwtstamp) ... LAST(hwtstamp):
		if (type == KBPF_WRITE || size != sizeof(u64))
			return false;
		break;
	case FIRST(tstamp) ... LAST(tstamp):
		if (size != sizeof(u64))
			return false;
		break;
	case FIRST(sk) ... LAST(sk):
		/* The skb's socket, if it has one: NULL-check before use. */
		if (type == KBPF_WRITE || size != sizeof(u64))
			return false;
		info->reg_type = KBPF_PTR_TO_SOCK_COMMON | KBPF_PTR_MAYBE_NULL;
		break;
	case offsetof(struct __sk_buff, tstamp_type):
		/* tc's own (tc_is_valid_access()). */
		return false;
	case offsetofend(struct __sk_buff, tstamp_type) ...
	     offsetof(struct __sk_buff, hwtstamp) - 1:
		/* The padding before hwtstamp. */
		return false;
	default:
		/* Writes whole words only; reads may take part of one. */
		if (type == KBPF_WRITE)
			return size == size_default;
		info->ctx_field_size = size_default;
		if (!kbpf_ctx_narrow_ok(size, size_default))
			return false;
	}
	return true;
}

static bool sk_filter_is_valid_access(int off, int size,
				      enum kbpf_access_type type,
				      u32 expected_attach_type,
				      struct kbpf_insn_access_aux *info)
{
	switch (off) {
	case FIRST(tc_classid) ... LAST(tc_classid):
	case FIRST(data) ... LAST(data):
	case FIRST(data_meta) ... LAST(data_meta):
	case FIRST(data_end) ... LAST(data_end):
	case FIRST(family) ... LAST(local_port):
	case FIRST(tstamp) ... LAST(tstamp):
	case FIRST(wire_len) ... LAST(wire_len):
	case FIRST(hwtstamp) ... LAST(hwtstamp):
		return false;
	}
	if (type == KBPF_WRITE) {
		switch (off) {
		case FIRST(cb[0]) ... LAST(cb[4]):
			break;
		default:
			return false;
		}
	}
	return skb_is_valid_access(off, size, type, info);
}

static bool cg_skb_is_valid_access(int off, int size,
				   enum kbpf_access_type type,
				   u32 expected_attach_type,
				   struct kbpf_insn_access_aux *info)
{
	switch (off) {
	case FIRST(tc_classid) ... LAST(tc_classid):
	case FIRST(data_meta) ... LAST(data_meta):
	case FIRST(wire_len) ... LAST(wire_len):
		return false;
	case FIRST(data) ... LAST(data):
	case FIRST(data_end) ... LAST(data_end):
		/* Direct packet access is for bpf_capable() loaders only. */
		if (!bpf_capable())
			return false;
		break;
	}
	if (type == KBPF_WRITE) {
		switch (off) {
		case FIRST(mark) ... LAST(mark):
		case FIRST(priority) ... LAST(priority):
		case FIRST(cb[0]) ... LAST(cb[4]):
			break;
		case FIRST(tstamp) ... LAST(tstamp):
			if (!bpf_capable())
				return false;
			break;
		default:
			return false;
		}
	}
	switch (off) {
	case FIRST(data) ... LAST(data):
		info->reg_type = KBPF_PTR_TO_PACKET;
		break;
	case FIRST(data_end) ... LAST(data_end):
		info->reg_type = KBPF_PTR_TO_PACKET_END;
		break;
	}
	return skb_is_valid_access(off, size, type, info);
}

static bool tc_is_valid_access(int off, int size, enum kbpf_access_type type,
			       u32 expected_attach_type,
			       struct kbpf_insn_access_aux *info)
{
	if (type == KBPF_WRITE) {
		switch (off) {
		case FIRST(mark) ... LAST(mark):
		case FIRST(tc_index) ... LAST(tc_index):
		case FIRST(priority) ... LAST(priority):
		case FIRST(tc_classid) ... LAST(tc_classid):
		case FIRST(cb[0]) ... LAST(cb[4]):
		case FIRST(tstamp) ... LAST(tstamp):
		case FIRST(queue_mapping) ... LAST(queue_mapping):
			break;
		default:
			return false;
		}
	}
	switch (off) {
	case FIRST(data) ... LAST(data):
		info->reg_type = KBPF_PTR_TO_PACKET;
		break;
	case FIRST(data_meta) ... LAST(data_meta):
		info->reg_type = KBPF_PTR_TO_PACKET_META;
		break;
	case FIRST(data_end) ... LAST(data_end):
		info->reg_type = KBPF_PTR_TO_PACKET_END;
		break;
	case FIRST(family) ... LAST(local_port):
		return false;
	case offsetof(struct __sk_buff, tstamp_type):
		/*
		 * Linux marks the program before looking at the size: from
		 * now on its tstamp accesses see the delivery time as is.
		 */
		info->tstamp_type_access = true;
		return size == sizeof(u8);
	}
	return skb_is_valid_access(off, size, type, info);
}

/* lwt_is_valid_access(): lwt_in, lwt_out, lwt_xmit and lwt_seg6local. */
static bool lwt_is_valid_access(int off, int size, enum kbpf_access_type type,
				u32 expected_attach_type,
				struct kbpf_insn_access_aux *info)
{
	switch (off) {
	case FIRST(tc_classid) ... LAST(tc_classid):
	case FIRST(family) ... LAST(local_port):
	case FIRST(data_meta) ... LAST(data_meta):
	case FIRST(tstamp) ... LAST(tstamp):
	case FIRST(wire_len) ... LAST(wire_len):
	case FIRST(hwtstamp) ... LAST(hwtstamp):
		return false;
	}
	if (type == KBPF_WRITE) {
		switch (off) {
		case FIRST(mark) ... LAST(mark):
		case FIRST(priority) ... LAST(priority):
		case FIRST(cb[0]) ... LAST(cb[4]):
			break;
		default:
			return false;
		}
	}
	switch (off) {
	case FIRST(data) ... LAST(data):
		info->reg_type = KBPF_PTR_TO_PACKET;
		break;
	case FIRST(data_end) ... LAST(data_end):
		info->reg_type = KBPF_PTR_TO_PACKET_END;
		break;
	}
	return skb_is_valid_access(off, size, type, info);
}

/* sk_skb_is_valid_access(): stream parser and verdict programs. */
static bool sk_skb_is_valid_access(int off, int size, enum kbpf_access_type type,
				   u32 expected_attach_type,
				   struct kbpf_insn_access_aux *info)
{
	switch (off) {
	case FIRST(tc_classid) ... LAST(tc_classid):
	case FIRST(data_meta) ... LAST(data_meta):
	case FIRST(tstamp) ... LAST(tstamp):
	case FIRST(wire_len) ... LAST(wire_len):
	case FIRST(hwtstamp) ... LAST(hwtstamp):
		return false;
	}
	if (type == KBPF_WRITE) {
		switch (off) {
		case FIRST(tc_index) ... LAST(tc_index):
		case FIRST(priority) ... LAST(priority):
			break;
		default:
			return false;
		}
	}
	switch (off) {
	case FIRST(mark) ... LAST(mark):
		return false;
	case FIRST(data) ... LAST(data):
		info->reg_type = KBPF_PTR_TO_PACKET;
		break;
	case FIRST(data_end) ... LAST(data_end):
		info->reg_type = KBPF_PTR_TO_PACKET_END;
		break;
	}
	return skb_is_valid_access(off, size, type, info);
}

/* Offsets in struct sk_buff of what Linux keeps in skb->cb. */
#define QDISC_CB_OFF(MEMBER)						\
	(offsetof(struct sk_buff, cb) + offsetof(struct qdisc_skb_cb, MEMBER))
#define DATA_END_CB_OFF(MEMBER)						\
	(offsetof(struct sk_buff, cb) + offsetof(struct kbpf_skb_data_end, MEMBER))

/* dst = src->MEMBER, all of it; sets *target_size like Linux's bpf_target_off(). */
#define LOAD_FIELD(TYPE, MEMBER, DST, SRC, TARGET_SIZE)			\
	({								\
		*(TARGET_SIZE) = sizeof_field(TYPE, MEMBER);		\
		BPF_LDX_MEM(KBPF_FIELD_SIZE(TYPE, MEMBER), DST, SRC,	\
			    offsetof(TYPE, MEMBER));			\
	})
#define STORE_FIELD(TYPE, MEMBER, DST, SRC, TARGET_SIZE)		\
	({								\
		*(TARGET_SIZE) = sizeof_field(TYPE, MEMBER);		\
		BPF_STX_MEM(KBPF_FIELD_SIZE(TYPE, MEMBER), DST, SRC,	\
			    offsetof(TYPE, MEMBER));			\
	})
/* Load or store of a whole sk_buff field, as the access type says. */
#define SKB_FIELD(TYPE_, SI, MEMBER, TARGET_SIZE)			\
	((TYPE_) == KBPF_WRITE ?					\
	 STORE_FIELD(struct sk_buff, MEMBER, (SI)->dst_reg, (SI)->src_reg, \
		     TARGET_SIZE) :					\
	 LOAD_FIELD(struct sk_buff, MEMBER, (SI)->dst_reg, (SI)->src_reg, \
		    TARGET_SIZE))

/*
 * The skb's socket fields (cgroup_skb): skb->sk, then the field of its
 * sock_common. Linux loads them without a NULL check, as its runners of
 * these types always have a socket; kbpf reads 0 when there is none.
 * remote_port keeps Linux's quirk: the network-order port in the upper
 * 16 bits on little-endian machines.
 */
static u32 skb_sock_field(const struct bpf_insn *si, struct bpf_insn *insn,
			  u32 *target_size)
{
	u8 dst = si->dst_reg;
	u8 size = BPF_H;
	bool lsh = false;
	int off;

	switch (si->off) {
	case offsetof(struct __sk_buff, family):
		off = offsetof(struct sock_common, skc_family);
		break;
	case offsetof(struct __sk_buff, remote_ip4):
		off = offsetof(struct sock_common, skc_daddr);
		size = BPF_W;
		break;
	case offsetof(struct __sk_buff, local_ip4):
		off = offsetof(struct sock_common, skc_rcv_saddr);
		size = BPF_W;
		break;
	case FIRST(remote_ip6) ... LAST(remote_ip6):
		off = offsetof(struct sock_common, skc_v6_daddr) + si->off -
		      offsetof(struct __sk_buff, remote_ip6[0]);
		size = BPF_W;
		break;
	case FIRST(local_ip6) ... LAST(local_ip6):
		off = offsetof(struct sock_common, skc_v6_rcv_saddr) + si->off -
		      offsetof(struct __sk_buff, local_ip6[0]);
		size = BPF_W;
		break;
	case offsetof(struct __sk_buff, remote_port):
		off = offsetof(struct sock_common, skc_dport);
		lsh = true;
		break;
	default:
		off = offsetof(struct sock_common, skc_num);
		break;
	}
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_family) != 2);
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_dport) != 2);
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_num) != 2);
	*target_size = size == BPF_W ? 4 : 2;
	insn[0] = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct sk_buff, sk), dst,
			      si->src_reg, offsetof(struct sk_buff, sk));
	insn[1] = BPF_JMP_IMM(BPF_JEQ, dst, 0, lsh ? 2 : 1);
	insn[2] = BPF_LDX_MEM(size, dst, dst, off);
	if (!lsh)
		return 3;
	insn[3] = BPF_ALU32_IMM(BPF_LSH, dst, 16);
	return 4;
}

/*
 * dst = a field of skb_shinfo(skb), at head + end: end (an offset on
 * 64-bit kernels) goes to AX first, as dst may be the skb register.
 */
static u32 skb_shinfo_field(const struct bpf_insn *si, struct bpf_insn *insn,
			    int off, u8 size)
{
	u8 dst = si->dst_reg, skb = si->src_reg;

	BUILD_BUG_ON(sizeof_field(struct sk_buff, end) != 4);
	insn[0] = BPF_LDX_MEM(BPF_W, BPF_REG_AX, skb,
			      offsetof(struct sk_buff, end));
	insn[1] = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct sk_buff, head), dst, skb,
			      offsetof(struct sk_buff, head));
	insn[2] = BPF_ALU64_REG(BPF_ADD, dst, BPF_REG_AX);
	insn[3] = BPF_LDX_MEM(size, dst, dst, off);
	return 4;
}

/*
 * Where tc's skb->tstamp may hold a delivery time (6.1): at ingress with
 * mono_delivery_time set it is the sender's, not a receive time, so a
 * program that never read tstamp_type reads 0 there. AX holds the flag
 * byte, as dst may be the skb register.
 */
static u32 skb_tstamp_read(const struct bpf_insn *si, struct bpf_insn *insn,
			   bool tstamp_type_access)
{
	u8 dst = si->dst_reg, skb = si->src_reg;
	u32 n = 0;

#ifdef CONFIG_NET_CLS_ACT
	if (!tstamp_type_access) {
		const s32 both = TC_AT_INGRESS_MASK | SKB_MONO_DELIVERY_TIME_MASK;

		insn[n++] = BPF_LDX_MEM(BPF_B, BPF_REG_AX, skb,
					PKT_VLAN_PRESENT_OFFSET);
		insn[n++] = BPF_ALU32_IMM(BPF_AND, BPF_REG_AX, both);
		insn[n++] = BPF_JMP32_IMM(BPF_JNE, BPF_REG_AX, both, 2);
		insn[n++] = BPF_MOV64_IMM(dst, 0);
		insn[n++] = BPF_JMP_A(1);
	}
#endif
	insn[n++] = BPF_LDX_MEM(BPF_DW, dst, skb, offsetof(struct sk_buff, tstamp));
	return n;
}

/*
 * A tstamp written at ingress by a program unaware of delivery times is
 * a receive time: mono_delivery_time is cleared with it.
 */
static u32 skb_tstamp_write(const struct bpf_insn *si, struct bpf_insn *insn,
			    bool tstamp_type_access)
{
	u8 skb = si->dst_reg, value = si->src_reg;
	u32 n = 0;

#ifdef CONFIG_NET_CLS_ACT
	if (!tstamp_type_access) {
		insn[n++] = BPF_LDX_MEM(BPF_B, BPF_REG_AX, skb,
					PKT_VLAN_PRESENT_OFFSET);
		insn[n++] = BPF_JMP32_IMM(BPF_JSET, BPF_REG_AX,
					  TC_AT_INGRESS_MASK, 1);
		insn[n++] = BPF_JMP_A(2);
		insn[n++] = BPF_ALU32_IMM(BPF_AND, BPF_REG_AX,
					  ~SKB_MONO_DELIVERY_TIME_MASK);
		insn[n++] = BPF_STX_MEM(BPF_B, skb, BPF_REG_AX,
					PKT_VLAN_PRESENT_OFFSET);
	}
#endif
	insn[n++] = BPF_STX_MEM(BPF_DW, skb, value, offsetof(struct sk_buff, tstamp));
	return n;
}

/* tc's tstamp_type: BPF_SKB_TSTAMP_DELIVERY_MONO or _UNSPEC, from the flag. */
static u32 skb_tstamp_type_read(const struct bpf_insn *si,
				struct bpf_insn *insn)
{
	u8 dst = si->dst_reg;

	insn[0] = BPF_LDX_MEM(BPF_B, BPF_REG_AX, si->src_reg,
			      PKT_VLAN_PRESENT_OFFSET);
	insn[1] = BPF_JMP32_IMM(BPF_JSET, BPF_REG_AX,
				SKB_MONO_DELIVERY_TIME_MASK, 2);
	insn[2] = BPF_MOV32_IMM(dst, BPF_SKB_TSTAMP_UNSPEC);
	insn[3] = BPF_JMP_A(1);
	insn[4] = BPF_MOV32_IMM(dst, BPF_SKB_TSTAMP_DELIVERY_MONO);
	return 5;
}

static u32 skb_convert(enum kbpf_access_type type, const struct bpf_insn *si,
		       struct bpf_insn *insn_buf, u32 *target_size,
		       bool tstamp_type_access)
{
	struct bpf_insn *insn = insn_buf;
	u8 dst = si->dst_reg, src = si->src_reg;
	int off;

	/* The uapi sizes of these fields; the kernel's may be narrower. */
	BUILD_BUG_ON(sizeof_field(struct sk_buff, len) != 4);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, mark) != 4);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, priority) != 4);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, hash) != 4);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, skb_iif) != 4);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, napi_id) != 4);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, protocol) != 2);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, vlan_proto) != 2);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, vlan_tci) != 2);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, queue_mapping) != 2);
	BUILD_BUG_ON(sizeof_field(struct net_device, ifindex) != 4);
	BUILD_BUG_ON(sizeof_field(struct qdisc_skb_cb, tc_classid) != 2);
	BUILD_BUG_ON(sizeof_field(struct qdisc_skb_cb, pkt_len) != 4);
	BUILD_BUG_ON(sizeof_field(struct qdisc_skb_cb, data) < 20);
	/* cb[] accesses keep their alignment once moved into skb->cb. */
	BUILD_BUG_ON(QDISC_CB_OFF(data) % sizeof(u64));
	/* Little-endian bitfields: pkt_type is the low bits of its byte. */
	BUILD_BUG_ON(PKT_TYPE_MAX != 7);
	BUILD_BUG_ON(sizeof_field(struct sk_buff, tstamp) != 8);
	BUILD_BUG_ON(sizeof_field(struct skb_shared_info, gso_segs) != 2);
	BUILD_BUG_ON(sizeof_field(struct skb_shared_info, gso_size) != 2);
	BUILD_BUG_ON(sizeof_field(struct skb_shared_hwtstamps, hwtstamp) != 8);
	BUILD_BUG_ON(offsetof(struct skb_shared_hwtstamps, hwtstamp) != 0);

	switch (si->off) {
	case offsetof(struct __sk_buff, len):
		*insn++ = LOAD_FIELD(struct sk_buff, len, dst, src, target_size);
		break;
	case offsetof(struct __sk_buff, protocol):
		*insn++ = LOAD_FIELD(struct sk_buff, protocol, dst, src,
				     target_size);
		break;
	case offsetof(struct __sk_buff, vlan_proto):
		*insn++ = LOAD_FIELD(struct sk_buff, vlan_proto, dst, src,
				     target_size);
		break;
	case offsetof(struct __sk_buff, vlan_tci):
		*insn++ = LOAD_FIELD(struct sk_buff, vlan_tci, dst, src,
				     target_size);
		break;
	case offsetof(struct __sk_buff, ingress_ifindex):
		*insn++ = LOAD_FIELD(struct sk_buff, skb_iif, dst, src,
				     target_size);
		break;
	case offsetof(struct __sk_buff, hash):
		*insn++ = LOAD_FIELD(struct sk_buff, hash, dst, src, target_size);
		break;
	case offsetof(struct __sk_buff, priority):
		*insn++ = SKB_FIELD(type, si, priority, target_size);
		break;
	case offsetof(struct __sk_buff, mark):
		*insn++ = SKB_FIELD(type, si, mark, target_size);
		break;
	case offsetof(struct __sk_buff, tc_index):
#ifdef CONFIG_NET_SCHED
		*insn++ = SKB_FIELD(type, si, tc_index, target_size);
#else
		/* Like Linux without qdiscs: reads 0, writes are dropped. */
		*target_size = 2;
		if (type == KBPF_WRITE)
			*insn++ = BPF_MOV64_REG(dst, dst);
		else
			*insn++ = BPF_MOV64_IMM(dst, 0);
#endif
		break;
	case offsetof(struct __sk_buff, ifindex):
		/*
		 * Linux trusts tc's skb->dev; kbpf checks it for every type,
		 * so a runner's skb without a device reads 0.
		 */
		*insn++ = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct sk_buff, dev), dst,
				      src, offsetof(struct sk_buff, dev));
		*insn++ = BPF_JMP_IMM(BPF_JEQ, dst, 0, 1);
		*insn++ = LOAD_FIELD(struct net_device, ifindex, dst, dst,
				     target_size);
		break;
	case offsetof(struct __sk_buff, pkt_type):
		*target_size = 1;
		*insn++ = BPF_LDX_MEM(BPF_B, dst, src, PKT_TYPE_OFFSET);
		*insn++ = BPF_ALU32_IMM(BPF_AND, dst, PKT_TYPE_MAX);
		break;
	case offsetof(struct __sk_buff, vlan_present):
		*target_size = 1;
		*insn++ = BPF_LDX_MEM(BPF_B, dst, src, PKT_VLAN_PRESENT_OFFSET);
		if (PKT_VLAN_PRESENT_BIT)
			*insn++ = BPF_ALU32_IMM(BPF_RSH, dst,
						PKT_VLAN_PRESENT_BIT);
		if (PKT_VLAN_PRESENT_BIT < 7)
			*insn++ = BPF_ALU32_IMM(BPF_AND, dst, 1);
		break;
	case offsetof(struct __sk_buff, queue_mapping):
		if (type == KBPF_WRITE) {
			/* Out-of-range queues leave the mapping alone. */
			*insn++ = BPF_JMP_IMM(BPF_JGE, src, NO_QUEUE_MAPPING, 1);
			*insn++ = STORE_FIELD(struct sk_buff, queue_mapping, dst,
					      src, target_size);
		} else {
			*insn++ = LOAD_FIELD(struct sk_buff, queue_mapping, dst,
					     src, target_size);
		}
		break;
	case offsetof(struct __sk_buff, napi_id):
		/* Below MIN_NAPI_ID the union holds a sender CPU, not an id. */
		*insn++ = LOAD_FIELD(struct sk_buff, napi_id, dst, src,
				     target_size);
		*insn++ = BPF_JMP_IMM(BPF_JGE, dst, MIN_NAPI_ID, 1);
		*insn++ = BPF_MOV64_IMM(dst, 0);
		break;
	case FIRST(cb[0]) ... LAST(cb[4]):
		off = si->off - offsetof(struct __sk_buff, cb[0]) +
		      QDISC_CB_OFF(data);
		if (type == KBPF_WRITE)
			*insn++ = BPF_STX_MEM(BPF_SIZE(si->code), dst, src, off);
		else
			*insn++ = BPF_LDX_MEM(BPF_SIZE(si->code), dst, src, off);
		break;
	case offsetof(struct __sk_buff, tc_classid):
		*target_size = 2;
		off = QDISC_CB_OFF(tc_classid);
		if (type == KBPF_WRITE)
			*insn++ = BPF_STX_MEM(BPF_H, dst, src, off);
		else
			*insn++ = BPF_LDX_MEM(BPF_H, dst, src, off);
		break;
	case offsetof(struct __sk_buff, wire_len):
		*target_size = 4;
		*insn++ = BPF_LDX_MEM(BPF_W, dst, src, QDISC_CB_OFF(pkt_len));
		break;
	case offsetof(struct __sk_buff, data):
		*insn++ = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct sk_buff, data),
				      dst, src, offsetof(struct sk_buff, data));
		break;
	case offsetof(struct __sk_buff, data_meta):
		*insn++ = BPF_LDX_MEM(BPF_DW, dst, src,
				      DATA_END_CB_OFF(data_meta));
		break;
	case offsetof(struct __sk_buff, data_end):
		*insn++ = BPF_LDX_MEM(BPF_DW, dst, src,
				      DATA_END_CB_OFF(data_end));
		break;
	case offsetof(struct __sk_buff, sk):
		*insn++ = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct sk_buff, sk), dst,
				      src, offsetof(struct sk_buff, sk));
		break;
	case offsetof(struct __sk_buff, family):
	case offsetof(struct __sk_buff, remote_ip4):
	case offsetof(struct __sk_buff, local_ip4):
	case FIRST(remote_ip6) ... LAST(remote_ip6):
	case FIRST(local_ip6) ... LAST(local_ip6):
	case offsetof(struct __sk_buff, remote_port):
	case offsetof(struct __sk_buff, local_port):
		insn += skb_sock_field(si, insn, target_size);
		break;
	case offsetof(struct __sk_buff, tstamp):
		if (type == KBPF_WRITE)
			insn += skb_tstamp_write(si, insn, tstamp_type_access);
		else
			insn += skb_tstamp_read(si, insn, tstamp_type_access);
		break;
	case offsetof(struct __sk_buff, tstamp_type):
		insn += skb_tstamp_type_read(si, insn);
		break;
	case offsetof(struct __sk_buff, gso_segs):
		*target_size = 2;
		insn += skb_shinfo_field(si, insn,
					 offsetof(struct skb_shared_info, gso_segs),
					 BPF_H);
		break;
	case offsetof(struct __sk_buff, gso_size):
		*target_size = 2;
		insn += skb_shinfo_field(si, insn,
					 offsetof(struct skb_shared_info, gso_size),
					 BPF_H);
		break;
	case offsetof(struct __sk_buff, hwtstamp):
		*target_size = 8;
		insn += skb_shinfo_field(si, insn,
					 offsetof(struct skb_shared_info, hwtstamps),
					 BPF_DW);
		break;
	}
	return insn - insn_buf;
}

static u32 skb_convert_ctx_access(enum kbpf_access_type type,
				  const struct bpf_insn *si,
				  struct bpf_insn *insn_buf, u32 *target_size)
{
	return skb_convert(type, si, insn_buf, target_size, false);
}

/* For a tc program that read tstamp_type: tstamp as it is. */
static u32 tc_tstamp_type_convert(enum kbpf_access_type type,
				  const struct bpf_insn *si,
				  struct bpf_insn *insn_buf, u32 *target_size)
{
	return skb_convert(type, si, insn_buf, target_size, true);
}

const struct kbpf_ctx_ops kbpf_ctx_sk_filter_ops = {
	.ctx_size = sizeof(struct __sk_buff),
	.is_valid_access = sk_filter_is_valid_access,
	.convert_ctx_access = skb_convert_ctx_access,
};

const struct kbpf_ctx_ops kbpf_ctx_cg_skb_ops = {
	.ctx_size = sizeof(struct __sk_buff),
	.is_valid_access = cg_skb_is_valid_access,
	.convert_ctx_access = skb_convert_ctx_access,
};

static const struct kbpf_ctx_ops tc_tstamp_type_ops = {
	.ctx_size = sizeof(struct __sk_buff),
	.is_valid_access = tc_is_valid_access,
	.convert_ctx_access = tc_tstamp_type_convert,
};

/* sched_cls and sched_act. */
const struct kbpf_ctx_ops kbpf_ctx_tc_ops = {
	.ctx_size = sizeof(struct __sk_buff),
	.is_valid_access = tc_is_valid_access,
	.convert_ctx_access = skb_convert_ctx_access,
	.tstamp_type_ops = &tc_tstamp_type_ops,
};

/*
 * sk_skb's data_end, skb->data + skb->len - skb->data_len (the end of the
 * linear part), computed on every read as Linux's sk_skb rewrite does:
 * skb->cb belongs to the stream parser and kTLS there, so there is no
 * saved data_end slot for the helpers that move the data (change_head,
 * change_tail, adjust_room, pull_data) to refresh, and a read after one of
 * them sees the new packet. AX holds the lengths; when dst is the skb
 * register a second register is borrowed (R9, or R8 when the skb is in
 * R9) and parked in struct sk_skb_cb's temp_reg meanwhile.
 */
static u32 sk_skb_data_end(const struct bpf_insn *si, struct bpf_insn *insn)
{
	u8 dst = si->dst_reg, skb = si->src_reg, end = dst;
	int temp_reg = kbpf_kern_layout.sk_skb_cb_temp_reg;
	u32 n = 0;

	if (dst == skb) {
		end = skb == BPF_REG_9 ? BPF_REG_8 : BPF_REG_9;
		insn[n++] = BPF_STX_MEM(BPF_DW, skb, end, temp_reg);
	}
	insn[n++] = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct sk_buff, data), end,
				skb, offsetof(struct sk_buff, data));
	insn[n++] = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct sk_buff, len),
				BPF_REG_AX, skb, offsetof(struct sk_buff, len));
	insn[n++] = BPF_ALU64_REG(BPF_ADD, end, BPF_REG_AX);
	insn[n++] = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct sk_buff, data_len),
				BPF_REG_AX, skb,
				offsetof(struct sk_buff, data_len));
	insn[n++] = BPF_ALU64_REG(BPF_SUB, end, BPF_REG_AX);
	if (dst == skb) {
		/* The skb moves to AX so that dst can take the result. */
		insn[n++] = BPF_MOV64_REG(BPF_REG_AX, skb);
		insn[n++] = BPF_MOV64_REG(dst, end);
		insn[n++] = BPF_LDX_MEM(BPF_DW, end, BPF_REG_AX, temp_reg);
	}
	return n;
}

/*
 * sk_skb_convert_ctx_access(): cb[] is the start of Linux's struct
 * sk_skb_cb rather than the qdisc's data, data_end is computed (above),
 * the rest as for other skbs.
 */
static u32 sk_skb_convert_ctx_access(enum kbpf_access_type type,
				     const struct bpf_insn *si,
				     struct bpf_insn *insn_buf,
				     u32 *target_size)
{
	int off;

	switch (si->off) {
	case offsetof(struct __sk_buff, data_end):
		return sk_skb_data_end(si, insn_buf);
	case FIRST(cb[0]) ... LAST(cb[4]):
		off = si->off - offsetof(struct __sk_buff, cb[0]) +
		      kbpf_kern_layout.sk_skb_cb_data;
		if (type == KBPF_WRITE)
			*insn_buf = BPF_STX_MEM(BPF_SIZE(si->code), si->dst_reg,
						si->src_reg, off);
		else
			*insn_buf = BPF_LDX_MEM(BPF_SIZE(si->code), si->dst_reg,
						si->src_reg, off);
		return 1;
	default:
		return skb_convert_ctx_access(type, si, insn_buf, target_size);
	}
}

const struct kbpf_ctx_ops kbpf_ctx_lwt_ops = {
	.ctx_size = sizeof(struct __sk_buff),
	.is_valid_access = lwt_is_valid_access,
	.convert_ctx_access = skb_convert_ctx_access,
};

const struct kbpf_ctx_ops kbpf_ctx_sk_skb_ops = {
	.ctx_size = sizeof(struct __sk_buff),
	.is_valid_access = sk_skb_is_valid_access,
	.convert_ctx_access = sk_skb_convert_ctx_access,
};
