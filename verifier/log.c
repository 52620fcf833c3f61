// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier log: Linux 6.1's rules for the user buffer (attrs checked
 * up front, messages cut at the buffer's end and always NUL-terminated,
 * ENOSPC reported by the caller when it filled up) and the wording of
 * register types and states that test suites match against.
 */
#include "priv.h"

#define KBPF_LOG_MASK	(KBPF_LOG_LEVEL1 | KBPF_LOG_LEVEL2 | KBPF_LOG_STATS)

int kbpf_log_init(struct kbpf_vlog *log, const struct kbpf_verify_args *args)
{
	memset(log, 0, sizeof(*log) - sizeof(log->kbuf));
	if (!args->log_level && !args->log_buf && !args->log_size)
		return 0;
	if (args->log_size < 128 || args->log_size > U32_MAX >> 2 ||
	    !args->log_level || !args->log_buf ||
	    (args->log_level & ~KBPF_LOG_MASK))
		return -EINVAL;
	log->ubuf = args->log_buf;
	log->level = args->log_level;
	log->len_total = args->log_size;
	return 0;
}

static __printf(2, 0) void log_vwrite(struct kbpf_vlog *log, const char *fmt,
				      va_list args)
{
	u32 n, room;
	int len;

	len = vsnprintf(log->kbuf, sizeof(log->kbuf), fmt, args);
	if (len < 0)
		return;
	n = min_t(u32, len, sizeof(log->kbuf) - 1);
	log->len_needed += n;
	if (log->err || log->len_used + 1 >= log->len_total)
		return;
	room = log->len_total - log->len_used - 1;
	if (n > room) {
		n = room;
		log->kbuf[n] = '\0';
	}
	/* The NUL goes out too, so the buffer always holds a C string. */
	if (copy_to_user(log->ubuf + log->len_used, log->kbuf, n + 1)) {
		log->err = -EFAULT;
		return;
	}
	log->len_used += n;
}

void kbpf_verbose(struct kbpf_verifier_env *env, const char *fmt, ...)
{
	va_list args;

	if (!env->log.level || !env->log.ubuf)
		return;
	va_start(args, fmt);
	log_vwrite(&env->log, fmt, args);
	va_end(args);
}

/* Forget what a branch that verified fine wrote (level 1 keeps the failing path). */
void kbpf_log_reset(struct kbpf_vlog *log, u32 pos)
{
	char zero = 0;

	if (!log->ubuf || pos >= log->len_used)
		return;
	log->len_used = pos;
	if (copy_to_user(log->ubuf + pos, &zero, 1))
		log->err = -EFAULT;
}

bool kbpf_log_full(const struct kbpf_vlog *log)
{
	return log->ubuf && log->len_used + 1 >= log->len_total;
}

static const char *const reg_type_names[__KBPF_REG_TYPE_MAX] = {
	[KBPF_NOT_INIT]		= "?",
	[KBPF_SCALAR_VALUE]	= "scalar",
	[KBPF_PTR_TO_CTX]	= "ctx",
	[KBPF_CONST_PTR_TO_MAP]	= "map_ptr",
	[KBPF_PTR_TO_MAP_VALUE]	= "map_value",
	[KBPF_PTR_TO_MAP_KEY]	= "map_key",
	[KBPF_PTR_TO_STACK]	= "fp",
	[KBPF_PTR_TO_PACKET_META] = "pkt_meta",
	[KBPF_PTR_TO_PACKET]	= "pkt",
	[KBPF_PTR_TO_PACKET_END] = "pkt_end",
	[KBPF_PTR_TO_FLOW_KEYS]	= "flow_keys",
	[KBPF_PTR_TO_SOCKET]	= "sock",
	[KBPF_PTR_TO_SOCK_COMMON] = "sock_common",
	[KBPF_PTR_TO_TCP_SOCK]	= "tcp_sock",
	[KBPF_PTR_TO_TP_BUFFER]	= "tp_buffer",
	[KBPF_PTR_TO_XDP_SOCK]	= "xdp_sock",
	[KBPF_PTR_TO_MEM]	= "mem",
	[KBPF_PTR_TO_FUNC]	= "func",
};

/* Several names may appear in one message: rotate over a few buffers. */
const char *kbpf_reg_type_str(struct kbpf_verifier_env *env, u32 type)
{
	static const char *const unknown = "unknown";
	u32 base = kbpf_base_type(type);
	char *buf = env->tmp + (env->tmp[127] & 3) * 32;
	const char *prefix = "";

	env->tmp[127] = (env->tmp[127] + 1) & 3;
	if (base >= __KBPF_REG_TYPE_MAX || !reg_type_names[base])
		return unknown;
	if (type & KBPF_MEM_RDONLY)
		prefix = "rdonly_";
	if (type & KBPF_MEM_ALLOC)
		prefix = "alloc_";
	snprintf(buf, 31, "%s%s%s", prefix, reg_type_names[base],
		 type & KBPF_PTR_MAYBE_NULL ? "_or_null" : "");
	return buf;
}

