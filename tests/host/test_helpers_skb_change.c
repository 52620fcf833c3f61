// SPDX-License-Identifier: GPL-2.0
/*
 * helpers/skb_change.c with kbpf's helper ABI on a host sk_buff:
 * bpf_csum_update, bpf_skb_vlan_push/pop, bpf_skb_change_head and
 * bpf_skb_change_tail, with the data/data_end the context rewrites read
 * kept up to date. The guest test prog_skb_change.c runs the same helpers
 * on kernel skbs and on Linux's bpf(2).
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>
#include <kbpf/ctx_access.h>

#include "../../helpers/protos.h"
#include "ctxtest.h"
#include "ktest.h"

#define U(p)	((u64)(unsigned long)(p))
#define HEADROOM	32
#define FRAME		60

/*
 * A frame at buf + room: two MAC addresses 0x01.., 0x02.., IPv4
 * ethertype, then payload bytes 0x40.. ; data at the mac header, as at tc.
 */
static void frame_skb(struct sk_buff *skb, unsigned char *buf, u32 room)
{
	unsigned char *f = buf + room;
	int i;

	memset(skb, 0, sizeof(*skb));
	memset(buf, 0xee, room);
	for (i = 0; i < FRAME; i++)
		f[i] = i < 6 ? 0x01 : i < 12 ? 0x02 : 0x40 + i;
	f[12] = 0x08;
	f[13] = 0x00;
	skb->head = buf;
	skb->data = f;
	skb->len = FRAME;
	skb->tail = room + FRAME;
	skb->mac_header = room;
	skb->network_header = room + 14;
	skb->mac_len = 14;
	skb->protocol = htons(0x0800);
	kbpf_skb_compute_data_pointers(skb);
}

static struct kbpf_skb_data_end *cb_of(struct sk_buff *skb)
{
	return (struct kbpf_skb_data_end *)skb->cb;
}

/*
 * What an sk_skb program reads as data_end now, through sk_skb's context
 * rewrite: the end of the linear part after whatever the helper did.
 */
static bool sk_skb_data_end_is_headlen(struct sk_buff *skb)
{
	u64 end;
	bool ok;

	end = ctx_read(kbpf_ctx_ops(BPF_PROG_TYPE_SK_SKB), 0, skb,
		       offsetof(struct __sk_buff, data_end), 4, BPF_REG_1,
		       BPF_REG_1, &ok);
	return ok && end == (uintptr_t)(skb->data + skb_headlen(skb));
}

TEST(helper_csum_update)
{
	const struct kbpf_func_proto *p = &kbpf_csum_update_proto;
	struct sk_buff skb = { .ip_summed = CHECKSUM_COMPLETE,
			       .csum = (__force __wsum)0xffff0000 };

	/* Ones' complement addition: the carry comes back in at the bottom. */
	EXPECT_EQ(p->func(U(&skb), 0x00020001, 0, 0, 0), 0x00010002);
	EXPECT_EQ((u32)skb.csum, 0x00010002);
	/* Only the low 32 bits of the difference count (a __wsum). */
	EXPECT_EQ(p->func(U(&skb), 0x700000001ULL, 0, 0, 0), 0x00010003);
	/* No CHECKSUM_COMPLETE sum to update: -ENOTSUPP, nothing touched. */
	skb.ip_summed = CHECKSUM_NONE;
	EXPECT_EQ((long)p->func(U(&skb), 5, 0, 0, 0), -ENOTSUPP);
	EXPECT_EQ((u32)skb.csum, 0x00010003);
	skb.ip_summed = CHECKSUM_PARTIAL;
	EXPECT_EQ((long)p->func(U(&skb), 5, 0, 0, 0), -ENOTSUPP);
	EXPECT_EQ(p->arg_type[0], KBPF_ARG_PTR_TO_CTX);
}

