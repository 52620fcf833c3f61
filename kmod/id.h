/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Object ids: one IDR per object kind, allocated cyclically from 1 like
 * Linux's so that a freed id is not handed out again soon.
 */
#ifndef KBPF_KMOD_ID_H
#define KBPF_KMOD_ID_H

#include <linux/idr.h>
#include <linux/spinlock.h>

struct kbpf_ids {
	struct idr idr;
	spinlock_t lock;
};

#define KBPF_IDS_INIT(name) { .idr = IDR_INIT(name.idr), \
			      .lock = __SPIN_LOCK_UNLOCKED(name.lock) }

/* Publish obj under a new id (> 0); -ENOSPC when ids are exhausted. */
int kbpf_id_alloc(struct kbpf_ids *ids, void *obj);

/* Unpublish id; lookups started before may still hold a reference. */
void kbpf_id_remove(struct kbpf_ids *ids, u32 id);

/*
 * Find obj by id and take a reference with tryget() under the ids lock, so
 * an object whose last reference is being dropped is never returned.
 */
void *kbpf_id_get(struct kbpf_ids *ids, u32 id, bool (*tryget)(void *obj));

/* The smallest id strictly greater than start; -ENOENT when there is none. */
int kbpf_id_next(struct kbpf_ids *ids, u32 start, u32 *next);

void kbpf_ids_destroy(struct kbpf_ids *ids);

#endif /* KBPF_KMOD_ID_H */
