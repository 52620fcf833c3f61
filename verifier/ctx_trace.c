// SPDX-License-Identifier: GPL-2.0
/*
 * The contexts of tracing programs, Linux 6.1's rules from
 * kernel/trace/bpf_trace.c: all read-only.
 * - kprobe: struct pt_regs itself, any aligned read inside it;
 * - tracepoint: the raw record, any aligned read past the common header's
 *   first 8 bytes and below PERF_MAX_TRACE_SIZE (whether the record of
 *   the tracepoint a program attaches to is that long is checked at
 *   attach, from the largest offset read);
 * - raw_tracepoint: the u64 argument array, any aligned read of its
 *   MAX_BPF_FUNC_ARGS words;
 * - perf_event: struct bpf_perf_event_data over struct
 *   bpf_perf_event_data_kern: regs read a word at a time through the
 *   regs pointer, sample_period and addr (narrow reads too) from the
 *   sample data.
 * The first three run on the uapi layout itself: nothing is rewritten.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "ctx_ops.h"

/* Linux's MAX_BPF_FUNC_ARGS (<linux/bpf.h>, kernel-internal): u64 words of raw tracepoint arguments. */
#define RAW_TP_MAX_ARGS		12

static bool kprobe_is_valid_access(int off, int size,
				   enum kbpf_access_type type,
				   u32 expected_attach_type,
				   struct kbpf_insn_access_aux *info)
{
	if (off < 0 || off >= (int)sizeof(struct pt_regs))
		return false;
	if (type != KBPF_READ || off % size != 0)
		return false;
	return off + size <= (int)sizeof(struct pt_regs);
}

static bool tracepoint_is_valid_access(int off, int size,
				       enum kbpf_access_type type,
				       u32 expected_attach_type,
				       struct kbpf_insn_access_aux *info)
{
	/* The first 8 bytes (common type, flags, preempt count, pid) are off limits. */
	if (off < (int)sizeof(void *) || off >= PERF_MAX_TRACE_SIZE)
		return false;
	BUILD_BUG_ON(PERF_MAX_TRACE_SIZE % sizeof(u64));
	return type == KBPF_READ && off % size == 0;
}

static bool raw_tp_is_valid_access(int off, int size,
				   enum kbpf_access_type type,
				   u32 expected_attach_type,
				   struct kbpf_insn_access_aux *info)
{
	if (off < 0 || off >= (int)(sizeof(u64) * RAW_TP_MAX_ARGS))
		return false;
	return type == KBPF_READ && off % size == 0;
}

#define PE_FIRST(MEMBER)	KBPF_CTX_FIRST(struct bpf_perf_event_data, MEMBER)
#define PE_LAST(MEMBER)		KBPF_CTX_LAST(struct bpf_perf_event_data, MEMBER)

static bool perf_event_is_valid_access(int off, int size,
				       enum kbpf_access_type type,
				       u32 expected_attach_type,
				       struct kbpf_insn_access_aux *info)
{
	const int size_u64 = sizeof(u64);

	if (off < 0 || off >= (int)sizeof(struct bpf_perf_event_data))
		return false;
	if (type != KBPF_READ || off % size != 0)
		return false;

	switch (off) {
	case PE_FIRST(sample_period) ... PE_LAST(sample_period):
	case PE_FIRST(addr) ... PE_LAST(addr):
		info->ctx_field_size = size_u64;
		return kbpf_ctx_narrow_ok(size, size_u64);
	default:
		/* The registers: whole words only. */
		return size == sizeof(long);
	}
}

static u32 perf_event_convert_ctx_access(enum kbpf_access_type type,
					 const struct bpf_insn *si,
					 struct bpf_insn *insn_buf,
					 u32 *target_size)
{
	struct bpf_insn *insn = insn_buf;
	u8 dst = si->dst_reg, src = si->src_reg;

	BUILD_BUG_ON(sizeof_field(struct perf_sample_data, period) != 8);
	BUILD_BUG_ON(sizeof_field(struct perf_sample_data, addr) != 8);

	switch (si->off) {
	case offsetof(struct bpf_perf_event_data, sample_period):
		*insn++ = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct bpf_perf_event_data_kern, data),
				      dst, src,
				      offsetof(struct bpf_perf_event_data_kern, data));
		*target_size = 8;
		*insn++ = BPF_LDX_MEM(BPF_DW, dst, dst,
				      offsetof(struct perf_sample_data, period));
		break;
	case offsetof(struct bpf_perf_event_data, addr):
		*insn++ = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct bpf_perf_event_data_kern, data),
				      dst, src,
				      offsetof(struct bpf_perf_event_data_kern, data));
		*target_size = 8;
		*insn++ = BPF_LDX_MEM(BPF_DW, dst, dst,
				      offsetof(struct perf_sample_data, addr));
		break;
	default:
		/* regs: the uapi struct starts with them, at the same offsets. */
		*insn++ = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct bpf_perf_event_data_kern, regs),
				      dst, src,
				      offsetof(struct bpf_perf_event_data_kern, regs));
		*insn++ = BPF_LDX_MEM(kbpf_bpf_size(sizeof(long)), dst, dst,
				      si->off);
		break;
	}
	return insn - insn_buf;
}

const struct kbpf_ctx_ops kbpf_ctx_kprobe_ops = {
	.ctx_size = sizeof(struct pt_regs),
	.is_valid_access = kprobe_is_valid_access,
};

const struct kbpf_ctx_ops kbpf_ctx_tracepoint_ops = {
	.ctx_size = PERF_MAX_TRACE_SIZE,
	.is_valid_access = tracepoint_is_valid_access,
};

const struct kbpf_ctx_ops kbpf_ctx_raw_tp_ops = {
	.ctx_size = sizeof(u64) * RAW_TP_MAX_ARGS,
	.is_valid_access = raw_tp_is_valid_access,
};

const struct kbpf_ctx_ops kbpf_ctx_perf_event_ops = {
	.ctx_size = sizeof(struct bpf_perf_event_data),
	.is_valid_access = perf_event_is_valid_access,
	.convert_ctx_access = perf_event_convert_ctx_access,
};
