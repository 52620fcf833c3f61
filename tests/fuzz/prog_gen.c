// SPDX-License-Identifier: GPL-2.0
/*
 * Bytes to eBPF programs for the differential fuzzer; see prog_gen.h for
 * the rules every generated program keeps.
 *
 * The input is read front to back: a header (memory seed, number of
 * subprograms, frame sizes, instruction counts), then one choice at a
 * time. Each choice is an "op": a short instruction sequence that keeps
 * the rules on its own (an ALU instruction, a masked buffer access, a call
 * with its argument set-up). Jumps skip whole ops, so they never land
 * inside one, and only go forward, except the back edge of a loop, whose
 * counter (R9, or R8 for a nested loop) nothing in the body may write.
 * Running out of input ends the program; every input gives one.
 * The tail call target is generated last, the same way, as a program of
 * one function.
 *
 * What a run may cost is bounded statically: each function has a budget
 * of executed instructions, a loop multiplies what its body costs, and a
 * call costs its callee's whole budget. Callees come after their callers,
 * so there is no recursion, and frames stay within the interpreter's and
 * the JIT's stack (512 + 4 * 64 bytes at most).
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "prog_gen.h"

#define NR_FUNCS	(1 + FZ_MAX_SUBS + 1)
#define TARGET		(NR_FUNCS - 1)	/* the tail call target */
#define MAX_JUMPS	256	/* pending forward jumps in one function */
#define MAX_LOOPS	2	/* nesting */
#define MAX_CALLS	1024	/* bpf-to-bpf call sites in a program */
#define OP_MAX_INSNS	24	/* the most one op emits */
#define POOL_SIZE	16

/* Register sets, one bit per register R0-R9. */
#define REGS_SCALAR	0x3bf	/* all but R6, the buffer */
#define REGS_TOP	0xffff	/* unreachable code: anything goes */
#define REG(r)		(1U << (r))

/*
 * Instructions a run of each function may execute, callees included. The
 * tail call target runs at most KBPF_MAX_TAIL_CALL_CNT + 1 times a run,
 * whatever the rest does: not a cost of the calling functions.
 */
static const u32 func_budget[NR_FUNCS] = { 12000, 1600, 800, 400, 200, 400 };

struct jump {
	u32 at;			/* the jump instruction */
	u32 skip;		/* ops still to pass over at its level */
	u32 level;		/* loop depth it belongs to */
	u16 init;		/* defined registers where it jumps from */
};

struct loop {
	u8 reg;			/* its counter */
	u32 head;		/* first instruction of the body */
	u16 entry;		/* defined registers at the head */
	u64 mult;		/* the multiplier outside it */
};

struct call_site {
	u32 at;
	u32 callee;
};

struct gen {
	const u8 *data;
	size_t size, pos;
	bool eof;

	struct bpf_insn *insns;
	u32 len, cap;
	bool oom;

	u32 nr_funcs;		/* main and subprograms */
	bool chain;		/* the target ends calling itself */
	u32 frame[NR_FUNCS];
	u32 func;		/* being generated */
	u16 init;		/* registers holding defined scalars */
	u16 busy;		/* loop counters in use */
	struct jump jumps[MAX_JUMPS];
	u32 nr_jumps;
	struct loop loops[MAX_LOOPS];
	u32 depth;
	u64 cost, mult, budget;

	struct call_site calls[MAX_CALLS];
	u32 nr_calls;

	s32 pool[POOL_SIZE];	/* immediates used lately */
	u32 pool_next;
};

/* ---- input --------------------------------------------------------------- */

static u8 take8(struct gen *g)
{
	if (g->pos >= g->size) {
		g->eof = true;
		return 0;
	}
	return g->data[g->pos++];
}

static u16 take16(struct gen *g)
{
	return take8(g) | (u16)take8(g) << 8;
}

static u32 take32(struct gen *g)
{
	return take16(g) | (u32)take16(g) << 16;
}

static u64 take64(struct gen *g)
{
	return take32(g) | (u64)take32(g) << 32;
}

/* A number in [0, n). */
static u32 below(struct gen *g, u32 n)
{
	return n <= 256 ? take8(g) % n : take16(g) % n;
}

static s32 remember(struct gen *g, s32 v)
{
	g->pool[g->pool_next++ % POOL_SIZE] = v;
	return v;
}

/*
 * The values arithmetic and compares go wrong at, or any; or one used
 * before, so that compares and cmpxchg find equal values now and then.
 */
