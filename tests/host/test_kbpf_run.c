// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf-run (tools/run/kbpf-run.c) as its users see it: programs written
 * with <kbpf/insn.h>, encoded to files the way the uapi lays instructions
 * out, run by the binary, its output and exit status checked. The binary
 * is build/tools/kbpf-run (host.mk builds it first), or $KBPF_RUN_BIN.
 */
#include <kbpf/kapi.h>
#include <kbpf/engine.h>
#include <kbpf/insn.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktest.h"

extern char **environ;

struct run {
	int status;		/* exit status, or 128 + signal */
	char out[512];		/* stdout */
	char err[512];		/* stderr */
};

/* A temporary file holding n bytes of data; its name in path. */
static bool write_tmp(char *path, size_t size, const void *data, size_t n)
{
	int fd;

	snprintf(path, size, "%s/kbpf-run-test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	if (write(fd, data, n) != (ssize_t)n) {
		close(fd);
		unlink(path);
		return false;
	}
	close(fd);
	return true;
}

static void read_all(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* kbpf-run ARGS... with stdout and stderr captured. */
static bool spawn(struct run *r, char *const args[])
{
	const char *bin = getenv("KBPF_RUN_BIN") ?: "build/tools/kbpf-run";
	char out[64], err[64], *argv[16];
	posix_spawn_file_actions_t fa;
	int i, status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	argv[0] = (char *)bin;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (!write_tmp(out, sizeof(out), "", 0) ||
	    !write_tmp(err, sizeof(err), "", 0))
		return false;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_TRUNC, 0);
	posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_TRUNC, 0);
	if (posix_spawn(&pid, bin, &fa, NULL, argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		return false;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) != pid)
		return false;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
	read_all(out, r->out, sizeof(r->out));
	read_all(err, r->err, sizeof(r->err));
	unlink(out);
	unlink(err);
	return true;
}

/* Instructions as PROG.bin holds them: 8 bytes each, little-endian. */
static void encode(u8 *b, const struct bpf_insn *insns, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++, b += 8) {
		b[0] = insns[i].code;
		b[1] = insns[i].dst_reg | insns[i].src_reg << 4;
		b[2] = (u16)insns[i].off;
		b[3] = (u16)insns[i].off >> 8;
		b[4] = (u32)insns[i].imm;
		b[5] = (u32)insns[i].imm >> 8;
		b[6] = (u32)insns[i].imm >> 16;
		b[7] = (u32)insns[i].imm >> 24;
	}
}

/*
 * Run prog (bytes) with options opt (NULL-terminated, may be empty) and
 * MEM.bin = mem[0, mem_len) when mem is not NULL.
 */
static bool run_bytes(struct run *r, const void *prog, size_t len,
		      const void *mem, size_t mem_len, const char *const opt[])
{
	char prog_path[64], mem_path[64], *args[12];
	int n = 0;
	bool ok;

	if (!write_tmp(prog_path, sizeof(prog_path), prog, len))
		return false;
	if (mem && !write_tmp(mem_path, sizeof(mem_path), mem, mem_len)) {
		unlink(prog_path);
		return false;
	}
	while (opt && opt[n] && n < 9) {
		args[n] = (char *)opt[n];
		n++;
	}
	args[n++] = prog_path;
	if (mem)
		args[n++] = mem_path;
	args[n] = NULL;
	ok = spawn(r, args);
	unlink(prog_path);
	if (mem)
		unlink(mem_path);
	return ok;
}

static bool run_insns(struct run *r, const struct bpf_insn *insns, u32 n,
		      const void *mem, size_t mem_len, const char *const opt[])
{
	u8 *b = malloc(n * 8 + 1);
	bool ok;

	if (!b)
		return false;
	encode(b, insns, n);
	ok = run_bytes(r, b, n * 8, mem, mem_len, opt);
	free(b);
	return ok;
}

/* RUN(&r, mem, mem_len, options, insn, ...) */
#define RUN(r, mem, mem_len, opt, ...)					\
	({								\
		const struct bpf_insn __p[] = { __VA_ARGS__ };		\
		run_insns(r, __p, ARRAY_SIZE(__p), mem, mem_len, opt);	\
	})

#define NO_OPT	((const char *const[]){ NULL })

