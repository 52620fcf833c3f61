// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN for XDP programs on a struct xdp_buff, as Linux builds
 * it: the frame after XDP_PACKET_HEADROOM in one page, received on queue 0
 * of the loopback device (or ctx_in's ingress_ifindex and rx_queue_index),
 * with ctx_in's data as the length of the metadata in front of the packet.
 * data_out starts at the metadata. Frames larger than a page (XDP
 * fragments) and BPF_F_TEST_XDP_LIVE_FRAMES are not there yet.
 */
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/xdp.h>
#include <uapi/linux/bpf.h>

#include "../kmod/kbpf.h"
#include "test_run.h"

/* ctx_in's receive queue, when it names one; the device reference is the caller's to drop. */
static int md_to_buff(const struct xdp_md *md, struct xdp_buff *xdp)
{
	struct netdev_rx_queue *rxq;
	struct net_device *dev;

	if (!md)
		return 0;
	if (md->egress_ifindex)
		return -EINVAL;
	if (!md->ingress_ifindex && md->rx_queue_index)
		return -EINVAL;
	if (md->ingress_ifindex) {
		dev = dev_get_by_index(current->nsproxy->net_ns,
				       md->ingress_ifindex);
		if (!dev)
			return -ENODEV;
		if (md->rx_queue_index >= dev->real_num_rx_queues)
			goto bad;
		rxq = __netif_get_rx_queue(dev, md->rx_queue_index);
		if (!xdp_rxq_info_is_reg(&rxq->xdp_rxq))
			goto bad;
		xdp->rxq = &rxq->xdp_rxq;
	}
	xdp->data = xdp->data_meta + md->data;
	return 0;
bad:
	dev_put(dev);
	return -EINVAL;
}

static void buff_to_md(const struct xdp_buff *xdp, struct xdp_md *md)
{
	if (!md)
		return;
	md->data = xdp->data - xdp->data_meta;
	md->data_end = xdp->data_end - xdp->data_meta;
}

int kbpf_test_run_xdp(const struct kbpf_prog *prog, const union bpf_attr *attr,
		      union bpf_attr __user *uattr)
{
	u32 tailroom = SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	u32 headroom = XDP_PACKET_HEADROOM, meta = 0, max_linear, linear;
	u32 size_in = attr->test.data_size_in, retval = 0, duration = 0;
	struct netdev_rx_queue *lo_rxq;
	struct xdp_buff xdp = {};
	struct xdp_md *ctx;
	void *data;
	int err = -EINVAL;

	if (prog->expected_attach_type == BPF_XDP_DEVMAP ||
	    prog->expected_attach_type == BPF_XDP_CPUMAP)
		return -EINVAL;
	if (attr->test.flags & ~BPF_F_TEST_XDP_LIVE_FRAMES)
		return -EINVAL;
	/* Live frames need XDP_TX/XDP_REDIRECT, which kbpf has not got. */
	if (attr->test.flags & BPF_F_TEST_XDP_LIVE_FRAMES)
		return -EOPNOTSUPP;
	if (attr->test.batch_size)
		return -EINVAL;

	ctx = kbpf_test_ctx_init(attr, sizeof(*ctx));
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	linear = size_in;
	if (ctx) {
		/* Nothing may come before the metadata. */
		if (ctx->data_meta || ctx->data_end > size_in ||
		    ctx->data > ctx->data_end)
			goto free_ctx;
		meta = ctx->data;
		if (xdp_metalen_invalid(meta) ||
		    meta > headroom - sizeof(struct xdp_frame))
			goto free_ctx;
		/* The metadata is carved out of the headroom. */
		headroom -= meta;
		linear = ctx->data_end;
	}
	max_linear = PAGE_SIZE - headroom - tailroom;
	linear = min(linear, max_linear);
	if (size_in - meta < ETH_HLEN)
		goto free_ctx;
	/* The rest of a larger frame would go into fragments. */
	err = -EOPNOTSUPP;
	if (size_in > linear)
		goto free_ctx;

	data = kbpf_test_data_init(attr, linear, max_linear, headroom, tailroom);
	if (IS_ERR(data)) {
		err = PTR_ERR(data);
		goto free_ctx;
	}

	lo_rxq = __netif_get_rx_queue(current->nsproxy->net_ns->loopback_dev, 0);
	xdp_init_buff(&xdp, PAGE_SIZE, &lo_rxq->xdp_rxq);
	xdp_prepare_buff(&xdp, data, headroom, linear, true);
	err = md_to_buff(ctx, &xdp);
	if (err)
		goto free_data;

	err = kbpf_test_run_repeat(prog, &xdp, attr->test.repeat, &retval,
				   &duration);
	buff_to_md(&xdp, ctx);
	if (ctx && ctx->ingress_ifindex)
		dev_put(xdp.rxq->dev);
	if (err)
		goto free_data;

	err = kbpf_test_finish(attr, uattr, xdp.data_meta,
			       xdp.data_end - xdp.data_meta, retval, duration);
	if (!err)
		err = kbpf_test_ctx_finish(attr, uattr, ctx, sizeof(*ctx));
free_data:
	kfree(data);
free_ctx:
	kfree(ctx);
	return err;
}
