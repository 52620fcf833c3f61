// SPDX-License-Identifier: GPL-2.0
/*
 * Liveness for state pruning: which registers and stack slots may still
 * be read from an instruction on. Two states that differ only in what
 * can never be read again behave the same, so pruning (states.c) need
 * only compare what is live.
 *
 * Linux marks reads during the walk (REG_LIVE_READ, propagated up the
 * parent states). kbpf computes the same thing statically, before the
 * walk, as a backward live-variable analysis over the control-flow graph
 * of each subprogram. Static liveness is a superset of what any walk
 * reads (every path of the graph counts, not only the explored ones), so
 * it may compare more than Linux does but never less: a pruned state is
 * never one whose difference could be read. It needs no hooks in the
 * rule files: only the register operands of each instruction, and
 * which instructions touch the stack.
 *
 * Registers: an instruction uses the registers it reads and defines
 * (kills) the ones it overwrites whatever they held: a helper or
 * bpf-to-bpf call and LD_ABS/IND leave R0-R5 not initialised or newly
 * set, so their old values cannot matter. Anything not understood uses
 * every register and kills none.
 *
 * Stack slots: tracked for a subprogram only when its frame pointer
 * never escapes, i.e. R10 is used as nothing but the base register of
 * loads and stores at a constant offset; then no pointer to the frame
 * exists and no helper, callee or variable-offset access can reach it.
 * A load uses the slots its bytes fall in; an aligned 8-byte store
 * rewrites a whole slot regardless of what it held (stack.c), so it
 * kills it; any narrower store uses the slot (a partial write over a
 * spilled register depends on the spill). When R10 escapes, every slot
 * of that subprogram is live everywhere.
 */
#include "priv.h"

#define ALL_REGS	((u16)((1u << KBPF_REG_COUNT) - 1))
#define ARG_REGS	((u16)(0x3e))	/* R1-R5 */
#define CALLER_SAVED	((u16)(0x3f))	/* R0-R5 */
#define ALL_SLOTS	(~0ull)
#define REG(r)		((u16)(1u << (r)))

struct use_def {
	u16 use, def;
	u64 suse, sdef;
};

static bool is_ldimm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* The slots holding bytes [off, off + size) of the frame, all if out of range. */
static u64 slots_of(int off, int size)
{
	int lo = off, hi = off + size - 1;
	u64 mask = 0;
	int b;

	if (size <= 0 || lo < -KBPF_MAX_STACK || hi >= 0)
		return ALL_SLOTS;
	for (b = lo; b <= hi; b++)
		mask |= 1ull << ((-b - 1) / 8);
	return mask;
}

/* R10 used other than as the base of a constant-offset load or store. */
static bool fp_escapes(const struct bpf_insn *insn)
{
	u8 class = BPF_CLASS(insn->code);

	if (insn->src_reg == BPF_REG_FP && class != BPF_LDX)
		return true;
	return insn->dst_reg == BPF_REG_FP && class != BPF_STX &&
	       class != BPF_ST;
}

static void mem_use_def(const struct bpf_insn *insn, struct use_def *ud,
			bool track_stack)
{
	u8 class = BPF_CLASS(insn->code);
	int size = kbpf_ldst_bytes(insn->code);
	u64 slots;

	if (class == BPF_LDX) {
		ud->use = REG(insn->src_reg);
		ud->def = REG(insn->dst_reg);
		if (track_stack && insn->src_reg == BPF_REG_FP)
			ud->suse = slots_of(insn->off, size);
		return;
	}
	/* STX and ST: the base; STX also the value. */
	ud->use = REG(insn->dst_reg);
	if (class == BPF_STX)
		ud->use |= REG(insn->src_reg);
	if (!track_stack || insn->dst_reg != BPF_REG_FP)
		return;
	slots = slots_of(insn->off, size);
	if (class == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC) {
		/* cmpxchg compares with R0; the fetch forms write src. */
		ud->use |= REG(BPF_REG_0);
		ud->suse = slots;
	} else if (size == 8 && !(insn->off % 8) && slots != ALL_SLOTS) {
		ud->sdef = slots;
	} else {
		ud->suse = slots;
	}
}

