// SPDX-License-Identifier: GPL-2.0
/*
 * struct xdp_md, the context of XDP programs, on the struct xdp_buff they
 * run on: Linux 6.1's xdp_is_valid_access() and xdp_convert_ctx_access().
 * Every field is a whole-word read; nothing is writable, as kbpf has no
 * device-bound (offloaded) programs, the only ones Linux lets write
 * rx_queue_index.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "ctx_ops.h"

static bool xdp_is_valid_access(int off, int size, enum kbpf_access_type type,
				u32 expected_attach_type,
				struct kbpf_insn_access_aux *info)
{
	/* Only devmap programs run with an egress device. */
	if (expected_attach_type != BPF_XDP_DEVMAP &&
	    off == offsetof(struct xdp_md, egress_ifindex))
		return false;
	if (type == KBPF_WRITE)
		return false;

	switch (off) {
	case offsetof(struct xdp_md, data):
		info->reg_type = KBPF_PTR_TO_PACKET;
		break;
	case offsetof(struct xdp_md, data_meta):
		info->reg_type = KBPF_PTR_TO_PACKET_META;
		break;
	case offsetof(struct xdp_md, data_end):
		info->reg_type = KBPF_PTR_TO_PACKET_END;
		break;
	}

	if (off < 0 || off >= (int)sizeof(struct xdp_md))
		return false;
	return off % size == 0 && size == sizeof(u32);
}

/* dst = src->MEMBER of TYPE, the whole field. */
#define LOAD(TYPE, MEMBER, DST, SRC)					\
	BPF_LDX_MEM(KBPF_FIELD_SIZE(TYPE, MEMBER), DST, SRC,		\
		    offsetof(TYPE, MEMBER))

static u32 xdp_convert_ctx_access(enum kbpf_access_type type,
				  const struct bpf_insn *si,
				  struct bpf_insn *insn_buf, u32 *target_size)
{
	struct bpf_insn *insn = insn_buf;
	u8 dst = si->dst_reg, src = si->src_reg;

	BUILD_BUG_ON(sizeof_field(struct net_device, ifindex) != 4);
	BUILD_BUG_ON(sizeof_field(struct xdp_rxq_info, queue_index) != 4);

	/*
	 * The device loads check each pointer on the way, where Linux
	 * trusts the driver's rxq/txq: a runner's xdp_buff without a
	 * queue or device reads 0 instead of faulting.
	 */
	switch (si->off) {
	case offsetof(struct xdp_md, data):
		*insn++ = LOAD(struct xdp_buff, data, dst, src);
		break;
	case offsetof(struct xdp_md, data_meta):
		*insn++ = LOAD(struct xdp_buff, data_meta, dst, src);
		break;
	case offsetof(struct xdp_md, data_end):
		*insn++ = LOAD(struct xdp_buff, data_end, dst, src);
		break;
	case offsetof(struct xdp_md, ingress_ifindex):
		*insn++ = LOAD(struct xdp_buff, rxq, dst, src);
		*insn++ = BPF_JMP_IMM(BPF_JEQ, dst, 0, 3);
		*insn++ = LOAD(struct xdp_rxq_info, dev, dst, dst);
		*insn++ = BPF_JMP_IMM(BPF_JEQ, dst, 0, 1);
		*insn++ = LOAD(struct net_device, ifindex, dst, dst);
		break;
	case offsetof(struct xdp_md, rx_queue_index):
		*insn++ = LOAD(struct xdp_buff, rxq, dst, src);
		*insn++ = BPF_JMP_IMM(BPF_JEQ, dst, 0, 1);
		*insn++ = LOAD(struct xdp_rxq_info, queue_index, dst, dst);
		break;
	case offsetof(struct xdp_md, egress_ifindex):
		*insn++ = LOAD(struct xdp_buff, txq, dst, src);
		*insn++ = BPF_JMP_IMM(BPF_JEQ, dst, 0, 3);
		*insn++ = LOAD(struct xdp_txq_info, dev, dst, dst);
		*insn++ = BPF_JMP_IMM(BPF_JEQ, dst, 0, 1);
		*insn++ = LOAD(struct net_device, ifindex, dst, dst);
		break;
	}
	return insn - insn_buf;
}

const struct kbpf_ctx_ops kbpf_ctx_xdp_ops = {
	.ctx_size = sizeof(struct xdp_md),
	.is_valid_access = xdp_is_valid_access,
	.convert_ctx_access = xdp_convert_ctx_access,
};
