// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_LOAD of the socket-level and cgroup hook program types (sk_skb,
 * sk_msg, lwt_in/out/xmit, cgroup sock_addr, sk_lookup, cgroup sysctl,
 * cgroup device, sock_ops, cgroup sockopt): for each a program that must load and programs that
 * must not (a context access the type forbids, a return value outside its
 * range, a wrong expected_attach_type, a helper it may not call), on kbpf
 * and on the kernel's own bpf(2), which must agree, errno for errno. Then
 * BPF_PROG_TEST_RUN: ENOTSUPP where Linux 6.1 has no test_run, an lwt
 * program run on a packet and an sk_lookup program on its context, like
 * Linux's.
 */
#include <linux/kbpf.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define ENOTSUPP	524	/* the kernel's, not in userspace's errno.h */

#define SKB(F)		((short)offsetof(struct __sk_buff, F))
#define MSG(F)		((short)offsetof(struct sk_msg_md, F))
#define ADDR(F)		((short)offsetof(struct bpf_sock_addr, F))
#define LOOKUP(F)	((short)offsetof(struct bpf_sk_lookup, F))
#define SYSCTL(F)	((short)offsetof(struct bpf_sysctl, F))
#define DEV(F)		((short)offsetof(struct bpf_cgroup_dev_ctx, F))
#define OPS(F)		((short)offsetof(struct bpf_sock_ops, F))
#define SOPT(F)		((short)offsetof(struct bpf_sockopt, F))

struct prog_case {
	const char *name;
	__u32 type;
	__u32 eat;
	int err;			/* 0: loads */
	struct bpf_insn insns[12];
};

#define R0_RET(v)	KT_MOV64_IMM(0, v), KT_EXIT()

