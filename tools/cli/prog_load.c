// SPDX-License-Identifier: GPL-2.0
/*
 * kbpftool prog load / prog run: load raw eBPF bytecode (what kbpf-run
 * reads: 8-byte little-endian instructions) and run a loaded program with
 * BPF_PROG_TEST_RUN. Until kbpf has an ELF loader these are the way to get
 * a program into /dev/kbpf from a shell.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbpftool.h"

#define MAX_MAPS	64
#define MAX_DATA	4096
#define LOG_SIZE	(1 << 20)

/* The whole file, which must be a multiple of one instruction. */
static struct bpf_insn *read_insns(const char *path, __u32 *cnt)
{
	struct bpf_insn *insns;
	struct stat st;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		p_err(errno, "open %s", path);
		return NULL;
	}
	if (fstat(fd, &st) || !st.st_size || st.st_size % sizeof(*insns) ||
	    st.st_size > (off_t)(1000000 * sizeof(*insns))) {
		p_err(EINVAL, "%s: not a whole number of 8-byte instructions",
		      path);
		close(fd);
		return NULL;
	}
	insns = malloc(st.st_size);
	got = insns ? read(fd, insns, st.st_size) : -1;
	close(fd);
	if (got != st.st_size) {
		p_err(got < 0 ? errno : EIO, "read %s", path);
		free(insns);
		return NULL;
	}
	*cnt = st.st_size / sizeof(*insns);
	return insns;
}

/*
 * "map ID" arguments become fds in the order given; an LD_IMM64 with
 * src_reg BPF_PSEUDO_MAP_FD (or _VALUE) and imm N refers to the N-th one,
 * so a program file needs no knowledge of the fds of this process.
 */
static int resolve_maps(struct bpf_insn *insns, __u32 cnt, const int *fds,
			__u32 nr_fds)
{
	__u32 i;

	for (i = 0; i + 1 < cnt; i++) {
		struct bpf_insn *insn = &insns[i];

		if (insn->code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (insn->src_reg == BPF_PSEUDO_MAP_FD ||
		    insn->src_reg == BPF_PSEUDO_MAP_VALUE) {
			if ((__u32)insn->imm >= nr_fds)
				return p_err(EINVAL, "insn %u refers to map %d, but %u 'map id' given",
					     i, insn->imm, nr_fds);
			insn->imm = fds[insn->imm];
		}
		i++;
	}
	return 0;
}

static int prog_id_of(int fd, __u32 *id)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		return p_err(errno, "get prog info");
	*id = info.id;
	return 0;
}

/* Print the verifier log, or its tail when it is long. */
static void print_log(const char *log, bool all)
{
	size_t len = strlen(log);
	const char *p = log;
	int lines = 0;

	if (!all) {
		for (p = log + len; p > log; p--) {
			if (p[-1] == '\n' && p != log + len && ++lines > 20)
				break;
		}
	}
	fprintf(stderr, "%s%s", p, len && log[len - 1] != '\n' ? "\n" : "");
}

/*
 * "prog load FILE TYPE [name NAME] [map id ID]... [--log] [--hold SECONDS]":
 * print the new program's id; --hold keeps it loaded for that long.
 */
