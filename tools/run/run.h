/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of kbpf-run (tools/run/) share: exit statuses, errors. */
#ifndef KBPF_TOOLS_RUN_RUN_H
#define KBPF_TOOLS_RUN_RUN_H

enum {
	EXIT_REJECTED = 1,	/* the program or a file was rejected */
	EXIT_USAGE = 2,		/* bad usage, or not in this build */
	EXIT_FAULT = 3,		/* the run faulted, timed out or disagreed */
};

/* Print "error: " and the message on stderr; returns status. */
__attribute__((__format__(__printf__, 2, 3)))
int fail(int status, const char *fmt, ...);

#endif /* KBPF_TOOLS_RUN_RUN_H */
