// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY (maps/array.c) and the shared map code (maps/core.c),
 * driven through kbpf_map_type_ops() the way kmod/ and syscall/ drive them.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>

#include "ktest.h"

static const struct kbpf_map_ops *array_ops(void)
{
	return kbpf_map_type_ops(BPF_MAP_TYPE_ARRAY);
}

static union bpf_attr array_attr(u32 value_size, u32 max_entries, u32 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = flags;
	return attr;
}

static int array_check(union bpf_attr attr)
{
	return array_ops()->map_alloc_check(&attr);
}

/* BPF_MAP_CREATE's order: check, then alloc; ERR_PTR on failure. */
static struct kbpf_map *array_create(u32 value_size, u32 max_entries)
{
	union bpf_attr attr = array_attr(value_size, max_entries, 0);
	const struct kbpf_map_ops *ops = array_ops();
	struct kbpf_map *map;
	int err;

	err = ops->map_alloc_check(&attr);
	if (err)
		return ERR_PTR(err);
	map = ops->map_alloc(&attr);
	if (!IS_ERR(map))
		map->ops = ops;
	return map;
}

static void array_destroy(struct kbpf_map *map)
{
	map->ops->map_free(map);
}

static void *lookup(struct kbpf_map *map, u32 key)
{
	return map->ops->map_lookup_elem(map, &key);
}

static long update(struct kbpf_map *map, u32 key, const void *value, u64 flags)
{
	return map->ops->map_update_elem(map, &key, (void *)value, flags);
}

TEST(array_type_ops)
{
	EXPECT_EQ(kbpf_map_type_ops(BPF_MAP_TYPE_ARRAY), &kbpf_array_map_ops);
	EXPECT_NULL(kbpf_map_type_ops(BPF_MAP_TYPE_UNSPEC));
	EXPECT_NULL(kbpf_map_type_ops(BPF_MAP_TYPE_STRUCT_OPS));
	EXPECT_NULL(kbpf_map_type_ops(1000));
	EXPECT_NULL(kbpf_map_type_ops(U32_MAX));
}

TEST(array_alloc_check_rejects)
{
	union bpf_attr attr;

	attr = array_attr(8, 1, 0);
	attr.key_size = 0;
	EXPECT_EQ(array_check(attr), -EINVAL);
	attr.key_size = 8;
	EXPECT_EQ(array_check(attr), -EINVAL);
	attr.key_size = 3;
	EXPECT_EQ(array_check(attr), -EINVAL);

	EXPECT_EQ(array_check(array_attr(0, 1, 0)), -EINVAL);
	EXPECT_EQ(array_check(array_attr(8, 0, 0)), -EINVAL);
	EXPECT_EQ(array_check(array_attr(8, 1, BPF_F_NO_PREALLOC)), -EINVAL);
	/* Plain arrays may be mmap-able (per-CPU ones not: tests/guest/map_mmap.c). */
	EXPECT_EQ(array_check(array_attr(8, 1, BPF_F_MMAPABLE)), 0);
	EXPECT_EQ(array_check(array_attr(8, 1, 1U << 31)), -EINVAL);
	EXPECT_EQ(array_check(array_attr(8, 1, BPF_F_RDONLY_PROG |
					       BPF_F_WRONLY_PROG)), -EINVAL);
	/* round_up(value_size, 8) must fit: more than INT_MAX is too big. */
	EXPECT_EQ(array_check(array_attr((u32)INT_MAX + 1, 1, 0)), -E2BIG);
	EXPECT_EQ(array_check(array_attr(U32_MAX, 1, 0)), -E2BIG);
	/* An invalid attr is EINVAL even when the value is also too big. */
	EXPECT_EQ(array_check(array_attr(U32_MAX, 0, 0)), -EINVAL);
}

TEST(array_alloc_check_accepts)
{
	static const u32 ok_flags[] = {
		0, BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_WRONLY,
		BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG, BPF_F_INNER_MAP,
		BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_RDONLY_PROG,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok_flags); i++)
		EXPECT_EQ(array_check(array_attr(8, 1, ok_flags[i])), 0);
	EXPECT_EQ(array_check(array_attr(1, U32_MAX, 0)), 0);
	EXPECT_EQ(array_check(array_attr(INT_MAX, 1, 0)), 0);
}

