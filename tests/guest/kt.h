/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kt: the little harness the in-guest ABI tests share.
 *
 * Every case reports exactly one line, which tests/guest/run.sh and the host
 * count:
 *
 *	KBPF-TEST PASS <binary>/<case>
 *	KBPF-TEST FAIL <binary>/<case>: <reason, expected vs got>
 *	KBPF-TEST SKIP <binary>/<case>: <reason>
 *
 * and kt_done() turns "some case failed" into exit status 1.
 *
 * A one-call case uses kt_expect_errno()/kt_expect_ok(). A case with several
 * steps chains kt_check_*() calls with &&: the first one that does not hold
 * records why in kt_why and stops the chain, and kt_verdict() reports the
 * case once with that reason.
 */
#ifndef KBPF_TESTS_GUEST_KT_H
#define KBPF_TESTS_GUEST_KT_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "kbpf.h"

/*
 * kbpf is built against Linux 6.1's <linux/bpf.h>. The size rules tested
 * here ("bytes past the union must be zero", "info_len is clamped to the
 * struct") are only meaningful if these tests see the same layout.
 */
_Static_assert(sizeof(union bpf_attr) == 144, "tests assume Linux 6.1's union bpf_attr");
_Static_assert(sizeof(struct bpf_map_info) == 88, "tests assume Linux 6.1's struct bpf_map_info");
_Static_assert(BPF_PROG_BIND_MAP == 35, "tests assume Linux 6.1's enum bpf_cmd");

#ifndef offsetofend
#define offsetofend(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
#endif

#define KT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Linux's internal ENOTSUPP, which bpf(2) lets escape in a few places. */
#define KT_ENOTSUPP 524

static const char *kt_bin = "?";
static FILE *kt_out;
static int kt_failures;
/* Why the last kt_check_*() in a chain did not hold. */
static char kt_why[512];

