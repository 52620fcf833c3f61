// SPDX-License-Identifier: GPL-2.0
/*
 * The stack: 512 bytes per frame, tracked per byte as never written,
 * holding unknown data, holding zero, or part of a spilled register
 * (whose whole state is kept so a fill gets it back). Slot spi covers
 * fp-8*(spi+1) .. fp-8*spi-1; byte off is slot_type[(-off - 1) % 8].
 */
#include "priv.h"

static u8 *slot_byte(struct kbpf_func_state *st, int off)
{
	int slot = -off - 1;

	return &st->stack[slot / 8].slot_type[slot % 8];
}

static bool is_spilled(const struct kbpf_stack_slot *s)
{
	return s->slot_type[7] == KBPF_STACK_SPILL;
}

static void scrub_spill(struct kbpf_stack_slot *s)
{
	int i;

	for (i = 0; i < 8; i++)
		if (s->slot_type[i] == KBPF_STACK_SPILL)
			s->slot_type[i] = KBPF_STACK_MISC;
	s->spilled_ptr.type = KBPF_NOT_INIT;
}

static bool is_spillable(const struct kbpf_reg *reg)
{
	return kbpf_is_ptr(reg);
}

/*
 * The depth the runtimes give the frame: every access counts, reads too
 * (Linux's update_stack_depth), or a privileged read of a never-written
 * slot would reach below the JITed frame.
 */
static void note_depth(struct kbpf_verifier_env *env,
		       const struct kbpf_func_state *st, s64 min_off)
{
	if ((u32)-min_off > env->subprog[st->subprogno].stack_depth)
		env->subprog[st->subprogno].stack_depth = -min_off;
}

static void grow(struct kbpf_verifier_env *env, struct kbpf_func_state *st,
		 int min_off)
{
	if ((u32)-min_off > st->allocated_stack)
		st->allocated_stack = round_up(-min_off, 8);
	note_depth(env, st, min_off);
}

static bool scalar_unbounded(const struct kbpf_reg *reg)
{
	return tnum_is_unknown(reg->var_off) &&
	       reg->smin_value == S64_MIN && reg->smax_value == S64_MAX &&
	       reg->umin_value == 0 && reg->umax_value == U64_MAX &&
	       reg->s32_min_value == S32_MIN && reg->s32_max_value == S32_MAX &&
	       reg->u32_min_value == 0 && reg->u32_max_value == U32_MAX;
}

/*
 * Keep reg's state in slot s for the size bytes at its bottom (the slot's
 * highest addresses); the slot's other bytes lose any spill but stay
 * never-written if they were (Linux's save_register_state()).
 */
static void save_spill(struct kbpf_stack_slot *s, const struct kbpf_reg *reg,
		       int size)
{
	int i;

	s->spilled_ptr = *reg;
	for (i = 0; i < 8; i++) {
		if (i >= 8 - size)
			s->slot_type[i] = KBPF_STACK_SPILL;
		else if (s->slot_type[i] != KBPF_STACK_INVALID)
			s->slot_type[i] = KBPF_STACK_MISC;
	}
}

