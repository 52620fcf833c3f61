// SPDX-License-Identifier: GPL-2.0
/*
 * From the program userspace wrote to the program the engine runs
 * (engine.h): map fds become map pointers, or for direct value
 * references the value's address (before the walk, which needs the
 * maps), and after it helper ids become call displacements, tail
 * calls their own opcode, bpf-to-bpf calls carry the callee's stack
 * depth, and context accesses are rewritten by the program type's rules,
 * which may grow the program (jumps are then re-aimed).
 */
#include "priv.h"

#include <kbpf/cgroup_storage.h>

#define KBPF_MAX_USED_MAPS	64

static int add_used_map(struct kbpf_verifier_env *env, struct kbpf_map *map)
{
	u32 i;

	for (i = 0; i < env->used_map_cnt; i++) {
		if (env->used_maps[i] == map) {
			/* One reference per program is enough. */
			env->args->map_put(env->args->map_priv, map);
			return 0;
		}
	}
	if (env->used_map_cnt >= KBPF_MAX_USED_MAPS) {
		env->args->map_put(env->args->map_priv, map);
		return -E2BIG;
	}
	if (!env->used_maps) {
		env->used_maps = kcalloc(KBPF_MAX_USED_MAPS,
					 sizeof(*env->used_maps), GFP_KERNEL);
		if (!env->used_maps) {
			env->args->map_put(env->args->map_priv, map);
			return -ENOMEM;
		}
	}
	env->used_maps[env->used_map_cnt++] = map;
	return 0;
}

/*
 * A run gives the program one storage per cgroup storage type, which
 * bpf_get_local_storage() finds by the map's type: one map of each type.
 */
static int check_cgroup_storage(struct kbpf_verifier_env *env,
				struct kbpf_map *map)
{
	u32 i;

	if (!kbpf_map_type_is_cgroup_storage(map->map_type))
		return 0;
	for (i = 0; i < env->used_map_cnt; i++) {
		if (env->used_maps[i] != map &&
		    env->used_maps[i]->map_type == map->map_type) {
			verbose(env, "only one cgroup storage of each type is allowed\n");
			return -EBUSY;
		}
	}
	return 0;
}

static bool is_value_ref(const struct bpf_insn *insn)
{
	return insn->src_reg == BPF_PSEUDO_MAP_VALUE ||
	       insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE;
}

/*
 * A direct value reference (BPF_PSEUDO_MAP_VALUE): the map must give
 * programs the address of its value, and insn[1].imm must be an offset
 * inside it; the walk starts the register at that offset (check_ld_imm),
 * the fix-up loads the value's address plus it.
 */
static int resolve_value_ref(struct kbpf_verifier_env *env, u32 idx,
			     struct kbpf_map *map)
{
	u32 off = env->insns[idx + 1].imm;
	u64 addr;
	int err;

	if (off >= KBPF_MAX_VAR_OFF) {
		verbose(env, "direct value offset of %u is not allowed\n", off);
		return -EINVAL;
	}
	if (!map->ops || !map->ops->map_direct_value_addr) {
		verbose(env, "no direct value access support for this map type\n");
		return -EINVAL;
	}
	err = map->ops->map_direct_value_addr(map, &addr, off);
	if (err) {
		verbose(env, "invalid access to map value pointer, value_size=%u off=%u\n",
			map->value_size, off);
		return err;
	}
	env->aux[idx].map_off = off;
	return 0;
}

