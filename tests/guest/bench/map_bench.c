// SPDX-License-Identifier: GPL-2.0
/*
 * make bench-maps, guest side: ns per map operation on kbpf (/dev/kbpf)
 * and on the running kernel's own maps (bpf(2)), in the same guest, one
 * line per figure:
 *
 *	map_bench TYPE OP SIDE kbpf_ns=X linux_ns=Y ratio=Z
 *
 * SIDE user: one BPF_MAP_*_ELEM command per operation (an ioctl on
 * /dev/kbpf, a bpf(2) call on Linux). SIDE prog: a socket filter making
 * NCALLS map helper calls in a row (unrolled, a different key each,
 * as a program walking a flow table would), run by BPF_PROG_TEST_RUN
 * with repeat; its duration per run over NCALLS, so the figure includes
 * the few instructions that set up each call. Each figure is the best of
 * TRIALS, kbpf and Linux measured alternately so that drift in the
 * guest's speed touches both.
 *
 * Maps: NCALLS elements, 8-byte values, 4-byte keys (LPM: 8-byte keys,
 * /24 prefixes looked up with /32 addresses). lookup_hit and update
 * touch present keys (update replaces, BPF_ANY), lookup_miss absent
 * ones, delete removes present keys (the map is filled again, untimed,
 * between rounds). ARRAY has no delete and no miss (out-of-range index).
 *
 * Not a test: it prints figures and fails only when an operation does.
 * Run by scripts/bench-maps.sh in the stock-kernel guest.
 */
#include <time.h>

#include "../kt_dual.h"
#include "../kt_prog.h"

#define NCALLS		256	/* helper calls per program run = elements */
#define USER_ROUNDS	4	/* user side: NCALLS * USER_ROUNDS operations */
#define PROG_REPEAT	16	/* program side: runs per BPF_PROG_TEST_RUN */
#define DELETE_ROUNDS	4	/* delete: fill, then one timed pass, this many times */
#define TRIALS		25

enum op { LOOKUP_HIT, LOOKUP_MISS, UPDATE, DELETE, NR_OPS };

static const char *const op_names[NR_OPS] = {
	"lookup_hit", "lookup_miss", "update", "delete",
};

struct bench_map {
	const char *name;
	__u32 type, key_size, max_entries, flags;
	bool has_miss, has_delete;
};

static const struct bench_map maps[] = {
	{ "HASH", BPF_MAP_TYPE_HASH, 4, 1024, 0, true, true },
	{ "ARRAY", BPF_MAP_TYPE_ARRAY, 4, 1024, 0, false, false },
	{ "LRU_HASH", BPF_MAP_TYPE_LRU_HASH, 4, 1024, 0, true, true },
	{ "LPM_TRIE", BPF_MAP_TYPE_LPM_TRIE, 8, 1024, BPF_F_NO_PREALLOC, true, true },
};

/* Key i as two 32-bit words (the second only for LPM), and how i steps it. */
struct key {
	__u32 w[2];
};

enum key_kind { KEY_ENTRY, KEY_HIT, KEY_MISS };

/*
 * Hash, array, LRU: the entry and its hit are i, a miss is far above.
 * LPM: entries 10.0.i.0/24; a hit is 10.0.i.5/32, a miss 11.0.i.5/32.
 * The address is in network order, so i is byte 2 of the data word.
 */
static struct key make_key(const struct bench_map *m, __u32 i, enum key_kind k)
{
	struct key key = {};

	if (m->type != BPF_MAP_TYPE_LPM_TRIE) {
		key.w[0] = k == KEY_MISS ? (1u << 20) + i : i;
		return key;
	}
	key.w[0] = k == KEY_ENTRY ? 24 : 32;
	key.w[1] = (k == KEY_MISS ? 11u : 10u) | i << 16 |
		   (k == KEY_ENTRY ? 0u : 5u << 24);
	return key;
}

/* Which word of the key i changes, and by how much per step. */
static void key_step(const struct bench_map *m, int *word, __s32 *step)
{
	*word = m->type == BPF_MAP_TYPE_LPM_TRIE;
	*step = m->type == BPF_MAP_TYPE_LPM_TRIE ? 1 << 16 : 1;
}

static enum key_kind op_key(enum op op)
{
	return op == LOOKUP_HIT ? KEY_HIT : op == LOOKUP_MISS ? KEY_MISS : KEY_ENTRY;
}

