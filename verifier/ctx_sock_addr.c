// SPDX-License-Identifier: GPL-2.0
/*
 * struct bpf_sock_addr, the context of cgroup sock_addr programs (bind,
 * connect, sendmsg, recvmsg, getpeername, getsockname), on the struct
 * bpf_sock_addr_kern they run on: Linux 6.1's sock_addr_is_valid_access()
 * and sock_addr_convert_ctx_access().
 *
 * The address fields are the user's sockaddr (through uaddr) and, for
 * sendmsg, the source address (through t_ctx); they are readable and
 * writable, IPv4 ones only by IPv4 attach types and IPv6 ones only by IPv6
 * attach types. family, type and protocol come from the socket.
 *
 * The sk field (a PTR_TO_SOCKET in Linux) is still refused: nothing is
 * missing for it (the verifier has socket pointers, as sk_lookup's sk,
 * and kbpf_kern_layout has sock_addr_sk), its access is just not written
 * yet.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

#include "ctx_ops.h"

#define FIRST(MEMBER)	KBPF_CTX_FIRST(struct bpf_sock_addr, MEMBER)
#define LAST(MEMBER)	KBPF_CTX_LAST(struct bpf_sock_addr, MEMBER)

/* May this attach type see the field at off (IPv4 vs IPv6, sendmsg only)? */
static bool sock_addr_field_for(int off, u32 eat)
{
	switch (off) {
	case FIRST(user_ip4) ... LAST(user_ip4):
		switch (eat) {
		case BPF_CGROUP_INET4_BIND:
		case BPF_CGROUP_INET4_CONNECT:
		case BPF_CGROUP_INET4_GETPEERNAME:
		case BPF_CGROUP_INET4_GETSOCKNAME:
		case BPF_CGROUP_UDP4_SENDMSG:
		case BPF_CGROUP_UDP4_RECVMSG:
			return true;
		}
		return false;
	case FIRST(user_ip6[0]) ... LAST(user_ip6[3]):
		switch (eat) {
		case BPF_CGROUP_INET6_BIND:
		case BPF_CGROUP_INET6_CONNECT:
		case BPF_CGROUP_INET6_GETPEERNAME:
		case BPF_CGROUP_INET6_GETSOCKNAME:
		case BPF_CGROUP_UDP6_SENDMSG:
		case BPF_CGROUP_UDP6_RECVMSG:
			return true;
		}
		return false;
	case FIRST(msg_src_ip4) ... LAST(msg_src_ip4):
		return eat == BPF_CGROUP_UDP4_SENDMSG;
	case FIRST(msg_src_ip6[0]) ... LAST(msg_src_ip6[3]):
		return eat == BPF_CGROUP_UDP6_SENDMSG;
	}
	return true;
}

/* Linux's bpf_ctx_wide_access_ok(): an aligned u64 inside an address array. */
static bool wide_access_ok(int off, int size, int first, int end)
{
	return size == sizeof(u64) && off >= first && off + size <= end &&
	       off % sizeof(u64) == 0;
}

static bool sock_addr_is_valid_access(int off, int size,
				      enum kbpf_access_type type,
				      u32 expected_attach_type,
				      struct kbpf_insn_access_aux *info)
{
	const int size_default = sizeof(u32);

	if (off < 0 || off >= (int)sizeof(struct bpf_sock_addr))
		return false;
	if (off % size != 0)
		return false;
	if (!sock_addr_field_for(off, expected_attach_type))
		return false;

	switch (off) {
	case FIRST(user_ip4) ... LAST(user_ip4):
	case FIRST(user_ip6[0]) ... LAST(user_ip6[3]):
	case FIRST(msg_src_ip4) ... LAST(msg_src_ip4):
	case FIRST(msg_src_ip6[0]) ... LAST(msg_src_ip6[3]):
	case FIRST(user_port) ... LAST(user_port):
		if (type == KBPF_READ)
			info->ctx_field_size = size_default;
		if (wide_access_ok(off, size, FIRST(user_ip6[0]),
				   offsetofend(struct bpf_sock_addr, user_ip6)))
			return true;
		if (wide_access_ok(off, size, FIRST(msg_src_ip6[0]),
				   offsetofend(struct bpf_sock_addr, msg_src_ip6)))
			return true;
		if (type == KBPF_READ)
			return kbpf_ctx_narrow_ok(size, size_default);
		return size == size_default;
	case FIRST(user_family) ... LAST(user_family):
	case FIRST(family) ... LAST(family):
	case FIRST(type) ... LAST(type):
	case FIRST(protocol) ... LAST(protocol):
		return type == KBPF_READ && size == size_default;
	default:
		return false;
	}
}

/*
 * dst = ((NTYPE *)src->FIELD)->NMEMBER at byte OFF, SIZE bytes; or, for a
 * write, the value in src stored there. A store needs a third register
 * for the nested pointer: like Linux, it borrows R9 (or R8, R7), saving
 * it in the context's tmp_reg and restoring it after.
 */
