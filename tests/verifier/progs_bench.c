// SPDX-License-Identifier: GPL-2.0
/*
 * make bench-verifier-progs: Linux 6.1's BPF selftest programs (clang
 * objects built by scripts/build-selftest-progs.sh) through kbpf's verifier
 * (/dev/kbpf) and Linux's (bpf(2)), in the same guest.
 *
 * kbpf has no ELF loader of its own, so Debian's libbpf does the object
 * work on the Linux side: for each program of each object it opens the
 * object with only that program to load, creates the maps on Linux (BTF,
 * global data, CO-RE relocations, subprograms appended) and loads the
 * program. Its final instructions (bpf_program__insns()) are then what both
 * verifiers get: the maps are created again on kbpf (same type, sizes,
 * flags, inner map, global data contents, frozen .rodata) and the map fds
 * in the instructions swapped for kbpf's. Both timed loads carry no BTF
 * (kbpf has none): func_info, line_info and attach BTF ids are left out on
 * both sides, so programs that Linux refuses without them are counted
 * apart, as are the BTF-attached types kbpf cannot load.
 *
 * Per program, one of
 *	progs_bench OBJ/PROG type=T kbpf_ns=X linux_ns=Y ratio=Z
 *		kbpf_insns=A linux_insns=B kbpf_peak=C linux_peak=D
 *	progs_bench-kbpf-refused OBJ/PROG: errno E: LAST LOG LINE
 *	progs_bench-kbpf-only OBJ/PROG: Linux errno E: LAST LOG LINE
 *	progs_bench-skip OBJ/PROG: REASON
 * and a summary. Times are the best of N loads (log off); insns and peak
 * states come from a BPF_LOG_STATS load. A measurement, not a test.
 *
 * Usage: progs_bench REPEATS OBJ.bpf.o...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "kbpf.h"

#define LOG_SIZE	(4u << 20)
#define MAX_MAPS	128
#define MAX_RESULTS	8192
#define REASON_LEN	200
/* Linux's BPF_LOG_STATS (kernel-internal): the "processed" line, and errors. */
#define KBPF_LOG_STATS	4

struct result {
	char name[160];
	double kbpf_ns, linux_ns;
	unsigned long kbpf_insns, linux_insns, kbpf_peak, linux_peak;
};

struct map_pair {
	int linux_fd, kbpf_fd;
	char why[REASON_LEN];	/* why kbpf_fd < 0 */
};

static char *vlog;
static int repeats;
static struct result *results;
static unsigned int nresults, nrefused, nkbpf_only, nskipped, nlibbpf_fail;
static unsigned int nnoprog;
static char libbpf_reason[REASON_LEN];