__attribute__((__format__(__printf__, 1, 2), __noreturn__))
static void die(const char *fmt, ...)
{
	va_list ap;

	printf("map_bench-error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static int map_create(const struct kt_be *be, const struct bench_map *m)
{
	int fd = be_map_create(be, m->type, m->key_size, 8, m->max_entries,
			       m->flags);

	if (fd < 0)
		die("%s%s: MAP_CREATE: %s", m->name, be->suffix, strerror(errno));
	return fd;
}

static void fill(const struct kt_be *be, const struct bench_map *m, int fd)
{
	__u64 value = 1;
	__u32 i;

	for (i = 0; i < NCALLS; i++) {
		struct key key = make_key(m, i, KEY_ENTRY);

		if (be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, &value, BPF_ANY))
			die("%s%s: fill: %s", m->name, be->suffix, strerror(errno));
	}
}

/* One userspace operation; whether it did what the benchmark meant. */
static bool user_op(const struct kt_be *be, enum op op, int fd,
		    const struct key *key)
{
	__u64 value = 2;
	long ret;

	switch (op) {
	case LOOKUP_HIT:
		return !be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, key, &value, 0);
	case LOOKUP_MISS:
		ret = be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, key, &value, 0);
		return ret && errno == ENOENT;
	case UPDATE:
		return !be_elem(be, BPF_MAP_UPDATE_ELEM, fd, key, &value, BPF_ANY);
	default:
		return !be_elem(be, BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
	}
}

/* ns per operation from userspace, one trial. */
static double user_trial(const struct kt_be *be, const struct bench_map *m,
			 enum op op, int fd)
{
	int rounds = op == DELETE ? DELETE_ROUNDS : USER_ROUNDS;
	struct key keys[NCALLS];
	__u64 ns = 0, start;
	int r, i;

	for (i = 0; i < NCALLS; i++)
		keys[i] = make_key(m, i, op_key(op));
	for (r = 0; r < rounds; r++) {
		if (op == DELETE)
			fill(be, m, fd);
		start = now_ns();
		for (i = 0; i < NCALLS; i++)
			if (!user_op(be, op, fd, &keys[i]))
				die("%s %s user%s: key %d: %s", m->name,
				    op_names[op], be->suffix, i, strerror(errno));
		ns += now_ns() - start;
	}
	if (op == DELETE)
		fill(be, m, fd);
	return (double)ns / (rounds * NCALLS);
}

/*
 * The program: the first key and a zero value on the stack, then NCALLS
 * times: call the helper on them, step the key. Returns 0.
 */
static struct bpf_insn *build_prog(const struct bench_map *m, enum op op,
				   int map_fd, __u32 *cnt)
{
	struct key first = make_key(m, 0, op_key(op));
	struct bpf_insn *p = calloc(NCALLS * 12 + 8, sizeof(*p));
	int word, n = 0, i;
	__s32 step;

	if (!p)
		die("out of memory");
	key_step(m, &word, &step);
	p[n++] = KT_ST(BPF_W, BPF_REG_10, -8, (__s32)first.w[0]);
	p[n++] = KT_ST(BPF_W, BPF_REG_10, -4, (__s32)first.w[1]);
	p[n++] = KT_ST(BPF_DW, BPF_REG_10, -16, 0);
	p[n++] = KT_LDX(BPF_W, BPF_REG_6, BPF_REG_10, -8 + 4 * word);
	for (i = 0; i < NCALLS; i++) {
		const struct bpf_insn ld_map[] = { KT_LD_MAP_FD(BPF_REG_1, map_fd) };

		p[n++] = ld_map[0];
		p[n++] = ld_map[1];
		p[n++] = KT_MOV64_REG(BPF_REG_2, BPF_REG_10);
		p[n++] = KT_ALU64_IMM(BPF_ADD, BPF_REG_2, -8);
		if (op == UPDATE) {
			p[n++] = KT_MOV64_REG(BPF_REG_3, BPF_REG_10);
			p[n++] = KT_ALU64_IMM(BPF_ADD, BPF_REG_3, -16);
			p[n++] = KT_MOV64_IMM(BPF_REG_4, BPF_ANY);
		}
		p[n++] = KT_CALL(op == UPDATE ? BPF_FUNC_map_update_elem :
				 op == DELETE ? BPF_FUNC_map_delete_elem :
				 BPF_FUNC_map_lookup_elem);
		p[n++] = KT_ALU64_IMM(BPF_ADD, BPF_REG_6, step);
		p[n++] = KT_STX(BPF_W, BPF_REG_10, BPF_REG_6, -8 + 4 * word);
	}
	p[n++] = KT_MOV64_IMM(BPF_REG_0, 0);
	p[n++] = KT_EXIT();
	*cnt = n;
	return p;
}

