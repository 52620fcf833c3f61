// SPDX-License-Identifier: GPL-2.0
/*
 * The program generators test_verifier's tests name in .fill_helper,
 * written for kbpf from what each test says it checks. A generator writes
 * self->fill_insns (VT_MAX_FILL_INSNS long, zeroed) and self->prog_len,
 * and may set the retval the program computes; prog_len 0 means "no such
 * variant" (the runner skips the test).
 */
#include <linux/bpf.h>
#include <stdint.h>
#include <unistd.h>

#include "vt_test.h"

static struct bpf_insn op(uint8_t code, uint8_t dst, uint8_t src, int16_t off,
			  int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
				  .off = off, .imm = imm };
}

#define MOV64_IMM(d, v)		op(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, v)
#define MOV32_IMM(d, v)		op(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, v)
#define MOV64_REG(d, s)		op(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define CALL(f)			op(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define CALL_REL(o)		op(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, o)
#define JA(o)			op(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define EXIT()			op(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_ABS_B(o)		op(BPF_LD | BPF_B | BPF_ABS, 0, 0, 0, o)

/* Deterministic "semi-random" values: mixed widths, so the JITs see every
 * immediate encoding (small, 32-bit sign-extended, full 64-bit). */
static uint64_t vt_rand_state = 0x2545f4914f6cdd1dULL;

static uint64_t vt_rand(void)
{
	uint64_t x = vt_rand_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	vt_rand_state = x;
	x *= 0x2545f4914f6cdd1dULL;
	switch (x & 3) {
	case 0:
		return x >> 56;				/* one byte */
	case 1:
		return (uint64_t)(int64_t)(int32_t)(x >> 16);	/* s32 */
	default:
		return x;
	}
}

/*
 * ld_abs: vlan + abs, test 1: five rounds of 51 {LD_ABS, vlan_push} then
 * 51 {LD_ABS, vlan_pop}, every step bailing out to an error exit (r0 = 0)
 * when the byte read is not 0x34 or the helper fails; padding up to the
 * 16-bit jump range, then return 0xbef.
 */
void kbpf_vt_fill_ld_abs_vlan_push_pop(struct kbpf_vt_test *self)
{
	const int steps = 51, rounds = 5;
	const int len = (1 << 15) - steps * 2 * 5 * 6;
	struct bpf_insn *p = self->fill_insns;
	int i = 0, r, s;

/* A jump from insn i to the error label at len - 2. */
#define TO_ERR(i)	(len - 2 - ((i) + 1))
	p[i++] = MOV64_REG(BPF_REG_6, BPF_REG_1);
	for (r = 0; r < rounds; r++) {
		for (s = 0; s < steps; s++) {
			p[i++] = LD_ABS_B(0);
			p[i] = op(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_0, 0, TO_ERR(i), 0x34);
			i++;
			p[i++] = MOV64_REG(BPF_REG_1, BPF_REG_6);
			p[i++] = MOV64_IMM(BPF_REG_2, 1);
			p[i++] = MOV64_IMM(BPF_REG_3, 2);
			p[i++] = CALL(BPF_FUNC_skb_vlan_push);
			p[i] = op(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, TO_ERR(i), 0);
			i++;
		}
		for (s = 0; s < steps; s++) {
			p[i++] = LD_ABS_B(0);
			p[i] = op(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_0, 0, TO_ERR(i), 0x34);
			i++;
			p[i++] = MOV64_REG(BPF_REG_1, BPF_REG_6);
			p[i++] = CALL(BPF_FUNC_skb_vlan_pop);
			p[i] = op(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, TO_ERR(i), 0);
			i++;
		}
	}
#undef TO_ERR
	while (i < len - 3)
		p[i++] = MOV64_IMM(BPF_REG_0, 0xbef);
	p[i++] = JA(1);
	p[i++] = MOV32_IMM(BPF_REG_0, 0);	/* the error label */
	p[i++] = EXIT();
	self->prog_len = i;
}

