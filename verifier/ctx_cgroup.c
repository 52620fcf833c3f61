// SPDX-License-Identifier: GPL-2.0
/*
 * The contexts of the cgroup hooks kernel/bpf/cgroup.c runs, Linux 6.1's
 * rules:
 * - cgroup_device: struct bpf_cgroup_dev_ctx itself, read-only, whole
 *   words (access_type also in part); nothing is rewritten;
 * - cgroup_sysctl: struct bpf_sysctl over struct bpf_sysctl_kern: write
 *   (read-only) and file_pos (through the ppos pointer, writable);
 * - cgroup_sockopt: struct bpf_sockopt over struct bpf_sockopt_kern:
 *   the option buffer as packet pointers, level and optname (writable by
 *   setsockopt programs), optlen (writable).
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "ctx_ops.h"

static bool cg_dev_is_valid_access(int off, int size,
				   enum kbpf_access_type type,
				   u32 expected_attach_type,
				   struct kbpf_insn_access_aux *info)
{
	const int size_default = sizeof(u32);

	if (type == KBPF_WRITE)
		return false;
	if (off < 0 || off + size > (int)sizeof(struct bpf_cgroup_dev_ctx))
		return false;
	if (off % size != 0)
		return false;

	switch (off) {
	case KBPF_CTX_FIRST(struct bpf_cgroup_dev_ctx, access_type) ...
	     KBPF_CTX_LAST(struct bpf_cgroup_dev_ctx, access_type):
		/* No rewrite: a narrow read is an ordinary load of the uapi struct. */
		info->ctx_field_size = size_default;
		return kbpf_ctx_narrow_ok(size, size_default);
	default:
		return size == size_default;
	}
}

const struct kbpf_ctx_ops kbpf_ctx_cg_dev_ops = {
	.ctx_size = sizeof(struct bpf_cgroup_dev_ctx),
	.is_valid_access = cg_dev_is_valid_access,
};

#define SYSCTL_FIRST(MEMBER)	KBPF_CTX_FIRST(struct bpf_sysctl, MEMBER)
#define SYSCTL_LAST(MEMBER)	KBPF_CTX_LAST(struct bpf_sysctl, MEMBER)

static bool sysctl_is_valid_access(int off, int size,
				   enum kbpf_access_type type,
				   u32 expected_attach_type,
				   struct kbpf_insn_access_aux *info)
{
	const int size_default = sizeof(u32);

	if (off < 0 || off + size > (int)sizeof(struct bpf_sysctl) || off % size)
		return false;

	switch (off) {
	case SYSCTL_FIRST(write) ... SYSCTL_LAST(write):
		if (type != KBPF_READ)
			return false;
		info->ctx_field_size = size_default;
		return kbpf_ctx_narrow_ok(size, size_default);
	case SYSCTL_FIRST(file_pos) ... SYSCTL_LAST(file_pos):
		if (type != KBPF_READ)
			return size == size_default;
		info->ctx_field_size = size_default;
		return kbpf_ctx_narrow_ok(size, size_default);
	default:
		return false;
	}
}

static u32 sysctl_convert_ctx_access(enum kbpf_access_type type,
				     const struct bpf_insn *si,
				     struct bpf_insn *insn_buf,
				     u32 *target_size)
{
	const int tmp_off = kbpf_kern_layout.sysctl_tmp_reg;
	const int ppos_off = kbpf_kern_layout.sysctl_ppos;
	struct bpf_insn *insn = insn_buf;
	u8 dst = si->dst_reg, src = si->src_reg;
	int tmp = BPF_REG_9;

	BUILD_BUG_ON(sizeof(loff_t) != 8);

	switch (si->off) {
	case offsetof(struct bpf_sysctl, write):
		*target_size = sizeof(u32);
		*insn++ = BPF_LDX_MEM(BPF_SIZE(si->code), dst, src,
				      kbpf_kern_layout.sysctl_write);
		break;
	case offsetof(struct bpf_sysctl, file_pos):
		/*
		 * The low 32 bits of *ppos (little-endian: its first bytes).
		 * A store needs the pointer in a third register: R9 (or R8,
		 * R7) is borrowed, kept meanwhile in the context's tmp_reg.
		 */
		*target_size = sizeof(u32);
		if (type == KBPF_WRITE) {
			if (src == tmp || dst == tmp)
				tmp--;
			if (src == tmp || dst == tmp)
				tmp--;
			*insn++ = BPF_STX_MEM(BPF_DW, dst, tmp, tmp_off);
			*insn++ = BPF_LDX_MEM(BPF_DW, tmp, dst, ppos_off);
			*insn++ = BPF_STX_MEM(BPF_W, tmp, src, 0);
			*insn++ = BPF_LDX_MEM(BPF_DW, tmp, dst, tmp_off);
		} else {
			*insn++ = BPF_LDX_MEM(BPF_DW, dst, src, ppos_off);
			*insn++ = BPF_LDX_MEM(BPF_SIZE(si->code), dst, dst, 0);
		}
		break;
	}
	return insn - insn_buf;
}

