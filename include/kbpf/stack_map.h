/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF_MAP_TYPE_STACK_TRACE (maps/stack_trace.c) as the stack helpers
 * (helpers/stack.c) see it, and the limits both share. Shared core.
 */
#ifndef KBPF_STACK_MAP_H
#define KBPF_STACK_MAP_H

#include <kbpf/kapi.h>

struct kbpf_map;

/*
 * Linux bounds every stack by the sysctl kernel.perf_event_max_stack,
 * which a module cannot read (sysctl_perf_event_max_stack is not
 * exported): kbpf uses its default, PERF_MAX_STACK_DEPTH (127).
 */
#define KBPF_MAX_STACK_DEPTH	127

/* The flags bpf_get_stackid() takes. */
#define KBPF_STACKID_FLAGS	(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | \
				 BPF_F_FAST_STACK_CMP | BPF_F_REUSE_STACKID)

/* Bytes one frame takes in a map's values: a u64 ip, or a build id record. */
u32 kbpf_stack_map_elem_size(const struct kbpf_map *map);

/*
 * Linux's __bpf_get_stackid(): the id of the trace ips[skip..nr) (skip
 * from flags, at most the frames a value holds) in map, storing it when
 * its bucket is free (or, with BPF_F_REUSE_STACKID, replacing what is
 * there). -EFAULT when skip leaves no frame, -EEXIST when another stack
 * holds the bucket, -ENOMEM when every element is in use. ips are
 * kernel addresses: a BPF_F_STACK_BUILD_ID map stores them as
 * BPF_STACK_BUILD_ID_IP records, as Linux does for kernel stacks.
 */
long kbpf_stack_map_get_id(struct kbpf_map *map, const u64 *ips, u32 nr,
			   u64 flags);

#endif /* KBPF_STACK_MAP_H */
