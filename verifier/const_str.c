// SPDX-License-Identifier: GPL-2.0
/*
 * Constant string arguments (Linux's ARG_PTR_TO_CONST_STR: bpf_strncmp's
 * second string, bpf_snprintf's format). The verifier reads the string
 * at load time, so it must sit in a map the program cannot write and
 * userspace can no longer change (read-only for programs, frozen), at a
 * known offset, and end with a NUL inside the value. bpf_snprintf's
 * format is then checked once here, as Linux's check_bpf_snprintf_call(),
 * so a bad format fails the load rather than every run.
 */
#include "priv.h"

#include "../helpers/bprintf.h"

/* The string the register points at, once the map has been checked. */
static int const_str_at(const struct kbpf_reg *reg, const char **str)
{
	const struct kbpf_map *map = reg->map_ptr;
	u32 off = reg->off + reg->var_off.value;
	u64 addr;
	int err;

	err = map->ops->map_direct_value_addr(map, &addr, off);
	if (!err)
		*str = (const char *)(unsigned long)addr + off;
	return err;
}

int kbpf_check_const_str_arg(struct kbpf_verifier_env *env, u32 regno)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	const struct kbpf_map *map = reg->map_ptr;
	const char *str;
	int err;

	if (!kbpf_map_is_rdonly(map)) {
		verbose(env, "R%u does not point to a readonly map'\n", regno);
		return -EACCES;
	}
	if (!tnum_is_const(reg->var_off)) {
		verbose(env, "R%u is not a constant address'\n", regno);
		return -EACCES;
	}
	if (!map->ops || !map->ops->map_direct_value_addr) {
		verbose(env, "no direct value access support for this map type\n");
		return -EACCES;
	}
	err = kbpf_check_map_value_range(env, regno, reg->off,
					 map->value_size - reg->off);
	if (err)
		return err;
	err = const_str_at(reg, &str);
	if (err) {
		verbose(env, "direct value access on string failed\n");
		return err;
	}
	if (!memchr(str, 0, map->value_size - reg->off - reg->var_off.value)) {
		verbose(env, "string is not zero-terminated\n");
		return -EINVAL;
	}
	return 0;
}

int kbpf_check_snprintf_call(struct kbpf_verifier_env *env)
{
	const struct kbpf_reg *regs = kbpf_cur_regs(env);
	const struct kbpf_reg *len = &regs[BPF_REG_5];
	/* Zeroes for the arguments: only the conversions are checked. */
	static const u64 no_args[KBPF_BPRINTF_MAX_ARGS];
	const char *fmt;
	u64 num_args;
	int err;

	if (len->var_off.value % 8)
		return -EINVAL;
	num_args = len->var_off.value / 8;
	if (const_str_at(&regs[BPF_REG_3], &fmt)) {
		verbose(env, "verifier bug\n");
		return -EFAULT;
	}
	/* More than the helper takes fails at run time; Linux loads it. */
	err = kbpf_bprintf(NULL, 0, fmt, UINT_MAX, no_args,
			   min_t(u64, num_args, KBPF_BPRINTF_MAX_ARGS));
	if (err < 0)
		verbose(env, "Invalid format string\n");
	return err < 0 ? err : 0;
}
