// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN: retval, data_out, data_size_out (and its ENOSPC
 * truncation), duration and repeat, ctx_in/ctx_out, for socket filters,
 * tc, cgroup_skb, XDP and raw tracepoints, the errno of each bad
 * combination, and a program that reads an array map.
 */
#include <linux/if_ether.h>
#include <linux/kbpf.h>

#include "kt_dual.h"
#include "kt_prog.h"

/* This file tests kbpf alone: every run goes to /dev/kbpf. */
static long test_run(int fd, struct kt_run *r)
{
	return be_run_prog(&kt_be_kbpf, fd, r);
}

/* An IPv4 frame: Ethernet header then 20 bytes of IP header, then payload. */
static unsigned char pkt[64];

static void make_pkt(void)
{
	size_t i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)(i * 7 + 1);
	pkt[12] = 0x08;		/* ETH_P_IP */
	pkt[13] = 0x00;
	pkt[14] = 0x45;		/* IPv4, 20-byte header */
}

static long load(__u32 type, const struct bpf_insn *insns, __u32 cnt)
{
	struct kt_load l = { .type = type, .insns = insns, .cnt = cnt };

	return kt_prog_load(&l);
}

static void t_socket_filter(void)
{
	long fd = kt_load_ret(BPF_PROG_TYPE_SOCKET_FILTER, 1);
	unsigned char out[sizeof(pkt) + 16];
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = out, .data_size_out = sizeof(out) };
	bool ok;

	memset(out, 0xee, sizeof(out));
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, 1, "retval") &&
	     kt_check_u64(r.data_size_out, sizeof(pkt), "data_size_out") &&
	     kt_check_mem(out + ETH_HLEN, pkt + ETH_HLEN, sizeof(pkt) - ETH_HLEN,
			  "data_out after the Ethernet header") &&
	     /* Socket filters see no L2 header: it comes back zeroed, as in Linux. */
	     kt_check_fill(out, 0, ETH_HLEN, "Ethernet header") &&
	     kt_check_fill(out + sizeof(pkt), 0xee, 16, "past data_size_out");
	kt_verdict("socket_filter_retval_data", ok);

	/* A smaller data_out: cut to size, ENOSPC, the full size reported. */
	memset(out, 0xee, sizeof(out));
	r.data_size_out = 20;
	ok = kt_check_errno(test_run((int)fd, &r), ENOSPC, "TEST_RUN") &&
	     kt_check_u64(r.data_size_out, sizeof(pkt), "data_size_out") &&
	     kt_check_u64(r.retval, 1, "retval") &&
	     kt_check_fill(out + 20, 0xee, sizeof(out) - 20, "bytes past 20");
	kt_verdict("data_out_enospc", ok);

	/* repeat: the mean of many runs; a run is far below a millisecond. */
	r.data_size_out = sizeof(out);
	r.repeat = 100000;
	ok = kt_check_ok(test_run((int)fd, &r), "TEST_RUN repeat") &&
	     kt_check_u64(r.retval, 1, "retval") &&
	     kt_check_true(r.duration < 1000000, "duration is ns per run");
	kt_verdict("repeat_duration", ok);

	r.repeat = 0;
	r.data_size_in = ETH_HLEN - 1;
	kt_expect_errno("data_shorter_than_eth", test_run((int)fd, &r), EINVAL);
	r.data_size_in = 5000;
	kt_expect_errno("data_over_a_page", test_run((int)fd, &r), EINVAL);
	r.data_size_in = sizeof(pkt);
	r.flags = BPF_F_TEST_RUN_ON_CPU;
	kt_expect_errno("skb_flag_on_cpu", test_run((int)fd, &r), EINVAL);
	r.flags = 0;
	r.ctx_size_in = 8;
	kt_expect_errno("ctx_size_without_ctx", test_run((int)fd, &r), EINVAL);
	r.ctx_size_in = 0;
	r.data_in = (const void *)8;
	kt_expect_errno("data_in_fault", test_run((int)fd, &r), EFAULT);
	if (fd >= 0)
		close((int)fd);
}

