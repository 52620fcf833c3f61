/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Context access per program type, named after Linux's struct
 * bpf_verifier_ops: which bytes of the uapi context (struct __sk_buff,
 * struct xdp_md, struct bpf_raw_tracepoint_args, ...) a program may read
 * or write, what type a load from there gives, and how each access is
 * rewritten into loads and stores on the kernel object the program really
 * runs on (struct sk_buff, struct xdp_buff, ...), as Linux does.
 *
 * The contexts kbpf runs programs on are Linux's own kernel objects: a
 * struct sk_buff for socket filter, cgroup_skb, sched_cls/act (with
 * data_meta/data_end kept in skb->cb as Linux's struct bpf_skb_data_end),
 * a struct xdp_buff for XDP, the u64 argument array for raw tracepoints,
 * struct pt_regs for kprobes, and the socket-level and cgroup hook ones
 * (struct sk_buff for lwt and sk_skb, sk_msg, bpf_sock_addr_kern,
 * bpf_sk_lookup_kern, bpf_sysctl_kern, bpf_sockopt_kern,
 * bpf_sock_ops_kern, the uapi bpf_cgroup_dev_ctx itself), whose offsets
 * come through kbpf_kern_layout (<kbpf/kern_layout.h>). The host build
 * gets the same structs from the shim.
 *
 * Register types are the verifier's; they live here because a context
 * load decides one (a load of __sk_buff->data gives PTR_TO_PACKET).
 */
#ifndef KBPF_CTX_ACCESS_H
#define KBPF_CTX_ACCESS_H

#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

/* Linux's enum bpf_reg_type, base types; flags from helpers.h (KBPF_PTR_MAYBE_NULL, KBPF_MEM_RDONLY). */
enum kbpf_reg_type {
	KBPF_NOT_INIT = 0,
	KBPF_SCALAR_VALUE,
	KBPF_PTR_TO_CTX,
	KBPF_CONST_PTR_TO_MAP,
	KBPF_PTR_TO_MAP_VALUE,
	KBPF_PTR_TO_MAP_KEY,
	KBPF_PTR_TO_STACK,
	KBPF_PTR_TO_PACKET_META,
	KBPF_PTR_TO_PACKET,
	KBPF_PTR_TO_PACKET_END,
	KBPF_PTR_TO_FLOW_KEYS,
	KBPF_PTR_TO_SOCKET,
	KBPF_PTR_TO_SOCK_COMMON,
	KBPF_PTR_TO_TCP_SOCK,
	KBPF_PTR_TO_TP_BUFFER,
	KBPF_PTR_TO_XDP_SOCK,
	KBPF_PTR_TO_MEM,		/* sized memory: ringbuf record, ... */
	KBPF_PTR_TO_FUNC,
	__KBPF_REG_TYPE_MAX,
};

enum kbpf_access_type {
	KBPF_READ = 1,
	KBPF_WRITE = 2,
};

/* What is_valid_access learns about an allowed access. */
struct kbpf_insn_access_aux {
	u32 reg_type;		/* type of the loaded value; SCALAR_VALUE by default */
	/*
	 * For narrow loads of a wider field (a byte of __sk_buff->len, say):
	 * the field's size, so the rewrite can load it whole and shift.
	 * 0 when the access is exactly the field.
	 */
	u32 ctx_field_size;
	/*
	 * Linux's prog->tstamp_type_access: set for a read of
	 * __sk_buff->tstamp_type, after which the program's tstamp accesses
	 * are rewritten by ops->tstamp_type_ops, every one of them.
	 */
	bool tstamp_type_access;
};

struct kbpf_ctx_ops {
	/* Size of the uapi context; accesses beyond it are refused. */
	u32 ctx_size;
	/*
	 * May a program of this type (and expected_attach_type) access size
	 * bytes at off of its context for type? Fills *info when it may.
	 */
	bool (*is_valid_access)(int off, int size, enum kbpf_access_type type,
				u32 expected_attach_type,
				struct kbpf_insn_access_aux *info);
	/*
	 * Rewrite the context access si (LDX/STX/ST on the ctx register) into
	 * insn_buf; returns the number of instructions written (less than
	 * KBPF_CTX_REWRITE_MAX). *target_size is the size of the kernel
	 * field read, for narrow-load fix-ups. NULL when the uapi context
	 * is the kernel object itself (pt_regs, raw tracepoint args): no
	 * access is rewritten. Otherwise every access is_valid_access
	 * allows has a rewrite, and 0 means a bug. The verifier calls it
	 * through kbpf_ctx_convert(), which does the narrow loads.
	 */
	u32 (*convert_ctx_access)(enum kbpf_access_type type,
				  const struct bpf_insn *si,
				  struct bpf_insn *insn_buf, u32 *target_size);
	/*
	 * What the fix-ups convert with instead in a program that read
	 * tstamp_type (struct kbpf_insn_access_aux); NULL for the types
	 * without that field.
	 */
	const struct kbpf_ctx_ops *tstamp_type_ops;
};

#define KBPF_CTX_REWRITE_MAX	16

/*
 * Linux's struct bpf_skb_data_end, same layout: where skb-based programs
 * find data_meta and data_end, in skb->cb after the qdisc's part. Whoever
 * runs such a program on an skb fills them first, as Linux's
 * bpf_compute_data_pointers() does: kbpf_skb_compute_data_pointers().
 */
struct kbpf_skb_data_end {
	struct qdisc_skb_cb qdisc_cb;
	void *data_meta;
	void *data_end;
};

static inline void kbpf_skb_compute_data_pointers(struct sk_buff *skb)
{
	struct kbpf_skb_data_end *cb = (struct kbpf_skb_data_end *)skb->cb;

	BUILD_BUG_ON(sizeof(*cb) > sizeof_field(struct sk_buff, cb));
	cb->data_meta = skb->data - skb_metadata_len(skb);
	cb->data_end = skb->data + skb_headlen(skb);
}

/* The context rules of prog_type, or NULL when kbpf cannot load that type. */
const struct kbpf_ctx_ops *kbpf_ctx_ops(u32 prog_type);

/*
 * Linux's convert_ctx_accesses() for one context access that
 * is_valid_access allowed with *info's ctx_field_size: a narrow load is
 * widened to the whole field, rewritten by ops->convert_ctx_access, then
 * shifted and masked down to the bytes asked for. Writes insn_buf (at
 * least KBPF_CTX_REWRITE_MAX instructions) and returns their number, 0
 * when si stays as it is, or -EINVAL when the rewrite is misconfigured
 * (Linux's "bpf verifier is misconfigured").
 */
int kbpf_ctx_convert(const struct kbpf_ctx_ops *ops,
		     enum kbpf_access_type type, const struct bpf_insn *si,
		     u32 ctx_field_size, struct bpf_insn *insn_buf);

#endif /* KBPF_CTX_ACCESS_H */
