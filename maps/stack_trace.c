// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_STACK_TRACE, with Linux 6.1's semantics: bpf_get_stackid()
 * hashes a stack into one of max_entries rounded up to a power of two
 * buckets and answers the bucket's index, the stack id; userspace looks
 * stacks up by id (the frames, the rest of the value zeroed), walks and
 * deletes them, but cannot write them, and programs reach the map only
 * through bpf_get_stackid().
 *
 * A bucket is one of max_entries preallocated elements (so a program never
 * allocates), published in its slot with xchg(); a replaced or deleted one
 * goes straight back to the free list. As in Linux, a program comparing
 * against a bucket that is being replaced may compare against a bucket
 * in reuse; a stack id is a hint, never a guarantee.
 *
 * The free list (freelist.h) takes a raw spinlock, which an NMI must not
 * wait for: from NMI, where Linux's lock-free paths would go on,
 * bpf_get_stackid() answers -EBUSY. No kbpf program runs in NMI yet
 * (perf_event programs have no attach).
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/stack_map.h>

#include "freelist.h"
#include "htab.h"

#define STACK_CREATE_FLAG_MASK (BPF_F_NUMA_NODE | BPF_F_RDONLY | \
				BPF_F_WRONLY | BPF_F_STACK_BUILD_ID)

struct stack_bucket {
	struct kbpf_freelist_node fnode;
	u32 hash;
	u32 nr;			/* frames in data */
	u64 data[];		/* u64 ips or struct bpf_stack_build_id */
};

struct kbpf_stack_map {
	struct kbpf_map map;
	void *elems;
	struct kbpf_freelist freelist;
	u32 n_buckets;
	struct stack_bucket *buckets[];
};

static struct kbpf_stack_map *to_smap(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_stack_map, map);
}

static bool use_build_id(const struct kbpf_map *map)
{
	return map->map_flags & BPF_F_STACK_BUILD_ID;
}

u32 kbpf_stack_map_elem_size(const struct kbpf_map *map)
{
	return use_build_id(map) ? sizeof(struct bpf_stack_build_id) :
	       sizeof(u64);
}

/* Linux's stack_map_alloc() checks, in its order. */
static int stack_map_alloc_check(union bpf_attr *attr)
{
	u32 value_size = attr->value_size;

	if (!bpf_capable())
		return -EPERM;
	if (attr->map_flags & ~STACK_CREATE_FLAG_MASK)
		return -EINVAL;
	if (attr->max_entries == 0 || attr->key_size != 4 ||
	    value_size < 8 || value_size % 8)
		return -EINVAL;
	if (attr->map_flags & BPF_F_STACK_BUILD_ID) {
		if (value_size % sizeof(struct bpf_stack_build_id) ||
		    value_size / sizeof(struct bpf_stack_build_id) >
		    KBPF_MAX_STACK_DEPTH)
			return -EINVAL;
	} else if (value_size / 8 > KBPF_MAX_STACK_DEPTH) {
		return -EINVAL;
	}
	/* The bucket count is a power of two that must fit in a u32. */
	if (attr->max_entries > 1UL << 31)
		return -E2BIG;
	return 0;
}

static struct kbpf_map *stack_map_alloc(union bpf_attr *attr)
{
	u64 n_buckets = roundup_pow_of_two(attr->max_entries);
	u64 elem_size = sizeof(struct stack_bucket) + (u64)attr->value_size;
	int numa_node = kbpf_map_attr_numa_node(attr);
	struct kbpf_stack_map *smap;
	int err = -ENOMEM;

	smap = kbpf_map_area_alloc(sizeof(*smap) +
				   n_buckets * sizeof(smap->buckets[0]),
				   numa_node);
	if (!smap)
		return ERR_PTR(-ENOMEM);
	kbpf_map_init_from_attr(&smap->map, attr);
	smap->n_buckets = n_buckets;
	smap->elems = kbpf_map_area_alloc(elem_size * attr->max_entries,
					  numa_node);
	if (!smap->elems)
		goto err_smap;
	err = kbpf_freelist_init(&smap->freelist);
	if (err)
		goto err_elems;
	kbpf_freelist_populate(&smap->freelist, smap->elems, elem_size,
			       attr->max_entries);
	return &smap->map;

err_elems:
	kbpf_map_area_free(smap->elems);
err_smap:
	kbpf_map_area_free(smap);
	return ERR_PTR(err);
}

static void stack_map_free(struct kbpf_map *map)
{
	struct kbpf_stack_map *smap = to_smap(map);

	kbpf_freelist_destroy(&smap->freelist);
	kbpf_map_area_free(smap->elems);
	kbpf_map_area_free(smap);
}

static struct stack_bucket *bucket_pop(struct kbpf_stack_map *smap)
{
	struct kbpf_freelist_node *n = kbpf_freelist_pop(&smap->freelist);

	return n ? container_of(n, struct stack_bucket, fnode) : NULL;
}

static void bucket_push(struct kbpf_stack_map *smap, struct stack_bucket *b)
{
	kbpf_freelist_push(&smap->freelist, &b->fnode);
}

/*
 * Kernel frames in build id form: Linux's fallback for stacks it cannot
 * (or, for kernel stacks, does not) resolve to a file: the ip itself.
 */
static void fill_build_ids(struct bpf_stack_build_id *ids, const u64 *ips,
			   u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		memset(&ids[i], 0, sizeof(ids[i]));
		ids[i].status = BPF_STACK_BUILD_ID_IP;
		ids[i].ip = ips[i];
	}
}

