// SPDX-License-Identifier: GPL-2.0
/*
 * helpers/skb_adjust_room.c and the small packet helpers beside it
 * (bpf_skb_change_type, bpf_skb_pull_data in skb_change.c) with kbpf's
 * helper ABI on a host sk_buff: the bytes moved, the header offsets and
 * encapsulation state left behind, the checksum state, and Linux's
 * errnos. The guest test prog_skb_adjust_room.c runs the same helpers on
 * kernel skbs and on Linux's bpf(2).
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>
#include <kbpf/ctx_access.h>

#include "../../helpers/protos.h"
#include "ctxtest.h"
#include "ktest.h"

#define U(p)		((u64)(unsigned long)(p))
#define HEADROOM	64
#define PAYLOAD		40
#define MAX_FRAME	(ETH_HLEN + 40 + PAYLOAD)

struct pkt {
	struct sk_buff skb;
	unsigned char buf[HEADROOM + MAX_FRAME];
	unsigned char orig[MAX_FRAME];
	u32 len;
};

/*
 * Ethernet, an IPv4 (v6 false) or IPv6 base header, payload; data at the
 * mac header as at tc, the transport header unset, room bytes of
 * headroom.
 */
static void make(struct pkt *p, bool v6, u32 room)
{
	struct sk_buff *skb = &p->skb;
	u32 i, hlen = v6 ? 40 : 20;
	unsigned char *f;

	memset(p, 0, sizeof(*p));
	p->len = ETH_HLEN + hlen + PAYLOAD;
	f = p->buf + room;
	for (i = 0; i < p->len; i++)
		f[i] = 0x40 + i;
	f[12] = v6 ? 0x86 : 0x08;
	f[13] = v6 ? 0xdd : 0x00;
	memcpy(p->orig, f, p->len);
	skb->head = p->buf;
	skb->data = f;
	skb->len = p->len;
	skb->tail = room + p->len;
	skb->end = room + p->len;
	skb->mac_header = room;
	skb->network_header = room + ETH_HLEN;
	skb->transport_header = (u16)~0U;
	skb->mac_len = ETH_HLEN;
	skb->protocol = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	kbpf_skb_compute_data_pointers(skb);
}

static long adjust(struct pkt *p, s32 diff, u32 mode, u64 flags)
{
	return (long)kbpf_skb_adjust_room_proto.func(U(&p->skb), (u64)(s64)diff,
						      mode, flags, 0);
}

static struct kbpf_skb_data_end *cb_of(struct sk_buff *skb)
{
	return (struct kbpf_skb_data_end *)skb->cb;
}

/* sk_skb's data_end, through its context rewrite: the linear part's end. */
static bool sk_skb_data_end_is_headlen(struct sk_buff *skb)
{
	u64 end;
	bool ok;

	end = ctx_read(kbpf_ctx_ops(BPF_PROG_TYPE_SK_SKB), 0, skb,
		       offsetof(struct __sk_buff, data_end), 4, BPF_REG_2,
		       BPF_REG_1, &ok);
	return ok && end == (uintptr_t)(skb->data + skb_headlen(skb));
}

/* diff zeroes at off, the bytes before and after it unchanged. */
static bool gap_at(struct pkt *p, u32 off, u32 diff)
{
	const unsigned char *d = p->skb.data;

	return p->skb.len == p->len + diff && !memcmp(d, p->orig, off) &&
	       !memchr_inv(d + off, 0, diff) &&
	       !memcmp(d + off + diff, p->orig + off, p->len - off);
}

/* diff bytes gone at off. */
static bool cut_at(struct pkt *p, u32 off, u32 diff)
{
	const unsigned char *d = p->skb.data;

	return p->skb.len == p->len - diff && !memcmp(d, p->orig, off) &&
	       !memcmp(d + off, p->orig + off + diff, p->len - off - diff);
}

