/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: reads and writes of memory that may
 * fault (the _nofault copies) and of user memory.
 */
#ifndef KBPF_SHIM_KAPI_UACCESS_H
#define KBPF_SHIM_KAPI_UACCESS_H

#include <kbpf/kapi_base.h>

#include <unistd.h>		/* getpid */

/* ---- Accesses that may fault --------------------------------------------- */

/*
 * The _nofault copies read or write through the kernel (process_vm_readv
 * and process_vm_writev on the process itself), which answers EFAULT for
 * an unmapped or protected address instead of delivering SIGSEGV: the
 * same contract as the kernel's, which fix up the fault and return
 * -EFAULT. There is no kernel/user split, so no -ERANGE.
 */
#include <sys/uio.h>

static inline long kbpf_shim_vm_copy(void *dst, const void *src, size_t size,
				     bool write_remote)
{
	struct iovec local = { write_remote ? (void *)src : dst, size };
	struct iovec remote = { write_remote ? dst : (void *)src, size };
	ssize_t n;

	if (!size)
		return 0;
	n = write_remote ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
			 : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	return n == (ssize_t)size ? 0 : -EFAULT;
}

static inline long copy_from_kernel_nofault(void *dst, const void *src,
					    size_t size)
{
	return kbpf_shim_vm_copy(dst, src, size, false);
}

static inline long copy_from_user_nofault(void *dst, const void __user *src,
					  size_t size)
{
	return kbpf_shim_vm_copy(dst, src, size, false);
}

static inline long copy_to_user_nofault(void __user *dst, const void *src,
					size_t size)
{
	return kbpf_shim_vm_copy(dst, src, size, true);
}

/* ---- User memory --------------------------------------------------------- */

/*
 * User memory: the host build has one address space, so "user" pointers
 * are plain pointers and the copies cannot fault. They return the number
 * of bytes not copied, as the kernel's do.
 */
static inline unsigned long copy_to_user(void __user *to, const void *from,
					 unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}

static inline unsigned long copy_from_user(void *to, const void __user *from,
					   unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}

#endif /* KBPF_SHIM_KAPI_UACCESS_H */
