/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verifier's internals, shared by its files: the abstract state of a
 * program point (registers, stack slots, call frames, references), the
 * per-load environment, and each file's entry points. Named after Linux's
 * include/linux/bpf_verifier.h so readers of Linux find their way.
 */
#ifndef KBPF_VERIFIER_PRIV_H
#define KBPF_VERIFIER_PRIV_H

#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/engine.h>
#include <kbpf/helpers.h>
#include <kbpf/ctx_access.h>
#include <kbpf/verifier.h>
#include "tnum.h"

#define KBPF_REG_COUNT		11	/* R0-R10 */
#define KBPF_STACK_SLOTS	(KBPF_MAX_STACK / 8)
#define KBPF_MAX_SUBPROGS	256
#define KBPF_MAX_REFS		64
/* Linux's BPF_COMPLEXITY_LIMIT_JMP_SEQ: pending branches. */
#define KBPF_JMP_SEQ_LIMIT	8192
/* Linux's BPF_MAX_VAR_OFF / BPF_MAX_VAR_SIZ. */
#define KBPF_MAX_VAR_OFF	(1 << 29)
#define KBPF_MAX_VAR_SIZ	(1 << 29)
/* Linux's MAX_PACKET_OFF. */
/* Linux's BPF_LOG_* bits of attr->log_level; LEVEL: either verbose level. */
#define KBPF_LOG_LEVEL1		1
#define KBPF_LOG_LEVEL2		2
#define KBPF_LOG_STATS		4
#define KBPF_LOG_LEVEL		(KBPF_LOG_LEVEL1 | KBPF_LOG_LEVEL2)

#define KBPF_MAX_PACKET_OFF	0xffff
/* Packet pointer ranges learnt from failed pkt_end checks (nothing readable). */
#define KBPF_AT_PKT_END		(-1)
#define KBPF_BEYOND_PKT_END	(-2)

/* Register type flag: ringbuf memory from bpf_ringbuf_reserve() ("alloc_mem"). */
#define KBPF_MEM_ALLOC		(1u << 13)

/* A register: its type (enum kbpf_reg_type | KBPF_PTR_MAYBE_NULL | KBPF_MEM_RDONLY). */
struct kbpf_reg {
	/*
	 * enum kbpf_reg_type | flags (all below bit 16). u16 here and a u8
	 * frameno keep the register at 96 bytes and a saved frame under
	 * 8 KiB (one order-1 allocation; states.c asserts it).
	 */
	u16 type;
	u8 frameno;		/* PTR_TO_STACK: the frame it points into */
	/*
	 * Scalars in explored states: some later check depended on this
	 * value (precision.c), so pruning compares it by range. An
	 * imprecise scalar matches any scalar.
	 */
	bool precise;
	/* Constant offset of a pointer from its object's start. */
	s32 off;
	/*
	 * PTR_TO_PACKET*: bytes known readable after off (from pkt_end
	 * checks), or KBPF_AT_PKT_END / KBPF_BEYOND_PKT_END once a check
	 * showed the pointer at or past pkt_end.
	 */
	s32 range;
	/* PTR_TO_MEM, PTR_TO_MAP_KEY: size of the memory. */
	u32 mem_size;
	struct kbpf_map *map_ptr;	/* CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE/KEY */
	/*
	 * Registers with one id hold the same value: a null check on one
	 * resolves all of them, packet pointers share learnt ranges, scalars
	 * copied with mov share bounds learnt later.
	 */
	u32 id;
	u32 ref_obj_id;		/* acquired reference this pointer holds, or 0 */
	/* The variable part: for scalars the value, for pointers the variable offset. */
	struct tnum var_off;
	s64 smin_value, smax_value;
	u64 umin_value, umax_value;
	s32 s32_min_value, s32_max_value;
	u32 u32_min_value, u32_max_value;
};

