// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_STACK_TRACE (maps/stack_trace.c) and the stack helpers
 * (helpers/stack.c): Linux's creation rules, the syscall forms, a
 * fixed-seed random run of bpf_get_stackid()'s map side against a model
 * of Linux's __bpf_get_stackid(), threads storing, reading and deleting
 * stacks at once without losing an element, and the raw tracepoint
 * helpers on this thread's real stack.
 */
#include <kbpf/helpers.h>
#include <kbpf/stack_map.h>

#include "maptest.h"

#define ST	BPF_MAP_TYPE_STACK_TRACE

/* The map's bucket hash (maps/hash.c), which the model uses too. */
u32 kbpf_htab_hash(const void *key, u32 len, u32 seed);

TEST(stack_map_create_rules)
{
	const u32 bid = sizeof(struct bpf_stack_build_id);

	EXPECT_EQ(tmap_check(ST, 4, 8, 1, 0), 0);
	EXPECT_EQ(tmap_check(ST, 4, 127 * 8, 1, 0), 0);
	EXPECT_EQ(tmap_check(ST, 4, 128 * 8, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 8, 8, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 0, 8, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 4, 0, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 4, 4, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 4, 12, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 4, 8, 0, 0), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 4, 8, 1, BPF_F_NUMA_NODE), 0);
	EXPECT_EQ(tmap_check(ST, 4, 8, 1, BPF_F_RDONLY), 0);
	EXPECT_EQ(tmap_check(ST, 4, 8, 1, BPF_F_WRONLY), 0);
	EXPECT_EQ(tmap_check(ST, 4, 8, 1, BPF_F_RDONLY_PROG), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 4, 8, 1, BPF_F_NO_PREALLOC), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 4, 8, 1, BPF_F_ZERO_SEED), -EINVAL);
	/* Build id records: whole ones, at most 127. */
	EXPECT_EQ(tmap_check(ST, 4, bid, 1, BPF_F_STACK_BUILD_ID), 0);
	EXPECT_EQ(tmap_check(ST, 4, 127 * bid, 1, BPF_F_STACK_BUILD_ID), 0);
	EXPECT_EQ(tmap_check(ST, 4, 128 * bid, 1, BPF_F_STACK_BUILD_ID), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 4, 8, 1, BPF_F_STACK_BUILD_ID), -EINVAL);
	EXPECT_EQ(tmap_check(ST, 4, bid + 8, 1, BPF_F_STACK_BUILD_ID), -EINVAL);
	/* The bucket count must be a power of two in a u32. */
	EXPECT_EQ(tmap_check(ST, 4, 8, (1u << 31) + 1, 0), -E2BIG);
	EXPECT_EQ(tmap_check(ST, 4, 8, U32_MAX, 0), -E2BIG);
	/* Attributes first, then size: a huge map is ENOMEM, not E2BIG. */
	EXPECT_EQ(PTR_ERR(tmap_create(ST, 4, 127 * 8, 1u << 31, 0)), -ENOMEM);
	kbpf_shim_set_caps(0);
	EXPECT_EQ(tmap_check(ST, 4, 8, 1, 0), -EPERM);
	kbpf_shim_set_caps(~0ULL);
}

static long get_id(struct kbpf_map *map, const u64 *ips, u32 nr, u64 flags)
{
	long ret;

	rcu_read_lock();
	ret = kbpf_stack_map_get_id(map, ips, nr, flags);
	rcu_read_unlock();
	return ret;
}

