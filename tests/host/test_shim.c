// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the host shim itself (include/shim/kbpf/kapi.h): RCU on
 * liburcu, refcounts and atomics, per-CPU emulation, locks, work, the
 * allocation limits, and that kernel WARN/BUG conditions abort.
 */
#include <kbpf/kapi.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktest.h"

/* ---- RCU ---- */

struct rcu_obj {
	int payload;
	struct rcu_head rcu;
};

static int rcu_callbacks_run;

static void rcu_obj_free(struct rcu_head *head)
{
	struct rcu_obj *obj = container_of(head, struct rcu_obj, rcu);

	__atomic_add_fetch(&rcu_callbacks_run, 1, __ATOMIC_SEQ_CST);
	kfree(obj);
}

TEST(shim_call_rcu_runs_by_rcu_barrier)
{
	struct rcu_obj *obj = kzalloc(sizeof(*obj), GFP_KERNEL);

	ASSERT_NONNULL(obj);
	rcu_callbacks_run = 0;
	call_rcu(&obj->rcu, rcu_obj_free);
	synchronize_rcu();
	rcu_barrier();
	EXPECT_EQ(__atomic_load_n(&rcu_callbacks_run, __ATOMIC_SEQ_CST), 1);
}

/* A reader that holds rcu_read_lock() until told to leave. */
struct rcu_reader {
	pthread_t thread;
	int cpu;
	int inside;		/* set once in the read-side section */
	int leave;		/* set by the test to end it */
	int left;		/* set just before rcu_read_unlock() */
};

static void *rcu_reader_fn(void *arg)
{
	struct rcu_reader *r = arg;

	kbpf_shim_thread_init(r->cpu);
	rcu_read_lock();
	__atomic_store_n(&r->inside, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&r->leave, __ATOMIC_SEQ_CST))
		usleep(1000);
	usleep(20000);	/* make a too-early grace period likely to show */
	__atomic_store_n(&r->left, 1, __ATOMIC_SEQ_CST);
	rcu_read_unlock();
	kbpf_shim_thread_exit();
	return NULL;
}

static void rcu_reader_start(struct rcu_reader *r, int cpu)
{
	memset(r, 0, sizeof(*r));
	r->cpu = cpu;
	BUG_ON(pthread_create(&r->thread, NULL, rcu_reader_fn, r));
	while (!__atomic_load_n(&r->inside, __ATOMIC_SEQ_CST))
		usleep(1000);
}

TEST(shim_synchronize_rcu_waits_for_readers)
{
	struct rcu_reader r;

	rcu_reader_start(&r, 1);
	__atomic_store_n(&r.leave, 1, __ATOMIC_SEQ_CST);
	synchronize_rcu();
	EXPECT_EQ(__atomic_load_n(&r.left, __ATOMIC_SEQ_CST), 1);
	pthread_join(r.thread, NULL);
}

TEST(shim_call_rcu_waits_for_readers)
{
	struct rcu_obj *obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	struct rcu_reader r;

	ASSERT_NONNULL(obj);
	rcu_callbacks_run = 0;
	rcu_reader_start(&r, 1);
	call_rcu(&obj->rcu, rcu_obj_free);
	usleep(50000);
	/* The reader predates call_rcu(): its section blocks the callback. */
	EXPECT_EQ(__atomic_load_n(&rcu_callbacks_run, __ATOMIC_SEQ_CST), 0);
	__atomic_store_n(&r.leave, 1, __ATOMIC_SEQ_CST);
	rcu_barrier();
	EXPECT_EQ(__atomic_load_n(&rcu_callbacks_run, __ATOMIC_SEQ_CST), 1);
	pthread_join(r.thread, NULL);
}

/*
 * Publish/retire stress: the writer keeps replacing an object readers
 * dereference, freeing old ones through call_rcu(), until the readers have
 * seen plenty of them. A grace period that ended too early shows up as an
 * ASan use-after-free in a reader.
 */
static struct rcu_obj __rcu *rcu_shared;
static int rcu_stress_stop;
static long rcu_stress_reads;

static void *rcu_stress_reader(void *arg)
{
	int k;

	kbpf_shim_thread_init((int)(long)arg);
	while (!__atomic_load_n(&rcu_stress_stop, __ATOMIC_SEQ_CST)) {
		struct rcu_obj *obj;

		rcu_read_lock();
		obj = rcu_dereference(rcu_shared);
		/* Dwell on it, to widen the window for a too-early free. */
		for (k = 0; obj && k < 64; k++)
			EXPECT_TRUE(READ_ONCE(obj->payload) > 0);
		rcu_read_unlock();
		if (obj)
			__atomic_add_fetch(&rcu_stress_reads, 1, __ATOMIC_RELAXED);
	}
	kbpf_shim_thread_exit();
	return NULL;
}

