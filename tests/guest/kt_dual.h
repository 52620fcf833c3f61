/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tests that run twice: on kbpf (/dev/kbpf) and on the running kernel's
 * own bpf(2). A case is a function of the backend; its result on kbpf is
 * the test, its result on Linux proves the expectation is Linux's
 * (reported as "<case>@linux", skipped when bpf(2) is not available).
 */
#ifndef KBPF_TESTS_GUEST_KT_DUAL_H
#define KBPF_TESTS_GUEST_KT_DUAL_H

#include <sys/syscall.h>

#include <linux/kbpf.h>

#include "kt.h"
#include "kt_prog.h"

struct kt_be {
	const char *suffix;
	long (*bpf)(int cmd, union bpf_attr *attr, unsigned int size);
};

static long kt_linux_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static const struct kt_be kt_be_kbpf = { "", kbpf_sys_bpf };
static const struct kt_be kt_be_linux = { "@linux", kt_linux_bpf };

static inline long be_call(const struct kt_be *be, int cmd, union bpf_attr *attr)
{
	return be->bpf(cmd, attr, sizeof(*attr));
}

static inline int be_map_create(const struct kt_be *be, __u32 type,
				__u32 key_size, __u32 value_size,
				__u32 max_entries, __u32 flags)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	attr.map_flags = flags;
	return be_call(be, BPF_MAP_CREATE, &attr);
}

/* An element command: LOOKUP, UPDATE, DELETE, LOOKUP_AND_DELETE. */
static inline long be_elem(const struct kt_be *be, int cmd, int fd,
			   const void *key, void *value, __u64 flags)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_fd = fd;
	attr.key = kt_ptr(key);
	attr.value = kt_ptr(value);
	attr.flags = flags;
	return be_call(be, cmd, &attr);
}

static inline long be_next_key(const struct kt_be *be, int fd,
			       const void *key, void *next)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_fd = fd;
	attr.key = kt_ptr(key);
	attr.next_key = kt_ptr(next);
	return be_call(be, BPF_MAP_GET_NEXT_KEY, &attr);
}

static inline long be_freeze(const struct kt_be *be, int fd)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_fd = fd;
	return be_call(be, BPF_MAP_FREEZE, &attr);
}

/* BPF_PROG_LOAD of l: the new fd, or -1 with errno. */
static inline int be_load_prog(const struct kt_be *be,
			       const struct kt_load *l)
{
	union bpf_attr attr;

	kt_load_attr(&attr, l);
	return (int)be_call(be, BPF_PROG_LOAD, &attr);
}

/*
 * One BPF_PROG_TEST_RUN: the packet and the context that go in, the room
 * for the packet and the context that come out, how to run, and what the
 * kernel gives back. The sizes out are in/out, as in the attr: the kernel
 * writes the full size there (data_size_out even without a data_out), so
 * a later run with the same kt_run offers that much room.
 */
struct kt_run {
	const void *data_in;
	__u32 data_size_in;
	void *data_out;
	__u32 data_size_out;	/* the room at data_out; then what was written */
	const void *ctx_in;
	__u32 ctx_size_in;
	void *ctx_out;
	__u32 ctx_size_out;	/* the room at ctx_out; then what was written */
	__u32 repeat;
	__u32 flags;		/* BPF_F_TEST_RUN_ON_CPU, ... */
	__u32 cpu;
	__u32 retval;		/* the program's return value */
	__u32 duration;		/* the mean time of a run, in ns */
};

/* Test-run program fd once (or run->repeat times): 0, or -1 with errno. */
static inline long be_run_prog(const struct kt_be *be, int fd,
			       struct kt_run *run)
{
	union bpf_attr attr;
	long ret;

	kt_attr_zero(&attr);
	attr.test.prog_fd = (__u32)fd;
	attr.test.data_in = kt_ptr(run->data_in);
	attr.test.data_size_in = run->data_size_in;
	attr.test.data_out = kt_ptr(run->data_out);
	attr.test.data_size_out = run->data_size_out;
	attr.test.ctx_in = kt_ptr(run->ctx_in);
	attr.test.ctx_size_in = run->ctx_size_in;
	attr.test.ctx_out = kt_ptr(run->ctx_out);
	attr.test.ctx_size_out = run->ctx_size_out;
	attr.test.repeat = run->repeat;
	attr.test.flags = run->flags;
	attr.test.cpu = run->cpu;
	ret = be_call(be, BPF_PROG_TEST_RUN, &attr);
	run->retval = attr.test.retval;
	run->data_size_out = attr.test.data_size_out;
	run->ctx_size_out = attr.test.ctx_size_out;
	run->duration = attr.test.duration;
	return ret;
}

