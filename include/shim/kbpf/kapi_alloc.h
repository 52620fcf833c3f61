/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: gfp flags and the kmalloc, kvmalloc and
 * vmalloc families, on the C library's allocator.
 */
#ifndef KBPF_SHIM_KAPI_ALLOC_H
#define KBPF_SHIM_KAPI_ALLOC_H

#include <kbpf/kapi_base.h>

/* ---- Allocation ---------------------------------------------------------- */

/*
 * Only two gfp bits change behaviour here: __GFP_ZERO zeroes, and
 * __GFP_NOWARN silences the kernel's WARN (an abort on the host) for
 * requests above the allocator's limits. The others are accepted and
 * ignored; the node argument is ignored too (one node).
 */
typedef unsigned int gfp_t;
#define __GFP_ZERO		0x01u
#define __GFP_NOWARN		0x02u
#define __GFP_ACCOUNT		0x04u
#define __GFP_RETRY_MAYFAIL	0x08u
#define GFP_ATOMIC		0x10u
#define GFP_KERNEL		0x20u
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_USER		(GFP_KERNEL | 0x40u)
#define GFP_NOWAIT		0x80u

#define NUMA_NO_NODE		(-1)
#define nr_node_ids		1U

/* Largest kmalloc on x86-64 6.1 (SLUB: 1 << (MAX_ORDER + PAGE_SHIFT - 1)). */
#define KMALLOC_MAX_SIZE	(1UL << 22)

static inline void *kbpf_shim_alloc(size_t size, gfp_t flags, size_t limit)
{
	if (unlikely(size > limit)) {
		__kbpf_warn(!(flags & __GFP_NOWARN),
			    "oversized allocation without __GFP_NOWARN");
		return NULL;
	}
	return (flags & __GFP_ZERO) ? calloc(1, size) : malloc(size);
}

static inline void *kmalloc(size_t size, gfp_t flags)
{
	return kbpf_shim_alloc(size, flags, KMALLOC_MAX_SIZE);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

/* An overflowing n * size fails quietly, as in the kernel. */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kmalloc(bytes, flags);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}

static inline void *kmalloc_node(size_t size, gfp_t flags, int node)
{
	return kmalloc(size, flags);
}

static inline void *kzalloc_node(size_t size, gfp_t flags, int node)
{
	return kzalloc(size, flags);
}

/* kvmalloc refuses anything above INT_MAX, warning unless __GFP_NOWARN. */
static inline void *kvmalloc_node(size_t size, gfp_t flags, int node)
{
	return kbpf_shim_alloc(size, flags, INT_MAX);
}

static inline void *kvmalloc(size_t size, gfp_t flags)
{
	return kvmalloc_node(size, flags, NUMA_NO_NODE);
}

static inline void *kvzalloc(size_t size, gfp_t flags)
{
	return kvmalloc(size, flags | __GFP_ZERO);
}

static inline void *kvzalloc_node(size_t size, gfp_t flags, int node)
{
	return kvmalloc_node(size, flags | __GFP_ZERO, node);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kvmalloc(bytes, flags | __GFP_ZERO);
}

static inline void *vmalloc(unsigned long size)
{
	return malloc(size);
}

static inline void *vzalloc(unsigned long size)
{
	return calloc(1, size);
}

/* Page-aligned, as the kernel's vmalloc areas are (mmap-able maps rely on it). */
static inline void *__vmalloc(unsigned long size, gfp_t flags)
{
	void *p;

	if (unlikely(size > INT_MAX))
		return NULL;
	size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	p = aligned_alloc(PAGE_SIZE, size ? size : PAGE_SIZE);
	if (p && (flags & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

/* All one heap here: mixing kfree/kvfree/vfree up goes unnoticed. */
static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

static inline void vfree(const void *p)
{
	free((void *)p);
}

#endif /* KBPF_SHIM_KAPI_ALLOC_H */
