// SPDX-License-Identifier: GPL-2.0
/*
 * struct __sk_buff access (verifier/ctx_skb.c) for socket filter,
 * cgroup_skb, tc, lwt and sk_skb programs: what each may read and write, checked at
 * every offset and size against Linux 6.1's rules written out as tables;
 * then each rewrite run on the interpreter over a struct sk_buff built
 * here, reading what the uapi field means and writing where it should.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>
#include <kbpf/insn.h>
#include <kbpf/sock.h>
#include <kbpf/verifier.h>

#include "../../jit/interp.h"
#include "../../jit/x86_jit.h"

#include "ctxtest.h"
#include "ktest.h"

#define F(MEMBER, R, W)		CTX_FIELD(struct __sk_buff, MEMBER, R, W, 0)
#define P(MEMBER, REG)		CTX_FIELD(struct __sk_buff, MEMBER, CTX_EXACT, CTX_NO, REG)

/* What every __sk_buff type reads the same way. */
#define SKB_COMMON_FIELDS						\
	F(len, CTX_NARROW, CTX_NO),					\
	F(pkt_type, CTX_NARROW, CTX_NO),				\
	F(protocol, CTX_NARROW, CTX_NO),				\
	F(vlan_present, CTX_NARROW, CTX_NO),				\
	F(vlan_tci, CTX_NARROW, CTX_NO),				\
	F(vlan_proto, CTX_NARROW, CTX_NO),				\
	F(ingress_ifindex, CTX_NARROW, CTX_NO),				\
	F(ifindex, CTX_NARROW, CTX_NO),					\
	F(cb, CTX_ANY, CTX_ANY),					\
	F(hash, CTX_NARROW, CTX_NO),					\
	F(napi_id, CTX_NARROW, CTX_NO),					\
	F(flow_keys, CTX_NO, CTX_NO),					\
	F(gso_segs, CTX_NARROW, CTX_NO),				\
	F(gso_size, CTX_NARROW, CTX_NO),				\
	P(sk, KBPF_PTR_TO_SOCK_COMMON | KBPF_PTR_MAYBE_NULL)

static const struct ctx_field sk_filter_fields[] = {
	SKB_COMMON_FIELDS,
	F(mark, CTX_NARROW, CTX_NO),
	F(queue_mapping, CTX_NARROW, CTX_NO),
	F(priority, CTX_NARROW, CTX_NO),
	F(tc_index, CTX_NARROW, CTX_NO),
	F(tc_classid, CTX_NO, CTX_NO),
	F(data, CTX_NO, CTX_NO),
	F(data_end, CTX_NO, CTX_NO),
	F(data_meta, CTX_NO, CTX_NO),
	F(family, CTX_NO, CTX_NO),
	F(remote_ip4, CTX_NO, CTX_NO),
	F(local_ip4, CTX_NO, CTX_NO),
	F(remote_ip6, CTX_NO, CTX_NO),
	F(local_ip6, CTX_NO, CTX_NO),
	F(remote_port, CTX_NO, CTX_NO),
	F(local_port, CTX_NO, CTX_NO),
	F(tstamp, CTX_NO, CTX_NO),
	F(wire_len, CTX_NO, CTX_NO),
	F(tstamp_type, CTX_NO, CTX_NO),
	F(hwtstamp, CTX_NO, CTX_NO),
};

/* cgroup_skb as a bpf_capable() loader sees it. */
static const struct ctx_field cg_skb_fields[] = {
	SKB_COMMON_FIELDS,
	F(mark, CTX_NARROW, CTX_EXACT),
	F(queue_mapping, CTX_NARROW, CTX_NO),
	F(priority, CTX_NARROW, CTX_EXACT),
	F(tc_index, CTX_NARROW, CTX_NO),
	F(tc_classid, CTX_NO, CTX_NO),
	P(data, KBPF_PTR_TO_PACKET),
	P(data_end, KBPF_PTR_TO_PACKET_END),
	F(data_meta, CTX_NO, CTX_NO),
	F(family, CTX_NARROW, CTX_NO),
	F(remote_ip4, CTX_EXACT, CTX_NO),
	F(local_ip4, CTX_EXACT, CTX_NO),
	F(remote_ip6[0], CTX_EXACT, CTX_NO),
	F(remote_ip6[1], CTX_EXACT, CTX_NO),
	F(remote_ip6[2], CTX_EXACT, CTX_NO),
	F(remote_ip6[3], CTX_EXACT, CTX_NO),
	F(local_ip6[0], CTX_EXACT, CTX_NO),
	F(local_ip6[1], CTX_EXACT, CTX_NO),
	F(local_ip6[2], CTX_EXACT, CTX_NO),
	F(local_ip6[3], CTX_EXACT, CTX_NO),
	F(remote_port, CTX_NARROW, CTX_NO),
	F(local_port, CTX_NARROW, CTX_NO),
	F(tstamp, CTX_EXACT, CTX_EXACT),
	F(wire_len, CTX_NO, CTX_NO),
	F(tstamp_type, CTX_NO, CTX_NO),
	F(hwtstamp, CTX_EXACT, CTX_NO),
};

/* sched_cls and sched_act. */
static const struct ctx_field tc_fields[] = {
	SKB_COMMON_FIELDS,
	F(mark, CTX_NARROW, CTX_EXACT),
	F(queue_mapping, CTX_NARROW, CTX_EXACT),
	F(priority, CTX_NARROW, CTX_EXACT),
	F(tc_index, CTX_NARROW, CTX_EXACT),
	F(tc_classid, CTX_NARROW, CTX_EXACT),
	P(data, KBPF_PTR_TO_PACKET),
	P(data_end, KBPF_PTR_TO_PACKET_END),
	P(data_meta, KBPF_PTR_TO_PACKET_META),
	F(family, CTX_NO, CTX_NO),
	F(remote_ip4, CTX_NO, CTX_NO),
	F(local_ip4, CTX_NO, CTX_NO),
	F(remote_ip6, CTX_NO, CTX_NO),
	F(local_ip6, CTX_NO, CTX_NO),
	F(remote_port, CTX_NO, CTX_NO),
	F(local_port, CTX_NO, CTX_NO),
	F(tstamp, CTX_EXACT, CTX_EXACT),
	F(wire_len, CTX_NARROW, CTX_NO),
	F(tstamp_type, CTX_EXACT, CTX_NO),
	F(hwtstamp, CTX_EXACT, CTX_NO),
};

