// SPDX-License-Identifier: GPL-2.0
/*
 * Ring buffer helpers (Linux 6.1's kernel/bpf/ringbuf.c protos) on the
 * producer API of BPF_MAP_TYPE_RINGBUF (include/kbpf/ringbuf.h). The
 * verifier checks that the map is a RINGBUF, that reserve's size is a
 * known constant, and that every reserved record reaches submit or
 * discard exactly once: reserve's NULL-or-memory return is a reference
 * the program must release (KBPF_OBJ_RELEASE on submit and discard).
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/ringbuf.h>

#include "protos.h"

static u64 kbpf_ringbuf_reserve_helper(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	return (unsigned long)kbpf_ringbuf_reserve(map, r2, r3);
}

const struct kbpf_func_proto kbpf_ringbuf_reserve_proto = {
	.func		= kbpf_ringbuf_reserve_helper,
	.name		= "bpf_ringbuf_reserve",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_PTR_TO_ALLOC_MEM | KBPF_PTR_MAYBE_NULL,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR,
			    KBPF_ARG_CONST_ALLOC_SIZE_OR_ZERO,
			    KBPF_ARG_ANYTHING },
	.ret_acquires_ref = true,
};

static u64 kbpf_ringbuf_submit_helper(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	kbpf_ringbuf_submit((void *)(unsigned long)r1, r2);
	return 0;
}

const struct kbpf_func_proto kbpf_ringbuf_submit_proto = {
	.func		= kbpf_ringbuf_submit_helper,
	.name		= "bpf_ringbuf_submit",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_VOID,
	.arg_type	= { KBPF_ARG_PTR_TO_ALLOC_MEM | KBPF_OBJ_RELEASE,
			    KBPF_ARG_ANYTHING },
};

static u64 kbpf_ringbuf_discard_helper(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	kbpf_ringbuf_discard((void *)(unsigned long)r1, r2);
	return 0;
}

const struct kbpf_func_proto kbpf_ringbuf_discard_proto = {
	.func		= kbpf_ringbuf_discard_helper,
	.name		= "bpf_ringbuf_discard",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_VOID,
	.arg_type	= { KBPF_ARG_PTR_TO_ALLOC_MEM | KBPF_OBJ_RELEASE,
			    KBPF_ARG_ANYTHING },
};

static u64 kbpf_ringbuf_output_helper(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	return kbpf_ringbuf_output(map, (const void *)(unsigned long)r2, r3, r4);
}

const struct kbpf_func_proto kbpf_ringbuf_output_proto = {
	.func		= kbpf_ringbuf_output_helper,
	.name		= "bpf_ringbuf_output",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING },
};

static u64 kbpf_ringbuf_query_helper(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	return kbpf_ringbuf_query(map, r2);
}

const struct kbpf_func_proto kbpf_ringbuf_query_proto = {
	.func		= kbpf_ringbuf_query_helper,
	.name		= "bpf_ringbuf_query",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_ANYTHING },
};
