/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: spinlocks and mutexes on pthreads, RCU
 * on liburcu.
 */
#ifndef KBPF_SHIM_KAPI_SYNC_H
#define KBPF_SHIM_KAPI_SYNC_H

#include <kbpf/kapi_base.h>
#include <kbpf/kapi_atomic.h>
#include <kbpf/kapi_alloc.h>

#include <pthread.h>
#include <urcu/urcu-memb.h>

/* ---- Locks --------------------------------------------------------------- */

/*
 * Spinlocks and mutexes are error-checking pthread mutexes (sleeping beats
 * spinning on a host that preempts lock holders). Recursive locking and
 * unlocking a lock one does not hold abort instead of hanging or passing.
 * There is no interrupt context, so the _bh/_irqsave forms only lock.
 */
#define KBPF_SHIM_MUTEX_UNLOCKED	{ PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP }

static inline void kbpf_shim_mutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;

	BUG_ON(pthread_mutexattr_init(&attr));
	BUG_ON(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK));
	BUG_ON(pthread_mutex_init(m, &attr));
	pthread_mutexattr_destroy(&attr);
}

static inline void kbpf_shim_mutex_lock(pthread_mutex_t *m)
{
	BUG_ON(pthread_mutex_lock(m));
}

static inline void kbpf_shim_mutex_unlock(pthread_mutex_t *m)
{
	BUG_ON(pthread_mutex_unlock(m));
}

typedef struct { pthread_mutex_t m; } spinlock_t;
typedef struct { pthread_mutex_t m; } raw_spinlock_t;

#define DEFINE_SPINLOCK(x)	spinlock_t x = KBPF_SHIM_MUTEX_UNLOCKED
#define DEFINE_RAW_SPINLOCK(x)	raw_spinlock_t x = KBPF_SHIM_MUTEX_UNLOCKED

static inline void spin_lock_init(spinlock_t *l) { kbpf_shim_mutex_init(&l->m); }
static inline void spin_lock(spinlock_t *l) { kbpf_shim_mutex_lock(&l->m); }
static inline void spin_unlock(spinlock_t *l) { kbpf_shim_mutex_unlock(&l->m); }
static inline void spin_lock_bh(spinlock_t *l) { spin_lock(l); }
static inline void spin_unlock_bh(spinlock_t *l) { spin_unlock(l); }
#define spin_lock_irqsave(l, flags)	   do { (flags) = 0; spin_lock(l); } while (0)
#define spin_trylock_irqsave(l, flags)					\
	({ (flags) = 0; pthread_mutex_trylock(&(l)->m) == 0; })
#define spin_unlock_irqrestore(l, flags)  do { (void)(flags); spin_unlock(l); } while (0)

static inline void raw_spin_lock_init(raw_spinlock_t *l) { kbpf_shim_mutex_init(&l->m); }
static inline void raw_spin_lock(raw_spinlock_t *l) { kbpf_shim_mutex_lock(&l->m); }
static inline void raw_spin_unlock(raw_spinlock_t *l) { kbpf_shim_mutex_unlock(&l->m); }
#define raw_spin_lock_irqsave(l, flags)	     do { (flags) = 0; raw_spin_lock(l); } while (0)
#define raw_spin_unlock_irqrestore(l, flags) do { (void)(flags); raw_spin_unlock(l); } while (0)
static inline bool raw_spin_trylock(raw_spinlock_t *l)
{
	return pthread_mutex_trylock(&l->m) == 0;
}
#define raw_spin_trylock_irqsave(l, flags)	({ (flags) = 0; raw_spin_trylock(l); })

struct mutex { pthread_mutex_t m; };

#define DEFINE_MUTEX(x)		struct mutex x = KBPF_SHIM_MUTEX_UNLOCKED

static inline void mutex_init(struct mutex *l) { kbpf_shim_mutex_init(&l->m); }
static inline void mutex_lock(struct mutex *l) { kbpf_shim_mutex_lock(&l->m); }
static inline void mutex_unlock(struct mutex *l) { kbpf_shim_mutex_unlock(&l->m); }
/* Destroying a held mutex fails with EBUSY: the kernel's debug check. */
static inline void mutex_destroy(struct mutex *l) { BUG_ON(pthread_mutex_destroy(&l->m)); }

/* ---- RCU ----------------------------------------------------------------- */

/*
 * liburcu (membarrier flavour). struct rcu_head, rcu_dereference() and
 * rcu_assign_pointer() are liburcu's own, with the kernel's signatures.
 * Unlike the kernel, every thread that uses RCU, including through
 * call_rcu() and rcu_barrier(), must first be registered: tests call
 * kbpf_shim_thread_init(). Callbacks run on liburcu's call_rcu thread.
 */
typedef void (*rcu_callback_t)(struct rcu_head *head);

static inline void rcu_read_lock(void) { urcu_memb_read_lock(); }
static inline void rcu_read_unlock(void) { urcu_memb_read_unlock(); }
static inline void synchronize_rcu(void) { urcu_memb_synchronize_rcu(); }
static inline void rcu_barrier(void) { urcu_memb_barrier(); }

static inline void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	urcu_memb_call_rcu(head, func);
}

static inline void kbpf_shim_kfree_rcu_cb(struct rcu_head *head)
{
	kfree(head);
}

/* The shim frees the rcu_head's address: it must start the object. */
#define kfree_rcu(ptr, field)						\
	do {								\
		typeof(ptr) kfree_rcu_p_ = (ptr);			\
		BUILD_BUG_ON(offsetof(typeof(*kfree_rcu_p_), field));	\
		if (kfree_rcu_p_)					\
			call_rcu(&kfree_rcu_p_->field,			\
				 kbpf_shim_kfree_rcu_cb);		\
	} while (0)

/* No lockdep here: a lock is taken to be held where the code says so. */
#define lockdep_is_held(l)		((void)(l), 1)
#define lockdep_assert_held(l)		((void)(l))

/* As in the kernel without lockdep, the condition is type-checked only. */
#define rcu_dereference_protected(p, c)	({ (void)(0 && (c)); (p); })
#define rcu_access_pointer(p)		READ_ONCE(p)
#define RCU_INIT_POINTER(p, v)		WRITE_ONCE(p, v)
#define rcu_dereference_raw(p)	READ_ONCE(p)

#endif /* KBPF_SHIM_KAPI_SYNC_H */
