// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU maps: BPF_MAP_TYPE_PERCPU_ARRAY (maps/array.c), PERCPU_HASH
 * (maps/hash.c) and LRU_PERCPU_HASH (maps/lru.c). A program sees its own
 * CPU's copy of a value; the syscall side reads and writes all of them as
 * round_up(value_size, 8) bytes per possible CPU, in CPU order. The shim
 * has NR_CPUS possible CPUs; a test "runs" on one with kbpf_shim_set_cpu().
 */
#include "maptest.h"

#define VS	12		/* value_size: not a multiple of 8 */
#define SLOT	16		/* round_up(VS, 8) */

static const u32 pcpu_hash_types[] = { BPF_MAP_TYPE_PERCPU_HASH,
				       BPF_MAP_TYPE_LRU_PERCPU_HASH };

/* All CPUs' values of one element, as the syscall passes them. */
struct pvalue {
	u8 slot[NR_CPUS][SLOT];
};

static void pvalue_fill(struct pvalue *p, u8 seed)
{
	int cpu, i;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		for (i = 0; i < SLOT; i++)
			p->slot[cpu][i] = seed + cpu * 17 + i;
}

TEST(percpu_value_size)
{
	static const u32 types[] = { BPF_MAP_TYPE_PERCPU_ARRAY,
				     BPF_MAP_TYPE_PERCPU_HASH,
				     BPF_MAP_TYPE_LRU_PERCPU_HASH };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		struct kbpf_map *map = tmap_create(types[i], 4, VS, 4, 0);

		ASSERT_TRUE(!IS_ERR(map));
		EXPECT_EQ(kbpf_map_value_size(map), SLOT * NR_CPUS);
		EXPECT_TRUE(kbpf_map_is_percpu(types[i]));
		/* fdinfo's memlock: key + every CPU's value, per entry. */
		EXPECT_EQ(kbpf_map_memory_footprint(map),
			  round_up(4 * round_up(4 + SLOT * NR_CPUS, 8),
				   PAGE_SIZE));
		tmap_destroy(map);
	}
	EXPECT_FALSE(kbpf_map_is_percpu(BPF_MAP_TYPE_HASH));
	EXPECT_FALSE(kbpf_map_is_percpu(BPF_MAP_TYPE_ARRAY));
}

TEST(percpu_array_alloc_check)
{
	const u32 t = BPF_MAP_TYPE_PERCPU_ARRAY;

	EXPECT_EQ(tmap_check(t, 4, VS, 1, 0), 0);
	EXPECT_EQ(tmap_check(t, 4, VS, 1, BPF_F_RDONLY_PROG), 0);
	EXPECT_EQ(tmap_check(t, 8, VS, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(t, 0, VS, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(t, 4, 0, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(t, 4, VS, 0, 0), -EINVAL);
	/* Per-CPU memory has no single node; only a plain array is a template. */
	EXPECT_EQ(tmap_check(t, 4, VS, 1, BPF_F_NUMA_NODE), -EINVAL);
	EXPECT_EQ(tmap_check(t, 4, VS, 1, BPF_F_INNER_MAP), -EINVAL);
	EXPECT_EQ(tmap_check(t, 4, VS, 1, BPF_F_MMAPABLE), -EINVAL);
	EXPECT_EQ(tmap_check(t, 4, VS, 1, BPF_F_NO_PREALLOC), -EINVAL);
	EXPECT_EQ(tmap_check(t, 4, VS, 1, BPF_F_PRESERVE_ELEMS), -EINVAL);
	/* One per-CPU unit per value. */
	EXPECT_EQ(tmap_check(t, 4, PCPU_MIN_UNIT_SIZE, 1, 0), 0);
	EXPECT_EQ(tmap_check(t, 4, PCPU_MIN_UNIT_SIZE + 1, 1, 0), -E2BIG);
	EXPECT_EQ(tmap_check(t, 4, (u32)INT_MAX + 1, 1, 0), -E2BIG);
	/* A plain array still takes both. */
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_ARRAY, 4, VS, 1, BPF_F_NUMA_NODE), 0);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_ARRAY, 4, PCPU_MIN_UNIT_SIZE + 1, 1,
			     0), 0);
}

