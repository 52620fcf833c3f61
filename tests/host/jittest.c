// SPDX-License-Identifier: GPL-2.0
/* The JIT tests' runs and packet (see jittest.h); no tests of their own. */
#include "../../jit/interp.h"
#include "../../jit/x86_jit.h"
#include "jittest.h"
#include "ktest.h"

u64 run_one(const struct bpf_insn *insns, u32 len, u32 stack, void *ctx,
	    bool jit, bool blind, const char *file, int line)
{
	struct kbpf_code code;
	u64 r0;

	kbpf_code_init(&code, insns, len, stack);
	if (jit && !ktest_check_eq(true, kbpf_jit_compile(&code, blind), 0,
				   file, line, "EXPECT_EQ", "kbpf_jit_compile",
				   "0"))
		return 0xbad;
	r0 = kbpf_code_run(&code, ctx);
	kbpf_jit_free(&code);
	return r0;
}

u64 run_all(const struct bpf_insn *insns, u32 len, u32 stack, void *ctx,
	    const char *file, int line)
{
	u64 jit = run_one(insns, len, stack, ctx, true, false, file, line);
	u64 interp = run_one(insns, len, stack, ctx, false, false, file, line);
	u64 blind = run_one(insns, len, stack, ctx, true, true, file, line);

	ktest_check_eq(true, jit, interp, file, line, "EXPECT_EQ", "jit",
		       "interp");
	ktest_check_eq(true, jit, blind, file, line, "EXPECT_EQ", "jit",
		       "jit-blind");
	return jit;
}

void pkt_init(struct pkt_fixture *f)
{
	u32 i;

	for (i = 0; i < sizeof(f->buf); i++)
		f->buf[i] = (u8)i;
	memset(&f->skb, 0, sizeof(f->skb));
	f->skb.head = f->buf;
	f->skb.data = f->buf + 16;
	f->skb.len = 34;
	f->skb.tail = 16 + 34;
	f->skb.mac_header = 16;
	f->skb.network_header = 16 + 14;
}
