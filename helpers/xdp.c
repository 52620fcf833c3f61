// SPDX-License-Identifier: GPL-2.0
/*
 * XDP programs moving the start of their packet or of its metadata, as
 * Linux 6.1's bpf_xdp_adjust_head() and bpf_xdp_adjust_meta(): within
 * the headroom after the struct xdp_frame a redirect would write there,
 * keeping an Ethernet header of packet and at most 32 bytes (a multiple
 * of 4) of metadata. The verifier drops the program's packet pointers
 * after either call (changes_pkt_data() in verifier/helper_call.c).
 */
#include <kbpf/kapi.h>

#include "protos.h"

static unsigned long xdp_metalen(const struct xdp_buff *xdp)
{
	return xdp_data_meta_unsupported(xdp) ? 0 : xdp->data - xdp->data_meta;
}

/* offset > 0 drops bytes at the front, < 0 grows into the headroom. */
static u64 kbpf_xdp_adjust_head(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct xdp_buff *xdp = (struct xdp_buff *)(unsigned long)r1;
	void *frame_end = xdp->data_hard_start + sizeof(struct xdp_frame);
	unsigned long metalen = xdp_metalen(xdp);
	void *data = xdp->data + (int)r2;

	if (data < frame_end + metalen || data > xdp->data_end - ETH_HLEN)
		return (u64)-EINVAL;
	/* The metadata stays right in front of the data. */
	if (metalen)
		memmove(xdp->data_meta + (int)r2, xdp->data_meta, metalen);
	xdp->data_meta += (int)r2;
	xdp->data = data;
	return 0;
}

const struct kbpf_func_proto kbpf_xdp_adjust_head_proto = {
	.func		= kbpf_xdp_adjust_head,
	.name		= "bpf_xdp_adjust_head",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};

/* offset < 0 grows the metadata into the headroom, > 0 shrinks it. */
static u64 kbpf_xdp_adjust_meta(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct xdp_buff *xdp = (struct xdp_buff *)(unsigned long)r1;
	void *frame_end = xdp->data_hard_start + sizeof(struct xdp_frame);
	void *meta = xdp->data_meta + (int)r2;

	if (xdp_data_meta_unsupported(xdp))
		return (u64)-ENOTSUPP;
	if (meta < frame_end || meta > xdp->data)
		return (u64)-EINVAL;
	if (xdp_metalen_invalid(xdp->data - meta))
		return (u64)-EACCES;
	xdp->data_meta = meta;
	return 0;
}

const struct kbpf_func_proto kbpf_xdp_adjust_meta_proto = {
	.func		= kbpf_xdp_adjust_meta,
	.name		= "bpf_xdp_adjust_meta",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};
