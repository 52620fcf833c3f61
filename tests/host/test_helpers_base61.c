// SPDX-License-Identifier: GPL-2.0
/*
 * The base helpers Linux 6.1 added last: bpf_strncmp with its constant
 * string argument (verifier/const_str.c, which bpf_snprintf's format
 * shares, with its format check at load), and bpf_map_lookup_percpu_elem
 * on the per-CPU arrays and hashes (and only those). Real maps from
 * maps/, the real helper table of a socket filter; accepted programs run
 * on the interpreter and on the JIT.
 */
#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/engine.h>
#include <kbpf/verifier.h>
#include <kbpf/helpers.h>

#include "../../jit/interp.h"
#include "../../jit/runtime.h"
#include "ktest.h"
#include "maptest.h"

#define B_FD	7	/* the map under test */

#define LD_MAP_VALUE(DST, FD, OFF)					\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST,			\
		     BPF_PSEUDO_MAP_VALUE, 0, FD),			\
	BPF_RAW_INSN(0, 0, 0, 0, OFF)

static struct kbpf_map *b_map;
static int b_refs;

static struct kbpf_map *b_get(void *priv, int fd)
{
	if (fd != B_FD)
		return ERR_PTR(-EBADF);
	b_refs++;
	return b_map;
}

static void b_put(void *priv, struct kbpf_map *map)
{
	b_refs--;
}

struct b_load {
	struct kbpf_verify_args args;
	char log[16384];
};

static u32 b_prog_type = BPF_PROG_TYPE_SOCKET_FILTER;

static int b_verify(struct b_load *l, const struct bpf_insn *prog, u32 cnt,
		    struct kbpf_map *map)
{
	memset(&l->args, 0, sizeof(l->args));
	l->args.insns = prog;
	l->args.insn_cnt = cnt;
	l->args.prog_type = b_prog_type;
	l->args.gpl_compatible = true;
	l->args.allow_ptr_leaks = true;
	l->args.bpf_capable = true;
	l->args.perfmon_capable = true;
	l->args.log_buf = l->log;
	l->args.log_size = sizeof(l->log);
	l->args.log_level = 1;
	l->args.map_get = b_get;
	l->args.map_put = b_put;
	l->log[0] = '\0';
	b_map = map;
	return kbpf_verify(&l->args);
}

static void b_reject(const struct bpf_insn *prog, u32 cnt,
		     struct kbpf_map *map, int err, const char *msg)
{
	static struct b_load l;

	EXPECT_EQ(b_verify(&l, prog, cnt, map), err);
	if (!EXPECT_TRUE(strstr(l.log, msg)))
		fprintf(stderr, "want \"%s\", log:\n%s\n", msg, l.log);
	EXPECT_EQ(b_refs, 0);
}

/* Verify, then run on both runtimes: the two results. */
static bool b_run(const struct bpf_insn *prog, u32 cnt, struct kbpf_map *map,
		  u64 ret[2])
{
	static struct b_load l;
	struct kbpf_code code = { 0 };

	if (!EXPECT_EQ(b_verify(&l, prog, cnt, map), 0)) {
		fprintf(stderr, "log:\n%s\n", l.log);
		return false;
	}
	code.insnsi = l.args.xlated;
	code.len = l.args.xlated_cnt;
	code.stack_depth = l.args.stack_depth;
	code.bpf_func = kbpf_interp_run;
	ret[0] = kbpf_code_run(&code, NULL);
	if (EXPECT_EQ(kbpf_prog_select_runtime(&code, true), 0) &&
	    EXPECT_TRUE(code.jited)) {
		ret[1] = kbpf_code_run(&code, NULL);
		kbpf_prog_free_runtime(&code);
	}
	kbpf_verify_release(&l.args);
	EXPECT_EQ(b_refs, 0);
	return true;
}

/* An ARRAY 4/32 of one element holding s, frozen read-only when rdonly. */
static struct kbpf_map *str_map(const char *s, u32 len, bool rdonly)
{
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_ARRAY, 4, 32, 1,
					   rdonly ? BPF_F_RDONLY_PROG : 0);
	char value[32] = { 0 };
	u32 key = 0;

	if (IS_ERR(map))
		return map;
	memcpy(value, s, len);
	tmap_update_sys(map, &key, value, BPF_ANY);
	map->frozen = rdonly;
	return map;
}

