// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_OBJ_GET_INFO_BY_FD for maps and programs. The info struct follows the
 * attr size rules: a caller built against a newer header may pass a larger
 * struct with a zero tail; kbpf writes back the length it filled.
 */
#include <linux/file.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>
#include <uapi/linux/bpf.h>

#include "../kmod/kbpf.h"
#include "attr.h"
#include "cmds.h"

static int map_get_info(struct kbpf_map *map, union bpf_attr *attr,
			union bpf_attr __user *uattr)
{
	struct bpf_map_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	u32 info_len = attr->info.info_len;
	struct bpf_map_info info;
	int err;

	err = kbpf_check_uarg_tail_zero(uinfo, sizeof(info), info_len);
	if (err)
		return err;
	info_len = min_t(u32, sizeof(info), info_len);

	memset(&info, 0, sizeof(info));
	info.type = map->map_type;
	info.id = map->id;
	info.key_size = map->key_size;
	info.value_size = map->value_size;
	info.max_entries = map->max_entries;
	info.map_flags = map->map_flags;
	info.map_extra = map->map_extra;
	memcpy(info.name, map->name, sizeof(map->name));

	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}

/* Copy min(user's length, ours) bytes of an array out to the caller. */
static int copy_array_out(u64 uptr, u32 ulen, const void *src, u32 len)
{
	if (!ulen || !len)
		return 0;
	if (copy_to_user(u64_to_user_ptr(uptr), src, min(ulen, len)))
		return -EFAULT;
	return 0;
}

static int prog_get_info(struct kbpf_prog *prog, union bpf_attr *attr,
			 union bpf_attr __user *uattr)
{
	struct bpf_prog_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	u32 info_len = attr->info.info_len;
	struct bpf_prog_info info;
	u32 i, ulen;
	int err;

	err = kbpf_check_uarg_tail_zero(uinfo, sizeof(info), info_len);
	if (err)
		return err;
	info_len = min_t(u32, sizeof(info), info_len);

	/* The caller's buffers and their sizes come in through the same struct. */
	memset(&info, 0, sizeof(info));
	if (copy_from_user(&info, uinfo, info_len))
		return -EFAULT;

	info.type = prog->type;
	info.id = prog->id;
	info.load_time = prog->load_time;
	info.created_by_uid = prog->uid;
	info.verified_insns = prog->verified_insns;
	memcpy(info.tag, prog->tag, sizeof(prog->tag));
	memcpy(info.name, prog->name, sizeof(prog->name));

	ulen = info.nr_map_ids;
	info.nr_map_ids = prog->used_map_cnt;
	ulen = min(ulen, info.nr_map_ids);
	for (i = 0; i < ulen; i++) {
		u32 __user *ids = u64_to_user_ptr(info.map_ids);

		if (put_user(prog->used_maps[i]->id, &ids[i]))
			return -EFAULT;
	}

	/* Instructions may embed kernel pointers: privileged callers only. */
	if (!kbpf_capable()) {
		info.xlated_prog_len = 0;
		info.jited_prog_len = 0;
		goto done;
	}
	ulen = info.xlated_prog_len;
	info.xlated_prog_len = prog->len * sizeof(*prog->insns);
	err = copy_array_out(info.xlated_prog_insns, ulen, prog->insns,
			     info.xlated_prog_len);
	if (err)
		return err;
	/* No JIT yet: programs have no native image to report. */
	info.jited_prog_len = 0;

done:
	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}

int kbpf_cmd_obj_get_info_by_fd(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct kbpf_prog *prog;
	struct kbpf_map *map;
	int err;

	/* bpf(2) answers EBADFD here, not EBADF, for an fd that is not open. */
	prog = kbpf_prog_get_from_fd(attr->info.bpf_fd);
	if (!IS_ERR(prog)) {
		err = prog_get_info(prog, attr, uattr);
		kbpf_prog_put(prog);
		return err;
	}
	if (PTR_ERR(prog) == -EBADF)
		return -EBADFD;
	map = kbpf_map_get_from_fd(attr->info.bpf_fd, NULL);
	if (!IS_ERR(map)) {
		err = map_get_info(map, attr, uattr);
		kbpf_map_put(map);
		return err;
	}
	return -EINVAL;
}
