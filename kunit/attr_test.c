// SPDX-License-Identifier: GPL-2.0
/*
 * bpf(2)'s attr size rules as kbpf applies them. The test thread has no
 * user address space, so user pointers here are only ever NULL: that is
 * enough to show which sizes touch user memory and which are refused first.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/stddef.h>
#include <uapi/linux/bpf.h>

#include "../syscall/attr.h"

static void attr_oversize_is_e2big_before_any_access(struct kunit *test)
{
	/* More than a page is refused without reading the (bad) pointer. */
	KUNIT_EXPECT_EQ(test, kbpf_check_uarg_tail_zero(NULL,
			sizeof(union bpf_attr), PAGE_SIZE + 1), -E2BIG);
	KUNIT_EXPECT_EQ(test, kbpf_check_uarg_tail_zero(NULL,
			sizeof(union bpf_attr), UINT_MAX), -E2BIG);
}

static void attr_short_or_exact_needs_no_tail(struct kunit *test)
{
	/* Up to the known size there is no tail to inspect. */
	KUNIT_EXPECT_EQ(test, kbpf_check_uarg_tail_zero(NULL,
			sizeof(union bpf_attr), 0), 0);
	KUNIT_EXPECT_EQ(test, kbpf_check_uarg_tail_zero(NULL,
			sizeof(union bpf_attr), sizeof(union bpf_attr)), 0);
}

static void attr_long_reads_the_tail(struct kunit *test)
{
	/* One byte more than known: the tail is read, and NULL faults. */
	KUNIT_EXPECT_EQ(test, kbpf_check_uarg_tail_zero(NULL,
			sizeof(union bpf_attr), sizeof(union bpf_attr) + 1),
			-EFAULT);
}

static void attr_copy_faults_on_bad_pointer(struct kunit *test)
{
	union bpf_attr attr;

	memset(&attr, 0xa5, sizeof(attr));
	KUNIT_EXPECT_EQ(test, kbpf_attr_copy(&attr, NULL, 8), -EFAULT);
	KUNIT_EXPECT_EQ(test, kbpf_attr_copy(&attr, NULL, PAGE_SIZE * 2),
			-E2BIG);
}

static void attr_copy_of_zero_bytes_zeroes_attr(struct kunit *test)
{
	union bpf_attr attr;

	/* A zero size copies nothing from the pointer but still zero-extends. */
	memset(&attr, 0xa5, sizeof(attr));
	KUNIT_ASSERT_EQ(test, kbpf_attr_copy(&attr, NULL, 0), 0);
	KUNIT_EXPECT_FALSE(test, kbpf_attr_tail_nonzero(&attr, 0));
}

static void attr_unused_fields_check(struct kunit *test)
{
	size_t freeze_end = offsetofend(union bpf_attr, map_fd);
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = 7;
	KUNIT_EXPECT_FALSE(test, kbpf_attr_tail_nonzero(&attr, freeze_end));
	/* map_fd is used, so setting it trips the check of an earlier end. */
	KUNIT_EXPECT_TRUE(test, kbpf_attr_tail_nonzero(&attr, 0));

	attr.key = 1;	/* the field right after map_fd, unused by MAP_FREEZE */
	KUNIT_EXPECT_TRUE(test, kbpf_attr_tail_nonzero(&attr, freeze_end));

	memset(&attr, 0, sizeof(attr));
	((u8 *)&attr)[sizeof(attr) - 1] = 1;	/* the very last byte */
	KUNIT_EXPECT_TRUE(test, kbpf_attr_tail_nonzero(&attr, freeze_end));
	KUNIT_EXPECT_FALSE(test, kbpf_attr_tail_nonzero(&attr, sizeof(attr)));
}

static struct kunit_case kbpf_attr_cases[] = {
	KUNIT_CASE(attr_oversize_is_e2big_before_any_access),
	KUNIT_CASE(attr_short_or_exact_needs_no_tail),
	KUNIT_CASE(attr_long_reads_the_tail),
	KUNIT_CASE(attr_copy_faults_on_bad_pointer),
	KUNIT_CASE(attr_copy_of_zero_bytes_zeroes_attr),
	KUNIT_CASE(attr_unused_fields_check),
	{}
};

static struct kunit_suite kbpf_attr_suite = {
	.name = "kbpf_attr",
	.test_cases = kbpf_attr_cases,
};

kunit_test_suites(&kbpf_attr_suite);
