/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The routing side of bpf_fib_lookup (fib.c): in the kernel fib_lookup.c
 * asks the stack's IPv4 and IPv6 FIB and neighbour tables through what
 * 6.1 exports; the host build has no network devices (fib_lookup_host.c:
 * no ifindex names one).
 */
#ifndef KBPF_HELPERS_FIB_H
#define KBPF_HELPERS_FIB_H

#include <kbpf/kapi.h>

/*
 * Linux 6.1's bpf_xdp_fib_lookup() and bpf_skb_fib_lookup() once the
 * arguments are checked (params->family is AF_INET or AF_INET6, flags
 * within BPF_FIB_LOOKUP_MASK): a BPF_FIB_LKUP_RET_* code or -ENODEV, with
 * params filled in as Linux fills them.
 */
long kbpf_fib_lookup_xdp(struct xdp_buff *xdp, struct bpf_fib_lookup *params,
			 u32 flags);
long kbpf_fib_lookup_skb(struct sk_buff *skb, struct bpf_fib_lookup *params,
			 u32 flags);

#endif /* KBPF_HELPERS_FIB_H */