TEST(helper_skb_adjust_room_grow)
{
	struct pkt p;

	/* MAC: right after the Ethernet header; both headers move back. */
	make(&p, false, HEADROOM);
	EXPECT_EQ(adjust(&p, 8, BPF_ADJ_ROOM_MAC, 0), 0);
	EXPECT_TRUE(gap_at(&p, ETH_HLEN, 8));
	EXPECT_TRUE(p.skb.data == p.buf + HEADROOM - 8);
	EXPECT_EQ(p.skb.mac_header, HEADROOM - 8);
	EXPECT_EQ(p.skb.network_header, HEADROOM - 8 + ETH_HLEN);
	EXPECT_EQ(p.skb.transport_header, (u16)~0U);
	EXPECT_TRUE(cb_of(&p.skb)->data_meta == (void *)p.skb.data);
	EXPECT_TRUE(cb_of(&p.skb)->data_end ==
		    (void *)(p.skb.data + p.len + 8));
	EXPECT_EQ(p.skb.encapsulation, 0);

	/* NET: after the IPv4 or IPv6 base header. */
	make(&p, false, HEADROOM);
	EXPECT_EQ(adjust(&p, 12, BPF_ADJ_ROOM_NET, 0), 0);
	EXPECT_TRUE(gap_at(&p, ETH_HLEN + 20, 12));
	make(&p, true, HEADROOM);
	EXPECT_EQ(adjust(&p, 16, BPF_ADJ_ROOM_NET, 0), 0);
	EXPECT_TRUE(gap_at(&p, ETH_HLEN + 40, 16));
	EXPECT_EQ(p.skb.protocol, htons(ETH_P_IPV6));
	make(&p, true, HEADROOM);
	EXPECT_EQ(adjust(&p, 0, BPF_ADJ_ROOM_MAC, 0), 0);
	EXPECT_TRUE(gap_at(&p, ETH_HLEN, 0));

	/* A transport header at the network header follows it. */
	make(&p, true, HEADROOM);
	p.skb.transport_header = p.skb.network_header;
	EXPECT_EQ(adjust(&p, 4, BPF_ADJ_ROOM_MAC, 0), 0);
	EXPECT_EQ(p.skb.transport_header, p.skb.network_header);

	/* No headroom and a host skb cannot reallocate: -ENOMEM, untouched. */
	make(&p, false, 4);
	EXPECT_EQ(adjust(&p, 8, BPF_ADJ_ROOM_MAC, 0), -ENOMEM);
	EXPECT_TRUE(cut_at(&p, 0, 0));
	EXPECT_EQ(p.skb.mac_header, 4);
}

TEST(helper_skb_adjust_room_shrink)
{
	struct pkt p;

	make(&p, false, HEADROOM);
	EXPECT_EQ(adjust(&p, -8, BPF_ADJ_ROOM_NET, 0), 0);
	EXPECT_TRUE(cut_at(&p, ETH_HLEN + 20, 8));
	EXPECT_TRUE(p.skb.data == p.buf + HEADROOM + 8);
	EXPECT_EQ(p.skb.mac_header, HEADROOM + 8);
	EXPECT_EQ(p.skb.network_header, HEADROOM + 8 + ETH_HLEN);
	EXPECT_TRUE(cb_of(&p.skb)->data_end ==
		    (void *)(p.skb.data + p.len - 8));

	make(&p, true, HEADROOM);
	EXPECT_EQ(adjust(&p, -20, BPF_ADJ_ROOM_MAC, 0), 0);
	EXPECT_TRUE(cut_at(&p, ETH_HLEN, 20));

	/* Down to the base header and not a byte further. */
	make(&p, true, HEADROOM);
	EXPECT_EQ(adjust(&p, -PAYLOAD, BPF_ADJ_ROOM_NET, 0), 0);
	EXPECT_TRUE(cut_at(&p, ETH_HLEN + 40, PAYLOAD));
	make(&p, false, HEADROOM);
	EXPECT_EQ(adjust(&p, -PAYLOAD - 1, BPF_ADJ_ROOM_MAC, 0), -ENOTSUPP);
	EXPECT_EQ(adjust(&p, -(20 + PAYLOAD), BPF_ADJ_ROOM_NET, 0), -ENOTSUPP);
	EXPECT_TRUE(cut_at(&p, 0, 0));

	/* The bytes taken out leave a CHECKSUM_COMPLETE sum. */
	make(&p, false, HEADROOM);
	p.skb.ip_summed = CHECKSUM_COMPLETE;
	p.skb.csum = csum_partial(p.skb.data + ETH_HLEN, p.len - ETH_HLEN, 0);
	EXPECT_EQ(adjust(&p, -6, BPF_ADJ_ROOM_NET, 0), 0);
	EXPECT_EQ(csum_fold(p.skb.csum),
		  csum_fold(csum_partial(p.skb.data + ETH_HLEN,
					 p.skb.len - ETH_HLEN, 0)));
	EXPECT_EQ(p.skb.ip_summed, CHECKSUM_COMPLETE);
}