TEST(percpu_array_enomem)
{
	struct kbpf_map *map;

	/* The table of per-CPU pointers alone would be 32 GiB. */
	map = tmap_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, U32_MAX, 0);
	EXPECT_EQ(PTR_ERR(map), -ENOMEM);
	tmap_destroy(IS_ERR(map) ? NULL : map);
}

/*
 * The layout: all slots start zeroed; a program's update writes value_size
 * bytes of its own CPU's slot; the syscall's writes every slot whole,
 * padding included, and reads them back the same way.
 */
static void layout_check(struct kbpf_map *map, const void *key, bool is_array)
{
	struct pvalue in, out, zero;
	u8 prog_val[VS];
	u8 *mine;
	int cpu;

	memset(&zero, 0, sizeof(zero));
	if (is_array) {
		EXPECT_EQ(tmap_lookup_sys(map, key, &out), 0);
		EXPECT_MEM_EQ(&out, &zero, sizeof(out));
	}

	/* A program on CPU 3 writes its copy only. */
	memset(prog_val, 0x77, sizeof(prog_val));
	kbpf_shim_set_cpu(3);
	EXPECT_EQ(tmap_update(map, key, prog_val, BPF_ANY), 0);
	kbpf_shim_set_cpu(0);
	memset(&out, 0xee, sizeof(out));
	EXPECT_EQ(tmap_lookup_sys(map, key, &out), 0);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (cpu == 3) {
			EXPECT_MEM_EQ(out.slot[cpu], prog_val, VS);
			EXPECT_NULL(memchr_inv(out.slot[cpu] + VS, 0, SLOT - VS));
		} else {
			EXPECT_NULL(memchr_inv(out.slot[cpu], 0, SLOT));
		}
	}

	/* The syscall writes and reads every slot, padding too. */
	pvalue_fill(&in, 1);
	EXPECT_EQ(tmap_update_sys(map, key, &in, BPF_EXIST), 0);
	memset(&out, 0, sizeof(out));
	EXPECT_EQ(tmap_lookup_sys(map, key, &out), 0);
	EXPECT_MEM_EQ(&out, &in, sizeof(in));

	/* Each CPU's program sees its own slot. */
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		kbpf_shim_set_cpu(cpu);
		mine = tmap_lookup(map, key);
		ASSERT_NONNULL(mine);
		EXPECT_MEM_EQ(mine, in.slot[cpu], VS);
		/* Programs may load u64s from a value: 8-byte aligned. */
		EXPECT_EQ((uintptr_t)mine % 8, 0);
	}
	/* CPU 5's program changes CPU 5's copy, in place. */
	kbpf_shim_set_cpu(5);
	memset(prog_val, 0x55, sizeof(prog_val));
	EXPECT_EQ(tmap_update(map, key, prog_val, BPF_EXIST), 0);
	kbpf_shim_set_cpu(0);
	memcpy(in.slot[5], prog_val, VS);
	EXPECT_EQ(tmap_lookup_sys(map, key, &out), 0);
	EXPECT_MEM_EQ(&out, &in, sizeof(in));
}

TEST(percpu_array_layout)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, VS, 4,
					   0);
	u32 key = 2, other = 1;
	struct pvalue out;

	ASSERT_TRUE(!IS_ERR(map));
	layout_check(map, &key, true);
	/* The neighbour is untouched. */
	EXPECT_EQ(tmap_lookup_sys(map, &other, &out), 0);
	EXPECT_NULL(memchr_inv(&out, 0, sizeof(out)));
	tmap_destroy(map);
}

