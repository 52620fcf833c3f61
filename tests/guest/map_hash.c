// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_HASH through the ioctl, as Linux 6.1 defines it: creation
 * checks and their errno, every element command and flag, a full map,
 * key iteration, BPF_MAP_LOOKUP_AND_DELETE_ELEM, access modes, faults, and
 * who may ask for BPF_F_ZERO_SEED or an LRU map.
 */
#include <limits.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/kbpf.h>

#include "kt.h"

#define MAX 16
#define KS 12		/* not a multiple of 8 */
#define VS 20
/* Linux: key_size + value_size must stay below KMALLOC_MAX_SIZE - 48. */
#define KV_LIMIT ((4u << 20) - 48)

struct key {
	unsigned char b[KS];
};

struct val {
	unsigned char b[VS];
};

static struct key mkkey(unsigned int i)
{
	struct key k;

	memset(&k, 0x3c, sizeof(k));
	memcpy(k.b + KS - sizeof(i), &i, sizeof(i));
	return k;
}

static struct val mkval(unsigned int i, unsigned int gen)
{
	struct val v;
	unsigned int j;

	for (j = 0; j < VS; j++)
		v.b[j] = (unsigned char)(i * 7 + gen * 13 + j);
	return v;
}

static int hash_create(__u32 max_entries, __u32 flags)
{
	return kt_map_create(BPF_MAP_TYPE_HASH, KS, VS, max_entries, flags);
}

static void expect_create_errno(const char *name, union bpf_attr *attr, int want)
{
	long fd = kt_bpf(BPF_MAP_CREATE, attr);

	kt_expect_errno(name, fd, want);
	if (fd >= 0)
		close(fd);
}

static void t_create(void)
{
	static const struct {
		const char *name;
		__u32 key_size, value_size, max_entries, flags;
		int want;
	} cases[] = {
		{ "create_ok", KS, VS, MAX, 0, 0 },
		{ "create_no_prealloc", KS, VS, MAX, BPF_F_NO_PREALLOC, 0 },
		{ "create_zero_seed", KS, VS, MAX, BPF_F_ZERO_SEED, 0 },
		{ "create_rdonly_prog", KS, VS, MAX, BPF_F_RDONLY_PROG, 0 },
		{ "create_wronly_prog", KS, VS, MAX, BPF_F_WRONLY_PROG, 0 },
		{ "create_numa_node_0", KS, VS, MAX, BPF_F_NUMA_NODE, 0 },
		{ "create_key_size_1", 1, VS, MAX, 0, 0 },
		/* 6.1 has no stack-size limit on keys, only the kmalloc one. */
		{ "create_key_size_4096", 4096, VS, MAX, 0, 0 },
		{ "create_key_size_0", 0, VS, MAX, 0, EINVAL },
		{ "create_value_size_0", KS, 0, MAX, 0, EINVAL },
		{ "create_max_entries_0", KS, VS, 0, 0, EINVAL },
		{ "create_flags_all", KS, VS, MAX, 0xffffffff, EINVAL },
		{ "create_flag_bit31", KS, VS, MAX, 1u << 31, EINVAL },
		{ "create_flag_mmapable", KS, VS, MAX, BPF_F_MMAPABLE, EINVAL },
		{ "create_flag_inner_map", KS, VS, MAX, BPF_F_INNER_MAP, EINVAL },
		{ "create_flag_preserve_elems", KS, VS, MAX,
		  BPF_F_PRESERVE_ELEMS, EINVAL },
		/* Per-CPU LRU lists, only for LRU maps. */
		{ "create_no_common_lru", KS, VS, MAX, BPF_F_NO_COMMON_LRU,
		  EINVAL },
		{ "create_rdonly_wronly_prog", KS, VS, MAX,
		  BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, EINVAL },
		{ "create_rdonly_wronly", KS, VS, MAX,
		  BPF_F_RDONLY | BPF_F_WRONLY, EINVAL },
		{ "create_kv_at_limit", 8, KV_LIMIT - 8, 1, 0, E2BIG },
		{ "create_kv_over_limit", 8, 0xffffffff, 1, 0, E2BIG },
		{ "create_key_at_limit", KV_LIMIT - 1, 1, 1, 0, E2BIG },
		/* Bad attrs are EINVAL before a size is E2BIG. */
		{ "create_kv_big_max_0", 8, 0xffffffff, 0, 0, EINVAL },
		/* The bucket count must fit: no more than 2^31 entries... */
		{ "create_max_2g_plus_1", 4, 4, (1u << 31) + 1,
		  BPF_F_NO_PREALLOC, E2BIG },
		/* ...and the bucket array below 4 GiB. */
		{ "create_buckets_4g", 4, 4, 1u << 28, BPF_F_NO_PREALLOC, E2BIG },
		/* Allowed, but more than a map may take: refused, not attempted. */
		{ "create_prealloc_64g", 8, 1u << 16, 1u << 20, 0, ENOMEM },
	};
	union bpf_attr attr;
	size_t i;
	long fd;

	for (i = 0; i < KT_ARRAY_SIZE(cases); i++) {
		kt_map_attr(&attr, BPF_MAP_TYPE_HASH, cases[i].key_size,
			    cases[i].value_size, cases[i].max_entries,
			    cases[i].flags);
		if (!cases[i].want) {
			fd = kt_bpf(BPF_MAP_CREATE, &attr);
			kt_expect_ok(cases[i].name, fd);
			if (fd >= 0)
				close(fd);
		} else {
			expect_create_errno(cases[i].name, &attr, cases[i].want);
		}
	}

	kt_map_attr(&attr, BPF_MAP_TYPE_HASH, KS, VS, MAX, 0);
	attr.map_extra = 1;
	expect_create_errno("create_map_extra", &attr, EINVAL);
	kt_map_attr(&attr, BPF_MAP_TYPE_HASH, KS, VS, MAX, BPF_F_NUMA_NODE);
	attr.numa_node = 100000;
	expect_create_errno("create_numa_node_missing", &attr, EINVAL);
}

