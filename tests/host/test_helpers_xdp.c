// SPDX-License-Identifier: GPL-2.0
/* helpers/xdp.c with kbpf's helper ABI, on a host xdp_buff. */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include "../../helpers/protos.h"
#include "ktest.h"

#define U(p)	((u64)(unsigned long)(p))
#define HEADROOM	128
#define FRAME		((long)sizeof(struct xdp_frame))

static unsigned char buf[256];

/* 60 bytes of packet after HEADROOM bytes of headroom, no metadata. */
static void xdp_init(struct xdp_buff *xdp)
{
	memset(xdp, 0, sizeof(*xdp));
	xdp->data_hard_start = buf;
	xdp->data = buf + HEADROOM;
	xdp->data_meta = xdp->data;
	xdp->data_end = xdp->data + 60;
	xdp->frame_sz = sizeof(buf);
}

static long call(const struct kbpf_func_proto *p, struct xdp_buff *xdp, int off)
{
	return (long)p->func(U(xdp), (u64)(s64)off, 0, 0, 0);
}

TEST(helper_xdp_adjust_head)
{
	const struct kbpf_func_proto *p = &kbpf_xdp_adjust_head_proto;
	struct xdp_buff xdp;

	xdp_init(&xdp);
	EXPECT_EQ(call(p, &xdp, -8), 0);
	EXPECT_EQ((unsigned char *)xdp.data - buf, HEADROOM - 8);
	EXPECT_EQ(xdp.data_meta, xdp.data);
	/* Down to the end of the xdp_frame a redirect writes, no further. */
	EXPECT_EQ(call(p, &xdp, -(HEADROOM - 8 - FRAME) - 1), -EINVAL);
	EXPECT_EQ(call(p, &xdp, -(HEADROOM - 8 - FRAME)), 0);
	EXPECT_EQ((unsigned char *)xdp.data - buf, FRAME);
	/* At least an Ethernet header stays. */
	xdp_init(&xdp);
	EXPECT_EQ(call(p, &xdp, 60 - ETH_HLEN + 1), -EINVAL);
	EXPECT_EQ((unsigned char *)xdp.data - buf, HEADROOM);
	EXPECT_EQ(call(p, &xdp, 60 - ETH_HLEN), 0);
	EXPECT_EQ((unsigned char *)xdp.data_end - (unsigned char *)xdp.data, ETH_HLEN);
}

TEST(helper_xdp_adjust_head_moves_metadata)
{
	const struct kbpf_func_proto *p = &kbpf_xdp_adjust_head_proto;
	struct xdp_buff xdp;

	xdp_init(&xdp);
	xdp.data_meta = xdp.data - 8;
	memcpy(xdp.data_meta, "metadata", 8);
	EXPECT_EQ(call(p, &xdp, -4), 0);
	EXPECT_EQ((unsigned char *)xdp.data - (unsigned char *)xdp.data_meta, 8);
	EXPECT_TRUE(!memcmp(xdp.data_meta, "metadata", 8));
	/* The metadata must still fit after the xdp_frame. */
	EXPECT_EQ(call(p, &xdp, -(HEADROOM - 4 - 8 - FRAME) - 1), -EINVAL);
	EXPECT_EQ(call(p, &xdp, 12), 0);
	EXPECT_TRUE(!memcmp(xdp.data_meta, "metadata", 8));
	EXPECT_EQ((unsigned char *)xdp.data - buf, HEADROOM + 8);
}

TEST(helper_xdp_adjust_meta)
{
	const struct kbpf_func_proto *p = &kbpf_xdp_adjust_meta_proto;
	struct xdp_buff xdp;

	xdp_init(&xdp);
	EXPECT_EQ(call(p, &xdp, -8), 0);
	EXPECT_EQ((unsigned char *)xdp.data - (unsigned char *)xdp.data_meta, 8);
	/* A multiple of 4, at most 32 bytes, never past data. */
	EXPECT_EQ(call(p, &xdp, -6), -EACCES);
	EXPECT_EQ(call(p, &xdp, -28), -EACCES);
	EXPECT_EQ(call(p, &xdp, -24), 0);
	EXPECT_EQ(call(p, &xdp, 36), -EINVAL);
	EXPECT_EQ(call(p, &xdp, 32), 0);
	EXPECT_EQ(xdp.data_meta, xdp.data);
	/* Not into the xdp_frame. */
	xdp.data_hard_start = (unsigned char *)xdp.data - FRAME - 4;
	EXPECT_EQ(call(p, &xdp, -8), -EINVAL);
	EXPECT_EQ(call(p, &xdp, -4), 0);
	/* A buffer without metadata support (data_meta past data). */
	xdp_init(&xdp);
	xdp.data_meta = xdp.data + 1;
	EXPECT_EQ(call(p, &xdp, -4), -ENOTSUPP);
	EXPECT_EQ(call(&kbpf_xdp_adjust_head_proto, &xdp, -4), 0);
}
