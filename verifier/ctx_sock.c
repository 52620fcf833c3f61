// SPDX-License-Identifier: GPL-2.0
/*
 * struct bpf_sock and struct bpf_tcp_sock, what a program reads through
 * the socket pointers the verifier tracks (PTR_TO_SOCK_COMMON from
 * skb->sk, PTR_TO_SOCKET from bpf_sk_fullsock() and the lookups,
 * PTR_TO_TCP_SOCK from bpf_tcp_sock()): Linux 6.1's
 * bpf_sock_common_is_valid_access(), bpf_sock_is_valid_access(),
 * bpf_tcp_sock_is_valid_access() and their rewrites onto the kernel's
 * struct sock and struct tcp_sock (the host build gets the same field
 * names from the shim).
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>
#include <kbpf/sock.h>

#include "ctx_ops.h"

#define SK_FIRST(MEMBER)	KBPF_CTX_FIRST(struct bpf_sock, MEMBER)
#define SK_LAST(MEMBER)		KBPF_CTX_LAST(struct bpf_sock, MEMBER)

/* Every byte of a PTR_TO_SOCKET's bpf_sock a program may read, and how. */
bool kbpf_sock_is_valid_access(int off, int size, enum kbpf_access_type type,
			       u32 expected_attach_type,
			       struct kbpf_insn_access_aux *info)
{
	const int word = sizeof(u32);
	int field;

	if (off < 0 || off >= (int)sizeof(struct bpf_sock) || off % size)
		return false;

	switch (off) {
	/* Fields whose bytes may be read alone (addresses: a byte at a time). */
	case offsetof(struct bpf_sock, state):
	case offsetof(struct bpf_sock, family):
	case offsetof(struct bpf_sock, type):
	case offsetof(struct bpf_sock, protocol):
	case offsetof(struct bpf_sock, src_port):
	case offsetof(struct bpf_sock, rx_queue_mapping):
	case SK_FIRST(src_ip4) ... SK_LAST(src_ip4):
	case SK_FIRST(src_ip6) ... SK_LAST(src_ip6):
	case SK_FIRST(dst_ip4) ... SK_LAST(dst_ip4):
	case SK_FIRST(dst_ip6) ... SK_LAST(dst_ip6):
		info->ctx_field_size = word;
		return kbpf_ctx_narrow_ok(size, word);
	case SK_FIRST(dst_port) ... SK_LAST(dst_port):
		/* A 2-byte field, but a whole-word read of it is allowed too. */
		field = size == word ? word : sizeof_field(struct bpf_sock, dst_port);
		info->ctx_field_size = field;
		return kbpf_ctx_narrow_ok(size, field);
	case offsetofend(struct bpf_sock, dst_port) ...
	     offsetof(struct bpf_sock, dst_ip4) - 1:
		/* The padding after dst_port. */
		return false;
	}
	/* bound_dev_if, mark, priority: whole words only. */
	return size == word;
}

/* A sock_common (a request or timewait socket maybe) has no type ... priority. */
static bool sock_common_is_valid_access(int off, int size,
					enum kbpf_access_type type,
					u32 expected_attach_type,
					struct kbpf_insn_access_aux *info)
{
	if (off >= (int)offsetof(struct bpf_sock, type) &&
	    off < (int)offsetofend(struct bpf_sock, priority))
		return false;
	return kbpf_sock_is_valid_access(off, size, type, expected_attach_type,
					 info);
}

static bool tcp_sock_is_valid_access(int off, int size,
				     enum kbpf_access_type type,
				     u32 expected_attach_type,
				     struct kbpf_insn_access_aux *info)
{
	if (off < 0 ||
	    off >= (int)offsetofend(struct bpf_tcp_sock, icsk_retransmits) ||
	    off % size)
		return false;
	/* Whole fields only: the two byte counters are 8 bytes, the rest 4. */
	if (off == offsetof(struct bpf_tcp_sock, bytes_received) ||
	    off == offsetof(struct bpf_tcp_sock, bytes_acked))
		return size == sizeof(u64);
	return size == sizeof(u32);
}

