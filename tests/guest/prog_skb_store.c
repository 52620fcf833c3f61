// SPDX-License-Identifier: GPL-2.0
/*
 * The packet writers bpf_skb_store_bytes and bpf_l3/l4_csum_replace in a
 * sched_cls program run with BPF_PROG_TEST_RUN: a program rewrites the
 * IPv4 destination address and fixes the header checksum; data_out must
 * carry both, byte for byte as on Linux's bpf(2) (the same cases run
 * there). Then the helpers' errors as the program's return value: unknown
 * flags, a write past the packet, an odd checksum offset.
 */
#include "kt_dual.h"
#include "kt_prog.h"

#define KT_MOV64_RR(d, s)	KT_MOV64_REG(d, s)
#define KT_JNE_IMM(d, i, o)	KT_INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)

#define OLD_ADDR	0x0200000a	/* 10.0.0.2 as the u32 in memory */
#define NEW_ADDR	0x0100a8c0	/* 192.168.0.1 */
#define IP_OFF		14

static unsigned char pkt[64];

/* Ethernet + a 20-byte IPv4 header to 10.0.0.2 with a right checksum. */
static void make_packet(void)
{
	static const unsigned char ip[20] = {
		0x45, 0, 0, 50, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2 };
	unsigned int sum = 0, i;

	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08;
	memcpy(pkt + IP_OFF, ip, sizeof(ip));
	for (i = 0; i < 20; i += 2)
		sum += pkt[IP_OFF + i] << 8 | pkt[IP_OFF + i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	pkt[IP_OFF + 10] = ~sum >> 8;
	pkt[IP_OFF + 11] = ~sum & 0xff;
}

static bool ip_sum_ok(const unsigned char *p)
{
	unsigned int sum = 0, i;

	for (i = 0; i < 20; i += 2)
		sum += p[IP_OFF + i] << 8 | p[IP_OFF + i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static bool t_rewrite_daddr(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_RR(6, 1),
		KT_ST(BPF_W, 10, -8, NEW_ADDR),
		KT_MOV64_IMM(2, IP_OFF + 16),
		KT_MOV64_RR(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -8),
		KT_MOV64_IMM(4, 4),
		KT_MOV64_IMM(5, 0),
		KT_CALL(BPF_FUNC_skb_store_bytes),
		KT_JNE_IMM(0, 0, 6),
		KT_MOV64_RR(1, 6),
		KT_MOV64_IMM(2, IP_OFF + 10),
		KT_MOV64_IMM(3, OLD_ADDR),
		KT_MOV64_IMM(4, NEW_ADDR),
		KT_MOV64_IMM(5, 4),
		KT_CALL(BPF_FUNC_l3_csum_replace),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_SCHED_CLS, .insns = insns,
			     .cnt = KT_ARRAY_SIZE(insns) };
	unsigned char out[64];
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = out, .data_size_out = sizeof(out) };

	make_packet();
	return be_load_run(be, &l, &r) &&
	       kt_check_u64(r.retval, 0, "retval") &&
	       kt_check_mem(out + IP_OFF + 16, "\xc0\xa8\x00\x01", 4, "daddr") &&
	       kt_check_true(ip_sum_ok(out), "IP checksum right after l3_csum_replace") &&
	       kt_check_mem(out, pkt, IP_OFF + 10, "bytes before") &&
	       kt_check_mem(out + IP_OFF + 20, pkt + IP_OFF + 20,
			    sizeof(pkt) - IP_OFF - 20, "bytes after");
}

/* r0 = helper(ctx, r2, r3, r4, r5) with the stack word at r10-8 as data. */
static bool errors_case(const struct kt_be *be, int func, int r2, int r4,
			int r5, int want)
{
	const struct bpf_insn insns[] = {
		KT_ST(BPF_DW, 10, -8, 0),
		KT_MOV64_IMM(2, r2),
		KT_MOV64_RR(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -8),
		KT_MOV64_IMM(4, r4),
		KT_MOV64_IMM(5, r5),
		KT_CALL(func),
		KT_EXIT(),
	};
	/* The l3/l4 forms take from/to values, not a pointer, in r3. */
	const struct bpf_insn csum_insns[] = {
		KT_MOV64_IMM(2, r2),
		KT_MOV64_IMM(3, 0),
		KT_MOV64_IMM(4, r4),
		KT_MOV64_IMM(5, r5),
		KT_CALL(func),
		KT_EXIT(),
	};
	bool store = func == BPF_FUNC_skb_store_bytes;
	struct kt_load l = { .type = BPF_PROG_TYPE_SCHED_CLS,
			     .insns = store ? insns : csum_insns,
			     .cnt = store ? KT_ARRAY_SIZE(insns) :
					    KT_ARRAY_SIZE(csum_insns) };
	unsigned char out[64];
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = out, .data_size_out = sizeof(out) };

	make_packet();
	return be_load_run(be, &l, &r) &&
	       kt_check_u64(r.retval, (__u32)want, "retval");
}

static bool t_errors(const struct kt_be *be)
{
	return errors_case(be, BPF_FUNC_skb_store_bytes, 0, 8, 1 << 2, -EINVAL) &&
	       errors_case(be, BPF_FUNC_skb_store_bytes, 60, 8, 0, -EFAULT) &&
	       errors_case(be, BPF_FUNC_skb_store_bytes, 56, 8,
			   BPF_F_INVALIDATE_HASH, 0) &&
	       errors_case(be, BPF_FUNC_l3_csum_replace, IP_OFF + 11, 0, 2,
			   -EFAULT) &&
	       errors_case(be, BPF_FUNC_l3_csum_replace, IP_OFF + 10, 0, 3,
			   -EINVAL) &&
	       errors_case(be, BPF_FUNC_l4_csum_replace, IP_OFF + 10, 0,
			   BPF_F_PSEUDO_HDR | 2, 0) &&
	       errors_case(be, BPF_FUNC_l4_csum_replace, IP_OFF + 10, 0,
			   1 << 8, -EINVAL);
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();

	kt_dual("skb_store_bytes_l3_csum_replace", t_rewrite_daddr, linux_ok);
	kt_dual("skb_store_bytes_csum_replace_errors", t_errors, linux_ok);
	return kt_done();
}
