// SPDX-License-Identifier: GPL-2.0
/*
 * kbpftool map: create, list/show and freeze maps, with bpftool's syntax
 * and plain output; the element commands are in map_elem.c. Maps are named
 * by id: kbpf has no pinning yet, so a map outlives kbpftool only while
 * some process holds an fd to it (see "create ... --hold").
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbpf.h"
#include "kbpftool.h"
#include "map.h"

static int map_info(int fd, struct bpf_map_info *info)
{
	union bpf_attr attr;

	memset(info, 0, sizeof(*info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (__u64)(unsigned long)info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		return p_err(errno, "get map info");
	return 0;
}

/* "map ... id N": parse the id, open the map and read its info. */
int map_open(int *argc, char ***argv, struct bpf_map_info *info)
{
	__u32 id;
	int fd;

	if (parse_id(argc, argv, &id) || dev_open())
		return -1;
	fd = map_fd_by_id(id);
	if (fd < 0)
		return -1;
	if (map_info(fd, info)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void show_map(int fd, const struct bpf_map_info *info)
{
	const char *type = map_type_name(info->type);
	char buf[32];

	printf("%u: ", info->id);
	if (type)
		printf("%s  ", type);
	else
		printf("type %u  ", info->type);
	if (info->name[0])
		printf("name %.*s  ", (int)sizeof(info->name), info->name);
	printf("flags 0x%x\n", info->map_flags);
	printf("\tkey %uB  value %uB  max_entries %u", info->key_size,
	       info->value_size, info->max_entries);
	if (!fdinfo_get(fd, "memlock", buf, sizeof(buf)))
		printf("  memlock %sB", buf);
	if (!fdinfo_get(fd, "frozen", buf, sizeof(buf)) && strcmp(buf, "0"))
		printf("\n\tfrozen");
	printf("\n");
}

/* "map list", "map show [id N]": every map, or one. */
static int do_show(int argc, char **argv)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	int fd, ret;
	__u32 id;

	if (argc > 0) {
		fd = map_open(&argc, &argv, &info);
		if (fd < 0)
			return -1;
		ret = expect_no_args(argc, argv);
		if (!ret)
			show_map(fd, &info);
		close(fd);
		return ret;
	}
	if (dev_open())
		return -1;
	id = 0;
	for (;;) {
		ret = next_id(BPF_MAP_GET_NEXT_ID, &id);
		if (ret)
			return ret < 0 ? -1 : 0;
		memset(&attr, 0, sizeof(attr));
		attr.map_id = id;
		fd = sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr);
		if (fd < 0) {
			/* Freed since GET_NEXT_ID saw it. */
			if (errno == ENOENT)
				continue;
			return p_err(errno, "get map by id %u", id);
		}
		if (map_info(fd, &info)) {
			close(fd);
			return -1;
		}
		show_map(fd, &info);
		close(fd);
	}
}

static int do_freeze(int argc, char **argv)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	int fd, ret = -1;

	fd = map_open(&argc, &argv, &info);
	if (fd < 0)
		return -1;
	if (expect_no_args(argc, argv))
		goto out;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	if (sys_bpf(BPF_MAP_FREEZE, &attr)) {
		p_err(errno, "freeze map");
		goto out;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static int do_create(int argc, char **argv)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	__u32 hold_secs = 0;
	bool holding = false;
	int type, fd;

	memset(&attr, 0, sizeof(attr));
	/* "map create TYPE ...", or bpftool's "map create ... type TYPE ...". */
	if (argc > 0 && !strcmp(argv[0], "type")) {
		argc--;
		argv++;
	}
	if (argc < 1)
		return p_err(EINVAL, "expected a map type (array, hash, ...)");
	type = map_type_by_name(argv[0]);
	if (type < 0)
		return p_err(EINVAL, "unknown map type '%s'", argv[0]);
	attr.map_type = type;
	argc--;
	argv++;

	while (argc > 0) {
		const char *w = argv[0];

		if (argc < 2)
			return p_err(EINVAL, "'%s' needs a value", w);
		if (!strcmp(w, "key")) {
			if (parse_u32("key", argv[1], &attr.key_size))
				return -1;
		} else if (!strcmp(w, "value")) {
			if (parse_u32("value", argv[1], &attr.value_size))
				return -1;
		} else if (!strcmp(w, "entries")) {
			if (parse_u32("entries", argv[1], &attr.max_entries))
				return -1;
		} else if (!strcmp(w, "flags")) {
			if (parse_u32("flags", argv[1], &attr.map_flags))
				return -1;
		} else if (!strcmp(w, "name")) {
			if (strlen(argv[1]) >= sizeof(attr.map_name))
				return p_err(EINVAL, "name '%s' is longer than %zu characters",
					     argv[1], sizeof(attr.map_name) - 1);
			strcpy(attr.map_name, argv[1]);
		} else if (!strcmp(w, "--hold")) {
			if (parse_u32("--hold", argv[1], &hold_secs))
				return -1;
			holding = true;
		} else {
			return p_err(EINVAL, "unexpected argument '%s'", w);
		}
		argc -= 2;
		argv += 2;
	}

	if (dev_open())
		return -1;
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (fd < 0)
		return p_err(errno, "create map");
	if (map_info(fd, &info)) {
		close(fd);
		return -1;
	}
	printf("id %u\n", info.id);
	fflush(stdout);
	if (holding)
		hold(hold_secs);
	close(fd);
	return 0;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Usage: kbpftool map { list | show id ID | dump id ID }\n"
	       "       kbpftool map lookup id ID key BYTES\n"
	       "       kbpftool map update id ID key BYTES value BYTES [any|noexist|exist]\n"
	       "       kbpftool map freeze id ID\n"
	       "       kbpftool map create TYPE key N value N entries N [name NAME]\n"
	       "                           [flags N] [--hold SECONDS]\n"
	       "BYTES: one hex token per byte, e.g. 'key 0 0 0 0 value 0x2a ff 0 0 0 0 0 0'.\n"
	       "TYPE: array, hash, percpu_array, ... (bpftool's names).\n"
	       "--hold keeps the new map's fd open for SECONDS (until SIGINT/SIGTERM):\n"
	       "kbpf has no pinning yet, so a map lives only as long as some fd to it.\n");
	return 0;
}

static const struct cmd map_cmds[] = {
	{ "show",	do_show },
	{ "list",	do_show },
	{ "dump",	do_map_dump },
	{ "lookup",	do_map_lookup },
	{ "update",	do_map_update },
	{ "freeze",	do_freeze },
	{ "create",	do_create },
	{ "help",	do_help },
};

int do_map(int argc, char **argv)
{
	return cmd_select(map_cmds, ARRAY_SIZE(map_cmds), "map", argc, argv);
}
