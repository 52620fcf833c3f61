// SPDX-License-Identifier: GPL-2.0
/*
 * Tracing helpers of Linux 6.1 in raw tracepoint programs run by
 * BPF_PROG_TEST_RUN, each case on kbpf and on Linux's bpf(2) alike
 * (kt_dual.h):
 * - the legacy bpf_probe_read() and bpf_probe_read_str(): user memory
 *   below TASK_SIZE, kernel memory above it (the program's own context),
 *   -EFAULT for an unmapped user address, -ERANGE for a non-canonical
 *   address and the vsyscall page (kernel reads refuse those), the
 *   buffer cleared;
 * - bpf_get_ns_current_pid_tgid() against /proc/self/ns/pid's device and
 *   inode: this process's ids, -EINVAL (cleared) for another inode, a
 *   device past dev_t or a wrong size (only those refusals on a kernel
 *   without pid namespaces, where that file does not exist);
 * - bpf_send_signal() and bpf_send_signal_thread() to the test process
 *   itself: SIGUSR1 arrives, sent by the kernel (SI_KERNEL), the thread
 *   variant to this very thread; signal 0 sends nothing, 65 is -EINVAL;
 *   sent from a second thread, both variants' signal is taken there;
 * - bpf_trace_vprintk() with four arguments: its length, and on kbpf the
 *   line in kbpf's trace_pipe (Linux's goes to ftrace's); a conversion
 *   without an argument is -EINVAL.
 * Then some again on kbpf's interpreter (jit_enable=0).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define KT_LD_IMM64(d, v) \
	KT_INSN(BPF_LD | BPF_DW | BPF_IMM, d, 0, 0, (__u32)(v)), \
	KT_INSN(0, 0, 0, 0, (__u32)((__u64)(v) >> 32))

/* Past user space whether paging has 4 levels or 5 (QEMU's may). */
#define NON_CANONICAL	0x8000000000000000ULL
#define VSYSCALL_PAGE	0xffffffffff600000ULL
#define TRACE_PIPE	"/sys/kernel/debug/kbpf/trace_pipe"

/* Load, run once on args[4], close; the return value, sign-extended. */
static bool run(const struct kt_be *be, const struct bpf_insn *insns,
		__u32 cnt, const __u64 args[4], long *ret)
{
	int fd = be_load_raw_tp(be, insns, cnt);
	bool ok;

	if (!kt_check_ok(fd, "PROG_LOAD"))
		return false;
	ok = be_run_raw_tp(be, fd, args, 4, ret);
	close(fd);
	return ok;
}

/* ---- bpf_probe_read(), bpf_probe_read_str() ------------------------------ */

/*
 * r0 = func(&value, 16, addr): addr is args[0], or with from_ctx the
 * context's own address + 8 (args[1], kernel memory); -1 without value.
 */
static bool read_case(const struct kt_be *be, int func, bool from_ctx,
		      const __u64 args[4], long want, const void *want_val,
		      __u32 cmp_len)
{
	int map = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0);
	unsigned char value[16];
	__u32 key = 0;
	long ret;
	bool ok;

	if (!kt_check_ok(map, "MAP_CREATE"))
		return false;
	memset(value, 0x5a, sizeof(value));
	ok = kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, value, 0),
			 "fill the value");
	{
		const struct bpf_insn insns[] = {
			KT_MOV64_REG(7, 1),
			KT_ST(BPF_W, 10, -4, 0),
			KT_MOV64_REG(2, 10),
			KT_ALU64_IMM(BPF_ADD, 2, -4),
			KT_LD_MAP_FD(1, map),
			KT_CALL(BPF_FUNC_map_lookup_elem),
			KT_JEQ_IMM(0, 0, 6),
			KT_MOV64_REG(1, 0),
			KT_MOV64_IMM(2, 16),
			from_ctx ? KT_MOV64_REG(3, 7) : KT_LDX(BPF_DW, 3, 7, 0),
			KT_ALU64_IMM(BPF_ADD, 3, from_ctx ? 8 : 0),
			KT_CALL(func),
			KT_EXIT(),
			KT_MOV64_IMM(0, -1),
			KT_EXIT(),
		};

		ok = ok && run(be, insns, KT_ARRAY_SIZE(insns), args, &ret) &&
		     kt_check_u64(ret, want, "the helper's return value");
	}
	ok = ok && kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, value, 0),
			       "MAP_LOOKUP_ELEM");
	if (ok && want_val)
		ok = kt_check_mem(value, want_val, cmp_len, "the bytes read");
	else if (ok)
		ok = kt_check_fill(value, 0, sizeof(value), "cleared");
	close(map);
	return ok;
}

