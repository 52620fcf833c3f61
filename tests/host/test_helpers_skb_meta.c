// SPDX-License-Identifier: GPL-2.0
/*
 * helpers/skb.c's bpf_skb_load_bytes_relative and helpers/skb_meta.c on
 * host sk_buffs: what each returns and what it leaves in the skb, Linux
 * 6.1's errnos. The same helpers run against Linux in
 * tests/guest/prog_skb_meta.c.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include "../../helpers/protos.h"
#include "ktest.h"

#define U(p)	((u64)(unsigned long)(p))
#define L(x)	((long)(x))

/* pkt as a frame: mac header at 2, network header at 16, data at 16. */
static void frame_skb(struct sk_buff *skb, unsigned char *pkt, u32 size)
{
	u32 i;

	for (i = 0; i < size; i++)
		pkt[i] = i;
	memset(skb, 0, sizeof(*skb));
	skb->head = pkt;
	skb->mac_header = 2;
	skb->network_header = 16;
	skb->data = pkt + 16;
	skb->len = size - 16;
	skb->tail = size;
	skb->protocol = cpu_to_be16(ETH_P_IP);
}

TEST(helper_skb_load_bytes_relative)
{
	const struct kbpf_func_proto *p = &kbpf_skb_load_bytes_relative_proto;
	unsigned char pkt[64];
	struct sk_buff skb;
	u8 to[8];

	frame_skb(&skb, pkt, sizeof(pkt));
	EXPECT_EQ(p->func(U(&skb), 0, U(to), 4, BPF_HDR_START_MAC), 0);
	EXPECT_TRUE(!memcmp(to, pkt + 2, 4));
	EXPECT_EQ(p->func(U(&skb), 3, U(to), 8, BPF_HDR_START_NET), 0);
	EXPECT_TRUE(!memcmp(to, pkt + 19, 8));
	/* Up to the tail and no further. */
	EXPECT_EQ(p->func(U(&skb), 40, U(to), 8, BPF_HDR_START_NET), 0);
	memset(to, 0xaa, sizeof(to));
	EXPECT_EQ(L(p->func(U(&skb), 41, U(to), 8, BPF_HDR_START_NET)), -EFAULT);
	EXPECT_TRUE(!memchr_inv(to, 0, 8));
	/* Offsets past 64 KiB, unknown starts, an unset mac header. */
	memset(to, 0xaa, sizeof(to));
	EXPECT_EQ(L(p->func(U(&skb), 0x10000, U(to), 1, BPF_HDR_START_MAC)), -EFAULT);
	EXPECT_EQ(to[0], 0);
	EXPECT_EQ(to[1], 0xaa);
	EXPECT_EQ(L(p->func(U(&skb), 0, U(to), 1, 2)), -EFAULT);
	EXPECT_EQ(L(p->func(U(&skb), 0, U(to), 1, 1ULL << 32)), 0);
	skb.mac_header = (u16)~0U;
	EXPECT_EQ(L(p->func(U(&skb), 0, U(to), 1, BPF_HDR_START_MAC)), -EFAULT);
	EXPECT_EQ(p->func(U(&skb), 0, U(to), 1, BPF_HDR_START_NET), 0);
	EXPECT_EQ(p->arg_type[4], KBPF_ARG_ANYTHING);
}

TEST(helper_set_hash_and_invalid)
{
	unsigned char pkt[32];
	struct sk_buff skb;

	frame_skb(&skb, pkt, sizeof(pkt));
	EXPECT_EQ(kbpf_set_hash_proto.func(U(&skb), 0x1badcafe2ULL, 0, 0, 0), 0);
	EXPECT_EQ(skb.hash, 0xbadcafe2);
	EXPECT_EQ(skb.sw_hash, 1);
	EXPECT_EQ(skb.l4_hash, 1);
	/* skb_get_hash() keeps a hash the program set. */
	EXPECT_EQ(kbpf_get_hash_recalc_proto.func(U(&skb), 0, 0, 0, 0), 0xbadcafe2);
	EXPECT_EQ(kbpf_set_hash_invalid_proto.func(U(&skb), 0, 0, 0, 0), 0);
	EXPECT_EQ(skb.hash, 0);
	EXPECT_EQ(skb.sw_hash, 0);
	EXPECT_EQ(skb.l4_hash, 0);
	EXPECT_NE(kbpf_get_hash_recalc_proto.func(U(&skb), 0, 0, 0, 0), 0xbadcafe2);
}

