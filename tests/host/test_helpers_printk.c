// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_trace_printk() and bpf_snprintf() (helpers/trace_printk.c on
 * helpers/bprintf.c): Linux 6.1's accepted and refused formats, the
 * output of each conversion, the 512-byte argument budget, and the
 * trace_pipe ring.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include <sys/mman.h>

#include "../../helpers/bprintf.h"
#include "../../helpers/protos.h"
#include "ktest.h"

#define U(p)	((u64)(unsigned long)(p))

static char out[2048];

/* bpf_snprintf() as a program calls it; out holds the text. */
static long snp(const char *fmt, const u64 *args, u32 nargs)
{
	memset(out, 0x7f, sizeof(out));
	return (long)kbpf_snprintf_proto.func(U(out), sizeof(out), U(fmt),
					       U(args), nargs * 8);
}

#define EXPECT_FMT(want, fmt, ...)					\
	do {								\
		const u64 _a[] = { 0, ##__VA_ARGS__ };			\
		long _n = snp(fmt, _a + 1, ARRAY_SIZE(_a) - 1);	\
		EXPECT_EQ(_n, (long)strlen(want) + 1);			\
		if (!EXPECT_TRUE(!strcmp(out, want)))			\
			fprintf(stderr, "  fmt \"%s\": got \"%s\", want \"%s\"\n", \
				fmt, out, want);			\
	} while (0)

#define EXPECT_BAD(err, fmt, ...)					\
	do {								\
		const u64 _a[] = { 0, ##__VA_ARGS__ };			\
		EXPECT_EQ(snp(fmt, _a + 1, ARRAY_SIZE(_a) - 1), err);	\
		EXPECT_EQ(out[0], 0x7f);	/* untouched */		\
	} while (0)

TEST(bprintf_integers)
{
	EXPECT_FMT("plain text", "plain text");
	EXPECT_FMT("100%", "100%%");
	EXPECT_FMT("-5", "%d", (u64)-5);
	EXPECT_FMT("-5", "%i", (u64)-5);
	/* int unless l/ll: only the low 32 bits count. */
	EXPECT_FMT("4294967295", "%u", (u64)-1);
	EXPECT_FMT("1", "%d", 0x100000001ULL);
	EXPECT_FMT("-1", "%ld", (u64)-1);
	EXPECT_FMT("18446744073709551615", "%llu", (u64)-1);
	EXPECT_FMT("-9223372036854775808", "%lld", 1ULL << 63);
	EXPECT_FMT("ff FF", "%x %X", 255, 255);
	EXPECT_FMT("deadbeefcafe", "%lx", 0xdeadbeefcafeULL);
	EXPECT_FMT("0", "%u", 0);
	EXPECT_FMT("00042|42   |   42|+7| 7", "%05d|%-5d|%5d|%+d|% d",
		   42, 42, 42, 7, 7);
	EXPECT_FMT("-0042|-42  |", "%05d|%-05d|", (u64)-42, (u64)-42);
	EXPECT_FMT("0000ff", "%06x", 255);
	/* Three conversions, three arguments: trace_printk's most. */
	EXPECT_FMT("1 2 3", "%d %d %d", 1, 2, 3);
}

TEST(bprintf_chars_and_strings)
{
	char *page = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(page != MAP_FAILED);
	ASSERT_TRUE(!mprotect(page + PAGE_SIZE, PAGE_SIZE, PROT_NONE));
	EXPECT_FMT("A", "%c", 'A');
	EXPECT_FMT("  A|A  |", "%3c|%-3c|", 'A', 'A');
	EXPECT_FMT("hello", "%s", U("hello"));
	EXPECT_FMT("[   hi][hi   ]", "[%5s][%-5s]", U("hi"), U("hi"));
	EXPECT_FMT("a kernel string.", "a %pks.", U("kernel string"));
	EXPECT_FMT("a user string!", "a %pus!", U("user string"));
	/* An unreadable string prints empty (Linux packs an empty one). */
	EXPECT_FMT("<>", "<%s>", 0);
	EXPECT_FMT("<>", "<%s>", U(page + PAGE_SIZE));
	memcpy(page + PAGE_SIZE - 3, "abc", 3);	/* runs into the bad page */
	EXPECT_FMT("<>", "<%s>", U(page + PAGE_SIZE - 3));
	memcpy(page + PAGE_SIZE - 3, "ab", 3);
	EXPECT_FMT("<ab>", "<%s>", U(page + PAGE_SIZE - 3));
	/* A width is not a precision: the whole string prints. */
	EXPECT_FMT("abcdef", "%2s", U("abcdef"));
	munmap(page, 2 * PAGE_SIZE);
}

TEST(bprintf_pointers_and_ips)
{
	static const u8 ip4[4] = { 10, 0, 200, 7 };
	static const u8 ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	char want[64];

	EXPECT_FMT("10.0.200.7", "%pI4", U(ip4));
	EXPECT_FMT("010.000.200.007", "%pi4", U(ip4));
	EXPECT_FMT("2001:0db8:0000:0000:0000:0000:0000:0001", "%pI6", U(ip6));
	EXPECT_FMT("20010db8000000000000000000000001", "%pi6", U(ip6));
	/* What follows, up to a non-alphanumeric, is skipped, as Linux does. */
	EXPECT_FMT("10.0.200.7-", "%pI4abc-", U(ip4));
	/* An unreadable address prints as zeros. */
	EXPECT_FMT("0.0.0.0", "%pI4", 0);
	/* Pointers print as the shim (host) or the kernel prints them. */
	kbpf_format_pointer(want, sizeof(want), "%px", 0x1234);
	EXPECT_FMT(want, "%px", 0x1234);
	kbpf_format_pointer(want, sizeof(want), "%p", 0xabc);
	EXPECT_FMT(want, "%p", 0xabc);
	strcat(want, ".");
	EXPECT_FMT(want, "%p.", 0xabc);
	kbpf_format_pointer(want, sizeof(want), "%ps", 0x42);
	EXPECT_FMT(want, "%ps", 0x42);
}

TEST(bprintf_bad_formats)
{
	char nonul[4] = { 'a', 'b', 'c', 'd' };

	EXPECT_BAD(-EINVAL, "abc%");
	EXPECT_BAD(-EINVAL, "%5.2d", 1);	/* no precision */
	EXPECT_BAD(-EINVAL, "%.3s", U("x"));
	EXPECT_BAD(-EINVAL, "%*d", 1, 2);
	EXPECT_BAD(-EINVAL, "%n", 1);
	EXPECT_BAD(-EINVAL, "%hd", 1);
	EXPECT_BAD(-EINVAL, "%lf", 1);
	EXPECT_BAD(-EINVAL, "%#x", 1);		/* '#' is not a flag here */
	EXPECT_BAD(-EINVAL, "%5%", 1);
	EXPECT_BAD(-EINVAL, "%lllu", 1);
	EXPECT_BAD(-EINVAL, "%d %d", 1);	/* more conversions than args */
	EXPECT_BAD(-EINVAL, "%d");
	EXPECT_BAD(-EINVAL, "bell\a", 1);	/* ASCII control character */
	EXPECT_BAD(-EINVAL, "%sx", U("s"));	/* %s then alphanumeric */
	EXPECT_BAD(-EINVAL, "%pksx", U("s"));
	EXPECT_BAD(-EINVAL, "%pk", U("s"));
	EXPECT_BAD(-EINVAL, "%pZ", 1);
	EXPECT_BAD(-EINVAL, "%pi5", 1);
	EXPECT_BAD(-EINVAL, "%pI", 1);
	EXPECT_BAD(-EINVAL, "%\xc3\xa9", 1);	/* non-ASCII conversion */
	/* Whitespace and UTF-8 text are fine. */
	EXPECT_FMT("tab\tnl\n caf\xc3\xa9", "tab\tnl\n caf\xc3\xa9");
	EXPECT_FMT("5% off", "%d%% off", 5);
	/* A format without its NUL in fmt_size bytes. */
	EXPECT_EQ(kbpf_bprintf(out, sizeof(out), nonul, sizeof(nonul), NULL, 0),
		  -EINVAL);
	EXPECT_EQ(kbpf_bprintf(out, sizeof(out), "ab", 2, NULL, 0), -EINVAL);
	EXPECT_EQ(kbpf_bprintf(out, sizeof(out), "ab", 3, NULL, 0), 2);
}

TEST(bprintf_argument_budget)
{
	char big[700];
	u64 args[3] = { U(big), U(big), 1 };

	memset(big, 's', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	/* A string takes at most what is left of 512 bytes, with its NUL. */
	ASSERT_EQ(snp("%s", args, 1), 512);
	EXPECT_EQ(strlen(out), 511);
	/* Nothing is left after it: the next argument is -ENOSPC. */
	EXPECT_EQ(snp("%s%s", args, 2), -ENOSPC);
	EXPECT_EQ(snp("%s%c", args, 2), -ENOSPC);
	args[1] = 1;
	EXPECT_EQ(snp("%s%d", args, 2), -ENOSPC);
	EXPECT_EQ(out[0], 0x7f);
	/*
	 * 500 characters take 501 bytes; aligned to 504, 8 are left: one
	 * long, or two ints. 504 take 505; aligned to 508, one int fits.
	 */
	big[500] = 0;
	args[0] = U(big);
	args[1] = 7;
	args[2] = 8;
	EXPECT_EQ(snp("%s%d%d", args, 3), 503);
	EXPECT_EQ(snp("%s%ld", args, 2), 502);
	memset(big, 's', 504);
	big[504] = 0;
	EXPECT_EQ(snp("%s%d", args, 2), 506);
	EXPECT_EQ(snp("%s%ld", args, 2), -ENOSPC);
	EXPECT_EQ(snp("%s%d%d", args, 3), -ENOSPC);
}

TEST(helper_snprintf_contract)
{
	const struct kbpf_func_proto *p = &kbpf_snprintf_proto;
	u64 args[13] = { 12345 };
	char small[4];

	/* Returns what str needs (length + 1); cuts to str_size. */
	memset(small, 'x', sizeof(small));
	EXPECT_EQ(p->func(U(small), sizeof(small), U("%d"), U(args), 8), 6);
	EXPECT_TRUE(!memcmp(small, "123", 4));
	EXPECT_EQ(p->func(0, 0, U("%d!"), U(args), 8), 7);
	EXPECT_EQ(p->func(U(small), 1, U("abc"), 0, 0), 4);
	EXPECT_EQ(small[0], 0);
	/* data_len: a multiple of 8, at most 12 arguments, data if any. */
	EXPECT_EQ((long)p->func(U(small), 4, U("x"), U(args), 4), -EINVAL);
	EXPECT_EQ((long)p->func(U(small), 4, U("x"), U(args), 13 * 8), -EINVAL);
	EXPECT_EQ((long)p->func(U(small), 4, U("x"), 0, 8), -EINVAL);
	EXPECT_EQ(p->func(U(out), sizeof(out),
			  U("%d%d%d%d%d%d%d%d%d%d%d%d"), U(args), 12 * 8), 17);
	EXPECT_TRUE(!strcmp(out, "1234500000000000"));
}

static void pipe_drain(void)
{
	char buf[4096];

	while (kbpf_trace_pipe_read(buf, sizeof(buf)))
		;
}

static long tp(const char *fmt, u64 a, u64 b, u64 c)
{
	return (long)kbpf_trace_printk_proto.func(U(fmt), strlen(fmt) + 1,
						  a, b, c);
}

TEST(helper_trace_printk_pipe)
{
	char buf[4096], want[256], comm[TASK_COMM_LEN];
	unsigned long long sec, usec;
	u64 before, after, ts, lost;
	int pid, cpu, n;

	ASSERT_EQ(kbpf_trace_pipe_init(), 0);
	strcpy(current->comm, "tracer");
	kbpf_shim_set_cpu(3);
	before = ktime_get_mono_fast_ns() / 1000;
	EXPECT_EQ(tp("x=%d s=%s\n", 42, U("str"), 0), 11);
	after = ktime_get_mono_fast_ns() / 1000;
	EXPECT_TRUE(kbpf_trace_pipe_pending());
	n = kbpf_trace_pipe_read(buf, sizeof(buf));
	EXPECT_EQ(n, (int)strlen(buf));
	EXPECT_FALSE(kbpf_trace_pipe_pending());
	ASSERT_EQ(sscanf(buf, "%15s [%d] %llu.%llu:", comm, &cpu, &sec, &usec), 4);
	/* "<comm>-<pid>", right-aligned in 16 columns. */
	snprintf(want, sizeof(want), "%16s-%-7d [003] ", "tracer", gettid());
	EXPECT_TRUE(!strncmp(buf, want, strlen(want)));
	EXPECT_EQ(sscanf(buf + 17, "%d", &pid), 1);
	EXPECT_EQ(pid, gettid());
	EXPECT_EQ(cpu, 3);
	ts = sec * 1000000 + usec;
	EXPECT_TRUE(ts >= before && ts <= after);
	EXPECT_TRUE(strstr(buf, ": bpf_trace_printk: x=42 s=str\n") != NULL);
	EXPECT_EQ(buf[n - 1], '\n');
	EXPECT_EQ(kbpf_trace_pipe_read(buf, sizeof(buf)), 0);

	/* No newline in the message: the line gets one. */
	EXPECT_EQ(tp("no newline", 0, 0, 0), 10);
	n = kbpf_trace_pipe_read(buf, sizeof(buf));
	EXPECT_TRUE(n > 0 && !strcmp(buf + n - 12, ": no newline\n" + 1));

	/* A bad format: -EINVAL, nothing recorded. */
	EXPECT_EQ(tp("%d %d %d %d", 1, 2, 3), -EINVAL);
	EXPECT_EQ(tp("%q", 1, 2, 3), -EINVAL);
	EXPECT_EQ((long)kbpf_trace_printk_proto.func(U("abc"), 3, 0, 0, 0),
		  -EINVAL);		/* fmt_size excludes the NUL */
	EXPECT_FALSE(kbpf_trace_pipe_pending());

	/* Lines are read whole: a small buffer takes none, then all come. */
	EXPECT_EQ(tp("one", 0, 0, 0), 3);
	EXPECT_EQ(tp("two", 0, 0, 0), 3);
	EXPECT_EQ(kbpf_trace_pipe_read(buf, 20), 0);
	n = kbpf_trace_pipe_read(buf, sizeof(buf));
	EXPECT_TRUE(strstr(buf, "one\n") && strstr(buf, "two\n"));
	EXPECT_TRUE(strstr(buf, "one\n") < strstr(buf, "two\n"));

	/* Full: the oldest go, counted as lost. */
	lost = kbpf_trace_pipe_lost();
	for (n = 0; n < 130; n++)
		EXPECT_EQ(tp("msg %d", n, 0, 0), n < 10 ? 5 : n < 100 ? 6 : 7);
	EXPECT_EQ(kbpf_trace_pipe_lost() - lost, 2);
	n = kbpf_trace_pipe_read(buf, sizeof(buf));
	EXPECT_TRUE(strstr(buf, ": msg 2\n") != NULL);
	EXPECT_TRUE(strstr(buf, ": msg 1\n") == NULL);
	pipe_drain();
	EXPECT_FALSE(kbpf_trace_pipe_pending());
	kbpf_shim_set_cpu(0);
	kbpf_trace_pipe_exit();
}

/* A 1024-byte message is cut as Linux's buffer cuts it; the length is whole. */
TEST(helper_trace_printk_long_message)
{
	char big[1500], buf[4096];
	int n;

	ASSERT_EQ(kbpf_trace_pipe_init(), 0);
	memset(big, 'L', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	EXPECT_EQ(tp(big, 0, 0, 0), sizeof(big) - 1);
	n = kbpf_trace_pipe_read(buf, sizeof(buf));
	EXPECT_TRUE(n > 0);
	EXPECT_TRUE(strstr(buf, "bpf_trace_printk: ") != NULL);
	EXPECT_EQ(strlen(strstr(buf, "bpf_trace_printk: ") + 18),
		  KBPF_BPRINTF_BUF - 1 + 1);	/* 1023 bytes and "\n" */
	kbpf_trace_pipe_exit();
}
