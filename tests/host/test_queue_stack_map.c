// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK (maps/queue_stack.c): creation
 * rules, the push/pop/peek ops and their syscall forms, a fixed-seed random
 * run against a model (an array used as a deque), and threads pushing and
 * popping at once: nothing lost, nothing popped twice, FIFO order per
 * producer for a queue, never more than max_entries held.
 */
#include "maptest.h"

static const u32 qs_types[] = { BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK };

static struct kbpf_map *qs_create(u32 type, u32 value_size, u32 max)
{
	struct kbpf_map *map = tmap_create(type, 0, value_size, max, 0);

	BUG_ON(IS_ERR(map));
	return map;
}

static long push(struct kbpf_map *map, const void *v, u64 flags)
{
	return map->ops->map_push_elem(map, (void *)v, flags);
}

static long pop(struct kbpf_map *map, void *v)
{
	return map->ops->map_pop_elem(map, v);
}

static long peek(struct kbpf_map *map, void *v)
{
	return map->ops->map_peek_elem(map, v);
}

TEST(qs_create_rules)
{
	unsigned int t;

	for (t = 0; t < ARRAY_SIZE(qs_types); t++) {
		u32 type = qs_types[t];

		EXPECT_EQ(tmap_check(type, 0, 4, 1, 0), 0);
		EXPECT_EQ(tmap_check(type, 4, 4, 1, 0), -EINVAL);
		EXPECT_EQ(tmap_check(type, 0, 0, 1, 0), -EINVAL);
		EXPECT_EQ(tmap_check(type, 0, 4, 0, 0), -EINVAL);
		/* Preallocated, always: Linux refuses BPF_F_NO_PREALLOC. */
		EXPECT_EQ(tmap_check(type, 0, 4, 1, BPF_F_NO_PREALLOC), -EINVAL);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, BPF_F_MMAPABLE), -EINVAL);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, BPF_F_ZERO_SEED), -EINVAL);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, BPF_F_NUMA_NODE), 0);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, BPF_F_RDONLY), 0);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, BPF_F_WRONLY), 0);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, BPF_F_RDONLY_PROG), 0);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, BPF_F_WRONLY_PROG), 0);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, BPF_F_RDONLY_PROG |
				     BPF_F_WRONLY_PROG), -EINVAL);
		EXPECT_EQ(tmap_check(type, 0, KMALLOC_MAX_SIZE, 1, 0), 0);
		EXPECT_EQ(tmap_check(type, 0, KMALLOC_MAX_SIZE + 1, 1, 0), -E2BIG);
		/* More than the allocator can give: refused, not attempted. */
		EXPECT_EQ(PTR_ERR(tmap_create(type, 0, 1 << 20, 1 << 20, 0)),
			  -ENOMEM);
		kbpf_shim_set_caps(0);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, 0), -EPERM);
		kbpf_shim_set_caps(1ULL << CAP_BPF);
		EXPECT_EQ(tmap_check(type, 0, 4, 1, 0), 0);
		kbpf_shim_set_caps(~0ULL);
	}
}

TEST(qs_keyed_ops_refused)
{
	unsigned int t;
	u32 v = 1, out;

	for (t = 0; t < ARRAY_SIZE(qs_types); t++) {
		struct kbpf_map *map = qs_create(qs_types[t], 4, 2);

		EXPECT_EQ(push(map, &v, 0), 0);
		EXPECT_NULL(tmap_lookup(map, NULL));
		EXPECT_EQ(tmap_update(map, NULL, &v, 0), -EINVAL);
		EXPECT_EQ(tmap_delete(map, NULL), -EINVAL);
		EXPECT_EQ(tmap_next_key(map, NULL, &out), -EINVAL);
		/* Nothing of that changed the contents. */
		EXPECT_EQ(pop(map, &out), 0);
		EXPECT_EQ(out, 1);
		EXPECT_EQ(pop(map, &out), -ENOENT);
		tmap_destroy(map);
	}
}

