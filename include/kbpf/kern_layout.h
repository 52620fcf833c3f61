/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel objects of socket-level and cgroup hook programs keep
 * what their context rewrites reach: struct sock, sk_msg, sk_skb_cb,
 * bpf_sock_addr_kern, bpf_sysctl_kern, bpf_sk_lookup_kern,
 * bpf_sockopt_kern, bpf_sock_ops_kern. The kernel
 * declares them in headers that come with <linux/filter.h> and
 * <linux/bpf.h>, which kbpf's core cannot include (their instruction
 * macros and bpf_* names clash with kbpf's own), so kmod/kern_layout.c
 * reads the offsets from the real headers into kbpf_kern_layout, and the
 * host shim fills the same object from its own structs. Field sizes are
 * fixed by KBPF_KERN_LAYOUT_CHECK() where the object is filled.
 */
#ifndef KBPF_KERN_LAYOUT_H
#define KBPF_KERN_LAYOUT_H

struct kbpf_kern_layout {
	short sk_msg_data, sk_msg_data_end, sk_msg_sk, sk_msg_size;
	short skc_family, skc_daddr, skc_rcv_saddr, skc_v6_daddr;
	short skc_v6_rcv_saddr, skc_dport, skc_num;
	short sk_type, sk_protocol;
	short sk_skb_cb_data, sk_skb_cb_temp_reg;
	short sock_addr_sk, sock_addr_uaddr, sock_addr_tmp_reg, sock_addr_t_ctx;
	short sysctl_write, sysctl_ppos, sysctl_tmp_reg;
	short lookup_family, lookup_protocol, lookup_sport, lookup_dport;
	short lookup_v4_saddr, lookup_v4_daddr, lookup_v6_saddr;
	short lookup_v6_daddr, lookup_ingress_ifindex;
	short lookup_selected_sk;
	short sockopt_optval, sockopt_optval_end, sockopt_level;
	short sockopt_optname, sockopt_optlen;
	short sock_ops_op, sock_ops_args, sock_ops_is_fullsock;
	short sock_ops_sk, sockopt_sk;
};

#define KBPF_KERN_LAYOUT_INIT {						\
	.sk_msg_data = offsetof(struct sk_msg, data),			\
	.sk_msg_data_end = offsetof(struct sk_msg, data_end),		\
	.sk_msg_sk = offsetof(struct sk_msg, sk),			\
	.sk_msg_size = offsetof(struct sk_msg, sg.size),		\
	.skc_family = offsetof(struct sock_common, skc_family),		\
	.skc_daddr = offsetof(struct sock_common, skc_daddr),		\
	.skc_rcv_saddr = offsetof(struct sock_common, skc_rcv_saddr),	\
	.skc_v6_daddr = offsetof(struct sock_common, skc_v6_daddr),	\
	.skc_v6_rcv_saddr = offsetof(struct sock_common, skc_v6_rcv_saddr), \
	.skc_dport = offsetof(struct sock_common, skc_dport),		\
	.skc_num = offsetof(struct sock_common, skc_num),		\
	.sk_type = offsetof(struct sock, sk_type),			\
	.sk_protocol = offsetof(struct sock, sk_protocol),		\
	.sk_skb_cb_data = offsetof(struct sk_buff, cb) +		\
			  offsetof(struct sk_skb_cb, data),		\
	.sk_skb_cb_temp_reg = offsetof(struct sk_buff, cb) +		\
			      offsetof(struct sk_skb_cb, temp_reg),	\
	.sock_addr_sk = offsetof(struct bpf_sock_addr_kern, sk),	\
	.sock_addr_uaddr = offsetof(struct bpf_sock_addr_kern, uaddr),	\
	.sock_addr_tmp_reg = offsetof(struct bpf_sock_addr_kern, tmp_reg), \
	.sock_addr_t_ctx = offsetof(struct bpf_sock_addr_kern, t_ctx),	\
	.sysctl_write = offsetof(struct bpf_sysctl_kern, write),	\
	.sysctl_ppos = offsetof(struct bpf_sysctl_kern, ppos),		\
	.sysctl_tmp_reg = offsetof(struct bpf_sysctl_kern, tmp_reg),	\
	.lookup_family = offsetof(struct bpf_sk_lookup_kern, family),	\
	.lookup_protocol = offsetof(struct bpf_sk_lookup_kern, protocol), \
	.lookup_sport = offsetof(struct bpf_sk_lookup_kern, sport),	\
	.lookup_dport = offsetof(struct bpf_sk_lookup_kern, dport),	\
	.lookup_v4_saddr = offsetof(struct bpf_sk_lookup_kern, v4.saddr), \
	.lookup_v4_daddr = offsetof(struct bpf_sk_lookup_kern, v4.daddr), \
	.lookup_v6_saddr = offsetof(struct bpf_sk_lookup_kern, v6.saddr), \
	.lookup_v6_daddr = offsetof(struct bpf_sk_lookup_kern, v6.daddr), \
	.lookup_ingress_ifindex =					\
		offsetof(struct bpf_sk_lookup_kern, ingress_ifindex),	\
	.lookup_selected_sk =						\
		offsetof(struct bpf_sk_lookup_kern, selected_sk),	\
	.sockopt_optval = offsetof(struct bpf_sockopt_kern, optval),	\
	.sockopt_optval_end = offsetof(struct bpf_sockopt_kern, optval_end), \
	.sockopt_level = offsetof(struct bpf_sockopt_kern, level),	\
	.sockopt_optname = offsetof(struct bpf_sockopt_kern, optname),	\
	.sockopt_optlen = offsetof(struct bpf_sockopt_kern, optlen),	\
	.sock_ops_op = offsetof(struct bpf_sock_ops_kern, op),		\
	.sock_ops_args = offsetof(struct bpf_sock_ops_kern, args),	\
	.sock_ops_is_fullsock = offsetof(struct bpf_sock_ops_kern, is_fullsock), \
	.sock_ops_sk = offsetof(struct bpf_sock_ops_kern, sk),		\
	.sockopt_sk = offsetof(struct bpf_sockopt_kern, sk),		\
}

