// SPDX-License-Identifier: GPL-2.0
/*
 * PERF_EVENT_ARRAY and bpf_perf_event_output through kbpf's perf buffers
 * (KBPF_IOCTL_PERF_BUFFER, include/uapi/linux/kbpf.h): the buffer ioctl's
 * checks and mmap rules; the map's creation rules (also on Linux's bpf(2))
 * and element commands; a socket filter, pinned to CPU 0, writing samples
 * (its data and the first bytes of the packet) that a perf-style consumer
 * reads from the mmap'ed buffer after poll() says so; the helper's errors
 * (another CPU's buffer, an empty slot, an index past the end, unknown
 * flags) and PERF_RECORD_LOST after a full buffer.
 */
#define _GNU_SOURCE
#include <linux/kbpf.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define PEA	BPF_MAP_TYPE_PERF_EVENT_ARRAY
#define MAGIC	0x1122334455667788ULL

static unsigned char pkt[64];

static int perf_buffer(int cpu, __u32 pages, __u32 wakeup, __u32 flags)
{
	struct kbpf_perf_buffer_attr attr = { .cpu = cpu, .data_pages = pages,
					      .wakeup_events = wakeup,
					      .flags = flags };

	return ioctl(kbpf_dev_fd(), KBPF_IOCTL_PERF_BUFFER, &attr);
}

struct reader {
	int fd;
	struct perf_event_mmap_page *page;
	unsigned char *data;
	size_t len;
};

static bool reader_open(struct reader *r, int cpu, __u32 pages)
{
	r->len = (1 + pages) * kt_page_size();
	r->page = NULL;
	r->fd = perf_buffer(cpu, pages, 1, 0);
	if (r->fd < 0)
		return kt_whyf("KBPF_IOCTL_PERF_BUFFER: %s", kt_errname(errno));
	r->page = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->page == MAP_FAILED) {
		r->page = NULL;
		return kt_whyf("mmap: %s", kt_errname(errno));
	}
	r->data = (unsigned char *)r->page + r->page->data_offset;
	return true;
}

static void reader_close(struct reader *r)
{
	if (r->page)
		munmap(r->page, r->len);
	if (r->fd >= 0)
		close(r->fd);
}

/* The next record, whole, into buf; its type, 0 when there is none. */
static __u32 reader_next(struct reader *r, void *buf, size_t size)
{
	__u64 head = __atomic_load_n(&r->page->data_head, __ATOMIC_ACQUIRE);
	__u64 tail = r->page->data_tail, mask = r->page->data_size - 1;
	struct perf_event_header *h = buf;
	size_t i;

	if (head == tail)
		return 0;
	for (i = 0; i < sizeof(*h); i++)
		((unsigned char *)buf)[i] = r->data[(tail + i) & mask];
	if (h->size > size)
		return 0;
	for (i = 0; i < h->size; i++)
		((unsigned char *)buf)[i] = r->data[(tail + i) & mask];
	__atomic_store_n(&r->page->data_tail, tail + h->size, __ATOMIC_RELEASE);
	return h->type;
}

struct sample {
	struct perf_event_header header;
	__u32 size;
	unsigned char data[];
};

static void t_buffer_ioctl(void)
{
	size_t ps = kt_page_size();
	struct reader r = { .fd = -1 };
	void *p;
	bool ok;

	kt_expect_errno("perf_buffer_flags", perf_buffer(0, 1, 0, 1), EINVAL);
	kt_expect_errno("perf_buffer_cpu_negative", perf_buffer(-1, 1, 0, 0), EINVAL);
	kt_expect_errno("perf_buffer_cpu_impossible", perf_buffer(4096, 1, 0, 0),
			EINVAL);
	kt_expect_errno("perf_buffer_pages_0", perf_buffer(0, 0, 0, 0), EINVAL);
	kt_expect_errno("perf_buffer_pages_3", perf_buffer(0, 3, 0, 0), EINVAL);
	kt_expect_errno("perf_buffer_pages_too_many", perf_buffer(0, 4096, 0, 0),
			EINVAL);
	ok = reader_open(&r, 0, 2) &&
	     kt_check_u64(r.page->data_offset, ps, "data_offset") &&
	     kt_check_u64(r.page->data_size, 2 * ps, "data_size") &&
	     kt_check_u64(r.page->data_head, 0, "data_head") &&
	     kt_check_u64(r.page->data_tail, 0, "data_tail");
	kt_verdict("perf_buffer_mmap_layout", ok);
	p = mmap(NULL, 2 * ps, PROT_READ, MAP_SHARED, r.fd, 0);
	kt_verdict("perf_buffer_mmap_short", kt_check_errno(p == MAP_FAILED ? -1 : 0,
							    EINVAL, "mmap"));
	if (p != MAP_FAILED)
		munmap(p, 2 * ps);
	p = mmap(NULL, 3 * ps, PROT_READ, MAP_PRIVATE, r.fd, 0);
	kt_verdict("perf_buffer_mmap_private",
		   kt_check_errno(p == MAP_FAILED ? -1 : 0, EINVAL, "mmap"));
	if (p != MAP_FAILED)
		munmap(p, 3 * ps);
	reader_close(&r);
}

