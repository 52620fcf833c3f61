// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_RINGBUF: a multi-producer, single-consumer ring of
 * variable-length records shared with userspace, with Linux 6.1's layout,
 * limits and wake-up policy (include/kbpf/ringbuf.h has the producer API).
 *
 * The area (ringbuf_area.h) is: page 0, kernel only, pointing back to the
 * ring so a record finds its ring from its header's pg_off alone; page 1
 * the consumer position, which userspace advances; page 2 the producer
 * position; then the data pages, twice. Producers reserve space in order
 * under a lock, write their sample without it, and publish it by clearing
 * the header's busy bit; the consumer stops at the first busy record, so
 * records become visible in reservation order.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/ringbuf.h>

#include "ringbuf_area.h"
#include "ringbuf_internal.h"

#define RINGBUF_CREATE_FLAG_MASK	BPF_F_NUMA_NODE
#define RINGBUF_MAX_RECORD_SZ	(U32_MAX / 4)
/* A record's pg_off counts pages from the base in 24 bits, as in Linux. */
#define RINGBUF_MAX_DATA_SZ	(((1ULL << 24) - RINGBUF_META_PAGES) * PAGE_SIZE)

static struct kbpf_ringbuf *to_rb(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_ringbuf, map);
}

static int ringbuf_map_alloc_check(union bpf_attr *attr)
{
	if (attr->map_flags & ~RINGBUF_CREATE_FLAG_MASK)
		return -EINVAL;
	if (attr->key_size || attr->value_size ||
	    !is_power_of_2(attr->max_entries) ||
	    attr->max_entries & (PAGE_SIZE - 1))
		return -EINVAL;
	/*
	 * Linux's E2BIG above RINGBUF_MAX_DATA_SZ cannot happen on 64-bit:
	 * a u32 max_entries is always below it.
	 */
	BUILD_BUG_ON(RINGBUF_MAX_DATA_SZ < U32_MAX);
	return 0;
}

static void ringbuf_notify(struct irq_work *work)
{
	struct kbpf_ringbuf *rb = container_of(work, struct kbpf_ringbuf, work);

	wake_up_all(&rb->waitq);
}

static struct kbpf_map *ringbuf_map_alloc(union bpf_attr *attr)
{
	struct kbpf_ringbuf *rb;

	rb = kzalloc(sizeof(*rb), GFP_USER | __GFP_ACCOUNT);
	if (!rb)
		return ERR_PTR(-ENOMEM);
	kbpf_map_init_from_attr(&rb->map, attr);
	rb->base = kbpf_rb_area_alloc(RINGBUF_META_PAGES, attr->max_entries,
				      rb->map.numa_node, &rb->area);
	if (!rb->base) {
		kfree(rb);
		return ERR_PTR(-ENOMEM);
	}
	*(struct kbpf_ringbuf **)rb->base = rb;
	rb->consumer_pos = rb->base + PAGE_SIZE;
	rb->producer_pos = rb->base + 2 * PAGE_SIZE;
	rb->data = rb->base + RINGBUF_META_PAGES * PAGE_SIZE;
	rb->mask = attr->max_entries - 1;
	raw_spin_lock_init(&rb->lock);
	init_waitqueue_head(&rb->waitq);
	init_irq_work(&rb->work, ringbuf_notify);
	return &rb->map;
}

static void ringbuf_map_free(struct kbpf_map *map)
{
	struct kbpf_ringbuf *rb = to_rb(map);

	irq_work_sync(&rb->work);
	kbpf_rb_area_free(rb->base, rb->area);
	kfree(rb);
}

/* No elements: every element command is ENOTSUPP, as in Linux. */
static void *ringbuf_map_lookup_elem(struct kbpf_map *map, void *key)
{
	return ERR_PTR(-ENOTSUPP);
}

static long ringbuf_map_update_elem(struct kbpf_map *map, void *key,
				    void *value, u64 flags)
{
	return -ENOTSUPP;
}

static long ringbuf_map_delete_elem(struct kbpf_map *map, void *key)
{
	return -ENOTSUPP;
}

static int ringbuf_map_get_next_key(struct kbpf_map *map, void *key,
				    void *next_key)
{
	return -ENOTSUPP;
}

/* Only the consumer position may be mapped writable. */
static void *ringbuf_map_mmap_area(struct kbpf_map *map, u64 pgoff, u64 pages,
				   bool writable, u64 *size)
{
	struct kbpf_ringbuf *rb = to_rb(map);

	if (writable && (pgoff != 0 || pages != 1))
		return ERR_PTR(-EPERM);
	*size = (RINGBUF_META_PAGES - RINGBUF_USER_PGOFF) * PAGE_SIZE +
		2 * (rb->mask + 1);
	return rb->base + RINGBUF_USER_PGOFF * PAGE_SIZE;
}

static u64 ringbuf_avail_data(struct kbpf_ringbuf *rb)
{
	/* Pairs with the consumer's and the producers' release stores. */
	unsigned long cons = smp_load_acquire(rb->consumer_pos);
	/* Pairs with the release in kbpf_ringbuf_reserve(). */
	unsigned long prod = smp_load_acquire(rb->producer_pos);

	return prod - cons;
}

static __poll_t ringbuf_map_poll(struct kbpf_map *map, struct file *file,
				 struct poll_table_struct *pts)
{
	struct kbpf_ringbuf *rb = to_rb(map);

