// SPDX-License-Identifier: GPL-2.0
/*
 * struct bpf_sock_ops, the context of sock_ops programs, on the struct
 * bpf_sock_ops_kern they run on: Linux 6.1's sock_ops_is_valid_access()
 * and sock_ops_convert_ctx_access() for the fields kept in the context
 * itself: op, the args/reply/replylong words (reply writable) and
 * is_fullsock.
 *
 * Refused for now, though Linux allows them: the socket's fields (family
 * ... local_port, state, the tcp_sock counters, bytes_received/acked,
 * sk_txhash), sk (a socket pointer type), the skb fields (skb_data,
 * skb_data_end, skb_len, skb_tcp_flags) and bpf_sock_ops_cb_flags. Their
 * rewrites go through the socket with is_fullsock checks; a program
 * using them fails to load.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "ctx_ops.h"

#define FIRST(MEMBER)	KBPF_CTX_FIRST(struct bpf_sock_ops, MEMBER)
#define LAST(MEMBER)	KBPF_CTX_LAST(struct bpf_sock_ops, MEMBER)

static bool sock_ops_is_valid_access(int off, int size,
				     enum kbpf_access_type type,
				     u32 expected_attach_type,
				     struct kbpf_insn_access_aux *info)
{
	if (off < 0 || off >= (int)sizeof(struct bpf_sock_ops))
		return false;
	if (off % size != 0 || size != sizeof(u32))
		return false;
	if (type == KBPF_WRITE)
		return off == offsetof(struct bpf_sock_ops, reply);

	switch (off) {
	case FIRST(op) ... LAST(op):
	case FIRST(replylong[0]) ... LAST(replylong[3]):
	case FIRST(is_fullsock) ... LAST(is_fullsock):
		return true;
	default:
		return false;
	}
}

static u32 sock_ops_convert_ctx_access(enum kbpf_access_type type,
				       const struct bpf_insn *si,
				       struct bpf_insn *insn_buf,
				       u32 *target_size)
{
	const struct kbpf_kern_layout *kl = &kbpf_kern_layout;
	u8 dst = si->dst_reg, src = si->src_reg;
	int off;

	BUILD_BUG_ON(sizeof_field(struct bpf_sock_ops, replylong) != 16);

	switch (si->off) {
	case offsetof(struct bpf_sock_ops, op):
		*insn_buf = BPF_LDX_MEM(BPF_B, dst, src, kl->sock_ops_op);
		return 1;
	case FIRST(replylong[0]) ... LAST(replylong[3]):
		off = si->off - offsetof(struct bpf_sock_ops, replylong[0]) +
		      kl->sock_ops_args;
		if (type == KBPF_WRITE)
			*insn_buf = BPF_STX_MEM(BPF_W, dst, src, off);
		else
			*insn_buf = BPF_LDX_MEM(BPF_W, dst, src, off);
		return 1;
	case offsetof(struct bpf_sock_ops, is_fullsock):
		*insn_buf = BPF_LDX_MEM(BPF_B, dst, src,
					kl->sock_ops_is_fullsock);
		return 1;
	default:
		return 0;
	}
}

const struct kbpf_ctx_ops kbpf_ctx_sock_ops_ops = {
	.ctx_size = sizeof(struct bpf_sock_ops),
	.is_valid_access = sock_ops_is_valid_access,
	.convert_ctx_access = sock_ops_convert_ctx_access,
};
