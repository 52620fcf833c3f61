// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LRU_HASH and LRU_PERCPU_HASH through the ioctl: creation
 * rules, inserts into a full map that evict instead of failing, and the
 * eviction order Linux's tools/testing/selftests/bpf/test_lru_map.c
 * expects where it needs no program: a syscall lookup does not protect an
 * element, a CPU that runs out of free elements evicts the oldest batch,
 * and a one-element map is handed from CPU to CPU. The order depends on
 * the CPU the inserts run on, so those cases pin themselves to one CPU.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/wait.h>

#include <linux/kbpf.h>

#include "kt.h"

#define LOCAL_FREE_TARGET 128	/* a CPU takes free elements in batches this big */

static int ncpus;
static const __u32 types[] = { BPF_MAP_TYPE_LRU_HASH,
			       BPF_MAP_TYPE_LRU_PERCPU_HASH };
static const char *const type_names[] = { "lru", "lru_percpu" };

/* A u64 value as the syscall passes it for either type. */
static __u64 *val(__u64 v)
{
	static __u64 buf[1024];
	int i;

	for (i = 0; i < ncpus && i < 1024; i++)
		buf[i] = v;
	return buf;
}

static __u64 *outbuf(void)
{
	static __u64 buf[1024];

	buf[0] = 0;
	return buf;
}

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static int lru_create(__u32 type, __u32 max, __u32 flags)
{
	return kt_map_create(type, 8, 8, max, flags);
}

static bool present(int fd, __u64 key)
{
	return kt_map_lookup(fd, &key, outbuf(), 0) == 0;
}

static void t_create(void)
{
	struct bpf_map_info info;
	unsigned int t;
	char name[64];
	long fd;
	bool ok;

	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		/* LRU maps recycle preallocated elements: ENOTSUPP, as Linux says. */
		snprintf(name, sizeof(name), "%s_no_prealloc", type_names[t]);
		fd = lru_create(types[t], 16, BPF_F_NO_PREALLOC);
		kt_expect_errno(name, fd, KT_ENOTSUPP);
		if (fd >= 0)
			close(fd);
		snprintf(name, sizeof(name), "%s_numa_no_common_lru", type_names[t]);
		fd = lru_create(types[t], 16, BPF_F_NUMA_NODE | BPF_F_NO_COMMON_LRU);
		kt_expect_errno(name, fd, EINVAL);
		if (fd >= 0)
			close(fd);
		snprintf(name, sizeof(name), "%s_key_size_0", type_names[t]);
		fd = kt_map_create(types[t], 0, 8, 16, 0);
		kt_expect_errno(name, fd, EINVAL);
		if (fd >= 0)
			close(fd);
		snprintf(name, sizeof(name), "%s_max_entries_0", type_names[t]);
		fd = lru_create(types[t], 0, 0);
		kt_expect_errno(name, fd, EINVAL);
		if (fd >= 0)
			close(fd);
		snprintf(name, sizeof(name), "%s_unknown_flag", type_names[t]);
		fd = lru_create(types[t], 16, 1u << 30);
		kt_expect_errno(name, fd, EINVAL);
		if (fd >= 0)
			close(fd);

		/* Per-CPU lists get equal shares: max_entries rounds up. */
		snprintf(name, sizeof(name), "%s_no_common_lru_rounds", type_names[t]);
		fd = lru_create(types[t], 2 * ncpus + 1, BPF_F_NO_COMMON_LRU);
		ok = kt_check_ok(fd, "MAP_CREATE") &&
		     kt_check_ok(kt_map_info(fd, &info), "OBJ_GET_INFO_BY_FD") &&
		     kt_check_u64(info.max_entries, 3 * ncpus, "info.max_entries");
		kt_verdict(name, ok);
		if (fd >= 0)
			close(fd);
	}
	fd = lru_create(BPF_MAP_TYPE_LRU_HASH, 16, BPF_F_NUMA_NODE);
	kt_expect_ok("lru_numa_node_0", fd);
	if (fd >= 0)
		close(fd);
	fd = lru_create(BPF_MAP_TYPE_LRU_PERCPU_HASH, 16, BPF_F_NUMA_NODE);
	kt_expect_errno("lru_percpu_numa_node", fd, EINVAL);
	if (fd >= 0)
		close(fd);
}

