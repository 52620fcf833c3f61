// SPDX-License-Identifier: GPL-2.0
/*
 * The packing allocator (jit/pack.c): placement rules, exhaustion,
 * fragmentation, bad frees, and long random alloc/free sequences checked
 * against a model that owns every chunk by hand.
 */
#include <kbpf/kapi.h>

#include "ktest.h"
#include "../../jit/pack.h"

#define CHUNK		KBPF_PACK_CHUNK
#define PER_PAGE	(PAGE_SIZE / CHUNK)

TEST(pack_init_rejects_bad_sizes)
{
	struct kbpf_pack p;

	EXPECT_EQ(kbpf_pack_init(&p, 0), -EINVAL);
	EXPECT_EQ(kbpf_pack_init(&p, PAGE_SIZE + 64), -EINVAL);
	ASSERT_EQ(kbpf_pack_init(&p, PAGE_SIZE), 0);
	EXPECT_EQ(kbpf_pack_free_bytes(&p), PAGE_SIZE);
	kbpf_pack_destroy(&p);
}

TEST(pack_small_programs_share_a_page)
{
	struct kbpf_pack p;
	unsigned long i;

	ASSERT_EQ(kbpf_pack_init(&p, 4 * PAGE_SIZE), 0);
	/* Sizes that round up to one chunk each: 64 of them fill page 0. */
	for (i = 0; i < PER_PAGE; i++)
		EXPECT_EQ(kbpf_pack_alloc(&p, 1 + i % CHUNK), i * CHUNK);
	EXPECT_EQ(kbpf_pack_alloc(&p, 100), PAGE_SIZE);
	EXPECT_EQ(kbpf_pack_free_bytes(&p), 3 * PAGE_SIZE - 128);
	kbpf_pack_destroy(&p);
}

TEST(pack_small_allocation_never_straddles_a_page)
{
	struct kbpf_pack p;

	ASSERT_EQ(kbpf_pack_init(&p, 4 * PAGE_SIZE), 0);
	EXPECT_EQ(kbpf_pack_alloc(&p, PAGE_SIZE - CHUNK), 0);
	/* Two chunks do not fit in the one left in page 0. */
	EXPECT_EQ(kbpf_pack_alloc(&p, 2 * CHUNK), PAGE_SIZE);
	/* One chunk does: the hole is filled first. */
	EXPECT_EQ(kbpf_pack_alloc(&p, CHUNK), PAGE_SIZE - CHUNK);
	/* A whole page starts on a page boundary. */
	EXPECT_EQ(kbpf_pack_alloc(&p, PAGE_SIZE), 2 * PAGE_SIZE);
	kbpf_pack_destroy(&p);
}

TEST(pack_large_allocation_takes_consecutive_chunks)
{
	struct kbpf_pack p;
	long a, b;

	ASSERT_EQ(kbpf_pack_init(&p, 8 * PAGE_SIZE), 0);
	EXPECT_EQ(kbpf_pack_alloc(&p, 3 * CHUNK), 0);
	/* Larger than a page: first fit, across page boundaries. */
	a = kbpf_pack_alloc(&p, 2 * PAGE_SIZE + 1);
	EXPECT_EQ(a, 3 * CHUNK);
	EXPECT_TRUE(kbpf_pack_owns(&p, a, 2 * PAGE_SIZE + 1));
	EXPECT_TRUE(kbpf_pack_owns(&p, a, 2 * PAGE_SIZE + CHUNK));
	EXPECT_FALSE(kbpf_pack_owns(&p, a, 2 * PAGE_SIZE + CHUNK + 1));
	b = kbpf_pack_alloc(&p, CHUNK);
	EXPECT_EQ(b, a + 2 * PAGE_SIZE + CHUNK);
	EXPECT_EQ(kbpf_pack_free(&p, a), 2 * PAGE_SIZE + CHUNK);
	/* The freed run is reused first fit. */
	EXPECT_EQ(kbpf_pack_alloc(&p, PAGE_SIZE + 1), a);
	kbpf_pack_destroy(&p);
}

TEST(pack_exhaustion_fails_cleanly)
{
	struct kbpf_pack p;
	unsigned long i;

	ASSERT_EQ(kbpf_pack_init(&p, 2 * PAGE_SIZE), 0);
	EXPECT_EQ(kbpf_pack_alloc(&p, 0), -EINVAL);
	EXPECT_EQ(kbpf_pack_alloc(&p, 2 * PAGE_SIZE + 1), -E2BIG);
	EXPECT_EQ(kbpf_pack_alloc(&p, 2 * PAGE_SIZE), 0);
	EXPECT_EQ(kbpf_pack_alloc(&p, 1), -ENOSPC);
	EXPECT_EQ(kbpf_pack_free(&p, 0), 2 * PAGE_SIZE);
	for (i = 0; i < 2 * PER_PAGE; i++)
		EXPECT_EQ(kbpf_pack_alloc(&p, CHUNK), i * CHUNK);
	EXPECT_EQ(kbpf_pack_alloc(&p, 1), -ENOSPC);
	EXPECT_EQ(kbpf_pack_free_bytes(&p), 0);
	kbpf_pack_destroy(&p);
}

