/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: network namespaces, devices by index,
 * and the route and tunnel metadata dsts an skb may carry.
 */
#ifndef KBPF_SHIM_KAPI_NET_H
#define KBPF_SHIM_KAPI_NET_H

#include <kbpf/kapi_base.h>
#include <kbpf/kapi_atomic.h>
#include <kbpf/kapi_cpu.h>
#include <kbpf/kapi_skb.h>
#include <kbpf/kapi_task.h>

#include <netinet/in.h>		/* struct in6_addr */
#include <sys/socket.h>		/* AF_INET, AF_INET6 */
#include <linux/pkt_cls.h>	/* TC_ACT_*: the kernel's via <net/sch_generic.h> */

/* ---- Network namespaces -------------------------------------------------- */

/* A network namespace: the user namespace its ids map through, its cookie. */
struct net {
	struct user_namespace *user_ns;
	u64 net_cookie;
};

__attribute__((__weak__)) struct net init_net;

/* ---- Devices by index (<linux/netdevice.h>) ------------------------------ */

/*
 * The host's devices: what a test registers here (a NULL-terminated
 * array), all in init_net.
 */
__attribute__((__weak__)) struct net_device **kbpf_host_netdevs;

static inline struct net *dev_net(const struct net_device *dev)
{
	return &init_net;
}

static inline struct net_device *dev_get_by_index_rcu(struct net *net,
						      int ifindex)
{
	struct net_device **d;

	for (d = kbpf_host_netdevs; d && *d; d++)
		if ((*d)->ifindex == ifindex)
			return *d;
	return NULL;
}

/* ---- Tunnel metadata (<net/dst_metadata.h>, <net/ip_tunnels.h>) ---------- */

/* A route or metadata dst: only the reference count the host needs. */
struct dst_entry {
	atomic_t __refcnt;
};

#define TUNNEL_CSUM		cpu_to_be16(0x01)
#define TUNNEL_KEY		cpu_to_be16(0x04)
#define TUNNEL_SEQ		cpu_to_be16(0x08)
#define TUNNEL_DONT_FRAGMENT	cpu_to_be16(0x0100)
#define TUNNEL_GENEVE_OPT	cpu_to_be16(0x0800)
#define TUNNEL_VXLAN_OPT	cpu_to_be16(0x1000)
#define TUNNEL_NOCACHE		cpu_to_be16(0x2000)
#define TUNNEL_ERSPAN_OPT	cpu_to_be16(0x4000)
#define TUNNEL_GTP_OPT		cpu_to_be16(0x8000)
#define TUNNEL_OPTIONS_PRESENT	(TUNNEL_GENEVE_OPT | TUNNEL_VXLAN_OPT | \
				 TUNNEL_ERSPAN_OPT | TUNNEL_GTP_OPT)
#define IP_TUNNEL_INFO_TX	0x01
#define IP_TUNNEL_INFO_IPV6	0x02
#define FLOWI_FLAG_ANYSRC	0x01
#define IPV6_FLOWLABEL_MASK	cpu_to_be32(0x000FFFFF)

struct ip_tunnel_key {
	__be64 tun_id;
	union {
		struct {
			__be32 src;
			__be32 dst;
		} ipv4;
		struct {
			struct in6_addr src;
			struct in6_addr dst;
		} ipv6;
	} u;
	__be16 tun_flags;
	u8 tos;
	u8 ttl;
	__be32 label;
	__be16 tp_src;
	__be16 tp_dst;
	u8 flow_flags;
};

/* The options (options_len bytes) follow the info, as in the kernel. */
struct ip_tunnel_info {
	struct ip_tunnel_key key;
	u8 options_len;
	u8 mode;
};

#define IP_TUNNEL_OPTS_MAX	255

enum metadata_type {
	METADATA_IP_TUNNEL,
	METADATA_HW_PORT_MUX,
};

struct metadata_dst {
	struct dst_entry dst;
	enum metadata_type type;
	union {
		struct ip_tunnel_info tun_info;
	} u;
};

static inline struct metadata_dst __percpu *
metadata_dst_alloc_percpu(u8 optslen, enum metadata_type type, gfp_t flags)
{
	struct metadata_dst __percpu *md;
	int cpu;

	md = __alloc_percpu_gfp(sizeof(struct metadata_dst) + optslen,
				__alignof__(struct metadata_dst), flags);
	if (!md)
		return NULL;
	for_each_possible_cpu(cpu) {
		atomic_set(&per_cpu_ptr(md, cpu)->dst.__refcnt, 1);
		per_cpu_ptr(md, cpu)->type = type;
	}
	return md;
}

static inline void metadata_dst_free_percpu(struct metadata_dst __percpu *md)
{
	free_percpu(md);
}

static inline void dst_hold(struct dst_entry *dst)
{
	atomic_inc(&dst->__refcnt);
}

static inline void skb_dst_drop(struct sk_buff *skb)
{
	if (skb->dst)
		atomic_dec(&skb->dst->__refcnt);
	skb->dst = NULL;
}

static inline void skb_dst_set(struct sk_buff *skb, struct dst_entry *dst)
{
	skb->dst = dst;
}

/* Host skbs only ever get metadata dsts (the tunnel helpers'). */
static inline struct ip_tunnel_info *skb_tunnel_info(struct sk_buff *skb)
{
	struct metadata_dst *md = (struct metadata_dst *)skb->dst;

	return md && md->type == METADATA_IP_TUNNEL ? &md->u.tun_info : NULL;
}

static inline unsigned short ip_tunnel_info_af(const struct ip_tunnel_info *info)
{
	return info->mode & IP_TUNNEL_INFO_IPV6 ? AF_INET6 : AF_INET;
}

static inline void ip_tunnel_info_opts_get(void *to,
					   const struct ip_tunnel_info *info)
{
	memcpy(to, info + 1, info->options_len);
}

static inline void ip_tunnel_info_opts_set(struct ip_tunnel_info *info,
					   const void *from, int len,
					   __be16 flags)
{
	info->options_len = len;
	if (len > 0) {
		memcpy(info + 1, from, len);
		info->key.tun_flags |= flags;
	}
}

/* Host skbs are never GSO (skb_is_gso()): nothing to validate. */
static inline bool skb_gso_validate_network_len(const struct sk_buff *skb,
						unsigned int mtu)
{
	return true;
}

#endif /* KBPF_SHIM_KAPI_NET_H */
