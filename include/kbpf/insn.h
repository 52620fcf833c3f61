/* SPDX-License-Identifier: GPL-2.0 */
/*
 * eBPF instructions: the opcodes Linux 6.1's <linux/bpf.h> lacks, kbpf's
 * internal opcodes, and initializer macros to write programs in C.
 *
 * The macros carry the names of Linux's <linux/filter.h> so programs and
 * test tables written for Linux read (and compile) unchanged; kbpf code
 * must therefore never include <linux/filter.h> next to this header.
 * Each macro is a compound literal, except BPF_LD_IMM64*, which is two
 * instructions and so only fits in an array initializer.
 */
#ifndef KBPF_INSN_H
#define KBPF_INSN_H

#include <kbpf/kapi.h>

/*
 * ISA v4 (RFC 9669), newer than the 6.1 uapi header. Most v4 forms reuse
 * 6.1 opcodes and tell themselves apart by a field that used to be zero:
 *   MOVSX   ALU/ALU64 | MOV | X with off = 8, 16 (or 32 in ALU64)
 *   SDIV    ALU/ALU64 | DIV | K/X with off = 1 (SMOD likewise with MOD)
 *   BSWAP   ALU64 | END | TO_LE (an opcode 6.1 leaves unused), imm = 16/32/64
 *   JA32    JMP32 | JA, the offset in imm instead of off
 * Only sign-extending loads need a new mode.
 */
#ifndef BPF_MEMSX
#define BPF_MEMSX	0x80	/* LDX | MEMSX | B/H/W: load, sign-extend to 64 */

/* The first half of a two-instruction 64-bit immediate load. */
static inline bool kbpf_is_ldimm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* Bytes a load or store of the BPF_B/H/W/DW in code moves. */
static inline u32 kbpf_ldst_bytes(u8 code)
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
#endif

/* off of DIV/MOD selecting the signed operation (ISA v4). */
#define KBPF_OFF_SDIV	1

/*
 * kbpf-internal opcodes: never accepted from userspace, written by the
 * verifier's fix-ups. The values are Linux's, so xlated dumps read alike.
 */
#ifndef BPF_TAIL_CALL
/* `call bpf_tail_call` after fix-up: R1 ctx, R2 prog array map, R3 index. */
#define BPF_TAIL_CALL	0xf0
#endif

/* Register roles, by Linux's names: arguments, context, frame pointer. */
#define BPF_REG_ARG1	BPF_REG_1
#define BPF_REG_ARG2	BPF_REG_2
#define BPF_REG_ARG3	BPF_REG_3
#define BPF_REG_ARG4	BPF_REG_4
#define BPF_REG_ARG5	BPF_REG_5
#define BPF_REG_CTX	BPF_REG_6
#define BPF_REG_FP	BPF_REG_10

/*
 * BPF_REG_AX, Linux's hidden scratch register, numbered right after R10.
 * Only the verifier's fix-ups write it (ctx rewrites, Spectre masking),
 * within one rewritten sequence: never live across a call, an exit or a
 * jump into the sequence, so neither runtime saves it. Userspace may not
 * name it: the verifier refuses any register >= MAX_BPF_REG ("R11 is
 * invalid"). Both runtimes hold MAX_BPF_EXT_REG registers.
 */
#ifndef BPF_REG_AX
#define BPF_REG_AX	MAX_BPF_REG
#endif
#ifndef MAX_BPF_EXT_REG
#define MAX_BPF_EXT_REG	(MAX_BPF_REG + 1)
#endif

/* The raw instruction; every other macro is a shorthand for it. */
#define BPF_RAW_INSN(CODE, DST, SRC, OFF, IMM)				\
	((struct bpf_insn) {						\
		.code = (CODE), .dst_reg = (DST), .src_reg = (SRC),	\
		.off = (OFF), .imm = (IMM) })

/* ALU: dst op= src, and dst op= imm (64-bit and 32-bit). */
#define BPF_ALU64_REG_OFF(OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_ALU32_REG_OFF(OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_ALU64_IMM_OFF(OP, DST, IMM, OFF)				\
	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_ALU32_IMM_OFF(OP, DST, IMM, OFF)				\
	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)

#define BPF_ALU64_REG(OP, DST, SRC)	BPF_ALU64_REG_OFF(OP, DST, SRC, 0)
#define BPF_ALU32_REG(OP, DST, SRC)	BPF_ALU32_REG_OFF(OP, DST, SRC, 0)
#define BPF_ALU64_IMM(OP, DST, IMM)	BPF_ALU64_IMM_OFF(OP, DST, IMM, 0)
#define BPF_ALU32_IMM(OP, DST, IMM)	BPF_ALU32_IMM_OFF(OP, DST, IMM, 0)

