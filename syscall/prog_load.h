/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pieces of BPF_PROG_LOAD that live in files of their own.
 */
#ifndef KBPF_SYSCALL_PROG_LOAD_H
#define KBPF_SYSCALL_PROG_LOAD_H

#include <linux/types.h>
#include <uapi/linux/bpf.h>

/*
 * Linux's bpf_prog_calc_tag(): the first BPF_TAG_SIZE bytes of the SHA-1
 * of insns (as userspace wrote them) with map fds in LD_IMM64 zeroed.
 */
void kbpf_prog_calc_tag(const struct bpf_insn *insns, u32 len,
			u8 tag[BPF_TAG_SIZE]);

#endif /* KBPF_SYSCALL_PROG_LOAD_H */
