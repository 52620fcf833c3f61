// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_RINGBUF through the ioctl and the map fd: creation checks,
 * ENOTSUPP for every element command, the mmap layout libbpf's consumer
 * uses (consumer page writable alone; producer page and data read-only,
 * the data twice), poll and epoll readiness, and freezing refused while
 * the consumer page is mapped writable (Linux's prog_tests/ringbuf.c).
 *
 * Records are produced by programs, which cannot be loaded yet: the host
 * tests (tests/host/test_ringbuf.c) drive the producer side against a
 * consumer reading this same layout.
 */
#include <linux/kbpf.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include "kt.h"

#define RB 16384

static void expect_create(const char *name, __u32 key_size, __u32 value_size,
			  __u32 max_entries, __u32 flags, int want)
{
	int fd = kt_map_create(BPF_MAP_TYPE_RINGBUF, key_size, value_size,
			       max_entries, flags);

	if (want)
		kt_expect_errno(name, fd, want);
	else
		kt_expect_ok(name, fd);
	if (fd >= 0)
		close(fd);
}

static void t_create(void)
{
	size_t ps = kt_page_size();

	expect_create("create", 0, 0, RB, 0, 0);
	expect_create("create_one_page", 0, 0, ps, 0, 0);
	expect_create("create_numa_node", 0, 0, RB, BPF_F_NUMA_NODE, 0);
	expect_create("create_key_size", 4, 0, RB, 0, EINVAL);
	expect_create("create_value_size", 0, 4, RB, 0, EINVAL);
	expect_create("create_max_entries_0", 0, 0, 0, 0, EINVAL);
	expect_create("create_not_power_of_2", 0, 0, 3 * ps, 0, EINVAL);
	expect_create("create_not_page_multiple", 0, 0, ps / 2, 0, EINVAL);
	expect_create("create_flag_mmapable", 0, 0, RB, BPF_F_MMAPABLE, EINVAL);
	expect_create("create_flag_no_prealloc", 0, 0, RB, BPF_F_NO_PREALLOC,
		      EINVAL);
	expect_create("create_flag_rdonly_prog", 0, 0, RB, BPF_F_RDONLY_PROG,
		      EINVAL);
}

static void t_elem_cmds(void)
{
	int fd = kt_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB, 0);
	char key[8] = {}, val[8] = {};
	union bpf_attr attr;

	/* A key pointer for a map without keys is EINVAL first, as in Linux. */
	kt_expect_errno("lookup_with_key", kt_map_lookup(fd, key, val, 0), EINVAL);
	kt_expect_errno("lookup", kt_map_lookup(fd, NULL, val, 0), KT_ENOTSUPP);
	kt_expect_errno("update", kt_map_update(fd, NULL, val, 0), KT_ENOTSUPP);
	kt_expect_errno("delete", kt_map_delete(fd, NULL), KT_ENOTSUPP);
	kt_expect_errno("next_key", kt_map_next_key(fd, NULL, key), KT_ENOTSUPP);
	kt_expect_errno("lookup_and_delete",
			kt_map_lookup_and_delete(fd, NULL, val, 0), KT_ENOTSUPP);
	kt_attr_zero(&attr);
	attr.batch.map_fd = fd;
	attr.batch.keys = kt_ptr(key);
	attr.batch.values = kt_ptr(val);
	attr.batch.count = 1;
	kt_expect_errno("lookup_batch", kt_bpf(BPF_MAP_LOOKUP_BATCH, &attr),
			KT_ENOTSUPP);
	close(fd);
}

static void expect_mmap_errno(const char *name, int fd, size_t len, int prot,
			      int flags, off_t off, int want)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p != MAP_FAILED) {
		munmap(p, len);
		kt_fail(name, "mmap succeeded, want %s", kt_errname(want));
		return;
	}
	kt_verdict(name, kt_check_errno(-1, want, "mmap"));
}

static void t_mmap(void)
{
	size_t ps = kt_page_size();
	size_t ro_len = ps + 2 * RB;
	unsigned long *cons, *prod;
	unsigned char *data;
	bool ok = true;
	size_t i;
	int fd;

	fd = kt_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB, 0);
	/* libbpf's layout: the consumer page writable... */
	cons = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* ...the producer page and the data (twice) read-only. */
	prod = mmap(NULL, ro_len, PROT_READ, MAP_SHARED, fd, ps);
	if (cons == MAP_FAILED || prod == MAP_FAILED) {
		kt_fail("mmap_layout", "mmap: %s", kt_errname(errno));
		close(fd);
		return;
	}
	data = (unsigned char *)prod + ps;
	ok = kt_check_u64(*cons, 0, "consumer_pos") &&
	     kt_check_u64(*prod, 0, "producer_pos");
	for (i = 0; ok && i < 2 * RB; i += 512)
		ok = kt_check_u64(data[i], 0, "data zeroed");
	*cons = 0;	/* the consumer page is the consumer's to write */
	kt_verdict("mmap_layout", ok);

	/* Nothing to read: poll and epoll say not ready. */
	{
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct epoll_event ev = { .events = EPOLLIN }, out;
		int ep = epoll_create1(EPOLL_CLOEXEC);

		kt_verdict("poll_empty",
			   kt_check_u64(poll(&pfd, 1, 0), 0, "poll") &&
			   kt_check_u64(pfd.revents, 0, "revents"));
		kt_expect_ok("epoll_ctl_add", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
		kt_verdict("epoll_empty",
			   kt_check_u64(epoll_wait(ep, &out, 1, 10), 0, "events"));
		close(ep);
	}

	/* A writable consumer mapping keeps the map from being frozen. */
	kt_expect_errno("freeze_with_consumer_mapped", kt_map_freeze(fd), EBUSY);
	/* The read-only part cannot be made writable. */
	kt_expect_errno("mprotect_data_rw",
			mprotect(prod, ps, PROT_READ | PROT_WRITE), EACCES);

	expect_mmap_errno("mmap_rw_two_pages", fd, 2 * ps,
			  PROT_READ | PROT_WRITE, MAP_SHARED, 0, EPERM);
	expect_mmap_errno("mmap_rw_producer", fd, ps, PROT_READ | PROT_WRITE,
			  MAP_SHARED, ps, EPERM);
	expect_mmap_errno("mmap_rw_data", fd, ps, PROT_READ | PROT_WRITE,
			  MAP_SHARED, 2 * ps, EPERM);
	expect_mmap_errno("mmap_too_long", fd, ro_len + ps, PROT_READ,
			  MAP_SHARED, ps, EINVAL);
	expect_mmap_errno("mmap_private", fd, ps, PROT_READ, MAP_PRIVATE, 0,
			  EINVAL);
	munmap(cons, ps);
	munmap(prod, ro_len);
	/* Unmapped: the freeze goes through (and a second one is EBUSY). */
	kt_expect_ok("freeze_after_unmap", kt_map_freeze(fd));
	expect_mmap_errno("mmap_frozen_rw", fd, ps, PROT_READ | PROT_WRITE,
			  MAP_SHARED, 0, EPERM);
	close(fd);
}

/* Maps without a poll of their own report EPOLLERR, as Linux's do. */
static void t_poll_other_maps(void)
{
	int fd = kt_array_create(8, 4, 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	kt_verdict("poll_array_err",
		   kt_check_u64(poll(&pfd, 1, 0), 1, "poll") &&
		   kt_check_u64(pfd.revents, POLLERR, "revents"));
	close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	t_create();
	t_elem_cmds();
	t_mmap();
	t_poll_other_maps();
	return kt_done();
}
