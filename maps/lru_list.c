// SPDX-License-Identifier: GPL-2.0
/*
 * LRU replacement for LRU hash maps; the model is described in lru_list.h.
 *
 * The policy is Linux's, so that maps age elements the way programs
 * written for Linux expect (tools/testing/selftests/bpf/test_lru_map.c
 * pins it down; tests/host/test_lru_map.c checks the same cases):
 *
 * - A common LRU hands each CPU LRU_LOCAL_FREE_TARGET free nodes at a time.
 *   When a CPU runs out, its pending nodes go to the global lists (active
 *   if referenced, else inactive), the lists are rotated, and the batch is
 *   taken from the global free list, shrinking the inactive list (evicting
 *   its oldest unreferenced elements) for whatever is missing. A CPU that
 *   still finds nothing steals a free or pending node from the CPUs' local
 *   lists, round robin.
 * - Without a common LRU each CPU works alone on its own lists, freeing
 *   LRU_PERCPU_FREE_TARGET nodes at a time.
 * - A rotation moves unreferenced nodes from the tail of the active list
 *   to the inactive list (only while the inactive list is the shorter one)
 *   and referenced inactive nodes back to the active list, clearing the
 *   bits as it goes; at most nr_scans nodes per list and pass.
 *
 * Lock order: a CPU's local lock, then the global (or per-CPU) list lock,
 * then, inside ->evict(), the map's bucket lock.
 */
#include <kbpf/kapi.h>

#include "lru_list.h"

#define LRU_LOCAL_FREE_TARGET	128
#define LRU_PERCPU_FREE_TARGET	4

static bool lru_node_ref(const struct kbpf_lru_node *node)
{
	return READ_ONCE(node->ref);
}

static bool lru_counted(u8 type)
{
	return type == KBPF_LRU_ACTIVE || type == KBPF_LRU_INACTIVE;
}

/*
 * Move node to the head of dst as a node of the given type, clearing its
 * reference bit. node is on one of l's lists or, coming back from a CPU,
 * on a local list; dst is one of l's lists or a local free list.
 */
static void lru_move(struct kbpf_lru_list *l, struct kbpf_lru_node *node,
		     struct list_head *dst, u8 type)
{
	/* The rotation cursor must stay on the inactive list. */
	if (&node->list == l->next_inactive_rotation)
		l->next_inactive_rotation = node->list.prev;
	if (lru_counted(node->type))
		l->counts[node->type]--;
	if (lru_counted(type))
		l->counts[type]++;
	node->type = type;
	WRITE_ONCE(node->ref, 0);
	list_move(&node->list, dst);
}

static void lru_move_to(struct kbpf_lru_list *l, struct kbpf_lru_node *node,
			u8 type)
{
	lru_move(l, node, &l->lists[type], type);
}

/* Age the active list from its tail: referenced nodes stay, others go inactive. */
static void lru_rotate_active(struct kbpf_lru *lru, struct kbpf_lru_list *l)
{
	struct list_head *active = &l->lists[KBPF_LRU_ACTIVE];
	struct kbpf_lru_node *node, *prev, *first;
	unsigned int scanned = 0;

	if (list_empty(active))
		return;
	/* Nodes moved back to the head are not seen twice: stop at the old head. */
	first = list_first_entry(active, struct kbpf_lru_node, list);
	list_for_each_entry_safe_reverse(node, prev, active, list) {
		lru_move_to(l, node, lru_node_ref(node) ? KBPF_LRU_ACTIVE :
							  KBPF_LRU_INACTIVE);
		if (++scanned == lru->nr_scans || node == first)
			break;
	}
}

/*
 * Promote referenced inactive nodes. The scan resumes where the last one
 * stopped, walks towards the head, wraps around past it and ends after one
 * full turn or nr_scans nodes; unreferenced nodes keep their place.
 */
static void lru_rotate_inactive(struct kbpf_lru *lru, struct kbpf_lru_list *l)
{
	struct list_head *inactive = &l->lists[KBPF_LRU_INACTIVE];
	struct list_head *cur, *last, *prev = inactive;
	unsigned int scanned = 0;

	if (list_empty(inactive))
		return;
	last = l->next_inactive_rotation->next;
	if (last == inactive)
		last = last->next;
	cur = l->next_inactive_rotation;
	while (scanned < lru->nr_scans) {
		struct kbpf_lru_node *node;

		if (cur == inactive) {
			cur = cur->prev;
			continue;
		}
		node = list_entry(cur, struct kbpf_lru_node, list);
		prev = cur->prev;
		if (lru_node_ref(node))
			lru_move_to(l, node, KBPF_LRU_ACTIVE);
		if (cur == last)
			break;
		cur = prev;
		scanned++;
	}
	l->next_inactive_rotation = prev;
}

