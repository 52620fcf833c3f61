// SPDX-License-Identifier: GPL-2.0
/*
 * Program lookups in ARRAY, PERCPU_ARRAY, HASH and LRU_HASH maps, which
 * the verifier inlines or turns into direct calls of the map's op (as
 * Linux's does): a socket filter looks up 48 keys (hits, misses, indexes
 * past the end of an array) and folds what it finds into its return
 * value, which must be what userspace computes from the elements it
 * stored; a second program writes through the pointer a lookup returned.
 * The xlated program must show the inline form Linux shows: no call for
 * an array, a call then the value's offset for a hash map, with the
 * reference bit for an LRU map. Every case runs on kbpf and on Linux.
 */
#define _GNU_SOURCE
#include <sched.h>

#include "kt_fdmap.h"

#define NKEYS		48
#define MAX_ENTRIES	13
#define MISS		0x5a5a

struct lookup_case {
	const char *name;
	__u32 type;
	__u32 value_size;
	bool all_present;	/* arrays: every index below MAX_ENTRIES */
};

static const struct lookup_case cases[] = {
	{ "array", BPF_MAP_TYPE_ARRAY, 24, true },
	{ "percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY, 8, true },
	{ "hash", BPF_MAP_TYPE_HASH, 16, false },
	{ "lru_hash", BPF_MAP_TYPE_LRU_HASH, 8, false },
};

static const struct lookup_case *cur;

/* The u32 a value's last 8 bytes start with, for key k (0 when unset). */
static __u32 stored(__u32 k)
{
	bool present = cur->all_present ? k < MAX_ENTRIES :
		       k < MAX_ENTRIES && k % 3 != 0;

	if (!present)
		return MISS;
	return cur->all_present && k % 3 == 0 ? 0 : k * 0x9e3779b1u + 7;
}

static __u32 key_at(__u32 i)
{
	static const __u32 far[] = { 0x7fffffff, 0x80000000, 0xffffffff };

	return i % 8 == 7 ? far[(i / 8) % 3] : (i * 5 + 1) % (2 * MAX_ENTRIES);
}

static int fill(const struct kt_be *be, int fd)
{
	__u64 value[64];
	__u32 k, cpus = (__u32)sysconf(_SC_NPROCESSORS_CONF), c;
	__u32 slot = (cur->value_size + 7) / 8, per = cur->type ==
		     BPF_MAP_TYPE_PERCPU_ARRAY ? cpus : 1;

	if (slot * per > 64)
		return -1;
	for (k = 0; k < MAX_ENTRIES; k++) {
		if (stored(k) == MISS || (cur->all_present && !stored(k)))
			continue;
		memset(value, 0, sizeof(value));
		for (c = 0; c < per; c++)
			value[c * slot + slot - 1] = stored(k);
		if (be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &k, value, 0))
			return -1;
	}
	return 0;
}

/* r6 = r6 * 31 + (value's last u32 or MISS) for every key; return r6. */
static __u32 gen(struct bpf_insn *p, int fd)
{
	__s16 off = (__s16)((cur->value_size + 7) / 8 * 8 - 8);
	__u32 c = 0, i;

	p[c++] = KT_MOV64_IMM(6, 0);
	for (i = 0; i < NKEYS; i++) {
		p[c++] = KT_ST(BPF_W, 10, -4, (__s32)key_at(i));
		p[c++] = KT_MOV64_REG(2, 10);
		p[c++] = KT_ALU64_IMM(BPF_ADD, 2, -4);
		p[c++] = KT_INSN(BPF_LD | BPF_DW | BPF_IMM, 1,
				 BPF_PSEUDO_MAP_FD, 0, fd);
		p[c++] = KT_INSN(0, 0, 0, 0, 0);
		p[c++] = KT_CALL(BPF_FUNC_map_lookup_elem);
		p[c++] = KT_INSN(BPF_ALU | BPF_MUL | BPF_K, 6, 0, 0, 31);
		p[c++] = KT_MOV64_IMM(1, MISS);
		p[c++] = KT_JEQ_IMM(0, 0, 1);
		p[c++] = KT_LDX(BPF_W, 1, 0, off);
		p[c++] = KT_INSN(BPF_ALU | BPF_ADD | BPF_X, 6, 1, 0, 0);
	}
	p[c++] = KT_MOV64_REG(0, 6);
	p[c++] = KT_EXIT();
	return c;
}

static __u32 want_fold(void)
{
	__u32 r = 0, i;

	for (i = 0; i < NKEYS; i++)
		r = r * 31 + stored(key_at(i));
	return r;
}

