// SPDX-License-Identifier: GPL-2.0
/*
 * The per program type helper tables (helpers/prog_types.c) against Linux
 * 6.1's, written out here by hand from its get_func_proto functions
 * (kernel/bpf/helpers.c bpf_base_func_proto, kernel/trace/bpf_trace.c,
 * net/core/filter.c, kernel/bpf/cgroup.c) for the helpers of kbpf's list:
 * for every program type, helper and capability set, kbpf offers a helper
 * exactly when Linux does and kbpf implements it; its name and gpl_only
 * are Linux's.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include "ktest.h"

struct helper_info {
	u32 id;
	const char *name;
	bool gpl_only;		/* Linux's (linux_not_gpl() has the exceptions) */
};

#define H(n, gpl)	{ BPF_FUNC_##n, "bpf_" #n, gpl }

/* The helpers of issues 4 and 5, Linux's gpl_only for each. */
static const struct helper_info helpers[] = {
	H(map_lookup_elem, false), H(map_update_elem, false),
	H(map_delete_elem, false), H(map_push_elem, false),
	H(map_pop_elem, false), H(map_peek_elem, false),
	H(for_each_map_elem, false), H(loop, false), H(tail_call, false),
	H(ktime_get_ns, false), H(ktime_get_boot_ns, false),
	H(ktime_get_coarse_ns, false), H(jiffies64, false),
	H(get_prandom_u32, false), H(get_smp_processor_id, false),
	H(get_numa_node_id, false), H(get_current_pid_tgid, false),
	H(get_current_uid_gid, false), H(get_current_comm, false),
	H(get_current_task, true), H(get_current_cgroup_id, false),
	H(get_current_ancestor_cgroup_id, false),
	H(probe_read_kernel, true), H(probe_read_kernel_str, true),
	H(probe_read_user, true), H(probe_read_user_str, true),
	H(probe_write_user, true), H(trace_printk, true), H(snprintf, true),
	H(perf_event_output, true), H(ringbuf_output, false),
	H(ringbuf_reserve, false), H(ringbuf_submit, false),
	H(ringbuf_discard, false), H(ringbuf_query, false),
	H(get_local_storage, false), H(skb_load_bytes, false),
	H(skb_store_bytes, false), H(csum_diff, false),
	H(get_socket_cookie, false), H(get_socket_uid, false),
	H(get_cgroup_classid, false), H(skb_cgroup_id, false),
	H(get_func_ip, true), H(get_stackid, true), H(get_stack, true),
	H(get_netns_cookie, false), H(csum_update, false),
	H(skb_vlan_push, false), H(skb_vlan_pop, false),
	H(skb_change_head, false), H(bind, false),
	H(strtol, false), H(strtoul, false), H(get_hash_recalc, false),
	H(xdp_adjust_head, false), H(xdp_adjust_meta, false),
	H(skb_ancestor_cgroup_id, false), H(map_lookup_percpu_elem, false),
	H(ktime_get_tai_ns, false), H(strncmp, false),
	H(skb_change_tail, false), H(skb_adjust_room, false),
	H(fib_lookup, true), H(skb_change_proto, false),
	H(skb_change_type, false), H(skb_pull_data, false),
	H(skb_load_bytes_relative, false),
	H(set_hash_invalid, false), H(set_hash, false), H(csum_level, false),
	H(skb_ecn_set_ce, false), H(skb_set_tstamp, false),
	H(check_mtu, true), H(skb_get_tunnel_key, false),
	H(skb_set_tunnel_key, false), H(skb_get_tunnel_opt, false),
	H(skb_set_tunnel_opt, false),
	H(probe_read, true), H(probe_read_str, true), H(send_signal, false),
	H(send_signal_thread, false), H(get_ns_current_pid_tgid, false),
	H(trace_vprintk, true), H(perf_event_read, true),
	H(perf_event_read_value, true),
	H(xdp_adjust_tail, false),
	H(xdp_get_buff_len, false), H(xdp_load_bytes, false),
	H(xdp_store_bytes, false), H(redirect, false),
	H(redirect_neigh, false), H(redirect_peer, false),
	H(redirect_map, false),
};

/*
 * Helpers of the list kbpf does not implement yet (README says why); the
 * test expects them absent everywhere. Shrinks as helpers land.
 */
