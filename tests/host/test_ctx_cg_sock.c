// SPDX-License-Identifier: GPL-2.0
/*
 * The socket-level and cgroup hook contexts (verifier/ctx_sk_msg.c,
 * ctx_sock_addr.c, ctx_sk_lookup.c, ctx_cgroup.c): Linux 6.1's rules at
 * every offset and size, per attach type where they differ; then the
 * rewrites run on the interpreter over the kernel objects built here.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>
#include <kbpf/insn.h>

#include "ctxtest.h"
#include "ktest.h"

/* The shim's structs have the sizes the rewrites assume, as the kernel's. */
TEST(ctx_kern_layout_sizes)
{
	KBPF_KERN_LAYOUT_CHECK();
	EXPECT_EQ(kbpf_kern_layout.sk_msg_sk, offsetof(struct sk_msg, sk));
	EXPECT_EQ(kbpf_kern_layout.skc_family,
		  offsetof(struct sock, sk_family));
}

/* ---- sk_msg ---- */

#define M(MEMBER, R)	CTX_FIELD(struct sk_msg_md, MEMBER, R, CTX_NO, 0)

static const struct ctx_field sk_msg_fields[] = {
	CTX_FIELD(struct sk_msg_md, data, CTX_EXACT, CTX_NO, KBPF_PTR_TO_PACKET),
	CTX_FIELD(struct sk_msg_md, data_end, CTX_EXACT, CTX_NO,
		  KBPF_PTR_TO_PACKET_END),
	M(family, CTX_EXACT), M(remote_ip4, CTX_EXACT), M(local_ip4, CTX_EXACT),
	M(remote_port, CTX_EXACT), M(local_port, CTX_EXACT), M(size, CTX_EXACT),
	M(sk, CTX_TODO),
	M(remote_ip6[0], CTX_EXACT), M(remote_ip6[1], CTX_EXACT),
	M(remote_ip6[2], CTX_EXACT), M(remote_ip6[3], CTX_EXACT),
	M(local_ip6[0], CTX_EXACT), M(local_ip6[1], CTX_EXACT),
	M(local_ip6[2], CTX_EXACT), M(local_ip6[3], CTX_EXACT),
};

TEST(ctx_sk_msg_access)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SK_MSG);
	struct kbpf_insn_access_aux info = { 0 };
	int i;

	ASSERT_NONNULL(ops);
	EXPECT_EQ(ops->ctx_size, sizeof(struct sk_msg_md));
	ctx_check_table(ops, 0, sk_msg_fields, ARRAY_SIZE(sk_msg_fields));
	/* The IPv6 arrays: whole words only (the table has one entry per field). */
	for (i = 0; i < 4; i++) {
		EXPECT_TRUE(ops->is_valid_access(offsetof(struct sk_msg_md,
							  remote_ip6[i]), 4,
						 KBPF_READ, 0, &info));
		EXPECT_TRUE(ops->is_valid_access(offsetof(struct sk_msg_md,
							  local_ip6[i]), 4,
						 KBPF_READ, 0, &info));
		EXPECT_FALSE(ops->is_valid_access(offsetof(struct sk_msg_md,
							   local_ip6[i]), 2,
						  KBPF_READ, 0, &info));
		EXPECT_FALSE(ops->is_valid_access(offsetof(struct sk_msg_md,
							   local_ip6[i]), 4,
						  KBPF_WRITE, 0, &info));
	}
}

