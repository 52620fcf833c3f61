// SPDX-License-Identifier: GPL-2.0
/*
 * Executable memory for the host build (see exec.h): JITed code runs
 * natively in tests, fuzzers and the raw bytecode runner.
 *
 * Helper calls are rel32, so an image must lie within 2 GiB of every
 * helper, which all sit in the binary's text next to kbpf_call_base.
 * Nearer is faster: on the AMD Zen 5 this is measured on, a call or jump
 * whose target lies in another 16 MiB-aligned region than itself costs
 * about a cycle more each time (the branch predictor seems to keep only
 * the target's low 24 bits): make bench-engine's calls, 256 helper calls
 * a run, took 1.25x native C's time from an image 40 MiB away, and 1.01x
 * from one in the text's region, same bytes. So small images come first
 * from chunks in the text's own EXEC_WINDOW-aligned region, as kbpf.ko's
 * arena lies in its module text next to its helpers, and only when that
 * region has no room left from chunks further away.
 *
 * Memory comes in chunks, each a memfd mapped twice: read+exec at a fixed
 * address tried at growing distances from kbpf_call_base
 * (MAP_FIXED_NOREPLACE, so nothing already mapped is touched), and
 * read+write wherever mmap likes. Code runs from the first view and is
 * written through the second: no mapping is ever writable and executable,
 * and no page changes protection, so allocating, writing and freeing an
 * image need no system call (a fuzzer compiles thousands of programs a
 * second; mprotect's TLB shootdowns made that the dominant cost).
 *
 * An image is a header page (read-only where the code runs) then its code
 * pages. Images of up to EXEC_BUCKETS pages are recycled: freeing one
 * fills it with int3 again and queues it behind the others of its size,
 * so a stale call traps, and a freed image is reused as late as possible.
 * Bigger images get a chunk of their own, unmapped when freed.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include <sys/mman.h>

#include "exec.h"
#include "x86_emit.h"

#define EXEC_STEP	(64UL << 20)	/* between two tried addresses */
#define EXEC_REACH	(1UL << 30)	/* stay this close to the text */
#define EXEC_CHUNK	(16UL << 20)	/* shared by the small images */
#define EXEC_WINDOW	(16UL << 20)	/* the text's region (alignment) */
#define EXEC_WINDOW_CHUNK (512UL << 10) /* chunks cut from it */
#define EXEC_BUCKETS	64		/* pages: the largest recycled image */
#define EXEC_INT3	0xcc

struct exec_header {
	long rw_delta;		/* writable view minus executable view */
	size_t pages;		/* code pages */
	size_t code_len;	/* what the caller asked for */
	bool own_chunk;		/* unmapped when freed */
	struct exec_header *next;	/* free queue, executable view */
};

struct exec_queue {
	struct exec_header *head, *tail;
};

static DEFINE_MUTEX(exec_lock);
static unsigned long exec_last_hint;
/* No EXEC_WINDOW_CHUNK fits in the text's region any more. */
static bool exec_window_full;
/* The chunk small images are cut from: [next, end) is unused. */
static u8 *exec_next, *exec_end;
static long exec_delta;
static struct exec_queue exec_free_queue[EXEC_BUCKETS + 1];