static const char *const kbpf_missing =
	" get_func_ip bind perf_event_read perf_event_read_value redirect_map ";

/* bpf_base_func_proto(), by the capability each part needs. */
#define BASE_ANY " map_lookup_elem map_update_elem map_delete_elem"	\
	" map_push_elem map_pop_elem map_peek_elem get_prandom_u32"	\
	" get_smp_processor_id get_numa_node_id tail_call ktime_get_ns"	\
	" ktime_get_boot_ns ringbuf_output ringbuf_reserve ringbuf_submit" \
	" ringbuf_discard ringbuf_query strtol strtoul"			\
	" map_lookup_percpu_elem ktime_get_tai_ns strncmp "
#define BASE_BPF " jiffies64 for_each_map_elem loop "
#define BASE_PERFMON " trace_printk get_current_task probe_read_user"	\
	" probe_read_kernel probe_read_user_str probe_read_kernel_str snprintf" \
	" trace_vprintk "
/* bpf_sk_base_func_proto() adds this for every caller. */
#define SK_BASE " ktime_get_coarse_ns "

/* bpf_tracing_func_proto(): no capability asked (loading needed them). */
#define TRACING " map_lookup_elem map_update_elem map_delete_elem"	\
	" map_push_elem map_pop_elem map_peek_elem ktime_get_ns"	\
	" ktime_get_boot_ns tail_call get_current_pid_tgid"		\
	" get_current_task get_current_uid_gid get_current_comm"	\
	" trace_printk get_smp_processor_id get_numa_node_id"		\
	" get_prandom_u32 probe_write_user probe_read_user"		\
	" probe_read_kernel probe_read_user_str probe_read_kernel_str"	\
	" get_current_cgroup_id get_current_ancestor_cgroup_id"		\
	" ringbuf_output ringbuf_reserve ringbuf_submit ringbuf_discard"	\
	" ringbuf_query jiffies64 for_each_map_elem snprintf get_func_ip"	\
	" strtol strtoul map_lookup_percpu_elem ktime_get_tai_ns strncmp"	\
	" probe_read probe_read_str send_signal send_signal_thread"	\
	" get_ns_current_pid_tgid trace_vprintk perf_event_read"	\
	" perf_event_read_value "

struct type_table {
	u32 prog_type;
	const char *any;	/* offered whatever the loader's capabilities */
	const char *bpf;	/* with bpf_capable() */
	const char *perfmon;	/* with bpf_capable() and perfmon_capable() */
};

#define SK_FILTER " skb_load_bytes get_socket_cookie get_socket_uid"	\
	" perf_event_output skb_load_bytes_relative "
/* The tunnel helpers tc and lwt_xmit share. */
#define TUNNEL " skb_get_tunnel_key skb_set_tunnel_key skb_get_tunnel_opt" \
	" skb_set_tunnel_opt "
#define TC " skb_store_bytes skb_load_bytes csum_diff get_cgroup_classid" \
	" perf_event_output get_smp_processor_id get_socket_cookie"	\
	" get_socket_uid skb_cgroup_id csum_update skb_vlan_push skb_vlan_pop"\
	" skb_change_head get_hash_recalc skb_ancestor_cgroup_id"		\
	" skb_change_tail skb_adjust_room fib_lookup skb_change_proto"	\
	" skb_change_type skb_pull_data skb_load_bytes_relative"		\
	" csum_level set_hash_invalid set_hash skb_ecn_set_ce skb_set_tstamp" \
	" check_mtu redirect redirect_neigh redirect_peer " TUNNEL
#define STACKS " perf_event_output get_stackid get_stack "
#define LWT " skb_load_bytes csum_diff get_cgroup_classid perf_event_output" \
	" get_smp_processor_id get_hash_recalc skb_pull_data "
/* cgroup_common_func_proto(), cgroup_current_func_proto() and the event output. */
#define CG_TASK " get_local_storage get_current_uid_gid get_current_pid_tgid" \
	" get_current_comm get_current_cgroup_id"			\
	" get_current_ancestor_cgroup_id get_cgroup_classid perf_event_output "

