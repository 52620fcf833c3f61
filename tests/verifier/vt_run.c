// SPDX-License-Identifier: GPL-2.0
/*
 * The test_verifier driver (see vt_run.h): the semantics of Linux's
 * tools/testing/selftests/bpf/test_verifier.c do_test_single(), written
 * for kbpf's places, plus the expectations file and the counts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "vt_test.h"
#include "vt_run.h"
#include "known.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* Linux's log levels as test_verifier passes them. */
#define VT_LOG_LEVEL_DEFAULT	4	/* BPF_LOG_STATS: errors and the stats line */
#define VT_LOG_LEVEL_VERBOSE	2	/* for VERBOSE_ACCEPT: the full trace */
/* test_verifier's log buffer is UINT_MAX >> 8 bytes: 16 MiB. */
#define VT_LOG_SIZE		(UINT32_MAX >> 8)

static char *vt_log;
/* -P: each accepted program is loaded again without pruning. */
static bool vt_prune_check;

/* ---- maps ---------------------------------------------------------------- */

/* test_verifier.c's create_map(): hash maps are not preallocated. */
#define HASH(n, v) { .name = n, .type_name = "hash", \
	.map_type = BPF_MAP_TYPE_HASH, .key_size = 8, .value_size = v, \
	.max_entries = 1, .map_flags = BPF_F_NO_PREALLOC }
#define ARRAY(n, v, f) { .name = n, .type_name = "array", \
	.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = v, \
	.max_entries = 1, .map_flags = f, .fill_elem0 = true }
#define OTHER(n, tn, t, k, v, m) { .name = n, .type_name = tn, \
	.map_type = t, .key_size = k, .value_size = v, .max_entries = m }
#define NEEDS_BTF(n, why) { .name = n, .needs = why }

enum {
	M_HASH_8B, M_HASH_48B, M_HASH_16B, M_ARRAY_48B, M_SOCKMAP, M_SOCKHASH,
	M_XSKMAP, M_STACKTRACE, M_PROG1, M_PROG2, M_MAP_IN_MAP, M_CGROUP_STORAGE,
	M_PERCPU_CGROUP_STORAGE, M_SPIN_LOCK, M_ARRAY_RO, M_ARRAY_WO,
	M_ARRAY_SMALL, M_SK_STORAGE, M_EVENT_OUTPUT, M_REUSEPORT, M_RINGBUF,
	M_TIMER, M_KPTR, M_NR
};

static const struct vt_map_spec vt_maps[M_NR] = {
	[M_HASH_8B] = HASH("map_hash_8b", 8),
	[M_HASH_48B] = HASH("map_hash_48b", sizeof(struct { int i, f[11]; })),
	[M_HASH_16B] = HASH("map_hash_16b", 16),
	[M_ARRAY_48B] = ARRAY("map_array_48b", 48, 0),
	[M_SOCKMAP] = OTHER("map_sockmap", "sockmap",
			    BPF_MAP_TYPE_SOCKMAP, 4, 4, 1),
	[M_SOCKHASH] = OTHER("map_sockhash", "sockhash",
			     BPF_MAP_TYPE_SOCKHASH, 4, 4, 1),
	[M_XSKMAP] = OTHER("map_xskmap", "xskmap", BPF_MAP_TYPE_XSKMAP, 4, 4, 1),
	[M_STACKTRACE] = OTHER("map_stacktrace", "stack_trace",
			       BPF_MAP_TYPE_STACK_TRACE, 4, 8, 1),
	[M_PROG1] = { .name = "prog1", .type_name = "prog_array",
		      .map_type = BPF_MAP_TYPE_PROG_ARRAY, .key_size = 4,
		      .value_size = 4, .max_entries = 4, .prog_array = true,
		      .prog_keys = { 0, 1, 2 } },
	[M_PROG2] = { .name = "prog2", .type_name = "prog_array",
		      .map_type = BPF_MAP_TYPE_PROG_ARRAY, .key_size = 4,
		      .value_size = 4, .max_entries = 8, .prog_array = true,
		      .prog_keys = { 7, 1, 2 } },
	/* An array of one array map of one int. */
	[M_MAP_IN_MAP] = OTHER("map_in_map", "array_of_maps",
			       BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 1),
	[M_CGROUP_STORAGE] = OTHER("cgroup_storage", "cgroup_storage",
				   BPF_MAP_TYPE_CGROUP_STORAGE,
				   sizeof(struct bpf_cgroup_storage_key),
				   VT_DATA_LEN, 0),
	[M_PERCPU_CGROUP_STORAGE] = OTHER("percpu_cgroup_storage",
					  "percpu_cgroup_storage",
					  BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE,
					  sizeof(struct bpf_cgroup_storage_key),
					  VT_DATA_LEN, 0),
	[M_SPIN_LOCK] = NEEDS_BTF("map_spin_lock", "BTF needed (map with bpf_spin_lock)"),
	[M_ARRAY_RO] = ARRAY("map_array_ro", 48, BPF_F_RDONLY_PROG),
	[M_ARRAY_WO] = ARRAY("map_array_wo", 48, BPF_F_WRONLY_PROG),
	[M_ARRAY_SMALL] = ARRAY("map_array_small", 1, 0),
	[M_SK_STORAGE] = NEEDS_BTF("sk_storage_map", "BTF needed (sk_storage map)"),
	[M_EVENT_OUTPUT] = OTHER("map_event_output", "perf_event_array",
				 BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1),
	[M_REUSEPORT] = OTHER("map_reuseport_array", "reuseport_sockarray",
			      BPF_MAP_TYPE_REUSEPORT_SOCKARRAY, 4, 8, 1),
	[M_RINGBUF] = OTHER("map_ringbuf", "ringbuf",
			    BPF_MAP_TYPE_RINGBUF, 0, 0, 4096),
	[M_TIMER] = NEEDS_BTF("map_timer", "BTF needed (map with bpf_timer)"),
	[M_KPTR] = NEEDS_BTF("map_kptr", "BTF needed (map with kptrs)"),
};

