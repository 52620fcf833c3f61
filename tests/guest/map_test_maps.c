// SPDX-License-Identifier: GPL-2.0
/*
 * The behaviour Linux's tools/testing/selftests/bpf/test_maps.c expects of
 * hash and array maps that kbpf's other map tests do not walk through in
 * the same way, each case on kbpf and again on Linux's bpf(2)
 * (kt_dual.h): test_hashmap_sizes (key and value sizes in powers of two),
 * test_hashmap_walk (updating every element during a key walk),
 * test_arraymap_percpu_many_keys (every CPU's value of many keys) and
 * test_map_large (4 KiB keys, full map, a walk from a key not in it).
 * Sizes are smaller than test_maps.c's where the guest's memory asks.
 */
#include "kt_dual.h"

static int ncpus;

/* Every key size 1..512 with every value size 1..64 KiB, powers of two. */
static bool c_hashmap_sizes(const struct kt_be *be)
{
	static __u8 key[512], val[1 << 16], out[1 << 16];
	__u32 ks, vs;
	bool ok = true;
	int fd;

	for (ks = 1; ok && ks <= sizeof(key); ks <<= 1) {
		for (vs = 1; ok && vs <= sizeof(val); vs <<= 1) {
			fd = be_map_create(be, BPF_MAP_TYPE_HASH, ks, vs, 2, 0);
			if (!kt_check_ok(fd, "MAP_CREATE"))
				return kt_whyf("%s (key %u, value %u)", kt_why, ks, vs);
			memset(key, (int)ks, ks);
			memset(val, (int)vs, vs);
			memset(out, 0, vs);
			ok = kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, key, val,
						 BPF_NOEXIST), "update") &&
			     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, key, out, 0),
					 "lookup") &&
			     kt_check_mem(out, val, vs, "value");
			close(fd);
		}
	}
	return ok;
}

#define WALK_MAX 1024

/*
 * test_hashmap_walk(): a plain walk sees every key once; then a walk that
 * asks for the next key first and only then updates the current one (an
 * update may move the element in its bucket, so the order matters, on
 * Linux too) still visits every key once.
 */
static bool c_hashmap_walk(const struct kt_be *be)
{
	__u64 key, next, val;
	static char seen[WALK_MAX];
	int fd = be_map_create(be, BPF_MAP_TYPE_HASH, 8, 8, WALK_MAX, 0);
	bool ok = kt_check_ok(fd, "MAP_CREATE"), more;
	int n = 0;
	long err;

	for (key = 0; ok && key < WALK_MAX; key++) {
		val = key * 3;
		ok = kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &val,
					 BPF_NOEXIST), "fill");
	}
	memset(seen, 0, sizeof(seen));
	for (err = be_next_key(be, fd, NULL, &next); ok && !err;
	     err = be_next_key(be, fd, &key, &next)) {
		key = next;
		ok = kt_check_true(key < WALK_MAX && !seen[key]++,
				   "a key twice or a stranger") &&
		     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, &val, 0),
				 "lookup") &&
		     kt_check_u64(val, key * 3, "value");
		n++;
	}
	ok = ok && kt_check_errno(err, ENOENT, "end of the walk") &&
	     kt_check_u64(n, WALK_MAX, "keys walked") &&
	     kt_check_ok(be_next_key(be, fd, NULL, &key), "first key");
	memset(seen, 0, sizeof(seen));
	for (n = 0, more = true; ok && more; n++) {
		more = be_next_key(be, fd, &key, &next) == 0;
		ok = kt_check_true(key < WALK_MAX && !seen[key]++,
				   "updating walk: a key twice or a stranger") &&
		     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, &val, 0),
				 "lookup") &&
		     (val++, kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key,
						 &val, BPF_EXIST), "update"));
		key = next;
	}
	ok = ok && kt_check_u64(n, WALK_MAX, "keys updated");
	for (key = 0; ok && key < WALK_MAX; key++)
		ok = kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, &val, 0),
				 "lookup after") &&
		     kt_check_u64(val, key * 3 + 1, "value after");
	if (fd >= 0)
		close(fd);
	return ok;
}

#define MANY_KEYS 2000

/* Every CPU's value of each of 2000 keys of a per-CPU array. */
static bool c_arraymap_percpu_many_keys(const struct kt_be *be)
{
	__u64 *vals = calloc(ncpus, sizeof(__u64));
	int fd = be_map_create(be, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, MANY_KEYS, 0);
	bool ok = kt_check_ok(fd, "MAP_CREATE") && kt_check_true(vals, "calloc");
	__u32 key;
	int c;

	for (key = 0; ok && key < MANY_KEYS; key++) {
		for (c = 0; c < ncpus; c++)
			vals[c] = key + (__u64)c * 100000;
		ok = kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, vals,
					 BPF_ANY), "update");
	}
	for (key = 0; ok && key < MANY_KEYS; key++) {
		memset(vals, 0xff, ncpus * sizeof(__u64));
		ok = kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, vals, 0),
				 "lookup");
		for (c = 0; ok && c < ncpus; c++)
			ok = kt_check_u64(vals[c], key + (__u64)c * 100000, "value");
	}
	free(vals);
	if (fd >= 0)
		close(fd);
	return ok;
}

#define LARGE_SIZE 2048

struct bigkey {
	int a;
	char b[4096];
	long long c;
};

/* test_map_large(): 4 KiB keys, a full map, a walk from an absent key. */
static bool c_map_large(const struct kt_be *be)
{
	static struct bigkey key;
	int fd = be_map_create(be, BPF_MAP_TYPE_HASH, sizeof(key), 4,
			       LARGE_SIZE, 0);
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	int i, value;

	for (i = 0; ok && i < LARGE_SIZE; i++) {
		memset(&key, 0, sizeof(key));
		key.c = i;
		value = i;
		ok = kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &value,
					 BPF_NOEXIST), "fill");
	}
	key.c = -1;
	ok = ok && kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key,
					  &value, BPF_NOEXIST), E2BIG, "full") &&
	     kt_check_ok(be_next_key(be, fd, NULL, &key), "first key");
	/* From a key not in the map: the walk starts over, every key once. */
	key.c = -1;
	for (i = 0; ok && i < LARGE_SIZE; i++)
		ok = kt_check_ok(be_next_key(be, fd, &key, &key), "next key");
	ok = ok && kt_check_errno(be_next_key(be, fd, &key, &key), ENOENT,
				  "past the last");
	memset(&key, 0, sizeof(key));
	ok = ok && kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, &value,
				       0), "lookup key 0") &&
	     kt_check_u64(value, 0, "value of key 0");
	key.a = 1;
	ok = ok && kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key,
					  &value, 0), ENOENT, "lookup, a differs");
	if (fd >= 0)
		close(fd);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	ncpus = kt_possible_cpus();
	if (ncpus <= 0) {
		kt_fail("possible_cpus", "cannot read the possible CPUs");
		return kt_done();
	}
	linux_ok = kt_linux_bpf_usable();
	kt_dual("hashmap_sizes", c_hashmap_sizes, linux_ok);
	kt_dual("hashmap_walk", c_hashmap_walk, linux_ok);
	kt_dual("arraymap_percpu_many_keys", c_arraymap_percpu_many_keys, linux_ok);
	kt_dual("map_large", c_map_large, linux_ok);
	return kt_done();
}
