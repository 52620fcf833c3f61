// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel metadata helpers of sched_cls/act and lwt_xmit programs, as
 * Linux 6.1's: bpf_skb_set_tunnel_key/_opt attach a per-CPU metadata dst
 * (<net/dst_metadata.h>) holding the key a collect_md tunnel device
 * (vxlan, geneve, gre, ipip... in external mode) encapsulates with;
 * bpf_skb_get_tunnel_key/_opt read the one a received packet came with
 * (or the one a program just set).
 *
 * Like Linux, the per-CPU dst is allocated the first time a program
 * asks for a setter (at load, where sleeping is fine); every skb it is
 * set on holds a reference. At unload it is freed once no packet holds
 * it any more (kbpf_tunnel_helpers_exit()).
 */
#include <kbpf/kapi.h>

#include "protos.h"

#define SKB(r)	((struct sk_buff *)(unsigned long)(r))

static struct metadata_dst __percpu *kbpf_md_dst;

#define GET_KEY_FLAGS	(BPF_F_TUNINFO_IPV6 | BPF_F_TUNINFO_FLAGS)
#define SET_KEY_FLAGS	(BPF_F_TUNINFO_IPV6 | BPF_F_ZERO_CSUM_TX | \
			 BPF_F_DONT_FRAGMENT | BPF_F_SEQ_NUMBER)

/*
 * The sizes of struct bpf_tunnel_key older programs were built with
 * (each later field was added at the end), taken as if the missing tail
 * were zero. remote_ipv6[1] is the IPv4-only layout of before IPv6.
 */
static bool tunnel_key_compat_size(u32 size)
{
	switch (size) {
	case offsetof(struct bpf_tunnel_key, remote_ipv6[1]):
	case offsetof(struct bpf_tunnel_key, tunnel_label):
	case offsetof(struct bpf_tunnel_key, tunnel_ext):
	case offsetof(struct bpf_tunnel_key, local_ipv6[0]):
		return true;
	default:
		return false;
	}
}

static unsigned short tunnel_key_af(u64 flags)
{
	return flags & BPF_F_TUNINFO_IPV6 ? AF_INET6 : AF_INET;
}

/*
 * The key of the packet's tunnel metadata in size bytes at r2, for an
 * IPv4 tunnel or with BPF_F_TUNINFO_IPV6 an IPv6 one (else -EPROTO);
 * BPF_F_TUNINFO_FLAGS also gives the tunnel flags. Any error zeroes the
 * buffer.
 */
static u64 kbpf_skb_get_tunnel_key(u64 r1, u64 r2, u64 r3, u64 flags, u64 r5)
{
	const struct ip_tunnel_info *info = skb_tunnel_info(SKB(r1));
	struct bpf_tunnel_key *out = (struct bpf_tunnel_key *)(unsigned long)r2;
	struct bpf_tunnel_key key = {};
	u32 size = r3;
	int err;

	if (unlikely(!info || (flags & ~(u64)GET_KEY_FLAGS))) {
		err = -EINVAL;
		goto err_clear;
	}
	if (ip_tunnel_info_af(info) != tunnel_key_af(flags)) {
		err = -EPROTO;
		goto err_clear;
	}
	err = -EINVAL;
	if (unlikely(size != sizeof(key) && !tunnel_key_compat_size(size)))
		goto err_clear;
	/* The IPv4-only layout has no room for an IPv6 address. */
	if (unlikely(size == offsetof(struct bpf_tunnel_key, remote_ipv6[1]) &&
		     ip_tunnel_info_af(info) != AF_INET))
		goto err_clear;

	key.tunnel_id = be64_to_cpu(info->key.tun_id);
	key.tunnel_tos = info->key.tos;
	key.tunnel_ttl = info->key.ttl;
	if (flags & BPF_F_TUNINFO_FLAGS)
		key.tunnel_flags = info->key.tun_flags;
	if (flags & BPF_F_TUNINFO_IPV6) {
		memcpy(key.remote_ipv6, &info->key.u.ipv6.src,
		       sizeof(key.remote_ipv6));
		memcpy(key.local_ipv6, &info->key.u.ipv6.dst,
		       sizeof(key.local_ipv6));
		key.tunnel_label = be32_to_cpu(info->key.label);
	} else {
		key.remote_ipv4 = be32_to_cpu(info->key.u.ipv4.src);
		key.local_ipv4 = be32_to_cpu(info->key.u.ipv4.dst);
	}
	memcpy(out, &key, size);
	return 0;
err_clear:
	memset(out, 0, size);
	return err;
}

