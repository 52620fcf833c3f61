// SPDX-License-Identifier: GPL-2.0
/*
 * Object ids. The lock is irq-safe because the last reference of a program
 * or map may be dropped from softirq context or with interrupts disabled
 * (a hook's RCU callback), and that removes its id.
 */
#include <linux/gfp.h>
#include <linux/limits.h>

#include "export.h"
#include "id.h"

int kbpf_id_alloc(struct kbpf_ids *ids, void *obj)
{
	unsigned long flags;
	int id;

	idr_preload(GFP_KERNEL);
	spin_lock_irqsave(&ids->lock, flags);
	id = idr_alloc_cyclic(&ids->idr, obj, 1, INT_MAX, GFP_ATOMIC);
	spin_unlock_irqrestore(&ids->lock, flags);
	idr_preload_end();
	if (WARN_ON_ONCE(id == 0))
		return -ENOSPC;
	return id;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_id_alloc);

void kbpf_id_remove(struct kbpf_ids *ids, u32 id)
{
	unsigned long flags;

	spin_lock_irqsave(&ids->lock, flags);
	idr_remove(&ids->idr, id);
	spin_unlock_irqrestore(&ids->lock, flags);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_id_remove);

void *kbpf_id_get(struct kbpf_ids *ids, u32 id, bool (*tryget)(void *obj))
{
	unsigned long flags;
	void *obj;

	spin_lock_irqsave(&ids->lock, flags);
	obj = idr_find(&ids->idr, id);
	if (obj && !tryget(obj))
		obj = NULL;
	spin_unlock_irqrestore(&ids->lock, flags);
	return obj;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_id_get);

int kbpf_id_next(struct kbpf_ids *ids, u32 start, u32 *next)
{
	unsigned long flags;
	int id = start + 1;
	int err = 0;

	if (start >= INT_MAX)
		return -ENOENT;
	spin_lock_irqsave(&ids->lock, flags);
	if (!idr_get_next(&ids->idr, &id))
		err = -ENOENT;
	spin_unlock_irqrestore(&ids->lock, flags);
	if (!err)
		*next = id;
	return err;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_id_next);

void kbpf_ids_destroy(struct kbpf_ids *ids)
{
	WARN_ON(!idr_is_empty(&ids->idr));
	idr_destroy(&ids->idr);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_ids_destroy);
