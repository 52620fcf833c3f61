// SPDX-License-Identifier: GPL-2.0
/*
 * CGROUP_STORAGE and PERCPU_CGROUP_STORAGE under threads, checked against a
 * model: writers replace whole values of the storages they own through the
 * syscall's update, a reader looks them up, a "program" reads its
 * storage's value in place (shared type) or counts in its CPU's copy
 * (per-CPU type), and an "attacher" links and unlinks more storages while
 * walking the keys. No value may be torn or belong to another key, the
 * walk sees only linked keys, and at the end every storage holds what the
 * model says: its owner's last write, the program's count.
 */
#include <kbpf/cgroup_storage.h>

#include "maptest.h"

#define CS		BPF_MAP_TYPE_CGROUP_STORAGE
#define PCS		BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
#define WRITERS		3
#define KEYS_PER	3
#define OWNED		(WRITERS * KEYS_PER)	/* cgroup ids 1..OWNED */
#define PROG_ID		50	/* the storage the program uses */
#define EXTRA_ID	100	/* ids the attacher links and unlinks */
#define EXTRA		4
#define WORDS		4	/* value_size 32: four u64 words */
#define STEPS		20000

/* Thread indexes, as tthread_run() numbers them (CPU 1 + index). */
enum { T_READER = WRITERS, T_PROG, T_ATTACHER, T_COUNT };

struct cs_run {
	struct kbpf_map *map;
	u32 type;
	struct kbpf_cgroup_storage *prog_storage;
	/* The model: each owned id's last generation written (0: none yet). */
	u64 last_gen[OWNED + 1];
	u64 prog_count;
	int writers_left;
};

static bool percpu(const struct cs_run *run)
{
	return run->type == PCS;
}

/* Every word of a value: the id and the generation, so tears show. */
static u64 word_of(u64 id, u64 gen)
{
	return id << 40 | gen;
}

static u32 nslots(const struct cs_run *run)
{
	return percpu(run) ? NR_CPUS : 1;
}

static void fill(const struct cs_run *run, u64 *val, u64 id, u64 gen)
{
	u32 i;

	for (i = 0; i < nslots(run) * WORDS; i++)
		val[i] = word_of(id, gen);
}

/* A whole value of id: one generation in every word, every CPU's copy. */
static bool whole(const struct cs_run *run, const u64 *val, u64 id)
{
	u32 i;

	for (i = 0; i < nslots(run) * WORDS; i++)
		if (val[i] != val[0] || val[i] >> 40 != (val[0] ? id : 0))
			return false;
	return true;
}

static void cs_writer(struct cs_run *run, int index)
{
	u64 val[NR_CPUS * WORDS], id, gen;
	struct trng r = trng_seed(31 + index);
	int step;

	for (step = 1; step <= STEPS; step++) {
		id = 1 + index * KEYS_PER + trng_below(&r, KEYS_PER);
		gen = step;
		fill(run, val, id, gen);
		if (!EXPECT_EQ(tmap_update_sys(run->map, &id, val, BPF_EXIST), 0))
			break;
		run->last_gen[id] = gen;
	}
	__atomic_sub_fetch(&run->writers_left, 1, __ATOMIC_RELEASE);
}

static void cs_reader(struct cs_run *run)
{
	u64 val[NR_CPUS * WORDS], id = 1;
	unsigned long bad = 0;

	while (__atomic_load_n(&run->writers_left, __ATOMIC_ACQUIRE)) {
		id = id % OWNED + 1;
		if (!EXPECT_EQ(tmap_lookup_sys(run->map, &id, val), 0))
			break;
		if (!whole(run, val, id) && bad++ < 3)
			EXPECT_TRUE(whole(run, val, id));
	}
}

/*
 * The program: shared storage read in place (the syscall's update swaps
 * in a new buffer, so a reader never sees a half-written one); per-CPU
 * storage counted in its own CPU's copy, which nothing else writes.
 */
static void cs_prog(struct cs_run *run)
{
	unsigned long bad = 0;
	u64 *p, snap[WORDS];

	while (__atomic_load_n(&run->writers_left, __ATOMIC_ACQUIRE)) {
		rcu_read_lock();
		p = kbpf_cgroup_storage_ptr(run->prog_storage);
		if (percpu(run)) {
			p[0]++;
			run->prog_count++;
		} else {
			memcpy(snap, p, sizeof(snap));
		}
		rcu_read_unlock();
		if (!percpu(run) && snap[0] != snap[WORDS - 1] && bad++ < 3)
			EXPECT_EQ(snap[0], snap[WORDS - 1]);
	}
}

