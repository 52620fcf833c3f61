// SPDX-License-Identifier: GPL-2.0
/*
 * The executable arena (jit/arena.c) in a running kernel: code written
 * through it runs; its pages are executable and never writable, through
 * any mapping; unused and freed space is int3; small programs share pages.
 */
#include <kunit/test.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>

#include "../jit/arena.h"
#include "../jit/x86_emit.h"

#define INT3	0xcc

typedef u64 (*arena_fn)(u64 a, u64 b);

/*
 * fn(a, b) = a + b + k: endbr64 (C calls it indirectly, which IBT checks),
 * pad bytes of NOPs, lea rax, [rdi + rsi + k], return.
 */
static u32 emit_add(u8 *buf, u32 cap, void *at, s32 k, u32 pad)
{
	struct kbpf_x86 e;

	kbpf_x86_init(&e, buf, cap, (unsigned long)at);
	kbpf_x86_endbr64(&e);
	kbpf_x86_nop(&e, pad);
	kbpf_x86_lea_bi(&e, KBPF_X86_RAX, KBPF_X86_RDI, KBPF_X86_RSI, k);
	/* Through the kernel's return thunk when it has one. */
	kbpf_arena_emit_return(&e);
	return kbpf_x86_error(&e) ? 0 : kbpf_x86_len(&e);
}

/* Allocate, write fn(a, b) = a + b + k there, and return it. */
static void *arena_add_fn(struct kunit *test, size_t size, s32 k, u32 pad)
{
	u8 *buf = kunit_kzalloc(test, size, GFP_KERNEL);
	void *p = kbpf_arena_alloc(size);
	u32 len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, p);
	len = emit_add(buf, size, p, k, pad);
	KUNIT_ASSERT_GT(test, len, 0U);
	KUNIT_ASSERT_EQ(test, kbpf_arena_write(p, buf, len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(p, buf, len), 0);
	/* The rest of the allocation still traps. */
	KUNIT_EXPECT_NULL(test, memchr_inv((u8 *)p + len, INT3,
					   round_up(size, 64) - len));
	return p;
}

static void arena_runs_written_code(struct kunit *test)
{
	void *p = arena_add_fn(test, 64, 0, 0);
	arena_fn fn = p;

	KUNIT_EXPECT_TRUE(test, kbpf_arena_contains(p, 64));
	KUNIT_EXPECT_EQ(test, fn(2, 40), 42ULL);
	KUNIT_EXPECT_EQ(test, fn(-1ULL, 1), 0ULL);
	kbpf_arena_free(p);
}

/* A page's protections as the CPU sees them, or false if not mapped. */
static bool page_prot(unsigned long addr, bool *write, bool *exec)
{
	unsigned int level;
	pte_t *pte = lookup_address(addr, &level);

	if (!pte || !pte_present(*pte))
		return false;
	*write = pte_write(*pte);
	*exec = pte_exec(*pte);
	return true;
}

static void arena_pages_are_executable_never_writable(struct kunit *test)
{
	void *p = arena_add_fn(test, 64, 1, 0);
	struct page *page = vmalloc_to_page(p);
	bool write, exec;

	/* The arena's own mapping: read-only, executable. */
	KUNIT_ASSERT_TRUE(test, page_prot((unsigned long)p, &write, &exec));
	KUNIT_EXPECT_FALSE(test, write);
	KUNIT_EXPECT_TRUE(test, exec);

	/* The direct map of the same page: read-only too, and NX. */
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_TRUE(test, page_prot((unsigned long)page_address(page),
					  &write, &exec));
	KUNIT_EXPECT_FALSE(test, write);
	KUNIT_EXPECT_FALSE(test, exec);

	/* The temporary write mapping is gone. */
	KUNIT_ASSERT_NE(test, kbpf_arena_last_alias, 0UL);
	KUNIT_EXPECT_FALSE(test, page_prot(kbpf_arena_last_alias, &write,
					   &exec));
	kbpf_arena_free(p);
}

static void arena_free_refills_with_int3(struct kunit *test)
{
	void *p = arena_add_fn(test, 200, 7, 0);
	arena_fn fn = p;

	KUNIT_EXPECT_EQ(test, fn(1, 2), 10ULL);
	kbpf_arena_free(p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, INT3, 256));
}

/* Several small programs in one page, each running its own code. */
static void arena_packs_small_programs(struct kunit *test)
{
	enum { N = 8 };
	void *p[N];
	int i, pages = 1;

	for (i = 0; i < N; i++) {
		p[i] = arena_add_fn(test, 100, i * 1000, 0);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p[i], 64));
		if (i && PAGE_ALIGN_DOWN((unsigned long)p[i]) !=
			 PAGE_ALIGN_DOWN((unsigned long)p[i - 1]))
			pages++;
	}
	/* 8 x 128 bytes: one page, or two if a neighbour already used some. */
	KUNIT_EXPECT_LE(test, pages, 2);
	for (i = 0; i < N; i++)
		KUNIT_EXPECT_EQ(test, ((arena_fn)p[i])(3, 4), 7ULL + i * 1000);
	for (i = 0; i < N; i++)
		kbpf_arena_free(p[i]);
}

/* A program over several pages: written page by page, run across them. */
static void arena_large_program_spans_pages(struct kunit *test)
{
	size_t size = 3 * PAGE_SIZE + 100;
	void *p = arena_add_fn(test, size, 5, 3 * PAGE_SIZE);
	arena_fn fn = p;

	KUNIT_EXPECT_EQ(test, fn(10, 20), 35ULL);
	kbpf_arena_free(p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, INT3, round_up(size, 64)));
}

/*
 * The thunk read back from kbpf's patched return site: none exactly when
 * the kernel does not use return thunks, else one of the kernel's own.
 */
static void arena_return_thunk_is_the_kernels(struct kunit *test)
{
	void *thunk = kbpf_arena_return_thunk();
	char name[KSYM_SYMBOL_LEN];

	if (!cpu_feature_enabled(X86_FEATURE_RETHUNK)) {
		KUNIT_EXPECT_NULL(test, thunk);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, thunk);
	/* The start of a *_return_thunk (most of them are not exported). */
	sprint_symbol(name, (unsigned long)thunk);
	kunit_info(test, "return thunk: %s\n", name);
	KUNIT_EXPECT_NOT_NULL(test, strstr(name, "_return_thunk+0x0/"));
}

static void arena_refuses_what_cannot_fit(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, kbpf_arena_alloc(KBPF_ARENA_SIZE + 1));
	KUNIT_EXPECT_NULL(test, kbpf_arena_alloc(0));
	KUNIT_EXPECT_FALSE(test, kbpf_arena_contains(test, 1));
}

static struct kunit_case kbpf_arena_cases[] = {
	KUNIT_CASE(arena_runs_written_code),
	KUNIT_CASE(arena_pages_are_executable_never_writable),
	KUNIT_CASE(arena_free_refills_with_int3),
	KUNIT_CASE(arena_packs_small_programs),
	KUNIT_CASE(arena_large_program_spans_pages),
	KUNIT_CASE(arena_return_thunk_is_the_kernels),
	KUNIT_CASE(arena_refuses_what_cannot_fit),
	{}
};

static struct kunit_suite kbpf_arena_suite = {
	.name = "kbpf_arena",
	.test_cases = kbpf_arena_cases,
};

kunit_test_suites(&kbpf_arena_suite);
