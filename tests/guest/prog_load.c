// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_LOAD: a good program gives an fd (close-on-exec) for a program
 * that is visible by id; each bad attr gives Linux 6.1's errno; the
 * privilege rules per program type for a caller without capabilities;
 * the verifier log on a rejected program.
 */
#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>

#include <linux/kbpf.h>

#include "kt_prog.h"

#define NOBODY 65534
#define UNPRIV_PARAM "/sys/module/kbpf/parameters/unprivileged_bpf"

static const struct bpf_insn ret1[] = { KT_MOV64_IMM(0, 1), KT_EXIT() };

static long load_attr_with(void (*edit)(union bpf_attr *attr))
{
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = ret1, .cnt = 2 };
	union bpf_attr attr;
	long fd;

	kt_load_attr(&attr, &l);
	edit(&attr);
	fd = kt_bpf(BPF_PROG_LOAD, &attr);
	/* A case that wrongly succeeds must not leak its program. */
	if (fd >= 0) {
		close((int)fd);
		errno = 0;
		return 0;
	}
	return fd;
}

static void t_load_ok(void)
{
	long fd = kt_load_ret(BPF_PROG_TYPE_SOCKET_FILTER, 1);
	struct bpf_prog_info info;
	__u32 next = 0;
	bool ok;

	memset(&info, 0, sizeof(info));
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_true(fcntl((int)fd, F_GETFD) == FD_CLOEXEC,
			   "the fd is close-on-exec") &&
	     kt_check_ok(kt_prog_info((int)fd, &info), "info") &&
	     kt_check_true(info.id > 0, "the program has an id") &&
	     kt_check_u64(info.type, BPF_PROG_TYPE_SOCKET_FILTER, "info.type");
	if (ok) {
		union bpf_attr attr;
		long fd2;

		/* GET_NEXT_ID walks to it; GET_FD_BY_ID opens it. */
		ok = kt_check_ok(kt_next_id(BPF_PROG_GET_NEXT_ID, info.id - 1, &next),
				 "PROG_GET_NEXT_ID") &&
		     kt_check_u64(next, info.id, "next id");
		kt_attr_zero(&attr);
		attr.prog_id = info.id;
		fd2 = kt_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		ok = ok && kt_check_ok(fd2, "PROG_GET_FD_BY_ID");
		if (fd2 >= 0) {
			struct bpf_prog_info info2;

			memset(&info2, 0, sizeof(info2));
			ok = kt_check_ok(kt_prog_info((int)fd2, &info2), "info by id fd") &&
			     kt_check_u64(info2.id, info.id, "same program");
			close((int)fd2);
		}
	}
	kt_verdict("load_socket_filter", ok);
	if (fd >= 0)
		close((int)fd);

	/* Once its last fd is gone the id goes too. */
	if (ok) {
		union bpf_attr attr;

		kt_attr_zero(&attr);
		attr.prog_id = info.id;
		kt_expect_errno("id_gone_after_close",
				kt_bpf(BPF_PROG_GET_FD_BY_ID, &attr), ENOENT);
	}
}

static void e_flags(union bpf_attr *a) { a->prog_flags = 1u << 31; }
static void e_sleepable(union bpf_attr *a) { a->prog_flags = BPF_F_SLEEPABLE; }
static void e_license_null(union bpf_attr *a) { a->license = 0; }
static void e_cnt_zero(union bpf_attr *a) { a->insn_cnt = 0; }
static void e_cnt_huge(union bpf_attr *a) { a->insn_cnt = 1000001; }
static void e_insns_null(union bpf_attr *a) { a->insns = 0; }
static void e_type_unspec(union bpf_attr *a) { a->prog_type = BPF_PROG_TYPE_UNSPEC; }
static void e_type_huge(union bpf_attr *a) { a->prog_type = 9999; }
static void e_name_dash(union bpf_attr *a) { strcpy(a->prog_name, "bad-name"); }
static void e_name_full(union bpf_attr *a) { memset(a->prog_name, 'a', sizeof(a->prog_name)); }
static void e_btf_id(union bpf_attr *a) { a->attach_btf_id = 1; }
static void e_attach_prog_fd(union bpf_attr *a) { a->attach_prog_fd = 1; }
static void e_ifindex(union bpf_attr *a) { a->prog_ifindex = 1; }
static void e_ifindex_xdp(union bpf_attr *a)
{
	a->prog_type = BPF_PROG_TYPE_XDP;
	a->prog_ifindex = 1;
}
static void e_cg_skb_eat(union bpf_attr *a)
{
	a->prog_type = BPF_PROG_TYPE_CGROUP_SKB;
	a->expected_attach_type = BPF_CGROUP_INET_SOCK_CREATE;
}
static void e_tracing_btf(union bpf_attr *a)
{
	a->prog_type = BPF_PROG_TYPE_TRACING;
	a->expected_attach_type = BPF_TRACE_FENTRY;
	a->attach_btf_id = 1;
}
/* 6.1 types kbpf has no context rules for: not implemented. */
static void e_flow_dissector(union bpf_attr *a) { a->prog_type = BPF_PROG_TYPE_FLOW_DISSECTOR; }
static void e_seg6local(union bpf_attr *a) { a->prog_type = BPF_PROG_TYPE_LWT_SEG6LOCAL; }
static void e_unused_tail(union bpf_attr *a) { a->core_relo_rec_size = 0; ((char *)a)[sizeof(*a) - 1] = 1; }
static void e_none(union bpf_attr *a) { (void)a; }
static void e_name_ok(union bpf_attr *a) { strcpy(a->prog_name, "my_prog.1"); }
static void e_cg_skb_egress(union bpf_attr *a)
{
	a->prog_type = BPF_PROG_TYPE_CGROUP_SKB;
	a->expected_attach_type = BPF_CGROUP_INET_EGRESS;
}
static void e_license_proprietary(union bpf_attr *a) { a->license = kt_ptr("Proprietary"); }