static s32 gen_imm32(struct gen *g)
{
	static const s32 edge[] = {
		0, 1, -1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 255, 256,
		0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000,
		0x7fffffff, S32_MIN, -2, -128, -32768, 0x55555555, 0x0f0f0f0f,
	};
	u8 b = take8(g);

	if (b < 48 && g->pool_next)
		return g->pool[take8(g) % min_t(u32, g->pool_next, POOL_SIZE)];
	if (b < 128)
		return remember(g, edge[b % ARRAY_SIZE(edge)]);
	if (b < 176)
		return remember(g, (s8)take8(g));
	return remember(g, (s32)take32(g));
}

static u64 gen_imm64(struct gen *g)
{
	static const u64 edge[] = {
		0, 1, -1ULL, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL,
		0xffffffff00000000ULL, 0x00000000ffff8000ULL,
		0x0123456789abcdefULL, 0xfffffffffffffffeULL,
	};
	u8 b = take8(g);
	u64 v;

	if (b >= 96 && b < 128)
		return (u64)(s64)gen_imm32(g);
	v = b < 96 ? edge[b % ARRAY_SIZE(edge)] : take64(g);
	remember(g, (s32)v);
	return v;
}

/* splitmix64: the buffer's contents and frame fill, from one seed. */
static u64 mix64(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- helpers the programs call ------------------------------------------- */

/* All five arguments in, one value out. */
static u64 fz_helper_mix(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	u64 h = r1 * 0x9e3779b97f4a7c15ULL;

	h ^= (r2 << 7 | r2 >> 57) + r3 * 3;
	h ^= r4 * 0xbf58476d1ce4e5b9ULL;
	return h - r5;
}

/* Through the buffer pointer: swaps one byte, returns the old one. */
static u64 fz_helper_buf(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	u8 *buf = (u8 *)(unsigned long)r1;
	u32 i = (u32)(r2 % FZ_DATA_LEN);
	u8 old = buf[i];

	buf[i] = (u8)r3;
	return old | (r3 & 0xff00);
}

/* Through a pointer into the frame: hashes n bytes, changes the last. */
static u64 fz_helper_stack(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	u8 *p = (u8 *)(unsigned long)r1;
	u64 h = 0;
	u32 i;

	for (i = 0; i < r2; i++)
		h = h * 31 + p[i];
	p[r2 - 1] ^= (u8)r3;
	return h;
}

/* ---- emitting ------------------------------------------------------------ */

static void emit(struct gen *g, struct bpf_insn insn)
{
	if (g->len == g->cap) {
		u32 cap = g->cap ? 2 * g->cap : 256;
		struct bpf_insn *p = realloc(g->insns, cap * sizeof(*p));

		if (!p) {
			g->oom = true;
			return;
		}
		g->insns = p;
		g->cap = cap;
	}
	g->insns[g->len++] = insn;
	g->cost += g->mult;
}

static void emit_ld_imm64(struct gen *g, u8 dst, u64 v)
{
	struct bpf_insn p[] = { BPF_LD_IMM64(dst, v) };

	emit(g, p[0]);
	emit(g, p[1]);
}

/* Registers the current op may write: not R6, not a loop counter. */
static u16 writable(const struct gen *g)
{
	return REGS_SCALAR & ~g->busy;
}

/* One register of set, chosen by the input; -1 when set is empty. */
static int pick(struct gen *g, u16 set)
{
	u32 n = __builtin_popcount(set), i;
	int r;

	if (!n)
		return -1;
	i = below(g, n);
	for (r = 0; r < 10; r++)
		if ((set & REG(r)) && !i--)
			return r;
	return -1;
}

/* Give r a defined value. */
static void materialize(struct gen *g, u8 r)
{
	switch (take8(g) % 4) {
	case 0:
		emit_ld_imm64(g, r, gen_imm64(g));
		break;
	case 1:
		emit(g, BPF_MOV32_IMM(r, gen_imm32(g)));
		break;
	default:
		emit(g, BPF_MOV64_IMM(r, gen_imm32(g)));
		break;
	}
	g->init |= REG(r);
}

/* A defined scalar register, made so if there is none. */
static u8 pick_init(struct gen *g)
{
	int r = pick(g, g->init & REGS_SCALAR);

	if (r < 0) {
		r = pick(g, writable(g));
		materialize(g, r);
	}
	return r;
}

/* A register to read-modify-write: writable and defined. */
static u8 pick_rmw(struct gen *g)
{
	int r = pick(g, g->init & writable(g));

	if (r < 0) {
		r = pick(g, writable(g));
		materialize(g, r);
	}
	return r;
}

static void ensure_init(struct gen *g, u8 r)
{
	if (!(g->init & REG(r)))
		materialize(g, r);
}

/* ---- jumps and loops ----------------------------------------------------- */

static void land(struct gen *g, struct jump *j)
{
	struct bpf_insn *insn = &g->insns[j->at];
	s32 rel = (s32)(g->len - (j->at + 1));

	if (insn->code == (BPF_JMP32 | BPF_JA))
		insn->imm = rel;
	else
		insn->off = (s16)rel;
	g->init &= j->init;
}

/*
 * An op boundary: jumps of this loop level that have skipped their ops
 * land here, the others count one more op. Jumps of outer levels wait
 * for the loop to end: they never land inside it.
 */
static void boundary(struct gen *g, bool land_all)
{
	u32 i = 0;

	while (i < g->nr_jumps) {
		struct jump *j = &g->jumps[i];

		if (j->level != g->depth) {
			i++;
			continue;
		}
		if (j->skip && !land_all) {
			j->skip--;
			i++;
			continue;
		}
		land(g, j);
		*j = g->jumps[--g->nr_jumps];
	}
}

/* The jump just emitted lands later; false: it stays a jump by 0. */
static bool add_jump(struct gen *g)
{
	struct jump *j;

	if (g->nr_jumps == MAX_JUMPS)
		return false;
	j = &g->jumps[g->nr_jumps++];
	j->at = g->len - 1;
	j->skip = take8(g) % 8;
	j->level = g->depth;
	j->init = g->init;
	return true;
}

/*
 * Inside a loop, an op must not leave a register undefined that was
 * defined at the head: the next iteration would read it. Redefine it.
 */
static void loop_fixup(struct gen *g)
{
	u16 lost;
	int r;

	if (!g->depth || g->init == REGS_TOP)
		return;
	lost = g->loops[g->depth - 1].entry & ~g->init & REGS_SCALAR;
	for (r = 0; r < 10; r++)
		if (lost & REG(r))
			materialize(g, r);
}

static void loop_open(struct gen *g)
{
	struct loop *l;
	u32 n = 1 + take8(g) % 8;

	if (g->depth == MAX_LOOPS)
		return;
	/* Room for the body's first op and the closing pair, n times. */
	while (n > 1 && g->cost + g->mult * n * (2 * OP_MAX_INSNS) > g->budget)
		n /= 2;
	l = &g->loops[g->depth];
	l->reg = g->depth ? BPF_REG_8 : BPF_REG_9;
	if (g->busy & REG(l->reg))
		return;
	emit(g, BPF_MOV64_IMM(l->reg, n));
	g->init |= REG(l->reg);
	g->busy |= REG(l->reg);
	l->head = g->len;
	l->entry = g->init;
	l->mult = g->mult;
	g->mult *= n;
	g->depth++;
}

static void loop_close(struct gen *g)
{
	struct loop *l = &g->loops[g->depth - 1];
	u8 form = take8(g) % 3;
	s32 back;

	/* Jumps still pending in the body go to the counter's decrement. */
	boundary(g, true);
	if (form == 0) {
		emit(g, BPF_ALU64_IMM(BPF_SUB, l->reg, 1));
		back = (s32)l->head - (s32)(g->len + 1);
		emit(g, BPF_JMP_IMM(BPF_JNE, l->reg, 0, back));
	} else if (form == 1) {
		emit(g, BPF_ALU32_IMM(BPF_ADD, l->reg, -1));
		back = (s32)l->head - (s32)(g->len + 1);
		emit(g, BPF_JMP32_IMM(BPF_JSGT, l->reg, 0, back));
	} else {
		emit(g, BPF_ALU64_IMM(BPF_SUB, l->reg, 1));
		back = (s32)l->head - (s32)(g->len + 1);
		emit(g, BPF_JMP_IMM(BPF_JGT, l->reg, 0, back));
	}
	g->busy &= ~REG(l->reg);
	g->mult = l->mult;
	g->depth--;
}

/* ---- ops ----------------------------------------------------------------- */

static void op_alu(struct gen *g)
{
	static const struct { u8 op; s16 off; } ops[] = {
		{ BPF_ADD, 0 }, { BPF_SUB, 0 }, { BPF_MUL, 0 }, { BPF_DIV, 0 },
		{ BPF_DIV, KBPF_OFF_SDIV }, { BPF_OR, 0 }, { BPF_AND, 0 },
		{ BPF_LSH, 0 }, { BPF_RSH, 0 }, { BPF_MOD, 0 },
		{ BPF_MOD, KBPF_OFF_SDIV }, { BPF_XOR, 0 }, { BPF_MOV, 0 },
		{ BPF_ARSH, 0 },
	};
	u8 sel = take8(g);
	u8 cls = sel & 1 ? BPF_ALU64 : BPF_ALU;
	bool x = sel & 2;
	u8 op = ops[(sel >> 2) % ARRAY_SIZE(ops)].op;
	s16 off = ops[(sel >> 2) % ARRAY_SIZE(ops)].off;
	u8 dst, src = 0;
	s32 imm = 0;

	dst = op == BPF_MOV ? pick(g, writable(g)) : pick_rmw(g);
	if (x) {
		src = pick_init(g);
	} else {
		imm = gen_imm32(g);
		/* Mostly shifts in range; sometimes not, which must mask. */
		if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
		    take8(g) % 4)
			imm &= cls == BPF_ALU64 ? 63 : 31;
	}
	emit(g, BPF_RAW_INSN(cls | op | (x ? BPF_X : BPF_K), dst, src, off,
			     imm));
	g->init |= REG(dst);
}

