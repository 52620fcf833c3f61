// SPDX-License-Identifier: GPL-2.0
/*
 * The program's shape, before any value is tracked: opcodes Linux 6.1
 * knows, subprograms (bpf-to-bpf call targets), jumps that stay inside
 * their subprogram, no running off a subprogram's end, every instruction
 * reachable, no jump into an LD_IMM64's second half, and no back-edge
 * unless the loader may run bounded loops (then the walk proves them).
 */
#include "priv.h"

/* Linux 6.1's bpf_opcode_in_insntable(), written out per class. */
static bool opcode_known(u8 code)
{
	u8 op = BPF_OP(code);

	switch (BPF_CLASS(code)) {
	case BPF_ALU:
		if (op == BPF_END)
			return true;	/* TO_LE and TO_BE */
		fallthrough;
	case BPF_ALU64:
		if (op == BPF_NEG)
			return BPF_SRC(code) == BPF_K;
		return op <= BPF_ARSH && op != BPF_END;
	case BPF_JMP:
		if (op == BPF_CALL || op == BPF_EXIT || op == BPF_JA)
			return BPF_SRC(code) == BPF_K;
		return op <= BPF_JSLE;
	case BPF_JMP32:
		if (op == BPF_JA)
			return BPF_SRC(code) == BPF_K;
		return op != BPF_CALL && op != BPF_EXIT && op <= BPF_JSLE;
	case BPF_STX:
		if (BPF_MODE(code) == BPF_ATOMIC)
			return BPF_SIZE(code) == BPF_W || BPF_SIZE(code) == BPF_DW;
		return BPF_MODE(code) == BPF_MEM;
	case BPF_ST:
	case BPF_LDX:
		return BPF_MODE(code) == BPF_MEM;
	case BPF_LD:
		if (BPF_MODE(code) == BPF_IMM)
			return BPF_SIZE(code) == BPF_DW;
		return (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND) &&
		       BPF_SIZE(code) != BPF_DW;
	}
	return false;
}

static bool is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg == BPF_PSEUDO_CALL;
}

/* A callback's load: its target is a subprogram too (callback.c). */
static bool is_pseudo_func(const struct bpf_insn *insn)
{
	return kbpf_is_ldimm64(insn) && insn->src_reg == BPF_PSEUDO_FUNC;
}

int kbpf_find_subprog(struct kbpf_verifier_env *env, int off)
{
	u32 i;

	for (i = 0; i < env->subprog_cnt; i++)
		if (env->subprog[i].start == (u32)off)
			return i;
	return -ENOENT;
}

int kbpf_insn_subprog(struct kbpf_verifier_env *env, int insn_idx)
{
	u32 i;

	for (i = env->subprog_cnt; i-- > 0;)
		if (env->subprog[i].start <= (u32)insn_idx)
			return i;
	return 0;
}

static int add_subprog(struct kbpf_verifier_env *env, s64 off)
{
	u32 i;

	if (off < 0 || off >= env->insn_cnt) {
		verbose(env, "call to invalid destination\n");
		return -EINVAL;
	}
	if (kbpf_find_subprog(env, off) >= 0)
		return 0;
	if (env->subprog_cnt >= KBPF_MAX_SUBPROGS) {
		verbose(env, "too many subprograms\n");
		return -E2BIG;
	}
	/* Keep them sorted by start. */
	for (i = env->subprog_cnt; i > 0 && env->subprog[i - 1].start > (u32)off; i--)
		env->subprog[i] = env->subprog[i - 1];
	memset(&env->subprog[i], 0, sizeof(env->subprog[i]));
	env->subprog[i].start = off;
	env->subprog_cnt++;
	return 0;
}

int kbpf_check_opcodes(struct kbpf_verifier_env *env)
{
	struct bpf_insn *insn = env->insns;
	u32 i;

	for (i = 0; i < env->insn_cnt; i++) {
		if (BPF_CLASS(insn[i].code) == BPF_LDX &&
		    (BPF_MODE(insn[i].code) != BPF_MEM || insn[i].imm)) {
			verbose(env, "BPF_LDX uses reserved fields\n");
			return -EINVAL;
		}
		if (kbpf_is_ldimm64(&insn[i])) {
			if (i == env->insn_cnt - 1 || insn[i + 1].code ||
			    insn[i + 1].dst_reg || insn[i + 1].src_reg ||
			    insn[i + 1].off) {
				verbose(env, "invalid bpf_ld_imm64 insn\n");
				return -EINVAL;
			}
			i++;
			continue;
		}
		if (!opcode_known(insn[i].code)) {
			verbose(env, "unknown opcode %02x\n", insn[i].code);
			return -EINVAL;
		}
	}
	return 0;
}

