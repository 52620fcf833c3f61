/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The execution engine's contract: how a program is run, and what the
 * xlated instructions (the verifier's output) mean to the two runtimes,
 * the interpreter (jit/interp.c) and the x86-64 JIT. Whatever the verifier
 * writes, both runtimes read the same way; a program gives the same R0,
 * memory and stack under either.
 *
 * Running.  A runtime is a function
 *
 *	u64 bpf_func(const void *ctx, const struct kbpf_code *code)
 *
 * called with R1 = ctx, returning R0 whole (Linux's bpf_func returns
 * unsigned int; callers that want Linux's u32 truncate). Unlike Linux,
 * whose second argument is the instruction array, kbpf passes the
 * struct kbpf_code being run: the interpreter needs the stack depth next
 * to the instructions, and a tail call needs both of its target. JITed
 * code ignores the argument.
 *
 * Registers.  R0-R10 as in the ISA; R10 is read-only and points just past
 * the current frame's stack. All registers start at zero except R1 (ctx)
 * and R10; Linux's interpreter does the same, and test_bpf relies on it.
 *
 * Helper calls: BPF_JMP | BPF_CALL, src_reg 0 (or BPF_PSEUDO_KFUNC_CALL).
 *	After fix-up, imm = helper address - kbpf_call_base, as a signed
 *	32-bit displacement: Linux's encoding, with kbpf_call_base in the
 *	role of __bpf_call_base. The JIT emits a direct `call rel32` to
 *	kbpf_call_base + imm (its image lives within 2 GiB of kbpf's text,
 *	in the kernel and in the host build alike); the interpreter calls
 *	the same address through a pointer. There is no table to keep in
 *	sync, and each call site may name a different implementation of one
 *	helper id (a map type's own lookup, say). Helpers take R1-R5, return
 *	R0 and may clobber R1-R5; R6-R9 and R10 survive. A helper that cannot
 *	be reached in 32 bits (kbpf_call_imm() says so) cannot be called.
 *
 * bpf-to-bpf calls: BPF_JMP | BPF_CALL, src_reg BPF_PSEUDO_CALL.
 *	imm = callee's first insn - (this insn + 1), as in the uapi. off,
 *	reserved (zero) in the uapi, holds after fix-up the callee's stack
 *	depth in bytes (0..KBPF_MAX_STACK), which gives every frame its own
 *	stack of exactly what its subprogram declared; the JIT, which sizes
 *	frames from the subprogram info, may ignore it. The callee sees the
 *	caller's R1-R5 as arguments and R10 pointing at its own frame; R6-R9
 *	and R10 are restored when it exits. At most KBPF_MAX_CALL_FRAMES
 *	frames, the main program's included, as Linux's verifier enforces.
 *
 * Tail calls: BPF_JMP | BPF_TAIL_CALL (the verifier's rewrite of
 *	`call bpf_tail_call`), R1 = ctx, R2 = the prog array's struct
 *	kbpf_map, R3 = index (its low 32 bits). Counted like Linux: when
 *	index >= max_entries, or KBPF_MAX_TAIL_CALL_CNT tail calls have
 *	already been taken in this run, or the slot is empty, execution goes
 *	on with the next instruction; otherwise the count goes up by one and
 *	the target replaces the current program (and frame) without
 *	returning. A run can thus execute KBPF_MAX_TAIL_CALL_CNT + 1 programs.
 *
 * Callbacks: LD_IMM64 with src_reg BPF_PSEUDO_FUNC loads a callback for
 *	bpf_loop() or bpf_for_each_map_elem(). imm = the callback's first
 *	insn - (this insn + 1), as in the uapi; after fix-up off holds the
 *	callback's stack depth (as a call's off does) and the second half's
 *	imm the load's ordinal among the program's PSEUDO_FUNC loads. The
 *	value is a pointer to a struct kbpf_callback, which a helper calls
 *	with kbpf_callback_call(): its first word is a C function taking the
 *	callback's R1-R5 and the descriptor itself. The JIT puts one word
 *	per callback in the image, pointing at a stub that saves what C
 *	expects kept and calls the JITed function (R1-R5 are already the
 *	SysV argument registers); the interpreter hands out code->callbacks
 *	(kbpf_prog_select_runtime() fills them), whose function runs the
 *	callback in a nested interpreter. Either way the helper neither
 *	knows nor cares which runtime it serves. The verifier bounds the
 *	nesting: a callback's frame counts towards KBPF_MAX_CALL_FRAMES and
 *	its stack towards the chain's KBPF_MAX_STACK.
 *
 * Legacy packet loads: LD | ABS/IND | B/H/W read the sk_buff in R6 (see
 *	kbpf_ld_abs()); R0 = the value in host order. A load outside the
 *	packet returns 0 from the current function, as Linux's rewrite of
 *	these instructions does (Linux allows them only without subprograms,
 *	so in practice the program returns 0).
 *
 * Faults the interpreter itself catches (a call beyond the frame limit or
 * the stack, an opcode it does not know) end the run with R0 = 0. The
 * verifier makes them unreachable; they are there so that a program run
 * without it (tests, the raw bytecode runner) cannot take the kernel down.
 */
#ifndef KBPF_ENGINE_H
#define KBPF_ENGINE_H

#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/map.h>

/* Linux's MAX_BPF_STACK: bytes of stack one frame may use. */
#define KBPF_MAX_STACK		512
/* Linux 6.1's MAX_TAIL_CALL_CNT: tail calls taken per run. */
#define KBPF_MAX_TAIL_CALL_CNT	33
/* Linux's MAX_CALL_FRAMES: the main program plus 7 nested calls. */
#define KBPF_MAX_CALL_FRAMES	8

struct kbpf_code;
struct sk_buff;

/* A runtime entry point; see the top of this file. */
typedef u64 (*kbpf_func_t)(const void *ctx, const struct kbpf_code *code);

/* The signature of every helper a program calls. */
typedef u64 (*kbpf_helper_t)(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

struct kbpf_callback;

/* A callback as C calls it: R1-R5, then the descriptor. */
typedef u64 (*kbpf_callback_fn)(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5,
				const struct kbpf_callback *cb);

/*
 * What LD_IMM64 BPF_PSEUDO_FUNC loads (see the top of this file). A
 * helper reads func only: the JIT's descriptors are that one word.
 */
struct kbpf_callback {
	kbpf_callback_fn func;
	/* The interpreter's: the program, the callback's start and depth. */
	const struct kbpf_code *code;
	const struct bpf_insn *insn;
	u32 stack_depth;
};

static inline u64 kbpf_callback_call(u64 callback, u64 r1, u64 r2, u64 r3,
				     u64 r4, u64 r5)
{
	const struct kbpf_callback *cb =
		(const struct kbpf_callback *)(unsigned long)callback;

	return cb->func(r1, r2, r3, r4, r5, cb);
}

/*
 * What the runtimes need of a program, apart from struct kbpf_prog (ids,
 * fds, maps) so the engine depends on nothing else; struct kbpf_prog
 * embeds one, and a prog array points to them.
 */
struct kbpf_code {
	kbpf_func_t bpf_func;		/* kbpf_interp_run or the JIT image */
	const struct bpf_insn *insnsi;	/* the xlated program */
	u32 len;			/* instructions in insnsi */
	u32 stack_depth;		/* main program's frame, <= KBPF_MAX_STACK */
	bool jited;			/* bpf_func is a JIT image ... */
	u32 jited_len;			/* ... of this many bytes */
	/* The interpreter's callbacks, by PSEUDO_FUNC load ordinal. */
	struct kbpf_callback *callbacks;
	u32 nr_callbacks;
};

/*
 * BPF_MAP_TYPE_PROG_ARRAY as the runtimes see it: R2 of a tail call points
 * at map, max_entries bounds the index, and a slot is a program or NULL.
 * Slots change under RCU while programs run; a runtime reads each once.
 * All programs of one array share one runtime (all JITed or none), as in
 * Linux, so a tail call never crosses from the interpreter to a JIT image.
 */
struct kbpf_prog_array_owner {
	bool set;
	bool jited;
	bool xdp_has_frags;
	u32 type;			/* enum bpf_prog_type */
	u32 expected_attach_type;
};

struct kbpf_prog_array {
	struct kbpf_map map;
	/*
	 * The first program that uses the array or is put in it fixes the
	 * type, attach type, runtime and XDP frags every other must have
	 * (Linux's map->owner); maps/fd_array.c checks under owner_lock.
	 */
	spinlock_t owner_lock;
	struct kbpf_prog_array_owner owner;
	struct kbpf_code *ptrs[];
};

/*
 * Linux's bpf_prog_map_compatible(): true when a program like want may
 * share the array's slots (making it the owner if there is none yet).
 */
bool kbpf_prog_array_compatible(struct kbpf_map *map,
				const struct kbpf_prog_array_owner *want);

static inline u64 kbpf_code_run(const struct kbpf_code *code, const void *ctx)
{
	return code->bpf_func(ctx, code);
}

/*
 * The anchor of helper call displacements: a function that returns 0, so
 * a call with imm = 0 is harmless. Its address is all that matters.
 */
u64 kbpf_call_base(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

/*
 * The imm of a call to fn; false (and *imm 0) when fn is beyond 32-bit
 * reach. *imm is always written, so no caller reads it uninitialised.
 */
static inline bool kbpf_call_imm(kbpf_helper_t fn, s32 *imm)
{
	long delta = (long)fn - (long)kbpf_call_base;

	*imm = delta == (s32)delta ? (s32)delta : 0;
	return delta == (s32)delta;
}

static inline kbpf_helper_t kbpf_call_target(s32 imm)
{
	return (kbpf_helper_t)((unsigned long)kbpf_call_base + (long)imm);
}

/*
 * LD_ABS/LD_IND: size (1, 2 or 4) bytes at off in skb's packet, as a
 * big-endian number. A negative off is Linux's: from SKF_NET_OFF relative
 * to the network header, from SKF_LL_OFF to the link-layer header. Returns
 * the value, or a negative errno when the bytes are not in the packet.
 * A helper in form, so the JIT can call it as well.
 */
s64 kbpf_ld_abs(const struct sk_buff *skb, s32 off, u32 size);

#endif /* KBPF_ENGINE_H */
