// SPDX-License-Identifier: GPL-2.0
/*
 * The element commands on the array and hash families (LOOKUP, UPDATE with
 * BPF_ANY / BPF_NOEXIST / BPF_EXIST, DELETE, GET_NEXT_KEY with and without
 * a key, LOOKUP_AND_DELETE) and FREEZE: every flag, maps created
 * BPF_F_RDONLY or BPF_F_WRONLY, frozen maps, full maps, bad fds and the
 * size of per-CPU values, round_up(value_size, 8) per possible CPU. Every
 * case runs on kbpf and again on Linux's bpf(2) (kt_dual.h), so the
 * errnos are Linux 6.1's; test_maps.c's test_hashmap*() and
 * test_arraymap*() expect the same.
 */
#include "kt_dual.h"

#define MAX	4
#define VSIZE	4	/* per-CPU slots are 8 bytes: 4 of padding */
#define SLOT	8

static __u32 cur_type, cur_flags;
static int ncpus;

/* Room for one value of any of the types, per-CPU ones included. */
struct val {
	__u8 b[SLOT * 256];
};

static int create(const struct kt_be *be, __u32 extra_flags)
{
	return be_map_create(be, cur_type, 4, VSIZE, MAX,
			     cur_flags | extra_flags);
}

static long lookup(const struct kt_be *be, int fd, __u32 key, struct val *v,
		   __u64 flags)
{
	return be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, v, flags);
}

static long update(const struct kt_be *be, int fd, __u32 key, __u64 flags)
{
	struct val v;

	memset(&v, (int)key + 1, sizeof(v));
	return be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &v, flags);
}

static long delete(const struct kt_be *be, int fd, __u32 key)
{
	return be_elem(be, BPF_MAP_DELETE_ELEM, fd, &key, NULL, 0);
}

static long lookup_and_delete(const struct kt_be *be, int fd, __u32 key,
			      struct val *v, __u64 flags)
{
	return be_elem(be, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &key, v, flags);
}

/* ret must be success when want is 0, else -1 with errno want. */
static bool check_ret(long ret, int want, const char *what)
{
	return want ? kt_check_errno(ret, want, what) : kt_check_ok(ret, what);
}

static bool opened(int fd)
{
	return kt_check_ok(fd, "MAP_CREATE");
}

