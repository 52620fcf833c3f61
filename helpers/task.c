// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers about the current task: ids, credentials, name, cgroup. A
 * program runs on behalf of whatever task the CPU is in (interrupted or
 * not), so these describe that task, as in Linux.
 */
#include <kbpf/kapi.h>

#include "protos.h"

static u64 kbpf_get_current_pid_tgid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct task_struct *task = current;

	return (u64)task->tgid << 32 | (u32)task->pid;
}

const struct kbpf_func_proto kbpf_get_current_pid_tgid_proto = {
	.func		= kbpf_get_current_pid_tgid,
	.name		= "bpf_get_current_pid_tgid",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};

/* Ids as seen from the initial user namespace, as Linux reports them. */
static u64 kbpf_get_current_uid_gid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	kuid_t uid;
	kgid_t gid;

	current_uid_gid(&uid, &gid);
	return (u64)from_kgid(&init_user_ns, gid) << 32 |
	       (u32)from_kuid(&init_user_ns, uid);
}

const struct kbpf_func_proto kbpf_get_current_uid_gid_proto = {
	.func		= kbpf_get_current_uid_gid,
	.name		= "bpf_get_current_uid_gid",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};

/* The verifier guarantees size > 0; a name longer than the buffer is cut. */
static u64 kbpf_get_current_comm(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	char *buf = (char *)(unsigned long)r1;

	strscpy(buf, current->comm, (u32)r2);
	return 0;
}

const struct kbpf_func_proto kbpf_get_current_comm_proto = {
	.func		= kbpf_get_current_comm,
	.name		= "bpf_get_current_comm",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE },
};

static u64 kbpf_get_current_task(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)current;
}

const struct kbpf_func_proto kbpf_get_current_task_proto = {
	.func		= kbpf_get_current_task,
	.name		= "bpf_get_current_task",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
};

/*
 * The task's cgroup on the unified hierarchy. task_dfl_cgroup() would
 * check, under lockdep, that cgroup_mutex may be held, and cgroup_mutex
 * is not exported; reading the css_set under RCU is what it does.
 */
static struct cgroup *current_dfl_cgroup(void)
{
	return rcu_dereference_raw(current->cgroups)->dfl_cgrp;
}

static u64 kbpf_get_current_cgroup_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	u64 id;

	rcu_read_lock();
	id = cgroup_id(current_dfl_cgroup());
	rcu_read_unlock();
	return id;
}

const struct kbpf_func_proto kbpf_get_current_cgroup_id_proto = {
	.func		= kbpf_get_current_cgroup_id,
	.name		= "bpf_get_current_cgroup_id",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};

/* 0 when the task's cgroup is not that deep (or the level is negative). */
static u64 kbpf_get_current_ancestor_cgroup_id(u64 r1, u64 r2, u64 r3,
					       u64 r4, u64 r5)
{
	struct cgroup *ancestor;
	u64 id;

	rcu_read_lock();
	ancestor = cgroup_ancestor(current_dfl_cgroup(), (int)r1);
	id = ancestor ? cgroup_id(ancestor) : 0;
	rcu_read_unlock();
	return id;
}

const struct kbpf_func_proto kbpf_get_current_ancestor_cgroup_id_proto = {
	.func		= kbpf_get_current_ancestor_cgroup_id,
	.name		= "bpf_get_current_ancestor_cgroup_id",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING },
};

/*
 * The current task's ids in the pid namespace whose nsfs file
 * (/proc/PID/ns/pid) has device dev and inode ino: -EINVAL, the buffer
 * cleared, when that is not the task's own pid namespace (or dev does not
 * fit a dev_t), -ENOENT when the task has none left (it is exiting).
 */
static u64 kbpf_get_ns_current_pid_tgid(u64 r1, u64 r2, u64 r3, u64 r4,
					u64 r5)
{
	struct bpf_pidns_info *info = (struct bpf_pidns_info *)(unsigned long)r3;
	struct task_struct *task = current;
	struct pid_namespace *pidns;
	u32 size = r4;
	int err = -EINVAL;

	if (unlikely(size != sizeof(*info) || (u64)(dev_t)r1 != r1))
		goto clear;
	pidns = task_active_pid_ns(task);
	if (unlikely(!pidns)) {
		err = -ENOENT;
		goto clear;
	}
	if (!kbpf_ns_match(&pidns->ns, (dev_t)r1, r2))
		goto clear;
	info->pid = task_pid_nr_ns(task, pidns);
	info->tgid = task_tgid_nr_ns(task, pidns);
	return 0;
clear:
	memset(info, 0, size);
	return err;
}

const struct kbpf_func_proto kbpf_get_ns_current_pid_tgid_proto = {
	.func		= kbpf_get_ns_current_pid_tgid,
	.name		= "bpf_get_ns_current_pid_tgid",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE },
};
