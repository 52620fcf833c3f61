// SPDX-License-Identifier: GPL-2.0
/*
 * What a process without capabilities may do. /dev/kbpf is root's (0600),
 * and even with a /dev/kbpf fd handed down, creating objects or reaching
 * them by id needs privilege, as with kernel.unprivileged_bpf_disabled set;
 * a map fd it was given works like any other fd it holds.
 *
 * The checks run in a child that dropped to nobody. It writes its result
 * lines into a pipe; the parent relays them, and reports the cases the
 * child never got to if it died on the way.
 */
#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>

#include <linux/kbpf.h>

#include "kt.h"

#define NOBODY 65534

enum {
	C_DROP_PRIVILEGES,
	C_OPEN_DEV_RDWR,
	C_OPEN_DEV_RDONLY,
	C_MAP_CREATE,
	C_PROG_LOAD,
	C_MAP_GET_NEXT_ID,
	C_PROG_GET_NEXT_ID,
	C_MAP_GET_FD_BY_ID,
	C_PROG_GET_FD_BY_ID,
	C_MAP_FREEZE,
	C_LOOKUP_INHERITED_FD,
	C_UPDATE_INHERITED_FD,
	C_GET_NEXT_KEY_INHERITED_FD,
	C_INFO_INHERITED_FD,
	NR_CASES
};

static const char *const cases[NR_CASES] = {
	[C_DROP_PRIVILEGES] = "drop_privileges",
	[C_OPEN_DEV_RDWR] = "open_dev_rdwr",
	[C_OPEN_DEV_RDONLY] = "open_dev_rdonly",
	[C_MAP_CREATE] = "map_create",
	[C_PROG_LOAD] = "prog_load",
	[C_MAP_GET_NEXT_ID] = "map_get_next_id",
	[C_PROG_GET_NEXT_ID] = "prog_get_next_id",
	[C_MAP_GET_FD_BY_ID] = "map_get_fd_by_id",
	[C_PROG_GET_FD_BY_ID] = "prog_get_fd_by_id",
	[C_MAP_FREEZE] = "map_freeze",
	[C_LOOKUP_INHERITED_FD] = "lookup_inherited_fd",
	[C_UPDATE_INHERITED_FD] = "update_inherited_fd",
	[C_GET_NEXT_KEY_INHERITED_FD] = "get_next_key_inherited_fd",
	[C_INFO_INHERITED_FD] = "info_inherited_fd",
};

/* A one-call case of the child's that must fail with err. */
static void expect(int c, long ret, int err)
{
	kt_expect_errno(cases[c], ret, err);
}

static int child(int map_fd, __u32 map_id, __u64 value)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	__u64 out = 0, in = value + 1;
	__u32 key = 0, next;
	bool ok;

	ok = kt_check_ok(setgroups(0, NULL), "setgroups") &&
	     kt_check_ok(setgid(NOBODY), "setgid(65534)") &&
	     kt_check_ok(setuid(NOBODY), "setuid(65534)") &&
	     kt_check_u64(geteuid(), NOBODY, "euid") &&
	     /* No way back: the capabilities went with uid 0. */
	     kt_check_errno(setuid(0), EPERM, "setuid(0) after the drop");
	kt_verdict(cases[C_DROP_PRIVILEGES], ok);
	if (!ok)
		return 1;

	expect(C_OPEN_DEV_RDWR, open(KBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC), EACCES);
	expect(C_OPEN_DEV_RDONLY, open(KBPF_DEVICE_PATH, O_RDONLY | O_CLOEXEC), EACCES);

	/* From here on through the /dev/kbpf fd the parent opened. */
	expect(C_MAP_CREATE, kt_array_create(8, 1, 0), EPERM);
	/* Refused before attr is even read, like object creation in bpf(2). */
	kt_attr_zero(&attr);
	expect(C_PROG_LOAD, kt_bpf(BPF_PROG_LOAD, &attr), EPERM);
	expect(C_MAP_GET_NEXT_ID, kt_next_id(BPF_MAP_GET_NEXT_ID, 0, &next), EPERM);
	expect(C_PROG_GET_NEXT_ID, kt_next_id(BPF_PROG_GET_NEXT_ID, 0, &next), EPERM);
	expect(C_MAP_GET_FD_BY_ID, kt_map_fd_by_id(map_id, 0), EPERM);
	kt_attr_zero(&attr);
	attr.prog_id = 1;
	expect(C_PROG_GET_FD_BY_ID, kt_bpf(BPF_PROG_GET_FD_BY_ID, &attr), EPERM);
	expect(C_MAP_FREEZE, kt_map_freeze(map_fd), EPERM);

	/* A map fd it was handed works as for anyone holding it. */
	ok = kt_check_ok(kt_map_lookup(map_fd, &key, &out, 0), "lookup") &&
	     kt_check_u64(out, value, "value the parent stored");
	kt_verdict(cases[C_LOOKUP_INHERITED_FD], ok);
	/* Succeeds only if the refused MAP_FREEZE left the map unfrozen. */
	ok = kt_check_ok(kt_map_update(map_fd, &key, &in, BPF_ANY), "update") &&
	     kt_check_ok(kt_map_lookup(map_fd, &key, &out, 0), "lookup") &&
	     kt_check_u64(out, in, "value after update");
	kt_verdict(cases[C_UPDATE_INHERITED_FD], ok);
	kt_expect_ok(cases[C_GET_NEXT_KEY_INHERITED_FD],
		     kt_map_next_key(map_fd, NULL, &next));
	ok = kt_check_ok(kt_map_info(map_fd, &info), "OBJ_GET_INFO_BY_FD") &&
	     kt_check_u64(info.id, map_id, "info.id");
	kt_verdict(cases[C_INFO_INHERITED_FD], ok);
	return kt_done();
}

