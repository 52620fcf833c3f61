// SPDX-License-Identifier: GPL-2.0
/*
 * Which helpers each program type may call: Linux 6.1's get_func_proto
 * functions (bpf_base_func_proto, bpf_sk_base_func_proto, the tracing
 * ones in kernel/trace/bpf_trace.c and the networking ones in
 * net/core/filter.c), restricted to the helpers kbpf implements. A helper
 * Linux offers but kbpf lacks is simply absent (the verifier then says
 * "unknown func"), never a proto without a function behind it.
 *
 * Linux asks bpf_capable()/perfmon_capable() of the loading task while it
 * looks up a proto; kbpf takes those two answers as a caps mask so the
 * same tables serve the verifier (the loader's capabilities) and tests.
 */
#include <kbpf/kapi.h>

#include "protos.h"

/* A kernel in lockdown's confidentiality mode hides its memory from programs. */
static bool read_kernel_allowed(void)
{
	return security_locked_down(LOCKDOWN_BPF_READ_KERNEL) >= 0;
}

/* bpf_base_func_proto(): every program type falls back to it. */
static const struct kbpf_func_proto *base_func_proto(u32 func_id, u32 caps)
{
	switch (func_id) {
	case BPF_FUNC_map_lookup_elem:
		return &kbpf_map_lookup_elem_proto;
	case BPF_FUNC_map_update_elem:
		return &kbpf_map_update_elem_proto;
	case BPF_FUNC_map_delete_elem:
		return &kbpf_map_delete_elem_proto;
	case BPF_FUNC_map_push_elem:
		return &kbpf_map_push_elem_proto;
	case BPF_FUNC_map_pop_elem:
		return &kbpf_map_pop_elem_proto;
	case BPF_FUNC_map_peek_elem:
		return &kbpf_map_peek_elem_proto;
	case BPF_FUNC_map_lookup_percpu_elem:
		return &kbpf_map_lookup_percpu_elem_proto;
	case BPF_FUNC_get_prandom_u32:
		return &kbpf_get_prandom_u32_proto;
	case BPF_FUNC_get_smp_processor_id:
		return &kbpf_get_smp_processor_id_proto;
	case BPF_FUNC_get_numa_node_id:
		return &kbpf_get_numa_node_id_proto;
	case BPF_FUNC_tail_call:
		return &kbpf_tail_call_proto;
	case BPF_FUNC_ktime_get_ns:
		return &kbpf_ktime_get_ns_proto;
	case BPF_FUNC_ktime_get_boot_ns:
		return &kbpf_ktime_get_boot_ns_proto;
	case BPF_FUNC_ktime_get_tai_ns:
		return &kbpf_ktime_get_tai_ns_proto;
	case BPF_FUNC_ringbuf_output:
		return &kbpf_ringbuf_output_proto;
	case BPF_FUNC_ringbuf_reserve:
		return &kbpf_ringbuf_reserve_proto;
	case BPF_FUNC_ringbuf_submit:
		return &kbpf_ringbuf_submit_proto;
	case BPF_FUNC_ringbuf_discard:
		return &kbpf_ringbuf_discard_proto;
	case BPF_FUNC_ringbuf_query:
		return &kbpf_ringbuf_query_proto;
	case BPF_FUNC_strncmp:
		return &kbpf_strncmp_proto;
	case BPF_FUNC_strtol:
		return &kbpf_strtol_proto;
	case BPF_FUNC_strtoul:
		return &kbpf_strtoul_proto;
	default:
		break;
	}

	if (!(caps & KBPF_CAP_BPF))
		return NULL;

	switch (func_id) {
	case BPF_FUNC_jiffies64:
		return &kbpf_jiffies64_proto;
	case BPF_FUNC_for_each_map_elem:
		return &kbpf_for_each_map_elem_proto;
	case BPF_FUNC_loop:
		return &kbpf_loop_proto;
	default:
		break;
	}

	if (!(caps & KBPF_CAP_PERFMON))
		return NULL;

	switch (func_id) {
	case BPF_FUNC_trace_printk:
		return &kbpf_trace_printk_proto;
	case BPF_FUNC_snprintf:
		return &kbpf_snprintf_proto;
	case BPF_FUNC_trace_vprintk:
		return &kbpf_trace_vprintk_proto;
	case BPF_FUNC_get_current_task:
		return &kbpf_get_current_task_proto;
	case BPF_FUNC_probe_read_user:
		return &kbpf_probe_read_user_proto;
	case BPF_FUNC_probe_read_kernel:
		return read_kernel_allowed() ? &kbpf_probe_read_kernel_proto : NULL;
	case BPF_FUNC_probe_read_user_str:
		return &kbpf_probe_read_user_str_proto;
	case BPF_FUNC_probe_read_kernel_str:
		return read_kernel_allowed() ?
		       &kbpf_probe_read_kernel_str_proto : NULL;
	default:
		return NULL;
	}
}