const struct kbpf_func_proto kbpf_skb_get_tunnel_key_proto = {
	.func		= kbpf_skb_get_tunnel_key,
	.name		= "bpf_skb_get_tunnel_key",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_PTR_TO_UNINIT_MEM,
			    KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING },
};

/*
 * The packet's tunnel options (TLVs of geneve, vxlan GBP, erspan) into
 * size bytes, the rest zeroed; returns their length. None: -ENOENT, too
 * many for size: -ENOMEM, the buffer zeroed.
 */
static u64 kbpf_skb_get_tunnel_opt(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const struct ip_tunnel_info *info = skb_tunnel_info(SKB(r1));
	u8 *to = (u8 *)(unsigned long)r2;
	u32 size = r3;
	int err;

	if (unlikely(!info || !(info->key.tun_flags & TUNNEL_OPTIONS_PRESENT))) {
		err = -ENOENT;
		goto err_clear;
	}
	if (unlikely(size < info->options_len)) {
		err = -ENOMEM;
		goto err_clear;
	}
	ip_tunnel_info_opts_get(to, info);
	memset(to + info->options_len, 0, size - info->options_len);
	return info->options_len;
err_clear:
	memset(to, 0, size);
	return err;
}

const struct kbpf_func_proto kbpf_skb_get_tunnel_opt_proto = {
	.func		= kbpf_skb_get_tunnel_opt,
	.name		= "bpf_skb_get_tunnel_opt",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_PTR_TO_UNINIT_MEM,
			    KBPF_ARG_CONST_SIZE },
};

/*
 * This CPU's metadata dst, filled from the key, becomes the packet's dst
 * (dropping the route it had): the collect_md device the packet is then
 * redirected to encapsulates it with this key. The program runs with
 * preemption (or migration) disabled, so the per-CPU dst is not reused
 * under it; the stack copies it (skb_dst_force) if the packet outlives
 * the run.
 */
static u64 kbpf_skb_set_tunnel_key(u64 r1, u64 r2, u64 r3, u64 flags, u64 r5)
{
	struct sk_buff *skb = SKB(r1);
	struct metadata_dst *md = this_cpu_ptr(kbpf_md_dst);
	struct bpf_tunnel_key key = {};
	struct ip_tunnel_info *info;
	u32 size = r3;

	if (unlikely(flags & ~(u64)SET_KEY_FLAGS))
		return -EINVAL;
	if (unlikely(size != sizeof(key) && !tunnel_key_compat_size(size)))
		return -EINVAL;
	memcpy(&key, (const void *)(unsigned long)r2, size);
	if (unlikely((!(flags & BPF_F_TUNINFO_IPV6) && key.tunnel_label) ||
		     key.tunnel_ext))
		return -EINVAL;

	skb_dst_drop(skb);
	dst_hold(&md->dst);
	skb_dst_set(skb, &md->dst);

	info = &md->u.tun_info;
	memset(info, 0, sizeof(*info));
	info->mode = IP_TUNNEL_INFO_TX;
	info->key.tun_flags = TUNNEL_KEY | TUNNEL_NOCACHE;
	if (!(flags & BPF_F_ZERO_CSUM_TX))
		info->key.tun_flags |= TUNNEL_CSUM;
	if (flags & BPF_F_DONT_FRAGMENT)
		info->key.tun_flags |= TUNNEL_DONT_FRAGMENT;
	if (flags & BPF_F_SEQ_NUMBER)
		info->key.tun_flags |= TUNNEL_SEQ;
	info->key.tun_id = cpu_to_be64(key.tunnel_id);
	info->key.tos = key.tunnel_tos;
	info->key.ttl = key.tunnel_ttl;
	if (flags & BPF_F_TUNINFO_IPV6) {
		info->mode |= IP_TUNNEL_INFO_IPV6;
		memcpy(&info->key.u.ipv6.dst, key.remote_ipv6,
		       sizeof(key.remote_ipv6));
		memcpy(&info->key.u.ipv6.src, key.local_ipv6,
		       sizeof(key.local_ipv6));
		info->key.label = cpu_to_be32(key.tunnel_label) &
				  IPV6_FLOWLABEL_MASK;
	} else {
		info->key.u.ipv4.dst = cpu_to_be32(key.remote_ipv4);
		info->key.u.ipv4.src = cpu_to_be32(key.local_ipv4);
		info->key.flow_flags = FLOWI_FLAG_ANYSRC;
	}
	return 0;
}

