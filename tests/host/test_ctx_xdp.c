// SPDX-License-Identifier: GPL-2.0
/*
 * struct xdp_md access (verifier/ctx_xdp.c): Linux 6.1's rules at every
 * offset and size, for plain XDP and devmap programs; each rewrite run on
 * the interpreter over a struct xdp_buff built here.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>
#include <kbpf/insn.h>

#include "ctxtest.h"
#include "ktest.h"

#define X(MEMBER, REG)	CTX_FIELD(struct xdp_md, MEMBER, CTX_EXACT, CTX_NO, REG)

static const struct ctx_field xdp_fields[] = {
	X(data, KBPF_PTR_TO_PACKET),
	X(data_end, KBPF_PTR_TO_PACKET_END),
	X(data_meta, KBPF_PTR_TO_PACKET_META),
	X(ingress_ifindex, 0),
	X(rx_queue_index, 0),
	CTX_FIELD(struct xdp_md, egress_ifindex, CTX_NO, CTX_NO, 0),
};

static const struct ctx_field xdp_devmap_fields[] = {
	X(data, KBPF_PTR_TO_PACKET),
	X(data_end, KBPF_PTR_TO_PACKET_END),
	X(data_meta, KBPF_PTR_TO_PACKET_META),
	X(ingress_ifindex, 0),
	X(rx_queue_index, 0),
	X(egress_ifindex, 0),
};

TEST(ctx_xdp_access)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_XDP);

	ASSERT_NONNULL(ops);
	EXPECT_EQ(ops->ctx_size, sizeof(struct xdp_md));
	ctx_check_table(ops, 0, xdp_fields, ARRAY_SIZE(xdp_fields));
	ctx_check_table(ops, BPF_XDP_CPUMAP, xdp_fields, ARRAY_SIZE(xdp_fields));
	ctx_check_table(ops, BPF_XDP_DEVMAP, xdp_devmap_fields,
			ARRAY_SIZE(xdp_devmap_fields));
}

struct xdp_fixture {
	u8 frame[512];
	struct net_device in, out;
	struct xdp_rxq_info rxq;
	struct xdp_txq_info txq;
	struct xdp_buff xdp;
};

static void xdp_init(struct xdp_fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->in.ifindex = 3;
	f->out.ifindex = 11;
	f->rxq.dev = &f->in;
	f->rxq.queue_index = 5;
	f->txq.dev = &f->out;
	f->xdp.data_hard_start = f->frame;
	f->xdp.data_meta = f->frame + 240;
	f->xdp.data = f->frame + 256;
	f->xdp.data_end = f->frame + 256 + 60;
	f->xdp.rxq = &f->rxq;
	f->xdp.txq = &f->txq;
	f->xdp.frame_sz = sizeof(f->frame);
}

static u64 rd(struct xdp_fixture *f, int off, u8 dst)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_XDP);
	bool ok;
	u64 v = ctx_read(ops, BPF_XDP_DEVMAP, &f->xdp, off, 4, dst, BPF_REG_1,
			 &ok);

	EXPECT_TRUE(ok);
	return v;
}

TEST(ctx_xdp_read_fields)
{
	struct xdp_fixture f;
	u8 dst;

	xdp_init(&f);
	/* Into another register and into the context's own. */
	for (dst = BPF_REG_0; dst <= BPF_REG_1; dst++) {
		EXPECT_EQ(rd(&f, offsetof(struct xdp_md, data), dst),
			  (uintptr_t)f.xdp.data);
		EXPECT_EQ(rd(&f, offsetof(struct xdp_md, data_end), dst) -
			  rd(&f, offsetof(struct xdp_md, data), dst), 60);
		EXPECT_EQ(rd(&f, offsetof(struct xdp_md, data_meta), dst),
			  (uintptr_t)f.xdp.data - 16);
		EXPECT_EQ(rd(&f, offsetof(struct xdp_md, ingress_ifindex), dst), 3);
		EXPECT_EQ(rd(&f, offsetof(struct xdp_md, rx_queue_index), dst), 5);
		EXPECT_EQ(rd(&f, offsetof(struct xdp_md, egress_ifindex), dst), 11);
	}
}

TEST(ctx_xdp_read_without_queues)
{
	struct xdp_fixture f;

	/* A missing device or queue reads 0 rather than faulting. */
	xdp_init(&f);
	f.rxq.dev = NULL;
	f.txq.dev = NULL;
	EXPECT_EQ(rd(&f, offsetof(struct xdp_md, ingress_ifindex), BPF_REG_1), 0);
	EXPECT_EQ(rd(&f, offsetof(struct xdp_md, rx_queue_index), BPF_REG_1), 5);
	EXPECT_EQ(rd(&f, offsetof(struct xdp_md, egress_ifindex), BPF_REG_0), 0);
	f.xdp.rxq = NULL;
	f.xdp.txq = NULL;
	EXPECT_EQ(rd(&f, offsetof(struct xdp_md, ingress_ifindex), BPF_REG_0), 0);
	EXPECT_EQ(rd(&f, offsetof(struct xdp_md, rx_queue_index), BPF_REG_0), 0);
	EXPECT_EQ(rd(&f, offsetof(struct xdp_md, egress_ifindex), BPF_REG_1), 0);
}

TEST(ctx_xdp_no_writes)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_XDP);
	struct xdp_fixture f;

	xdp_init(&f);
	EXPECT_FALSE(ctx_write(ops, 0, &f.xdp,
			       offsetof(struct xdp_md, rx_queue_index), 4, 1));
	EXPECT_FALSE(ctx_write(ops, BPF_XDP_DEVMAP, &f.xdp,
			       offsetof(struct xdp_md, data), 4, 1));
	EXPECT_EQ(f.rxq.queue_index, 5);
}
