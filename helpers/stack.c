// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_get_stackid() and bpf_get_stack() with Linux 6.1's semantics, for
 * kernel stacks: the frames come from kbpf_stack_walk() (<kbpf/kapi.h>,
 * kmod/stack_walk.c), which starts where Linux's perf_callchain_kernel()
 * starts for each program type:
 *
 * - kprobe: the probe's pt_regs, the context itself;
 * - tracepoint: the pt_regs whose pointer heads the record, as Linux's
 *   perf trace buffers carry it;
 * - perf_event: the sample's pt_regs (Linux uses the sample's callchain
 *   when the event records one; kbpf always unwinds from the registers);
 * - raw tracepoint: the helper's caller, the program (Linux's
 *   perf_fetch_caller_regs()), so the helper's own frames never appear.
 *
 * User stacks (BPF_F_USER_STACK) are not offered: the kernel's user stack
 * walker (stack_trace_save_user, perf's callchain code) is not exported,
 * so those calls fail with -EOPNOTSUPP once the flags are otherwise
 * valid (Linux would return the frames, or -EFAULT without a user
 * context). The maps' frames are at most KBPF_MAX_STACK_DEPTH, Linux's
 * default kernel.perf_event_max_stack.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/stack_map.h>

#include "protos.h"

/*
 * Room for a whole trace per CPU and context level (task, softirq, irq,
 * NMI), as Linux's callchain buffers: 1 KiB is too much for the stack of
 * a helper that may run nested in an interrupt.
 */
#define STACK_NEST_MAX	4

struct stack_buf {
	u64 ips[STACK_NEST_MAX][KBPF_MAX_STACK_DEPTH];
	int nest;
};

static struct stack_buf __percpu *kbpf_stack_bufs;

int kbpf_stack_helpers_init(void)
{
	kbpf_stack_bufs = alloc_percpu(struct stack_buf);
	return kbpf_stack_bufs ? 0 : -ENOMEM;
}

void kbpf_stack_helpers_exit(void)
{
	free_percpu(kbpf_stack_bufs);
	kbpf_stack_bufs = NULL;
}

/*
 * This CPU's buffer of the next level, with preemption off until
 * put_ips(); NULL (and preemption on again) when all levels are taken.
 * A nested user always gives its level back before the one it
 * interrupted resumes, so the plain counter stays right.
 */
static u64 *get_ips(void)
{
	struct stack_buf *buf;
	int nest;

	preempt_disable();
	if (unlikely(!kbpf_stack_bufs))
		goto none;
	buf = this_cpu_ptr(kbpf_stack_bufs);
	nest = READ_ONCE(buf->nest);
	if (nest >= STACK_NEST_MAX)
		goto none;
	WRITE_ONCE(buf->nest, nest + 1);
	barrier();
	return buf->ips[nest];
none:
	preempt_enable();
	return NULL;
}

static void put_ips(void)
{
	struct stack_buf *buf = this_cpu_ptr(kbpf_stack_bufs);

	barrier();
	WRITE_ONCE(buf->nest, buf->nest - 1);
	preempt_enable();
}

/* Linux's bpf_get_stackid(), from the registers a variant found. */
static long get_stackid(struct pt_regs *regs, struct kbpf_map *map, u64 flags)
{
	u32 max_depth = map->value_size / kbpf_stack_map_elem_size(map);
	u32 skip = flags & BPF_F_SKIP_FIELD_MASK, nr;
	long ret;
	u64 *ips;

	if (unlikely(flags & ~(u64)KBPF_STACKID_FLAGS))
		return -EINVAL;
	if (flags & BPF_F_USER_STACK)
		return -EOPNOTSUPP;
	max_depth += skip;
	if (max_depth > KBPF_MAX_STACK_DEPTH)
		max_depth = KBPF_MAX_STACK_DEPTH;
	ips = get_ips();
	if (unlikely(!ips))
		return -EFAULT;
	nr = kbpf_stack_walk(regs, ips, max_depth);
	ret = kbpf_stack_map_get_id(map, ips, nr, flags);
	put_ips();
	return ret;
}

/* Linux's __bpf_get_stack() for the current task's kernel stack. */
static long get_stack(struct pt_regs *regs, void *buf, u32 size, u64 flags)
{
	u32 skip = flags & BPF_F_SKIP_FIELD_MASK, nr, copy_len, max_depth;
	bool user = flags & BPF_F_USER_STACK;
	long err = -EINVAL;
	u64 *ips;

	if (unlikely(flags & ~(u64)(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK |
				    BPF_F_USER_BUILD_ID)))
		goto clear;
	if (!user && (flags & BPF_F_USER_BUILD_ID))
		goto clear;
	/* A build id record is 32 bytes, a multiple of 8: one check for both. */
	if (unlikely(size % (user && (flags & BPF_F_USER_BUILD_ID) ?
			     sizeof(struct bpf_stack_build_id) : sizeof(u64))))
		goto clear;
	if (user) {
		err = -EOPNOTSUPP;
		goto clear;
	}
	max_depth = size / sizeof(u64) + skip;
	if (max_depth > KBPF_MAX_STACK_DEPTH)
		max_depth = KBPF_MAX_STACK_DEPTH;
	err = -EFAULT;
	ips = get_ips();
	if (unlikely(!ips))
		goto clear;
	nr = kbpf_stack_walk(regs, ips, max_depth);
	if (nr < skip) {
		put_ips();
		goto clear;
	}
	nr = min_t(u32, nr - skip, size / sizeof(u64));
	copy_len = nr * sizeof(u64);
	memcpy(buf, ips + skip, copy_len);
	put_ips();
	if (size > copy_len)
		memset(buf + copy_len, 0, size - copy_len);
	return copy_len;
clear:
	memset(buf, 0, size);
	return err;
}

/* kprobe: the context is the probe's pt_regs. */
static u64 kbpf_get_stackid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_stackid((struct pt_regs *)(unsigned long)r1,
			   (struct kbpf_map *)(unsigned long)r2, r3);
}

