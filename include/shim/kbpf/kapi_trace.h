/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: what tracing programs run on (pt_regs,
 * perf events) and the stack walk of bpf_get_stack().
 */
#ifndef KBPF_SHIM_KAPI_TRACE_H
#define KBPF_SHIM_KAPI_TRACE_H

#include <kbpf/kapi_base.h>

/* ---- Tracing contexts ---------------------------------------------------- */

/*
 * struct pt_regs is the uapi one (<asm/ptrace.h>, through
 * <linux/bpf_perf_event.h>), the same 168 bytes as the kernel's on x86-64.
 */
#include <linux/bpf_perf_event.h>
/* The uapi records and mmap page of perf buffers (maps/perf_buffer.c). */
#include <linux/perf_event.h>

/* <linux/trace_events.h>: the largest tracepoint record a program reads. */
#define PERF_MAX_TRACE_SIZE	8192

/* <linux/perf_event.h>: what a perf_event program's context points to. */
struct perf_sample_data {
	u64 addr;
	u64 period;
};

struct perf_event;

struct bpf_perf_event_data_kern {
	bpf_user_pt_regs_t *regs;
	struct perf_sample_data *data;
	struct perf_event *event;
};

/*
 * kbpf_stack_walk(): the kernel's walks its stack with the unwinder
 * (kmod/stack_walk.c); here glibc's backtrace() walks the thread's, and
 * the frames below the one regs name (the helper's return address) are
 * left out by value. Registers that name no frame of this stack (a fake
 * kprobe's) give regs->ip alone.
 */
#include <execinfo.h>

#define KBPF_SHIM_BACKTRACE_MAX	256

static inline u32 kbpf_stack_walk(struct pt_regs *regs, u64 *ips, u32 max)
{
	void *bt[KBPF_SHIM_BACKTRACE_MAX];
	int nr = backtrace(bt, KBPF_SHIM_BACKTRACE_MAX), i;
	u32 n = 0;

	if (!max)
		return 0;
	ips[n++] = regs->rip;
	for (i = 0; i < nr; i++)
		if ((unsigned long)bt[i] == regs->rip)
			break;
	for (i++; i < nr && n < max; i++)
		ips[n++] = (unsigned long)bt[i];
	return n;
}

#define KBPF_CALLER_REGS(regs) do {					\
	memset((regs), 0, sizeof(*(regs)));				\
	(regs)->rip = (unsigned long)__builtin_return_address(0);	\
	(regs)->rsp = (unsigned long)__builtin_frame_address(0);	\
} while (0)

#endif /* KBPF_SHIM_KAPI_TRACE_H */
