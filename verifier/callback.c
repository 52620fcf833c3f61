// SPDX-License-Identifier: GPL-2.0
/*
 * Callbacks, as Linux 6.1 verifies them: LD_IMM64 BPF_PSEUDO_FUNC gives a
 * PTR_TO_FUNC naming a subprogram, a helper that takes one (bpf_loop,
 * bpf_for_each_map_elem) checks its arguments like any helper, then the
 * walk enters the callback once, in a new frame whose R1-R5 are what the
 * helper passes it (set_loop_callback_state, set_map_elem_callback_state)
 * and whose R0 at exit must be 0 or 1. The caller then goes on after the
 * call with R0 the helper's unknown result. The frame counts towards the
 * 8-frame limit, and the LD_IMM64 as a call in the stack depth check
 * (main.c), so the runtimes' nested callbacks stay bounded.
 *
 * kbpf has no BTF, so where Linux demands func_info marking the callback
 * static ("missing btf func_info"), kbpf takes every subprogram but the
 * main program as one.
 *
 * Where kbpf is stricter than Linux 6.1, on purpose: 6.1 walks the
 * callback once and goes on after the call with the state that one call
 * left, but the helper calls it any number of times, 0 included (Linux
 * fixed this in 6.8). A callback that counts in its caller's stack and
 * uses the count as an offset passes 6.1 and reads out of bounds on the
 * second call. kbpf instead makes the caller's stack an invariant every
 * call keeps, then needs no unrolling:
 *  - before the callback, every scalar its caller frames hold on the
 *    stack becomes unknown (and zeroed bytes unknown bytes), in the
 *    frames the callback can reach (through its context pointer): the
 *    state E the walk enters the callback with;
 *  - a callback, and what it calls, may write only scalars into its
 *    callers' stack, never over a pointer spilled there, and may not
 *    call helpers that change packet data (they would turn the packet
 *    pointers callers spilled into scalars): so what any call leaves is
 *    again within E (kbpf_callback_stack_write());
 *  - the caller goes on after the helper from E itself (pushed as a
 *    branch), which covers zero calls and any number, and a callback's
 *    exit ends its path, once R0 is checked.
 * Programs Linux takes that break these rules are refused with a "kbpf:"
 * message.
 */
#include "priv.h"

bool kbpf_is_callback_helper(int func_id)
{
	return func_id == BPF_FUNC_loop || func_id == BPF_FUNC_for_each_map_elem;
}

/* check_ld_imm() for BPF_PSEUDO_FUNC. */
int kbpf_check_ld_func(struct kbpf_verifier_env *env,
		       const struct bpf_insn *insn, struct kbpf_reg *dst)
{
	int target = env->insn_idx + insn->imm + 1;
	int subprog = kbpf_find_subprog(env, target);

	if (subprog < 0) {
		verbose(env, "verifier bug. No program starts at insn %d\n", target);
		return -EFAULT;
	}
	if (!subprog) {
		verbose(env, "callback function cannot be the main program\n");
		return -EINVAL;
	}
	kbpf_mark_reg_known_zero(dst);
	dst->type = KBPF_PTR_TO_FUNC;
	dst->mem_size = subprog;
	return 0;
}

/*
 * Linux's record_func_map for bpf_for_each_map_elem: one map per call
 * site, as the helper's implementation was once chosen per site. The
 * tail call fields of the aux data serve, this site not being one.
 */
static int record_callback_map(struct kbpf_verifier_env *env, int insn_idx,
			       struct kbpf_map *map)
{
	struct kbpf_insn_aux *aux = &env->aux[insn_idx];

	if (!aux->call_map && !aux->call_map_poison)
		aux->call_map = map;
	else if (aux->call_map != map)
		aux->call_map_poison = true;
	if (aux->call_map_poison) {
		verbose(env, "tail_call abusing map_ptr\n");
		return -EINVAL;
	}
	if (!map->ops || !map->ops->map_for_each_callback) {
		verbose(env, "callback function not allowed for map\n");
		return -ENOTSUPP;
	}
	return 0;
}

/* Is a frame above st (the one writing, or one between) a callback's? */
static bool in_callback_of(struct kbpf_verifier_env *env,
			   const struct kbpf_func_state *st)
{
	u32 f;

	for (f = st->frameno + 1; f <= env->cur->curframe; f++)
		if (env->cur->frame[f]->in_callback_fn)
			return true;
	return false;
}

bool kbpf_in_callback(struct kbpf_verifier_env *env)
{
	return in_callback_of(env, env->cur->frame[0]);
}