static void lru_rotate(struct kbpf_lru *lru, struct kbpf_lru_list *l)
{
	if (l->counts[KBPF_LRU_INACTIVE] < l->counts[KBPF_LRU_ACTIVE])
		lru_rotate_active(lru, l);
	lru_rotate_inactive(lru, l);
}

/*
 * Evict up to want unreferenced nodes from the tail of the inactive list
 * into dst (as type); referenced ones found on the way are promoted.
 */
static unsigned int lru_shrink_inactive(struct kbpf_lru *lru,
					struct kbpf_lru_list *l,
					unsigned int want,
					struct list_head *dst, u8 type)
{
	struct list_head *inactive = &l->lists[KBPF_LRU_INACTIVE];
	unsigned int scanned = 0, freed = 0;
	struct kbpf_lru_node *node, *prev;

	list_for_each_entry_safe_reverse(node, prev, inactive, list) {
		if (lru_node_ref(node)) {
			lru_move_to(l, node, KBPF_LRU_ACTIVE);
		} else if (lru->evict(lru->evict_arg, node)) {
			lru_move(l, node, dst, type);
			if (++freed == want)
				break;
		}
		if (++scanned == lru->nr_scans)
			break;
	}
	return freed;
}

/*
 * Free up to want nodes into dst. When every inactive node looked at was
 * referenced, evict the oldest node regardless of its bit, inactive list
 * first: an insert into a full LRU map must not fail.
 *
 * Linux looks only at the inactive list unless it is empty. kbpf goes on
 * to the active list: a node whose element another CPU just deleted or
 * replaced (unlinked, not yet given back) cannot be evicted, and with a
 * few nodes per CPU (BPF_F_NO_COMMON_LRU) those can be all the inactive
 * list holds. Measured with Linux's rule: three threads updating and
 * deleting 48 keys of a 32-element map over 8 CPUs (4 nodes each, the
 * host test hash_concurrent_shared_keys_no_torn_values) got ENOMEM within
 * ~100 updates; with the fallback, none in 120000. Without concurrent
 * writers both rules choose the same victim.
 */
static unsigned int lru_shrink(struct kbpf_lru *lru, struct kbpf_lru_list *l,
			       unsigned int want, struct list_head *dst,
			       u8 type)
{
	static const u8 order[] = { KBPF_LRU_INACTIVE, KBPF_LRU_ACTIVE };
	struct kbpf_lru_node *node, *prev;
	unsigned int freed, i;

	freed = lru_shrink_inactive(lru, l, want, dst, type);
	if (freed)
		return freed;
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		list_for_each_entry_safe_reverse(node, prev,
						 &l->lists[order[i]], list) {
			if (lru->evict(lru->evict_arg, node)) {
				lru_move(l, node, dst, type);
				return 1;
			}
		}
	}
	return 0;
}

static void lru_list_init(struct kbpf_lru_list *l)
{
	int i;

	for (i = 0; i <= KBPF_LRU_FREE; i++)
		INIT_LIST_HEAD(&l->lists[i]);
	for (i = 0; i < KBPF_LRU_FREE; i++)
		l->counts[i] = 0;
	l->next_inactive_rotation = &l->lists[KBPF_LRU_INACTIVE];
	raw_spin_lock_init(&l->lock);
}

/* ---- Common LRU: global lists plus per-CPU local lists ----------------- */

/* The possible CPU after cpu, wrapping around. */
static int lru_next_cpu(int cpu)
{
	int next, first = -1;

	for_each_possible_cpu(next) {
		if (first < 0)
			first = next;
		if (next > cpu)
			return next;
	}
	return first;
}

/* Hand a CPU's pending nodes, oldest first, to the global lists. */
static void lru_local_flush(struct kbpf_lru_list *l, struct kbpf_lru_local *loc)
{
	struct kbpf_lru_node *node, *prev;

	list_for_each_entry_safe_reverse(node, prev, &loc->pending, list)
		lru_move_to(l, node, lru_node_ref(node) ? KBPF_LRU_ACTIVE :
							  KBPF_LRU_INACTIVE);
}

/* Refill loc's free list from the global lists. Called with loc->lock held. */
static void lru_local_refill(struct kbpf_lru *lru, struct kbpf_lru_local *loc)
{
	struct kbpf_lru_list *l = &lru->global;
	struct kbpf_lru_node *node, *next;
	unsigned int taken = 0;

	raw_spin_lock(&l->lock);
	lru_local_flush(l, loc);
	lru_rotate(lru, l);
	list_for_each_entry_safe(node, next, &l->lists[KBPF_LRU_FREE], list) {
		lru_move(l, node, &loc->free, KBPF_LRU_LOCAL_FREE);
		if (++taken == LRU_LOCAL_FREE_TARGET)
			break;
	}
	if (taken < LRU_LOCAL_FREE_TARGET)
		lru_shrink(lru, l, LRU_LOCAL_FREE_TARGET - taken, &loc->free,
			   KBPF_LRU_LOCAL_FREE);
	raw_spin_unlock(&l->lock);
}

