// SPDX-License-Identifier: GPL-2.0
/*
 * Context rewrites (verifier/ctx_*.c) on the kernel's own structs: each
 * __sk_buff and xdp_md field read through kbpf_ctx_convert() on the
 * interpreter, from a real sk_buff and xdp_buff, must give what the
 * kernel's accessors say; the host tests cannot see the real layouts.
 */
#include <kunit/test.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include <kbpf/ctx_access.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>
#include <kbpf/sock.h>

#include "../jit/interp.h"
#include "../verifier/ctx_ops.h"

static u8 size_code(int size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW;
}

/* Run one rewritten access by ops: a load of size at off into R0, or a store of val. */
static u64 ops_run(struct kunit *test, const struct kbpf_ctx_ops *ops, u32 eat,
		   void *ctx, int off, int size, bool write, u64 val)
{
	struct kbpf_insn_access_aux info = { .reg_type = KBPF_SCALAR_VALUE };
	struct bpf_insn prog[KBPF_CTX_REWRITE_MAX + 4] = {
		BPF_LD_IMM64(BPF_REG_2, val),
	};
	enum kbpf_access_type type = write ? KBPF_WRITE : KBPF_READ;
	struct kbpf_code code = { .bpf_func = kbpf_interp_run, .insnsi = prog,
				  .stack_depth = KBPF_MAX_STACK };
	struct bpf_insn si = write ?
		BPF_STX_MEM(size_code(size), BPF_REG_1, BPF_REG_2, off) :
		BPF_LDX_MEM(size_code(size), BPF_REG_0, BPF_REG_1, off);
	int cnt;

	KUNIT_ASSERT_NOT_NULL(test, ops);
	KUNIT_ASSERT_TRUE(test, ops->is_valid_access(off, size, type, eat, &info));
	cnt = kbpf_ctx_convert(ops, type, &si, info.ctx_field_size, prog + 2);
	KUNIT_ASSERT_GT(test, cnt, 0);
	if (write)
		prog[2 + cnt++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	prog[2 + cnt++] = BPF_EXIT_INSN();
	code.len = 2 + cnt;
	return kbpf_code_run(&code, ctx);
}

/* The same for a program type's context. */
static u64 ctx_run(struct kunit *test, u32 prog_type, void *ctx, int off,
		   int size, bool write, u64 val)
{
	return ops_run(test, kbpf_ctx_ops(prog_type), 0, ctx, off, size, write,
		       val);
}

#define SKB_READ(test, skb, MEMBER)					\
	ctx_run(test, BPF_PROG_TYPE_SCHED_CLS, skb,			\
		offsetof(struct __sk_buff, MEMBER), 4, false, 0)

static void ctx_skb_fields(struct kunit *test)
{
	struct net_device *dev;
	struct sk_buff *skb;
	u64 data;

	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->ifindex = 42;
	skb = alloc_skb(256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 32);
	skb_put(skb, 80);
	skb->dev = dev;
	skb->protocol = htons(ETH_P_IPV6);
	skb->mark = 0xa1b2c3d4;
	skb->priority = 0x11223344;
	skb->hash = 0xdeadbeef;
	skb->pkt_type = PACKET_OTHERHOST;
	skb->skb_iif = 7;
#ifdef CONFIG_NET_SCHED
	skb->tc_index = 0x0304;
#endif
	skb->napi_id = MIN_NAPI_ID + 3;
	skb_set_queue_mapping(skb, 3);
	__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021AD), 0x0123);
	qdisc_skb_cb(skb)->tc_classid = 0xabcd;
	qdisc_skb_cb(skb)->pkt_len = 1514;
	kbpf_skb_compute_data_pointers(skb);

	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, len), skb->len);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, pkt_type), PACKET_OTHERHOST);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, mark), 0xa1b2c3d4);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, queue_mapping), 3);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, protocol), htons(ETH_P_IPV6));
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, vlan_present), 1);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, vlan_tci), 0x0123);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, vlan_proto), htons(ETH_P_8021AD));
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, priority), 0x11223344);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, ingress_ifindex), 7);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, ifindex), 42);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, tc_index),
			IS_ENABLED(CONFIG_NET_SCHED) ? 0x0304 : 0);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, hash), 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, tc_classid), 0xabcd);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, napi_id), MIN_NAPI_ID + 3);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, wire_len), 1514);
	/* A narrow read: the second byte of mark. */
	KUNIT_EXPECT_EQ(test, ctx_run(test, BPF_PROG_TYPE_SCHED_CLS, skb,
				      offsetof(struct __sk_buff, mark) + 1, 1,
				      false, 0), 0xc3);
	data = SKB_READ(test, skb, data);
	KUNIT_EXPECT_EQ(test, data, (u64)(unsigned long)skb->data);
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, data_end) - data,
			skb_headlen(skb));
	KUNIT_EXPECT_EQ(test, SKB_READ(test, skb, data_meta), data);

	ctx_run(test, BPF_PROG_TYPE_SCHED_CLS, skb,
		offsetof(struct __sk_buff, mark), 4, true, 0x55667788);
	KUNIT_EXPECT_EQ(test, skb->mark, 0x55667788);
	ctx_run(test, BPF_PROG_TYPE_SCHED_CLS, skb,
		offsetof(struct __sk_buff, cb[1]), 4, true, 0x01020304);
	KUNIT_EXPECT_EQ(test, *(u32 *)(qdisc_skb_cb(skb)->data + 4), 0x01020304);
	KUNIT_EXPECT_EQ(test, qdisc_skb_cb(skb)->tc_classid, 0xabcd);
	kfree_skb(skb);
}

