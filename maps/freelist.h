/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The free elements of a preallocated hash map: one LIFO list per possible
 * CPU, so CPUs that insert and delete locally do not share a lock or a
 * cache line. A CPU whose list runs dry takes from the others'.
 */
#ifndef KBPF_MAPS_FREELIST_H
#define KBPF_MAPS_FREELIST_H

#include <kbpf/kapi.h>

struct kbpf_freelist_node {
	struct kbpf_freelist_node *next;
};

struct kbpf_freelist_head {
	raw_spinlock_t lock;
	struct kbpf_freelist_node *first;
};

struct kbpf_freelist {
	struct kbpf_freelist_head __percpu *heads;
};

int kbpf_freelist_init(struct kbpf_freelist *fl);
void kbpf_freelist_destroy(struct kbpf_freelist *fl);
/* Spread nr nodes, the first at first and then every stride bytes, over the CPUs. */
void kbpf_freelist_populate(struct kbpf_freelist *fl, void *first, u32 stride,
			    u32 nr);
void kbpf_freelist_push(struct kbpf_freelist *fl,
			struct kbpf_freelist_node *node);
/* A free node, this CPU's first; NULL when every list is empty. */
struct kbpf_freelist_node *kbpf_freelist_pop(struct kbpf_freelist *fl);

#endif /* KBPF_MAPS_FREELIST_H */
