// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_HASH (maps/hash.c), preallocated and not: creation checks in
 * Linux's order, every element op and flag, get_next_key, a full map, the
 * hash function's spread, a long random run against a model, and threads
 * updating, deleting, looking up and iterating at once.
 *
 * Linux's tools/testing/selftests/bpf/test_maps.c (test_hashmap*) describes
 * the behaviour; these are kbpf's own tests of the same cases.
 */
#include <sched.h>

#include "maptest.h"
#include "../../maps/htab.h"

#define NO_PREALLOC	BPF_F_NO_PREALLOC

static const u32 hash_flavours[] = { 0, NO_PREALLOC };

TEST(hash_type_ops)
{
	EXPECT_EQ(kbpf_map_type_ops(BPF_MAP_TYPE_HASH), &kbpf_htab_map_ops);
	EXPECT_EQ(kbpf_map_type_ops(BPF_MAP_TYPE_PERCPU_HASH),
		  &kbpf_htab_percpu_map_ops);
	EXPECT_EQ(kbpf_map_type_ops(BPF_MAP_TYPE_LRU_HASH),
		  &kbpf_htab_lru_map_ops);
	EXPECT_EQ(kbpf_map_type_ops(BPF_MAP_TYPE_LRU_PERCPU_HASH),
		  &kbpf_htab_lru_percpu_map_ops);
	EXPECT_EQ(kbpf_map_type_ops(BPF_MAP_TYPE_PERCPU_ARRAY),
		  &kbpf_percpu_array_map_ops);
	/* Linux's element header size bounds ours: the E2BIG limit is Linux's. */
	EXPECT_TRUE(sizeof(struct htab_elem) <= 48);
	EXPECT_EQ(offsetof(struct htab_elem, key) % 8, 0);
}

TEST(hash_alloc_check_errors)
{
	/* Linux: key_size + value_size >= KMALLOC_MAX_SIZE - 48 is E2BIG. */
	const u32 kv_limit = KMALLOC_MAX_SIZE - 48;
	static const u32 types[] = {
		BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERCPU_HASH,
		BPF_MAP_TYPE_LRU_HASH, BPF_MAP_TYPE_LRU_PERCPU_HASH,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		u32 t = types[i];
		bool lru = t == BPF_MAP_TYPE_LRU_HASH ||
			   t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
		bool percpu = t == BPF_MAP_TYPE_PERCPU_HASH ||
			      t == BPF_MAP_TYPE_LRU_PERCPU_HASH;

		EXPECT_EQ(tmap_check(t, 8, 8, 1, 0), 0);
		EXPECT_EQ(tmap_check(t, 0, 8, 1, 0), -EINVAL);
		EXPECT_EQ(tmap_check(t, 8, 0, 1, 0), -EINVAL);
		EXPECT_EQ(tmap_check(t, 8, 8, 0, 0), -EINVAL);
		EXPECT_EQ(tmap_check(t, 8, 8, 1, 1U << 31), -EINVAL);
		EXPECT_EQ(tmap_check(t, 8, 8, 1, BPF_F_MMAPABLE), -EINVAL);
		EXPECT_EQ(tmap_check(t, 8, 8, 1, BPF_F_INNER_MAP), -EINVAL);
		EXPECT_EQ(tmap_check(t, 8, 8, 1, BPF_F_PRESERVE_ELEMS), -EINVAL);
		EXPECT_EQ(tmap_check(t, 8, 8, 1, BPF_F_RDONLY_PROG |
						 BPF_F_WRONLY_PROG), -EINVAL);
		EXPECT_EQ(tmap_check(t, 8, 8, 1, BPF_F_RDONLY_PROG), 0);
		EXPECT_EQ(tmap_check(t, 8, 8, 1, BPF_F_ZERO_SEED), 0);
		EXPECT_EQ(tmap_check(t, 8, 8, 1, BPF_F_NO_COMMON_LRU),
			  lru ? 0 : -EINVAL);
		/* LRU maps recycle preallocated elements: they need them. */
		EXPECT_EQ(tmap_check(t, 8, 8, 1, NO_PREALLOC),
			  lru ? -ENOTSUPP : 0);
		/* Per-CPU memory comes from every node. */
		EXPECT_EQ(tmap_check(t, 8, 8, 1, BPF_F_NUMA_NODE),
			  percpu ? -EINVAL : 0);
		if (lru)
			EXPECT_EQ(tmap_check(t, 8, 8, 1, BPF_F_NUMA_NODE |
							 BPF_F_NO_COMMON_LRU),
				  -EINVAL);
		/* Sizes: key + value must fit one kmalloc with a header. */
		EXPECT_EQ(tmap_check(t, 1, kv_limit - 1, 1, 0), -E2BIG);
		EXPECT_EQ(tmap_check(t, 1, kv_limit - 2, 1, 0),
			  percpu ? -E2BIG : 0);
		EXPECT_EQ(tmap_check(t, 8, kv_limit - 8, 1, 0), -E2BIG);
		EXPECT_EQ(tmap_check(t, kv_limit, 1, 1, 0), -E2BIG);
		EXPECT_EQ(tmap_check(t, kv_limit - 1, 1, 1, 0), -E2BIG);
		EXPECT_EQ(tmap_check(t, kv_limit - 2, 1, 1, 0), 0);
		EXPECT_EQ(tmap_check(t, U32_MAX, U32_MAX, 1, 0), -E2BIG);
		/* Per-CPU values: one per-CPU unit at most. */
		EXPECT_EQ(tmap_check(t, 4, PCPU_MIN_UNIT_SIZE, 1, 0), 0);
		EXPECT_EQ(tmap_check(t, 4, PCPU_MIN_UNIT_SIZE + 1, 1, 0),
			  percpu ? -E2BIG : 0);
		/* An invalid attr is EINVAL even when it is also too big. */
		EXPECT_EQ(tmap_check(t, U32_MAX, U32_MAX, 0, 0), -EINVAL);
	}
	/* Unknown flags before a bad size; ENOTSUPP before sizes too. */
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_HASH, 0, 0, 0, 1U << 20), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_LRU_HASH, 0, 0, 0, NO_PREALLOC),
		  -ENOTSUPP);
}