TEST(ctx_sk_msg_read_fields)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SK_MSG);
	u8 payload[32];
	struct sock sk;
	struct sk_msg msg;
	bool ok;
	u8 dst;

	memset(&sk, 0, sizeof(sk));
	memset(&msg, 0, sizeof(msg));
	sk.sk_family = AF_INET6;
	sk.__sk_common.skc_daddr = 0x0100007f;
	sk.__sk_common.skc_rcv_saddr = 0x0200007f;
	sk.__sk_common.skc_dport = 0x5000;		/* port 80, network order */
	sk.__sk_common.skc_num = 8080;
	sk.__sk_common.skc_v6_daddr.s6_addr32[2] = 0xdeadbeef;
	sk.__sk_common.skc_v6_rcv_saddr.s6_addr32[3] = 0xcafe;
	msg.sk = &sk;
	msg.sg.size = 1234;
	msg.data = payload;
	msg.data_end = payload + sizeof(payload);

	for (dst = BPF_REG_0; dst <= BPF_REG_1; dst++) {
#define RD(MEMBER, SIZE)						\
	ctx_read(ops, 0, &msg, offsetof(struct sk_msg_md, MEMBER), SIZE, \
		 dst, BPF_REG_1, &ok)
		EXPECT_EQ(RD(family, 4), AF_INET6);
		EXPECT_EQ(RD(remote_ip4, 4), 0x0100007f);
		EXPECT_EQ(RD(local_ip4, 4), 0x0200007f);
		EXPECT_EQ(RD(remote_ip6[2], 4), 0xdeadbeef);
		EXPECT_EQ(RD(local_ip6[3], 4), 0xcafe);
		/* Linux's quirk: the network-order port shifted up by 16. */
		EXPECT_EQ(RD(remote_port, 4), 0x50000000);
		EXPECT_EQ(RD(local_port, 4), 8080);
		EXPECT_EQ(RD(size, 4), 1234);
		EXPECT_EQ(RD(data, 8), (uintptr_t)payload);
		EXPECT_EQ(RD(data_end, 8), (uintptr_t)(payload + 32));
		EXPECT_TRUE(ok);
#undef RD
	}
}

/* ---- cgroup sock_addr ---- */

#define A(MEMBER, R, W)	CTX_FIELD(struct bpf_sock_addr, MEMBER, R, W, 0)

static const struct ctx_field sock_addr4_fields[] = {
	A(user_family, CTX_EXACT, CTX_NO),
	A(user_ip4, CTX_NARROW, CTX_EXACT),
	A(user_port, CTX_NARROW, CTX_EXACT),
	A(family, CTX_EXACT, CTX_NO),
	A(type, CTX_EXACT, CTX_NO),
	A(protocol, CTX_EXACT, CTX_NO),
	A(msg_src_ip4, CTX_NARROW, CTX_EXACT),
	A(sk, CTX_TODO, CTX_NO),
};

static const struct ctx_field sock_addr4_connect_fields[] = {
	A(user_family, CTX_EXACT, CTX_NO),
	A(user_ip4, CTX_NARROW, CTX_EXACT),
	A(user_port, CTX_NARROW, CTX_EXACT),
	A(family, CTX_EXACT, CTX_NO),
	A(type, CTX_EXACT, CTX_NO),
	A(protocol, CTX_EXACT, CTX_NO),
	A(sk, CTX_TODO, CTX_NO),
};

TEST(ctx_sock_addr_access)
{
	const struct kbpf_ctx_ops *ops =
		kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SOCK_ADDR);
	struct kbpf_insn_access_aux info = { 0 };
	int off = offsetof(struct bpf_sock_addr, user_ip6);

	ASSERT_NONNULL(ops);
	ctx_check_table(ops, BPF_CGROUP_UDP4_SENDMSG, sock_addr4_fields,
			ARRAY_SIZE(sock_addr4_fields));
	ctx_check_table(ops, BPF_CGROUP_INET4_CONNECT, sock_addr4_connect_fields,
			ARRAY_SIZE(sock_addr4_connect_fields));
	/* IPv6 addresses: only for IPv6 attach types, u64 halves too. */
	EXPECT_TRUE(ops->is_valid_access(off, 4, KBPF_READ,
					 BPF_CGROUP_INET6_BIND, &info));
	EXPECT_TRUE(ops->is_valid_access(off + 8, 8, KBPF_WRITE,
					 BPF_CGROUP_INET6_CONNECT, &info));
	EXPECT_FALSE(ops->is_valid_access(off + 4, 8, KBPF_READ,
					  BPF_CGROUP_INET6_CONNECT, &info));
	EXPECT_FALSE(ops->is_valid_access(off + 12, 2, KBPF_WRITE,
					  BPF_CGROUP_INET6_CONNECT, &info));
	EXPECT_FALSE(ops->is_valid_access(off, 4, KBPF_READ,
					  BPF_CGROUP_INET4_BIND, &info));
	/* msg_src_ip6 starts 4 bytes off a u64 boundary: its middle u64 only. */
	off = offsetof(struct bpf_sock_addr, msg_src_ip6);
	EXPECT_FALSE(ops->is_valid_access(off, 8, KBPF_READ,
					  BPF_CGROUP_UDP6_SENDMSG, &info));
	EXPECT_TRUE(ops->is_valid_access(off + 4, 8, KBPF_READ,
					 BPF_CGROUP_UDP6_SENDMSG, &info));
	EXPECT_FALSE(ops->is_valid_access(off, 4, KBPF_READ,
					  BPF_CGROUP_UDP6_RECVMSG, &info));
	EXPECT_FALSE(ops->is_valid_access(offsetof(struct bpf_sock_addr,
						   user_ip4), 4, KBPF_READ,
					  BPF_CGROUP_INET6_BIND, &info));
}