static void t_info(void)
{
	struct bpf_map_info info;
	char memlock[32];
	bool ok;
	int fd;

	fd = hash_create(1000, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_ok(kt_map_info(fd, &info), "OBJ_GET_INFO_BY_FD") &&
	     kt_check_u64(info.type, BPF_MAP_TYPE_HASH, "info.type") &&
	     kt_check_u64(info.key_size, KS, "info.key_size") &&
	     kt_check_u64(info.value_size, VS, "info.value_size") &&
	     kt_check_u64(info.max_entries, 1000, "info.max_entries") &&
	     kt_check_u64(info.map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG,
			  "info.map_flags") &&
	     kt_check_true(!kt_fdinfo_field(fd, "memlock", memlock,
					    sizeof(memlock)), "no memlock line") &&
	     /* round_up(12 + 20, 8) * 1000 = 32000, in pages. */
	     kt_check_u64(strtoull(memlock, NULL, 10), 32768, "fdinfo memlock");
	kt_verdict("info", ok);
	if (fd >= 0)
		close(fd);
}

static void t_elements(__u32 flags, const char *sfx)
{
	struct key k = mkkey(1), k2 = mkkey(2);
	struct val v = mkval(1, 0), v2 = mkval(1, 1), out;
	char name[64];
	bool ok;
	int fd;

	fd = hash_create(MAX, flags);
	if (fd < 0) {
		snprintf(name, sizeof(name), "elements_setup%s", sfx);
		kt_fail(name, "MAP_CREATE: %s", kt_errname(errno));
		return;
	}
#define NAME(s) (snprintf(name, sizeof(name), "%s%s", s, sfx), name)
	kt_expect_errno(NAME("lookup_missing"), kt_map_lookup(fd, &k, &out, 0),
			ENOENT);
	kt_expect_errno(NAME("update_exist_missing"),
			kt_map_update(fd, &k, &v, BPF_EXIST), ENOENT);
	kt_expect_errno(NAME("delete_missing"), kt_map_delete(fd, &k), ENOENT);

	ok = kt_check_ok(kt_map_update(fd, &k, &v, BPF_NOEXIST), "NOEXIST") &&
	     kt_check_ok(kt_map_lookup(fd, &k, &out, 0), "lookup") &&
	     kt_check_mem(&out, &v, VS, "value");
	kt_verdict(NAME("update_noexist_lookup"), ok);
	ok = kt_check_errno(kt_map_update(fd, &k, &v2, BPF_NOEXIST), EEXIST,
			    "NOEXIST on an existing key") &&
	     kt_check_ok(kt_map_lookup(fd, &k, &out, 0), "lookup") &&
	     kt_check_mem(&out, &v, VS, "value unchanged");
	kt_verdict(NAME("update_noexist_existing"), ok);
	ok = kt_check_ok(kt_map_update(fd, &k, &v2, BPF_EXIST), "EXIST") &&
	     kt_check_ok(kt_map_lookup(fd, &k, &out, 0), "lookup") &&
	     kt_check_mem(&out, &v2, VS, "new value") &&
	     kt_check_ok(kt_map_update(fd, &k, &v, BPF_ANY), "ANY") &&
	     kt_check_ok(kt_map_lookup(fd, &k, &out, 0), "lookup") &&
	     kt_check_mem(&out, &v, VS, "value after ANY");
	kt_verdict(NAME("update_exist_any"), ok);

	/* No bpf_spin_lock in a kbpf value: BPF_F_LOCK is EINVAL everywhere. */
	kt_expect_errno(NAME("update_flag_lock"),
			kt_map_update(fd, &k, &v, BPF_F_LOCK), EINVAL);
	kt_expect_errno(NAME("lookup_flag_lock"),
			kt_map_lookup(fd, &k, &out, BPF_F_LOCK), EINVAL);
	kt_expect_errno(NAME("lookup_and_delete_flag_lock"),
			kt_map_lookup_and_delete(fd, &k, &out, BPF_F_LOCK), EINVAL);
	kt_expect_errno(NAME("update_flags_3"),
			kt_map_update(fd, &k, &v, BPF_NOEXIST | BPF_EXIST), EINVAL);
	kt_expect_errno(NAME("update_flags_high"),
			kt_map_update(fd, &k, &v, 1ull << 32), EINVAL);
	kt_expect_errno(NAME("lookup_flags_1"), kt_map_lookup(fd, &k, &out, 1),
			EINVAL);
	kt_expect_errno(NAME("lookup_and_delete_flags_1"),
			kt_map_lookup_and_delete(fd, &k, &out, 1), EINVAL);

	ok = kt_check_ok(kt_map_update(fd, &k2, &v2, BPF_ANY), "insert key 2") &&
	     kt_check_ok(kt_map_delete(fd, &k2), "delete") &&
	     kt_check_errno(kt_map_lookup(fd, &k2, &out, 0), ENOENT,
			    "lookup after delete") &&
	     kt_check_errno(kt_map_delete(fd, &k2), ENOENT, "second delete") &&
	     kt_check_ok(kt_map_lookup(fd, &k, &out, 0), "other key");
	kt_verdict(NAME("delete"), ok);

	memset(&out, 0, sizeof(out));
	ok = kt_check_ok(kt_map_lookup_and_delete(fd, &k, &out, 0),
			 "LOOKUP_AND_DELETE") &&
	     kt_check_mem(&out, &v, VS, "value returned") &&
	     kt_check_errno(kt_map_lookup(fd, &k, &out, 0), ENOENT,
			    "lookup afterwards") &&
	     kt_check_errno(kt_map_lookup_and_delete(fd, &k, &out, 0), ENOENT,
			    "LOOKUP_AND_DELETE again");
	kt_verdict(NAME("lookup_and_delete"), ok);
#undef NAME
	close(fd);
}

/* E2BIG when full; existing keys still update; a delete makes room. */
static void t_full(__u32 flags, const char *name)
{
	struct key k;
	struct val v, out;
	unsigned int i, gen;
	bool ok = true;
	int fd;

	fd = hash_create(MAX, flags);
	ok = kt_check_ok(fd, "MAP_CREATE");
	for (i = 0; ok && i < MAX; i++) {
		k = mkkey(i);
		v = mkval(i, 0);
		ok = kt_check_ok(kt_map_update(fd, &k, &v, BPF_NOEXIST), "fill");
	}
	k = mkkey(MAX);
	ok = ok && kt_check_errno(kt_map_update(fd, &k, &v, BPF_ANY), E2BIG,
				  "ANY on a full map") &&
	     kt_check_errno(kt_map_update(fd, &k, &v, BPF_NOEXIST), E2BIG,
			    "NOEXIST on a full map") &&
	     kt_check_errno(kt_map_update(fd, &k, &v, BPF_EXIST), ENOENT,
			    "EXIST of a missing key on a full map");
	for (gen = 1; ok && gen <= 3; gen++) {
		for (i = 0; ok && i < MAX; i++) {
			k = mkkey(i);
			v = mkval(i, gen);
			ok = kt_check_ok(kt_map_update(fd, &k, &v, gen & 1 ?
						       BPF_ANY : BPF_EXIST),
					 "replace in a full map");
		}
	}
	for (i = 0; ok && i < MAX; i++) {
		k = mkkey(i);
		v = mkval(i, 3);
		ok = kt_check_ok(kt_map_lookup(fd, &k, &out, 0), "lookup") &&
		     kt_check_mem(&out, &v, VS, "latest value");
	}
	k = mkkey(3);
	ok = ok && kt_check_ok(kt_map_delete(fd, &k), "delete");
	k = mkkey(MAX + 1);
	ok = ok && kt_check_ok(kt_map_update(fd, &k, &v, BPF_NOEXIST),
			       "insert after a delete");
	k = mkkey(MAX + 2);
	ok = ok && kt_check_errno(kt_map_update(fd, &k, &v, BPF_NOEXIST), E2BIG,
				  "full again");
	kt_verdict(name, ok);
	if (fd >= 0)
		close(fd);
}

static void t_next_key(__u32 flags, const char *name, const char *name_empty)
{
	unsigned char seen[MAX] = { 0 };
	struct key k, next, first;
	struct val v = mkval(0, 0);
	unsigned int i, n = 0, idx;
	bool ok;
	long err;
	int fd;

	fd = hash_create(MAX, flags);
	if (fd < 0) {
		kt_fail(name, "MAP_CREATE: %s", kt_errname(errno));
		return;
	}
	k = mkkey(0);
	ok = kt_check_errno(kt_map_next_key(fd, NULL, &next), ENOENT,
			    "NULL key, empty map") &&
	     kt_check_errno(kt_map_next_key(fd, &k, &next), ENOENT,
			    "missing key, empty map");
	kt_verdict(name_empty, ok);

	for (i = 0; i < MAX - 3; i++) {
		k = mkkey(i);
		kt_map_update(fd, &k, &v, BPF_ANY);
	}
	ok = kt_check_ok(kt_map_next_key(fd, NULL, &first), "first key");
	k = mkkey(1000);
	ok = ok && kt_check_ok(kt_map_next_key(fd, &k, &next), "missing key") &&
	     kt_check_mem(&next, &first, KS, "a missing key restarts the walk");
	for (err = kt_map_next_key(fd, NULL, &next); ok && !err;
	     err = kt_map_next_key(fd, &k, &next)) {
		k = next;
		memcpy(&idx, k.b + KS - sizeof(idx), sizeof(idx));
		ok = kt_check_true(idx < MAX - 3 && !seen[idx],
				   "walk returned a key twice or a stranger") &&
		     kt_check_true(++n <= MAX, "walk does not end");
		if (ok)
			seen[idx] = 1;
	}
	ok = ok && kt_check_errno(err, ENOENT, "end of the walk") &&
	     kt_check_u64(n, MAX - 3, "keys walked");
	kt_verdict(name, ok);
	close(fd);
}

/* BPF_F_ZERO_SEED: the same keys land in the same buckets, in any map. */
static void t_zero_seed(void)
{
	int a = hash_create(64, BPF_F_ZERO_SEED);
	int b = hash_create(64, BPF_F_ZERO_SEED | BPF_F_NO_PREALLOC);
	struct key ka, kb;
	struct val v = mkval(0, 0);
	long ea, eb;
	unsigned int i;
	bool ok;

	ok = kt_check_ok(a, "MAP_CREATE a") && kt_check_ok(b, "MAP_CREATE b");
	for (i = 0; ok && i < 40; i++) {
		ka = mkkey(i * 7919);
		ok = kt_check_ok(kt_map_update(a, &ka, &v, BPF_ANY), "fill a") &&
		     kt_check_ok(kt_map_update(b, &ka, &v, BPF_ANY), "fill b");
	}
	ea = kt_map_next_key(a, NULL, &ka);
	eb = kt_map_next_key(b, NULL, &kb);
	while (ok && !ea && !eb) {
		ok = kt_check_mem(&ka, &kb, KS, "same walk order");
		ea = kt_map_next_key(a, &ka, &ka);
		eb = kt_map_next_key(b, &kb, &kb);
	}
	ok = ok && kt_check_errno(ea, ENOENT, "end of a") &&
	     kt_check_errno(eb, ENOENT, "end of b");
	kt_verdict("zero_seed_same_order", ok);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

/* LOOKUP_AND_DELETE needs read and write access, and a hash map. */
static void t_lookup_and_delete_access(void)
{
	struct key k = mkkey(5);
	struct val v = mkval(5, 0), out;
	char *page = kt_page_before_hole();
	__u32 idx = 0;
	int fd, arr;
	bool ok;

	fd = hash_create(MAX, BPF_F_RDONLY);
	kt_expect_errno("lookup_and_delete_rdonly",
			kt_map_lookup_and_delete(fd, &k, &out, 0), EPERM);
	if (fd >= 0)
		close(fd);
	fd = hash_create(MAX, BPF_F_WRONLY);
	kt_expect_errno("lookup_and_delete_wronly",
			kt_map_lookup_and_delete(fd, &k, &out, 0), EPERM);
	/* Write-only maps take updates but cannot be read. */
	kt_expect_ok("wronly_update", kt_map_update(fd, &k, &v, BPF_ANY));
	kt_expect_errno("wronly_lookup", kt_map_lookup(fd, &k, &out, 0), EPERM);
	kt_expect_errno("wronly_next_key", kt_map_next_key(fd, NULL, &k), EPERM);
	if (fd >= 0)
		close(fd);

	fd = hash_create(MAX, 0);
	ok = kt_check_ok(kt_map_update(fd, &k, &v, BPF_ANY), "update") &&
	     kt_check_ok(kt_map_freeze(fd), "MAP_FREEZE") &&
	     kt_check_errno(kt_map_lookup_and_delete(fd, &k, &out, 0), EPERM,
			    "LOOKUP_AND_DELETE on a frozen map") &&
	     kt_check_errno(kt_map_delete(fd, &k), EPERM, "delete, frozen") &&
	     kt_check_errno(kt_map_update(fd, &k, &v, BPF_ANY), EPERM,
			    "update, frozen") &&
	     kt_check_ok(kt_map_lookup(fd, &k, &out, 0), "lookup, frozen");
	kt_verdict("frozen_hash", ok);
	if (fd >= 0)
		close(fd);

	/* Linux 6.1: only hash maps (and queue/stack) implement it. */
	arr = kt_array_create(8, 4, 0);
	kt_expect_errno("lookup_and_delete_array",
			kt_map_lookup_and_delete(arr, &idx, &out, 0), KT_ENOTSUPP);
	if (arr >= 0)
		close(arr);

	/* A value fault comes after the delete, as in Linux: the key is gone. */
	fd = hash_create(MAX, 0);
	ok = page && kt_check_ok(kt_map_update(fd, &k, &v, BPF_ANY), "update") &&
	     kt_check_errno(kt_map_lookup_and_delete(fd, &k, page +
						     kt_page_size() - VS / 2, 0),
			    EFAULT, "value straddles a hole") &&
	     kt_check_errno(kt_map_lookup(fd, &k, &out, 0), ENOENT,
			    "element deleted anyway");
	kt_verdict("lookup_and_delete_value_fault", ok);
	if (fd >= 0)
		close(fd);
	if (page)
		munmap(page, kt_page_size());
}

/* A key buffer shorter than key_size: the kernel reads into the hole. */
static void t_faults(void)
{
	char *page = kt_page_before_hole();
	size_t ps = kt_page_size();
	struct key k = mkkey(1), next;
	struct val v = mkval(1, 0), out;
	char *short_key;
	int fd;

	fd = hash_create(MAX, 0);
	if (!page || fd < 0) {
		kt_fail("faults_setup", "mmap/MAP_CREATE: %s", kt_errname(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	kt_map_update(fd, &k, &v, BPF_ANY);
	short_key = page + ps - KS / 2;
	memcpy(short_key, &k, KS / 2);
	kt_expect_errno("lookup_short_key", kt_map_lookup(fd, short_key, &out, 0),
			EFAULT);
	kt_expect_errno("update_short_key",
			kt_map_update(fd, short_key, &v, BPF_ANY), EFAULT);
	kt_expect_errno("delete_short_key", kt_map_delete(fd, short_key), EFAULT);
	kt_expect_errno("next_key_short_key",
			kt_map_next_key(fd, short_key, &next), EFAULT);
	kt_expect_errno("lookup_and_delete_short_key",
			kt_map_lookup_and_delete(fd, short_key, &out, 0), EFAULT);
	kt_expect_errno("lookup_and_delete_key_null",
			kt_map_lookup_and_delete(fd, NULL, &out, 0), EFAULT);
	kt_expect_errno("lookup_value_null", kt_map_lookup(fd, &k, NULL, 0),
			EFAULT);
	kt_expect_errno("update_value_short",
			kt_map_update(fd, &k, page + ps - VS / 2, BPF_ANY), EFAULT);
	kt_expect_errno("next_key_next_null", kt_map_next_key(fd, NULL, NULL),
			EFAULT);
	/* Nothing changed through all of that. */
	kt_verdict("faults_leave_map_intact",
		   kt_check_ok(kt_map_lookup(fd, &k, &out, 0), "lookup") &&
		   kt_check_mem(&out, &v, VS, "value"));
	close(fd);
	munmap(page, ps);
}

/*
 * Capabilities, in a child with the module's unprivileged_bpf=1: without
 * any, a hash map is fine but an LRU map or the zero seed is EPERM; with
 * CAP_BPF alone, an LRU map is fine but the zero seed needs CAP_SYS_ADMIN.
 */
static const char unpriv_param[] = "/sys/module/kbpf/parameters/unprivileged_bpf";

static int write_param(const char *val)
{
	FILE *f = fopen(unpriv_param, "we");
	int ret;

	if (!f)
		return -1;
	ret = fputs(val, f) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

static int set_caps(unsigned long long caps)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (__u32)caps;
	data[1].effective = data[1].permitted = (__u32)(caps >> 32);
	return syscall(SYS_capset, &hdr, data);
}

static void close_if(long fd)
{
	if (fd >= 0)
		close(fd);
}

static void caps_child(void)
{
	long fd;

	if (set_caps(1ull << CAP_BPF)) {
		kt_fail("caps_setup", "capset(CAP_BPF): %s", kt_errname(errno));
		return;
	}
	fd = kt_map_create(BPF_MAP_TYPE_LRU_HASH, 8, 8, 4, 0);
	kt_expect_ok("cap_bpf_lru_ok", fd);
	close_if(fd);
	fd = hash_create(4, BPF_F_ZERO_SEED);
	kt_expect_errno("cap_bpf_zero_seed_eperm", fd, EPERM);
	close_if(fd);

	if (set_caps(0)) {
		kt_fail("caps_setup", "capset(0): %s", kt_errname(errno));
		return;
	}
	fd = hash_create(4, 0);
	kt_expect_ok("no_caps_hash_ok", fd);
	close_if(fd);
	fd = kt_map_create(BPF_MAP_TYPE_PERCPU_HASH, 8, 8, 4, 0);
	kt_expect_ok("no_caps_percpu_hash_ok", fd);
	close_if(fd);
	fd = kt_map_create(BPF_MAP_TYPE_LRU_HASH, 8, 8, 4, 0);
	kt_expect_errno("no_caps_lru_eperm", fd, EPERM);
	close_if(fd);
	fd = kt_map_create(BPF_MAP_TYPE_LRU_PERCPU_HASH, 8, 8, 4, 0);
	kt_expect_errno("no_caps_lru_percpu_eperm", fd, EPERM);
	close_if(fd);
	/* The capability check comes before any attr check. */
	fd = kt_map_create(BPF_MAP_TYPE_LRU_HASH, 0, 0, 0, 1u << 31);
	kt_expect_errno("no_caps_lru_bad_attr_eperm", fd, EPERM);
	close_if(fd);
	fd = hash_create(4, BPF_F_ZERO_SEED);
	kt_expect_errno("no_caps_zero_seed_eperm", fd, EPERM);
	close_if(fd);
}

static void t_capabilities(void)
{
	int status;
	pid_t pid;

	if (write_param("1")) {
		kt_skip("capabilities", "cannot write %s: %s", unpriv_param,
			kt_errname(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		caps_child();
		fflush(stdout);
		_exit(kt_done());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		kt_fail("capabilities_child", "child failed (status %#x)",
			pid < 0 ? -1 : status);
	if (write_param("0"))
		kt_fail("capabilities_restore", "cannot restore %s", unpriv_param);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	t_create();
	t_info();
	t_elements(0, "");
	t_elements(BPF_F_NO_PREALLOC, "_no_prealloc");
	t_full(0, "full_map");
	t_full(BPF_F_NO_PREALLOC, "full_map_no_prealloc");
	t_next_key(0, "next_key_walk", "next_key_empty");
	t_next_key(BPF_F_NO_PREALLOC, "next_key_walk_no_prealloc",
		   "next_key_empty_no_prealloc");
	t_zero_seed();
	t_lookup_and_delete_access();
	t_faults();
	t_capabilities();
	return kt_done();
}
