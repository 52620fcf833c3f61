// SPDX-License-Identifier: GPL-2.0
/*
 * Direct map value access: LD_IMM64 of BPF_PSEUDO_MAP_VALUE (and of
 * BPF_PSEUDO_MAP_IDX_VALUE through fd_array) on real maps from maps/.
 * Which maps and offsets the verifier takes, with Linux's errno and log
 * line; the register it makes (a map value pointer at the offset, with
 * the value's bounds and BPF_F_RDONLY_PROG); constants read from frozen
 * read-only maps; the xlated address; and programs that read and write
 * the value through it, on the interpreter and on the JIT.
 */
#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/engine.h>
#include <kbpf/verifier.h>

#include "../../jit/interp.h"
#include "../../jit/runtime.h"
#include "ktest.h"
#include "maptest.h"

#define MV_FD		7	/* the map under test */
#define MV_FD2		8	/* a second map, for fd_array */

#define LD_MAP_VALUE(DST, FD, OFF)					\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST,			\
		     BPF_PSEUDO_MAP_VALUE, 0, FD),			\
	BPF_RAW_INSN(0, 0, 0, 0, OFF)
#define LD_MAP_IDX_VALUE(DST, IDX, OFF)					\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST,			\
		     BPF_PSEUDO_MAP_IDX_VALUE, 0, IDX),			\
	BPF_RAW_INSN(0, 0, 0, 0, OFF)

static struct kbpf_map *mv_maps[2];
static int mv_refs;		/* gets minus puts */

static struct kbpf_map *mv_get(void *priv, int fd)
{
	if (fd != MV_FD && fd != MV_FD2)
		return ERR_PTR(-EBADF);
	mv_refs++;
	return mv_maps[fd - MV_FD];
}

static void mv_put(void *priv, struct kbpf_map *map)
{
	mv_refs--;
}

struct mv_load {
	struct kbpf_verify_args args;
	char log[16384];
	int err;
};

/* Verify prog against map (fd MV_FD); the caller releases args on success. */
static int mv_verify(struct mv_load *l, const struct bpf_insn *prog, u32 cnt,
		     struct kbpf_map *map, bool unpriv, const int *fd_array)
{
	memset(&l->args, 0, sizeof(l->args));
	l->args.insns = prog;
	l->args.insn_cnt = cnt;
	l->args.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	l->args.gpl_compatible = true;
	l->args.allow_ptr_leaks = !unpriv;
	l->args.bpf_capable = !unpriv;
	l->args.perfmon_capable = !unpriv;
	l->args.log_buf = l->log;
	l->args.log_size = sizeof(l->log);
	l->args.log_level = 1;
	l->args.map_get = mv_get;
	l->args.map_put = mv_put;
	l->args.fd_array = fd_array;
	l->log[0] = '\0';
	mv_maps[0] = map;
	l->err = kbpf_verify(&l->args);
	return l->err;
}

/* Accepted: true, and the caller calls mv_release(). */
static bool mv_accept(struct mv_load *l, const struct bpf_insn *prog,
		      u32 cnt, struct kbpf_map *map, bool unpriv,
		      const int *fd_array)
{
	if (EXPECT_EQ(mv_verify(l, prog, cnt, map, unpriv, fd_array), 0))
		return true;
	fprintf(stderr, "log:\n%s\n", l->log);
	return false;
}

static void mv_release(struct mv_load *l)
{
	kbpf_verify_release(&l->args);
	EXPECT_EQ(mv_refs, 0);
}

/* The program is refused with errno err and msg in its log. */
static void mv_reject(const struct bpf_insn *prog, u32 cnt,
		      struct kbpf_map *map, bool unpriv, int err,
		      const char *msg)
{
	static struct mv_load l;

	EXPECT_EQ(mv_verify(&l, prog, cnt, map, unpriv, NULL), err);
	if (!EXPECT_TRUE(strstr(l.log, msg)))
		fprintf(stderr, "want \"%s\", log:\n%s\n", msg, l.log);
	EXPECT_EQ(mv_refs, 0);
}