/*
 * BPF_PROG_TYPE_CGROUP_SOCK's context is the socket as a bpf_sock: the
 * same fields, and what its attach point allows on top (Linux's
 * sock_filter_is_valid_access()): at socket creation and release the
 * device, mark and priority are writable; the source address and port
 * exist only after bind(); nothing else is written.
 */
static bool cg_sock_is_valid_access(int off, int size,
				    enum kbpf_access_type type,
				    u32 expected_attach_type,
				    struct kbpf_insn_access_aux *info)
{
	u32 eat = expected_attach_type;

	if (!kbpf_sock_is_valid_access(off, size, type, eat, info))
		return false;
	switch (off) {
	case offsetof(struct bpf_sock, bound_dev_if):
	case offsetof(struct bpf_sock, mark):
	case offsetof(struct bpf_sock, priority):
		return eat == BPF_CGROUP_INET_SOCK_CREATE ||
		       eat == BPF_CGROUP_INET_SOCK_RELEASE;
	case SK_FIRST(src_ip4) ... SK_LAST(src_ip4):
		if (eat != BPF_CGROUP_INET4_POST_BIND)
			return false;
		break;
	case SK_FIRST(src_ip6) ... SK_LAST(src_ip6):
		if (eat != BPF_CGROUP_INET6_POST_BIND)
			return false;
		break;
	case SK_FIRST(src_port) ... SK_LAST(src_port):
		if (eat != BPF_CGROUP_INET4_POST_BIND &&
		    eat != BPF_CGROUP_INET6_POST_BIND)
			return false;
		break;
	}
	return type == KBPF_READ;
}

/* dst = ((TYPE *)src)->MEMBER, the whole kernel field; sets *target_size. */
#define LOAD(TYPE, MEMBER, SI, TARGET_SIZE)				\
	({								\
		*(TARGET_SIZE) = sizeof_field(TYPE, MEMBER);		\
		BPF_LDX_MEM(KBPF_FIELD_SIZE(TYPE, MEMBER), (SI)->dst_reg, \
			    (SI)->src_reg, offsetof(TYPE, MEMBER));	\
	})

/* A load or store of a whole u32 field of struct sock (cgroup_sock writes three). */
#define SOCK_RW(TYPE_, MEMBER, SI, TARGET_SIZE)				\
	({								\
		*(TARGET_SIZE) = sizeof_field(struct sock, MEMBER);	\
		(TYPE_) == KBPF_WRITE ?					\
		BPF_STX_MEM(BPF_W, (SI)->dst_reg, (SI)->src_reg,	\
			    offsetof(struct sock, MEMBER)) :		\
		BPF_LDX_MEM(BPF_W, (SI)->dst_reg, (SI)->src_reg,	\
			    offsetof(struct sock, MEMBER));		\
	})

/*
 * A (possibly widened) access of the bpf_sock at si->off. Stores only to
 * bound_dev_if, mark and priority (cgroup_sock's context; the verifier
 * refuses stores through socket pointers). Addresses are read
 * at the access's own size, from the matching byte of the kernel field.
 */
u32 kbpf_sock_convert_ctx_access(enum kbpf_access_type type,
				 const struct bpf_insn *si,
				 struct bpf_insn *insn_buf, u32 *target_size)
{
	struct bpf_insn *insn = insn_buf;
	u8 size = BPF_SIZE(si->code);
	int off;

