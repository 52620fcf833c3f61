// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_strtol() and bpf_strtoul() (helpers/strtox.c) against the results
 * Linux 6.1's __bpf_strtoull() gives (kernel/bpf/helpers.c, and the
 * helper documentation in include/uapi/linux/bpf.h): bytes consumed,
 * -EINVAL or -ERANGE, and *res 0 on any error.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include "ktest.h"

static s64 call(u32 func_id, const char *buf, u32 len, u64 flags, u64 *res)
{
	const struct kbpf_func_proto *p =
		kbpf_get_func_proto_caps(BPF_PROG_TYPE_CGROUP_SYSCTL, func_id, 0);
	/* Exactly len bytes, so ASan sees any read past them. */
	char *copy = malloc(len ? len : 1);
	s64 ret;

	if (!p || !copy) {
		free(copy);
		return -ENOENT;
	}
	memcpy(copy, buf, len);
	*res = 0xdeadbeefULL;
	ret = (s64)p->func((unsigned long)copy, len, flags,
			   (unsigned long)res, 0);
	free(copy);
	return ret;
}

static s64 strtoul_(const char *s, u64 flags, u64 *res)
{
	return call(BPF_FUNC_strtoul, s, strlen(s), flags, res);
}

static s64 strtol_(const char *s, u64 flags, s64 *res)
{
	return call(BPF_FUNC_strtol, s, strlen(s), flags, (u64 *)res);
}

TEST(helper_strtoul_bases)
{
	u64 r;

	EXPECT_EQ(strtoul_("600", 0, &r), 3);
	EXPECT_EQ(r, 600);
	EXPECT_EQ(strtoul_("  \t42xyz", 10, &r), 5);
	EXPECT_EQ(r, 42);
	EXPECT_EQ(strtoul_("0x1f", 0, &r), 4);
	EXPECT_EQ(r, 31);
	EXPECT_EQ(strtoul_("0X1F", 16, &r), 4);
	EXPECT_EQ(r, 31);
	EXPECT_EQ(strtoul_("1f", 16, &r), 2);
	EXPECT_EQ(r, 31);
	EXPECT_EQ(strtoul_("0755", 0, &r), 4);
	EXPECT_EQ(r, 0755);
	EXPECT_EQ(strtoul_("0755", 8, &r), 4);
	EXPECT_EQ(r, 0755);
	/* Base 0: "0x" without a hex digit is octal 0, then stops. */
	EXPECT_EQ(strtoul_("0x", 0, &r), 1);
	EXPECT_EQ(r, 0);
	EXPECT_EQ(strtoul_("0xg", 0, &r), 1);
	EXPECT_EQ(r, 0);
	EXPECT_EQ(strtoul_("089", 0, &r), 1);
	EXPECT_EQ(r, 0);
	EXPECT_EQ(strtoul_("089", 10, &r), 3);
	EXPECT_EQ(r, 89);
	EXPECT_EQ(strtoul_("19", 8, &r), 1);
	EXPECT_EQ(r, 1);
	/* Base 16 skips "0x" even with nothing after it. */
	EXPECT_EQ(strtoul_("0x", 16, &r), -EINVAL);
	EXPECT_EQ(r, 0);
	/* Linux's isspace() includes the Latin-1 no-break space. */
	EXPECT_EQ(strtoul_("\xa0" "5", 0, &r), 2);
	EXPECT_EQ(r, 5);
}