TEST(stack_map_syscall_forms)
{
	struct kbpf_map *map = tmap_create(ST, 4, 4 * 8, 3, 0);
	u64 ips[6] = { 11, 22, 33, 44, 55, 66 }, value[4];
	u32 key, next;
	long id, id2;

	ASSERT_TRUE(!IS_ERR(map));
	/* Programs cannot look stacks up; userspace cannot write them. */
	key = 0;
	EXPECT_EQ(PTR_ERR(tmap_lookup(map, &key)), -EOPNOTSUPP);
	EXPECT_EQ(tmap_update_sys(map, &key, value, 0), -EINVAL);
	EXPECT_EQ(tmap_lookup_sys(map, &key, value), -ENOENT);
	EXPECT_EQ(tmap_next_key(map, NULL, &next), -ENOENT);

	id = get_id(map, ips, 2, 0);
	ASSERT_TRUE(id >= 0 && id < 4);
	EXPECT_EQ(get_id(map, ips, 2, 0), id);
	key = id;
	memset(value, 0xaa, sizeof(value));
	EXPECT_EQ(tmap_lookup_sys(map, &key, value), 0);
	EXPECT_EQ(value[0], 11);
	EXPECT_EQ(value[1], 22);
	EXPECT_EQ(value[2], 0);
	EXPECT_EQ(value[3], 0);
	/* Longer than a value holds: the first four frames. */
	id2 = get_id(map, ips, 6, BPF_F_REUSE_STACKID);
	ASSERT_TRUE(id2 >= 0 && id2 < 4);
	key = id2;
	EXPECT_EQ(tmap_lookup_sys(map, &key, value), 0);
	EXPECT_EQ(value[3], 44);
	/* Skip: the frames after the skipped ones; all skipped is EFAULT. */
	EXPECT_EQ(get_id(map, ips, 6, 6), -EFAULT);
	EXPECT_EQ(get_id(map, ips, 2, 2), -EFAULT);

	EXPECT_EQ(tmap_next_key(map, NULL, &next), 0);
	EXPECT_TRUE(next == (u32)id || next == (u32)id2);
	/* Out of range: lookup ENOENT, delete E2BIG (Linux's). */
	key = 4;
	EXPECT_EQ(tmap_lookup_sys(map, &key, value), -ENOENT);
	EXPECT_EQ(tmap_delete(map, &key), -E2BIG);
	/* A key without a stack restarts the walk at the first stack. */
	key = 0;
	while (key == (u32)id || key == (u32)id2)
		key++;
	EXPECT_EQ(tmap_next_key(map, &key, &next), 0);
	EXPECT_EQ(next, (u32)min(id, id2));
	key = id;
	EXPECT_EQ(tmap_delete(map, &key), 0);
	EXPECT_EQ(tmap_delete(map, &key), -ENOENT);
	EXPECT_EQ(tmap_lookup_sys(map, &key, value), -ENOENT);
	tmap_destroy(map);
}

TEST(stack_map_build_id_records)
{
	struct kbpf_map *map = tmap_create(ST, 4, 3 * sizeof(struct bpf_stack_build_id),
					   1, BPF_F_STACK_BUILD_ID);
	struct bpf_stack_build_id v[3];
	u64 ips[2] = { 0xffffffff81000010ULL, 0xffffffff81000020ULL };
	u32 key;
	long id;

	ASSERT_TRUE(!IS_ERR(map));
	id = get_id(map, ips, 2, 0);
	ASSERT_EQ(id, 0);
	/* The one element is in use; an equal stack needs a spare to compare. */
	EXPECT_EQ(get_id(map, ips, 2, 0), -ENOMEM);
	EXPECT_EQ(get_id(map, ips, 2, BPF_F_FAST_STACK_CMP), 0);
	key = 0;
	memset(v, 0xaa, sizeof(v));
	EXPECT_EQ(tmap_lookup_sys(map, &key, v), 0);
	EXPECT_EQ(v[0].status, BPF_STACK_BUILD_ID_IP);
	EXPECT_EQ(v[0].ip, ips[0]);
	EXPECT_EQ(v[0].build_id[0], 0);
	EXPECT_EQ(v[1].ip, ips[1]);
	EXPECT_EQ(v[2].status, 0);
	EXPECT_EQ(v[2].ip, 0);
	tmap_destroy(map);
}

/* ---- Against a model of Linux's __bpf_get_stackid() ---------------------- */

#define MODEL_FRAMES	6
#define POOL		24

struct model_bucket {
	bool used;
	u32 hash, nr;
	u64 data[MODEL_FRAMES];
};

struct model {
	struct model_bucket b[64];
	u32 n_buckets, free, depth;
	bool build_id;
};

static long model_get_id(struct model *m, const u64 *trace, u32 nr, u64 flags)
{
	u32 skip = flags & BPF_F_SKIP_FIELD_MASK, max_depth, tnr, hash, id;
	struct model_bucket *b;
	const u64 *ips;
	bool match;

	if (nr <= skip)
		return -EFAULT;
	max_depth = min_t(u32, m->depth + skip, KBPF_MAX_STACK_DEPTH);
	tnr = min_t(u32, nr - skip, max_depth - skip);
	ips = trace + skip;
	hash = kbpf_htab_hash(ips, tnr * 8, 0);
	id = hash & (m->n_buckets - 1);
	b = &m->b[id];
	match = b->used && b->hash == hash;
	if (match && (flags & BPF_F_FAST_STACK_CMP))
		return id;
	if (m->build_id && !m->free)
		return -ENOMEM;
	if (match && b->nr == tnr && !memcmp(b->data, ips, tnr * 8))
		return id;
	if (b->used && !(flags & BPF_F_REUSE_STACKID))
		return -EEXIST;
	if (!m->free)
		return -ENOMEM;
	if (!b->used)
		m->free--;
	b->used = true;
	b->hash = hash;
	b->nr = tnr;
	memset(b->data, 0, sizeof(b->data));
	memcpy(b->data, ips, tnr * 8);
	return id;
}