static void op_mov(struct gen *g)
{
	u8 dst = pick(g, writable(g));

	materialize(g, dst);
}

static void op_unary(struct gen *g)
{
	static const s32 widths[] = { 16, 32, 64 };
	u8 sel = take8(g);
	u8 dst, src;

	switch (sel % 6) {
	case 0:
		dst = pick_rmw(g);
		emit(g, BPF_RAW_INSN((sel & 8 ? BPF_ALU64 : BPF_ALU) | BPF_NEG,
				     dst, 0, 0, 0));
		break;
	case 1:
		dst = pick_rmw(g);
		emit(g, BPF_ENDIAN(sel & 8 ? BPF_TO_BE : BPF_TO_LE, dst,
				   widths[(sel >> 4) % 3]));
		break;
	case 2:
		dst = pick_rmw(g);
		emit(g, BPF_BSWAP(dst, widths[(sel >> 4) % 3]));
		break;
	case 3:
		src = pick_init(g);
		dst = pick(g, writable(g));
		if (sel & 8)
			emit(g, BPF_MOVSX64_REG(dst, src, widths[(sel >> 4) % 3] / 2));
		else
			emit(g, BPF_MOVSX32_REG(dst, src, sel & 16 ? 16 : 8));
		break;
	case 4:
		/* The verifier's zero extension, and a plain 32-bit move. */
		dst = pick_rmw(g);
		if (sel & 8) {
			emit(g, BPF_ZEXT_REG(dst));
		} else {
			src = pick_init(g);
			emit(g, BPF_MOV32_REG(dst, src));
		}
		break;
	default:
		dst = pick(g, writable(g));
		emit_ld_imm64(g, dst, gen_imm64(g));
		break;
	}
	g->init |= REG(dst);
}