#define BPF_MOV64_REG(DST, SRC)		BPF_ALU64_REG(BPF_MOV, DST, SRC)
#define BPF_MOV32_REG(DST, SRC)		BPF_ALU32_REG(BPF_MOV, DST, SRC)
#define BPF_MOV64_IMM(DST, IMM)		BPF_ALU64_IMM(BPF_MOV, DST, IMM)
#define BPF_MOV32_IMM(DST, IMM)		BPF_ALU32_IMM(BPF_MOV, DST, IMM)

/* MOVSX: dst = (s8/s16/s32) src, sign-extended to 64 (or to 32, zero-extended). */
#define BPF_MOVSX64_REG(DST, SRC, BITS)	BPF_ALU64_REG_OFF(BPF_MOV, DST, SRC, BITS)
#define BPF_MOVSX32_REG(DST, SRC, BITS)	BPF_ALU32_REG_OFF(BPF_MOV, DST, SRC, BITS)

/*
 * An explicit zero-extension of the low 32 bits: a 32-bit mov to itself,
 * marked with imm = 1 the way Linux's verifier marks the ones it inserts.
 */
#define BPF_ZEXT_REG(DST)						\
	BPF_RAW_INSN(BPF_ALU | BPF_MOV | BPF_X, DST, DST, 0, 1)

/* Byte order: TYPE BPF_TO_BE/BPF_TO_LE converts, BSWAP always swaps. */
#define BPF_ENDIAN(TYPE, DST, LEN)					\
	BPF_RAW_INSN(BPF_ALU | BPF_END | BPF_SRC(TYPE), DST, 0, 0, LEN)
#define BPF_BSWAP(DST, LEN)						\
	BPF_RAW_INSN(BPF_ALU64 | BPF_END | BPF_TO_LE, DST, 0, 0, LEN)

/*
 * Two instructions: the low 32 bits of the value, then the high 32. They
 * expand to two array elements on purpose; __KBPF_LIST says so in a way
 * checkpatch, which wants every macro to be one expression, accepts.
 */
#define __KBPF_LIST(...)	__VA_ARGS__
#define BPF_LD_IMM64_RAW(DST, SRC, IMM)					\
	__KBPF_LIST(BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST, SRC, 0,	\
				 (__u32)(IMM)),				\
		    BPF_RAW_INSN(0, 0, 0, 0, (__u32)((__u64)(IMM) >> 32)))
#define BPF_LD_IMM64(DST, IMM)		BPF_LD_IMM64_RAW(DST, 0, IMM)
#define BPF_LD_MAP_FD(DST, MAP_FD)					\
	BPF_LD_IMM64_RAW(DST, BPF_PSEUDO_MAP_FD, MAP_FD)

/* Legacy packet loads: R0 = ntoh(*(SIZE *)(skb data + [src +] imm)), R6 = skb. */
#define BPF_LD_ABS(SIZE, IMM)						\
	BPF_RAW_INSN(BPF_LD | BPF_SIZE(SIZE) | BPF_ABS, 0, 0, 0, IMM)
#define BPF_LD_IND(SIZE, SRC, IMM)					\
	BPF_RAW_INSN(BPF_LD | BPF_SIZE(SIZE) | BPF_IND, 0, SRC, 0, IMM)

/* Memory: dst = *(src + off), *(dst + off) = src, *(dst + off) = imm. */
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_LDX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#define BPF_LDX_MEMSX(SIZE, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_LDX | BPF_SIZE(SIZE) | BPF_MEMSX, DST, SRC, OFF, 0)
#define BPF_STX_MEM(SIZE, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#define BPF_ST_MEM(SIZE, DST, OFF, IMM)					\
	BPF_RAW_INSN(BPF_ST | BPF_SIZE(SIZE) | BPF_MEM, DST, 0, OFF, IMM)

/* Atomic read-modify-write of *(dst + off); OP in imm (BPF_ADD, BPF_XCHG, ...). */
#define BPF_ATOMIC_OP(SIZE, OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_ATOMIC, DST, SRC, OFF, OP)
#define BPF_STX_XADD(SIZE, DST, SRC, OFF)				\
	BPF_ATOMIC_OP(SIZE, BPF_ADD, DST, SRC, OFF)

/* Jumps: if (dst op src/imm) pc += off; off counts from the next insn. */
#define BPF_JMP_REG(OP, DST, SRC, OFF)					\
	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP_IMM(OP, DST, IMM, OFF)					\
	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP32_REG(OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP32_IMM(OP, DST, IMM, OFF)				\
	BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP_A(OFF)			BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, OFF, 0)
#define BPF_JMP32_A(IMM)		BPF_RAW_INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, IMM)

/* Calls: a helper by id (before fix-up), a subprogram at pc + 1 + TGT. */
#define BPF_CALL_HELPER(ID)						\
	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, ID)
#define BPF_CALL_REL(TGT)						\
	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, TGT)
#define BPF_EXIT_INSN()			BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#endif /* KBPF_INSN_H */
