// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf_test_bpf: Linux's lib/test_bpf.c tables on kbpf's interpreter in a
 * running kernel; kbpf_test_bpf_jit and kbpf_test_bpf_jit_blind: the same
 * tests on kbpf's JIT, without and with constant blinding (each program
 * JITed into the arena by kbpf_prog_select_runtime(), as a privileged load
 * with jit_harden 0 or 2). All run the way test_bpf.ko runs them on Linux's
 * runtime:
 * straight on the runtime, no verifier (the programs are not
 * verifier-clean by design), each subtest run as many times as the table
 * says (1000 by default) with R1 = an skb, NULL or a kmalloc()ed buffer,
 * comparing the low 32 bits of R0; then the tail-call tests through a
 * prog array. One KUnit parameter per test, named by test_bpf's number
 * and description; the classic BPF tests, which kbpf has no translator
 * for, are one skipped case.
 *
 * The tables are compiled from the kernel source at build time: Kbuild
 * runs scripts/extract-test-bpf.py into the build directory (never
 * committed) and compiles its output with kunit/test_bpf_prelude.h. The
 * runtimes are kbpf.ko's (exported for KUnit only).
 *
 * In the JIT suites a program the JIT declines is a failure, with the
 * reason (the host's JIT takes every table program; and 6.1's KTAP has no
 * SKIP for a parameter, which kunit.py would count as passed): it never
 * passes on the interpreter instead.
 */
#include <kunit/test.h>
#include <linux/if_ether.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/skbuff.h>
#include <linux/topology.h>

#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include "../jit/interp.h"
#include "../jit/runtime.h"
#include "../tests/test_bpf/table.h"

/*
 * Parameters point into tb_index[], which holds 0, 1, 2, ...: a test's
 * number, valid for both tables, from suite init to suite exit.
 */
static int *tb_index;

/* Time spent running the table's programs, and the slowest test. */
static u64 tb_total_ns, tb_slowest_ns;
static int tb_slowest = -1;

/*
 * Under the debug kernel on TCG, JITing one of the table's generated
 * programs of tens of thousands of instructions takes 3 to 8 seconds
 * (every emission pass runs KASAN-instrumented under emulation): the JIT
 * suites skip those (one skipped case with the count and the reason) to
 * keep the debug tier's run time in bounds. The host's jit and jit-blind
 * tiers run them all natively; the interpreter suite here runs them too.
 */
#define TB_JIT_MAX_INSNS	4096

/* The runtime of the suite running: the interpreter, or the JIT. */
static struct {
	bool jit;
	int harden;		/* kbpf_jit_harden while the suite runs */
	int saved_enable, saved_harden;
} tb_rt;

/* The prog array of the tail-call tests, made at suite init. */
static struct {
	int n;
	int jit_err;		/* the JIT declined one: all on the interpreter */
	struct kbpf_prog_array *array;
	struct kbpf_code *codes;
	struct bpf_insn **insns;
} tail;

/* "[N] description", with no '#', which KTAP reads as a directive. */
static void tb_desc(char *desc, int i, const char *descr)
{
	char *p;

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "[%d] %s", i, descr);
	for (p = desc; *p; p++)
		if (*p == '#')
			*p = '_';
}

/*
 * Whether a JIT suite leaves test i out: a program over TB_JIT_MAX_INSNS
 * (the test_bpf_jit_large case counts them).
 */
static bool tb_jit_skips(int i)
{
	struct tb_case c;
	bool large;

	if (!tb_rt.jit)
		return false;
	large = tb_get(i, &c) == 0 && c.len > TB_JIT_MAX_INSNS;
	tb_put(i);
	return large;
}

/* The eBPF tests of the table: every one that is not classic BPF. */
static const void *test_bpf_gen(const void *prev, char *desc)
{
	int i = prev ? *(const int *)prev + 1 : 0;

	while (i < tb_count() && (tb_classic(i) || tb_jit_skips(i)))
		i++;
	if (!tb_index || i >= tb_count())
		return NULL;
	tb_desc(desc, i, tb_descr(i));
	return &tb_index[i];
}

static const void *test_tail_call_gen(const void *prev, char *desc)
{
	int i = prev ? *(const int *)prev + 1 : 0;
	struct tb_tail_case c;

	if (!tb_index || !tail.array || i >= tail.n)
		return NULL;
	tb_tail_get(i, &c);
	tb_desc(desc, i, c.descr);
	return &tb_index[i];
}

/*
 * Run code on ctx the given number of times; R0 of the last run. Under
 * RCU, as tail calls want; rescheduling between runs, as a kernel without
 * preemption needs for the long ones.
 */
