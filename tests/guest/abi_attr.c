// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf(2) entry rules every command goes through before it does anything:
 * attr size and copy-in, unused-field checks, unknown and not yet implemented
 * commands, and the /dev/kbpf ioctl wrapped around all of it.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include <linux/kbpf.h>

#include "kt.h"

#define ATTR_SIZE sizeof(union bpf_attr)

/* An array map's attr at the start of a zeroed, page-aligned 64 KiB buffer. */
static union bpf_attr *page_attr(void)
{
	static char buf[65536] __attribute__((aligned(65536)));

	memset(buf, 0, sizeof(buf));
	kt_map_attr((union bpf_attr *)buf, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	return (union bpf_attr *)buf;
}

static void t_size_over_page(void)
{
	size_t ps = kt_page_size();
	union bpf_attr *attr = page_attr();

	/* All zero past the union and still refused: larger than a page. */
	kt_expect_errno("size_over_page",
			kbpf_sys_bpf(BPF_MAP_CREATE, attr, ps + 1), E2BIG);
	/* The size is judged before the pointer is ever read. */
	kt_expect_errno("size_over_page_null_attr",
			kbpf_sys_bpf(BPF_MAP_CREATE, NULL, ps + 1), E2BIG);
	kt_expect_errno("size_4g",
			kbpf_sys_bpf(BPF_MAP_CREATE, attr, 0xffffffffu), E2BIG);
}

static void t_size_page_zero_tail(void)
{
	union bpf_attr *attr = page_attr();
	long fd = kbpf_sys_bpf(BPF_MAP_CREATE, attr, kt_page_size());

	kt_expect_ok("size_page_zero_tail", fd);
	if (fd >= 0)
		close(fd);
}

static void t_size_large_nonzero_tail(void)
{
	size_t ps = kt_page_size();
	union bpf_attr *attr = page_attr();
	char *tail = (char *)attr;

	/* A field this kbpf does not know is set: refuse, never half-do it. */
	tail[ATTR_SIZE] = 1;
	kt_expect_errno("size_large_tail_first_byte",
			kbpf_sys_bpf(BPF_MAP_CREATE, attr, ATTR_SIZE + 8), E2BIG);

	attr = page_attr();
	tail = (char *)attr;
	tail[ps - 1] = 0x80;
	kt_expect_errno("size_large_tail_last_byte",
			kbpf_sys_bpf(BPF_MAP_CREATE, attr, ps), E2BIG);
}

static void t_size_large_zero_tail(void)
{
	union bpf_attr *attr = page_attr();
	long fd = kbpf_sys_bpf(BPF_MAP_CREATE, attr, ATTR_SIZE + 8);

	kt_expect_ok("size_large_zero_tail", fd);
	if (fd >= 0)
		close(fd);
}

/*
 * An older caller's shorter attr is zero-extended: whatever lies in our
 * buffer past size must not be read, or map_flags and map_name below would
 * make the create fail.
 */
static void t_size_short_zero_extends(void)
{
	const char *c = "size_short_zero_extends";
	struct bpf_map_info info;
	union bpf_attr attr;
	long fd;
	bool ok;

	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0xffffffff);
	memset(attr.map_name, '-', sizeof(attr.map_name));
	attr.map_extra = ~0ull;
	fd = kbpf_sys_bpf(BPF_MAP_CREATE, &attr,
			  offsetofend(union bpf_attr, max_entries));
	ok = kt_check_ok(fd, "MAP_CREATE with size offsetofend(max_entries)") &&
	     kt_check_ok(kt_map_info(fd, &info), "OBJ_GET_INFO_BY_FD") &&
	     kt_check_u64(info.max_entries, 4, "info.max_entries") &&
	     kt_check_u64(info.map_flags, 0, "info.map_flags") &&
	     kt_check_u64(info.map_extra, 0, "info.map_extra") &&
	     kt_check_u64(info.name[0], 0, "info.name[0]");
	kt_verdict(c, ok);
	if (fd >= 0)
		close(fd);
}

