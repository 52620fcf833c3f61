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

/* A frame of TAIL_FRAME bytes: the packet may end TAILROOM before its end. */
#define TAIL_FRAME	1024
#define TAILROOM	320

static unsigned char frame[TAIL_FRAME];

static void xdp_init_frame(struct xdp_buff *xdp)
{
	memset(frame, 0xa5, sizeof(frame));
	memset(xdp, 0, sizeof(*xdp));
	xdp->data_hard_start = frame;
	xdp->data = frame + HEADROOM;
	xdp->data_meta = xdp->data;
	xdp->data_end = xdp->data + 60;
	xdp->frame_sz = sizeof(frame);
}

TEST(helper_xdp_adjust_tail)
{
	const struct kbpf_func_proto *p = &kbpf_xdp_adjust_tail_proto;
	long room = TAIL_FRAME - TAILROOM - HEADROOM - 60;
	unsigned char zero[64] = { 0 };
	struct xdp_buff xdp;

	xdp_init_frame(&xdp);
	/* Grown bytes are zeroed, whatever the buffer held. */
	EXPECT_EQ(call(p, &xdp, 40), 0);
	EXPECT_EQ((unsigned char *)xdp.data_end - (unsigned char *)xdp.data, 100);
	EXPECT_TRUE(!memcmp(frame + HEADROOM + 60, zero, 40));
	EXPECT_EQ(frame[HEADROOM + 100], 0xa5);
	/* Up to the skb_shared_info's room, no further. */
	EXPECT_EQ(call(p, &xdp, room - 40 + 1), -EINVAL);
	EXPECT_EQ((unsigned char *)xdp.data_end - frame, HEADROOM + 100);
	EXPECT_EQ(call(p, &xdp, room - 40), 0);
	EXPECT_EQ((unsigned char *)xdp.data_end - frame, TAIL_FRAME - TAILROOM);
	/* Cut, down to an Ethernet header. */
	xdp_init_frame(&xdp);
	EXPECT_EQ(call(p, &xdp, -(60 - ETH_HLEN) - 1), -EINVAL);
	EXPECT_EQ(call(p, &xdp, -10), 0);
	EXPECT_EQ((unsigned char *)xdp.data_end - (unsigned char *)xdp.data, 50);
	EXPECT_EQ(frame[HEADROOM + 50], 0xa5);
	EXPECT_EQ(call(p, &xdp, -(50 - ETH_HLEN)), 0);
	EXPECT_EQ((unsigned char *)xdp.data_end - (unsigned char *)xdp.data, ETH_HLEN);
	EXPECT_EQ(call(p, &xdp, 0), 0);
	EXPECT_EQ(call(p, &xdp, -1), -EINVAL);
	/* The limits follow data: after adjust_head the packet starts later. */
	xdp_init_frame(&xdp);
	EXPECT_EQ(call(&kbpf_xdp_adjust_head_proto, &xdp, 40), 0);
	EXPECT_EQ(call(p, &xdp, -(20 - ETH_HLEN) - 1), -EINVAL);
	EXPECT_EQ(call(p, &xdp, room + 1), -EINVAL);
	EXPECT_EQ(call(p, &xdp, room), 0);
	/* A frame with fragments (kbpf builds none) is not cut short silently. */
	xdp_init_frame(&xdp);
	xdp.flags = XDP_FLAGS_HAS_FRAGS;
	EXPECT_EQ(call(p, &xdp, -4), -EOPNOTSUPP);
}

static long bytes_call(const struct kbpf_func_proto *p, struct xdp_buff *xdp,
		       u32 off, void *buf, u32 len)
{
	return (long)p->func(U(xdp), off, U(buf), len, 0);
}

TEST(helper_xdp_get_buff_len)
{
	struct xdp_buff xdp;

	xdp_init_frame(&xdp);
	EXPECT_EQ((long)kbpf_xdp_get_buff_len_proto.func(U(&xdp), 0, 0, 0, 0), 60);
	EXPECT_EQ(call(&kbpf_xdp_adjust_tail_proto, &xdp, 7), 0);
	EXPECT_EQ((long)kbpf_xdp_get_buff_len_proto.func(U(&xdp), 0, 0, 0, 0), 67);
	EXPECT_EQ(call(&kbpf_xdp_adjust_head_proto, &xdp, 3), 0);
	EXPECT_EQ((long)kbpf_xdp_get_buff_len_proto.func(U(&xdp), 0, 0, 0, 0), 64);
}

