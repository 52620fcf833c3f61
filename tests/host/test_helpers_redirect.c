// SPDX-License-Identifier: GPL-2.0
/*
 * helpers/redirect.c with kbpf's helper ABI: the verdicts of Linux 6.1's
 * bpf_redirect (tc and XDP variants), bpf_redirect_neigh and
 * bpf_redirect_peer, and the per-CPU record they leave for the hook.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include "../../helpers/protos.h"
#include "../../helpers/redirect.h"
#include "ktest.h"

#define U(p)	((u64)(unsigned long)(p))

static long call(const struct kbpf_func_proto *p, u64 r1, u64 r2, u64 r3,
		 u64 r4)
{
	return (long)p->func(r1, r2, r3, r4, 0);
}

/* A record no helper call leaves, to see which fields a call changes. */
static void poison(struct kbpf_redirect_info *ri)
{
	memset(ri, 0xa5, sizeof(*ri));
}

TEST(helper_redirect_tc)
{
	const struct kbpf_func_proto *p = &kbpf_redirect_proto;
	struct kbpf_redirect_info *ri;

	ASSERT_EQ(kbpf_helpers_init(), 0);
	ri = kbpf_this_redirect_info();
	poison(ri);
	EXPECT_EQ(call(p, 7, 0, 0, 0), TC_ACT_REDIRECT);
	EXPECT_EQ(ri->tgt_index, 7);
	EXPECT_EQ(ri->flags, 0);
	EXPECT_EQ(call(p, 3, BPF_F_INGRESS, 0, 0), TC_ACT_REDIRECT);
	EXPECT_EQ(ri->tgt_index, 3);
	EXPECT_EQ(ri->flags, BPF_F_INGRESS);
	/* Any other flag, the internal ones too, drops and records nothing. */
	EXPECT_EQ(call(p, 9, 2, 0, 0), TC_ACT_SHOT);
	EXPECT_EQ(call(p, 9, BPF_F_INGRESS | KBPF_REDIRECT_F_PEER, 0, 0),
		  TC_ACT_SHOT);
	EXPECT_EQ(call(p, 9, KBPF_REDIRECT_F_NEIGH, 0, 0), TC_ACT_SHOT);
	EXPECT_EQ(call(p, 9, 1ULL << 63, 0, 0), TC_ACT_SHOT);
	EXPECT_EQ(ri->tgt_index, 3);
	EXPECT_EQ(ri->flags, BPF_F_INGRESS);
	/* The ifindex is the low 32 bits of r1, as Linux's u32 argument. */
	EXPECT_EQ(call(p, (1ULL << 32) | 5, 0, 0, 0), TC_ACT_REDIRECT);
	EXPECT_EQ(ri->tgt_index, 5);
	kbpf_helpers_exit();
}

TEST(helper_redirect_per_cpu)
{
	const struct kbpf_func_proto *p = &kbpf_redirect_proto;

	ASSERT_EQ(kbpf_helpers_init(), 0);
	kbpf_shim_set_cpu(1);
	EXPECT_EQ(call(p, 11, 0, 0, 0), TC_ACT_REDIRECT);
	kbpf_shim_set_cpu(2);
	EXPECT_EQ(call(p, 22, BPF_F_INGRESS, 0, 0), TC_ACT_REDIRECT);
	EXPECT_EQ(kbpf_this_redirect_info()->tgt_index, 22);
	kbpf_shim_set_cpu(1);
	EXPECT_EQ(kbpf_this_redirect_info()->tgt_index, 11);
	EXPECT_EQ(kbpf_this_redirect_info()->flags, 0);
	kbpf_shim_set_cpu(0);
	kbpf_helpers_exit();
}

TEST(helper_redirect_peer)
{
	const struct kbpf_func_proto *p = &kbpf_redirect_peer_proto;
	struct kbpf_redirect_info *ri;

	ASSERT_EQ(kbpf_helpers_init(), 0);
	ri = kbpf_this_redirect_info();
	poison(ri);
	EXPECT_EQ(call(p, 4, 0, 0, 0), TC_ACT_REDIRECT);
	EXPECT_EQ(ri->tgt_index, 4);
	EXPECT_EQ(ri->flags, KBPF_REDIRECT_F_PEER);
	/* No flag is defined, not even BPF_F_INGRESS (a peer is ingress). */
	EXPECT_EQ(call(p, 8, BPF_F_INGRESS, 0, 0), TC_ACT_SHOT);
	EXPECT_EQ(call(p, 8, 1ULL << 40, 0, 0), TC_ACT_SHOT);
	EXPECT_EQ(ri->tgt_index, 4);
	kbpf_helpers_exit();
}

