// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK through the ioctl: creation
 * rules, every element command with every flag (push = UPDATE_ELEM with no
 * key, peek = LOOKUP_ELEM, pop = LOOKUP_AND_DELETE_ELEM), fd modes, freeze,
 * faults, a random run against a model and processes pushing and popping
 * at once. Every case runs on kbpf and again on Linux's bpf(2) (kt_dual.h),
 * which shows the expected errnos are Linux's; test_queuemap() and
 * test_stackmap() in tools/testing/selftests/bpf/test_maps.c expect the
 * same behaviour.
 */
#include <sys/wait.h>

#include "kt_dual.h"

#define KMALLOC_MAX (4UL << 20)	/* x86-64's KMALLOC_MAX_SIZE */
#define QS_SIZE 32

static __u32 cur_type;	/* the type the cases below run on */

static bool is_stack(void)
{
	return cur_type == BPF_MAP_TYPE_STACK;
}

static int qs_create(const struct kt_be *be, __u32 value_size, __u32 max,
		     __u32 flags)
{
	return be_map_create(be, cur_type, 0, value_size, max, flags);
}

static long push(const struct kt_be *be, int fd, const void *v, __u64 flags)
{
	return be_elem(be, BPF_MAP_UPDATE_ELEM, fd, NULL, (void *)v, flags);
}

static long peek(const struct kt_be *be, int fd, void *v)
{
	return be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, NULL, v, 0);
}

static long pop(const struct kt_be *be, int fd, void *v)
{
	return be_elem(be, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, NULL, v, 0);
}

/* A create that must fail with err (closing the fd if it did not). */
static bool create_fails(const struct kt_be *be, __u32 key_size,
			 __u32 value_size, __u32 max, __u32 flags, int err,
			 const char *what)
{
	int fd = be_map_create(be, cur_type, key_size, value_size, max, flags);

	if (fd >= 0)
		close(fd);
	return kt_check_errno(fd, err, what);
}

static bool create_works(const struct kt_be *be, __u32 value_size, __u32 max,
			 __u32 flags, const char *what)
{
	int fd = qs_create(be, value_size, max, flags);

	if (fd >= 0)
		close(fd);
	return kt_check_ok(fd, what);
}

static bool c_create_rules(const struct kt_be *be)
{
	return create_works(be, 4, 1, 0, "plain") &&
	       create_works(be, 4, 1, BPF_F_NUMA_NODE, "numa node 0") &&
	       create_works(be, 4, 1, BPF_F_RDONLY_PROG, "rdonly_prog") &&
	       create_works(be, 4, 1, BPF_F_WRONLY_PROG, "wronly_prog") &&
	       create_works(be, KMALLOC_MAX, 1, 0, "KMALLOC_MAX_SIZE value") &&
	       create_fails(be, 4, 4, 1, 0, EINVAL, "key_size 4") &&
	       create_fails(be, 0, 0, 1, 0, EINVAL, "value_size 0") &&
	       create_fails(be, 0, 4, 0, 0, EINVAL, "max_entries 0") &&
	       create_fails(be, 0, 4, 1, BPF_F_NO_PREALLOC, EINVAL, "no_prealloc") &&
	       create_fails(be, 0, 4, 1, BPF_F_MMAPABLE, EINVAL, "mmapable") &&
	       create_fails(be, 0, 4, 1, BPF_F_ZERO_SEED, EINVAL, "zero_seed") &&
	       create_fails(be, 0, 4, 1, BPF_F_NO_COMMON_LRU, EINVAL, "no_common_lru") &&
	       create_fails(be, 0, 4, 1, BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG,
			    EINVAL, "rdonly_prog|wronly_prog") &&
	       create_fails(be, 0, 4, 1, BPF_F_RDONLY | BPF_F_WRONLY, EINVAL,
			    "rdonly|wronly") &&
	       create_fails(be, 0, KMALLOC_MAX + 1, 1, 0, E2BIG,
			    "value_size KMALLOC_MAX_SIZE + 1") &&
	       create_fails(be, 0, KMALLOC_MAX, 4096, 0, ENOMEM, "16 GiB");
}