/* bpf_sk_base_func_proto(): the networking types' fallback. */
static const struct kbpf_func_proto *sk_base_func_proto(u32 func_id, u32 caps)
{
	switch (func_id) {
	case BPF_FUNC_ktime_get_coarse_ns:
		return &kbpf_ktime_get_coarse_ns_proto;
	default:
		return base_func_proto(func_id, caps);
	}
}

/* sk_filter_func_proto(). */
static const struct kbpf_func_proto *sk_filter_func_proto(u32 func_id, u32 caps)
{
	switch (func_id) {
	case BPF_FUNC_get_socket_cookie:
		return &kbpf_get_socket_cookie_proto;
	case BPF_FUNC_get_socket_uid:
		return &kbpf_get_socket_uid_proto;
	case BPF_FUNC_skb_load_bytes:
		return &kbpf_skb_load_bytes_proto;
	case BPF_FUNC_skb_load_bytes_relative:
		return &kbpf_skb_load_bytes_relative_proto;
	case BPF_FUNC_perf_event_output:
		return &kbpf_skb_event_output_proto;
	default:
		return sk_base_func_proto(func_id, caps);
	}
}

/* The packet metadata helpers of tc_cls_act_func_proto() (skb_meta.c, check_mtu.c). */
static const struct kbpf_func_proto *tc_meta_func_proto(u32 func_id)
{
	switch (func_id) {
	case BPF_FUNC_skb_load_bytes_relative:
		return &kbpf_skb_load_bytes_relative_proto;
	case BPF_FUNC_csum_level:
		return &kbpf_csum_level_proto;
	case BPF_FUNC_set_hash_invalid:
		return &kbpf_set_hash_invalid_proto;
	case BPF_FUNC_set_hash:
		return &kbpf_set_hash_proto;
	case BPF_FUNC_skb_ecn_set_ce:
		return &kbpf_skb_ecn_set_ce_proto;
	case BPF_FUNC_skb_set_tstamp:
		return &kbpf_skb_set_tstamp_proto;
	case BPF_FUNC_check_mtu:
		return &kbpf_skb_check_mtu_proto;
	default:
		return NULL;
	}
}

/* The tunnel metadata helpers of tc and lwt_xmit (tunnel.c). */
static const struct kbpf_func_proto *tunnel_func_proto(u32 func_id)
{
	switch (func_id) {
	case BPF_FUNC_skb_get_tunnel_key:
		return &kbpf_skb_get_tunnel_key_proto;
	case BPF_FUNC_skb_get_tunnel_opt:
		return &kbpf_skb_get_tunnel_opt_proto;
	case BPF_FUNC_skb_set_tunnel_key:
	case BPF_FUNC_skb_set_tunnel_opt:
		return kbpf_skb_set_tunnel_proto(func_id);
	default:
		return NULL;
	}
}

