// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY: max_entries fixed-size values indexed by a u32 key,
 * preallocated and zeroed at creation; elements cannot be deleted.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>

/* BPF_F_MMAPABLE is refused until array maps can be mmap'ed. */
#define ARRAY_CREATE_FLAG_MASK (BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | \
				BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG | \
				BPF_F_INNER_MAP)

struct kbpf_array {
	struct kbpf_map map;
	u32 elem_size;
	char *values;
};

static struct kbpf_array *to_array(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_array, map);
}

static int array_map_alloc_check(union bpf_attr *attr)
{
	if (attr->max_entries == 0 || attr->key_size != 4 ||
	    attr->value_size == 0 ||
	    attr->map_flags & ~ARRAY_CREATE_FLAG_MASK ||
	    !kbpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	/* round_up(value_size, 8) must not overflow. */
	if (attr->value_size > INT_MAX)
		return -E2BIG;
	return 0;
}

static struct kbpf_map *array_map_alloc(union bpf_attr *attr)
{
	u32 elem_size = round_up(attr->value_size, 8);
	int numa_node = kbpf_map_attr_numa_node(attr);
	struct kbpf_array *array;

	array = kzalloc_node(sizeof(*array), GFP_USER | __GFP_ACCOUNT,
			     numa_node);
	if (!array)
		return ERR_PTR(-ENOMEM);
	array->values = kbpf_map_area_alloc((u64)attr->max_entries * elem_size,
					    numa_node);
	if (!array->values) {
		kfree(array);
		return ERR_PTR(-ENOMEM);
	}
	array->elem_size = elem_size;
	kbpf_map_init_from_attr(&array->map, attr);
	return &array->map;
}

static void array_map_free(struct kbpf_map *map)
{
	struct kbpf_array *array = to_array(map);

	kbpf_map_area_free(array->values);
	kfree(array);
}

static void *array_map_lookup_elem(struct kbpf_map *map, void *key)
{
	struct kbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;

	if (unlikely(index >= map->max_entries))
		return NULL;
	return array->values + (u64)index * array->elem_size;
}

static long array_map_update_elem(struct kbpf_map *map, void *key,
				  void *value, u64 flags)
{
	struct kbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;

	if (unlikely((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	if (unlikely(index >= map->max_entries))
		return -E2BIG;
	/* Every element always exists. */
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;
	memcpy(array->values + (u64)index * array->elem_size, value,
	       map->value_size);
	return 0;
}

static long array_map_delete_elem(struct kbpf_map *map, void *key)
{
	return -EINVAL;
}

static int array_map_get_next_key(struct kbpf_map *map, void *key,
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

const struct kbpf_map_ops kbpf_array_map_ops = {
	.map_alloc_check = array_map_alloc_check,
	.map_alloc = array_map_alloc,
	.map_free = array_map_free,
	.map_get_next_key = array_map_get_next_key,
	.map_lookup_elem = array_map_lookup_elem,
	.map_update_elem = array_map_update_elem,
	.map_delete_elem = array_map_delete_elem,
};
