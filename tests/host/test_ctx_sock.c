// SPDX-License-Identifier: GPL-2.0
/*
 * struct bpf_sock and struct bpf_tcp_sock behind socket pointers
 * (verifier/ctx_sock.c): every offset and size a program may read, as
 * Linux 6.1 allows them (written out here as a table), and each rewrite
 * run on the interpreter over a host struct sock / tcp_sock, reading what
 * the uapi field means.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>
#include <kbpf/sock.h>

#include "../../verifier/ctx_ops.h"
#include "ctxtest.h"
#include "ktest.h"

/*
 * How a 4-byte bpf_sock word may be read: not at all, whole, 1/2/4 bytes
 * at its start only (Linux lists these fields by their offset), or any
 * aligned part of it (the addresses).
 */
enum sock_word { W_NO, W_WHOLE, W_START, W_NARROW };

/* Linux's rules per 4-byte word of struct bpf_sock, for PTR_TO_SOCKET. */
static enum sock_word sock_word(int word, bool common)
{
	switch (word * 4) {
	case offsetof(struct bpf_sock, bound_dev_if):
		return W_WHOLE;
	case offsetof(struct bpf_sock, mark):
	case offsetof(struct bpf_sock, priority):
		return common ? W_NO : W_WHOLE;
	case offsetof(struct bpf_sock, type):
	case offsetof(struct bpf_sock, protocol):
		return common ? W_NO : W_START;
	case offsetof(struct bpf_sock, family):
	case offsetof(struct bpf_sock, src_port):
	case offsetof(struct bpf_sock, state):
	case offsetof(struct bpf_sock, rx_queue_mapping):
		return W_START;
	default:
		/* The IPv4 and IPv6 addresses. */
		return W_NARROW;
	}
}

static bool sock_read_allowed(int off, int size, bool common)
{
	int dst_port = offsetof(struct bpf_sock, dst_port);

	if (off < 0 || off >= (int)sizeof(struct bpf_sock) || off % size)
		return false;
	if (off >= dst_port && off < dst_port + 4) {
		/* The 2-byte port: a whole word, or narrow within its 2 bytes. */
		if (size == 4)
			return true;
		return off < dst_port + 2 && size <= 2;
	}
	switch (sock_word(off / 4, common)) {
	case W_WHOLE:
		return size == 4;
	case W_START:
		return size <= 4 && !(off % 4);
	case W_NARROW:
		return size <= 4;
	default:
		return false;
	}
}

static void check_sock_rules(const struct kbpf_ctx_ops *ops, bool common)
{
	int off, size;

	for (off = -8; off < (int)sizeof(struct bpf_sock) + 8; off++) {
		for (size = 1; size <= 8; size *= 2) {
			struct kbpf_insn_access_aux info = {};
			bool want = sock_read_allowed(off, size, common);
			bool got = ops->is_valid_access(off, size, KBPF_READ, 0,
							&info);

			if (!EXPECT_EQ(got, want))
				fprintf(stderr, "  %s off %d size %d\n",
					common ? "sock_common" : "sock", off, size);
		}
	}
	EXPECT_EQ(ops->ctx_size, sizeof(struct bpf_sock));
}

TEST(ctx_sock_access_rules)
{
	check_sock_rules(&kbpf_sock_ops, false);
	check_sock_rules(&kbpf_sock_common_ops, true);
}

TEST(ctx_tcp_sock_access_rules)
{
	int end = offsetofend(struct bpf_tcp_sock, icsk_retransmits);
	int off, size;

	for (off = -8; off < (int)sizeof(struct bpf_tcp_sock) + 8; off++) {
		for (size = 1; size <= 8; size *= 2) {
			struct kbpf_insn_access_aux info = {};
			bool wide = off == offsetof(struct bpf_tcp_sock, bytes_received) ||
				    off == offsetof(struct bpf_tcp_sock, bytes_acked);
			bool want = off >= 0 && off < end && !(off % size) &&
				    size == (wide ? 8 : 4);
			bool got = kbpf_tcp_sock_ops.is_valid_access(off, size,
								     KBPF_READ, 0,
								     &info);

			if (!EXPECT_EQ(got, want))
				fprintf(stderr, "  tcp_sock off %d size %d\n",
					off, size);
		}
	}
}

