// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_F_MMAPABLE arrays and BPF_MAP_FREEZE through the ioctl: the values
 * mapped shared from the map fd, writes either way visible the other way,
 * Linux's errnos for mappings it refuses (private, too long, writable
 * while frozen or RDONLY_PROG, a map type without mmap), and freezing
 * refused while a writable mapping exists anywhere (fork included), as in
 * Linux's prog_tests/mmap.c and test_maps.c.
 */
#include <linux/kbpf.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kt.h"

#define VALUES 1024	/* 8-byte values: two pages */

static void *map_it(int fd, size_t len, int prot, int flags, off_t off)
{
	return mmap(NULL, len, prot, flags, fd, off);
}

static void expect_mmap_errno(const char *name, int fd, size_t len, int prot,
			      int flags, off_t off, int want)
{
	void *p = map_it(fd, len, prot, flags, off);

	if (p != MAP_FAILED) {
		munmap(p, len);
		kt_fail(name, "mmap succeeded, want %s", kt_errname(want));
		return;
	}
	kt_verdict(name, kt_check_errno(-1, want, "mmap"));
}

static void t_create(void)
{
	int fd;

	fd = kt_array_create(8, VALUES, BPF_F_MMAPABLE);
	kt_expect_ok("array_mmapable", fd);
	close(fd);
	kt_expect_errno("percpu_array_mmapable",
			kt_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4,
				      BPF_F_MMAPABLE), EINVAL);
	kt_expect_errno("hash_mmapable",
			kt_map_create(BPF_MAP_TYPE_HASH, 4, 8, 4,
				      BPF_F_MMAPABLE), EINVAL);
}

