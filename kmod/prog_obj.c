// SPDX-License-Identifier: GPL-2.0
/*
 * Program objects: allocation, ids, fds and the reference count that keeps
 * a program (and the maps it uses) alive while anything can run it.
 */
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>

#include "../jit/runtime.h"
#include "kbpf.h"

struct kbpf_ids kbpf_prog_ids = KBPF_IDS_INIT(kbpf_prog_ids);

static const struct file_operations kbpf_prog_fops;

struct kbpf_prog *kbpf_prog_alloc(u32 insn_cnt)
{
	struct kbpf_prog *prog;

	prog = kzalloc(sizeof(*prog), GFP_USER | __GFP_ACCOUNT);
	if (!prog)
		return ERR_PTR(-ENOMEM);
	prog->insns = kvcalloc(insn_cnt, sizeof(*prog->insns),
			       GFP_USER | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!prog->insns) {
		kfree(prog);
		return ERR_PTR(-ENOMEM);
	}
	prog->len = insn_cnt;
	prog->code.insnsi = prog->insns;
	prog->code.len = insn_cnt;
	refcount_set(&prog->refcnt, 1);
	prog->load_time = ktime_get_boottime_ns();
	prog->uid = from_kuid_munged(&init_user_ns, current_uid());
	__module_get(THIS_MODULE);
	atomic_inc(&kbpf_live_objects);
	return prog;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_prog_alloc);

int kbpf_prog_publish(struct kbpf_prog *prog)
{
	int id = kbpf_id_alloc(&kbpf_prog_ids, prog);

	if (id < 0)
		return id;
	prog->id = id;
	return 0;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_prog_publish);

static void prog_free_work(struct work_struct *work)
{
	struct kbpf_prog *prog = container_of(work, struct kbpf_prog, work);
	u32 i;

	/* An RCU grace period has passed: no CPU is still in the image. */
	kbpf_prog_free_runtime(&prog->code);
	for (i = 0; i < prog->used_map_cnt; i++)
		kbpf_map_put(prog->used_maps[i]);
	kfree(prog->used_maps);
	kvfree(prog->insns);
	kfree(prog);
	atomic_dec(&kbpf_live_objects);
	/* Last: module exit drains this workqueue before the text goes away. */
	module_put(THIS_MODULE);
}

static void prog_free_rcu(struct rcu_head *rcu)
{
	struct kbpf_prog *prog = container_of(rcu, struct kbpf_prog, rcu);

	INIT_WORK(&prog->work, prog_free_work);
	queue_work(kbpf_free_wq, &prog->work);
}

void kbpf_prog_inc(struct kbpf_prog *prog)
{
	refcount_inc(&prog->refcnt);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_prog_inc);

void kbpf_prog_put(struct kbpf_prog *prog)
{
	if (!refcount_dec_and_test(&prog->refcnt))
		return;
	if (prog->id) {
		kbpf_audit_prog(prog, false);
		kbpf_id_remove(&kbpf_prog_ids, prog->id);
	}
	/* Hooks run programs under RCU: wait for them before freeing. */
	call_rcu(&prog->rcu, prog_free_rcu);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_prog_put);

static bool prog_tryget(void *obj)
{
	struct kbpf_prog *prog = obj;

	return refcount_inc_not_zero(&prog->refcnt);
}

struct kbpf_prog *kbpf_prog_get_by_id(u32 id)
{
	struct kbpf_prog *prog = kbpf_id_get(&kbpf_prog_ids, id, prog_tryget);

	return prog ? prog : ERR_PTR(-ENOENT);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_prog_get_by_id);

struct kbpf_prog *kbpf_prog_get_from_fd(int ufd)
{
	struct kbpf_prog *prog;
	struct fd f = fdget(ufd);

	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &kbpf_prog_fops) {
		fdput(f);
		return ERR_PTR(-EINVAL);
	}
	prog = f.file->private_data;
	kbpf_prog_inc(prog);
	fdput(f);
	return prog;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_prog_get_from_fd);

int kbpf_prog_new_fd(struct kbpf_prog *prog)
{
	return anon_inode_getfd("bpf-prog", &kbpf_prog_fops, prog,
				O_RDWR | O_CLOEXEC);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_prog_new_fd);

static int prog_release(struct inode *inode, struct file *file)
{
	kbpf_prog_put(file->private_data);
	return 0;
}

static void prog_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct kbpf_prog *prog = file->private_data;
	u64 memlock = round_up((u64)sizeof(*prog) +
			       (u64)prog->len * sizeof(*prog->insns), PAGE_SIZE);

	seq_printf(m,
		   "prog_type:\t%u\n"
		   "prog_jited:\t%u\n"
		   "prog_tag:\t%*phN\n"
		   "memlock:\t%llu\n"
		   "prog_id:\t%u\n"
		   "run_time_ns:\t%llu\n"
		   "run_cnt:\t%llu\n"
		   "recursion_misses:\t%llu\n"
		   "verified_insns:\t%u\n",
		   prog->type, prog->code.jited, BPF_TAG_SIZE, prog->tag,
		   (unsigned long long)memlock, prog->id,
		   0ULL, 0ULL, 0ULL, prog->verified_insns);
}

static const struct file_operations kbpf_prog_fops = {
	.owner = THIS_MODULE,
	.release = prog_release,
	.show_fdinfo = prog_show_fdinfo,
	.llseek = noop_llseek,
};
