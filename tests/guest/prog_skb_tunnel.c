// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_skb_set_tunnel_key/_opt and bpf_skb_get_tunnel_key/_opt in sched_cls
 * programs run with BPF_PROG_TEST_RUN, each case on kbpf and on Linux's
 * bpf(2) alike: a key set and read back (through the old struct sizes
 * too), options, and Linux's errnos with the zeroed buffers; what the
 * program reads goes out in the packet. Then which program types may
 * call them, and unloading kbpf after packets held its tunnel metadata
 * (the module frees it: rmmod must work and leave nothing behind).
 */
#include <arpa/inet.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define KT_JGT_REG(d, s, o)	KT_INSN(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
#define CTX(F)			((short)offsetof(struct __sk_buff, F))
#define KEY_SIZE		((int)sizeof(struct bpf_tunnel_key))
#define KEY_V4			((int)offsetof(struct bpf_tunnel_key, remote_ipv6[1]))

#define PKT_LEN		128
/* set_tunnel_opt's result as the program folds it into the set result. */
#define OPT_RES(e)	((int)((__u32)(e) << 16))
/* Stack: the key to set at fp-48, the buffer read into at fp-96. */
#define SET_AT		-48
#define GET_AT		-96

static unsigned char pkt[PKT_LEN];

/* A stored u32 or u64 of the key at fp + SET_AT + off. */
#define KEY_W(off, v)	KT_ST(BPF_W, 10, SET_AT + (off), v)

/*
 * The key's 44 bytes zeroed, then set from words (up to 11 u32 at 4-byte
 * steps); r0 = set_tunnel_key(ctx, fp + SET_AT, set_size, set_flags);
 * cb... : r7 = set result; then r0 = get_tunnel_key(ctx, fp + GET_AT,
 * get_size, get_flags), get_size bytes and both results copied to the
 * packet's first bytes: [set ret][get ret][buffer].
 */
struct tun_case {
	__u32 key[11];
	int set_size;
	__u32 set_flags;
	bool no_set;
	int get_size;
	__u32 get_flags;
	/* options: set_opt_size bytes of 0x11.. (0: none), then get_opt */
	int set_opt_size;
	int get_opt_size;
};

#define MAX_INSNS	128

static int build(const struct tun_case *c, struct bpf_insn *p)
{
	struct bpf_insn *s = p;
	int i;

	*p++ = (struct bpf_insn)KT_MOV64_REG(6, 1);
	*p++ = (struct bpf_insn)KT_MOV64_IMM(7, 0);
	*p++ = (struct bpf_insn)KT_MOV64_IMM(8, 0);
	for (i = 0; i < 11; i++)
		*p++ = (struct bpf_insn)KEY_W(4 * i, c->key[i]);
	for (i = 0; i < 12; i++)
		*p++ = (struct bpf_insn)KT_ST(BPF_W, 10, GET_AT + 4 * i, 0x77777777);
	if (!c->no_set) {
		*p++ = (struct bpf_insn)KT_MOV64_REG(1, 6);
		*p++ = (struct bpf_insn)KT_MOV64_REG(2, 10);
		*p++ = (struct bpf_insn)KT_ALU64_IMM(BPF_ADD, 2, SET_AT);
		*p++ = (struct bpf_insn)KT_MOV64_IMM(3, c->set_size);
		*p++ = (struct bpf_insn)KT_MOV64_IMM(4, c->set_flags);
		*p++ = (struct bpf_insn)KT_CALL(BPF_FUNC_skb_set_tunnel_key);
		*p++ = (struct bpf_insn)KT_MOV64_REG(7, 0);
	}
	if (c->set_opt_size) {
		/* The options are the key's own bytes (any 4-byte multiple). */
		*p++ = (struct bpf_insn)KT_MOV64_REG(1, 6);
		*p++ = (struct bpf_insn)KT_MOV64_REG(2, 10);
		*p++ = (struct bpf_insn)KT_ALU64_IMM(BPF_ADD, 2, SET_AT);
		*p++ = (struct bpf_insn)KT_MOV64_IMM(3, c->set_opt_size);
		*p++ = (struct bpf_insn)KT_CALL(BPF_FUNC_skb_set_tunnel_opt);
		*p++ = (struct bpf_insn)KT_ALU64_IMM(BPF_LSH, 0, 16);
		*p++ = (struct bpf_insn)KT_INSN(BPF_ALU64 | BPF_OR | BPF_X, 7, 0, 0, 0);
	}
	*p++ = (struct bpf_insn)KT_MOV64_REG(1, 6);
	*p++ = (struct bpf_insn)KT_MOV64_REG(2, 10);
	*p++ = (struct bpf_insn)KT_ALU64_IMM(BPF_ADD, 2, GET_AT);
	if (c->get_opt_size) {
		*p++ = (struct bpf_insn)KT_MOV64_IMM(3, c->get_opt_size);
		*p++ = (struct bpf_insn)KT_CALL(BPF_FUNC_skb_get_tunnel_opt);
	} else {
		*p++ = (struct bpf_insn)KT_MOV64_IMM(3, c->get_size);
		*p++ = (struct bpf_insn)KT_MOV64_IMM(4, c->get_flags);
		*p++ = (struct bpf_insn)KT_CALL(BPF_FUNC_skb_get_tunnel_key);
	}
	*p++ = (struct bpf_insn)KT_MOV64_REG(8, 0);
	/* Into the packet: 8 bytes of results, 48 of buffer. */
	*p++ = (struct bpf_insn)KT_LDX(BPF_W, 2, 6, CTX(data));
	*p++ = (struct bpf_insn)KT_LDX(BPF_W, 3, 6, CTX(data_end));
	*p++ = (struct bpf_insn)KT_MOV64_REG(4, 2);
	*p++ = (struct bpf_insn)KT_ALU64_IMM(BPF_ADD, 4, 56);
	*p++ = (struct bpf_insn)KT_JGT_REG(4, 3, 2 + 12 * 2);
	*p++ = (struct bpf_insn)KT_STX(BPF_W, 2, 7, 0);
	*p++ = (struct bpf_insn)KT_STX(BPF_W, 2, 8, 4);
	for (i = 0; i < 12; i++) {
		*p++ = (struct bpf_insn)KT_LDX(BPF_W, 1, 10, GET_AT + 4 * i);
		*p++ = (struct bpf_insn)KT_STX(BPF_W, 2, 1, 8 + 4 * i);
	}
	*p++ = (struct bpf_insn)KT_MOV64_IMM(0, 0);
	*p++ = (struct bpf_insn)KT_EXIT();
	return p - s;
}