static void *exec_map_at(unsigned long hint, size_t len, int fd)
{
	void *p = mmap((void *)hint, len, PROT_READ | PROT_EXEC,
		       MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Kernels before 4.17 take the flag as a mere hint. */
	if (p != (void *)hint) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

/*
 * The executable view of fd in the text's EXEC_WINDOW-aligned region, at
 * a multiple of len, or NULL. Only below the program break: the heap
 * grows above it, and a mapping there would stop it.
 */
static void *exec_map_window(size_t len, int fd)
{
	unsigned long lo = (unsigned long)kbpf_call_base & ~(EXEC_WINDOW - 1);
	unsigned long hi = min(lo + EXEC_WINDOW, (unsigned long)sbrk(0));
	unsigned long at;
	void *p;

	for (at = lo; at + len <= hi; at += len) {
		p = exec_map_at(at, len, fd);
		if (p)
			return p;
	}
	return NULL;
}

/*
 * The executable view of fd: in the text's region if window and it has
 * room, else within EXEC_REACH of the text; or NULL.
 */
static void *exec_map_near(size_t len, int fd, bool window)
{
	unsigned long text = (unsigned long)kbpf_call_base & ~(EXEC_STEP - 1);
	unsigned long d;
	void *p = NULL;

	if (window) {
		p = exec_map_window(len, fd);
		if (p)
			return p;
		exec_window_full = true;
	}
	/* Right after the last chunk, if that is still close enough. */
	if (exec_last_hint && exec_last_hint + len < text + EXEC_REACH &&
	    exec_last_hint + EXEC_REACH > text) {
		p = exec_map_at(exec_last_hint, len, fd);
		if (p) {
			exec_last_hint += len;
			return p;
		}
	}
	for (d = EXEC_STEP; d + len < EXEC_REACH; d += EXEC_STEP) {
		p = exec_map_at(text + d, len, fd);
		if (!p && text > d)
			p = exec_map_at(text - d, len, fd);
		if (p)
			break;
	}
	if (p)
		exec_last_hint = (unsigned long)p + len;
	return p;
}

/*
 * A chunk of len bytes, both views; its executable one, or NULL. In the
 * text's region only if window: the pool's chunks, never unmapped, so
 * that region fills once and stays full.
 */
static u8 *exec_chunk_map(size_t len, long *delta, bool window)
{
	int fd = memfd_create("kbpf-jit", MFD_CLOEXEC);
	void *rw = MAP_FAILED, *rx = NULL;

	if (fd < 0)
		return NULL;
	if (!ftruncate(fd, len))
		rw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (rw != MAP_FAILED) {
		rx = exec_map_near(len, fd, window);
		if (!rx)
			munmap(rw, len);
	}
	/* The mappings keep the memory. */
	close(fd);
	if (!rx)
		return NULL;
	*delta = (u8 *)rw - (u8 *)rx;
	return rx;
}

static void *exec_rw(const void *rx, long delta)
{
	return (u8 *)rx + delta;
}

static struct exec_header *exec_header(void *addr)
{
	return (struct exec_header *)((u8 *)addr - PAGE_SIZE);
}

/* A header page and pages of code, from a queue or the shared chunk. */
static struct exec_header *exec_get(size_t pages)
{
	struct exec_queue *q = &exec_free_queue[pages];
	size_t len = (pages + 1) * PAGE_SIZE;
	struct exec_header *h = q->head, *w;

	if (h) {
		q->head = h->next;
		if (!q->head)
			q->tail = NULL;
		return h;
	}
	if (exec_end - exec_next < (long)len) {
		bool window = !exec_window_full;
		size_t size = window ? EXEC_WINDOW_CHUNK : EXEC_CHUNK;
		long delta;
		u8 *rx = exec_chunk_map(size, &delta, window);

		if (!rx)
			return NULL;
		/* The old chunk's tail stays unused. */
		exec_next = rx;
		exec_end = rx + size;
		exec_delta = delta;
	}
	h = (struct exec_header *)exec_next;
	exec_next += len;
	w = exec_rw(h, exec_delta);
	w->rw_delta = exec_delta;
	w->pages = pages;
	w->own_chunk = false;
	memset((u8 *)w + PAGE_SIZE, EXEC_INT3, pages * PAGE_SIZE);
	return h;
}

void *kbpf_exec_alloc(size_t size)
{
	size_t pages = DIV_ROUND_UP(size, PAGE_SIZE);
	struct exec_header *h, *w;
	long delta;

	if (!size)
		return NULL;
	if (pages > EXEC_BUCKETS) {
		h = (struct exec_header *)exec_chunk_map((pages + 1) * PAGE_SIZE,
							 &delta, false);
		if (!h)
			return NULL;
		w = exec_rw(h, delta);
		w->rw_delta = delta;
		w->pages = pages;
		w->own_chunk = true;
		memset((u8 *)w + PAGE_SIZE, EXEC_INT3, pages * PAGE_SIZE);
	} else {
		mutex_lock(&exec_lock);
		h = exec_get(pages);
		mutex_unlock(&exec_lock);
		if (!h)
			return NULL;
		w = exec_rw(h, h->rw_delta);
	}
	w->code_len = size;
	w->next = NULL;
	return (u8 *)h + PAGE_SIZE;
}

int kbpf_exec_write(void *dst, const void *src, size_t len)
{
	struct exec_header *h = exec_header(dst);

	if (!len)
		return 0;
	if (WARN_ON_ONCE(len > h->code_len))
		return -EINVAL;
	memcpy(exec_rw(dst, h->rw_delta), src, len);
	/* x86 keeps instruction fetch coherent with stores to any alias. */
	__builtin___clear_cache((char *)dst, (char *)dst + len);
	return 0;
}

void kbpf_exec_free(void *addr)
{
	struct exec_header *h, *w;
	struct exec_queue *q;

	if (!addr)
		return;
	h = exec_header(addr);
	w = exec_rw(h, h->rw_delta);
	if (h->own_chunk) {
		munmap(w, (h->pages + 1) * PAGE_SIZE);
		munmap(h, (h->pages + 1) * PAGE_SIZE);
		return;
	}
	memset(exec_rw(addr, h->rw_delta), EXEC_INT3, h->pages * PAGE_SIZE);
	w->next = NULL;
	mutex_lock(&exec_lock);
	q = &exec_free_queue[h->pages];
	if (q->tail)
		((struct exec_header *)exec_rw(q->tail, q->tail->rw_delta))->next = h;
	else
		q->head = h;
	q->tail = h;
	mutex_unlock(&exec_lock);
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
