// SPDX-License-Identifier: GPL-2.0
/*
 * Map memory is charged to the memory cgroup (__GFP_ACCOUNT), and a
 * cgroup's memory.max bounds what one BPF_MAP_CREATE or a run of inserts
 * can take: past it the create or the update fails with ENOMEM, nothing
 * gets killed. The test moves itself into a cgroup v2 child with the
 * memory controller and watches memory.current around maps of 16 MiB of
 * values; every case runs on kbpf and again on Linux's bpf(2) (kt_dual.h),
 * which charges the same allocations (bpf_map_area_alloc(),
 * bpf_map_kmalloc_node(), the ring buffer's pages).
 */
#include <sys/mount.h>
#include <sys/stat.h>

#include "kt_dual.h"

#define CG_ROOT	"/sys/fs/cgroup"
#define CG	CG_ROOT "/kbpf_memcg"
#define MIB	(1024ll * 1024)
#define BIG	(16 * MIB)	/* the values of each map */
#define VSIZE	4096

static bool cg_write(const char *file, const char *val)
{
	FILE *f = fopen(file, "we");
	bool ok;

	if (!f)
		return false;
	ok = fputs(val, f) >= 0;
	return fclose(f) == 0 && ok;
}

static long long cg_current(void)
{
	long long v = -1;
	FILE *f = fopen(CG "/memory.current", "re");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Wait for the maps of earlier cases to be freed: both kbpf and Linux free
 * a map from a work item after its last fd closes, uncharging it then.
 * Settled once memory.current holds still for 200 ms (at most 5 s).
 */
static void cg_settle(void)
{
	long long last = cg_current(), now;
	int still = 0, i;

	for (i = 0; i < 250 && still < 10; i++) {
		usleep(20 * 1000);
		now = cg_current();
		still = now == last ? still + 1 : 0;
		last = now;
	}
}

/* memory.max = what is charged now + room; "max" again for room < 0. */
static bool cg_limit(long long room)
{
	char buf[32];

	if (room < 0)
		return cg_write(CG "/memory.max", "max");
	snprintf(buf, sizeof(buf), "%lld", cg_current() + room);
	return cg_write(CG "/memory.max", buf);
}

/* Into a child cgroup with the memory controller; false (why) if not here. */
static bool cg_enter(char *why, size_t len)
{
	if (mkdir(CG_ROOT, 0755) && errno != EEXIST) {
		snprintf(why, len, "mkdir %s: %s", CG_ROOT, strerror(errno));
		return false;
	}
	if (mount("none", CG_ROOT, "cgroup2", 0, NULL) && errno != EBUSY) {
		snprintf(why, len, "mount cgroup2: %s", strerror(errno));
		return false;
	}
	if (!cg_write(CG_ROOT "/cgroup.subtree_control", "+memory")) {
		snprintf(why, len, "no memory controller: %s", strerror(errno));
		return false;
	}
	if (mkdir(CG, 0755) && errno != EEXIST) {
		snprintf(why, len, "mkdir %s: %s", CG, strerror(errno));
		return false;
	}
	if (!cg_write(CG "/cgroup.procs", "0") || cg_current() < 0) {
		snprintf(why, len, "cannot join %s: %s", CG, strerror(errno));
		return false;
	}
	return true;
}

static void cg_leave(void)
{
	cg_write(CG_ROOT "/cgroup.procs", "0");
	rmdir(CG);
}

struct memcg_case {
	const char *name;
	__u32 type, key_size, value_size, max_entries, flags;
};

/* Each about BIG bytes of values, allocated at create. */
static const struct memcg_case creates[] = {
	{ "array", BPF_MAP_TYPE_ARRAY, 4, VSIZE, BIG / VSIZE, 0 },
	{ "array_mmapable", BPF_MAP_TYPE_ARRAY, 4, VSIZE, BIG / VSIZE, BPF_F_MMAPABLE },
	{ "hash_prealloc", BPF_MAP_TYPE_HASH, 4, VSIZE, BIG / VSIZE, 0 },
	{ "lru_hash", BPF_MAP_TYPE_LRU_HASH, 4, VSIZE, BIG / VSIZE, 0 },
	{ "queue", BPF_MAP_TYPE_QUEUE, 0, VSIZE, BIG / VSIZE, 0 },
	{ "ringbuf", BPF_MAP_TYPE_RINGBUF, 0, 0, BIG, 0 },
};

static int create(const struct kt_be *be, const struct memcg_case *c)
{
	return be_map_create(be, c->type, c->key_size, c->value_size,
			     c->max_entries, c->flags);
}

/* The create raises memory.current by (nearly) the size of the values. */
static bool c_charged(const struct kt_be *be, const void *arg)
{
	const struct memcg_case *c = arg;
	long long before, after;
	bool ok;
	int fd;

	cg_settle();
	before = cg_current();
	fd = create(be, c);
	ok = kt_check_ok(fd, "MAP_CREATE");
	after = cg_current();
	if (ok && after - before < BIG * 9 / 10)
		ok = kt_whyf("memory.current grew by %lld bytes, want >= %lld",
			     after - before, BIG * 9 / 10);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* With 4 MiB of room left, the 16 MiB create fails with ENOMEM. */
static bool c_limited(const struct kt_be *be, const void *arg)
{
	const struct memcg_case *c = arg;
	bool ok;
	int fd;

	cg_settle();
	ok = kt_check_true(cg_limit(4 * MIB), "set memory.max");
	fd = create(be, c);

	ok = ok && kt_check_errno(fd, ENOMEM, "MAP_CREATE over memory.max");
	if (fd >= 0)
		close(fd);
	cg_limit(-1);
	return ok;
}

struct insert_case {
	const char *name;
	__u32 type, key_size;
};

static const struct insert_case inserts[] = {
	{ "hash_no_prealloc", BPF_MAP_TYPE_HASH, 4 },
	{ "lpm_trie", BPF_MAP_TYPE_LPM_TRIE, 8 },	/* /32 IPv4 keys */
};

/* Key i of a case: a u32, or an LPM key { prefixlen 32, i }. */
static void insert_key(const struct insert_case *c, __u32 i, __u32 key[2])
{
	if (c->type == BPF_MAP_TYPE_LPM_TRIE) {
		key[0] = 32;
		key[1] = i;
	} else {
		key[0] = i;
	}
}

/*
 * Maps that allocate on insert (BPF_F_NO_PREALLOC, LPM tries): each insert
 * is charged; under memory.max the inserts end with ENOMEM well before
 * the map is full.
 */
static bool c_inserts(const struct kt_be *be, const void *arg)
{
	const struct insert_case *c = arg;
	static char value[VSIZE];
	__u32 key[2], i, n = BIG / VSIZE;
	long long before;
	long ret = 0;
	bool ok;
	int fd;

	cg_settle();
	fd = be_map_create(be, c->type, c->key_size,
			   VSIZE, n, BPF_F_NO_PREALLOC);
	ok = kt_check_ok(fd, "MAP_CREATE");
	before = cg_current();
	for (i = 0; ok && i < n / 2; i++) {
		insert_key(c, i, key);
		ok = kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, key, value,
					 BPF_NOEXIST), "insert");
	}
	if (ok && cg_current() - before < BIG / 2 * 9 / 10)
		ok = kt_whyf("memory.current grew by %lld bytes for %u inserts",
			     cg_current() - before, n / 2);
	ok = ok && kt_check_true(cg_limit(2 * MIB), "set memory.max");
	for (; ok && i < n; i++) {
		insert_key(c, i, key);
		ret = be_elem(be, BPF_MAP_UPDATE_ELEM, fd, key, value, BPF_NOEXIST);
		if (ret)
			break;
	}
	ok = ok && kt_check_errno(ret, ENOMEM, "insert over memory.max") &&
	     kt_check_true(i < n / 2 + 4 * MIB / VSIZE,
			   "inserts stopped near the limit");
	cg_limit(-1);
	if (fd >= 0)
		close(fd);
	return ok;
}

int main(int argc, char **argv)
{
	char why[160], name[96];
	bool linux_ok;
	size_t i;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	if (!cg_enter(why, sizeof(why))) {
		kt_skip("memcg", "%s", why);
		cg_leave();
		return kt_done();
	}
	linux_ok = kt_linux_bpf_usable();
	for (i = 0; i < KT_ARRAY_SIZE(creates); i++) {
		snprintf(name, sizeof(name), "%s_charged", creates[i].name);
		kt_dual_arg(name, c_charged, &creates[i], linux_ok);
		snprintf(name, sizeof(name), "%s_over_memory_max", creates[i].name);
		kt_dual_arg(name, c_limited, &creates[i], linux_ok);
	}
	for (i = 0; i < KT_ARRAY_SIZE(inserts); i++) {
		snprintf(name, sizeof(name), "%s_inserts", inserts[i].name);
		kt_dual_arg(name, c_inserts, &inserts[i], linux_ok);
	}
	cg_leave();
	return kt_done();
}
