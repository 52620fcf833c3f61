// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_strncmp: compares at most s1_sz bytes of the program's buffer s1
 * with s2, a constant string the verifier found NUL-terminated in a
 * frozen read-only map (verifier/const_str.c). The result is the
 * kernel's strncmp()'s (lib/string.c): -1, 0 or 1, bytes compared as
 * unsigned, stopping at the first NUL.
 */
#include <kbpf/kapi.h>

#include "protos.h"

static u64 kbpf_strncmp(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	const unsigned char *s1 = (const unsigned char *)(unsigned long)r1;
	const unsigned char *s2 = (const unsigned char *)(unsigned long)r3;
	u32 n = r2, i;

	for (i = 0; i < n; i++) {
		if (s1[i] != s2[i])
			return s1[i] < s2[i] ? -1 : 1;
		if (!s1[i])
			break;
	}
	return 0;
}

const struct kbpf_func_proto kbpf_strncmp_proto = {
	.func		= kbpf_strncmp,
	.name		= "bpf_strncmp",
	.gpl_only	= false,
	.ret_type	= KBPF_RET_INTEGER,
	.arg_type	= { KBPF_ARG_PTR_TO_MEM, KBPF_ARG_CONST_SIZE,
			    KBPF_ARG_PTR_TO_CONST_STR },
};
