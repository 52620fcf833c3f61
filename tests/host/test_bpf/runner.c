// SPDX-License-Identifier: GPL-2.0
/*
 * test-bpf: Linux's lib/test_bpf.c tables (extracted at build time by
 * scripts/extract-test-bpf.py) run on one of kbpf's runtimes the way
 * test_bpf.ko runs them on Linux's: straight on the runtime, no verifier
 * (the programs are not verifier-clean by design), each subtest `runs`
 * times with R1 = a fake skb, NULL or a buffer, comparing the low 32 bits
 * of R0; then the tail-call tests through a prog array.
 *
 * Usage: test-bpf [-v] [-m MODE] [-r RUNS] [FILTER]
 *   -v       a line for every test, with ns per run
 *   -m MODE  interp (default): the interpreter; jit: the JIT, through
 *            kbpf_prog_select_runtime() as a privileged load; jit-blind:
 *            the same with constant blinding (jit_harden=2)
 *   -r RUNS  at most RUNS runs per subtest (default: the table's)
 *   FILTER   only tests whose name contains FILTER
 * A FAIL line per failure, a SKIP line per skipped test with its reason
 * in brackets, then the summary the check driver reads:
 *   test_bpf-host-MODE: N passed, N failed, N skipped
 * In the JIT modes a program the JIT does not take runs on the
 * interpreter (as it would in the kernel): if it passes there, it is
 * reported skipped, with the JIT's reason; if not, failed.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include <time.h>
#include <unistd.h>

#include "../../../jit/interp.h"
#include "../../../jit/runtime.h"
#include "table.h"

#define SKIP_CLASSIC	"classic BPF: no cBPF translator"
#define SKIP_FRAG	"fragmented skb: not emulated on the host"

static bool verbose;
static const char *mode = "interp";
static bool use_jit;
static int max_runs = INT_MAX;
static const char *filter;
static unsigned int passed, failed, skipped;

/* Make allocation failure return NULL (ENOMEM), as kmalloc does. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:handle_abort=1";
}

static u64 now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static bool selected(const char *descr)
{
	return !filter || strstr(descr, filter);
}

static void skip(const char *suite, int i, const char *descr, const char *why)
{
	skipped++;
	printf("SKIP [%s] %s #%d %s\n", why, suite, i, descr);
}

/*
 * test_bpf's populate_skb(): size bytes of data in a MAX_DATA buffer, the
 * link-layer header at the start, the network header ETH_HLEN in (or at
 * the end of a shorter packet). NULL when size does not fit, as there.
 */
struct host_skb {
	struct sk_buff skb;
	u8 *buf;
};

static struct sk_buff *host_skb_init(struct host_skb *hs, const u8 *data,
				     int size)
{
	if (size < 0 || size >= tb_max_data)
		return NULL;
	hs->buf = kmalloc(tb_max_data, GFP_KERNEL);
	if (!hs->buf)
		return NULL;
	memcpy(hs->buf, data, size);
	memset(&hs->skb, 0, sizeof(hs->skb));
	hs->skb.head = hs->buf;
	hs->skb.data = hs->buf;
	hs->skb.len = size;
	hs->skb.tail = size;
	hs->skb.mac_header = 0;
	hs->skb.network_header = min(size, 14);	/* ETH_HLEN */
	return &hs->skb;
}

/*
 * The runtime under test for one program: 0, or the JIT's error when it
 * did not take the program (which then runs on the interpreter).
 */
static int code_init(struct kbpf_code *code, const struct bpf_insn *insns,
		     u32 len, u32 stack_depth)
{
	kbpf_code_init(code, insns, len, stack_depth);
	return use_jit ? kbpf_prog_select_runtime(code, true) : 0;
}

static void code_fini(struct kbpf_code *code)
{
	kbpf_prog_free_runtime(code);
}

/* The reason a program stayed on the interpreter, for the SKIP line. */
static const char *not_jited(int err)
{
	static char why[64];

	snprintf(why, sizeof(why), "not JITed (%s), passes on the interpreter",
		 err == -E2BIG ? "too long" : err == -EINVAL ? "refused" :
		 strerror(-err));
	return why;
}