static const struct prog_case cases[] = {
	{ "sk_skb_ok", BPF_PROG_TYPE_SK_SKB, 0, 0, {
		KT_LDX(BPF_W, 2, 1, SKB(len)),
		KT_STX(BPF_W, 1, 2, SKB(priority)),
		KT_LDX(BPF_B, 3, 1, SKB(cb[1]) + 1),
		R0_RET(1) } },
	{ "sk_skb_no_mark", BPF_PROG_TYPE_SK_SKB, 0, EACCES, {
		KT_LDX(BPF_W, 2, 1, SKB(mark)), R0_RET(1) } },
	{ "sk_skb_no_cb_write", BPF_PROG_TYPE_SK_SKB, 0, EACCES, {
		KT_MOV64_IMM(2, 0), KT_STX(BPF_W, 1, 2, SKB(cb[0])),
		R0_RET(1) } },
	{ "sk_msg_ok", BPF_PROG_TYPE_SK_MSG, 0, 0, {
		KT_LDX(BPF_W, 2, 1, MSG(size)),
		KT_LDX(BPF_W, 3, 1, MSG(local_port)),
		KT_LDX(BPF_DW, 4, 1, MSG(data)),
		R0_RET(1) } },
	{ "sk_msg_no_write", BPF_PROG_TYPE_SK_MSG, 0, EACCES, {
		KT_MOV64_IMM(2, 0), KT_STX(BPF_W, 1, 2, MSG(size)),
		R0_RET(1) } },
	{ "sk_msg_no_narrow", BPF_PROG_TYPE_SK_MSG, 0, EACCES, {
		KT_LDX(BPF_H, 2, 1, MSG(family)), R0_RET(1) } },
	{ "lwt_in_ok", BPF_PROG_TYPE_LWT_IN, 0, 0, {
		KT_LDX(BPF_W, 2, 1, SKB(len)),
		KT_STX(BPF_W, 1, 2, SKB(cb[2])),
		KT_STX(BPF_W, 1, 2, SKB(mark)),
		R0_RET(0) } },
	{ "lwt_out_no_tc_index", BPF_PROG_TYPE_LWT_OUT, 0, EACCES, {
		KT_MOV64_IMM(2, 0), KT_STX(BPF_W, 1, 2, SKB(tc_index)),
		R0_RET(0) } },
	{ "lwt_xmit_no_data_meta", BPF_PROG_TYPE_LWT_XMIT, 0, EACCES, {
		KT_LDX(BPF_W, 2, 1, SKB(data_meta)), R0_RET(0) } },
	{ "sock_addr_connect4_ok", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	  BPF_CGROUP_INET4_CONNECT, 0, {
		KT_LDX(BPF_W, 2, 1, ADDR(user_ip4)),
		KT_LDX(BPF_B, 3, 1, ADDR(user_port) + 1),
		KT_ST(BPF_W, 10, -8, 0),
		KT_MOV64_IMM(4, 0x100007f),
		KT_STX(BPF_W, 1, 4, ADDR(user_ip4)),
		KT_LDX(BPF_W, 5, 1, ADDR(protocol)),
		R0_RET(1) } },
	{ "sock_addr_connect4_ret2", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	  BPF_CGROUP_INET4_CONNECT, EINVAL, { R0_RET(2) } },
	{ "sock_addr_bind4_ret3", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	  BPF_CGROUP_INET4_BIND, 0, { R0_RET(3) } },
	{ "sock_addr_getpeername_ret0", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	  BPF_CGROUP_INET4_GETPEERNAME, EINVAL, { R0_RET(0) } },
	{ "sock_addr_connect4_no_ip6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	  BPF_CGROUP_INET4_CONNECT, EACCES, {
		KT_LDX(BPF_W, 2, 1, ADDR(user_ip6[0])), R0_RET(1) } },
	{ "sock_addr_no_family_write", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	  BPF_CGROUP_INET6_CONNECT, EACCES, {
		KT_MOV64_IMM(2, 0), KT_STX(BPF_W, 1, 2, ADDR(family)),
		R0_RET(1) } },
	{ "sock_addr_bad_attach", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	  BPF_CGROUP_INET_INGRESS, EINVAL, { R0_RET(1) } },
	{ "sock_addr_sendmsg6_ok", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
	  BPF_CGROUP_UDP6_SENDMSG, 0, {
		KT_LDX(BPF_DW, 2, 1, ADDR(user_ip6[2])),
		KT_STX(BPF_DW, 1, 2, ADDR(msg_src_ip6[1])),
		KT_CALL(BPF_FUNC_get_current_uid_gid),
		R0_RET(1) } },
	{ "sk_lookup_ok", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0, {
		KT_LDX(BPF_H, 2, 1, LOOKUP(local_port)),
		KT_LDX(BPF_W, 3, 1, LOOKUP(remote_port)),
		KT_LDX(BPF_B, 4, 1, LOOKUP(remote_ip6[3]) + 3),
		R0_RET(1) } },
	{ "sk_lookup_ret2", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, EINVAL, {
		R0_RET(2) } },
	{ "sk_lookup_no_write", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, EACCES, {
		KT_MOV64_IMM(2, 0), KT_STX(BPF_W, 1, 2, LOOKUP(family)),
		R0_RET(1) } },
	{ "sk_lookup_bad_attach", BPF_PROG_TYPE_SK_LOOKUP, 0, EINVAL, {
		R0_RET(1) } },
	{ "sk_lookup_no_uid_helper", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP,
	  EINVAL, { KT_CALL(BPF_FUNC_get_current_uid_gid), R0_RET(1) } },
	{ "sysctl_ok", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0, {
		KT_LDX(BPF_B, 2, 1, SYSCTL(write)),
		KT_LDX(BPF_W, 3, 1, SYSCTL(file_pos)),
		KT_STX(BPF_W, 1, 3, SYSCTL(file_pos)),
		R0_RET(1) } },
	{ "sysctl_ret2", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, EINVAL, {
		R0_RET(2) } },
	{ "sysctl_no_write_write", BPF_PROG_TYPE_CGROUP_SYSCTL,
	  BPF_CGROUP_SYSCTL, EACCES, {
		KT_MOV64_IMM(2, 0), KT_STX(BPF_W, 1, 2, SYSCTL(write)),
		R0_RET(1) } },
	{ "device_ok", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0, {
		KT_LDX(BPF_H, 2, 1, DEV(access_type)),
		KT_LDX(BPF_W, 3, 1, DEV(major)),
		KT_CALL(BPF_FUNC_get_current_pid_tgid),
		R0_RET(1) } },
	{ "device_no_narrow_major", BPF_PROG_TYPE_CGROUP_DEVICE,
	  BPF_CGROUP_DEVICE, EACCES, {
		KT_LDX(BPF_B, 2, 1, DEV(major)), R0_RET(1) } },
	{ "device_ret2", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, EINVAL, {
		R0_RET(2) } },
	{ "sock_ops_ok", BPF_PROG_TYPE_SOCK_OPS, 0, 0, {
		KT_LDX(BPF_W, 2, 1, OPS(op)),
		KT_LDX(BPF_W, 3, 1, OPS(args[1])),
		KT_LDX(BPF_W, 4, 1, OPS(is_fullsock)),
		KT_STX(BPF_W, 1, 2, OPS(reply)),
		R0_RET(1) } },
	{ "sock_ops_ret2", BPF_PROG_TYPE_SOCK_OPS, 0, EINVAL, { R0_RET(2) } },
	{ "sock_ops_no_op_write", BPF_PROG_TYPE_SOCK_OPS, 0, EACCES, {
		KT_MOV64_IMM(2, 0), KT_STX(BPF_W, 1, 2, OPS(op)), R0_RET(1) } },
	{ "sockopt_set_ok", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT,
	  0, {
		KT_LDX(BPF_DW, 2, 1, SOPT(optval)),
		KT_LDX(BPF_DW, 3, 1, SOPT(optval_end)),
		KT_LDX(BPF_W, 4, 1, SOPT(optlen)),
		KT_STX(BPF_W, 1, 4, SOPT(level)),
		R0_RET(1) } },
	{ "sockopt_get_no_level_write", BPF_PROG_TYPE_CGROUP_SOCKOPT,
	  BPF_CGROUP_GETSOCKOPT, EACCES, {
		KT_MOV64_IMM(2, 0), KT_STX(BPF_W, 1, 2, SOPT(level)),
		R0_RET(1) } },
	{ "sockopt_bad_attach", BPF_PROG_TYPE_CGROUP_SOCKOPT,
	  BPF_CGROUP_INET4_BIND, EINVAL, { R0_RET(1) } },
	{ "sockopt_ret2", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT,
	  EINVAL, { R0_RET(2) } },
};