/*
 * What most program cases do: load l, test-run it once, close it. False,
 * with why in kt_why, if the load or the run failed; the results in *run.
 */
static inline bool be_load_run(const struct kt_be *be, const struct kt_load *l,
			       struct kt_run *run)
{
	int fd = be_load_prog(be, l);
	bool ok;

	if (!kt_check_ok(fd, "PROG_LOAD"))
		return false;
	ok = kt_check_ok(be_run_prog(be, fd, run), "TEST_RUN");
	close(fd);
	return ok;
}

/*
 * Test-run fd repeat times (0 counts as 1) on the size bytes at pkt: 0
 * with the return value in *retval, or -1 with errno.
 */
static inline long be_run_pkt(const struct kt_be *be, int fd, const void *pkt,
			      __u32 size, __u32 repeat, __u32 *retval)
{
	struct kt_run run = { .data_in = pkt, .data_size_in = size,
			      .repeat = repeat };
	long ret = be_run_prog(be, fd, &run);

	*retval = run.retval;
	return ret;
}

/* A raw tracepoint program: its fd, or -1 with errno. */
static inline int be_load_raw_tp(const struct kt_be *be,
				 const struct bpf_insn *insns, __u32 cnt)
{
	struct kt_load l = { .type = BPF_PROG_TYPE_RAW_TRACEPOINT,
			     .insns = insns, .cnt = cnt };

	return be_load_prog(be, &l);
}

/*
 * Test-run a raw tracepoint program with nargs u64 arguments as its
 * context; its return value, sign-extended from the u32, in *ret.
 */
static inline bool be_run_raw_tp(const struct kt_be *be, int fd,
				 const __u64 *args, __u32 nargs, long *ret)
{
	struct kt_run run = { .ctx_in = args,
			      .ctx_size_in = nargs * sizeof(__u64) };

	if (!kt_check_ok(be_run_prog(be, fd, &run), "TEST_RUN"))
		return false;
	*ret = (int)run.retval;
	return true;
}

/* Is the kernel's own bpf(2) there to compare with? */
static inline bool kt_linux_bpf_usable(void)
{
	int fd = be_map_create(&kt_be_linux, BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * Run one case on kbpf, then on Linux when it can; fn gets arg too (a
 * row of a table of cases).
 */
static inline void kt_dual_arg(const char *name,
			       bool (*fn)(const struct kt_be *be, const void *arg),
			       const void *arg, bool linux_ok)
{
	char full[128];

	kt_why[0] = '\0';
	kt_verdict(name, fn(&kt_be_kbpf, arg));
	snprintf(full, sizeof(full), "%s@linux", name);
	if (!linux_ok) {
		kt_skip(full, "the kernel's bpf(2) is not usable here");
		return;
	}
	kt_why[0] = '\0';
	kt_verdict(full, fn(&kt_be_linux, arg));
}

struct kt_dual_fn {
	bool (*fn)(const struct kt_be *be);
};

static inline bool kt_dual_call(const struct kt_be *be, const void *arg)
{
	return ((const struct kt_dual_fn *)arg)->fn(be);
}

/* Run one case on kbpf, then on Linux when it can. */
static inline void kt_dual(const char *name, bool (*fn)(const struct kt_be *be),
			   bool linux_ok)
{
	struct kt_dual_fn f = { fn };

	kt_dual_arg(name, kt_dual_call, &f, linux_ok);
}

/*
 * The start of a dual test's main(): name the binary, open /dev/kbpf,
 * skip everything (as case skip_name) when this build has no verifier,
 * and find out whether Linux's bpf(2) is there to compare with. False
 * when there is nothing to run: main() then returns kt_done().
 */
static inline bool kt_dual_setup(const char *argv0, const char *skip_name,
				 bool *linux_ok)
{
	kt_init(argv0);
	if (!kt_open_dev())
		return false;
	if (!kt_verifier_present()) {
		kt_skip(skip_name, "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return false;
	}
	*linux_ok = kt_linux_bpf_usable();
	return true;
}

#endif /* KBPF_TESTS_GUEST_KT_DUAL_H */