/*
 * ld_abs: jump around ld_abs: one conditional jump over thousands of
 * LD_ABS (each of which the verifier's rewrite grows to several insns),
 * sized to stay inside the 16-bit jump range after the rewrite.
 */
void kbpf_vt_fill_jump_around_ld_abs(struct kbpf_vt_test *self)
{
	const int len = (1 << 15) / 7;
	struct bpf_insn *p = self->fill_insns;
	int i = 0;

	p[i++] = MOV64_REG(BPF_REG_6, BPF_REG_1);
	p[i++] = LD_ABS_B(0);
	p[i] = op(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, len - 1 - (i + 1), 10);
	i++;
	while (i < len - 1)
		p[i++] = LD_ABS_B(1);
	p[i++] = EXIT();
	self->prog_len = i;
}

/*
 * ld_dw: r0 = XOR of many 64-bit immediates, folded to 32 bits. The test's
 * retval says how long the program is; the generator replaces it with
 * the value the program must return.
 */
void kbpf_vt_fill_rand_ld_dw(struct kbpf_vt_test *self)
{
	struct bpf_insn *p = self->fill_insns;
	uint32_t n = self->retval;
	uint64_t acc = 0;
	uint32_t i = 0;

	if (n + 5 > VT_MAX_FILL_INSNS) {
		self->prog_len = 0;
		return;
	}
	p[i++] = MOV32_IMM(BPF_REG_0, 0);
	while (i < n) {
		uint64_t v = vt_rand();

		acc ^= v;
		p[i++] = op(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, 0, 0, (int32_t)v);
		p[i++] = op(0, 0, 0, 0, (int32_t)(v >> 32));
		p[i++] = op(BPF_ALU64 | BPF_XOR | BPF_X, BPF_REG_0, BPF_REG_1, 0, 0);
	}
	p[i++] = MOV64_REG(BPF_REG_1, BPF_REG_0);
	p[i++] = op(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_1, 0, 0, 32);
	p[i++] = op(BPF_ALU64 | BPF_XOR | BPF_X, BPF_REG_0, BPF_REG_1, 0, 0);
	p[i++] = EXIT();
	self->prog_len = i;
	self->retval = (uint32_t)(acc ^ (acc >> 32));
}

/* 8192 branches on a random value, each storing ctx to one of `slots`
 * stack slots, then straight-line padding up to near the 1M limit. */
#define SCALE_JUMPS	8192

static uint32_t fill_scale_body(struct bpf_insn *p, uint32_t i, int slots)
{
	int k;

	p[i++] = MOV64_REG(BPF_REG_6, BPF_REG_1);
	for (k = 1; k <= SCALE_JUMPS; k++) {
		p[i++] = CALL(BPF_FUNC_get_prandom_u32);
		p[i++] = op(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2,
			    (int32_t)vt_rand());
		p[i++] = MOV64_REG(BPF_REG_1, BPF_REG_10);
		p[i++] = op(BPF_STX | BPF_DW | BPF_MEM, BPF_REG_1, BPF_REG_6,
			    -8 * (k % slots + 1), 0);
	}
	/* Room for the states pruning keeps on the way (one per jump or so). */
	while (i < VT_MAX_FILL_INSNS - SCALE_JUMPS * 4)
		p[i++] = MOV64_IMM(BPF_REG_0, 42);
	p[i++] = EXIT();
	return i;
}

/* scale test 1: the body in the main program; 2: in the 8th frame. */
void kbpf_vt_fill_scale(struct kbpf_vt_test *self)
{
	struct bpf_insn *p = self->fill_insns;
	const int nest = 7;
	uint32_t i = 0;
	int k;

	switch (self->retval) {
	case 1:
		self->prog_len = fill_scale_body(p, 0, 64);
		break;
	case 2:
		for (k = 0; k < nest; k++) {
			p[i++] = CALL_REL(1);	/* into the next {call; exit} */
			p[i++] = EXIT();
		}
		/* Each frame above uses stack too: fewer slots down here. */
		self->prog_len = fill_scale_body(p, i, 64 - 4 * nest);
		break;
	default:
		self->prog_len = 0;
		return;
	}
	self->retval = 42;
}