/* lwt_in, lwt_out and lwt_xmit: cgroup_skb's writes, no socket fields. */
static const struct ctx_field lwt_fields[] = {
	SKB_COMMON_FIELDS,
	F(mark, CTX_NARROW, CTX_EXACT),
	F(queue_mapping, CTX_NARROW, CTX_NO),
	F(priority, CTX_NARROW, CTX_EXACT),
	F(tc_index, CTX_NARROW, CTX_NO),
	F(tc_classid, CTX_NO, CTX_NO),
	P(data, KBPF_PTR_TO_PACKET),
	P(data_end, KBPF_PTR_TO_PACKET_END),
	F(data_meta, CTX_NO, CTX_NO),
	F(family, CTX_NO, CTX_NO),
	F(remote_ip4, CTX_NO, CTX_NO),
	F(local_ip4, CTX_NO, CTX_NO),
	F(remote_ip6, CTX_NO, CTX_NO),
	F(local_ip6, CTX_NO, CTX_NO),
	F(remote_port, CTX_NO, CTX_NO),
	F(local_port, CTX_NO, CTX_NO),
	F(tstamp, CTX_NO, CTX_NO),
	F(wire_len, CTX_NO, CTX_NO),
	F(tstamp_type, CTX_NO, CTX_NO),
	F(hwtstamp, CTX_NO, CTX_NO),
};

/* sk_skb: no mark at all, cb[] read-only, tc_index and priority writable. */
static const struct ctx_field sk_skb_fields[] = {
	F(len, CTX_NARROW, CTX_NO),
	F(pkt_type, CTX_NARROW, CTX_NO),
	F(protocol, CTX_NARROW, CTX_NO),
	F(vlan_present, CTX_NARROW, CTX_NO),
	F(vlan_tci, CTX_NARROW, CTX_NO),
	F(vlan_proto, CTX_NARROW, CTX_NO),
	F(ingress_ifindex, CTX_NARROW, CTX_NO),
	F(ifindex, CTX_NARROW, CTX_NO),
	F(cb, CTX_ANY, CTX_NO),
	F(hash, CTX_NARROW, CTX_NO),
	F(napi_id, CTX_NARROW, CTX_NO),
	F(flow_keys, CTX_NO, CTX_NO),
	F(gso_segs, CTX_NARROW, CTX_NO),
	F(gso_size, CTX_NARROW, CTX_NO),
	P(sk, KBPF_PTR_TO_SOCK_COMMON | KBPF_PTR_MAYBE_NULL),
	F(mark, CTX_NO, CTX_NO),
	F(queue_mapping, CTX_NARROW, CTX_NO),
	F(priority, CTX_NARROW, CTX_EXACT),
	F(tc_index, CTX_NARROW, CTX_EXACT),
	F(tc_classid, CTX_NO, CTX_NO),
	P(data, KBPF_PTR_TO_PACKET),
	P(data_end, KBPF_PTR_TO_PACKET_END),
	F(data_meta, CTX_NO, CTX_NO),
	/* Through skb->sk, as cgroup_skb's (bpf_skb_is_valid_access()). */
	F(family, CTX_NARROW, CTX_NO),
	F(remote_ip4, CTX_EXACT, CTX_NO),
	F(local_ip4, CTX_EXACT, CTX_NO),
	F(remote_ip6[0], CTX_EXACT, CTX_NO),
	F(remote_ip6[1], CTX_EXACT, CTX_NO),
	F(remote_ip6[2], CTX_EXACT, CTX_NO),
	F(remote_ip6[3], CTX_EXACT, CTX_NO),
	F(local_ip6[0], CTX_EXACT, CTX_NO),
	F(local_ip6[1], CTX_EXACT, CTX_NO),
	F(local_ip6[2], CTX_EXACT, CTX_NO),
	F(local_ip6[3], CTX_EXACT, CTX_NO),
	F(remote_port, CTX_NARROW, CTX_NO),
	F(local_port, CTX_NARROW, CTX_NO),
	F(tstamp, CTX_NO, CTX_NO),
	F(wire_len, CTX_NO, CTX_NO),
	F(tstamp_type, CTX_NO, CTX_NO),
	F(hwtstamp, CTX_NO, CTX_NO),
};

TEST(ctx_skb_lwt_access)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_LWT_IN);

	ASSERT_NONNULL(ops);
	EXPECT_EQ(kbpf_ctx_ops(BPF_PROG_TYPE_LWT_OUT), ops);
	EXPECT_EQ(kbpf_ctx_ops(BPF_PROG_TYPE_LWT_XMIT), ops);
	ctx_check_table(ops, 0, lwt_fields, ARRAY_SIZE(lwt_fields));
}

TEST(ctx_skb_sk_skb_access)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SK_SKB);

	ASSERT_NONNULL(ops);
	ctx_check_table(ops, BPF_SK_SKB_STREAM_VERDICT, sk_skb_fields,
			ARRAY_SIZE(sk_skb_fields));
}

