// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_fib_lookup from XDP and sched_cls programs run with
 * BPF_PROG_TEST_RUN, on routes and neighbours set up in the guest: a
 * dummy device (the stock kernel's dummy.ko, put in the initramfs by
 * scripts/check.sh) with IPv4 and IPv6 addresses, gateway routes with and
 * without a neighbour, blackhole/unreachable/prohibit routes, a route in
 * another table, a route with a locked MTU, a route of two paths and a
 * PMTU learnt from an ICMP "fragmentation needed". Each case checks the return
 * code and the fields Linux's documentation promises, on kbpf and on
 * Linux's bpf(2) alike; on kbpf the whole struct bpf_fib_lookup the program
 * gets back must also equal, byte for byte, what Linux's gives back.
 *
 * The program takes the struct from the packet (after an Ethernet
 * header) and does the lookup in place, so data_out is the result.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "kt_dual.h"
#include "kt_prog.h"

/* A failing case lists only its return code: the rest of fib_case is 0. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define KT_JGT_REG(d, s, o)	KT_INSN(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
#define PKT_LEN		(14 + sizeof(struct bpf_fib_lookup))

static int ifx;			/* dummy0's ifindex */
static unsigned char dev_mac[6];
static const unsigned char gw_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static bool linux_ok;

/* One shell command of the guest's busybox; false (and why) if it failed. */
static bool sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		printf("# prog_fib_lookup: '%s' exited %d\n", cmd, rc);
	return rc == 0;
}

static bool write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* Appends an attribute to the netlink message at nh (room is the caller's). */
static struct rtattr *nl_attr(struct nlmsghdr *nh, int type, const void *data,
			      int len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh +
					       NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (data)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

/* Sends one rtnetlink request; true when the kernel acknowledged it. */
static bool nl_request(struct nlmsghdr *nh)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	int fd, n;

	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0)
		return false;
	n = sendto(fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel));
	if (n > 0)
		n = recv(fd, &ack, sizeof(ack), 0);
	close(fd);
	return n >= (int)sizeof(ack) && ack.nh.nlmsg_type == NLMSG_ERROR &&
	       ack.err.error == 0;
}

/* A permanent neighbour entry (busybox ip cannot add one). */
static bool neigh_add(int family, const void *addr, int alen)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
		char attrs[64];
	} req;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.nd));
	req.nh.nlmsg_type = RTM_NEWNEIGH;
	req.nd.ndm_family = family;
	req.nd.ndm_ifindex = ifx;
	req.nd.ndm_state = NUD_PERMANENT;
	nl_attr(&req.nh, NDA_DST, addr, alen);
	nl_attr(&req.nh, NDA_LLADDR, gw_mac, 6);
	return nl_request(&req.nh);
}

/*
 * 10.9.0.0/24 over two paths, via 10.1.0.2 and 10.1.0.4 (busybox ip
 * cannot add a multipath route).
 */
static bool multipath_route_add(void)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[128];
	} req;
	const char *gws[] = { "10.1.0.2", "10.1.0.4" };
	struct rtattr *mp;
	struct in_addr a;
	int i;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
	req.nh.nlmsg_type = RTM_NEWROUTE;
	req.rt.rtm_family = AF_INET;
	req.rt.rtm_dst_len = 24;
	req.rt.rtm_table = RT_TABLE_MAIN;
	req.rt.rtm_protocol = RTPROT_BOOT;
	req.rt.rtm_scope = RT_SCOPE_UNIVERSE;
	req.rt.rtm_type = RTN_UNICAST;
	inet_pton(AF_INET, "10.9.0.0", &a);
	nl_attr(&req.nh, RTA_DST, &a, 4);
	mp = nl_attr(&req.nh, RTA_MULTIPATH, NULL, 0);
	for (i = 0; i < 2; i++) {
		struct rtnexthop *rtnh = (struct rtnexthop *)
			((char *)&req + req.nh.nlmsg_len);
		struct rtattr *gw = RTNH_DATA(rtnh);

		memset(rtnh, 0, sizeof(*rtnh));
		rtnh->rtnh_ifindex = ifx;
		gw->rta_type = RTA_GATEWAY;
		gw->rta_len = RTA_LENGTH(4);
		inet_pton(AF_INET, gws[i], RTA_DATA(gw));
		rtnh->rtnh_len = RTNH_LENGTH(RTA_ALIGN(gw->rta_len));
		req.nh.nlmsg_len += RTNH_ALIGN(rtnh->rtnh_len);
		mp->rta_len += RTNH_ALIGN(rtnh->rtnh_len);
	}
	return nl_request(&req.nh);
}