static struct bpf_insn *nested_access(struct bpf_insn *insn,
				      enum kbpf_access_type type,
				      const struct bpf_insn *si, int field,
				      u8 size, int off)
{
	u8 dst = si->dst_reg, src = si->src_reg;
	int tmp = BPF_REG_9;

	if (type != KBPF_WRITE) {
		*insn++ = BPF_LDX_MEM(BPF_DW, dst, src, field);
		*insn++ = BPF_LDX_MEM(size, dst, dst, off);
		return insn;
	}
	if (src == tmp || dst == tmp)
		tmp--;
	if (src == tmp || dst == tmp)
		tmp--;
	*insn++ = BPF_STX_MEM(BPF_DW, dst, tmp,
			      kbpf_kern_layout.sock_addr_tmp_reg);
	*insn++ = BPF_LDX_MEM(BPF_DW, tmp, dst, field);
	*insn++ = BPF_STX_MEM(size, tmp, src, off);
	*insn++ = BPF_LDX_MEM(BPF_DW, tmp, dst,
			      kbpf_kern_layout.sock_addr_tmp_reg);
	return insn;
}

#define UADDR	kbpf_kern_layout.sock_addr_uaddr
#define T_CTX	kbpf_kern_layout.sock_addr_t_ctx
#define SK	kbpf_kern_layout.sock_addr_sk

static u32 sock_addr_convert_ctx_access(enum kbpf_access_type type,
					const struct bpf_insn *si,
					struct bpf_insn *insn_buf,
					u32 *target_size)
{
	int port_size = sizeof_field(struct sockaddr_in6, sin6_port);
	struct bpf_insn *insn = insn_buf;
	u8 size = BPF_SIZE(si->code);
	int off;

	/* The port has the same place in both sockaddrs. */
	BUILD_BUG_ON(offsetof(struct sockaddr_in, sin_port) !=
		     offsetof(struct sockaddr_in6, sin6_port));
	BUILD_BUG_ON(sizeof_field(struct sockaddr_in, sin_port) !=
		     sizeof_field(struct sockaddr_in6, sin6_port));

	switch (si->off) {
	case offsetof(struct bpf_sock_addr, user_family):
		*target_size = sizeof_field(struct sockaddr, sa_family);
		insn = nested_access(insn, type, si, UADDR,
				     KBPF_FIELD_SIZE(struct sockaddr, sa_family),
				     offsetof(struct sockaddr, sa_family));
		break;
	case offsetof(struct bpf_sock_addr, user_ip4):
		*target_size = sizeof_field(struct sockaddr_in, sin_addr);
		insn = nested_access(insn, type, si, UADDR, size,
				     offsetof(struct sockaddr_in, sin_addr));
		break;
	case FIRST(user_ip6[0]) ... LAST(user_ip6[3]):
		*target_size = 4;
		off = si->off - offsetof(struct bpf_sock_addr, user_ip6[0]);
		insn = nested_access(insn, type, si, UADDR, size,
				     offsetof(struct sockaddr_in6, sin6_addr) + off);
		break;
	case offsetof(struct bpf_sock_addr, user_port):
		/* user_port is a u32; sin6_port is narrower. */
		port_size = min_t(int, port_size, kbpf_ldst_bytes(si->code));
		*target_size = sizeof_field(struct sockaddr_in6, sin6_port);
		insn = nested_access(insn, type, si, UADDR,
				     kbpf_bpf_size(port_size),
				     offsetof(struct sockaddr_in6, sin6_port));
		break;
	case offsetof(struct bpf_sock_addr, family):
		*target_size = 2;
		insn = nested_access(insn, type, si, SK, BPF_H,
				     kbpf_kern_layout.skc_family);
		break;
	case offsetof(struct bpf_sock_addr, type):
		*target_size = 2;
		insn = nested_access(insn, type, si, SK, BPF_H,
				     kbpf_kern_layout.sk_type);
		break;
	case offsetof(struct bpf_sock_addr, protocol):
		*target_size = 2;
		insn = nested_access(insn, type, si, SK, BPF_H,
				     kbpf_kern_layout.sk_protocol);
		break;
	case offsetof(struct bpf_sock_addr, msg_src_ip4):
		/* t_ctx is the struct in_addr of the source address. */
		*target_size = sizeof_field(struct in_addr, s_addr);
		insn = nested_access(insn, type, si, T_CTX, size,
				     offsetof(struct in_addr, s_addr));
		break;
	case FIRST(msg_src_ip6[0]) ... LAST(msg_src_ip6[3]):
		/* t_ctx is the struct in6_addr of the source address. */
		*target_size = 4;
		off = si->off - offsetof(struct bpf_sock_addr, msg_src_ip6[0]);
		insn = nested_access(insn, type, si, T_CTX, size, off);
		break;
	}
	return insn - insn_buf;
}

const struct kbpf_ctx_ops kbpf_ctx_sock_addr_ops = {
	.ctx_size = sizeof(struct bpf_sock_addr),
	.is_valid_access = sock_addr_is_valid_access,
	.convert_ctx_access = sock_addr_convert_ctx_access,
};