/* The sizes the rewrites assume (they load and store with these widths). */
#define KBPF_KERN_LAYOUT_CHECK() do {					\
	BUILD_BUG_ON(sizeof_field(struct sk_msg, data) != 8);		\
	BUILD_BUG_ON(sizeof_field(struct sk_msg, data_end) != 8);	\
	BUILD_BUG_ON(sizeof_field(struct sk_msg, sk) != 8);		\
	BUILD_BUG_ON(sizeof_field(struct sk_msg, sg.size) != 4);	\
	BUILD_BUG_ON(offsetof(struct sk_msg, sg) != 0);			\
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_family) != 2); \
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_daddr) != 4);	\
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_rcv_saddr) != 4); \
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_v6_daddr) != 16); \
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_dport) != 2);	\
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_num) != 2);	\
	BUILD_BUG_ON(offsetof(struct sock, __sk_common) != 0);		\
	BUILD_BUG_ON(sizeof_field(struct sock, sk_type) != 2);		\
	BUILD_BUG_ON(sizeof_field(struct sock, sk_protocol) != 2);	\
	BUILD_BUG_ON(sizeof_field(struct sk_skb_cb, data) < 20);	\
	BUILD_BUG_ON((offsetof(struct sk_buff, cb) +			\
		      offsetof(struct sk_skb_cb, data)) % 8);		\
	BUILD_BUG_ON(sizeof_field(struct sk_skb_cb, temp_reg) != 8);	\
	BUILD_BUG_ON(sizeof_field(struct bpf_sock_addr_kern, sk) != 8);	\
	BUILD_BUG_ON(sizeof_field(struct bpf_sock_addr_kern, uaddr) != 8); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sock_addr_kern, tmp_reg) != 8); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sock_addr_kern, t_ctx) != 8); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sysctl_kern, write) != 4);	\
	BUILD_BUG_ON(sizeof_field(struct bpf_sysctl_kern, ppos) != 8);	\
	BUILD_BUG_ON(sizeof_field(struct bpf_sysctl_kern, tmp_reg) != 8); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern, family) != 2); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern, protocol) != 2); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern, sport) != 2); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern, dport) != 2); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern, v4.saddr) != 4); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern, v4.daddr) != 4); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern, v6.saddr) != 8); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern, v6.daddr) != 8); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern,		\
				  ingress_ifindex) != 4);		\
	BUILD_BUG_ON(sizeof_field(struct bpf_sk_lookup_kern,		\
				  selected_sk) != 8);			\
	BUILD_BUG_ON(sizeof_field(struct bpf_sockopt_kern, optval) != 8); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sockopt_kern, optval_end) != 8); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sockopt_kern, level) != 4); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sockopt_kern, optname) != 4); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sockopt_kern, optlen) != 4); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sock_ops_kern, op) != 1);	\
	BUILD_BUG_ON(sizeof_field(struct bpf_sock_ops_kern, args) != 16); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sock_ops_kern, is_fullsock) != 1); \
	BUILD_BUG_ON(sizeof_field(struct bpf_sock_ops_kern, sk) != 8);	\
	BUILD_BUG_ON(sizeof_field(struct bpf_sockopt_kern, sk) != 8);	\
} while (0)

#endif /* KBPF_KERN_LAYOUT_H */
