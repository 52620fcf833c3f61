// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_PROG_ARRAY and bpf_tail_call: create, update (a program
 * fd), lookup (the program's id), delete and key walk with the errno of
 * every bad input; the owner rule (type and runtime of the first user);
 * the slots emptied when the last map fd closes; tail calls through
 * BPF_PROG_TEST_RUN to a present slot, an empty slot, an index out of
 * range, and a self tail call counted to Linux's limit (1 + 33 runs).
 * Every case runs on kbpf and on the kernel's own bpf(2); the tail call
 * cases run on kbpf once JITed and once on the interpreter.
 */
#include <pthread.h>

#include "kt_fdmap.h"

#define SLOTS		4
#define FALLTHROUGH	99

/* "_interp" cases run with kbpf's jit_enable=0; Linux runs only the JIT pass. */
static bool interp;

static int load_ret(const struct kt_be *be, __u32 type, int ret)
{
	const struct bpf_insn insns[] = { KT_MOV64_IMM(0, ret), KT_EXIT() };

	return be_prog_load(be, type, insns, 2);
}

/* tail_call(ctx, arr, index); return FALLTHROUGH if it did not jump. */
static int load_caller(const struct kt_be *be, int arr, int index)
{
	const struct bpf_insn insns[] = {
		KT_LD_MAP_FD(2, arr),
		KT_MOV64_IMM(3, index),
		KT_CALL(BPF_FUNC_tail_call),
		KT_MOV64_IMM(0, FALLTHROUGH),
		KT_EXIT(),
	};

	return be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, insns,
			    KT_ARRAY_SIZE(insns));
}

static int prog_array(const struct kt_be *be)
{
	return be_map_create(be, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, SLOTS, 0);
}

static long put_fd(const struct kt_be *be, int map, __u32 key, int fd,
		   __u64 flags)
{
	__u32 value = (__u32)fd;

	return be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, &value, flags);
}

static bool c_create_errors(const struct kt_be *be)
{
	static const struct { __u32 key, value, max, flags; } bad[] = {
		{ 8, 4, SLOTS, 0 },			/* key_size */
		{ 4, 8, SLOTS, 0 },			/* value_size */
		{ 4, 0, SLOTS, 0 },
		{ 4, 4, 0, 0 },				/* max_entries */
		{ 4, 4, SLOTS, BPF_F_RDONLY_PROG },
		{ 4, 4, SLOTS, BPF_F_WRONLY_PROG },
		{ 4, 4, SLOTS, BPF_F_MMAPABLE },
		{ 4, 4, SLOTS, BPF_F_INNER_MAP },
		{ 4, 4, SLOTS, BPF_F_NO_PREALLOC },
	};
	char what[64];
	size_t i;
	int fd;

	for (i = 0; i < KT_ARRAY_SIZE(bad); i++) {
		fd = be_map_create(be, BPF_MAP_TYPE_PROG_ARRAY, bad[i].key,
				   bad[i].value, bad[i].max, bad[i].flags);
		be_close(fd);
		snprintf(what, sizeof(what), "MAP_CREATE case %zu", i);
		if (!kt_check_errno(fd, EINVAL, what))
			return false;
	}
	fd = prog_array(be);
	be_close(fd);
	return kt_check_ok(fd, "MAP_CREATE good");
}

