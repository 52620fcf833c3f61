// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf_verify(): Linux's bpf_check(). The program's shape first (cfg.c),
 * then a walk over every path with abstract register and stack states
 * (one instruction at a time, branches pushed and popped, states pruned
 * against those already proven), then the fix-ups into the xlated program.
 */
#include "priv.h"

static int init_state(struct kbpf_verifier_env *env)
{
	struct kbpf_func_state *f;
	int i;

	env->cur = kzalloc(sizeof(*env->cur), GFP_KERNEL);
	if (!env->cur)
		return -ENOMEM;
	f = kbpf_alloc_frame(env);
	if (!f)
		return -ENOMEM;
	env->cur->frame[0] = f;
	env->cur->branches = 1;
	f->callsite = -1;
	for (i = 0; i < KBPF_REG_COUNT; i++)
		kbpf_mark_reg_not_init(&f->regs[i]);
	kbpf_mark_reg_known_zero(&f->regs[BPF_REG_1]);
	f->regs[BPF_REG_1].type = KBPF_PTR_TO_CTX;
	if (env->args->r2_known)
		kbpf_mark_reg_known(&f->regs[BPF_REG_2], env->args->r2_value);
	kbpf_mark_reg_known_zero(&f->regs[BPF_REG_FP]);
	f->regs[BPF_REG_FP].type = KBPF_PTR_TO_STACK;
	return 0;
}

static int check_ld_imm(struct kbpf_verifier_env *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *dst = &kbpf_cur_regs(env)[insn->dst_reg];
	struct kbpf_map *map = env->aux[env->insn_idx].map_ptr;
	int err;

	if (BPF_SIZE(insn->code) != BPF_DW) {
		verbose(env, "invalid BPF_LD_IMM insn\n");
		return -EINVAL;
	}
	if (insn->off) {
		verbose(env, "BPF_LD_IMM64 uses reserved fields\n");
		return -EINVAL;
	}
	err = kbpf_check_reg_arg(env, insn->dst_reg, true);
	if (err)
		return err;
	if (!insn->src_reg) {
		kbpf_mark_reg_known(dst, (u32)insn[0].imm |
					 ((u64)(u32)insn[1].imm << 32));
		return 0;
	}
	if (insn->src_reg == BPF_PSEUDO_FUNC)
		return kbpf_check_ld_func(env, insn, dst);
	if (!map) {
		verbose(env, "verifier internal error: ld_imm64 without a map\n");
		return -EFAULT;
	}
	kbpf_mark_reg_known_zero(dst);
	dst->map_ptr = map;
	if (insn->src_reg == BPF_PSEUDO_MAP_VALUE ||
	    insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE) {
		/* Never NULL, and not a lookup result: no id to share. */
		dst->type = KBPF_PTR_TO_MAP_VALUE;
		dst->off = env->aux[env->insn_idx].map_off;
	} else {
		dst->type = KBPF_CONST_PTR_TO_MAP;
	}
	return 0;
}

