// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_csum_update, bpf_skb_vlan_push/pop, bpf_skb_change_head and
 * bpf_get_socket_cookie in sched_cls programs run with BPF_PROG_TEST_RUN,
 * each case on kbpf and on Linux's bpf(2) alike: data_out byte for byte,
 * the return value, the vlan tag the context shows after the call, a
 * CHECKSUM_COMPLETE sum the test run checks against the data afterwards,
 * and a socket cookie from the kernel's own generator (between the
 * SO_COOKIE of a socket made before the run and one made after).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/socket.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define KT_MOV64_RR(d, s)	KT_MOV64_REG(d, s)
#define KT_JNE_IMM(d, i, o)	KT_INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define KT_JNE_REG(d, s, o)	KT_INSN(BPF_JMP | BPF_JNE | BPF_X, d, s, o, 0)
#define KT_JGT_REG(d, s, o)	KT_INSN(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
#define KT_ALU64_REG(op, d, s)	KT_INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define CTX(F)			offsetof(struct __sk_buff, F)

#define PKT_LEN		64
#define VLAN_Q		0x0081	/* htons(ETH_P_8021Q) as the u16 in memory */
#define VLAN_AD		0xa888	/* htons(ETH_P_8021AD) */

static unsigned char pkt[PKT_LEN];

/* Ethernet to IPv4, then bytes 0x40.. as the rest. */
static void make_packet(void)
{
	int i;

	for (i = 0; i < PKT_LEN; i++)
		pkt[i] = 0x40 + i;
	pkt[12] = 0x08;
	pkt[13] = 0x00;
}

/* Run the program on pkt: the return value, data_out and its size. */
static bool run(const struct kt_be *be, const struct bpf_insn *insns,
		__u32 cnt, __u32 flags, __u32 *retval, unsigned char *out,
		__u32 *out_len)
{
	struct kt_load l = { .type = BPF_PROG_TYPE_SCHED_CLS,
			     .insns = insns, .cnt = cnt };
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = out, .data_size_out = PKT_LEN + 16,
			    .flags = flags };

	if (!be_load_run(be, &l, &r))
		return false;
	*retval = r.retval;
	*out_len = r.data_size_out;
	return true;
}

/* Push (802.1Q, 0x123), then (802.1ad, 0x456); POP then pops once. */
#define VLAN_PROG(name, POP)						\
	const struct bpf_insn name[] = {				\
		KT_MOV64_RR(6, 1),					\
		KT_MOV64_IMM(2, VLAN_Q),				\
		KT_MOV64_IMM(3, 0x123),					\
		KT_CALL(BPF_FUNC_skb_vlan_push),			\
		KT_JNE_IMM(0, 0, 13),					\
		KT_MOV64_RR(1, 6),					\
		KT_MOV64_IMM(2, VLAN_AD),				\
		KT_MOV64_IMM(3, 0x456),					\
		KT_CALL(BPF_FUNC_skb_vlan_push),			\
		KT_JNE_IMM(0, 0, 8),					\
		KT_MOV64_RR(1, 6),					\
		KT_CALL(POP ? BPF_FUNC_skb_vlan_pop : BPF_FUNC_get_prandom_u32), \
		/* The context's tag: proto << 16 | tci. */		\
		KT_LDX(BPF_W, 0, 6, CTX(vlan_proto)),			\
		KT_ALU64_IMM(BPF_LSH, 0, 16),				\
		KT_LDX(BPF_W, 1, 6, CTX(vlan_tci)),			\
		KT_ALU64_REG(BPF_OR, 0, 1),				\
		KT_LDX(BPF_W, 1, 6, CTX(vlan_present)),			\
		KT_ALU64_REG(BPF_ADD, 0, 1),				\
		KT_EXIT(),						\
	}