static void t_bad_attrs(void)
{
	static const struct {
		const char *name;
		void (*edit)(union bpf_attr *attr);
		int err;
	} cases[] = {
		{ "unknown_prog_flag", e_flags, EINVAL },
		{ "sleepable_socket_filter", e_sleepable, EINVAL },
		{ "license_null", e_license_null, EFAULT },
		/* Linux 6.1 says E2BIG for no instructions too. */
		{ "insn_cnt_zero", e_cnt_zero, E2BIG },
		{ "insn_cnt_over_1m", e_cnt_huge, E2BIG },
		{ "insns_null", e_insns_null, EFAULT },
		{ "type_unspec", e_type_unspec, EINVAL },
		{ "type_unknown", e_type_huge, EINVAL },
		{ "name_bad_char", e_name_dash, EINVAL },
		{ "name_no_nul", e_name_full, EINVAL },
		{ "attach_btf_id_socket_filter", e_btf_id, EINVAL },
		{ "attach_prog_fd_without_btf_id", e_attach_prog_fd, EINVAL },
		{ "prog_ifindex_socket_filter", e_ifindex, EINVAL },
		{ "prog_ifindex_xdp_offload", e_ifindex_xdp, EOPNOTSUPP },
		{ "cgroup_skb_bad_attach_type", e_cg_skb_eat, EINVAL },
		{ "tracing_needs_btf", e_tracing_btf, EOPNOTSUPP },
		{ "attr_tail_nonzero", e_unused_tail, EINVAL },
		{ "flow_dissector_not_implemented", e_flow_dissector, EOPNOTSUPP },
		{ "lwt_seg6local_not_implemented", e_seg6local, EOPNOTSUPP },
	};
	size_t i;

	for (i = 0; i < KT_ARRAY_SIZE(cases); i++)
		kt_expect_errno(cases[i].name, load_attr_with(cases[i].edit),
				cases[i].err);
	if (!kt_verifier_present()) {
		kt_skip("good_attrs_load", "no verifier in this build");
		return;
	}
	kt_expect_ok("baseline_attr_loads", load_attr_with(e_none));
	kt_expect_ok("name_ok", load_attr_with(e_name_ok));
	kt_expect_ok("cgroup_skb_egress", load_attr_with(e_cg_skb_egress));
	kt_expect_ok("license_proprietary_loads", load_attr_with(e_license_proprietary));
}

/* A map fd that is no map, or no fd at all, in LD_IMM64. */
static void t_bad_map_fd(void)
{
	struct bpf_insn insns[] = { KT_LD_MAP_FD(1, 0), KT_MOV64_IMM(0, 0), KT_EXIT() };
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = insns, .cnt = 4 };
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	insns[0].imm = 1000;
	kt_expect_errno("map_fd_not_open", kt_prog_load(&l), EBADF);
	insns[0].imm = devnull;
	kt_expect_errno("map_fd_not_a_map", kt_prog_load(&l), EINVAL);
	close(devnull);
}

/* A rejected program says why in the log, in Linux's words. */
static void t_log(void)
{
	/* r0 = r2: R2 was never written. */
	const struct bpf_insn insns[] = { KT_MOV64_REG(0, 2), KT_EXIT() };
	char log[4096];
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = insns, .cnt = 2, .log = log,
			     .log_size = sizeof(log), .log_level = 1 };
	bool ok;

	memset(log, 0, sizeof(log));
	ok = kt_check_errno(kt_prog_load(&l), EACCES, "PROG_LOAD") &&
	     kt_check_true(strstr(log, "R2 !read_ok") != NULL,
			   "log names the unread register (\"R2 !read_ok\")");
	if (!ok)
		kt_whyf("%s; log: %.200s", kt_why, log);
	kt_verdict("log_on_reject", ok);

	/* No log asked for: the same errno. */
	l.log = NULL;
	l.log_size = 0;
	l.log_level = 0;
	kt_expect_errno("reject_without_log", kt_prog_load(&l), EACCES);
}

