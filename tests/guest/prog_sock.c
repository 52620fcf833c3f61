// SPDX-License-Identifier: GPL-2.0
/*
 * The socket helpers from loaded programs, on the guest kernel's real
 * socket tables: bpf_sk_lookup_tcp finds a TCP listener and (loopback up)
 * the established socket accept() made, bpf_sk_lookup_udp a bound UDP
 * socket, bpf_skc_lookup_tcp the same; each program reads a bpf_sock field
 * of what it found and releases it, and the run is repeated so a
 * reference bpf_sk_release() failed to drop would show (the debug guest's
 * kmemleak). Bad tuple sizes, flags and namespace ids find nothing; skb->sk
 * of BPF_PROG_TEST_RUN's skb reads through sk_fullsock; a program that
 * keeps its socket is refused with Linux's "Unreleased reference".
 */
#include <arpa/inet.h>
#include <linux/kbpf.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "kt_prog.h"

#define NOT_FOUND	0xdead

static unsigned char pkt[64];

static long run(int fd, __u32 repeat, __u32 *retval)
{
	union bpf_attr attr;
	long ret;

	kt_attr_zero(&attr);
	attr.test.prog_fd = (__u32)fd;
	attr.test.data_in = kt_ptr(pkt);
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = repeat;
	ret = kt_bpf(BPF_PROG_TEST_RUN, &attr);
	*retval = attr.test.retval;
	return ret;
}

struct lookup {
	__u32 prog_type;
	int helper;
	__be32 saddr, daddr;
	__be16 sport, dport;
	__u32 len;		/* tuple size given to the helper */
	__s32 netns;
	__s32 flags;
	__s16 field;		/* bpf_sock field read from the socket found */
	__s32 expect;		/* cgroup_skb: the field's value that returns 1 */
};

/*
 * r0 = helper(ctx, &tuple, len, netns, flags); if found, read the field
 * (a u32 of struct bpf_sock), release the socket and return the field;
 * else return NOT_FOUND. cgroup_skb programs may only return 0 or 1:
 * there the program returns field == expect, and 0 when nothing is found.
 */
static long load_lookup(const struct lookup *lk, char *log, __u32 log_size)
{
	bool cg = lk->prog_type == BPF_PROG_TYPE_CGROUP_SKB;
	struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_ST(BPF_W, 10, -16, (__s32)lk->saddr),
		KT_ST(BPF_W, 10, -12, (__s32)lk->daddr),
		KT_ST(BPF_H, 10, -8, lk->sport),
		KT_ST(BPF_H, 10, -6, lk->dport),
		KT_ST(BPF_W, 10, -4, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -16),
		KT_MOV64_IMM(3, (__s32)lk->len),
		KT_MOV64_IMM(4, lk->netns),
		KT_MOV64_IMM(5, lk->flags),
		KT_CALL(lk->helper),
		KT_JEQ_IMM(0, 0, 8),
		KT_LDX(BPF_W, 7, 0, lk->field),
		KT_MOV64_REG(1, 0),
		KT_CALL(BPF_FUNC_sk_release),
		KT_MOV64_REG(0, 7),
		/* cgroup_skb: r0 = r7 == expect; tc: r0 = r7. */
		cg ? KT_MOV64_IMM(0, 1) : KT_MOV64_REG(0, 7),
		cg ? KT_JEQ_IMM(7, lk->expect, 1) : KT_JEQ_IMM(7, 0, 0),
		cg ? KT_MOV64_IMM(0, 0) : KT_MOV64_REG(0, 7),
		KT_EXIT(),
		KT_MOV64_IMM(0, cg ? 0 : NOT_FOUND),
		KT_EXIT(),
	};
	struct kt_load l = { .type = lk->prog_type, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns), .log = log,
			     .log_size = log_size, .log_level = log ? 1 : 0 };

	return kt_prog_load(&l);
}

/* Load lk and run it repeat times; its result in *retval. */
static bool lookup_run(const struct lookup *lk, __u32 repeat, __u32 *retval)
{
	static char log[8192];
	long fd;
	bool ok;

	log[0] = 0;
	fd = load_lookup(lk, log, sizeof(log));
	if (fd < 0)
		return kt_whyf("PROG_LOAD: %s: %s", kt_errname(errno), log);
	ok = kt_check_ok(run((int)fd, repeat, retval), "TEST_RUN");
	close((int)fd);
	return ok;
}

