// SPDX-License-Identifier: GPL-2.0
/*
 * Loads, stores and atomics: which pointer types may be dereferenced, at
 * which offsets and sizes, with which alignment, and what a load gives.
 * The stack has its own file (stack.c); the context asks the program
 * type's rules (ctx_access.h).
 */
#include "priv.h"
#include "ctx_ops.h"

bool kbpf_type_is_pkt(u32 type)
{
	return type == KBPF_PTR_TO_PACKET || type == KBPF_PTR_TO_PACKET_META;
}

/*
 * Linux's check_ptr_alignment(): strict_once asks for natural alignment
 * whatever the program's flags (helper arguments the helper writes as a
 * whole word, like bpf_strtol()'s result).
 */
int kbpf_check_ptr_alignment(struct kbpf_verifier_env *env,
			     const struct kbpf_reg *reg, int off, int size,
			     bool strict_once)
{
	bool strict = env->strict_alignment || strict_once;
	const char *desc = "";
	struct tnum reg_off;
	char tn[48];
	int ip_align = 0;

	switch (reg->type) {
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
		/* Linux checks against NET_IP_ALIGN 2, whatever the arch. */
		ip_align = 2;
		break;
	case KBPF_PTR_TO_FLOW_KEYS:
		desc = "flow keys ";
		break;
	case KBPF_PTR_TO_MAP_KEY:
		desc = "key ";
		break;
	case KBPF_PTR_TO_MAP_VALUE:
		desc = "value ";
		break;
	case KBPF_PTR_TO_CTX:
		desc = "context ";
		break;
	case KBPF_PTR_TO_SOCKET:
		desc = "sock ";
		break;
	case KBPF_PTR_TO_SOCK_COMMON:
		desc = "sock_common ";
		break;
	case KBPF_PTR_TO_TCP_SOCK:
		desc = "tcp_sock ";
		break;
	case KBPF_PTR_TO_STACK:
		/* Spill tracking relies on aligned stack accesses. */
		desc = "stack ";
		strict = true;
		break;
	default:
		break;
	}
	if (!strict || size == 1)
		return 0;
	reg_off = tnum_add(reg->var_off, tnum_const(ip_align + reg->off + off));
	if (tnum_is_aligned(reg_off, size))
		return 0;
	tnum_strn(tn, sizeof(tn), reg->var_off);
	if (ip_align)
		verbose(env, "misaligned packet access off %d+%s+%d+%d size %d\n",
			ip_align, tn, reg->off, off, size);
	else
		verbose(env, "misaligned %saccess off %s+%d+%d size %d\n",
			desc, tn, reg->off, off, size);
	return -EACCES;
}

static int mem_access_one(struct kbpf_verifier_env *env, u32 regno, s64 off,
			  int size, u32 mem_size, bool zero_ok)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];

	if (off >= 0 && (size > 0 || (!size && zero_ok)) &&
	    off + size <= (s64)mem_size)
		return 0;
	switch (kbpf_reg_base(reg)) {
	case KBPF_PTR_TO_MAP_KEY:
		verbose(env, "invalid access to map key, key_size=%d off=%d size=%d\n",
			mem_size, (int)off, size);
		break;
	case KBPF_PTR_TO_MAP_VALUE:
		verbose(env, "invalid access to map value, value_size=%d off=%d size=%d\n",
			mem_size, (int)off, size);
		break;
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
		verbose(env, "invalid access to packet, off=%d size=%d, R%u(id=%u,off=%d,r=%u)\n",
			(int)off, size, regno, reg->id, (int)off, mem_size);
		break;
	default:
		verbose(env, "invalid access to memory, mem_size=%u off=%d size=%d\n",
			mem_size, (int)off, size);
	}
	return -EACCES;
}

