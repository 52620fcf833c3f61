// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LPM_TRIE through the ioctl: creation rules, longest-prefix
 * lookups (IPv4 and IPv6), deletes, the postorder key walk, every flag and
 * invalid input of the element commands, fd modes and freeze, a fixed-seed
 * random run against a model and processes updating while others look
 * up. Every case runs on kbpf and again on Linux's bpf(2) (kt_dual.h), so
 * the expectations are shown to be Linux's; they cover what
 * tools/testing/selftests/bpf/test_lpm_map.c checks.
 */
#include <arpa/inet.h>
#include <sys/wait.h>

#include "kt_dual.h"

#define KMALLOC_MAX (4UL << 20)	/* x86-64's KMALLOC_MAX_SIZE */
#define VAL_MAX (KMALLOC_MAX - 256 - 40)

struct lkey {
	__u32 prefixlen;
	__u8 data[256];
};

static int lpm_create(const struct kt_be *be, __u32 data_size,
		      __u32 value_size, __u32 max, __u32 flags)
{
	return be_map_create(be, BPF_MAP_TYPE_LPM_TRIE, 4 + data_size,
			     value_size, max, flags | BPF_F_NO_PREALLOC);
}

static struct lkey *v4(__u32 prefixlen, const char *addr)
{
	static struct lkey keys[4];
	static int next;
	struct lkey *k = &keys[next++ % 4];

	memset(k, 0, sizeof(*k));
	k->prefixlen = prefixlen;
	inet_pton(AF_INET, addr, k->data);
	return k;
}

static struct lkey *v6(__u32 prefixlen, const char *addr)
{
	struct lkey *k = v4(0, "0.0.0.0");

	k->prefixlen = prefixlen;
	inet_pton(AF_INET6, addr, k->data);
	return k;
}

static long upd(const struct kt_be *be, int fd, const struct lkey *k,
		__u32 v, __u64 flags)
{
	return be_elem(be, BPF_MAP_UPDATE_ELEM, fd, k, &v, flags);
}

static long del(const struct kt_be *be, int fd, const struct lkey *k)
{
	return be_elem(be, BPF_MAP_DELETE_ELEM, fd, k, NULL, 0);
}

/* The value of the longest prefix matching k must be want. */
static bool finds(const struct kt_be *be, int fd, const struct lkey *k,
		  __u32 want, const char *what)
{
	__u32 v = 0;

	return kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, k, &v, 0), what) &&
	       kt_check_u64(v, want, what);
}

static bool misses(const struct kt_be *be, int fd, const struct lkey *k,
		   const char *what)
{
	__u32 v = 0;

	return kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, k, &v, 0),
			      ENOENT, what);
}

static bool create_is(const struct kt_be *be, __u32 key_size, __u32 value_size,
		      __u32 max, __u32 flags, int err, const char *what)
{
	int fd = be_map_create(be, BPF_MAP_TYPE_LPM_TRIE, key_size, value_size,
			       max, flags);

	if (fd >= 0)
		close(fd);
	return err ? kt_check_errno(fd, err, what) : kt_check_ok(fd, what);
}

static bool c_create_rules(const struct kt_be *be)
{
	__u32 np = BPF_F_NO_PREALLOC;

	return create_is(be, 8, 4, 1, np, 0, "ipv4") &&
	       create_is(be, 5, 1, 1, np, 0, "1 data byte") &&
	       create_is(be, 260, 4, 1, np, 0, "256 data bytes") &&
	       create_is(be, 8, VAL_MAX, 1, np, 0, "largest value") &&
	       create_is(be, 8, 4, 1, np | BPF_F_RDONLY_PROG, 0, "rdonly_prog") &&
	       create_is(be, 8, 4, 1, np | BPF_F_NUMA_NODE, 0, "numa node 0") &&
	       create_is(be, 8, 4, 1, 0, EINVAL, "preallocated") &&
	       create_is(be, 4, 4, 1, np, EINVAL, "no data bytes") &&
	       create_is(be, 261, 4, 1, np, EINVAL, "257 data bytes") &&
	       create_is(be, 8, 0, 1, np, EINVAL, "value_size 0") &&
	       create_is(be, 8, VAL_MAX + 1, 1, np, EINVAL, "value too large") &&
	       create_is(be, 8, 4, 0, np, EINVAL, "max_entries 0") &&
	       create_is(be, 8, 4, 1, np | BPF_F_ZERO_SEED, EINVAL, "zero_seed") &&
	       create_is(be, 8, 4, 1, np | BPF_F_MMAPABLE, EINVAL, "mmapable") &&
	       create_is(be, 8, 4, 1, np | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG,
			 EINVAL, "rdonly_prog|wronly_prog");
}