/* Run case c; the results and the 48 bytes read land in *res and buf. */
static bool run_case(const struct kt_be *be, const struct tun_case *c,
		     __s32 res[2], unsigned char buf[48])
{
	struct bpf_insn insns[MAX_INSNS];
	struct kt_load l = { .type = BPF_PROG_TYPE_SCHED_CLS, .insns = insns };
	unsigned char out[PKT_LEN];
	struct kt_run run = { .data_in = pkt, .data_size_in = sizeof(pkt),
			      .data_out = out, .data_size_out = sizeof(out) };

	l.cnt = build(c, insns);
	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08;
	if (!be_load_run(be, &l, &run))
		return false;
	memcpy(res, out, 8);
	memcpy(buf, out + 8, 48);
	return true;
}

/* The buffer as the helper should leave it: want (len bytes), then 0x77. */
static bool check_buf(const unsigned char buf[48], const void *want, int len)
{
	unsigned char w[48];

	memset(w, 0x77, sizeof(w));
	if (want)
		memcpy(w, want, len);
	else
		memset(w, 0, len);
	return kt_check_mem(buf, w, sizeof(w), "buffer");
}

static bool key_case(const struct kt_be *be, const struct tun_case *c,
		     int want_set, int want_get, const void *want, int len)
{
	unsigned char buf[48];
	__s32 res[2];

	return run_case(be, c, res, buf) &&
	       kt_check_u64((__u32)res[0], (__u32)want_set, "set result") &&
	       kt_check_u64((__u32)res[1], (__u32)want_get, "get result") &&
	       check_buf(buf, want, len);
}

