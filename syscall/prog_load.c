// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_LOAD, in the order of Linux 6.1's bpf_prog_load(): attr and
 * flag checks, license, size and privilege, attach target, the copy of the
 * instructions, the name, the verifier, the runtime, then the id, the audit
 * record and the fd. Every refusal is Linux's errno for the same attr.
 *
 * kbpf has no BTF and no device offload: whatever needs them is refused
 * with the errno Linux gives when they are absent, or EOPNOTSUPP where
 * Linux would have gone on.
 */
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
/* After string.h: license.h uses strcmp() without including it. */
#include <linux/license.h>
#include <linux/uaccess.h>
#include <uapi/linux/bpf.h>

#include <kbpf/ctx_access.h>
#include <kbpf/verifier.h>

#include "../jit/runtime.h"
#include "../kmod/kbpf.h"
#include "cmds.h"
#include "prog_load.h"

#define PROG_LOAD_FLAGS (BPF_F_STRICT_ALIGNMENT | BPF_F_ANY_ALIGNMENT | \
			 BPF_F_TEST_STATE_FREQ | BPF_F_SLEEPABLE | \
			 BPF_F_TEST_RND_HI32 | BPF_F_XDP_HAS_FRAGS)

/* Linux's license buffer: 127 characters and the NUL. */
#define LICENSE_LEN 128

/* Types Linux loads only with CAP_NET_ADMIN (or CAP_SYS_ADMIN). */
static bool is_net_admin_type(u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_SK_SKB:
	case BPF_PROG_TYPE_SK_MSG:
	case BPF_PROG_TYPE_LIRC_MODE2:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_SOCK_OPS:
	case BPF_PROG_TYPE_EXT:
		return true;
	default:
		return false;
	}
}

/* Types that see kernel memory: Linux wants CAP_PERFMON (or CAP_SYS_ADMIN). */
static bool is_perfmon_type(u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_STRUCT_OPS:
	case BPF_PROG_TYPE_EXT:
		return true;
	default:
		return false;
	}
}

/* The types whose attach target is a BTF id. */
static bool is_btf_attach_type(u32 type)
{
	return type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_LSM ||
	       type == BPF_PROG_TYPE_STRUCT_OPS || type == BPF_PROG_TYPE_EXT;
}

/*
 * attach_prog_fd and attach_btf_id name a BTF type to attach to, which
 * only tracing, LSM, struct_ops and extension programs take. kbpf has no
 * BTF: those types cannot be loaded with one (EOPNOTSUPP); for any other
 * type Linux refuses the combination (EINVAL), as it does an attach_prog_fd
 * that is neither a program nor a BTF object.
 */
static int check_attach_target(const union bpf_attr *attr)
{
	if (!attr->attach_prog_fd && !attr->attach_btf_id)
		return 0;
	if (attr->attach_prog_fd && !attr->attach_btf_id)
		return -EINVAL;
	if (!is_btf_attach_type(attr->prog_type))
		return -EINVAL;
	return -EOPNOTSUPP;
}

/* Linux's bpf_prog_load_check_attach() for expected_attach_type. */
static int check_expected_attach(u32 type, u32 eat)
{
	switch (type) {
	case BPF_PROG_TYPE_CGROUP_SOCK:
		switch (eat) {
		case BPF_CGROUP_INET_SOCK_CREATE:
		case BPF_CGROUP_INET_SOCK_RELEASE:
		case BPF_CGROUP_INET4_POST_BIND:
		case BPF_CGROUP_INET6_POST_BIND:
			return 0;
		}
		return -EINVAL;
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		switch (eat) {
		case BPF_CGROUP_INET4_BIND:
		case BPF_CGROUP_INET6_BIND:
		case BPF_CGROUP_INET4_CONNECT:
		case BPF_CGROUP_INET6_CONNECT:
		case BPF_CGROUP_INET4_GETPEERNAME:
		case BPF_CGROUP_INET6_GETPEERNAME:
		case BPF_CGROUP_INET4_GETSOCKNAME:
		case BPF_CGROUP_INET6_GETSOCKNAME:
		case BPF_CGROUP_UDP4_SENDMSG:
		case BPF_CGROUP_UDP6_SENDMSG:
		case BPF_CGROUP_UDP4_RECVMSG:
		case BPF_CGROUP_UDP6_RECVMSG:
			return 0;
		}
		return -EINVAL;
	case BPF_PROG_TYPE_CGROUP_SKB:
		if (eat == BPF_CGROUP_INET_INGRESS || eat == BPF_CGROUP_INET_EGRESS)
			return 0;
		return -EINVAL;
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		if (eat == BPF_CGROUP_SETSOCKOPT || eat == BPF_CGROUP_GETSOCKOPT)
			return 0;
		return -EINVAL;
	case BPF_PROG_TYPE_SK_LOOKUP:
		return eat == BPF_SK_LOOKUP ? 0 : -EINVAL;
	case BPF_PROG_TYPE_SK_REUSEPORT:
		if (eat == BPF_SK_REUSEPORT_SELECT ||
		    eat == BPF_SK_REUSEPORT_SELECT_OR_MIGRATE)
			return 0;
		return -EINVAL;
	case BPF_PROG_TYPE_SYSCALL:
	case BPF_PROG_TYPE_EXT:
		return eat ? -EINVAL : 0;
	default:
		return 0;
	}
}