/* The run ended with status, and stream (out or err) holds text. */
#define EXPECT_RUN(r, st, stream, text)					\
	do {								\
		EXPECT_EQ((r)->status, st);				\
		if (!EXPECT_TRUE(strstr((r)->stream, text)))		\
			fprintf(stderr, "  got stdout '%s' stderr '%s'\n", \
				(r)->out, (r)->err);			\
	} while (0)

TEST(kbpf_run_prints_r0)
{
	struct run r;

	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_MOV64_IMM(BPF_REG_0, 42), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0x2a\n");
	EXPECT_EQ(r.err[0], '\0');
	/* All 64 bits; --interp is the default. */
	ASSERT_TRUE(RUN(&r, NULL, 0, ((const char *const[]){ "--interp", NULL }),
			BPF_LD_IMM64(BPF_REG_0, 0xfedcba9876543210ULL),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0xfedcba9876543210\n");
	/* Without MEM.bin, R1 is NULL and R2 zero; R3-R9 start at zero. */
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_2),
			BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_9),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0x0\n");
	/* Division by zero is defined, not a crash. */
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_MOV64_IMM(BPF_REG_0, 7),
			BPF_ALU64_REG(BPF_DIV, BPF_REG_0, BPF_REG_2),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0x0\n");
}

TEST(kbpf_run_memory_and_stack)
{
	static const u8 mem[6] = { 1, 2, 3, 4, 5, 6 };
	const struct bpf_insn sum[] = {
		/* r0 = sum of the R2 bytes at R1, via a stack slot */
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 7),
		BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_1, 0),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_3, -KBPF_MAX_STACK),
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -KBPF_MAX_STACK),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
		BPF_ALU64_IMM(BPF_SUB, BPF_REG_2, 1),
		BPF_JMP_A(-8),
		BPF_EXIT_INSN(),
	};
	struct run r;

	ASSERT_TRUE(run_insns(&r, sum, ARRAY_SIZE(sum), mem, sizeof(mem), NO_OPT));
	EXPECT_RUN(&r, 0, out, "0x15\n");
	/* An empty MEM.bin: R1 points nowhere the program may read. */
	ASSERT_TRUE(run_insns(&r, sum, ARRAY_SIZE(sum), "", 0, NO_OPT));
	EXPECT_RUN(&r, 0, out, "0x0\n");
	/* A private copy: stores and atomics reach it, not the file. */
	{
		u8 prog[4 * 8], back[sizeof(mem)];
		const struct bpf_insn p[] = {
			BPF_ST_MEM(BPF_W, BPF_REG_1, 0, 0x11223344),
			BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_1, BPF_REG_2, 0),
			BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
			BPF_EXIT_INSN(),
		};
		char pp[64], mp[64], *args[] = { pp, mp, NULL };
		int fd;

		encode(prog, p, ARRAY_SIZE(p));
		ASSERT_TRUE(write_tmp(pp, sizeof(pp), prog, ARRAY_SIZE(p) * 8));
		ASSERT_TRUE(write_tmp(mp, sizeof(mp), mem, sizeof(mem)));
		ASSERT_TRUE(spawn(&r, args));
		EXPECT_RUN(&r, 0, out, "0x1122334a\n");
		fd = open(mp, O_RDONLY);
		EXPECT_EQ(read(fd, back, sizeof(back)), sizeof(back));
		EXPECT_MEM_EQ(back, mem, sizeof(mem));
		close(fd);
		unlink(pp);
		unlink(mp);
	}
}

TEST(kbpf_run_bpf_to_bpf_calls)
{
	struct run r;

	/* The callee gets R1-R5, its own frame, and the caller's by pointer. */
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 30),
			BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			BPF_MOV64_IMM(BPF_REG_2, 12),
			BPF_CALL_REL(2),
			BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
			BPF_EXIT_INSN(),
			BPF_ST_MEM(BPF_DW, BPF_REG_10, -KBPF_MAX_STACK, 0),
			BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_2, 0),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0x2a\n");
	/* Endless recursion runs out of frames. */
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT, BPF_CALL_REL(-1), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: call stack overflow at insn 0");
}

