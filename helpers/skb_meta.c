// SPDX-License-Identifier: GPL-2.0
/*
 * Packet helpers that change what the stack knows about an skb rather
 * than its bytes (bpf_set_hash, bpf_set_hash_invalid, bpf_csum_level,
 * bpf_skb_set_tstamp), and bpf_skb_ecn_set_ce, which marks congestion in
 * the IP header in place. None moves packet data, so packet pointers
 * stay valid across them, as in Linux 6.1.
 */
#include <kbpf/kapi.h>

#include "protos.h"

#define SKB(r)	((struct sk_buff *)(unsigned long)(r))

/* The next skb_get_hash() (bpf_get_hash_recalc) runs the dissector again. */
static u64 kbpf_set_hash_invalid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	skb_clear_hash(SKB(r1));
	return 0;
}

const struct kbpf_func_proto kbpf_set_hash_invalid_proto = {
	.func		= kbpf_set_hash_invalid,
	.name		= "bpf_set_hash_invalid",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};

/*
 * The program's own flow hash, recorded as a software L4 hash so that
 * skb_get_hash() keeps it instead of dissecting the packet.
 */
static u64 kbpf_set_hash(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	__skb_set_sw_hash(SKB(r1), (u32)r2, true);
	return 0;
}

const struct kbpf_func_proto kbpf_set_hash_proto = {
	.func		= kbpf_set_hash,
	.name		= "bpf_set_hash",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};

/*
 * How many checksums (outer to inner) the device verified, for programs
 * that add or remove encapsulation headers: query (-EACCES unless the
 * skb is CHECKSUM_UNNECESSARY), one more, one less, or none.
 */
static u64 kbpf_csum_level(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);

	switch (r2) {
	case BPF_CSUM_LEVEL_QUERY:
		if (skb->ip_summed != CHECKSUM_UNNECESSARY)
			return -EACCES;
		return skb->csum_level;
	case BPF_CSUM_LEVEL_INC:
		__skb_incr_checksum_unnecessary(skb);
		return 0;
	case BPF_CSUM_LEVEL_DEC:
		__skb_decr_checksum_unnecessary(skb);
		return 0;
	case BPF_CSUM_LEVEL_RESET:
		__skb_reset_checksum_unnecessary(skb);
		return 0;
	default:
		return -EINVAL;
	}
}

const struct kbpf_func_proto kbpf_csum_level_proto = {
	.func		= kbpf_csum_level,
	.name		= "bpf_csum_level",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};

/*
 * Congestion Experienced in an ECN-capable IPv4 or IPv6 header: 1 when
 * the mark is there afterwards, 0 when the packet is not IP, not
 * ECN-capable, too short in its linear part, or a clone whose header
 * is shared (Linux does not copy the head for this).
 */
static u64 kbpf_skb_ecn_set_ce(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	unsigned int hdr_len;

	switch (skb_protocol(skb, true)) {
	case cpu_to_be16(ETH_P_IP):
		hdr_len = sizeof(struct iphdr);
		break;
	case cpu_to_be16(ETH_P_IPV6):
		hdr_len = sizeof(struct ipv6hdr);
		break;
	default:
		return 0;
	}
	if (skb_headlen(skb) < hdr_len)
		return 0;
	if (skb_cloned(skb) && !skb_clone_writable(skb, hdr_len))
		return 0;
	return INET_ECN_set_ce(skb);
}

const struct kbpf_func_proto kbpf_skb_ecn_set_ce_proto = {
	.func		= kbpf_skb_ecn_set_ce,
	.name		= "bpf_skb_ecn_set_ce",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};

/*
 * A delivery time (CLOCK_MONOTONIC, non-zero) for the packet, or none.
 * Only IP packets: the stack clears a delivery time in the IP layers
 * alone, so another protocol would carry it too far (-EOPNOTSUPP).
 */
static u64 kbpf_skb_set_tstamp(u64 r1, u64 tstamp, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);

	if (skb->protocol != htons(ETH_P_IP) &&
	    skb->protocol != htons(ETH_P_IPV6))
		return -EOPNOTSUPP;
	switch ((u32)r3) {
	case BPF_SKB_TSTAMP_DELIVERY_MONO:
		if (!tstamp)
			return -EINVAL;
		skb->tstamp = tstamp;
		skb->mono_delivery_time = 1;
		return 0;
	case BPF_SKB_TSTAMP_UNSPEC:
		if (tstamp)
			return -EINVAL;
		skb->tstamp = 0;
		skb->mono_delivery_time = 0;
		return 0;
	default:
		return -EINVAL;
	}
}

const struct kbpf_func_proto kbpf_skb_set_tstamp_proto = {
	.func		= kbpf_skb_set_tstamp,
	.name		= "bpf_skb_set_tstamp",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};