static long linux_bpf(int cmd, union bpf_attr *attr)
{
	long ret = syscall(SYS_bpf, cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : ret;
}

static long kbpf_bpf(int cmd, union bpf_attr *attr)
{
	long ret = kbpf_sys_bpf(cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : ret;
}

static long call(bool on_linux, int cmd, union bpf_attr *attr)
{
	return on_linux ? linux_bpf(cmd, attr) : kbpf_bpf(cmd, attr);
}

/* libbpf's messages: kept quiet, the first one saying why a load failed kept. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char line[512], *big = NULL;
	const char *log, *end, *start;
	char *nl;

	if (level == LIBBPF_DEBUG)
		return 0;
	/* The verifier's log: its last line says why Linux refused. */
	if (strstr(fmt, "BEGIN PROG LOAD LOG") && vasprintf(&big, fmt, ap) >= 0) {
		log = strstr(big, "BEGIN PROG LOAD LOG --\n");
		end = log ? strstr(log, "-- END PROG LOAD LOG") : NULL;
		if (end) {
			log += strlen("BEGIN PROG LOAD LOG --\n");
			while (end > log && (end[-1] == '\n' || end[-1] == ' '))
				end--;
			start = end;
			while (start > log && start[-1] != '\n')
				start--;
			/* The stats line comes last; the reason just before it. */
			if (!strncmp(start, "processed ", 10) && start > log) {
				end = start - 1;
				start = end;
				while (start > log && start[-1] != '\n')
					start--;
			}
			snprintf(libbpf_reason, sizeof(libbpf_reason),
				 "verifier: %.*s", (int)(end - start), start);
		}
		free(big);
		return 0;
	}
	if (libbpf_reason[0])
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (!strstr(line, "fail") && !strstr(line, "rror") &&
	    !strstr(line, "nsupported") && !strstr(line, "nvalid"))
		return 0;
	nl = strchr(line, '\n');
	if (nl)
		*nl = 0;
	snprintf(libbpf_reason, sizeof(libbpf_reason), "%.*s", REASON_LEN - 1, line);
	return 0;
}

/* The last non-empty line of the verifier log, for reasons. */
static const char *last_log_line(void)
{
	static char line[REASON_LEN];
	char *end = vlog + strlen(vlog), *start;

	while (end > vlog && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > vlog && start[-1] != '\n')
		start--;
	/* The stats lines come last; the reason just before them. */
	while (start > vlog && (!strncmp(start, "processed ", 10) ||
				!strncmp(start, "stack depth ", 12) ||
				!strncmp(start, "verification time ", 18))) {
		end = start - 1;
		start = end;
		while (start > vlog && start[-1] != '\n')
			start--;
	}
	snprintf(line, sizeof(line), "%.*s", (int)(end - start), start);
	return line;
}

static int create_kbpf_map(struct bpf_map *map, char *why)
{
	struct bpf_map *inner = bpf_map__inner_map(map);
	union bpf_attr attr;
	const void *init;
	size_t size;
	int inner_fd = -1;
	__u32 key = 0;
	long fd;

	if (inner) {
		inner_fd = create_kbpf_map(inner, why);
		if (inner_fd < 0)
			return inner_fd;
	}
	memset(&attr, 0, sizeof(attr));
	attr.map_type = bpf_map__type(map);
	attr.key_size = bpf_map__key_size(map);
	attr.value_size = bpf_map__value_size(map);
	attr.max_entries = bpf_map__max_entries(map);
	attr.map_flags = bpf_map__map_flags(map);
	attr.map_extra = bpf_map__map_extra(map);
	attr.inner_map_fd = inner_fd > 0 ? inner_fd : 0;
	fd = kbpf_bpf(BPF_MAP_CREATE, &attr);
	if (inner_fd >= 0)
		close(inner_fd);
	if (fd < 0) {
		snprintf(why, REASON_LEN, "kbpf map %s (type %u) create: %s",
			 bpf_map__name(map), attr.map_type, strerror(-fd));
		return fd;
	}
	init = bpf_map__is_internal(map) ?
	       bpf_map__initial_value(map, &size) : NULL;
	if (init && size >= attr.value_size && attr.max_entries == 1) {
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = (unsigned long)&key;
		attr.value = (unsigned long)init;
		if (kbpf_bpf(BPF_MAP_UPDATE_ELEM, &attr) < 0)
			snprintf(why, REASON_LEN, "kbpf map %s: initial value not set",
				 bpf_map__name(map));
		/* .rodata: libbpf froze Linux's, so that its contents are known. */
		if (bpf_map__map_flags(map) & BPF_F_RDONLY_PROG) {
			memset(&attr, 0, sizeof(attr));
			attr.map_fd = fd;
			kbpf_bpf(BPF_MAP_FREEZE, &attr);
		}
	}
	return fd;
}

static int mirror_maps(struct bpf_object *obj, struct map_pair *pairs)
{
	struct bpf_map *map;
	int n = 0;

	bpf_object__for_each_map(map, obj) {
		if (n == MAX_MAPS)
			break;
		pairs[n].why[0] = 0;
		pairs[n].linux_fd = bpf_map__fd(map);
		pairs[n].kbpf_fd = pairs[n].linux_fd < 0 ? -1 :
				   create_kbpf_map(map, pairs[n].why);
		n++;
	}
	return n;
}

/* insns with Linux's map fds swapped for kbpf's; NULL and why if one is missing. */
static struct bpf_insn *kbpf_insns(const struct bpf_insn *insns, size_t cnt,
				   const struct map_pair *pairs, int npairs,
				   char *why)
{
	struct bpf_insn *p = malloc(cnt * sizeof(*p));
	size_t i;
	int j;

	if (!p) {
		snprintf(why, REASON_LEN, "out of memory");
		return NULL;
	}
	memcpy(p, insns, cnt * sizeof(*p));
	for (i = 0; i + 1 < cnt; i++) {
		if (p[i].code != (BPF_LD | BPF_DW | BPF_IMM))
			continue;
		if (p[i].src_reg == BPF_PSEUDO_MAP_FD ||
		    p[i].src_reg == BPF_PSEUDO_MAP_VALUE) {
			for (j = 0; j < npairs; j++)
				if (pairs[j].linux_fd == p[i].imm)
					break;
			if (j == npairs || pairs[j].kbpf_fd < 0) {
				snprintf(why, REASON_LEN, "%s",
					 j < npairs ? pairs[j].why :
					 "map fd not from this object");
				free(p);
				return NULL;
			}
			p[i].imm = pairs[j].kbpf_fd;
		}
		i++;
	}
	return p;
}

struct load {
	__u32 prog_type, expected_attach_type, prog_flags, kern_version;
	const struct bpf_insn *linux_insns, *kbpf_insns;
	__u32 insn_cnt;
};

static long load(bool on_linux, const struct load *ld, __u32 log_level)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = ld->prog_type;
	attr.expected_attach_type = ld->expected_attach_type;
	attr.prog_flags = ld->prog_flags;
	attr.kern_version = ld->kern_version;
	attr.insns = (unsigned long)(on_linux ? ld->linux_insns : ld->kbpf_insns);
	attr.insn_cnt = ld->insn_cnt;
	attr.license = (unsigned long)"GPL";
	if (log_level) {
		vlog[0] = 0;
		attr.log_buf = (unsigned long)vlog;
		attr.log_size = LOG_SIZE;
		attr.log_level = log_level;
	}
	return call(on_linux, BPF_PROG_LOAD, &attr);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double timed_load(bool on_linux, const struct load *ld)
{
	double t0 = now_ns(), t1;
	long fd = load(on_linux, ld, 0);

	t1 = now_ns();
	if (fd < 0)
		return -1;
	close(fd);
	return t1 - t0;
}

static void parse_stats(unsigned long *insns, unsigned long *peak)
{
	const char *p = strstr(vlog, "processed ");

	*insns = p ? strtoul(p + 10, NULL, 10) : 0;
	p = strstr(vlog, "peak_states ");
	*peak = p ? strtoul(p + 12, NULL, 10) : 0;
}

/* The program types kbpf cannot load at all: attached by BTF id. */
static const char *btf_attached(__u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_TRACING: return "tracing";
	case BPF_PROG_TYPE_LSM: return "lsm";
	case BPF_PROG_TYPE_STRUCT_OPS: return "struct_ops";
	case BPF_PROG_TYPE_EXT: return "ext";
	default: return NULL;
	}
}

