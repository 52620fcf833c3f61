// SPDX-License-Identifier: GPL-2.0
/*
 * Object ids: walking them with {MAP,PROG}_GET_NEXT_ID, turning them back
 * into fds with {MAP,PROG}_GET_FD_BY_ID, and how ids are handed out.
 */
#include <fcntl.h>

#include <linux/kbpf.h>

#include "kt.h"

/* More ids than any test guest will ever have live: a bound, not a guess. */
#define WALK_LIMIT 100000

/* Walk MAP_GET_NEXT_ID from 0; true if id was seen, ids strictly increasing. */
static bool walk_finds(__u32 id, bool *found)
{
	__u32 cur = 0, next;
	int i;

	*found = false;
	for (i = 0; i < WALK_LIMIT; i++) {
		next = 0;
		if (kt_next_id(BPF_MAP_GET_NEXT_ID, cur, &next)) {
			if (errno == ENOENT)
				return true;
			return kt_check_errno(-1, ENOENT, "end of the id walk");
		}
		if (next <= cur)
			return kt_whyf("MAP_GET_NEXT_ID(%u) went back to %u", cur,
				       next);
		if (next == id)
			*found = true;
		cur = next;
	}
	return kt_whyf("id walk did not end after %d ids", WALK_LIMIT);
}

static void t_next_id(void)
{
	__u32 id, next = 0;
	bool ok, found;
	int fd;

	fd = kt_array_create(8, 1, 0);
	id = fd < 0 ? 0 : kt_map_id(fd);
	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_true(id != 0, "OBJ_GET_INFO_BY_FD gave no id") &&
	     walk_finds(id, &found) &&
	     kt_check_true(found, "the map's id is not in the MAP_GET_NEXT_ID walk");
	kt_verdict("next_id_walk_finds_map", ok);

	/* Nothing lies between id - 1 and id. */
	ok = kt_check_ok(kt_next_id(BPF_MAP_GET_NEXT_ID, id - 1, &next),
			 "MAP_GET_NEXT_ID(id - 1)") &&
	     kt_check_u64(next, id, "next id");
	kt_verdict("next_id_from_previous", ok);
	if (fd >= 0)
		close(fd);

	/* Once the last fd is gone the id leaves the walk at once. */
	ok = walk_finds(id, &found) &&
	     kt_check_true(!found, "closed map's id still in the walk");
	kt_verdict("next_id_after_close", ok);
}

static void t_next_id_bad_start(void)
{
	__u32 next;

	/* Ids are positive ints: a start at INT_MAX or beyond is nonsense. */
	kt_expect_errno("next_id_start_int_max",
			kt_next_id(BPF_MAP_GET_NEXT_ID, 0x7fffffff, &next), EINVAL);
	kt_expect_errno("next_id_start_u32_max",
			kt_next_id(BPF_MAP_GET_NEXT_ID, 0xffffffff, &next), EINVAL);
	kt_expect_errno("prog_next_id_start_int_max",
			kt_next_id(BPF_PROG_GET_NEXT_ID, 0x7fffffff, &next), EINVAL);
}

/* Ids come from a cyclic allocator: a freed id is not handed out again soon. */
static void t_cyclic(void)
{
	__u32 a = 0, b = 0;
	int fd;
	bool ok;

	fd = kt_array_create(8, 1, 0);
	if (fd >= 0) {
		a = kt_map_id(fd);
		close(fd);
	}
	ok = kt_check_ok(fd, "first MAP_CREATE");
	fd = kt_array_create(8, 1, 0);
	if (fd >= 0)
		b = kt_map_id(fd);
	ok = ok && kt_check_ok(fd, "second MAP_CREATE") &&
	     kt_check_true(a && b, "no id from OBJ_GET_INFO_BY_FD") &&
	     (b > a || kt_whyf("second id %u is not above the first %u", b, a));
	kt_verdict("ids_cyclic", ok);
	if (fd >= 0)
		close(fd);
}