TEST(kbpf_run_faults)
{
	static const u8 mem[4] = { 1, 2, 3, 4 };
	struct run r;

	/* One byte past MEM. */
	ASSERT_TRUE(RUN(&r, mem, sizeof(mem), NO_OPT,
			BPF_LDX_MEM(BPF_H, BPF_REG_0, BPF_REG_1, 2),
			BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 1),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: out-of-bounds load at insn 1");
	EXPECT_TRUE(strstr(r.err, "4 bytes at MEM+1 of 4 bytes"));
	EXPECT_EQ(r.out[0], '\0');
	/* No MEM: R1 is NULL. */
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: out-of-bounds load at insn 1");
	/* Below the 512-byte stack, and above it. */
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_0, -KBPF_MAX_STACK - 1),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: out-of-bounds store at insn 1");
	EXPECT_TRUE(strstr(r.err, "(1 bytes at R10-513 of the main frame)"));
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_ST_MEM(BPF_DW, BPF_REG_10, -4, 0), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: out-of-bounds store at insn 0");
	EXPECT_TRUE(strstr(r.err, "(8 bytes at R10-4 of the main frame)"));
	/* A wild pointer, and a misaligned atomic. */
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_LD_IMM64(BPF_REG_1, 0xffff888000000000ULL),
			BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, BPF_REG_1, BPF_REG_0, 0),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: out-of-bounds atomic at insn 2");
	EXPECT_TRUE(strstr(r.err, "(8 bytes at 0xffff888000000000)"));
	ASSERT_TRUE(RUN(&r, mem, sizeof(mem), NO_OPT,
			BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_1, BPF_REG_2, 0),
			BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_10, BPF_REG_2, -6),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: misaligned atomic at insn 1");
	/* An endless loop is stopped. */
	ASSERT_TRUE(RUN(&r, NULL, 0, ((const char *const[]){ "--timeout", "1", NULL }),
			BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, -1),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: timed out after 1 s");
}

#define JIT		((const char *const[]){ "--jit", NULL })
#define JIT_UNCHECKED	((const char *const[]){ "--jit", "--no-sandbox", NULL })

TEST(kbpf_run_jit)
{
	u8 mem[4] = { 41, 0, 0, 0 };
	struct run r;

	ASSERT_TRUE(RUN(&r, NULL, 0, JIT,
			BPF_LD_IMM64(BPF_REG_0, 0xfedcba9876543210ULL),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0xfedcba9876543210\n");
	EXPECT_EQ(r.err[0], '\0');
	/*
	 * R1 and R2 as in the interpreter; the sandbox's store went to a
	 * copy, so the JIT run sees MEM as it was and returns the same.
	 */
	ASSERT_TRUE(RUN(&r, mem, sizeof(mem), JIT,
			BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
			BPF_STX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, 0),
			BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 8),
			BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_2),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0x2a04\n");
	/* The stack. */
	ASSERT_TRUE(RUN(&r, NULL, 0, JIT,
			BPF_ST_MEM(BPF_DW, BPF_REG_10, -512, 5),
			BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -512),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0x5\n");
	/* bpf-to-bpf calls: only verified (kbpf_run_verify_jit_calls). */
	ASSERT_TRUE(RUN(&r, NULL, 0, JIT,
			BPF_CALL_REL(1), BPF_EXIT_INSN(),
			BPF_MOV64_IMM(BPF_REG_0, 7), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "error: insn 0: bpf-to-bpf calls with --jit need --verify");
	ASSERT_TRUE(RUN(&r, NULL, 0, ((const char *const[]){ "--jit", "--bench", "1000", NULL }),
			BPF_MOV64_IMM(BPF_REG_0, 7), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0x7\nbench: ");
	EXPECT_TRUE(strstr(r.out, " ns per run (mean of 1000 runs, JIT)"));
}

TEST(kbpf_run_jit_faults)
{
	u8 mem[4] = {};
	struct run r;

	/* The sandbox stops a bad access before the JIT runs anything. */
	ASSERT_TRUE(RUN(&r, mem, sizeof(mem), JIT,
			BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 1),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: out-of-bounds load at insn 0");
	EXPECT_EQ(r.out[0], '\0');
	/* Without it, the JIT's own fault is caught and reported. */
	ASSERT_TRUE(RUN(&r, NULL, 0, JIT_UNCHECKED,
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: fault in JITed code at image+0x");
	EXPECT_TRUE(strstr(r.err, "Segmentation fault, address 0x0"));
	EXPECT_EQ(r.out[0], '\0');
	ASSERT_TRUE(RUN(&r, NULL, 0, JIT_UNCHECKED,
			BPF_LD_IMM64(BPF_REG_1, 0xffff888000000000ULL),
			BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, BPF_REG_1, BPF_REG_0, 0),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: fault in JITed code at image+0x");
	/* An endless loop in JITed code is stopped too. */
	ASSERT_TRUE(RUN(&r, NULL, 0, ((const char *const[]){ "--jit", "--no-sandbox", "--timeout", "1", NULL }),
			BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, -1),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 3, err, "error: timed out after 1 s");
}

TEST(kbpf_run_rejects_bad_input)
{
	static const u8 seven[7] = { 0xb7, 0, 0, 0, 1, 0, 0 };
	struct run r;

	ASSERT_TRUE(run_bytes(&r, seven, sizeof(seven), NULL, 0, NO_OPT));
	EXPECT_RUN(&r, 1, err, "not a multiple of 8");
	ASSERT_TRUE(run_bytes(&r, "", 0, NULL, 0, NO_OPT));
	EXPECT_RUN(&r, 1, err, "empty program");
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_RAW_INSN(0xff, 0, 0, 0, 0), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "error: insn 1: unknown opcode");
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 5), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "error: insn 0: jump out of range");
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT, BPF_MOV64_IMM(BPF_REG_0, 0)));
	EXPECT_RUN(&r, 1, err, "error: insn 0: missing exit");
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT, BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_JMP_A(-2)));
	EXPECT_RUN(&r, 1, err, "missing exit");
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_MOV64_IMM(BPF_REG_10, 0), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "error: insn 0: R10 is read-only");
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_K, 12, 0, 0, 1),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "bad destination register");
	/* What needs the verifier or a kernel context. */
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_CALL_HELPER(BPF_FUNC_ktime_get_ns), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "error: insn 0: helper calls need the verifier");
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_LD_MAP_FD(BPF_REG_1, 3), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "error: insn 0: LD_IMM64 with src_reg 1");
	ASSERT_TRUE(RUN(&r, NULL, 0, NO_OPT,
			BPF_LD_ABS(BPF_B, 0), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "error: insn 0: legacy packet loads");
}

