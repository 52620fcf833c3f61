// SPDX-License-Identifier: GPL-2.0
/*
 * Map helpers: a program reaches a map's elements through its ops table,
 * exactly as the syscall side does. The verifier has checked that key and
 * value point at key_size/value_size readable (or writable) bytes and that
 * the map type takes the helper; programs run under RCU, which is what
 * map_lookup_elem needs to return an element in place.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>

#include "protos.h"

static u64 kbpf_map_lookup_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	return (unsigned long)map->ops->map_lookup_elem(map,
						(void *)(unsigned long)r2);
}

const struct kbpf_func_proto kbpf_map_lookup_elem_proto = {
	.func		= kbpf_map_lookup_elem,
	.name		= "bpf_map_lookup_elem",
	.gpl_only	= false,
	.pkt_access	= true,
	.ret_type	= KBPF_RET_PTR_TO_MAP_VALUE | KBPF_PTR_MAYBE_NULL,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY },
};

/* The verifier lets only per-CPU arrays and hashes, which have the op, in. */
static u64 kbpf_map_lookup_percpu_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	if (!map->ops->map_lookup_percpu_elem)
		return 0;
	return (unsigned long)map->ops->map_lookup_percpu_elem(map,
						(void *)(unsigned long)r2, r3);
}

const struct kbpf_func_proto kbpf_map_lookup_percpu_elem_proto = {
	.func		= kbpf_map_lookup_percpu_elem,
	.name		= "bpf_map_lookup_percpu_elem",
	.gpl_only	= false,
	.pkt_access	= true,
	.ret_type	= KBPF_RET_PTR_TO_MAP_VALUE | KBPF_PTR_MAYBE_NULL,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY,
			    KBPF_ARG_ANYTHING },
};

static u64 kbpf_map_update_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	return map->ops->map_update_elem(map, (void *)(unsigned long)r2,
					 (void *)(unsigned long)r3, r4);
}

const struct kbpf_func_proto kbpf_map_update_elem_proto = {
	.func		= kbpf_map_update_elem,
	.name		= "bpf_map_update_elem",
	.gpl_only	= false,
	.pkt_access	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY,
			    KBPF_ARG_PTR_TO_MAP_VALUE, KBPF_ARG_ANYTHING },
};

static u64 kbpf_map_delete_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	return map->ops->map_delete_elem(map, (void *)(unsigned long)r2);
}

const struct kbpf_func_proto kbpf_map_delete_elem_proto = {
	.func		= kbpf_map_delete_elem,
	.name		= "bpf_map_delete_elem",
	.gpl_only	= false,
	.pkt_access	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY },
};

/*
 * Linux lets the verifier refuse push/pop/peek on maps other than QUEUE
 * and STACK, so its helpers call the op unconditionally. kbpf checks the
 * op as well: a map type that lacks it answers -EOPNOTSUPP, never a NULL
 * call, whatever the verifier let through.
 */
static u64 kbpf_map_push_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	if (!map->ops->map_push_elem)
		return -EOPNOTSUPP;
	return map->ops->map_push_elem(map, (void *)(unsigned long)r2, r3);
}

const struct kbpf_func_proto kbpf_map_push_elem_proto = {
	.func		= kbpf_map_push_elem,
	.name		= "bpf_map_push_elem",
	.gpl_only	= false,
	.pkt_access	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_VALUE,
			    KBPF_ARG_ANYTHING },
};

static u64 kbpf_map_pop_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	if (!map->ops->map_pop_elem)
		return -EOPNOTSUPP;
	return map->ops->map_pop_elem(map, (void *)(unsigned long)r2);
}

const struct kbpf_func_proto kbpf_map_pop_elem_proto = {
	.func		= kbpf_map_pop_elem,
	.name		= "bpf_map_pop_elem",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR,
			    KBPF_ARG_PTR_TO_MAP_VALUE | KBPF_MEM_UNINIT },
};

static u64 kbpf_map_peek_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;

	if (!map->ops->map_peek_elem)
		return -EOPNOTSUPP;
	return map->ops->map_peek_elem(map, (void *)(unsigned long)r2);
}

const struct kbpf_func_proto kbpf_map_peek_elem_proto = {
	.func		= kbpf_map_peek_elem,
	.name		= "bpf_map_peek_elem",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR,
			    KBPF_ARG_PTR_TO_MAP_VALUE | KBPF_MEM_UNINIT },
};

/*
 * No function: the verifier rewrites `call bpf_tail_call` into the
 * BPF_TAIL_CALL instruction both runtimes execute (engine.h), as Linux's
 * verifier does. The proto only describes the arguments it checks.
 */
const struct kbpf_func_proto kbpf_tail_call_proto = {
	.func		= NULL,
	.name		= "bpf_tail_call",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_VOID,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR,
			    KBPF_ARG_ANYTHING },
};
