/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the JIT tests share: a program run on the JIT, on the interpreter
 * and on the blinded JIT, which must all agree, and a small packet to run
 * legacy packet loads on.
 */
#ifndef KBPF_TESTS_HOST_JITTEST_H
#define KBPF_TESTS_HOST_JITTEST_H

#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

/* JIT insns (which must work) and run once; interp runs them unless jit. */
u64 run_one(const struct bpf_insn *insns, u32 len, u32 stack, void *ctx,
	    bool jit, bool blind, const char *file, int line);

/* The JIT's R0, checked against the interpreter's and the blinded JIT's. */
u64 run_all(const struct bpf_insn *insns, u32 len, u32 stack, void *ctx,
	    const char *file, int line);

#define RUN_ALL(insns, len, stack, ctx)					\
	run_all(insns, len, stack, ctx, __FILE__, __LINE__)

/* RUN(ctx, insn, ...): a pure program (ctx not written) with a full stack. */
#define RUN(ctx, ...)							\
	({								\
		const struct bpf_insn __p[] = { __VA_ARGS__ };		\
		RUN_ALL(__p, ARRAY_SIZE(__p), KBPF_MAX_STACK, ctx);	\
	})

/* A 20-byte packet behind a 14-byte link-layer header. */
struct pkt_fixture {
	u8 buf[64];
	struct sk_buff skb;
};

void pkt_init(struct pkt_fixture *f);

#endif /* KBPF_TESTS_HOST_JITTEST_H */
