/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where JITed code lives, and the few instructions whose form depends on
 * where it runs. The JIT (x86_jit*.c) is shared core; these functions are
 * not, and have one implementation per build:
 *
 *  - exec_kernel.c: the executable arena in kbpf's module text (arena.c),
 *    returns through the kernel's return thunk, indirect jumps through its
 *    retpoline thunks;
 *  - exec_host.c (host build only): pages mmap'ed within 2 GiB of the
 *    binary's text, so rel32 calls to helpers reach, written with W^X;
 *    plain ret and jmp *reg.
 *
 * The lifetime rules are the arena's: alloc, one write of the finished
 * image before anyone can call it, free once no CPU can still run it.
 */
#ifndef KBPF_JIT_EXEC_H
#define KBPF_JIT_EXEC_H

#include <kbpf/kapi.h>

struct kbpf_x86;

/*
 * size bytes of executable memory filled with int3, or NULL when full;
 * at least 8-byte aligned (the JIT puts callback descriptors in images).
 */
void *kbpf_exec_alloc(size_t size);

/*
 * Copy the image to dst, which kbpf_exec_alloc() returned, len at most
 * what it was asked for; 0 or -errno (then free it: it may be half written).
 */
int kbpf_exec_write(void *dst, const void *src, size_t len);

/* Give the memory back; no CPU may still run in it. NULL is ignored. */
void kbpf_exec_free(void *addr);

/* A function return (ret, or a jump to the return thunk), then int3. */
void kbpf_exec_emit_return(struct kbpf_x86 *e);

/* jmp *reg (directly, or through the retpoline thunk for reg), then int3. */
void kbpf_exec_emit_indirect_jump(struct kbpf_x86 *e, int reg);

#endif /* KBPF_JIT_EXEC_H */
