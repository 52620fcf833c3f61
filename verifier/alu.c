// SPDX-License-Identifier: GPL-2.0
/*
 * ALU instructions: operand checks, moves, and pointer arithmetic (what a
 * pointer may be added to or subtracted from, and how its fixed and
 * variable offsets move). Scalar results come from bounds.c.
 */
#include "priv.h"

static const char *const alu_names[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
	"neg", "%=", "^=", "=", "s>>=", "endian", "?", "?",
};

int kbpf_check_reg_arg(struct kbpf_verifier_env *env, u32 regno, bool dst)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);

	if (regno >= KBPF_REG_COUNT) {
		verbose(env, "R%u is invalid\n", regno);
		return -EINVAL;
	}
	if (!dst) {
		if (regs[regno].type == KBPF_NOT_INIT) {
			verbose(env, "R%u !read_ok\n", regno);
			return -EACCES;
		}
		return 0;
	}
	if (regno == BPF_REG_FP) {
		verbose(env, "frame pointer is read only\n");
		return -EACCES;
	}
	return 0;
}

/* A pointer the program must not see as a number (unprivileged loads). */
bool kbpf_is_pointer_value(struct kbpf_verifier_env *env, u32 regno)
{
	if (env->allow_ptr_leaks)
		return false;
	return kbpf_is_ptr(&kbpf_cur_regs(env)[regno]);
}

static bool sane_offset(struct kbpf_verifier_env *env,
			const struct kbpf_reg *reg, u32 type)
{
	bool known = tnum_is_const(reg->var_off);
	s64 val = reg->var_off.value;
	s64 smin = reg->smin_value;

	if (known && (val >= KBPF_MAX_VAR_OFF || val <= -KBPF_MAX_VAR_OFF)) {
		verbose(env, "math between %s pointer and %lld is not allowed\n",
			kbpf_reg_type_str(env, type), (long long)val);
		return false;
	}
	if (reg->off >= KBPF_MAX_VAR_OFF || reg->off <= -KBPF_MAX_VAR_OFF) {
		verbose(env, "%s pointer offset %d is not allowed\n",
			kbpf_reg_type_str(env, type), reg->off);
		return false;
	}
	if (smin == S64_MIN) {
		verbose(env, "math between %s pointer and register with unbounded min value is not allowed\n",
			kbpf_reg_type_str(env, type));
		return false;
	}
	if (smin >= KBPF_MAX_VAR_OFF || smin <= -KBPF_MAX_VAR_OFF) {
		verbose(env, "value %lld makes %s pointer be out of bounds\n",
			(long long)smin, kbpf_reg_type_str(env, type));
		return false;
	}
	return true;
}

/*
 * Unprivileged pointer arithmetic must leave the pointer inside its object
 * on every value of the offset (Linux's sanitize_check_bounds()): the
 * fix-up (fixup.c) can only mask an offset against a limit that holds for
 * the whole range. Stack pointers keep constant offsets.
 */
static int unpriv_ptr_checks(struct kbpf_verifier_env *env, u32 dst,
			     const struct kbpf_reg *reg)
{
	s64 off;

	if (kbpf_bypass_spec_v1(env))
		return 0;
	switch (kbpf_reg_base(reg)) {
	case KBPF_PTR_TO_STACK:
		off = reg->off + (s64)reg->var_off.value;
		if (!tnum_is_const(reg->var_off)) {
			char tn[48];

			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "R%u variable stack access prohibited for !root, var_off=%s off=%d\n",
				dst, tn, (int)off);
			return -EACCES;
		}
		if (off >= 0 || off < -KBPF_MAX_STACK) {
			verbose(env, "R%u stack pointer arithmetic goes out of range, prohibited for !root; off=%d\n",
				dst, (int)off);
			return -EACCES;
		}
		return 0;
	case KBPF_PTR_TO_MAP_VALUE:
		if (kbpf_check_map_value_range(env, dst, reg->off, 1)) {
			verbose(env, "R%u pointer arithmetic of map value goes out of range, prohibited for !root\n",
				dst);
			return -EACCES;
		}
		return 0;
	default:
		return 0;
	}
}

