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

#endif /* _UAPI_LINUX_KBPF_H */
