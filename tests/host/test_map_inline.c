// SPDX-License-Identifier: GPL-2.0
/*
 * Map helper calls on a known map (verifier/map_call.c): lookups in
 * ARRAY, HASH and LRU_HASH maps are inlined (the map type's
 * map_gen_lookup), other map helpers call the map's op directly, and a
 * call site reached with two maps keeps the generic helper. Checked on
 * the xlated program, and differentially: programs of many lookups over
 * random keys (hits, misses, indexes past the end) run on the
 * interpreter and the JIT (plain and blinded) and must give what the
 * generic helper gives.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>
#include <kbpf/verifier.h>

#include "../../helpers/protos.h"
#include "../../jit/interp.h"
#include "../../jit/x86_jit.h"
#include "../../maps/htab.h"
#include "ktest.h"
#include "maptest.h"

#define FD_A	7
#define FD_B	8
#define FD_CTL	9
#define NKEYS	64
#define MISS	0x5a5aULL

static struct kbpf_map *fd_maps[3];

static struct kbpf_map *mi_get(void *priv, int fd)
{
	if (fd < FD_A || fd > FD_CTL)
		return ERR_PTR(-EBADF);
	return fd_maps[fd - FD_A];
}

static void mi_put(void *priv, struct kbpf_map *map)
{
}

/* Creators without CAP_PERFMON (CAP_BPF kept: LRU maps need it). */
static struct kbpf_map *create(u32 type, u32 value_size, u32 max_entries,
			       u32 flags, bool unpriv)
{
	u64 saved = kbpf_shim_caps;
	struct kbpf_map *map;

	if (unpriv)
		kbpf_shim_caps &= ~((1ULL << CAP_PERFMON) |
				    (1ULL << CAP_SYS_ADMIN));
	map = tmap_create(type, 4, value_size, max_entries, flags);
	kbpf_shim_caps = saved;
	return map;
}

static int verify(struct kbpf_verify_args *a, const struct bpf_insn *insns,
		  u32 cnt, bool unpriv, char *log, u32 log_size)
{
	memset(a, 0, sizeof(*a));
	a->insns = insns;
	a->insn_cnt = cnt;
	a->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a->gpl_compatible = true;
	a->allow_ptr_leaks = !unpriv;
	a->bpf_capable = !unpriv;
	a->perfmon_capable = !unpriv;
	a->log_buf = log;
	a->log_size = log_size;
	a->log_level = 1;
	a->map_get = mi_get;
	a->map_put = mi_put;
	log[0] = '\0';
	return kbpf_verify(a);
}

/* The offset of the last u64 of a value: what the programs read. */
static s16 read_off(u32 value_size)
{
	return (s16)round_down(value_size - 8, 8);
}

/* r1 = the map of fd: two instructions. */
static u32 ld_map(struct bpf_insn *p, int fd)
{
	const struct bpf_insn ld[] = { BPF_LD_MAP_FD(BPF_REG_1, fd) };

	memcpy(p, ld, sizeof(ld));
	return ARRAY_SIZE(ld);
}

/*
 * r7 = ctl[0] (unknown to the verifier); then for each key: look it up
 * in A when r7 is 0, else in the map fd_b (one call site either way), and fold the
 * value's last u64 (or MISS) into r6 = r6 * 31 + x. Returns r6.
 */
static u32 gen_prog(struct bpf_insn *p, const u32 *keys, u32 n, s16 off,
		    int fd_b)
{
	u32 i, c = 0;

	p[c++] = BPF_MOV64_IMM(BPF_REG_6, 0);
	p[c++] = BPF_MOV64_IMM(BPF_REG_7, 0);
	p[c++] = BPF_ST_MEM(BPF_W, BPF_REG_10, -8, 0);
	p[c++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_10);
	p[c++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8);
	c += ld_map(&p[c], FD_CTL);
	p[c++] = BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem);
	p[c++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1);
	p[c++] = BPF_LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_0, 0);
	for (i = 0; i < n; i++) {
		p[c++] = BPF_ST_MEM(BPF_W, BPF_REG_10, -4, keys[i]);
		p[c++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_10);
		p[c++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4);
		p[c++] = BPF_JMP_IMM(BPF_JNE, BPF_REG_7, 0, 3);
		c += ld_map(&p[c], FD_A);
		p[c++] = BPF_JMP_A(2);
		c += ld_map(&p[c], fd_b);
		p[c++] = BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem);
		p[c++] = BPF_ALU64_IMM(BPF_MUL, BPF_REG_6, 31);
		p[c++] = BPF_MOV64_IMM(BPF_REG_1, MISS);
		p[c++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1);
		p[c++] = BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, off);
		p[c++] = BPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_1);
	}
	p[c++] = BPF_MOV64_REG(BPF_REG_0, BPF_REG_6);
	p[c++] = BPF_EXIT_INSN();
	return c;
}