static bool setup(void)
{
	struct in6_addr a6;
	struct in_addr a4;
	struct ifreq ifr;
	int fd;

	system("insmod /lib/kbpf/dummy.ko 2>/dev/null");
	ifx = (int)if_nametoindex("dummy0");
	if (!ifx)
		return false;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "dummy0");
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr))
		return false;
	close(fd);
	memcpy(dev_mac, ifr.ifr_hwaddr.sa_data, 6);
	inet_pton(AF_INET6, "2001:db8:1::2", &a6);
	return sh("ip link set dummy0 up") &&
	       sh("ip link set dummy0 mtu 1400") &&
	       sh("ip addr add 10.1.0.1/24 dev dummy0") &&
	       sh("ip -6 addr add 2001:db8:1::1/64 dev dummy0") &&
	       sh("ip route add 10.2.0.0/24 via 10.1.0.2") &&
	       sh("ip route add 10.3.0.0/24 via 10.1.0.3") &&
	       sh("ip route add blackhole 10.4.0.0/24") &&
	       sh("ip route add unreachable 10.5.0.0/24") &&
	       sh("ip route add prohibit 10.6.0.0/24") &&
	       sh("ip route add 10.7.0.0/24 via 10.1.0.2 mtu lock 1000") &&
	       sh("ip route add 10.8.0.0/24 via 10.1.0.2 table 100") &&
	       sh("ip -6 route add 2001:db8:2::/64 via 2001:db8:1::2") &&
	       sh("ip -6 route add 2001:db8:3::/64 via 2001:db8:1::3") &&
	       sh("ip -6 route add blackhole 2001:db8:4::/64") &&
	       sh("ip -6 route add unreachable 2001:db8:5::/64") &&
	       sh("ip -6 route add prohibit 2001:db8:6::/64") &&
	       sh("ip -6 route add 2001:db8:8::/64 via 2001:db8:1::2 table 100") &&
	       multipath_route_add() &&
	       inet_pton(AF_INET, "10.1.0.2", &a4) == 1 &&
	       neigh_add(AF_INET, &a4, 4) &&
	       inet_pton(AF_INET, "10.1.0.4", &a4) == 1 &&
	       neigh_add(AF_INET, &a4, 4) && neigh_add(AF_INET6, &a6, 16);
}

static bool set_forwarding(const char *v)
{
	return write_file("/proc/sys/net/ipv4/conf/all/forwarding", v) &&
	       write_file("/proc/sys/net/ipv6/conf/all/forwarding", v);
}

/* Runs the program of prog_type once on the packet holding *in. */
static bool run_lookup(const struct kt_be *be, __u32 prog_type, __u32 flags,
		       const struct bpf_fib_lookup *in, __u32 *ret,
		       struct bpf_fib_lookup *res)
{
	const bool xdp = prog_type == BPF_PROG_TYPE_XDP;
	struct bpf_insn insns[64];
	struct kt_load l = { .type = prog_type, .insns = insns };
	unsigned char pkt[PKT_LEN], out[PKT_LEN];
	struct kt_run run = { .data_in = pkt, .data_size_in = sizeof(pkt),
			      .data_out = out, .data_size_out = sizeof(out) };
	int n = 0, i;