/* test_lpm_map.c's test_lpm_ipaddr, with kbpf's own values. */
static bool c_ipaddr(const struct kt_be *be)
{
	int f4 = lpm_create(be, 4, 4, 100, 0), f6 = lpm_create(be, 16, 4, 100, 0);
	bool ok;

	ok = kt_check_ok(f4, "create ipv4") && kt_check_ok(f6, "create ipv6") &&
	     kt_check_ok(upd(be, f4, v4(16, "192.168.0.0"), 1, 0), "add /16") &&
	     kt_check_ok(upd(be, f4, v4(24, "192.168.0.0"), 2, 0), "add /24") &&
	     kt_check_ok(upd(be, f4, v4(24, "192.168.128.0"), 3, 0), "add .128/24") &&
	     kt_check_ok(upd(be, f4, v4(24, "192.168.1.0"), 4, 0), "add .1/24") &&
	     kt_check_ok(upd(be, f4, v4(23, "192.168.0.0"), 5, 0), "add /23") &&
	     kt_check_ok(upd(be, f6, v6(64, "2a00:1450:4001:814::"), 6, 0), "add v6/64") &&
	     finds(be, f4, v4(32, "192.168.128.23"), 3, "192.168.128.23") &&
	     finds(be, f4, v4(32, "192.168.0.1"), 2, "192.168.0.1") &&
	     finds(be, f4, v4(32, "192.168.1.200"), 4, "192.168.1.200") &&
	     finds(be, f4, v4(32, "192.168.77.1"), 1, "192.168.77.1") &&
	     finds(be, f4, v4(23, "192.168.1.1"), 5, "a /23 lookup key") &&
	     finds(be, f4, v4(20, "192.168.1.1"), 1, "a /20 lookup key") &&
	     misses(be, f4, v4(15, "192.168.1.1"), "a /15 lookup key") &&
	     misses(be, f4, v4(33, "192.168.1.1"), "prefixlen 33") &&
	     misses(be, f4, v4(32, "10.0.0.1"), "10.0.0.1") &&
	     finds(be, f6, v6(128, "2a00:1450:4001:814::200e"), 6, "v6 in /64") &&
	     misses(be, f6, v6(128, "2a00:ffff::"), "v6 outside");
	if (f4 >= 0)
		close(f4);
	if (f6 >= 0)
		close(f6);
	return ok;
}

