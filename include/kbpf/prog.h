/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbpf programs: the loaded, verified object a program fd refers to, named
 * after Linux's struct bpf_prog. Lifetime (ids, fds, refcounts) lives in kmod/.
 */
#ifndef KBPF_PROG_H
#define KBPF_PROG_H

#include <kbpf/kapi.h>

struct kbpf_map;

struct kbpf_prog {
	u32 type;			/* enum bpf_prog_type */
	u32 expected_attach_type;	/* enum bpf_attach_type */
	u32 id;
	u32 len;			/* number of instructions in insns */
	u32 verified_insns;		/* processed by the verifier */
	bool jited;
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
};

#endif /* KBPF_PROG_H */
