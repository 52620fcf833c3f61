/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring buffer's memory (kernel: pages and a vmap; host: a memfd
 * mapped twice): nr_meta pages, then data_size bytes of data pages, then
 * the same data pages again, so that the virtually contiguous data wraps
 * around by itself. Zeroed; userspace can map any page of it.
 */
#ifndef KBPF_MAPS_RINGBUF_AREA_H
#define KBPF_MAPS_RINGBUF_AREA_H

#include <kbpf/kapi.h>

struct kbpf_rb_area;

/* The base address of the area, or NULL; *area is what to free it with. */
void *kbpf_rb_area_alloc(u32 nr_meta, u64 data_size, int numa_node,
			 struct kbpf_rb_area **area);
void kbpf_rb_area_free(void *base, struct kbpf_rb_area *area);

#endif /* KBPF_MAPS_RINGBUF_AREA_H */