/* sk_skb's cb[] is the start of skb->cb (struct sk_skb_cb), not the qdisc's data. */
TEST(ctx_skb_sk_skb_cb_and_data_end)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SK_SKB);
	u8 frame[64] = { 0 };
	struct sk_buff skb;
	u32 word = 0x11223344;
	bool ok;

	memset(&skb, 0, sizeof(skb));
	memcpy(skb.cb + offsetof(struct sk_skb_cb, data) + 8, &word, 4);
	EXPECT_EQ(ctx_read(ops, 0, &skb, offsetof(struct __sk_buff, cb[2]), 4,
			   BPF_REG_0, BPF_REG_1, &ok), 0x11223344);
	EXPECT_TRUE(ok);
	EXPECT_EQ(ctx_read(ops, 0, &skb, offsetof(struct __sk_buff, cb[2]) + 1,
			   1, BPF_REG_1, BPF_REG_1, &ok), 0x33);
	EXPECT_TRUE(ok);
	EXPECT_FALSE(ctx_write(ops, 0, &skb, offsetof(struct __sk_buff, cb[0]),
			       4, 1));
	EXPECT_TRUE(ctx_write(ops, 0, &skb, offsetof(struct __sk_buff, priority),
			      4, 6));
	EXPECT_EQ(skb.priority, 6);

	/*
	 * data_end is computed from the skb on every read, not taken from
	 * skb->cb (the stream parser's): poison cb, and move the data.
	 */
	skb.data = frame;
	skb.len = 40;
	memset(skb.cb, 0xa5, sizeof(skb.cb));
	EXPECT_EQ(ctx_read(ops, 0, &skb, offsetof(struct __sk_buff, data_end),
			   4, BPF_REG_1, BPF_REG_1, &ok), (uintptr_t)(frame + 40));
	EXPECT_TRUE(ok);
	EXPECT_EQ(ctx_read(ops, 0, &skb, offsetof(struct __sk_buff, data_end),
			   4, BPF_REG_2, BPF_REG_1, &ok), (uintptr_t)(frame + 40));
	/* Only the linear part: len - data_len bytes past data. */
	skb.data = frame + 8;
	skb.len = 50;
	skb.data_len = 20;
	EXPECT_EQ(ctx_read(ops, 0, &skb, offsetof(struct __sk_buff, data_end),
			   4, BPF_REG_1, BPF_REG_1, &ok), (uintptr_t)(frame + 38));
	EXPECT_EQ(ctx_read(ops, 0, &skb, offsetof(struct __sk_buff, data_end),
			   4, BPF_REG_3, BPF_REG_1, &ok), (uintptr_t)(frame + 38));
}

TEST(ctx_skb_ops_per_type)
{
	const struct kbpf_ctx_ops *tc = kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS);

	ASSERT_NONNULL(tc);
	EXPECT_EQ(kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_ACT), tc);
	EXPECT_NONNULL(kbpf_ctx_ops(BPF_PROG_TYPE_SOCKET_FILTER));
	EXPECT_NONNULL(kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SKB));
	EXPECT_EQ(tc->ctx_size, sizeof(struct __sk_buff));
	EXPECT_NULL(kbpf_ctx_ops(BPF_PROG_TYPE_FLOW_DISSECTOR));
	EXPECT_NULL(kbpf_ctx_ops(~0U));
}

TEST(ctx_skb_sk_filter_access)
{
	ctx_check_table(kbpf_ctx_ops(BPF_PROG_TYPE_SOCKET_FILTER), 0,
			sk_filter_fields, ARRAY_SIZE(sk_filter_fields));
}

TEST(ctx_skb_cg_skb_access)
{
	ctx_check_table(kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SKB),
			BPF_CGROUP_INET_INGRESS, cg_skb_fields,
			ARRAY_SIZE(cg_skb_fields));
}

TEST(ctx_skb_cg_skb_unprivileged_no_packet)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SKB);
	struct ctx_field fields[ARRAY_SIZE(cg_skb_fields)];
	u64 saved = kbpf_shim_caps;
	u32 i;

	/*
	 * Without CAP_BPF or CAP_SYS_ADMIN, data and data_end are refused,
	 * and so is a tstamp write.
	 */
	memcpy(fields, cg_skb_fields, sizeof(fields));
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (fields[i].reg_type == KBPF_PTR_TO_PACKET ||
		    fields[i].reg_type == KBPF_PTR_TO_PACKET_END)
			fields[i].read = CTX_NO;
		if (fields[i].off == offsetof(struct __sk_buff, tstamp))
			fields[i].write = CTX_NO;
	}
	kbpf_shim_caps = 1ULL << CAP_NET_ADMIN;
	ctx_check_table(ops, BPF_CGROUP_INET_EGRESS, fields, ARRAY_SIZE(fields));
	kbpf_shim_caps = 1ULL << CAP_BPF;
	ctx_check_table(ops, BPF_CGROUP_INET_EGRESS, cg_skb_fields,
			ARRAY_SIZE(cg_skb_fields));
	kbpf_shim_caps = saved;
}

TEST(ctx_skb_tc_access)
{
	ctx_check_table(kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS), 0, tc_fields,
			ARRAY_SIZE(tc_fields));
	ctx_check_table(kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_ACT), 0, tc_fields,
			ARRAY_SIZE(tc_fields));
}

/* ---- The rewrites, run ------------------------------------------------- */

struct skb_fixture {
	u8 buf[256];
	struct net_device dev;
	struct sk_buff skb;
};

static struct qdisc_skb_cb *qcb(struct sk_buff *skb)
{
	return (struct qdisc_skb_cb *)skb->cb;
}

static void skb_init(struct skb_fixture *f)
{
	u32 i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(f->buf); i++)
		f->buf[i] = (u8)(i * 7);
	f->dev.ifindex = 9;
	f->skb.dev = &f->dev;
	f->skb.head = f->buf;
	f->skb.data = f->buf + 32;
	f->skb.len = 100;
	f->skb.tail = 132;
	f->skb.end = 192;
	f->skb.protocol = 0x1234;
	f->skb.vlan_proto = 0xa888;
	f->skb.vlan_tci = 0x0123;
	f->skb.pkt_type = 3;
	f->skb.vlan_present = 1;
	f->skb.mark = 0xa1b2c3d4;
	f->skb.priority = 0x11223344;
	f->skb.skb_iif = 7;
	f->skb.hash = 0xdeadbeef;
	f->skb.queue_mapping = 0x0102;
	f->skb.tc_index = 0x0304;
	f->skb.napi_id = MIN_NAPI_ID + 5;
	for (i = 0; i < sizeof(qcb(&f->skb)->data); i++)
		qcb(&f->skb)->data[i] = (u8)(0x40 + i);
	qcb(&f->skb)->tc_classid = 0xabcd;
	qcb(&f->skb)->pkt_len = 1514;
	skb_shinfo(&f->skb)->gso_segs = 0x0a0b;
	skb_shinfo(&f->skb)->gso_size = 0x05a8;
	skb_shinfo(&f->skb)->hwtstamps.hwtstamp = 0x1122334455667788LL;
	f->skb.tstamp = 0x0102030405060708LL;
	kbpf_skb_compute_data_pointers(&f->skb);
}

