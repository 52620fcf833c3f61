// SPDX-License-Identifier: GPL-2.0
/*
 * Callbacks end to end on the host: LD_IMM64 BPF_PSEUDO_FUNC, bpf_loop()
 * and bpf_for_each_map_elem() through the real verifier (its rules and
 * Linux's messages) and the real helper table, then run on the
 * interpreter and on the JIT, which must both give the computed results
 * (sums, early stops, element counts) and the helpers' errors.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>
#include <kbpf/verifier.h>

#include "../../jit/runtime.h"
#include "ktest.h"
#include "maptest.h"

#define CB_MAP_FD	7

/* The callback at this load's index + 1 + OFF, as the uapi has it. */
#define LD_FUNC(DST, OFF)	BPF_LD_IMM64_RAW(DST, BPF_PSEUDO_FUNC, OFF)

static struct kbpf_map *cb_map;
static char cb_log[65536];

static struct kbpf_map *cb_get(void *priv, int fd)
{
	return fd == CB_MAP_FD && cb_map ? cb_map : ERR_PTR(-EBADF);
}

static void cb_put(void *priv, struct kbpf_map *map)
{
}

static int cb_verify(struct kbpf_verify_args *args,
		     const struct bpf_insn *insns, u32 cnt, bool priv)
{
	memset(args, 0, sizeof(*args));
	args->insns = insns;
	args->insn_cnt = cnt;
	args->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	args->gpl_compatible = true;
	args->allow_ptr_leaks = priv;
	args->bpf_capable = priv;
	args->perfmon_capable = priv;
	args->log_buf = cb_log;
	args->log_size = sizeof(cb_log);
	args->log_level = 1;
	args->map_get = cb_get;
	args->map_put = cb_put;
	cb_log[0] = '\0';
	/* The helper table asks the "task" for CAP_BPF, as Linux does. */
	kbpf_shim_caps = priv ? ~0ULL : 0;
	return kbpf_verify(args);
}

/* Verify (must pass), then run on the JIT or the interpreter; R0. */
static u64 cb_run(const struct bpf_insn *insns, u32 cnt, bool jit,
		  const char *file, int line)
{
	struct kbpf_verify_args args;
	struct kbpf_code code;
	u64 r0;
	int err;

	err = cb_verify(&args, insns, cnt, true);
	kbpf_shim_caps = ~0ULL;
	if (!ktest_check_eq(true, err, 0, file, line, "EXPECT_EQ", "verify", "0")) {
		fprintf(stderr, "log:\n%s\n", cb_log);
		return ~0ULL;
	}
	memset(&code, 0, sizeof(code));
	code.insnsi = args.xlated;
	code.len = args.xlated_cnt;
	code.stack_depth = args.stack_depth;
	kbpf_jit_enable = jit;
	err = kbpf_prog_select_runtime(&code, true);
	kbpf_jit_enable = 1;
	ktest_check_eq(true, err, 0, file, line, "EXPECT_EQ", "select_runtime", "0");
	ktest_check_eq(true, code.jited, jit, file, line, "EXPECT_EQ", "jited", "jit");
	rcu_read_lock();
	r0 = kbpf_code_run(&code, NULL);
	rcu_read_unlock();
	kbpf_prog_free_runtime(&code);
	kbpf_verify_release(&args);
	return r0;
}

/* Both runtimes must return want. */
#define EXPECT_RUN(prog, want)						\
	do {								\
		EXPECT_EQ(cb_run(prog, ARRAY_SIZE(prog), false,		\
				 __FILE__, __LINE__), (u64)(want));	\
		EXPECT_EQ(cb_run(prog, ARRAY_SIZE(prog), true,		\
				 __FILE__, __LINE__), (u64)(want));	\
	} while (0)

#define EXPECT_REJECT(prog, errno_, msg)				\
	do {								\
		struct kbpf_verify_args a_;				\
		int e_ = cb_verify(&a_, prog, ARRAY_SIZE(prog), true);	\
		kbpf_shim_caps = ~0ULL;					\
		if (!e_)						\
			kbpf_verify_release(&a_);			\
		EXPECT_EQ(e_, -(errno_));				\
		if (!EXPECT_TRUE(strstr(cb_log, msg)))			\
			fprintf(stderr, "want \"%s\", log:\n%s\n", msg,	\
				cb_log);				\
	} while (0)

