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
 * Host-only hooks for tests are at the end, all prefixed kbpf_shim_.
 */
#ifndef KBPF_KAPI_H
#define KBPF_KAPI_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP */
#endif

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/filter.h>	/* the uapi one: SKF_* offsets, struct sock_filter */

#include <urcu/urcu-memb.h>

/* ---- Compiler attributes and annotations -------------------------------- */

#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))
#define __maybe_unused		__attribute__((__unused__))
#define noinline		__attribute__((__noinline__))
#define __weak			__attribute__((__weak__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
/* Exempt from -ftrivial-auto-var-init, as in kernels built with it. */
#if __has_attribute(__uninitialized__)
#define __uninitialized		__attribute__((__uninitialized__))
#else
#define __uninitialized
#endif
#define __must_check		__attribute__((__warn_unused_result__))
#define fallthrough		__attribute__((__fallthrough__))
/* Reaching it is undefined behaviour, which UBSan reports. */
#define unreachable()		__builtin_unreachable()

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

/* objtool's mark on computed-goto tables; objtool does not run here. */
#define __annotate_jump_table

/* Sparse address-space annotations: meaningless on the host. */
#ifndef __rcu
#define __rcu
#endif
#define __percpu
#define __user
#define __force

#define barrier()		__asm__ __volatile__("" : : : "memory")

/* ---- Types and limits ---------------------------------------------------- */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#define U8_MAX		((u8)~0U)
#define S8_MAX		((s8)(U8_MAX >> 1))
#define S8_MIN		((s8)(-S8_MAX - 1))
#define U16_MAX		((u16)~0U)
#define S16_MAX		((s16)(U16_MAX >> 1))
#define S16_MIN		((s16)(-S16_MAX - 1))
#define U32_MAX		((u32)~0U)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S32_MIN		((s32)(-S32_MAX - 1))
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))
#define S64_MIN		((s64)(-S64_MAX - 1))
/* INT_MAX, UINT_MAX, LONG_MAX, SIZE_MAX etc. come from <limits.h>/<stdint.h>. */

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)

/* ---- Errors -------------------------------------------------------------- */

/* Kernel-internal errno (never reaches userspace as such). */
#define ENOTSUPP	524

#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return unlikely(!ptr) || IS_ERR_VALUE((unsigned long)ptr);
}

static inline void *ERR_CAST(const void *ptr)
{
	return (void *)ptr;
}

/* ---- Assertions ---------------------------------------------------------- */

__attribute__((__noreturn__, __cold__))
static inline void kbpf_shim_die(const char *what, const char *file, int line,
				 const char *cond)
{
	fprintf(stderr, "%s:%d: %s(%s)\n", file, line, what, cond);
	abort();
}

#define BUG()	kbpf_shim_die("BUG", __FILE__, __LINE__, "")
#define BUG_ON(cond)							\
	do {								\
		if (unlikely(cond))					\
			kbpf_shim_die("BUG_ON", __FILE__, __LINE__, #cond); \
	} while (0)

/*
 * A kernel WARN is a bug report, so on the host it aborts: a test or fuzzer
 * that trips one fails loudly. The value of the condition is still returned
 * (it is always false when WARN_ON returns), so `if (WARN_ON(x))` compiles.
 */
#define __kbpf_warn(cond, what)						\
	({								\
		bool __warn_c = !!(cond);				\
		if (unlikely(__warn_c))					\
			kbpf_shim_die("WARN", __FILE__, __LINE__, what); \
		__warn_c;						\
	})
#define WARN_ON(cond)		__kbpf_warn(cond, #cond)
#define WARN_ON_ONCE(cond)	__kbpf_warn(cond, #cond)

#define BUILD_BUG_ON_ZERO(e)	((int)(sizeof(struct { int:(-!!(e)); })))
#define BUILD_BUG_ON(cond)						\
	do {								\
		_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")");	\
	} while (0)

/* ---- Arithmetic, bits, sizes --------------------------------------------- */

#define __same_type(a, b)	__builtin_types_compatible_p(typeof(a), typeof(b))
#define __must_be_array(a)	BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))
#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))

#define container_of(ptr, type, member)					\
	({								\
		void *__mptr = (void *)(ptr);				\
		_Static_assert(__same_type(*(ptr), ((type *)0)->member) || \
			       __same_type(*(ptr), void),		\
			       "pointer type mismatch in container_of()"); \
		((type *)(__mptr - offsetof(type, member)));		\
	})

/*
 * Like Linux 6.1, min()/max() insist on identical types: comparing pointers
 * to the two types warns (and -Werror fails) exactly where the kernel does.
 */
#define __typecheck(x, y)	(!!(sizeof((typeof(x) *)1 == (typeof(y) *)1)))
#define __kbpf_cmp(x, y, op)						\
	({								\
		typeof(x) __cmp_x = (x);				\
		typeof(y) __cmp_y = (y);				\
		(void)__typecheck(x, y);				\
		__cmp_x op __cmp_y ? __cmp_x : __cmp_y;			\
	})
#define min(x, y)		__kbpf_cmp(x, y, <)
#define max(x, y)		__kbpf_cmp(x, y, >)
#define min_t(type, x, y)	__kbpf_cmp((type)(x), (type)(y), <)
#define max_t(type, x, y)	__kbpf_cmp((type)(x), (type)(y), >)
#define clamp(val, lo, hi)	min((typeof(val))max(val, lo), hi)
#define swap(a, b)							\
	do {								\
		typeof(a) __swap_t = (a);				\
		(a) = (b);						\
		(b) = __swap_t;						\
	} while (0)

/* y must be a power of two, as in the kernel. */
#define __round_mask(x, y)	((__typeof__(x))((y) - 1))
#define round_up(x, y)		((((x) - 1) | __round_mask(x, y)) + 1)
#define round_down(x, y)	((x) & ~__round_mask(x, y))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))

static __always_inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static __always_inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* Folds to a constant for constants, as the kernel's does; ilog2(0) is undefined. */
#define ilog2(n)							\
	(__builtin_constant_p(n) ?					\
	 ((n) < 2 ? 0 : 63 - __builtin_clzll(n)) :			\
	 (sizeof(n) <= 4 ? fls((u32)(n)) - 1 : fls64((u64)(n)) - 1))

static inline __attribute__((__const__)) bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* Undefined for n == 0 and n > 2^63, like the kernel's (UBSan shows it). */
static inline __attribute__((__const__))
unsigned long roundup_pow_of_two(unsigned long n)
{
	return 1UL << fls64(n - 1);
}

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

/* Saturate at SIZE_MAX so an overflowed size makes the allocation fail. */
static inline size_t size_mul(size_t a, size_t b)
{
	size_t r;

	return check_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static inline size_t size_add(size_t a, size_t b)
{
	size_t r;

	return check_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

#define struct_size(p, member, count)					\
	size_add(sizeof(*(p)), size_mul(sizeof(*(p)->member) +		\
					__must_be_array((p)->member), count))

/* ---- Byte order (x86-64: little-endian) ---------------------------------- */

#define swab16(x)		__builtin_bswap16(x)
#define swab32(x)		__builtin_bswap32(x)
#define swab64(x)		__builtin_bswap64(x)
#define cpu_to_be16(x)		__builtin_bswap16(x)
#define cpu_to_be32(x)		__builtin_bswap32(x)
#define cpu_to_be64(x)		__builtin_bswap64(x)
#define be16_to_cpu(x)		__builtin_bswap16(x)
#define be32_to_cpu(x)		__builtin_bswap32(x)
#define be64_to_cpu(x)		__builtin_bswap64(x)
#define cpu_to_le16(x)		((u16)(x))
#define cpu_to_le32(x)		((u32)(x))
#define cpu_to_le64(x)		((u64)(x))

/* <asm/unaligned.h>: big-endian loads at any alignment. */
static inline u16 get_unaligned_be16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return be16_to_cpu(v);
}

static inline u32 get_unaligned_be32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return be32_to_cpu(v);
}

static inline u64 get_unaligned_be64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return be64_to_cpu(v);
}

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

/* ---- Allocation ---------------------------------------------------------- */

/*
 * Only two gfp bits change behaviour here: __GFP_ZERO zeroes, and
 * __GFP_NOWARN silences the kernel's WARN (an abort on the host) for
 * requests above the allocator's limits. The others are accepted and
 * ignored; the node argument is ignored too (one node).
 */
