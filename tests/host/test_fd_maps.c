// SPDX-License-Identifier: GPL-2.0
/*
 * Maps holding objects by fd (maps/fd_array.c, maps/htab_of_maps.c,
 * maps/map_in_map.c) with fake fd ops standing in for kmod/: each slot
 * holds exactly one reference (dropped on overwrite, delete, the last
 * user fd for PROG_ARRAY, and map free), the owner rule, the map-in-map
 * template rules, and tail calls through a real PROG_ARRAY on the
 * interpreter and the JIT (a self tail call runs 1 + 33 times).
 */
#include <kbpf/engine.h>

#include "../../jit/interp.h"
#include "../../jit/runtime.h"
#include "maptest.h"

/* Fake programs: "fd" n is progs[n]; refs counts what slots hold. */
struct fake_prog {
	struct kbpf_code code;
	int refs;
	u32 id;
	u32 type;
};

static struct fake_prog progs[4];

static void *fake_prog_get(struct kbpf_map *map, int ufd)
{
	struct kbpf_prog_array_owner want = { 0 };
	struct fake_prog *p;

	if (ufd < 0 || ufd >= (int)ARRAY_SIZE(progs))
		return ERR_PTR(-EBADF);
	p = &progs[ufd];
	want.type = p->type;
	want.jited = p->code.jited;
	if (!kbpf_prog_array_compatible(map, &want))
		return ERR_PTR(-EINVAL);
	p->refs++;
	return &p->code;
}

static void fake_prog_put(struct kbpf_map *map, void *ptr)
{
	container_of((struct kbpf_code *)ptr, struct fake_prog, code)->refs--;
}

static u32 fake_prog_id(void *ptr)
{
	return container_of((struct kbpf_code *)ptr, struct fake_prog, code)->id;
}

static const struct kbpf_map_fd_ops fake_prog_ops = {
	.get = fake_prog_get,
	.put = fake_prog_put,
	.sys_lookup = fake_prog_id,
};

static void progs_reset(void)
{
	u32 i;

	memset(progs, 0, sizeof(progs));
	for (i = 0; i < ARRAY_SIZE(progs); i++) {
		progs[i].id = 100 + i;
		progs[i].type = BPF_PROG_TYPE_SOCKET_FILTER;
	}
}

static struct kbpf_map *prog_array(u32 max)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, max, 0);

	BUG_ON(IS_ERR(map));
	map->fd_ops = &fake_prog_ops;
	return map;
}

static long sys_update(struct kbpf_map *map, u32 key, u32 fd, u64 flags)
{
	return map->ops->map_update_value(map, &key, &fd, flags);
}

static int sys_lookup(struct kbpf_map *map, u32 key, u32 *value)
{
	return map->ops->map_copy_value(map, &key, value);
}

static long del(struct kbpf_map *map, u32 key)
{
	return map->ops->map_delete_elem(map, &key);
}

TEST(fd_array_create_rules)
{
	u32 t, types[] = { BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_ARRAY_OF_MAPS };

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		EXPECT_EQ(tmap_check(types[t], 4, 4, 1, 0), 0);
		EXPECT_EQ(tmap_check(types[t], 4, 8, 1, 0), -EINVAL);
		EXPECT_EQ(tmap_check(types[t], 8, 4, 1, 0), -EINVAL);
		EXPECT_EQ(tmap_check(types[t], 4, 4, 0, 0), -EINVAL);
		EXPECT_EQ(tmap_check(types[t], 4, 4, 1, BPF_F_RDONLY_PROG), -EINVAL);
		EXPECT_EQ(tmap_check(types[t], 4, 4, 1, BPF_F_MMAPABLE), -EINVAL);
		EXPECT_EQ(tmap_check(types[t], 4, 4, 1, BPF_F_INNER_MAP), -EINVAL);
		EXPECT_EQ(tmap_check(types[t], 4, 4, 1, BPF_F_RDONLY), 0);
	}
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 8, 1, 0), -EINVAL);
	EXPECT_EQ(tmap_check(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 1, 0), 0);
}

