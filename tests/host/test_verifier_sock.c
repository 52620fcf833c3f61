// SPDX-License-Identifier: GPL-2.0
/*
 * Socket pointers in the verifier, with the real helper tables and
 * context rules (not vtest's): skb->sk, the _OR_NULL types and their NULL
 * checks, field access per type with Linux 6.1's messages, the socket
 * reference a lookup acquires and bpf_sk_release() releases, and the
 * rewrite of a bpf_sock load onto struct sock.
 */
#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/verifier.h>
#include <kbpf/sock.h>

#include "ktest.h"

struct sv_result {
	int err;
	char log[16384];
	struct kbpf_verify_args args;
};

static int sv_verify(struct sv_result *r, const struct bpf_insn *insns,
		     u32 cnt, u32 prog_type, bool keep)
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
	if (!r->err && !keep)
		kbpf_verify_release(a);
	return r->err;
}

#define TC	BPF_PROG_TYPE_SCHED_CLS
#define CG	BPF_PROG_TYPE_CGROUP_SKB

#define SV_ACCEPT(prog, type)						\
	do {								\
		static struct sv_result r_;				\
		if (!EXPECT_EQ(sv_verify(&r_, prog, ARRAY_SIZE(prog), type, \
					 false), 0))			\
			fprintf(stderr, "log:\n%s\n", r_.log);		\
	} while (0)

#define SV_REJECT(prog, type, errno_, msg)				\
	do {								\
		static struct sv_result r_;				\
		EXPECT_EQ(sv_verify(&r_, prog, ARRAY_SIZE(prog), type,	\
				    false), -(errno_));			\
		if (!EXPECT_TRUE(strstr(r_.log, msg)))			\
			fprintf(stderr, "want \"%s\", log:\n%s\n", msg, r_.log); \
	} while (0)

#define SKB_SK_OFF	offsetof(struct __sk_buff, sk)
#define LOAD_SK(dst)	BPF_LDX_MEM(BPF_DW, dst, BPF_REG_1, SKB_SK_OFF)
#define SOCK_OFF(F)	offsetof(struct bpf_sock, F)
#define TCP_OFF(F)	offsetof(struct bpf_tcp_sock, F)

