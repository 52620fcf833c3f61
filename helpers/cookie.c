// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_get_socket_cookie and bpf_get_netns_cookie, one variant per context
 * as in Linux 6.1's net/core/filter.c and kernel/bpf/cgroup.c.
 *
 * A socket cookie must be the kernel's own (what getsockopt(SO_COOKIE)
 * and sock_diag report), so it comes from the kernel's generator: the
 * exported sock_diag_save_cookie() calls sock_gen_cookie(), which gives
 * the socket a cookie on first use and the same one ever after. The
 * network namespace cookie is the one the kernel wrote into struct net
 * when the namespace was made.
 *
 * The socket of a sock_addr, sock_ops, sk_msg or sockopt context is found
 * through kbpf_kern_layout: kbpf's core cannot include the kernel header
 * declaring those structs.
 */
#include <kbpf/kapi.h>
#include <kbpf/sock.h>

#include "protos.h"

/* The context's struct sock pointer at offset off. */
static struct sock *ctx_sk(u64 ctx, short off)
{
	return *(struct sock **)((char *)(unsigned long)ctx + off);
}

static u64 socket_cookie(struct sock *sk)
{
	u32 cookie[2];

	sock_diag_save_cookie(sk, cookie);
	return (u64)cookie[1] << 32 | cookie[0];
}

/* The packet's socket, 0 without one. */
static u64 kbpf_get_socket_cookie(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const struct sk_buff *skb = (const struct sk_buff *)(unsigned long)r1;

	return skb->sk ? socket_cookie(skb->sk) : 0;
}

/* cgroup sock_addr hooks always run on a socket. */
static u64 kbpf_get_socket_cookie_sock_addr(u64 r1, u64 r2, u64 r3, u64 r4,
					    u64 r5)
{
	return socket_cookie(ctx_sk(r1, kbpf_kern_layout.sock_addr_sk));
}

/* cgroup_sock: the context is the socket. */
static u64 kbpf_get_socket_cookie_sock(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return socket_cookie((struct sock *)(unsigned long)r1);
}

static u64 kbpf_get_socket_cookie_sock_ops(u64 r1, u64 r2, u64 r3, u64 r4,
					   u64 r5)
{
	return socket_cookie(ctx_sk(r1, kbpf_kern_layout.sock_ops_sk));
}

#define COOKIE_PROTO(PROTO, FUNC, NAME, ARG)		\
	const struct kbpf_func_proto PROTO = {		\
		.func		= FUNC,			\
		.name		= NAME,			\
		.gpl_only	= false,		\
		.ret_type	= KBPF_RET_INTEGER,	\
		.arg_type	= { ARG },		\
	}

COOKIE_PROTO(kbpf_get_socket_cookie_proto, kbpf_get_socket_cookie,
	     "bpf_get_socket_cookie", KBPF_ARG_PTR_TO_CTX);
COOKIE_PROTO(kbpf_get_socket_cookie_sock_addr_proto,
	     kbpf_get_socket_cookie_sock_addr, "bpf_get_socket_cookie",
	     KBPF_ARG_PTR_TO_CTX);
COOKIE_PROTO(kbpf_get_socket_cookie_sock_proto, kbpf_get_socket_cookie_sock,
	     "bpf_get_socket_cookie", KBPF_ARG_PTR_TO_CTX);
COOKIE_PROTO(kbpf_get_socket_cookie_sock_ops_proto,
	     kbpf_get_socket_cookie_sock_ops, "bpf_get_socket_cookie",
	     KBPF_ARG_PTR_TO_CTX);

/* The cookie of sk's namespace; a NULL context (no socket) means init_net's. */
static u64 netns_cookie(const struct sock *sk)
{
	const struct net *net = sk ? sock_net(sk) : &init_net;

	return net->net_cookie;
}

static u64 kbpf_get_netns_cookie_sock(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return netns_cookie((const struct sock *)(unsigned long)r1);
}

static u64 kbpf_get_netns_cookie_sock_addr(u64 r1, u64 r2, u64 r3, u64 r4,
					   u64 r5)
{
	return netns_cookie(r1 ? ctx_sk(r1, kbpf_kern_layout.sock_addr_sk) :
			    NULL);
}

static u64 kbpf_get_netns_cookie_sock_ops(u64 r1, u64 r2, u64 r3, u64 r4,
					  u64 r5)
{
	return netns_cookie(r1 ? ctx_sk(r1, kbpf_kern_layout.sock_ops_sk) :
			    NULL);
}

static u64 kbpf_get_netns_cookie_sk_msg(u64 r1, u64 r2, u64 r3, u64 r4,
					u64 r5)
{
	return netns_cookie(r1 ? ctx_sk(r1, kbpf_kern_layout.sk_msg_sk) : NULL);
}

static u64 kbpf_get_netns_cookie_sockopt(u64 r1, u64 r2, u64 r3, u64 r4,
					 u64 r5)
{
	return netns_cookie(r1 ? ctx_sk(r1, kbpf_kern_layout.sockopt_sk) :
			    NULL);
}

#define NETNS_COOKIE_PROTO(PROTO, FUNC)					\
	COOKIE_PROTO(PROTO, FUNC, "bpf_get_netns_cookie",		\
		     KBPF_ARG_PTR_TO_CTX_OR_NULL)

NETNS_COOKIE_PROTO(kbpf_get_netns_cookie_sock_proto,
		   kbpf_get_netns_cookie_sock);
NETNS_COOKIE_PROTO(kbpf_get_netns_cookie_sock_addr_proto,
		   kbpf_get_netns_cookie_sock_addr);
NETNS_COOKIE_PROTO(kbpf_get_netns_cookie_sock_ops_proto,
		   kbpf_get_netns_cookie_sock_ops);
NETNS_COOKIE_PROTO(kbpf_get_netns_cookie_sk_msg_proto,
		   kbpf_get_netns_cookie_sk_msg);
NETNS_COOKIE_PROTO(kbpf_get_netns_cookie_sockopt_proto,
		   kbpf_get_netns_cookie_sockopt);
