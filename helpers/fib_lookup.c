// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_fib_lookup's lookup in the kernel's own routing and neighbour
 * tables, as Linux 6.1's bpf_ipv4_fib_lookup() and bpf_ipv6_fib_lookup()
 * make it, with what 6.1 exports. Kernel only: the host has
 * fib_lookup_host.c.
 *
 * IPv6 goes entirely through ipv6_stub (fib6_get_table, fib6_lookup,
 * fib6_table_lookup, fib6_select_path, ip6_mtu_from_fib6, nd_tbl) and the
 * exported ipv6_dev_get_saddr, as Linux's does.
 *
 * IPv4's lookups are the exported ones (fib_lookup() over __fib_lookup and
 * fib_table_lookup; arp_tbl for the neighbour), but four steps of Linux's
 * are in functions 6.1 does not export. Each is redone here from what the
 * public headers show, to give Linux's answer:
 * - fib_get_table() (BPF_FIB_LOOKUP_DIRECT): the walk of the table hash
 *   in struct netns_ipv4, read-only;
 * - fib_select_path() (a multipath route, no BPF_FIB_LOOKUP_OUTPUT): the
 *   flow hash of fib_multipath_hash() without an skb, for each
 *   fib_multipath_hash_policy, with the exported flow_hash_from_keys(),
 *   then fib_select_multipath()'s walk of the nexthops' upper bounds
 *   (fib_multipath_use_neigh included) or the exported
 *   nexthop_select_path() for a nexthop object;
 * - ip_mtu_from_fib_result() (the MTU check): the route's locked MTU, or
 *   a learnt PMTU exception for the destination, or the device's MTU.
 *   The exceptions sit in a hash table keyed by a secret of route.c, so
 *   the nexthop's whole table (FNHE_HASH_SIZE buckets, allocated only once
 *   the nexthop has an exception) is searched; an expired exception counts
 *   as none, as Linux's (which also deletes it: kbpf never writes the
 *   kernel's tables);
 * - fib_result_prefsrc() (BPF_FIB_LOOKUP_SRC): the route's preferred
 *   source, the nexthop's cached one while still valid, else what the
 *   exported inet_select_addr() picks (Linux caches it; kbpf does not).
 */
#include <kbpf/kapi.h>
#include <linux/inetdevice.h>
#include <linux/jiffies.h>
#include <net/addrconf.h>
#include <net/arp.h>
#include <net/flow_dissector.h>
#include <net/ip_fib.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ipv6_stubs.h>
#include <net/l3mdev.h>
#include <net/lwtunnel.h>
#include <net/ndisc.h>
#include <net/nexthop.h>
#include <net/route.h>

#include "fib.h"

/* A neighbour's hardware address when it is valid, for smac/dmac. */
static bool neigh_resolve(struct net_device *dev, bool v6, const void *addr,
			  u8 *dmac)
{
	struct neighbour *neigh;
	bool ok = false;

	/* The tables are RCU-bh protected: XDP and tc run in softirq. */
	rcu_read_lock_bh();
	if (v6)
		neigh = __ipv6_neigh_lookup_noref_stub(dev, addr);
	else
		neigh = __ipv4_neigh_lookup_noref(dev, *(const u32 *)addr);
	if (neigh && (READ_ONCE(neigh->nud_state) & NUD_VALID)) {
		memcpy(dmac, neigh->ha, ETH_ALEN);
		ok = true;
	}
	rcu_read_unlock_bh();
	return ok;
}

/* What Linux's bpf_fib_set_fwd_params() leaves on success. */
static long fwd_params(struct bpf_fib_lookup *params, u32 mtu)
{
	params->h_vlan_TCI = 0;
	params->h_vlan_proto = 0;
	if (mtu)
		params->mtu_result = mtu;	/* union with tot_len */
	return BPF_FIB_LKUP_RET_SUCCESS;
}

#ifdef CONFIG_IP_MULTIPLE_TABLES
/* fib_get_table() of CONFIG_IP_MULTIPLE_TABLES: the table with this id. */
static struct fib_table *fib4_get_table(struct net *net, u32 id)
{
	struct hlist_head *head;
	struct fib_table *tb;

	if (!id)
		id = RT_TABLE_MAIN;
	head = &net->ipv4.fib_table_hash[id & (FIB_TABLE_HASHSZ - 1)];
	hlist_for_each_entry_rcu(tb, head, tb_hlist) {
		if (tb->tb_id == id)
			return tb;
	}
	return NULL;
}
#else
/* Without it, <net/ip_fib.h> has fib_get_table() inline: local or main. */
static struct fib_table *fib4_get_table(struct net *net, u32 id)
{
	return fib_get_table(net, id);
}
#endif

