// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace entry to kbpf: the bpf(2) calling convention over /dev/kbpf.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kbpf.h>

#include "kbpf.h"

static int kbpf_fd = -1;

int kbpf_dev_fd(void)
{
	if (kbpf_fd < 0)
		kbpf_fd = open(KBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	return kbpf_fd;
}

void kbpf_close(void)
{
	if (kbpf_fd >= 0)
		close(kbpf_fd);
	kbpf_fd = -1;
}

long kbpf_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	struct kbpf_ioctl_bpf req = {
		.cmd = (__u32)cmd,
		.size = size,
		.attr = (__u64)(uintptr_t)attr,
	};
	int fd = kbpf_dev_fd();

	if (fd < 0)
		return -1;
	return ioctl(fd, KBPF_IOCTL_BPF, &req);
}