const struct kbpf_ctx_ops kbpf_ctx_sysctl_ops = {
	.ctx_size = sizeof(struct bpf_sysctl),
	.is_valid_access = sysctl_is_valid_access,
	.convert_ctx_access = sysctl_convert_ctx_access,
};

#define SOCKOPT_FIRST(MEMBER)	KBPF_CTX_FIRST(struct bpf_sockopt, MEMBER)
#define SOCKOPT_LAST(MEMBER)	KBPF_CTX_LAST(struct bpf_sockopt, MEMBER)

/*
 * cg_sockopt_is_valid_access(), without sk and retval: both refused.
 * sk (a PTR_TO_SOCKET, with sockopt_sk in kbpf_kern_layout) is just not
 * written yet. retval lives in Linux's struct bpf_cg_run_ctx, in
 * current->bpf_ctx; kbpf's struct kbpf_run_ctx (run_ctx.h) has no retval
 * member, and nothing runs sockopt programs to fill one (no attach, and
 * Linux has no test run for them).
 */
static bool sockopt_is_valid_access(int off, int size,
				    enum kbpf_access_type type,
				    u32 expected_attach_type,
				    struct kbpf_insn_access_aux *info)
{
	const int size_default = sizeof(u32);

	if (off < 0 || off >= (int)sizeof(struct bpf_sockopt))
		return false;
	if (off % size != 0)
		return false;
	if (type == KBPF_WRITE) {
		switch (off) {
		case offsetof(struct bpf_sockopt, optname):
		case offsetof(struct bpf_sockopt, level):
			return size == size_default &&
			       expected_attach_type == BPF_CGROUP_SETSOCKOPT;
		case offsetof(struct bpf_sockopt, optlen):
			return size == size_default;
		default:
			return false;
		}
	}
	switch (off) {
	case SOCKOPT_FIRST(optval) ... SOCKOPT_LAST(optval):
		info->reg_type = KBPF_PTR_TO_PACKET;
		return size == sizeof(u64);
	case SOCKOPT_FIRST(optval_end) ... SOCKOPT_LAST(optval_end):
		info->reg_type = KBPF_PTR_TO_PACKET_END;
		return size == sizeof(u64);
	case SOCKOPT_FIRST(level) ... SOCKOPT_LAST(level):
	case SOCKOPT_FIRST(optname) ... SOCKOPT_LAST(optname):
	case SOCKOPT_FIRST(optlen) ... SOCKOPT_LAST(optlen):
		return size == size_default;
	default:
		return false;
	}
}

static u32 sockopt_convert_ctx_access(enum kbpf_access_type type,
				      const struct bpf_insn *si,
				      struct bpf_insn *insn_buf,
				      u32 *target_size)
{
	const struct kbpf_kern_layout *kl = &kbpf_kern_layout;
	u8 dst = si->dst_reg, src = si->src_reg;
	int off;

	switch (si->off) {
	case offsetof(struct bpf_sockopt, optval):
		*insn_buf = BPF_LDX_MEM(BPF_DW, dst, src, kl->sockopt_optval);
		return 1;
	case offsetof(struct bpf_sockopt, optval_end):
		*insn_buf = BPF_LDX_MEM(BPF_DW, dst, src, kl->sockopt_optval_end);
		return 1;
	case offsetof(struct bpf_sockopt, level):
		off = kl->sockopt_level;
		break;
	case offsetof(struct bpf_sockopt, optname):
		off = kl->sockopt_optname;
		break;
	case offsetof(struct bpf_sockopt, optlen):
		off = kl->sockopt_optlen;
		break;
	default:
		return 0;
	}
	if (type == KBPF_WRITE)
		*insn_buf = BPF_STX_MEM(BPF_W, dst, src, off);
	else
		*insn_buf = BPF_LDX_MEM(BPF_W, dst, src, off);
	return 1;
}

const struct kbpf_ctx_ops kbpf_ctx_sockopt_ops = {
	.ctx_size = sizeof(struct bpf_sockopt),
	.is_valid_access = sockopt_is_valid_access,
	.convert_ctx_access = sockopt_convert_ctx_access,
};