/* [off, off + size) past the pointer, with its variable part, within mem_size. */
static int check_mem_region(struct kbpf_verifier_env *env, u32 regno, int off,
			    int size, u32 mem_size, bool zero_ok)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	int err;

	if (reg->smin_value < 0 &&
	    (reg->smin_value == S64_MIN ||
	     off + reg->smin_value != (s64)(s32)(off + reg->smin_value) ||
	     reg->smin_value + off < 0)) {
		verbose(env, "R%u min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			regno);
		return -EACCES;
	}
	err = mem_access_one(env, regno, reg->smin_value + off, size, mem_size,
			     zero_ok);
	if (err) {
		verbose(env, "R%u min value is outside of the allowed memory range\n",
			regno);
		return err;
	}
	if (reg->umax_value >= KBPF_MAX_VAR_OFF) {
		verbose(env, "R%u unbounded memory access, make sure to bounds check any such access\n",
			regno);
		return -EACCES;
	}
	err = mem_access_one(env, regno, reg->umax_value + off, size, mem_size,
			     zero_ok);
	if (err) {
		verbose(env, "R%u max value is outside of the allowed memory range\n",
			regno);
		return err;
	}
	return 0;
}

/* Linux's check_map_access() bounds: [off, off + size) of the map value regno points into. */
int kbpf_check_map_value_range(struct kbpf_verifier_env *env, u32 regno,
			       int off, int size)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];

	return check_mem_region(env, regno, off, size,
				reg->map_ptr->value_size, false);
}

static int check_packet_access(struct kbpf_verifier_env *env, u32 regno,
			       int off, int size, bool zero_ok)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	int err;

	if (reg->smin_value < 0) {
		verbose(env, "R%u min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			regno);
		return -EACCES;
	}
	/* At or past pkt_end (a negative range): nothing is readable. */
	err = reg->range < 0 ? -EINVAL :
	      mem_access_one(env, regno, off, size, reg->range, zero_ok);
	if (err) {
		verbose(env, "R%u offset is outside of the packet\n", regno);
		return err;
	}
	/* The ranges learnt from pkt_end checks assume no wrap-around. */
	if (reg->umax_value + off > KBPF_MAX_PACKET_OFF) {
		verbose(env, "R%u unbounded memory access, off=%d\n", regno, off);
		return -EACCES;
	}
	return 0;
}

static bool may_access_pkt(struct kbpf_verifier_env *env, enum kbpf_access_type t)
{
	switch (env->args->prog_type) {
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_SK_REUSEPORT:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
	case BPF_PROG_TYPE_CGROUP_SKB:
		if (t == KBPF_WRITE)
			return false;
		fallthrough;
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_SK_SKB:
	case BPF_PROG_TYPE_SK_MSG:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return true;
	default:
		return false;
	}
}

/*
 * size bytes at the pointer in regno (packet, map key or value, memory)
 * for a helper that reads them, or writes them when write: Linux's
 * check_helper_mem_access(), one range check over the whole size.
 */
int kbpf_check_helper_region(struct kbpf_verifier_env *env, u32 regno,
			     int size, bool zero_ok, bool write)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	struct kbpf_map *map = reg->map_ptr;

	switch (kbpf_reg_base(reg)) {
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
		if (!may_access_pkt(env, write ? KBPF_WRITE : KBPF_READ)) {
			verbose(env, write ? "cannot write into packet\n" :
				"helper access to the packet is not allowed\n");
			return -EACCES;
		}
		return check_packet_access(env, regno, reg->off, size, zero_ok);
	case KBPF_PTR_TO_MAP_KEY:
		if (write) {
			verbose(env, "R%u cannot write into %s\n", regno,
				kbpf_reg_type_str(env, reg->type));
			return -EACCES;
		}
		return check_mem_region(env, regno, reg->off, size,
					map->key_size, false);
	case KBPF_PTR_TO_MAP_VALUE:
		if (write && (map->map_flags & BPF_F_RDONLY_PROG)) {
			verbose(env, "write into map forbidden, value_size=%d off=%d size=%d\n",
				map->value_size, reg->off, size);
			return -EACCES;
		}
		if (!write && (map->map_flags & BPF_F_WRONLY_PROG)) {
			verbose(env, "read from map forbidden, value_size=%d off=%d size=%d\n",
				map->value_size, reg->off, size);
			return -EACCES;
		}
		return check_mem_region(env, regno, reg->off, size,
					map->value_size, zero_ok);
	case KBPF_PTR_TO_MEM:
		if (write && (reg->type & KBPF_MEM_RDONLY)) {
			verbose(env, "R%u cannot write into %s\n", regno,
				kbpf_reg_type_str(env, reg->type));
			return -EACCES;
		}
		return check_mem_region(env, regno, reg->off, size,
					reg->mem_size, zero_ok);
	default:
		verbose(env, "R%u invalid mem access '%s'\n", regno,
			kbpf_reg_type_str(env, reg->type));
		return -EACCES;
	}
}

