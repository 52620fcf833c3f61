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
struct file;
struct poll_table_struct;

struct kbpf_map_ops {
	/* Validate attr before anything is allocated; -errno to refuse. */
	int (*map_alloc_check)(union bpf_attr *attr);
	struct kbpf_map *(*map_alloc)(union bpf_attr *attr);
	/* Called once no program or fd can reach the map any more. */
	void (*map_free)(struct kbpf_map *map);
	int (*map_get_next_key)(struct kbpf_map *map, void *key, void *next_key);
	/*
	 * Returns the value in place, NULL when absent, an ERR_PTR for map
	 * types without elements. Runs under RCU.
	 */
	void *(*map_lookup_elem)(struct kbpf_map *map, void *key);
	/*
	 * Per-CPU maps: the value of key in cpu's copy, NULL when absent or
	 * cpu >= nr_cpu_ids (bpf_map_lookup_percpu_elem). Runs under RCU.
	 */
	void *(*map_lookup_percpu_elem)(struct kbpf_map *map, void *key,
					u32 cpu);
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

	/*
	 * QUEUE and STACK (Linux's bpf_map_push/pop/peek_elem): value holds
	 * value_size bytes. Push takes 0 or BPF_EXIST (make room by dropping
	 * the oldest element); pop and peek fail with -ENOENT when empty.
	 */
	long (*map_push_elem)(struct kbpf_map *map, void *value, u64 flags);
	long (*map_pop_elem)(struct kbpf_map *map, void *value);
	long (*map_peek_elem)(struct kbpf_map *map, void *value);
	/* The batch commands the type takes (KBPF_BATCH_*), as in Linux. */
	u32 map_batch_cmds;
	/*
	 * Bucket-wise batch lookups (hash maps, like Linux's htab batch):
	 * copy the keys and syscall values of every element of bucket into
	 * keys and values, and with do_delete take them out of the map.
	 * scratch holds room pointers. Returns the number of elements in the
	 * bucket, having copied nothing when that exceeds room; -ENOENT past
	 * the last bucket. Without it, lookups walk map_get_next_key().
	 */
	int (*map_batch_bucket)(struct kbpf_map *map, u32 bucket, void *keys,
				void *values, void **scratch, u32 room,
				bool do_delete);

	/*
	 * mmap of the map fd: the vmalloc'ed or vmap'ed area userspace maps
	 * pages of, and its size in bytes (page aligned), or an ERR_PTR when
	 * the type refuses a mapping of pages from pgoff (writable or not).
	 * kmod/ checks that the mapping fits in the area and maps it.
	 * Types without it answer ENOTSUPP, as in Linux.
	 */
	void *(*map_mmap_area)(struct kbpf_map *map, u64 pgoff, u64 pages,
			       bool writable, u64 *size);
	/* poll/epoll on the map fd (ringbuf); EPOLLERR without it. */
	__poll_t (*map_poll)(struct kbpf_map *map, struct file *file,
			     struct poll_table_struct *pts);
	/*
	 * Linux's map_meta_equal: may map take the place of the template
	 * meta (an inner map's type, sizes, flags)? Types without it cannot
	 * be inner maps (ENOTSUPP at create).
	 */
	bool (*map_meta_equal)(const struct kbpf_map *meta,
			       const struct kbpf_map *map);
	/* The last user fd is gone (Linux's map_release_uref). */
	void (*map_release_uref)(struct kbpf_map *map);
	/*
	 * For types whose elements remember the map file that stored them
	 * (PERF_EVENT_ARRAY, as Linux's map_fd_get_ptr(map, map_file, fd)):
	 * the syscall's update, used instead of map_update_value, and
	 * Linux's map_release, called as each map file is closed.
	 */
	long (*map_update_file)(struct kbpf_map *map, struct file *map_file,
				void *key, void *value, u64 flags);
	void (*map_release)(struct kbpf_map *map, struct file *map_file);
	/*
	 * Direct value access (LD_IMM64 of BPF_PSEUDO_MAP_VALUE, Linux's ops
	 * of the same names): the address of the value a program reaches
	 * without a lookup, whose off bytes must lie inside it (-EINVAL, or
	 * -ENOTSUPP when the map has no single such value); and back from
	 * an address inside that value to its offset (-ENOENT when it is
	 * not), for the xlated dump. Types without them refuse the access.
	 */
	int (*map_direct_value_addr)(const struct kbpf_map *map, u64 *imm,
				     u32 off);
	int (*map_direct_value_meta)(const struct kbpf_map *map, u64 imm,
				     u32 *off);
	/*
	 * Linux's map_gen_lookup: write into buf (at most
	 * KBPF_MAP_GEN_LOOKUP_MAX instructions) what replaces a program's
	 * `call bpf_map_lookup_elem` on this map: R1 the map (or another
	 * like it, for an inner map template), R2 the key, R0 the value or
	 * NULL after; R1-R5 may be clobbered. Returns the count, or
	 * -EOPNOTSUPP to keep the call. Runs at load time.
	 */
	int (*map_gen_lookup)(struct kbpf_map *map, struct bpf_insn *buf);
	/*
	 * bpf_for_each_map_elem(): call the program's callback (engine.h)
	 * with (map, key, value, ctx, 0) for each element, in the map's
	 * order, until it returns non-zero; returns the number of calls
	 * made. Under RCU; value is the running CPU's copy in per-CPU maps.
	 * The verifier takes the helper only for types that have it.
	 */
	long (*map_for_each_callback)(struct kbpf_map *map, u64 callback,
				      void *callback_ctx);
};