static void t_size_zero(void)
{
	union bpf_attr attr;

	/* size 0: the valid attr in the buffer must not be looked at. */
	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	kt_expect_errno("size_zero", kbpf_sys_bpf(BPF_MAP_CREATE, &attr, 0),
			EINVAL);
	/* Nothing is copied, so even a NULL attr is an all-zero one. */
	kt_expect_errno("size_zero_null_attr",
			kbpf_sys_bpf(BPF_MAP_CREATE, NULL, 0), EINVAL);
}

/* Bytes past the last field a command reads must be zero (CHECK_ATTR). */
static void t_unused_fields(void)
{
	const char *c = "unused_field_freeze_key";
	union bpf_attr attr;
	__u32 key = 0;
	__u64 val = 7;
	char frozen[32] = "";
	int fd;
	bool ok;

	fd = kt_array_create(8, 4, 0);
	kt_attr_zero(&attr);
	attr.map_fd = fd;
	attr.key = 1;
	/* Refused outright: the map must not have been frozen on the way. */
	ok = kt_check_ok(fd, "MAP_CREATE") &&
	     kt_check_errno(kt_bpf(BPF_MAP_FREEZE, &attr), EINVAL,
			    "MAP_FREEZE with attr.key set") &&
	     kt_check_true(!kt_fdinfo_field(fd, "frozen", frozen, sizeof(frozen)),
			   "no frozen line in fdinfo") &&
	     kt_check_true(!strcmp(frozen, "0"), "map frozen after refused MAP_FREEZE") &&
	     kt_check_ok(kt_map_update(fd, &key, &val, BPF_ANY), "update");
	kt_verdict(c, ok);

	/* Same lookup with and without a stray byte just past attr.flags. */
	c = "unused_field_lookup_past_flags";
	kt_attr_zero(&attr);
	attr.map_fd = fd;
	attr.key = kt_ptr(&key);
	attr.value = kt_ptr(&val);
	ok = kt_check_ok(kt_bpf(BPF_MAP_LOOKUP_ELEM, &attr), "plain lookup");
	((char *)&attr)[offsetofend(union bpf_attr, flags)] = 1;
	ok = ok && kt_check_errno(kt_bpf(BPF_MAP_LOOKUP_ELEM, &attr), EINVAL,
				  "lookup with a byte past flags");
	kt_verdict(c, ok);

	/* GET_FD_BY_ID reads up to open_flags; a byte after it is refused. */
	c = "unused_field_fd_by_id_past_open_flags";
	kt_attr_zero(&attr);
	attr.map_id = kt_map_id(fd);
	((char *)&attr)[offsetofend(union bpf_attr, open_flags)] = 1;
	kt_expect_errno(c, kt_bpf(BPF_MAP_GET_FD_BY_ID, &attr), EINVAL);

	c = "unused_field_create_last_byte";
	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	((char *)&attr)[ATTR_SIZE - 1] = 1;
	kt_expect_errno(c, kt_bpf(BPF_MAP_CREATE, &attr), EINVAL);

	/* The unused-field check comes before "not implemented". */
	c = "unused_field_unimplemented_cmd";
	kt_attr_zero(&attr);
	((char *)&attr)[offsetofend(union bpf_attr, link_detach.link_fd)] = 1;
	kt_expect_errno(c, kt_bpf(BPF_LINK_DETACH, &attr), EINVAL);

	if (fd >= 0)
		close(fd);
}

static void t_unknown_cmd(void)
{
	static const struct {
		const char *name;
		unsigned int cmd;
	} cmds[] = {
		{ "unknown_cmd_36", 36 },
		{ "unknown_cmd_1000", 1000 },
		{ "unknown_cmd_0xffffffff", 0xffffffffu },
	};
	union bpf_attr attr;
	size_t i;

	for (i = 0; i < KT_ARRAY_SIZE(cmds); i++) {
		kt_attr_zero(&attr);
		kt_expect_errno(cmds[i].name, kt_bpf((int)cmds[i].cmd, &attr),
				EINVAL);
	}
}

