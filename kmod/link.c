// SPDX-License-Identifier: GPL-2.0
/*
 * Link fds: the file that owns an attachment (kmod/link.h). The file's
 * owner is this module, so an open link pins kbpf.ko: rmmod cannot pull
 * the probes' handlers out from under a live attachment.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>

#include "kbpf.h"
#include "link.h"

static int link_release(struct inode *inode, struct file *file)
{
	struct kbpf_link *link = file->private_data;
	struct kbpf_prog *prog = link->prog;

	if (prog) {
		link->ops->release(link);
		kbpf_prog_put(prog);
	}
	link->ops->dealloc(link);
	return 0;
}

static const struct file_operations kbpf_link_fops = {
	.owner = THIS_MODULE,
	.release = link_release,
	.llseek = noop_llseek,
};

void kbpf_link_init(struct kbpf_link *link, u32 type,
		    const struct kbpf_link_ops *ops, struct kbpf_prog *prog)
{
	link->ops = ops;
	link->prog = prog;
	link->type = type;
}

int kbpf_link_prime(struct kbpf_link *link, struct kbpf_link_primer *primer)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	/* Linux's link files are read-write with the name "bpf_link". */
	file = anon_inode_getfile("bpf_link", &kbpf_link_fops, link,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	primer->link = link;
	primer->file = file;
	primer->fd = fd;
	return 0;
}

int kbpf_link_settle(struct kbpf_link_primer *primer)
{
	fd_install(primer->fd, primer->file);
	return primer->fd;
}

void kbpf_link_cleanup(struct kbpf_link_primer *primer)
{
	/* The release then only frees: nothing was attached, no reference held. */
	primer->link->prog = NULL;
	fput(primer->file);
	put_unused_fd(primer->fd);
}
