// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/kbpf/trace_pipe, bpf_trace_printk()'s output: there
 * while kbpf is loaded, root-only, empty until a program prints (no
 * program can be loaded yet), so a non-blocking read is EAGAIN and poll
 * reports nothing to read.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>

#include <linux/kbpf.h>

#include "kt.h"

#define TRACE_PIPE "/sys/kernel/debug/kbpf/trace_pipe"

int main(int argc, char **argv)
{
	struct pollfd pfd;
	struct stat st;
	char buf[256];
	ssize_t n;
	int fd;

	(void)argc;
	kt_init(argv[0]);
	if (stat("/sys/kernel/debug/kbpf", &st)) {
		if (stat("/sys/kernel/debug/kmemleak", &st) && errno == ENOENT &&
		    stat("/sys/kernel/debug/block", &st))
			kt_skip("trace_pipe_exists", "debugfs not mounted");
		else
			kt_fail("trace_pipe_exists", "no /sys/kernel/debug/kbpf: %s",
				strerror(errno));
		return kt_done();
	}
	if (stat(TRACE_PIPE, &st))
		kt_fail("trace_pipe_exists", "stat: %s", strerror(errno));
	else if ((st.st_mode & 0777) != 0400 || !S_ISREG(st.st_mode))
		kt_fail("trace_pipe_exists", "mode %o", st.st_mode);
	else
		kt_pass("trace_pipe_exists");

	fd = open(TRACE_PIPE, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		kt_fail("trace_pipe_open", "open: %s", strerror(errno));
		return kt_done();
	}
	kt_pass("trace_pipe_open");
	n = read(fd, buf, sizeof(buf));
	if (n == -1 && errno == EAGAIN)
		kt_pass("trace_pipe_empty_nonblock");
	else
		kt_fail("trace_pipe_empty_nonblock", "read: %s", kt_fmt_ret(n, errno));
	pfd.fd = fd;
	pfd.events = POLLIN;
	n = poll(&pfd, 1, 0);
	if (n == 0)
		kt_pass("trace_pipe_poll_empty");
	else
		kt_fail("trace_pipe_poll_empty", "poll: %s revents %x",
			kt_fmt_ret(n, errno), pfd.revents);
	if (lseek(fd, 0, SEEK_SET) == -1 && errno == ESPIPE)
		kt_pass("trace_pipe_no_seek");
	else
		kt_fail("trace_pipe_no_seek", "lseek did not fail with ESPIPE");
	close(fd);
	return kt_done();
}