/* What the generic helper gives for the same keys. */
static u64 reference(struct kbpf_map *map, const u32 *keys, u32 n, s16 off)
{
	u64 r6 = 0, x;
	u32 i;

	rcu_read_lock();
	for (i = 0; i < n; i++) {
		void *v = (void *)(unsigned long)
			kbpf_map_lookup_elem_proto.func((unsigned long)map,
						(unsigned long)&keys[i], 0, 0, 0);

		x = MISS;
		if (v)
			memcpy(&x, (char *)v + off, sizeof(x));
		r6 = r6 * 31 + x;
	}
	rcu_read_unlock();
	return r6;
}

/* jit 0: the interpreter, 1: the JIT, 2: the JIT with constant blinding. */
static u64 run(const struct kbpf_verify_args *a, int jit)
{
	struct kbpf_code code = {
		.bpf_func = kbpf_interp_run, .insnsi = a->xlated,
		.len = a->xlated_cnt, .stack_depth = a->stack_depth,
	};
	u64 r0;

	if (jit && kbpf_jit_compile(&code, jit == 2))
		return 0xbad;
	rcu_read_lock();
	r0 = kbpf_code_run(&code, NULL);
	rcu_read_unlock();
	kbpf_jit_free(&code);
	return r0;
}

/* Calls from insn from on to fn, or to anything when fn is NULL. */
static u32 calls_to(const struct kbpf_verify_args *a, u32 from,
		    kbpf_helper_t fn)
{
	u32 i, n = 0;
	s32 imm = 0;

	if (fn && !kbpf_call_imm(fn, &imm))
		return 0;
	for (i = from; i < a->xlated_cnt; i++)
		if (a->xlated[i].code == (BPF_JMP | BPF_CALL) &&
		    (!fn || a->xlated[i].imm == imm))
			n++;
	return n;
}

static void fill(struct kbpf_map *map, u32 nkeys, struct trng *rng)
{
	u8 value[64];
	u32 k, i;

	for (k = 0; k < nkeys; k++) {
		for (i = 0; i < sizeof(value); i++)
			value[i] = (u8)trng_next(rng);
		EXPECT_EQ(tmap_update(map, &k, value, BPF_ANY), 0);
	}
}

/*
 * A and B of one type with the same elements; keys drawn from [0, 2n)
 * and a few far ones, so both hits and misses (or indexes past the end).
 * Each round loads the program twice: with A on both paths of every
 * site (inlined or a direct call), and with A and B (poisoned: the
 * generic helper), and runs both with ctl 0 (A) and 1 (B).
 */
