// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_get_func_ip and bpf_get_attach_cookie for kprobe_multi programs
 * (Linux 6.1's bpf_get_func_ip_kprobe_multi and
 * bpf_get_attach_cookie_kprobe_multi): the attachment that runs the
 * program (kmod/kprobe_multi.c) records the probed function's address and
 * the cookie given for it in the run context. A run that set neither (a
 * test run) reads 0, as Linux's does without a run context.
 *
 * The plain kprobe variants are absent: Linux's bpf_get_func_ip_kprobe
 * reads the per-CPU current_kprobe, which no module can reach, and kbpf
 * attaches no perf event kprobe whose cookie bpf_get_attach_cookie would
 * return.
 */
#include <kbpf/kapi.h>
#include <kbpf/run_ctx.h>

#include "protos.h"

static u64 kbpf_get_func_ip_kprobe_multi(u64 r1, u64 r2, u64 r3, u64 r4,
					 u64 r5)
{
	const struct kbpf_run_ctx *run_ctx = kbpf_run_ctx_current();

	return run_ctx ? run_ctx->func_ip : 0;
}

const struct kbpf_func_proto kbpf_get_func_ip_kprobe_multi_proto = {
	.func		= kbpf_get_func_ip_kprobe_multi,
	.name		= "bpf_get_func_ip",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};

static u64 kbpf_get_attach_cookie_kprobe_multi(u64 r1, u64 r2, u64 r3, u64 r4,
					       u64 r5)
{
	const struct kbpf_run_ctx *run_ctx = kbpf_run_ctx_current();

	return run_ctx ? run_ctx->attach_cookie : 0;
}

const struct kbpf_func_proto kbpf_get_attach_cookie_kprobe_multi_proto = {
	.func		= kbpf_get_attach_cookie_kprobe_multi,
	.name		= "bpf_get_attach_cookie",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_CTX },
};