int kbpf_resolve_ld_imm64(struct kbpf_verifier_env *env)
{
	struct bpf_insn *insn = env->insns;
	struct kbpf_map *map;
	u32 i;
	int fd, err;

	for (i = 0; i + 1 < env->insn_cnt; i++) {
		if (insn[i].code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		/* Plain constants, and callbacks (callback.c, fixed up below). */
		if (!insn[i].src_reg || insn[i].src_reg == BPF_PSEUDO_FUNC) {
			i++;
			continue;
		}
		switch (insn[i].src_reg) {
		case BPF_PSEUDO_MAP_VALUE:
		case BPF_PSEUDO_MAP_IDX_VALUE:
			break;
		case BPF_PSEUDO_MAP_FD:
		case BPF_PSEUDO_MAP_IDX:
			if (!insn[i + 1].imm)
				break;
			fallthrough;
		default:
			if (insn[i].src_reg == BPF_PSEUDO_BTF_ID) {
				verbose(env, "kbpf: BTF ids (BPF_PSEUDO_BTF_ID) are not supported\n");
				return -EOPNOTSUPP;
			}
			verbose(env, "unrecognized bpf_ld_imm64 insn\n");
			return -EINVAL;
		}
		fd = insn[i].imm;
		if (insn[i].src_reg == BPF_PSEUDO_MAP_IDX ||
		    insn[i].src_reg == BPF_PSEUDO_MAP_IDX_VALUE) {
			if (!env->args->fd_array) {
				verbose(env, "fd_idx without fd_array is invalid\n");
				return -EPROTO;
			}
			if (copy_from_user(&fd, env->args->fd_array + (u32)insn[i].imm,
					   sizeof(fd)))
				return -EFAULT;
		}
		if (!env->args->map_get) {
			verbose(env, "fd %d is not pointing to valid bpf_map\n", fd);
			return -EBADF;
		}
		map = env->args->map_get(env->args->map_priv, fd);
		if (IS_ERR_OR_NULL(map)) {
			verbose(env, "fd %d is not pointing to valid bpf_map\n", fd);
			return map ? PTR_ERR(map) : -EBADF;
		}
		if (is_value_ref(&insn[i])) {
			err = resolve_value_ref(env, i, map);
			if (err) {
				env->args->map_put(env->args->map_priv, map);
				return err;
			}
		}
		err = add_used_map(env, map);
		if (err)
			return err;
		err = check_cgroup_storage(env, map);
		if (err)
			return err;
		env->aux[i].map_ptr = map;
		i++;
	}
	return 0;
}

/*
 * Context loads and stores rewritten (narrow loads included) by the
 * program type's rules; returns the count written to buf, 0 to keep.
 */
static int convert_ctx(struct kbpf_verifier_env *env, u32 idx,
		       struct bpf_insn *buf)
{
	const struct bpf_insn *insn = &env->insns[idx];
	enum kbpf_access_type t = BPF_CLASS(insn->code) == BPF_LDX ?
				  KBPF_READ : KBPF_WRITE;
	/* Loads through socket pointers have rules of their own. */
	const struct kbpf_ctx_ops *ops = kbpf_sock_ops_for(env->aux[idx].ptr_type);
	int cnt;

	if (!ops)
		ops = env->ctx_ops;
	if (!ops)
		return 0;
	if (env->tstamp_type_access && ops->tstamp_type_ops)
		ops = ops->tstamp_type_ops;
	cnt = kbpf_ctx_convert(ops, t, insn,
			       env->aux[idx].ctx_field_size, buf);
	if (cnt < 0)
		verbose(env, "bpf verifier is misconfigured\n");
	return cnt;
}

/*
 * An unprivileged tail call (Linux's fixup_bpf_calls for Spectre v1):
 * "if r3 >= max_entries skip the call; w3 &= index_mask", so that not even
 * a mispredicted bounds check indexes past the array's power-of-two
 * size. The index compare is 64-bit here, as in Linux: an index above
 * 32 bits skips the call, where the runtimes' own u32 index would not.
 */
static int mask_tail_call(struct kbpf_verifier_env *env, u32 idx,
			  struct bpf_insn *buf)
{
	const struct kbpf_map *map = env->aux[idx].call_map;

	buf[0] = BPF_JMP_IMM(BPF_JGE, BPF_REG_3, map->max_entries, 2);
	buf[1] = BPF_ALU32_IMM(BPF_AND, BPF_REG_3,
			       roundup_pow_of_two(map->max_entries) - 1);
	buf[2] = env->insns[idx];
	return 3;
}

static bool needs_mask(const struct kbpf_verifier_env *env, u32 idx)
{
	const struct kbpf_insn_aux *aux = &env->aux[idx];

	return aux->tail_call && aux->seen && aux->call_map &&
	       !kbpf_bypass_spec_v1(env);
}

/*
 * Unprivileged "ptr += reg" / "ptr -= reg" (alu.c recorded alu_state and
 * alu_limit; Linux's do_misc_fixups): the offset goes through BPF_REG_AX,
 * which keeps it when 0 <= off <= limit and is 0 otherwise, so that a
 * mispredicted bounds check on the offset cannot move the pointer out of
 * its object. The sign test is branch-free: (limit - off) | off has its
 * top bit clear exactly in range, and is then non-zero unless off is 0,
 * so -(that) >> 63 (arithmetic) is all ones in range and 0 outside.
 * A negative offset is negated first and the operation flipped; a
 * constant offset needs no mask, only the immediate form through AX.
 */
static bool needs_alu_mask(const struct kbpf_verifier_env *env, u32 idx)
{
	const struct kbpf_insn_aux *aux = &env->aux[idx];

	return aux->seen && aux->alu_state &&
	       aux->alu_state != KBPF_ALU_NON_POINTER &&
	       !kbpf_bypass_spec_v1(env);
}

static int mask_ptr_alu(struct kbpf_verifier_env *env, u32 idx,
			struct bpf_insn *buf)
{
	const struct kbpf_insn_aux *aux = &env->aux[idx];
	struct bpf_insn insn = env->insns[idx];
	bool off_in_src = (aux->alu_state & KBPF_ALU_SANITIZE) ==
			  KBPF_ALU_SANITIZE_SRC;
	bool neg = aux->alu_state & KBPF_ALU_NEG_VALUE;
	bool imm = aux->alu_state & KBPF_ALU_IMMEDIATE;
	u8 off = off_in_src ? insn.src_reg : insn.dst_reg;
	int n = 0;

	if (insn.code != (BPF_ALU64 | BPF_ADD | BPF_X) &&
	    insn.code != (BPF_ALU64 | BPF_SUB | BPF_X)) {
		verbose(env, "verifier internal error: alu_state on insn %u\n",
			idx);
		return -EFAULT;
	}
	if (imm) {
		/* alu_limit is the constant's magnitude: the pointer's move. */
		buf[n++] = BPF_MOV32_IMM(BPF_REG_AX, aux->alu_limit);
	} else {
		if (neg)
			buf[n++] = BPF_ALU64_IMM(BPF_MUL, off, -1);
		buf[n++] = BPF_MOV32_IMM(BPF_REG_AX, aux->alu_limit);
		buf[n++] = BPF_ALU64_REG(BPF_SUB, BPF_REG_AX, off);
		buf[n++] = BPF_ALU64_REG(BPF_OR, BPF_REG_AX, off);
		buf[n++] = BPF_ALU64_IMM(BPF_NEG, BPF_REG_AX, 0);
		buf[n++] = BPF_ALU64_IMM(BPF_ARSH, BPF_REG_AX, 63);
		buf[n++] = BPF_ALU64_REG(BPF_AND, BPF_REG_AX, off);
	}
	/* scalar += ptr: the destination becomes the pointer, then moves. */
	if (!off_in_src)
		buf[n++] = BPF_MOV64_REG(insn.dst_reg, insn.src_reg);
	insn.src_reg = BPF_REG_AX;
	if (neg)
		insn.code = insn.code == (BPF_ALU64 | BPF_ADD | BPF_X) ?
			    BPF_ALU64 | BPF_SUB | BPF_X :
			    BPF_ALU64 | BPF_ADD | BPF_X;
	buf[n++] = insn;
	/* The program still sees its offset register as it was. */
	if (off_in_src && neg && !imm)
		buf[n++] = BPF_ALU64_IMM(BPF_MUL, off, -1);
	return n;
}

/* The instructions that replace insn idx in buf, or 0 to keep it. */
static int rewrite_one(struct kbpf_verifier_env *env, u32 idx,
		       struct bpf_insn *buf)
{
	if (env->aux[idx].ctx_access)
		return convert_ctx(env, idx, buf);
	if (needs_mask(env, idx))
		return mask_tail_call(env, idx, buf);
	if (needs_alu_mask(env, idx))
		return mask_ptr_alu(env, idx, buf);
	/* map_call.c: a lookup the map type writes inline, or 0. */
	return kbpf_map_gen_lookup(env, idx, buf);
}

static bool is_branch(const struct bpf_insn *insn, s64 *target, s64 idx)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	if (class != BPF_JMP && class != BPF_JMP32)
		return false;
	if (op == BPF_EXIT || insn->code == (BPF_JMP | BPF_TAIL_CALL))
		return false;
	if (op == BPF_CALL) {
		if (insn->src_reg != BPF_PSEUDO_CALL)
			return false;
		*target = idx + insn->imm + 1;
		return true;
	}
	if (insn->code == (BPF_JMP32 | BPF_JA))
		*target = idx + insn->imm + 1;
	else
		*target = idx + insn->off + 1;
	return true;
}

