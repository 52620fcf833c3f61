// SPDX-License-Identifier: GPL-2.0
/*
 * Perf buffer fds (KBPF_IOCTL_PERF_BUFFER, include/uapi/linux/kbpf.h):
 * the file that owns a reference to a kbpf perf buffer (maps/
 * perf_buffer.c), maps its pages for the consumer and polls for its
 * wake-ups; and the lookup BPF_MAP_UPDATE_ELEM of a PERF_EVENT_ARRAY
 * does on the fd userspace gives as the value.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <uapi/linux/kbpf.h>

#include <kbpf/perf_buffer.h>

#include "kbpf.h"

/* The whole buffer from offset 0, shared, as perf maps its buffers. */
static int perf_buffer_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kbpf_perf_buffer *pb = file->private_data;
	unsigned long addr;
	u64 size;
	void *area = kbpf_perf_buffer_area(pb, &size);
	int err;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != size)
		return -EINVAL;
	vma->vm_flags &= ~VM_MAYEXEC;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		err = vm_insert_page(vma, addr, vmalloc_to_page(area));
		if (err)
			return err;
		area += PAGE_SIZE;
	}
	return 0;
}

static __poll_t perf_buffer_poll(struct file *file,
				 struct poll_table_struct *pts)
{
	return kbpf_perf_buffer_poll(file->private_data, file, pts);
}

static int perf_buffer_release(struct inode *inode, struct file *file)
{
	kbpf_perf_buffer_put(file->private_data);
	return 0;
}

static const struct file_operations kbpf_perf_buffer_fops = {
	.owner = THIS_MODULE,
	.mmap = perf_buffer_mmap,
	.poll = perf_buffer_poll,
	.release = perf_buffer_release,
	.llseek = noop_llseek,
};

/* Like perf_event_open(), only for the privileged (CAP_BPF or CAP_SYS_ADMIN). */
long kbpf_perf_buffer_ioctl(void __user *uattr)
{
	struct kbpf_perf_buffer_attr attr;
	struct kbpf_perf_buffer *pb;
	int fd;

	if (copy_from_user(&attr, uattr, sizeof(attr)))
		return -EFAULT;
	if (attr.flags)
		return -EINVAL;
	if (!kbpf_capable())
		return -EPERM;
	pb = kbpf_perf_buffer_alloc(attr.cpu, attr.data_pages,
				    attr.wakeup_events);
	if (IS_ERR(pb))
		return PTR_ERR(pb);
	fd = anon_inode_getfd("kbpf-perf-buffer", &kbpf_perf_buffer_fops, pb,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0)
		kbpf_perf_buffer_put(pb);
	return fd;
}

struct kbpf_perf_buffer *kbpf_perf_buffer_from_fd(int ufd)
{
	struct kbpf_perf_buffer *pb;
	struct fd f = fdget(ufd);

	if (!f.file)
		return ERR_PTR(-EBADF);
	/* Linux's perf_event_get() answers EBADF for any other file too. */
	if (f.file->f_op != &kbpf_perf_buffer_fops) {
		fdput(f);
		return ERR_PTR(-EBADF);
	}
	pb = f.file->private_data;
	kbpf_perf_buffer_get(pb);
	fdput(f);
	return pb;
}
