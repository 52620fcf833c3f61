// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_multi's host-buildable parts: BPF_LINK_CREATE's attr checks in
 * Linux 6.1's order (syscall/kprobe_multi_attr.c), repeated names
 * (ESRCH, as Linux's symbol lookup) and repeated addresses (probed once),
 * and bpf_get_func_ip / bpf_get_attach_cookie (helpers/kprobe_multi.c):
 * offered to kprobe programs loaded for kprobe_multi only, answering from
 * the run context the attachment installs, 0 without one.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>
#include <kbpf/kprobe_multi.h>
#include <kbpf/run_ctx.h>

#include "ktest.h"

static void kmulti_attr(union bpf_attr *attr, u32 flags, u64 syms, u64 addrs,
			u32 cnt)
{
	memset(attr, 0, sizeof(*attr));
	attr->link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr->link_create.kprobe_multi.flags = flags;
	attr->link_create.kprobe_multi.syms = syms;
	attr->link_create.kprobe_multi.addrs = addrs;
	attr->link_create.kprobe_multi.cnt = cnt;
}

TEST(kprobe_multi_attr_checks)
{
	union bpf_attr attr;

	kmulti_attr(&attr, 0, 0, 0x1000, 1);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), 0);
	kmulti_attr(&attr, BPF_F_KPROBE_MULTI_RETURN, 0x1000, 0, 3);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), 0);
	kmulti_attr(&attr, 2, 0, 0x1000, 1);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), -EINVAL);
	kmulti_attr(&attr, 0, 0x1000, 0x2000, 1);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), -EINVAL);
	kmulti_attr(&attr, 0, 0, 0, 1);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), -EINVAL);
	kmulti_attr(&attr, 0, 0, 0x1000, 0);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), -EINVAL);
	kmulti_attr(&attr, 0, 0, 0x1000, KBPF_KPROBE_MULTI_MAX_CNT);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), 0);
	kmulti_attr(&attr, 0, 0, 0x1000, KBPF_KPROBE_MULTI_MAX_CNT + 1);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), -E2BIG);
	/* Flags come first: bad flags and no address at all is EINVAL too. */
	kmulti_attr(&attr, 4, 0, 0, 0);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), -EINVAL);
	/* A bad cnt is reported only once syms/addrs are right. */
	kmulti_attr(&attr, 0, 0x1000, 0, U32_MAX);
	EXPECT_EQ(kbpf_kprobe_multi_check_attr(&attr), -E2BIG);
}

TEST(kprobe_multi_repeated_names)
{
	const char *const one[] = { "a" };
	const char *const apart[] = { "b", "a", "c" };
	const char *const twice[] = { "b", "a", "c", "a" };

	EXPECT_EQ(kbpf_kprobe_multi_syms_unique(one, 1), 0);
	EXPECT_EQ(kbpf_kprobe_multi_syms_unique(apart, 3), 0);
	EXPECT_EQ(kbpf_kprobe_multi_syms_unique(twice, 4), -ESRCH);
}

TEST(kprobe_multi_repeated_addrs)
{
	const unsigned long addrs[] = { 30, 10, 30, 20, 10, 30 };
	const bool want[] = { false, false, true, false, true, true };
	bool dup[6];
	int i;

	memset(dup, 0xff, sizeof(dup));
	EXPECT_EQ(kbpf_kprobe_multi_mark_dups(addrs, 6, dup), 0);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(dup[i], want[i]);
	EXPECT_EQ(kbpf_kprobe_multi_mark_dups(addrs, 1, dup), 0);
	EXPECT_FALSE(dup[0]);
}

TEST(kprobe_multi_helpers_only_for_kprobe_multi)
{
	const u32 all = KBPF_CAP_BPF | KBPF_CAP_PERFMON;
	const u32 ids[] = { BPF_FUNC_get_func_ip, BPF_FUNC_get_attach_cookie };
	int i;

	for (i = 0; i < 2; i++) {
		const struct kbpf_func_proto *p =
			kbpf_get_func_proto_attach(BPF_PROG_TYPE_KPROBE,
						   BPF_TRACE_KPROBE_MULTI,
						   ids[i], all);

		EXPECT_NONNULL(p);
		if (p) {
			EXPECT_EQ(p->ret_type, KBPF_RET_INTEGER);
			EXPECT_EQ(p->arg_type[0], KBPF_ARG_PTR_TO_CTX);
			EXPECT_FALSE(p->gpl_only);
		}
		/* Plain kprobes would need current_kprobe or a perf event. */
		EXPECT_NULL(kbpf_get_func_proto_attach(BPF_PROG_TYPE_KPROBE, 0,
						       ids[i], all));
		EXPECT_NULL(kbpf_get_func_proto_attach(BPF_PROG_TYPE_TRACEPOINT,
						       BPF_TRACE_KPROBE_MULTI,
						       ids[i], all));
	}
	/* The rest of the kprobe table is unchanged by the attach type. */
	EXPECT_EQ(kbpf_get_func_proto_attach(BPF_PROG_TYPE_KPROBE,
					     BPF_TRACE_KPROBE_MULTI,
					     BPF_FUNC_get_stackid, all),
		  kbpf_get_func_proto_caps(BPF_PROG_TYPE_KPROBE,
					   BPF_FUNC_get_stackid, all));
}

static u64 call(u32 func_id)
{
	const struct kbpf_func_proto *p =
		kbpf_get_func_proto_attach(BPF_PROG_TYPE_KPROBE,
					   BPF_TRACE_KPROBE_MULTI, func_id, 0);

	return p ? p->func(0, 0, 0, 0, 0) : 0xbad;
}

TEST(kprobe_multi_helpers_read_the_run_ctx)
{
	struct kbpf_run_ctx outer = { .func_ip = 0xffffffff81000010ULL,
				      .attach_cookie = 42 };
	struct kbpf_run_ctx inner = { .func_ip = 0xffffffff81000020ULL };
	struct bpf_run_ctx *old, *old2;

	EXPECT_EQ(call(BPF_FUNC_get_func_ip), 0);
	EXPECT_EQ(call(BPF_FUNC_get_attach_cookie), 0);
	old = kbpf_run_ctx_set(&outer);
	EXPECT_EQ(call(BPF_FUNC_get_func_ip), 0xffffffff81000010ULL);
	EXPECT_EQ(call(BPF_FUNC_get_attach_cookie), 42);
	old2 = kbpf_run_ctx_set(&inner);
	EXPECT_EQ(call(BPF_FUNC_get_func_ip), 0xffffffff81000020ULL);
	EXPECT_EQ(call(BPF_FUNC_get_attach_cookie), 0);
	kbpf_run_ctx_reset(old2);
	EXPECT_EQ(call(BPF_FUNC_get_attach_cookie), 42);
	kbpf_run_ctx_reset(old);
	EXPECT_EQ(call(BPF_FUNC_get_func_ip), 0);
}
