// SPDX-License-Identifier: GPL-2.0
/*
 * The element, batch and freeze commands on RINGBUF and PERF_EVENT_ARRAY,
 * whose elements are not reached like other maps' (a ring has none, a
 * perf event array holds perf event fds that only its programs use), and
 * the batch commands on map types that have none, and the LPM trie's. Every case runs on kbpf
 * and again on Linux's bpf(2) (kt_dual.h); Linux 6.1's map_*_elem() with
 * ringbuf's and perf_event_array's ops, and bpf_map_do_batch().
 */
#include "kt_dual.h"

#define PAGE	4096u

static long batch_io(const struct kt_be *be, int cmd, int fd,
		     const void *in, void *out, void *keys, void *vals,
		     __u32 *count)
{
	union bpf_attr attr;
	long ret;

	kt_attr_zero(&attr);
	attr.batch.map_fd = fd;
	attr.batch.in_batch = kt_ptr(in);
	attr.batch.out_batch = kt_ptr(out);
	attr.batch.keys = kt_ptr(keys);
	attr.batch.values = kt_ptr(vals);
	attr.batch.count = *count;
	ret = be_call(be, cmd, &attr);
	*count = attr.batch.count;
	return ret;
}

static long batch(const struct kt_be *be, int cmd, int fd, void *keys,
		  void *vals, __u32 count)
{
	return batch_io(be, cmd, fd, NULL, NULL, keys, vals, &count);
}

/* Every batch command: ENOTSUPP, before any flag or pointer is looked at. */
static bool no_batch(const struct kt_be *be, int fd)
{
	static const int cmds[] = {
		BPF_MAP_LOOKUP_BATCH, BPF_MAP_LOOKUP_AND_DELETE_BATCH,
		BPF_MAP_UPDATE_BATCH, BPF_MAP_DELETE_BATCH,
	};
	size_t i;

	for (i = 0; i < KT_ARRAY_SIZE(cmds); i++)
		if (batch(be, cmds[i], fd, NULL, NULL, 1) != -1 ||
		    errno != KT_ENOTSUPP)
			return kt_whyf("batch command %d: expected -1 ENOTSUPP(524), got %s",
				       cmds[i], kt_errname(errno));
	return true;
}

static bool c_ringbuf(const struct kt_be *be)
{
	int fd = be_map_create(be, BPF_MAP_TYPE_RINGBUF, 0, 0, PAGE, 0);
	char key[8] = {}, val[8] = {};
	bool ok = kt_check_ok(fd, "MAP_CREATE");

	ok = ok &&
	     /* A key for a map without keys: EINVAL before anything else. */
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, key, val, 0),
			    EINVAL, "lookup with a key") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, key, val, 0),
			    EINVAL, "update with a key") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, NULL, val, 0),
			    KT_ENOTSUPP, "lookup") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, NULL, val, 0),
			    KT_ENOTSUPP, "update") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, fd, NULL, NULL, 0),
			    KT_ENOTSUPP, "delete") &&
	     kt_check_errno(be_next_key(be, fd, NULL, key), KT_ENOTSUPP, "next_key") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, NULL,
				    val, 0), KT_ENOTSUPP, "lookup_and_delete") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, NULL, val, 1),
			    EINVAL, "lookup, flags 1") &&
	     no_batch(be, fd) &&
	     kt_check_ok(be_freeze(be, fd), "freeze") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, NULL, val, 0),
			    EPERM, "update when frozen");
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_perf_event_array(const struct kt_be *be)
{
	int fd = be_map_create(be, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 4, 0);
	__u32 key = 0, val = 0, next = 99;
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	int p[2] = { -1, -1 };

	ok = ok && kt_check_true(pipe(p) == 0, "pipe");
	val = (__u32)p[0];
	ok = ok &&
	     /* Only perf event fds (kbpf: perf buffer fds) go in. */
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &val,
				    BPF_ANY), EBADF, "update with a pipe fd") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &val,
				    BPF_NOEXIST), EINVAL, "update BPF_NOEXIST") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &val,
				    BPF_EXIST), EINVAL, "update BPF_EXIST") &&
	     (key = 4, kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key,
					      &val, BPF_ANY), E2BIG,
				      "update past max_entries")) &&
	     (key = 0, kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key,
					      &val, 0), KT_ENOTSUPP, "lookup")) &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, fd, &key, NULL, 0),
			    ENOENT, "delete empty slot") &&
	     (key = 4, kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, fd, &key,
					      NULL, 0), E2BIG,
				      "delete past max_entries")) &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &key,
				    &val, 0), KT_ENOTSUPP, "lookup_and_delete") &&
	     kt_check_ok(be_next_key(be, fd, NULL, &next), "next_key NULL") &&
	     kt_check_u64(next, 0, "first key") &&
	     (key = 3, kt_check_errno(be_next_key(be, fd, &key, &next), ENOENT,
				      "next_key after the last")) &&
	     no_batch(be, fd) &&
	     kt_check_ok(be_freeze(be, fd), "freeze") &&
	     (key = 0, kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, fd, &key,
					      NULL, 0), EPERM, "delete when frozen"));
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Map types kbpf has that Linux gives no batch commands. */
static bool c_no_batch_types(const struct kt_be *be)
{
	static const struct {
		__u32 type, key_size, value_size, flags;
	} types[] = {
		{ BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 0 },
		{ BPF_MAP_TYPE_QUEUE, 0, 4, 0 },
		{ BPF_MAP_TYPE_STACK, 0, 4, 0 },
		{ BPF_MAP_TYPE_STACK_TRACE, 4, 8, 0 },
	};
	bool ok = true;
	size_t i;
	int fd;

	for (i = 0; ok && i < KT_ARRAY_SIZE(types); i++) {
		fd = be_map_create(be, types[i].type, types[i].key_size,
				   types[i].value_size, 4, types[i].flags);
		ok = kt_check_ok(fd, "MAP_CREATE") && no_batch(be, fd);
		if (!ok)
			fprintf(stderr, "no_batch_types: map type %u\n", types[i].type);
		if (fd >= 0)
			close(fd);
	}
	return ok;
}

