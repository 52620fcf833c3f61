// SPDX-License-Identifier: GPL-2.0
/*
 * Spectre v1 masking of unprivileged pointer arithmetic (verifier/alu.c
 * records it, verifier/fixup.c emits it through BPF_REG_AX): the xlated
 * sequence, and what it computes on the interpreter, the JIT and the
 * JIT with constant blinding. Each program reads a byte of a 48-byte map
 * value (byte i holds i + 1) at an offset it loads from another map and
 * bounds-checks first. In range, the masked program reads what the plain
 * one would. A mispredicted bounds check is simulated by turning the
 * check in the xlated program into a no-op: an offset outside the range
 * the verifier saw must then leave the pointer where it was.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>
#include <kbpf/verifier.h>

#include "../../jit/interp.h"
#include "../../jit/x86_jit.h"
#include "ktest.h"
#include "maptest.h"

#define FD_OFF	7	/* array, one u64: the offset */
#define FD_DATA	8	/* array, one 48-byte value */
#define VSIZE	48

static struct kbpf_map *maps[2];

static struct kbpf_map *mk_get(void *priv, int fd)
{
	if (fd < FD_OFF || fd > FD_DATA)
		return ERR_PTR(-EBADF);
	return maps[fd - FD_OFF];
}

static void mk_put(void *priv, struct kbpf_map *map)
{
}

/* Maps of an unprivileged creator, as an unprivileged program has. */
static bool setup(void)
{
	u64 saved = kbpf_shim_caps;
	u8 value[VSIZE];
	u32 i;

	kbpf_shim_caps &= ~((1ULL << CAP_PERFMON) | (1ULL << CAP_SYS_ADMIN) |
			    (1ULL << CAP_BPF));
	maps[0] = tmap_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	maps[1] = tmap_create(BPF_MAP_TYPE_ARRAY, 4, VSIZE, 1, 0);
	kbpf_shim_caps = saved;
	if (!EXPECT_TRUE(!IS_ERR(maps[0]) && !IS_ERR(maps[1])))
		return false;
	for (i = 0; i < VSIZE; i++)
		value[i] = i + 1;
	return EXPECT_EQ(tmap_update(maps[1], &(u32){ 0 }, value, BPF_ANY), 0);
}

static void teardown(void)
{
	tmap_destroy(maps[0]);
	tmap_destroy(maps[1]);
}

static int verify(struct kbpf_verify_args *a, const struct bpf_insn *insns,
		  u32 cnt, bool unpriv)
{
	static char log[65536];
	int err;

	memset(a, 0, sizeof(*a));
	a->insns = insns;
	a->insn_cnt = cnt;
	a->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a->allow_ptr_leaks = !unpriv;
	a->bpf_capable = !unpriv;
	a->perfmon_capable = !unpriv;
	a->log_buf = log;
	a->log_size = sizeof(log);
	a->log_level = 1;
	a->map_get = mk_get;
	a->map_put = mk_put;
	log[0] = '\0';
	err = kbpf_verify(a);
	if (err)
		fprintf(stderr, "log:\n%s\n", log);
	return err;
}

/* jit 0: the interpreter, 1: the JIT, 2: the JIT with constant blinding. */
static u64 run(const struct kbpf_verify_args *a, int jit, s64 off)
{
	struct kbpf_code code = {
		.bpf_func = kbpf_interp_run, .insnsi = a->xlated,
		.len = a->xlated_cnt, .stack_depth = a->stack_depth,
	};
	u64 r0;

	if (tmap_update(maps[0], &(u32){ 0 }, &off, BPF_ANY))
		return 0xbad0;
	if (jit && kbpf_jit_compile(&code, jit == 2))
		return 0xbad1;
	rcu_read_lock();
	r0 = kbpf_code_run(&code, NULL);
	rcu_read_unlock();
	kbpf_jit_free(&code);
	return r0;
}

/* r7 = the offset (u64 at FD_OFF), r0 = the data value; 15 insns. */
#define PROLOGUE							\
	BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),				\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),				\
	BPF_LD_MAP_FD(BPF_REG_1, FD_OFF),				\
	BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),			\
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 8),				\
	BPF_LDX_MEM(BPF_DW, BPF_REG_7, BPF_REG_0, 0),			\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),				\
	BPF_LD_MAP_FD(BPF_REG_1, FD_DATA),				\
	BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),			\
	BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),				\
	BPF_MOV64_IMM(BPF_REG_0, 0xdead),				\
	BPF_EXIT_INSN()

/* The bounds checks on r7 (code, imm) the tests turn into no-ops. */
struct check {
	u8 code;
	s32 imm;
};

