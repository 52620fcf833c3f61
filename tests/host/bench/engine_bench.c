// SPDX-License-Identifier: GPL-2.0
/*
 * engine-bench: the execution engine against native code (host.mk's
 * bench-engine; a measurement, not a test). Five programs, each written
 * twice, in eBPF with the <kbpf/insn.h> macros and as plain C next to it:
 *
 *   parse     a TLV parser walking a 1500-byte packet
 *   alu       a 64-bit hash loop: shifts, xors, a multiply, a rotate
 *   csum      the Internet checksum of 1500 bytes, be16 byte swaps
 *   classify  a firewall-like decision tree over 93 packed 5-tuples
 *   calls     a loop of bpf-to-bpf calls, each calling a helper
 *
 * Each runs on the interpreter, on the JIT and natively (this file built
 * with -O2, no sanitizers); all three must return the same R0. The time
 * is the best of BATCHES batches (the runtimes taking turns), in ns per
 * run; the eBPF instructions a run executes are counted by a plain
 * stepping evaluator (count_insns()) whose R0 must agree as well.
 *
 * The C versions are written the way one would write them: the compiler
 * may inline, unroll or vectorize them. Only the helper is kept out of
 * line (noipa), since in a kernel it is a function in another object,
 * which a BPF program and C code alike reach by a call.
 *
 * Usage: engine-bench [BATCH_MS]
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include <math.h>
#include <time.h>

#include "../../../jit/interp.h"
#include "../../../jit/interp_ops.h"
#include "../../../jit/x86_jit.h"

/*
 * Each native function on a 64-byte line of its own: where the linker
 * puts it otherwise moves its time (calls' loop by up to a quarter
 * between two builds, as it crossed a line or not).
 */
#define NATIVE		__attribute__((__aligned__(64)))

#define PKT_LEN		1500
#define BATCHES		21
#define CALL_ROUNDS	256
#define ALU_ROUNDS	1024

/* The context every program gets in R1: a packet and its length. */
struct bench_pkt {
	u32 len;
	u32 pad;
	u8 data[PKT_LEN];
};

/* The eBPF programs see data at R1 + 8. */
#define D	8

/* ---- parse: type-length-value records over the whole packet -------------- */

static const struct bpf_insn parse_prog[] = {
	BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
	BPF_LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_6, 0),	/* len */
	BPF_MOV64_IMM(BPF_REG_8, 0),			/* off */
	BPF_MOV64_IMM(BPF_REG_0, 0),			/* acc */
	/* 4: loop */
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_8),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 2),
	BPF_JMP_REG(BPF_JGT, BPF_REG_2, BPF_REG_7, 23),	/* -> out */
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_6),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_8),
	BPF_LDX_MEM(BPF_B, BPF_REG_4, BPF_REG_3, D),	/* type */
	BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_3, D + 1),	/* length */
	BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_5),	/* next */
	BPF_JMP_REG(BPF_JGT, BPF_REG_2, BPF_REG_7, 17),	/* -> out */
	BPF_JMP_IMM(BPF_JNE, BPF_REG_4, 2, 5),		/* -> not2 */
	BPF_JMP_IMM(BPF_JLT, BPF_REG_5, 2, 4),		/* -> not2 */
	BPF_LDX_MEM(BPF_H, BPF_REG_9, BPF_REG_3, D + 2),
	BPF_ENDIAN(BPF_TO_BE, BPF_REG_9, 16),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
	BPF_JMP_A(7),					/* -> tail */
	/* 19: not2 */
	BPF_JMP_IMM(BPF_JNE, BPF_REG_4, 3, 5),		/* -> not3 */
	BPF_JMP_IMM(BPF_JLT, BPF_REG_5, 4, 4),		/* -> not3 */
	BPF_LDX_MEM(BPF_W, BPF_REG_9, BPF_REG_3, D + 2),
	BPF_ENDIAN(BPF_TO_BE, BPF_REG_9, 32),
	BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_9),
	BPF_JMP_A(1),					/* -> tail */
	/* 25: not3 */
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),
	/* 26: tail */
	BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 31),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
	BPF_MOV64_REG(BPF_REG_8, BPF_REG_2),
	BPF_JMP_A(-26),					/* -> loop */
	/* 30: out */
	BPF_EXIT_INSN(),
};

