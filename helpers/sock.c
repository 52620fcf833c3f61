// SPDX-License-Identifier: GPL-2.0
/*
 * Socket helpers of the skb program types: the casts between socket
 * pointer types (bpf_sk_fullsock, bpf_tcp_sock, bpf_get_listener_sock:
 * checks of the socket the program already holds) and the lookups that
 * hand out a socket reference the verifier makes the program release
 * (bpf_sk_lookup_tcp/udp, bpf_skc_lookup_tcp, bpf_sk_release), as Linux
 * 6.1's. The table side of the lookups is sock_lookup.c.
 */
#include <kbpf/kapi.h>
#include <kbpf/sock.h>

#include "protos.h"
#include "sock_lookup.h"

#define SK(r)	((struct sock *)(unsigned long)(r))

static u64 kbpf_sk_fullsock(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return sk_fullsock(SK(r1)) ? r1 : 0;
}

const struct kbpf_func_proto kbpf_sk_fullsock_proto = {
	.func		= kbpf_sk_fullsock,
	.name		= "bpf_sk_fullsock",
	.ret_type	= KBPF_RET_PTR_TO_SOCKET | KBPF_PTR_MAYBE_NULL,
	.arg_type	= { KBPF_ARG_PTR_TO_SOCK_COMMON },
};

static u64 kbpf_tcp_sock(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sock *sk = SK(r1);

	return sk_fullsock(sk) && sk->sk_protocol == IPPROTO_TCP ? r1 : 0;
}

const struct kbpf_func_proto kbpf_tcp_sock_proto = {
	.func		= kbpf_tcp_sock,
	.name		= "bpf_tcp_sock",
	.ret_type	= KBPF_RET_PTR_TO_TCP_SOCK | KBPF_PTR_MAYBE_NULL,
	.arg_type	= { KBPF_ARG_PTR_TO_SOCK_COMMON },
};

/*
 * The listener behind sk (itself, or a request socket's), if it is one
 * freed by RCU: without a reference, only such a socket stays valid for
 * the rest of the program.
 */
static u64 kbpf_get_listener_sock(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sock *sk = sk_to_full_sk(SK(r1));

	if (sk->sk_state == TCP_LISTEN && sock_flag(sk, SOCK_RCU_FREE))
		return (unsigned long)sk;
	return 0;
}

const struct kbpf_func_proto kbpf_get_listener_sock_proto = {
	.func		= kbpf_get_listener_sock,
	.name		= "bpf_get_listener_sock",
	.ret_type	= KBPF_RET_PTR_TO_SOCKET | KBPF_PTR_MAYBE_NULL,
	.arg_type	= { KBPF_ARG_PTR_TO_SOCK_COMMON },
};

/*
 * The owner of the packet's socket as seen from the socket's namespace;
 * overflowuid when there is no full socket behind the packet.
 */
static u64 kbpf_get_socket_uid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const struct sk_buff *skb = (const struct sk_buff *)(unsigned long)r1;
	struct sock *sk = sk_to_full_sk(skb->sk);
	struct net *net;

	if (!sk || !sk_fullsock(sk))
		return overflowuid;
	net = sock_net(sk);
	return from_kuid_munged(net->user_ns, sock_net_uid(net, sk));
}

const struct kbpf_func_proto kbpf_get_socket_uid_proto = {
	.func		= kbpf_get_socket_uid,
	.name		= "bpf_get_socket_uid",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};

/*
 * The cgroup v2 of the packet's full socket (a request socket's
 * listener's), as the socket recorded it when it was created; 0 without
 * one, as in Linux. sock_cgroup_ptr() and cgroup_id() are inline reads
 * of the socket and the cgroup.
 */
static struct cgroup *skb_sk_cgroup(const struct sk_buff *skb)
{
	struct sock *sk = sk_to_full_sk(skb->sk);

	if (!sk || !sk_fullsock(sk))
		return NULL;
	return sock_cgroup_ptr(&sk->sk_cgrp_data);
}

static u64 kbpf_skb_cgroup_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct cgroup *cgrp = skb_sk_cgroup((const void *)(unsigned long)r1);

	return cgrp ? cgroup_id(cgrp) : 0;
}

const struct kbpf_func_proto kbpf_skb_cgroup_id_proto = {
	.func		= kbpf_skb_cgroup_id,
	.name		= "bpf_skb_cgroup_id",
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};

/* Its ancestor at ancestor_level (0 the root); 0 when there is none. */
static u64 kbpf_skb_ancestor_cgroup_id(u64 r1, u64 r2, u64 r3, u64 r4,
				       u64 r5)
{
	struct cgroup *cgrp = skb_sk_cgroup((const void *)(unsigned long)r1);

	if (cgrp)
		cgrp = cgroup_ancestor(cgrp, (int)r2);
	return cgrp ? cgroup_id(cgrp) : 0;
}