/*
 * bpf_loop(nr, cb, &sum, flags), returning sum << 32 | the helper's
 * result; the callback adds its index to sum and stops (returns 1) at
 * index stop_at.
 */
#define LOOP_PROG(nr, flags, stop_at)					\
	{								\
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),			\
		BPF_MOV64_IMM(BPF_REG_1, nr),				\
		LD_FUNC(BPF_REG_2, 10),					\
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),			\
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),			\
		BPF_MOV64_IMM(BPF_REG_4, flags),			\
		BPF_CALL_HELPER(BPF_FUNC_loop),				\
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),			\
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),		\
		BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 32),			\
		BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_6),		\
		BPF_EXIT_INSN(),					\
		/* callback(index, ctx) */				\
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_2, 0),		\
		BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1),		\
		BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_3, 0),		\
		BPF_MOV64_IMM(BPF_REG_0, 0),				\
		BPF_JMP_IMM(BPF_JNE, BPF_REG_1, stop_at, 1),		\
		BPF_MOV64_IMM(BPF_REG_0, 1),				\
		BPF_EXIT_INSN(),					\
	}

TEST(callback_loop_sums_indexes)
{
	const struct bpf_insn sum100[] = LOOP_PROG(100, 0, -1);
	const struct bpf_insn stop9[] = LOOP_PROG(100, 0, 9);
	const struct bpf_insn none[] = LOOP_PROG(0, 0, -1);
	const struct bpf_insn flags[] = LOOP_PROG(5, 1, -1);
	const struct bpf_insn big[] = LOOP_PROG((1 << 23) + 1, 0, -1);
	const struct bpf_insn limit[] = LOOP_PROG(1 << 23, 0, 0);

	/* 0 + 1 + ... + 99, and 100 calls. */
	EXPECT_RUN(sum100, 4950ULL << 32 | 100);
	/* The callback's 1 stops after index 9: ten calls. */
	EXPECT_RUN(stop9, 45ULL << 32 | 10);
	EXPECT_RUN(none, 0);
	/* Flags and too many loops: Linux's errors, no call made. */
	EXPECT_RUN(flags, -EINVAL);
	EXPECT_RUN(big, -E2BIG);
	/* Exactly the limit is allowed (stopped at once here). */
	EXPECT_RUN(limit, 1);
}

/* A loop inside a loop's callback: 3 x 4 inner calls, each adding 1. */
TEST(callback_loop_nested)
{
	const struct bpf_insn prog[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_MOV64_IMM(BPF_REG_1, 3),
		LD_FUNC(BPF_REG_2, 7),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
		/* outer(index, ctx): bpf_loop(4, inner, ctx, 0) */
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
		BPF_MOV64_IMM(BPF_REG_1, 4),
		LD_FUNC(BPF_REG_2, 5),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		/* inner(index, ctx): *ctx += 1 */
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_2, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	EXPECT_RUN(prog, 12);
}

/*
 * bpf_for_each_map_elem(map, cb, &sum, 0): returns sum << 32 | elements
 * visited; the callback adds each value to sum and stops at value stop.
 */
#define FOR_EACH_PROG(stop)						\
	{								\
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),			\
		BPF_LD_MAP_FD(BPF_REG_1, CB_MAP_FD),			\
		LD_FUNC(BPF_REG_2, 10),					\
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),			\
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),			\
		BPF_MOV64_IMM(BPF_REG_4, 0),				\
		BPF_CALL_HELPER(BPF_FUNC_for_each_map_elem),		\
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),			\
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),		\
		BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 32),			\
		BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_6),		\
		BPF_EXIT_INSN(),					\
		/* callback(map, key, value, ctx) */			\
		BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_3, 0),		\
		BPF_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_4, 0),		\
		BPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_5),		\
		BPF_STX_MEM(BPF_DW, BPF_REG_4, BPF_REG_6, 0),		\
		BPF_MOV64_IMM(BPF_REG_0, 0),				\
		BPF_JMP_IMM(BPF_JNE, BPF_REG_5, stop, 1),		\
		BPF_MOV64_IMM(BPF_REG_0, 1),				\
		BPF_EXIT_INSN(),					\
	}

