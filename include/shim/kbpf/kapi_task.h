/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: credentials and capabilities, tasks (each
 * thread is one), their cgroups, pids and pid namespaces, signals, and
 * kernel lockdown.
 */
#ifndef KBPF_SHIM_KAPI_TASK_H
#define KBPF_SHIM_KAPI_TASK_H

#include <kbpf/kapi_base.h>

/* ---- Credentials --------------------------------------------------------- */

/* The kernel's uid and gid types, and the host's one user namespace. */
typedef struct { uid_t val; } kuid_t;
typedef struct { gid_t val; } kgid_t;
struct user_namespace { int level; };
__attribute__((__weak__)) struct user_namespace init_user_ns;

/* ---- Capabilities -------------------------------------------------------- */

/*
 * The capabilities of the calling thread, a mask of (1 << CAP_*) bits: all
 * of them unless a test drops some with kbpf_shim_set_caps(). The CAP_*
 * numbers come from the uapi <linux/capability.h>.
 */
#include <linux/capability.h>

__attribute__((__weak__)) __thread u64 kbpf_shim_caps = ~0ULL;

static inline bool capable(int cap)
{
	return kbpf_shim_caps & (1ULL << cap);
}

static inline bool bpf_capable(void)
{
	return capable(CAP_BPF) || capable(CAP_SYS_ADMIN);
}

static inline bool perfmon_capable(void)
{
	return capable(CAP_PERFMON) || capable(CAP_SYS_ADMIN);
}

/* ---- Tasks, credentials, cgroups ----------------------------------------- */

#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TASK_COMM_LEN		16
#define PF_EXITING		0x00000004
#define PF_KTHREAD		0x00200000
#define KBPF_SHIM_CGROUP_LEVELS	8

/* The fields of the kernel's structs the core reads, with their meaning. */
struct cgroup {
	int level;		/* depth below the root (0) */
	u64 id;			/* cgroup_id(): the kernfs node id */
	struct cgroup *ancestors[KBPF_SHIM_CGROUP_LEVELS];	/* [level] = self */
};

struct css_set {
	struct cgroup *dfl_cgrp;
};

struct bpf_run_ctx;

/* A task's struct pid: its thread's ids (kill_pid() signals the process). */
struct pid {
	pid_t nr;
	pid_t tgid;
};

struct ns_common {
	unsigned int inum;
};

/* The pid namespace: the host's own, its nsfs file's inode and device. */
struct pid_namespace {
	struct ns_common ns;
	dev_t nsfs_dev;
};

struct task_struct {
	pid_t pid;		/* thread id */
	pid_t tgid;		/* process id */
	struct pid thread_pid;
	struct pid_namespace *pidns;	/* NULL: an exiting task's */
	unsigned int flags;
	char comm[TASK_COMM_LEN];
	struct css_set *cgroups;
	kuid_t uid;
	kgid_t gid;
	void *mm;		/* non-NULL: a user task */
	struct bpf_run_ctx *bpf_ctx;	/* the running program's (run_ctx.h) */
};

/*
 * Each thread is a task: ids, name and credentials of the real thread,
 * set up on first use; tests may change the fields (comm, cgroups, uid,
 * gid, flags) through current.
 */
__attribute__((__weak__)) __thread struct task_struct kbpf_shim_task;
__attribute__((__weak__)) __thread struct css_set kbpf_shim_css_set;
__attribute__((__weak__)) __thread struct cgroup kbpf_shim_root_cgroup;
__attribute__((__weak__)) struct pid_namespace kbpf_shim_pid_ns;

