// SPDX-License-Identifier: GPL-2.0
/*
 * The ringbuf helpers from loaded programs: bpf_ringbuf_output,
 * bpf_ringbuf_reserve + submit/discard and bpf_ringbuf_query, run with
 * BPF_PROG_TEST_RUN, their records read back by a consumer on the mmap'ed
 * ring written like libbpf's ring_buffer__consume(); poll readiness after
 * a submit; -EAGAIN from a full ring; and the verifier's refusals: a
 * reservation never submitted (Linux's "Unreleased reference"), a size
 * that is not a constant, a ringbuf helper on another map type.
 */
#include <linux/if_ether.h>
#include <linux/kbpf.h>
#include <poll.h>
#include <sys/mman.h>

#include "kt_prog.h"

#define RB		4096
#define HDR_SZ		8
#define VAL_A		0x1122334455667788ULL
#define VAL_B		0x0badc0ffee0ddf00ULL

static unsigned char pkt[64];

struct ring {
	int fd;
	unsigned long *cons;	/* page 0, writable */
	unsigned long *prod;	/* page 1 */
	unsigned char *data;	/* the data pages, twice */
};

static bool ring_open(struct ring *r)
{
	size_t ps = kt_page_size();
	void *c, *p;

	r->fd = kt_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB, 0);
	if (r->fd < 0)
		return kt_whyf("MAP_CREATE: %s", kt_errname(errno));
	c = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	p = mmap(NULL, ps + 2 * RB, PROT_READ, MAP_SHARED, r->fd, ps);
	if (c == MAP_FAILED || p == MAP_FAILED)
		return kt_whyf("mmap: %s", kt_errname(errno));
	r->cons = c;
	r->prod = p;
	r->data = (unsigned char *)p + ps;
	return true;
}

static void ring_close(struct ring *r)
{
	size_t ps = kt_page_size();

	if (r->cons)
		munmap(r->cons, ps);
	if (r->prod)
		munmap(r->prod, ps + 2 * RB);
	if (r->fd >= 0)
		close(r->fd);
}

/*
 * The next record: 1 and its sample copied to buf, 2 for a discarded one,
 * 0 when there is none (or the next is still busy).
 */
static int ring_consume(struct ring *r, void *buf, __u32 *len)
{
	unsigned long cons = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE);
	unsigned long prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
	__u32 *hdr, l;

	if (cons >= prod)
		return 0;
	hdr = (__u32 *)(r->data + (cons & (RB - 1)));
	l = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
	if (l & BPF_RINGBUF_BUSY_BIT)
		return 0;
	*len = l & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
	if (!(l & BPF_RINGBUF_DISCARD_BIT))
		memcpy(buf, (unsigned char *)hdr + HDR_SZ, *len);
	__atomic_store_n(r->cons, cons + ((*len + HDR_SZ + 7) & ~7UL),
			 __ATOMIC_RELEASE);
	return l & BPF_RINGBUF_DISCARD_BIT ? 2 : 1;
}

static long run(int fd, __u32 *retval)
{
	union bpf_attr attr;
	long ret;

	kt_attr_zero(&attr);
	attr.test.prog_fd = (__u32)fd;
	attr.test.data_in = kt_ptr(pkt);
	attr.test.data_size_in = sizeof(pkt);
	ret = kt_bpf(BPF_PROG_TEST_RUN, &attr);
	*retval = attr.test.retval;
	return ret;
}

static long load(const struct bpf_insn *insns, __u32 cnt, char *log,
		 __u32 log_size)
{
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = insns, .cnt = cnt, .log = log,
			     .log_size = log_size, .log_level = log ? 1 : 0 };

	return kt_prog_load(&l);
}

/* Two u64s from the stack through bpf_ringbuf_output(map, fp-16, 16, flags). */
static long load_output(int map, int flags)
{
	struct bpf_insn insns[] = {
		KT_INSN(BPF_LD | BPF_DW | BPF_IMM, 1, 0, 0, (__s32)VAL_A),
		KT_INSN(0, 0, 0, 0, (__s32)(VAL_A >> 32)),
		KT_STX(BPF_DW, 10, 1, -16),
		KT_INSN(BPF_LD | BPF_DW | BPF_IMM, 1, 0, 0, (__s32)VAL_B),
		KT_INSN(0, 0, 0, 0, (__s32)(VAL_B >> 32)),
		KT_STX(BPF_DW, 10, 1, -8),
		KT_LD_MAP_FD(1, map),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -16),
		KT_MOV64_IMM(3, 16),
		KT_MOV64_IMM(4, flags),
		KT_CALL(BPF_FUNC_ringbuf_output),
		KT_EXIT(),
	};

	return load(insns, KT_ARRAY_SIZE(insns), NULL, 0);
}