static void model_check_value(struct kbpf_map *map, struct model *m, u32 id)
{
	u8 value[MODEL_FRAMES * sizeof(struct bpf_stack_build_id)];
	struct model_bucket *b = &m->b[id];
	u32 i;
	int err = tmap_lookup_sys(map, &id, value);

	if (!EXPECT_EQ(err, b->used ? 0 : -ENOENT) || err)
		return;
	for (i = 0; i < m->depth; i++) {
		u64 ip = i < b->nr ? b->data[i] : 0;

		if (m->build_id) {
			struct bpf_stack_build_id *r = (void *)value;

			EXPECT_EQ(r[i].ip, ip);
			EXPECT_EQ(r[i].status, i < b->nr ? BPF_STACK_BUILD_ID_IP : 0);
		} else {
			EXPECT_EQ(((u64 *)value)[i], ip);
		}
	}
}

static void stack_random_run(u32 max, u32 depth, bool build_id, u64 seed)
{
	u32 esize = build_id ? sizeof(struct bpf_stack_build_id) : 8;
	struct kbpf_map *map = tmap_create(ST, 4, depth * esize, max,
					   build_id ? BPF_F_STACK_BUILD_ID : 0);
	struct trng rng = trng_seed(seed);
	u64 pool[POOL][MODEL_FRAMES + 2];
	u32 pool_nr[POOL], i, j, op;
	struct model *m = calloc(1, sizeof(*m));

	ASSERT_TRUE(!IS_ERR(map));
	m->n_buckets = roundup_pow_of_two(max);
	m->free = max;
	m->depth = depth;
	m->build_id = build_id;
	for (i = 0; i < POOL; i++) {
		pool_nr[i] = 1 + trng_below(&rng, MODEL_FRAMES + 2);
		for (j = 0; j < MODEL_FRAMES + 2; j++)
			pool[i][j] = 0xffffffff81000000ULL + trng_below(&rng, 64) * 16;
	}
	for (i = 0; i < 3000; i++) {
		u32 p = trng_below(&rng, POOL), key = trng_below(&rng, m->n_buckets + 1);
		u64 flags = 0;

		op = trng_below(&rng, 10);
		if (op < 6) {
			if (trng_below(&rng, 3) == 0)
				flags |= BPF_F_REUSE_STACKID;
			if (trng_below(&rng, 4) == 0)
				flags |= BPF_F_FAST_STACK_CMP;
			if (trng_below(&rng, 4) == 0)
				flags |= trng_below(&rng, 4);
			if (!EXPECT_EQ(get_id(map, pool[p], pool_nr[p], flags),
				       model_get_id(m, pool[p], pool_nr[p], flags)))
				break;
		} else if (op < 8) {
			long want = key >= m->n_buckets ? -E2BIG :
				    m->b[key].used ? 0 : -ENOENT;

			EXPECT_EQ(tmap_delete(map, &key), want);
			if (!want) {
				m->b[key].used = false;
				m->free++;
			}
		} else if (op < 9) {
			if (key < m->n_buckets)
				model_check_value(map, m, key);
		} else {
			u32 next, want = 0;
			bool found = false;
			int err;

			/* Linux's walk: the next used id, from 0 after an unused one. */
			if (key < m->n_buckets && m->b[key].used)
				want = key + 1;
			for (; want < m->n_buckets; want++)
				if (m->b[want].used) {
					found = true;
					break;
				}
			err = tmap_next_key(map, &key, &next);
			EXPECT_EQ(err, found ? 0 : -ENOENT);
			if (found && !err)
				EXPECT_EQ(next, want);
		}
	}
	for (i = 0; i < m->n_buckets; i++)
		model_check_value(map, m, i);
	free(m);
	tmap_destroy(map);
}

TEST(stack_map_random_against_model)
{
	static const u32 maxes[] = { 1, 3, 8, 20 };
	static const u32 depths[] = { 1, 4, 6 };
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(maxes); i++)
		for (j = 0; j < ARRAY_SIZE(depths); j++) {
			stack_random_run(maxes[i], depths[j], false, 1 + i * 10 + j);
			stack_random_run(maxes[i], depths[j], true, 100 + i * 10 + j);
		}
}