static u16 load_be16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return swab16(v);
}

static u32 load_be32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return swab32(v);
}

static NATIVE u64 parse_c(const struct bench_pkt *p)
{
	u64 off = 0, len = p->len, acc = 0;

	while (off + 2 <= len) {
		const u8 *rec = p->data + off;
		u64 type = rec[0], l = rec[1], next = off + 2 + l;

		if (next > len)
			break;
		if (type == 2 && l >= 2)
			acc += load_be16(rec + 2);
		else if (type == 3 && l >= 4)
			acc ^= load_be32(rec + 2);
		else
			acc += l;
		acc = acc * 31 + type;
		off = next;
	}
	return acc;
}

/* ---- alu: a hash loop ---------------------------------------------------- */

#define ALU_K0	0x9e3779b97f4a7c15ULL
#define ALU_K1	0xbf58476d1ce4e5b9ULL

static const struct bpf_insn alu_prog[] = {
	BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 0),	/* x = len */
	BPF_LD_IMM64(BPF_REG_8, ALU_K1),
	BPF_LD_IMM64(BPF_REG_4, ALU_K0),		/* y */
	BPF_MOV64_IMM(BPF_REG_5, 0),			/* i */
	/* 6: loop */
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_3, 31),
	BPF_ALU64_REG(BPF_XOR, BPF_REG_2, BPF_REG_3),
	BPF_ALU64_REG(BPF_MUL, BPF_REG_2, BPF_REG_8),
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_3, 27),
	BPF_ALU64_REG(BPF_XOR, BPF_REG_2, BPF_REG_3),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_2),
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_4),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_3, 57),
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_4, 7),
	BPF_ALU64_REG(BPF_OR, BPF_REG_4, BPF_REG_3),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_5),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_5, 1),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_5, ALU_ROUNDS, -15),	/* -> loop */
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
	BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_4),
	BPF_EXIT_INSN(),
};

static NATIVE u64 alu_c(const struct bench_pkt *p)
{
	u64 x = p->len, y = ALU_K0, i;

	for (i = 0; i < ALU_ROUNDS; i++) {
		x ^= x >> 31;
		x *= ALU_K1;
		x ^= x >> 27;
		y += x;
		y = y << 7 | y >> 57;
		x += i;
	}
	return x ^ y;
}

/* ---- csum: the Internet checksum, 16-bit big-endian words ---------------- */

static const struct bpf_insn csum_prog[] = {
	BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 0),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_2, -2),		/* whole words */
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, D),		/* p */
	BPF_MOV64_REG(BPF_REG_4, BPF_REG_3),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_2),	/* end */
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_REG(BPF_JGE, BPF_REG_3, BPF_REG_4, 5),	/* -> fold */
	/* 8: loop */
	BPF_LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_3, 0),
	BPF_ENDIAN(BPF_TO_BE, BPF_REG_5, 16),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 2),
	BPF_JMP_REG(BPF_JLT, BPF_REG_3, BPF_REG_4, -5),	/* -> loop */
	/* 13: fold */
	BPF_MOV64_REG(BPF_REG_5, BPF_REG_0),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 16),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 0xffff),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),
	BPF_MOV64_REG(BPF_REG_5, BPF_REG_0),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 16),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 0xffff),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),
	BPF_ALU64_IMM(BPF_XOR, BPF_REG_0, 0xffff),
	BPF_EXIT_INSN(),
};

static NATIVE u64 csum_c(const struct bench_pkt *p)
{
	const u8 *q = p->data, *end = q + (p->len & ~1U);
	u64 sum = 0;

	for (; q < end; q += 2)
		sum += load_be16(q);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum ^ 0xffff;
}

/* ---- classify: a decision tree over 16-byte flow records ----------------- */

struct flow {
	u32 saddr, daddr;
	u16 sport, dport;
	u8 proto, flags;
	u16 pad;
};

