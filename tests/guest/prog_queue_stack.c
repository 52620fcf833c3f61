// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_map_push_elem, bpf_map_pop_elem and bpf_map_peek_elem from a program
 * on real QUEUE and STACK maps: a raw tracepoint program run with
 * BPF_PROG_TEST_RUN does one operation per run (its arguments: the
 * operation, the value, the flags) and returns the value or the helper's
 * error. Order, full and empty maps, BPF_EXIST replacing the oldest, the
 * flags refused, the syscall seeing what the program pushed and the
 * other way round, and the verifier refusing push on another map type.
 * Every case runs on kbpf and again on Linux's bpf(2) (kt_dual.h).
 */
#include "kt_dual.h"

#define QMAX	4

enum op { OP_PUSH, OP_POP, OP_PEEK };

static __u32 cur_type;

static bool is_stack(void)
{
	return cur_type == BPF_MAP_TYPE_STACK;
}

/* op = args[0], value = args[1], flags = args[2]; returns value or error. */
static int load_prog(const struct kt_be *be, int map_fd)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_DW, BPF_REG_6, BPF_REG_1, 0),
		KT_LDX(BPF_DW, BPF_REG_7, BPF_REG_1, 8),
		KT_LDX(BPF_DW, BPF_REG_8, BPF_REG_1, 16),
		KT_STX(BPF_DW, BPF_REG_10, BPF_REG_7, -8),
		KT_LD_MAP_FD(BPF_REG_1, map_fd),
		KT_MOV64_REG(BPF_REG_2, BPF_REG_10),
		KT_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		KT_JEQ_IMM(BPF_REG_6, OP_PUSH, 3),
		KT_JEQ_IMM(BPF_REG_6, OP_POP, 5),
		KT_CALL(BPF_FUNC_map_peek_elem),
		KT_INSN(BPF_JMP | BPF_JA, 0, 0, 4, 0),
		/* push: the helper's result is the program's */
		KT_MOV64_REG(BPF_REG_3, BPF_REG_8),
		KT_CALL(BPF_FUNC_map_push_elem),
		KT_EXIT(),
		/* pop */
		KT_CALL(BPF_FUNC_map_pop_elem),
		/* pop and peek: an error, or the value they wrote */
		KT_INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 1, 0),
		KT_LDX(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		KT_EXIT(),
	};

	return be_load_raw_tp(be, insns, KT_ARRAY_SIZE(insns));
}

struct qs {
	const struct kt_be *be;
	int map_fd, prog_fd;
};

static bool qs_open(const struct kt_be *be, struct qs *q)
{
	q->be = be;
	q->prog_fd = -1;
	q->map_fd = be_map_create(be, cur_type, 0, 8, QMAX, 0);
	if (!kt_check_ok(q->map_fd, "MAP_CREATE"))
		return false;
	q->prog_fd = load_prog(be, q->map_fd);
	return kt_check_ok(q->prog_fd, "PROG_LOAD");
}

static void qs_close(struct qs *q)
{
	if (q->prog_fd >= 0)
		close(q->prog_fd);
	if (q->map_fd >= 0)
		close(q->map_fd);
}

/* One run; the program's result (value or -errno) in *ret. */
static bool run(struct qs *q, enum op op, __u64 value, __u64 flags, long *ret)
{
	const __u64 args[3] = { op, value, flags };

	return be_run_raw_tp(q->be, q->prog_fd, args, 3, ret);
}

static bool expect(struct qs *q, enum op op, __u64 value, __u64 flags,
		   long want, const char *what)
{
	long ret;

	return run(q, op, value, flags, &ret) && kt_check_u64(ret, want, what);
}

/* The values come out oldest first (queue) or newest first (stack). */
static bool drain(struct qs *q, const long *pushed, int n, const char *what)
{
	int i;

	for (i = 0; i < n; i++)
		if (!expect(q, OP_POP, 0, 0,
			    is_stack() ? pushed[n - 1 - i] : pushed[i], what))
			return false;
	return expect(q, OP_POP, 0, 0, -ENOENT, "pop when empty");
}

