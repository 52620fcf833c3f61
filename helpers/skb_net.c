// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of skb_net.h: a route dropped as Linux's
 * bpf_skb_change_protocol() drops it (metadata dsts, tunnel info, stay),
 * and the kTLS message length as Linux's sk_skb_adjust_room() keeps it.
 * Kernel only: the host has skb_net_host.c.
 */
#include <kbpf/kapi.h>
#include <net/dst.h>
#include <net/dst_metadata.h>
#include <net/strparser.h>
#include <net/tls.h>

#include "skb_net.h"

void kbpf_skb_drop_route(struct sk_buff *skb)
{
	if (skb_valid_dst(skb))
		skb_dst_drop(skb);
}

void kbpf_sk_skb_tls_rx_adjust(struct sk_buff *skb, s32 len_diff)
{
	if (skb->sk && tls_sw_has_ctx_rx(skb->sk))
		strp_msg(skb)->full_len += len_diff;
}