static void skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("progs_bench-skip %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	nskipped++;
}

static void measure(const char *name, const struct load *ld)
{
	struct result r;
	double t;
	long kfd, lfd;
	int i, kerr;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	kfd = load(false, ld, KBPF_LOG_STATS);
	kerr = kfd < 0 ? (int)-kfd : 0;
	if (kfd >= 0) {
		parse_stats(&r.kbpf_insns, &r.kbpf_peak);
		close(kfd);
	}
	if (kerr) {
		/* kbpf's reason, before Linux's log overwrites it. */
		char why[REASON_LEN];

		snprintf(why, sizeof(why), "%s", last_log_line());
		lfd = load(true, ld, KBPF_LOG_STATS);
		if (lfd < 0) {
			skip(name, "Linux refuses it without BTF (errno %ld: %s)",
			     -lfd, last_log_line());
			return;
		}
		close(lfd);
		printf("progs_bench-kbpf-refused %s: type %u attach %u: errno %d: %s\n",
		       name, ld->prog_type, ld->expected_attach_type, kerr, why);
		nrefused++;
		return;
	}
	lfd = load(true, ld, KBPF_LOG_STATS);
	if (lfd < 0) {
		if (lfd == -EACCES || lfd == -EINVAL) {
			printf("progs_bench-kbpf-only %s: Linux errno %ld: %s\n",
			       name, -lfd, last_log_line());
			nkbpf_only++;
		} else {
			skip(name, "Linux refuses it without BTF (errno %ld: %s)",
			     -lfd, last_log_line());
		}
		return;
	}
	parse_stats(&r.linux_insns, &r.linux_peak);
	close(lfd);
	r.kbpf_ns = r.linux_ns = -1;
	/* kbpf and Linux take turns, so that noise hits both alike. */
	for (i = 0; i < repeats; i++) {
		t = timed_load(false, ld);
		if (t >= 0 && (r.kbpf_ns < 0 || t < r.kbpf_ns))
			r.kbpf_ns = t;
		t = timed_load(true, ld);
		if (t >= 0 && (r.linux_ns < 0 || t < r.linux_ns))
			r.linux_ns = t;
	}
	if (r.kbpf_ns <= 0 || r.linux_ns <= 0) {
		skip(name, "a timed load failed");
		return;
	}
	printf("progs_bench %s type=%u kbpf_ns=%.0f linux_ns=%.0f ratio=%.2f kbpf_insns=%lu linux_insns=%lu kbpf_peak=%lu linux_peak=%lu\n",
	       name, ld->prog_type, r.kbpf_ns, r.linux_ns,
	       r.kbpf_ns / r.linux_ns, r.kbpf_insns, r.linux_insns,
	       r.kbpf_peak, r.linux_peak);
	if (nresults < MAX_RESULTS)
		results[nresults++] = r;
}

