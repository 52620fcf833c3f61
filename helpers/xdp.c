// SPDX-License-Identifier: GPL-2.0
/*
 * XDP programs moving the start of their packet or of its metadata, as
 * Linux 6.1's bpf_xdp_adjust_head() and bpf_xdp_adjust_meta(): within
 * the headroom after the struct xdp_frame a redirect would write there,
 * keeping an Ethernet header of packet and at most 32 bytes (a multiple
 * of 4) of metadata; moving its end (bpf_xdp_adjust_tail()) within the
 * frame, short of the skb_shared_info a frame keeps at its end; and
 * reading and writing its bytes (bpf_xdp_get_buff_len(),
 * bpf_xdp_load_bytes(), bpf_xdp_store_bytes()). The verifier drops the
 * program's packet pointers after a call that moves the packet
 * (changes_pkt_data() in verifier/helper_call.c).
 *
 * kbpf builds no frame with fragments (its BPF_PROG_TEST_RUN refuses
 * frames larger than a page, and it attaches no XDP program to a device),
 * so these work on the linear part only: a frame with fragments, which
 * cannot reach them, would get -EOPNOTSUPP rather than a partial answer.
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

/*
 * offset > 0 grows the packet into the tailroom, zeroed (it may hold
 * whatever the buffer held before); < 0 cuts it, down to an Ethernet
 * header.
 */
static u64 kbpf_xdp_adjust_tail(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct xdp_buff *xdp = (struct xdp_buff *)(unsigned long)r1;
	void *data_end = xdp->data_end + (int)r2;

	if (unlikely(xdp_buff_has_frags(xdp)))
		return (u64)-EOPNOTSUPP;
	/* xdp_data_hard_end() leaves room for the skb_shared_info. */
	if (data_end > xdp_data_hard_end(xdp) ||
	    data_end < xdp->data + ETH_HLEN)
		return (u64)-EINVAL;
	if ((int)r2 > 0)
		memset(xdp->data_end, 0, (int)r2);
	xdp->data_end = data_end;
	return 0;
}

const struct kbpf_func_proto kbpf_xdp_adjust_tail_proto = {
	.func		= kbpf_xdp_adjust_tail,
	.name		= "bpf_xdp_adjust_tail",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};

/* The packet's length, its fragments included (none in kbpf's frames). */
static u64 kbpf_xdp_get_buff_len(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return xdp_get_buff_len((struct xdp_buff *)(unsigned long)r1);
}

const struct kbpf_func_proto kbpf_xdp_get_buff_len_proto = {
	.func		= kbpf_xdp_get_buff_len,
	.name		= "bpf_xdp_get_buff_len",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};

/*
 * The packet bytes [offset, offset + len), or an errno as Linux's
 * bpf_xdp_pointer() gives it: -EFAULT for an offset or length past 64 KiB
 * (whatever the packet), -EINVAL past the packet's end.
 */
static void *xdp_bytes(struct xdp_buff *xdp, u32 offset, u32 len)
{
	if (unlikely(offset > 0xffff || len > 0xffff))
		return ERR_PTR(-EFAULT);
	if (offset + len > xdp_get_buff_len(xdp))
		return ERR_PTR(-EINVAL);
	if (unlikely(xdp_buff_has_frags(xdp)))
		return ERR_PTR(-EOPNOTSUPP);
	return xdp->data + offset;
}

static u64 kbpf_xdp_load_bytes(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	void *ptr = xdp_bytes((struct xdp_buff *)(unsigned long)r1, r2, r4);

	/* Unlike skb_load_bytes, a failure leaves the buffer as it was. */
	if (IS_ERR(ptr))
		return (u64)PTR_ERR(ptr);
	memcpy((void *)(unsigned long)r3, ptr, (u32)r4);
	return 0;
}

const struct kbpf_func_proto kbpf_xdp_load_bytes_proto = {
	.func		= kbpf_xdp_load_bytes,
	.name		= "bpf_xdp_load_bytes",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE },
};

static u64 kbpf_xdp_store_bytes(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	void *ptr = xdp_bytes((struct xdp_buff *)(unsigned long)r1, r2, r4);

	if (IS_ERR(ptr))
		return (u64)PTR_ERR(ptr);
	memcpy(ptr, (const void *)(unsigned long)r3, (u32)r4);
	return 0;
}

const struct kbpf_func_proto kbpf_xdp_store_bytes_proto = {
	.func		= kbpf_xdp_store_bytes,
	.name		= "bpf_xdp_store_bytes",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE },
};