TEST(helper_skb_vlan_push_pop)
{
	const struct kbpf_func_proto *push = &kbpf_skb_vlan_push_proto;
	const struct kbpf_func_proto *pop = &kbpf_skb_vlan_pop_proto;
	unsigned char buf[HEADROOM + FRAME], orig[FRAME];
	struct sk_buff skb;

	frame_skb(&skb, buf, HEADROOM);
	memcpy(orig, skb.data, FRAME);
	/* The first tag goes to the accelerated slot; the frame stays. */
	EXPECT_EQ(push->func(U(&skb), htons(ETH_P_8021AD), 0x123, 0, 0), 0);
	EXPECT_EQ(skb.vlan_present, 1);
	EXPECT_EQ(skb.vlan_proto, htons(ETH_P_8021AD));
	EXPECT_EQ(skb.vlan_tci, 0x123);
	EXPECT_EQ(skb.len, FRAME);
	EXPECT_TRUE(!memcmp(skb.data, orig, FRAME));
	/* A second one moves the first into the frame after the addresses. */
	EXPECT_EQ(push->func(U(&skb), htons(ETH_P_8021Q), 0xabc, 0, 0), 0);
	EXPECT_EQ(skb.len, FRAME + 4);
	EXPECT_TRUE(skb.data == buf + HEADROOM - 4);
	EXPECT_TRUE(!memcmp(skb.data, orig, 12));
	EXPECT_TRUE(!memcmp(skb.data + 12, "\x88\xa8\x01\x23", 4));
	EXPECT_TRUE(!memcmp(skb.data + 16, orig + 12, FRAME - 12));
	EXPECT_EQ(skb.protocol, htons(ETH_P_8021AD));
	EXPECT_EQ(skb.vlan_tci, 0xabc);
	/* The context's data and data_end follow the move. */
	EXPECT_TRUE(cb_of(&skb)->data_end == (void *)(buf + sizeof(buf)));
	EXPECT_TRUE(cb_of(&skb)->data_meta == (void *)skb.data);
	/* Pop: the slot's tag goes, the frame's tag comes back into the slot. */
	EXPECT_EQ(pop->func(U(&skb), 0, 0, 0, 0), 0);
	EXPECT_EQ(skb.vlan_present, 1);
	EXPECT_EQ(skb.vlan_proto, htons(ETH_P_8021AD));
	EXPECT_EQ(skb.vlan_tci, 0x123);
	EXPECT_EQ(skb.len, FRAME);
	EXPECT_TRUE(!memcmp(skb.data, orig, FRAME));
	EXPECT_EQ(skb.protocol, htons(0x0800));
	EXPECT_TRUE(cb_of(&skb)->data_end == (void *)(buf + sizeof(buf)));
	EXPECT_EQ(pop->func(U(&skb), 0, 0, 0, 0), 0);
	EXPECT_EQ(skb.vlan_present, 0);
	/* Nothing left to pop: success, nothing changes. */
	EXPECT_EQ(pop->func(U(&skb), 0, 0, 0, 0), 0);
	EXPECT_TRUE(!memcmp(skb.data, orig, FRAME));
	/* A protocol that is no vlan's becomes 802.1Q (16 bits of r2 count). */
	EXPECT_EQ(push->func(U(&skb), 0x10000 | htons(0x0800), 7, 0, 0), 0);
	EXPECT_EQ(skb.vlan_proto, htons(ETH_P_8021Q));
	EXPECT_EQ(push->func(U(&skb), 0x10000 | htons(ETH_P_8021AD), 8, 0, 0),
		  0);
	EXPECT_EQ(skb.vlan_proto, htons(ETH_P_8021AD));
	EXPECT_TRUE(!memcmp(skb.data + 12, "\x81\x00\x00\x07", 4));
}

TEST(helper_skb_vlan_push_no_room)
{
	const struct kbpf_func_proto *push = &kbpf_skb_vlan_push_proto;
	unsigned char buf[2 + FRAME];
	struct sk_buff skb;

	frame_skb(&skb, buf, 2);
	EXPECT_EQ(push->func(U(&skb), htons(ETH_P_8021Q), 1, 0, 0), 0);
	/* A host skb cannot grow its head: the kernel would reallocate. */
	EXPECT_EQ((long)push->func(U(&skb), htons(ETH_P_8021Q), 2, 0, 0),
		  -ENOMEM);
	EXPECT_EQ(skb.len, FRAME);
	EXPECT_EQ(skb.vlan_tci, 1);
}