static bool done(int fd, bool ok)
{
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Flags past BPF_EXIST, and BPF_F_LOCK without a spin lock: EINVAL. */
static bool c_update_flags(const struct kt_be *be)
{
	int fd = create(be, 0);
	bool ok = opened(fd);

	ok = ok && kt_check_errno(update(be, fd, 0, 3), EINVAL, "flags 3") &&
	     kt_check_errno(update(be, fd, 0, 8), EINVAL, "flags 8") &&
	     kt_check_errno(update(be, fd, 0, 1ULL << 32), EINVAL, "flags 1 << 32") &&
	     kt_check_errno(update(be, fd, 0, BPF_F_LOCK), EINVAL, "BPF_F_LOCK") &&
	     kt_check_errno(update(be, fd, 0, BPF_F_LOCK | BPF_EXIST), EINVAL,
			    "BPF_F_LOCK | BPF_EXIST") &&
	     /* The flags are checked before the index. */
	     kt_check_errno(update(be, fd, MAX + 10, 3), EINVAL, "flags 3, key past max");
	return done(fd, ok);
}

static bool c_lookup_flags(const struct kt_be *be)
{
	int fd = create(be, 0);
	bool ok = opened(fd);
	struct val v;

	ok = ok && kt_check_ok(update(be, fd, 1, BPF_ANY), "update") &&
	     kt_check_errno(lookup(be, fd, 1, &v, 1), EINVAL, "flags 1") &&
	     kt_check_errno(lookup(be, fd, 1, &v, BPF_F_LOCK), EINVAL, "BPF_F_LOCK") &&
	     kt_check_errno(lookup(be, fd, 1, &v, 1ULL << 32), EINVAL, "flags 1 << 32") &&
	     kt_check_errno(lookup(be, fd, MAX, &v, 0), ENOENT, "key max") &&
	     kt_check_errno(lookup(be, fd, ~0u, &v, 0), ENOENT, "key u32 max");
	return done(fd, ok);
}

/* Arrays: every element exists, none can be added past max_entries. */
static bool array_any_noexist_exist(const struct kt_be *be, int fd)
{
	return kt_check_ok(update(be, fd, 0, BPF_ANY), "ANY") &&
	       kt_check_errno(update(be, fd, 0, BPF_NOEXIST), EEXIST, "NOEXIST") &&
	       kt_check_errno(update(be, fd, MAX - 1, BPF_NOEXIST), EEXIST,
			      "NOEXIST, never written") &&
	       kt_check_ok(update(be, fd, MAX - 1, BPF_EXIST), "EXIST, never written") &&
	       kt_check_errno(update(be, fd, MAX, BPF_ANY), E2BIG, "ANY, key max") &&
	       kt_check_errno(update(be, fd, MAX, BPF_NOEXIST), E2BIG, "NOEXIST, key max") &&
	       kt_check_errno(update(be, fd, MAX, BPF_EXIST), E2BIG, "EXIST, key max");
}

static bool hash_any_noexist_exist(const struct kt_be *be, int fd)
{
	__u32 k;
	bool ok;

	ok = kt_check_errno(update(be, fd, 1, BPF_EXIST), ENOENT, "EXIST, absent") &&
	     kt_check_ok(update(be, fd, 1, BPF_NOEXIST), "NOEXIST, absent") &&
	     kt_check_errno(update(be, fd, 1, BPF_NOEXIST), EEXIST, "NOEXIST, present") &&
	     kt_check_ok(update(be, fd, 1, BPF_EXIST), "EXIST, present") &&
	     kt_check_ok(update(be, fd, 1, BPF_ANY), "ANY, present");
	if (!ok || kt_map_is_lru(cur_type))
		return ok;
	/* Fill it: a new key no longer fits, replacing one still works. */
	for (k = 2; ok && k <= MAX; k++)
		ok = kt_check_ok(update(be, fd, k, BPF_ANY), "fill");
	return ok &&
	       kt_check_errno(update(be, fd, 100, BPF_ANY), E2BIG, "ANY, full") &&
	       kt_check_errno(update(be, fd, 100, BPF_NOEXIST), E2BIG, "NOEXIST, full") &&
	       kt_check_errno(update(be, fd, 100, BPF_EXIST), ENOENT, "EXIST, full, absent") &&
	       kt_check_ok(update(be, fd, 2, BPF_ANY), "ANY, full, present") &&
	       kt_check_ok(update(be, fd, 2, BPF_EXIST), "EXIST, full, present") &&
	       kt_check_ok(delete(be, fd, 2), "delete") &&
	       kt_check_ok(update(be, fd, 100, BPF_NOEXIST), "NOEXIST after a delete");
}

static bool c_any_noexist_exist(const struct kt_be *be)
{
	int fd = create(be, 0);
	bool ok = opened(fd);

	ok = ok && (kt_map_is_array(cur_type) ?
		    array_any_noexist_exist(be, fd) :
		    hash_any_noexist_exist(be, fd));
	return done(fd, ok);
}

/* An LRU map makes room instead: inserts into a full map never fail. */
static bool c_lru_full_inserts(const struct kt_be *be)
{
	int fd = create(be, 0);
	bool ok = opened(fd);
	__u32 k;

	for (k = 0; ok && k < 8 * MAX; k++)
		ok = kt_check_ok(update(be, fd, k, BPF_NOEXIST), "NOEXIST insert");
	return done(fd, ok);
}

static bool c_delete(const struct kt_be *be)
{
	int fd = create(be, 0);
	bool ok = opened(fd) && kt_check_ok(update(be, fd, 1, BPF_ANY), "update");
	struct val v;

	if (kt_map_is_array(cur_type))
		return done(fd, ok &&
			    kt_check_errno(delete(be, fd, 1), EINVAL, "delete") &&
			    kt_check_errno(delete(be, fd, MAX), EINVAL, "delete key max"));
	ok = ok && kt_check_ok(delete(be, fd, 1), "delete") &&
	     kt_check_errno(lookup(be, fd, 1, &v, 0), ENOENT, "lookup deleted") &&
	     kt_check_errno(delete(be, fd, 1), ENOENT, "delete again") &&
	     kt_check_errno(delete(be, fd, 77), ENOENT, "delete never there");
	return done(fd, ok);
}

static long next_key(const struct kt_be *be, int fd, const __u32 *key,
		     __u32 *next)
{
	return be_next_key(be, fd, key, next);
}

static bool array_next_key(const struct kt_be *be, int fd)
{
	__u32 k, next = 99;

	k = 1;
	if (!kt_check_ok(next_key(be, fd, NULL, &next), "NULL key") ||
	    !kt_check_u64(next, 0, "first") ||
	    !kt_check_ok(next_key(be, fd, &k, &next), "key 1") ||
	    !kt_check_u64(next, 2, "after 1"))
		return false;
	k = MAX - 1;
	if (!kt_check_errno(next_key(be, fd, &k, &next), ENOENT, "last key"))
		return false;
	/* A key out of range starts over. */
	k = MAX + 5;
	next = 99;
	return kt_check_ok(next_key(be, fd, &k, &next), "key past max") &&
	       kt_check_u64(next, 0, "after a key past max");
}

static bool hash_next_key(const struct kt_be *be, int fd)
{
	__u32 first = 99, second = 99, k = 77, again = 99;

	if (!kt_check_errno(next_key(be, fd, NULL, &first), ENOENT, "NULL key, empty") ||
	    !kt_check_errno(next_key(be, fd, &k, &first), ENOENT, "absent key, empty") ||
	    !kt_check_ok(update(be, fd, 5, BPF_ANY), "update 5") ||
	    !kt_check_ok(update(be, fd, 7, BPF_ANY), "update 7") ||
	    !kt_check_ok(next_key(be, fd, NULL, &first), "NULL key") ||
	    !kt_check_true(first == 5 || first == 7, "first is 5 or 7") ||
	    !kt_check_ok(next_key(be, fd, &first, &second), "after first") ||
	    !kt_check_u64(second, first == 5 ? 7 : 5, "second"))
		return false;
	/* Past the last key: ENOENT; a key not in the map: the first one. */
	return kt_check_errno(next_key(be, fd, &second, &again), ENOENT, "after last") &&
	       kt_check_ok(next_key(be, fd, &k, &again), "absent key") &&
	       kt_check_u64(again, first, "after an absent key");
}

static bool c_next_key(const struct kt_be *be)
{
	int fd = create(be, 0);
	bool ok = opened(fd);

	ok = ok && (kt_map_is_array(cur_type) ? array_next_key(be, fd) : hash_next_key(be, fd));
	return done(fd, ok);
}

static bool c_lookup_and_delete(const struct kt_be *be)
{
	int fd = create(be, 0);
	bool ok = opened(fd) && kt_check_ok(update(be, fd, 2, BPF_ANY), "update");
	struct val v, want;
	int n = kt_map_is_percpu(cur_type) ? ncpus : 1, c;

	ok = ok && kt_check_errno(lookup_and_delete(be, fd, 2, &v, 1), EINVAL, "flags 1") &&
	     kt_check_errno(lookup_and_delete(be, fd, 2, &v, BPF_F_LOCK), EINVAL,
			    "BPF_F_LOCK");
	if (kt_map_is_array(cur_type))
		return done(fd, ok &&
			    kt_check_errno(lookup_and_delete(be, fd, 2, &v, 0),
					   KT_ENOTSUPP, "array"));
	memset(&want, 0, sizeof(want));
	for (c = 0; c < n; c++)
		memset(want.b + c * SLOT, 3, kt_map_is_percpu(cur_type) ? SLOT : VSIZE);
	memset(&v, 0, sizeof(v));
	ok = ok && kt_check_ok(lookup_and_delete(be, fd, 2, &v, 0), "present") &&
	     kt_check_mem(&v, &want, sizeof(v), "value") &&
	     kt_check_errno(lookup(be, fd, 2, &v, 0), ENOENT, "lookup after") &&
	     kt_check_errno(lookup_and_delete(be, fd, 2, &v, 0), ENOENT, "again");
	return done(fd, ok);
}

/*
 * The value through the syscall: value_size bytes, or round_up(value_size,
 * 8) per possible CPU for per-CPU maps, not one byte more; the padding of
 * each CPU's slot goes in and comes back with it.
 */
static bool c_value_copy_size(const struct kt_be *be)
{
	int fd = create(be, 0);
	bool ok = opened(fd);
	size_t len = kt_map_is_percpu(cur_type) ? (size_t)ncpus * SLOT : VSIZE;
	struct val in, out;
	__u32 key = 1;
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in.b[i] = (__u8)(i * 7 + 1);
	memset(&out, 0xee, sizeof(out));
	ok = ok && kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &in,
				       BPF_ANY), "update") &&
	     kt_check_ok(lookup(be, fd, key, &out, 0), "lookup") &&
	     kt_check_mem(&out, &in, len, "value") &&
	     kt_check_fill(out.b + len, 0xee, sizeof(out) - len, "past the value");
	return done(fd, ok);
}