static void *value_of(struct kbpf_map *map, u32 key)
{
	return tmap_lookup(map, &key);
}

/* ARRAY 4/48 with one element, as test_verifier's map_array_48b. */
static struct kbpf_map *array48(u32 max_entries, u32 flags)
{
	return tmap_create(BPF_MAP_TYPE_ARRAY, 4, 48, max_entries, flags);
}

/* Run code on the interpreter, then the same program JITed. */
static void run_both(struct kbpf_code *code, u32 stack_depth,
		     void (*check)(struct kbpf_code *code, bool jit))
{
	code->stack_depth = stack_depth;
	code->bpf_func = kbpf_interp_run;
	code->jited = false;
	check(code, false);
	ASSERT_EQ(kbpf_prog_select_runtime(code, true), 0);
	ASSERT_TRUE(code->jited);
	check(code, true);
	kbpf_prog_free_runtime(code);
}

static struct kbpf_map *counter_map;

/* Each run returns the counter at offset 8 and adds 1 to it (plain and atomic). */
static void check_counter(struct kbpf_code *code, bool jit)
{
	u64 *v = (u64 *)((char *)value_of(counter_map, 0) + 8);
	u64 start = *v, i;

	for (i = 0; i < 5; i++)
		EXPECT_EQ(kbpf_code_run(code, NULL), start + 2 * i);
	EXPECT_EQ(*v, start + 10);
	/* The word before it and the one after stay as they were. */
	EXPECT_EQ(v[-1], 0x1111);
	EXPECT_EQ(v[1], 0x2222);
}

TEST(map_value_counter_runs_on_both_runtimes)
{
	const struct bpf_insn prog[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 0),
		/* Again through a pointer moved to offset 16 and back. */
		LD_MAP_VALUE(BPF_REG_3, MV_FD, 16),
		BPF_MOV64_IMM(BPF_REG_4, 1),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_3, BPF_REG_4, -8),
		BPF_EXIT_INSN(),
	};
	static struct mv_load l;
	struct kbpf_code code = { 0 };
	u64 value[6] = { 0x1111, 40, 0x2222 }, addr;
	u32 key = 0;

	counter_map = array48(1, 0);
	ASSERT_TRUE(!IS_ERR(counter_map));
	ASSERT_EQ(tmap_update_sys(counter_map, &key, value, BPF_ANY), 0);
	ASSERT_TRUE(mv_accept(&l, prog, ARRAY_SIZE(prog), counter_map, false,
			    NULL));
	/* One reference for the map, however many times the program names it. */
	EXPECT_EQ(l.args.used_map_cnt, 1);
	EXPECT_EQ(mv_refs, 1);
	/* The xlated LD_IMM64 holds the value's address plus the offset. */
	addr = (u32)l.args.xlated[0].imm | (u64)(u32)l.args.xlated[1].imm << 32;
	EXPECT_EQ(addr, (unsigned long)value_of(counter_map, 0) + 8);
	addr = (u32)l.args.xlated[6].imm | (u64)(u32)l.args.xlated[7].imm << 32;
	EXPECT_EQ(addr, (unsigned long)value_of(counter_map, 0) + 16);

	code.insnsi = l.args.xlated;
	code.len = l.args.xlated_cnt;
	run_both(&code, l.args.stack_depth, check_counter);
	/* What BPF_MAP_LOOKUP_ELEM sees: 40 + 2 runs * 5 * 2 runtimes. */
	memset(value, 0, sizeof(value));
	EXPECT_EQ(tmap_lookup_sys(counter_map, &key, value), 0);
	EXPECT_EQ(value[1], 60);
	mv_release(&l);
	tmap_destroy(counter_map);
}

/* A byte store at the last offset, a load of the byte before it. */
static void check_last_byte(struct kbpf_code *code, bool jit)
{
	u8 *v = value_of(counter_map, 0);

	v[46] = jit ? 0x5a : 0xa5;
	EXPECT_EQ(kbpf_code_run(code, NULL), jit ? 0x5a : 0xa5);
	EXPECT_EQ(v[47], 0x7f);
}