TEST(prog_array_refs)
{
	struct kbpf_map *map;
	u32 value = 0, next;

	progs_reset();
	map = prog_array(4);
	EXPECT_EQ(sys_update(map, 0, 0, BPF_NOEXIST), -EINVAL);
	EXPECT_EQ(sys_update(map, 4, 0, BPF_ANY), -E2BIG);
	EXPECT_EQ(sys_update(map, 0, 99, BPF_ANY), -EBADF);
	EXPECT_EQ(sys_lookup(map, 0, &value), -ENOENT);
	EXPECT_EQ(sys_update(map, 0, 0, BPF_ANY), 0);
	EXPECT_EQ(progs[0].refs, 1);
	EXPECT_EQ(sys_lookup(map, 0, &value), 0);
	EXPECT_EQ(value, 100);
	/* Overwrite: the old program's reference goes, the new one's stays. */
	EXPECT_EQ(sys_update(map, 0, 1, BPF_ANY), 0);
	EXPECT_EQ(progs[0].refs, 0);
	EXPECT_EQ(progs[1].refs, 1);
	EXPECT_EQ(sys_update(map, 1, 1, BPF_ANY), 0);
	EXPECT_EQ(progs[1].refs, 2);
	EXPECT_EQ(del(map, 1), 0);
	EXPECT_EQ(del(map, 1), -ENOENT);
	EXPECT_EQ(del(map, 4), -E2BIG);
	EXPECT_EQ(progs[1].refs, 1);
	EXPECT_TRUE(IS_ERR(map->ops->map_lookup_elem(map, &value)));
	EXPECT_EQ(map->ops->map_get_next_key(map, NULL, &next), 0);
	EXPECT_EQ(next, 0);
	next = 3;
	EXPECT_EQ(map->ops->map_get_next_key(map, &next, &next), -ENOENT);
	/* The last user fd empties the array. */
	EXPECT_EQ(sys_update(map, 2, 2, BPF_ANY), 0);
	map->ops->map_release_uref(map);
	EXPECT_EQ(progs[1].refs, 0);
	EXPECT_EQ(progs[2].refs, 0);
	EXPECT_EQ(sys_lookup(map, 2, &value), -ENOENT);
	/* And a map freed with programs in it drops them too. */
	EXPECT_EQ(sys_update(map, 3, 3, BPF_ANY), 0);
	tmap_destroy(map);
	EXPECT_EQ(progs[3].refs, 0);
}

TEST(prog_array_owner)
{
	struct kbpf_map *map;

	progs_reset();
	progs[1].type = BPF_PROG_TYPE_XDP;
	progs[2].code.jited = true;
	map = prog_array(4);
	EXPECT_EQ(sys_update(map, 0, 0, BPF_ANY), 0);
	EXPECT_EQ(sys_update(map, 1, 1, BPF_ANY), -EINVAL);
	EXPECT_EQ(sys_update(map, 1, 2, BPF_ANY), -EINVAL);
	EXPECT_EQ(progs[1].refs + progs[2].refs, 0);
	/* Emptied, the array keeps its owner, as in Linux. */
	EXPECT_EQ(del(map, 0), 0);
	EXPECT_EQ(sys_update(map, 1, 1, BPF_ANY), -EINVAL);
	EXPECT_EQ(sys_update(map, 1, 3, BPF_ANY), 0);
	tmap_destroy(map);
}

/*
 * Real inner maps behind fake fds (fd n is fd_table[n]): refcnt counts
 * what slots hold, plus the test's own 1.
 */
static struct kbpf_map *fd_table[4];

static void *fake_map_get(struct kbpf_map *map, int ufd)
{
	struct kbpf_map *meta = map->inner_map_meta;
	struct kbpf_map *inner;

	if (ufd < 0 || ufd >= (int)ARRAY_SIZE(fd_table) || !fd_table[ufd])
		return ERR_PTR(-EBADF);
	inner = fd_table[ufd];
	if (!meta->ops->map_meta_equal(meta, inner))
		return ERR_PTR(-EINVAL);
	refcount_inc(&inner->refcnt);
	return inner;
}

static void fake_map_put(struct kbpf_map *map, void *ptr)
{
	struct kbpf_map *inner = ptr;

	BUG_ON(refcount_dec_and_test(&inner->refcnt));
}

static u32 fake_map_id(void *ptr)
{
	return ((struct kbpf_map *)ptr)->id;
}

static const struct kbpf_map_fd_ops fake_map_ops = {
	.get = fake_map_get,
	.put = fake_map_put,
	.sys_lookup = fake_map_id,
};