static void op_jcond(struct gen *g)
{
	static const u8 ops[] = {
		BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
		BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET,
	};
	u8 sel = take8(g);
	u8 cls = sel & 1 ? BPF_JMP : BPF_JMP32;
	u8 op = ops[(sel >> 2) % ARRAY_SIZE(ops)];
	u8 dst = pick_init(g);

	if (sel & 2)
		emit(g, BPF_RAW_INSN(cls | op | BPF_X, dst, pick_init(g), 0, 0));
	else
		emit(g, BPF_RAW_INSN(cls | op | BPF_K, dst, 0, 0, gen_imm32(g)));
	add_jump(g);
}

static void op_ja(struct gen *g)
{
	if (take8(g) & 1)
		emit(g, BPF_JMP_A(0));
	else
		emit(g, BPF_JMP32_A(0));
	/* Nothing falls through: what follows is reached by jumps only. */
	if (add_jump(g))
		g->init = REGS_TOP;
}

static const u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };

static u32 size_bytes(u8 size)
{
	switch (size) {
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

/*
 * A load or store of size at base + off: a load into a writable
 * register (sign-extending sometimes), a store of an immediate or of a
 * defined register other than base.
 */
static void gen_access(struct gen *g, u8 size, u8 base, s16 off)
{
	u8 sel = take8(g);
	int r;

	switch (sel % 4) {
	case 0:
	case 1:
		r = pick(g, writable(g));
		if (size != BPF_DW && (sel & 4))
			emit(g, BPF_LDX_MEMSX(size, r, base, off));
		else
			emit(g, BPF_LDX_MEM(size, r, base, off));
		g->init |= REG(r);
		break;
	case 2:
		emit(g, BPF_ST_MEM(size, base, off, gen_imm32(g)));
		break;
	default:
		r = pick(g, g->init & REGS_SCALAR & ~REG(base));
		if (r < 0) {
			emit(g, BPF_ST_MEM(size, base, off, gen_imm32(g)));
			break;
		}
		emit(g, BPF_STX_MEM(size, base, r, off));
		break;
	}
}

/* R6 + a constant: anywhere in the data. */
static void op_buf_mem(struct gen *g)
{
	u8 size = sizes[take8(g) % 4];
	u32 n = size_bytes(size);

	gen_access(g, size, BPF_REG_6, (s16)below(g, FZ_DATA_LEN - n + 1));
}

/* R10 - a constant: anywhere in the frame. */
static void op_stack_mem(struct gen *g)
{
	u8 size = sizes[take8(g) % 4];
	u32 n = size_bytes(size), frame = g->frame[g->func];

	if (frame < n)
		return;
	gen_access(g, size, BPF_REG_10, -(s16)(n + below(g, frame - n + 1)));
}

/*
 * A computed address: tmp = (scalar & mask) + R6 or R10, then an access
 * at a constant offset that keeps it in range, then tmp - base turns the
 * pointer back into the scalar it was (unless the load overwrote it).
 * Or tmp = R10 - k, an access relative to it, and tmp undefined after.
 */
static void op_ptr_mem(struct gen *g)
{
	u8 sel = take8(g), size = sizes[(sel >> 1) % 4];
	u32 n = size_bytes(size), frame = g->frame[g->func];
	u32 bits = (sel >> 3) % 8, mask = (1U << bits) - 1;
	bool stack = sel & 1;
	u32 room = stack ? frame : FZ_DATA_LEN;
	u8 base = stack ? BPF_REG_10 : BPF_REG_6;
	u8 idx, tmp;
	s16 off;

	while (mask && room < n + mask)
		mask >>= 1;
	if (room < n + mask)
		return;
	tmp = pick(g, writable(g));
	if (stack && (take8(g) & 3) == 0) {
		/* tmp = R10 - k; off in [-(frame - k), k - n]. */
		s32 k = n + below(g, frame - n + 1);
		s32 lo = -(s32)(frame - k);

		emit(g, BPF_MOV64_REG(tmp, BPF_REG_10));
		emit(g, BPF_ALU64_IMM(BPF_ADD, tmp, -k));
		g->init &= ~REG(tmp);
		off = (s16)(lo + (s32)below(g, k - n - lo + 1));
		gen_access(g, size, tmp, off);
		/* A load into tmp made it a scalar again; else it's a pointer. */
		return;
	}
	idx = pick_init(g);
	if (take8(g) & 1)
		emit(g, BPF_MOV64_REG(tmp, idx));
	else
		emit(g, BPF_MOV32_REG(tmp, idx));
	emit(g, BPF_ALU64_IMM(BPF_AND, tmp, mask));
	emit(g, BPF_ALU64_REG(BPF_ADD, tmp, base));
	g->init &= ~REG(tmp);
	if (stack)
		off = -(s16)(n + mask + below(g, frame - n - mask + 1));
	else
		off = (s16)below(g, FZ_DATA_LEN - n - mask + 1);
	gen_access(g, size, tmp, off);
	if (!(g->init & REG(tmp))) {
		emit(g, BPF_ALU64_REG(BPF_SUB, tmp, base));
		g->init |= REG(tmp);
	}
}

static void op_atomic(struct gen *g)
{
	static const s32 ops[] = {
		BPF_ADD, BPF_AND, BPF_OR, BPF_XOR,
		BPF_ADD | BPF_FETCH, BPF_AND | BPF_FETCH, BPF_OR | BPF_FETCH,
		BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG,
	};
	u8 sel = take8(g);
	u8 size = sel & 1 ? BPF_DW : BPF_W;
	u32 n = size_bytes(size), frame = g->frame[g->func];
	s32 op = ops[(sel >> 1) % ARRAY_SIZE(ops)];
	bool stack = sel & 0x80;
	u8 base = stack ? BPF_REG_10 : BPF_REG_6, src;
	s16 off;

	if (stack && frame < n)
		stack = false, base = BPF_REG_6;
	if (stack)
		off = -(s16)(n * (1 + below(g, frame / n)));
	else
		off = (s16)(n * below(g, FZ_DATA_LEN / n));
	/* The fetching forms write src: it must be writable. */
	if (op & BPF_FETCH)
		src = pick_rmw(g);
	else
		src = pick_init(g);
	if (op == BPF_CMPXCHG && (take8(g) & 1)) {
		/*
		 * R0 from the same place, so that it matches: for a 32-bit
		 * cmpxchg a 64-bit load where there is room, so R0's upper
		 * half is not zero when it does.
		 */
		u8 ld = size == BPF_W && (stack ? off <= -8 :
					  off <= FZ_DATA_LEN - 8) ? BPF_DW : size;

		emit(g, BPF_LDX_MEM(ld, BPF_REG_0, base, off));
		g->init |= REG(BPF_REG_0);
	}
	if (op == BPF_CMPXCHG)
		ensure_init(g, BPF_REG_0);
	emit(g, BPF_ATOMIC_OP(size, op, base, src, off));
	if (op == BPF_CMPXCHG)
		g->init |= REG(BPF_REG_0);
}

/* R1-R5 after any call: clobbered (helpers) or whatever the callee left. */
static void after_call(struct gen *g)
{
	g->init &= ~(REG(1) | REG(2) | REG(3) | REG(4) | REG(5));
	g->init |= REG(0);
}

static void op_pseudo_call(struct gen *g)
{
	u32 callee, r;

	if (g->func + 1 >= g->nr_funcs || g->nr_calls == MAX_CALLS)
		return;
	callee = g->func + 1 + below(g, g->nr_funcs - g->func - 1);
	if (g->cost + g->mult * (func_budget[callee] + OP_MAX_INSNS) > g->budget)
		return;
	emit(g, BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
	for (r = BPF_REG_2; r <= BPF_REG_5; r++)
		ensure_init(g, r);
	g->calls[g->nr_calls].at = g->len;
	g->calls[g->nr_calls++].callee = callee;
	emit(g, BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL,
			     g->frame[callee], 0));
	g->cost += g->mult * func_budget[callee];
	after_call(g);
}

static void op_helper_call(struct gen *g)
{
	u8 sel = take8(g);
	u32 frame = g->frame[g->func];
	kbpf_helper_t fn;
	s32 imm;
	u32 r;

	if (sel % 3 == 0) {
		fn = fz_helper_mix;
		for (r = BPF_REG_1; r <= BPF_REG_5; r++)
			ensure_init(g, r);
	} else if (sel % 3 == 1 || frame == 0) {
		fn = fz_helper_buf;
		emit(g, BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
		ensure_init(g, BPF_REG_2);
		ensure_init(g, BPF_REG_3);
	} else {
		u32 k = 1 + below(g, frame);

		fn = fz_helper_stack;
		emit(g, BPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
		emit(g, BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -(s32)k));
		emit(g, BPF_MOV64_IMM(BPF_REG_2, 1 + below(g, k)));
		ensure_init(g, BPF_REG_3);
		g->cost += g->mult * k;
	}
	if (!kbpf_call_imm(fn, &imm))
		imm = 0;	/* cannot happen: same binary */
	emit(g, BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, imm));
	after_call(g);
}

/*
 * LD_ABS / LD_IND: R6 must be the sk_buff, so the buffer pointer waits in
 * R7-R9 meanwhile. Offsets are mostly in the packet, sometimes in the
 * windows below SKF_NET_OFF and SKF_LL_OFF, and now and then outside,
 * which returns 0 from the function on the spot.
 */
static void op_ld_pkt(struct gen *g)
{
	static const u8 pkt_sizes[] = { BPF_B, BPF_H, BPF_W };
	u8 sel = take8(g), size = pkt_sizes[sel % 3];
	u32 n = size_bytes(size), kind = (sel >> 2) % 16;
	int save, idx = -1;
	s32 imm;

	if (sel & 0x80)
		idx = pick_rmw(g);
	save = pick(g, writable(g) & (REG(7) | REG(8) | REG(9)) &
		    ~(idx >= 0 ? REG(idx) : 0));
	if (save < 0)
		return;
	emit(g, BPF_MOV64_REG(save, BPF_REG_6));
	emit(g, BPF_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_6, FZ_OFF_SKB));
	if (idx >= 0) {
		u32 mask = (1U << (take8(g) % 8)) - 1;

		emit(g, BPF_ALU64_IMM(BPF_AND, idx, mask));
		imm = below(g, FZ_PKT_LEN - n - mask + 1);
		emit(g, BPF_LD_IND(size, idx, imm));
	} else {
		if (kind == 0)
			imm = FZ_PKT_LEN - n + 1 + below(g, 64);
		else if (kind == 1)
			imm = SKF_NET_OFF +
			      below(g, FZ_DATA_LEN - FZ_PKT_NET_OFF - n + 1);
		else if (kind == 2)
			imm = SKF_LL_OFF + below(g, FZ_PKT_LEN - n + 1);
		else
			imm = below(g, FZ_PKT_LEN - n + 1);
		emit(g, BPF_LD_ABS(size, imm));
	}
	emit(g, BPF_MOV64_REG(BPF_REG_6, save));
	/* A packet load is a call, as far as the contract says. */
	after_call(g);
	g->init &= ~REG(save);
}

/*
 * A tail call into the prog array: slot 0 (the target) now and then,
 * more often from the target itself, which so runs into the limit of
 * KBPF_MAX_TAIL_CALL_CNT; otherwise the empty slot, an index out of
 * range, or whatever a register holds. When it does not happen, R0-R5
 * are taken as clobbered, as after bpf_tail_call() in Linux.
 */
static void op_tail_call(struct gen *g)
{
	u8 sel = take8(g);
	int r;

	emit(g, BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
	emit(g, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_6, FZ_OFF_PROG_ARRAY));
	if (sel % 4 == 0 || (g->func == TARGET && sel % 4 == 1)) {
		emit(g, BPF_MOV64_IMM(BPF_REG_3, 0));
	} else if (sel % 4 == 1) {
		emit(g, BPF_MOV64_IMM(BPF_REG_3, 1 + (sel >> 2) % 3));
	} else if (sel % 4 == 2) {
		emit(g, BPF_MOV32_IMM(BPF_REG_3, gen_imm32(g)));
	} else {
		r = pick(g, g->init & REGS_SCALAR & ~(REG(1) | REG(2)));
		if (r < 0)
			emit(g, BPF_MOV64_IMM(BPF_REG_3, 0));
		else
			emit(g, BPF_MOV64_REG(BPF_REG_3, r));
	}
	emit(g, BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0));
	after_call(g);
	g->init &= ~REG(0);
}

