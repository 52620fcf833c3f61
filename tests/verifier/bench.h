/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_verifier as a verifier benchmark, kbpf against Linux (bench.c).
 */
#ifndef KBPF_TESTS_VERIFIER_BENCH_H
#define KBPF_TESTS_VERIFIER_BENCH_H

#include "vt_run.h"

/* Wrap the guest place pl: best of n timed loads per program. */
int vt_bench_install(struct vt_place *pl, int n);

/* guest.c's map creation, through call (kbpf's ioctl or Linux's bpf(2)). */
int vt_guest_map_create(const struct vt_map_spec *spec,
			long (*call)(int cmd, union bpf_attr *attr));

/* The summary: count, geometric mean and total ratio, worst 10. */
void vt_bench_report(void);

#endif /* KBPF_TESTS_VERIFIER_BENCH_H */