static struct kbpf_map *inner_array(u32 max, u32 flags, u32 id)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_ARRAY, 4, 8, max, flags);

	BUG_ON(IS_ERR(map));
	refcount_set(&map->refcnt, 1);
	map->id = id;
	return map;
}

static struct kbpf_map *outer_map(u32 type, struct kbpf_map *tmpl)
{
	struct kbpf_map *meta = kbpf_map_meta_alloc(tmpl);
	struct kbpf_map *map;

	BUG_ON(IS_ERR(meta));
	map = tmap_create(type, 4, 4, 8, 0);
	BUG_ON(IS_ERR(map));
	map->inner_map_meta = meta;
	map->fd_ops = &fake_map_ops;
	return map;
}

TEST(map_in_map_template)
{
	struct kbpf_map *tmpl = inner_array(2, 0, 1);
	struct kbpf_map *flex = inner_array(2, BPF_F_INNER_MAP, 2);
	struct kbpf_map *big = inner_array(3, 0, 3);
	struct kbpf_map *bigflex = inner_array(30, BPF_F_INNER_MAP, 4);
	struct kbpf_map *meta = kbpf_map_meta_alloc(tmpl);
	struct kbpf_map *flex_meta = kbpf_map_meta_alloc(flex);
	struct kbpf_map *outer, *progs_map;

	ASSERT_TRUE(!IS_ERR(meta) && !IS_ERR(flex_meta));
	EXPECT_TRUE(meta->ops->map_meta_equal(meta, tmpl));
	EXPECT_FALSE(meta->ops->map_meta_equal(meta, big));
	EXPECT_FALSE(meta->ops->map_meta_equal(meta, flex));
	EXPECT_TRUE(flex_meta->ops->map_meta_equal(flex_meta, bigflex));
	EXPECT_EQ(meta->key_size, 4);
	EXPECT_EQ(meta->value_size, 8);
	/* One level only, and no prog arrays inside. */
	outer = outer_map(BPF_MAP_TYPE_ARRAY_OF_MAPS, tmpl);
	EXPECT_EQ(PTR_ERR(kbpf_map_meta_alloc(outer)), -EINVAL);
	progs_map = prog_array(1);
	EXPECT_EQ(PTR_ERR(kbpf_map_meta_alloc(progs_map)), -ENOTSUPP);
	tmap_destroy(progs_map);
	tmap_destroy(outer);
	kbpf_map_meta_free(flex_meta);
	kbpf_map_meta_free(meta);
	tmap_destroy(bigflex);
	tmap_destroy(big);
	tmap_destroy(flex);
	tmap_destroy(tmpl);
}

static u32 refs(struct kbpf_map *map)
{
	return refcount_read(&map->refcnt);
}

