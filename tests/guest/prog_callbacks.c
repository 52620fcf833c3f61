// SPDX-License-Identifier: GPL-2.0
/*
 * Callbacks through BPF_PROG_LOAD and BPF_PROG_TEST_RUN: bpf_loop summing
 * its indexes (all of them, stopped by the callback, none, bad flags, too
 * many loops), a loop in a loop's callback, bpf_for_each_map_elem summing
 * the values of an array and of a hash map and stopped early, and a
 * callback returning 2 refused with Linux's message. Every case runs on
 * kbpf (once JITed, once on the interpreter) and on the kernel's bpf(2).
 *
 * Linux 6.1 takes a callback only with BTF func_info marking it static;
 * kbpf has no BTF and needs none, so the Linux runs load a small BTF
 * (int, int f(void), and a static FUNC per subprogram) and pass it.
 */
#include <stddef.h>

#include <linux/btf.h>

#include "kt_fdmap.h"

#define KT_LD_FUNC(d, off) \
	KT_INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_FUNC, 0, off), \
	KT_INSN(0, 0, 0, 0, 0)
#define KT_ALU64_REG(op, d, s)	KT_INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define KT_JNE_IMM(d, i, o)	KT_INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)

/* int, int f(void), then a static FUNC "f" per subprogram. */
static int load_btf(const struct kt_be *be, __u32 nr_funcs)
{
	static const char strs[] = "\0f";
	__u32 blob[64], *t = blob + sizeof(struct btf_header) / 4, i;
	struct btf_header *hdr = (struct btf_header *)blob;
	union bpf_attr attr;

	memset(blob, 0, sizeof(blob));
	*t++ = 0;				/* 1: int */
	*t++ = BTF_KIND_INT << 24;
	*t++ = 4;
	*t++ = BTF_INT_SIGNED << 24 | 32;
	*t++ = 0;				/* 2: int (void) */
	*t++ = BTF_KIND_FUNC_PROTO << 24;
	*t++ = 1;
	for (i = 0; i < nr_funcs; i++) {	/* 3..: static int f(void) */
		*t++ = 1;
		*t++ = BTF_KIND_FUNC << 24 | BTF_FUNC_STATIC;
		*t++ = 2;
	}
	hdr->magic = BTF_MAGIC;
	hdr->version = BTF_VERSION;
	hdr->hdr_len = sizeof(*hdr);
	hdr->type_len = (char *)t - (char *)(hdr + 1);
	hdr->str_off = hdr->type_len;
	hdr->str_len = sizeof(strs);
	memcpy(t, strs, sizeof(strs));

	kt_attr_zero(&attr);
	attr.btf = kt_ptr(blob);
	attr.btf_size = sizeof(*hdr) + hdr->type_len + hdr->str_len;
	return (int)be_call(be, BPF_BTF_LOAD, &attr);
}

/*
 * A socket filter with callbacks at the instructions in subs[] (the main
 * program first, at 0); Linux gets the BTF and func_info it requires.
 */
static int load_cb_prog(const struct kt_be *be, const struct bpf_insn *insns,
			__u32 cnt, const __u32 *subs, __u32 nr_subs,
			char *log, __u32 log_size)
{
	struct bpf_func_info fi[4];
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = insns, .cnt = cnt, .log = log,
			     .log_size = log_size, .log_level = log ? 1 : 0 };
	union bpf_attr attr;
	int btf = -1, fd;
	__u32 i;

	kt_load_attr(&attr, &l);
	if (be == &kt_be_linux) {
		btf = load_btf(be, nr_subs);
		if (btf < 0)
			return btf;
		for (i = 0; i < nr_subs; i++) {
			fi[i].insn_off = subs[i];
			fi[i].type_id = 3 + i;
		}
		attr.prog_btf_fd = btf;
		attr.func_info = kt_ptr(fi);
		attr.func_info_rec_size = sizeof(fi[0]);
		attr.func_info_cnt = nr_subs;
	}
	fd = (int)be_call(be, BPF_PROG_LOAD, &attr);
	if (btf >= 0)
		close(btf);
	return fd;
}