static void sock_fill(struct sock *sk)
{
	memset(sk, 0, sizeof(*sk));
	sk->__sk_common.skc_family = 10;
	sk->__sk_common.skc_state = TCP_ESTABLISHED;
	sk->__sk_common.skc_daddr = 0x0a0b0c0d;
	sk->__sk_common.skc_rcv_saddr = 0x01020304;
	sk->__sk_common.skc_dport = 0x5000;
	sk->__sk_common.skc_num = 8080;
	sk->__sk_common.skc_bound_dev_if = 3;
	sk->__sk_common.skc_v6_daddr.s6_addr32[2] = 0xaabbccdd;
	sk->__sk_common.skc_v6_rcv_saddr.s6_addr32[3] = 0x11223344;
	sk->sk_type = 1;
	sk->sk_protocol = IPPROTO_TCP;
	sk->sk_mark = 0xfeedf00d;
	sk->sk_priority = 6;
	sk->sk_rx_queue_mapping = NO_QUEUE_MAPPING;
}

static u64 sock_read(const struct kbpf_ctx_ops *ops, void *obj, int off,
		     int size, u8 dst)
{
	bool ok;
	u64 v = ctx_read(ops, 0, obj, off, size, dst, BPF_REG_1, &ok);

	EXPECT_TRUE(ok);
	return v;
}

#define SOCK_OFF(F)	offsetof(struct bpf_sock, F)

TEST(ctx_sock_rewrites)
{
	const struct kbpf_ctx_ops *ops = &kbpf_sock_ops;
	struct sock sk;
	int dst;

	sock_fill(&sk);
	/* Into another register and into the pointer's own. */
	for (dst = BPF_REG_0; dst <= BPF_REG_1; dst++) {
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(bound_dev_if), 4, dst), 3);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(family), 4, dst), 10);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(type), 4, dst), 1);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(protocol), 4, dst),
			  IPPROTO_TCP);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(mark), 4, dst), 0xfeedf00d);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(priority), 4, dst), 6);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(src_ip4), 4, dst),
			  0x01020304);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(dst_ip4), 4, dst),
			  0x0a0b0c0d);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(src_ip6[3]), 4, dst),
			  0x11223344);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(dst_ip6[2]), 4, dst),
			  0xaabbccdd);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(dst_ip6[1]), 4, dst), 0);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(src_port), 4, dst), 8080);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(dst_port), 4, dst), 0x5000);
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(state), 4, dst),
			  TCP_ESTABLISHED);
		/* No queue recorded: -1 (as a u32: the field is an s32). */
		EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(rx_queue_mapping), 4, dst),
			  0xffffffff);
	}
	sk.sk_rx_queue_mapping = 5;
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(rx_queue_mapping), 4, 0), 5);

	/* Narrow reads: the bytes of the address as stored, port halves. */
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(src_ip4), 1, 0), 0x04);
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(src_ip4) + 1, 1, 0), 0x03);
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(src_ip4) + 2, 2, 0), 0x0102);
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(dst_ip6[2]) + 3, 1, 0), 0xaa);
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(dst_port), 2, 0), 0x5000);
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(dst_port) + 1, 1, 0), 0x50);
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(dst_port), 1, 0), 0x00);
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(family), 2, 0), 10);
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(family), 1, 0), 10);
	EXPECT_EQ(sock_read(ops, &sk, SOCK_OFF(state), 1, 0), TCP_ESTABLISHED);

	/* The same rewrites serve a sock_common, for its fields. */
	EXPECT_EQ(sock_read(&kbpf_sock_common_ops, &sk, SOCK_OFF(src_port), 4, 0),
		  8080);
}

TEST(ctx_tcp_sock_rewrites)
{
	const struct kbpf_ctx_ops *ops = &kbpf_tcp_sock_ops;
	struct tcp_sock tp;
	struct bpf_insn buf[KBPF_CTX_REWRITE_MAX];
	struct bpf_insn si = BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1,
					 offsetof(struct bpf_tcp_sock, snd_cwnd));

	memset(&tp, 0, sizeof(tp));
	tp.snd_cwnd = 10;
	tp.srtt_us = 800;
	tp.rtt_min.s[0].t = 99;
	tp.rtt_min.s[0].v = 42;
	tp.ecn_flags = 3;
	tp.bytes_received = 0x123456789aULL;
	tp.bytes_acked = 0xabcdef0123ULL;
	tp.delivered_ce = 7;
	tp.inet_conn.icsk_retransmits = 4;