/* A field's uapi value on the fixture, and the size of its kernel field. */
struct skb_value {
	int off;
	u64 value;
	int kernel_size;
};

static u32 skb_values(struct skb_fixture *f, struct skb_value *v)
{
	struct skb_value all[] = {
		{ offsetof(struct __sk_buff, len), f->skb.len, 4 },
		{ offsetof(struct __sk_buff, pkt_type), 3, 1 },
		{ offsetof(struct __sk_buff, mark), 0xa1b2c3d4, 4 },
		{ offsetof(struct __sk_buff, queue_mapping), 0x0102, 2 },
		{ offsetof(struct __sk_buff, protocol), 0x1234, 2 },
		{ offsetof(struct __sk_buff, vlan_present), 1, 1 },
		{ offsetof(struct __sk_buff, vlan_tci), 0x0123, 2 },
		{ offsetof(struct __sk_buff, vlan_proto), 0xa888, 2 },
		{ offsetof(struct __sk_buff, priority), 0x11223344, 4 },
		{ offsetof(struct __sk_buff, ingress_ifindex), 7, 4 },
		{ offsetof(struct __sk_buff, ifindex), 9, 4 },
		{ offsetof(struct __sk_buff, tc_index), 0x0304, 2 },
		{ offsetof(struct __sk_buff, hash), 0xdeadbeef, 4 },
		{ offsetof(struct __sk_buff, tc_classid), 0xabcd, 2 },
		{ offsetof(struct __sk_buff, napi_id), MIN_NAPI_ID + 5, 4 },
		{ offsetof(struct __sk_buff, wire_len), 1514, 4 },
		{ offsetof(struct __sk_buff, gso_segs), 0x0a0b, 2 },
		{ offsetof(struct __sk_buff, gso_size), 0x05a8, 2 },
	};

	memcpy(v, all, sizeof(all));
	return ARRAY_SIZE(all);
}

/* Every narrow read of every readable 4-byte field, into another register and into the context's own. */
static void check_reads(u32 prog_type)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(prog_type);
	struct skb_fixture f;
	struct skb_value v[32];
	u32 n, i;
	int size, at;

	skb_init(&f);
	n = skb_values(&f, v);
	for (i = 0; i < n; i++) {
		for (size = 1; size <= 4; size *= 2) {
			for (at = 0; at < 4; at += size) {
				u64 want = ctx_narrow_expect(v[i].value,
							     v[i].kernel_size,
							     at, size);
				struct kbpf_insn_access_aux info = {};
				bool allowed, ok;
				u64 got;

				allowed = ops->is_valid_access(v[i].off + at, size,
							       KBPF_READ, 0, &info);
				got = ctx_read(ops, 0, &f.skb, v[i].off + at,
					       size, BPF_REG_0, BPF_REG_1, &ok);
				EXPECT_EQ(ok, allowed);
				if (!ok)
					continue;
				if (!EXPECT_EQ(got, want))
					fprintf(stderr, "  off %d+%d size %d\n",
						v[i].off, at, size);
				got = ctx_read(ops, 0, &f.skb, v[i].off + at,
					       size, BPF_REG_1, BPF_REG_1, &ok);
				EXPECT_EQ(got, want);
			}
		}
	}
}

TEST(ctx_skb_read_fields_sk_filter)
{
	check_reads(BPF_PROG_TYPE_SOCKET_FILTER);
}

TEST(ctx_skb_read_fields_cg_skb)
{
	check_reads(BPF_PROG_TYPE_CGROUP_SKB);
}

TEST(ctx_skb_read_fields_tc)
{
	check_reads(BPF_PROG_TYPE_SCHED_CLS);
}

/* Linux's quirk, kept: a 2-byte read of the upper half of a 2-byte kernel field gives the field. */
TEST(ctx_skb_read_narrow_quirk)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS);
	struct skb_fixture f;
	bool ok;

	skb_init(&f);
	EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, protocol) + 2,
			   2, BPF_REG_0, BPF_REG_1, &ok), 0x1234);
	EXPECT_TRUE(ok);
	EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, protocol) + 3,
			   1, BPF_REG_0, BPF_REG_1, &ok), 0);
	EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, protocol) + 1,
			   1, BPF_REG_0, BPF_REG_1, &ok), 0x12);
}

TEST(ctx_skb_read_cb)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SOCKET_FILTER);
	int base = offsetof(struct __sk_buff, cb[0]);
	struct skb_fixture f;
	int size, at;

	skb_init(&f);
	for (size = 1; size <= 8; size *= 2) {
		for (at = 0; at + size <= 20; at += size) {
			u64 want = 0;
			bool ok;

			memcpy(&want, qcb(&f.skb)->data + at, size);
			EXPECT_EQ(ctx_read(ops, 0, &f.skb, base + at, size,
					   BPF_REG_3, BPF_REG_1, &ok), want);
			EXPECT_TRUE(ok);
		}
	}
}

