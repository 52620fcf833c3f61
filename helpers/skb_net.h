/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the room helpers (skb_adjust_room.c) need from networking headers
 * that cannot sit beside kbpf's own (<net/dst.h> and <net/tls.h> bring
 * <linux/bpf.h>): in the kernel skb_net.c, on the host skb_net_host.c,
 * whose skbs carry no route and whose sockets no TLS.
 */
#ifndef KBPF_HELPERS_SKB_NET_H
#define KBPF_HELPERS_SKB_NET_H

#include <kbpf/kapi.h>

/* A route chosen for the packet's old protocol no longer applies. */
void kbpf_skb_drop_route(struct sk_buff *skb);

/*
 * sk_skb: a kTLS receive context counts the record's length in the
 * stream parser's message; it follows a change of len_diff bytes.
 */
void kbpf_sk_skb_tls_rx_adjust(struct sk_buff *skb, s32 len_diff);

#endif /* KBPF_HELPERS_SKB_NET_H */
