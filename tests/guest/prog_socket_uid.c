// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_get_socket_uid under BPF_PROG_TEST_RUN: the packet belongs to the
 * test run's dummy socket, which the running user (root here) owns, so
 * the program returns that uid, on kbpf and on Linux's bpf(2) alike, for
 * a socket filter and a sched_cls program.
 */
#include <unistd.h>

#include "kt_dual.h"
#include "kt_prog.h"

static unsigned char pkt[64];

static bool uid_case(const struct kt_be *be, __u32 type)
{
	const struct bpf_insn insns[] = {
		KT_CALL(BPF_FUNC_get_socket_uid),
		KT_EXIT(),
	};
	struct kt_load l = { .type = type, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns) };
	union bpf_attr attr;
	int fd;
	bool ok;

	kt_load_attr(&attr, &l);
	fd = (int)be_call(be, BPF_PROG_LOAD, &attr);
	if (!kt_check_ok(fd, "PROG_LOAD"))
		return false;
	kt_attr_zero(&attr);
	pkt[12] = 0x08;
	attr.test.prog_fd = fd;
	attr.test.data_in = kt_ptr(pkt);
	attr.test.data_size_in = sizeof(pkt);
	ok = kt_check_ok(be_call(be, BPF_PROG_TEST_RUN, &attr), "TEST_RUN") &&
	     kt_check_u64(attr.test.retval, getuid(), "retval (the uid)");
	close(fd);
	return ok;
}

static bool t_socket_filter(const struct kt_be *be)
{
	return uid_case(be, BPF_PROG_TYPE_SOCKET_FILTER);
}

static bool t_sched_cls(const struct kt_be *be)
{
	return uid_case(be, BPF_PROG_TYPE_SCHED_CLS);
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("get_socket_uid_socket_filter", t_socket_filter, linux_ok);
	kt_dual("get_socket_uid_sched_cls", t_sched_cls, linux_ok);
	return kt_done();
}