TEST(array_alloc_fields)
{
	union bpf_attr attr = array_attr(12, 10, BPF_F_RDONLY_PROG);
	struct kbpf_map *map;

	attr.numa_node = 3;	/* ignored without BPF_F_NUMA_NODE */
	attr.map_extra = 0x1234;
	map = array_ops()->map_alloc(&attr);
	ASSERT_TRUE(!IS_ERR_OR_NULL(map));
	EXPECT_EQ(map->map_type, BPF_MAP_TYPE_ARRAY);
	EXPECT_EQ(map->key_size, 4);
	EXPECT_EQ(map->value_size, 12);
	EXPECT_EQ(map->max_entries, 10);
	EXPECT_EQ(map->map_flags, BPF_F_RDONLY_PROG);
	EXPECT_EQ(map->map_extra, 0x1234);
	EXPECT_EQ(map->numa_node, NUMA_NO_NODE);
	EXPECT_EQ(kbpf_map_value_size(map), 12);
	array_ops()->map_free(map);

	attr = array_attr(8, 2, BPF_F_NUMA_NODE);
	attr.numa_node = 0;
	map = array_ops()->map_alloc(&attr);
	ASSERT_TRUE(!IS_ERR_OR_NULL(map));
	EXPECT_EQ(map->numa_node, 0);
	EXPECT_EQ(map->map_flags, BPF_F_NUMA_NODE);
	array_ops()->map_free(map);
}

TEST(array_init_from_attr)
{
	union bpf_attr attr = array_attr(40, 7, BPF_F_WRONLY | BPF_F_NUMA_NODE);
	struct kbpf_map map;

	memset(&map, 0xa5, sizeof(map));
	attr.numa_node = 0;
	attr.map_extra = U64_MAX;
	kbpf_map_init_from_attr(&map, &attr);
	EXPECT_EQ(map.map_type, BPF_MAP_TYPE_ARRAY);
	EXPECT_EQ(map.key_size, 4);
	EXPECT_EQ(map.value_size, 40);
	EXPECT_EQ(map.max_entries, 7);
	EXPECT_EQ(map.map_flags, BPF_F_WRONLY | BPF_F_NUMA_NODE);
	EXPECT_EQ(map.map_extra, U64_MAX);
	EXPECT_EQ(map.numa_node, 0);
}

TEST(array_values_start_zeroed)
{
	struct kbpf_map *map = array_create(13, 100);
	u32 i;

	ASSERT_TRUE(!IS_ERR(map));
	for (i = 0; i < 100; i++) {
		u8 *v = lookup(map, i);

		EXPECT_NONNULL(v);
		if (v)
			EXPECT_NULL(memchr_inv(v, 0, 13));
	}
	array_destroy(map);
}

TEST(array_lookup)
{
	struct kbpf_map *map = array_create(13, 4);
	u32 i;

	ASSERT_TRUE(!IS_ERR(map));
	for (i = 0; i < 4; i++) {
		char *v = lookup(map, i);

		ASSERT_NONNULL(v);
		/* Programs may load u64s from a value: 8-byte aligned. */
		EXPECT_EQ((uintptr_t)v % 8, 0);
		EXPECT_EQ(lookup(map, i), v);	/* stable */
		if (i)
			EXPECT_TRUE(v >= (char *)lookup(map, i - 1) + 13);
	}
	EXPECT_NULL(lookup(map, 4));
	EXPECT_NULL(lookup(map, 5));
	EXPECT_NULL(lookup(map, S32_MAX));
	EXPECT_NULL(lookup(map, U32_MAX));
	array_destroy(map);
}

TEST(array_update)
{
	struct kbpf_map *map = array_create(8, 3);
	u64 one = 0x1111111111111111ULL, two = 0x2222222222222222ULL;
	u64 *v;

	ASSERT_TRUE(!IS_ERR(map));
	EXPECT_EQ(update(map, 1, &one, BPF_ANY), 0);
	v = lookup(map, 1);
	ASSERT_NONNULL(v);
	EXPECT_EQ(*v, one);
	EXPECT_EQ(update(map, 1, &two, BPF_EXIST), 0);
	EXPECT_EQ(*v, two);
	/* Every element exists, so NOEXIST always fails, leaving it alone. */
	EXPECT_EQ(update(map, 1, &one, BPF_NOEXIST), -EEXIST);
	EXPECT_EQ(update(map, 0, &one, BPF_NOEXIST), -EEXIST);
	EXPECT_EQ(*v, two);
	EXPECT_EQ(*(u64 *)lookup(map, 0), 0);

	/* Unknown flags first, then the index, then NOEXIST. */
	EXPECT_EQ(update(map, 1, &one, BPF_EXIST + 1), -EINVAL);
	EXPECT_EQ(update(map, 1, &one, 1ULL << 32), -EINVAL);
	EXPECT_EQ(update(map, 1, &one, U64_MAX), -EINVAL);
	EXPECT_EQ(update(map, 3, &one, BPF_EXIST + 1), -EINVAL);
	EXPECT_EQ(*v, two);
	EXPECT_EQ(update(map, 3, &one, BPF_ANY), -E2BIG);
	EXPECT_EQ(update(map, U32_MAX, &one, BPF_EXIST), -E2BIG);
	EXPECT_EQ(update(map, 3, &one, BPF_NOEXIST), -E2BIG);
	array_destroy(map);
}