static void t_data(void)
{
	size_t ps = kt_page_size(), len = 2 * ps;
	__u64 *vals, v, got;
	bool ok = true;
	__u32 k;
	int fd;

	fd = kt_array_create(8, VALUES, BPF_F_MMAPABLE);
	vals = map_it(fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (vals == MAP_FAILED) {
		kt_fail("mmap_rw", "mmap: %s", kt_errname(errno));
		close(fd);
		return;
	}
	kt_pass("mmap_rw");
	/* Zeroed at creation; then writes cross both ways. */
	for (k = 0; ok && k < VALUES; k++)
		ok = kt_check_u64(vals[k], 0, "zeroed");
	for (k = 0; ok && k < VALUES; k++) {
		vals[k] = k * 7 + 1;
		ok = kt_check_ok(kt_map_lookup(fd, &k, &got, 0), "lookup") &&
		     kt_check_u64(got, k * 7 + 1, "syscall sees mmap write");
	}
	for (k = 0; ok && k < VALUES; k += 97) {
		v = ~(__u64)k;
		ok = kt_check_ok(kt_map_update(fd, &k, &v, BPF_ANY), "update") &&
		     kt_check_u64(vals[k], v, "mmap sees syscall write");
	}
	kt_verdict("mmap_values_both_ways", ok);

	/* The second page alone, at page offset 1: values 512.. */
	{
		__u64 *second = map_it(fd, ps, PROT_READ, MAP_SHARED, ps);

		kt_verdict("mmap_second_page",
			   kt_check_true(second != MAP_FAILED, "mmap") &&
			   kt_check_u64(second[0], vals[ps / 8], "value 512"));
		if (second != MAP_FAILED)
			munmap(second, ps);
	}
	munmap(vals, len);

	expect_mmap_errno("mmap_too_long", fd, 3 * ps, PROT_READ, MAP_SHARED, 0,
			  EINVAL);
	expect_mmap_errno("mmap_offset_past_end", fd, ps, PROT_READ, MAP_SHARED,
			  2 * ps, EINVAL);
	expect_mmap_errno("mmap_private", fd, ps, PROT_READ, MAP_PRIVATE, 0,
			  EINVAL);
	close(fd);
}

static void t_refused(void)
{
	size_t ps = kt_page_size();
	int fd, ro;
	void *p;

	fd = kt_array_create(8, VALUES, 0);
	expect_mmap_errno("mmap_not_mmapable", fd, ps, PROT_READ, MAP_SHARED, 0,
			  EINVAL);
	close(fd);
	fd = kt_map_create(BPF_MAP_TYPE_HASH, 4, 8, 4, 0);
	expect_mmap_errno("mmap_hash", fd, ps, PROT_READ, MAP_SHARED, 0,
			  KT_ENOTSUPP);
	close(fd);

	/* Programs may not see the values change: no writable mapping. */
	fd = kt_array_create(8, VALUES, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	expect_mmap_errno("mmap_rdonly_prog_rw", fd, ps, PROT_READ | PROT_WRITE,
			  MAP_SHARED, 0, EACCES);
	p = map_it(fd, ps, PROT_READ, MAP_SHARED, 0);
	kt_verdict("mmap_rdonly_prog_ro", kt_check_true(p != MAP_FAILED, "mmap"));
	/* A read-only mapping can never become writable. */
	if (p != MAP_FAILED) {
		kt_expect_errno("mprotect_ro_to_rw",
				mprotect(p, ps, PROT_READ | PROT_WRITE), EACCES);
		munmap(p, ps);
	}
	close(fd);

	/*
	 * An fd opened read-only cannot map writable (the VFS says EACCES),
	 * and its shared mappings are not VM_SHARED (the VFS drops it for
	 * files without write access), which Linux answers with EINVAL.
	 */
	fd = kt_array_create(8, VALUES, BPF_F_MMAPABLE);
	ro = kt_map_fd_by_id(kt_map_id(fd), BPF_F_RDONLY);
	expect_mmap_errno("mmap_rdonly_fd_rw", ro, ps, PROT_READ | PROT_WRITE,
			  MAP_SHARED, 0, EACCES);
	expect_mmap_errno("mmap_rdonly_fd_ro", ro, ps, PROT_READ, MAP_SHARED, 0,
			  EINVAL);
	close(ro);
	close(fd);
}

static void t_freeze_mmap(void)
{
	size_t ps = kt_page_size();
	__u64 *rw, *r;
	int fd, pipefd[2], status;
	pid_t pid;
	char c = 0;

	fd = kt_array_create(8, VALUES, BPF_F_MMAPABLE);
	rw = map_it(fd, ps, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	r = map_it(fd, ps, PROT_READ, MAP_SHARED, 0);
	if (rw == MAP_FAILED || r == MAP_FAILED) {
		kt_fail("freeze_mmap_setup", "mmap: %s", kt_errname(errno));
		close(fd);
		return;
	}
	/* A writable mapping blocks the freeze, a read-only one does not. */
	kt_expect_errno("freeze_with_writable_mmap", kt_map_freeze(fd), EBUSY);

	/* A forked copy of the writable mapping blocks it too. */
	rw[0] = 42;
	if (pipe(pipefd)) {
		kt_fail("freeze_fork_setup", "pipe: %s", kt_errname(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) < 0)
			_exit(1);
		_exit(rw[0] == 42 ? 0 : 2);
	}
	close(pipefd[0]);
	munmap(rw, ps);
	kt_expect_errno("freeze_with_forked_writable_mmap", kt_map_freeze(fd),
			EBUSY);
	close(pipefd[1]);
	waitpid(pid, &status, 0);
	kt_verdict("forked_mapping_shared",
		   kt_check_true(WIFEXITED(status) && !WEXITSTATUS(status),
				 "child saw 42") &&
		   kt_check_u64(r[0], 42, "read-only view"));
	kt_expect_ok("freeze_after_unmap", kt_map_freeze(fd));
	kt_expect_errno("freeze_twice", kt_map_freeze(fd), EBUSY);

	/* Frozen: no writable mapping, read-only ones still fine. */
	expect_mmap_errno("mmap_frozen_rw", fd, ps, PROT_READ | PROT_WRITE,
			  MAP_SHARED, 0, EPERM);
	{
		void *p = map_it(fd, ps, PROT_READ, MAP_SHARED, 0);

		kt_verdict("mmap_frozen_ro", kt_check_true(p != MAP_FAILED,
							   "mmap"));
		if (p != MAP_FAILED)
			munmap(p, ps);
	}
	munmap(r, ps);
	close(fd);
}

/* Every map type: once frozen, the syscall side reads but never writes. */
static void t_freeze_types(void)
{
	static const struct {
		__u32 type, key_size;
		const char *name;
	} types[] = {
		{ BPF_MAP_TYPE_ARRAY, 4, "array" },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, 4, "percpu_array" },
		{ BPF_MAP_TYPE_HASH, 4, "hash" },
		{ BPF_MAP_TYPE_PERCPU_HASH, 4, "percpu_hash" },
		{ BPF_MAP_TYPE_LRU_HASH, 4, "lru_hash" },
		{ BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, "lru_percpu_hash" },
	};
	static __u64 val[64 * 8];
	__u32 key = 1, next;
	char t[96];
	size_t i;
	int fd;

	for (i = 0; i < KT_ARRAY_SIZE(types); i++) {
		fd = kt_map_create(types[i].type, types[i].key_size, 8, 8, 0);
		kt_map_update(fd, &key, val, BPF_ANY);
		snprintf(t, sizeof(t), "freeze_%s", types[i].name);
		kt_expect_ok(t, kt_map_freeze(fd));
		snprintf(t, sizeof(t), "freeze_%s_twice", types[i].name);
		kt_expect_errno(t, kt_map_freeze(fd), EBUSY);
		snprintf(t, sizeof(t), "frozen_%s_update", types[i].name);
		kt_expect_errno(t, kt_map_update(fd, &key, val, BPF_ANY), EPERM);
		snprintf(t, sizeof(t), "frozen_%s_delete", types[i].name);
		kt_expect_errno(t, kt_map_delete(fd, &key), EPERM);
		snprintf(t, sizeof(t), "frozen_%s_lookup_and_delete",
			 types[i].name);
		kt_expect_errno(t, kt_map_lookup_and_delete(fd, &key, val, 0),
				EPERM);
		snprintf(t, sizeof(t), "frozen_%s_lookup", types[i].name);
		kt_expect_ok(t, kt_map_lookup(fd, &key, val, 0));
		snprintf(t, sizeof(t), "frozen_%s_next_key", types[i].name);
		kt_expect_ok(t, kt_map_next_key(fd, NULL, &next));
		close(fd);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	t_create();
	t_data();
	t_refused();
	t_freeze_mmap();
	t_freeze_types();
	return kt_done();
}