/* Thousands of inserts into a 100-element map: none fails, it never grows. */
static void t_never_full(void)
{
	static const __u32 flags[] = { 0, BPF_F_NO_COMMON_LRU };
	unsigned int t, f, n;
	struct bpf_map_info info;
	__u64 key, next;
	char name[64];
	bool ok;
	long err;
	int fd;

	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		for (f = 0; f < KT_ARRAY_SIZE(flags); f++) {
			snprintf(name, sizeof(name), "%s%s_inserts_never_fail",
				 type_names[t], flags[f] ? "_no_common" : "");
			fd = lru_create(types[t], 100, flags[f]);
			ok = kt_check_ok(fd, "MAP_CREATE") &&
			     kt_check_ok(kt_map_info(fd, &info), "info");
			for (key = 0; ok && key < 2000; key++)
				ok = kt_check_ok(kt_map_update(fd, &key, val(key),
							       BPF_NOEXIST),
						 "insert") &&
				     kt_check_true(present(fd, key),
						   "the newest key is present");
			n = 0;
			for (err = kt_map_next_key(fd, NULL, &next); ok && !err;
			     err = kt_map_next_key(fd, &key, &next)) {
				key = next;
				ok = kt_check_true(++n <= info.max_entries,
						   "more keys than max_entries");
			}
			ok = ok && kt_check_errno(err, ENOENT, "end of walk") &&
			     kt_check_true(n > 0, "empty map");
			kt_verdict(name, ok);
			if (fd >= 0)
				close(fd);
		}
	}
}

/*
 * Size 2: keys 1 and 2 looked up through the syscall only, then key 3.
 * The syscall's lookups do not count as uses, so the CPU's batch refill
 * evicts both unused keys (with a program's lookup, key 1 would survive).
 */
static void t_syscall_lookup_does_not_protect(void)
{
	static const __u32 flags[] = { 0, BPF_F_NO_COMMON_LRU };
	unsigned int t, f;
	char name[64];
	bool ok;
	int fd;

	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		for (f = 0; f < KT_ARRAY_SIZE(flags); f++) {
			snprintf(name, sizeof(name), "%s%s_syscall_lookup_no_ref",
				 type_names[t], flags[f] ? "_no_common" : "");
			fd = lru_create(types[t], flags[f] ? 2 * ncpus : 2,
					flags[f]);
			ok = kt_check_ok(fd, "MAP_CREATE") &&
			     kt_check_ok(kt_map_update(fd, &(__u64){ 1 }, val(1),
						       BPF_NOEXIST), "insert 1") &&
			     kt_check_ok(kt_map_update(fd, &(__u64){ 2 }, val(2),
						       BPF_NOEXIST), "insert 2") &&
			     kt_check_true(present(fd, 1) && present(fd, 2),
					   "1 and 2 present") &&
			     kt_check_ok(kt_map_update(fd, &(__u64){ 3 }, val(3),
						       BPF_NOEXIST), "insert 3") &&
			     kt_check_true(present(fd, 3), "3 present") &&
			     kt_check_true(!present(fd, 1), "1 evicted") &&
			     kt_check_true(!present(fd, 2), "2 evicted");
			kt_verdict(name, ok);
			if (fd >= 0)
				close(fd);
		}
	}
}

/*
 * Linux's sanity2 without its program: 128 keys in a 192-element map use
 * up this CPU's batch; the next update needs a new batch, which evicts the
 * oldest 64 keys, key 1 among them, so updating key 1 with BPF_EXIST
 * finds it gone. A per-CPU value updates in place, so key 1 is checked
 * with BPF_NOEXIST there (the update needs no element).
 */
static void t_batch_refill_evicts_oldest(void)
{
	unsigned int t;
	__u64 key;
	char name[64];
	bool ok;
	int fd;

	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		snprintf(name, sizeof(name), "%s_refill_evicts_oldest_batch",
			 type_names[t]);
		fd = lru_create(types[t], LOCAL_FREE_TARGET * 3 / 2, 0);
		ok = kt_check_ok(fd, "MAP_CREATE");
		for (key = 1; ok && key <= LOCAL_FREE_TARGET; key++)
			ok = kt_check_ok(kt_map_update(fd, &key, val(key),
						       BPF_NOEXIST), "fill");
		key = 1;
		if (ok && types[t] == BPF_MAP_TYPE_LRU_HASH)
			ok = kt_check_errno(kt_map_update(fd, &key, val(9),
							  BPF_EXIST), ENOENT,
					    "EXIST update of key 1");
		else if (ok)
			ok = kt_check_ok(kt_map_update(fd, &key, val(9),
						       BPF_NOEXIST),
					 "NOEXIST insert of evicted key 1");
		for (key = 2; ok && key <= LOCAL_FREE_TARGET; key++)
			ok = kt_check_true(present(fd, key) ==
					   (key > LOCAL_FREE_TARGET / 2),
					   key <= LOCAL_FREE_TARGET / 2 ?
					   "an old key survived" :
					   "a newer key was evicted");
		kt_verdict(name, ok);
		if (fd >= 0)
			close(fd);
	}
}