TEST(helper_skb_change_head)
{
	const struct kbpf_func_proto *p = &kbpf_skb_change_head_proto;
	unsigned char buf[HEADROOM + FRAME], orig[FRAME];
	struct sk_buff skb;

	frame_skb(&skb, buf, HEADROOM);
	memcpy(orig, skb.data, FRAME);
	/* An L3 packet (data at the network header) given a 14-byte header. */
	skb.data += 14;
	skb.len -= 14;
	kbpf_skb_compute_data_pointers(&skb);
	EXPECT_EQ(p->func(U(&skb), 14, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, FRAME);
	EXPECT_TRUE(skb.data == buf + HEADROOM);
	EXPECT_TRUE(!memchr_inv(skb.data, 0, 14));
	EXPECT_TRUE(!memcmp(skb.data + 14, orig + 14, FRAME - 14));
	EXPECT_EQ(skb.mac_header, HEADROOM);
	EXPECT_EQ(skb.mac_len, 14);
	EXPECT_EQ(skb.network_header, HEADROOM + 14);
	EXPECT_TRUE(cb_of(&skb)->data_meta == (void *)skb.data);
	/* Zero bytes: fine, nothing moves. */
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, FRAME);
	/* Any flag, a length past Linux's limit or wrapping: -EINVAL. */
	EXPECT_EQ((long)p->func(U(&skb), 4, 1, 0, 0), -EINVAL);
	EXPECT_EQ((long)p->func(U(&skb), SKB_MAX_ALLOC, 0, 0, 0), -EINVAL);
	EXPECT_EQ((long)p->func(U(&skb), 0xffffffffULL, 0, 0, 0), -EINVAL);
	EXPECT_EQ(skb.len, FRAME);
	/* More than the headroom: the host cannot reallocate. */
	EXPECT_EQ((long)p->func(U(&skb), HEADROOM + 1, 0, 0, 0), -ENOMEM);
	EXPECT_EQ(p->func(U(&skb), HEADROOM, 0, 0, 0), 0);
	EXPECT_TRUE(skb.data == buf);
	EXPECT_TRUE(cb_of(&skb)->data_meta == (void *)buf);
}

/*
 * sk_skb's variant, like Linux's, leaves skb->cb (the stream parser's)
 * alone; the data_end the program reads afterwards is the new packet's.
 */
