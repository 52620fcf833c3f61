// SPDX-License-Identifier: GPL-2.0
/*
 * The four batch commands on arrays and the hash family, each case on kbpf
 * and again on Linux's bpf(2) (kt_dual.h): count 0, the in_batch/out_batch
 * tokens and the count that comes back, ENOENT at the end (with the last
 * elements), ENOSPC for a hash bucket that does not fit, the flags each
 * command refuses (batch.flags only for hash maps: Linux's generic array
 * walk never reads it), errors half-way (the count says how far it got),
 * the commands arrays do not have (ENOTSUPP), and fd modes. Linux 6.1's
 * generic_map_*_batch() and __htab_map_lookup_and_delete_batch(); the
 * selftests map_tests/{array,htab}_map_batch_ops.c walk the same way.
 */
#include "kt_dual.h"

#define N	10	/* elements put in */
#define MAX	16
#define VSIZE	8

static __u32 cur_type;
static int ncpus;

/* Per key: one u64 per CPU for per-CPU maps, else one. */
static int nvals(void)
{
	return kt_map_is_percpu(cur_type) ? ncpus : 1;
}

static __u64 val_of(__u32 key, int cpu)
{
	return (__u64)key << 16 | (__u64)cpu;
}

struct batch {
	long ret;
	int err;
	__u32 count;
	__u32 out;	/* out_batch: a u32 key for arrays, a bucket for hashes */
};

static struct batch do_batch(const struct kt_be *be, int cmd, int fd,
			     const __u32 *in, __u32 *keys, __u64 *vals,
			     __u32 count, __u64 elem_flags, __u64 flags)
{
	union bpf_attr attr;
	struct batch b = { .out = 0xdeadbeef };

	kt_attr_zero(&attr);
	attr.batch.map_fd = fd;
	attr.batch.in_batch = kt_ptr(in);
	attr.batch.out_batch = kt_ptr(&b.out);
	attr.batch.keys = kt_ptr(keys);
	attr.batch.values = kt_ptr(vals);
	attr.batch.count = count;
	attr.batch.elem_flags = elem_flags;
	attr.batch.flags = flags;
	b.ret = be_call(be, cmd, &attr);
	b.err = b.ret < 0 ? errno : 0;
	b.count = attr.batch.count;
	return b;
}

static bool check_batch(struct batch b, int want_err, __u32 want_count,
			const char *what)
{
	if (want_err ? b.ret != -1 || b.err != want_err : b.ret != 0)
		return kt_whyf("%s: ret %s, want %s", what,
			       kt_fmt_ret(b.ret, b.err),
			       want_err ? kt_errname(want_err) : "0");
	if (b.count != want_count)
		return kt_whyf("%s: count %u, want %u", what, b.count, want_count);
	return true;
}

/*
 * LRU maps get room to spare: they may evict before they are full (free
 * elements sit on other CPUs' lists), and the walks want all N back.
 */
static int create(const struct kt_be *be, __u32 flags)
{
	return be_map_create(be, cur_type, 4, VSIZE, kt_map_is_lru(cur_type) ? 4 * MAX : MAX,
			     flags);
}

/* Arrays are filled whole, hash maps with N of their MAX elements. */
static __u32 nfill(void)
{
	return kt_map_is_array(cur_type) ? MAX : N;
}

/* Buffers for MAX + 1 elements of any type, per-CPU ones included. */
static __u32 keys[MAX + 1];
static __u64 vals[(MAX + 1) * 256];

/* Keys 0..nfill()-1 through MAP_UPDATE_BATCH, with val_of() per CPU. */
static bool fill(const struct kt_be *be, int fd)
{
	__u32 k;
	int c;

	for (k = 0; k < nfill(); k++) {
		keys[k] = k;
		for (c = 0; c < nvals(); c++)
			vals[k * nvals() + c] = val_of(k, c);
	}
	return check_batch(do_batch(be, BPF_MAP_UPDATE_BATCH, fd, NULL, keys,
				    vals, nfill(), 0, 0), 0, nfill(), "fill");
}

/* total elements in keys/vals: each key below nfill() once, its values. */
static bool check_elems(__u32 total)
{
	char seen[MAX] = {};
	__u32 i;
	int c;

	if (total != nfill())
		return kt_whyf("%u elements, want %u", total, nfill());
	for (i = 0; i < total; i++) {
		if (keys[i] >= nfill() || seen[keys[i]]++)
			return kt_whyf("key %u unexpected or twice", keys[i]);
		for (c = 0; c < nvals(); c++)
			if (vals[i * nvals() + c] != val_of(keys[i], c))
				return kt_whyf("key %u cpu %d: value %#llx",
					       keys[i], c,
					       (unsigned long long)vals[i * nvals() + c]);
	}
	return true;
}