/* tc_cls_act_func_proto(). */
static const struct kbpf_func_proto *tc_cls_act_func_proto(u32 func_id, u32 caps)
{
	const struct kbpf_func_proto *fn = tc_meta_func_proto(func_id);

	if (!fn)
		fn = tunnel_func_proto(func_id);
	if (fn)
		return fn;
	switch (func_id) {
	case BPF_FUNC_csum_update:
		return &kbpf_csum_update_proto;
	case BPF_FUNC_skb_vlan_push:
		return &kbpf_skb_vlan_push_proto;
	case BPF_FUNC_skb_vlan_pop:
		return &kbpf_skb_vlan_pop_proto;
	case BPF_FUNC_skb_change_head:
		return &kbpf_skb_change_head_proto;
	case BPF_FUNC_skb_change_tail:
		return &kbpf_skb_change_tail_proto;
	case BPF_FUNC_skb_adjust_room:
		return &kbpf_skb_adjust_room_proto;
	case BPF_FUNC_skb_change_proto:
		return &kbpf_skb_change_proto_proto;
	case BPF_FUNC_skb_change_type:
		return &kbpf_skb_change_type_proto;
	case BPF_FUNC_skb_pull_data:
		return &kbpf_skb_pull_data_proto;
	case BPF_FUNC_get_socket_cookie:
		return &kbpf_get_socket_cookie_proto;
	case BPF_FUNC_skb_cgroup_id:
		return &kbpf_skb_cgroup_id_proto;
	case BPF_FUNC_skb_ancestor_cgroup_id:
		return &kbpf_skb_ancestor_cgroup_id_proto;
	case BPF_FUNC_get_socket_uid:
		return &kbpf_get_socket_uid_proto;
	case BPF_FUNC_skb_load_bytes:
		return &kbpf_skb_load_bytes_proto;
	case BPF_FUNC_skb_store_bytes:
		return &kbpf_skb_store_bytes_proto;
	case BPF_FUNC_l3_csum_replace:
		return &kbpf_l3_csum_replace_proto;
	case BPF_FUNC_l4_csum_replace:
		return &kbpf_l4_csum_replace_proto;
	case BPF_FUNC_get_cgroup_classid:
		return &kbpf_get_cgroup_classid_proto;
	case BPF_FUNC_csum_diff:
		return &kbpf_csum_diff_proto;
	case BPF_FUNC_get_hash_recalc:
		return &kbpf_get_hash_recalc_proto;
	case BPF_FUNC_get_smp_processor_id:
		return &kbpf_get_smp_processor_id_proto;
	case BPF_FUNC_perf_event_output:
		return &kbpf_skb_event_output_proto;
	case BPF_FUNC_sk_fullsock:
		return &kbpf_sk_fullsock_proto;
	case BPF_FUNC_sk_lookup_tcp:
		return &kbpf_tc_sk_lookup_tcp_proto;
	case BPF_FUNC_sk_lookup_udp:
		return &kbpf_tc_sk_lookup_udp_proto;
	case BPF_FUNC_sk_release:
		return &kbpf_sk_release_proto;
	case BPF_FUNC_tcp_sock:
		return &kbpf_tcp_sock_proto;
	case BPF_FUNC_get_listener_sock:
		return &kbpf_get_listener_sock_proto;
	case BPF_FUNC_skc_lookup_tcp:
		return &kbpf_tc_skc_lookup_tcp_proto;
	case BPF_FUNC_fib_lookup:
		return &kbpf_skb_fib_lookup_proto;
	case BPF_FUNC_redirect:
		return &kbpf_redirect_proto;
	case BPF_FUNC_redirect_neigh:
		return &kbpf_redirect_neigh_proto;
	case BPF_FUNC_redirect_peer:
		return &kbpf_redirect_peer_proto;
	default:
		return sk_base_func_proto(func_id, caps);
	}
}

/* xdp_func_proto(). */
static const struct kbpf_func_proto *xdp_func_proto(u32 func_id, u32 caps)
{
	switch (func_id) {
	case BPF_FUNC_perf_event_output:
		return &kbpf_xdp_event_output_proto;
	case BPF_FUNC_redirect:
		return &kbpf_xdp_redirect_proto;
	case BPF_FUNC_xdp_adjust_head:
		return &kbpf_xdp_adjust_head_proto;
	case BPF_FUNC_xdp_adjust_meta:
		return &kbpf_xdp_adjust_meta_proto;
	case BPF_FUNC_check_mtu:
		return &kbpf_xdp_check_mtu_proto;
	case BPF_FUNC_xdp_adjust_tail:
		return &kbpf_xdp_adjust_tail_proto;
	case BPF_FUNC_xdp_get_buff_len:
		return &kbpf_xdp_get_buff_len_proto;
	case BPF_FUNC_xdp_load_bytes:
		return &kbpf_xdp_load_bytes_proto;
	case BPF_FUNC_xdp_store_bytes:
		return &kbpf_xdp_store_bytes_proto;
	case BPF_FUNC_fib_lookup:
		return &kbpf_xdp_fib_lookup_proto;
	case BPF_FUNC_csum_diff:
		return &kbpf_csum_diff_proto;
	case BPF_FUNC_get_smp_processor_id:
		return &kbpf_get_smp_processor_id_proto;
	default:
		return sk_base_func_proto(func_id, caps);
	}
}

