/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fd-holding map tests share (map_prog_array.c, map_in_map.c):
 * program load, test run, object info and lookups by id on either backend
 * of kt_dual.h, so each case runs on kbpf and on the kernel's bpf(2).
 */
#ifndef KBPF_TESTS_GUEST_KT_FDMAP_H
#define KBPF_TESTS_GUEST_KT_FDMAP_H

#include <time.h>

#include "kt_dual.h"
#include "kt_prog.h"

/* Socket filters: every backend loads and test-runs them. */
static inline int be_prog_load(const struct kt_be *be, __u32 type,
			       const struct bpf_insn *insns, __u32 cnt)
{
	struct kt_load l = { .type = type, .insns = insns, .cnt = cnt };

	return be_load_prog(be, &l);
}

static unsigned char kt_fdmap_pkt[64];

/* One run of a socket filter on a 64-byte frame; its retval in *ret. */
static inline long be_test_run(const struct kt_be *be, int fd, __u32 *ret)
{
	struct kt_run run = { .data_in = kt_fdmap_pkt,
			      .data_size_in = sizeof(kt_fdmap_pkt) };
	long err;

	kt_fdmap_pkt[12] = 0x08;	/* ETH_P_IP */
	err = be_run_prog(be, fd, &run);
	*ret = run.retval;
	return err;
}

static inline long be_obj_info(const struct kt_be *be, int fd, void *info,
			       __u32 len)
{
	union bpf_attr attr;

	memset(info, 0, len);
	kt_attr_zero(&attr);
	attr.info.bpf_fd = (__u32)fd;
	attr.info.info_len = len;
	attr.info.info = kt_ptr(info);
	return be_call(be, BPF_OBJ_GET_INFO_BY_FD, &attr);
}

static inline __u32 be_prog_id(const struct kt_be *be, int fd)
{
	struct bpf_prog_info info;

	return be_obj_info(be, fd, &info, sizeof(info)) ? 0 : info.id;
}

static inline __u32 be_map_id(const struct kt_be *be, int fd)
{
	struct bpf_map_info info;

	return be_obj_info(be, fd, &info, sizeof(info)) ? 0 : info.id;
}

/* PROG_ or MAP_GET_FD_BY_ID. */
static inline int be_fd_by_id(const struct kt_be *be, int cmd, __u32 id)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	if (cmd == BPF_PROG_GET_FD_BY_ID)
		attr.prog_id = id;
	else
		attr.map_id = id;
	return (int)be_call(be, cmd, &attr);
}

/*
 * Wait up to 3 s for the object with id to be freed (its last reference
 * goes after an RCU grace period, and in Linux sometimes a work item).
 */
static inline bool be_wait_gone(const struct kt_be *be, int cmd, __u32 id)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i, fd;

	for (i = 0; i < 300; i++) {
		fd = be_fd_by_id(be, cmd, id);
		if (fd < 0 && errno == ENOENT)
			return true;
		if (fd >= 0)
			close(fd);
		nanosleep(&ts, NULL);
	}
	return false;
}

static inline int be_close(int fd)
{
	return fd >= 0 ? close(fd) : 0;
}

#endif /* KBPF_TESTS_GUEST_KT_FDMAP_H */