static const struct prog_case *cur;

static __u32 insn_count(const struct bpf_insn *insns)
{
	__u32 n = 0;

	while (n < 12 && (insns[n].code || n == 0))
		n++;
	return n;
}

static long be_load(const struct kt_be *be, const struct prog_case *c)
{
	struct kt_load l = { .type = c->type, .insns = c->insns,
			     .cnt = insn_count(c->insns),
			     .expected_attach_type = c->eat };

	return be_load_prog(be, &l);
}

static bool c_load(const struct kt_be *be)
{
	long fd = be_load(be, cur);

	if (fd >= 0)
		close((int)fd);
	if (!cur->err)
		return kt_check_ok(fd, "BPF_PROG_LOAD");
	return kt_check_errno(fd, cur->err, "BPF_PROG_LOAD");
}

/* Linux 6.1 has no test_run for sk_msg, sk_skb, sock_addr, sysctl, device, sock_ops, sockopt. */
static bool c_test_run_unsupported(const struct kt_be *be)
{
	static const char *const names[] = { "sk_skb_ok", "sk_msg_ok",
		"sock_addr_connect4_ok", "sysctl_ok", "device_ok", "sock_ops_ok",
		"sockopt_set_ok" };
	unsigned char pkt[64] = { 0 };
	__u32 retval;
	bool ok = true;
	size_t i, k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]) && ok; i++) {
		const struct prog_case *c = NULL;
		long fd;

		for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
			if (!strcmp(cases[k].name, names[i]))
				c = &cases[k];
		if (!c)
			return kt_whyf("no case %s", names[i]);
		fd = be_load(be, c);
		if (!kt_check_ok(fd, c->name))
			return false;
		ok = kt_check_errno(be_run_pkt(be, (int)fd, pkt, sizeof(pkt), 0,
					       &retval),
				    ENOTSUPP, c->name);
		close((int)fd);
	}
	return ok;
}

