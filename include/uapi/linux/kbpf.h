/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kbpf: the bpf(2) system call, reimplemented by an out-of-tree module and
 * reached through one ioctl on /dev/kbpf.
 *
 * The attr pointer refers to a union bpf_attr exactly as <linux/bpf.h>
 * defines it; cmd is an enum bpf_cmd value. The ioctl returns what bpf(2)
 * would return: a new file descriptor, 0, or -1 with errno set.
 */
#ifndef _UAPI_LINUX_KBPF_H
#define _UAPI_LINUX_KBPF_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KBPF_DEVICE_NAME	"kbpf"
#define KBPF_DEVICE_PATH	"/dev/kbpf"

struct kbpf_ioctl_bpf {
	__u32		cmd;	/* enum bpf_cmd */
	__u32		size;	/* bytes of union bpf_attr at attr */
	__aligned_u64	attr;	/* user pointer to union bpf_attr */
};

#define KBPF_IOCTL_MAGIC	0xbf
#define KBPF_IOCTL_BPF		_IOW(KBPF_IOCTL_MAGIC, 1, struct kbpf_ioctl_bpf)

/*
 * A perf buffer: what BPF_MAP_TYPE_PERF_EVENT_ARRAY's values refer to,
 * standing in for Linux's perf_event_open() of PERF_COUNT_SW_BPF_OUTPUT
 * events (the kernel's perf buffers are not reachable from a module).
 * KBPF_IOCTL_PERF_BUFFER on /dev/kbpf returns a new fd (O_CLOEXEC) for a
 * buffer of CPU cpu; BPF_MAP_UPDATE_ELEM of a PERF_EVENT_ARRAY takes that
 * fd as the value, and bpf_perf_event_output() writes to it from programs
 * running on that CPU (elsewhere: -EOPNOTSUPP, as for a perf event that is
 * not active on the CPU).
 *
 * mmap the fd whole, MAP_SHARED, offset 0, 1 + data_pages pages, as perf
 * buffers are: page 0 is a struct perf_event_mmap_page (<linux/perf_event.h>;
 * data_head, data_tail, data_offset, data_size are meaningful), the data
 * pages follow. Records use perf's layout: PERF_RECORD_SAMPLE with
 * PERF_SAMPLE_RAW (struct perf_event_header, __u32 size, size bytes of
 * data padded to 8 bytes) and PERF_RECORD_LOST (header, __u64 id = 0,
 * __u64 lost) once room returns after samples were dropped. The consumer
 * reads from data_tail up to data_head (acquire), records may wrap at the
 * end of the data area, then stores the new data_tail (release). poll()
 * reports EPOLLIN once wakeup_events samples (0: 1) were written since the
 * consumer was last woken, as perf does.
 */
struct kbpf_perf_buffer_attr {
	__s32		cpu;		/* a possible CPU */
	__u32		data_pages;	/* a power of 2, at most 2048 */
	__u32		wakeup_events;
	__u32		flags;		/* 0 */
};

/* Not 2: tests use (MAGIC, 2) as the example of a request kbpf does not know. */
#define KBPF_IOCTL_PERF_BUFFER	_IOW(KBPF_IOCTL_MAGIC, 0x20, struct kbpf_perf_buffer_attr)

#endif /* _UAPI_LINUX_KBPF_H */
