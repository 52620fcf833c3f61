/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differential fuzzer's program generator: turns arbitrary bytes into
 * a structurally valid eBPF program whose result is fully defined, so the
 * interpreter and every JIT must agree on it to the bit.
 *
 * The program gets R1 = a buffer of FZ_MEM_LEN bytes and sets R2 to
 * FZ_DATA_LEN, the part it reads and writes freely (the rest is where it
 * leaves what the caller compares). Every access is in bounds by
 * construction: R6 holds the buffer and R10 the frame in every function,
 * and an address is one of them plus a constant in range, or plus a
 * scalar masked to a range the constant leaves room for. Pointers never
 * flow into data (they differ between runs), and no register or stack
 * slot is read before it holds a defined value: the generator tracks the
 * registers holding defined scalars along every path (forward jumps merge
 * their state where they land, loop bodies never lose a register they
 * started with), and every function fills its frame first.
 *
 * On exit the main function copies R0-R9 (the defined ones) and its frame
 * into the buffer, and each subprogram its frame, so comparing R0 and the
 * buffer compares registers, memory and stacks.
 *
 * Two things reach outside the buffer, through pointers the caller puts
 * in it (the same in every run, so comparable): an sk_buff whose packet
 * is the data after its first FZ_PKT_OFF bytes, for LD_ABS and LD_IND,
 * and a prog array whose slot 0 holds a second generated program, the
 * tail call target (slot 1 is empty, 2 and up out of range).
 */
#ifndef KBPF_FUZZ_PROG_GEN_H
#define KBPF_FUZZ_PROG_GEN_H

#include <kbpf/kapi.h>
#include <kbpf/insn.h>

#include <stdio.h>

#define FZ_DATA_LEN		256	/* R2: what the program may touch */
#define FZ_MAIN_STACK		512	/* most stack the main function has */
#define FZ_SUB_STACK		64	/* most stack a subprogram has */
#define FZ_MAX_SUBS		4	/* subprograms besides the main one */

#define FZ_TAIL_STACK		64	/* most stack the tail call target has */

/*
 * The buffer: data, then the dumps the program writes on its way out
 * (frames of main, subprograms 1-4 and the tail call target, then main's
 * R0-R9), the count of the target's runs, then the pointers the caller
 * provides.
 */
#define FZ_OFF_MAIN_STACK	FZ_DATA_LEN
#define FZ_OFF_SUB_STACK(k)	(FZ_OFF_MAIN_STACK + FZ_MAIN_STACK + \
				 (k) * FZ_SUB_STACK)
#define FZ_OFF_TAIL_STACK	FZ_OFF_SUB_STACK(FZ_MAX_SUBS)
#define FZ_OFF_REGS		(FZ_OFF_TAIL_STACK + FZ_TAIL_STACK)
#define FZ_OFF_TAIL_RUNS	(FZ_OFF_REGS + 10 * 8)
#define FZ_OFF_SKB		(FZ_OFF_TAIL_RUNS + 8)	/* struct sk_buff * */
#define FZ_OFF_PROG_ARRAY	(FZ_OFF_SKB + 8)	/* struct kbpf_map * */
#define FZ_MEM_LEN		(FZ_OFF_PROG_ARRAY + 8)

/* The sk_buff: data at buffer + FZ_PKT_OFF, the link-layer header there. */
#define FZ_PKT_OFF		16
#define FZ_PKT_LEN		(FZ_DATA_LEN - FZ_PKT_OFF)
#define FZ_PKT_NET_OFF		(FZ_PKT_OFF + 14)	/* the network header */

struct fz_prog {
	struct bpf_insn *insns;
	u32 len;
	u32 stack_depth;		/* the main function's frame */
	u32 nr_funcs;			/* main included */
	u32 func_start[1 + FZ_MAX_SUBS];
	/* The tail call target: another program, of one function. */
	struct bpf_insn *tail_insns;
	u32 tail_len;
	u32 tail_stack_depth;
	u8 mem[FZ_MEM_LEN];		/* the buffer's initial contents */
};

/* Build p from data; 0, or -ENOMEM. Free with fz_prog_free(). */
int fz_generate(struct fz_prog *p, const u8 *data, size_t size);
void fz_prog_free(struct fz_prog *p);

/* One instruction in the verifier log's notation; insn[1] for LD_IMM64. */
void fz_disasm(const struct bpf_insn *insn, char *buf, size_t len);

/* Both programs, one numbered instruction a line. */
void fz_prog_print(FILE *f, const struct fz_prog *p);

/* Which part of the buffer offset off is in, for reports. */
const char *fz_mem_region(u32 off, u32 *rel);

#endif /* KBPF_FUZZ_PROG_GEN_H */
