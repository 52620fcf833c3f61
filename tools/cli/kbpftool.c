// SPDX-License-Identifier: GPL-2.0
/*
 * kbpftool: a bpftool-like command line for kbpf, speaking bpf(2) through
 * /dev/kbpf (tools/lib/kbpf.c). Built static: the test guests have no libc.
 *
 *	kbpftool feature
 *	kbpftool map { list | show | dump | lookup | update | freeze | create }
 *	kbpftool prog list
 *
 * Objects and commands may be abbreviated as in bpftool ("map sh id 1").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kbpftool.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kbpftool OBJECT COMMAND [ARGS]\n"
		"       kbpftool feature\n"
		"       kbpftool map { list | show id ID | dump id ID | lookup | update |\n"
		"                      freeze id ID | create | help }\n"
		"       kbpftool prog { list | help }\n"
		"OBJECT := { feature | map | prog }; 'kbpftool map help' for map syntax.\n");
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static const struct cmd objects[] = {
	{ "help",	do_help },
	{ "feature",	do_feature },
	{ "map",	do_map },
	{ "prog",	do_prog },
};

int main(int argc, char **argv)
{
	size_t i;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return do_help(0, NULL);
	for (i = 0; i < ARRAY_SIZE(objects); i++) {
		if (is_prefix(argv[1], objects[i].name))
			break;
	}
	if (i == ARRAY_SIZE(objects)) {
		p_err(EINVAL, "unknown object '%s' (try 'kbpftool help')", argv[1]);
		return 1;
	}
	ret = objects[i].fn(argc - 2, argv + 2);
	if (fflush(stdout))
		ret = -1;
	return ret ? 1 : 0;
}