/*
 * Spectre v1 hardening of unprivileged pointer arithmetic with a register
 * operand (Linux's sanitize_ptr_alu() and sanitize_val_alu()). A
 * mispredicted bounds check can run "ptr += off" with an offset the
 * verifier ruled out, so the fix-up (fixup.c) masks the offset to 0
 * unless it lies between 0 and the distance this instruction moves the
 * pointer on the paths verified (alu_limit). One instruction, one mask:
 * every path must agree on what it does. The verifier also walks the
 * masked outcome (the pointer unmoved) as a speculative path.
 */
enum {
	SANITIZE_BOUNDS = 1,	/* offset of both signs */
	SANITIZE_TYPE,		/* a pointer that cannot be bounded */
	SANITIZE_PATHS,		/* paths disagree */
	SANITIZE_LIMIT,		/* pointer already out of its object */
	SANITIZE_STACK,		/* the masked outcome could not be queued */
};

struct alu_sanitize {
	bool on;		/* record a mask for this instruction */
	bool sim;		/* walk the masked outcome speculatively */
	bool mask_to_left;	/* the offset moves the pointer down */
	u32 state, limit;
};

static bool alu_needs_sanitize(struct kbpf_verifier_env *env,
			       const struct bpf_insn *insn)
{
	u8 op = BPF_OP(insn->code);

	return (op == BPF_ADD || op == BPF_SUB) &&
	       BPF_SRC(insn->code) == BPF_X && !kbpf_bypass_spec_v1(env);
}

/*
 * How far the pointer may move in the masked direction before it leaves
 * its object (Linux's retrieve_ptr_limit()). A stack pointer may go down
 * to the frame's last byte, or up to the frame pointer itself; a map
 * value pointer up to the value's end, or down to its start.
 */
static int alu_ptr_limit(const struct kbpf_reg *ptr, bool left, u32 *limit)
{
	u32 max, lim;

	switch (ptr->type) {
	case KBPF_PTR_TO_STACK:
		max = KBPF_MAX_STACK + left;
		lim = -(u32)(ptr->var_off.value + ptr->off);
		break;
	case KBPF_PTR_TO_MAP_VALUE:
		max = ptr->map_ptr->value_size;
		lim = (u32)((left ? (u64)ptr->smin_value : ptr->umax_value) +
			    ptr->off);
		break;
	default:
		return -SANITIZE_TYPE;
	}
	if (lim >= max)
		return -SANITIZE_LIMIT;
	*limit = lim;
	return 0;
}

static int alu_record(struct kbpf_verifier_env *env, u32 state, u32 limit)
{
	struct kbpf_insn_aux *aux = &env->aux[env->insn_idx];

	if (aux->alu_state && (aux->alu_state != state || aux->alu_limit != limit))
		return -SANITIZE_PATHS;
	aux->alu_state = state;
	aux->alu_limit = limit;
	return 0;
}

static int alu_sanitize_err(struct kbpf_verifier_env *env,
			    const struct bpf_insn *insn, int reason,
			    bool off_is_dst)
{
	static const char prohibited[] = "pointer arithmetic with it prohibited for !root";
	const char *op = BPF_OP(insn->code) == BPF_ADD ? "add" : "sub";
	u32 dst = insn->dst_reg, src = insn->src_reg;

	switch (-reason) {
	case SANITIZE_BOUNDS:
		verbose(env, "R%u has unknown scalar with mixed signed bounds, %s\n",
			off_is_dst ? dst : src, prohibited);
		break;
	case SANITIZE_TYPE:
		verbose(env, "R%u has pointer with unsupported alu operation, %s\n",
			off_is_dst ? src : dst, prohibited);
		break;
	case SANITIZE_PATHS:
		verbose(env, "R%u tried to %s from different maps, paths or scalars, %s\n",
			dst, op, prohibited);
		break;
	case SANITIZE_STACK:
		verbose(env, "R%u could not be pushed for speculative verification, %s\n",
			dst, prohibited);
		break;
	default:
		verbose(env, "R%u tried to %s beyond pointer bounds, %s\n",
			dst, op, prohibited);
		break;
	}
	return -EACCES;
}

/*
 * Before the operation: which way the offset moves the pointer and how far
 * it may. A speculative path only simulates: the instruction's mask comes
 * from the paths that really run.
 */