/* skb->len and skb->mark through struct __sk_buff, with ctx_in and ctx_out. */
static void t_skb_ctx(void)
{
	const struct bpf_insn read_len[] = {
		KT_LDX(BPF_W, 0, 1, offsetof(struct __sk_buff, len)), KT_EXIT() };
	/* cgroup_skb must return 0 or 1, as in Linux: the mark's low bit. */
	const struct bpf_insn read_mark[] = {
		KT_LDX(BPF_W, 0, 1, offsetof(struct __sk_buff, mark)),
		KT_ALU64_IMM(BPF_AND, 0, 1), KT_EXIT() };
	struct __sk_buff ctx, ctx_out;
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt) };
	long fd;
	bool ok;

	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, read_len, 2);
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, sizeof(pkt) - ETH_HLEN, "len without L2 header");
	kt_verdict("socket_filter_skb_len", ok);
	if (fd >= 0)
		close((int)fd);

	fd = load(BPF_PROG_TYPE_SCHED_CLS, read_len, 2);
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, sizeof(pkt), "len with L2 header");
	kt_verdict("sched_cls_skb_len", ok);
	if (fd >= 0)
		close((int)fd);

	fd = load(BPF_PROG_TYPE_CGROUP_SKB, read_mark, 3);
	memset(&ctx, 0, sizeof(ctx));
	memset(&ctx_out, 0xee, sizeof(ctx_out));
	ctx.mark = 0x1235;
	ctx.priority = 3;
	r.ctx_in = &ctx;
	r.ctx_size_in = sizeof(ctx);
	r.ctx_out = &ctx_out;
	r.ctx_size_out = sizeof(ctx_out);
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, 1, "retval is ctx_in's mark & 1") &&
	     kt_check_u64(r.ctx_size_out, sizeof(ctx_out), "ctx_size_out") &&
	     kt_check_u64(ctx_out.mark, 0x1235, "ctx_out.mark") &&
	     kt_check_u64(ctx_out.priority, 3, "ctx_out.priority") &&
	     kt_check_u64(ctx_out.ifindex, 1, "ctx_out.ifindex is lo") &&
	     kt_check_u64(ctx_out.wire_len, sizeof(pkt) - ETH_HLEN, "ctx_out.wire_len");
	kt_verdict("cgroup_skb_ctx_in_out", ok);

	/* Fields a caller may not set. */
	ctx.len = 1;
	kt_expect_errno("ctx_in_len_set", test_run((int)fd, &r), EINVAL);
	ctx.len = 0;
	ctx.wire_len = 1;	/* shorter than the packet */
	kt_expect_errno("ctx_in_wire_len_short", test_run((int)fd, &r), EINVAL);
	ctx.wire_len = 0;
	ctx.ifindex = 0x7ffffff0;
	kt_expect_errno("ctx_in_ifindex_missing", test_run((int)fd, &r), ENODEV);
	ctx.ifindex = 0;
	r.ctx_size_out = 8;
	ok = kt_check_errno(test_run((int)fd, &r), ENOSPC, "small ctx_out") &&
	     kt_check_u64(r.ctx_size_out, sizeof(ctx_out), "ctx_size_out");
	kt_verdict("ctx_out_enospc", ok);
	if (fd >= 0)
		close((int)fd);
}

/* tc with direct packet access: read the EtherType, write the first byte. */
static void t_sched_cls_packet(void)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_W, 2, 1, offsetof(struct __sk_buff, data)),
		KT_LDX(BPF_W, 3, 1, offsetof(struct __sk_buff, data_end)),
		KT_MOV64_REG(4, 2),
		KT_ALU64_IMM(BPF_ADD, 4, ETH_HLEN),
		KT_INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 4, 0),
		KT_ST(BPF_B, 2, 0, 0xaa),
		KT_LDX(BPF_B, 0, 2, 12),
		KT_ALU64_IMM(BPF_ADD, 0, 0x100),
		KT_EXIT(),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	unsigned char out[sizeof(pkt)], want[sizeof(pkt)];
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = out, .data_size_out = sizeof(out) };
	long fd = load(BPF_PROG_TYPE_SCHED_CLS, insns, KT_ARRAY_SIZE(insns));
	bool ok;

	memcpy(want, pkt, sizeof(pkt));
	want[0] = 0xaa;
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, 0x100 + pkt[12], "retval") &&
	     kt_check_mem(out, want, sizeof(out), "data_out with the write");
	kt_verdict("sched_cls_direct_packet_access", ok);
	if (fd >= 0)
		close((int)fd);
}

