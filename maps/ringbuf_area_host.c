// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer's memory on the host: a memfd mapped once whole and its
 * data part mapped again right after, so the data wraps around exactly as
 * the kernel's vmap makes it. Host only; the kernel has ringbuf_area.c.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "ringbuf_area.h"

struct kbpf_rb_area {
	size_t len;
};

void *kbpf_rb_area_alloc(u32 nr_meta, u64 data_size, int numa_node,
			 struct kbpf_rb_area **out)
{
	size_t meta = (size_t)nr_meta * PAGE_SIZE;
	size_t len = meta + 2 * data_size;
	struct kbpf_rb_area *area;
	char *base;
	int fd;

	area = malloc(sizeof(*area));
	fd = memfd_create("kbpf-ringbuf", MFD_CLOEXEC);
	if (!area || fd < 0 || ftruncate(fd, meta + data_size))
		goto err;
	/* Reserve the whole range, then put the file over it twice. */
	base = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		goto err;
	if (mmap(base, meta + data_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
	    mmap(base + meta + data_size, data_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, meta) == MAP_FAILED) {
		munmap(base, len);
		goto err;
	}
	close(fd);
	area->len = len;
	*out = area;
	return base;

err:
	if (fd >= 0)
		close(fd);
	free(area);
	return NULL;
}

void kbpf_rb_area_free(void *base, struct kbpf_rb_area *area)
{
	munmap(base, area->len);
	free(area);
}