static int alu_sanitize_begin(struct kbpf_verifier_env *env,
			      const struct bpf_insn *insn,
			      const struct kbpf_reg *ptr,
			      const struct kbpf_reg *off_reg, bool ptr_is_dst,
			      struct alu_sanitize *san)
{
	bool off_is_imm = tnum_is_const(off_reg->var_off);
	bool off_is_neg = off_reg->smin_value < 0;
	u8 op = BPF_OP(insn->code);
	int err;

	if (!alu_needs_sanitize(env, insn))
		return 0;
	/* A constant offset is emitted as an immediate: nothing to mask. */
	san->sim = !off_is_imm;
	if (env->cur->speculative)
		return 0;
	san->on = true;
	if (!off_is_imm && off_is_neg != (off_reg->smax_value < 0))
		return -SANITIZE_BOUNDS;
	san->mask_to_left = (op == BPF_ADD && off_is_neg) ||
			    (op == BPF_SUB && !off_is_neg);
	err = alu_ptr_limit(ptr, san->mask_to_left, &san->limit);
	if (err)
		return err;
	san->state = (off_is_neg ? KBPF_ALU_NEG_VALUE : 0) |
		     (off_is_imm ? KBPF_ALU_IMMEDIATE : 0) |
		     (ptr_is_dst ? KBPF_ALU_SANITIZE_SRC : KBPF_ALU_SANITIZE_DST);
	/*
	 * Another path may reach here with other scalars and so another
	 * limit: pruning must not hide it (states.c).
	 */
	if (!off_is_imm)
		env->explore_alu_limits = true;
	return 0;
}

/*
 * With the destination still holding the unmoved pointer: walk on from the
 * next instruction as the mask would leave it, which is where a
 * mispredicted bounds check on the offset ends up.
 */
static int alu_sanitize_simulate(struct kbpf_verifier_env *env,
				 const struct alu_sanitize *san)
{
	if (!san->sim)
		return 0;
	if (!kbpf_push_speculative(env, env->insn_idx + 1, env->insn_idx))
		return -SANITIZE_STACK;
	return 0;
}

/* After it: record the distance moved; every path must agree. */
static int alu_sanitize_commit(struct kbpf_verifier_env *env,
			       const struct kbpf_reg *dst_reg,
			       struct alu_sanitize *san)
{
	u32 limit;
	int err;

	if (!san->on)
		return 0;
	err = alu_ptr_limit(dst_reg, san->mask_to_left, &limit);
	if (err)
		return err;
	return alu_record(env, san->state, (u32)abs((s32)(san->limit - limit)));
}

