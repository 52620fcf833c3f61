// SPDX-License-Identifier: GPL-2.0
/*
 * kbpftool feature: which bpf(2) commands and map types this kbpf.ko
 * implements, found by asking it rather than from a list.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kbpftool.h"

/* Commands whose success is a new file descriptor, which the probe closes. */
static bool cmd_returns_fd(unsigned int cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE:
	case BPF_PROG_LOAD:
	case BPF_OBJ_GET:
	case BPF_PROG_GET_FD_BY_ID:
	case BPF_MAP_GET_FD_BY_ID:
	case BPF_RAW_TRACEPOINT_OPEN:
	case BPF_BTF_LOAD:
	case BPF_BTF_GET_FD_BY_ID:
	case BPF_LINK_CREATE:
	case BPF_LINK_GET_FD_BY_ID:
	case BPF_ENABLE_STATS:
	case BPF_ITER_CREATE:
		return true;
	default:
		return false;
	}
}

/*
 * Send cmd with an all-zero attr and say what the answer shows.
 *
 * kbpf answers a command it knows but has not implemented with EOPNOTSUPP,
 * after only the checks every command gets (attr size, zero tail), which an
 * all-zero attr passes. So EOPNOTSUPP means "not implemented", and any other
 * answer means the command's handler ran: it succeeded, or it rejected the
 * empty attr (EINVAL for map type 0 or for fd 0 not being a map, ENOENT for
 * id 0, ...). EINVAL is also the answer to a command kbpf does not know at
 * all, but every command probed here is in Linux 6.1's enum bpf_cmd, which
 * kbpf's dispatch table covers entirely: an EINVAL here is a handler's.
 * do_feature() shows the unknown-command answer separately, one past the
 * enum.
 *
 * Returns true if the command is implemented.
 */
static bool probe_cmd(unsigned int cmd)
{
	union bpf_attr attr;
	long ret;

	memset(&attr, 0, sizeof(attr));
	ret = sys_bpf(cmd, &attr);
	if (ret >= 0) {
		if (cmd_returns_fd(cmd))
			close(ret);
		printf("%s: supported\n", cmd_name(cmd));
		return true;
	}
	if (errno == EOPNOTSUPP) {
		printf("%s: not implemented (EOPNOTSUPP)\n", cmd_name(cmd));
		return false;
	}
	printf("%s: supported (empty attr: %s)\n", cmd_name(cmd),
	       errno_name(errno));
	return true;
}

/* Create the smallest map of the type; true if kbpf can. */
static bool probe_map_type(__u32 type)
{
	const char *name = map_type_name(type);
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (name)
		printf("map_type %s: ", name);
	else
		printf("map_type %u: ", type);
	if (fd < 0) {
		printf("not available (%s)\n", errno_name(errno));
		return false;
	}
	close(fd);
	printf("available\n");
	return true;
}

int do_feature(int argc, char **argv)
{
	unsigned int cmd, ncmds = 0;
	__u32 type, ntypes = 0;
	union bpf_attr attr;
	long ret;

	if (argc > 0 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "probe"))) {
		if (!strcmp(argv[0], "help")) {
			printf("Usage: kbpftool feature [probe]\n");
			return 0;
		}
		argc--;
		argv++;
	}
	if (expect_no_args(argc, argv) || dev_open())
		return -1;

	printf("bpf(2) commands, each sent with an all-zero attr:\n");
	for (cmd = 0; cmd < cmd_count(); cmd++)
		ncmds += probe_cmd(cmd);
	memset(&attr, 0, sizeof(attr));
	ret = sys_bpf(cmd, &attr);
	printf("(command %u, past the enum: %s, kbpf's answer to an unknown command)\n",
	       cmd, ret < 0 ? errno_name(errno) : "success?!");
	printf("%u of %u commands implemented\n\n", ncmds, cmd_count());

	printf("map types, each created with key 4, value 8, max_entries 1:\n");
	for (type = BPF_MAP_TYPE_UNSPEC + 1; type < map_type_count(); type++)
		ntypes += probe_map_type(type);
	printf("%u of %u map types available\n", ntypes, map_type_count() - 1);
	return 0;
}
