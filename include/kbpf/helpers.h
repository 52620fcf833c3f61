/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helper descriptions, named after Linux's struct bpf_func_proto: what a
 * helper takes and returns, for the verifier, and where it lives, for the
 * fix-up that turns `call HELPER_ID` into a call displacement (engine.h).
 * The verifier knows nothing about any helper beyond what its proto says.
 *
 * An argument or return type is a base type plus flags, as in Linux 6.1:
 * KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY is "pointer to memory the helper
 * only reads", KBPF_RET_PTR_TO_MAP_VALUE | KBPF_PTR_MAYBE_NULL is
 * bpf_map_lookup_elem()'s return. Shared core: builds in the kernel and in
 * the host library.
 */
#ifndef KBPF_HELPERS_H
#define KBPF_HELPERS_H

#include <kbpf/kapi.h>
#include <kbpf/engine.h>

/* Flags over the base types, in the bits above KBPF_BASE_TYPE_MASK. */
#define KBPF_BASE_TYPE_BITS	8
#define KBPF_BASE_TYPE_MASK	((1u << KBPF_BASE_TYPE_BITS) - 1)
#define KBPF_PTR_MAYBE_NULL	(1u << 8)	/* NULL allowed / possible */
#define KBPF_MEM_RDONLY		(1u << 9)	/* helper only reads the memory */
#define KBPF_MEM_UNINIT		(1u << 10)	/* may be uninitialised: helper writes it */
#define KBPF_MEM_FIXED_SIZE	(1u << 11)	/* size is arg_size[i], no size arg */
#define KBPF_OBJ_RELEASE	(1u << 12)	/* helper releases this reference */

static inline u32 kbpf_base_type(u32 type)
{
	return type & KBPF_BASE_TYPE_MASK;
}

enum kbpf_arg_type {
	KBPF_ARG_DONTCARE = 0,		/* unused argument */
	KBPF_ARG_CONST_MAP_PTR,		/* a map from LD_IMM64 of a map fd */
	KBPF_ARG_PTR_TO_MAP_KEY,	/* key_size bytes of the map in arg 1 */
	KBPF_ARG_PTR_TO_MAP_VALUE,	/* value_size bytes of that map */
	KBPF_ARG_PTR_TO_MEM,		/* memory whose size is the next arg */
	KBPF_ARG_CONST_SIZE,		/* size of the previous arg, > 0 */
	KBPF_ARG_CONST_SIZE_OR_ZERO,	/* size of the previous arg, >= 0 */
	KBPF_ARG_PTR_TO_CTX,		/* the program's context */
	KBPF_ARG_ANYTHING,		/* any initialised value */
	KBPF_ARG_PTR_TO_SOCK_COMMON,
	KBPF_ARG_PTR_TO_SOCKET,
	KBPF_ARG_PTR_TO_ALLOC_MEM,	/* ringbuf record from reserve */
	KBPF_ARG_CONST_ALLOC_SIZE_OR_ZERO, /* size of memory a helper returns */
	KBPF_ARG_PTR_TO_FUNC,		/* callback: LD_IMM64 BPF_PSEUDO_FUNC */
	KBPF_ARG_PTR_TO_STACK,		/* pointer into the program's stack */
	KBPF_ARG_PTR_TO_CONST_STR,	/* NUL-terminated string in a frozen rdonly map */
	KBPF_ARG_PTR_TO_INT,		/* 4 bytes the helper writes */
	KBPF_ARG_PTR_TO_LONG,		/* 8 bytes the helper writes */
	__KBPF_ARG_TYPE_MAX,
};

enum kbpf_return_type {
	KBPF_RET_INTEGER,		/* R0 is a scalar */
	KBPF_RET_VOID,			/* R0 is not initialised */
	KBPF_RET_PTR_TO_MAP_VALUE,	/* value of the map in arg 1 */
	KBPF_RET_PTR_TO_SOCKET,
	KBPF_RET_PTR_TO_TCP_SOCK,
	KBPF_RET_PTR_TO_SOCK_COMMON,
	KBPF_RET_PTR_TO_ALLOC_MEM,	/* ret_size-able memory (ringbuf reserve) */
	__KBPF_RET_TYPE_MAX,
};

struct kbpf_func_proto {
	kbpf_helper_t func;
	const char *name;		/* "bpf_map_lookup_elem", for the log */
	bool gpl_only;			/* refused to non-GPL programs */
	bool pkt_access;		/* may take packet pointers as memory */
	bool might_sleep;		/* only for sleepable programs */
	u32 ret_type;			/* enum kbpf_return_type | flags */
	u32 arg_type[5];		/* enum kbpf_arg_type | flags */
	u32 arg_size[5];		/* for KBPF_MEM_FIXED_SIZE args */
	/* The returned pointer is a reference to release (socket lookups, ringbuf reserve). */
	bool ret_acquires_ref;
};

struct kbpf_prog;

/*
 * The proto of helper func_id (Linux's enum bpf_func_id number) for a
 * program of prog_type loaded for expected attach type eat (some helpers
 * differ by it, as kprobe_multi's bpf_get_func_ip), or NULL when that
 * program may not call it. Linux's bpf_verifier_ops.get_func_proto, one
 * switch per program type.
 */
const struct kbpf_func_proto *kbpf_get_func_proto(u32 prog_type, u32 eat,
						  u32 func_id);

/*
 * Linux's proto lookup asks bpf_capable() and perfmon_capable() of the
 * loading task (unprivileged programs get fewer helpers).
 * kbpf_get_func_proto() asks the current task, like Linux; the _caps form
 * takes the answers as a mask, for a verifier that recorded them at load
 * time and for tests.
 */
#define KBPF_CAP_BPF		(1u << 0)	/* bpf_capable() */
#define KBPF_CAP_PERFMON	(1u << 1)	/* perfmon_capable() */

const struct kbpf_func_proto *kbpf_get_func_proto_attach(u32 prog_type,
							 u32 eat, u32 func_id,
							 u32 caps);
/* The same for expected attach type 0. */
const struct kbpf_func_proto *kbpf_get_func_proto_caps(u32 prog_type,
						       u32 func_id, u32 caps);
/* The KBPF_CAP_* mask of the current task. */
u32 kbpf_current_caps(void);

/* State of the helpers (the per-CPU random state): module load, unload. */
int kbpf_helpers_init(void);
void kbpf_helpers_exit(void);

/*
 * bpf_trace_printk()'s output: a ring of the last messages, read as
 * trace_pipe-like lines ("<comm>-<pid> [<cpu>] <s>.<us>: bpf_trace_printk:
 * <msg>"). kbpf_trace_pipe_init() at module load (before any program can
 * run), _exit() at unload. _read() consumes whole lines that fit in size
 * (with a NUL after them) and returns their length, 0 when none is
 * pending; notify, when set, is called after each message (from any
 * context, NMI included, so it may only queue work).
 */
int kbpf_trace_pipe_init(void);
void kbpf_trace_pipe_exit(void);
size_t kbpf_trace_pipe_read(char *buf, size_t size);
bool kbpf_trace_pipe_pending(void);
/* Messages overwritten before being read, or dropped in NMI. */
u64 kbpf_trace_pipe_lost(void);
void kbpf_trace_pipe_set_notify(void (*notify)(void));

#endif /* KBPF_HELPERS_H */
