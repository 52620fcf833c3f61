/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring buffer map's object (maps/ringbuf.c), for the code and the host
 * tests that look inside it.
 */
#ifndef KBPF_MAPS_RINGBUF_INTERNAL_H
#define KBPF_MAPS_RINGBUF_INTERNAL_H

#include <kbpf/kapi.h>
#include <kbpf/map.h>

/* The back pointer, the consumer position, the producer position. */
#define RINGBUF_META_PAGES	3
/* Userspace's page 0 is the consumer position. */
#define RINGBUF_USER_PGOFF	1

struct kbpf_rb_area;

struct kbpf_ringbuf {
	struct kbpf_map map;
	wait_queue_head_t waitq;
	/* Wakes the consumer from any context, programs' included. */
	struct irq_work work;
	/* Orders reservations; never held while a sample is written. */
	raw_spinlock_t lock;
	u64 mask;
	void *base;
	struct kbpf_rb_area *area;
	unsigned long *consumer_pos;
	unsigned long *producer_pos;
	char *data;
};

#endif /* KBPF_MAPS_RINGBUF_INTERNAL_H */
