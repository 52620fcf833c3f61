// SPDX-License-Identifier: GPL-2.0
/* helpers/skb.c with kbpf's helper ABI, on a (linear) host sk_buff. */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>
#include <kbpf/ctx_access.h>
#include <arpa/inet.h>

#include "../../helpers/protos.h"
#include "ctxtest.h"
#include "ktest.h"

#define U(p)	((u64)(unsigned long)(p))

TEST(helper_skb_load_bytes)
{
	const struct kbpf_func_proto *p = &kbpf_skb_load_bytes_proto;
	unsigned char pkt[64];
	struct sk_buff skb = { .head = pkt, .data = pkt + 14, .len = 50 };
	u8 to[16];
	int i;

	for (i = 0; i < 64; i++)
		pkt[i] = i;
	EXPECT_EQ(p->func(U(&skb), 0, U(to), 4, 0), 0);
	EXPECT_TRUE(!memcmp(to, pkt + 14, 4));
	EXPECT_EQ(p->func(U(&skb), 34, U(to), 16, 0), 0);	/* up to the end */
	EXPECT_TRUE(!memcmp(to, pkt + 48, 16));
	/* Past the end, or an offset beyond INT_MAX: -EFAULT, zeroed. */
	memset(to, 0xaa, sizeof(to));
	EXPECT_EQ((long)p->func(U(&skb), 35, U(to), 16, 0), -EFAULT);
	EXPECT_TRUE(!memchr_inv(to, 0, 16));
	memset(to, 0xaa, sizeof(to));
	EXPECT_EQ((long)p->func(U(&skb), 0x80000000ULL, U(to), 1, 0), -EFAULT);
	EXPECT_EQ(to[0], 0);
	EXPECT_EQ(to[1], 0xaa);
	/* Only the low 32 bits of the offset count (Linux's u32 argument). */
	EXPECT_EQ(p->func(U(&skb), 0x100000002ULL, U(to), 1, 0), 0);
	EXPECT_EQ(to[0], 16);
}