	/* r6 = the struct in the packet, if the packet holds it all. */
	insns[n++] = KT_LDX(BPF_W, 6, 1, xdp ? offsetof(struct xdp_md, data) :
					     offsetof(struct __sk_buff, data));
	insns[n++] = KT_LDX(BPF_W, 3, 1, xdp ? offsetof(struct xdp_md, data_end) :
					     offsetof(struct __sk_buff, data_end));
	insns[n++] = KT_MOV64_REG(4, 6);
	insns[n++] = KT_ALU64_IMM(BPF_ADD, 4, PKT_LEN);
	insns[n++] = KT_JGT_REG(4, 3, 2 * 8 + 5 + 2 * 8 + 2);
	insns[n++] = KT_ALU64_IMM(BPF_ADD, 6, 14);
	/* Helpers take no packet memory: a copy on the stack, and back. */
	for (i = 0; i < 8; i++) {
		insns[n++] = KT_LDX(BPF_DW, 0, 6, 8 * i);
		insns[n++] = KT_STX(BPF_DW, 10, 0, -64 + 8 * i);
	}
	insns[n++] = KT_MOV64_REG(2, 10);
	insns[n++] = KT_ALU64_IMM(BPF_ADD, 2, -64);
	insns[n++] = KT_MOV64_IMM(3, sizeof(struct bpf_fib_lookup));
	insns[n++] = KT_MOV64_IMM(4, flags);
	insns[n++] = KT_CALL(BPF_FUNC_fib_lookup);
	for (i = 0; i < 8; i++) {
		insns[n++] = KT_LDX(BPF_DW, 1, 10, -64 + 8 * i);
		insns[n++] = KT_STX(BPF_DW, 6, 1, 8 * i);
	}
	insns[n++] = KT_EXIT();
	insns[n++] = KT_MOV64_IMM(0, -1);
	insns[n++] = KT_EXIT();
	l.cnt = n;
	memset(pkt, 0, sizeof(pkt));
	/* An IPv4 or IPv6 Ethernet frame, for sched_cls's skb->protocol. */
	pkt[12] = in->family == AF_INET ? 0x08 : 0x86;
	pkt[13] = in->family == AF_INET ? 0x00 : 0xdd;
	memcpy(pkt + 14, in, sizeof(*in));
	if (!be_load_run(be, &l, &run))
		return false;
	*ret = run.retval;
	memcpy(res, out + 14, sizeof(*res));
	return kt_check_u64(run.data_size_out, PKT_LEN, "data_size_out");
}

struct fib_case {
	__u32 prog_type;
	__u32 flags;
	struct bpf_fib_lookup in;
	__u32 want_ret;
	/* On success (or as far as Linux fills them in before failing): */
	bool check_out;
	__u32 ifindex;
	const unsigned char *dmac;	/* NULL: left as it was (zero) */
	__u16 mtu_result;		/* 0: not checked */
};

/*
 * One lookup on be; on kbpf, also on Linux's bpf(2), whose struct must be
 * the same bytes.
 */
static bool fib_case(const struct kt_be *be, const struct fib_case *c)
{
	static const unsigned char zero[6];
	struct bpf_fib_lookup res, lres;
	__u32 ret, lret;

	if (!run_lookup(be, c->prog_type, c->flags, &c->in, &ret, &res) ||
	    !kt_check_u64(ret, c->want_ret, "fib_lookup's return"))
		return false;
	if (c->check_out &&
	    !(kt_check_u64(res.ifindex, c->ifindex, "ifindex") &&
	      kt_check_mem(res.dmac, c->dmac ? c->dmac : zero, 6, "dmac") &&
	      kt_check_mem(res.smac, c->dmac ? dev_mac : zero, 6, "smac") &&
	      (!c->mtu_result ||
	       kt_check_u64(res.mtu_result, c->mtu_result, "mtu_result"))))
		return false;
	if (be != &kt_be_kbpf || !linux_ok)
		return true;
	if (!run_lookup(&kt_be_linux, c->prog_type, c->flags, &c->in, &lret,
			&lres))
		return false;
	return kt_check_u64(ret, lret, "return against Linux's") &&
	       kt_check_mem(&res, &lres, sizeof(res), "struct against Linux's");
}

static struct bpf_fib_lookup v4(const char *dst, __u16 tot_len)
{
	struct bpf_fib_lookup p = { .family = AF_INET, .ifindex = ifx,
				    .tot_len = tot_len, .l4_protocol = 17 };

	inet_pton(AF_INET, "10.1.0.9", &p.ipv4_src);
	inet_pton(AF_INET, dst, &p.ipv4_dst);
	return p;
}

static struct bpf_fib_lookup v6(const char *dst, __u16 tot_len)
{
	struct bpf_fib_lookup p = { .family = AF_INET6, .ifindex = ifx,
				    .tot_len = tot_len, .l4_protocol = 17 };

	inet_pton(AF_INET6, "2001:db8:1::9", p.ipv6_src);
	inet_pton(AF_INET6, dst, p.ipv6_dst);
	return p;
}

/* A lookup in table id (with BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID). */
static struct bpf_fib_lookup in_table(struct bpf_fib_lookup p, __u32 id)
{
	p.tbid = id;
	return p;
}

static struct bpf_fib_lookup with_family(struct bpf_fib_lookup p, __u8 family)
{
	p.family = family;
	return p;
}

static struct bpf_fib_lookup with_ifindex(struct bpf_fib_lookup p, __u32 ifindex)
{
	p.ifindex = ifindex;
	return p;
}