TEST(map_value_last_byte_and_negative_insn_offset)
{
	const struct bpf_insn prog[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 47),
		BPF_ST_MEM(BPF_B, BPF_REG_1, 0, 0x7f),
		/* off 47 - 1: Linux adds the register's fixed offset in. */
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, -1),
		BPF_EXIT_INSN(),
	};
	static struct mv_load l;
	struct kbpf_code code = { 0 };

	counter_map = array48(1, 0);
	ASSERT_TRUE(!IS_ERR(counter_map));
	ASSERT_TRUE(mv_accept(&l, prog, ARRAY_SIZE(prog), counter_map, false,
			    NULL));
	code.insnsi = l.args.xlated;
	code.len = l.args.xlated_cnt;
	run_both(&code, l.args.stack_depth, check_last_byte);
	mv_release(&l);
	tmap_destroy(counter_map);
}

TEST(map_value_bounds_are_the_value)
{
	const struct bpf_insn past_end[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 46),
		BPF_ST_MEM(BPF_W, BPF_REG_1, 0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn before_start[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 4),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, -8),
		BPF_EXIT_INSN(),
	};
	struct kbpf_map *map = array48(1, 0);

	ASSERT_TRUE(!IS_ERR(map));
	mv_reject(past_end, ARRAY_SIZE(past_end), map, false, -EACCES,
		  "invalid access to map value, value_size=48 off=46 size=4");
	mv_reject(before_start, ARRAY_SIZE(before_start), map, false, -EACCES,
		  "invalid access to map value, value_size=48 off=-4 size=4");
	tmap_destroy(map);
}