TEST(qs_push_flags)
{
	unsigned int t;
	u32 v = 7;

	for (t = 0; t < ARRAY_SIZE(qs_types); t++) {
		struct kbpf_map *map = qs_create(qs_types[t], 4, 2);

		EXPECT_EQ(push(map, &v, BPF_NOEXIST), -EINVAL);
		EXPECT_EQ(push(map, &v, BPF_NOEXIST | BPF_EXIST), -EINVAL);
		EXPECT_EQ(push(map, &v, BPF_F_LOCK), -EINVAL);
		EXPECT_EQ(push(map, &v, 1ULL << 32), -EINVAL);
		EXPECT_EQ(push(map, &v, BPF_ANY), 0);
		EXPECT_EQ(push(map, &v, BPF_EXIST), 0);
		tmap_destroy(map);
	}
}

/* Fill, overflow, overwrite the oldest with BPF_EXIST, drain in order. */
TEST(qs_order_and_overwrite)
{
	u32 v, out, i;
	unsigned int t;

	for (t = 0; t < ARRAY_SIZE(qs_types); t++) {
		bool stack = qs_types[t] == BPF_MAP_TYPE_STACK;
		struct kbpf_map *map = qs_create(qs_types[t], 4, 4);

		out = 0xdead;
		EXPECT_EQ(peek(map, &out), -ENOENT);
		EXPECT_EQ(out, 0);	/* zeroed, like Linux */
		for (v = 1; v <= 4; v++)
			EXPECT_EQ(push(map, &v, 0), 0);
		v = 5;
		EXPECT_EQ(push(map, &v, 0), -E2BIG);
		/* 1 is dropped: 2 3 4 5 remain. */
		EXPECT_EQ(push(map, &v, BPF_EXIST), 0);
		EXPECT_EQ(peek(map, &out), 0);
		EXPECT_EQ(out, stack ? 5 : 2);
		for (i = 0; i < 4; i++) {
			EXPECT_EQ(pop(map, &out), 0);
			EXPECT_EQ(out, stack ? 5 - i : 2 + i);
		}
		out = 0xdead;
		EXPECT_EQ(pop(map, &out), -ENOENT);
		EXPECT_EQ(out, 0);
		tmap_destroy(map);
	}
}

/* The syscall's forms: lookup peeks, update pushes, lookup_and_delete pops. */
TEST(qs_syscall_forms)
{
	unsigned int t;
	u64 v, out;

	for (t = 0; t < ARRAY_SIZE(qs_types); t++) {
		bool stack = qs_types[t] == BPF_MAP_TYPE_STACK;
		struct kbpf_map *map = qs_create(qs_types[t], 8, 2);

		EXPECT_EQ(tmap_lookup_sys(map, NULL, &out), -ENOENT);
		EXPECT_EQ(tmap_lookup_and_delete(map, NULL, &out, 0), -ENOENT);
		for (v = 10; v < 12; v++)
			EXPECT_EQ(tmap_update_sys(map, NULL, &v, BPF_ANY), 0);
		EXPECT_EQ(tmap_update_sys(map, NULL, &v, BPF_ANY), -E2BIG);
		EXPECT_EQ(tmap_update_sys(map, NULL, &v, BPF_NOEXIST), -EINVAL);
		EXPECT_EQ(tmap_lookup_sys(map, NULL, &out), 0);
		EXPECT_EQ(out, stack ? 11 : 10);
		EXPECT_EQ(tmap_lookup_and_delete(map, NULL, &out, BPF_F_LOCK),
			  -EINVAL);
		EXPECT_EQ(tmap_lookup_and_delete(map, NULL, &out, 0), 0);
		EXPECT_EQ(out, stack ? 11 : 10);
		EXPECT_EQ(tmap_lookup_and_delete(map, NULL, &out, 0), 0);
		EXPECT_EQ(out, stack ? 10 : 11);
		EXPECT_EQ(tmap_lookup_and_delete(map, NULL, &out, 0), -ENOENT);
		tmap_destroy(map);
	}
}

/* ---- Random operations against a model ---------------------------------- */

#define MODEL_MAX 64