TEST(ctx_skb_read_packet_pointers)
{
	const struct kbpf_ctx_ops *tc = kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS);
	const struct kbpf_ctx_ops *cg = kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SKB);
	struct skb_fixture f;
	u64 data, end, meta;
	bool ok;

	skb_init(&f);
	data = ctx_read(tc, 0, &f.skb, offsetof(struct __sk_buff, data), 4,
			BPF_REG_0, BPF_REG_1, &ok);
	EXPECT_EQ(data, (uintptr_t)f.skb.data);
	end = ctx_read(tc, 0, &f.skb, offsetof(struct __sk_buff, data_end), 4,
		       BPF_REG_1, BPF_REG_1, &ok);
	EXPECT_EQ(end - data, skb_headlen(&f.skb));
	meta = ctx_read(tc, 0, &f.skb, offsetof(struct __sk_buff, data_meta), 4,
			BPF_REG_5, BPF_REG_1, &ok);
	EXPECT_EQ(meta, data);		/* no metadata in front of data */
	EXPECT_EQ(ctx_read(cg, 0, &f.skb, offsetof(struct __sk_buff, data_end), 4,
			   BPF_REG_0, BPF_REG_1, &ok), end);
	EXPECT_TRUE(ok);

	/* A paged skb: data_end stops at the linear part. */
	f.skb.data_len = 40;
	kbpf_skb_compute_data_pointers(&f.skb);
	end = ctx_read(tc, 0, &f.skb, offsetof(struct __sk_buff, data_end), 4,
		       BPF_REG_0, BPF_REG_1, &ok);
	EXPECT_EQ(end - data, 60);
	EXPECT_EQ(ctx_read(tc, 0, &f.skb, offsetof(struct __sk_buff, len), 4,
			   BPF_REG_0, BPF_REG_1, &ok), 100);
}

/* cgroup_skb's socket fields, through skb->sk; 0 without a socket. */
TEST(ctx_skb_read_socket_fields)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SKB);
	struct skb_fixture f;
	struct sock sk = {};
	bool ok;
	int dst;

	skb_init(&f);
	sk.__sk_common.skc_family = 10;
	sk.__sk_common.skc_daddr = 0x0100007f;
	sk.__sk_common.skc_rcv_saddr = 0x0200007f;
	sk.__sk_common.skc_dport = 0x5000;
	sk.__sk_common.skc_num = 8080;
	sk.__sk_common.skc_v6_daddr.s6_addr32[1] = 0xa1a2a3a4;
	sk.__sk_common.skc_v6_rcv_saddr.s6_addr32[3] = 0xb1b2b3b4;
	f.skb.sk = &sk;
#define SKB_READ(F, SZ, D)						\
	ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, F), SZ, D,	\
		 BPF_REG_1, &ok)
	for (dst = BPF_REG_0; dst <= BPF_REG_1; dst++) {
		EXPECT_EQ(SKB_READ(family, 4, dst), 10);
		EXPECT_EQ(SKB_READ(remote_ip4, 4, dst), 0x0100007f);
		EXPECT_EQ(SKB_READ(local_ip4, 4, dst), 0x0200007f);
		EXPECT_EQ(SKB_READ(remote_ip6[1], 4, dst), 0xa1a2a3a4);
		EXPECT_EQ(SKB_READ(local_ip6[3], 4, dst), 0xb1b2b3b4);
		EXPECT_EQ(SKB_READ(local_ip6[2], 4, dst), 0);
		EXPECT_EQ(SKB_READ(local_port, 4, dst), 8080);
		/* Linux's quirk: the port in network order, shifted up 16. */
		EXPECT_EQ(SKB_READ(remote_port, 4, dst), 0x50000000);
		EXPECT_TRUE(ok);
	}
	EXPECT_EQ(SKB_READ(family, 1, BPF_REG_0), 10);
	EXPECT_EQ(SKB_READ(local_port, 2, BPF_REG_0), 8080);
	/* No socket: every field reads 0 (Linux would not check). */
	f.skb.sk = NULL;
	EXPECT_EQ(SKB_READ(family, 4, BPF_REG_1), 0);
	EXPECT_EQ(SKB_READ(remote_port, 4, BPF_REG_0), 0);
	EXPECT_EQ(SKB_READ(local_ip6[0], 4, BPF_REG_0), 0);
#undef SKB_READ
}

/* skb->sk is the socket pointer itself, NULL or not. */
TEST(ctx_skb_read_sk)
{
	int types[] = { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_CGROUP_SKB,
			BPF_PROG_TYPE_SCHED_CLS };
	struct skb_fixture f;
	struct sock *sk = (struct sock *)0x1234567890ULL;
	bool ok;
	u32 i;

	skb_init(&f);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(types[i]);

		f.skb.sk = sk;
		EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, sk),
				   8, BPF_REG_1, BPF_REG_1, &ok), (u64)(unsigned long)sk);
		EXPECT_TRUE(ok);
		f.skb.sk = NULL;
		EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, sk),
				   8, BPF_REG_0, BPF_REG_1, &ok), 0);
	}
}

TEST(ctx_skb_read_no_device_no_napi)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS);
	struct skb_fixture f;
	bool ok;

	skb_init(&f);
	f.skb.dev = NULL;
	EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, ifindex), 4,
			   BPF_REG_0, BPF_REG_1, &ok), 0);
	EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, ifindex), 4,
			   BPF_REG_1, BPF_REG_1, &ok), 0);
	/* Below MIN_NAPI_ID the kernel's union holds a sender CPU: reads as 0. */
	f.skb.napi_id = MIN_NAPI_ID - 1;
	EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, napi_id), 4,
			   BPF_REG_0, BPF_REG_1, &ok), 0);
	f.skb.napi_id = MIN_NAPI_ID;
	EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, napi_id), 4,
			   BPF_REG_0, BPF_REG_1, &ok), MIN_NAPI_ID);
	/* pkt_type and vlan_present are bits: their neighbours do not leak in. */
	f.skb.pkt_type = 7;
	f.skb.vlan_present = 0;
	EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, pkt_type), 4,
			   BPF_REG_0, BPF_REG_1, &ok), 7);
	EXPECT_EQ(ctx_read(ops, 0, &f.skb, offsetof(struct __sk_buff, vlan_present), 4,
			   BPF_REG_0, BPF_REG_1, &ok), 0);
}

