// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU maps through the ioctl: BPF_MAP_TYPE_PERCPU_ARRAY, PERCPU_HASH
 * and LRU_PERCPU_HASH. A value crosses the boundary as one
 * round_up(value_size, 8) slot per possible CPU, in CPU order, as libbpf
 * sizes it from /sys/devices/system/cpu/possible.
 */
#define _GNU_SOURCE
#include <sched.h>

#include <linux/kbpf.h>

#include "kt.h"

#define VS 12		/* value_size; each CPU's slot is 16 bytes */
#define SLOT 16
#define MAX 8

static int ncpus;

static size_t vbytes(void)
{
	return (size_t)ncpus * SLOT;
}

/* Every CPU's slot different, padding bytes included. */
static void fill(unsigned char *v, unsigned char seed)
{
	size_t i;

	for (i = 0; i < vbytes(); i++)
		v[i] = (unsigned char)(seed + i * 3);
}

static void expect_create_errno(const char *name, __u32 type, __u32 key_size,
				__u32 value_size, __u32 flags, int want)
{
	long fd = kt_map_create(type, key_size, value_size, MAX, flags);

	kt_expect_errno(name, fd, want);
	if (fd >= 0)
		close(fd);
}

static void t_create(void)
{
	long fd;

	expect_create_errno("array_key_size_8", BPF_MAP_TYPE_PERCPU_ARRAY, 8, VS,
			    0, EINVAL);
	expect_create_errno("array_value_size_0", BPF_MAP_TYPE_PERCPU_ARRAY, 4,
			    0, 0, EINVAL);
	/* Per-CPU memory belongs to no single node. */
	expect_create_errno("array_numa_node", BPF_MAP_TYPE_PERCPU_ARRAY, 4, VS,
			    BPF_F_NUMA_NODE, EINVAL);
	expect_create_errno("hash_numa_node", BPF_MAP_TYPE_PERCPU_HASH, 8, VS,
			    BPF_F_NUMA_NODE, EINVAL);
	expect_create_errno("lru_numa_node", BPF_MAP_TYPE_LRU_PERCPU_HASH, 8, VS,
			    BPF_F_NUMA_NODE, EINVAL);
	/* Only a plain array can be a map-in-map template. */
	expect_create_errno("array_inner_map", BPF_MAP_TYPE_PERCPU_ARRAY, 4, VS,
			    BPF_F_INNER_MAP, EINVAL);
	expect_create_errno("array_no_prealloc", BPF_MAP_TYPE_PERCPU_ARRAY, 4,
			    VS, BPF_F_NO_PREALLOC, EINVAL);
	/* A value is at most one per-CPU unit (32 KiB). */
	expect_create_errno("array_value_32k_plus_1", BPF_MAP_TYPE_PERCPU_ARRAY,
			    4, 32768 + 1, 0, E2BIG);
	expect_create_errno("hash_value_32k_plus_1", BPF_MAP_TYPE_PERCPU_HASH,
			    8, 32768 + 1, 0, E2BIG);
	expect_create_errno("lru_value_32k_plus_1",
			    BPF_MAP_TYPE_LRU_PERCPU_HASH, 8, 32768 + 1, 0, E2BIG);
	fd = kt_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32768, 2, 0);
	kt_expect_ok("array_value_32k", fd);
	if (fd >= 0)
		close(fd);
	fd = kt_map_create(BPF_MAP_TYPE_PERCPU_HASH, 8, 32768, 2,
			   BPF_F_NO_PREALLOC);
	kt_expect_ok("hash_value_32k_no_prealloc", fd);
	if (fd >= 0)
		close(fd);
	/* 4 G entries: the pointer table alone is refused. */
	fd = kt_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 0xffffffff, 0);
	kt_expect_errno("array_too_big", fd, ENOMEM);
	if (fd >= 0)
		close(fd);
}

/* fdinfo's memlock counts every CPU's copy, as Linux's does. */
static void t_memlock(void)
{
	unsigned long long want;
	char memlock[32];
	bool ok;
	int fd;

	fd = kt_map_create(BPF_MAP_TYPE_PERCPU_HASH, 8, VS, 1000, 0);
	want = (1000ULL * ((8 + vbytes() + 7) / 8 * 8) + 4095) / 4096 * 4096;
	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_true(!kt_fdinfo_field(fd, "memlock", memlock,
					    sizeof(memlock)), "no memlock line") &&
	     kt_check_u64(strtoull(memlock, NULL, 10), want, "memlock");
	kt_verdict("memlock_counts_cpus", ok);
	if (fd >= 0)
		close(fd);
}