TEST(shim_rcu_publish_retire_stress)
{
	pthread_t readers[2];
	struct rcu_obj *old;
	int i, published;

	rcu_callbacks_run = 0;
	for (i = 0; i < 2; i++)
		BUG_ON(pthread_create(&readers[i], NULL, rcu_stress_reader,
				      (void *)(long)(i + 1)));
	for (published = 1; published <= 2000 ||
	     __atomic_load_n(&rcu_stress_reads, __ATOMIC_RELAXED) < 20000;
	     published++) {
		struct rcu_obj *obj = kmalloc(sizeof(*obj), GFP_KERNEL);

		BUG_ON(!obj);
		obj->payload = published;
		old = rcu_dereference_protected(rcu_shared, 1);
		rcu_assign_pointer(rcu_shared, obj);
		if (old)
			call_rcu(&old->rcu, rcu_obj_free);
	}
	__atomic_store_n(&rcu_stress_stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < 2; i++)
		pthread_join(readers[i], NULL);
	old = rcu_access_pointer(rcu_shared);
	RCU_INIT_POINTER(rcu_shared, NULL);
	call_rcu(&old->rcu, rcu_obj_free);
	rcu_barrier();
	EXPECT_EQ(__atomic_load_n(&rcu_callbacks_run, __ATOMIC_SEQ_CST),
		  published - 1);
}

/* ---- refcount_t and atomics ---- */

TEST(shim_refcount_semantics)
{
	refcount_t r = REFCOUNT_INIT(1);

	EXPECT_EQ(refcount_read(&r), 1);
	refcount_inc(&r);
	EXPECT_TRUE(refcount_inc_not_zero(&r));
	EXPECT_EQ(refcount_read(&r), 3);
	EXPECT_FALSE(refcount_dec_and_test(&r));
	EXPECT_FALSE(refcount_dec_and_test(&r));
	EXPECT_TRUE(refcount_dec_and_test(&r));
	EXPECT_EQ(refcount_read(&r), 0);
	/* A dying object cannot be revived. */
	EXPECT_FALSE(refcount_inc_not_zero(&r));
	EXPECT_EQ(refcount_read(&r), 0);
	refcount_set(&r, 5);
	EXPECT_EQ(refcount_read(&r), 5);
}

static refcount_t refcount_shared;

static void *refcount_hammer(void *arg)
{
	int i;

	for (i = 0; i < 20000; i++) {
		if (i & 1)
			refcount_inc(&refcount_shared);
		else
			EXPECT_TRUE(refcount_inc_not_zero(&refcount_shared));
		EXPECT_FALSE(refcount_dec_and_test(&refcount_shared));
	}
	return NULL;
}

TEST(shim_refcount_concurrent)
{
	pthread_t t[4];
	int i;

	refcount_set(&refcount_shared, 1);
	for (i = 0; i < 4; i++)
		BUG_ON(pthread_create(&t[i], NULL, refcount_hammer, NULL));
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(refcount_read(&refcount_shared), 1);
	EXPECT_TRUE(refcount_dec_and_test(&refcount_shared));
}

TEST(shim_atomics)
{
	atomic_t a = ATOMIC_INIT(5);
	atomic64_t b = ATOMIC64_INIT(1LL << 40);

	atomic_inc(&a);
	atomic_add(4, &a);
	atomic_sub(2, &a);
	EXPECT_EQ(atomic_read(&a), 8);
	EXPECT_EQ(atomic_inc_return(&a), 9);
	EXPECT_EQ(atomic_cmpxchg(&a, 1, 2), 9);		/* mismatch: unchanged */
	EXPECT_EQ(atomic_cmpxchg(&a, 9, 1), 9);
	EXPECT_TRUE(atomic_dec_and_test(&a));
	EXPECT_EQ(atomic_xchg(&a, -3), 0);
	EXPECT_EQ(atomic_read(&a), -3);

	atomic64_add(1, &b);
	EXPECT_EQ(atomic64_read(&b), (1LL << 40) + 1);
	EXPECT_EQ(atomic64_dec_return(&b), 1LL << 40);
	atomic64_set(&b, S64_MAX);
	EXPECT_EQ(atomic64_add_return(1, &b), S64_MIN);	/* wraps, no UB */
}

/* ---- per-CPU emulation ---- */

struct pcpu_stat {
	u64 packets;
	u32 drops;
};

static struct pcpu_stat __percpu *pcpu_stats;

static void *pcpu_worker(void *arg)
{
	int cpu = (int)(long)arg, i;

	kbpf_shim_thread_init(cpu);
	for (i = 0; i < 10000; i++) {
		preempt_disable();
		this_cpu_ptr(pcpu_stats)->packets++;	/* no atomics needed */
		this_cpu_ptr(pcpu_stats)->drops += cpu;
		preempt_enable();
	}
	kbpf_shim_thread_exit();
	return NULL;
}

