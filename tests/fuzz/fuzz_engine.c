// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-engine: differential fuzzing of the execution engine (libFuzzer).
 * Each input becomes a random, structurally valid program (prog_gen.c),
 * which runs on the interpreter, on the JIT and on the JIT with constant
 * blinding, each on its own copy of the same buffer, with an sk_buff over
 * that copy and a prog array holding the tail call target compiled for
 * the same runtime. R0 and the whole buffer (where the program leaves its
 * registers and stack frames) must come out identical; the JIT must
 * accept every program.
 *
 * On a mismatch the program is printed and written out, then the run
 * aborts, so libFuzzer saves the input as a crash file; running the
 * binary on that file replays it. In $KBPF_FUZZ_OUT (default .):
 *   mismatch.txt       the report and the program, disassembled
 *   mismatch-prog.bin  the instructions, 8 bytes each, little-endian
 *   mismatch-tail.bin  the tail call target's, likewise
 *   mismatch-mem.bin   the buffer R1 points to, before the run
 * KBPF_FUZZ_PRINT=1 prints every program generated (for replays).
 *
 * The interpreter's memory accesses are checked by ASan: a generated
 * access out of bounds is a generator bug, and reported as such.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include <stdio.h>

#include "../../jit/interp.h"
#include "../../jit/x86_jit.h"
#include "prog_gen.h"

struct result {
	u64 r0;
	u8 *mem;
};

static const char *out_dir = ".";
static bool print_all;
static unsigned long long nr_progs, nr_insns;

/* What the buffer points to, one of each: runs take turns. */
static struct sk_buff fz_skb;
static struct kbpf_prog_array *fz_array;	/* slot 0 target, 1 empty */

/*
 * One buffer per runtime, allocated once (LLVMFuzzerInitialize) and
 * exactly sized, so ASan sees a program step outside.
 */
static u8 *fz_mem[3];

static void result_init(struct result *res, const struct fz_prog *p)
{
	memcpy(res->mem, p->mem, FZ_MEM_LEN);
}

/* The packet is the data after its first FZ_PKT_OFF bytes. */
static void skb_init(u8 *mem)
{
	memset(&fz_skb, 0, sizeof(fz_skb));
	fz_skb.head = mem;
	fz_skb.data = mem + FZ_PKT_OFF;
	fz_skb.len = FZ_PKT_LEN;
	fz_skb.tail = FZ_DATA_LEN;
	fz_skb.mac_header = FZ_PKT_OFF;
	fz_skb.network_header = FZ_PKT_NET_OFF;
}

static void write_file(const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
	fprintf(stderr, "kbpf-fuzz: wrote %s\n", path);
}

static void describe(FILE *f, const struct fz_prog *p, const char *what,
		     const struct result *want, const struct result *got)
{
	u32 off, shown = 0;

	fprintf(f, "MISMATCH: interpreter vs %s\n", what);
	if (want->r0 != got->r0)
		fprintf(f, "  r0: interpreter %#llx, %s %#llx\n",
			(unsigned long long)want->r0, what,
			(unsigned long long)got->r0);
	for (off = 0; off < FZ_MEM_LEN; off += 8) {
		u64 a, b;
		u32 rel;
		const char *region = fz_mem_region(off, &rel);

		memcpy(&a, want->mem + off, 8);
		memcpy(&b, got->mem + off, 8);
		if (a == b)
			continue;
		if (shown++ == 32) {
			fprintf(f, "  ... more differences\n");
			break;
		}
		fprintf(f, "  mem[%u] (%s %u): interpreter %#018llx, %s %#018llx\n",
			off, region, rel, (unsigned long long)a, what,
			(unsigned long long)b);
	}
	fz_prog_print(f, p);
}