/*
 * 128 conditional jumps into a block of 128 unconditional jumps to the
 * end: short (imm8) jumps and nop jumps for the JIT. Returns 1.
 */
static uint32_t torture_short(struct bpf_insn *p)
{
	const int half = 128, len = 2 * half + 3;
	int i;

	p[0] = CALL(BPF_FUNC_get_prandom_u32);
	for (i = 1; i <= half; i++) {
		p[i] = op(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, half, i);
		p[i + half] = JA(half - i);
	}
	p[len - 2] = MOV64_IMM(BPF_REG_0, 1);
	p[len - 1] = EXIT();
	return len;
}

/*
 * 2048 conditional jumps over 2048 instructions (imm32 offsets) into
 * groups of 16 unconditional jumps, each to the end of its group. Returns 2.
 */
static uint32_t torture_long(struct bpf_insn *p)
{
	const int far = 2048, len = 2 * far + 4;
	int i, j;

	p[0] = CALL(BPF_FUNC_get_prandom_u32);
	for (i = 1; i <= far; i++)
		p[i] = op(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, far, i);
	p[i++] = JA(far);
	for (; i <= 2 * far + 1; i += 16)
		for (j = 0; j < 16; j++)
			p[i + j] = JA(15 - j);
	p[len - 2] = MOV64_IMM(BPF_REG_0, 2);
	p[len - 1] = EXIT();
	return len;
}

void kbpf_vt_fill_torturous_jumps(struct kbpf_vt_test *self)
{
	struct bpf_insn *p = self->fill_insns;
	uint32_t i = 0;

	switch (self->retval) {
	case 1:
		self->prog_len = torture_short(p);
		return;
	case 2:
		self->prog_len = torture_long(p);
		return;
	case 3:
		/* Both as subprograms of a main that returns 3. */
		p[i++] = CALL_REL(4);
		p[i++] = CALL_REL(4 + 259 - 1);
		p[i++] = op(BPF_ST | BPF_B | BPF_MEM, BPF_REG_10, 0, -32, 0);
		p[i++] = MOV64_IMM(BPF_REG_0, 3);
		p[i++] = EXIT();
		i += torture_short(p + i);
		i += torture_long(p + i);
		self->prog_len = i;
		return;
	default:
		self->prog_len = 0;
	}
}

/*
 * bpf_loop inlining in a program of a page minus 25 instructions: big
 * enough that the inlined loop pushes the program over a page.
 */
void kbpf_vt_fill_big_prog_with_loop_1(struct kbpf_vt_test *self)
{
	const int len = (int)sysconf(_SC_PAGESIZE) - 25;
	struct bpf_insn *p = self->fill_insns;
	int i = 0, ld_callback;

	p[i++] = MOV64_IMM(BPF_REG_1, 1);		/* one iteration */
	ld_callback = i;
	p[i++] = op(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_FUNC, 0, 0);
	p[i++] = op(0, 0, 0, 0, 0);
	p[i++] = MOV64_IMM(BPF_REG_3, 0);
	p[i++] = MOV64_IMM(BPF_REG_4, 0);
	p[i++] = CALL(BPF_FUNC_loop);
	while (i < len - 3)
		p[i++] = MOV64_IMM(BPF_REG_0, 0);
	p[i++] = EXIT();
	p[ld_callback].imm = i - ld_callback - 1;	/* the callback: */
	self->func_info[1].insn_off = i;
	p[i++] = MOV64_IMM(BPF_REG_0, 0);
	p[i++] = EXIT();
	self->prog_len = i;
}