/*
 * A process without capabilities, with the module parameter that mirrors
 * kernel.unprivileged_bpf_disabled=0 set: socket filters and cgroup_skb
 * load, every other type needs CAP_BPF (and its own capability), and the
 * size limit is 4096 instructions.
 */
static int unpriv_child(void)
{
	static struct bpf_insn big[4097];
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = big, .cnt = 4097 };
	struct bpf_prog_info info;
	long fd;
	bool ok;
	size_t i;

	ok = kt_check_ok(setgroups(0, NULL), "setgroups") &&
	     kt_check_ok(setgid(NOBODY), "setgid") &&
	     kt_check_ok(setuid(NOBODY), "setuid");
	kt_verdict("unpriv_drop_privileges", ok);
	if (!ok)
		return 1;

	fd = kt_load_ret(BPF_PROG_TYPE_SOCKET_FILTER, 1);
	kt_expect_ok("unpriv_socket_filter", fd);
	if (fd >= 0) {
		/* No CAP_BPF: lengths and contents of the program stay hidden. */
		memset(&info, 0, sizeof(info));
		ok = kt_check_ok(kt_prog_info((int)fd, &info), "info") &&
		     kt_check_u64(info.xlated_prog_len, 0, "xlated_prog_len") &&
		     kt_check_u64(info.jited_prog_len, 0, "jited_prog_len") &&
		     kt_check_u64(info.created_by_uid, NOBODY, "created_by_uid");
		kt_verdict("unpriv_info_hides_insns", ok);
		close((int)fd);
	}
	fd = kt_load_ret(BPF_PROG_TYPE_CGROUP_SKB, 1);
	kt_expect_ok("unpriv_cgroup_skb", fd);
	if (fd >= 0)
		close((int)fd);
	kt_expect_errno("unpriv_sched_cls", kt_load_ret(BPF_PROG_TYPE_SCHED_CLS, 0), EPERM);
	kt_expect_errno("unpriv_xdp", kt_load_ret(BPF_PROG_TYPE_XDP, 0), EPERM);
	kt_expect_errno("unpriv_kprobe", kt_load_ret(BPF_PROG_TYPE_KPROBE, 0), EPERM);
	kt_expect_errno("unpriv_raw_tracepoint",
			kt_load_ret(BPF_PROG_TYPE_RAW_TRACEPOINT, 0), EPERM);

	for (i = 0; i < KT_ARRAY_SIZE(big); i++)
		big[i] = KT_MOV64_IMM(0, 0);
	big[KT_ARRAY_SIZE(big) - 1] = KT_EXIT();
	kt_expect_errno("unpriv_4097_insns", kt_prog_load(&l), E2BIG);
	return kt_done();
}

static int write_param(const char *val)
{
	int fd = open(UNPRIV_PARAM, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, 1);
	close(fd);
	return n == 1 ? 0 : -1;
}

static void t_unpriv(void)
{
	int status;
	pid_t pid;

	if (write_param("1")) {
		kt_fail("unpriv_setup", "write " UNPRIV_PARAM ": %s",
			kt_errname(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(unpriv_child());
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		kt_fail("unpriv_child", "fork/waitpid: %s", kt_errname(errno));
	else if (!WIFEXITED(status))
		kt_fail("unpriv_child", "child died (status %#x)", status);
	else if (WEXITSTATUS(status))
		/* Its FAIL lines are already out; make this binary's status say so. */
		kt_failures++;
	if (write_param("0"))
		kt_fail("unpriv_restore", "write " UNPRIV_PARAM ": %s",
			kt_errname(errno));
}

/* Programs larger than 4096 instructions load with CAP_BPF. */
static void t_big_privileged(void)
{
	static struct bpf_insn big[5000];
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = big, .cnt = KT_ARRAY_SIZE(big) };
	long fd;
	size_t i;

	for (i = 0; i < KT_ARRAY_SIZE(big); i++)
		big[i] = KT_ALU64_IMM(BPF_ADD, 0, 1);
	big[0] = KT_MOV64_IMM(0, 0);
	big[KT_ARRAY_SIZE(big) - 1] = KT_EXIT();
	fd = kt_prog_load(&l);
	kt_expect_ok("privileged_5000_insns", fd);
	if (fd >= 0)
		close((int)fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	t_bad_attrs();
	if (!kt_verifier_present()) {
		/* Every check before the verifier ran above. */
		kt_skip("verified_loads", "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return kt_done();
	}
	t_load_ok();
	t_bad_map_fd();
	t_log();
	t_big_privileged();
	t_unpriv();
	return kt_done();
}