/* cgroup_common_func_proto(): what every cgroup program type starts from. */
static const struct kbpf_func_proto *cgroup_common_func_proto(u32 func_id)
{
	switch (func_id) {
	case BPF_FUNC_get_local_storage:
		return &kbpf_get_local_storage_proto;
	default:
		return NULL;
	}
}

/* The socket helpers (and ECN marking) cgroup_skb has beyond sk_filter's. */
static const struct kbpf_func_proto *cg_skb_sock_func_proto(u32 func_id)
{
	switch (func_id) {
	case BPF_FUNC_skb_cgroup_id:
		return &kbpf_skb_cgroup_id_proto;
	case BPF_FUNC_skb_ancestor_cgroup_id:
		return &kbpf_skb_ancestor_cgroup_id_proto;
	case BPF_FUNC_sk_fullsock:
		return &kbpf_sk_fullsock_proto;
	case BPF_FUNC_sk_lookup_tcp:
		return &kbpf_sk_lookup_tcp_proto;
	case BPF_FUNC_sk_lookup_udp:
		return &kbpf_sk_lookup_udp_proto;
	case BPF_FUNC_sk_release:
		return &kbpf_sk_release_proto;
	case BPF_FUNC_skc_lookup_tcp:
		return &kbpf_skc_lookup_tcp_proto;
	case BPF_FUNC_tcp_sock:
		return &kbpf_tcp_sock_proto;
	case BPF_FUNC_get_listener_sock:
		return &kbpf_get_listener_sock_proto;
	case BPF_FUNC_skb_ecn_set_ce:
		return &kbpf_skb_ecn_set_ce_proto;
	default:
		return NULL;
	}
}

/* cg_skb_func_proto(): the cgroup ones, the socket ones, then sk_filter's. */
static const struct kbpf_func_proto *cg_skb_func_proto(u32 func_id, u32 caps)
{
	const struct kbpf_func_proto *fn = cgroup_common_func_proto(func_id);

	if (!fn)
		fn = cg_skb_sock_func_proto(func_id);
	return fn ? fn : sk_filter_func_proto(func_id, caps);
}

/*
 * sock_filter_func_proto(), cgroup_sock's: the cgroup ones, the current
 * task's, then the base set.
 */
static const struct kbpf_func_proto *cg_sock_func_proto(u32 func_id, u32 caps)
{
	const struct kbpf_func_proto *fn = cgroup_common_func_proto(func_id);

	if (fn)
		return fn;
	switch (func_id) {
	case BPF_FUNC_get_current_uid_gid:
		return &kbpf_get_current_uid_gid_proto;
	case BPF_FUNC_get_current_pid_tgid:
		return &kbpf_get_current_pid_tgid_proto;
	case BPF_FUNC_get_current_comm:
		return &kbpf_get_current_comm_proto;
	case BPF_FUNC_get_current_cgroup_id:
		return &kbpf_get_current_cgroup_id_proto;
	case BPF_FUNC_get_current_ancestor_cgroup_id:
		return &kbpf_get_current_ancestor_cgroup_id_proto;
	case BPF_FUNC_get_socket_cookie:
		return &kbpf_get_socket_cookie_sock_proto;
	case BPF_FUNC_get_netns_cookie:
		return &kbpf_get_netns_cookie_sock_proto;
	case BPF_FUNC_perf_event_output:
		return &kbpf_perf_event_output_proto;
	case BPF_FUNC_ktime_get_coarse_ns:
		return &kbpf_ktime_get_coarse_ns_proto;
	default:
		return base_func_proto(func_id, caps);
	}
}