/* Linux's __check_ptr_off_reg: pointers a helper or ctx access needs unmodified. */
int kbpf_check_ptr_off_reg(struct kbpf_verifier_env *env,
			   const struct kbpf_reg *reg, u32 regno,
			   bool fixed_off_ok)
{
	char tn[48];

	if (reg->off < 0) {
		verbose(env, "negative offset %s ptr R%u off=%d disallowed\n",
			kbpf_reg_type_str(env, reg->type), regno, reg->off);
		return -EACCES;
	}
	if (!fixed_off_ok && reg->off) {
		verbose(env, "dereference of modified %s ptr R%u off=%d disallowed\n",
			kbpf_reg_type_str(env, reg->type), regno, reg->off);
		return -EACCES;
	}
	if (!tnum_is_const(reg->var_off) || reg->var_off.value) {
		tnum_strn(tn, sizeof(tn), reg->var_off);
		verbose(env, "variable %s access var_off=%s disallowed\n",
			kbpf_reg_type_str(env, reg->type), tn);
		return -EACCES;
	}
	return 0;
}

static int check_ctx_access(struct kbpf_verifier_env *env, int insn_idx,
			    u32 regno, int off, int size,
			    enum kbpf_access_type t, int value_regno)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	struct kbpf_insn_access_aux info = { .reg_type = KBPF_SCALAR_VALUE };
	int err;

	if (t == KBPF_WRITE && value_regno >= 0 &&
	    kbpf_is_pointer_value(env, value_regno)) {
		verbose(env, "R%d leaks addr into ctx\n", value_regno);
		return -EACCES;
	}
	err = kbpf_check_ptr_off_reg(env, &regs[regno], regno, false);
	if (err)
		return err;
	if (!env->ctx_ops || !env->ctx_ops->is_valid_access ||
	    off < 0 || (u32)off + size > env->ctx_ops->ctx_size ||
	    !env->ctx_ops->is_valid_access(off, size, t,
					   env->args->expected_attach_type,
					   &info)) {
		verbose(env, "invalid bpf_context access off=%d size=%d\n",
			off, size);
		return -EACCES;
	}
	/* A rewrite keeps one meaning per instruction: remember it. */
	if (env->aux[insn_idx].ctx_access &&
	    env->aux[insn_idx].ctx_field_size != info.ctx_field_size) {
		verbose(env, "same insn cannot be used with different pointers\n");
		return -EINVAL;
	}
	env->aux[insn_idx].ctx_access = true;
	env->aux[insn_idx].ctx_field_size = info.ctx_field_size;
	env->tstamp_type_access |= info.tstamp_type_access;
	if (t == KBPF_READ && value_regno >= 0) {
		struct kbpf_reg *dst = &regs[value_regno];

		if (kbpf_base_type(info.reg_type) == KBPF_SCALAR_VALUE) {
			kbpf_mark_reg_unknown(env, dst);
			kbpf_coerce_reg_to_size(dst, size);
			return 0;
		}
		if (size != 8 && info.reg_type != KBPF_SCALAR_VALUE &&
		    kbpf_base_type(info.reg_type) != KBPF_PTR_TO_PACKET &&
		    kbpf_base_type(info.reg_type) != KBPF_PTR_TO_PACKET_META &&
		    kbpf_base_type(info.reg_type) != KBPF_PTR_TO_PACKET_END) {
			verbose(env, "invalid bpf_context access off=%d size=%d\n",
				off, size);
			return -EACCES;
		}
		kbpf_mark_reg_known_zero(dst);
		dst->type = info.reg_type;
		switch (kbpf_base_type(info.reg_type)) {
		case KBPF_PTR_TO_PACKET:
		case KBPF_PTR_TO_PACKET_META:
		case KBPF_PTR_TO_PACKET_END:
		case KBPF_PTR_TO_SOCKET:
		case KBPF_PTR_TO_SOCK_COMMON:
		case KBPF_PTR_TO_TCP_SOCK:
		case KBPF_PTR_TO_FLOW_KEYS:
			break;
		default:
			/* A type this verifier does not model: refuse it. */
			verbose(env, "R%d: kbpf cannot track a %s loaded from the context\n",
				value_regno, kbpf_reg_type_str(env, info.reg_type));
			return -EOPNOTSUPP;
		}
		if (info.reg_type & KBPF_PTR_MAYBE_NULL)
			dst->id = ++env->id_gen;
	}
	return 0;
}

