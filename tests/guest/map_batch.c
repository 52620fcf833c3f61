// SPDX-License-Identifier: GPL-2.0
/*
 * The batch map commands through the ioctl: MAP_LOOKUP_BATCH,
 * MAP_LOOKUP_AND_DELETE_BATCH, MAP_UPDATE_BATCH and MAP_DELETE_BATCH on
 * arrays, per-CPU arrays, the hash family and LRU maps, with Linux 6.1's
 * tokens (a bucket index for hash maps, the last key for arrays), counts,
 * ENOENT at the end, ENOSPC for a bucket that does not fit, and the errno
 * of each bad input (Linux's selftests map_tests/htab_map_batch_ops.c and
 * array_map_batch_ops.c describe the same behaviour).
 */
#include <linux/kbpf.h>

#include "kt.h"

#define N 100
#define MAX 128

static int ncpus;

struct batch {
	long ret;
	int err;
	__u32 count;
	__u64 out_batch;
};

/* One batch command; count in, count and out_batch back out. */
static struct batch do_batch(int cmd, int fd, const void *in_batch,
			     void *keys, void *values, __u32 count,
			     __u64 elem_flags, __u64 flags)
{
	union bpf_attr attr;
	struct batch b = {};
	__u64 out = 0xdeadbeefdeadbeefULL;

	kt_attr_zero(&attr);
	attr.batch.map_fd = fd;
	attr.batch.in_batch = kt_ptr(in_batch);
	attr.batch.out_batch = kt_ptr(&out);
	attr.batch.keys = kt_ptr(keys);
	attr.batch.values = kt_ptr(values);
	attr.batch.count = count;
	attr.batch.elem_flags = elem_flags;
	attr.batch.flags = flags;
	b.ret = kt_bpf(cmd, &attr);
	b.err = b.ret < 0 ? errno : 0;
	b.count = attr.batch.count;
	b.out_batch = out;
	return b;
}

static bool check_batch(struct batch b, int want_err, __u32 want_count)
{
	if (want_err ? b.ret != -1 || b.err != want_err : b.ret != 0)
		return kt_whyf("ret %s, want %s", kt_fmt_ret(b.ret, b.err),
			       want_err ? kt_errname(want_err) : "0");
	return kt_check_u64(b.count, want_count, "count");
}

static __u64 val_of(__u32 key, int cpu)
{
	return (__u64)key * 1000 + (__u64)cpu;
}

/*
 * LRU maps get room to spare: they may evict before they are full (free
 * elements sit on other CPUs' lists), and the walks want all N back.
 */
static __u32 max_entries(__u32 type)
{
	return type == BPF_MAP_TYPE_LRU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH ? 4 * MAX : MAX;
}

static int hash_filled(__u32 type, __u32 flags, __u32 n)
{
	__u64 v[64];
	__u32 k;
	int fd, c;

	fd = kt_map_create(type, 4, 8, max_entries(type), flags);
	if (fd < 0)
		return fd;
	for (k = 0; k < n; k++) {
		for (c = 0; c < 64; c++)
			v[c] = val_of(k, c);
		if (kt_map_update(fd, &k, v, BPF_ANY))
			return -1;
	}
	return fd;
}

/* Every key 0..n-1 exactly once, each with its value (every CPU's). */
static bool check_elems(__u32 type, const __u32 *keys, const __u64 *vals,
			__u32 total, __u32 n)
{
	int nv = kt_map_is_percpu(type) ? ncpus : 1, c;
	char seen[MAX] = {};
	__u32 i;

	if (!kt_check_u64(total, n, "total"))
		return false;
	for (i = 0; i < total; i++) {
		if (keys[i] >= n || seen[keys[i]])
			return kt_whyf("key %u unexpected or twice", keys[i]);
		seen[keys[i]] = 1;
		for (c = 0; c < nv; c++)
			if (vals[i * nv + c] != val_of(keys[i], c))
				return kt_whyf("key %u cpu %d: value %llu",
					       keys[i], c,
					       (unsigned long long)vals[i * nv + c]);
	}
	return true;
}

/*
 * Walk a hash map step elements at a time, passing each out_batch back as
 * in_batch; a step too small for a bucket gets ENOSPC and is retried with
 * the whole room. The last call must say ENOENT.
 */
