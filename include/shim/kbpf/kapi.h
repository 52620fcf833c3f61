/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host flavour of <kbpf/kapi.h>: the kernel APIs kbpf's shared core uses,
 * mapped onto libc, pthreads and liburcu (urcu-memb flavour) so the core
 * builds unchanged as a userspace library for ASan/UBSan tests and fuzzing.
 * The host build puts include/shim/ before include/ on the include path.
 *
 * Guiding rule: where the kernel would WARN or BUG on a misuse (oversized
 * allocation without __GFP_NOWARN, refcount from zero, double lock), the
 * shim aborts with file:line, so a test or fuzzer turns it into a failure.
 *
 * The definitions are in kapi_*.h next to this file, one concern each,
 * included here in the order they build on each other: core code
 * includes only this header, as in the kernel.
 *
 * Host-only hooks for tests are at the end, all prefixed kbpf_shim_.
 */
#ifndef KBPF_KAPI_H
#define KBPF_KAPI_H

#include <linux/bpf.h>
#include <linux/filter.h>	/* the uapi one: SKF_* offsets, struct sock_filter */

#include <kbpf/kapi_base.h>
#include <kbpf/kapi_atomic.h>
#include <kbpf/kapi_alloc.h>
#include <kbpf/kapi_sync.h>
#include <kbpf/kapi_cpu.h>
#include <kbpf/kapi_work.h>
#include <kbpf/kapi_list.h>
#include <kbpf/kapi_time.h>
#include <kbpf/kapi_task.h>
#include <kbpf/kapi_skb.h>
#include <kbpf/kapi_csum.h>
#include <kbpf/kapi_skb_change.h>
#include <kbpf/kapi_xdp.h>
#include <kbpf/kapi_net.h>
#include <kbpf/kapi_sock.h>
#include <kbpf/kapi_trace.h>
#include <kbpf/kapi_uaccess.h>

/* ---- Host-only hooks for tests (not kernel API) -------------------------- */

/* Let the calling thread "run" on cpu from now on. */
static inline void kbpf_shim_set_cpu(int cpu)
{
	BUG_ON(cpu < 0 || cpu >= NR_CPUS);
	kbpf_shim_cpu = cpu;
}

/*
 * Call first thing in every thread that touches the core: registers it with
 * liburcu (needed for rcu_read_lock, synchronize_rcu, call_rcu and
 * rcu_barrier) and sets its CPU. Pair with kbpf_shim_thread_exit().
 */
static inline void kbpf_shim_thread_init(int cpu)
{
	kbpf_shim_set_cpu(cpu);
	urcu_memb_register_thread();
}

/* Give the calling thread exactly the capabilities in caps (1 << CAP_*). */
static inline void kbpf_shim_set_caps(u64 caps)
{
	kbpf_shim_caps = caps;
}

static inline void kbpf_shim_thread_exit(void)
{
	urcu_memb_unregister_thread();
}

#endif /* KBPF_KAPI_H */