static u32 run_many(const struct kbpf_code *code, const void *ctx, int runs,
		    u64 *ns)
{
	u64 start = now_ns(CLOCK_MONOTONIC);
	u32 ret = 0;
	int r;

	for (r = 0; r < runs; r++)
		ret = (u32)kbpf_code_run(code, ctx);
	*ns = (now_ns(CLOCK_MONOTONIC) - start) / (runs ? runs : 1);
	return ret;
}

/* test_bpf's run_one(): every subtest must give its result. */
static int run_subtests(const struct tb_case *c, const struct kbpf_code *code,
			char *why, size_t why_len)
{
	int runs = min(c->runs, max_runs), sub, errs = 0;
	size_t at = 0;

	for (sub = 0; sub < c->nr_sub; sub++) {
		const struct tb_subtest *st = &c->sub[sub];
		struct host_skb hs = { .buf = NULL };
		void *data = NULL;
		u64 ns;
		u32 ret;

		if (c->large_mem)
			data = kmalloc(st->data_size, GFP_KERNEL);
		else if (!c->no_data)
			data = host_skb_init(&hs, c->data, st->data_size);
		if (!data && !c->no_data) {
			at += snprintf(why + at, why_len - at,
				       "data generation failed ");
			errs++;
			break;
		}
		ret = run_many(code, data, runs, &ns);
		if (c->large_mem)
			kfree(data);
		kfree(hs.buf);

		if (ret != st->result) {
			at += snprintf(why + at, why_len - at, "ret %d != %d ",
				       (int)ret, (int)st->result);
			errs++;
		} else if (verbose) {
			at += snprintf(why + at, why_len - at, "%llu ",
				       (unsigned long long)ns);
		}
		if (at >= why_len)
			at = why_len - 1;
	}
	return errs;
}

static void run_table(void)
{
	int i, n = tb_count();

	for (i = 0; i < n; i++) {
		struct kbpf_code code;
		struct tb_case c;
		char why[160] = "";
		int err;

		if (!selected(tb_descr(i)))
			continue;
		err = tb_get(i, &c);
		if (err) {
			failed++;
			printf("FAIL test_bpf #%d %s: fill helper: %d\n", i,
			       c.descr, err);
			tb_put(i);
			continue;
		}
		if (c.classic) {
			skip("test_bpf", i, c.descr, SKIP_CLASSIC);
		} else if (c.skb_frag) {
			skip("test_bpf", i, c.descr, SKIP_FRAG);
		} else {
			int jit_err = code_init(&code, c.insns, c.len,
						c.stack_depth);

			if (run_subtests(&c, &code, why, sizeof(why))) {
				failed++;
				printf("FAIL test_bpf #%d %s: %s%s\n", i, c.descr,
				       why, jit_err ? "(on the interpreter)" : "");
			} else if (jit_err) {
				skip("test_bpf", i, c.descr, not_jited(jit_err));
			} else {
				passed++;
				if (verbose)
					printf("ok   test_bpf #%d %s: %s\n", i,
					       c.descr, why);
			}
			code_fini(&code);
		}
		tb_put(i);
	}
}

/* Stand-ins for the kernel functions the tail-call tests call. */
static u64 host_numa_node_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return 0;
}

static u64 host_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return now_ns(CLOCK_MONOTONIC);
}

static u64 host_ktime_get_boot_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return now_ns(CLOCK_BOOTTIME);
}

static u64 host_ktime_get_coarse_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return now_ns(CLOCK_MONOTONIC_COARSE);
}

static u64 host_jiffies64(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return now_ns(CLOCK_MONOTONIC_COARSE) / 4000000;	/* HZ=250 */
}

/* The kernel helpers the tail-call tests call, by id. */
static kbpf_helper_t tail_helper(s32 id)
{
	switch (id) {
	case BPF_FUNC_get_numa_node_id:
		return host_numa_node_id;
	case BPF_FUNC_ktime_get_ns:
		return host_ktime_get_ns;
	case BPF_FUNC_ktime_get_boot_ns:
		return host_ktime_get_boot_ns;
	case BPF_FUNC_ktime_get_coarse_ns:
		return host_ktime_get_coarse_ns;
	case BPF_FUNC_jiffies64:
		return host_jiffies64;
	default:
		return NULL;
	}
}

