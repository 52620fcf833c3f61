// SPDX-License-Identifier: GPL-2.0
/*
 * The LPM trie (maps/lpm_trie.c) in a running kernel: longest-prefix
 * lookups, the postorder key walk, deletes that take now-useless
 * intermediate nodes with them (checked on the trie's node count), and
 * updates from atomic context, where the allocation must not sleep (the
 * debug kernel's DEBUG_ATOMIC_SLEEP and lockdep watch).
 */
#include <kunit/test.h>
#include <linux/irqflags.h>
#include <uapi/linux/bpf.h>

#include "../kmod/kbpf.h"
#include "../maps/lpm_trie.h"

struct k4 {
	u32 prefixlen;
	u8 data[4];
};

static struct kbpf_map *lpm_new(struct kunit *test, u32 max)
{
	struct kbpf_map *map;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_LPM_TRIE;
	attr.key_size = sizeof(struct k4);
	attr.value_size = 4;
	attr.max_entries = max;
	attr.map_flags = BPF_F_NO_PREALLOC;
	map = kbpf_map_create(&attr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(map));
	return map;
}

static void lpm_done(struct kbpf_map *map)
{
	kbpf_map_put(map);
	kbpf_wait_for_frees();
}

static struct k4 k(u32 prefixlen, u8 a, u8 b, u8 c, u8 d)
{
	struct k4 key = { prefixlen, { a, b, c, d } };

	return key;
}

static long upd(struct kbpf_map *map, struct k4 key, u32 value)
{
	long ret;

	rcu_read_lock();
	ret = map->ops->map_update_elem(map, &key, &value, BPF_ANY);
	rcu_read_unlock();
	return ret;
}

static long del(struct kbpf_map *map, struct k4 key)
{
	long ret;

	rcu_read_lock();
	ret = map->ops->map_delete_elem(map, &key);
	rcu_read_unlock();
	return ret;
}

/* The value found for key, or -1 when nothing matches. */
static s64 look(struct kbpf_map *map, struct k4 key)
{
	u32 *v;
	s64 ret;

	rcu_read_lock();
	v = map->ops->map_lookup_elem(map, &key);
	ret = v ? (s64)*v : -1;
	rcu_read_unlock();
	return ret;
}

static u32 nodes(struct kbpf_map *map)
{
	return kbpf_to_lpm_trie(map)->n_nodes;
}

static void lpm_longest_match(struct kunit *test)
{
	struct kbpf_map *map = lpm_new(test, 16);

	KUNIT_EXPECT_EQ(test, look(map, k(32, 10, 1, 2, 3)), -1);
	KUNIT_ASSERT_EQ(test, upd(map, k(8, 10, 0, 0, 0), 8), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(16, 10, 1, 0, 0), 16), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(24, 10, 1, 2, 0), 24), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(32, 10, 1, 2, 3), 32), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(0, 0, 0, 0, 0), 0), 0);
	KUNIT_EXPECT_EQ(test, look(map, k(32, 10, 1, 2, 3)), 32);
	KUNIT_EXPECT_EQ(test, look(map, k(32, 10, 1, 2, 4)), 24);
	KUNIT_EXPECT_EQ(test, look(map, k(32, 10, 1, 3, 3)), 16);
	KUNIT_EXPECT_EQ(test, look(map, k(32, 10, 2, 2, 3)), 8);
	KUNIT_EXPECT_EQ(test, look(map, k(32, 11, 1, 2, 3)), 0);
	/* The lookup key's prefixlen caps the match. */
	KUNIT_EXPECT_EQ(test, look(map, k(20, 10, 1, 2, 3)), 16);
	KUNIT_EXPECT_EQ(test, look(map, k(33, 10, 1, 2, 3)), -1);
	/* One chain of covering prefixes: no intermediate node. */
	KUNIT_EXPECT_EQ(test, nodes(map), 5U);
	lpm_done(map);
}

static bool next_is(struct kunit *test, struct kbpf_map *map, struct k4 *key,
		    u32 prefixlen, u8 c, u8 d)
{
	struct k4 next;
	int err;

	memset(&next, 0, sizeof(next));
	rcu_read_lock();
	err = map->ops->map_get_next_key(map, key, &next);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, next.prefixlen, prefixlen);
	KUNIT_EXPECT_EQ(test, next.data[2], c);
	KUNIT_EXPECT_EQ(test, next.data[3], d);
	if (key)
		*key = next;
	return !err && next.prefixlen == prefixlen;
}

