// SPDX-License-Identifier: GPL-2.0
/*
 * The host twin of fib_lookup.c: a userspace library has no network
 * devices, so no ifindex names one and every lookup is Linux's -ENODEV
 * for an unknown ifindex. The argument checks (fib.c) are the same on
 * both sides; the lookups themselves are tested in the guest.
 */
#include "fib.h"

long kbpf_fib_lookup_xdp(struct xdp_buff *xdp, struct bpf_fib_lookup *params,
			 u32 flags)
{
	return -ENODEV;
}

long kbpf_fib_lookup_skb(struct sk_buff *skb, struct bpf_fib_lookup *params,
			 u32 flags)
{
	return -ENODEV;
}