TEST(array_delete_is_einval)
{
	struct kbpf_map *map = array_create(4, 2);
	u32 key;

	ASSERT_TRUE(!IS_ERR(map));
	for (key = 0; key < 3; key++)
		EXPECT_EQ(map->ops->map_delete_elem(map, &key), -EINVAL);
	key = U32_MAX;
	EXPECT_EQ(map->ops->map_delete_elem(map, &key), -EINVAL);
	array_destroy(map);
}

static int next_key(struct kbpf_map *map, const u32 *key, u32 *next)
{
	return map->ops->map_get_next_key(map, (void *)key, next);
}

TEST(array_get_next_key)
{
	struct kbpf_map *map = array_create(4, 5);
	u32 key, next, seen = 0;
	int err;

	ASSERT_TRUE(!IS_ERR(map));
	next = 77;
	EXPECT_EQ(next_key(map, NULL, &next), 0);
	EXPECT_EQ(next, 0);
	key = 0;
	EXPECT_EQ(next_key(map, &key, &next), 0);
	EXPECT_EQ(next, 1);
	key = 3;
	EXPECT_EQ(next_key(map, &key, &next), 0);
	EXPECT_EQ(next, 4);
	/* Past the last key: ENOENT, next untouched. */
	key = 4;
	next = 77;
	EXPECT_EQ(next_key(map, &key, &next), -ENOENT);
	EXPECT_EQ(next, 77);
	/* A key out of range restarts from the first. */
	key = 5;
	EXPECT_EQ(next_key(map, &key, &next), 0);
	EXPECT_EQ(next, 0);
	key = U32_MAX;
	next = 77;
	EXPECT_EQ(next_key(map, &key, &next), 0);
	EXPECT_EQ(next, 0);

	/* A full walk visits every key once, in order. */
	for (err = next_key(map, NULL, &key); !err;
	     err = next_key(map, &key, &key)) {
		EXPECT_EQ(key, seen);
		seen++;
		if (seen > 5)
			break;
	}
	EXPECT_EQ(err, -ENOENT);
	EXPECT_EQ(seen, 5);
	array_destroy(map);

	map = array_create(4, 1);
	ASSERT_TRUE(!IS_ERR(map));
	EXPECT_EQ(next_key(map, NULL, &next), 0);
	EXPECT_EQ(next, 0);
	key = 0;
	EXPECT_EQ(next_key(map, &key, &next), -ENOENT);
	array_destroy(map);
}

/*
 * Values whose size is not a multiple of 8 sit in 8-byte slots: an update
 * must copy exactly value_size bytes and leave every neighbour as it was.
 * The source buffer is exactly value_size bytes, so ASan catches an update
 * that reads more.
 */
static void neighbours_intact(u32 value_size)
{
	enum { N = 5 };
	static const u32 order[] = { 2, 1, 3, 0, 4, 2, 0 };
	struct kbpf_map *map = array_create(value_size, N);
	u8 *model = calloc(N, value_size);
	u8 *src = malloc(value_size);
	unsigned int step, i;

	ASSERT_TRUE(!IS_ERR(map));
	ASSERT_TRUE(model && src);
	for (step = 0; step < ARRAY_SIZE(order); step++) {
		u32 idx = order[step];

		for (i = 0; i < value_size; i++)
			src[i] = (u8)(0x11 * (step + 1) + i);
		EXPECT_EQ(update(map, idx, src, BPF_ANY), 0);
		memcpy(model + (size_t)idx * value_size, src, value_size);
		for (i = 0; i < N; i++) {
			const u8 *v = lookup(map, i);

			ASSERT_NONNULL(v);
			if (!EXPECT_MEM_EQ(v, model + (size_t)i * value_size,
					   value_size))
				fprintf(stderr, "  value_size %u, step %u, elem %u\n",
					value_size, step, i);
		}
	}
	free(src);
	free(model);
	array_destroy(map);
}