static const struct bpf_insn classify_prog[] = {
	BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 0),
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, D),		/* p */
	BPF_ALU64_IMM(BPF_AND, BPF_REG_2, -16),		/* whole records */
	BPF_MOV64_REG(BPF_REG_4, BPF_REG_3),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_2),	/* end */
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_REG(BPF_JGE, BPF_REG_3, BPF_REG_4, 33),	/* -> out */
	/* 8: loop */
	BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_3, 12),	/* proto */
	BPF_LDX_MEM(BPF_H, BPF_REG_6, BPF_REG_3, 10),	/* dport */
	BPF_JMP_IMM(BPF_JNE, BPF_REG_5, 6, 10),		/* -> udp */
	BPF_MOV64_IMM(BPF_REG_7, 1),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_6, 80, 24),	/* -> done */
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_6, 443, 23),
	BPF_MOV64_IMM(BPF_REG_7, 2),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_6, 1024, 21),
	BPF_MOV64_IMM(BPF_REG_7, 3),
	BPF_LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_3, 13),	/* flags */
	BPF_JMP_IMM(BPF_JSET, BPF_REG_5, 2, 18),
	BPF_MOV64_IMM(BPF_REG_7, 4),
	BPF_JMP_A(16),
	/* 21: udp */
	BPF_JMP_IMM(BPF_JNE, BPF_REG_5, 17, 7),		/* -> other */
	BPF_MOV64_IMM(BPF_REG_7, 5),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_6, 53, 13),
	BPF_MOV64_IMM(BPF_REG_7, 6),
	BPF_LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_3, 8),	/* sport */
	BPF_JMP_IMM(BPF_JGE, BPF_REG_5, 32768, 10),
	BPF_MOV64_IMM(BPF_REG_7, 7),
	BPF_JMP_A(8),
	/* 29: other */
	BPF_MOV64_IMM(BPF_REG_7, 8),
	BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_3, 0),	/* saddr */
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_5, 24),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_5, 10, 4),
	BPF_MOV64_IMM(BPF_REG_7, 9),
	BPF_LDX_MEM(BPF_W, BPF_REG_5, BPF_REG_3, 4),	/* daddr */
	BPF_JMP32_IMM(BPF_JEQ, BPF_REG_5, -1, 1),
	BPF_MOV64_IMM(BPF_REG_7, 0),
	/* 37: done */
	BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 11),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 16),
	BPF_JMP_REG(BPF_JLT, BPF_REG_3, BPF_REG_4, -33),	/* -> loop */
	/* 41: out */
	BPF_EXIT_INSN(),
};

static u64 classify_one(const struct flow *f)
{
	if (f->proto == 6) {
		if (f->dport == 80 || f->dport == 443)
			return 1;
		if (f->dport < 1024)
			return 2;
		return f->flags & 2 ? 3 : 4;
	}
	if (f->proto == 17) {
		if (f->dport == 53)
			return 5;
		return f->sport >= 32768 ? 6 : 7;
	}
	if (f->saddr >> 24 == 10)
		return 8;
	return f->daddr == 0xffffffff ? 9 : 0;
}

static NATIVE u64 classify_c(const struct bench_pkt *p)
{
	const u8 *q = p->data, *end = q + (p->len & ~15U);
	u64 acc = 0;

	for (; q < end; q += sizeof(struct flow)) {
		struct flow f;

		memcpy(&f, q, sizeof(f));
		acc = acc * 11 + classify_one(&f);
	}
	return acc;
}

/* ---- calls: bpf-to-bpf calls, each calling a helper ---------------------- */

/* A kernel helper stands for code in another object: never inlined. */
static NATIVE __attribute__((__noipa__)) u64 bench_helper(u64 a, u64 b,
							  u64 c, u64 d,
							  u64 e)
{
	return a * ALU_K0 ^ b;
}

static struct bpf_insn calls_prog[] = {
	BPF_LDX_MEM(BPF_W, BPF_REG_6, BPF_REG_1, 0),
	BPF_MOV64_IMM(BPF_REG_7, 0),			/* acc */
	BPF_MOV64_IMM(BPF_REG_8, 0),			/* i */
	/* 3: loop */
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_8),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_7),
	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 6), /* -> sub */
	BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_8, 1),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_8, CALL_ROUNDS, -6),	/* -> loop */
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_7),
	BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_6),
	BPF_EXIT_INSN(),
	/* 12: sub(a, b) = (helper(a, b) + a) ^ (b >> 3) */
	BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
	BPF_MOV64_REG(BPF_REG_7, BPF_REG_2),
	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 0),	/* imm: bench_helper */
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_7, 3),
	BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_7),
	BPF_EXIT_INSN(),
};