/* test_lpm_map.c's test_lpm_delete: deletes re-expose shorter prefixes. */
static bool c_delete(const struct kt_be *be)
{
	int fd = lpm_create(be, 4, 4, 100, 0);
	bool ok;

	ok = kt_check_ok(fd, "create") &&
	     kt_check_ok(upd(be, fd, v4(16, "192.168.0.0"), 1, 0), "add /16") &&
	     kt_check_ok(upd(be, fd, v4(24, "192.168.0.0"), 2, 0), "add /24") &&
	     kt_check_ok(upd(be, fd, v4(24, "192.168.128.0"), 3, 0), "add .128/24") &&
	     kt_check_ok(upd(be, fd, v4(24, "192.168.1.0"), 4, 0), "add .1/24") &&
	     kt_check_errno(del(be, fd, v4(32, "10.0.0.1")), ENOENT, "delete absent") &&
	     kt_check_errno(del(be, fd, v4(16, "192.255.0.0")), ENOENT, "delete near miss") &&
	     kt_check_errno(del(be, fd, v4(23, "192.168.0.0")), ENOENT,
			    "delete an intermediate prefix") &&
	     kt_check_errno(del(be, fd, v4(33, "192.168.0.0")), EINVAL, "delete /33") &&
	     finds(be, fd, v4(32, "192.168.0.1"), 2, "before delete") &&
	     kt_check_ok(del(be, fd, v4(24, "192.168.0.0")), "delete /24") &&
	     finds(be, fd, v4(32, "192.168.0.1"), 1, "after delete") &&
	     kt_check_ok(del(be, fd, v4(16, "192.168.0.0")), "delete /16") &&
	     misses(be, fd, v4(32, "192.168.0.1"), "after /16 delete") &&
	     finds(be, fd, v4(32, "192.168.1.1"), 4, ".1/24 stays") &&
	     kt_check_ok(del(be, fd, v4(24, "192.168.1.0")), "delete .1/24") &&
	     misses(be, fd, v4(32, "192.168.1.1"), ".1/24 gone") &&
	     finds(be, fd, v4(32, "192.168.128.1"), 3, ".128/24 stays") &&
	     kt_check_ok(del(be, fd, v4(24, "192.168.128.0")), "delete .128/24") &&
	     misses(be, fd, v4(32, "192.168.128.1"), "empty") &&
	     kt_check_errno(del(be, fd, v4(24, "192.168.128.0")), ENOENT,
			    "delete twice");
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool next_is(const struct kt_be *be, int fd, const struct lkey *k,
		    struct lkey *next, __u32 prefixlen, const char *addr)
{
	const struct lkey *want = v4(prefixlen, addr);
	char what[64];

	snprintf(what, sizeof(what), "after /%u: %s/%u", k ? k->prefixlen : 0,
		 addr, prefixlen);
	memset(next, 0, sizeof(*next));
	return kt_check_ok(be_next_key(be, fd, k, next), what) &&
	       kt_check_u64(next->prefixlen, prefixlen, what) &&
	       kt_check_mem(next->data, want->data, 4, what);
}

/* test_lpm_map.c's test_lpm_get_next_key: postorder, five keys deep. */
static bool c_get_next_key(const struct kt_be *be)
{
	int fd = lpm_create(be, 4, 4, 100, 0);
	struct lkey a, b;
	bool ok;

	ok = kt_check_ok(fd, "create") &&
	     kt_check_errno(be_next_key(be, fd, NULL, &a), ENOENT, "empty") &&
	     kt_check_ok(upd(be, fd, v4(16, "192.168.0.0"), 0, 0), "add /16") &&
	     next_is(be, fd, NULL, &a, 16, "192.168.0.0") &&
	     kt_check_errno(be_next_key(be, fd, &a, &b), ENOENT, "one key") &&
	     kt_check_ok(upd(be, fd, v4(24, "192.168.128.0"), 0, 0), "add") &&
	     kt_check_ok(upd(be, fd, v4(24, "192.168.0.0"), 0, 0), "add") &&
	     kt_check_ok(upd(be, fd, v4(24, "192.168.1.0"), 0, 0), "add") &&
	     kt_check_ok(upd(be, fd, v4(28, "192.168.1.128"), 0, 0), "add") &&
	     next_is(be, fd, NULL, &a, 24, "192.168.0.0") &&
	     next_is(be, fd, &a, &b, 28, "192.168.1.128") &&
	     next_is(be, fd, &b, &a, 24, "192.168.1.0") &&
	     next_is(be, fd, &a, &b, 24, "192.168.128.0") &&
	     next_is(be, fd, &b, &a, 16, "192.168.0.0") &&
	     kt_check_errno(be_next_key(be, fd, &a, &b), ENOENT, "last") &&
	     /* Not a key of the map, or not a valid one: start again. */
	     next_is(be, fd, v4(22, "192.168.1.0"), &a, 24, "192.168.0.0") &&
	     next_is(be, fd, v4(33, "192.168.1.0"), &a, 24, "192.168.0.0") &&
	     kt_check_errno(be_next_key(be, fd, NULL, (void *)8), EFAULT,
			    "next_key into a bad pointer");
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_flags_and_errors(const struct kt_be *be)
{
	int fd = lpm_create(be, 4, 4, 2, 0);
	__u32 v = 0;
	bool ok;

	ok = kt_check_ok(fd, "create") &&
	     kt_check_errno(upd(be, fd, v4(8, "10.0.0.0"), 1, 3), EINVAL, "flags 3") &&
	     kt_check_errno(upd(be, fd, v4(8, "10.0.0.0"), 1, BPF_F_LOCK), EINVAL,
			    "F_LOCK") &&
	     kt_check_errno(upd(be, fd, v4(33, "10.0.0.0"), 1, 0), EINVAL, "/33") &&
	     kt_check_errno(upd(be, fd, v4(8, "10.0.0.0"), 1, BPF_EXIST), ENOENT,
			    "EXIST on a new key") &&
	     kt_check_ok(upd(be, fd, v4(8, "10.0.0.0"), 1, BPF_NOEXIST), "NOEXIST") &&
	     kt_check_errno(upd(be, fd, v4(8, "10.0.0.0"), 2, BPF_NOEXIST), EEXIST,
			    "NOEXIST on a key") &&
	     kt_check_ok(upd(be, fd, v4(8, "10.0.0.0"), 3, BPF_EXIST), "EXIST") &&
	     finds(be, fd, v4(32, "10.1.1.1"), 3, "replaced value") &&
	     kt_check_ok(upd(be, fd, v4(8, "11.0.0.0"), 4, 0), "second key") &&
	     kt_check_errno(upd(be, fd, v4(16, "10.1.0.0"), 5, 0), ENOSPC, "full") &&
	     kt_check_errno(upd(be, fd, v4(7, "10.0.0.0"), 5, 0), ENOSPC,
			    "full, at an intermediate node") &&
	     kt_check_ok(upd(be, fd, v4(8, "11.0.0.0"), 6, BPF_ANY), "replace when full") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, v4(32, "10.1.1.1"),
				    &v, BPF_F_LOCK), EINVAL, "lookup F_LOCK") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, v4(32, "10.1.1.1"),
				    &v, 4), EINVAL, "lookup flag 4") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd,
				    v4(8, "10.0.0.0"), &v, 0), KT_ENOTSUPP,
			    "lookup_and_delete") &&
	     finds(be, fd, v4(32, "10.1.1.1"), 3, "still there") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, (void *)8, &v, 0),
			    EFAULT, "lookup, bad key pointer") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, v4(8, "12.0.0.0"),
				    (void *)8, 0), EFAULT, "update, bad value pointer") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, v4(32, "10.1.1.1"),
				    (void *)8, 0), EFAULT, "lookup, bad value pointer");
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_fd_modes_and_freeze(const struct kt_be *be)
{
	int ro = lpm_create(be, 4, 4, 4, BPF_F_RDONLY);
	int wo = lpm_create(be, 4, 4, 4, BPF_F_WRONLY);
	int fz = lpm_create(be, 4, 4, 4, 0);
	struct lkey next;
	bool ok;

	ok = kt_check_ok(ro, "create rdonly") && kt_check_ok(wo, "create wronly") &&
	     kt_check_ok(fz, "create") &&
	     kt_check_errno(upd(be, ro, v4(8, "10.0.0.0"), 1, 0), EPERM, "update rdonly") &&
	     kt_check_errno(del(be, ro, v4(8, "10.0.0.0")), EPERM, "delete rdonly") &&
	     misses(be, ro, v4(32, "10.0.0.1"), "lookup rdonly") &&
	     kt_check_ok(upd(be, wo, v4(8, "10.0.0.0"), 1, 0), "update wronly") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, wo, v4(32, "10.0.0.1"),
				    &next, 0), EPERM, "lookup wronly") &&
	     kt_check_errno(be_next_key(be, wo, NULL, &next), EPERM,
			    "get_next_key wronly") &&
	     kt_check_ok(del(be, wo, v4(8, "10.0.0.0")), "delete wronly") &&
	     kt_check_ok(upd(be, fz, v4(8, "10.0.0.0"), 1, 0), "update") &&
	     kt_check_ok(be_freeze(be, fz), "freeze") &&
	     kt_check_errno(upd(be, fz, v4(8, "10.0.0.0"), 2, 0), EPERM,
			    "update frozen") &&
	     kt_check_errno(del(be, fz, v4(8, "10.0.0.0")), EPERM, "delete frozen") &&
	     finds(be, fz, v4(32, "10.0.0.1"), 1, "lookup frozen");
	if (ro >= 0)
		close(ro);
	if (wo >= 0)
		close(wo);
	if (fz >= 0)
		close(fz);
	return ok;
}

