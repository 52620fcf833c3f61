// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 encoder (jit/x86_emit.c), checked two ways:
 *  - every form, over all registers (r8-r15, and the rbp/r13 and rsp/r12
 *    bases the ModRM special cases are about) and a range of displacements
 *    and immediates, is disassembled by binutils' objdump and the text
 *    compared with what the form promises; instruction boundaries must
 *    match too, so a wrong length cannot hide behind the right mnemonic;
 *  - small functions built with it run natively on this machine.
 */
#include <kbpf/kapi.h>

#include <stdarg.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktest.h"
#include "../../jit/x86_emit.h"

static const char *const r64[] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const r32[] = {
	"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
	"r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};
static const char *const r16[] = {
	"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
	"r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};
static const char *const r8n[] = {
	"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
	"r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};

static const char *reg_name(int size, int r)
{
	switch (size) {
	case 1: return r8n[r];
	case 2: return r16[r];
	case 4: return r32[r];
	default: return r64[r];
	}
}

#define NREGS	KBPF_X86_NR_REGS

/* Bases and displacements that cover every ModRM/SIB/disp choice. */
static const s32 disps[] = {
	0, 1, -1, 8, -8, 127, -128, 128, -129, 0x1234, -0x1000,
	0x7fffffff, (s32)0x80000000,
};

/* Registers for the operand that is not the one being swept. */
static const int some_regs[] = {
	KBPF_X86_RAX, KBPF_X86_RDX, KBPF_X86_RSP, KBPF_X86_RBP, KBPF_X86_RSI,
	KBPF_X86_RDI, KBPF_X86_R8, KBPF_X86_R12, KBPF_X86_R13, KBPF_X86_R15,
};

/* ---- Batches of instructions checked with one objdump run ----------------- */

#define OBJDUMP		"objdump -D -b binary -mi386:x86-64 --insn-width=16"

#define BATCH_BYTES	(1 << 20)
#define BATCH_CASES	(1 << 16)
#define WANT_LEN	128

struct dis_case {
	u32 off, len;
	char want[WANT_LEN];	/* instructions separated by "; " */
};

struct batch {
	u8 *buf;
	struct kbpf_x86 e;
	struct dis_case *cases;
	int n;
	u32 mark;		/* start of the instruction being described */
	unsigned long vma;
};

static struct batch *batch_new(unsigned long vma)
{
	struct batch *b = calloc(1, sizeof(*b));

	BUG_ON(!b);
	b->buf = malloc(BATCH_BYTES);
	b->cases = calloc(BATCH_CASES, sizeof(*b->cases));
	BUG_ON(!b->buf || !b->cases);
	b->vma = vma;
	kbpf_x86_init(&b->e, b->buf, BATCH_BYTES, vma);
	return b;
}

static void batch_free(struct batch *b)
{
	free(b->buf);
	free(b->cases);
	free(b);
}

/* Call before emitting the instruction(s) the next want() describes. */
static struct kbpf_x86 *at(struct batch *b)
{
	b->mark = b->e.len;
	return &b->e;
}

static void want(struct batch *b, const char *fmt, ...)
{
	struct dis_case *c;
	va_list ap;

	BUG_ON(b->n >= BATCH_CASES);
	c = &b->cases[b->n++];
	c->off = b->mark;
	c->len = b->e.len - b->mark;
	va_start(ap, fmt);
	vsnprintf(c->want, sizeof(c->want), fmt, ap);
	va_end(ap);
}

/* Collapse whitespace runs to one space and trim: objdump pads columns. */
static void squeeze(char *s)
{
	char *d = s, *p = s;
	bool space = false;

	while (*p == ' ' || *p == '\t')
		p++;
	for (; *p && *p != '\n'; p++) {
		if (*p == ' ' || *p == '\t') {
			space = true;
			continue;
		}
		if (space && d != s)
			*d++ = ' ';
		space = false;
		*d++ = *p;
	}
	*d = '\0';
}

struct dis_line {
	u32 off;
	char text[WANT_LEN];
};

/* Disassemble buf[0..len) at vma; returns the instructions, sorted. */
static struct dis_line *disassemble(const u8 *buf, u32 len, unsigned long vma,
				    int *count)
{
	char path[] = "/tmp/kbpf-x86-XXXXXX", cmd[256], line[512];
	int fd = mkstemp(path), n = 0, cap = 1024;
	struct dis_line *out = malloc(cap * sizeof(*out));
	FILE *f;

	BUG_ON(!out || fd < 0);
	BUG_ON(write(fd, buf, len) != (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s --adjust-vma=%#lx %s", OBJDUMP, vma, path);
	f = popen(cmd, "r");
	BUG_ON(!f);
	while (fgets(line, sizeof(line), f)) {
		char *tab1 = strchr(line, '\t'), *tab2, *end;
		unsigned long addr = strtoul(line, &end, 16);

		/* "  addr:\tbytes\ttext"; continuation lines have no text. */
		if (!tab1 || *end != ':' || end > tab1)
			continue;
		tab2 = strchr(tab1 + 1, '\t');
		if (!tab2)
			continue;
		if (n == cap) {
			cap *= 2;
			out = realloc(out, cap * sizeof(*out));
			BUG_ON(!out);
		}
		out[n].off = addr - vma;
		snprintf(out[n].text, sizeof(out[n].text), "%s", tab2 + 1);
		squeeze(out[n].text);
		n++;
	}
	pclose(f);
	unlink(path);
	*count = n;
	return out;
}

/*
 * Every case must be exactly the instructions objdump finds between its
 * start and end offsets, with the promised text.
 */
static void batch_check(struct batch *b, const char *file, int line)
{
	struct dis_line *dis;
	int ndis, i, j = 0;

	if (!ktest_check(b->e.err == 0, file, line, "emitter error"))
		return;
	dis = disassemble(b->buf, b->e.len, b->vma, &ndis);
	ktest_check(ndis > 0, file, line, "objdump produced nothing");
	for (i = 0; i < b->n; i++) {
		struct dis_case *c = &b->cases[i];
		char got[4 * WANT_LEN] = "";

		while (j < ndis && dis[j].off < c->off)
			j++;
		if (j >= ndis || dis[j].off != c->off) {
			ktest_check(false, file, line, "instruction boundary");
			fprintf(stderr, "    no instruction starts at %#x (want %s)\n",
				c->off, c->want);
			continue;
		}
		while (j < ndis && dis[j].off < c->off + c->len) {
			if (*got)
				strcat(got, "; ");
			strncat(got, dis[j].text, WANT_LEN);
			j++;
		}
		if (j < ndis && dis[j].off != c->off + c->len) {
			ktest_check(false, file, line, "instruction length");
			fprintf(stderr, "    %#x: want %s, ends mid-instruction\n",
				c->off, c->want);
		}
		if (strcmp(got, c->want)) {
			ktest_check(false, file, line, "disassembly");
			fprintf(stderr, "    %#x: want \"%s\", objdump \"%s\"\n",
				c->off, c->want, got);
		}
	}
	free(dis);
	batch_free(b);
}

#define BATCH_CHECK(b) batch_check(b, __FILE__, __LINE__)

/* ---- How objdump spells operands ------------------------------------------ */

static const char *mem(int base, s32 disp)
{
	static char bufs[8][48];
	static int k;
	char *s = bufs[k++ % 8];

	if (disp == 0 && (base & 7) != KBPF_X86_RBP)
		snprintf(s, 48, "(%%%s)", r64[base]);
	else if (disp < 0)
		snprintf(s, 48, "-0x%x(%%%s)", -(u32)disp, r64[base]);
	else
		snprintf(s, 48, "0x%x(%%%s)", disp, r64[base]);
	return s;
}

/* An immediate as objdump prints it: truncated to the operand size. */
static const char *imm(int size, s64 v)
{
	static char bufs[8][32];
	static int k;
	char *s = bufs[k++ % 8];
	u64 mask = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;

	snprintf(s, 32, "$0x%llx", (unsigned long long)((u64)v & mask));
	return s;
}

static const char *const alu_name[8] = {
	[KBPF_X86_ADD] = "add", [KBPF_X86_OR] = "or", [KBPF_X86_AND] = "and",
	[KBPF_X86_SUB] = "sub", [KBPF_X86_XOR] = "xor", [KBPF_X86_CMP] = "cmp",
};
static const enum kbpf_x86_alu alu_ops[] = {
	KBPF_X86_ADD, KBPF_X86_OR, KBPF_X86_AND, KBPF_X86_SUB, KBPF_X86_XOR,
	KBPF_X86_CMP,
};
static const char *const shift_name[8] = {
	[KBPF_X86_ROL] = "rol", [KBPF_X86_ROR] = "ror", [KBPF_X86_SHL] = "shl",
	[KBPF_X86_SHR] = "shr", [KBPF_X86_SAR] = "sar",
};
static const enum kbpf_x86_shift shift_ops[] = {
	KBPF_X86_ROL, KBPF_X86_ROR, KBPF_X86_SHL, KBPF_X86_SHR, KBPF_X86_SAR,
};
static const char *const cc_name[16] = {
	"jo", "jno", "jb", "jae", "je", "jne", "jbe", "ja",
	"js", "jns", "jp", "jnp", "jl", "jge", "jle", "jg",
};
static const s32 imms[] = {
	0, 1, -1, 5, 127, -128, 128, -129, 0x1234, 0x7fffffff, (s32)0x80000000,
};

/* ---- Forms ---------------------------------------------------------------- */

TEST(x86_mov_reg_reg)
{
	struct batch *b = batch_new(0);
	int d, s, w;

	for (w = 0; w < 2; w++)
		for (d = 0; d < NREGS; d++)
			for (s = 0; s < NREGS; s++) {
				kbpf_x86_mov_rr(at(b), w, d, s);
				want(b, "mov %%%s,%%%s", reg_name(w ? 8 : 4, s),
				     reg_name(w ? 8 : 4, d));
			}
	BATCH_CHECK(b);
}

TEST(x86_mov_immediates)
{
	static const u64 imm64s[] = {
		0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		-1ULL, -2ULL, 0xffffffff80000000ULL, 0xffffffff7fffffffULL,
		0x123456789abcdef0ULL, 0x8000000000000000ULL,
	};
	struct batch *b = batch_new(0);
	unsigned int i;
	int d;

	for (d = 0; d < NREGS; d++) {
		for (i = 0; i < ARRAY_SIZE(imms); i++) {
			kbpf_x86_mov_imm32(at(b), true, d, imms[i]);
			want(b, "mov %s,%%%s", imm(8, imms[i]), r64[d]);
			kbpf_x86_mov_imm32(at(b), false, d, imms[i]);
			want(b, "mov %s,%%%s", imm(4, imms[i]), r32[d]);
		}
		for (i = 0; i < ARRAY_SIZE(imm64s); i++) {
			u64 v = imm64s[i];
			u32 before;

			kbpf_x86_movabs(at(b), d, v);
			want(b, "movabs $0x%llx,%%%s", (unsigned long long)v,
			     r64[d]);
			before = b->e.len;
			kbpf_x86_load_imm64(at(b), d, v);
			if (v <= U32_MAX) {
				want(b, "mov %s,%%%s", imm(4, v), r32[d]);
				EXPECT_EQ(b->e.len - before, 5 + (d > 7));
			} else if ((s64)v == (s32)v) {
				want(b, "mov %s,%%%s", imm(8, v), r64[d]);
				EXPECT_EQ(b->e.len - before, 7);
			} else {
				want(b, "movabs $0x%llx,%%%s",
				     (unsigned long long)v, r64[d]);
				EXPECT_EQ(b->e.len - before, 10);
			}
		}
	}
	BATCH_CHECK(b);
}

TEST(x86_extensions)
{
	struct batch *b = batch_new(0);
	int d, s;

	for (d = 0; d < NREGS; d++)
		for (s = 0; s < NREGS; s++) {
			kbpf_x86_movzx(at(b), d, s, 1);
			want(b, "movzbl %%%s,%%%s", r8n[s], r32[d]);
			kbpf_x86_movzx(at(b), d, s, 2);
			want(b, "movzwl %%%s,%%%s", r16[s], r32[d]);
			kbpf_x86_movsx(at(b), false, d, s, 1);
			want(b, "movsbl %%%s,%%%s", r8n[s], r32[d]);
			kbpf_x86_movsx(at(b), true, d, s, 1);
			want(b, "movsbq %%%s,%%%s", r8n[s], r64[d]);
			kbpf_x86_movsx(at(b), false, d, s, 2);
			want(b, "movswl %%%s,%%%s", r16[s], r32[d]);
			kbpf_x86_movsx(at(b), true, d, s, 2);
			want(b, "movswq %%%s,%%%s", r16[s], r64[d]);
			kbpf_x86_movsxd(at(b), d, s);
			want(b, "movslq %%%s,%%%s", r32[s], r64[d]);
		}
	BATCH_CHECK(b);
}

TEST(x86_alu_reg_reg_and_test_imul)
{
	struct batch *b = batch_new(0);
	unsigned int o;
	int d, s, w;

	for (w = 0; w < 2; w++)
		for (d = 0; d < NREGS; d++)
			for (s = 0; s < NREGS; s++) {
				const char *rd = reg_name(w ? 8 : 4, d);
				const char *rs = reg_name(w ? 8 : 4, s);

				for (o = 0; o < ARRAY_SIZE(alu_ops); o++) {
					kbpf_x86_alu_rr(at(b), alu_ops[o], w, d, s);
					want(b, "%s %%%s,%%%s",
					     alu_name[alu_ops[o]], rs, rd);
				}
				kbpf_x86_test_rr(at(b), w, d, s);
				want(b, "test %%%s,%%%s", rs, rd);
				kbpf_x86_imul_rr(at(b), w, d, s);
				want(b, "imul %%%s,%%%s", rs, rd);
			}
	for (d = 0; d < NREGS; d++) {
		kbpf_x86_zero(at(b), d);
		want(b, "xor %%%s,%%%s", r32[d], r32[d]);
	}
	BATCH_CHECK(b);
}

TEST(x86_alu_immediates)
{
	struct batch *b = batch_new(0);
	unsigned int o, i;
	int d, w;

	for (w = 0; w < 2; w++)
		for (d = 0; d < NREGS; d++)
			for (i = 0; i < ARRAY_SIZE(imms); i++) {
				int size = w ? 8 : 4;
				const char *rd = reg_name(size, d);
				u32 before;

				for (o = 0; o < ARRAY_SIZE(alu_ops); o++) {
					before = b->e.len;
					kbpf_x86_alu_imm(at(b), alu_ops[o], w, d,
							 imms[i]);
					want(b, "%s %s,%%%s", alu_name[alu_ops[o]],
					     imm(size, imms[i]), rd);
					/* imm8 exactly when it fits. */
					EXPECT_EQ(b->e.len - before,
						  (w || d > 7) + 2 +
						  ((s8)imms[i] == imms[i] ? 1 : 4));
				}
				kbpf_x86_test_imm(at(b), w, d, imms[i]);
				want(b, "test %s,%%%s", imm(size, imms[i]), rd);
				kbpf_x86_imul_imm(at(b), w, d, 15 - d, imms[i]);
				want(b, "imul %s,%%%s,%%%s", imm(size, imms[i]),
				     reg_name(size, 15 - d), rd);
			}
	BATCH_CHECK(b);
}

TEST(x86_shifts_neg_not_div)
{
	static const u8 counts[] = { 1, 2, 3, 31, 32, 63 };
	struct batch *b = batch_new(0);
	unsigned int o, i;
	int d, w;

	for (w = 0; w < 2; w++)
		for (d = 0; d < NREGS; d++) {
			const char *rd = reg_name(w ? 8 : 4, d);

			for (o = 0; o < ARRAY_SIZE(shift_ops); o++) {
				const char *op = shift_name[shift_ops[o]];

				for (i = 0; i < ARRAY_SIZE(counts); i++) {
					u8 c = counts[i] & (w ? 63 : 31);

					kbpf_x86_shift_imm(at(b), shift_ops[o], w,
							   d, counts[i]);
					if (c == 1)
						want(b, "%s %%%s", op, rd);
					else
						want(b, "%s $0x%x,%%%s", op, c, rd);
				}
				kbpf_x86_shift_cl(at(b), shift_ops[o], w, d);
				want(b, "%s %%cl,%%%s", op, rd);
			}
			kbpf_x86_neg(at(b), w, d);
			want(b, "neg %%%s", rd);
			kbpf_x86_not(at(b), w, d);
			want(b, "not %%%s", rd);
			kbpf_x86_div(at(b), w, false, d);
			want(b, "div %%%s", rd);
			kbpf_x86_div(at(b), w, true, d);
			want(b, "idiv %%%s", rd);
		}
	kbpf_x86_cdq(at(b), false);
	want(b, "cltd");
	kbpf_x86_cdq(at(b), true);
	want(b, "cqto");
	BATCH_CHECK(b);
}

TEST(x86_byte_swaps)
{
	struct batch *b = batch_new(0);
	int d;

	for (d = 0; d < NREGS; d++) {
		kbpf_x86_bswap(at(b), false, d);
		want(b, "bswap %%%s", r32[d]);
		kbpf_x86_bswap(at(b), true, d);
		want(b, "bswap %%%s", r64[d]);
		kbpf_x86_bswap16(at(b), d);
		want(b, "rol $0x8,%%%s", r16[d]);
	}
	BATCH_CHECK(b);
}

TEST(x86_lea)
{
	struct batch *b = batch_new(0);
	unsigned int i;
	int d, base, idx;

	for (base = 0; base < NREGS; base++)
		for (i = 0; i < ARRAY_SIZE(disps); i++)
			for (d = 0; d < NREGS; d += 5) {
				kbpf_x86_lea(at(b), true, d, base, disps[i]);
				want(b, "lea %s,%%%s", mem(base, disps[i]), r64[d]);
				kbpf_x86_lea(at(b), false, d, base, disps[i]);
				want(b, "lea %s,%%%s", mem(base, disps[i]), r32[d]);
			}
	for (base = 0; base < NREGS; base++)
		for (idx = 0; idx < NREGS; idx++) {
			if (idx == KBPF_X86_RSP)
				continue;
			kbpf_x86_lea_bi(at(b), KBPF_X86_RAX, base, idx, 0);
			if ((base & 7) == KBPF_X86_RBP)
				want(b, "lea 0x0(%%%s,%%%s,1),%%rax", r64[base],
				     r64[idx]);
			else
				want(b, "lea (%%%s,%%%s,1),%%rax", r64[base],
				     r64[idx]);
			kbpf_x86_lea_bi(at(b), KBPF_X86_R9, base, idx, -0x80);
			want(b, "lea -0x80(%%%s,%%%s,1),%%r9", r64[base],
			     r64[idx]);
		}
	BATCH_CHECK(b);
}

TEST(x86_loads_and_stores)
{
	static const char *const zx[] = { [1] = "movzbl", [2] = "movzwl" };
	static const char *const sx[] = { [1] = "movsbq", [2] = "movswq",
					  [4] = "movslq" };
	static const char *const st_imm[] = { [1] = "movb", [2] = "movw",
					      [4] = "movl", [8] = "movq" };
	static const int sizes[] = { 1, 2, 4, 8 };
	struct batch *b = batch_new(0);
	unsigned int i, k, s;
	int base, r;

	for (base = 0; base < NREGS; base++)
		for (i = 0; i < ARRAY_SIZE(disps); i++) {
			const char *m = mem(base, disps[i]);

			for (k = 0; k < ARRAY_SIZE(some_regs); k++) {
				r = some_regs[k];
				for (s = 0; s < ARRAY_SIZE(sizes); s++) {
					int size = sizes[s];

					kbpf_x86_load(at(b), size, r, base, disps[i]);
					if (size <= 2)
						want(b, "%s %s,%%%s", zx[size], m, r32[r]);
					else
						want(b, "mov %s,%%%s", m,
						     reg_name(size, r));
					if (size < 8) {
						kbpf_x86_load_sx(at(b), size, r, base,
								 disps[i]);
						want(b, "%s %s,%%%s", sx[size], m, r64[r]);
					}
				}
			}
			/* Stores: every source, for the byte-register REX. */
			for (r = 0; r < NREGS; r++)
				for (s = 0; s < ARRAY_SIZE(sizes); s++) {
					kbpf_x86_store(at(b), sizes[s], base, disps[i], r);
					want(b, "mov %%%s,%s", reg_name(sizes[s], r), m);
				}
			for (s = 0; s < ARRAY_SIZE(sizes); s++) {
				kbpf_x86_store_imm(at(b), sizes[s], base, disps[i],
						   -2);
				want(b, "%s %s,%s", st_imm[sizes[s]],
				     imm(sizes[s], -2), m);
				kbpf_x86_store_imm(at(b), sizes[s], base, disps[i],
						   0x12345678);
				want(b, "%s %s,%s", st_imm[sizes[s]],
				     imm(sizes[s], 0x12345678), m);
			}
		}
	BATCH_CHECK(b);
}

TEST(x86_atomics)
{
	static const enum kbpf_x86_alu lock_ops[] = {
		KBPF_X86_ADD, KBPF_X86_OR, KBPF_X86_AND, KBPF_X86_XOR,
	};
	struct batch *b = batch_new(0);
	unsigned int i, o;
	int base, r, size;

	for (base = 0; base < NREGS; base++)
		for (i = 0; i < ARRAY_SIZE(disps); i += 3)
			for (r = 0; r < NREGS; r += 3)
				for (size = 4; size <= 8; size += 4) {
					const char *m = mem(base, disps[i]);
					const char *rs = reg_name(size, r);

					for (o = 0; o < ARRAY_SIZE(lock_ops); o++) {
						kbpf_x86_lock_alu(at(b), lock_ops[o],
								  size, base,
								  disps[i], r);
						want(b, "lock %s %%%s,%s",
						     alu_name[lock_ops[o]], rs, m);
					}
					kbpf_x86_xadd(at(b), size, base, disps[i], r);
					want(b, "lock xadd %%%s,%s", rs, m);
					kbpf_x86_xchg(at(b), size, base, disps[i], r);
					want(b, "xchg %%%s,%s", rs, m);
					kbpf_x86_cmpxchg(at(b), size, base, disps[i],
							 r);
					want(b, "lock cmpxchg %%%s,%s", rs, m);
				}
	BATCH_CHECK(b);
}

TEST(x86_branches)
{
	const unsigned long vma = 0xffffffffc0001000UL;
	static const s32 rel8s[] = { 0, 1, -2, 127, -128 };
	static const s32 rel32s[] = { 0, 128, -129, 0x12345, -0x100000 };
	struct batch *b = batch_new(vma);
	unsigned int i;
	int cc;

	for (cc = 0; cc < 16; cc++) {
		for (i = 0; i < ARRAY_SIZE(rel8s); i++) {
			kbpf_x86_jcc_rel8(at(b), cc, rel8s[i]);
			want(b, "%s 0x%lx", cc_name[cc],
			     vma + b->mark + 2 + rel8s[i]);
		}
		for (i = 0; i < ARRAY_SIZE(rel32s); i++) {
			kbpf_x86_jcc_rel32(at(b), cc, rel32s[i]);
			want(b, "%s 0x%lx", cc_name[cc],
			     vma + b->mark + 6 + rel32s[i]);
		}
	}
	for (i = 0; i < ARRAY_SIZE(rel8s); i++) {
		kbpf_x86_jmp_rel8(at(b), rel8s[i]);
		want(b, "jmp 0x%lx", vma + b->mark + 2 + rel8s[i]);
	}
	for (i = 0; i < ARRAY_SIZE(rel32s); i++) {
		kbpf_x86_jmp_rel32(at(b), rel32s[i]);
		want(b, "jmp 0x%lx", vma + b->mark + 5 + rel32s[i]);
	}

	/* Absolute targets: the kernel's text, 1 GiB below. */
	kbpf_x86_call_abs(at(b), 0xffffffff81234560UL);
	want(b, "call 0xffffffff81234560");
	kbpf_x86_jmp_abs(at(b), 0xffffffff81000000UL);
	want(b, "jmp 0xffffffff81000000");
	kbpf_x86_call_abs(at(b), vma);
	want(b, "call 0x%lx", vma);

	for (i = 0; i < NREGS; i++) {
		kbpf_x86_call_reg(at(b), i);
		want(b, "call *%%%s", r64[i]);
		kbpf_x86_jmp_reg(at(b), i);
		want(b, "jmp *%%%s", r64[i]);
		kbpf_x86_push(at(b), i);
		want(b, "push %%%s", r64[i]);
		kbpf_x86_pop(at(b), i);
		want(b, "pop %%%s", r64[i]);
	}
	kbpf_x86_ret(at(b));
	want(b, "ret");
	kbpf_x86_leave(at(b));
	want(b, "leave");
	kbpf_x86_int3(at(b));
	want(b, "int3");
	kbpf_x86_endbr64(at(b));
	want(b, "endbr64");
	kbpf_x86_lfence(at(b));
	want(b, "lfence");
	BATCH_CHECK(b);
}

/* The auto-sized branches pick rel8 exactly when it reaches. */
TEST(x86_branch_size_choice)
{
	struct batch *b = batch_new(0x1000);
	u32 start;

	kbpf_x86_nop(at(b), 200);
	start = b->e.len;
	/* Backward: -128 from the end of a 2-byte jcc reaches start - 126. */
	kbpf_x86_jcc(at(b), KBPF_X86_JNE, start - 126);
	EXPECT_EQ(b->e.len - b->mark, 2);
	want(b, "jne 0x%lx", 0x1000UL + start - 126);
	kbpf_x86_jcc(at(b), KBPF_X86_JNE, start - 127);
	EXPECT_EQ(b->e.len - b->mark, 6);
	want(b, "jne 0x%lx", 0x1000UL + start - 127);
	kbpf_x86_jmp(at(b), b->e.len + 2 + 127);
	EXPECT_EQ(b->e.len - b->mark, 2);
	want(b, "jmp 0x%lx", 0x1000UL + b->mark + 2 + 127);
	kbpf_x86_jmp(at(b), b->e.len + 2 + 128);
	EXPECT_EQ(b->e.len - b->mark, 5);
	want(b, "jmp 0x%lx", 0x1000UL + b->mark + 2 + 128);
	kbpf_x86_nop(at(b), 300);
	BATCH_CHECK(b);
}

/* Forward labels: bound later, they land where the code was then. */
TEST(x86_forward_labels)
{
	const unsigned long vma = 0x2000;
	struct batch *b = batch_new(vma);
	u32 fix, fix2, start, target;
	struct kbpf_x86 m;
	int cc;

	for (cc = 0; cc < 16; cc++) {
		start = b->e.len;
		fix = kbpf_x86_jcc_fwd(at(b), cc);
		want(b, "%s 0x%lx", cc_name[cc], vma + start + 2 + 5);
		kbpf_x86_nop(at(b), 5);
		want(b, "nopl 0x0(%%rax,%%rax,1)");
		kbpf_x86_bind(&b->e, fix);
	}
	/* Two branches to one label, the farthest one 127 bytes away. */
	start = b->e.len;
	fix = kbpf_x86_jmp_fwd(at(b));
	want(b, "jmp 0x%lx", vma + start + 2 + 127);
	fix2 = kbpf_x86_jcc_fwd(at(b), KBPF_X86_JE);
	want(b, "je 0x%lx", vma + start + 2 + 127);
	kbpf_x86_nop(at(b), 9);
	target = start + 2 + 127;
	while (b->e.len + 9 <= target) {
		kbpf_x86_nop(at(b), 9);
		want(b, "nopw 0x0(%%rax,%%rax,1)");
	}
	kbpf_x86_nop(at(b), target - b->e.len);
	kbpf_x86_bind(&b->e, fix);
	kbpf_x86_bind(&b->e, fix2);
	EXPECT_EQ(kbpf_x86_error(&b->e), 0);
	BATCH_CHECK(b);

	/* 128 bytes is too far for rel8; measuring reports it too. */
	kbpf_x86_init(&m, NULL, 0, 0);
	fix = kbpf_x86_jmp_fwd(&m);
	kbpf_x86_nop(&m, 128);
	kbpf_x86_bind(&m, fix);
	EXPECT_EQ(kbpf_x86_error(&m), -ERANGE);
}

TEST(x86_nops)
{
	static const char *const one[] = {
		"", "nop", "xchg %ax,%ax", "nopl (%rax)", "nopl 0x0(%rax)",
		"nopl 0x0(%rax,%rax,1)", "nopw 0x0(%rax,%rax,1)",
		"nopl 0x0(%rax)", "nopl 0x0(%rax,%rax,1)",
		"nopw 0x0(%rax,%rax,1)",
	};
	struct batch *b = batch_new(0);
	u32 len;

	for (len = 1; len <= 9; len++) {
		kbpf_x86_nop(at(b), len);
		want(b, "%s", one[len]);
	}
	/* Longer: nine-byte NOPs, then the rest. */
	kbpf_x86_nop(at(b), 21);
	want(b, "%s; %s; %s", one[9], one[9], one[3]);
	kbpf_x86_nop(at(b), 0);
	EXPECT_EQ(b->e.len, b->mark);
	BATCH_CHECK(b);
}

/* ---- Emitter mechanics ----------------------------------------------------- */

/* A little of everything, to compare measuring with writing. */
static void emit_sample(struct kbpf_x86 *e)
{
	kbpf_x86_endbr64(e);
	kbpf_x86_push(e, KBPF_X86_R12);
	kbpf_x86_load_imm64(e, KBPF_X86_R13, 0x123456789ULL);
	kbpf_x86_store_imm(e, 8, KBPF_X86_R12, 0x1000, -1);
	kbpf_x86_xadd(e, 8, KBPF_X86_RBP, -8, KBPF_X86_R9);
	kbpf_x86_jcc(e, KBPF_X86_JL, 0);
	kbpf_x86_call_abs(e, e->addr + 0x10000);
	kbpf_x86_pop(e, KBPF_X86_R12);
	kbpf_x86_ret(e);
}

TEST(x86_measure_mode_matches_writing)
{
	u8 buf[128];
	struct kbpf_x86 m, w;

	kbpf_x86_init(&m, NULL, 0, 0x4000);
	emit_sample(&m);
	EXPECT_EQ(kbpf_x86_error(&m), 0);
	kbpf_x86_init(&w, buf, sizeof(buf), 0x4000);
	emit_sample(&w);
	EXPECT_EQ(kbpf_x86_error(&w), 0);
	EXPECT_EQ(kbpf_x86_len(&m), kbpf_x86_len(&w));
	EXPECT_TRUE(kbpf_x86_len(&w) > 40);
}

TEST(x86_buffer_overflow_is_caught)
{
	u8 buf[32];
	struct kbpf_x86 e;

	memset(buf, 0xa5, sizeof(buf));
	kbpf_x86_init(&e, buf, 16, 0);
	emit_sample(&e);
	EXPECT_EQ(kbpf_x86_error(&e), -ENOSPC);
	/* Counting goes on, writing stops at cap. */
	EXPECT_TRUE(kbpf_x86_len(&e) > 16);
	EXPECT_EQ(buf[16], 0xa5);
	EXPECT_EQ(buf[31], 0xa5);
}

TEST(x86_bad_operands_are_errors)
{
	struct kbpf_x86 e;

	kbpf_x86_init(&e, NULL, 0, 0);
	kbpf_x86_lea_bi(&e, KBPF_X86_RAX, KBPF_X86_RDI, KBPF_X86_RSP, 0);
	EXPECT_EQ(kbpf_x86_error(&e), -EINVAL);

	kbpf_x86_init(&e, NULL, 0, 0);
	kbpf_x86_mov_rr(&e, true, 16, KBPF_X86_RAX);
	EXPECT_EQ(kbpf_x86_error(&e), -EINVAL);

	kbpf_x86_init(&e, NULL, 0, 0);
	kbpf_x86_load(&e, 3, KBPF_X86_RAX, KBPF_X86_RDI, 0);
	EXPECT_EQ(kbpf_x86_error(&e), -EINVAL);

	kbpf_x86_init(&e, NULL, 0, 0);
	kbpf_x86_lock_alu(&e, KBPF_X86_CMP, 8, KBPF_X86_RDI, 0, KBPF_X86_RAX);
	EXPECT_EQ(kbpf_x86_error(&e), -EINVAL);

	kbpf_x86_init(&e, NULL, 0, 0);
	kbpf_x86_jcc_rel8(&e, KBPF_X86_JE, 128);
	EXPECT_EQ(kbpf_x86_error(&e), -ERANGE);

	/* 2 GiB and more away is out of a rel32's reach, either way. */
	kbpf_x86_init(&e, NULL, 0, 0xffffffffc0000000UL);
	kbpf_x86_call_abs(&e, 0xffffffffc0000005UL + 0x80000000UL);
	EXPECT_EQ(kbpf_x86_error(&e), -ERANGE);
	kbpf_x86_init(&e, NULL, 0, 0xffffffffc0000000UL);
	kbpf_x86_call_abs(&e, 0xffffffffc0000005UL + 0x7fffffffUL);
	EXPECT_EQ(kbpf_x86_error(&e), 0);
	kbpf_x86_call_abs(&e, 0xffffffff40000000UL);
	EXPECT_EQ(kbpf_x86_error(&e), -ERANGE);
}

TEST(x86_max_insn_len_holds)
{
	struct kbpf_x86 e;

	kbpf_x86_init(&e, NULL, 0, 0);
	kbpf_x86_store_imm(&e, 8, KBPF_X86_R12, 0x12345678, -1);
	EXPECT_EQ(kbpf_x86_len(&e), KBPF_X86_MAX_INSN_LEN);
	kbpf_x86_init(&e, NULL, 0, 0);
	kbpf_x86_xadd(&e, 8, KBPF_X86_R12, 0x12345678, KBPF_X86_R15);
	EXPECT_TRUE(kbpf_x86_len(&e) <= KBPF_X86_MAX_INSN_LEN);
	kbpf_x86_init(&e, NULL, 0, 0);
	kbpf_x86_movabs(&e, KBPF_X86_R15, ~0ULL);
	EXPECT_TRUE(kbpf_x86_len(&e) <= KBPF_X86_MAX_INSN_LEN);
}

/* ---- Running generated code on this machine -------------------------------- */

struct native {
	u8 *code;
	size_t size;
	struct kbpf_x86 e;
};

/* An RW buffer, at hint if one is given (for rel32 reach), else anywhere. */
static bool native_begin(struct native *n, void *hint)
{
	n->size = 2 * PAGE_SIZE;
	n->code = mmap(hint, n->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS |
		       (hint ? MAP_FIXED_NOREPLACE : 0), -1, 0);
	if (n->code == MAP_FAILED)
		return false;
	if (hint && n->code != hint) {
		munmap(n->code, n->size);
		return false;
	}
	kbpf_x86_init(&n->e, n->code, n->size, (unsigned long)n->code);
	return true;
}

/* W^X as in the kernel: never writable and executable at once. */
static void *native_finish(struct native *n)
{
	if (!EXPECT_EQ(kbpf_x86_error(&n->e), 0))
		return NULL;
	if (!EXPECT_EQ(mprotect(n->code, n->size, PROT_READ | PROT_EXEC), 0))
		return NULL;
	__builtin___clear_cache((char *)n->code, (char *)n->code + n->e.len);
	return n->code;
}

static void native_end(struct native *n)
{
	munmap(n->code, n->size);
}

#define RAX	KBPF_X86_RAX
#define RCX	KBPF_X86_RCX
#define RDX	KBPF_X86_RDX
#define RBX	KBPF_X86_RBX
#define RSP	KBPF_X86_RSP
#define RBP	KBPF_X86_RBP
#define RSI	KBPF_X86_RSI
#define RDI	KBPF_X86_RDI

/* f(a, b, c, d) = ((a * b + c) >> 3) / d, in the SysV ABI. */
TEST(x86_native_mul_add_shift_div)
{
	u64 (*fn)(u64 a, u64 b, u64 c, u64 d);
	struct native n;
	struct kbpf_x86 *e = &n.e;

	ASSERT_TRUE(native_begin(&n, NULL));
	kbpf_x86_mov_rr(e, true, RAX, RDI);
	kbpf_x86_imul_rr(e, true, RAX, RSI);
	kbpf_x86_alu_rr(e, KBPF_X86_ADD, true, RAX, RDX);
	kbpf_x86_shift_imm(e, KBPF_X86_SHR, true, RAX, 3);
	kbpf_x86_zero(e, RDX);		/* div divides rdx:rax */
	kbpf_x86_div(e, true, false, RCX);
	kbpf_x86_ret(e);
	fn = native_finish(&n);
	ASSERT_NONNULL(fn);
	EXPECT_EQ(fn(6, 7, 8, 5), ((6 * 7 + 8) >> 3) / 5);
	EXPECT_EQ(fn(123456789, 1000, 77, 3), ((123456789ULL * 1000 + 77) >> 3) / 3);
	EXPECT_EQ(fn(-1ULL, 1, 1, 1), 0);	/* wraps like u64 */
	native_end(&n);
}

/* Signed 32- and 64-bit division and the sign extensions they need. */
TEST(x86_native_signed_division)
{
	s64 (*div64)(s64 a, s64 b);
	s64 (*mod32)(s64 a, s64 b);
	struct native n64, n32;

	ASSERT_TRUE(native_begin(&n64, NULL));
	kbpf_x86_mov_rr(&n64.e, true, RAX, RDI);
	kbpf_x86_cdq(&n64.e, true);
	kbpf_x86_div(&n64.e, true, true, RSI);
	kbpf_x86_ret(&n64.e);
	div64 = native_finish(&n64);
	ASSERT_NONNULL(div64);
	EXPECT_EQ(div64(-7, 2), -3);
	EXPECT_EQ(div64(7, -2), -3);
	EXPECT_EQ(div64(S64_MIN + 1, -1), S64_MAX);

	/* 32-bit remainder, then movsxd so the caller sees an s64. */
	ASSERT_TRUE(native_begin(&n32, NULL));
	kbpf_x86_mov_rr(&n32.e, false, RAX, RDI);
	kbpf_x86_cdq(&n32.e, false);
	kbpf_x86_div(&n32.e, false, true, RSI);
	kbpf_x86_movsxd(&n32.e, RAX, RDX);
	kbpf_x86_ret(&n32.e);
	mod32 = native_finish(&n32);
	ASSERT_NONNULL(mod32);
	EXPECT_EQ(mod32(-7, 3), -1);
	EXPECT_EQ(mod32(0x100000007LL, 4), 3);	/* high bits ignored */
	native_end(&n64);
	native_end(&n32);
}

/*
 * A loop with forward and backward branches: sum of u32 a[0..n) (rdi, rsi),
 * with NOP padding that forces the backward branch into its rel32 form.
 */
TEST(x86_native_loop)
{
	u32 a[100], i;
	u64 (*sum)(const u32 *a, u64 n), want = 0;
	struct native n;
	struct kbpf_x86 *e = &n.e;
	u32 top, exit_jcc, rel;

	for (i = 0; i < ARRAY_SIZE(a); i++) {
		a[i] = 0xfffffff0 + i;
		want += a[i];
	}
	ASSERT_TRUE(native_begin(&n, NULL));
	kbpf_x86_zero(e, RAX);
	kbpf_x86_test_rr(e, true, RSI, RSI);
	exit_jcc = kbpf_x86_len(e);
	kbpf_x86_jcc_rel32(e, KBPF_X86_JE, 0);		/* patched below */
	top = kbpf_x86_len(e);
	kbpf_x86_load(e, 4, RCX, RDI, 0);
	kbpf_x86_alu_rr(e, KBPF_X86_ADD, true, RAX, RCX);
	kbpf_x86_alu_imm(e, KBPF_X86_ADD, true, RDI, 4);
	kbpf_x86_nop(e, 150);
	kbpf_x86_alu_imm(e, KBPF_X86_SUB, true, RSI, 1);
	kbpf_x86_jcc(e, KBPF_X86_JNE, top);
	/* Patch the exit branch now that its target is known. */
	rel = kbpf_x86_len(e) - (exit_jcc + 6);
	memcpy(&n.code[exit_jcc + 2], &rel, 4);
	kbpf_x86_ret(e);
	sum = native_finish(&n);
	ASSERT_NONNULL(sum);
	EXPECT_EQ(sum(a, ARRAY_SIZE(a)), want);
	EXPECT_EQ(sum(a, 0), 0);
	EXPECT_EQ(sum(a, 1), a[0]);
	native_end(&n);
}

/*
 * Callee-saved registers as bases (rbx, rbp, r12-r15, rsp): a stack frame,
 * loads and stores of every size and sign, byte swaps, and the atomics,
 * on a caller's buffer.
 */
struct mem_probe {
	u64 q;		/* 0 */
	u32 w;		/* 8 */
	u16 h;		/* 12 */
	u8 b;		/* 14 */
	u8 pad;
	u64 counter;	/* 16 */
	u64 swapped;	/* 24 */
	u64 old_xadd;	/* 32 */
	u64 old_cmpxchg;	/* 40 */
	s64 sx[3];	/* 48: sign-extended b, h, w */
	u64 from_stack;	/* 72 */
	u16 be16;	/* 80 */
};

static void emit_mem_probe(struct kbpf_x86 *e)
{
	static const int saved[] = {
		KBPF_X86_RBX, RBP, KBPF_X86_R12, KBPF_X86_R13, KBPF_X86_R14,
		KBPF_X86_R15,
	};
	int i;

	kbpf_x86_endbr64(e);
	for (i = 0; i < 6; i++)
		kbpf_x86_push(e, saved[i]);
	kbpf_x86_mov_rr(e, true, RBP, RSP);
	kbpf_x86_alu_imm(e, KBPF_X86_SUB, true, RSP, 16);
	kbpf_x86_mov_rr(e, true, KBPF_X86_R13, RDI);	/* r13: the probe */
	kbpf_x86_mov_rr(e, true, KBPF_X86_R12, RDI);
	kbpf_x86_lea(e, true, RBX, RDI, 8);		/* rbx: &probe->w */

	/* Stores of each size, through r13 and rbx bases. */
	kbpf_x86_movabs(e, KBPF_X86_R14, 0x8877665544332211ULL);
	kbpf_x86_store(e, 8, KBPF_X86_R13, 0, KBPF_X86_R14);
	kbpf_x86_store(e, 4, RBX, 0, KBPF_X86_R14);
	kbpf_x86_store(e, 2, KBPF_X86_R13, 12, KBPF_X86_R14);
	kbpf_x86_mov_imm32(e, false, RSI, 0xf0);
	kbpf_x86_store(e, 1, KBPF_X86_R12, 14, RSI);	/* sil: needs REX */

	/* Sign-extending loads back. */
	kbpf_x86_load_sx(e, 1, RAX, KBPF_X86_R13, 14);
	kbpf_x86_store(e, 8, KBPF_X86_R13, 48, RAX);
	kbpf_x86_load_sx(e, 2, RAX, RBX, 4);
	kbpf_x86_store(e, 8, KBPF_X86_R13, 56, RAX);
	kbpf_x86_load_sx(e, 4, RAX, RBX, 0);
	kbpf_x86_store(e, 8, KBPF_X86_R13, 64, RAX);

	/* bswap64 of q. */
	kbpf_x86_load(e, 8, KBPF_X86_R15, KBPF_X86_R12, 0);
	kbpf_x86_bswap(e, true, KBPF_X86_R15);
	kbpf_x86_store(e, 8, KBPF_X86_R12, 24, KBPF_X86_R15);

	/* htons of h, zero-extended. */
	kbpf_x86_load(e, 2, RCX, KBPF_X86_R13, 12);
	kbpf_x86_bswap16(e, RCX);
	kbpf_x86_movzx(e, RCX, RCX, 2);
	kbpf_x86_store(e, 2, KBPF_X86_R13, 80, RCX);

	/* Atomics on counter: lock add 5, xadd 10, cmpxchg 15 -> 100. */
	kbpf_x86_mov_imm32(e, true, RCX, 5);
	kbpf_x86_lock_alu(e, KBPF_X86_ADD, 8, KBPF_X86_R13, 16, RCX);
	kbpf_x86_mov_imm32(e, true, RCX, 10);
	kbpf_x86_xadd(e, 8, KBPF_X86_R13, 16, RCX);
	kbpf_x86_store(e, 8, KBPF_X86_R13, 32, RCX);
	kbpf_x86_mov_imm32(e, true, RAX, 15);
	kbpf_x86_mov_imm32(e, true, RCX, 100);
	kbpf_x86_cmpxchg(e, 8, KBPF_X86_R13, 16, RCX);
	kbpf_x86_store(e, 8, KBPF_X86_R13, 40, RAX);

	/* Through the stack: rsp and rbp bases, store imm, xchg. */
	kbpf_x86_store_imm(e, 8, RSP, 8, 0x1234);
	kbpf_x86_load(e, 8, RDX, RBP, -8);
	kbpf_x86_mov_imm32(e, true, RCX, 0x55);
	kbpf_x86_xchg(e, 8, RBP, -8, RCX);
	kbpf_x86_load(e, 8, RAX, RSP, 8);
	kbpf_x86_alu_rr(e, KBPF_X86_ADD, true, RDX, RCX);
	kbpf_x86_alu_rr(e, KBPF_X86_ADD, true, RDX, RAX);
	kbpf_x86_store(e, 8, KBPF_X86_R13, 72, RDX);	/* 0x1234*2 + 0x55 */

	kbpf_x86_mov_rr(e, true, RAX, KBPF_X86_R13);
	kbpf_x86_mov_rr(e, true, RSP, RBP);
	for (i = 5; i >= 0; i--)
		kbpf_x86_pop(e, saved[i]);
	kbpf_x86_ret(e);
}

TEST(x86_native_memory_and_atomics)
{
	struct mem_probe *(*fn)(struct mem_probe *probe);
	struct mem_probe p;
	struct native n;

	memset(&p, 0, sizeof(p));
	p.counter = 0;
	ASSERT_TRUE(native_begin(&n, NULL));
	emit_mem_probe(&n.e);
	fn = native_finish(&n);
	ASSERT_NONNULL(fn);
	EXPECT_EQ(fn(&p), &p);
	EXPECT_EQ(p.q, 0x8877665544332211ULL);
	EXPECT_EQ(p.w, 0x44332211);
	EXPECT_EQ(p.h, 0x2211);
	EXPECT_EQ(p.b, 0xf0);
	EXPECT_EQ(p.sx[0], (s64)(s8)0xf0);
	EXPECT_EQ(p.sx[1], (s64)(s16)0x2211);
	EXPECT_EQ(p.sx[2], (s64)(s32)0x44332211);
	EXPECT_EQ(p.swapped, 0x1122334455667788ULL);
	EXPECT_EQ(p.be16, 0x1122);
	EXPECT_EQ(p.old_xadd, 5);
	EXPECT_EQ(p.old_cmpxchg, 15);
	EXPECT_EQ(p.counter, 100);
	EXPECT_EQ(p.from_stack, 0x1234 * 2 + 0x55);
	native_end(&n);
}

/* rel32 calls need the code within 2 GiB of the callee, as in the kernel. */
static u64 native_callee(u64 a, u64 b)
{
	return a * 1000 + b;
}

static bool native_begin_near(struct native *n, void *target)
{
	unsigned long t = (unsigned long)target & ~(PAGE_SIZE - 1);
	unsigned long step;

	for (step = 64UL << 20; step < 1UL << 30; step += 64UL << 20) {
		if (native_begin(n, (void *)(t + step)) ||
		    (t > step && native_begin(n, (void *)(t - step))))
			return true;
	}
	return false;
}

TEST(x86_native_call_rel32)
{
	u64 (*fn)(u64 a);
	struct native n;
	struct kbpf_x86 *e = &n.e;

	ASSERT_TRUE(native_begin_near(&n, (void *)native_callee));
	/* Entry rsp is 8 mod 16: one push realigns it for the call. */
	kbpf_x86_push(e, RBX);
	kbpf_x86_mov_rr(e, true, RBX, RDI);
	kbpf_x86_mov_imm32(e, false, RSI, 7);
	kbpf_x86_call_abs(e, (unsigned long)native_callee);
	kbpf_x86_alu_rr(e, KBPF_X86_ADD, true, RAX, RBX);
	kbpf_x86_pop(e, RBX);
	kbpf_x86_ret(e);
	fn = native_finish(&n);
	ASSERT_NONNULL(fn);
	EXPECT_EQ(fn(3), 3 * 1000 + 7 + 3);
	native_end(&n);
}