/* Both map-in-map types: one reference per stored inner map. */
TEST(map_in_map_refs)
{
	u32 t, types[] = { BPF_MAP_TYPE_ARRAY_OF_MAPS, BPF_MAP_TYPE_HASH_OF_MAPS };

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		struct kbpf_map *a = inner_array(2, 0, 11);
		struct kbpf_map *b = inner_array(2, 0, 12);
		struct kbpf_map *wrong = inner_array(5, 0, 13);
		struct kbpf_map *outer = outer_map(types[t], a);
		u32 key = 1, value = 0;

		fd_table[0] = a;
		fd_table[1] = b;
		fd_table[2] = wrong;
		EXPECT_EQ(sys_lookup(outer, 1, &value), -ENOENT);
		EXPECT_NULL(outer->ops->map_lookup_elem(outer, &key));
		EXPECT_EQ(sys_update(outer, 1, 2, BPF_ANY), -EINVAL);
		EXPECT_EQ(sys_update(outer, 1, 3, BPF_ANY), -EBADF);
		EXPECT_EQ(refs(wrong), 1);
		EXPECT_EQ(sys_update(outer, 1, 0, BPF_ANY), 0);
		EXPECT_EQ(refs(a), 2);
		EXPECT_EQ(sys_lookup(outer, 1, &value), 0);
		EXPECT_EQ(value, 11);
		/* A program's lookup gives the inner map itself. */
		EXPECT_EQ(outer->ops->map_lookup_elem(outer, &key), a);
		rcu_read_lock();
		EXPECT_EQ(sys_update(outer, 1, 1, BPF_ANY), 0);
		rcu_read_unlock();
		EXPECT_EQ(refs(a), 1);
		EXPECT_EQ(refs(b), 2);
		EXPECT_EQ(outer->ops->map_lookup_elem(outer, &key), b);
		EXPECT_EQ(sys_update(outer, 2, 0, BPF_ANY), 0);
		if (types[t] == BPF_MAP_TYPE_HASH_OF_MAPS) {
			/* A failed insert keeps no reference. */
			EXPECT_EQ(sys_update(outer, 2, 0, BPF_NOEXIST), -EEXIST);
			EXPECT_EQ(sys_update(outer, 5, 0, BPF_EXIST), -ENOENT);
		}
		EXPECT_EQ(refs(a), 2);
		key = 2;
		EXPECT_EQ(outer->ops->map_delete_elem(outer, &key), 0);
		EXPECT_EQ(outer->ops->map_delete_elem(outer, &key), -ENOENT);
		EXPECT_EQ(refs(a), 1);
		EXPECT_EQ(sys_update(outer, 3, 0, BPF_ANY), 0);
		/* Freeing the outer map drops what it still holds. */
		tmap_destroy(outer);
		EXPECT_EQ(refs(a), 1);
		EXPECT_EQ(refs(b), 1);
		memset(fd_table, 0, sizeof(fd_table));
		tmap_destroy(wrong);
		tmap_destroy(b);
		tmap_destroy(a);
	}
}

#define TC_INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })

/*
 * ctx is a u64 counter: add 1, then tail call slot 0 of map; return 7
 * when the call falls through.
 */
static void self_tail_caller(struct bpf_insn *insns, struct kbpf_map *map)
{
	u64 addr = (unsigned long)map;
	const struct bpf_insn prog[] = {
		TC_INSN(BPF_LDX | BPF_MEM | BPF_DW, 2, 1, 0, 0),
		TC_INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, 1),
		TC_INSN(BPF_STX | BPF_MEM | BPF_DW, 1, 2, 0, 0),
		TC_INSN(BPF_LD | BPF_IMM | BPF_DW, 2, 0, 0, (u32)addr),
		TC_INSN(0, 0, 0, 0, (u32)(addr >> 32)),
		TC_INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 0),
		TC_INSN(BPF_JMP | BPF_TAIL_CALL, 0, 0, 0, 0),
		TC_INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 7),
		TC_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	memcpy(insns, prog, sizeof(prog));
}

/* The runtimes against a PROG_ARRAY from maps/: Linux's count. */
TEST(prog_array_tail_call_runtimes)
{
	int jit;

	for (jit = 0; jit < 2; jit++) {
		struct bpf_insn insns[9];
		struct kbpf_map *map;
		struct kbpf_code *code;
		u64 counter = 0, ret;

		progs_reset();
		map = prog_array(2);
		code = &progs[0].code;
		self_tail_caller(insns, map);
		code->insnsi = insns;
		code->len = ARRAY_SIZE(insns);
		code->bpf_func = kbpf_interp_run;
		if (jit) {
			ASSERT_EQ(kbpf_prog_select_runtime(code, true), 0);
			ASSERT_TRUE(code->jited);
		}
		/* Empty slot: the count still goes up once, then 7. */
		ret = kbpf_code_run(code, &counter);
		EXPECT_EQ(ret, 7);
		EXPECT_EQ(counter, 1);
		EXPECT_EQ(sys_update(map, 0, 0, BPF_ANY), 0);
		counter = 0;
		ret = kbpf_code_run(code, &counter);
		EXPECT_EQ(ret, 7);
		EXPECT_EQ(counter, 1 + KBPF_MAX_TAIL_CALL_CNT);
		tmap_destroy(map);
		EXPECT_EQ(progs[0].refs, 0);
		if (jit)
			kbpf_prog_free_runtime(code);
	}
}

/*
 * Writers replace and delete inner maps while readers look them up under
 * RCU: every map a reader sees is one of the two, and once the outer map
 * is freed each inner map is back to the test's own reference.
 */
#define CONC_WRITERS	2
#define CONC_READERS	2
#define CONC_OPS	20000

static struct kbpf_map *conc_outer;
static int conc_done;