/* The xlated program of the first lookup, in Linux's inline form. */
static bool xlated_form(const struct kt_be *be, int prog)
{
	static struct bpf_insn x[NKEYS * 24];
	struct bpf_prog_info info;
	const struct bpf_insn *l = &x[4];	/* after r6 = 0, the key */
	__u32 n, i, calls = 0;

	union bpf_attr attr;

	/* Not be_obj_info(), which zeroes info first. */
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = sizeof(x);
	info.xlated_prog_insns = kt_ptr(x);
	kt_attr_zero(&attr);
	attr.info.bpf_fd = (__u32)prog;
	attr.info.info_len = sizeof(info);
	attr.info.info = kt_ptr(&info);
	if (!kt_check_ok(be_call(be, BPF_OBJ_GET_INFO_BY_FD, &attr), "GET_INFO"))
		return false;
	n = info.xlated_prog_len / sizeof(*x);
	if (!kt_check_true(n > 8 && n <= KT_ARRAY_SIZE(x), "xlated length"))
		return false;
	for (i = 0; i < n; i++)
		calls += x[i].code == (BPF_JMP | BPF_CALL);
	switch (cur->type) {
	case BPF_MAP_TYPE_ARRAY:
		return kt_check_u64(calls, 0, "calls in an array's lookups");
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return kt_check_u64(calls, NKEYS, "calls (not inlined in 6.1)");
	default:
		break;
	}
	/* Skip the LD_IMM64 of the map. */
	l += 2;
	return kt_check_u64(calls, NKEYS, "one call per hash lookup") &&
	       kt_check_u64(l[0].code, BPF_JMP | BPF_CALL, "the call") &&
	       kt_check_u64(l[1].code, BPF_JMP | BPF_JEQ | BPF_K, "NULL check") &&
	       (cur->type == BPF_MAP_TYPE_HASH ?
		kt_check_u64(l[1].off, 1, "NULL check skips the add") &&
		kt_check_u64(l[2].code, BPF_ALU64 | BPF_ADD | BPF_K, "value offset") :
		kt_check_u64(l[1].off, 4, "NULL check skips the ref bit") &&
		kt_check_u64(l[2].code, BPF_LDX | BPF_MEM | BPF_B, "ref bit read") &&
		kt_check_u64(l[4].code, BPF_ST | BPF_MEM | BPF_B, "ref bit set") &&
		kt_check_u64(l[4].imm, 1, "ref bit value") &&
		kt_check_u64(l[5].code, BPF_ALU64 | BPF_ADD | BPF_K, "value offset"));
}

static bool c_lookups(const struct kt_be *be)
{
	static struct bpf_insn p[NKEYS * 12 + 8];
	int map = be_map_create(be, cur->type, 4, cur->value_size,
				MAX_ENTRIES, 0);
	int prog = -1;
	__u32 ret = 0;
	bool ok;

	ok = kt_check_ok(map, "MAP_CREATE") &&
	     kt_check_ok(fill(be, map), "fill");
	if (ok)
		prog = be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, p, gen(p, map));
	ok = ok && kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(be_test_run(be, prog, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, want_fold(), "folded lookups") &&
	     xlated_form(be, prog);
	be_close(prog);
	be_close(map);
	return ok;
}

/* *(u32 *)value += 5 through the lookup's pointer; userspace sees it. */
static bool c_write_through(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_ST(BPF_W, 10, -4, 4),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, 0),
		KT_INSN(0, 0, 0, 0, 0),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(0, 0, 3),
		KT_LDX(BPF_W, 1, 0, 0),
		KT_ALU64_IMM(BPF_ADD, 1, 5),
		KT_STX(BPF_W, 0, 1, 0),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct bpf_insn p[KT_ARRAY_SIZE(insns)];
	int map = be_map_create(be, cur->type, 4, cur->value_size,
				MAX_ENTRIES, 0);
	__u64 value[64];
	__u32 key = 4, ret = 0;
	int prog = -1;
	bool ok;

	memcpy(p, insns, sizeof(p));
	p[3].imm = map;
	ok = kt_check_ok(map, "MAP_CREATE") &&
	     kt_check_ok(fill(be, map), "fill");
	if (ok)
		prog = be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, p,
				    KT_ARRAY_SIZE(p));
	ok = ok && kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(be_test_run(be, prog, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, 1, "key 4 found") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, value, 0),
			 "LOOKUP");
	/* Per-CPU: the run's CPU is unknown; the value of one of them. */
	ok = ok && (cur->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
		    kt_check_u64((__u32)value[0],
				 (cur->value_size > 8 ? 0 : stored(4)) + 5,
				 "first u32 after the program's add"));
	be_close(prog);
	be_close(map);
	return ok;
}

int main(int argc, char **argv)
{
	cpu_set_t one, saved;
	unsigned int i;
	bool linux_ok;
	char name[96];

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	if (!kt_verifier_present()) {
		kt_skip("prog_map_lookup", "no verifier in this build");
		return kt_done();
	}
	linux_ok = kt_linux_bpf_usable();
	/*
	 * On one CPU: Linux's LRU hash hands free elements to per-CPU lists,
	 * so updates from two CPUs can evict before the map is full (as
	 * test_lru_map.c, which pins too); the fold would then miss a key.
	 */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_getaffinity(0, sizeof(saved), &saved) ||
	    sched_setaffinity(0, sizeof(one), &one)) {
		kt_fail("pin_cpu0", "sched_setaffinity: %s", kt_errname(errno));
		return kt_done();
	}
	for (i = 0; i < KT_ARRAY_SIZE(cases); i++) {
		cur = &cases[i];
		snprintf(name, sizeof(name), "%s_lookups_fold", cur->name);
		kt_dual(name, c_lookups, linux_ok);
		snprintf(name, sizeof(name), "%s_write_through", cur->name);
		kt_dual(name, c_write_through, linux_ok);
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	return kt_done();
}
