// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf-run --verify: kbpf's verifier (kbpf_verify(), the one BPF_PROG_LOAD
 * runs) on a program whose context is raw memory, MEM.bin, as Linux's
 * BPF_PROG_TYPE_SYSCALL programs get memory from userspace: R1 points to
 * exactly mem_len bytes the program may read and write at constant
 * offsets, R2 holds mem_len as a known scalar. The program is verified as
 * root loads it (CAP_BPF, CAP_PERFMON: bounded loops, any alignment rules
 * of a privileged load) but gets no helpers and no maps, which need a
 * kernel: kbpf-run has neither.
 */
#include <kbpf/kapi.h>
#include <kbpf/ctx_access.h>
#include <kbpf/verifier.h>

#include "run.h"
#include "verify.h"

/* The context: any access inside it (the verifier checks off + size <= ctx_size). */
static bool raw_mem_access(int off, int size, enum kbpf_access_type type,
			   u32 expected_attach_type,
			   struct kbpf_insn_access_aux *info)
{
	return true;
}

/* No helpers: every call is "unknown func". */
static const struct kbpf_func_proto *no_helpers(u32 prog_type, u32 func_id)
{
	return NULL;
}

/* No maps: an fd in an LD_IMM64 is not one. */
static struct kbpf_map *no_maps(void *priv, int fd)
{
	return ERR_PTR(-EBADF);
}

static void no_map_put(void *priv, struct kbpf_map *map)
{
}

/* Print the last lines of the log, indented, as the error's detail. */
static void print_log_tail(const char *log, u32 lines)
{
	const char *p = log + strlen(log);

	/* Skip the final newline, then walk back over lines. */
	if (p > log && p[-1] == '\n')
		p--;
	while (p > log && lines) {
		p--;
		if (*p == '\n' && !--lines) {
			p++;
			break;
		}
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? nl - p : (int)strlen(p);

		fprintf(stderr, "  %.*s\n", len, p);
		p += len + !!nl;
	}
}

static int verify_once(struct kbpf_verify_args *args, const struct kbpf_ctx_ops *ops,
		       const struct bpf_insn *insns, u32 n, u32 mem_len,
		       u32 log_level, char *log, u32 log_size)
{
	memset(args, 0, sizeof(*args));
	args->insns = insns;
	args->insn_cnt = n;
	args->prog_type = BPF_PROG_TYPE_SYSCALL;
	args->gpl_compatible = true;
	args->allow_ptr_leaks = true;
	args->bpf_capable = true;
	args->perfmon_capable = true;
	args->log_buf = log;
	args->log_size = log_size;
	args->log_level = log_level;
	args->map_get = no_maps;
	args->map_put = no_map_put;
	args->get_func_proto = no_helpers;
	args->ctx_ops = ops;
	args->r2_known = true;
	args->r2_value = mem_len;
	log[0] = '\0';
	return kbpf_verify(args);
}

int run_verify(const struct bpf_insn *insns, u32 n, u32 mem_len,
	       u32 log_level, struct run_verified *out)
{
	const struct kbpf_ctx_ops ops = {
		.ctx_size = mem_len,
		.is_valid_access = raw_mem_access,
	};
	struct kbpf_verify_args args;
	u32 log_size = 1 << 20;
	char *log = malloc(log_size);
	int err;

	if (!log)
		return fail(EXIT_REJECTED, "out of memory");
	err = verify_once(&args, &ops, insns, n, mem_len, log_level ?: 1, log,
			  log_size);
	/* Linux keeps a log's start when it is full: retry for its end. */
	if (args.log_len_needed > log_size && log_size < U32_MAX >> 2) {
		if (!err)
			kbpf_verify_release(&args);
		log_size = min_t(u32, args.log_len_needed, U32_MAX >> 2);
		free(log);
		log = malloc(log_size);
		if (!log)
			return fail(EXIT_REJECTED, "out of memory");
		err = verify_once(&args, &ops, insns, n, mem_len,
				  log_level ?: 1, log, log_size);
	}
	if (log_level)
		fputs(log, stderr);
	if (err) {
		if (log_level) {
			fail(EXIT_REJECTED, "the verifier rejected the program (%s)",
			     strerror(-err));
		} else {
			fail(EXIT_REJECTED, "the verifier rejected the program (%s); its log ends:",
			     strerror(-err));
			print_log_tail(log, 4);
		}
		free(log);
		return EXIT_REJECTED;
	}
	free(log);
	out->insns = args.xlated;
	out->len = args.xlated_cnt;
	out->stack_depth = args.stack_depth;
	args.xlated = NULL;
	kbpf_verify_release(&args);
	return 0;
}

void run_verified_free(struct run_verified *v)
{
	kvfree(v->insns);
	v->insns = NULL;
}