/* The 16-bit ones' complement sum of n bytes, the RFC 1071 way. */
static u16 fold16(const void *buf, u32 n, u32 seed)
{
	const u16 *w = buf;
	u64 sum = (seed & 0xffff) + (seed >> 16);
	u32 i;

	for (i = 0; i < n / 2; i++)
		sum += w[i];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static u16 fold32(u32 csum)
{
	u32 sum = (csum & 0xffff) + (csum >> 16);

	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

TEST(helper_csum_diff)
{
	const struct kbpf_func_proto *p = &kbpf_csum_diff_proto;
	u32 from[4] = { 0x11223344, 0xdeadbeef, 0, 0xffffffff };
	u32 to[4] = { 0x55667788, 0xcafebabe, 1, 0x80000000 };
	u32 big[129] = { 0 };
	u32 both[8];
	u64 r;
	int i;

	EXPECT_EQ(p->func(0, 0, U(to), 4, 0), 0x55667788);
	EXPECT_EQ(p->func(U(from), 4, 0, 0, 0), (u32)~0x11223344);
	EXPECT_EQ(p->func(0, 0, 0, 0, 0x1234), 0x1234);
	/* End-around carry: 0xffffffff + 2 = 0x1_00000001 -> 2. */
	EXPECT_EQ(p->func(0, 0, U(&from[3]), 4, 2), 0x2);
	/* Only the low 32 bits of the seed count (a __wsum). */
	EXPECT_EQ(p->func(0, 0, 0, 0, 0x500000007ULL), 0x7);
	/* Against an independent 16-bit sum of ~from then to. */
	for (i = 0; i < 4; i++) {
		both[i] = ~from[i];
		both[4 + i] = to[i];
	}
	r = p->func(U(from), 16, U(to), 16, 0xabcd);
	EXPECT_EQ(r >> 32, 0);
	EXPECT_EQ(fold32(r), fold16(both, 32, 0xabcd));
	/* Replacing from by to: new = old + diff, the use in programs. */
	EXPECT_EQ(fold32(p->func(U(from), 16, U(to), 16,
				 p->func(0, 0, U(from), 16, 0))),
		  fold16(to, 16, 0));
	/* Sizes: multiples of 4, 512 bytes at most together. */
	EXPECT_EQ((long)p->func(U(from), 3, 0, 0, 0), -EINVAL);
	EXPECT_EQ((long)p->func(0, 0, U(to), 6, 0), -EINVAL);
	EXPECT_EQ(p->func(U(big), 256, U(big), 256, 0), 0xffffffff);
	EXPECT_EQ((long)p->func(U(big), 256, U(big), 260, 0), -EINVAL);
	EXPECT_EQ((long)p->func(U(big), 0xfffffffcULL, U(big), 8, 0), -EINVAL);
}

/* A host skb over pkt: 14 bytes of Ethernet header, then len bytes of data. */
static void skb_over(struct sk_buff *skb, unsigned char *pkt, u32 len)
{
	memset(skb, 0, sizeof(*skb));
	skb->head = pkt;
	skb->data = pkt + 14;
	skb->len = len;
	skb->tail = 14 + len;
}

/*
 * What the tc and sk_skb variants of bpf_skb_store_bytes share, on skb
 * over the 64 bytes at pkt (skb_over(), 50 of data): the bounds, the
 * flags and what they do to the hash and a CHECKSUM_COMPLETE sum.
 */
static void check_store_bytes_common(const struct kbpf_func_proto *p,
				     struct sk_buff *skb, unsigned char *pkt)
{
	u8 from[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	u32 before;

	/* Up to the very end, not one byte past it. */
	EXPECT_EQ(p->func(U(skb), 42, U(from), 8, 0), 0);
	EXPECT_EQ((long)p->func(U(skb), 43, U(from), 8, 0), -EFAULT);
	EXPECT_EQ((long)p->func(U(skb), 0x80000000ULL, U(from), 1, 0), -EFAULT);
	/* Unknown flags: -EINVAL before anything is written. */
	memset(pkt, 0, 64);
	EXPECT_EQ((long)p->func(U(skb), 0, U(from), 8, 1ULL << 2), -EINVAL);
	EXPECT_EQ(pkt[14], 0);
	/* BPF_F_INVALIDATE_HASH clears the hash. */
	skb->hash = 0x1234;
	skb->l4_hash = 1;
	EXPECT_EQ(p->func(U(skb), 0, U(from), 1, BPF_F_INVALIDATE_HASH), 0);
	EXPECT_EQ(skb->hash, 0);
	EXPECT_EQ(skb->l4_hash, 0);
	/*
	 * BPF_F_RECOMPUTE_CSUM keeps a CHECKSUM_COMPLETE sum true to the
	 * data, at even and odd offsets.
	 */
	skb->ip_summed = CHECKSUM_COMPLETE;
	skb->csum = csum_partial(pkt + 14, 50, 0);
	EXPECT_EQ(p->func(U(skb), 7, U(from), 5, BPF_F_RECOMPUTE_CSUM), 0);
	EXPECT_EQ(csum_fold(skb->csum),
		  csum_fold(csum_partial(pkt + 14, 50, 0)));
	EXPECT_EQ(p->func(U(skb), 20, U(from), 8, BPF_F_RECOMPUTE_CSUM), 0);
	EXPECT_EQ(csum_fold(skb->csum),
		  csum_fold(csum_partial(pkt + 14, 50, 0)));
	/* Without the flag the sum is left as it was. */
	before = skb->csum;
	EXPECT_EQ(p->func(U(skb), 30, U(from), 4, 0), 0);
	EXPECT_EQ(skb->csum, before);
}

TEST(helper_skb_store_bytes)
{
	const struct kbpf_func_proto *p = &kbpf_skb_store_bytes_proto;
	struct kbpf_skb_data_end *cb;
	unsigned char pkt[64] = { 0 };
	u8 from[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct sk_buff skb;

	skb_over(&skb, pkt, 50);
	cb = (struct kbpf_skb_data_end *)skb.cb;
	EXPECT_EQ(p->func(U(&skb), 4, U(from), 8, 0), 0);
	EXPECT_TRUE(!memcmp(pkt + 18, from, 8));
	EXPECT_EQ(pkt[17], 0);
	EXPECT_EQ(pkt[26], 0);
	/* The data pointers the context rewrites read are recomputed. */
	EXPECT_TRUE(cb->data_end == (void *)(pkt + 64));
	check_store_bytes_common(p, &skb, pkt);
}

/*
 * sk_skb's variant writes as the tc one, with the same flags and errors,
 * but leaves skb->cb (the stream parser's) alone: the data_end the program
 * reads afterwards comes from sk_skb's context rewrite.
 */
TEST(helper_sk_skb_store_bytes)
{
	const struct kbpf_func_proto *p = &kbpf_sk_skb_store_bytes_proto;
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SK_SKB);
	unsigned char pkt[64] = { 0 };
	u8 from[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct sk_buff skb;
	u64 data, end;
	bool ok;

	skb_over(&skb, pkt, 50);
	memset(skb.cb, 0x5a, sizeof(skb.cb));
	EXPECT_EQ(p->func(U(&skb), 4, U(from), 8, 0), 0);
	EXPECT_TRUE(!memcmp(pkt + 18, from, 8));
	EXPECT_EQ(pkt[17], 0);
	EXPECT_EQ(pkt[26], 0);
	EXPECT_TRUE(!memchr_inv(skb.cb, 0x5a, sizeof(skb.cb)));
	data = ctx_read(ops, 0, &skb, offsetof(struct __sk_buff, data), 4,
			BPF_REG_2, BPF_REG_1, &ok);
	EXPECT_TRUE(ok && data == U(pkt + 14));
	/* dst != src: the rewrite then needs no temp slot in skb->cb. */
	end = ctx_read(ops, 0, &skb, offsetof(struct __sk_buff, data_end), 4,
		       BPF_REG_2, BPF_REG_1, &ok);
	EXPECT_TRUE(ok && end == U(pkt + 64));
	check_store_bytes_common(p, &skb, pkt);
	EXPECT_TRUE(!memchr_inv(skb.cb, 0x5a, sizeof(skb.cb)));
}

/* A 20-byte IPv4 header at pkt + 14 with a correct header checksum. */
static void ipv4_header(unsigned char *pkt)
{
	static const u8 hdr[20] = { 0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0,
				    64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };
	__sum16 sum;

	memcpy(pkt + 14, hdr, sizeof(hdr));
	sum = csum_fold(csum_partial(pkt + 14, 20, 0));
	memcpy(pkt + 14 + 10, &sum, 2);
}

static bool ipv4_header_ok(const unsigned char *pkt)
{
	return fold16(pkt + 14, 20, 0) == 0xffff;
}

TEST(helper_l3_csum_replace)
{
	const struct kbpf_func_proto *p = &kbpf_l3_csum_replace_proto;
	unsigned char pkt[64] = { 0 };
	struct sk_buff skb;
	__be32 old_addr, new_addr = htonl(0xc0a80001);
	__be16 old_ttl, new_ttl;

	skb_over(&skb, pkt, 50);
	ipv4_header(pkt);
	EXPECT_TRUE(ipv4_header_ok(pkt));
	/* A 4-byte field: the destination address. */
	memcpy(&old_addr, pkt + 14 + 16, 4);
	memcpy(pkt + 14 + 16, &new_addr, 4);
	EXPECT_FALSE(ipv4_header_ok(pkt));
	EXPECT_EQ(p->func(U(&skb), 10, old_addr, new_addr, 4), 0);
	EXPECT_TRUE(ipv4_header_ok(pkt));
	/* A 2-byte field: TTL and protocol. */
	memcpy(&old_ttl, pkt + 14 + 8, 2);
	pkt[14 + 8] = 3;
	memcpy(&new_ttl, pkt + 14 + 8, 2);
	EXPECT_EQ(p->func(U(&skb), 10, old_ttl, new_ttl, 2), 0);
	EXPECT_TRUE(ipv4_header_ok(pkt));
	/* Size 0: "to" is a csum_diff result, "from" must be 0. */
	memcpy(&old_addr, pkt + 14 + 12, 4);
	memcpy(pkt + 14 + 12, &new_addr, 4);
	EXPECT_EQ((long)p->func(U(&skb), 10, 1,
				kbpf_csum_diff_proto.func(U(&old_addr), 4,
							  U(&new_addr), 4, 0),
				0), -EINVAL);
	EXPECT_EQ(p->func(U(&skb), 10, 0,
			  kbpf_csum_diff_proto.func(U(&old_addr), 4,
						    U(&new_addr), 4, 0), 0), 0);
	EXPECT_TRUE(ipv4_header_ok(pkt));
	/* Bad sizes and flags, odd or out-of-packet offsets. */
	EXPECT_EQ((long)p->func(U(&skb), 10, 0, 0, 3), -EINVAL);
	EXPECT_EQ((long)p->func(U(&skb), 10, 0, 0, BPF_F_PSEUDO_HDR), -EINVAL);
	EXPECT_EQ((long)p->func(U(&skb), 11, 0, 0, 2), -EFAULT);
	EXPECT_EQ((long)p->func(U(&skb), 50, 0, 0, 2), -EFAULT);
	EXPECT_EQ((long)p->func(U(&skb), 0x10000, 0, 0, 2), -EFAULT);
}

TEST(helper_l4_csum_replace)
{
	const struct kbpf_func_proto *p = &kbpf_l4_csum_replace_proto;
	unsigned char pkt[64] = { 0 };
	struct sk_buff skb;
	__be16 old_port = htons(53), new_port = htons(5353);
	__sum16 sum, zero = 0;
	u16 base;

	skb_over(&skb, pkt, 50);
	/* A checksum field at data + 26 over the ports at data + 20. */
	memcpy(pkt + 14 + 20, &old_port, 2);
	base = fold16(pkt + 14 + 20, 2, 0);
	sum = (__force __sum16)(u16)~base;
	memcpy(pkt + 14 + 26, &sum, 2);
	memcpy(pkt + 14 + 20, &new_port, 2);
	EXPECT_EQ(p->func(U(&skb), 26, old_port, new_port, 2), 0);
	memcpy(&sum, pkt + 14 + 26, 2);
	EXPECT_EQ((u16)~(__force u16)sum, fold16(pkt + 14 + 20, 2, 0));
	/* UDP's 0 ("no checksum") stays 0 with BPF_F_MARK_MANGLED_0... */
	memcpy(pkt + 14 + 26, &zero, 2);
	EXPECT_EQ(p->func(U(&skb), 26, old_port, new_port,
			  2 | BPF_F_MARK_MANGLED_0), 0);
	EXPECT_EQ(pkt[14 + 26] | pkt[14 + 27], 0);
	/* ...unless enforced; a result of 0 is then written as 0xffff. */
	memset(pkt + 14 + 26, 0xff, 2);
	EXPECT_EQ(p->func(U(&skb), 26, 0, 0, 2 | BPF_F_MARK_MANGLED_0), 0);
	EXPECT_EQ(pkt[14 + 26] & pkt[14 + 27], 0xff);
	/* A pseudo-header change moves a CHECKSUM_COMPLETE sum too. */
	skb.ip_summed = CHECKSUM_COMPLETE;
	skb.csum = 0x1234;
	EXPECT_EQ(p->func(U(&skb), 26, old_port, new_port, 2), 0);
	EXPECT_EQ(skb.csum, 0x1234);
	EXPECT_EQ(p->func(U(&skb), 26, old_port, new_port,
			  2 | BPF_F_PSEUDO_HDR), 0);
	EXPECT_TRUE(skb.csum != 0x1234);
	/* An IPv6 CHECKSUM_COMPLETE sum has no pseudo header in it. */
	skb.csum = 0x1234;
	EXPECT_EQ(p->func(U(&skb), 26, 0, 0x5678,
			  BPF_F_PSEUDO_HDR | BPF_F_IPV6), 0);
	EXPECT_EQ(skb.csum, 0x1234);
	EXPECT_EQ(p->func(U(&skb), 26, 0, 0x5678, BPF_F_PSEUDO_HDR), 0);
	EXPECT_TRUE(skb.csum != 0x1234);
	EXPECT_EQ((long)p->func(U(&skb), 26, 0, 0, 1ULL << 8), -EINVAL);
	EXPECT_EQ((long)p->func(U(&skb), 25, 0, 0, 2), -EFAULT);
}

/* bpf_get_hash_recalc(): the hash the packet has, or a new one, recorded. */
TEST(helper_get_hash_recalc)
{
	const struct kbpf_func_proto *p = &kbpf_get_hash_recalc_proto;
	unsigned char pkt[32];
	struct sk_buff skb = { .head = pkt, .data = pkt, .len = 32 };
	u32 h;

	memset(pkt, 0x5a, sizeof(pkt));
	skb.hash = 0x1234;
	skb.l4_hash = 1;
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), 0x1234);
	skb.l4_hash = 0;
	skb.sw_hash = 1;
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), 0x1234);
	/* Cleared (bpf_set_hash_invalid, a mangled packet): computed again. */
	skb_clear_hash(&skb);
	h = p->func(U(&skb), 0, 0, 0, 0);
	EXPECT_NE(h, 0);
	EXPECT_EQ(skb.hash, h);
	EXPECT_EQ(skb.sw_hash, 1);
	EXPECT_EQ(p->func(U(&skb), 0, 0, 0, 0), h);
	EXPECT_EQ(p->arg_type[0], KBPF_ARG_PTR_TO_CTX);
	EXPECT_EQ(p->ret_type, KBPF_RET_INTEGER);
}
