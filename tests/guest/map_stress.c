// SPDX-License-Identifier: GPL-2.0
/*
 * Hash maps under concurrent use, for a bounded time per map type: writer
 * threads and a writer process update, delete and lookup-and-delete a
 * small shared key space (so elements are reused and, in LRU maps,
 * evicted all the time) while a reader looks keys up and a walker runs
 * BPF_MAP_GET_NEXT_KEY. Every value the kernel hands back must be whole
 * and belong to its key, every key must be one that was written, errors
 * must be the ones the operation allows, and the map must never hold more
 * than max_entries. In the debug guest KASAN, lockdep and kmemleak watch
 * the kernel side at the same time.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include <linux/kbpf.h>

#include "kt.h"

#define KEYS		96
#define MAX_ENTRIES	64
#define THREADS		4	/* 2 writers, a reader, a walker */
/* The debug kernel (KASAN, lockdep) runs each operation ~100x slower. */
#define SECONDS_PER_MAP	2
#define SECONDS_PER_MAP_DEBUG	4

struct sval {
	__u64 key, gen, check;
};

static int ncpus;
static int seconds_per_map = SECONDS_PER_MAP;

static __u64 check_of(__u64 key, __u64 gen)
{
	return (key * 0x9e3779b97f4a7c15ULL) ^ (gen * 0xc2b2ae3d27d4eb4fULL) ^ 0x5a5a;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct run {
	int fd;
	__u32 type, flags;
	bool percpu, lru;
	double deadline;
	/* Set by any thread that saw something wrong; the first reason wins. */
	int failed;
	char why[256];
	unsigned long ops[THREADS];
};

static void run_fail(struct run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void run_fail(struct run *run, const char *fmt, ...)
{
	va_list ap;

	if (__atomic_exchange_n(&run->failed, 1, __ATOMIC_SEQ_CST))
		return;
	va_start(ap, fmt);
	vsnprintf(run->why, sizeof(run->why), fmt, ap);
	va_end(ap);
}

static size_t vsize(const struct run *run)
{
	return run->percpu ? ncpus * sizeof(struct sval) : sizeof(struct sval);
}

static void make_value(const struct run *run, struct sval *v, __u64 key,
		       __u64 gen)
{
	size_t i, n = run->percpu ? ncpus : 1;

	for (i = 0; i < n; i++) {
		v[i].key = key;
		v[i].gen = gen;
		v[i].check = check_of(key, gen);
	}
}

/*
 * A value read back whole: each CPU's copy is intact and, since the
 * syscall writes all of them under one lock, they all come from one write.
 */
static bool value_ok(const struct run *run, const struct sval *v, __u64 key)
{
	size_t i, n = run->percpu ? ncpus : 1;

	for (i = 0; i < n; i++)
		if (v[i].key != key || v[i].check != check_of(key, v[i].gen) ||
		    v[i].gen != v[0].gen)
			return false;
	return true;
}

static __u64 rnd(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Errors each operation may legitimately return under contention. */
static bool update_err_ok(const struct run *run, int err, __u64 flags)
{
	if (err == E2BIG)
		return !run->lru;
	if (err == EEXIST)
		return flags == BPF_NOEXIST;
	if (err == ENOENT)
		return flags == BPF_EXIST;
	return false;
}

static void writer(struct run *run, int id, unsigned long *ops)
{
	struct sval *v = malloc(vsize(run)), *out = malloc(vsize(run));
	__u64 seed = 0x1234567 + id * 7919, key, flags, gen = (__u64)id << 40;
	long ret;

	if (!v || !out) {
		run_fail(run, "writer %d: out of memory", id);
		goto out;
	}
	while (!run->failed && now() < run->deadline) {
		key = rnd(&seed) % KEYS;
		switch (rnd(&seed) % 8) {
		case 0 ... 3:
			flags = rnd(&seed) % 3;
			make_value(run, v, key, ++gen);
			ret = kt_map_update(run->fd, &key, v, flags);
			if (ret && !update_err_ok(run, errno, flags))
				run_fail(run, "update key %llu flags %llu: %s",
					 (unsigned long long)key,
					 (unsigned long long)flags,
					 kt_errname(errno));
			break;
		case 4 ... 5:
			ret = kt_map_delete(run->fd, &key);
			if (ret && errno != ENOENT)
				run_fail(run, "delete: %s", kt_errname(errno));
			break;
		default:
			ret = kt_map_lookup_and_delete(run->fd, &key, out, 0);
			if (ret && errno != ENOENT)
				run_fail(run, "lookup_and_delete: %s",
					 kt_errname(errno));
			else if (!ret && !value_ok(run, out, key))
				run_fail(run, "lookup_and_delete of key %llu "
					 "returned a torn or foreign value",
					 (unsigned long long)key);
			break;
		}
		(*ops)++;
	}
out:
	free(v);
	free(out);
}

static void reader(struct run *run, unsigned long *ops)
{
	struct sval *out = malloc(vsize(run));
	__u64 seed = 99, key;

	while (out && !run->failed && now() < run->deadline) {
		key = rnd(&seed) % KEYS;
		if (kt_map_lookup(run->fd, &key, out, 0)) {
			if (errno != ENOENT)
				run_fail(run, "lookup: %s", kt_errname(errno));
		} else if (!value_ok(run, out, key)) {
			run_fail(run, "lookup of key %llu returned a torn or "
				 "foreign value", (unsigned long long)key);
		}
		(*ops)++;
	}
	free(out);
}

/* Walks may restart under churn (the current key vanished): not an error. */
static void walker(struct run *run, unsigned long *ops)
{
	__u64 key, next;
	unsigned int n;
	long err;

	while (!run->failed && now() < run->deadline) {
		n = 0;
		for (err = kt_map_next_key(run->fd, NULL, &next); !err && n < 1000;
		     err = kt_map_next_key(run->fd, &key, &next), n++) {
			key = next;
			if (key >= KEYS) {
				run_fail(run, "walk returned key %llu, never written",
					 (unsigned long long)key);
				return;
			}
			(*ops)++;
		}
		if (err && errno != ENOENT)
			run_fail(run, "get_next_key: %s", kt_errname(errno));
	}
}

struct targ {
	struct run *run;
	int id;
};

static void *thread_main(void *p)
{
	struct targ *t = p;

	if (t->id < 2)
		writer(t->run, t->id, &t->run->ops[t->id]);
	else if (t->id == 2)
		reader(t->run, &t->run->ops[t->id]);
	else
		walker(t->run, &t->run->ops[t->id]);
	return NULL;
}

static void stress(const char *name, __u32 type, __u32 flags)
{
	struct run run = { .type = type, .flags = flags };
	struct targ targs[THREADS];
	pthread_t tids[THREADS];
	unsigned long total = 0;
	struct sval *out = NULL;
	__u64 key, next;
	unsigned int n = 0;
	int i, status;
	pid_t child;
	long err;

	run.percpu = kt_map_is_percpu(type);
	run.lru = kt_map_is_lru(type);
	run.fd = kt_map_create(type, sizeof(__u64), sizeof(struct sval),
			       MAX_ENTRIES, flags);
	if (run.fd < 0) {
		kt_fail(name, "MAP_CREATE: %s", kt_errname(errno));
		return;
	}
	run.deadline = now() + seconds_per_map;

	/* A process too: the same map through an inherited fd. */
	fflush(stdout);
	child = fork();
	if (child == 0) {
		unsigned long ops = 0;

		writer(&run, 7, &ops);
		if (run.failed)
			fprintf(stderr, "map_stress child: %s\n", run.why);
		_exit(run.failed ? 1 : 0);
	}
	for (i = 0; i < THREADS; i++) {
		targs[i].run = &run;
		targs[i].id = i;
		if (pthread_create(&tids[i], NULL, thread_main, &targs[i])) {
			run_fail(&run, "pthread_create failed");
			tids[i] = 0;
		}
	}
	for (i = 0; i < THREADS; i++)
		if (tids[i])
			pthread_join(tids[i], NULL);
	if (child < 0)
		run_fail(&run, "fork: %s", kt_errname(errno));
	else if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
		 WEXITSTATUS(status))
		run_fail(&run, "writer process failed (status %#x)", status);

	/* At rest: a full walk ends, within max_entries, every value sound. */
	out = malloc(vsize(&run));
	for (err = kt_map_next_key(run.fd, NULL, &next); !run.failed && !err;
	     err = kt_map_next_key(run.fd, &key, &next)) {
		key = next;
		if (++n > MAX_ENTRIES)
			run_fail(&run, "more than max_entries keys at rest");
		else if (!out || kt_map_lookup(run.fd, &key, out, 0) ||
			 !value_ok(&run, out, key))
			run_fail(&run, "key %llu at rest: missing or bad value",
				 (unsigned long long)key);
	}
	if (!run.failed && err && errno != ENOENT)
		run_fail(&run, "final walk: %s", kt_errname(errno));
	free(out);
	close(run.fd);

	for (i = 0; i < THREADS; i++)
		total += run.ops[i];
	if (!run.failed && total < 100)
		run_fail(&run, "only %lu operations ran", total);
	if (run.failed) {
		kt_fail(name, "%s", run.why);
	} else {
		printf("map_stress: %s: %lu operations in %d s\n", name, total,
		       seconds_per_map);
		kt_pass(name);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	ncpus = kt_possible_cpus();
	if (ncpus <= 0) {
		kt_fail("possible_cpus", "cannot read /sys/devices/system/cpu/possible");
		return kt_done();
	}
	/* tests/guest/run.sh runs with KBPF_TIER=stock or debug. */
	if (getenv("KBPF_TIER") && !strcmp(getenv("KBPF_TIER"), "debug"))
		seconds_per_map = SECONDS_PER_MAP_DEBUG;
	stress("hash", BPF_MAP_TYPE_HASH, 0);
	stress("hash_no_prealloc", BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC);
	stress("percpu_hash", BPF_MAP_TYPE_PERCPU_HASH, 0);
	stress("percpu_hash_no_prealloc", BPF_MAP_TYPE_PERCPU_HASH,
	       BPF_F_NO_PREALLOC);
	stress("lru_hash", BPF_MAP_TYPE_LRU_HASH, 0);
	stress("lru_hash_no_common_lru", BPF_MAP_TYPE_LRU_HASH,
	       BPF_F_NO_COMMON_LRU);
	stress("lru_percpu_hash", BPF_MAP_TYPE_LRU_PERCPU_HASH, 0);
	return kt_done();
}
