// SPDX-License-Identifier: GPL-2.0
/*
 * The base helpers of Linux 6.1 that every program type has, run in
 * socket filters with BPF_PROG_TEST_RUN, each case on kbpf and on Linux's
 * bpf(2) alike: bpf_strncmp against a constant string in a frozen
 * read-only array (and the load refused while the array is not frozen),
 * bpf_snprintf's format from such an array (checked at load),
 * bpf_ktime_get_tai_ns between two CLOCK_TAI readings, and
 * bpf_map_lookup_percpu_elem reading each CPU's copy of a per-CPU array
 * (NULL past the last CPU, a plain array refused at load).
 */
#include <time.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define KT_JNE_IMM(d, i, o)	KT_INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define KT_LD_MAP_VALUE(d, fd, off) \
	KT_INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_VALUE, 0, fd), \
	KT_INSN(0, 0, 0, 0, off)
#define KT_LD_IMM64(d, v) \
	KT_INSN(BPF_LD | BPF_DW | BPF_IMM, d, 0, 0, (__u32)(v)), \
	KT_INSN(0, 0, 0, 0, (__u32)((__u64)(v) >> 32))

static unsigned char pkt[64];

static int load(const struct kt_be *be, const struct bpf_insn *insns,
		__u32 cnt)
{
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = insns, .cnt = cnt };
	union bpf_attr attr;

	kt_load_attr(&attr, &l);
	return (int)be_call(be, BPF_PROG_LOAD, &attr);
}

/* Load and run once; the program's return value in *ret. */
static bool run(const struct kt_be *be, const struct bpf_insn *insns,
		__u32 cnt, __u32 *ret)
{
	union bpf_attr attr;
	int fd = load(be, insns, cnt);
	bool ok;

	if (!kt_check_ok(fd, "PROG_LOAD"))
		return false;
	kt_attr_zero(&attr);
	pkt[12] = 0x08;
	attr.test.prog_fd = fd;
	attr.test.data_in = kt_ptr(pkt);
	attr.test.data_size_in = sizeof(pkt);
	ok = kt_check_ok(be_call(be, BPF_PROG_TEST_RUN, &attr), "TEST_RUN");
	*ret = attr.test.retval;
	close(fd);
	return ok;
}

/* An ARRAY 4/16 holding s, read-only for programs, frozen when freeze. */
static int str_map(const struct kt_be *be, const char *s, bool freeze)
{
	char value[16] = { 0 };
	__u32 key = 0;
	int fd = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, sizeof(value), 1,
			       BPF_F_RDONLY_PROG);

	if (fd < 0)
		return fd;
	strncpy(value, s, sizeof(value) - 1);
	if (be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, value, 0) ||
	    (freeze && be_freeze(be, fd))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* bpf_strncmp(the 8 bytes w on the stack, 8, the map's string). */
#define STRNCMP_PROG(name, w, fd)					\
	const struct bpf_insn name[] = {				\
		KT_LD_IMM64(1, w),					\
		KT_STX(BPF_DW, 10, 1, -8),				\
		KT_MOV64_REG(1, 10),					\
		KT_ALU64_IMM(BPF_ADD, 1, -8),				\
		KT_MOV64_IMM(2, 8),					\
		KT_LD_MAP_VALUE(3, fd, 0),				\
		KT_CALL(BPF_FUNC_strncmp),				\
		KT_EXIT(),						\
	}

/* "hello", "hellp", "abc" as little-endian words. */
#define W_HELLO	0x6f6c6c6568ULL
#define W_HELLP	0x706c6c6568ULL
#define W_ABC	0x636261ULL

static bool strncmp_case(const struct kt_be *be, __u64 w, __u32 want)
{
	int fd = str_map(be, "hello", true);
	__u32 ret = 0;
	bool ok;

	if (!kt_check_ok(fd, "the string's map"))
		return false;
	{
		STRNCMP_PROG(insns, w, fd);

		ok = run(be, insns, KT_ARRAY_SIZE(insns), &ret) &&
		     kt_check_u64(ret, want, "retval");
	}
	close(fd);
	return ok;
}

static bool t_strncmp_equal(const struct kt_be *be)
{
	return strncmp_case(be, W_HELLO, 0);
}

static bool t_strncmp_greater(const struct kt_be *be)
{
	return strncmp_case(be, W_HELLP, 1);
}

static bool t_strncmp_less(const struct kt_be *be)
{
	return strncmp_case(be, W_ABC, (__u32)-1);
}

/* The string must be a constant: a map userspace can still write is refused. */
static bool t_strncmp_not_frozen(const struct kt_be *be)
{
	int fd = str_map(be, "hello", false);
	bool ok;

	if (!kt_check_ok(fd, "the string's map"))
		return false;
	{
		STRNCMP_PROG(insns, W_HELLO, fd);
		int pfd = load(be, insns, KT_ARRAY_SIZE(insns));

		ok = kt_check_errno(pfd, EACCES, "PROG_LOAD");
		if (pfd >= 0)
			close(pfd);
	}
	close(fd);
	return ok;
}

/* bpf_snprintf(NULL, 0, the map's format, { 42 }, 8): the length it needs. */
static bool snprintf_case(const struct kt_be *be, const char *fmt,
			  long want_load, __u32 want_ret)
{
	int fd = str_map(be, fmt, true);
	__u32 ret = 0;
	bool ok;

	if (!kt_check_ok(fd, "the format's map"))
		return false;
	{
		const struct bpf_insn insns[] = {
			KT_ST(BPF_DW, 10, -8, 42),
			KT_MOV64_IMM(1, 0),
			KT_MOV64_IMM(2, 0),
			KT_LD_MAP_VALUE(3, fd, 0),
			KT_MOV64_REG(4, 10),
			KT_ALU64_IMM(BPF_ADD, 4, -8),
			KT_MOV64_IMM(5, 8),
			KT_CALL(BPF_FUNC_snprintf),
			KT_EXIT(),
		};

		if (want_load) {
			int pfd = load(be, insns, KT_ARRAY_SIZE(insns));

			ok = kt_check_errno(pfd, (int)want_load, "PROG_LOAD");
			if (pfd >= 0)
				close(pfd);
		} else {
			ok = run(be, insns, KT_ARRAY_SIZE(insns), &ret) &&
			     kt_check_u64(ret, want_ret, "retval");
		}
	}
	close(fd);
	return ok;
}

/* "n=42" and its NUL; a bad conversion or a missing argument fails the load. */
static bool t_snprintf(const struct kt_be *be)
{
	return snprintf_case(be, "n=%d", 0, 5) &&
	       snprintf_case(be, "n=%q", EINVAL, 0) &&
	       snprintf_case(be, "%d %d", EINVAL, 0);
}

static __u64 tai_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_TAI, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The helper's clock, stored into an array for userspace to read. */
static bool t_ktime_get_tai_ns(const struct kt_be *be)
{
	int fd = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	__u64 before, after, v = 0;
	__u32 key = 0, ret = 0;
	bool ok;

	if (!kt_check_ok(fd, "MAP_CREATE"))
		return false;
	{
		const struct bpf_insn insns[] = {
			KT_CALL(BPF_FUNC_ktime_get_tai_ns),
			KT_STX(BPF_DW, 10, 0, -16),
			KT_ST(BPF_W, 10, -4, 0),
			KT_LD_MAP_FD(1, fd),
			KT_MOV64_REG(2, 10),
			KT_ALU64_IMM(BPF_ADD, 2, -4),
			KT_MOV64_REG(3, 10),
			KT_ALU64_IMM(BPF_ADD, 3, -16),
			KT_MOV64_IMM(4, 0),
			KT_CALL(BPF_FUNC_map_update_elem),
			KT_EXIT(),
		};

		before = tai_now();
		ok = run(be, insns, KT_ARRAY_SIZE(insns), &ret) &&
		     kt_check_u64(ret, 0, "map_update_elem");
		after = tai_now();
	}
	ok = ok && kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, &v, 0),
			       "MAP_LOOKUP_ELEM") &&
	     kt_check_true(before <= v && v <= after,
			   "the value lies between two CLOCK_TAI readings");
	close(fd);
	return ok;
}

