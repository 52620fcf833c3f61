/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: the Internet checksum, and the checksums
 * an skb carries as its headers change.
 */
#ifndef KBPF_SHIM_KAPI_CSUM_H
#define KBPF_SHIM_KAPI_CSUM_H

#include <kbpf/kapi_base.h>
#include <kbpf/kapi_skb.h>

/* ---- Internet checksums (<net/checksum.h>) ------------------------------- */

#define CHECKSUM_NONE		0
#define CHECKSUM_UNNECESSARY	1
#define CHECKSUM_COMPLETE	2
#define CHECKSUM_PARTIAL	3
#define CSUM_MANGLED_0		((__force __sum16)0xffff)

/* 32-bit ones' complement addition: the carry wraps around. */
static inline __wsum csum_add(__wsum a, __wsum b)
{
	u32 sum = (__force u32)a + (__force u32)b;

	return (__force __wsum)(sum + (sum < (__force u32)b));
}

static inline __wsum csum_sub(__wsum a, __wsum b)
{
	return csum_add(a, (__force __wsum)~(__force u32)b);
}

static inline __sum16 csum_fold(__wsum csum)
{
	u32 sum = (__force u32)csum;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__force __sum16)~sum;
}

static inline __wsum csum_unfold(__sum16 n)
{
	return (__force __wsum)n;
}

/*
 * The partial sum of buf (16-bit words in memory order) added to sum.
 * Not bit-identical to x86's csum_partial(), but equal once folded,
 * which is all a checksum field ever sees.
 */
static inline __wsum csum_partial(const void *buf, int len, __wsum sum)
{
	const unsigned char *p = buf;
	u64 acc = (__force u32)sum;
	u16 w;

	for (; len > 1; len -= 2, p += 2) {
		memcpy(&w, p, 2);
		acc += w;
	}
	if (len)
		acc += *p;	/* the odd byte, low half on little-endian */
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	return (__force __wsum)acc;
}

/* A sum over bytes at an odd offset is byte-swapped relative to one at an even. */
static inline __wsum csum_block_add(__wsum csum, __wsum csum2, int offset)
{
	u32 c2 = (__force u32)csum2;

	if (offset & 1)
		c2 = (c2 >> 8) | (c2 << 24);
	return csum_add(csum, (__force __wsum)c2);
}

static inline __wsum csum_block_sub(__wsum csum, __wsum csum2, int offset)
{
	return csum_block_add(csum, (__force __wsum)~(__force u32)csum2,
			      offset);
}

static inline void csum_replace_by_diff(__sum16 *sum, __wsum diff)
{
	*sum = csum_fold(csum_add(diff, ~csum_unfold(*sum)));
}

static inline void csum_replace4(__sum16 *sum, __be32 from, __be32 to)
{
	__wsum s = csum_sub(~csum_unfold(*sum), (__force __wsum)from);

	*sum = csum_fold(csum_add(s, (__force __wsum)to));
}

static inline void csum_replace2(__sum16 *sum, __be16 from, __be16 to)
{
	csum_replace4(sum, (__force __be32)from, (__force __be32)to);
}

/*
 * A transport checksum after a change worth diff. With pseudohdr the
 * change is in the pseudo header, outside the bytes a CHECKSUM_COMPLETE
 * sum covers, so that sum moves too; CHECKSUM_PARTIAL fields hold only
 * the pseudo header's sum, uncomplemented.
 */
static inline void inet_proto_csum_replace_by_diff(__sum16 *sum,
						   struct sk_buff *skb,
						   __wsum diff, bool pseudohdr,
						   bool ipv6)
{
	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		csum_replace_by_diff(sum, diff);
		if (skb->ip_summed == CHECKSUM_COMPLETE && pseudohdr && !ipv6)
			skb->csum = ~csum_add(diff, ~skb->csum);
	} else if (pseudohdr) {
		*sum = ~csum_fold(csum_add(csum_unfold(*sum), diff));
	}
}

static inline void inet_proto_csum_replace4(__sum16 *sum, struct sk_buff *skb,
					    __be32 from, __be32 to,
					    bool pseudohdr)
{
	__wsum diff = csum_add((__force __wsum)~(__force u32)from,
			       (__force __wsum)to);

	inet_proto_csum_replace_by_diff(sum, skb, diff, pseudohdr, false);
}

static inline void inet_proto_csum_replace2(__sum16 *sum, struct sk_buff *skb,
					    __be16 from, __be16 to,
					    bool pseudohdr)
{
	inet_proto_csum_replace4(sum, skb, (__force __be32)from,
				 (__force __be32)to, pseudohdr);
}

/* A CHECKSUM_COMPLETE sum without, then with, the len bytes at start. */
static inline void __skb_postpull_rcsum(struct sk_buff *skb, const void *start,
					unsigned int len, unsigned int off)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->csum = csum_block_sub(skb->csum,
					   csum_partial(start, len, 0), off);
}

static inline void __skb_postpush_rcsum(struct sk_buff *skb, const void *start,
					unsigned int len, unsigned int off)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->csum = csum_block_add(skb->csum,
					   csum_partial(start, len, 0), off);
}

#endif /* KBPF_SHIM_KAPI_CSUM_H */
