// SPDX-License-Identifier: GPL-2.0
/*
 * Helper calls, checked against the helper's proto (helpers.h): each
 * argument's register type, memory and size pairs, map keys and values,
 * references taken and released; then R0 gets the return type and R1-R5
 * are clobbered. Argument or return types kbpf does not model are refused.
 */
#include "priv.h"

#define KBPF_FN_NAME(x)	"bpf_" #x
static const char *const func_names[] = {
	__BPF_FUNC_MAPPER(KBPF_FN_NAME)
};

static const char *func_name(int id)
{
	if (id >= 0 && id < (int)ARRAY_SIZE(func_names))
		return func_names[id];
	return "unknown";
}

const char *kbpf_helper_name(int id)
{
	return func_name(id);
}

struct call_meta {
	struct kbpf_map *map;
	u32 ref_obj_id;
	int release_regno;
	u64 mem_size;		/* CONST_ALLOC_SIZE_OR_ZERO */
	int raw_regno;		/* memory the helper writes, byte count below */
	u64 raw_size;
	u64 msize_max_value;	/* umax of the last size argument */
	int func_id;
	bool pkt_access;
};

/* Linux's bpf_helper_changes_pkt_data(), by helper id. */
static bool changes_pkt_data(int id)
{
	switch (id) {
	case BPF_FUNC_skb_vlan_push:
	case BPF_FUNC_skb_vlan_pop:
	case BPF_FUNC_skb_store_bytes:
	case BPF_FUNC_skb_change_proto:
	case BPF_FUNC_skb_change_head:
	case BPF_FUNC_skb_change_tail:
	case BPF_FUNC_skb_adjust_room:
	case BPF_FUNC_skb_pull_data:
	case BPF_FUNC_clone_redirect:
	case BPF_FUNC_l3_csum_replace:
	case BPF_FUNC_l4_csum_replace:
	case BPF_FUNC_xdp_adjust_head:
	case BPF_FUNC_xdp_adjust_meta:
	case BPF_FUNC_xdp_adjust_tail:
	case BPF_FUNC_msg_pull_data:
	case BPF_FUNC_msg_push_data:
	case BPF_FUNC_msg_pop_data:
	case BPF_FUNC_lwt_seg6_store_bytes:
	case BPF_FUNC_lwt_seg6_adjust_srh:
	case BPF_FUNC_lwt_seg6_action:
	case BPF_FUNC_lwt_push_encap:
	case BPF_FUNC_store_hdr_opt:
		return true;
	default:
		return false;
	}
}

/* Helpers returning a pointer into an object another argument holds a reference to. */
static bool is_ptr_cast(int id)
{
	switch (id) {
	case BPF_FUNC_tcp_sock:
	case BPF_FUNC_sk_fullsock:
	case BPF_FUNC_skc_to_tcp_sock:
	case BPF_FUNC_skc_to_tcp6_sock:
	case BPF_FUNC_skc_to_udp6_sock:
	case BPF_FUNC_skc_to_mptcp_sock:
	case BPF_FUNC_skc_to_tcp_timewait_sock:
	case BPF_FUNC_skc_to_tcp_request_sock:
		return true;
	default:
		return false;
	}
}

/*
 * Helpers that change a map's elements: refused on a BPF_F_RDONLY_PROG map
 * (Linux's record_func_map()), as stores into its values are. Without it a
 * program could rewrite a frozen map whose values the verifier reads as
 * constants.
 */
static bool writes_map_elems(int id)
{
	return id == BPF_FUNC_map_delete_elem ||
	       id == BPF_FUNC_map_update_elem ||
	       id == BPF_FUNC_map_push_elem ||
	       id == BPF_FUNC_map_pop_elem;
}