static struct kbpf_lru_node *lru_local_pop_free(struct kbpf_lru_local *loc)
{
	struct kbpf_lru_node *node;

	node = list_first_entry_or_null(&loc->free, struct kbpf_lru_node, list);
	if (node)
		list_del(&node->list);
	return node;
}

/* Take a pending node of another CPU's, unreferenced ones first. */
static struct kbpf_lru_node *lru_local_steal_pending(struct kbpf_lru *lru,
						     struct kbpf_lru_local *loc)
{
	struct kbpf_lru_node *node;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		list_for_each_entry_reverse(node, &loc->pending, list) {
			if ((pass || !lru_node_ref(node)) &&
			    lru->evict(lru->evict_arg, node)) {
				list_del(&node->list);
				return node;
			}
		}
	}
	return NULL;
}

static void lru_local_add_pending(struct kbpf_lru *lru,
				  struct kbpf_lru_local *loc, int cpu,
				  struct kbpf_lru_node *node, u32 hash)
{
	/* Under loc->lock, where a stealer's ->evict() reads it. */
	*(u32 *)((void *)node + lru->hash_offset) = hash;
	node->cpu = cpu;
	node->type = KBPF_LRU_LOCAL_PENDING;
	WRITE_ONCE(node->ref, 0);
	list_add(&node->list, &loc->pending);
}

static struct kbpf_lru_node *lru_common_pop_free(struct kbpf_lru *lru,
						 u32 hash)
{
	int cpu = raw_smp_processor_id(), first, steal;
	struct kbpf_lru_local *loc, *victim;
	struct kbpf_lru_node *node;
	unsigned long flags;

	loc = per_cpu_ptr(lru->local, cpu);
	raw_spin_lock_irqsave(&loc->lock, flags);
	node = lru_local_pop_free(loc);
	if (!node) {
		lru_local_refill(lru, loc);
		node = lru_local_pop_free(loc);
	}
	if (node)
		lru_local_add_pending(lru, loc, cpu, node, hash);
	raw_spin_unlock_irqrestore(&loc->lock, flags);
	if (node)
		return node;

	/* Every node sits on some CPU's local lists: take one from there. */
	first = READ_ONCE(loc->next_steal);
	steal = first;
	do {
		victim = per_cpu_ptr(lru->local, steal);
		raw_spin_lock_irqsave(&victim->lock, flags);
		node = lru_local_pop_free(victim);
		if (!node)
			node = lru_local_steal_pending(lru, victim);
		raw_spin_unlock_irqrestore(&victim->lock, flags);
		steal = lru_next_cpu(steal);
	} while (!node && steal != first);
	WRITE_ONCE(loc->next_steal, steal);

	if (node) {
		raw_spin_lock_irqsave(&loc->lock, flags);
		lru_local_add_pending(lru, loc, cpu, node, hash);
		raw_spin_unlock_irqrestore(&loc->lock, flags);
	}
	return node;
}

static void lru_common_push_free(struct kbpf_lru *lru,
				 struct kbpf_lru_node *node)
{
	u8 type = READ_ONCE(node->type);
	unsigned long flags;

	if (WARN_ON_ONCE(type == KBPF_LRU_FREE || type == KBPF_LRU_LOCAL_FREE))
		return;
	if (type == KBPF_LRU_LOCAL_PENDING) {
		struct kbpf_lru_local *loc = per_cpu_ptr(lru->local, node->cpu);

		raw_spin_lock_irqsave(&loc->lock, flags);
		/* Unless a refill moved it to the global lists meanwhile. */
		if (node->type == KBPF_LRU_LOCAL_PENDING) {
			node->type = KBPF_LRU_LOCAL_FREE;
			WRITE_ONCE(node->ref, 0);
			list_move(&node->list, &loc->free);
			raw_spin_unlock_irqrestore(&loc->lock, flags);
			return;
		}
		raw_spin_unlock_irqrestore(&loc->lock, flags);
	}
	raw_spin_lock_irqsave(&lru->global.lock, flags);
	lru_move_to(&lru->global, node, KBPF_LRU_FREE);
	raw_spin_unlock_irqrestore(&lru->global.lock, flags);
}

/* ---- BPF_F_NO_COMMON_LRU: one independent LRU per CPU ------------------ */