/* A sum the device vouched for is reset unless NO_CSUM_RESET. */
TEST(helper_skb_adjust_room_csum_reset)
{
	struct pkt p;

	make(&p, false, HEADROOM);
	p.skb.ip_summed = CHECKSUM_UNNECESSARY;
	p.skb.csum_level = 1;
	EXPECT_EQ(adjust(&p, 8, BPF_ADJ_ROOM_NET, 0), 0);
	EXPECT_EQ(p.skb.ip_summed, CHECKSUM_NONE);
	EXPECT_EQ(p.skb.csum_level, 0);

	make(&p, false, HEADROOM);
	p.skb.ip_summed = CHECKSUM_UNNECESSARY;
	EXPECT_EQ(adjust(&p, -8, BPF_ADJ_ROOM_NET,
			 BPF_F_ADJ_ROOM_NO_CSUM_RESET), 0);
	EXPECT_EQ(p.skb.ip_summed, CHECKSUM_UNNECESSARY);
	EXPECT_EQ(adjust(&p, 8, BPF_ADJ_ROOM_MAC,
			 BPF_F_ADJ_ROOM_NO_CSUM_RESET |
			 BPF_F_ADJ_ROOM_FIXED_GSO), 0);
	EXPECT_EQ(p.skb.ip_summed, CHECKSUM_UNNECESSARY);

	/* A failed call resets nothing. */
	EXPECT_EQ(adjust(&p, 8, 2, 0), -ENOTSUPP);
	EXPECT_EQ(p.skb.ip_summed, CHECKSUM_UNNECESSARY);
}

TEST(helper_skb_adjust_room_encap)
{
	struct pkt p;

	/* IPv4 in IPv4 + GRE with a 4-byte inner L2 header (20 + 4 + 4). */
	make(&p, false, HEADROOM);
	EXPECT_EQ(adjust(&p, 28, BPF_ADJ_ROOM_MAC,
			 BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 |
			 BPF_F_ADJ_ROOM_ENCAP_L4_GRE |
			 BPF_F_ADJ_ROOM_ENCAP_L2(4)), 0);
	EXPECT_TRUE(gap_at(&p, ETH_HLEN, 28));
	EXPECT_EQ(p.skb.encapsulation, 1);
	EXPECT_EQ(p.skb.inner_network_header, HEADROOM + ETH_HLEN);
	EXPECT_EQ(p.skb.inner_mac_header, HEADROOM + ETH_HLEN - 4);
	EXPECT_EQ(p.skb.inner_transport_header, (u16)~0U);
	EXPECT_EQ(p.skb.inner_protocol, htons(ETH_P_IP));
	/* The outer network header after the mac header, L4 after it. */
	EXPECT_EQ(p.skb.mac_header, HEADROOM - 28);
	EXPECT_EQ(p.skb.network_header, HEADROOM - 28 + ETH_HLEN);
	EXPECT_EQ(p.skb.transport_header, HEADROOM - 28 + ETH_HLEN + 20);
	EXPECT_EQ(p.skb.protocol, htons(ETH_P_IP));
	/* Once is all. */
	EXPECT_EQ(adjust(&p, 20, BPF_ADJ_ROOM_MAC,
			 BPF_F_ADJ_ROOM_ENCAP_L3_IPV4), -EALREADY);
	EXPECT_EQ(p.skb.len, p.len + 28);

	/* IPv4 in IPv6 + UDP, inner Ethernet: the protocol becomes IPv6. */
	make(&p, false, HEADROOM);
	EXPECT_EQ(adjust(&p, 40 + 8 + 14, BPF_ADJ_ROOM_MAC,
			 BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 |
			 BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
			 BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
			 BPF_F_ADJ_ROOM_ENCAP_L2(14)), 0);
	EXPECT_EQ(p.skb.protocol, htons(ETH_P_IPV6));
	EXPECT_EQ(p.skb.inner_protocol, htons(ETH_P_TEB));
	EXPECT_EQ(p.skb.inner_mac_header, HEADROOM);
	EXPECT_EQ(p.skb.transport_header,
		  p.skb.network_header + 40);

	/* IPv6 in IPv4, no L4: the transport header is left alone. */
	make(&p, true, HEADROOM);
	EXPECT_EQ(adjust(&p, 20, BPF_ADJ_ROOM_MAC,
			 BPF_F_ADJ_ROOM_ENCAP_L3_IPV4), 0);
	EXPECT_EQ(p.skb.protocol, htons(ETH_P_IP));
	EXPECT_EQ(p.skb.inner_protocol, htons(ETH_P_IPV6));
	EXPECT_EQ(p.skb.transport_header, (u16)~0U);
	EXPECT_EQ(p.skb.inner_mac_header, p.skb.inner_network_header);
}

