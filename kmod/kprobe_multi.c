// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_multi links: Linux 6.1's BPF_TRACE_KPROBE_MULTI attachment built
 * on the exported kprobes API instead of fprobe (which a module cannot
 * use, and which Debian's 6.1 does not even build). One kprobe per
 * address runs the program at the function's entry, or one kretprobe per
 * address at its return (BPF_F_KPROBE_MULTI_RETURN).
 *
 * Each probe carries what the program's helpers ask for: the function's
 * address (bpf_get_func_ip) and the cookie given for it
 * (bpf_get_attach_cookie). Linux sorts its cookies with the addresses and
 * searches them on every call; keeping each cookie beside its own probe
 * gives the same answer without the search.
 *
 * The probes are registered disabled and armed only once every address
 * is known and allowed: a symbol's address is only known once kprobes has
 * resolved it, and none may lie inside kbpf.ko (see probe_check()).
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/ibt.h>

#include <kbpf/kprobe_multi.h>
#include <kbpf/run_ctx.h>

#include "kbpf.h"
#include "link.h"

struct kmulti_link;

struct kmulti_probe {
	/* rp.kp alone for an entry probe; the whole kretprobe for a return one. */
	struct kretprobe rp;
	struct kmulti_link *link;
	u64 func_ip;
	u64 cookie;
};

struct kmulti_link {
	struct kbpf_link link;
	bool is_return;
	u32 cnt;			/* probes registered, all of them once settled */
	struct kmulti_probe *probes;
	/* &probes[i].rp.kp or &probes[i].rp, for the batched unregister. */
	void **handles;
	/* Runs skipped because another one was in progress on the CPU. */
	atomic64_t missed;
};

/*
 * Linux's bpf_prog_active for kbpf's tracing runs: a probe hit while a
 * program runs on the same CPU (in a function the program calls, or in
 * an NMI) skips its program rather than nest inside it.
 */
static DEFINE_PER_CPU(int, kbpf_trace_active);

/*
 * Linux's trace_call_bpf() for one probe. Kprobe handlers run with
 * preemption (and for int3 probes, interrupts) disabled: the CPU cannot
 * change under the counter.
 */
static void kmulti_run(struct kmulti_probe *probe, struct pt_regs *regs)
{
	struct kbpf_run_ctx run_ctx = {
		.func_ip = probe->func_ip,
		.attach_cookie = probe->cookie,
	};
	struct kmulti_link *l = probe->link;
	struct bpf_run_ctx *old_ctx;

	if (unlikely(__this_cpu_inc_return(kbpf_trace_active) != 1)) {
		atomic64_inc(&l->missed);
		goto out;
	}
	rcu_read_lock();
	old_ctx = kbpf_run_ctx_set(&run_ctx);
	kbpf_prog_run(l->link.prog, regs);
	kbpf_run_ctx_reset(old_ctx);
	rcu_read_unlock();
out:
	__this_cpu_dec(kbpf_trace_active);
}

static int kmulti_entry_handler(struct kprobe *kp, struct pt_regs *regs)
{
	kmulti_run(container_of(kp, struct kmulti_probe, rp.kp), regs);
	/* 0: let the probed instruction run (a kprobe may also redirect). */
	return 0;
}

static int kmulti_return_handler(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	kmulti_run(container_of(get_kretprobe(ri), struct kmulti_probe, rp),
		   regs);
	return 0;
}

/*
 * The function's address for a probe kprobes placed at kp->addr: on an
 * IBT kernel kprobes moves a probe on a function's first byte past its
 * ENDBR64, and Linux's kprobe_multi reports the function's address.
 */
static u64 probe_func_ip(const struct kprobe *kp)
{
	unsigned long ip = (unsigned long)kp->addr;
	u32 insn;

	if (HAS_KERNEL_IBT &&
	    !copy_from_kernel_nofault(&insn, (void *)(ip - ENDBR_INSN_SIZE),
				      sizeof(insn)) &&
	    is_endbr(insn))
		ip -= ENDBR_INSN_SIZE;
	return ip;
}

/*
 * No probe inside kbpf.ko: the JIT's arena (jit/arena.c) lives in the
 * module's text and is rewritten as programs come and go, so an int3
 * kprobes planted there would be overwritten or run as part of another
 * program; and a probe on kbpf's own run path would only ever miss.
 */
static int probe_check(const struct kprobe *kp)
{
	return within_module((unsigned long)kp->addr, THIS_MODULE) ? -EINVAL : 0;
}

static void kmulti_unregister(struct kmulti_link *l)
{
	if (!l->cnt)
		return;
	/* Both wait until no handler runs any more (synchronize_rcu()). */
	if (l->is_return)
		unregister_kretprobes((struct kretprobe **)l->handles, l->cnt);
	else
		unregister_kprobes((struct kprobe **)l->handles, l->cnt);
	l->cnt = 0;
}

static void kmulti_link_release(struct kbpf_link *link)
{
	kmulti_unregister(container_of(link, struct kmulti_link, link));
}

static void kmulti_link_dealloc(struct kbpf_link *link)
{
	struct kmulti_link *l = container_of(link, struct kmulti_link, link);

	kvfree(l->handles);
	kvfree(l->probes);
	kfree(l);
}

static const struct kbpf_link_ops kmulti_link_ops = {
	.release = kmulti_link_release,
	.dealloc = kmulti_link_dealloc,
};

/* Register probe p disabled; its address is known after this. */
static int probe_register(struct kmulti_link *l, struct kmulti_probe *p,
			  const struct kbpf_kprobe_multi_spec *spec, u32 i)
{
	struct kprobe *kp = &p->rp.kp;
	int err;

	p->link = l;
	p->cookie = spec->cookies ? spec->cookies[i] : 0;
	if (spec->syms)
		kp->symbol_name = spec->syms[i];
	else
		kp->addr = (kprobe_opcode_t *)spec->addrs[i];
	kp->flags = KPROBE_FLAG_DISABLED;
	if (l->is_return) {
		p->rp.handler = kmulti_return_handler;
		err = register_kretprobe(&p->rp);
		l->handles[l->cnt] = &p->rp;
	} else {
		kp->pre_handler = kmulti_entry_handler;
		err = register_kprobe(kp);
		l->handles[l->cnt] = kp;
	}
	/*
	 * The name was only read to resolve it; the caller frees it after
	 * the attach, so leave no pointer to it in the live kprobe.
	 */
	kp->symbol_name = NULL;
	if (err)
		return err;
	l->cnt++;
	p->func_ip = probe_func_ip(kp);
	return probe_check(kp);
}

static int kmulti_register(struct kmulti_link *l,
			   const struct kbpf_kprobe_multi_spec *spec)
{
	u32 i, n = 0;
	int err;

	for (i = 0; i < spec->cnt; i++) {
		if (spec->dup && spec->dup[i])
			continue;
		/*
		 * Up to 2^20 registrations, each resolving its name by a walk
		 * of kallsyms: let the task be scheduled out, or killed (its
		 * errno is then seen by no one).
		 */
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
		err = probe_register(l, &l->probes[n++], spec, i);
		if (err)
			return err;
	}
	for (i = 0; i < l->cnt; i++) {
		err = enable_kprobe(&l->probes[i].rp.kp);
		if (err)
			return err;
	}
	return 0;
}

int kbpf_kprobe_multi_attach(struct kbpf_prog *prog,
			     const struct kbpf_kprobe_multi_spec *spec)
{
	struct kbpf_link_primer primer;
	struct kmulti_link *l;
	int err;

	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return -ENOMEM;
	l->is_return = spec->is_return;
	l->probes = kvcalloc(spec->cnt, sizeof(*l->probes), GFP_KERNEL_ACCOUNT);
	l->handles = kvcalloc(spec->cnt, sizeof(*l->handles),
			      GFP_KERNEL_ACCOUNT);
	if (!l->probes || !l->handles) {
		kmulti_link_dealloc(&l->link);
		return -ENOMEM;
	}
	kbpf_link_init(&l->link, BPF_LINK_TYPE_KPROBE_MULTI, &kmulti_link_ops,
		       prog);
	err = kbpf_link_prime(&l->link, &primer);
	if (err) {
		kmulti_link_dealloc(&l->link);
		return err;
	}
	err = kmulti_register(l, spec);
	if (err) {
		kmulti_unregister(l);
		kbpf_link_cleanup(&primer);
		return err;
	}
	return kbpf_link_settle(&primer);
}