static const int *vt_fixup(const struct kbpf_vt_test *t, int kind)
{
	switch (kind) {
	case M_HASH_8B: return t->fixup_map_hash_8b;
	case M_HASH_48B: return t->fixup_map_hash_48b;
	case M_HASH_16B: return t->fixup_map_hash_16b;
	case M_ARRAY_48B: return t->fixup_map_array_48b;
	case M_SOCKMAP: return t->fixup_map_sockmap;
	case M_SOCKHASH: return t->fixup_map_sockhash;
	case M_XSKMAP: return t->fixup_map_xskmap;
	case M_STACKTRACE: return t->fixup_map_stacktrace;
	case M_PROG1: return t->fixup_prog1;
	case M_PROG2: return t->fixup_prog2;
	case M_MAP_IN_MAP: return t->fixup_map_in_map;
	case M_CGROUP_STORAGE: return t->fixup_cgroup_storage;
	case M_PERCPU_CGROUP_STORAGE: return t->fixup_percpu_cgroup_storage;
	case M_SPIN_LOCK: return t->fixup_map_spin_lock;
	case M_ARRAY_RO: return t->fixup_map_array_ro;
	case M_ARRAY_WO: return t->fixup_map_array_wo;
	case M_ARRAY_SMALL: return t->fixup_map_array_small;
	case M_SK_STORAGE: return t->fixup_sk_storage_map;
	case M_EVENT_OUTPUT: return t->fixup_map_event_output;
	case M_REUSEPORT: return t->fixup_map_reuseport_array;
	case M_RINGBUF: return t->fixup_map_ringbuf;
	case M_TIMER: return t->fixup_map_timer;
	default: return t->fixup_map_kptr;
	}
}

/* The value test_verifier.c's update_map() writes: a struct test_val. */
static void vt_fill_elem0(const struct vt_place *pl, int fd)
{
	int value[12] = { 0 };
	int key = 0;

	value[0] = 7 * sizeof(int);
	value[1 + 6] = (int)0xabcdef12;
	pl->map_update(fd, &key, value);
}

/* A program returning ret, or tail-calling into map[idx] first. */
static int vt_dummy_prog(const struct vt_place *pl, uint32_t prog_type,
			 int map_fd, int idx, int ret)
{
	struct bpf_insn p[6];
	struct vt_load ld = { .insns = p, .prog_type = prog_type };
	uint32_t n = 0;

	memset(p, 0, sizeof(p));
	if (map_fd >= 0) {
		p[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
					    .dst_reg = 3, .imm = idx };
		p[n++] = (struct bpf_insn){ .code = BPF_LD | BPF_DW | BPF_IMM,
					    .dst_reg = 2,
					    .src_reg = BPF_PSEUDO_MAP_FD,
					    .imm = map_fd };
		n++;
		p[n++] = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL,
					    .imm = BPF_FUNC_tail_call };
	}
	p[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
				    .imm = ret };
	p[n++] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	ld.insn_cnt = n;
	n = pl->prog_load(&ld);
	free(ld.xlated);
	return n;
}

/* test_verifier.c's create_prog_array(): 42, a tail call then 41, 24. */
static int vt_prog_array(const struct vt_place *pl,
			 const struct vt_map_spec *spec, uint32_t prog_type)
{
	int fd = pl->map_create(spec), p[3], i, err = 0;

	if (fd < 0 || pl->no_prog_handles)
		return fd;
	p[0] = vt_dummy_prog(pl, prog_type, -1, 0, 42);
	p[1] = vt_dummy_prog(pl, prog_type, fd, spec->prog_keys[1], 41);
	p[2] = vt_dummy_prog(pl, prog_type, -1, 0, 24);
	for (i = 0; i < 3; i++) {
		if (p[i] < 0)
			err = p[i];
		else if (!err)
			err = pl->map_update(fd, &spec->prog_keys[i], &p[i]);
	}
	for (i = 0; i < 3; i++)
		if (p[i] >= 0)
			pl->prog_close(p[i]);
	if (err) {
		pl->map_close(fd);
		return err;
	}
	return fd;
}

/* ---- checks ------------------------------------------------------------ */

/* test_verifier's probe_filter_length(): up to the last non-zero insn. */
static uint32_t vt_prog_len(const struct bpf_insn *p)
{
	int len;

	for (len = VT_MAX_INSNS - 1; len > 0; len--)
		if (p[len].code || p[len].imm)
			break;
	return len + 1;
}