const struct kbpf_func_proto kbpf_skb_set_tunnel_key_proto = {
	.func		= kbpf_skb_set_tunnel_key,
	.name		= "bpf_skb_set_tunnel_key",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING },
};

/*
 * Options for the key set_tunnel_key just attached (-EINVAL when the
 * packet's metadata is not this CPU's dst, or size is not whole 32-bit
 * words; -ENOMEM past IP_TUNNEL_OPTS_MAX).
 */
static u64 kbpf_skb_set_tunnel_opt(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct ip_tunnel_info *info = skb_tunnel_info(SKB(r1));
	const struct metadata_dst *md = this_cpu_ptr(kbpf_md_dst);
	u32 size = r3;

	if (unlikely(info != &md->u.tun_info || (size & (sizeof(u32) - 1))))
		return -EINVAL;
	if (unlikely(size > IP_TUNNEL_OPTS_MAX))
		return -ENOMEM;
	ip_tunnel_info_opts_set(info, (const void *)(unsigned long)r2, size,
				TUNNEL_OPTIONS_PRESENT);
	return 0;
}

const struct kbpf_func_proto kbpf_skb_set_tunnel_opt_proto = {
	.func		= kbpf_skb_set_tunnel_opt,
	.name		= "bpf_skb_set_tunnel_opt",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX,
			    KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE },
};

/*
 * The setter protos, once the per-CPU dst exists: NULL (the helper is
 * then unknown to the program, as in Linux) when it cannot be allocated.
 */
const struct kbpf_func_proto *kbpf_skb_set_tunnel_proto(u32 func_id)
{
	if (!READ_ONCE(kbpf_md_dst)) {
		struct metadata_dst __percpu *md;

		md = metadata_dst_alloc_percpu(IP_TUNNEL_OPTS_MAX,
					       METADATA_IP_TUNNEL, GFP_KERNEL);
		if (!md)
			return NULL;
		if (cmpxchg(&kbpf_md_dst, NULL, md))
			metadata_dst_free_percpu(md);
	}
	switch (func_id) {
	case BPF_FUNC_skb_set_tunnel_key:
		return &kbpf_skb_set_tunnel_key_proto;
	case BPF_FUNC_skb_set_tunnel_opt:
		return &kbpf_skb_set_tunnel_opt_proto;
	default:
		return NULL;
	}
}

/* How long unload waits for packets still holding the dst (a stuck qdisc). */
#define MD_DST_WAIT_MS	10000

/* Whether some packet still holds a CPU's dst (its own reference is 1). */
static bool md_dst_in_use(struct metadata_dst __percpu *md)
{
	int cpu;

	for_each_possible_cpu(cpu)
		if (atomic_read(&per_cpu_ptr(md, cpu)->dst.__refcnt) > 1)
			return true;
	return false;
}

/*
 * At unload, after every program is gone: packets a program tagged may
 * still be queued on a device, and free the dst's reference when sent.
 * Wait for them; one that never goes keeps the dst alive (leaked, its
 * ops are the kernel's) rather than freed under it.
 */
void kbpf_tunnel_helpers_exit(void)
{
	struct metadata_dst __percpu *md = kbpf_md_dst;
	unsigned int waited = 0;

	if (!md)
		return;
	kbpf_md_dst = NULL;
	while (md_dst_in_use(md) && waited < MD_DST_WAIT_MS) {
		msleep(20);
		waited += 20;
	}
	if (md_dst_in_use(md)) {
		pr_warn("kbpf: tunnel metadata still in use by a packet, not freed\n");
		return;
	}
	metadata_dst_free_percpu(md);
}