TEST(map_value_refused_maps_and_offsets)
{
	const struct bpf_insn at0[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn at48[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 48),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn at_max[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 1 << 29),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn bad_fd[] = {
		LD_MAP_VALUE(BPF_REG_1, 99, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	struct kbpf_map *one = array48(1, 0), *two = array48(2, 0);
	struct kbpf_map *hash = tmap_create(BPF_MAP_TYPE_HASH, 4, 48, 1, 0);
	struct kbpf_map *pcpu = tmap_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 48,
					    1, 0);

	ASSERT_TRUE(!IS_ERR(one) && !IS_ERR(two) && !IS_ERR(hash) &&
		    !IS_ERR(pcpu));
	/* Linux's array gives an address only when it has one element. */
	mv_reject(at0, ARRAY_SIZE(at0), two, false, -ENOTSUPP,
		  "invalid access to map value pointer, value_size=48 off=0");
	mv_reject(at48, ARRAY_SIZE(at48), one, false, -EINVAL,
		  "invalid access to map value pointer, value_size=48 off=48");
	mv_reject(at_max, ARRAY_SIZE(at_max), one, false, -EINVAL,
		  "direct value offset of 536870912 is not allowed");
	mv_reject(at0, ARRAY_SIZE(at0), hash, false, -EINVAL,
		  "no direct value access support for this map type");
	mv_reject(at0, ARRAY_SIZE(at0), pcpu, false, -EINVAL,
		  "no direct value access support for this map type");
	mv_reject(bad_fd, ARRAY_SIZE(bad_fd), one, false, -EBADF,
		  "fd 99 is not pointing to valid bpf_map");
	tmap_destroy(one);
	tmap_destroy(two);
	tmap_destroy(hash);
	tmap_destroy(pcpu);
}

TEST(map_value_rdonly_and_wronly_prog)
{
	const struct bpf_insn store[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 8),
		BPF_ST_MEM(BPF_DW, BPF_REG_1, 0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn load[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	};
	struct kbpf_map *ro = array48(1, BPF_F_RDONLY_PROG);
	struct kbpf_map *wo = array48(1, BPF_F_WRONLY_PROG);
	static struct mv_load l;

	ASSERT_TRUE(!IS_ERR(ro) && !IS_ERR(wo));
	mv_reject(store, ARRAY_SIZE(store), ro, false, -EACCES,
		  "write into map forbidden, value_size=48 off=8 size=8");
	if (mv_accept(&l, load, ARRAY_SIZE(load), ro, false, NULL))
		mv_release(&l);
	mv_reject(load, ARRAY_SIZE(load), wo, false, -EACCES,
		  "read from map forbidden, value_size=48 off=8 size=8");
	if (mv_accept(&l, store, ARRAY_SIZE(store), wo, false, NULL))
		mv_release(&l);
	tmap_destroy(ro);
	tmap_destroy(wo);
}

/*
 * A frozen BPF_F_RDONLY_PROG map's values are constants: a load gives a
 * known scalar, so the verifier walks only the branch it decides, and the
 * bad access behind the other one is never reached.
 */
TEST(map_value_frozen_rdonly_reads_constants)
{
	const struct bpf_insn prog[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 0),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0x1234, 1),
		/* Reached only if the word may be something else. */
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 48),
		BPF_EXIT_INSN(),
	};
	/* An unaligned word: bytes 5-8, 0x12 and zeroes (little endian). */
	const struct bpf_insn unaligned[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 1),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0x12, 1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 48),
		BPF_EXIT_INSN(),
	};
	struct kbpf_map *map = array48(1, BPF_F_RDONLY_PROG);
	u32 value[12] = { 0, 0x1234 }, key = 0;
	static struct mv_load l;

	ASSERT_TRUE(!IS_ERR(map));
	ASSERT_EQ(tmap_update_sys(map, &key, value, BPF_ANY), 0);
	/* Not frozen: the value may change, both branches are walked. */
	mv_reject(prog, ARRAY_SIZE(prog), map, false, -EACCES,
		  "invalid access to map value, value_size=48 off=48 size=8");
	/* A writer in flight (a writable mmap) keeps it changeable. */
	WRITE_ONCE(map->frozen, true);
	atomic64_inc(&map->writecnt);
	mv_reject(prog, ARRAY_SIZE(prog), map, false, -EACCES,
		  "invalid access to map value, value_size=48 off=48 size=8");
	atomic64_dec(&map->writecnt);
	if (mv_accept(&l, prog, ARRAY_SIZE(prog), map, false, NULL))
		mv_release(&l);
	if (mv_accept(&l, unaligned, ARRAY_SIZE(unaligned), map, false, NULL))
		mv_release(&l);
	/* Another constant: the other branch, and its bad access, is taken. */
	value[1] = 0x1235;
	memcpy(value_of(map, 0), value, sizeof(value));
	mv_reject(prog, ARRAY_SIZE(prog), map, false, -EACCES,
		  "invalid access to map value, value_size=48 off=48 size=8");
	tmap_destroy(map);
}

/*
 * Linux reads frozen read-only values through any map value pointer with
 * the map's direct address op, which fails for an array of more than one
 * element: a constant-offset load from a lookup's value fails with
 * ENOTSUPP there, and so here.
 */
