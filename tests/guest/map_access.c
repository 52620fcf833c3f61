// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall-side access to a map: BPF_F_RDONLY/BPF_F_WRONLY make the map fd
 * O_RDONLY/O_WRONLY and the element commands check the fd's mode; a frozen
 * map has lost write access for every fd, old or new.
 */
#include <fcntl.h>

#include <linux/kbpf.h>

#include "kt.h"

static bool check_accmode(int fd, int want)
{
	return kt_check_u64(fcntl(fd, F_GETFL) & O_ACCMODE, want, "fd access mode");
}

static void t_rdonly(void)
{
	__u64 in = 42, out = 0;
	__u32 key = 0, next;
	int fd;

	fd = kt_array_create(sizeof(in), 2, BPF_F_RDONLY);
	if (fd < 0) {
		kt_fail("rdonly_create", "MAP_CREATE: %s", kt_errname(errno));
		return;
	}
	kt_verdict("rdonly_fd_mode", check_accmode(fd, O_RDONLY));
	kt_expect_errno("rdonly_update", kt_map_update(fd, &key, &in, BPF_ANY),
			EPERM);
	/* Write access is checked before the array can say "cannot delete". */
	kt_expect_errno("rdonly_delete", kt_map_delete(fd, &key), EPERM);
	out = 0xff;
	kt_verdict("rdonly_lookup",
		   kt_check_ok(kt_map_lookup(fd, &key, &out, 0), "lookup") &&
		   kt_check_u64(out, 0, "value"));
	kt_expect_ok("rdonly_next_key", kt_map_next_key(fd, NULL, &next));
	close(fd);
}

static void t_wronly(void)
{
	__u64 in = 42, out;
	__u32 key = 0, next;
	int fd;

	fd = kt_array_create(sizeof(in), 2, BPF_F_WRONLY);
	if (fd < 0) {
		kt_fail("wronly_create", "MAP_CREATE: %s", kt_errname(errno));
		return;
	}
	kt_verdict("wronly_fd_mode", check_accmode(fd, O_WRONLY));
	kt_expect_errno("wronly_lookup", kt_map_lookup(fd, &key, &out, 0), EPERM);
	kt_expect_errno("wronly_next_key", kt_map_next_key(fd, NULL, &next), EPERM);
	kt_expect_ok("wronly_update", kt_map_update(fd, &key, &in, BPF_ANY));
	/* Allowed to try; an array element still cannot be deleted. */
	kt_expect_errno("wronly_delete", kt_map_delete(fd, &key), EINVAL);
	close(fd);
}

static void t_freeze(void)
{
	const char *c;
	__u64 in = 0x1234, out = 0;
	__u32 key = 1, next;
	char frozen[16] = "";
	int fd, fd2;
	bool ok;

	fd = kt_array_create(sizeof(in), 2, 0);
	if (fd < 0 || kt_map_update(fd, &key, &in, BPF_ANY)) {
		kt_fail("freeze_setup", "MAP_CREATE/update: %s", kt_errname(errno));
		return;
	}
	c = "freeze";
	ok = kt_check_ok(kt_map_freeze(fd), "MAP_FREEZE") &&
	     kt_check_true(!kt_fdinfo_field(fd, "frozen", frozen, sizeof(frozen)),
			   "no frozen line in fdinfo") &&
	     kt_check_true(!strcmp(frozen, "1"), "fdinfo does not say frozen: 1");
	kt_verdict(c, ok);

	in = 0x5678;
	kt_expect_errno("frozen_update", kt_map_update(fd, &key, &in, BPF_ANY),
			EPERM);
	kt_expect_errno("frozen_delete", kt_map_delete(fd, &key), EPERM);
	kt_verdict("frozen_lookup",
		   kt_check_ok(kt_map_lookup(fd, &key, &out, 0), "lookup") &&
		   kt_check_u64(out, 0x1234, "value from before the freeze"));
	kt_expect_ok("frozen_next_key", kt_map_next_key(fd, NULL, &next));
	kt_expect_errno("freeze_twice", kt_map_freeze(fd), EBUSY);

	/* Frozen is the map's state: a read-write fd opened later is read-only too. */
	fd2 = kt_map_fd_by_id(kt_map_id(fd), 0);
	ok = kt_check_ok(fd2, "MAP_GET_FD_BY_ID") &&
	     check_accmode(fd2, O_RDWR) &&
	     kt_check_errno(kt_map_update(fd2, &key, &in, BPF_ANY), EPERM,
			    "update through the new fd");
	kt_verdict("frozen_new_fd_update", ok);
	if (fd2 >= 0)
		close(fd2);
	close(fd);
}

/*
 * In Linux 6.1 MAP_FREEZE does not look at the fd's own mode (later kernels
 * demand write access); kbpf follows 6.1.
 */
static void t_freeze_rdonly_fd(void)
{
	__u64 in = 1;
	__u32 key = 0;
	int fd, rw;
	bool ok;

	fd = kt_array_create(sizeof(in), 1, BPF_F_RDONLY);
	rw = fd < 0 ? -1 : kt_map_fd_by_id(kt_map_id(fd), 0);
	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_ok(rw, "MAP_GET_FD_BY_ID read-write") &&
	     kt_check_ok(kt_map_update(rw, &key, &in, BPF_ANY),
			 "update through the read-write fd before freezing") &&
	     kt_check_ok(kt_map_freeze(fd), "MAP_FREEZE through the O_RDONLY fd") &&
	     kt_check_errno(kt_map_update(rw, &key, &in, BPF_ANY), EPERM,
			    "update through the read-write fd after freezing");
	kt_verdict("freeze_through_rdonly_fd", ok);
	if (rw >= 0)
		close(rw);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	t_rdonly();
	t_wronly();
	t_freeze();
	t_freeze_rdonly_fd();
	return kt_done();
}
