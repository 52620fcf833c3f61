// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf_stack_walk() (kmod/stack_walk.c) on the running kernel's stack:
 * registers a helper records with KBPF_CALLER_REGS() give its caller's
 * return address first, each frame once, then the callers, and the walk
 * stops at the room it was given.
 */
#include <kunit/test.h>
#include <linux/kallsyms.h>

#include <kbpf/kapi.h>

/* As a raw tracepoint helper does it: regs name this function's frame. */
static noinline u32 walk_from_here(u64 *ips, u32 max)
{
	struct pt_regs regs;
	u32 n;

	KBPF_CALLER_REGS(&regs);
	n = kbpf_stack_walk(&regs, ips, max);
	barrier();	/* not a tail call: this frame stays while it walks */
	return n;
}

static void symbol_of(u64 ip, char *buf)
{
	snprintf(buf, KSYM_SYMBOL_LEN, "%ps", (void *)(unsigned long)ip);
}

/* %ps names a module's symbol "name [module]". */
static bool symbol_is(const char *sym, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(sym, name, len) && (!sym[len] || sym[len] == ' ');
}

static void stack_walk_starts_at_the_caller(struct kunit *test)
{
	char sym[KSYM_SYMBOL_LEN];
	u64 ips[16];
	u32 n;

	n = walk_from_here(ips, ARRAY_SIZE(ips));
	KUNIT_ASSERT_GE(test, n, 3U);
	/* The return address into this test, then whoever called it. */
	symbol_of(ips[0], sym);
	KUNIT_EXPECT_TRUE_MSG(test, symbol_is(sym, "stack_walk_starts_at_the_caller"),
			      "frame 0 is %s", sym);
	KUNIT_EXPECT_NE(test, ips[1], ips[0]);
	symbol_of(ips[1], sym);
	KUNIT_EXPECT_FALSE(test, symbol_is(sym, "stack_walk_starts_at_the_caller"));
	KUNIT_EXPECT_TRUE_MSG(test, !strncmp(sym, "kunit_", 6), "frame 1 is %s",
			      sym);
}

static void stack_walk_stops_at_max(struct kunit *test)
{
	u64 ips[3] = { 0, 0, 0 }, all[16];

	KUNIT_EXPECT_EQ(test, walk_from_here(ips, 0), 0U);
	KUNIT_EXPECT_EQ(test, ips[0], 0ULL);
	KUNIT_EXPECT_EQ(test, walk_from_here(ips, 1), 1U);
	KUNIT_EXPECT_EQ(test, ips[1], 0ULL);
	KUNIT_EXPECT_EQ(test, walk_from_here(ips, 2), 2U);
	KUNIT_EXPECT_EQ(test, ips[2], 0ULL);
	/* The same call site: the same frames as a longer walk's. */
	KUNIT_ASSERT_GE(test, walk_from_here(all, ARRAY_SIZE(all)), 2U);
	KUNIT_EXPECT_EQ(test, ips[1], all[1]);
}

static struct kunit_case kbpf_stack_walk_cases[] = {
	KUNIT_CASE(stack_walk_starts_at_the_caller),
	KUNIT_CASE(stack_walk_stops_at_max),
	{}
};

static struct kunit_suite kbpf_stack_walk_suite = {
	.name = "kbpf_stack_walk",
	.test_cases = kbpf_stack_walk_cases,
};

kunit_test_suites(&kbpf_stack_walk_suite);