static void run_tail_calls(void)
{
	int n = tb_tail_count(), i;
	struct kbpf_prog_array *array;
	struct kbpf_code *codes;
	struct bpf_insn **insns;
	int jit_err = 0;

	/* One slot per test, and a last one left NULL. */
	array = kzalloc(sizeof(*array) + (n + 1) * sizeof(array->ptrs[0]),
			GFP_KERNEL);
	codes = kcalloc(n, sizeof(*codes), GFP_KERNEL);
	insns = kcalloc(n, sizeof(*insns), GFP_KERNEL);
	if (!array || !codes || !insns) {
		failed++;
		printf("FAIL tail calls: out of memory\n");
		goto out;
	}
	array->map.map_type = BPF_MAP_TYPE_PROG_ARRAY;
	array->map.max_entries = n + 1;

	for (i = 0; i < n; i++) {
		struct tb_tail_case c;

		tb_tail_get(i, &c);
		insns[i] = kmalloc_array(c.len, sizeof(**insns), GFP_KERNEL);
		if (insns[i])
			memcpy(insns[i], c.insns, c.len * sizeof(**insns));
		if (!insns[i] ||
		    tb_tail_relocate(insns[i], c.len, i, n, array, tail_helper)) {
			failed++;
			printf("FAIL tail calls: preparing #%d %s\n", i, c.descr);
			goto out;
		}
		jit_err = code_init(&codes[i], insns[i], c.len, c.stack_depth) ?:
			  jit_err;
		array->ptrs[i] = &codes[i];
	}
	/* One runtime for the whole array, as Linux requires. */
	if (jit_err)
		for (i = 0; i < n; i++) {
			code_fini(&codes[i]);
			codes[i].bpf_func = kbpf_interp_run;
		}

	for (i = 0; i < n; i++) {
		struct tb_tail_case c;
		int runs, state = 0;
		u64 ns;
		u32 ret;

		tb_tail_get(i, &c);
		if (!selected(c.descr))
			continue;
		/* Not capped by -r: the expected counts assume all of them. */
		runs = tb_max_testruns;
		ret = run_many(&codes[i], c.need_state ? &state : NULL, runs, &ns);
		if (c.result_in_state)
			ret = (u32)state;
		if (ret != (u32)c.result) {
			failed++;
			printf("FAIL test_tail_calls #%d %s: ret %d != %d\n", i,
			       c.descr, (int)ret, c.result);
		} else if (jit_err) {
			skip("test_tail_calls", i, c.descr, not_jited(jit_err));
		} else {
			passed++;
			if (verbose)
				printf("ok   test_tail_calls #%d %s: %llu\n", i,
				       c.descr, (unsigned long long)ns);
		}
	}
out:
	for (i = 0; codes && i < n; i++)
		code_fini(&codes[i]);
	for (i = 0; insns && i < n; i++)
		kfree(insns[i]);
	kfree(insns);
	kfree(codes);
	kfree(array);
}

int main(int argc, char **argv)
{
	u64 start;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "vm:r:")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'm':
			mode = optarg;
			if (!strcmp(mode, "jit")) {
				use_jit = true;
				kbpf_jit_harden = 0;
			} else if (!strcmp(mode, "jit-blind")) {
				use_jit = true;
				kbpf_jit_harden = 2;
			} else if (strcmp(mode, "interp")) {
				fprintf(stderr, "unknown mode %s\n", mode);
				return 2;
			}
			break;
		case 'r':
			max_runs = atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-v] [-m interp|jit|jit-blind] [-r RUNS] [FILTER]\n",
				argv[0]);
			return 2;
		}
	}
	if (optind < argc)
		filter = argv[optind];

	start = now_ns(CLOCK_MONOTONIC);
	run_table();
	run_tail_calls();
	printf("test_bpf: %d table tests, %d tail-call tests, run in %.2f s\n",
	       tb_count(), tb_tail_count(),
	       (now_ns(CLOCK_MONOTONIC) - start) / 1e9);
	printf("test_bpf-host-%s: %u passed, %u failed, %u skipped\n",
	       mode, passed, failed, skipped);
	return failed ? 1 : 0;
}
