/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The helper protos helpers/ defines, one per implemented helper (and one
 * per variant where Linux has several for one id), for the per program
 * type tables in prog_types.c and for the tests. Only helpers that work
 * are here: a proto the verifier can see is a helper a program can call.
 */
#ifndef KBPF_HELPERS_PROTOS_H
#define KBPF_HELPERS_PROTOS_H

#include <kbpf/helpers.h>

/* Short names for the combined types Linux spells as one. */
#define KBPF_ARG_PTR_TO_UNINIT_MEM	(KBPF_ARG_PTR_TO_MEM | KBPF_MEM_UNINIT)
#define KBPF_ARG_PTR_TO_STACK_OR_NULL	(KBPF_ARG_PTR_TO_STACK | KBPF_PTR_MAYBE_NULL)
#define KBPF_ARG_PTR_TO_CTX_OR_NULL	(KBPF_ARG_PTR_TO_CTX | KBPF_PTR_MAYBE_NULL)

/* map.c */
extern const struct kbpf_func_proto kbpf_map_lookup_elem_proto;
extern const struct kbpf_func_proto kbpf_map_lookup_percpu_elem_proto;
extern const struct kbpf_func_proto kbpf_map_update_elem_proto;
extern const struct kbpf_func_proto kbpf_map_delete_elem_proto;
extern const struct kbpf_func_proto kbpf_map_push_elem_proto;
extern const struct kbpf_func_proto kbpf_map_pop_elem_proto;
extern const struct kbpf_func_proto kbpf_map_peek_elem_proto;
extern const struct kbpf_func_proto kbpf_tail_call_proto;

/* loop.c */
extern const struct kbpf_func_proto kbpf_loop_proto;
extern const struct kbpf_func_proto kbpf_for_each_map_elem_proto;

/* time.c */
extern const struct kbpf_func_proto kbpf_ktime_get_ns_proto;
extern const struct kbpf_func_proto kbpf_ktime_get_boot_ns_proto;
extern const struct kbpf_func_proto kbpf_ktime_get_coarse_ns_proto;
extern const struct kbpf_func_proto kbpf_jiffies64_proto;
extern const struct kbpf_func_proto kbpf_ktime_get_tai_ns_proto;

/* cpu.c */
extern const struct kbpf_func_proto kbpf_get_prandom_u32_proto;
extern const struct kbpf_func_proto kbpf_get_smp_processor_id_proto;
extern const struct kbpf_func_proto kbpf_get_numa_node_id_proto;

/* task.c */
extern const struct kbpf_func_proto kbpf_get_current_pid_tgid_proto;
extern const struct kbpf_func_proto kbpf_get_current_uid_gid_proto;
extern const struct kbpf_func_proto kbpf_get_current_comm_proto;
extern const struct kbpf_func_proto kbpf_get_current_task_proto;
extern const struct kbpf_func_proto kbpf_get_current_cgroup_id_proto;
extern const struct kbpf_func_proto kbpf_get_current_ancestor_cgroup_id_proto;
extern const struct kbpf_func_proto kbpf_get_ns_current_pid_tgid_proto;

/* kprobe_multi.c */
extern const struct kbpf_func_proto kbpf_get_func_ip_kprobe_multi_proto;
extern const struct kbpf_func_proto kbpf_get_attach_cookie_kprobe_multi_proto;

/* probe.c */
extern const struct kbpf_func_proto kbpf_probe_read_kernel_proto;
extern const struct kbpf_func_proto kbpf_probe_read_kernel_str_proto;
extern const struct kbpf_func_proto kbpf_probe_read_user_proto;
extern const struct kbpf_func_proto kbpf_probe_read_user_str_proto;
extern const struct kbpf_func_proto kbpf_probe_write_user_proto;
extern const struct kbpf_func_proto kbpf_probe_read_compat_proto;
extern const struct kbpf_func_proto kbpf_probe_read_compat_str_proto;

/* trace_printk.c */
extern const struct kbpf_func_proto kbpf_trace_printk_proto;
extern const struct kbpf_func_proto kbpf_trace_vprintk_proto;
extern const struct kbpf_func_proto kbpf_snprintf_proto;