TEST(helper_skb_adjust_room_refused)
{
	const u64 l3 = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4;
	struct pkt p;

	make(&p, false, HEADROOM);
	EXPECT_EQ(adjust(&p, 8, BPF_ADJ_ROOM_MAC, 1ULL << 7), -EINVAL);
	EXPECT_EQ(adjust(&p, 8, BPF_ADJ_ROOM_MAC, 1ULL << 55), -EINVAL);
	EXPECT_EQ(adjust(&p, 40, BPF_ADJ_ROOM_MAC,
			 l3 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6), -EINVAL);
	EXPECT_EQ(adjust(&p, 40, BPF_ADJ_ROOM_MAC, l3 |
			 BPF_F_ADJ_ROOM_ENCAP_L4_GRE |
			 BPF_F_ADJ_ROOM_ENCAP_L4_UDP), -EINVAL);
	EXPECT_EQ(adjust(&p, 40, BPF_ADJ_ROOM_MAC, l3 |
			 BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
			 BPF_F_ADJ_ROOM_ENCAP_L2(13)), -EINVAL);
	EXPECT_EQ(adjust(&p, 30, BPF_ADJ_ROOM_MAC, l3 |
			 BPF_F_ADJ_ROOM_ENCAP_L2(31)), -EINVAL);
	EXPECT_EQ(adjust(&p, -8, BPF_ADJ_ROOM_MAC, l3), -EINVAL);
	EXPECT_EQ(adjust(&p, 0x1000, BPF_ADJ_ROOM_MAC, 0), -EFAULT);
	EXPECT_EQ(adjust(&p, -0x1000, BPF_ADJ_ROOM_NET, 0), -EFAULT);
	EXPECT_EQ(adjust(&p, S32_MIN, BPF_ADJ_ROOM_NET, 0), -EFAULT);
	EXPECT_EQ(adjust(&p, 8, 2, 0), -ENOTSUPP);
	EXPECT_EQ(p.skb.encapsulation, 0);
	EXPECT_TRUE(cut_at(&p, 0, 0));

	/* Neither IPv4 nor IPv6. */
	p.skb.protocol = htons(0x0806);
	EXPECT_EQ(adjust(&p, 8, BPF_ADJ_ROOM_MAC, 0), -ENOTSUPP);
	EXPECT_EQ(adjust(&p, 0x1000, 2, 0), -EFAULT);
	EXPECT_TRUE(cut_at(&p, 0, 0));
}

static long sk_adjust(struct pkt *p, s32 diff, u32 mode, u64 flags)
{
	return (long)kbpf_sk_skb_adjust_room_proto.func(U(&p->skb),
							 (u64)(s64)diff,
							 mode, flags, 0);
}

/* sk_skb's: at the front of the data, no modes, no flags. */
TEST(helper_sk_skb_adjust_room)
{
	struct pkt p;

	make(&p, false, HEADROOM);
	memset(p.skb.cb, 0, sizeof(p.skb.cb));
	EXPECT_EQ(sk_adjust(&p, 6, 0, 0), 0);
	EXPECT_TRUE(gap_at(&p, 0, 6));
	/*
	 * The headers stay where they were; skb->cb (the stream parser's)
	 * is left alone, and the data_end the program reads is the new one.
	 */
	EXPECT_EQ(p.skb.mac_header, HEADROOM);
	EXPECT_TRUE(!memchr_inv(p.skb.cb, 0, sizeof(p.skb.cb)));
	EXPECT_TRUE(sk_skb_data_end_is_headlen(&p.skb));
	make(&p, true, HEADROOM);
	EXPECT_EQ(sk_adjust(&p, -10, 0, 0), 0);
	EXPECT_TRUE(cut_at(&p, 0, 10));
	EXPECT_TRUE(sk_skb_data_end_is_headlen(&p.skb));
	EXPECT_EQ(sk_adjust(&p, -(s32)p.skb.len - 1, 0, 0), -ENOMEM);
	EXPECT_EQ(sk_adjust(&p, 4, BPF_ADJ_ROOM_MAC, 0), -EINVAL);
	EXPECT_EQ(sk_adjust(&p, 4, 0, BPF_F_ADJ_ROOM_FIXED_GSO), -EINVAL);
	EXPECT_EQ(sk_adjust(&p, 0x1000, 0, 0), -EFAULT);
	make(&p, false, 2);
	EXPECT_EQ(sk_adjust(&p, 4, 0, 0), -ENOMEM);
	EXPECT_TRUE(cut_at(&p, 0, 0));
}