TEST(array_odd_value_sizes_keep_neighbours)
{
	static const u32 sizes[] = { 1, 3, 5, 7, 8, 9, 13, 15, 17, 4095 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		neighbours_intact(sizes[i]);
}

/* Sizes the allocator must refuse: ENOMEM, never a crash or a WARN. */
TEST(array_huge_sizes_enomem)
{
	static const struct { u32 value_size, max_entries; } huge[] = {
		{ 8, U32_MAX },			/* 32 GiB */
		{ INT_MAX, 1 },			/* one 2 GiB slot */
		{ INT_MAX, U32_MAX },		/* ~2^63 bytes */
		{ 4096, 1U << 20 },		/* 4 GiB, >= U32_MAX - PAGE_SIZE */
		{ 1, (1U << 28) },		/* 2 GiB of 8-byte slots > INT_MAX */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(huge); i++) {
		struct kbpf_map *map = array_create(huge[i].value_size,
						    huge[i].max_entries);

		if (!EXPECT_EQ(PTR_ERR(map), -ENOMEM))
			fprintf(stderr, "  value_size %u max_entries %u\n",
				huge[i].value_size, huge[i].max_entries);
		if (!IS_ERR(map))
			array_destroy(map);
	}
}

TEST(map_area_alloc_limits)
{
	void *area;

	EXPECT_NULL(kbpf_map_area_alloc(U64_MAX, NUMA_NO_NODE));
	EXPECT_NULL(kbpf_map_area_alloc(1ULL << 32, NUMA_NO_NODE));
	EXPECT_NULL(kbpf_map_area_alloc(U32_MAX - PAGE_SIZE, NUMA_NO_NODE));
	EXPECT_NULL(kbpf_map_area_alloc((u64)INT_MAX + 1, NUMA_NO_NODE));

	area = kbpf_map_area_alloc(5 * PAGE_SIZE + 3, 0);
	ASSERT_NONNULL(area);
	EXPECT_NULL(memchr_inv(area, 0, 5 * PAGE_SIZE + 3));
	kbpf_map_area_free(area);
	kbpf_map_area_free(NULL);
}

TEST(map_memory_footprint)
{
	struct kbpf_map *map;
	struct kbpf_map fake;

	map = array_create(4, 1);		/* 4 + 4 = 8 per entry */
	ASSERT_TRUE(!IS_ERR(map));
	EXPECT_EQ(kbpf_map_memory_footprint(map), PAGE_SIZE);
	array_destroy(map);

	map = array_create(9, 1000);		/* 4 + 9 -> 16 per entry */
	ASSERT_TRUE(!IS_ERR(map));
	EXPECT_EQ(kbpf_map_memory_footprint(map), round_up(16000, PAGE_SIZE));
	array_destroy(map);

	map = array_create(4092, 2);		/* exactly two pages */
	ASSERT_TRUE(!IS_ERR(map));
	EXPECT_EQ(kbpf_map_memory_footprint(map), 2 * PAGE_SIZE);
	array_destroy(map);

	/*
	 * The largest attr an array accepts, though no allocation could back
	 * it, still has an exact footprint (~2^63: no u64 overflow).
	 */
	memset(&fake, 0, sizeof(fake));
	fake.key_size = 4;
	fake.value_size = INT_MAX;
	fake.max_entries = U32_MAX;
	EXPECT_EQ(kbpf_map_memory_footprint(&fake),
		  round_up((u64)U32_MAX * ((1ULL << 31) + 8), PAGE_SIZE));
	EXPECT_EQ(kbpf_map_memory_footprint(&fake), 0x8000000780000000ULL);
}

/*
 * Concurrency: 4 writers each own a disjoint quarter of the first
 * CONC_WRITTEN indices and rewrite them with numbered values while 2
 * readers look every index up under rcu_read_lock().
 *
 * Array updates are a plain memcpy, in Linux too: without BPF_F_LOCK a
 * reader may see a value half old, half new. What the map does promise is
 * that each aligned 8-byte word holds something that was written, so each
 * word is checksummed on its own: (seq << 32) | hash(index, seq, word).
 * Readers accept a word if it is zero or a valid word of that index, and
 * also check that no word goes back to an older seq (coherence).
 */
#define CONC_ENTRIES	70	/* the last 6 are never written */
#define CONC_WRITTEN	64
#define CONC_WORDS	3
#define CONC_WRITERS	4
#define CONC_READERS	2

static struct kbpf_map *conc_map;
static int conc_writers_done;

static u32 conc_rounds(u32 idx)
{
	return 300 + 7 * idx;	/* a different final seq per index */
}

static u64 conc_word(u32 idx, u32 seq, u32 w)
{
	u32 h = idx * 2654435761U ^ seq * 40503U ^ (w + 1) * 0x9e3779b9U;

	h ^= h >> 15;
	return (u64)seq << 32 | h;
}

static void conc_value(u32 idx, u32 seq, u64 *value)
{
	u32 w;

	for (w = 0; w < CONC_WORDS; w++)
		value[w] = conc_word(idx, seq, w);
}

static void *conc_writer(void *arg)
{
	u32 t = (u32)(long)arg, max_rounds = conc_rounds(CONC_WRITTEN - 1);
	u64 value[CONC_WORDS];
	u32 seq, idx;

	kbpf_shim_thread_init(1 + t);
	for (seq = 1; seq <= max_rounds; seq++) {
		for (idx = t; idx < CONC_WRITTEN; idx += CONC_WRITERS) {
			if (seq > conc_rounds(idx))
				continue;
			conc_value(idx, seq, value);
			EXPECT_EQ(update(conc_map, idx, value,
					 seq & 1 ? BPF_ANY : BPF_EXIST), 0);
			/* Nobody else writes idx: it reads back whole. */
			rcu_read_lock();
			EXPECT_MEM_EQ(lookup(conc_map, idx), value, sizeof(value));
			rcu_read_unlock();
		}
	}
	kbpf_shim_thread_exit();
	return NULL;
}

static bool conc_word_ok(u32 idx, u32 w, u64 word, u32 *last_seq)
{
	u32 seq = word >> 32;

	if (word == 0)
		return *last_seq == 0;
	if (idx >= CONC_WRITTEN || seq == 0 || seq > conc_rounds(idx) ||
	    word != conc_word(idx, seq, w) || seq < *last_seq)
		return false;
	*last_seq = seq;
	return true;
}

static void *conc_reader(void *arg)
{
	u32 last_seq[CONC_ENTRIES][CONC_WORDS] = { { 0 } };
	unsigned long words = 0, bad = 0;
	bool done;
	u32 idx, w;

	kbpf_shim_thread_init(1 + CONC_WRITERS + (int)(long)arg);
	do {
		/* Read the flag first: the pass after it sees final values. */
		done = __atomic_load_n(&conc_writers_done, __ATOMIC_ACQUIRE);
		for (idx = 0; idx < CONC_ENTRIES; idx++) {
			const u64 *v;

			rcu_read_lock();
			v = lookup(conc_map, idx);
			if (!EXPECT_NONNULL(v)) {
				rcu_read_unlock();
				continue;
			}
			for (w = 0; w < CONC_WORDS; w++, words++) {
				u64 word = READ_ONCE(v[w]);

				if (!conc_word_ok(idx, w, word, &last_seq[idx][w]) &&
				    bad++ < 5)
					EXPECT_EQ(word, conc_word(idx, last_seq[idx][w], w));
			}
			rcu_read_unlock();
		}
		EXPECT_NULL(lookup(conc_map, CONC_ENTRIES));
	} while (!done);
	EXPECT_EQ(bad, 0);
	EXPECT_TRUE(words >= CONC_ENTRIES * CONC_WORDS);
	/* The last pass ran after the writers: it saw every final seq. */
	for (idx = 0; idx < CONC_WRITTEN; idx++)
		EXPECT_EQ(last_seq[idx][0], conc_rounds(idx));
	kbpf_shim_thread_exit();
	return NULL;
}

TEST(array_concurrent_writers_readers)
{
	pthread_t writers[CONC_WRITERS], readers[CONC_READERS];
	u64 model[CONC_ENTRIES][CONC_WORDS];
	long i;
	u32 idx;

	conc_map = array_create(CONC_WORDS * sizeof(u64), CONC_ENTRIES);
	ASSERT_TRUE(!IS_ERR(conc_map));
	conc_writers_done = 0;
	for (i = 0; i < CONC_READERS; i++)
		BUG_ON(pthread_create(&readers[i], NULL, conc_reader, (void *)i));
	for (i = 0; i < CONC_WRITERS; i++)
		BUG_ON(pthread_create(&writers[i], NULL, conc_writer, (void *)i));
	for (i = 0; i < CONC_WRITERS; i++)
		pthread_join(writers[i], NULL);
	__atomic_store_n(&conc_writers_done, 1, __ATOMIC_RELEASE);
	for (i = 0; i < CONC_READERS; i++)
		pthread_join(readers[i], NULL);

	/* The model: each written index holds its last seq, the rest zero. */
	memset(model, 0, sizeof(model));
	for (idx = 0; idx < CONC_WRITTEN; idx++)
		conc_value(idx, conc_rounds(idx), model[idx]);
	for (idx = 0; idx < CONC_ENTRIES; idx++) {
		const u64 *v = lookup(conc_map, idx);

		ASSERT_NONNULL(v);
		EXPECT_MEM_EQ(v, model[idx], sizeof(model[idx]));
	}
	array_destroy(conc_map);
	conc_map = NULL;
}