/* test_maps.c's sequence: fill, overflow, replace half, drain in order. */
static bool c_sequence(const struct kt_be *be)
{
	__u32 vals[QS_SIZE + QS_SIZE / 2], val = 0, i, want;
	int fd = qs_create(be, 4, QS_SIZE, 0);
	bool ok = kt_check_ok(fd, "MAP_CREATE");

	for (i = 0; i < QS_SIZE + QS_SIZE / 2; i++)
		vals[i] = 0x1000 + i * 7;
	ok = ok && kt_check_errno(peek(be, fd, &val), ENOENT, "peek empty") &&
	     kt_check_errno(pop(be, fd, &val), ENOENT, "pop empty");
	for (i = 0; ok && i < QS_SIZE; i++)
		ok = kt_check_ok(push(be, fd, &vals[i], 0), "push");
	ok = ok && kt_check_errno(push(be, fd, &val, 0), E2BIG, "push when full") &&
	     kt_check_ok(peek(be, fd, &val), "peek") &&
	     kt_check_u64(val, is_stack() ? vals[QS_SIZE - 1] : vals[0], "peeked");
	for (i = QS_SIZE; ok && i < QS_SIZE + QS_SIZE / 2; i++)
		ok = kt_check_ok(push(be, fd, &vals[i], BPF_EXIST),
				 "push BPF_EXIST when full");
	/* The oldest half went; the rest come out oldest first or newest first. */
	for (i = 0; ok && i < QS_SIZE; i++) {
		want = is_stack() ? vals[QS_SIZE + QS_SIZE / 2 - 1 - i] :
				    vals[QS_SIZE / 2 + i];
		ok = kt_check_ok(pop(be, fd, &val), "pop") &&
		     kt_check_u64(val, want, "popped");
	}
	ok = ok && kt_check_errno(pop(be, fd, &val), ENOENT, "pop drained");
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_key_must_be_null(const struct kt_be *be)
{
	int fd = qs_create(be, 4, 4, 0);
	__u32 key = 0, val = 1, next;
	bool ok;

	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_ok(push(be, fd, &val, 0), "push") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &val, 0),
			    EINVAL, "update with a key") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, &val, 0),
			    EINVAL, "lookup with a key") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &key,
				    &val, 0), EINVAL, "lookup_and_delete with a key") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, fd, &key, NULL, 0),
			    EINVAL, "delete with a key") &&
	     kt_check_errno(be_next_key(be, fd, &key, &next), EINVAL,
			    "get_next_key with a key") &&
	     /* None of that touched the element. */
	     kt_check_ok(pop(be, fd, &val), "pop") && kt_check_u64(val, 1, "popped");
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_unsupported(const struct kt_be *be)
{
	int fd = qs_create(be, 4, 4, 0);
	__u32 next;
	bool ok;

	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, fd, NULL, NULL, 0),
			    EINVAL, "delete") &&
	     kt_check_errno(be_next_key(be, fd, NULL, &next), EINVAL,
			    "get_next_key") &&
	     kt_check_errno(be_next_key(be, fd, NULL, NULL), EINVAL,
			    "get_next_key, no buffer");
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_flags(const struct kt_be *be)
{
	int fd = qs_create(be, 4, 2, 0);
	__u32 val = 5;
	bool ok;

	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_errno(push(be, fd, &val, BPF_NOEXIST), EINVAL, "push NOEXIST") &&
	     kt_check_errno(push(be, fd, &val, BPF_NOEXIST | BPF_EXIST), EINVAL,
			    "push flags 3") &&
	     kt_check_errno(push(be, fd, &val, BPF_F_LOCK), EINVAL, "push F_LOCK") &&
	     kt_check_errno(push(be, fd, &val, 1ULL << 40), EINVAL, "push flag bit 40") &&
	     kt_check_ok(push(be, fd, &val, BPF_ANY), "push ANY") &&
	     kt_check_ok(push(be, fd, &val, BPF_EXIST), "push EXIST, room left") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, NULL, &val,
				    BPF_F_LOCK), EINVAL, "peek F_LOCK") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, NULL, &val, 8),
			    EINVAL, "peek flag 8") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, NULL,
				    &val, BPF_F_LOCK), EINVAL, "pop F_LOCK") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, NULL,
				    &val, BPF_EXIST), EINVAL, "pop EXIST") &&
	     kt_check_ok(pop(be, fd, &val), "pop") &&
	     kt_check_ok(pop(be, fd, &val), "pop again") &&
	     kt_check_errno(pop(be, fd, &val), ENOENT, "pop empty");
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_fd_modes_and_freeze(const struct kt_be *be)
{
	int ro = qs_create(be, 4, 2, BPF_F_RDONLY);
	int wo = qs_create(be, 4, 2, BPF_F_WRONLY);
	int fz = qs_create(be, 4, 2, 0);
	__u32 val = 9;
	bool ok;

	ok = kt_check_ok(ro, "create rdonly") && kt_check_ok(wo, "create wronly") &&
	     kt_check_ok(fz, "create") &&
	     kt_check_errno(push(be, ro, &val, 0), EPERM, "push on rdonly") &&
	     kt_check_errno(pop(be, ro, &val), EPERM, "pop on rdonly") &&
	     kt_check_errno(peek(be, ro, &val), ENOENT, "peek on rdonly") &&
	     kt_check_ok(push(be, wo, &val, 0), "push on wronly") &&
	     kt_check_errno(peek(be, wo, &val), EPERM, "peek on wronly") &&
	     kt_check_errno(pop(be, wo, &val), EPERM, "pop on wronly") &&
	     kt_check_ok(push(be, fz, &val, 0), "push") &&
	     kt_check_ok(be_freeze(be, fz), "freeze") &&
	     kt_check_errno(push(be, fz, &val, 0), EPERM, "push when frozen") &&
	     kt_check_errno(pop(be, fz, &val), EPERM, "pop when frozen") &&
	     kt_check_ok(peek(be, fz, &val), "peek when frozen") &&
	     kt_check_u64(val, 9, "peeked");
	if (ro >= 0)
		close(ro);
	if (wo >= 0)
		close(wo);
	if (fz >= 0)
		close(fz);
	return ok;
}

