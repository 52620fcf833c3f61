/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: what runs later or waits in the kernel,
 * work items, irq_work, wait queues and poll, run or counted at once here.
 */
#ifndef KBPF_SHIM_KAPI_WORK_H
#define KBPF_SHIM_KAPI_WORK_H

#include <kbpf/kapi_base.h>
#include <kbpf/kapi_atomic.h>

/* ---- Deferred work ------------------------------------------------------- */

/*
 * queue_work() runs the work at once, in the caller's thread. The kernel
 * queues work so it can sleep outside atomic context (an RCU callback,
 * say); the host has no atomic context, so running it synchronously keeps
 * tests deterministic. The difference shows only if the caller holds a
 * lock the work also takes: a self-deadlock here (the error-checking mutex
 * aborts), fine in the kernel.
 */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
};

struct workqueue_struct;
#define system_wq		((struct workqueue_struct *)NULL)

#define INIT_WORK(w, f)		do { (w)->func = (f); } while (0)

static inline bool queue_work(struct workqueue_struct *wq,
			      struct work_struct *work)
{
	work->func(work);
	return true;
}

#define kbpf_free_wq		system_wq

static inline bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}

/* ---- Wait queues, poll, irq_work ----------------------------------------- */

/*
 * Nothing sleeps on a host wait queue: it counts its wake-ups, which is
 * what tests of a producer's wake-up policy look at. poll_wait() only
 * registers a waiter in the kernel, so it does nothing here.
 */
typedef struct { atomic_t wakeups; } wait_queue_head_t;

static inline void init_waitqueue_head(wait_queue_head_t *wq)
{
	atomic_set(&wq->wakeups, 0);
}

static inline void wake_up_all(wait_queue_head_t *wq)
{
	atomic_inc(&wq->wakeups);
}

struct file;
typedef struct poll_table_struct poll_table;

static inline void poll_wait(struct file *file, wait_queue_head_t *wq,
			     poll_table *pt)
{
}

#define EPOLLIN		((__poll_t)0x00000001)
#define EPOLLERR	((__poll_t)0x00000008)
#define EPOLLRDNORM	((__poll_t)0x00000040)

/*
 * irq_work runs its function at once: the host has no interrupts to wait
 * for. A test may hold the next works queued (kbpf_shim_irq_work_hold),
 * pending until it runs the last one with kbpf_shim_irq_work_release().
 */
struct irq_work {
	void (*func)(struct irq_work *work);
	bool pending;
};

__attribute__((__weak__)) bool kbpf_shim_irq_work_hold;
__attribute__((__weak__)) struct irq_work *kbpf_shim_irq_work_held;

static inline void init_irq_work(struct irq_work *work,
				 void (*func)(struct irq_work *work))
{
	work->func = func;
	work->pending = false;
}

static inline bool irq_work_is_busy(struct irq_work *work)
{
	return work->pending;
}

static inline bool irq_work_queue(struct irq_work *work)
{
	if (work->pending)
		return false;
	if (kbpf_shim_irq_work_hold) {
		work->pending = true;
		kbpf_shim_irq_work_held = work;
		return true;
	}
	work->func(work);
	return true;
}

static inline void kbpf_shim_irq_work_release(void)
{
	struct irq_work *work = kbpf_shim_irq_work_held;

	kbpf_shim_irq_work_held = NULL;
	if (work) {
		work->pending = false;
		work->func(work);
	}
}

static inline void irq_work_sync(struct irq_work *work)
{
}

#endif /* KBPF_SHIM_KAPI_WORK_H */
