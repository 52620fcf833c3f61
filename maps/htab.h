/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hash table behind BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU_HASH and
 * LRU_PERCPU_HASH: what hash.c (the table itself and the plain types)
 * shares with lru.c (the LRU types).
 *
 * A bucket is a singly linked chain of elements ending in a "nulls" marker,
 * an odd value that names the bucket. Writers hold the bucket's lock;
 * readers walk chains under RCU only. A preallocated element can be reused
 * for another key (in another bucket) while a reader stands on it; a
 * reader that ends on another bucket's marker knows it was carried away
 * and walks its own chain again. Syscall readers also check the element's
 * sequence count, so they never return a key or value torn by a reuse.
 */
#ifndef KBPF_MAPS_HTAB_H
#define KBPF_MAPS_HTAB_H

#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/map.h>

#include "freelist.h"
#include "lru_list.h"

/* Per-CPU "bucket lock held" counters, one per slot of buckets. */
#define HTAB_LOCK_SLOTS		8

struct htab_elem {
	/* The next element in the chain, or the chain's nulls marker. */
	struct htab_elem __rcu *next;
	/* Never read by a lookup, so a reader on a free element is harmless. */
	union {
		struct kbpf_freelist_node fnode;	/* free (preallocated) */
		struct rcu_head rcu;			/* waiting to be freed */
		struct kbpf_lru_node lru;		/* always, in LRU maps */
	};
	void __percpu *pptr;	/* per-CPU maps: the element's value */
	u32 hash;
	/* Odd while key or value are being rewritten; see htab_write_begin(). */
	u32 seq;
	/* The key, then (unless per-CPU) the value, each 8-byte aligned. */
	char key[] __aligned(8);
};

struct htab_bucket {
	struct htab_elem __rcu *first;
	raw_spinlock_t lock;
};

struct kbpf_htab {
	struct kbpf_map map;
	struct htab_bucket *buckets;
	u32 n_buckets;		/* a power of two */
	u32 elem_size;
	u32 hashrnd;
	bool percpu;
	bool lru;
	bool prealloc;
	/* Elements in the table, against max_entries (no-prealloc maps). */
	atomic_t count;
	/* Preallocated maps: every element, elem_size bytes apart. */
	void *elems;
	struct kbpf_freelist freelist;		/* HASH, PERCPU_HASH */
	/* Prealloc HASH: a spare element per CPU to replace a value with. */
	struct htab_elem *__percpu *extra_elems;
	struct kbpf_lru lru_lists;		/* LRU_HASH, LRU_PERCPU_HASH */
	int __percpu *map_locked[HTAB_LOCK_SLOTS];
};

static inline struct kbpf_htab *to_htab(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_htab, map);
}

static inline struct htab_bucket *htab_bucket(struct kbpf_htab *htab, u32 hash)
{
	return &htab->buckets[hash & (htab->n_buckets - 1)];
}

static inline void *htab_elem_value(struct kbpf_htab *htab,
				    struct htab_elem *l)
{
	return l->key + round_up(htab->map.key_size, 8);
}

/*
 * Bytes of value an element stores: value_size, but a whole pointer for
 * HASH_OF_MAPS, whose 4-byte value (an fd to userspace) is an inner map
 * inside; round_up(value_size, 8) leaves room for it.
 */
static inline u32 htab_value_bytes(const struct kbpf_htab *htab)
{
	if (htab->map.map_type == BPF_MAP_TYPE_HASH_OF_MAPS)
		return sizeof(void *);
	return htab->map.value_size;
}

static inline u32 htab_pcpu_size(struct kbpf_htab *htab)
{
	return round_up(htab->map.value_size, 8);
}

/*
 * (Re)writing an element that readers may stand on: the sequence count is
 * odd in between, and changes, so a syscall reader that copied across it
 * tries again. Only one writer at a time: the element is off every free
 * list, or its bucket is locked.
 */
static inline void htab_write_begin(struct htab_elem *l)
{
	WRITE_ONCE(l->seq, l->seq + 1);
	/* Odd before any write; pairs with the readers' smp_rmb(). */
	smp_wmb();
}

