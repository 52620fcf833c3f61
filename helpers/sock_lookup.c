// SPDX-License-Identifier: GPL-2.0
/*
 * Socket lookups for bpf_sk_lookup_tcp/udp and bpf_skc_lookup_tcp, in the
 * kernel's own TCP and UDP tables, with what 6.1 exports: the established
 * and listener lookups (__inet_lookup_established, __inet_lookup_listener,
 * __inet6_lookup_established, inet6_lookup_listener) and the UDP ones
 * (__udp4_lib_lookup, __udp6_lib_lookup on udp_table); the namespace
 * by id through get_net_ns_by_id. Kernel only: the host has sock_lookup_host.c.
 */
#include <kbpf/kapi.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/ip.h>
#include <net/udp.h>
#include <linux/ipv6.h>

#include "sock_lookup.h"

/* One table lookup; established TCP sockets come back referenced. */
static struct sock *table_lookup(struct net *net,
				 const struct bpf_sock_tuple *tuple,
				 int dif, int sdif, bool v6, u8 proto)
{
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	bool refcounted = false;
	struct sock *sk;

	if (!v6 && proto == IPPROTO_TCP) {
		sk = __inet_lookup(net, hinfo, NULL, 0, tuple->ipv4.saddr,
				   tuple->ipv4.sport, tuple->ipv4.daddr,
				   tuple->ipv4.dport, dif, sdif, &refcounted);
	} else if (!v6) {
		sk = __udp4_lib_lookup(net, tuple->ipv4.saddr, tuple->ipv4.sport,
				       tuple->ipv4.daddr, tuple->ipv4.dport,
				       dif, sdif, &udp_table, NULL);
	} else {
		const struct in6_addr *src = (const void *)tuple->ipv6.saddr;
		const struct in6_addr *dst = (const void *)tuple->ipv6.daddr;

		if (proto == IPPROTO_TCP)
			sk = __inet6_lookup(net, hinfo, NULL, 0, src,
					    tuple->ipv6.sport, dst,
					    ntohs(tuple->ipv6.dport), dif, sdif,
					    &refcounted);
		else
			sk = __udp6_lib_lookup(net, src, tuple->ipv6.sport, dst,
					       tuple->ipv6.dport, dif, sdif,
					       &udp_table, NULL);
	}
	/* Without a reference only an RCU-freed socket outlives the program. */
	if (unlikely(sk && !refcounted && !sock_flag(sk, SOCK_RCU_FREE))) {
		WARN_ONCE(1, "kbpf: unreferenced socket not freed by RCU\n");
		sk = NULL;
	}
	return sk;
}

struct sock *kbpf_skc_lookup(struct sk_buff *skb,
			     const struct bpf_sock_tuple *tuple, u32 len,
			     u8 proto, u64 netns_id, u64 flags, bool tc)
{
	struct net *net, *caller_net;
	int ifindex = 0, sdif;
	struct sock *sk;
	bool v6;

	if (len == sizeof(tuple->ipv4))
		v6 = false;
	else if (len == sizeof(tuple->ipv6))
		v6 = true;
	else
		return NULL;
	/* netns_id: a negative s32 for the caller's namespace, else an id. */
	if (flags || !((s32)netns_id < 0 || netns_id <= S32_MAX))
		return NULL;

	if (skb->dev) {
		caller_net = dev_net(skb->dev);
		ifindex = skb->dev->ifindex;
	} else if (skb->sk) {
		caller_net = sock_net(skb->sk);
	} else {
		return NULL;
	}
	if (tc && skb->dev)
		sdif = dev_sdif(skb->dev);
	else
		sdif = v6 ? inet6_sdif(skb) : inet_sdif(skb);

	if ((s32)netns_id < 0)
		return table_lookup(caller_net, tuple, ifindex, sdif, v6, proto);
	net = get_net_ns_by_id(caller_net, netns_id);
	if (!net)
		return NULL;
	sk = table_lookup(net, tuple, ifindex, sdif, v6, proto);
	put_net(net);
	return sk;
}

void kbpf_sk_put(struct sock *sk)
{
	if (sk && sk_is_refcounted(sk))
		sock_gen_put(sk);
}