TEST(hash_alloc_check_capabilities)
{
	const u64 cap_bpf = 1ULL << CAP_BPF;

	/* LRU maps need CAP_BPF (or CAP_SYS_ADMIN); the zero seed CAP_SYS_ADMIN. */
	kbpf_shim_set_caps(cap_bpf);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_LRU_HASH, 8, 8, 1, 0), 0);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_HASH, 8, 8, 1, BPF_F_ZERO_SEED),
		  -EPERM);
	kbpf_shim_set_caps(1ULL << CAP_SYS_ADMIN);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_LRU_HASH, 8, 8, 1, BPF_F_ZERO_SEED),
		  0);
	kbpf_shim_set_caps(0);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_HASH, 8, 8, 1, 0), 0);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_PERCPU_HASH, 8, 8, 1, 0), 0);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_LRU_HASH, 8, 8, 1, 0), -EPERM);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_LRU_PERCPU_HASH, 8, 8, 1, 0),
		  -EPERM);
	/* Permission comes first, before any attr check. */
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_LRU_HASH, 0, 0, 0, 1U << 31), -EPERM);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_HASH, 0, 0, 0,
			     BPF_F_ZERO_SEED | (1U << 31)), -EPERM);
	kbpf_shim_set_caps(~0ULL);
}

TEST(hash_alloc_fields)
{
	union bpf_attr attr = tmap_attr(BPF_MAP_TYPE_HASH, 12, 20, 100,
					BPF_F_RDONLY_PROG);
	struct kbpf_htab *htab;
	struct kbpf_map *map;

	attr.map_extra = 0;
	map = tmap_create_attr(attr);
	ASSERT_TRUE(!IS_ERR(map));
	htab = to_htab(map);
	EXPECT_EQ(map->map_type, BPF_MAP_TYPE_HASH);
	EXPECT_EQ(map->key_size, 12);
	EXPECT_EQ(map->value_size, 20);
	EXPECT_EQ(map->max_entries, 100);
	EXPECT_EQ(map->map_flags, BPF_F_RDONLY_PROG);
	EXPECT_EQ(htab->n_buckets, 128);
	EXPECT_EQ(htab->elem_size, sizeof(struct htab_elem) + 16 + 24);
	EXPECT_NE(htab->hashrnd, 0);
	EXPECT_EQ(kbpf_map_value_size(map), 20);
	tmap_destroy(map);

	map = tmap_create(BPF_MAP_TYPE_HASH, 4, 4, 1, BPF_F_ZERO_SEED |
			  NO_PREALLOC);
	ASSERT_TRUE(!IS_ERR(map));
	EXPECT_EQ(to_htab(map)->hashrnd, 0);
	EXPECT_EQ(to_htab(map)->n_buckets, 1);
	tmap_destroy(map);
}

/* Sizes the table refuses before allocating, and sizes it cannot allocate. */
TEST(hash_alloc_limits)
{
	u32 max_buckets = U32_MAX / sizeof(struct htab_bucket);
	struct kbpf_map *map;

	/* More than 2^31 entries: the bucket count would not fit. */
	map = tmap_create(BPF_MAP_TYPE_HASH, 4, 4, (1U << 31) + 1, NO_PREALLOC);
	EXPECT_EQ(PTR_ERR(map), -E2BIG);
	tmap_destroy(IS_ERR(map) ? NULL : map);
	map = tmap_create(BPF_MAP_TYPE_HASH, 4, 4, U32_MAX, 0);
	EXPECT_EQ(PTR_ERR(map), -E2BIG);
	tmap_destroy(IS_ERR(map) ? NULL : map);
	/* A bucket array past U32_MAX bytes. */
	map = tmap_create(BPF_MAP_TYPE_HASH, 4, 4,
			  roundup_pow_of_two(max_buckets) + 1, NO_PREALLOC);
	EXPECT_EQ(PTR_ERR(map), -E2BIG);
	tmap_destroy(IS_ERR(map) ? NULL : map);
	/* Allowed by the checks, too big for the allocator: ENOMEM, no WARN. */
	map = tmap_create(BPF_MAP_TYPE_HASH, 4, 4, 1U << (fls(max_buckets) - 1),
			  NO_PREALLOC);
	EXPECT_EQ(PTR_ERR(map), -ENOMEM);
	tmap_destroy(IS_ERR(map) ? NULL : map);
	map = tmap_create(BPF_MAP_TYPE_HASH, 8, 1U << 20, 1U << 16, 0);
	EXPECT_EQ(PTR_ERR(map), -ENOMEM);
	tmap_destroy(IS_ERR(map) ? NULL : map);
}

static u64 val_of(u64 key, u64 gen)
{
	return key * 0x9e3779b97f4a7c15ULL ^ gen;
}

