// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY through the syscall side, as Linux 6.1 defines it:
 * creation checks, preallocated zeroed elements that can be overwritten but
 * never inserted or deleted, key iteration, and pointer faults.
 */
#include <limits.h>

#include <linux/kbpf.h>

#include "kt.h"

#define MAX 8
#define VSIZE 12	/* not a multiple of 8: values are padded inside kbpf */

static void t_create_ok(void)
{
	int fd = kt_array_create(VSIZE, MAX, 0);

	kt_expect_ok("create", fd);
	if (fd >= 0)
		close(fd);
}

/* One create that must fail with want; the attr is set up by the caller. */
static void expect_create_errno(const char *name, union bpf_attr *attr, int want)
{
	long fd = kt_bpf(BPF_MAP_CREATE, attr);

	kt_expect_errno(name, fd, want);
	if (fd >= 0)
		close(fd);
}

static void t_create_errors(void)
{
	static const struct {
		const char *name;
		__u32 type, key_size, value_size, max_entries, flags;
		int want;
	} bad[] = {
		{ "create_key_size_8", BPF_MAP_TYPE_ARRAY, 8, 8, MAX, 0, EINVAL },
		{ "create_key_size_0", BPF_MAP_TYPE_ARRAY, 0, 8, MAX, 0, EINVAL },
		{ "create_value_size_0", BPF_MAP_TYPE_ARRAY, 4, 0, MAX, 0, EINVAL },
		{ "create_max_entries_0", BPF_MAP_TYPE_ARRAY, 4, 8, 0, 0, EINVAL },
		{ "create_map_type_unspec", BPF_MAP_TYPE_UNSPEC, 4, 8, MAX, 0, EINVAL },
		{ "create_map_type_9999", 9999, 4, 8, MAX, 0, EINVAL },
		{ "create_flags_all", BPF_MAP_TYPE_ARRAY, 4, 8, MAX, 0xffffffff, EINVAL },
		/* A hash map flag, not an array one. */
		{ "create_flags_no_prealloc", BPF_MAP_TYPE_ARRAY, 4, 8, MAX,
		  BPF_F_NO_PREALLOC, EINVAL },
		/* Only perf event arrays may preserve elements. */
		{ "create_flags_preserve_elems", BPF_MAP_TYPE_ARRAY, 4, 8, MAX,
		  BPF_F_PRESERVE_ELEMS, EINVAL },
		{ "create_flags_rdonly_wronly", BPF_MAP_TYPE_ARRAY, 4, 8, MAX,
		  BPF_F_RDONLY | BPF_F_WRONLY, EINVAL },
		{ "create_flags_rdonly_wronly_prog", BPF_MAP_TYPE_ARRAY, 4, 8, MAX,
		  BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, EINVAL },
		/* round_up(value_size, 8) would overflow an int. */
		{ "create_value_size_over_int_max", BPF_MAP_TYPE_ARRAY, 4,
		  (__u32)INT_MAX + 1, 1, 0, E2BIG },
		/* 1 MiB values times 1 Mi entries: 1 TiB, refused quietly. */
		{ "create_too_big", BPF_MAP_TYPE_ARRAY, 4, 1u << 20, 1u << 20, 0,
		  ENOMEM },
	};
	union bpf_attr attr;
	size_t i;

	for (i = 0; i < KT_ARRAY_SIZE(bad); i++) {
		kt_map_attr(&attr, bad[i].type, bad[i].key_size,
			    bad[i].value_size, bad[i].max_entries, bad[i].flags);
		expect_create_errno(bad[i].name, &attr, bad[i].want);
	}

	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, MAX, 0);
	memcpy(attr.map_name, "bad-name", sizeof("bad-name"));
	expect_create_errno("create_name_dash", &attr, EINVAL);

	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, MAX, 0);
	memset(attr.map_name, 'a', sizeof(attr.map_name));
	expect_create_errno("create_name_no_nul", &attr, EINVAL);

	/* map_extra belongs to bloom filters only. */
	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, MAX, 0);
	attr.map_extra = 1;
	expect_create_errno("create_map_extra", &attr, EINVAL);

	/* A node that does not exist; ~0 would mean "no node" instead. */
	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, MAX, BPF_F_NUMA_NODE);
	attr.numa_node = 100000;
	expect_create_errno("create_numa_node_missing", &attr, EINVAL);
}

static void t_create_flags_ok(void)
{
	static const struct {
		const char *name;
		__u32 flags;
	} good[] = {
		{ "create_flags_rdonly_prog", BPF_F_RDONLY_PROG },
		{ "create_flags_wronly_prog", BPF_F_WRONLY_PROG },
		/* Node 0 is always online. */
		{ "create_flags_numa_node_0", BPF_F_NUMA_NODE },
		/* Linux's array accepts this flag: it marks a map-in-map template. */
		{ "create_flags_inner_map", BPF_F_INNER_MAP },
	};
	struct bpf_map_info info;
	size_t i;
	bool ok;
	int fd;

	for (i = 0; i < KT_ARRAY_SIZE(good); i++) {
		fd = kt_array_create(8, MAX, good[i].flags);
		ok = kt_check_ok(fd, "MAP_CREATE") &&
		     kt_check_ok(kt_map_info(fd, &info), "OBJ_GET_INFO_BY_FD") &&
		     kt_check_u64(info.map_flags, good[i].flags, "info.map_flags");
		kt_verdict(good[i].name, ok);
		if (fd >= 0)
			close(fd);
	}
}