TEST(ctx_skb_write_tc)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS);
	struct skb_fixture f;
	u64 cb_want = 0x8877665544332211ULL, cb_got;

	skb_init(&f);
	EXPECT_TRUE(ctx_write(ops, 0, &f.skb, offsetof(struct __sk_buff, mark), 4,
			      0x55667788));
	EXPECT_EQ(f.skb.mark, 0x55667788);
	EXPECT_TRUE(ctx_write(ops, 0, &f.skb, offsetof(struct __sk_buff, priority),
			      4, 6));
	EXPECT_EQ(f.skb.priority, 6);
	EXPECT_TRUE(ctx_write(ops, 0, &f.skb, offsetof(struct __sk_buff, tc_index),
			      4, 0x12345));
	EXPECT_EQ(f.skb.tc_index, 0x2345);
	EXPECT_TRUE(ctx_write(ops, 0, &f.skb,
			      offsetof(struct __sk_buff, tc_classid), 4, 0xfedcba));
	EXPECT_EQ(qcb(&f.skb)->tc_classid, 0xdcba);

	/* queue_mapping: NO_QUEUE_MAPPING and above leave it alone. */
	EXPECT_TRUE(ctx_write(ops, 0, &f.skb,
			      offsetof(struct __sk_buff, queue_mapping), 4, 7));
	EXPECT_EQ(f.skb.queue_mapping, 7);
	EXPECT_TRUE(ctx_write(ops, 0, &f.skb,
			      offsetof(struct __sk_buff, queue_mapping), 4,
			      NO_QUEUE_MAPPING));
	EXPECT_TRUE(ctx_write(ops, 0, &f.skb,
			      offsetof(struct __sk_buff, queue_mapping), 4,
			      0x10001));
	EXPECT_EQ(f.skb.queue_mapping, 7);
	EXPECT_TRUE(ctx_write(ops, 0, &f.skb,
			      offsetof(struct __sk_buff, queue_mapping), 4,
			      NO_QUEUE_MAPPING - 1));
	EXPECT_EQ(f.skb.queue_mapping, NO_QUEUE_MAPPING - 1);

	/* cb[2..3] as one 8-byte store; the rest of cb untouched. */
	EXPECT_TRUE(ctx_write(ops, 0, &f.skb, offsetof(struct __sk_buff, cb[2]),
			      8, cb_want));
	memcpy(&cb_got, qcb(&f.skb)->data + 8, 8);
	EXPECT_EQ(cb_got, cb_want);
	EXPECT_EQ(qcb(&f.skb)->data[7], 0x47);
	EXPECT_EQ(qcb(&f.skb)->data[16], 0x50);
	EXPECT_EQ(qcb(&f.skb)->tc_classid, 0xdcba);
}

TEST(ctx_skb_write_sk_filter_cg_skb)
{
	const struct kbpf_ctx_ops *sf = kbpf_ctx_ops(BPF_PROG_TYPE_SOCKET_FILTER);
	const struct kbpf_ctx_ops *cg = kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SKB);
	struct skb_fixture f;

	skb_init(&f);
	/* A socket filter writes only cb[]. */
	EXPECT_FALSE(ctx_write(sf, 0, &f.skb, offsetof(struct __sk_buff, mark), 4, 1));
	EXPECT_EQ(f.skb.mark, 0xa1b2c3d4);
	EXPECT_TRUE(ctx_write(sf, 0, &f.skb, offsetof(struct __sk_buff, cb[4]), 1,
			      0x1ff));
	EXPECT_EQ(qcb(&f.skb)->data[16], 0xff);
	EXPECT_EQ(qcb(&f.skb)->data[17], 0x51);
	EXPECT_TRUE(ctx_write(sf, 0, &f.skb, offsetof(struct __sk_buff, cb[4]) + 2,
			      2, 0xbeef));
	EXPECT_EQ(qcb(&f.skb)->data[18], 0xef);
	EXPECT_EQ(qcb(&f.skb)->data[19], 0xbe);

	/* cgroup_skb: mark and priority too, but not tc_index. */
	EXPECT_TRUE(ctx_write(cg, 0, &f.skb, offsetof(struct __sk_buff, mark), 4, 2));
	EXPECT_EQ(f.skb.mark, 2);
	EXPECT_TRUE(ctx_write(cg, 0, &f.skb, offsetof(struct __sk_buff, priority),
			      4, 3));
	EXPECT_EQ(f.skb.priority, 3);
	EXPECT_FALSE(ctx_write(cg, 0, &f.skb, offsetof(struct __sk_buff, tc_index),
			       4, 4));
	EXPECT_FALSE(ctx_write(cg, 0, &f.skb, offsetof(struct __sk_buff, mark), 2, 4));
	EXPECT_EQ(f.skb.tc_index, 0x0304);
}

/* The skb_shared_info fields, at head + end, for every type that reads them. */
TEST(ctx_skb_read_shinfo_fields)
{
	static const u32 types[] = {
		BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_CGROUP_SKB,
		BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_LWT_IN,
		BPF_PROG_TYPE_SK_SKB,
	};
	struct skb_fixture f;
	bool ok;
	u32 i;
	int dst;

	skb_init(&f);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(types[i]);
		bool hw = types[i] == BPF_PROG_TYPE_CGROUP_SKB ||
			  types[i] == BPF_PROG_TYPE_SCHED_CLS;

		for (dst = BPF_REG_0; dst <= BPF_REG_1; dst++) {
			EXPECT_EQ(ctx_read(ops, 0, &f.skb,
					   offsetof(struct __sk_buff, gso_segs),
					   4, dst, BPF_REG_1, &ok), 0x0a0b);
			EXPECT_TRUE(ok);
			EXPECT_EQ(ctx_read(ops, 0, &f.skb,
					   offsetof(struct __sk_buff, gso_size),
					   4, dst, BPF_REG_1, &ok), 0x05a8);
			EXPECT_TRUE(ok);
			EXPECT_EQ(ctx_read(ops, 0, &f.skb,
					   offsetof(struct __sk_buff, hwtstamp),
					   8, dst, BPF_REG_1, &ok),
				  hw ? 0x1122334455667788ULL : 0);
			EXPECT_EQ(ok, hw);
		}
	}
	/* end moves the shared info: the rewrite follows it. */
	f.skb.end = 128;
	skb_shinfo(&f.skb)->gso_segs = 3;
	EXPECT_EQ(ctx_read(kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS), 0, &f.skb,
			   offsetof(struct __sk_buff, gso_segs), 2, BPF_REG_1,
			   BPF_REG_1, &ok), 3);
}

