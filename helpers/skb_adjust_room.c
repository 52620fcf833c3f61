// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers that open or close a gap behind the mac header or behind the
 * network header, as Linux 6.1's: bpf_skb_adjust_room (tc; sk_skb has a
 * plainer variant that works at the front of the data) and
 * bpf_skb_change_proto (IPv4 <-> IPv6, the 20 bytes the two base headers
 * differ by). They move packet data, so the verifier drops every packet
 * pointer after the call (changes_pkt_data() in verifier/helper_call.c)
 * and, except under sk_skb (whose rewrite computes data_end on every
 * read, as Linux's), the data_meta/data_end kept in skb->cb for the
 * context rewrites are recomputed.
 *
 * Under tc the data starts at the mac header: a gap at offset off of the
 * data moves the first off bytes, and the mac and network headers move
 * with them; the gap itself is zeroed for the program to fill.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "protos.h"
#include "skb_net.h"

#define SKB(r)	((struct sk_buff *)(unsigned long)(r))

/* Linux's BPF_SKB_MAX_LEN: no helper grows a non-GSO packet past this. */
#define SKB_HELPER_MAX_LEN	SKB_MAX_ALLOC

/* struct iphdr without options and struct ipv6hdr: the base headers. */
#define IPV4_BASE_LEN		20
#define IPV6_BASE_LEN		40
#define IP_BASE_LEN_DIFF	(IPV6_BASE_LEN - IPV4_BASE_LEN)

/* Linux's limit on the size of one adjustment (-EFAULT past it). */
#define ADJ_ROOM_MAX_DIFF	0xfffU

#define ADJ_ROOM_ENCAP_L3	(BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | \
				 BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)
#define ADJ_ROOM_KNOWN_FLAGS	(BPF_F_ADJ_ROOM_FIXED_GSO | ADJ_ROOM_ENCAP_L3 | \
				 BPF_F_ADJ_ROOM_ENCAP_L4_GRE | \
				 BPF_F_ADJ_ROOM_ENCAP_L4_UDP | \
				 BPF_F_ADJ_ROOM_ENCAP_L2_ETH | \
				 BPF_F_ADJ_ROOM_ENCAP_L2(BPF_ADJ_ROOM_ENCAP_L2_MASK) | \
				 BPF_F_ADJ_ROOM_NO_CSUM_RESET)

/* A new outer protocol; a routing decision made for the old one goes. */
static void set_protocol(struct sk_buff *skb, u16 proto)
{
	skb->protocol = htons(proto);
	kbpf_skb_drop_route(skb);
}

/*
 * len zeroed bytes at offset off of the data (the caller made the
 * headroom). Zeroes leave a CHECKSUM_COMPLETE sum as it was.
 */
static void open_gap(struct sk_buff *skb, u32 off, u32 len)
{
	bool trans_same = skb->transport_header == skb->network_header;

	skb_push(skb, len);
	memmove(skb->data, skb->data + len, off);
	memset(skb->data + off, 0, len);
	skb->mac_header -= len;
	skb->network_header -= len;
	if (trans_same)
		skb->transport_header = skb->network_header;
}

/* The len bytes at offset off of the (uncloned) data out. */
static int close_gap(struct sk_buff *skb, u32 off, u32 len)
{
	bool trans_same = skb->transport_header == skb->network_header;
	unsigned char *old_data;

	if (unlikely(!pskb_may_pull(skb, off + len)))
		return -ENOMEM;
	old_data = skb->data;
	__skb_pull(skb, len);
	skb_postpull_rcsum(skb, old_data + off, len);
	memmove(skb->data, old_data, off);
	skb->mac_header += len;
	skb->network_header += len;
	if (trans_same)
		skb->transport_header = skb->network_header;
	return 0;
}

/* GSO metadata after a protocol change: TCP segments change family. */
static void gso_change_family(struct sk_buff *skb, unsigned int from,
			      unsigned int to)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);

	if (!skb_is_gso(skb))
		return;
	if (shinfo->gso_type & from) {
		shinfo->gso_type &= ~from;
		shinfo->gso_type |= to;
	}
	/* The stack must check the headers before it segments. */
	shinfo->gso_type |= SKB_GSO_DODGY;
}

