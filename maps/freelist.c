// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU free lists of preallocated hash map elements. Every operation
 * takes one list's lock with interrupts off, never two at once, so the
 * lists can be used from any context that can take a raw spinlock.
 */
#include <kbpf/kapi.h>

#include "freelist.h"

int kbpf_freelist_init(struct kbpf_freelist *fl)
{
	int cpu;

	fl->heads = __alloc_percpu_gfp(sizeof(struct kbpf_freelist_head),
				       __alignof__(struct kbpf_freelist_head),
				       GFP_USER | __GFP_ACCOUNT);
	if (!fl->heads)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct kbpf_freelist_head *head = per_cpu_ptr(fl->heads, cpu);

		raw_spin_lock_init(&head->lock);
		head->first = NULL;
	}
	return 0;
}

void kbpf_freelist_destroy(struct kbpf_freelist *fl)
{
	free_percpu(fl->heads);
	fl->heads = NULL;
}

static void freelist_push_head(struct kbpf_freelist_head *head,
			       struct kbpf_freelist_node *node)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&head->lock, flags);
	node->next = head->first;
	head->first = node;
	raw_spin_unlock_irqrestore(&head->lock, flags);
}

void kbpf_freelist_populate(struct kbpf_freelist *fl, void *first, u32 stride,
			    u32 nr)
{
	u32 ncpus = num_possible_cpus(), per_cpu = nr / ncpus;
	u32 extra = nr % ncpus, i = 0, n;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kbpf_freelist_head *head = per_cpu_ptr(fl->heads, cpu);

		/* The first nr % ncpus CPUs take one node more. */
		for (n = per_cpu + (extra ? 1 : 0); n && i < nr; n--, i++)
			freelist_push_head(head, first + (u64)i * stride);
		if (extra)
			extra--;
	}
}

void kbpf_freelist_push(struct kbpf_freelist *fl,
			struct kbpf_freelist_node *node)
{
	freelist_push_head(per_cpu_ptr(fl->heads, raw_smp_processor_id()),
			   node);
}

static struct kbpf_freelist_node *
freelist_pop_head(struct kbpf_freelist_head *head)
{
	struct kbpf_freelist_node *node;
	unsigned long flags;

	/* Racy peek: do not lock (and bounce) a list that looks empty. */
	if (!READ_ONCE(head->first))
		return NULL;
	raw_spin_lock_irqsave(&head->lock, flags);
	node = head->first;
	if (node)
		head->first = node->next;
	raw_spin_unlock_irqrestore(&head->lock, flags);
	return node;
}

struct kbpf_freelist_node *kbpf_freelist_pop(struct kbpf_freelist *fl)
{
	int me = raw_smp_processor_id(), cpu;
	struct kbpf_freelist_node *node;

	node = freelist_pop_head(per_cpu_ptr(fl->heads, me));
	if (node)
		return node;
	/* Then the other CPUs', starting after this one so they share the load. */
	for_each_possible_cpu(cpu) {
		if (cpu <= me)
			continue;
		node = freelist_pop_head(per_cpu_ptr(fl->heads, cpu));
		if (node)
			return node;
	}
	for_each_possible_cpu(cpu) {
		if (cpu >= me)
			break;
		node = freelist_pop_head(per_cpu_ptr(fl->heads, cpu));
		if (node)
			return node;
	}
	return NULL;
}
