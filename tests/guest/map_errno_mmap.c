// SPDX-License-Identifier: GPL-2.0
/*
 * mmap() of map fds, every case on kbpf and again on Linux's bpf(2)
 * (kt_dual.h): BPF_F_MMAPABLE arrays (their value layout, the size and
 * offset limits, MAP_PRIVATE, maps that cannot be mapped, frozen and
 * BPF_F_RDONLY_PROG maps, fds opened read-only or write-only, mprotect)
 * and the ring buffer's layout (the writable consumer page alone, the
 * read-only producer page and data pages mapped twice, a record written by
 * bpf_ringbuf_output() read through the mapping). Linux 6.1's
 * bpf_map_mmap(), array_map_mmap() and ringbuf_map_mmap_kern().
 */
#include "kt_dual.h"

#define PAGE	4096u
#define VSIZE	12	/* elements are 16 bytes apart: round_up(12, 8) */
#define ELEM	16
#define NELEMS	512	/* two pages of elements */
#define RB_DATA	(4 * PAGE)

static void *map_area(int fd, size_t len, int prot, int flags, off_t off)
{
	return mmap(NULL, len, prot, flags, fd, off);
}

/* mmap must fail with err. */
static bool mmap_fails(int fd, size_t len, int prot, int flags, off_t off,
		       int err, const char *what)
{
	void *p = map_area(fd, len, prot, flags, off);

	if (p != MAP_FAILED)
		munmap(p, len);
	return kt_check_errno(p == MAP_FAILED ? -1 : 0, err, what);
}

static bool mmap_works(int fd, size_t len, int prot, off_t off,
		       const char *what)
{
	void *p = map_area(fd, len, prot, MAP_SHARED, off);

	if (p == MAP_FAILED)
		return kt_check_ok(-1, what);
	munmap(p, len);
	return true;
}

static int array_create(const struct kt_be *be, __u32 flags)
{
	return be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, VSIZE, NELEMS, flags);
}

static bool done(int fd, bool ok)
{
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_array_limits(const struct kt_be *be)
{
	int fd = array_create(be, BPF_F_MMAPABLE);
	const int rw = PROT_READ | PROT_WRITE;
	bool ok = kt_check_ok(fd, "MAP_CREATE");

	ok = ok && mmap_works(fd, 2 * PAGE, rw, 0, "whole") &&
	     mmap_works(fd, PAGE, rw, PAGE, "second page") &&
	     mmap_fails(fd, 3 * PAGE, rw, MAP_SHARED, 0, EINVAL, "a page too many") &&
	     mmap_fails(fd, PAGE, rw, MAP_SHARED, 2 * PAGE, EINVAL, "past the end") &&
	     mmap_fails(fd, PAGE, PROT_READ, MAP_PRIVATE, 0, EINVAL, "MAP_PRIVATE");
	return done(fd, ok);
}

/* Element i at i * round_up(value_size, 8), both ways. */
static bool c_array_layout(const struct kt_be *be)
{
	int fd = array_create(be, BPF_F_MMAPABLE);
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	__u8 val[VSIZE], out[VSIZE];
	__u8 *p = MAP_FAILED;
	__u32 key = 300;

	if (ok) {
		p = map_area(fd, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		ok = kt_check_true(p != MAP_FAILED, "mmap");
	}
	memset(val, 0x5c, sizeof(val));
	ok = ok && kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, fd, &key, val,
				       BPF_ANY), "update") &&
	     kt_check_mem(p + key * ELEM, val, VSIZE, "mapped value") &&
	     kt_check_fill(p + key * ELEM + VSIZE, 0, ELEM - VSIZE, "padding") &&
	     kt_check_fill(p + (key - 1) * ELEM, 0, ELEM, "neighbour");
	if (ok) {
		key = 7;
		memset(p + key * ELEM, 0xa7, VSIZE);
		memset(val, 0xa7, sizeof(val));
	}
	ok = ok && kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, fd, &key, out, 0),
			       "lookup") &&
	     kt_check_mem(out, val, VSIZE, "value written through the mapping");
	if (p != MAP_FAILED)
		munmap(p, 2 * PAGE);
	return done(fd, ok);
}