/* Every tab-separated part of exp appears in log, in this order. */
static bool vt_log_has(const char *log, const char *exp, const char **missing)
{
	static char part[256];

	while (*exp) {
		const char *tab = strchr(exp, '\t');
		size_t len = tab ? (size_t)(tab - exp) : strlen(exp);
		const char *at;

		if (len >= sizeof(part))
			len = sizeof(part) - 1;
		memcpy(part, exp, len);
		part[len] = 0;
		at = strstr(log, part);
		if (!at) {
			*missing = part;
			return false;
		}
		log = at + len;
		if (!tab)
			break;
		exp = tab + 1;
	}
	return true;
}

static bool vt_insn_null(const struct bpf_insn *i)
{
	static const struct bpf_insn zero;

	return !memcmp(i, &zero, sizeof(zero));
}

static bool vt_insn_skip(const struct bpf_insn *i)
{
	return i->code == 0xde && i->dst_reg == 0xa && i->src_reg == 0xd &&
	       i->off == (int16_t)0xbeef && i->imm == (int32_t)0xdeadbeef;
}

/* off/imm equal to the masks match anything, as in test_verifier. */
static bool vt_insn_match(const struct bpf_insn *x, const struct bpf_insn *pat)
{
	return x->code == pat->code && x->dst_reg == pat->dst_reg &&
	       x->src_reg == pat->src_reg &&
	       (pat->off == (int16_t)0xffff || x->off == pat->off) &&
	       (pat->imm == (int32_t)0xffffffff || x->imm == pat->imm);
}

/* The pattern's sub-sequences (split at SKIP_INSNS) appear in order. */
static bool vt_has_pattern(const struct bpf_insn *prog, uint32_t cnt,
			   const struct bpf_insn *pat)
{
	uint32_t at = 0, i = 0;

	while (i < VT_MAX_EXPECTED_INSNS && !vt_insn_null(&pat[i])) {
		uint32_t len = 0, s;

		while (i + len < VT_MAX_EXPECTED_INSNS &&
		       !vt_insn_null(&pat[i + len]) &&
		       !vt_insn_skip(&pat[i + len]))
			len++;
		for (s = at; s + len <= cnt; s++) {
			uint32_t k;

			for (k = 0; k < len; k++)
				if (!vt_insn_match(&prog[s + k], &pat[i + k]))
					break;
			if (k == len)
				break;
		}
		if (s + len > cnt)
			return false;
		at = s + len;
		i += len;
		if (i < VT_MAX_EXPECTED_INSNS && vt_insn_skip(&pat[i]))
			i++;
	}
	return true;
}

/* ---- one case ---------------------------------------------------------- */

enum vt_outcome { VT_PASS, VT_MISMATCH, VT_SKIP };

struct vt_case {
	enum vt_outcome outcome;
	char why[512];		/* skip reason or first mismatch */
	bool false_accept;
	bool crashed;		/* the place died on this case: never listable */
	bool timed_out;		/* killed by the per-case time limit: listable */
	bool unsound;		/* -P: pruning changed the verdict: never listable */
	double secs;		/* how long the case took (worker mode) */
	/* Which checks applied, and which held. */
	bool verdict_ok, errstr_checked, errstr_ok;
	bool insns_checked, insns_ok, xlated_checked, xlated_ok;
	int retval_checked, retval_ok;
	unsigned long long st_insns, st_states, st_peak;	/* vt_add_stats() */
};

struct vt_counts {
	int cases, verdict, errstr_n, errstr, retval_n, retval, false_accepts;
	int skipped, insns_n, insns, xlated_n, xlated;
	int passed, failed, known_gap, now_passes;
	unsigned long long st_insns, st_states, st_peak;
};

/*
 * The verifier's work for a load (its log's "processed N insns ...
 * total_states N peak_states N" line), summed over the run to compare
 * pruning changes.
 */
static void vt_add_stats(struct vt_case *c, const char *log)
{
	const char *p = strstr(log, "processed ");
	const char *s = p ? strstr(p, "total_states ") : NULL;
	const char *k = p ? strstr(p, "peak_states ") : NULL;

	if (!p)
		return;
	c->st_insns = strtoull(p + 10, NULL, 10);
	c->st_states = s ? strtoull(s + 13, NULL, 10) : 0;
	c->st_peak = k ? strtoull(k + 12, NULL, 10) : 0;
}

/* Skip reasons and their counts, in order of first use. */
static struct { char reason[512]; int n; } vt_skips[64];

static void vt_count_skip(const char *reason)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(vt_skips) && vt_skips[i].n; i++)
		if (!strcmp(vt_skips[i].reason, reason))
			break;
	if (i == ARRAY_LEN(vt_skips))
		i--;	/* more reasons than slots: the last one collects them */
	if (!vt_skips[i].n)
		snprintf(vt_skips[i].reason, sizeof(vt_skips[i].reason), "%s",
			 reason);
	vt_skips[i].n++;
}

