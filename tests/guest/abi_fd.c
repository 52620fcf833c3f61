// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors as bpf(2) sees them: a map command handed something that
 * is not an open map fd, and what a map fd looks like to the rest of the
 * system (/proc/self/fd and /proc/self/fdinfo, read/write, close-on-exec).
 */
#include <fcntl.h>

#include <linux/kbpf.h>

#include "kt.h"

/* The map commands that take attr.map_fd, each with otherwise sane args. */
static long map_cmd(int cmd, int fd)
{
	__u32 key = 0, next;
	__u64 value = 0;

	switch (cmd) {
	case BPF_MAP_LOOKUP_ELEM:
		return kt_map_lookup(fd, &key, &value, 0);
	case BPF_MAP_UPDATE_ELEM:
		return kt_map_update(fd, &key, &value, BPF_ANY);
	case BPF_MAP_DELETE_ELEM:
		return kt_map_delete(fd, &key);
	case BPF_MAP_GET_NEXT_KEY:
		return kt_map_next_key(fd, &key, &next);
	case BPF_MAP_FREEZE:
		return kt_map_freeze(fd);
	}
	abort();	/* a command this file does not know: a bug in the test */
}

static void t_map_cmd_bad_fds(void)
{
	static const struct {
		int cmd;
		const char *name;
	} cmds[] = {
		{ BPF_MAP_LOOKUP_ELEM, "lookup" },
		{ BPF_MAP_UPDATE_ELEM, "update" },
		{ BPF_MAP_DELETE_ELEM, "delete" },
		{ BPF_MAP_GET_NEXT_KEY, "get_next_key" },
		{ BPF_MAP_FREEZE, "freeze" },
	};
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char c[64];
	size_t i;

	if (devnull < 0 || closed < 0) {
		kt_fail("map_cmd_bad_fds_setup", "open /dev/null: %s",
			kt_errname(errno));
		return;
	}
	close(closed);
	for (i = 0; i < KT_ARRAY_SIZE(cmds); i++) {
		snprintf(c, sizeof(c), "%s_fd_minus_1", cmds[i].name);
		kt_expect_errno(c, map_cmd(cmds[i].cmd, -1), EBADF);
		snprintf(c, sizeof(c), "%s_closed_fd", cmds[i].name);
		kt_expect_errno(c, map_cmd(cmds[i].cmd, closed), EBADF);
		/* An open fd of the wrong kind is a bad argument, not a bad fd. */
		snprintf(c, sizeof(c), "%s_dev_null", cmds[i].name);
		kt_expect_errno(c, map_cmd(cmds[i].cmd, devnull), EINVAL);
		snprintf(c, sizeof(c), "%s_kbpf_dev_fd", cmds[i].name);
		kt_expect_errno(c, map_cmd(cmds[i].cmd, kbpf_dev_fd()), EINVAL);
	}
	close(devnull);
}

static void t_info_bad_fds(void)
{
	struct bpf_map_info info;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (devnull < 0 || closed < 0) {
		kt_fail("info_bad_fds_setup", "open /dev/null: %s",
			kt_errname(errno));
		return;
	}
	close(closed);
	/* bpf(2) answers EBADFD, not EBADF, in OBJ_GET_INFO_BY_FD. */
	kt_expect_errno("info_closed_fd", kt_map_info(closed, &info), EBADFD);
	kt_expect_errno("info_fd_minus_1", kt_map_info(-1, &info), EBADFD);
	kt_expect_errno("info_dev_null", kt_map_info(devnull, &info), EINVAL);
	kt_expect_errno("info_kbpf_dev_fd", kt_map_info(kbpf_dev_fd(), &info),
			EINVAL);
	close(devnull);
}

/* What bpftool and libbpf parse: each line of the map fd's fdinfo. */
static void t_fdinfo(void)
{
	const char *c = "fdinfo_fields";
	const __u32 value_size = 100, max_entries = 100;
	const __u32 flags = BPF_F_RDONLY_PROG;
	size_t ps = kt_page_size();
	unsigned long long memlock;
	struct {
		const char *key;
		char want[64];
	} lines[9];
	char got[64], what[96];
	__u32 id;
	size_t i, n = 0;
	bool ok;
	int fd;

	fd = kt_array_create(value_size, max_entries, flags);
	if (fd < 0) {
		kt_fail(c, "MAP_CREATE: %s", kt_errname(errno));
		return;
	}
	id = kt_map_id(fd);
	/* Linux's approximation: entries times round_up(key + value, 8). */
	memlock = (unsigned long long)max_entries * ((4 + value_size + 7) / 8 * 8);
	memlock = (memlock + ps - 1) / ps * ps;

#define LINE(k, fmt, v) do { \
		lines[n].key = k; \
		snprintf(lines[n].want, sizeof(lines[n].want), fmt, v); \
		n++; \
	} while (0)
	LINE("map_type", "%u", BPF_MAP_TYPE_ARRAY);
	LINE("key_size", "%u", 4);
	LINE("value_size", "%u", value_size);
	LINE("max_entries", "%u", max_entries);
	/* The kernel's %#x prints 0 as "0x0", unlike printf(3). */
	LINE("map_flags", "0x%x", flags);
	LINE("map_extra", "0x%llx", 0ull);
	LINE("memlock", "%llu", memlock);
	LINE("map_id", "%u", id);
	LINE("frozen", "%u", 0);
#undef LINE

	ok = kt_check_true(id != 0, "OBJ_GET_INFO_BY_FD gave no id");
	for (i = 0; ok && i < n; i++) {
		snprintf(what, sizeof(what), "fdinfo line '%s'", lines[i].key);
		if (kt_fdinfo_field(fd, lines[i].key, got, sizeof(got))) {
			ok = kt_whyf("%s missing", what);
			break;
		}
		if (strcmp(got, lines[i].want))
			ok = kt_whyf("%s: expected '%s', got '%s'", what,
				     lines[i].want, got);
	}
	kt_verdict(c, ok);
	close(fd);
}

static void t_fd_link(void)
{
	const char *want = "anon_inode:bpf-map";
	char path[64], got[128];
	ssize_t len;
	int fd;

	fd = kt_array_create(8, 1, 0);
	if (fd < 0) {
		kt_fail("fd_link", "MAP_CREATE: %s", kt_errname(errno));
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, got, sizeof(got) - 1);
	if (len < 0) {
		kt_fail("fd_link", "readlink %s: %s", path, kt_errname(errno));
	} else {
		got[len] = '\0';
		if (strcmp(got, want))
			kt_fail("fd_link", "expected '%s', got '%s'", want, got);
		else
			kt_pass("fd_link");
	}
	close(fd);
}

static void t_fd_props(void)
{
	char buf[8] = "";
	bool ok;
	int fd;

	fd = kt_array_create(8, 1, 0);
	/* Map fds are O_CLOEXEC and O_RDWR, as anon_inode_getfd() makes them. */
	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_u64(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC,
			  "FD_CLOEXEC") &&
	     kt_check_u64(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR, "access mode");
	kt_verdict("fd_cloexec_rdwr", ok);

	/* read/write exist only to grant the fd its modes; both refuse. */
	kt_expect_errno("fd_read", read(fd, buf, sizeof(buf)), EINVAL);
	kt_expect_errno("fd_write", write(fd, buf, sizeof(buf)), EINVAL);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	t_map_cmd_bad_fds();
	t_info_bad_fds();
	t_fdinfo();
	t_fd_link();
	t_fd_props();
	return kt_done();
}