static void differential(u32 type, u32 value_size, u32 max_entries,
			 u32 flags, bool unpriv, u64 seed)
{
	static struct bpf_insn prog[NKEYS * 16 + 16];
	static char log[65536];
	static const u32 far[] = { 0x7fffffff, 0x80000000, 0xffffffff, 1u << 16 };
	struct trng rng = trng_seed(seed), rng_b = trng_seed(seed);
	struct kbpf_verify_args a;
	s16 off = read_off(value_size);
	u32 keys[NKEYS], ctl, nfill, cnt, i, round, fd_b;
	u64 want;

	fd_maps[0] = create(type, value_size, max_entries, flags, unpriv);
	fd_maps[1] = create(type, value_size, max_entries, flags, unpriv);
	fd_maps[2] = create(BPF_MAP_TYPE_ARRAY, 4, 1, 0, false);
	ASSERT_TRUE(!IS_ERR(fd_maps[0]) && !IS_ERR(fd_maps[1]) &&
		    !IS_ERR(fd_maps[2]));
	/* Hash maps: half the key space present. */
	nfill = type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY ?
		max_entries : max_entries / 2;
	fill(fd_maps[0], nfill, &rng);
	fill(fd_maps[1], nfill, &rng_b);
	for (round = 0; round < 8; round++) {
		for (i = 0; i < NKEYS; i++)
			keys[i] = trng_below(&rng, 8) ? trng_below(&rng, 2 * max_entries) :
				  far[trng_below(&rng, ARRAY_SIZE(far))];
		want = reference(fd_maps[0], keys, NKEYS, off);
		EXPECT_EQ(reference(fd_maps[1], keys, NKEYS, off), want);
		for (fd_b = FD_A; fd_b <= FD_B; fd_b++) {
			cnt = gen_prog(prog, keys, NKEYS, off, fd_b);
			if (!EXPECT_EQ(verify(&a, prog, cnt, unpriv, log,
					      sizeof(log)), 0)) {
				fprintf(stderr, "log:\n%s\n", log);
				goto out;
			}
			/* Poisoned sites, and only they, keep the helper. */
			EXPECT_EQ(calls_to(&a, 0, kbpf_map_lookup_elem_proto.func),
				  fd_b == FD_B ? NKEYS : 0);
			/* Arrays: no call at all, the ctl lookup included. */
			if (type == BPF_MAP_TYPE_ARRAY && fd_b == FD_A)
				EXPECT_EQ(calls_to(&a, 0, NULL), 0);
			for (ctl = 0; ctl < 2; ctl++) {
				EXPECT_EQ(tmap_update(fd_maps[2], &(u32){ 0 }, &ctl,
						      BPF_ANY), 0);
				EXPECT_EQ(run(&a, 0), want);
				EXPECT_EQ(run(&a, 1), want);
				EXPECT_EQ(run(&a, 2), want);
			}
			kbpf_verify_release(&a);
		}
	}
out:
	tmap_destroy(fd_maps[0]);
	tmap_destroy(fd_maps[1]);
	tmap_destroy(fd_maps[2]);
}

TEST(map_inline_differential_array)
{
	differential(BPF_MAP_TYPE_ARRAY, 8, 13, 0, false, 1);
	differential(BPF_MAP_TYPE_ARRAY, 24, 13, 0, true, 2);
	differential(BPF_MAP_TYPE_ARRAY, 12, 64, 0, true, 3);
	differential(BPF_MAP_TYPE_ARRAY, 8, 1, BPF_F_MMAPABLE, false, 4);
}

TEST(map_inline_differential_percpu_array)
{
	differential(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 13, 0, true, 5);
}

TEST(map_inline_differential_hash)
{
	differential(BPF_MAP_TYPE_HASH, 8, 32, 0, false, 6);
	differential(BPF_MAP_TYPE_HASH, 20, 32, BPF_F_NO_PREALLOC, true, 7);
}

TEST(map_inline_differential_lru)
{
	differential(BPF_MAP_TYPE_LRU_HASH, 8, 32, 0, false, 8);
	differential(BPF_MAP_TYPE_LRU_HASH, 16, 32, 0, true, 9);
}

/*
 * r0 = lookup(A, key); when found, write 0x1234 into the value's last
 * u64; then update(A, key, value) and delete(A, key) with the result
 * of each ignored. The lookup is at insn 5.
 */
static u32 gen_single(struct bpf_insn *p, u32 key, s16 off)
{
	u32 c = 0;

	p[c++] = BPF_ST_MEM(BPF_W, BPF_REG_10, -4, key);
	p[c++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_10);
	p[c++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4);
	c += ld_map(&p[c], FD_A);
	p[c++] = BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem);
	p[c++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2);
	p[c++] = BPF_MOV64_IMM(BPF_REG_1, 0x1234);
	p[c++] = BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, off);
	return c;
}

