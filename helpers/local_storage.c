// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_get_local_storage(map, flags): the program's cgroup storage of the
 * map's type, from the run context its runner installed (an attachment's
 * storages, or a test run's). The verifier has checked that map is a
 * CGROUP_STORAGE or PERCPU_CGROUP_STORAGE map the program uses (one of
 * each type at most, so the type names the storage) and that flags is 0:
 * the helper cannot fail, its return is a map value, never NULL.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/run_ctx.h>

#include "protos.h"

static u64 kbpf_get_local_storage(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = (struct kbpf_map *)(unsigned long)r1;
	struct kbpf_run_ctx *ctx = kbpf_run_ctx_current();
	struct kbpf_cgroup_storage *storage;

	storage = ctx->cgroup_storage[kbpf_cgroup_storage_type_of(map->map_type)];
	return (unsigned long)kbpf_cgroup_storage_ptr(storage);
}

const struct kbpf_func_proto kbpf_get_local_storage_proto = {
	.func		= kbpf_get_local_storage,
	.name		= "bpf_get_local_storage",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_PTR_TO_MAP_VALUE,
	.arg_type	= { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_ANYTHING },
};