/* Reserve 8 bytes, write VAL_A, then submit or discard; 1 if reserve failed. */
static long load_reserve(int map, int commit_fn)
{
	struct bpf_insn insns[] = {
		KT_LD_MAP_FD(1, map),
		KT_MOV64_IMM(2, 8),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_ringbuf_reserve),
		KT_JEQ_IMM(0, 0, 8),
		KT_INSN(BPF_LD | BPF_DW | BPF_IMM, 1, 0, 0, (__s32)VAL_A),
		KT_INSN(0, 0, 0, 0, (__s32)(VAL_A >> 32)),
		KT_STX(BPF_DW, 0, 1, 0),
		KT_MOV64_REG(1, 0),
		KT_MOV64_IMM(2, 0),
		KT_CALL(commit_fn),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};

	return load(insns, KT_ARRAY_SIZE(insns), NULL, 0);
}

static void t_output(void)
{
	struct ring r = { .fd = -1 };
	__u64 buf[4] = { 0 };
	__u32 retval = 99, len = 0;
	struct pollfd pfd;
	long fd = -1;
	bool ok;

	ok = ring_open(&r) &&
	     kt_check_ok(fd = load_output(r.fd, 0), "PROG_LOAD");
	pfd.fd = r.fd;
	pfd.events = POLLIN;
	ok = ok && kt_check_u64(poll(&pfd, 1, 0), 0, "poll before the run") &&
	     kt_check_ok(run((int)fd, &retval), "TEST_RUN") &&
	     kt_check_u64(retval, 0, "ringbuf_output returned 0") &&
	     kt_check_u64(*r.prod, 16 + HDR_SZ, "producer position") &&
	     kt_check_u64(poll(&pfd, 1, 1000), 1, "poll after the run") &&
	     kt_check_u64(ring_consume(&r, buf, &len), 1, "one record") &&
	     kt_check_u64(len, 16, "record length") &&
	     kt_check_u64(buf[0], VAL_A, "first u64") &&
	     kt_check_u64(buf[1], VAL_B, "second u64") &&
	     kt_check_u64(ring_consume(&r, buf, &len), 0, "no second record");
	kt_verdict("ringbuf_output_consumed", ok);
	if (fd >= 0)
		close((int)fd);

	/* Unknown flags: -EINVAL, nothing written. */
	fd = load_output(r.fd, 4);
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(run((int)fd, &retval), "TEST_RUN") &&
	     kt_check_u64(retval, (__u32)-EINVAL, "retval") &&
	     kt_check_u64(ring_consume(&r, buf, &len), 0, "no record");
	kt_verdict("ringbuf_output_bad_flags", ok);
	if (fd >= 0)
		close((int)fd);

	/* 24 bytes per record in a 4096-byte ring: full after 170. */
	fd = load_output(r.fd, BPF_RB_NO_WAKEUP);
	ok = kt_check_ok(fd, "PROG_LOAD");
	for (len = 0; ok && len < 170; len++)
		ok = kt_check_ok(run((int)fd, &retval), "TEST_RUN") &&
		     kt_check_u64(retval, 0, "retval while there is room");
	ok = ok && kt_check_ok(run((int)fd, &retval), "TEST_RUN") &&
	     kt_check_u64(retval, (__u32)-EAGAIN, "retval when full");
	for (len = 0; ok && len < 170; len++) {
		__u32 l;

		ok = kt_check_u64(ring_consume(&r, buf, &l), 1, "record") &&
		     kt_check_u64(buf[1], VAL_B, "sample");
	}
	ok = ok && kt_check_ok(run((int)fd, &retval), "TEST_RUN") &&
	     kt_check_u64(retval, 0, "retval after consuming (wrapped)") &&
	     kt_check_u64(ring_consume(&r, buf, &len), 1, "wrapped record") &&
	     kt_check_u64(buf[0], VAL_A, "wrapped sample");
	kt_verdict("ringbuf_output_full_eagain", ok);
	if (fd >= 0)
		close((int)fd);
	ring_close(&r);
}

