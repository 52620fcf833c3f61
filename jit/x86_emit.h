/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 instruction encoder: the bytes of each instruction form a BPF
 * JIT needs, and nothing about eBPF. The translator (jit/) decides which
 * forms to emit; this file only knows how x86 spells them.
 *
 * An emitter writes into a caller's buffer, or only counts bytes when the
 * buffer is NULL, so a translator can run size-convergence passes with the
 * same code that writes the final image. Errors are sticky: the first one
 * (-ENOSPC buffer too small, -ERANGE displacement or target out of reach,
 * -EINVAL impossible operand) is kept in ->err, emission goes on counting
 * bytes, and the caller checks kbpf_x86_error() once at the end.
 *
 * Every form is documented with its Intel encoding and, where the name
 * differs, the AT&T mnemonic objdump prints for it in quotes (the host test
 * disassembles every form). Operand order in the C API is Intel's:
 * destination first.
 */
#ifndef KBPF_JIT_X86_EMIT_H
#define KBPF_JIT_X86_EMIT_H

#include <kbpf/kapi.h>

/* Register numbers are the hardware ones; bit 3 goes into REX. */
enum kbpf_x86_reg {
	KBPF_X86_RAX, KBPF_X86_RCX, KBPF_X86_RDX, KBPF_X86_RBX,
	KBPF_X86_RSP, KBPF_X86_RBP, KBPF_X86_RSI, KBPF_X86_RDI,
	KBPF_X86_R8, KBPF_X86_R9, KBPF_X86_R10, KBPF_X86_R11,
	KBPF_X86_R12, KBPF_X86_R13, KBPF_X86_R14, KBPF_X86_R15,
	KBPF_X86_NR_REGS
};

/* The group-1 ALU operations; the value is the ModRM /digit of 0x81/0x83. */
enum kbpf_x86_alu {
	KBPF_X86_ADD = 0,
	KBPF_X86_OR = 1,
	KBPF_X86_AND = 4,
	KBPF_X86_SUB = 5,
	KBPF_X86_XOR = 6,
	KBPF_X86_CMP = 7,
};

/* The group-2 shifts and rotates; the value is the ModRM /digit. */
enum kbpf_x86_shift {
	KBPF_X86_ROL = 0,
	KBPF_X86_ROR = 1,
	KBPF_X86_SHL = 4,
	KBPF_X86_SHR = 5,
	KBPF_X86_SAR = 7,
};

/* Condition codes: the low nibble of Jcc (0x70+cc, 0x0f 0x80+cc). */
enum kbpf_x86_cc {
	KBPF_X86_JO, KBPF_X86_JNO,
	KBPF_X86_JB, KBPF_X86_JAE,	/* unsigned <, >= */
	KBPF_X86_JE, KBPF_X86_JNE,
	KBPF_X86_JBE, KBPF_X86_JA,	/* unsigned <=, > */
	KBPF_X86_JS, KBPF_X86_JNS,
	KBPF_X86_JP, KBPF_X86_JNP,
	KBPF_X86_JL, KBPF_X86_JGE,	/* signed <, >= */
	KBPF_X86_JLE, KBPF_X86_JG,	/* signed <=, > */
};

/*
 * The longest single instruction this encoder emits: a 64-bit store of an
 * immediate to [rsp/r12 + disp32] (REX, C7, ModRM, SIB, disp32, imm32).
 */
#define KBPF_X86_MAX_INSN_LEN	12

struct kbpf_x86 {
	u8 *buf;		/* NULL: measure only */
	u32 cap;		/* bytes available at buf */
	u32 len;		/* bytes emitted (or counted) so far */
	/* Address buf[0] will execute at: rel32 calls to absolute targets. */
	unsigned long addr;
	int err;		/* first error, 0 if none */
};

/*
 * Start emitting at buf (cap bytes), which will run at address addr. With
 * buf NULL nothing is written and cap is ignored: only ->len advances, and
 * absolute targets are still checked against addr.
 */
void kbpf_x86_init(struct kbpf_x86 *e, u8 *buf, u32 cap, unsigned long addr);

static inline u32 kbpf_x86_len(const struct kbpf_x86 *e)
{
	return e->len;
}

