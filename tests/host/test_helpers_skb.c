// SPDX-License-Identifier: GPL-2.0
/* helpers/skb.c with kbpf's helper ABI, on a (linear) host sk_buff. */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include "../../helpers/protos.h"
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