/* Which map types a helper taking a map may get (Linux's check_map_func_compatibility). */
static bool map_func_ok(u32 map_type, int id)
{
	switch (id) {
	case BPF_FUNC_map_lookup_elem:
	case BPF_FUNC_map_update_elem:
	case BPF_FUNC_map_delete_elem:
		switch (map_type) {
		case BPF_MAP_TYPE_HASH:
		case BPF_MAP_TYPE_ARRAY:
		case BPF_MAP_TYPE_PERCPU_HASH:
		case BPF_MAP_TYPE_PERCPU_ARRAY:
		case BPF_MAP_TYPE_LRU_HASH:
		case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		case BPF_MAP_TYPE_LPM_TRIE:
			return true;
		case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		case BPF_MAP_TYPE_HASH_OF_MAPS:
			/* Programs read inner maps; only userspace changes them. */
			return id == BPF_FUNC_map_lookup_elem;
		default:
			return false;
		}
	case BPF_FUNC_tail_call:
		return map_type == BPF_MAP_TYPE_PROG_ARRAY;
	case BPF_FUNC_ringbuf_output:
	case BPF_FUNC_ringbuf_reserve:
	case BPF_FUNC_ringbuf_query:
		return map_type == BPF_MAP_TYPE_RINGBUF;
	case BPF_FUNC_perf_event_output:
	case BPF_FUNC_perf_event_read:
	case BPF_FUNC_perf_event_read_value:
	case BPF_FUNC_skb_output:
	case BPF_FUNC_xdp_output:
		return map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	case BPF_FUNC_map_push_elem:
	case BPF_FUNC_map_pop_elem:
	case BPF_FUNC_map_peek_elem:
		return map_type == BPF_MAP_TYPE_QUEUE ||
		       map_type == BPF_MAP_TYPE_STACK;
	case BPF_FUNC_map_lookup_percpu_elem:
		return map_type == BPF_MAP_TYPE_PERCPU_ARRAY ||
		       map_type == BPF_MAP_TYPE_PERCPU_HASH ||
		       map_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	case BPF_FUNC_get_stackid:
		return map_type == BPF_MAP_TYPE_STACK_TRACE;
	case BPF_FUNC_get_local_storage:
		return map_type == BPF_MAP_TYPE_CGROUP_STORAGE ||
		       map_type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
	case BPF_FUNC_for_each_map_elem:
		/*
		 * Any: Linux enters the callback (set_map_elem_callback_state)
		 * before its check_map_func_compatibility, so every map without
		 * a for_each op, an LPM trie or a queue alike, is refused there
		 * with -ENOTSUPP (record_callback_map() in callback.c).
		 */
		return true;
	default:
		/* A map helper kbpf has not been taught about. */
		return false;
	}
}

static const u32 mem_types[] = {
	KBPF_PTR_TO_STACK, KBPF_PTR_TO_PACKET, KBPF_PTR_TO_PACKET_META,
	KBPF_PTR_TO_MAP_KEY, KBPF_PTR_TO_MAP_VALUE, KBPF_PTR_TO_MEM,
	KBPF_PTR_TO_MEM | KBPF_MEM_ALLOC,
};
static const u32 key_value_types[] = {
	KBPF_PTR_TO_STACK, KBPF_PTR_TO_PACKET, KBPF_PTR_TO_PACKET_META,
	KBPF_PTR_TO_MAP_KEY, KBPF_PTR_TO_MAP_VALUE,
};
static const u32 sock_common_types[] = {
	KBPF_PTR_TO_SOCK_COMMON, KBPF_PTR_TO_SOCKET, KBPF_PTR_TO_TCP_SOCK,
	KBPF_PTR_TO_XDP_SOCK,
};
static const u32 socket_types[] = { KBPF_PTR_TO_SOCKET };
static const u32 ctx_types[] = { KBPF_PTR_TO_CTX };
static const u32 map_ptr_types[] = { KBPF_CONST_PTR_TO_MAP };
static const u32 alloc_mem_types[] = { KBPF_PTR_TO_MEM | KBPF_MEM_ALLOC };
static const u32 stack_types[] = { KBPF_PTR_TO_STACK };
static const u32 func_types[] = { KBPF_PTR_TO_FUNC };
static const u32 const_str_types[] = { KBPF_PTR_TO_MAP_VALUE };

static int check_reg_type(struct kbpf_verifier_env *env, u32 regno, u32 arg_type,
			  const u32 *types, u32 n)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	u32 type = reg->type, i;

	/* A read-only memory argument also takes read-only memory. */
	if (kbpf_base_type(arg_type) == KBPF_ARG_PTR_TO_MEM &&
	    (arg_type & KBPF_MEM_RDONLY))
		type &= ~KBPF_MEM_RDONLY;
	for (i = 0; i < n; i++)
		if (type == types[i])
			return 0;
	verbose(env, "R%u type=%s expected=", regno,
		kbpf_reg_type_str(env, reg->type));
	for (i = 0; i + 1 < n; i++)
		verbose(env, "%s, ", kbpf_reg_type_str(env, types[i]));
	verbose(env, "%s\n", kbpf_reg_type_str(env, types[n - 1]));
	return -EACCES;
}

