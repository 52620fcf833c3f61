// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN on a struct sk_buff, for socket filters, tc (sched_cls,
 * sched_act) and cgroup_skb programs, as Linux builds it: data_in is an
 * Ethernet frame; the skb belongs to a dummy socket whose addresses come
 * from the IP header, arrives on the loopback device (or ctx_in's
 * ifindex), and starts at the network header except for tc programs,
 * which see the Ethernet header too and whose data/data_end are kept in
 * skb->cb (struct bpf_skb_data_end) for direct packet access. ctx_in and
 * ctx_out are a struct __sk_buff of which Linux lets a caller set only
 * some fields; the rest must be zero.
 */
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/checksum.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sch_generic.h>
#include <net/sock.h>
#include <uapi/linux/bpf.h>

/*
 * Not kmod/kbpf.h: <linux/filter.h> (for struct bpf_skb_data_end) and
 * kbpf's own instruction macros cannot meet in one file.
 */
#include "test_run.h"

static struct proto kbpf_test_proto = {
	.name = "kbpf_test",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct sock),
};

/* No non-zero byte in [from, to) of buf. */
static bool zero_between(const void *buf, size_t from, size_t to)
{
	return !memchr_inv((const u8 *)buf + from, 0, to - from);
}

#define SKB_FIELD_END(f) offsetofend(struct __sk_buff, f)
#define SKB_FIELD(f) offsetof(struct __sk_buff, f)

/* The fields of struct __sk_buff a caller may set; everything else must be zero. */
static bool ctx_only_settable(const struct __sk_buff *c)
{
	return zero_between(c, 0, SKB_FIELD(mark)) &&
	       zero_between(c, SKB_FIELD_END(mark), SKB_FIELD(priority)) &&
	       /* priority, ingress_ifindex, ifindex */
	       zero_between(c, SKB_FIELD_END(ifindex), SKB_FIELD(cb)) &&
	       zero_between(c, SKB_FIELD_END(cb), SKB_FIELD(tstamp)) &&
	       /* tstamp, wire_len, gso_segs */
	       zero_between(c, SKB_FIELD_END(gso_segs), SKB_FIELD(gso_size)) &&
	       zero_between(c, SKB_FIELD_END(gso_size), SKB_FIELD(hwtstamp)) &&
	       zero_between(c, SKB_FIELD_END(hwtstamp), sizeof(*c));
}

static int ctx_to_skb(struct sk_buff *skb, const struct __sk_buff *c)
{
	struct qdisc_skb_cb *cb = (struct qdisc_skb_cb *)skb->cb;

	if (!c)
		return 0;
	if (!ctx_only_settable(c))
		return -EINVAL;
	skb->mark = c->mark;
	skb->priority = c->priority;
	skb->skb_iif = c->ingress_ifindex;
	skb->tstamp = c->tstamp;
	memcpy(cb->data, c->cb, sizeof(c->cb));
	if (!c->wire_len) {
		cb->pkt_len = skb->len;
	} else {
		if (c->wire_len < skb->len || c->wire_len > GSO_LEGACY_MAX_SIZE)
			return -EINVAL;
		cb->pkt_len = c->wire_len;
	}
	if (c->gso_segs > GSO_MAX_SEGS)
		return -EINVAL;
	skb_shinfo(skb)->gso_segs = c->gso_segs;
	skb_shinfo(skb)->gso_size = c->gso_size;
	skb_shinfo(skb)->hwtstamps.hwtstamp = c->hwtstamp;
	return 0;
}

static void skb_to_ctx(const struct sk_buff *skb, struct __sk_buff *c)
{
	const struct qdisc_skb_cb *cb = (const struct qdisc_skb_cb *)skb->cb;

	if (!c)
		return;
	c->mark = skb->mark;
	c->priority = skb->priority;
	c->ingress_ifindex = skb->skb_iif;
	c->ifindex = skb->dev->ifindex;
	c->tstamp = skb->tstamp;
	memcpy(c->cb, cb->data, sizeof(c->cb));
	c->wire_len = cb->pkt_len;
	c->gso_segs = skb_shinfo(skb)->gso_segs;
	c->hwtstamp = skb_shinfo(skb)->hwtstamps.hwtstamp;
}