/* A pop whose copy to userspace faults has still taken the value: Linux's. */
static bool c_faults(const struct kt_be *be)
{
	void *bad = (void *)8;
	int fd = qs_create(be, 4, 2, 0);
	__u32 val = 3;
	bool ok;

	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_errno(push(be, fd, bad, 0), EFAULT, "push from a bad pointer") &&
	     kt_check_errno(peek(be, fd, &val), ENOENT, "nothing pushed") &&
	     kt_check_ok(push(be, fd, &val, 0), "push") &&
	     kt_check_errno(peek(be, fd, bad), EFAULT, "peek into a bad pointer") &&
	     kt_check_errno(pop(be, fd, bad), EFAULT, "pop into a bad pointer") &&
	     kt_check_errno(pop(be, fd, &val), ENOENT, "the value went");
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Odd and large value sizes come back byte for byte. */
static bool c_value_sizes(const struct kt_be *be)
{
	static const __u32 sizes[] = { 1, 3, 13, 4096, 65536 };
	static unsigned char in[65536], out[65536];
	bool ok = true;
	unsigned int i, j;

	for (i = 0; ok && i < KT_ARRAY_SIZE(sizes); i++) {
		int fd = qs_create(be, sizes[i], 2, 0);

		for (j = 0; j < sizes[i]; j++)
			in[j] = (unsigned char)(j * 31 + i);
		memset(out, 0xa5, sizes[i]);
		ok = kt_check_ok(fd, "MAP_CREATE") &&
		     kt_check_ok(push(be, fd, in, 0), "push") &&
		     kt_check_ok(pop(be, fd, out), "pop") &&
		     kt_check_mem(out, in, sizes[i], "value");
		if (fd >= 0)
			close(fd);
	}
	return ok;
}

/* A fixed-seed random run against a deque model. */
static bool c_random_model(const struct kt_be *be)
{
	__u64 model[16], v, got;
	unsigned int seed = 4242, n = 0, i, max = 16;
	int fd = qs_create(be, 8, max, 0);
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	long ret;

	for (i = 0; ok && i < 3000; i++) {
		int op = rand_r(&seed) % 6;

		v = (__u64)rand_r(&seed) << 20 | i;
		if (op < 2 || op == 2) {
			__u64 flags = op == 2 ? BPF_EXIST : 0;

			ret = push(be, fd, &v, flags);
			if (n == max && !flags) {
				ok = kt_check_errno(ret, E2BIG, "push when full");
				continue;
			}
			ok = kt_check_ok(ret, "push");
			if (n == max) {
				memmove(model, model + 1, (n - 1) * sizeof(v));
				n--;
			}
			model[n++] = v;
		} else {
			bool del = op != 5;

			ret = del ? pop(be, fd, &got) : peek(be, fd, &got);
			if (!n) {
				ok = kt_check_errno(ret, ENOENT, "pop/peek empty");
				continue;
			}
			ok = kt_check_ok(ret, "pop/peek") &&
			     kt_check_u64(got, is_stack() ? model[n - 1] : model[0],
					  "value");
			if (!del)
				continue;
			if (!is_stack())
				memmove(model, model + 1, (n - 1) * sizeof(v));
			n--;
		}
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

#define PROCS 3
#define PER_PROC 3000

/* Processes push unique values and pop; every value comes out once. */
static bool c_processes(const struct kt_be *be)
{
	unsigned char *seen;
	int fd = qs_create(be, 8, 64, 0), p, status;
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	__u64 v;
	pid_t pids[PROCS];

	seen = mmap(NULL, PROCS * PER_PROC, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seen == MAP_FAILED)
		return kt_whyf("mmap failed");
	for (p = 0; ok && p < PROCS; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			unsigned int seed = p + 1, seq = 0;

			while (seq < PER_PROC) {
				if (rand_r(&seed) & 1) {
					v = (__u64)p << 32 | seq;
					if (push(be, fd, &v, 0) == 0)
						seq++;
					else if (errno != E2BIG)
						_exit(2);
				} else if (pop(be, fd, &v) == 0) {
					__sync_fetch_and_add(&seen[(v >> 32) * PER_PROC +
								   (__u32)v], 1);
				} else if (errno != ENOENT) {
					_exit(3);
				}
			}
			_exit(0);
		}
	}
	for (p = 0; p < PROCS; p++) {
		if (waitpid(pids[p], &status, 0) != pids[p] || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			ok = ok && kt_whyf("process %d failed (status %#x)", p, status);
	}
	while (ok && pop(be, fd, &v) == 0) {
		if ((v >> 32) >= PROCS || (__u32)v >= PER_PROC) {
			ok = kt_whyf("value %#llx was never pushed",
				     (unsigned long long)v);
			break;
		}
		seen[(v >> 32) * PER_PROC + (__u32)v]++;
	}
	for (p = 0; ok && p < PROCS * PER_PROC; p++)
		if (seen[p] != 1)
			ok = kt_whyf("value %d came out %d times", p, seen[p]);
	munmap(seen, PROCS * PER_PROC);
	if (fd >= 0)
		close(fd);
	return ok;
}

static const struct {
	const char *name;
	bool (*fn)(const struct kt_be *be);
} cases[] = {
	{ "create_rules", c_create_rules },
	{ "test_maps_sequence", c_sequence },
	{ "key_must_be_null", c_key_must_be_null },
	{ "delete_and_next_key_refused", c_unsupported },
	{ "flags", c_flags },
	{ "fd_modes_and_freeze", c_fd_modes_and_freeze },
	{ "faults", c_faults },
	{ "value_sizes", c_value_sizes },
	{ "random_against_model", c_random_model },
	{ "processes_lose_nothing", c_processes },
};

int main(int argc, char **argv)
{
	static const __u32 types[] = { BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK };
	static const char *const names[] = { "queue", "stack" };
	bool linux_ok;
	unsigned int t, i;
	char name[96];

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	linux_ok = kt_linux_bpf_usable();
	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		cur_type = types[t];
		for (i = 0; i < KT_ARRAY_SIZE(cases); i++) {
			snprintf(name, sizeof(name), "%s_%s", names[t], cases[i].name);
			kt_dual(name, cases[i].fn, linux_ok);
		}
	}
	return kt_done();
}
