// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_LINK_CREATE, in the order of Linux 6.1's link_create(): the
 * program, its type against the attach type, then the attachment. kbpf
 * attaches kprobe programs through BPF_TRACE_KPROBE_MULTI only; every
 * other attachment Linux offers is not implemented (EOPNOTSUPP), a
 * combination Linux refuses is refused with its errno.
 */
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/bpf.h>

#include <kbpf/kprobe_multi.h>

#include "../kmod/kbpf.h"
#include "cmds.h"

/* What the user's arrays became: freed by kprobe_multi_free(). */
struct kmulti_copy {
	struct kbpf_kprobe_multi_spec spec;
	unsigned long *addrs;
	const char **syms;
	char *names;		/* the strings syms points into */
	u64 *cookies;
	bool *dup;
};

static void kprobe_multi_free(struct kmulti_copy *c)
{
	kvfree(c->addrs);
	kvfree(c->syms);
	kvfree(c->names);
	kvfree(c->cookies);
	kvfree(c->dup);
}

/*
 * Linux's copy_user_syms(): each name up to KSYM_NAME_LEN - 1 bytes
 * (E2BIG for a longer one), packed one after the other.
 */
static int copy_syms(struct kmulti_copy *c, const u64 __user *usyms, u32 cnt)
{
	char *p;
	long len;
	u64 usym;
	u32 i;

	c->syms = kvcalloc(cnt, sizeof(*c->syms), GFP_KERNEL);
	c->names = kvmalloc_array(cnt, KSYM_NAME_LEN, GFP_KERNEL);
	if (!c->syms || !c->names)
		return -ENOMEM;
	for (p = c->names, i = 0; i < cnt; i++) {
		if (get_user(usym, usyms + i))
			return -EFAULT;
		len = strncpy_from_user(p, u64_to_user_ptr(usym), KSYM_NAME_LEN);
		if (len == KSYM_NAME_LEN)
			return -E2BIG;
		if (len < 0)
			return len;
		c->syms[i] = p;
		p += len + 1;
	}
	return kbpf_kprobe_multi_syms_unique(c->syms, cnt);
}

static int kprobe_multi_copy(struct kmulti_copy *c, const union bpf_attr *attr)
{
	void __user *ucookies = u64_to_user_ptr(attr->link_create.kprobe_multi.cookies);
	void __user *uaddrs = u64_to_user_ptr(attr->link_create.kprobe_multi.addrs);
	void __user *usyms = u64_to_user_ptr(attr->link_create.kprobe_multi.syms);
	u32 cnt = attr->link_create.kprobe_multi.cnt;
	int err;

	c->spec.cnt = cnt;
	c->spec.is_return = attr->link_create.kprobe_multi.flags &
			    BPF_F_KPROBE_MULTI_RETURN;
	/* Cookies first, then the addresses or names, as Linux copies them. */
	if (ucookies) {
		c->cookies = kvmalloc_array(cnt, sizeof(*c->cookies), GFP_KERNEL);
		if (!c->cookies)
			return -ENOMEM;
		if (copy_from_user(c->cookies, ucookies, cnt * sizeof(*c->cookies)))
			return -EFAULT;
		c->spec.cookies = c->cookies;
	}
	if (usyms) {
		err = copy_syms(c, usyms, cnt);
		c->spec.syms = c->syms;
		return err;
	}
	c->addrs = kvmalloc_array(cnt, sizeof(*c->addrs), GFP_KERNEL);
	c->dup = kvcalloc(cnt, sizeof(*c->dup), GFP_KERNEL);
	if (!c->addrs || !c->dup)
		return -ENOMEM;
	if (copy_from_user(c->addrs, uaddrs, cnt * sizeof(*c->addrs)))
		return -EFAULT;
	c->spec.addrs = c->addrs;
	c->spec.dup = c->dup;
	return kbpf_kprobe_multi_mark_dups(c->addrs, cnt, c->dup);
}

/* Linux's bpf_kprobe_multi_link_attach(). */
static int kprobe_multi_link_create(const union bpf_attr *attr,
				    struct kbpf_prog *prog)
{
	struct kmulti_copy c = {};
	int err;

	if (prog->expected_attach_type != BPF_TRACE_KPROBE_MULTI)
		return -EINVAL;
	err = kbpf_kprobe_multi_check_attr(attr);
	if (err)
		return err;
	/*
	 * Loading the program took CAP_PERFMON, but its fd may have been
	 * passed on: planting probes asks again (later Linux does too).
	 */
	if (!perfmon_capable())
		return -EPERM;
	err = kprobe_multi_copy(&c, attr);
	if (!err) {
		err = kbpf_kprobe_multi_attach(prog, &c.spec);
		/*
		 * kprobes answers ENOENT for a name or an address no symbol
		 * covers. Linux resolves names itself and answers ESRCH for
		 * one it does not find, and EINVAL for an address that is
		 * not a function's (ftrace_match_addr()).
		 */
		if (err == -ENOENT)
			err = c.spec.syms ? -ESRCH : -EINVAL;
	}
	kprobe_multi_free(&c);
	return err;
}

/*
 * Linux's checks of the program against attach_type, for the types kbpf
 * attaches: a kprobe program links as a perf event or as kprobe_multi,
 * and one loaded for kprobe_multi only as that. A perf event link needs a
 * perf event fd, which kbpf cannot make: not implemented.
 */
static int kprobe_link_create(const union bpf_attr *attr,
			      struct kbpf_prog *prog)
{
	u32 attach_type = attr->link_create.attach_type;

	if (prog->expected_attach_type == BPF_TRACE_KPROBE_MULTI &&
	    attach_type != BPF_TRACE_KPROBE_MULTI)
		return -EINVAL;
	if (attach_type == BPF_PERF_EVENT)
		return -EOPNOTSUPP;
	if (attach_type != BPF_TRACE_KPROBE_MULTI)
		return -EINVAL;
	/* link_create.flags and target_fd are not read, as in Linux 6.1. */
	return kprobe_multi_link_create(attr, prog);
}

int kbpf_cmd_link_create(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct kbpf_prog *prog;
	int ret;

	prog = kbpf_prog_get_from_fd(attr->link_create.prog_fd);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	if (prog->type == BPF_PROG_TYPE_KPROBE)
		ret = kprobe_link_create(attr, prog);
	else if (attr->link_create.attach_type == BPF_TRACE_KPROBE_MULTI)
		ret = -EINVAL;	/* the attach type of no other program type */
	else
		ret = -EOPNOTSUPP;
	if (ret < 0)
		kbpf_prog_put(prog);
	return ret;
}
