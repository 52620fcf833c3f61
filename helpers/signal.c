// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_send_signal() and bpf_send_signal_thread(): a signal to the task a
 * tracing program runs in, for its whole thread group or for that thread.
 *
 * Linux sends with group_send_sig_info(sig, SEND_SIG_PRIV, current, type),
 * which 6.1 does not export. kbpf reaches the same sends through exported
 * functions:
 * - the group: kill_pid() of current's own struct pid finds current again
 *   and calls group_send_sig_info(sig, SEND_SIG_PRIV, current,
 *   PIDTYPE_TGID) itself: Linux's call, current preferred to take it;
 * - the thread: send_sig_info() is do_send_sig_info(..., PIDTYPE_PID),
 *   what group_send_sig_info() does for a kernel-sent signal once the
 *   signal is valid and not 0; kbpf checks both first.
 *
 * A program running with preemption or interrupts off may interrupt code
 * holding the locks a send takes (a tracepoint in the scheduler, say), so
 * there, as in Linux, the send waits for an irq_work, one per CPU, and the
 * helper answers -EBUSY while this CPU's is still pending. The work holds
 * the target's struct pid rather than its task and finds the task again
 * when it runs: a thread gone by then gets nothing, as in Linux, where
 * the send to a dead task fails.
 */
#include <kbpf/kapi.h>

#include "protos.h"

struct signal_work {
	struct irq_work work;
	struct pid *pid;
	u32 sig;
	bool group;
};

static struct signal_work __percpu *kbpf_signal_works;

static int send_to(struct pid *pid, u32 sig, bool group)
{
	struct task_struct *task;
	int err = -ESRCH;

	if (!sig)
		return 0;
	if (group)
		return kill_pid(pid, sig, 1);
	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_PID);
	if (task)
		err = send_sig_info(sig, SEND_SIG_PRIV, task);
	rcu_read_unlock();
	return err;
}

static void signal_work_fn(struct irq_work *work)
{
	struct signal_work *w = container_of(work, struct signal_work, work);

	send_to(w->pid, w->sig, w->group);
	put_pid(w->pid);
}

static int send_signal(u32 sig, bool group)
{
	struct signal_work *w;

	/* As bpf_probe_write_user(): a user task, its own memory mapped. */
	if (unlikely(current->flags & (PF_KTHREAD | PF_EXITING)))
		return -EPERM;
	if (unlikely(!kbpf_nmi_uaccess_okay()))
		return -EPERM;
	/* A fatal signal to init would panic the kernel. */
	if (unlikely(is_global_init(current)))
		return -EPERM;
	if (unlikely(!valid_signal(sig)))
		return -EINVAL;
	if (!preempt_count() && !irqs_disabled())
		return send_to(task_pid(current), sig, group);

	w = this_cpu_ptr(kbpf_signal_works);
	if (irq_work_is_busy(&w->work))
		return -EBUSY;
	w->pid = get_pid(task_pid(current));
	w->sig = sig;
	w->group = group;
	irq_work_queue(&w->work);
	return 0;
}

static u64 kbpf_send_signal(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return send_signal(r1, true);
}

const struct kbpf_func_proto kbpf_send_signal_proto = {
	.func		= kbpf_send_signal,
	.name		= "bpf_send_signal",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING },
};

static u64 kbpf_send_signal_thread(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return send_signal(r1, false);
}

const struct kbpf_func_proto kbpf_send_signal_thread_proto = {
	.func		= kbpf_send_signal_thread,
	.name		= "bpf_send_signal_thread",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING },
};

int kbpf_signal_helpers_init(void)
{
	int cpu;

	kbpf_signal_works = alloc_percpu(struct signal_work);
	if (!kbpf_signal_works)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		init_irq_work(&per_cpu_ptr(kbpf_signal_works, cpu)->work,
			      signal_work_fn);
	return 0;
}

/* No program runs any more: wait for the sends still queued. */
void kbpf_signal_helpers_exit(void)
{
	int cpu;

	if (!kbpf_signal_works)
		return;
	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(kbpf_signal_works, cpu)->work);
	free_percpu(kbpf_signal_works);
	kbpf_signal_works = NULL;
}