static void t_hash_walk(__u32 type, __u32 flags, int cmd, __u32 step,
			const char *name)
{
	static __u32 keys[MAX];
	static __u64 vals[MAX * 64];
	int nv = kt_map_is_percpu(type) ? ncpus : 1;
	__u32 total = 0, token = 0, calls = 0;
	bool ok = true, ended = false;
	int fd, nospc = 0;
	char t[96];
	__u32 k;

	fd = hash_filled(type, flags, N);
	snprintf(t, sizeof(t), "%s_%s_step%u", name,
		 cmd == BPF_MAP_LOOKUP_BATCH ? "lookup" : "lookup_and_delete",
		 step);
	if (fd < 0) {
		kt_fail(t, "setup: %s", kt_errname(errno));
		return;
	}
	while (ok && !ended && calls++ < 4 * MAX) {
		__u32 want = step;
		struct batch b;

		b = do_batch(cmd, fd, total ? &token : NULL, keys + total,
			     vals + (size_t)total * nv, want, 0, 0);
		if (b.ret && b.err == ENOSPC) {
			ok = kt_check_u64(b.count, 0, "count on ENOSPC");
			nospc++;
			b = do_batch(cmd, fd, total ? &token : NULL,
				     keys + total, vals + (size_t)total * nv,
				     MAX - total, 0, 0);
		}
		if (b.ret && b.err != ENOENT) {
			ok = kt_whyf("call %u: %s", calls,
				     kt_fmt_ret(b.ret, b.err));
			break;
		}
		ended = b.ret != 0;
		total += b.count;
		if (total > N) {
			ok = kt_whyf("more than %u elements", N);
			break;
		}
		token = (__u32)b.out_batch;
	}
	ok = ok && kt_check_true(ended, "walk ended with ENOENT") &&
	     check_elems(type, keys, vals, total, N);
	/* A step of one cannot take a bucket of two: some bucket of 100. */
	if (ok && step == 1)
		ok = kt_check_true(nospc > 0, "ENOSPC seen");
	if (ok && cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH)
		ok = kt_check_errno(kt_map_next_key(fd, NULL, &k), ENOENT,
				    "map empty after");
	if (ok && cmd == BPF_MAP_LOOKUP_BATCH)
		ok = kt_check_ok(kt_map_next_key(fd, NULL, &k), "map full after");
	/* The final token: past the last bucket, ENOENT at once, count 0. */
	if (ok) {
		struct batch b = do_batch(cmd, fd, &token, keys, vals, 4, 0, 0);

		ok = check_batch(b, ENOENT, 0) &&
		     kt_check_u64(b.out_batch, 0xdeadbeefdeadbeefULL,
				  "out_batch untouched");
	}
	kt_verdict(t, ok);
	close(fd);
}

/* One call with room for everything: all 100 and ENOENT together. */
static void t_hash_all(__u32 type, __u32 flags, const char *name)
{
	static __u32 keys[MAX];
	static __u64 vals[MAX * 64];
	char t[96];
	struct batch b;
	int fd;

	snprintf(t, sizeof(t), "%s_lookup_all", name);
	fd = hash_filled(type, flags, N);
	b = do_batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals, MAX, 0, 0);
	kt_verdict(t, check_batch(b, ENOENT, N) &&
		   check_elems(type, keys, vals, b.count, N));
	close(fd);
}

