/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF_LINK_CREATE with attach_type BPF_TRACE_KPROBE_MULTI: the checks of
 * its attr and the bookkeeping of the addresses and symbols it names
 * (syscall/kprobe_multi_attr.c, host-tested), and what the syscall hands
 * the kernel side that plants one kprobe (or kretprobe) per address
 * (kmod/kprobe_multi.c).
 */
#ifndef KBPF_KPROBE_MULTI_H
#define KBPF_KPROBE_MULTI_H

#include <kbpf/kapi.h>

/*
 * At most this many addresses per link (E2BIG past it), Linux's
 * MAX_KPROBE_MULTI_CNT of later kernels: 6.1 has no bound but the
 * allocation's.
 */
#define KBPF_KPROBE_MULTI_MAX_CNT	(1U << 20)

/*
 * Linux 6.1's order of refusals before anything is copied in: flags other
 * than BPF_F_KPROBE_MULTI_RETURN, syms and addrs both or neither, no
 * addresses (EINVAL), then too many (E2BIG).
 */
int kbpf_kprobe_multi_check_attr(const union bpf_attr *attr);

/*
 * Linux resolves symbols through a sorted list and fails (ESRCH) when a
 * name repeats, since one of them then never resolves: -ESRCH for a
 * repeated name, 0 otherwise, -ENOMEM.
 */
int kbpf_kprobe_multi_syms_unique(const char *const *syms, u32 cnt);

/*
 * Linux's fprobe enables each function once however often its address is
 * given, so the program runs once per call; one kprobe per given address
 * would run it once per repetition. Marks in dup[] every address already
 * given at a lower index (the first one keeps its cookie; Linux's pick
 * among repeated addresses is unspecified): 0 or -ENOMEM.
 */
int kbpf_kprobe_multi_mark_dups(const unsigned long *addrs, u32 cnt,
				bool *dup);

/* What BPF_LINK_CREATE copied in, for kbpf_kprobe_multi_attach(). */
struct kbpf_kprobe_multi_spec {
	u32 cnt;
	bool is_return;			/* BPF_F_KPROBE_MULTI_RETURN */
	const unsigned long *addrs;	/* cnt addresses, or NULL and syms */
	const char *const *syms;	/* cnt names, or NULL and addrs */
	const u64 *cookies;		/* cnt cookies, or NULL: all 0 */
	const bool *dup;		/* addrs only: skip these, or NULL */
};

#endif /* KBPF_KPROBE_MULTI_H */
