// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG from the program's side: loads
 * from and stores into a looked-up value, and the helpers that change a
 * map (update, delete, push, pop: Linux's record_func_map() refuses them
 * on a read-only map with "write into map forbidden"), for arrays, hash
 * maps and queues; and what the loaded programs do at run time, seen from
 * the syscall side. Every case runs on kbpf and again on Linux's bpf(2)
 * (kt_dual.h).
 */
#include "kt_dual.h"

enum kind { STORE, LOAD, UPDATE, DELETE, PUSH, POP, PEEK };

static const char *const kind_names[] = {
	"store", "load", "update_helper", "delete_helper", "push", "pop", "peek",
};

/* A raw tracepoint program doing one kind of access to map_fd. */
static int load_kind(const struct kt_be *be, int map_fd, enum kind kind)
{
	const struct bpf_insn store[] = {
		KT_LD_MAP_FD(BPF_REG_1, map_fd),
		KT_ST(BPF_W, BPF_REG_10, -4, 0),
		KT_MOV64_REG(BPF_REG_2, BPF_REG_10),
		KT_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(BPF_REG_0, 0, 1),
		KT_ST(BPF_W, BPF_REG_0, 0, 42),
		KT_MOV64_IMM(BPF_REG_0, 0),
		KT_EXIT(),
	};
	const struct bpf_insn load[] = {
		KT_LD_MAP_FD(BPF_REG_1, map_fd),
		KT_ST(BPF_W, BPF_REG_10, -4, 0),
		KT_MOV64_REG(BPF_REG_2, BPF_REG_10),
		KT_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(BPF_REG_0, 0, 2),
		KT_LDX(BPF_W, BPF_REG_0, BPF_REG_0, 0),
		KT_EXIT(),
		KT_MOV64_IMM(BPF_REG_0, 1000),
		KT_EXIT(),
	};
	const struct bpf_insn update[] = {
		KT_LD_MAP_FD(BPF_REG_1, map_fd),
		KT_ST(BPF_W, BPF_REG_10, -4, 0),
		KT_ST(BPF_W, BPF_REG_10, -8, 42),
		KT_MOV64_REG(BPF_REG_2, BPF_REG_10),
		KT_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		KT_MOV64_REG(BPF_REG_3, BPF_REG_10),
		KT_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		KT_MOV64_IMM(BPF_REG_4, BPF_ANY),
		KT_CALL(BPF_FUNC_map_update_elem),
		KT_EXIT(),
	};
	const struct bpf_insn delete[] = {
		KT_LD_MAP_FD(BPF_REG_1, map_fd),
		KT_ST(BPF_W, BPF_REG_10, -4, 0),
		KT_MOV64_REG(BPF_REG_2, BPF_REG_10),
		KT_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		KT_CALL(BPF_FUNC_map_delete_elem),
		KT_EXIT(),
	};
	const struct bpf_insn push[] = {
		KT_LD_MAP_FD(BPF_REG_1, map_fd),
		KT_ST(BPF_W, BPF_REG_10, -8, 5),
		KT_MOV64_REG(BPF_REG_2, BPF_REG_10),
		KT_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		KT_MOV64_IMM(BPF_REG_3, 0),
		KT_CALL(BPF_FUNC_map_push_elem),
		KT_EXIT(),
	};
	const struct bpf_insn pop_peek[] = {
		KT_LD_MAP_FD(BPF_REG_1, map_fd),
		KT_MOV64_REG(BPF_REG_2, BPF_REG_10),
		KT_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		KT_CALL(kind == POP ? BPF_FUNC_map_pop_elem : BPF_FUNC_map_peek_elem),
		KT_EXIT(),
	};

	switch (kind) {
	case STORE:
		return be_load_raw_tp(be, store, KT_ARRAY_SIZE(store));
	case LOAD:
		return be_load_raw_tp(be, load, KT_ARRAY_SIZE(load));
	case UPDATE:
		return be_load_raw_tp(be, update, KT_ARRAY_SIZE(update));
	case DELETE:
		return be_load_raw_tp(be, delete, KT_ARRAY_SIZE(delete));
	case PUSH:
		return be_load_raw_tp(be, push, KT_ARRAY_SIZE(push));
	default:
		return be_load_raw_tp(be, pop_peek, KT_ARRAY_SIZE(pop_peek));
	}
}

/* The tracepoint's one (unused) argument. */
static const __u64 one_arg[1];

struct access_case {
	__u32 type, flags;
	enum kind kind;
	int want;	/* the load's errno, 0 if it loads */
};

