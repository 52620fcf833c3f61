// SPDX-License-Identifier: GPL-2.0
/*
 * Context access: the table from program type to its rules, and the
 * per-instruction part of Linux's convert_ctx_accesses() that every type
 * shares, narrow loads.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "ctx_ops.h"

const struct kbpf_ctx_ops *kbpf_ctx_ops(u32 prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
		return &kbpf_ctx_sk_filter_ops;
	case BPF_PROG_TYPE_CGROUP_SKB:
		return &kbpf_ctx_cg_skb_ops;
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return &kbpf_ctx_tc_ops;
	case BPF_PROG_TYPE_XDP:
		return &kbpf_ctx_xdp_ops;
	case BPF_PROG_TYPE_KPROBE:
		return &kbpf_ctx_kprobe_ops;
	case BPF_PROG_TYPE_TRACEPOINT:
		return &kbpf_ctx_tracepoint_ops;
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		return &kbpf_ctx_raw_tp_ops;
	case BPF_PROG_TYPE_PERF_EVENT:
		return &kbpf_ctx_perf_event_ops;
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
		return &kbpf_ctx_lwt_ops;
	case BPF_PROG_TYPE_SK_SKB:
		return &kbpf_ctx_sk_skb_ops;
	case BPF_PROG_TYPE_SK_MSG:
		return &kbpf_ctx_sk_msg_ops;
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		return &kbpf_ctx_sock_addr_ops;
	case BPF_PROG_TYPE_SK_LOOKUP:
		return &kbpf_ctx_sk_lookup_ops;
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
		return &kbpf_ctx_sysctl_ops;
	case BPF_PROG_TYPE_CGROUP_DEVICE:
		return &kbpf_ctx_cg_dev_ops;
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return &kbpf_ctx_sockopt_ops;
	case BPF_PROG_TYPE_SOCK_OPS:
		return &kbpf_ctx_sock_ops_ops;
	case BPF_PROG_TYPE_CGROUP_SOCK:
		return &kbpf_ctx_cg_sock_ops;
	default:
		return NULL;
	}
}

/* Linux's bpf_ctx_off_adjust_machine(): fields wider than a register are read a register at a time. */
static u32 ctx_size_default(u32 ctx_field_size)
{
	if (ctx_field_size > sizeof(u64) && ctx_field_size % sizeof(u64) == 0)
		return sizeof(u64);
	return ctx_field_size;
}

int kbpf_ctx_convert(const struct kbpf_ctx_ops *ops,
		     enum kbpf_access_type type, const struct bpf_insn *si,
		     u32 ctx_field_size, struct bpf_insn *insn_buf)
{
	u32 size = kbpf_ldst_bytes(si->code);
	u32 size_default = ctx_size_default(ctx_field_size);
	bool narrow = size < ctx_field_size;
	struct bpf_insn insn = *si;
	u32 target_size = 0;
	u32 cnt, shift;

	if (!ops->convert_ctx_access)
		return 0;
	if (narrow) {
		u8 size_code = BPF_H;

		/* is_valid_access only records a field size for reads. */
		if (type == KBPF_WRITE)
			return -EINVAL;
		if (ctx_field_size == 4)
			size_code = BPF_W;
		else if (ctx_field_size == 8)
			size_code = BPF_DW;
		insn.off = si->off & ~(size_default - 1);
		insn.code = BPF_LDX | BPF_MEM | size_code;
	}

	cnt = ops->convert_ctx_access(type, &insn, insn_buf, &target_size);
	if (!cnt || cnt >= KBPF_CTX_REWRITE_MAX ||
	    (ctx_field_size && !target_size))
		return -EINVAL;

	/*
	 * Like Linux, only narrow loads of a field wider than the access
	 * are cut down; the bytes asked for sit at their offset within the
	 * field on a little-endian machine.
	 */
	if (narrow && size < target_size) {
		shift = (si->off & (size_default - 1)) * 8;
		if (shift && cnt + 1 >= KBPF_CTX_REWRITE_MAX)
			return -EINVAL;
		if (shift && ctx_field_size <= 4)
			insn_buf[cnt++] = BPF_ALU32_IMM(BPF_RSH, si->dst_reg, shift);
		else if (shift)
			insn_buf[cnt++] = BPF_ALU64_IMM(BPF_RSH, si->dst_reg, shift);
		insn_buf[cnt++] = BPF_ALU32_IMM(BPF_AND, si->dst_reg,
						(u32)((1ULL << size * 8) - 1));
	}
	return cnt;
}