enum kbpf_slot_type {
	KBPF_STACK_INVALID = 0,	/* never written: reading it is an error */
	KBPF_STACK_SPILL,	/* holds a spilled register (spilled_ptr) */
	KBPF_STACK_MISC,	/* written with something unknown */
	KBPF_STACK_ZERO,	/* written with zero */
};

struct kbpf_stack_slot {
	struct kbpf_reg spilled_ptr;
	u8 slot_type[8];	/* one per byte, highest address last */
};

struct kbpf_func_state {
	struct kbpf_reg regs[KBPF_REG_COUNT];
	u32 frameno;
	u32 subprogno;
	int callsite;		/* call insn in the caller, -1 for main */
	/* Called by a helper (bpf_loop, ...): R0 must be 0 or 1 at exit. */
	bool in_callback_fn;
	/* Deepest byte used, as a positive size, for the frame's stack depth. */
	u32 allocated_stack;
	/*
	 * Slots stack[] really holds: all of them in the walk's frames
	 * (env->cur), in saved copies only the ones in use (states.c); a
	 * slot past them was never written. Read saved frames' slots with
	 * kbpf_frame_slot().
	 */
	u32 stack_slots;
	struct kbpf_stack_slot stack[KBPF_STACK_SLOTS];
};

/* A slot no one wrote: what a saved frame's missing slots hold. */
extern const struct kbpf_stack_slot kbpf_unwritten_slot;

static inline const struct kbpf_stack_slot *
kbpf_frame_slot(const struct kbpf_func_state *f, u32 spi)
{
	return spi < f->stack_slots ? &f->stack[spi] : &kbpf_unwritten_slot;
}

struct kbpf_ref_state {
	u32 id;
	int insn_idx;		/* where it was acquired, for the leak message */
	/* Linux's callback_ref: the callback frame that acquired it, or 0. */
	u32 callback_frame;
};

/* A non-sequential step of the walk, for backtracking (precision.c). */
struct kbpf_jmp_hist {
	int idx, prev_idx;
};

struct kbpf_vstate {
	struct kbpf_func_state *frame[KBPF_MAX_CALL_FRAMES];
	u32 curframe;
	u32 acquired_refs;
	struct kbpf_ref_state refs[KBPF_MAX_REFS];
	/*
	 * Pruning: parent is the explored state this one continues from;
	 * branches counts paths from it still being explored. Only a state
	 * whose every path has been proven safe (branches == 0) may prune.
	 */
	struct kbpf_vstate *parent;
	u32 branches;
	int insn_idx;
	/* A path only a mispredicted branch takes (Spectre v1 simulation). */
	bool speculative;
	/*
	 * The instructions walked since the parent state (Linux's
	 * first_insn_idx/last_insn_idx), and every jump among them, so
	 * precision.c can walk them backwards.
	 */
	int first_insn_idx, last_insn_idx;
	u32 jmp_history_cnt, jmp_history_cap;
	struct kbpf_jmp_hist *jmp_history;
};

struct kbpf_state_list {
	struct kbpf_state_list *next;
	/* Comparisons this state lost and won: useless states are dropped. */
	u32 miss_cnt, hit_cnt;
	struct kbpf_vstate state;
};

struct kbpf_stack_elem {
	struct kbpf_stack_elem *next;
	int insn_idx;
	int prev_insn_idx;
	u32 log_pos;
	struct kbpf_vstate st;
};

struct kbpf_subprog {
	u32 start;
	u32 stack_depth;
	bool has_tail_call;
	bool has_ld_abs;
};

