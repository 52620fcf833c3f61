// SPDX-License-Identifier: GPL-2.0
/*
 * helpers/sock.c with kbpf's helper ABI on host sockets: the pointer
 * casts by socket state and protocol, and the lookups' argument rules
 * (the host has no socket tables: every lookup finds nothing; the guest
 * test prog_sock.c finds real sockets).
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>
#include <kbpf/sock.h>

#include "../../helpers/protos.h"
#include "ktest.h"

#define U(p)	((u64)(unsigned long)(p))

static u64 call1(const struct kbpf_func_proto *p, const void *sk)
{
	return p->func(U(sk), 0, 0, 0, 0);
}

TEST(helper_sk_fullsock_tcp_sock)
{
	struct sock sk = { .sk_protocol = IPPROTO_TCP };
	int state;

	for (state = TCP_ESTABLISHED; state <= TCP_NEW_SYN_RECV; state++) {
		bool full = state != TCP_TIME_WAIT && state != TCP_NEW_SYN_RECV;

		sk.__sk_common.skc_state = state;
		EXPECT_EQ(call1(&kbpf_sk_fullsock_proto, &sk), full ? U(&sk) : 0);
		EXPECT_EQ(call1(&kbpf_tcp_sock_proto, &sk), full ? U(&sk) : 0);
	}
	sk.__sk_common.skc_state = TCP_ESTABLISHED;
	sk.sk_protocol = IPPROTO_UDP;
	EXPECT_EQ(call1(&kbpf_sk_fullsock_proto, &sk), U(&sk));
	EXPECT_EQ(call1(&kbpf_tcp_sock_proto, &sk), 0);
}

TEST(helper_get_listener_sock)
{
	struct sock listener = { .sk_protocol = IPPROTO_TCP };
	struct request_sock req = { .rsk_listener = &listener };

	listener.__sk_common.skc_state = TCP_LISTEN;
	req.__req_common.skc_state = TCP_NEW_SYN_RECV;
	/* A listener is only handed out when it is freed by RCU. */
	EXPECT_EQ(call1(&kbpf_get_listener_sock_proto, &listener), 0);
	listener.sk_flags = 1UL << SOCK_RCU_FREE;
	EXPECT_EQ(call1(&kbpf_get_listener_sock_proto, &listener), U(&listener));
	/* A request socket gives its listener. */
	EXPECT_EQ(call1(&kbpf_get_listener_sock_proto, &req), U(&listener));
	/* Anything else is not a listener. */
	listener.__sk_common.skc_state = TCP_ESTABLISHED;
	EXPECT_EQ(call1(&kbpf_get_listener_sock_proto, &listener), 0);
	EXPECT_EQ(call1(&kbpf_get_listener_sock_proto, &req), 0);
}

TEST(helper_get_socket_uid)
{
	struct net net = { .user_ns = &init_user_ns };
	struct sock sk = { .sk_uid = { 1234 }, .sk_net = &net };
	struct sock listener = { .sk_uid = { 42 }, .sk_net = &net };
	struct request_sock req = { .rsk_listener = &listener };
	struct sk_buff skb = { .sk = &sk };

	sk.__sk_common.skc_state = TCP_ESTABLISHED;
	listener.__sk_common.skc_state = TCP_LISTEN;
	req.__req_common.skc_state = TCP_NEW_SYN_RECV;
	EXPECT_EQ(call1(&kbpf_get_socket_uid_proto, &skb), 1234);
	/* A request socket answers for its listener's owner. */
	skb.sk = (struct sock *)&req;
	EXPECT_EQ(call1(&kbpf_get_socket_uid_proto, &skb), 42);
	/* No socket, or a timewait one: overflowuid. */
	sk.__sk_common.skc_state = TCP_TIME_WAIT;
	skb.sk = &sk;
	EXPECT_EQ(call1(&kbpf_get_socket_uid_proto, &skb), 65534);
	skb.sk = NULL;
	EXPECT_EQ(call1(&kbpf_get_socket_uid_proto, &skb), 65534);
}