static void fill(struct kbpf_map *map, u32 n, u64 mult)
{
	u32 k;

	for (k = 1; k <= n; k++) {
		u32 key = map->map_type == BPF_MAP_TYPE_ARRAY ||
			  map->map_type == BPF_MAP_TYPE_PERCPU_ARRAY ? k - 1 : k;
		u64 v = k * mult;

		EXPECT_EQ(tmap_update(map, &key, &v, BPF_ANY), 0);
	}
}

TEST(callback_for_each_array_and_hash)
{
	const struct bpf_insn all[] = FOR_EACH_PROG(-1);
	const struct bpf_insn stop3[] = FOR_EACH_PROG(3);
	static const u32 hashes[] = {
		BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERCPU_HASH,
		BPF_MAP_TYPE_LRU_HASH, BPF_MAP_TYPE_LRU_PERCPU_HASH,
	};
	u32 i;

	/* Every index of the array, in order: 1 + 2 + 3 + 4 + 0 + 0. */
	cb_map = tmap_create(BPF_MAP_TYPE_ARRAY, 4, 8, 6, 0);
	ASSERT_TRUE(!IS_ERR(cb_map));
	fill(cb_map, 4, 1);
	EXPECT_RUN(all, 10ULL << 32 | 6);
	/* Stopped by the callback at value 3: three elements visited. */
	EXPECT_RUN(stop3, 6ULL << 32 | 3);
	tmap_destroy(cb_map);

	cb_map = tmap_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0);
	ASSERT_TRUE(!IS_ERR(cb_map));
	fill(cb_map, 4, 1);
	EXPECT_RUN(all, 10ULL << 32 | 4);
	tmap_destroy(cb_map);

	/* Hash maps: only the elements there, whatever their order. */
	for (i = 0; i < ARRAY_SIZE(hashes); i++) {
		cb_map = tmap_create(hashes[i], 4, 8, 16, 0);
		ASSERT_TRUE(!IS_ERR(cb_map));
		fill(cb_map, 5, 10);
		EXPECT_RUN(all, 150ULL << 32 | 5);
		tmap_destroy(cb_map);
	}
	cb_map = NULL;
}

