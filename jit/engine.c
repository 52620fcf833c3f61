// SPDX-License-Identifier: GPL-2.0
/*
 * What both runtimes share beyond <kbpf/engine.h>: the anchor of helper
 * call displacements.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>

/*
 * noinline and address-taken, so it has one address every object agrees
 * on. A helper call's imm is the helper's distance from here; a call with
 * imm 0 lands here and returns 0.
 */
noinline u64 kbpf_call_base(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return 0;
}