/* Linux's check_return_code: what R0 may hold when the program ends. */
static int check_return_code(struct kbpf_verifier_env *env)
{
	struct kbpf_reg *r0 = &kbpf_cur_regs(env)[BPF_REG_0];
	struct tnum range = tnum_range(0, 1);
	char tn[48], want[48];
	int err;

	err = kbpf_check_reg_arg(env, BPF_REG_0, false);
	if (err)
		return err;
	if (kbpf_is_pointer_value(env, BPF_REG_0)) {
		verbose(env, "R0 leaks addr as return value\n");
		return -EACCES;
	}
	switch (env->args->prog_type) {
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		if (env->args->expected_attach_type == BPF_CGROUP_UDP4_RECVMSG ||
		    env->args->expected_attach_type == BPF_CGROUP_UDP6_RECVMSG ||
		    env->args->expected_attach_type == BPF_CGROUP_INET4_GETPEERNAME ||
		    env->args->expected_attach_type == BPF_CGROUP_INET6_GETPEERNAME ||
		    env->args->expected_attach_type == BPF_CGROUP_INET4_GETSOCKNAME ||
		    env->args->expected_attach_type == BPF_CGROUP_INET6_GETSOCKNAME)
			range = tnum_range(1, 1);
		if (env->args->expected_attach_type == BPF_CGROUP_INET4_BIND ||
		    env->args->expected_attach_type == BPF_CGROUP_INET6_BIND)
			range = tnum_range(0, 3);
		break;
	case BPF_PROG_TYPE_CGROUP_SKB:
		if (env->args->expected_attach_type == BPF_CGROUP_INET_EGRESS)
			range = tnum_range(0, 3);
		break;
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_SOCK_OPS:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		break;
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		/* Only BTF-attached ones (tp_btf) must return 0; kbpf has no BTF. */
		return 0;
	case BPF_PROG_TYPE_SK_LOOKUP:
		range = tnum_range(0, 1);
		break;
	default:
		return 0;
	}
	if (r0->type != KBPF_SCALAR_VALUE) {
		verbose(env, "At program exit the register R0 is not a known value (%s)\n",
			kbpf_reg_type_str(env, r0->type));
		return -EINVAL;
	}
	if (tnum_in(range, r0->var_off))
		/* Explored states must keep R0 within what was checked. */
		return kbpf_mark_chain_precision(env, BPF_REG_0);
	tnum_strn(want, sizeof(want), range);
	if (tnum_is_unknown(r0->var_off)) {
		verbose(env, "At program exit the register R0 has unknown scalar value should have been in %s\n",
			want);
		return -EINVAL;
	}
	tnum_strn(tn, sizeof(tn), r0->var_off);
	verbose(env, "At program exit the register R0 has value %s should have been in %s\n",
		tn, want);
	return -EINVAL;
}

static bool reg_type_mismatch(u32 a, u32 b)
{
	bool a_strict = a == KBPF_PTR_TO_CTX || a == KBPF_PTR_TO_SOCKET ||
			a == KBPF_PTR_TO_SOCK_COMMON || a == KBPF_PTR_TO_TCP_SOCK ||
			a == KBPF_PTR_TO_XDP_SOCK;
	bool b_strict = b == KBPF_PTR_TO_CTX || b == KBPF_PTR_TO_SOCKET ||
			b == KBPF_PTR_TO_SOCK_COMMON || b == KBPF_PTR_TO_TCP_SOCK ||
			b == KBPF_PTR_TO_XDP_SOCK;

	return a != b && (a_strict || b_strict);
}

static int record_ptr_type(struct kbpf_verifier_env *env, u32 regno)
{
	u32 *prev = &env->aux[env->insn_idx].ptr_type;
	u32 type = kbpf_cur_regs(env)[regno].type;

	if (*prev == KBPF_NOT_INIT) {
		*prev = type;
	} else if (reg_type_mismatch(type, *prev)) {
		verbose(env, "same insn cannot be used with different pointers\n");
		return -EINVAL;
	}
	return 0;
}

static int do_ldx(struct kbpf_verifier_env *env, const struct bpf_insn *insn)
{
	int err;

	err = kbpf_check_reg_arg(env, insn->src_reg, false);
	if (err)
		return err;
	err = kbpf_check_reg_arg(env, insn->dst_reg, true);
	if (err)
		return err;
	err = record_ptr_type(env, insn->src_reg);
	if (err)
		return err;
	return kbpf_check_mem_access(env, env->insn_idx, insn->src_reg,
				     insn->off,
				     kbpf_ldst_bytes(insn->code),
				     KBPF_READ, insn->dst_reg);
}

static int do_stx(struct kbpf_verifier_env *env, const struct bpf_insn *insn)
{
	int err;

	if (BPF_MODE(insn->code) == BPF_ATOMIC)
		return kbpf_check_atomic(env, env->insn_idx, insn);
	if (BPF_MODE(insn->code) != BPF_MEM || insn->imm) {
		verbose(env, "BPF_STX uses reserved fields\n");
		return -EINVAL;
	}
	err = kbpf_check_reg_arg(env, insn->src_reg, false);
	if (err)
		return err;
	err = kbpf_check_reg_arg(env, insn->dst_reg, false);
	if (err)
		return err;
	err = record_ptr_type(env, insn->dst_reg);
	if (err)
		return err;
	return kbpf_check_mem_access(env, env->insn_idx, insn->dst_reg,
				     insn->off,
				     kbpf_ldst_bytes(insn->code),
				     KBPF_WRITE, insn->src_reg);
}