/* enum bpf_prog_type's names, for skip reasons. */
static const char *const vt_prog_type_names[] = {
	"unspec",
	"socket_filter",
	"kprobe",
	"sched_cls",
	"sched_act",
	"tracepoint",
	"xdp",
	"perf_event",
	"cgroup_skb",
	"cgroup_sock",
	"lwt_in",
	"lwt_out",
	"lwt_xmit",
	"sock_ops",
	"sk_skb",
	"cgroup_device",
	"sk_msg",
	"raw_tracepoint",
	"cgroup_sock_addr",
	"lwt_seg6local",
	"lirc_mode2",
	"sk_reuseport",
	"flow_dissector",
	"cgroup_sysctl",
	"raw_tracepoint_writable",
	"cgroup_sockopt",
	"tracing",
	"struct_ops",
	"ext",
	"lsm",
	"sk_lookup",
	"syscall",
};

static const char *vt_type_missing(const struct vt_place *pl, uint32_t type,
				   uint32_t attach)
{
	/* Probed once per (type, attach type), like libbpf's probe. */
	static struct { uint32_t type, attach; int err; } seen[64];
	static unsigned int nseen;
	static char why[128];
	struct bpf_insn p[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct vt_load ld = { .insns = p, .insn_cnt = 2, .prog_type = type,
			      .expected_attach_type = attach };
	unsigned int i;
	int err;

	for (i = 0; i < nseen; i++)
		if (seen[i].type == type && seen[i].attach == attach)
			break;
	if (i < nseen) {
		err = seen[i].err;
	} else {
		err = pl->prog_load(&ld);
		free(ld.xlated);
		if (err >= 0) {
			pl->prog_close(err);
			err = 0;
		}
		if (nseen < ARRAY_LEN(seen))
			seen[nseen++] = (typeof(seen[0])){ type, attach, err };
	}
	if (!err)
		return NULL;
	/* Nothing loads at all: the place says why, once for every type. */
	if (err == -ENOSYS)
		return pl->no_load_reason;
	if (type < ARRAY_LEN(vt_prog_type_names))
		snprintf(why, sizeof(why), "prog type %s unsupported (errno %d)",
			 vt_prog_type_names[type], -err);
	else
		snprintf(why, sizeof(why), "prog type %u unsupported (errno %d)",
			 type, -err);
	return why;
}

static void vt_skip(struct vt_case *c, const char *fmt, const char *arg)
{
	c->outcome = VT_SKIP;
	snprintf(c->why, sizeof(c->why), fmt, arg);
}

static void vt_mismatch(struct vt_case *c, const char *what)
{
	if (c->outcome != VT_MISMATCH)
		snprintf(c->why, sizeof(c->why), "%s", what);
	c->outcome = VT_MISMATCH;
}

/* The log's last non-empty line (the verifier's reason), at most 200 bytes. */
static const char *vt_last_line(const char *log)
{
	static char line[201];
	const char *end = log + strlen(log), *start;

	while (end > log && end[-1] == '\n')
		end--;
	for (start = end; start > log && start[-1] != '\n'; start--)
		;
	snprintf(line, sizeof(line), "%.*s", (int)(end - start), start);
	return line;
}

static const char *vt_result_name(int r)
{
	return r == VT_REJECT ? "REJECT" : r == VT_VERBOSE_ACCEPT ?
	       "VERBOSE_ACCEPT" : "ACCEPT";
}

/* The test as test_verifier's do_test_single() runs it, once. */
static void vt_do_case(const struct vt_place *pl, struct kbpf_vt_test *t,
		       bool unpriv, struct vt_case *c)
{
	uint32_t prog_type = t->prog_type ? t->prog_type :
			     BPF_PROG_TYPE_SOCKET_FILTER;
	int map_fds[M_NR], expected, fd = -1, k, i;
	struct vt_load ld = { 0 };
	const char *exp_err, *missing, *why;
	struct bpf_insn *prog = t->insns;
	char buf[400];

	memset(c, 0, sizeof(*c));
	for (k = 0; k < M_NR; k++)
		map_fds[k] = -1;

	if (t->btf_types[0] || t->func_info_cnt)
		return vt_skip(c, "BTF needed (%s)", t->btf_types[0] ?
			       "btf_types" : "func_info");
	if (t->fixup_kfunc_btf_id[0].kfunc)
		return vt_skip(c, "kfunc needed (%s)", "vmlinux BTF ids");
	if (t->kfunc && (t->prog_type == BPF_PROG_TYPE_TRACING ||
			 t->prog_type == BPF_PROG_TYPE_LSM))
		return vt_skip(c, "attach BTF needed (%s)", "vmlinux BTF");
	for (k = 0; k < M_NR; k++)
		if (vt_fixup(t, k)[0] && vt_maps[k].needs)
			return vt_skip(c, "%s", vt_maps[k].needs);

	pl->set_unpriv(false);
	if (t->fill_helper) {
		t->fill_insns = calloc(VT_MAX_FILL_INSNS, sizeof(*t->fill_insns));
		if (!t->fill_insns)
			return vt_skip(c, "%s", "out of memory for fill_helper");
		t->fill_helper(t);
		if (!t->prog_len)
			return vt_skip(c, "%s", "fill_helper not implemented");
		prog = t->fill_insns;
		ld.insn_cnt = t->prog_len;
	} else {
		ld.insn_cnt = vt_prog_len(prog);
	}

	why = vt_type_missing(pl, prog_type, t->expected_attach_type);
	if (why) {
		vt_skip(c, "%s", why);
		goto out;
	}

	for (k = 0; k < M_NR; k++) {
		const int *fx = vt_fixup(t, k);

		if (!fx[0])
			continue;
		map_fds[k] = vt_maps[k].prog_array ?
			     vt_prog_array(pl, &vt_maps[k], prog_type) :
			     pl->map_create(&vt_maps[k]);
		if (map_fds[k] == -EINVAL || map_fds[k] == -EOPNOTSUPP) {
			vt_skip(c, "map type %s missing", vt_maps[k].type_name);
			goto out;
		}
		if (map_fds[k] < 0) {
			snprintf(buf, sizeof(buf), "creating %s: errno %d",
				 vt_maps[k].name, -map_fds[k]);
			vt_mismatch(c, buf);
			goto out;
		}
		if (vt_maps[k].fill_elem0)
			vt_fill_elem0(pl, map_fds[k]);
		for (i = 0; i < VT_MAX_FIXUPS && fx[i]; i++)
			prog[fx[i]].imm = map_fds[k];
	}

	ld.insns = prog;
	ld.prog_type = prog_type;
	ld.expected_attach_type = t->expected_attach_type;
	ld.prog_flags = BPF_F_TEST_RND_HI32;
	if (t->flags & VT_F_LOAD_WITH_STRICT_ALIGNMENT)
		ld.prog_flags |= BPF_F_STRICT_ALIGNMENT;
	if (t->flags & VT_F_NEEDS_EFFICIENT_UNALIGNED_ACCESS)
		ld.prog_flags |= BPF_F_ANY_ALIGNMENT;
	if (t->flags & ~3)
		ld.prog_flags |= t->flags;
	ld.unpriv = unpriv;

	expected = unpriv && t->result_unpriv != VT_UNDEF ?
		   t->result_unpriv : t->result;
	exp_err = unpriv && t->errstr_unpriv ? t->errstr_unpriv : t->errstr;
	ld.log_level = expected == VT_VERBOSE_ACCEPT ? VT_LOG_LEVEL_VERBOSE :
		       VT_LOG_LEVEL_DEFAULT;
	ld.log = vt_log;
	ld.log_size = VT_LOG_SIZE;
	vt_log[0] = 0;

	pl->set_unpriv(unpriv);
	fd = pl->prog_load(&ld);
	pl->set_unpriv(false);
	if (fd == -ENOSYS) {
		vt_skip(c, "%s", pl->no_load_reason);
		goto out;
	}
	if (fd == -VT_ENOTSUPP) {
		vt_skip(c, "%s", "program uses an unsupported feature (ENOTSUPP)");
		goto out;
	}
	vt_add_stats(c, vt_log);

	if (expected == VT_REJECT) {
		c->verdict_ok = fd < 0;
		if (!c->verdict_ok) {
			c->false_accept = true;
			vt_mismatch(c, "FALSE ACCEPT: Linux rejects this program");
		}
		c->errstr_checked = true;
		c->errstr_ok = exp_err && vt_log_has(vt_log, exp_err, &missing);
		if (c->verdict_ok && !c->errstr_ok) {
			snprintf(buf, sizeof(buf), "errstr: \"%s\" not in the log",
				 exp_err ? missing : "(test has no errstr)");
			vt_mismatch(c, buf);
		}
	} else {
		c->verdict_ok = fd >= 0;
		if (!c->verdict_ok) {
			snprintf(buf, sizeof(buf),
				 "verdict: expected %s, got errno %d: %s",
				 vt_result_name(expected), -fd, vt_last_line(vt_log));
			vt_mismatch(c, buf);
		}
		if (expected == VT_VERBOSE_ACCEPT) {
			c->errstr_checked = true;
			c->errstr_ok = c->verdict_ok &&
				       vt_log_has(vt_log, exp_err ? exp_err : "",
						  &missing);
			if (c->verdict_ok && !c->errstr_ok) {
				snprintf(buf, sizeof(buf),
					 "errstr: \"%s\" not in the log", missing);
				vt_mismatch(c, buf);
			}
		}
	}

	if (!unpriv && t->insn_processed && c->verdict_ok) {
		const char *p = strstr(vt_log, "processed ");
		unsigned long n = p ? strtoul(p + 10, NULL, 10) : 0;

		c->insns_checked = true;
		c->insns_ok = n == t->insn_processed;
		if (!c->insns_ok) {
			snprintf(buf, sizeof(buf), "insn_processed %lu, want %u",
				 n, t->insn_processed);
			vt_mismatch(c, buf);
		}
	}

	if (fd >= 0 && (!vt_insn_null(&t->expected_insns[0]) ||
			!vt_insn_null(&t->unexpected_insns[0]))) {
		c->xlated_checked = true;
		c->xlated_ok = ld.xlated &&
			(vt_insn_null(&t->expected_insns[0]) ||
			 vt_has_pattern(ld.xlated, ld.xlated_cnt,
					t->expected_insns)) &&
			(vt_insn_null(&t->unexpected_insns[0]) ||
			 !vt_has_pattern(ld.xlated, ld.xlated_cnt,
					 t->unexpected_insns));
		if (!c->xlated_ok)
			vt_mismatch(c, ld.xlated ?
				    "xlated: expected instructions not found (or unexpected found)" :
				    "xlated: this place cannot read the xlated program");
	}

	/*
	 * Pruning must not change a verdict: a program accepted with it and
	 * refused without it (other than for the complexity limits, which
	 * exploring every path may hit) had an unsafe path pruned away.
	 */
	if (fd >= 0 && vt_prune_check && pl->can_skip_pruning) {
		struct vt_load again = ld;
		int fd2;

		again.no_prune = true;
		again.xlated = NULL;
		vt_log[0] = 0;
		fd2 = pl->prog_load(&again);
		free(again.xlated);
		if (fd2 >= 0)
			pl->prog_close(fd2);
		else if (fd2 != -E2BIG && !strstr(vt_log, "too complex")) {
			snprintf(buf, sizeof(buf),
				 "PRUNING: accepted, but refused without pruning (errno %d: %s)",
				 -fd2, vt_last_line(vt_log));
			vt_mismatch(c, buf);
			c->unsound = true;
		}
	}

	if (fd >= 0 && t->runs >= 0) {
		int runs = t->runs ? t->runs : 1;

		for (i = 0; i < runs && i < VT_MAX_RUNS; i++) {
			const struct vt_run *r = &t->retvals[i];
			uint32_t want = unpriv && r->retval_unpriv ?
					r->retval_unpriv : r->retval, got = 0;
			int err = pl->prog_run(fd, r->data, sizeof(r->data), &got);

			if (err == -EOPNOTSUPP || err == -VT_ENOTSUPP)
				break;	/* not run here: nothing checked */
			c->retval_checked++;
			if (err) {
				snprintf(buf, sizeof(buf),
					 "retval: run %d: test run failed, errno %d",
					 i + 1, -err);
				vt_mismatch(c, buf);
			} else if (got != want && want != VT_POINTER_VALUE) {
				snprintf(buf, sizeof(buf),
					 "retval: run %d: got %u (0x%x), want %u (0x%x)",
					 i + 1, got, got, want, want);
				vt_mismatch(c, buf);
			} else {
				c->retval_ok++;
			}
		}
	}
out:
	free(ld.xlated);
	if (fd >= 0)
		pl->prog_close(fd);
	for (k = 0; k < M_NR; k++)
		if (map_fds[k] >= 0)
			pl->map_close(map_fds[k]);
}

/* ---- the expectations file ------------------------------------------- */

static const struct kbpf_vt_known *vt_known_find(const char *place,
						 const char *tcase,
						 const char *descr)
{
	const struct kbpf_vt_known *k;

	for (k = kbpf_vt_known; k->place; k++)
		if (!strcmp(k->place, place) && !strcmp(k->test_case, tcase) &&
		    !strcmp(k->descr, descr))
			return k;
	return NULL;
}

/* ---- the whole run ---------------------------------------------------- */

static bool vt_as_unpriv(const struct kbpf_vt_test *t)
{
	/* x86 has efficient unaligned access: no exception for those. */
	return !t->prog_type || t->prog_type == BPF_PROG_TYPE_SOCKET_FILTER ||
	       t->prog_type == BPF_PROG_TYPE_CGROUP_SKB;
}

static void vt_account(const struct vt_place *pl, const struct vt_options *opt,
		       struct vt_counts *n, unsigned int idx,
		       const struct kbpf_vt_test *t, bool unpriv,
		       const struct vt_case *c)
{
	const struct kbpf_vt_known *known;
	const char *fail = pl->ktest_lines ? "KBPF-TEST FAIL test_verifier/#" :
			   "FAIL #";
	char tcase[24];

	snprintf(tcase, sizeof(tcase), "%u/%c", idx, unpriv ? 'u' : 'p');
	if (c->outcome == VT_SKIP) {
		n->skipped++;
		vt_count_skip(c->why);
		if (opt->verbose)
			printf("SKIP [%s] #%s %s\n", c->why, tcase, t->descr);
		return;
	}
	n->cases++;
	n->verdict += c->verdict_ok;
	n->errstr_n += c->errstr_checked;
	n->errstr += c->errstr_checked && c->errstr_ok;
	n->insns_n += c->insns_checked;
	n->st_insns += c->st_insns;
	n->st_states += c->st_states;
	n->st_peak += c->st_peak;
	n->insns += c->insns_checked && c->insns_ok;
	n->xlated_n += c->xlated_checked;
	n->xlated += c->xlated_checked && c->xlated_ok;
	n->retval_n += c->retval_checked;
	n->retval += c->retval_ok;
	n->false_accepts += c->false_accept;

	known = vt_known_find(pl->name, tcase, t->descr);
	if (opt->time_ms >= 0 && c->secs * 1000 >= opt->time_ms)
		printf("TIME\t%.3f\t%s\t%s\n", c->secs, tcase, t->descr);
	if (c->outcome == VT_MISMATCH && opt->list_mismatches &&
	    !c->false_accept && !c->crashed && !c->unsound)
		printf("MISMATCH\t%s\t%s\t%s\t%s\n", pl->name, tcase, t->descr,
		       c->why);
	if (c->crashed || c->unsound) {
		n->failed++;
		printf("%s%s %s: %s\n", fail, tcase, t->descr, c->why);
	} else if (c->false_accept) {
		n->failed++;
		printf("%s%s %s: %s%s\n", fail, tcase, t->descr, c->why,
		       known ? " (false accepts can never be listed as known)" : "");
	} else if (c->outcome == VT_MISMATCH && known) {
		n->known_gap++;
		if (opt->verbose)
			printf("GAP #%s %s: %s\n", tcase, t->descr, c->why);
	} else if (c->outcome == VT_MISMATCH) {
		n->failed++;
		printf("%s%s %s: %s\n", fail, tcase, t->descr, c->why);
	} else if (known) {
		n->failed++;
		n->now_passes++;
		printf("%s%s %s: now passes — remove from tests/verifier/known-mismatches.txt\n",
		       fail, tcase, t->descr);
	} else {
		n->passed++;
	}
	if (c->outcome == VT_MISMATCH && opt->verbose && vt_log[0])
		printf("--- log of #%s:\n%.4000s\n---\n", tcase, vt_log);
}

static void vt_print_summary(const struct vt_place *pl, const struct vt_counts *n)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(vt_skips) && vt_skips[i].n; i++) {
		printf("test_verifier %s: SKIP %d cases: %s\n", pl->name,
		       vt_skips[i].n, vt_skips[i].reason);
		if (pl->ktest_lines)
			printf("KBPF-TEST SKIP test_verifier/skipped: %d cases: %s\n",
			       vt_skips[i].n, vt_skips[i].reason);
	}
	if (pl->ktest_lines && n->known_gap)
		printf("KBPF-TEST SKIP test_verifier/known-gaps: %d cases listed in tests/verifier/known-mismatches.txt\n",
		       n->known_gap);
	if (pl->ktest_lines && n->passed)
		printf("KBPF-TEST PASS test_verifier/matched: %d cases match Linux\n",
		       n->passed);
	printf("test_verifier %s: xlated %d/%d, insn_processed %d/%d, known gaps %d, now passing %d\n",
	       pl->name, n->xlated, n->xlated_n, n->insns, n->insns_n,
	       n->known_gap, n->now_passes);
	printf("test_verifier %s: verdict %d/%d, errstr %d/%d, retval %d/%d, false_accepts %d, skipped %d\n",
	       pl->name, n->verdict, n->cases, n->errstr, n->errstr_n,
	       n->retval, n->retval_n, n->false_accepts, n->skipped);
	printf("test_verifier %s: work over all loads: processed insns %llu, total_states %llu, peak_states %llu\n",
	       pl->name, n->st_insns, n->st_states, n->st_peak);
	printf("test_verifier-%s: %d passed, %d failed, %d skipped\n",
	       pl->name, n->passed, n->failed, n->skipped + n->known_gap);
}

