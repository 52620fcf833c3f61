// SPDX-License-Identifier: GPL-2.0
/*
 * helpers/tunnel.c on host sk_buffs: the key and options set on the
 * per-CPU metadata dst, read back whole and through the old struct sizes,
 * the references packets hold, Linux 6.1's errnos. The same helpers run
 * against Linux in tests/guest/prog_skb_tunnel.c.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include "../../helpers/protos.h"
#include "ktest.h"

#define U(p)	((u64)(unsigned long)(p))
#define L(x)	((long)(x))
#define KEY_V4	offsetof(struct bpf_tunnel_key, remote_ipv6[1])

static const struct kbpf_func_proto *set_key, *set_opt;

static void get_setters(void)
{
	set_key = kbpf_skb_set_tunnel_proto(BPF_FUNC_skb_set_tunnel_key);
	set_opt = kbpf_skb_set_tunnel_proto(BPF_FUNC_skb_set_tunnel_opt);
}

static u64 get_key(struct sk_buff *skb, struct bpf_tunnel_key *k, u32 size,
		   u64 flags)
{
	return kbpf_skb_get_tunnel_key_proto.func(U(skb), U(k), size, flags, 0);
}

TEST(helper_tunnel_key_ipv4)
{
	struct bpf_tunnel_key k = { .tunnel_id = 42, .remote_ipv4 = 0x0a000002,
				    .tunnel_tos = 0x10, .tunnel_ttl = 64,
				    .local_ipv4 = 0x0a000001 };
	struct bpf_tunnel_key out;
	struct ip_tunnel_info *info;
	struct sk_buff skb = {};
	unsigned char zero[sizeof(out)] = { 0 };

	get_setters();
	EXPECT_TRUE(set_key && set_opt);
	/* No metadata yet: -EINVAL and a zeroed buffer. */
	memset(&out, 0xaa, sizeof(out));
	EXPECT_EQ(L(get_key(&skb, &out, sizeof(out), 0)), -EINVAL);
	EXPECT_TRUE(!memcmp(&out, zero, sizeof(out)));

	EXPECT_EQ(set_key->func(U(&skb), U(&k), sizeof(k), BPF_F_DONT_FRAGMENT, 0), 0);
	info = skb_tunnel_info(&skb);
	EXPECT_TRUE(info != NULL);
	EXPECT_EQ(info->mode, IP_TUNNEL_INFO_TX);
	EXPECT_EQ(info->key.tun_id, cpu_to_be64(42));
	EXPECT_EQ(info->key.u.ipv4.dst, cpu_to_be32(0x0a000002));
	EXPECT_EQ(info->key.u.ipv4.src, cpu_to_be32(0x0a000001));
	EXPECT_EQ(info->key.tun_flags, TUNNEL_KEY | TUNNEL_CSUM | TUNNEL_NOCACHE |
				       TUNNEL_DONT_FRAGMENT);
	EXPECT_EQ(info->key.flow_flags, FLOWI_FLAG_ANYSRC);
	/* The packet holds a reference besides the dst's own. */
	EXPECT_EQ(atomic_read(&skb.dst->__refcnt), 2);

	/* Read back as the metadata says: src is the remote end on receive. */
	memset(&out, 0xaa, sizeof(out));
	EXPECT_EQ(get_key(&skb, &out, sizeof(out), 0), 0);
	EXPECT_EQ(out.tunnel_id, 42);
	EXPECT_EQ(out.remote_ipv4, 0x0a000001);
	EXPECT_EQ(out.local_ipv4, 0x0a000002);
	EXPECT_EQ(out.tunnel_tos, 0x10);
	EXPECT_EQ(out.tunnel_ttl, 64);
	EXPECT_EQ(out.tunnel_ext, 0);
	EXPECT_EQ(out.remote_ipv6[1], 0);
	EXPECT_EQ(get_key(&skb, &out, sizeof(out), BPF_F_TUNINFO_FLAGS), 0);
	EXPECT_EQ(out.tunnel_flags, info->key.tun_flags);
	/* The old sizes get their prefix; others and an IPv6 read do not. */
	memset(&out, 0xaa, sizeof(out));
	EXPECT_EQ(get_key(&skb, &out, KEY_V4, 0), 0);
	EXPECT_EQ(out.tunnel_id, 42);
	EXPECT_EQ(out.remote_ipv4, 0x0a000001);
	EXPECT_EQ(((u8 *)&out)[KEY_V4], 0xaa);
	EXPECT_EQ(get_key(&skb, &out, offsetof(struct bpf_tunnel_key, tunnel_label), 0), 0);
	EXPECT_EQ(L(get_key(&skb, &out, 12, 0)), -EINVAL);
	EXPECT_EQ(L(get_key(&skb, &out, sizeof(out), BPF_F_TUNINFO_IPV6)), -EPROTO);
	EXPECT_EQ(L(get_key(&skb, &out, sizeof(out), 1ULL << 5)), -EINVAL);
	/* BPF_F_ZERO_CSUM_TX, sequence numbers; replacing keeps one reference. */
	EXPECT_EQ(set_key->func(U(&skb), U(&k), sizeof(k),
				BPF_F_ZERO_CSUM_TX | BPF_F_SEQ_NUMBER, 0), 0);
	EXPECT_EQ(info->key.tun_flags, TUNNEL_KEY | TUNNEL_NOCACHE | TUNNEL_SEQ);
	EXPECT_EQ(atomic_read(&skb.dst->__refcnt), 2);
	skb_dst_drop(&skb);
	EXPECT_TRUE(skb_tunnel_info(&skb) == NULL);
}

