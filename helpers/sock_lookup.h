/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The socket table side of the lookup helpers (sock.c): in the kernel
 * sock_lookup.c asks the stack's TCP and UDP tables through exported
 * symbols; the host build has no socket tables (sock_lookup_host.c finds
 * nothing and holds no reference).
 */
#ifndef KBPF_HELPERS_SOCK_LOOKUP_H
#define KBPF_HELPERS_SOCK_LOOKUP_H

#include <kbpf/kapi.h>
#include <kbpf/sock.h>

/*
 * The socket (any kind: full, request or timewait) that the bpf_sock_tuple
 * of len bytes names for proto (IPPROTO_TCP or IPPROTO_UDP), in the
 * skb's network namespace or netns_id's, as Linux 6.1's
 * __bpf_skc_lookup() finds it; NULL when there is none or the arguments
 * are bad. tc: the device's namespace, ifindex and L3 slave index, as
 * Linux's bpf_tc_* variants (sched_cls/act always have skb->dev). A
 * socket that is not freed by RCU comes with a reference: kbpf_sk_put().
 */
struct sock *kbpf_skc_lookup(struct sk_buff *skb,
			     const struct bpf_sock_tuple *tuple, u32 len,
			     u8 proto, u64 netns_id, u64 flags, bool tc);

/* Linux's bpf_sk_release(): drop the reference a lookup took, if any. */
void kbpf_sk_put(struct sock *sk);

#endif /* KBPF_HELPERS_SOCK_LOOKUP_H */