static u64 kbpf_get_stack(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_stack((struct pt_regs *)(unsigned long)r1,
			 (void *)(unsigned long)r2, r3, r4);
}

/* tracepoint: the record starts with the pointer to the event's regs. */
static struct pt_regs *tp_regs(u64 ctx)
{
	return *(struct pt_regs **)(unsigned long)ctx;
}

static u64 kbpf_get_stackid_tp(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_stackid(tp_regs(r1), (struct kbpf_map *)(unsigned long)r2,
			   r3);
}

static u64 kbpf_get_stack_tp(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_stack(tp_regs(r1), (void *)(unsigned long)r2, r3, r4);
}

/* perf_event: the sample's registers. */
static struct pt_regs *pe_regs(u64 ctx)
{
	const struct bpf_perf_event_data_kern *pe =
		(const void *)(unsigned long)ctx;

	return (struct pt_regs *)pe->regs;
}

static u64 kbpf_get_stackid_pe(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_stackid(pe_regs(r1), (struct kbpf_map *)(unsigned long)r2,
			   r3);
}

static u64 kbpf_get_stack_pe(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_stack(pe_regs(r1), (void *)(unsigned long)r2, r3, r4);
}

/*
 * Raw tracepoint: the stack of the program's caller, from the return
 * address into the program. noinline: the registers name this frame.
 */
static noinline u64 kbpf_get_stackid_raw_tp(u64 r1, u64 r2, u64 r3, u64 r4,
					    u64 r5)
{
	struct pt_regs regs;

	KBPF_CALLER_REGS(&regs);
	return get_stackid(&regs, (struct kbpf_map *)(unsigned long)r2, r3);
}

static noinline u64 kbpf_get_stack_raw_tp(u64 r1, u64 r2, u64 r3, u64 r4,
					  u64 r5)
{
	struct pt_regs regs;

	KBPF_CALLER_REGS(&regs);
	return get_stack(&regs, (void *)(unsigned long)r2, r3, r4);
}

#define STACKID_PROTO(_name, _func, _gpl)				\
const struct kbpf_func_proto _name = {					\
	.func		= _func,					\
	.name		= "bpf_get_stackid",				\
	.gpl_only	= _gpl,						\
	.ret_type	= KBPF_RET_INTEGER,				\
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR,	\
			    KBPF_ARG_ANYTHING },			\
}

#define STACK_PROTO(_name, _func)					\
const struct kbpf_func_proto _name = {					\
	.func		= _func,					\
	.name		= "bpf_get_stack",				\
	.gpl_only	= true,						\
	.ret_type	= KBPF_RET_INTEGER,				\
	.arg_type	= { KBPF_ARG_PTR_TO_CTX,			\
			    KBPF_ARG_PTR_TO_UNINIT_MEM,			\
			    KBPF_ARG_CONST_SIZE_OR_ZERO,		\
			    KBPF_ARG_ANYTHING },			\
}

/* Linux's gpl_only: true but for perf_event's stackid (bpf_get_stackid_proto_pe). */
STACKID_PROTO(kbpf_get_stackid_proto, kbpf_get_stackid, true);
STACKID_PROTO(kbpf_get_stackid_tp_proto, kbpf_get_stackid_tp, true);
STACKID_PROTO(kbpf_get_stackid_pe_proto, kbpf_get_stackid_pe, false);
STACKID_PROTO(kbpf_get_stackid_raw_tp_proto, kbpf_get_stackid_raw_tp, true);
STACK_PROTO(kbpf_get_stack_proto, kbpf_get_stack);
STACK_PROTO(kbpf_get_stack_tp_proto, kbpf_get_stack_tp);
STACK_PROTO(kbpf_get_stack_pe_proto, kbpf_get_stack_pe);
STACK_PROTO(kbpf_get_stack_raw_tp_proto, kbpf_get_stack_raw_tp);