/* ---- Random operations against a model ---------------------------------- */

#define MODEL_N 200

static struct lkey mkeys[MODEL_N];
static __u32 mvals[MODEL_N], mn;

static unsigned int bit(const __u8 *d, __u32 i)
{
	return (d[i / 8] >> (7 - i % 8)) & 1;
}

static __u32 common(const __u8 *a, const __u8 *b, __u32 limit)
{
	__u32 i;

	for (i = 0; i < limit && bit(a, i) == bit(b, i); i++)
		;
	return i;
}

static int m_find(const struct lkey *k)
{
	__u32 i;

	for (i = 0; i < mn; i++)
		if (mkeys[i].prefixlen == k->prefixlen &&
		    common(mkeys[i].data, k->data, k->prefixlen) == k->prefixlen)
			return i;
	return -1;
}

static int m_lookup(const struct lkey *k)
{
	int best = -1;
	__u32 i;

	for (i = 0; i < mn; i++)
		if (mkeys[i].prefixlen <= k->prefixlen &&
		    common(mkeys[i].data, k->data, mkeys[i].prefixlen) ==
		    mkeys[i].prefixlen &&
		    (best < 0 || mkeys[i].prefixlen > mkeys[best].prefixlen))
			best = i;
	return best;
}

/* Postorder: covered prefixes before their cover, else bit 0 first. */
static bool m_before(const struct lkey *a, const struct lkey *b)
{
	__u32 limit = a->prefixlen < b->prefixlen ? a->prefixlen : b->prefixlen;
	__u32 c = common(a->data, b->data, limit);

	if (c == limit)
		return a->prefixlen > b->prefixlen;
	return !bit(a->data, c);
}

