// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: an array of kbpf perf buffers (include/
 * kbpf/perf_buffer.h), indexed by CPU in the usual use, that
 * bpf_perf_event_output() writes to. Linux's rules for fd arrays: u32 key
 * and value, the value an fd on the syscall side (here of a buffer from
 * KBPF_IOCTL_PERF_BUFFER, where Linux takes a perf event's), BPF_ANY only,
 * lookups from the syscall ENOTSUPP, deletes that drop the buffer.
 *
 * As Linux's perf_event_fd_array_release(), closing a map fd (its file)
 * takes out every buffer stored through that file, unless the map was
 * created with BPF_F_PRESERVE_ELEMS (then they stay until the map is
 * freed): so each entry remembers the map file of its update.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/perf_buffer.h>

/* Linux's bpf_event_entry: the buffer and the map file that stored it. */
struct pea_entry {
	struct rcu_head rcu;	/* first: the host's kfree_rcu() wants it so */
	struct kbpf_perf_buffer *pb;
	const struct file *map_file;
};

struct kbpf_perf_event_array {
	struct kbpf_map map;
	/* Replaced with xchg(), read with READ_ONCE() under RCU. */
	struct pea_entry *ptrs[];
};

#define PERF_ARRAY_CREATE_FLAG_MASK					\
	(BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_PRESERVE_ELEMS)

static struct kbpf_perf_event_array *to_pea(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_perf_event_array, map);
}

static int pea_alloc_check(union bpf_attr *attr)
{
	/* Linux's fd_array_map_alloc_check(), then array_map_alloc_check(). */
	if (attr->value_size != sizeof(u32) ||
	    attr->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EINVAL;
	if (!attr->max_entries || attr->key_size != sizeof(u32) ||
	    attr->map_flags & ~PERF_ARRAY_CREATE_FLAG_MASK)
		return -EINVAL;
	return 0;
}

static struct kbpf_map *pea_alloc(union bpf_attr *attr)
{
	struct kbpf_perf_event_array *pea;

	pea = kbpf_map_area_alloc(struct_size(pea, ptrs, (u64)attr->max_entries),
				  kbpf_map_attr_numa_node(attr));
	if (!pea)
		return ERR_PTR(-ENOMEM);
	kbpf_map_init_from_attr(&pea->map, attr);
	return &pea->map;
}

static void pea_free(struct kbpf_map *map)
{
	struct kbpf_perf_event_array *pea = to_pea(map);
	u32 i;

	for (i = 0; i < map->max_entries; i++) {
		struct pea_entry *ee = pea->ptrs[i];

		if (ee) {
			kbpf_perf_buffer_put(ee->pb);
			kfree(ee);
		}
	}
	kbpf_map_area_free(pea);
}

/* Programs reach entries only through bpf_perf_event_output(). */
static void *pea_lookup_elem(struct kbpf_map *map, void *key)
{
	return ERR_PTR(-ENOTSUPP);
}

static int pea_copy_value(struct kbpf_map *map, void *key, void *value)
{
	return -ENOTSUPP;
}

/* Readers under RCU may still hold ee; the buffer has its own count. */
static void pea_entry_free(struct pea_entry *ee)
{
	kbpf_perf_buffer_put(ee->pb);
	kfree_rcu(ee, rcu);
}

/* The syscall's update: value is a perf buffer fd, map_file the map's. */
static long pea_update_file(struct kbpf_map *map, struct file *map_file,
			    void *key, void *value, u64 flags)
{
	struct kbpf_perf_event_array *pea = to_pea(map);
	struct pea_entry *ee, *old;
	struct kbpf_perf_buffer *pb;
	u32 index = *(u32 *)key;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (index >= map->max_entries)
		return -E2BIG;
	pb = kbpf_perf_buffer_from_fd(*(u32 *)value);
	if (IS_ERR(pb))
		return PTR_ERR(pb);
	ee = kmalloc(sizeof(*ee), GFP_USER | __GFP_ACCOUNT | __GFP_NOWARN);
	if (!ee) {
		kbpf_perf_buffer_put(pb);
		return -ENOMEM;
	}
	ee->pb = pb;
	ee->map_file = map_file;
	old = xchg(&pea->ptrs[index], ee);
	if (old)
		pea_entry_free(old);
	return 0;
}

static long pea_update_elem(struct kbpf_map *map, void *key, void *value,
			    u64 flags)
{
	return pea_update_file(map, NULL, key, value, flags);
}

static long pea_delete_elem(struct kbpf_map *map, void *key)
{
	struct kbpf_perf_event_array *pea = to_pea(map);
	struct pea_entry *old;
	u32 index = *(u32 *)key;

	if (index >= map->max_entries)
		return -E2BIG;
	old = xchg(&pea->ptrs[index], NULL);
	if (!old)
		return -ENOENT;
	pea_entry_free(old);
	return 0;
}

/*
 * A map file is closed: its entries go (Linux's
 * perf_event_fd_array_release()). Each is taken out only if it is still
 * the one that file stored, so a concurrent update through another fd
 * survives.
 */
static void pea_release(struct kbpf_map *map, struct file *map_file)
{
	struct kbpf_perf_event_array *pea = to_pea(map);
	struct pea_entry *ee;
	u32 i;

	if (map->map_flags & BPF_F_PRESERVE_ELEMS)
		return;
	rcu_read_lock();
	for (i = 0; i < map->max_entries; i++) {
		ee = READ_ONCE(pea->ptrs[i]);
		if (ee && ee->map_file == map_file &&
		    cmpxchg(&pea->ptrs[i], ee, NULL) == ee)
			pea_entry_free(ee);
	}
	rcu_read_unlock();
}

static int pea_get_next_key(struct kbpf_map *map, void *key, void *next_key)
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

int kbpf_perf_event_array_output(struct kbpf_map *map, u64 flags,
				 const void *meta, u64 meta_size,
				 const void *ctx, u64 ctx_size,
				 kbpf_ctx_copy_t copy)
{
	struct kbpf_perf_event_array *pea = to_pea(map);
	u32 cpu = smp_processor_id();
	u64 index = flags & BPF_F_INDEX_MASK;
	struct kbpf_perf_buffer *pb;
	struct pea_entry *ee;

	if (index == BPF_F_CURRENT_CPU)
		index = cpu;
	if (unlikely(index >= map->max_entries))
		return -E2BIG;
	ee = READ_ONCE(pea->ptrs[index]);
	if (!ee)
		return -ENOENT;
	pb = ee->pb;
	/* Linux's check that the perf event is active on this CPU. */
	if (unlikely(kbpf_perf_buffer_cpu(pb) != (int)cpu))
		return -EOPNOTSUPP;
	return kbpf_perf_buffer_output(pb, meta, meta_size, ctx, ctx_size, copy);
}

const struct kbpf_map_ops kbpf_perf_event_array_map_ops = {
	.map_alloc_check = pea_alloc_check,
	.map_alloc = pea_alloc,
	.map_free = pea_free,
	.map_get_next_key = pea_get_next_key,
	.map_lookup_elem = pea_lookup_elem,
	.map_update_elem = pea_update_elem,
	.map_delete_elem = pea_delete_elem,
	.map_copy_value = pea_copy_value,
	.map_update_file = pea_update_file,
	.map_release = pea_release,
};