static void t_fd_by_id(void)
{
	__u64 in = 0xabcdef, out = 0;
	__u32 id, key = 0;
	int fd, fd2, ro, wo;
	bool ok;

	fd = kt_array_create(sizeof(in), 1, 0);
	id = fd < 0 ? 0 : kt_map_id(fd);
	if (fd < 0 || !id) {
		kt_fail("fd_by_id_setup", "MAP_CREATE/OBJ_GET_INFO_BY_FD: %s",
			kt_errname(errno));
		return;
	}

	fd2 = kt_map_fd_by_id(id, 0);
	ok = kt_check_ok(fd2, "MAP_GET_FD_BY_ID") &&
	     kt_check_true(fd2 != fd, "same fd number returned") &&
	     kt_check_u64(kt_map_id(fd2), id, "id behind the new fd") &&
	     kt_check_u64(fcntl(fd2, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC,
			  "FD_CLOEXEC on the new fd") &&
	     kt_check_u64(fcntl(fd2, F_GETFL) & O_ACCMODE, O_RDWR,
			  "access mode of the new fd") &&
	     /* The same map, not a copy. */
	     kt_check_ok(kt_map_update(fd, &key, &in, BPF_ANY), "update via first fd") &&
	     kt_check_ok(kt_map_lookup(fd2, &key, &out, 0), "lookup via second fd") &&
	     kt_check_u64(out, in, "value seen through the second fd");
	kt_verdict("fd_by_id", ok);

	ro = kt_map_fd_by_id(id, BPF_F_RDONLY);
	ok = kt_check_ok(ro, "MAP_GET_FD_BY_ID BPF_F_RDONLY") &&
	     kt_check_u64(fcntl(ro, F_GETFL) & O_ACCMODE, O_RDONLY, "access mode") &&
	     kt_check_errno(kt_map_update(ro, &key, &in, BPF_ANY), EPERM, "update") &&
	     kt_check_ok(kt_map_lookup(ro, &key, &out, 0), "lookup");
	kt_verdict("fd_by_id_rdonly", ok);

	wo = kt_map_fd_by_id(id, BPF_F_WRONLY);
	ok = kt_check_ok(wo, "MAP_GET_FD_BY_ID BPF_F_WRONLY") &&
	     kt_check_u64(fcntl(wo, F_GETFL) & O_ACCMODE, O_WRONLY, "access mode") &&
	     kt_check_errno(kt_map_lookup(wo, &key, &out, 0), EPERM, "lookup") &&
	     kt_check_ok(kt_map_update(wo, &key, &in, BPF_ANY), "update");
	kt_verdict("fd_by_id_wronly", ok);

	kt_expect_errno("fd_by_id_rdonly_wronly",
			kt_map_fd_by_id(id, BPF_F_RDONLY | BPF_F_WRONLY), EINVAL);
	kt_expect_errno("fd_by_id_flags_0x10000", kt_map_fd_by_id(id, 0x10000),
			EINVAL);
	/* open_flags, not map_flags: BPF_F_RDONLY_PROG is not an open flag. */
	kt_expect_errno("fd_by_id_flags_rdonly_prog",
			kt_map_fd_by_id(id, BPF_F_RDONLY_PROG), EINVAL);

	/* Any one fd keeps the map, and so its id, alive. */
	close(fd);
	if (ro >= 0)
		close(ro);
	if (wo >= 0)
		close(wo);
	fd = kt_map_fd_by_id(id, 0);
	kt_expect_ok("fd_by_id_alive_through_other_fd", fd);
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);

	/* The last fd is gone: the map is, and its id with it. */
	fd = kt_map_fd_by_id(id, 0);
	kt_expect_errno("fd_by_id_after_close", fd, ENOENT);
	if (fd >= 0)
		close(fd);
}

static void t_fd_by_id_missing(void)
{
	kt_expect_errno("fd_by_id_zero", kt_map_fd_by_id(0, 0), ENOENT);
	kt_expect_errno("fd_by_id_int_max", kt_map_fd_by_id(0x7fffffff, 0), ENOENT);
}

/* No test before this one leaves a program loaded: there are none to find. */
static void t_prog_ids(void)
{
	union bpf_attr attr;
	__u32 next = 0;

	kt_expect_errno("prog_next_id_none",
			kt_next_id(BPF_PROG_GET_NEXT_ID, 0, &next), ENOENT);

	kt_attr_zero(&attr);
	kt_expect_errno("prog_fd_by_id_zero", kt_bpf(BPF_PROG_GET_FD_BY_ID, &attr),
			ENOENT);
	attr.prog_id = 1;
	kt_expect_errno("prog_fd_by_id_1", kt_bpf(BPF_PROG_GET_FD_BY_ID, &attr),
			ENOENT);
	attr.prog_id = 0x7ffffffe;
	kt_expect_errno("prog_fd_by_id_large", kt_bpf(BPF_PROG_GET_FD_BY_ID, &attr),
			ENOENT);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	t_next_id();
	t_next_id_bad_start();
	t_cyclic();
	t_fd_by_id();
	t_fd_by_id_missing();
	t_prog_ids();
	return kt_done();
}