/* ---- Threads ------------------------------------------------------------ */

#define ST_THREADS	4
#define ST_OPS		20000
#define ST_MAX		16
#define ST_DEPTH	4

struct st_shared {
	struct kbpf_map *map;
	/* Stack s is { s << 8 | 0, s << 8 | 1, ... }: a value names its stack. */
	u32 nstacks;
};

static void st_fill(u64 *ips, u32 s)
{
	u32 i;

	for (i = 0; i < ST_DEPTH; i++)
		ips[i] = (u64)s << 8 | i;
}

static void st_worker(int index, void *arg)
{
	struct st_shared *sh = arg;
	struct trng rng = trng_seed(500 + index);
	u64 ips[ST_DEPTH], value[ST_DEPTH];
	u32 i, k, key;
	long ret;

	for (i = 0; i < ST_OPS; i++) {
		u32 op = trng_below(&rng, 4), s = trng_below(&rng, sh->nstacks);

		key = trng_below(&rng, ST_MAX);
		if (op < 2) {
			st_fill(ips, s);
			ret = get_id(sh->map, ips, ST_DEPTH,
				     op ? BPF_F_REUSE_STACKID : 0);
			if (!EXPECT_TRUE((ret >= 0 && ret < ST_MAX) ||
					 ret == -EEXIST || ret == -ENOMEM))
				return;
		} else if (op == 2) {
			ret = tmap_delete(sh->map, &key);
			if (!EXPECT_TRUE(ret == 0 || ret == -ENOENT))
				return;
		} else if (tmap_lookup_sys(sh->map, &key, value) == 0) {
			/* A whole stack, never a mix of two. */
			for (k = 0; k < ST_DEPTH; k++)
				if (!EXPECT_EQ(value[k], (value[0] & ~0xffULL) | k))
					return;
		}
	}
}

TEST(stack_map_threads_lose_no_element)
{
	struct st_shared sh = { .nstacks = 200 };
	u64 ips[ST_DEPTH];
	bool covered[ST_MAX] = { false };
	u32 key, next, s, n = 0;
	long id;

	sh.map = tmap_create(ST, 4, ST_DEPTH * 8, ST_MAX, 0);
	ASSERT_TRUE(!IS_ERR(sh.map));
	tthread_run(ST_THREADS, st_worker, &sh);

	/* Empty the map, then every bucket must take a stack again. */
	while (tmap_next_key(sh.map, NULL, &next) == 0) {
		key = next;
		ASSERT_EQ(tmap_delete(sh.map, &key), 0);
	}
	for (s = 0; s < 100000 && n < ST_MAX; s++) {
		st_fill(ips, s);
		id = get_id(sh.map, ips, ST_DEPTH, 0);
		if (id == -EEXIST)
			continue;
		ASSERT_TRUE(id >= 0 && id < ST_MAX);
		ASSERT_TRUE(!covered[id]);
		covered[id] = true;
		n++;
	}
	EXPECT_EQ(n, ST_MAX);
	tmap_destroy(sh.map);
}

/* ---- The raw tracepoint helpers on this thread's stack ------------------ */

static const struct kbpf_func_proto *raw_tp_proto(u32 id)
{
	return kbpf_get_func_proto_caps(BPF_PROG_TYPE_RAW_TRACEPOINT, id,
					KBPF_CAP_BPF | KBPF_CAP_PERFMON);
}

/* Where a call from here returns to: the helper's first frame. */
static void *volatile call_site_ret;

static noinline u64 call_helper(const struct kbpf_func_proto *p, u64 r1,
				u64 r2, u64 r3, u64 r4)
{
	u64 ret = p->func(r1, r2, r3, r4, 0);

	call_site_ret = __builtin_return_address(0);
	barrier();
	return ret;
}

/* Every call from one call site, so the stacks are the same. */
struct helper_call {
	const struct kbpf_func_proto *p;
	u64 r2, r3, r4;
	long ret;
};

static noinline void run_calls(struct helper_call *c, u32 n)
{
	u64 ctx = 0;
	u32 i;

	for (i = 0; i < n; i++)
		c[i].ret = call_helper(c[i].p, (u64)&ctx, c[i].r2, c[i].r3,
				       c[i].r4);
}

