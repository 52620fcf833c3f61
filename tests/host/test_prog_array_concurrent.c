// SPDX-License-Identifier: GPL-2.0
/*
 * PROG_ARRAY (maps/fd_array.c) under threads, checked against a model:
 * writers put programs into shared slots and delete them, a reader looks
 * slots up the syscall's way (the program's id) and the tail call's way
 * (the slot's code, read once under RCU), a walker runs get_next_key. A
 * slot only ever holds one of the programs, and each program's reference
 * count always equals the number of slots holding it: at the end exactly,
 * and zero once the map is freed. Fake programs stand in for kmod/'s, as
 * in test_fd_maps.c, with atomic reference counts.
 */
#include <kbpf/engine.h>

#include "maptest.h"

#define NPROGS		4
#define SLOTS		8
#define WRITERS		3
#define STEPS		30000

struct cprog {
	struct kbpf_code code;
	atomic_t refs;
	u32 id;
};

static struct cprog cprogs[NPROGS];

static struct cprog *cprog_of(void *ptr)
{
	return container_of((struct kbpf_code *)ptr, struct cprog, code);
}

static void *cprog_get(struct kbpf_map *map, int ufd)
{
	struct kbpf_prog_array_owner want = {
		.type = BPF_PROG_TYPE_SOCKET_FILTER,
	};

	if (ufd < 0 || ufd >= NPROGS)
		return ERR_PTR(-EBADF);
	if (!kbpf_prog_array_compatible(map, &want))
		return ERR_PTR(-EINVAL);
	atomic_inc(&cprogs[ufd].refs);
	return &cprogs[ufd].code;
}

static void cprog_put(struct kbpf_map *map, void *ptr)
{
	atomic_dec(&cprog_of(ptr)->refs);
}

static u32 cprog_id(void *ptr)
{
	return cprog_of(ptr)->id;
}

static const struct kbpf_map_fd_ops cprog_ops = {
	.get = cprog_get,
	.put = cprog_put,
	.sys_lookup = cprog_id,
};

struct pa_run {
	struct kbpf_map *map;
	int writers_left;
};

static bool valid_code(void *ptr)
{
	u32 i;

	for (i = 0; i < NPROGS; i++)
		if (ptr == &cprogs[i].code)
			return true;
	return false;
}

static void pa_writer(struct pa_run *run, int index)
{
	struct trng r = trng_seed(101 + index);
	u32 key, fd;
	long err;
	int step;

	for (step = 0; step < STEPS; step++) {
		key = trng_below(&r, SLOTS);
		fd = trng_below(&r, NPROGS);
		rcu_read_lock();
		if (trng_below(&r, 3)) {
			err = run->map->ops->map_update_value(run->map, &key,
							      &fd, BPF_ANY);
			EXPECT_EQ(err, 0);
		} else {
			err = run->map->ops->map_delete_elem(run->map, &key);
			EXPECT_TRUE(err == 0 || err == -ENOENT);
		}
		rcu_read_unlock();
	}
	__atomic_sub_fetch(&run->writers_left, 1, __ATOMIC_RELEASE);
}

static void pa_reader(struct pa_run *run)
{
	struct kbpf_prog_array *array = container_of(run->map,
						     struct kbpf_prog_array,
						     map);
	unsigned long bad = 0;
	u32 key = 0, id;
	void *code;
	int err;

	while (__atomic_load_n(&run->writers_left, __ATOMIC_ACQUIRE)) {
		key = (key + 1) % SLOTS;
		rcu_read_lock();
		err = run->map->ops->map_copy_value(run->map, &key, &id);
		code = READ_ONCE(array->ptrs[key]);
		rcu_read_unlock();
		if (!(err == -ENOENT || (!err && id >= 100 && id < 100 + NPROGS)) &&
		    bad++ < 3)
			EXPECT_TRUE(err == -ENOENT || !err);
		if (code && !valid_code(code) && bad++ < 3)
			EXPECT_TRUE(valid_code(code));
	}
}

static void pa_walker(struct pa_run *run)
{
	u32 key, next, n;
	int err;

	while (__atomic_load_n(&run->writers_left, __ATOMIC_ACQUIRE)) {
		n = 0;
		for (err = tmap_next_key(run->map, NULL, &next); !err;
		     err = tmap_next_key(run->map, &key, &next)) {
			key = next;
			if (!EXPECT_TRUE(key == n && ++n <= SLOTS))
				return;
		}
		EXPECT_EQ(n, SLOTS);
	}
}

static void pa_thread(int index, void *arg)
{
	struct pa_run *run = arg;

	if (index < WRITERS)
		pa_writer(run, index);
	else if (index == WRITERS)
		pa_reader(run);
	else
		pa_walker(run);
}

TEST(prog_array_concurrent_refs)
{
	struct pa_run run = { .writers_left = WRITERS };
	struct kbpf_prog_array *array;
	u32 held[NPROGS] = {}, i, id;

	memset(cprogs, 0, sizeof(cprogs));
	for (i = 0; i < NPROGS; i++)
		cprogs[i].id = 100 + i;
	run.map = tmap_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, SLOTS, 0);
	ASSERT_TRUE(!IS_ERR(run.map));
	run.map->fd_ops = &cprog_ops;

	tthread_run(WRITERS + 2, pa_thread, &run);

	/* The model: what the slots hold now is what the programs count. */
	array = container_of(run.map, struct kbpf_prog_array, map);
	for (i = 0; i < SLOTS; i++) {
		void *code = array->ptrs[i];

		if (!code) {
			EXPECT_EQ(run.map->ops->map_copy_value(run.map, &i, &id),
				  -ENOENT);
			continue;
		}
		ASSERT_TRUE(valid_code(code));
		held[cprog_of(code)->id - 100]++;
		EXPECT_EQ(run.map->ops->map_copy_value(run.map, &i, &id), 0);
		EXPECT_EQ(id, cprog_of(code)->id);
	}
	for (i = 0; i < NPROGS; i++)
		EXPECT_EQ((u32)atomic_read(&cprogs[i].refs), held[i]);
	/* The last user fd's release empties every slot. */
	run.map->ops->map_release_uref(run.map);
	for (i = 0; i < NPROGS; i++)
		EXPECT_EQ(atomic_read(&cprogs[i].refs), 0);
	tmap_destroy(run.map);
}