/* What each instruction learnt during the walk, for the fix-ups. */
struct kbpf_insn_aux {
	u32 ptr_type;		/* type of the pointer a LDX/STX/ST goes through */
	bool seen;
	bool prune_point;
	bool ctx_access;	/* a load or store on the context: rewrite it */
	u32 ctx_field_size;	/* narrow ctx load: the field's full size */
	struct kbpf_map *map_ptr;	/* LD_IMM64 of a map: the map */
	u32 map_off;		/* LD_IMM64 of BPF_PSEUDO_MAP_VALUE: the offset */
	const struct kbpf_func_proto *proto;	/* helper call */
	bool tail_call;
	/*
	 * Tail call: the prog array every path passed (Linux's map_ptr_state),
	 * or call_map_poison when paths disagree. Unprivileged loads get a
	 * bounds check and an index mask from it, so it must be one map.
	 */
	struct kbpf_map *call_map;
	bool call_map_poison;
	/*
	 * A map helper (lookup, update, delete, push, pop, peek): its id, and
	 * in call_map/call_map_poison the map every path passed, by which
	 * map_call.c calls the map's op directly or inlines the lookup.
	 */
	u32 map_func_id;
	/*
	 * Unprivileged pointer arithmetic with a register operand: what the
	 * instruction did on the paths seen so far (Linux's alu_state and
	 * alu_limit); every path must agree.
	 */
	u32 alu_state;
	u32 alu_limit;
};

/* kbpf_insn_aux.alu_state (Linux's BPF_ALU_*): how fixup.c masks the offset. */
#define KBPF_ALU_SANITIZE_SRC	(1u << 0)	/* the offset is in src_reg */
#define KBPF_ALU_SANITIZE_DST	(1u << 1)	/* scalar += pointer: in dst_reg */
#define KBPF_ALU_SANITIZE	(KBPF_ALU_SANITIZE_SRC | KBPF_ALU_SANITIZE_DST)
#define KBPF_ALU_NEG_VALUE	(1u << 2)	/* the offset is negative */
#define KBPF_ALU_NON_POINTER	(1u << 3)	/* scalar op scalar: nothing to do */
#define KBPF_ALU_IMMEDIATE	(1u << 4)	/* the offset register is constant */

/* Old ids map to current ids one to one in a state comparison. */
struct kbpf_idmap {
	u32 old[64], cur[64];
	u32 cnt;
};

struct kbpf_vlog {
	char __user *ubuf;
	u32 level;
	u32 len_total;		/* size of ubuf */
	u32 len_used;		/* bytes written, without the NUL */
	u64 len_needed;		/* bytes the whole log would take */
	int err;		/* -EFAULT once a copy failed */
	char kbuf[1024];
};

struct kbpf_verifier_env {
	struct kbpf_verify_args *args;
	const struct kbpf_ctx_ops *ctx_ops;
	struct bpf_insn *insns;		/* working copy, fixed up at the end */
	u32 insn_cnt;
	struct kbpf_insn_aux *aux;
	struct kbpf_subprog subprog[KBPF_MAX_SUBPROGS + 1];
	u32 subprog_cnt;
	struct kbpf_vstate *cur;
	struct kbpf_stack_elem *head;
	u32 stack_size;
	size_t state_bytes;	/* function frames allocated, for the budget */
	struct kbpf_state_list **explored;
	int insn_idx;
	int prev_insn_idx;
	u32 id_gen;
	bool strict_alignment;
	bool test_state_freq;	/* BPF_F_TEST_STATE_FREQ: a state at every prune point */
	bool allow_ptr_leaks;
	bool bpf_capable;
	/*
	 * A masked pointer operation with a variable offset was seen: its
	 * limit depends on the scalars, so pruning compares them exactly.
	 */
	bool explore_alu_limits;
	/*
	 * states.c: compare every scalar by range, precise or not (the
	 * infinite loop check: a state still being explored has not got
	 * all its precision marks yet).
	 */
	bool states_exact;
	/* The program read __sk_buff->tstamp_type (kbpf_insn_access_aux). */
	bool tstamp_type_access;
	u32 insn_processed;
	u32 jmps_processed, prev_jmps_processed, prev_insn_processed;
	struct kbpf_idmap idmap;
	u32 total_states, peak_states, max_states_per_insn;
	/* Dropped states that paths still reach through parent: freed at the end. */
	struct kbpf_state_list *free_list;
	/* liveness.c: per insn, registers and stack slots (bit = spi) maybe read later. */
	u16 *live_regs;
	u64 *live_stack;
	struct kbpf_map **used_maps;
	u32 used_map_cnt;
	struct kbpf_vlog log;
	/* Scratch buffer for messages built in pieces (state dumps). */
	char tmp[128];
};