static const struct type_table tables[] = {
	{ BPF_PROG_TYPE_SOCKET_FILTER, SK_FILTER SK_BASE BASE_ANY, BASE_BPF,
	  BASE_PERFMON },
	{ BPF_PROG_TYPE_SCHED_CLS, TC SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_SCHED_ACT, TC SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_XDP, " perf_event_output get_smp_processor_id csum_diff"
	  " xdp_adjust_head xdp_adjust_meta fib_lookup check_mtu xdp_adjust_tail"
	  " xdp_get_buff_len xdp_load_bytes xdp_store_bytes redirect"
	  " redirect_map "
	  SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_CGROUP_SKB, " get_local_storage skb_cgroup_id"
	  " skb_ancestor_cgroup_id skb_ecn_set_ce "
	  SK_FILTER SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_SK_SKB, " skb_store_bytes skb_load_bytes skb_change_head"
	  " skb_change_tail skb_adjust_room skb_pull_data"
	  " get_socket_cookie get_socket_uid perf_event_output "
	  SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_SK_MSG, " perf_event_output get_current_uid_gid"
	  " get_current_pid_tgid get_current_cgroup_id"
	  " get_current_ancestor_cgroup_id get_cgroup_classid get_netns_cookie "
	  SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	/* lwt_out_func_proto(); lwt_in adds none of the list. */
	{ BPF_PROG_TYPE_LWT_IN, LWT SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_LWT_OUT, LWT SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_LWT_XMIT, " skb_store_bytes skb_change_head csum_update"
	  " skb_change_tail csum_level set_hash_invalid redirect " TUNNEL
	  LWT SK_BASE BASE_ANY,
	  BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_CGROUP_SOCK_ADDR, CG_TASK " get_socket_cookie"
	  " get_netns_cookie " SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	/* sock_filter_func_proto() */
	{ BPF_PROG_TYPE_CGROUP_SOCK, CG_TASK " get_socket_cookie"
	  " get_netns_cookie ktime_get_coarse_ns " BASE_ANY, BASE_BPF,
	  BASE_PERFMON },
	{ BPF_PROG_TYPE_CGROUP_SYSCTL, CG_TASK SK_BASE BASE_ANY, BASE_BPF,
	  BASE_PERFMON },
	{ BPF_PROG_TYPE_CGROUP_DEVICE, CG_TASK BASE_ANY, BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_SK_LOOKUP, " perf_event_output " SK_BASE BASE_ANY,
	  BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_SOCK_OPS, " get_local_storage get_socket_cookie"
	  " get_netns_cookie perf_event_output " SK_BASE BASE_ANY, BASE_BPF, BASE_PERFMON },
	{ BPF_PROG_TYPE_CGROUP_SOCKOPT, CG_TASK " get_netns_cookie " BASE_ANY,
	  BASE_BPF,
	  BASE_PERFMON },
	/* The tracing types reach bpf_base_func_proto() only for loop. */
	{ BPF_PROG_TYPE_KPROBE, STACKS TRACING, " loop ", "" },
	{ BPF_PROG_TYPE_TRACEPOINT, STACKS TRACING, " loop ", "" },
	{ BPF_PROG_TYPE_PERF_EVENT, STACKS TRACING, " loop ", "" },
	{ BPF_PROG_TYPE_RAW_TRACEPOINT, STACKS TRACING, " loop ", "" },
	{ BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, STACKS TRACING, " loop ", "" },
};

/* Whether " name " is a word of list (lists start and end with a space). */
static bool in_list(const char *list, const char *name)
{
	char word[64];

	snprintf(word, sizeof(word), " %s ", name);
	return strstr(list, word) != NULL;
}

/* kbpf's gaps for one program type only. */
static bool type_missing(u32 prog_type, const char *name)
{
	/*
	 * sk_msg's and the cgroup hooks' variant reads current's classid through
	 * __task_get_classid(), which kernels without net_cls (the debug
	 * test kernel) do not define.
	 */
	switch (prog_type) {
	case BPF_PROG_TYPE_SK_MSG:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return in_list(" get_cgroup_classid ", name);
	default:
		return false;
	}
}

/* The variants whose gpl_only differs from the helper's other ones. */
static bool linux_not_gpl(u32 prog_type, u32 func_id)
{
	/* bpf_get_stackid_proto_pe. */
	return prog_type == BPF_PROG_TYPE_PERF_EVENT &&
	       func_id == BPF_FUNC_get_stackid;
}

static bool linux_offers(const struct type_table *t, const char *name,
			 u32 caps)
{
	if (in_list(t->any, name))
		return true;
	if ((caps & KBPF_CAP_BPF) && in_list(t->bpf, name))
		return true;
	return (caps & KBPF_CAP_BPF) && (caps & KBPF_CAP_PERFMON) &&
	       in_list(t->perfmon, name);
}

TEST(helper_protos_match_linux_tables)
{
	static const u32 cap_sets[] = { 0, KBPF_CAP_BPF, KBPF_CAP_PERFMON,
					KBPF_CAP_BPF | KBPF_CAP_PERFMON };
	size_t t, h, c;

	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		for (h = 0; h < ARRAY_SIZE(helpers); h++) {
			const char *name = helpers[h].name + 4;

			for (c = 0; c < ARRAY_SIZE(cap_sets); c++) {
				const struct kbpf_func_proto *p;
				bool want;

				want = linux_offers(&tables[t], name,
						    cap_sets[c]) &&
				       !in_list(kbpf_missing, name) &&
				       !type_missing(tables[t].prog_type, name);
				p = kbpf_get_func_proto_caps(tables[t].prog_type,
							     helpers[h].id,
							     cap_sets[c]);
				if (!EXPECT_EQ(p != NULL, want))
					fprintf(stderr, "  prog type %u, %s, caps %u\n",
						tables[t].prog_type, name,
						cap_sets[c]);
				if (!p)
					continue;
				EXPECT_TRUE(!strcmp(p->name, helpers[h].name));
				EXPECT_EQ(p->gpl_only, helpers[h].gpl_only &&
					  !linux_not_gpl(tables[t].prog_type,
							 helpers[h].id));
				/* Only tail_call is rewritten, not called. */
				EXPECT_EQ(p->func == NULL,
					  helpers[h].id == BPF_FUNC_tail_call);
			}
		}
	}
}

TEST(helper_protos_unknown_type_or_id)
{
	const u32 all = KBPF_CAP_BPF | KBPF_CAP_PERFMON;

	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_UNSPEC,
					     BPF_FUNC_map_lookup_elem, all));
	EXPECT_NULL(kbpf_get_func_proto_caps(1000,
					     BPF_FUNC_map_lookup_elem, all));
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_KPROBE,
					     BPF_FUNC_unspec, all));
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_KPROBE,
					     __BPF_FUNC_MAX_ID, all));
	EXPECT_NULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_KPROBE,
					     U32_MAX, all));
}