TEST(ctx_sock_addr_rewrites)
{
	const struct kbpf_ctx_ops *ops =
		kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SOCK_ADDR);
	struct bpf_sock_addr_kern ctx;
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	struct in_addr src;
	struct sock sk;
	bool ok;

	memset(&sk, 0, sizeof(sk));
	memset(&sin, 0, sizeof(sin));
	memset(&ctx, 0, sizeof(ctx));
	sk.sk_family = AF_INET;
	sk.sk_type = SOCK_DGRAM;
	sk.sk_protocol = IPPROTO_UDP;
	sin.sin_family = AF_INET;
	sin.sin_port = 0x3412;
	sin.sin_addr.s_addr = 0x0a0b0c0d;
	src.s_addr = 0x01020304;
	ctx.sk = &sk;
	ctx.uaddr = (struct sockaddr *)&sin;
	ctx.t_ctx = &src;

#define RD(MEMBER, AT, SIZE, DST)					\
	ctx_read(ops, BPF_CGROUP_UDP4_SENDMSG, &ctx,			\
		 offsetof(struct bpf_sock_addr, MEMBER) + (AT), SIZE, DST, \
		 BPF_REG_1, &ok)
	EXPECT_EQ(RD(user_family, 0, 4, BPF_REG_1), AF_INET);
	EXPECT_EQ(RD(user_ip4, 0, 4, BPF_REG_0), 0x0a0b0c0d);
	EXPECT_EQ(RD(user_ip4, 1, 1, BPF_REG_1), 0x0c);
	EXPECT_EQ(RD(user_ip4, 2, 2, BPF_REG_1), 0x0a0b);
	EXPECT_EQ(RD(user_port, 0, 4, BPF_REG_1), 0x3412);
	EXPECT_EQ(RD(user_port, 0, 2, BPF_REG_0), 0x3412);
	EXPECT_EQ(RD(family, 0, 4, BPF_REG_1), AF_INET);
	EXPECT_EQ(RD(type, 0, 4, BPF_REG_1), SOCK_DGRAM);
	EXPECT_EQ(RD(protocol, 0, 4, BPF_REG_0), IPPROTO_UDP);
	EXPECT_EQ(RD(msg_src_ip4, 0, 4, BPF_REG_1), 0x01020304);
	EXPECT_TRUE(ok);
