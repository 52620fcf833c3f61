/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The context rules of each program family (ctx_skb.c, ctx_xdp.c,
 * ctx_trace.c, ctx_sk_msg.c, ctx_sock_addr.c, ctx_sk_lookup.c,
 * ctx_sock_ops.c, ctx_cgroup.c), gathered by kbpf_ctx_ops() in
 * ctx_access.c, and what the families share.
 */
#ifndef KBPF_VERIFIER_CTX_OPS_H
#define KBPF_VERIFIER_CTX_OPS_H

#include <kbpf/ctx_access.h>
#include <kbpf/insn.h>

extern const struct kbpf_ctx_ops kbpf_ctx_sk_filter_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_cg_skb_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_tc_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_xdp_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_kprobe_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_tracepoint_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_raw_tp_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_perf_event_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_lwt_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_sk_skb_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_sk_msg_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_sock_addr_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_sk_lookup_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_sysctl_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_cg_dev_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_sockopt_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_sock_ops_ops;

/* ctx_sock.c: struct bpf_sock and bpf_tcp_sock behind socket pointers. */
extern const struct kbpf_ctx_ops kbpf_sock_ops;
extern const struct kbpf_ctx_ops kbpf_sock_common_ops;
extern const struct kbpf_ctx_ops kbpf_tcp_sock_ops;
extern const struct kbpf_ctx_ops kbpf_ctx_cg_sock_ops;
bool kbpf_sock_is_valid_access(int off, int size, enum kbpf_access_type type,
			       u32 expected_attach_type,
			       struct kbpf_insn_access_aux *info);
u32 kbpf_sock_convert_ctx_access(enum kbpf_access_type type,
				 const struct bpf_insn *si,
				 struct bpf_insn *insn_buf, u32 *target_size);

/*
 * The first and last byte of a field, for case ranges covering every byte
 * of it, as Linux's bpf_ctx_range() does:
 * case KBPF_CTX_FIRST(T, a) ... KBPF_CTX_LAST(T, a).
 */
#define KBPF_CTX_FIRST(TYPE, MEMBER)	offsetof(TYPE, MEMBER)
#define KBPF_CTX_LAST(TYPE, MEMBER)	(offsetofend(TYPE, MEMBER) - 1)

/* BPF_B/H/W/DW for a load or store of the whole of TYPE.MEMBER. */
#define KBPF_FIELD_SIZE(TYPE, MEMBER)					\
	kbpf_bpf_size(sizeof_field(TYPE, MEMBER))

static inline u8 kbpf_bpf_size(size_t bytes)
{
	switch (bytes) {
	case 1:
		return BPF_B;
	case 2:
		return BPF_H;
	case 4:
		return BPF_W;
	default:
		return BPF_DW;
	}
}

/*
 * Linux's bpf_ctx_narrow_access_ok(): a read of part of a field of
 * size_default bytes, a power of two no wider than the field.
 */
static inline bool kbpf_ctx_narrow_ok(int size, int size_default)
{
	return size <= size_default && (size & (size - 1)) == 0;
}

#endif /* KBPF_VERIFIER_CTX_OPS_H */
