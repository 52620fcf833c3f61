// SPDX-License-Identifier: GPL-2.0
/*
 * The tracing helpers of helpers/probe.c (the legacy bpf_probe_read and
 * bpf_probe_read_str), helpers/task.c (bpf_get_ns_current_pid_tgid),
 * helpers/signal.c (bpf_send_signal, bpf_send_signal_thread) and
 * helpers/trace_printk.c (bpf_trace_vprintk), called with kbpf's helper
 * ABI. The shim's current task is the calling thread, its pid namespace
 * the host's (ids and nsfs file from the OS), and its signals real ones
 * (kill() for the group, tgkill() for the thread), caught by a handler.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include <signal.h>
#include <sys/stat.h>

#include "../../helpers/protos.h"
#include "ktest.h"

#define U(p)		((u64)(unsigned long)(p))
#define KERNEL_ADDR	0xffff800000000000ULL

static u64 call(const struct kbpf_func_proto *p, u64 r1, u64 r2, u64 r3,
		u64 r4)
{
	return p->func(r1, r2, r3, r4, 0);
}

TEST(helper_probe_read_compat)
{
	const struct kbpf_func_proto *rd = &kbpf_probe_read_compat_proto;
	const struct kbpf_func_proto *rs = &kbpf_probe_read_compat_str_proto;
	static const char src[] = "legacy read";
	char buf[32];

	/* Below TASK_SIZE: read as user memory. */
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(call(rd, U(buf), 6, U(src), 0), 0);
	EXPECT_MEM_EQ(buf, "legacyxx", 8);
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(call(rs, U(buf), sizeof(buf), U(src), 0), sizeof(src));
	EXPECT_TRUE(!strcmp(buf, src));
	EXPECT_EQ(buf[sizeof(src)], 'x');	/* nothing past the NUL */
	EXPECT_EQ(call(rs, U(buf), 4, U(src), 0), 4);
	EXPECT_MEM_EQ(buf, "leg", 4);
	EXPECT_EQ(call(rs, U(buf), 0, U(src), 0), 0);
	/* Unreadable, user or kernel half: -EFAULT, the buffer zeroed. */
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ((long)call(rd, U(buf), 8, 16, 0), -EFAULT);
	EXPECT_MEM_EQ(buf, "\0\0\0\0\0\0\0\0x", 9);
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ((long)call(rd, U(buf), 8, KERNEL_ADDR, 0), -EFAULT);
	EXPECT_MEM_EQ(buf, "\0\0\0\0\0\0\0\0x", 9);
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ((long)call(rs, U(buf), 8, KERNEL_ADDR, 0), -EFAULT);
	EXPECT_MEM_EQ(buf, "\0\0\0\0\0\0\0\0x", 9);
	EXPECT_EQ(call(rd, U(buf), 0, KERNEL_ADDR, 0), 0);
}

TEST(helper_get_ns_current_pid_tgid)
{
	const struct kbpf_func_proto *p = &kbpf_get_ns_current_pid_tgid_proto;
	struct bpf_pidns_info info;
	struct stat st;

	ASSERT_EQ(stat("/proc/self/ns/pid", &st), 0);
	memset(&info, 0x55, sizeof(info));
	EXPECT_EQ(call(p, st.st_dev, st.st_ino, U(&info), sizeof(info)), 0);
	EXPECT_EQ(info.pid, (u32)gettid());
	EXPECT_EQ(info.tgid, (u32)getpid());

	/* Another namespace's inode, another device: -EINVAL, cleared. */
	memset(&info, 0x55, sizeof(info));
	EXPECT_EQ((long)call(p, st.st_dev, st.st_ino + 1, U(&info), sizeof(info)),
		  -EINVAL);
	EXPECT_EQ(info.pid, 0);
	EXPECT_EQ(info.tgid, 0);
	memset(&info, 0x55, sizeof(info));
	EXPECT_EQ((long)call(p, st.st_dev + 1, st.st_ino, U(&info), sizeof(info)),
		  -EINVAL);
	EXPECT_EQ(info.pid, 0);
	/* A device that does not fit dev_t is never equal, even truncated. */
	EXPECT_EQ((long)call(p, st.st_dev | 1ULL << 32, st.st_ino, U(&info),
			     sizeof(info)), -EINVAL);
	/* The size must be the struct's; what was given is cleared. */
	memset(&info, 0x55, sizeof(info));
	EXPECT_EQ((long)call(p, st.st_dev, st.st_ino, U(&info), 4), -EINVAL);
	EXPECT_EQ(info.pid, 0);
	EXPECT_EQ(info.tgid, 0x55555555);
	/* An exiting task has no pid namespace left: -ENOENT. */
	current->pidns = NULL;
	memset(&info, 0x55, sizeof(info));
	EXPECT_EQ((long)call(p, st.st_dev, st.st_ino, U(&info), sizeof(info)),
		  -ENOENT);
	EXPECT_EQ(info.pid, 0);
	current->pidns = &kbpf_shim_pid_ns;
}

static volatile sig_atomic_t usr1_count;
static volatile pid_t usr1_tid;

static void on_usr1(int sig)
{
	usr1_count++;
	usr1_tid = gettid();
}

/* Signals sent to this very thread (or its process) arrive before return. */
static int signals_after(const struct kbpf_func_proto *p, u64 sig, long *ret)
{
	int before = usr1_count;

	*ret = (long)call(p, sig, 0, 0, 0);
	return usr1_count - before;
}