	BUILD_BUG_ON(sizeof_field(struct sock, sk_bound_dev_if) != 4);
	BUILD_BUG_ON(sizeof_field(struct sock, sk_mark) != 4);
	BUILD_BUG_ON(sizeof_field(struct sock, sk_priority) != 4);
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_daddr) != 4);
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_rcv_saddr) != 4);
	BUILD_BUG_ON(sizeof_field(struct sock_common, skc_dport) != 2);
	BUILD_BUG_ON(sizeof(struct in6_addr) != 16);

	switch (si->off) {
	case offsetof(struct bpf_sock, bound_dev_if):
		*insn++ = SOCK_RW(type, sk_bound_dev_if, si, target_size);
		break;
	case offsetof(struct bpf_sock, mark):
		*insn++ = SOCK_RW(type, sk_mark, si, target_size);
		break;
	case offsetof(struct bpf_sock, priority):
		*insn++ = SOCK_RW(type, sk_priority, si, target_size);
		break;
	}
	/* The rest is read-only (cgroup_sock's three writable fields above). */
	if (insn > insn_buf || type != KBPF_READ)
		return insn - insn_buf;
	switch (si->off) {
	case offsetof(struct bpf_sock, family):
		*insn++ = LOAD(struct sock_common, skc_family, si, target_size);
		break;
	case offsetof(struct bpf_sock, type):
		*insn++ = LOAD(struct sock, sk_type, si, target_size);
		break;
	case offsetof(struct bpf_sock, protocol):
		*insn++ = LOAD(struct sock, sk_protocol, si, target_size);
		break;
	case offsetof(struct bpf_sock, src_ip4):
		*target_size = 4;
		*insn++ = BPF_LDX_MEM(size, si->dst_reg, si->src_reg,
				      offsetof(struct sock_common, skc_rcv_saddr));
		break;
	case offsetof(struct bpf_sock, dst_ip4):
		*target_size = 4;
		*insn++ = BPF_LDX_MEM(size, si->dst_reg, si->src_reg,
				      offsetof(struct sock_common, skc_daddr));
		break;
	case SK_FIRST(src_ip6) ... SK_LAST(src_ip6):
		off = si->off - offsetof(struct bpf_sock, src_ip6[0]);
		*target_size = 4;
		*insn++ = BPF_LDX_MEM(size, si->dst_reg, si->src_reg,
				      offsetof(struct sock_common,
					       skc_v6_rcv_saddr) + off);
		break;
	case SK_FIRST(dst_ip6) ... SK_LAST(dst_ip6):
		off = si->off - offsetof(struct bpf_sock, dst_ip6[0]);
		*target_size = 4;
		*insn++ = BPF_LDX_MEM(size, si->dst_reg, si->src_reg,
				      offsetof(struct sock_common, skc_v6_daddr) +
				      off);
		break;
	case offsetof(struct bpf_sock, src_port):
		*insn++ = LOAD(struct sock_common, skc_num, si, target_size);
		break;
	case offsetof(struct bpf_sock, dst_port):
		*insn++ = LOAD(struct sock_common, skc_dport, si, target_size);
		break;
	case offsetof(struct bpf_sock, state):
		*insn++ = LOAD(struct sock_common, skc_state, si, target_size);
		break;
	case offsetof(struct bpf_sock, rx_queue_mapping):
#ifdef CONFIG_SOCK_RX_QUEUE_MAPPING
		*insn++ = BPF_LDX_MEM(KBPF_FIELD_SIZE(struct sock,
						      sk_rx_queue_mapping),
				      si->dst_reg, si->src_reg,
				      offsetof(struct sock, sk_rx_queue_mapping));
		/* No queue recorded reads -1. */
		*insn++ = BPF_JMP_IMM(BPF_JNE, si->dst_reg, NO_QUEUE_MAPPING, 1);
		*insn++ = BPF_MOV32_IMM(si->dst_reg, -1);
#else
		*insn++ = BPF_MOV32_IMM(si->dst_reg, -1);
#endif
		*target_size = sizeof_field(struct bpf_sock, rx_queue_mapping);
		break;
	}
	return insn - insn_buf;
}

/* Where a bpf_tcp_sock field lives in the kernel's tcp_sock, and its size there. */
struct tcp_field {
	u16 uoff;
	u16 koff;
	u8 size;
};

/* A field of the same name, no wider in the kernel than in the uapi struct. */
#define TCP_FIELD(MEMBER)						\
	{ offsetof(struct bpf_tcp_sock, MEMBER),			\
	  offsetof(struct tcp_sock, MEMBER),				\
	  sizeof_field(struct tcp_sock, MEMBER) +			\
	  BUILD_BUG_ON_ZERO(sizeof_field(struct tcp_sock, MEMBER) >	\
			    sizeof_field(struct bpf_tcp_sock, MEMBER)) }