/* access_size bytes through the pointer in regno, for a helper. */
int kbpf_check_mem_region(struct kbpf_verifier_env *env, u32 regno,
			  int access_size, bool zero_size_allowed,
			  bool write, bool uninit_ok)
{
	struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];

	switch (kbpf_reg_base(reg)) {
	case KBPF_PTR_TO_STACK:
		return kbpf_check_stack_range(env, regno, access_size,
					      zero_size_allowed, uninit_ok);
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
	case KBPF_PTR_TO_MAP_KEY:
	case KBPF_PTR_TO_MAP_VALUE:
	case KBPF_PTR_TO_MEM:
		return kbpf_check_helper_region(env, regno, access_size,
						zero_size_allowed, write);
	default:
		if (zero_size_allowed && !access_size && kbpf_reg_is_const(reg) &&
		    !reg->var_off.value)
			return kbpf_mark_chain_precision(env, regno);
		return check_reg_type(env, regno, KBPF_ARG_PTR_TO_MEM, mem_types,
				      ARRAY_SIZE(mem_types));
	}
}

static bool reg_is_null(const struct kbpf_reg *reg)
{
	return kbpf_reg_is_const(reg) && !reg->var_off.value;
}

static int check_func_arg(struct kbpf_verifier_env *env, u32 arg,
			  struct call_meta *meta,
			  const struct kbpf_func_proto *fn)
{
	u32 regno = BPF_REG_1 + arg;
	struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	u32 arg_type = fn->arg_type[arg], base = kbpf_base_type(arg_type);
	int err;

	if (base == KBPF_ARG_DONTCARE)
		return 0;
	err = kbpf_check_reg_arg(env, regno, false);
	if (err)
		return err;
	if (base == KBPF_ARG_ANYTHING) {
		if (kbpf_is_pointer_value(env, regno)) {
			verbose(env, "R%u leaks addr into helper function\n", regno);
			return -EACCES;
		}
		return 0;
	}
	if (kbpf_type_is_pkt(reg->type) && !meta->pkt_access) {
		verbose(env, "helper access to the packet is not allowed\n");
		return -EACCES;
	}
	if ((arg_type & KBPF_PTR_MAYBE_NULL) && reg_is_null(reg) &&
	    base != KBPF_ARG_CONST_SIZE && base != KBPF_ARG_CONST_SIZE_OR_ZERO &&
	    base != KBPF_ARG_CONST_ALLOC_SIZE_OR_ZERO) {
		/* NULL for a pointer: explored states must keep it 0. */
		err = kbpf_mark_chain_precision(env, regno);
		if (err)
			return err;
		goto skip_type;
	}

	switch (base) {
	case KBPF_ARG_CONST_MAP_PTR:
		err = check_reg_type(env, regno, arg_type, map_ptr_types,
				     ARRAY_SIZE(map_ptr_types));
		if (err)
			return err;
		meta->map = reg->map_ptr;
		break;
	case KBPF_ARG_PTR_TO_MAP_KEY:
	case KBPF_ARG_PTR_TO_MAP_VALUE:
		err = check_reg_type(env, regno, arg_type, key_value_types,
				     ARRAY_SIZE(key_value_types));
		if (err)
			return err;
		if (!meta->map) {
			verbose(env, base == KBPF_ARG_PTR_TO_MAP_KEY ?
				"invalid map_ptr to access map->key\n" :
				"invalid map_ptr to access map->value\n");
			return -EACCES;
		}
		if (arg_type & KBPF_MEM_UNINIT) {
			meta->raw_regno = regno;
			meta->raw_size = meta->map->value_size;
			/* The bytes must exist; they are written below. */
			err = kbpf_check_mem_region(env, regno, meta->map->value_size,
						    false, true, true);
			if (err)
				return err;
			break;
		}
		err = kbpf_check_mem_region(env, regno,
					    base == KBPF_ARG_PTR_TO_MAP_KEY ?
					    meta->map->key_size : meta->map->value_size,
					    false, false, false);
		if (err)
			return err;
		break;
	case KBPF_ARG_PTR_TO_MEM:
	case KBPF_ARG_PTR_TO_INT:
	case KBPF_ARG_PTR_TO_LONG:
		err = check_reg_type(env, regno, arg_type,
				     base == KBPF_ARG_PTR_TO_MEM ? mem_types : key_value_types,
				     base == KBPF_ARG_PTR_TO_MEM ? ARRAY_SIZE(mem_types) :
				     ARRAY_SIZE(key_value_types));
		if (err)
			return err;
		if (base != KBPF_ARG_PTR_TO_MEM ||
		    (arg_type & KBPF_MEM_FIXED_SIZE)) {
			u32 size = base == KBPF_ARG_PTR_TO_INT ? 4 :
				   base == KBPF_ARG_PTR_TO_LONG ? 8 : fn->arg_size[arg];
			bool uninit = base != KBPF_ARG_PTR_TO_MEM ||
				      (arg_type & KBPF_MEM_UNINIT);

			err = kbpf_check_mem_region(env, regno, size, false,
						    uninit, uninit);
			if (err)
				return err;
			/* The helper stores a whole int or long there. */
			if (base != KBPF_ARG_PTR_TO_MEM)
				err = kbpf_check_ptr_alignment(env, reg, 0, size, true);
			if (err)
				return err;
		}
		/* Otherwise the size argument that follows checks the memory. */
		break;
	case KBPF_ARG_CONST_SIZE:
	case KBPF_ARG_CONST_SIZE_OR_ZERO: {
		bool zero_ok = base == KBPF_ARG_CONST_SIZE_OR_ZERO;
		u32 mem_arg_type = arg ? fn->arg_type[arg - 1] : 0;
		bool uninit = mem_arg_type & KBPF_MEM_UNINIT;

		if (!arg || kbpf_base_type(mem_arg_type) != KBPF_ARG_PTR_TO_MEM) {
			verbose(env, "kernel subsystem misconfigured func %s#%d\n",
				func_name(meta->func_id), meta->func_id);
			return -EFAULT;
		}
		/* The bound do_refine_retval_range() puts on R0. */
		meta->msize_max_value = reg->umax_value;
		if (reg->type != KBPF_SCALAR_VALUE) {
			verbose(env, "R%u type=%s expected=scalar\n", regno,
				kbpf_reg_type_str(env, reg->type));
			return -EACCES;
		}
		if ((mem_arg_type & KBPF_PTR_MAYBE_NULL) &&
		    reg_is_null(&kbpf_cur_regs(env)[regno - 1])) {
			if (reg->umax_value) {
				verbose(env, "R%u type=scalar expected=fp\n", regno - 1);
				return -EACCES;
			}
			err = kbpf_mark_chain_precision(env, regno);
			if (err)
				return err;
			break;
		}
		if (reg->smin_value < 0) {
			verbose(env, "R%u min value is negative, either use unsigned or 'var &= const'\n",
				regno);
			return -EACCES;
		}
		if (reg->umin_value == 0) {
			err = kbpf_check_mem_region(env, regno - 1, 0, zero_ok,
						    uninit, uninit);
			if (err)
				return err;
		}
		if (reg->umax_value >= KBPF_MAX_VAR_SIZ) {
			verbose(env, "R%u unbounded memory access, use 'var &= const' or 'if (var < const)'\n",
				regno);
			return -EACCES;
		}
		if (uninit && tnum_is_const(reg->var_off) &&
		    kbpf_reg_base(&kbpf_cur_regs(env)[regno - 1]) != KBPF_PTR_TO_STACK) {
			/* Written byte by byte below, like Linux's raw mode. */
			meta->raw_regno = regno - 1;
			meta->raw_size = reg->umax_value;
			err = kbpf_check_mem_region(env, regno - 1, reg->umax_value,
						    zero_ok, true, true);
		} else {
			err = kbpf_check_mem_region(env, regno - 1, reg->umax_value,
						    zero_ok, uninit, uninit);
		}
		/* The size's range was checked: explored states must keep it. */
		if (!err)
			err = kbpf_mark_chain_precision(env, regno);
		if (err)
			return err;
		break;
	}
	case KBPF_ARG_PTR_TO_CTX:
		err = check_reg_type(env, regno, arg_type, ctx_types,
				     ARRAY_SIZE(ctx_types));
		if (err)
			return err;
		err = kbpf_check_ptr_off_reg(env, reg, regno, false);
		if (err)
			return err;
		break;
	case KBPF_ARG_PTR_TO_SOCK_COMMON:
		err = check_reg_type(env, regno, arg_type, sock_common_types,
				     ARRAY_SIZE(sock_common_types));
		if (err)
			return err;
		break;
	case KBPF_ARG_PTR_TO_SOCKET:
		err = check_reg_type(env, regno, arg_type, socket_types,
				     ARRAY_SIZE(socket_types));
		if (err)
			return err;
		break;
	case KBPF_ARG_PTR_TO_ALLOC_MEM:
		err = check_reg_type(env, regno, arg_type, alloc_mem_types,
				     ARRAY_SIZE(alloc_mem_types));
		if (err)
			return err;
		break;
	case KBPF_ARG_PTR_TO_STACK:
		err = check_reg_type(env, regno, arg_type, stack_types,
				     ARRAY_SIZE(stack_types));
		if (err)
			return err;
		break;
	case KBPF_ARG_PTR_TO_FUNC:
		err = check_reg_type(env, regno, arg_type, func_types,
				     ARRAY_SIZE(func_types));
		if (err)
			return err;
		break;
	case KBPF_ARG_PTR_TO_CONST_STR:
		err = check_reg_type(env, regno, arg_type, const_str_types,
				     ARRAY_SIZE(const_str_types));
		if (!err)
			err = kbpf_check_const_str_arg(env, regno);
		if (err)
			return err;
		break;
	case KBPF_ARG_CONST_ALLOC_SIZE_OR_ZERO:
		if (!kbpf_reg_is_const(reg)) {
			verbose(env, "R%u is not a known constant'\n", regno);
			return -EACCES;
		}
		meta->mem_size = reg->var_off.value;
		err = kbpf_mark_chain_precision(env, regno);
		if (err)
			return err;
		break;
	default:
		verbose(env, "kbpf: helper %s#%d: argument %u of type %u is not supported\n",
			func_name(meta->func_id), meta->func_id, arg + 1, base);
		return -EOPNOTSUPP;
	}
	/* Pointers a helper uses must be at their object's start, for these types. */
	switch (base) {
	case KBPF_ARG_PTR_TO_SOCK_COMMON:
	case KBPF_ARG_PTR_TO_SOCKET:
	case KBPF_ARG_PTR_TO_ALLOC_MEM:
		err = kbpf_check_ptr_off_reg(env, reg, regno, false);
		if (err)
			return err;
		break;
	}
skip_type:
	if (arg_type & KBPF_OBJ_RELEASE) {
		if (!reg->ref_obj_id && !reg_is_null(reg)) {
			verbose(env, "R%u must be referenced when passed to release function\n",
				regno);
			return -EINVAL;
		}
		meta->release_regno = regno;
	}
	if (reg->ref_obj_id) {
		if (meta->ref_obj_id) {
			verbose(env, "verifier internal error: more than one arg with ref_obj_id R%u %u %u\n",
				regno, reg->ref_obj_id, meta->ref_obj_id);
			return -EFAULT;
		}
		meta->ref_obj_id = reg->ref_obj_id;
	}
	return 0;
}

