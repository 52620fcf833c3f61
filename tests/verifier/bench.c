// SPDX-License-Identifier: GPL-2.0
/*
 * test_verifier as a verifier benchmark (make bench-verifier): the guest
 * runner's place, wrapped so that every map it creates exists twice (on
 * kbpf and on Linux, through bpf(2)) and every program it loads is loaded
 * into both. For each privileged test program both verifiers accept it
 * times the load (best of N, log off, JIT as each side has it) and reads
 * the "processed N insns ... peak_states P" line of a BPF_LOG_STATS load,
 * then prints
 *
 *	verifier_bench #IDX/p kbpf_ns=X linux_ns=Y ratio=Z kbpf_insns=A
 *		linux_insns=B kbpf_peak=C linux_peak=D
 *
 * and at the end a summary (count, geometric mean and total time ratio,
 * the 10 worst ratios). A measurement, not a test.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kbpf.h"
#include "vt_run.h"
#include "bench.h"

#define BENCH_MAX_FD	4096
#define BENCH_LOG_SIZE	(1u << 20)
#define BENCH_MAX_PROGS	4096
#define BENCH_WORST	10

struct bench_result {
	unsigned int idx;
	double kbpf_ns, linux_ns;
	unsigned long kbpf_insns, linux_insns, kbpf_peak, linux_peak;
};

/* The place being wrapped. */
static struct vt_place inner;
static int repeats;
/* kbpf fd -> the Linux object made alongside it, + 1 (0: none). */
static int linux_of[BENCH_MAX_FD];
/* kbpf fd -> is a prog array (its values are program fds). */
static bool prog_array[BENCH_MAX_FD];
static unsigned int cur_idx;
static char *stats_log;
static struct bench_result *results;
static unsigned int nresults;

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	long ret = syscall(SYS_bpf, cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : ret;
}

static void set_linux(int kfd, int lfd)
{
	if (kfd >= 0 && kfd < BENCH_MAX_FD)
		linux_of[kfd] = lfd + 1;
	else if (lfd >= 0)
		close(lfd);
}

static int get_linux(int kfd)
{
	return kfd >= 0 && kfd < BENCH_MAX_FD ? linux_of[kfd] - 1 : -1;
}

static void drop_linux(int kfd)
{
	int lfd = get_linux(kfd);

	if (lfd >= 0)
		close(lfd);
	if (kfd >= 0 && kfd < BENCH_MAX_FD) {
		linux_of[kfd] = 0;
		prog_array[kfd] = false;
	}
}

static int bench_map_create(const struct vt_map_spec *spec)
{
	int kfd = inner.map_create(spec);

	if (kfd >= 0) {
		set_linux(kfd, vt_guest_map_create(spec, sys_bpf));
		if (kfd < BENCH_MAX_FD)
			prog_array[kfd] = spec->prog_array;
	}
	return kfd;
}

static int bench_map_update(int fd, const void *key, const void *value)
{
	int lfd = get_linux(fd), ret = inner.map_update(fd, key, value);
	union bpf_attr attr;
	char buf[64] = { 0 };
	int lprog;

	if (lfd < 0)
		return ret;
	if (prog_array[fd]) {
		/* The value is a program fd: Linux gets its own program. */
		lprog = get_linux(*(const int *)value);
		if (lprog < 0)
			return ret;
		memcpy(buf, &lprog, sizeof(lprog));
	} else {
		memcpy(buf, value, 48);
	}
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = lfd;
	attr.key = (unsigned long)key;
	attr.value = (unsigned long)buf;
	attr.flags = BPF_ANY;
	sys_bpf(BPF_MAP_UPDATE_ELEM, &attr);
	return ret;
}

static void bench_close(int fd)
{
	drop_linux(fd);
	inner.map_close(fd);
}

