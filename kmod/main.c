// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf: the eBPF subsystem as an out-of-tree module. This file owns module
 * load/unload and /dev/kbpf, whose one ioctl is bpf(2).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <linux/kbpf.h>

#include <kbpf/helpers.h>

#include "kbpf.h"
#include "../jit/arena.h"
#include "trace_pipe.h"

bool kbpf_unprivileged_bpf_enabled;
module_param_named(unprivileged_bpf, kbpf_unprivileged_bpf_enabled, bool, 0644);
MODULE_PARM_DESC(unprivileged_bpf,
		 "Allow map creation and program loads without CAP_BPF (default: no, like kernel.unprivileged_bpf_disabled)");

struct workqueue_struct *kbpf_free_wq;
atomic_t kbpf_live_objects = ATOMIC_INIT(0);
KBPF_EXPORT_FOR_KUNIT(kbpf_live_objects);

void kbpf_wait_for_frees(void)
{
	/* Frees go through call_rcu() and then the free workqueue. */
	rcu_barrier();
	flush_workqueue(kbpf_free_wq);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_wait_for_frees);

bool kbpf_capable(void)
{
	return capable(CAP_BPF) || capable(CAP_SYS_ADMIN);
}

static long kbpf_dev_ioctl(struct file *file, unsigned int ioc,
			   unsigned long arg)
{
	struct kbpf_ioctl_bpf req;

	if (ioc == KBPF_IOCTL_PERF_BUFFER)
		return kbpf_perf_buffer_ioctl((void __user *)arg);
	if (ioc != KBPF_IOCTL_BPF)
		return -ENOTTY;
	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	return kbpf_sys_bpf(req.cmd, u64_to_user_ptr(req.attr), req.size);
}

static const struct file_operations kbpf_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kbpf_dev_ioctl,
	/* The request layout is the same for 32-bit callers. */
	.compat_ioctl = kbpf_dev_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice kbpf_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBPF_DEVICE_NAME,
	.fops = &kbpf_dev_fops,
	.mode = 0600,
};

static int __init kbpf_init(void)
{
	int err;

	kbpf_free_wq = alloc_workqueue("kbpf_free", WQ_UNBOUND, 0);
	if (!kbpf_free_wq)
		return -ENOMEM;
	err = kbpf_nsfs_dev_init();
	if (err)
		goto err_free_wq;
	err = kbpf_arena_init();
	if (err)
		goto err_free_wq;
	err = kbpf_helpers_init();
	if (err)
		goto err_arena;
	err = kbpf_trace_pipe_file_init();
	if (err)
		goto err_helpers;
	err = misc_register(&kbpf_dev);
	if (err)
		goto err_trace_pipe;
	pr_info("ready on /dev/%s\n", KBPF_DEVICE_NAME);
	return 0;

err_trace_pipe:
	kbpf_trace_pipe_file_exit();
err_helpers:
	kbpf_helpers_exit();
err_arena:
	kbpf_arena_exit();
err_free_wq:
	destroy_workqueue(kbpf_free_wq);
	return err;
}

static void __exit kbpf_exit(void)
{
	misc_deregister(&kbpf_dev);
	/*
	 * Every object holds a module reference until its free work has run,
	 * so none is left; wait for the RCU callbacks that queued those works
	 * and for the works themselves to return before the text goes away.
	 */
	rcu_barrier();
	destroy_workqueue(kbpf_free_wq);
	kbpf_trace_pipe_file_exit();
	kbpf_helpers_exit();
	kbpf_arena_exit();
	WARN_ON(atomic_read(&kbpf_live_objects));
	kbpf_ids_destroy(&kbpf_map_ids);
	kbpf_ids_destroy(&kbpf_prog_ids);
}

module_init(kbpf_init);
module_exit(kbpf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kbpf: an eBPF subsystem reimplemented as a module, reached through /dev/kbpf");
MODULE_AUTHOR("kbpf developers");