static const char user_str[] = "user memory, read by the legacy helper";

static bool t_probe_read_user(const struct kt_be *be)
{
	const __u64 args[4] = { kt_ptr(user_str) };

	return read_case(be, BPF_FUNC_probe_read, false, args, 0, user_str, 16);
}

static bool t_probe_read_kernel(const struct kt_be *be)
{
	const __u64 args[4] = { 0, 0x1122334455667788ULL, 0x99aabbccddeeff00ULL };

	return read_case(be, BPF_FUNC_probe_read, true, args, 0, &args[1], 16);
}

static bool t_probe_read_str_user(const struct kt_be *be)
{
	static const char s[] = "short";
	const __u64 args[4] = { kt_ptr(s) };

	return read_case(be, BPF_FUNC_probe_read_str, false, args, sizeof(s),
			 s, sizeof(s)) &&
	       read_case(be, BPF_FUNC_probe_read_str, false,
			 (const __u64[4]){ kt_ptr(user_str) }, 16,
			 "user memory, re", 16);
}

static bool t_probe_read_str_kernel(const struct kt_be *be)
{
	__u64 args[4] = { 0 };

	memcpy(&args[1], "kernel", 7);
	return read_case(be, BPF_FUNC_probe_read_str, true, args, 7, "kernel", 7);
}

/*
 * An unmapped user page; a non-canonical address and the vsyscall page,
 * which the kernel half's reads refuse (copy_from_kernel_nofault()).
 */
static bool t_probe_read_bad(const struct kt_be *be)
{
	static const int funcs[] = { BPF_FUNC_probe_read, BPF_FUNC_probe_read_str };
	int i;

	for (i = 0; i < 2; i++)
		if (!read_case(be, funcs[i], false, (const __u64[4]){ 16 },
			       -EFAULT, NULL, 0) ||
		    !read_case(be, funcs[i], false,
			       (const __u64[4]){ VSYSCALL_PAGE }, -ERANGE, NULL, 0) ||
		    !read_case(be, funcs[i], false,
			       (const __u64[4]){ NON_CANONICAL }, -ERANGE, NULL, 0))
			return false;
	return true;
}

/* ---- bpf_get_ns_current_pid_tgid() --------------------------------------- */

/* r0 = get_ns_current_pid_tgid(args[0], args[1], &value, size). */
static bool ns_case(const struct kt_be *be, __u64 dev, __u64 ino, __u32 size,
		    long want)
{
	int map = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	const __u64 args[4] = { dev, ino };
	struct bpf_pidns_info info;
	__u32 key = 0;
	long ret;
	bool ok;

	if (!kt_check_ok(map, "MAP_CREATE"))
		return false;
	memset(&info, 0x5a, sizeof(info));
	ok = kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, &info, 0),
			 "fill the value");
	{
		const struct bpf_insn insns[] = {
			KT_MOV64_REG(7, 1),
			KT_ST(BPF_W, 10, -4, 0),
			KT_MOV64_REG(2, 10),
			KT_ALU64_IMM(BPF_ADD, 2, -4),
			KT_LD_MAP_FD(1, map),
			KT_CALL(BPF_FUNC_map_lookup_elem),
			KT_JEQ_IMM(0, 0, 6),
			KT_MOV64_REG(3, 0),
			KT_LDX(BPF_DW, 1, 7, 0),
			KT_LDX(BPF_DW, 2, 7, 8),
			KT_MOV64_IMM(4, size),
			KT_CALL(BPF_FUNC_get_ns_current_pid_tgid),
			KT_EXIT(),
			KT_MOV64_IMM(0, -1),
			KT_EXIT(),
		};

		ok = ok && run(be, insns, KT_ARRAY_SIZE(insns), args, &ret) &&
		     kt_check_u64(ret, want, "the helper's return value");
	}
	ok = ok && kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, &info, 0),
			       "MAP_LOOKUP_ELEM");
	if (ok && !want)
		ok = kt_check_u64(info.pid, getpid(), "pid") &&
		     kt_check_u64(info.tgid, getpid(), "tgid");
	else if (ok)
		ok = kt_check_u64(info.pid, 0, "pid cleared") &&
		     kt_check_u64(info.tgid, size == 8 ? 0 : 0x5a5a5a5a,
				  "tgid cleared within size");
	close(map);
	return ok;
}

static bool t_ns_pid_tgid(const struct kt_be *be)
{
	struct stat st;

	if (!kt_check_ok(stat("/proc/self/ns/pid", &st), "stat /proc/self/ns/pid"))
		return false;
	return ns_case(be, st.st_dev, st.st_ino, 8, 0) &&
	       ns_case(be, st.st_dev, st.st_ino + 1, 8, -EINVAL) &&
	       ns_case(be, st.st_dev + 1, st.st_ino, 8, -EINVAL) &&
	       ns_case(be, st.st_dev | 1ULL << 32, st.st_ino, 8, -EINVAL) &&
	       ns_case(be, st.st_dev, st.st_ino, 4, -EINVAL);
}