int kbpf_acquire_ref(struct kbpf_verifier_env *env, int insn_idx)
{
	struct kbpf_vstate *st = env->cur;

	if (st->acquired_refs >= KBPF_MAX_REFS) {
		verbose(env, "kbpf: more than %d references held at once\n",
			KBPF_MAX_REFS);
		return -E2BIG;
	}
	st->refs[st->acquired_refs].id = ++env->id_gen;
	st->refs[st->acquired_refs].insn_idx = insn_idx;
	st->refs[st->acquired_refs].callback_frame =
		kbpf_cur_frame(env)->in_callback_fn ? st->curframe : 0;
	return st->refs[st->acquired_refs++].id;
}

int kbpf_release_ref(struct kbpf_verifier_env *env, u32 ref_obj_id)
{
	struct kbpf_vstate *st = env->cur;
	u32 i, fi, r;

	for (i = 0; i < st->acquired_refs; i++)
		if (st->refs[i].id == ref_obj_id)
			break;
	if (i == st->acquired_refs)
		return -EINVAL;
	/* A callback cannot release its caller's references. */
	if (kbpf_cur_frame(env)->in_callback_fn &&
	    st->refs[i].callback_frame != st->curframe)
		return -EINVAL;
	memmove(&st->refs[i], &st->refs[i + 1],
		(st->acquired_refs - i - 1) * sizeof(st->refs[0]));
	st->acquired_refs--;
	/* Every copy of the released pointer is dead now. */
	for (fi = 0; fi <= st->curframe; fi++) {
		struct kbpf_func_state *f = st->frame[fi];

		for (r = 0; r < KBPF_REG_COUNT; r++) {
			if (f->regs[r].ref_obj_id != ref_obj_id)
				continue;
			if (env->allow_ptr_leaks)
				kbpf_mark_reg_unknown(env, &f->regs[r]);
			else
				kbpf_mark_reg_not_init(&f->regs[r]);
		}
		for (r = 0; r < KBPF_STACK_SLOTS; r++) {
			struct kbpf_stack_slot *s = &f->stack[r];

			if (s->slot_type[7] == KBPF_STACK_SPILL &&
			    s->spilled_ptr.ref_obj_id == ref_obj_id)
				kbpf_mark_reg_unknown(env, &s->spilled_ptr);
		}
	}
	return 0;
}

