// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer's memory in the kernel: order-0 pages charged to the
 * caller's memcg, vmap'ed with the data pages twice (vmap maps them non
 * executable, which is all data needs). Kernel only; the host build has
 * ringbuf_area_host.c.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "ringbuf_area.h"

struct kbpf_rb_area {
	int nr_pages;
	struct page *pages[];
};

void *kbpf_rb_area_alloc(u32 nr_meta, u64 data_size, int numa_node,
			 struct kbpf_rb_area **out)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
			  __GFP_NOWARN | __GFP_ZERO;
	u64 nr_data = data_size >> PAGE_SHIFT;
	struct kbpf_rb_area *area;
	struct page **map_pages;
	u64 nr_pages = nr_meta + nr_data, i;
	void *base = NULL;

	area = kvmalloc(struct_size(area, pages, nr_pages),
			GFP_KERNEL | __GFP_NOWARN);
	map_pages = kvmalloc_array(nr_meta + 2 * nr_data, sizeof(*map_pages),
				   GFP_KERNEL | __GFP_NOWARN);
	if (!area || !map_pages)
		goto err_free;
	area->nr_pages = 0;
	for (i = 0; i < nr_pages; i++) {
		area->pages[i] = alloc_pages_node(numa_node, gfp, 0);
		if (!area->pages[i])
			goto err_free;
		area->nr_pages++;
		map_pages[i] = area->pages[i];
		if (i >= nr_meta)
			map_pages[i + nr_data] = area->pages[i];
		cond_resched();
	}
	base = vmap(map_pages, nr_meta + 2 * nr_data, VM_MAP | VM_USERMAP,
		    PAGE_KERNEL);
	if (!base)
		goto err_free;
	kvfree(map_pages);
	*out = area;
	return base;

err_free:
	kvfree(map_pages);
	if (area)
		kbpf_rb_area_free(NULL, area);
	return NULL;
}

void kbpf_rb_area_free(void *base, struct kbpf_rb_area *area)
{
	int i;

	if (base)
		vunmap(base);
	for (i = 0; i < area->nr_pages; i++)
		__free_page(area->pages[i]);
	kvfree(area);
}