static void insn_use_def(const struct bpf_insn *insn, struct use_def *ud,
			 bool track_stack)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	memset(ud, 0, sizeof(*ud));
	switch (class) {
	case BPF_ALU:
	case BPF_ALU64:
		ud->def = REG(insn->dst_reg);
		if (op != BPF_MOV)	/* NEG and END read dst too */
			ud->use = REG(insn->dst_reg);
		if (BPF_SRC(insn->code) == BPF_X)
			ud->use |= REG(insn->src_reg);
		return;
	case BPF_LDX:
	case BPF_STX:
	case BPF_ST:
		mem_use_def(insn, ud, track_stack);
		return;
	case BPF_LD:
		if (is_ldimm64(insn)) {
			ud->def = REG(insn->dst_reg);
			return;
		}
		/* LD_ABS/IND: R6 is the skb, R0-R5 are clobbered. */
		ud->use = REG(BPF_REG_6) | REG(insn->src_reg);
		ud->def = CALLER_SAVED;
		return;
	case BPF_JMP:
	case BPF_JMP32:
		switch (op) {
		case BPF_JA:
			return;
		case BPF_EXIT:
			ud->use = REG(BPF_REG_0);
			return;
		case BPF_CALL:
			/* Helpers and callees take R1-R5 and leave R0-R5 new. */
			ud->use = ARG_REGS;
			ud->def = CALLER_SAVED;
			return;
		default:
			ud->use = REG(insn->dst_reg);
			if (BPF_SRC(insn->code) == BPF_X)
				ud->use |= REG(insn->src_reg);
			return;
		}
	default:
		ud->use = ALL_REGS;
		ud->suse = ALL_SLOTS;
	}
}

/* Successors inside the subprogram: pseudo calls continue after the call. */
static int live_successors(const struct kbpf_verifier_env *env, u32 t,
			   u32 succ[2])
{
	const struct bpf_insn *insn = &env->insns[t];
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	int n = 0;
	s64 s[2];

	if (is_ldimm64(insn)) {
		s[n++] = (s64)t + 2;
	} else if (class != BPF_JMP && class != BPF_JMP32) {
		s[n++] = (s64)t + 1;
	} else if (op == BPF_EXIT) {
		return 0;
	} else if (op == BPF_CALL) {
		s[n++] = (s64)t + 1;
	} else if (op == BPF_JA) {
		s[n++] = (s64)t + (class == BPF_JMP32 ? insn->imm : insn->off) + 1;
	} else {
		s[n++] = (s64)t + 1;
		s[n++] = (s64)t + insn->off + 1;
	}
	/* check_cfg() has checked every target; stay safe anyway. */
	if (s[0] < 0 || s[0] >= env->insn_cnt ||
	    (n == 2 && (s[1] < 0 || s[1] >= env->insn_cnt)))
		return -1;
	succ[0] = s[0];
	succ[1] = n == 2 ? s[1] : s[0];
	return n;
}

static void subprog_liveness(struct kbpf_verifier_env *env, u32 start,
			     u32 end)
{
	bool track_stack = true, changed = true;
	struct use_def ud;
	u32 i, succ[2];
	int n;

	for (i = start; i < end; i++) {
		if (fp_escapes(&env->insns[i]))
			track_stack = false;
		if (is_ldimm64(&env->insns[i]))
			i++;
	}
	/* Backward to a fixed point: live_in = use | (live_out & ~def). */
	while (changed) {
		changed = false;
		for (i = end; i-- > start;) {
			u16 out = 0, in;
			u64 sout = 0, sin;

			if (i > start && is_ldimm64(&env->insns[i - 1]))
				continue;	/* second half of a ld_imm64 */
			n = live_successors(env, i, succ);
			if (n < 0) {
				out = ALL_REGS;
				sout = ALL_SLOTS;
			}
			if (n > 0) {
				out = env->live_regs[succ[0]] | env->live_regs[succ[1]];
				sout = env->live_stack[succ[0]] | env->live_stack[succ[1]];
			}
			insn_use_def(&env->insns[i], &ud, track_stack);
			in = ud.use | (out & ~ud.def) | REG(BPF_REG_FP);
			sin = track_stack ? ud.suse | (sout & ~ud.sdef) : ALL_SLOTS;
			if (in != env->live_regs[i] || sin != env->live_stack[i]) {
				env->live_regs[i] = in;
				env->live_stack[i] = sin;
				changed = true;
			}
		}
	}
}

int kbpf_compute_liveness(struct kbpf_verifier_env *env)
{
	u32 s;

	env->live_regs = kvcalloc(env->insn_cnt, sizeof(*env->live_regs),
				  GFP_KERNEL);
	env->live_stack = kvcalloc(env->insn_cnt, sizeof(*env->live_stack),
				   GFP_KERNEL);
	if (!env->live_regs || !env->live_stack)
		return -ENOMEM;
	for (s = 0; s < env->subprog_cnt; s++)
		subprog_liveness(env, env->subprog[s].start,
				 env->subprog[s + 1].start);
	return 0;
}

void kbpf_free_liveness(struct kbpf_verifier_env *env)
{
	kvfree(env->live_regs);
	kvfree(env->live_stack);
	env->live_regs = NULL;
	env->live_stack = NULL;
}