/* log.c */
__printf(2, 3) void kbpf_verbose(struct kbpf_verifier_env *env, const char *fmt, ...);
int kbpf_log_init(struct kbpf_vlog *log, const struct kbpf_verify_args *args);
void kbpf_log_reset(struct kbpf_vlog *log, u32 pos);
bool kbpf_log_full(const struct kbpf_vlog *log);
const char *kbpf_reg_type_str(struct kbpf_verifier_env *env, u32 type);
void kbpf_print_state(struct kbpf_verifier_env *env, const struct kbpf_func_state *st);
void kbpf_print_insn(struct kbpf_verifier_env *env, const struct bpf_insn *insn, int idx);
#define verbose kbpf_verbose

/* cfg.c: structure before the walk (opcodes, jumps, subprograms, loops). */
int kbpf_check_subprogs(struct kbpf_verifier_env *env);
int kbpf_check_opcodes(struct kbpf_verifier_env *env);
int kbpf_check_cfg(struct kbpf_verifier_env *env);
int kbpf_find_subprog(struct kbpf_verifier_env *env, int off);
int kbpf_insn_subprog(struct kbpf_verifier_env *env, int insn_idx);

/* bounds.c: scalar ranges. */
void kbpf_mark_reg_unknown(struct kbpf_verifier_env *env, struct kbpf_reg *reg);
void kbpf_mark_reg_known(struct kbpf_reg *reg, u64 imm);
void kbpf_mark_reg_known_zero(struct kbpf_reg *reg);
void kbpf_mark_reg_not_init(struct kbpf_reg *reg);
void kbpf_reg_unbounded(struct kbpf_reg *reg);
void kbpf_reg_bounds_sync(struct kbpf_reg *reg);
void kbpf_reg_bounds_from_var_off(struct kbpf_reg *reg);
void kbpf_zext_32_to_64(struct kbpf_reg *reg);
void kbpf_coerce_reg_to_size(struct kbpf_reg *reg, int size);
int kbpf_scalar_alu(struct kbpf_verifier_env *env, const struct bpf_insn *insn,
		    struct kbpf_reg *dst, struct kbpf_reg src);
static inline bool kbpf_reg_is_const(const struct kbpf_reg *reg)
{
	return reg->type == KBPF_SCALAR_VALUE && tnum_is_const(reg->var_off);
}

/* alu.c */
int kbpf_check_alu(struct kbpf_verifier_env *env, const struct bpf_insn *insn);
int kbpf_check_reg_arg(struct kbpf_verifier_env *env, u32 regno, bool dst);
bool kbpf_is_pointer_value(struct kbpf_verifier_env *env, u32 regno);

/* mem_access.c / stack.c */
int kbpf_check_mem_access(struct kbpf_verifier_env *env, int insn_idx,
			  u32 regno, int off, int size,
			  enum kbpf_access_type t, int value_regno);
int kbpf_check_atomic(struct kbpf_verifier_env *env, int insn_idx,
		      const struct bpf_insn *insn);
int kbpf_check_stack_write(struct kbpf_verifier_env *env,
			   struct kbpf_func_state *st, int off, int size,
			   int value_regno, int insn_idx);
int kbpf_check_stack_read(struct kbpf_verifier_env *env,
			  struct kbpf_func_state *st, int off, int size,
			  int dst_regno);
int kbpf_stack_access(struct kbpf_verifier_env *env, u32 regno, int off,
		      int size, enum kbpf_access_type t, int value_regno,
		      int insn_idx);
int kbpf_check_stack_range(struct kbpf_verifier_env *env, u32 regno,
			   int access_size, bool zero_size_allowed,
			   bool uninit_ok);