long kbpf_stack_map_get_id(struct kbpf_map *map, const u64 *trace, u32 nr,
			   u64 flags)
{
	struct kbpf_stack_map *smap = to_smap(map);
	u32 skip = flags & BPF_F_SKIP_FIELD_MASK;
	struct stack_bucket *bucket, *new_bucket, *old_bucket;
	u32 hash, id, trace_nr, trace_len, max_depth;
	bool hash_matches;
	const u64 *ips;

	if (nr <= skip)
		return -EFAULT;
	if (unlikely(in_nmi()))
		return -EBUSY;
	max_depth = map->value_size / kbpf_stack_map_elem_size(map) + skip;
	if (max_depth > KBPF_MAX_STACK_DEPTH)
		max_depth = KBPF_MAX_STACK_DEPTH;
	trace_nr = min_t(u32, nr - skip, max_depth - skip);
	trace_len = trace_nr * sizeof(u64);
	ips = trace + skip;
	hash = kbpf_htab_hash(ips, trace_len, 0);
	id = hash & (smap->n_buckets - 1);
	bucket = READ_ONCE(smap->buckets[id]);

	hash_matches = bucket && bucket->hash == hash;
	if (hash_matches && (flags & BPF_F_FAST_STACK_CMP))
		return id;

	if (use_build_id(map)) {
		/* The stored form differs from ips: build it, then compare. */
		new_bucket = bucket_pop(smap);
		if (unlikely(!new_bucket))
			return -ENOMEM;
		new_bucket->nr = trace_nr;
		fill_build_ids((struct bpf_stack_build_id *)new_bucket->data,
			       ips, trace_nr);
		trace_len = trace_nr * sizeof(struct bpf_stack_build_id);
		if (hash_matches && bucket->nr == trace_nr &&
		    !memcmp(bucket->data, new_bucket->data, trace_len)) {
			bucket_push(smap, new_bucket);
			return id;
		}
		if (bucket && !(flags & BPF_F_REUSE_STACKID)) {
			bucket_push(smap, new_bucket);
			return -EEXIST;
		}
	} else {
		if (hash_matches && bucket->nr == trace_nr &&
		    !memcmp(bucket->data, ips, trace_len))
			return id;
		if (bucket && !(flags & BPF_F_REUSE_STACKID))
			return -EEXIST;
		new_bucket = bucket_pop(smap);
		if (unlikely(!new_bucket))
			return -ENOMEM;
		memcpy(new_bucket->data, ips, trace_len);
	}
	new_bucket->hash = hash;
	new_bucket->nr = trace_nr;

	old_bucket = xchg(&smap->buckets[id], new_bucket);
	if (old_bucket)
		bucket_push(smap, old_bucket);
	return id;
}

/* Programs reach the map only through bpf_get_stackid(). */
static void *stack_map_lookup_elem(struct kbpf_map *map, void *key)
{
	return ERR_PTR(-EOPNOTSUPP);
}

/*
 * The syscall lookup (Linux's bpf_stackmap_copy()): the bucket is taken
 * out of its slot while it is copied, so no program can recycle it under
 * the copy, then put back unless a program filled the slot meanwhile.
 */
static int stack_map_copy_value(struct kbpf_map *map, void *key, void *value)
{
	struct kbpf_stack_map *smap = to_smap(map);
	struct stack_bucket *bucket, *old_bucket;
	u32 id = *(u32 *)key, len;

	if (unlikely(id >= smap->n_buckets))
		return -ENOENT;
	bucket = xchg(&smap->buckets[id], NULL);
	if (!bucket)
		return -ENOENT;
	len = bucket->nr * kbpf_stack_map_elem_size(map);
	memcpy(value, bucket->data, len);
	memset(value + len, 0, map->value_size - len);

	old_bucket = xchg(&smap->buckets[id], bucket);
	if (old_bucket)
		bucket_push(smap, old_bucket);
	return 0;
}

/* Ids in order; an id that holds no stack restarts the walk, as Linux's. */
static int stack_map_get_next_key(struct kbpf_map *map, void *key,
				  void *next_key)
{
	struct kbpf_stack_map *smap = to_smap(map);
	u32 id;

	if (!key) {
		id = 0;
	} else {
		id = *(u32 *)key;
		if (id >= smap->n_buckets || !READ_ONCE(smap->buckets[id]))
			id = 0;
		else
			id++;
	}
	while (id < smap->n_buckets && !READ_ONCE(smap->buckets[id]))
		id++;
	if (id >= smap->n_buckets)
		return -ENOENT;
	*(u32 *)next_key = id;
	return 0;
}

static long stack_map_update_elem(struct kbpf_map *map, void *key,
				  void *value, u64 flags)
{
	return -EINVAL;
}

static long stack_map_delete_elem(struct kbpf_map *map, void *key)
{
	struct kbpf_stack_map *smap = to_smap(map);
	struct stack_bucket *old_bucket;
	u32 id = *(u32 *)key;

	if (unlikely(id >= smap->n_buckets))
		return -E2BIG;
	old_bucket = xchg(&smap->buckets[id], NULL);
	if (!old_bucket)
		return -ENOENT;
	bucket_push(smap, old_bucket);
	return 0;
}

const struct kbpf_map_ops kbpf_stack_trace_map_ops = {
	.map_alloc_check = stack_map_alloc_check,
	.map_alloc = stack_map_alloc,
	.map_free = stack_map_free,
	.map_get_next_key = stack_map_get_next_key,
	.map_lookup_elem = stack_map_lookup_elem,
	.map_update_elem = stack_map_update_elem,
	.map_delete_elem = stack_map_delete_elem,
	.map_copy_value = stack_map_copy_value,
	.map_meta_equal = kbpf_map_meta_equal,
};
