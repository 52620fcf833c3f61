/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of the host <kbpf/kapi.h>: socket buffers, always linear here, and
 * what the core reads of them.
 */
#ifndef KBPF_SHIM_KAPI_SKB_H
#define KBPF_SHIM_KAPI_SKB_H

#include <kbpf/kapi_base.h>
#include <kbpf/kapi_cpu.h>

/* ---- Socket buffers ------------------------------------------------------ */

/* The net_device fields context rewrites load (__sk_buff->ifindex, ...). */
struct net_device {
	int ifindex;
	unsigned int mtu;
	unsigned short hard_header_len;	/* the L2 header bpf_check_mtu adds */
};

struct sock;
struct dst_entry;

/*
 * The sk_buff fields and accessors the shared core reads (legacy packet
 * loads, context rewrites), with the kernel's meaning and types: headers
 * are offsets from head, and a mac_header of ~0 means unset. The layout
 * is not the kernel's; code only ever uses offsetof() and sizeof_field().
 * A host skb is always linear (data_len 0): skb_header_pointer() never
 * copies, so it never uses its buffer.
 */
struct sk_buff {
	struct net_device *dev;
	struct sock *sk;
	s64 tstamp;
	char cb[48] __aligned(8);
	unsigned int len;
	unsigned int data_len;
	u16 queue_mapping;
	u8 __pkt_type_offset[0];
	u8 pkt_type:3;
	u8 __pkt_vlan_present_offset[0];
	u8 vlan_present:1;
	u8 :4;
	u8 mono_delivery_time:1;	/* tstamp is a mono delivery time */
	u8 :1;
	u8 tc_at_ingress:1;
	u16 tc_index;
	u32 priority;
	int skb_iif;
	u32 hash;
	__be16 vlan_proto;
	u16 vlan_tci;
	unsigned int napi_id;
	u32 mark;
	__be16 protocol;
	u8 ip_summed;		/* CHECKSUM_*: what csum holds */
	u8 l4_hash:1;
	u8 sw_hash:1;
	u8 csum_level:2;	/* CHECKSUM_UNNECESSARY: checksums verified - 1 */
	u8 cloned:1;
	struct dst_entry *dst;	/* the kernel's _skb_refdst, always refcounted */
	__wsum csum;
	u16 mac_header;
	u16 network_header;
	u16 mac_len;
	u32 tail;
	unsigned int end;
	unsigned char *head;
	unsigned char *data;
	/* Offsets from head, as the kernel's; ~0 is "not set". */
	u16 transport_header;
	u16 csum_start;
	u16 csum_offset;
	u8 encapsulation:1;
	/* The encapsulated packet's headers, once an outer one is pushed. */
	u16 inner_mac_header;
	u16 inner_network_header;
	u16 inner_transport_header;
	__be16 inner_protocol;
};

/* The host skb has the fields of a kernel with qdiscs (tc_index). */
#define CONFIG_NET_SCHED	1
/* ... and with tc actions (tc_at_ingress). */
#define CONFIG_NET_CLS_ACT	1

/* <linux/skbuff.h>'s bit positions, little-endian bitfields as in x86-64's kernel. */
#define PKT_TYPE_MAX		7
#define PKT_TYPE_OFFSET		offsetof(struct sk_buff, __pkt_type_offset)
#define PKT_VLAN_PRESENT_BIT	0
#define PKT_VLAN_PRESENT_OFFSET	offsetof(struct sk_buff, __pkt_vlan_present_offset)
#define SKB_MONO_DELIVERY_TIME_MASK	(1 << 5)
#define TC_AT_INGRESS_MASK		(1 << 7)

/*
 * <linux/skbuff.h>: what follows an skb's data area, at head + end (end
 * is an offset, as on every 64-bit kernel).
 */
struct skb_shared_hwtstamps {
	union {
		s64 hwtstamp;
		void *netdev_data;
	};
};

struct skb_shared_info {
	u8 flags;
	u8 meta_len;
	u8 nr_frags;
	u8 tx_flags;
	unsigned short gso_size;
	unsigned short gso_segs;
	unsigned int gso_type;
	struct sk_buff *frag_list;
	struct skb_shared_hwtstamps hwtstamps;
};

#define skb_shinfo(SKB)							\
	((struct skb_shared_info *)((SKB)->head + (SKB)->end))
/* <net/sock.h>: a queue_mapping write of this or more is ignored. */
#define NO_QUEUE_MAPPING	USHRT_MAX
/* <net/busy_poll.h>: napi ids below this are sender CPUs, read as 0. */
#define MIN_NAPI_ID		((unsigned int)(NR_CPUS + 1))

/* <net/sch_generic.h>: what the traffic-control layer keeps in skb->cb. */
struct qdisc_skb_cb {
	struct {
		unsigned int pkt_len;
		u16 slave_dev_queue_mapping;
		u16 tc_classid;
	};
	unsigned char data[20];
};

/* Host skbs carry no XDP metadata in front of data. */
static inline u8 skb_metadata_len(const struct sk_buff *skb)
{
	return 0;
}

static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
	return skb->len - skb->data_len;
}

static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->head + skb->tail;
}

static inline unsigned char *skb_network_header(const struct sk_buff *skb)
{
	return skb->head + skb->network_header;
}

static inline int skb_mac_header_was_set(const struct sk_buff *skb)
{
	return skb->mac_header != (u16)~0U;
}

static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
	return skb->head + skb->mac_header;
}

static inline void *skb_header_pointer(const struct sk_buff *skb, int offset,
				       int len, void *buffer)
{
	if ((int)skb_headlen(skb) - offset >= len)
		return skb->data + offset;
	return NULL;
}

/*
 * Host skbs are linear and never shared: the first len bytes are already
 * writable, past them there is nothing to pull.
 */
static inline int skb_ensure_writable(struct sk_buff *skb, unsigned int len)
{
	return len <= skb_headlen(skb) ? 0 : -ENOMEM;
}

/* <net/cls_cgroup.h>: a host task is in no net_cls cgroup. */
static inline u32 task_get_classid(const struct sk_buff *skb)
{
	return 0;
}

static inline void skb_clear_hash(struct sk_buff *skb)
{
	skb->hash = 0;
	skb->sw_hash = 0;
	skb->l4_hash = 0;
}

/*
 * <linux/skbuff.h>: the packet's flow hash, computed when it has none.
 * The host has no flow dissector: its stand-in hashes the linear bytes
 * (FNV-1a) and records the result as a software hash, as Linux records
 * the dissector's.
 */
static inline u32 skb_get_hash(struct sk_buff *skb)
{
	u32 h = 2166136261u, i;

	if (skb->l4_hash || skb->sw_hash)
		return skb->hash;
	for (i = 0; i < skb->len; i++)
		h = (h ^ skb->data[i]) * 16777619u;
	skb->hash = h;
	skb->sw_hash = 1;
	return h;
}

#endif /* KBPF_SHIM_KAPI_SKB_H */