static void t_name(void)
{
	static const char name[] = "kbpf_t.Name_15c";
	struct bpf_map_info info;
	union bpf_attr attr;
	char want[BPF_OBJ_NAME_LEN] = "";
	long fd;
	bool ok;

	_Static_assert(sizeof(name) == BPF_OBJ_NAME_LEN, "use all 16 bytes");
	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, MAX, 0);
	memcpy(attr.map_name, name, sizeof(name));
	fd = kt_bpf(BPF_MAP_CREATE, &attr);
	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_ok(kt_map_info(fd, &info), "OBJ_GET_INFO_BY_FD") &&
	     kt_check_mem(info.name, name, sizeof(name), "info.name");
	kt_verdict("name_in_info", ok);
	if (fd >= 0)
		close(fd);

	/* Bytes after the NUL are not part of the name and must not show. */
	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, MAX, 0);
	memcpy(attr.map_name, "abc\0-garbage!", sizeof("abc\0-garbage!"));
	memcpy(want, "abc", 3);
	fd = kt_bpf(BPF_MAP_CREATE, &attr);
	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_ok(kt_map_info(fd, &info), "OBJ_GET_INFO_BY_FD") &&
	     kt_check_mem(info.name, want, sizeof(want), "info.name");
	kt_verdict("name_after_nul_ignored", ok);
	if (fd >= 0)
		close(fd);
}

static void t_zero_init(int fd)
{
	unsigned char value[VSIZE], zero[VSIZE] = { 0 };
	char what[32];
	bool ok = true;
	__u32 key;

	for (key = 0; ok && key < MAX; key++) {
		memset(value, 0xa5, sizeof(value));
		snprintf(what, sizeof(what), "lookup key %u", key);
		ok = kt_check_ok(kt_map_lookup(fd, &key, value, 0), what) &&
		     kt_check_mem(value, zero, sizeof(value), what);
	}
	kt_verdict("zero_initialised", ok);
}

static void t_roundtrip(int fd)
{
	unsigned char in[VSIZE], out[VSIZE + 4], zero[VSIZE] = { 0 };
	__u32 key = 3, other = 4;
	bool ok;

	memset(in, 0x5c, sizeof(in));
	in[0] = 1;
	in[VSIZE - 1] = 0xee;
	/* out is longer: exactly value_size bytes may be written back. */
	memset(out, 0x77, sizeof(out));
	ok = kt_check_ok(kt_map_update(fd, &key, in, BPF_ANY), "update BPF_ANY") &&
	     kt_check_ok(kt_map_lookup(fd, &key, out, 0), "lookup") &&
	     kt_check_mem(out, in, sizeof(in), "looked-up value") &&
	     kt_check_fill(out + VSIZE, 0x77, 4, "bytes past value_size");
	kt_verdict("update_lookup_roundtrip", ok);

	in[0] = 2;
	ok = kt_check_ok(kt_map_update(fd, &key, in, BPF_EXIST), "update BPF_EXIST") &&
	     kt_check_ok(kt_map_lookup(fd, &key, out, 0), "lookup") &&
	     kt_check_mem(out, in, sizeof(in), "looked-up value");
	kt_verdict("update_exist", ok);

	ok = kt_check_ok(kt_map_lookup(fd, &other, out, 0), "lookup key 4") &&
	     kt_check_mem(out, zero, sizeof(zero), "neighbour's value");
	kt_verdict("update_leaves_neighbour", ok);
}

static void t_update_errors(int fd)
{
	unsigned char in[VSIZE] = { 1 }, out[VSIZE];
	__u32 key = 1, max = MAX, huge = 0xffffffff;
	bool ok;

	/* Every element exists already. */
	ok = kt_check_errno(kt_map_update(fd, &key, in, BPF_NOEXIST), EEXIST,
			    "update BPF_NOEXIST") &&
	     kt_check_ok(kt_map_lookup(fd, &key, out, 0), "lookup") &&
	     kt_check_u64(out[0], 0, "value after refused update");
	kt_verdict("update_noexist", ok);

	/* No array value carries a bpf_spin_lock. */
	kt_expect_errno("update_flag_lock", kt_map_update(fd, &key, in, BPF_F_LOCK),
			EINVAL);
	kt_expect_errno("update_flags_3",
			kt_map_update(fd, &key, in, BPF_NOEXIST | BPF_EXIST), EINVAL);
	kt_expect_errno("update_flags_8", kt_map_update(fd, &key, in, 8), EINVAL);
	kt_expect_errno("update_flags_high",
			kt_map_update(fd, &key, in, 1ull << 32), EINVAL);

	/* Arrays cannot grow: an index past the end is "too big". */
	kt_expect_errno("update_index_max", kt_map_update(fd, &max, in, BPF_ANY),
			E2BIG);
	kt_expect_errno("update_index_u32_max",
			kt_map_update(fd, &huge, in, BPF_ANY), E2BIG);
}