static inline int kbpf_x86_error(const struct kbpf_x86 *e)
{
	return e->err;
}

/* Raw bytes, for what has no form here (the translator's own sequences). */
void kbpf_x86_bytes(struct kbpf_x86 *e, const u8 *bytes, u32 n);

/* ---- Moves ---------------------------------------------------------------- */

/* mov dst, src: [REX.W] 89 /r. "mov %src,%dst"; 32-bit zero-extends dst. */
void kbpf_x86_mov_rr(struct kbpf_x86 *e, bool is64, int dst, int src);

/*
 * is64: mov dst, imm32 sign-extended to 64: REX.W C7 /0 id.
 * !is64: mov dst32, imm32, zero-extended to 64: B8+rd id.
 */
void kbpf_x86_mov_imm32(struct kbpf_x86 *e, bool is64, int dst, s32 imm);

/* movabs dst, imm64: REX.W B8+rd io (10 bytes). */
void kbpf_x86_movabs(struct kbpf_x86 *e, int dst, u64 imm);

/*
 * dst = imm in the shortest of the three forms above (5, 7 or 10 bytes;
 * 6/7/10 with r8-r15). Flags are untouched, unlike a xor-zeroing idiom.
 */
void kbpf_x86_load_imm64(struct kbpf_x86 *e, int dst, u64 imm);

/*
 * movzx dst32, src8/src16: 0F B6 /r, 0F B7 /r. "movzbl"/"movzwl"; the
 * 32-bit destination clears bits 63:32 too. size is 1 or 2. A byte source
 * of spl/bpl/sil/dil gets an empty REX (without it they mean ah..bh).
 */
void kbpf_x86_movzx(struct kbpf_x86 *e, int dst, int src, int size);

/*
 * movsx dst, src8/src16: [REX.W] 0F BE /r, [REX.W] 0F BF /r.
 * "movsb{l,q}"/"movsw{l,q}". size is 1 or 2.
 */
void kbpf_x86_movsx(struct kbpf_x86 *e, bool is64, int dst, int src, int size);

/* movsxd dst64, src32: REX.W 63 /r. "movslq %src32,%dst". */
void kbpf_x86_movsxd(struct kbpf_x86 *e, int dst, int src);

/* ---- ALU ------------------------------------------------------------------ */

/* op dst, src: [REX.W] (op<<3|1) /r, e.g. 01 add, 29 sub, 39 cmp. */
void kbpf_x86_alu_rr(struct kbpf_x86 *e, enum kbpf_x86_alu op, bool is64,
		     int dst, int src);

/*
 * op dst, imm: [REX.W] 83 /op ib when imm fits in a signed byte, else
 * [REX.W] 81 /op id. The immediate is sign-extended to the operand size.
 */
void kbpf_x86_alu_imm(struct kbpf_x86 *e, enum kbpf_x86_alu op, bool is64,
		      int dst, s32 imm);

/* xor dst32, dst32: 31 /r, the shortest way to zero a register (flags!). */
void kbpf_x86_zero(struct kbpf_x86 *e, int dst);

/* test a, b: [REX.W] 85 /r. "test %b,%a". */
void kbpf_x86_test_rr(struct kbpf_x86 *e, bool is64, int a, int b);

/* test a, imm32: [REX.W] F7 /0 id. */
void kbpf_x86_test_imm(struct kbpf_x86 *e, bool is64, int a, s32 imm);

/* imul dst, src: [REX.W] 0F AF /r (low half of the product). */
void kbpf_x86_imul_rr(struct kbpf_x86 *e, bool is64, int dst, int src);

/* imul dst, src, imm: [REX.W] 6B /r ib or [REX.W] 69 /r id. */
void kbpf_x86_imul_imm(struct kbpf_x86 *e, bool is64, int dst, int src,
		       s32 imm);

/*
 * op dst, count: [REX.W] D1 /op for a count of 1, else [REX.W] C1 /op ib.
 * The CPU masks the count to 5 (6 for 64-bit) bits; so does this encoder.
 */
void kbpf_x86_shift_imm(struct kbpf_x86 *e, enum kbpf_x86_shift op, bool is64,
			int dst, u8 count);

