// SPDX-License-Identifier: GPL-2.0
/*
 * kbpftool prog: list/show loaded programs in bpftool's plain format.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kbpftool.h"

/*
 * Read prog info, with a second call for the map ids if there are any.
 * *map_ids is malloc'd (NULL when none) and holds info->nr_map_ids ids.
 */
static int prog_info(int fd, struct bpf_prog_info *info, __u32 **map_ids)
{
	union bpf_attr attr;
	__u32 nr;

	*map_ids = NULL;
	memset(info, 0, sizeof(*info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (__u64)(unsigned long)info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		return p_err(errno, "get prog info");
	nr = info->nr_map_ids;
	if (!nr)
		return 0;

	*map_ids = calloc(nr, sizeof(**map_ids));
	if (!*map_ids)
		return p_err(ENOMEM, "get prog info");
	memset(info, 0, sizeof(*info));
	info->nr_map_ids = nr;
	info->map_ids = (__u64)(unsigned long)*map_ids;
	attr.info.info_len = sizeof(*info);
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr)) {
		free(*map_ids);
		*map_ids = NULL;
		return p_err(errno, "get prog info");
	}
	/* Fewer maps now than a moment ago: print only those we have. */
	if (info->nr_map_ids > nr)
		info->nr_map_ids = nr;
	return 0;
}

/* load_time is in ns since boot; print it as wall-clock time like bpftool. */
static void print_load_time(__u64 load_time)
{
	struct timespec real, boot;
	char buf[64];
	struct tm tm;
	time_t t;

	if (clock_gettime(CLOCK_REALTIME, &real) ||
	    clock_gettime(CLOCK_BOOTTIME, &boot))
		return;
	t = real.tv_sec - (boot.tv_sec - (time_t)(load_time / 1000000000ULL));
	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%FT%T%z", &tm))
		return;
	printf("loaded_at %s  ", buf);
}

static void show_prog(int fd, const struct bpf_prog_info *info,
		      const __u32 *map_ids)
{
	const char *type = prog_type_name(info->type);
	char buf[32];
	__u32 i;

	printf("%u: ", info->id);
	if (type)
		printf("%s  ", type);
	else
		printf("type %u  ", info->type);
	if (info->name[0])
		printf("name %.*s  ", (int)sizeof(info->name), info->name);
	/* bpftool prints the tag as one hex word. */
	printf("tag ");
	for (i = 0; i < sizeof(info->tag); i++)
		printf("%02x", info->tag[i]);
	if (info->gpl_compatible)
		printf("  gpl");
	printf("\n\t");
	print_load_time(info->load_time);
	printf("uid %u\n", info->created_by_uid);
	printf("\txlated %uB", info->xlated_prog_len);
	if (info->jited_prog_len)
		printf("  jited %uB", info->jited_prog_len);
	else
		printf("  not jited");
	if (!fdinfo_get(fd, "memlock", buf, sizeof(buf)))
		printf("  memlock %sB", buf);
	for (i = 0; i < info->nr_map_ids; i++)
		printf("%s%u", i ? "," : "  map_ids ", map_ids[i]);
	printf("\n");
}

/* "prog list", "prog show": every program; nothing when there is none. */
static int do_show(int argc, char **argv)
{
	struct bpf_prog_info info;
	union bpf_attr attr;
	__u32 id = 0, *map_ids;
	int fd, ret;

	if (expect_no_args(argc, argv) || dev_open())
		return -1;
	for (;;) {
		ret = next_id(BPF_PROG_GET_NEXT_ID, &id);
		if (ret)
			return ret < 0 ? -1 : 0;
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = id;
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		if (fd < 0) {
			/* Unloaded since GET_NEXT_ID saw it. */
			if (errno == ENOENT)
				continue;
			return p_err(errno, "get prog by id %u", id);
		}
		if (prog_info(fd, &info, &map_ids)) {
			close(fd);
			return -1;
		}
		show_prog(fd, &info, map_ids);
		free(map_ids);
		close(fd);
	}
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("Usage: kbpftool prog { list | show }\n"
	       "       kbpftool prog load FILE TYPE [name NAME] [map id ID]...\n"
	       "                          [--log] [--hold SECONDS]\n"
	       "       kbpftool prog run id ID [data HEX_BYTES...] [repeat N]\n"
	       "\n"
	       "FILE holds raw eBPF instructions (8 bytes each, little-endian).\n"
	       "An LD_IMM64 with src_reg BPF_PSEUDO_MAP_FD and imm N refers to the\n"
	       "N-th 'map id' given. --log prints the verifier log (level 2);\n"
	       "--hold keeps the program loaded for SECONDS (kbpf has no pinning).\n"
	       "run executes the program once (or N times) with BPF_PROG_TEST_RUN.\n");
	return 0;
}

static const struct cmd prog_cmds[] = {
	{ "show",	do_show },
	{ "list",	do_show },
	{ "load",	do_prog_load },
	{ "run",	do_prog_run },
	{ "help",	do_help },
};

int do_prog(int argc, char **argv)
{
	return cmd_select(prog_cmds, ARRAY_SIZE(prog_cmds), "prog", argc, argv);
}