TEST(helper_protos_follow_current_caps)
{
	kbpf_shim_set_caps(0);
	EXPECT_EQ(kbpf_current_caps(), 0);
	EXPECT_NULL(kbpf_get_func_proto(BPF_PROG_TYPE_SOCKET_FILTER, 0,
					BPF_FUNC_jiffies64));
	EXPECT_NONNULL(kbpf_get_func_proto(BPF_PROG_TYPE_SOCKET_FILTER, 0,
					   BPF_FUNC_map_lookup_elem));
	kbpf_shim_set_caps(1ULL << CAP_BPF);
	EXPECT_EQ(kbpf_current_caps(), KBPF_CAP_BPF);
	EXPECT_NONNULL(kbpf_get_func_proto(BPF_PROG_TYPE_SOCKET_FILTER, 0,
					   BPF_FUNC_jiffies64));
	kbpf_shim_set_caps(1ULL << CAP_SYS_ADMIN);
	EXPECT_EQ(kbpf_current_caps(), KBPF_CAP_BPF | KBPF_CAP_PERFMON);
	kbpf_shim_set_caps(1ULL << CAP_PERFMON);
	EXPECT_EQ(kbpf_current_caps(), KBPF_CAP_PERFMON);
	kbpf_shim_set_caps(~0ULL);
}