#ifdef CONFIG_IP_ROUTE_MULTIPATH
/* fib_multipath_hash() for a flow without an skb. */
static int fib4_multipath_hash(const struct net *net, const struct flowi4 *fl4)
{
	u32 policy = READ_ONCE(net->ipv4.sysctl_fib_multipath_hash_policy);
	u32 fields = READ_ONCE(net->ipv4.sysctl_fib_multipath_hash_fields);
	struct flow_keys keys;

	memset(&keys, 0, sizeof(keys));
	keys.control.addr_type = FLOW_DISSECTOR_KEY_IPV4_ADDRS;
	switch (policy) {
	case 0:
	case 2:		/* without an skb there is no inner header: as 0 */
		keys.addrs.v4addrs.src = fl4->saddr;
		keys.addrs.v4addrs.dst = fl4->daddr;
		break;
	case 1:
		keys.addrs.v4addrs.src = fl4->saddr;
		keys.addrs.v4addrs.dst = fl4->daddr;
		keys.ports.src = fl4->fl4_sport;
		keys.ports.dst = fl4->fl4_dport;
		keys.basic.ip_proto = fl4->flowi4_proto;
		break;
	case 3:
		if (!(fields & FIB_MULTIPATH_HASH_FIELD_OUTER_MASK))
			return 0;
		if (fields & FIB_MULTIPATH_HASH_FIELD_SRC_IP)
			keys.addrs.v4addrs.src = fl4->saddr;
		if (fields & FIB_MULTIPATH_HASH_FIELD_DST_IP)
			keys.addrs.v4addrs.dst = fl4->daddr;
		if (fields & FIB_MULTIPATH_HASH_FIELD_IP_PROTO)
			keys.basic.ip_proto = fl4->flowi4_proto;
		if (fields & FIB_MULTIPATH_HASH_FIELD_SRC_PORT)
			keys.ports.src = fl4->fl4_sport;
		if (fields & FIB_MULTIPATH_HASH_FIELD_DST_PORT)
			keys.ports.dst = fl4->fl4_dport;
		break;
	default:
		return 0;
	}
	/* The flow's own multipath hash is 0 here: nothing mixed in. */
	return flow_hash_from_keys(&keys) >> 1;
}

/* fib_good_nh(): a link-scope gateway counts while its neighbour is valid. */
static bool fib4_good_nh(const struct fib_nh *nh)
{
	int state = NUD_REACHABLE;
	struct neighbour *n = NULL;

	if (nh->fib_nh_scope != RT_SCOPE_LINK)
		return true;
	rcu_read_lock_bh();
	if (nh->fib_nh_gw_family == AF_INET)
		n = __ipv4_neigh_lookup_noref(nh->fib_nh_dev,
					      (__force u32)nh->fib_nh_gw4);
	else if (nh->fib_nh_gw_family == AF_INET6)
		n = __ipv6_neigh_lookup_noref_stub(nh->fib_nh_dev,
						   &nh->fib_nh_gw6);
	if (n)
		state = READ_ONCE(n->nud_state);
	rcu_read_unlock_bh();
	return state & NUD_VALID;
}

/* fib_select_path() for a route of several paths. */
static void fib4_select_path(struct net *net, struct fib_result *res,
			     const struct flowi4 *fl4)
{
	struct fib_info *fi = res->fi;
	bool use_neigh, first = false;
	int hash, i;

	/* An output interface keeps the nexthop the table lookup chose. */
	if (fl4->flowi4_oif)
		return;
	hash = fib4_multipath_hash(net, fl4);
	if (unlikely(fi->nh)) {
		struct nexthop *nh = nexthop_select_path(fi->nh, hash);

		res->nhc = &rcu_dereference(nh->nh_info)->fib_nhc;
		return;
	}
	use_neigh = READ_ONCE(net->ipv4.sysctl_fib_multipath_use_neigh);
	for (i = 0; i < fi->fib_nhs; i++) {
		struct fib_nh *nh = &fi->fib_nh[i];

		if (use_neigh) {
			if (!fib4_good_nh(nh))
				continue;
			if (!first) {
				res->nh_sel = i;
				res->nhc = &nh->nh_common;
				first = true;
			}
		}
		if (hash > atomic_read(&nh->fib_nh_upper_bound))
			continue;
		res->nh_sel = i;
		res->nhc = &nh->nh_common;
		return;
	}
}
#else
/* No route has several paths: fib_select_path() keeps the one found. */
static void fib4_select_path(struct net *net, struct fib_result *res,
			     const struct flowi4 *fl4)
{
}
#endif