struct lpm_key {
	__u32 prefixlen;
	__u8 addr[4];
};

#define LPM_N	10

/*
 * LPM tries take Linux's generic lookup, update and delete batches (key
 * after key, the last key as the token; map_tests/lpm_trie_map_batch_ops.c)
 * but not lookup-and-delete.
 */
static bool c_lpm_batch(const struct kt_be *be)
{
	struct lpm_key keys[LPM_N], out_keys[LPM_N + 1], token;
	__u32 vals[LPM_N], out_vals[LPM_N + 1], count, total = 0, i, calls = 0;
	char seen[LPM_N] = {};
	int fd = be_map_create(be, BPF_MAP_TYPE_LPM_TRIE, sizeof(struct lpm_key),
			       4, 2 * LPM_N, BPF_F_NO_PREALLOC);
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	long ret;

	for (i = 0; i < LPM_N; i++) {
		keys[i] = (struct lpm_key){ 24, { 192, 168, (__u8)i, 0 } };
		vals[i] = i + 1000;
	}
	count = LPM_N;
	ok = ok && kt_check_ok(batch_io(be, BPF_MAP_UPDATE_BATCH, fd, NULL, NULL,
					keys, vals, &count), "update batch") &&
	     kt_check_u64(count, LPM_N, "updated");
	/* Three at a time, each token back in, to ENOENT at the end. */
	while (ok && calls++ <= LPM_N) {
		count = 3;
		ret = batch_io(be, BPF_MAP_LOOKUP_BATCH, fd, total ? &token : NULL,
			       &token, out_keys + total, out_vals + total, &count);
		if (ret && errno != ENOENT) {
			ok = kt_check_ok(ret, "lookup batch");
			break;
		}
		total += count;
		if (!kt_check_true(total <= LPM_N, "too many elements"))
			ok = false;
		if (ret)
			break;
	}
	ok = ok && kt_check_u64(total, LPM_N, "looked up");
	for (i = 0; ok && i < total; i++) {
		__u32 k = out_keys[i].addr[2];

		ok = kt_check_true(out_keys[i].prefixlen == 24 && k < LPM_N &&
				   !seen[k]++, "a key twice or a stranger") &&
		     kt_check_u64(out_vals[i], k + 1000, "value");
	}
	count = LPM_N;
	ok = ok && kt_check_errno(batch_io(be, BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd,
					   NULL, &token, out_keys, out_vals,
					   &count), KT_ENOTSUPP,
				  "lookup_and_delete batch") &&
	     (count = 4, kt_check_ok(batch_io(be, BPF_MAP_DELETE_BATCH, fd, NULL,
					      NULL, keys, NULL, &count),
				     "delete batch")) &&
	     kt_check_u64(count, 4, "deleted") &&
	     (count = LPM_N, kt_check_errno(batch_io(be, BPF_MAP_LOOKUP_BATCH, fd,
						     NULL, &token, out_keys,
						     out_vals, &count),
					    ENOENT, "lookup batch after")) &&
	     kt_check_u64(count, LPM_N - 4, "left") &&
	     /* Deleting a key no longer there stops the batch: ENOENT. */
	     (count = 2, kt_check_errno(batch_io(be, BPF_MAP_DELETE_BATCH, fd,
						 NULL, NULL, keys + 3, NULL,
						 &count), ENOENT,
					"delete batch of a deleted key")) &&
	     kt_check_u64(count, 0, "deleted then");
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
	linux_ok = kt_linux_bpf_usable();
	kt_dual("ringbuf_elem_cmds", c_ringbuf, linux_ok);
	kt_dual("perf_event_array_elem_cmds", c_perf_event_array, linux_ok);
	kt_dual("no_batch_types", c_no_batch_types, linux_ok);
	kt_dual("lpm_trie_batch", c_lpm_batch, linux_ok);
	return kt_done();
}
