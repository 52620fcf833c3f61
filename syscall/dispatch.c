// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf(2) dispatcher: attr copy-in, the per-command unused-field check
 * (Linux's CHECK_ATTR) and the handler table. A command kbpf knows but does
 * not implement yet answers -EOPNOTSUPP; an unknown one -EINVAL, like bpf(2).
 */
#include <linux/stddef.h>
#include <uapi/linux/bpf.h>

#include "../kmod/kbpf.h"
#include "attr.h"
#include "cmds.h"

struct kbpf_cmd {
	/* Bytes of attr the command reads; everything after must be zero. */
	size_t attr_end;
	kbpf_cmd_fn fn;		/* NULL: known, not implemented yet */
};

#define ATTR_END(field) offsetofend(union bpf_attr, field)

static const struct kbpf_cmd kbpf_cmds[] = {
	[BPF_MAP_CREATE] = { ATTR_END(map_extra), kbpf_cmd_map_create },
	[BPF_MAP_LOOKUP_ELEM] = { ATTR_END(flags), kbpf_cmd_map_lookup_elem },
	[BPF_MAP_UPDATE_ELEM] = { ATTR_END(flags), kbpf_cmd_map_update_elem },
	[BPF_MAP_DELETE_ELEM] = { ATTR_END(key), kbpf_cmd_map_delete_elem },
	[BPF_MAP_GET_NEXT_KEY] = { ATTR_END(next_key), kbpf_cmd_map_get_next_key },
	[BPF_PROG_LOAD] = { ATTR_END(core_relo_rec_size), kbpf_cmd_prog_load },
	[BPF_OBJ_PIN] = { ATTR_END(file_flags), NULL },
	[BPF_OBJ_GET] = { ATTR_END(file_flags), NULL },
	[BPF_PROG_ATTACH] = { ATTR_END(replace_bpf_fd), NULL },
	[BPF_PROG_DETACH] = { ATTR_END(attach_type), NULL },
	[BPF_PROG_TEST_RUN] = { ATTR_END(test.batch_size), kbpf_cmd_prog_test_run },
	[BPF_PROG_GET_NEXT_ID] = { ATTR_END(next_id), kbpf_cmd_prog_get_next_id },
	[BPF_MAP_GET_NEXT_ID] = { ATTR_END(next_id), kbpf_cmd_map_get_next_id },
	[BPF_PROG_GET_FD_BY_ID] = { ATTR_END(prog_id), kbpf_cmd_prog_get_fd_by_id },
	[BPF_MAP_GET_FD_BY_ID] = { ATTR_END(open_flags), kbpf_cmd_map_get_fd_by_id },
	[BPF_OBJ_GET_INFO_BY_FD] = { ATTR_END(info.info), kbpf_cmd_obj_get_info_by_fd },
	[BPF_PROG_QUERY] = { ATTR_END(query.prog_attach_flags), NULL },
	[BPF_RAW_TRACEPOINT_OPEN] = { ATTR_END(raw_tracepoint.prog_fd), NULL },
	[BPF_BTF_LOAD] = { ATTR_END(btf_log_level), NULL },
	[BPF_BTF_GET_FD_BY_ID] = { ATTR_END(btf_id), NULL },
	[BPF_TASK_FD_QUERY] = { ATTR_END(task_fd_query.probe_addr), NULL },
	[BPF_MAP_LOOKUP_AND_DELETE_ELEM] = { ATTR_END(flags),
					     kbpf_cmd_map_lookup_and_delete_elem },
	[BPF_MAP_FREEZE] = { ATTR_END(map_fd), kbpf_cmd_map_freeze },
	[BPF_BTF_GET_NEXT_ID] = { ATTR_END(next_id), NULL },
	[BPF_MAP_LOOKUP_BATCH] = { ATTR_END(batch.flags), kbpf_cmd_map_lookup_batch },
	[BPF_MAP_LOOKUP_AND_DELETE_BATCH] = { ATTR_END(batch.flags),
					      kbpf_cmd_map_lookup_and_delete_batch },
	[BPF_MAP_UPDATE_BATCH] = { ATTR_END(batch.flags), kbpf_cmd_map_update_batch },
	[BPF_MAP_DELETE_BATCH] = { ATTR_END(batch.flags), kbpf_cmd_map_delete_batch },
	[BPF_LINK_CREATE] = { ATTR_END(link_create.kprobe_multi.cookies),
			      kbpf_cmd_link_create },
	[BPF_LINK_UPDATE] = { ATTR_END(link_update.old_prog_fd), NULL },
	[BPF_LINK_GET_FD_BY_ID] = { ATTR_END(link_id), NULL },
	[BPF_LINK_GET_NEXT_ID] = { ATTR_END(next_id), NULL },
	[BPF_ENABLE_STATS] = { ATTR_END(enable_stats.type), NULL },
	[BPF_ITER_CREATE] = { ATTR_END(iter_create.flags), NULL },
	[BPF_LINK_DETACH] = { ATTR_END(link_detach.link_fd), NULL },
	[BPF_PROG_BIND_MAP] = { ATTR_END(prog_bind_map.flags), NULL },
};

long kbpf_sys_bpf(u32 cmd, union bpf_attr __user *uattr, u32 size)
{
	const struct kbpf_cmd *c;
	union bpf_attr attr;
	int err;

	/*
	 * Object creation is closed to unprivileged callers unless the module
	 * parameter opens it, as kernel.unprivileged_bpf_disabled does.
	 */
	if ((cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD ||
	     cmd == BPF_LINK_CREATE) &&
	    !kbpf_unprivileged_bpf_enabled && !kbpf_capable())
		return -EPERM;

	/* Like bpf(2), size and copy errors come before an unknown command. */
	err = kbpf_attr_copy(&attr, uattr, size);
	if (err)
		return err;

	if (cmd >= ARRAY_SIZE(kbpf_cmds))
		return -EINVAL;
	c = &kbpf_cmds[cmd];
	if (kbpf_attr_tail_nonzero(&attr, c->attr_end))
		return -EINVAL;
	if (!c->fn)
		return -EOPNOTSUPP;
	return c->fn(&attr, uattr);
}
