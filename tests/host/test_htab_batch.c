// SPDX-License-Identifier: GPL-2.0
/*
 * The hash maps' bucket-wise batch op (kbpf_htab_batch_bucket, behind
 * BPF_MAP_LOOKUP_BATCH and LOOKUP_AND_DELETE_BATCH): every element comes
 * out exactly once over a walk of the buckets, a bucket larger than the
 * room copies and deletes nothing, deleting empties the map (and gives
 * preallocated and LRU elements back for reuse), per-CPU values come out
 * as the syscall lays them out.
 */
#include "maptest.h"
#include "../../maps/htab.h"

#define NKEYS	200

static const struct {
	u32 type, flags;
} batch_types[] = {
	{ BPF_MAP_TYPE_HASH, 0 },
	{ BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC },
	{ BPF_MAP_TYPE_PERCPU_HASH, 0 },
	{ BPF_MAP_TYPE_LRU_HASH, 0 },
	{ BPF_MAP_TYPE_LRU_PERCPU_HASH, 0 },
};

static u64 batch_val(u64 key, int cpu)
{
	return key * 131 + (u64)cpu;
}

static struct kbpf_map *batch_map(u32 type, u32 flags, u32 max)
{
	struct kbpf_map *map = tmap_create(type, 8, 8, max, flags);
	u32 vsize;
	u64 *v;
	u64 k;
	int c;

	if (IS_ERR(map))
		return map;
	vsize = kbpf_map_value_size(map);
	v = calloc(1, vsize);
	for (k = 0; k < NKEYS; k++) {
		for (c = 0; c < (int)(vsize / 8); c++)
			v[c] = batch_val(k, c);
		if (tmap_update_sys(map, &k, v, BPF_ANY)) {
			free(v);
			tmap_destroy(map);
			return ERR_PTR(-EIO);
		}
	}
	free(v);
	return map;
}

static int batch_bucket(struct kbpf_map *map, u32 bucket, void *keys,
			void *values, void **scratch, u32 room, bool del)
{
	int n;

	rcu_read_lock();
	n = map->ops->map_batch_bucket(map, bucket, keys, values, scratch,
				       room, del);
	rcu_read_unlock();
	return n;
}

/* Walk every bucket with room for room elements; check what comes out. */
static void batch_walk(u32 type, u32 flags, u32 room, bool del)
{
	struct kbpf_map *map = batch_map(type, flags, 4 * NKEYS);
	u64 keys[NKEYS], *values, k;
	void *scratch[NKEYS];
	char seen[NKEYS] = {};
	u32 bucket, total = 0, skipped = 0, nv, i;
	int n, c;

	ASSERT_TRUE(!IS_ERR(map));
	nv = kbpf_map_value_size(map) / 8;
	values = calloc(NKEYS, nv * 8);
	for (bucket = 0;; bucket++) {
		n = batch_bucket(map, bucket, keys, values, scratch, room, del);
		if (n == -ENOENT)
			break;
		ASSERT_TRUE(n >= 0);
		if ((u32)n > room) {
			/* Nothing copied, nothing deleted: a key is still there. */
			skipped += n;
			continue;
		}
		for (i = 0; i < (u32)n; i++) {
			k = keys[i];
			ASSERT_TRUE(k < NKEYS && !seen[k]);
			seen[k] = 1;
			for (c = 0; c < (int)nv; c++)
				EXPECT_EQ(values[i * nv + c], batch_val(k, c));
		}
		total += n;
	}
	EXPECT_EQ(bucket, roundup_pow_of_two(4 * NKEYS));
	EXPECT_EQ(total + skipped, NKEYS);
	if (room >= NKEYS)
		EXPECT_EQ(skipped, 0);
	if (room == 1)
		EXPECT_TRUE(skipped > 0);	/* 200 keys, some bucket has two */
	/* Deleted ones are gone, skipped ones are all still there. */
	for (k = 0; k < NKEYS; k++)
		EXPECT_EQ(tmap_lookup_sys(map, &k, values) == 0,
			  !del || !seen[k]);
	if (del && room >= NKEYS) {
		EXPECT_EQ(tmap_count_u64(map, NKEYS + 1), 0);
		/* The elements are back: the map fills up again. */
		for (k = 0; k < 4 * NKEYS; k++)
			EXPECT_EQ(tmap_update_sys(map, &k, values, BPF_NOEXIST), 0);
	}
	free(values);
	tmap_destroy(map);
}

TEST(htab_batch_lookup_all)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(batch_types); i++)
		batch_walk(batch_types[i].type, batch_types[i].flags, NKEYS,
			   false);
}

TEST(htab_batch_lookup_room_one)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(batch_types); i++)
		batch_walk(batch_types[i].type, batch_types[i].flags, 1, false);
}

TEST(htab_batch_delete_all)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(batch_types); i++)
		batch_walk(batch_types[i].type, batch_types[i].flags, NKEYS,
			   true);
}

TEST(htab_batch_delete_room_one)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(batch_types); i++)
		batch_walk(batch_types[i].type, batch_types[i].flags, 1, true);
}

TEST(batch_cmds_per_type)
{
	u32 all = KBPF_BATCH_LOOKUP | KBPF_BATCH_LOOKUP_AND_DELETE |
		  KBPF_BATCH_UPDATE | KBPF_BATCH_DELETE;

	EXPECT_EQ(kbpf_htab_map_ops.map_batch_cmds, all);
	EXPECT_EQ(kbpf_htab_percpu_map_ops.map_batch_cmds, all);
	EXPECT_EQ(kbpf_htab_lru_map_ops.map_batch_cmds, all);
	EXPECT_EQ(kbpf_htab_lru_percpu_map_ops.map_batch_cmds, all);
	/* Linux 6.1's arrays: lookup and update batches only. */
	EXPECT_EQ(kbpf_array_map_ops.map_batch_cmds,
		  KBPF_BATCH_LOOKUP | KBPF_BATCH_UPDATE);
	EXPECT_EQ(kbpf_percpu_array_map_ops.map_batch_cmds,
		  KBPF_BATCH_LOOKUP | KBPF_BATCH_UPDATE);
	EXPECT_NULL(kbpf_array_map_ops.map_batch_bucket);
	/* And its LPM tries: no lookup-and-delete. */
	EXPECT_EQ(kbpf_lpm_trie_map_ops.map_batch_cmds,
		  KBPF_BATCH_LOOKUP | KBPF_BATCH_UPDATE | KBPF_BATCH_DELETE);
}
