/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: what the skb helpers change in a packet,
 * vlan tags, head and tail room, protocol and gso fields, the flow hash,
 * the checksum level and ECN.
 */
#ifndef KBPF_SHIM_KAPI_SKB_CHANGE_H
#define KBPF_SHIM_KAPI_SKB_CHANGE_H

#include <kbpf/kapi_base.h>
#include <kbpf/kapi_alloc.h>
#include <kbpf/kapi_csum.h>
#include <kbpf/kapi_skb.h>

#include <netinet/in.h>		/* struct in6_addr */

/* ---- Header changes (vlan tags, headroom; <linux/if_vlan.h>) ------------- */

#include <arpa/inet.h>		/* htons */

#define ETH_ALEN	6
#define ETH_HLEN	14
#define VLAN_HLEN	4
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8
/* x86-64's SKB_MAX_ALLOC: 4 pages less the shared info's 320 bytes. */
#define SKB_MAX_ALLOC	(4 * 4096 - 320)

static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
	return skb->data - skb->head;
}

/* Host skbs come from tests, never from a qdisc, and are never GSO. */
static inline bool skb_at_tc_ingress(const struct sk_buff *skb)
{
	return false;
}

static inline bool skb_is_gso(const struct sk_buff *skb)
{
	return false;
}

static inline int skb_network_offset(const struct sk_buff *skb)
{
	return skb_network_header(skb) - skb->data;
}

static inline bool skb_transport_header_was_set(const struct sk_buff *skb)
{
	return skb->transport_header != (u16)~0U;
}

static inline int skb_transport_offset(const struct sk_buff *skb)
{
	return skb->head + skb->transport_header - skb->data;
}

static inline int skb_checksum_start_offset(const struct sk_buff *skb)
{
	return skb->csum_start - skb_headroom(skb);
}

static inline int skb_tailroom(const struct sk_buff *skb)
{
	return (int)skb->end - (int)skb->tail;
}

static inline void skb_gso_reset(struct sk_buff *skb)
{
}

static inline void __skb_set_length(struct sk_buff *skb, unsigned int len)
{
	skb->len = len;
	skb->tail = skb->data - skb->head + len;
}

/* Host skbs cannot grow past the tailroom a test gave them. */
static inline int __skb_grow_rcsum(struct sk_buff *skb, unsigned int len)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	if (skb_tailroom(skb) < (int)(len - skb->len))
		return -ENOMEM;
	__skb_set_length(skb, len);
	return 0;
}

static inline int __skb_trim_rcsum(struct sk_buff *skb, unsigned int len)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	__skb_set_length(skb, len);
	return 0;
}

/* A host skb cannot be reallocated: the headroom a test gave is all there is. */
static inline int skb_cow(struct sk_buff *skb, unsigned int headroom)
{
	return headroom <= skb_headroom(skb) ? 0 : -ENOMEM;
}

