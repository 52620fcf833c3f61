// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_HASH_OF_MAPS: a hash table (maps/hash.c) whose values are
 * inner maps. Userspace writes a map fd as the 4-byte value and reads
 * back the inner map's id; inside, the element's pointer-sized value slot
 * holds the inner map and one reference to it, which hash.c drops when
 * the element is replaced, deleted or freed with the table. Programs'
 * lookups return the inner map itself.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>

#include "htab.h"

static int htab_of_maps_alloc_check(union bpf_attr *attr)
{
	/* Only fds are stored. */
	if (attr->value_size != sizeof(u32))
		return -EINVAL;
	return kbpf_htab_alloc_check(attr);
}

static void htab_of_maps_free(struct kbpf_map *map)
{
	kbpf_map_meta_free(map->inner_map_meta);
	kbpf_htab_free(map);
}

static void *htab_of_maps_lookup_elem(struct kbpf_map *map, void *key)
{
	void **slot = kbpf_htab_lookup_elem(map, key);

	return slot ? READ_ONCE(*slot) : NULL;
}

/* Neither programs nor the syscall update through the value in place. */
static long htab_of_maps_update_elem(struct kbpf_map *map, void *key,
				     void *value, u64 flags)
{
	return -EOPNOTSUPP;
}

/* The syscall's update: the fd first, then the table's own checks. */
static long htab_of_maps_update_value(struct kbpf_map *map, void *key,
				      void *value, u64 flags)
{
	void *ptr;
	long err;

	if (!map->fd_ops)
		return -ENOTSUPP;
	ptr = map->fd_ops->get(map, *(u32 *)value);
	if (IS_ERR(ptr))
		return PTR_ERR(ptr);
	err = kbpf_htab_update_elem(map, key, &ptr, flags);
	if (err)
		map->fd_ops->put(map, ptr);
	return err;
}

/* The syscall's lookup: the inner map's id. */
static int htab_of_maps_copy_value(struct kbpf_map *map, void *key,
				   void *value)
{
	void *ptr;

	if (!map->fd_ops)
		return -ENOTSUPP;
	ptr = htab_of_maps_lookup_elem(map, key);
	if (!ptr)
		return -ENOENT;
	*(u32 *)value = map->fd_ops->sys_lookup(ptr);
	return 0;
}

const struct kbpf_map_ops kbpf_htab_of_maps_map_ops = {
	.map_alloc_check = htab_of_maps_alloc_check,
	.map_alloc = kbpf_htab_alloc,
	.map_free = htab_of_maps_free,
	.map_get_next_key = kbpf_htab_get_next_key,
	.map_lookup_elem = htab_of_maps_lookup_elem,
	.map_update_elem = htab_of_maps_update_elem,
	.map_delete_elem = kbpf_htab_delete_elem,
	.map_copy_value = htab_of_maps_copy_value,
	.map_update_value = htab_of_maps_update_value,
	/* Batches as for any hash map; values cross as fds and ids. */
	.map_batch_cmds = KBPF_HTAB_BATCH_CMDS,
	.map_batch_bucket = kbpf_htab_batch_bucket,
};
