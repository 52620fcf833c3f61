// SPDX-License-Identifier: GPL-2.0
/*
 * bpf(2)'s attr size rules. Userspace built against a newer <linux/bpf.h>
 * may pass a larger union; that is fine as long as every field kbpf does not
 * know is zero, so a request is never silently half-understood.
 */
#include <uapi/linux/bpf.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "../kmod/kbpf.h"
#include "attr.h"

int kbpf_check_uarg_tail_zero(const void __user *uaddr, size_t expected_size,
			      size_t actual_size)
{
	int res;

	if (actual_size > PAGE_SIZE)
		return -E2BIG;
	if (actual_size <= expected_size)
		return 0;
	res = check_zeroed_user(uaddr + expected_size,
				actual_size - expected_size);
	if (res < 0)
		return res;
	return res ? 0 : -E2BIG;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_check_uarg_tail_zero);

int kbpf_attr_copy(union bpf_attr *attr, const void __user *uattr, u32 size)
{
	int err;

	err = kbpf_check_uarg_tail_zero(uattr, sizeof(*attr), size);
	if (err)
		return err;
	size = min_t(u32, size, sizeof(*attr));
	memset(attr, 0, sizeof(*attr));
	if (copy_from_user(attr, uattr, size))
		return -EFAULT;
	return 0;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_attr_copy);

bool kbpf_attr_tail_nonzero(const union bpf_attr *attr, size_t offset)
{
	if (offset >= sizeof(*attr))
		return false;
	return memchr_inv((const char *)attr + offset, 0,
			  sizeof(*attr) - offset) != NULL;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_attr_tail_nonzero);
