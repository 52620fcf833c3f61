// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf-run: run raw eBPF bytecode on kbpf's engine, in userspace.
 *
 *	kbpf-run [--interp|--jit [--no-sandbox]] [--verify [--log]]
 *		 [--bench N] [--timeout SECS] PROG.bin [MEM.bin]
 *
 * PROG.bin is N instructions of 8 bytes each, little-endian, as in the
 * uapi (what `llvm-objcopy -O binary --only-section=.text` gives). R1
 * points to a private copy of MEM.bin (NULL without one), R2 holds its
 * length, R10 a 512-byte stack. No verifier runs unless --verify is
 * given (verify.c: MEM.bin is then the program's context), so the
 * program runs in the checked interpreter, which confines every access
 * to the memory and the live stack frames; a verified program runs
 * there too: a second line of defence that costs nothing here.
 *
 * With --jit it runs natively, JITed by kbpf's x86-64 JIT into executable
 * memory, which checks nothing: so it first runs once in the checked
 * interpreter, the sandbox, on a copy of the memory, and the JIT runs
 * (and --bench times it) only when that run completed. Then the JIT runs
 * on the original memory and must return what the interpreter did. A
 * fault in JITed code (--no-sandbox skips the sandbox, and a bad access
 * faults natively) is caught by a signal handler and reported. bpf-to-bpf
 * calls go with --jit only after --verify (see jit_load()).
 *
 * Prints R0 as hex and exits 0, or prints "error: ..." and exits with
 *	1  the program or a file was rejected (kbpf_insns_check(), I/O, the
 *	   JIT declined it)
 *	2  bad usage, or a feature this build does not have
 *	3  the run faulted (an access out of bounds, say) or timed out, or
 *	   the JIT and the interpreter disagree
 *
 * It is the shared core built for userspace (include/shim), like the host
 * tests but with -O2 and no sanitizers.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "../../jit/check.h"
#include "../../jit/interp.h"
#include "../../jit/runtime.h"
#include "run.h"
#include "verify.h"

/* The timeout's message, formatted up front: a signal handler may only write(). */
static char timeout_msg[64];

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kbpf-run [--interp|--jit [--no-sandbox]] [--verify [--log]]\n"
		"                [--bench N] [--timeout SECS] PROG.bin [MEM.bin]\n"
		"Runs raw eBPF bytecode (8-byte little-endian instructions) with R1 = a\n"
		"private copy of MEM.bin (NULL without it), R2 = its length, a 512-byte\n"
		"stack; prints R0 in hex. --bench N then prints the mean time of N more\n"
		"runs; --timeout stops it all after SECS seconds (default 10, 0: never).\n"
		"--interp (default) runs the checked interpreter, which stops any access\n"
		"outside MEM and the stack. --jit runs the program JITed to x86-64 code,\n"
		"which checks nothing: only after one run in the checked interpreter (the\n"
		"sandbox) completed, and it must return the same R0 (--bench times the\n"
		"JIT); a fault in JITed code is caught and reported. --no-sandbox skips\n"
		"the sandbox run: a bad access then runs natively, unchecked.\n"
		"--verify first runs kbpf's verifier, with MEM.bin as the context: R1\n"
		"points to exactly its bytes, which the program may read and write at\n"
		"constant offsets (like Linux's BPF_PROG_TYPE_SYSCALL context), R2 is\n"
		"their count, a known scalar; no helpers, no maps. The program is\n"
		"verified as root loads it, then its xlated form runs as above. A\n"
		"rejection prints the end of the verifier's log (exit 1); --log prints\n"
		"the whole log (level 2) on stderr. --jit runs bpf-to-bpf calls only\n"
		"after --verify, which sizes each function's stack frame.\n");
}

int fail(int status, const char *fmt, ...)
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
 * The JIT zeroes R2-R9 on entry, as the runtimes do: R2 = the memory's
 * length comes from an LD_IMM64 put in front of the program (jumps and
 * calls are relative, so they are unaffected).
 */
static u64 jit_mem_len;

static bool jit_verified;

static int jit_load(struct kbpf_code *code)
{
	struct bpf_insn *insns = calloc(code->len + 2, sizeof(*insns));
	const struct bpf_insn set_r2[] = { BPF_LD_IMM64(BPF_REG_2, jit_mem_len) };
	int err;

	u32 i;

	/*
	 * Unverified, prepare() gives every callee a full frame, not knowing
	 * what it uses; the JIT bounds a call chain by the kernel
	 * interpreter's stack (768 bytes), which two full frames exceed.
	 * Nor would the sandbox vouch for native frames: it lays frames out
	 * back to back, where the JIT has a return address and saved
	 * registers between them. The verifier sizes every frame and keeps
	 * each function's accesses inside its own frame or pointed-to ones.
	 */
	for (i = 0; !jit_verified && i < code->len; i++)
		if (code->insnsi[i].code == (BPF_JMP | BPF_CALL) &&
		    code->insnsi[i].src_reg == BPF_PSEUDO_CALL)
			return fail(EXIT_REJECTED,
				    "insn %u: bpf-to-bpf calls with --jit need --verify (unverified, each callee gets a full %d-byte frame, more than the JIT allows a call chain)",
				    i, KBPF_MAX_STACK);
	if (!insns)
		return fail(EXIT_REJECTED, "out of memory");
	memcpy(insns, set_r2, sizeof(set_r2));
	memcpy(insns + 2, code->insnsi, code->len * sizeof(*insns));
	code->insnsi = insns;
	code->len += 2;
	/* Blinding changes the code, not the result: keep it as written. */
	kbpf_jit_enable = 1;
	kbpf_jit_harden = 0;
	err = kbpf_prog_select_runtime(code, true);
	if (err || !code->jited)
		return fail(EXIT_REJECTED, "the JIT declined the program (%s)",
			    err == -E2BIG ? "too large" :
			    err == -EINVAL ? "an instruction it refuses" :
			    strerror(err < 0 ? -err : EINVAL));
	return 0;
}