static int create_filled(const struct kt_be *be, __u32 flags, bool *ok)
{
	int fd = create(be, flags);

	*ok = kt_check_ok(fd, "MAP_CREATE") && fill(be, fd);
	return fd;
}

static bool done(int fd, bool ok)
{
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_count_zero(const struct kt_be *be)
{
	__u32 in = 0;
	bool ok;
	int fd = create_filled(be, 0, &ok);

	ok = ok && check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL, keys,
					vals, 0, 0, 0), 0, 0, "lookup count 0") &&
	     check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, &in, keys, vals,
				  0, 0, 0), 0, 0, "lookup count 0, in_batch") &&
	     check_batch(do_batch(be, BPF_MAP_UPDATE_BATCH, fd, NULL, keys, vals,
				  0, 0, 0), 0, 0, "update count 0");
	if (!kt_map_is_array(cur_type))
		ok = ok && check_batch(do_batch(be, BPF_MAP_DELETE_BATCH, fd, NULL,
						keys, NULL, 0, 0, 0), 0, 0,
				       "delete count 0") &&
		     check_batch(do_batch(be, BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd,
					  NULL, keys, vals, 0, 0, 0), 0, 0,
				 "lookup_and_delete count 0");
	return done(fd, ok);
}

/*
 * Room for more than there is: everything, then ENOENT. Room for exactly
 * what there is: an array stops without looking further (0), a hash map
 * walks the empty buckets left to the end (ENOENT).
 */
static bool c_room_vs_end(const struct kt_be *be)
{
	struct batch b;
	bool ok;
	int fd = create_filled(be, 0, &ok);

	if (ok) {
		memset(keys, 0xff, sizeof(keys));
		b = do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals,
			     MAX + 1, 0, 0);
		ok = check_batch(b, ENOENT, nfill(), "room to spare") &&
		     check_elems(b.count) &&
		     (!kt_map_is_array(cur_type) || kt_check_u64(b.out, MAX - 1, "out_batch"));
	}
	ok = ok && check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL, keys,
					vals, nfill(), 0, 0),
			       kt_map_is_array(cur_type) ? 0 : ENOENT, nfill(), "exact room");
	return done(fd, ok);
}

/*
 * Walk with little room, passing each out_batch back as in_batch, until
 * ENOENT: every element once. A hash bucket bigger than the room gives
 * ENOSPC with count 0 when nothing was copied (out_batch then names that
 * bucket); the walk asks again with more room, as libbpf's users do.
 * Linux seeds each map's hash at random, so whether a walk meets ENOSPC
 * changes from run to run; the room grows from 3 so it often does.
 */
static bool c_token_walk(const struct kt_be *be)
{
	__u32 total = 0, room = 3, in = 0, calls = 0;
	struct batch b;
	bool ok;
	int fd = create_filled(be, 0, &ok);

	while (ok && calls++ < 4 * MAX) {
		if (room > MAX + 1 - total)
			room = MAX + 1 - total;
		b = do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, total ? &in : NULL,
			     keys + total, vals + (size_t)total * nvals(), room,
			     0, 0);
		if (b.ret == -1 && b.err == ENOSPC && !kt_map_is_array(cur_type)) {
			/* out_batch: the bucket that did not fit. */
			ok = check_batch(b, ENOSPC, 0, "ENOSPC") &&
			     kt_check_true(b.out != 0xdeadbeef,
					   "out_batch written on ENOSPC");
			room++;
			continue;
		}
		if (b.ret == -1 && b.err == ENOENT) {
			total += b.count;
			break;
		}
		ok = check_batch(b, 0, b.count, "step") &&
		     kt_check_true(b.count > 0 && b.count <= room, "count in 1..room");
		total += b.count;
		in = b.out;
	}
	ok = ok && check_elems(total);
	/* A token from past the end: ENOENT, nothing copied. */
	in = kt_map_is_array(cur_type) ? MAX - 1 : 0xffffffffu;
	ok = ok && check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, &in, keys,
					vals, MAX, 0, 0), ENOENT, 0, "token past the end");
	return done(fd, ok);
}

/*
 * Hash maps only: two keys in one bucket of a two-bucket map do not fit
 * in room for one. Which keys share a bucket depends on the hash
 * function (kbpf's is not Linux's), so look for such a pair. Not LRU
 * maps: one that small may evict the first key for the second.
 */
