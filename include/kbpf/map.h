/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbpf maps: the object every map type embeds and the ops table each type
 * provides, named after Linux's struct bpf_map / struct bpf_map_ops.
 *
 * This header belongs to the shared core: it builds in the kernel and in the
 * host test library. Lifetime (ids, fds, refcounts) lives in kmod/.
 */
#ifndef KBPF_MAP_H
#define KBPF_MAP_H

#include <kbpf/kapi.h>

struct kbpf_map;

struct kbpf_map_ops {
	/* Validate attr before anything is allocated; -errno to refuse. */
	int (*map_alloc_check)(union bpf_attr *attr);
	struct kbpf_map *(*map_alloc)(union bpf_attr *attr);
	/* Called once no program or fd can reach the map any more. */
	void (*map_free)(struct kbpf_map *map);
	int (*map_get_next_key)(struct kbpf_map *map, void *key, void *next_key);
	/* Returns the value in place, NULL when absent. Runs under RCU. */
	void *(*map_lookup_elem)(struct kbpf_map *map, void *key);
	long (*map_update_elem)(struct kbpf_map *map, void *key, void *value,
				u64 flags);
	long (*map_delete_elem)(struct kbpf_map *map, void *key);

	/*
	 * The syscall side of the element commands, under RCU. value holds
	 * kbpf_map_value_size() bytes: one round_up(value_size, 8) slot per
	 * possible CPU for per-CPU maps. A map type without map_copy_value
	 * gets map_lookup_elem() plus a copy of value_size bytes; one without
	 * map_update_value gets map_update_elem(). Unlike a program's lookup,
	 * neither counts as a use of the element (no LRU reference).
	 */
	int (*map_copy_value)(struct kbpf_map *map, void *key, void *value);
	long (*map_update_value)(struct kbpf_map *map, void *key, void *value,
				 u64 flags);
	/* Copy the value out and delete the element; -ENOENT when absent. */
	int (*map_lookup_and_delete_elem)(struct kbpf_map *map, void *key,
					  void *value, u64 flags);
	long (*map_push_elem)(struct kbpf_map *map, void *value, u64 flags);
	long (*map_pop_elem)(struct kbpf_map *map, void *value);
	long (*map_peek_elem)(struct kbpf_map *map, void *value);
};

struct kbpf_map {
	const struct kbpf_map_ops *ops;
	u32 map_type;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;
	u64 map_extra;
	int numa_node;
	u32 id;
	bool frozen;
	char name[BPF_OBJ_NAME_LEN];
	/* References from fds and programs; the last put frees the map. */
	refcount_t refcnt;
	/* Serialises BPF_MAP_FREEZE against writers that need a stable view. */
	struct mutex freeze_mutex;
	struct rcu_head rcu;
	struct work_struct work;
};

/* The map types kbpf implements, one ops table per type (maps/). */
extern const struct kbpf_map_ops kbpf_array_map_ops;
extern const struct kbpf_map_ops kbpf_percpu_array_map_ops;
extern const struct kbpf_map_ops kbpf_htab_map_ops;
extern const struct kbpf_map_ops kbpf_htab_percpu_map_ops;
extern const struct kbpf_map_ops kbpf_htab_lru_map_ops;
extern const struct kbpf_map_ops kbpf_htab_lru_percpu_map_ops;

/* Fill the common fields every map type takes from BPF_MAP_CREATE's attr. */
void kbpf_map_init_from_attr(struct kbpf_map *map, const union bpf_attr *attr);

/* The ops of a map type, or NULL when kbpf does not implement it. */
const struct kbpf_map_ops *kbpf_map_type_ops(u32 map_type);

/* Bytes userspace passes for one value (per-CPU types pass one per CPU). */
u32 kbpf_map_value_size(const struct kbpf_map *map);

/* True for the map types whose every element holds one value per CPU. */
bool kbpf_map_is_percpu(u32 map_type);

/* Linux's memlock figure for fdinfo: entries times rounded key+value. */
u64 kbpf_map_memory_footprint(const struct kbpf_map *map);

/* Flags check shared by map types: RDONLY_PROG and WRONLY_PROG exclude each other. */
static inline bool kbpf_map_flags_access_ok(u32 flags)
{
	return (flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) !=
	       (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG);
}

/*
 * Copy a per-CPU value slot (size a multiple of 8, both sides 8-byte
 * aligned) one u64 at a time, so a reader racing with the copy sees each
 * word either old or new, never a mix of bytes.
 */
static inline void kbpf_map_long_memcpy(void *dst, const void *src, u32 size)
{
	const u64 *s = src;
	u64 *d = dst;
	u32 i;

	for (i = 0; i < size / 8; i++)
		WRITE_ONCE(d[i], READ_ONCE(s[i]));
}

/* NUMA node requested by attr, or NUMA_NO_NODE. */
static inline int kbpf_map_attr_numa_node(const union bpf_attr *attr)
{
	return (attr->map_flags & BPF_F_NUMA_NODE) ?
	       (int)attr->numa_node : NUMA_NO_NODE;
}

/*
 * Large map areas: zeroed, charged to the caller's memcg, and refused
 * quietly (no allocation warning splat) when userspace asks for too much.
 */
void *kbpf_map_area_alloc(u64 size, int numa_node);
void kbpf_map_area_free(void *area);

#endif /* KBPF_MAP_H */