const struct kbpf_func_proto kbpf_skb_ancestor_cgroup_id_proto = {
	.func		= kbpf_skb_ancestor_cgroup_id,
	.name		= "bpf_skb_ancestor_cgroup_id",
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
};

/*
 * A lookup that must give a full socket: a request socket becomes its
 * listener, a timewait socket nothing; the reference of the socket found
 * is dropped then (a listener is freed by RCU and needs none).
 */
static struct sock *sk_lookup_full(struct sk_buff *skb, u64 tuple, u64 len,
				   u8 proto, u64 netns_id, u64 flags, bool tc)
{
	struct sock *sk = kbpf_skc_lookup(skb, (const void *)(unsigned long)tuple,
					  len, proto, netns_id, flags, tc);
	struct sock *full;

	if (!sk)
		return NULL;
	full = sk_to_full_sk(sk);
	if (!sk_fullsock(full))
		full = NULL;
	if (full == sk)
		return sk;
	kbpf_sk_put(sk);
	/* A listener is always RCU-freed; anything else would be unsafe. */
	if (WARN_ON_ONCE(full && !sock_flag(full, SOCK_RCU_FREE)))
		return NULL;
	return full;
}

#define SKB(r)	((struct sk_buff *)(unsigned long)(r))

static u64 kbpf_sk_lookup_tcp(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)sk_lookup_full(SKB(r1), r2, (u32)r3, IPPROTO_TCP,
					     r4, r5, false);
}

static u64 kbpf_sk_lookup_udp(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)sk_lookup_full(SKB(r1), r2, (u32)r3, IPPROTO_UDP,
					     r4, r5, false);
}

static u64 kbpf_skc_lookup_tcp(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)kbpf_skc_lookup(SKB(r1),
					      (const void *)(unsigned long)r2,
					      (u32)r3, IPPROTO_TCP, r4, r5,
					      false);
}

static u64 kbpf_tc_sk_lookup_tcp(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)sk_lookup_full(SKB(r1), r2, (u32)r3, IPPROTO_TCP,
					     r4, r5, true);
}

static u64 kbpf_tc_sk_lookup_udp(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)sk_lookup_full(SKB(r1), r2, (u32)r3, IPPROTO_UDP,
					     r4, r5, true);
}

static u64 kbpf_tc_skc_lookup_tcp(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)kbpf_skc_lookup(SKB(r1),
					      (const void *)(unsigned long)r2,
					      (u32)r3, IPPROTO_TCP, r4, r5,
					      true);
}

#define SOCKET_OR_NULL		(KBPF_RET_PTR_TO_SOCKET | KBPF_PTR_MAYBE_NULL)
#define SOCK_COMMON_OR_NULL	(KBPF_RET_PTR_TO_SOCK_COMMON | KBPF_PTR_MAYBE_NULL)

/* Every lookup takes (ctx, tuple, tuple size, netns id, flags). */
#define LOOKUP_PROTO(PROTO, FUNC, NAME, RET)				\
	const struct kbpf_func_proto PROTO = {				\
		.func		= FUNC,					\
		.name		= NAME,					\
		.pkt_access	= true,					\
		.ret_type	= RET,					\
		.ret_acquires_ref = true,				\
		.arg_type	= { KBPF_ARG_PTR_TO_CTX,			\
				    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,	\
				    KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING,	\
				    KBPF_ARG_ANYTHING },			\
	}

LOOKUP_PROTO(kbpf_sk_lookup_tcp_proto, kbpf_sk_lookup_tcp,
	     "bpf_sk_lookup_tcp", SOCKET_OR_NULL);
LOOKUP_PROTO(kbpf_sk_lookup_udp_proto, kbpf_sk_lookup_udp,
	     "bpf_sk_lookup_udp", SOCKET_OR_NULL);
LOOKUP_PROTO(kbpf_skc_lookup_tcp_proto, kbpf_skc_lookup_tcp,
	     "bpf_skc_lookup_tcp", SOCK_COMMON_OR_NULL);
/* sched_cls/act: the device's namespace and L3 slave (Linux's bpf_tc_*). */
LOOKUP_PROTO(kbpf_tc_sk_lookup_tcp_proto, kbpf_tc_sk_lookup_tcp,
	     "bpf_sk_lookup_tcp", SOCKET_OR_NULL);
LOOKUP_PROTO(kbpf_tc_sk_lookup_udp_proto, kbpf_tc_sk_lookup_udp,
	     "bpf_sk_lookup_udp", SOCKET_OR_NULL);
LOOKUP_PROTO(kbpf_tc_skc_lookup_tcp_proto, kbpf_tc_skc_lookup_tcp,
	     "bpf_skc_lookup_tcp", SOCK_COMMON_OR_NULL);

static u64 kbpf_sk_release(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	kbpf_sk_put(SK(r1));
	return 0;
}

const struct kbpf_func_proto kbpf_sk_release_proto = {
	.func		= kbpf_sk_release,
	.name		= "bpf_sk_release",
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_SOCK_COMMON | KBPF_OBJ_RELEASE },
};