static bool c_update_errors(const struct kt_be *be)
{
	int arr = prog_array(be), map = prog_array(be);
	int prog = load_ret(be, BPF_PROG_TYPE_SOCKET_FILTER, 1);
	int other = load_ret(be, BPF_PROG_TYPE_SCHED_CLS, 1);
	int devnull = open("/dev/null", O_RDONLY);
	__u32 key = 0;
	bool ok;

	ok = kt_check_ok(arr, "MAP_CREATE") && kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(other, "PROG_LOAD sched_cls") &&
	     kt_check_errno(put_fd(be, arr, 0, prog, BPF_NOEXIST), EINVAL,
			    "BPF_NOEXIST") &&
	     kt_check_errno(put_fd(be, arr, 0, prog, BPF_EXIST), EINVAL,
			    "BPF_EXIST") &&
	     kt_check_errno(put_fd(be, arr, 0, prog, BPF_F_LOCK), EINVAL,
			    "BPF_F_LOCK") &&
	     kt_check_errno(put_fd(be, arr, SLOTS, prog, 0), E2BIG,
			    "index == max_entries") &&
	     kt_check_errno(put_fd(be, arr, 0, 9999, 0), EBADF,
			    "closed fd") &&
	     kt_check_errno(put_fd(be, arr, 0, -1, 0), EBADF, "fd -1") &&
	     kt_check_errno(put_fd(be, arr, 0, map, 0), EINVAL, "a map fd") &&
	     kt_check_errno(put_fd(be, arr, 0, devnull, 0), EINVAL,
			    "a file fd") &&
	     /* The first program in fixes the owner: socket filter. */
	     kt_check_ok(put_fd(be, arr, 0, prog, 0), "update") &&
	     kt_check_errno(put_fd(be, arr, 1, other, 0), EINVAL,
			    "another program type") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, NULL, 0),
			    EFAULT, "lookup to NULL");
	be_close(devnull);
	be_close(other);
	be_close(prog);
	be_close(map);
	be_close(arr);
	return ok;
}

static bool c_lookup_delete_walk(const struct kt_be *be)
{
	int arr = prog_array(be);
	int prog = load_ret(be, BPF_PROG_TYPE_SOCKET_FILTER, 1);
	__u32 key, next, value = 0, id = be_prog_id(be, prog);
	bool ok;

	ok = kt_check_ok(arr, "MAP_CREATE") && kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_true(id != 0, "program id");
	key = 2;
	ok = ok &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, &value, 0),
			    ENOENT, "lookup of an empty slot") &&
	     kt_check_ok(put_fd(be, arr, 2, prog, BPF_ANY), "update") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, &value, 0),
			 "lookup") &&
	     kt_check_u64(value, id, "lookup gives the program id") &&
	     /* Overwriting is fine; the old reference goes. */
	     kt_check_ok(put_fd(be, arr, 2, prog, BPF_ANY), "update again");
	key = SLOTS;
	ok = ok &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, &value, 0),
			    ENOENT, "lookup past the end") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, arr, &key, NULL, 0),
			    E2BIG, "delete past the end");
	key = 1;
	ok = ok &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, arr, &key, NULL, 0),
			    ENOENT, "delete of an empty slot");
	key = 2;
	ok = ok &&
	     kt_check_ok(be_elem(be, BPF_MAP_DELETE_ELEM, arr, &key, NULL, 0),
			 "delete") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, &value, 0),
			    ENOENT, "lookup after delete") &&
	     kt_check_ok(be_next_key(be, arr, NULL, &next), "first key") &&
	     kt_check_u64(next, 0, "first key");
	key = SLOTS - 1;
	ok = ok &&
	     kt_check_errno(be_next_key(be, arr, &key, &next), ENOENT,
			    "after the last key");
	be_close(prog);
	be_close(arr);
	return ok;
}