static bool run_cases(const struct kt_be *be, const struct fib_case *c, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!fib_case(be, &c[i])) {
			printf("# prog_fib_lookup: case %d failed\n", i);
			return false;
		}
	}
	return true;
}

#define XDP	BPF_PROG_TYPE_XDP
#define TC	BPF_PROG_TYPE_SCHED_CLS

static bool t_fwd_disabled(const struct kt_be *be)
{
	const struct fib_case c[] = {
		{ XDP, 0, v4("10.2.0.1", 0), BPF_FIB_LKUP_RET_FWD_DISABLED },
		{ XDP, 0, v6("2001:db8:2::1", 0), BPF_FIB_LKUP_RET_FWD_DISABLED },
		{ TC, 0, v4("10.2.0.1", 0), BPF_FIB_LKUP_RET_FWD_DISABLED },
	};

	return run_cases(be, c, KT_ARRAY_SIZE(c));
}

static bool t_ipv4(const struct kt_be *be)
{
	const __u32 D = BPF_FIB_LOOKUP_DIRECT, T = BPF_FIB_LOOKUP_TBID;
	struct bpf_fib_lookup tb100 = in_table(v4("10.8.0.1", 0), 100);
	struct bpf_fib_lookup tb101 = in_table(v4("10.8.0.1", 0), 101);
	const struct fib_case c[] = {
		{ XDP, 0, v4("10.2.0.1", 0), 0, true, ifx, gw_mac, 1400 },
		{ XDP, D, v4("10.2.0.1", 100), 0, true, ifx, gw_mac, 1400 },
		{ XDP, BPF_FIB_LOOKUP_OUTPUT, v4("10.2.0.1", 0), 0, true, ifx,
		  gw_mac, 1400 },
		{ XDP, BPF_FIB_LOOKUP_SRC, v4("10.2.0.1", 0), 0, true, ifx,
		  gw_mac, 1400 },
		{ XDP, 0, v4("10.3.0.1", 0), BPF_FIB_LKUP_RET_NO_NEIGH },
		{ XDP, BPF_FIB_LOOKUP_SKIP_NEIGH, v4("10.3.0.1", 0), 0, true,
		  ifx, NULL, 1400 },
		{ XDP, 0, v4("10.4.0.1", 0), BPF_FIB_LKUP_RET_BLACKHOLE },
		{ XDP, 0, v4("10.5.0.1", 0), BPF_FIB_LKUP_RET_UNREACHABLE },
		{ XDP, 0, v4("10.6.0.1", 0), BPF_FIB_LKUP_RET_PROHIBIT },
		{ XDP, 0, v4("192.0.2.1", 0), BPF_FIB_LKUP_RET_NOT_FWDED },
		{ XDP, 0, v4("10.1.0.1", 0), BPF_FIB_LKUP_RET_NOT_FWDED },
		{ XDP, 0, v4("10.2.0.1", 1401), BPF_FIB_LKUP_RET_FRAG_NEEDED,
		  true, ifx, NULL, 1400 },
		{ XDP, 0, v4("10.2.0.1", 1400), 0, true, ifx, gw_mac, 1400 },
		{ XDP, 0, v4("10.7.0.1", 1001), BPF_FIB_LKUP_RET_FRAG_NEEDED,
		  true, ifx, NULL, 1000 },
		{ XDP, D | T, tb100, 0, true, ifx, gw_mac, 1400 },
		{ XDP, D | T, tb101, BPF_FIB_LKUP_RET_NOT_FWDED },
		{ XDP, D, tb100, BPF_FIB_LKUP_RET_NOT_FWDED },
		{ XDP, 0, tb100, BPF_FIB_LKUP_RET_NOT_FWDED },
		{ TC, 0, v4("10.2.0.1", 0), 0, true, ifx, gw_mac, 1400 },
		{ TC, 0, v4("10.7.0.1", 1001), BPF_FIB_LKUP_RET_FRAG_NEEDED,
		  true, ifx, NULL, 1000 },
		{ TC, 0, v4("10.3.0.1", 0), BPF_FIB_LKUP_RET_NO_NEIGH },
	};

	return run_cases(be, c, KT_ARRAY_SIZE(c));
}