/* Two types get a default expected_attach_type, as in Linux. */
static u32 default_expected_attach(u32 type, u32 eat)
{
	if (eat)
		return eat;
	if (type == BPF_PROG_TYPE_CGROUP_SOCK)
		return BPF_CGROUP_INET_SOCK_CREATE;
	if (type == BPF_PROG_TYPE_SK_REUSEPORT)
		return BPF_SK_REUSEPORT_SELECT;
	return eat;
}

/*
 * A name is up to BPF_OBJ_NAME_LEN - 1 characters of [A-Za-z0-9_.],
 * NUL-terminated inside the field (Linux's bpf_obj_name_cpy()).
 */
static int prog_name_copy(char *dst, const char *src)
{
	u32 i;

	memset(dst, 0, BPF_OBJ_NAME_LEN);
	for (i = 0; i < BPF_OBJ_NAME_LEN && src[i]; i++) {
		if (!isalnum(src[i]) && src[i] != '_' && src[i] != '.')
			return -EINVAL;
		dst[i] = src[i];
	}
	return i == BPF_OBJ_NAME_LEN ? -EINVAL : 0;
}

static struct kbpf_map *verify_map_get(void *priv, int fd)
{
	return kbpf_map_get_from_fd(fd, NULL);
}

static void verify_map_put(void *priv, struct kbpf_map *map)
{
	kbpf_map_put(map);
}

/*
 * Run the verifier on prog's instructions and take over what it built:
 * the xlated program replaces the user's copy, the map references move
 * into prog (its free drops them).
 */
static int prog_verify(struct kbpf_prog *prog, const union bpf_attr *attr)
{
	struct kbpf_verify_args args = {
		.insns = prog->insns,
		.insn_cnt = prog->len,
		.prog_type = prog->type,
		.expected_attach_type = prog->expected_attach_type,
		.prog_flags = prog->prog_flags,
		.gpl_compatible = prog->gpl_compatible,
		.allow_ptr_leaks = perfmon_capable(),
		.bpf_capable = kbpf_capable(),
		.perfmon_capable = perfmon_capable(),
		.log_buf = u64_to_user_ptr(attr->log_buf),
		.log_size = attr->log_size,
		.log_level = attr->log_level,
		.map_get = verify_map_get,
		.map_put = verify_map_put,
		.fd_array = u64_to_user_ptr(attr->fd_array),
	};
	int err;

	err = kbpf_verify(&args);
	prog->verified_insns = args.verified_insns;
	if (err)
		return err;

	kvfree(prog->insns);
	prog->insns = args.xlated;
	prog->len = args.xlated_cnt;
	prog->used_maps = args.used_maps;
	prog->used_map_cnt = args.used_map_cnt;
	prog->code.insnsi = prog->insns;
	prog->code.len = prog->len;
	prog->code.stack_depth = args.stack_depth;
	args.xlated = NULL;
	args.used_maps = NULL;
	args.used_map_cnt = 0;
	kbpf_verify_release(&args);
	return 0;
}

/*
 * Linux's bpf_check_tail_call(): once the runtime is chosen, the program
 * must match the owner of every prog array it uses (or becomes it).
 */