/*
 * The layout, for a map whose element key exists (array) or is created
 * by the first update (hash): every slot whole, and not one byte more.
 */
static void layout(int fd, const void *key, bool exists, const char *pfx)
{
	size_t n = vbytes();
	unsigned char *in = malloc(n), *out = malloc(n + 16);
	char *page = kt_page_before_hole();
	size_t ps = kt_page_size();
	char name[64];
	bool ok;

	if (!in || !out || !page) {
		kt_fail(pfx, "setup: %s", kt_errname(errno));
		goto out;
	}
#define NAME(s) (snprintf(name, sizeof(name), "%s_%s", pfx, s), name)
	if (exists) {
		memset(out, 0xa5, n + 16);
		ok = kt_check_ok(kt_map_lookup(fd, key, out, 0), "lookup") &&
		     kt_check_fill(out, 0, n, "every CPU's initial value") &&
		     kt_check_fill(out + n, 0xa5, 16, "bytes past the last CPU");
		kt_verdict(NAME("zero_initialised"), ok);
	}
	fill(in, 1);
	memset(out, 0xa5, n + 16);
	ok = kt_check_ok(kt_map_update(fd, key, in, BPF_ANY), "update") &&
	     kt_check_ok(kt_map_lookup(fd, key, out, 0), "lookup") &&
	     kt_check_mem(out, in, n, "every CPU's slot, padding included") &&
	     kt_check_fill(out + n, 0xa5, 16, "bytes past the last CPU");
	kt_verdict(NAME("roundtrip"), ok);

	fill(in, 100);
	ok = kt_check_ok(kt_map_update(fd, key, in, BPF_EXIST), "update EXIST") &&
	     kt_check_ok(kt_map_lookup(fd, key, out, 0), "lookup") &&
	     kt_check_mem(out, in, n, "values");
	kt_verdict(NAME("update_exist"), ok);

	/*
	 * The kernel reads and writes ncpus slots: a buffer of value_size
	 * bytes that ends at a hole faults.
	 */
	kt_expect_errno(NAME("update_short_buffer"),
			kt_map_update(fd, key, page + ps - VS, BPF_ANY), EFAULT);
	kt_expect_errno(NAME("lookup_short_buffer"),
			kt_map_lookup(fd, key, page + ps - VS, 0), EFAULT);
	if (ncpus > 1)
		kt_expect_errno(NAME("lookup_one_cpu_buffer"),
				kt_map_lookup(fd, key, page + ps - SLOT, 0),
				EFAULT);
	kt_expect_errno(NAME("update_flag_lock"),
			kt_map_update(fd, key, in, BPF_F_LOCK), EINVAL);
	kt_expect_errno(NAME("lookup_flag_lock"),
			kt_map_lookup(fd, key, out, BPF_F_LOCK), EINVAL);
	kt_expect_errno(NAME("update_noexist"),
			kt_map_update(fd, key, in, BPF_NOEXIST), EEXIST);
	/* None of that changed the value. */
	ok = kt_check_ok(kt_map_lookup(fd, key, out, 0), "lookup") &&
	     kt_check_mem(out, in, n, "values");
	kt_verdict(NAME("errors_leave_value"), ok);
#undef NAME
out:
	free(in);
	free(out);
	if (page)
		munmap(page, ps);
}

static void t_array(void)
{
	int fd = kt_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, VS, MAX, 0);
	unsigned char *in = calloc(1, vbytes()), *out = calloc(1, vbytes());
	__u32 key = 3, other = 2, max = MAX, next;
	bool ok;

	if (fd < 0 || !in || !out) {
		kt_fail("array_setup", "MAP_CREATE: %s", kt_errname(errno));
		goto out;
	}
	layout(fd, &key, true, "array");
	ok = kt_check_ok(kt_map_lookup(fd, &other, out, 0), "lookup") &&
	     kt_check_fill(out, 0, vbytes(), "neighbour");
	kt_verdict("array_neighbour_untouched", ok);
	kt_expect_errno("array_update_index_max",
			kt_map_update(fd, &max, in, BPF_ANY), E2BIG);
	kt_expect_errno("array_lookup_index_max",
			kt_map_lookup(fd, &max, out, 0), ENOENT);
	kt_expect_errno("array_delete", kt_map_delete(fd, &key), EINVAL);
	kt_expect_errno("array_lookup_and_delete",
			kt_map_lookup_and_delete(fd, &key, out, 0), KT_ENOTSUPP);
	ok = kt_check_ok(kt_map_next_key(fd, NULL, &next), "first key") &&
	     kt_check_u64(next, 0, "first key") &&
	     kt_check_errno(kt_map_next_key(fd, &(__u32){ MAX - 1 }, &next),
			    ENOENT, "after the last");
	kt_verdict("array_next_key", ok);