/* IPv4: the key read back; the ends swap (set is tx, get reads rx). */
static bool t_key_ipv4(const struct kt_be *be)
{
	struct tun_case c = { .set_size = KEY_SIZE, .get_size = KEY_SIZE };
	struct bpf_tunnel_key want;

	c.key[0] = 0x1234;		/* tunnel_id */
	c.key[1] = 0x0a000002;		/* remote_ipv4 */
	c.key[5] = 0x00004010;		/* tos 0x10, ttl 0x40 */
	c.key[7] = 0x0a000001;		/* local_ipv4 */
	memset(&want, 0, sizeof(want));
	want.tunnel_id = 0x1234;
	want.remote_ipv4 = 0x0a000001;
	want.local_ipv4 = 0x0a000002;
	want.tunnel_tos = 0x10;
	want.tunnel_ttl = 0x40;
	if (!key_case(be, &c, 0, 0, &want, KEY_SIZE))
		return false;
	/* The tunnel flags on request: key, csum, nocache, + don't fragment. */
	c.get_flags = BPF_F_TUNINFO_FLAGS;
	c.set_flags = BPF_F_DONT_FRAGMENT;
	want.tunnel_flags = htons(0x2105);
	if (!key_case(be, &c, 0, 0, &want, KEY_SIZE))
		return false;
	c.set_flags = BPF_F_ZERO_CSUM_TX | BPF_F_SEQ_NUMBER;
	want.tunnel_flags = htons(0x200c);
	if (!key_case(be, &c, 0, 0, &want, KEY_SIZE))
		return false;
	want.tunnel_flags = 0;
	c.get_flags = 0;
	c.set_flags = 0;
	/* The old sizes, on both sides. */
	c.get_size = KEY_V4;
	if (!key_case(be, &c, 0, 0, &want, KEY_V4))
		return false;
	/* A short key has no local address: the remote end reads as 0. */
	c.get_size = offsetof(struct bpf_tunnel_key, tunnel_label);
	c.set_size = offsetof(struct bpf_tunnel_key, tunnel_ext);
	want.remote_ipv4 = 0;
	if (!key_case(be, &c, 0, 0, &want, c.get_size))
		return false;
	c.set_size = KEY_V4;
	c.get_size = offsetof(struct bpf_tunnel_key, local_ipv6[0]);
	want.tunnel_tos = 0;
	want.tunnel_ttl = 0;
	return key_case(be, &c, 0, 0, &want, c.get_size);
}

static bool t_key_ipv6(const struct kt_be *be)
{
	struct tun_case c = { .set_size = KEY_SIZE, .get_size = KEY_SIZE,
			      .set_flags = BPF_F_TUNINFO_IPV6,
			      .get_flags = BPF_F_TUNINFO_IPV6 };
	struct bpf_tunnel_key want;
	int i;

	c.key[0] = 99;
	for (i = 0; i < 4; i++) {
		c.key[1 + i] = 0x20010db8 + i;		/* remote */
		c.key[7 + i] = 0xfe800000 + i;		/* local */
	}
	c.key[5] = 0x0000ff00;				/* ttl 255 */
	c.key[6] = 0xfff54321;				/* label */
	memset(&want, 0, sizeof(want));
	want.tunnel_id = 99;
	for (i = 0; i < 4; i++) {
		want.remote_ipv6[i] = 0xfe800000 + i;
		want.local_ipv6[i] = 0x20010db8 + i;
	}
	want.tunnel_ttl = 255;
	want.tunnel_label = 0x54321;
	if (!key_case(be, &c, 0, 0, &want, KEY_SIZE))
		return false;
	/* An IPv4 read of an IPv6 key, the IPv4-only size: zeroed. */
	c.get_flags = 0;
	if (!key_case(be, &c, 0, -EPROTO, NULL, KEY_SIZE))
		return false;
	c.get_flags = BPF_F_TUNINFO_IPV6;
	c.get_size = KEY_V4;
	return key_case(be, &c, 0, -EINVAL, NULL, KEY_V4);
}

static bool t_key_refused(const struct kt_be *be)
{
	struct tun_case c = { .no_set = true, .get_size = KEY_SIZE };

	c.key[0] = 5;
	/* No metadata to read. */
	if (!key_case(be, &c, 0, -EINVAL, NULL, KEY_SIZE))
		return false;
	c.no_set = false;
	c.set_size = KEY_SIZE;
	/* Unknown flags, sizes, a label on IPv4, tunnel_ext: nothing set. */
	c.set_flags = 1 << 4;
	if (!key_case(be, &c, -EINVAL, -EINVAL, NULL, KEY_SIZE))
		return false;
	c.set_flags = 0;
	c.set_size = 12;
	if (!key_case(be, &c, -EINVAL, -EINVAL, NULL, KEY_SIZE))
		return false;
	c.set_size = KEY_SIZE;
	c.key[6] = 1;
	if (!key_case(be, &c, -EINVAL, -EINVAL, NULL, KEY_SIZE))
		return false;
	c.key[6] = 0;
	c.key[5] = 0x10000;		/* tunnel_ext */
	if (!key_case(be, &c, -EINVAL, -EINVAL, NULL, KEY_SIZE))
		return false;
	c.key[5] = 0;
	/* Get: unknown flags, a size of no layout. */
	c.get_flags = 1 << 5;
	if (!key_case(be, &c, 0, -EINVAL, NULL, KEY_SIZE))
		return false;
	c.get_flags = 0;
	c.get_size = 16;
	return key_case(be, &c, 0, -EINVAL, NULL, 16);
}

