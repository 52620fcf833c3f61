/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a program run carries besides its context argument, for helpers
 * that need it (bpf_get_local_storage: the storages of the attachment or
 * test run; bpf_get_func_ip and bpf_get_attach_cookie: the probed
 * function and the cookie of a kprobe_multi attachment). Linux keeps it in current->bpf_ctx for the length of a run
 * (bpf_set_run_ctx()); kbpf does the same, saving and restoring the
 * previous value, so runs nest (an interrupt's program inside a task's)
 * and the kernel's own BPF runs, which set the field before they read
 * it, are undisturbed. The host shim gives each thread a task with that
 * field.
 */
#ifndef KBPF_RUN_CTX_H
#define KBPF_RUN_CTX_H

#include <kbpf/kapi.h>
#include <kbpf/cgroup_storage.h>

struct kbpf_run_ctx {
	struct kbpf_cgroup_storage *cgroup_storage[__KBPF_CGROUP_STORAGE_MAX];
	/* kprobe_multi: the probed function's address and its cookie; 0 elsewhere. */
	u64 func_ip;
	u64 attach_cookie;
};

/* Install ctx for the current task; returns the previous one to restore. */
static inline struct bpf_run_ctx *kbpf_run_ctx_set(struct kbpf_run_ctx *ctx)
{
	struct bpf_run_ctx *old = current->bpf_ctx;

	current->bpf_ctx = (struct bpf_run_ctx *)ctx;
	return old;
}

static inline void kbpf_run_ctx_reset(struct bpf_run_ctx *old)
{
	current->bpf_ctx = old;
}

/* Only for helpers of programs whose runner installed a kbpf_run_ctx. */
static inline struct kbpf_run_ctx *kbpf_run_ctx_current(void)
{
	return (struct kbpf_run_ctx *)current->bpf_ctx;
}

#endif /* KBPF_RUN_CTX_H */