TEST(helper_strtoul_errors)
{
	u64 r;

	EXPECT_EQ(strtoul_("12", 2, &r), -EINVAL);	/* base 2 unsupported */
	EXPECT_EQ(strtoul_("12", 0x20 | 10, &r), -EINVAL);	/* unknown flag */
	EXPECT_EQ(strtoul_("12", 1ULL << 40, &r), -EINVAL);
	EXPECT_EQ(strtoul_("   ", 0, &r), -EINVAL);
	EXPECT_EQ(strtoul_("-", 0, &r), -EINVAL);
	EXPECT_EQ(strtoul_("- 5", 0, &r), -EINVAL);
	EXPECT_EQ(strtoul_("abc", 10, &r), -EINVAL);
	/* A negative number is parsed, then refused. */
	EXPECT_EQ(strtoul_("-1", 0, &r), -EINVAL);
	EXPECT_EQ(r, 0);
	EXPECT_EQ(strtoul_("18446744073709551615", 10, &r), 20);
	EXPECT_EQ(r, U64_MAX);
	EXPECT_EQ(strtoul_("0xffffffffffffffff", 0, &r), 18);
	EXPECT_EQ(r, U64_MAX);
	EXPECT_EQ(strtoul_("18446744073709551616", 10, &r), -ERANGE);
	EXPECT_EQ(r, 0);
	EXPECT_EQ(strtoul_("0x10000000000000000", 0, &r), -ERANGE);
	EXPECT_EQ(strtoul_("2000000000000000000000", 8, &r), -ERANGE);
	EXPECT_EQ(strtoul_("1777777777777777777777", 8, &r), 22);
	EXPECT_EQ(r, U64_MAX);
}

TEST(helper_strtol_sign_and_range)
{
	s64 r;

	EXPECT_EQ(strtol_("-1", 0, &r), 2);
	EXPECT_EQ(r, -1);
	EXPECT_EQ(strtol_(" -0x10", 0, &r), 6);
	EXPECT_EQ(r, -16);
	EXPECT_EQ(strtol_("-010", 0, &r), 4);
	EXPECT_EQ(r, -8);
	EXPECT_EQ(strtol_("-0", 10, &r), 2);
	EXPECT_EQ(r, 0);
	EXPECT_EQ(strtol_("9223372036854775807", 10, &r), 19);
	EXPECT_EQ(r, S64_MAX);
	EXPECT_EQ(strtol_("9223372036854775808", 10, &r), -ERANGE);
	EXPECT_EQ(r, 0);
	EXPECT_EQ(strtol_("-9223372036854775808", 10, &r), 20);
	EXPECT_EQ(r, S64_MIN);
	EXPECT_EQ(strtol_("-9223372036854775809", 10, &r), -ERANGE);
	EXPECT_EQ(strtol_("--1", 0, &r), -EINVAL);
	EXPECT_EQ(strtol_("+1", 0, &r), -EINVAL);
}

TEST(helper_strtox_reads_only_buf_len)
{
	char buf[80];
	u64 r;

	/* The length ends the string, and so does a NUL inside it. */
	EXPECT_EQ(call(BPF_FUNC_strtoul, "123", 2, 10, &r), 2);
	EXPECT_EQ(r, 12);
	EXPECT_EQ(call(BPF_FUNC_strtoul, "1\0" "2", 3, 10, &r), 1);
	EXPECT_EQ(r, 1);
	EXPECT_EQ(call(BPF_FUNC_strtoul, "0x1", 2, 0, &r), 1);	/* "0x" */
	EXPECT_EQ(r, 0);
	/* At most 63 bytes after the white space and sign are parsed. */
	memset(buf, '0', sizeof(buf));
	buf[63] = '7';
	EXPECT_EQ(call(BPF_FUNC_strtoul, buf, 64, 10, &r), 63);
	EXPECT_EQ(r, 0);
	/* " -" then 63 bytes "0...070", then "0000" unread. */
	buf[0] = ' ';
	buf[1] = '-';
	EXPECT_EQ(call(BPF_FUNC_strtol, buf, 70, 10, &r), 65);
	EXPECT_EQ(r, (u64)-70);
	buf[64] = '9';
	buf[65] = '8';	/* the 64th byte: not read */
	EXPECT_EQ(call(BPF_FUNC_strtol, buf, 70, 10, &r), 65);
	EXPECT_EQ(r, (u64)-79);
}

TEST(helper_strtox_offered_to_every_caller)
{
	/* In Linux 6.1.192's bpf_base_func_proto(), before any capability check. */
	EXPECT_NONNULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_SOCKET_FILTER,
						BPF_FUNC_strtol, 0));
	EXPECT_NONNULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_CGROUP_SYSCTL,
						BPF_FUNC_strtoul, 0));
	EXPECT_NONNULL(kbpf_get_func_proto_caps(BPF_PROG_TYPE_KPROBE,
						BPF_FUNC_strtoul, 0));
}