static u32 run_many(const struct kbpf_code *code, const void *ctx, int runs)
{
	u32 ret = 0;
	int r;

	for (r = 0; r < runs; r++) {
		rcu_read_lock();
		ret = (u32)kbpf_code_run(code, ctx);
		rcu_read_unlock();
		cond_resched();
	}
	return ret;
}

/*
 * test_bpf's test data: size bytes of the table's data in an skb of
 * MAX_DATA, the link-layer header at the start and the network header
 * ETH_HLEN in (or at the end of a shorter packet). NULL when size does
 * not fit, as there.
 */
static struct sk_buff *tb_skb(const u8 *data, int size)
{
	struct sk_buff *skb;

	if (size < 0 || size >= tb_max_data)
		return NULL;
	skb = alloc_skb(tb_max_data, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_put_data(skb, data, size);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, min(size, ETH_HLEN));
	return skb;
}

/*
 * Give code the suite's runtime: 0, or the JIT's error when it declined
 * the program (code then runs on the interpreter, which the caller must
 * not let pass for the JIT).
 */
static int tb_code_init(struct kbpf_code *code, const struct bpf_insn *insns,
			u32 len, u32 stack_depth)
{
	kbpf_code_init(code, insns, len, stack_depth);
	return tb_rt.jit ? kbpf_prog_select_runtime(code, true) : 0;
}

/*
 * Free a runtime no CPU runs any more. The arena wants an RCU grace
 * period since the image was last reachable: expedited, as every JIT test
 * waits for one.
 */
static void tb_code_fini(struct kbpf_code *code)
{
	if (!code->jited)
		return;
	synchronize_rcu_expedited();
	kbpf_prog_free_runtime(code);
}

/* A program the JIT declined: a failure, with the reason. */
static void tb_not_jited(struct kunit *test, int err)
{
	KUNIT_FAIL(test, "not JITed: %s (%d)",
		   err == -ENOSPC ? "no room left in the arena" :
		   err == -E2BIG ? "too large for the JIT" :
		   "an instruction the JIT refuses", err);
}

/* test_bpf's run_one(): every subtest must give its result. */
static void tb_run_subtests(struct kunit *test, const struct tb_case *c,
			    const struct kbpf_code *code)
{
	int sub;

	for (sub = 0; sub < c->nr_sub; sub++) {
		const struct tb_subtest *st = &c->sub[sub];
		struct sk_buff *skb = NULL;
		void *data = NULL;
		u64 start, ns;
		u32 ret;

		if (c->large_mem)
			data = kmalloc(st->data_size, GFP_KERNEL);
		else if (!c->no_data)
			data = skb = tb_skb(c->data, st->data_size);
		if (!data && !c->no_data) {
			KUNIT_FAIL(test, "subtest %d: data generation failed", sub);
			return;
		}
		start = ktime_get_ns();
		ret = run_many(code, data, c->runs);
		ns = ktime_get_ns() - start;
		tb_total_ns += ns;
		if (ns > tb_slowest_ns) {
			tb_slowest_ns = ns;
			tb_slowest = *(const int *)test->param_value;
		}
		if (c->large_mem)
			kfree(data);
		kfree_skb(skb);
		KUNIT_EXPECT_EQ_MSG(test, ret, st->result, "subtest %d", sub);
	}
}

static void test_bpf(struct kunit *test)
{
	int i = *(const int *)test->param_value;
	struct kbpf_code code;
	struct tb_case c;
	int err, jit_err = 0;

	err = tb_get(i, &c);
	if (err) {
		KUNIT_FAIL(test, "fill helper: %d", err);
	} else if (c.skb_frag) {
		/* Only classic tests have fragments in 6.1's table. */
		KUNIT_FAIL(test, "fragmented skbs are not supported here");
	} else {
		jit_err = tb_code_init(&code, c.insns, c.len, c.stack_depth);
		if (!jit_err)
			tb_run_subtests(test, &c, &code);
		tb_code_fini(&code);
	}
	tb_put(i);
	if (jit_err)
		tb_not_jited(test, jit_err);
}

static void test_bpf_classic(struct kunit *test)
{
	int i, n = 0;

	for (i = 0; i < tb_count(); i++)
		n += tb_classic(i);
	kunit_skip(test, "%d classic BPF tests: kbpf has no cBPF translator", n);
}

static void test_bpf_jit_large(struct kunit *test)
{
	int i, n = 0;

	for (i = 0; i < tb_count(); i++)
		n += !tb_classic(i) && tb_jit_skips(i);
	kunit_skip(test, "%d eBPF tests over %d instructions not JITed here (seconds each in the debug kernel on TCG; the host's jit and jit-blind tiers run them)",
		   n, TB_JIT_MAX_INSNS);
}

/* The kernel functions the tail-call tests call, as kbpf helpers. */
static u64 tb_numa_node_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return numa_node_id();
}

static u64 tb_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_ns();
}

static u64 tb_ktime_get_boot_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_boottime_ns();
}