static bool walk_matches_model(const struct kt_be *be, int fd, __u32 ksize)
{
	struct lkey k, next;
	__u32 seen = 0;
	long ret;

	for (ret = be_next_key(be, fd, NULL, &next); ret == 0;
	     ret = be_next_key(be, fd, &k, &next)) {
		if (m_find(&next) < 0)
			return kt_whyf("walk returned a key not in the model");
		if (seen && !m_before(&k, &next))
			return kt_whyf("walk out of postorder at key %u", seen);
		memcpy(&k, &next, ksize);
		if (++seen > mn)
			return kt_whyf("walk longer than the model");
	}
	return kt_check_errno(ret, ENOENT, "walk end") &&
	       kt_check_u64(seen, mn, "keys walked");
}

static bool random_run(const struct kt_be *be, __u32 data_size, unsigned int seed)
{
	int fd = lpm_create(be, data_size, 4, MODEL_N, 0), i, idx;
	bool ok = kt_check_ok(fd, "create");
	__u32 j, v, got;
	struct lkey k;
	long ret;

	mn = 0;
	for (i = 0; ok && i < 2500; i++) {
		int op = rand_r(&seed) % 10;

		memset(&k, 0, sizeof(k));
		for (j = 0; j < data_size; j++)
			k.data[j] = j < 2 ? (rand_r(&seed) % 4) << 6 | rand_r(&seed) % 4 :
					    rand_r(&seed);
		k.prefixlen = op >= 6 ? data_size * 8 : rand_r(&seed) % (data_size * 8 + 1);
		idx = m_find(&k);
		if (op < 4) {
			v = rand_r(&seed);
			ret = upd(be, fd, &k, v, 0);
			if (idx < 0 && mn == MODEL_N) {
				ok = kt_check_errno(ret, ENOSPC, "update when full");
				continue;
			}
			ok = kt_check_ok(ret, "update");
			if (idx < 0)
				idx = mn++;
			mkeys[idx] = k;
			mvals[idx] = v;
		} else if (op < 6) {
			ret = del(be, fd, &k);
			if (idx < 0) {
				ok = kt_check_errno(ret, ENOENT, "delete absent");
				continue;
			}
			ok = kt_check_ok(ret, "delete");
			mkeys[idx] = mkeys[mn - 1];
			mvals[idx] = mvals[mn - 1];
			mn--;
		} else {
			if (op == 9)
				k.prefixlen = rand_r(&seed) % (data_size * 8 + 1);
			idx = m_lookup(&k);
			ret = be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &k, &got, 0);
			ok = idx < 0 ? kt_check_errno(ret, ENOENT, "lookup miss") :
			     kt_check_ok(ret, "lookup") &&
			     kt_check_u64(got, mvals[idx], "looked-up value");
		}
		if (ok && i % 500 == 499)
			ok = walk_matches_model(be, fd, 4 + data_size);
	}
	ok = ok && walk_matches_model(be, fd, 4 + data_size);
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_random_model(const struct kt_be *be)
{
	return random_run(be, 1, 1) && random_run(be, 4, 2) &&
	       random_run(be, 16, 3) && random_run(be, 256, 4);
}

