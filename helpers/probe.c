// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and writing arbitrary memory from tracing programs. Every access
 * goes through the kernel's _nofault copies, which turn a fault into an
 * error instead of an oops. On failure the destination buffer is zeroed,
 * so a program that ignores the error never sees stale stack bytes.
 *
 * The string variants of the kernel (strncpy_from_{kernel,user}_nofault)
 * are not exported; kbpf reads the string in pieces that never cross a
 * page, with the exported copies, and stops at the NUL. A piece may read
 * bytes past the NUL, on a page the string already touches, never beyond
 * (and never copies them out).
 */
#include <kbpf/kapi.h>

#include "protos.h"

static u64 kbpf_probe_read_kernel(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	void *dst = (void *)(unsigned long)r1;
	u32 size = r2;
	long ret;

	ret = copy_from_kernel_nofault(dst, (const void *)(unsigned long)r3,
				       size);
	if (unlikely(ret < 0))
		memset(dst, 0, size);
	return ret;
}

const struct kbpf_func_proto kbpf_probe_read_kernel_proto = {
	.func		= kbpf_probe_read_kernel,
	.name		= "bpf_probe_read_kernel",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_UNINIT_MEM,
			    KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING },
};

static u64 kbpf_probe_read_user(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	void *dst = (void *)(unsigned long)r1;
	u32 size = r2;
	long ret;

	ret = copy_from_user_nofault(dst,
				     (const void __user *)(unsigned long)r3,
				     size);
	if (unlikely(ret < 0))
		memset(dst, 0, size);
	return ret;
}

const struct kbpf_func_proto kbpf_probe_read_user_proto = {
	.func		= kbpf_probe_read_user,
	.name		= "bpf_probe_read_user",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_UNINIT_MEM,
			    KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING },
};

static long read_kernel_piece(void *dst, unsigned long src, u32 len)
{
	return copy_from_kernel_nofault(dst, (const void *)src, len);
}

static long read_user_piece(void *dst, unsigned long src, u32 len)
{
	return copy_from_user_nofault(dst, (const void __user *)src, len);
}

/*
 * Linux's strncpy_from_*_nofault() contract: the string with its NUL,
 * cut to size - 1 bytes plus a NUL when longer; returns the bytes written
 * including the NUL, 0 for size 0, or the copy's error (dst then zeroed).
 * Nothing past the NUL is written: programs zero a buffer, read a string
 * into it and use it as a map key, as Linux documents they may. Pieces go
 * through a bounce buffer for that reason.
 */
#define STR_PIECE	64

static long read_str(char *dst, unsigned long src, u32 size,
		     long (*read)(void *dst, unsigned long src, u32 len))
{
	char piece[STR_PIECE];
	u32 done = 0;

	if (!size)
		return 0;
	while (done < size) {
		u32 len = min_t(u32, size - done, STR_PIECE);
		char *nul;
		long err;

		len = min_t(u32, len,
			    PAGE_SIZE - ((src + done) & (PAGE_SIZE - 1)));
		err = read(piece, src + done, len);
		if (unlikely(err < 0)) {
			memset(dst, 0, size);
			return err;
		}
		nul = memchr(piece, 0, len);
		if (nul) {
			memcpy(dst + done, piece, nul - piece + 1);
			return done + (nul - piece) + 1;
		}
		memcpy(dst + done, piece, len);
		done += len;
	}
	dst[size - 1] = 0;
	return size;
}

static u64 kbpf_probe_read_kernel_str(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return read_str((char *)(unsigned long)r1, r3, r2, read_kernel_piece);
}

const struct kbpf_func_proto kbpf_probe_read_kernel_str_proto = {
	.func		= kbpf_probe_read_kernel_str,
	.name		= "bpf_probe_read_kernel_str",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_UNINIT_MEM,
			    KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING },
};

static u64 kbpf_probe_read_user_str(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return read_str((char *)(unsigned long)r1, r3, r2, read_user_piece);
}

const struct kbpf_func_proto kbpf_probe_read_user_str_proto = {
	.func		= kbpf_probe_read_user_str,
	.name		= "bpf_probe_read_user_str",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_UNINIT_MEM,
			    KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING },
};

/*
 * The legacy bpf_probe_read() and bpf_probe_read_str(), which predate the
 * split: x86-64's user and kernel halves do not overlap
 * (CONFIG_ARCH_HAS_NON_OVERLAPPING_ADDRESS_SPACE), so Linux tells the two
 * apart by the address, below TASK_SIZE the user's, and reads each as its
 * own helper would.
 */
static u64 kbpf_probe_read_compat(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	if (r3 < TASK_SIZE)
		return kbpf_probe_read_user(r1, r2, r3, r4, r5);
	return kbpf_probe_read_kernel(r1, r2, r3, r4, r5);
}

const struct kbpf_func_proto kbpf_probe_read_compat_proto = {
	.func		= kbpf_probe_read_compat,
	.name		= "bpf_probe_read",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_UNINIT_MEM,
			    KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING },
};

static u64 kbpf_probe_read_compat_str(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	if (r3 < TASK_SIZE)
		return kbpf_probe_read_user_str(r1, r2, r3, r4, r5);
	return kbpf_probe_read_kernel_str(r1, r2, r3, r4, r5);
}

const struct kbpf_func_proto kbpf_probe_read_compat_str_proto = {
	.func		= kbpf_probe_read_compat_str,
	.name		= "bpf_probe_read_str",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_UNINIT_MEM,
			    KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING },
};

/*
 * Only from a user task in task context, with that task's page tables
 * loaded (not a temporary mm being switched): as Linux, -EPERM otherwise.
 */
static u64 kbpf_probe_write_user(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	if (unlikely(in_interrupt() ||
		     current->flags & (PF_KTHREAD | PF_EXITING)))
		return -EPERM;
	if (unlikely(!kbpf_nmi_uaccess_okay()))
		return -EPERM;
	return copy_to_user_nofault((void __user *)(unsigned long)r1,
				    (const void *)(unsigned long)r2, (u32)r3);
}

const struct kbpf_func_proto kbpf_probe_write_user_proto = {
	.func		= kbpf_probe_write_user,
	.name		= "bpf_probe_write_user",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE },
};