typedef unsigned int gfp_t;
#define __GFP_ZERO		0x01u
#define __GFP_NOWARN		0x02u
#define __GFP_ACCOUNT		0x04u
#define __GFP_RETRY_MAYFAIL	0x08u
#define GFP_ATOMIC		0x10u
#define GFP_KERNEL		0x20u
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_USER		(GFP_KERNEL | 0x40u)
#define GFP_NOWAIT		0x80u

#define NUMA_NO_NODE		(-1)
#define nr_node_ids		1U

/* Largest kmalloc on x86-64 6.1 (SLUB: 1 << (MAX_ORDER + PAGE_SHIFT - 1)). */
#define KMALLOC_MAX_SIZE	(1UL << 22)

static inline void *kbpf_shim_alloc(size_t size, gfp_t flags, size_t limit)
{
	if (unlikely(size > limit)) {
		__kbpf_warn(!(flags & __GFP_NOWARN),
			    "oversized allocation without __GFP_NOWARN");
		return NULL;
	}
	return (flags & __GFP_ZERO) ? calloc(1, size) : malloc(size);
}

static inline void *kmalloc(size_t size, gfp_t flags)
{
	return kbpf_shim_alloc(size, flags, KMALLOC_MAX_SIZE);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

/* An overflowing n * size fails quietly, as in the kernel. */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

static inline void *kmalloc_node(size_t size, gfp_t flags, int node)
{
	return kmalloc(size, flags);
}

static inline void *kzalloc_node(size_t size, gfp_t flags, int node)
{
	return kzalloc(size, flags);
}

/* kvmalloc refuses anything above INT_MAX, warning unless __GFP_NOWARN. */
static inline void *kvmalloc_node(size_t size, gfp_t flags, int node)
{
	return kbpf_shim_alloc(size, flags, INT_MAX);
}

static inline void *kvmalloc(size_t size, gfp_t flags)
{
	return kvmalloc_node(size, flags, NUMA_NO_NODE);
}

static inline void *kvzalloc(size_t size, gfp_t flags)
{
	return kvmalloc(size, flags | __GFP_ZERO);
}

static inline void *kvzalloc_node(size_t size, gfp_t flags, int node)
{
	return kvmalloc_node(size, flags | __GFP_ZERO, node);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kvmalloc(bytes, flags | __GFP_ZERO);
}

static inline void *vmalloc(unsigned long size)
{
	return malloc(size);
}

static inline void *vzalloc(unsigned long size)
{
	return calloc(1, size);
}

/* Page-aligned, as the kernel's vmalloc areas are (mmap-able maps rely on it). */
static inline void *__vmalloc(unsigned long size, gfp_t flags)
{
	void *p;

	if (unlikely(size > INT_MAX))
		return NULL;
	size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	p = aligned_alloc(PAGE_SIZE, size ? size : PAGE_SIZE);
	if (p && (flags & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

/* All one heap here: mixing kfree/kvfree/vfree up goes unnoticed. */
static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

static inline void vfree(const void *p)
{
	free((void *)p);
}

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

/* The kernel's xchg() on a plain word: a full barrier and the old value. */
#ifndef xchg
#define xchg(ptr, new)	__atomic_exchange_n((ptr), (new), __ATOMIC_SEQ_CST)
#endif

static inline bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}

/* ---- Printing ------------------------------------------------------------ */

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_err(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...)	pr_info(fmt, ##__VA_ARGS__)
#ifdef DEBUG
#define pr_debug(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#else
/* Compiled out, but the format is still checked, as in the kernel. */
#define pr_debug(fmt, ...)						\
	do { if (0) fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__); } while (0)
#endif

/* ---- Strings ------------------------------------------------------------- */

/* First byte of s[0..n) that is not c, or NULL when all are. */
static inline void *memchr_inv(const void *s, int c, size_t n)
{
	const u8 *p = s;

	for (; n; n--, p++)
		if (*p != (u8)c)
			return (void *)p;
	return NULL;
}

/* ---- Socket buffers ------------------------------------------------------ */

#define sizeof_field(TYPE, MEMBER)	sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER)	\
	(offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))

/* The net_device fields context rewrites load (__sk_buff->ifindex, ...). */
struct net_device {
	int ifindex;
	unsigned int mtu;
	unsigned short hard_header_len;	/* the L2 header bpf_check_mtu adds */
};

struct sock;
struct dst_entry;

/*
 * The sk_buff fields and accessors the shared core reads (legacy packet
 * loads, context rewrites), with the kernel's meaning and types: headers
 * are offsets from head, and a mac_header of ~0 means unset. The layout
 * is not the kernel's; code only ever uses offsetof() and sizeof_field().
 * A host skb is always linear (data_len 0): skb_header_pointer() never
 * copies, so it never uses its buffer.
 */
struct sk_buff {
	struct net_device *dev;
	struct sock *sk;
	s64 tstamp;
	char cb[48] __aligned(8);
	unsigned int len;
	unsigned int data_len;
	u16 queue_mapping;
	u8 __pkt_type_offset[0];
	u8 pkt_type:3;
	u8 __pkt_vlan_present_offset[0];
	u8 vlan_present:1;
	u8 :4;
	u8 mono_delivery_time:1;	/* tstamp is a mono delivery time */
	u8 :1;
	u8 tc_at_ingress:1;
	u16 tc_index;
	u32 priority;
	int skb_iif;
	u32 hash;
	__be16 vlan_proto;
	u16 vlan_tci;
	unsigned int napi_id;
	u32 mark;
	__be16 protocol;
	u8 ip_summed;		/* CHECKSUM_*: what csum holds */
	u8 l4_hash:1;
	u8 sw_hash:1;
	u8 csum_level:2;	/* CHECKSUM_UNNECESSARY: checksums verified - 1 */
	u8 cloned:1;
	struct dst_entry *dst;	/* the kernel's _skb_refdst, always refcounted */
	__wsum csum;
	u16 mac_header;
	u16 network_header;
	u16 mac_len;
	u32 tail;
	unsigned int end;
	unsigned char *head;
	unsigned char *data;
	/* Offsets from head, as the kernel's; ~0 is "not set". */
	u16 transport_header;
	u16 csum_start;
	u16 csum_offset;
	u8 encapsulation:1;
	/* The encapsulated packet's headers, once an outer one is pushed. */
	u16 inner_mac_header;
	u16 inner_network_header;
	u16 inner_transport_header;
	__be16 inner_protocol;
};

/* The host skb has the fields of a kernel with qdiscs (tc_index). */
#define CONFIG_NET_SCHED	1
/* ... and with tc actions (tc_at_ingress). */
#define CONFIG_NET_CLS_ACT	1

/* <linux/skbuff.h>'s bit positions, little-endian bitfields as in x86-64's kernel. */
#define PKT_TYPE_MAX		7
#define PKT_TYPE_OFFSET		offsetof(struct sk_buff, __pkt_type_offset)
#define PKT_VLAN_PRESENT_BIT	0
#define PKT_VLAN_PRESENT_OFFSET	offsetof(struct sk_buff, __pkt_vlan_present_offset)
#define SKB_MONO_DELIVERY_TIME_MASK	(1 << 5)
#define TC_AT_INGRESS_MASK		(1 << 7)

/*
 * <linux/skbuff.h>: what follows an skb's data area, at head + end (end
 * is an offset, as on every 64-bit kernel).
 */
struct skb_shared_hwtstamps {
	union {
		s64 hwtstamp;
		void *netdev_data;
	};
};

struct skb_shared_info {
	u8 flags;
	u8 meta_len;
	u8 nr_frags;
	u8 tx_flags;
	unsigned short gso_size;
	unsigned short gso_segs;
	unsigned int gso_type;
	struct sk_buff *frag_list;
	struct skb_shared_hwtstamps hwtstamps;
};

#define skb_shinfo(SKB)							\
	((struct skb_shared_info *)((SKB)->head + (SKB)->end))
/* <net/sock.h>: a queue_mapping write of this or more is ignored. */
#define NO_QUEUE_MAPPING	USHRT_MAX
/* <net/busy_poll.h>: napi ids below this are sender CPUs, read as 0. */
#define MIN_NAPI_ID		((unsigned int)(NR_CPUS + 1))

/* <net/sch_generic.h>: what the traffic-control layer keeps in skb->cb. */
struct qdisc_skb_cb {
	struct {
		unsigned int pkt_len;
		u16 slave_dev_queue_mapping;
		u16 tc_classid;
	};
	unsigned char data[20];
};

/* <net/xdp.h>: the XDP context and the queue it came in on / goes out of. */
struct xdp_rxq_info {
	struct net_device *dev;
	u32 queue_index;
	u32 reg_state;
};

struct xdp_txq_info {
	struct net_device *dev;
};

struct xdp_buff {
	void *data;
	void *data_end;
	void *data_meta;
	void *data_hard_start;
	struct xdp_rxq_info *rxq;
	struct xdp_txq_info *txq;
	u32 frame_sz;
	u32 flags;
};

/* What a redirected frame keeps at the start of its headroom (its fields as the kernel's). */
struct xdp_mem_info {
	u32 type;
	u32 id;
};

struct xdp_frame {
	void *data;
	u16 len;
	u16 headroom;
	u32 metasize:8;
	u32 frame_sz:24;
	struct xdp_mem_info mem;
	struct net_device *dev_rx;
	u32 flags;
};

static inline bool xdp_data_meta_unsupported(const struct xdp_buff *xdp)
{
	return xdp->data_meta > xdp->data;
}

static inline bool xdp_metalen_invalid(unsigned long metalen)
{
	return (metalen & (sizeof(u32) - 1)) || metalen > 32;
}

#define XDP_FLAGS_HAS_FRAGS	BIT(0)

static inline bool xdp_buff_has_frags(const struct xdp_buff *xdp)
{
	return xdp->flags & XDP_FLAGS_HAS_FRAGS;
}

/*
 * The end of the room a frame's packet may use: the kernel keeps an
 * skb_shared_info in the frame's last SKB_DATA_ALIGN(sizeof()) bytes, 320
 * on x86-64 (the shim's skb_shared_info is smaller, so the size is given).
 */
#define KBPF_SHIM_XDP_TAILROOM	320
#define xdp_data_hard_end(xdp)						\
	((xdp)->data_hard_start + (xdp)->frame_sz - KBPF_SHIM_XDP_TAILROOM)

/* Host frames have no fragments: the packet is the linear part. */
static inline unsigned int xdp_get_buff_len(const struct xdp_buff *xdp)
{
	return xdp->data_end - xdp->data;
}

#ifndef ETH_HLEN
#define ETH_HLEN	14
#endif

/* Host skbs carry no XDP metadata in front of data. */
static inline u8 skb_metadata_len(const struct sk_buff *skb)
{
	return 0;
}

static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
	return skb->len - skb->data_len;
}

static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->head + skb->tail;
}

