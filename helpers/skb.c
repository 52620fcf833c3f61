// SPDX-License-Identifier: GPL-2.0
/*
 * Packet helpers. The context of socket filter, cgroup_skb, sched_cls/act
 * and sk_skb programs is the struct sk_buff itself (ctx_access.h), so R1
 * is the skb.
 *
 * The writers (skb_store_bytes, l3/l4_csum_replace) may reallocate the
 * head to make it writable: the verifier drops every packet pointer after
 * them (changes_pkt_data() in verifier/helper_call.c) and they recompute
 * the data/data_end the context rewrites read, as Linux's
 * bpf_try_make_writable() does. sk_skb's skb_store_bytes leaves skb->cb
 * alone instead: there it is the stream parser's, and sk_skb's rewrite
 * computes data_end on every read (sk_skb_data_end() in verifier/ctx_skb.c).
 *
 * Not here: get_socket_cookie (the cookie generator __sock_gen_cookie is
 * not exported, and a cookie of kbpf's own would collide with Linux's);
 * get_socket_uid and skb_cgroup_id are socket helpers (sock.c).
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "protos.h"

/* Bytes of the packet, linear or not; on failure to zeroed and -EFAULT. */
static u64 kbpf_skb_load_bytes(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const struct sk_buff *skb = (const struct sk_buff *)(unsigned long)r1;
	void *to = (void *)(unsigned long)r3;
	u32 offset = r2, len = r4;
	void *ptr;

	if (unlikely(offset > INT_MAX))
		goto err_clear;
	ptr = skb_header_pointer(skb, offset, len, to);
	if (unlikely(!ptr))
		goto err_clear;
	if (ptr != to)
		memcpy(to, ptr, len);
	return 0;
err_clear:
	memset(to, 0, len);
	return -EFAULT;
}

const struct kbpf_func_proto kbpf_skb_load_bytes_proto = {
	.func		= kbpf_skb_load_bytes,
	.name		= "bpf_skb_load_bytes",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE },
};

/*
 * Bytes at an offset from the mac or the network header, in the linear
 * part only (Linux reads up to the tail, never the fragments); offsets
 * past 64 KiB, an unset mac header or another start: zeroed and -EFAULT.
 */
static u64 kbpf_skb_load_bytes_relative(u64 r1, u64 r2, u64 r3, u64 r4,
					u64 r5)
{
	const struct sk_buff *skb = (const struct sk_buff *)(unsigned long)r1;
	void *to = (void *)(unsigned long)r3;
	u32 offset = r2, len = r4;
	const u8 *start;

	if (unlikely(offset > 0xffff))
		goto err_clear;
	switch ((u32)r5) {
	case BPF_HDR_START_MAC:
		if (unlikely(!skb_mac_header_was_set(skb)))
			goto err_clear;
		start = skb_mac_header(skb);
		break;
	case BPF_HDR_START_NET:
		start = skb_network_header(skb);
		break;
	default:
		goto err_clear;
	}
	if (likely(start + offset + len <= skb_tail_pointer(skb))) {
		memcpy(to, start + offset, len);
		return 0;
	}
err_clear:
	memset(to, 0, len);
	return -EFAULT;
}

const struct kbpf_func_proto kbpf_skb_load_bytes_relative_proto = {
	.func		= kbpf_skb_load_bytes_relative,
	.name		= "bpf_skb_load_bytes_relative",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE,
			    KBPF_ARG_ANYTHING },
};

/* Linux's scratch area for csum_diff: MAX_BPF_STACK bytes of words. */
#define CSUM_DIFF_MAX	512

/*
 * The ones' complement sum of ~from[] and to[] (32-bit words), plus seed,
 * as the x86-64 csum_partial() Linux calls returns it: the words added
 * with end-around carry and folded to 32 bits. Computed here directly,
 * without the scratch buffer Linux copies into, and with the same result
 * in the kernel and in the host build.
 */
static u64 kbpf_csum_diff(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const u32 *from = (const u32 *)(unsigned long)r1;
	const u32 *to = (const u32 *)(unsigned long)r3;
	u32 from_size = r2, to_size = r4;
	u64 sum = (u32)r5;
	u32 i;

	if (unlikely(((from_size | to_size) & (sizeof(u32) - 1)) ||
		     (u64)from_size + to_size > CSUM_DIFF_MAX))
		return -EINVAL;
	for (i = 0; i < from_size / sizeof(u32); i++)
		sum += (u32)~from[i];
	for (i = 0; i < to_size / sizeof(u32); i++)
		sum += to[i];
	while (sum >> 32)
		sum = (sum & 0xffffffff) + (sum >> 32);
	return sum;
}