#undef RD

	/* Writes reach the sockaddr and leave the borrowed register as it was. */
	EXPECT_TRUE(ctx_write(ops, BPF_CGROUP_UDP4_SENDMSG, &ctx,
			      offsetof(struct bpf_sock_addr, user_ip4), 4,
			      0x7f000001));
	EXPECT_EQ(sin.sin_addr.s_addr, 0x7f000001);
	EXPECT_TRUE(ctx_write(ops, BPF_CGROUP_UDP4_SENDMSG, &ctx,
			      offsetof(struct bpf_sock_addr, user_port), 4,
			      0xbbaa));
	EXPECT_EQ(sin.sin_port, 0xbbaa);
	EXPECT_EQ(sin.sin_addr.s_addr, 0x7f000001);
	EXPECT_TRUE(ctx_write(ops, BPF_CGROUP_UDP4_SENDMSG, &ctx,
			      offsetof(struct bpf_sock_addr, msg_src_ip4), 4,
			      0x05060708));
	EXPECT_EQ(src.s_addr, 0x05060708);
	EXPECT_FALSE(ctx_write(ops, BPF_CGROUP_UDP4_SENDMSG, &ctx,
			       offsetof(struct bpf_sock_addr, family), 4, 1));

	/* IPv6: the u64 halves of the address. */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr.s6_addr32[2] = 0x11111111;
	sin6.sin6_addr.s6_addr32[3] = 0x22222222;
	ctx.uaddr = (struct sockaddr *)&sin6;
	EXPECT_EQ(ctx_read(ops, BPF_CGROUP_INET6_CONNECT, &ctx,
			   offsetof(struct bpf_sock_addr, user_ip6[2]), 8,
			   BPF_REG_1, BPF_REG_1, &ok), 0x2222222211111111ULL);
	EXPECT_TRUE(ok);
	EXPECT_TRUE(ctx_write(ops, BPF_CGROUP_INET6_CONNECT, &ctx,
			      offsetof(struct bpf_sock_addr, user_ip6[0]), 8,
			      0x4444444433333333ULL));
	EXPECT_EQ(sin6.sin6_addr.s6_addr32[0], 0x33333333);
	EXPECT_EQ(sin6.sin6_addr.s6_addr32[1], 0x44444444);
}

/* ---- sk_lookup ---- */

#define L(MEMBER, R)	CTX_FIELD(struct bpf_sk_lookup, MEMBER, R, CTX_NO, 0)

static const struct ctx_field sk_lookup_fields[] = {
	CTX_FIELD(struct bpf_sk_lookup, sk, CTX_EXACT, CTX_NO,
		  KBPF_PTR_TO_SOCKET | KBPF_PTR_MAYBE_NULL),
	L(family, CTX_NARROW), L(protocol, CTX_NARROW),
	L(remote_ip4, CTX_NARROW), L(local_ip4, CTX_NARROW),
	L(local_port, CTX_NARROW), L(ingress_ifindex, CTX_NARROW),
	/* remote_port and the padding after it: checked below. */
	{ "remote_port", offsetof(struct bpf_sk_lookup, remote_port), 4,
	  CTX_OWN, CTX_NO, 0 },
	L(remote_ip6[0], CTX_NARROW), L(remote_ip6[1], CTX_NARROW),
	L(remote_ip6[2], CTX_NARROW), L(remote_ip6[3], CTX_NARROW),
	L(local_ip6[0], CTX_NARROW), L(local_ip6[1], CTX_NARROW),
	L(local_ip6[2], CTX_NARROW), L(local_ip6[3], CTX_NARROW),
};

TEST(ctx_sk_lookup_access)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SK_LOOKUP);
	struct kbpf_insn_access_aux info = { 0 };
	int port = offsetof(struct bpf_sk_lookup, remote_port);

	ASSERT_NONNULL(ops);
	ctx_check_table(ops, BPF_SK_LOOKUP, sk_lookup_fields,
			ARRAY_SIZE(sk_lookup_fields));
	/* remote_port: a u16 that may be read as a u32, with its padding. */
	EXPECT_TRUE(ops->is_valid_access(port, 4, KBPF_READ, 0, &info));
	EXPECT_EQ(info.ctx_field_size, 0);
	EXPECT_TRUE(ops->is_valid_access(port, 2, KBPF_READ, 0, &info));
	EXPECT_EQ(info.ctx_field_size, 2);
	EXPECT_TRUE(ops->is_valid_access(port + 2, 2, KBPF_READ, 0, &info));
	EXPECT_TRUE(ops->is_valid_access(port + 3, 1, KBPF_READ, 0, &info));
	EXPECT_FALSE(ops->is_valid_access(port + 2, 4, KBPF_READ, 0, &info));
	EXPECT_FALSE(ops->is_valid_access(port, 4, KBPF_WRITE, 0, &info));
	EXPECT_TRUE(ops->is_valid_access(offsetof(struct bpf_sk_lookup,
						  remote_ip6[1]) + 2, 2,
					 KBPF_READ, 0, &info));
	/* sk: a socket or NULL, read whole only, never written. */
	memset(&info, 0, sizeof(info));
	EXPECT_TRUE(ops->is_valid_access(0, 8, KBPF_READ, 0, &info));
	EXPECT_EQ(info.reg_type, KBPF_PTR_TO_SOCKET | KBPF_PTR_MAYBE_NULL);
	EXPECT_FALSE(ops->is_valid_access(0, 4, KBPF_READ, 0, &info));
	EXPECT_FALSE(ops->is_valid_access(4, 4, KBPF_READ, 0, &info));
	EXPECT_FALSE(ops->is_valid_access(0, 8, KBPF_WRITE, 0, &info));
}

