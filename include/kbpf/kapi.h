/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel APIs kbpf's shared core (maps/, verifier/, jit/, helpers/) may
 * use. In the kernel this header is the list of includes, plus the odd
 * question about the running kernel the core asks (kbpf_ibt_enabled()); the host
 * build puts include/shim/ first on the include path, whose kbpf/kapi.h maps
 * the same names onto libc, pthreads and liburcu. Core code includes only
 * this header for kernel services, so it builds unchanged in both places.
 */
#ifndef KBPF_KAPI_H
#define KBPF_KAPI_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/compiler.h>
#include <linux/ctype.h>
#include <linux/cred.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/topology.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <net/checksum.h>
#include <net/inet_ecn.h>
#include <net/dst_metadata.h>
#include <linux/delay.h>
#include <net/cls_cgroup.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>
#include <linux/perf_event.h>
#include <linux/ptrace.h>
#include <linux/trace_events.h>
#include <net/busy_poll.h>
#include <net/sch_generic.h>
#include <net/xdp.h>
#include <linux/wait.h>
#include <uapi/linux/bpf.h>
#include <uapi/linux/bpf_perf_event.h>
#include <uapi/linux/filter.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <kbpf/kern_layout.h>

/* Filled from the kernel's headers by kmod/kern_layout.c. */
extern const struct kbpf_kern_layout kbpf_kern_layout;
#include <asm/cpufeature.h>
#include <asm/unaligned.h>
#include <asm/special_insns.h>

/*
 * Whether indirect branches must land on ENDBR64: the kernel enforces
 * IBT. The host shim answers what a test asks for.
 */
static inline bool kbpf_ibt_enabled(void)
{
	return IS_ENABLED(CONFIG_X86_KERNEL_IBT) &&
	       cpu_feature_enabled(X86_FEATURE_IBT);
}

/*
 * A pointer conversion of printk ("%p", "%pK", "%px", "%ps", "%pS",
 * "%pB"), as the kernel prints it (hashed pointers, symbols), cut to the
 * buffer; returns the length written.
 */
#define KBPF_SYMBOL_LEN		128

static inline int kbpf_format_pointer(char *buf, size_t size, const char *conv,
				      u64 value)
{
	int n = snprintf(buf, size, conv, (void *)(unsigned long)value);

	return min_t(int, n, (int)size - 1);
}

/*
 * Linux's nmi_uaccess_okay() (not exported): the page tables loaded on
 * this CPU are current's, so a user access reaches current's memory and
 * not a temporary mm's (text poking) or a half-switched one.
 */
static inline bool kbpf_nmi_uaccess_okay(void)
{
	struct mm_struct *mm = current->mm;

	return mm && (__read_cr3() & CR3_ADDR_MASK) == __pa(mm->pgd);
}

/*
 * Linux's ns_match() (not exported): ns's nsfs file (/proc/PID/ns/...) is
 * inode ino of device dev. kmod/nsfs.c finds nsfs's device at load (0,
 * no device, on kernels without pid namespaces: nothing matches).
 */
extern dev_t kbpf_nsfs_dev;

static inline bool kbpf_ns_match(const struct ns_common *ns, dev_t dev,
				 u64 ino)
{
	return ns->inum == ino && kbpf_nsfs_dev && kbpf_nsfs_dev == dev;
}

/*
 * kmod/'s queue for frees that may sleep; module exit waits for RCU
 * callbacks and then drains it, so core objects freed through it never
 * outlive the module's text. The host shim runs such work at once.
 */
extern struct workqueue_struct *kbpf_free_wq;

/*
 * The kernel stack for bpf_get_stackid()/bpf_get_stack() (kmod/stack_walk.c):
 * regs->ip, then the return addresses above regs, at most max; returns
 * the count. regs are a kprobe's or a perf sample's, or the calling
 * helper's own frame as KBPF_CALLER_REGS() records it (Linux's
 * perf_fetch_caller_regs()): the frames from the helper down are left
 * out, its return address comes first.
 */
u32 kbpf_stack_walk(struct pt_regs *regs, u64 *ips, u32 max);

#define KBPF_CALLER_REGS(regs) do {					\
	memset((regs), 0, sizeof(*(regs)));				\
	(regs)->ip = _RET_IP_;						\
	(regs)->sp = (unsigned long)__builtin_frame_address(0);		\
	(regs)->cs = __KERNEL_CS;					\
} while (0)

#endif /* KBPF_KAPI_H */