/* A map type without mmap: ENOTSUPP; an array without the flag: EINVAL. */
static bool c_not_mmapable(const struct kt_be *be)
{
	int arr = array_create(be, 0);
	int hash = be_map_create(be, BPF_MAP_TYPE_HASH, 4, 8, 4, 0);
	bool ok = kt_check_ok(arr, "MAP_CREATE array") &&
		  kt_check_ok(hash, "MAP_CREATE hash");

	ok = ok && mmap_fails(arr, PAGE, PROT_READ, MAP_SHARED, 0, EINVAL,
			      "array without BPF_F_MMAPABLE") &&
	     mmap_fails(hash, PAGE, PROT_READ, MAP_SHARED, 0, KT_ENOTSUPP, "hash") &&
	     /* ENOTSUPP before the MAP_PRIVATE check. */
	     mmap_fails(hash, PAGE, PROT_READ, MAP_PRIVATE, 0, KT_ENOTSUPP,
			"hash, MAP_PRIVATE");
	done(arr, true);
	return done(hash, ok);
}

static bool c_rdonly_prog(const struct kt_be *be)
{
	int fd = array_create(be, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	void *p = MAP_FAILED;

	ok = ok && mmap_fails(fd, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0,
			      EACCES, "writable") &&
	     kt_check_true((p = map_area(fd, PAGE, PROT_READ, MAP_SHARED, 0)) !=
			   MAP_FAILED, "read-only mmap") &&
	     kt_check_errno(mprotect(p, PAGE, PROT_READ | PROT_WRITE), EACCES,
			    "mprotect to writable");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	return done(fd, ok);
}

static bool c_frozen(const struct kt_be *be)
{
	int fd = array_create(be, BPF_F_MMAPABLE);
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	void *p = MAP_FAILED;

	ok = ok && kt_check_true((p = map_area(fd, PAGE, PROT_READ | PROT_WRITE,
					       MAP_SHARED, 0)) != MAP_FAILED,
				 "writable mmap") &&
	     kt_check_errno(be_freeze(be, fd), EBUSY, "freeze while mapped writable");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	ok = ok && kt_check_ok(be_freeze(be, fd), "freeze after munmap") &&
	     mmap_fails(fd, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0, EPERM,
			"writable after freeze") &&
	     mmap_works(fd, PAGE, PROT_READ, 0, "read-only after freeze");
	return done(fd, ok);
}

/*
 * The fd's own access mode, checked by mmap() itself: no writable mapping
 * of a read-only fd, and none at all of a write-only one. Even a read-only
 * MAP_SHARED mapping of a read-only fd fails: mmap() drops VM_SHARED for
 * a file that cannot be written, and bpf_map_mmap() wants it.
 */
static bool c_fd_modes(const struct kt_be *be)
{
	int rd = array_create(be, BPF_F_MMAPABLE | BPF_F_RDONLY);
	int wr = array_create(be, BPF_F_MMAPABLE | BPF_F_WRONLY);
	bool ok = kt_check_ok(rd, "MAP_CREATE rdonly") &&
		  kt_check_ok(wr, "MAP_CREATE wronly");

	ok = ok && mmap_fails(rd, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0,
			      EACCES, "writable, read-only fd") &&
	     mmap_fails(rd, PAGE, PROT_READ, MAP_SHARED, 0, EINVAL,
			"read-only, read-only fd") &&
	     mmap_fails(wr, PAGE, PROT_READ, MAP_SHARED, 0, EACCES,
			"write-only fd");
	done(rd, true);
	return done(wr, ok);
}

/* ---- Ring buffer -------------------------------------------------------- */

static bool c_ringbuf_limits(const struct kt_be *be)
{
	int fd = be_map_create(be, BPF_MAP_TYPE_RINGBUF, 0, 0, RB_DATA, 0);
	const int rw = PROT_READ | PROT_WRITE;
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	void *p = MAP_FAILED;

	ok = ok && mmap_works(fd, PAGE, rw, 0, "consumer page writable") &&
	     mmap_fails(fd, 2 * PAGE, rw, MAP_SHARED, 0, EPERM,
			"consumer and producer writable") &&
	     mmap_fails(fd, PAGE, rw, MAP_SHARED, PAGE, EPERM, "producer writable") &&
	     mmap_works(fd, PAGE + 2 * RB_DATA, PROT_READ, PAGE,
			"producer and data twice, read-only") &&
	     mmap_works(fd, 2 * PAGE + 2 * RB_DATA, PROT_READ, 0, "all read-only") &&
	     mmap_fails(fd, 3 * PAGE + 2 * RB_DATA, PROT_READ, MAP_SHARED, 0,
			EINVAL, "a page too many") &&
	     mmap_fails(fd, PAGE, PROT_READ, MAP_PRIVATE, 0, EINVAL, "MAP_PRIVATE") &&
	     kt_check_true((p = map_area(fd, PAGE, PROT_READ, MAP_SHARED, PAGE)) !=
			   MAP_FAILED, "producer read-only") &&
	     kt_check_errno(mprotect(p, PAGE, PROT_READ | PROT_WRITE), EACCES,
			    "mprotect to writable");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	return done(fd, ok);
}

/* A raw tracepoint program: bpf_ringbuf_output(map, &args[0], 8, 0). */
static int ringbuf_prog(const struct kt_be *be, int map_fd)
{
	const struct bpf_insn insns[] = {
		KT_LDX(BPF_DW, BPF_REG_6, BPF_REG_1, 0),
		KT_STX(BPF_DW, BPF_REG_10, BPF_REG_6, -8),
		KT_LD_MAP_FD(BPF_REG_1, map_fd),
		KT_MOV64_REG(BPF_REG_2, BPF_REG_10),
		KT_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		KT_MOV64_IMM(BPF_REG_3, 8),
		KT_MOV64_IMM(BPF_REG_4, 0),
		KT_CALL(BPF_FUNC_ringbuf_output),
		KT_EXIT(),
	};

	return be_load_raw_tp(be, insns, KT_ARRAY_SIZE(insns));
}

struct rb_hdr {
	__u32 len;
	__u32 pg_off;
};

/*
 * A record through the mapping: 8-byte header (length, busy and discard
 * bits clear), the data, the producer position past both, the data pages
 * mapped twice in a row; consumed, the next record follows it.
 */
static bool c_ringbuf_layout(const struct kt_be *be)
{
	int fd = be_map_create(be, BPF_MAP_TYPE_RINGBUF, 0, 0, RB_DATA, 0);
	volatile __u64 *cons = MAP_FAILED;
	__u8 *ro = MAP_FAILED, *data;
	const volatile __u64 *prod;
	const struct rb_hdr *hdr;
	__u64 args[1] = { 0x1122334455667788ULL }, v;
	bool ok = kt_check_ok(fd, "MAP_CREATE");
	int prog = -1;
	long ret;

	if (ok) {
		cons = map_area(fd, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
		ro = map_area(fd, PAGE + 2 * RB_DATA, PROT_READ, MAP_SHARED, PAGE);
		ok = kt_check_true(cons != MAP_FAILED && ro != MAP_FAILED, "mmap");
	}
	prod = (const volatile __u64 *)ro;
	data = ro + PAGE;
	ok = ok && kt_check_u64(*cons, 0, "consumer_pos") &&
	     kt_check_u64(*prod, 0, "producer_pos") &&
	     kt_check_ok(prog = ringbuf_prog(be, fd), "PROG_LOAD") &&
	     be_run_raw_tp(be, prog, args, 1, &ret) &&
	     kt_check_u64(ret, 0, "bpf_ringbuf_output") &&
	     kt_check_u64(*prod, 16, "producer_pos after a record");
	if (ok) {
		hdr = (const struct rb_hdr *)data;
		memcpy(&v, data + 8, 8);
		ok = kt_check_u64(hdr->len, 8, "header length, flags clear") &&
		     kt_check_u64(v, args[0], "record data") &&
		     kt_check_mem(data + RB_DATA, data, 16, "second mapping of the data");
	}
	if (ok) {
		*cons = 16;
		args[0] = 42;
		ok = be_run_raw_tp(be, prog, args, 1, &ret) &&
		     kt_check_u64(ret, 0, "second output") &&
		     kt_check_u64(*prod, 32, "producer_pos after two") &&
		     kt_check_u64(((const struct rb_hdr *)(data + 16))->len, 8,
				  "second header") &&
		     kt_check_u64(*(const __u64 *)(data + 24), 42, "second data");
	}
	if (prog >= 0)
		close(prog);
	if (cons != MAP_FAILED)
		munmap((void *)cons, PAGE);
	if (ro != MAP_FAILED)
		munmap(ro, PAGE + 2 * RB_DATA);
	return done(fd, ok);
}

static const struct {
	const char *name;
	bool (*fn)(const struct kt_be *be);
} cases[] = {
	{ "array_limits", c_array_limits },
	{ "array_layout", c_array_layout },
	{ "not_mmapable", c_not_mmapable },
	{ "array_rdonly_prog", c_rdonly_prog },
	{ "array_frozen", c_frozen },
	{ "array_fd_modes", c_fd_modes },
	{ "ringbuf_limits", c_ringbuf_limits },
	{ "ringbuf_layout", c_ringbuf_layout },
};

int main(int argc, char **argv)
{
	bool linux_ok;
	size_t i;

	(void)argc;
	if (!kt_dual_setup(argv[0], "map_errno_mmap", &linux_ok))
		return kt_done();
	if (kt_page_size() != PAGE) {
		kt_skip("page_size", "the cases assume 4 KiB pages");
		return kt_done();
	}
	for (i = 0; i < KT_ARRAY_SIZE(cases); i++)
		kt_dual(cases[i].name, cases[i].fn, linux_ok);
	return kt_done();
}
