// SPDX-License-Identifier: GPL-2.0
/*
 * helpers/task.c and helpers/probe.c called with kbpf's helper ABI. The
 * host's current task is the calling thread (the shim), so the expected
 * values come from the OS itself; bad addresses are real unmapped pages.
 */
#include <kbpf/kapi.h>
#include <kbpf/helpers.h>

#include <sys/mman.h>

#include "../../helpers/protos.h"
#include "ktest.h"

#define U(p)	((u64)(unsigned long)(p))

static u64 call(const struct kbpf_func_proto *p, u64 r1, u64 r2, u64 r3)
{
	return p->func(r1, r2, r3, 0, 0);
}

TEST(helper_current_pid_tgid_uid_gid)
{
	u64 v = call(&kbpf_get_current_pid_tgid_proto, 0, 0, 0);

	EXPECT_EQ(v >> 32, (u64)getpid());
	EXPECT_EQ((u32)v, (u32)gettid());
	v = call(&kbpf_get_current_uid_gid_proto, 0, 0, 0);
	EXPECT_EQ(v >> 32, (u64)getgid());
	EXPECT_EQ((u32)v, (u32)getuid());
	current->uid.val = 1234;
	current->gid.val = 0xfffffffe;
	v = call(&kbpf_get_current_uid_gid_proto, 0, 0, 0);
	EXPECT_EQ(v, 0xfffffffe000004d2ULL);
	current->uid.val = getuid();
	current->gid.val = getgid();
	EXPECT_EQ(call(&kbpf_get_current_task_proto, 0, 0, 0), U(current));
}

TEST(helper_current_comm)
{
	char saved[TASK_COMM_LEN], buf[32];

	memcpy(saved, current->comm, sizeof(saved));
	strcpy(current->comm, "kbpf-comm-test");
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(call(&kbpf_get_current_comm_proto, U(buf), sizeof(buf), 0), 0);
	EXPECT_TRUE(!strcmp(buf, "kbpf-comm-test"));
	/* Cut to the buffer, always NUL-terminated. */
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(call(&kbpf_get_current_comm_proto, U(buf), 5, 0), 0);
	EXPECT_TRUE(!memcmp(buf, "kbpf\0x", 6));
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ(call(&kbpf_get_current_comm_proto, U(buf), 1, 0), 0);
	EXPECT_EQ(buf[0], 0);
	EXPECT_EQ(buf[1], 'x');
	memcpy(current->comm, saved, sizeof(saved));
}

TEST(helper_current_cgroup_ids)
{
	struct cgroup root = { .level = 0, .id = 1 };
	struct cgroup mid = { .level = 1, .id = 77 };
	struct cgroup leaf = { .level = 2, .id = 4242 };
	struct css_set cset = { .dfl_cgrp = &leaf };
	struct css_set *saved = current->cgroups;
	const struct kbpf_func_proto *anc = &kbpf_get_current_ancestor_cgroup_id_proto;

	root.ancestors[0] = &root;
	mid.ancestors[0] = &root;
	mid.ancestors[1] = &mid;
	leaf.ancestors[0] = &root;
	leaf.ancestors[1] = &mid;
	leaf.ancestors[2] = &leaf;
	current->cgroups = &cset;
	EXPECT_EQ(call(&kbpf_get_current_cgroup_id_proto, 0, 0, 0), 4242);
	EXPECT_EQ(call(anc, 0, 0, 0), 1);
	EXPECT_EQ(call(anc, 1, 0, 0), 77);
	EXPECT_EQ(call(anc, 2, 0, 0), 4242);
	EXPECT_EQ(call(anc, 3, 0, 0), 0);
	/* The level is an int: -1 (and 2^32 - 1) is no ancestor. */
	EXPECT_EQ(call(anc, (u64)-1, 0, 0), 0);
	EXPECT_EQ(call(anc, 0xffffffffULL, 0, 0), 0);
	/* Only the low 32 bits count, as for Linux's int argument. */
	EXPECT_EQ(call(anc, 0x100000001ULL, 0, 0), 77);
	current->cgroups = saved;
	EXPECT_EQ(call(&kbpf_get_current_cgroup_id_proto, 0, 0, 0), 1);
}

/* Two pages, the second inaccessible: reads that run into it fault. */
static char *guarded_page(void)
{
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	BUG_ON(p == MAP_FAILED);
	BUG_ON(mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_NONE));
	return p;
}

static void unguard(char *p)
{
	munmap(p, 2 * PAGE_SIZE);
}

