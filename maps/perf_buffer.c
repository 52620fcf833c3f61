// SPDX-License-Identifier: GPL-2.0
/*
 * Perf buffers (include/kbpf/perf_buffer.h): the reader side of
 * bpf_perf_event_output(), laid out as a perf event's mmap'ed ring so
 * perf-style consumers (libbpf's perf_buffer, perf's own readers) parse
 * it unchanged: a struct perf_event_mmap_page, then 2^n data pages of
 * PERF_RECORD_SAMPLE (raw data) and PERF_RECORD_LOST records.
 *
 * Writers take the buffer's lock for the whole record; a buffer belongs
 * to one CPU and its writers are programs on that CPU, so the lock is
 * only contended by a program interrupting another one there (an NMI
 * then gives up rather than deadlock, as the ringbuf does).
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/perf_buffer.h>

struct kbpf_perf_buffer {
	refcount_t refcnt;
	int cpu;
	u32 wakeup_events;
	raw_spinlock_t lock;
	/*
	 * Under lock: samples since the last wake-up, samples dropped, and
	 * the producer position, kept here because userspace may write to
	 * the whole mapped page (data_head there is only a copy).
	 */
	u32 pending;
	u64 lost;
	u64 head;
	u64 mask;			/* data size - 1 */
	struct perf_event_mmap_page *user_page;
	u8 *data;
	/* Set by a wake-up, taken by poll(), as perf's rb->poll. */
	atomic_t ready;
	wait_queue_head_t waitq;
	struct irq_work work;
	struct rcu_head rcu;
	struct work_struct free_work;
};

struct lost_record {
	struct perf_event_header header;
	u64 id;
	u64 lost;
};

static void perf_buffer_notify(struct irq_work *work)
{
	struct kbpf_perf_buffer *pb =
		container_of(work, struct kbpf_perf_buffer, work);

	atomic_set(&pb->ready, 1);
	wake_up_all(&pb->waitq);
}

struct kbpf_perf_buffer *kbpf_perf_buffer_alloc(int cpu, u32 data_pages,
						u32 wakeup_events)
{
	struct kbpf_perf_buffer *pb;

	if (cpu < 0 || (unsigned int)cpu >= nr_cpu_ids || !cpu_possible(cpu) ||
	    !data_pages || !is_power_of_2(data_pages) ||
	    data_pages > KBPF_PERF_BUFFER_MAX_PAGES)
		return ERR_PTR(-EINVAL);
	pb = kzalloc(sizeof(*pb), GFP_USER | __GFP_ACCOUNT);
	if (!pb)
		return ERR_PTR(-ENOMEM);
	pb->user_page = kbpf_map_area_alloc_mmapable((1 + (u64)data_pages) *
						     PAGE_SIZE);
	if (!pb->user_page) {
		kfree(pb);
		return ERR_PTR(-ENOMEM);
	}
	refcount_set(&pb->refcnt, 1);
	pb->cpu = cpu;
	pb->wakeup_events = wakeup_events ? wakeup_events : 1;
	pb->mask = (u64)data_pages * PAGE_SIZE - 1;
	pb->data = (u8 *)pb->user_page + PAGE_SIZE;
	pb->user_page->data_offset = PAGE_SIZE;
	pb->user_page->data_size = pb->mask + 1;
	raw_spin_lock_init(&pb->lock);
	init_waitqueue_head(&pb->waitq);
	init_irq_work(&pb->work, perf_buffer_notify);
	return pb;
}

void kbpf_perf_buffer_get(struct kbpf_perf_buffer *pb)
{
	refcount_inc(&pb->refcnt);
}

/* Freeing may sleep (irq_work_sync(), vfree()): from a work item. */
static void perf_buffer_free_work(struct work_struct *work)
{
	struct kbpf_perf_buffer *pb =
		container_of(work, struct kbpf_perf_buffer, free_work);

	irq_work_sync(&pb->work);
	kbpf_map_area_free(pb->user_page);
	kfree(pb);
}

static void perf_buffer_free_rcu(struct rcu_head *rcu)
{
	struct kbpf_perf_buffer *pb =
		container_of(rcu, struct kbpf_perf_buffer, rcu);

	INIT_WORK(&pb->free_work, perf_buffer_free_work);
	queue_work(kbpf_free_wq, &pb->free_work);
}

/*
 * Any context but NMI: a program that found the buffer in a map may
 * still be writing to it, so it goes after a grace period.
 */
void kbpf_perf_buffer_put(struct kbpf_perf_buffer *pb)
{
	if (refcount_dec_and_test(&pb->refcnt))
		call_rcu(&pb->rcu, perf_buffer_free_rcu);
}