/* ---- functions ----------------------------------------------------------- */

/* R6 = the buffer, the frame filled, the registers as the contract says. */
static void prologue(struct gen *g, u64 *rng)
{
	u32 i, frame = g->frame[g->func];

	emit(g, BPF_MOV64_REG(BPF_REG_6, BPF_REG_1));
	if (!g->func) {
		emit(g, BPF_MOV64_IMM(BPF_REG_2, FZ_DATA_LEN));
		/* All but R1 start at zero (engine.h). */
		g->init = REGS_SCALAR & ~REG(1);
	} else if (g->func == TARGET) {
		/* A tail call passes R1 only. Count the runs: all must be. */
		emit(g, BPF_MOV64_IMM(BPF_REG_1, 1));
		emit(g, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_6, BPF_REG_1,
				      FZ_OFF_TAIL_RUNS));
		g->init = REG(1);
	} else {
		/* A callee may rely on its arguments only. */
		g->init = REG(2) | REG(3) | REG(4) | REG(5);
	}
	for (i = 0; i < frame; i += 8)
		emit(g, BPF_ST_MEM(BPF_DW, BPF_REG_10, -(s16)(i + 8),
				   (s32)mix64(rng)));
}

/* Leave R0 (main: R0-R9) and the frame in the buffer, and return. */
static void epilogue(struct gen *g)
{
	u32 i, frame = g->frame[g->func];
	s16 dump = !g->func ? FZ_OFF_MAIN_STACK :
		   g->func == TARGET ? FZ_OFF_TAIL_STACK :
		   FZ_OFF_SUB_STACK(g->func - 1);
	int r;

	while (g->depth)
		loop_close(g);
	boundary(g, true);
	/* A target that always calls itself runs into the limit. */
	if (g->func == TARGET && g->chain) {
		emit(g, BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
		emit(g, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_6,
				    FZ_OFF_PROG_ARRAY));
		emit(g, BPF_MOV64_IMM(BPF_REG_3, 0));
		emit(g, BPF_JMP_IMM(BPF_TAIL_CALL, 0, 0, 0));
		after_call(g);
		g->init &= ~REG(0);
	}
	ensure_init(g, BPF_REG_0);
	if (!g->func)
		for (r = 0; r < 10; r++)
			if ((g->init & REGS_SCALAR & REG(r)))
				emit(g, BPF_STX_MEM(BPF_DW, BPF_REG_6, r,
						    FZ_OFF_REGS + 8 * r));
	for (i = 0; i < frame; i += 8) {
		emit(g, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10,
				    -(s16)(frame - i)));
		emit(g, BPF_STX_MEM(BPF_DW, BPF_REG_6, BPF_REG_1, dump + i));
	}
	emit(g, BPF_EXIT_INSN());
}