TEST(helper_skb_change_proto)
{
	const struct kbpf_func_proto *f = &kbpf_skb_change_proto_proto;
	struct pkt p;

	make(&p, false, HEADROOM);
	p.skb.hash = 0x1234;
	p.skb.l4_hash = 1;
	EXPECT_EQ((long)f->func(U(&p.skb), htons(ETH_P_IPV6), 0, 0, 0), 0);
	EXPECT_TRUE(gap_at(&p, ETH_HLEN, 20));
	EXPECT_EQ(p.skb.protocol, htons(ETH_P_IPV6));
	EXPECT_EQ(p.skb.network_header, HEADROOM - 20 + ETH_HLEN);
	EXPECT_EQ(p.skb.hash, 0);
	EXPECT_EQ(p.skb.l4_hash, 0);
	EXPECT_TRUE(cb_of(&p.skb)->data_end ==
		    (void *)(p.skb.data + p.len + 20));

	make(&p, true, HEADROOM);
	EXPECT_EQ((long)f->func(U(&p.skb), htons(ETH_P_IP), 0, 0, 0), 0);
	EXPECT_TRUE(cut_at(&p, ETH_HLEN, 20));
	EXPECT_EQ(p.skb.protocol, htons(ETH_P_IP));
	EXPECT_EQ(p.skb.mac_header, HEADROOM + 20);

	/* Same family, another protocol, flags: refused, untouched. */
	make(&p, true, HEADROOM);
	EXPECT_EQ((long)f->func(U(&p.skb), htons(ETH_P_IPV6), 0, 0, 0),
		  -ENOTSUPP);
	EXPECT_EQ((long)f->func(U(&p.skb), htons(0x0806), 0, 0, 0),
		  -ENOTSUPP);
	EXPECT_EQ((long)f->func(U(&p.skb), htons(ETH_P_IP), 1, 0, 0),
		  -EINVAL);
	/* Only the low 16 bits of the protocol count (a __be16). */
	EXPECT_EQ((long)f->func(U(&p.skb), 0x10000 | htons(ETH_P_IP), 0, 0,
				0), 0);
	EXPECT_EQ(p.skb.protocol, htons(ETH_P_IP));
	make(&p, false, 8);
	EXPECT_EQ((long)f->func(U(&p.skb), htons(ETH_P_IPV6), 0, 0, 0),
		  -ENOMEM);
	EXPECT_TRUE(cut_at(&p, 0, 0));
}

TEST(helper_skb_change_type)
{
	const struct kbpf_func_proto *f = &kbpf_skb_change_type_proto;
	struct sk_buff skb = { .pkt_type = 0 };

	EXPECT_EQ((long)f->func(U(&skb), 3, 0, 0, 0), 0);
	EXPECT_EQ(skb.pkt_type, 3);
	EXPECT_EQ((long)f->func(U(&skb), 4, 0, 0, 0), -EINVAL);
	EXPECT_EQ((long)f->func(U(&skb), 0x100000001ULL, 0, 0, 0), 0);
	EXPECT_EQ(skb.pkt_type, 1);
	/* A loopback or outgoing packet's type is not the program's. */
	skb.pkt_type = 5;
	EXPECT_EQ((long)f->func(U(&skb), 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(skb.pkt_type, 5);
}

TEST(helper_skb_pull_data)
{
	const struct kbpf_func_proto *f = &kbpf_skb_pull_data_proto;
	const struct kbpf_func_proto *sk = &kbpf_sk_skb_pull_data_proto;
	struct pkt p;

	make(&p, false, HEADROOM);
	memset(p.skb.cb, 0, sizeof(p.skb.cb));
	EXPECT_EQ((long)sk->func(U(&p.skb), 0, 0, 0, 0), 0);
	EXPECT_EQ((long)sk->func(U(&p.skb), p.len + 1, 0, 0, 0), -ENOMEM);
	EXPECT_TRUE(!memchr_inv(p.skb.cb, 0, sizeof(p.skb.cb)));
	EXPECT_TRUE(sk_skb_data_end_is_headlen(&p.skb));
	EXPECT_EQ((long)f->func(U(&p.skb), 0, 0, 0, 0), 0);
	EXPECT_TRUE(cb_of(&p.skb)->data_end == (void *)(p.skb.data + p.len));
	EXPECT_EQ((long)f->func(U(&p.skb), p.len, 0, 0, 0), 0);
	EXPECT_EQ((long)f->func(U(&p.skb), p.len + 1, 0, 0, 0), -ENOMEM);
	EXPECT_EQ((long)f->func(U(&p.skb), 0xffffffffULL, 0, 0, 0), -ENOMEM);
	EXPECT_TRUE(cut_at(&p, 0, 0));
}
