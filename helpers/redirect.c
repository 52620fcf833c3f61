// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_redirect (tc, lwt_xmit and the XDP variant), bpf_redirect_neigh and
 * bpf_redirect_peer (tc), as Linux 6.1's: each checks its flags, records
 * the target in this CPU's redirect info (redirect.h) and returns the
 * verdict that asks the hook to redirect: TC_ACT_REDIRECT (which lwt_xmit
 * takes as BPF_REDIRECT) or XDP_REDIRECT. Bad flags give the verdict that
 * drops the packet instead, with nothing recorded.
 *
 * No kbpf hook applies the record yet (there is no tc or XDP attach);
 * under BPF_PROG_TEST_RUN the verdict is the run's retval, as on Linux.
 */
#include <kbpf/kapi.h>

#include "protos.h"
#include "redirect.h"

static struct kbpf_redirect_info __percpu *kbpf_redirect_infos;

struct kbpf_redirect_info *kbpf_this_redirect_info(void)
{
	return this_cpu_ptr(kbpf_redirect_infos);
}

/* Only BPF_F_INGRESS: the internal flags are the helpers' to set. */
static u64 kbpf_redirect(u64 ifindex, u64 flags, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_redirect_info *ri = kbpf_this_redirect_info();

	if (unlikely(flags & ~(u64)BPF_F_INGRESS))
		return TC_ACT_SHOT;
	ri->flags = flags;
	ri->tgt_index = ifindex;
	return TC_ACT_REDIRECT;
}

/* Into the peer of a veth-like device, at its ingress: no flags yet. */
static u64 kbpf_redirect_peer(u64 ifindex, u64 flags, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_redirect_info *ri = kbpf_this_redirect_info();

	if (unlikely(flags))
		return TC_ACT_SHOT;
	ri->flags = KBPF_REDIRECT_F_PEER;
	ri->tgt_index = ifindex;
	return TC_ACT_REDIRECT;
}

/*
 * Out of ifindex with the L2 header from the neighbour of the route's
 * next hop, or of the one in params when plen is given (a shorter plen
 * than the struct is refused; a longer one is read only up to it).
 */
static u64 kbpf_redirect_neigh(u64 ifindex, u64 r2, u64 r3, u64 flags, u64 r5)
{
	const struct bpf_redir_neigh *params = (void *)(unsigned long)r2;
	struct kbpf_redirect_info *ri = kbpf_this_redirect_info();
	u32 plen = r3;	/* the verifier has bounded it by params' memory */

	if (unlikely((plen && plen < sizeof(*params)) || flags))
		return TC_ACT_SHOT;
	ri->flags = KBPF_REDIRECT_F_NEIGH | (plen ? KBPF_REDIRECT_F_NEXTHOP : 0);
	ri->tgt_index = ifindex;
	if (plen)
		memcpy(&ri->nh, params, sizeof(ri->nh));
	return TC_ACT_REDIRECT;
}

/* XDP's: a device rather than a map entry (map_id tells which). */
static u64 kbpf_xdp_redirect(u64 ifindex, u64 flags, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_redirect_info *ri = kbpf_this_redirect_info();

	if (unlikely(flags))
		return XDP_ABORTED;
	ri->tgt_index = ifindex;
	ri->map_id = KBPF_REDIRECT_NO_MAP;
	return XDP_REDIRECT;
}

int kbpf_redirect_helpers_init(void)
{
	kbpf_redirect_infos = alloc_percpu(struct kbpf_redirect_info);
	return kbpf_redirect_infos ? 0 : -ENOMEM;
}

void kbpf_redirect_helpers_exit(void)
{
	free_percpu(kbpf_redirect_infos);
	kbpf_redirect_infos = NULL;
}

const struct kbpf_func_proto kbpf_redirect_proto = {
	.func		= kbpf_redirect,
	.name		= "bpf_redirect",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING },
};

const struct kbpf_func_proto kbpf_redirect_peer_proto = {
	.func		= kbpf_redirect_peer,
	.name		= "bpf_redirect_peer",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING },
};

const struct kbpf_func_proto kbpf_redirect_neigh_proto = {
	.func		= kbpf_redirect_neigh,
	.name		= "bpf_redirect_neigh",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL |
			    KBPF_MEM_RDONLY,
			    KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING },
};

const struct kbpf_func_proto kbpf_xdp_redirect_proto = {
	.func		= kbpf_xdp_redirect,
	.name		= "bpf_redirect",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING },
};