static void t_update_delete(__u32 type, __u32 flags, const char *name)
{
	int nv = kt_map_is_percpu(type) ? ncpus : 1, c;
	static __u64 vals[MAX * 64], got[64];
	static __u32 keys[MAX + 8];
	struct batch b;
	bool ok = true;
	__u32 i, k;
	char t[96];
	int fd;

	fd = kt_map_create(type, 4, 8, max_entries(type), flags);
	for (i = 0; i < MAX + 8; i++) {
		keys[i] = i;
		for (c = 0; c < nv && i < MAX; c++)
			vals[i * nv + c] = val_of(i, c);
	}
	snprintf(t, sizeof(t), "%s_update_batch", name);
	b = do_batch(BPF_MAP_UPDATE_BATCH, fd, NULL, keys, vals, N, 0, 0);
	ok = check_batch(b, 0, N);
	for (k = 0; ok && k < N; k++)
		ok = kt_check_ok(kt_map_lookup(fd, &k, got, 0), "lookup") &&
		     kt_check_mem(got, vals + k * nv, nv * 8, "value");
	kt_verdict(t, ok);

	/* The update stops at the first element that fails, count says where. */
	if (type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_PERCPU_HASH) {
		snprintf(t, sizeof(t), "%s_update_batch_full", name);
		b = do_batch(BPF_MAP_UPDATE_BATCH, fd, NULL, keys + N, vals,
			     MAX + 8 - N, 0, 0);
		kt_verdict(t, check_batch(b, E2BIG, MAX - N));
	}

	snprintf(t, sizeof(t), "%s_delete_batch", name);
	b = do_batch(BPF_MAP_DELETE_BATCH, fd, NULL, keys, NULL, 10, 0, 0);
	ok = check_batch(b, 0, 10);
	for (k = 0; ok && k < 10; k++)
		ok = kt_check_errno(kt_map_lookup(fd, &k, got, 0), ENOENT,
				    "deleted");
	k = 10;
	ok = ok && kt_check_ok(kt_map_lookup(fd, &k, got, 0), "kept");
	kt_verdict(t, ok);

	/* Keys 5..14: 5..9 are gone already, so the first one fails. */
	snprintf(t, sizeof(t), "%s_delete_batch_missing", name);
	b = do_batch(BPF_MAP_DELETE_BATCH, fd, NULL, keys + 5, NULL, 10, 0, 0);
	kt_verdict(t, check_batch(b, ENOENT, 0));
	/* Keys 10..19 then 0: ten deleted, then ENOENT at the eleventh. */
	keys[MAX + 7] = keys[20];
	keys[20] = 0;
	snprintf(t, sizeof(t), "%s_delete_batch_stops", name);
	b = do_batch(BPF_MAP_DELETE_BATCH, fd, NULL, keys + 10, NULL, 11, 0, 0);
	ok = check_batch(b, ENOENT, 10);
	k = 20;
	keys[20] = keys[MAX + 7];
	kt_verdict(t, ok && kt_check_ok(kt_map_lookup(fd, &k, got, 0),
					"key after the failure kept"));
	close(fd);
}

static void t_array(__u32 type, const char *name)
{
	int nv = kt_map_is_percpu(type) ? ncpus : 1, c;
	static __u64 vals[16 * 64];
	static __u32 keys[16];
	__u32 i, total = 0, token = 0, calls = 0;
	struct batch b;
	bool ok = true;
	char t[96];
	int fd;

	fd = kt_map_create(type, 4, 8, 10, 0);
	for (i = 0; i < 10; i++) {
		keys[i] = i;
		for (c = 0; c < nv; c++)
			vals[i * nv + c] = val_of(i, c);
	}
	snprintf(t, sizeof(t), "%s_update_batch", name);
	b = do_batch(BPF_MAP_UPDATE_BATCH, fd, NULL, keys, vals, 10, 0, 0);
	kt_verdict(t, check_batch(b, 0, 10));

	/* 3 + 3 + 3 + 1: the token is the last key, ENOENT with the rest. */
	memset(keys, 0xff, sizeof(keys));
	memset(vals, 0, sizeof(vals));
	snprintf(t, sizeof(t), "%s_lookup_batch_step3", name);
	for (;;) {
		b = do_batch(BPF_MAP_LOOKUP_BATCH, fd, calls ? &token : NULL,
			     keys + total, vals + (size_t)total * nv, 3, 0, 0);
		calls++;
		if (b.ret && b.err != ENOENT) {
			ok = kt_whyf("call %u: %s", calls,
				     kt_fmt_ret(b.ret, b.err));
			break;
		}
		total += b.count;
		if (b.count && !kt_check_u64(b.out_batch & 0xffffffff,
					     total - 1, "out_batch"))
			ok = false;
		token = (__u32)b.out_batch;
		if (b.ret || calls > 10)
			break;
	}
	ok = ok && kt_check_u64(calls, 4, "calls") &&
	     kt_check_u64(b.count, 1, "last count") &&
	     check_elems(type, keys, vals, total, 10);
	kt_verdict(t, ok);

	/*
	 * Arrays have no delete batches (ENOTSUPP), as in Linux 6.1, which
	 * answers before it touches count.
	 */
	snprintf(t, sizeof(t), "%s_delete_batch", name);
	b = do_batch(BPF_MAP_DELETE_BATCH, fd, NULL, keys, NULL, 1, 0, 0);
	kt_verdict(t, check_batch(b, KT_ENOTSUPP, 1));
	snprintf(t, sizeof(t), "%s_lookup_and_delete_batch", name);
	b = do_batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, NULL, keys, vals, 1,
		     0, 0);
	kt_verdict(t, check_batch(b, KT_ENOTSUPP, 1));
	/* An index past the end: E2BIG at the first bad key. */
	keys[0] = 3;
	keys[1] = 10;
	snprintf(t, sizeof(t), "%s_update_batch_e2big", name);
	b = do_batch(BPF_MAP_UPDATE_BATCH, fd, NULL, keys, vals, 2, 0, 0);
	kt_verdict(t, check_batch(b, E2BIG, 1));
	/* Linux's generic array batch ignores batch.flags. */
	snprintf(t, sizeof(t), "%s_lookup_batch_flags_ignored", name);
	b = do_batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals, 2, 0, 1);
	kt_verdict(t, check_batch(b, 0, 2));
	close(fd);
}