/* find_exception() without the secret hash: every bucket is searched. */
static struct fib_nh_exception *fib4_find_exception(struct fib_nh_common *nhc,
						    __be32 daddr)
{
	struct fnhe_hash_bucket *hash = rcu_dereference(nhc->nhc_exceptions);
	struct fib_nh_exception *fnhe;
	int i;

	if (!hash)
		return NULL;
	for (i = 0; i < FNHE_HASH_SIZE; i++) {
		for (fnhe = rcu_dereference(hash[i].chain); fnhe;
		     fnhe = rcu_dereference(fnhe->fnhe_next)) {
			if (fnhe->fnhe_daddr != daddr)
				continue;
			if (fnhe->fnhe_expires &&
			    time_after(jiffies, fnhe->fnhe_expires))
				return NULL;
			return fnhe;
		}
	}
	return NULL;
}

/* ip_mtu_from_fib_result(). */
static u32 fib4_mtu(struct fib_result *res, __be32 daddr)
{
	struct fib_nh_common *nhc = res->nhc;
	struct net_device *dev = nhc->nhc_dev;
	struct fib_info *fi = res->fi;
	u32 mtu = 0;

	if (READ_ONCE(dev_net(dev)->ipv4.sysctl_ip_fwd_use_pmtu) ||
	    fi->fib_metrics->metrics[RTAX_LOCK - 1] & (1 << RTAX_MTU))
		mtu = fi->fib_mtu;
	if (likely(!mtu)) {
		struct fib_nh_exception *fnhe = fib4_find_exception(nhc, daddr);

		if (fnhe && !time_after_eq(jiffies, fnhe->fnhe_expires))
			mtu = fnhe->fnhe_pmtu;
	}
	if (likely(!mtu))
		mtu = min(READ_ONCE(dev->mtu), IP_MAX_MTU);
	return mtu - lwtunnel_headroom(nhc->nhc_lwtstate, mtu);
}

/* fib_result_prefsrc(), without writing the nexthop's cache. */
static __be32 fib4_prefsrc(struct net *net, const struct fib_result *res)
{
	struct fib_nh_common *nhc = res->nhc;
	struct fib_nh *nh;

	if (res->fi->fib_prefsrc)
		return res->fi->fib_prefsrc;
	if (nhc->nhc_family != AF_INET)
		return inet_select_addr(nhc->nhc_dev, 0, res->fi->fib_scope);
	nh = container_of(nhc, struct fib_nh, nh_common);
	if (nh->nh_saddr_genid == atomic_read(&net->ipv4.dev_addr_genid))
		return nh->nh_saddr;
	return inet_select_addr(nh->fib_nh_dev, nh->fib_nh_gw4,
				res->fi->fib_scope);
}