static bool c_rdonly_map(const struct kt_be *be)
{
	int fd = create(be, BPF_F_RDONLY);
	bool ok = opened(fd);
	struct val v;
	__u32 next;

	ok = ok && kt_check_errno(update(be, fd, 0, BPF_ANY), EPERM, "update") &&
	     kt_check_errno(delete(be, fd, 0), EPERM, "delete") &&
	     kt_check_errno(lookup_and_delete(be, fd, 0, &v, 0), EPERM,
			    "lookup_and_delete") &&
	     check_ret(lookup(be, fd, 0, &v, 0), kt_map_is_array(cur_type) ? 0 : ENOENT,
		       "lookup") &&
	     check_ret(next_key(be, fd, NULL, &next), kt_map_is_array(cur_type) ? 0 : ENOENT,
		       "next_key") &&
	     /* Freezing needs no write access to the fd. */
	     kt_check_ok(be_freeze(be, fd), "freeze");
	return done(fd, ok);
}

static bool c_wronly_map(const struct kt_be *be)
{
	int fd = create(be, BPF_F_WRONLY);
	bool ok = opened(fd);
	struct val v;
	__u32 next;

	ok = ok && kt_check_ok(update(be, fd, 0, BPF_ANY), "update") &&
	     kt_check_errno(lookup(be, fd, 0, &v, 0), EPERM, "lookup") &&
	     kt_check_errno(next_key(be, fd, NULL, &next), EPERM, "next_key") &&
	     kt_check_errno(lookup_and_delete(be, fd, 0, &v, 0), EPERM,
			    "lookup_and_delete") &&
	     check_ret(delete(be, fd, 0), kt_map_is_array(cur_type) ? EINVAL : 0, "delete");
	return done(fd, ok);
}