#define TSTAMP_FLAGS(SKB, INGRESS, MONO)				\
	do {								\
		(SKB)->tc_at_ingress = (INGRESS);			\
		(SKB)->mono_delivery_time = (MONO);			\
	} while (0)

static u64 read_tstamp(const struct kbpf_ctx_ops *ops, struct sk_buff *skb,
		       u8 dst)
{
	bool ok;
	u64 v = ctx_read(ops, 0, skb, offsetof(struct __sk_buff, tstamp), 8,
			 dst, BPF_REG_1, &ok);

	EXPECT_TRUE(ok);
	return v;
}

/*
 * 6.1's delivery time: a program that never read tstamp_type reads 0 for
 * a mono delivery time at tc ingress, and the time itself otherwise.
 */
TEST(ctx_skb_tstamp_read)
{
	const struct kbpf_ctx_ops *tc = kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS);
	const struct kbpf_ctx_ops *cg = kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SKB);
	const u64 t = 0x0102030405060708ULL;
	struct skb_fixture f;
	int dst;

	skb_init(&f);
	ASSERT_NONNULL(tc->tstamp_type_ops);
	EXPECT_NULL(cg->tstamp_type_ops);
	for (dst = BPF_REG_0; dst <= BPF_REG_1; dst++) {
		TSTAMP_FLAGS(&f.skb, 0, 0);
		EXPECT_EQ(read_tstamp(tc, &f.skb, dst), t);
		EXPECT_EQ(read_tstamp(cg, &f.skb, dst), t);
		TSTAMP_FLAGS(&f.skb, 1, 0);
		EXPECT_EQ(read_tstamp(tc, &f.skb, dst), t);
		TSTAMP_FLAGS(&f.skb, 0, 1);
		EXPECT_EQ(read_tstamp(tc, &f.skb, dst), t);
		EXPECT_EQ(read_tstamp(cg, &f.skb, dst), t);
		TSTAMP_FLAGS(&f.skb, 1, 1);
		EXPECT_EQ(read_tstamp(tc, &f.skb, dst), 0);
		EXPECT_EQ(read_tstamp(cg, &f.skb, dst), 0);
		/* Aware of delivery times: the value as it is. */
		EXPECT_EQ(read_tstamp(tc->tstamp_type_ops, &f.skb, dst), t);
	}
	/* The flag byte's other bits do not matter. */
	f.skb.vlan_present = 0;
	EXPECT_EQ(read_tstamp(tc, &f.skb, BPF_REG_0), 0);
	TSTAMP_FLAGS(&f.skb, 1, 0);
	EXPECT_EQ(read_tstamp(tc, &f.skb, BPF_REG_0), t);
}

TEST(ctx_skb_tstamp_write)
{
	const struct kbpf_ctx_ops *tc = kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS);
	const struct kbpf_ctx_ops *cg = kbpf_ctx_ops(BPF_PROG_TYPE_CGROUP_SKB);
	const int off = offsetof(struct __sk_buff, tstamp);
	struct skb_fixture f;

	skb_init(&f);
	/* Egress: the delivery time flag stays. */
	TSTAMP_FLAGS(&f.skb, 0, 1);
	EXPECT_TRUE(ctx_write(tc, 0, &f.skb, off, 8, 1000));
	EXPECT_EQ(f.skb.tstamp, 1000);
	EXPECT_EQ(f.skb.mono_delivery_time, 1);
	/* Ingress: a receive time now, the flag cleared, nothing else. */
	TSTAMP_FLAGS(&f.skb, 1, 1);
	EXPECT_TRUE(ctx_write(tc, 0, &f.skb, off, 8, 2000));
	EXPECT_EQ(f.skb.tstamp, 2000);
	EXPECT_EQ(f.skb.mono_delivery_time, 0);
	EXPECT_EQ(f.skb.tc_at_ingress, 1);
	EXPECT_EQ(f.skb.vlan_present, 1);
	EXPECT_EQ(f.skb.pkt_type, 3);
	TSTAMP_FLAGS(&f.skb, 1, 1);
	EXPECT_TRUE(ctx_write(cg, 0, &f.skb, off, 8, 3000));
	EXPECT_EQ(f.skb.tstamp, 3000);
	EXPECT_EQ(f.skb.mono_delivery_time, 0);
	/* Aware of delivery times: written as is, the flag kept. */
	TSTAMP_FLAGS(&f.skb, 1, 1);
	EXPECT_TRUE(ctx_write(tc->tstamp_type_ops, 0, &f.skb, off, 8, 4000));
	EXPECT_EQ(f.skb.tstamp, 4000);
	EXPECT_EQ(f.skb.mono_delivery_time, 1);
	/* Only the whole field. */
	EXPECT_FALSE(ctx_write(tc, 0, &f.skb, off, 4, 1));
	EXPECT_EQ(f.skb.tstamp, 4000);
}

TEST(ctx_skb_tstamp_type_read)
{
	const struct kbpf_ctx_ops *tc = kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS);
	const int off = offsetof(struct __sk_buff, tstamp_type);
	struct skb_fixture f;
	bool ok;
	int dst;

	skb_init(&f);
	for (dst = BPF_REG_0; dst <= BPF_REG_1; dst++) {
		TSTAMP_FLAGS(&f.skb, 1, 1);
		EXPECT_EQ(ctx_read(tc, 0, &f.skb, off, 1, dst, BPF_REG_1, &ok),
			  BPF_SKB_TSTAMP_DELIVERY_MONO);
		EXPECT_TRUE(ok);
		TSTAMP_FLAGS(&f.skb, 1, 0);
		EXPECT_EQ(ctx_read(tc, 0, &f.skb, off, 1, dst, BPF_REG_1, &ok),
			  BPF_SKB_TSTAMP_UNSPEC);
		TSTAMP_FLAGS(&f.skb, 0, 1);
		EXPECT_EQ(ctx_read(tc, 0, &f.skb, off, 1, dst, BPF_REG_1, &ok),
			  BPF_SKB_TSTAMP_DELIVERY_MONO);
	}
}