static u64 tb_ktime_get_coarse_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_coarse_ns();
}

static u64 tb_jiffies64(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_jiffies_64();
}

static kbpf_helper_t tb_tail_helper(s32 id)
{
	switch (id) {
	case BPF_FUNC_get_numa_node_id:
		return tb_numa_node_id;
	case BPF_FUNC_ktime_get_ns:
		return tb_ktime_get_ns;
	case BPF_FUNC_ktime_get_boot_ns:
		return tb_ktime_get_boot_ns;
	case BPF_FUNC_ktime_get_coarse_ns:
		return tb_ktime_get_coarse_ns;
	case BPF_FUNC_jiffies64:
		return tb_jiffies64;
	default:
		return NULL;
	}
}

static void tail_free(void)
{
	int i;

	/* Nothing runs them now; the arena still wants a grace period. */
	synchronize_rcu();
	for (i = 0; tail.codes && i < tail.n; i++)
		kbpf_prog_free_runtime(&tail.codes[i]);
	for (i = 0; tail.insns && i < tail.n; i++)
		kfree(tail.insns[i]);
	kfree(tail.insns);
	kfree(tail.codes);
	kfree(tail.array);
	memset(&tail, 0, sizeof(tail));
}

/* test_bpf's prepare_tail_call_tests(): every test in one prog array. */
static int tail_prepare(void)
{
	int i, n = tb_tail_count();

	tail.n = n;
	/* One slot per test, and a last one left NULL. */
	tail.array = kzalloc(struct_size(tail.array, ptrs, n + 1), GFP_KERNEL);
	tail.codes = kcalloc(n, sizeof(*tail.codes), GFP_KERNEL);
	tail.insns = kcalloc(n, sizeof(*tail.insns), GFP_KERNEL);
	if (!tail.array || !tail.codes || !tail.insns)
		goto err;
	tail.array->map.map_type = BPF_MAP_TYPE_PROG_ARRAY;
	tail.array->map.max_entries = n + 1;

	for (i = 0; i < n; i++) {
		struct tb_tail_case c;

		tb_tail_get(i, &c);
		tail.insns[i] = kmemdup(c.insns, c.len * sizeof(*c.insns),
					GFP_KERNEL);
		if (!tail.insns[i] ||
		    tb_tail_relocate(tail.insns[i], c.len, i, n, tail.array,
				     tb_tail_helper))
			goto err;
		tail.jit_err = tb_code_init(&tail.codes[i], tail.insns[i], c.len,
					    c.stack_depth) ?: tail.jit_err;
		tail.array->ptrs[i] = &tail.codes[i];
	}
	return 0;
err:
	tail_free();
	return -ENOMEM;
}

static void test_tail_call(struct kunit *test)
{
	int i = *(const int *)test->param_value, state = 0;
	struct tb_tail_case c;
	u32 ret;

	/* One runtime for the whole array, as Linux requires. */
	if (tail.jit_err) {
		tb_not_jited(test, tail.jit_err);
		return;
	}
	tb_tail_get(i, &c);
	/* All runs, always: the expected counts assume them. */
	ret = run_many(&tail.codes[i], c.need_state ? &state : NULL,
		       tb_max_testruns);
	if (c.result_in_state)
		ret = (u32)state;
	KUNIT_EXPECT_EQ(test, ret, (u32)c.result);
}

/* A helper that returns the stack pointer it runs with. */
static u64 stack_probe(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)__builtin_frame_address(0);
}

/*
 * The interpreter keeps the BPF stack and its call frames in its own
 * kernel stack frame: measure how deep a helper call from the deepest BPF
 * call runs, from this KUnit thread, with KASAN's redzones included.
 */
static void interp_stack_headroom(struct kunit *test)
{
	/* main calls f1 calls ... f7, which calls the probe: 8 frames. */
	struct bpf_insn insns[2 * (KBPF_MAX_CALL_FRAMES - 1) + 2];
	struct kbpf_code code = {
		.bpf_func = kbpf_interp_run, .insnsi = insns,
		.len = ARRAY_SIZE(insns), .stack_depth = 64,
	};
	unsigned long here = (unsigned long)__builtin_frame_address(0);
	unsigned long base = (unsigned long)task_stack_page(current);
	unsigned long deep, used, left;
	int f;
	s32 imm;

	KUNIT_ASSERT_TRUE(test, kbpf_call_imm(stack_probe, &imm));
	for (f = 0; f < KBPF_MAX_CALL_FRAMES - 1; f++) {
		insns[2 * f] = BPF_CALL_REL(1);
		insns[2 * f].off = 64;	/* each callee's stack depth */
		insns[2 * f + 1] = BPF_EXIT_INSN();
	}
	insns[2 * f] = BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, imm);
	insns[2 * f + 1] = BPF_EXIT_INSN();

	deep = kbpf_code_run(&code, NULL);
	KUNIT_ASSERT_TRUE(test, deep > base && deep < here);
	used = here - deep;
	left = deep - base;
	kunit_info(test, "interpreter + helper: %lu bytes of stack; %lu of %lu left\n",
		   used, left, THREAD_SIZE);
	KUNIT_EXPECT_LT(test, used, 4096UL);
	KUNIT_EXPECT_GT(test, left, THREAD_SIZE / 2);
}

