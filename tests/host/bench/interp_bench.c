// SPDX-License-Identifier: GPL-2.0
/*
 * interp-bench: the interpreter's and the JIT's cost per executed
 * instruction on small loops, built with -O2 and no sanitizers (host.mk's
 * bench-interp). The programs count their own instructions: each loop
 * body is a known number of instructions run a known number of times.
 *
 * Usage: interp-bench [ITERATIONS]
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include <time.h>

#include "../../../jit/interp.h"
#include "../../../jit/x86_jit.h"

struct bench {
	const char *name;
	const struct bpf_insn *insns;
	u32 len;
	u32 body;		/* instructions per iteration */
};

/* Eight instructions a round: ALU only, and the loop's own branch. */
static const struct bpf_insn alu_loop[] = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_0),
	BPF_ALU64_IMM(BPF_XOR, BPF_REG_2, 0x5a5a),
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_2, 3),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	BPF_ALU32_IMM(BPF_AND, BPF_REG_0, 0xffffff),
	BPF_ALU64_IMM(BPF_SUB, BPF_REG_3, 1),
	BPF_JMP_IMM(BPF_JNE, BPF_REG_3, 0, -8),
	BPF_EXIT_INSN(),
};

/* Eight a round, half of them stack loads and stores. */
static const struct bpf_insn mem_loop[] = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_3, -8),
	BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_0, -16),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, -16),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 7),
	BPF_ALU64_IMM(BPF_SUB, BPF_REG_3, 1),
	BPF_JMP_IMM(BPF_JNE, BPF_REG_3, 0, -8),
	BPF_EXIT_INSN(),
};

static const struct bench benches[] = {
	{ "alu loop", alu_loop, ARRAY_SIZE(alu_loop), 8 },
	{ "stack loop", mem_loop, ARRAY_SIZE(mem_loop), 8 },
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* The best of five runs, in ns: the machine's noise only ever adds. */
static u64 best_of_five(const struct kbpf_code *code, u64 iters)
{
	u64 best = U64_MAX;
	int round;

	for (round = 0; round < 5; round++) {
		u64 t = now_ns();

		/* R1 carries the count where a context would be. */
		kbpf_code_run(code, (void *)(unsigned long)iters);
		t = now_ns() - t;
		if (t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	u64 iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000000;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		const struct bench *b = &benches[i];
		struct kbpf_code code = {
			.bpf_func = kbpf_interp_run, .insnsi = b->insns,
			.len = b->len, .stack_depth = 16,
		};
		u64 insns = iters * b->body + 3, interp, jit;
		int err;

		interp = best_of_five(&code, iters);
		printf("interp %-10s: %.3f ns/insn (%llu insns in %.1f ms)\n",
		       b->name, (double)interp / insns,
		       (unsigned long long)insns, interp / 1e6);
		err = kbpf_jit_compile(&code, false);
		if (err) {
			printf("jit    %-10s: not JITed (%d)\n", b->name, err);
			continue;
		}
		jit = best_of_five(&code, iters);
		printf("jit    %-10s: %.3f ns/insn (%llu insns in %.1f ms), %.1fx the interpreter's speed\n",
		       b->name, (double)jit / insns, (unsigned long long)insns,
		       jit / 1e6, (double)interp / jit);
		kbpf_jit_free(&code);
	}
	return 0;
}