/* The bpf_sock / bpf_tcp_sock rules for a socket pointer type, or NULL. */
const struct kbpf_ctx_ops *kbpf_sock_ops_for(u32 type)
{
	switch (type) {
	case KBPF_PTR_TO_SOCKET:
		return &kbpf_sock_ops;
	case KBPF_PTR_TO_SOCK_COMMON:
		return &kbpf_sock_common_ops;
	case KBPF_PTR_TO_TCP_SOCK:
		return &kbpf_tcp_sock_ops;
	default:
		return NULL;
	}
}

/*
 * Linux's check_sock_access(): loads of the bpf_sock or bpf_tcp_sock
 * fields a socket pointer's type allows, rewritten later like context
 * loads (fixup.c picks the rules by the pointer type recorded for the
 * instruction). Stores were refused before.
 */
static int check_sock_access(struct kbpf_verifier_env *env, int insn_idx,
			     u32 regno, int off, int size,
			     enum kbpf_access_type t)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	const struct kbpf_ctx_ops *ops = kbpf_sock_ops_for(reg->type);
	struct kbpf_insn_access_aux info = { .reg_type = KBPF_SCALAR_VALUE };

	if (reg->smin_value < 0) {
		verbose(env, "R%u min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			regno);
		return -EACCES;
	}
	if (!ops || !ops->is_valid_access(off, size, t, 0, &info)) {
		verbose(env, "R%u invalid %s access off=%d size=%d\n", regno,
			kbpf_reg_type_str(env, reg->type), off, size);
		return -EACCES;
	}
	env->aux[insn_idx].ctx_access = true;
	env->aux[insn_idx].ctx_field_size = info.ctx_field_size;
	return 0;
}

/* The kernel struct behind a map of this type, as Linux's map_btf_id names it. */
static const char *map_struct_name(u32 map_type)
{
	switch (map_type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		return "bpf_array";
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return "bpf_htab";
	case BPF_MAP_TYPE_LPM_TRIE:
		return "lpm_trie";
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
		return "bpf_queue_stack";
	case BPF_MAP_TYPE_RINGBUF:
		return "bpf_ringbuf_map";
	case BPF_MAP_TYPE_STACK_TRACE:
		return "bpf_stack_map";
	default:
		return NULL;
	}
}

/*
 * Loads from the struct bpf_map behind a map pointer (Linux's
 * check_ptr_to_map_access()) need the kernel's BTF, which kbpf does not
 * read: refused, but first for the reasons Linux gives before the BTF.
 */
static int map_ptr_access(struct kbpf_verifier_env *env, u32 regno, int off,
			  enum kbpf_access_type t)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	const char *name = map_struct_name(reg->map_ptr->map_type);

	if (!name) {
		verbose(env, "map_ptr access not supported for map type %d\n",
			reg->map_ptr->map_type);
		return -EACCES;
	}
	if (!env->allow_ptr_leaks) {
		verbose(env, "%s access is allowed only to CAP_PERFMON and CAP_SYS_ADMIN\n",
			name);
		return -EPERM;
	}
	if (off < 0) {
		verbose(env, "R%u is %s invalid negative access: off=%d\n",
			regno, name, off);
		return -EACCES;
	}
	if (t != KBPF_READ) {
		verbose(env, "only read from %s is supported\n", name);
		return -EACCES;
	}
	verbose(env, "R%u invalid mem access '%s'\n", regno,
		kbpf_reg_type_str(env, reg->type));
	return -EACCES;
}

/*
 * Linux's bpf_map_is_rdonly(): programs cannot write the map, userspace
 * froze it and no syscall write or writable mmap is still in flight, so
 * its values are constants the verifier may read now.
 */