/* A write of size bytes at the constant offset off (from fp) of frame st. */
int kbpf_check_stack_write(struct kbpf_verifier_env *env,
			   struct kbpf_func_state *st, int off, int size,
			   int value_regno, int insn_idx)
{
	struct kbpf_func_state *cur = kbpf_cur_frame(env);
	int slot = -off - 1, spi = slot / 8, i;
	struct kbpf_stack_slot *s = &st->stack[spi];
	const struct bpf_insn *insn = &env->insns[insn_idx];
	struct kbpf_reg *reg = value_regno >= 0 ? &cur->regs[value_regno] : NULL;
	bool st_imm = !reg && BPF_CLASS(insn->code) == BPF_ST;
	u8 type;
	int err;

	grow(env, st, off);
	err = kbpf_callback_stack_write(env, st, s, reg);
	if (err)
		return err;
	if (!env->allow_ptr_leaks && is_spilled(s) && size != 8) {
		verbose(env, "attempt to corrupt spilled pointer on stack\n");
		return -EACCES;
	}
	/*
	 * A bounded non-zero scalar (or BPF_ST's non-zero immediate) written
	 * at a slot's start keeps its state for a fill of the same size, also
	 * for 1, 2 and 4-byte writes. A value wider than the write is cut by
	 * the fill's zero-extension (kbpf_coerce_reg_to_size()), so it no
	 * longer equals the registers sharing its id.
	 */
	if (reg && !(off % 8) && env->bpf_capable &&
	    reg->type == KBPF_SCALAR_VALUE && !scalar_unbounded(reg) &&
	    !(kbpf_reg_is_const(reg) && !reg->var_off.value)) {
		/*
		 * Backtracking (precision.c) follows spills only through
		 * fp-relative stores: through any other register, the
		 * value's origin must be precise right away.
		 */
		if (BPF_CLASS(insn->code) != BPF_STX ||
		    BPF_MODE(insn->code) != BPF_MEM ||
		    insn->dst_reg != BPF_REG_FP) {
			err = kbpf_mark_chain_precision(env, value_regno);
			if (err)
				return err;
		}
		save_spill(s, reg, size);
		if (size < 8 && fls64(reg->umax_value) > size * 8)
			s->spilled_ptr.id = 0;
		return 0;
	}
	if (st_imm && !(off % 8) && insn->imm && env->bpf_capable) {
		struct kbpf_reg imm;

		memset(&imm, 0, sizeof(imm));
		kbpf_mark_reg_known(&imm, (u64)(s64)insn->imm);
		imm.type = KBPF_SCALAR_VALUE;
		save_spill(s, &imm, size);
		return 0;
	}
	if (reg && is_spillable(reg) && size == 8) {
		if (st != cur && kbpf_reg_base(reg) == KBPF_PTR_TO_STACK) {
			verbose(env, "cannot spill pointers to stack into stack frame of the caller\n");
			return -EINVAL;
		}
		save_spill(s, reg, size);
		return 0;
	}
	if (reg && is_spillable(reg)) {
		verbose(env, "invalid size of register spill\n");
		return -EACCES;
	}
	if (is_spilled(s))
		scrub_spill(s);
	s->spilled_ptr.type = KBPF_NOT_INIT;
	type = KBPF_STACK_MISC;
	if ((reg && kbpf_reg_is_const(reg) && !reg->var_off.value) ||
	    (st_imm && !insn->imm)) {
		/* STACK_ZERO is compared exactly, not followed back: pin the 0. */
		if (reg) {
			err = kbpf_mark_chain_precision(env, value_regno);
			if (err)
				return err;
		}
		type = KBPF_STACK_ZERO;
	}
	for (i = 0; i < size; i++)
		s->slot_type[(slot - i) % 8] = type;
	return 0;
}

/*
 * A read of a slot holding a spilled register that is not a whole 8-byte
 * fill: only scalars may be read in pieces. The same size at the spill's
 * offset gets the state back; any other piece is unknown and must lie on
 * spilled or written bytes (Linux's check_stack_read_fixed_off()).
 */
static int fill_narrow(struct kbpf_verifier_env *env,
		       const struct kbpf_stack_slot *s, int off, int size,
		       int spill_size, int dst_regno)
{
	struct kbpf_func_state *cur = kbpf_cur_frame(env);
	int slot = -off - 1, i;
	u8 type;

	if (s->spilled_ptr.type != KBPF_SCALAR_VALUE) {
		verbose(env, "invalid size of register fill\n");
		return -EACCES;
	}
	if (dst_regno < 0)
		return 0;
	if (!(off % 8) && size == spill_size) {
		cur->regs[dst_regno] = s->spilled_ptr;
		return 0;
	}
	for (i = 0; i < size; i++) {
		type = s->slot_type[(slot - i) % 8];
		if (type == KBPF_STACK_SPILL || type == KBPF_STACK_MISC ||
		    (type == KBPF_STACK_INVALID && env->args->perfmon_capable))
			continue;
		verbose(env, "invalid read from stack off %d+%d size %d\n",
			off, i, size);
		return -EACCES;
	}
	kbpf_mark_reg_unknown(env, &cur->regs[dst_regno]);
	return 0;
}

