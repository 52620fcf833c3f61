// SPDX-License-Identifier: GPL-2.0
/*
 * Context pointers passed to helpers, with the real helper tables:
 * ARG_PTR_TO_CTX_OR_NULL (bpf_get_netns_cookie takes NULL for init_net
 * but no other scalar), a moved context pointer refused with Linux 6.1's
 * messages, and the packet pointers the header-changing helpers
 * (bpf_skb_vlan_push/pop, bpf_skb_change_head) leave invalid.
 */
#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/verifier.h>

#include "ktest.h"

struct cv_result {
	int err;
	char log[16384];
	struct kbpf_verify_args args;
};

static int cv_verify(struct cv_result *r, const struct bpf_insn *insns,
		     u32 cnt, u32 prog_type)
{
	struct kbpf_verify_args *a = &r->args;

	memset(r, 0, sizeof(*r));
	a->insns = insns;
	a->insn_cnt = cnt;
	a->prog_type = prog_type;
	a->gpl_compatible = true;
	a->allow_ptr_leaks = true;
	a->bpf_capable = true;
	a->perfmon_capable = true;
	a->log_buf = r->log;
	a->log_size = sizeof(r->log);
	a->log_level = 1;
	r->err = kbpf_verify(a);
	if (!r->err)
		kbpf_verify_release(a);
	return r->err;
}

#define CV_ACCEPT(prog, type)						\
	do {								\
		static struct cv_result r_;				\
		if (!EXPECT_EQ(cv_verify(&r_, prog, ARRAY_SIZE(prog), type), \
			       0))					\
			fprintf(stderr, "log:\n%s\n", r_.log);		\
	} while (0)

#define CV_REJECT(prog, type, errno_, msg)				\
	do {								\
		static struct cv_result r_;				\
		EXPECT_EQ(cv_verify(&r_, prog, ARRAY_SIZE(prog), type),	\
			  -(errno_));					\
		if (!EXPECT_TRUE(strstr(r_.log, msg)))			\
			fprintf(stderr, "want \"%s\", log:\n%s\n", msg, r_.log); \
	} while (0)

#define CG_SOCK		BPF_PROG_TYPE_CGROUP_SOCK
#define TC		BPF_PROG_TYPE_SCHED_CLS

/* r0 = bpf_get_netns_cookie(R1 as the setup leaves it); return 0. */
#define NETNS_COOKIE(...)						\
	{ __VA_ARGS__, BPF_CALL_HELPER(BPF_FUNC_get_netns_cookie),	\
	  BPF_MOV64_IMM(BPF_REG_0, 0), BPF_EXIT_INSN() }

TEST(verifier_ctx_or_null_arg)
{
	const struct bpf_insn ctx[] =
		NETNS_COOKIE(BPF_MOV64_REG(BPF_REG_1, BPF_REG_1));
	const struct bpf_insn null[] =
		NETNS_COOKIE(BPF_MOV64_IMM(BPF_REG_1, 0));
	const struct bpf_insn one[] =
		NETNS_COOKIE(BPF_MOV64_IMM(BPF_REG_1, 1));
	const struct bpf_insn fp[] =
		NETNS_COOKIE(BPF_MOV64_REG(BPF_REG_1, BPF_REG_10));
	const struct bpf_insn moved[] =
		NETNS_COOKIE(BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 8));
	const struct bpf_insn back[] =
		NETNS_COOKIE(BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -4));

	CV_ACCEPT(ctx, CG_SOCK);
	CV_ACCEPT(null, CG_SOCK);
	CV_REJECT(one, CG_SOCK, EACCES, "R1 type=scalar expected=ctx");
	CV_REJECT(fp, CG_SOCK, EACCES, "R1 type=fp expected=ctx");
	CV_REJECT(moved, CG_SOCK, EACCES,
		  "dereference of modified ctx ptr R1 off=8 disallowed");
	CV_REJECT(back, CG_SOCK, EACCES,
		  "negative offset ctx ptr R1 off=-4 disallowed");
}

