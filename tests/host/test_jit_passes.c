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
#include "ktest.h"

static void code_set(struct kbpf_code *code, const struct bpf_insn *insns,
		     u32 len)
{
	memset(code, 0, sizeof(*code));
	code->bpf_func = kbpf_interp_run;
	code->insnsi = insns;
	code->len = len;
}

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

static void check_chain(u32 n, u32 fill, bool blind, const char *file,
			int line)
{
	struct kbpf_code jit, interp;
	struct bpf_insn *p;
	u32 len;

	p = jump_chain(n, fill, &len);
	if (!ktest_check_eq(true, p != NULL, true, file, line, "EXPECT_EQ",
			    "jump_chain", "allocated"))
		return;
	code_set(&jit, p, len);
	code_set(&interp, p, len);
	if (ktest_check_eq(true, kbpf_jit_compile(&jit, blind), 0, file, line,
			   "EXPECT_EQ", "kbpf_jit_compile", "0")) {
		ktest_check_eq(true, kbpf_code_run(&jit, NULL),
			       (u64)n * fill + 1, file, line, "EXPECT_EQ",
			       "jit r0", "adds");
		ktest_check_eq(true, kbpf_code_run(&interp, NULL),
			       (u64)n * fill + 1, file, line, "EXPECT_EQ",
			       "interp r0", "adds");
	}
	kbpf_jit_free(&jit);
	kfree(p);
}

/*
 * 100 jumps need 100 shrinking passes. The fill that makes the chain is
 * 29 with today's encodings; a range around it is tried, so that a change
 * of encoding does not quietly make the test easy.
 */
TEST(jit_jump_chain_converges_by_padding)
{
	u32 fill;

	for (fill = 26; fill <= 34; fill++) {
		check_chain(100, fill, false, __FILE__, __LINE__);
		check_chain(100, fill, true, __FILE__, __LINE__);
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
		code_set(&code, p, len);
		ASSERT_EQ(kbpf_jit_compile(&code, false), 0);
		if (n > 1) {
			struct kbpf_code one;
			struct bpf_insn *q;
			u32 qlen;

			/* Each extra link costs the same: 29 adds and a jump. */
			q = jump_chain(n - 1, 29, &qlen);
			ASSERT_NONNULL(q);
			code_set(&one, q, qlen);
			ASSERT_EQ(kbpf_jit_compile(&one, false), 0);
			EXPECT_EQ(code.jited_len - one.jited_len, 29 * 4 + 6);
			kbpf_jit_free(&one);
			kfree(q);
		}
		kbpf_jit_free(&code);
		kfree(p);
	}
}