int kbpf_check_mem_region(struct kbpf_verifier_env *env, u32 regno,
			  int access_size, bool zero_size_allowed,
			  bool write, bool uninit_ok);
int kbpf_check_ld_abs(struct kbpf_verifier_env *env, const struct bpf_insn *insn);
bool kbpf_type_is_pkt(u32 type);
int kbpf_check_ptr_alignment(struct kbpf_verifier_env *env,
			     const struct kbpf_reg *reg, int off, int size,
			     bool strict_once);
int kbpf_check_helper_region(struct kbpf_verifier_env *env, u32 regno,
			     int size, bool zero_ok, bool write);
int kbpf_check_map_value_range(struct kbpf_verifier_env *env, u32 regno,
			       int off, int size);
bool kbpf_map_is_rdonly(const struct kbpf_map *map);

/* const_str.c: ARG_PTR_TO_CONST_STR, bpf_snprintf's format. */
int kbpf_check_const_str_arg(struct kbpf_verifier_env *env, u32 regno);
int kbpf_check_snprintf_call(struct kbpf_verifier_env *env);

/* The bpf_sock / bpf_tcp_sock rules behind a socket pointer type, or NULL. */
const struct kbpf_ctx_ops *kbpf_sock_ops_for(u32 type);

/* jmp.c */
int kbpf_check_cond_jmp(struct kbpf_verifier_env *env,
			const struct bpf_insn *insn, int *insn_idx);

/* helper_call.c / call.c */
int kbpf_check_helper_call(struct kbpf_verifier_env *env,
			   struct bpf_insn *insn, int insn_idx);
/* "bpf_map_lookup_elem" for 1: a helper's name as Linux's logs print it. */
const char *kbpf_helper_name(int id);
int kbpf_check_func_call(struct kbpf_verifier_env *env,
			 const struct bpf_insn *insn, int *insn_idx);
int kbpf_prepare_func_exit(struct kbpf_verifier_env *env, int *insn_idx);
int kbpf_check_reference_leak(struct kbpf_verifier_env *env);
int kbpf_acquire_ref(struct kbpf_verifier_env *env, int insn_idx);
int kbpf_release_ref(struct kbpf_verifier_env *env, u32 ref_obj_id);
void kbpf_clear_caller_saved(struct kbpf_verifier_env *env);

/* callback.c: LD_IMM64 BPF_PSEUDO_FUNC and the helpers that call it. */
bool kbpf_is_callback_helper(int func_id);
int kbpf_check_ld_func(struct kbpf_verifier_env *env,
		       const struct bpf_insn *insn, struct kbpf_reg *dst);
int kbpf_push_callback(struct kbpf_verifier_env *env, int insn_idx,
		       int func_id, const struct kbpf_reg *caller_args);
/* 1: the callback's path ends (its caller's goes on elsewhere), or -errno. */
int kbpf_callback_exit(struct kbpf_verifier_env *env,
		       const struct kbpf_func_state *callee);
/* Is the walk inside a callback (or something it calls)? */
bool kbpf_in_callback(struct kbpf_verifier_env *env);
/* Before st's slot s changes (to val, or unknown bytes when NULL). */
int kbpf_callback_stack_write(struct kbpf_verifier_env *env,
			      const struct kbpf_func_state *st,
			      const struct kbpf_stack_slot *s,
			      const struct kbpf_reg *val);

/* states.c: copies, the branch stack, pruning. */
struct kbpf_func_state *kbpf_alloc_frame(struct kbpf_verifier_env *env);
void kbpf_free_frame(struct kbpf_verifier_env *env, struct kbpf_func_state *f);
int kbpf_copy_state(struct kbpf_verifier_env *env, struct kbpf_vstate *dst,
		    const struct kbpf_vstate *src);
void kbpf_free_state(struct kbpf_verifier_env *env, struct kbpf_vstate *st,
		     bool self);
struct kbpf_vstate *kbpf_push_stack(struct kbpf_verifier_env *env,
				    int insn_idx, int prev_insn_idx);
