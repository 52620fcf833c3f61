/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: sockets, the kernel objects of
 * socket-level and cgroup hook programs, and the host's kbpf_kern_layout.
 */
#ifndef KBPF_SHIM_KAPI_SOCK_H
#define KBPF_SHIM_KAPI_SOCK_H

#include <kbpf/kapi_base.h>
#include <kbpf/kapi_net.h>
#include <kbpf/kapi_skb.h>
#include <kbpf/kapi_task.h>

/* ---- Sockets ------------------------------------------------------------- */

/*
 * The sock fields the bpf_sock and bpf_tcp_sock rewrites load and the
 * socket helpers read, with the kernel's names, nesting and types; the
 * layout is not the kernel's (code uses offsetof() and sizeof_field()).
 * Host programs only ever see sockets a test built: the host has no
 * socket tables (helpers/sock_lookup_host.c).
 */
struct sock_common {
	__be32 skc_daddr;
	__be32 skc_rcv_saddr;
	__be16 skc_dport;
	u16 skc_num;
	unsigned short skc_family;
	volatile unsigned char skc_state;
	int skc_bound_dev_if;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
};

/* <linux/cgroup-defs.h>: the cgroup a socket was created in. */
struct sock_cgroup_data {
	struct cgroup *cgroup;
};

static inline struct cgroup *sock_cgroup_ptr(struct sock_cgroup_data *skcd)
{
	return skcd->cgroup;
}

struct sock {
	struct sock_common __sk_common;
	struct sock_cgroup_data sk_cgrp_data;
	unsigned long sk_flags;
	u16 sk_type;
	u16 sk_protocol;
	u32 sk_mark;
	u32 sk_priority;
	u16 sk_rx_queue_mapping;
	kuid_t sk_uid;
	struct net *sk_net;	/* the kernel's __sk_common.skc_net */
	u64 sk_cookie;		/* the kernel's atomic64 __sk_common.skc_cookie */
};

#define sk_state		__sk_common.skc_state
#define sk_family		__sk_common.skc_family
#define sk_bound_dev_if		__sk_common.skc_bound_dev_if
#define CONFIG_SOCK_RX_QUEUE_MAPPING	1

/* ---- Socket-level contexts ----------------------------------------------- */

/*
 * What sk_msg, sk_skb, cgroup sock_addr, cgroup sysctl and sk_lookup
 * programs run on, as <net/sock.h>, <linux/skmsg.h>, <net/strparser.h>
 * and <linux/filter.h> define them: only the fields context rewrites
 * reach, with the kernel's types. Like the host sk_buff, the layouts are
 * not the kernel's; code only uses offsetof() and sizeof_field().
 */
struct sk_msg_sg {
	u32 start;
	u32 curr;
	u32 end;
	u32 size;
};

struct sk_msg {
	struct sk_msg_sg sg;
	void *data;
	void *data_end;
	struct sock *sk;
};

/* What sk_skb programs keep in skb->cb: their cb[] words first. */
struct sk_skb_cb {
	unsigned char data[20];
	unsigned char pad[4];
	u64 temp_reg;
};

struct bpf_sock_addr_kern {
	struct sock *sk;
	struct sockaddr *uaddr;
	u64 tmp_reg;
	void *t_ctx;
};

struct bpf_sysctl_kern {
	void *cur_val;
	size_t cur_len;
	int write;
	loff_t *ppos;
	u64 tmp_reg;
};

struct bpf_sk_lookup_kern {
	u16 family;
	u16 protocol;
	__be16 sport;
	u16 dport;
	struct {
		__be32 saddr;
		__be32 daddr;
	} v4;
	struct {
		const struct in6_addr *saddr;
		const struct in6_addr *daddr;
	} v6;
	struct sock *selected_sk;
	u32 ingress_ifindex;
	bool no_reuseport;
};

struct bpf_sockopt_kern {
	struct sock *sk;
	u8 *optval;
	u8 *optval_end;
	s32 level;
	s32 optname;
	s32 optlen;
};

struct bpf_sock_ops_kern {
	struct sock *sk;
	union {
		u32 args[4];
		u32 reply;
		u32 replylong[4];
	};
	u8 op;
	u8 is_fullsock;
};

#include <kbpf/kern_layout.h>

/* The host's kbpf_kern_layout, from the structs above. */
static const struct kbpf_kern_layout kbpf_kern_layout __maybe_unused =
	KBPF_KERN_LAYOUT_INIT;

#endif /* KBPF_SHIM_KAPI_SOCK_H */
