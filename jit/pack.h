/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packing allocator behind the executable arena, in the spirit of
 * Linux's bpf_prog_pack: a fixed region cut into 64-byte chunks, one bit
 * per chunk, so several small programs share a page and a large one takes
 * consecutive chunks. It hands out offsets into the region and never
 * touches the region itself, so it is shared core, tested on the host.
 *
 * Placement is first fit, fully deterministic. An allocation of at most a
 * page never straddles a page boundary: a small program is then written
 * through one temporary mapping and runs from one iTLB entry.
 *
 * Not locked: the user (jit/arena.c) serialises calls.
 */
#ifndef KBPF_JIT_PACK_H
#define KBPF_JIT_PACK_H

#include <kbpf/kapi.h>

#define KBPF_PACK_CHUNK_SHIFT	6
#define KBPF_PACK_CHUNK		BIT(KBPF_PACK_CHUNK_SHIFT)

struct kbpf_pack {
	unsigned long *used;	/* chunk is allocated */
	unsigned long *start;	/* chunk is the first of an allocation */
	u32 nr_chunks;
	u32 nr_free;
};

/* A pack over size bytes, a non-zero multiple of PAGE_SIZE. */
int kbpf_pack_init(struct kbpf_pack *p, size_t size);
void kbpf_pack_destroy(struct kbpf_pack *p);

/*
 * Offset of size bytes (rounded up to whole chunks, so 64-byte aligned),
 * or -EINVAL for size 0, -E2BIG if size exceeds the whole region, -ENOSPC
 * if no run of free chunks is long enough now.
 */
long kbpf_pack_alloc(struct kbpf_pack *p, size_t size);

/*
 * Free the allocation starting at off. Returns the bytes it covered (the
 * caller refills them), or -EINVAL if off does not start a live allocation:
 * a double free or a pointer into the middle of one.
 */
long kbpf_pack_free(struct kbpf_pack *p, unsigned long off);

/* True when [off, off + len) lies inside one live allocation. */
bool kbpf_pack_owns(const struct kbpf_pack *p, unsigned long off, size_t len);

static inline size_t kbpf_pack_free_bytes(const struct kbpf_pack *p)
{
	return (size_t)p->nr_free << KBPF_PACK_CHUNK_SHIFT;
}

#endif /* KBPF_JIT_PACK_H */
