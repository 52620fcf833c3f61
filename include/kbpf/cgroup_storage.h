/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF_MAP_TYPE_CGROUP_STORAGE and PERCPU_CGROUP_STORAGE (maps/
 * local_storage.c), Linux 6.1's kernel/bpf/local_storage.c semantics: a
 * map holds one storage per (cgroup, attach type) a program using it is
 * attached to; a program reaches the storage of the attachment it runs
 * for with bpf_get_local_storage(), never through lookups.
 *
 * A storage is allocated for a program and a map type (attach, or a
 * BPF_PROG_TEST_RUN, which runs on a fresh storage that the map never
 * shows), and linked into the map under its key only once attached.
 * Shared core: builds in the kernel and in the host library.
 */
#ifndef KBPF_CGROUP_STORAGE_H
#define KBPF_CGROUP_STORAGE_H

#include <kbpf/kapi.h>

struct kbpf_map;
struct kbpf_cgroup_storage;

/* Linux's enum bpf_cgroup_storage_type: a program has one map of each. */
enum kbpf_cgroup_storage_type {
	KBPF_CGROUP_STORAGE_SHARED,
	KBPF_CGROUP_STORAGE_PERCPU,
	__KBPF_CGROUP_STORAGE_MAX,
};

static inline bool kbpf_map_type_is_cgroup_storage(u32 map_type)
{
	return map_type == BPF_MAP_TYPE_CGROUP_STORAGE ||
	       map_type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static inline enum kbpf_cgroup_storage_type
kbpf_cgroup_storage_type_of(u32 map_type)
{
	return map_type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE ?
	       KBPF_CGROUP_STORAGE_PERCPU : KBPF_CGROUP_STORAGE_SHARED;
}

/* A zeroed storage for map (a cgroup storage map); ERR_PTR(-ENOMEM). */
struct kbpf_cgroup_storage *kbpf_cgroup_storage_alloc(struct kbpf_map *map);
/* Free after an RCU grace period (programs may still use it); NULL is fine. */
void kbpf_cgroup_storage_free(struct kbpf_cgroup_storage *storage);
/*
 * Make the storage the map's element for (cgroup_id, attach_type):
 * -EEXIST if that key is taken. Unlink before freeing a linked storage;
 * the map frees the storages still linked when it goes away.
 */
int kbpf_cgroup_storage_link(struct kbpf_cgroup_storage *storage,
			     u64 cgroup_id, u32 attach_type);
void kbpf_cgroup_storage_unlink(struct kbpf_cgroup_storage *storage);
/*
 * What bpf_get_local_storage() returns: the value, or this CPU's copy of
 * it for the per-CPU type. Under RCU with migration disabled.
 */
void *kbpf_cgroup_storage_ptr(struct kbpf_cgroup_storage *storage);

#endif /* KBPF_CGROUP_STORAGE_H */