static void __attribute__((noreturn))
mismatch(const struct fz_prog *p, const char *what, const struct result *want,
	 const struct result *got)
{
	char path[4096];
	FILE *f;

	describe(stderr, p, what, want, got);
	snprintf(path, sizeof(path), "%s/mismatch.txt", out_dir);
	f = fopen(path, "w");
	if (f) {
		describe(f, p, what, want, got);
		fclose(f);
		fprintf(stderr, "kbpf-fuzz: wrote %s\n", path);
	}
	write_file("mismatch-prog.bin", p->insns, p->len * sizeof(*p->insns));
	write_file("mismatch-tail.bin", p->tail_insns,
		   p->tail_len * sizeof(*p->tail_insns));
	write_file("mismatch-mem.bin", p->mem, FZ_MEM_LEN);
	abort();
}

static void check(const struct fz_prog *p, const char *what,
		  const struct result *want, const struct result *got)
{
	if (want->r0 != got->r0 || memcmp(want->mem, got->mem, FZ_MEM_LEN))
		mismatch(p, what, want, got);
}

static void jit(const struct fz_prog *p, struct kbpf_code *code, bool blind)
{
	int err = kbpf_jit_compile(code, blind);

	if (err) {
		fprintf(stderr, "kbpf-fuzz: the JIT%s refused a valid %s: %d\n",
			blind ? " (blinded)" : "",
			code->insnsi == p->insns ? "program" : "tail call target",
			err);
		fz_prog_print(stderr, p);
		abort();
	}
}

/* One run on the interpreter, or on the JIT, blinded or not. */
static void run(const struct fz_prog *p, bool use_jit, bool blind,
		struct result *res)
{
	struct kbpf_code main, target;

	kbpf_code_init(&main, p->insns, p->len, p->stack_depth);
	kbpf_code_init(&target, p->tail_insns, p->tail_len,
		       p->tail_stack_depth);
	if (use_jit) {
		jit(p, &main, blind);
		jit(p, &target, blind);
	}
	result_init(res, p);
	skb_init(res->mem);
	fz_array->ptrs[0] = &target;
	res->r0 = kbpf_code_run(&main, res->mem);
	fz_array->ptrs[0] = NULL;
	kbpf_jit_free(&main);
	kbpf_jit_free(&target);
}

/*
 * ASan's defaults, which $ASAN_OPTIONS still overrides. A quarantine of
 * 32 MiB rather than 256: an execution frees some 50 KiB, so a freed
 * block still stays poisoned for hundreds of executions, but the heap's
 * working set stays small; cycling through 256 MiB had every allocation
 * fault its pages in again, half of an execution's time.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=32";
}

static void report_totals(void)
{
	fprintf(stderr, "kbpf-fuzz: %llu programs (%llu instructions) on interpreter, JIT and blinded JIT, 0 mismatches\n",
		nr_progs, nr_insns);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("KBPF_FUZZ_OUT");
	u32 i;

	if (dir && *dir)
		out_dir = dir;
	print_all = getenv("KBPF_FUZZ_PRINT");
	fz_array = calloc(1, struct_size(fz_array, ptrs, 2));
	if (!fz_array)
		abort();
	fz_array->map.max_entries = 2;
	for (i = 0; i < ARRAY_SIZE(fz_mem); i++) {
		fz_mem[i] = malloc(FZ_MEM_LEN);
		if (!fz_mem[i])
			abort();
	}
	atexit(report_totals);
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct result interp = { .mem = fz_mem[0] };
	struct result jit = { .mem = fz_mem[1] };
	struct result blind = { .mem = fz_mem[2] };
	struct fz_prog p;
	u64 ptr;

	if (fz_generate(&p, data, size))
		return 0;
	ptr = (unsigned long)&fz_skb;
	memcpy(p.mem + FZ_OFF_SKB, &ptr, sizeof(ptr));
	ptr = (unsigned long)&fz_array->map;
	memcpy(p.mem + FZ_OFF_PROG_ARRAY, &ptr, sizeof(ptr));
	if (print_all)
		fz_prog_print(stderr, &p);

	run(&p, false, false, &interp);
	run(&p, true, false, &jit);
	check(&p, "JIT", &interp, &jit);
	run(&p, true, true, &blind);
	check(&p, "blinded JIT", &interp, &blind);

	nr_progs++;
	nr_insns += p.len + p.tail_len;
	fz_prog_free(&p);
	return 0;
}