static long fib_lookup_v4(struct net *net, struct bpf_fib_lookup *params,
			u32 flags, bool check_mtu)
{
	struct fib_nh_common *nhc;
	struct in_device *in_dev;
	struct net_device *dev;
	struct fib_result res;
	struct flowi4 fl4 = {};
	u32 mtu = 0;
	int err;

	dev = dev_get_by_index_rcu(net, params->ifindex);
	if (unlikely(!dev))
		return -ENODEV;
	in_dev = __in_dev_get_rcu(dev);
	if (unlikely(!in_dev || !IN_DEV_FORWARD(in_dev)))
		return BPF_FIB_LKUP_RET_FWD_DISABLED;

	if (flags & BPF_FIB_LOOKUP_OUTPUT) {
		fl4.flowi4_iif = LOOPBACK_IFINDEX;
		fl4.flowi4_oif = params->ifindex;
	} else {
		fl4.flowi4_iif = params->ifindex;
	}
	fl4.flowi4_tos = params->tos & IPTOS_RT_MASK;
	fl4.flowi4_scope = RT_SCOPE_UNIVERSE;
	fl4.flowi4_proto = params->l4_protocol;
	fl4.daddr = params->ipv4_dst;
	fl4.saddr = params->ipv4_src;
	fl4.fl4_sport = params->sport;
	fl4.fl4_dport = params->dport;

	if (flags & BPF_FIB_LOOKUP_DIRECT) {
		u32 tbid = l3mdev_fib_table_rcu(dev) ? : RT_TABLE_MAIN;
		struct fib_table *tb;

		if (flags & BPF_FIB_LOOKUP_TBID) {
			tbid = params->tbid;
			params->tbid = 0;	/* the union's vlan fields */
		}
		tb = fib4_get_table(net, tbid);
		if (unlikely(!tb))
			return BPF_FIB_LKUP_RET_NOT_FWDED;
		err = fib_table_lookup(tb, &fl4, &res, FIB_LOOKUP_NOREF);
	} else {
		fl4.flowi4_uid = sock_net_uid(net, NULL);
		err = fib_lookup(net, &fl4, &res, FIB_LOOKUP_NOREF);
	}
	if (err) {
		/* The route types the errors stand for. */
		if (err == -EINVAL)
			return BPF_FIB_LKUP_RET_BLACKHOLE;
		if (err == -EHOSTUNREACH)
			return BPF_FIB_LKUP_RET_UNREACHABLE;
		if (err == -EACCES)
			return BPF_FIB_LKUP_RET_PROHIBIT;
		return BPF_FIB_LKUP_RET_NOT_FWDED;
	}
	if (res.type != RTN_UNICAST)
		return BPF_FIB_LKUP_RET_NOT_FWDED;
	if (fib_info_num_path(res.fi) > 1)
		fib4_select_path(net, &res, &fl4);

	if (check_mtu) {
		mtu = fib4_mtu(&res, params->ipv4_dst);
		if (params->tot_len > mtu) {
			params->mtu_result = mtu;	/* union with tot_len */
			return BPF_FIB_LKUP_RET_FRAG_NEEDED;
		}
	}

	nhc = res.nhc;
	if (nhc->nhc_lwtstate)
		return BPF_FIB_LKUP_RET_UNSUPP_LWT;
	dev = nhc->nhc_dev;
	params->rt_metric = res.fi->fib_priority;
	params->ifindex = dev->ifindex;
	if (flags & BPF_FIB_LOOKUP_SRC)
		params->ipv4_src = fib4_prefsrc(net, &res);

	/* An IPv4 route may have an IPv6 gateway. */
	if (likely(nhc->nhc_gw_family != AF_INET6)) {
		if (nhc->nhc_gw_family)
			params->ipv4_dst = nhc->nhc_gw.ipv4;
	} else {
		params->family = AF_INET6;
		memcpy(params->ipv6_dst, &nhc->nhc_gw.ipv6,
		       sizeof(params->ipv6_dst));
	}
	if (flags & BPF_FIB_LOOKUP_SKIP_NEIGH)
		return fwd_params(params, mtu);
	if (nhc->nhc_gw_family != AF_INET6) {
		if (!neigh_resolve(dev, false, &params->ipv4_dst, params->dmac))
			return BPF_FIB_LKUP_RET_NO_NEIGH;
	} else if (!neigh_resolve(dev, true, params->ipv6_dst, params->dmac)) {
		return BPF_FIB_LKUP_RET_NO_NEIGH;
	}
	memcpy(params->smac, dev->dev_addr, ETH_ALEN);
	return fwd_params(params, mtu);
}

