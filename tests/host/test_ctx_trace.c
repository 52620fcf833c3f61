// SPDX-License-Identifier: GPL-2.0
/*
 * The tracing contexts (verifier/ctx_trace.c): kprobe (struct pt_regs),
 * tracepoint (the raw record), raw_tracepoint (u64 args[]) and perf_event
 * (struct bpf_perf_event_data on struct bpf_perf_event_data_kern): Linux
 * 6.1's rules at every offset and size, and reads run on the interpreter
 * over contexts built here.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>
#include <kbpf/insn.h>

#include "ctxtest.h"
#include "ktest.h"

/* The whole context as one field. */
#define WHOLE(NAME, OFF, END, MODE)	{ NAME, OFF, (END) - (OFF), MODE, CTX_NO, 0 }

TEST(ctx_trace_kprobe_access)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_KPROBE);
	const struct ctx_field regs[] = {
		WHOLE("pt_regs", 0, sizeof(struct pt_regs), CTX_ANY),
	};

	ASSERT_NONNULL(ops);
	EXPECT_EQ(ops->ctx_size, 168);
	ctx_check_table(ops, 0, regs, ARRAY_SIZE(regs));
}

TEST(ctx_trace_tracepoint_access)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_TRACEPOINT);
	/* Not the first 8 bytes of the record: the common fields. */
	const struct ctx_field record[] = {
		WHOLE("record", 8, 8192, CTX_ANY),
	};

	ASSERT_NONNULL(ops);
	EXPECT_EQ(ops->ctx_size, 8192);
	ctx_check_table(ops, 0, record, ARRAY_SIZE(record));
}

TEST(ctx_trace_raw_tp_access)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_RAW_TRACEPOINT);
	const struct ctx_field args[] = {
		WHOLE("args", 0, 12 * 8, CTX_ANY),
	};

	ASSERT_NONNULL(ops);
	EXPECT_EQ(ops->ctx_size, 96);
	ctx_check_table(ops, 0, args, ARRAY_SIZE(args));
	EXPECT_NULL(kbpf_ctx_ops(BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE));
}

TEST(ctx_trace_perf_event_access)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_PERF_EVENT);
	const struct ctx_field fields[] = {
		CTX_FIELD(struct bpf_perf_event_data, regs, CTX_WORDS, CTX_NO, 0),
		CTX_FIELD(struct bpf_perf_event_data, sample_period, CTX_NARROW,
			  CTX_NO, 0),
		CTX_FIELD(struct bpf_perf_event_data, addr, CTX_NARROW, CTX_NO, 0),
	};

	ASSERT_NONNULL(ops);
	EXPECT_EQ(ops->ctx_size, sizeof(struct bpf_perf_event_data));
	ctx_check_table(ops, 0, fields, ARRAY_SIZE(fields));
}

/* Every allowed read of [from, to) of ctx, checked against the bytes there (or of mem). */
static void check_plain_reads(u32 prog_type, void *ctx, const u8 *mem,
			      int from, int to)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(prog_type);
	int off, size;

	for (size = 1; size <= 8; size *= 2) {
		for (off = from; off + size <= to; off += size) {
			u64 want = 0;
			bool ok;

			memcpy(&want, mem + off, size);
			if (!EXPECT_EQ(ctx_read(ops, 0, ctx, off, size, BPF_REG_0,
						BPF_REG_1, &ok), want))
				fprintf(stderr, "  off %d size %d\n", off, size);
			EXPECT_TRUE(ok);
			EXPECT_EQ(ctx_read(ops, 0, ctx, off, size, BPF_REG_1,
					   BPF_REG_1, &ok), want);
		}
	}
}

static void fill(void *p, size_t n, u8 seed)
{
	u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (u8)(seed + i * 13);
}

TEST(ctx_trace_read_kprobe_raw_tp_tracepoint)
{
	static u8 record[8192];
	struct pt_regs regs;
	u64 args[12];

	fill(&regs, sizeof(regs), 1);
	check_plain_reads(BPF_PROG_TYPE_KPROBE, &regs, (u8 *)&regs, 0,
			  sizeof(regs));
	fill(args, sizeof(args), 2);
	check_plain_reads(BPF_PROG_TYPE_RAW_TRACEPOINT, args, (u8 *)args, 0,
			  sizeof(args));
	fill(record, sizeof(record), 3);
	check_plain_reads(BPF_PROG_TYPE_TRACEPOINT, record, record, 8, 64);
	check_plain_reads(BPF_PROG_TYPE_TRACEPOINT, record, record, 8192 - 64,
			  8192);
}

TEST(ctx_trace_read_perf_event)
{
	const struct kbpf_ctx_ops *ops = kbpf_ctx_ops(BPF_PROG_TYPE_PERF_EVENT);
	struct perf_sample_data data = {
		.addr = 0x1122334455667788ULL, .period = 0x99aabbccddeeff00ULL,
	};
	struct bpf_perf_event_data uapi;
	struct pt_regs regs;
	struct bpf_perf_event_data_kern kern = { .regs = &regs, .data = &data };
	int size, at, off;
	bool ok;

	fill(&regs, sizeof(regs), 4);
	/* What each read means: the uapi struct with these values. */
	uapi.regs = regs;
	uapi.sample_period = data.period;
	uapi.addr = data.addr;
	for (off = 0; off < (int)sizeof(regs); off += 8)
		EXPECT_EQ(ctx_read(ops, 0, &kern, off, 8, BPF_REG_2, BPF_REG_1,
				   &ok), *(u64 *)((u8 *)&uapi + off));
	for (size = 1; size <= 8; size *= 2) {
		for (at = 0; at < 8; at += size) {
			int sp = offsetof(struct bpf_perf_event_data, sample_period);
			int ad = offsetof(struct bpf_perf_event_data, addr);
			u64 want = 0;

			memcpy(&want, (u8 *)&uapi + sp + at, size);
			EXPECT_EQ(ctx_read(ops, 0, &kern, sp + at, size, BPF_REG_0,
					   BPF_REG_1, &ok), want);
			EXPECT_TRUE(ok);
			want = 0;
			memcpy(&want, (u8 *)&uapi + ad + at, size);
			EXPECT_EQ(ctx_read(ops, 0, &kern, ad + at, size, BPF_REG_1,
					   BPF_REG_1, &ok), want);
			EXPECT_TRUE(ok);
		}
	}
}

TEST(ctx_trace_no_writes)
{
	static const u32 types[] = {
		BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_TRACEPOINT,
		BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_PROG_TYPE_PERF_EVENT,
	};
	u64 ctx[64] = {};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		EXPECT_FALSE(ctx_write(kbpf_ctx_ops(types[i]), 0, ctx, 16, 8, 1));
	EXPECT_EQ(ctx[2], 0);
}