static const struct kbpf_func_proto *strncmp_proto(void)
{
	return kbpf_get_func_proto_caps(BPF_PROG_TYPE_SOCKET_FILTER,
					BPF_FUNC_strncmp, 0);
}

static s64 call_strncmp(const char *s1, u32 n, const char *s2)
{
	/* Exactly n bytes of s1, so ASan sees a read past them. */
	char *copy = malloc(n);
	s64 ret;

	memcpy(copy, s1, n);
	ret = (s64)strncmp_proto()->func((unsigned long)copy, n,
					 (unsigned long)s2, 0, 0);
	free(copy);
	return ret;
}

/* lib/string.c's strncmp(): -1, 0 or 1, unsigned bytes, up to a NUL or n. */
TEST(helper_strncmp_results)
{
	ASSERT_NONNULL(strncmp_proto());
	EXPECT_EQ(call_strncmp("abc", 3, "abc"), 0);
	EXPECT_EQ(call_strncmp("abd", 3, "abc"), 1);
	EXPECT_EQ(call_strncmp("abb", 3, "abc"), -1);
	EXPECT_EQ(call_strncmp("zzzzzz", 6, "a"), 1);
	/* s1 shorter than s2 within n: its NUL is below s2's byte. */
	EXPECT_EQ(call_strncmp("ab\0x", 4, "abc"), -1);
	/* Only n bytes count, even when s1 goes on. */
	EXPECT_EQ(call_strncmp("abcdef", 3, "abc"), 0);
	EXPECT_EQ(call_strncmp("abcdef", 4, "abc"), 1);
	/* Bytes past a common NUL are not compared. */
	EXPECT_EQ(call_strncmp("ab\0x", 4, "ab\0y"), 0);
	EXPECT_EQ(call_strncmp("\x80", 1, "\x01"), 1);
	EXPECT_EQ(call_strncmp("\x01", 1, "\x80"), -1);
}

/* strncmp(buf on the stack, 8, "hello" in the map at off) through the verifier. */
#define STRNCMP_PROG(OFF, W0)						\
	BPF_LD_IMM64(BPF_REG_1, W0),					\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),			\
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),				\
	BPF_MOV64_IMM(BPF_REG_2, 8),					\
	LD_MAP_VALUE(BPF_REG_3, B_FD, OFF),				\
	BPF_CALL_HELPER(BPF_FUNC_strncmp),				\
	BPF_EXIT_INSN()

/* "hello\0\0\0" and "hellp\0\0\0" as little-endian words. */
#define W_HELLO	0x6f6c6c6568ULL
#define W_HELLP	0x706c6c6568ULL
#define W_ELLO	0x6f6c6c65ULL
#define W_ABC	0x636261ULL

TEST(verifier_strncmp_const_str_runs)
{
	const struct bpf_insn eq[] = { STRNCMP_PROG(0, W_HELLO) };
	const struct bpf_insn gt[] = { STRNCMP_PROG(0, W_HELLP) };
	const struct bpf_insn lt[] = { STRNCMP_PROG(0, W_ABC) };
	/* At offset 1 the string is "ello": "ello" against it is 0. */
	const struct bpf_insn off1[] = { STRNCMP_PROG(1, W_ELLO) };
	struct kbpf_map *map = str_map("hello", 6, true);
	u64 r[2];

	ASSERT_TRUE(!IS_ERR(map));
	if (b_run(eq, ARRAY_SIZE(eq), map, r)) {
		EXPECT_EQ(r[0], 0);
		EXPECT_EQ(r[1], 0);
	}
	if (b_run(gt, ARRAY_SIZE(gt), map, r)) {
		EXPECT_EQ(r[0], 1);
		EXPECT_EQ(r[1], 1);
	}
	if (b_run(lt, ARRAY_SIZE(lt), map, r)) {
		EXPECT_EQ((s64)r[0], -1);
		EXPECT_EQ((s64)r[1], -1);
	}
	if (b_run(off1, ARRAY_SIZE(off1), map, r)) {
		EXPECT_EQ(r[0], 0);
		EXPECT_EQ(r[1], 0);
	}
	tmap_destroy(map);
}