/* ptr op= scalar, or scalar += ptr (Linux's adjust_ptr_min_max_vals). */
static int ptr_alu(struct kbpf_verifier_env *env, const struct bpf_insn *insn,
		   const struct kbpf_reg *ptr_in, const struct kbpf_reg *off_reg)
{
	struct kbpf_reg *dst_reg = &kbpf_cur_regs(env)[insn->dst_reg];
	bool known = tnum_is_const(off_reg->var_off);
	s64 smin_val = off_reg->smin_value, smax_val = off_reg->smax_value;
	u64 umin_val = off_reg->umin_value, umax_val = off_reg->umax_value;
	u8 op = BPF_OP(insn->code);
	u32 dst = insn->dst_reg;
	struct kbpf_reg ptr = *ptr_in;
	bool ptr_is_dst = ptr_in == dst_reg;
	struct alu_sanitize san = {};
	s64 lo, hi;
	int err;

	if ((known && (smin_val != smax_val || umin_val != umax_val)) ||
	    smin_val > smax_val || umin_val > umax_val) {
		kbpf_mark_reg_unknown(env, dst_reg);
		return 0;
	}
	if (BPF_CLASS(insn->code) != BPF_ALU64) {
		if (op == BPF_SUB && env->allow_ptr_leaks) {
			kbpf_mark_reg_unknown(env, dst_reg);
			return 0;
		}
		verbose(env, "R%u 32-bit pointer arithmetic prohibited\n", dst);
		return -EACCES;
	}
	if (kbpf_reg_maybe_null(&ptr)) {
		verbose(env, "R%u pointer arithmetic on %s prohibited, null-check it first\n",
			dst, kbpf_reg_type_str(env, ptr.type));
		return -EACCES;
	}
	switch (kbpf_reg_base(&ptr)) {
	case KBPF_PTR_TO_FLOW_KEYS:
		if (known)
			break;
		fallthrough;
	case KBPF_CONST_PTR_TO_MAP:
		if (known && smin_val == 0 && op == BPF_ADD)
			break;
		fallthrough;
	case KBPF_PTR_TO_PACKET_END:
	case KBPF_PTR_TO_SOCKET:
	case KBPF_PTR_TO_SOCK_COMMON:
	case KBPF_PTR_TO_TCP_SOCK:
	case KBPF_PTR_TO_XDP_SOCK:
	case KBPF_PTR_TO_FUNC:
		verbose(env, "R%u pointer arithmetic on %s prohibited\n",
			dst, kbpf_reg_type_str(env, ptr.type));
		return -EACCES;
	case KBPF_PTR_TO_CTX:
	case KBPF_PTR_TO_MAP_VALUE:
	case KBPF_PTR_TO_MAP_KEY:
	case KBPF_PTR_TO_STACK:
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
	case KBPF_PTR_TO_MEM:
	case KBPF_PTR_TO_TP_BUFFER:
		break;
	default:
		verbose(env, "R%u pointer arithmetic on %s prohibited\n",
			dst, kbpf_reg_type_str(env, ptr.type));
		return -EACCES;
	}
	if (!sane_offset(env, off_reg, ptr.type) ||
	    !sane_offset(env, &ptr, ptr.type))
		return -EINVAL;
	err = alu_sanitize_begin(env, insn, &ptr, off_reg, ptr_is_dst, &san);
	if (err)
		return alu_sanitize_err(env, insn, err, !ptr_is_dst);

	*dst_reg = ptr;
	err = alu_sanitize_simulate(env, &san);
	if (err)
		return alu_sanitize_err(env, insn, err, !ptr_is_dst);
	switch (op) {
	case BPF_ADD:
		if (known && !check_add_overflow((s64)ptr.off, smin_val, &lo) &&
		    lo == (s32)lo) {
			dst_reg->off = lo;
			break;
		}
		if (!check_add_overflow(ptr.smin_value, smin_val, &lo) &&
		    !check_add_overflow(ptr.smax_value, smax_val, &hi)) {
			dst_reg->smin_value = lo;
			dst_reg->smax_value = hi;
		} else {
			dst_reg->smin_value = S64_MIN;
			dst_reg->smax_value = S64_MAX;
		}
		if (ptr.umin_value + umin_val < umin_val ||
		    ptr.umax_value + umax_val < umax_val) {
			dst_reg->umin_value = 0;
			dst_reg->umax_value = U64_MAX;
		} else {
			dst_reg->umin_value = ptr.umin_value + umin_val;
			dst_reg->umax_value = ptr.umax_value + umax_val;
		}
		dst_reg->var_off = tnum_add(ptr.var_off, off_reg->var_off);
		if (kbpf_type_is_pkt(ptr.type)) {
			/* A new variable offset: nothing learnt holds for it. */
			dst_reg->id = ++env->id_gen;
			dst_reg->range = 0;
		}
		break;
	case BPF_SUB:
		if (ptr_in != dst_reg && ptr_in != &kbpf_cur_regs(env)[dst]) {
			verbose(env, "R%u tried to subtract pointer from scalar\n", dst);
			return -EACCES;
		}
		if (kbpf_reg_base(&ptr) == KBPF_PTR_TO_STACK) {
			verbose(env, "R%u subtraction from stack pointer prohibited\n", dst);
			return -EACCES;
		}
		if (known && !check_sub_overflow((s64)ptr.off, smin_val, &lo) &&
		    lo == (s32)lo) {
			dst_reg->off = lo;
			break;
		}
		if (!check_sub_overflow(ptr.smin_value, smax_val, &lo) &&
		    !check_sub_overflow(ptr.smax_value, smin_val, &hi)) {
			dst_reg->smin_value = lo;
			dst_reg->smax_value = hi;
		} else {
			dst_reg->smin_value = S64_MIN;
			dst_reg->smax_value = S64_MAX;
		}
		if (ptr.umin_value < umax_val) {
			dst_reg->umin_value = 0;
			dst_reg->umax_value = U64_MAX;
		} else {
			dst_reg->umin_value = ptr.umin_value - umax_val;
			dst_reg->umax_value = ptr.umax_value - umin_val;
		}
		dst_reg->var_off = tnum_sub(ptr.var_off, off_reg->var_off);
		if (kbpf_type_is_pkt(ptr.type)) {
			dst_reg->id = ++env->id_gen;
			if (smin_val < 0)
				dst_reg->range = 0;
		}
		break;
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		verbose(env, "R%u bitwise operator %s on pointer prohibited\n",
			dst, alu_names[op >> 4]);
		return -EACCES;
	default:
		verbose(env, "R%u pointer arithmetic with %s operator prohibited\n",
			dst, alu_names[op >> 4]);
		return -EACCES;
	}
	/* The 32-bit view of a pointer's variable part is not tracked. */
	dst_reg->s32_min_value = S32_MIN;
	dst_reg->s32_max_value = S32_MAX;
	dst_reg->u32_min_value = 0;
	dst_reg->u32_max_value = U32_MAX;
	if (!sane_offset(env, dst_reg, ptr.type))
		return -EINVAL;
	kbpf_reg_bounds_sync(dst_reg);
	err = unpriv_ptr_checks(env, dst, dst_reg);
	if (err)
		return err;
	err = alu_sanitize_commit(env, dst_reg, &san);
	if (err)
		return alu_sanitize_err(env, insn, err, !ptr_is_dst);
	return 0;
}