/* A delete makes room: the next insert evicts nothing. */
static void t_delete_makes_room(void)
{
	static const __u32 flags[] = { 0, BPF_F_NO_COMMON_LRU };
	unsigned int t, f;
	__u64 key, *out;
	char name[64];
	bool ok;
	int fd;

	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		for (f = 0; f < KT_ARRAY_SIZE(flags); f++) {
			snprintf(name, sizeof(name), "%s%s_delete_makes_room",
				 type_names[t], flags[f] ? "_no_common" : "");
			fd = lru_create(types[t], flags[f] ? 4 * ncpus : 4,
					flags[f]);
			ok = kt_check_ok(fd, "MAP_CREATE");
			for (key = 1; ok && key <= 4; key++)
				ok = kt_check_ok(kt_map_update(fd, &key, val(key),
							       BPF_NOEXIST), "fill");
			key = 2;
			out = outbuf();
			ok = ok && kt_check_ok(kt_map_lookup_and_delete(fd, &key,
									out, 0),
					       "LOOKUP_AND_DELETE 2") &&
			     kt_check_u64(out[0], 2, "value of 2") &&
			     kt_check_errno(kt_map_delete(fd, &key), ENOENT,
					    "delete 2 again") &&
			     kt_check_ok(kt_map_update(fd, &(__u64){ 5 }, val(5),
						       BPF_NOEXIST), "insert 5") &&
			     kt_check_true(present(fd, 1) && present(fd, 3) &&
					   present(fd, 4) && present(fd, 5),
					   "nothing evicted") &&
			     kt_check_true(!present(fd, 2), "2 gone");
			kt_verdict(name, ok);
			if (fd >= 0)
				close(fd);
		}
	}
}

/*
 * A one-element map used from every CPU in turn (Linux's sanity5): each
 * CPU finds the key the previous one added, and its own insert takes the
 * only element from the other CPU's lists.
 */
static void t_one_element_across_cpus(void)
{
	unsigned int t;
	char name[64];
	int fd, cpu, status;
	__u64 key;
	pid_t pid;
	bool ok;

	for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
		snprintf(name, sizeof(name), "%s_one_element_across_cpus",
			 type_names[t]);
		fd = lru_create(types[t], 1, 0);
		key = 0;
		ok = kt_check_ok(fd, "MAP_CREATE") &&
		     kt_check_ok(kt_map_update(fd, &key, val(0), BPF_NOEXIST),
				 "insert 0");
		for (cpu = 0; ok && cpu < ncpus; cpu++, key++) {
			pid = fork();
			if (pid == 0) {
				__u64 next = key + 1;

				_exit(pin_cpu(cpu) || !present(fd, key) ||
				      kt_map_update(fd, &next, val(next),
						    BPF_NOEXIST) ||
				      !present(fd, next) || present(fd, key));
			}
			ok = kt_check_true(pid > 0 && waitpid(pid, &status, 0) == pid &&
					   WIFEXITED(status) && !WEXITSTATUS(status),
					   "a CPU did not find the previous key, or "
					   "could not replace it");
		}
		kt_verdict(name, ok);
		if (fd >= 0)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	cpu_set_t saved;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	ncpus = kt_possible_cpus();
	if (ncpus <= 0 || ncpus > 1024) {
		kt_fail("possible_cpus", "cannot read /sys/devices/system/cpu/possible");
		return kt_done();
	}
	t_create();
	/* The eviction order is per CPU: stay on one for these cases. */
	if (sched_getaffinity(0, sizeof(saved), &saved) || pin_cpu(0)) {
		kt_fail("pin_cpu0", "sched_setaffinity: %s", kt_errname(errno));
		return kt_done();
	}
	t_never_full();
	t_syscall_lookup_does_not_protect();
	t_batch_refill_evicts_oldest();
	t_delete_makes_room();
	t_one_element_across_cpus();
	sched_setaffinity(0, sizeof(saved), &saved);
	return kt_done();
}
