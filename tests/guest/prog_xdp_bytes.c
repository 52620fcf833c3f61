// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_xdp_adjust_tail, bpf_xdp_get_buff_len, bpf_xdp_load_bytes and
 * bpf_xdp_store_bytes in XDP programs run with BPF_PROG_TEST_RUN, each
 * case on kbpf and on Linux's bpf(2) alike: the return value, data_out
 * byte for byte and its length. The growth limit is the test run's frame
 * (a page, less the headroom and the skb_shared_info kept at its end), so
 * the same limit on both shows kbpf builds the frame as Linux does.
 */
#include "kt_dual.h"
#include "kt_prog.h"

#define KT_JNE_IMM(d, i, o)	KT_INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define KT_ALU64_REG(op, d, s)	KT_INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define MD(F)			offsetof(struct xdp_md, F)

#define PKT_LEN		64
#define OUT_LEN		4096
/* A page, less XDP_PACKET_HEADROOM and the skb_shared_info's 320 bytes. */
#define MAX_GROW	(4096 - 256 - 320 - PKT_LEN)

static unsigned char pkt[PKT_LEN];
static unsigned char out[OUT_LEN];
static unsigned char want[OUT_LEN];

static void make_packet(void)
{
	int i;

	for (i = 0; i < PKT_LEN; i++)
		pkt[i] = 0x40 + i;
}

/*
 * Loads the program, runs it once on pkt and checks retval, the length of
 * data_out and its first want_len bytes against want[].
 */
static bool run_case(const struct kt_be *be, const struct bpf_insn *insns,
		     __u32 cnt, __u32 want_ret, __u32 want_len)
{
	struct kt_load l = { .type = BPF_PROG_TYPE_XDP, .insns = insns,
			     .cnt = cnt };
	struct kt_run run = { .data_in = pkt, .data_size_in = sizeof(pkt),
			      .data_out = out, .data_size_out = sizeof(out) };

	memset(out, 0xee, sizeof(out));
	return be_load_run(be, &l, &run) &&
	       kt_check_u64(run.retval, want_ret, "retval") &&
	       kt_check_u64(run.data_size_out, want_len, "data_size_out") &&
	       kt_check_mem(out, want, want_len, "data_out");
}

/*
 * r0 = bpf_xdp_adjust_tail(ctx, offset); on success the packet's length
 * as data_end - data reads it after the call.
 */
static bool adjust_tail_case(const struct kt_be *be, int offset,
			     __u32 want_ret)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, offset),
		KT_CALL(BPF_FUNC_xdp_adjust_tail),
		KT_JNE_IMM(0, 0, 3),
		KT_LDX(BPF_W, 0, 6, MD(data_end)),
		KT_LDX(BPF_W, 1, 6, MD(data)),
		KT_ALU64_REG(BPF_SUB, 0, 1),
		KT_EXIT(),
	};
	__u32 len = want_ret < 0x80000000u ? want_ret : PKT_LEN;
	__u32 kept = len < PKT_LEN ? len : PKT_LEN;

	make_packet();
	memcpy(want, pkt, kept);
	/* Grown bytes are zeroes. */
	memset(want + kept, 0, len - kept);
	return run_case(be, insns, KT_ARRAY_SIZE(insns), want_ret, len);
}

static bool t_tail_grow(const struct kt_be *be)
{
	return adjust_tail_case(be, 10, PKT_LEN + 10) &&
	       adjust_tail_case(be, MAX_GROW, PKT_LEN + MAX_GROW) &&
	       adjust_tail_case(be, MAX_GROW + 1, (__u32)-EINVAL) &&
	       adjust_tail_case(be, 1 << 20, (__u32)-EINVAL);
}

static bool t_tail_shrink(const struct kt_be *be)
{
	return adjust_tail_case(be, -10, PKT_LEN - 10) &&
	       adjust_tail_case(be, 0, PKT_LEN) &&
	       adjust_tail_case(be, -(PKT_LEN - 14), 14) &&
	       adjust_tail_case(be, -(PKT_LEN - 13), (__u32)-EINVAL) &&
	       adjust_tail_case(be, -(1 << 20), (__u32)-EINVAL);
}