TEST(pack_fragmentation)
{
	struct kbpf_pack p;
	unsigned long i;

	ASSERT_EQ(kbpf_pack_init(&p, PAGE_SIZE), 0);
	for (i = 0; i < PER_PAGE; i++)
		ASSERT_EQ(kbpf_pack_alloc(&p, CHUNK), i * CHUNK);
	for (i = 0; i < PER_PAGE; i += 2)
		EXPECT_EQ(kbpf_pack_free(&p, i * CHUNK), CHUNK);
	/* Half the page is free, but in one-chunk holes. */
	EXPECT_EQ(kbpf_pack_free_bytes(&p), PAGE_SIZE / 2);
	EXPECT_EQ(kbpf_pack_alloc(&p, 2 * CHUNK), -ENOSPC);
	/* Freeing a neighbour of the hole at 10 makes a two-chunk run. */
	EXPECT_EQ(kbpf_pack_free(&p, 11 * CHUNK), CHUNK);
	EXPECT_EQ(kbpf_pack_alloc(&p, 2 * CHUNK), 10 * CHUNK);
	/* Single chunks still go to the first hole. */
	EXPECT_EQ(kbpf_pack_alloc(&p, 1), 0);
	kbpf_pack_destroy(&p);
}

TEST(pack_bad_frees_are_refused)
{
	struct kbpf_pack p;
	long a, b;

	ASSERT_EQ(kbpf_pack_init(&p, 2 * PAGE_SIZE), 0);
	a = kbpf_pack_alloc(&p, 3 * CHUNK);
	b = kbpf_pack_alloc(&p, 2 * CHUNK);
	ASSERT_EQ(a, 0);
	ASSERT_EQ(b, 3 * CHUNK);
	EXPECT_EQ(kbpf_pack_free(&p, a + CHUNK), -EINVAL);	/* middle */
	EXPECT_EQ(kbpf_pack_free(&p, a + 1), -EINVAL);		/* misaligned */
	EXPECT_EQ(kbpf_pack_free(&p, 2 * PAGE_SIZE), -EINVAL);	/* outside */
	EXPECT_EQ(kbpf_pack_free(&p, 10 * CHUNK), -EINVAL);	/* never allocated */
	/* Adjacent allocations: freeing one leaves the other whole. */
	EXPECT_EQ(kbpf_pack_free(&p, a), 3 * CHUNK);
	EXPECT_EQ(kbpf_pack_free(&p, a), -EINVAL);		/* double free */
	EXPECT_TRUE(kbpf_pack_owns(&p, b, 2 * CHUNK));
	EXPECT_EQ(kbpf_pack_free(&p, b), 2 * CHUNK);
	EXPECT_EQ(kbpf_pack_free_bytes(&p), 2 * PAGE_SIZE);
	kbpf_pack_destroy(&p);
}

TEST(pack_owns_stays_inside_one_allocation)
{
	struct kbpf_pack p;
	long a, b;

	ASSERT_EQ(kbpf_pack_init(&p, PAGE_SIZE), 0);
	a = kbpf_pack_alloc(&p, 100);
	b = kbpf_pack_alloc(&p, 100);
	EXPECT_TRUE(kbpf_pack_owns(&p, a, 128));
	EXPECT_TRUE(kbpf_pack_owns(&p, a + 10, 100));
	EXPECT_FALSE(kbpf_pack_owns(&p, a, 129));	/* into b */
	EXPECT_FALSE(kbpf_pack_owns(&p, a, 0));
	EXPECT_TRUE(kbpf_pack_owns(&p, b, 128));
	EXPECT_FALSE(kbpf_pack_owns(&p, b, 129));	/* into free space */
	EXPECT_FALSE(kbpf_pack_owns(&p, 4 * CHUNK, 1));
	EXPECT_FALSE(kbpf_pack_owns(&p, PAGE_SIZE - 1, 2));
	EXPECT_FALSE(kbpf_pack_owns(&p, ~0UL, 2));
	kbpf_pack_destroy(&p);
}

/* ---- Random sequences against a model ------------------------------------ */

struct pack_model {
	u32 nr_chunks;
	int *owner;		/* per chunk: allocation id, 0 when free */
	long *off;		/* per id: offset, -1 when not live */
	size_t *size;		/* per id: requested size */
	int nr_ids;
};