/* An lwt_in program runs on a packet past its Ethernet header: len is 64 - 14. */
static bool c_test_run_lwt(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_W, 0, 1, SKB(len)), KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_LWT_IN, .insns = insns,
			     .cnt = 2 };
	unsigned char pkt[64] = { [12] = 0x08 };	/* IPv4 */
	struct kt_run run = { .data_in = pkt, .data_size_in = sizeof(pkt) };

	return be_load_run(be, &l, &run) &&
	       kt_check_u64(run.retval, sizeof(pkt) - 14, "retval");
}

static long sk_lookup_run(const struct kt_be *be, int fd,
			  struct bpf_sk_lookup *in, struct bpf_sk_lookup *out,
			  __u32 *retval)
{
	struct kt_run run = { .ctx_in = in, .ctx_size_in = in ? sizeof(*in) : 0,
			      .ctx_out = out,
			      .ctx_size_out = out ? sizeof(*out) : 0 };
	long ret = be_run_prog(be, fd, &run);

	*retval = run.retval;
	return ret;
}

/* sk_lookup has a test run: the context in, the verdict and context out. */
static bool c_test_run_sk_lookup(const struct kt_be *be)
{
	/* return ctx->local_port == 80 (an SK_PASS or SK_DROP verdict) */
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_W, 2, 1, LOOKUP(local_port)),
		KT_MOV64_IMM(0, 0),
		KT_INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 1, 80),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_SK_LOOKUP, .insns = insns,
			     .cnt = 5, .expected_attach_type = BPF_SK_LOOKUP };
	struct bpf_sk_lookup in, out;
	__u32 retval = 7;
	bool ok;
	long fd;

	fd = be_load_prog(be, &l);
	if (!kt_check_ok(fd, "BPF_PROG_LOAD"))
		return false;
	memset(&in, 0, sizeof(in));
	in.family = AF_INET;
	in.protocol = IPPROTO_TCP;
	in.local_port = 80;
	memset(&out, 0xff, sizeof(out));
	ok = kt_check_ok(sk_lookup_run(be, (int)fd, &in, &out, &retval),
			 "run, port 80") &&
	     kt_check_u64(retval, 1, "retval, port 80") &&
	     kt_check_u64(out.local_port, 80, "ctx_out local_port") &&
	     kt_check_u64(out.cookie, 0, "ctx_out cookie");
	in.local_port = 81;
	ok = ok && kt_check_ok(sk_lookup_run(be, (int)fd, &in, NULL, &retval),
			       "run, port 81") &&
	     kt_check_u64(retval, 0, "retval, port 81");
	ok = ok && kt_check_errno(sk_lookup_run(be, (int)fd, NULL, NULL,
						&retval), EINVAL, "no ctx_in");
	in.local_port = 70000;
	ok = ok && kt_check_errno(sk_lookup_run(be, (int)fd, &in, NULL, &retval),
				  ERANGE, "local_port > 65535");
	in.local_port = 80;
	in.family = AF_UNIX;
	ok = ok && kt_check_errno(sk_lookup_run(be, (int)fd, &in, NULL, &retval),
				  EAFNOSUPPORT, "family AF_UNIX");
	in.family = AF_INET;
	in.cookie = 1;
	ok = ok && kt_check_errno(sk_lookup_run(be, (int)fd, &in, NULL, &retval),
				  EINVAL, "cookie set in ctx_in");
	close((int)fd);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;
	char name[96];
	size_t i;

	(void)argc;
	if (!kt_dual_setup(argv[0], "prog_types", &linux_ok))
		return kt_done();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cur = &cases[i];
		snprintf(name, sizeof(name), "prog_types_%s", cur->name);
		kt_dual(name, c_load, linux_ok);
	}
	kt_dual("prog_types_test_run_unsupported", c_test_run_unsupported,
		linux_ok);
	kt_dual("prog_types_test_run_lwt_in", c_test_run_lwt, linux_ok);
	kt_dual("prog_types_test_run_sk_lookup", c_test_run_sk_lookup, linux_ok);
	return kt_done();
}