static bool c_frozen(const struct kt_be *be)
{
	int fd = create(be, 0);
	bool ok = opened(fd) && kt_check_ok(update(be, fd, 1, BPF_ANY), "update");
	struct val v;
	__u32 next;

	ok = ok && kt_check_ok(be_freeze(be, fd), "freeze") &&
	     kt_check_errno(be_freeze(be, fd), EBUSY, "freeze again") &&
	     kt_check_errno(update(be, fd, 1, BPF_ANY), EPERM, "update") &&
	     kt_check_errno(update(be, fd, 1, 3), EPERM, "update, bad flags") &&
	     kt_check_errno(delete(be, fd, 1), EPERM, "delete") &&
	     kt_check_errno(lookup_and_delete(be, fd, 1, &v, 0), EPERM,
			    "lookup_and_delete") &&
	     kt_check_ok(lookup(be, fd, 1, &v, 0), "lookup") &&
	     kt_check_ok(next_key(be, fd, NULL, &next), "next_key");
	return done(fd, ok);
}

/* Not an fd: EBADF; an fd that is not a map: EINVAL. */
static bool c_bad_fds(const struct kt_be *be)
{
	int p[2];
	struct val v;
	__u32 next, key = 0;
	bool ok;

	if (pipe(p))
		return kt_whyf("pipe: %s", strerror(errno));
	ok = kt_check_errno(lookup(be, -1, 0, &v, 0), EBADF, "lookup -1") &&
	     kt_check_errno(update(be, -1, 0, BPF_ANY), EBADF, "update -1") &&
	     kt_check_errno(delete(be, -1, 0), EBADF, "delete -1") &&
	     kt_check_errno(next_key(be, -1, &key, &next), EBADF, "next_key -1") &&
	     kt_check_errno(lookup_and_delete(be, -1, 0, &v, 0), EBADF,
			    "lookup_and_delete -1") &&
	     kt_check_errno(be_freeze(be, -1), EBADF, "freeze -1") &&
	     kt_check_errno(lookup(be, p[0], 0, &v, 0), EINVAL, "lookup pipe") &&
	     kt_check_errno(update(be, p[0], 0, BPF_ANY), EINVAL, "update pipe") &&
	     kt_check_errno(delete(be, p[0], 0), EINVAL, "delete pipe") &&
	     kt_check_errno(next_key(be, p[0], &key, &next), EINVAL, "next_key pipe") &&
	     kt_check_errno(be_freeze(be, p[0]), EINVAL, "freeze pipe");
	close(p[0]);
	close(p[1]);
	return ok;
}