#define CALLS_HELPER_AT	14

static u64 calls_sub(u64 a, u64 b)
{
	return (bench_helper(a, b, 0, 0, 0) + a) ^ (b >> 3);
}

static NATIVE u64 calls_c(const struct bench_pkt *p)
{
	u64 acc = 0, i;

	for (i = 0; i < CALL_ROUNDS; i++)
		acc = calls_sub(i, acc);
	return acc ^ p->len;
}

/* ---- the table ----------------------------------------------------------- */

struct bench {
	const char *name;
	const struct bpf_insn *insns;
	u32 len;
	u64 (*native)(const struct bench_pkt *p);
	void (*fill)(struct bench_pkt *p);
};

static u64 rng_state = 0x2545f4914f6cdd1dULL;

static u32 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)(rng_state >> 11);
}

static void fill_random(struct bench_pkt *p)
{
	u32 i;

	p->len = PKT_LEN;
	for (i = 0; i < PKT_LEN; i++)
		p->data[i] = (u8)rnd();
}

/* Records of types 1-4 with values of 0-14 bytes, to the end. */
static void fill_tlv(struct bench_pkt *p)
{
	u32 off = 0;

	fill_random(p);
	while (off + 2 <= PKT_LEN) {
		p->data[off] = 1 + rnd() % 4;
		p->data[off + 1] = rnd() % 15;
		off += 2 + p->data[off + 1];
	}
}

static void fill_flows(struct bench_pkt *p)
{
	static const u16 dports[] = { 80, 443, 22, 53, 8080, 123 };
	static const u8 protos[] = { 6, 6, 6, 17, 17, 1, 47 };
	u32 off;

	fill_random(p);
	for (off = 0; off + sizeof(struct flow) <= PKT_LEN;
	     off += sizeof(struct flow)) {
		struct flow f;

		memcpy(&f, p->data + off, sizeof(f));
		f.proto = protos[rnd() % ARRAY_SIZE(protos)];
		if (rnd() % 2)
			f.dport = dports[rnd() % ARRAY_SIZE(dports)];
		if (rnd() % 4 == 0)
			f.saddr = 10U << 24 | (f.saddr & 0xffffff);
		if (rnd() % 4 == 0)
			f.daddr = 0xffffffff;
		memcpy(p->data + off, &f, sizeof(f));
	}
}

static const struct bench benches[] = {
	{ "parse", parse_prog, ARRAY_SIZE(parse_prog), parse_c, fill_tlv },
	{ "alu", alu_prog, ARRAY_SIZE(alu_prog), alu_c, fill_random },
	{ "csum", csum_prog, ARRAY_SIZE(csum_prog), csum_c, fill_random },
	{ "classify", classify_prog, ARRAY_SIZE(classify_prog), classify_c,
	  fill_flows },
	{ "calls", calls_prog, ARRAY_SIZE(calls_prog), calls_c, fill_random },
};

/* ---- counting instructions ----------------------------------------------- */

/*
 * A run, one instruction at a time, counting them: the subset of the ISA
 * the programs above use (no stack, no atomics). Its R0 is checked
 * against the interpreter's, so it cannot silently count another path.
 */