static int bound_socket(int type, __u16 *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int s = socket(AF_INET, type, 0);

	if (s < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) ||
	    (type == SOCK_STREAM && listen(s, 4)) ||
	    getsockname(s, (struct sockaddr *)&a, &alen)) {
		close(s);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return s;
}

/*
 * A listener and a bound UDP socket, found from sched_cls (the program
 * returns the field) and cgroup_skb (it returns whether the field holds
 * the value expected: those programs return 0 or 1).
 */
static void t_listener_and_udp(__u32 type, const char *tag)
{
	bool cg = type == BPF_PROG_TYPE_CGROUP_SKB;
	__u16 tport = 0, uport = 0;
	int t = bound_socket(SOCK_STREAM, &tport);
	int u = bound_socket(SOCK_DGRAM, &uport);
	struct lookup lk = {
		.prog_type = type, .helper = BPF_FUNC_sk_lookup_tcp,
		.saddr = htonl(INADDR_LOOPBACK), .daddr = htonl(INADDR_LOOPBACK),
		.sport = htons(40000), .dport = htons(tport),
		.len = sizeof(((struct bpf_sock_tuple *)0)->ipv4),
		.netns = -1,
		.field = offsetof(struct bpf_sock, src_port), .expect = tport,
	};
	char name[64];
	__u32 ret = 0;

	if (t < 0 || u < 0) {
		kt_fail(tag, "sockets: %s", kt_errname(errno));
		goto out;
	}
	snprintf(name, sizeof(name), "%s_sk_lookup_tcp_listener", tag);
	kt_verdict(name, lookup_run(&lk, 100, &ret) &&
		   kt_check_u64(ret, cg ? 1 : tport, "the listener's port"));

	lk.helper = BPF_FUNC_skc_lookup_tcp;
	lk.field = offsetof(struct bpf_sock, state);
	lk.expect = 10;		/* TCP_LISTEN */
	snprintf(name, sizeof(name), "%s_skc_lookup_tcp_listener", tag);
	kt_verdict(name, lookup_run(&lk, 10, &ret) &&
		   kt_check_u64(ret, cg ? 1 : 10, "TCP_LISTEN"));

	lk.helper = BPF_FUNC_sk_lookup_udp;
	lk.dport = htons(uport);
	lk.field = offsetof(struct bpf_sock, src_port);
	lk.expect = uport;
	snprintf(name, sizeof(name), "%s_sk_lookup_udp", tag);
	kt_verdict(name, lookup_run(&lk, 100, &ret) &&
		   kt_check_u64(ret, cg ? 1 : uport, "the UDP socket's port"));

	/* A port nobody listens on. */
	lk.helper = BPF_FUNC_sk_lookup_tcp;
	lk.dport = htons(uport);
	snprintf(name, sizeof(name), "%s_sk_lookup_tcp_nothing", tag);
	kt_verdict(name, lookup_run(&lk, 1, &ret) &&
		   kt_check_u64(ret, cg ? 0 : NOT_FOUND, "not found"));
out:
	if (t >= 0)
		close(t);
	if (u >= 0)
		close(u);
}

