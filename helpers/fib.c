// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_fib_lookup for sched_cls/act and XDP programs: Linux 6.1's argument
 * checks, in the order its bpf_skb_fib_lookup() and bpf_xdp_fib_lookup()
 * make them; the lookup itself is fib_lookup.c's (fib.h).
 */
#include <kbpf/kapi.h>

#include "fib.h"
#include "protos.h"

#define FIB_LOOKUP_FLAGS	(BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_OUTPUT | \
				 BPF_FIB_LOOKUP_SKIP_NEIGH | BPF_FIB_LOOKUP_TBID | \
				 BPF_FIB_LOOKUP_SRC)

/* 0 when the lookup may go ahead, else the helper's errno. */
static long fib_args_check(const struct bpf_fib_lookup *params, u32 plen,
			   u32 flags)
{
	/* The verifier made plen the size of params' memory, never 0. */
	if (plen < sizeof(*params))
		return -EINVAL;
	if (flags & ~FIB_LOOKUP_FLAGS)
		return -EINVAL;
	if (params->family != AF_INET && params->family != AF_INET6)
		return -EAFNOSUPPORT;
	return 0;
}

static u64 kbpf_xdp_fib_lookup(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct bpf_fib_lookup *params = (void *)(unsigned long)r2;
	long err = fib_args_check(params, (u32)r3, (u32)r4);

	if (err)
		return (u64)err;
	return (u64)kbpf_fib_lookup_xdp((struct xdp_buff *)(unsigned long)r1,
					params, (u32)r4);
}

const struct kbpf_func_proto kbpf_xdp_fib_lookup_proto = {
	.func		= kbpf_xdp_fib_lookup,
	.name		= "bpf_fib_lookup",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_PTR_TO_MEM,
			    KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING },
};

static u64 kbpf_skb_fib_lookup(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct bpf_fib_lookup *params = (void *)(unsigned long)r2;
	long err = fib_args_check(params, (u32)r3, (u32)r4);

	if (err)
		return (u64)err;
	return (u64)kbpf_fib_lookup_skb((struct sk_buff *)(unsigned long)r1,
					params, (u32)r4);
}

const struct kbpf_func_proto kbpf_skb_fib_lookup_proto = {
	.func		= kbpf_skb_fib_lookup,
	.name		= "bpf_fib_lookup",
	.gpl_only	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_PTR_TO_MEM,
			    KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING },
};