/* The dummy socket takes the packet's addresses, as Linux's does. */
static int skb_set_sock_addrs(struct sk_buff *skb, struct sock *sk)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		if (skb_headlen(skb) < sizeof(struct iphdr))
			return -EINVAL;
		sk->sk_family = AF_INET;
		sk->sk_rcv_saddr = ip_hdr(skb)->saddr;
		sk->sk_daddr = ip_hdr(skb)->daddr;
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case htons(ETH_P_IPV6):
		if (skb_headlen(skb) < sizeof(struct ipv6hdr))
			return -EINVAL;
		sk->sk_family = AF_INET6;
		sk->sk_v6_rcv_saddr = ipv6_hdr(skb)->saddr;
		sk->sk_v6_daddr = ipv6_hdr(skb)->daddr;
		break;
#endif
	}
	return 0;
}

static int skb_checksum_matches(struct sk_buff *skb)
{
	int off = skb_network_offset(skb);
	__wsum csum = skb_checksum(skb, off, skb->len - off, 0);

	return csum_fold(skb->csum) == csum_fold(csum) ? 0 : -EBADMSG;
}

int kbpf_test_run_skb(const struct kbpf_prog *prog, u32 prog_type,
		      const union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct net *net = current->nsproxy->net_ns;
	struct net_device *dev = net->loopback_dev;
	bool csum_complete = attr->test.flags & BPF_F_TEST_SKB_CHECKSUM_COMPLETE;
	u32 size = attr->test.data_size_in, retval = 0, duration = 0;
	bool is_l2 = prog_type == BPF_PROG_TYPE_SCHED_CLS ||
		     prog_type == BPF_PROG_TYPE_SCHED_ACT;
	struct __sk_buff *ctx;
	struct sk_buff *skb;
	struct sock *sk;
	void *data;
	int err;

	if ((attr->test.flags & ~BPF_F_TEST_SKB_CHECKSUM_COMPLETE) ||
	    attr->test.cpu || attr->test.batch_size)
		return -EINVAL;
	if (size < ETH_HLEN)
		return -EINVAL;

	data = kbpf_test_data_init(attr, size, size, NET_SKB_PAD + NET_IP_ALIGN,
				   SKB_DATA_ALIGN(sizeof(struct skb_shared_info)));
	if (IS_ERR(data))
		return PTR_ERR(data);
	ctx = kbpf_test_ctx_init(attr, sizeof(*ctx));
	if (IS_ERR(ctx)) {
		kfree(data);
		return PTR_ERR(ctx);
	}

	sk = sk_alloc(net, AF_UNSPEC, GFP_USER, &kbpf_test_proto, 1);
	if (!sk) {
		kfree(data);
		kfree(ctx);
		return -ENOMEM;
	}
	sock_init_data(NULL, sk);

	skb = build_skb(data, 0);
	if (!skb) {
		kfree(data);
		kfree(ctx);
		sk_free(sk);
		return -ENOMEM;
	}
	skb->sk = sk;
	skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	__skb_put(skb, size);

	if (ctx && ctx->ifindex > 1) {
		dev = dev_get_by_index(net, ctx->ifindex);
		if (!dev) {
			err = -ENODEV;
			goto out;
		}
	}
	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);
	err = skb_set_sock_addrs(skb, sk);
	if (err)
		goto out;

	if (is_l2)
		__skb_push(skb, ETH_HLEN);
	if (is_l2)
		bpf_compute_data_pointers(skb);

	err = ctx_to_skb(skb, ctx);
	if (err)
		goto out;

	if (csum_complete) {
		int off = skb_network_offset(skb);

		skb->csum = skb_checksum(skb, off, skb->len - off, 0);
		skb->ip_summed = CHECKSUM_COMPLETE;
	}

	err = kbpf_test_run_repeat(prog, skb, attr->test.repeat, &retval,
				   &duration);
	if (err)
		goto out;

	/* data_out is the whole frame: give back the Ethernet header. */
	if (!is_l2) {
		if (skb_headroom(skb) < ETH_HLEN &&
		    pskb_expand_head(skb, HH_DATA_ALIGN(ETH_HLEN - skb_headroom(skb)),
				     0, GFP_USER)) {
			err = -ENOMEM;
			goto out;
		}
		memset(__skb_push(skb, ETH_HLEN), 0, ETH_HLEN);
	}
	if (csum_complete) {
		err = skb_checksum_matches(skb);
		if (err)
			goto out;
	}

	skb_to_ctx(skb, ctx);
	err = kbpf_test_finish(attr, uattr, skb->data, skb_headlen(skb), retval,
			       duration);
	if (!err)
		err = kbpf_test_ctx_finish(attr, uattr, ctx, sizeof(*ctx));
out:
	if (dev && dev != net->loopback_dev)
		dev_put(dev);
	kfree_skb(skb);
	sk_free(sk);
	kfree(ctx);
	return err;
}