TEST(callback_verifier_rules)
{
	/* The callback must return 0 or 1. */
	struct bpf_insn ret2[] = LOOP_PROG(1, 0, -1);
	struct bpf_insn ret_any[] = LOOP_PROG(1, 0, -1);
	const struct bpf_insn not_func[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_MOV64_IMM(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn main_cb[] = {
		LD_FUNC(BPF_REG_2, -1),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* A loop callback has two arguments: R3 is not one. */
	const struct bpf_insn read_r3[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		LD_FUNC(BPF_REG_2, 6),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_3),
		BPF_EXIT_INSN(),
	};
	/* A callback that loops on itself: out of frames. */
	const struct bpf_insn recurse[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		LD_FUNC(BPF_REG_2, 6),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		LD_FUNC(BPF_REG_2, -2),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* The index is a scalar, not memory. */
	const struct bpf_insn deref_index[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		LD_FUNC(BPF_REG_2, 6),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* for_each: the key is read-only. */
	struct bpf_insn write_key[] = FOR_EACH_PROG(-1);
	const struct bpf_insn fe_all[] = FOR_EACH_PROG(-1);
	struct kbpf_verify_args args;

	ret2[18] = BPF_MOV64_IMM(BPF_REG_0, 2);
	EXPECT_REJECT(ret2, EINVAL,
		      "At callback return the register R0 has value (0x2; 0x0) should have been in (0x0; 0x1)");
	ret_any[16] = BPF_MOV64_REG(BPF_REG_0, BPF_REG_1);
	EXPECT_REJECT(ret_any, EINVAL,
		      "At callback return the register R0 has unknown scalar value should have been in (0x0; 0x1)");
	EXPECT_REJECT(not_func, EACCES, "R2 type=scalar expected=func");
	EXPECT_REJECT(main_cb, EINVAL,
		      "callback function cannot be the main program");
	EXPECT_REJECT(read_r3, EACCES, "R3 !read_ok");
	EXPECT_REJECT(recurse, E2BIG, "the call stack of 9 frames is too deep");
	EXPECT_REJECT(deref_index, EACCES, "R1 invalid mem access 'scalar'");

	/* Callbacks need CAP_BPF, as any subprogram. */
	{
		const struct bpf_insn p[] = LOOP_PROG(1, 0, -1);

		EXPECT_EQ(cb_verify(&args, p, ARRAY_SIZE(p), false), -EPERM);
		kbpf_shim_caps = ~0ULL;
		EXPECT_TRUE(strstr(cb_log, "loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN"));
	}

	cb_map = tmap_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	ASSERT_TRUE(!IS_ERR(cb_map));
	write_key[14] = BPF_ST_MEM(BPF_W, BPF_REG_2, 0, 0);
	EXPECT_REJECT(write_key, EACCES, "write to change key R2 not allowed");
	tmap_destroy(cb_map);

	/*
	 * Map types without the op: one Linux's map/helper compatibility
	 * check allows, one it does not; the callback's check comes first in
	 * Linux, so both get its -ENOTSUPP.
	 */
	cb_map = tmap_create(BPF_MAP_TYPE_LPM_TRIE, 8, 8, 16, BPF_F_NO_PREALLOC);
	ASSERT_TRUE(!IS_ERR(cb_map));
	EXPECT_REJECT(fe_all, ENOTSUPP, "callback function not allowed for map");
	tmap_destroy(cb_map);
	cb_map = tmap_create(BPF_MAP_TYPE_QUEUE, 0, 8, 16, 0);
	ASSERT_TRUE(!IS_ERR(cb_map));
	EXPECT_REJECT(fe_all, ENOTSUPP, "callback function not allowed for map");
	tmap_destroy(cb_map);
	cb_map = NULL;
}

/*
 * Where kbpf is stricter than Linux 6.1, which walks a callback once and
 * goes on with what that one call left (verifier/callback.c).
 */
TEST(callback_every_call_keeps_the_invariant)
{
	/*
	 * ctx = { u64 off; u64 buf; }: the callback writes buf at off and
	 * moves off by 8. 6.1 sees off = 0 and accepts; the second call
	 * would write past buf. kbpf sees an unknown off.
	 */
	const struct bpf_insn counter[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_MOV64_IMM(BPF_REG_1, 4),
		LD_FUNC(BPF_REG_2, 7),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		/* callback(index, ctx) */
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_2, 0),
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_4, BPF_REG_3),
		BPF_ST_MEM(BPF_DW, BPF_REG_4, 8, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 8),
		BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* The callback overwrites the context pointer its caller spilled. */
	const struct bpf_insn clobber[] = {
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
		BPF_MOV64_IMM(BPF_REG_1, 2),
		LD_FUNC(BPF_REG_2, 9),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		/* callback(index, ctx): *ctx = 0 */
		BPF_ST_MEM(BPF_DW, BPF_REG_2, 0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	/* A known value the caller keeps across the loop is unknown after it. */
	const struct bpf_insn after[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		LD_FUNC(BPF_REG_2, 9),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_CALL_HELPER(BPF_FUNC_loop),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		/* r1 = fp - 8 + r0: only fine while r0 is known to be 0 */
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_0),
		BPF_EXIT_INSN(),
		/* callback(index, ctx): *ctx = 1000 */
		BPF_ST_MEM(BPF_DW, BPF_REG_2, 0, 1000),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	EXPECT_REJECT(counter, EINVAL,
		      "math between fp pointer and register with unbounded min value is not allowed");
	EXPECT_REJECT(clobber, EOPNOTSUPP,
		      "kbpf: a callback may not overwrite a pointer its caller spilled");
	/* After the loop the caller's value is unknown, whatever one call did. */
	EXPECT_REJECT(after, EINVAL,
		      "math between fp pointer and register with unbounded min value is not allowed");
}