static inline unsigned char *skb_network_header(const struct sk_buff *skb)
{
	return skb->head + skb->network_header;
}

static inline int skb_mac_header_was_set(const struct sk_buff *skb)
{
	return skb->mac_header != (u16)~0U;
}

static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
	return skb->head + skb->mac_header;
}

static inline void *skb_header_pointer(const struct sk_buff *skb, int offset,
				       int len, void *buffer)
{
	if ((int)skb_headlen(skb) - offset >= len)
		return skb->data + offset;
	return NULL;
}

/*
 * Host skbs are linear and never shared: the first len bytes are already
 * writable, past them there is nothing to pull.
 */
static inline int skb_ensure_writable(struct sk_buff *skb, unsigned int len)
{
	return len <= skb_headlen(skb) ? 0 : -ENOMEM;
}

/* <net/cls_cgroup.h>: a host task is in no net_cls cgroup. */
static inline u32 task_get_classid(const struct sk_buff *skb)
{
	return 0;
}

static inline void skb_clear_hash(struct sk_buff *skb)
{
	skb->hash = 0;
	skb->sw_hash = 0;
	skb->l4_hash = 0;
}

/*
 * <linux/skbuff.h>: the packet's flow hash, computed when it has none.
 * The host has no flow dissector: its stand-in hashes the linear bytes
 * (FNV-1a) and records the result as a software hash, as Linux records
 * the dissector's.
 */
static inline u32 skb_get_hash(struct sk_buff *skb)
{
	u32 h = 2166136261u, i;

	if (skb->l4_hash || skb->sw_hash)
		return skb->hash;
	for (i = 0; i < skb->len; i++)
		h = (h ^ skb->data[i]) * 16777619u;
	skb->hash = h;
	skb->sw_hash = 1;
	return h;
}

/* ---- Internet checksums (<net/checksum.h>) ------------------------------- */

#define CHECKSUM_NONE		0
#define CHECKSUM_UNNECESSARY	1
#define CHECKSUM_COMPLETE	2
#define CHECKSUM_PARTIAL	3
#define CSUM_MANGLED_0		((__force __sum16)0xffff)

/* 32-bit ones' complement addition: the carry wraps around. */
static inline __wsum csum_add(__wsum a, __wsum b)
{
	u32 sum = (__force u32)a + (__force u32)b;

	return (__force __wsum)(sum + (sum < (__force u32)b));
}

static inline __wsum csum_sub(__wsum a, __wsum b)
{
	return csum_add(a, (__force __wsum)~(__force u32)b);
}

static inline __sum16 csum_fold(__wsum csum)
{
	u32 sum = (__force u32)csum;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__force __sum16)~sum;
}

static inline __wsum csum_unfold(__sum16 n)
{
	return (__force __wsum)n;
}

/*
 * The partial sum of buf (16-bit words in memory order) added to sum.
 * Not bit-identical to x86's csum_partial(), but equal once folded,
 * which is all a checksum field ever sees.
 */
static inline __wsum csum_partial(const void *buf, int len, __wsum sum)
{
	const unsigned char *p = buf;
	u64 acc = (__force u32)sum;
	u16 w;

	for (; len > 1; len -= 2, p += 2) {
		memcpy(&w, p, 2);
		acc += w;
	}
	if (len)
		acc += *p;	/* the odd byte, low half on little-endian */
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	return (__force __wsum)acc;
}

/* A sum over bytes at an odd offset is byte-swapped relative to one at an even. */
static inline __wsum csum_block_add(__wsum csum, __wsum csum2, int offset)
{
	u32 c2 = (__force u32)csum2;

	if (offset & 1)
		c2 = (c2 >> 8) | (c2 << 24);
	return csum_add(csum, (__force __wsum)c2);
}

static inline __wsum csum_block_sub(__wsum csum, __wsum csum2, int offset)
{
	return csum_block_add(csum, (__force __wsum)~(__force u32)csum2,
			      offset);
}

static inline void csum_replace_by_diff(__sum16 *sum, __wsum diff)
{
	*sum = csum_fold(csum_add(diff, ~csum_unfold(*sum)));
}

static inline void csum_replace4(__sum16 *sum, __be32 from, __be32 to)
{
	__wsum s = csum_sub(~csum_unfold(*sum), (__force __wsum)from);

	*sum = csum_fold(csum_add(s, (__force __wsum)to));
}

static inline void csum_replace2(__sum16 *sum, __be16 from, __be16 to)
{
	csum_replace4(sum, (__force __be32)from, (__force __be32)to);
}

/*
 * A transport checksum after a change worth diff. With pseudohdr the
 * change is in the pseudo header, outside the bytes a CHECKSUM_COMPLETE
 * sum covers, so that sum moves too; CHECKSUM_PARTIAL fields hold only
 * the pseudo header's sum, uncomplemented.
 */
static inline void inet_proto_csum_replace_by_diff(__sum16 *sum,
						   struct sk_buff *skb,
						   __wsum diff, bool pseudohdr,
						   bool ipv6)
{
	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		csum_replace_by_diff(sum, diff);
		if (skb->ip_summed == CHECKSUM_COMPLETE && pseudohdr && !ipv6)
			skb->csum = ~csum_add(diff, ~skb->csum);
	} else if (pseudohdr) {
		*sum = ~csum_fold(csum_add(csum_unfold(*sum), diff));
	}
}

