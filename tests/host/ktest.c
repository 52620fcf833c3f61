// SPDX-License-Identifier: GPL-2.0
/*
 * ktest runner: `kbpf-host-test [substring]` runs every registered test
 * (or those whose name contains substring) on the main thread, registered
 * with RCU as CPU 0, and waits for pending RCU callbacks before exiting.
 */
#include <kbpf/kapi.h>

#include <stdarg.h>

#include "ktest.h"

static struct ktest *ktest_head, **ktest_tail = &ktest_head;
static unsigned long ktest_failures;	/* failed checks, all tests */

/* Make allocation failure return NULL (ENOMEM), as kmalloc does. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:handle_abort=1";
}

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1";
}

/* Constructors run in link order, then declaration order within a file. */
void ktest_register(struct ktest *t)
{
	*ktest_tail = t;
	ktest_tail = &t->next;
}

static bool ktest_report(bool ok, const char *file, int line,
			 const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	__atomic_add_fetch(&ktest_failures, 1, __ATOMIC_RELAXED);
	flockfile(stderr);
	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	return false;
}

bool ktest_check(bool ok, const char *file, int line, const char *expr)
{
	return ktest_report(ok, file, line, "%s failed", expr);
}

bool ktest_check_eq(bool want_eq, unsigned long long a, unsigned long long b,
		    const char *file, int line, const char *op,
		    const char *as, const char *bs)
{
	return ktest_report((a == b) == want_eq, file, line,
			    "%s(%s, %s): %lld (%#llx) vs %lld (%#llx)",
			    op, as, bs, (long long)a, a, (long long)b, b);
}

bool ktest_check_mem(const void *a, const void *b, size_t n,
		     const char *file, int line, const char *as,
		     const char *bs)
{
	const unsigned char *pa = a, *pb = b;
	size_t i;

	for (i = 0; i < n && pa[i] == pb[i]; i++)
		;
	return ktest_report(i == n, file, line,
			    "EXPECT_MEM_EQ(%s, %s, %zu): byte %zu: %#x vs %#x",
			    as, bs, n, i, i < n ? pa[i] : 0, i < n ? pb[i] : 0);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned int passed = 0, failed = 0;
	struct ktest *t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	kbpf_shim_thread_init(0);

	for (t = ktest_head; t; t = t->next) {
		unsigned long before = __atomic_load_n(&ktest_failures,
						       __ATOMIC_RELAXED);

		if (filter && !strstr(t->name, filter))
			continue;
		t->fn();
		if (__atomic_load_n(&ktest_failures, __ATOMIC_RELAXED) == before) {
			passed++;
			printf("ok   %s\n", t->name);
		} else {
			failed++;
			printf("FAIL %s\n", t->name);
		}
	}

	rcu_barrier();
	kbpf_shim_thread_exit();
	printf("host: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
