// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_skb_change_tail in sched_cls programs run with BPF_PROG_TEST_RUN,
 * each case on kbpf and on Linux's bpf(2) alike: the packet grown with
 * zeroes or cut, data_out byte for byte, the data_end the program reads
 * after the call, and Linux's -EINVAL for flags, a length past its limit
 * or one that would cut into the network header.
 */
#include "kt_dual.h"
#include "kt_prog.h"

#define KT_JNE_IMM(d, i, o)	KT_INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define KT_ALU64_REG(op, d, s)	KT_INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define CTX(F)			offsetof(struct __sk_buff, F)

#define PKT_LEN		64
#define ROOM		16

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

/*
 * r0 = bpf_skb_change_tail(ctx, new_len, flags); on success the packet's
 * length as data_end - data shows it after the call.
 */
static bool change_tail_case(const struct kt_be *be, __u32 new_len,
			     __u32 flags, __u32 want_ret)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, new_len),
		KT_MOV64_IMM(3, flags),
		KT_CALL(BPF_FUNC_skb_change_tail),
		KT_JNE_IMM(0, 0, 3),
		KT_LDX(BPF_W, 0, 6, CTX(data_end)),
		KT_LDX(BPF_W, 1, 6, CTX(data)),
		KT_ALU64_REG(BPF_SUB, 0, 1),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_SCHED_CLS,
			     .insns = insns, .cnt = KT_ARRAY_SIZE(insns) };
	unsigned char out[PKT_LEN + ROOM], zero[ROOM] = { 0 };
	struct kt_run run = { .data_in = pkt, .data_size_in = sizeof(pkt),
			      .data_out = out, .data_size_out = sizeof(out) };
	__u32 want_len = want_ret < 0x80000000u ? want_ret : PKT_LEN;
	__u32 kept = want_len < PKT_LEN ? want_len : PKT_LEN;

	make_packet();
	memset(out, 0xee, sizeof(out));
	return be_load_run(be, &l, &run) &&
	       kt_check_u64(run.retval, want_ret, "retval") &&
	       kt_check_u64(run.data_size_out, want_len, "data_size_out") &&
	       kt_check_mem(out, pkt, kept, "the bytes kept") &&
	       kt_check_mem(out + kept, zero, want_len - kept, "zeroed new tail");
}

static bool t_grow(const struct kt_be *be)
{
	return change_tail_case(be, PKT_LEN + 10, 0, PKT_LEN + 10) &&
	       change_tail_case(be, PKT_LEN + ROOM, 0, PKT_LEN + ROOM);
}

static bool t_trim(const struct kt_be *be)
{
	return change_tail_case(be, 20, 0, 20) &&
	       change_tail_case(be, PKT_LEN, 0, PKT_LEN) &&
	       change_tail_case(be, 14, 0, 14);
}

static bool t_refused(const struct kt_be *be)
{
	return change_tail_case(be, 13, 0, (__u32)-EINVAL) &&
	       change_tail_case(be, 0, 0, (__u32)-EINVAL) &&
	       change_tail_case(be, PKT_LEN, 1, (__u32)-EINVAL) &&
	       change_tail_case(be, 1 << 20, 0, (__u32)-EINVAL);
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("skb_change_tail_grow", t_grow, linux_ok);
	kt_dual("skb_change_tail_trim", t_trim, linux_ok);
	kt_dual("skb_change_tail_refused", t_refused, linux_ok);
	return kt_done();
}