TEST(hash_update_flags)
{
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(hash_flavours); f++) {
		struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_HASH, 8, 8, 4,
						   hash_flavours[f]);
		u64 key = 7, v = 1, out = 0;

		ASSERT_TRUE(!IS_ERR(map));
		EXPECT_EQ(tmap_lookup_sys(map, &key, &out), -ENOENT);
		EXPECT_NULL(tmap_lookup(map, &key));
		/* EXIST needs the element, NOEXIST needs it absent. */
		EXPECT_EQ(tmap_update(map, &key, &v, BPF_EXIST), -ENOENT);
		EXPECT_EQ(tmap_update(map, &key, &v, BPF_NOEXIST), 0);
		EXPECT_EQ(tmap_update(map, &key, &v, BPF_NOEXIST), -EEXIST);
		EXPECT_EQ(tmap_lookup_sys(map, &key, &out), 0);
		EXPECT_EQ(out, 1);
		v = 2;
		EXPECT_EQ(tmap_update(map, &key, &v, BPF_EXIST), 0);
		EXPECT_EQ(*(u64 *)tmap_lookup(map, &key), 2);
		v = 3;
		EXPECT_EQ(tmap_update(map, &key, &v, BPF_ANY), 0);
		EXPECT_EQ(tmap_lookup_sys(map, &key, &out), 0);
		EXPECT_EQ(out, 3);

		/* Unknown flags and BPF_F_LOCK (no spin lock in the value). */
		v = 4;
		EXPECT_EQ(tmap_update(map, &key, &v, BPF_EXIST + 1), -EINVAL);
		EXPECT_EQ(tmap_update(map, &key, &v, BPF_F_LOCK), -EINVAL);
		EXPECT_EQ(tmap_update(map, &key, &v, BPF_F_LOCK | BPF_EXIST),
			  -EINVAL);
		EXPECT_EQ(tmap_update(map, &key, &v, 1ULL << 32), -EINVAL);
		EXPECT_EQ(tmap_update(map, &key, &v, U64_MAX), -EINVAL);
		EXPECT_EQ(tmap_lookup_sys(map, &key, &out), 0);
		EXPECT_EQ(out, 3);

		/* Delete, lookup-and-delete. */
		EXPECT_EQ(tmap_delete(map, &key), 0);
		EXPECT_EQ(tmap_delete(map, &key), -ENOENT);
		EXPECT_EQ(tmap_lookup_sys(map, &key, &out), -ENOENT);
		EXPECT_EQ(tmap_update(map, &key, &v, BPF_NOEXIST), 0);
		out = 0;
		EXPECT_EQ(tmap_lookup_and_delete(map, &key, &out, 0), 0);
		EXPECT_EQ(out, 4);
		EXPECT_EQ(tmap_lookup_and_delete(map, &key, &out, 0), -ENOENT);
		EXPECT_EQ(tmap_lookup_sys(map, &key, &out), -ENOENT);
		tmap_destroy(map);
	}
}

/*
 * A full map refuses new keys with E2BIG but still replaces existing
 * values (a preallocated map through its spare elements), any number of
 * times; a delete makes room for exactly one new key.
 */
TEST(hash_full_map)
{
	enum { MAX = 64 };
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(hash_flavours); f++) {
		struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_HASH, 8, 16,
						   MAX, hash_flavours[f]);
		u64 key, v[2], out[2];
		int round;

		ASSERT_TRUE(!IS_ERR(map));
		for (key = 0; key < MAX; key++) {
			v[0] = key;
			v[1] = val_of(key, 0);
			EXPECT_EQ(tmap_update(map, &key, v, BPF_NOEXIST), 0);
		}
		key = MAX;
		EXPECT_EQ(tmap_update(map, &key, v, BPF_ANY), -E2BIG);
		EXPECT_EQ(tmap_update(map, &key, v, BPF_NOEXIST), -E2BIG);
		EXPECT_EQ(tmap_update(map, &key, v, BPF_EXIST), -ENOENT);
		for (round = 1; round <= 3; round++) {
			for (key = 0; key < MAX; key++) {
				v[0] = key;
				v[1] = val_of(key, round);
				EXPECT_EQ(tmap_update(map, &key, v,
						      round & 1 ? BPF_ANY :
								  BPF_EXIST), 0);
			}
		}
		for (key = 0; key < MAX; key++) {
			EXPECT_EQ(tmap_lookup_sys(map, &key, out), 0);
			EXPECT_EQ(out[0], key);
			EXPECT_EQ(out[1], val_of(key, 3));
		}
		EXPECT_EQ(tmap_count_u64(map, 2 * MAX), MAX);
		key = 5;
		EXPECT_EQ(tmap_delete(map, &key), 0);
		key = MAX + 1;
		EXPECT_EQ(tmap_update(map, &key, v, BPF_NOEXIST), 0);
		key = MAX + 2;
		EXPECT_EQ(tmap_update(map, &key, v, BPF_NOEXIST), -E2BIG);
		EXPECT_EQ(tmap_count_u64(map, 2 * MAX), MAX);
		if (hash_flavours[f] & NO_PREALLOC)
			EXPECT_EQ(atomic_read(&to_htab(map)->count), MAX);
		tmap_destroy(map);
	}
}

TEST(hash_get_next_key)
{
	enum { MAX = 100, N = 37 };
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(hash_flavours); f++) {
		struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_HASH, 8, 8,
						   MAX, hash_flavours[f]);
		u8 seen[N * 3] = { 0 };
		u64 key, next, first;
		u32 n = 0;
		int err;

		ASSERT_TRUE(!IS_ERR(map));
		/* An empty map has no first key, whatever key is passed. */
		EXPECT_EQ(tmap_next_key(map, NULL, &next), -ENOENT);
		key = 1;
		EXPECT_EQ(tmap_next_key(map, &key, &next), -ENOENT);

		for (key = 0; key < N; key++)
			EXPECT_EQ(tmap_update(map, &key, &key, BPF_ANY), 0);
		EXPECT_EQ(tmap_next_key(map, NULL, &first), 0);
		/* A key not in the map starts over from the first key. */
		key = 1000;
		EXPECT_EQ(tmap_next_key(map, &key, &next), 0);
		EXPECT_EQ(next, first);

		for (err = tmap_next_key(map, NULL, &next); !err;
		     err = tmap_next_key(map, &key, &next)) {
			key = next;
			ASSERT_TRUE(key < N);
			EXPECT_EQ(seen[key], 0);
			seen[key]++;
			if (++n > N)
				break;
		}
		EXPECT_EQ(err, -ENOENT);
		EXPECT_EQ(n, N);
		/* The last key: ENOENT, and next_key left alone. */
		next = 0xdead;
		EXPECT_EQ(tmap_next_key(map, &key, &next), -ENOENT);
		EXPECT_EQ(next, 0xdead);

		/* Deleting the current key while walking restarts the walk. */
		EXPECT_EQ(tmap_next_key(map, NULL, &key), 0);
		EXPECT_EQ(tmap_delete(map, &key), 0);
		EXPECT_EQ(tmap_next_key(map, &key, &next), 0);
		EXPECT_NE(next, key);
		EXPECT_EQ(tmap_count_u64(map, 2 * N), N - 1);
		tmap_destroy(map);
	}
}