static void t_not_found(void)
{
	struct lookup base = {
		.prog_type = BPF_PROG_TYPE_SCHED_CLS,
		.helper = BPF_FUNC_sk_lookup_tcp,
		.saddr = htonl(INADDR_LOOPBACK), .daddr = htonl(INADDR_LOOPBACK),
		.sport = htons(40000),
		.len = sizeof(((struct bpf_sock_tuple *)0)->ipv4),
		.netns = -1,
		.field = offsetof(struct bpf_sock, src_port),
	};
	__u16 port = 0;
	int s = bound_socket(SOCK_STREAM, &port);
	struct lookup lk;
	__u32 ret = 0;

	if (s < 0) {
		kt_fail("sk_lookup_not_found", "socket: %s", kt_errname(errno));
		return;
	}
	base.dport = htons(port);
	lk = base;
	lk.dport = htons(port == 65535 ? 1 : port + 1);
	kt_verdict("sk_lookup_no_such_port", lookup_run(&lk, 1, &ret) &&
		   kt_check_u64(ret, NOT_FOUND, "not found"));
	lk = base;
	lk.len = 10;
	kt_verdict("sk_lookup_bad_tuple_size", lookup_run(&lk, 1, &ret) &&
		   kt_check_u64(ret, NOT_FOUND, "not found"));
	lk = base;
	lk.flags = 1;
	kt_verdict("sk_lookup_flags", lookup_run(&lk, 1, &ret) &&
		   kt_check_u64(ret, NOT_FOUND, "not found"));
	lk = base;
	lk.netns = 12345;
	kt_verdict("sk_lookup_unknown_netns_id", lookup_run(&lk, 1, &ret) &&
		   kt_check_u64(ret, NOT_FOUND, "not found"));
	lk = base;
	lk.helper = BPF_FUNC_sk_lookup_udp;
	kt_verdict("sk_lookup_udp_of_tcp_port", lookup_run(&lk, 1, &ret) &&
		   kt_check_u64(ret, NOT_FOUND, "not found"));
	close(s);
}

static bool loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;

	if (s < 0)
		return false;
	strcpy(ifr.ifr_name, "lo");
	ok = !ioctl(s, SIOCGIFFLAGS, &ifr);
	if (ok && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ok = !ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return ok;
}

/* An established TCP socket: found with a reference, released each run. */
static void t_established(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	__u16 lport = 0, cport;
	int l, c = -1, srv = -1;
	struct lookup lk = {
		.prog_type = BPF_PROG_TYPE_SCHED_CLS,
		.helper = BPF_FUNC_sk_lookup_tcp,
		.saddr = htonl(INADDR_LOOPBACK), .daddr = htonl(INADDR_LOOPBACK),
		.len = sizeof(((struct bpf_sock_tuple *)0)->ipv4),
		.netns = -1,
		.field = offsetof(struct bpf_sock, dst_port),
	};
	__u32 ret = 0;
	bool ok;

	if (!loopback_up()) {
		kt_skip("sk_lookup_tcp_established", "cannot bring lo up: %s",
			kt_errname(errno));
		return;
	}
	l = bound_socket(SOCK_STREAM, &lport);
	if (l >= 0) {
		a.sin_port = htons(lport);
		c = socket(AF_INET, SOCK_STREAM, 0);
	}
	if (l < 0 || c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(c, (struct sockaddr *)&a, &alen) ||
	    (srv = accept(l, NULL, NULL)) < 0) {
		kt_fail("sk_lookup_tcp_established", "sockets: %s",
			kt_errname(errno));
		goto out;
	}
	cport = ntohs(a.sin_port);
	/* The server side of the connection: its remote port is the client's. */
	lk.sport = htons(cport);
	lk.dport = htons(lport);
	ok = lookup_run(&lk, 1000, &ret) &&
	     kt_check_u64(ret, htons(cport), "dst_port of the accepted socket");
	kt_verdict("sk_lookup_tcp_established", ok);
	lk.helper = BPF_FUNC_skc_lookup_tcp;
	lk.field = offsetof(struct bpf_sock, state);
	ok = lookup_run(&lk, 1000, &ret) &&
	     kt_check_u64(ret, 1, "TCP_ESTABLISHED");
	kt_verdict("skc_lookup_tcp_established", ok);
out:
	if (srv >= 0)
		close(srv);
	if (c >= 0)
		close(c);
	if (l >= 0)
		close(l);
}

/*
 * skb->sk of the test skb: a full socket whose family the test run took
 * from the packet (IPv4 here, as Linux's test run does), so
 * sk_fullsock gives it back and its family reads AF_INET.
 */