TEST(helper_csum_level)
{
	const struct kbpf_func_proto *p = &kbpf_csum_level_proto;
	unsigned char pkt[32];
	struct sk_buff skb;
	int i;

	frame_skb(&skb, pkt, sizeof(pkt));
	EXPECT_EQ(L(p->func(U(&skb), BPF_CSUM_LEVEL_QUERY, 0, 0, 0)), -EACCES);
	/* Down or reset from CHECKSUM_NONE: nothing happens. */
	EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_DEC, 0, 0, 0), 0);
	EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_RESET, 0, 0, 0), 0);
	EXPECT_EQ(skb.ip_summed, CHECKSUM_NONE);
	EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_INC, 0, 0, 0), 0);
	EXPECT_EQ(skb.ip_summed, CHECKSUM_UNNECESSARY);
	EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_QUERY, 0, 0, 0), 0);
	/* Up to SKB_MAX_CSUM_LEVEL and no further. */
	for (i = 0; i < 5; i++)
		EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_INC, 0, 0, 0), 0);
	EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_QUERY, 0, 0, 0), 3);
	EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_DEC, 0, 0, 0), 0);
	EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_QUERY, 0, 0, 0), 2);
	EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_RESET, 0, 0, 0), 0);
	EXPECT_EQ(skb.ip_summed, CHECKSUM_NONE);
	EXPECT_EQ(L(p->func(U(&skb), BPF_CSUM_LEVEL_QUERY, 0, 0, 0)), -EACCES);
	/* CHECKSUM_COMPLETE is no level: increments leave it. */
	skb.ip_summed = CHECKSUM_COMPLETE;
	EXPECT_EQ(p->func(U(&skb), BPF_CSUM_LEVEL_INC, 0, 0, 0), 0);
	EXPECT_EQ(skb.ip_summed, CHECKSUM_COMPLETE);
	EXPECT_EQ(L(p->func(U(&skb), 4, 0, 0, 0)), -EINVAL);
	EXPECT_EQ(L(p->func(U(&skb), 1ULL << 32, 0, 0, 0)), -EINVAL);
}

/* The 16-bit ones' complement sum of an IPv4 header: 0xffff when valid. */
static u16 ip_sum(const unsigned char *h)
{
	u32 sum = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		sum += (h[i] << 8) | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static void ipv4_at_16(unsigned char *pkt, u8 tos)
{
	static const u8 hdr[20] = { 0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0,
				    64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };
	u16 sum;

	memcpy(pkt + 16, hdr, sizeof(hdr));
	pkt[17] = tos;
	sum = ~ip_sum(pkt + 16);
	pkt[26] = sum >> 8;
	pkt[27] = sum;
}

TEST(helper_skb_ecn_set_ce)
{
	const struct kbpf_func_proto *p = &kbpf_skb_ecn_set_ce_proto;
	static const u8 tos[] = { 0x00, 0x01, 0x02, 0x03, 0xb8, 0xb9, 0xba };
	static const int ret[] = { 0, 1, 1, 1, 0, 1, 1 };
	unsigned char pkt[64];
	struct sk_buff skb;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tos); i++) {
		frame_skb(&skb, pkt, sizeof(pkt));
		ipv4_at_16(pkt, tos[i]);
		EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), ret[i]);
		EXPECT_EQ(pkt[17], ret[i] ? tos[i] | 3 : tos[i]);
		EXPECT_EQ(ip_sum(pkt + 16), 0xffff);
	}
	/* Not IP, a header past the linear part, a shared clone: 0, unchanged. */
	frame_skb(&skb, pkt, sizeof(pkt));
	ipv4_at_16(pkt, 1);
	skb.protocol = cpu_to_be16(ETH_P_8021Q);
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), 0);
	skb.protocol = cpu_to_be16(ETH_P_IP);
	skb.len = 19;
	skb.tail = 16 + 19;
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), 0);
	skb.len = 48;
	skb.tail = 64;
	skb.cloned = 1;
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), 0);
	EXPECT_EQ(pkt[17], 1);
	skb.cloned = 0;
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), 1);
	EXPECT_EQ(pkt[17], 3);
	/* IPv6: traffic class in bits 20-27; a COMPLETE sum follows the change. */
	frame_skb(&skb, pkt, sizeof(pkt));
	skb.protocol = cpu_to_be16(ETH_P_IPV6);
	pkt[16] = 0x60;
	pkt[17] = 0x10;		/* ECT(0) */
	skb.ip_summed = CHECKSUM_COMPLETE;
	skb.csum = 0x12345678;
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), 1);
	EXPECT_EQ(pkt[17], 0x30);
	EXPECT_NE(skb.csum, 0x12345678);
	pkt[17] = 0x00;
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), 0);
	EXPECT_EQ(pkt[17], 0x00);
}

