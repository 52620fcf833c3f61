// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the context access tests (ctxtest.h); no tests of their own.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "../../jit/interp.h"
#include "ctxtest.h"
#include "ktest.h"

static bool mode_allows(enum ctx_mode mode, const struct ctx_field *f,
			int off, int size)
{
	if (off % size)
		return false;
	switch (mode) {
	case CTX_NARROW:
		return size <= f->size;
	case CTX_EXACT:
		return off == f->off && size == f->size;
	case CTX_ANY:
		return off + size <= f->off + f->size;
	case CTX_WORDS:
		return size == 8 && off + size <= f->off + f->size;
	default:
		return false;
	}
}

static const struct ctx_field *field_at(const struct ctx_field *fields, u32 n,
					int off)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (off >= fields[i].off && off < fields[i].off + fields[i].size)
			return &fields[i];
	return NULL;
}

void ctx_check_table(const struct kbpf_ctx_ops *ops, u32 attach_type,
		     const struct ctx_field *fields, u32 n)
{
	static const int sizes[] = { 1, 2, 4, 8 };
	int off, s, t;

	for (off = -16; off < (int)ops->ctx_size + 16; off++) {
		const struct ctx_field *f = field_at(fields, n, off);

		for (s = 0; s < 4; s++) {
			for (t = KBPF_READ; t <= KBPF_WRITE; t++) {
				struct kbpf_insn_access_aux info = {
					.reg_type = KBPF_SCALAR_VALUE,
				};
				int size = sizes[s];
				enum ctx_mode mode = CTX_NO;
				bool want, got;

				if (f)
					mode = t == KBPF_READ ? f->read : f->write;
				if (mode == CTX_OWN)
					continue;
				want = f && mode_allows(mode, f, off, size);
				got = ops->is_valid_access(off, size, t,
							   attach_type, &info);
				if (!EXPECT_EQ(got, want)) {
					fprintf(stderr, "  field %s off %d size %d %s\n",
						f ? f->name : "(none)", off, size,
						t == KBPF_READ ? "read" : "write");
					continue;
				}
				if (!got || t != KBPF_READ)
					continue;
				EXPECT_EQ(info.reg_type,
					  f->reg_type ?: KBPF_SCALAR_VALUE);
				EXPECT_EQ(info.ctx_field_size,
					  mode == CTX_NARROW ? f->size : 0);
			}
		}
	}
}

static u8 bpf_size_of(int size)
{
	switch (size) {
	case 1:
		return BPF_B;
	case 2:
		return BPF_H;
	case 4:
		return BPF_W;
	default:
		return BPF_DW;
	}
}

static int ldst_bytes(u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

/* Rewrite the context access si into prog at *len, as the verifier would. */
static bool rewrite(const struct kbpf_ctx_ops *ops, u32 attach_type,
		    enum kbpf_access_type type, struct bpf_insn si,
		    struct bpf_insn *prog, u32 *len)
{
	struct kbpf_insn_access_aux info = { .reg_type = KBPF_SCALAR_VALUE };
	int cnt;

	if (!ops->is_valid_access(si.off, ldst_bytes(si.code), type,
				  attach_type, &info))
		return false;
	cnt = kbpf_ctx_convert(ops, type, &si, info.ctx_field_size,
			       &prog[*len]);
	if (!EXPECT_TRUE(cnt >= 0 && cnt < KBPF_CTX_REWRITE_MAX))
		return false;
	if (cnt == 0)
		prog[(*len)++] = si;
	*len += cnt;
	return true;
}

static u64 run(const struct bpf_insn *prog, u32 len, void *ctx)
{
	struct kbpf_code code = {
		.bpf_func = kbpf_interp_run, .insnsi = prog, .len = len,
		.stack_depth = KBPF_MAX_STACK,
	};

	return kbpf_code_run(&code, ctx);
}

u64 ctx_read(const struct kbpf_ctx_ops *ops, u32 attach_type, void *ctx,
	     int off, int size, u8 dst, u8 src, bool *ok)
{
	struct bpf_insn prog[KBPF_CTX_REWRITE_MAX + 4];
	u32 len = 0;

	/* Poison dst so a rewrite that forgets to set it shows. */
	if (dst != src)
		prog[len++] = BPF_MOV64_IMM(dst, -1);
	*ok = rewrite(ops, attach_type, KBPF_READ,
		      BPF_LDX_MEM(bpf_size_of(size), dst, src, off), prog, &len);
	if (!*ok)
		return 0;
	if (dst != BPF_REG_0)
		prog[len++] = BPF_MOV64_REG(BPF_REG_0, dst);
	prog[len++] = BPF_EXIT_INSN();
	return run(prog, len, ctx);
}

bool ctx_write(const struct kbpf_ctx_ops *ops, u32 attach_type, void *ctx,
	       int off, int size, u64 value)
{
	struct bpf_insn prog[KBPF_CTX_REWRITE_MAX + 6] = {
		BPF_LD_IMM64(BPF_REG_2, value),
	};
	u32 len = 2;

	if (!rewrite(ops, attach_type, KBPF_WRITE,
		     BPF_STX_MEM(bpf_size_of(size), BPF_REG_1, BPF_REG_2, off),
		     prog, &len))
		return false;
	prog[len++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	prog[len++] = BPF_EXIT_INSN();
	return run(prog, len, ctx) == 0;
}