/* Linux's check_func_arg() refusals for ARG_PTR_TO_CONST_STR. */
TEST(verifier_const_str_refusals)
{
	const struct bpf_insn prog[] = { STRNCMP_PROG(0, W_HELLO) };
	const struct bpf_insn var_off[] = {
		BPF_LD_IMM64(BPF_REG_1, 0),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
		BPF_CALL_HELPER(BPF_FUNC_get_prandom_u32),
		BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 3),
		LD_MAP_VALUE(BPF_REG_3, B_FD, 0),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_0),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		BPF_MOV64_IMM(BPF_REG_2, 8),
		BPF_CALL_HELPER(BPF_FUNC_strncmp),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn on_stack[] = {
		BPF_LD_IMM64(BPF_REG_1, W_HELLO),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		BPF_MOV64_IMM(BPF_REG_2, 8),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
		BPF_CALL_HELPER(BPF_FUNC_strncmp),
		BPF_EXIT_INSN(),
	};
	struct kbpf_map *writable = str_map("hello", 6, false);
	struct kbpf_map *unterminated = str_map("0123456789abcdef0123456789abcdef",
						32, true);
	struct kbpf_map *map = str_map("hello", 6, true);

	ASSERT_TRUE(!IS_ERR(writable) && !IS_ERR(unterminated) && !IS_ERR(map));
	b_reject(prog, ARRAY_SIZE(prog), writable, -EACCES,
		 "R3 does not point to a readonly map'");
	/* Read-only for programs but not frozen: userspace may still change it. */
	writable->map_flags |= BPF_F_RDONLY_PROG;
	b_reject(prog, ARRAY_SIZE(prog), writable, -EACCES,
		 "R3 does not point to a readonly map'");
	b_reject(prog, ARRAY_SIZE(prog), unterminated, -EINVAL,
		 "string is not zero-terminated");
	b_reject(var_off, ARRAY_SIZE(var_off), map, -EACCES,
		 "R3 is not a constant address'");
	b_reject(on_stack, ARRAY_SIZE(on_stack), map, -EACCES,
		 "R3 type=fp expected=map_value");
	tmap_destroy(writable);
	tmap_destroy(unterminated);
	tmap_destroy(map);
}

/* bpf_snprintf(NULL, 0, fmt in the map, args on the stack, 8). */
#define SNPRINTF_PROG()							\
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 42),				\
	BPF_MOV64_IMM(BPF_REG_1, 0),					\
	BPF_MOV64_IMM(BPF_REG_2, 0),					\
	LD_MAP_VALUE(BPF_REG_3, B_FD, 0),				\
	BPF_MOV64_REG(BPF_REG_4, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -8),				\
	BPF_MOV64_IMM(BPF_REG_5, 8),					\
	BPF_CALL_HELPER(BPF_FUNC_snprintf),				\
	BPF_EXIT_INSN()

/* Linux's check_bpf_snprintf_call(): the format is checked at load. */
TEST(verifier_snprintf_format_checked_at_load)
{
	const struct bpf_insn prog[] = { SNPRINTF_PROG() };
	struct kbpf_map *good = str_map("n=%d", 5, true);
	struct kbpf_map *bad = str_map("n=%q", 5, true);
	struct kbpf_map *two = str_map("%d %d", 6, true);
	u64 r[2];

	ASSERT_TRUE(!IS_ERR(good) && !IS_ERR(bad) && !IS_ERR(two));
	/* "n=42" and its NUL. */
	if (b_run(prog, ARRAY_SIZE(prog), good, r)) {
		EXPECT_EQ(r[0], 5);
		EXPECT_EQ(r[1], 5);
	}
	b_reject(prog, ARRAY_SIZE(prog), bad, -EINVAL, "Invalid format string");
	/* Two conversions, one argument. */
	b_reject(prog, ARRAY_SIZE(prog), two, -EINVAL, "Invalid format string");
	tmap_destroy(good);
	tmap_destroy(bad);
	tmap_destroy(two);
}