/* Every Linux 6.1 command kbpf does not implement yet, by name. */
static void t_unimplemented(void)
{
#define CMD(x) [BPF_##x] = #x
	static const char *const names[] = {
		CMD(MAP_CREATE), CMD(MAP_LOOKUP_ELEM), CMD(MAP_UPDATE_ELEM),
		CMD(MAP_DELETE_ELEM), CMD(MAP_GET_NEXT_KEY), CMD(PROG_LOAD),
		CMD(OBJ_PIN), CMD(OBJ_GET), CMD(PROG_ATTACH), CMD(PROG_DETACH),
		CMD(PROG_TEST_RUN), CMD(PROG_GET_NEXT_ID), CMD(MAP_GET_NEXT_ID),
		CMD(PROG_GET_FD_BY_ID), CMD(MAP_GET_FD_BY_ID),
		CMD(OBJ_GET_INFO_BY_FD), CMD(PROG_QUERY),
		CMD(RAW_TRACEPOINT_OPEN), CMD(BTF_LOAD), CMD(BTF_GET_FD_BY_ID),
		CMD(TASK_FD_QUERY), CMD(MAP_LOOKUP_AND_DELETE_ELEM),
		CMD(MAP_FREEZE), CMD(BTF_GET_NEXT_ID), CMD(MAP_LOOKUP_BATCH),
		CMD(MAP_LOOKUP_AND_DELETE_BATCH), CMD(MAP_UPDATE_BATCH),
		CMD(MAP_DELETE_BATCH), CMD(LINK_CREATE), CMD(LINK_UPDATE),
		CMD(LINK_GET_FD_BY_ID), CMD(LINK_GET_NEXT_ID),
		CMD(ENABLE_STATS), CMD(ITER_CREATE), CMD(LINK_DETACH),
		CMD(PROG_BIND_MAP),
	};
#undef CMD
	static const int implemented[] = {
		BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM,
		BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_PROG_GET_NEXT_ID,
		BPF_MAP_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, BPF_MAP_GET_FD_BY_ID,
		BPF_OBJ_GET_INFO_BY_FD, BPF_MAP_FREEZE,
		BPF_MAP_LOOKUP_AND_DELETE_ELEM, BPF_PROG_LOAD, BPF_PROG_TEST_RUN,
		BPF_MAP_LOOKUP_BATCH, BPF_MAP_LOOKUP_AND_DELETE_BATCH,
		BPF_MAP_UPDATE_BATCH, BPF_MAP_DELETE_BATCH, BPF_LINK_CREATE,
	};
	union bpf_attr attr;
	char c[64];
	size_t cmd, i;

	_Static_assert(KT_ARRAY_SIZE(names) == BPF_PROG_BIND_MAP + 1,
		       "a 6.1 command is missing from names[]");
	for (cmd = 0; cmd < KT_ARRAY_SIZE(names); cmd++) {
		for (i = 0; i < KT_ARRAY_SIZE(implemented); i++)
			if (implemented[i] == (int)cmd)
				break;
		if (i < KT_ARRAY_SIZE(implemented))
			continue;
		snprintf(c, sizeof(c), "unimplemented_%s", names[cmd]);
		kt_attr_zero(&attr);
		kt_expect_errno(c, kt_bpf((int)cmd, &attr), EOPNOTSUPP);
	}
}

