/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the map tests: maps created and driven through their ops the
 * way kmod/ and syscall/ drive them, and a seeded random generator so every
 * "random" test replays exactly.
 *
 * tmap_update()/tmap_lookup() are a program's calls (its own CPU's value,
 * an LRU reference); the _sys variants are the syscall's (every CPU's
 * value, no reference), built the way syscall/map.c builds them.
 */
#ifndef KBPF_TESTS_HOST_MAPTEST_H
#define KBPF_TESTS_HOST_MAPTEST_H

#include <kbpf/kapi.h>
#include <kbpf/map.h>

#include "ktest.h"

static inline union bpf_attr tmap_attr(u32 type, u32 key_size, u32 value_size,
				       u32 max_entries, u32 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = flags;
	return attr;
}

static inline int tmap_check_attr(union bpf_attr attr)
{
	const struct kbpf_map_ops *ops = kbpf_map_type_ops(attr.map_type);

	return ops ? ops->map_alloc_check(&attr) : -EINVAL;
}

static inline int tmap_check(u32 type, u32 key_size, u32 value_size,
			     u32 max_entries, u32 flags)
{
	return tmap_check_attr(tmap_attr(type, key_size, value_size,
					 max_entries, flags));
}

/* BPF_MAP_CREATE's order: check, then alloc; ERR_PTR on failure. */
static inline struct kbpf_map *tmap_create_attr(union bpf_attr attr)
{
	const struct kbpf_map_ops *ops = kbpf_map_type_ops(attr.map_type);
	struct kbpf_map *map;
	int err;

	if (!ops)
		return ERR_PTR(-EINVAL);
	err = ops->map_alloc_check(&attr);
	if (err)
		return ERR_PTR(err);
	map = ops->map_alloc(&attr);
	if (!IS_ERR(map))
		map->ops = ops;
	return map;
}

static inline struct kbpf_map *tmap_create(u32 type, u32 key_size,
					   u32 value_size, u32 max_entries,
					   u32 flags)
{
	return tmap_create_attr(tmap_attr(type, key_size, value_size,
					  max_entries, flags));
}

static inline void tmap_destroy(struct kbpf_map *map)
{
	if (!IS_ERR_OR_NULL(map))
		map->ops->map_free(map);
}

/* A program's lookup: the value in place (its CPU's copy), or NULL. */
static inline void *tmap_lookup(struct kbpf_map *map, const void *key)
{
	void *v;

	rcu_read_lock();
	v = map->ops->map_lookup_elem(map, (void *)key);
	rcu_read_unlock();
	return v;
}

static inline long tmap_update(struct kbpf_map *map, const void *key,
			       const void *value, u64 flags)
{
	long err;

	rcu_read_lock();
	err = map->ops->map_update_elem(map, (void *)key, (void *)value, flags);
	rcu_read_unlock();
	return err;
}

static inline long tmap_delete(struct kbpf_map *map, const void *key)
{
	long err;

	rcu_read_lock();
	err = map->ops->map_delete_elem(map, (void *)key);
	rcu_read_unlock();
	return err;
}

/* BPF_MAP_LOOKUP_ELEM: kbpf_map_value_size() bytes into value. */
static inline int tmap_lookup_sys(struct kbpf_map *map, const void *key,
				  void *value)
{
	void *ptr;
	int err;

	rcu_read_lock();
	if (map->ops->map_copy_value) {
		err = map->ops->map_copy_value(map, (void *)key, value);
	} else {
		ptr = map->ops->map_lookup_elem(map, (void *)key);
		err = ptr ? 0 : -ENOENT;
		if (ptr)
			memcpy(value, ptr, map->value_size);
	}
	rcu_read_unlock();
	return err;
}

/* BPF_MAP_UPDATE_ELEM: value holds kbpf_map_value_size() bytes. */
static inline long tmap_update_sys(struct kbpf_map *map, const void *key,
				   const void *value, u64 flags)
{
	long err;

	rcu_read_lock();
	if (map->ops->map_update_value)
		err = map->ops->map_update_value(map, (void *)key,
						 (void *)value, flags);
	else
		err = map->ops->map_update_elem(map, (void *)key,
						(void *)value, flags);
	rcu_read_unlock();
	return err;
}

static inline int tmap_lookup_and_delete(struct kbpf_map *map,
					 const void *key, void *value,
					 u64 flags)
{
	int err;

	rcu_read_lock();
	err = map->ops->map_lookup_and_delete_elem(map, (void *)key, value,
						   flags);
	rcu_read_unlock();
	return err;
}

static inline int tmap_next_key(struct kbpf_map *map, const void *key,
				void *next)
{
	int err;

	rcu_read_lock();
	err = map->ops->map_get_next_key(map, (void *)key, next);
	rcu_read_unlock();
	return err;
}

/* Keys a full get_next_key walk visits (u64 keys), at most limit. */
static inline u32 tmap_count_u64(struct kbpf_map *map, u32 limit)
{
	u64 key, next;
	u32 n = 0;
	int err;

	for (err = tmap_next_key(map, NULL, &next); !err && n < limit;
	     err = tmap_next_key(map, &key, &next)) {
		key = next;
		n++;
	}
	return n;
}

/* xorshift64*: the tests' only source of randomness, always seeded. */
struct trng {
	u64 s;
};

static inline u64 trng_next(struct trng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* Uniform enough in [0, n) for tests. */
static inline u32 trng_below(struct trng *r, u32 n)
{
	return (u32)((trng_next(r) >> 32) * n >> 32);
}

static inline struct trng trng_seed(u64 seed)
{
	struct trng r = { seed ? seed : 1 };

	trng_next(&r);
	return r;
}

/* Spawn n threads running fn(i), each registered with RCU as CPU 1 + i. */
struct tthread {
	pthread_t tid;
	int index;
	void (*fn)(int index, void *arg);
	void *arg;
};

static inline void *tthread_main(void *p)
{
	struct tthread *t = p;

	kbpf_shim_thread_init(1 + t->index);
	t->fn(t->index, t->arg);
	kbpf_shim_thread_exit();
	return NULL;
}

static inline void tthread_run(int n, void (*fn)(int index, void *arg),
			       void *arg)
{
	struct tthread t[NR_CPUS];
	int i;

	BUG_ON(n < 1 || n > NR_CPUS - 1);
	for (i = 0; i < n; i++) {
		t[i].index = i;
		t[i].fn = fn;
		t[i].arg = arg;
		BUG_ON(pthread_create(&t[i].tid, NULL, tthread_main, &t[i]));
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i].tid, NULL);
}

#endif /* KBPF_TESTS_HOST_MAPTEST_H */
