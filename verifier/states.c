// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier states: copies for the branches still to explore, and pruning.
 * At each prune point the states seen before are kept; a new state that
 * is contained in an old one whose every continuation was proven safe
 * (branches == 0) needs no further exploration. Containment is checked on
 * what may still be read (liveness.c: registers and stack slots live at
 * the state's instruction, and for the callers' frames at their return
 * points): a scalar must lie within the old one's bounds, pointers must
 * match, the stack must hold at least what the old one held, ids must
 * map one to one. What is dead cannot influence any later check, so it
 * may differ. Scalars are compared by range where precise (precision.c),
 * an imprecise one in the old state matches any scalar.
 *
 * As in Linux, states that keep failing to prune are dropped from the
 * lists (miss_cnt/hit_cnt): a loop adds a state every few iterations,
 * and comparing every new state against all of them is quadratic.
 */
#include "priv.h"

/*
 * The walk's own frames (env->cur) hold all 512 bytes of stack slots;
 * saved copies (pending branches, explored states) hold only the slots in
 * use, as Linux's do (allocated_stack): about 1 KiB of registers plus
 * 104 bytes per 8-byte slot instead of 7.7 KiB. A slot past a copy's end
 * was never written, and reads as such (kbpf_frame_slot()). Still, a
 * program with thousands of pending branches in deep calls could take
 * hundreds of MiB of kernel memory and wake the OOM killer: a
 * verification may hold this much in frames (counted as the kmalloc
 * buckets they take); past it the load fails with ENOMEM and a log
 * line, the memory freed.
 */
#define KBPF_STATE_MEM_LIMIT	(128UL << 20)
/* Past 8 KiB a frame would take a 16 KiB allocation: twice the memory. */
_Static_assert(sizeof(struct kbpf_func_state) <= 8192, "saved frames must stay within 8 KiB");

const struct kbpf_stack_slot kbpf_unwritten_slot;

static size_t frame_size(u32 slots)
{
	return offsetof(struct kbpf_func_state, stack) +
	       slots * sizeof(struct kbpf_stack_slot);
}

/* What kmalloc takes for size bytes (power-of-two buckets up to 8 KiB). */
static size_t frame_charge(u32 slots)
{
	size_t size = frame_size(slots), bucket = 256;

	while (bucket < size)
		bucket <<= 1;
	return bucket;
}

static struct kbpf_func_state *alloc_frame(struct kbpf_verifier_env *env,
					   u32 slots, gfp_t gfp)
{
	size_t charge = frame_charge(slots);
	struct kbpf_func_state *f;

	if (env->state_bytes + charge > KBPF_STATE_MEM_LIMIT) {
		verbose(env, "kbpf: verifier state memory limit reached (%lu MiB of frames)\n",
			KBPF_STATE_MEM_LIMIT >> 20);
		return NULL;
	}
	f = kmalloc(frame_size(slots), gfp | __GFP_NOWARN);
	if (!f)
		return NULL;
	env->state_bytes += charge;
	f->stack_slots = slots;
	return f;
}