static bool t_ipv6(const struct kt_be *be)
{
	const __u32 D = BPF_FIB_LOOKUP_DIRECT, T = BPF_FIB_LOOKUP_TBID;
	struct bpf_fib_lookup tb100 = in_table(v6("2001:db8:8::1", 0), 100);
	struct bpf_fib_lookup tb101 = in_table(v6("2001:db8:8::1", 0), 101);
	const struct fib_case c[] = {
		{ XDP, 0, v6("2001:db8:2::1", 0), 0, true, ifx, gw_mac, 1400 },
		{ XDP, D, v6("2001:db8:2::1", 0), 0, true, ifx, gw_mac, 1400 },
		{ XDP, BPF_FIB_LOOKUP_OUTPUT, v6("2001:db8:2::1", 0), 0, true,
		  ifx, gw_mac, 1400 },
		{ XDP, BPF_FIB_LOOKUP_SRC, v6("2001:db8:2::1", 0), 0, true, ifx,
		  gw_mac, 1400 },
		{ XDP, 0, v6("2001:db8:3::1", 0), BPF_FIB_LKUP_RET_NO_NEIGH },
		{ XDP, BPF_FIB_LOOKUP_SKIP_NEIGH, v6("2001:db8:3::1", 0), 0,
		  true, ifx, NULL, 1400 },
		{ XDP, 0, v6("2001:db8:4::1", 0), BPF_FIB_LKUP_RET_BLACKHOLE },
		{ XDP, 0, v6("2001:db8:5::1", 0), BPF_FIB_LKUP_RET_UNREACHABLE },
		{ XDP, 0, v6("2001:db8:6::1", 0), BPF_FIB_LKUP_RET_PROHIBIT },
		{ XDP, 0, v6("2001:db8:99::1", 0), BPF_FIB_LKUP_RET_NOT_FWDED },
		{ XDP, 0, v6("fe80::1", 0), BPF_FIB_LKUP_RET_NOT_FWDED },
		{ XDP, 0, v6("2001:db8:2::1", 1401), BPF_FIB_LKUP_RET_FRAG_NEEDED,
		  true, ifx, NULL, 1400 },
		{ XDP, D | T, tb100, 0, true, ifx, gw_mac, 1400 },
		{ XDP, D | T, tb101, BPF_FIB_LKUP_RET_NOT_FWDED },
		{ TC, 0, v6("2001:db8:2::1", 0), 0, true, ifx, gw_mac, 1400 },
		{ TC, 0, v6("2001:db8:3::1", 0), BPF_FIB_LKUP_RET_NO_NEIGH },
	};

	return run_cases(be, c, KT_ARRAY_SIZE(c));
}

/*
 * A route of two paths: for destinations and ports enough to see both
 * gateways chosen, under each hash policy, kbpf's choice (the gateway in
 * ipv4_dst) must be Linux's (fib_case compares the structs).
 */
static bool t_multipath(const struct kt_be *be)
{
	static const char *const policies[] = { "0", "1", "3" };
	unsigned int seen = 0;
	int p, i;

	for (p = 0; p < 3; p++) {
		if (!write_file("/proc/sys/net/ipv4/fib_multipath_hash_policy",
				policies[p]))
			return kt_check_true(false, "set fib_multipath_hash_policy");
		for (i = 0; i < 16; i++) {
			char dst[32];
			struct fib_case c = { XDP, 0, {}, 0, true, 0, gw_mac, 1400 };
			struct bpf_fib_lookup res;
			__u32 ret;

			snprintf(dst, sizeof(dst), "10.9.0.%d", 1 + i % 8);
			c.in = v4(dst, 0);
			c.in.sport = htons(1000 + i);
			c.in.dport = htons(53);
			c.ifindex = ifx;
			if (!fib_case(be, &c) ||
			    !run_lookup(be, XDP, 0, &c.in, &ret, &res))
				return false;
			/* The last byte of the gateway: 2 or 4. */
			seen |= 1u << (((unsigned char *)&res.ipv4_dst)[3] & 7);
		}
	}
	write_file("/proc/sys/net/ipv4/fib_multipath_hash_policy", "0");
	return kt_check_u64(seen, (1u << 2) | (1u << 4), "gateways chosen");
}

