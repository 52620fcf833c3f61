// SPDX-License-Identifier: GPL-2.0
/*
 * Names of enum bpf_cmd, bpf_map_type and bpf_prog_type values: commands
 * by their C names, types by the short names bpftool and libbpf use.
 */
#include <string.h>

#include "kbpftool.h"

#define CMD(c)	[c] = #c

static const char *const cmd_names[] = {
	CMD(BPF_MAP_CREATE),
	CMD(BPF_MAP_LOOKUP_ELEM),
	CMD(BPF_MAP_UPDATE_ELEM),
	CMD(BPF_MAP_DELETE_ELEM),
	CMD(BPF_MAP_GET_NEXT_KEY),
	CMD(BPF_PROG_LOAD),
	CMD(BPF_OBJ_PIN),
	CMD(BPF_OBJ_GET),
	CMD(BPF_PROG_ATTACH),
	CMD(BPF_PROG_DETACH),
	CMD(BPF_PROG_TEST_RUN),
	CMD(BPF_PROG_GET_NEXT_ID),
	CMD(BPF_MAP_GET_NEXT_ID),
	CMD(BPF_PROG_GET_FD_BY_ID),
	CMD(BPF_MAP_GET_FD_BY_ID),
	CMD(BPF_OBJ_GET_INFO_BY_FD),
	CMD(BPF_PROG_QUERY),
	CMD(BPF_RAW_TRACEPOINT_OPEN),
	CMD(BPF_BTF_LOAD),
	CMD(BPF_BTF_GET_FD_BY_ID),
	CMD(BPF_TASK_FD_QUERY),
	CMD(BPF_MAP_LOOKUP_AND_DELETE_ELEM),
	CMD(BPF_MAP_FREEZE),
	CMD(BPF_BTF_GET_NEXT_ID),
	CMD(BPF_MAP_LOOKUP_BATCH),
	CMD(BPF_MAP_LOOKUP_AND_DELETE_BATCH),
	CMD(BPF_MAP_UPDATE_BATCH),
	CMD(BPF_MAP_DELETE_BATCH),
	CMD(BPF_LINK_CREATE),
	CMD(BPF_LINK_UPDATE),
	CMD(BPF_LINK_GET_FD_BY_ID),
	CMD(BPF_LINK_GET_NEXT_ID),
	CMD(BPF_ENABLE_STATS),
	CMD(BPF_ITER_CREATE),
	CMD(BPF_LINK_DETACH),
	CMD(BPF_PROG_BIND_MAP),
};

static const char *const map_type_names[] = {
	[BPF_MAP_TYPE_UNSPEC]			= "unspec",
	[BPF_MAP_TYPE_HASH]			= "hash",
	[BPF_MAP_TYPE_ARRAY]			= "array",
	[BPF_MAP_TYPE_PROG_ARRAY]		= "prog_array",
	[BPF_MAP_TYPE_PERF_EVENT_ARRAY]		= "perf_event_array",
	[BPF_MAP_TYPE_PERCPU_HASH]		= "percpu_hash",
	[BPF_MAP_TYPE_PERCPU_ARRAY]		= "percpu_array",
	[BPF_MAP_TYPE_STACK_TRACE]		= "stack_trace",
	[BPF_MAP_TYPE_CGROUP_ARRAY]		= "cgroup_array",
	[BPF_MAP_TYPE_LRU_HASH]			= "lru_hash",
	[BPF_MAP_TYPE_LRU_PERCPU_HASH]		= "lru_percpu_hash",
	[BPF_MAP_TYPE_LPM_TRIE]			= "lpm_trie",
	[BPF_MAP_TYPE_ARRAY_OF_MAPS]		= "array_of_maps",
	[BPF_MAP_TYPE_HASH_OF_MAPS]		= "hash_of_maps",
	[BPF_MAP_TYPE_DEVMAP]			= "devmap",
	[BPF_MAP_TYPE_SOCKMAP]			= "sockmap",
	[BPF_MAP_TYPE_CPUMAP]			= "cpumap",
	[BPF_MAP_TYPE_XSKMAP]			= "xskmap",
	[BPF_MAP_TYPE_SOCKHASH]			= "sockhash",
	[BPF_MAP_TYPE_CGROUP_STORAGE]		= "cgroup_storage",
	[BPF_MAP_TYPE_REUSEPORT_SOCKARRAY]	= "reuseport_sockarray",
	[BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE]	= "percpu_cgroup_storage",
	[BPF_MAP_TYPE_QUEUE]			= "queue",
	[BPF_MAP_TYPE_STACK]			= "stack",
	[BPF_MAP_TYPE_SK_STORAGE]		= "sk_storage",
	[BPF_MAP_TYPE_DEVMAP_HASH]		= "devmap_hash",
	[BPF_MAP_TYPE_STRUCT_OPS]		= "struct_ops",
	[BPF_MAP_TYPE_RINGBUF]			= "ringbuf",
	[BPF_MAP_TYPE_INODE_STORAGE]		= "inode_storage",
	[BPF_MAP_TYPE_TASK_STORAGE]		= "task_storage",
	[BPF_MAP_TYPE_BLOOM_FILTER]		= "bloom_filter",
	[BPF_MAP_TYPE_USER_RINGBUF]		= "user_ringbuf",
};