#define KBPF_MAP_GEN_LOOKUP_MAX	12

/*
 * What maps holding objects by fd (PROG_ARRAY, ARRAY_OF_MAPS,
 * HASH_OF_MAPS) need from the object layer, which the shared core cannot
 * see: kmod/ in the kernel, the tests on the host. get() turns the fd
 * userspace wrote as a value into a referenced pointer (or an ERR_PTR
 * with Linux's errno), put() drops that reference (the object's own
 * free waits for RCU readers), sys_lookup() is the id a syscall lookup
 * returns.
 */
struct kbpf_map_fd_ops {
	void *(*get)(struct kbpf_map *map, int ufd);
	void (*put)(struct kbpf_map *map, void *ptr);
	u32 (*sys_lookup)(void *ptr);
};

#define KBPF_BATCH_LOOKUP		BIT(0)
#define KBPF_BATCH_LOOKUP_AND_DELETE	BIT(1)
#define KBPF_BATCH_UPDATE		BIT(2)
#define KBPF_BATCH_DELETE		BIT(3)

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
	/*
	 * Created with CAP_PERFMON (Linux's map->bypass_spec_v1): arrays of
	 * creators without it are padded to a power of two, and inlined
	 * lookups mask the index (maps/array.c).
	 */
	bool bypass_spec_v1;
	/*
	 * Writable mmaps and syscall writes in flight: BPF_MAP_FREEZE is
	 * refused (EBUSY) while it is not zero, as in Linux.
	 */
	atomic64_t writecnt;
	char name[BPF_OBJ_NAME_LEN];
	/* References from fds and programs; the last put frees the map. */
	refcount_t refcnt;
	/* Serialises BPF_MAP_FREEZE against writers that need a stable view. */
	struct mutex freeze_mutex;
	/* Open fds (Linux's usercnt): at 0, ops->map_release_uref(). */
	atomic64_t usercnt;
	/* Maps holding objects by fd: how to resolve and release them. */
	const struct kbpf_map_fd_ops *fd_ops;
	/* ARRAY_OF_MAPS, HASH_OF_MAPS: the template every inner map matches. */
	struct kbpf_map *inner_map_meta;
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
extern const struct kbpf_map_ops kbpf_queue_map_ops;
extern const struct kbpf_map_ops kbpf_stack_map_ops;
extern const struct kbpf_map_ops kbpf_lpm_trie_map_ops;
extern const struct kbpf_map_ops kbpf_ringbuf_map_ops;
extern const struct kbpf_map_ops kbpf_cgroup_storage_map_ops;
extern const struct kbpf_map_ops kbpf_percpu_cgroup_storage_map_ops;
extern const struct kbpf_map_ops kbpf_perf_event_array_map_ops;
extern const struct kbpf_map_ops kbpf_prog_array_map_ops;
extern const struct kbpf_map_ops kbpf_array_of_maps_map_ops;
extern const struct kbpf_map_ops kbpf_htab_of_maps_map_ops;
extern const struct kbpf_map_ops kbpf_stack_trace_map_ops;

/* Types whose values are fds on the syscall side and objects inside. */
static inline bool kbpf_map_is_fd_map(u32 map_type)
{
	return map_type == BPF_MAP_TYPE_PROG_ARRAY ||
	       map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	       map_type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

static inline bool kbpf_map_is_map_in_map(u32 map_type)
{
	return map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	       map_type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

/*
 * Map-in-map templates (maps/map_in_map.c). meta_alloc copies what an
 * inner map must match from inner (the map inner_map_fd names):
 * -EINVAL for a map-in-map (one level only), -ENOTSUPP for a type that
 * cannot be an inner map, as Linux's bpf_map_meta_alloc().
 */
struct kbpf_map *kbpf_map_meta_alloc(const struct kbpf_map *inner);
void kbpf_map_meta_free(struct kbpf_map *meta);
/* Linux's bpf_map_meta_equal(): type, key and value size, flags. */
bool kbpf_map_meta_equal(const struct kbpf_map *meta,
			 const struct kbpf_map *map);
/* ARRAY's: the same, and max_entries too unless BPF_F_INNER_MAP. */
bool kbpf_array_map_meta_equal(const struct kbpf_map *meta,
			       const struct kbpf_map *map);

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
/* The same, always vmalloc'ed whole pages, for areas userspace may mmap. */
void *kbpf_map_area_alloc_mmapable(u64 size);
void kbpf_map_area_free(void *area);

#endif /* KBPF_MAP_H */