/* "KBPF-TEST <VERDICT> <bin>/<case>[: reason]": the case name, or NULL. */
static const char *line_case(char *line, char *name, size_t len)
{
	const char *p = strchr(line, '/');
	size_t n;

	if (strncmp(line, "KBPF-TEST ", 10) || !p)
		return NULL;
	p++;
	n = strcspn(p, ":\n");
	if (n >= len)
		return NULL;
	memcpy(name, p, n);
	name[n] = '\0';
	return name;
}

int main(int argc, char **argv)
{
	bool seen[NR_CASES] = { false };
	bool drop_failed = false, fail;
	__u64 value = 0x1122334455667788ull;
	char line[1024], name[64], status[64];
	int map_fd, pipefd[2], wstatus;
	__u32 key = 0, map_id;
	FILE *in;
	pid_t pid;
	size_t i;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	map_fd = kt_array_create(sizeof(value), 1, 0);
	map_id = map_fd < 0 ? 0 : kt_map_id(map_fd);
	if (map_fd < 0 || !map_id || kt_map_update(map_fd, &key, &value, BPF_ANY)) {
		kt_fail("setup", "MAP_CREATE/update as root: %s", kt_errname(errno));
		return kt_done();
	}
	if (pipe(pipefd)) {
		kt_fail("setup", "pipe: %s", kt_errname(errno));
		return kt_done();
	}

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		kt_fail("setup", "fork: %s", kt_errname(errno));
		return kt_done();
	}
	if (pid == 0) {
		close(pipefd[0]);
		kt_set_output(fdopen(pipefd[1], "w"));
		_exit(child(map_fd, map_id, value));
	}

	close(pipefd[1]);
	in = fdopen(pipefd[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		/* Relay the child's line as it is; count its failures here. */
		fputs(line, stdout);
		fflush(stdout);
		fail = !strncmp(line, "KBPF-TEST FAIL ", 15);
		if (fail)
			kt_failures++;
		if (!line_case(line, name, sizeof(name)))
			continue;
		if (fail && !strcmp(name, cases[C_DROP_PRIVILEGES]))
			drop_failed = true;
		for (i = 0; i < KT_ARRAY_SIZE(cases); i++)
			if (!strcmp(name, cases[i]))
				seen[i] = true;
	}
	if (in)
		fclose(in);

	if (waitpid(pid, &wstatus, 0) != pid)
		snprintf(status, sizeof(status), "waitpid: %s", kt_errname(errno));
	else if (WIFSIGNALED(wstatus))
		snprintf(status, sizeof(status), "killed by signal %d",
			 WTERMSIG(wstatus));
	else
		snprintf(status, sizeof(status), "exit status %d",
			 WEXITSTATUS(wstatus));

	/* The child's exit status must agree with the lines it wrote. */
	snprintf(line, sizeof(line), "exit status %d", kt_failures ? 1 : 0);
	if (strcmp(status, line))
		kt_fail("child_exit", "expected %s, got %s", line, status);
	else
		kt_pass("child_exit");
	for (i = 0; i < KT_ARRAY_SIZE(cases); i++) {
		if (seen[i])
			continue;
		/* A failed privilege drop stops the child on purpose. */
		if (drop_failed)
			kt_skip(cases[i], "privileges were not dropped");
		else
			kt_fail(cases[i], "the child never reported it (%s)",
				status);
	}
	close(map_fd);
	return kt_done();
}