/* A zeroed frame with the whole stack, for the walk's own state. */
struct kbpf_func_state *kbpf_alloc_frame(struct kbpf_verifier_env *env)
{
	return alloc_frame(env, KBPF_STACK_SLOTS, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
}

void kbpf_free_frame(struct kbpf_verifier_env *env, struct kbpf_func_state *f)
{
	if (!f)
		return;
	env->state_bytes -= frame_charge(f->stack_slots);
	kfree(f);
}

static void free_frames(struct kbpf_verifier_env *env, struct kbpf_vstate *st)
{
	u32 i;

	for (i = 0; i < KBPF_MAX_CALL_FRAMES; i++) {
		kbpf_free_frame(env, st->frame[i]);
		st->frame[i] = NULL;
	}
}

void kbpf_free_state(struct kbpf_verifier_env *env, struct kbpf_vstate *st,
		     bool self)
{
	if (!st)
		return;
	free_frames(env, st);
	kfree(st->jmp_history);
	st->jmp_history = NULL;
	st->jmp_history_cnt = 0;
	st->jmp_history_cap = 0;
	if (self)
		kfree(st);
}

static bool slot_unwritten(const struct kbpf_stack_slot *s)
{
	u32 i;

	for (i = 0; i < 8; i++)
		if (s->slot_type[i] != KBPF_STACK_INVALID)
			return false;
	return true;
}

/*
 * Slots of f a copy must keep: those within allocated_stack, which every
 * stack access grows first, and (should one ever be missed) any written
 * slot beyond, so a copy always reads the same as its original.
 */
static u32 slots_in_use(const struct kbpf_func_state *f)
{
	u32 n = min_t(u32, DIV_ROUND_UP(f->allocated_stack, 8), f->stack_slots);
	u32 top = f->stack_slots;

	while (top > n && slot_unwritten(&f->stack[top - 1]))
		top--;
	return top;
}

/* *dstp becomes a copy of src: with the whole stack when full, else trimmed. */
static int copy_frame(struct kbpf_verifier_env *env,
		      struct kbpf_func_state **dstp,
		      const struct kbpf_func_state *src, bool full)
{
	u32 used = slots_in_use(src), slots = full ? KBPF_STACK_SLOTS : used;
	struct kbpf_func_state *dst = *dstp;
	u32 stale;

	if (dst && dst->stack_slots != slots) {
		kbpf_free_frame(env, dst);
		*dstp = dst = NULL;
	}
	if (dst) {
		stale = slots_in_use(dst);
	} else {
		dst = alloc_frame(env, slots, GFP_KERNEL_ACCOUNT);
		if (!dst)
			return -ENOMEM;
		*dstp = dst;
		stale = slots;
	}
	memcpy(dst, src, frame_size(used));
	dst->stack_slots = slots;
	/* Slots the copy has no data for were never written. */
	if (stale > used)
		memset(&dst->stack[used], 0, (stale - used) * sizeof(dst->stack[0]));
	return 0;
}

/*
 * Copy src into dst: into the walk's state (pop) with whole stacks, into a
 * saved one with only the slots in use.
 */
int kbpf_copy_state(struct kbpf_verifier_env *env, struct kbpf_vstate *dst,
		    const struct kbpf_vstate *src)
{
	bool full = dst == env->cur;
	u32 i;
	int err;

	for (i = src->curframe + 1; i < KBPF_MAX_CALL_FRAMES; i++) {
		kbpf_free_frame(env, dst->frame[i]);
		dst->frame[i] = NULL;
	}
	for (i = 0; i <= src->curframe; i++) {
		err = copy_frame(env, &dst->frame[i], src->frame[i], full);
		if (err)
			return err;
	}
	dst->curframe = src->curframe;
	dst->acquired_refs = src->acquired_refs;
	memcpy(dst->refs, src->refs, sizeof(src->refs[0]) * src->acquired_refs);
	dst->parent = src->parent;
	dst->branches = src->branches;
	dst->insn_idx = src->insn_idx;
	dst->speculative = src->speculative;
	dst->first_insn_idx = src->first_insn_idx;
	dst->last_insn_idx = src->last_insn_idx;
	return kbpf_copy_jmp_history(dst, src);
}

struct kbpf_vstate *kbpf_push_stack(struct kbpf_verifier_env *env,
				    int insn_idx, int prev_insn_idx)
{
	struct kbpf_stack_elem *elem;

	elem = kzalloc(sizeof(*elem), GFP_KERNEL);
	if (!elem)
		return NULL;
	elem->insn_idx = insn_idx;
	elem->prev_insn_idx = prev_insn_idx;
	elem->log_pos = env->log.len_used;
	elem->next = env->head;
	env->head = elem;
	env->stack_size++;
	if (kbpf_copy_state(env, &elem->st, env->cur))
		return NULL;
	if (env->stack_size > KBPF_JMP_SEQ_LIMIT) {
		verbose(env, "The sequence of %d jumps is too complex.\n",
			env->stack_size);
		return NULL;
	}
	if (elem->st.parent)
		elem->st.parent->branches++;
	return &elem->st;
}

int kbpf_pop_stack(struct kbpf_verifier_env *env, int *prev_insn_idx,
		   int *insn_idx)
{
	struct kbpf_stack_elem *head = env->head;
	int err;

	if (!head)
		return -ENOENT;
	err = kbpf_copy_state(env, env->cur, &head->st);
	if (err)
		return err;
	/* At level 1 the log keeps only the path that failed. */
	if (!(env->log.level & KBPF_LOG_LEVEL2))
		kbpf_log_reset(&env->log, head->log_pos);
	*insn_idx = head->insn_idx;
	*prev_insn_idx = head->prev_insn_idx;
	env->head = head->next;
	kbpf_free_state(env, &head->st, false);
	kfree(head);
	env->stack_size--;
	return 0;
}

void kbpf_update_branch_counts(struct kbpf_verifier_env *env,
			       struct kbpf_vstate *st)
{
	while (st) {
		if (WARN_ON_ONCE(!st->branches))
			return;
		if (--st->branches)
			return;
		st = st->parent;
	}
}

static bool check_ids(u32 old_id, u32 cur_id, struct kbpf_idmap *map)
{
	u32 i;

	if (!old_id && !cur_id)
		return true;
	if (!old_id || !cur_id)
		return false;
	for (i = 0; i < map->cnt; i++) {
		if (map->old[i] == old_id)
			return map->cur[i] == cur_id;
		if (map->cur[i] == cur_id)
			return false;
	}
	if (map->cnt == ARRAY_SIZE(map->old))
		return false;
	map->old[map->cnt] = old_id;
	map->cur[map->cnt++] = cur_id;
	return true;
}

static bool range_within(const struct kbpf_reg *old, const struct kbpf_reg *cur)
{
	return old->umin_value <= cur->umin_value &&
	       old->umax_value >= cur->umax_value &&
	       old->smin_value <= cur->smin_value &&
	       old->smax_value >= cur->smax_value &&
	       old->u32_min_value <= cur->u32_min_value &&
	       old->u32_max_value >= cur->u32_max_value &&
	       old->s32_min_value <= cur->s32_min_value &&
	       old->s32_max_value >= cur->s32_max_value;
}

static bool regsafe(const struct kbpf_verifier_env *env,
		    const struct kbpf_reg *old, const struct kbpf_reg *cur,
		    struct kbpf_idmap *map)
{
	if (old->type == KBPF_NOT_INIT)
		return true;	/* the old paths never read it */
	if (cur->type != old->type)
		return false;
	/*
	 * A scalar the old path knew tied to no other may now share its
	 * value with others (an id): bounds learnt on it then reach them
	 * too, which only narrows what the current path can hold. Tied
	 * ones must stay tied alike, precise or not: a branch on one
	 * bounds the others.
	 */
	if (old->type == KBPF_SCALAR_VALUE) {
		/*
		 * A narrower scalar could give a masked pointer operation
		 * another limit than the explored path recorded (alu.c):
		 * only the same scalar is safe then.
		 */
		if (env->explore_alu_limits &&
		    !(range_within(old, cur) && range_within(cur, old) &&
		      old->var_off.value == cur->var_off.value &&
		      old->var_off.mask == cur->var_off.mask))
			return false;
		/*
		 * No check after old relied on an imprecise scalar's value
		 * (precision.c): any value will do. The unprivileged get no
		 * precision tracking, every scalar counts.
		 */
		if ((old->precise || !env->bpf_capable || env->states_exact) &&
		    (!range_within(old, cur) || !tnum_in(old->var_off, cur->var_off)))
			return false;
		return !old->id || check_ids(old->id, cur->id, map);
	}
	if (!range_within(old, cur) || !tnum_in(old->var_off, cur->var_off))
		return false;
	if (!check_ids(old->id, cur->id, map) ||
	    !check_ids(old->ref_obj_id, cur->ref_obj_id, map))
		return false;
	if (old->off != cur->off || old->map_ptr != cur->map_ptr ||
	    old->mem_size != cur->mem_size || old->frameno != cur->frameno)
		return false;
	/*
	 * Packet pointers: the old path needed at most what it knew. A
	 * pointer known at or past pkt_end decided branches on the old path
	 * (the other side was never walked): only the same knowledge is
	 * safe, stricter than Linux 6.1, which orders the markers below 0.
	 */
	if ((old->range < 0 || cur->range < 0) && old->range != cur->range)
		return false;
	if (old->range > cur->range)
		return false;
	return true;
}

static bool stacksafe(struct kbpf_verifier_env *env,
		      const struct kbpf_func_state *old,
		      const struct kbpf_func_state *cur, struct kbpf_idmap *map,
		      u64 live)
{
	bool allow_uninit = env->args->perfmon_capable;
	u32 spi, i;

	for (spi = 0; spi < KBPF_STACK_SLOTS; spi++) {
		const struct kbpf_stack_slot *o = kbpf_frame_slot(old, spi);
		const struct kbpf_stack_slot *c = kbpf_frame_slot(cur, spi);
		bool c_spill = c->slot_type[7] == KBPF_STACK_SPILL;
		bool c_ptr_spill = c_spill && c->spilled_ptr.type != KBPF_SCALAR_VALUE;

		if ((u32)(spi * 8) >= old->allocated_stack &&
		    (u32)(spi * 8) >= cur->allocated_stack)
			break;
		if (!(live & (1ull << spi)))
			continue;	/* written before any read, or never read */
		if (o->slot_type[7] == KBPF_STACK_SPILL) {
			if (!c_spill || !regsafe(env, &o->spilled_ptr, &c->spilled_ptr, map))
				return false;
			/* Narrow spills: the same bytes, or ones old never had. */
			for (i = 0; i < 7; i++)
				if (o->slot_type[i] != c->slot_type[i] &&
				    o->slot_type[i] != KBPF_STACK_INVALID)
					return false;
			continue;
		}
		for (i = 0; i < 8; i++) {
			u8 ot = o->slot_type[i], ct = c->slot_type[i];

			switch (ot) {
			case KBPF_STACK_INVALID:
				/* Never read, or read as unknown bytes when allowed. */
				if (allow_uninit && c_ptr_spill)
					return false;
				break;
			case KBPF_STACK_MISC:
				if (ct == KBPF_STACK_MISC || ct == KBPF_STACK_ZERO)
					break;
				if (ct == KBPF_STACK_INVALID && allow_uninit)
					break;
				if (ct == KBPF_STACK_SPILL && !c_ptr_spill)
					break;
				return false;
			case KBPF_STACK_ZERO:
				if (ct != KBPF_STACK_ZERO)
					return false;
				break;
			default:
				/* A partial spill byte: only the same will do. */
				if (ct != ot)
					return false;
			}
		}
	}
	return true;
}

static bool states_equal(struct kbpf_verifier_env *env,
			 const struct kbpf_vstate *old,
			 const struct kbpf_vstate *cur, int insn_idx)
{
	struct kbpf_idmap *map = &env->idmap;
	u32 fr, i;
	int at;

	if (old->curframe != cur->curframe)
		return false;
	/* A speculative path's state never stands for a real one. */
	if (old->speculative && !cur->speculative)
		return false;
	memset(map, 0, sizeof(*map));
	if (old->acquired_refs != cur->acquired_refs)
		return false;
	for (i = 0; i < old->acquired_refs; i++)
		if (!check_ids(old->refs[i].id, cur->refs[i].id, map))
			return false;
	for (fr = 0; fr <= old->curframe; fr++) {
		const struct kbpf_func_state *o = old->frame[fr], *c = cur->frame[fr];

		if (o->callsite != c->callsite)
			return false;
		/* A caller's frame is next used after the call returns. */
		at = fr == old->curframe ? insn_idx :
		     old->frame[fr + 1]->callsite + 1;
		for (i = 0; i < KBPF_REG_COUNT; i++)
			if ((env->live_regs[at] & (1u << i)) &&
			    !regsafe(env, &o->regs[i], &c->regs[i], map))
				return false;
		if (!stacksafe(env, o, c, map, env->live_stack[at]))
			return false;
	}
	return true;
}

/* The current frame is exactly what it was: a loop that cannot make progress. */
static bool states_maybe_looping(const struct kbpf_vstate *old,
				 const struct kbpf_vstate *cur)
{
	u32 fr = cur->curframe, i;
	struct kbpf_reg o, c;

	if (old->curframe != fr)
		return false;
	/* Precision marks are not part of the value. */
	for (i = 0; i < KBPF_REG_COUNT; i++) {
		o = old->frame[fr]->regs[i];
		c = cur->frame[fr]->regs[i];
		o.precise = c.precise = false;
		if (memcmp(&o, &c, sizeof(o)))
			return false;
	}
	return true;
}

/*
 * Drop a state from its list. Paths still being explored may reach it
 * through their parent chain (kbpf_update_branch_counts) while its
 * branches are not all done: those wait on free_list for the end.
 */
static void drop_state(struct kbpf_verifier_env *env, struct kbpf_state_list *sl)
{
	if (sl->state.branches) {
		sl->next = env->free_list;
		env->free_list = sl;
		return;
	}
	kbpf_free_state(env, &sl->state, false);
	kfree(sl);
	env->peak_states--;
}

int kbpf_is_state_visited(struct kbpf_verifier_env *env, int insn_idx)
{
	struct kbpf_vstate *cur = env->cur;
	struct kbpf_state_list *sl, **pprev, *new_sl;
	bool add_new_state;
	u32 states_cnt = 0;
	int err;

	/*
	 * Linux's heuristic: a new state for later pruning only after at
	 * least 2 jumps and 8 instructions since the last one (programs
	 * have a prune point every few instructions; fewer states, same
	 * pruning in practice). BPF_F_TEST_STATE_FREQ asks for one at every
	 * prune point, for tests of pruning.
	 */
	add_new_state = env->test_state_freq ||
			(env->jmps_processed - env->prev_jmps_processed >= 2 &&
			 env->insn_processed - env->prev_insn_processed >= 8);
	pprev = &env->explored[insn_idx];
	while ((sl = *pprev)) {
		states_cnt++;
		if (sl->state.branches) {
			bool looping;

			env->states_exact = true;
			looping = states_maybe_looping(&sl->state, cur) &&
				  states_equal(env, &sl->state, cur, insn_idx);
			env->states_exact = false;
			if (looping) {
				verbose(env, "infinite loop detected at insn %d\n",
					insn_idx);
				return -EINVAL;
			}
			/* Inside a loop: do not keep a state per iteration. */
			if (env->jmps_processed - env->prev_jmps_processed < 20 &&
			    env->insn_processed - env->prev_insn_processed < 100)
				add_new_state = false;
		} else if (!env->args->no_prune &&
			   states_equal(env, &sl->state, cur, insn_idx)) {
			sl->hit_cnt++;
			/* What old's continuation relied on, this path now does. */
			err = kbpf_push_jmp_history(env, cur);
			if (!err)
				err = kbpf_propagate_precision(env, &sl->state);
			return err ? err : 1;
		}
		/*
		 * Linux's heuristic: a state that missed more than three
		 * times per hit (plus three) is unlikely to prune anything.
		 * Only counted when a new state will be added, so a loop's
		 * iterations do not push out the states recorded before it.
		 */
		if (add_new_state)
			sl->miss_cnt++;
		if (sl->miss_cnt > sl->hit_cnt * 3 + 3) {
			*pprev = sl->next;
			drop_state(env, sl);
			continue;
		}
		pprev = &sl->next;
	}
	if (states_cnt > env->max_states_per_insn)
		env->max_states_per_insn = states_cnt;
	/* Linux's BPF_COMPLEXITY_LIMIT_STATES for the unprivileged. */
	if ((!env->bpf_capable && states_cnt > 64) || !add_new_state)
		return kbpf_push_jmp_history(env, cur);

	new_sl = kzalloc(sizeof(*new_sl), GFP_KERNEL);
	if (!new_sl)
		return -ENOMEM;
	env->total_states++;
	env->peak_states++;
	env->prev_jmps_processed = env->jmps_processed;
	env->prev_insn_processed = env->insn_processed;
	/* Marks come from the new state's own continuations (precision.c). */
	kbpf_mark_all_scalars_imprecise(cur);
	err = kbpf_copy_state(env, &new_sl->state, cur);
	if (err) {
		kbpf_free_state(env, &new_sl->state, false);
		kfree(new_sl);
		return err;
	}
	new_sl->state.insn_idx = insn_idx;
	new_sl->state.branches = 1;
	cur->parent = &new_sl->state;
	/* cur's walk now starts here: its history so far is new's. */
	cur->first_insn_idx = insn_idx;
	cur->jmp_history_cnt = 0;
	new_sl->next = env->explored[insn_idx];
	env->explored[insn_idx] = new_sl;
	return 0;
}

void kbpf_free_explored(struct kbpf_verifier_env *env)
{
	struct kbpf_state_list *sl, *next;
	u32 i;

	kbpf_free_liveness(env);
	for (sl = env->free_list; sl; sl = next) {
		next = sl->next;
		kbpf_free_state(env, &sl->state, false);
		kfree(sl);
	}
	env->free_list = NULL;
	if (!env->explored)
		return;
	for (i = 0; i < env->insn_cnt; i++) {
		for (sl = env->explored[i]; sl; sl = next) {
			next = sl->next;
			kbpf_free_state(env, &sl->state, false);
			kfree(sl);
		}
	}
	kvfree(env->explored);
	env->explored = NULL;
}