static bool c_order(const struct kt_be *be)
{
	static const long vals[] = { 11, 22, 33 };
	struct qs q;
	bool ok = qs_open(be, &q);

	ok = ok && expect(&q, OP_PEEK, 0, 0, -ENOENT, "peek when empty") &&
	     expect(&q, OP_POP, 0, 0, -ENOENT, "pop when empty") &&
	     expect(&q, OP_PUSH, 11, BPF_ANY, 0, "push") &&
	     expect(&q, OP_PUSH, 22, BPF_ANY, 0, "push") &&
	     expect(&q, OP_PUSH, 33, BPF_ANY, 0, "push") &&
	     expect(&q, OP_PEEK, 0, 0, is_stack() ? 33 : 11, "peek") &&
	     expect(&q, OP_PEEK, 0, 0, is_stack() ? 33 : 11, "peek again") &&
	     drain(&q, vals, 3, "pop");
	qs_close(&q);
	return ok;
}

/* Full: E2BIG, unless BPF_EXIST, which drops the oldest value. */
static bool c_full(const struct kt_be *be)
{
	static const long left[] = { 2, 3, 4, 5 };
	struct qs q;
	bool ok = qs_open(be, &q);
	int i;

	for (i = 1; ok && i <= QMAX; i++)
		ok = expect(&q, OP_PUSH, i, BPF_ANY, 0, "fill");
	ok = ok && expect(&q, OP_PUSH, 9, BPF_ANY, -E2BIG, "push when full") &&
	     expect(&q, OP_PUSH, 5, BPF_EXIST, 0, "push BPF_EXIST when full") &&
	     drain(&q, left, QMAX, "pop after the oldest went");
	qs_close(&q);
	return ok;
}

static bool c_flags(const struct kt_be *be)
{
	struct qs q;
	bool ok = qs_open(be, &q);

	ok = ok && expect(&q, OP_PUSH, 1, BPF_NOEXIST, -EINVAL, "BPF_NOEXIST") &&
	     expect(&q, OP_PUSH, 1, BPF_EXIST + 1, -EINVAL, "flags 3") &&
	     expect(&q, OP_PUSH, 1, 1ULL << 32, -EINVAL, "flags 1 << 32") &&
	     expect(&q, OP_PUSH, 1, BPF_EXIST, 0, "BPF_EXIST when not full") &&
	     expect(&q, OP_POP, 0, 0, 1, "pop");
	qs_close(&q);
	return ok;
}

/* What the program pushes, the syscall pops, and the other way round. */
static bool c_shared_with_syscall(const struct kt_be *be)
{
	struct qs q;
	bool ok = qs_open(be, &q);
	__u64 v = 0;

	ok = ok && expect(&q, OP_PUSH, 7, BPF_ANY, 0, "program push") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, q.map_fd, NULL, &v, 0),
			 "syscall peek") &&
	     kt_check_u64(v, 7, "peeked") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_AND_DELETE_ELEM, q.map_fd,
				 NULL, &v, 0), "syscall pop") &&
	     kt_check_u64(v, 7, "popped") &&
	     expect(&q, OP_PEEK, 0, 0, -ENOENT, "program peek after");
	v = 8;
	ok = ok && kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, q.map_fd, NULL,
				       &v, BPF_ANY), "syscall push") &&
	     expect(&q, OP_POP, 0, 0, 8, "program pop");
	qs_close(&q);
	return ok;
}

/* check_map_func_compatibility(): push on an array does not load. */
static bool c_refused_on_array(const struct kt_be *be)
{
	int map = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, QMAX, 0);
	int prog = -1;
	bool ok = kt_check_ok(map, "MAP_CREATE");

	if (ok) {
		prog = load_prog(be, map);
		ok = kt_check_errno(prog, EINVAL, "PROG_LOAD on an array");
	}
	if (prog >= 0)
		close(prog);
	if (map >= 0)
		close(map);
	return ok;
}

static const struct {
	const char *name;
	bool (*fn)(const struct kt_be *be);
} cases[] = {
	{ "order", c_order },
	{ "full", c_full },
	{ "flags", c_flags },
	{ "shared_with_syscall", c_shared_with_syscall },
};

int main(int argc, char **argv)
{
	static const __u32 types[] = { BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK };
	static const char *const names[] = { "queue", "stack" };
	bool linux_ok;
	unsigned int t, i;
	char name[96];

	(void)argc;
	if (!kt_dual_setup(argv[0], "prog_queue_stack", &linux_ok))
		return kt_done();
	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		cur_type = types[t];
		for (i = 0; i < KT_ARRAY_SIZE(cases); i++) {
			snprintf(name, sizeof(name), "%s_%s", names[t],
				 cases[i].name);
			kt_dual(name, cases[i].fn, linux_ok);
		}
	}
	kt_dual("push_refused_on_array", c_refused_on_array, linux_ok);
	return kt_done();
}
