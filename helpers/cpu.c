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
 * Programs draw from a per-CPU pseudo-random state (splitmix64), not from
 * get_random_u32(): that one takes locks on reseeding and so may not run
 * in NMI, where kprobe and perf event programs do. Like Linux's per-CPU
 * prandom state, it is seeded from the real generator at load and is not
 * meant for cryptography. An NMI that interrupts a draw on its CPU may
 * repeat a number; nothing worse.
 */
static u64 __percpu *kbpf_prandom_state;

static u64 kbpf_get_prandom_u32(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	u64 *state, z;

	if (unlikely(!kbpf_prandom_state))
		return get_random_u32();
	state = raw_cpu_ptr(kbpf_prandom_state);
	z = READ_ONCE(*state) + 0x9e3779b97f4a7c15ULL;
	WRITE_ONCE(*state, z);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (u32)((z ^ (z >> 31)) >> 32);
}

int kbpf_helpers_init(void)
{
	int cpu;

	kbpf_prandom_state = alloc_percpu(u64);
	if (!kbpf_prandom_state)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(kbpf_prandom_state, cpu) =
			(u64)get_random_u32() << 32 | get_random_u32();
	if (kbpf_stack_helpers_init() || kbpf_signal_helpers_init() ||
	    kbpf_redirect_helpers_init()) {
		kbpf_helpers_exit();
		return -ENOMEM;
	}
	return 0;
}

void kbpf_helpers_exit(void)
{
	kbpf_redirect_helpers_exit();
	kbpf_signal_helpers_exit();
	kbpf_tunnel_helpers_exit();
	kbpf_stack_helpers_exit();
	free_percpu(kbpf_prandom_state);
	kbpf_prandom_state = NULL;
}

const struct kbpf_func_proto kbpf_get_prandom_u32_proto = {
	.func		= kbpf_get_prandom_u32,
	.name		= "bpf_get_prandom_u32",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
};
