// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers that call back into the program: bpf_loop() and
 * bpf_for_each_map_elem(). The callback argument is whatever LD_IMM64
 * BPF_PSEUDO_FUNC loaded, a struct kbpf_callback that either runtime
 * provides (engine.h), so these run the same under the JIT and the
 * interpreter. The verifier has checked the callback against the
 * arguments these pass and made it return 0 (go on) or 1 (stop).
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/map.h>

#include "protos.h"

/* Linux's BPF_MAX_LOOPS: more iterations are -E2BIG. */
#define KBPF_MAX_LOOPS	(8 * 1024 * 1024)

static u64 kbpf_loop(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	u32 nr_loops = (u32)r1, i;

	if (r4)
		return -EINVAL;
	if (nr_loops > KBPF_MAX_LOOPS)
		return -E2BIG;
	for (i = 0; i < nr_loops; i++)
		if (kbpf_callback_call(r2, i, r3, 0, 0, 0))
			return i + 1;
	return i;
}

const struct kbpf_func_proto kbpf_loop_proto = {
	.func		= kbpf_loop,
	.name		= "bpf_loop",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING, KBPF_ARG_PTR_TO_FUNC,
			    KBPF_ARG_PTR_TO_STACK_OR_NULL, KBPF_ARG_ANYTHING },
};

static u64 kbpf_map_walk_elems(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	/* Linux checks flags in each map type's op; all refuse them alike. */
	if (r4)
		return -EINVAL;
	return map->ops->map_for_each_callback(map, r2,
					       (void *)(unsigned long)r3);
}

const struct kbpf_func_proto kbpf_for_each_map_elem_proto = {
	.func		= kbpf_map_walk_elems,
	.name		= "bpf_for_each_map_elem",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_FUNC,
			    KBPF_ARG_PTR_TO_STACK_OR_NULL, KBPF_ARG_ANYTHING },
};