static __u16 csum16(const void *p, int len)
{
	const unsigned char *b = p;
	__u32 sum = 0;
	int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/*
 * A learnt PMTU for 10.2.0.1: an ICMP "fragmentation needed" (MTU 1200)
 * about a datagram of a connected UDP socket, 10.1.0.1:4000 to
 * 10.2.0.1:53, sent to ourselves; UDP's error handler makes the route's
 * nexthop an exception for that destination. The socket stays open.
 */
static bool learn_pmtu(void)
{
	struct sockaddr_in local = { .sin_family = AF_INET,
				     .sin_port = htons(4000) };
	struct sockaddr_in peer = { .sin_family = AF_INET,
				    .sin_port = htons(53) };
	unsigned char icmp[8 + 20 + 8] = { 3, 4 };
	int udp, raw;
	bool ok;

	inet_pton(AF_INET, "10.1.0.1", &local.sin_addr);
	inet_pton(AF_INET, "10.2.0.1", &peer.sin_addr);
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	if (udp < 0 || bind(udp, (struct sockaddr *)&local, sizeof(local)) ||
	    connect(udp, (struct sockaddr *)&peer, sizeof(peer)))
		return false;
	icmp[6] = 1200 >> 8;
	icmp[7] = 1200 & 0xff;
	/* The datagram's IP header (no checksum needed) and UDP header. */
	icmp[8] = 0x45;
	icmp[8 + 3] = 28;
	icmp[8 + 8] = 64;
	icmp[8 + 9] = IPPROTO_UDP;
	memcpy(icmp + 8 + 12, &local.sin_addr, 4);
	memcpy(icmp + 8 + 16, &peer.sin_addr, 4);
	memcpy(icmp + 28, &local.sin_port, 2);
	memcpy(icmp + 30, &peer.sin_port, 2);
	icmp[33] = 8;
	*(__u16 *)(icmp + 2) = csum16(icmp, sizeof(icmp));
	raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	ok = raw >= 0 && sendto(raw, icmp, sizeof(icmp), 0,
				(struct sockaddr *)&local, sizeof(local)) ==
			 (ssize_t)sizeof(icmp);
	if (raw >= 0)
		close(raw);
	/* Received on the loopback device, after this call returns. */
	usleep(100000);
	return ok;
}

/* The exception's MTU, for that destination only. */
static bool t_learnt_pmtu(const struct kt_be *be)
{
	const struct fib_case c[] = {
		{ XDP, 0, v4("10.2.0.1", 1201), BPF_FIB_LKUP_RET_FRAG_NEEDED,
		  true, ifx, NULL, 1200 },
		{ XDP, 0, v4("10.2.0.1", 1200), 0, true, ifx, gw_mac, 1200 },
		{ XDP, 0, v4("10.2.0.2", 1201), 0, true, ifx, gw_mac, 1400 },
		{ TC, 0, v4("10.2.0.1", 1201), BPF_FIB_LKUP_RET_FRAG_NEEDED,
		  true, ifx, NULL, 1200 },
	};

	return run_cases(be, c, KT_ARRAY_SIZE(c));
}

/* Linux's argument errors. */
static bool t_errors(const struct kt_be *be)
{
	struct bpf_fib_lookup bad_family = with_family(v4("10.2.0.1", 0), AF_UNIX);
	struct bpf_fib_lookup bad_ifindex = with_ifindex(v4("10.2.0.1", 0), 12345);
	const struct fib_case c[] = {
		{ XDP, 1u << 5, v4("10.2.0.1", 0), (__u32)-EINVAL },
		{ TC, 1u << 31, v4("10.2.0.1", 0), (__u32)-EINVAL },
		{ XDP, 0, bad_family, (__u32)-EAFNOSUPPORT },
		{ TC, 0, bad_family, (__u32)-EAFNOSUPPORT },
		{ XDP, 0, bad_ifindex, (__u32)-ENODEV },
	};

	return run_cases(be, c, KT_ARRAY_SIZE(c));
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	if (!kt_verifier_present()) {
		kt_skip("programs", "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return kt_done();
	}
	if (!setup()) {
		kt_skip("fib_lookup", "no dummy0 device or routes (dummy.ko not in this guest?)");
		return kt_done();
	}
	linux_ok = kt_linux_bpf_usable();
	kt_dual("fib_lookup_fwd_disabled", t_fwd_disabled, linux_ok);
	if (!set_forwarding("1")) {
		kt_skip("fib_lookup", "cannot enable forwarding");
		return kt_done();
	}
	kt_dual("fib_lookup_ipv4", t_ipv4, linux_ok);
	kt_dual("fib_lookup_ipv6", t_ipv6, linux_ok);
	kt_dual("fib_lookup_multipath", t_multipath, linux_ok);
	kt_dual("fib_lookup_errors", t_errors, linux_ok);
	if (learn_pmtu())
		kt_dual("fib_lookup_learnt_pmtu", t_learnt_pmtu, linux_ok);
	else
		kt_verdict("fib_lookup_learnt_pmtu", kt_check_true(false, "ICMP sent"));
	set_forwarding("0");
	return kt_done();
}