/* Make the xlated bounds check on r7 fall through, as a misprediction would. */
static bool mispredict(struct kbpf_verify_args *a, struct check c)
{
	u32 i, n = 0;

	for (i = 0; i < a->xlated_cnt; i++) {
		struct bpf_insn *x = &a->xlated[i];

		if (x->code == c.code && x->dst_reg == BPF_REG_7 &&
		    x->imm == c.imm) {
			*x = (struct bpf_insn)BPF_JMP_A(0);
			n++;
		}
	}
	return EXPECT_EQ(n, 1);
}

/* Where r11 (AX) appears in the xlated program, or -1. */
static int first_ax(const struct kbpf_verify_args *a)
{
	u32 i;

	for (i = 0; i < a->xlated_cnt; i++)
		if (a->xlated[i].dst_reg == BPF_REG_AX ||
		    a->xlated[i].src_reg == BPF_REG_AX)
			return i;
	return -1;
}

/* want(off) on every runtime, for in-range offsets and mispredicted ones. */
static void check_runs(struct kbpf_verify_args *a, const s64 *in, u32 n_in,
		       const s64 *out, u32 n_out, const struct check *checks,
		       u32 n_checks, u64 (*want)(s64 off, bool masked))
{
	u32 i, k;
	int jit;

	for (i = 0; i < n_in; i++)
		for (jit = 0; jit < 3; jit++)
			if (!EXPECT_EQ(run(a, jit, in[i]), want(in[i], false)))
				fprintf(stderr, "  off %lld runtime %d\n",
					(long long)in[i], jit);
	for (k = 0; k < n_checks; k++)
		if (!mispredict(a, checks[k]))
			return;
	for (i = 0; i < n_out; i++)
		for (jit = 0; jit < 3; jit++)
			if (!EXPECT_EQ(run(a, jit, out[i]), want(out[i], true)))
				fprintf(stderr, "  mispredicted off %lld runtime %d\n",
					(long long)out[i], jit);
}

static const s64 in_0_40[] = { 0, 1, 7, 8, 39, 40 };
static const s64 out_of_0_40[] = {
	41, 47, 48, 100, 4096, 1LL << 31, 1LL << 32, -1, -40, S64_MIN, S64_MAX,
};

/* value + off: byte off, masked back to byte 0. */
static u64 want_plus(s64 off, bool masked)
{
	return masked ? 1 : off + 1;
}

TEST(verifier_masking_ptr_plus_reg)
{
	const struct bpf_insn prog[] = {
		PROLOGUE,
		BPF_JMP_IMM(BPF_JGT, BPF_REG_7, 40, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0xbad),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn mask[] = {
		BPF_MOV32_IMM(BPF_REG_AX, 40),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_AX, BPF_REG_7),
		BPF_ALU64_REG(BPF_OR, BPF_REG_AX, BPF_REG_7),
		BPF_ALU64_IMM(BPF_NEG, BPF_REG_AX, 0),
		BPF_ALU64_IMM(BPF_ARSH, BPF_REG_AX, 63),
		BPF_ALU64_REG(BPF_AND, BPF_REG_AX, BPF_REG_7),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_AX),
	};
	const struct check c = { BPF_JMP | BPF_JGT | BPF_K, 40 };
	struct kbpf_verify_args a;
	int at;

	ASSERT_TRUE(setup());
	/* Privileged: kept as written. */
	if (EXPECT_EQ(verify(&a, prog, ARRAY_SIZE(prog), false), 0)) {
		EXPECT_EQ(first_ax(&a), -1);
		kbpf_verify_release(&a);
	}
	if (EXPECT_EQ(verify(&a, prog, ARRAY_SIZE(prog), true), 0)) {
		at = first_ax(&a);
		if (EXPECT_TRUE(at >= 0 && at + ARRAY_SIZE(mask) <= a.xlated_cnt))
			EXPECT_MEM_EQ(&a.xlated[at], mask, sizeof(mask));
		check_runs(&a, in_0_40, ARRAY_SIZE(in_0_40), out_of_0_40,
			   ARRAY_SIZE(out_of_0_40), &c, 1, want_plus);
		kbpf_verify_release(&a);
	}
	teardown();
}

