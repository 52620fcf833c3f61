/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace entry to kbpf: the bpf(2) calling convention over /dev/kbpf.
 */
#ifndef KBPF_TOOLS_LIB_H
#define KBPF_TOOLS_LIB_H

#include <linux/bpf.h>

/*
 * Behaves like syscall(__NR_bpf, cmd, attr, size): returns the command's
 * result (a new fd or 0), or -1 with errno set. /dev/kbpf is opened on first
 * use and kept open; kbpf_close() drops it.
 */
long kbpf_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size);

/* The /dev/kbpf descriptor kbpf_sys_bpf() uses, opening it if needed; -1 on failure. */
int kbpf_dev_fd(void);

/* Close the cached /dev/kbpf descriptor (objects keep their own fds). */
void kbpf_close(void);

#endif /* KBPF_TOOLS_LIB_H */
