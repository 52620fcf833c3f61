/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF_PROG_TEST_RUN, shared between the per-context runners (skb, xdp,
 * raw tracepoint), as Linux's net/bpf/test_run.c shares bpf_test_run().
 */
#ifndef KBPF_SYSCALL_TEST_RUN_H
#define KBPF_SYSCALL_TEST_RUN_H

#include <linux/types.h>
#include <uapi/linux/bpf.h>

struct kbpf_prog;

/*
 * Run prog on ctx repeat times (0 counts as 1) with migration disabled and
 * under rcu_read_lock(), giving the CPU up between runs when it is wanted.
 * *retval is the last run's, *duration the mean ns per run. -EINTR when a
 * signal arrived before the runs were done.
 */
int kbpf_test_run_repeat(const struct kbpf_prog *prog, void *ctx, u32 repeat,
			 u32 *retval, u32 *duration);

/*
 * Report a run: size bytes of data to data_out (cut to data_size_out when
 * the caller gave a smaller one: then -ENOSPC, with everything else still
 * written), data_size_out = size, retval and duration.
 */
int kbpf_test_finish(const union bpf_attr *attr, union bpf_attr __user *uattr,
		     const void *data, u32 size, u32 retval, u32 duration);

/*
 * The caller's ctx_in (ctx_size_in bytes, a larger one with a zero tail)
 * in a zeroed buffer of max_size, when ctx_in or ctx_out is given; NULL
 * when neither is. ERR_PTR on failure. kfree() it.
 */
void *kbpf_test_ctx_init(const union bpf_attr *attr, u32 max_size);

/* Copy ctx (size bytes) to ctx_out if given; -ENOSPC when cut short. */
int kbpf_test_ctx_finish(const union bpf_attr *attr,
			 union bpf_attr __user *uattr, const void *ctx,
			 u32 size);

/*
 * The packet data: data_size_in bytes of data_in after headroom, in a
 * zeroed kmalloc'ed buffer of headroom + SKB_DATA_ALIGN(size) + tailroom.
 * -EINVAL when user_size does not fit in a page with them.
 */
void *kbpf_test_data_init(const union bpf_attr *attr, u32 user_size, u32 size,
			  u32 headroom, u32 tailroom);

/* prog_type is prog's: the skb runner cannot see struct kbpf_prog. */
int kbpf_test_run_skb(const struct kbpf_prog *prog, u32 prog_type,
		      const union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_test_run_xdp(const struct kbpf_prog *prog, const union bpf_attr *attr,
		      union bpf_attr __user *uattr);
int kbpf_test_run_sk_lookup(const struct kbpf_prog *prog,
			    const union bpf_attr *attr,
			    union bpf_attr __user *uattr);

#endif /* KBPF_SYSCALL_TEST_RUN_H */