static bool c_enospc(const struct kt_be *be)
{
	__u32 k, pair[2] = { 0, 0 };
	bool found = false, ok = true;
	struct batch b;
	int fd = -1;

	for (k = 1; ok && !found && k < 64; k++) {
		fd = be_map_create(be, cur_type, 4, VSIZE, 2, 0);
		pair[1] = k;
		memset(vals, 0, sizeof(vals));
		ok = kt_check_ok(fd, "MAP_CREATE") &&
		     check_batch(do_batch(be, BPF_MAP_UPDATE_BATCH, fd, NULL,
					  pair, vals, 2, 0, 0), 0, 2, "update");
		if (!ok)
			break;
		b = do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals, 1, 0, 0);
		found = b.ret == -1 && b.err == ENOSPC;
		if (found)
			ok = check_batch(b, ENOSPC, 0, "room 1") &&
			     check_batch(do_batch(be, BPF_MAP_LOOKUP_AND_DELETE_BATCH,
						  fd, NULL, keys, vals, 1, 0, 0),
					 ENOSPC, 0, "lookup_and_delete room 1") &&
			     check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL,
						  keys, vals, 2, 0, 0),
					 ENOENT, 2, "room 2");
		else
			ok = check_batch(b, 0, 1, "room 1, a bucket of one");
		close(fd);
		fd = -1;
	}
	if (fd >= 0)
		close(fd);
	return ok && kt_check_true(found, "no two of 64 keys shared a bucket");
}

static bool c_flags(const struct kt_be *be)
{
	bool ok;
	int fd = create_filled(be, 0, &ok);

	ok = ok &&
	     check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals,
				  MAX + 1, BPF_F_LOCK, 0), EINVAL, MAX + 1,
			 "lookup, elem_flags BPF_F_LOCK") &&
	     check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals,
				  MAX + 1, 1, 0), EINVAL, MAX + 1,
			 "lookup, elem_flags 1") &&
	     check_batch(do_batch(be, BPF_MAP_UPDATE_BATCH, fd, NULL, keys, vals,
				  1, BPF_NOEXIST, 0), EINVAL, 1,
			 "update, elem_flags BPF_NOEXIST") &&
	     check_batch(do_batch(be, BPF_MAP_UPDATE_BATCH, fd, NULL, keys, vals,
				  1, BPF_EXIST, 0), EINVAL, 1,
			 "update, elem_flags BPF_EXIST") &&
	     /* batch.flags: refused by the hash walk, unread by the array one. */
	     check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals,
				  MAX + 1, 0, 1), kt_map_is_array(cur_type) ? ENOENT : EINVAL,
			 kt_map_is_array(cur_type) ? MAX : MAX + 1, "lookup, flags 1") &&
	     check_batch(do_batch(be, BPF_MAP_UPDATE_BATCH, fd, NULL, keys, vals,
				  1, 0, 1), 0, 1, "update, flags 1");
	if (!kt_map_is_array(cur_type))
		ok = ok &&
		     check_batch(do_batch(be, BPF_MAP_DELETE_BATCH, fd, NULL, keys,
					  NULL, 1, 1, 0), EINVAL, 1,
				 "delete, elem_flags 1") &&
		     check_batch(do_batch(be, BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd,
					  NULL, keys, vals, MAX, 0, 1), EINVAL,
				 MAX, "lookup_and_delete, flags 1");
	return done(fd, ok);
}

/* Arrays have no deleting batch commands. */
static bool c_array_unsupported(const struct kt_be *be)
{
	bool ok;
	int fd = create_filled(be, 0, &ok);

	ok = ok &&
	     check_batch(do_batch(be, BPF_MAP_DELETE_BATCH, fd, NULL, keys, NULL,
				  1, 0, 0), KT_ENOTSUPP, 1, "delete") &&
	     check_batch(do_batch(be, BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, NULL,
				  keys, vals, 1, 0, 0), KT_ENOTSUPP, 1,
			 "lookup_and_delete") &&
	     /* Before any flag is looked at. */
	     check_batch(do_batch(be, BPF_MAP_DELETE_BATCH, fd, NULL, keys, NULL,
				  1, 1, 1), KT_ENOTSUPP, 1, "delete, bad flags");
	return done(fd, ok);
}

/* An error half-way: count says how many went through before it. */
static bool c_half_way(const struct kt_be *be)
{
	__u32 bad[4];
	bool ok;
	int fd = create_filled(be, 0, &ok);

	if (kt_map_is_array(cur_type)) {
		/* Index MAX does not exist: E2BIG after two updates. */
		bad[0] = 1, bad[1] = 2, bad[2] = MAX, bad[3] = 3;
		return done(fd, ok &&
			    check_batch(do_batch(be, BPF_MAP_UPDATE_BATCH, fd, NULL,
						 bad, vals, 4, 0, 0), E2BIG, 2,
					"update past max_entries"));
	}
	/* Key 100 is not there: ENOENT after deleting two. */
	bad[0] = 1, bad[1] = 2, bad[2] = 100, bad[3] = 3;
	ok = ok && check_batch(do_batch(be, BPF_MAP_DELETE_BATCH, fd, NULL, bad,
					NULL, 4, 0, 0), ENOENT, 2, "delete absent") &&
	     check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals,
				  MAX + 1, 0, 0), ENOENT, N - 2, "what is left") &&
	     /* The keys are not readable: EFAULT, nothing counted. */
	     check_batch(do_batch(be, BPF_MAP_DELETE_BATCH, fd, NULL, NULL, NULL,
				  1, 0, 0), EFAULT, 0, "delete, keys NULL");
	return done(fd, ok);
}