static void t_xdp(void)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_W, 2, 1, offsetof(struct xdp_md, data)),
		KT_LDX(BPF_W, 3, 1, offsetof(struct xdp_md, data_end)),
		KT_MOV64_REG(4, 2),
		KT_ALU64_IMM(BPF_ADD, 4, 1),
		KT_INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 1, 0),
		KT_ST(BPF_B, 2, 0, 0x5a),
		KT_MOV64_IMM(0, XDP_PASS),
		KT_EXIT(),
	};
	unsigned char out[sizeof(pkt)], want[sizeof(pkt)];
	struct xdp_md md;
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = out, .data_size_out = sizeof(out) };
	long fd = load(BPF_PROG_TYPE_XDP, insns, KT_ARRAY_SIZE(insns));
	bool ok;

	memcpy(want, pkt, sizeof(pkt));
	want[0] = 0x5a;
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, XDP_PASS, "retval") &&
	     kt_check_u64(r.data_size_out, sizeof(pkt), "data_size_out") &&
	     kt_check_mem(out, want, sizeof(out), "data_out with the write");
	kt_verdict("xdp_pass_and_write", ok);

	/* 4 bytes of metadata before the packet: data_out starts at them. */
	memset(&md, 0, sizeof(md));
	md.data = 4;
	md.data_end = sizeof(pkt);
	r.ctx_in = &md;
	r.ctx_size_in = sizeof(md);
	r.ctx_out = &md;
	r.ctx_size_out = sizeof(md);
	memcpy(want, pkt, sizeof(pkt));
	want[4] = 0x5a;
	ok = kt_check_ok(test_run((int)fd, &r), "TEST_RUN with metadata") &&
	     kt_check_u64(r.data_size_out, sizeof(pkt), "data_size_out") &&
	     kt_check_mem(out, want, sizeof(out), "data_out") &&
	     kt_check_u64(md.data, 4, "ctx_out data") &&
	     kt_check_u64(md.data_end, sizeof(pkt), "ctx_out data_end");
	kt_verdict("xdp_metadata", ok);

	md.data = 3;		/* metadata must be a multiple of 4 */
	kt_expect_errno("xdp_meta_unaligned", test_run((int)fd, &r), EINVAL);
	md.data = 0;
	md.data_meta = 1;
	kt_expect_errno("xdp_data_meta_set", test_run((int)fd, &r), EINVAL);
	md.data_meta = 0;
	md.egress_ifindex = 1;
	kt_expect_errno("xdp_egress_ifindex", test_run((int)fd, &r), EINVAL);
	md.egress_ifindex = 0;
	md.rx_queue_index = 1;
	kt_expect_errno("xdp_queue_without_ifindex", test_run((int)fd, &r), EINVAL);
	r.ctx_in = r.ctx_out = NULL;
	r.ctx_size_in = r.ctx_size_out = 0;
	r.flags = 1u << 5;
	kt_expect_errno("xdp_unknown_flag", test_run((int)fd, &r), EINVAL);
	r.flags = 0;
	r.data_size_in = ETH_HLEN - 1;
	kt_expect_errno("xdp_short_frame", test_run((int)fd, &r), EINVAL);
	if (fd >= 0)
		close((int)fd);
}

/*
 * bpf_xdp_adjust_head() drops the first 4 bytes, bpf_xdp_adjust_meta()
 * makes 8 bytes of metadata the program writes: data_out starts at them.
 */
static void t_xdp_adjust(void)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(2, 4),
		KT_CALL(BPF_FUNC_xdp_adjust_head),
		KT_JEQ_IMM(0, 0, 2),
		KT_MOV64_IMM(0, 100),
		KT_EXIT(),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, -8),
		KT_CALL(BPF_FUNC_xdp_adjust_meta),
		KT_JEQ_IMM(0, 0, 2),
		KT_MOV64_IMM(0, 101),
		KT_EXIT(),
		KT_LDX(BPF_W, 2, 6, offsetof(struct xdp_md, data_meta)),
		KT_LDX(BPF_W, 3, 6, offsetof(struct xdp_md, data)),
		KT_MOV64_REG(4, 2),
		KT_ALU64_IMM(BPF_ADD, 4, 8),
		KT_INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 4, 0),
		KT_ST(BPF_W, 2, 0, 0x01020304),
		KT_ST(BPF_W, 2, 4, 0x05060708),
		KT_MOV64_IMM(0, XDP_PASS),
		KT_EXIT(),
		KT_MOV64_IMM(0, 102),
		KT_EXIT(),
	};
	static const unsigned char meta[8] = { 4, 3, 2, 1, 8, 7, 6, 5 };
	unsigned char out[sizeof(pkt) + 16];
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt),
			    .data_out = out, .data_size_out = sizeof(out) };
	long fd = load(BPF_PROG_TYPE_XDP, insns, KT_ARRAY_SIZE(insns));
	bool ok;

	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, XDP_PASS, "retval") &&
	     kt_check_u64(r.data_size_out, 8 + sizeof(pkt) - 4,
			  "data_size_out") &&
	     kt_check_mem(out, meta, sizeof(meta), "metadata") &&
	     kt_check_mem(out + 8, pkt + 4, sizeof(pkt) - 4, "data after the head");
	kt_verdict("xdp_adjust_head_and_meta", ok);
	if (fd >= 0)
		close((int)fd);
}