/* The verifier reads arg_type; spot-check the ones it must get right. */
TEST(helper_protos_arg_types)
{
	const struct kbpf_func_proto *p;

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP,
				     BPF_FUNC_map_lookup_elem, 0);
	ASSERT_NONNULL(p);
	EXPECT_EQ(p->ret_type, KBPF_RET_PTR_TO_MAP_VALUE | KBPF_PTR_MAYBE_NULL);
	EXPECT_EQ(p->arg_type[0], KBPF_ARG_CONST_MAP_PTR);
	EXPECT_EQ(p->arg_type[1], KBPF_ARG_PTR_TO_MAP_KEY);
	EXPECT_EQ(p->arg_type[2], KBPF_ARG_DONTCARE);
	EXPECT_TRUE(p->pkt_access);

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP,
				     BPF_FUNC_map_pop_elem, 0);
	ASSERT_NONNULL(p);
	EXPECT_EQ(p->arg_type[1], KBPF_ARG_PTR_TO_MAP_VALUE | KBPF_MEM_UNINIT);
	EXPECT_FALSE(p->pkt_access);

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP,
				     BPF_FUNC_map_lookup_percpu_elem, 0);
	ASSERT_NONNULL(p);
	EXPECT_EQ(p->ret_type, KBPF_RET_PTR_TO_MAP_VALUE | KBPF_PTR_MAYBE_NULL);
	EXPECT_EQ(p->arg_type[0], KBPF_ARG_CONST_MAP_PTR);
	EXPECT_EQ(p->arg_type[1], KBPF_ARG_PTR_TO_MAP_KEY);
	EXPECT_EQ(p->arg_type[2], KBPF_ARG_ANYTHING);
	EXPECT_TRUE(p->pkt_access);

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_KPROBE, BPF_FUNC_strncmp, 0);
	ASSERT_NONNULL(p);
	EXPECT_EQ(p->ret_type, KBPF_RET_INTEGER);
	EXPECT_EQ(p->arg_type[0], KBPF_ARG_PTR_TO_MEM);
	EXPECT_EQ(p->arg_type[1], KBPF_ARG_CONST_SIZE);
	EXPECT_EQ(p->arg_type[2], KBPF_ARG_PTR_TO_CONST_STR);
	EXPECT_FALSE(p->pkt_access);

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_KPROBE,
				     BPF_FUNC_tail_call, 0);
	ASSERT_NONNULL(p);
	EXPECT_EQ(p->ret_type, KBPF_RET_VOID);
	EXPECT_EQ(p->arg_type[0], KBPF_ARG_PTR_TO_CTX);
	EXPECT_EQ(p->arg_type[1], KBPF_ARG_CONST_MAP_PTR);
	EXPECT_EQ(p->arg_type[2], KBPF_ARG_ANYTHING);

	/* Linux's: load writes uninitialised memory, store only reads it. */
	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP,
				     BPF_FUNC_xdp_load_bytes, 0);
	ASSERT_NONNULL(p);
	EXPECT_EQ(p->arg_type[0], KBPF_ARG_PTR_TO_CTX);
	EXPECT_EQ(p->arg_type[1], KBPF_ARG_ANYTHING);
	EXPECT_EQ(p->arg_type[2], KBPF_ARG_PTR_TO_MEM | KBPF_MEM_UNINIT);
	EXPECT_EQ(p->arg_type[3], KBPF_ARG_CONST_SIZE);
	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP,
				     BPF_FUNC_xdp_store_bytes, 0);
	ASSERT_NONNULL(p);
	EXPECT_EQ(p->arg_type[2], KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY);
	EXPECT_EQ(p->arg_type[3], KBPF_ARG_CONST_SIZE);
}