#define ARR	BPF_MAP_TYPE_ARRAY
#define HASH	BPF_MAP_TYPE_HASH
#define QUEUE	BPF_MAP_TYPE_QUEUE
#define RO	BPF_F_RDONLY_PROG
#define WO	BPF_F_WRONLY_PROG

static const struct access_case cases[] = {
	{ ARR, RO, STORE, EACCES }, { ARR, RO, LOAD, 0 },
	{ ARR, RO, UPDATE, EACCES }, { ARR, RO, DELETE, EACCES },
	{ ARR, WO, STORE, 0 }, { ARR, WO, LOAD, EACCES },
	{ ARR, WO, UPDATE, 0 }, { ARR, WO, DELETE, 0 },
	{ ARR, 0, STORE, 0 }, { ARR, 0, LOAD, 0 }, { ARR, 0, UPDATE, 0 },
	{ HASH, RO, STORE, EACCES }, { HASH, RO, LOAD, 0 },
	{ HASH, RO, UPDATE, EACCES }, { HASH, RO, DELETE, EACCES },
	{ HASH, WO, STORE, 0 }, { HASH, WO, LOAD, EACCES },
	{ HASH, WO, UPDATE, 0 }, { HASH, WO, DELETE, 0 },
	{ QUEUE, RO, PUSH, EACCES }, { QUEUE, RO, POP, EACCES },
	{ QUEUE, RO, PEEK, 0 }, { QUEUE, WO, PUSH, 0 }, { QUEUE, WO, POP, 0 },
	{ QUEUE, 0, PUSH, 0 }, { QUEUE, 0, POP, 0 },
};

static int create(const struct kt_be *be, __u32 type, __u32 flags)
{
	return be_map_create(be, type, type == QUEUE ? 0 : 4, 4, 4, flags);
}

static bool c_load(const struct kt_be *be, const void *arg)
{
	const struct access_case *c = arg;
	int map = create(be, c->type, c->flags), prog = -1;
	bool ok = kt_check_ok(map, "MAP_CREATE");

	if (ok) {
		prog = load_kind(be, map, c->kind);
		ok = c->want ? kt_check_errno(prog, c->want, "PROG_LOAD") :
			       kt_check_ok(prog, "PROG_LOAD");
	}
	if (prog >= 0)
		close(prog);
	if (map >= 0)
		close(map);
	return ok;
}

/* A program writes a write-only map: the syscall reads what it wrote. */
static bool c_wronly_runs(const struct kt_be *be)
{
	int map = create(be, ARR, WO), prog = -1;
	bool ok = kt_check_ok(map, "MAP_CREATE");
	__u32 key = 0, val = 0;
	long ret;

	ok = ok && kt_check_ok(prog = load_kind(be, map, STORE), "PROG_LOAD") &&
	     be_run_raw_tp(be, prog, one_arg, 1, &ret) &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, &val, 0),
			 "syscall lookup") &&
	     kt_check_u64(val, 42, "value the program stored");
	if (prog >= 0)
		close(prog);
	if (map >= 0)
		close(map);
	return ok;
}

/* A program reads a read-only map: what the syscall wrote. */
static bool c_rdonly_runs(const struct kt_be *be)
{
	int map = create(be, ARR, RO), prog = -1;
	bool ok = kt_check_ok(map, "MAP_CREATE");
	__u32 key = 0, val = 7;
	long ret;

	ok = ok && kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, &val,
				       BPF_ANY), "syscall update") &&
	     kt_check_ok(prog = load_kind(be, map, LOAD), "PROG_LOAD") &&
	     be_run_raw_tp(be, prog, one_arg, 1, &ret) &&
	     kt_check_u64(ret, 7, "value the program loaded");
	if (prog >= 0)
		close(prog);
	if (map >= 0)
		close(map);
	return ok;
}

static const char *flags_name(__u32 flags)
{
	if (flags == RO)
		return "rdonly_prog";
	if (flags == WO)
		return "wronly_prog";
	return "plain";
}

int main(int argc, char **argv)
{
	static const char *const type_names[] = {
		[ARR] = "array", [HASH] = "hash", [QUEUE] = "queue",
	};
	bool linux_ok;
	char name[96];
	size_t i;

	(void)argc;
	if (!kt_dual_setup(argv[0], "prog_map_access_flags", &linux_ok))
		return kt_done();
	for (i = 0; i < KT_ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "%s_%s_%s", type_names[cases[i].type],
			 flags_name(cases[i].flags), kind_names[cases[i].kind]);
		kt_dual_arg(name, c_load, &cases[i], linux_ok);
	}
	kt_dual("wronly_prog_store_runs", c_wronly_runs, linux_ok);
	kt_dual("rdonly_prog_load_runs", c_rdonly_runs, linux_ok);
	return kt_done();
}
