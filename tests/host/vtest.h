/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the verifier's host tests: run kbpf_verify() on a program
 * with a log, fake maps behind fds (the verifier only reads their
 * description), and a small context and helper table of the tests' own
 * so the tests do not depend on the real tables' contents.
 *
 * The test context ("tctx", 32 bytes) reads like a tiny __sk_buff:
 *   off 0  u32 len       read-only, rewritten to a load at off 40 of the
 *                        kernel object (narrow loads allowed)
 *   off 4  u32 mark      read/write, same layout
 *   off 8  u32 data      PTR_TO_PACKET (8-byte loads only)
 *   off 16 u32 data_end  PTR_TO_PACKET_END
 *   off 24 u64 cb        read/write scalar
 */
#ifndef KBPF_TESTS_HOST_VTEST_H
#define KBPF_TESTS_HOST_VTEST_H

#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/verifier.h>
#include <kbpf/helpers.h>
#include <kbpf/ctx_access.h>

#include "ktest.h"

/* Fake map fds: 10 hash 4/8, 11 array 4/48, 12 hash rdonly-prog 4/8, 13 prog array. */
#define VT_MAP_HASH		10
#define VT_MAP_ARRAY48		11
#define VT_MAP_RDONLY		12
#define VT_MAP_PROG_ARRAY	13

/* Test helper ids: Linux's numbers, our own protos (vtest.c). */
#define VT_FN_LOOKUP		BPF_FUNC_map_lookup_elem
#define VT_FN_UPDATE		BPF_FUNC_map_update_elem
#define VT_FN_GPL		BPF_FUNC_ktime_get_ns		/* gpl_only */
#define VT_FN_PROBE_READ	BPF_FUNC_probe_read_kernel	/* mem|uninit, size */
#define VT_FN_SK_LOOKUP		BPF_FUNC_sk_lookup_tcp		/* acquires a socket */
#define VT_FN_SK_RELEASE	BPF_FUNC_sk_release		/* releases it */
#define VT_FN_TAIL_CALL		BPF_FUNC_tail_call
#define VT_FN_CSUM_DIFF		BPF_FUNC_csum_diff		/* rdonly mem, size */

#define VT_PROG_TYPE		BPF_PROG_TYPE_SOCKET_FILTER

struct vt_result {
	int err;
	char log[65536];
	struct kbpf_verify_args args;
};

struct vt_opts {
	bool unpriv;		/* no CAP_BPF/perfmon: !allow_ptr_leaks, !bpf_capable */
	bool no_perfmon;	/* CAP_BPF only: bpf_capable, !allow_ptr_leaks */
	bool non_gpl;
	u32 log_level;		/* default 1 */
	u32 log_size;		/* default sizeof(log) */
	u32 prog_flags;
	u32 prog_type;		/* default VT_PROG_TYPE */
	u32 expected_attach_type;
	bool keep;		/* keep xlated (caller calls vt_release) */
	bool no_prune;		/* kbpf_verify_args.no_prune: walk every path */
};

/* Puts minus gets on the fake maps: 0 when references balance. */
extern int vt_map_refs;

int vt_verify(struct vt_result *r, const struct bpf_insn *insns, u32 cnt,
	      const struct vt_opts *opts);
void vt_release(struct vt_result *r);
struct kbpf_map *vt_map(int fd);
kbpf_helper_t vt_helper_func(int func_id);

/* The program is accepted. */
#define VT_ACCEPT(prog, opts)						\
	do {								\
		static struct vt_result r_;				\
		int e_ = vt_verify(&r_, prog, ARRAY_SIZE(prog), opts);	\
		if (!EXPECT_EQ(e_, 0))					\
			fprintf(stderr, "log:\n%s\n", r_.log);		\
	} while (0)

/* The program is refused with errno err and msg in the log. */
#define VT_REJECT(prog, opts, errno_, msg)				\
	do {								\
		static struct vt_result r_;				\
		int e_ = vt_verify(&r_, prog, ARRAY_SIZE(prog), opts);	\
		EXPECT_EQ(e_, -(errno_));				\
		if (!EXPECT_TRUE(strstr(r_.log, msg)))			\
			fprintf(stderr, "want \"%s\", log:\n%s\n", msg, r_.log); \
	} while (0)

#endif /* KBPF_TESTS_HOST_VTEST_H */