/* Two zero-seed maps filled alike hash alike: the walk order matches. */
TEST(hash_zero_seed)
{
	struct kbpf_map *a = tmap_create(BPF_MAP_TYPE_HASH, 8, 8, 64,
					 BPF_F_ZERO_SEED);
	struct kbpf_map *b = tmap_create(BPF_MAP_TYPE_HASH, 8, 8, 64,
					 BPF_F_ZERO_SEED | NO_PREALLOC);
	u64 key, ka, kb;
	int ea, eb;

	ASSERT_TRUE(!IS_ERR(a) && !IS_ERR(b));
	for (key = 0; key < 50; key++) {
		EXPECT_EQ(tmap_update(a, &key, &key, BPF_ANY), 0);
		EXPECT_EQ(tmap_update(b, &key, &key, BPF_ANY), 0);
	}
	ea = tmap_next_key(a, NULL, &ka);
	eb = tmap_next_key(b, NULL, &kb);
	while (!ea && !eb) {
		if (!EXPECT_EQ(ka, kb))
			break;
		ea = tmap_next_key(a, &ka, &ka);
		eb = tmap_next_key(b, &kb, &kb);
	}
	EXPECT_EQ(ea, -ENOENT);
	EXPECT_EQ(eb, -ENOENT);
	EXPECT_EQ(kbpf_htab_hash(&key, 8, 0), kbpf_htab_hash(&key, 8, 0));
	tmap_destroy(a);
	tmap_destroy(b);
}

/* Keys and values of sizes that are not multiples of 8 stay exact. */
TEST(hash_odd_sizes)
{
	static const u32 sizes[] = { 1, 3, 4, 7, 9, 13, 16, 31, 255 };
	unsigned int ki, vi, f;
	u8 key[256], val[256], out[256 + 8];

	for (f = 0; f < ARRAY_SIZE(hash_flavours); f++)
	for (ki = 0; ki < ARRAY_SIZE(sizes); ki++)
	for (vi = 0; vi < ARRAY_SIZE(sizes); vi += 2) {
		u32 ks = sizes[ki], vs = sizes[vi], i, j;
		struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_HASH, ks, vs,
						   16, hash_flavours[f]);

		ASSERT_TRUE(!IS_ERR(map));
		for (i = 0; i < 16; i++) {
			memset(key, 0x5a, ks);
			key[ks - 1] = i;	/* keys differ in the last byte */
			for (j = 0; j < vs; j++)
				val[j] = i * 31 + j;
			EXPECT_EQ(tmap_update(map, key, val, BPF_NOEXIST), 0);
		}
		for (i = 0; i < 16; i++) {
			memset(key, 0x5a, ks);
			key[ks - 1] = i;
			memset(out, 0xcc, sizeof(out));
			EXPECT_EQ(tmap_lookup_sys(map, key, out), 0);
			for (j = 0; j < vs; j++)
				val[j] = i * 31 + j;
			EXPECT_MEM_EQ(out, val, vs);
			EXPECT_EQ(out[vs], 0xcc);
		}
		memset(key, 0x5a, ks);
		key[ks - 1] = 16;
		EXPECT_EQ(tmap_lookup_sys(map, key, out), -ENOENT);
		if (ks > 1) {
			memset(key, 0x5b, ks);
			key[ks - 1] = 1;
			EXPECT_EQ(tmap_lookup_sys(map, key, out), -ENOENT);
		}
		tmap_destroy(map);
	}
}

/* The hash spreads structured keys like random ones: chain lengths. */
static void spread_check(u32 nkeys, u32 key_size, void (*make)(u32, u8 *),
			 u32 seed)
{
	u32 nb = roundup_pow_of_two(nkeys), i, empty = 0, longest = 0;
	u32 *load = calloc(nb, sizeof(*load));
	u8 key[64];

	ASSERT_NONNULL(load);
	for (i = 0; i < nkeys; i++) {
		make(i, key);
		load[kbpf_htab_hash(key, key_size, seed) & (nb - 1)]++;
	}
	for (i = 0; i < nb; i++) {
		empty += !load[i];
		longest = max(longest, load[i]);
	}
	/* Poisson(1): e^-1 = 36.8% of buckets empty; longest chain ~8. */
	if (!EXPECT_TRUE(empty > nb * 0.35 && empty < nb * 0.386 &&
			 longest <= 11))
		fprintf(stderr, "  key_size %u seed %u: %u/%u empty, longest %u\n",
			key_size, seed, empty, nb, longest);
	free(load);
}

static void key_seq_u32(u32 i, u8 *k) { memcpy(k, &i, 4); }
static void key_high_u64(u32 i, u8 *k) { u64 v = (u64)i << 40; memcpy(k, &v, 8); }
static void key_stride_u64(u32 i, u8 *k) { u64 v = (u64)i * 4096; memcpy(k, &v, 8); }
static void key_ipv6ish(u32 i, u8 *k)
{
	memset(k, 0, 20);
	k[0] = 0x20;
	k[1] = 0x01;
	k[14] = i >> 8;
	k[15] = i;
	k[19] = i >> 16;
}
static void key_one_byte_each(u32 i, u8 *k)
{
	memset(k, 0, 64);
	k[i % 64] = 1 + i / 64;
}