int do_prog_load(int argc, char **argv)
{
	int map_fds[MAX_MAPS], type, fd, ret = -1;
	__u32 nr_maps = 0, hold_secs = 0, id, i;
	bool holding = false, show_log = false;
	struct bpf_insn *insns;
	union bpf_attr attr;
	char *log = NULL;
	__u32 cnt;

	if (argc < 2)
		return p_err(EINVAL, "expected FILE TYPE");
	memset(&attr, 0, sizeof(attr));
	type = prog_type_by_name(argv[1]);
	if (type < 0)
		return p_err(EINVAL, "unknown program type '%s'", argv[1]);
	attr.prog_type = type;
	insns = read_insns(argv[0], &cnt);
	if (!insns)
		return -1;
	argc -= 2;
	argv += 2;
	if (dev_open())
		goto out;

	while (argc > 0) {
		const char *w = argv[0];

		if (!strcmp(w, "--log")) {
			show_log = true;
			argc--;
			argv++;
			continue;
		}
		if (argc < 2) {
			p_err(EINVAL, "'%s' needs a value", w);
			goto out;
		}
		if (!strcmp(w, "name")) {
			if (strlen(argv[1]) >= sizeof(attr.prog_name)) {
				p_err(EINVAL, "name '%s' is longer than %zu characters",
				      argv[1], sizeof(attr.prog_name) - 1);
				goto out;
			}
			strcpy(attr.prog_name, argv[1]);
		} else if (!strcmp(w, "map")) {
			argc--;
			argv++;
			if (nr_maps == MAX_MAPS) {
				p_err(E2BIG, "more than %d maps", MAX_MAPS);
				goto out;
			}
			if (parse_id(&argc, &argv, &id))
				goto out;
			map_fds[nr_maps] = map_fd_by_id(id);
			if (map_fds[nr_maps] < 0)
				goto out;
			nr_maps++;
			continue;
		} else if (!strcmp(w, "--hold")) {
			if (parse_u32("--hold", argv[1], &hold_secs))
				goto out;
			holding = true;
		} else {
			p_err(EINVAL, "unexpected argument '%s'", w);
			goto out;
		}
		argc -= 2;
		argv += 2;
	}
	if (resolve_maps(insns, cnt, map_fds, nr_maps))
		goto out;

	log = calloc(1, LOG_SIZE);
	if (!log) {
		p_err(ENOMEM, "log buffer");
		goto out;
	}
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = cnt;
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = LOG_SIZE;
	attr.log_level = show_log ? 2 : 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		int err = errno;

		print_log(log, show_log);
		p_err(err, "load program");
		goto out;
	}
	if (show_log)
		print_log(log, true);
	if (prog_id_of(fd, &id)) {
		close(fd);
		goto out;
	}
	printf("id %u\n", id);
	fflush(stdout);
	/* The program holds its maps now; their fds here are not needed. */
	for (i = 0; i < nr_maps; i++)
		close(map_fds[i]);
	nr_maps = 0;
	if (holding)
		hold(hold_secs);
	close(fd);
	ret = 0;
out:
	for (i = 0; i < nr_maps; i++)
		close(map_fds[i]);
	free(log);
	free(insns);
	return ret;
}

/* "prog run id ID [data BYTES...] [repeat N]": one BPF_PROG_TEST_RUN. */
int do_prog_run(int argc, char **argv)
{
	static __u8 data_in[MAX_DATA], data_out[MAX_DATA];
	__u32 id, repeat = 1, len = 0;
	union bpf_attr attr;
	int fd, ret = -1;

	if (parse_id(&argc, &argv, &id))
		return -1;
	while (argc > 0) {
		if (!strcmp(argv[0], "data")) {
			argc--;
			argv++;
			while (argc > 0 && strcmp(argv[0], "repeat")) {
				char *end;
				unsigned long v = strtoul(argv[0], &end, 16);

				if (*end || v > 0xff || len == MAX_DATA)
					return p_err(EINVAL, "data: '%s' is not a hex byte (or more than %d bytes)",
						     argv[0], MAX_DATA);
				data_in[len++] = v;
				argc--;
				argv++;
			}
		} else if (!strcmp(argv[0], "repeat") && argc > 1) {
			if (parse_u32("repeat", argv[1], &repeat))
				return -1;
			argc -= 2;
			argv += 2;
		} else {
			return p_err(EINVAL, "unexpected argument '%s'", argv[0]);
		}
	}
	if (dev_open())
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return p_err(errno, "get prog by id %u", id);

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.repeat = repeat;
	if (len) {
		attr.test.data_in = (__u64)(unsigned long)data_in;
		attr.test.data_size_in = len;
		attr.test.data_out = (__u64)(unsigned long)data_out;
		attr.test.data_size_out = sizeof(data_out);
	}
	if (sys_bpf(BPF_PROG_TEST_RUN, &attr)) {
		p_err(errno, "test run of prog %u", id);
		goto out;
	}
	printf("retval %u (0x%x)  duration %u ns  repeat %u\n",
	       attr.test.retval, attr.test.retval, attr.test.duration, repeat);
	ret = 0;
out:
	close(fd);
	return ret;
}
