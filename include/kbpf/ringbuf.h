/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF_MAP_TYPE_RINGBUF's producer side, for the ringbuf helpers
 * (bpf_ringbuf_output/reserve/submit/discard/query): Linux 6.1's
 * semantics, record layout and wake-up policy (maps/ringbuf.c).
 *
 * Userspace maps the map fd as Linux's ring: page 0 the consumer position
 * (the only writable page), page 1 the producer position, then the data
 * pages, mapped twice in a row so a record that wraps reads contiguously.
 * Each record is an 8-byte header and the sample, rounded up to 8 bytes.
 */
#ifndef KBPF_RINGBUF_H
#define KBPF_RINGBUF_H

#include <kbpf/kapi.h>

struct kbpf_map;

/*
 * A record's header, Linux's (BPF_RINGBUF_HDR_SZ bytes): the sample's
 * length with BPF_RINGBUF_BUSY_BIT while it is being written and
 * BPF_RINGBUF_DISCARD_BIT if it was discarded; and how many pages the
 * header lies past the ring's first (kernel-only) page, for the producer.
 */
struct kbpf_ringbuf_hdr {
	u32 len;
	u32 pg_off;
};

/*
 * Room for a sample of size bytes, or NULL (flags not 0, too large, no
 * room). Any context; the sample must be submitted or discarded.
 */
void *kbpf_ringbuf_reserve(struct kbpf_map *map, u64 size, u64 flags);
/*
 * Publish (or drop) a reserved sample. flags: BPF_RB_NO_WAKEUP,
 * BPF_RB_FORCE_WAKEUP, or 0 to wake the consumer when it has caught up
 * with this record; other bits are ignored, as by Linux's helpers.
 */
void kbpf_ringbuf_submit(void *sample, u64 flags);
void kbpf_ringbuf_discard(void *sample, u64 flags);
/* Reserve, copy, submit: 0, -EINVAL for unknown flags, -EAGAIN if full. */
long kbpf_ringbuf_output(struct kbpf_map *map, const void *data, u64 size,
			 u64 flags);
/* BPF_RB_AVAIL_DATA, BPF_RB_RING_SIZE, BPF_RB_CONS_POS, BPF_RB_PROD_POS; else 0. */
u64 kbpf_ringbuf_query(struct kbpf_map *map, u64 flags);

#endif /* KBPF_RINGBUF_H */