/* Without /proc/self/ns/pid to compare with: ids no nsfs file has. */
static bool t_ns_refusals(const struct kt_be *be)
{
	return ns_case(be, 0, 0, 8, -EINVAL) &&
	       ns_case(be, 1ULL << 32, 0xeffffffcULL, 8, -EINVAL) &&
	       ns_case(be, 0, 0, 4, -EINVAL);
}

/* ---- bpf_send_signal(), bpf_send_signal_thread() -------------------------- */

static volatile sig_atomic_t usr1_count;
static volatile int usr1_code, usr1_pid, usr1_tid;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	usr1_code = si->si_code;
	usr1_pid = si->si_pid;
	usr1_tid = gettid();
	usr1_count++;
}

/* Waits up to a second for the count to pass before (a send is deferred). */
static bool usr1_after(int before)
{
	int i;

	for (i = 0; i < 1000 && usr1_count == before; i++) {
		struct timespec ts = { 0, 1000000 };

		nanosleep(&ts, NULL);
	}
	return usr1_count != before;
}

static bool signal_case(const struct kt_be *be, int func, __u64 sig,
			long want, bool arrives)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_DW, 1, 1, 0),
		KT_CALL(func),
		KT_EXIT(),
	};
	const __u64 args[4] = { sig };
	int before = usr1_count;
	long ret;

	usr1_code = 0;
	usr1_pid = -1;
	usr1_tid = 0;
	if (!run(be, insns, KT_ARRAY_SIZE(insns), args, &ret) ||
	    !kt_check_u64(ret, want, "the helper's return value"))
		return false;
	if (!arrives)
		return kt_check_true(!usr1_after(before), "no signal");
	return kt_check_true(usr1_after(before), "SIGUSR1 arrived") &&
	       kt_check_u64(usr1_count, before + 1, "exactly once") &&
	       kt_check_u64(usr1_code, SI_KERNEL, "si_code SI_KERNEL") &&
	       kt_check_u64(usr1_pid, 0, "si_pid 0") &&
	       kt_check_u64(usr1_tid, gettid(), "taken by this thread");
}

/* The two variants, and for each a signal number it refuses. */
static const struct signal_test {
	const char *name;
	int func;
	__u64 bad_sig;
} signal_tests[] = {
	{ "send_signal", BPF_FUNC_send_signal, 65 },
	{ "send_signal_thread", BPF_FUNC_send_signal_thread, 1ULL << 31 | SIGUSR1 },
};

/* SIGUSR1 arrives, signal 0 sends nothing, the bad one is -EINVAL. */
static bool t_send_signal(const struct kt_be *be, const void *arg)
{
	const struct signal_test *t = arg;

	return signal_case(be, t->func, SIGUSR1, 0, true) &&
	       signal_case(be, t->func, 0, 0, false) &&
	       signal_case(be, t->func, t->bad_sig, -EINVAL, false);
}

struct sender {
	const struct kt_be *be;
	int func;
	pid_t tid;
	bool ok;
};

static void *sender_fn(void *arg)
{
	struct sender *s = arg;

	s->tid = gettid();
	s->ok = signal_case(s->be, s->func, SIGUSR1, 0, true);
	return NULL;
}

/*
 * From a second thread, while the first waits: both variants' signal is
 * taken by the thread that ran the program, the group one too (Linux
 * prefers current, and so does kbpf's kill_pid() of current's own pid).
 */
static bool t_send_signal_other_thread(const struct kt_be *be)
{
	unsigned int i;

	for (i = 0; i < KT_ARRAY_SIZE(signal_tests); i++) {
		struct sender s = { .be = be, .func = signal_tests[i].func };
		pthread_t t;

		if (!kt_check_ok(pthread_create(&t, NULL, sender_fn, &s),
				 "pthread_create"))
			return false;
		pthread_join(t, NULL);
		if (!s.ok || !kt_check_true(s.tid != gettid(), "another thread"))
			return false;
	}
	return true;
}

/* ---- bpf_trace_vprintk() -------------------------------------------------- */