TEST(helper_skb_set_tstamp)
{
	const struct kbpf_func_proto *p = &kbpf_skb_set_tstamp_proto;
	unsigned char pkt[32];
	struct sk_buff skb;

	frame_skb(&skb, pkt, sizeof(pkt));
	EXPECT_EQ(p->func(U(&skb), 1234, BPF_SKB_TSTAMP_DELIVERY_MONO, 0, 0), 0);
	EXPECT_EQ(skb.tstamp, 1234);
	EXPECT_EQ(skb.mono_delivery_time, 1);
	EXPECT_EQ(L(p->func(U(&skb), 0, BPF_SKB_TSTAMP_DELIVERY_MONO, 0, 0)), -EINVAL);
	EXPECT_EQ(L(p->func(U(&skb), 5, BPF_SKB_TSTAMP_UNSPEC, 0, 0)), -EINVAL);
	EXPECT_EQ(L(p->func(U(&skb), 5, 2, 0, 0)), -EINVAL);
	EXPECT_EQ(skb.tstamp, 1234);
	/* Only the low 32 bits of the type count. */
	EXPECT_EQ(p->func(U(&skb), 0, 1ULL << 32, 0, 0), 0);
	EXPECT_EQ(skb.tstamp, 0);
	EXPECT_EQ(skb.mono_delivery_time, 0);
	skb.protocol = cpu_to_be16(ETH_P_IPV6);
	EXPECT_EQ(p->func(U(&skb), 99, BPF_SKB_TSTAMP_DELIVERY_MONO, 0, 0), 0);
	skb.protocol = cpu_to_be16(0x0806);
	EXPECT_EQ(L(p->func(U(&skb), 7, BPF_SKB_TSTAMP_DELIVERY_MONO, 0, 0)), -EOPNOTSUPP);
	EXPECT_EQ(skb.tstamp, 99);
}

