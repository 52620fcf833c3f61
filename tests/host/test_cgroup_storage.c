// SPDX-License-Identifier: GPL-2.0
/*
 * CGROUP_STORAGE and PERCPU_CGROUP_STORAGE (maps/local_storage.c): Linux
 * 6.1's creation rules, the element commands on linked storages (lookup,
 * update without creating, no delete, get_next_key in link order, struct
 * and u64 keys), per-CPU values across every CPU, and
 * bpf_get_local_storage() reaching the storage of the run context.
 */
#include <kbpf/cgroup_storage.h>
#include <kbpf/run_ctx.h>
#include <kbpf/helpers.h>

#include "maptest.h"

#define CS	BPF_MAP_TYPE_CGROUP_STORAGE
#define PCS	BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
#define KEY_SZ	sizeof(struct bpf_cgroup_storage_key)

TEST(cgroup_storage_create_checks)
{
	int t;

	for (t = 0; t < 2; t++) {
		u32 type = t ? PCS : CS;

		EXPECT_EQ(tmap_check(type, KEY_SZ, 8, 0, 0), 0);
		EXPECT_EQ(tmap_check(type, 8, 8, 0, 0), 0);
		EXPECT_EQ(tmap_check(type, 12, 8, 0, 0), -EINVAL);
		EXPECT_EQ(tmap_check(type, 4, 8, 0, 0), -EINVAL);
		EXPECT_EQ(tmap_check(type, 8, 0, 0, 0), -EINVAL);
		EXPECT_EQ(tmap_check(type, 8, 8, 1, 0), -EINVAL);
		EXPECT_EQ(tmap_check(type, 8, 8, 0, BPF_F_NO_PREALLOC), -EINVAL);
		EXPECT_EQ(tmap_check(type, 8, 8, 0, BPF_F_MMAPABLE), -EINVAL);
		EXPECT_EQ(tmap_check(type, 8, 8, 0, BPF_F_RDONLY_PROG), 0);
		EXPECT_EQ(tmap_check(type, 8, 8, 0, BPF_F_NUMA_NODE), 0);
		EXPECT_EQ(tmap_check(type, 8, 8, 0,
				     BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG), -EINVAL);
	}
	EXPECT_EQ(tmap_check(CS, 8, U16_MAX - 128, 0, 0), 0);
	EXPECT_EQ(tmap_check(CS, 8, U16_MAX - 127, 0, 0), -E2BIG);
	EXPECT_EQ(tmap_check(PCS, 8, 32768, 0, 0), 0);
	EXPECT_EQ(tmap_check(PCS, 8, 32769, 0, 0), -E2BIG);
}

TEST(cgroup_storage_elements)
{
	struct kbpf_map *map = tmap_create(CS, KEY_SZ, 12, 0, 0);
	struct bpf_cgroup_storage_key k1 = { .cgroup_inode_id = 7, .attach_type = 0 };
	struct bpf_cgroup_storage_key k2 = { .cgroup_inode_id = 7, .attach_type = 1 };
	struct bpf_cgroup_storage_key next;
	struct kbpf_cgroup_storage *s1, *s2;
	u8 val[12], out[12];

	ASSERT_TRUE(!IS_ERR(map));
	memset(val, 0x5a, sizeof(val));
	/* Nothing attached: the map is empty and cannot be filled from here. */
	EXPECT_EQ(tmap_next_key(map, NULL, &next), -ENOENT);
	EXPECT_EQ(tmap_lookup_sys(map, &k1, out), -ENOENT);
	EXPECT_EQ(tmap_update_sys(map, &k1, val, BPF_ANY), -ENOENT);

	s1 = kbpf_cgroup_storage_alloc(map);
	s2 = kbpf_cgroup_storage_alloc(map);
	ASSERT_TRUE(!IS_ERR(s1) && !IS_ERR(s2));
	EXPECT_EQ(kbpf_cgroup_storage_link(s1, 7, 0), 0);
	EXPECT_EQ(kbpf_cgroup_storage_link(s2, 7, 0), -EEXIST);
	EXPECT_EQ(kbpf_cgroup_storage_link(s2, 7, 1), 0);

	/* A fresh storage reads as zeroes. */
	memset(out, 0xff, sizeof(out));
	EXPECT_EQ(tmap_lookup_sys(map, &k1, out), 0);
	EXPECT_TRUE(!memcmp(out, (u8[12]){ 0 }, sizeof(out)));
	EXPECT_EQ(tmap_update_sys(map, &k2, val, BPF_ANY), 0);
	EXPECT_EQ(tmap_update_sys(map, &k2, val, BPF_EXIST), 0);
	EXPECT_EQ(tmap_update_sys(map, &k2, val, BPF_NOEXIST), -EINVAL);
	EXPECT_EQ(tmap_update_sys(map, &k2, val, BPF_F_LOCK), -EINVAL);
	EXPECT_EQ(tmap_lookup_sys(map, &k2, out), 0);
	EXPECT_MEM_EQ(out, val, sizeof(val));
	/* The program's pointer sees the syscall's update (a new buffer). */
	rcu_read_lock();
	EXPECT_MEM_EQ(kbpf_cgroup_storage_ptr(s2), val, sizeof(val));
	rcu_read_unlock();
	EXPECT_EQ(tmap_delete(map, &k1), -EINVAL);

	/* Newest link first, as in Linux; an unknown key ends the walk. */
	EXPECT_EQ(tmap_next_key(map, NULL, &next), 0);
	EXPECT_EQ(next.attach_type, 1);
	EXPECT_EQ(tmap_next_key(map, &next, &next), 0);
	EXPECT_EQ(next.attach_type, 0);
	EXPECT_EQ(next.cgroup_inode_id, 7);
	EXPECT_EQ(tmap_next_key(map, &next, &next), -ENOENT);
	next.cgroup_inode_id = 99;
	EXPECT_EQ(tmap_next_key(map, &next, &next), -ENOENT);

	kbpf_cgroup_storage_unlink(s1);
	EXPECT_EQ(tmap_lookup_sys(map, &k1, out), -ENOENT);
	kbpf_cgroup_storage_free(s1);
	/* s2 stays linked: freeing the map frees it. */
	tmap_destroy(map);
}