static void t_skb_sk(void)
{
	struct bpf_insn insns[] = {
		KT_LDX(BPF_DW, 1, 1, offsetof(struct __sk_buff, sk)),
		KT_JEQ_IMM(1, 0, 5),
		KT_CALL(BPF_FUNC_sk_fullsock),
		KT_JEQ_IMM(0, 0, 3),
		KT_LDX(BPF_W, 0, 0, offsetof(struct bpf_sock, family)),
		KT_ALU64_IMM(BPF_ADD, 0, 100),
		KT_EXIT(),
		KT_MOV64_IMM(0, NOT_FOUND),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_SCHED_CLS, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns) };
	long fd = kt_prog_load(&l);
	__u32 ret = 0;

	kt_verdict("skb_sk_fullsock_family",
		   kt_check_ok(fd, "PROG_LOAD") &&
		   kt_check_ok(run((int)fd, 1, &ret), "TEST_RUN") &&
		   kt_check_u64(ret, 100 + AF_INET, "family + 100"));
	if (fd >= 0)
		close((int)fd);
}

static void t_leak_refused(void)
{
	static char log[8192];
	struct bpf_insn insns[] = {
		KT_ST(BPF_DW, 10, -16, 0),
		KT_ST(BPF_DW, 10, -8, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -16),
		KT_MOV64_IMM(3, 12),
		KT_MOV64_IMM(4, 0),
		KT_MOV64_IMM(5, 0),
		KT_CALL(BPF_FUNC_sk_lookup_tcp),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_SCHED_CLS, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns), .log = log,
			     .log_size = sizeof(log), .log_level = 1 };
	long fd = kt_prog_load(&l);

	kt_verdict("sk_lookup_leak_refused",
		   kt_check_errno(fd, EINVAL, "PROG_LOAD") &&
		   (strstr(log, "Unreleased reference id=2 alloc_insn=7") ||
		    kt_whyf("log: %s", log)));
	if (fd >= 0)
		close((int)fd);
}

/* cgroup_sock: its bpf_sock context by attach point (loads; Linux has no test run for it). */
static void t_cg_sock(void)
{
	static char log[8192];
	struct bpf_insn set_mark[] = {
		KT_MOV64_IMM(2, 42),
		KT_STX(BPF_W, 1, 2, offsetof(struct bpf_sock, mark)),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct bpf_insn read_port[] = {
		KT_LDX(BPF_W, 2, 1, offsetof(struct bpf_sock, src_port)),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_CGROUP_SOCK, .log = log,
			     .log_size = sizeof(log), .log_level = 1 };
	long fd;

	l.insns = set_mark;
	l.cnt = KT_ARRAY_SIZE(set_mark);
	fd = kt_prog_load(&l);		/* default: BPF_CGROUP_INET_SOCK_CREATE */
	kt_verdict("cg_sock_create_writes_mark", kt_check_ok(fd, "PROG_LOAD") ||
		   kt_whyf("log: %s", log));
	if (fd >= 0)
		close((int)fd);
	l.expected_attach_type = BPF_CGROUP_INET4_POST_BIND;
	fd = kt_prog_load(&l);
	kt_verdict("cg_sock_post_bind_no_mark_write",
		   kt_check_errno(fd, EACCES, "PROG_LOAD") &&
		   (strstr(log, "invalid bpf_context access off=16 size=4") ||
		    kt_whyf("log: %s", log)));
	if (fd >= 0)
		close((int)fd);
	l.insns = read_port;
	l.cnt = KT_ARRAY_SIZE(read_port);
	fd = kt_prog_load(&l);
	kt_verdict("cg_sock_post_bind_reads_port", kt_check_ok(fd, "PROG_LOAD") ||
		   kt_whyf("log: %s", log));
	if (fd >= 0)
		close((int)fd);
	l.expected_attach_type = BPF_CGROUP_INET_SOCK_CREATE;
	fd = kt_prog_load(&l);
	kt_verdict("cg_sock_create_no_port",
		   kt_check_errno(fd, EACCES, "PROG_LOAD") &&
		   (strstr(log, "invalid bpf_context access off=44 size=4") ||
		    kt_whyf("log: %s", log)));
	if (fd >= 0)
		close((int)fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	if (!kt_verifier_present()) {
		kt_skip("all", "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return kt_done();
	}
	pkt[12] = 0x08;		/* ETH_P_IP */
	t_listener_and_udp(BPF_PROG_TYPE_SCHED_CLS, "tc");
	t_listener_and_udp(BPF_PROG_TYPE_CGROUP_SKB, "cg_skb");
	t_not_found();
	t_established();
	t_skb_sk();
	t_leak_refused();
	t_cg_sock();
	return kt_done();
}