TEST(helper_send_signal_now)
{
	const struct kbpf_func_proto *grp = &kbpf_send_signal_proto;
	const struct kbpf_func_proto *thr = &kbpf_send_signal_thread_proto;
	struct sigaction sa = { .sa_handler = on_usr1 }, old;
	unsigned int flags = current->flags;
	long ret;

	ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
	ASSERT_EQ(kbpf_helpers_init(), 0);
	EXPECT_EQ(signals_after(grp, SIGUSR1, &ret), 1);
	EXPECT_EQ(ret, 0);
	usr1_tid = 0;
	EXPECT_EQ(signals_after(thr, SIGUSR1, &ret), 1);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ(usr1_tid, gettid());
	/* Signal 0 checks only; past the last signal: -EINVAL. */
	EXPECT_EQ(signals_after(grp, 0, &ret), 0);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ(signals_after(thr, 0, &ret), 0);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ(signals_after(grp, 65, &ret), 0);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_EQ(signals_after(thr, 1ULL << 31 | SIGUSR1, &ret), 0);
	EXPECT_EQ(ret, -EINVAL);
	/* Kernel threads, exiting tasks and init get none: -EPERM. */
	current->flags = flags | PF_KTHREAD;
	EXPECT_EQ(signals_after(grp, SIGUSR1, &ret), 0);
	EXPECT_EQ(ret, -EPERM);
	current->flags = flags | PF_EXITING;
	EXPECT_EQ(signals_after(thr, SIGUSR1, &ret), 0);
	EXPECT_EQ(ret, -EPERM);
	current->flags = flags;
	current->tgid = 1;
	EXPECT_EQ(signals_after(grp, SIGUSR1, &ret), 0);
	EXPECT_EQ(ret, -EPERM);
	current->tgid = getpid();
	kbpf_helpers_exit();
	sigaction(SIGUSR1, &old, NULL);
}

/*
 * With preemption off the send waits for this CPU's irq_work: held here,
 * a second send finds it busy (-EBUSY, even for signal 0), a bad signal is
 * still refused first, and the signal comes when the work runs.
 */
TEST(helper_send_signal_deferred)
{
	const struct kbpf_func_proto *grp = &kbpf_send_signal_proto;
	const struct kbpf_func_proto *thr = &kbpf_send_signal_thread_proto;
	struct sigaction sa = { .sa_handler = on_usr1 }, old;
	int before;
	long ret;

	ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
	ASSERT_EQ(kbpf_helpers_init(), 0);
	kbpf_shim_preempt_count = 1;
	kbpf_shim_irq_work_hold = true;
	before = usr1_count;
	EXPECT_EQ(signals_after(grp, SIGUSR1, &ret), 0);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ(signals_after(thr, SIGUSR1, &ret), 0);
	EXPECT_EQ(ret, -EBUSY);
	EXPECT_EQ(signals_after(grp, 0, &ret), 0);
	EXPECT_EQ(ret, -EBUSY);
	EXPECT_EQ(signals_after(grp, 100, &ret), 0);
	EXPECT_EQ(ret, -EINVAL);
	/* Another CPU has its own work (run at once: only one is held). */
	kbpf_shim_irq_work_hold = false;
	kbpf_shim_set_cpu(1);
	EXPECT_EQ(signals_after(thr, 0, &ret), 0);
	EXPECT_EQ(ret, 0);
	kbpf_shim_set_cpu(0);
	EXPECT_EQ(usr1_count, before);
	kbpf_shim_irq_work_release();
	EXPECT_EQ(usr1_count, before + 1);
	/* Free again: the thread's signal, through the work. */
	usr1_tid = 0;
	EXPECT_EQ(signals_after(thr, SIGUSR1, &ret), 1);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ(usr1_tid, gettid());
	kbpf_shim_preempt_count = 0;
	kbpf_helpers_exit();
	sigaction(SIGUSR1, &old, NULL);
}

TEST(helper_trace_vprintk)
{
	const struct kbpf_func_proto *p = &kbpf_trace_vprintk_proto;
	static const char fmt[] = "a=%d s=%s c=%c %d %d %d %d\n";
	u64 args[13] = { 7, U("str"), 'z', 1, 2, 3, 4 };
	char buf[4096];

	ASSERT_EQ(kbpf_trace_pipe_init(), 0);
	/* More than trace_printk's three arguments. */
	EXPECT_EQ(call(p, U(fmt), sizeof(fmt), U(args), 7 * 8), 22);
	EXPECT_TRUE(kbpf_trace_pipe_read(buf, sizeof(buf)) > 0);
	EXPECT_TRUE(strstr(buf, ": bpf_trace_printk: a=7 s=str c=z 1 2 3 4\n"));
	EXPECT_EQ(call(p, U("none"), 5, 0, 0), 4);
	EXPECT_TRUE(kbpf_trace_pipe_read(buf, sizeof(buf)) > 0);
	EXPECT_TRUE(strstr(buf, ": bpf_trace_printk: none\n"));
	/* Whole u64s, at most 12, an array when there is a length. */
	EXPECT_EQ((long)call(p, U(fmt), sizeof(fmt), U(args), 7 * 8 - 1), -EINVAL);
	EXPECT_EQ((long)call(p, U(fmt), sizeof(fmt), U(args), 13 * 8), -EINVAL);
	EXPECT_EQ((long)call(p, U(fmt), sizeof(fmt), 0, 8), -EINVAL);
	/* More conversions than arguments, a bad one: -EINVAL, nothing written. */
	EXPECT_EQ((long)call(p, U(fmt), sizeof(fmt), U(args), 6 * 8), -EINVAL);
	EXPECT_EQ((long)call(p, U("%q"), 3, U(args), 8), -EINVAL);
	EXPECT_EQ((long)call(p, U(fmt), sizeof(fmt), U(args), 12 * 8), 22);
	EXPECT_TRUE(kbpf_trace_pipe_read(buf, sizeof(buf)) > 0);
	EXPECT_FALSE(kbpf_trace_pipe_pending());
	kbpf_trace_pipe_exit();
}