/*
 * bpf_loop(nr, cb, &sum, flags); returns sum * 1000 + the helper's
 * result, or with raw the result alone. The callback adds its index to
 * sum and stops at index stop_at.
 */
static bool run_loop(const struct kt_be *be, __u32 nr, __u32 flags,
		     int stop_at, bool raw, __u32 want)
{
	const struct bpf_insn insns[] = {
		KT_ST(BPF_DW, 10, -8, 0),
		KT_MOV64_IMM(1, nr),
		KT_LD_FUNC(2, 10),
		KT_MOV64_REG(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -8),
		KT_MOV64_IMM(4, flags),
		KT_CALL(BPF_FUNC_loop),
		KT_MOV64_REG(6, 0),
		KT_LDX(BPF_DW, 0, 10, -8),
		KT_ALU64_IMM(BPF_MUL, 0, raw ? 0 : 1000),
		KT_ALU64_REG(BPF_ADD, 0, 6),
		KT_EXIT(),
		/* callback(index, ctx) */
		KT_LDX(BPF_DW, 3, 2, 0),
		KT_ALU64_REG(BPF_ADD, 3, 1),
		KT_STX(BPF_DW, 2, 3, 0),
		KT_MOV64_IMM(0, 0),
		KT_JNE_IMM(1, stop_at, 1),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	const __u32 subs[] = { 0, 13 };
	int prog = load_cb_prog(be, insns, KT_ARRAY_SIZE(insns), subs, 2,
				NULL, 0);
	__u32 ret = 0;
	bool ok;

	ok = kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(be_test_run(be, prog, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, want, "retval");
	be_close(prog);
	return ok;
}

static bool c_loop(const struct kt_be *be)
{
	/* 0 + ... + 99 and 100 calls; stopped at 9: ten calls. */
	return run_loop(be, 100, 0, -1, false, 4950 * 1000 + 100) &&
	       run_loop(be, 100, 0, 9, false, 45 * 1000 + 10) &&
	       run_loop(be, 0, 0, -1, false, 0) &&
	       run_loop(be, 5, 1, -1, true, (__u32)-EINVAL) &&
	       run_loop(be, (1 << 23) + 1, 0, -1, true, (__u32)-E2BIG) &&
	       run_loop(be, 1 << 23, 0, 0, true, 1);
}

/* A loop in a loop's callback: 3 x 4 inner calls adding 1. */
static bool c_loop_nested(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_ST(BPF_DW, 10, -8, 0),
		KT_MOV64_IMM(1, 3),
		KT_LD_FUNC(2, 7),
		KT_MOV64_REG(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -8),
		KT_MOV64_IMM(4, 0),
		KT_CALL(BPF_FUNC_loop),
		KT_LDX(BPF_DW, 0, 10, -8),
		KT_EXIT(),
		/* outer(index, ctx) */
		KT_MOV64_REG(3, 2),
		KT_MOV64_IMM(1, 4),
		KT_LD_FUNC(2, 5),
		KT_MOV64_IMM(4, 0),
		KT_CALL(BPF_FUNC_loop),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
		/* inner(index, ctx) */
		KT_LDX(BPF_DW, 3, 2, 0),
		KT_ALU64_IMM(BPF_ADD, 3, 1),
		KT_STX(BPF_DW, 2, 3, 0),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	const __u32 subs[] = { 0, 10, 18 };
	int prog = load_cb_prog(be, insns, KT_ARRAY_SIZE(insns), subs, 3,
				NULL, 0);
	__u32 ret = 0;
	bool ok;

	ok = kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(be_test_run(be, prog, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, 12, "retval");
	be_close(prog);
	return ok;
}

/* for_each over map: sum of the values * 1000 + elements visited. */
static bool run_for_each(const struct kt_be *be, int map, int stop, __u32 want)
{
	const struct bpf_insn insns[] = {
		KT_ST(BPF_DW, 10, -8, 0),
		KT_LD_MAP_FD(1, map),
		KT_LD_FUNC(2, 10),
		KT_MOV64_REG(3, 10),
		KT_ALU64_IMM(BPF_ADD, 3, -8),
		KT_MOV64_IMM(4, 0),
		KT_CALL(BPF_FUNC_for_each_map_elem),
		KT_MOV64_REG(6, 0),
		KT_LDX(BPF_DW, 0, 10, -8),
		KT_ALU64_IMM(BPF_MUL, 0, 1000),
		KT_ALU64_REG(BPF_ADD, 0, 6),
		KT_EXIT(),
		/* callback(map, key, value, ctx) */
		KT_LDX(BPF_DW, 5, 3, 0),
		KT_LDX(BPF_DW, 6, 4, 0),
		KT_ALU64_REG(BPF_ADD, 6, 5),
		KT_STX(BPF_DW, 4, 6, 0),
		KT_MOV64_IMM(0, 0),
		KT_JNE_IMM(5, stop, 1),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	const __u32 subs[] = { 0, 14 };
	int prog = load_cb_prog(be, insns, KT_ARRAY_SIZE(insns), subs, 2,
				NULL, 0);
	__u32 ret = 0;
	bool ok;

	ok = kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(be_test_run(be, prog, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, want, "retval");
	be_close(prog);
	return ok;
}

static bool fill(const struct kt_be *be, int map, __u32 first_key, __u32 n,
		 __u64 mult)
{
	bool ok = true;
	__u32 k;

	for (k = 0; ok && k < n; k++) {
		__u32 key = first_key + k;
		__u64 v = (k + 1) * mult;

		ok = kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, &v,
					 BPF_ANY), "UPDATE");
	}
	return ok;
}

static bool c_for_each(const struct kt_be *be)
{
	int arr = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 6, 0);
	int hash = be_map_create(be, BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	bool ok;

	/* Array: 1 + 2 + 3 + 4 + 0 + 0 over six indexes; stopped at 3. */
	ok = kt_check_ok(arr, "MAP_CREATE array") &&
	     kt_check_ok(hash, "MAP_CREATE hash") &&
	     fill(be, arr, 0, 4, 1) &&
	     run_for_each(be, arr, -1, 10 * 1000 + 6) &&
	     run_for_each(be, arr, 3, 6 * 1000 + 3) &&
	     /* Hash: five elements of 10 .. 50, in whatever order. */
	     fill(be, hash, 1, 5, 10) &&
	     run_for_each(be, hash, -1, 150 * 1000 + 5);
	be_close(hash);
	be_close(arr);
	return ok;
}

/* A callback returning 2: refused at load, with Linux's words. */
static bool c_bad_return(const struct kt_be *be)
{
	const struct bpf_insn insns[] = {
		KT_MOV64_IMM(1, 1),
		KT_LD_FUNC(2, 6),
		KT_MOV64_IMM(3, 0),
		KT_MOV64_IMM(4, 0),
		KT_CALL(BPF_FUNC_loop),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
		KT_MOV64_IMM(0, 2),
		KT_EXIT(),
	};
	const __u32 subs[] = { 0, 8 };
	static char log[8192];
	int prog;
	bool ok;

	log[0] = '\0';
	prog = load_cb_prog(be, insns, KT_ARRAY_SIZE(insns), subs, 2, log,
			    sizeof(log));
	ok = kt_check_errno(prog, EINVAL, "PROG_LOAD") &&
	     kt_check_true(strstr(log, "At callback return the register R0 has value (0x2; 0x0) should have been in (0x0; 0x1)"),
			   "log names the return value");
	if (prog >= 0)
		be_close(prog);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "all", &linux_ok))
		return kt_done();
	kt_dual("loop", c_loop, linux_ok);
	kt_dual("loop_nested", c_loop_nested, linux_ok);
	kt_dual("for_each", c_for_each, linux_ok);
	kt_dual("bad_return", c_bad_return, linux_ok);
	if (!kt_set_jit(0)) {
		kt_skip("interp", "cannot set kbpf.jit_enable");
		return kt_done();
	}
	/* "_interp": kbpf with jit_enable=0 (Linux runs only the JIT). */
	kt_verdict("loop_interp", c_loop(&kt_be_kbpf));
	kt_verdict("loop_nested_interp", c_loop_nested(&kt_be_kbpf));
	kt_verdict("for_each_interp", c_for_each(&kt_be_kbpf));
	kt_set_jit(1);
	return kt_done();
}
