// SPDX-License-Identifier: GPL-2.0
/*
 * The map helpers (helpers/map.c) called as a program calls them: through
 * the proto's function with kbpf's helper ABI (five u64 arguments), on
 * real maps from maps/, under RCU, checked against a model of the map.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>
#include <kbpf/map.h>

#include "../../helpers/protos.h"
#include "maptest.h"

#define U(p)	((u64)(unsigned long)(p))

static u64 call(const struct kbpf_func_proto *proto, u64 r1, u64 r2, u64 r3,
		u64 r4)
{
	u64 ret;

	rcu_read_lock();
	ret = proto->func(r1, r2, r3, r4, 0);
	rcu_read_unlock();
	return ret;
}

static void *h_lookup(struct kbpf_map *map, u32 key)
{
	return (void *)(unsigned long)call(&kbpf_map_lookup_elem_proto,
					   U(map), U(&key), 0, 0);
}

static long h_update(struct kbpf_map *map, u32 key, u64 value, u64 flags)
{
	return (long)call(&kbpf_map_update_elem_proto, U(map), U(&key),
			  U(&value), flags);
}

static long h_delete(struct kbpf_map *map, u32 key)
{
	return (long)call(&kbpf_map_delete_elem_proto, U(map), U(&key), 0, 0);
}

struct model_elem {
	bool present;
	u64 value;
};

static u32 count(const struct model_elem *model, u32 n)
{
	u32 i, c = 0;

	for (i = 0; i < n; i++)
		c += model[i].present;
	return c;
}

/* Random operations through the helpers against an array of (present, value). */
static void model_run(u32 type, u32 max_entries, bool deletable)
{
	struct kbpf_map *map = tmap_create(type, 4, 8, max_entries, 0);
	struct model_elem model[64] = {};
	struct trng rng = { 0x4b425046 + type };
	u32 i, key, keyspace = max_entries + 4;
	u64 *v;

	ASSERT_TRUE(!IS_ERR(map));
	ASSERT_TRUE(keyspace <= ARRAY_SIZE(model));
	if (!deletable)		/* array: every index exists, zeroed */
		for (i = 0; i < max_entries; i++)
			model[i].present = true;
	for (i = 0; i < 4000; i++) {
		u64 value = trng_next(&rng);
		u32 op = trng_next(&rng) % 4;
		u64 flags = trng_next(&rng) % 3;	/* ANY, NOEXIST, EXIST */
		long want, got;

		key = trng_next(&rng) % keyspace;
		switch (op) {
		case 0:
		case 1:
			got = h_update(map, key, value, flags);
			if (key >= max_entries && !deletable)
				want = -E2BIG;
			else if (flags == BPF_NOEXIST && model[key].present)
				want = -EEXIST;
			else if (flags == BPF_EXIST && !model[key].present)
				want = -ENOENT;
			else if (!model[key].present && deletable &&
				 count(model, keyspace) >= max_entries)
				want = -E2BIG;
			else
				want = 0;
			EXPECT_EQ(got, want);
			if (!got) {
				model[key].present = true;
				model[key].value = value;
			}
			break;
		case 2:
			got = h_delete(map, key);
			want = !deletable ? -EINVAL :
			       model[key].present ? 0 : -ENOENT;
			EXPECT_EQ(got, want);
			if (!got)
				model[key].present = false;
			break;
		default:
			v = h_lookup(map, key);
			EXPECT_EQ(v != NULL, model[key].present);
			if (v && model[key].present)
				EXPECT_EQ(*v, model[key].value);
		}
	}
	tmap_destroy(map);
}

TEST(helper_map_array_model)
{
	model_run(BPF_MAP_TYPE_ARRAY, 16, false);
}

TEST(helper_map_hash_model)
{
	model_run(BPF_MAP_TYPE_HASH, 16, true);
}

TEST(helper_map_lookup_returns_value_in_place)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0);
	u64 *v;

	ASSERT_TRUE(!IS_ERR(map));
	EXPECT_NULL(h_lookup(map, 7));
	EXPECT_EQ(h_update(map, 7, 41, BPF_ANY), 0);
	v = h_lookup(map, 7);
	ASSERT_NONNULL(v);
	/* A program's store through the pointer is the map's value. */
	*v = 42;
	v = h_lookup(map, 7);
	ASSERT_NONNULL(v);
	EXPECT_EQ(*v, 42);
	/* Bad flags reach the map's own check: Linux's -EINVAL. */
	EXPECT_EQ(h_update(map, 7, 1, 4), -EINVAL);
	tmap_destroy(map);
}

TEST(helper_map_push_pop_peek_without_op)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	u64 value = 5;

	ASSERT_TRUE(!IS_ERR(map));
	/* Maps without QUEUE/STACK ops refuse instead of calling NULL. */
	if (!map->ops->map_push_elem)
		EXPECT_EQ((long)call(&kbpf_map_push_elem_proto, U(map),
				     U(&value), 0, 0), -EOPNOTSUPP);
	if (!map->ops->map_pop_elem)
		EXPECT_EQ((long)call(&kbpf_map_pop_elem_proto, U(map),
				     U(&value), 0, 0), -EOPNOTSUPP);
	if (!map->ops->map_peek_elem)
		EXPECT_EQ((long)call(&kbpf_map_peek_elem_proto, U(map),
				     U(&value), 0, 0), -EOPNOTSUPP);
	EXPECT_EQ(value, 5);
	tmap_destroy(map);
}

/* push/pop/peek reach the map's ops with the program's arguments. */
static u64 fake_last_flags;
static void *fake_last_value;

static long fake_push(struct kbpf_map *map, void *value, u64 flags)
{
	fake_last_value = value;
	fake_last_flags = flags;
	return -E2BIG;
}

static long fake_pop(struct kbpf_map *map, void *value)
{
	*(u64 *)value = 0x1234;
	return 0;
}

static long fake_peek(struct kbpf_map *map, void *value)
{
	return -ENOENT;
}

TEST(helper_map_push_pop_peek_call_ops)
{
	struct kbpf_map_ops ops = {
		.map_push_elem = fake_push,
		.map_pop_elem = fake_pop,
		.map_peek_elem = fake_peek,
	};
	struct kbpf_map map = { .ops = &ops };
	u64 value = 0;

	EXPECT_EQ((long)call(&kbpf_map_push_elem_proto, U(&map), U(&value),
			     BPF_EXIST, 0), -E2BIG);
	EXPECT_EQ(fake_last_value, &value);
	EXPECT_EQ(fake_last_flags, BPF_EXIST);
	EXPECT_EQ(call(&kbpf_map_pop_elem_proto, U(&map), U(&value), 0, 0), 0);
	EXPECT_EQ(value, 0x1234);
	EXPECT_EQ((long)call(&kbpf_map_peek_elem_proto, U(&map), U(&value),
			     0, 0), -ENOENT);
}
