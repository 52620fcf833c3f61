// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf-run: run raw eBPF bytecode on kbpf's engine, in userspace.
 *
 *	kbpf-run [--interp|--jit] [--verify] [--bench N] [--timeout SECS]
 *		 PROG.bin [MEM.bin]
 *
 * PROG.bin is N instructions of 8 bytes each, little-endian, as in the
 * uapi (what `llvm-objcopy -O binary --only-section=.text` gives). R1
 * points to a private copy of MEM.bin (NULL without one), R2 holds its
 * length, R10 a 512-byte stack. No verifier runs (not yet: --verify says
 * so), so the program runs in the checked interpreter, which confines
 * every access to the memory and the live stack frames. Prints R0 as hex
 * and exits 0, or prints "error: ..." and exits with
 *	1  the program or a file was rejected (kbpf_insns_check(), I/O)
 *	2  bad usage, or a feature this build does not have
 *	3  the run faulted (an access out of bounds, say) or timed out
 *
 * It is the shared core built for userspace (include/shim), like the host
 * tests but with -O2 and no sanitizers.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include <getopt.h>
#include <stdarg.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "../../jit/check.h"
#include "../../jit/interp.h"

enum {
	EXIT_REJECTED = 1,
	EXIT_USAGE = 2,
	EXIT_FAULT = 3,
};

/* The timeout's message, formatted up front: a signal handler may only write(). */
static char timeout_msg[64];

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kbpf-run [--interp|--jit] [--verify] [--bench N] [--timeout SECS]\n"
		"                PROG.bin [MEM.bin]\n"
		"Runs raw eBPF bytecode (8-byte little-endian instructions) with R1 = a\n"
		"private copy of MEM.bin (NULL without it), R2 = its length, a 512-byte\n"
		"stack; prints R0 in hex. --bench N then prints the mean time of N more\n"
		"runs; --timeout stops it all after SECS seconds (default 10, 0: never).\n");
}