static int do_st(struct kbpf_verifier_env *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *dst;
	int err;

	if (BPF_MODE(insn->code) != BPF_MEM || insn->src_reg) {
		verbose(env, "BPF_ST uses reserved fields\n");
		return -EINVAL;
	}
	err = kbpf_check_reg_arg(env, insn->dst_reg, false);
	if (err)
		return err;
	dst = &kbpf_cur_regs(env)[insn->dst_reg];
	if (dst->type == KBPF_PTR_TO_CTX) {
		verbose(env, "BPF_ST stores into R%u %s is not allowed\n",
			insn->dst_reg, kbpf_reg_type_str(env, dst->type));
		return -EACCES;
	}
	return kbpf_check_mem_access(env, env->insn_idx, insn->dst_reg,
				     insn->off,
				     kbpf_ldst_bytes(insn->code),
				     KBPF_WRITE, -1);
}

/* 1: this path ended (exit of the main program), 0: go on. */
static int do_jmp(struct kbpf_verifier_env *env, struct bpf_insn *insn)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	int err;

	env->jmps_processed++;
	if (op == BPF_CALL) {
		if (BPF_SRC(insn->code) != BPF_K || insn->off ||
		    (insn->src_reg != BPF_REG_0 && insn->src_reg != BPF_PSEUDO_CALL) ||
		    insn->dst_reg != BPF_REG_0 || class == BPF_JMP32) {
			verbose(env, "BPF_CALL uses reserved fields\n");
			return -EINVAL;
		}
		if (insn->src_reg == BPF_PSEUDO_CALL)
			return kbpf_check_func_call(env, insn, &env->insn_idx);
		return kbpf_check_helper_call(env, insn, env->insn_idx);
	}
	if (op == BPF_JA) {
		if (BPF_SRC(insn->code) != BPF_K || insn->src_reg ||
		    insn->dst_reg || (class == BPF_JMP && insn->imm) ||
		    (class == BPF_JMP32 && insn->off)) {
			verbose(env, "BPF_JA uses reserved fields\n");
			return -EINVAL;
		}
		env->insn_idx += class == BPF_JMP ? insn->off : insn->imm;
		return 0;
	}
	if (op == BPF_EXIT) {
		if (BPF_SRC(insn->code) != BPF_K || insn->imm || insn->src_reg ||
		    insn->dst_reg || class == BPF_JMP32) {
			verbose(env, "BPF_EXIT uses reserved fields\n");
			return -EINVAL;
		}
		err = kbpf_check_reference_leak(env);
		if (err)
			return err;
		if (env->cur->curframe)
			return kbpf_prepare_func_exit(env, &env->insn_idx);
		err = check_return_code(env);
		if (err)
			return err;
		return 1;
	}
	return kbpf_check_cond_jmp(env, insn, &env->insn_idx);
}