static int find_subprogs(struct kbpf_verifier_env *env)
{
	struct bpf_insn *insn = env->insns;
	u32 i;
	int err;

	env->subprog_cnt = 1;
	env->subprog[0].start = 0;
	for (i = 0; i < env->insn_cnt; i++) {
		if (insn[i].code == (BPF_JMP | BPF_CALL) &&
		    insn[i].src_reg == BPF_PSEUDO_KFUNC_CALL) {
			verbose(env, "kbpf: kernel function calls are not supported\n");
			return -EOPNOTSUPP;
		}
		if (!is_pseudo_call(&insn[i]) && !is_pseudo_func(&insn[i]))
			continue;
		if (!env->bpf_capable) {
			verbose(env, "loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN\n");
			return -EPERM;
		}
		err = add_subprog(env, (s64)i + insn[i].imm + 1);
		if (err)
			return err;
	}
	env->subprog[env->subprog_cnt].start = env->insn_cnt;
	return 0;
}

static int check_subprog_jumps(struct kbpf_verifier_env *env)
{
	struct bpf_insn *insn = env->insns;
	u32 cur = 0, start = 0, end = env->subprog[1].start;
	u32 i;
	s64 off;

	for (i = 0; i < env->insn_cnt; i++) {
		u8 code = insn[i].code;

		if (code == (BPF_JMP | BPF_CALL) && insn[i].src_reg != BPF_PSEUDO_CALL &&
		    insn[i].imm == BPF_FUNC_tail_call)
			env->subprog[cur].has_tail_call = true;
		if (BPF_CLASS(code) == BPF_LD && (BPF_MODE(code) == BPF_ABS ||
						  BPF_MODE(code) == BPF_IND))
			env->subprog[cur].has_ld_abs = true;
		if ((BPF_CLASS(code) == BPF_JMP || BPF_CLASS(code) == BPF_JMP32) &&
		    BPF_OP(code) != BPF_EXIT && BPF_OP(code) != BPF_CALL) {
			if (code == (BPF_JMP32 | BPF_JA))
				off = (s64)i + insn[i].imm + 1;
			else
				off = (s64)i + insn[i].off + 1;
			if (off < start || off >= end) {
				verbose(env, "jump out of range from insn %u to %lld\n",
					i, (long long)off);
				return -EINVAL;
			}
		}
		if (i == end - 1) {
			if (code != (BPF_JMP | BPF_EXIT) &&
			    code != (BPF_JMP32 | BPF_JA) &&
			    code != (BPF_JMP | BPF_JA)) {
				verbose(env, "last insn is not an exit or jmp\n");
				return -EINVAL;
			}
			start = end;
			cur++;
			if (cur < env->subprog_cnt)
				end = env->subprog[cur + 1].start;
		}
	}
	return 0;
}

enum { WHITE = 0, GREY = 1, BLACK = 2 };

/* The successors of insn t: up to two; *loop_ok says whether a back-edge to them may be a loop. */
static int successors(struct kbpf_verifier_env *env, u32 t, s64 succ[2],
		      bool loop_ok[2])
{
	const struct bpf_insn *insn = &env->insns[t];
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	loop_ok[0] = loop_ok[1] = false;
	if (is_pseudo_func(insn)) {
		/*
		 * Linux's visit_func_call_insn(): the callback is reached
		 * from here, and may be recursive as far as the graph goes
		 * (the walk's frame limit stops it).
		 */
		succ[0] = t + 2;
		succ[1] = (s64)t + insn->imm + 1;
		loop_ok[1] = true;
		env->aux[t].prune_point = true;
		if (t + 2 < env->insn_cnt)
			env->aux[t + 2].prune_point = true;
		return 2;
	}
	if (kbpf_is_ldimm64(insn)) {
		succ[0] = t + 2;
		return 1;
	}
	if (class != BPF_JMP && class != BPF_JMP32) {
		succ[0] = t + 1;
		return 1;
	}
	switch (op) {
	case BPF_EXIT:
		return 0;
	case BPF_CALL:
		/* Prune points where Linux has them: states.c's heuristics assume those. */
		succ[0] = t + 1;
		env->aux[t + 1 < env->insn_cnt ? t + 1 : t].prune_point = true;
		if (insn->src_reg == BPF_PSEUDO_CALL) {
			succ[1] = (s64)t + insn->imm + 1;
			env->aux[succ[1]].prune_point = true;
			env->aux[t].prune_point = true;
			return 2;
		}
		return 1;
	case BPF_JA:
		succ[0] = (s64)t + (class == BPF_JMP32 ? insn->imm : insn->off) + 1;
		loop_ok[0] = true;
		if (succ[0] >= 0 && succ[0] < env->insn_cnt)
			env->aux[succ[0]].prune_point = true;
		if (t + 1 < env->insn_cnt)
			env->aux[t + 1].prune_point = true;
		return 1;
	default:
		succ[0] = t + 1;
		succ[1] = (s64)t + insn->off + 1;
		loop_ok[0] = loop_ok[1] = true;
		/* The conditional jump itself, before both ways part. */
		env->aux[t].prune_point = true;
		if (succ[1] >= 0 && succ[1] < env->insn_cnt)
			env->aux[succ[1]].prune_point = true;
		return 2;
	}
}

