// SPDX-License-Identifier: GPL-2.0
/*
 * Clock helpers. Programs run in any context, NMI included (perf events,
 * kprobes on NMI paths), so the monotonic and boot clocks are read with
 * the NMI-safe fast accessors, as Linux's helpers do.
 */
#include <kbpf/kapi.h>

#include "protos.h"

static u64 kbpf_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_mono_fast_ns();
}

const struct kbpf_func_proto kbpf_ktime_get_ns_proto = {
	.func		= kbpf_ktime_get_ns,
	.name		= "bpf_ktime_get_ns",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};

static u64 kbpf_ktime_get_boot_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_boot_fast_ns();
}

const struct kbpf_func_proto kbpf_ktime_get_boot_ns_proto = {
	.func		= kbpf_ktime_get_boot_ns,
	.name		= "bpf_ktime_get_boot_ns",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};

static u64 kbpf_ktime_get_coarse_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_coarse_ns();
}

const struct kbpf_func_proto kbpf_ktime_get_coarse_ns_proto = {
	.func		= kbpf_ktime_get_coarse_ns,
	.name		= "bpf_ktime_get_coarse_ns",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};

static u64 kbpf_jiffies64(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_jiffies_64();
}

const struct kbpf_func_proto kbpf_jiffies64_proto = {
	.func		= kbpf_jiffies64,
	.name		= "bpf_jiffies64",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};

/* International atomic time, NMI-safe as the other two (Linux 6.1's). */
static u64 kbpf_ktime_get_tai_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_tai_fast_ns();
}

const struct kbpf_func_proto kbpf_ktime_get_tai_ns_proto = {
	.func		= kbpf_ktime_get_tai_ns,
	.name		= "bpf_ktime_get_tai_ns",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};