TEST(kbpf_run_options)
{
	char *none[] = { NULL }, *missing[] = { "/nonexistent/prog.bin", NULL };
	char *bad_bench[] = { "--bench", "x", "p.bin", NULL };
	char *unknown[] = { "--frobnicate", "p.bin", NULL };
	struct run r;

	ASSERT_TRUE(RUN(&r, NULL, 0, ((const char *const[]){ "--no-sandbox", NULL }),
			BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 2, err, "error: --no-sandbox goes with --jit");
	ASSERT_TRUE(RUN(&r, NULL, 0, ((const char *const[]){ "--log", NULL }),
			BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 2, err, "error: --log goes with --verify");
	ASSERT_TRUE(RUN(&r, NULL, 0, ((const char *const[]){ "--bench", "1000", NULL }),
			BPF_MOV64_IMM(BPF_REG_0, 7), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0x7\nbench: ");
	EXPECT_TRUE(strstr(r.out, " ns per run (mean of 1000 runs"));
	ASSERT_TRUE(spawn(&r, none));
	EXPECT_RUN(&r, 2, err, "usage: kbpf-run");
	ASSERT_TRUE(spawn(&r, missing));
	EXPECT_RUN(&r, 1, err, "error: /nonexistent/prog.bin: No such file");
	ASSERT_TRUE(spawn(&r, bad_bench));
	EXPECT_RUN(&r, 2, err, "error: --bench: bad number 'x'");
	ASSERT_TRUE(spawn(&r, unknown));
	EXPECT_RUN(&r, 2, err, "usage: kbpf-run");
}

#define VERIFY		((const char *const[]){ "--verify", NULL })
#define VERIFY_JIT	((const char *const[]){ "--verify", "--jit", NULL })

/*
 * A verified program: reads and writes its context at constant offsets,
 * uses R2 and the stack, loops a bounded number of times.
 */
static const struct bpf_insn ctx_prog[] = {
	/* r3 = ctx[0] (u32) + ctx[4] (u16) */
	BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, 0),
	BPF_LDX_MEM(BPF_H, BPF_REG_4, BPF_REG_1, 4),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_4),
	/* ctx[8] (u64) = r3 through a stack slot; r0 = r3 << 8 | R2 */
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_3, -8),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
	BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 8),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8),
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 8),
	BPF_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_2),
	/* r0 += 1, ten times (a bounded loop) */
	BPF_MOV64_IMM(BPF_REG_5, 10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1 << 16),
	BPF_ALU64_IMM(BPF_SUB, BPF_REG_5, 1),
	BPF_JMP_IMM(BPF_JNE, BPF_REG_5, 0, -3),
	BPF_EXIT_INSN(),
};