	poll_wait(file, &rb->waitq, pts);
	if (ringbuf_avail_data(rb))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

void *kbpf_ringbuf_reserve(struct kbpf_map *map, u64 size, u64 flags)
{
	struct kbpf_ringbuf *rb = to_rb(map);
	unsigned long cons_pos, prod_pos, new_prod_pos, irqflags;
	struct kbpf_ringbuf_hdr *hdr;
	u32 len;

	if (unlikely(flags || size > RINGBUF_MAX_RECORD_SZ))
		return NULL;
	len = round_up(size + BPF_RINGBUF_HDR_SZ, 8);
	if (len > rb->mask + 1)
		return NULL;
	/* Pairs with the consumer's release: its reads before our reuse. */
	cons_pos = smp_load_acquire(rb->consumer_pos);
	/* An NMI may have interrupted a holder of the lock on this CPU. */
	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&rb->lock, irqflags))
			return NULL;
	} else {
		raw_spin_lock_irqsave(&rb->lock, irqflags);
	}
	prod_pos = *rb->producer_pos;
	new_prod_pos = prod_pos + len;
	/* Linux's bound: the ring never holds more than its size - 1 bytes. */
	if (new_prod_pos - cons_pos > rb->mask) {
		raw_spin_unlock_irqrestore(&rb->lock, irqflags);
		return NULL;
	}
	hdr = (void *)rb->data + (prod_pos & rb->mask);
	hdr->pg_off = ((void *)hdr - rb->base) >> PAGE_SHIFT;
	hdr->len = size | BPF_RINGBUF_BUSY_BIT;
	/* The busy header before the position that makes it visible. */
	smp_store_release(rb->producer_pos, new_prod_pos);
	raw_spin_unlock_irqrestore(&rb->lock, irqflags);
	return (void *)hdr + BPF_RINGBUF_HDR_SZ;
}

static struct kbpf_ringbuf *ringbuf_from_hdr(struct kbpf_ringbuf_hdr *hdr)
{
	unsigned long base = ((unsigned long)hdr & PAGE_MASK) -
			     ((unsigned long)hdr->pg_off << PAGE_SHIFT);

	return *(struct kbpf_ringbuf **)base;
}

static void ringbuf_commit(void *sample, u64 flags, bool discard)
{
	struct kbpf_ringbuf_hdr *hdr = sample - BPF_RINGBUF_HDR_SZ;
	struct kbpf_ringbuf *rb = ringbuf_from_hdr(hdr);
	unsigned long rec_pos, cons_pos;
	u32 new_len;

	new_len = hdr->len & ~BPF_RINGBUF_BUSY_BIT;
	if (discard)
		new_len |= BPF_RINGBUF_DISCARD_BIT;
	/* The sample before the header that hands it over. */
	smp_store_release(&hdr->len, new_len);
	/*
	 * The header before the consumer position we look at: a consumer
	 * that has gone to sleep after seeing our busy bit gets its wake-up.
	 */
	smp_mb();
	rec_pos = (void *)hdr - (void *)rb->data;
	/* Pairs with the consumer's release of its position. */
	cons_pos = smp_load_acquire(rb->consumer_pos) & rb->mask;
	/* By default, wake only a consumer that waits on this very record. */
	if (flags & BPF_RB_FORCE_WAKEUP)
		irq_work_queue(&rb->work);
	else if (cons_pos == rec_pos && !(flags & BPF_RB_NO_WAKEUP))
		irq_work_queue(&rb->work);
}

void kbpf_ringbuf_submit(void *sample, u64 flags)
{
	ringbuf_commit(sample, flags, false);
}

void kbpf_ringbuf_discard(void *sample, u64 flags)
{
	ringbuf_commit(sample, flags, true);
}

long kbpf_ringbuf_output(struct kbpf_map *map, const void *data, u64 size,
			 u64 flags)
{
	void *rec;

	if (unlikely(flags & ~(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)))
		return -EINVAL;
	rec = kbpf_ringbuf_reserve(map, size, 0);
	if (!rec)
		return -EAGAIN;
	/* A zero-sized sample may come with a NULL pointer. */
	if (size)
		memcpy(rec, data, size);
	ringbuf_commit(rec, flags, false);
	return 0;
}

u64 kbpf_ringbuf_query(struct kbpf_map *map, u64 flags)
{
	struct kbpf_ringbuf *rb = to_rb(map);

	switch (flags) {
	case BPF_RB_AVAIL_DATA:
		return ringbuf_avail_data(rb);
	case BPF_RB_RING_SIZE:
		return rb->mask + 1;
	case BPF_RB_CONS_POS:
		/* Pairs with the consumer's release of its position. */
		return smp_load_acquire(rb->consumer_pos);
	case BPF_RB_PROD_POS:
		/* Pairs with the release in kbpf_ringbuf_reserve(). */
		return smp_load_acquire(rb->producer_pos);
	default:
		return 0;
	}
}

const struct kbpf_map_ops kbpf_ringbuf_map_ops = {
	.map_alloc_check = ringbuf_map_alloc_check,
	.map_alloc = ringbuf_map_alloc,
	.map_free = ringbuf_map_free,
	.map_get_next_key = ringbuf_map_get_next_key,
	.map_lookup_elem = ringbuf_map_lookup_elem,
	.map_update_elem = ringbuf_map_update_elem,
	.map_delete_elem = ringbuf_map_delete_elem,
	.map_mmap_area = ringbuf_map_mmap_area,
	.map_poll = ringbuf_map_poll,
	.map_meta_equal = kbpf_map_meta_equal,
};
