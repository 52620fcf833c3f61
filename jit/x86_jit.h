/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 JIT: translates a struct kbpf_code's xlated instructions into
 * native code with the semantics of <kbpf/engine.h>, the same results as
 * the interpreter (jit/interp.c) on every program both accept.
 *
 * The translator is split by concern: x86_jit.c checks the program, lays
 * out its functions and runs the emission passes (prologues, epilogues,
 * calls, tail calls); x86_jit_alu.c translates ALU and jump instructions
 * and blinds constants; x86_jit_mem.c memory, atomics and packet loads.
 * runtime.c decides whether to use it.
 */
#ifndef KBPF_JIT_X86_JIT_H
#define KBPF_JIT_X86_JIT_H

#include <kbpf/engine.h>

/*
 * The most instructions the JIT takes (Linux's BPF_COMPLEXITY_LIMIT_INSNS);
 * longer programs are -E2BIG and stay on the interpreter.
 */
#define KBPF_JIT_MAX_INSNS	1000000

/*
 * Translate code and put the image in executable memory (jit/exec.h).
 * With blind, every constant the program chose is XORed with a random
 * value in the image and decoded at run time (constant blinding).
 *
 * On success code->bpf_func is the image, code->jited is set and
 * code->jited_len holds its length. On error code is left alone:
 *  -EINVAL  an instruction the JIT does not translate: unknown opcode,
 *           non-zero reserved field, a jump or call out of its function,
 *           a function that can run off its end, recursion, too deep a
 *           call chain, more stack than a run may use;
 *  -E2BIG   more than KBPF_JIT_MAX_INSNS instructions, or jumps whose
 *           sizes do not settle in a bounded number of passes;
 *  -ENOSPC  no executable memory for the image (the arena is full);
 *  -ERANGE  a call target beyond rel32 reach of the image;
 *  -ENOMEM, or another -errno from the executable memory.
 */
int kbpf_jit_compile(struct kbpf_code *code, bool blind);

/*
 * Free a JITed image; code goes back to having no runtime. Only once no
 * CPU can be running it (an RCU grace period after it was unpublished).
 */
void kbpf_jit_free(struct kbpf_code *code);

#endif /* KBPF_JIT_X86_JIT_H */
