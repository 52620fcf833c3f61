// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_OBJ_GET_INFO_BY_FD on a map: every field of struct bpf_map_info, and
 * info_len following the attr size rules (shorter: truncated; longer: the
 * tail must be zero; info_len comes back as the length actually written).
 */
#include <linux/kbpf.h>

#include "kt.h"

#define INFO_SIZE sizeof(struct bpf_map_info)
#define POISON 0xa5

static const char map_name[] = "info_test";
static struct bpf_map_info want;
static int map_fd = -1;

/* A map with a value in every field the syscall side can set. */
static int setup(void)
{
	union bpf_attr attr;
	char id[32];

	kt_map_attr(&attr, BPF_MAP_TYPE_ARRAY, 4, 24, 5,
		    BPF_F_RDONLY_PROG | BPF_F_NUMA_NODE);
	attr.numa_node = 0;
	memcpy(attr.map_name, map_name, sizeof(map_name));
	map_fd = kt_bpf(BPF_MAP_CREATE, &attr);
	if (map_fd < 0)
		return -1;

	/* The id is the one thing not chosen here: take fdinfo's word for it. */
	if (kt_fdinfo_field(map_fd, "map_id", id, sizeof(id)))
		return -1;
	memset(&want, 0, sizeof(want));
	want.type = BPF_MAP_TYPE_ARRAY;
	want.id = strtoul(id, NULL, 10);
	want.key_size = 4;
	want.value_size = 24;
	want.max_entries = 5;
	want.map_flags = BPF_F_RDONLY_PROG | BPF_F_NUMA_NODE;
	memcpy(want.name, map_name, sizeof(map_name));
	/* ifindex, netns, btf ids, map_extra and the padding stay zero. */
	return 0;
}

static void t_all_fields(void)
{
	struct bpf_map_info info;
	__u32 len = INFO_SIZE;
	bool ok;

	/* Poison first: padding and unset fields must be written as zero too. */
	memset(&info, POISON, sizeof(info));
	ok = kt_check_ok(kt_obj_info(map_fd, &info, &len), "OBJ_GET_INFO_BY_FD") &&
	     kt_check_u64(len, INFO_SIZE, "info_len written back") &&
	     kt_check_true(want.id != 0, "fdinfo map_id is 0") &&
	     kt_check_u64(info.type, want.type, "type") &&
	     kt_check_u64(info.id, want.id, "id") &&
	     kt_check_u64(info.key_size, want.key_size, "key_size") &&
	     kt_check_u64(info.value_size, want.value_size, "value_size") &&
	     kt_check_u64(info.max_entries, want.max_entries, "max_entries") &&
	     kt_check_u64(info.map_flags, want.map_flags, "map_flags") &&
	     kt_check_mem(info.name, want.name, sizeof(want.name), "name") &&
	     kt_check_u64(info.ifindex, 0, "ifindex") &&
	     kt_check_u64(info.btf_vmlinux_value_type_id, 0,
			  "btf_vmlinux_value_type_id") &&
	     kt_check_u64(info.netns_dev, 0, "netns_dev") &&
	     kt_check_u64(info.netns_ino, 0, "netns_ino") &&
	     kt_check_u64(info.btf_id, 0, "btf_id") &&
	     kt_check_u64(info.btf_key_type_id, 0, "btf_key_type_id") &&
	     kt_check_u64(info.btf_value_type_id, 0, "btf_value_type_id") &&
	     kt_check_u64(info.map_extra, 0, "map_extra") &&
	     /* Catches the unnamed padding word before map_extra. */
	     kt_check_mem(&info, &want, INFO_SIZE, "whole struct bpf_map_info");
	kt_verdict("all_fields", ok);
}

static void t_short(void)
{
	unsigned char buf[INFO_SIZE];
	__u32 len = 8;
	bool ok;

	memset(buf, POISON, sizeof(buf));
	ok = kt_check_ok(kt_obj_info(map_fd, buf, &len), "info_len 8") &&
	     kt_check_u64(len, 8, "info_len written back") &&
	     kt_check_mem(buf, &want, 8, "type and id") &&
	     kt_check_fill(buf + 8, POISON, sizeof(buf) - 8, "bytes past info_len");
	kt_verdict("info_len_8", ok);

	/* Zero bytes wanted: nothing is written, not even through NULL. */
	len = 0;
	ok = kt_check_ok(kt_obj_info(map_fd, NULL, &len), "info_len 0, info NULL") &&
	     kt_check_u64(len, 0, "info_len written back");
	kt_verdict("info_len_0", ok);
}

static void t_long(void)
{
	unsigned char buf[INFO_SIZE + 40];
	__u32 len = sizeof(buf);
	bool ok;

	/* A newer caller's bigger struct, with nothing set that we do not know. */
	memset(buf, 0, sizeof(buf));
	ok = kt_check_ok(kt_obj_info(map_fd, buf, &len), "info_len > sizeof") &&
	     kt_check_u64(len, INFO_SIZE, "info_len written back") &&
	     kt_check_mem(buf, &want, INFO_SIZE, "struct bpf_map_info") &&
	     kt_check_fill(buf + INFO_SIZE, 0, sizeof(buf) - INFO_SIZE, "tail");
	kt_verdict("info_len_long_zero_tail", ok);

	/* Something set past the struct: refused before anything is written. */
	memset(buf, POISON, INFO_SIZE);
	memset(buf + INFO_SIZE, 0, sizeof(buf) - INFO_SIZE);
	buf[sizeof(buf) - 1] = 1;
	len = sizeof(buf);
	ok = kt_check_errno(kt_obj_info(map_fd, buf, &len), E2BIG,
			    "info_len > sizeof, non-zero tail") &&
	     kt_check_u64(len, sizeof(buf), "info_len after E2BIG") &&
	     kt_check_fill(buf, POISON, INFO_SIZE, "struct after E2BIG");
	kt_verdict("info_len_long_nonzero_tail", ok);

	len = kt_page_size() + 1;
	kt_expect_errno("info_len_over_page", kt_obj_info(map_fd, buf, &len), E2BIG);
}

static void t_faults(void)
{
	char *page = kt_page_before_hole();
	size_t ps = kt_page_size();
	__u32 len;

	if (!page) {
		kt_fail("faults_setup", "mmap: %s", kt_errname(errno));
		return;
	}
	len = INFO_SIZE;
	kt_expect_errno("info_null", kt_obj_info(map_fd, NULL, &len), EFAULT);
	len = INFO_SIZE;
	kt_expect_errno("info_unmapped", kt_obj_info(map_fd, page + ps, &len),
			EFAULT);
	len = INFO_SIZE;
	kt_expect_errno("info_straddles_hole",
			kt_obj_info(map_fd, page + ps - 8, &len), EFAULT);
	/* The struct fits; the zero-tail check runs into the hole. */
	len = INFO_SIZE + 16;
	kt_expect_errno("info_tail_in_hole",
			kt_obj_info(map_fd, page + ps - INFO_SIZE, &len), EFAULT);
	munmap(page, ps);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	if (setup()) {
		kt_fail("setup", "MAP_CREATE/fdinfo: %s", kt_errname(errno));
		return kt_done();
	}
	t_all_fields();
	t_short();
	t_long();
	t_faults();
	close(map_fd);
	return kt_done();
}