static bool create_is(const struct kt_be *be, const char *what, __u32 key,
		      __u32 value, __u32 max, __u32 flags, int want)
{
	int fd = be_map_create(be, PEA, key, value, max, flags);
	bool ok = want ? kt_check_errno(fd, want, what) : kt_check_ok(fd, what);

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_create(const struct kt_be *be)
{
	return create_is(be, "ok", 4, 4, 4, 0, 0) &&
	       create_is(be, "preserve_elems", 4, 4, 4, BPF_F_PRESERVE_ELEMS, 0) &&
	       create_is(be, "value 8", 4, 8, 4, 0, EINVAL) &&
	       create_is(be, "key 8", 8, 4, 4, 0, EINVAL) &&
	       create_is(be, "max_entries 0", 4, 4, 0, 0, EINVAL) &&
	       create_is(be, "rdonly_prog", 4, 4, 4, BPF_F_RDONLY_PROG, EINVAL) &&
	       create_is(be, "mmapable", 4, 4, 4, BPF_F_MMAPABLE, EINVAL) &&
	       create_is(be, "no_prealloc", 4, 4, 4, BPF_F_NO_PREALLOC, EINVAL);
}

/* What needs no perf buffer, so Linux can answer the same. */
static bool c_elem_errors(const struct kt_be *be)
{
	int map = be_map_create(be, PEA, 4, 4, 2, 0);
	int other = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	__u32 key = 0, val = (__u32)other, next = 9;
	bool ok;

	ok = kt_check_ok(map, "MAP_CREATE") && kt_check_ok(other, "array") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, &val,
				    BPF_NOEXIST), EINVAL, "update BPF_NOEXIST") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, &val,
				    BPF_ANY), EBADF, "update with a map fd") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, &next, 0),
			    KT_ENOTSUPP, "lookup") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, map, &key, NULL, 0),
			    ENOENT, "delete empty") &&
	     kt_check_ok(be_next_key(be, map, NULL, &next), "first key") &&
	     kt_check_u64(next, 0, "first key") &&
	     kt_check_ok(be_next_key(be, map, &next, &next), "next key") &&
	     kt_check_u64(next, 1, "next key") &&
	     kt_check_errno(be_next_key(be, map, &next, &next), ENOENT, "last");
	key = 2;
	ok = ok && kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key,
					  &val, BPF_ANY), E2BIG, "update past the end") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, map, &key, NULL, 0),
			    E2BIG, "delete past the end");
	if (map >= 0)
		close(map);
	if (other >= 0)
		close(other);
	return ok;
}

static void t_map_cmds(void)
{
	int map = kt_map_create(PEA, 4, 4, 2, 0);
	int other = kt_array_create(4, 1, 0);
	int pb = perf_buffer(0, 1, 0, 0);
	__u32 key = 0, val = (__u32)pb, next = 9;
	bool ok;

	ok = kt_check_ok(map, "MAP_CREATE") && kt_check_ok(pb, "perf buffer") &&
	     kt_check_errno(kt_map_update(map, &key, &val, BPF_NOEXIST), EINVAL,
			    "update BPF_NOEXIST") &&
	     kt_check_ok(kt_map_update(map, &key, &val, BPF_ANY), "update") &&
	     kt_check_ok(kt_map_update(map, &key, &val, BPF_ANY), "update again") &&
	     kt_check_errno(kt_map_lookup(map, &key, &next, 0), KT_ENOTSUPP,
			    "lookup") &&
	     kt_check_ok(kt_map_next_key(map, NULL, &next), "first key") &&
	     kt_check_u64(next, 0, "first key") &&
	     kt_check_ok(kt_map_delete(map, &key), "delete") &&
	     kt_check_errno(kt_map_delete(map, &key), ENOENT, "delete again");
	key = 2;
	ok = ok && kt_check_errno(kt_map_update(map, &key, &val, BPF_ANY), E2BIG,
				  "update past the end") &&
	     kt_check_errno(kt_map_delete(map, &key), E2BIG, "delete past the end");
	key = 0;
	val = (__u32)other;
	ok = ok && kt_check_errno(kt_map_update(map, &key, &val, BPF_ANY), EBADF,
				  "update with a map fd");
	val = 999;
	ok = ok && kt_check_errno(kt_map_update(map, &key, &val, BPF_ANY), EBADF,
				  "update with a closed fd");
	kt_verdict("perf_event_array_elem_cmds", ok);
	if (map >= 0)
		close(map);
	if (other >= 0)
		close(other);
	if (pb >= 0)
		close(pb);
}