TEST(hash_spread)
{
	static const u32 seeds[] = { 0, 1, 0xdeadbeef };
	unsigned int s;

	for (s = 0; s < ARRAY_SIZE(seeds); s++) {
		spread_check(1 << 16, 4, key_seq_u32, seeds[s]);
		spread_check(1 << 16, 8, key_high_u64, seeds[s]);
		spread_check(1 << 16, 8, key_stride_u64, seeds[s]);
		spread_check(1 << 16, 20, key_ipv6ish, seeds[s]);
		spread_check(64 * 255, 64, key_one_byte_each, seeds[s]);
	}
	/* The seed matters, and every key byte does. */
	{
		u64 k = 42;
		u8 a[13] = { 0 }, b[13] = { 0 };

		EXPECT_NE(kbpf_htab_hash(&k, 8, 1), kbpf_htab_hash(&k, 8, 2));
		b[12] = 1;
		EXPECT_NE(kbpf_htab_hash(a, 13, 0), kbpf_htab_hash(b, 13, 0));
		/* Length too: a zero byte more is another key. */
		EXPECT_NE(kbpf_htab_hash(a, 12, 0), kbpf_htab_hash(a, 13, 0));
	}
}

/*
 * Every bit of every key length counts, and nothing past the key is read:
 * each key is an exact-size heap buffer (ASan sees an over-read), and
 * flipping any one bit changes the hash (fixed seed: not a chance result).
 */
TEST(hash_every_key_bit)
{
	u32 len, bit, h;
	u8 *k;

	for (len = 1; len <= 24; len++) {
		k = malloc(len);
		ASSERT_NONNULL(k);
		memset(k, 0x5a, len);
		h = kbpf_htab_hash(k, len, 7);
		for (bit = 0; bit < len * 8; bit++) {
			k[bit / 8] ^= 1 << (bit % 8);
			if (!EXPECT_NE(kbpf_htab_hash(k, len, 7), h))
				break;
			k[bit / 8] ^= 1 << (bit % 8);
		}
		free(k);
	}
}

/*
 * The lookup a program's inlined call makes, for every key size: 4- and
 * 8-byte keys have their own copy, the others the generic one; each finds
 * exactly the present keys (a key differing in its last byte is absent).
 */
TEST(hash_lookup_raw_every_key_size)
{
	const u32 n = 64;
	u32 key_size, i;
	kbpf_helper_t fn;

	for (key_size = 1; key_size <= 20; key_size++) {
		struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_HASH, key_size,
						   8, n, 0);
		u64 v = 0;
		u8 *k;

		ASSERT_TRUE(!IS_ERR(map));
		k = malloc(key_size);
		ASSERT_NONNULL(k);
		fn = kbpf_htab_lookup_for(key_size);
		EXPECT_EQ(fn == kbpf_htab_lookup_raw,
			  key_size != 4 && key_size != 8);
		for (i = 0; i < n; i++) {
			memset(k, i, key_size);
			k[key_size - 1] = (u8)(2 * i);
			EXPECT_EQ(tmap_update(map, k, &v, BPF_NOEXIST), 0);
		}
		rcu_read_lock();
		for (i = 0; i < n; i++) {
			struct htab_elem *l;

			memset(k, i, key_size);
			k[key_size - 1] = (u8)(2 * i);
			l = (struct htab_elem *)(unsigned long)
				fn((unsigned long)map, (unsigned long)k, 0, 0, 0);
			if (!EXPECT_NONNULL(l))
				break;
			EXPECT_EQ(memcmp(l->key, k, key_size), 0);
			k[key_size - 1] |= 1;
			EXPECT_EQ(fn((unsigned long)map, (unsigned long)k,
				     0, 0, 0), 0);
		}
		rcu_read_unlock();
		free(k);
		tmap_destroy(map);
	}
}

/*
 * A program running while this CPU holds one of the map's bucket locks
 * (a probe in the update path, say) gets -EBUSY instead of deadlocking.
 */
TEST(hash_reentry_busy)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_HASH, 8, 8, 16, 0);
	struct kbpf_htab *htab;
	u64 key = 3, v = 1, out;
	u32 hash, slot;
	int *held;

	ASSERT_TRUE(!IS_ERR(map));
	htab = to_htab(map);
	EXPECT_EQ(tmap_update(map, &key, &v, BPF_ANY), 0);
	hash = kbpf_htab_hash(&key, 8, htab->hashrnd);
	slot = hash & (HTAB_LOCK_SLOTS - 1) & (htab->n_buckets - 1);
	held = this_cpu_ptr(htab->map_locked[slot]);
	(*held)++;
	EXPECT_EQ(tmap_update(map, &key, &v, BPF_ANY), -EBUSY);
	EXPECT_EQ(tmap_delete(map, &key), -EBUSY);
	EXPECT_EQ(tmap_lookup_and_delete(map, &key, &out, 0), -EBUSY);
	/* Lookups take no lock. */
	EXPECT_EQ(tmap_lookup_sys(map, &key, &out), 0);
	/* Another CPU is not affected. */
	kbpf_shim_set_cpu(1);
	EXPECT_EQ(tmap_update(map, &key, &v, BPF_EXIST), 0);
	kbpf_shim_set_cpu(0);
	(*held)--;
	EXPECT_EQ(tmap_delete(map, &key), 0);
	tmap_destroy(map);
}

/*
 * Random operations against a model: 256 possible keys in a 160-entry map,
 * so inserts regularly hit a full map. Every result and errno must be the
 * model's, and a walk must see exactly the model's keys.
 */
