// SPDX-License-Identifier: GPL-2.0
/*
 * kbpftool helpers shared by every object: error reporting, bpftool-style
 * argument parsing, the device, fdinfo and hex output.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kbpf.h>

#include "kbpf.h"
#include "kbpftool.h"

/*
 * Print "Error: <fmt>: <strerror(err)>" on stderr and return -1. An err of
 * 0 leaves the strerror part out, for errors that have no errno.
 */
int p_err(int err, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	return -1;
}

/* "EINVAL" for EINVAL; a static "errno N" for values glibc has no name for. */
const char *errno_name(int err)
{
	static char buf[24];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* bpftool's abbreviations: "sh" selects "show". */
bool is_prefix(const char *arg, const char *word)
{
	size_t len = strlen(arg);

	return len && !strncmp(arg, word, len);
}

/*
 * Run the first command of cmds whose name argv[0] abbreviates, with the
 * rest of the arguments. No argument at all runs cmds[0], as in bpftool.
 */
int cmd_select(const struct cmd *cmds, size_t n, const char *object,
	       int argc, char **argv)
{
	size_t i;

	if (argc < 1)
		return cmds[0].fn(0, argv);
	for (i = 0; i < n; i++) {
		if (is_prefix(argv[0], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	}
	return p_err(EINVAL, "unknown %s command '%s' (try 'kbpftool %s help')",
		     object, argv[0], object);
}

int parse_u32(const char *what, const char *s, __u32 *val)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!s || !isdigit((unsigned char)*s))
		return p_err(EINVAL, "%s: expected a number, got '%s'", what,
			     s ? s : "nothing");
	v = strtoull(s, &end, 0);
	if (*end)
		return p_err(EINVAL, "%s: '%s' is not a number", what, s);
	if (errno || v > 0xffffffffULL)
		return p_err(ERANGE, "%s: %s", what, s);
	*val = v;
	return 0;
}

/* The words that end a run of bytes in "key BYTES value BYTES [FLAG]". */
static bool is_keyword(const char *s)
{
	static const char *const words[] = {
		"key", "value", "any", "noexist", "exist",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (!strcmp(s, words[i]))
			return true;
	}
	return false;
}

/*
 * Parse bytes given bpftool-style, one token each ("0 0 0 0", "0x1f ff"),
 * up to the next keyword or the end. Unlike bpftool, whose tokens are C
 * numbers unless preceded by "hex", they are always hexadecimal; "hex" is
 * accepted and ignored. Exactly n bytes are wanted.
 */
int parse_bytes(const char *what, int *argc, char ***argv, __u8 *buf, __u32 n)
{
	__u32 i = 0;

	if (*argc > 0 && !strcmp(**argv, "hex")) {
		(*argc)--;
		(*argv)++;
	}
	while (*argc > 0 && !is_keyword(**argv)) {
		const char *s = **argv;
		unsigned long v;
		char *end;

		if (!isxdigit((unsigned char)*s))
			return p_err(EINVAL, "%s: '%s' is not a hex byte",
				     what, s);
		errno = 0;
		v = strtoul(s, &end, 16);
		if (*end || errno || v > 0xff)
			return p_err(EINVAL, "%s: '%s' is not a hex byte",
				     what, s);
		if (i < n)
			buf[i] = v;
		i++;
		(*argc)--;
		(*argv)++;
	}
	if (i != n)
		return p_err(EINVAL, "%s: expected %u byte%s, got %u", what, n,
			     n == 1 ? "" : "s", i);
	return 0;
}

/* "id N", the only way to name an object while kbpf has no pinning. */
int parse_id(int *argc, char ***argv, __u32 *id)
{
	if (*argc < 2 || strcmp((*argv)[0], "id"))
		return p_err(EINVAL, "expected 'id ID'");
	if (parse_u32("id", (*argv)[1], id))
		return -1;
	*argc -= 2;
	*argv += 2;
	return 0;
}

int expect_no_args(int argc, char **argv)
{
	if (argc > 0)
		return p_err(EINVAL, "unexpected argument '%s'", argv[0]);
	return 0;
}

/* Open /dev/kbpf now, so a missing module is reported as such. */
int dev_open(void)
{
	if (kbpf_dev_fd() < 0)
		return p_err(errno, "open %s (is kbpf.ko loaded?)",
			     KBPF_DEVICE_PATH);
	return 0;
}

long sys_bpf(int cmd, union bpf_attr *attr)
{
	return kbpf_sys_bpf(cmd, attr, sizeof(*attr));
}

/*
 * Advance *id to the next object id with cmd (BPF_{MAP,PROG}_GET_NEXT_ID).
 * Returns 0, 1 past the last object, or -1 after printing an error.
 */
int next_id(int cmd, __u32 *id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = *id;
	if (sys_bpf(cmd, &attr)) {
		if (errno == ENOENT)
			return 1;
		return p_err(errno, "get next id after %u", *id);
	}
	*id = attr.next_id;
	return 0;
}

/*
 * Copy the value of the "key:\tvalue" line of /proc/self/fdinfo/<fd> into
 * buf. Returns 0, or -1 (quietly) if the line or the file is missing.
 */
int fdinfo_get(int fd, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	char path[64], line[256];
	int ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + klen + 1;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(buf, size, "%s", v);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* Bytes as bpftool prints them: "01 02 0a". */
void print_hex(const void *buf, size_t len)
{
	const __u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		printf("%s%02x", i ? " " : "", p[i]);
}

static volatile sig_atomic_t hold_stop;

static void hold_signal(int sig)
{
	(void)sig;
	hold_stop = 1;
}

/*
 * Keep the fds a command opened (an object's only reference while kbpf has
 * no pinning) for the given time;
 * SIGINT or SIGTERM end the hold early and still exit 0.
 */
void hold(__u32 seconds)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hold_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Only the object fds stay open: the /dev/kbpf one is not needed. */
	kbpf_close();
	while (seconds && !hold_stop)
		seconds = sleep(seconds);
}

/* An fd of the map with this id, or -1 after printing why not. */
int map_fd_by_id(__u32 id)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_id = id;
	fd = sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr);
	if (fd < 0)
		p_err(errno, "get map by id %u", id);
	return fd;
}