int kbpf_pop_stack(struct kbpf_verifier_env *env, int *prev_insn_idx,
		   int *insn_idx);
void kbpf_update_branch_counts(struct kbpf_verifier_env *env,
			       struct kbpf_vstate *st);
/* 1 when pruned, 0 to go on, -errno. */
int kbpf_is_state_visited(struct kbpf_verifier_env *env, int insn_idx);
void kbpf_free_explored(struct kbpf_verifier_env *env);

/* precision.c: which scalars' values explored states depend on. */
int kbpf_push_jmp_history(struct kbpf_verifier_env *env, struct kbpf_vstate *cur);
int kbpf_copy_jmp_history(struct kbpf_vstate *dst, const struct kbpf_vstate *src);
int kbpf_mark_chain_precision(struct kbpf_verifier_env *env, u32 regno);
/* Mark the scalar in R<regno> precise if it is one. */
int kbpf_mark_precise_if_scalar(struct kbpf_verifier_env *env, u32 regno);
void kbpf_mark_all_scalars_imprecise(struct kbpf_vstate *st);
int kbpf_propagate_precision(struct kbpf_verifier_env *env,
			     const struct kbpf_vstate *old);

/* liveness.c: what pruning must compare. */
int kbpf_compute_liveness(struct kbpf_verifier_env *env);
void kbpf_free_liveness(struct kbpf_verifier_env *env);

/* fixup.c */
int kbpf_resolve_ld_imm64(struct kbpf_verifier_env *env);
int kbpf_fixup(struct kbpf_verifier_env *env);

/* map_call.c: map helper calls on a known map (Linux's do_misc_fixups). */
void kbpf_record_map_call(struct kbpf_verifier_env *env, int insn_idx,
			  int func_id, struct kbpf_map *map);
bool kbpf_map_call_direct(struct kbpf_verifier_env *env, u32 idx, s32 *imm);
bool kbpf_map_call_inlined(struct kbpf_verifier_env *env, u32 idx);
int kbpf_map_gen_lookup(struct kbpf_verifier_env *env, u32 idx,
			struct bpf_insn *buf);

int kbpf_check_ptr_off_reg(struct kbpf_verifier_env *env,
			   const struct kbpf_reg *reg, u32 regno,
			   bool fixed_off_ok);

/* Linux's env->bypass_spec_v1: no Spectre v1 hardening for this load. */
static inline bool kbpf_bypass_spec_v1(const struct kbpf_verifier_env *env)
{
	return env->args->perfmon_capable;
}

/* Push the path to next_idx as one only speculative execution takes. */
struct kbpf_vstate *kbpf_push_speculative(struct kbpf_verifier_env *env,
					  int next_idx, int curr_idx);

static inline struct kbpf_func_state *kbpf_cur_frame(struct kbpf_verifier_env *env)
{
	return env->cur->frame[env->cur->curframe];
}

static inline struct kbpf_reg *kbpf_cur_regs(struct kbpf_verifier_env *env)
{
	return kbpf_cur_frame(env)->regs;
}

static inline struct kbpf_func_state *kbpf_reg_frame(struct kbpf_verifier_env *env,
						     const struct kbpf_reg *reg)
{
	return env->cur->frame[reg->frameno];
}

static inline u32 kbpf_reg_base(const struct kbpf_reg *reg)
{
	return kbpf_base_type(reg->type);
}

static inline bool kbpf_reg_maybe_null(const struct kbpf_reg *reg)
{
	return reg->type & KBPF_PTR_MAYBE_NULL;
}

/* PTR_TO_FUNC: which subprogram (kept in mem_size, which pruning compares). */
static inline u32 kbpf_reg_subprogno(const struct kbpf_reg *reg)
{
	return reg->mem_size;
}

static inline bool kbpf_is_ptr(const struct kbpf_reg *reg)
{
	return reg->type != KBPF_NOT_INIT && reg->type != KBPF_SCALAR_VALUE;
}

#endif /* KBPF_VERIFIER_PRIV_H */
