// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_OBJ_GET_INFO_BY_FD for maps and programs. The info struct follows the
 * attr size rules: a caller built against a newer header may pass a larger
 * struct with a zero tail; kbpf writes back the length it filled.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/mm.h>
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

/*
 * Linux's bpf_dump_raw_ok(): may the fd's opener see kernel addresses
 * (helper call targets, the JIT image)? Linux asks kallsyms_show_value(),
 * which is not exported; kbpf answers as it does with kptr_restrict=1:
 * when the opener had CAP_SYSLOG.
 */
static bool dump_raw_ok(int ufd)
{
	struct fd f = fdget(ufd);
	bool ok = f.file && file_ns_capable(f.file, &init_user_ns, CAP_SYSLOG);

	fdput(f);
	return ok;
}

/*
 * The xlated program as Linux's bpf_insn_prepare_dump() shows it: map
 * pointers in LD_IMM64 become the map's id (src_reg BPF_PSEUDO_MAP_FD),
 * addresses inside a map's value the id and the offset (src_reg
 * BPF_PSEUDO_MAP_VALUE, insn[1].imm), tail calls read as the helper call
 * they came from, and helper call targets are hidden unless raw_ok.
 */
static struct bpf_insn *prog_dump_insns(const struct kbpf_prog *prog,
					bool raw_ok)
{
	struct bpf_insn *insns;
	u32 i, m;

	insns = kvmalloc_array(prog->len, sizeof(*insns), GFP_USER);
	if (!insns)
		return NULL;
	memcpy(insns, prog->insns, (size_t)prog->len * sizeof(*insns));
	for (i = 0; i < prog->len; i++) {
		struct bpf_insn *insn = &insns[i];
		u64 imm;

		if (insn->code == (BPF_JMP | BPF_TAIL_CALL)) {
			insn->code = BPF_JMP | BPF_CALL;
			insn->imm = BPF_FUNC_tail_call;
			continue;
		}
		if (insn->code == (BPF_JMP | BPF_CALL)) {
			if (insn->src_reg != BPF_PSEUDO_CALL && !raw_ok)
				insn->imm = 0;
			continue;
		}
		if (insn->code != (BPF_LD | BPF_IMM | BPF_DW) ||
		    i + 1 >= prog->len)
			continue;
		imm = ((u64)(u32)insn[1].imm << 32) | (u32)insn->imm;
		for (m = 0; m < prog->used_map_cnt; m++) {
			const struct kbpf_map *map = prog->used_maps[m];
			u32 off = 0;

			if (imm == (u64)(unsigned long)map) {
				insn->src_reg = BPF_PSEUDO_MAP_FD;
			} else if (map->ops->map_direct_value_meta &&
				   !map->ops->map_direct_value_meta(map, imm,
								    &off)) {
				insn->src_reg = BPF_PSEUDO_MAP_VALUE;
			} else {
				continue;
			}
			insn->imm = map->id;
			insn[1].imm = off;
			break;
		}
		i++;
	}
	return insns;
}

/*
 * Copy out min(ulen, len) bytes of src; the user's buffer pointer stays
 * as given. Nothing to copy when either is 0.
 */
static int copy_array_out(u64 uptr, u32 ulen, const void *src, u32 len)
{
	if (!ulen || !len)
		return 0;
	if (copy_to_user(u64_to_user_ptr(uptr), src, min(ulen, len)))
		return -EFAULT;
	return 0;
}

static int prog_info_insns(struct kbpf_prog *prog, struct bpf_prog_info *info,
			   bool raw_ok)
{
	struct bpf_insn *dump;
	u32 ulen;
	int err;

	ulen = info->xlated_prog_len;
	info->xlated_prog_len = prog->len * sizeof(*prog->insns);
	if (ulen && info->xlated_prog_len) {
		dump = prog_dump_insns(prog, raw_ok);
		if (!dump)
			return -ENOMEM;
		err = copy_array_out(info->xlated_prog_insns, ulen, dump,
				     info->xlated_prog_len);
		kvfree(dump);
		if (err)
			return err;
	}

	ulen = info->jited_prog_len;
	info->jited_prog_len = prog->code.jited ? prog->code.jited_len : 0;
	if (ulen && info->jited_prog_len) {
		if (!raw_ok) {
			info->jited_prog_insns = 0;
		} else {
			err = copy_array_out(info->jited_prog_insns, ulen,
					     (const void *)prog->code.bpf_func,
					     info->jited_prog_len);
			if (err)
				return err;
		}
	}

	/* One function per program: kbpf reports no subprogram images apart. */
	ulen = info->nr_jited_ksyms;
	info->nr_jited_ksyms = 1;
	if (ulen) {
		u64 __user *ksyms = u64_to_user_ptr(info->jited_ksyms);

		if (!raw_ok)
			info->jited_ksyms = 0;
		else if (put_user((u64)(unsigned long)prog->code.bpf_func,
				  &ksyms[0]))
			return -EFAULT;
	}
	ulen = info->nr_jited_func_lens;
	info->nr_jited_func_lens = 1;
	if (ulen) {
		u32 __user *lens = u64_to_user_ptr(info->jited_func_lens);

		if (!raw_ok)
			info->jited_func_lens = 0;
		else if (put_user(prog->code.jited ? prog->code.jited_len : 0,
				  &lens[0]))
			return -EFAULT;
	}
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
	info.gpl_compatible = prog->gpl_compatible;
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

	/*
	 * Record sizes the caller gives must be the kernel's (or 0 with no
	 * records asked for); they come back as the kernel's. kbpf has no
	 * BTF, so it has no func_info or line_info records to report.
	 */
	if ((info.nr_func_info || info.func_info_rec_size) &&
	    info.func_info_rec_size != sizeof(struct bpf_func_info))
		return -EINVAL;
	if ((info.nr_line_info || info.line_info_rec_size) &&
	    info.line_info_rec_size != sizeof(struct bpf_line_info))
		return -EINVAL;
	if ((info.nr_jited_line_info || info.jited_line_info_rec_size) &&
	    info.jited_line_info_rec_size != sizeof(__u64))
		return -EINVAL;
	info.func_info_rec_size = sizeof(struct bpf_func_info);
	info.line_info_rec_size = sizeof(struct bpf_line_info);
	info.jited_line_info_rec_size = sizeof(__u64);
	info.nr_func_info = 0;
	info.nr_line_info = 0;
	info.nr_jited_line_info = 0;
	info.nr_prog_tags = 0;
	/* No run-time statistics (BPF_ENABLE_STATS) yet: run_time_ns and run_cnt stay 0. */
	info.run_time_ns = 0;
	info.run_cnt = 0;
	info.recursion_misses = 0;

	/* Instructions and images embed kernel addresses: CAP_BPF callers only. */
	if (!kbpf_capable()) {
		info.jited_prog_len = 0;
		info.xlated_prog_len = 0;
		info.nr_jited_ksyms = 0;
		info.nr_jited_func_lens = 0;
		goto done;
	}
	err = prog_info_insns(prog, &info, dump_raw_ok(attr->info.bpf_fd));
	if (err)
		return err;

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