static long fib_lookup_v6(struct net *net, struct bpf_fib_lookup *params,
			u32 flags, bool check_mtu)
{
	struct in6_addr *src = (struct in6_addr *)params->ipv6_src;
	struct in6_addr *dst = (struct in6_addr *)params->ipv6_dst;
	struct fib6_result res = {};
	struct net_device *dev;
	struct inet6_dev *idev;
	struct flowi6 fl6 = {};
	int strict = 0, oif, err;
	u32 mtu = 0;

	/* Link-local addresses are never forwarded. */
	if (rt6_need_strict(dst) || rt6_need_strict(src))
		return BPF_FIB_LKUP_RET_NOT_FWDED;
	dev = dev_get_by_index_rcu(net, params->ifindex);
	if (unlikely(!dev))
		return -ENODEV;
	idev = __in6_dev_get_safely(dev);
	if (unlikely(!idev || !idev->cnf.forwarding))
		return BPF_FIB_LKUP_RET_FWD_DISABLED;

	if (flags & BPF_FIB_LOOKUP_OUTPUT) {
		fl6.flowi6_iif = LOOPBACK_IFINDEX;
		oif = fl6.flowi6_oif = params->ifindex;
	} else {
		oif = fl6.flowi6_iif = params->ifindex;
		strict = RT6_LOOKUP_F_HAS_SADDR;
	}
	fl6.flowlabel = params->flowinfo;
	fl6.flowi6_proto = params->l4_protocol;
	fl6.daddr = *dst;
	fl6.saddr = *src;
	fl6.fl6_sport = params->sport;
	fl6.fl6_dport = params->dport;

	if (flags & BPF_FIB_LOOKUP_DIRECT) {
		u32 tbid = l3mdev_fib_table_rcu(dev) ? : RT_TABLE_MAIN;
		struct fib6_table *tb;

		if (flags & BPF_FIB_LOOKUP_TBID) {
			tbid = params->tbid;
			params->tbid = 0;	/* the union's vlan fields */
		}
		tb = ipv6_stub->fib6_get_table(net, tbid);
		if (unlikely(!tb))
			return BPF_FIB_LKUP_RET_NOT_FWDED;
		err = ipv6_stub->fib6_table_lookup(net, tb, oif, &fl6, &res,
						   strict);
	} else {
		fl6.flowi6_uid = sock_net_uid(net, NULL);
		err = ipv6_stub->fib6_lookup(net, oif, &fl6, &res, strict);
	}
	if (unlikely(err || IS_ERR_OR_NULL(res.f6i) ||
		     res.f6i == net->ipv6.fib6_null_entry))
		return BPF_FIB_LKUP_RET_NOT_FWDED;

	switch (res.fib6_type) {
	case RTN_UNICAST:	/* the only one forwarded */
		break;
	case RTN_BLACKHOLE:
		return BPF_FIB_LKUP_RET_BLACKHOLE;
	case RTN_UNREACHABLE:
		return BPF_FIB_LKUP_RET_UNREACHABLE;
	case RTN_PROHIBIT:
		return BPF_FIB_LKUP_RET_PROHIBIT;
	default:
		return BPF_FIB_LKUP_RET_NOT_FWDED;
	}
	ipv6_stub->fib6_select_path(net, &res, &fl6, fl6.flowi6_oif,
				    fl6.flowi6_oif != 0, NULL, strict);

	if (check_mtu) {
		mtu = ipv6_stub->ip6_mtu_from_fib6(&res, dst, src);
		if (params->tot_len > mtu) {
			params->mtu_result = mtu;	/* union with tot_len */
			return BPF_FIB_LKUP_RET_FRAG_NEEDED;
		}
	}

	if (res.nh->fib_nh_lws)
		return BPF_FIB_LKUP_RET_UNSUPP_LWT;
	if (res.nh->fib_nh_gw_family)
		*dst = res.nh->fib_nh_gw6;
	dev = res.nh->fib_nh_dev;
	params->rt_metric = res.f6i->fib6_metric;
	params->ifindex = dev->ifindex;
	if (flags & BPF_FIB_LOOKUP_SRC) {
		if (res.f6i->fib6_prefsrc.plen)
			*src = res.f6i->fib6_prefsrc.addr;
		else if (ipv6_dev_get_saddr(net, dev, &fl6.daddr, 0, src))
			return BPF_FIB_LKUP_RET_NO_SRC_ADDR;
	}
	if (flags & BPF_FIB_LOOKUP_SKIP_NEIGH)
		return fwd_params(params, mtu);
	if (!neigh_resolve(dev, true, dst, params->dmac))
		return BPF_FIB_LKUP_RET_NO_NEIGH;
	memcpy(params->smac, dev->dev_addr, ETH_ALEN);
	return fwd_params(params, mtu);
}

static long fib_lookup_family(struct net *net, struct bpf_fib_lookup *params,
			      u32 flags, bool check_mtu)
{
	if (params->family == AF_INET)
		return fib_lookup_v4(net, params, flags, check_mtu);
	return fib_lookup_v6(net, params, flags, check_mtu);
}

/* XDP always checks the MTU, against tot_len (0 passes). */
long kbpf_fib_lookup_xdp(struct xdp_buff *xdp, struct bpf_fib_lookup *params,
			 u32 flags)
{
	return fib_lookup_family(dev_net(xdp->rxq->dev), params, flags, true);
}

/* Without tot_len, tc checks the skb against the output device's MTU. */
long kbpf_fib_lookup_skb(struct sk_buff *skb, struct bpf_fib_lookup *params,
			 u32 flags)
{
	struct net *net = dev_net(skb->dev);
	bool check_mtu = params->tot_len;
	struct net_device *dev;
	long rc;

	rc = fib_lookup_family(net, params, flags, check_mtu);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS || check_mtu)
		return rc;
	/* Gone since the lookup: Linux would not check, kbpf will not oops. */
	dev = dev_get_by_index_rcu(net, params->ifindex);
	if (unlikely(!dev))
		return rc;
	if (!is_skb_forwardable(dev, skb))
		rc = BPF_FIB_LKUP_RET_FRAG_NEEDED;
	params->mtu_result = dev->mtu;	/* union with tot_len */
	return rc;
}