static inline void inet_proto_csum_replace4(__sum16 *sum, struct sk_buff *skb,
					    __be32 from, __be32 to,
					    bool pseudohdr)
{
	__wsum diff = csum_add((__force __wsum)~(__force u32)from,
			       (__force __wsum)to);

	inet_proto_csum_replace_by_diff(sum, skb, diff, pseudohdr, false);
}

static inline void inet_proto_csum_replace2(__sum16 *sum, struct sk_buff *skb,
					    __be16 from, __be16 to,
					    bool pseudohdr)
{
	inet_proto_csum_replace4(sum, skb, (__force __be32)from,
				 (__force __be32)to, pseudohdr);
}

/* A CHECKSUM_COMPLETE sum without, then with, the len bytes at start. */
static inline void __skb_postpull_rcsum(struct sk_buff *skb, const void *start,
					unsigned int len, unsigned int off)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->csum = csum_block_sub(skb->csum,
					   csum_partial(start, len, 0), off);
}

static inline void __skb_postpush_rcsum(struct sk_buff *skb, const void *start,
					unsigned int len, unsigned int off)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->csum = csum_block_add(skb->csum,
					   csum_partial(start, len, 0), off);
}

/* ---- Header changes (vlan tags, headroom; <linux/if_vlan.h>) ------------- */

#include <arpa/inet.h>		/* htons */

#define ETH_ALEN	6
#define ETH_HLEN	14
#define VLAN_HLEN	4
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8
/* x86-64's SKB_MAX_ALLOC: 4 pages less the shared info's 320 bytes. */
#define SKB_MAX_ALLOC	(4 * 4096 - 320)

static inline unsigned int skb_headroom(const struct sk_buff *skb)
{
	return skb->data - skb->head;
}

/* Host skbs come from tests, never from a qdisc, and are never GSO. */
static inline bool skb_at_tc_ingress(const struct sk_buff *skb)
{
	return false;
}

static inline bool skb_is_gso(const struct sk_buff *skb)
{
	return false;
}

static inline int skb_network_offset(const struct sk_buff *skb)
{
	return skb_network_header(skb) - skb->data;
}

static inline bool skb_transport_header_was_set(const struct sk_buff *skb)
{
	return skb->transport_header != (u16)~0U;
}

static inline int skb_transport_offset(const struct sk_buff *skb)
{
	return skb->head + skb->transport_header - skb->data;
}

static inline int skb_checksum_start_offset(const struct sk_buff *skb)
{
	return skb->csum_start - skb_headroom(skb);
}

static inline int skb_tailroom(const struct sk_buff *skb)
{
	return (int)skb->end - (int)skb->tail;
}

static inline void skb_gso_reset(struct sk_buff *skb)
{
}

static inline void __skb_set_length(struct sk_buff *skb, unsigned int len)
{
	skb->len = len;
	skb->tail = skb->data - skb->head + len;
}

/* Host skbs cannot grow past the tailroom a test gave them. */
static inline int __skb_grow_rcsum(struct sk_buff *skb, unsigned int len)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	if (skb_tailroom(skb) < (int)(len - skb->len))
		return -ENOMEM;
	__skb_set_length(skb, len);
	return 0;
}

static inline int __skb_trim_rcsum(struct sk_buff *skb, unsigned int len)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	__skb_set_length(skb, len);
	return 0;
}

/* A host skb cannot be reallocated: the headroom a test gave is all there is. */
static inline int skb_cow(struct sk_buff *skb, unsigned int headroom)
{
	return headroom <= skb_headroom(skb) ? 0 : -ENOMEM;
}

static inline void *__skb_push(struct sk_buff *skb, unsigned int len)
{
	skb->data -= len;
	skb->len += len;
	return skb->data;
}

static inline void __skb_pull(struct sk_buff *skb, unsigned int len)
{
	skb->data += len;
	skb->len -= len;
}

static inline void skb_reset_mac_header(struct sk_buff *skb)
{
	skb->mac_header = skb->data - skb->head;
}

static inline void skb_reset_mac_len(struct sk_buff *skb)
{
	skb->mac_len = skb->network_header - skb->mac_header;
}

static inline void skb_postpush_rcsum(struct sk_buff *skb, const void *start,
				      unsigned int len)
{
	__skb_postpush_rcsum(skb, start, len, 0);
}

static inline void skb_postpull_rcsum(struct sk_buff *skb, const void *start,
				      unsigned int len)
{
	__skb_postpull_rcsum(skb, start, len, 0);
}

static inline bool eth_type_vlan(__be16 proto)
{
	return proto == htons(ETH_P_8021Q) || proto == htons(ETH_P_8021AD);
}

/*
 * skb_vlan_push(): a tag already in the accelerated slot goes into the
 * frame (after the two addresses; data must be at the mac header), the new
 * one takes the slot.
 */
static inline int skb_vlan_push(struct sk_buff *skb, __be16 proto, u16 tci)
{
	if (skb->vlan_present) {
		__be16 tag[2] = { skb->vlan_proto, htons(skb->vlan_tci) };

		if (skb->data != skb_mac_header(skb) || skb->len < ETH_HLEN)
			return -EINVAL;
		if (skb_cow(skb, VLAN_HLEN))
			return -ENOMEM;
		__skb_push(skb, VLAN_HLEN);
		memmove(skb->data, skb->data + VLAN_HLEN, 2 * ETH_ALEN);
		memcpy(skb->data + 2 * ETH_ALEN, tag, VLAN_HLEN);
		skb->mac_header -= VLAN_HLEN;
		skb->protocol = skb->vlan_proto;
		skb->mac_len += VLAN_HLEN;
		skb_postpush_rcsum(skb, skb->data + 2 * ETH_ALEN, VLAN_HLEN);
	}
	skb->vlan_proto = proto;
	skb->vlan_tci = tci;
	skb->vlan_present = 1;
	return 0;
}

/* __skb_vlan_pop(): the frame's outer tag out, its tci in *tci. */
static inline int __skb_vlan_pop(struct sk_buff *skb, u16 *tci)
{
	__be16 tag[2];

	if (skb->data != skb_mac_header(skb) ||
	    skb_headlen(skb) < ETH_HLEN + VLAN_HLEN)
		return -EINVAL;
	skb_postpull_rcsum(skb, skb->data + 2 * ETH_ALEN, VLAN_HLEN);
	memcpy(tag, skb->data + 2 * ETH_ALEN, VLAN_HLEN);
	*tci = ntohs(tag[1]);
	memmove(skb->data + VLAN_HLEN, skb->data, 2 * ETH_ALEN);
	__skb_pull(skb, VLAN_HLEN);
	memcpy(&skb->protocol, skb->data + 2 * ETH_ALEN, 2);
	skb->mac_header += VLAN_HLEN;
	if (skb->network_header < skb->mac_header + ETH_HLEN)
		skb->network_header = skb->mac_header + ETH_HLEN;
	skb_reset_mac_len(skb);
	return 0;
}

/* skb_vlan_pop(): the outer tag off, the next one into the slot. */
static inline int skb_vlan_pop(struct sk_buff *skb)
{
	__be16 proto;
	u16 tci;
	int err;

	if (skb->vlan_present) {
		skb->vlan_present = 0;
		skb->vlan_tci = 0;
	} else {
		if (!eth_type_vlan(skb->protocol))
			return 0;
		err = __skb_vlan_pop(skb, &tci);
		if (err)
			return err;
	}
	if (!eth_type_vlan(skb->protocol))
		return 0;
	proto = skb->protocol;
	err = __skb_vlan_pop(skb, &tci);
	if (err)
		return err;
	skb->vlan_proto = proto;
	skb->vlan_tci = tci;
	skb->vlan_present = 1;
	return 0;
}

/* ---- Room in the packet (bpf_skb_adjust_room, bpf_skb_change_proto) ------ */

#ifndef ETH_P_IP
#define ETH_P_IP	0x0800
#endif
#ifndef ETH_P_IPV6
#define ETH_P_IPV6	0x86DD
#endif
#ifndef ETH_P_TEB
#define ETH_P_TEB	0x6558
#endif
#define PACKET_OTHERHOST	3

/* <linux/skbuff.h>'s gso_type bits. */
#define SKB_GSO_TCPV4		(1 << 0)
#define SKB_GSO_DODGY		(1 << 1)
#define SKB_GSO_TCPV6		(1 << 4)
#define SKB_GSO_GRE		(1 << 6)
#define SKB_GSO_IPXIP4		(1 << 8)
#define SKB_GSO_IPXIP6		(1 << 9)
#define SKB_GSO_UDP_TUNNEL	(1 << 10)
#define SKB_GSO_UDP_L4		(1 << 17)

