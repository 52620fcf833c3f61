/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copying union bpf_attr (and the info structs of OBJ_GET_INFO_BY_FD) in
 * from userspace with bpf(2)'s size rules.
 */
#ifndef KBPF_SYSCALL_ATTR_H
#define KBPF_SYSCALL_ATTR_H

#include <linux/types.h>

/*
 * bpf(2)'s rule for a user struct of actual_size bytes that the kernel
 * knows as expected_size: more than a page is -E2BIG, a longer struct must
 * be zero past what the kernel knows (-E2BIG otherwise, -EFAULT if it cannot
 * be read), a shorter one is fine (the caller zero-extends).
 */
int kbpf_check_uarg_tail_zero(const void __user *uaddr, size_t expected_size,
			      size_t actual_size);

/* Copy size bytes of attr from uattr into attr, zero-extended. */
int kbpf_attr_copy(union bpf_attr *attr, const void __user *uattr, u32 size);

/* True when attr has non-zero bytes at or past offset (a command's unused fields). */
bool kbpf_attr_tail_nonzero(const union bpf_attr *attr, size_t offset);

#endif /* KBPF_SYSCALL_ATTR_H */