static int alu_reg_reg(struct kbpf_verifier_env *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	struct kbpf_reg *dst_reg = &regs[insn->dst_reg];
	u8 op = BPF_OP(insn->code);
	struct kbpf_reg src, off;
	bool dst_ptr = dst_reg->type != KBPF_SCALAR_VALUE;
	int err;

	if (!dst_ptr)
		dst_reg->id = 0;
	if (BPF_SRC(insn->code) == BPF_X) {
		src = regs[insn->src_reg];
		if (src.type != KBPF_SCALAR_VALUE) {
			if (dst_ptr) {
				if (op == BPF_SUB && env->allow_ptr_leaks) {
					kbpf_mark_reg_unknown(env, dst_reg);
					return 0;
				}
				verbose(env, "R%u pointer %s pointer prohibited\n",
					insn->dst_reg, alu_names[op >> 4]);
				return -EACCES;
			}
			/* scalar op pointer: the pointer is the base, ptr_alu() says which ops may. */
			err = kbpf_mark_chain_precision(env, insn->dst_reg);
			if (err)
				return err;
			off = *dst_reg;
			return ptr_alu(env, insn, &src, &off);
		}
		/* A pointer's offset depends on the scalar's exact range. */
		if (dst_ptr) {
			err = kbpf_mark_chain_precision(env, insn->src_reg);
			if (err)
				return err;
			return ptr_alu(env, insn, dst_reg, &src);
		}
	} else {
		memset(&src, 0, sizeof(src));
		kbpf_mark_reg_known(&src, (u64)(s64)insn->imm);
		if (dst_ptr)
			return ptr_alu(env, insn, dst_reg, &src);
	}
	if (alu_needs_sanitize(env, insn)) {
		err = alu_record(env, KBPF_ALU_NON_POINTER, 0);
		if (err)
			return alu_sanitize_err(env, insn, err, false);
	}
	return kbpf_scalar_alu(env, insn, dst_reg, src);
}