TEST(stack_helpers_raw_tp_see_the_caller)
{
	const struct kbpf_func_proto *sid = raw_tp_proto(BPF_FUNC_get_stackid);
	const struct kbpf_func_proto *gs = raw_tp_proto(BPF_FUNC_get_stack);
	struct kbpf_map *map = tmap_create(ST, 4, 8 * 8, 16, 0);
	u64 buf[64], buf2[64], buf3[2], value[8], bad[8];
	unsigned long here = (unsigned long)call_helper;
	long n, i;
	u32 key;

	ASSERT_NONNULL(sid);
	ASSERT_NONNULL(gs);
	ASSERT_TRUE(!IS_ERR(map));
	ASSERT_EQ(kbpf_helpers_init(), 0);
	{
		struct helper_call c[] = {
			{ .p = gs, .r2 = (u64)buf, .r3 = sizeof(buf), .r4 = 0 },
			{ .p = gs, .r2 = (u64)buf2, .r3 = sizeof(buf2), .r4 = 1 },
			{ .p = gs, .r2 = (u64)buf3, .r3 = sizeof(buf3), .r4 = 0 },
			{ .p = sid, .r2 = (u64)map, .r3 = 0, .r4 = 0 },
			{ .p = sid, .r2 = (u64)map, .r3 = 0, .r4 = 0 },
			{ .p = sid, .r2 = (u64)map, .r3 = BPF_F_FAST_STACK_CMP, .r4 = 0 },
		};

		run_calls(c, ARRAY_SIZE(c));
		n = c[0].ret;
		ASSERT_TRUE(n >= 3 * 8 && n < (long)sizeof(buf) && n % 8 == 0);
		/* First the return address into call_helper, then its caller. */
		EXPECT_TRUE(buf[0] > here && buf[0] < here + 256);
		EXPECT_EQ(buf[1], (u64)call_site_ret);
		EXPECT_EQ(buf[n / 8], 0);
		/* Skip drops frames from the top. */
		EXPECT_EQ(c[1].ret, n - 8);
		for (i = 0; i < c[1].ret / 8; i++)
			EXPECT_EQ(buf2[i], buf[i + 1]);
		/* A short buffer takes the top frames. */
		EXPECT_EQ(c[2].ret, 16);
		EXPECT_EQ(buf3[0], buf[0]);
		EXPECT_EQ(buf3[1], buf[1]);
		/* The same stack twice is the same id. */
		ASSERT_TRUE(c[3].ret >= 0 && c[3].ret < 16);
		EXPECT_EQ(c[4].ret, c[3].ret);
		EXPECT_EQ(c[5].ret, c[3].ret);
		key = c[3].ret;
		EXPECT_EQ(tmap_lookup_sys(map, &key, value), 0);
		for (i = 0; i < 8; i++)
			EXPECT_EQ(value[i], i < n / 8 ? buf[i] : 0);
	}
	{
		/* Flags: unknown ones EINVAL (buffer cleared), user stacks unsupported. */
		struct helper_call c[] = {
			{ .p = gs, .r2 = (u64)bad, .r3 = sizeof(bad), .r4 = 1ULL << 20 },
			{ .p = gs, .r2 = (u64)bad, .r3 = sizeof(bad), .r4 = BPF_F_USER_BUILD_ID },
			{ .p = gs, .r2 = (u64)bad, .r3 = 12, .r4 = 0 },
			{ .p = gs, .r2 = (u64)bad, .r3 = sizeof(bad), .r4 = BPF_F_USER_STACK },
			{ .p = gs, .r2 = (u64)bad, .r3 = 0, .r4 = 0 },
			{ .p = gs, .r2 = (u64)bad, .r3 = 8, .r4 = 255 },
			{ .p = sid, .r2 = (u64)map, .r3 = BPF_F_USER_STACK, .r4 = 0 },
			{ .p = sid, .r2 = (u64)map, .r3 = 1ULL << 12, .r4 = 0 },
			{ .p = sid, .r2 = (u64)map, .r3 = 255, .r4 = 0 },
		};
		static const long want[] = { -EINVAL, -EINVAL, -EINVAL,
					     -EOPNOTSUPP, 0, -EFAULT,
					     -EOPNOTSUPP, -EINVAL, -EFAULT };

		memset(bad, 0xaa, sizeof(bad));
		run_calls(c, 1);
		EXPECT_EQ(bad[0], 0);
		EXPECT_EQ(bad[7], 0);
		run_calls(c + 1, ARRAY_SIZE(c) - 1);
		for (i = 0; i < (long)ARRAY_SIZE(c); i++)
			EXPECT_EQ(c[i].ret, want[i]);
	}
	kbpf_helpers_exit();
	tmap_destroy(map);
}
