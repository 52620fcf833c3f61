// SPDX-License-Identifier: GPL-2.0
/*
 * Packet helpers that change the skb's checksum state, its headers, its
 * type or its length: bpf_csum_update, bpf_skb_vlan_push/pop,
 * bpf_skb_change_head, bpf_skb_change_tail, bpf_skb_change_type and
 * bpf_skb_pull_data, as Linux 6.1's. The ones that move or reallocate
 * packet data make the verifier drop every packet pointer after the call
 * (changes_pkt_data() in verifier/helper_call.c) and recompute the
 * data_meta/data_end kept in skb->cb for the context rewrites. sk_skb's
 * variants leave skb->cb alone, as Linux's: there it is the stream
 * parser's, and sk_skb's rewrite computes data_end on every read
 * (sk_skb_data_end() in verifier/ctx_skb.c).
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "protos.h"

#define SKB(r)	((struct sk_buff *)(unsigned long)(r))

/*
 * Adds a difference (from bpf_csum_diff, after direct packet writes) to a
 * CHECKSUM_COMPLETE sum and returns the new sum; no sum to update is
 * -ENOTSUPP, as in Linux.
 */
static u64 kbpf_csum_update(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);

	if (skb->ip_summed == CHECKSUM_COMPLETE)
		return skb->csum = csum_add(skb->csum, (__force __wsum)(u32)r2);
	return -ENOTSUPP;
}

const struct kbpf_func_proto kbpf_csum_update_proto = {
	.func		= kbpf_csum_update,
	.name		= "bpf_csum_update",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};

/*
 * At tc ingress the mac header sits before data in a CHECKSUM_COMPLETE
 * sum that does not cover it: the vlan helpers work on the whole frame,
 * so the sum gains the mac header around them (Linux's
 * bpf_push_mac_rcsum()/bpf_pull_mac_rcsum()).
 */
static void push_mac_rcsum(struct sk_buff *skb)
{
	if (skb_at_tc_ingress(skb))
		skb_postpush_rcsum(skb, skb_mac_header(skb), skb->mac_len);
}

static void pull_mac_rcsum(struct sk_buff *skb)
{
	if (skb_at_tc_ingress(skb))
		skb_postpull_rcsum(skb, skb_mac_header(skb), skb->mac_len);
}

/*
 * A vlan tag in the skb's accelerated tag; one already there moves into
 * the packet first. Protocols other than 802.1Q and 802.1ad become 802.1Q.
 */
static u64 kbpf_skb_vlan_push(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	__be16 proto = (__force __be16)(u16)r2;
	int ret;

	if (proto != htons(ETH_P_8021Q) && proto != htons(ETH_P_8021AD))
		proto = htons(ETH_P_8021Q);
	push_mac_rcsum(skb);
	ret = skb_vlan_push(skb, proto, (u16)r3);
	pull_mac_rcsum(skb);
	kbpf_skb_compute_data_pointers(skb);
	return ret;
}

const struct kbpf_func_proto kbpf_skb_vlan_push_proto = {
	.func		= kbpf_skb_vlan_push,
	.name		= "bpf_skb_vlan_push",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};

/* The outer vlan tag off; the next one in the frame takes the slot. */
static u64 kbpf_skb_vlan_pop(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	int ret;

	push_mac_rcsum(skb);
	ret = skb_vlan_pop(skb);
	pull_mac_rcsum(skb);
	kbpf_skb_compute_data_pointers(skb);
	return ret;
}

const struct kbpf_func_proto kbpf_skb_vlan_pop_proto = {
	.func		= kbpf_skb_vlan_pop,
	.name		= "bpf_skb_vlan_pop",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};

/* Linux's BPF_SKB_MAX_LEN: no helper grows a non-GSO packet past this. */
#define SKB_HELPER_MAX_LEN	SKB_MAX_ALLOC

/*
 * head_room zeroed bytes in front of the packet, which become its new mac
 * header (an L3 packet given an L2 header before a redirect to an L2
 * device); the network header stays where it is.
 */
static int change_head(struct sk_buff *skb, u32 head_room, u64 flags)
{
	u32 new_len = skb->len + head_room;
	int ret;

	if (unlikely(flags || new_len < skb->len ||
		     (!skb_is_gso(skb) && new_len > SKB_HELPER_MAX_LEN)))
		return -EINVAL;
	ret = skb_cow(skb, head_room);
	if (ret)
		return ret;
	memset(__skb_push(skb, head_room), 0, head_room);
	skb_reset_mac_header(skb);
	skb_reset_mac_len(skb);
	return 0;
}

