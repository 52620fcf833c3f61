// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN: run a loaded program once or repeat times on a
 * context built from the caller's input, as Linux's net/bpf/test_run.c
 * does, and hand back its return value, the mean time per run and the
 * data and context as the program left them. The runners per context
 * kind are in test_run_skb.c and test_run_xdp.c; the raw tracepoint one,
 * the shared timing loop and the copies out are here.
 */
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <uapi/linux/bpf.h>

#include <kbpf/map.h>
#include <kbpf/run_ctx.h>

#include "../kmod/kbpf.h"
#include "attr.h"
#include "cmds.h"
#include "test_run.h"

/* Linux's MAX_BPF_FUNC_ARGS: a raw tracepoint passes at most 12 u64s. */
#define RAW_TP_MAX_ARGS 12

static void run_enter(u64 *start)
{
	rcu_read_lock();
	migrate_disable();
	*start = ktime_get_ns();
}

static void run_leave(void)
{
	migrate_enable();
	rcu_read_unlock();
}

static void test_storages_free(struct kbpf_run_ctx *run_ctx)
{
	int t;

	for (t = 0; t < __KBPF_CGROUP_STORAGE_MAX; t++)
		kbpf_cgroup_storage_free(run_ctx->cgroup_storage[t]);
}

/*
 * Like Linux's bpf_test_run(): a fresh, zeroed storage for each cgroup
 * storage map the program uses, kept over the repeats of this run and
 * never linked into the map (which shows attachments' storages only).
 */
static int test_storages_alloc(const struct kbpf_prog *prog,
			       struct kbpf_run_ctx *run_ctx)
{
	struct kbpf_cgroup_storage *s;
	u32 i;

	for (i = 0; i < prog->used_map_cnt; i++) {
		struct kbpf_map *map = prog->used_maps[i];

		if (!kbpf_map_type_is_cgroup_storage(map->map_type))
			continue;
		s = kbpf_cgroup_storage_alloc(map);
		if (IS_ERR(s)) {
			test_storages_free(run_ctx);
			return PTR_ERR(s);
		}
		run_ctx->cgroup_storage[kbpf_cgroup_storage_type_of(map->map_type)] = s;
	}
	return 0;
}

int kbpf_test_run_repeat(const struct kbpf_prog *prog, void *ctx, u32 repeat,
			 u32 *retval, u32 *duration)
{
	struct kbpf_run_ctx run_ctx = {};
	struct bpf_run_ctx *old_ctx;
	u64 start, spent = 0;
	u32 i = 0;
	int err;

	if (!repeat)
		repeat = 1;
	err = test_storages_alloc(prog, &run_ctx);
	if (err)
		return err;
	old_ctx = kbpf_run_ctx_set(&run_ctx);
	run_enter(&start);
	for (;;) {
		*retval = kbpf_prog_run(prog, ctx);
		if (++i >= repeat)
			break;
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
		if (need_resched()) {
			spent += ktime_get_ns() - start;
			run_leave();
			cond_resched();
			run_enter(&start);
		}
	}
	spent += ktime_get_ns() - start;
	run_leave();
	kbpf_run_ctx_reset(old_ctx);
	test_storages_free(&run_ctx);
	if (err)
		return err;
	spent = div_u64(spent, i);
	*duration = spent > U32_MAX ? U32_MAX : (u32)spent;
	return 0;
}

int kbpf_test_finish(const union bpf_attr *attr, union bpf_attr __user *uattr,
		     const void *data, u32 size, u32 retval, u32 duration)
{
	void __user *data_out = u64_to_user_ptr(attr->test.data_out);
	u32 copy = size;
	int err = 0;

	/* No data_size_out: the whole packet, as before the field existed. */
	if (attr->test.data_size_out && copy > attr->test.data_size_out) {
		copy = attr->test.data_size_out;
		err = -ENOSPC;
	}
	if (data_out && copy_to_user(data_out, data, copy))
		return -EFAULT;
	if (put_user(size, &uattr->test.data_size_out) ||
	    put_user(retval, &uattr->test.retval) ||
	    put_user(duration, &uattr->test.duration))
		return -EFAULT;
	return err;
}

void *kbpf_test_ctx_init(const union bpf_attr *attr, u32 max_size)
{
	void __user *ctx_in = u64_to_user_ptr(attr->test.ctx_in);
	u32 size = attr->test.ctx_size_in;
	void *ctx;
	int err;

	if (!ctx_in && !attr->test.ctx_out)
		return NULL;
	ctx = kzalloc(max_size, GFP_USER);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	if (ctx_in) {
		err = kbpf_check_uarg_tail_zero(ctx_in, max_size, size);
		if (!err && copy_from_user(ctx, ctx_in, min(max_size, size)))
			err = -EFAULT;
		if (err) {
			kfree(ctx);
			return ERR_PTR(err);
		}
	}
	return ctx;
}