TEST(kbpf_run_verify)
{
	u8 mem[16] = { 0x20, 0, 0, 0, 0x02, 0 };
	struct run r;

	/* Accepted: the same result on both runtimes ((0x22 << 8 | 16) + 10 << 16). */
	ASSERT_TRUE(run_insns(&r, ctx_prog, ARRAY_SIZE(ctx_prog), mem,
			      sizeof(mem), VERIFY));
	EXPECT_RUN(&r, 0, out, "0xa2210\n");
	EXPECT_EQ(r.err[0], '\0');
	ASSERT_TRUE(run_insns(&r, ctx_prog, ARRAY_SIZE(ctx_prog), mem,
			      sizeof(mem), VERIFY_JIT));
	EXPECT_RUN(&r, 0, out, "0xa2210\n");
	EXPECT_EQ(r.err[0], '\0');
	ASSERT_TRUE(run_insns(&r, ctx_prog, ARRAY_SIZE(ctx_prog), mem,
			      sizeof(mem),
			      ((const char *const[]){ "--verify", "--jit", "--bench", "100", NULL })));
	EXPECT_RUN(&r, 0, out, "0xa2210\nbench: ");

	/* One byte short of the store at ctx[8]: rejected before it runs. */
	ASSERT_TRUE(run_insns(&r, ctx_prog, ARRAY_SIZE(ctx_prog), mem,
			      sizeof(mem) - 1, VERIFY));
	EXPECT_RUN(&r, 1, err, "error: the verifier rejected the program (Permission denied)");
	EXPECT_TRUE(strstr(r.err, "invalid bpf_context access off=8 size=8"));
	EXPECT_TRUE(strstr(r.err, "5: (7b) *(u64 *)(r1 +8) = r0"));
	EXPECT_EQ(r.out[0], '\0');
	/* Without --verify the checked interpreter stops it instead, at run time. */
	ASSERT_TRUE(run_insns(&r, ctx_prog, ARRAY_SIZE(ctx_prog), mem,
			      sizeof(mem) - 1, NO_OPT));
	EXPECT_RUN(&r, 3, err, "error: out-of-bounds store at insn 5");
	/* Before the context, and no context at all. */
	ASSERT_TRUE(RUN(&r, mem, sizeof(mem), VERIFY,
			BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, -1),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "invalid bpf_context access off=-1 size=1");
	ASSERT_TRUE(RUN(&r, NULL, 0, VERIFY_JIT,
			BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "invalid bpf_context access off=0 size=1");
	/* A variable offset into the context, as Linux refuses it. */
	ASSERT_TRUE(RUN(&r, mem, sizeof(mem), VERIFY,
			BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_1, 0),
			BPF_ALU64_IMM(BPF_AND, BPF_REG_3, 7),
			BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_3),
			BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0),
			BPF_EXIT_INSN()));
	EXPECT_EQ(r.status, 1);
	EXPECT_TRUE(strstr(r.err, "error: the verifier rejected the program"));

	/* What the checked interpreter would run, the verifier refuses. */
	ASSERT_TRUE(RUN(&r, NULL, 0, VERIFY,
			BPF_MOV64_REG(BPF_REG_0, BPF_REG_3), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "R3 !read_ok");
	ASSERT_TRUE(RUN(&r, NULL, 0, VERIFY,
			BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
			BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 2),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "R0 pointer arithmetic with *= operator prohibited");
	ASSERT_TRUE(RUN(&r, NULL, 0, VERIFY, BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "R0 !read_ok");
	/* No helpers, no maps in kbpf-run. */
	ASSERT_TRUE(RUN(&r, NULL, 0, VERIFY,
			BPF_CALL_HELPER(BPF_FUNC_ktime_get_ns), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "unknown func bpf_ktime_get_ns#5");
	ASSERT_TRUE(RUN(&r, NULL, 0, VERIFY,
			BPF_LD_MAP_FD(BPF_REG_1, 3),
			BPF_MOV64_IMM(BPF_REG_0, 0), BPF_EXIT_INSN()));
	EXPECT_EQ(r.status, 1);
	EXPECT_TRUE(strstr(r.err, "error: the verifier rejected the program"));
	/* The structural check still comes first. */
	ASSERT_TRUE(RUN(&r, NULL, 0, VERIFY,
			BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 5), BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "error: insn 0: jump out of range");
}

TEST(kbpf_run_verify_log)
{
	u8 mem[4] = { 7 };
	struct run r;

	/* The whole log on stderr, R0 alone on stdout. */
	ASSERT_TRUE(RUN(&r, mem, sizeof(mem),
			((const char *const[]){ "--verify", "--log", NULL }),
			BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, 0),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 0, out, "0x7\n");
	EXPECT_TRUE(strstr(r.err, "R1=ctx(off=0) R2=4 R10=fp(off=0)"));
	/* Level 2 alone prints each instruction too, as Linux's does. */
	EXPECT_TRUE(strstr(r.err, "\n0: (71) r0 = *(u8 *)(r1 +0)\n"));
	EXPECT_TRUE(strstr(r.err, "\n1: (95) exit\n"));
	EXPECT_TRUE(strstr(r.err, "processed 2 insns"));
	/* A rejection: the log, then the error. */
	ASSERT_TRUE(RUN(&r, mem, sizeof(mem),
			((const char *const[]){ "--verify", "--log", NULL }),
			BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 1),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "invalid bpf_context access off=1 size=4");
	EXPECT_TRUE(strstr(r.err, "processed 1 insns"));
	EXPECT_TRUE(strstr(r.err, "\nerror: the verifier rejected the program (Permission denied)\n"));
}

TEST(kbpf_run_verify_jit_calls)
{
	const struct bpf_insn prog[] = {
		/* The callee adds R2 to the caller's slot through a pointer. */
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 30),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		BPF_MOV64_IMM(BPF_REG_2, 12),
		BPF_CALL_REL(2),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
		/* Its own frame (64 bytes), then a call one level deeper. */
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -64, 0),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_2, 0),
		BPF_CALL_REL(2),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
	};
	struct run r;

	ASSERT_TRUE(run_insns(&r, prog, ARRAY_SIZE(prog), NULL, 0, NO_OPT));
	EXPECT_RUN(&r, 0, out, "0x2a\n");
	ASSERT_TRUE(run_insns(&r, prog, ARRAY_SIZE(prog), NULL, 0, JIT));
	EXPECT_RUN(&r, 1, err, "need --verify");
	ASSERT_TRUE(run_insns(&r, prog, ARRAY_SIZE(prog), NULL, 0, VERIFY_JIT));
	EXPECT_RUN(&r, 0, out, "0x2a\n");
	EXPECT_EQ(r.err[0], '\0');
	ASSERT_TRUE(run_insns(&r, prog, ARRAY_SIZE(prog), NULL, 0,
			      ((const char *const[]){ "--verify", "--jit", "--no-sandbox", NULL })));
	EXPECT_RUN(&r, 0, out, "0x2a\n");
	/* A full frame in main and in the callee: 1 KiB, over Linux's 512. */
	ASSERT_TRUE(RUN(&r, NULL, 0, VERIFY_JIT,
			BPF_ST_MEM(BPF_DW, BPF_REG_10, -512, 1),
			BPF_CALL_REL(2),
			BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -512),
			BPF_EXIT_INSN(),
			BPF_ST_MEM(BPF_DW, BPF_REG_10, -512, 2),
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_EXIT_INSN()));
	EXPECT_RUN(&r, 1, err, "combined stack size of 2 calls is 1024. Too large");
	/* Recursion, which the JIT would refuse, the verifier refuses first. */
	ASSERT_TRUE(RUN(&r, NULL, 0, VERIFY_JIT, BPF_CALL_REL(-1), BPF_EXIT_INSN()));
	EXPECT_EQ(r.status, 1);
	EXPECT_TRUE(strstr(r.err, "error: the verifier rejected the program"));
}
