// SPDX-License-Identifier: GPL-2.0
/*
 * A program's runtime: the x86-64 JIT when enabled and it takes the
 * program, else the interpreter, which runs every program. A fallback is
 * never silent: it logs why (rate-limited, as a user can trigger it).
 */
#define pr_fmt(fmt) "kbpf: " fmt

#include <kbpf/kapi.h>
#include <kbpf/engine.h>

#include "interp.h"
#include "runtime.h"
#include "x86_jit.h"

int kbpf_jit_enable = 1;
module_param_named(jit_enable, kbpf_jit_enable, int, 0644);
MODULE_PARM_DESC(jit_enable, "JIT programs to x86-64 (0: interpreter only)");

int kbpf_jit_harden = 1;
module_param_named(jit_harden, kbpf_jit_harden, int, 0644);
MODULE_PARM_DESC(jit_harden,
		 "Blind JIT constants: 0 never, 1 for unprivileged loads, 2 always");

static bool is_pseudo_func(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       insn->src_reg == BPF_PSEUDO_FUNC;
}

/*
 * The interpreter's callback descriptors, one per PSEUDO_FUNC load in the
 * order of their ordinals (the verifier numbers them in program order).
 * Made whichever runtime runs the program (a few bytes), so every
 * program has one rule. -EINVAL for a load the verifier cannot have
 * written.
 */
static int alloc_callbacks(struct kbpf_code *code)
{
	const struct bpf_insn *insn = code->insnsi;
	u32 i, n = 0;

	code->callbacks = NULL;
	code->nr_callbacks = 0;
	for (i = 0; i + 1 < code->len; i++)
		n += is_pseudo_func(&insn[i]);
	if (!n)
		return 0;
	code->callbacks = kcalloc(n, sizeof(*code->callbacks), GFP_KERNEL);
	if (!code->callbacks)
		return -ENOMEM;
	for (i = 0; i + 1 < code->len; i++) {
		struct kbpf_callback *cb;
		s64 start = (s64)i + 1 + insn[i].imm;

		if (!is_pseudo_func(&insn[i]))
			continue;
		/* Anything else is a load the verifier did not write. */
		if ((u32)insn[i + 1].imm >= n || start < 0 || start >= code->len ||
		    (u16)insn[i].off > KBPF_MAX_STACK) {
			kfree(code->callbacks);
			code->callbacks = NULL;
			return -EINVAL;
		}
		cb = &code->callbacks[insn[i + 1].imm];
		cb->func = kbpf_interp_callback;
		cb->code = code;
		cb->insn = &insn[start];
		cb->stack_depth = (u16)insn[i].off;
	}
	code->nr_callbacks = n;
	return 0;
}

int kbpf_prog_select_runtime(struct kbpf_code *code, bool privileged)
{
	int harden = READ_ONCE(kbpf_jit_harden);
	bool blind = harden > 1 || (harden == 1 && !privileged);
	int err;

	err = alloc_callbacks(code);
	if (err) {
		code->bpf_func = NULL;
		return err;
	}
	code->bpf_func = kbpf_interp_run;
	code->jited = false;
	code->jited_len = 0;
	if (!READ_ONCE(kbpf_jit_enable))
		return 0;

	err = kbpf_jit_compile(code, blind);
	if (!err)
		return 0;
	switch (err) {
	case -ENOSPC:
		pr_info_ratelimited("JIT: no room left in the arena for %u instructions, using the interpreter\n",
				    code->len);
		break;
	case -E2BIG:
		pr_info_ratelimited("JIT: a %u-instruction program is too large for it, using the interpreter\n",
				    code->len);
		break;
	default:
		pr_info_ratelimited("JIT failed (%d) on a %u-instruction program, using the interpreter\n",
				    err, code->len);
	}
	return err;
}

void kbpf_prog_free_runtime(struct kbpf_code *code)
{
	kbpf_jit_free(code);
	kfree(code->callbacks);
	code->callbacks = NULL;
	code->nr_callbacks = 0;
	code->bpf_func = NULL;
}