/* op dst, cl: [REX.W] D3 /op. "shl %cl,%dst". */
void kbpf_x86_shift_cl(struct kbpf_x86 *e, enum kbpf_x86_shift op, bool is64,
		       int dst);

/* neg dst: [REX.W] F7 /3. */
void kbpf_x86_neg(struct kbpf_x86 *e, bool is64, int dst);

/* not dst: [REX.W] F7 /2. */
void kbpf_x86_not(struct kbpf_x86 *e, bool is64, int dst);

/*
 * div src / idiv src: [REX.W] F7 /6, F7 /7: rdx:rax / src, quotient in
 * rax, remainder in rdx. Set rdx up first: kbpf_x86_zero(RDX) for div,
 * kbpf_x86_cdq() for idiv.
 */
void kbpf_x86_div(struct kbpf_x86 *e, bool is64, bool is_signed, int src);

/* cdq (99, "cltd") or cqo (REX.W 99, "cqto"): sign-extend rax into rdx. */
void kbpf_x86_cdq(struct kbpf_x86 *e, bool is64);

/* bswap dst: 0F C8+rd, REX.W 0F C8+rd. */
void kbpf_x86_bswap(struct kbpf_x86 *e, bool is64, int dst);

/*
 * rol dst16, 8: 66 C1 /0 08, the 16-bit byte swap (htons). Bits 63:16 are
 * left as they were: zero-extend afterwards if the result must be clean.
 */
void kbpf_x86_bswap16(struct kbpf_x86 *e, int dst);

/* lea dst, [base + disp]: [REX.W] 8D /r. */
void kbpf_x86_lea(struct kbpf_x86 *e, bool is64, int dst, int base, s32 disp);

/* lea dst, [base + index + disp]: REX.W 8D /r with a SIB, scale 1. */
void kbpf_x86_lea_bi(struct kbpf_x86 *e, int dst, int base, int index,
		     s32 disp);

/* ---- Memory --------------------------------------------------------------- */

/*
 * Zero-extending load of size 1/2/4/8 bytes from [base + disp] into dst:
 * 0F B6 /r, 0F B7 /r, 8B /r, REX.W 8B /r.
 * "movzbl", "movzwl", "mov ...,%r32", "mov ...,%r64".
 */
void kbpf_x86_load(struct kbpf_x86 *e, int size, int dst, int base, s32 disp);

/*
 * Sign-extending load to 64 bits, size 1/2/4: REX.W 0F BE /r,
 * REX.W 0F BF /r, REX.W 63 /r. "movsbq", "movswq", "movslq".
 */
void kbpf_x86_load_sx(struct kbpf_x86 *e, int size, int dst, int base,
		      s32 disp);

/* Store size 1/2/4/8 bytes of src to [base + disp]: 88, 66 89, 89, REX.W 89. */
void kbpf_x86_store(struct kbpf_x86 *e, int size, int base, s32 disp, int src);

/*
 * Store an immediate of size 1/2/4/8 to [base + disp]: C6 /0 ib, 66 C7 /0 iw,
 * C7 /0 id, REX.W C7 /0 id (sign-extended). imm is truncated to size.
 */
void kbpf_x86_store_imm(struct kbpf_x86 *e, int size, int base, s32 disp,
			s32 imm);

/*
 * lock op [base + disp], src, size 4 or 8: F0 [REX.W] 01/09/21/31 /r.
 * For atomics that do not return the old value (op: ADD, OR, AND, XOR).
 */
void kbpf_x86_lock_alu(struct kbpf_x86 *e, enum kbpf_x86_alu op, int size,
		       int base, s32 disp, int src);

/* lock xadd [base + disp], src, size 4 or 8: F0 [REX.W] 0F C1 /r. */
void kbpf_x86_xadd(struct kbpf_x86 *e, int size, int base, s32 disp, int src);

/*
 * xchg [base + disp], src, size 4 or 8: [REX.W] 87 /r. No lock prefix:
 * xchg with memory is always locked.
 */
void kbpf_x86_xchg(struct kbpf_x86 *e, int size, int base, s32 disp, int src);