static inline void *__skb_push(struct sk_buff *skb, unsigned int len)
{
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

static inline void __skb_pull(struct sk_buff *skb, unsigned int len)
{
	skb->data += len;
	skb->len -= len;
}

static inline void skb_reset_mac_header(struct sk_buff *skb)
{
	skb->mac_header = skb->data - skb->head;
}

static inline void skb_reset_mac_len(struct sk_buff *skb)
{
	skb->mac_len = skb->network_header - skb->mac_header;
}

static inline void skb_postpush_rcsum(struct sk_buff *skb, const void *start,
				      unsigned int len)
{
	__skb_postpush_rcsum(skb, start, len, 0);
}

static inline void skb_postpull_rcsum(struct sk_buff *skb, const void *start,
				      unsigned int len)
{
	__skb_postpull_rcsum(skb, start, len, 0);
}

static inline bool eth_type_vlan(__be16 proto)
{
	return proto == htons(ETH_P_8021Q) || proto == htons(ETH_P_8021AD);
}

/*
 * skb_vlan_push(): a tag already in the accelerated slot goes into the
 * frame (after the two addresses; data must be at the mac header), the new
 * one takes the slot.
 */
static inline int skb_vlan_push(struct sk_buff *skb, __be16 proto, u16 tci)
{
	if (skb->vlan_present) {
		__be16 tag[2] = { skb->vlan_proto, htons(skb->vlan_tci) };

		if (skb->data != skb_mac_header(skb) || skb->len < ETH_HLEN)
			return -EINVAL;
		if (skb_cow(skb, VLAN_HLEN))
			return -ENOMEM;
		__skb_push(skb, VLAN_HLEN);
		memmove(skb->data, skb->data + VLAN_HLEN, 2 * ETH_ALEN);
		memcpy(skb->data + 2 * ETH_ALEN, tag, VLAN_HLEN);
		skb->mac_header -= VLAN_HLEN;
		skb->protocol = skb->vlan_proto;
		skb->mac_len += VLAN_HLEN;
		skb_postpush_rcsum(skb, skb->data + 2 * ETH_ALEN, VLAN_HLEN);
	}
	skb->vlan_proto = proto;
	skb->vlan_tci = tci;
	skb->vlan_present = 1;
	return 0;
}

/* __skb_vlan_pop(): the frame's outer tag out, its tci in *tci. */
static inline int __skb_vlan_pop(struct sk_buff *skb, u16 *tci)
{
	__be16 tag[2];

	if (skb->data != skb_mac_header(skb) ||
	    skb_headlen(skb) < ETH_HLEN + VLAN_HLEN)
		return -EINVAL;
	skb_postpull_rcsum(skb, skb->data + 2 * ETH_ALEN, VLAN_HLEN);
	memcpy(tag, skb->data + 2 * ETH_ALEN, VLAN_HLEN);
	*tci = ntohs(tag[1]);
	memmove(skb->data + VLAN_HLEN, skb->data, 2 * ETH_ALEN);
	__skb_pull(skb, VLAN_HLEN);
	memcpy(&skb->protocol, skb->data + 2 * ETH_ALEN, 2);
	skb->mac_header += VLAN_HLEN;
	if (skb->network_header < skb->mac_header + ETH_HLEN)
		skb->network_header = skb->mac_header + ETH_HLEN;
	skb_reset_mac_len(skb);
	return 0;
}

/* skb_vlan_pop(): the outer tag off, the next one into the slot. */
static inline int skb_vlan_pop(struct sk_buff *skb)
{
	__be16 proto;
	u16 tci;
	int err;

	if (skb->vlan_present) {
		skb->vlan_present = 0;
		skb->vlan_tci = 0;
	} else {
		if (!eth_type_vlan(skb->protocol))
			return 0;
		err = __skb_vlan_pop(skb, &tci);
		if (err)
			return err;
	}
	if (!eth_type_vlan(skb->protocol))
		return 0;
	proto = skb->protocol;
	err = __skb_vlan_pop(skb, &tci);
	if (err)
		return err;
	skb->vlan_proto = proto;
	skb->vlan_tci = tci;
	skb->vlan_present = 1;
	return 0;
}

/* ---- Room in the packet (bpf_skb_adjust_room, bpf_skb_change_proto) ------ */

#ifndef ETH_P_IP
#define ETH_P_IP	0x0800
#endif
#ifndef ETH_P_IPV6
#define ETH_P_IPV6	0x86DD
#endif
#ifndef ETH_P_TEB
#define ETH_P_TEB	0x6558
#endif
#define PACKET_OTHERHOST	3

/* <linux/skbuff.h>'s gso_type bits. */
#define SKB_GSO_TCPV4		(1 << 0)
#define SKB_GSO_DODGY		(1 << 1)
#define SKB_GSO_TCPV6		(1 << 4)
#define SKB_GSO_GRE		(1 << 6)
#define SKB_GSO_IPXIP4		(1 << 8)
#define SKB_GSO_IPXIP6		(1 << 9)
#define SKB_GSO_UDP_TUNNEL	(1 << 10)
#define SKB_GSO_UDP_L4		(1 << 17)

static inline bool skb_is_gso_tcp(const struct sk_buff *skb)
{
	return false;
}

static inline void skb_increase_gso_size(struct skb_shared_info *shinfo,
					 u16 increment)
{
	shinfo->gso_size += increment;
}

static inline void skb_decrease_gso_size(struct skb_shared_info *shinfo,
					 u16 decrement)
{
	shinfo->gso_size -= decrement;
}

/* Host skbs are linear already. */
static inline int skb_linearize(struct sk_buff *skb)
{
	return 0;
}

static inline int skb_cow_head(struct sk_buff *skb, unsigned int headroom)
{
	return skb_cow(skb, headroom);
}

/* Host skbs are never clones. */
static inline int skb_unclone(struct sk_buff *skb, gfp_t pri)
{
	return 0;
}

/* Nothing lies past the linear part to pull. */
static inline bool pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return len <= skb_headlen(skb);
}

static inline void *skb_push(struct sk_buff *skb, unsigned int len)
{
	return __skb_push(skb, len);
}

