/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verifier's contract with the load path (syscall/, kmod/) and with the
 * host tests: Linux's bpf_check(), with what it reads from the load attr
 * and what it gives back spelled out, so that the verifier (verifier/)
 * depends on no object lifetime code and builds in the host library.
 *
 * Input:  the program as userspace wrote it (map fds in LD_IMM64,
 *         helper ids in calls), its type, flags, privilege and the log.
 * Output: the xlated program, ready for kbpf_prog_select_runtime()
 *         (engine.h says what its instructions mean), the maps it uses
 *         (one reference each, taken through map_get), its stack depth
 *         and the count of processed instructions.
 */
#ifndef KBPF_VERIFIER_H
#define KBPF_VERIFIER_H

#include <kbpf/kapi.h>
#include <kbpf/map.h>

struct kbpf_func_proto;
struct kbpf_ctx_ops;

/* Linux's BPF_COMPLEXITY_LIMIT_INSNS: instructions processed per load. */
#define KBPF_COMPLEXITY_LIMIT_INSNS	1000000
/* Linux's BPF_MAXINSNS: the unprivileged program size limit. */
#define KBPF_MAXINSNS			4096

struct kbpf_verify_args {
	/* In: the program. insns is the caller's copy; it is not modified. */
	const struct bpf_insn *insns;
	u32 insn_cnt;
	u32 prog_type;			/* enum bpf_prog_type */
	u32 expected_attach_type;	/* enum bpf_attach_type */
	u32 prog_flags;			/* BPF_F_STRICT_ALIGNMENT, ... */
	bool gpl_compatible;		/* license allows gpl_only helpers */

	/* In: privilege, decided by the caller (Linux's env->allow_ptr_leaks, ...). */
	bool allow_ptr_leaks;		/* bpf_capable(): pointers may leak */
	bool bpf_capable;		/* bounded loops, more helpers, 1M insns */
	bool perfmon_capable;		/* tracing helpers, probe reads */

	/*
	 * In: the verifier log. log_buf is a user pointer in the kernel and a
	 * plain pointer in the host build (copy_to_user() in the shim).
	 * log_level 0 means no log; log_buf NULL with log_level 0.
	 */
	char __user *log_buf;
	u32 log_size;
	u32 log_level;

	/*
	 * In: map fds. map_get returns a referenced map for fd, or an
	 * ERR_PTR (-EBADF for an fd that is not a map); map_put drops such a
	 * reference. fd_array, when not NULL, is attr->fd_array (user memory).
	 */
	struct kbpf_map *(*map_get)(void *priv, int fd);
	void (*map_put)(void *priv, struct kbpf_map *map);
	void *map_priv;
	const int __user *fd_array;

	/*
	 * In, optional: the helper protos and context rules to use instead of
	 * kbpf_get_func_proto() and kbpf_ctx_ops(prog_type) (NULL: those).
	 * For tests that need helpers or contexts of their own.
	 */
	const struct kbpf_func_proto *(*get_func_proto)(u32 prog_type, u32 func_id);
	const struct kbpf_ctx_ops *ctx_ops;
	/*
	 * In, optional: R2 at entry holds r2_value, a known scalar, when
	 * r2_known (kbpf-run: the length of the memory R1 points to).
	 * Otherwise R2 starts uninitialised, as in Linux.
	 */
	bool r2_known;
	u64 r2_value;
	/*
	 * In, for tests: explore every path, never prune. The host
	 * test_verifier runner (-P) loads each accepted program again this
	 * way: a pruning that skipped an unsafe path shows as a refusal.
	 */
	bool no_prune;

	/* Out, valid when kbpf_verify() returns 0; free with kbpf_verify_release(). */
	struct bpf_insn *xlated;	/* kvmalloc'ed xlated program */
	u32 xlated_cnt;
	u32 stack_depth;		/* main program's frame */
	struct kbpf_map **used_maps;	/* kmalloc'ed; one reference each */
	u32 used_map_cnt;
	/* Out, also on failure: instructions processed, for the log line and prog info. */
	u32 verified_insns;
	/* Out: bytes the log would need (for the caller's info), including what was cut. */
	u32 log_len_needed;
};

/*
 * Verify args->insns and build the xlated program. Returns 0, or Linux's
 * errno for the failure (EACCES for an unsafe program, EINVAL for a
 * malformed one, E2BIG over the complexity limit, ENOSPC when the log was
 * truncated on an otherwise verified program, EFAULT for log/fd_array
 * copies, ENOMEM), with the reason in the log.
 */
int kbpf_verify(struct kbpf_verify_args *args);

/*
 * Drop what a successful kbpf_verify() handed out and the caller did not
 * take over (set a field to NULL/0 to take it): xlated, used_maps and the
 * map references in it.
 */
void kbpf_verify_release(struct kbpf_verify_args *args);

#endif /* KBPF_VERIFIER_H */