int kbpf_check_reference_leak(struct kbpf_verifier_env *env)
{
	struct kbpf_vstate *st = env->cur;
	bool callback = kbpf_cur_frame(env)->in_callback_fn;
	bool lingering = false;
	u32 i;

	/*
	 * References may go back to the caller: only the main exit must hold
	 * none, and a callback answers only for what it acquired itself.
	 */
	if (st->curframe && !callback)
		return 0;
	for (i = 0; i < st->acquired_refs; i++) {
		if (callback && st->refs[i].callback_frame != st->curframe)
			continue;
		verbose(env, "Unreleased reference id=%u alloc_insn=%d\n",
			st->refs[i].id, st->refs[i].insn_idx);
		lingering = true;
	}
	return lingering ? -EINVAL : 0;
}

static void clear_pkt_pointers(struct kbpf_verifier_env *env)
{
	struct kbpf_vstate *st = env->cur;
	u32 fi, r;

	for (fi = 0; fi <= st->curframe; fi++) {
		struct kbpf_func_state *f = st->frame[fi];

		for (r = 0; r < KBPF_REG_COUNT; r++)
			if (kbpf_type_is_pkt(f->regs[r].type) ||
			    f->regs[r].type == KBPF_PTR_TO_PACKET_END)
				kbpf_mark_reg_unknown(env, &f->regs[r]);
		for (r = 0; r < KBPF_STACK_SLOTS; r++) {
			struct kbpf_reg *sp = &f->stack[r].spilled_ptr;

			if (f->stack[r].slot_type[7] == KBPF_STACK_SPILL &&
			    (kbpf_type_is_pkt(sp->type) ||
			     sp->type == KBPF_PTR_TO_PACKET_END))
				kbpf_mark_reg_unknown(env, sp);
		}
	}
}

