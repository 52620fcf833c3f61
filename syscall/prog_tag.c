// SPDX-License-Identifier: GPL-2.0
/*
 * The program tag: the first 8 bytes of the SHA-1 of the program as
 * userspace wrote it, with the map fds of LD_IMM64 map references
 * cleared (fds differ from one load to the next; the tag must not). This
 * is the digest Linux reports for the same instructions, so tools that
 * match programs by tag see kbpf's and Linux's alike.
 *
 * The SHA-1 compression is lib/crypto's (sha1_init/sha1_transform); the
 * message is streamed through one 64-byte block, 8 instructions at a time.
 */
#include <crypto/sha1.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/byteorder.h>
#include <uapi/linux/bpf.h>

#include "prog_load.h"

struct tag_ctx {
	u32 digest[SHA1_DIGEST_WORDS];
	u32 ws[SHA1_WORKSPACE_WORDS];
	u8 block[SHA1_BLOCK_SIZE];
	u32 fill;		/* bytes in block */
	u64 total;		/* message bytes so far */
};

static void tag_feed(struct tag_ctx *t, const void *data, u32 len)
{
	const u8 *p = data;

	t->total += len;
	while (len) {
		u32 n = min_t(u32, len, SHA1_BLOCK_SIZE - t->fill);

		memcpy(t->block + t->fill, p, n);
		t->fill += n;
		p += n;
		len -= n;
		if (t->fill == SHA1_BLOCK_SIZE) {
			sha1_transform(t->digest, (const char *)t->block, t->ws);
			t->fill = 0;
		}
	}
}

/* The first half of a map reference whose imm (the fd) the tag leaves out. */
static bool is_map_ref(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (insn->src_reg == BPF_PSEUDO_MAP_FD ||
		insn->src_reg == BPF_PSEUDO_MAP_VALUE);
}

void kbpf_prog_calc_tag(const struct bpf_insn *insns, u32 len,
			u8 tag[BPF_TAG_SIZE])
{
	struct tag_ctx t = { .fill = 0 };
	bool after_map_ref = false;
	__be64 bits;
	__be32 out[SHA1_DIGEST_WORDS];
	u8 pad = 0x80;
	u32 i;

	sha1_init(t.digest);
	for (i = 0; i < len; i++) {
		struct bpf_insn insn = insns[i];

		if (!after_map_ref && is_map_ref(&insn)) {
			insn.imm = 0;
			after_map_ref = true;
		} else if (after_map_ref && !insn.code && !insn.dst_reg &&
			   !insn.src_reg && !insn.off) {
			/* The second half: its imm (a value offset) goes too. */
			insn.imm = 0;
			after_map_ref = false;
		} else {
			after_map_ref = false;
		}
		tag_feed(&t, &insn, sizeof(insn));
	}

	/* Standard SHA-1 padding: 0x80, zeros, the length in bits (big-endian). */
	bits = cpu_to_be64(t.total << 3);
	tag_feed(&t, &pad, 1);
	pad = 0;
	while (t.fill != SHA1_BLOCK_SIZE - sizeof(bits))
		tag_feed(&t, &pad, 1);
	tag_feed(&t, &bits, sizeof(bits));

	for (i = 0; i < SHA1_DIGEST_WORDS; i++)
		out[i] = cpu_to_be32(t.digest[i]);
	memcpy(tag, out, BPF_TAG_SIZE);
	memzero_explicit(t.ws, sizeof(t.ws));
}
