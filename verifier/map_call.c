// SPDX-License-Identifier: GPL-2.0
/*
 * Map helper calls whose map the verifier knows (Linux's do_misc_fixups
 * for map helpers). The generic helpers (helpers/map.c) find the map's
 * op through map->ops, an indirect call (a retpoline in most kernels) on
 * every use. When every path to a call site passed the same map, the
 * call goes straight to the map type's op instead, and a lookup whose
 * map type has map_gen_lookup is replaced by that code: for arrays no
 * call at all, for hash maps a call to the table walk plus the value's
 * offset. A site reached with several maps (poisoned) keeps the generic
 * helper, which works for any of them.
 *
 * The direct call passes the helper's R1-R5 to a function with fewer or
 * narrower parameters, as Linux's BPF_CALL_IMM(ops->...) does: the
 * arguments sit in the same registers either way.
 */
#include "priv.h"

#include <kbpf/engine.h>

static bool is_map_op_call(int func_id)
{
	switch (func_id) {
	case BPF_FUNC_map_lookup_elem:
	case BPF_FUNC_map_update_elem:
	case BPF_FUNC_map_delete_elem:
	case BPF_FUNC_map_push_elem:
	case BPF_FUNC_map_pop_elem:
	case BPF_FUNC_map_peek_elem:
	case BPF_FUNC_map_lookup_percpu_elem:
		return true;
	default:
		return false;
	}
}

/* One map per call site, or poisoned (Linux's record_func_map). */
void kbpf_record_map_call(struct kbpf_verifier_env *env, int insn_idx,
			  int func_id, struct kbpf_map *map)
{
	struct kbpf_insn_aux *aux = &env->aux[insn_idx];

	if (!map || !is_map_op_call(func_id))
		return;
	aux->map_func_id = func_id;
	if (!aux->call_map && !aux->call_map_poison) {
		aux->call_map = map;
	} else if (aux->call_map != map) {
		aux->call_map = NULL;
		aux->call_map_poison = true;
	}
}

/* The one map of a live map helper call site, or NULL. */
static struct kbpf_map *site_map(const struct kbpf_verifier_env *env, u32 idx)
{
	const struct kbpf_insn_aux *aux = &env->aux[idx];

	if (!aux->seen || !aux->map_func_id || aux->call_map_poison ||
	    !aux->call_map || !aux->call_map->ops)
		return NULL;
	return aux->call_map;
}

static bool op_call_imm(unsigned long fn, s32 *imm)
{
	long delta = (long)(fn - (unsigned long)kbpf_call_base);

	if (!fn || delta != (s32)delta)
		return false;
	*imm = (s32)delta;
	return true;
}

/* The call's imm to the map's own op; false keeps the generic helper. */
bool kbpf_map_call_direct(struct kbpf_verifier_env *env, u32 idx, s32 *imm)
{
	struct kbpf_map *map = site_map(env, idx);
	const struct kbpf_map_ops *ops;
	unsigned long fn;

	if (!map)
		return false;
	ops = map->ops;
	switch (env->aux[idx].map_func_id) {
	case BPF_FUNC_map_lookup_elem:
		fn = (unsigned long)ops->map_lookup_elem;
		break;
	case BPF_FUNC_map_update_elem:
		fn = (unsigned long)ops->map_update_elem;
		break;
	case BPF_FUNC_map_delete_elem:
		fn = (unsigned long)ops->map_delete_elem;
		break;
	case BPF_FUNC_map_push_elem:
		fn = (unsigned long)ops->map_push_elem;
		break;
	case BPF_FUNC_map_pop_elem:
		fn = (unsigned long)ops->map_pop_elem;
		break;
	case BPF_FUNC_map_peek_elem:
		fn = (unsigned long)ops->map_peek_elem;
		break;
	case BPF_FUNC_map_lookup_percpu_elem:
		fn = (unsigned long)ops->map_lookup_percpu_elem;
		break;
	default:
		return false;
	}
	return op_call_imm(fn, imm);
}

/* Is this a lookup the map type writes inline? */
bool kbpf_map_call_inlined(struct kbpf_verifier_env *env, u32 idx)
{
	struct bpf_insn buf[KBPF_MAP_GEN_LOOKUP_MAX];

	return kbpf_map_gen_lookup(env, idx, buf) > 0;
}

/* The lookup's inline code in buf, or 0 to keep the call. */
int kbpf_map_gen_lookup(struct kbpf_verifier_env *env, u32 idx,
			struct bpf_insn *buf)
{
	struct kbpf_map *map = site_map(env, idx);
	int cnt;

	/* fixup.c hands over a buffer of KBPF_CTX_REWRITE_MAX. */
	BUILD_BUG_ON(KBPF_MAP_GEN_LOOKUP_MAX > KBPF_CTX_REWRITE_MAX);
	if (!map || env->aux[idx].map_func_id != BPF_FUNC_map_lookup_elem ||
	    !map->ops->map_gen_lookup)
		return 0;
	cnt = map->ops->map_gen_lookup(map, buf);
	if (cnt == -EOPNOTSUPP)
		return 0;
	if (cnt <= 0 || cnt > KBPF_MAP_GEN_LOOKUP_MAX) {
		verbose(env, "bpf verifier is misconfigured\n");
		return -EINVAL;
	}
	return cnt;
}