void kbpf_clear_caller_saved(struct kbpf_verifier_env *env)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	int i;

	for (i = BPF_REG_0; i <= BPF_REG_5; i++)
		kbpf_mark_reg_not_init(&regs[i]);
}

static int set_return(struct kbpf_verifier_env *env,
		      const struct kbpf_func_proto *fn, struct call_meta *meta,
		      int insn_idx)
{
	struct kbpf_reg *r0 = &kbpf_cur_regs(env)[BPF_REG_0];
	u32 ret = fn->ret_type, flags = ret & KBPF_PTR_MAYBE_NULL;
	int id;

	switch (kbpf_base_type(ret)) {
	case KBPF_RET_INTEGER:
		kbpf_mark_reg_unknown(env, r0);
		return 0;
	case KBPF_RET_VOID:
		kbpf_mark_reg_not_init(r0);
		return 0;
	case KBPF_RET_PTR_TO_MAP_VALUE:
		if (!meta->map) {
			verbose(env, "kernel subsystem misconfigured verifier\n");
			return -EINVAL;
		}
		kbpf_mark_reg_known_zero(r0);
		r0->type = KBPF_PTR_TO_MAP_VALUE | flags;
		/*
		 * For a map-in-map, the NULL check turns this into the inner
		 * map (CONST_PTR_TO_MAP of the template; jmp.c), as in Linux.
		 */
		r0->map_ptr = meta->map;
		break;
	case KBPF_RET_PTR_TO_SOCKET:
		kbpf_mark_reg_known_zero(r0);
		r0->type = KBPF_PTR_TO_SOCKET | flags;
		break;
	case KBPF_RET_PTR_TO_TCP_SOCK:
		kbpf_mark_reg_known_zero(r0);
		r0->type = KBPF_PTR_TO_TCP_SOCK | flags;
		break;
	case KBPF_RET_PTR_TO_SOCK_COMMON:
		kbpf_mark_reg_known_zero(r0);
		r0->type = KBPF_PTR_TO_SOCK_COMMON | flags;
		break;
	case KBPF_RET_PTR_TO_ALLOC_MEM:
		kbpf_mark_reg_known_zero(r0);
		r0->type = KBPF_PTR_TO_MEM | KBPF_MEM_ALLOC | flags;
		r0->mem_size = meta->mem_size;
		break;
	default:
		verbose(env, "kbpf: helper %s#%d: return type %u is not supported\n",
			func_name(meta->func_id), meta->func_id, ret);
		return -EOPNOTSUPP;
	}
	if (flags)
		r0->id = ++env->id_gen;
	if (is_ptr_cast(meta->func_id)) {
		r0->ref_obj_id = meta->ref_obj_id;
	} else if (fn->ret_acquires_ref) {
		id = kbpf_acquire_ref(env, insn_idx);
		if (id < 0)
			return id;
		r0->id = id;
		r0->ref_obj_id = id;
	}
	return 0;
}

