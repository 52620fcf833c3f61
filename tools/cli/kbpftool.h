/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbpftool: a bpftool-like command line over /dev/kbpf. What the object
 * commands (feature, map, prog) share.
 *
 * Convention: a command returns 0 on success, or -1 after printing
 * "Error: <what>: <strerror>" on stderr; main() turns that into exit 1.
 */
#ifndef KBPF_TOOLS_CLI_KBPFTOOL_H
#define KBPF_TOOLS_CLI_KBPFTOOL_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/bpf.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* common.c: errors, argument parsing, output helpers */
int p_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *errno_name(int err);
bool is_prefix(const char *arg, const char *word);
int cmd_select(const struct cmd *cmds, size_t n, const char *object,
	       int argc, char **argv);
int parse_u32(const char *what, const char *s, __u32 *val);
int parse_bytes(const char *what, int *argc, char ***argv, __u8 *buf, __u32 n);
int parse_id(int *argc, char ***argv, __u32 *id);
int expect_no_args(int argc, char **argv);
int dev_open(void);
long sys_bpf(int cmd, union bpf_attr *attr);
int next_id(int cmd, __u32 *id);
int fdinfo_get(int fd, const char *key, char *buf, size_t size);
void print_hex(const void *buf, size_t len);
void hold(__u32 seconds);
int map_fd_by_id(__u32 id);

/* names.c: the names of enum bpf_cmd, bpf_map_type and bpf_prog_type values */
unsigned int cmd_count(void);
unsigned int map_type_count(void);
const char *cmd_name(unsigned int cmd);
const char *map_type_name(__u32 type);
int map_type_by_name(const char *name);
bool map_type_per_cpu(__u32 type);
const char *prog_type_name(__u32 type);
int prog_type_by_name(const char *name);

/* feature.c, map.c, prog.c: the objects */
int do_feature(int argc, char **argv);
int do_map(int argc, char **argv);
int do_prog(int argc, char **argv);

/* prog_load.c: "prog load" and "prog run" */
int do_prog_load(int argc, char **argv);
int do_prog_run(int argc, char **argv);

#endif /* KBPF_TOOLS_CLI_KBPFTOOL_H */