TEST(shim_percpu)
{
	pthread_t t[NR_CPUS - 1];
	u64 total = 0;
	int cpu, n = 0;

	EXPECT_EQ(num_possible_cpus(), NR_CPUS);
	EXPECT_EQ(smp_processor_id(), 0);
	pcpu_stats = alloc_percpu(struct pcpu_stat);
	ASSERT_NONNULL(pcpu_stats);
	for_each_possible_cpu(cpu) {
		struct pcpu_stat *s = per_cpu_ptr(pcpu_stats, cpu);

		EXPECT_NULL(memchr_inv(s, 0, sizeof(*s)));
		EXPECT_EQ((uintptr_t)s % __alignof__(struct pcpu_stat), 0);
		if (cpu)
			EXPECT_NE(s, per_cpu_ptr(pcpu_stats, cpu - 1));
		n++;
	}
	EXPECT_EQ(n, NR_CPUS);
	EXPECT_EQ(this_cpu_ptr(pcpu_stats), per_cpu_ptr(pcpu_stats, 0));

	/* CPUs 1..NR_CPUS-1 each bump their own copy; CPU 0 stays idle. */
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		BUG_ON(pthread_create(&t[cpu - 1], NULL, pcpu_worker,
				      (void *)(long)cpu));
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		pthread_join(t[cpu - 1], NULL);
	for_each_possible_cpu(cpu) {
		struct pcpu_stat *s = per_cpu_ptr(pcpu_stats, cpu);

		EXPECT_EQ(s->packets, cpu ? 10000 : 0);
		EXPECT_EQ(s->drops, cpu * 10000);
		total += s->packets;
	}
	EXPECT_EQ(total, (NR_CPUS - 1) * 10000);

	kbpf_shim_set_cpu(3);
	EXPECT_EQ(this_cpu_ptr(pcpu_stats), per_cpu_ptr(pcpu_stats, 3));
	kbpf_shim_set_cpu(0);
	free_percpu(pcpu_stats);
	free_percpu(NULL);

	/* Per-CPU allocations are small, as in the kernel. */
	EXPECT_NULL(__alloc_percpu_gfp(PCPU_MIN_UNIT_SIZE + 1, 8,
				       GFP_USER | __GFP_NOWARN));
	EXPECT_NULL(__alloc_percpu_gfp(0, 8, GFP_USER | __GFP_NOWARN));
}

/* ---- locks and work ---- */

static DEFINE_SPINLOCK(shim_spin);
static DEFINE_MUTEX(shim_mutex);
static unsigned long shim_locked_counter;

static void *lock_hammer(void *arg)
{
	unsigned long flags;
	int i;

	for (i = 0; i < 20000; i++) {
		switch (i % 3) {
		case 0:
			spin_lock(&shim_spin);
			shim_locked_counter++;
			spin_unlock(&shim_spin);
			break;
		case 1:
			spin_lock_irqsave(&shim_spin, flags);
			shim_locked_counter++;
			spin_unlock_irqrestore(&shim_spin, flags);
			break;
		default:
			/* Mutex and spinlock both guard it: take both. */
			mutex_lock(&shim_mutex);
			spin_lock_bh(&shim_spin);
			shim_locked_counter++;
			spin_unlock_bh(&shim_spin);
			mutex_unlock(&shim_mutex);
		}
	}
	return NULL;
}

TEST(shim_locks_exclude)
{
	pthread_t t[4];
	int i;

	shim_locked_counter = 0;
	for (i = 0; i < 4; i++)
		BUG_ON(pthread_create(&t[i], NULL, lock_hammer, NULL));
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(shim_locked_counter, 4 * 20000);
}

struct shim_work {
	struct work_struct work;
	int ran;
};

static void shim_work_fn(struct work_struct *work)
{
	container_of(work, struct shim_work, work)->ran++;
}

TEST(shim_work_runs_synchronously)
{
	struct shim_work w = { .ran = 0 };

	INIT_WORK(&w.work, shim_work_fn);
	EXPECT_TRUE(queue_work(system_wq, &w.work));
	EXPECT_EQ(w.ran, 1);
	EXPECT_TRUE(schedule_work(&w.work));
	EXPECT_EQ(w.ran, 2);
}

/* ---- allocation limits and helpers ---- */