static inline struct task_struct *kbpf_shim_current(void)
{
	struct task_struct *t = &kbpf_shim_task;

	if (unlikely(!t->pid)) {
		t->pid = gettid();
		t->tgid = getpid();
		t->uid.val = getuid();
		t->gid.val = getgid();
		BUG_ON(prctl(PR_GET_NAME, t->comm));
		t->mm = t;
		t->thread_pid.nr = t->pid;
		t->thread_pid.tgid = t->tgid;
		if (!kbpf_shim_pid_ns.ns.inum) {
			struct stat st;

			BUG_ON(stat("/proc/self/ns/pid", &st));
			kbpf_shim_pid_ns.ns.inum = st.st_ino;
			kbpf_shim_pid_ns.nsfs_dev = st.st_dev;
		}
		t->pidns = &kbpf_shim_pid_ns;
		kbpf_shim_root_cgroup.id = 1;
		kbpf_shim_root_cgroup.ancestors[0] = &kbpf_shim_root_cgroup;
		kbpf_shim_css_set.dfl_cgrp = &kbpf_shim_root_cgroup;
		t->cgroups = &kbpf_shim_css_set;
	}
	return t;
}

#define current			kbpf_shim_current()

#define current_uid_gid(_uid, _gid)					\
	do {								\
		*(_uid) = current->uid;					\
		*(_gid) = current->gid;					\
	} while (0)

/* ---- Pids, pid namespaces, signals --------------------------------------- */

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID };

static inline struct pid *task_pid(struct task_struct *task)
{
	return &task->thread_pid;
}

static inline struct task_struct *pid_task(struct pid *pid, enum pid_type type)
{
	return container_of(pid, struct task_struct, thread_pid);
}

static inline struct pid *get_pid(struct pid *pid) { return pid; }
static inline void put_pid(struct pid *pid) { }

static inline int is_global_init(struct task_struct *task)
{
	return task->tgid == 1;
}

/* The kernel's _NSIG (glibc's counts signal 0 too). */
static inline int valid_signal(unsigned long sig)
{
	return sig <= 64;
}

struct kernel_siginfo;
#define SEND_SIG_PRIV	((struct kernel_siginfo *)1)

/* The process (kill()) or the thread (tgkill()), as the kernel's. */
static inline int kill_pid(struct pid *pid, int sig, int priv)
{
	if (!valid_signal(sig))
		return -EINVAL;
	return kill(pid->tgid, sig) ? -errno : 0;
}

static inline int send_sig_info(int sig, struct kernel_siginfo *info,
				struct task_struct *task)
{
	if (!valid_signal(sig))
		return -EINVAL;
	return syscall(SYS_tgkill, task->tgid, task->pid, sig) ? -errno : 0;
}

static inline struct pid_namespace *task_active_pid_ns(struct task_struct *t)
{
	return t->pidns;
}

static inline pid_t task_pid_nr_ns(struct task_struct *t,
				   struct pid_namespace *ns)
{
	return t->pid;
}

static inline pid_t task_tgid_nr_ns(struct task_struct *t,
				    struct pid_namespace *ns)
{
	return t->tgid;
}

static inline bool kbpf_ns_match(const struct ns_common *ns, dev_t dev,
				 u64 ino)
{
	return ns->inum == ino &&
	       container_of(ns, struct pid_namespace, ns)->nsfs_dev == dev;
}

static inline uid_t from_kuid(struct user_namespace *ns, kuid_t uid)
{
	return uid.val;
}

static inline gid_t from_kgid(struct user_namespace *ns, kgid_t gid)
{
	return gid.val;
}

static inline u64 cgroup_id(const struct cgroup *cgrp)
{
	return cgrp->id;
}

static inline struct cgroup *cgroup_ancestor(struct cgroup *cgrp,
					     int ancestor_level)
{
	if (ancestor_level < 0 || ancestor_level > cgrp->level)
		return NULL;
	return cgrp->ancestors[ancestor_level];
}

/* Kernel lockdown (security_locked_down()): off unless a test sets it. */
enum lockdown_reason {
	LOCKDOWN_NONE,
	LOCKDOWN_BPF_WRITE_USER,
	LOCKDOWN_BPF_READ_KERNEL,
};
__attribute__((__weak__)) enum lockdown_reason kbpf_shim_lockdown;

/* Locked down for what: every reason up to the level set, as Linux's. */
static inline int security_locked_down(enum lockdown_reason what)
{
	return what <= kbpf_shim_lockdown ? -EPERM : 0;
}

#endif /* KBPF_SHIM_KAPI_TASK_H */
