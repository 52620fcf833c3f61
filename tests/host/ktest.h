/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktest: the host test harness. TEST(name) { ... } registers a test; the
 * runner (ktest.c) runs them in link order, prints one line per test and
 * ends with "host: N passed, N failed", exiting non-zero on any failure.
 *
 * EXPECT_* report file:line and both values and let the test go on; they
 * are thread-safe, so worker threads may use them. ASSERT_* also return
 * from the test function (use them only in the test body itself).
 * Integers are compared after conversion to unsigned long long, pointers
 * by address.
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ktest {
	const char *name;
	void (*fn)(void);
	struct ktest *next;
};

void ktest_register(struct ktest *t);
bool ktest_check(bool ok, const char *file, int line, const char *expr);
bool ktest_check_eq(bool want_eq, unsigned long long a, unsigned long long b,
		    const char *file, int line, const char *op,
		    const char *as, const char *bs);
bool ktest_check_mem(const void *a, const void *b, size_t n,
		     const char *file, int line, const char *as,
		     const char *bs);

#define TEST(name)							\
	static void ktest_fn_##name(void);				\
	static struct ktest ktest_##name = { #name, ktest_fn_##name, NULL }; \
	__attribute__((__constructor__))				\
	static void ktest_register_##name(void)				\
	{								\
		ktest_register(&ktest_##name);				\
	}								\
	static void ktest_fn_##name(void)

#define KTEST_ULL(x)	((unsigned long long)(uintptr_t)(x))

#define EXPECT_TRUE(c)	 ktest_check(!!(c), __FILE__, __LINE__, "EXPECT_TRUE(" #c ")")
#define EXPECT_FALSE(c)	 ktest_check(!(c), __FILE__, __LINE__, "EXPECT_FALSE(" #c ")")
#define EXPECT_EQ(a, b)	 ktest_check_eq(true, KTEST_ULL(a), KTEST_ULL(b), \
					__FILE__, __LINE__, "EXPECT_EQ", #a, #b)
#define EXPECT_NE(a, b)	 ktest_check_eq(false, KTEST_ULL(a), KTEST_ULL(b), \
					__FILE__, __LINE__, "EXPECT_NE", #a, #b)
#define EXPECT_NULL(p)	 EXPECT_EQ(p, NULL)
#define EXPECT_NONNULL(p) EXPECT_NE(p, NULL)
#define EXPECT_MEM_EQ(a, b, n) ktest_check_mem(a, b, n, __FILE__, __LINE__, #a, #b)

#define ASSERT_TRUE(c)	 do { if (!EXPECT_TRUE(c)) return; } while (0)
#define ASSERT_EQ(a, b)	 do { if (!EXPECT_EQ(a, b)) return; } while (0)
#define ASSERT_NONNULL(p) do { if (!EXPECT_NONNULL(p)) return; } while (0)

#endif /* KTEST_H */
