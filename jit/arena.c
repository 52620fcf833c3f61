// SPDX-License-Identifier: GPL-2.0
/*
 * The executable arena: memory for JITed programs, on a kernel that gives a
 * module no way to ask for it. Linux 6.1 does not export module_alloc(),
 * set_memory_x()/set_memory_ro() or text_poke(), and every vmap() mapping
 * is NX. What a module does get is its own text: memory the module loader
 * allocated, mapped executable and made read-only. So kbpf's text carries a
 * large empty section (arena_text.S), and this file manages it:
 *
 *  - space is handed out by the packing allocator (pack.c);
 *  - the arena is never made writable. Each write goes through a second,
 *    temporary mapping of the one physical page (vm_map_ram(), always
 *    NX), torn down right after the copy, so at no time is any mapping of
 *    these pages both writable and executable;
 *  - the write stays on one CPU, the only one that ever touches the
 *    temporary mapping's address (nothing else knows it); that CPU's TLB
 *    is flushed before the write returns (vm_unmap_ram() alone flushes
 *    lazily), and the vmap layer flushes every CPU's before it hands the
 *    address out again. Linux's text_poke() relies on the same locality
 *    (a CPU-local mm). No cross-CPU flush then: vm_unmap_aliases(), which
 *    purged every lazily freed vmap area in the system and interrupted
 *    every CPU, cost more than the rest of a small program's load;
 *  - the writing CPU is serialised, since it may run the code next and
 *    wrote it through another virtual address;
 *  - unused and freed space holds int3, so a stray jump into it traps.
 *
 * Other CPUs reach new code only through a pointer published after
 * kbpf_arena_write() returns, as with Linux's own bpf_prog_pack, and freed
 * space is only refilled after they are all gone from it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/sync_core.h>
#include <asm/tlbflush.h>

#include "../kmod/export.h"
#include "arena.h"
#include "pack.h"
#include "x86_emit.h"

#define ARENA_INT3		0xcc
#define ARENA_SELF_TEST_MAGIC	0x6b627066	/* "kbpf" */

/* Serialises the pack and the writes, which all may sleep. */
static DEFINE_MUTEX(arena_lock);
static struct kbpf_pack arena_pack;
static void *arena_return_thunk;

#ifdef KBPF_KUNIT
unsigned long kbpf_arena_last_alias;
KBPF_EXPORT_FOR_KUNIT(kbpf_arena_last_alias);
#endif

bool kbpf_arena_contains(const void *addr, size_t len)
{
	unsigned long a = (unsigned long)addr;
	unsigned long base = (unsigned long)kbpf_arena_text;

	return a >= base && len <= KBPF_ARENA_SIZE &&
	       a - base <= KBPF_ARENA_SIZE - len;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_arena_contains);

/*
 * Write len bytes at dst, copied from src or, when src is NULL, all equal
 * to fill: one page at a time through a temporary mapping of that page,
 * from this CPU's own vmap block (vm_map_ram(): no global vmap lock).
 * Then no TLB entry of those mappings may survive, and this CPU must not
 * run instructions it fetched before the write.
 */
static int arena_poke(u8 *dst, const u8 *src, int fill, size_t len)
{
	int err = 0;

	/* Every access to the mappings, and the flush, on this CPU. */
	migrate_disable();
	while (len) {
		size_t off = offset_in_page(dst);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		struct page *page = vmalloc_to_page(dst);
		u8 *alias;

		if (WARN_ON_ONCE(!page)) {
			err = -EFAULT;
			break;
		}
		alias = vm_map_ram(&page, 1, NUMA_NO_NODE);
		if (!alias) {
			err = -ENOMEM;
			break;
		}
		if (src) {
			memcpy(alias + off, src, n);
			src += n;
		} else {
			memset(alias + off, fill, n);
		}
		vm_unmap_ram(alias, 1);
#ifdef KBPF_KUNIT
		kbpf_arena_last_alias = (unsigned long)alias;
#endif
		dst += n;
		len -= n;
	}
	preempt_disable();
	__flush_tlb_all();
	sync_core();
	preempt_enable();
	migrate_enable();
	return err;
}

void *kbpf_arena_alloc(size_t size)
{
	long off;

	mutex_lock(&arena_lock);
	off = kbpf_pack_alloc(&arena_pack, size);
	mutex_unlock(&arena_lock);
	return off < 0 ? NULL : kbpf_arena_text + off;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_arena_alloc);

int kbpf_arena_write(void *dst, const void *src, size_t len)
{
	int err;

	might_sleep();
	if (!len)
		return 0;
	if (WARN_ON_ONCE(!kbpf_arena_contains(dst, len)))
		return -EINVAL;

	mutex_lock(&arena_lock);
	/* A write past its own allocation would corrupt a live program. */
	if (WARN_ON_ONCE(!kbpf_pack_owns(&arena_pack,
					 (u8 *)dst - kbpf_arena_text, len))) {
		err = -EINVAL;
		goto out;
	}
	err = arena_poke(dst, src, 0, len);
out:
	mutex_unlock(&arena_lock);
	return err;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_arena_write);

void kbpf_arena_free(void *addr)
{
	long len;

	might_sleep();
	if (!addr)
		return;
	if (WARN_ON_ONCE(!kbpf_arena_contains(addr, 1)))
		return;

	mutex_lock(&arena_lock);
	len = kbpf_pack_free(&arena_pack, (u8 *)addr - kbpf_arena_text);
	/*
	 * Refilled before the lock drops: nobody can have it yet. Should a
	 * temporary mapping fail, the old code stays until the next program
	 * overwrites it; unreachable either way, just not int3.
	 */
	if (!WARN_ON_ONCE(len < 0))
		arena_poke(addr, NULL, ARENA_INT3, len);
	mutex_unlock(&arena_lock);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_arena_free);