static bool t_vlan_push(const struct kt_be *be)
{
	VLAN_PROG(insns, 0);
	unsigned char out[PKT_LEN + 16];
	__u32 ret = 0, len = 0;

	make_packet();
	/* The first tag went into the frame, the second is in the slot. */
	return run(be, insns, KT_ARRAY_SIZE(insns), 0, &ret, out, &len) &&
	       kt_check_u64(ret, ((__u32)VLAN_AD << 16 | 0x456) + 1, "retval") &&
	       kt_check_u64(len, PKT_LEN + 4, "data_size_out") &&
	       kt_check_mem(out, pkt, 12, "addresses") &&
	       kt_check_mem(out + 12, "\x81\x00\x01\x23", 4, "the tag") &&
	       kt_check_mem(out + 16, pkt + 12, PKT_LEN - 12, "the rest");
}

static bool t_vlan_push_pop(const struct kt_be *be)
{
	VLAN_PROG(insns, 1);
	unsigned char out[PKT_LEN + 16];
	__u32 ret = 0, len = 0;

	make_packet();
	/* The pop dropped the slot's tag and took the frame's back into it. */
	return run(be, insns, KT_ARRAY_SIZE(insns), 0, &ret, out, &len) &&
	       kt_check_u64(ret, ((__u32)VLAN_Q << 16 | 0x123) + 1, "retval") &&
	       kt_check_u64(len, PKT_LEN, "data_size_out") &&
	       kt_check_mem(out, pkt, PKT_LEN, "the frame as it came");
}

/* r0 = bpf_skb_change_head(ctx, room, flags); on success ctx->len. */
static bool change_head_case(const struct kt_be *be, int room, int flags,
			     __u32 want_ret)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_RR(6, 1),
		KT_MOV64_IMM(2, room),
		KT_MOV64_IMM(3, flags),
		KT_CALL(BPF_FUNC_skb_change_head),
		KT_JNE_IMM(0, 0, 1),
		KT_LDX(BPF_W, 0, 6, CTX(len)),
		KT_EXIT(),
	};
	unsigned char out[PKT_LEN + 16], zero[16] = { 0 };
	__u32 ret = 0, len = 0, grown = want_ret == PKT_LEN + (__u32)room;

	make_packet();
	return run(be, insns, KT_ARRAY_SIZE(insns), 0, &ret, out, &len) &&
	       kt_check_u64(ret, want_ret, "retval") &&
	       kt_check_u64(len, PKT_LEN + (grown ? room : 0), "data_size_out") &&
	       kt_check_mem(out, zero, grown ? room : 0, "zeroed new head") &&
	       kt_check_mem(out + (grown ? room : 0), pkt, PKT_LEN, "the frame");
}

static bool t_change_head(const struct kt_be *be)
{
	return change_head_case(be, 4, 0, PKT_LEN + 4) &&
	       change_head_case(be, 14, 0, PKT_LEN + 14) &&
	       change_head_case(be, 4, 1, (__u32)-EINVAL) &&
	       change_head_case(be, 1 << 20, 0, (__u32)-EINVAL);
}

/*
 * Overwrite the 4 bytes at offset 16 directly, and keep the
 * CHECKSUM_COMPLETE sum right with csum_diff + csum_update; return
 * csum_update's result.
 */