TEST(helper_skb_cgroup_id)
{
	struct cgroup root = { .level = 0, .id = 1 };
	struct cgroup mid = { .level = 1, .id = 77 };
	struct cgroup leaf = { .level = 2, .id = 1234 };
	struct sock sk = { .sk_cgrp_data = { &leaf } };
	struct sock listener = { .sk_cgrp_data = { &mid } };
	struct request_sock req = { .rsk_listener = &listener };
	struct sk_buff skb = { .sk = &sk };
	const struct kbpf_func_proto *anc = &kbpf_skb_ancestor_cgroup_id_proto;

	root.ancestors[0] = &root;
	mid.ancestors[0] = &root;
	mid.ancestors[1] = &mid;
	leaf.ancestors[0] = &root;
	leaf.ancestors[1] = &mid;
	leaf.ancestors[2] = &leaf;
	sk.__sk_common.skc_state = TCP_ESTABLISHED;
	listener.__sk_common.skc_state = TCP_LISTEN;
	req.__req_common.skc_state = TCP_NEW_SYN_RECV;
	EXPECT_EQ(call1(&kbpf_skb_cgroup_id_proto, &skb), 1234);
	EXPECT_EQ(anc->func(U(&skb), 0, 0, 0, 0), 1);
	EXPECT_EQ(anc->func(U(&skb), 1, 0, 0, 0), 77);
	EXPECT_EQ(anc->func(U(&skb), 2, 0, 0, 0), 1234);
	/* Deeper than the cgroup, or negative: none. */
	EXPECT_EQ(anc->func(U(&skb), 3, 0, 0, 0), 0);
	EXPECT_EQ(anc->func(U(&skb), (u64)-1, 0, 0, 0), 0);
	/* A request socket answers for its listener's cgroup. */
	skb.sk = (struct sock *)&req;
	EXPECT_EQ(call1(&kbpf_skb_cgroup_id_proto, &skb), 77);
	EXPECT_EQ(anc->func(U(&skb), 1, 0, 0, 0), 77);
	/* No full socket: 0. */
	sk.__sk_common.skc_state = TCP_TIME_WAIT;
	skb.sk = &sk;
	EXPECT_EQ(call1(&kbpf_skb_cgroup_id_proto, &skb), 0);
	EXPECT_EQ(anc->func(U(&skb), 0, 0, 0, 0), 0);
	skb.sk = NULL;
	EXPECT_EQ(call1(&kbpf_skb_cgroup_id_proto, &skb), 0);
	EXPECT_EQ(anc->func(U(&skb), 0, 0, 0, 0), 0);
}

TEST(helper_sk_lookup_protos)
{
	const struct kbpf_func_proto *lookups[] = {
		&kbpf_sk_lookup_tcp_proto, &kbpf_sk_lookup_udp_proto,
		&kbpf_skc_lookup_tcp_proto, &kbpf_tc_sk_lookup_tcp_proto,
		&kbpf_tc_sk_lookup_udp_proto, &kbpf_tc_skc_lookup_tcp_proto,
	};
	struct sock sk = { .sk_protocol = IPPROTO_TCP };
	struct net_device dev = { .ifindex = 1 };
	struct sk_buff skb = { .dev = &dev, .sk = &sk };
	struct bpf_sock_tuple tuple = {};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(lookups); i++) {
		const struct kbpf_func_proto *p = lookups[i];

		/* Each acquires a reference the program must release. */
		EXPECT_TRUE(p->ret_acquires_ref);
		EXPECT_TRUE(p->pkt_access);
		EXPECT_EQ(p->ret_type & KBPF_PTR_MAYBE_NULL, KBPF_PTR_MAYBE_NULL);
		EXPECT_EQ(p->arg_type[0], KBPF_ARG_PTR_TO_CTX);
		/* The host has no socket tables: nothing is found. */
		EXPECT_EQ(p->func(U(&skb), U(&tuple), sizeof(tuple.ipv4), 0, 0), 0);
		EXPECT_EQ(p->func(U(&skb), U(&tuple), sizeof(tuple.ipv6), -1, 0), 0);
	}
	EXPECT_EQ(kbpf_sk_release_proto.arg_type[0],
		  KBPF_ARG_PTR_TO_SOCK_COMMON | KBPF_OBJ_RELEASE);
	EXPECT_EQ(kbpf_sk_release_proto.func(0, 0, 0, 0, 0), 0);
	EXPECT_EQ(kbpf_sk_release_proto.func(U(&sk), 0, 0, 0, 0), 0);
	/* The tables: which program types have which helpers. */
	EXPECT_EQ(kbpf_get_func_proto_caps(BPF_PROG_TYPE_SCHED_CLS,
					   BPF_FUNC_sk_lookup_tcp, 3),
		  &kbpf_tc_sk_lookup_tcp_proto);
	EXPECT_EQ(kbpf_get_func_proto_caps(BPF_PROG_TYPE_CGROUP_SKB,
					   BPF_FUNC_sk_lookup_tcp, 3),
		  &kbpf_sk_lookup_tcp_proto);
	EXPECT_EQ(kbpf_get_func_proto_caps(BPF_PROG_TYPE_CGROUP_SKB,
					   BPF_FUNC_get_listener_sock, 3),
		  &kbpf_get_listener_sock_proto);
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_SOCKET_FILTER,
					     BPF_FUNC_sk_lookup_tcp, 3));
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_SOCKET_FILTER,
					     BPF_FUNC_sk_fullsock, 3));
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_SK_SKB,
					     BPF_FUNC_tcp_sock, 3));
}