static int prog_load(const struct kt_be *be, const struct bench_map *m,
		     enum op op, int map_fd)
{
	static char log[1 << 16];
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER };
	union bpf_attr attr;
	long fd;

	l.insns = build_prog(m, op, map_fd, &l.cnt);
	kt_load_attr(&attr, &l);
	fd = be_call(be, BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		/* Again with a log, for the reason (a log can only slow a load). */
		l.log = log;
		l.log_size = sizeof(log);
		l.log_level = 1;
		kt_load_attr(&attr, &l);
		log[0] = '\0';
		fd = be_call(be, BPF_PROG_LOAD, &attr);
	}
	free((void *)l.insns);
	if (fd < 0) {
		size_t len = strlen(log);

		die("%s %s prog%s: PROG_LOAD: %s; log ends: %s", m->name,
		    op_names[op], be->suffix, strerror(errno),
		    log + (len > 300 ? len - 300 : 0));
	}
	return (int)fd;
}

/* ns per helper call, one trial: BPF_PROG_TEST_RUN's mean duration per run over NCALLS. */
static double prog_trial(const struct kt_be *be, const struct bench_map *m,
			 enum op op, int map_fd, int prog_fd)
{
	static unsigned char pkt[64];
	int rounds = op == DELETE ? DELETE_ROUNDS : 1, r;
	union bpf_attr attr;
	__u64 ns = 0;

	for (r = 0; r < rounds; r++) {
		if (op == DELETE)
			fill(be, m, map_fd);
		kt_attr_zero(&attr);
		attr.test.prog_fd = (__u32)prog_fd;
		attr.test.data_in = kt_ptr(pkt);
		attr.test.data_size_in = sizeof(pkt);
		attr.test.repeat = op == DELETE ? 1 : PROG_REPEAT;
		if (be_call(be, BPF_PROG_TEST_RUN, &attr) || attr.test.retval)
			die("%s %s prog%s: PROG_TEST_RUN: %s, retval %u", m->name,
			    op_names[op], be->suffix, strerror(errno),
			    attr.test.retval);
		ns += attr.test.duration;
	}
	if (op == DELETE) {
		/* Every key went: the program really deleted. */
		struct key key = make_key(m, NCALLS - 1, KEY_ENTRY);
		__u64 value;

		if (!be_elem(be, BPF_MAP_LOOKUP_ELEM, map_fd, &key, &value, 0))
			die("%s delete prog%s: the keys are still there",
			    m->name, be->suffix);
		fill(be, m, map_fd);
	}
	return (double)ns / (rounds * NCALLS);
}

struct side {
	int map_fd, prog_fd;
	double best;
};

static void bench(const struct bench_map *m, enum op op, bool prog)
{
	const struct kt_be *be[2] = { &kt_be_kbpf, &kt_be_linux };
	struct side s[2];
	int t, b;

	for (b = 0; b < 2; b++) {
		s[b].map_fd = map_create(be[b], m);
		fill(be[b], m, s[b].map_fd);
		s[b].prog_fd = prog ? prog_load(be[b], m, op, s[b].map_fd) : -1;
		s[b].best = 1e18;
	}
	for (t = 0; t < TRIALS; t++) {
		for (b = 0; b < 2; b++) {
			double ns = prog ?
				prog_trial(be[b], m, op, s[b].map_fd, s[b].prog_fd) :
				user_trial(be[b], m, op, s[b].map_fd);

			if (ns < s[b].best)
				s[b].best = ns;
		}
	}
	printf("map_bench %s %s %s kbpf_ns=%.1f linux_ns=%.1f ratio=%.2f\n",
	       m->name, op_names[op], prog ? "prog" : "user", s[0].best,
	       s[1].best, s[1].best > 0 ? s[0].best / s[1].best : 0.0);
	fflush(stdout);
	for (b = 0; b < 2; b++) {
		if (prog)
			close(s[b].prog_fd);
		close(s[b].map_fd);
	}
}

static void print_knob(const char *what, const char *path)
{
	char buf[32] = "?";
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			strcpy(buf, "?");
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	printf("# %s: %s\n", what, buf);
}

int main(void)
{
	size_t i;
	int op, prog;

	if (!kt_linux_bpf_usable())
		die("the kernel's bpf(2) is not usable here");
	print_knob("linux bpf_jit_enable", "/proc/sys/net/core/bpf_jit_enable");
	print_knob("kbpf jit_enable", "/sys/module/kbpf/parameters/jit_enable");
	/* Retpolines make every indirect call (a map's ops) dearer. */
	print_knob("spectre_v2", "/sys/devices/system/cpu/vulnerabilities/spectre_v2");
	printf("# %d helper calls per program run, %d runs per test run; %d userspace calls per trial; best of %d\n",
	       NCALLS, PROG_REPEAT, NCALLS * USER_ROUNDS, TRIALS);
	for (prog = 0; prog < 2; prog++)
		for (i = 0; i < KT_ARRAY_SIZE(maps); i++)
			for (op = 0; op < NR_OPS; op++) {
				if ((op == LOOKUP_MISS && !maps[i].has_miss) ||
				    (op == DELETE && !maps[i].has_delete))
					continue;
				bench(&maps[i], op, prog);
			}
	return 0;
}