struct model {
	bool present[256];
	u64 value[256];
	u32 count;
};

static void model_walk_check(struct kbpf_map *map, const struct model *m)
{
	u8 seen[256] = { 0 };
	u64 key, next;
	u32 n = 0;
	int err;

	for (err = tmap_next_key(map, NULL, &next); !err && n <= 256;
	     err = tmap_next_key(map, &key, &next)) {
		key = next;
		if (!EXPECT_TRUE(key < 256 && m->present[key] && !seen[key]))
			return;
		seen[key] = 1;
		n++;
	}
	EXPECT_EQ(err, -ENOENT);
	EXPECT_EQ(n, m->count);
}

static void model_run(u32 flags, u64 seed, int steps)
{
	enum { MAX = 160 };
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_HASH, 8, 8, MAX, flags);
	struct trng r = trng_seed(seed);
	struct model *m = calloc(1, sizeof(*m));
	int step;

	ASSERT_TRUE(!IS_ERR(map) && m);
	for (step = 0; step < steps; step++) {
		u64 key = trng_below(&r, 256), v = trng_next(&r), out = 0;
		u32 op = trng_below(&r, 100);
		long want, got;

		if (op < 45) {
			u64 fl = trng_below(&r, 3);

			if (fl == BPF_NOEXIST && m->present[key])
				want = -EEXIST;
			else if (fl == BPF_EXIST && !m->present[key])
				want = -ENOENT;
			else if (!m->present[key] && m->count == MAX)
				want = -E2BIG;
			else
				want = 0;
			got = tmap_update(map, &key, &v, fl);
			if (!want) {
				m->count += !m->present[key];
				m->present[key] = true;
				m->value[key] = v;
			}
		} else if (op < 65) {
			want = m->present[key] ? 0 : -ENOENT;
			got = tmap_delete(map, &key);
			if (!want) {
				m->present[key] = false;
				m->count--;
			}
		} else if (op < 75) {
			want = m->present[key] ? 0 : -ENOENT;
			got = tmap_lookup_and_delete(map, &key, &out, 0);
			if (!want) {
				EXPECT_EQ(out, m->value[key]);
				m->present[key] = false;
				m->count--;
			}
		} else if (op < 97) {
			want = m->present[key] ? 0 : -ENOENT;
			got = tmap_lookup_sys(map, &key, &out);
			if (!want && !got)
				EXPECT_EQ(out, m->value[key]);
		} else {
			model_walk_check(map, m);
			continue;
		}
		if (!EXPECT_EQ(got, want)) {
			fprintf(stderr, "  flags %#x seed %llu step %d op %u key %llu\n",
				flags, (unsigned long long)seed, step, op,
				(unsigned long long)key);
			break;
		}
	}
	model_walk_check(map, m);
	free(m);
	tmap_destroy(map);
}

TEST(hash_random_vs_model)
{
	model_run(0, 1, 40000);
	model_run(NO_PREALLOC, 2, 40000);
	model_run(BPF_F_ZERO_SEED, 3, 20000);
}

/*
 * Concurrency, part 1: four threads (CPUs 1-4) each own 200 keys of a
 * 512-entry map and run random ops on them against their own model, so
 * every result is exact, while a fifth walks the map. Full-map E2BIG is
 * only allowed when the map really is (nearly) full; the walker checks
 * that every key it meets is well formed and its value matches it; at the
 * end the map holds exactly the union of the models.
 */
#define OWN_THREADS	4
#define OWN_KEYS	200
#define OWN_MAX		512

struct own_run {
	struct kbpf_map *map;
	int live;			/* elements the models say exist */
	int writers_done;
	bool present[OWN_THREADS][OWN_KEYS];
	u64 value[OWN_THREADS][OWN_KEYS];
	unsigned long e2big, walks;
};

struct own_value {
	u64 key, gen, check;
};

static u64 own_check(u64 key, u64 gen)
{
	return (key ^ 0xabcdef) * 0xff51afd7ed558ccdULL + gen;
}

static void own_value_set(struct own_value *v, u64 key, u64 gen)
{
	v->key = key;
	v->gen = gen;
	v->check = own_check(key, gen);
}

static bool own_value_ok(const struct own_value *v, u64 key)
{
	return v->key == key && v->check == own_check(key, v->gen);
}

/* Full, as the models count it: the others hold the room (with slack). */
static bool own_map_full(struct own_run *run)
{
	return __atomic_load_n(&run->live, __ATOMIC_RELAXED) >=
	       OWN_MAX - 2 * OWN_THREADS;
}

/*
 * An insert got E2BIG. Unless the map is full, that is the preallocated
 * map's free list missing nodes that moved between its per-CPU lists
 * while the pop, preempted, scanned them (Linux's pcpu_freelist can do
 * the same): a new try scans again. A map that lost elements would keep
 * failing.
 */
static long own_retry_e2big(struct own_run *run, u64 *key,
			    struct own_value *v, u64 fl)
{
	long got = -E2BIG;
	int tries;

	for (tries = 0; got == -E2BIG && !own_map_full(run) && tries < 100;
	     tries++) {
		sched_yield();
		got = tmap_update(run->map, key, v, fl);
	}
	if (got == -E2BIG)
		EXPECT_TRUE(own_map_full(run));
	return got;
}