/*
 * A return site of kbpf's own. The compiler ends it with "jmp
 * __x86_return_thunk", objtool lists that in .return_sites, and the module
 * loader (apply_returns()) rewrote it into a jump to the thunk the kernel
 * really uses, or into "ret" where it wants none. Never called, only read.
 */
static noinline notrace void arena_return_probe(void)
{
}

static void *arena_find_return_thunk(void)
{
	const u8 *p = (const u8 *)arena_return_probe;
	u32 endbr;
	s32 rel;

	if (!IS_ENABLED(CONFIG_RETHUNK) ||
	    !cpu_feature_enabled(X86_FEATURE_RETHUNK))
		return NULL;
	/*
	 * Offsets into a function are not call targets: keep the compiler
	 * from folding them into relocations, which objtool --ibt flags.
	 */
	OPTIMIZER_HIDE_VAR(p);
	memcpy(&endbr, p, sizeof(endbr));
	if (is_endbr(endbr))
		p += sizeof(endbr);
	if (p[0] == 0xe9) {		/* jmp rel32 */
		memcpy(&rel, p + 1, sizeof(rel));
		return (void *)(p + 5 + rel);
	}
#ifdef CONFIG_MITIGATION_ITS
	/*
	 * Return thunks wanted, yet this site got a ret: only the ITS thunk
	 * is skipped, and only at some addresses. Code elsewhere needs it.
	 */
	if (p[0] == 0xc3)
		return its_return_thunk;
#endif
	pr_warn("arena: unexpected return site %5ph, using __x86_return_thunk\n",
		p);
	return __x86_return_thunk;
}

void *kbpf_arena_return_thunk(void)
{
	return arena_return_thunk;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_arena_return_thunk);

void kbpf_arena_emit_return(struct kbpf_x86 *e)
{
	if (arena_return_thunk)
		kbpf_x86_jmp_abs(e, (unsigned long)arena_return_thunk);
	else
		kbpf_x86_ret(e);
	/* No straight-line speculation past it, as in the kernel's own code. */
	kbpf_x86_int3(e);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_arena_emit_return);

#ifdef CONFIG_RETPOLINE
/* The thunks, in machine register order, as the kernel defines them. */
static void *const arena_indirect_thunks[] = {
#define GEN(reg) __x86_indirect_thunk_ ## reg,
#include <asm/GEN-for-each-reg.h>
#undef GEN
};
#endif

void kbpf_arena_emit_indirect_jump(struct kbpf_x86 *e, int reg)
{
#ifdef CONFIG_RETPOLINE
	if (reg >= 0 && reg < ARRAY_SIZE(arena_indirect_thunks))
		kbpf_x86_jmp_abs(e, (unsigned long)arena_indirect_thunks[reg]);
	else
		kbpf_x86_jmp_reg(e, reg);	/* the encoder reports the error */
#else
	kbpf_x86_jmp_reg(e, reg);
#endif
	kbpf_x86_int3(e);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_arena_emit_indirect_jump);

/*
 * Prove on every load that code written here runs, so that a kernel that
 * maps module text differently fails insmod rather than the first program.
 */
static int arena_self_test(void)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)kbpf_arena_text, &level);
	u32 (*fn)(void);
	struct kbpf_x86 e;
	u8 code[32];
	void *p;
	int err;

	/* Only run it if it is mapped the way module text should be. */
	if (!pte || !pte_present(*pte) || pte_write(*pte) || !pte_exec(*pte)) {
		pr_err("arena: module text is not read-only and executable\n");
		return -ENOEXEC;
	}
	p = kbpf_arena_alloc(sizeof(code));
	if (!p)
		return -ENOMEM;
	kbpf_x86_init(&e, code, sizeof(code), (unsigned long)p);
	kbpf_x86_endbr64(&e);
	kbpf_x86_mov_imm32(&e, false, KBPF_X86_RAX, ARENA_SELF_TEST_MAGIC);
	kbpf_arena_emit_return(&e);
	err = kbpf_x86_error(&e);
	if (!err)
		err = kbpf_arena_write(p, code, kbpf_x86_len(&e));
	if (!err) {
		fn = p;
		if (fn() != ARENA_SELF_TEST_MAGIC)
			err = -ENOEXEC;
	}
	kbpf_arena_free(p);
	return err;
}

int kbpf_arena_init(void)
{
	int err;

	/* The section's alignment, kept by the module loader's layout. */
	if (WARN_ON(!PAGE_ALIGNED(kbpf_arena_text)))
		return -EINVAL;
	err = kbpf_pack_init(&arena_pack, KBPF_ARENA_SIZE);
	if (err)
		return err;
	/* The loader zero-fills NOBITS; 00 00 is "add %al,(%rax)", not a trap. */
	err = arena_poke(kbpf_arena_text, NULL, ARENA_INT3, KBPF_ARENA_SIZE);
	if (err)
		goto err_pack;
	arena_return_thunk = arena_find_return_thunk();
	err = arena_self_test();
	if (err)
		goto err_pack;
	if (arena_return_thunk)
		pr_info("arena: %d KiB, returns through %ps\n",
			KBPF_ARENA_SIZE >> 10, arena_return_thunk);
	else
		pr_info("arena: %d KiB, plain returns\n", KBPF_ARENA_SIZE >> 10);
	return 0;

err_pack:
	kbpf_pack_destroy(&arena_pack);
	return err;
}

void kbpf_arena_exit(void)
{
	/* Every program's image is freed before the module can go. */
	WARN_ON(kbpf_pack_free_bytes(&arena_pack) != KBPF_ARENA_SIZE);
	kbpf_pack_destroy(&arena_pack);
}