static const char *const prog_type_names[] = {
	[BPF_PROG_TYPE_UNSPEC]			= "unspec",
	[BPF_PROG_TYPE_SOCKET_FILTER]		= "socket_filter",
	[BPF_PROG_TYPE_KPROBE]			= "kprobe",
	[BPF_PROG_TYPE_SCHED_CLS]		= "sched_cls",
	[BPF_PROG_TYPE_SCHED_ACT]		= "sched_act",
	[BPF_PROG_TYPE_TRACEPOINT]		= "tracepoint",
	[BPF_PROG_TYPE_XDP]			= "xdp",
	[BPF_PROG_TYPE_PERF_EVENT]		= "perf_event",
	[BPF_PROG_TYPE_CGROUP_SKB]		= "cgroup_skb",
	[BPF_PROG_TYPE_CGROUP_SOCK]		= "cgroup_sock",
	[BPF_PROG_TYPE_LWT_IN]			= "lwt_in",
	[BPF_PROG_TYPE_LWT_OUT]			= "lwt_out",
	[BPF_PROG_TYPE_LWT_XMIT]		= "lwt_xmit",
	[BPF_PROG_TYPE_SOCK_OPS]		= "sock_ops",
	[BPF_PROG_TYPE_SK_SKB]			= "sk_skb",
	[BPF_PROG_TYPE_CGROUP_DEVICE]		= "cgroup_device",
	[BPF_PROG_TYPE_SK_MSG]			= "sk_msg",
	[BPF_PROG_TYPE_RAW_TRACEPOINT]		= "raw_tracepoint",
	[BPF_PROG_TYPE_CGROUP_SOCK_ADDR]	= "cgroup_sock_addr",
	[BPF_PROG_TYPE_LWT_SEG6LOCAL]		= "lwt_seg6local",
	[BPF_PROG_TYPE_LIRC_MODE2]		= "lirc_mode2",
	[BPF_PROG_TYPE_SK_REUSEPORT]		= "sk_reuseport",
	[BPF_PROG_TYPE_FLOW_DISSECTOR]		= "flow_dissector",
	[BPF_PROG_TYPE_CGROUP_SYSCTL]		= "cgroup_sysctl",
	[BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE]	= "raw_tracepoint_writable",
	[BPF_PROG_TYPE_CGROUP_SOCKOPT]		= "cgroup_sockopt",
	[BPF_PROG_TYPE_TRACING]			= "tracing",
	[BPF_PROG_TYPE_STRUCT_OPS]		= "struct_ops",
	[BPF_PROG_TYPE_EXT]			= "ext",
	[BPF_PROG_TYPE_LSM]			= "lsm",
	[BPF_PROG_TYPE_SK_LOOKUP]		= "sk_lookup",
	[BPF_PROG_TYPE_SYSCALL]			= "syscall",
};

/*
 * Linux 6.1's <linux/bpf.h> has no __MAX_BPF_CMD or __MAX_BPF_MAP_TYPE: the
 * tables here, which follow its enums, give the counts.
 */
unsigned int cmd_count(void)
{
	return ARRAY_SIZE(cmd_names);
}

unsigned int map_type_count(void)
{
	return ARRAY_SIZE(map_type_names);
}

/* NULL for a value past the tables. */
const char *cmd_name(unsigned int cmd)
{
	return cmd < ARRAY_SIZE(cmd_names) ? cmd_names[cmd] : NULL;
}

const char *map_type_name(__u32 type)
{
	return type < ARRAY_SIZE(map_type_names) ? map_type_names[type] : NULL;
}

/* The index of name in a table of names (entry 0 never matches), or -1. */
static int index_by_name(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (names[i] && !strcmp(name, names[i]))
			return i;
	}
	return -1;
}

/* The enum value of a bpftool map type name, or -1. */
int map_type_by_name(const char *name)
{
	return index_by_name(map_type_names, ARRAY_SIZE(map_type_names), name);
}

/* Per-CPU maps carry one value per possible CPU, each rounded up to 8 bytes. */
bool map_type_per_cpu(__u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

const char *prog_type_name(__u32 type)
{
	return type < ARRAY_SIZE(prog_type_names) ? prog_type_names[type] : NULL;
}

/* The enum value of a bpftool program type name, or -1. */
int prog_type_by_name(const char *name)
{
	return index_by_name(prog_type_names, ARRAY_SIZE(prog_type_names), name);
}
