// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_redirect (tc, lwt_xmit and XDP), bpf_redirect_neigh and
 * bpf_redirect_peer (tc) run with BPF_PROG_TEST_RUN, each case on kbpf
 * and on Linux's bpf(2) alike. A test run does not carry the redirect out
 * (Linux's bpf_prog_test_run_skb/_xdp return the program's verdict), so
 * the cases compare verdicts: TC_ACT_REDIRECT or XDP_REDIRECT for good
 * flags and params, TC_ACT_SHOT or XDP_ABORTED for bad ones; then the
 * params the verifier refuses, and the program types that have no such
 * helper ("unknown func").
 */
#include <linux/pkt_cls.h>
#include <sys/socket.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define KT_LD_IMM64(d, v) \
	KT_INSN(BPF_LD | BPF_DW | BPF_IMM, d, 0, 0, (__u32)(v)), \
	KT_INSN(0, 0, 0, 0, (__u32)((__u64)(v) >> 32))

#define PKT_LEN		64

/* An Ethernet frame with an IPv4 ethertype, the rest filler. */
static unsigned char pkt[PKT_LEN];

/* Put ctx in front of kt_why; false, to end a failed case. */
__attribute__((format(printf, 1, 2)))
static bool why_in(const char *fmt, ...)
{
	char ctx[128], why[sizeof(kt_why)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	memcpy(why, kt_why, sizeof(why));
	return kt_whyf("%s: %s", ctx, why);
}

/* Load insns as type, test-run it once on pkt: its verdict in *retval. */
static bool run_verdict(const struct kt_be *be, __u32 type,
			const struct bpf_insn *insns, __u32 cnt, __u32 want)
{
	struct kt_load l = { .type = type, .insns = insns, .cnt = cnt,
			     .license = "MIT" };
	struct kt_run run = { .data_in = pkt, .data_size_in = sizeof(pkt) };

	memset(pkt, 0x5a, sizeof(pkt));
	pkt[12] = 0x08;
	pkt[13] = 0x00;
	if (!be_load_run(be, &l, &run))
		return why_in("type %u", type);
	return kt_check_u64(run.retval, want, "retval");
}

/* r0 = func(ifindex, flags): bpf_redirect or bpf_redirect_peer. */
static bool two_args(const struct kt_be *be, __u32 type, __u32 func,
		     __u32 ifindex, __u64 flags, __u32 want)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_IMM(1, ifindex),
		KT_LD_IMM64(2, flags),
		KT_CALL(func),
		KT_EXIT(),
	};

	return run_verdict(be, type, insns, KT_ARRAY_SIZE(insns), want) ||
	       why_in("func %u (%u, %#llx)", func, ifindex,
		      (unsigned long long)flags);
}

static bool t_redirect_tc(const struct kt_be *be)
{
	static const __u32 types[] = { BPF_PROG_TYPE_SCHED_CLS,
				       BPF_PROG_TYPE_SCHED_ACT,
				       BPF_PROG_TYPE_LWT_XMIT };
	const __u32 f = BPF_FUNC_redirect;
	unsigned int i;

	for (i = 0; i < KT_ARRAY_SIZE(types); i++) {
		__u32 t = types[i];

		/* Any ifindex: the hook, not the helper, looks it up. */
		if (!two_args(be, t, f, 1, 0, TC_ACT_REDIRECT) ||
		    !two_args(be, t, f, 0x7fffffff, BPF_F_INGRESS,
			      TC_ACT_REDIRECT) ||
		    !two_args(be, t, f, 1, 2, TC_ACT_SHOT) ||
		    /* Linux's internal BPF_F_NEIGH and BPF_F_PEER. */
		    !two_args(be, t, f, 1, 1 << 16, TC_ACT_SHOT) ||
		    !two_args(be, t, f, 1, 1 << 17, TC_ACT_SHOT) ||
		    !two_args(be, t, f, 1, 1ULL << 32 | BPF_F_INGRESS,
			      TC_ACT_SHOT))
			return false;
	}
	return true;
}