static int do_check(struct kbpf_verifier_env *env)
{
	bool do_print_state = false;
	int err;

	env->insn_idx = 0;
	env->prev_insn_idx = -1;
	for (;;) {
		struct bpf_insn *insn;
		u8 class;

		if (env->insn_idx < 0 || (u32)env->insn_idx >= env->insn_cnt) {
			verbose(env, "invalid insn idx %d insn_cnt %u\n",
				env->insn_idx, env->insn_cnt);
			return -EFAULT;
		}
		insn = &env->insns[env->insn_idx];
		class = BPF_CLASS(insn->code);
		if (++env->insn_processed > KBPF_COMPLEXITY_LIMIT_INSNS) {
			verbose(env, "BPF program is too large. Processed %u insn\n",
				env->insn_processed);
			return -E2BIG;
		}
		env->cur->last_insn_idx = env->prev_insn_idx;
		if (!env->aux[env->insn_idx].prune_point) {
			err = kbpf_push_jmp_history(env, env->cur);
			if (err)
				return err;
		} else {
			err = kbpf_is_state_visited(env, env->insn_idx);
			if (err < 0)
				return err;
			if (err == 1) {
				if (env->log.level & KBPF_LOG_LEVEL) {
					if (do_print_state)
						verbose(env, "\nfrom %d to %d%s: safe\n",
							env->prev_insn_idx, env->insn_idx,
							env->cur->speculative ?
							" (speculative execution)" : "");
					else
						verbose(env, "%d: safe\n", env->insn_idx);
				}
				goto path_done;
			}
		}
		if ((env->log.level & KBPF_LOG_LEVEL2) ||
		    ((env->log.level & KBPF_LOG_LEVEL1) && do_print_state)) {
			if (do_print_state)
				verbose(env, "\nfrom %d to %d%s:", env->prev_insn_idx,
					env->insn_idx, env->cur->speculative ?
					" (speculative execution)" : "");
			else
				verbose(env, "%d:", env->insn_idx);
			kbpf_print_state(env, kbpf_cur_frame(env));
			do_print_state = false;
		}
		if (env->log.level & KBPF_LOG_LEVEL)
			kbpf_print_insn(env, insn, env->insn_idx);
		/* Code only speculation reaches stays dead code (Linux too). */
		if (!env->cur->speculative)
			env->aux[env->insn_idx].seen = true;
		env->prev_insn_idx = env->insn_idx;

		switch (class) {
		case BPF_ALU:
		case BPF_ALU64:
			err = kbpf_check_alu(env, insn);
			break;
		case BPF_LDX:
			err = do_ldx(env, insn);
			break;
		case BPF_STX:
			err = do_stx(env, insn);
			break;
		case BPF_ST:
			err = do_st(env, insn);
			break;
		case BPF_JMP:
		case BPF_JMP32:
			err = do_jmp(env, insn);
			if (err == 1)
				goto path_done;
			break;
		case BPF_LD:
			if (BPF_MODE(insn->code) == BPF_ABS ||
			    BPF_MODE(insn->code) == BPF_IND) {
				err = kbpf_check_ld_abs(env, insn);
			} else if (BPF_MODE(insn->code) == BPF_IMM) {
				err = check_ld_imm(env, insn);
				env->insn_idx++;
				if (!env->cur->speculative)
					env->aux[env->insn_idx].seen = true;
			} else {
				verbose(env, "invalid BPF_LD mode\n");
				err = -EINVAL;
			}
			break;
		default:
			verbose(env, "unknown insn class %d\n", class);
			err = -EINVAL;
		}
		if (err)
			return err;
		env->insn_idx++;
		continue;
path_done:
		kbpf_update_branch_counts(env, env->cur);
		err = kbpf_pop_stack(env, &env->prev_insn_idx, &env->insn_idx);
		if (err == -ENOENT)
			return 0;
		if (err)
			return err;
		do_print_state = true;
	}
}