/* More specific prefixes first, a node's 0 side before its 1 side. */
static void lpm_get_next_key_postorder(struct kunit *test)
{
	struct kbpf_map *map = lpm_new(test, 16);
	struct k4 key;
	int err;

	KUNIT_ASSERT_EQ(test, upd(map, k(16, 192, 168, 0, 0), 0), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(24, 192, 168, 128, 0), 0), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(24, 192, 168, 0, 0), 0), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(24, 192, 168, 1, 0), 0), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(28, 192, 168, 1, 128), 0), 0);
	next_is(test, map, NULL, 24, 0, 0);
	key = k(24, 192, 168, 0, 0);
	next_is(test, map, &key, 28, 1, 128);
	next_is(test, map, &key, 24, 1, 0);
	next_is(test, map, &key, 24, 128, 0);
	next_is(test, map, &key, 16, 0, 0);
	rcu_read_lock();
	err = map->ops->map_get_next_key(map, &key, &key);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, err, -ENOENT);
	/* Unknown key: from the start again. */
	key = k(22, 192, 168, 1, 0);
	next_is(test, map, &key, 24, 0, 0);
	lpm_done(map);
}

static void lpm_delete_collapses_intermediate(struct kunit *test)
{
	struct kbpf_map *map = lpm_new(test, 16);

	/* 10.0.0.0/24 and 10.0.1.0/24 part at bit 23: an intermediate /23. */
	KUNIT_ASSERT_EQ(test, upd(map, k(24, 10, 0, 0, 0), 1), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(24, 10, 0, 1, 0), 2), 0);
	KUNIT_EXPECT_EQ(test, nodes(map), 3U);
	KUNIT_EXPECT_EQ(test, del(map, k(23, 10, 0, 0, 0)), -ENOENT);
	KUNIT_EXPECT_EQ(test, del(map, k(24, 10, 0, 0, 0)), 0);
	KUNIT_EXPECT_EQ(test, nodes(map), 1U);
	KUNIT_EXPECT_EQ(test, look(map, k(32, 10, 0, 1, 9)), 2);
	KUNIT_EXPECT_EQ(test, look(map, k(32, 10, 0, 0, 9)), -1);

	/* An entry with two children stays as an intermediate node... */
	KUNIT_ASSERT_EQ(test, upd(map, k(24, 10, 0, 0, 0), 1), 0);
	KUNIT_ASSERT_EQ(test, upd(map, k(23, 10, 0, 0, 0), 3), 0);
	KUNIT_EXPECT_EQ(test, nodes(map), 3U);
	KUNIT_EXPECT_EQ(test, del(map, k(23, 10, 0, 0, 0)), 0);
	KUNIT_EXPECT_EQ(test, nodes(map), 3U);
	KUNIT_EXPECT_EQ(test, kbpf_to_lpm_trie(map)->n_entries, 2U);
	KUNIT_EXPECT_EQ(test, look(map, k(23, 10, 0, 0, 0)), -1);
	/* ...until one of them goes. */
	KUNIT_EXPECT_EQ(test, del(map, k(24, 10, 0, 1, 0)), 0);
	KUNIT_EXPECT_EQ(test, nodes(map), 1U);
	KUNIT_EXPECT_EQ(test, del(map, k(24, 10, 0, 0, 0)), 0);
	KUNIT_EXPECT_EQ(test, nodes(map), 0U);
	lpm_done(map);
}

/* Programs update from softirq or with interrupts off: no sleeping. */
static void lpm_update_in_atomic_context(struct kunit *test)
{
	struct kbpf_map *map = lpm_new(test, 64);
	unsigned long flags;
	u32 i;
	long ret = 0;

	local_irq_save(flags);
	for (i = 0; i < 32 && !ret; i++)
		ret = upd(map, k(24 + i % 8, 10, (u8)i, (u8)(i * 37), 0), i);
	for (i = 0; i < 32 && !ret; i += 2)
		ret = del(map, k(24 + i % 8, 10, (u8)i, (u8)(i * 37), 0));
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, kbpf_to_lpm_trie(map)->n_entries, 16U);
	lpm_done(map);
}

static struct kunit_case kbpf_lpm_cases[] = {
	KUNIT_CASE(lpm_longest_match),
	KUNIT_CASE(lpm_get_next_key_postorder),
	KUNIT_CASE(lpm_delete_collapses_intermediate),
	KUNIT_CASE(lpm_update_in_atomic_context),
	{}
};

static struct kunit_suite kbpf_lpm_suite = {
	.name = "kbpf_lpm_trie",
	.test_cases = kbpf_lpm_cases,
};

kunit_test_suites(&kbpf_lpm_suite);