/*
 * Maps the selftests size from userspace before loading (max_entries 0 in
 * the object, e.g. ring buffers sized to the page): one page for ring
 * buffers, one entry otherwise, which is all verification needs.
 */
static void size_maps(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__max_entries(map))
			continue;
		if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF ||
		    bpf_map__type(map) == BPF_MAP_TYPE_USER_RINGBUF)
			bpf_map__set_max_entries(map, getpagesize());
		else
			bpf_map__set_max_entries(map, 1);
	}
}

/* Program number idx of the object at path, alone. */
static void bench_prog(const char *path, const char *oname, int idx)
{
	struct map_pair pairs[MAX_MAPS];
	struct bpf_program *prog, *p;
	struct bpf_object *obj;
	struct bpf_insn *kins = NULL;
	struct load ld;
	char name[160], why[REASON_LEN];
	int i = 0, npairs, err;

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return;
	prog = NULL;
	bpf_object__for_each_program(p, obj) {
		bpf_program__set_autoload(p, i == idx);
		if (i++ == idx)
			prog = p;
	}
	if (!prog)
		goto out;
	snprintf(name, sizeof(name), "%s/%s", oname, bpf_program__name(prog));
	if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC) {
		skip(name, "section '%s' names no program type libbpf 1.1 knows",
		     bpf_program__section_name(prog));
		goto out;
	}
	size_maps(obj);
	libbpf_reason[0] = 0;
	err = bpf_object__load(obj);
	if (err) {
		skip(name, "libbpf cannot load it into Linux (%s): %s",
		     strerror(-err), libbpf_reason);
		nlibbpf_fail++;
		goto out;
	}
	memset(&ld, 0, sizeof(ld));
	ld.prog_type = bpf_program__type(prog);
	ld.expected_attach_type = bpf_program__expected_attach_type(prog);
	ld.prog_flags = bpf_program__flags(prog);
	ld.kern_version = bpf_object__kversion(obj);
	ld.linux_insns = bpf_program__insns(prog);
	ld.insn_cnt = bpf_program__insn_cnt(prog);
	if (btf_attached(ld.prog_type)) {
		skip(name, "%s program: attached by BTF id, kbpf has no BTF",
		     btf_attached(ld.prog_type));
		goto out;
	}
	if (ld.prog_flags & BPF_F_SLEEPABLE) {
		skip(name, "sleepable: kbpf has no sleepable programs");
		goto out;
	}
	npairs = mirror_maps(obj, pairs);
	kins = kbpf_insns(ld.linux_insns, ld.insn_cnt, pairs, npairs, why);
	if (!kins)
		skip(name, "%s", why);
	else {
		ld.kbpf_insns = kins;
		measure(name, &ld);
	}
	for (i = 0; i < npairs; i++)
		if (pairs[i].kbpf_fd >= 0)
			close(pairs[i].kbpf_fd);
	free(kins);