/* bpf_check_mtu on a device of MTU 1500 and a 14-byte L2 header. */
TEST(helper_skb_check_mtu)
{
	const struct kbpf_func_proto *p = &kbpf_skb_check_mtu_proto;
	struct net_device eth = { .ifindex = 1, .mtu = 1500, .hard_header_len = 14 };
	struct net_device big = { .ifindex = 7, .mtu = 9000, .hard_header_len = 14 };
	struct net_device *devs[] = { &eth, &big, NULL };
	unsigned char pkt[32];
	struct sk_buff skb;
	u32 mtu;

	kbpf_host_netdevs = devs;
	frame_skb(&skb, pkt, sizeof(pkt));
	skb.dev = &eth;
	skb.len = 1514;
	mtu = 0;
	EXPECT_EQ(p->func(U(&skb), 0, U(&mtu), 0, 0), BPF_MTU_CHK_RET_SUCCESS);
	EXPECT_EQ(mtu, 1500);
	mtu = 0;
	EXPECT_EQ(p->func(U(&skb), 0, U(&mtu), 1, 0), BPF_MTU_CHK_RET_FRAG_NEEDED);
	mtu = 0;
	EXPECT_EQ(p->func(U(&skb), 0, U(&mtu), (u32)-100, 0), BPF_MTU_CHK_RET_SUCCESS);
	/* The target of a redirect, by index. */
	mtu = 0;
	EXPECT_EQ(p->func(U(&skb), 7, U(&mtu), 100, 0), BPF_MTU_CHK_RET_SUCCESS);
	EXPECT_EQ(mtu, 9000);
	/* An L3 length in *mtu_len instead of the skb's. */
	mtu = 1500;
	EXPECT_EQ(p->func(U(&skb), 0, U(&mtu), 0, 0), BPF_MTU_CHK_RET_SUCCESS);
	mtu = 1501;
	EXPECT_EQ(p->func(U(&skb), 0, U(&mtu), 0, 0), BPF_MTU_CHK_RET_FRAG_NEEDED);
	EXPECT_EQ(mtu, 1500);
	/* Errors still report the MTU found (0 when none). */
	mtu = 5;
	EXPECT_EQ(L(p->func(U(&skb), 3, U(&mtu), 0, 0)), -ENODEV);
	EXPECT_EQ(mtu, 0);
	mtu = 5;
	EXPECT_EQ(L(p->func(U(&skb), 0, U(&mtu), 0, 2)), -EINVAL);
	EXPECT_EQ(mtu, 0);
	mtu = 0;
	EXPECT_EQ(L(p->func(U(&skb), 0, U(&mtu), 1, BPF_MTU_CHK_SEGS)), -EINVAL);
	mtu = 1;
	EXPECT_EQ(L(p->func(U(&skb), 0, U(&mtu), 0, BPF_MTU_CHK_SEGS)), -EINVAL);
	/* Not GSO: a segment check is the plain check. */
	mtu = 0;
	skb.len = 1515;
	EXPECT_EQ(p->func(U(&skb), 0, U(&mtu), 0, BPF_MTU_CHK_SEGS),
		  BPF_MTU_CHK_RET_FRAG_NEEDED);
	EXPECT_EQ(p->arg_type[2], KBPF_ARG_PTR_TO_INT);
	EXPECT_TRUE(p->gpl_only);
	kbpf_host_netdevs = NULL;
}

TEST(helper_xdp_check_mtu)
{
	const struct kbpf_func_proto *p = &kbpf_xdp_check_mtu_proto;
	struct net_device eth = { .ifindex = 1, .mtu = 100, .hard_header_len = 14 };
	struct xdp_rxq_info rxq = { .dev = &eth };
	unsigned char frame[200];
	struct xdp_buff xdp = { .data = frame, .data_end = frame + 114,
				.rxq = &rxq };
	u32 mtu = 0;

	EXPECT_EQ(p->func(U(&xdp), 0, U(&mtu), 0, 0), BPF_MTU_CHK_RET_SUCCESS);
	EXPECT_EQ(mtu, 100);
	mtu = 0;
	EXPECT_EQ(p->func(U(&xdp), 0, U(&mtu), 1, 0), BPF_MTU_CHK_RET_FRAG_NEEDED);
	mtu = 101;
	EXPECT_EQ(p->func(U(&xdp), 0, U(&mtu), -1, 0), BPF_MTU_CHK_RET_SUCCESS);
	mtu = 0;
	EXPECT_EQ(L(p->func(U(&xdp), 0, U(&mtu), 0, BPF_MTU_CHK_SEGS)), -EINVAL);
	EXPECT_EQ(mtu, 0);
	EXPECT_EQ(L(p->func(U(&xdp), 42, U(&mtu), 0, 0)), -ENODEV);
}