/* The caller's tail call lands in slot 0's program, or falls through. */
static bool c_tail_call_slots(const struct kt_be *be)
{
	int arr = prog_array(be);
	int t42 = load_ret(be, BPF_PROG_TYPE_SOCKET_FILTER, 42);
	int t43 = load_ret(be, BPF_PROG_TYPE_SOCKET_FILTER, 43);
	int call0 = load_caller(be, arr, 0), call1 = load_caller(be, arr, 1);
	int call_far = load_caller(be, arr, 1000);
	int call_neg = load_caller(be, arr, -1);
	__u32 ret = 0, key = 0;
	bool ok;

	ok = kt_check_ok(arr, "MAP_CREATE") && kt_check_ok(t42, "PROG_LOAD") &&
	     kt_check_ok(t43, "PROG_LOAD") && kt_check_ok(call0, "PROG_LOAD") &&
	     kt_check_ok(call1, "PROG_LOAD") && kt_check_ok(call_far, "PROG_LOAD") &&
	     kt_check_ok(call_neg, "PROG_LOAD") &&
	     kt_check_ok(be_test_run(be, call0, &ret), "TEST_RUN empty array") &&
	     kt_check_u64(ret, FALLTHROUGH, "empty slot falls through") &&
	     kt_check_ok(put_fd(be, arr, 0, t42, 0), "update") &&
	     kt_check_ok(be_test_run(be, call0, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, 42, "tail call to slot 0") &&
	     kt_check_ok(be_test_run(be, call1, &ret), "TEST_RUN slot 1") &&
	     kt_check_u64(ret, FALLTHROUGH, "slot 1 is empty") &&
	     kt_check_ok(be_test_run(be, call_far, &ret), "TEST_RUN 1000") &&
	     kt_check_u64(ret, FALLTHROUGH, "index 1000 is out of range") &&
	     kt_check_ok(be_test_run(be, call_neg, &ret), "TEST_RUN -1") &&
	     kt_check_u64(ret, FALLTHROUGH, "index 0xffffffff is out of range") &&
	     kt_check_ok(put_fd(be, arr, 0, t43, 0), "overwrite") &&
	     kt_check_ok(be_test_run(be, call0, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, 43, "the new program runs") &&
	     kt_check_ok(be_elem(be, BPF_MAP_DELETE_ELEM, arr, &key, NULL, 0),
			 "delete") &&
	     kt_check_ok(be_test_run(be, call0, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, FALLTHROUGH, "deleted slot falls through");
	be_close(call_neg);
	be_close(call_far);
	be_close(call1);
	be_close(call0);
	be_close(t43);
	be_close(t42);
	be_close(arr);
	return ok;
}

/*
 * A program that counts its runs in counter[0] and tail calls slot 0,
 * itself: Linux runs it 1 + 33 times (MAX_TAIL_CALL_CNT), then the 34th
 * tail call falls through to "return 7".
 */
static bool c_tail_call_limit(const struct kt_be *be)
{
	int arr = prog_array(be);
	int counter = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	const struct bpf_insn insns[] = {
		KT_MOV64_REG(6, 1),
		KT_MOV64_IMM(1, 0),
		KT_STX(BPF_W, 10, 1, -4),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_LD_MAP_FD(1, counter),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(0, 0, 8),
		KT_LDX(BPF_DW, 1, 0, 0),
		KT_ALU64_IMM(BPF_ADD, 1, 1),
		KT_STX(BPF_DW, 0, 1, 0),
		KT_MOV64_REG(1, 6),
		KT_LD_MAP_FD(2, arr),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_tail_call),
		KT_MOV64_IMM(0, 7),
		KT_EXIT(),
	};
	int prog = be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, insns,
				KT_ARRAY_SIZE(insns));
	struct bpf_prog_info info;
	__u64 runs = 0;
	__u32 ret = 0, key = 0;
	bool ok;

	ok = kt_check_ok(arr, "MAP_CREATE") && kt_check_ok(counter, "MAP_CREATE") &&
	     kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(be_obj_info(be, prog, &info, sizeof(info)), "info");
	/* kbpf's runtime must be the one this pass is about. */
	if (ok && be == &kt_be_kbpf)
		ok = kt_check_true(interp ? !info.jited_prog_len :
				   info.jited_prog_len != 0,
				   interp ? "interpreted" : "JITed");
	ok = ok && kt_check_ok(put_fd(be, arr, 0, prog, 0), "update") &&
	     kt_check_ok(be_test_run(be, prog, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, 7, "retval") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, counter, &key, &runs, 0),
			 "counter") &&
	     kt_check_u64(runs, 34, "runs: the program and 33 tail calls");
	/* The array holds the program, the program the array: break it. */
	be_elem(be, BPF_MAP_DELETE_ELEM, arr, &key, NULL, 0);
	be_close(prog);
	be_close(counter);
	be_close(arr);
	return ok;
}

/*
 * A program using an array owned by another program type, or by the
 * other runtime, does not load (Linux's bpf_check_tail_call()).
 */