static void print_scalar_bounds(struct kbpf_verifier_env *env,
				const struct kbpf_reg *reg)
{
	if (tnum_is_const(reg->var_off)) {
		verbose(env, "%lld", (long long)reg->var_off.value);
		return;
	}
	verbose(env, "(");
	if (reg->smin_value != S64_MIN)
		verbose(env, "smin=%lld,", (long long)reg->smin_value);
	if (reg->smax_value != S64_MAX)
		verbose(env, "smax=%lld,", (long long)reg->smax_value);
	if (reg->umin_value)
		verbose(env, "umin=%llu,", (unsigned long long)reg->umin_value);
	if (reg->umax_value != U64_MAX)
		verbose(env, "umax=%llu,", (unsigned long long)reg->umax_value);
	if (!tnum_is_unknown(reg->var_off))
		verbose(env, "var_off=(0x%llx; 0x%llx),",
			(unsigned long long)reg->var_off.value,
			(unsigned long long)reg->var_off.mask);
	if (reg->s32_min_value != S32_MIN)
		verbose(env, "s32_min=%d,", reg->s32_min_value);
	if (reg->s32_max_value != S32_MAX)
		verbose(env, "s32_max=%d,", reg->s32_max_value);
	if (reg->u32_min_value)
		verbose(env, "u32_min=%u,", reg->u32_min_value);
	if (reg->u32_max_value != U32_MAX)
		verbose(env, "u32_max=%u,", reg->u32_max_value);
	verbose(env, ")");
}

static void print_reg(struct kbpf_verifier_env *env, const struct kbpf_reg *reg)
{
	u32 base = kbpf_reg_base(reg);

	if (reg->type == KBPF_SCALAR_VALUE) {
		if (!tnum_is_const(reg->var_off))
			verbose(env, "scalar");
		print_scalar_bounds(env, reg);
		return;
	}
	verbose(env, "%s(", kbpf_reg_type_str(env, reg->type));
	if (reg->id)
		verbose(env, "id=%u,", reg->id);
	if (reg->ref_obj_id)
		verbose(env, "ref_obj_id=%u,", reg->ref_obj_id);
	verbose(env, "off=%d", reg->off);
	if (base == KBPF_PTR_TO_PACKET || base == KBPF_PTR_TO_PACKET_META)
		verbose(env, ",r=%d", reg->range);
	else if (base == KBPF_CONST_PTR_TO_MAP || base == KBPF_PTR_TO_MAP_VALUE ||
		 base == KBPF_PTR_TO_MAP_KEY)
		verbose(env, ",ks=%u,vs=%u", reg->map_ptr->key_size,
			reg->map_ptr->value_size);
	else if (base == KBPF_PTR_TO_MEM)
		verbose(env, ",sz=%u", reg->mem_size);
	if (!tnum_is_const(reg->var_off) || reg->var_off.value) {
		verbose(env, ",var");
		print_scalar_bounds(env, reg);
	}
	verbose(env, ")");
}

void kbpf_print_state(struct kbpf_verifier_env *env,
		      const struct kbpf_func_state *st)
{
	static const char slot_char[] = "?rm0";
	u32 i, j;

	if (st->frameno)
		verbose(env, " frame%u:", st->frameno);
	for (i = 0; i < KBPF_REG_COUNT; i++) {
		if (st->regs[i].type == KBPF_NOT_INIT)
			continue;
		verbose(env, " R%u=", i);
		print_reg(env, &st->regs[i]);
	}
	for (i = 0; i < st->allocated_stack / 8; i++) {
		const struct kbpf_stack_slot *slot = &st->stack[i];
		char types[9];

		for (j = 0; j < 8; j++)
			types[j] = slot_char[slot->slot_type[j]];
		types[8] = 0;
		if (!strcmp(types, "????????"))
			continue;
		verbose(env, " fp%d=", -(int)(i + 1) * 8);
		if (slot->slot_type[7] == KBPF_STACK_SPILL)
			print_reg(env, &slot->spilled_ptr);
		else
			verbose(env, "%s", types);
	}
	for (i = 0; i < env->cur->acquired_refs; i++)
		verbose(env, i ? ",%u" : " refs=%u", env->cur->refs[i].id);
	verbose(env, "\n");
}