/* A fault in JITed code: the signal, where, and what it touched. */
static sigjmp_buf jit_fault_jmp;
static volatile sig_atomic_t jit_fault_sig;
static volatile unsigned long jit_fault_pc, jit_fault_addr;

static void on_jit_fault(int sig, siginfo_t *si, void *uc)
{
	jit_fault_sig = sig;
	jit_fault_addr = (unsigned long)si->si_addr;
	jit_fault_pc = ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
	siglongjmp(jit_fault_jmp, 1);
}

/*
 * Catch the faults JITed code can raise. On an alternate stack, as a
 * runaway program may have used up its own.
 */
static void catch_jit_faults(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	static u8 altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = {
		.sa_sigaction = on_jit_fault,
		.sa_flags = SA_SIGINFO | SA_ONSTACK,
	};
	size_t i;

	sigaltstack(&ss, NULL);
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int report_jit_fault(const struct kbpf_code *code)
{
	unsigned long image = (unsigned long)code->bpf_func;
	char where[48];

	if (jit_fault_pc >= image && jit_fault_pc - image < code->jited_len)
		snprintf(where, sizeof(where), "image+0x%lx",
			 jit_fault_pc - image);
	else
		snprintf(where, sizeof(where), "0x%lx (outside the image)",
			 jit_fault_pc);
	return fail(EXIT_FAULT, "fault in JITed code at %s: %s, address 0x%lx",
		    where, strsignal(jit_fault_sig), jit_fault_addr);
}

static u64 jit_run(const struct kbpf_code *code, void *mem,
		   struct kbpf_interp_check *chk)
{
	return kbpf_code_run(code, mem);
}

static const struct runtime runtimes[] = {
	{ "checked interpreter", interp_load, interp_run },
	{ "JIT", jit_load, jit_run },
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

/*
 * Run code once on mem and print R0, then time --bench runs on the same
 * memory, as BPF_PROG_TEST_RUN repeats a run. want: what the sandbox run
 * returned, which a JIT run must return too (NULL: no sandbox run).
 */
static int run_and_bench(const struct runtime *rt,
			 const struct kbpf_code *code, u8 *mem,
			 struct kbpf_interp_check *chk, const u64 *want,
			 unsigned long bench)
{
	unsigned long i;
	u64 r0, start, ns;

	if (rt->run == jit_run) {
		catch_jit_faults();
		if (sigsetjmp(jit_fault_jmp, 1))
			return report_jit_fault(code);
	}
	r0 = rt->run(code, mem, chk);
	if (chk->fault)
		return report_fault(chk, mem);
	if (want && r0 != *want)
		return fail(EXIT_FAULT, "the JIT returned 0x%llx, the interpreter 0x%llx",
			    (unsigned long long)r0, (unsigned long long)*want);
	printf("0x%llx\n", (unsigned long long)r0);
	if (!bench)
		return 0;

	start = now_ns();
	for (i = 0; i < bench; i++) {
		rt->run(code, mem, chk);
		if (chk->fault)
			return report_fault(chk, mem);
	}
	ns = now_ns() - start;
	printf("bench: %.1f ns per run (mean of %lu runs, %s)\n",
	       (double)ns / bench, bench, rt->name);
	return 0;
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
		{ "no-sandbox", no_argument, NULL, 'n' },
		{ "verify", no_argument, NULL, 'v' },
		{ "log", no_argument, NULL, 'l' },
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
	struct run_verified verified = {};
	bool verify = false, sandbox = true;
	u32 log_level = 0;
	const char *why;
	u32 bad, n;
	u64 r0 = 0;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			rt = &runtimes[0];
			break;
		case 'j':
			rt = &runtimes[1];
			break;
		case 'n':
			sandbox = false;
			break;
		case 'v':
			verify = true;
			break;
		case 'l':
			log_level = 2;
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
	if (log_level && !verify)
		return fail(EXIT_USAGE, "--log goes with --verify");
	if (!sandbox && rt->run != jit_run)
		return fail(EXIT_USAGE, "--no-sandbox goes with --jit");

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
	err = verify ? 0 : prepare(insns, n);
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
	if (verify) {
		if (mem_len > U32_MAX)
			return fail(EXIT_REJECTED, "%s: too large for a context",
				    argv[optind + 1]);
		err = run_verify(insns, n, mem_len, log_level, &verified);
		if (err)
			return err;
		code.insnsi = verified.insns;
		code.len = verified.len;
		code.stack_depth = verified.stack_depth;
		jit_verified = true;
	}
	jit_mem_len = mem_len;
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
	if (rt->run == jit_run && sandbox) {
		/* The sandbox: the checked interpreter on a copy of MEM. */
		struct kbpf_code checked = {
			.insnsi = verify ? verified.insns : insns,
			.len = verify ? verified.len : n,
			.stack_depth = code.stack_depth,
		};
		u8 *copy = malloc(mem_len ? mem_len : 1);

		if (!copy)
			return fail(EXIT_REJECTED, "out of memory");
		if (mem)
			memcpy(copy, mem, mem_len);
		r0 = interp_run(&checked, mem ? copy : NULL, &chk);
		free(copy);
		if (chk.fault)
			return report_fault(&chk, mem);
	}
	err = run_and_bench(rt, &code, mem, &chk,
			    rt->run == jit_run && sandbox ? &r0 : NULL, bench);
	if (err)
		return err;
	fflush(stdout);
	run_verified_free(&verified);
	free(insns);
	free(prog);
	free(mem);
	return 0;
}