/* The model: values[0] oldest, values[n - 1] newest. */
struct qs_model {
	u64 values[MODEL_MAX];
	u32 n;
};

static void model_push(struct qs_model *m, u64 v, u32 max)
{
	if (m->n == max) {
		memmove(m->values, m->values + 1, (m->n - 1) * sizeof(u64));
		m->n--;
	}
	m->values[m->n++] = v;
}

/* A value of value_size bytes (13: not a multiple of 8) from a u64. */
static void fill(u8 *buf, u32 size, u64 v)
{
	u32 i;

	for (i = 0; i < size; i++)
		buf[i] = (u8)(v >> (8 * (i % 8))) ^ (u8)i;
}

static void qs_random_run(u32 type, u32 max, u32 value_size, u64 seed)
{
	bool stack = type == BPF_MAP_TYPE_STACK;
	struct kbpf_map *map = qs_create(type, value_size, max);
	struct trng rng = trng_seed(seed);
	struct qs_model m = { .n = 0 };
	u8 buf[16], want[16];
	u64 v, expect;
	long ret;
	int i;

	for (i = 0; i < 20000; i++) {
		u32 op = trng_below(&rng, 8);

		v = trng_next(&rng);
		fill(buf, value_size, v);
		if (op < 3) {		/* push, refused when full */
			ret = push(map, buf, BPF_ANY);
			if (!EXPECT_EQ(ret, m.n == max ? -E2BIG : 0))
				break;
			if (!ret)
				model_push(&m, v, max);
		} else if (op == 3) {	/* push, making room */
			if (!EXPECT_EQ(push(map, buf, BPF_EXIST), 0))
				break;
			model_push(&m, v, max);
		} else {		/* pop (or peek) */
			bool del = op != 7;

			ret = del ? pop(map, buf) : peek(map, buf);
			if (!m.n) {
				memset(want, 0, sizeof(want));
				if (!EXPECT_EQ(ret, -ENOENT) ||
				    !EXPECT_MEM_EQ(buf, want, value_size))
					break;
				continue;
			}
			expect = stack ? m.values[m.n - 1] : m.values[0];
			fill(want, value_size, expect);
			if (!EXPECT_EQ(ret, 0) ||
			    !EXPECT_MEM_EQ(buf, want, value_size))
				break;
			if (!del)
				continue;
			if (!stack)
				memmove(m.values, m.values + 1,
					(m.n - 1) * sizeof(u64));
			m.n--;
		}
	}
	tmap_destroy(map);
}

TEST(qs_random_against_model)
{
	static const u32 maxes[] = { 1, 2, 7, 64 };
	static const u32 sizes[] = { 1, 4, 8, 13 };
	unsigned int t, i, j;

	for (t = 0; t < ARRAY_SIZE(qs_types); t++)
		for (i = 0; i < ARRAY_SIZE(maxes); i++)
			for (j = 0; j < ARRAY_SIZE(sizes); j++)
				qs_random_run(qs_types[t], maxes[i], sizes[j],
					      1 + t * 100 + i * 10 + j);
}

/* ---- Threads ------------------------------------------------------------ */

#define QS_THREADS	4
#define QS_PER_THREAD	20000
#define QS_MAX		64

struct qs_shared {
	struct kbpf_map *map;
	/* Times each pushed value came out, indexed by thread and sequence. */
	atomic_t seen[QS_THREADS][QS_PER_THREAD];
	atomic_t pushed;
	atomic_t popped;
	bool fifo;
};

static void qs_record(struct qs_shared *s, u64 v, u32 *last_seq)
{
	u32 who = v >> 32, seq = (u32)v;

	if (!EXPECT_TRUE(who < QS_THREADS && seq < QS_PER_THREAD))
		return;
	atomic_inc(&s->seen[who][seq]);
	atomic_inc(&s->popped);
	/* A queue hands one producer's values out in the order pushed. */
	if (s->fifo) {
		if (last_seq[who] != U32_MAX)
			EXPECT_TRUE(seq > last_seq[who]);
		last_seq[who] = seq;
	}
}

