// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LRU_HASH and LRU_PERCPU_HASH (maps/lru.c, maps/lru_list.c).
 *
 * The first tests replay the scenarios of Linux's
 * tools/testing/selftests/bpf/test_lru_map.c (sanity0 to sanity8) with
 * kbpf's own code: which keys a full map evicts, given which were looked
 * up by a program (which sets the element's reference bit) and which only
 * by the syscall (which does not). "CPUs" are the shim's: the test moves
 * itself between them with kbpf_shim_set_cpu(). Then: inserts never fail,
 * a random run against a model, per-CPU list isolation and threads.
 */
#include "maptest.h"
#include "../../maps/htab.h"

#define LOCAL_FREE_TARGET	128	/* maps/lru_list.c, as in Linux */
#define PERCPU_FREE_TARGET	4
#define NR_KEYS			4096	/* keys the expectations can hold */

static const u32 lru_types[] = { BPF_MAP_TYPE_LRU_HASH,
				 BPF_MAP_TYPE_LRU_PERCPU_HASH };
static const u32 lru_flags[] = { 0, BPF_F_NO_COMMON_LRU };

/* What the map should hold: key -> value, for keys below NR_KEYS. */
struct expect {
	bool present[NR_KEYS];
	u64 value[NR_KEYS];
};

static struct expect *expect_new(void)
{
	return calloc(1, sizeof(struct expect));
}

static void expect_add(struct expect *e, u64 key, u64 value)
{
	e->present[key] = true;
	e->value[key] = value;
}

/* A u64 map value as the syscall passes it: one slot per CPU if per-CPU. */
struct lru_val {
	u64 v[NR_CPUS];
};

static struct lru_val lv(u64 value)
{
	struct lru_val x;
	int i;

	for (i = 0; i < NR_CPUS; i++)
		x.v[i] = value;
	return x;
}

static struct kbpf_map *lru_create(u32 type, u32 flags, u32 size)
{
	struct kbpf_map *map = tmap_create(type, 8, 8, size, flags);

	BUG_ON(IS_ERR(map));
	return map;
}

static long upd(struct kbpf_map *map, u64 key, u64 value, u64 flags)
{
	struct lru_val x = lv(value);

	return tmap_update_sys(map, &key, &x, flags);
}

/* The syscall's lookup: value of CPU 0's slot, no reference bit. */
static int sys_lookup(struct kbpf_map *map, u64 key, u64 *value)
{
	struct lru_val x;
	int err = tmap_lookup_sys(map, &key, &x);

	if (!err && value)
		*value = x.v[0];
	return err;
}

/* A program's lookup, which marks the element as used; 0 if found. */
static int ref_lookup(struct kbpf_map *map, u64 key, u64 *value)
{
	u64 *v = tmap_lookup(map, &key);

	if (!v)
		return -ENOENT;
	if (value)
		*value = *v;
	return 0;
}

/* The map holds exactly what e says (values compared on CPU 0's slot). */
static bool lru_equal(struct kbpf_map *map, const struct expect *e)
{
	u32 n = 0, want = 0, i;
	u64 key, next, v;
	int err;

	for (i = 0; i < NR_KEYS; i++)
		want += e->present[i];
	for (err = tmap_next_key(map, NULL, &next); !err;
	     err = tmap_next_key(map, &key, &next)) {
		key = next;
		if (!EXPECT_TRUE(key < NR_KEYS && e->present[key])) {
			fprintf(stderr, "  unexpected key %llu in the map\n",
				(unsigned long long)key);
			return false;
		}
		if (!EXPECT_EQ(sys_lookup(map, key, &v), 0) ||
		    !EXPECT_EQ(v, e->value[key]))
			return false;
		if (++n > want)
			break;
	}
	if (!EXPECT_EQ(n, want))
		return false;
	return true;
}

static void lru_case_begin(struct kbpf_map **lru, struct expect **e, u32 type,
			   u32 flags, u32 size)
{
	kbpf_shim_set_cpu(0);
	*lru = lru_create(type, flags, size);
	*e = expect_new();
	BUG_ON(!*e);
}

static void lru_case_end(struct kbpf_map *lru, struct expect *e,
			 const char *name, u32 type, u32 flags)
{
	if (!lru_equal(lru, e))
		fprintf(stderr, "  %s: type %u flags %#x\n", name, type, flags);
	tmap_destroy(lru);
	free(e);
	kbpf_shim_set_cpu(0);
}

/*
 * Size 2: insert 1 and 2, use 1, insert 3: 2 is evicted. Also the basic
 * flag errors of an LRU map.
 */
static void sanity0(u32 type, u32 flags)
{
	struct kbpf_map *lru;
	struct expect *e;
	u64 v;

	lru_case_begin(&lru, &e, type, flags,
		       flags & BPF_F_NO_COMMON_LRU ? 2 * NR_CPUS : 2);
	EXPECT_EQ(upd(lru, 1, 1234, BPF_NOEXIST), 0);
	expect_add(e, 1, 1234);
	EXPECT_EQ(upd(lru, 1, 1234, BPF_NOEXIST), -EEXIST);
	EXPECT_EQ(upd(lru, 1, 1234, U64_MAX), -EINVAL);
	EXPECT_EQ(upd(lru, 1, 1234, BPF_F_LOCK), -EINVAL);

	EXPECT_EQ(sys_lookup(lru, 2, &v), -ENOENT);
	EXPECT_EQ(upd(lru, 2, 1234, BPF_EXIST), -ENOENT);
	EXPECT_EQ(upd(lru, 2, 1234, BPF_NOEXIST), 0);

	EXPECT_EQ(sys_lookup(lru, 3, &v), -ENOENT);
	EXPECT_EQ(ref_lookup(lru, 1, &v), 0);
	EXPECT_EQ(v, 1234);
	EXPECT_EQ(upd(lru, 3, 1234, BPF_NOEXIST), 0);
	expect_add(e, 3, 1234);
	EXPECT_EQ(sys_lookup(lru, 2, &v), -ENOENT);

	{
		struct lru_val out = lv(0);
		u64 key = 1;

		EXPECT_EQ(tmap_lookup_and_delete(lru, &key, &out, 0), 0);
		EXPECT_EQ(out.v[0], 1234);
		e->present[1] = false;
		EXPECT_EQ(tmap_lookup_and_delete(lru, &key, &out, 0), -ENOENT);
	}
	lru_case_end(lru, e, "sanity0", type, flags);
}

/*
 * Size 1.5 * target: insert target keys, use the first half, insert
 * target more: the unused half is evicted, the used half survives.
 */
static void sanity1(u32 type, u32 flags, u32 tgt)
{
	struct kbpf_map *lru;
	struct expect *e;
	u64 key, v;

	if (flags & BPF_F_NO_COMMON_LRU)
		return;
	lru_case_begin(&lru, &e, type, flags, tgt + tgt / 2);
	for (key = 1; key <= tgt; key++)
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
	for (key = 1; key <= tgt / 2; key++) {
		EXPECT_EQ(ref_lookup(lru, key, &v), 0);
		expect_add(e, key, 1234);
	}
	for (key = tgt + 1; key <= 2 * tgt; key++) {
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
		expect_add(e, key, 1234);
	}
	lru_case_end(lru, e, "sanity1", type, flags);
}

/*
 * Size 1.5 * target, target keys in. The next insert needs a batch of free
 * nodes, which evicts the oldest half: updating key 1 with BPF_EXIST finds
 * it gone (the per-CPU type can re-add and delete it instead). Keys added
 * again and used survive; keys added and never used go before newer ones.
 */
static void sanity2(u32 type, u32 flags, u32 tgt)
{
	struct kbpf_map *lru;
	struct expect *e;
	u64 key, v;

	if (flags & BPF_F_NO_COMMON_LRU)
		return;
	lru_case_begin(&lru, &e, type, flags, tgt + tgt / 2);
	for (key = 1; key <= tgt; key++)
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
	if (type == BPF_MAP_TYPE_LRU_PERCPU_HASH) {
		EXPECT_EQ(upd(lru, 1, 1234, BPF_NOEXIST), 0);
		key = 1;
		EXPECT_EQ(tmap_delete(lru, &key), 0);
	} else {
		EXPECT_EQ(upd(lru, 1, 1234, BPF_EXIST), -ENOENT);
	}
	for (key = 1; key <= tgt / 2; key++) {
		EXPECT_EQ(sys_lookup(lru, key, &v), -ENOENT);
		EXPECT_EQ(upd(lru, key, 4321, BPF_NOEXIST), 0);
		EXPECT_EQ(ref_lookup(lru, key, &v), 0);
		EXPECT_EQ(v, 4321);
		expect_add(e, key, 4321);
	}
	for (key = tgt + 1; key <= tgt + tgt / 2; key++)
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
	for (; key <= 2 * tgt + tgt / 2; key++) {
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
		expect_add(e, key, 1234);
	}
	lru_case_end(lru, e, "sanity2", type, flags);
}

/*
 * Size 2 * target: fill it, use the oldest 1.5 * target - 1, add half a
 * target: the unused newest are evicted (active/inactive rotation).
 */
static void sanity3(u32 type, u32 flags, u32 tgt)
{
	struct kbpf_map *lru;
	struct expect *e;
	u64 key, v;

	if (flags & BPF_F_NO_COMMON_LRU)
		return;
	lru_case_begin(&lru, &e, type, flags, 2 * tgt);
	for (key = 1; key <= 2 * tgt; key++)
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
	for (key = 1; key < tgt + tgt / 2; key++) {
		EXPECT_EQ(ref_lookup(lru, key, &v), 0);
		expect_add(e, key, 1234);
	}
	for (key = 2 * tgt + 1; key <= 2 * tgt + tgt / 2; key++) {
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
		expect_add(e, key, 1234);
	}
	lru_case_end(lru, e, "sanity3", type, flags);
}

/* Deletes make room: nothing used is evicted while free nodes exist. */
static void sanity4(u32 type, u32 flags, u32 tgt)
{
	struct kbpf_map *lru;
	struct expect *e;
	u64 key, v, end;

	lru_case_begin(&lru, &e, type, flags,
		       flags & BPF_F_NO_COMMON_LRU ? 3 * tgt * NR_CPUS :
						     3 * tgt);
	for (key = 1; key <= 2 * tgt; key++)
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
	EXPECT_EQ(upd(lru, 1, 1234, BPF_NOEXIST), -EEXIST);
	for (key = 1; key <= tgt; key++) {
		EXPECT_EQ(ref_lookup(lru, key, &v), 0);
		expect_add(e, key, 1234);
	}
	for (; key <= 2 * tgt; key++) {
		EXPECT_EQ(tmap_delete(lru, &key), 0);
		EXPECT_EQ(tmap_delete(lru, &key), -ENOENT);
	}
	for (end = key + 2 * tgt; key < end; key++) {
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
		expect_add(e, key, 1234);
	}
	lru_case_end(lru, e, "sanity4", type, flags);
}

/*
 * A one-element map used from every CPU in turn: each CPU finds the key
 * the previous one added, and its own insert evicts it (stealing the only
 * node from another CPU's local list).
 */
static void sanity5(u32 type, u32 flags)
{
	struct kbpf_map *lru;
	u64 key = 0, v;
	int cpu;

	if (flags & BPF_F_NO_COMMON_LRU)
		return;
	lru = lru_create(type, flags, 1);
	EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
	for (cpu = 0; cpu < NR_CPUS; cpu++, key++) {
		kbpf_shim_set_cpu(cpu);
		EXPECT_EQ(ref_lookup(lru, key, &v), 0);
		EXPECT_EQ(upd(lru, key + 1, 1234, BPF_NOEXIST), 0);
		EXPECT_EQ(ref_lookup(lru, key + 1, &v), 0);
		if (!EXPECT_EQ(sys_lookup(lru, key, &v), -ENOENT))
			fprintf(stderr, "  sanity5: type %u cpu %d\n", type, cpu);
	}
	kbpf_shim_set_cpu(0);
	tmap_destroy(lru);
}

/* Per-CPU lists: keys kept in use survive while newer unused ones rotate out. */
static void sanity6(u32 type, u32 flags, u32 tgt)
{
	struct kbpf_map *lru;
	struct expect *e;
	u64 key, stable, v;

	if (!(flags & BPF_F_NO_COMMON_LRU))
		return;
	lru_case_begin(&lru, &e, type, flags, 2 * tgt * NR_CPUS);
	for (key = 1; key <= tgt; key++) {
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
		expect_add(e, key, 1234);
	}
	for (; key <= 2 * tgt; key++) {
		for (stable = 1; stable <= tgt; stable++)
			EXPECT_EQ(ref_lookup(lru, stable, &v), 0);
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
	}
	for (; key <= 3 * tgt; key++) {
		EXPECT_EQ(upd(lru, key, 1234, BPF_NOEXIST), 0);
		expect_add(e, key, 1234);
	}
	lru_case_end(lru, e, "sanity6", type, flags);
}

/*
 * Size 2, keys 1 and 2: key 1 looked up by a program, key 2 by the
 * syscall. The syscall's lookup does not count, so 2 is evicted (sanity7);
 * swap the roles and 1 is (sanity8).
 */
static void sanity78(u32 type, u32 flags, bool program_uses_first)
{
	u64 used = program_uses_first ? 1 : 2, unused = 3 - used, v;
	struct kbpf_map *lru;
	struct expect *e;

	lru_case_begin(&lru, &e, type, flags,
		       flags & BPF_F_NO_COMMON_LRU ? 2 * NR_CPUS : 2);
	EXPECT_EQ(upd(lru, 1, 1234, BPF_NOEXIST), 0);
	EXPECT_EQ(upd(lru, 1, 1234, BPF_NOEXIST), -EEXIST);
	EXPECT_EQ(sys_lookup(lru, 2, &v), -ENOENT);
	EXPECT_EQ(upd(lru, 2, 1234, BPF_EXIST), -ENOENT);
	EXPECT_EQ(upd(lru, 2, 1234, BPF_NOEXIST), 0);
	EXPECT_EQ(sys_lookup(lru, 3, &v), -ENOENT);

	if (program_uses_first) {
		EXPECT_EQ(ref_lookup(lru, used, &v), 0);
		EXPECT_EQ(sys_lookup(lru, unused, &v), 0);
	} else {
		EXPECT_EQ(sys_lookup(lru, unused, &v), 0);
		EXPECT_EQ(ref_lookup(lru, used, &v), 0);
	}
	EXPECT_EQ(v, 1234);
	expect_add(e, used, 1234);
	EXPECT_EQ(upd(lru, 3, 1234, BPF_NOEXIST), 0);
	expect_add(e, 3, 1234);
	EXPECT_EQ(sys_lookup(lru, unused, &v), -ENOENT);
	lru_case_end(lru, e, program_uses_first ? "sanity7" : "sanity8", type,
		     flags);
}

TEST(lru_linux_sanity_cases)
{
	unsigned int t, f;

	for (f = 0; f < ARRAY_SIZE(lru_flags); f++) {
		u32 tgt = lru_flags[f] & BPF_F_NO_COMMON_LRU ?
			  PERCPU_FREE_TARGET : LOCAL_FREE_TARGET;

		for (t = 0; t < ARRAY_SIZE(lru_types); t++) {
			sanity0(lru_types[t], lru_flags[f]);
			sanity1(lru_types[t], lru_flags[f], tgt);
			sanity2(lru_types[t], lru_flags[f], tgt);
			sanity3(lru_types[t], lru_flags[f], tgt);
			sanity4(lru_types[t], lru_flags[f], tgt);
			sanity5(lru_types[t], lru_flags[f]);
			sanity6(lru_types[t], lru_flags[f], tgt);
			sanity78(lru_types[t], lru_flags[f], true);
			sanity78(lru_types[t], lru_flags[f], false);
		}
	}
}

TEST(lru_max_entries_rounding)
{
	struct kbpf_map *map;

	/* Per-CPU lists get equal shares: rounded up to a multiple of CPUs. */
	map = lru_create(BPF_MAP_TYPE_LRU_HASH, BPF_F_NO_COMMON_LRU, 10);
	EXPECT_EQ(map->max_entries, 2 * NR_CPUS);
	tmap_destroy(map);
	map = lru_create(BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_F_NO_COMMON_LRU, 1);
	EXPECT_EQ(map->max_entries, NR_CPUS);
	tmap_destroy(map);
	map = lru_create(BPF_MAP_TYPE_LRU_HASH, 0, 10);
	EXPECT_EQ(map->max_entries, 10);
	tmap_destroy(map);
	/* Rounded down when rounding up overflows, then too big anyway. */
	map = tmap_create(BPF_MAP_TYPE_LRU_HASH, 8, 8, U32_MAX,
			  BPF_F_NO_COMMON_LRU);
	EXPECT_EQ(PTR_ERR(map), -E2BIG);
	tmap_destroy(IS_ERR(map) ? NULL : map);
	/* Preallocation of many large elements fails cleanly. */
	map = tmap_create(BPF_MAP_TYPE_LRU_HASH, 8, 1U << 20, 1U << 16, 0);
	EXPECT_EQ(PTR_ERR(map), -ENOMEM);
	tmap_destroy(IS_ERR(map) ? NULL : map);
}

/* Any number of inserts into a full map succeed; it never grows. */
TEST(lru_full_map_inserts_never_fail)
{
	unsigned int t, f;

	for (f = 0; f < ARRAY_SIZE(lru_flags); f++) {
		for (t = 0; t < ARRAY_SIZE(lru_types); t++) {
			struct kbpf_map *lru = lru_create(lru_types[t],
							  lru_flags[f], 100);
			u64 key, v;
			u32 n;

			for (key = 0; key < 5000; key++) {
				kbpf_shim_set_cpu(key % 3);
				if (!EXPECT_EQ(upd(lru, key, key, BPF_NOEXIST), 0))
					break;
				/* The newest key is always there. */
				EXPECT_EQ(sys_lookup(lru, key, &v), 0);
				EXPECT_EQ(v, key);
			}
			kbpf_shim_set_cpu(0);
			n = tmap_count_u64(lru, 10000);
			EXPECT_TRUE(n > 0 && n <= lru->max_entries);
			tmap_destroy(lru);
		}
	}
}

/* Each CPU's inserts evict only that CPU's elements (BPF_F_NO_COMMON_LRU). */
TEST(lru_no_common_lru_isolates_cpus)
{
	struct kbpf_map *lru = lru_create(BPF_MAP_TYPE_LRU_HASH,
					  BPF_F_NO_COMMON_LRU, 2 * NR_CPUS);
	u64 key, v;

	kbpf_shim_set_cpu(1);
	EXPECT_EQ(upd(lru, 10, 1, BPF_NOEXIST), 0);
	EXPECT_EQ(upd(lru, 11, 1, BPF_NOEXIST), 0);
	kbpf_shim_set_cpu(0);
	for (key = 100; key < 200; key++)
		EXPECT_EQ(upd(lru, key, 1, BPF_NOEXIST), 0);
	EXPECT_EQ(sys_lookup(lru, 10, &v), 0);
	EXPECT_EQ(sys_lookup(lru, 11, &v), 0);
	/* CPU 0 keeps its two newest. */
	EXPECT_EQ(sys_lookup(lru, 199, &v), 0);
	EXPECT_EQ(sys_lookup(lru, 198, &v), 0);
	EXPECT_EQ(tmap_count_u64(lru, 100), 4);
	tmap_destroy(lru);
}

/*
 * Random ops against a model that can only lose keys by eviction: a key
 * the map has must carry the model's latest value, a key the model lacks
 * must be absent, and the newest insert is always present.
 */
static void lru_model_run(u32 type, u32 flags, u64 seed)
{
	enum { MAX = 96, KEYS = 300 };
	struct kbpf_map *lru = lru_create(type, flags, MAX);
	struct expect *e = expect_new();
	struct trng r = trng_seed(seed);
	int step;

	ASSERT_NONNULL(e);
	for (step = 0; step < 30000; step++) {
		u64 key = trng_below(&r, KEYS), v = trng_next(&r), got;
		u32 op = trng_below(&r, 10);
		int err;

		kbpf_shim_set_cpu(trng_below(&r, 4));
		err = sys_lookup(lru, key, &got);
		if (!e->present[key]) {
			if (!EXPECT_EQ(err, -ENOENT))
				break;
		} else if (err) {
			/* Evicted. */
			EXPECT_EQ(err, -ENOENT);
			e->present[key] = false;
		} else if (!EXPECT_EQ(got, e->value[key])) {
			break;
		}
		if (op < 5) {
			u64 fl = trng_below(&r, 3);
			long want = fl == BPF_NOEXIST && e->present[key] ? -EEXIST :
				    fl == BPF_EXIST && !e->present[key] ? -ENOENT :
				    0;
			long ret = upd(lru, key, v, fl);

			/*
			 * Finding a node for the update may evict the very key
			 * being updated (Linux's sanity2 relies on it): then
			 * it is a missing key's update.
			 */
			if (e->present[key] && ret != want &&
			    ((fl == BPF_EXIST && ret == -ENOENT) ||
			     (fl == BPF_NOEXIST && ret == 0))) {
				e->present[key] = false;
				want = ret;
			}
			if (!EXPECT_EQ(ret, want))
				break;
			if (!want) {
				expect_add(e, key, v);
				EXPECT_EQ(sys_lookup(lru, key, &got), 0);
				EXPECT_EQ(got, v);
			}
		} else if (op < 7) {
			EXPECT_EQ(tmap_delete(lru, &key),
				  e->present[key] ? 0 : -ENOENT);
			e->present[key] = false;
		} else if (op < 9) {
			ref_lookup(lru, key, NULL);
		} else {
			EXPECT_TRUE(tmap_count_u64(lru, 1000) <= lru->max_entries);
		}
	}
	kbpf_shim_set_cpu(0);
	free(e);
	tmap_destroy(lru);
}

TEST(lru_random_vs_model)
{
	unsigned int t, f;

	for (f = 0; f < ARRAY_SIZE(lru_flags); f++)
		for (t = 0; t < ARRAY_SIZE(lru_types); t++)
			lru_model_run(lru_types[t], lru_flags[f], 7 + t + 2 * f);
}

/*
 * Threads on CPUs 1-4 insert, update, delete and look up their own keys in
 * a map too small for all of them. Inserts never fail; a key a thread
 * finds carries its latest value; deletes of keys the thread still
 * believes in may find them evicted. A fifth thread walks the map.
 */
#define LRU_THREADS	4
#define LRU_KEYS	300

struct lru_run {
	struct kbpf_map *map;
	int writers_left;
};

static void lru_thread(int index, void *arg)
{
	struct lru_run *run = arg;
	struct trng r = trng_seed(500 + index);
	u64 *latest = calloc(LRU_KEYS, sizeof(*latest));
	u64 key, next, v;
	int step, err;
	u32 n;

	if (index == LRU_THREADS) {
		free(latest);
		while (__atomic_load_n(&run->writers_left, __ATOMIC_ACQUIRE)) {
			n = 0;
			for (err = tmap_next_key(run->map, NULL, &next);
			     !err && n < 4096;
			     err = tmap_next_key(run->map, &key, &next), n++) {
				key = next;
				EXPECT_TRUE((key >> 32) < LRU_THREADS &&
					    (u32)key < LRU_KEYS);
			}
		}
		return;
	}
	BUG_ON(!latest);
	for (step = 1; step <= 20000; step++) {
		u32 i = trng_below(&r, LRU_KEYS), op = trng_below(&r, 10);

		key = (u64)index << 32 | i;
		if (op < 5) {
			v = (u64)step << 8 | index;
			if (!EXPECT_EQ(upd(run->map, key, v, BPF_ANY), 0))
				break;
			latest[i] = v;
		} else if (op < 7) {
			err = tmap_delete(run->map, &key);
			/* Present, or evicted: never there when deleted. */
			if (latest[i])
				EXPECT_TRUE(!err || err == -ENOENT);
			else
				EXPECT_EQ(err, -ENOENT);
			latest[i] = 0;
		} else {
			err = sys_lookup(run->map, key, &v);
			if (!err)
				EXPECT_EQ(v, latest[i]);
			else
				EXPECT_EQ(err, -ENOENT);
			if (op == 9)
				ref_lookup(run->map, key, NULL);
		}
	}
	free(latest);
	__atomic_sub_fetch(&run->writers_left, 1, __ATOMIC_RELEASE);
}

TEST(lru_concurrent)
{
	unsigned int t, f;

	for (f = 0; f < ARRAY_SIZE(lru_flags); f++) {
		for (t = 0; t < ARRAY_SIZE(lru_types); t++) {
			struct lru_run run = { .writers_left = LRU_THREADS };

			run.map = lru_create(lru_types[t], lru_flags[f], 512);
			tthread_run(LRU_THREADS + 1, lru_thread, &run);
			EXPECT_TRUE(tmap_count_u64(run.map, 4096) <=
				    run.map->max_entries);
			tmap_destroy(run.map);
		}
	}
}
