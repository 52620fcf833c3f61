// SPDX-License-Identifier: GPL-2.0
/*
 * Until helpers/ (kbpf_get_func_proto) and the context rules
 * (verifier/ctx_*.c, kbpf_ctx_ops) are linked in, these weak definitions
 * stand for "nothing is known": every helper call is refused as an
 * unknown function and every program type as unsupported. The real
 * definitions replace them at link time; this file can go once both exist.
 */
#include "priv.h"

__weak const struct kbpf_func_proto *kbpf_get_func_proto(u32 prog_type,
							 u32 func_id)
{
	return NULL;
}

__weak const struct kbpf_ctx_ops *kbpf_ctx_ops(u32 prog_type)
{
	return NULL;
}