static u64 count_insns(const struct bpf_insn *prog, const void *ctx, u64 *r0)
{
	struct { const struct bpf_insn *ret; u64 saved[4]; } frames[8];
	const struct bpf_insn *insn = prog;
	u64 regs[MAX_BPF_REG] = { [BPF_REG_1] = (unsigned long)ctx };
	u32 depth = 0;
	u64 n = 0;

	for (;; insn++) {
		u64 *dst = &regs[insn->dst_reg], src, a;
		bool is64 = BPF_CLASS(insn->code) == BPF_ALU64 ||
			    BPF_CLASS(insn->code) == BPF_JMP;
		bool taken;

		n++;
		src = BPF_SRC(insn->code) == BPF_X ? regs[insn->src_reg] :
		      (u64)(s64)insn->imm;
		switch (BPF_CLASS(insn->code)) {
		case BPF_LD:	/* LD_IMM64 */
			*dst = (u32)insn[0].imm | (u64)(u32)insn[1].imm << 32;
			insn++;
			continue;
		case BPF_LDX:
			src = regs[insn->src_reg] + insn->off;
			switch (BPF_SIZE(insn->code)) {
			case BPF_B:
				*dst = KBPF_MEM(u8, src);
				break;
			case BPF_H:
				*dst = KBPF_MEM(u16, src);
				break;
			case BPF_W:
				*dst = KBPF_MEM(u32, src);
				break;
			default:
				*dst = KBPF_MEM(u64, src);
			}
			continue;
		case BPF_ALU:
		case BPF_ALU64:
			switch (BPF_OP(insn->code)) {
			case BPF_ADD:
				*dst += src;
				break;
			case BPF_SUB:
				*dst -= src;
				break;
			case BPF_MUL:
				*dst *= src;
				break;
			case BPF_OR:
				*dst |= src;
				break;
			case BPF_AND:
				*dst &= src;
				break;
			case BPF_XOR:
				*dst ^= src;
				break;
			case BPF_LSH:
				*dst <<= src & 63;
				break;
			case BPF_RSH:
				*dst >>= src & 63;
				break;
			case BPF_MOV:
				*dst = src;
				break;
			case BPF_END:
				*dst = kbpf_to_be(*dst, insn->imm);
				break;
			default:
				return 0;
			}
			if (!is64)
				*dst = (u32)*dst;
			continue;
		default:	/* JMP, JMP32 */
			break;
		}
		switch (BPF_OP(insn->code)) {
		case BPF_JA:
			insn += insn->off;
			continue;
		case BPF_EXIT:
			if (!depth) {
				*r0 = regs[BPF_REG_0];
				return n;
			}
			depth--;
			memcpy(&regs[BPF_REG_6], frames[depth].saved,
			       sizeof(frames[depth].saved));
			insn = frames[depth].ret;
			continue;
		case BPF_CALL:
			if (insn->src_reg != BPF_PSEUDO_CALL) {
				regs[BPF_REG_0] = kbpf_call_target(insn->imm)(
					regs[1], regs[2], regs[3], regs[4],
					regs[5]);
				continue;
			}
			frames[depth].ret = insn;
			memcpy(frames[depth++].saved, &regs[BPF_REG_6],
			       sizeof(frames[0].saved));
			insn += insn->imm;
			continue;
		}
		a = is64 ? *dst : (u32)*dst;
		if (!is64)
			src = (u32)src;
		switch (BPF_OP(insn->code)) {
		case BPF_JEQ:
			taken = a == src;
			break;
		case BPF_JNE:
			taken = a != src;
			break;
		case BPF_JGT:
			taken = a > src;
			break;
		case BPF_JGE:
			taken = a >= src;
			break;
		case BPF_JLT:
			taken = a < src;
			break;
		case BPF_JSET:
			taken = a & src;
			break;
		default:
			return 0;
		}
		if (taken)
			insn += insn->off;
	}
}

/* ---- timing -------------------------------------------------------------- */

enum runtime { RT_INTERP, RT_JIT, RT_NATIVE, NR_RT };

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* Called through a volatile pointer: the compiler knows nothing of it. */
static u64 (*volatile native_fn)(const struct bench_pkt *p);
static u64 sink;

static u64 run_once(enum runtime rt, const struct kbpf_code *code,
		    const struct bench_pkt *p)
{
	if (rt == RT_NATIVE)
		return native_fn(p);
	return kbpf_code_run(code, p);
}

/* ns per run, over one batch of that many runs. */
static double time_batch(enum runtime rt, const struct kbpf_code *code,
			 const struct bench_pkt *p, u64 runs)
{
	u64 t = now_ns(), acc = 0, i;

	for (i = 0; i < runs; i++)
		acc += run_once(rt, code, p);
	t = now_ns() - t;
	sink += acc;
	return (double)t / runs;
}

/* Enough runs for a batch of about batch_ns on runtime rt. */
static u64 calibrate(enum runtime rt, const struct kbpf_code *code,
		     const struct bench_pkt *p, u64 batch_ns)
{
	u64 runs = 1;

	for (;;) {
		u64 t = now_ns(), i;

		for (i = 0; i < runs; i++)
			sink += run_once(rt, code, p);
		t = now_ns() - t;
		if (t >= batch_ns / 4 || runs >= (1ULL << 30))
			return max_t(u64, 1, runs * batch_ns / max_t(u64, t, 1));
		runs *= 4;
	}
}

