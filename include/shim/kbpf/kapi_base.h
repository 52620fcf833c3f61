/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: the language-level kernel API, from compiler attributes, types, error
 * pointers and BUG/WARN (which abort here) to arithmetic, byte order,
 * printing, strings and random numbers.
 */
#ifndef KBPF_SHIM_KAPI_BASE_H
#define KBPF_SHIM_KAPI_BASE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP, gettid() */
#endif

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <linux/types.h>

/* ---- Sorting --------------------------------------------------------------- */

/* lib/sort.c's sort(), for callers that let it swap elements itself. */
static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *),
			void (*swap)(void *, void *, int))
{
	if (swap)
		abort();
	qsort(base, num, size, cmp);
}

/* ---- Compiler attributes and annotations --------------------------------- */

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

#define sizeof_field(TYPE, MEMBER)	sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER)	\
	(offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))

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

/* ---- Random numbers ------------------------------------------------------ */

#include <sys/random.h>

static inline u32 get_random_u32(void)
{
	u32 r;

	BUG_ON(getrandom(&r, sizeof(r), 0) != sizeof(r));
	return r;
}

/* ---- Module parameters --------------------------------------------------- */

/* The core's knobs are plain globals here; tests set them directly. */
#define module_param_named(name, value, type, perm)
#define MODULE_PARM_DESC(name, desc)

#endif /* KBPF_SHIM_KAPI_BASE_H */