TEST(helper_xdp_load_store_bytes)
{
	const struct kbpf_func_proto *ld = &kbpf_xdp_load_bytes_proto;
	const struct kbpf_func_proto *st = &kbpf_xdp_store_bytes_proto;
	unsigned char out[16], in[16];
	struct xdp_buff xdp;
	int i;

	xdp_init_frame(&xdp);
	for (i = 0; i < 60; i++)
		frame[HEADROOM + i] = i;
	EXPECT_EQ(bytes_call(ld, &xdp, 50, out, 10), 0);
	for (i = 0; i < 10; i++)
		EXPECT_EQ(out[i], 50 + i);
	/* Past the end: -EINVAL, and the buffer is left as it was. */
	memset(out, 0x77, sizeof(out));
	EXPECT_EQ(bytes_call(ld, &xdp, 51, out, 10), -EINVAL);
	EXPECT_EQ(out[0], 0x77);
	EXPECT_EQ(bytes_call(ld, &xdp, 60, out, 1), -EINVAL);
	/* Past 64 KiB: -EFAULT before the length is looked at. */
	EXPECT_EQ(bytes_call(ld, &xdp, 0x10000, out, 1), -EFAULT);
	EXPECT_EQ(bytes_call(ld, &xdp, 0xffffffff, out, 1), -EFAULT);
	EXPECT_EQ(bytes_call(st, &xdp, 0x10000, in, 1), -EFAULT);
	for (i = 0; i < 16; i++)
		in[i] = 0xc0 + i;
	EXPECT_EQ(bytes_call(st, &xdp, 44, in, 16), 0);
	EXPECT_TRUE(!memcmp(frame + HEADROOM + 44, in, 16));
	EXPECT_EQ(frame[HEADROOM + 60], 0xa5);
	EXPECT_EQ(bytes_call(st, &xdp, 45, in, 16), -EINVAL);
	EXPECT_EQ(frame[HEADROOM + 60], 0xa5);
	/* Offsets count from data, after adjust_head too. */
	EXPECT_EQ(call(&kbpf_xdp_adjust_head_proto, &xdp, 44), 0);
	EXPECT_EQ(bytes_call(ld, &xdp, 0, out, 16), 0);
	EXPECT_TRUE(!memcmp(out, in, 16));
	EXPECT_EQ(bytes_call(ld, &xdp, 1, out, 16), -EINVAL);
}

/*
 * bpf_fib_lookup's argument checks, Linux's order: the size, the flags,
 * the family. The host has no devices: a valid lookup is -ENODEV.
 */
TEST(helper_fib_lookup_args)
{
	const struct kbpf_func_proto *x = &kbpf_xdp_fib_lookup_proto;
	const struct kbpf_func_proto *s = &kbpf_skb_fib_lookup_proto;
	struct bpf_fib_lookup p = { .family = AF_INET };
	struct xdp_buff xdp;

	xdp_init(&xdp);
	EXPECT_EQ((long)x->func(U(&xdp), U(&p), sizeof(p) - 1, 0, 0), -EINVAL);
	EXPECT_EQ((long)x->func(U(&xdp), U(&p), sizeof(p), 1u << 5, 0), -EINVAL);
	EXPECT_EQ((long)s->func(0, U(&p), sizeof(p), 1u << 31, 0), -EINVAL);
	EXPECT_EQ((long)x->func(U(&xdp), U(&p), sizeof(p) + 8, 0x1f, 0), -ENODEV);
	p.family = AF_INET6;
	EXPECT_EQ((long)s->func(0, U(&p), sizeof(p), 0, 0), -ENODEV);
	p.family = AF_UNIX;
	EXPECT_EQ((long)x->func(U(&xdp), U(&p), sizeof(p), 0, 0), -EAFNOSUPPORT);
	/* A bad size wins over a bad family, a bad flag too. */
	EXPECT_EQ((long)s->func(0, U(&p), 8, 0, 0), -EINVAL);
	EXPECT_EQ((long)s->func(0, U(&p), sizeof(p), 1u << 7, 0), -EINVAL);
	EXPECT_TRUE(x->gpl_only && s->gpl_only);
	EXPECT_EQ(x->arg_type[1], KBPF_ARG_PTR_TO_MEM);
	EXPECT_EQ(s->arg_type[2], KBPF_ARG_CONST_SIZE);
}