/*
 * Closing a map fd drops the buffers stored through its file (another fd
 * of the map, from MAP_GET_FD_BY_ID, is another file), as Linux's
 * perf_event_fd_array_release(); BPF_F_PRESERVE_ELEMS keeps them all.
 */
static void t_release_on_close(const char *name, __u32 flags)
{
	int a = kt_map_create(PEA, 4, 4, 2, flags), b = -1;
	int pb = perf_buffer(0, 1, 0, 0);
	__u32 key, val = (__u32)pb;
	bool keep = flags & BPF_F_PRESERVE_ELEMS, ok;

	ok = kt_check_ok(a, "MAP_CREATE") && kt_check_ok(pb, "perf buffer");
	if (ok)
		b = (int)kt_map_fd_by_id(kt_map_id(a), 0);
	key = 0;
	ok = ok && kt_check_ok(b, "MAP_GET_FD_BY_ID") &&
	     kt_check_ok(kt_map_update(a, &key, &val, BPF_ANY), "update via fd a");
	key = 1;
	ok = ok && kt_check_ok(kt_map_update(b, &key, &val, BPF_ANY),
			       "update via fd b");
	if (a >= 0)
		close(a);
	key = 0;
	ok = ok && (keep ? kt_check_ok(kt_map_delete(b, &key),
				       "a's buffer kept after closing a") :
		    kt_check_errno(kt_map_delete(b, &key), ENOENT,
				   "a's buffer gone after closing a"));
	key = 1;
	ok = ok && kt_check_ok(kt_map_delete(b, &key), "b's buffer after closing a");
	kt_verdict(name, ok);
	if (b >= 0)
		close(b);
	if (pb >= 0)
		close(pb);
}

/*
 * bpf_perf_event_output(ctx, map, flags, fp-8 = MAGIC, 8), flags a 64-bit
 * constant; returns the helper's result.
 */
static long load_output(int map, __u64 flags)
{
	struct bpf_insn prog[] = {
		KT_MOV64_REG(6, 1),
		KT_INSN(BPF_LD | BPF_DW | BPF_IMM, 1, 0, 0, (__s32)MAGIC),
		KT_INSN(0, 0, 0, 0, (__s32)(MAGIC >> 32)),
		KT_STX(BPF_DW, 10, 1, -8),
		KT_MOV64_REG(1, 6),
		KT_LD_MAP_FD(2, map),
		KT_INSN(BPF_LD | BPF_DW | BPF_IMM, 3, 0, 0, (__s32)flags),
		KT_INSN(0, 0, 0, 0, (__s32)(flags >> 32)),
		KT_MOV64_REG(4, 10),
		KT_ALU64_IMM(BPF_ADD, 4, -8),
		KT_MOV64_IMM(5, 8),
		KT_CALL(BPF_FUNC_perf_event_output),
		KT_EXIT(),
	};
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = prog, .cnt = KT_ARRAY_SIZE(prog) };

	return kt_prog_load(&l);
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

static bool run_is(int fd, int want, const char *what)
{
	__u32 retval = 0xdead;

	return kt_check_ok(run(fd, &retval), what) &&
	       kt_check_u64(retval, (__u32)want, what);
}