static bool csum_update_case(const struct kt_be *be, __u32 flags,
			     __u32 *ret)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_RR(6, 1),
		KT_LDX(BPF_W, 8, 1, CTX(data)),
		KT_LDX(BPF_W, 2, 1, CTX(data_end)),
		KT_MOV64_RR(3, 8),
		KT_ALU64_IMM(BPF_ADD, 3, 20),
		KT_JGT_REG(3, 2, 16),
		KT_LDX(BPF_W, 4, 8, 16),
		KT_STX(BPF_W, 10, 4, -8),
		KT_ST(BPF_W, 10, -4, 0x11223344),
		KT_MOV64_RR(1, 10),
		KT_ALU64_IMM(BPF_ADD, 1, -8),
		KT_MOV64_IMM(2, 4),
		KT_MOV64_RR(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -4),
		KT_MOV64_IMM(4, 4),
		KT_MOV64_IMM(5, 0),
		KT_CALL(BPF_FUNC_csum_diff),
		KT_ST(BPF_W, 8, 16, 0x11223344),
		KT_MOV64_RR(1, 6),
		KT_MOV64_RR(2, 0),
		KT_CALL(BPF_FUNC_csum_update),
		KT_EXIT(),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	unsigned char out[PKT_LEN + 16];
	__u32 len = 0;

	make_packet();
	return run(be, insns, KT_ARRAY_SIZE(insns), flags, ret, out, &len) &&
	       kt_check_mem(out + 16, "\x44\x33\x22\x11", 4, "the new bytes");
}

/* The 16-bit folded ones' complement sum of the frame past the mac header. */
static __u16 fold(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static bool t_csum_update(const struct kt_be *be)
{
	__u32 ret = 0;
	__u64 sum = 0;
	int i;

	/*
	 * With CHECKSUM_COMPLETE the test run fails (EBADMSG) unless the
	 * updated sum matches the data; it also equals our own sum of it.
	 */
	if (!csum_update_case(be, BPF_F_TEST_SKB_CHECKSUM_COMPLETE, &ret))
		return false;
	memcpy(pkt + 16, "\x44\x33\x22\x11", 4);
	for (i = 14; i < PKT_LEN; i += 2)
		sum += pkt[i] | pkt[i + 1] << 8;
	if (!kt_check_u64(fold(ret), fold(sum), "folded sum"))
		return false;
	/* No CHECKSUM_COMPLETE sum to update: -ENOTSUPP (524). */
	return csum_update_case(be, 0, &ret) &&
	       kt_check_u64(ret, (__u32)-524, "retval without a sum");
}

static __u64 so_cookie(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t len = sizeof(__u64);
	__u64 c = 0;

	if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_COOKIE, &c, &len))
		c = 0;
	if (fd >= 0)
		close(fd);
	return c;
}

/*
 * The test run's packet belongs to a dummy socket: its cookie, asked
 * twice, comes from the same generator as SO_COOKIE's. The generator
 * hands out batches per CPU, so the test stays on one.
 */
static bool t_socket_cookie(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_RR(6, 1),
		KT_CALL(BPF_FUNC_get_socket_cookie),
		KT_MOV64_RR(7, 0),
		KT_MOV64_RR(1, 6),
		KT_CALL(BPF_FUNC_get_socket_cookie),
		KT_JNE_REG(0, 7, 1),
		KT_EXIT(),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	unsigned char out[PKT_LEN + 16];
	__u32 ret = 0, len = 0;
	__u64 before, after;
	cpu_set_t one, old;
	bool ok;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (!kt_check_ok(sched_getaffinity(0, sizeof(old), &old), "getaffinity") ||
	    !kt_check_ok(sched_setaffinity(0, sizeof(one), &one), "setaffinity"))
		return false;
	make_packet();
	before = so_cookie();
	ok = run(be, insns, KT_ARRAY_SIZE(insns), 0, &ret, out, &len);
	after = so_cookie();
	sched_setaffinity(0, sizeof(old), &old);
	return ok && kt_check_true(before && after >> 32 == 0, "SO_COOKIE") &&
	       kt_check_true(ret > before && ret < after,
			     "cookie between SO_COOKIE before and after");
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();

	kt_dual("skb_vlan_push", t_vlan_push, linux_ok);
	kt_dual("skb_vlan_push_pop", t_vlan_push_pop, linux_ok);
	kt_dual("skb_change_head", t_change_head, linux_ok);
	kt_dual("csum_update", t_csum_update, linux_ok);
	kt_dual("get_socket_cookie", t_socket_cookie, linux_ok);
	return kt_done();
}