/* A read of size bytes at constant off of frame st into dst_regno (or -1). */
int kbpf_check_stack_read(struct kbpf_verifier_env *env,
			  struct kbpf_func_state *st, int off, int size,
			  int dst_regno)
{
	struct kbpf_func_state *cur = kbpf_cur_frame(env);
	int slot = -off - 1, spi = slot / 8, i;
	struct kbpf_stack_slot *s = &st->stack[spi];
	bool allow_uninit = env->args->perfmon_capable;
	bool zero = true;
	u8 type;

	if (is_spilled(s)) {
		int spill_size = 1;

		while (spill_size < 8 &&
		       s->slot_type[7 - spill_size] == KBPF_STACK_SPILL)
			spill_size++;
		if (size != 8 || spill_size != 8)
			return fill_narrow(env, s, off, size, spill_size,
					   dst_regno);
		if (dst_regno >= 0) {
			cur->regs[dst_regno] = s->spilled_ptr;
		} else if (!env->allow_ptr_leaks && kbpf_is_ptr(&s->spilled_ptr)) {
			verbose(env, "leaking pointer from stack off %d\n", off);
			return -EACCES;
		}
		return 0;
	}
	for (i = 0; i < size; i++) {
		type = s->slot_type[(slot - i) % 8];
		if (type == KBPF_STACK_ZERO)
			continue;
		zero = false;
		if (type == KBPF_STACK_MISC ||
		    (type == KBPF_STACK_INVALID && allow_uninit))
			continue;
		verbose(env, "invalid read from stack off %d+%d size %d\n",
			off, i, size);
		return -EACCES;
	}
	if (dst_regno >= 0) {
		if (zero)
			kbpf_mark_reg_known_zero(&cur->regs[dst_regno]);
		else
			kbpf_mark_reg_unknown(env, &cur->regs[dst_regno]);
	}
	return 0;
}

/*
 * Bytes [min_off, max_off) of the stack of the frame regno points into
 * are read (or, for helpers with uninit memory, written) through a
 * pointer: every byte must be initialised unless written.
 */
int kbpf_check_stack_range(struct kbpf_verifier_env *env, u32 regno,
			   int access_size, bool zero_size_allowed,
			   bool uninit_ok)
{
	struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	struct kbpf_func_state *st = kbpf_reg_frame(env, reg);
	bool allow_uninit = env->args->perfmon_capable;
	s64 min_off, max_off, i;
	char tn[48];

	if (access_size == 0 && !zero_size_allowed) {
		verbose(env, "invalid zero-sized read\n");
		return -EACCES;
	}
	if (tnum_is_const(reg->var_off)) {
		min_off = (s64)reg->var_off.value + reg->off;
		max_off = min_off + access_size;
	} else {
		if (!env->allow_ptr_leaks) {
			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "R%u indirect variable offset stack access prohibited for !root, var_off=%s\n",
				regno, tn);
			return -EACCES;
		}
		if (reg->smax_value >= KBPF_MAX_VAR_OFF ||
		    reg->smin_value <= -KBPF_MAX_VAR_OFF) {
			verbose(env, "invalid unbounded variable-offset indirect access to stack R%u\n",
				regno);
			return -EACCES;
		}
		min_off = reg->smin_value + reg->off;
		max_off = reg->smax_value + reg->off + access_size;
	}
	if (min_off < -KBPF_MAX_STACK || max_off > 0 ||
	    (access_size && min_off >= 0)) {
		if (tnum_is_const(reg->var_off)) {
			verbose(env, "invalid indirect access to stack R%u off=%lld size=%d\n",
				regno, (long long)min_off, access_size);
		} else {
			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "invalid variable-offset indirect access to stack R%u var_off=%s size=%d\n",
				regno, tn, access_size);
		}
		/* Linux: a start outside the stack, or a run past its top. */
		return min_off < -KBPF_MAX_STACK || min_off >= 0 ? -EACCES : -EINVAL;
	}
	if (!access_size)
		return 0;
	grow(env, st, min_off);
	for (i = min_off; i < max_off; i++) {
		struct kbpf_stack_slot *s = &st->stack[(-i - 1) / 8];
		u8 *type = slot_byte(st, i);

		if (uninit_ok) {
			int err = kbpf_callback_stack_write(env, st, s, NULL);

			if (err)
				return err;
		}
		if (uninit_ok && tnum_is_const(reg->var_off)) {
			/* The helper writes these bytes. */
			if (is_spilled(s))
				scrub_spill(s);
			*type = KBPF_STACK_MISC;
			continue;
		}
		if (*type == KBPF_STACK_MISC || *type == KBPF_STACK_ZERO ||
		    (*type == KBPF_STACK_INVALID && allow_uninit)) {
			if (uninit_ok)
				*type = KBPF_STACK_MISC;
			continue;
		}
		/*
		 * Bytes of a spilled scalar (or, for the privileged, pointer).
		 * Linux takes any byte of a slot holding a narrow spill; the
		 * never-written rest of it is refused here.
		 */
		if (*type == KBPF_STACK_SPILL && is_spilled(s) &&
		    (s->spilled_ptr.type == KBPF_SCALAR_VALUE ||
		     env->allow_ptr_leaks)) {
			if (uninit_ok)
				scrub_spill(s);
			continue;
		}
		if (tnum_is_const(reg->var_off)) {
			verbose(env, "invalid indirect read from stack R%u off %lld+%lld size %d\n",
				regno, (long long)min_off, (long long)(i - min_off),
				access_size);
		} else {
			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "invalid indirect read from stack R%u var_off %s+%lld size %d\n",
				regno, tn, (long long)(i - min_off), access_size);
		}
		return -EACCES;
	}
	return 0;
}