static const struct tcp_field tcp_fields[] = {
	TCP_FIELD(snd_cwnd), TCP_FIELD(srtt_us), TCP_FIELD(snd_ssthresh),
	TCP_FIELD(rcv_nxt), TCP_FIELD(snd_nxt), TCP_FIELD(snd_una),
	TCP_FIELD(mss_cache), TCP_FIELD(ecn_flags), TCP_FIELD(rate_delivered),
	TCP_FIELD(rate_interval_us), TCP_FIELD(packets_out),
	TCP_FIELD(retrans_out), TCP_FIELD(total_retrans), TCP_FIELD(segs_in),
	TCP_FIELD(data_segs_in), TCP_FIELD(segs_out), TCP_FIELD(data_segs_out),
	TCP_FIELD(lost_out), TCP_FIELD(sacked_out), TCP_FIELD(bytes_received),
	TCP_FIELD(bytes_acked), TCP_FIELD(dsack_dups), TCP_FIELD(delivered),
	TCP_FIELD(delivered_ce),
	/* The retransmit count is the connection socket's (tcp_sock's first member). */
	{ offsetof(struct bpf_tcp_sock, icsk_retransmits),
	  offsetof(struct inet_connection_sock, icsk_retransmits),
	  sizeof_field(struct inet_connection_sock, icsk_retransmits) },
	/* The windowed minimum's current best sample. */
	{ offsetof(struct bpf_tcp_sock, rtt_min),
	  offsetof(struct tcp_sock, rtt_min) + offsetof(struct minmax_sample, v),
	  sizeof_field(struct minmax_sample, v) },
};

/* The bpf_tcp_sock field at si->off, from the tcp_sock. */
static u32 tcp_sock_convert_ctx_access(enum kbpf_access_type type,
				       const struct bpf_insn *si,
				       struct bpf_insn *insn_buf,
				       u32 *target_size)
{
	u32 i;

	BUILD_BUG_ON(sizeof_field(struct tcp_sock, rtt_min) !=
		     sizeof(struct minmax));
	BUILD_BUG_ON(sizeof_field(struct inet_connection_sock,
				  icsk_retransmits) > 4);
	if (type != KBPF_READ)
		return 0;
	for (i = 0; i < ARRAY_SIZE(tcp_fields); i++) {
		if (tcp_fields[i].uoff != si->off)
			continue;
		*target_size = tcp_fields[i].size;
		insn_buf[0] = BPF_LDX_MEM(kbpf_bpf_size(tcp_fields[i].size),
					  si->dst_reg, si->src_reg,
					  tcp_fields[i].koff);
		return 1;
	}
	return 0;
}

const struct kbpf_ctx_ops kbpf_sock_ops = {
	.ctx_size = sizeof(struct bpf_sock),
	.is_valid_access = kbpf_sock_is_valid_access,
	.convert_ctx_access = kbpf_sock_convert_ctx_access,
};

const struct kbpf_ctx_ops kbpf_sock_common_ops = {
	.ctx_size = sizeof(struct bpf_sock),
	.is_valid_access = sock_common_is_valid_access,
	.convert_ctx_access = kbpf_sock_convert_ctx_access,
};

const struct kbpf_ctx_ops kbpf_ctx_cg_sock_ops = {
	.ctx_size = sizeof(struct bpf_sock),
	.is_valid_access = cg_sock_is_valid_access,
	.convert_ctx_access = kbpf_sock_convert_ctx_access,
};

const struct kbpf_ctx_ops kbpf_tcp_sock_ops = {
	.ctx_size = offsetofend(struct bpf_tcp_sock, icsk_retransmits),
	.is_valid_access = tcp_sock_is_valid_access,
	.convert_ctx_access = tcp_sock_convert_ctx_access,
};