static inline void kt_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0)
		kt_bin = slash ? slash + 1 : argv0;
	/* Lines must reach the console in order, also across fork(). */
	kt_out = stdout;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Send the result lines elsewhere (unpriv's child reports through a pipe). */
static inline void kt_set_output(FILE *out)
{
	kt_out = out;
}

static inline const char *kt_errname(int err)
{
	static char buf[24];

	switch (err) {
#define KT_E(e) case e: return #e
	KT_E(EPERM);
	KT_E(ENOENT);
	KT_E(ESRCH);
	KT_E(EINTR);
	KT_E(EIO);
	KT_E(ENXIO);
	KT_E(E2BIG);
	KT_E(ENOEXEC);
	KT_E(EBADF);
	KT_E(ECHILD);
	KT_E(EAGAIN);
	KT_E(ENOMEM);
	KT_E(EACCES);
	KT_E(EFAULT);
	KT_E(EBUSY);
	KT_E(EEXIST);
	KT_E(ENODEV);
	KT_E(ENOTDIR);
	KT_E(EISDIR);
	KT_E(EINVAL);
	KT_E(EMFILE);
	KT_E(ENOTTY);
	KT_E(ENOSPC);
	KT_E(ERANGE);
	KT_E(ENOSYS);
	KT_E(EBADFD);
	KT_E(EOPNOTSUPP);
	KT_E(ETIMEDOUT);
#undef KT_E
	case KT_ENOTSUPP:
		return "ENOTSUPP(524)";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* Print one result line; reason is NULL for a PASS. */
static inline void kt_line(const char *verdict, const char *name, char *reason)
{
	char *p;

	/* One result, one line: the counters read line by line. */
	for (p = reason; p && *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (!kt_out)
		kt_out = stdout;
	if (reason)
		fprintf(kt_out, "KBPF-TEST %s %s/%s: %s\n", verdict, kt_bin,
			name, reason);
	else
		fprintf(kt_out, "KBPF-TEST %s %s/%s\n", verdict, kt_bin, name);
	fflush(kt_out);
}

static inline void kt_pass(const char *name)
{
	kt_line("PASS", name, NULL);
}

__attribute__((format(printf, 2, 3)))
static inline void kt_fail(const char *name, const char *fmt, ...)
{
	char reason[sizeof(kt_why) + 128];
	va_list ap;

	kt_failures++;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	kt_line("FAIL", name, reason);
}

__attribute__((format(printf, 2, 3)))
static inline void kt_skip(const char *name, const char *fmt, ...)
{
	char reason[sizeof(kt_why) + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	kt_line("SKIP", name, reason);
}

/* The binary's exit status: 1 if any case failed. */
static inline int kt_done(void)
{
	return kt_failures ? 1 : 0;
}

/* "3" for a result, "-1 EINVAL" for an error: how results read in reasons. */
/* Switch kbpf's JIT on or off (kbpf.jit_enable), for the interpreter runs. */
static inline bool kt_set_jit(int on)
{
	FILE *f = fopen("/sys/module/kbpf/parameters/jit_enable", "w");
	bool ok;

	if (!f)
		return false;
	ok = fprintf(f, "%d\n", on) > 0;
	return fclose(f) == 0 && ok;
}

static inline const char *kt_fmt_ret(long ret, int err)
{
	static char buf[48];

	if (ret == -1)
		snprintf(buf, sizeof(buf), "-1 %s", kt_errname(err));
	else
		snprintf(buf, sizeof(buf), "%ld", ret);
	return buf;
}

__attribute__((format(printf, 1, 2)))
static inline bool kt_whyf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kt_why, sizeof(kt_why), fmt, ap);
	va_end(ap);
	return false;
}

/* ret must be -1 with errno == want. Read errno before anything clobbers it. */
static inline bool kt_check_errno(long ret, int want, const char *what)
{
	int err = errno;

	if (ret == -1 && err == want)
		return true;
	return kt_whyf("%s: expected -1 %s, got %s", what, kt_errname(want),
		       kt_fmt_ret(ret, err));
}

/* ret must be a success (0 or a new fd). */
static inline bool kt_check_ok(long ret, const char *what)
{
	int err = errno;

	if (ret >= 0)
		return true;
	return kt_whyf("%s: expected success, got %s", what, kt_fmt_ret(ret, err));
}

static inline bool kt_check_u64(uint64_t got, uint64_t want, const char *what)
{
	if (got == want)
		return true;
	return kt_whyf("%s: expected %llu (%#llx), got %llu (%#llx)", what,
		       (unsigned long long)want, (unsigned long long)want,
		       (unsigned long long)got, (unsigned long long)got);
}

static inline bool kt_check_true(bool cond, const char *what)
{
	if (cond)
		return true;
	return kt_whyf("%s", what);
}

static inline bool kt_check_mem(const void *got, const void *want, size_t len,
				const char *what)
{
	const unsigned char *g = got, *w = want;
	size_t i;

	for (i = 0; i < len; i++)
		if (g[i] != w[i])
			return kt_whyf("%s: byte %zu expected %#04x, got %#04x",
				       what, i, w[i], g[i]);
	return true;
}

/* Every byte of buf must be c (what the kernel must not have touched). */
static inline bool kt_check_fill(const void *buf, int c, size_t len,
				 const char *what)
{
	const unsigned char *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (unsigned char)c)
			return kt_whyf("%s: byte %zu expected %#04x, got %#04x",
				       what, i, (unsigned char)c, b[i]);
	return true;
}

/* Report a case from the result of a kt_check_*() chain. */
static inline void kt_verdict(const char *name, bool ok)
{
	if (ok)
		kt_pass(name);
	else
		kt_fail(name, "%s", kt_why);
}

/* A one-call case that must fail with want. */
static inline void kt_expect_errno(const char *name, long ret, int want)
{
	kt_verdict(name, kt_check_errno(ret, want, "result"));
}

/* A one-call case that must succeed. */
static inline void kt_expect_ok(const char *name, long ret)
{
	kt_verdict(name, kt_check_ok(ret, "result"));
}

/* bpf(2) plumbing. */

static inline __u64 kt_ptr(const void *p)
{
	return (__u64)(uintptr_t)p;
}

static inline void kt_attr_zero(union bpf_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
}

/* bpf(2) with the whole union, as libbpf passes it. */
static inline long kt_bpf(int cmd, union bpf_attr *attr)
{
	return kbpf_sys_bpf(cmd, attr, sizeof(*attr));
}

static inline void kt_map_attr(union bpf_attr *attr, __u32 type, __u32 key_size,
			       __u32 value_size, __u32 max_entries, __u32 flags)
{
	kt_attr_zero(attr);
	attr->map_type = type;
	attr->key_size = key_size;
	attr->value_size = value_size;
	attr->max_entries = max_entries;
	attr->map_flags = flags;
}

static inline int kt_map_create(__u32 type, __u32 key_size, __u32 value_size,
				__u32 max_entries, __u32 flags)
{
	union bpf_attr attr;

	kt_map_attr(&attr, type, key_size, value_size, max_entries, flags);
	return kt_bpf(BPF_MAP_CREATE, &attr);
}

/* Map type families, as the cases tell them apart. */
static inline bool kt_map_is_array(__u32 type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static inline bool kt_map_is_percpu(__u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static inline bool kt_map_is_lru(__u32 type)
{
	return type == BPF_MAP_TYPE_LRU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* The map most cases need: u32 keys, value_size bytes each. */
static inline int kt_array_create(__u32 value_size, __u32 max_entries, __u32 flags)
{
	return kt_map_create(BPF_MAP_TYPE_ARRAY, 4, value_size, max_entries, flags);
}

static inline long kt_map_lookup(int fd, const void *key, void *value, __u64 flags)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_fd = fd;
	attr.key = kt_ptr(key);
	attr.value = kt_ptr(value);
	attr.flags = flags;
	return kt_bpf(BPF_MAP_LOOKUP_ELEM, &attr);
}

static inline long kt_map_update(int fd, const void *key, const void *value,
				 __u64 flags)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_fd = fd;
	attr.key = kt_ptr(key);
	attr.value = kt_ptr(value);
	attr.flags = flags;
	return kt_bpf(BPF_MAP_UPDATE_ELEM, &attr);
}

static inline long kt_map_delete(int fd, const void *key)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_fd = fd;
	attr.key = kt_ptr(key);
	return kt_bpf(BPF_MAP_DELETE_ELEM, &attr);
}

static inline long kt_map_next_key(int fd, const void *key, void *next_key)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_fd = fd;
	attr.key = kt_ptr(key);
	attr.next_key = kt_ptr(next_key);
	return kt_bpf(BPF_MAP_GET_NEXT_KEY, &attr);
}

static inline long kt_map_lookup_and_delete(int fd, const void *key,
					    void *value, __u64 flags)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_fd = fd;
	attr.key = kt_ptr(key);
	attr.value = kt_ptr(value);
	attr.flags = flags;
	return kt_bpf(BPF_MAP_LOOKUP_AND_DELETE_ELEM, &attr);
}

