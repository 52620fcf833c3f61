// SPDX-License-Identifier: GPL-2.0
/*
 * The host twin of sock_lookup.c: a userspace library has no socket
 * tables, so no tuple names a socket and nothing holds a reference. The
 * helpers' argument checks and the verifier's reference tracking are the
 * same on both sides; the lookups themselves are tested in the guest.
 */
#include "sock_lookup.h"

struct sock *kbpf_skc_lookup(struct sk_buff *skb,
			     const struct bpf_sock_tuple *tuple, u32 len,
			     u8 proto, u64 netns_id, u64 flags, bool tc)
{
	return NULL;
}

void kbpf_sk_put(struct sock *sk)
{
}