TEST(verifier_masking_reg_plus_ptr)
{
	/* off += value: the destination becomes the pointer, then moves. */
	const struct bpf_insn prog[] = {
		PROLOGUE,
		BPF_JMP_IMM(BPF_JGT, BPF_REG_7, 40, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_0),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_7, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0xbad),
		BPF_EXIT_INSN(),
	};
	const struct check c = { BPF_JMP | BPF_JGT | BPF_K, 40 };
	struct kbpf_verify_args a;

	ASSERT_TRUE(setup());
	if (EXPECT_EQ(verify(&a, prog, ARRAY_SIZE(prog), true), 0)) {
		EXPECT_TRUE(first_ax(&a) >= 0);
		check_runs(&a, in_0_40, ARRAY_SIZE(in_0_40), out_of_0_40,
			   ARRAY_SIZE(out_of_0_40), &c, 1, want_plus);
		kbpf_verify_release(&a);
	}
	teardown();
}

/*
 * Moving a pointer down takes a constant register: the operation is
 * flipped for a negative one, AX holds the magnitude, and the program
 * still sees its register. (With a variable offset Linux's rules leave
 * no way down: a negative one makes the pointer unbounded as unsigned,
 * and subtracting one needs a variable part that a previous masked
 * addition gave, which its masked outcome, walked too, does not have.)
 */
TEST(verifier_masking_down_by_const_reg)
{
	const struct bpf_insn map[] = {
		PROLOGUE,
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 40),
		BPF_MOV64_IMM(BPF_REG_1, -8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
		BPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn map_minus[] = {
		PROLOGUE,
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 40),
		BPF_MOV64_IMM(BPF_REG_1, 3),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn stack[] = {
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_MOV64_IMM(BPF_REG_1, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_1),
		BPF_ST_MEM(BPF_DW, BPF_REG_2, 8, 77),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn map_sub[] = {
		BPF_MOV32_IMM(BPF_REG_AX, 8),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_AX),
	};
	const struct bpf_insn map_minus_sub[] = {
		BPF_MOV32_IMM(BPF_REG_AX, 3),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_AX),
	};
	const struct bpf_insn stack_sub[] = {
		BPF_MOV32_IMM(BPF_REG_AX, 16),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_AX),
	};
	struct kbpf_verify_args a;
	int at, jit;

	ASSERT_TRUE(setup());
	if (EXPECT_EQ(verify(&a, map, ARRAY_SIZE(map), true), 0)) {
		at = first_ax(&a);
		if (EXPECT_TRUE(at >= 0 && at + ARRAY_SIZE(map_sub) <= a.xlated_cnt))
			EXPECT_MEM_EQ(&a.xlated[at], map_sub, sizeof(map_sub));
		for (jit = 0; jit < 3; jit++)
			EXPECT_EQ(run(&a, jit, 0), 33 + (u64)-8 * 256);
		kbpf_verify_release(&a);
	}
	if (EXPECT_EQ(verify(&a, map_minus, ARRAY_SIZE(map_minus), true), 0)) {
		at = first_ax(&a);
		if (EXPECT_TRUE(at >= 0 && at + ARRAY_SIZE(map_minus_sub) <= a.xlated_cnt))
			EXPECT_MEM_EQ(&a.xlated[at], map_minus_sub,
				      sizeof(map_minus_sub));
		for (jit = 0; jit < 3; jit++)
			EXPECT_EQ(run(&a, jit, 0), 38 + 3);
		kbpf_verify_release(&a);
	}
	if (EXPECT_EQ(verify(&a, stack, ARRAY_SIZE(stack), true), 0)) {
		at = first_ax(&a);
		if (EXPECT_TRUE(at >= 0 && at + ARRAY_SIZE(stack_sub) <= a.xlated_cnt))
			EXPECT_MEM_EQ(&a.xlated[at], stack_sub, sizeof(stack_sub));
		for (jit = 0; jit < 3; jit++)
			EXPECT_EQ(run(&a, jit, 0), 77);
		kbpf_verify_release(&a);
	}
	teardown();
}

TEST(verifier_masking_const_reg)
{
	/* A constant offset register goes in as an immediate through AX. */
	const struct bpf_insn prog[] = {
		PROLOGUE,
		BPF_MOV64_IMM(BPF_REG_1, 8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn imm[] = {
		BPF_MOV32_IMM(BPF_REG_AX, 8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_AX),
	};
	struct kbpf_verify_args a;
	int at, jit;

	ASSERT_TRUE(setup());
	if (EXPECT_EQ(verify(&a, prog, ARRAY_SIZE(prog), true), 0)) {
		at = first_ax(&a);
		if (EXPECT_TRUE(at >= 0 && at + ARRAY_SIZE(imm) <= a.xlated_cnt))
			EXPECT_MEM_EQ(&a.xlated[at], imm, sizeof(imm));
		for (jit = 0; jit < 3; jit++)
			EXPECT_EQ(run(&a, jit, 0), 9);
		kbpf_verify_release(&a);
	}
	teardown();
}