static void t_reserve(void)
{
	struct ring r = { .fd = -1 };
	__u64 buf[2] = { 0 };
	__u32 retval = 99, len = 0;
	long fd = -1, fd2 = -1;
	bool ok;

	ok = ring_open(&r) &&
	     kt_check_ok(fd = load_reserve(r.fd, BPF_FUNC_ringbuf_submit),
			 "PROG_LOAD submit") &&
	     kt_check_ok(fd2 = load_reserve(r.fd, BPF_FUNC_ringbuf_discard),
			 "PROG_LOAD discard") &&
	     kt_check_ok(run((int)fd, &retval), "TEST_RUN submit") &&
	     kt_check_u64(retval, 0, "reserve succeeded") &&
	     kt_check_ok(run((int)fd2, &retval), "TEST_RUN discard") &&
	     kt_check_u64(retval, 0, "reserve succeeded") &&
	     kt_check_ok(run((int)fd, &retval), "TEST_RUN submit") &&
	     kt_check_u64(ring_consume(&r, buf, &len), 1, "submitted") &&
	     kt_check_u64(len, 8, "length") &&
	     kt_check_u64(buf[0], VAL_A, "sample") &&
	     kt_check_u64(ring_consume(&r, buf, &len), 2, "discarded") &&
	     kt_check_u64(len, 8, "discarded length") &&
	     kt_check_u64(ring_consume(&r, buf, &len), 1, "submitted again");
	kt_verdict("ringbuf_reserve_submit_discard", ok);
	if (fd >= 0)
		close((int)fd);
	if (fd2 >= 0)
		close((int)fd2);
	ring_close(&r);
}

static void t_query(void)
{
	struct ring r = { .fd = -1 };
	__u32 retval = 0;
	long fd = -1, out = -1;
	bool ok;

	if (!ring_open(&r)) {
		kt_fail("ringbuf_query", "ring");
		return;
	}
	{
		struct bpf_insn insns[] = {
			KT_LD_MAP_FD(1, r.fd),
			KT_MOV64_IMM(2, BPF_RB_RING_SIZE),
			KT_CALL(BPF_FUNC_ringbuf_query),
			KT_MOV64_REG(6, 0),
			KT_LD_MAP_FD(1, r.fd),
			KT_MOV64_IMM(2, BPF_RB_AVAIL_DATA),
			KT_CALL(BPF_FUNC_ringbuf_query),
			KT_ALU64_IMM(BPF_LSH, 0, 16),
			KT_INSN(BPF_ALU64 | BPF_OR | BPF_X, 0, 6, 0, 0),
			KT_EXIT(),
		};

		fd = load(insns, KT_ARRAY_SIZE(insns), NULL, 0);
	}
	out = load_output(r.fd, 0);
	ok = kt_check_ok(fd, "PROG_LOAD") && kt_check_ok(out, "PROG_LOAD") &&
	     kt_check_ok(run((int)fd, &retval), "TEST_RUN") &&
	     kt_check_u64(retval, RB, "ring size, nothing available") &&
	     kt_check_ok(run((int)out, &retval), "TEST_RUN output") &&
	     kt_check_ok(run((int)fd, &retval), "TEST_RUN") &&
	     kt_check_u64(retval, RB | (16 + HDR_SZ) << 16,
			  "ring size and one record available");
	kt_verdict("ringbuf_query", ok);
	if (fd >= 0)
		close((int)fd);
	if (out >= 0)
		close((int)out);
	ring_close(&r);
}

static void expect_reject(const char *name, const struct bpf_insn *insns,
			  __u32 cnt, int want, const char *msg)
{
	static char log[16384];
	long fd;

	log[0] = 0;
	fd = load(insns, cnt, log, sizeof(log));
	kt_verdict(name, kt_check_errno(fd, want, "PROG_LOAD") &&
		   (strstr(log, msg) || kt_whyf("log lacks \"%s\": %s", msg, log)));
	if (fd >= 0)
		close((int)fd);
}