/* sk_skb_func_proto(). */
static const struct kbpf_func_proto *sk_skb_func_proto(u32 func_id, u32 caps)
{
	switch (func_id) {
	case BPF_FUNC_skb_store_bytes:
		return &kbpf_sk_skb_store_bytes_proto;
	case BPF_FUNC_skb_change_head:
		return &kbpf_sk_skb_change_head_proto;
	case BPF_FUNC_skb_change_tail:
		return &kbpf_sk_skb_change_tail_proto;
	case BPF_FUNC_skb_adjust_room:
		return &kbpf_sk_skb_adjust_room_proto;
	case BPF_FUNC_skb_pull_data:
		return &kbpf_sk_skb_pull_data_proto;
	case BPF_FUNC_get_socket_cookie:
		return &kbpf_get_socket_cookie_proto;
	case BPF_FUNC_get_socket_uid:
		return &kbpf_get_socket_uid_proto;
	case BPF_FUNC_sk_lookup_tcp:
		return &kbpf_sk_lookup_tcp_proto;
	case BPF_FUNC_sk_lookup_udp:
		return &kbpf_sk_lookup_udp_proto;
	case BPF_FUNC_sk_release:
		return &kbpf_sk_release_proto;
	case BPF_FUNC_skc_lookup_tcp:
		return &kbpf_skc_lookup_tcp_proto;
	case BPF_FUNC_perf_event_output:
		return &kbpf_skb_event_output_proto;
	case BPF_FUNC_skb_load_bytes:
		return &kbpf_skb_load_bytes_proto;
	default:
		return sk_base_func_proto(func_id, caps);
	}
}

/* sk_msg_func_proto(): Linux's bpf_event_output_data, no context bytes. */
static const struct kbpf_func_proto *sk_msg_func_proto(u32 func_id, u32 caps)
{
	switch (func_id) {
	case BPF_FUNC_perf_event_output:
		return &kbpf_perf_event_output_proto;
	case BPF_FUNC_get_current_uid_gid:
		return &kbpf_get_current_uid_gid_proto;
	case BPF_FUNC_get_current_pid_tgid:
		return &kbpf_get_current_pid_tgid_proto;
	case BPF_FUNC_get_netns_cookie:
		return &kbpf_get_netns_cookie_sk_msg_proto;
	case BPF_FUNC_get_current_cgroup_id:
		return &kbpf_get_current_cgroup_id_proto;
	case BPF_FUNC_get_current_ancestor_cgroup_id:
		return &kbpf_get_current_ancestor_cgroup_id_proto;
	default:
		return sk_base_func_proto(func_id, caps);
	}
}

/* lwt_out_func_proto(): lwt_in adds only helpers kbpf lacks. */
static const struct kbpf_func_proto *lwt_func_proto(u32 func_id, u32 caps)
{
	switch (func_id) {
	case BPF_FUNC_skb_pull_data:
		return &kbpf_skb_pull_data_proto;
	case BPF_FUNC_skb_load_bytes:
		return &kbpf_skb_load_bytes_proto;
	case BPF_FUNC_get_cgroup_classid:
		return &kbpf_get_cgroup_classid_proto;
	case BPF_FUNC_csum_diff:
		return &kbpf_csum_diff_proto;
	case BPF_FUNC_get_hash_recalc:
		return &kbpf_get_hash_recalc_proto;
	case BPF_FUNC_perf_event_output:
		return &kbpf_skb_event_output_proto;
	case BPF_FUNC_get_smp_processor_id:
		return &kbpf_get_smp_processor_id_proto;
	default:
		return sk_base_func_proto(func_id, caps);
	}
}

/* lwt_xmit_func_proto(): lwt_out's and the packet writers kbpf has. */
static const struct kbpf_func_proto *lwt_xmit_func_proto(u32 func_id, u32 caps)
{
	const struct kbpf_func_proto *fn = tunnel_func_proto(func_id);

	if (fn)
		return fn;
	switch (func_id) {
	case BPF_FUNC_redirect:
		return &kbpf_redirect_proto;
	case BPF_FUNC_skb_change_head:
		return &kbpf_skb_change_head_proto;
	case BPF_FUNC_skb_change_tail:
		return &kbpf_skb_change_tail_proto;
	case BPF_FUNC_skb_store_bytes:
		return &kbpf_skb_store_bytes_proto;
	case BPF_FUNC_csum_update:
		return &kbpf_csum_update_proto;
	case BPF_FUNC_csum_level:
		return &kbpf_csum_level_proto;
	case BPF_FUNC_set_hash_invalid:
		return &kbpf_set_hash_invalid_proto;
	case BPF_FUNC_l3_csum_replace:
		return &kbpf_l3_csum_replace_proto;
	case BPF_FUNC_l4_csum_replace:
		return &kbpf_l4_csum_replace_proto;
	default:
		return lwt_func_proto(func_id, caps);
	}
}

/*
 * cgroup_current_func_proto(): the cgroup hooks that run in the task
 * doing the operation.
 */
