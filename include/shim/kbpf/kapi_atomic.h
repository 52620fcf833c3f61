/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: memory ordering, atomic_t, atomic64_t,
 * xchg()/cmpxchg() and refcount_t, on GCC's __atomic builtins.
 */
#ifndef KBPF_SHIM_KAPI_ATOMIC_H
#define KBPF_SHIM_KAPI_ATOMIC_H

#include <kbpf/kapi_base.h>

/* ---- Memory ordering, atomics, refcounts --------------------------------- */

#define READ_ONCE(x)		(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, val)	do { *(volatile typeof(x) *)&(x) = (val); } while (0)

#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)

typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;
#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }

/*
 * Kernel ordering: plain read/set/add/sub/inc/dec are relaxed; operations
 * that return a value are fully ordered. Wrap-around is defined for
 * __atomic builtins, as it is for the kernel's atomic_t.
 */
#define KBPF_SHIM_ATOMIC_OPS(pfx, atype, T)				\
static inline T pfx##_read(const atype *v)				\
{ return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }		\
static inline void pfx##_set(atype *v, T i)				\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void pfx##_add(T i, atype *v)				\
{ __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_sub(T i, atype *v)				\
{ __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_inc(atype *v) { pfx##_add(1, v); }		\
static inline void pfx##_dec(atype *v) { pfx##_sub(1, v); }		\
static inline T pfx##_add_return(T i, atype *v)				\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_inc_return(atype *v)				\
{ return pfx##_add_return(1, v); }					\
static inline T pfx##_dec_return(atype *v)				\
{ return pfx##_add_return(-1, v); }					\
static inline bool pfx##_dec_and_test(atype *v)				\
{ return pfx##_dec_return(v) == 0; }					\
static inline void pfx##_and(T i, atype *v)				\
{ __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_or(T i, atype *v)				\
{ __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_xor(T i, atype *v)				\
{ __atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline T pfx##_fetch_add(T i, atype *v)				\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_fetch_and(T i, atype *v)				\
{ return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_fetch_or(T i, atype *v)				\
{ return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_fetch_xor(T i, atype *v)				\
{ return __atomic_fetch_xor(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_xchg(atype *v, T new)				\
{ return __atomic_exchange_n(&v->counter, new, __ATOMIC_SEQ_CST); }	\
static inline T pfx##_cmpxchg(atype *v, T old, T new)			\
{									\
	__atomic_compare_exchange_n(&v->counter, &old, new, false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	return old;							\
}

KBPF_SHIM_ATOMIC_OPS(atomic, atomic_t, int)
KBPF_SHIM_ATOMIC_OPS(atomic64, atomic64_t, s64)
#undef KBPF_SHIM_ATOMIC_OPS

/* The kernel's xchg() on a plain word (pointer slots of fd maps). */
#define xchg(ptr, new)	__atomic_exchange_n((ptr), (new), __ATOMIC_SEQ_CST)

/* The kernel's cmpxchg(): the old value, new stored if it was old. */
#define cmpxchg(ptr, old, new) ({					\
	typeof(*(ptr)) cmpxchg_old_ = (old);				\
	__atomic_compare_exchange_n((ptr), &cmpxchg_old_, (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
	cmpxchg_old_;							\
})

/*
 * refcount_t: the checks of the kernel's (increment from zero is a
 * use-after-free, decrement below zero an underflow) but, instead of
 * saturating with a WARN, the host aborts.
 */
typedef struct { atomic_t refs; } refcount_t;
#define REFCOUNT_INIT(n)	{ .refs = ATOMIC_INIT(n) }

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return atomic_read(&r->refs);
}

static inline void refcount_inc(refcount_t *r)
{
	int old = __atomic_fetch_add(&r->refs.counter, 1, __ATOMIC_RELAXED);

	__kbpf_warn(old <= 0, "refcount_t: addition on 0; use-after-free");
	__kbpf_warn(old == INT_MAX, "refcount_t: saturated");
}

static inline __must_check bool refcount_inc_not_zero(refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			return false;
		__kbpf_warn(old < 0 || old == INT_MAX, "refcount_t: saturated");
	} while (!__atomic_compare_exchange_n(&r->refs.counter, &old, old + 1,
					      true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

static inline __must_check bool refcount_dec_and_test(refcount_t *r)
{
	int old = __atomic_fetch_sub(&r->refs.counter, 1, __ATOMIC_RELEASE);

	if (old == 1) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		return true;
	}
	__kbpf_warn(old <= 0, "refcount_t: underflow; use-after-free");
	return false;
}

#endif /* KBPF_SHIM_KAPI_ATOMIC_H */