/* The cases of a run, in order: test index and privileged or not. */
struct vt_slot {
	unsigned int idx;
	bool unpriv;
};

static double vt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void vt_run_slot(const struct vt_place *pl, const struct vt_slot *sl,
			struct kbpf_vt_test *t, struct vt_case *c)
{
	double start = vt_now();

	/* Fixups and fill helpers write into the test: a fresh copy each time. */
	*t = kbpf_vt_tests[sl->idx];
	if (pl->case_start)
		pl->case_start(sl->idx, sl->unpriv);
	vt_do_case(pl, t, sl->unpriv, c);
	free(t->fill_insns);
	t->fill_insns = NULL;
	c->secs = vt_now() - start;
}

/*
 * Run slots [from, nslots) in a worker process, each case's result into
 * shared memory and *progress set before each case starts, so that a
 * verifier crash (a sanitizer report, a signal) fails that case alone:
 * the parent marks it and starts a new worker after it. The worker leaves
 * with exit() so LeakSanitizer checks everything it ran; exit status 3
 * says the place counted errors of its own (e.g. map references).
 * Returns the slot the worker died on, or nslots when it finished.
 */
static unsigned int vt_worker(const struct vt_place *pl,
			      const struct vt_options *opt,
			      const struct vt_slot *slots, unsigned int from,
			      unsigned int nslots, struct kbpf_vt_test *t,
			      struct vt_case *res, volatile unsigned int *progress,
			      int *leak_status)
{
	int status, before = pl->errors ? *pl->errors : 0;
	unsigned int k;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		for (k = from; k < nslots; k++)
			vt_run_slot(pl, &slots[k], t, &res[k]);
		return nslots;
	}
	if (pid == 0) {
		/*
		 * The time limit: SIGALRM's default action ends the worker,
		 * the parent reports the case as TIMEOUT and goes on.
		 */
		signal(SIGALRM, SIG_DFL);
		for (k = from; k < nslots; k++) {
			*progress = k;
			alarm(opt->timeout_s);
			vt_run_slot(pl, &slots[k], t, &res[k]);
		}
		alarm(0);
		*progress = nslots;
		fflush(stdout);
		exit(pl->errors && *pl->errors != before ? 3 : 0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3 && pl->errors)
		(*pl->errors)++;
	if (*progress >= nslots) {
		/* Finished: any other status is LeakSanitizer's report. */
		if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 &&
					   WEXITSTATUS(status) != 3))
			*leak_status = WIFEXITED(status) ? WEXITSTATUS(status) :
				       128 + WTERMSIG(status);
		return nslots;
	}
	k = *progress;
	memset(&res[k], 0, sizeof(res[k]));
	res[k].outcome = VT_MISMATCH;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		/* Too slow is a mismatch like any other: it may be listed. */
		res[k].timed_out = true;
		res[k].secs = opt->timeout_s;
		snprintf(res[k].why, sizeof(res[k].why),
			 "TIMEOUT: still verifying after %u s", opt->timeout_s);
		return k;
	}
	res[k].crashed = true;
	if (WIFSIGNALED(status))
		snprintf(res[k].why, sizeof(res[k].why),
			 "CRASH: the verifier died with signal %d", WTERMSIG(status));
	else
		snprintf(res[k].why, sizeof(res[k].why),
			 "CRASH: exit status %d (a sanitizer report above)",
			 WEXITSTATUS(status));
	return k;
}