__attribute__((__format__(__printf__, 2, 3)))
static int fail(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* The whole file in a malloc()ed buffer (never NULL, even when empty). */
static int read_file(const char *path, u8 **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	u8 *b = malloc(cap);

	if (!f || !b) {
		int err = errno;

		if (f)
			fclose(f);
		free(b);
		return fail(EXIT_REJECTED, "%s: %s", path, strerror(err));
	}
	for (;;) {
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		b = realloc(b, cap);
		if (!b) {
			fclose(f);
			return fail(EXIT_REJECTED, "%s: out of memory", path);
		}
	}
	if (ferror(f)) {
		fclose(f);
		free(b);
		return fail(EXIT_REJECTED, "%s: read error", path);
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

/* Little-endian bytes to instructions, whatever the host's byte order. */
static struct bpf_insn *decode(const u8 *b, u32 n)
{
	struct bpf_insn *insns = calloc(n ? n : 1, sizeof(*insns));
	u32 i;

	for (i = 0; insns && i < n; i++, b += 8) {
		insns[i].code = b[0];
		insns[i].dst_reg = b[1] & 0xf;
		insns[i].src_reg = b[1] >> 4;
		insns[i].off = (s16)(b[2] | b[3] << 8);
		insns[i].imm = (s32)((u32)b[4] | (u32)b[5] << 8 |
				     (u32)b[6] << 16 | (u32)b[7] << 24);
	}
	return insns;
}

/*
 * What the checked interpreter cannot give a program that no verifier
 * has fixed up: helpers (called by id), maps and BTF objects (referenced
 * by fd or id), an skb for legacy packet loads. Then the one fix-up it
 * does itself: every bpf-to-bpf callee gets a full stack frame, as the
 * frame sizes the verifier would compute are unknown.
 */
static int prepare(struct bpf_insn *insns, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		struct bpf_insn *insn = &insns[i];
		u8 cls = BPF_CLASS(insn->code), mode = BPF_MODE(insn->code);

		if (insn->code == (BPF_JMP | BPF_CALL)) {
			if (insn->src_reg == BPF_PSEUDO_CALL)
				insn->off = KBPF_MAX_STACK;
			else
				return fail(EXIT_REJECTED,
					    "insn %u: %s calls need the verifier (not available yet)",
					    i, insn->src_reg ? "kfunc" : "helper");
		} else if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			if (insn->src_reg)
				return fail(EXIT_REJECTED,
					    "insn %u: LD_IMM64 with src_reg %u refers to a map, BTF or function: needs the verifier",
					    i, insn->src_reg);
			i++;
		} else if (cls == BPF_LD && (mode == BPF_ABS || mode == BPF_IND)) {
			return fail(EXIT_REJECTED,
				    "insn %u: legacy packet loads (LD_ABS/LD_IND) need an skb context",
				    i);
		}
	}
	return 0;
}

/* Where an access went: near the memory or the stack, relative to it. */
static void describe_addr(char *buf, size_t size, u64 addr,
			  const struct kbpf_interp_check *chk, const u8 *mem)
{
	s64 rel = (s64)(addr - (unsigned long)mem);
	s64 fp_rel = (s64)(addr - chk->stack_top);

	if (mem && rel >= -4096 && rel <= (s64)chk->len + 4096)
		snprintf(buf, size, "MEM%+lld of %llu bytes", (long long)rel,
			 (unsigned long long)chk->len);
	else if (fp_rel >= -2 * KBPF_MAX_CALL_FRAMES * KBPF_MAX_STACK &&
		 fp_rel <= 4096)
		snprintf(buf, size, "R10%+lld of the main frame",
			 (long long)fp_rel);
	else
		snprintf(buf, size, "0x%llx", (unsigned long long)addr);
}

static int report_fault(const struct kbpf_interp_check *chk, const u8 *mem)
{
	static const char * const what[] = {
		[KBPF_INTERP_BAD_LOAD] = "out-of-bounds load",
		[KBPF_INTERP_BAD_STORE] = "out-of-bounds store",
		[KBPF_INTERP_BAD_ATOMIC] = "out-of-bounds atomic",
		[KBPF_INTERP_MISALIGNED_ATOMIC] = "misaligned atomic",
	};
	char where[64];

	switch (chk->fault) {
	case KBPF_INTERP_BAD_LOAD:
	case KBPF_INTERP_BAD_STORE:
	case KBPF_INTERP_BAD_ATOMIC:
	case KBPF_INTERP_MISALIGNED_ATOMIC:
		describe_addr(where, sizeof(where), chk->fault_addr, chk, mem);
		return fail(EXIT_FAULT, "%s at insn %u (%u bytes at %s)",
			    what[chk->fault], chk->fault_insn, chk->fault_size,
			    where);
	case KBPF_INTERP_STACK_OVERFLOW:
		return fail(EXIT_FAULT,
			    "call stack overflow at insn %u (at most %d frames of %d bytes)",
			    chk->fault_insn, KBPF_MAX_CALL_FRAMES, KBPF_MAX_STACK);
	case KBPF_INTERP_SANDBOXED:
		return fail(EXIT_FAULT, "insn %u needs kernel objects the sandbox cannot check",
			    chk->fault_insn);
	default:
		return fail(EXIT_FAULT, "invalid instruction at insn %u",
			    chk->fault_insn);
	}
}

/*
 * A runtime: load readies code (or fails, printing why, and returns the
 * exit status), run runs it once on mem and reports a fault in *chk.
 */
struct runtime {
	const char *name;
	int (*load)(struct kbpf_code *code);
	u64 (*run)(const struct kbpf_code *code, void *mem,
		   struct kbpf_interp_check *chk);
};

static int interp_load(struct kbpf_code *code)
{
	return 0;
}

static u64 interp_run(const struct kbpf_code *code, void *mem,
		      struct kbpf_interp_check *chk)
{
	return kbpf_interp_run_checked(mem, code, chk);
}

/*
 * The JIT lands separately (jit/x86_jit.c). Wiring it up is this entry:
 * a load that JITs into executable memory, and a run that calls the
 * image with a fault handler, reporting a fault in *chk.
 */
static int jit_load(struct kbpf_code *code)
{
	return fail(EXIT_USAGE, "JIT not available in this build");
}

static const struct runtime runtimes[] = {
	{ "interpreter", interp_load, interp_run },
	{ "JIT", jit_load, NULL },
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static void on_alarm(int sig)
{
	ssize_t n = write(STDERR_FILENO, timeout_msg, strlen(timeout_msg));

	(void)n;
	_exit(EXIT_FAULT);
}

static int parse_count(const char *what, const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		return fail(EXIT_USAGE, "%s: bad number '%s'", what, s);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interp", no_argument, NULL, 'i' },
		{ "jit", no_argument, NULL, 'j' },
		{ "verify", no_argument, NULL, 'v' },
		{ "bench", required_argument, NULL, 'b' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const struct runtime *rt = &runtimes[0];
	unsigned long bench = 0, timeout = 10;
	struct kbpf_interp_check chk = {};
	struct kbpf_code code = {};
	struct bpf_insn *insns;
	u8 *prog, *mem = NULL;
	size_t prog_len, mem_len = 0;
	bool verify = false;
	const char *why;
	u32 bad, n;
	u64 r0;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			rt = &runtimes[0];
			break;
		case 'j':
			rt = &runtimes[1];
			break;
		case 'v':
			verify = true;
			break;
		case 'b':
			if (parse_count("--bench", optarg, &bench))
				return EXIT_USAGE;
			break;
		case 't':
			if (parse_count("--timeout", optarg, &timeout))
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 1 || argc - optind > 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (verify)
		return fail(EXIT_USAGE, "verifier not available yet");

	err = read_file(argv[optind], &prog, &prog_len);
	if (err)
		return err;
	if (prog_len % 8)
		return fail(EXIT_REJECTED,
			    "%s: %zu bytes, not a multiple of 8 (one instruction is 8 bytes)",
			    argv[optind], prog_len);
	if (prog_len / 8 > KBPF_MAX_INSNS)
		return fail(EXIT_REJECTED, "%s: more than %d instructions",
			    argv[optind], KBPF_MAX_INSNS);
	n = prog_len / 8;
	insns = decode(prog, n);
	if (!insns)
		return fail(EXIT_REJECTED, "out of memory");
	if (kbpf_insns_check(insns, n, &bad, &why)) {
		if (!n)
			return fail(EXIT_REJECTED, "%s: %s", argv[optind], why);
		return fail(EXIT_REJECTED, "insn %u: %s", bad, why);
	}
	err = prepare(insns, n);
	if (err)
		return err;
	if (argc - optind == 2) {
		err = read_file(argv[optind + 1], &mem, &mem_len);
		if (err)
			return err;
	}

	code.insnsi = insns;
	code.len = n;
	code.stack_depth = KBPF_MAX_STACK;
	err = rt->load(&code);
	if (err)
		return err;

	if (timeout) {
		snprintf(timeout_msg, sizeof(timeout_msg),
			 "error: timed out after %lu s\n", timeout);
		signal(SIGALRM, on_alarm);
		alarm(timeout);
	}
	chk.len = mem_len;
	r0 = rt->run(&code, mem, &chk);
	if (chk.fault)
		return report_fault(&chk, mem);
	printf("0x%llx\n", (unsigned long long)r0);

	if (bench) {
		unsigned long i;
		u64 start = now_ns(), ns;

		/* On the same memory, as BPF_PROG_TEST_RUN repeats a run. */
		for (i = 0; i < bench; i++) {
			rt->run(&code, mem, &chk);
			if (chk.fault)
				return report_fault(&chk, mem);
		}
		ns = now_ns() - start;
		printf("bench: %.1f ns per run (mean of %lu runs, checked %s)\n",
		       (double)ns / bench, bench, rt->name);
	}
	fflush(stdout);
	free(insns);
	free(prog);
	free(mem);
	return 0;
}