static const struct kbpf_func_proto *cgroup_current_func_proto(u32 func_id)
{
	switch (func_id) {
	case BPF_FUNC_get_current_uid_gid:
		return &kbpf_get_current_uid_gid_proto;
	case BPF_FUNC_get_current_pid_tgid:
		return &kbpf_get_current_pid_tgid_proto;
	case BPF_FUNC_get_current_comm:
		return &kbpf_get_current_comm_proto;
	case BPF_FUNC_get_current_cgroup_id:
		return &kbpf_get_current_cgroup_id_proto;
	case BPF_FUNC_get_current_ancestor_cgroup_id:
		return &kbpf_get_current_ancestor_cgroup_id_proto;
	default:
		return NULL;
	}
}

/*
 * sock_addr_func_proto(), sysctl_func_proto() and cgroup_dev_func_proto():
 * the common and current cgroup helpers, perf output without context
 * bytes, then the base ones (sock_addr: the socket and netns cookies and
 * the networking base; sysctl: ktime_get_coarse_ns too).
 */
static const struct kbpf_func_proto *cgroup_task_func_proto(u32 prog_type,
							    u32 func_id,
							    u32 caps)
{
	const struct kbpf_func_proto *fn = cgroup_common_func_proto(func_id);

	if (!fn)
		fn = cgroup_current_func_proto(func_id);
	if (fn)
		return fn;
	if (func_id == BPF_FUNC_perf_event_output)
		return &kbpf_perf_event_output_proto;
	if (prog_type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR) {
		if (func_id == BPF_FUNC_get_socket_cookie)
			return &kbpf_get_socket_cookie_sock_addr_proto;
		if (func_id == BPF_FUNC_get_netns_cookie)
			return &kbpf_get_netns_cookie_sock_addr_proto;
	}
	if (prog_type != BPF_PROG_TYPE_CGROUP_DEVICE)
		return sk_base_func_proto(func_id, caps);
	return base_func_proto(func_id, caps);
}

/*
 * sock_ops_func_proto() and cg_sockopt_func_proto(): the common cgroup
 * helpers (sockopt also the current task's), perf output without context
 * bytes, the netns cookie, then the networking base with the socket
 * cookie (sockopt: the plain base).
 */
static const struct kbpf_func_proto *sock_ops_func_proto(u32 prog_type,
							 u32 func_id, u32 caps)
{
	const struct kbpf_func_proto *fn = cgroup_common_func_proto(func_id);

	if (!fn && prog_type == BPF_PROG_TYPE_CGROUP_SOCKOPT)
		fn = cgroup_current_func_proto(func_id);
	if (fn)
		return fn;
	if (func_id == BPF_FUNC_perf_event_output)
		return &kbpf_perf_event_output_proto;
	if (func_id == BPF_FUNC_get_netns_cookie)
		return prog_type == BPF_PROG_TYPE_SOCK_OPS ?
		       &kbpf_get_netns_cookie_sock_ops_proto :
		       &kbpf_get_netns_cookie_sockopt_proto;
	if (prog_type == BPF_PROG_TYPE_SOCK_OPS) {
		if (func_id == BPF_FUNC_get_socket_cookie)
			return &kbpf_get_socket_cookie_sock_ops_proto;
		return sk_base_func_proto(func_id, caps);
	}
	return base_func_proto(func_id, caps);
}

/* sk_lookup_func_proto(), without sk_assign and sk_release (no sockets yet). */
static const struct kbpf_func_proto *sk_lookup_func_proto(u32 func_id, u32 caps)
{
	if (func_id == BPF_FUNC_perf_event_output)
		return &kbpf_perf_event_output_proto;
	return sk_base_func_proto(func_id, caps);
}

/*
 * bpf_tracing_func_proto(): what kprobe, tracepoint, perf_event and raw
 * tracepoint programs share. Loading them needs CAP_PERFMON already, so
 * Linux gives these helpers without asking again.
 */