/* The cookies the four socket cookie variants read, each from its context. */
TEST(helper_get_socket_cookie)
{
	struct sock a = { 0 }, b = { 0 };
	struct sk_buff skb = { .sk = &a };
	struct bpf_sock_addr_kern addr = { .sk = &b };
	struct bpf_sock_ops_kern ops = { .sk = &a };
	u64 ca, cb;

	/* Made on first use, the same ever after, one per socket. */
	ca = call1(&kbpf_get_socket_cookie_proto, &skb);
	EXPECT_NE(ca, 0);
	EXPECT_EQ(call1(&kbpf_get_socket_cookie_proto, &skb), ca);
	EXPECT_EQ(call1(&kbpf_get_socket_cookie_sock_ops_proto, &ops), ca);
	EXPECT_EQ(call1(&kbpf_get_socket_cookie_sock_proto, &a), ca);
	cb = call1(&kbpf_get_socket_cookie_sock_addr_proto, &addr);
	EXPECT_NE(cb, 0);
	EXPECT_NE(cb, ca);
	EXPECT_EQ(call1(&kbpf_get_socket_cookie_sock_proto, &b), cb);
	/* Both 32-bit halves come through. */
	b.sk_cookie = 0x1234567800000009ULL;
	EXPECT_EQ(call1(&kbpf_get_socket_cookie_sock_proto, &b),
		  0x1234567800000009ULL);
	/* A packet without a socket has cookie 0. */
	skb.sk = NULL;
	EXPECT_EQ(call1(&kbpf_get_socket_cookie_proto, &skb), 0);
}

TEST(helper_get_netns_cookie)
{
	struct net net = { .net_cookie = 77 };
	struct sock sk = { .sk_net = &net };
	struct bpf_sock_addr_kern addr = { .sk = &sk };
	struct bpf_sock_ops_kern ops = { .sk = &sk };
	struct bpf_sockopt_kern opt = { .sk = &sk };
	struct sk_msg msg = { .sk = &sk };
	const struct kbpf_func_proto *const protos[] = {
		&kbpf_get_netns_cookie_sock_proto,
		&kbpf_get_netns_cookie_sock_addr_proto,
		&kbpf_get_netns_cookie_sock_ops_proto,
		&kbpf_get_netns_cookie_sk_msg_proto,
		&kbpf_get_netns_cookie_sockopt_proto,
	};
	const void *const ctxs[] = { &sk, &addr, &ops, &msg, &opt };
	size_t i;

	init_net.net_cookie = 1;
	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		/* The socket's namespace; NULL for the context: init_net's. */
		EXPECT_EQ(call1(protos[i], ctxs[i]), 77);
		EXPECT_EQ(call1(protos[i], NULL), 1);
		EXPECT_EQ(protos[i]->arg_type[0],
			  KBPF_ARG_PTR_TO_CTX | KBPF_PTR_MAYBE_NULL);
		EXPECT_TRUE(!strcmp(protos[i]->name, "bpf_get_netns_cookie"));
	}
	init_net.net_cookie = 0;
}