static u32 gen_update_delete(struct bpf_insn *p, u32 c)
{
	p[c++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_10);
	p[c++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4);
	p[c++] = BPF_ST_MEM(BPF_DW, BPF_REG_10, -64, 0);
	p[c++] = BPF_ST_MEM(BPF_DW, BPF_REG_10, -56, 0);
	p[c++] = BPF_ST_MEM(BPF_DW, BPF_REG_10, -48, 0);
	p[c++] = BPF_MOV64_REG(BPF_REG_3, BPF_REG_10);
	p[c++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -64);
	p[c++] = BPF_MOV64_IMM(BPF_REG_4, BPF_ANY);
	c += ld_map(&p[c], FD_A);
	p[c++] = BPF_CALL_HELPER(BPF_FUNC_map_update_elem);
	p[c++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_10);
	p[c++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4);
	c += ld_map(&p[c], FD_A);
	p[c++] = BPF_CALL_HELPER(BPF_FUNC_map_delete_elem);
	p[c++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	p[c++] = BPF_EXIT_INSN();
	return c;
}

static bool insn_is(const struct bpf_insn *insn, u8 code, u8 dst, u8 src,
		    s16 off, s32 imm)
{
	return insn->code == code && insn->dst_reg == dst &&
	       insn->src_reg == src && insn->off == off && insn->imm == imm;
}

#define EXPECT_INSN(insn, c_, d_, s_, o_, imm_)				\
	do {								\
		const struct bpf_insn *i_ = (insn);			\
		if (!EXPECT_TRUE(insn_is(i_, c_, d_, s_, o_, imm_)))	\
			fprintf(stderr, "  got code %#x dst %u src %u off %d imm %d\n", \
				i_->code, i_->dst_reg, i_->src_reg, i_->off, i_->imm); \
	} while (0)

static bool load_single(struct kbpf_verify_args *a, struct kbpf_map *map,
			u32 key, bool unpriv)
{
	static struct bpf_insn prog[64];
	static char log[16384];
	u32 cnt;

	fd_maps[0] = map;
	cnt = gen_single(prog, key, read_off(map->value_size));
	prog[cnt++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	prog[cnt++] = BPF_EXIT_INSN();
	if (!EXPECT_EQ(verify(a, prog, cnt, unpriv, log, sizeof(log)), 0)) {
		fprintf(stderr, "log:\n%s\n", log);
		return false;
	}
	return true;
}

/* Run on both runtimes; the write lands in the key's value. */
static void check_write(struct kbpf_verify_args *a, struct kbpf_map *map,
			u32 key)
{
	u64 got[8], zero = 0;
	int jit;

	for (jit = 0; jit < 2; jit++) {
		EXPECT_EQ(tmap_update(map, &key, &(u64[8]){ 0 }, BPF_ANY), 0);
		EXPECT_EQ(run(a, jit), 0);
		ASSERT_EQ(tmap_lookup_sys(map, &key, got), 0);
		EXPECT_EQ(got[read_off(map->value_size) / 8], 0x1234);
		EXPECT_EQ(got[0] == 0x1234 || got[0] == zero, true);
	}
}

TEST(map_inline_xlated_array)
{
	struct kbpf_verify_args a;
	const struct bpf_insn *x;
	struct kbpf_map *map;
	bool unpriv, mmapable;
	int cfg;

	/* Privileged, unprivileged creator, mmap-able (values elsewhere). */
	for (cfg = 0; cfg < 3; cfg++) {
		unpriv = cfg == 1;
		mmapable = cfg == 2;
		/* 13 entries of 24 bytes: a multiply, mask 15. */
		map = create(BPF_MAP_TYPE_ARRAY, 24, 13,
			     mmapable ? BPF_F_MMAPABLE : 0, unpriv);
		ASSERT_TRUE(!IS_ERR(map));
		if (!load_single(&a, map, 12, unpriv))
			break;
		x = &a.xlated[5];
		/* r1 = the values: the address of index 0's value. */
		if (mmapable) {
			EXPECT_INSN(&x[0], BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1,
				    BPF_REG_1, x[0].off, 0);
			EXPECT_EQ(*(void **)((char *)map + x[0].off),
				  tmap_lookup(map, &(u32){ 0 }));
		} else {
			EXPECT_INSN(&x[0], BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1,
				    0, 0, x[0].imm);
			EXPECT_EQ((char *)map + x[0].imm,
				  tmap_lookup(map, &(u32){ 0 }));
		}
		EXPECT_INSN(&x[1], BPF_LDX | BPF_MEM | BPF_W, BPF_REG_0,
			    BPF_REG_2, 0, 0);
		EXPECT_INSN(&x[2], BPF_JMP32 | BPF_JGE | BPF_K, BPF_REG_0, 0,
			    unpriv ? 4 : 3, 13);
		if (unpriv) {
			/* The Spectre v1 mask, for a creator without CAP_PERFMON. */
			EXPECT_INSN(&x[3], BPF_ALU | BPF_AND | BPF_K, BPF_REG_0,
				    0, 0, 15);
			x++;
		}
		EXPECT_INSN(&x[3], BPF_ALU64 | BPF_MUL | BPF_K, BPF_REG_0, 0,
			    0, 24);
		EXPECT_INSN(&x[4], BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_0,
			    BPF_REG_1, 0, 0);
		EXPECT_INSN(&x[5], BPF_JMP | BPF_JA, 0, 0, 1, 0);
		EXPECT_INSN(&x[6], BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0,
			    0, 0);
		EXPECT_EQ(calls_to(&a, 0, NULL), 0);
		check_write(&a, map, 12);
		kbpf_verify_release(&a);
		tmap_destroy(map);
	}
}

/* The element's value: offset of key plus the key rounded up to 8. */
static s32 value_off(u32 key_size)
{
	return offsetof(struct htab_elem, key) + round_up(key_size, 8);
}

TEST(map_inline_xlated_hash_lru)
{
	const s16 ref = offsetof(struct htab_elem, lru.ref);
	struct kbpf_verify_args a;
	const struct bpf_insn *x;
	struct kbpf_htab *htab;
	struct htab_elem *l;
	struct kbpf_map *map;
	u32 key = 3, hash;
	s32 raw;
	int lru;

	/* 4-byte keys: the copy with key_size constant, not the generic one. */
	ASSERT_TRUE(kbpf_call_imm(kbpf_htab_lookup_for(4), &raw));
	EXPECT_NE((unsigned long)kbpf_htab_lookup_for(4),
		  (unsigned long)kbpf_htab_lookup_raw);
	for (lru = 0; lru < 2; lru++) {
		map = create(lru ? BPF_MAP_TYPE_LRU_HASH : BPF_MAP_TYPE_HASH,
			     16, 8, 0, false);
		ASSERT_TRUE(!IS_ERR(map));
		if (!load_single(&a, map, key, false))
			break;
		x = &a.xlated[5];
		EXPECT_INSN(&x[0], BPF_JMP | BPF_CALL, 0, 0, 0, raw);
		EXPECT_INSN(&x[1], BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0,
			    lru ? 4 : 1, 0);
		if (lru) {
			/* The reference bit, set unless already set. */
			EXPECT_INSN(&x[2], BPF_LDX | BPF_MEM | BPF_B, BPF_REG_1,
				    BPF_REG_0, ref, 0);
			EXPECT_INSN(&x[3], BPF_JMP | BPF_JNE | BPF_K, BPF_REG_1,
				    0, 1, 0);
			EXPECT_INSN(&x[4], BPF_ST | BPF_MEM | BPF_B, BPF_REG_0,
				    0, ref, 1);
			x += 3;
		}
		EXPECT_INSN(&x[2], BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_0, 0,
			    0, value_off(4));
		check_write(&a, map, key);
		if (lru) {
			/* A program's lookup marks the element as used. */
			htab = to_htab(map);
			hash = kbpf_htab_hash(&key, 4, htab->hashrnd);
			rcu_read_lock();
			l = kbpf_htab_find_rcu(htab, hash, &key);
			rcu_read_unlock();
			ASSERT_NONNULL(l);
			l->lru.ref = 0;
			EXPECT_EQ(run(&a, false), 0);
			EXPECT_EQ(l->lru.ref, 1);
			l->lru.ref = 0;
			EXPECT_EQ(run(&a, true), 0);
			EXPECT_EQ(l->lru.ref, 1);
		}
		kbpf_verify_release(&a);
		tmap_destroy(map);
	}
}

/*
 * Update and delete (and lookups without map_gen_lookup) call the map's
 * op: a PERCPU_ARRAY's lookup, update and delete; a HASH's update and
 * delete, which then run on both runtimes.
 */
TEST(map_inline_direct_op_calls)
{
	static struct bpf_insn prog[64];
	static char log[16384];
	struct kbpf_verify_args a;
	const struct kbpf_map_ops *ops;
	struct kbpf_map *map;
	u32 cnt, key = 5;
	s32 imm;
	int jit;

	map = create(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 8, 0, false);
	ASSERT_TRUE(!IS_ERR(map));
	fd_maps[0] = map;
	ops = map->ops;
	cnt = gen_update_delete(prog, gen_single(prog, key, 0));
	ASSERT_EQ(verify(&a, prog, cnt, false, log, sizeof(log)), 0);
	ASSERT_TRUE(kbpf_call_imm((kbpf_helper_t)(void *)ops->map_lookup_elem, &imm));
	EXPECT_INSN(&a.xlated[5], BPF_JMP | BPF_CALL, 0, 0, 0, imm);
	ASSERT_TRUE(kbpf_call_imm((kbpf_helper_t)(void *)ops->map_update_elem, &imm));
	EXPECT_EQ(calls_to(&a, 0, (kbpf_helper_t)(void *)ops->map_update_elem), 1);
	EXPECT_EQ(calls_to(&a, 0, (kbpf_helper_t)(void *)ops->map_delete_elem), 1);
	EXPECT_EQ(calls_to(&a, 0, NULL), 3);
	kbpf_verify_release(&a);
	tmap_destroy(map);

	map = create(BPF_MAP_TYPE_HASH, 24, 8, 0, false);
	ASSERT_TRUE(!IS_ERR(map));
	fd_maps[0] = map;
	ops = map->ops;
	cnt = gen_update_delete(prog, gen_single(prog, key, 16));
	ASSERT_EQ(verify(&a, prog, cnt, false, log, sizeof(log)), 0);
	EXPECT_EQ(calls_to(&a, 0, (kbpf_helper_t)(void *)ops->map_update_elem), 1);
	EXPECT_EQ(calls_to(&a, 0, (kbpf_helper_t)(void *)ops->map_delete_elem), 1);
	EXPECT_EQ(calls_to(&a, 0, kbpf_map_update_elem_proto.func), 0);
	for (jit = 0; jit < 2; jit++) {
		/* Absent: the update inserts it (zeroes), the delete removes it. */
		EXPECT_EQ(run(&a, jit), 0);
		EXPECT_NULL(tmap_lookup(map, &key));
		/* Present: the lookup writes, the update zeroes, then delete. */
		EXPECT_EQ(tmap_update(map, &key, &(u64[3]){ 1, 2, 3 }, BPF_ANY), 0);
		EXPECT_EQ(run(&a, jit), 0);
		EXPECT_NULL(tmap_lookup(map, &key));
	}
	kbpf_verify_release(&a);
	tmap_destroy(map);
}

/*
 * Arrays of creators without CAP_PERFMON hold a power of two of values
 * (Linux's padding for the index mask): past 2^31 entries that cannot
 * be counted in a u32, and Linux says E2BIG.
 */
TEST(map_inline_unpriv_array_limit)
{
	struct kbpf_map *map = create(BPF_MAP_TYPE_ARRAY, 8, 0x80000001u, 0,
				      true);

	EXPECT_EQ(PTR_ERR(map), -E2BIG);
	map = create(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 0x80000001u, 0, true);
	EXPECT_EQ(PTR_ERR(map), -E2BIG);
	/* 2^31 itself is a power of two: no padding, no E2BIG. */
	map = create(BPF_MAP_TYPE_ARRAY, 8, 0x80000000u, 0, true);
	EXPECT_TRUE(IS_ERR(map) && PTR_ERR(map) == -ENOMEM);
}