static inline u32 skb_mac_header_len(const struct sk_buff *skb)
{
	return skb->network_header - skb->mac_header;
}

static inline void skb_set_network_header(struct sk_buff *skb, int offset)
{
	skb->network_header = skb->data - skb->head + offset;
}

static inline void skb_set_transport_header(struct sk_buff *skb, int offset)
{
	skb->transport_header = skb->data - skb->head + offset;
}

static inline void skb_set_inner_protocol(struct sk_buff *skb, __be16 protocol)
{
	skb->inner_protocol = protocol;
}

static inline void __skb_reset_checksum_unnecessary(struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_UNNECESSARY) {
		skb->ip_summed = CHECKSUM_NONE;
		skb->csum_level = 0;
	}
}

static inline bool skb_pkt_type_ok(u32 ptype)
{
	return ptype <= PACKET_OTHERHOST;
}

/* ---- Packet metadata: hash, checksum level, ECN (<net/inet_ecn.h>) ------- */

#define SKB_MAX_CSUM_LEVEL	3

static inline void __skb_set_sw_hash(struct sk_buff *skb, u32 hash, bool is_l4)
{
	skb->hash = hash;
	skb->sw_hash = 1;
	skb->l4_hash = is_l4;
}

/* <linux/skbuff.h>'s CHECKSUM_UNNECESSARY level steps. */
static inline void __skb_incr_checksum_unnecessary(struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_UNNECESSARY) {
		if (skb->csum_level < SKB_MAX_CSUM_LEVEL)
			skb->csum_level++;
	} else if (skb->ip_summed == CHECKSUM_NONE) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		skb->csum_level = 0;
	}
}

static inline void __skb_decr_checksum_unnecessary(struct sk_buff *skb)
{
	if (skb->ip_summed != CHECKSUM_UNNECESSARY)
		return;
	if (skb->csum_level == 0)
		skb->ip_summed = CHECKSUM_NONE;
	else
		skb->csum_level--;
}

/*
 * The L3 protocol: host skbs carry their vlan tags in the accelerated
 * slot only (skb->protocol is never a vlan type), so it is skb->protocol.
 */
static inline __be16 skb_protocol(const struct sk_buff *skb, bool skip_vlan)
{
	return skb->protocol;
}

/* A test sets cloned to say the head is shared: the header is then read-only. */
static inline int skb_cloned(const struct sk_buff *skb)
{
	return skb->cloned;
}

static inline bool skb_clone_writable(const struct sk_buff *skb,
				      unsigned int len)
{
	return false;
}

struct iphdr {
	u8 ihl:4, version:4;
	u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	u8 ttl;
	u8 protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};

struct ipv6hdr {
	u8 priority:4, version:4;
	u8 flow_lbl[3];
	__be16 payload_len;
	u8 nexthdr;
	u8 hop_limit;
	struct in6_addr saddr;
	struct in6_addr daddr;
};

#define INET_ECN_MASK	3
#define INET_ECN_CE	3

/*
 * <net/inet_ecn.h>: CE in an ECT header (the IPv4 checksum updated, an
 * IPv6 CHECKSUM_COMPLETE sum too); 1 when the header carries CE after.
 */
static inline int INET_ECN_set_ce(struct sk_buff *skb)
{
	unsigned char *nh = skb_network_header(skb);

	if (skb->protocol == cpu_to_be16(ETH_P_IP) &&
	    nh + sizeof(struct iphdr) <= skb_tail_pointer(skb)) {
		struct iphdr *iph = (struct iphdr *)nh;
		__be16 old = *(__be16 *)iph, new;

		if ((iph->tos & INET_ECN_MASK) == 0)
			return 0;
		iph->tos |= INET_ECN_CE;
		new = *(__be16 *)iph;
		csum_replace2(&iph->check, old, new);
		return 1;
	}
	if (skb->protocol == cpu_to_be16(ETH_P_IPV6) &&
	    nh + sizeof(struct ipv6hdr) <= skb_tail_pointer(skb)) {
		__be32 from, to;

		memcpy(&from, nh, sizeof(from));
		if (!(from & cpu_to_be32(INET_ECN_MASK << 20)))
			return 0;
		to = from | cpu_to_be32(INET_ECN_CE << 20);
		memcpy(nh, &to, sizeof(to));
		if (skb->ip_summed == CHECKSUM_COMPLETE)
			skb->csum = csum_add(csum_sub(skb->csum, (__force __wsum)from),
					     (__force __wsum)to);
		return 1;
	}
	return 0;
}

#endif /* KBPF_SHIM_KAPI_SKB_CHANGE_H */
