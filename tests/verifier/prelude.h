/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the test files of Linux's tools/testing/selftests/bpf/verifier/
 * expect to find defined when they are #included inside the test array:
 * the instruction macros of Linux's <linux/filter.h> (written here from
 * the instruction encoding of <linux/bpf.h>), the BTF encoders of
 * test_btf.h, the result and flag names, the structs the programs take
 * sizes from, and the few shared program fragments test_verifier.c
 * defines. kbpf's own text: none of it is copied from Linux.
 */
#ifndef KBPF_TESTS_VERIFIER_PRELUDE_H
#define KBPF_TESTS_VERIFIER_PRELUDE_H

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/btf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>

#include "vt_test.h"

#ifndef U32_MAX
#define U32_MAX		((uint32_t)~0U)
#endif
#ifndef U64_MAX
#define U64_MAX		((uint64_t)~0ULL)
#endif
#ifndef offsetofend
#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))
#endif

/* The names the test files use for kbpf_vt_test's enums and constants. */
#define ACCEPT			VT_ACCEPT
#define REJECT			VT_REJECT
#define VERBOSE_ACCEPT		VT_VERBOSE_ACCEPT
#define UNDEF			VT_UNDEF
#define F_NEEDS_EFFICIENT_UNALIGNED_ACCESS VT_F_NEEDS_EFFICIENT_UNALIGNED_ACCESS
#define F_LOAD_WITH_STRICT_ALIGNMENT	VT_F_LOAD_WITH_STRICT_ALIGNMENT
#define POINTER_VALUE		VT_POINTER_VALUE
#define TEST_DATA_LEN		VT_DATA_LEN
#define INSN_OFF_MASK		((__s16)0xFFFF)
#define INSN_IMM_MASK		((__s32)0xFFFFFFFF)

/* The map values the fixups create maps for (48 and 16 bytes). */
#define MAX_ENTRIES 11
struct test_val {
	unsigned int index;
	int foo[MAX_ENTRIES];
};

struct other_val {
	long long foo;
	long long bar;
};

/* ---- instructions ------------------------------------------------------ */

#define BPF_RAW_INSN(CODE, DST, SRC, OFF, IMM)				\
	((struct bpf_insn) { .code = (CODE), .dst_reg = (DST),		\
			     .src_reg = (SRC), .off = (OFF), .imm = (IMM) })

#define BPF_REG_ARG1	BPF_REG_1
#define BPF_REG_ARG2	BPF_REG_2
#define BPF_REG_ARG3	BPF_REG_3
#define BPF_REG_ARG4	BPF_REG_4
#define BPF_REG_ARG5	BPF_REG_5
#define BPF_REG_CTX	BPF_REG_6
#define BPF_REG_FP	BPF_REG_10

#define BPF_ALU64_REG(OP, DST, SRC)					\
	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)
#define BPF_ALU32_REG(OP, DST, SRC)					\
	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)
#define BPF_ALU64_IMM(OP, DST, IMM)					\
	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)
#define BPF_ALU32_IMM(OP, DST, IMM)					\
	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)
#define BPF_MOV64_REG(DST, SRC)		BPF_ALU64_REG(BPF_MOV, DST, SRC)
#define BPF_MOV32_REG(DST, SRC)		BPF_ALU32_REG(BPF_MOV, DST, SRC)
#define BPF_MOV64_IMM(DST, IMM)		BPF_ALU64_IMM(BPF_MOV, DST, IMM)
#define BPF_MOV32_IMM(DST, IMM)		BPF_ALU32_IMM(BPF_MOV, DST, IMM)
#define BPF_ENDIAN(TYPE, DST, LEN)					\
	BPF_RAW_INSN(BPF_ALU | BPF_END | BPF_SRC(TYPE), DST, 0, 0, LEN)

/* A 64-bit immediate: two instructions, so only inside an initializer. */
#define BPF_LD_IMM64_RAW_FULL(DST, SRC, OFF1, OFF2, IMM1, IMM2)		\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST, SRC, OFF1, IMM1),	\
	BPF_RAW_INSN(0, 0, 0, OFF2, IMM2)
#define BPF_LD_IMM64_RAW(DST, SRC, IMM)					\
	BPF_LD_IMM64_RAW_FULL(DST, SRC, 0, 0, (__u32)(IMM),		\
			      (__u32)((__u64)(IMM) >> 32))
#define BPF_LD_IMM64(DST, IMM)		BPF_LD_IMM64_RAW(DST, 0, IMM)
#define BPF_LD_MAP_FD(DST, MAP_FD)					\
	BPF_LD_IMM64_RAW_FULL(DST, BPF_PSEUDO_MAP_FD, 0, 0, MAP_FD, 0)
#define BPF_LD_MAP_VALUE(DST, MAP_FD, VALUE_OFF)			\
	BPF_LD_IMM64_RAW_FULL(DST, BPF_PSEUDO_MAP_VALUE, 0, 0,		\
			      MAP_FD, VALUE_OFF)

#define BPF_LD_ABS(SIZE, IMM)						\
	BPF_RAW_INSN(BPF_LD | BPF_SIZE(SIZE) | BPF_ABS, 0, 0, 0, IMM)
#define BPF_LD_IND(SIZE, SRC, IMM)					\
	BPF_RAW_INSN(BPF_LD | BPF_SIZE(SIZE) | BPF_IND, 0, SRC, 0, IMM)
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_LDX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#define BPF_STX_MEM(SIZE, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#define BPF_ST_MEM(SIZE, DST, OFF, IMM)					\
	BPF_RAW_INSN(BPF_ST | BPF_SIZE(SIZE) | BPF_MEM, DST, 0, OFF, IMM)