static bool c_owner_at_load(const struct kt_be *be)
{
	int arr = prog_array(be);
	int prog = load_ret(be, BPF_PROG_TYPE_SOCKET_FILTER, 1);
	const struct bpf_insn insns[] = {
		KT_LD_MAP_FD(2, arr),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_tail_call),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	int cls = -1, filter = -1;
	bool ok;

	ok = kt_check_ok(arr, "MAP_CREATE") && kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(put_fd(be, arr, 0, prog, 0), "update");
	if (ok) {
		cls = be_prog_load(be, BPF_PROG_TYPE_SCHED_CLS, insns,
				   KT_ARRAY_SIZE(insns));
		ok = kt_check_errno(cls, EINVAL, "sched_cls user of the array");
		filter = be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, insns,
				      KT_ARRAY_SIZE(insns));
		ok = kt_check_ok(filter, "socket filter user of the array") && ok;
	}
	be_close(filter);
	be_close(cls);
	be_close(prog);
	be_close(arr);
	return ok;
}

/* kbpf only: a JITed owner refuses an interpreted program, both ways in. */
static void t_owner_runtime(void)
{
	int arr = prog_array(&kt_be_kbpf), jited, interp_prog = -1, user = -1;
	const struct bpf_insn insns[] = {
		KT_LD_MAP_FD(2, arr),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_tail_call),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	bool ok;

	jited = load_ret(&kt_be_kbpf, BPF_PROG_TYPE_SOCKET_FILTER, 1);
	ok = kt_check_ok(arr, "MAP_CREATE") && kt_check_ok(jited, "PROG_LOAD") &&
	     kt_check_ok(put_fd(&kt_be_kbpf, arr, 0, jited, 0), "update JITed") &&
	     kt_check_true(kt_set_jit(0), "jit_enable=0");
	if (ok) {
		interp_prog = load_ret(&kt_be_kbpf, BPF_PROG_TYPE_SOCKET_FILTER, 2);
		ok = kt_check_ok(interp_prog, "PROG_LOAD interpreted") &&
		     kt_check_errno(put_fd(&kt_be_kbpf, arr, 1, interp_prog, 0),
				    EINVAL, "update with an interpreted program") &&
		     kt_check_errno(user = be_prog_load(&kt_be_kbpf,
							BPF_PROG_TYPE_SOCKET_FILTER,
							insns, KT_ARRAY_SIZE(insns)),
				    EINVAL, "interpreted user of a JITed array");
	}
	ok = kt_check_true(kt_set_jit(1), "jit_enable=1") && ok;
	kt_verdict("owner_runtime", ok);
	be_close(user);
	be_close(interp_prog);
	be_close(jited);
	be_close(arr);
}

/*
 * A program in its own array, both fds closed: the last map fd empties
 * the array (Linux's uref), so both objects go.
 */
static bool c_uref_breaks_cycle(const struct kt_be *be)
{
	int arr = prog_array(be), arr2 = -1;
	const struct bpf_insn insns[] = {
		KT_LD_MAP_FD(2, arr),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_tail_call),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	int prog = be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, insns,
				KT_ARRAY_SIZE(insns));
	__u32 prog_id = be_prog_id(be, prog), map_id = be_map_id(be, arr);
	__u32 key = 0, value = 0;
	bool ok;

	ok = kt_check_ok(arr, "MAP_CREATE") && kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(put_fd(be, arr, 0, prog, 0), "update");
	be_close(arr);
	/* The program keeps the map; the map, reopened, is empty now. */
	if (ok) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		int i;

		arr2 = be_fd_by_id(be, BPF_MAP_GET_FD_BY_ID, map_id);
		ok = kt_check_ok(arr2, "MAP_GET_FD_BY_ID");
		/* Linux empties it from a work item: give it time. */
		for (i = 0; ok && i < 300; i++) {
			if (be_elem(be, BPF_MAP_LOOKUP_ELEM, arr2, &key, &value,
				    0) && errno == ENOENT)
				break;
			nanosleep(&ts, NULL);
		}
		ok = ok && kt_check_true(i < 300, "slot 0 emptied");
		be_close(arr2);
	}
	ok = ok && kt_check_ok(be_close(prog), "close prog") &&
	     kt_check_true(be_wait_gone(be, BPF_PROG_GET_FD_BY_ID, prog_id),
			   "program freed") &&
	     kt_check_true(be_wait_gone(be, BPF_MAP_GET_FD_BY_ID, map_id),
			   "map freed");
	return ok;
}

