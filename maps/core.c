// SPDX-License-Identifier: GPL-2.0
/*
 * What every map type shares: the type table, attr-derived fields and the
 * allocation of large map areas.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>

/* Indexed by enum bpf_map_type; NULL for types kbpf does not implement. */
static const struct kbpf_map_ops *const kbpf_map_types[] = {
	[BPF_MAP_TYPE_HASH] = &kbpf_htab_map_ops,
	[BPF_MAP_TYPE_ARRAY] = &kbpf_array_map_ops,
	[BPF_MAP_TYPE_PERCPU_HASH] = &kbpf_htab_percpu_map_ops,
	[BPF_MAP_TYPE_PERCPU_ARRAY] = &kbpf_percpu_array_map_ops,
	[BPF_MAP_TYPE_LRU_HASH] = &kbpf_htab_lru_map_ops,
	[BPF_MAP_TYPE_LRU_PERCPU_HASH] = &kbpf_htab_lru_percpu_map_ops,
	[BPF_MAP_TYPE_LPM_TRIE] = &kbpf_lpm_trie_map_ops,
	[BPF_MAP_TYPE_QUEUE] = &kbpf_queue_map_ops,
	[BPF_MAP_TYPE_STACK] = &kbpf_stack_map_ops,
	[BPF_MAP_TYPE_RINGBUF] = &kbpf_ringbuf_map_ops,
	[BPF_MAP_TYPE_CGROUP_STORAGE] = &kbpf_cgroup_storage_map_ops,
	[BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE] = &kbpf_percpu_cgroup_storage_map_ops,
	[BPF_MAP_TYPE_PERF_EVENT_ARRAY] = &kbpf_perf_event_array_map_ops,
	[BPF_MAP_TYPE_PROG_ARRAY] = &kbpf_prog_array_map_ops,
	[BPF_MAP_TYPE_ARRAY_OF_MAPS] = &kbpf_array_of_maps_map_ops,
	[BPF_MAP_TYPE_HASH_OF_MAPS] = &kbpf_htab_of_maps_map_ops,
	[BPF_MAP_TYPE_STACK_TRACE] = &kbpf_stack_trace_map_ops,
};

const struct kbpf_map_ops *kbpf_map_type_ops(u32 map_type)
{
	if (map_type >= ARRAY_SIZE(kbpf_map_types))
		return NULL;
	return kbpf_map_types[map_type];
}

void kbpf_map_init_from_attr(struct kbpf_map *map, const union bpf_attr *attr)
{
	map->map_type = attr->map_type;
	map->key_size = attr->key_size;
	map->value_size = attr->value_size;
	map->max_entries = attr->max_entries;
	map->map_flags = attr->map_flags;
	map->map_extra = attr->map_extra;
	map->numa_node = kbpf_map_attr_numa_node(attr);
}

bool kbpf_map_is_percpu(u32 map_type)
{
	return map_type == BPF_MAP_TYPE_PERCPU_HASH ||
	       map_type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       map_type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

u32 kbpf_map_value_size(const struct kbpf_map *map)
{
	/* value_size is at most PCPU_MIN_UNIT_SIZE here: no overflow. */
	if (kbpf_map_is_percpu(map->map_type))
		return round_up(map->value_size, 8) * num_possible_cpus();
	return map->value_size;
}

u64 kbpf_map_memory_footprint(const struct kbpf_map *map)
{
	u64 elem = round_up((u64)map->key_size + kbpf_map_value_size(map), 8);

	return round_up((u64)map->max_entries * elem, PAGE_SIZE);
}

void *kbpf_map_area_alloc(u64 size, int numa_node)
{
	/*
	 * Like Linux, refuse sizes that cannot be represented for the
	 * allocator rather than let kvmalloc warn about them.
	 */
	if (size >= U32_MAX - PAGE_SIZE || size > INT_MAX)
		return NULL;
	return kvzalloc_node(size, GFP_USER | __GFP_NOWARN | __GFP_ACCOUNT |
			     __GFP_RETRY_MAYFAIL, numa_node);
}

void kbpf_map_area_free(void *area)
{
	kvfree(area);
}

void *kbpf_map_area_alloc_mmapable(u64 size)
{
	/*
	 * Whole zeroed pages from vmalloc, which userspace can map one page
	 * at a time; charged to the caller's memcg like any map area.
	 */
	if (size >= U32_MAX - PAGE_SIZE || size > INT_MAX)
		return NULL;
	return __vmalloc(PAGE_ALIGN(size), GFP_USER | __GFP_ZERO |
			 __GFP_NOWARN | __GFP_ACCOUNT | __GFP_RETRY_MAYFAIL);
}