static inline bool skb_is_gso_tcp(const struct sk_buff *skb)
{
	return false;
}

static inline void skb_increase_gso_size(struct skb_shared_info *shinfo,
					 u16 increment)
{
	shinfo->gso_size += increment;
}

static inline void skb_decrease_gso_size(struct skb_shared_info *shinfo,
					 u16 decrement)
{
	shinfo->gso_size -= decrement;
}

/* Host skbs are linear already. */
static inline int skb_linearize(struct sk_buff *skb)
{
	return 0;
}

static inline int skb_cow_head(struct sk_buff *skb, unsigned int headroom)
{
	return skb_cow(skb, headroom);
}

/* Host skbs are never clones. */
static inline int skb_unclone(struct sk_buff *skb, gfp_t pri)
{
	return 0;
}

/* Nothing lies past the linear part to pull. */
static inline bool pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return len <= skb_headlen(skb);
}

static inline void *skb_push(struct sk_buff *skb, unsigned int len)
{
	return __skb_push(skb, len);
}

static inline u32 skb_mac_header_len(const struct sk_buff *skb)
{
	return skb->network_header - skb->mac_header;
}

static inline void skb_set_network_header(struct sk_buff *skb, int offset)
{
	skb->network_header = skb->data - skb->head + offset;
}

static inline void skb_set_transport_header(struct sk_buff *skb, int offset)
{
	skb->transport_header = skb->data - skb->head + offset;
}

static inline void skb_set_inner_protocol(struct sk_buff *skb, __be16 protocol)
{
	skb->inner_protocol = protocol;
}

static inline void __skb_reset_checksum_unnecessary(struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_UNNECESSARY) {
		skb->ip_summed = CHECKSUM_NONE;
		skb->csum_level = 0;
	}
}

static inline bool skb_pkt_type_ok(u32 ptype)
{
	return ptype <= PACKET_OTHERHOST;
}

/* ---- Socket-level contexts ---------------------------------------------- */

/*
 * What sk_msg, sk_skb, cgroup sock_addr, cgroup sysctl and sk_lookup
 * programs run on, as <net/sock.h>, <linux/skmsg.h>, <net/strparser.h>
 * and <linux/filter.h> define them: only the fields context rewrites
 * reach, with the kernel's types. Like the host sk_buff, the layouts are
 * not the kernel's; code only uses offsetof() and sizeof_field().
 */
#include <netinet/in.h>

typedef struct { uid_t val; } kuid_t;
typedef struct { gid_t val; } kgid_t;
struct user_namespace { int level; };
__attribute__((__weak__)) struct user_namespace init_user_ns;

/* A network namespace: the user namespace its ids map through, its cookie. */
struct net {
	struct user_namespace *user_ns;
	u64 net_cookie;
};

__attribute__((__weak__)) struct net init_net;

/* ---- Packet metadata: hash, checksum level, ECN (<net/inet_ecn.h>) ------- */

#define SKB_MAX_CSUM_LEVEL	3
#define ETH_P_IP		0x0800
#define ETH_P_IPV6		0x86DD

static inline void __skb_set_sw_hash(struct sk_buff *skb, u32 hash, bool is_l4)
{
	skb->hash = hash;
	skb->sw_hash = 1;
	skb->l4_hash = is_l4;
}

/* <linux/skbuff.h>'s CHECKSUM_UNNECESSARY level steps. */
static inline void __skb_incr_checksum_unnecessary(struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_UNNECESSARY) {
		if (skb->csum_level < SKB_MAX_CSUM_LEVEL)
			skb->csum_level++;
	} else if (skb->ip_summed == CHECKSUM_NONE) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		skb->csum_level = 0;
	}
}

static inline void __skb_decr_checksum_unnecessary(struct sk_buff *skb)
{
	if (skb->ip_summed != CHECKSUM_UNNECESSARY)
		return;
	if (skb->csum_level == 0)
		skb->ip_summed = CHECKSUM_NONE;
	else
		skb->csum_level--;
}

/*
 * The L3 protocol: host skbs carry their vlan tags in the accelerated
 * slot only (skb->protocol is never a vlan type), so it is skb->protocol.
 */
static inline __be16 skb_protocol(const struct sk_buff *skb, bool skip_vlan)
{
	return skb->protocol;
}

/* A test sets cloned to say the head is shared: the header is then read-only. */
static inline int skb_cloned(const struct sk_buff *skb)
{
	return skb->cloned;
}

static inline bool skb_clone_writable(const struct sk_buff *skb,
				      unsigned int len)
{
	return false;
}

struct iphdr {
	u8 ihl:4, version:4;
	u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	u8 ttl;
	u8 protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};

struct ipv6hdr {
	u8 priority:4, version:4;
	u8 flow_lbl[3];
	__be16 payload_len;
	u8 nexthdr;
	u8 hop_limit;
	struct in6_addr saddr;
	struct in6_addr daddr;
};

#define INET_ECN_MASK	3
#define INET_ECN_CE	3

/*
 * <net/inet_ecn.h>: CE in an ECT header (the IPv4 checksum updated, an
 * IPv6 CHECKSUM_COMPLETE sum too); 1 when the header carries CE after.
 */
static inline int INET_ECN_set_ce(struct sk_buff *skb)
{
	unsigned char *nh = skb_network_header(skb);

	if (skb->protocol == cpu_to_be16(ETH_P_IP) &&
	    nh + sizeof(struct iphdr) <= skb_tail_pointer(skb)) {
		struct iphdr *iph = (struct iphdr *)nh;
		__be16 old = *(__be16 *)iph, new;

		if ((iph->tos & INET_ECN_MASK) == 0)
			return 0;
		iph->tos |= INET_ECN_CE;
		new = *(__be16 *)iph;
		csum_replace2(&iph->check, old, new);
		return 1;
	}
	if (skb->protocol == cpu_to_be16(ETH_P_IPV6) &&
	    nh + sizeof(struct ipv6hdr) <= skb_tail_pointer(skb)) {
		__be32 from, to;

		memcpy(&from, nh, sizeof(from));
		if (!(from & cpu_to_be32(INET_ECN_MASK << 20)))
			return 0;
		to = from | cpu_to_be32(INET_ECN_CE << 20);
		memcpy(nh, &to, sizeof(to));
		if (skb->ip_summed == CHECKSUM_COMPLETE)
			skb->csum = csum_add(csum_sub(skb->csum, (__force __wsum)from),
					     (__force __wsum)to);
		return 1;
	}
	return 0;
}

/* ---- Devices by index (<linux/netdevice.h>) ------------------------------ */

/*
 * The host's devices: what a test registers here (a NULL-terminated
 * array), all in init_net.
 */
__attribute__((__weak__)) struct net_device **kbpf_host_netdevs;

static inline struct net *dev_net(const struct net_device *dev)
{
	return &init_net;
}

static inline struct net_device *dev_get_by_index_rcu(struct net *net,
						      int ifindex)
{
	struct net_device **d;

	for (d = kbpf_host_netdevs; d && *d; d++)
		if ((*d)->ifindex == ifindex)
			return *d;
	return NULL;
}

/* ---- Tunnel metadata (<net/dst_metadata.h>, <net/ip_tunnels.h>) --------- */

#include <sys/socket.h>		/* AF_INET, AF_INET6 */
#include <unistd.h>		/* usleep */

/* A route or metadata dst: only the reference count the host needs. */
struct dst_entry {
	atomic_t __refcnt;
};

#define TUNNEL_CSUM		cpu_to_be16(0x01)
#define TUNNEL_KEY		cpu_to_be16(0x04)
#define TUNNEL_SEQ		cpu_to_be16(0x08)
#define TUNNEL_DONT_FRAGMENT	cpu_to_be16(0x0100)
#define TUNNEL_GENEVE_OPT	cpu_to_be16(0x0800)
#define TUNNEL_VXLAN_OPT	cpu_to_be16(0x1000)
#define TUNNEL_NOCACHE		cpu_to_be16(0x2000)
#define TUNNEL_ERSPAN_OPT	cpu_to_be16(0x4000)
#define TUNNEL_GTP_OPT		cpu_to_be16(0x8000)
#define TUNNEL_OPTIONS_PRESENT	(TUNNEL_GENEVE_OPT | TUNNEL_VXLAN_OPT | \
				 TUNNEL_ERSPAN_OPT | TUNNEL_GTP_OPT)