static void t_output(void)
{
	int ncpus = kt_possible_cpus();
	int map = kt_map_create(PEA, 4, 4, 4, 0);
	struct reader r0 = { .fd = -1 }, r1 = { .fd = -1 };
	unsigned char buf[256];
	struct sample *s = (struct sample *)buf;
	struct pollfd pfd;
	__u32 key, val;
	long fd = -1, bad = -1;
	int i, n;
	bool ok;

	ok = kt_check_ok(map, "MAP_CREATE") && reader_open(&r0, 0, 1);
	key = 0;
	val = (__u32)r0.fd;
	ok = ok && kt_check_ok(kt_map_update(map, &key, &val, BPF_ANY), "update") &&
	     /* 14 bytes of the packet after the 8 bytes of data. */
	     kt_check_ok(fd = load_output(map, BPF_F_CURRENT_CPU | (14ULL << 32)),
			 "PROG_LOAD");
	pfd.fd = r0.fd;
	pfd.events = POLLIN;
	ok = ok && kt_check_u64(poll(&pfd, 1, 0), 0, "poll before") &&
	     run_is((int)fd, 0, "output") &&
	     kt_check_u64(poll(&pfd, 1, 1000), 1, "poll after") &&
	     kt_check_u64(reader_next(&r0, buf, sizeof(buf)), PERF_RECORD_SAMPLE,
			  "a sample") &&
	     kt_check_u64(s->size, 28, "raw size (22 bytes, padded)") &&
	     kt_check_u64(s->header.size, 8 + 4 + 28, "record size") &&
	     kt_check_mem(s->data, &(__u64){ MAGIC }, 8, "data") &&
	     kt_check_mem(s->data + 8, pkt + 14, 14,
			  "packet bytes (a socket filter's skb starts past Ethernet)") &&
	     kt_check_u64(reader_next(&r0, buf, sizeof(buf)), 0, "nothing more");
	kt_verdict("perf_event_output_consumed", ok);
	if (fd >= 0)
		close((int)fd);

	/* 24-byte records in a page: full after 170, then LOST. */
	fd = load_output(map, 0);
	ok = kt_check_ok(fd, "PROG_LOAD");
	for (n = 0; ok && n < 170; n++)
		ok = run_is((int)fd, 0, "output while there is room");
	ok = ok && run_is((int)fd, -ENOSPC, "output when full") &&
	     run_is((int)fd, -ENOSPC, "output when full");
	for (i = 0; ok && i < n; i++)
		ok = kt_check_u64(reader_next(&r0, buf, sizeof(buf)),
				  PERF_RECORD_SAMPLE, "sample");
	ok = ok && run_is((int)fd, 0, "output after reading") &&
	     kt_check_u64(reader_next(&r0, buf, sizeof(buf)), PERF_RECORD_LOST,
			  "lost record") &&
	     kt_check_u64(((__u64 *)buf)[2], 2, "two lost") &&
	     kt_check_u64(reader_next(&r0, buf, sizeof(buf)), PERF_RECORD_SAMPLE,
			  "then the sample") &&
	     kt_check_mem(s->data, &(__u64){ MAGIC }, 8, "data");
	kt_verdict("perf_event_output_full_lost", ok);
	if (fd >= 0)
		close((int)fd);

	ok = true;
	if (ncpus > 1) {
		ok = reader_open(&r1, 1, 1);
		key = 1;
		val = (__u32)r1.fd;
		ok = ok && kt_check_ok(kt_map_update(map, &key, &val, BPF_ANY),
				       "update") &&
		     kt_check_ok(bad = load_output(map, 1), "PROG_LOAD") &&
		     run_is((int)bad, -EOPNOTSUPP, "CPU 1's buffer from CPU 0");
		if (bad >= 0)
			close((int)bad);
	}
	bad = load_output(map, 2);
	ok = ok && run_is((int)bad, -ENOENT, "empty slot");
	if (bad >= 0)
		close((int)bad);
	bad = load_output(map, 4);
	ok = ok && run_is((int)bad, -E2BIG, "index past the end");
	if (bad >= 0)
		close((int)bad);
	bad = load_output(map, 100ULL << 32);
	ok = ok && run_is((int)bad, -EFAULT, "more packet bytes than the packet");
	if (bad >= 0)
		close((int)bad);
	bad = load_output(map, 1ULL << 52 | 1ULL << 62);
	ok = ok && run_is((int)bad, -EINVAL, "unknown flags");
	if (bad >= 0)
		close((int)bad);
	kt_verdict("perf_event_output_errors", ok);
	reader_close(&r0);
	reader_close(&r1);
	if (map >= 0)
		close(map);
}

int main(int argc, char **argv)
{
	cpu_set_t set;
	size_t i;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)(i + 1);
	pkt[12] = 0x08;
	pkt[13] = 0;
	t_buffer_ioctl();
	kt_dual("perf_event_array_create", c_create, kt_linux_bpf_usable());
	kt_dual("perf_event_array_elem_errors", c_elem_errors,
		kt_linux_bpf_usable());
	t_map_cmds();
	t_release_on_close("perf_event_array_release_on_close", 0);
	t_release_on_close("perf_event_array_preserve_elems", BPF_F_PRESERVE_ELEMS);
	if (!kt_verifier_present()) {
		kt_skip("programs", "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return kt_done();
	}
	/* The program must run on CPU 0, where its buffer belongs. */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		kt_skip("programs", "cannot pin to CPU 0: %s", kt_errname(errno));
		return kt_done();
	}
	t_output();
	return kt_done();
}
