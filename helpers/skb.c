// SPDX-License-Identifier: GPL-2.0
/*
 * Packet helpers. The context of socket filter, cgroup_skb, sched_cls/act
 * and sk_skb programs is the struct sk_buff itself (ctx_access.h), so R1
 * is the skb.
 *
 * Not here yet, because they need what the verifier and the attach code
 * do not provide yet or what the kernel does not export: skb_store_bytes
 * (may reallocate the head: the verifier must drop packet pointers after
 * it, Linux's bpf_helper_changes_pkt_data), get_socket_cookie (the
 * cookie generator __sock_gen_cookie is not exported), get_socket_uid,
 * get_cgroup_classid and skb_cgroup_id.
 */
#include <kbpf/kapi.h>

#include "protos.h"

/* Bytes of the packet, linear or not; on failure to zeroed and -EFAULT. */
static u64 kbpf_skb_load_bytes(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const struct sk_buff *skb = (const struct sk_buff *)(unsigned long)r1;
	void *to = (void *)(unsigned long)r3;
	u32 offset = r2, len = r4;
	void *ptr;

	if (unlikely(offset > INT_MAX))
		goto err_clear;
	ptr = skb_header_pointer(skb, offset, len, to);
	if (unlikely(!ptr))
		goto err_clear;
	if (ptr != to)
		memcpy(to, ptr, len);
	return 0;
err_clear:
	memset(to, 0, len);
	return -EFAULT;
}

const struct kbpf_func_proto kbpf_skb_load_bytes_proto = {
	.func		= kbpf_skb_load_bytes,
	.name		= "bpf_skb_load_bytes",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING,
			    KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE },
};

/* Linux's scratch area for csum_diff: MAX_BPF_STACK bytes of words. */
#define CSUM_DIFF_MAX	512

/*
 * The ones' complement sum of ~from[] and to[] (32-bit words), plus seed,
 * as the x86-64 csum_partial() Linux calls returns it: the words added
 * with end-around carry and folded to 32 bits. Computed here directly,
 * without the scratch buffer Linux copies into, and with the same result
 * in the kernel and in the host build.
 */
static u64 kbpf_csum_diff(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const u32 *from = (const u32 *)(unsigned long)r1;
	const u32 *to = (const u32 *)(unsigned long)r3;
	u32 from_size = r2, to_size = r4;
	u64 sum = (u32)r5;
	u32 i;

	if (unlikely(((from_size | to_size) & (sizeof(u32) - 1)) ||
		     (u64)from_size + to_size > CSUM_DIFF_MAX))
		return -EINVAL;
	for (i = 0; i < from_size / sizeof(u32); i++)
		sum += (u32)~from[i];
	for (i = 0; i < to_size / sizeof(u32); i++)
		sum += to[i];
	while (sum >> 32)
		sum = (sum & 0xffffffff) + (sum >> 32);
	return sum;
}

const struct kbpf_func_proto kbpf_csum_diff_proto = {
	.func		= kbpf_csum_diff,
	.name		= "bpf_csum_diff",
	.gpl_only	= false,
	.pkt_access	= true,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL |
			    KBPF_MEM_RDONLY, KBPF_ARG_CONST_SIZE_OR_ZERO,
			    KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL |
			    KBPF_MEM_RDONLY, KBPF_ARG_CONST_SIZE_OR_ZERO,
			    KBPF_ARG_ANYTHING },
};