/* bpf_map_lookup_percpu_elem(map, &key 0, cpu): the u64 there, or 999 if NULL. */
#define PERCPU_PROG(CPU)						\
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),				\
	BPF_LD_MAP_FD(BPF_REG_1, B_FD),					\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),				\
	BPF_MOV64_IMM(BPF_REG_3, CPU),					\
	BPF_CALL_HELPER(BPF_FUNC_map_lookup_percpu_elem),		\
	BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),				\
	BPF_MOV64_IMM(BPF_REG_0, 999),					\
	BPF_EXIT_INSN(),						\
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),			\
	BPF_EXIT_INSN()

static void check_percpu(u32 map_type, u32 key_size)
{
	const struct bpf_insn cpu3[] = { PERCPU_PROG(3) };
	const struct bpf_insn cpu_past[] = { PERCPU_PROG(NR_CPUS) };
	struct kbpf_map *map = tmap_create(map_type, key_size, 8, 4, 0);
	u64 values[NR_CPUS], r[2];
	u64 key = 0;
	u32 cpu;

	ASSERT_TRUE(!IS_ERR(map));
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		values[cpu] = 100 + cpu;
	ASSERT_EQ(tmap_update_sys(map, &key, values, BPF_ANY), 0);
	/* Another CPU's copy, whichever CPU the program runs on. */
	kbpf_shim_set_cpu(1);
	if (b_run(cpu3, ARRAY_SIZE(cpu3), map, r)) {
		EXPECT_EQ(r[0], 103);
		EXPECT_EQ(r[1], 103);
	}
	kbpf_shim_set_cpu(0);
	if (b_run(cpu_past, ARRAY_SIZE(cpu_past), map, r)) {
		EXPECT_EQ(r[0], 999);
		EXPECT_EQ(r[1], 999);
	}
	/* An absent key: NULL (arrays have every key below max_entries). */
	key = 7;
	rcu_read_lock();
	EXPECT_NULL(map->ops->map_lookup_percpu_elem(map, &key, 0));
	rcu_read_unlock();
	tmap_destroy(map);
}

TEST(helper_map_lookup_percpu_elem_runs)
{
	check_percpu(BPF_MAP_TYPE_PERCPU_ARRAY, 4);
	check_percpu(BPF_MAP_TYPE_PERCPU_HASH, 8);
	check_percpu(BPF_MAP_TYPE_LRU_PERCPU_HASH, 8);
}

/* check_map_func_compatibility(): per-CPU arrays and hashes only. */
TEST(verifier_map_lookup_percpu_elem_map_types)
{
	const struct bpf_insn prog[] = { PERCPU_PROG(0) };
	struct kbpf_map *array = tmap_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct kbpf_map *hash = tmap_create(BPF_MAP_TYPE_HASH, 8, 8, 4, 0);

	ASSERT_TRUE(!IS_ERR(array) && !IS_ERR(hash));
	b_reject(prog, ARRAY_SIZE(prog), array, -EINVAL,
		 "cannot pass map_type 2 into func bpf_map_lookup_percpu_elem#195");
	b_reject(prog, ARRAY_SIZE(prog), hash, -EINVAL,
		 "cannot pass map_type 1 into func bpf_map_lookup_percpu_elem#195");
	tmap_destroy(array);
	tmap_destroy(hash);
}

/* What prog_skb_change_tail.c loads: the call, then data_end - data. */
TEST(verifier_skb_change_tail_sched_cls)
{
	const struct bpf_insn prog[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_2, 20),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_CALL_HELPER(BPF_FUNC_skb_change_tail),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 3),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6,
			    offsetof(struct __sk_buff, data_end)),
		BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_6,
			    offsetof(struct __sk_buff, data)),
		BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};
	static struct b_load l;

	b_prog_type = BPF_PROG_TYPE_SCHED_CLS;
	if (EXPECT_EQ(b_verify(&l, prog, ARRAY_SIZE(prog), NULL), 0))
		kbpf_verify_release(&l.args);
	else
		fprintf(stderr, "log:\n%s\n", l.log);
	b_prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
}