static u64 rng_state;

static u64 rng_next(void)
{
	/* xorshift64*: deterministic on every host. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* The placement rule of pack.h, spelled out chunk by chunk. */
static long model_alloc(struct pack_model *m, size_t size, int id)
{
	u32 n = DIV_ROUND_UP(size, CHUNK), i, j;

	if (!size)
		return -EINVAL;
	if (size > (size_t)m->nr_chunks * CHUNK)
		return -E2BIG;
	for (i = 0; i + n <= m->nr_chunks; i++) {
		if (n <= PER_PAGE && i / PER_PAGE != (i + n - 1) / PER_PAGE)
			continue;
		for (j = 0; j < n && !m->owner[i + j]; j++)
			;
		if (j < n)
			continue;
		for (j = 0; j < n; j++)
			m->owner[i + j] = id;
		return (long)i * CHUNK;
	}
	return -ENOSPC;
}

static size_t model_free(struct pack_model *m, int id)
{
	u32 i = m->off[id] / CHUNK, n = 0;

	while (i + n < m->nr_chunks && m->owner[i + n] == id)
		m->owner[i + n++] = 0;
	return (size_t)n * CHUNK;
}

static size_t model_free_bytes(const struct pack_model *m)
{
	size_t n = 0;
	u32 i;

	for (i = 0; i < m->nr_chunks; i++)
		n += !m->owner[i];
	return n * CHUNK;
}

/* Sizes like JITed programs: mostly small, some pages, rare giants. */
static size_t random_size(size_t region)
{
	u64 r = rng_next();

	switch (r % 16) {
	case 0:
		return 1 + (r >> 8) % (4 * PAGE_SIZE);
	case 1:
		return (r >> 8) % 64 ? 1 + (r >> 16) % PAGE_SIZE
				     : 1 + (r >> 16) % (region + CHUNK);
	default:
		return 1 + (r >> 8) % 700;
	}
}

static void pack_random_run(size_t region, int ops, u64 seed)
{
	struct pack_model m = { .nr_chunks = region / CHUNK };
	int max_ids = ops + 1, live = 0, k, id;
	struct kbpf_pack p;

	rng_state = seed;
	m.owner = calloc(m.nr_chunks, sizeof(*m.owner));
	m.off = calloc(max_ids, sizeof(*m.off));
	m.size = calloc(max_ids, sizeof(*m.size));
	ASSERT_TRUE(m.owner && m.off && m.size);
	ASSERT_EQ(kbpf_pack_init(&p, region), 0);

	for (k = 0; k < ops; k++) {
		/* Lean towards allocating until about half full, then balance. */
		bool do_alloc = !live || rng_next() % 100 <
			(kbpf_pack_free_bytes(&p) > region / 2 ? 70 : 45);

		if (do_alloc) {
			size_t size = random_size(region);
			long want, got;

			id = ++m.nr_ids;
			want = model_alloc(&m, size, id);
			got = kbpf_pack_alloc(&p, size);
			if (!EXPECT_EQ(got, want))
				break;
			m.off[id] = got;
			m.size[id] = size;
			if (got >= 0) {
				live++;
				EXPECT_EQ(got % CHUNK, 0);
				EXPECT_TRUE(kbpf_pack_owns(&p, got, size));
			}
		} else {
			/* Free a random live allocation. */
			do {
				id = 1 + rng_next() % m.nr_ids;
			} while (m.off[id] < 0);
			if (!EXPECT_EQ(kbpf_pack_free(&p, m.off[id]),
				       model_free(&m, id)))
				break;
			EXPECT_EQ(kbpf_pack_free(&p, m.off[id]), -EINVAL);
			m.off[id] = -1;
			live--;
		}
		if (!EXPECT_EQ(kbpf_pack_free_bytes(&p), model_free_bytes(&m)))
			break;
	}

	/* Every survivor still owns exactly its chunks; then free them all. */
	for (id = 1; id <= m.nr_ids; id++) {
		if (m.off[id] < 0)
			continue;
		EXPECT_TRUE(kbpf_pack_owns(&p, m.off[id], m.size[id]));
		EXPECT_EQ(kbpf_pack_free(&p, m.off[id]), model_free(&m, id));
	}
	EXPECT_EQ(kbpf_pack_free_bytes(&p), region);
	kbpf_pack_destroy(&p);
	free(m.owner);
	free(m.off);
	free(m.size);
}

TEST(pack_random_small_region_vs_model)
{
	pack_random_run(16 * PAGE_SIZE, 20000, 0x6b627066);
}

TEST(pack_random_arena_sized_region_vs_model)
{
	pack_random_run(4UL << 20, 4000, 0x9e3779b97f4a7c15ULL);
}
