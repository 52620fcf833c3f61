// SPDX-License-Identifier: GPL-2.0
/* skb_net.h on the host: no routes on host skbs, no TLS on host sockets. */
#include <kbpf/kapi.h>

#include "skb_net.h"

void kbpf_skb_drop_route(struct sk_buff *skb)
{
}

void kbpf_sk_skb_tls_rx_adjust(struct sk_buff *skb, s32 len_diff)
{
}