static void own_writer(int t, void *arg)
{
	struct own_run *run = arg;
	struct trng r = trng_seed(100 + t);
	struct own_value v, out;
	int step;

	for (step = 0; step < 30000; step++) {
		u32 i = trng_below(&r, OWN_KEYS), op = trng_below(&r, 10);
		u64 key = (u64)t << 32 | i;
		bool *present = &run->present[t][i];
		long want, got;

		if (op < 5) {
			u64 fl = trng_below(&r, 3);

			own_value_set(&v, key, step);
			got = tmap_update(run->map, &key, &v, fl);
			if (fl == BPF_NOEXIST && *present)
				want = -EEXIST;
			else if (fl == BPF_EXIST && !*present)
				want = -ENOENT;
			else
				want = 0;
			if (got == -E2BIG && !*present && fl != BPF_EXIST) {
				got = own_retry_e2big(run, &key, &v, fl);
				if (got == -E2BIG) {
					run->e2big++;
					continue;
				}
			}
			if (!want) {
				if (!*present)
					__atomic_add_fetch(&run->live, 1, __ATOMIC_RELAXED);
				*present = true;
				run->value[t][i] = step;
			}
		} else if (op < 7) {
			want = *present ? 0 : -ENOENT;
			got = op == 5 ? tmap_delete(run->map, &key) :
			      tmap_lookup_and_delete(run->map, &key, &out, 0);
			if (!want && !got && op == 6)
				EXPECT_TRUE(own_value_ok(&out, key) &&
					    out.gen == run->value[t][i]);
			if (!want) {
				*present = false;
				__atomic_sub_fetch(&run->live, 1, __ATOMIC_RELAXED);
			}
		} else {
			want = *present ? 0 : -ENOENT;
			got = tmap_lookup_sys(run->map, &key, &out);
			if (!want && !got)
				EXPECT_TRUE(own_value_ok(&out, key) &&
					    out.gen == run->value[t][i]);
		}
		if (!EXPECT_EQ(got, want)) {
			fprintf(stderr, "  thread %d step %d op %u key %u\n", t,
				step, op, i);
			return;
		}
	}
}

/*
 * A walk restarts from the first key whenever its current key is deleted
 * under it (Linux's semantics), so under churn it may never reach the end:
 * such walks are cut short. The walk that starts once the writers are done
 * must visit exactly the final keys.
 */
static void own_walker(struct own_run *run)
{
	struct own_value out;
	u64 key, next;
	bool done;
	u32 n;
	int err;

	do {
		done = __atomic_load_n(&run->writers_done, __ATOMIC_ACQUIRE) ==
		       OWN_THREADS;
		n = 0;
		for (err = tmap_next_key(run->map, NULL, &next); !err;
		     err = tmap_next_key(run->map, &key, &next)) {
			key = next;
			if (!EXPECT_TRUE((key >> 32) < OWN_THREADS &&
					 (u32)key < OWN_KEYS))
				return;
			if (!tmap_lookup_sys(run->map, &key, &out))
				EXPECT_TRUE(own_value_ok(&out, key));
			if (++n > 4 * OWN_MAX)
				break;
		}
		if (err == -ENOENT)
			run->walks++;
		else
			EXPECT_FALSE(done);
	} while (!done);
	EXPECT_EQ(n, __atomic_load_n(&run->live, __ATOMIC_RELAXED));
}

static void own_thread(int index, void *arg)
{
	struct own_run *run = arg;

	if (index < OWN_THREADS) {
		own_writer(index, run);
		__atomic_add_fetch(&run->writers_done, 1, __ATOMIC_RELEASE);
	} else {
		own_walker(run);
	}
}

static void own_run(u32 flags)
{
	struct own_run *run = calloc(1, sizeof(*run));
	struct own_value out;
	u32 t, i, total = 0;
	u64 key;

	ASSERT_NONNULL(run);
	run->map = tmap_create(BPF_MAP_TYPE_HASH, 8, sizeof(struct own_value),
			       OWN_MAX, flags);
	ASSERT_TRUE(!IS_ERR(run->map));
	/* The walker stops after a pass that starts once the writers are done. */
	tthread_run(OWN_THREADS + 1, own_thread, run);

	for (t = 0; t < OWN_THREADS; t++) {
		for (i = 0; i < OWN_KEYS; i++) {
			key = (u64)t << 32 | i;
			if (run->present[t][i]) {
				total++;
				EXPECT_EQ(tmap_lookup_sys(run->map, &key, &out), 0);
				EXPECT_EQ(out.gen, run->value[t][i]);
			} else {
				EXPECT_EQ(tmap_lookup_sys(run->map, &key, &out),
					  -ENOENT);
			}
		}
	}
	EXPECT_TRUE(total <= OWN_MAX);
	EXPECT_EQ(total, run->live);
	EXPECT_EQ(tmap_count_u64(run->map, 2 * OWN_MAX), total);
	if (flags & NO_PREALLOC)
		EXPECT_EQ(atomic_read(&to_htab(run->map)->count), total);
	EXPECT_TRUE(run->walks > 0);
	tmap_destroy(run->map);
	free(run);
}

TEST(hash_concurrent_owned_keys)
{
	own_run(0);
	own_run(NO_PREALLOC);
}

/*
 * Concurrency, part 2: three threads update and delete the same 48 keys of
 * a 32-entry map, so preallocated elements are constantly reused for other
 * keys while two readers look keys up and walk them. A syscall reader must
 * never see a key or value torn by a reuse: every value it copies is
 * whole and belongs to the key it asked for.
 */
#define SHARED_KEYS	48
#define SHARED_WORDS	62

/* Big enough that copying one takes a while: a torn copy gets caught. */
struct shared_value {
	u64 key, gen, word[SHARED_WORDS];
};

static void shared_value_set(struct shared_value *v, u64 key, u64 gen)
{
	int i;

	v->key = key;
	v->gen = gen;
	for (i = 0; i < SHARED_WORDS; i++)
		v->word[i] = own_check(key, gen) + i;
}

static bool shared_value_ok(const struct shared_value *v, u64 key)
{
	int i;

	if (v->key != key)
		return false;
	for (i = 0; i < SHARED_WORDS; i++)
		if (v->word[i] != own_check(key, v->gen) + i)
			return false;
	return true;
}

