// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT's emission passes on layouts that converge slowly: a chain of
 * forward jumps where each reaches rel8 only once the next one has shrunk
 * shrinks by one jump a pass, so the passes must pad (JIT_PAD_PASS)
 * rather than give up. The differential fuzzer found such programs of
 * 630 and 710 instructions that the JIT refused with -E2BIG.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "../../jit/interp.h"
#include "../../jit/runtime.h"
#include "../../jit/x86_jit.h"
#include "jittest.h"
#include "ktest.h"

/*
 * n jumps, each over fill adds and the next jump: J0 F J1 F ... Jn-1 F X.
 * With 29 4-byte adds, a jump whose target lies past the next jump's
 * rel32 form is out of rel8 reach until that one is rel8 too (the JIT
 * sizes a jump from the old layout, where it was rel32 itself); the last
 * one reaches at once. None is taken, so R0 counts every add.
 */
static struct bpf_insn *jump_chain(u32 n, u32 fill, u32 *len)
{
	struct bpf_insn *p = kcalloc(n * (fill + 1) + 3, sizeof(*p),
				     GFP_KERNEL);
	u32 i, j, k = 0;

	if (!p)
		return NULL;
	p[k++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	for (i = 0; i < n; i++) {
		p[k++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, -1, (s16)(fill + 1));
		for (j = 0; j < fill; j++)
			p[k++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1);
	}
	p[k++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1);
	p[k++] = BPF_EXIT_INSN();
	*len = k;
	return p;
}

/*
 * 100 jumps need 100 shrinking passes. The fill that makes the chain is
 * 29 with today's encodings; a range around it is tried, so that a change
 * of encoding does not quietly make the test easy.
 */
TEST(jit_jump_chain_converges_by_padding)
{
	const u32 n = 100;
	struct bpf_insn *p;
	u32 fill, len;

	for (fill = 26; fill <= 34; fill++) {
		p = jump_chain(n, fill, &len);
		ASSERT_NONNULL(p);
		/* JIT, interpreter and blinded JIT; a refusal fails too. */
		EXPECT_EQ(RUN_ALL(p, len, 0, NULL), (u64)n * fill + 1);
		kfree(p);
	}
}

/* Padding may only add nops where code shrank: short chains stay tight. */
TEST(jit_short_chain_is_not_padded)
{
	struct kbpf_code code;
	struct bpf_insn *p;
	u32 len, n;

	/* Under JIT_PAD_PASS links: every jump ends rel8 (cmp 4 + jcc 2). */
	for (n = 1; n <= 8; n++) {
		p = jump_chain(n, 29, &len);
		ASSERT_NONNULL(p);
		kbpf_code_init(&code, p, len, 0);
		ASSERT_EQ(kbpf_jit_compile(&code, false), 0);
		if (n > 1) {
			struct kbpf_code one;
			struct bpf_insn *q;
			u32 qlen;

			/* Each extra link costs the same: 29 adds and a jump. */
			q = jump_chain(n - 1, 29, &qlen);
			ASSERT_NONNULL(q);
			kbpf_code_init(&one, q, qlen, 0);
			ASSERT_EQ(kbpf_jit_compile(&one, false), 0);
			EXPECT_EQ(code.jited_len - one.jited_len, 29 * 4 + 6);
			kbpf_jit_free(&one);
			kfree(q);
		}
		kbpf_jit_free(&code);
		kfree(p);
	}
}
