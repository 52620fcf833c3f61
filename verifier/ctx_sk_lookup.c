// SPDX-License-Identifier: GPL-2.0
/*
 * struct bpf_sk_lookup, the context of sk_lookup programs, on the struct
 * bpf_sk_lookup_kern they run on: Linux 6.1's sk_lookup_is_valid_access()
 * and sk_lookup_convert_ctx_access(). Read-only; IPv6 addresses are
 * behind pointers that are NULL for an IPv4 lookup (then read as 0).
 * The sk field is the socket selected so far (a socket or NULL, without
 * a reference of the program's): NULL in kbpf, which has no
 * bpf_sk_assign() and no attach to the lookup yet.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "ctx_ops.h"

#define FIRST(MEMBER)	KBPF_CTX_FIRST(struct bpf_sk_lookup, MEMBER)
#define LAST(MEMBER)	KBPF_CTX_LAST(struct bpf_sk_lookup, MEMBER)

static bool sk_lookup_is_valid_access(int off, int size,
				      enum kbpf_access_type type,
				      u32 expected_attach_type,
				      struct kbpf_insn_access_aux *info)
{
	if (off < 0 || off >= (int)sizeof(struct bpf_sk_lookup))
		return false;
	if (off % size != 0 || type != KBPF_READ)
		return false;

	switch (off) {
	case FIRST(sk) ... LAST(sk):
		info->reg_type = KBPF_PTR_TO_SOCKET | KBPF_PTR_MAYBE_NULL;
		return size == sizeof(u64);
	case FIRST(family) ... LAST(family):
	case FIRST(protocol) ... LAST(protocol):
	case FIRST(remote_ip4) ... LAST(remote_ip4):
	case FIRST(local_ip4) ... LAST(local_ip4):
	case FIRST(remote_ip6[0]) ... LAST(remote_ip6[3]):
	case FIRST(local_ip6[0]) ... LAST(local_ip6[3]):
	case FIRST(local_port) ... LAST(local_port):
	case FIRST(ingress_ifindex) ... LAST(ingress_ifindex):
		info->ctx_field_size = sizeof(u32);
		return kbpf_ctx_narrow_ok(size, sizeof(u32));
	case FIRST(remote_port) ... LAST(remote_port):
		/* A u32 read of the u16 port is allowed, for old programs. */
		if (size == sizeof(u32))
			return true;
		info->ctx_field_size = sizeof(__be16);
		return kbpf_ctx_narrow_ok(size, sizeof(__be16));
	case offsetofend(struct bpf_sk_lookup, remote_port) ...
	     offsetof(struct bpf_sk_lookup, local_ip4) - 1:
		/* The zero padding after remote_port, likewise. */
		info->ctx_field_size = sizeof(u16);
		return kbpf_ctx_narrow_ok(size, sizeof(u16));
	default:
		return false;
	}
}

/* dst = the u32 at byte off of the in6_addr the pointer at PTR points to, 0 without one. */
static struct bpf_insn *ip6_load(struct bpf_insn *insn,
				 const struct bpf_insn *si, int ptr, int off)
{
	*insn++ = BPF_LDX_MEM(BPF_DW, si->dst_reg, si->src_reg, ptr);
	*insn++ = BPF_JMP_IMM(BPF_JEQ, si->dst_reg, 0, 1);
	*insn++ = BPF_LDX_MEM(BPF_W, si->dst_reg, si->dst_reg, off);
	return insn;
}

/* dst = the whole kernel field MEMBER of SIZE bytes. */
#define LOAD(MEMBER, SIZE)						\
	({								\
		*target_size = (SIZE);					\
		BPF_LDX_MEM(kbpf_bpf_size(SIZE), si->dst_reg, si->src_reg, \
			    kbpf_kern_layout.lookup_##MEMBER);		\
	})

static u32 sk_lookup_convert_ctx_access(enum kbpf_access_type type,
					const struct bpf_insn *si,
					struct bpf_insn *insn_buf,
					u32 *target_size)
{
	struct bpf_insn *insn = insn_buf;
	int off;


	switch (si->off) {
	case offsetof(struct bpf_sk_lookup, sk):
		*insn++ = LOAD(selected_sk, 8);
		break;
	case offsetof(struct bpf_sk_lookup, family):
		*insn++ = LOAD(family, 2);
		break;
	case offsetof(struct bpf_sk_lookup, protocol):
		*insn++ = LOAD(protocol, 2);
		break;
	case offsetof(struct bpf_sk_lookup, remote_ip4):
		*insn++ = LOAD(v4_saddr, 4);
		break;
	case offsetof(struct bpf_sk_lookup, local_ip4):
		*insn++ = LOAD(v4_daddr, 4);
		break;
	case FIRST(remote_ip6[0]) ... LAST(remote_ip6[3]):
		*target_size = 4;
		off = si->off - offsetof(struct bpf_sk_lookup, remote_ip6[0]);
		insn = ip6_load(insn, si,
				kbpf_kern_layout.lookup_v6_saddr,
				offsetof(struct in6_addr, s6_addr32[0]) + off);
		break;
	case FIRST(local_ip6[0]) ... LAST(local_ip6[3]):
		*target_size = 4;
		off = si->off - offsetof(struct bpf_sk_lookup, local_ip6[0]);
		insn = ip6_load(insn, si,
				kbpf_kern_layout.lookup_v6_daddr,
				offsetof(struct in6_addr, s6_addr32[0]) + off);
		break;
	case offsetof(struct bpf_sk_lookup, remote_port):
		*insn++ = LOAD(sport, 2);
		break;
	case offsetofend(struct bpf_sk_lookup, remote_port):
		*target_size = 2;
		*insn++ = BPF_MOV32_IMM(si->dst_reg, 0);
		break;
	case offsetof(struct bpf_sk_lookup, local_port):
		*insn++ = LOAD(dport, 2);
		break;
	case offsetof(struct bpf_sk_lookup, ingress_ifindex):
		*insn++ = LOAD(ingress_ifindex, 4);
		break;
	}
	return insn - insn_buf;
}

const struct kbpf_ctx_ops kbpf_ctx_sk_lookup_ops = {
	.ctx_size = sizeof(struct bpf_sk_lookup),
	.is_valid_access = sk_lookup_is_valid_access,
	.convert_ctx_access = sk_lookup_convert_ctx_access,
};