/* skb.c */
extern const struct kbpf_func_proto kbpf_skb_load_bytes_proto;
extern const struct kbpf_func_proto kbpf_csum_diff_proto;
extern const struct kbpf_func_proto kbpf_skb_store_bytes_proto;
extern const struct kbpf_func_proto kbpf_sk_skb_store_bytes_proto;
extern const struct kbpf_func_proto kbpf_l3_csum_replace_proto;
extern const struct kbpf_func_proto kbpf_l4_csum_replace_proto;
extern const struct kbpf_func_proto kbpf_get_cgroup_classid_proto;
extern const struct kbpf_func_proto kbpf_get_hash_recalc_proto;
extern const struct kbpf_func_proto kbpf_skb_load_bytes_relative_proto;

/* skb_meta.c */
extern const struct kbpf_func_proto kbpf_set_hash_invalid_proto;
extern const struct kbpf_func_proto kbpf_set_hash_proto;
extern const struct kbpf_func_proto kbpf_csum_level_proto;
extern const struct kbpf_func_proto kbpf_skb_ecn_set_ce_proto;
extern const struct kbpf_func_proto kbpf_skb_set_tstamp_proto;

/* check_mtu.c */
extern const struct kbpf_func_proto kbpf_skb_check_mtu_proto;
extern const struct kbpf_func_proto kbpf_xdp_check_mtu_proto;

/* tunnel.c: the setters come with the per-CPU dst they fill. */
extern const struct kbpf_func_proto kbpf_skb_get_tunnel_key_proto;
extern const struct kbpf_func_proto kbpf_skb_get_tunnel_opt_proto;
extern const struct kbpf_func_proto kbpf_skb_set_tunnel_key_proto;
extern const struct kbpf_func_proto kbpf_skb_set_tunnel_opt_proto;
const struct kbpf_func_proto *kbpf_skb_set_tunnel_proto(u32 func_id);
void kbpf_tunnel_helpers_exit(void);

/* skb_change.c */
extern const struct kbpf_func_proto kbpf_csum_update_proto;
extern const struct kbpf_func_proto kbpf_skb_vlan_push_proto;
extern const struct kbpf_func_proto kbpf_skb_vlan_pop_proto;
extern const struct kbpf_func_proto kbpf_skb_change_head_proto;
extern const struct kbpf_func_proto kbpf_sk_skb_change_head_proto;
extern const struct kbpf_func_proto kbpf_skb_change_tail_proto;
extern const struct kbpf_func_proto kbpf_sk_skb_change_tail_proto;
extern const struct kbpf_func_proto kbpf_skb_change_type_proto;
extern const struct kbpf_func_proto kbpf_skb_pull_data_proto;
extern const struct kbpf_func_proto kbpf_sk_skb_pull_data_proto;

/* skb_adjust_room.c */
extern const struct kbpf_func_proto kbpf_skb_adjust_room_proto;
extern const struct kbpf_func_proto kbpf_sk_skb_adjust_room_proto;
extern const struct kbpf_func_proto kbpf_skb_change_proto_proto;

/* cookie.c */
extern const struct kbpf_func_proto kbpf_get_socket_cookie_proto;
extern const struct kbpf_func_proto kbpf_get_socket_cookie_sock_addr_proto;
extern const struct kbpf_func_proto kbpf_get_socket_cookie_sock_proto;
extern const struct kbpf_func_proto kbpf_get_socket_cookie_sock_ops_proto;
extern const struct kbpf_func_proto kbpf_get_netns_cookie_sock_proto;
extern const struct kbpf_func_proto kbpf_get_netns_cookie_sock_addr_proto;
extern const struct kbpf_func_proto kbpf_get_netns_cookie_sock_ops_proto;
extern const struct kbpf_func_proto kbpf_get_netns_cookie_sk_msg_proto;
extern const struct kbpf_func_proto kbpf_get_netns_cookie_sockopt_proto;

/* ringbuf.c */
extern const struct kbpf_func_proto kbpf_ringbuf_output_proto;
extern const struct kbpf_func_proto kbpf_ringbuf_reserve_proto;
extern const struct kbpf_func_proto kbpf_ringbuf_submit_proto;
extern const struct kbpf_func_proto kbpf_ringbuf_discard_proto;
extern const struct kbpf_func_proto kbpf_ringbuf_query_proto;