TEST(helper_probe_read_good_and_bad)
{
	const struct kbpf_func_proto *protos[] = { &kbpf_probe_read_kernel_proto,
						   &kbpf_probe_read_user_proto };
	char *page = guarded_page();
	char *end = page + PAGE_SIZE;
	char dst[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		const struct kbpf_func_proto *p = protos[i];

		memcpy(end - 16, "0123456789abcdef", 16);
		memset(dst, 'x', sizeof(dst));
		EXPECT_EQ(call(p, U(dst), 16, U(end - 16)), 0);
		EXPECT_TRUE(!memcmp(dst, "0123456789abcdef", 16));
		EXPECT_EQ(dst[16], 'x');
		/* Size 0 reads nothing, even from a bad address. */
		EXPECT_EQ(call(p, U(dst), 0, U(end)), 0);
		EXPECT_EQ(dst[0], '0');
		/* Running into the bad page: -EFAULT, dst zeroed whole. */
		memset(dst, 'x', sizeof(dst));
		EXPECT_EQ((long)call(p, U(dst), 17, U(end - 16)), -EFAULT);
		EXPECT_TRUE(!memchr_inv(dst, 0, 17));
		EXPECT_EQ(dst[17], 'x');
		memset(dst, 'x', sizeof(dst));
		EXPECT_EQ((long)call(p, U(dst), 8, 0), -EFAULT);
		EXPECT_TRUE(!memchr_inv(dst, 0, 8));
		EXPECT_EQ((long)call(p, U(dst), 8, U(end)), -EFAULT);
		EXPECT_EQ((long)call(p, U(dst), 8, 0xdead000000000000ULL),
			  -EFAULT);
	}
	unguard(page);
}

TEST(helper_probe_read_str)
{
	const struct kbpf_func_proto *protos[] = { &kbpf_probe_read_kernel_str_proto,
						   &kbpf_probe_read_user_str_proto };
	char *page = guarded_page();
	char *end = page + PAGE_SIZE;
	char dst[300], big[200];
	size_t i;

	memset(big, 'B', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		const struct kbpf_func_proto *p = protos[i];

		/* Returns the length with the NUL; nothing written past it. */
		memset(dst, 'x', sizeof(dst));
		EXPECT_EQ(call(p, U(dst), sizeof(dst), U("hello")), 6);
		EXPECT_TRUE(!memcmp(dst, "hello\0x", 7));
		/* Longer than the buffer: size - 1 bytes and a NUL, returns size. */
		memset(dst, 'x', sizeof(dst));
		EXPECT_EQ(call(p, U(dst), 4, U("hello")), 4);
		EXPECT_TRUE(!memcmp(dst, "hel\0x", 5));
		EXPECT_EQ(call(p, U(dst), 1, U("hello")), 1);
		EXPECT_EQ(dst[0], 0);
		EXPECT_EQ(call(p, U(dst), 0, U("hello")), 0);
		EXPECT_EQ(dst[0], 0);
		/* Over several pieces (> 64 bytes). */
		memset(dst, 'x', sizeof(dst));
		EXPECT_EQ(call(p, U(dst), sizeof(dst), U(big)), sizeof(big));
		EXPECT_TRUE(!strcmp(dst, big));
		EXPECT_EQ(dst[sizeof(big)], 'x');
		memset(dst, 'x', sizeof(dst));
		EXPECT_EQ(call(p, U(dst), 100, U(big)), 100);
		EXPECT_EQ(strlen(dst), 99);
		/* A string that ends right before the bad page is fine. */
		memcpy(end - 4, "abc", 4);
		EXPECT_EQ(call(p, U(dst), sizeof(dst), U(end - 4)), 4);
		EXPECT_TRUE(!strcmp(dst, "abc"));
		/* One that runs into it faults: -EFAULT, all of dst zeroed. */
		memcpy(end - 4, "abcd", 4);
		memset(dst, 'x', sizeof(dst));
		EXPECT_EQ((long)call(p, U(dst), 64, U(end - 4)), -EFAULT);
		EXPECT_TRUE(!memchr_inv(dst, 0, 64));
		EXPECT_EQ(dst[64], 'x');
		/* Unless the buffer ends first. */
		EXPECT_EQ(call(p, U(dst), 4, U(end - 4)), 4);
		EXPECT_TRUE(!strcmp(dst, "abc"));
		EXPECT_EQ((long)call(p, U(dst), 8, 0), -EFAULT);
	}
	unguard(page);
}

TEST(helper_probe_write_user)
{
	const struct kbpf_func_proto *p = &kbpf_probe_write_user_proto;
	char *page = guarded_page();
	char *end = page + PAGE_SIZE;

	EXPECT_EQ(call(p, U(end - 4), U("abcd"), 4), 0);
	EXPECT_TRUE(!memcmp(end - 4, "abcd", 4));
	EXPECT_EQ((long)call(p, U(end - 4), U("ABCDE"), 5), -EFAULT);
	EXPECT_EQ((long)call(p, 0, U("ABCDE"), 5), -EFAULT);
	/* Not from kernel threads or exiting tasks. */
	current->flags |= PF_KTHREAD;
	EXPECT_EQ((long)call(p, U(page), U("zz"), 2), -EPERM);
	current->flags &= ~PF_KTHREAD;
	current->flags |= PF_EXITING;
	EXPECT_EQ((long)call(p, U(page), U("zz"), 2), -EPERM);
	current->flags &= ~PF_EXITING;
	EXPECT_EQ(call(p, U(page), U("zz"), 2), 0);
	EXPECT_EQ(page[0], 'z');
	unguard(page);
}