static int test_bpf_suite_init(struct kunit_suite *suite)
{
	int i, n = max(tb_count(), tb_tail_count());

	if (tb_rt.jit) {
		tb_rt.saved_enable = kbpf_jit_enable;
		tb_rt.saved_harden = kbpf_jit_harden;
		WRITE_ONCE(kbpf_jit_enable, 1);
		WRITE_ONCE(kbpf_jit_harden, tb_rt.harden);
	}

	tb_index = kmalloc_array(n, sizeof(*tb_index), GFP_KERNEL);
	if (!tb_index)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		tb_index[i] = i;
	tb_total_ns = 0;
	tb_slowest_ns = 0;
	tb_slowest = -1;
	return tail_prepare();
}

static void test_bpf_suite_exit(struct kunit_suite *suite)
{
	if (tb_slowest >= 0)
		kunit_log(KERN_INFO, suite,
			  KUNIT_SUBTEST_INDENT "# %s: %llu ms running table programs; slowest [%d] %s: %llu ms",
			  suite->name, tb_total_ns / NSEC_PER_MSEC, tb_slowest,
			  tb_descr(tb_slowest), tb_slowest_ns / NSEC_PER_MSEC);
	tail_free();
	kfree(tb_index);
	tb_index = NULL;
	if (tb_rt.jit) {
		WRITE_ONCE(kbpf_jit_enable, tb_rt.saved_enable);
		WRITE_ONCE(kbpf_jit_harden, tb_rt.saved_harden);
	}
	tb_rt.jit = false;
}

static int test_bpf_interp_init(struct kunit_suite *suite)
{
	tb_rt.jit = false;
	return test_bpf_suite_init(suite);
}

static int test_bpf_jit_init(struct kunit_suite *suite)
{
	tb_rt.jit = true;
	tb_rt.harden = 0;
	return test_bpf_suite_init(suite);
}

static int test_bpf_jit_blind_init(struct kunit_suite *suite)
{
	tb_rt.jit = true;
	tb_rt.harden = 2;
	return test_bpf_suite_init(suite);
}

static struct kunit_case kbpf_test_bpf_cases[] = {
	KUNIT_CASE(interp_stack_headroom),
	KUNIT_CASE_PARAM(test_bpf, test_bpf_gen),
	KUNIT_CASE(test_bpf_classic),
	KUNIT_CASE_PARAM(test_tail_call, test_tail_call_gen),
	{}
};

static struct kunit_suite kbpf_test_bpf_suite = {
	.name = "kbpf_test_bpf",
	.suite_init = test_bpf_interp_init,
	.suite_exit = test_bpf_suite_exit,
	.test_cases = kbpf_test_bpf_cases,
};

/*
 * The JIT suites: the eBPF and tail-call tests, the same way. One case
 * array each: KUnit keeps per-suite state (the debugfs log) in the cases.
 */
static struct kunit_case kbpf_test_bpf_jit_cases[] = {
	KUNIT_CASE_PARAM(test_bpf, test_bpf_gen),
	KUNIT_CASE(test_bpf_jit_large),
	KUNIT_CASE_PARAM(test_tail_call, test_tail_call_gen),
	{}
};

static struct kunit_case kbpf_test_bpf_jit_blind_cases[] = {
	KUNIT_CASE_PARAM(test_bpf, test_bpf_gen),
	KUNIT_CASE(test_bpf_jit_large),
	KUNIT_CASE_PARAM(test_tail_call, test_tail_call_gen),
	{}
};

static struct kunit_suite kbpf_test_bpf_jit_suite = {
	.name = "kbpf_test_bpf_jit",
	.suite_init = test_bpf_jit_init,
	.suite_exit = test_bpf_suite_exit,
	.test_cases = kbpf_test_bpf_jit_cases,
};

static struct kunit_suite kbpf_test_bpf_jit_blind_suite = {
	.name = "kbpf_test_bpf_jit_blind",
	.suite_init = test_bpf_jit_blind_init,
	.suite_exit = test_bpf_suite_exit,
	.test_cases = kbpf_test_bpf_jit_blind_cases,
};

kunit_test_suites(&kbpf_test_bpf_suite, &kbpf_test_bpf_jit_suite,
		  &kbpf_test_bpf_jit_blind_suite);
