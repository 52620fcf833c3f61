// SPDX-License-Identifier: GPL-2.0
/*
 * Where the program runs and a random number: helpers without arguments
 * or state of their own.
 */
#include <kbpf/kapi.h>

#include "protos.h"

/*
 * A program runs with migration disabled, so the CPU it reads stays its
 * own until it returns; the raw accessor avoids the preemption debug
 * check, which does not know that.
 */
static u64 kbpf_get_smp_processor_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return raw_smp_processor_id();
}

const struct kbpf_func_proto kbpf_get_smp_processor_id_proto = {
	.func		= kbpf_get_smp_processor_id,
	.name		= "bpf_get_smp_processor_id",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};

static u64 kbpf_get_numa_node_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return numa_node_id();
}

const struct kbpf_func_proto kbpf_get_numa_node_id_proto = {
	.func		= kbpf_get_numa_node_id,
	.name		= "bpf_get_numa_node_id",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};

/*
 * Linux keeps a per-CPU prandom state for programs; get_random_u32() is
 * exported, lock-free per CPU and callable from any context, and gives
 * the same contract (32 uniformly distributed bits) without a state of
 * kbpf's own to seed.
 */
static u64 kbpf_get_prandom_u32(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_random_u32();
}

const struct kbpf_func_proto kbpf_get_prandom_u32_proto = {
	.func		= kbpf_get_prandom_u32,
	.name		= "bpf_get_prandom_u32",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};