TEST(percpu_array_errors)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, VS, 4,
					   0);
	struct pvalue in, out;
	u32 key = 0, next;

	ASSERT_TRUE(!IS_ERR(map));
	pvalue_fill(&in, 9);
	/* The syscall's update: unknown flags (BPF_F_LOCK too), index, NOEXIST. */
	EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_F_LOCK), -EINVAL);
	EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_EXIST + 1), -EINVAL);
	key = 4;
	EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_ANY), -E2BIG);
	EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_F_LOCK), -EINVAL);
	key = 0;
	EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_NOEXIST), -EEXIST);
	EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_EXIST), 0);
	/* A program's: BPF_F_LOCK passes the flag check, then fails. */
	EXPECT_EQ(tmap_update(map, &key, &in, BPF_F_LOCK), -EINVAL);
	EXPECT_EQ(tmap_update(map, &key, &in, BPF_F_LOCK | BPF_NOEXIST),
		  -EEXIST);
	EXPECT_EQ(tmap_update(map, &key, &in, BPF_EXIST + 1), -EINVAL);
	key = 4;
	EXPECT_EQ(tmap_update(map, &key, &in, BPF_ANY), -E2BIG);
	EXPECT_EQ(tmap_lookup_sys(map, &key, &out), -ENOENT);
	EXPECT_NULL(tmap_lookup(map, &key));
	key = 0;
	EXPECT_EQ(tmap_delete(map, &key), -EINVAL);
	EXPECT_EQ(tmap_lookup_sys(map, &key, &out), 0);
	EXPECT_MEM_EQ(&out, &in, sizeof(in));
	EXPECT_EQ(tmap_next_key(map, NULL, &next), 0);
	EXPECT_EQ(next, 0);
	key = 3;
	EXPECT_EQ(tmap_next_key(map, &key, &next), -ENOENT);
	tmap_destroy(map);
}

TEST(percpu_hash_layout)
{
	unsigned int t, f;

	for (t = 0; t < ARRAY_SIZE(pcpu_hash_types); t++) {
		for (f = 0; f < 2; f++) {
			u32 flags = f ? (t ? BPF_F_NO_COMMON_LRU :
					     BPF_F_NO_PREALLOC) : 0;
			struct kbpf_map *map = tmap_create(pcpu_hash_types[t],
							   8, VS, 64, flags);
			struct pvalue in, out;
			u64 key = 0x1234;

			ASSERT_TRUE(!IS_ERR(map));
			layout_check(map, &key, false);
			/* lookup-and-delete returns every CPU's value. */
			pvalue_fill(&in, 3);
			EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_ANY), 0);
			memset(&out, 0, sizeof(out));
			EXPECT_EQ(tmap_lookup_and_delete(map, &key, &out, 0), 0);
			EXPECT_MEM_EQ(&out, &in, sizeof(in));
			EXPECT_EQ(tmap_lookup_sys(map, &key, &out), -ENOENT);
			tmap_destroy(map);
		}
	}
}

/*
 * A new element created by a program on one CPU starts at zero on every
 * other CPU, also when its memory held another key's values before.
 */
TEST(percpu_hash_new_element_zeroed)
{
	unsigned int t, round;

	for (t = 0; t < ARRAY_SIZE(pcpu_hash_types); t++) {
		struct kbpf_map *map = tmap_create(pcpu_hash_types[t], 8, VS, 2,
						   0);
		struct pvalue in, out;
		u8 prog_val[VS];
		u64 key;
		int cpu;

		ASSERT_TRUE(!IS_ERR(map));
		pvalue_fill(&in, 0x40);
		memset(prog_val, 0x99, sizeof(prog_val));
		for (round = 0; round < 6; round++) {
			key = 100 + round;
			EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_ANY), 0);
			EXPECT_EQ(tmap_delete(map, &key), 0);
			kbpf_shim_set_cpu(round % NR_CPUS);
			key = 200 + round;
			EXPECT_EQ(tmap_update(map, &key, prog_val, BPF_NOEXIST), 0);
			kbpf_shim_set_cpu(0);
			EXPECT_EQ(tmap_lookup_sys(map, &key, &out), 0);
			for (cpu = 0; cpu < NR_CPUS; cpu++) {
				if (cpu == (int)(round % NR_CPUS)) {
					EXPECT_MEM_EQ(out.slot[cpu], prog_val, VS);
					EXPECT_NULL(memchr_inv(out.slot[cpu] + VS, 0,
							       SLOT - VS));
				} else {
					EXPECT_NULL(memchr_inv(out.slot[cpu], 0, SLOT));
				}
			}
			EXPECT_EQ(tmap_delete(map, &key), 0);
		}
		tmap_destroy(map);
	}
}