/* What a resolved LD_IMM64 loads: the map, or its value's address + offset. */
static int ld_imm64_addr(const struct bpf_insn *insn,
			 const struct kbpf_insn_aux *aux, u64 *addr)
{
	const struct kbpf_map *map = aux->map_ptr;

	if (!is_value_ref(insn)) {
		*addr = (unsigned long)map;
		return 0;
	}
	/* resolve_value_ref() had the same answer. */
	if (map->ops->map_direct_value_addr(map, addr, aux->map_off))
		return -EFAULT;
	*addr += aux->map_off;
	return 0;
}

static bool is_pseudo_func(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       insn->src_reg == BPF_PSEUDO_FUNC;
}

static int fixup_calls_and_maps(struct kbpf_verifier_env *env)
{
	struct bpf_insn *insn = env->insns;
	u32 i, callbacks = 0;

	for (i = 0; i < env->insn_cnt; i++) {
		struct kbpf_insn_aux *aux = &env->aux[i];

		/* engine.h: off the callback's depth, then the load's ordinal. */
		if (is_pseudo_func(&insn[i])) {
			int sub = kbpf_find_subprog(env, i + insn[i].imm + 1);

			/* Dead loads become traps: number only the live ones. */
			if (!aux->seen) {
				i++;
				continue;
			}
			if (sub < 0)
				return -EFAULT;
			insn[i].off = round_up(env->subprog[sub].stack_depth, 8);
			insn[i + 1].imm = callbacks++;
			i++;
			continue;
		}

		if (aux->map_ptr) {
			u64 addr;

			if (ld_imm64_addr(&insn[i], aux, &addr))
				return -EFAULT;
			insn[i].imm = (u32)addr;
			insn[i + 1].imm = addr >> 32;
			i++;
			continue;
		}
		if (insn[i].code != (BPF_JMP | BPF_CALL))
			continue;
		if (insn[i].src_reg == BPF_PSEUDO_CALL) {
			int sub = kbpf_find_subprog(env, i + insn[i].imm + 1);

			if (sub < 0)
				return -EFAULT;
			insn[i].off = round_up(env->subprog[sub].stack_depth, 8);
			continue;
		}
		if (!aux->seen)
			continue;	/* dead code: never runs */
		if (aux->tail_call) {
			/*
			 * Without CAP_PERFMON the index is checked and masked
			 * against the one prog array of this site (rewrite_one).
			 */
			if (!kbpf_bypass_spec_v1(env) && aux->call_map_poison) {
				verbose(env, "tail_call abusing map_ptr\n");
				return -EINVAL;
			}
			insn[i].code = BPF_JMP | BPF_TAIL_CALL;
			insn[i].imm = 0;
			continue;
		}
		/* map_call.c: straight to the map's op when the map is known. */
		if (kbpf_map_call_direct(env, i, &insn[i].imm))
			continue;
		if (!aux->proto || !aux->proto->func ||
		    !kbpf_call_imm(aux->proto->func, &insn[i].imm)) {
			verbose(env, "kernel subsystem misconfigured func #%d: no implementation\n",
				insn[i].imm);
			return -EFAULT;
		}
	}
	return 0;
}