TEST(helper_protos_simple_helpers_run)
{
	const u32 all = KBPF_CAP_BPF | KBPF_CAP_PERFMON;
	const struct kbpf_func_proto *p;
	u64 a, b, j;

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_ns, 0);
	ASSERT_NONNULL(p);
	a = p->func(0, 0, 0, 0, 0);
	b = ktime_get_mono_fast_ns();
	EXPECT_TRUE(a > 0 && a <= b && b - a < 1000000000ULL);

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_boot_ns, 0);
	ASSERT_NONNULL(p);
	a = p->func(0, 0, 0, 0, 0);
	EXPECT_TRUE(a >= b);	/* boot time includes suspend: never behind */

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_coarse_ns, 0);
	ASSERT_NONNULL(p);
	a = p->func(0, 0, 0, 0, 0);
	EXPECT_TRUE(a <= ktime_get_mono_fast_ns() &&
		    ktime_get_mono_fast_ns() - a < 1000000000ULL);

	/* TAI runs ahead of UTC by the leap seconds; here it is the clock's. */
	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_tai_ns, 0);
	ASSERT_NONNULL(p);
	b = ktime_get_tai_fast_ns();
	a = p->func(0, 0, 0, 0, 0);
	EXPECT_TRUE(a >= b && a - b < 1000000000ULL);

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP, BPF_FUNC_jiffies64, all);
	ASSERT_NONNULL(p);
	j = p->func(0, 0, 0, 0, 0);
	EXPECT_TRUE(j <= get_jiffies_64() && get_jiffies_64() - j <= HZ);

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP,
				     BPF_FUNC_get_smp_processor_id, 0);
	ASSERT_NONNULL(p);
	kbpf_shim_set_cpu(5);
	EXPECT_EQ(p->func(0, 0, 0, 0, 0), 5);
	kbpf_shim_set_cpu(0);
	EXPECT_EQ(p->func(0, 0, 0, 0, 0), 0);

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_XDP,
				     BPF_FUNC_get_numa_node_id, 0);
	ASSERT_NONNULL(p);
	EXPECT_EQ(p->func(0, 0, 0, 0, 0), 0);
}

TEST(helper_prandom_u32_is_32_random_bits)
{
	const struct kbpf_func_proto *p;
	u32 seen_or = 0, seen_and = ~0u, i, same = 0;
	u64 v, prev = ~0ULL;

	p = kbpf_get_func_proto_caps(BPF_PROG_TYPE_SOCKET_FILTER,
				     BPF_FUNC_get_prandom_u32, 0);
	ASSERT_NONNULL(p);
	ASSERT_EQ(kbpf_helpers_init(), 0);
	for (i = 0; i < 1000; i++) {
		v = p->func(0, 0, 0, 0, 0);
		EXPECT_EQ(v >> 32, 0);
		seen_or |= v;
		seen_and &= v;
		same += v == prev;
		prev = v;
	}
	/* Every bit takes both values in 1000 draws, nearly surely. */
	EXPECT_EQ(seen_or, ~0u);
	EXPECT_EQ(seen_and, 0);
	EXPECT_TRUE(same < 3);
	/* Each CPU has its own sequence. */
	kbpf_shim_set_cpu(1);
	v = p->func(0, 0, 0, 0, 0);
	kbpf_shim_set_cpu(2);
	EXPECT_NE(p->func(0, 0, 0, 0, 0), v);
	kbpf_shim_set_cpu(0);
	kbpf_helpers_exit();
}

/* Lockdown hides probe_write_user, then kernel reads, as in Linux. */
TEST(helper_protos_lockdown)
{
	const u32 all = KBPF_CAP_BPF | KBPF_CAP_PERFMON;
	const u32 k = BPF_PROG_TYPE_KPROBE, s = BPF_PROG_TYPE_SOCKET_FILTER;

	EXPECT_NONNULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_write_user, all));
	kbpf_shim_lockdown = LOCKDOWN_BPF_WRITE_USER;
	EXPECT_NULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_write_user, all));
	EXPECT_NONNULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_read_kernel, all));
	kbpf_shim_lockdown = LOCKDOWN_BPF_READ_KERNEL;
	EXPECT_NULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_read_kernel, all));
	EXPECT_NULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_read_kernel_str, all));
	EXPECT_NULL(kbpf_get_func_proto_caps(s, BPF_FUNC_probe_read_kernel, all));
	EXPECT_NULL(kbpf_get_func_proto_caps(s, BPF_FUNC_probe_read_kernel_str, all));
	/* The legacy reads may reach the kernel: hidden too. */
	EXPECT_NULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_read, all));
	EXPECT_NULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_read_str, all));
	/* User memory stays readable. */
	EXPECT_NONNULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_read_user, all));
	EXPECT_NONNULL(kbpf_get_func_proto_caps(s, BPF_FUNC_probe_read_user_str, all));
	kbpf_shim_lockdown = LOCKDOWN_NONE;
	EXPECT_NONNULL(kbpf_get_func_proto_caps(s, BPF_FUNC_probe_read_kernel, all));
	EXPECT_NONNULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_read, all));
	EXPECT_NONNULL(kbpf_get_func_proto_caps(k, BPF_FUNC_probe_read_str, all));
}