int vt_run_all(const struct vt_place *pl, const struct vt_options *opt)
{
	struct vt_counts n = { 0 };
	unsigned int i, k, to, nslots = 0, *progress;
	struct kbpf_vt_test *t;
	struct vt_slot *slots;
	struct vt_case *res;
	size_t res_size;
	int pass, leak = 0;
	/* In verbose mode every log is printed as it comes: no workers. */
	bool workers = pl->fork_each_case && !opt->verbose;

	vt_prune_check = opt->prune_check;
	to = opt->to >= 0 && (unsigned int)opt->to < kbpf_vt_test_cnt ?
	     (unsigned int)opt->to : kbpf_vt_test_cnt;
	slots = calloc(2 * kbpf_vt_test_cnt, sizeof(*slots));
	for (i = opt->from > 0 ? opt->from : 0; slots && i < to; i++) {
		if (opt->filter && !strstr(kbpf_vt_tests[i].descr, opt->filter))
			continue;
		/* Unprivileged first, as test_verifier runs them. */
		for (pass = vt_as_unpriv(&kbpf_vt_tests[i]) ? 0 : 1; pass < 2;
		     pass++)
			slots[nslots++] = (struct vt_slot){ i, pass == 0 };
	}

	/* Shared with the workers: the log, the results, the progress. */
	res_size = (nslots + 1) * sizeof(*res) + sizeof(*progress);
	vt_log = mmap(NULL, VT_LOG_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	res = mmap(NULL, res_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	t = malloc(sizeof(*t));
	if (!slots || vt_log == MAP_FAILED || res == MAP_FAILED || !t) {
		printf("test_verifier-%s: 0 passed, 1 failed, 0 skipped\n",
		       pl->name);
		return 1;
	}
	progress = (unsigned int *)(res + nslots + 1);

	for (k = 0; k < nslots; k++) {
		if (workers) {
			/* Up to the next crash, then account up to it. */
			unsigned int end = vt_worker(pl, opt, slots, k, nslots, t,
						     res, progress, &leak);

			for (; k <= end && k < nslots; k++)
				vt_account(pl, opt, &n, slots[k].idx,
					   &kbpf_vt_tests[slots[k].idx],
					   slots[k].unpriv, &res[k]);
			k--;
			continue;
		}
		vt_run_slot(pl, &slots[k], t, &res[k]);
		vt_account(pl, opt, &n, slots[k].idx, &kbpf_vt_tests[slots[k].idx],
			   slots[k].unpriv, &res[k]);
	}
	if (leak) {
		n.failed++;
		printf("FAIL test_verifier %s: the run leaked (LeakSanitizer exit status %d, report above)\n",
		       pl->name, leak);
	}
	if (pl->errors && *pl->errors) {
		n.failed += *pl->errors;
		printf("test_verifier %s: %d errors of the place itself (above)\n",
		       pl->name, *pl->errors);
	}
	vt_print_summary(pl, &n);
	free(t);
	free(slots);
	munmap(vt_log, VT_LOG_SIZE);
	munmap(res, res_size);
	return n.failed;
}

int vt_parse_args(int argc, char **argv, struct vt_options *opt)
{
	int i, pos = 0;

	memset(opt, 0, sizeof(*opt));
	opt->to = -1;
	opt->time_ms = -1;
	opt->timeout_s = VT_DEFAULT_TIMEOUT_S;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			opt->verbose = true;
		} else if (!strcmp(argv[i], "-P")) {
			opt->prune_check = true;
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			opt->time_ms = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-T") && i + 1 < argc) {
			opt->timeout_s = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-m")) {
			opt->list_mismatches = true;
		} else if (!strcmp(argv[i], "-f") && i + 1 < argc) {
			opt->filter = argv[++i];
		} else if (argv[i][0] >= '0' && argv[i][0] <= '9' && pos < 2) {
			int v = atoi(argv[i]);

			if (pos++ == 0) {
				opt->from = v;
				opt->to = v + 1;
			} else {
				opt->to = v + 1;
			}
		} else {
			fprintf(stderr, "usage: %s [-v] [-m] [-P] [-t MS] [-T SECS] [-f SUBSTRING] [FROM [TO]]\n",
				argv[0]);
			return -1;
		}
	}
	return 0;
}