#define BPF_ATOMIC_OP(SIZE, OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_ATOMIC, DST, SRC, OFF, OP)

#define BPF_JMP_REG(OP, DST, SRC, OFF)					\
	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP_IMM(OP, DST, IMM, OFF)					\
	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP32_REG(OP, DST, SRC, OFF)				\
	BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP32_IMM(OP, DST, IMM, OFF)				\
	BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP_A(OFF)		BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, OFF, 0)
#define BPF_EMIT_CALL(FUNC)	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, FUNC)
#define BPF_CALL_REL(IMM)						\
	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, IMM)
#define BPF_EXIT_INSN()		BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Marks the end of a sub-sequence in expected_insns/unexpected_insns. */
#define SKIP_INSNS()	BPF_RAW_INSN(0xde, 0xa, 0xd, 0xbeef, 0xdeadbeef)

/* ---- BTF type encoding (the layout of <linux/btf.h>) --------------------- */

#define BTF_END_RAW	0xdeadbeef
#define BTF_INFO_ENC(kind, kind_flag, vlen)				\
	((!!(kind_flag) << 31) | ((kind) << 24) | ((vlen) & BTF_MAX_VLEN))
#define BTF_TYPE_ENC(name, info, size_or_type) (name), (info), (size_or_type)
#define BTF_INT_ENC(encoding, bits_offset, nr_bits)			\
	((encoding) << 24 | (bits_offset) << 16 | (nr_bits))
#define BTF_TYPE_INT_ENC(name, encoding, bits_offset, bits, sz)		\
	BTF_TYPE_ENC(name, BTF_INFO_ENC(BTF_KIND_INT, 0, 0), sz),	\
	BTF_INT_ENC(encoding, bits_offset, bits)
#define BTF_PTR_ENC(type)						\
	BTF_TYPE_ENC(0, BTF_INFO_ENC(BTF_KIND_PTR, 0, 0), type)
#define BTF_FUNC_PROTO_ENC(ret_type, nargs)				\
	BTF_TYPE_ENC(0, BTF_INFO_ENC(BTF_KIND_FUNC_PROTO, 0, nargs), ret_type)
#define BTF_FUNC_PROTO_ARG_ENC(name, type)	(name), (type)
#define BTF_FUNC_ENC(name, func_proto)					\
	BTF_TYPE_ENC(name, BTF_INFO_ENC(BTF_KIND_FUNC, 0, 0), func_proto)
#define BTF_MEMBER_ENC(name, type, bits_offset) (name), (type), (bits_offset)
#define BTF_STRUCT_ENC(name, nr_elems, sz)				\
	BTF_TYPE_ENC(name, BTF_INFO_ENC(BTF_KIND_STRUCT, 0, nr_elems), sz)

/* ---- program fragments several test files share ------------------------- */

/*
 * sk = bpf_sk_lookup_*(ctx, &tuple, sizeof(tuple), 0, 0) with a zeroed
 * tuple at fp-48: 13 instructions (tests fix up maps after it by index).
 */
#define BPF_SK_LOOKUP(func)						\
	BPF_MOV64_IMM(BPF_REG_2, 0),					\
	BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_2, -8),			\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -16),		\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -24),		\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -32),		\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -40),		\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -48),		\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -48),				\
	BPF_MOV64_IMM(BPF_REG_3, sizeof(struct bpf_sock_tuple)),	\
	BPF_MOV64_IMM(BPF_REG_4, 0),					\
	BPF_MOV64_IMM(BPF_REG_5, 0),					\
	BPF_EMIT_CALL(BPF_FUNC_ ## func)

/*
 * R0 = 0; R2 = skb->data, R3 = skb->data_end; exit unless 8 bytes of
 * packet are there: 7 instructions, after which R2 may read 8 bytes.
 */
#define BPF_DIRECT_PKT_R2						\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1,			\
		    offsetof(struct __sk_buff, data)),			\
	BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1,			\
		    offsetof(struct __sk_buff, data_end)),		\
	BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 8),				\
	BPF_JMP_REG(BPF_JLE, BPF_REG_4, BPF_REG_3, 1),			\
	BPF_EXIT_INSN()

/* R7 = a random value in [0, 2^31): 4 instructions. */
#define BPF_RAND_UEXT_R7						\
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),			\
	BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),				\
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_7, 33),				\
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_7, 33)

/* R7 = a random negative s32, sign-extended to 64 bits: 5 instructions. */
#define BPF_RAND_SEXT_R7						\
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),			\
	BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),				\
	BPF_ALU64_IMM(BPF_OR, BPF_REG_7, 0x80000000),			\
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_7, 32),				\
	BPF_ALU64_IMM(BPF_ARSH, BPF_REG_7, 32)

/* The generators, by the names the tests give them. */
#define bpf_fill_ld_abs_vlan_push_pop	kbpf_vt_fill_ld_abs_vlan_push_pop
#define bpf_fill_jump_around_ld_abs	kbpf_vt_fill_jump_around_ld_abs
#define bpf_fill_rand_ld_dw		kbpf_vt_fill_rand_ld_dw
#define bpf_fill_scale			kbpf_vt_fill_scale
#define bpf_fill_torturous_jumps	kbpf_vt_fill_torturous_jumps
#define bpf_fill_big_prog_with_loop_1	kbpf_vt_fill_big_prog_with_loop_1

#endif /* KBPF_TESTS_VERIFIER_PRELUDE_H */
