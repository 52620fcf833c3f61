// SPDX-License-Identifier: GPL-2.0
/*
 * Executable memory for the kernel build (see exec.h): the arena in
 * kbpf's module text, with the kernel's return and retpoline thunks.
 *
 * Also the exports of the shared engine for the KUnit module, which the
 * shared files cannot name themselves (they build on the host too).
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include "../kmod/export.h"
#include "arena.h"
#include "exec.h"
#include "interp.h"
#include "runtime.h"
#include "x86_emit.h"

void *kbpf_exec_alloc(size_t size)
{
	return kbpf_arena_alloc(size);
}

int kbpf_exec_write(void *dst, const void *src, size_t len)
{
	return kbpf_arena_write(dst, src, len);
}

void kbpf_exec_free(void *addr)
{
	kbpf_arena_free(addr);
}

void kbpf_exec_emit_return(struct kbpf_x86 *e)
{
	kbpf_arena_emit_return(e);
}

void kbpf_exec_emit_indirect_jump(struct kbpf_x86 *e, int reg)
{
	kbpf_arena_emit_indirect_jump(e, reg);
}

KBPF_EXPORT_FOR_KUNIT(kbpf_call_base);
KBPF_EXPORT_FOR_KUNIT(kbpf_interp_run);
KBPF_EXPORT_FOR_KUNIT(kbpf_prog_select_runtime);
KBPF_EXPORT_FOR_KUNIT(kbpf_prog_free_runtime);
KBPF_EXPORT_FOR_KUNIT(kbpf_jit_enable);
KBPF_EXPORT_FOR_KUNIT(kbpf_jit_harden);
