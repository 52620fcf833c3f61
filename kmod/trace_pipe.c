// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/kbpf/trace_pipe: bpf_trace_printk()'s output, read
 * like ftrace's trace_pipe. A read consumes lines and blocks until there
 * is one (or returns -EAGAIN with O_NONBLOCK); poll says when one is
 * pending. Programs write from any context, NMI included, so they only
 * queue an irq_work; the irq_work wakes the readers.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <kbpf/helpers.h>

#include "trace_pipe.h"

/* Two full messages with their line prefixes fit. */
#define PIPE_BUF_SIZE	4096

struct pipe_reader {
	struct mutex lock;	/* one read at a time per open file */
	size_t len, off;	/* lines in buf not yet copied out */
	char buf[PIPE_BUF_SIZE];
};

static DECLARE_WAIT_QUEUE_HEAD(kbpf_trace_wait);
static struct dentry *kbpf_debugfs_dir;

static void kbpf_trace_wake(struct irq_work *work)
{
	wake_up_interruptible(&kbpf_trace_wait);
}

static DEFINE_IRQ_WORK(kbpf_trace_work, kbpf_trace_wake);

static void kbpf_trace_notify(void)
{
	irq_work_queue(&kbpf_trace_work);
}

static int trace_pipe_open(struct inode *inode, struct file *file)
{
	struct pipe_reader *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	file->private_data = r;
	return nonseekable_open(inode, file);
}

static int trace_pipe_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t trace_pipe_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct pipe_reader *r = file->private_data;
	ssize_t ret;
	size_t n;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;
	while (r->off == r->len) {
		r->len = kbpf_trace_pipe_read(r->buf, sizeof(r->buf));
		r->off = 0;
		if (r->len)
			break;
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		mutex_unlock(&r->lock);
		if (wait_event_interruptible(kbpf_trace_wait,
					     kbpf_trace_pipe_pending()))
			return -ERESTARTSYS;
		if (mutex_lock_interruptible(&r->lock))
			return -ERESTARTSYS;
	}
	n = min(count, r->len - r->off);
	if (copy_to_user(ubuf, r->buf + r->off, n)) {
		ret = -EFAULT;
		goto out;
	}
	r->off += n;
	ret = n;
out:
	mutex_unlock(&r->lock);
	return ret;
}

static __poll_t trace_pipe_poll(struct file *file, poll_table *wait)
{
	struct pipe_reader *r = file->private_data;

	poll_wait(file, &kbpf_trace_wait, wait);
	if (READ_ONCE(r->off) != READ_ONCE(r->len) || kbpf_trace_pipe_pending())
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static const struct file_operations trace_pipe_fops = {
	.owner = THIS_MODULE,
	.open = trace_pipe_open,
	.release = trace_pipe_release,
	.read = trace_pipe_read,
	.poll = trace_pipe_poll,
	.llseek = no_llseek,
};

int kbpf_trace_pipe_file_init(void)
{
	int err = kbpf_trace_pipe_init();

	if (err)
		return err;
	kbpf_trace_pipe_set_notify(kbpf_trace_notify);
	/* Without debugfs the ring still works; only the file is missing. */
	kbpf_debugfs_dir = debugfs_create_dir("kbpf", NULL);
	debugfs_create_file("trace_pipe", 0400, kbpf_debugfs_dir, NULL,
			    &trace_pipe_fops);
	return 0;
}

void kbpf_trace_pipe_file_exit(void)
{
	debugfs_remove(kbpf_debugfs_dir);
	kbpf_trace_pipe_set_notify(NULL);
	irq_work_sync(&kbpf_trace_work);
	kbpf_trace_pipe_exit();
}