/* What the whole walk deletes is gone; a second walk finds nothing. */
static bool c_lookup_and_delete_all(const struct kt_be *be)
{
	struct batch b;
	bool ok;
	int fd = create_filled(be, 0, &ok);

	if (ok) {
		b = do_batch(be, BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, NULL, keys,
			     vals, MAX + 1, 0, 0);
		ok = check_batch(b, ENOENT, N, "lookup_and_delete all") &&
		     check_elems(b.count);
	}
	ok = ok && check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, fd, NULL, keys,
					vals, MAX + 1, 0, 0), ENOENT, 0, "empty");
	return done(fd, ok);
}

/* The fd's access: reading needs FMODE_CAN_READ, the others writing. */
static bool c_fd_modes(const struct kt_be *be)
{
	int rd = create(be, BPF_F_RDONLY), wr = create(be, BPF_F_WRONLY);
	bool ok = kt_check_ok(rd, "MAP_CREATE rdonly") &&
		  kt_check_ok(wr, "MAP_CREATE wronly");

	ok = ok &&
	     check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, wr, NULL, keys, vals,
				  1, 0, 0), EPERM, 1, "lookup, wronly") &&
	     check_batch(do_batch(be, BPF_MAP_UPDATE_BATCH, rd, NULL, keys, vals,
				  1, 0, 0), EPERM, 1, "update, rdonly") &&
	     check_batch(do_batch(be, BPF_MAP_LOOKUP_AND_DELETE_BATCH, wr, NULL,
				  keys, vals, 1, 0, 0), EPERM, 1,
			 "lookup_and_delete, wronly") &&
	     check_batch(do_batch(be, BPF_MAP_DELETE_BATCH, rd, NULL, keys, NULL,
				  1, 0, 0), EPERM, 1, "delete, rdonly") &&
	     /* Reading through a read-only fd works. */
	     check_batch(do_batch(be, BPF_MAP_LOOKUP_BATCH, rd, NULL, keys, vals,
				  1, 0, 0), kt_map_is_array(cur_type) ? 0 : ENOENT,
			 kt_map_is_array(cur_type) ? 1 : 0, "lookup, rdonly");
	done(rd, true);
	return done(wr, ok);
}

static const struct {
	const char *name;
	__u32 type;
} types[] = {
	{ "array", BPF_MAP_TYPE_ARRAY },
	{ "percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY },
	{ "hash", BPF_MAP_TYPE_HASH },
	{ "percpu_hash", BPF_MAP_TYPE_PERCPU_HASH },
	{ "lru_hash", BPF_MAP_TYPE_LRU_HASH },
	{ "lru_percpu_hash", BPF_MAP_TYPE_LRU_PERCPU_HASH },
};

enum which { ALL, ARRAYS, HASHES, HASH_FAMILY };

static const struct {
	const char *name;
	bool (*fn)(const struct kt_be *be);
	enum which which;	/* HASHES: not LRU ones */
} cases[] = {
	{ "count_zero", c_count_zero, ALL },
	{ "room_vs_end", c_room_vs_end, ALL },
	{ "token_walk", c_token_walk, ALL },
	{ "enospc", c_enospc, HASHES },
	{ "flags", c_flags, ALL },
	{ "unsupported", c_array_unsupported, ARRAYS },
	{ "half_way", c_half_way, ALL },
	{ "lookup_and_delete_all", c_lookup_and_delete_all, HASH_FAMILY },
	{ "fd_modes", c_fd_modes, ALL },
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
	if (ncpus <= 0 || ncpus > 256) {
		kt_fail("possible_cpus", "cannot use %d possible CPUs", ncpus);
		return kt_done();
	}
	linux_ok = kt_linux_bpf_usable();
	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		cur_type = types[t].type;
		for (i = 0; i < KT_ARRAY_SIZE(cases); i++) {
			if ((cases[i].which == ARRAYS && !kt_map_is_array(cur_type)) ||
			    (cases[i].which == HASHES && (kt_map_is_array(cur_type) || kt_map_is_lru(cur_type))) ||
			    (cases[i].which == HASH_FAMILY && kt_map_is_array(cur_type)))
				continue;
			snprintf(name, sizeof(name), "%s_%s", types[t].name,
				 cases[i].name);
			kt_dual(name, cases[i].fn, linux_ok);
		}
	}
	return kt_done();
}