/*
 * A tc program that reads tstamp_type anywhere, even after its tstamp
 * read, sees tstamp as it is: the verifier picks the rewrite for the
 * whole program. Run on the interpreter and the JIT.
 */
static u64 verify_and_run_type(u32 prog_type, const struct bpf_insn *insns,
			       u32 cnt, struct sk_buff *skb)
{
	struct kbpf_verify_args a = {
		.insns = insns, .insn_cnt = cnt,
		.prog_type = prog_type,
		.gpl_compatible = true, .allow_ptr_leaks = true,
		.bpf_capable = true, .perfmon_capable = true,
	};
	struct kbpf_code code = { .bpf_func = kbpf_interp_run };
	u64 interp, jit = ~0ULL;

	if (!EXPECT_EQ(kbpf_verify(&a), 0))
		return ~0ULL;
	code.insnsi = a.xlated;
	code.len = a.xlated_cnt;
	code.stack_depth = a.stack_depth;
	interp = kbpf_code_run(&code, skb);
	if (EXPECT_EQ(kbpf_jit_compile(&code, true), 0))
		jit = kbpf_code_run(&code, skb);
	kbpf_jit_free(&code);
	kbpf_verify_release(&a);
	EXPECT_EQ(jit, interp);
	return interp;
}

static u64 verify_and_run(const struct bpf_insn *insns, u32 cnt,
			  struct sk_buff *skb)
{
	return verify_and_run_type(BPF_PROG_TYPE_SCHED_CLS, insns, cnt, skb);
}

TEST(ctx_skb_tstamp_type_access_whole_program)
{
	const struct bpf_insn unaware[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1,
			    offsetof(struct __sk_buff, tstamp)),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn aware[] = {
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1,
			    offsetof(struct __sk_buff, tstamp)),
		BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_1,
			    offsetof(struct __sk_buff, tstamp_type)),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn shinfo_into_ctx_reg[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1,
			    offsetof(struct __sk_buff, gso_segs)),
		BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_1,
			    offsetof(struct __sk_buff, gso_size)),
		BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 16),
		BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_6,
			    offsetof(struct __sk_buff, hwtstamp)),
		BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_6),
		BPF_EXIT_INSN(),
	};
	struct skb_fixture f;

	skb_init(&f);
	TSTAMP_FLAGS(&f.skb, 1, 1);
	EXPECT_EQ(verify_and_run(unaware, ARRAY_SIZE(unaware), &f.skb), 0);
	EXPECT_EQ(verify_and_run(aware, ARRAY_SIZE(aware), &f.skb),
		  0x0102030405060708ULL);
	EXPECT_EQ(verify_and_run(shinfo_into_ctx_reg,
				 ARRAY_SIZE(shinfo_into_ctx_reg), &f.skb),
		  (0x0a0bULL << 16 | 0x05a8) ^ 0x1122334455667788ULL);
}

TEST(ctx_skb_convert_misuse)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_SCHED_CLS);
	struct bpf_insn buf[KBPF_CTX_REWRITE_MAX];
	struct bpf_insn st = BPF_STX_MEM(BPF_B, BPF_REG_1, BPF_REG_2,
					 offsetof(struct __sk_buff, mark));
	struct bpf_insn ld = BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1,
					 offsetof(struct __sk_buff, mark));

	/* A narrow write is the verifier's bug, not a rewrite. */
	EXPECT_EQ(kbpf_ctx_convert(ops, KBPF_WRITE, &st, 4, buf), -EINVAL);
	/* A field the rewrite does not know is refused, never left as is. */
	ld.off = offsetof(struct __sk_buff, flow_keys);
	EXPECT_EQ(kbpf_ctx_convert(ops, KBPF_READ, &ld, 4, buf), -EINVAL);
}

/*
 * sk_skb's data_end read into the context register itself borrows R9 (R8
 * when the context is in R9) and gives it back: the whole program through
 * the verifier, on the interpreter and the JIT, returns data_end only if
 * the borrowed register kept its value and both reads agree.
 */
TEST(ctx_skb_sk_skb_data_end_into_ctx_reg)
{
#define DATA_END	offsetof(struct __sk_buff, data_end)
	const struct bpf_insn ctx_in_r1[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_8, 0x88),
		BPF_MOV64_IMM(BPF_REG_9, 0x99),
		BPF_LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_6, DATA_END),
		BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_1, DATA_END),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_8, 0x88, 3),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_9, 0x99, 2),
		BPF_JMP_REG(BPF_JNE, BPF_REG_1, BPF_REG_7, 1),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn ctx_in_r9[] = {
		BPF_MOV64_REG(BPF_REG_9, BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_8, 0x88),
		BPF_LDX_MEM(BPF_W, BPF_REG_9, BPF_REG_9, DATA_END),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_8, 0x88, 1),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_9),
		BPF_EXIT_INSN(),
	};
#undef DATA_END
	struct skb_fixture f;

	skb_init(&f);
	f.skb.data_len = 30;
	EXPECT_EQ(verify_and_run_type(BPF_PROG_TYPE_SK_SKB, ctx_in_r1,
				      ARRAY_SIZE(ctx_in_r1), &f.skb),
		  (uintptr_t)(f.skb.data + 70));
	EXPECT_EQ(verify_and_run_type(BPF_PROG_TYPE_SK_SKB, ctx_in_r9,
				      ARRAY_SIZE(ctx_in_r9), &f.skb),
		  (uintptr_t)(f.skb.data + 70));
}
