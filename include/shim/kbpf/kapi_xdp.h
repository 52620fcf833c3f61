/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: the XDP context and the frames XDP
 * redirects (<net/xdp.h>).
 */
#ifndef KBPF_SHIM_KAPI_XDP_H
#define KBPF_SHIM_KAPI_XDP_H

#include <kbpf/kapi_base.h>

struct net_device;

/* <net/xdp.h>: the XDP context and the queue it came in on / goes out of. */
struct xdp_rxq_info {
	struct net_device *dev;
	u32 queue_index;
	u32 reg_state;
};

struct xdp_txq_info {
	struct net_device *dev;
};

struct xdp_buff {
	void *data;
	void *data_end;
	void *data_meta;
	void *data_hard_start;
	struct xdp_rxq_info *rxq;
	struct xdp_txq_info *txq;
	u32 frame_sz;
	u32 flags;
};

/* What a redirected frame keeps at the start of its headroom (its fields as the kernel's). */
struct xdp_mem_info {
	u32 type;
	u32 id;
};

struct xdp_frame {
	void *data;
	u16 len;
	u16 headroom;
	u32 metasize:8;
	u32 frame_sz:24;
	struct xdp_mem_info mem;
	struct net_device *dev_rx;
	u32 flags;
};

static inline bool xdp_data_meta_unsupported(const struct xdp_buff *xdp)
{
	return xdp->data_meta > xdp->data;
}

static inline bool xdp_metalen_invalid(unsigned long metalen)
{
	return (metalen & (sizeof(u32) - 1)) || metalen > 32;
}

#define XDP_FLAGS_HAS_FRAGS	BIT(0)

static inline bool xdp_buff_has_frags(const struct xdp_buff *xdp)
{
	return xdp->flags & XDP_FLAGS_HAS_FRAGS;
}

/*
 * The end of the room a frame's packet may use: the kernel keeps an
 * skb_shared_info in the frame's last SKB_DATA_ALIGN(sizeof()) bytes, 320
 * on x86-64 (the shim's skb_shared_info is smaller, so the size is given).
 */
#define KBPF_SHIM_XDP_TAILROOM	320
#define xdp_data_hard_end(xdp)						\
	((xdp)->data_hard_start + (xdp)->frame_sz - KBPF_SHIM_XDP_TAILROOM)

/* Host frames have no fragments: the packet is the linear part. */
static inline unsigned int xdp_get_buff_len(const struct xdp_buff *xdp)
{
	return xdp->data_end - xdp->data;
}

#endif /* KBPF_SHIM_KAPI_XDP_H */