TEST(cgroup_storage_u64_key)
{
	struct kbpf_map *map = tmap_create(CS, 8, 4, 0, 0);
	struct kbpf_cgroup_storage *s;
	u64 key = 42, next = 0;
	u32 v = 0xabcd, out = 0;

	ASSERT_TRUE(!IS_ERR(map));
	s = kbpf_cgroup_storage_alloc(map);
	ASSERT_TRUE(!IS_ERR(s));
	EXPECT_EQ(kbpf_cgroup_storage_link(s, 42, BPF_CGROUP_INET_EGRESS), 0);
	EXPECT_EQ(tmap_next_key(map, NULL, &next), 0);
	EXPECT_EQ(next, 42);
	EXPECT_EQ(tmap_update_sys(map, &key, &v, BPF_ANY), 0);
	EXPECT_EQ(tmap_lookup_sys(map, &key, &out), 0);
	EXPECT_EQ(out, 0xabcd);
	tmap_destroy(map);
}

TEST(percpu_cgroup_storage_values)
{
	struct kbpf_map *map = tmap_create(PCS, 8, 12, 0, 0);
	u32 slot = 16, vsize = slot * NR_CPUS;
	struct kbpf_cgroup_storage *s;
	u8 *val = calloc(1, vsize), *out = calloc(1, vsize);
	u64 key = 5;
	int cpu, saved = kbpf_shim_cpu;

	ASSERT_TRUE(!IS_ERR(map) && val && out);
	EXPECT_EQ(kbpf_map_value_size(map), vsize);
	s = kbpf_cgroup_storage_alloc(map);
	ASSERT_TRUE(!IS_ERR(s));
	EXPECT_EQ(kbpf_cgroup_storage_link(s, 5, 0), 0);
	EXPECT_EQ(tmap_lookup(map, &key), NULL);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		memset(val + cpu * slot, cpu + 1, slot);
	EXPECT_EQ(tmap_update_sys(map, &key, val, BPF_NOEXIST), -EINVAL);
	EXPECT_EQ(tmap_update_sys(map, &key, val, BPF_ANY), 0);
	EXPECT_EQ(tmap_lookup_sys(map, &key, out), 0);
	EXPECT_MEM_EQ(out, val, vsize);
	/* The program on CPU 3 sees CPU 3's copy. */
	kbpf_shim_cpu = 3;
	EXPECT_EQ(*(u8 *)kbpf_cgroup_storage_ptr(s), 4);
	kbpf_shim_cpu = saved;
	key = 6;
	EXPECT_EQ(tmap_update_sys(map, &key, val, BPF_ANY), -ENOENT);
	free(val);
	free(out);
	tmap_destroy(map);
}

TEST(get_local_storage_helper)
{
	struct kbpf_map *cs = tmap_create(CS, 8, 8, 0, 0);
	struct kbpf_map *pcs = tmap_create(PCS, 8, 8, 0, 0);
	const struct kbpf_func_proto *fn;
	struct kbpf_run_ctx run_ctx = {};
	struct bpf_run_ctx *old;
	u64 *p, *q;

	ASSERT_TRUE(!IS_ERR(cs) && !IS_ERR(pcs));
	fn = kbpf_get_func_proto_caps(BPF_PROG_TYPE_CGROUP_SKB,
				      BPF_FUNC_get_local_storage, 0);
	ASSERT_NONNULL(fn);
	EXPECT_EQ(fn->ret_type, KBPF_RET_PTR_TO_MAP_VALUE);
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_SOCKET_FILTER,
					     BPF_FUNC_get_local_storage, ~0u));
	run_ctx.cgroup_storage[KBPF_CGROUP_STORAGE_SHARED] =
		kbpf_cgroup_storage_alloc(cs);
	run_ctx.cgroup_storage[KBPF_CGROUP_STORAGE_PERCPU] =
		kbpf_cgroup_storage_alloc(pcs);
	old = kbpf_run_ctx_set(&run_ctx);
	rcu_read_lock();
	p = (u64 *)(unsigned long)fn->func((unsigned long)cs, 0, 0, 0, 0);
	q = (u64 *)(unsigned long)fn->func((unsigned long)pcs, 0, 0, 0, 0);
	EXPECT_EQ(p, kbpf_cgroup_storage_ptr(run_ctx.cgroup_storage[0]));
	EXPECT_EQ(q, kbpf_cgroup_storage_ptr(run_ctx.cgroup_storage[1]));
	EXPECT_NE(p, q);
	EXPECT_EQ(*p, 0);
	*p = 11;
	*q = 22;
	rcu_read_unlock();
	kbpf_run_ctx_reset(old);
	EXPECT_EQ(kbpf_run_ctx_current(), old);
	kbpf_cgroup_storage_free(run_ctx.cgroup_storage[0]);
	kbpf_cgroup_storage_free(run_ctx.cgroup_storage[1]);
	tmap_destroy(cs);
	tmap_destroy(pcs);
}
