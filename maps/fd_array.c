// SPDX-License-Identifier: GPL-2.0
/*
 * Arrays of objects named by fd: BPF_MAP_TYPE_PROG_ARRAY (the slots tail
 * calls jump through) and BPF_MAP_TYPE_ARRAY_OF_MAPS. Userspace writes a
 * 4-byte fd as the value and reads back the object's id; programs see the
 * object itself. Each slot holds one reference, taken through
 * map->fd_ops->get() and dropped through ->put() when the slot is
 * overwritten or deleted, when the last user fd closes (PROG_ARRAY, which
 * breaks the program <-> array reference cycle, as Linux does) and when
 * the map is freed. Slots change with xchg() while programs read them
 * under RCU; an object put here outlives those readers because its own
 * free waits for an RCU grace period.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/map.h>

/* PROG_ARRAY's layout is the runtimes' (engine.h); both types share it. */
static struct kbpf_prog_array *to_fd_array(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_prog_array, map);
}

static void **fd_slot(struct kbpf_map *map, u32 index)
{
	return (void **)&to_fd_array(map)->ptrs[index];
}

/* Linux's fd_array_map_alloc_check() and then array_map_alloc_check(). */
static int fd_array_map_alloc_check(union bpf_attr *attr)
{
	const u32 mask = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY;

	/* Only fds are stored, and programs never read or write them. */
	if (attr->value_size != sizeof(u32) ||
	    attr->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EINVAL;
	/* BPF_F_INNER_MAP and BPF_F_MMAPABLE belong to plain arrays. */
	if (attr->max_entries == 0 || attr->key_size != 4 ||
	    attr->map_flags & ~mask)
		return -EINVAL;
	return 0;
}

static struct kbpf_map *fd_array_map_alloc(union bpf_attr *attr)
{
	struct kbpf_prog_array *array;

	array = kbpf_map_area_alloc(struct_size(array, ptrs,
						(u64)attr->max_entries),
				    kbpf_map_attr_numa_node(attr));
	if (!array)
		return ERR_PTR(-ENOMEM);
	kbpf_map_init_from_attr(&array->map, attr);
	spin_lock_init(&array->owner_lock);
	return &array->map;
}

/* Empty every slot, dropping each reference (after delete's xchg). */
static void fd_array_clear(struct kbpf_map *map)
{
	void *old;
	u32 i;

	for (i = 0; i < map->max_entries; i++) {
		old = xchg(fd_slot(map, i), NULL);
		if (old)
			map->fd_ops->put(map, old);
		cond_resched();
	}
}

static void fd_array_map_free(struct kbpf_map *map)
{
	if (map->fd_ops)
		fd_array_clear(map);
	kbpf_map_meta_free(map->inner_map_meta);
	kbpf_map_area_free(to_fd_array(map));
}

/* Programs do not look prog array slots up: only tail calls read them. */
static void *prog_array_map_lookup_elem(struct kbpf_map *map, void *key)
{
	return ERR_PTR(-EOPNOTSUPP);
}

/* A program's lookup in an array of maps: the inner map, or NULL. */
static void *array_of_maps_lookup_elem(struct kbpf_map *map, void *key)
{
	u32 index = *(u32 *)key;

	if (unlikely(index >= map->max_entries))
		return NULL;
	return READ_ONCE(*fd_slot(map, index));
}

/* Neither programs nor the syscall update through the value in place. */
static long fd_array_map_update_elem(struct kbpf_map *map, void *key,
				     void *value, u64 flags)
{
	return -EOPNOTSUPP;
}

/* The syscall's lookup: the id of the object in the slot. */
static int fd_array_map_copy_value(struct kbpf_map *map, void *key,
				   void *value)
{
	u32 index = *(u32 *)key;
	void *ptr;

	if (!map->fd_ops)
		return -ENOTSUPP;
	if (index >= map->max_entries)
		return -ENOENT;
	ptr = READ_ONCE(*fd_slot(map, index));
	if (!ptr)
		return -ENOENT;
	*(u32 *)value = map->fd_ops->sys_lookup(ptr);
	return 0;
}

/* The syscall's update: value is an fd; Linux's checks in Linux's order. */
static long fd_array_map_update_value(struct kbpf_map *map, void *key,
				      void *value, u64 flags)
{
	u32 index = *(u32 *)key;
	void *new, *old;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (index >= map->max_entries)
		return -E2BIG;
	if (!map->fd_ops)
		return -ENOTSUPP;
	new = map->fd_ops->get(map, *(u32 *)value);
	if (IS_ERR(new))
		return PTR_ERR(new);
	old = xchg(fd_slot(map, index), new);
	if (old)
		map->fd_ops->put(map, old);
	return 0;
}

static long fd_array_map_delete_elem(struct kbpf_map *map, void *key)
{
	u32 index = *(u32 *)key;
	void *old;

	if (index >= map->max_entries)
		return -E2BIG;
	old = xchg(fd_slot(map, index), NULL);
	if (!old)
		return -ENOENT;
	map->fd_ops->put(map, old);
	return 0;
}

static int fd_array_map_get_next_key(struct kbpf_map *map, void *key,
				     void *next_key)
{
	u32 index = key ? *(u32 *)key : U32_MAX;
	u32 *next = next_key;

	if (index >= map->max_entries) {
		*next = 0;
		return 0;
	}
	if (index == map->max_entries - 1)
		return -ENOENT;
	*next = index + 1;
	return 0;
}

/* No fd left: programs alone must not keep each other alive. */
static void prog_array_map_release_uref(struct kbpf_map *map)
{
	if (map->fd_ops)
		fd_array_clear(map);
}

bool kbpf_prog_array_compatible(struct kbpf_map *map,
				const struct kbpf_prog_array_owner *want)
{
	struct kbpf_prog_array *array = to_fd_array(map);
	struct kbpf_prog_array_owner *owner = &array->owner;
	bool ok = true;

	spin_lock(&array->owner_lock);
	if (!owner->set) {
		*owner = *want;
		owner->set = true;
	} else {
		ok = owner->type == want->type &&
		     owner->jited == want->jited &&
		     owner->xdp_has_frags == want->xdp_has_frags &&
		     owner->expected_attach_type == want->expected_attach_type;
	}
	spin_unlock(&array->owner_lock);
	return ok;
}

/* Not an inner map type: the owner is a run-time binding (as in Linux). */
const struct kbpf_map_ops kbpf_prog_array_map_ops = {
	.map_alloc_check = fd_array_map_alloc_check,
	.map_alloc = fd_array_map_alloc,
	.map_free = fd_array_map_free,
	.map_get_next_key = fd_array_map_get_next_key,
	.map_lookup_elem = prog_array_map_lookup_elem,
	.map_update_elem = fd_array_map_update_elem,
	.map_delete_elem = fd_array_map_delete_elem,
	.map_copy_value = fd_array_map_copy_value,
	.map_update_value = fd_array_map_update_value,
	.map_release_uref = prog_array_map_release_uref,
};

const struct kbpf_map_ops kbpf_array_of_maps_map_ops = {
	.map_alloc_check = fd_array_map_alloc_check,
	.map_alloc = fd_array_map_alloc,
	.map_free = fd_array_map_free,
	.map_get_next_key = fd_array_map_get_next_key,
	.map_lookup_elem = array_of_maps_lookup_elem,
	.map_update_elem = fd_array_map_update_elem,
	.map_delete_elem = fd_array_map_delete_elem,
	.map_copy_value = fd_array_map_copy_value,
	.map_update_value = fd_array_map_update_value,
	/* Linux's generic batch commands, which go through the fds and ids. */
	.map_batch_cmds = KBPF_BATCH_LOOKUP | KBPF_BATCH_UPDATE,
};