/* A plain ARG_PTR_TO_CTX takes no NULL: bpf_get_socket_cookie. */
TEST(verifier_ctx_arg_no_null)
{
	const struct bpf_insn null[] = {
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_CALL_HELPER(BPF_FUNC_get_socket_cookie),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn ctx[] = {
		BPF_CALL_HELPER(BPF_FUNC_get_socket_cookie),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	CV_REJECT(null, CG_SOCK, EACCES, "R1 type=scalar expected=ctx");
	CV_ACCEPT(ctx, CG_SOCK);
	CV_ACCEPT(ctx, TC);
}

#define SKB_OFF(F)	offsetof(struct __sk_buff, F)

/*
 * A bounds-checked packet pointer in R7 (data + 14 <= data_end), CALL
 * (R2 0x81, R3 and R4 0),
 * the two instructions R1 and R2 (fresh data/data_end loads, or not),
 * then a bounds-checked load through R7.
 */
#define PKT_AFTER(CALL, R1, R2)						\
	{								\
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),			\
		BPF_LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_1, SKB_OFF(data)), \
		BPF_LDX_MEM(BPF_W, BPF_REG_8, BPF_REG_1, SKB_OFF(data_end)), \
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_7),			\
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 14),			\
		BPF_JMP_REG(BPF_JGT, BPF_REG_2, BPF_REG_8, 11),		\
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),			\
		BPF_MOV64_IMM(BPF_REG_2, 0x81),				\
		BPF_MOV64_IMM(BPF_REG_3, 0),				\
		BPF_MOV64_IMM(BPF_REG_4, 0),				\
		BPF_CALL_HELPER(CALL),					\
		R1,							\
		R2,							\
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_7),			\
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 14),			\
		BPF_JMP_REG(BPF_JGT, BPF_REG_2, BPF_REG_8, 1),		\
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_7, 0),		\
		BPF_MOV64_IMM(BPF_REG_0, 0),				\
		BPF_EXIT_INSN(),					\
	}

#define KEEP	BPF_MOV64_IMM(BPF_REG_9, 0)
#define RELOAD_DATA	BPF_LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_6, SKB_OFF(data))
#define RELOAD_END	\
	BPF_LDX_MEM(BPF_W, BPF_REG_8, BPF_REG_6, SKB_OFF(data_end))
#define OLD(CALL)	PKT_AFTER(CALL, KEEP, KEEP)
#define NEW(CALL)	PKT_AFTER(CALL, RELOAD_DATA, RELOAD_END)

TEST(verifier_header_helpers_drop_packet_pointers)
{
	const struct bpf_insn push_old[] = OLD(BPF_FUNC_skb_vlan_push);
	const struct bpf_insn push_new[] = NEW(BPF_FUNC_skb_vlan_push);
	const struct bpf_insn pop_old[] = OLD(BPF_FUNC_skb_vlan_pop);
	const struct bpf_insn head_old[] = OLD(BPF_FUNC_skb_change_head);
	const struct bpf_insn head_new[] = NEW(BPF_FUNC_skb_change_head);
	const struct bpf_insn csum_old[] = OLD(BPF_FUNC_csum_update);

	CV_REJECT(push_old, TC, EACCES, "R7 invalid mem access 'scalar'");
	CV_ACCEPT(push_new, TC);
	CV_REJECT(pop_old, TC, EACCES, "R7 invalid mem access 'scalar'");
	CV_REJECT(head_old, TC, EACCES, "R7 invalid mem access 'scalar'");
	CV_ACCEPT(head_new, TC);
	CV_REJECT(head_old, BPF_PROG_TYPE_LWT_XMIT, EACCES,
		  "R7 invalid mem access 'scalar'");
	CV_REJECT(head_old, BPF_PROG_TYPE_SK_SKB, EACCES,
		  "R7 invalid mem access 'scalar'");
	/* csum_update moves no data: the old pointer stays good. */
	CV_ACCEPT(csum_old, TC);
}

/* The room helpers move or reallocate the data as well. */
TEST(verifier_room_helpers_drop_packet_pointers)
{
	const struct bpf_insn room_old[] = OLD(BPF_FUNC_skb_adjust_room);
	const struct bpf_insn room_new[] = NEW(BPF_FUNC_skb_adjust_room);
	const struct bpf_insn proto_old[] = OLD(BPF_FUNC_skb_change_proto);
	const struct bpf_insn proto_new[] = NEW(BPF_FUNC_skb_change_proto);
	const struct bpf_insn pull_old[] = OLD(BPF_FUNC_skb_pull_data);
	const struct bpf_insn pull_new[] = NEW(BPF_FUNC_skb_pull_data);
	const struct bpf_insn type_old[] = OLD(BPF_FUNC_skb_change_type);

	CV_REJECT(room_old, TC, EACCES, "R7 invalid mem access 'scalar'");
	CV_ACCEPT(room_new, TC);
	CV_REJECT(room_old, BPF_PROG_TYPE_SK_SKB, EACCES,
		  "R7 invalid mem access 'scalar'");
	CV_REJECT(proto_old, TC, EACCES, "R7 invalid mem access 'scalar'");
	CV_ACCEPT(proto_new, TC);
	CV_REJECT(pull_old, TC, EACCES, "R7 invalid mem access 'scalar'");
	CV_ACCEPT(pull_new, TC);
	CV_REJECT(pull_old, BPF_PROG_TYPE_LWT_IN, EACCES,
		  "R7 invalid mem access 'scalar'");
	CV_REJECT(pull_old, BPF_PROG_TYPE_SK_SKB, EACCES,
		  "R7 invalid mem access 'scalar'");
	/* change_type only sets a field: the old pointer stays good. */
	CV_ACCEPT(type_old, TC);
}