TEST(ctx_sk_lookup_rewrites)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SK_LOOKUP);
	struct bpf_sk_lookup_kern ctx;
	struct in6_addr saddr;
	bool ok;

	memset(&ctx, 0, sizeof(ctx));
	memset(&saddr, 0, sizeof(saddr));
	ctx.family = AF_INET6;
	ctx.protocol = IPPROTO_TCP;
	ctx.sport = 0x1f90;
	ctx.dport = 443;
	ctx.v4.saddr = 0x0100000a;
	ctx.ingress_ifindex = 7;
	saddr.s6_addr32[1] = 0xabcdef01;

#define RD(MEMBER, AT, SIZE)						\
	ctx_read(ops, BPF_SK_LOOKUP, &ctx,				\
		 offsetof(struct bpf_sk_lookup, MEMBER) + (AT), SIZE,	\
		 BPF_REG_1, BPF_REG_1, &ok)
	EXPECT_EQ(RD(family, 0, 4), AF_INET6);
	EXPECT_EQ(RD(family, 0, 1), AF_INET6);
	EXPECT_EQ(RD(protocol, 0, 2), IPPROTO_TCP);
	EXPECT_EQ(RD(remote_ip4, 0, 4), 0x0100000a);
	EXPECT_EQ(RD(remote_ip4, 3, 1), 0x01);
	EXPECT_EQ(RD(remote_port, 0, 4), 0x1f90);
	EXPECT_EQ(RD(remote_port, 1, 1), 0x1f);
	EXPECT_EQ(RD(remote_port, 2, 2), 0);
	EXPECT_EQ(RD(local_port, 0, 4), 443);
	EXPECT_EQ(RD(ingress_ifindex, 0, 4), 7);
	/* An IPv4 lookup has no IPv6 addresses: they read 0. */
	EXPECT_EQ(RD(remote_ip6[1], 0, 4), 0);
	ctx.v6.saddr = &saddr;
	EXPECT_EQ(RD(remote_ip6[1], 0, 4), 0xabcdef01);
	EXPECT_EQ(RD(remote_ip6[1], 2, 2), 0xabcd);
	EXPECT_EQ(RD(local_ip6[0], 0, 4), 0);
	EXPECT_EQ(RD(sk, 0, 8), 0);
	ctx.selected_sk = (struct sock *)&saddr;
	EXPECT_EQ(RD(sk, 0, 8), (unsigned long)&saddr);
	EXPECT_TRUE(ok);
#undef RD
}

/* ---- cgroup sysctl and device ---- */