static int proto_4_to_6(struct sk_buff *skb)
{
	int ret = skb_cow(skb, IP_BASE_LEN_DIFF);

	if (unlikely(ret < 0))
		return ret;
	open_gap(skb, skb_mac_header_len(skb), IP_BASE_LEN_DIFF);
	gso_change_family(skb, SKB_GSO_TCPV4, SKB_GSO_TCPV6);
	set_protocol(skb, ETH_P_IPV6);
	skb_clear_hash(skb);
	return 0;
}

static int proto_6_to_4(struct sk_buff *skb)
{
	int ret = skb_unclone(skb, GFP_ATOMIC);

	if (unlikely(ret < 0))
		return ret;
	ret = close_gap(skb, skb_mac_header_len(skb), IP_BASE_LEN_DIFF);
	if (unlikely(ret < 0))
		return ret;
	gso_change_family(skb, SKB_GSO_TCPV6, SKB_GSO_TCPV4);
	set_protocol(skb, ETH_P_IP);
	skb_clear_hash(skb);
	return 0;
}

/*
 * Only the room for the new base header: the program writes the header
 * itself (bpf_skb_store_bytes) and fixes the checksums. Options and
 * extension headers are not handled; flags are reserved for them.
 */
static u64 kbpf_skb_change_proto(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	__be16 to = (__force __be16)(u16)r2;
	int ret = -ENOTSUPP;

	if (unlikely(r3))
		return -EINVAL;
	if (skb->protocol == htons(ETH_P_IP) && to == htons(ETH_P_IPV6))
		ret = proto_4_to_6(skb);
	else if (skb->protocol == htons(ETH_P_IPV6) && to == htons(ETH_P_IP))
		ret = proto_6_to_4(skb);
	kbpf_skb_compute_data_pointers(skb);
	return ret;
}

const struct kbpf_func_proto kbpf_skb_change_proto_proto = {
	.func		= kbpf_skb_change_proto,
	.name		= "bpf_skb_change_proto",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};

/* The base length of the packet's network header, ~0 for other protocols. */
static u32 net_base_len(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return IPV4_BASE_LEN;
	if (skb->protocol == htons(ETH_P_IPV6))
		return IPV6_BASE_LEN;
	return ~0U;
}

/*
 * A UDP GSO packet's gso_size is the size of each datagram: the headers
 * may change only with BPF_F_ADJ_ROOM_FIXED_GSO. Other non-TCP GSO
 * packets cannot be adjusted at all.
 */
static bool gso_adjustable(const struct sk_buff *skb, u64 flags)
{
	if (!skb_is_gso(skb) || skb_is_gso_tcp(skb))
		return true;
	return (skb_shinfo(skb)->gso_type & SKB_GSO_UDP_L4) &&
	       (flags & BPF_F_ADJ_ROOM_FIXED_GSO);
}

/*
 * The gap for an outer header being pushed (encapsulation): flags say
 * which outer headers it will hold, so that the skb's inner header
 * offsets, inner protocol and GSO type describe the packet once the
 * program has written them.
 */
static int grow_encap_check(const struct sk_buff *skb, u32 len_diff, u64 flags)
{
	u8 inner_mac_len = flags >> BPF_ADJ_ROOM_ENCAP_L2_SHIFT;

	if (skb->protocol != htons(ETH_P_IP) &&
	    skb->protocol != htons(ETH_P_IPV6))
		return -ENOTSUPP;
	if ((flags & ADJ_ROOM_ENCAP_L3) == ADJ_ROOM_ENCAP_L3)
		return -EINVAL;
	if ((flags & BPF_F_ADJ_ROOM_ENCAP_L4_GRE) &&
	    (flags & BPF_F_ADJ_ROOM_ENCAP_L4_UDP))
		return -EINVAL;
	if ((flags & BPF_F_ADJ_ROOM_ENCAP_L2_ETH) && inner_mac_len < ETH_HLEN)
		return -EINVAL;
	if (skb->encapsulation)
		return -EALREADY;
	if (inner_mac_len > len_diff)
		return -EINVAL;
	return 0;
}