TEST(helper_sk_skb_change_head)
{
	const struct kbpf_func_proto *p = &kbpf_sk_skb_change_head_proto;
	unsigned char buf[HEADROOM + FRAME];
	struct sk_buff skb;

	frame_skb(&skb, buf, HEADROOM);
	memset(skb.cb, 0, sizeof(skb.cb));
	EXPECT_EQ(p->func(U(&skb), 8, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, FRAME + 8);
	EXPECT_TRUE(!memchr_inv(skb.data, 0, 8));
	EXPECT_TRUE(!memchr_inv(skb.cb, 0, sizeof(skb.cb)));
	EXPECT_TRUE(sk_skb_data_end_is_headlen(&skb));
	EXPECT_EQ(p->func(U(&skb), 16, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, FRAME + 24);
	EXPECT_TRUE(sk_skb_data_end_is_headlen(&skb));
	EXPECT_EQ((long)p->func(U(&skb), 8, 2, 0, 0), -EINVAL);
}

#define TAILROOM	16

/* A frame with TAILROOM bytes of 0xee after it; no transport header yet. */
static void tail_skb(struct sk_buff *skb, unsigned char *buf)
{
	frame_skb(skb, buf, HEADROOM);
	memset(buf + HEADROOM + FRAME, 0xee, TAILROOM);
	skb->end = HEADROOM + FRAME + TAILROOM;
	skb->transport_header = (u16)~0U;
}

TEST(helper_skb_change_tail)
{
	const struct kbpf_func_proto *p = &kbpf_skb_change_tail_proto;
	unsigned char buf[HEADROOM + FRAME + TAILROOM], orig[FRAME];
	struct sk_buff skb;

	tail_skb(&skb, buf);
	memcpy(orig, skb.data, FRAME);
	skb.ip_summed = CHECKSUM_COMPLETE;
	/* Grown with zeroes; the sum no longer covers the data. */
	EXPECT_EQ(p->func(U(&skb), FRAME + 10, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, FRAME + 10);
	EXPECT_TRUE(!memcmp(skb.data, orig, FRAME));
	EXPECT_TRUE(!memchr_inv(skb.data + FRAME, 0, 10));
	EXPECT_EQ(skb.ip_summed, CHECKSUM_NONE);
	EXPECT_TRUE(cb_of(&skb)->data_end == (void *)(skb.data + FRAME + 10));
	/* Cut back: the bytes kept are the frame's. */
	EXPECT_EQ(p->func(U(&skb), 20, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, 20);
	EXPECT_TRUE(!memcmp(skb.data, orig, 20));
	EXPECT_TRUE(cb_of(&skb)->data_end == (void *)(skb.data + 20));
	/* The same length: nothing to do. */
	EXPECT_EQ(p->func(U(&skb), 20, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, 20);
	/* Not into the network header (14 bytes in), nor past Linux's limit. */
	EXPECT_EQ((long)p->func(U(&skb), 13, 0, 0, 0), -EINVAL);
	EXPECT_EQ(p->func(U(&skb), 14, 0, 0, 0), 0);
	EXPECT_EQ((long)p->func(U(&skb), SKB_MAX_ALLOC + 1, 0, 0, 0), -EINVAL);
	EXPECT_EQ((long)p->func(U(&skb), 20, 1, 0, 0), -EINVAL);
	/* Once the transport header is set, not into it either. */
	skb.transport_header = HEADROOM + 34;
	EXPECT_EQ((long)p->func(U(&skb), 33, 0, 0, 0), -EINVAL);
	EXPECT_EQ(p->func(U(&skb), 34, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, 34);
	/* Tunnelled packets are refused. */
	skb.encapsulation = 1;
	EXPECT_EQ((long)p->func(U(&skb), 40, 0, 0, 0), -ENOTSUPP);
	skb.encapsulation = 0;
	/* The host skb cannot be reallocated past its tailroom. */
	EXPECT_EQ((long)p->func(U(&skb), FRAME + TAILROOM + 1, 0, 0, 0),
		  -ENOMEM);
	EXPECT_EQ(p->func(U(&skb), FRAME + TAILROOM, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, FRAME + TAILROOM);
}

/* A CHECKSUM_PARTIAL whose checksum field is cut off is dropped. */
TEST(helper_skb_change_tail_partial_csum)
{
	const struct kbpf_func_proto *p = &kbpf_skb_change_tail_proto;
	unsigned char buf[HEADROOM + FRAME + TAILROOM];
	struct sk_buff skb;

	tail_skb(&skb, buf);
	skb.ip_summed = CHECKSUM_PARTIAL;
	/* The UDP checksum of an IPv4 packet: 34 + 6, two bytes. */
	skb.csum_start = HEADROOM + 34;
	skb.csum_offset = 6;
	EXPECT_EQ(p->func(U(&skb), 42, 0, 0, 0), 0);
	EXPECT_EQ(skb.ip_summed, CHECKSUM_PARTIAL);
	EXPECT_EQ(p->func(U(&skb), 41, 0, 0, 0), 0);
	EXPECT_EQ(skb.ip_summed, CHECKSUM_NONE);
}

/* As change_head: skb->cb left alone, data_end read afresh. */
TEST(helper_sk_skb_change_tail)
{
	const struct kbpf_func_proto *p = &kbpf_sk_skb_change_tail_proto;
	unsigned char buf[HEADROOM + FRAME + TAILROOM];
	struct sk_buff skb;

	tail_skb(&skb, buf);
	memset(skb.cb, 0, sizeof(skb.cb));
	EXPECT_EQ(p->func(U(&skb), FRAME + 4, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, FRAME + 4);
	EXPECT_TRUE(!memchr_inv(skb.cb, 0, sizeof(skb.cb)));
	EXPECT_TRUE(sk_skb_data_end_is_headlen(&skb));
	EXPECT_EQ(p->func(U(&skb), 20, 0, 0, 0), 0);
	EXPECT_EQ(skb.len, 20);
	EXPECT_TRUE(sk_skb_data_end_is_headlen(&skb));
	EXPECT_EQ((long)p->func(U(&skb), FRAME, 2, 0, 0), -EINVAL);
}