out:
	bpf_object__close(obj);
}

static void bench_object(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	const char *base = strrchr(path, '/');
	char oname[128];
	struct bpf_program *p;
	int n = 0, i;

	snprintf(oname, sizeof(oname), "%s", base ? base + 1 : path);
	if (strstr(oname, ".bpf.o"))
		*strstr(oname, ".bpf.o") = 0;
	if (!obj) {
		skip(oname, "libbpf cannot open the object: %s", strerror(errno));
		return;
	}
	bpf_object__for_each_program(p, obj)
		n++;
	bpf_object__close(obj);
	if (!n) {
		/* BTF-only objects (the btf__core_reloc_* inputs): not programs. */
		printf("progs_bench-noprog %s: no programs\n", oname);
		nnoprog++;
	}
	for (i = 0; i < n; i++)
		bench_prog(path, oname, i);
}

static int by_ratio(const void *a, const void *b)
{
	const struct result *x = a, *y = b;
	double rx = x->kbpf_ns / x->linux_ns, ry = y->kbpf_ns / y->linux_ns;

	return rx < ry ? -1 : rx > ry ? 1 : 0;
}

static void report(int nobjs)
{
	double logsum = 0, tk = 0, tl = 0, median = 0;
	unsigned int i;

	for (i = 0; i < nresults; i++) {
		logsum += log(results[i].kbpf_ns / results[i].linux_ns);
		tk += results[i].kbpf_ns;
		tl += results[i].linux_ns;
	}
	qsort(results, nresults, sizeof(*results), by_ratio);
	if (nresults)
		median = nresults % 2 ?
			results[nresults / 2].kbpf_ns / results[nresults / 2].linux_ns :
			(results[nresults / 2 - 1].kbpf_ns / results[nresults / 2 - 1].linux_ns +
			 results[nresults / 2].kbpf_ns / results[nresults / 2].linux_ns) / 2;
	printf("progs_bench summary: objects=%d without_programs=%u programs=%u both=%u kbpf_refused=%u kbpf_only=%u skipped=%u (libbpf_into_linux_failed=%u) best_of=%d geomean_ratio=%.3f median_ratio=%.3f total_kbpf_ns=%.0f total_linux_ns=%.0f total_ratio=%.3f\n",
	       nobjs, nnoprog, nresults + nrefused + nkbpf_only + nskipped, nresults,
	       nrefused, nkbpf_only, nskipped, nlibbpf_fail, repeats,
	       nresults ? exp(logsum / nresults) : 0.0, median, tk, tl,
	       tl > 0 ? tk / tl : 0.0);
	for (i = 0; i < nresults && i < 10; i++) {
		const struct result *r = &results[nresults - 1 - i];

		printf("progs_bench worst %u: %s ratio=%.2f kbpf_ns=%.0f linux_ns=%.0f kbpf_insns=%lu linux_insns=%lu\n",
		       i + 1, r->name, r->kbpf_ns / r->linux_ns, r->kbpf_ns,
		       r->linux_ns, r->kbpf_insns, r->linux_insns);
	}
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s REPEATS OBJ.bpf.o...\n", argv[0]);
		return 2;
	}
	repeats = atoi(argv[1]);
	if (repeats < 1)
		repeats = 1;
	vlog = malloc(LOG_SIZE);
	results = calloc(MAX_RESULTS, sizeof(*results));
	if (!vlog || !results)
		return 1;
	if (kbpf_dev_fd() < 0) {
		perror("progs_bench-error: /dev/kbpf");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_print);
	for (i = 2; i < argc; i++)
		bench_object(argv[i]);
	report(argc - 2);
	return 0;
}