TEST(helper_tunnel_key_refused)
{
	struct bpf_tunnel_key k = { .tunnel_id = 1 };
	struct sk_buff skb = {};

	get_setters();
	EXPECT_EQ(L(set_key->func(U(&skb), U(&k), sizeof(k), 1ULL << 4, 0)), -EINVAL);
	EXPECT_EQ(L(set_key->func(U(&skb), U(&k), 13, 0, 0)), -EINVAL);
	/* A flow label is IPv6's; tunnel_ext must be 0. */
	k.tunnel_label = 5;
	EXPECT_EQ(L(set_key->func(U(&skb), U(&k), sizeof(k), 0, 0)), -EINVAL);
	k.tunnel_label = 0;
	k.tunnel_ext = 1;
	EXPECT_EQ(L(set_key->func(U(&skb), U(&k), sizeof(k), 0, 0)), -EINVAL);
	EXPECT_TRUE(skb.dst == NULL);
	/* An old size: the missing tail (tunnel_ext among it) reads as 0. */
	EXPECT_EQ(set_key->func(U(&skb), U(&k),
				offsetof(struct bpf_tunnel_key, tunnel_ext), 0, 0), 0);
	skb_dst_drop(&skb);
}

TEST(helper_tunnel_key_ipv6)
{
	struct bpf_tunnel_key k = { .tunnel_id = 7, .tunnel_label = 0xfff12345,
				    .remote_ipv6 = { 1, 2, 3, 4 },
				    .local_ipv6 = { 5, 6, 7, 8 } };
	struct bpf_tunnel_key out;
	struct sk_buff skb = {};

	get_setters();
	EXPECT_EQ(set_key->func(U(&skb), U(&k), sizeof(k), BPF_F_TUNINFO_IPV6, 0), 0);
	EXPECT_EQ(skb_tunnel_info(&skb)->mode, IP_TUNNEL_INFO_TX | IP_TUNNEL_INFO_IPV6);
	EXPECT_EQ(L(get_key(&skb, &out, sizeof(out), 0)), -EPROTO);
	EXPECT_EQ(get_key(&skb, &out, sizeof(out), BPF_F_TUNINFO_IPV6), 0);
	EXPECT_EQ(out.remote_ipv6[0], 5);
	EXPECT_EQ(out.local_ipv6[3], 4);
	EXPECT_EQ(out.tunnel_label, 0x12345);	/* the 20 bits of a label */
	EXPECT_EQ(L(get_key(&skb, &out, KEY_V4, BPF_F_TUNINFO_IPV6)), -EINVAL);
	skb_dst_drop(&skb);
}

TEST(helper_tunnel_opt)
{
	const struct kbpf_func_proto *get = &kbpf_skb_get_tunnel_opt_proto;
	struct bpf_tunnel_key k = { .tunnel_id = 3 };
	u8 opts[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[12];
	struct sk_buff skb = {};

	get_setters();
	memset(out, 0xaa, sizeof(out));
	EXPECT_EQ(L(get->func(U(&skb), U(out), sizeof(out), 0, 0)), -ENOENT);
	EXPECT_EQ(out[0], 0);
	/* Options need this CPU's key first. */
	EXPECT_EQ(L(set_opt->func(U(&skb), U(opts), 8, 0, 0)), -EINVAL);
	EXPECT_EQ(set_key->func(U(&skb), U(&k), sizeof(k), 0, 0), 0);
	EXPECT_EQ(L(get->func(U(&skb), U(out), sizeof(out), 0, 0)), -ENOENT);
	EXPECT_EQ(L(set_opt->func(U(&skb), U(opts), 6, 0, 0)), -EINVAL);
	EXPECT_EQ(set_opt->func(U(&skb), U(opts), 8, 0, 0), 0);
	EXPECT_TRUE(skb_tunnel_info(&skb)->key.tun_flags & TUNNEL_OPTIONS_PRESENT);
	memset(out, 0xaa, sizeof(out));
	EXPECT_EQ(get->func(U(&skb), U(out), sizeof(out), 0, 0), 8);
	EXPECT_TRUE(!memcmp(out, opts, 8));
	EXPECT_TRUE(!memchr_inv(out + 8, 0, 4));
	memset(out, 0xaa, sizeof(out));
	EXPECT_EQ(L(get->func(U(&skb), U(out), 4, 0, 0)), -ENOMEM);
	EXPECT_TRUE(!memchr_inv(out, 0, 4));
	EXPECT_EQ(out[4], 0xaa);
	/* A new key drops the options. */
	EXPECT_EQ(set_key->func(U(&skb), U(&k), sizeof(k), 0, 0), 0);
	EXPECT_EQ(L(get->func(U(&skb), U(out), sizeof(out), 0, 0)), -ENOENT);
	skb_dst_drop(&skb);
}
