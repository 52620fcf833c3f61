// SPDX-License-Identifier: GPL-2.0
/*
 * struct sk_msg_md, the context of sk_msg programs, on the struct sk_msg
 * they run on: Linux 6.1's sk_msg_is_valid_access() and
 * sk_msg_convert_ctx_access(). Everything is read-only: data and
 * data_end are packet pointers into the message's current scatterlist
 * element, the addresses and ports come from the message's socket, size
 * from its scatterlist.
 *
 * The sk field (a PTR_TO_SOCKET in Linux) is still refused: nothing is
 * missing for it (the verifier has socket pointers, as sk_lookup's sk,
 * and kbpf_kern_layout has sk_msg_sk), its access is just not written yet.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "ctx_ops.h"

#define FIRST(MEMBER)	KBPF_CTX_FIRST(struct sk_msg_md, MEMBER)
#define LAST(MEMBER)	KBPF_CTX_LAST(struct sk_msg_md, MEMBER)

static bool sk_msg_is_valid_access(int off, int size,
				   enum kbpf_access_type type,
				   u32 expected_attach_type,
				   struct kbpf_insn_access_aux *info)
{
	if (type == KBPF_WRITE || off % size != 0)
		return false;

	switch (off) {
	case FIRST(data) ... LAST(data):
		info->reg_type = KBPF_PTR_TO_PACKET;
		return size == sizeof(u64);
	case FIRST(data_end) ... LAST(data_end):
		info->reg_type = KBPF_PTR_TO_PACKET_END;
		return size == sizeof(u64);
	case FIRST(family) ... LAST(family):
	case FIRST(remote_ip4) ... LAST(remote_ip4):
	case FIRST(local_ip4) ... LAST(local_ip4):
	case FIRST(remote_ip6[0]) ... LAST(remote_ip6[3]):
	case FIRST(local_ip6[0]) ... LAST(local_ip6[3]):
	case FIRST(remote_port) ... LAST(remote_port):
	case FIRST(local_port) ... LAST(local_port):
	case FIRST(size) ... LAST(size):
		return size == sizeof(u32);
	default:
		return false;
	}
}

/* dst = the SIZE bytes at byte OFF of struct sock_common's MEMBER of msg->sk. */
#define SK_LOAD(SIZE, MEMBER, OFF)					\
	do {								\
		*insn++ = BPF_LDX_MEM(BPF_DW, dst, src, kl->sk_msg_sk);	\
		*insn++ = BPF_LDX_MEM(SIZE, dst, dst, kl->MEMBER + (OFF)); \
	} while (0)

static u32 sk_msg_convert_ctx_access(enum kbpf_access_type type,
				     const struct bpf_insn *si,
				     struct bpf_insn *insn_buf,
				     u32 *target_size)
{
	const struct kbpf_kern_layout *kl = &kbpf_kern_layout;
	struct bpf_insn *insn = insn_buf;
	u8 dst = si->dst_reg, src = si->src_reg;
	int off;

	switch (si->off) {
	case offsetof(struct sk_msg_md, data):
		*insn++ = BPF_LDX_MEM(BPF_DW, dst, src, kl->sk_msg_data);
		break;
	case offsetof(struct sk_msg_md, data_end):
		*insn++ = BPF_LDX_MEM(BPF_DW, dst, src, kl->sk_msg_data_end);
		break;
	case offsetof(struct sk_msg_md, family):
		SK_LOAD(BPF_H, skc_family, 0);
		break;
	case offsetof(struct sk_msg_md, remote_ip4):
		SK_LOAD(BPF_W, skc_daddr, 0);
		break;
	case offsetof(struct sk_msg_md, local_ip4):
		SK_LOAD(BPF_W, skc_rcv_saddr, 0);
		break;
	case FIRST(remote_ip6[0]) ... LAST(remote_ip6[3]):
		off = si->off - offsetof(struct sk_msg_md, remote_ip6[0]);
		SK_LOAD(BPF_W, skc_v6_daddr, off);
		break;
	case FIRST(local_ip6[0]) ... LAST(local_ip6[3]):
		off = si->off - offsetof(struct sk_msg_md, local_ip6[0]);
		SK_LOAD(BPF_W, skc_v6_rcv_saddr, off);
		break;
	case offsetof(struct sk_msg_md, remote_port):
		/* The network-order port in the upper half, as Linux gives it. */
		SK_LOAD(BPF_H, skc_dport, 0);
		*insn++ = BPF_ALU32_IMM(BPF_LSH, dst, 16);
		break;
	case offsetof(struct sk_msg_md, local_port):
		SK_LOAD(BPF_H, skc_num, 0);
		break;
	case offsetof(struct sk_msg_md, size):
		*insn++ = BPF_LDX_MEM(BPF_W, dst, src, kl->sk_msg_size);
		break;
	}
	return insn - insn_buf;
}

const struct kbpf_ctx_ops kbpf_ctx_sk_msg_ops = {
	.ctx_size = sizeof(struct sk_msg_md),
	.is_valid_access = sk_msg_is_valid_access,
	.convert_ctx_access = sk_msg_convert_ctx_access,
};
