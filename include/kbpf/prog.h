/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbpf programs: the loaded, verified object a program fd refers to, named
 * after Linux's struct bpf_prog. Lifetime (ids, fds, refcounts) lives in kmod/.
 */
#ifndef KBPF_PROG_H
#define KBPF_PROG_H

#include <kbpf/kapi.h>
#include <kbpf/engine.h>

struct kbpf_map;

struct kbpf_prog {
	u32 type;			/* enum bpf_prog_type */
	u32 expected_attach_type;	/* enum bpf_attach_type */
	u32 id;
	u32 len;			/* number of instructions in insns */
	u32 verified_insns;		/* processed by the verifier */
	bool gpl_compatible;		/* license allows gpl_only helpers */
	u32 prog_flags;			/* BPF_F_* flags of the load */
	u8 tag[BPF_TAG_SIZE];
	char name[BPF_OBJ_NAME_LEN];
	u64 load_time;			/* ns since boot */
	u32 uid;			/* creator, in the initial user namespace */
	/* Maps the program references; each holds a map reference. */
	struct kbpf_map **used_maps;
	u32 used_map_cnt;
	/* References from fds and attachments; the last put frees the program. */
	refcount_t refcnt;
	struct rcu_head rcu;
	struct work_struct work;
	struct bpf_insn *insns;		/* the xlated program */
	/* How it runs: code.insnsi is insns, code.len is len. */
	struct kbpf_code code;
};

/* Run prog on ctx: R0 as Linux's bpf_prog_run() returns it (u32). */
static inline u32 kbpf_prog_run(const struct kbpf_prog *prog, const void *ctx)
{
	return (u32)kbpf_code_run(&prog->code, ctx);
}

#endif /* KBPF_PROG_H */
