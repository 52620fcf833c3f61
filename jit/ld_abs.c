// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy packet loads (LD_ABS/LD_IND) on an sk_buff, with Linux's meaning:
 * the classic BPF packet access that eBPF kept. Non-negative offsets count
 * from skb->data, through frags when the skb is not linear; negative ones
 * in the SKF_NET_OFF and SKF_LL_OFF windows count from the network or
 * link-layer header, and must stay within head..tail.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>

/* Offset of the first byte from skb->head, or -1 when outside the windows. */
static long ld_abs_neg_pos(const struct sk_buff *skb, s32 off)
{
	if (off >= SKF_NET_OFF)
		return (skb_network_header(skb) - skb->head) +
		       (long)(off - SKF_NET_OFF);
	if (off >= SKF_LL_OFF && skb_mac_header_was_set(skb))
		return (skb_mac_header(skb) - skb->head) +
		       (long)(off - SKF_LL_OFF);
	return -1;
}

s64 kbpf_ld_abs(const struct sk_buff *skb, s32 off, u32 size)
{
	const u8 *p;
	u8 buf[4];

	if (unlikely(size != 1 && size != 2 && size != 4))
		return -EINVAL;
	if (off >= 0) {
		p = skb_header_pointer(skb, off, size, buf);
	} else {
		/* Computed as offsets, so no pointer ever leaves the skb. */
		long pos = ld_abs_neg_pos(skb, off);

		if (pos < 0 || pos + size > skb_tail_pointer(skb) - skb->head)
			return -EFAULT;
		p = skb->head + pos;
	}
	if (!p)
		return -EFAULT;

	/* Network order; bytes one at a time, as nothing promises alignment. */
	switch (size) {
	case 1:
		return p[0];
	case 2:
		return (u16)(p[0] << 8 | p[1]);
	default:
		return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
	}
}