int kbpf_test_ctx_finish(const union bpf_attr *attr,
			 union bpf_attr __user *uattr, const void *ctx,
			 u32 size)
{
	void __user *ctx_out = u64_to_user_ptr(attr->test.ctx_out);
	u32 copy = size;
	int err = 0;

	if (!ctx || !ctx_out)
		return 0;
	if (copy > attr->test.ctx_size_out) {
		copy = attr->test.ctx_size_out;
		err = -ENOSPC;
	}
	if (copy_to_user(ctx_out, ctx, copy) ||
	    put_user(size, &uattr->test.ctx_size_out))
		return -EFAULT;
	return err;
}

void *kbpf_test_data_init(const union bpf_attr *attr, u32 user_size, u32 size,
			  u32 headroom, u32 tailroom)
{
	void *data;

	if (user_size > PAGE_SIZE - headroom - tailroom)
		return ERR_PTR(-EINVAL);
	data = kzalloc(SKB_DATA_ALIGN(size) + headroom + tailroom, GFP_USER);
	if (!data)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(data + headroom, u64_to_user_ptr(attr->test.data_in),
			   user_size)) {
		kfree(data);
		return ERR_PTR(-EFAULT);
	}
	return data;
}

struct raw_tp_run {
	const struct kbpf_prog *prog;
	void *args;
	u32 retval;
};

static void raw_tp_run_here(void *data)
{
	struct raw_tp_run *run = data;

	rcu_read_lock();
	run->retval = kbpf_prog_run(run->prog, run->args);
	rcu_read_unlock();
}

/*
 * ctx_in is the tracepoint's u64 arguments. The program runs once, here
 * or, with BPF_F_TEST_RUN_ON_CPU, on test.cpu. The argument buffer always
 * has room for all 12: the verifier does not report how far into the
 * context a program reads (Linux refuses a shorter ctx_in with EINVAL),
 * so arguments the caller did not give read as zero.
 */
static int test_run_raw_tp(const struct kbpf_prog *prog,
			   const union bpf_attr *attr,
			   union bpf_attr __user *uattr)
{
	u32 size = attr->test.ctx_size_in, cpu = attr->test.cpu;
	bool on_cpu = attr->test.flags & BPF_F_TEST_RUN_ON_CPU;
	struct raw_tp_run run = { .prog = prog };
	int err = 0;

	if (attr->test.data_in || attr->test.data_out || attr->test.ctx_out ||
	    attr->test.duration || attr->test.repeat || attr->test.batch_size)
		return -EINVAL;
	if (size > RAW_TP_MAX_ARGS * sizeof(u64))
		return -EINVAL;
	if (!on_cpu && cpu)
		return -EINVAL;
	/* Linux accepts any flag here; only BPF_F_TEST_RUN_ON_CPU means something. */

	run.args = kcalloc(RAW_TP_MAX_ARGS, sizeof(u64), GFP_USER);
	if (!run.args)
		return -ENOMEM;
	if (size && copy_from_user(run.args,
				   u64_to_user_ptr(attr->test.ctx_in), size)) {
		kfree(run.args);
		return -EFAULT;
	}

	/* Pinned here, so "this CPU" stays true while the program runs. */
	if (get_cpu() == cpu || !on_cpu)
		raw_tp_run_here(&run);
	else if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		err = -ENXIO;
	else
		err = smp_call_function_single(cpu, raw_tp_run_here, &run, 1);
	put_cpu();

	if (!err && put_user(run.retval, &uattr->test.retval))
		err = -EFAULT;
	kfree(run.args);
	return err;
}

int kbpf_cmd_prog_test_run(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct kbpf_prog *prog;
	int err;

	if (!attr->test.ctx_size_in != !attr->test.ctx_in ||
	    !attr->test.ctx_size_out != !attr->test.ctx_out)
		return -EINVAL;

	prog = kbpf_prog_get_from_fd(attr->test.prog_fd);
	if (IS_ERR(prog))
		return PTR_ERR(prog);

	switch (prog->type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
		err = kbpf_test_run_skb(prog, prog->type, attr, uattr);
		break;
	case BPF_PROG_TYPE_XDP:
		err = kbpf_test_run_xdp(prog, attr, uattr);
		break;
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		err = test_run_raw_tp(prog, attr, uattr);
		break;
	case BPF_PROG_TYPE_SK_LOOKUP:
		err = kbpf_test_run_sk_lookup(prog, attr, uattr);
		break;
	default:
		/* Linux's answer for types without a test_run (kprobe, ...). */
		err = -ENOTSUPP;
		break;
	}
	kbpf_prog_put(prog);
	return err;
}