bool kbpf_map_is_rdonly(const struct kbpf_map *map)
{
	return (map->map_flags & BPF_F_RDONLY_PROG) && READ_ONCE(map->frozen) &&
	       !atomic64_read(&map->writecnt);
}

/*
 * What a load from a map value gives: a constant read from the map
 * itself when the map is read-only and the place known (Linux's
 * bpf_map_direct_read(), whose errors, -ENOTSUPP for an array of more
 * than one element included, fail the load as in Linux), else unknown.
 */
static int map_value_read(struct kbpf_verifier_env *env,
			  const struct kbpf_reg *reg, int off, int size,
			  struct kbpf_reg *dst)
{
	struct kbpf_map *map = reg->map_ptr;
	const void *ptr;
	u64 addr, val;
	u32 v32;
	u16 v16;
	u8 v8;
	int err;

	if (!tnum_is_const(reg->var_off) || !kbpf_map_is_rdonly(map) ||
	    !map->ops || !map->ops->map_direct_value_addr) {
		kbpf_mark_reg_unknown(env, dst);
		return 0;
	}
	off += reg->var_off.value;
	err = map->ops->map_direct_value_addr(map, &addr, off);
	if (err)
		return err;
	ptr = (const void *)(unsigned long)(addr + off);
	/* memcpy: with BPF_F_ANY_ALIGNMENT the place may be unaligned. */
	switch (size) {
	case 1:
		memcpy(&v8, ptr, 1);
		val = v8;
		break;
	case 2:
		memcpy(&v16, ptr, 2);
		val = v16;
		break;
	case 4:
		memcpy(&v32, ptr, 4);
		val = v32;
		break;
	case 8:
		memcpy(&val, ptr, 8);
		break;
	default:
		return -EINVAL;
	}
	kbpf_mark_reg_known(dst, val);
	return 0;
}