const struct kbpf_func_proto kbpf_csum_diff_proto = {
	.func		= kbpf_csum_diff,
	.name		= "bpf_csum_diff",
	.gpl_only	= false,
	.pkt_access	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL |
			    KBPF_MEM_RDONLY, KBPF_ARG_CONST_SIZE_OR_ZERO,
			    KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL |
			    KBPF_MEM_RDONLY, KBPF_ARG_CONST_SIZE_OR_ZERO,
			    KBPF_ARG_ANYTHING },
};

/*
 * The net_cls classid of the packet: the current task's, or in softirq
 * context the one of the packet's socket (<net/cls_cgroup.h>). 0 when the
 * kernel has no net_cls controller.
 */
static u64 kbpf_get_cgroup_classid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return task_get_classid((const struct sk_buff *)(unsigned long)r1);
}

const struct kbpf_func_proto kbpf_get_cgroup_classid_proto = {
	.func		= kbpf_get_cgroup_classid,
	.name		= "bpf_get_cgroup_classid",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};

/*
 * The packet's flow hash, computed by the flow dissector first when it
 * has none (or a program's writes cleared it); later reads of
 * __sk_buff.hash then see it.
 */
static u64 kbpf_get_hash_recalc(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return skb_get_hash((struct sk_buff *)(unsigned long)r1);
}

const struct kbpf_func_proto kbpf_get_hash_recalc_proto = {
	.func		= kbpf_get_hash_recalc,
	.name		= "bpf_get_hash_recalc",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};

/* The first write_len bytes of the head private and writable. */
static int skb_make_writable(struct sk_buff *skb, u32 write_len)
{
	int err = skb_ensure_writable(skb, write_len);

	kbpf_skb_compute_data_pointers(skb);
	return err;
}

#define STORE_BYTES_FLAGS	(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)

/*
 * Linux's bpf_skb_store_bytes() less the data pointers: the tc/lwt
 * variant recomputes those in skb->cb afterwards, sk_skb's must not
 * write skb->cb (the stream parser's; see skb_change.c).
 */
static int store_bytes(struct sk_buff *skb, u32 offset, const void *from,
		       u32 len, u64 flags)
{
	void *ptr;

	if (unlikely(flags & ~(u64)STORE_BYTES_FLAGS))
		return -EINVAL;
	if (unlikely(offset > INT_MAX))
		return -EFAULT;
	if (unlikely(skb_ensure_writable(skb, offset + len)))
		return -EFAULT;
	ptr = skb->data + offset;
	/* A CHECKSUM_COMPLETE sum loses the old bytes and gains the new. */
	if (flags & BPF_F_RECOMPUTE_CSUM)
		__skb_postpull_rcsum(skb, ptr, len, offset);
	memcpy(ptr, from, len);
	if (flags & BPF_F_RECOMPUTE_CSUM)
		__skb_postpush_rcsum(skb, ptr, len, offset);
	if (flags & BPF_F_INVALIDATE_HASH)
		skb_clear_hash(skb);
	return 0;
}

static u64 kbpf_skb_store_bytes(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct sk_buff *skb = (struct sk_buff *)(unsigned long)r1;
	int ret = store_bytes(skb, r2, (const void *)(unsigned long)r3, r4, r5);

	kbpf_skb_compute_data_pointers(skb);
	return ret;
}

/* sk_skb's: data_end is computed by the context rewrite itself. */
static u64 kbpf_sk_skb_store_bytes(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return store_bytes((struct sk_buff *)(unsigned long)r1, r2,
			   (const void *)(unsigned long)r3, r4, r5);
}

const struct kbpf_func_proto kbpf_skb_store_bytes_proto = {
	.func		= kbpf_skb_store_bytes,
	.name		= "bpf_skb_store_bytes",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING },
};

const struct kbpf_func_proto kbpf_sk_skb_store_bytes_proto = {
	.func		= kbpf_sk_skb_store_bytes,
	.name		= "bpf_skb_store_bytes",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING },
};