static const struct kbpf_func_proto *tracing_func_proto(u32 func_id, u32 caps)
{
	switch (func_id) {
	case BPF_FUNC_map_lookup_elem:
		return &kbpf_map_lookup_elem_proto;
	case BPF_FUNC_map_update_elem:
		return &kbpf_map_update_elem_proto;
	case BPF_FUNC_map_delete_elem:
		return &kbpf_map_delete_elem_proto;
	case BPF_FUNC_map_push_elem:
		return &kbpf_map_push_elem_proto;
	case BPF_FUNC_map_pop_elem:
		return &kbpf_map_pop_elem_proto;
	case BPF_FUNC_map_peek_elem:
		return &kbpf_map_peek_elem_proto;
	case BPF_FUNC_map_lookup_percpu_elem:
		return &kbpf_map_lookup_percpu_elem_proto;
	case BPF_FUNC_ktime_get_ns:
		return &kbpf_ktime_get_ns_proto;
	case BPF_FUNC_ktime_get_boot_ns:
		return &kbpf_ktime_get_boot_ns_proto;
	case BPF_FUNC_tail_call:
		return &kbpf_tail_call_proto;
	case BPF_FUNC_get_smp_processor_id:
		return &kbpf_get_smp_processor_id_proto;
	case BPF_FUNC_get_numa_node_id:
		return &kbpf_get_numa_node_id_proto;
	case BPF_FUNC_get_prandom_u32:
		return &kbpf_get_prandom_u32_proto;
	case BPF_FUNC_jiffies64:
		return &kbpf_jiffies64_proto;
	case BPF_FUNC_get_current_pid_tgid:
		return &kbpf_get_current_pid_tgid_proto;
	case BPF_FUNC_get_current_task:
		return &kbpf_get_current_task_proto;
	case BPF_FUNC_trace_printk:
		return &kbpf_trace_printk_proto;
	case BPF_FUNC_snprintf:
		return &kbpf_snprintf_proto;
	case BPF_FUNC_get_current_uid_gid:
		return &kbpf_get_current_uid_gid_proto;
	case BPF_FUNC_get_current_comm:
		return &kbpf_get_current_comm_proto;
	case BPF_FUNC_get_current_cgroup_id:
		return &kbpf_get_current_cgroup_id_proto;
	case BPF_FUNC_get_current_ancestor_cgroup_id:
		return &kbpf_get_current_ancestor_cgroup_id_proto;
	case BPF_FUNC_probe_write_user:
		return security_locked_down(LOCKDOWN_BPF_WRITE_USER) < 0 ?
		       NULL : &kbpf_probe_write_user_proto;
	case BPF_FUNC_probe_read_user:
		return &kbpf_probe_read_user_proto;
	case BPF_FUNC_probe_read_kernel:
		return read_kernel_allowed() ? &kbpf_probe_read_kernel_proto : NULL;
	case BPF_FUNC_probe_read_user_str:
		return &kbpf_probe_read_user_str_proto;
	case BPF_FUNC_probe_read_kernel_str:
		return read_kernel_allowed() ?
		       &kbpf_probe_read_kernel_str_proto : NULL;
	case BPF_FUNC_ringbuf_output:
		return &kbpf_ringbuf_output_proto;
	case BPF_FUNC_ringbuf_reserve:
		return &kbpf_ringbuf_reserve_proto;
	case BPF_FUNC_ringbuf_submit:
		return &kbpf_ringbuf_submit_proto;
	case BPF_FUNC_ringbuf_discard:
		return &kbpf_ringbuf_discard_proto;
	case BPF_FUNC_ringbuf_query:
		return &kbpf_ringbuf_query_proto;
	case BPF_FUNC_for_each_map_elem:
		return &kbpf_for_each_map_elem_proto;
	/* Linux offers the user-or-kernel reads where the halves do not overlap. */
	case BPF_FUNC_probe_read:
		return read_kernel_allowed() ? &kbpf_probe_read_compat_proto : NULL;
	case BPF_FUNC_probe_read_str:
		return read_kernel_allowed() ?
		       &kbpf_probe_read_compat_str_proto : NULL;
	case BPF_FUNC_send_signal:
		return &kbpf_send_signal_proto;
	case BPF_FUNC_send_signal_thread:
		return &kbpf_send_signal_thread_proto;
	case BPF_FUNC_get_ns_current_pid_tgid:
		return &kbpf_get_ns_current_pid_tgid_proto;
	case BPF_FUNC_trace_vprintk:
		return &kbpf_trace_vprintk_proto;
	default:
		return base_func_proto(func_id, caps);
	}
}

/*
 * kprobe_prog_func_proto(). Linux has one bpf_perf_event_output proto per
 * tracing context (pt_regs, tracepoint, raw tracepoint); kbpf's ignores
 * the context, so one serves all. bpf_get_func_ip and
 * bpf_get_attach_cookie exist for kprobe_multi programs only
 * (helpers/kprobe_multi.c says why).
 */