#define TCP_OFF(F)	offsetof(struct bpf_tcp_sock, F)
	EXPECT_EQ(sock_read(ops, &tp, TCP_OFF(snd_cwnd), 4, 0), 10);
	EXPECT_EQ(sock_read(ops, &tp, TCP_OFF(srtt_us), 4, 2), 800);
	EXPECT_EQ(sock_read(ops, &tp, TCP_OFF(rtt_min), 4, 0), 42);
	EXPECT_EQ(sock_read(ops, &tp, TCP_OFF(ecn_flags), 4, 1), 3);
	EXPECT_EQ(sock_read(ops, &tp, TCP_OFF(bytes_received), 8, 0),
		  0x123456789aULL);
	EXPECT_EQ(sock_read(ops, &tp, TCP_OFF(bytes_acked), 8, 1),
		  0xabcdef0123ULL);
	EXPECT_EQ(sock_read(ops, &tp, TCP_OFF(delivered_ce), 4, 0), 7);
	EXPECT_EQ(sock_read(ops, &tp, TCP_OFF(icsk_retransmits), 4, 0), 4);
	EXPECT_EQ(sock_read(ops, &tp, TCP_OFF(snd_una), 4, 0), 0);

	/* Stores have no rewrite: the verifier refuses them before. */
	EXPECT_EQ(ops->convert_ctx_access(KBPF_WRITE, &si, buf,
					  &(u32){ 0 }), 0);
}

/* cgroup_sock's context: bpf_sock plus its attach point's rules. */
TEST(ctx_cg_sock_access_rules)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SOCK);
	static const u32 eats[] = {
		BPF_CGROUP_INET_SOCK_CREATE, BPF_CGROUP_INET_SOCK_RELEASE,
		BPF_CGROUP_INET4_POST_BIND, BPF_CGROUP_INET6_POST_BIND,
	};
	int off, size, t;
	u32 e;

	ASSERT_NONNULL(ops);
	EXPECT_EQ(ops, &kbpf_ctx_cg_sock_ops);
	for (e = 0; e < ARRAY_SIZE(eats); e++) {
		bool create = e < 2, v4 = eats[e] == BPF_CGROUP_INET4_POST_BIND;
		bool v6 = eats[e] == BPF_CGROUP_INET6_POST_BIND;

		for (off = -4; off < (int)sizeof(struct bpf_sock) + 4; off++) {
			for (size = 1; size <= 8; size *= 2) {
				for (t = KBPF_READ; t <= KBPF_WRITE; t++) {
					struct kbpf_insn_access_aux info = {};
					bool want = sock_read_allowed(off, size, false);
					int w = off / 4 * 4;
					bool got;

					if (w == SOCK_OFF(bound_dev_if) ||
					    w == SOCK_OFF(mark) ||
					    w == SOCK_OFF(priority))
						want = want && create;
					else if (w == SOCK_OFF(src_ip4))
						want = want && v4 && t == KBPF_READ;
					else if (w >= (int)SOCK_OFF(src_ip6[0]) &&
						 w <= (int)SOCK_OFF(src_ip6[3]))
						want = want && v6 && t == KBPF_READ;
					else if (w == SOCK_OFF(src_port))
						want = want && (v4 || v6) &&
						       t == KBPF_READ;
					else
						want = want && t == KBPF_READ;
					got = ops->is_valid_access(off, size, t,
								   eats[e], &info);
					if (!EXPECT_EQ(got, want))
						fprintf(stderr, "  eat %u off %d size %d %s\n",
							eats[e], off, size,
							t == KBPF_READ ? "read" : "write");
				}
			}
		}
	}
}

TEST(ctx_cg_sock_writes)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SOCK);
	u32 eat = BPF_CGROUP_INET_SOCK_CREATE;
	struct sock sk;
	bool ok;

	sock_fill(&sk);
	EXPECT_TRUE(ctx_write(ops, eat, &sk, SOCK_OFF(bound_dev_if), 4, 7));
	EXPECT_TRUE(ctx_write(ops, eat, &sk, SOCK_OFF(mark), 4, 0x12345678));
	EXPECT_TRUE(ctx_write(ops, eat, &sk, SOCK_OFF(priority), 4, 9));
	EXPECT_EQ(sk.__sk_common.skc_bound_dev_if, 7);
	EXPECT_EQ(sk.sk_mark, 0x12345678);
	EXPECT_EQ(sk.sk_priority, 9);
	EXPECT_EQ(sk.sk_protocol, IPPROTO_TCP);		/* neighbours untouched */
	EXPECT_EQ(ctx_read(ops, eat, &sk, SOCK_OFF(mark), 4, BPF_REG_0,
			   BPF_REG_1, &ok), 0x12345678);
	EXPECT_TRUE(ok);
	/* Not after bind, and never the address. */
	EXPECT_FALSE(ctx_write(ops, BPF_CGROUP_INET4_POST_BIND, &sk,
			       SOCK_OFF(mark), 4, 1));
	EXPECT_FALSE(ctx_write(ops, BPF_CGROUP_INET4_POST_BIND, &sk,
			       SOCK_OFF(src_ip4), 4, 1));
	EXPECT_EQ(ctx_read(ops, BPF_CGROUP_INET4_POST_BIND, &sk,
			   SOCK_OFF(src_port), 4, BPF_REG_0, BPF_REG_1, &ok), 8080);
	EXPECT_TRUE(ok);
}