struct churn {
	const struct kt_be *be;
	int arr, t42, t43;
	volatile int stop;
	long errors;
};

/* Swap the program in slot 0 and empty it, over and over. */
static void *churn_slot(void *arg)
{
	struct churn *c = arg;
	__u32 key = 0;

	while (!c->stop) {
		if (put_fd(c->be, c->arr, 0, c->t42, 0) ||
		    put_fd(c->be, c->arr, 0, c->t43, 0))
			c->errors++;
		be_elem(c->be, BPF_MAP_DELETE_ELEM, c->arr, &key, NULL, 0);
	}
	return NULL;
}

/* Tail calls while another thread rewrites the slot: 42, 43 or through. */
static bool c_tail_call_vs_update(const struct kt_be *be)
{
	struct churn c = { .be = be, .arr = prog_array(be) };
	int caller = load_caller(be, c.arr, 0), i;
	__u32 ret = 0;
	bool ok, started;
	pthread_t th;

	c.t42 = load_ret(be, BPF_PROG_TYPE_SOCKET_FILTER, 42);
	c.t43 = load_ret(be, BPF_PROG_TYPE_SOCKET_FILTER, 43);
	ok = kt_check_ok(c.arr, "MAP_CREATE") && kt_check_ok(caller, "PROG_LOAD") &&
	     kt_check_ok(c.t42, "PROG_LOAD") && kt_check_ok(c.t43, "PROG_LOAD") &&
	     kt_check_ok(pthread_create(&th, NULL, churn_slot, &c), "thread");
	started = ok;
	for (i = 0; ok && i < 3000; i++)
		ok = kt_check_ok(be_test_run(be, caller, &ret), "TEST_RUN") &&
		     kt_check_true(ret == 42 || ret == 43 || ret == FALLTHROUGH,
				   "42, 43 or fall through");
	if (started) {
		c.stop = 1;
		pthread_join(th, NULL);
	}
	ok = ok && kt_check_u64(c.errors, 0, "failed updates");
	be_close(c.t43);
	be_close(c.t42);
	be_close(caller);
	be_close(c.arr);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "all", &linux_ok))
		return kt_done();
	kt_dual("create_errors", c_create_errors, linux_ok);
	kt_dual("update_errors", c_update_errors, linux_ok);
	kt_dual("lookup_delete_walk", c_lookup_delete_walk, linux_ok);
	kt_dual("tail_call_slots", c_tail_call_slots, linux_ok);
	kt_dual("tail_call_limit", c_tail_call_limit, linux_ok);
	kt_dual("owner_at_load", c_owner_at_load, linux_ok);
	kt_dual("uref_breaks_cycle", c_uref_breaks_cycle, linux_ok);
	kt_dual("tail_call_vs_update", c_tail_call_vs_update, linux_ok);
	t_owner_runtime();

	/* The same tail calls on kbpf's interpreter. */
	interp = true;
	if (!kt_set_jit(0)) {
		kt_fail("interp_setup", "cannot write jit_enable: %s",
			kt_errname(errno));
		return kt_done();
	}
	kt_verdict("tail_call_slots_interp", c_tail_call_slots(&kt_be_kbpf));
	kt_verdict("tail_call_limit_interp", c_tail_call_limit(&kt_be_kbpf));
	kt_verdict("uref_breaks_cycle_interp",
		   c_uref_breaks_cycle(&kt_be_kbpf));
	kt_verdict("tail_call_vs_update_interp",
		   c_tail_call_vs_update(&kt_be_kbpf));
	if (!kt_set_jit(1))
		kt_fail("interp_teardown", "cannot write jit_enable: %s",
			kt_errname(errno));
	return kt_done();
}