static void t_verifier(void)
{
	int rb = kt_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RB, 0);
	int arr = kt_array_create(8, 1, 0);
	struct bpf_insn leak[] = {
		KT_LD_MAP_FD(1, rb),
		KT_MOV64_IMM(2, 8),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_ringbuf_reserve),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	/* Submitted on one branch only. */
	struct bpf_insn leak_branch[] = {
		KT_LD_MAP_FD(1, rb),
		KT_MOV64_IMM(2, 8),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_ringbuf_reserve),
		KT_JEQ_IMM(0, 0, 5),
		KT_LDX(BPF_W, 2, 0, 0),
		KT_JEQ_IMM(2, 7, 3),
		KT_MOV64_REG(1, 0),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_ringbuf_submit),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct bpf_insn unknown_size[] = {
		KT_MOV64_REG(6, 1),
		KT_LD_MAP_FD(1, rb),
		KT_LDX(BPF_W, 2, 6, 0),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_ringbuf_reserve),
		KT_JEQ_IMM(0, 0, 3),
		KT_MOV64_REG(1, 0),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_ringbuf_discard),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct bpf_insn wrong_map[] = {
		KT_LD_MAP_FD(1, arr),
		KT_MOV64_IMM(2, BPF_RB_RING_SIZE),
		KT_CALL(BPF_FUNC_ringbuf_query),
		KT_EXIT(),
	};
	struct bpf_insn no_null_check[] = {
		KT_LD_MAP_FD(1, rb),
		KT_MOV64_IMM(2, 8),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_ringbuf_reserve),
		KT_ST(BPF_DW, 0, 0, 1),
		KT_MOV64_REG(1, 0),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_ringbuf_submit),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct bpf_insn past_end[] = {
		KT_LD_MAP_FD(1, rb),
		KT_MOV64_IMM(2, 8),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_ringbuf_reserve),
		KT_JEQ_IMM(0, 0, 4),
		KT_ST(BPF_DW, 0, 4, 1),
		KT_MOV64_REG(1, 0),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_ringbuf_submit),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	struct bpf_insn double_submit[] = {
		KT_LD_MAP_FD(1, rb),
		KT_MOV64_IMM(2, 8),
		KT_MOV64_IMM(3, 0),
		KT_CALL(BPF_FUNC_ringbuf_reserve),
		KT_JEQ_IMM(0, 0, 7),
		KT_MOV64_REG(6, 0),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_ringbuf_submit),
		KT_MOV64_REG(1, 6),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_ringbuf_submit),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};

	expect_reject("verifier_reserve_leak", leak, KT_ARRAY_SIZE(leak),
		      EINVAL, "Unreleased reference id=");
	expect_reject("verifier_reserve_leak_on_a_branch", leak_branch,
		      KT_ARRAY_SIZE(leak_branch), EINVAL, "Unreleased reference id=");
	expect_reject("verifier_reserve_size_not_constant", unknown_size,
		      KT_ARRAY_SIZE(unknown_size), EACCES,
		      "R2 is not a known constant'");
	expect_reject("verifier_ringbuf_on_array", wrong_map,
		      KT_ARRAY_SIZE(wrong_map), EINVAL,
		      "cannot pass map_type 2 into func bpf_ringbuf_query#134");
	expect_reject("verifier_reserve_no_null_check", no_null_check,
		      KT_ARRAY_SIZE(no_null_check), EACCES,
		      "R0 invalid mem access 'alloc_mem_or_null'");
	expect_reject("verifier_reserve_write_past_end", past_end,
		      KT_ARRAY_SIZE(past_end), EACCES,
		      "invalid access to memory, mem_size=8 off=4 size=8");
	expect_reject("verifier_double_submit", double_submit,
		      KT_ARRAY_SIZE(double_submit), EACCES,
		      "R1 type=scalar expected=alloc_mem");
	if (rb >= 0)
		close(rb);
	if (arr >= 0)
		close(arr);
}

int main(int argc, char **argv)
{
	size_t i;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	if (!kt_verifier_present()) {
		kt_skip("all", "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return kt_done();
	}
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)i;
	pkt[12] = 0x08;
	t_output();
	t_reserve();
	t_query();
	t_verifier();
	return kt_done();
}