static struct kbpf_lru_node *lru_percpu_pop_free(struct kbpf_lru *lru,
						 u32 hash)
{
	struct kbpf_lru_list *l;
	struct kbpf_lru_node *node = NULL;
	struct list_head *free;
	unsigned long flags;

	l = per_cpu_ptr(lru->percpu_lists, raw_smp_processor_id());
	raw_spin_lock_irqsave(&l->lock, flags);
	lru_rotate(lru, l);
	free = &l->lists[KBPF_LRU_FREE];
	if (list_empty(free))
		lru_shrink(lru, l, LRU_PERCPU_FREE_TARGET, free, KBPF_LRU_FREE);
	if (!list_empty(free)) {
		node = list_first_entry(free, struct kbpf_lru_node, list);
		*(u32 *)((void *)node + lru->hash_offset) = hash;
		lru_move_to(l, node, KBPF_LRU_INACTIVE);
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return node;
}

static void lru_percpu_push_free(struct kbpf_lru *lru,
				 struct kbpf_lru_node *node)
{
	struct kbpf_lru_list *l = per_cpu_ptr(lru->percpu_lists, node->cpu);
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	lru_move_to(l, node, KBPF_LRU_FREE);
	raw_spin_unlock_irqrestore(&l->lock, flags);
}

/* ---- Interface ----------------------------------------------------------- */

struct kbpf_lru_node *kbpf_lru_pop_free(struct kbpf_lru *lru, u32 hash)
{
	if (lru->percpu)
		return lru_percpu_pop_free(lru, hash);
	return lru_common_pop_free(lru, hash);
}

void kbpf_lru_push_free(struct kbpf_lru *lru, struct kbpf_lru_node *node)
{
	if (lru->percpu)
		lru_percpu_push_free(lru, node);
	else
		lru_common_push_free(lru, node);
}

void kbpf_lru_populate(struct kbpf_lru *lru, void *first, u32 stride, u32 nr)
{
	u32 ncpus = num_possible_cpus(), per_cpu = nr / ncpus, i = 0, n;
	struct kbpf_lru_list *l;
	struct kbpf_lru_node *node;
	int cpu, last = 0;

	if (!lru->percpu) {
		for (i = 0; i < nr; i++) {
			node = first + (u64)i * stride;
			node->type = KBPF_LRU_FREE;
			node->ref = 0;
			list_add(&node->list, &lru->global.lists[KBPF_LRU_FREE]);
		}
		return;
	}
	/* An equal share per CPU (max_entries was rounded to allow it). */
	for_each_possible_cpu(cpu) {
		l = per_cpu_ptr(lru->percpu_lists, cpu);
		for (n = 0; n < per_cpu && i < nr; n++, i++) {
			node = first + (u64)i * stride;
			node->cpu = cpu;
			node->type = KBPF_LRU_FREE;
			node->ref = 0;
			list_add(&node->list, &l->lists[KBPF_LRU_FREE]);
		}
		last = cpu;
	}
	/* Whatever did not divide evenly goes to the last CPU. */
	l = per_cpu_ptr(lru->percpu_lists, last);
	for (; i < nr; i++) {
		node = first + (u64)i * stride;
		node->cpu = last;
		node->type = KBPF_LRU_FREE;
		node->ref = 0;
		list_add(&node->list, &l->lists[KBPF_LRU_FREE]);
	}
}

int kbpf_lru_init(struct kbpf_lru *lru, bool percpu, int hash_offset,
		  kbpf_lru_evict_fn evict, void *evict_arg)
{
	int cpu;

	if (percpu) {
		lru->percpu_lists =
			__alloc_percpu_gfp(sizeof(struct kbpf_lru_list),
					   __alignof__(struct kbpf_lru_list),
					   GFP_USER | __GFP_ACCOUNT);
		if (!lru->percpu_lists)
			return -ENOMEM;
		for_each_possible_cpu(cpu)
			lru_list_init(per_cpu_ptr(lru->percpu_lists, cpu));
		lru->nr_scans = LRU_PERCPU_FREE_TARGET;
	} else {
		lru->local = __alloc_percpu_gfp(sizeof(struct kbpf_lru_local),
						__alignof__(struct kbpf_lru_local),
						GFP_USER | __GFP_ACCOUNT);
		if (!lru->local)
			return -ENOMEM;
		for_each_possible_cpu(cpu) {
			struct kbpf_lru_local *loc = per_cpu_ptr(lru->local, cpu);

			INIT_LIST_HEAD(&loc->free);
			INIT_LIST_HEAD(&loc->pending);
			loc->next_steal = cpu;
			raw_spin_lock_init(&loc->lock);
		}
		lru_list_init(&lru->global);
		lru->nr_scans = LRU_LOCAL_FREE_TARGET;
	}
	lru->percpu = percpu;
	lru->evict = evict;
	lru->evict_arg = evict_arg;
	lru->hash_offset = hash_offset;
	return 0;
}

void kbpf_lru_destroy(struct kbpf_lru *lru)
{
	if (lru->percpu)
		free_percpu(lru->percpu_lists);
	else
		free_percpu(lru->local);
	lru->percpu_lists = NULL;
	lru->local = NULL;
}