static void *conc_writer(void *arg)
{
	u32 t = (u32)(long)arg, i, seed = 12345 + t, key, fd;

	kbpf_shim_thread_init(1 + t);
	for (i = 0; i < CONC_OPS; i++) {
		seed = seed * 1103515245 + 12345;
		key = (seed >> 8) & 3;
		fd = (seed >> 12) & 1;
		rcu_read_lock();
		if ((seed >> 16) % 3)
			EXPECT_EQ(sys_update(conc_outer, key, fd, BPF_ANY), 0);
		else
			conc_outer->ops->map_delete_elem(conc_outer, &key);
		rcu_read_unlock();
	}
	kbpf_shim_thread_exit();
	return NULL;
}

static void *conc_reader(void *arg)
{
	unsigned long bad = 0;
	struct kbpf_map *inner;
	u32 key, id;

	kbpf_shim_thread_init(1 + CONC_WRITERS + (int)(long)arg);
	while (!__atomic_load_n(&conc_done, __ATOMIC_ACQUIRE)) {
		for (key = 0; key < 4; key++) {
			rcu_read_lock();
			inner = conc_outer->ops->map_lookup_elem(conc_outer, &key);
			id = inner ? READ_ONCE(inner->id) : 11;
			rcu_read_unlock();
			if (id != 11 && id != 12 && bad++ < 3)
				EXPECT_TRUE(id == 11 || id == 12);
		}
	}
	kbpf_shim_thread_exit();
	return NULL;
}

TEST(map_in_map_concurrent)
{
	u32 t, types[] = { BPF_MAP_TYPE_ARRAY_OF_MAPS, BPF_MAP_TYPE_HASH_OF_MAPS };

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		pthread_t w[CONC_WRITERS], r[CONC_READERS];
		struct kbpf_map *a = inner_array(2, 0, 11);
		struct kbpf_map *b = inner_array(2, 0, 12);
		long i;

		fd_table[0] = a;
		fd_table[1] = b;
		conc_outer = outer_map(types[t], a);
		conc_done = 0;
		for (i = 0; i < CONC_READERS; i++)
			ASSERT_EQ(pthread_create(&r[i], NULL, conc_reader,
						 (void *)i), 0);
		for (i = 0; i < CONC_WRITERS; i++)
			ASSERT_EQ(pthread_create(&w[i], NULL, conc_writer,
						 (void *)i), 0);
		for (i = 0; i < CONC_WRITERS; i++)
			pthread_join(w[i], NULL);
		__atomic_store_n(&conc_done, 1, __ATOMIC_RELEASE);
		for (i = 0; i < CONC_READERS; i++)
			pthread_join(r[i], NULL);
		synchronize_rcu();
		tmap_destroy(conc_outer);
		EXPECT_EQ(refs(a), 1);
		EXPECT_EQ(refs(b), 1);
		memset(fd_table, 0, sizeof(fd_table));
		tmap_destroy(b);
		tmap_destroy(a);
	}
}

/* HASH_OF_MAPS batches through the hash table's buckets: ids out, refs dropped. */
TEST(htab_of_maps_batch_bucket)
{
	struct kbpf_map *a = inner_array(2, 0, 21);
	struct kbpf_map *outer = outer_map(BPF_MAP_TYPE_HASH_OF_MAPS, a);
	u32 keys[8], vals[8], bucket, found = 0, i;
	void *scratch[8];
	int n;

	fd_table[0] = a;
	EXPECT_EQ(sys_update(outer, 3, 0, BPF_ANY), 0);
	EXPECT_EQ(sys_update(outer, 4, 0, BPF_ANY), 0);
	EXPECT_EQ(refs(a), 3);
	for (bucket = 0;; bucket++) {
		rcu_read_lock();
		n = outer->ops->map_batch_bucket(outer, bucket, keys, vals,
						 scratch, 8, true);
		rcu_read_unlock();
		if (n < 0)
			break;
		for (i = 0; i < (u32)n; i++, found++)
			EXPECT_EQ(vals[i], 21);
	}
	EXPECT_EQ(n, -ENOENT);
	EXPECT_EQ(found, 2);
	EXPECT_EQ(refs(a), 1);
	tmap_destroy(outer);
	fd_table[0] = NULL;
	tmap_destroy(a);
}