static const struct {
	const char *name;
	__u32 type, flags;
} types[] = {
	{ "array", BPF_MAP_TYPE_ARRAY, 0 },
	{ "percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY, 0 },
	{ "hash", BPF_MAP_TYPE_HASH, 0 },
	{ "hash_no_prealloc", BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC },
	{ "percpu_hash", BPF_MAP_TYPE_PERCPU_HASH, 0 },
	{ "percpu_hash_no_prealloc", BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC },
	{ "lru_hash", BPF_MAP_TYPE_LRU_HASH, 0 },
	{ "lru_hash_no_common_lru", BPF_MAP_TYPE_LRU_HASH, BPF_F_NO_COMMON_LRU },
	{ "lru_percpu_hash", BPF_MAP_TYPE_LRU_PERCPU_HASH, 0 },
};

static const struct {
	const char *name;
	bool (*fn)(const struct kt_be *be);
	bool lru_only;
	bool once;	/* the same on every type: run on the first only */
} cases[] = {
	{ "update_flags", c_update_flags, false, false },
	{ "lookup_flags", c_lookup_flags, false, false },
	{ "any_noexist_exist", c_any_noexist_exist, false, false },
	{ "lru_full_inserts", c_lru_full_inserts, true, false },
	{ "delete", c_delete, false, false },
	{ "next_key", c_next_key, false, false },
	{ "lookup_and_delete", c_lookup_and_delete, false, false },
	{ "value_copy_size", c_value_copy_size, false, false },
	{ "rdonly_map", c_rdonly_map, false, false },
	{ "wronly_map", c_wronly_map, false, false },
	{ "frozen", c_frozen, false, false },
	{ "bad_fds", c_bad_fds, false, true },
};

int main(int argc, char **argv)
{
	bool linux_ok;
	unsigned int t, i;
	char name[96];

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	ncpus = kt_possible_cpus();
	if (ncpus <= 0 || (size_t)ncpus * SLOT > sizeof(struct val)) {
		kt_fail("possible_cpus", "cannot use %d possible CPUs", ncpus);
		return kt_done();
	}
	linux_ok = kt_linux_bpf_usable();
	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		cur_type = types[t].type;
		cur_flags = types[t].flags;
		for (i = 0; i < KT_ARRAY_SIZE(cases); i++) {
			if ((cases[i].lru_only && !kt_map_is_lru(cur_type)) ||
			    (cases[i].once && t))
				continue;
			snprintf(name, sizeof(name), "%s_%s", types[t].name,
				 cases[i].name);
			kt_dual(name, cases[i].fn, linux_ok);
		}
	}
	return kt_done();
}