struct shared_run {
	struct kbpf_map *map;
	int writers_left;
	unsigned long lookups, hits;
};

static void shared_thread(int index, void *arg)
{
	struct shared_run *run = arg;
	struct trng r = trng_seed(1000 + index);
	struct shared_value v, out;
	unsigned long bad = 0;
	u64 key, next;
	int step, err;

	if (index < 3) {
		for (step = 0; step < 40000; step++) {
			key = trng_below(&r, SHARED_KEYS);
			shared_value_set(&v, key, (u64)index << 32 | step);
			if (trng_below(&r, 3))
				err = tmap_update(run->map, &key, &v, BPF_ANY);
			else
				err = tmap_delete(run->map, &key);
			if (err && err != -E2BIG && err != -ENOENT) {
				EXPECT_EQ(err, 0);
				break;
			}
		}
		__atomic_sub_fetch(&run->writers_left, 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&run->writers_left, __ATOMIC_ACQUIRE)) {
		key = trng_below(&r, SHARED_KEYS);
		err = tmap_lookup_sys(run->map, &key, &out);
		__atomic_add_fetch(&run->lookups, 1, __ATOMIC_RELAXED);
		if (!err) {
			__atomic_add_fetch(&run->hits, 1, __ATOMIC_RELAXED);
			if (!shared_value_ok(&out, key) && bad++ < 3)
				EXPECT_TRUE(shared_value_ok(&out, key));
		}
		err = tmap_next_key(run->map, index == 3 ? NULL : &key, &next);
		if (!err && next >= SHARED_KEYS && bad++ < 3)
			EXPECT_TRUE(next < SHARED_KEYS);
	}
	EXPECT_EQ(bad, 0);
}

static void shared_run(u32 type, u32 flags)
{
	struct shared_run run = { .writers_left = 3 };

	run.map = tmap_create(type, 8, sizeof(struct shared_value), 32, flags);
	ASSERT_TRUE(!IS_ERR(run.map));
	tthread_run(5, shared_thread, &run);
	EXPECT_TRUE(run.hits > 0);
	EXPECT_TRUE(tmap_count_u64(run.map, 100) <= 32);
	tmap_destroy(run.map);
}

TEST(hash_concurrent_shared_keys_no_torn_values)
{
	shared_run(BPF_MAP_TYPE_HASH, 0);
	shared_run(BPF_MAP_TYPE_HASH, NO_PREALLOC);
	shared_run(BPF_MAP_TYPE_LRU_HASH, 0);
	shared_run(BPF_MAP_TYPE_LRU_HASH, BPF_F_NO_COMMON_LRU);
}

/*
 * Without preallocation a deleted or replaced element is freed only after
 * a grace period: a reader that found it under rcu_read_lock() may keep
 * reading it (ASan would report the use after free), and sees the value
 * it found, while the writer moves on.
 */
struct grace_run {
	struct kbpf_map *map;
	int stage;
};

static void grace_wait(struct grace_run *run, int stage)
{
	while (__atomic_load_n(&run->stage, __ATOMIC_ACQUIRE) < stage)
		sched_yield();
}

static void grace_thread(int index, void *arg)
{
	struct grace_run *run = arg;
	u64 key = 1, v = 2;
	u64 *p;

	if (index == 0) {
		rcu_read_lock();
		p = run->map->ops->map_lookup_elem(run->map, &key);
		EXPECT_NONNULL(p);
		__atomic_store_n(&run->stage, 1, __ATOMIC_RELEASE);
		grace_wait(run, 2);
		if (p)
			EXPECT_EQ(READ_ONCE(*p), 1);
		rcu_read_unlock();
		return;
	}
	grace_wait(run, 1);
	/* Replace, then delete: both retire the element the reader holds. */
	EXPECT_EQ(tmap_update(run->map, &key, &v, BPF_EXIST), 0);
	EXPECT_EQ(tmap_delete(run->map, &key), 0);
	EXPECT_EQ(tmap_lookup_sys(run->map, &key, &v), -ENOENT);
	__atomic_store_n(&run->stage, 2, __ATOMIC_RELEASE);
}

TEST(hash_no_prealloc_frees_after_grace_period)
{
	static const u32 types[] = { BPF_MAP_TYPE_HASH,
				     BPF_MAP_TYPE_PERCPU_HASH };
	unsigned int t;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		struct grace_run run = { 0 };
		u64 key = 1, v[NR_CPUS];
		int cpu;

		for (cpu = 0; cpu < NR_CPUS; cpu++)
			v[cpu] = 1;
		run.map = tmap_create(types[t], 8, 8, 4, NO_PREALLOC);
		ASSERT_TRUE(!IS_ERR(run.map));
		EXPECT_EQ(tmap_update_sys(run.map, &key, v, BPF_ANY), 0);
		tthread_run(2, grace_thread, &run);
		rcu_barrier();
		EXPECT_EQ(atomic_read(&to_htab(run.map)->count), 0);
		tmap_destroy(run.map);
	}
}

/* Freeing a map frees whatever it still holds (LeakSanitizer checks). */
TEST(hash_free_populated)
{
	unsigned int f;
	u64 key;

	for (f = 0; f < ARRAY_SIZE(hash_flavours); f++) {
		struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_HASH, 8, 100,
						   1000, hash_flavours[f]);
		u8 v[100] = { 1 };

		ASSERT_TRUE(!IS_ERR(map));
		for (key = 0; key < 1000; key++)
			EXPECT_EQ(tmap_update(map, &key, v, BPF_ANY), 0);
		for (key = 0; key < 1000; key += 3)
			EXPECT_EQ(tmap_update(map, &key, v, BPF_EXIST), 0);
		for (key = 0; key < 1000; key += 7)
			EXPECT_EQ(tmap_delete(map, &key), 0);
		tmap_destroy(map);
	}
}