static bool opt_case(const struct kt_be *be, bool set_key, int set_opt,
		     int get_opt, int want_set, int want_get, int opt_len)
{
	struct tun_case c = { .no_set = !set_key, .set_size = KEY_SIZE,
			      .set_opt_size = set_opt, .get_opt_size = get_opt };
	unsigned char want[48] = { 0 };
	int i;

	for (i = 0; i < 11; i++)
		c.key[i] = 0x01010101u * (i + 1);
	c.key[5] = 0;			/* no tunnel_ext */
	c.key[6] = 0;			/* no label */
	memcpy(want, c.key, opt_len);
	return key_case(be, &c, want_set, want_get, want_get < 0 ? NULL : want,
			get_opt);
}

/* Options after a key: read back, too small a buffer, none, refused. */
static bool t_opt(const struct kt_be *be)
{
	return opt_case(be, true, 8, 16, 0, 8, 8) &&
	       opt_case(be, true, 16, 16, 0, 16, 16) &&
	       opt_case(be, true, 16, 12, 0, -ENOMEM, 0) &&
	       opt_case(be, true, 0, 16, 0, -ENOENT, 0) &&
	       opt_case(be, false, 0, 16, 0, -ENOENT, 0) &&
	       /* Without this CPU's key, or not whole words. */
	       opt_case(be, false, 8, 16, OPT_RES(-EINVAL), -ENOENT, 0) &&
	       opt_case(be, true, 6, 16, OPT_RES(-EINVAL), -ENOENT, 0);
}

/* Which types have them: tc and lwt_xmit; cgroup_skb, lwt_in, XDP not. */
static bool t_offered(const struct kt_be *be)
{
	static const __u32 funcs[] = {
		BPF_FUNC_skb_get_tunnel_key, BPF_FUNC_skb_set_tunnel_key,
		BPF_FUNC_skb_get_tunnel_opt, BPF_FUNC_skb_set_tunnel_opt,
	};
	static const struct { __u32 type; bool ok; } types[] = {
		{ BPF_PROG_TYPE_SCHED_CLS, true },
		{ BPF_PROG_TYPE_SCHED_ACT, true },
		{ BPF_PROG_TYPE_LWT_XMIT, true },
		{ BPF_PROG_TYPE_LWT_IN, false },
		{ BPF_PROG_TYPE_CGROUP_SKB, false },
		{ BPF_PROG_TYPE_SOCKET_FILTER, false },
		{ BPF_PROG_TYPE_SK_SKB, false },
		{ BPF_PROG_TYPE_XDP, false },
	};
	unsigned int f, t;

	for (f = 0; f < KT_ARRAY_SIZE(funcs); f++) {
		for (t = 0; t < KT_ARRAY_SIZE(types); t++) {
			const struct bpf_insn insns[] = {
				KT_ST(BPF_DW, 10, -8, 0),
				KT_MOV64_REG(2, 10),
				KT_ALU64_IMM(BPF_ADD, 2, -8),
				KT_MOV64_IMM(3, 8),
				KT_MOV64_IMM(4, 0),
				KT_CALL(funcs[f]),
				KT_MOV64_IMM(0, 0),
				KT_EXIT(),
			};
			struct kt_load l = { .type = types[t].type, .insns = insns,
					     .cnt = KT_ARRAY_SIZE(insns) };
			int fd = be_load_prog(be, &l);

			if (fd >= 0)
				close(fd);
			if (types[t].ok ? fd < 0 : fd >= 0 || errno != EINVAL)
				return kt_whyf("helper %u, type %u: load %d (errno %d)",
					       funcs[f], types[t].type, fd, errno);
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("skb_tunnel_key_ipv4", t_key_ipv4, linux_ok);
	kt_dual("skb_tunnel_key_ipv6", t_key_ipv6, linux_ok);
	kt_dual("skb_tunnel_key_refused", t_key_refused, linux_ok);
	kt_dual("skb_tunnel_opt", t_opt, linux_ok);
	kt_dual("skb_tunnel_offered", t_offered, linux_ok);
	return kt_done();
}