static const struct kbpf_func_proto *kprobe_func_proto(u32 eat, u32 func_id,
						       u32 caps)
{
	bool multi = eat == BPF_TRACE_KPROBE_MULTI;

	switch (func_id) {
	case BPF_FUNC_get_func_ip:
		return multi ? &kbpf_get_func_ip_kprobe_multi_proto : NULL;
	case BPF_FUNC_get_attach_cookie:
		return multi ? &kbpf_get_attach_cookie_kprobe_multi_proto : NULL;
	case BPF_FUNC_perf_event_output:
		return &kbpf_perf_event_output_proto;
	case BPF_FUNC_get_stackid:
		return &kbpf_get_stackid_proto;
	case BPF_FUNC_get_stack:
		return &kbpf_get_stack_proto;
	default:
		return tracing_func_proto(func_id, caps);
	}
}

/*
 * tp_prog_func_proto(), pe_prog_func_proto(), raw_tp_prog_func_proto():
 * each with its own stack helpers, which find the registers in their
 * context (helpers/stack.c).
 */
static const struct kbpf_func_proto *tp_func_proto(u32 prog_type,
						   u32 func_id, u32 caps)
{
	bool tp = prog_type == BPF_PROG_TYPE_TRACEPOINT;
	bool pe = prog_type == BPF_PROG_TYPE_PERF_EVENT;

	switch (func_id) {
	case BPF_FUNC_perf_event_output:
		return &kbpf_perf_event_output_proto;
	case BPF_FUNC_get_stackid:
		return tp ? &kbpf_get_stackid_tp_proto :
		       pe ? &kbpf_get_stackid_pe_proto :
		       &kbpf_get_stackid_raw_tp_proto;
	case BPF_FUNC_get_stack:
		return tp ? &kbpf_get_stack_tp_proto :
		       pe ? &kbpf_get_stack_pe_proto :
		       &kbpf_get_stack_raw_tp_proto;
	default:
		return tracing_func_proto(func_id, caps);
	}
}

const struct kbpf_func_proto *kbpf_get_func_proto_attach(u32 prog_type,
							 u32 eat, u32 func_id,
							 u32 caps)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
		return sk_filter_func_proto(func_id, caps);
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return tc_cls_act_func_proto(func_id, caps);
	case BPF_PROG_TYPE_XDP:
		return xdp_func_proto(func_id, caps);
	case BPF_PROG_TYPE_CGROUP_SKB:
		return cg_skb_func_proto(func_id, caps);
	case BPF_PROG_TYPE_CGROUP_SOCK:
		return cg_sock_func_proto(func_id, caps);
	case BPF_PROG_TYPE_SK_SKB:
		return sk_skb_func_proto(func_id, caps);
	case BPF_PROG_TYPE_SK_MSG:
		return sk_msg_func_proto(func_id, caps);
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
		return lwt_func_proto(func_id, caps);
	case BPF_PROG_TYPE_LWT_XMIT:
		return lwt_xmit_func_proto(func_id, caps);
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
		return cgroup_task_func_proto(prog_type, func_id, caps);
	case BPF_PROG_TYPE_SK_LOOKUP:
		return sk_lookup_func_proto(func_id, caps);
	case BPF_PROG_TYPE_SOCK_OPS:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return sock_ops_func_proto(prog_type, func_id, caps);
	case BPF_PROG_TYPE_KPROBE:
		return kprobe_func_proto(eat, func_id, caps);
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
		return tp_func_proto(prog_type, func_id, caps);
	default:
		return NULL;
	}
}

const struct kbpf_func_proto *kbpf_get_func_proto_caps(u32 prog_type,
						       u32 func_id, u32 caps)
{
	return kbpf_get_func_proto_attach(prog_type, 0, func_id, caps);
}

u32 kbpf_current_caps(void)
{
	u32 caps = 0;

	if (bpf_capable())
		caps |= KBPF_CAP_BPF;
	if (perfmon_capable())
		caps |= KBPF_CAP_PERFMON;
	return caps;
}

const struct kbpf_func_proto *kbpf_get_func_proto(u32 prog_type, u32 eat,
						  u32 func_id)
{
	return kbpf_get_func_proto_attach(prog_type, eat, func_id,
					  kbpf_current_caps());
}