/* A load or store through a stack pointer with a variable offset (privileged only). */
static int stack_access_var(struct kbpf_verifier_env *env, u32 regno, int off,
			    int size, enum kbpf_access_type t, int value_regno)
{
	struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	struct kbpf_func_state *st = kbpf_reg_frame(env, reg);
	struct kbpf_reg *val = value_regno >= 0 && t == KBPF_WRITE ?
			       &kbpf_cur_regs(env)[value_regno] : NULL;
	s64 min_off = reg->smin_value + off, max_off = reg->smax_value + off + size;
	bool zero = val && kbpf_reg_is_const(val) && !val->var_off.value;
	s64 i;

	if (t == KBPF_READ) {
		int err = kbpf_check_stack_range(env, regno, size, false, false);

		if (err)
			return err;
		if (value_regno >= 0)
			kbpf_mark_reg_unknown(env, &kbpf_cur_regs(env)[value_regno]);
		return 0;
	}
	grow(env, st, min_off);
	for (i = min_off; i < max_off; i++) {
		struct kbpf_stack_slot *s = &st->stack[(-i - 1) / 8];
		u8 *type = slot_byte(st, i);
		int err = kbpf_callback_stack_write(env, st, s, val);

		if (err)
			return err;
		if (!env->allow_ptr_leaks && *type != KBPF_STACK_MISC &&
		    *type != KBPF_STACK_ZERO) {
			verbose(env, "spilled ptr in range of var-offset stack write; insn %d, ptr off: %lld",
				env->insn_idx, (long long)i);
			return -EINVAL;
		}
		if (is_spilled(s))
			scrub_spill(s);
		if (!(zero && *type == KBPF_STACK_ZERO))
			*type = KBPF_STACK_MISC;
	}
	/* Zero bytes stayed zero because the value is 0: pin it. */
	if (zero)
		return kbpf_mark_chain_precision(env, value_regno);
	return 0;
}

/* Loads and stores through a PTR_TO_STACK register. */
int kbpf_stack_access(struct kbpf_verifier_env *env, u32 regno, int off,
		      int size, enum kbpf_access_type t, int value_regno,
		      int insn_idx)
{
	struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	struct kbpf_func_state *st = kbpf_reg_frame(env, reg);
	s64 min_off, max_off;
	bool bad_start;
	char tn[48];

	if (tnum_is_const(reg->var_off)) {
		min_off = (s64)reg->var_off.value + off;
		max_off = min_off + size;
	} else {
		if (reg->smax_value >= KBPF_MAX_VAR_OFF ||
		    reg->smin_value <= -KBPF_MAX_VAR_OFF) {
			verbose(env, "invalid unbounded variable-offset%s stack R%u\n",
				t == KBPF_WRITE ? " write to" : " read from", regno);
			return -EACCES;
		}
		min_off = reg->smin_value + off;
		max_off = reg->smax_value + off + size;
	}
	/*
	 * Unprivileged reads stay within what was written (allocated_stack).
	 * As Linux's, a start outside the stack is EACCES, a start inside
	 * it that runs past its top EINVAL.
	 */
	bad_start = min_off < -KBPF_MAX_STACK || min_off >= 0 ||
		    (t == KBPF_READ && !env->args->perfmon_capable &&
		     min_off < -(s64)st->allocated_stack);
	if (bad_start || max_off > 0) {
		if (tnum_is_const(reg->var_off)) {
			verbose(env, "invalid%s stack R%u off=%lld size=%d\n",
				t == KBPF_WRITE ? " write to" : " read from",
				regno, (long long)min_off, size);
		} else {
			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "invalid variable-offset%s stack R%u var_off=%s size=%d\n",
				t == KBPF_WRITE ? " write to" : " read from",
				regno, tn, size);
		}
		return bad_start ? -EACCES : -EINVAL;
	}
	note_depth(env, st, min_off);
	if (!tnum_is_const(reg->var_off))
		return stack_access_var(env, regno, off, size, t, value_regno);
	if (t == KBPF_WRITE)
		return kbpf_check_stack_write(env, st, min_off, size,
					      value_regno, insn_idx);
	return kbpf_check_stack_read(env, st, min_off, size, value_regno);
}