static u64 kbpf_skb_change_head(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	int ret = change_head(skb, (u32)r2, r3);

	kbpf_skb_compute_data_pointers(skb);
	return ret;
}

static u64 kbpf_sk_skb_change_head(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return change_head(SKB(r1), (u32)r2, r3);
}

const struct kbpf_func_proto kbpf_skb_change_head_proto = {
	.func		= kbpf_skb_change_head,
	.name		= "bpf_skb_change_head",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};

const struct kbpf_func_proto kbpf_sk_skb_change_head_proto = {
	.func		= kbpf_sk_skb_change_head,
	.name		= "bpf_skb_change_head",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};

/*
 * Linux's __bpf_skb_min_len(): a packet is not cut into the headers the
 * stack already parsed (network, and transport once it is set).
 */
static u32 skb_min_len(const struct sk_buff *skb)
{
	int off = skb_network_offset(skb);
	u32 min_len = off > 0 ? off : 0;

	if (skb_transport_header_was_set(skb)) {
		off = skb_transport_offset(skb);
		if (off > 0)
			min_len = off;
	}
	return min_len;
}

/*
 * A slow path for replies built in place: the packet is linearised and
 * uncloned whole, then grown with zeroes or cut. A CHECKSUM_COMPLETE
 * sum no longer covers the data and is dropped; a CHECKSUM_PARTIAL whose
 * checksum field is cut off is too.
 */
static int change_tail(struct sk_buff *skb, u32 new_len, u64 flags)
{
	u32 old_len = skb->len;
	int ret;

	if (unlikely(flags || new_len > SKB_HELPER_MAX_LEN ||
		     new_len < skb_min_len(skb)))
		return -EINVAL;
	if (skb->encapsulation)
		return -ENOTSUPP;
	ret = skb_ensure_writable(skb, old_len);
	if (ret)
		return ret;
	if (new_len > old_len) {
		ret = __skb_grow_rcsum(skb, new_len);
		if (!ret)
			memset(skb->data + old_len, 0, new_len - old_len);
	} else if (new_len < old_len) {
		if (skb->ip_summed == CHECKSUM_PARTIAL &&
		    new_len < skb_checksum_start_offset(skb) +
			      skb->csum_offset + sizeof(__sum16))
			skb->ip_summed = CHECKSUM_NONE;
		ret = __skb_trim_rcsum(skb, new_len);
	}
	if (!ret && skb_is_gso(skb))
		skb_gso_reset(skb);
	return ret;
}

static u64 kbpf_skb_change_tail(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	int ret = change_tail(skb, (u32)r2, r3);

	kbpf_skb_compute_data_pointers(skb);
	return ret;
}

static u64 kbpf_sk_skb_change_tail(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return change_tail(SKB(r1), (u32)r2, r3);
}

const struct kbpf_func_proto kbpf_skb_change_tail_proto = {
	.func		= kbpf_skb_change_tail,
	.name		= "bpf_skb_change_tail",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};

const struct kbpf_func_proto kbpf_sk_skb_change_tail_proto = {
	.func		= kbpf_sk_skb_change_tail,
	.name		= "bpf_skb_change_tail",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};

/*
 * Only the types a received packet can have (host, broadcast, multicast,
 * other host) may be changed, and only into one of them.
 */
static u64 kbpf_skb_change_type(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);

	if (unlikely(!skb_pkt_type_ok(skb->pkt_type) ||
		     !skb_pkt_type_ok((u32)r2)))
		return -EINVAL;
	skb->pkt_type = (u32)r2;
	return 0;
}

const struct kbpf_func_proto kbpf_skb_change_type_proto = {
	.func		= kbpf_skb_change_type,
	.name		= "bpf_skb_change_type",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};

/*
 * The first len bytes (0: the whole linear part) made linear and
 * writable, so that direct packet access reaches them; the program
 * checks data_end again afterwards.
 */
static u64 kbpf_skb_pull_data(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	u32 len = (u32)r2;
	int ret = skb_ensure_writable(skb, len ? len : skb_headlen(skb));

	kbpf_skb_compute_data_pointers(skb);
	return ret;
}

/* sk_skb's: data_end is computed by the context rewrite itself. */
static u64 kbpf_sk_skb_pull_data(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	u32 len = (u32)r2;

	return skb_ensure_writable(skb, len ? len : skb_headlen(skb));
}

const struct kbpf_func_proto kbpf_skb_pull_data_proto = {
	.func		= kbpf_skb_pull_data,
	.name		= "bpf_skb_pull_data",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};

const struct kbpf_func_proto kbpf_sk_skb_pull_data_proto = {
	.func		= kbpf_sk_skb_pull_data,
	.name		= "bpf_skb_pull_data",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};
