/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test_verifier driver both runners share: for every test of the
 * table, the fixups, the privileged and unprivileged loads, the checks
 * test_verifier.c makes (verdict, log substrings in order, processed
 * instruction count, xlated patterns, retval of each run), the
 * expectations file, and the summary lines. A place (host: kbpf_verify()
 * on the shared core; guest: /dev/kbpf) supplies maps and loads.
 */
#ifndef KBPF_TESTS_VERIFIER_VT_RUN_H
#define KBPF_TESTS_VERIFIER_VT_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

/* Linux's internal ENOTSUPP: "not supported here", a skip in test_verifier. */
#define VT_ENOTSUPP	524

/* A map a fixup asks for, as test_verifier.c creates it. */
struct vt_map_spec {
	const char *name;	/* the fixup's name, e.g. "map_hash_8b" */
	const char *type_name;	/* for skip reasons: "prog_array" */
	uint32_t map_type, key_size, value_size, max_entries, map_flags;
	/* Element 0 gets test_val{ .index = 28, .foo[6] = 0xabcdef12 }. */
	bool fill_elem0;
	/* Prog array with the three dummy programs at these keys. */
	bool prog_array;
	int prog_keys[3];
	/* Non-NULL: the map needs what kbpf has not (skip with this reason). */
	const char *needs;
};

struct vt_load {
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	uint32_t prog_type, expected_attach_type, prog_flags;
	bool unpriv;
	bool no_prune;		/* explore every path (places that can: host) */
	uint32_t log_level;
	char *log;
	uint32_t log_size;
	/* Out, when the place can tell: the xlated program (malloc'ed). */
	struct bpf_insn *xlated;
	uint32_t xlated_cnt;
};

struct vt_place {
	const char *name;	/* "host" or "guest" */
	/* A map for spec: an fd for LD_IMM64 (>= 0), or -errno. */
	int (*map_create)(const struct vt_map_spec *spec);
	int (*map_update)(int fd, const void *key, const void *value);
	void (*map_close)(int fd);
	/*
	 * Load (verify) a program: a handle >= 0, or -errno with the
	 * verifier's reason in load->log. -ENOSYS: this place cannot load
	 * programs at all (every case is skipped with no_load_reason).
	 */
	int (*prog_load)(struct vt_load *load);
	/*
	 * One BPF_PROG_TEST_RUN-like run with data: 0 and *retval, or
	 * -errno (-EOPNOTSUPP/VT_ENOTSUPP: this place does not run it).
	 */
	int (*prog_run)(int prog, const void *data, uint32_t size,
			uint32_t *retval);
	void (*prog_close)(int prog);
	/* Switch between test_verifier's privileged and unprivileged caps. */
	void (*set_unpriv)(bool unpriv);
	const char *no_load_reason;
	/* Run each case in a child: a crash fails the case, not the run. */
	bool fork_each_case;
	/* Honours vt_load.no_prune (the -P check runs only there). */
	bool can_skip_pruning;
	/*
	 * prog_load's handles cannot go into a prog array (the host core has
	 * no prog objects): prog arrays stay empty, which the verifier
	 * cannot tell apart; only retval runs need their programs.
	 */
	bool no_prog_handles;
	/* Also print tests/guest/run.sh's KBPF-TEST lines. */
	bool ktest_lines;
	/* Failures of the place's own checks (e.g. map references), counted in. */
	int *errors;
	/* Optional: told which case runs next (the benchmark names them). */
	void (*case_start)(unsigned int idx, bool unpriv);
};

struct vt_options {
	const char *filter;	/* substring of descr, or NULL */
	int from, to;		/* test index range, to exclusive; -1: all */
	bool verbose;		/* print the log of failing cases */
	bool list_mismatches;	/* "MISMATCH ..." lines for the regen script */
	/* -t MS: print "TIME<TAB>SECS<TAB>CASE<TAB>DESCR" for cases >= MS ms. */
	int time_ms;
	/* -T SECS: a case still verifying after this is a TIMEOUT (0: none). */
	unsigned int timeout_s;
	/* -P: load each accepted program again without pruning; a refusal fails. */
	bool prune_check;
};

/* Per-case limit: Linux verifies any test_verifier case in well under 1 s. */
#define VT_DEFAULT_TIMEOUT_S	60

/* Runs everything, prints the summary lines; returns failures (0 = tier green). */
int vt_run_all(const struct vt_place *place, const struct vt_options *opt);

/* Common command line: [-v] [-m] [-P] [-t MS] [-T SECS] [-f SUBSTR] [FROM [TO]]. */
int vt_parse_args(int argc, char **argv, struct vt_options *opt);

#endif /* KBPF_TESTS_VERIFIER_VT_RUN_H */
