/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One test of Linux's tools/testing/selftests/bpf/verifier/ files as kbpf's
 * runners see it. The field names are the ones the test files initialise
 * (they are compiled unchanged as elements of an array of this struct, see
 * scripts/extract-test-verifier.py); the layout is kbpf's own.
 *
 * Only uapi headers: the same table builds into the host runner (with the
 * shim) and into the static guest runner (with plain libc).
 */
#ifndef KBPF_TESTS_VERIFIER_VT_TEST_H
#define KBPF_TESTS_VERIFIER_VT_TEST_H

#include <stdint.h>
#include <linux/bpf.h>

/* Room for the longest hand-written program (the generated ones are filled at run time). */
#define VT_MAX_INSNS		128
#define VT_MAX_EXPECTED_INSNS	32
#define VT_MAX_FIXUPS		8
#define VT_MAX_RUNS		8
#define VT_DATA_LEN		64
#define VT_MAX_FUNC_INFOS	8
#define VT_MAX_BTF_STRINGS	256
#define VT_MAX_BTF_TYPES	256
/* Programs the fill helpers generate: up to the 1M processed-insn limit. */
#define VT_MAX_FILL_INSNS	1000000
/* retval the test cannot know (a pointer): any value matches. */
#define VT_POINTER_VALUE	0xcafe4all

/* .flags */
#define VT_F_NEEDS_EFFICIENT_UNALIGNED_ACCESS	(1 << 0)
#define VT_F_LOAD_WITH_STRICT_ALIGNMENT		(1 << 1)

enum vt_result { VT_UNDEF, VT_ACCEPT, VT_REJECT, VT_VERBOSE_ACCEPT };

struct vt_kfunc_fixup {
	const char *kfunc;
	int insn_idx;
};

struct vt_run {
	uint32_t retval, retval_unpriv;
	union {
		uint8_t data[VT_DATA_LEN];
		uint64_t data64[VT_DATA_LEN / 8];
	};
};

struct kbpf_vt_test {
	const char *descr;
	struct bpf_insn insns[VT_MAX_INSNS];
	/* Set by fill_helper: the generated program and its length. */
	struct bpf_insn *fill_insns;
	int prog_len;
	/* Instruction patterns the xlated program must (not) contain. */
	struct bpf_insn expected_insns[VT_MAX_EXPECTED_INSNS];
	struct bpf_insn unexpected_insns[VT_MAX_EXPECTED_INSNS];

	/* Instruction indices whose imm gets the fd of a map of that kind. */
	int fixup_map_hash_8b[VT_MAX_FIXUPS];
	int fixup_map_hash_48b[VT_MAX_FIXUPS];
	int fixup_map_hash_16b[VT_MAX_FIXUPS];
	int fixup_map_array_48b[VT_MAX_FIXUPS];
	int fixup_map_sockmap[VT_MAX_FIXUPS];
	int fixup_map_sockhash[VT_MAX_FIXUPS];
	int fixup_map_xskmap[VT_MAX_FIXUPS];
	int fixup_map_stacktrace[VT_MAX_FIXUPS];
	int fixup_prog1[VT_MAX_FIXUPS];
	int fixup_prog2[VT_MAX_FIXUPS];
	int fixup_map_in_map[VT_MAX_FIXUPS];
	int fixup_cgroup_storage[VT_MAX_FIXUPS];
	int fixup_percpu_cgroup_storage[VT_MAX_FIXUPS];
	int fixup_map_spin_lock[VT_MAX_FIXUPS];
	int fixup_map_array_ro[VT_MAX_FIXUPS];
	int fixup_map_array_wo[VT_MAX_FIXUPS];
	int fixup_map_array_small[VT_MAX_FIXUPS];
	int fixup_sk_storage_map[VT_MAX_FIXUPS];
	int fixup_map_event_output[VT_MAX_FIXUPS];
	int fixup_map_reuseport_array[VT_MAX_FIXUPS];
	int fixup_map_ringbuf[VT_MAX_FIXUPS];
	int fixup_map_timer[VT_MAX_FIXUPS];
	int fixup_map_kptr[VT_MAX_FIXUPS];
	struct vt_kfunc_fixup fixup_kfunc_btf_id[VT_MAX_FIXUPS];

	/* Tab-separated substrings the log must contain, in order. */
	const char *errstr;
	const char *errstr_unpriv;
	uint32_t insn_processed;
	enum vt_result result, result_unpriv;
	enum bpf_prog_type prog_type;
	enum bpf_attach_type expected_attach_type;
	uint8_t flags;
	void (*fill_helper)(struct kbpf_vt_test *self);
	/* Test runs: runs == 0 means one (the anonymous fields), -1 none. */
	int runs;
	union {
		struct {
			uint32_t retval, retval_unpriv;
			union {
				uint8_t data[VT_DATA_LEN];
				uint64_t data64[VT_DATA_LEN / 8];
			};
		};
		struct vt_run retvals[VT_MAX_RUNS];
	};

	/* BTF the test loads or names: kbpf has no BTF, these tests skip. */
	const char *kfunc;
	struct bpf_func_info func_info[VT_MAX_FUNC_INFOS];
	int func_info_cnt;
	char btf_strings[VT_MAX_BTF_STRINGS];
	uint32_t btf_types[VT_MAX_BTF_TYPES];
};

/* The table, compiled from the extracted files (build/test_verifier/tests.c). */
extern struct kbpf_vt_test kbpf_vt_tests[];
extern const unsigned int kbpf_vt_test_cnt;

/* tests/verifier/fill.c: the generators .fill_helper names. */
void kbpf_vt_fill_ld_abs_vlan_push_pop(struct kbpf_vt_test *self);
void kbpf_vt_fill_jump_around_ld_abs(struct kbpf_vt_test *self);
void kbpf_vt_fill_rand_ld_dw(struct kbpf_vt_test *self);
void kbpf_vt_fill_scale(struct kbpf_vt_test *self);
void kbpf_vt_fill_torturous_jumps(struct kbpf_vt_test *self);
void kbpf_vt_fill_big_prog_with_loop_1(struct kbpf_vt_test *self);

#endif /* KBPF_TESTS_VERIFIER_VT_TEST_H */
