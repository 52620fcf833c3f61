/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The executable arena: where JITed programs live (kernel only; see
 * arena.c for why it is made this way).
 *
 * Lifetime of a program image: kbpf_arena_alloc() gives an executable
 * address, kbpf_arena_write() puts the finished image there (once, before
 * the program is published), and after the last possible caller is gone
 * (an RCU grace period after unpublishing) kbpf_arena_free() gives the
 * space back and refills it with int3. All of them may sleep.
 */
#ifndef KBPF_JIT_ARENA_H
#define KBPF_JIT_ARENA_H

/*
 * 4 MiB, fixed at build time, because the module loader allocates it with
 * the module's text. JITed programs are typically 0.1-20 KiB (Linux packs
 * them in 64-byte units for the same reason), so this holds several hundred
 * programs of 8 KiB, thousands of small ones, and the largest programs of
 * lib/test_bpf.c one at a time. It costs 4 MiB of RAM while kbpf is loaded
 * (module text is not demand-paged) and 16 KiB of bitmaps. When it is
 * full, programs fall back to the interpreter.
 */
#define KBPF_ARENA_SIZE		0x400000

#ifndef __ASSEMBLY__

#include <linux/types.h>

struct kbpf_x86;

/* The NOBITS executable section itself (arena_text.S). */
extern u8 kbpf_arena_text[KBPF_ARENA_SIZE];

int kbpf_arena_init(void);
void kbpf_arena_exit(void);

/*
 * size bytes of executable memory, 64-byte aligned, filled with int3;
 * NULL when the arena has no room (the caller falls back to the
 * interpreter).
 */
void *kbpf_arena_alloc(size_t size);

/*
 * Copy len bytes of code from src to dst, which must lie inside one live
 * allocation (-EINVAL otherwise). -ENOMEM if a temporary mapping could not
 * be made; the image may then be partly written, so free it.
 */
int kbpf_arena_write(void *dst, const void *src, size_t len);

/* Give back an allocation; no CPU may still run in it. NULL is ignored. */
void kbpf_arena_free(void *addr);

/* True when [addr, addr + len) is inside the arena. */
bool kbpf_arena_contains(const void *addr, size_t len);

/*
 * What arena code must jump to instead of executing "ret": the return thunk
 * the running kernel chose for its retbleed/SRSO/ITS mitigation, or NULL
 * when a plain ret is right. This is not simply __x86_return_thunk: in
 * 6.1.y that exported symbol is a bare "ret; int3" the kernel patches its
 * own returns away from; the thunk really in use is the unexported
 * x86_return_thunk, which this reads back from a return site of kbpf's own
 * that the module loader patched.
 */
void *kbpf_arena_return_thunk(void);

/* Emit a function return for arena code: jmp to the thunk, or ret; int3. */
void kbpf_arena_emit_return(struct kbpf_x86 *e);

/*
 * Emit an indirect jump to the address in reg for arena code: through the
 * kernel's retpoline thunk for reg (which the kernel patched into what its
 * mitigation wants: a retpoline, lfence; jmp *reg, or jmp *reg), then int3.
 */
void kbpf_arena_emit_indirect_jump(struct kbpf_x86 *e, int reg);

#ifdef KBPF_KUNIT
/* The last temporary write mapping, so a test can check it is gone. */
extern unsigned long kbpf_arena_last_alias;
#endif

#endif /* __ASSEMBLY__ */
#endif /* KBPF_JIT_ARENA_H */