/*
 * Replace instructions by sequences (rewrite_one: context accesses by the
 * program type's rules, unprivileged tail calls with their index mask,
 * unprivileged pointer arithmetic with its offset mask)
 * and retarget every jump and bpf-to-bpf call across them.
 */
static int rewrite_insns(struct kbpf_verifier_env *env)
{
	struct bpf_insn buf[KBPF_CTX_REWRITE_MAX];
	struct bpf_insn *out = NULL;
	u32 *newpos = NULL, n = env->insn_cnt, i, j, total = 0;
	int cnt, err = 0;
	bool any = false;

	for (i = 0; i < n; i++)
		if (env->aux[i].ctx_access || needs_mask(env, i) ||
		    needs_alu_mask(env, i) || kbpf_map_call_inlined(env, i))
			any = true;
	if (!any)
		return 0;
	newpos = kvcalloc(n + 1, sizeof(*newpos), GFP_KERNEL);
	if (!newpos)
		return -ENOMEM;
	/* First pass: sizes. */
	for (i = 0; i < n; i++) {
		newpos[i] = total;
		cnt = rewrite_one(env, i, buf);
		if (cnt < 0) {
			err = cnt;
			goto out;
		}
		total += cnt ? cnt : 1;
	}
	newpos[n] = total;
	if (total > KBPF_COMPLEXITY_LIMIT_INSNS) {
		err = -E2BIG;
		goto out;
	}
	out = kvcalloc(total, sizeof(*out), GFP_KERNEL);
	if (!out) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		s64 target;

		cnt = rewrite_one(env, i, buf);
		if (cnt < 0) {
			err = cnt;
			goto out;
		}
		if (cnt) {
			for (j = 0; j < (u32)cnt; j++)
				out[newpos[i] + j] = buf[j];
			continue;
		}
		out[newpos[i]] = env->insns[i];
		if (is_pseudo_func(&env->insns[i]))
			out[newpos[i]].imm = (s64)newpos[i + env->insns[i].imm + 1] -
					     newpos[i] - 1;
		if (is_branch(&env->insns[i], &target, i)) {
			s64 delta = (s64)newpos[target] - newpos[i] - 1;

			if (BPF_OP(env->insns[i].code) == BPF_CALL ||
			    env->insns[i].code == (BPF_JMP32 | BPF_JA)) {
				out[newpos[i]].imm = delta;
			} else {
				if (delta != (s16)delta) {
					verbose(env, "kbpf: jump too far after context rewrites\n");
					err = -E2BIG;
					goto out;
				}
				out[newpos[i]].off = delta;
			}
		}
	}
	kvfree(env->insns);
	env->insns = out;
	env->insn_cnt = total;
	out = NULL;
out:
	kvfree(out);
	kvfree(newpos);
	return err;
}

/*
 * Code no path reaches never runs, but a mispredicted branch may still
 * send the CPU there, into calls never fixed up and context loads never
 * rewritten: make each such instruction a jump to itself (Linux's
 * sanitize_dead_code()).
 */
static void trap_dead_code(struct kbpf_verifier_env *env)
{
	const struct bpf_insn trap = BPF_JMP_A(-1);
	u32 i;

	for (i = 0; i < env->insn_cnt; i++) {
		if (env->aux[i].seen)
			continue;
		env->insns[i] = trap;
		/* A speculative walk may have seen it as a context access. */
		env->aux[i].ctx_access = false;
	}
}

int kbpf_fixup(struct kbpf_verifier_env *env)
{
	int err;

	err = fixup_calls_and_maps(env);
	if (err)
		return err;
	/* After the map addresses went in, before the renumbering. */
	trap_dead_code(env);
	/* Last: it renumbers instructions, and aux is indexed by the old numbers. */
	return rewrite_insns(env);
}