#define IP_TUNNEL_INFO_TX	0x01
#define IP_TUNNEL_INFO_IPV6	0x02
#define FLOWI_FLAG_ANYSRC	0x01
#define IPV6_FLOWLABEL_MASK	cpu_to_be32(0x000FFFFF)

struct ip_tunnel_key {
	__be64 tun_id;
	union {
		struct {
			__be32 src;
			__be32 dst;
		} ipv4;
		struct {
			struct in6_addr src;
			struct in6_addr dst;
		} ipv6;
	} u;
	__be16 tun_flags;
	u8 tos;
	u8 ttl;
	__be32 label;
	__be16 tp_src;
	__be16 tp_dst;
	u8 flow_flags;
};

/* The options (options_len bytes) follow the info, as in the kernel. */
struct ip_tunnel_info {
	struct ip_tunnel_key key;
	u8 options_len;
	u8 mode;
};

#define IP_TUNNEL_OPTS_MAX	255

enum metadata_type {
	METADATA_IP_TUNNEL,
	METADATA_HW_PORT_MUX,
};

struct metadata_dst {
	struct dst_entry dst;
	enum metadata_type type;
	union {
		struct ip_tunnel_info tun_info;
	} u;
};

static inline struct metadata_dst __percpu *
metadata_dst_alloc_percpu(u8 optslen, enum metadata_type type, gfp_t flags)
{
	struct metadata_dst __percpu *md;
	int cpu;

	md = __alloc_percpu_gfp(sizeof(struct metadata_dst) + optslen,
				__alignof__(struct metadata_dst), flags);
	if (!md)
		return NULL;
	for_each_possible_cpu(cpu) {
		atomic_set(&per_cpu_ptr(md, cpu)->dst.__refcnt, 1);
		per_cpu_ptr(md, cpu)->type = type;
	}
	return md;
}

static inline void metadata_dst_free_percpu(struct metadata_dst __percpu *md)
{
	free_percpu(md);
}

static inline void dst_hold(struct dst_entry *dst)
{
	atomic_inc(&dst->__refcnt);
}

static inline void skb_dst_drop(struct sk_buff *skb)
{
	if (skb->dst)
		atomic_dec(&skb->dst->__refcnt);
	skb->dst = NULL;
}

static inline void skb_dst_set(struct sk_buff *skb, struct dst_entry *dst)
{
	skb->dst = dst;
}

/* Host skbs only ever get metadata dsts (the tunnel helpers'). */
static inline struct ip_tunnel_info *skb_tunnel_info(struct sk_buff *skb)
{
	struct metadata_dst *md = (struct metadata_dst *)skb->dst;

	return md && md->type == METADATA_IP_TUNNEL ? &md->u.tun_info : NULL;
}

static inline unsigned short ip_tunnel_info_af(const struct ip_tunnel_info *info)
{
	return info->mode & IP_TUNNEL_INFO_IPV6 ? AF_INET6 : AF_INET;
}

static inline void ip_tunnel_info_opts_get(void *to,
					   const struct ip_tunnel_info *info)
{
	memcpy(to, info + 1, info->options_len);
}

static inline void ip_tunnel_info_opts_set(struct ip_tunnel_info *info,
					   const void *from, int len,
					   __be16 flags)
{
	info->options_len = len;
	if (len > 0) {
		memcpy(info + 1, from, len);
		info->key.tun_flags |= flags;
	}
}

static inline void msleep(unsigned int msecs)
{
	usleep(msecs * 1000);
}

/* Host skbs are never GSO (skb_is_gso()): nothing to validate. */
static inline bool skb_gso_validate_network_len(const struct sk_buff *skb,
						unsigned int mtu)
{
	return true;
}

/*
 * The sock fields the bpf_sock and bpf_tcp_sock rewrites load and the
 * socket helpers read, with the kernel's names, nesting and types; the
 * layout is not the kernel's (code uses offsetof() and sizeof_field()).
 * Host programs only ever see sockets a test built: the host has no
 * socket tables (helpers/sock_lookup_host.c).
 */
struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	u16 skc_num;
	unsigned short skc_family;
	volatile unsigned char skc_state;
	int skc_bound_dev_if;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
};

/* <linux/cgroup-defs.h>: the cgroup a socket was created in. */
struct sock_cgroup_data {
	struct cgroup *cgroup;
};

struct sock {
	struct sock_common __sk_common;
	struct sock_cgroup_data sk_cgrp_data;
	unsigned long sk_flags;
	u16 sk_type;
	u16 sk_protocol;
	u32 sk_mark;
	u32 sk_priority;
	u16 sk_rx_queue_mapping;
	kuid_t sk_uid;
	struct net *sk_net;	/* the kernel's __sk_common.skc_net */
	u64 sk_cookie;		/* the kernel's atomic64 __sk_common.skc_cookie */
};

#define sk_state		__sk_common.skc_state
#define sk_family		__sk_common.skc_family
#define sk_bound_dev_if		__sk_common.skc_bound_dev_if
#define CONFIG_SOCK_RX_QUEUE_MAPPING	1

struct sk_msg_sg {
	u32 start;
	u32 curr;
	u32 end;
	u32 size;
};

struct sk_msg {
	struct sk_msg_sg sg;
	void *data;
	void *data_end;
	struct sock *sk;
};

/* What sk_skb programs keep in skb->cb: their cb[] words first. */
struct sk_skb_cb {
	unsigned char data[20];
	unsigned char pad[4];
	u64 temp_reg;
};

struct bpf_sock_addr_kern {
	struct sock *sk;
	struct sockaddr *uaddr;
	u64 tmp_reg;
	void *t_ctx;
};

struct bpf_sysctl_kern {
	void *cur_val;
	size_t cur_len;
	int write;
	loff_t *ppos;
	u64 tmp_reg;
};

struct bpf_sk_lookup_kern {
	u16 family;
	u16 protocol;
	__be16 sport;
	u16 dport;
	struct {
		__be32 saddr;
		__be32 daddr;
	} v4;
	struct {
		const struct in6_addr *saddr;
		const struct in6_addr *daddr;
	} v6;
	struct sock *selected_sk;
	u32 ingress_ifindex;
	bool no_reuseport;
};

struct bpf_sockopt_kern {
	struct sock *sk;
	u8 *optval;
	u8 *optval_end;
	s32 level;
	s32 optname;
	s32 optlen;
};

struct bpf_sock_ops_kern {
	struct sock *sk;
	union {
		u32 args[4];
		u32 reply;
		u32 replylong[4];
	};
	u8 op;
	u8 is_fullsock;
};

#include <kbpf/kern_layout.h>

/* The host's kbpf_kern_layout, from the structs above. */
static const struct kbpf_kern_layout kbpf_kern_layout __maybe_unused =
	KBPF_KERN_LAYOUT_INIT;

/* ---- Tracing contexts ---------------------------------------------------- */

/*
 * struct pt_regs is the uapi one (<asm/ptrace.h>, through
 * <linux/bpf_perf_event.h>), the same 168 bytes as the kernel's on x86-64.
 */
#include <linux/bpf_perf_event.h>
/* The uapi records and mmap page of perf buffers (maps/perf_buffer.c). */
#include <linux/perf_event.h>

/* <linux/trace_events.h>: the largest tracepoint record a program reads. */
#define PERF_MAX_TRACE_SIZE	8192

/* <linux/perf_event.h>: what a perf_event program's context points to. */
struct perf_sample_data {
	u64 addr;
	u64 period;
};

struct perf_event;

struct bpf_perf_event_data_kern {
	bpf_user_pt_regs_t *regs;
	struct perf_sample_data *data;
	struct perf_event *event;
};

/*
 * kbpf_stack_walk(): the kernel's walks its stack with the unwinder
 * (kmod/stack_walk.c); here glibc's backtrace() walks the thread's, and
 * the frames below the one regs name (the helper's return address) are
 * left out by value. Registers that name no frame of this stack (a fake
 * kprobe's) give regs->ip alone.
 */