/*
 * Linux's do_refine_retval_range(): helpers that return how many bytes
 * they wrote into a sized buffer, or a negative errno, bound R0 by the
 * size argument's maximum and -MAX_ERRNO.
 */
static void refine_retval_range(struct kbpf_verifier_env *env,
				const struct kbpf_func_proto *fn,
				const struct call_meta *meta)
{
	struct kbpf_reg *r0 = &kbpf_cur_regs(env)[BPF_REG_0];

	if (kbpf_base_type(fn->ret_type) != KBPF_RET_INTEGER)
		return;
	switch (meta->func_id) {
	case BPF_FUNC_get_stack:
	case BPF_FUNC_get_task_stack:
	case BPF_FUNC_probe_read_str:
	case BPF_FUNC_probe_read_kernel_str:
	case BPF_FUNC_probe_read_user_str:
		break;
	default:
		return;
	}
	r0->smax_value = meta->msize_max_value;
	r0->s32_max_value = meta->msize_max_value;
	r0->smin_value = -MAX_ERRNO;
	r0->s32_min_value = -MAX_ERRNO;
	kbpf_reg_bounds_sync(r0);
}

/* One prog array per tail call site, or poisoned (Linux's record_func_map). */
static void record_tail_call_map(struct kbpf_insn_aux *aux,
				 struct kbpf_map *map)
{
	if (!aux->tail_call) {
		aux->tail_call = true;
		aux->call_map = map;
	} else if (aux->call_map != map) {
		aux->call_map = NULL;
		aux->call_map_poison = true;
	}
}

int kbpf_check_helper_call(struct kbpf_verifier_env *env,
			   struct bpf_insn *insn, int insn_idx)
{
	const struct kbpf_func_proto *fn;
	struct kbpf_reg cb_args[3];
	struct call_meta meta;
	int func_id = insn->imm;
	u64 i;
	int err;
	u32 a;

