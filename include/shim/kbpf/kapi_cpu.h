/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: the CPUs a thread may "run" on, per-CPU
 * data, preemption and interrupt context (of which the host has none), and
 * the CPU features the JIT asks about.
 */
#ifndef KBPF_SHIM_KAPI_CPU_H
#define KBPF_SHIM_KAPI_CPU_H

#include <kbpf/kapi_base.h>
#include <kbpf/kapi_alloc.h>

/* ---- CPUs, per-CPU data, preemption -------------------------------------- */

/*
 * NR_CPUS possible CPUs, all online. A thread's CPU is a thread-local id
 * (0 unless set with kbpf_shim_thread_init()/kbpf_shim_set_cpu()). As
 * nothing pins a thread, per-CPU data is exclusive only when concurrent
 * threads are given distinct CPUs; preempt_disable() cannot enforce it.
 * Weak, so every translation unit shares one definition.
 */
#define NR_CPUS		8
__attribute__((__weak__)) __thread int kbpf_shim_cpu = 0;

static inline unsigned int num_possible_cpus(void) { return NR_CPUS; }
#define nr_cpu_ids		((unsigned int)NR_CPUS)
static inline bool cpu_possible(int cpu) { return cpu >= 0 && cpu < NR_CPUS; }
static inline int smp_processor_id(void) { return kbpf_shim_cpu; }
static inline int raw_smp_processor_id(void) { return kbpf_shim_cpu; }

#define for_each_possible_cpu(cpu)	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)

static inline void preempt_disable(void) { barrier(); }
static inline void preempt_enable(void) { barrier(); }
#define local_irq_save(flags)		do { (flags) = 0; barrier(); } while (0)
#define local_irq_restore(flags)	do { (void)(flags); barrier(); } while (0)
static inline int cond_resched(void) { return 0; }
/* Host threads are never in NMI context. */
static inline bool in_nmi(void) { return false; }
/*
 * Neither counts anything on the host: a test sets the preemption count
 * to play a program run with preemption off (kernel test runs are).
 */
__attribute__((__weak__)) __thread int kbpf_shim_preempt_count;
static inline int preempt_count(void) { return kbpf_shim_preempt_count; }
static inline bool irqs_disabled(void) { return false; }

/* The host has no interrupts; a program always runs in task context. */
static inline bool in_interrupt(void) { return false; }
static inline bool kbpf_nmi_uaccess_okay(void) { return true; }

/*
 * A per-CPU pointer is a table of NR_CPUS separate allocations, so ASan
 * catches an access that runs from one CPU's copy into the next. Like the
 * kernel's, it must only be used through per_cpu_ptr()/this_cpu_ptr().
 */
#define PCPU_MIN_UNIT_SIZE	(32UL << 10)	/* largest per-CPU allocation */

static inline void free_percpu(void __percpu *ptr)
{
	void **table = ptr;
	int cpu;

	if (!table)
		return;
	for_each_possible_cpu(cpu)
		free(table[cpu]);
	free(table);
}

static inline void __percpu *__alloc_percpu_gfp(size_t size, size_t align,
						 gfp_t flags)
{
	void **table;
	int cpu;

	if (unlikely(!size || size > PCPU_MIN_UNIT_SIZE || align > PAGE_SIZE ||
		     !is_power_of_2(align))) {
		__kbpf_warn(!(flags & __GFP_NOWARN),
			    "invalid per-CPU allocation without __GFP_NOWARN");
		return NULL;
	}
	table = calloc(NR_CPUS, sizeof(*table));
	if (!table)
		return NULL;
	align = max_t(size_t, align, sizeof(void *));
	for_each_possible_cpu(cpu) {
		if (posix_memalign(&table[cpu], align, size)) {
			free_percpu(table);
			return NULL;
		}
		memset(table[cpu], 0, size);
	}
	return table;
}

static inline void __percpu *__alloc_percpu(size_t size, size_t align)
{
	return __alloc_percpu_gfp(size, align, GFP_KERNEL);
}

#define alloc_percpu(type)						\
	((typeof(type) __percpu *)__alloc_percpu(sizeof(type), __alignof__(type)))

#define per_cpu_ptr(ptr, cpu)	((typeof(ptr))(((void **)(ptr))[(cpu)]))
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, smp_processor_id())
#define raw_cpu_ptr(ptr)	this_cpu_ptr(ptr)

static inline int numa_node_id(void) { return 0; }

/* ---- CPU features -------------------------------------------------------- */

/*
 * Whether JITed code must put ENDBR64 on its indirect branch targets. The
 * host CPU need not enforce IBT (ENDBR64 is a NOP without it), so this is
 * the test's choice: on by default, so the host runs the code the kernel
 * would emit under IBT.
 */
__attribute__((__weak__)) bool kbpf_shim_ibt = true;

static inline bool kbpf_ibt_enabled(void)
{
	return kbpf_shim_ibt;
}

#endif /* KBPF_SHIM_KAPI_CPU_H */