static void gen_func(struct gen *g, u32 max_ops, u64 *rng)
{
	u32 ops = 0;

	g->nr_jumps = 0;
	g->depth = 0;
	g->busy = 0;
	g->cost = 0;
	g->mult = 1;
	/* The epilogue's share: registers and the frame copied out. */
	g->budget = func_budget[g->func] - 16 - g->frame[g->func] / 2;
	prologue(g, rng);
	while (ops++ < max_ops && !g->eof && !g->oom &&
	       g->cost + g->mult * 2 * OP_MAX_INSNS <= g->budget) {
		u8 sel = take8(g);

		boundary(g, false);
		switch (sel % 34) {
		case 0 ... 7:
			op_alu(g);
			break;
		case 8 ... 9:
			op_mov(g);
			break;
		case 10 ... 11:
			op_unary(g);
			break;
		case 12 ... 14:
			op_jcond(g);
			break;
		case 15:
			op_ja(g);
			break;
		case 16 ... 18:
			op_buf_mem(g);
			break;
		case 19 ... 20:
			op_stack_mem(g);
			break;
		case 21 ... 22:
			op_ptr_mem(g);
			break;
		case 23 ... 24:
			op_atomic(g);
			break;
		case 25 ... 26:
			loop_open(g);
			break;
		case 27:
			if (g->depth)
				loop_close(g);
			break;
		case 28 ... 29:
			op_pseudo_call(g);
			break;
		case 30 ... 31:
			op_helper_call(g);
			break;
		case 32:
			op_ld_pkt(g);
			break;
		default:
			op_tail_call(g);
			break;
		}
		loop_fixup(g);
	}
	epilogue(g);
}