int kbpf_perf_buffer_cpu(const struct kbpf_perf_buffer *pb)
{
	return pb->cpu;
}

/* Copy into the ring at *pos, wrapping at the end of the data area. */
static void ring_put(struct kbpf_perf_buffer *pb, u64 *pos, const void *src,
		     u64 len)
{
	u64 off = *pos & pb->mask, first = min(len, pb->mask + 1 - off);

	memcpy(pb->data + off, src, first);
	memcpy(pb->data, src + first, len - first);
	*pos += len;
}

static void ring_zero(struct kbpf_perf_buffer *pb, u64 *pos, u64 len)
{
	u64 off = *pos & pb->mask, first = min(len, pb->mask + 1 - off);

	memset(pb->data + off, 0, first);
	memset(pb->data, 0, len - first);
	*pos += len;
}

/* The context's bytes through its copy function, zeroes where it fails. */
static void ring_put_ctx(struct kbpf_perf_buffer *pb, u64 *pos,
			 const void *ctx, u64 len, kbpf_ctx_copy_t copy)
{
	u64 off = *pos & pb->mask, first = min(len, pb->mask + 1 - off);
	unsigned long left;

	left = copy(pb->data + off, ctx, 0, first);
	if (left)
		memset(pb->data + off + first - left, 0, left);
	if (len > first) {
		left = copy(pb->data, ctx, first, len - first);
		if (left)
			memset(pb->data + len - first - left, 0, left);
	}
	*pos += len;
}

int kbpf_perf_buffer_output(struct kbpf_perf_buffer *pb, const void *meta,
			    u64 meta_size, const void *ctx, u64 ctx_size,
			    kbpf_ctx_copy_t copy)
{
	u64 raw = meta_size + ctx_size, head, tail, need, pos;
	struct perf_event_header header;
	unsigned long flags;
	u32 raw_size;

	/* perf pads the u32 size and the data to a multiple of 8 bytes. */
	raw_size = round_up(raw + sizeof(u32), sizeof(u64)) - sizeof(u32);
	header.type = PERF_RECORD_SAMPLE;
	header.misc = PERF_RECORD_MISC_KERNEL;
	/* perf's header cannot describe more (Linux would wrap the size). */
	if (sizeof(header) + sizeof(u32) + (u64)raw_size > U16_MAX)
		return -E2BIG;
	header.size = sizeof(header) + sizeof(u32) + raw_size;

	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&pb->lock, flags))
			return -EBUSY;
	} else {
		raw_spin_lock_irqsave(&pb->lock, flags);
	}
	head = pb->head;
	/* Pairs with the consumer's release: its reads before our reuse. */
	tail = smp_load_acquire(&pb->user_page->data_tail);
	need = header.size + (pb->lost ? sizeof(struct lost_record) : 0);
	if (head - tail + need > pb->mask + 1) {
		pb->lost++;
		raw_spin_unlock_irqrestore(&pb->lock, flags);
		return -ENOSPC;
	}
	pos = head;
	if (pb->lost) {
		struct lost_record rec = {
			.header = { .type = PERF_RECORD_LOST,
				    .size = sizeof(rec) },
			.lost = pb->lost,
		};

		ring_put(pb, &pos, &rec, sizeof(rec));
		pb->lost = 0;
	}
	ring_put(pb, &pos, &header, sizeof(header));
	ring_put(pb, &pos, &raw_size, sizeof(raw_size));
	ring_put(pb, &pos, meta, meta_size);
	if (ctx_size)
		ring_put_ctx(pb, &pos, ctx, ctx_size, copy);
	ring_zero(pb, &pos, raw_size - raw);
	pb->head = pos;
	/* The records before the head that publishes them. */
	smp_store_release(&pb->user_page->data_head, pos);
	if (++pb->pending >= pb->wakeup_events) {
		pb->pending = 0;
		irq_work_queue(&pb->work);
	}
	raw_spin_unlock_irqrestore(&pb->lock, flags);
	return 0;
}

void *kbpf_perf_buffer_area(struct kbpf_perf_buffer *pb, u64 *size)
{
	*size = PAGE_SIZE + pb->mask + 1;
	return pb->user_page;
}

__poll_t kbpf_perf_buffer_poll(struct kbpf_perf_buffer *pb, struct file *file,
			       struct poll_table_struct *pts)
{
	poll_wait(file, &pb->waitq, pts);
	return atomic_xchg(&pb->ready, 0) ? EPOLLIN | EPOLLRDNORM : 0;
}
