// SPDX-License-Identifier: GPL-2.0
/*
 * The LRU of LRU hash maps (maps/lru_list.c) in a running kernel, on real
 * per-CPU lists: the test pins itself to one CPU (or moves from CPU to
 * CPU), looks elements up as a program would (which marks them used) and
 * checks which elements inserts into a full map evict. The same scenarios
 * as tests/host/test_lru_map.c's sanity cases, which follow Linux's
 * tools/testing/selftests/bpf/test_lru_map.c.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/sched.h>
#include <uapi/linux/bpf.h>

#include "../kmod/kbpf.h"

#define LOCAL_FREE_TARGET	128	/* maps/lru_list.c */
#define PERCPU_FREE_TARGET	4

static struct kbpf_map *lru_new(struct kunit *test, u32 flags, u32 max)
{
	struct kbpf_map *map;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_LRU_HASH;
	attr.key_size = 8;
	attr.value_size = 8;
	attr.max_entries = max;
	attr.map_flags = flags;
	map = kbpf_map_create(&attr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(map));
	return map;
}

static void lru_done(struct kbpf_map *map)
{
	kbpf_map_put(map);
	kbpf_wait_for_frees();
	set_cpus_allowed_ptr(current, cpu_possible_mask);
}

static void pin(struct kunit *test, int cpu)
{
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(cpu)), 0);
	KUNIT_ASSERT_EQ(test, raw_smp_processor_id(), cpu);
}

static long upd(struct kbpf_map *map, u64 key, u64 value, u64 flags)
{
	long ret;

	rcu_read_lock();
	ret = map->ops->map_update_elem(map, &key, &value, flags);
	rcu_read_unlock();
	return ret;
}

/* A program's lookup: sets the element's reference bit. */
static bool use(struct kbpf_map *map, u64 key)
{
	void *v;

	rcu_read_lock();
	v = map->ops->map_lookup_elem(map, &key);
	rcu_read_unlock();
	return v;
}

/* The syscall's lookup: does not count as a use. */
static bool present(struct kbpf_map *map, u64 key)
{
	u64 v;
	int err;

	rcu_read_lock();
	err = map->ops->map_copy_value(map, &key, &v);
	rcu_read_unlock();
	return !err;
}

static u32 count(struct kbpf_map *map)
{
	u64 key, next;
	u32 n = 0;
	int err;

	rcu_read_lock();
	for (err = map->ops->map_get_next_key(map, NULL, &next); !err && n < 100000;
	     err = map->ops->map_get_next_key(map, &key, &next)) {
		key = next;
		n++;
	}
	rcu_read_unlock();
	return n;
}

/*
 * A CPU that runs out of free elements takes a batch from the global
 * lists, evicting the oldest elements no program used.
 */
static void lru_evicts_unused_oldest(struct kunit *test)
{
	u32 tgt = LOCAL_FREE_TARGET;
	struct kbpf_map *map;
	u64 key;

	pin(test, cpumask_first(cpu_online_mask));
	map = lru_new(test, 0, tgt + tgt / 2);
	for (key = 1; key <= tgt; key++)
		KUNIT_ASSERT_EQ(test, upd(map, key, key, BPF_NOEXIST), 0);
	for (key = 1; key <= tgt / 2; key++)
		KUNIT_ASSERT_TRUE(test, use(map, key));
	for (key = tgt + 1; key <= 2 * tgt; key++)
		KUNIT_ASSERT_EQ(test, upd(map, key, key, BPF_NOEXIST), 0);
	for (key = 1; key <= 2 * tgt; key++)
		KUNIT_EXPECT_EQ_MSG(test, present(map, key),
				    key <= tgt / 2 || key > tgt, "key %llu", key);
	KUNIT_EXPECT_EQ(test, count(map), tgt + tgt / 2);
	lru_done(map);
}

/* Used elements move to the active list; the unused newest go instead. */
static void lru_rotation_keeps_used(struct kunit *test)
{
	u32 tgt = LOCAL_FREE_TARGET;
	struct kbpf_map *map;
	u64 key;

	pin(test, cpumask_first(cpu_online_mask));
	map = lru_new(test, 0, 2 * tgt);
	for (key = 1; key <= 2 * tgt; key++)
		KUNIT_ASSERT_EQ(test, upd(map, key, key, BPF_NOEXIST), 0);
	for (key = 1; key < tgt + tgt / 2; key++)
		KUNIT_ASSERT_TRUE(test, use(map, key));
	for (key = 2 * tgt + 1; key <= 2 * tgt + tgt / 2; key++)
		KUNIT_ASSERT_EQ(test, upd(map, key, key, BPF_NOEXIST), 0);
	for (key = 1; key <= 2 * tgt + tgt / 2; key++)
		KUNIT_EXPECT_EQ_MSG(test, present(map, key),
				    key < tgt + tgt / 2 || key > 2 * tgt,
				    "key %llu", key);
	lru_done(map);
}