static int check_cfg_dfs(struct kbpf_verifier_env *env)
{
	u32 n = env->insn_cnt, sp = 0, i;
	u8 *state;
	u32 *stack;
	u8 *next;
	int err = 0;

	state = kvcalloc(n, sizeof(*state), GFP_KERNEL);
	next = kvcalloc(n, sizeof(*next), GFP_KERNEL);
	stack = kvcalloc(n, sizeof(*stack), GFP_KERNEL);
	if (!state || !next || !stack) {
		err = -ENOMEM;
		goto out;
	}
	stack[sp++] = 0;
	state[0] = GREY;
	while (sp) {
		u32 t = stack[sp - 1];
		s64 succ[2];
		bool loop_ok[2];
		int cnt = successors(env, t, succ, loop_ok);

		if (next[t] >= cnt) {
			state[t] = BLACK;
			sp--;
			continue;
		}
		i = next[t]++;
		if (succ[i] < 0 || succ[i] >= n) {
			verbose(env, "jump out of range from insn %u to %lld\n",
				t, (long long)succ[i]);
			err = -EINVAL;
			goto out;
		}
		if (state[succ[i]] == WHITE) {
			state[succ[i]] = GREY;
			stack[sp++] = succ[i];
		} else if (state[succ[i]] == GREY) {
			if (loop_ok[i] && env->bpf_capable)
				continue;
			verbose(env, "back-edge from insn %u to %lld\n", t,
				(long long)succ[i]);
			err = -EINVAL;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (state[i] != BLACK) {
			verbose(env, "unreachable insn %u\n", i);
			err = -EINVAL;
			goto out;
		}
		if (kbpf_is_ldimm64(&env->insns[i])) {
			if (state[i + 1] != WHITE) {
				verbose(env, "jump into the middle of ldimm64 insn %u\n", i);
				err = -EINVAL;
				goto out;
			}
			i++;
		}
	}
out:
	kvfree(state);
	kvfree(next);
	kvfree(stack);
	return err;
}

/* First of all, as Linux's check_subprogs(): each jump stays in its subprogram. */
/*
 * LD_ABS and tail calls leave the whole program from wherever they are:
 * without BTF telling that a function returns an int, Linux keeps them
 * out of bpf-to-bpf callees (check_abnormal_return()); the main program
 * may have both along with calls.
 */
static int check_abnormal_return(struct kbpf_verifier_env *env)
{
	u32 i;

	for (i = 1; i < env->subprog_cnt; i++) {
		if (env->subprog[i].has_ld_abs) {
			verbose(env, "LD_ABS is not allowed in subprogs without BTF\n");
			return -EINVAL;
		}
		if (env->subprog[i].has_tail_call) {
			verbose(env, "tail_call is not allowed in subprogs without BTF\n");
			return -EINVAL;
		}
	}
	return 0;
}

int kbpf_check_subprogs(struct kbpf_verifier_env *env)
{
	int err;

	err = find_subprogs(env);
	if (err)
		return err;
	err = check_subprog_jumps(env);
	if (err)
		return err;
	return check_abnormal_return(env);
}

int kbpf_check_cfg(struct kbpf_verifier_env *env)
{
	return check_cfg_dfs(env);
}
