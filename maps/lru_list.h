/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The replacement lists of LRU hash maps: which preallocated element an
 * insert into a full map takes over.
 *
 * Every node is on exactly one list. A common LRU (the default) has one
 * global active/inactive/free triple plus, per CPU, a small free list and a
 * list of nodes that CPU handed out recently ("pending"); a CPU refills its
 * free list from the global lists a batch at a time, so most inserts touch
 * no shared lock. With BPF_F_NO_COMMON_LRU each CPU has its own triple and
 * its own share of the nodes. A node's reference bit is set when a program
 * looks its element up; nodes whose bit is set survive a rotation, the
 * others drift to the tail of the inactive list and are evicted first.
 */
#ifndef KBPF_MAPS_LRU_LIST_H
#define KBPF_MAPS_LRU_LIST_H

#include <kbpf/kapi.h>

enum kbpf_lru_type {
	/* On a global (or, without a common LRU, per-CPU) list: */
	KBPF_LRU_ACTIVE,
	KBPF_LRU_INACTIVE,
	KBPF_LRU_FREE,
	/* On a CPU's local lists (common LRU only): */
	KBPF_LRU_LOCAL_FREE,
	KBPF_LRU_LOCAL_PENDING,
};

struct kbpf_lru_node {
	struct list_head list;
	u16 cpu;	/* the local list (or per-CPU list) the node is on */
	u8 type;	/* enum kbpf_lru_type */
	u8 ref;
};

struct kbpf_lru_list {
	struct list_head lists[KBPF_LRU_FREE + 1];
	/* Nodes on the active and inactive lists. */
	unsigned int counts[KBPF_LRU_FREE];
	/* Where the next scan for referenced inactive nodes starts. */
	struct list_head *next_inactive_rotation;
	raw_spinlock_t lock;
};

struct kbpf_lru_local {
	struct list_head free;
	struct list_head pending;
	/* The CPU whose local lists an empty CPU steals from next. */
	int next_steal;
	raw_spinlock_t lock;
};

/*
 * Remove node's element from the map so the node can be reused; false if
 * it cannot (not in the map, or its bucket is busy). Called with LRU locks
 * held, interrupts off.
 */
typedef bool (*kbpf_lru_evict_fn)(void *arg, struct kbpf_lru_node *node);

struct kbpf_lru {
	/* Common LRU. */
	struct kbpf_lru_list global;
	struct kbpf_lru_local __percpu *local;
	/* BPF_F_NO_COMMON_LRU. */
	struct kbpf_lru_list __percpu *percpu_lists;
	kbpf_lru_evict_fn evict;
	void *evict_arg;
	/* Offset from a node to its element's u32 hash, set on every pop. */
	int hash_offset;
	/* Most nodes one rotation or shrink looks at. */
	unsigned int nr_scans;
	bool percpu;
};

static inline void kbpf_lru_node_set_ref(struct kbpf_lru_node *node)
{
	/* Test first: a hot element's cache line is not dirtied on every use. */
	if (!READ_ONCE(node->ref))
		WRITE_ONCE(node->ref, 1);
}

int kbpf_lru_init(struct kbpf_lru *lru, bool percpu, int hash_offset,
		  kbpf_lru_evict_fn evict, void *evict_arg);
void kbpf_lru_destroy(struct kbpf_lru *lru);
/* Put nr free nodes on the lists, the first at first, then every stride bytes. */
void kbpf_lru_populate(struct kbpf_lru *lru, void *first, u32 stride, u32 nr);
/* A node for a new element of that hash, evicting one if need be; NULL if none. */
struct kbpf_lru_node *kbpf_lru_pop_free(struct kbpf_lru *lru, u32 hash);
/* Give back the node of an element that left the map (deleted or replaced). */
void kbpf_lru_push_free(struct kbpf_lru *lru, struct kbpf_lru_node *node);

#endif /* KBPF_MAPS_LRU_LIST_H */
