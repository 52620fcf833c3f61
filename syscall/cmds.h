/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One handler per enum bpf_cmd. The dispatcher has already copied attr in
 * and checked that the fields past the command's last one are zero; uattr
 * is where results that bpf(2) writes back into the attr go.
 */
#ifndef KBPF_SYSCALL_CMDS_H
#define KBPF_SYSCALL_CMDS_H

#include <linux/compiler_types.h>

union bpf_attr;

typedef int (*kbpf_cmd_fn)(union bpf_attr *attr, union bpf_attr __user *uattr);

/* syscall/link_create.c */
int kbpf_cmd_link_create(union bpf_attr *attr, union bpf_attr __user *uattr);

/* syscall/map.c */
int kbpf_cmd_map_create(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_map_lookup_elem(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_map_update_elem(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_map_delete_elem(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_map_get_next_key(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_map_lookup_and_delete_elem(union bpf_attr *attr,
					union bpf_attr __user *uattr);
int kbpf_cmd_map_freeze(union bpf_attr *attr, union bpf_attr __user *uattr);

/* syscall/map_batch.c */
int kbpf_cmd_map_lookup_batch(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_map_lookup_and_delete_batch(union bpf_attr *attr,
					 union bpf_attr __user *uattr);
int kbpf_cmd_map_update_batch(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_map_delete_batch(union bpf_attr *attr, union bpf_attr __user *uattr);

/* syscall/obj_id.c */
int kbpf_cmd_prog_get_next_id(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_map_get_next_id(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_prog_get_fd_by_id(union bpf_attr *attr, union bpf_attr __user *uattr);
int kbpf_cmd_map_get_fd_by_id(union bpf_attr *attr, union bpf_attr __user *uattr);

/* syscall/obj_info.c */
int kbpf_cmd_obj_get_info_by_fd(union bpf_attr *attr, union bpf_attr __user *uattr);

/* syscall/prog_load.c */
int kbpf_cmd_prog_load(union bpf_attr *attr, union bpf_attr __user *uattr);

/* syscall/test_run.c */
int kbpf_cmd_prog_test_run(union bpf_attr *attr, union bpf_attr __user *uattr);

#endif /* KBPF_SYSCALL_CMDS_H */
