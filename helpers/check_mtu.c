// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_check_mtu, as Linux 6.1's skb and XDP variants: would the packet,
 * grown or shrunk by len_diff, fit the MTU of the device it is on
 * (ifindex 0) or of another one in the same namespace (a redirect's
 * target)? Lengths count the L2 header (the device's hard_header_len) on
 * both sides, unless *mtu_len gives an L3 length to check instead (as
 * bpf_fib_lookup's tot_len). The device's MTU goes back in *mtu_len.
 */
#include <kbpf/kapi.h>

#include "protos.h"

/* ifindex 0 is the packet's own device; else that index in its namespace. */
static struct net_device *mtu_dev(struct net_device *cur, u32 ifindex)
{
	if (!ifindex)
		return cur;
	return dev_get_by_index_rcu(dev_net(cur), ifindex);
}

static u64 kbpf_skb_check_mtu(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = (struct sk_buff *)(unsigned long)r1;
	u32 *mtu_len = (u32 *)(unsigned long)r3;
	s32 len_diff = r4;
	struct net_device *dev;
	int ret, mtu = 0, len;

	if (unlikely(r5 & ~(u64)BPF_MTU_CHK_SEGS)) {
		ret = -EINVAL;
		goto out;
	}
	/* A segment check has nothing to add or take away. */
	if (unlikely((r5 & BPF_MTU_CHK_SEGS) && (len_diff || *mtu_len))) {
		ret = -EINVAL;
		goto out;
	}
	dev = mtu_dev(skb->dev, r2);
	if (unlikely(!dev)) {
		ret = -ENODEV;
		goto out;
	}
	mtu = READ_ONCE(dev->mtu);
	len = *mtu_len ? *mtu_len + dev->hard_header_len : skb->len;
	if (len + len_diff <= mtu + (int)dev->hard_header_len) {
		ret = BPF_MTU_CHK_RET_SUCCESS;
		goto out;
	}
	/*
	 * Too long as a whole, but a GSO packet is cut into segments on
	 * transmit: it fits unless the caller asks about each segment.
	 */
	ret = BPF_MTU_CHK_RET_FRAG_NEEDED;
	if (skb_is_gso(skb)) {
		ret = BPF_MTU_CHK_RET_SUCCESS;
		if (r5 & BPF_MTU_CHK_SEGS) {
			/* Linux leaves *mtu_len alone here. */
			if (!skb_transport_header_was_set(skb))
				return -EINVAL;
			if (!skb_gso_validate_network_len(skb, mtu))
				ret = BPF_MTU_CHK_RET_SEGS_TOOBIG;
		}
	}
out:
	*mtu_len = mtu;
	return ret;
}

/* The XDP variant: the frame between data and data_end, no segments. */
static u64 kbpf_xdp_check_mtu(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct xdp_buff *xdp = (struct xdp_buff *)(unsigned long)r1;
	u32 *mtu_len = (u32 *)(unsigned long)r3;
	int len = xdp->data_end - xdp->data;
	int ret = BPF_MTU_CHK_RET_SUCCESS;
	struct net_device *dev;
	int mtu = 0;

	if (unlikely(r5)) {
		ret = -EINVAL;
		goto out;
	}
	dev = mtu_dev(xdp->rxq->dev, r2);
	if (unlikely(!dev)) {
		ret = -ENODEV;
		goto out;
	}
	mtu = READ_ONCE(dev->mtu);
	if (*mtu_len)
		len = *mtu_len + dev->hard_header_len;
	if (len + (s32)r4 > mtu + (int)dev->hard_header_len)
		ret = BPF_MTU_CHK_RET_FRAG_NEEDED;
out:
	*mtu_len = mtu;
	return ret;
}

/*
 * Linux 6.1.192's arg 3 is ARG_PTR_TO_FIXED_SIZE_MEM | MEM_UNINIT |
 * MEM_WRITE | MEM_ALIGNED of 4 bytes, the former ARG_PTR_TO_INT, the
 * name kbpf keeps (helpers/strtox.c).
 */
const struct kbpf_func_proto kbpf_skb_check_mtu_proto = {
	.func		= kbpf_skb_check_mtu,
	.name		= "bpf_check_mtu",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_INT, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};

const struct kbpf_func_proto kbpf_xdp_check_mtu_proto = {
	.func		= kbpf_xdp_check_mtu,
	.name		= "bpf_check_mtu",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_INT, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};
