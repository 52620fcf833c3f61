// SPDX-License-Identifier: GPL-2.0
/*
 * Until kbpf's verifier (verifier/, its own branch) is linked in, the load
 * path has no one to prove a program safe, and no program may run
 * unverified: BPF_PROG_LOAD does every check of its own and then answers
 * EOPNOTSUPP. These definitions are weak; the verifier's replace them.
 */
#include <linux/compiler.h>
#include <linux/errno.h>

#include <kbpf/verifier.h>

int __weak kbpf_verify(struct kbpf_verify_args *args)
{
	args->verified_insns = 0;
	return -EOPNOTSUPP;
}

void __weak kbpf_verify_release(struct kbpf_verify_args *args)
{
}