static void t_attr_fault(void)
{
	char *page = kt_page_before_hole();
	size_t ps = kt_page_size();
	union bpf_attr attr;

	if (!page) {
		kt_fail("attr_fault_setup", "mmap: %s", kt_errname(errno));
		return;
	}
	kt_expect_errno("attr_null",
			kbpf_sys_bpf(BPF_MAP_CREATE, NULL, ATTR_SIZE), EFAULT);
	/* The copy comes before the command is even looked up. */
	kt_expect_errno("attr_null_unknown_cmd",
			kbpf_sys_bpf(1000, NULL, ATTR_SIZE), EFAULT);
	kt_expect_errno("attr_unmapped",
			kbpf_sys_bpf(BPF_MAP_CREATE,
				     (union bpf_attr *)(page + ps), ATTR_SIZE),
			EFAULT);
	/* The first 64 bytes are readable, the rest is the hole. */
	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	memcpy(page + ps - 64, &attr, 64);
	kt_expect_errno("attr_straddles_hole",
			kbpf_sys_bpf(BPF_MAP_CREATE,
				     (union bpf_attr *)(page + ps - 64), ATTR_SIZE),
			EFAULT);
	/* The union itself is readable; the zero-tail check hits the hole. */
	kt_map_attr((union bpf_attr *)(page + ps - ATTR_SIZE), BPF_MAP_TYPE_ARRAY,
		    4, 8, 4, 0);
	kt_expect_errno("attr_tail_in_hole",
			kbpf_sys_bpf(BPF_MAP_CREATE,
				     (union bpf_attr *)(page + ps - ATTR_SIZE),
				     ATTR_SIZE + 64),
			EFAULT);
	munmap(page, ps);
}

static void t_ioctl(void)
{
	const unsigned long wrong[] = {
		_IOW(KBPF_IOCTL_MAGIC, 2, struct kbpf_ioctl_bpf),
		_IOR(KBPF_IOCTL_MAGIC, 1, struct kbpf_ioctl_bpf),
		_IOWR(KBPF_IOCTL_MAGIC, 1, struct kbpf_ioctl_bpf),
		_IOW(KBPF_IOCTL_MAGIC, 1, __u64),
		_IO(KBPF_IOCTL_MAGIC, 1),
		TCGETS,
		0,
	};
	struct kbpf_ioctl_bpf req;
	union bpf_attr attr;
	int dev = kbpf_dev_fd();
	void *hole = kt_unmapped();
	char what[64];
	bool ok = true;
	size_t i;
	int fd;

	kt_expect_errno("ioctl_arg_null", ioctl(dev, KBPF_IOCTL_BPF, NULL), EFAULT);
	kt_expect_errno("ioctl_arg_unmapped", ioctl(dev, KBPF_IOCTL_BPF, hole),
			EFAULT);

	/* A request that succeeds under the right number (see below). */
	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	memset(&req, 0, sizeof(req));
	req.cmd = BPF_MAP_CREATE;
	req.size = sizeof(attr);
	req.attr = kt_ptr(&attr);
	for (i = 0; ok && i < KT_ARRAY_SIZE(wrong); i++) {
		snprintf(what, sizeof(what), "ioctl request %#lx", wrong[i]);
		ok = kt_check_errno(ioctl(dev, wrong[i], &req), ENOTTY, what);
	}
	kt_verdict("ioctl_wrong_request", ok);

	/* The same request under the right number, for contrast. */
	fd = ioctl(dev, KBPF_IOCTL_BPF, &req);
	kt_expect_ok("ioctl_raw_map_create", fd);
	if (fd >= 0)
		close(fd);
}

static void t_dev_node(void)
{
	struct stat st;
	bool ok;

	ok = kt_check_ok(stat(KBPF_DEVICE_PATH, &st), "stat " KBPF_DEVICE_PATH) &&
	     kt_check_true(S_ISCHR(st.st_mode), "not a character device") &&
	     /* A misc device: major 10. */
	     kt_check_u64(major(st.st_rdev), 10, "major") &&
	     kt_check_u64(st.st_mode & 07777, 0600, "mode (octal 0600 = 384)") &&
	     kt_check_u64(st.st_uid, 0, "owner uid") &&
	     kt_check_u64(st.st_gid, 0, "owner gid");
	kt_verdict("dev_node", ok);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	t_dev_node();
	t_size_over_page();
	t_size_page_zero_tail();
	t_size_large_nonzero_tail();
	t_size_large_zero_tail();
	t_size_short_zero_extends();
	t_size_zero();
	t_unused_fields();
	t_unknown_cmd();
	t_unimplemented();
	t_attr_fault();
	t_ioctl();
	return kt_done();
}