int fz_generate(struct fz_prog *p, const u8 *data, size_t size)
{
	/*
	 * Static, not allocated: a fresh heap block every run cost page
	 * faults once ASan's quarantine had cycled through the heap.
	 */
	static struct gen gen;
	struct gen *g = &gen;
	u32 max_ops[NR_FUNCS], f, i;
	u64 rng;
	int err = 0;

	memset(p, 0, sizeof(*p));
	memset(g, 0, sizeof(*g));
	g->data = data;
	g->size = size;

	/* Header: the buffer's seed, the functions, their frames and sizes. */
	rng = take64(g);
	for (i = 0; i < FZ_DATA_LEN; i += 8) {
		u64 v = mix64(&rng);

		memcpy(&p->mem[i], &v, 8);
	}
	g->nr_funcs = 1 + take8(g) % (FZ_MAX_SUBS + 1);
	g->frame[0] = 8 * (take8(g) % (FZ_MAIN_STACK / 8 + 1));
	max_ops[0] = 8 + take8(g) * 2;
	for (f = 1; f < g->nr_funcs; f++) {
		g->frame[f] = 8 * (take8(g) % (FZ_SUB_STACK / 8 + 1));
		max_ops[f] = take8(g) % 64;
	}
	g->frame[TARGET] = 8 * (take8(g) % (FZ_TAIL_STACK / 8 + 1));
	max_ops[TARGET] = take8(g) % 32;
	g->chain = take8(g) & 1;

	for (f = 0; f < g->nr_funcs; f++) {
		p->func_start[f] = g->len;
		g->func = f;
		gen_func(g, max_ops[f], &rng);
	}
	/* The target, in an array of its own. */
	p->insns = g->insns;
	p->len = g->len;
	g->insns = NULL;
	g->len = g->cap = 0;
	g->func = TARGET;
	gen_func(g, max_ops[TARGET], &rng);
	p->tail_insns = g->insns;
	p->tail_len = g->len;
	p->tail_stack_depth = g->frame[TARGET];
	g->insns = NULL;
	if (g->oom) {
		fz_prog_free(p);
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < g->nr_calls; i++) {
		const struct call_site *c = &g->calls[i];

		p->insns[c->at].imm = (s32)p->func_start[c->callee] -
				      (s32)(c->at + 1);
	}
	p->stack_depth = g->frame[0];
	p->nr_funcs = g->nr_funcs;
out:
	free(g->insns);
	g->insns = NULL;
	return err;
}

void fz_prog_free(struct fz_prog *p)
{
	free(p->insns);
	free(p->tail_insns);
	p->insns = NULL;
	p->tail_insns = NULL;
}

const char *fz_mem_region(u32 off, u32 *rel)
{
	if (off < FZ_DATA_LEN) {
		*rel = off;
		return "data";
	}
	if (off < FZ_OFF_SUB_STACK(0)) {
		*rel = off - FZ_OFF_MAIN_STACK;
		return "main frame (from its bottom)";
	}
	if (off < FZ_OFF_TAIL_STACK) {
		*rel = (off - FZ_OFF_SUB_STACK(0)) % FZ_SUB_STACK;
		return "subprogram frame (from its bottom)";
	}
	if (off < FZ_OFF_REGS) {
		*rel = off - FZ_OFF_TAIL_STACK;
		return "tail call target's frame (from its bottom)";
	}
	if (off < FZ_OFF_TAIL_RUNS) {
		*rel = (off - FZ_OFF_REGS) / 8;
		return "main's registers at exit (R#)";
	}
	if (off < FZ_OFF_SKB) {
		*rel = 0;
		return "runs of the tail call target";
	}
	*rel = off - FZ_OFF_SKB;
	return "pointers";
}