TEST(ctx_sysctl_access_and_rewrites)
{
	static const struct ctx_field fields[] = {
		CTX_FIELD(struct bpf_sysctl, write, CTX_NARROW, CTX_NO, 0),
		CTX_FIELD(struct bpf_sysctl, file_pos, CTX_NARROW, CTX_EXACT, 0),
	};
	const struct kbpf_ctx_ops *ops =
		kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SYSCTL);
	struct bpf_sysctl_kern ctx;
	loff_t pos = 0x1122334455667788LL;
	bool ok;

	ASSERT_NONNULL(ops);
	ctx_check_table(ops, BPF_CGROUP_SYSCTL, fields, ARRAY_SIZE(fields));
	memset(&ctx, 0, sizeof(ctx));
	ctx.write = 1;
	ctx.ppos = &pos;
	EXPECT_EQ(ctx_read(ops, 0, &ctx, offsetof(struct bpf_sysctl, write), 4,
			   BPF_REG_1, BPF_REG_1, &ok), 1);
	EXPECT_EQ(ctx_read(ops, 0, &ctx, offsetof(struct bpf_sysctl, file_pos),
			   4, BPF_REG_0, BPF_REG_1, &ok), 0x55667788);
	EXPECT_EQ(ctx_read(ops, 0, &ctx,
			   offsetof(struct bpf_sysctl, file_pos) + 2, 2,
			   BPF_REG_1, BPF_REG_1, &ok), 0x5566);
	EXPECT_TRUE(ok);
	/* A write sets the low 32 bits of *ppos. */
	EXPECT_TRUE(ctx_write(ops, 0, &ctx, offsetof(struct bpf_sysctl, file_pos),
			      4, 0xa0b0c0d0));
	EXPECT_EQ((u64)pos, 0x11223344a0b0c0d0ULL);
}

TEST(ctx_cg_dev_access)
{
	static const struct ctx_field fields[] = {
		CTX_FIELD(struct bpf_cgroup_dev_ctx, access_type, CTX_NARROW,
			  CTX_NO, 0),
		CTX_FIELD(struct bpf_cgroup_dev_ctx, major, CTX_EXACT, CTX_NO, 0),
		CTX_FIELD(struct bpf_cgroup_dev_ctx, minor, CTX_EXACT, CTX_NO, 0),
	};
	const struct kbpf_ctx_ops *ops =
		kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_DEVICE);
	struct bpf_cgroup_dev_ctx ctx = { .access_type = 0x00030001,
					  .major = 8, .minor = 1 };
	bool ok;

	ASSERT_NONNULL(ops);
	EXPECT_NULL(ops->convert_ctx_access);
	ctx_check_table(ops, BPF_CGROUP_DEVICE, fields, ARRAY_SIZE(fields));
	EXPECT_EQ(ctx_read(ops, 0, &ctx, offsetof(struct bpf_cgroup_dev_ctx,
						  access_type) + 2, 2,
			   BPF_REG_0, BPF_REG_1, &ok), 3);
	EXPECT_EQ(ctx_read(ops, 0, &ctx, offsetof(struct bpf_cgroup_dev_ctx,
						  minor), 4,
			   BPF_REG_1, BPF_REG_1, &ok), 1);
	EXPECT_TRUE(ok);
}

/* ---- cgroup sockopt and sock_ops ---- */

#define O(MEMBER, R, W)	CTX_FIELD(struct bpf_sockopt, MEMBER, R, W, 0)