/* After the gap is open: the old headers are now the inner ones. */
static unsigned int grow_encap_mark(struct sk_buff *skb, u16 mac_len,
				    u16 inner_net, u16 inner_trans, u64 flags)
{
	u8 inner_mac_len = flags >> BPF_ADJ_ROOM_ENCAP_L2_SHIFT;
	unsigned int gso_type;

	skb->inner_mac_header = inner_net - inner_mac_len;
	skb->inner_network_header = inner_net;
	skb->inner_transport_header = inner_trans;
	skb_set_inner_protocol(skb, flags & BPF_F_ADJ_ROOM_ENCAP_L2_ETH ?
				    htons(ETH_P_TEB) : skb->protocol);
	skb->encapsulation = 1;
	skb_set_network_header(skb, mac_len);

	if (flags & BPF_F_ADJ_ROOM_ENCAP_L4_UDP)
		gso_type = SKB_GSO_UDP_TUNNEL;
	else if (flags & BPF_F_ADJ_ROOM_ENCAP_L4_GRE)
		gso_type = SKB_GSO_GRE;
	else if (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)
		gso_type = SKB_GSO_IPXIP6;
	else
		gso_type = SKB_GSO_IPXIP4;

	if (flags & (BPF_F_ADJ_ROOM_ENCAP_L4_GRE | BPF_F_ADJ_ROOM_ENCAP_L4_UDP))
		skb_set_transport_header(skb, mac_len +
					 (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 ?
					  IPV6_BASE_LEN : IPV4_BASE_LEN));

	/* The outer network header decides skb->protocol. */
	if (skb->protocol == htons(ETH_P_IP) &&
	    (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6))
		set_protocol(skb, ETH_P_IPV6);
	else if (skb->protocol == htons(ETH_P_IPV6) &&
		 (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV4))
		set_protocol(skb, ETH_P_IP);
	return gso_type;
}

static int adjust_room_grow(struct sk_buff *skb, u32 off, u32 len_diff,
			    u64 flags)
{
	bool encap = flags & ADJ_ROOM_ENCAP_L3;
	u16 mac_len = 0, inner_net = 0, inner_trans = 0;
	unsigned int gso_type = SKB_GSO_DODGY;
	int ret;

	if (!gso_adjustable(skb, flags))
		return -ENOTSUPP;
	ret = skb_cow_head(skb, len_diff);
	if (unlikely(ret < 0))
		return ret;
	if (encap) {
		ret = grow_encap_check(skb, len_diff, flags);
		if (ret)
			return ret;
		mac_len = skb->network_header - skb->mac_header;
		inner_net = skb->network_header;
		inner_trans = skb->transport_header;
	}

	open_gap(skb, off, len_diff);
	if (encap)
		gso_type |= grow_encap_mark(skb, mac_len, inner_net,
					    inner_trans, flags);

	if (skb_is_gso(skb)) {
		struct skb_shared_info *shinfo = skb_shinfo(skb);

		shinfo->gso_type |= gso_type;
		shinfo->gso_segs = 0;
		/*
		 * Bigger headers leave less room for each segment's payload.
		 * Segmenting a frag_list whose head is a page fragment
		 * cannot cope with the new size, so the skb goes linear.
		 */
		if (!(flags & BPF_F_ADJ_ROOM_FIXED_GSO)) {
			skb_decrease_gso_size(shinfo, len_diff);
			if (shinfo->frag_list)
				return skb_linearize(skb);
		}
	}
	return 0;
}

static int adjust_room_shrink(struct sk_buff *skb, u32 off, u32 len_diff,
			      u64 flags)
{
	int ret;

	/* Nothing is decapsulated for the program: no encap flags here. */
	if (unlikely(flags & ~(BPF_F_ADJ_ROOM_FIXED_GSO |
			       BPF_F_ADJ_ROOM_NO_CSUM_RESET)))
		return -EINVAL;
	if (!gso_adjustable(skb, flags))
		return -ENOTSUPP;
	ret = skb_unclone(skb, GFP_ATOMIC);
	if (unlikely(ret < 0))
		return ret;
	ret = close_gap(skb, off, len_diff);
	if (unlikely(ret < 0))
		return ret;

	if (skb_is_gso(skb)) {
		struct skb_shared_info *shinfo = skb_shinfo(skb);

		if (!(flags & BPF_F_ADJ_ROOM_FIXED_GSO))
			skb_increase_gso_size(shinfo, len_diff);
		shinfo->gso_type |= SKB_GSO_DODGY;
		shinfo->gso_segs = 0;
	}
	return 0;
}

