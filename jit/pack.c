// SPDX-License-Identifier: GPL-2.0
/*
 * Packing allocator over a fixed region (see pack.h). Two bitmaps: "used"
 * answers where the free runs are, "start" remembers where each allocation
 * begins, so free() needs only the address and can tell a bad or repeated
 * free from a real one. Every operation is a linear scan: the region is a
 * few thousand words at most and allocations are as rare as program loads.
 */
#include <kbpf/kapi.h>

#include "pack.h"

#define PACK_WORD_BITS		(8 * sizeof(unsigned long))
#define PACK_CHUNKS_PER_PAGE	(PAGE_SIZE / KBPF_PACK_CHUNK)

/* Private helpers: the host shim has no bitmap API. */
static bool pack_test(const unsigned long *map, u32 i)
{
	return map[i / PACK_WORD_BITS] & (1UL << (i % PACK_WORD_BITS));
}

static void pack_set(unsigned long *map, u32 i)
{
	map[i / PACK_WORD_BITS] |= 1UL << (i % PACK_WORD_BITS);
}

static void pack_clear(unsigned long *map, u32 i)
{
	map[i / PACK_WORD_BITS] &= ~(1UL << (i % PACK_WORD_BITS));
}

int kbpf_pack_init(struct kbpf_pack *p, size_t size)
{
	size_t words;

	if (!size || size % PAGE_SIZE || size / KBPF_PACK_CHUNK > U32_MAX)
		return -EINVAL;
	p->nr_chunks = size >> KBPF_PACK_CHUNK_SHIFT;
	p->nr_free = p->nr_chunks;
	words = DIV_ROUND_UP(p->nr_chunks, PACK_WORD_BITS);
	p->used = kcalloc(words, sizeof(unsigned long), GFP_KERNEL);
	p->start = kcalloc(words, sizeof(unsigned long), GFP_KERNEL);
	if (!p->used || !p->start) {
		kbpf_pack_destroy(p);
		return -ENOMEM;
	}
	return 0;
}

void kbpf_pack_destroy(struct kbpf_pack *p)
{
	kfree(p->used);
	kfree(p->start);
	p->used = NULL;
	p->start = NULL;
	p->nr_chunks = 0;
	p->nr_free = 0;
}

/* Length of the free run at i, looking no further than max chunks. */
static u32 pack_free_run(const struct kbpf_pack *p, u32 i, u32 max)
{
	u32 n = 0;

	while (n < max && i + n < p->nr_chunks && !pack_test(p->used, i + n))
		n++;
	return n;
}

long kbpf_pack_alloc(struct kbpf_pack *p, size_t size)
{
	u32 n, i, run;

	if (!size)
		return -EINVAL;
	if (size > (size_t)p->nr_chunks << KBPF_PACK_CHUNK_SHIFT)
		return -E2BIG;
	n = DIV_ROUND_UP(size, KBPF_PACK_CHUNK);
	if (n > p->nr_free)
		return -ENOSPC;

	i = 0;
	while (i + n <= p->nr_chunks) {
		/* Skip whole words of used chunks. */
		if (i % PACK_WORD_BITS == 0 &&
		    p->used[i / PACK_WORD_BITS] == ~0UL) {
			i += PACK_WORD_BITS;
			continue;
		}
		if (pack_test(p->used, i)) {
			i++;
			continue;
		}
		if (n <= PACK_CHUNKS_PER_PAGE &&
		    i / PACK_CHUNKS_PER_PAGE !=
		    (i + n - 1) / PACK_CHUNKS_PER_PAGE) {
			i = round_up(i + 1, (u32)PACK_CHUNKS_PER_PAGE);
			continue;
		}
		run = pack_free_run(p, i, n);
		if (run == n)
			goto found;
		i += run;
	}
	return -ENOSPC;

found:
	pack_set(p->start, i);
	for (run = 0; run < n; run++)
		pack_set(p->used, i + run);
	p->nr_free -= n;
	return (long)i << KBPF_PACK_CHUNK_SHIFT;
}

long kbpf_pack_free(struct kbpf_pack *p, unsigned long off)
{
	u32 i, n;

	if (off % KBPF_PACK_CHUNK ||
	    off >= (unsigned long)p->nr_chunks << KBPF_PACK_CHUNK_SHIFT)
		return -EINVAL;
	i = off >> KBPF_PACK_CHUNK_SHIFT;
	if (!pack_test(p->start, i))
		return -EINVAL;

	/* The allocation ends at the next free chunk or the next start. */
	pack_clear(p->start, i);
	n = 0;
	do {
		pack_clear(p->used, i + n);
		n++;
	} while (i + n < p->nr_chunks && pack_test(p->used, i + n) &&
		 !pack_test(p->start, i + n));
	p->nr_free += n;
	return (long)n << KBPF_PACK_CHUNK_SHIFT;
}

bool kbpf_pack_owns(const struct kbpf_pack *p, unsigned long off, size_t len)
{
	unsigned long end;
	u32 i;

	if (!len || check_add_overflow(off, (unsigned long)len, &end) ||
	    end > (unsigned long)p->nr_chunks << KBPF_PACK_CHUNK_SHIFT)
		return false;
	for (i = off >> KBPF_PACK_CHUNK_SHIFT;
	     i <= (end - 1) >> KBPF_PACK_CHUNK_SHIFT; i++) {
		if (!pack_test(p->used, i))
			return false;
		/* A start after the first chunk is the neighbour's. */
		if (i != off >> KBPF_PACK_CHUNK_SHIFT && pack_test(p->start, i))
			return false;
	}
	return true;
}