int kbpf_check_mem_access(struct kbpf_verifier_env *env, int insn_idx,
			  u32 regno, int off, int size,
			  enum kbpf_access_type t, int value_regno)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	struct kbpf_reg *reg = &regs[regno];
	struct kbpf_map *map;
	int err;

	err = kbpf_check_ptr_alignment(env, reg, off, size, false);
	if (err)
		return err;
	switch (reg->type) {
	case KBPF_PTR_TO_MAP_VALUE:
		map = reg->map_ptr;
		if (t == KBPF_WRITE && value_regno >= 0 &&
		    kbpf_is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into map\n", value_regno);
			return -EACCES;
		}
		if (t == KBPF_WRITE && (map->map_flags & BPF_F_RDONLY_PROG)) {
			verbose(env, "write into map forbidden, value_size=%d off=%d size=%d\n",
				map->value_size, off + reg->off, size);
			return -EACCES;
		}
		if (t == KBPF_READ && (map->map_flags & BPF_F_WRONLY_PROG)) {
			verbose(env, "read from map forbidden, value_size=%d off=%d size=%d\n",
				map->value_size, off + reg->off, size);
			return -EACCES;
		}
		err = check_mem_region(env, regno, off + reg->off, size,
				       map->value_size, false);
		if (err)
			return err;
		if (t == KBPF_READ && value_regno >= 0) {
			err = map_value_read(env, reg, off + reg->off, size,
					     &regs[value_regno]);
			if (err)
				return err;
		}
		break;
	case KBPF_PTR_TO_MAP_KEY:
		if (t == KBPF_WRITE) {
			verbose(env, "write to change key R%u not allowed\n", regno);
			return -EACCES;
		}
		err = check_mem_region(env, regno, off + reg->off, size,
				       reg->map_ptr->key_size, false);
		if (err)
			return err;
		if (value_regno >= 0)
			kbpf_mark_reg_unknown(env, &regs[value_regno]);
		break;
	case KBPF_PTR_TO_MEM:
	case KBPF_PTR_TO_MEM | KBPF_MEM_RDONLY:
	case KBPF_PTR_TO_MEM | KBPF_MEM_ALLOC:
		if (t == KBPF_WRITE && (reg->type & KBPF_MEM_RDONLY)) {
			verbose(env, "R%u cannot write into %s\n", regno,
				kbpf_reg_type_str(env, reg->type));
			return -EACCES;
		}
		if (t == KBPF_WRITE && value_regno >= 0 &&
		    kbpf_is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into mem\n", value_regno);
			return -EACCES;
		}
		err = check_mem_region(env, regno, off + reg->off, size,
				       reg->mem_size, false);
		if (err)
			return err;
		if (t == KBPF_READ && value_regno >= 0)
			kbpf_mark_reg_unknown(env, &regs[value_regno]);
		break;
	case KBPF_PTR_TO_CTX:
		err = check_ctx_access(env, insn_idx, regno, off + reg->off,
				       size, t, value_regno);
		if (err)
			return err;
		/* check_ctx_access already sized the result. */
		return 0;
	case KBPF_PTR_TO_STACK:
		err = kbpf_stack_access(env, regno, off + reg->off, size, t,
					value_regno, insn_idx);
		if (err)
			return err;
		break;
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
		if (!may_access_pkt(env, t)) {
			if (t == KBPF_WRITE) {
				verbose(env, "cannot write into packet\n");
				return -EACCES;
			}
			verbose(env, "R%u invalid mem access '%s'\n", regno,
				kbpf_reg_type_str(env, reg->type));
			return -EACCES;
		}
		if (t == KBPF_WRITE && value_regno >= 0 &&
		    kbpf_is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into packet\n", value_regno);
			return -EACCES;
		}
		err = check_packet_access(env, regno, off + reg->off, size, false);
		if (err)
			return err;
		if (t == KBPF_READ && value_regno >= 0)
			kbpf_mark_reg_unknown(env, &regs[value_regno]);
		break;
	case KBPF_CONST_PTR_TO_MAP:
		return map_ptr_access(env, regno, off + reg->off, t);
	case KBPF_PTR_TO_SOCKET:
	case KBPF_PTR_TO_SOCK_COMMON:
	case KBPF_PTR_TO_TCP_SOCK:
		if (t == KBPF_WRITE) {
			verbose(env, "R%u cannot write into %s\n", regno,
				kbpf_reg_type_str(env, reg->type));
			return -EACCES;
		}
		err = check_sock_access(env, insn_idx, regno, off + reg->off,
					 size, t);
		if (err)
			return err;
		if (value_regno >= 0)
			kbpf_mark_reg_unknown(env, &regs[value_regno]);
		break;
	default:
		verbose(env, "R%u invalid mem access '%s'\n", regno,
			kbpf_reg_type_str(env, reg->type));
		return -EACCES;
	}
	if (t == KBPF_READ && value_regno >= 0 && size < 8 &&
	    regs[value_regno].type == KBPF_SCALAR_VALUE)
		kbpf_coerce_reg_to_size(&regs[value_regno], size);
	return 0;
}

