/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Choosing a program's runtime, Linux's bpf_prog_select_runtime(): the JIT
 * when it is enabled and takes the program, the interpreter otherwise.
 */
#ifndef KBPF_JIT_RUNTIME_H
#define KBPF_JIT_RUNTIME_H

#include <kbpf/engine.h>

/*
 * The knobs, module parameters in the kernel (kbpf.jit_enable,
 * kbpf.jit_harden), plain globals a host test may set:
 *  jit_enable  0: interpreter only; 1 (default): JIT when possible.
 *  jit_harden  constant blinding: 0 never, 1 (default) for programs
 *              loaded without CAP_BPF, 2 always; as Linux's bpf_jit_harden.
 */
extern int kbpf_jit_enable;
extern int kbpf_jit_harden;

/*
 * Give code (insnsi, len, stack_depth set) a runtime: sets bpf_func, jited
 * and jited_len (the image, for BPF_OBJ_GET_INFO_BY_FD, is jited_len bytes
 * at bpf_func). privileged says whether the loader had CAP_BPF, for
 * jit_harden. Leaves code runnable (but see below). Returns 0 when the JIT took it
 * or is disabled; otherwise the JIT's error (see kbpf_jit_compile()), with
 * the interpreter in place and a log line saying why: -EINVAL means an
 * instruction the verifier should not have let through, which the caller
 * may prefer to refuse. May sleep. A program with callbacks also gets the
 * interpreter's callback descriptors (engine.h): -ENOMEM when they cannot
 * be allocated (-EINVAL for a callback load the verifier cannot have
 * written), and then code is not runnable: bpf_func is NULL.
 */
int kbpf_prog_select_runtime(struct kbpf_code *code, bool privileged);

/*
 * Release what kbpf_prog_select_runtime() set up (the JIT image). Only
 * after an RCU grace period since the program was last reachable: a CPU
 * may still be running it until then. May sleep.
 */
void kbpf_prog_free_runtime(struct kbpf_code *code);

#endif /* KBPF_JIT_RUNTIME_H */