static int check_mov(struct kbpf_verifier_env *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	struct kbpf_reg *dst_reg = &regs[insn->dst_reg];
	int err;

	if (BPF_SRC(insn->code) == BPF_X) {
		if (insn->imm || insn->off) {
			verbose(env, "BPF_MOV uses reserved fields\n");
			return -EINVAL;
		}
		err = kbpf_check_reg_arg(env, insn->src_reg, false);
		if (err)
			return err;
	} else if (insn->src_reg || insn->off) {
		verbose(env, "BPF_MOV uses reserved fields\n");
		return -EINVAL;
	}
	err = kbpf_check_reg_arg(env, insn->dst_reg, true);
	if (err)
		return err;

	if (BPF_SRC(insn->code) == BPF_K) {
		if (BPF_CLASS(insn->code) == BPF_ALU64)
			kbpf_mark_reg_known(dst_reg, (u64)(s64)insn->imm);
		else
			kbpf_mark_reg_known(dst_reg, (u32)insn->imm);
		return 0;
	}
	if (BPF_CLASS(insn->code) == BPF_ALU64) {
		struct kbpf_reg *src_reg = &regs[insn->src_reg];

		/* Copies share an id, so bounds learnt on one hold for both. */
		if (src_reg->type == KBPF_SCALAR_VALUE && !src_reg->id)
			src_reg->id = ++env->id_gen;
		*dst_reg = *src_reg;
		return 0;
	}
	if (kbpf_is_pointer_value(env, insn->src_reg)) {
		verbose(env, "R%u partial copy of pointer\n", insn->src_reg);
		return -EACCES;
	}
	if (regs[insn->src_reg].type == KBPF_SCALAR_VALUE) {
		*dst_reg = regs[insn->src_reg];
		dst_reg->id = 0;
	} else {
		kbpf_mark_reg_unknown(env, dst_reg);
	}
	kbpf_zext_32_to_64(dst_reg);
	kbpf_reg_bounds_sync(dst_reg);
	return 0;
}

int kbpf_check_alu(struct kbpf_verifier_env *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	u8 op = BPF_OP(insn->code);
	int err;

	if (op == BPF_END || op == BPF_NEG) {
		if (op == BPF_NEG) {
			if (BPF_SRC(insn->code) != BPF_K || insn->src_reg ||
			    insn->off || insn->imm) {
				verbose(env, "BPF_NEG uses reserved fields\n");
				return -EINVAL;
			}
		} else if (insn->src_reg || insn->off ||
			   (insn->imm != 16 && insn->imm != 32 && insn->imm != 64) ||
			   BPF_CLASS(insn->code) == BPF_ALU64) {
			verbose(env, "BPF_END uses reserved fields\n");
			return -EINVAL;
		}
		err = kbpf_check_reg_arg(env, insn->dst_reg, false);
		if (err)
			return err;
		if (kbpf_is_pointer_value(env, insn->dst_reg)) {
			verbose(env, "R%u pointer arithmetic prohibited\n",
				insn->dst_reg);
			return -EACCES;
		}
		err = kbpf_check_reg_arg(env, insn->dst_reg, true);
		if (err)
			return err;
		kbpf_mark_reg_unknown(env, &regs[insn->dst_reg]);
		if (BPF_CLASS(insn->code) == BPF_ALU) {
			kbpf_zext_32_to_64(&regs[insn->dst_reg]);
			kbpf_reg_bounds_sync(&regs[insn->dst_reg]);
		}
		return 0;
	}
	if (op == BPF_MOV)
		return check_mov(env, insn);
	if (op > BPF_END) {
		verbose(env, "invalid BPF_ALU opcode %x\n", op);
		return -EINVAL;
	}
	if (BPF_SRC(insn->code) == BPF_X) {
		if (insn->imm || insn->off) {
			verbose(env, "BPF_ALU uses reserved fields\n");
			return -EINVAL;
		}
		err = kbpf_check_reg_arg(env, insn->src_reg, false);
		if (err)
			return err;
	} else if (insn->src_reg || insn->off) {
		verbose(env, "BPF_ALU uses reserved fields\n");
		return -EINVAL;
	}
	err = kbpf_check_reg_arg(env, insn->dst_reg, false);
	if (err)
		return err;
	if ((op == BPF_MOD || op == BPF_DIV) && BPF_SRC(insn->code) == BPF_K &&
	    insn->imm == 0) {
		verbose(env, "div by zero\n");
		return -EINVAL;
	}
	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    BPF_SRC(insn->code) == BPF_K) {
		int size = BPF_CLASS(insn->code) == BPF_ALU64 ? 64 : 32;

		if (insn->imm < 0 || insn->imm >= size) {
			verbose(env, "invalid shift %d\n", insn->imm);
			return -EINVAL;
		}
	}
	err = kbpf_check_reg_arg(env, insn->dst_reg, true);
	if (err)
		return err;
	return alu_reg_reg(env, insn);
}