static void t_lookup_errors(int fd)
{
	unsigned char out[VSIZE];
	__u32 key = 0, max = MAX, huge = 0xffffffff;

	kt_expect_errno("lookup_flag_lock", kt_map_lookup(fd, &key, out, BPF_F_LOCK),
			EINVAL);
	kt_expect_errno("lookup_flags_1", kt_map_lookup(fd, &key, out, 1), EINVAL);
	kt_expect_errno("lookup_index_max", kt_map_lookup(fd, &max, out, 0), ENOENT);
	kt_expect_errno("lookup_index_u32_max", kt_map_lookup(fd, &huge, out, 0),
			ENOENT);
}

static void t_delete(int fd)
{
	__u32 key = 0, max = MAX;

	kt_expect_errno("delete", kt_map_delete(fd, &key), EINVAL);
	kt_expect_errno("delete_index_max", kt_map_delete(fd, &max), EINVAL);
}

static void t_next_key(int fd)
{
	__u32 key, next = 0xdead;
	char what[48];
	bool ok;

	ok = kt_check_ok(kt_map_next_key(fd, NULL, &next), "NULL key") &&
	     kt_check_u64(next, 0, "first key");
	for (key = 0; ok && key < MAX - 1; key++) {
		snprintf(what, sizeof(what), "next after %u", key);
		ok = kt_check_ok(kt_map_next_key(fd, &key, &next), what) &&
		     kt_check_u64(next, key + 1, what);
	}
	ok = ok && kt_check_errno(kt_map_next_key(fd, &key, &next), ENOENT,
				  "next after the last key");
	kt_verdict("next_key_walk", ok);

	/* A key that is not in the map restarts the walk. */
	key = MAX;
	next = 0xdead;
	ok = kt_check_ok(kt_map_next_key(fd, &key, &next), "next after max_entries") &&
	     kt_check_u64(next, 0, "next after max_entries");
	key = 0xffffffff;
	next = 0xdead;
	ok = ok && kt_check_ok(kt_map_next_key(fd, &key, &next), "next after U32_MAX") &&
	     kt_check_u64(next, 0, "next after U32_MAX");
	kt_verdict("next_key_out_of_range", ok);
}

static void t_faults(int fd)
{
	unsigned char val[VSIZE] = { 0 };
	char *page = kt_page_before_hole();
	void *hole = kt_unmapped();
	size_t ps = kt_page_size();
	__u32 key = 0, next;
	char *tail;

	if (!page || !hole) {
		kt_fail("faults_setup", "mmap: %s", kt_errname(errno));
		return;
	}
	/* A value buffer whose last bytes fall into the hole. */
	tail = page + ps - VSIZE / 2;

	kt_expect_errno("lookup_key_null", kt_map_lookup(fd, NULL, val, 0), EFAULT);
	kt_expect_errno("lookup_key_unmapped", kt_map_lookup(fd, hole, val, 0),
			EFAULT);
	kt_expect_errno("lookup_value_null", kt_map_lookup(fd, &key, NULL, 0),
			EFAULT);
	kt_expect_errno("lookup_value_straddles_hole",
			kt_map_lookup(fd, &key, tail, 0), EFAULT);
	kt_expect_errno("update_key_null", kt_map_update(fd, NULL, val, BPF_ANY),
			EFAULT);
	kt_expect_errno("update_value_null", kt_map_update(fd, &key, NULL, BPF_ANY),
			EFAULT);
	kt_expect_errno("update_value_straddles_hole",
			kt_map_update(fd, &key, tail, BPF_ANY), EFAULT);
	/* The key is copied in before the array says it cannot delete. */
	kt_expect_errno("delete_key_null", kt_map_delete(fd, NULL), EFAULT);
	kt_expect_errno("next_key_key_unmapped", kt_map_next_key(fd, hole, &next),
			EFAULT);
	kt_expect_errno("next_key_next_null", kt_map_next_key(fd, &key, NULL),
			EFAULT);
	kt_expect_errno("next_key_next_unmapped", kt_map_next_key(fd, NULL, hole),
			EFAULT);
	munmap(page, ps);
}

int main(int argc, char **argv)
{
	int fd;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	t_create_ok();
	t_create_errors();
	t_create_flags_ok();
	t_name();

	fd = kt_array_create(VSIZE, MAX, 0);
	if (fd < 0) {
		kt_fail("element_cases_setup", "MAP_CREATE: %s", kt_errname(errno));
		return kt_done();
	}
	/* Before anything writes to the map. */
	t_zero_init(fd);
	t_roundtrip(fd);
	t_update_errors(fd);
	t_lookup_errors(fd);
	t_delete(fd);
	t_next_key(fd);
	t_faults(fd);
	close(fd);
	return kt_done();
}
