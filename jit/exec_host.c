// SPDX-License-Identifier: GPL-2.0
/*
 * Executable memory for the host build (see exec.h): JITed code runs
 * natively in tests, fuzzers and the raw bytecode runner.
 *
 * Helper calls are rel32, so an image must lie within 2 GiB of every
 * helper, which all sit in the binary's text next to kbpf_call_base.
 * Each allocation is its own mapping at a fixed address tried at growing
 * distances from kbpf_call_base, MAP_FIXED_NOREPLACE so nothing already
 * mapped is touched. A read-only header page in front records the size.
 * Code pages are never writable and executable at once: writes go
 * through mprotect(RW), then back to RX.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include <sys/mman.h>

#include "exec.h"
#include "x86_emit.h"

#define EXEC_STEP	(64UL << 20)	/* between two tried addresses */
#define EXEC_REACH	(1UL << 30)	/* stay this close to the text */
#define EXEC_INT3	0xcc

struct exec_header {
	size_t map_len;		/* the whole mapping, header included */
	size_t code_len;	/* what the caller asked for */
};

static DEFINE_MUTEX(exec_lock);
static unsigned long exec_last_hint;

static void *exec_map_at(unsigned long hint, size_t len)
{
	void *p = mmap((void *)hint, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Kernels before 4.17 take the flag as a mere hint. */
	if (p != (void *)hint) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

/* A mapping of len bytes within EXEC_REACH of the text, or NULL. */
static void *exec_map_near(size_t len)
{
	unsigned long text = (unsigned long)kbpf_call_base & ~(EXEC_STEP - 1);
	unsigned long d;
	void *p;

	if (exec_last_hint) {
		p = exec_map_at(exec_last_hint, len);
		if (p)
			return p;
	}
	for (d = EXEC_STEP; d + len < EXEC_REACH; d += EXEC_STEP) {
		p = exec_map_at(text + d, len);
		if (!p && text > d)
			p = exec_map_at(text - d, len);
		if (p) {
			exec_last_hint = (unsigned long)p;
			return p;
		}
	}
	return NULL;
}

static struct exec_header *exec_header(void *addr)
{
	return (struct exec_header *)((u8 *)addr - PAGE_SIZE);
}

void *kbpf_exec_alloc(size_t size)
{
	size_t len = round_up(size, PAGE_SIZE) + PAGE_SIZE;
	struct exec_header *h;
	u8 *code;

	if (!size)
		return NULL;
	mutex_lock(&exec_lock);
	h = exec_map_near(len);
	mutex_unlock(&exec_lock);
	if (!h)
		return NULL;
	h->map_len = len;
	h->code_len = size;
	code = (u8 *)h + PAGE_SIZE;
	memset(code, EXEC_INT3, len - PAGE_SIZE);
	if (mprotect(h, len, PROT_READ) ||
	    mprotect(code, len - PAGE_SIZE, PROT_READ | PROT_EXEC)) {
		munmap(h, len);
		return NULL;
	}
	return code;
}

int kbpf_exec_write(void *dst, const void *src, size_t len)
{
	struct exec_header *h = exec_header(dst);
	size_t n = h->map_len - PAGE_SIZE;

	if (!len)
		return 0;
	if (WARN_ON_ONCE(len > h->code_len))
		return -EINVAL;
	if (mprotect(dst, n, PROT_READ | PROT_WRITE))
		return -errno;
	memcpy(dst, src, len);
	if (mprotect(dst, n, PROT_READ | PROT_EXEC))
		return -errno;
	__builtin___clear_cache((char *)dst, (char *)dst + len);
	return 0;
}

void kbpf_exec_free(void *addr)
{
	struct exec_header *h;

	if (!addr)
		return;
	h = exec_header(addr);
	munmap(h, h->map_len);
}

void kbpf_exec_emit_return(struct kbpf_x86 *e)
{
	kbpf_x86_ret(e);
	kbpf_x86_int3(e);
}

void kbpf_exec_emit_indirect_jump(struct kbpf_x86 *e, int reg)
{
	kbpf_x86_jmp_reg(e, reg);
	kbpf_x86_int3(e);
}