static bool t_redirect_xdp(const struct kt_be *be)
{
	const __u32 t = BPF_PROG_TYPE_XDP, f = BPF_FUNC_redirect;

	return two_args(be, t, f, 1, 0, XDP_REDIRECT) &&
	       two_args(be, t, f, 0x7fffffff, 0, XDP_REDIRECT) &&
	       two_args(be, t, f, 1, BPF_F_INGRESS, XDP_ABORTED) &&
	       two_args(be, t, f, 1, 1ULL << 63, XDP_ABORTED);
}

static bool t_redirect_peer(const struct kt_be *be)
{
	const __u32 f = BPF_FUNC_redirect_peer;

	return two_args(be, BPF_PROG_TYPE_SCHED_CLS, f, 1, 0, TC_ACT_REDIRECT) &&
	       two_args(be, BPF_PROG_TYPE_SCHED_ACT, f, 2, 0, TC_ACT_REDIRECT) &&
	       two_args(be, BPF_PROG_TYPE_SCHED_CLS, f, 1, BPF_F_INGRESS,
			TC_ACT_SHOT) &&
	       two_args(be, BPF_PROG_TYPE_SCHED_CLS, f, 1, 1ULL << 40,
			TC_ACT_SHOT);
}

/*
 * r0 = bpf_redirect_neigh(1, params, plen, flags), params NULL or 24
 * bytes of stack at fp - 24 holding an IPv4 next hop.
 */
static bool neigh(const struct kt_be *be, __u32 type, bool params, int plen,
		  __u64 flags, __u32 want)
{
	const struct bpf_insn insns[] = {
		KT_ST(BPF_W, 10, -24, AF_INET),		/* nh_family */
		KT_ST(BPF_W, 10, -20, 0x0100000a),	/* ipv4_nh 10.0.0.1 */
		KT_ST(BPF_DW, 10, -16, 0),
		KT_ST(BPF_DW, 10, -8, 0),
		KT_MOV64_IMM(1, 1),
		KT_MOV64_IMM(2, 0),
		KT_JEQ_IMM(2, params, 2),	/* no params: keep r2 NULL */
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -24),
		KT_MOV64_IMM(3, plen),
		KT_LD_IMM64(4, flags),
		KT_CALL(BPF_FUNC_redirect_neigh),
		KT_EXIT(),
	};

	return run_verdict(be, type, insns, KT_ARRAY_SIZE(insns), want) ||
	       why_in("params %d, plen %d, flags %#llx", params, plen,
		      (unsigned long long)flags);
}

static bool t_redirect_neigh(const struct kt_be *be)
{
	const __u32 t = BPF_PROG_TYPE_SCHED_CLS;
	const int size = sizeof(struct bpf_redir_neigh);

	return neigh(be, t, false, 0, 0, TC_ACT_REDIRECT) &&
	       neigh(be, BPF_PROG_TYPE_SCHED_ACT, false, 0, 0, TC_ACT_REDIRECT) &&
	       neigh(be, t, true, size, 0, TC_ACT_REDIRECT) &&
	       /* More than the struct is fine, less is not (zero is none). */
	       neigh(be, t, true, 24, 0, TC_ACT_REDIRECT) &&
	       neigh(be, t, true, 0, 0, TC_ACT_REDIRECT) &&
	       neigh(be, t, true, size - 1, 0, TC_ACT_SHOT) &&
	       neigh(be, t, true, 4, 0, TC_ACT_SHOT) &&
	       neigh(be, t, false, 0, BPF_F_INGRESS, TC_ACT_SHOT) &&
	       neigh(be, t, true, size, 1ULL << 32, TC_ACT_SHOT);
}

/* PROG_LOAD fails with want and a log line holding msg. */
static bool refused(const struct kt_be *be, __u32 type,
		    const struct bpf_insn *insns, __u32 cnt, int want,
		    const char *msg)
{
	static char log[16384];
	struct kt_load l = { .type = type, .insns = insns, .cnt = cnt,
			     .log = log, .log_size = sizeof(log),
			     .log_level = 1 };
	int fd;
	bool ok;

	log[0] = 0;
	fd = be_load_prog(be, &l);
	ok = kt_check_errno(fd, want, "PROG_LOAD") &&
	     (strstr(log, msg) || kt_whyf("log lacks \"%s\": %s", msg, log));
	if (fd >= 0)
		close(fd);
	return ok || why_in("type %u", type);
}