/*
 * Possible CPUs, as libbpf counts them (/sys/devices/system/cpu/possible,
 * "0-3" or "0,2-3"): per-CPU values are this many round_up(size, 8) slots.
 * 0 if the file cannot be read.
 */
static inline int kt_possible_cpus(void)
{
	char buf[256], *p = buf, *end;
	long lo, hi;
	int n = 0;
	FILE *f;

	f = fopen("/sys/devices/system/cpu/possible", "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	while (*p && *p != '\n') {
		lo = strtol(p, &end, 10);
		if (end == p)
			return 0;
		hi = lo;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		n += hi - lo + 1;
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

static inline long kt_map_freeze(int fd)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_fd = fd;
	return kt_bpf(BPF_MAP_FREEZE, &attr);
}

/* OBJ_GET_INFO_BY_FD; *len goes in and comes back as the kernel wrote it. */
static inline long kt_obj_info(int fd, void *info, __u32 *len)
{
	union bpf_attr attr;
	long ret;

	kt_attr_zero(&attr);
	attr.info.bpf_fd = fd;
	attr.info.info_len = *len;
	attr.info.info = kt_ptr(info);
	ret = kt_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
	*len = attr.info.info_len;
	return ret;
}

static inline long kt_map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return kt_obj_info(fd, info, &len);
}

/* The map's id, 0 if it cannot be read (ids start at 1). */
static inline __u32 kt_map_id(int fd)
{
	struct bpf_map_info info;

	if (kt_map_info(fd, &info))
		return 0;
	return info.id;
}

/* {PROG,MAP}_GET_NEXT_ID. */
static inline long kt_next_id(int cmd, __u32 start_id, __u32 *next_id)
{
	union bpf_attr attr;
	long ret;

	kt_attr_zero(&attr);
	attr.start_id = start_id;
	ret = kt_bpf(cmd, &attr);
	*next_id = attr.next_id;
	return ret;
}

static inline long kt_map_fd_by_id(__u32 id, __u32 open_flags)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_id = id;
	attr.open_flags = open_flags;
	return kt_bpf(BPF_MAP_GET_FD_BY_ID, &attr);
}

/* Memory the kernel must fail to read or write. */

static inline size_t kt_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Two pages of which only the first stays mapped: the returned address is
 * the start of the mapped one, so base + page_size is a hole. Objects placed
 * to end at the hole test faults part way through a copy. NULL on failure.
 */
static inline char *kt_page_before_hole(void)
{
	size_t ps = kt_page_size();
	char *p;

	p = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (munmap(p + ps, ps)) {
		munmap(p, 2 * ps);
		return NULL;
	}
	memset(p, 0, ps);
	return p;
}

/* An address with nothing mapped at it (an munmap'ed page). */
static inline void *kt_unmapped(void)
{
	char *p = kt_page_before_hole();

	return p ? p + kt_page_size() : NULL;
}

/*
 * One "key:\tvalue" line of /proc/self/fdinfo/<fd>, value without its
 * newline. 0 on success, -1 if the file or the key is missing.
 */
static inline int kt_fdinfo_field(int fd, const char *key, char *val, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key), n;
	int ret = -1;
	FILE *f;

	if (!len)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':' ||
		    line[klen + 1] != '\t')
			continue;
		n = strcspn(line + klen + 2, "\n");
		if (n >= len)
			n = len - 1;
		memcpy(val, line + klen + 2, n);
		val[n] = '\0';
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* Open /dev/kbpf for kbpf_sys_bpf(); a failure is the binary's one result. */
static inline bool kt_open_dev(void)
{
	if (kbpf_dev_fd() >= 0)
		return true;
	kt_fail("open_dev", "open " KBPF_DEVICE_PATH ": %s", kt_errname(errno));
	return false;
}

#endif /* KBPF_TESTS_GUEST_KT_H */