int kbpf_check_atomic(struct kbpf_verifier_env *env, int insn_idx,
		      const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	int load_reg, size = kbpf_ldst_bytes(insn->code);
	struct kbpf_reg addr;
	bool strict;
	u32 type;
	int err;

	switch (insn->imm) {
	case BPF_ADD:
	case BPF_ADD | BPF_FETCH:
	case BPF_AND:
	case BPF_AND | BPF_FETCH:
	case BPF_OR:
	case BPF_OR | BPF_FETCH:
	case BPF_XOR:
	case BPF_XOR | BPF_FETCH:
	case BPF_XCHG:
	case BPF_CMPXCHG:
		break;
	default:
		verbose(env, "BPF_ATOMIC uses invalid atomic opcode %02x\n", insn->imm);
		return -EINVAL;
	}
	if (BPF_SIZE(insn->code) != BPF_W && BPF_SIZE(insn->code) != BPF_DW) {
		verbose(env, "invalid atomic operand size\n");
		return -EINVAL;
	}
	err = kbpf_check_reg_arg(env, insn->src_reg, false);
	if (err)
		return err;
	err = kbpf_check_reg_arg(env, insn->dst_reg, false);
	if (err)
		return err;
	if (insn->imm == BPF_CMPXCHG) {
		err = kbpf_check_reg_arg(env, BPF_REG_0, false);
		if (err)
			return err;
		if (kbpf_is_pointer_value(env, BPF_REG_0)) {
			verbose(env, "R0 leaks addr into mem\n");
			return -EACCES;
		}
	}
	if (kbpf_is_pointer_value(env, insn->src_reg)) {
		verbose(env, "R%d leaks addr into mem\n", insn->src_reg);
		return -EACCES;
	}
	type = regs[insn->dst_reg].type;
	if (type == KBPF_PTR_TO_CTX || kbpf_type_is_pkt(type) ||
	    type == KBPF_PTR_TO_FLOW_KEYS || type == KBPF_PTR_TO_SOCKET ||
	    type == KBPF_PTR_TO_SOCK_COMMON || type == KBPF_PTR_TO_TCP_SOCK) {
		verbose(env, "BPF_ATOMIC stores into R%d %s is not allowed\n",
			insn->dst_reg, kbpf_reg_type_str(env, type));
		return -EACCES;
	}
	if (insn->imm & BPF_FETCH) {
		load_reg = insn->imm == BPF_CMPXCHG ? BPF_REG_0 : insn->src_reg;
		err = kbpf_check_reg_arg(env, load_reg, true);
		if (err)
			return err;
	} else {
		load_reg = -1;
	}
	/*
	 * Atomics must be aligned whatever the load flags say (Linux's
	 * strict_alignment_once): x86 locks split across cache lines, other
	 * architectures fault. Read first: the location must be initialised
	 * (and, unprivileged, hold no pointer); then the old value goes to
	 * the fetch register; then the write, through the address register
	 * as it was even when the fetch register is the same one.
	 */
	strict = env->strict_alignment;
	env->strict_alignment = true;
	addr = regs[insn->dst_reg];
	err = kbpf_check_mem_access(env, insn_idx, insn->dst_reg, insn->off,
				    size, KBPF_READ, -1);
	if (!err && load_reg >= 0)
		err = kbpf_check_mem_access(env, insn_idx, insn->dst_reg,
					    insn->off, size, KBPF_READ, load_reg);
	if (!err) {
		struct kbpf_reg loaded = regs[insn->dst_reg];

		regs[insn->dst_reg] = addr;
		err = kbpf_check_mem_access(env, insn_idx, insn->dst_reg,
					    insn->off, size, KBPF_WRITE, -1);
		if (load_reg == insn->dst_reg)
			regs[insn->dst_reg] = loaded;
	}
	env->strict_alignment = strict;
	return err;
}

/* Legacy LD_ABS/LD_IND: only from the skb in R6, R0 gets the value. */
int kbpf_check_ld_abs(struct kbpf_verifier_env *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	u8 mode = BPF_MODE(insn->code);
	int i, err;

	switch (env->args->prog_type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		break;
	default:
		verbose(env, "BPF_LD_[ABS|IND] instructions not allowed for this program type\n");
		return -EINVAL;
	}
	if (insn->dst_reg != BPF_REG_0 || insn->off != 0 ||
	    BPF_SIZE(insn->code) == BPF_DW ||
	    (mode == BPF_ABS && insn->src_reg != BPF_REG_0)) {
		verbose(env, "BPF_LD_[ABS|IND] uses reserved fields\n");
		return -EINVAL;
	}
	err = kbpf_check_reg_arg(env, BPF_REG_6, false);
	if (err)
		return err;
	if (env->cur->acquired_refs) {
		verbose(env, "BPF_LD_[ABS|IND] cannot be mixed with socket references\n");
		return -EINVAL;
	}
	if (regs[BPF_REG_6].type != KBPF_PTR_TO_CTX) {
		verbose(env, "at the time of BPF_LD_ABS|IND R6 != pointer to skb\n");
		return -EINVAL;
	}
	if (mode == BPF_IND) {
		err = kbpf_check_reg_arg(env, insn->src_reg, false);
		if (err)
			return err;
	}
	err = kbpf_check_ptr_off_reg(env, &regs[BPF_REG_6], BPF_REG_6, false);
	if (err)
		return err;
	for (i = 0; i <= BPF_REG_5; i++)
		kbpf_mark_reg_not_init(&regs[i]);
	kbpf_mark_reg_unknown(env, &regs[BPF_REG_0]);
	return 0;
}