int kbpf_callback_stack_write(struct kbpf_verifier_env *env,
			      const struct kbpf_func_state *st,
			      const struct kbpf_stack_slot *s,
			      const struct kbpf_reg *val)
{
	if (!in_callback_of(env, st))
		return 0;
	if (s->slot_type[7] == KBPF_STACK_SPILL &&
	    s->spilled_ptr.type != KBPF_SCALAR_VALUE) {
		verbose(env, "kbpf: a callback may not overwrite a pointer its caller spilled\n");
		return -EOPNOTSUPP;
	}
	if (val && kbpf_is_ptr(val)) {
		verbose(env, "kbpf: a callback may not store a pointer in its caller's stack\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Scalars on the stack of frames 0..last become unknown: E above. */
static void widen_callers(struct kbpf_verifier_env *env, u32 last)
{
	u32 f, spi, i;

	for (f = 0; f <= last; f++) {
		struct kbpf_func_state *st = env->cur->frame[f];

		for (spi = 0; spi < KBPF_STACK_SLOTS; spi++) {
			struct kbpf_stack_slot *s = &st->stack[spi];

			if (s->slot_type[7] == KBPF_STACK_SPILL &&
			    s->spilled_ptr.type == KBPF_SCALAR_VALUE)
				kbpf_mark_reg_unknown(env, &s->spilled_ptr);
			for (i = 0; i < 8; i++)
				if (s->slot_type[i] == KBPF_STACK_ZERO)
					s->slot_type[i] = KBPF_STACK_MISC;
		}
	}
}

/*
 * After the helper call's own checks (caller_args: the caller's R1-R3 as
 * they were), enter the callback: the walk goes on at its first
 * instruction, in a new frame, and the caller's path after the call
 * waits on the branch stack.
 */
int kbpf_push_callback(struct kbpf_verifier_env *env, int insn_idx,
		       int func_id, const struct kbpf_reg *caller_args)
{
	struct kbpf_vstate *st = env->cur;
	u32 subprog = kbpf_reg_subprogno(&caller_args[1]);
	struct kbpf_func_state *caller, *callee;
	struct kbpf_map *map = caller_args[0].map_ptr;
	int i, err;

	if (func_id == BPF_FUNC_for_each_map_elem) {
		err = record_callback_map(env, insn_idx, map);
		if (err)
			return err;
	}
	if (subprog >= env->subprog_cnt) {
		verbose(env, "verifier bug. No subprog %u\n", subprog);
		return -EFAULT;
	}
	if (st->curframe + 1 >= KBPF_MAX_CALL_FRAMES) {
		verbose(env, "the call stack of %d frames is too deep\n",
			st->curframe + 2);
		return -E2BIG;
	}
	caller = st->frame[st->curframe];
	/* The context is the callback's only way into its callers' stack. */
	if (kbpf_reg_base(&caller_args[2]) == KBPF_PTR_TO_STACK)
		widen_callers(env, caller_args[2].frameno);
	if (!kbpf_push_stack(env, insn_idx + 1, insn_idx))
		return -EFAULT;
	callee = kbpf_alloc_frame(env);
	if (!callee)
		return -ENOMEM;
	callee->callsite = insn_idx;
	callee->frameno = st->curframe + 1;
	callee->subprogno = subprog;
	callee->in_callback_fn = true;
	for (i = 0; i < KBPF_REG_COUNT; i++)
		kbpf_mark_reg_not_init(&callee->regs[i]);
	if (func_id == BPF_FUNC_loop) {
		/* callback_fn(u32 index, void *callback_ctx) */
		kbpf_mark_reg_unknown(env, &callee->regs[BPF_REG_1]);
		callee->regs[BPF_REG_2] = caller_args[2];
	} else {
		/* callback_fn(map, key, value, callback_ctx) */
		callee->regs[BPF_REG_1] = caller_args[0];
		kbpf_mark_reg_known_zero(&callee->regs[BPF_REG_2]);
		callee->regs[BPF_REG_2].type = KBPF_PTR_TO_MAP_KEY;
		callee->regs[BPF_REG_2].map_ptr = map;
		kbpf_mark_reg_known_zero(&callee->regs[BPF_REG_3]);
		callee->regs[BPF_REG_3].type = KBPF_PTR_TO_MAP_VALUE;
		callee->regs[BPF_REG_3].map_ptr = map;
		callee->regs[BPF_REG_4] = caller_args[2];
	}
	kbpf_mark_reg_known_zero(&callee->regs[BPF_REG_FP]);
	callee->regs[BPF_REG_FP].type = KBPF_PTR_TO_STACK;
	callee->regs[BPF_REG_FP].frameno = callee->frameno;

	st->frame[st->curframe + 1] = callee;
	st->curframe++;
	/* The main loop steps to the callback's first instruction. */
	env->insn_idx = env->subprog[subprog].start - 1;
	if (env->log.level & 1) {
		verbose(env, "caller:\n");
		kbpf_print_state(env, caller);
		verbose(env, "callee:\n");
		kbpf_print_state(env, callee);
	}
	return 0;
}

/*
 * prepare_func_exit() of a callback: R0 in [0, 1]. Then 1: the path ends
 * here, the caller's goes on from the branch kbpf_push_callback() left.
 */
int kbpf_callback_exit(struct kbpf_verifier_env *env,
		       const struct kbpf_func_state *callee)
{
	const struct kbpf_reg *r0 = &callee->regs[BPF_REG_0];
	struct tnum range = tnum_range(0, 1);
	char tn[48];

	if (r0->type != KBPF_SCALAR_VALUE) {
		verbose(env, "R0 not a scalar value\n");
		return -EACCES;
	}
	if (tnum_in(range, r0->var_off)) {
		/* The helper relies on the range: explored states must keep it. */
		int err = kbpf_mark_chain_precision(env, BPF_REG_0);

		if (err)
			return err;
		if (env->log.level & 1)
			verbose(env, "callback returns; the caller goes on after the call at %d\n",
				callee->callsite + 1);
		return 1;
	}
	verbose(env, "At callback return the register R0 ");
	if (!tnum_is_unknown(r0->var_off)) {
		tnum_strn(tn, sizeof(tn), r0->var_off);
		verbose(env, "has value %s", tn);
	} else {
		verbose(env, "has unknown scalar value");
	}
	tnum_strn(tn, sizeof(tn), range);
	verbose(env, " should have been in %s\n", tn);
	return -EINVAL;
}
