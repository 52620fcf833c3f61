/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the program tests share (prog_load.c, prog_info.c, prog_test_run.c):
 * instruction builders, a BPF_PROG_LOAD wrapper, program info, and a
 * SHA-1 of our own to compute the tag Linux would give a program,
 * independently of the module under test.
 */
#ifndef KBPF_TESTS_GUEST_KT_PROG_H
#define KBPF_TESTS_GUEST_KT_PROG_H

#include "kt.h"

#define KT_INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })
#define KT_MOV64_IMM(d, i)	KT_INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define KT_MOV64_REG(d, s)	KT_INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define KT_ALU64_IMM(op, d, i)	KT_INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define KT_EXIT()		KT_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define KT_CALL(f)		KT_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define KT_JEQ_IMM(d, i, o)	KT_INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define KT_LDX(sz, d, s, o)	KT_INSN(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define KT_STX(sz, d, s, o)	KT_INSN(BPF_STX | (sz) | BPF_MEM, d, s, o, 0)
#define KT_ST(sz, d, o, i)	KT_INSN(BPF_ST | (sz) | BPF_MEM, d, 0, o, i)
/* The two halves of LD_IMM64 with a map fd. */
#define KT_LD_MAP_FD(d, fd) \
	KT_INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
	KT_INSN(0, 0, 0, 0, 0)

struct kt_load {
	__u32 type;
	const struct bpf_insn *insns;
	__u32 cnt;
	const char *license;	/* "GPL" when NULL */
	const char *name;
	__u32 expected_attach_type;
	char *log;
	__u32 log_size;
	__u32 log_level;
	const int *fd_array;	/* the maps BPF_PSEUDO_MAP_IDX* index */
};

static inline void kt_load_attr(union bpf_attr *attr, const struct kt_load *l)
{
	kt_attr_zero(attr);
	attr->prog_type = l->type;
	attr->insns = kt_ptr(l->insns);
	attr->insn_cnt = l->cnt;
	attr->license = kt_ptr(l->license ? l->license : "GPL");
	attr->expected_attach_type = l->expected_attach_type;
	attr->log_buf = kt_ptr(l->log);
	attr->log_size = l->log_size;
	attr->log_level = l->log_level;
	attr->fd_array = kt_ptr(l->fd_array);
	if (l->name)
		memcpy(attr->prog_name, l->name,
		       strnlen(l->name, sizeof(attr->prog_name)));
}

static inline long kt_prog_load(const struct kt_load *l)
{
	union bpf_attr attr;

	kt_load_attr(&attr, l);
	return kt_bpf(BPF_PROG_LOAD, &attr);
}

/* The smallest program: r0 = ret; exit. */
static inline long kt_load_ret(__u32 type, int ret)
{
	const struct bpf_insn insns[] = { KT_MOV64_IMM(0, ret), KT_EXIT() };
	struct kt_load l = { .type = type, .insns = insns, .cnt = 2 };

	return kt_prog_load(&l);
}

/*
 * Does this build verify programs? Without the verifier linked in, a
 * good program gets EOPNOTSUPP after every attr check passed; the cases
 * that need a loaded program are then skipped, saying so.
 */
static inline bool kt_verifier_present(void)
{
	long fd = kt_load_ret(BPF_PROG_TYPE_SOCKET_FILTER, 1);

	if (fd >= 0) {
		close((int)fd);
		return true;
	}
	return errno != EOPNOTSUPP;
}

static inline long kt_prog_info(int fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	return kt_obj_info(fd, info, &len);
}

/* SHA-1 (FIPS 180-4), written for these tests. */
static inline __u32 kt_rol32(__u32 x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static inline void kt_sha1_block(__u32 h[5], const unsigned char *p)
{
	__u32 w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (__u32)p[4 * i] << 24 | (__u32)p[4 * i + 1] << 16 |
		       (__u32)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = kt_rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = kt_rol32(a, 5) + f + e + k + w[i];
		e = d; d = c; c = kt_rol32(b, 30); b = a; a = t;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

static inline void kt_sha1(const void *data, size_t len, unsigned char out[20])
{
	__u32 h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
		       0xc3d2e1f0 };
	unsigned char block[64];
	const unsigned char *p = data;
	size_t left = len, n;
	__u64 bits = (__u64)len * 8;
	int i;

	while (left >= 64) {
		kt_sha1_block(h, p);
		p += 64;
		left -= 64;
	}
	memset(block, 0, sizeof(block));
	memcpy(block, p, left);
	block[left] = 0x80;
	if (left >= 56) {
		kt_sha1_block(h, block);
		memset(block, 0, sizeof(block));
	}
	for (n = 0; n < 8; n++)
		block[63 - n] = (unsigned char)(bits >> (8 * n));
	kt_sha1_block(h, block);
	for (i = 0; i < 5; i++) {
		out[4 * i] = h[i] >> 24;
		out[4 * i + 1] = h[i] >> 16;
		out[4 * i + 2] = h[i] >> 8;
		out[4 * i + 3] = h[i];
	}
}

/*
 * The tag Linux computes (bpf_prog_calc_tag): the first 8 bytes of the
 * SHA-1 of the instructions with the fd of each map LD_IMM64 (both imm
 * halves) cleared.
 */
static inline void kt_prog_tag(const struct bpf_insn *insns, __u32 cnt,
			       unsigned char tag[BPF_TAG_SIZE])
{
	struct bpf_insn copy[64];
	unsigned char digest[20];
	__u32 i;

	if (cnt > KT_ARRAY_SIZE(copy))
		abort();
	memcpy(copy, insns, cnt * sizeof(*insns));
	for (i = 0; i + 1 < cnt; i++) {
		if (copy[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
		    (copy[i].src_reg == BPF_PSEUDO_MAP_FD ||
		     copy[i].src_reg == BPF_PSEUDO_MAP_VALUE)) {
			copy[i].imm = 0;
			copy[i + 1].imm = 0;
			i++;
		}
	}
	kt_sha1(copy, cnt * sizeof(*copy), digest);
	memcpy(tag, digest, BPF_TAG_SIZE);
}

#endif /* KBPF_TESTS_GUEST_KT_PROG_H */