static inline void htab_write_end(struct htab_elem *l)
{
	/* Every write before even; pairs with the readers' acquire. */
	smp_wmb();
	WRITE_ONCE(l->seq, l->seq + 1);
}

/* BPF_NOEXIST on an existing element, BPF_EXIST on a missing one. */
static inline int htab_check_flags(struct htab_elem *l_old, u64 flags)
{
	flags &= ~BPF_F_LOCK;
	if (l_old && flags == BPF_NOEXIST)
		return -EEXIST;
	if (!l_old && flags == BPF_EXIST)
		return -ENOENT;
	return 0;
}

u32 kbpf_htab_hash(const void *key, u32 len, u32 seed);
int kbpf_htab_lock_bucket(struct kbpf_htab *htab, struct htab_bucket *b,
			  u32 hash, unsigned long *flags);
void kbpf_htab_unlock_bucket(struct kbpf_htab *htab, struct htab_bucket *b,
			     u32 hash, unsigned long flags);
/* Under the bucket lock. */
struct htab_elem *kbpf_htab_find_locked(struct kbpf_htab *htab,
					struct htab_bucket *b, u32 hash,
					const void *key);
void kbpf_htab_link(struct htab_bucket *b, struct htab_elem *l);
bool kbpf_htab_unlink(struct htab_bucket *b, struct htab_elem *l);
/* Under RCU, without the lock. */
struct htab_elem *kbpf_htab_find_rcu(struct kbpf_htab *htab, u32 hash,
				     const void *key);

/* Per-CPU values: from a program (this CPU) or the syscall (all CPUs). */
void kbpf_htab_pcpu_copy_in(struct kbpf_htab *htab, void __percpu *pptr,
			    const void *value, bool onallcpus);
void kbpf_htab_pcpu_init(struct kbpf_htab *htab, void __percpu *pptr,
			 const void *value, bool onallcpus);
/* Copy an element's value out as the syscall sees it. */
void kbpf_htab_copy_out(struct kbpf_htab *htab, struct htab_elem *l,
			void *value);

/* bpf_for_each_map_elem() over the table (map.h's map_for_each_callback). */
long kbpf_htab_visit_elems(struct kbpf_map *map, u64 callback,
				 void *callback_ctx);
/* The ops every table type shares. */
int kbpf_htab_alloc_check(union bpf_attr *attr);
struct kbpf_map *kbpf_htab_alloc(union bpf_attr *attr);
void kbpf_htab_free(struct kbpf_map *map);
int kbpf_htab_get_next_key(struct kbpf_map *map, void *key, void *next_key);
int kbpf_htab_copy_value(struct kbpf_map *map, void *key, void *value);
void *kbpf_htab_lookup_elem(struct kbpf_map *map, void *key);
long kbpf_htab_update_elem(struct kbpf_map *map, void *key, void *value,
			   u64 flags);
long kbpf_htab_delete_elem(struct kbpf_map *map, void *key);

/* Every hash map type takes all four batch commands. */
#define KBPF_HTAB_BATCH_CMDS	(KBPF_BATCH_LOOKUP | KBPF_BATCH_LOOKUP_AND_DELETE | \
				 KBPF_BATCH_UPDATE | KBPF_BATCH_DELETE)

/* l has left the table, bucket lock dropped: recycle or free it. */
void kbpf_htab_elem_retire(struct kbpf_htab *htab, struct htab_elem *l);
int kbpf_htab_batch_bucket(struct kbpf_map *map, u32 bucket, void *keys,
			   void *values, void **scratch, u32 room,
			   bool do_delete);

/*
 * Inlined program lookups: the element of key (R2) in map (R1), or 0,
 * and the call instruction to it (-EOPNOTSUPP when out of call reach);
 * the call goes to a copy for map's key size when there is one.
 */
u64 kbpf_htab_lookup_raw(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
kbpf_helper_t kbpf_htab_lookup_for(u32 key_size);
int kbpf_htab_gen_lookup_call(struct kbpf_map *map, struct bpf_insn *insn);

/* lru.c: take node's element out of the table for the LRU. */
bool kbpf_htab_lru_evict(void *arg, struct kbpf_lru_node *node);

#endif /* KBPF_MAPS_HTAB_H */