/* local_storage.c */
extern const struct kbpf_func_proto kbpf_get_local_storage_proto;

/* xdp.c */
extern const struct kbpf_func_proto kbpf_xdp_adjust_head_proto;
extern const struct kbpf_func_proto kbpf_xdp_adjust_meta_proto;
extern const struct kbpf_func_proto kbpf_xdp_adjust_tail_proto;
extern const struct kbpf_func_proto kbpf_xdp_get_buff_len_proto;
extern const struct kbpf_func_proto kbpf_xdp_load_bytes_proto;
extern const struct kbpf_func_proto kbpf_xdp_store_bytes_proto;

/* fib.c */
extern const struct kbpf_func_proto kbpf_xdp_fib_lookup_proto;
extern const struct kbpf_func_proto kbpf_skb_fib_lookup_proto;

/* redirect.c: the record they leave is in redirect.h. */
extern const struct kbpf_func_proto kbpf_redirect_proto;
extern const struct kbpf_func_proto kbpf_redirect_peer_proto;
extern const struct kbpf_func_proto kbpf_redirect_neigh_proto;
extern const struct kbpf_func_proto kbpf_xdp_redirect_proto;
int kbpf_redirect_helpers_init(void);
void kbpf_redirect_helpers_exit(void);

/* strtox.c */
extern const struct kbpf_func_proto kbpf_strtol_proto;
extern const struct kbpf_func_proto kbpf_strtoul_proto;

/* strncmp.c */
extern const struct kbpf_func_proto kbpf_strncmp_proto;

/* perf_event.c */
extern const struct kbpf_func_proto kbpf_perf_event_output_proto;
extern const struct kbpf_func_proto kbpf_skb_event_output_proto;
extern const struct kbpf_func_proto kbpf_xdp_event_output_proto;

/* sock.c */
extern const struct kbpf_func_proto kbpf_sk_fullsock_proto;
extern const struct kbpf_func_proto kbpf_tcp_sock_proto;
extern const struct kbpf_func_proto kbpf_get_listener_sock_proto;
extern const struct kbpf_func_proto kbpf_sk_lookup_tcp_proto;
extern const struct kbpf_func_proto kbpf_sk_lookup_udp_proto;
extern const struct kbpf_func_proto kbpf_skc_lookup_tcp_proto;
extern const struct kbpf_func_proto kbpf_tc_sk_lookup_tcp_proto;
extern const struct kbpf_func_proto kbpf_tc_sk_lookup_udp_proto;
extern const struct kbpf_func_proto kbpf_tc_skc_lookup_tcp_proto;
extern const struct kbpf_func_proto kbpf_sk_release_proto;
extern const struct kbpf_func_proto kbpf_get_socket_uid_proto;
extern const struct kbpf_func_proto kbpf_skb_cgroup_id_proto;
extern const struct kbpf_func_proto kbpf_skb_ancestor_cgroup_id_proto;

/* stack.c: one variant per tracing context, as Linux's. */
extern const struct kbpf_func_proto kbpf_get_stackid_proto;
extern const struct kbpf_func_proto kbpf_get_stackid_tp_proto;
extern const struct kbpf_func_proto kbpf_get_stackid_pe_proto;
extern const struct kbpf_func_proto kbpf_get_stackid_raw_tp_proto;
extern const struct kbpf_func_proto kbpf_get_stack_proto;
extern const struct kbpf_func_proto kbpf_get_stack_tp_proto;
extern const struct kbpf_func_proto kbpf_get_stack_pe_proto;
extern const struct kbpf_func_proto kbpf_get_stack_raw_tp_proto;
int kbpf_stack_helpers_init(void);
void kbpf_stack_helpers_exit(void);

/* signal.c */
extern const struct kbpf_func_proto kbpf_send_signal_proto;
extern const struct kbpf_func_proto kbpf_send_signal_thread_proto;
int kbpf_signal_helpers_init(void);
void kbpf_signal_helpers_exit(void);

#endif /* KBPF_HELPERS_PROTOS_H */
