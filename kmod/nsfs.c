// SPDX-License-Identifier: GPL-2.0
/*
 * The device of nsfs, the filesystem of the /proc/PID/ns/ files, which
 * bpf_get_ns_current_pid_tgid() compares with the device a program gives,
 * as Linux's ns_match() does. The kernel keeps it in nsfs_mnt, which is
 * not exported; every namespace file lives on that one superblock, so
 * kbpf opens one, the initial pid namespace's, through the exported
 * open_related_ns() and reads its superblock's device. No mount is
 * needed, /proc need not be there.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>

#include "kbpf.h"

dev_t kbpf_nsfs_dev;

/* open_related_ns() takes a reference, which the file drops on close. */
static struct ns_common *init_pid_ns_get(struct ns_common *ns)
{
	return &get_pid_ns(&init_pid_ns)->ns;
}

/*
 * The fd lives in the loading task's table only until close_fd() below;
 * it is opened close-on-exec.
 */
int kbpf_nsfs_dev_init(void)
{
	struct file *file;
	int fd;

	/*
	 * Without CONFIG_PID_NS the initial pid namespace has no nsfs
	 * operations and no file can stand for it (releasing one would call
	 * a NULL put). No /proc/PID/ns/pid exists to give a program the
	 * device either: kbpf_nsfs_dev stays 0, which no superblock has, and
	 * bpf_get_ns_current_pid_tgid() answers -EINVAL.
	 */
	if (!init_pid_ns.ns.ops)
		return 0;
	fd = open_related_ns(&init_pid_ns.ns, init_pid_ns_get);
	if (fd < 0)
		return fd;
	file = fget(fd);
	close_fd(fd);
	if (!file)
		return -EBADF;
	kbpf_nsfs_dev = file_inode(file)->i_sb->s_dev;
	fput(file);
	return 0;
}
