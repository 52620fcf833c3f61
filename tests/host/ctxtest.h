/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the context access tests share: a table of a context's fields with
 * the accesses Linux 6.1 allows on each (and those kbpf refuses for now),
 * checked against a type's is_valid_access at every offset and size; and
 * running a context access through kbpf_ctx_convert() on the interpreter,
 * on a kernel object built in the test.
 */
#ifndef KBPF_TEST_CTXTEST_H
#define KBPF_TEST_CTXTEST_H

#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>

/* How a field may be accessed. */
enum ctx_mode {
	CTX_NO = 0,	/* refused, by Linux too */
	CTX_NARROW,	/* 1, 2, 4 (8) bytes, aligned, of a 4 (8) byte field */
	CTX_EXACT,	/* exactly the whole field */
	CTX_ANY,	/* 1 to 8 bytes, aligned, anywhere in the field (cb[]) */
	CTX_WORDS,	/* 8 bytes, aligned, anywhere in the field (pt_regs) */
	CTX_TODO,	/* Linux allows some access; kbpf refuses for now */
	CTX_OWN,	/* irregular; the test checks the field itself */
};

struct ctx_field {
	const char *name;
	int off;
	int size;
	enum ctx_mode read;
	enum ctx_mode write;
	u32 reg_type;		/* of a read; 0 means SCALAR_VALUE */
};

#define CTX_FIELD(TYPE, MEMBER, R, W, REG)				\
	{ #MEMBER, offsetof(TYPE, MEMBER), sizeof_field(TYPE, MEMBER),	\
	  R, W, REG }

/*
 * Every offset from before the context to past its end, every size, read
 * and write: is_valid_access allows exactly what the table says, and for
 * an allowed read gives its register type and ctx_field_size.
 */
void ctx_check_table(const struct kbpf_ctx_ops *ops, u32 attach_type,
		     const struct ctx_field *fields, u32 n);

/*
 * Load size bytes at off of the uapi context into dst from src (dst may be
 * src), rewritten as the verifier would, and run on ctx; returns the
 * value. *ok is false when is_valid_access or the rewrite refused it.
 */
u64 ctx_read(const struct kbpf_ctx_ops *ops, u32 attach_type, void *ctx,
	     int off, int size, u8 dst, u8 src, bool *ok);

/* Store the low size bytes of value at off of the uapi context, rewritten and run on ctx. */
bool ctx_write(const struct kbpf_ctx_ops *ops, u32 attach_type, void *ctx,
	       int off, int size, u64 value);

/*
 * What a read of size bytes at byte at of a field whose value is v should
 * give: those bytes (little-endian). As in Linux, a narrow read at least as
 * wide as the kernel's field (kernel_size bytes) gives the whole field.
 */
static inline u64 ctx_narrow_expect(u64 v, int kernel_size, int at, int size)
{
	if (size >= kernel_size)
		return v;
	if (size == 8)
		return v >> (8 * at);
	return (v >> (8 * at)) & ((1ULL << (8 * size)) - 1);
}

#endif /* KBPF_TEST_CTXTEST_H */