/* |len_diff| as Linux computes it: abs(S32_MIN) stays 0x80000000. */
static u32 len_diff_abs(s32 len_diff)
{
	return len_diff < 0 ? -(u32)len_diff : (u32)len_diff;
}

/*
 * r2 bytes more (or fewer, negative) after the mac header
 * (BPF_ADJ_ROOM_MAC) or after the IPv4/IPv6 base header
 * (BPF_ADJ_ROOM_NET), of an IPv4 or IPv6 packet. A shrink keeps the
 * base header; a grow stays under the helpers' length limit unless the
 * packet is GSO. Unless BPF_F_ADJ_ROOM_NO_CSUM_RESET, a checksum the
 * device vouched for (CHECKSUM_UNNECESSARY) is no longer trusted.
 */
static u64 kbpf_skb_adjust_room(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	s32 len_diff = (s32)r2;
	u32 diff = len_diff_abs(len_diff), len_cur, len_min, off;
	bool shrink = len_diff < 0;
	u64 flags = r4;
	int ret;

	if (unlikely(flags & ~ADJ_ROOM_KNOWN_FLAGS))
		return -EINVAL;
	if (unlikely(diff > ADJ_ROOM_MAX_DIFF))
		return -EFAULT;
	len_min = net_base_len(skb);
	if (unlikely(len_min == ~0U))
		return -ENOTSUPP;

	off = skb_mac_header_len(skb);
	switch ((u32)r3) {
	case BPF_ADJ_ROOM_NET:
		off += len_min;
		break;
	case BPF_ADJ_ROOM_MAC:
		break;
	default:
		return -ENOTSUPP;
	}

	len_cur = skb->len - skb_network_offset(skb);
	if (shrink ? diff >= len_cur || len_cur - diff < len_min :
		     skb->len + diff > SKB_HELPER_MAX_LEN && !skb_is_gso(skb))
		return -ENOTSUPP;

	ret = shrink ? adjust_room_shrink(skb, off, diff, flags) :
		       adjust_room_grow(skb, off, diff, flags);
	if (!ret && !(flags & BPF_F_ADJ_ROOM_NO_CSUM_RESET))
		__skb_reset_checksum_unnecessary(skb);
	kbpf_skb_compute_data_pointers(skb);
	return ret;
}

const struct kbpf_func_proto kbpf_skb_adjust_room_proto = {
	.func		= kbpf_skb_adjust_room,
	.name		= "bpf_skb_adjust_room",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING },
};

/*
 * sk_skb's variant: no modes and no flags (both must be 0); the room is
 * added (zeroed) or removed at the front of the data, and a TLS receive
 * context's message length follows.
 */
static u64 kbpf_sk_skb_adjust_room(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	s32 len_diff = (s32)r2;
	u32 diff = len_diff_abs(len_diff);
	int ret;

	if (unlikely(r4 || (u32)r3))
		return -EINVAL;
	if (unlikely(diff > ADJ_ROOM_MAX_DIFF))
		return -EFAULT;
	if (len_diff >= 0) {
		ret = skb_cow(skb, diff);
		if (unlikely(ret < 0))
			return ret;
		memset(__skb_push(skb, diff), 0, diff);
	} else {
		if (unlikely(!pskb_may_pull(skb, diff)))
			return -ENOMEM;
		__skb_pull(skb, diff);
	}
	kbpf_sk_skb_tls_rx_adjust(skb, len_diff);
	return 0;
}

const struct kbpf_func_proto kbpf_sk_skb_adjust_room_proto = {
	.func		= kbpf_sk_skb_adjust_room,
	.name		= "bpf_skb_adjust_room",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING },
};