/*
 * lock cmpxchg [base + disp], src, size 4 or 8: F0 [REX.W] 0F B1 /r.
 * Compares with rax/eax; rax gets the old value.
 */
void kbpf_x86_cmpxchg(struct kbpf_x86 *e, int size, int base, s32 disp,
		      int src);

/* ---- Control flow --------------------------------------------------------- */

/*
 * Relative branches: rel counts from the end of the instruction.
 * jcc rel8: 70+cc cb; jcc rel32: 0F 80+cc cd; jmp rel8: EB cb;
 * jmp rel32: E9 cd. A rel8 form with rel outside [-128, 127] is -ERANGE.
 */
void kbpf_x86_jcc_rel8(struct kbpf_x86 *e, enum kbpf_x86_cc cc, s32 rel);
void kbpf_x86_jcc_rel32(struct kbpf_x86 *e, enum kbpf_x86_cc cc, s32 rel);
void kbpf_x86_jmp_rel8(struct kbpf_x86 *e, s32 rel);
void kbpf_x86_jmp_rel32(struct kbpf_x86 *e, s32 rel);

/*
 * Branch to offset target of the same image, rel8 when it reaches, else
 * rel32. For convergence passes: emitting with the offsets of the previous
 * pass can only shrink the image, so the passes end.
 */
void kbpf_x86_jcc(struct kbpf_x86 *e, enum kbpf_x86_cc cc, u32 target);
void kbpf_x86_jmp(struct kbpf_x86 *e, u32 target);

/*
 * Short forward branches to a label not emitted yet, within one sequence
 * (a translator's multi-instruction expansion): emit jcc rel8 / jmp rel8
 * with a placeholder, keep the returned fixup, and once the code reaches
 * the label, kbpf_x86_bind() makes the branch land there. A label more
 * than 127 bytes ahead is -ERANGE.
 */
u32 kbpf_x86_jcc_fwd(struct kbpf_x86 *e, enum kbpf_x86_cc cc);
u32 kbpf_x86_jmp_fwd(struct kbpf_x86 *e);
void kbpf_x86_bind(struct kbpf_x86 *e, u32 fixup);

/*
 * call/jmp to an absolute address: E8 cd, E9 cd, relative to where this
 * instruction runs (->addr + ->len). -ERANGE when target is more than 2 GiB
 * away (module code reaches the kernel's, which is why the arena works).
 */
void kbpf_x86_call_abs(struct kbpf_x86 *e, unsigned long target);
void kbpf_x86_jmp_abs(struct kbpf_x86 *e, unsigned long target);

/*
 * call *reg / jmp *reg: [REX.B] FF /2, FF /4. Plain indirect branches: in
 * the kernel prefer the retpoline thunks (__x86_indirect_thunk_<reg>).
 */
void kbpf_x86_call_reg(struct kbpf_x86 *e, int reg);
void kbpf_x86_jmp_reg(struct kbpf_x86 *e, int reg);

/* leave: C9, "mov rsp, rbp; pop rbp" in one byte. */
void kbpf_x86_leave(struct kbpf_x86 *e);

/* ret: C3. In the kernel, returns go through the return thunk instead. */
void kbpf_x86_ret(struct kbpf_x86 *e);

/* int3: CC, the filler of unused code and the stop after indirect jumps. */
void kbpf_x86_int3(struct kbpf_x86 *e);

/* endbr64: F3 0F 1E FA, the landing pad indirect branches need under IBT. */
void kbpf_x86_endbr64(struct kbpf_x86 *e);

/* lfence: 0F AE E8, a speculation barrier. */
void kbpf_x86_lfence(struct kbpf_x86 *e);

/*
 * len bytes of no-ops, as the fewest instructions of the SDM's recommended
 * multi-byte NOP forms (1..9 bytes each: 90, 66 90, 0F 1F /0 ...).
 */
void kbpf_x86_nop(struct kbpf_x86 *e, u32 len);

/* push reg / pop reg: [41] 50+rd, [41] 58+rd. */
void kbpf_x86_push(struct kbpf_x86 *e, int reg);
void kbpf_x86_pop(struct kbpf_x86 *e, int reg);

#endif /* KBPF_JIT_X86_EMIT_H */