/* The verifier checks params against plen: within the stack, or NULL with 0. */
static bool t_redirect_neigh_verifier(const struct kt_be *be)
{
	const struct bpf_insn past_stack[] = {
		KT_ST(BPF_DW, 10, -16, AF_INET),
		KT_ST(BPF_DW, 10, -8, 0),
		KT_MOV64_IMM(1, 1),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -16),
		KT_MOV64_IMM(3, 24),
		KT_MOV64_IMM(4, 0),
		KT_CALL(BPF_FUNC_redirect_neigh),
		KT_EXIT(),
	};
	const struct bpf_insn null_len[] = {
		KT_MOV64_IMM(1, 1),
		KT_MOV64_IMM(2, 0),
		KT_MOV64_IMM(3, 20),
		KT_MOV64_IMM(4, 0),
		KT_CALL(BPF_FUNC_redirect_neigh),
		KT_EXIT(),
	};
	const __u32 t = BPF_PROG_TYPE_SCHED_CLS;

	/* Starting in the stack and running past fp: EINVAL, not EACCES. */
	return refused(be, t, past_stack, KT_ARRAY_SIZE(past_stack), EINVAL,
		       "invalid indirect access to stack R2 off=-16 size=24") &&
	       refused(be, t, null_len, KT_ARRAY_SIZE(null_len), EACCES,
		       "R2 type=scalar expected=");
}

/* The types Linux 6.1 does not give each helper: "unknown func". */
static bool t_redirect_offered(const struct kt_be *be)
{
	static const struct { __u32 type, func; } c[] = {
		{ BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_redirect },
		{ BPF_PROG_TYPE_CGROUP_SKB, BPF_FUNC_redirect },
		{ BPF_PROG_TYPE_LWT_IN, BPF_FUNC_redirect },
		{ BPF_PROG_TYPE_LWT_OUT, BPF_FUNC_redirect },
		{ BPF_PROG_TYPE_SK_SKB, BPF_FUNC_redirect },
		{ BPF_PROG_TYPE_XDP, BPF_FUNC_redirect_neigh },
		{ BPF_PROG_TYPE_XDP, BPF_FUNC_redirect_peer },
		{ BPF_PROG_TYPE_LWT_XMIT, BPF_FUNC_redirect_neigh },
		{ BPF_PROG_TYPE_LWT_XMIT, BPF_FUNC_redirect_peer },
		{ BPF_PROG_TYPE_CGROUP_SKB, BPF_FUNC_redirect_peer },
	};
	unsigned int i;

	for (i = 0; i < KT_ARRAY_SIZE(c); i++) {
		const struct bpf_insn insns[] = {
			KT_MOV64_IMM(1, 1),
			KT_MOV64_IMM(2, 0),
			KT_MOV64_IMM(3, 0),
			KT_MOV64_IMM(4, 0),
			KT_CALL(c[i].func),
			KT_EXIT(),
		};
		const char *name = c[i].func == BPF_FUNC_redirect ? "redirect" :
				   c[i].func == BPF_FUNC_redirect_neigh ?
				   "redirect_neigh" : "redirect_peer";
		char msg[64];

		snprintf(msg, sizeof(msg), "unknown func bpf_%s#%u", name,
			 c[i].func);
		if (!refused(be, c[i].type, insns, KT_ARRAY_SIZE(insns), EINVAL,
			     msg))
			return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("redirect_tc", t_redirect_tc, linux_ok);
	kt_dual("redirect_xdp", t_redirect_xdp, linux_ok);
	kt_dual("redirect_peer", t_redirect_peer, linux_ok);
	kt_dual("redirect_neigh", t_redirect_neigh, linux_ok);
	kt_dual("redirect_neigh_verifier", t_redirect_neigh_verifier, linux_ok);
	kt_dual("redirect_offered", t_redirect_offered, linux_ok);
	return kt_done();
}