TEST(percpu_hash_flags_and_full_map)
{
	static const u32 flavours[] = { 0, BPF_F_NO_PREALLOC };
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(flavours); f++) {
		struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_PERCPU_HASH, 8,
						   VS, 8, flavours[f]);
		struct pvalue in, out;
		u64 key;

		ASSERT_TRUE(!IS_ERR(map));
		pvalue_fill(&in, 5);
		key = 1;
		/* No lock in a per-CPU value: BPF_F_LOCK is an unknown flag. */
		EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_F_LOCK), -EINVAL);
		EXPECT_EQ(tmap_update(map, &key, &in, BPF_F_LOCK), -EINVAL);
		EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_EXIST + 1), -EINVAL);
		EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_EXIST), -ENOENT);
		for (key = 0; key < 8; key++)
			EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_NOEXIST), 0);
		EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_ANY), -E2BIG);
		EXPECT_EQ(tmap_update(map, &key, &in, BPF_ANY), -E2BIG);
		key = 3;
		EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_NOEXIST), -EEXIST);
		/* In place: a full map takes updates of existing keys. */
		pvalue_fill(&in, 6);
		EXPECT_EQ(tmap_update_sys(map, &key, &in, BPF_EXIST), 0);
		EXPECT_EQ(tmap_update(map, &key, &in, BPF_ANY), 0);
		EXPECT_EQ(tmap_lookup_sys(map, &key, &out), 0);
		EXPECT_MEM_EQ(out.slot[1], in.slot[1], SLOT);
		EXPECT_EQ(tmap_delete(map, &key), 0);
		key = 100;
		EXPECT_EQ(tmap_update(map, &key, &in, BPF_NOEXIST), 0);
		EXPECT_EQ(tmap_count_u64(map, 100), 8);
		tmap_destroy(map);
	}
}

/*
 * A random run against a model holding every CPU's value of every key:
 * syscall updates (all CPUs), program updates on a random CPU (its slot;
 * a new element is zero elsewhere), deletes, lookups.
 */
static void pcpu_model_run(u32 flags, u64 seed)
{
	enum { MAX = 40, KEYS = 64 };
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_PERCPU_HASH, 8, VS, MAX,
					   flags);
	struct pvalue *model = calloc(KEYS, sizeof(*model));
	bool present[KEYS] = { false };
	struct trng r = trng_seed(seed);
	u32 count = 0;
	int step;

	ASSERT_TRUE(!IS_ERR(map) && model);
	for (step = 0; step < 20000; step++) {
		u64 key = trng_below(&r, KEYS);
		u32 op = trng_below(&r, 10), i;
		struct pvalue in, out;
		long want, got;

		for (i = 0; i < sizeof(in); i++)
			((u8 *)&in)[i] = trng_next(&r);
		if (op < 3) {
			want = !present[key] && count == MAX ? -E2BIG : 0;
			got = tmap_update_sys(map, &key, &in, BPF_ANY);
			if (!want) {
				count += !present[key];
				present[key] = true;
				model[key] = in;
			}
		} else if (op < 6) {
			int cpu = trng_below(&r, NR_CPUS);

			want = !present[key] && count == MAX ? -E2BIG : 0;
			kbpf_shim_set_cpu(cpu);
			got = tmap_update(map, &key, in.slot[0], BPF_ANY);
			kbpf_shim_set_cpu(0);
			if (!want) {
				if (!present[key])
					memset(&model[key], 0, sizeof(model[key]));
				count += !present[key];
				present[key] = true;
				memcpy(model[key].slot[cpu], in.slot[0], VS);
			}
		} else if (op < 8) {
			want = present[key] ? 0 : -ENOENT;
			got = tmap_delete(map, &key);
			count -= !want;
			present[key] = false;
		} else {
			want = present[key] ? 0 : -ENOENT;
			got = tmap_lookup_sys(map, &key, &out);
			if (!want && !got)
				EXPECT_MEM_EQ(&out, &model[key], sizeof(out));
		}
		if (!EXPECT_EQ(got, want)) {
			fprintf(stderr, "  step %d op %u key %llu\n", step, op,
				(unsigned long long)key);
			break;
		}
	}
	EXPECT_EQ(tmap_count_u64(map, 1000), count);
	free(model);
	tmap_destroy(map);
}

TEST(percpu_hash_random_vs_model)
{
	pcpu_model_run(0, 11);
	pcpu_model_run(BPF_F_NO_PREALLOC, 12);
}