#include <execinfo.h>

#define KBPF_SHIM_BACKTRACE_MAX	256

static inline u32 kbpf_stack_walk(struct pt_regs *regs, u64 *ips, u32 max)
{
	void *bt[KBPF_SHIM_BACKTRACE_MAX];
	int nr = backtrace(bt, KBPF_SHIM_BACKTRACE_MAX), i;
	u32 n = 0;

	if (!max)
		return 0;
	ips[n++] = regs->rip;
	for (i = 0; i < nr; i++)
		if ((unsigned long)bt[i] == regs->rip)
			break;
	for (i++; i < nr && n < max; i++)
		ips[n++] = (unsigned long)bt[i];
	return n;
}

#define KBPF_CALLER_REGS(regs) do {					\
	memset((regs), 0, sizeof(*(regs)));				\
	(regs)->rip = (unsigned long)__builtin_return_address(0);	\
	(regs)->rsp = (unsigned long)__builtin_frame_address(0);	\
} while (0)

/* ---- Lists --------------------------------------------------------------- */

/*
 * <linux/list.h>'s doubly linked list with the kernel's names and meaning.
 * Like CONFIG_DEBUG_LIST, list_del() poisons the entry so a second delete
 * or a walk through a deleted entry crashes under ASan instead of passing.
 */
struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define LIST_HEAD(name)		struct list_head name = LIST_HEAD_INIT(name)
#define KBPF_SHIM_LIST_POISON1	((struct list_head *)0x100)
#define KBPF_SHIM_LIST_POISON2	((struct list_head *)0x122)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void __list_add(struct list_head *new, struct list_head *prev,
			      struct list_head *next)
{
	BUG_ON(next->prev != prev || prev->next != next || new == prev ||
	       new == next);
	next->prev = new;
	new->next = next;
	new->prev = prev;
	prev->next = new;
}

static inline void list_add(struct list_head *new, struct list_head *head)
{
	__list_add(new, head, head->next);
}

static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	__list_add(new, head->prev, head);
}

static inline void __list_del_entry(struct list_head *entry)
{
	BUG_ON(entry->prev->next != entry || entry->next->prev != entry);
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
}

static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = KBPF_SHIM_LIST_POISON1;
	entry->prev = KBPF_SHIM_LIST_POISON2;
}

static inline void list_del_init(struct list_head *entry)
{
	__list_del_entry(entry);
	INIT_LIST_HEAD(entry);
}

static inline void list_move(struct list_head *list, struct list_head *head)
{
	__list_del_entry(list);
	list_add(list, head);
}

static inline void list_move_tail(struct list_head *list, struct list_head *head)
{
	__list_del_entry(list);
	list_add_tail(list, head);
}

static inline int list_empty(const struct list_head *head)
{
	return READ_ONCE(head->next) == head;
}

static inline int list_is_last(const struct list_head *list,
			       const struct list_head *head)
{
	return list->next == head;
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) \
	list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member) \
	list_entry((ptr)->prev, type, member)
#define list_first_entry_or_null(ptr, type, member)			\
	(list_empty(ptr) ? NULL : list_first_entry(ptr, type, member))
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, typeof(*(pos)), member)
#define list_prev_entry(pos, member) \
	list_entry((pos)->member.prev, typeof(*(pos)), member)
#define list_entry_is_head(pos, head, member)	(&(pos)->member == (head))

#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, typeof(*pos), member);	\
	     !list_entry_is_head(pos, head, member);			\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_reverse(pos, head, member)			\
	for (pos = list_last_entry(head, typeof(*pos), member);		\
	     !list_entry_is_head(pos, head, member);			\
	     pos = list_prev_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, typeof(*pos), member),	\
	     n = list_next_entry(pos, member);				\
	     !list_entry_is_head(pos, head, member);			\
	     pos = n, n = list_next_entry(n, member))
#define list_for_each_entry_safe_reverse(pos, n, head, member)		\
	for (pos = list_last_entry(head, typeof(*pos), member),		\
	     n = list_prev_entry(pos, member);				\
	     !list_entry_is_head(pos, head, member);			\
	     pos = n, n = list_prev_entry(n, member))

/* ---- Capabilities -------------------------------------------------------- */

/*
 * The capabilities of the calling thread, a mask of (1 << CAP_*) bits: all
 * of them unless a test drops some with kbpf_shim_set_caps(). The CAP_*
 * numbers come from the uapi <linux/capability.h>.
 */
#include <linux/capability.h>

__attribute__((__weak__)) __thread u64 kbpf_shim_caps = ~0ULL;

static inline bool capable(int cap)
{
	return kbpf_shim_caps & (1ULL << cap);
}

static inline bool bpf_capable(void)
{
	return capable(CAP_BPF) || capable(CAP_SYS_ADMIN);
}

/* ---- Module parameters --------------------------------------------------- */

/* The core's knobs are plain globals here; tests set them directly. */
#define module_param_named(name, value, type, perm)
#define MODULE_PARM_DESC(name, desc)

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

/* ---- Random numbers ------------------------------------------------------ */

#include <sys/random.h>

static inline u32 get_random_u32(void)
{
	u32 r;

	BUG_ON(getrandom(&r, sizeof(r), 0) != sizeof(r));
	return r;
}

/* ---- Clocks --------------------------------------------------------------- */

#include <time.h>

/* Debian's CONFIG_HZ. */
#define HZ		250

static inline u64 kbpf_shim_clock_ns(clockid_t clock)
{
	struct timespec ts;

	BUG_ON(clock_gettime(clock, &ts));
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static inline u64 ktime_get_mono_fast_ns(void)
{
	return kbpf_shim_clock_ns(CLOCK_MONOTONIC);
}

static inline u64 ktime_get_boot_fast_ns(void)
{
	return kbpf_shim_clock_ns(CLOCK_BOOTTIME);
}

static inline u64 ktime_get_tai_fast_ns(void)
{
	return kbpf_shim_clock_ns(CLOCK_TAI);
}

static inline u64 ktime_get_coarse_ns(void)
{
	return kbpf_shim_clock_ns(CLOCK_MONOTONIC_COARSE);
}

/* Ticks of HZ since boot, as the kernel's jiffies_64 (minus its offset). */
static inline u64 get_jiffies_64(void)
{
	return kbpf_shim_clock_ns(CLOCK_MONOTONIC) / (1000000000ULL / HZ);
}

/* ---- Topology, privileges ------------------------------------------------- */

static inline int numa_node_id(void) { return 0; }

static inline bool perfmon_capable(void)
{
	return capable(CAP_PERFMON) || capable(CAP_SYS_ADMIN);
}

#define raw_cpu_ptr(ptr)	this_cpu_ptr(ptr)

/* ---- Tasks, credentials, cgroups ------------------------------------------- */

#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TASK_COMM_LEN		16
#define PF_EXITING		0x00000004
#define PF_KTHREAD		0x00200000
#define KBPF_SHIM_CGROUP_LEVELS	8

/* The fields of the kernel's structs the core reads, with their meaning. */
struct cgroup {
	int level;		/* depth below the root (0) */
	u64 id;			/* cgroup_id(): the kernfs node id */
	struct cgroup *ancestors[KBPF_SHIM_CGROUP_LEVELS];	/* [level] = self */
};

struct css_set {
	struct cgroup *dfl_cgrp;
};


struct bpf_run_ctx;

/* A task's struct pid: its thread's ids (kill_pid() signals the process). */
struct pid {
	pid_t nr;
	pid_t tgid;
};

struct ns_common {
	unsigned int inum;
};

/* The pid namespace: the host's own, its nsfs file's inode and device. */
struct pid_namespace {
	struct ns_common ns;
	dev_t nsfs_dev;
};

struct task_struct {
	pid_t pid;		/* thread id */
	pid_t tgid;		/* process id */
	struct pid thread_pid;
	struct pid_namespace *pidns;	/* NULL: an exiting task's */
	unsigned int flags;
	char comm[TASK_COMM_LEN];
	struct css_set *cgroups;
	kuid_t uid;
	kgid_t gid;
	void *mm;		/* non-NULL: a user task */
	struct bpf_run_ctx *bpf_ctx;	/* the running program's (run_ctx.h) */
};

/*
 * Each thread is a task: ids, name and credentials of the real thread,
 * set up on first use; tests may change the fields (comm, cgroups, uid,
 * gid, flags) through current.
 */
__attribute__((__weak__)) __thread struct task_struct kbpf_shim_task;
__attribute__((__weak__)) __thread struct css_set kbpf_shim_css_set;
__attribute__((__weak__)) __thread struct cgroup kbpf_shim_root_cgroup;
__attribute__((__weak__)) struct pid_namespace kbpf_shim_pid_ns;

static inline struct task_struct *kbpf_shim_current(void)
{
	struct task_struct *t = &kbpf_shim_task;

	if (unlikely(!t->pid)) {
		t->pid = gettid();
		t->tgid = getpid();
		t->uid.val = getuid();
		t->gid.val = getgid();
		BUG_ON(prctl(PR_GET_NAME, t->comm));
		t->mm = t;
		t->thread_pid.nr = t->pid;
		t->thread_pid.tgid = t->tgid;
		if (!kbpf_shim_pid_ns.ns.inum) {
			struct stat st;

			BUG_ON(stat("/proc/self/ns/pid", &st));
			kbpf_shim_pid_ns.ns.inum = st.st_ino;
			kbpf_shim_pid_ns.nsfs_dev = st.st_dev;
		}
		t->pidns = &kbpf_shim_pid_ns;
		kbpf_shim_root_cgroup.id = 1;
		kbpf_shim_root_cgroup.ancestors[0] = &kbpf_shim_root_cgroup;
		kbpf_shim_css_set.dfl_cgrp = &kbpf_shim_root_cgroup;
		t->cgroups = &kbpf_shim_css_set;
	}
	return t;
}

#define current			kbpf_shim_current()

#define current_uid_gid(_uid, _gid)					\
	do {								\
		*(_uid) = current->uid;					\
		*(_gid) = current->gid;					\
	} while (0)

/* ---- Pids, pid namespaces, signals ---- */

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID };

static inline struct pid *task_pid(struct task_struct *task)
{
	return &task->thread_pid;
}

static inline struct task_struct *pid_task(struct pid *pid, enum pid_type type)
{
	return container_of(pid, struct task_struct, thread_pid);
}

static inline struct pid *get_pid(struct pid *pid) { return pid; }
static inline void put_pid(struct pid *pid) { }

static inline int is_global_init(struct task_struct *task)
{
	return task->tgid == 1;
}

/* The kernel's _NSIG (glibc's counts signal 0 too). */
static inline int valid_signal(unsigned long sig)
{
	return sig <= 64;
}

struct kernel_siginfo;
#define SEND_SIG_PRIV	((struct kernel_siginfo *)1)

/* The process (kill()) or the thread (tgkill()), as the kernel's. */
static inline int kill_pid(struct pid *pid, int sig, int priv)
{
	if (!valid_signal(sig))
		return -EINVAL;
	return kill(pid->tgid, sig) ? -errno : 0;
}

static inline int send_sig_info(int sig, struct kernel_siginfo *info,
				struct task_struct *task)
{
	if (!valid_signal(sig))
		return -EINVAL;
	return syscall(SYS_tgkill, task->tgid, task->pid, sig) ? -errno : 0;
}

static inline struct pid_namespace *task_active_pid_ns(struct task_struct *t)
{
	return t->pidns;
}

static inline pid_t task_pid_nr_ns(struct task_struct *t,
				   struct pid_namespace *ns)
{
	return t->pid;
}

static inline pid_t task_tgid_nr_ns(struct task_struct *t,
				    struct pid_namespace *ns)
{
	return t->tgid;
}

static inline bool kbpf_ns_match(const struct ns_common *ns, dev_t dev,
				 u64 ino)
{
	return ns->inum == ino &&
	       container_of(ns, struct pid_namespace, ns)->nsfs_dev == dev;
}

static inline uid_t from_kuid(struct user_namespace *ns, kuid_t uid)
{
	return uid.val;
}

static inline gid_t from_kgid(struct user_namespace *ns, kgid_t gid)
{
	return gid.val;
}

static inline u64 cgroup_id(const struct cgroup *cgrp)
{
	return cgrp->id;
}

static inline struct cgroup *sock_cgroup_ptr(struct sock_cgroup_data *skcd)
{
	return skcd->cgroup;
}

static inline struct cgroup *cgroup_ancestor(struct cgroup *cgrp,
					     int ancestor_level)
{
	if (ancestor_level < 0 || ancestor_level > cgrp->level)
		return NULL;
	return cgrp->ancestors[ancestor_level];
}

#define rcu_dereference_raw(p)	READ_ONCE(p)

/* The host has no interrupts; a program always runs in task context. */
static inline bool in_interrupt(void) { return false; }
static inline bool kbpf_nmi_uaccess_okay(void) { return true; }

/* Linux's: copies up to size - 1 bytes, NUL-terminates, -E2BIG if cut. */
static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (!size)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

/* Kernel lockdown (security_locked_down()): off unless a test sets it. */
enum lockdown_reason {
	LOCKDOWN_NONE,
	LOCKDOWN_BPF_WRITE_USER,
	LOCKDOWN_BPF_READ_KERNEL,
};
__attribute__((__weak__)) enum lockdown_reason kbpf_shim_lockdown;

/* Locked down for what: every reason up to the level set, as Linux's. */
static inline int security_locked_down(enum lockdown_reason what)
{
	return what <= kbpf_shim_lockdown ? -EPERM : 0;
}

/* ---- Formatting ---------------------------------------------------------- */

#include <ctype.h>

/* Top of user space on x86-64 (4-level paging). */
#define TASK_SIZE		((1UL << 47) - PAGE_SIZE)

/*
 * A pointer conversion of printk ("%p", "%pK", "%px", "%ps", "%pS",
 * "%pB"). The host has no pointer hashing or symbols: the address in hex,
 * 16 digits for the plain forms, 0x-prefixed for the symbol forms (what
 * the kernel prints for an address without a symbol).
 */
#define KBPF_SYMBOL_LEN		128

static inline int kbpf_format_pointer(char *buf, size_t size, const char *conv,
				      u64 value)
{
	int n;

	if (conv[2] == 's' || conv[2] == 'S' || conv[2] == 'B')
		n = snprintf(buf, size, "0x%llx", (unsigned long long)value);
	else
		n = snprintf(buf, size, "%016llx", (unsigned long long)value);
	return min_t(int, n, (int)size - 1);
}

/* ---- Accesses that may fault --------------------------------------------- */

/*
 * The _nofault copies read or write through the kernel (process_vm_readv
 * and process_vm_writev on the process itself), which answers EFAULT for
 * an unmapped or protected address instead of delivering SIGSEGV: the
 * same contract as the kernel's, which fix up the fault and return
 * -EFAULT. There is no kernel/user split, so no -ERANGE.
 */
#include <sys/uio.h>

static inline long kbpf_shim_vm_copy(void *dst, const void *src, size_t size,
				     bool write_remote)
{
	struct iovec local = { write_remote ? (void *)src : dst, size };
	struct iovec remote = { write_remote ? dst : (void *)src, size };
	ssize_t n;

	if (!size)
		return 0;
	n = write_remote ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
			 : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	return n == (ssize_t)size ? 0 : -EFAULT;
}

static inline long copy_from_kernel_nofault(void *dst, const void *src,
					    size_t size)
{
	return kbpf_shim_vm_copy(dst, src, size, false);
}

static inline long copy_from_user_nofault(void *dst, const void __user *src,
					  size_t size)
{
	return kbpf_shim_vm_copy(dst, src, size, false);
}

static inline long copy_to_user_nofault(void __user *dst, const void *src,
					size_t size)
{
	return kbpf_shim_vm_copy(dst, src, size, true);
}

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

/* ---- Wait queues, poll, irq_work ------------------------------------------ */

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

/*
 * User memory: the host build has one address space, so "user" pointers
 * are plain pointers and the copies cannot fault. They return the number
 * of bytes not copied, as the kernel's do.
 */
static inline unsigned long copy_to_user(void __user *to, const void *from,
					 unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}

static inline unsigned long copy_from_user(void *to, const void __user *from,
					   unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}

#endif /* KBPF_KAPI_H */