int main(int argc, char **argv)
{
	u64 batch_ns = (argc > 1 ? strtoull(argv[1], NULL, 0) : 10) * 1000000ULL;
	double log_jit_native = 0, log_interp_jit = 0;
	struct bench_pkt *pkt = calloc(1, sizeof(*pkt));
	bool bad = false;
	s32 imm;
	u32 i;

	if (!pkt || !kbpf_call_imm(bench_helper, &imm))
		return 1;
	calls_prog[CALLS_HELPER_AT].imm = imm;

	printf("engine-bench: ns per run, best of %d batches of ~%llu ms each; C built with -O2\n",
	       BATCHES, (unsigned long long)(batch_ns / 1000000));
	printf("%-9s %9s %11s %9s %9s %11s %11s %12s\n", "program",
	       "insns/run", "interpreter", "JIT", "native", "JIT/native",
	       "interp/JIT", "interp/insn");
	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		const struct bench *b = &benches[i];
		struct kbpf_code code[NR_RT] = {};
		double ns[NR_RT];
		u64 r0[NR_RT], runs[NR_RT], counted_r0 = 0, insns;
		int rt, round, err;

		rng_state = 0x2545f4914f6cdd1dULL + i;
		b->fill(pkt);
		native_fn = b->native;
		for (rt = 0; rt < NR_RT; rt++) {
			code[rt].bpf_func = kbpf_interp_run;
			code[rt].insnsi = b->insns;
			code[rt].len = b->len;
		}
		err = kbpf_jit_compile(&code[RT_JIT], false);
		if (err) {
			printf("%-9s not JITed: %d\n", b->name, err);
			bad = true;
			continue;
		}
		for (rt = 0; rt < NR_RT; rt++)
			r0[rt] = run_once(rt, &code[rt], pkt);
		insns = count_insns(b->insns, pkt, &counted_r0);
		if (r0[RT_JIT] != r0[RT_INTERP] || r0[RT_NATIVE] != r0[RT_INTERP] ||
		    !insns || counted_r0 != r0[RT_INTERP]) {
			printf("%-9s results differ: interpreter %#llx, JIT %#llx, native %#llx, counted %#llx\n",
			       b->name, (unsigned long long)r0[RT_INTERP],
			       (unsigned long long)r0[RT_JIT],
			       (unsigned long long)r0[RT_NATIVE],
			       (unsigned long long)counted_r0);
			bad = true;
			kbpf_jit_free(&code[RT_JIT]);
			continue;
		}
		/*
		 * The runtimes take turns, batch after batch, and each keeps
		 * its best: noise from the rest of the machine only ever adds
		 * time, and all three see the same stretch of it.
		 */
		for (rt = 0; rt < NR_RT; rt++) {
			runs[rt] = calibrate(rt, &code[rt], pkt, batch_ns);
			ns[rt] = INFINITY;
		}
		for (round = 0; round < BATCHES; round++)
			for (rt = 0; rt < NR_RT; rt++)
				ns[rt] = fmin(ns[rt], time_batch(rt, &code[rt], pkt,
								 runs[rt]));
		kbpf_jit_free(&code[RT_JIT]);

		printf("%-9s %9llu %11.1f %9.1f %9.1f %10.2fx %10.2fx %9.3f ns\n",
		       b->name, (unsigned long long)insns, ns[RT_INTERP],
		       ns[RT_JIT], ns[RT_NATIVE], ns[RT_JIT] / ns[RT_NATIVE],
		       ns[RT_INTERP] / ns[RT_JIT], ns[RT_INTERP] / insns);
		log_jit_native += log(ns[RT_JIT] / ns[RT_NATIVE]);
		log_interp_jit += log(ns[RT_INTERP] / ns[RT_JIT]);
	}
	if (bad)
		return 1;
	printf("%-9s %9s %11s %9s %9s %10.2fx %10.2fx\n", "geomean", "", "",
	       "", "", exp(log_jit_native / ARRAY_SIZE(benches)),
	       exp(log_interp_jit / ARRAY_SIZE(benches)));
	printf("goals: JIT/native at most 1.25x; interpreter under 1.5 ns per instruction\n");
	return 0;
}