static int prog_check_tail_call(struct kbpf_prog *prog)
{
	u32 i;

	for (i = 0; i < prog->used_map_cnt; i++) {
		struct kbpf_map *map = prog->used_maps[i];

		if (map->map_type == BPF_MAP_TYPE_PROG_ARRAY &&
		    !kbpf_prog_map_compatible(map, prog))
			return -EINVAL;
	}
	return 0;
}

int kbpf_cmd_prog_load(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	u32 type = attr->prog_type, limit, eat;
	char license[LICENSE_LEN];
	struct kbpf_prog *prog;
	bool bpf_cap = kbpf_capable();
	bool is_gpl;
	int err;

	if (attr->prog_flags & ~PROG_LOAD_FLAGS)
		return -EINVAL;
	/* x86-64 has efficient unaligned access: BPF_F_ANY_ALIGNMENT is free. */

	if (strncpy_from_user(license, u64_to_user_ptr(attr->license),
			      sizeof(license) - 1) < 0)
		return -EFAULT;
	license[sizeof(license) - 1] = '\0';
	is_gpl = license_is_gpl_compatible(license);

	/* Linux 6.1 answers E2BIG for no instructions as for too many. */
	limit = bpf_cap ? KBPF_COMPLEXITY_LIMIT_INSNS : KBPF_MAXINSNS;
	if (!attr->insn_cnt || attr->insn_cnt > limit)
		return -E2BIG;
	if (type != BPF_PROG_TYPE_SOCKET_FILTER &&
	    type != BPF_PROG_TYPE_CGROUP_SKB && !bpf_cap)
		return -EPERM;
	if (is_net_admin_type(type) && !capable(CAP_NET_ADMIN) &&
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (is_perfmon_type(type) && !perfmon_capable())
		return -EPERM;

	err = check_attach_target(attr);
	if (err)
		return err;
	eat = default_expected_attach(type, attr->expected_attach_type);
	if (check_expected_attach(type, eat))
		return -EINVAL;

	prog = kbpf_prog_alloc(attr->insn_cnt);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	prog->type = type;
	prog->expected_attach_type = eat;
	prog->prog_flags = attr->prog_flags;
	prog->gpl_compatible = is_gpl;

	err = -EFAULT;
	if (copy_from_user(prog->insns, u64_to_user_ptr(attr->insns),
			   (size_t)prog->len * sizeof(*prog->insns)))
		goto free;

	/* Device offload: Linux offloads sched_cls and XDP only. */
	if (attr->prog_ifindex) {
		err = type == BPF_PROG_TYPE_SCHED_CLS ||
		      type == BPF_PROG_TYPE_XDP ? -EOPNOTSUPP : -EINVAL;
		goto free;
	}

	/*
	 * Linux's find_prog_type() answers EINVAL for a type it does not
	 * know; a 6.1 type (SYSCALL is 6.1's last) kbpf has no context
	 * rules for is not implemented.
	 */
	if (!kbpf_ctx_ops(type)) {
		err = type && type <= BPF_PROG_TYPE_SYSCALL ? -EOPNOTSUPP : -EINVAL;
		goto free;
	}

	err = prog_name_copy(prog->name, attr->prog_name);
	if (err)
		goto free;

	/*
	 * Only fentry/fexit/LSM and uprobe programs may sleep (the verifier
	 * says so in Linux); kbpf loads none of them.
	 */
	err = -EINVAL;
	if (prog->prog_flags & BPF_F_SLEEPABLE)
		goto free;

	/* Over the instructions as written, before the verifier rewrites them. */
	kbpf_prog_calc_tag(prog->insns, prog->len, prog->tag);
	err = prog_verify(prog, attr);
	if (err)
		goto free;

	/*
	 * The interpreter stays in place when the JIT declines; an
	 * instruction the JIT calls invalid is one the verifier let through
	 * by mistake: refuse the program rather than run it.
	 */
	err = kbpf_prog_select_runtime(&prog->code, bpf_cap);
	if (err == -EINVAL || !prog->code.bpf_func)
		goto free;
	err = prog_check_tail_call(prog);
	if (err)
		goto free;

	err = kbpf_prog_publish(prog);
	if (err)
		goto free;
	/* Visible by id from here on: failures go through the last put. */
	kbpf_audit_prog(prog, true);
	err = kbpf_prog_new_fd(prog);
	if (err < 0)
		kbpf_prog_put(prog);
	return err;

free:
	kbpf_prog_put(prog);
	return err;
}