out:
	if (fd >= 0)
		close(fd);
	free(in);
	free(out);
}

/*
 * Without a common LRU each CPU has its own share of the elements: give
 * this CPU's share room for all MAX keys, so nothing is evicted here.
 */
static void t_hash(__u32 type, __u32 flags, const char *pfx)
{
	__u32 max = flags & BPF_F_NO_COMMON_LRU ? MAX * ncpus : MAX;
	int fd = kt_map_create(type, 8, VS, max, flags);
	unsigned char *in = malloc(vbytes()), *out = malloc(vbytes());
	__u64 key = 0x1122334455667788ULL, k;
	unsigned int i;
	char name[64];
	bool ok;

	if (fd < 0 || !in || !out) {
		snprintf(name, sizeof(name), "%s_setup", pfx);
		kt_fail(name, "MAP_CREATE: %s", kt_errname(errno));
		goto out;
	}
#define NAME(s) (snprintf(name, sizeof(name), "%s_%s", pfx, s), name)
	kt_expect_errno(NAME("lookup_missing"), kt_map_lookup(fd, &key, out, 0),
			ENOENT);
	kt_expect_errno(NAME("update_exist_missing"),
			kt_map_update(fd, &key, in, BPF_EXIST), ENOENT);
	layout(fd, &key, false, pfx);

	fill(in, 7);
	memset(out, 0, vbytes());
	ok = kt_check_ok(kt_map_update(fd, &key, in, BPF_ANY), "update") &&
	     kt_check_ok(kt_map_lookup_and_delete(fd, &key, out, 0),
			 "LOOKUP_AND_DELETE") &&
	     kt_check_mem(out, in, vbytes(), "every CPU's value returned") &&
	     kt_check_errno(kt_map_lookup(fd, &key, out, 0), ENOENT,
			    "gone afterwards");
	kt_verdict(NAME("lookup_and_delete"), ok);

	/* A new element starts from what the update gave, on every CPU. */
	ok = true;
	for (i = 0; ok && i < MAX; i++) {
		k = i;
		fill(in, (unsigned char)i);
		ok = kt_check_ok(kt_map_update(fd, &k, in, BPF_NOEXIST), "fill");
	}
	for (i = 0; ok && i < MAX; i++) {
		k = i;
		fill(in, (unsigned char)i);
		ok = kt_check_ok(kt_map_lookup(fd, &k, out, 0), "lookup") &&
		     kt_check_mem(out, in, vbytes(), "values");
	}
	kt_verdict(NAME("fill"), ok);
	if (type == BPF_MAP_TYPE_PERCPU_HASH) {
		k = MAX;
		kt_expect_errno(NAME("full_e2big"),
				kt_map_update(fd, &k, in, BPF_ANY), E2BIG);
	}
#undef NAME
out:
	if (fd >= 0)
		close(fd);
	free(in);
	free(out);
}

/*
 * Run on CPU 0 only, keeping the old mask in saved. LRU maps (Linux's and
 * kbpf's alike) hand free elements to per-CPU lists, so updates from two
 * CPUs can evict before the map is full; as Linux's test_lru_map.c does,
 * the LRU cases stay on one CPU.
 */
static bool pin_cpu0(cpu_set_t *saved)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	return !sched_getaffinity(0, sizeof(*saved), saved) &&
	       !sched_setaffinity(0, sizeof(one), &one);
}

int main(int argc, char **argv)
{
	cpu_set_t saved;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	ncpus = kt_possible_cpus();
	if (ncpus <= 0) {
		kt_fail("possible_cpus", "cannot read /sys/devices/system/cpu/possible");
		return kt_done();
	}
	t_create();
	t_memlock();
	t_array();
	t_hash(BPF_MAP_TYPE_PERCPU_HASH, 0, "hash");
	t_hash(BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC, "hash_no_prealloc");
	/* fill must not evict: one CPU's free list serves every update. */
	if (!pin_cpu0(&saved)) {
		kt_fail("pin_cpu0", "sched_setaffinity: %s", kt_errname(errno));
		return kt_done();
	}
	t_hash(BPF_MAP_TYPE_LRU_PERCPU_HASH, 0, "lru");
	t_hash(BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_F_NO_COMMON_LRU, "lru_no_common");
	sched_setaffinity(0, sizeof(saved), &saved);
	return kt_done();
}