static void t_errors(void)
{
	static __u32 keys[MAX];
	static __u64 vals[MAX * 64];
	int fd, ro, wo, null_fd;
	__u32 big = MAX;
	struct batch b;
	void *hole = kt_unmapped();
	union bpf_attr attr;
	int cmds[] = { BPF_MAP_LOOKUP_BATCH, BPF_MAP_LOOKUP_AND_DELETE_BATCH,
		       BPF_MAP_UPDATE_BATCH, BPF_MAP_DELETE_BATCH };
	size_t i;
	char t[96];

	fd = hash_filled(BPF_MAP_TYPE_HASH, 0, 10);
	null_fd = open("/dev/null", O_RDONLY);
	for (i = 0; i < KT_ARRAY_SIZE(cmds); i++) {
		snprintf(t, sizeof(t), "cmd%d_elem_flags_unknown", cmds[i]);
		b = do_batch(cmds[i], fd, NULL, keys, vals, 1, 2, 0);
		kt_expect_errno(t, b.ret, EINVAL);
		snprintf(t, sizeof(t), "cmd%d_elem_flags_lock", cmds[i]);
		b = do_batch(cmds[i], fd, NULL, keys, vals, 1, BPF_F_LOCK, 0);
		kt_expect_errno(t, b.ret, EINVAL);
		snprintf(t, sizeof(t), "cmd%d_bad_fd", cmds[i]);
		b = do_batch(cmds[i], 999, NULL, keys, vals, 1, 0, 0);
		kt_expect_errno(t, b.ret, EBADF);
		snprintf(t, sizeof(t), "cmd%d_not_a_map", cmds[i]);
		b = do_batch(cmds[i], null_fd, NULL, keys, vals, 1, 0, 0);
		kt_expect_errno(t, b.ret, EINVAL);
		snprintf(t, sizeof(t), "cmd%d_count_0", cmds[i]);
		b = do_batch(cmds[i], fd, NULL, keys, vals, 0, 0, 0);
		kt_verdict(t, check_batch(b, 0, 0));
		/* A field past batch.flags must be zero. */
		snprintf(t, sizeof(t), "cmd%d_attr_tail", cmds[i]);
		kt_attr_zero(&attr);
		attr.batch.map_fd = fd;
		attr.batch.count = 1;
		((char *)&attr)[offsetofend(union bpf_attr, batch.flags)] = 1;
		kt_expect_errno(t, kt_bpf(cmds[i], &attr), EINVAL);
	}
	/* The hash batch lookups check batch.flags, the generic ones do not. */
	b = do_batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals, 1, 0, 1);
	kt_expect_errno("hash_lookup_batch_flags", b.ret, EINVAL);
	b = do_batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, NULL, keys, vals, 1,
		     0, 1);
	kt_expect_errno("hash_lookup_and_delete_batch_flags", b.ret, EINVAL);
	b = do_batch(BPF_MAP_LOOKUP_BATCH, fd, &big, keys, vals, 4, 0, 0);
	kt_verdict("hash_lookup_batch_token_past_end", check_batch(b, ENOENT, 0));

	/* Faults: EFAULT, and the count of what was done before. */
	b = do_batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, hole, vals, MAX, 0, 0);
	kt_expect_errno("hash_lookup_batch_keys_fault", b.ret, EFAULT);
	b = do_batch(BPF_MAP_LOOKUP_BATCH, fd, hole, keys, vals, MAX, 0, 0);
	kt_expect_errno("hash_lookup_batch_in_batch_fault", b.ret, EFAULT);
	b = do_batch(BPF_MAP_UPDATE_BATCH, fd, NULL, keys, hole, 1, 0, 0);
	kt_verdict("hash_update_batch_values_fault", check_batch(b, EFAULT, 0));
	b = do_batch(BPF_MAP_DELETE_BATCH, fd, NULL, hole, NULL, 1, 0, 0);
	kt_verdict("hash_delete_batch_keys_fault", check_batch(b, EFAULT, 0));
	close(null_fd);
	close(fd);

	/* Access: reads need a readable fd, writes a writable one. */
	fd = hash_filled(BPF_MAP_TYPE_HASH, 0, 10);
	ro = kt_map_fd_by_id(kt_map_id(fd), BPF_F_RDONLY);
	wo = kt_map_fd_by_id(kt_map_id(fd), BPF_F_WRONLY);
	b = do_batch(BPF_MAP_LOOKUP_BATCH, wo, NULL, keys, vals, MAX, 0, 0);
	kt_expect_errno("wronly_lookup_batch", b.ret, EPERM);
	b = do_batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, ro, NULL, keys, vals,
		     MAX, 0, 0);
	kt_expect_errno("rdonly_lookup_and_delete_batch", b.ret, EPERM);
	b = do_batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, wo, NULL, keys, vals,
		     MAX, 0, 0);
	kt_expect_errno("wronly_lookup_and_delete_batch", b.ret, EPERM);
	b = do_batch(BPF_MAP_UPDATE_BATCH, ro, NULL, keys, vals, 1, 0, 0);
	kt_expect_errno("rdonly_update_batch", b.ret, EPERM);
	b = do_batch(BPF_MAP_DELETE_BATCH, ro, NULL, keys, vals, 1, 0, 0);
	kt_expect_errno("rdonly_delete_batch", b.ret, EPERM);
	b = do_batch(BPF_MAP_LOOKUP_BATCH, ro, NULL, keys, vals, MAX, 0, 0);
	kt_verdict("rdonly_lookup_batch", check_batch(b, ENOENT, 10));

	/* Frozen: the syscall side reads, never writes. */
	kt_expect_ok("freeze", kt_map_freeze(fd));
	b = do_batch(BPF_MAP_UPDATE_BATCH, fd, NULL, keys, vals, 1, 0, 0);
	kt_expect_errno("frozen_update_batch", b.ret, EPERM);
	b = do_batch(BPF_MAP_DELETE_BATCH, fd, NULL, keys, vals, 1, 0, 0);
	kt_expect_errno("frozen_delete_batch", b.ret, EPERM);
	b = do_batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, NULL, keys, vals,
		     MAX, 0, 0);
	kt_expect_errno("frozen_lookup_and_delete_batch", b.ret, EPERM);
	b = do_batch(BPF_MAP_LOOKUP_BATCH, fd, NULL, keys, vals, MAX, 0, 0);
	kt_verdict("frozen_lookup_batch", check_batch(b, ENOENT, 10));
	close(ro);
	close(wo);
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct {
		__u32 type, flags;
		const char *name;
	} hashes[] = {
		{ BPF_MAP_TYPE_HASH, 0, "hash" },
		{ BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC, "hash_no_prealloc" },
		{ BPF_MAP_TYPE_PERCPU_HASH, 0, "percpu_hash" },
		{ BPF_MAP_TYPE_LRU_HASH, 0, "lru_hash" },
		{ BPF_MAP_TYPE_LRU_HASH, BPF_F_NO_COMMON_LRU,
		  "lru_hash_no_common" },
		{ BPF_MAP_TYPE_LRU_PERCPU_HASH, 0, "lru_percpu_hash" },
	};
	size_t i;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	ncpus = kt_possible_cpus();
	if (ncpus <= 0 || ncpus > 64) {
		kt_fail("possible_cpus", "%d possible CPUs", ncpus);
		return kt_done();
	}
	for (i = 0; i < KT_ARRAY_SIZE(hashes); i++) {
		t_hash_all(hashes[i].type, hashes[i].flags, hashes[i].name);
		t_hash_walk(hashes[i].type, hashes[i].flags,
			    BPF_MAP_LOOKUP_BATCH, 1, hashes[i].name);
		t_hash_walk(hashes[i].type, hashes[i].flags,
			    BPF_MAP_LOOKUP_BATCH, 7, hashes[i].name);
		t_hash_walk(hashes[i].type, hashes[i].flags,
			    BPF_MAP_LOOKUP_AND_DELETE_BATCH, 7, hashes[i].name);
		t_update_delete(hashes[i].type, hashes[i].flags,
				hashes[i].name);
	}
	t_array(BPF_MAP_TYPE_ARRAY, "array");
	t_array(BPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array");
	t_errors();
	return kt_done();
}