#define READERS 2
#define WRITES 3000

/*
 * 10.x.0.0/16 (value x) stay; a writer process adds and removes
 * 10.x.y.0/24 (value x << 8 | y); readers' 10.x.y.7 must find one of the
 * two, never anything else.
 */
static bool c_processes(const struct kt_be *be)
{
	int fd = lpm_create(be, 4, 4, 16 + 16 * 256, 0), p, status;
	bool ok = kt_check_ok(fd, "create");
	pid_t pids[1 + READERS];
	unsigned int x;
	char a[32];

	for (x = 0; ok && x < 16; x++) {
		snprintf(a, sizeof(a), "10.%u.0.0", x);
		ok = kt_check_ok(upd(be, fd, v4(16, a), x, BPF_NOEXIST), "add /16");
	}
	for (p = 0; ok && p < 1 + READERS; p++) {
		pids[p] = fork();
		if (pids[p] != 0)
			continue;
		unsigned int seed = p + 7, i, y;
		__u32 got;
		long ret;

		for (i = 0; i < WRITES * (p ? 3 : 1); i++) {
			x = rand_r(&seed) % 16;
			y = rand_r(&seed) % 256;
			if (!p) {
				snprintf(a, sizeof(a), "10.%u.%u.0", x, y);
				ret = rand_r(&seed) & 1 ?
				      upd(be, fd, v4(24, a), x << 8 | y, 0) :
				      del(be, fd, v4(24, a));
				if (ret && errno != ENOENT)
					_exit(2);
				continue;
			}
			snprintf(a, sizeof(a), "10.%u.%u.7", x, y);
			if (be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, v4(32, a), &got, 0) ||
			    (got != x && got != (x << 8 | y)))
				_exit(3);
		}
		_exit(0);
	}
	for (p = 0; p < 1 + READERS; p++)
		if (waitpid(pids[p], &status, 0) != pids[p] || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			ok = ok && kt_whyf("process %d failed (status %#x)", p, status);
	if (fd >= 0)
		close(fd);
	return ok;
}

static const struct {
	const char *name;
	bool (*fn)(const struct kt_be *be);
} cases[] = {
	{ "create_rules", c_create_rules },
	{ "ipaddr", c_ipaddr },
	{ "delete", c_delete },
	{ "get_next_key_postorder", c_get_next_key },
	{ "flags_and_errors", c_flags_and_errors },
	{ "fd_modes_and_freeze", c_fd_modes_and_freeze },
	{ "random_against_model", c_random_model },
	{ "processes_update_while_reading", c_processes },
};

int main(int argc, char **argv)
{
	bool linux_ok;
	unsigned int i;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	linux_ok = kt_linux_bpf_usable();
	for (i = 0; i < KT_ARRAY_SIZE(cases); i++)
		kt_dual(cases[i].name, cases[i].fn, linux_ok);
	return kt_done();
}