/* Linux's check_max_stack_depth: frames along any call chain fit in 512 bytes. */
static int check_stack_chain(struct kbpf_verifier_env *env, int sub, u32 depth,
			     u32 frames)
{
	u32 start = env->subprog[sub].start, end = env->subprog[sub + 1].start, i;
	int err, callee;

	depth += round_up(max_t(u32, env->subprog[sub].stack_depth, 1), 32);
	if (depth > KBPF_MAX_STACK) {
		verbose(env, "combined stack size of %u calls is %u. Too large\n",
			frames, depth);
		return -EACCES;
	}
	/*
	 * Every call counts, reached or not: Linux walks them all too, and
	 * counts a callback's load as a call (a helper calls it from here).
	 */
	for (i = start; i < end; i++) {
		bool call = env->insns[i].code == (BPF_JMP | BPF_CALL) &&
			    env->insns[i].src_reg == BPF_PSEUDO_CALL;
		bool func = env->insns[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
			    env->insns[i].src_reg == BPF_PSEUDO_FUNC;

		if (!call && !func)
			continue;
		callee = kbpf_find_subprog(env, i + env->insns[i].imm + 1);
		if (callee < 0)
			return -EFAULT;
		if (frames >= KBPF_MAX_CALL_FRAMES) {
			verbose(env, "the call stack of %u frames is too deep !\n",
				frames);
			return -E2BIG;
		}
		err = check_stack_chain(env, callee, depth, frames + 1);
		if (err)
			return err;
	}
	return 0;
}

static void free_env(struct kbpf_verifier_env *env)
{
	struct kbpf_stack_elem *e, *next;
	u32 i;

	for (e = env->head; e; e = next) {
		next = e->next;
		kbpf_free_state(env, &e->st, false);
		kfree(e);
	}
	kbpf_free_state(env, env->cur, true);
	kbpf_free_explored(env);
	if (env->used_maps) {
		for (i = 0; i < env->used_map_cnt; i++)
			env->args->map_put(env->args->map_priv, env->used_maps[i]);
		kfree(env->used_maps);
	}
	kvfree(env->aux);
	kvfree(env->insns);
	kvfree(env);
}

int kbpf_verify(struct kbpf_verify_args *args)
{
	struct kbpf_verifier_env *env;
	int ret;

	args->xlated = NULL;
	args->xlated_cnt = 0;
	args->used_maps = NULL;
	args->used_map_cnt = 0;
	args->verified_insns = 0;
	args->log_len_needed = 0;
	args->stack_depth = 0;
	if (!args->insns || !args->insn_cnt ||
	    args->insn_cnt > (args->bpf_capable ? KBPF_COMPLEXITY_LIMIT_INSNS :
			      KBPF_MAXINSNS))
		return -E2BIG;

	env = kvzalloc(sizeof(*env), GFP_KERNEL);
	if (!env)
		return -ENOMEM;
	env->args = args;
	ret = kbpf_log_init(&env->log, args);
	if (ret)
		goto out;
	env->ctx_ops = args->ctx_ops ? args->ctx_ops : kbpf_ctx_ops(args->prog_type);
	if (!env->ctx_ops) {
		verbose(env, "kbpf: program type %u is not supported\n",
			args->prog_type);
		ret = args->prog_type > BPF_PROG_TYPE_SYSCALL ? -EINVAL : -EOPNOTSUPP;
		goto out;
	}
	env->insn_cnt = args->insn_cnt;
	env->insns = kvcalloc(env->insn_cnt, sizeof(*env->insns), GFP_KERNEL);
	env->aux = kvcalloc(env->insn_cnt, sizeof(*env->aux), GFP_KERNEL);
	env->explored = kvcalloc(env->insn_cnt, sizeof(*env->explored), GFP_KERNEL);
	if (!env->insns || !env->aux || !env->explored) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(env->insns, args->insns, sizeof(*env->insns) * env->insn_cnt);
	env->allow_ptr_leaks = args->allow_ptr_leaks;
	env->bpf_capable = args->bpf_capable;
	env->strict_alignment = !!(args->prog_flags & BPF_F_STRICT_ALIGNMENT);
	env->test_state_freq = !!(args->prog_flags & BPF_F_TEST_STATE_FREQ);
	if (args->prog_flags & BPF_F_ANY_ALIGNMENT)
		env->strict_alignment = false;

	ret = kbpf_check_subprogs(env);
	if (!ret)
		ret = kbpf_check_opcodes(env);
	if (!ret)
		ret = kbpf_resolve_ld_imm64(env);
	if (!ret)
		ret = kbpf_check_cfg(env);
	if (!ret)
		ret = kbpf_compute_liveness(env);
	if (!ret)
		ret = init_state(env);
	if (!ret)
		ret = do_check(env);
	if (!ret)
		ret = check_stack_chain(env, 0, 0, 1);
	args->verified_insns = env->insn_processed;
	if (env->log.level)
		verbose(env, "processed %u insns (limit %u) max_states_per_insn %u total_states %u peak_states %u mark_read %u\n",
			env->insn_processed, KBPF_COMPLEXITY_LIMIT_INSNS,
			env->max_states_per_insn, env->total_states,
			env->peak_states, 0);
	/* explored[] is sized by the program before the fix-ups grow it. */
	kbpf_free_explored(env);
	if (!ret)
		ret = kbpf_fixup(env);
	if (env->log.level && kbpf_log_full(&env->log))
		ret = -ENOSPC;
	if (env->log.err)
		ret = env->log.err;
	args->log_len_needed = min_t(u64, env->log.len_needed + 1, U32_MAX);
	if (ret)
		goto out;
	args->xlated = env->insns;
	args->xlated_cnt = env->insn_cnt;
	args->stack_depth = round_up(env->subprog[0].stack_depth, 8);
	args->used_maps = env->used_maps;
	args->used_map_cnt = env->used_map_cnt;
	env->insns = NULL;
	env->used_maps = NULL;
	env->used_map_cnt = 0;
out:
	free_env(env);
	return ret;
}

void kbpf_verify_release(struct kbpf_verify_args *args)
{
	u32 i;

	kvfree(args->xlated);
	args->xlated = NULL;
	args->xlated_cnt = 0;
	if (args->used_maps) {
		for (i = 0; i < args->used_map_cnt; i++)
			args->map_put(args->map_priv, args->used_maps[i]);
		kfree(args->used_maps);
	}
	args->used_maps = NULL;
	args->used_map_cnt = 0;
}
