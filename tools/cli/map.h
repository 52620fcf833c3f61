/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbpftool map internals: map.c (maps as objects) and map_elem.c (their
 * elements).
 */
#ifndef KBPF_TOOLS_CLI_MAP_H
#define KBPF_TOOLS_CLI_MAP_H

#include <linux/bpf.h>

/* map.c: "id N" -> an fd for the map, its info filled in; -1 on error. */
int map_open(int *argc, char ***argv, struct bpf_map_info *info);

/* map_elem.c */
int do_map_dump(int argc, char **argv);
int do_map_lookup(int argc, char **argv);
int do_map_update(int argc, char **argv);

#endif /* KBPF_TOOLS_CLI_MAP_H */
