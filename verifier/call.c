// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-to-bpf calls: a new frame with the caller's R1-R5 as arguments, its
 * own 512-byte stack, at most KBPF_MAX_CALL_FRAMES deep; on exit R0 goes
 * back to the caller, whose R1-R5 are clobbered.
 */
#include "priv.h"

int kbpf_check_func_call(struct kbpf_verifier_env *env,
			 const struct bpf_insn *insn, int *insn_idx)
{
	struct kbpf_vstate *st = env->cur;
	struct kbpf_func_state *caller, *callee;
	int target = *insn_idx + insn->imm + 1;
	int subprog = kbpf_find_subprog(env, target);
	int i;

	if (subprog < 0) {
		verbose(env, "verifier bug. No program starts at insn %d\n", target);
		return -EFAULT;
	}
	if (st->curframe + 1 >= KBPF_MAX_CALL_FRAMES) {
		verbose(env, "the call stack of %d frames is too deep\n",
			st->curframe + 2);
		return -E2BIG;
	}
	caller = st->frame[st->curframe];
	callee = kbpf_alloc_frame(env);
	if (!callee)
		return -ENOMEM;
	st->frame[st->curframe + 1] = callee;
	callee->callsite = *insn_idx;
	callee->frameno = st->curframe + 1;
	callee->subprogno = subprog;
	for (i = 0; i < KBPF_REG_COUNT; i++)
		kbpf_mark_reg_not_init(&callee->regs[i]);
	for (i = BPF_REG_1; i <= BPF_REG_5; i++)
		callee->regs[i] = caller->regs[i];
	kbpf_mark_reg_known_zero(&callee->regs[BPF_REG_FP]);
	callee->regs[BPF_REG_FP].type = KBPF_PTR_TO_STACK;
	callee->regs[BPF_REG_FP].frameno = callee->frameno;

	/* The caller's argument registers are gone once the callee runs. */
	for (i = BPF_REG_0; i <= BPF_REG_5; i++)
		kbpf_mark_reg_not_init(&caller->regs[i]);
	st->curframe++;
	*insn_idx = target - 1;
	if (env->log.level & KBPF_LOG_LEVEL) {
		verbose(env, "caller:\n");
		kbpf_print_state(env, caller);
		verbose(env, "callee:\n");
		kbpf_print_state(env, callee);
	}
	return 0;
}

int kbpf_prepare_func_exit(struct kbpf_verifier_env *env, int *insn_idx)
{
	struct kbpf_vstate *st = env->cur;
	struct kbpf_func_state *callee = st->frame[st->curframe];
	struct kbpf_func_state *caller = st->frame[st->curframe - 1];
	struct kbpf_reg *r0 = &callee->regs[BPF_REG_0];

	if (kbpf_reg_base(r0) == KBPF_PTR_TO_STACK) {
		verbose(env, "cannot return stack pointer to the caller\n");
		return -EINVAL;
	}
	/* A callback's path ends at its exit (callback.c says why). */
	if (callee->in_callback_fn)
		return kbpf_callback_exit(env, callee);
	caller->regs[BPF_REG_0] = *r0;
	/* The main loop steps past the call instruction. */
	*insn_idx = callee->callsite;
	if (env->log.level & KBPF_LOG_LEVEL) {
		verbose(env, "returning from callee:\n");
		kbpf_print_state(env, callee);
		verbose(env, "to caller at %d:\n", *insn_idx + 1);
		kbpf_print_state(env, caller);
	}
	kbpf_free_frame(env, callee);
	st->frame[st->curframe] = NULL;
	st->curframe--;
	return 0;
}
