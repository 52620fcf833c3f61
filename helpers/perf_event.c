// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_perf_event_output() in Linux 6.1's variants, all writing a
 * PERF_RECORD_SAMPLE to the kbpf perf buffer a PERF_EVENT_ARRAY holds
 * (include/kbpf/perf_buffer.h): the tracing one (data only), the skb and
 * XDP ones (data, then the first BPF_F_CTXLEN_MASK bytes of the packet),
 * and sk_msg's (data only). The verifier has checked that map is a
 * PERF_EVENT_ARRAY and that data holds size readable bytes.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/perf_buffer.h>

#include "protos.h"

static long event_output(struct kbpf_map *map, u64 flags, const void *data,
			 u64 size, const void *ctx, u64 ctx_size,
			 kbpf_ctx_copy_t copy)
{
	long err;

	/* "This CPU" must stay true from the index to the buffer's check. */
	preempt_disable();
	err = kbpf_perf_event_array_output(map, flags, data, size, ctx,
					   ctx_size, copy);
	preempt_enable();
	return err;
}

/* Tracing programs and sk_msg: the data alone, no context bytes. */
static u64 kbpf_perf_event_output(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r2;

	if (unlikely(r3 & ~BPF_F_INDEX_MASK))
		return -EINVAL;
	return event_output(map, r3, (const void *)(unsigned long)r4, r5,
			    NULL, 0, NULL);
}

const struct kbpf_func_proto kbpf_perf_event_output_proto = {
	.func		= kbpf_perf_event_output,
	.name		= "bpf_perf_event_output",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR,
			    KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE_OR_ZERO },
};

static unsigned long skb_ctx_copy(void *dst, const void *ctx, unsigned long off,
			      unsigned long len)
{
	void *p = skb_header_pointer(ctx, off, len, dst);

	if (unlikely(!p))
		return len;
	if (p != dst)
		memcpy(dst, p, len);
	return 0;
}

/* Linux's bpf_skb_event_output(). */
static u64 kbpf_skb_event_output(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const struct sk_buff *skb = (const struct sk_buff *)(unsigned long)r1;
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r2;
	u64 skb_size = (r3 & BPF_F_CTXLEN_MASK) >> 32;

	if (unlikely(r3 & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK)))
		return -EINVAL;
	if (unlikely(!skb || skb_size > skb->len))
		return -EFAULT;
	return event_output(map, r3, (const void *)(unsigned long)r4, r5, skb,
			    skb_size, skb_ctx_copy);
}

const struct kbpf_func_proto kbpf_skb_event_output_proto = {
	.func		= kbpf_skb_event_output,
	.name		= "bpf_perf_event_output",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR,
			    KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE_OR_ZERO },
};

/* kbpf's XDP buffers are linear: the frame is data..data_end. */
static unsigned long xdp_ctx_copy(void *dst, const void *ctx, unsigned long off,
			      unsigned long len)
{
	const struct xdp_buff *xdp = ctx;

	memcpy(dst, xdp->data + off, len);
	return 0;
}

/* Linux's bpf_xdp_event_output(). */
static u64 kbpf_xdp_event_output(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const struct xdp_buff *xdp = (const struct xdp_buff *)(unsigned long)r1;
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r2;
	u64 xdp_size = (r3 & BPF_F_CTXLEN_MASK) >> 32;

	if (unlikely(r3 & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK)))
		return -EINVAL;
	if (unlikely(!xdp || xdp_size > (u64)(xdp->data_end - xdp->data)))
		return -EFAULT;
	return event_output(map, r3, (const void *)(unsigned long)r4, r5, xdp,
			    xdp_size, xdp_ctx_copy);
}

const struct kbpf_func_proto kbpf_xdp_event_output_proto = {
	.func		= kbpf_xdp_event_output,
	.name		= "bpf_perf_event_output",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR,
			    KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE_OR_ZERO },
};
