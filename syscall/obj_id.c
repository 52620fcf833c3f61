// SPDX-License-Identifier: GPL-2.0
/*
 * Walking objects by id: {PROG,MAP}_GET_NEXT_ID and {PROG,MAP}_GET_FD_BY_ID.
 * Both need CAP_SYS_ADMIN, as in Linux, since they reach objects the
 * caller was never given an fd for.
 */
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/uaccess.h>
#include <uapi/linux/bpf.h>

#include "../kmod/kbpf.h"
#include "cmds.h"

static int get_next_id(struct kbpf_ids *ids, union bpf_attr *attr,
		       union bpf_attr __user *uattr)
{
	u32 next_id;
	int err;

	if (attr->start_id >= INT_MAX)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = kbpf_id_next(ids, attr->start_id, &next_id);
	if (err)
		return err;
	return put_user(next_id, &uattr->next_id);
}

int kbpf_cmd_prog_get_next_id(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	return get_next_id(&kbpf_prog_ids, attr, uattr);
}

int kbpf_cmd_map_get_next_id(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	return get_next_id(&kbpf_map_ids, attr, uattr);
}

int kbpf_cmd_prog_get_fd_by_id(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct kbpf_prog *prog;
	int fd;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	prog = kbpf_prog_get_by_id(attr->prog_id);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	fd = kbpf_prog_new_fd(prog);
	if (fd < 0)
		kbpf_prog_put(prog);
	return fd;
}

int kbpf_cmd_map_get_fd_by_id(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct kbpf_map *map;
	int f_flags;
	int fd;

	if (attr->open_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	f_flags = kbpf_file_flags(attr->open_flags);
	if (f_flags < 0)
		return f_flags;
	map = kbpf_map_get_by_id(attr->map_id);
	if (IS_ERR(map))
		return PTR_ERR(map);
	fd = kbpf_map_new_fd(map, f_flags);
	if (fd < 0)
		kbpf_map_put(map);
	return fd;
}