TEST(shim_allocation_limits)
{
	void *p;

	/* Over the limits, __GFP_NOWARN makes failure quiet, as in the kernel. */
	EXPECT_NULL(kvzalloc((size_t)INT_MAX + 1, GFP_USER | __GFP_NOWARN));
	EXPECT_NULL(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));
	EXPECT_NULL(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	EXPECT_NULL(kvcalloc(SIZE_MAX / 2, 4, GFP_KERNEL));

	p = kvzalloc_node(3 * PAGE_SIZE, GFP_USER, NUMA_NO_NODE);
	ASSERT_NONNULL(p);
	EXPECT_NULL(memchr_inv(p, 0, 3 * PAGE_SIZE));
	kvfree(p);
	p = kcalloc(7, 9, GFP_KERNEL);
	ASSERT_NONNULL(p);
	EXPECT_NULL(memchr_inv(p, 0, 63));
	kfree(p);
	kfree(NULL);
	kvfree(NULL);
}

struct outer {
	int a;
	long inner;
	u32 tail[];
};

TEST(shim_helpers)
{
	static const int arr[7];
	struct outer o;
	u8 buf[16] = { 0 };
	void *e = ERR_PTR(-ENOMEM);

	EXPECT_EQ(ARRAY_SIZE(arr), 7);
	EXPECT_EQ(container_of(&o.inner, struct outer, inner), &o);
	EXPECT_EQ(struct_size(&o, tail, 3), sizeof(o) + 3 * sizeof(u32));
	EXPECT_EQ(struct_size(&o, tail, SIZE_MAX), SIZE_MAX);
	EXPECT_TRUE(IS_ERR(e));
	EXPECT_EQ(PTR_ERR(e), -ENOMEM);
	EXPECT_TRUE(IS_ERR_OR_NULL(NULL));
	EXPECT_FALSE(IS_ERR(&o));
	EXPECT_EQ(round_up(13U, 8), 16);
	EXPECT_EQ(round_up(16U, 8), 16);
	EXPECT_EQ(round_down(13U, 8), 8);
	EXPECT_EQ(DIV_ROUND_UP(13, 8), 2);
	EXPECT_EQ(min(3U, 5U), 3);
	EXPECT_EQ(max_t(int, -1, 2), 2);
	EXPECT_EQ(clamp(9, 0, 4), 4);
	EXPECT_EQ(fls(0), 0);
	EXPECT_EQ(fls(1), 1);
	EXPECT_EQ(fls(0x80000000U), 32);
	EXPECT_EQ(fls64(1ULL << 40), 41);
	EXPECT_EQ(ilog2(4096), 12);
	{
		volatile u64 v = 1ULL << 50;	/* not a constant */

		EXPECT_EQ(ilog2(v), 50);
	}
	EXPECT_TRUE(is_power_of_2(64));
	EXPECT_FALSE(is_power_of_2(0));
	EXPECT_FALSE(is_power_of_2(65));
	EXPECT_EQ(roundup_pow_of_two(1), 1);
	EXPECT_EQ(roundup_pow_of_two(65), 128);
	EXPECT_EQ(BIT(3), 8);
	EXPECT_EQ(U32_MAX, 0xffffffffULL);
	EXPECT_EQ(S32_MIN, -2147483648LL);
	EXPECT_EQ(S64_MAX, 0x7fffffffffffffffULL);
	EXPECT_NULL(memchr_inv(buf, 0, sizeof(buf)));
	buf[11] = 1;
	EXPECT_EQ(memchr_inv(buf, 0, sizeof(buf)), &buf[11]);
	BUILD_BUG_ON(PAGE_SIZE != 4096);
}

/* ---- kernel WARN/BUG conditions abort ---- */

/* True when fn() dies in a child process (its report goes to /dev/null). */
static bool dies(void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	BUG_ON(pid < 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDERR_FILENO);
		fn();
		_exit(0);
	}
	BUG_ON(waitpid(pid, &status, 0) != pid);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void refcount_inc_from_zero(void)
{
	refcount_t r = REFCOUNT_INIT(0);

	refcount_inc(&r);
}

static void refcount_underflow(void)
{
	refcount_t r = REFCOUNT_INIT(0);

	if (refcount_dec_and_test(&r))
		pr_err("refcount 0 -> -1 reported as the last put\n");
}

static void unlock_unlocked_spinlock(void)
{
	spinlock_t l;

	spin_lock_init(&l);
	spin_unlock(&l);
}

static void kvmalloc_huge_without_nowarn(void)
{
	kvfree(kvmalloc((size_t)INT_MAX + 1, GFP_KERNEL));
}

static void nothing_wrong(void)
{
}

TEST(shim_kernel_warnings_abort)
{
	EXPECT_FALSE(dies(nothing_wrong));
	EXPECT_TRUE(dies(refcount_inc_from_zero));
	EXPECT_TRUE(dies(refcount_underflow));
	EXPECT_TRUE(dies(unlock_unlocked_spinlock));
	EXPECT_TRUE(dies(kvmalloc_huge_without_nowarn));
}