/* A one-element map, used from each online CPU in turn. */
static void lru_one_element_across_cpus(struct kunit *test)
{
	struct kbpf_map *map;
	u64 key = 0;
	int cpu;

	map = lru_new(test, 0, 1);
	pin(test, cpumask_first(cpu_online_mask));
	KUNIT_ASSERT_EQ(test, upd(map, key, key, BPF_NOEXIST), 0);
	for_each_online_cpu(cpu) {
		pin(test, cpu);
		KUNIT_EXPECT_TRUE(test, use(map, key));
		/* The only node sits on another CPU's list: it is taken over. */
		KUNIT_EXPECT_EQ(test, upd(map, key + 1, key + 1, BPF_NOEXIST), 0);
		KUNIT_EXPECT_FALSE(test, present(map, key));
		KUNIT_EXPECT_TRUE(test, present(map, key + 1));
		key++;
	}
	KUNIT_EXPECT_EQ(test, count(map), 1U);
	lru_done(map);
}

/*
 * BPF_F_NO_COMMON_LRU: each CPU owns max_entries / nr_cpus elements and
 * evicts only among them. CPU b churns through many keys; what CPU a
 * inserted stays.
 */
static void lru_no_common_lru_cpus_apart(struct kunit *test)
{
	u32 share = 2 * PERCPU_FREE_TARGET, n = num_possible_cpus();
	int a = cpumask_first(cpu_online_mask);
	int b = cpumask_next(a, cpu_online_mask);
	struct kbpf_map *map;
	u32 mine = 0;
	u64 key;

	if (b >= nr_cpu_ids)
		kunit_skip(test, "needs two online CPUs");
	map = lru_new(test, BPF_F_NO_COMMON_LRU, share * n);
	pin(test, a);
	for (key = 1000; key < 1000 + share; key++)
		KUNIT_ASSERT_EQ(test, upd(map, key, key, BPF_NOEXIST), 0);
	pin(test, b);
	for (key = 1; key <= 20 * share; key++)
		KUNIT_ASSERT_EQ(test, upd(map, key, key, BPF_NOEXIST), 0);
	for (key = 1000; key < 1000 + share; key++)
		KUNIT_EXPECT_TRUE_MSG(test, present(map, key), "key %llu", key);
	for (key = 1; key <= 20 * share; key++)
		mine += present(map, key);
	KUNIT_EXPECT_LE(test, mine, share);
	/* The newest key of b's is there, the oldest long gone. */
	KUNIT_EXPECT_TRUE(test, present(map, 20 * share));
	KUNIT_EXPECT_FALSE(test, present(map, 1));
	lru_done(map);
}

/* Deleted elements are reused before anything used is evicted. */
static void lru_no_common_lru_delete_makes_room(struct kunit *test)
{
	u32 tgt = PERCPU_FREE_TARGET, n = num_possible_cpus();
	struct kbpf_map *map;
	u64 key, end;

	pin(test, cpumask_first(cpu_online_mask));
	map = lru_new(test, BPF_F_NO_COMMON_LRU, 3 * tgt * n);
	for (key = 1; key <= 2 * tgt; key++)
		KUNIT_ASSERT_EQ(test, upd(map, key, key, BPF_NOEXIST), 0);
	for (key = 1; key <= tgt; key++)
		KUNIT_ASSERT_TRUE(test, use(map, key));
	for (; key <= 2 * tgt; key++) {
		rcu_read_lock();
		KUNIT_EXPECT_EQ(test, map->ops->map_delete_elem(map, &key), 0);
		rcu_read_unlock();
	}
	for (end = key + 2 * tgt; key < end; key++)
		KUNIT_ASSERT_EQ(test, upd(map, key, key, BPF_NOEXIST), 0);
	for (key = 1; key < end; key++)
		KUNIT_EXPECT_EQ_MSG(test, present(map, key),
				    key <= tgt || key > 2 * tgt, "key %llu", key);
	lru_done(map);
}

static struct kunit_case kbpf_lru_cases[] = {
	KUNIT_CASE(lru_evicts_unused_oldest),
	KUNIT_CASE(lru_rotation_keeps_used),
	KUNIT_CASE(lru_one_element_across_cpus),
	KUNIT_CASE(lru_no_common_lru_cpus_apart),
	KUNIT_CASE(lru_no_common_lru_delete_makes_room),
	{}
};

static struct kunit_suite kbpf_lru_suite = {
	.name = "kbpf_lru",
	.test_cases = kbpf_lru_cases,
};

kunit_test_suites(&kbpf_lru_suite);