/*
 * The 16-bit checksum field at offset, made writable. Linux's limits: a
 * checksum sits in the first 64 KiB, on an even offset.
 */
static __sum16 *csum_field(struct sk_buff *skb, u32 offset)
{
	if (unlikely(offset > 0xffff || (offset & 1)))
		return NULL;
	if (unlikely(skb_make_writable(skb, offset + sizeof(__sum16))))
		return NULL;
	return (__sum16 *)(skb->data + offset);
}

/*
 * An IP header checksum updated for a field changing from "from" to "to":
 * the low flag bits give the field's size (2 or 4), or 0 when "to" already
 * is the checksum difference (from csum_diff) and "from" must be 0.
 */
static u64 kbpf_l3_csum_replace(u64 r1, u64 r2, u64 from, u64 to, u64 flags)
{
	struct sk_buff *skb = (struct sk_buff *)(unsigned long)r1;
	__sum16 *sum;

	if (unlikely(flags & ~(u64)BPF_F_HDR_FIELD_MASK))
		return -EINVAL;
	sum = csum_field(skb, r2);
	if (!sum)
		return -EFAULT;
	switch (flags & BPF_F_HDR_FIELD_MASK) {
	case 0:
		if (unlikely(from))
			return -EINVAL;
		csum_replace_by_diff(sum, (__force __wsum)to);
		return 0;
	case 2:
		csum_replace2(sum, (__force __be16)from, (__force __be16)to);
		return 0;
	case 4:
		csum_replace4(sum, (__force __be32)from, (__force __be32)to);
		return 0;
	default:
		return -EINVAL;
	}
}

const struct kbpf_func_proto kbpf_l3_csum_replace_proto = {
	.func		= kbpf_l3_csum_replace,
	.name		= "bpf_l3_csum_replace",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};

#define L4_CSUM_FLAGS	(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | \
			 BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK | BPF_F_IPV6)

/*
 * The same for a TCP/UDP checksum, which also covers the pseudo header
 * (BPF_F_PSEUDO_HDR: the field is an address, so CHECKSUM_COMPLETE sums
 * change too). UDP's "no checksum" 0 stays 0 with BPF_F_MARK_MANGLED_0,
 * and a result of 0 is written as CSUM_MANGLED_0 (0xffff) instead.
 * BPF_F_IPV6 (in Debian's 6.1 too): an IPv6 CHECKSUM_COMPLETE sum already
 * covers no pseudo header, so a csum_diff change leaves it alone.
 */
static u64 kbpf_l4_csum_replace(u64 r1, u64 r2, u64 from, u64 to, u64 flags)
{
	struct sk_buff *skb = (struct sk_buff *)(unsigned long)r1;
	bool pseudo = flags & BPF_F_PSEUDO_HDR;
	bool mangled_0 = flags & BPF_F_MARK_MANGLED_0;
	bool enforce = flags & BPF_F_MARK_ENFORCE;
	bool ipv6 = flags & BPF_F_IPV6;
	__sum16 *sum;

	if (unlikely(flags & ~(u64)L4_CSUM_FLAGS))
		return -EINVAL;
	sum = csum_field(skb, r2);
	if (!sum)
		return -EFAULT;
	if (mangled_0 && !enforce && !*sum)
		return 0;
	switch (flags & BPF_F_HDR_FIELD_MASK) {
	case 0:
		if (unlikely(from))
			return -EINVAL;
		inet_proto_csum_replace_by_diff(sum, skb, (__force __wsum)to,
						pseudo, ipv6);
		break;
	case 2:
		inet_proto_csum_replace2(sum, skb, (__force __be16)from,
					 (__force __be16)to, pseudo);
		break;
	case 4:
		inet_proto_csum_replace4(sum, skb, (__force __be32)from,
					 (__force __be32)to, pseudo);
		break;
	default:
		return -EINVAL;
	}
	if (mangled_0 && !*sum)
		*sum = CSUM_MANGLED_0;
	return 0;
}

const struct kbpf_func_proto kbpf_l4_csum_replace_proto = {
	.func		= kbpf_l4_csum_replace,
	.name		= "bpf_l4_csum_replace",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING,
			    KBPF_ARG_ANYTHING },
};