static void qs_worker(int index, void *arg)
{
	struct qs_shared *s = arg;
	struct trng rng = trng_seed(100 + index);
	u32 last_seq[QS_THREADS], seq = 0;
	u64 v;
	long ret;

	memset(last_seq, 0xff, sizeof(last_seq));
	while (seq < QS_PER_THREAD) {
		if (trng_below(&rng, 2)) {
			v = (u64)index << 32 | seq;
			ret = push(s->map, &v, 0);
			if (ret == 0) {
				seq++;
				atomic_inc(&s->pushed);
			} else if (!EXPECT_EQ(ret, -E2BIG)) {
				return;
			}
		} else {
			ret = pop(s->map, &v);
			if (ret == 0)
				qs_record(s, v, last_seq);
			else if (!EXPECT_EQ(ret, -ENOENT))
				return;
		}
	}
}

TEST(qs_threads_lose_nothing)
{
	unsigned int t;

	for (t = 0; t < ARRAY_SIZE(qs_types); t++) {
		struct qs_shared *s = calloc(1, sizeof(*s));
		u32 last_seq[QS_THREADS], left = 0, i, j;
		u64 v;

		ASSERT_NONNULL(s);
		s->map = qs_create(qs_types[t], 8, QS_MAX);
		s->fifo = qs_types[t] == BPF_MAP_TYPE_QUEUE;
		tthread_run(QS_THREADS, qs_worker, s);

		memset(last_seq, 0xff, sizeof(last_seq));
		while (pop(s->map, &v) == 0) {
			qs_record(s, v, s->fifo ? last_seq : last_seq);
			left++;
		}
		/* What was left fits, and every pushed value came out once. */
		EXPECT_TRUE(left <= QS_MAX);
		EXPECT_EQ(atomic_read(&s->pushed), QS_THREADS * QS_PER_THREAD);
		EXPECT_EQ(atomic_read(&s->popped), QS_THREADS * QS_PER_THREAD);
		for (i = 0; i < QS_THREADS; i++)
			for (j = 0; j < QS_PER_THREAD; j++)
				if (!EXPECT_EQ(atomic_read(&s->seen[i][j]), 1))
					goto out;
out:
		tmap_destroy(s->map);
		free(s);
	}
}

/* With BPF_EXIST pushes never fail; values drop but none comes out twice. */
static void qs_overwriter(int index, void *arg)
{
	struct qs_shared *s = arg;
	u32 last_seq[QS_THREADS], seq;
	u64 v;

	memset(last_seq, 0xff, sizeof(last_seq));
	for (seq = 0; seq < QS_PER_THREAD; seq++) {
		v = (u64)index << 32 | seq;
		if (!EXPECT_EQ(push(s->map, &v, BPF_EXIST), 0))
			return;
		if (seq % 3 == 0 && pop(s->map, &v) == 0)
			qs_record(s, v, last_seq);
	}
}

TEST(qs_threads_overwrite_never_duplicates)
{
	unsigned int t;

	for (t = 0; t < ARRAY_SIZE(qs_types); t++) {
		struct qs_shared *s = calloc(1, sizeof(*s));
		u32 last_seq[QS_THREADS], left = 0, i, j;
		u64 v;

		ASSERT_NONNULL(s);
		s->map = qs_create(qs_types[t], 8, QS_MAX);
		s->fifo = qs_types[t] == BPF_MAP_TYPE_QUEUE;
		tthread_run(QS_THREADS, qs_overwriter, s);
		memset(last_seq, 0xff, sizeof(last_seq));
		while (pop(s->map, &v) == 0) {
			qs_record(s, v, last_seq);
			left++;
		}
		/* The map was full at the end: every thread filled it. */
		EXPECT_EQ(left, QS_MAX);
		for (i = 0; i < QS_THREADS; i++)
			for (j = 0; j < QS_PER_THREAD; j++)
				if (!EXPECT_TRUE(atomic_read(&s->seen[i][j]) <= 1))
					goto out;
out:
		tmap_destroy(s->map);
		free(s);
	}
}