/* r0 = *bpf_map_lookup_percpu_elem(map, &0, cpu), or 999 for NULL. */
#define PERCPU_PROG(name, fd, cpu)					\
	const struct bpf_insn name[] = {				\
		KT_ST(BPF_W, 10, -4, 0),				\
		KT_LD_MAP_FD(1, fd),					\
		KT_MOV64_REG(2, 10),					\
		KT_ALU64_IMM(BPF_ADD, 2, -4),				\
		KT_MOV64_IMM(3, cpu),					\
		KT_CALL(BPF_FUNC_map_lookup_percpu_elem),		\
		KT_JNE_IMM(0, 0, 2),					\
		KT_MOV64_IMM(0, 999),					\
		KT_EXIT(),						\
		KT_LDX(BPF_DW, 0, 0, 0),				\
		KT_EXIT(),						\
	}

static bool t_lookup_percpu_elem(const struct kt_be *be)
{
	int ncpus = kt_possible_cpus();
	int fd = be_map_create(be, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0);
	__u64 values[256];
	__u32 key = 0, ret;
	bool ok;
	int cpu;

	if (!kt_check_ok(fd, "MAP_CREATE") ||
	    !kt_check_true(ncpus > 0 && ncpus <= 256, "possible CPUs"))
		return false;
	for (cpu = 0; cpu < ncpus; cpu++)
		values[cpu] = 100 + cpu;
	ok = kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, values, 0),
			 "MAP_UPDATE_ELEM");
	for (cpu = 0; ok && cpu <= ncpus; cpu++) {
		PERCPU_PROG(insns, fd, cpu);

		ret = 0;
		ok = run(be, insns, KT_ARRAY_SIZE(insns), &ret) &&
		     kt_check_u64(ret, cpu < ncpus ? 100 + cpu : 999,
				  "the CPU's value (999: NULL)");
	}
	close(fd);
	return ok;
}

static bool t_lookup_percpu_elem_array_refused(const struct kt_be *be)
{
	int fd = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	bool ok;

	if (!kt_check_ok(fd, "MAP_CREATE"))
		return false;
	{
		PERCPU_PROG(insns, fd, 0);
		int pfd = load(be, insns, KT_ARRAY_SIZE(insns));

		ok = kt_check_errno(pfd, EINVAL, "PROG_LOAD");
		if (pfd >= 0)
			close(pfd);
	}
	close(fd);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("strncmp_equal", t_strncmp_equal, linux_ok);
	kt_dual("strncmp_greater", t_strncmp_greater, linux_ok);
	kt_dual("strncmp_less", t_strncmp_less, linux_ok);
	kt_dual("strncmp_map_not_frozen", t_strncmp_not_frozen, linux_ok);
	kt_dual("snprintf_format_checked_at_load", t_snprintf, linux_ok);
	kt_dual("ktime_get_tai_ns", t_ktime_get_tai_ns, linux_ok);
	kt_dual("map_lookup_percpu_elem", t_lookup_percpu_elem, linux_ok);
	kt_dual("map_lookup_percpu_elem_array_refused",
		t_lookup_percpu_elem_array_refused, linux_ok);
	return kt_done();
}