/*
 * Per-CPU counters, the reason these maps exist: threads on CPUs 1-6 each
 * increment counters through a program's lookup (a plain ++ on their own
 * CPU's copy, no atomics) while a seventh reads them through the syscall.
 * No increment is lost, no CPU sees another's, and a reader never sees a
 * counter go backwards.
 */
#define CTR_THREADS	6
#define CTR_KEYS	16
#define CTR_STEPS	40000

struct ctr_run {
	struct kbpf_map *map;
	u32 key_size;
	u64 done_count[CTR_THREADS][CTR_KEYS];
	int writers_left;
};

static void ctr_key(struct ctr_run *run, u32 i, u64 *key)
{
	*key = run->key_size == 4 ? i : 0x100000000ULL | i;
}

static void ctr_thread(int index, void *arg)
{
	struct ctr_run *run = arg;
	struct trng r = trng_seed(77 + index);
	u64 key, (*vals)[NR_CPUS], *last;
	int step, cpu;
	u32 i;

	if (index < CTR_THREADS) {
		for (step = 0; step < CTR_STEPS; step++) {
			u64 *ctr;

			i = trng_below(&r, CTR_KEYS);
			ctr_key(run, i, &key);
			rcu_read_lock();
			ctr = run->map->ops->map_lookup_elem(run->map, &key);
			if (EXPECT_NONNULL(ctr))
				(*ctr)++;
			rcu_read_unlock();
			run->done_count[index][i]++;
		}
		__atomic_sub_fetch(&run->writers_left, 1, __ATOMIC_RELEASE);
		return;
	}
	vals = calloc(CTR_KEYS * NR_CPUS, sizeof(u64));
	last = calloc(CTR_KEYS * NR_CPUS, sizeof(u64));
	BUG_ON(!vals || !last);
	while (__atomic_load_n(&run->writers_left, __ATOMIC_ACQUIRE)) {
		i = trng_below(&r, CTR_KEYS);
		ctr_key(run, i, &key);
		if (!EXPECT_EQ(tmap_lookup_sys(run->map, &key, vals[i]), 0))
			break;
		for (cpu = 0; cpu < NR_CPUS; cpu++) {
			EXPECT_TRUE(vals[i][cpu] >= last[i * NR_CPUS + cpu]);
			last[i * NR_CPUS + cpu] = vals[i][cpu];
		}
	}
	free(vals);
	free(last);
}

static void ctr_run(u32 type, u32 key_size, u32 flags)
{
	struct ctr_run *run = calloc(1, sizeof(*run));
	u64 key, vals[NR_CPUS], zero[NR_CPUS] = { 0 };
	int cpu;
	u32 i;

	ASSERT_NONNULL(run);
	run->key_size = key_size;
	run->writers_left = CTR_THREADS;
	run->map = tmap_create(type, key_size, 8, CTR_KEYS, flags);
	ASSERT_TRUE(!IS_ERR(run->map));
	for (i = 0; i < CTR_KEYS; i++) {
		ctr_key(run, i, &key);
		EXPECT_EQ(tmap_update_sys(run->map, &key, zero, BPF_ANY), 0);
	}
	tthread_run(CTR_THREADS + 1, ctr_thread, run);
	for (i = 0; i < CTR_KEYS; i++) {
		ctr_key(run, i, &key);
		EXPECT_EQ(tmap_lookup_sys(run->map, &key, vals), 0);
		/* Thread t ran on CPU 1 + t; CPU 0 and 7 counted nothing. */
		for (cpu = 0; cpu < NR_CPUS; cpu++)
			EXPECT_EQ(vals[cpu], cpu >= 1 && cpu <= CTR_THREADS ?
				  run->done_count[cpu - 1][i] : 0);
	}
	tmap_destroy(run->map);
	free(run);
}

TEST(percpu_counters_concurrent)
{
	ctr_run(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 0);
	ctr_run(BPF_MAP_TYPE_PERCPU_HASH, 8, 0);
	ctr_run(BPF_MAP_TYPE_PERCPU_HASH, 8, BPF_F_NO_PREALLOC);
	ctr_run(BPF_MAP_TYPE_LRU_PERCPU_HASH, 8, 0);
}