/* The program with kbpf's map fds replaced by Linux's; NULL if one is missing. */
static struct bpf_insn *linux_insns(const struct vt_load *ld)
{
	struct bpf_insn *p = malloc(ld->insn_cnt * sizeof(*p));
	uint32_t i;

	if (!p)
		return NULL;
	memcpy(p, ld->insns, ld->insn_cnt * sizeof(*p));
	for (i = 0; i < ld->insn_cnt; i++) {
		if (p[i].code != (BPF_LD | BPF_DW | BPF_IMM))
			continue;
		if (p[i].src_reg == BPF_PSEUDO_MAP_FD ||
		    p[i].src_reg == BPF_PSEUDO_MAP_VALUE) {
			int lfd = get_linux(p[i].imm);

			if (lfd < 0) {
				free(p);
				return NULL;
			}
			p[i].imm = lfd;
		}
		i++;
	}
	return p;
}

static void fill_attr(union bpf_attr *attr, const struct vt_load *ld,
		      const struct bpf_insn *insns, uint32_t log_level)
{
	memset(attr, 0, sizeof(*attr));
	attr->prog_type = ld->prog_type;
	attr->expected_attach_type = ld->expected_attach_type;
	attr->insns = (unsigned long)insns;
	attr->insn_cnt = ld->insn_cnt;
	attr->license = (unsigned long)"GPL";
	attr->prog_flags = ld->prog_flags;
	if (log_level) {
		stats_log[0] = 0;
		attr->log_buf = (unsigned long)stats_log;
		attr->log_size = BENCH_LOG_SIZE;
		attr->log_level = log_level;
	}
}