static bool known_id(u64 id)
{
	return (id >= 1 && id <= OWNED) || id == PROG_ID ||
	       (id >= EXTRA_ID && id < EXTRA_ID + EXTRA);
}

static void cs_attacher(struct cs_run *run)
{
	struct kbpf_cgroup_storage *extra[EXTRA] = {};
	struct trng r = trng_seed(7);
	u64 key, next;
	u32 i, n;
	int err;

	while (__atomic_load_n(&run->writers_left, __ATOMIC_ACQUIRE)) {
		i = trng_below(&r, EXTRA);
		if (extra[i]) {
			kbpf_cgroup_storage_unlink(extra[i]);
			kbpf_cgroup_storage_free(extra[i]);
			extra[i] = NULL;
		} else {
			extra[i] = kbpf_cgroup_storage_alloc(run->map);
			if (!EXPECT_TRUE(!IS_ERR(extra[i])))
				break;
			EXPECT_EQ(kbpf_cgroup_storage_link(extra[i],
							   EXTRA_ID + i, 0), 0);
		}
		/* A walk sees linked keys only, each once, and ends. */
		n = 0;
		for (err = tmap_next_key(run->map, NULL, &next); !err;
		     err = tmap_next_key(run->map, &key, &next)) {
			key = next;
			if (!EXPECT_TRUE(known_id(key) &&
					 ++n <= OWNED + 1 + EXTRA))
				break;
		}
	}
	for (i = 0; i < EXTRA; i++) {
		if (!extra[i])
			continue;
		kbpf_cgroup_storage_unlink(extra[i]);
		kbpf_cgroup_storage_free(extra[i]);
	}
}

static void cs_thread(int index, void *arg)
{
	struct cs_run *run = arg;

	if (index < WRITERS)
		cs_writer(run, index);
	else if (index == T_READER)
		cs_reader(run);
	else if (index == T_PROG)
		cs_prog(run);
	else
		cs_attacher(run);
}

static void cs_concurrent(u32 type)
{
	struct kbpf_cgroup_storage *owned[OWNED + 1] = {};
	struct cs_run *run = calloc(1, sizeof(*run));
	u64 val[NR_CPUS * WORDS], id;
	int cpu;

	ASSERT_NONNULL(run);
	run->type = type;
	run->writers_left = WRITERS;
	run->map = tmap_create(type, 8, WORDS * 8, 0, 0);
	ASSERT_TRUE(!IS_ERR(run->map));
	for (id = 1; id <= OWNED; id++) {
		owned[id] = kbpf_cgroup_storage_alloc(run->map);
		ASSERT_TRUE(!IS_ERR(owned[id]));
		ASSERT_EQ(kbpf_cgroup_storage_link(owned[id], id, 0), 0);
	}
	run->prog_storage = kbpf_cgroup_storage_alloc(run->map);
	ASSERT_TRUE(!IS_ERR(run->prog_storage));
	ASSERT_EQ(kbpf_cgroup_storage_link(run->prog_storage, PROG_ID, 0), 0);

	tthread_run(T_COUNT, cs_thread, run);

	/* Each owned storage holds its owner's last write. */
	for (id = 1; id <= OWNED; id++) {
		u64 want[NR_CPUS * WORDS] = {};

		if (run->last_gen[id])
			fill(run, want, id, run->last_gen[id]);
		EXPECT_EQ(tmap_lookup_sys(run->map, &id, val), 0);
		EXPECT_MEM_EQ(val, want, nslots(run) * WORDS * sizeof(u64));
	}
	/* The program counted only in its own CPU's copy (CPU 1 + T_PROG). */
	id = PROG_ID;
	EXPECT_EQ(tmap_lookup_sys(run->map, &id, val), 0);
	if (percpu(run))
		for (cpu = 0; cpu < NR_CPUS; cpu++)
			EXPECT_EQ(val[cpu * WORDS],
				  cpu == 1 + T_PROG ? run->prog_count : 0);
	/* The attacher unlinked all of its storages again. */
	id = EXTRA_ID;
	EXPECT_EQ(tmap_lookup_sys(run->map, &id, val), -ENOENT);
	tmap_destroy(run->map);
	free(run);
}

TEST(cgroup_storage_concurrent)
{
	cs_concurrent(CS);
}

TEST(percpu_cgroup_storage_concurrent)
{
	cs_concurrent(PCS);
}