#define SK_READ(OPS, OBJ, TYPE, MEMBER, SIZE)				\
	ops_run(test, OPS, 0, OBJ, offsetof(TYPE, MEMBER), SIZE, false, 0)

/*
 * struct bpf_sock and bpf_tcp_sock (ctx_sock.c) on a real tcp_sock, and
 * cgroup_skb's socket fields through skb->sk, against the kernel's names.
 */
static void ctx_sock_fields(struct kunit *test)
{
	struct tcp_sock *tp = kunit_kzalloc(test, sizeof(*tp), GFP_KERNEL);
	struct sock *sk = (struct sock *)tp;
	struct sk_buff *skb;

	KUNIT_ASSERT_NOT_NULL(test, tp);
	sk->sk_family = AF_INET6;
	sk->sk_type = SOCK_STREAM;
	sk->sk_protocol = IPPROTO_TCP;
	sk->sk_mark = 0xfeedf00d;
	sk->sk_priority = 6;
	sk->sk_bound_dev_if = 3;
	sk->sk_state = TCP_ESTABLISHED;
	sk->sk_rcv_saddr = htonl(0x7f000001);
	sk->sk_daddr = htonl(0x7f000002);
	sk->sk_num = 8080;
	sk->sk_dport = htons(443);
	sk->sk_v6_daddr.s6_addr32[2] = 0xa1a2a3a4;
	sk->sk_v6_rcv_saddr.s6_addr32[1] = 0xb1b2b3b4;
	sk->sk_rx_queue_mapping = 5;
	tp->snd_cwnd = 10;
	tp->srtt_us = 800;
	tp->rtt_min.s[0].v = 42;
	tp->bytes_acked = 0x123456789aULL;
	tp->delivered_ce = 7;
	inet_csk(sk)->icsk_retransmits = 4;

#define SOCK(M, SZ)	SK_READ(&kbpf_sock_ops, sk, struct bpf_sock, M, SZ)
	KUNIT_EXPECT_EQ(test, SOCK(bound_dev_if, 4), 3);
	KUNIT_EXPECT_EQ(test, SOCK(family, 4), AF_INET6);
	KUNIT_EXPECT_EQ(test, SOCK(type, 4), SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, SOCK(protocol, 4), IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, SOCK(mark, 4), 0xfeedf00d);
	KUNIT_EXPECT_EQ(test, SOCK(priority, 4), 6);
	KUNIT_EXPECT_EQ(test, SOCK(src_ip4, 4), htonl(0x7f000001));
	KUNIT_EXPECT_EQ(test, SOCK(dst_ip4, 4), htonl(0x7f000002));
	KUNIT_EXPECT_EQ(test, SOCK(src_ip6[1], 4), 0xb1b2b3b4);
	KUNIT_EXPECT_EQ(test, SOCK(dst_ip6[2], 4), 0xa1a2a3a4);
	KUNIT_EXPECT_EQ(test, SOCK(src_port, 4), 8080);
	KUNIT_EXPECT_EQ(test, SOCK(dst_port, 4), htons(443));
	KUNIT_EXPECT_EQ(test, SOCK(state, 4), TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, SOCK(rx_queue_mapping, 4), 5);
#undef SOCK
#define TCP(M, SZ)	SK_READ(&kbpf_tcp_sock_ops, tp, struct bpf_tcp_sock, M, SZ)
	KUNIT_EXPECT_EQ(test, TCP(snd_cwnd, 4), 10);
	KUNIT_EXPECT_EQ(test, TCP(srtt_us, 4), 800);
	KUNIT_EXPECT_EQ(test, TCP(rtt_min, 4), 42);
	KUNIT_EXPECT_EQ(test, TCP(bytes_acked, 8), 0x123456789aULL);
	KUNIT_EXPECT_EQ(test, TCP(delivered_ce, 4), 7);
	KUNIT_EXPECT_EQ(test, TCP(icsk_retransmits, 4), 4);
#undef TCP
	/* cgroup_sock writes the socket's mark at creation. */
	ops_run(test, kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SOCK),
		BPF_CGROUP_INET_SOCK_CREATE, sk, offsetof(struct bpf_sock, mark),
		4, true, 0x12345678);
	KUNIT_EXPECT_EQ(test, sk->sk_mark, 0x12345678);

	skb = alloc_skb(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb->sk = sk;
#define CGSKB(M)	ctx_run(test, BPF_PROG_TYPE_CGROUP_SKB, skb,	\
				offsetof(struct __sk_buff, M), 4, false, 0)
	KUNIT_EXPECT_EQ(test, CGSKB(family), AF_INET6);
	KUNIT_EXPECT_EQ(test, CGSKB(local_ip4), htonl(0x7f000001));
	KUNIT_EXPECT_EQ(test, CGSKB(remote_ip6[2]), 0xa1a2a3a4);
	KUNIT_EXPECT_EQ(test, CGSKB(local_port), 8080);
	KUNIT_EXPECT_EQ(test, CGSKB(remote_port), (u32)htons(443) << 16);