TEST(map_value_frozen_rdonly_multi_element_array)
{
	const struct bpf_insn prog[] = {
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_LD_MAP_FD(BPF_REG_1, MV_FD),
		BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	struct kbpf_map *map = array48(2, BPF_F_RDONLY_PROG);
	static struct mv_load l;

	ASSERT_TRUE(!IS_ERR(map));
	if (mv_accept(&l, prog, ARRAY_SIZE(prog), map, false, NULL))
		mv_release(&l);
	WRITE_ONCE(map->frozen, true);
	EXPECT_EQ(mv_verify(&l, prog, ARRAY_SIZE(prog), map, false, NULL),
		  -ENOTSUPP);
	EXPECT_EQ(mv_refs, 0);
	tmap_destroy(map);
}

TEST(map_value_unprivileged)
{
	const struct bpf_insn store[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 8),
		BPF_ST_MEM(BPF_DW, BPF_REG_1, 0, 42),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn leak_into_map[] = {
		LD_MAP_VALUE(BPF_REG_1, MV_FD, 8),
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn leak_return[] = {
		LD_MAP_VALUE(BPF_REG_0, MV_FD, 8),
		BPF_EXIT_INSN(),
	};
	struct kbpf_map *map = array48(1, 0);
	static struct mv_load l;

	ASSERT_TRUE(!IS_ERR(map));
	if (mv_accept(&l, store, ARRAY_SIZE(store), map, true, NULL))
		mv_release(&l);
	mv_reject(leak_into_map, ARRAY_SIZE(leak_into_map), map, true,
		  -EACCES, "R1 leaks addr into map");
	mv_reject(leak_return, ARRAY_SIZE(leak_return), map, true, -EACCES,
		  "R0 leaks addr as return value");
	/* Privileged, the pointer may be stored. */
	if (mv_accept(&l, leak_into_map, ARRAY_SIZE(leak_into_map), map,
			    false, NULL))
		mv_release(&l);
	tmap_destroy(map);
}

TEST(map_value_through_fd_array)
{
	const struct bpf_insn prog[] = {
		LD_MAP_IDX_VALUE(BPF_REG_1, 1, 4),
		BPF_ST_MEM(BPF_W, BPF_REG_1, 0, 7),
		LD_MAP_IDX_VALUE(BPF_REG_2, 0, 0),
		BPF_ST_MEM(BPF_W, BPF_REG_2, 0, 9),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const int fds[] = { MV_FD, MV_FD2 };
	struct kbpf_map *a = array48(1, 0), *b = array48(1, 0);
	static struct mv_load l;
	u64 addr;

	ASSERT_TRUE(!IS_ERR(a) && !IS_ERR(b));
	mv_maps[1] = b;
	mv_reject(prog, ARRAY_SIZE(prog), a, false, -EPROTO,
		  "fd_idx without fd_array is invalid");
	ASSERT_TRUE(mv_accept(&l, prog, ARRAY_SIZE(prog), a, false, fds));
	EXPECT_EQ(l.args.used_map_cnt, 2);
	addr = (u32)l.args.xlated[0].imm | (u64)(u32)l.args.xlated[1].imm << 32;
	EXPECT_EQ(addr, (unsigned long)value_of(b, 0) + 4);
	addr = (u32)l.args.xlated[3].imm | (u64)(u32)l.args.xlated[4].imm << 32;
	EXPECT_EQ(addr, (unsigned long)value_of(a, 0));
	mv_release(&l);
	tmap_destroy(a);
	tmap_destroy(b);
}

/* The way back, for the xlated dump. */
TEST(array_direct_value_meta)
{
	struct kbpf_map *one = array48(1, 0), *two = array48(2, 0);
	u64 base, imm;
	u32 off = 99;

	ASSERT_TRUE(!IS_ERR(one) && !IS_ERR(two));
	base = (unsigned long)value_of(one, 0);
	EXPECT_EQ(one->ops->map_direct_value_addr(one, &imm, 47), 0);
	EXPECT_EQ(imm, base);
	EXPECT_EQ(one->ops->map_direct_value_meta(one, base + 47, &off), 0);
	EXPECT_EQ(off, 47);
	EXPECT_EQ(one->ops->map_direct_value_meta(one, base, &off), 0);
	EXPECT_EQ(off, 0);
	EXPECT_EQ(one->ops->map_direct_value_meta(one, base + 48, &off),
		  -ENOENT);
	EXPECT_EQ(one->ops->map_direct_value_meta(one, base - 1, &off),
		  -ENOENT);
	EXPECT_EQ(one->ops->map_direct_value_meta(one, (unsigned long)one,
						  &off), -ENOENT);
	EXPECT_EQ(two->ops->map_direct_value_meta(two, base, &off), -ENOTSUPP);
	EXPECT_EQ(two->ops->map_direct_value_addr(two, &imm, 0), -ENOTSUPP);
	tmap_destroy(one);
	tmap_destroy(two);
}