TEST(helper_redirect_neigh)
{
	const struct kbpf_func_proto *p = &kbpf_redirect_neigh_proto;
	struct bpf_redir_neigh nh = { .nh_family = AF_INET,
				      .ipv4_nh = htonl(0x0a000001) };
	struct {
		struct bpf_redir_neigh nh;
		u32 extra;
	} big = { .nh = { .nh_family = AF_INET6,
			  .ipv6_nh = { 1, 2, 3, 4 } }, .extra = 99 };
	struct kbpf_redirect_info *ri;

	ASSERT_EQ(kbpf_helpers_init(), 0);
	ri = kbpf_this_redirect_info();
	poison(ri);
	/* No params: the route's next hop, nothing copied. */
	EXPECT_EQ(call(p, 6, 0, 0, 0), TC_ACT_REDIRECT);
	EXPECT_EQ(ri->tgt_index, 6);
	EXPECT_EQ(ri->flags, KBPF_REDIRECT_F_NEIGH);
	EXPECT_EQ(ri->nh.nh_family, 0xa5a5a5a5);
	/* params of the struct's size or more: the next hop is copied. */
	EXPECT_EQ(call(p, 2, U(&nh), sizeof(nh), 0), TC_ACT_REDIRECT);
	EXPECT_EQ(ri->tgt_index, 2);
	EXPECT_EQ(ri->flags, KBPF_REDIRECT_F_NEIGH | KBPF_REDIRECT_F_NEXTHOP);
	EXPECT_MEM_EQ(&ri->nh, &nh, sizeof(nh));
	EXPECT_EQ(call(p, 3, U(&big), sizeof(big), 0), TC_ACT_REDIRECT);
	EXPECT_MEM_EQ(&ri->nh, &big.nh, sizeof(big.nh));
	/* A short plen or any flag: dropped, the record left alone. */
	EXPECT_EQ(call(p, 5, U(&nh), sizeof(nh) - 1, 0), TC_ACT_SHOT);
	EXPECT_EQ(call(p, 5, U(&nh), 4, 0), TC_ACT_SHOT);
	EXPECT_EQ(call(p, 5, 0, 0, BPF_F_INGRESS), TC_ACT_SHOT);
	EXPECT_EQ(call(p, 5, U(&nh), sizeof(nh), 1ULL << 32), TC_ACT_SHOT);
	EXPECT_EQ(ri->tgt_index, 3);
	EXPECT_EQ(ri->flags, KBPF_REDIRECT_F_NEIGH | KBPF_REDIRECT_F_NEXTHOP);
	kbpf_helpers_exit();
}

TEST(helper_redirect_xdp)
{
	const struct kbpf_func_proto *p = &kbpf_xdp_redirect_proto;
	struct kbpf_redirect_info *ri;

	ASSERT_EQ(kbpf_helpers_init(), 0);
	ri = kbpf_this_redirect_info();
	poison(ri);
	EXPECT_EQ(call(p, 12, 0, 0, 0), XDP_REDIRECT);
	EXPECT_EQ(ri->tgt_index, 12);
	EXPECT_EQ(ri->map_id, KBPF_REDIRECT_NO_MAP);
	/* XDP keeps no flags of its own: not even BPF_F_INGRESS. */
	EXPECT_EQ(ri->flags, 0xa5a5a5a5);
	EXPECT_EQ(call(p, 13, BPF_F_INGRESS, 0, 0), XDP_ABORTED);
	EXPECT_EQ(call(p, 13, 1ULL << 63, 0, 0), XDP_ABORTED);
	EXPECT_EQ(ri->tgt_index, 12);
	kbpf_helpers_exit();
}

/* Linux's protos: two plain arguments, neigh's optional read-only params. */
TEST(helper_redirect_protos)
{
	const struct kbpf_func_proto *p;
	u32 type;

	for (type = BPF_PROG_TYPE_SCHED_CLS; type <= BPF_PROG_TYPE_SCHED_ACT;
	     type++) {
		p = kbpf_get_func_proto_caps(type, BPF_FUNC_redirect, 0);
		EXPECT_TRUE(p == &kbpf_redirect_proto);
		p = kbpf_get_func_proto_caps(type, BPF_FUNC_redirect_peer, 0);
		EXPECT_TRUE(p == &kbpf_redirect_peer_proto);
		p = kbpf_get_func_proto_caps(type, BPF_FUNC_redirect_neigh, 0);
		EXPECT_TRUE(p == &kbpf_redirect_neigh_proto);
	}
	EXPECT_TRUE(kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP,
					     BPF_FUNC_redirect, 0) ==
		    &kbpf_xdp_redirect_proto);
	EXPECT_TRUE(kbpf_get_func_proto_caps(BPF_PROG_TYPE_LWT_XMIT,
					     BPF_FUNC_redirect, 0) ==
		    &kbpf_redirect_proto);
	/* Only tc has the neighbour and peer variants. */
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP,
					     BPF_FUNC_redirect_neigh, 0));
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_LWT_XMIT,
					     BPF_FUNC_redirect_peer, 0));
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_LWT_IN,
					     BPF_FUNC_redirect, 0));
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_SOCKET_FILTER,
					     BPF_FUNC_redirect, 0));

	p = &kbpf_redirect_proto;
	EXPECT_EQ(p->ret_type, KBPF_RET_INTEGER);
	EXPECT_EQ(p->arg_type[0], KBPF_ARG_ANYTHING);
	EXPECT_EQ(p->arg_type[1], KBPF_ARG_ANYTHING);
	EXPECT_EQ(p->arg_type[2], KBPF_ARG_DONTCARE);
	EXPECT_FALSE(p->gpl_only);
	p = &kbpf_redirect_neigh_proto;
	EXPECT_EQ(p->arg_type[0], KBPF_ARG_ANYTHING);
	EXPECT_EQ(p->arg_type[1], KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL |
		  KBPF_MEM_RDONLY);
	EXPECT_EQ(p->arg_type[2], KBPF_ARG_CONST_SIZE_OR_ZERO);
	EXPECT_EQ(p->arg_type[3], KBPF_ARG_ANYTHING);
	EXPECT_EQ(p->arg_type[4], KBPF_ARG_DONTCARE);
	EXPECT_FALSE(p->gpl_only);
	EXPECT_FALSE(p->pkt_access);
}