	if (func_id < 0 || func_id >= __BPF_FUNC_MAX_ID) {
		verbose(env, "invalid func %s#%d\n", func_name(func_id), func_id);
		return -EINVAL;
	}
	if (env->args->get_func_proto)
		fn = env->args->get_func_proto(env->args->prog_type, func_id);
	else
		fn = kbpf_get_func_proto(env->args->prog_type,
					 env->args->expected_attach_type,
					 func_id);
	if (!fn) {
		verbose(env, "unknown func %s#%d\n", func_name(func_id), func_id);
		return -EINVAL;
	}
	if (!env->args->gpl_compatible && fn->gpl_only) {
		verbose(env, "cannot call GPL-restricted function from non-GPL compatible program\n");
		return -EINVAL;
	}
	if (fn->might_sleep) {
		verbose(env, "helper call might sleep in a non-sleepable prog\n");
		return -EINVAL;
	}
	if (changes_pkt_data(func_id) &&
	    kbpf_base_type(fn->arg_type[0]) != KBPF_ARG_PTR_TO_CTX) {
		verbose(env, "kernel subsystem misconfigured func %s#%d: r1 != ctx\n",
			func_name(func_id), func_id);
		return -EINVAL;
	}
	for (a = 0; a < 5; a++) {
		u32 t = fn->arg_type[a], next = a < 4 ? fn->arg_type[a + 1] : 0;

		/* Sized memory must be followed by its size, or nothing checks it. */
		if (kbpf_base_type(t) == KBPF_ARG_PTR_TO_MEM &&
		    !(t & KBPF_MEM_FIXED_SIZE) &&
		    kbpf_base_type(next) != KBPF_ARG_CONST_SIZE &&
		    kbpf_base_type(next) != KBPF_ARG_CONST_SIZE_OR_ZERO) {
			verbose(env, "kernel subsystem misconfigured func %s#%d\n",
				func_name(func_id), func_id);
			return -EFAULT;
		}
	}
	/* The callback's arguments come from these, which the call clobbers. */
	if (kbpf_is_callback_helper(func_id))
		memcpy(cb_args, &kbpf_cur_regs(env)[BPF_REG_1], sizeof(cb_args));
	memset(&meta, 0, sizeof(meta));
	meta.func_id = func_id;
	meta.pkt_access = fn->pkt_access;
	meta.raw_regno = -1;
	for (a = 0; a < 5; a++) {
		err = check_func_arg(env, a, &meta, fn);
		if (err)
			return err;
	}
	if (meta.map && (meta.map->map_flags & BPF_F_RDONLY_PROG) &&
	    writes_map_elems(func_id)) {
		verbose(env, "write into map forbidden\n");
		return -EACCES;
	}
	if (meta.map && !map_func_ok(meta.map->map_type, func_id)) {
		verbose(env, "cannot pass map_type %d into func %s#%d\n",
			meta.map->map_type, func_name(func_id), func_id);
		return -EINVAL;
	}
	/* The helper cannot fail, so it cannot refuse flags at run time. */
	if (func_id == BPF_FUNC_get_local_storage) {
		if (!reg_is_null(&kbpf_cur_regs(env)[BPF_REG_2])) {
			verbose(env, "get_local_storage() doesn't support non-zero flags\n");
			return -EINVAL;
		}
		err = kbpf_mark_chain_precision(env, BPF_REG_2);
		if (err)
			return err;
	}
	if (func_id == BPF_FUNC_snprintf) {
		err = kbpf_check_snprintf_call(env);
		if (err)
			return err;
	}
	if (func_id == BPF_FUNC_tail_call && !meta.map) {
		verbose(env, "kernel subsystem misconfigured func %s#%d\n",
			func_name(func_id), func_id);
		return -EINVAL;
	}
	/* Memory the helper writes: each byte as a store would. */
	for (i = 0; meta.raw_regno >= 0 && i < meta.raw_size; i++) {
		err = kbpf_check_mem_access(env, insn_idx, meta.raw_regno, i, 1,
					    KBPF_WRITE, -1);
		if (err)
			return err;
	}
	if (meta.release_regno) {
		err = -EINVAL;
		if (meta.ref_obj_id)
			err = kbpf_release_ref(env, meta.ref_obj_id);
		else if (reg_is_null(&kbpf_cur_regs(env)[meta.release_regno]))
			err = 0;
		if (err) {
			verbose(env, "func %s#%d reference has not been acquired before\n",
				func_name(func_id), func_id);
			return err;
		}
	}
	if (func_id == BPF_FUNC_tail_call) {
		if (env->cur->acquired_refs) {
			kbpf_check_reference_leak(env);
			verbose(env, "tail_call would lead to reference leak\n");
			return -EINVAL;
		}
		if (env->subprog_cnt > 1) {
			verbose(env, "tail_calls are not allowed in non-JITed programs with bpf-to-bpf calls\n");
			return -EINVAL;
		}
		record_tail_call_map(&env->aux[insn_idx], meta.map);
	}
	kbpf_record_map_call(env, insn_idx, func_id, meta.map);
	env->aux[insn_idx].proto = fn;
	kbpf_clear_caller_saved(env);
	err = set_return(env, fn, &meta, insn_idx);
	if (err)
		return err;
	refine_retval_range(env, fn, &meta);
	if (changes_pkt_data(func_id)) {
		/* It would change the pointers callers spilled (callback.c). */
		if (kbpf_in_callback(env)) {
			verbose(env, "kbpf: helpers that change packet data are not supported in callbacks\n");
			return -EOPNOTSUPP;
		}
		clear_pkt_pointers(env);
	}
	if (kbpf_is_callback_helper(func_id))
		return kbpf_push_callback(env, insn_idx, func_id, cb_args);
	return 0;
}