/* The packet's start moved by head, its end by tail, then its length. */
static bool buff_len_case(const struct kt_be *be, int head, int tail)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, head),
		KT_CALL(BPF_FUNC_xdp_adjust_head),
		KT_JNE_IMM(0, 0, 6),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, tail),
		KT_CALL(BPF_FUNC_xdp_adjust_tail),
		KT_JNE_IMM(0, 0, 2),
		KT_MOV64_REG(1, 6),
		KT_CALL(BPF_FUNC_xdp_get_buff_len),
		KT_EXIT(),
	};
	__u32 len = PKT_LEN - head + tail;

	/* The headroom and the tailroom grown into are zeroes. */
	make_packet();
	memset(want, 0, sizeof(want));
	if (head < 0)
		memcpy(want - head, pkt, PKT_LEN);
	else
		memcpy(want, pkt + head, PKT_LEN - head);
	return run_case(be, insns, KT_ARRAY_SIZE(insns), len, len);
}

static bool t_get_buff_len(const struct kt_be *be)
{
	return buff_len_case(be, 0, 0) && buff_len_case(be, 4, 20) &&
	       buff_len_case(be, -8, -30);
}

/*
 * r0 = bpf_xdp_load_bytes(ctx, from, fp - 64, len); if that worked,
 * r0 = bpf_xdp_store_bytes(ctx, to, fp - 64, len): a copy inside the
 * packet, through the stack.
 */
static bool copy_case(const struct kt_be *be, __u32 from, __u32 to,
		      __u32 len, __u32 want_ret)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, from),
		KT_MOV64_REG(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -64),
		KT_MOV64_IMM(4, len),
		KT_CALL(BPF_FUNC_xdp_load_bytes),
		KT_JNE_IMM(0, 0, 6),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, to),
		KT_MOV64_REG(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -64),
		KT_MOV64_IMM(4, len),
		KT_CALL(BPF_FUNC_xdp_store_bytes),
		KT_EXIT(),
	};

	make_packet();
	memcpy(want, pkt, PKT_LEN);
	if (!want_ret)
		memmove(want + to, pkt + from, len);
	return run_case(be, insns, KT_ARRAY_SIZE(insns), want_ret, PKT_LEN);
}

static bool t_load_store(const struct kt_be *be)
{
	return copy_case(be, 0, 32, 32, 0) &&
	       copy_case(be, 50, 1, 14, 0) &&
	       copy_case(be, 0, 0, 64, 0) &&
	       copy_case(be, 30, 40, 24, 0);
}

static bool t_load_store_refused(const struct kt_be *be)
{
	return copy_case(be, 33, 0, 32, (__u32)-EINVAL) &&
	       copy_case(be, 0, 33, 32, (__u32)-EINVAL) &&
	       copy_case(be, PKT_LEN, 0, 1, (__u32)-EINVAL) &&
	       copy_case(be, 0x10000, 0, 8, (__u32)-EFAULT) &&
	       copy_case(be, 0, 0xffffffffu, 8, (__u32)-EFAULT);
}

/* A packet pointer read before adjust_tail is dead after it. */
static bool t_tail_drops_pkt_pointers(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_LDX(BPF_W, 7, 1, MD(data)),
		KT_LDX(BPF_W, 8, 1, MD(data_end)),
		KT_MOV64_REG(1, 7),
		KT_ALU64_IMM(BPF_ADD, 1, 14),
		KT_INSN(BPF_JMP | BPF_JGT | BPF_X, 1, 8, 5, 0),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, -4),
		KT_CALL(BPF_FUNC_xdp_adjust_tail),
		KT_LDX(BPF_B, 0, 7, 0),
		KT_EXIT(),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_XDP, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns) };

	return kt_check_errno(be_load_prog(be, &l), EACCES, "PROG_LOAD");
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("xdp_adjust_tail_grow", t_tail_grow, linux_ok);
	kt_dual("xdp_adjust_tail_shrink", t_tail_shrink, linux_ok);
	kt_dual("xdp_adjust_tail_drops_pkt_pointers", t_tail_drops_pkt_pointers,
		linux_ok);
	kt_dual("xdp_get_buff_len", t_get_buff_len, linux_ok);
	kt_dual("xdp_load_store_bytes", t_load_store, linux_ok);
	kt_dual("xdp_load_store_bytes_refused", t_load_store_refused, linux_ok);
	return kt_done();
}