TEST(ctx_sockopt_access_and_rewrites)
{
	static const struct ctx_field set_fields[] = {
		O(sk, CTX_TODO, CTX_NO),
		CTX_FIELD(struct bpf_sockopt, optval, CTX_EXACT, CTX_NO,
			  KBPF_PTR_TO_PACKET),
		CTX_FIELD(struct bpf_sockopt, optval_end, CTX_EXACT, CTX_NO,
			  KBPF_PTR_TO_PACKET_END),
		O(level, CTX_EXACT, CTX_EXACT),
		O(optname, CTX_EXACT, CTX_EXACT),
		O(optlen, CTX_EXACT, CTX_EXACT),
		O(retval, CTX_NO, CTX_NO),
	};
	const struct kbpf_ctx_ops *ops =
		kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SOCKOPT);
	struct kbpf_insn_access_aux info = { 0 };
	struct bpf_sockopt_kern ctx;
	u8 buf[16];
	bool ok;

	ASSERT_NONNULL(ops);
	ctx_check_table(ops, BPF_CGROUP_SETSOCKOPT, set_fields,
			ARRAY_SIZE(set_fields));
	/* getsockopt programs may not change level or optname. */
	EXPECT_FALSE(ops->is_valid_access(offsetof(struct bpf_sockopt, level),
					  4, KBPF_WRITE, BPF_CGROUP_GETSOCKOPT,
					  &info));
	EXPECT_TRUE(ops->is_valid_access(offsetof(struct bpf_sockopt, optlen),
					 4, KBPF_WRITE, BPF_CGROUP_GETSOCKOPT,
					 &info));
	memset(&ctx, 0, sizeof(ctx));
	ctx.optval = buf;
	ctx.optval_end = buf + sizeof(buf);
	ctx.level = 6;
	ctx.optname = 13;
	ctx.optlen = 16;
	EXPECT_EQ(ctx_read(ops, BPF_CGROUP_SETSOCKOPT, &ctx,
			   offsetof(struct bpf_sockopt, optname), 4,
			   BPF_REG_1, BPF_REG_1, &ok), 13);
	EXPECT_EQ(ctx_read(ops, BPF_CGROUP_SETSOCKOPT, &ctx,
			   offsetof(struct bpf_sockopt, optval_end), 8,
			   BPF_REG_0, BPF_REG_1, &ok),
		  (uintptr_t)(buf + sizeof(buf)));
	EXPECT_TRUE(ok);
	EXPECT_TRUE(ctx_write(ops, BPF_CGROUP_SETSOCKOPT, &ctx,
			      offsetof(struct bpf_sockopt, level), 4, 1));
	EXPECT_EQ(ctx.level, 1);
	EXPECT_EQ(ctx.optname, 13);
}

TEST(ctx_sock_ops_access_and_rewrites)
{
	static const struct ctx_field fields[] = {
		CTX_FIELD(struct bpf_sock_ops, op, CTX_EXACT, CTX_NO, 0),
		CTX_FIELD(struct bpf_sock_ops, replylong[0], CTX_EXACT,
			  CTX_EXACT, 0),
		CTX_FIELD(struct bpf_sock_ops, replylong[1], CTX_EXACT, CTX_NO, 0),
		CTX_FIELD(struct bpf_sock_ops, replylong[2], CTX_EXACT, CTX_NO, 0),
		CTX_FIELD(struct bpf_sock_ops, replylong[3], CTX_EXACT, CTX_NO, 0),
		CTX_FIELD(struct bpf_sock_ops, is_fullsock, CTX_EXACT, CTX_NO, 0),
		CTX_FIELD(struct bpf_sock_ops, family, CTX_TODO, CTX_NO, 0),
		CTX_FIELD(struct bpf_sock_ops, bytes_received, CTX_TODO, CTX_NO, 0),
		CTX_FIELD(struct bpf_sock_ops, sk_txhash, CTX_TODO, CTX_TODO, 0),
	};
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SOCK_OPS);
	struct bpf_sock_ops_kern ctx;
	bool ok;

	ASSERT_NONNULL(ops);
	ctx_check_table(ops, 0, fields, ARRAY_SIZE(fields));
	memset(&ctx, 0, sizeof(ctx));
	ctx.op = BPF_SOCK_OPS_TCP_CONNECT_CB;
	ctx.is_fullsock = 1;
	ctx.args[2] = 0x5555;
	EXPECT_EQ(ctx_read(ops, 0, &ctx, offsetof(struct bpf_sock_ops, op), 4,
			   BPF_REG_1, BPF_REG_1, &ok), BPF_SOCK_OPS_TCP_CONNECT_CB);
	EXPECT_EQ(ctx_read(ops, 0, &ctx, offsetof(struct bpf_sock_ops, args[2]),
			   4, BPF_REG_0, BPF_REG_1, &ok), 0x5555);
	EXPECT_EQ(ctx_read(ops, 0, &ctx,
			   offsetof(struct bpf_sock_ops, is_fullsock), 4,
			   BPF_REG_0, BPF_REG_1, &ok), 1);
	EXPECT_TRUE(ok);
	EXPECT_TRUE(ctx_write(ops, 0, &ctx, offsetof(struct bpf_sock_ops, reply),
			      4, 77));
	EXPECT_EQ(ctx.reply, 77);
}
