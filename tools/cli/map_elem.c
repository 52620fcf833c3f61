// SPDX-License-Identifier: GPL-2.0
/*
 * kbpftool map dump, lookup and update: a map's elements, read and written
 * as bpftool's hex bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "kbpftool.h"
#include "map.h"

/* Bytes of a value as the map commands move it: one slot per CPU if per-CPU. */
static size_t value_buf_size(const struct bpf_map_info *info, int *ncpus)
{
	*ncpus = 1;
	if (!map_type_per_cpu(info->type))
		return info->value_size;
	*ncpus = get_nprocs_conf();
	return (size_t)((info->value_size + 7) & ~7U) * *ncpus;
}

/* bpftool's plain element format: "key: 00 00 00 00  value: 01 02 ...". */
static void print_entry(const struct bpf_map_info *info, const __u8 *key,
			const __u8 *value)
{
	bool break_names = info->key_size > 16 || info->value_size > 16;
	bool single_line = info->key_size + info->value_size <= 24 &&
			   !break_names;
	size_t step = (info->value_size + 7) & ~7U;
	int i, ncpus;

	if (!map_type_per_cpu(info->type)) {
		printf("key:%c", break_names ? '\n' : ' ');
		print_hex(key, info->key_size);
		printf(single_line ? "  " : "\n");
		printf("value:%c", break_names ? '\n' : ' ');
		print_hex(value, info->value_size);
		printf("\n");
		return;
	}
	value_buf_size(info, &ncpus);
	printf("key:\n");
	print_hex(key, info->key_size);
	printf("\n");
	for (i = 0; i < ncpus; i++) {
		printf("value (CPU %02d):%c", i,
		       info->value_size > 16 ? '\n' : ' ');
		print_hex(value + i * step, info->value_size);
		printf("\n");
	}
}

int do_map_dump(int argc, char **argv)
{
	__u8 *key = NULL, *next = NULL, *value = NULL;
	struct bpf_map_info info;
	union bpf_attr attr;
	__u32 num = 0, walked = 0;
	int fd, ncpus, ret = -1;
	bool first = true;

	fd = map_open(&argc, &argv, &info);
	if (fd < 0)
		return -1;
	if (expect_no_args(argc, argv))
		goto out;
	key = calloc(1, (size_t)info.key_size + 1);
	next = calloc(1, (size_t)info.key_size + 1);
	value = calloc(1, value_buf_size(&info, &ncpus) + 1);
	if (!key || !next || !value) {
		p_err(ENOMEM, "map dump");
		goto out;
	}
	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = first ? 0 : (__u64)(unsigned long)key;
		attr.next_key = (__u64)(unsigned long)next;
		if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr)) {
			if (errno == ENOENT)
				break;
			p_err(errno, "get next key");
			goto out;
		}
		/* A map that hands out more keys than it can hold loops. */
		if (++walked > info.max_entries) {
			p_err(0, "get next key: more than max_entries (%u) keys",
			      info.max_entries);
			goto out;
		}
		first = false;
		memcpy(key, next, info.key_size);

		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = (__u64)(unsigned long)key;
		attr.value = (__u64)(unsigned long)value;
		if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr)) {
			/* Deleted since GET_NEXT_KEY returned it. */
			if (errno == ENOENT)
				continue;
			p_err(errno, "lookup map element");
			goto out;
		}
		print_entry(&info, key, value);
		num++;
	}
	printf("Found %u element%s\n", num, num == 1 ? "" : "s");
	ret = 0;
out:
	free(key);
	free(next);
	free(value);
	close(fd);
	return ret;
}

int do_map_lookup(int argc, char **argv)
{
	__u8 *key = NULL, *value = NULL;
	struct bpf_map_info info;
	union bpf_attr attr;
	int fd, ncpus, ret = -1;

	fd = map_open(&argc, &argv, &info);
	if (fd < 0)
		return -1;
	key = calloc(1, (size_t)info.key_size + 1);
	value = calloc(1, value_buf_size(&info, &ncpus) + 1);
	if (!key || !value) {
		p_err(ENOMEM, "map lookup");
		goto out;
	}
	if (argc < 1 || strcmp(argv[0], "key")) {
		p_err(EINVAL, "expected 'key BYTES'");
		goto out;
	}
	argc--;
	argv++;
	if (parse_bytes("key", &argc, &argv, key, info.key_size) ||
	    expect_no_args(argc, argv))
		goto out;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (__u64)(unsigned long)key;
	attr.value = (__u64)(unsigned long)value;
	if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr)) {
		p_err(errno, "lookup map element");
		goto out;
	}
	print_entry(&info, key, value);
	ret = 0;
out:
	free(key);
	free(value);
	close(fd);
	return ret;
}

int do_map_update(int argc, char **argv)
{
	bool have_key = false, have_value = false;
	__u8 *key = NULL, *value = NULL;
	struct bpf_map_info info;
	union bpf_attr attr;
	int fd, i, ncpus, ret = -1;
	__u64 flags = BPF_ANY;

	fd = map_open(&argc, &argv, &info);
	if (fd < 0)
		return -1;
	key = calloc(1, (size_t)info.key_size + 1);
	value = calloc(1, value_buf_size(&info, &ncpus) + 1);
	if (!key || !value) {
		p_err(ENOMEM, "map update");
		goto out;
	}
	while (argc > 0) {
		const char *w = argv[0];

		argc--;
		argv++;
		if (!strcmp(w, "key") && !have_key) {
			if (parse_bytes("key", &argc, &argv, key, info.key_size))
				goto out;
			have_key = true;
		} else if (!strcmp(w, "value") && !have_value) {
			if (parse_bytes("value", &argc, &argv, value,
					info.value_size))
				goto out;
			have_value = true;
		} else if (!strcmp(w, "any")) {
			flags = BPF_ANY;
		} else if (!strcmp(w, "noexist")) {
			flags = BPF_NOEXIST;
		} else if (!strcmp(w, "exist")) {
			flags = BPF_EXIST;
		} else {
			p_err(EINVAL, "unexpected argument '%s'", w);
			goto out;
		}
	}
	if (!have_key || !have_value) {
		p_err(EINVAL, "expected 'key BYTES value BYTES'");
		goto out;
	}
	/* Like bpftool: the one value given goes to every CPU's slot. */
	for (i = 1; i < ncpus; i++)
		memcpy(value + i * ((info.value_size + 7) & ~7U), value,
		       info.value_size);

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (__u64)(unsigned long)key;
	attr.value = (__u64)(unsigned long)value;
	attr.flags = flags;
	if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr)) {
		p_err(errno, "update map element");
		goto out;
	}
	ret = 0;
out:
	free(key);
	free(value);
	close(fd);
	return ret;
}