static void t_raw_tp(void)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_DW, 0, 1, 8), KT_EXIT() };
	__u64 args[2] = { 11, 0x2222 };
	struct kt_run r = { .ctx_in = args, .ctx_size_in = sizeof(args) };
	long fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, insns, 2);
	bool ok;

	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, 0x2222, "retval is args[1]");
	kt_verdict("raw_tp_args", ok);

	r.flags = BPF_F_TEST_RUN_ON_CPU;
	r.cpu = 0;
	ok = kt_check_ok(test_run((int)fd, &r), "TEST_RUN on CPU 0") &&
	     kt_check_u64(r.retval, 0x2222, "retval");
	kt_verdict("raw_tp_on_cpu", ok);
	r.cpu = 4095;
	kt_expect_errno("raw_tp_cpu_missing", test_run((int)fd, &r), ENXIO);
	r.flags = 0;
	r.cpu = 1;
	kt_expect_errno("raw_tp_cpu_without_flag", test_run((int)fd, &r), EINVAL);
	r.cpu = 0;
	r.repeat = 2;
	kt_expect_errno("raw_tp_repeat", test_run((int)fd, &r), EINVAL);
	r.repeat = 0;
	r.data_in = pkt;
	r.data_size_in = sizeof(pkt);
	kt_expect_errno("raw_tp_data_in", test_run((int)fd, &r), EINVAL);
	if (fd >= 0)
		close((int)fd);
}

/* Linux has no test run for kprobe programs: ENOTSUPP, its internal 524. */
static void t_kprobe(void)
{
	long fd = kt_load_ret(BPF_PROG_TYPE_KPROBE, 0);
	struct kt_run r = { 0 };
	bool ok;

	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_errno(test_run((int)fd, &r), KT_ENOTSUPP, "TEST_RUN");
	kt_verdict("kprobe_enotsupp", ok);
	if (fd >= 0)
		close((int)fd);
}

static void t_bad_fd(void)
{
	int map = kt_array_create(4, 1, 0);
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt) };

	kt_expect_errno("prog_fd_closed", test_run(1000, &r), EBADF);
	kt_expect_errno("prog_fd_is_map", test_run(map, &r), EINVAL);
	if (map >= 0)
		close(map);
}

/* A socket filter that returns the value at key 0 of an array map. */
static void t_map_prog(void)
{
	int map = kt_array_create(8, 2, 0);
	struct bpf_insn insns[] = {
		KT_ST(BPF_W, 10, -4, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_LD_MAP_FD(1, map),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(0, 0, 2),
		KT_LDX(BPF_W, 0, 0, 0),
		KT_EXIT(),
		KT_MOV64_IMM(0, 0xdead),
		KT_EXIT(),
	};
	struct kt_run r = { .data_in = pkt, .data_size_in = sizeof(pkt) };
	__u64 value = 0x42424242;
	__u32 key = 0;
	long fd = map >= 0 ? load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
				  KT_ARRAY_SIZE(insns)) : -1;
	bool ok;

	ok = kt_check_ok(map, "MAP_CREATE") &&
	     kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, 0, "retval before the update") &&
	     kt_check_ok(kt_map_update(map, &key, &value, BPF_ANY), "update") &&
	     kt_check_ok(test_run((int)fd, &r), "TEST_RUN") &&
	     kt_check_u64(r.retval, 0x42424242, "retval is the map value");
	kt_verdict("array_map_lookup", ok);
	if (fd >= 0)
		close((int)fd);
	if (map >= 0)
		close(map);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	if (!kt_verifier_present()) {
		kt_skip("all", "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return kt_done();
	}
	make_pkt();
	t_socket_filter();
	t_skb_ctx();
	t_sched_cls_packet();
	t_xdp();
	t_xdp_adjust();
	t_raw_tp();
	t_kprobe();
	t_bad_fd();
	t_map_prog();
	return kt_done();
}