#undef CGSKB
	skb->sk = NULL;
	kfree_skb(skb);
}

static void ctx_xdp_fields(struct kunit *test)
{
	struct xdp_rxq_info rxq = { .queue_index = 2 };
	struct net_device *dev;
	struct xdp_buff xdp;
	u8 *frame;
	u64 data;

	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	frame = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	dev->ifindex = 9;
	rxq.dev = dev;
	xdp_init_buff(&xdp, PAGE_SIZE, &rxq);
	xdp_prepare_buff(&xdp, frame, XDP_PACKET_HEADROOM, 60, true);

	data = ctx_run(test, BPF_PROG_TYPE_XDP, &xdp,
		       offsetof(struct xdp_md, data), 4, false, 0);
	KUNIT_EXPECT_EQ(test, data, (u64)(unsigned long)xdp.data);
	KUNIT_EXPECT_EQ(test, ctx_run(test, BPF_PROG_TYPE_XDP, &xdp,
				      offsetof(struct xdp_md, data_end), 4,
				      false, 0) - data, 60);
	KUNIT_EXPECT_EQ(test, ctx_run(test, BPF_PROG_TYPE_XDP, &xdp,
				      offsetof(struct xdp_md, data_meta), 4,
				      false, 0), data);
	KUNIT_EXPECT_EQ(test, ctx_run(test, BPF_PROG_TYPE_XDP, &xdp,
				      offsetof(struct xdp_md, ingress_ifindex),
				      4, false, 0), 9);
	KUNIT_EXPECT_EQ(test, ctx_run(test, BPF_PROG_TYPE_XDP, &xdp,
				      offsetof(struct xdp_md, rx_queue_index),
				      4, false, 0), 2);
}

static struct kunit_case kbpf_ctx_access_cases[] = {
	KUNIT_CASE(ctx_skb_fields),
	KUNIT_CASE(ctx_xdp_fields),
	KUNIT_CASE(ctx_sock_fields),
	{}
};

static struct kunit_suite kbpf_ctx_access_suite = {
	.name = "kbpf_ctx_access",
	.test_cases = kbpf_ctx_access_cases,
};

kunit_test_suites(&kbpf_ctx_access_suite);