/* r0 = trace_vprintk(fmt (16 bytes on the stack), 16, {1, 2, 3, 4}, 32). */
static bool vprintk_case(const struct kt_be *be, const char *fmt, long want)
{
	__u64 w[2] = { 0, 0 };
	const __u64 args[4] = { 0 };
	long ret;

	memcpy(w, fmt, strlen(fmt) + 1);
	{
		const struct bpf_insn insns[] = {
			KT_LD_IMM64(1, w[0]),
			KT_STX(BPF_DW, 10, 1, -16),
			KT_LD_IMM64(1, w[1]),
			KT_STX(BPF_DW, 10, 1, -8),
			KT_ST(BPF_DW, 10, -48, 1),
			KT_ST(BPF_DW, 10, -40, 2),
			KT_ST(BPF_DW, 10, -32, 3),
			KT_ST(BPF_DW, 10, -24, 4),
			KT_MOV64_REG(1, 10),
			KT_ALU64_IMM(BPF_ADD, 1, -16),
			KT_MOV64_IMM(2, 16),
			KT_MOV64_REG(3, 10),
			KT_ALU64_IMM(BPF_ADD, 3, -48),
			KT_MOV64_IMM(4, 32),
			KT_CALL(BPF_FUNC_trace_vprintk),
			KT_EXIT(),
		};

		return run(be, insns, KT_ARRAY_SIZE(insns), args, &ret) &&
		       kt_check_u64(ret, want, "the helper's return value");
	}
}

/* Everything kbpf's trace_pipe holds now, without blocking. */
static ssize_t pipe_read(char *buf, size_t size)
{
	int fd = open(TRACE_PIPE, O_RDONLY | O_NONBLOCK);
	ssize_t n, done = 0;

	if (fd < 0)
		return -1;
	while (done < (ssize_t)size - 1 &&
	       (n = read(fd, buf + done, size - 1 - done)) > 0)
		done += n;
	buf[done] = 0;
	close(fd);
	return done;
}

static bool t_trace_vprintk(const struct kt_be *be)
{
	char buf[8192];

	if (be == &kt_be_kbpf)
		pipe_read(buf, sizeof(buf));
	if (!vprintk_case(be, "v=%d %d %d %d", 9) ||
	    !vprintk_case(be, "%d%d%d%d%d", -EINVAL))
		return false;
	if (be != &kt_be_kbpf)
		return true;
	return kt_check_true(pipe_read(buf, sizeof(buf)) > 0, "trace_pipe read") &&
	       kt_check_true(strstr(buf, ": bpf_trace_printk: v=1 2 3 4\n") != NULL,
			     "the line in kbpf's trace_pipe") &&
	       kt_check_true(strstr(strstr(buf, ": bpf_trace_printk: "), "\n") ==
			     buf + strlen(buf) - 1, "one line, none for the bad format");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	char name[64];
	unsigned int i;
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	sigaction(SIGUSR1, &sa, NULL);
	kt_dual("probe_read_user_half", t_probe_read_user, linux_ok);
	kt_dual("probe_read_kernel_half", t_probe_read_kernel, linux_ok);
	kt_dual("probe_read_str_user_half", t_probe_read_str_user, linux_ok);
	kt_dual("probe_read_str_kernel_half", t_probe_read_str_kernel, linux_ok);
	kt_dual("probe_read_bad_addresses", t_probe_read_bad, linux_ok);
	if (!access("/proc/self/ns/pid", F_OK))
		kt_dual("get_ns_current_pid_tgid", t_ns_pid_tgid, linux_ok);
	else	/* The debug kernel has no namespaces: only the refusals. */
		kt_dual("get_ns_current_pid_tgid_no_pidns_file", t_ns_refusals,
			linux_ok);
	for (i = 0; i < KT_ARRAY_SIZE(signal_tests); i++)
		kt_dual_arg(signal_tests[i].name, t_send_signal, &signal_tests[i],
			    linux_ok);
	kt_dual("send_signal_from_another_thread", t_send_signal_other_thread,
		linux_ok);
	kt_dual("trace_vprintk", t_trace_vprintk, linux_ok);
	/* The same helpers called from kbpf's interpreter. */
	if (!kt_set_jit(0)) {
		kt_fail("interp", "cannot set jit_enable=0");
		return kt_done();
	}
	kt_verdict("probe_read_kernel_half_interp", t_probe_read_kernel(&kt_be_kbpf));
	kt_verdict("probe_read_bad_addresses_interp", t_probe_read_bad(&kt_be_kbpf));
	for (i = 0; i < KT_ARRAY_SIZE(signal_tests); i++) {
		snprintf(name, sizeof(name), "%s_interp", signal_tests[i].name);
		kt_verdict(name, t_send_signal(&kt_be_kbpf, &signal_tests[i]));
	}
	kt_verdict("trace_vprintk_interp", t_trace_vprintk(&kt_be_kbpf));
	kt_verdict("jit_enable_restored", kt_set_jit(1));
	return kt_done();
}
