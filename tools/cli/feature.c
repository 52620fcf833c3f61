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

/*
 * The smallest valid attr of each map type, as bpftool's probe builds it:
 * most types take a 4-byte key and value, the rest have rules of their
 * own. Map-in-map types need an inner map, made here and closed by the
 * caller (*inner_fd, -1 when none).
 */
static void probe_map_attr(__u32 type, union bpf_attr *attr, int *inner_fd)
{
	union bpf_attr inner;

	memset(attr, 0, sizeof(*attr));
	attr->map_type = type;
	attr->key_size = 4;
	attr->value_size = 4;
	attr->max_entries = 1;
	*inner_fd = -1;
	switch (type) {
	case BPF_MAP_TYPE_LPM_TRIE:
		attr->key_size = 8;	/* prefixlen + 4 bytes of data */
		attr->map_flags = BPF_F_NO_PREALLOC;
		break;
	case BPF_MAP_TYPE_STACK_TRACE:
		attr->value_size = 8;
		break;
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_BLOOM_FILTER:
		attr->key_size = 0;
		break;
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		attr->key_size = 0;
		attr->value_size = 0;
		attr->max_entries = sysconf(_SC_PAGESIZE);
		break;
	case BPF_MAP_TYPE_CGROUP_STORAGE:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		attr->key_size = sizeof(struct bpf_cgroup_storage_key);
		attr->value_size = 8;
		attr->max_entries = 0;
		break;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		memset(&inner, 0, sizeof(inner));
		inner.map_type = BPF_MAP_TYPE_ARRAY;
		inner.key_size = 4;
		inner.value_size = 4;
		inner.max_entries = 1;
		*inner_fd = sys_bpf(BPF_MAP_CREATE, &inner);
		attr->inner_map_fd = *inner_fd;
		break;
	}
}

/* Create the smallest map of the type; true if kbpf can. */
static bool probe_map_type(__u32 type)
{
	const char *name = map_type_name(type);
	union bpf_attr attr;
	int inner_fd;
	long fd;

	probe_map_attr(type, &attr, &inner_fd);
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (inner_fd >= 0)
		close(inner_fd);
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

	printf("map types, each created as small as its rules allow:\n");
	for (type = BPF_MAP_TYPE_UNSPEC + 1; type < map_type_count(); type++)
		ntypes += probe_map_type(type);
	printf("%u of %u map types available\n", ntypes, map_type_count() - 1);
	return 0;
}