static long kbpf_bpf(int cmd, union bpf_attr *attr)
{
	long ret = kbpf_sys_bpf(cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : ret;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One load, timed; the fd is closed. Negative: it failed. */
static double timed_load(bool on_linux, const struct vt_load *ld,
			 const struct bpf_insn *insns)
{
	union bpf_attr attr;
	double t0, t1;
	long fd;

	fill_attr(&attr, ld, insns, 0);
	t0 = now_ns();
	fd = on_linux ? sys_bpf(BPF_PROG_LOAD, &attr) :
			kbpf_bpf(BPF_PROG_LOAD, &attr);
	t1 = now_ns();
	if (fd < 0)
		return -1;
	close(fd);
	return t1 - t0;
}

/* The stats line of a BPF_LOG_STATS load; false if it failed. */
static bool stats_load(bool on_linux, const struct vt_load *ld,
		       const struct bpf_insn *insns, unsigned long *insns_out,
		       unsigned long *peak_out)
{
	union bpf_attr attr;
	const char *p;
	long fd;

	fill_attr(&attr, ld, insns, 4);
	fd = on_linux ? sys_bpf(BPF_PROG_LOAD, &attr) :
			kbpf_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		return false;
	close(fd);
	p = strstr(stats_log, "processed ");
	*insns_out = p ? strtoul(p + 10, NULL, 10) : 0;
	p = strstr(stats_log, "peak_states ");
	*peak_out = p ? strtoul(p + 12, NULL, 10) : 0;
	return true;
}

static void measure(const struct vt_load *ld, const struct bpf_insn *lins)
{
	struct bench_result r = { .idx = cur_idx };
	double best_k = -1, best_l = -1, t;
	int i;

	if (!stats_load(false, ld, ld->insns, &r.kbpf_insns, &r.kbpf_peak) ||
	    !stats_load(true, ld, lins, &r.linux_insns, &r.linux_peak))
		return;
	/* kbpf and Linux take turns, so that noise hits both alike. */
	for (i = 0; i < repeats; i++) {
		t = timed_load(false, ld, ld->insns);
		if (t < 0)
			return;
		if (best_k < 0 || t < best_k)
			best_k = t;
		t = timed_load(true, ld, lins);
		if (t < 0)
			return;
		if (best_l < 0 || t < best_l)
			best_l = t;
	}
	r.kbpf_ns = best_k;
	r.linux_ns = best_l;
	printf("verifier_bench #%u/p kbpf_ns=%.0f linux_ns=%.0f ratio=%.2f kbpf_insns=%lu linux_insns=%lu kbpf_peak=%lu linux_peak=%lu\n",
	       r.idx, r.kbpf_ns, r.linux_ns, r.kbpf_ns / r.linux_ns,
	       r.kbpf_insns, r.linux_insns, r.kbpf_peak, r.linux_peak);
	if (nresults < BENCH_MAX_PROGS)
		results[nresults++] = r;
}

static int bench_prog_load(struct vt_load *ld)
{
	int kfd = inner.prog_load(ld);
	struct bpf_insn *lins;
	union bpf_attr attr;

	if (kfd < 0 || ld->unpriv)
		return kfd;
	lins = linux_insns(ld);
	if (!lins)
		return kfd;
	/* The test's own load (it has a log) is the one to measure. */
	if (ld->log)
		measure(ld, lins);
	/* Every program also exists on Linux, for prog arrays. */
	fill_attr(&attr, ld, lins, 0);
	set_linux(kfd, sys_bpf(BPF_PROG_LOAD, &attr));
	free(lins);
	return kfd;
}

static void bench_prog_close(int fd)
{
	drop_linux(fd);
	inner.prog_close(fd);
}

/* Runs are not what is measured: not run here. */
static int bench_prog_run(int prog, const void *data, uint32_t size,
			  uint32_t *retval)
{
	(void)prog;
	(void)data;
	(void)size;
	(void)retval;
	return -EOPNOTSUPP;
}

static void bench_case_start(unsigned int idx, bool unpriv)
{
	(void)unpriv;
	cur_idx = idx;
}

int vt_bench_install(struct vt_place *pl, int n)
{
	stats_log = malloc(BENCH_LOG_SIZE);
	results = calloc(BENCH_MAX_PROGS, sizeof(*results));
	if (!stats_log || !results)
		return -ENOMEM;
	inner = *pl;
	repeats = n > 0 ? n : 1;
	pl->map_create = bench_map_create;
	pl->map_update = bench_map_update;
	pl->map_close = bench_close;
	pl->prog_load = bench_prog_load;
	pl->prog_run = bench_prog_run;
	pl->prog_close = bench_prog_close;
	pl->case_start = bench_case_start;
	pl->ktest_lines = false;
	return 0;
}

static int by_ratio_desc(const void *a, const void *b)
{
	const struct bench_result *x = a, *y = b;
	double rx = x->kbpf_ns / x->linux_ns, ry = y->kbpf_ns / y->linux_ns;

	return rx < ry ? 1 : rx > ry ? -1 : 0;
}

void vt_bench_report(void)
{
	double logsum = 0, tk = 0, tl = 0;
	unsigned int i;

	for (i = 0; i < nresults; i++) {
		logsum += log(results[i].kbpf_ns / results[i].linux_ns);
		tk += results[i].kbpf_ns;
		tl += results[i].linux_ns;
	}
	printf("verifier_bench summary: programs=%u best_of=%d geomean_ratio=%.3f total_kbpf_ns=%.0f total_linux_ns=%.0f total_ratio=%.3f\n",
	       nresults, repeats, nresults ? exp(logsum / nresults) : 0.0,
	       tk, tl, tl > 0 ? tk / tl : 0.0);
	qsort(results, nresults, sizeof(*results), by_ratio_desc);
	for (i = 0; i < nresults && i < BENCH_WORST; i++)
		printf("verifier_bench worst %u: #%u/p ratio=%.2f kbpf_ns=%.0f linux_ns=%.0f kbpf_insns=%lu linux_insns=%lu\n",
		       i + 1, results[i].idx,
		       results[i].kbpf_ns / results[i].linux_ns,
		       results[i].kbpf_ns, results[i].linux_ns,
		       results[i].kbpf_insns, results[i].linux_insns);
}
