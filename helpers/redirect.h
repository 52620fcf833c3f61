/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What bpf_redirect, bpf_redirect_neigh and bpf_redirect_peer (redirect.c)
 * leave behind for whoever runs the program: Linux 6.1's per-CPU struct
 * bpf_redirect_info, reduced to the fields these helpers set. A program
 * only asks for a redirect (it returns TC_ACT_REDIRECT or XDP_REDIRECT);
 * the hook that ran it carries it out (Linux: skb_do_redirect(),
 * xdp_do_redirect()) from this record. kbpf has no tc or XDP attach yet,
 * so nothing reads it outside the tests: BPF_PROG_TEST_RUN returns the
 * program's verdict, as Linux's does.
 */
#ifndef KBPF_HELPERS_REDIRECT_H
#define KBPF_HELPERS_REDIRECT_H

#include <kbpf/kapi.h>

/*
 * Linux's internal redirect flags (net/core/filter.c), beside the user's
 * BPF_F_INGRESS: how the target is reached.
 */
#define KBPF_REDIRECT_F_NEIGH	(1U << 16)	/* L2 from the neighbour table */
#define KBPF_REDIRECT_F_PEER	(1U << 17)	/* the veth/netkit peer's ingress */
#define KBPF_REDIRECT_F_NEXTHOP	(1U << 18)	/* nh holds the next hop */
#define KBPF_REDIRECT_F_INTERNAL (KBPF_REDIRECT_F_NEIGH | KBPF_REDIRECT_F_PEER | \
				  KBPF_REDIRECT_F_NEXTHOP)

/* map_id of an XDP redirect to an ifindex, no map (Linux's INT_MAX). */
#define KBPF_REDIRECT_NO_MAP	INT_MAX

struct kbpf_redirect_info {
	u32 flags;		/* BPF_F_INGRESS | KBPF_REDIRECT_F_* */
	u32 tgt_index;		/* the target's ifindex */
	u32 map_id;		/* XDP: KBPF_REDIRECT_NO_MAP */
	struct bpf_redir_neigh nh; /* with KBPF_REDIRECT_F_NEXTHOP */
};

/* The record of this CPU (a program's run does not migrate). */
struct kbpf_redirect_info *kbpf_this_redirect_info(void);

#endif /* KBPF_HELPERS_REDIRECT_H */