/* r0 = bpf_sk_lookup_tcp(ctx, &tuple on the stack, sizeof ipv4, 0, 0). */
#define SK_LOOKUP(fn)							\
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),				\
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),				\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -16),				\
	BPF_MOV64_IMM(BPF_REG_3, sizeof(((struct bpf_sock_tuple *)0)->ipv4)), \
	BPF_MOV64_IMM(BPF_REG_4, 0),					\
	BPF_MOV64_IMM(BPF_REG_5, 0),					\
	BPF_CALL_HELPER(BPF_FUNC_##fn)

TEST(verifier_sock_skb_sk)
{
	const struct bpf_insn no_null_check[] = {
		LOAD_SK(BPF_REG_1),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SOCK_OFF(family)),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn family[] = {
		LOAD_SK(BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SOCK_OFF(family)),
		BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 1),	/* cgroup_skb: 0 or 1 */
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn common_type[] = {
		LOAD_SK(BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SOCK_OFF(type)),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn narrow_sk[] = {
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB_SK_OFF),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn write_sk[] = {
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1, SKB_SK_OFF),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn arith[] = {
		LOAD_SK(BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 4),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	};

	SV_REJECT(no_null_check, TC, EACCES,
		  "R1 invalid mem access 'sock_common_or_null'");
	SV_ACCEPT(family, TC);
	SV_ACCEPT(family, CG);
	SV_ACCEPT(family, BPF_PROG_TYPE_SOCKET_FILTER);
	SV_REJECT(common_type, TC, EACCES,
		  "R1 invalid sock_common access off=8 size=4");
	SV_REJECT(narrow_sk, TC, EACCES, "invalid bpf_context access off=168 size=4");
	SV_REJECT(write_sk, TC, EACCES, "invalid bpf_context access off=168 size=8");
	SV_REJECT(arith, TC, EACCES, "R1 pointer arithmetic on sock_common prohibited");
}

TEST(verifier_sock_fullsock_tcp_sock)
{
	const struct bpf_insn fullsock_type[] = {
		LOAD_SK(BPF_REG_1),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_CALL_HELPER(BPF_FUNC_sk_fullsock),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, SOCK_OFF(type)),
		BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn fullsock_no_check[] = {
		LOAD_SK(BPF_REG_1),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_CALL_HELPER(BPF_FUNC_sk_fullsock),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, SOCK_OFF(type)),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn fullsock_of_null[] = {
		LOAD_SK(BPF_REG_1),
		BPF_CALL_HELPER(BPF_FUNC_sk_fullsock),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn fullsock_write[] = {
		LOAD_SK(BPF_REG_1),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_CALL_HELPER(BPF_FUNC_sk_fullsock),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_ST_MEM(BPF_W, BPF_REG_0, SOCK_OFF(mark), 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn tcp_bytes[] = {
		LOAD_SK(BPF_REG_1),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_CALL_HELPER(BPF_FUNC_tcp_sock),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, TCP_OFF(bytes_acked)),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn tcp_narrow[] = {
		LOAD_SK(BPF_REG_1),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_CALL_HELPER(BPF_FUNC_tcp_sock),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, TCP_OFF(bytes_acked)),
		BPF_EXIT_INSN(),
	};

	SV_ACCEPT(fullsock_type, CG);
	SV_REJECT(fullsock_no_check, CG, EACCES, "R0 invalid mem access 'sock_or_null'");
	SV_REJECT(fullsock_of_null, CG, EACCES,
		  "R1 type=sock_common_or_null expected=sock_common");
	SV_REJECT(fullsock_write, CG, EACCES, "R0 cannot write into sock");
	SV_ACCEPT(tcp_bytes, TC);
	SV_REJECT(tcp_narrow, TC, EACCES, "R0 invalid tcp_sock access off=88 size=4");
	/* Socket filters have none of the socket helpers. */
	SV_REJECT(fullsock_type, BPF_PROG_TYPE_SOCKET_FILTER, EINVAL,
		  "unknown func bpf_sk_fullsock#95");
}

TEST(verifier_sock_references)
{
	const struct bpf_insn leak[] = {
		SK_LOOKUP(sk_lookup_tcp),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn released[] = {
		SK_LOOKUP(sk_lookup_udp),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
		BPF_LDX_MEM(BPF_W, BPF_REG_6, BPF_REG_0, SOCK_OFF(protocol)),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
		BPF_CALL_HELPER(BPF_FUNC_sk_release),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn release_unchecked[] = {
		SK_LOOKUP(sk_lookup_tcp),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
		BPF_CALL_HELPER(BPF_FUNC_sk_release),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn use_after_release[] = {
		SK_LOOKUP(skc_lookup_tcp),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4),
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
		BPF_CALL_HELPER(BPF_FUNC_sk_release),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6, SOCK_OFF(family)),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn release_skb_sk[] = {
		LOAD_SK(BPF_REG_1),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1),
		BPF_CALL_HELPER(BPF_FUNC_sk_release),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn tcp_sock_of_lookup[] = {
		SK_LOOKUP(sk_lookup_tcp),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 9),
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
		BPF_CALL_HELPER(BPF_FUNC_tcp_sock),
		BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
		BPF_CALL_HELPER(BPF_FUNC_sk_release),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_7, 0, 1),
		/* The tcp_sock is the released socket: dead too. */
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_7, TCP_OFF(snd_cwnd)),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	SV_REJECT(leak, TC, EINVAL, "Unreleased reference id=2 alloc_insn=7");
	SV_REJECT(leak, CG, EINVAL, "Unreleased reference id=2 alloc_insn=7");
	SV_ACCEPT(released, TC);
	SV_ACCEPT(released, CG);
	SV_REJECT(release_unchecked, TC, EACCES,
		  "R1 type=sock_or_null expected=sock_common");
	SV_REJECT(use_after_release, TC, EACCES, "R6 invalid mem access 'scalar'");
	SV_REJECT(release_skb_sk, TC, EINVAL,
		  "R1 must be referenced when passed to release function");
	SV_REJECT(tcp_sock_of_lookup, TC, EACCES, "R7 invalid mem access 'scalar'");
	SV_REJECT(leak, BPF_PROG_TYPE_SOCKET_FILTER, EINVAL,
		  "unknown func bpf_sk_lookup_tcp#84");
}

TEST(verifier_sock_rewrite)
{
	const struct bpf_insn prog[] = {
		LOAD_SK(BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, SOCK_OFF(src_ip4) + 1),
		BPF_EXIT_INSN(),
	};
	static struct sv_result r;
	const struct bpf_insn *x;

	if (!EXPECT_EQ(sv_verify(&r, prog, ARRAY_SIZE(prog), TC, true), 0)) {
		fprintf(stderr, "log:\n%s\n", r.log);
		return;
	}
	x = r.args.xlated;
	/* skb->sk from struct sk_buff, then byte 1 of the bound address. */
	EXPECT_EQ(x[0].code, BPF_LDX | BPF_MEM | BPF_DW);
	EXPECT_EQ(x[0].off, offsetof(struct sk_buff, sk));
	EXPECT_EQ(x[3].code, BPF_LDX | BPF_MEM | BPF_W);
	EXPECT_EQ(x[3].off, offsetof(struct sock_common, skc_rcv_saddr));
	EXPECT_EQ(x[4].code, BPF_ALU | BPF_RSH | BPF_K);
	EXPECT_EQ(x[4].imm, 8);
	EXPECT_EQ(x[5].code, BPF_ALU | BPF_AND | BPF_K);
	EXPECT_EQ(x[5].imm, 0xff);
	kbpf_verify_release(&r.args);
}
