// SPDX-License-Identifier: GPL-2.0
/*
 * Object ids: cyclic allocation, lookups that refuse dying objects, and the
 * GET_NEXT_ID walk. Each case uses a private id space.
 */
#include <kunit/test.h>
#include <linux/idr.h>
#include <linux/limits.h>

#include "../kmod/id.h"

struct fake_obj {
	int refs;
};

static bool fake_tryget(void *obj)
{
	struct fake_obj *o = obj;

	if (!o->refs)
		return false;
	o->refs++;
	return true;
}

static int id_test_init(struct kunit *test)
{
	struct kbpf_ids *ids = kunit_kzalloc(test, sizeof(*ids), GFP_KERNEL);

	if (!ids)
		return -ENOMEM;
	idr_init(&ids->idr);
	spin_lock_init(&ids->lock);
	test->priv = ids;
	return 0;
}

static void id_test_exit(struct kunit *test)
{
	struct kbpf_ids *ids = test->priv;

	idr_destroy(&ids->idr);
}

static void id_alloc_starts_at_one(struct kunit *test)
{
	struct fake_obj a = { 1 };
	int id = kbpf_id_alloc(test->priv, &a);

	KUNIT_EXPECT_EQ(test, id, 1);
}

static void id_alloc_is_cyclic(struct kunit *test)
{
	struct fake_obj a = { 1 }, b = { 1 };
	int first, second;

	first = kbpf_id_alloc(test->priv, &a);
	KUNIT_ASSERT_GT(test, first, 0);
	kbpf_id_remove(test->priv, first);
	/* A freed id is not reused right away: stale ids stay stale. */
	second = kbpf_id_alloc(test->priv, &b);
	KUNIT_EXPECT_GT(test, second, first);
}

static void id_get_takes_a_reference(struct kunit *test)
{
	struct fake_obj a = { 1 };
	int id = kbpf_id_alloc(test->priv, &a);

	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_PTR_EQ(test, kbpf_id_get(test->priv, id, fake_tryget),
			    (void *)&a);
	KUNIT_EXPECT_EQ(test, a.refs, 2);
	KUNIT_EXPECT_NULL(test, kbpf_id_get(test->priv, id + 1, fake_tryget));
}

static void id_get_refuses_dying_object(struct kunit *test)
{
	struct fake_obj a = { 0 };	/* last reference already dropped */
	int id = kbpf_id_alloc(test->priv, &a);

	KUNIT_ASSERT_GT(test, id, 0);
	KUNIT_EXPECT_NULL(test, kbpf_id_get(test->priv, id, fake_tryget));
	KUNIT_EXPECT_EQ(test, a.refs, 0);
}

static void id_next_walks_in_order(struct kunit *test)
{
	struct fake_obj objs[4] = { { 1 }, { 1 }, { 1 }, { 1 } };
	int ids[4], i;
	u32 next;

	for (i = 0; i < 4; i++) {
		ids[i] = kbpf_id_alloc(test->priv, &objs[i]);
		KUNIT_ASSERT_GT(test, ids[i], 0);
	}
	kbpf_id_remove(test->priv, ids[1]);

	KUNIT_ASSERT_EQ(test, kbpf_id_next(test->priv, 0, &next), 0);
	KUNIT_EXPECT_EQ(test, next, (u32)ids[0]);
	/* The removed id is skipped. */
	KUNIT_ASSERT_EQ(test, kbpf_id_next(test->priv, ids[0], &next), 0);
	KUNIT_EXPECT_EQ(test, next, (u32)ids[2]);
	KUNIT_ASSERT_EQ(test, kbpf_id_next(test->priv, ids[2], &next), 0);
	KUNIT_EXPECT_EQ(test, next, (u32)ids[3]);
	KUNIT_EXPECT_EQ(test, kbpf_id_next(test->priv, ids[3], &next), -ENOENT);
	KUNIT_EXPECT_EQ(test, kbpf_id_next(test->priv, INT_MAX, &next),
			-ENOENT);
}

static struct kunit_case kbpf_id_cases[] = {
	KUNIT_CASE(id_alloc_starts_at_one),
	KUNIT_CASE(id_alloc_is_cyclic),
	KUNIT_CASE(id_get_takes_a_reference),
	KUNIT_CASE(id_get_refuses_dying_object),
	KUNIT_CASE(id_next_walks_in_order),
	{}
};

static struct kunit_suite kbpf_id_suite = {
	.name = "kbpf_id",
	.init = id_test_init,
	.exit = id_test_exit,
	.test_cases = kbpf_id_cases,
};

kunit_test_suites(&kbpf_id_suite);
