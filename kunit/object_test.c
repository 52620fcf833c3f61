// SPDX-License-Identifier: GPL-2.0
/*
 * Map and program objects: references, id visibility and freeing on the
 * last put (after RCU and the free workqueue), checked against the count of
 * live objects kbpf keeps.
 */
#include <kunit/test.h>
#include <uapi/linux/bpf.h>

#include "../kmod/kbpf.h"

static void array_attr(union bpf_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->map_type = BPF_MAP_TYPE_ARRAY;
	attr->key_size = 4;
	attr->value_size = 8;
	attr->max_entries = 4;
}

static void map_create_publishes_id(struct kunit *test)
{
	int live = atomic_read(&kbpf_live_objects);
	struct kbpf_map *map, *again;
	union bpf_attr attr;

	array_attr(&attr);
	strscpy(attr.map_name, "kunit_map", sizeof(attr.map_name));
	map = kbpf_map_create(&attr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(map));
	KUNIT_EXPECT_GT(test, map->id, 0U);
	KUNIT_EXPECT_STREQ(test, map->name, "kunit_map");
	KUNIT_EXPECT_EQ(test, refcount_read(&map->refcnt), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kbpf_live_objects), live + 1);

	again = kbpf_map_get_by_id(map->id);
	KUNIT_ASSERT_PTR_EQ(test, again, map);
	KUNIT_EXPECT_EQ(test, refcount_read(&map->refcnt), 2U);
	kbpf_map_put(again);
	kbpf_map_put(map);
	kbpf_wait_for_frees();
	KUNIT_EXPECT_EQ(test, atomic_read(&kbpf_live_objects), live);
}

static void map_last_put_hides_id_at_once(struct kunit *test)
{
	struct kbpf_map *map;
	union bpf_attr attr;
	u32 id;

	array_attr(&attr);
	map = kbpf_map_create(&attr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(map));
	id = map->id;
	kbpf_map_put(map);
	/* Before the grace period ends the id must already be gone. */
	KUNIT_EXPECT_PTR_EQ(test, kbpf_map_get_by_id(id), ERR_PTR(-ENOENT));
	kbpf_wait_for_frees();
}

static void map_create_rejects_bad_attr(struct kunit *test)
{
	int live = atomic_read(&kbpf_live_objects);
	union bpf_attr attr;

	array_attr(&attr);
	attr.key_size = 8;
	KUNIT_EXPECT_PTR_EQ(test, kbpf_map_create(&attr), ERR_PTR(-EINVAL));

	array_attr(&attr);
	attr.map_type = 0x7fff;
	KUNIT_EXPECT_PTR_EQ(test, kbpf_map_create(&attr), ERR_PTR(-EINVAL));

	/* A bad name is found after allocation: nothing may leak. */
	array_attr(&attr);
	strscpy(attr.map_name, "bad-name", sizeof(attr.map_name));
	KUNIT_EXPECT_PTR_EQ(test, kbpf_map_create(&attr), ERR_PTR(-EINVAL));
	memset(attr.map_name, 'a', sizeof(attr.map_name));
	KUNIT_EXPECT_PTR_EQ(test, kbpf_map_create(&attr), ERR_PTR(-EINVAL));

	KUNIT_EXPECT_EQ(test, atomic_read(&kbpf_live_objects), live);
}

static void file_flags_follow_map_flags(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kbpf_file_flags(0), O_RDWR);
	KUNIT_EXPECT_EQ(test, kbpf_file_flags(BPF_F_RDONLY), O_RDONLY);
	KUNIT_EXPECT_EQ(test, kbpf_file_flags(BPF_F_WRONLY), O_WRONLY);
	KUNIT_EXPECT_EQ(test, kbpf_file_flags(BPF_F_RDONLY | BPF_F_WRONLY),
			-EINVAL);
}

static void prog_keeps_its_maps_alive(struct kunit *test)
{
	int live = atomic_read(&kbpf_live_objects);
	struct kbpf_prog *prog, *found;
	struct kbpf_map *map;
	union bpf_attr attr;
	u32 map_id;

	array_attr(&attr);
	map = kbpf_map_create(&attr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(map));
	map_id = map->id;

	prog = kbpf_prog_alloc(2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(prog));
	prog->used_maps = kcalloc(1, sizeof(*prog->used_maps), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, prog->used_maps);
	/* The program takes over the creator's map reference. */
	prog->used_maps[0] = map;
	prog->used_map_cnt = 1;
	KUNIT_ASSERT_EQ(test, kbpf_prog_publish(prog), 0);
	KUNIT_EXPECT_GT(test, prog->id, 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&kbpf_live_objects), live + 2);

	found = kbpf_prog_get_by_id(prog->id);
	KUNIT_ASSERT_PTR_EQ(test, found, prog);
	kbpf_prog_put(found);

	/* Only the program holds the map now; it is still reachable by id. */
	map = kbpf_map_get_by_id(map_id);
	KUNIT_ASSERT_FALSE(test, IS_ERR(map));
	kbpf_map_put(map);

	kbpf_prog_put(prog);
	kbpf_wait_for_frees();
	/* The program's free dropped the map's last reference, on the same path. */
	kbpf_wait_for_frees();
	KUNIT_EXPECT_PTR_EQ(test, kbpf_map_get_by_id(map_id), ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, atomic_read(&kbpf_live_objects), live);
}

static struct kunit_case kbpf_object_cases[] = {
	KUNIT_CASE(map_create_publishes_id),
	KUNIT_CASE(map_last_put_hides_id_at_once),
	KUNIT_CASE(map_create_rejects_bad_attr),
	KUNIT_CASE(file_flags_follow_map_flags),
	KUNIT_CASE(prog_keeps_its_maps_alive),
	{}
};

static struct kunit_suite kbpf_object_suite = {
	.name = "kbpf_object",
	.test_cases = kbpf_object_cases,
};

kunit_test_suites(&kbpf_object_suite);
