// SPDX-License-Identifier: GPL-2.0
/*
 * Direct map value access (LD_IMM64 of BPF_PSEUDO_MAP_VALUE and
 * BPF_PSEUDO_MAP_IDX_VALUE) through the ioctl, each case also on Linux's
 * bpf(2): a socket filter counting in an array's value with no lookup,
 * read back with BPF_MAP_LOOKUP_ELEM; the xlated dump (map id and
 * offset), the tag, the map reference the program holds; the maps and
 * offsets refused, with Linux's errno and log; BPF_F_RDONLY_PROG; a
 * frozen read-only value read as a constant by the verifier.
 */
#include <linux/kbpf.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define ARR		BPF_MAP_TYPE_ARRAY
/* Linux's ENOTSUPP, which bpf(2) returns for a multi-element array. */
#define ENOTSUPP	524

#define KT_LD_MAP_VALUE(d, src, fd, off) \
	KT_INSN(BPF_LD | BPF_DW | BPF_IMM, d, src, 0, fd), \
	KT_INSN(0, 0, 0, 0, off)
#define KT_ATOMIC_ADD64(d, s, o) \
	KT_INSN(BPF_STX | BPF_DW | BPF_ATOMIC, d, s, o, BPF_ADD)

static unsigned char pkt[64];

static long be_load(const struct kt_be *be, const struct bpf_insn *insns,
		    __u32 cnt, const int *fd_array, char *log, __u32 log_size)
{
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = insns, .cnt = cnt, .log = log,
			     .log_size = log_size, .log_level = log ? 1 : 0,
			     .fd_array = fd_array };

	return be_load_prog(be, &l);
}

static long be_info(const struct kt_be *be, int fd, void *info, __u32 len)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.info.bpf_fd = fd;
	attr.info.info_len = len;
	attr.info.info = kt_ptr(info);
	return be_call(be, BPF_OBJ_GET_INFO_BY_FD, &attr);
}

static __u32 be_map_id(const struct kt_be *be, int fd)
{
	struct bpf_map_info info;

	memset(&info, 0, sizeof(info));
	return be_info(be, fd, &info, sizeof(info)) ? 0 : info.id;
}

static long be_map_fd_by_id(const struct kt_be *be, __u32 id)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_id = id;
	return be_call(be, BPF_MAP_GET_FD_BY_ID, &attr);
}

/* value[1] (offset 8) of key 0 of an ARRAY 4/24 map. */
static bool counter_is(const struct kt_be *be, int map, __u64 want,
		       const char *what)
{
	__u64 value[3] = { 0 };
	__u32 key = 0;

	return kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, map, &key, value,
				   0), "MAP_LOOKUP_ELEM") &&
	       kt_check_u64(value[1], want, what) &&
	       kt_check_u64(value[0], 0x1111, "the word before is untouched") &&
	       kt_check_u64(value[2], 0x2222, "the word after is untouched");
}

/*
 * value[1] += 1 through the value's address, returned. The dump shows
 * the LD_IMM64 as the map's id and the offset; the tag leaves both out;
 * the program keeps the map after its last fd is closed.
 */
static bool c_counter(const struct kt_be *be)
{
	int map = be_map_create(be, ARR, 4, 24, 1, 0);
	struct bpf_insn insns[] = {
		KT_LD_MAP_VALUE(1, BPF_PSEUDO_MAP_VALUE, map, 8),
		KT_MOV64_IMM(2, 1),
		KT_ATOMIC_ADD64(1, 2, 0),
		KT_LDX(BPF_DW, 0, 1, 0),
		KT_EXIT(),
	};
	__u64 value[3] = { 0x1111, 0, 0x2222 };
	unsigned char tag[BPF_TAG_SIZE];
	struct bpf_prog_info info;
	struct bpf_insn xl[8];
	__u32 key = 0, retval = 0, map_id, ids[2] = { 0 };
	long fd = -1, again = -1;
	bool ok;

	ok = kt_check_ok(map, "MAP_CREATE") &&
	     kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, value,
				 BPF_ANY), "MAP_UPDATE_ELEM");
	if (!ok)
		goto out;
	map_id = be_map_id(be, map);
	fd = be_load(be, insns, 6, NULL, NULL, 0);
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = sizeof(xl);
	info.xlated_prog_insns = kt_ptr(xl);
	info.nr_map_ids = 2;
	info.map_ids = kt_ptr(ids);
	kt_prog_tag(insns, 6, tag);
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(be_run_pkt(be, (int)fd, pkt, sizeof(pkt), 5, &retval),
			 "TEST_RUN repeat 5") &&
	     kt_check_u64(retval, 5, "retval: the count after the 5th run") &&
	     counter_is(be, map, 5, "the count MAP_LOOKUP_ELEM reads") &&
	     kt_check_ok(be_info(be, (int)fd, &info, sizeof(info)),
			 "OBJ_GET_INFO_BY_FD") &&
	     kt_check_u64(info.nr_map_ids, 1, "nr_map_ids") &&
	     kt_check_u64(ids[0], map_id, "map_ids[0]") &&
	     kt_check_mem(info.tag, tag, BPF_TAG_SIZE,
			  "tag (map fd and offset left out)") &&
	     kt_check_u64(xl[0].code, BPF_LD | BPF_DW | BPF_IMM,
			  "xlated insn 0 is LD_IMM64") &&
	     kt_check_u64(xl[0].src_reg, BPF_PSEUDO_MAP_VALUE, "dump: src_reg") &&
	     kt_check_u64((__u32)xl[0].imm, map_id, "dump: imm is the map id") &&
	     kt_check_u64((__u32)xl[1].imm, 8, "dump: insn[1].imm is the offset");
	if (!ok)
		goto out;
	/* The program's reference keeps the map, and its value, alive. */
	close(map);
	map = -1;
	ok = kt_check_ok(be_run_pkt(be, (int)fd, pkt, sizeof(pkt), 1, &retval),
			 "TEST_RUN after close") &&
	     kt_check_u64(retval, 6, "retval after the map fd is gone");
	again = be_map_fd_by_id(be, map_id);
	ok = ok && kt_check_ok(again, "MAP_GET_FD_BY_ID") &&
	     counter_is(be, (int)again, 6, "the count through a new fd");
out:
	if (again >= 0)
		close((int)again);
	if (fd >= 0)
		close((int)fd);
	if (map >= 0)
		close(map);
	return ok;
}

/* BPF_PSEUDO_MAP_IDX_VALUE: the map is fd_array[imm]. */
static bool c_fd_array(const struct kt_be *be)
{
	int map = be_map_create(be, ARR, 4, 24, 1, 0);
	int fds[3] = { -1, map, -1 };
	struct bpf_insn insns[] = {
		KT_LD_MAP_VALUE(1, BPF_PSEUDO_MAP_IDX_VALUE, 1, 8),
		KT_MOV64_IMM(2, 1),
		KT_ATOMIC_ADD64(1, 2, 0),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	__u64 value[3] = { 0x1111, 40, 0x2222 };
	char log[512] = "";
	__u32 key = 0, retval;
	long fd = -1, nofd;
	bool ok;

	ok = kt_check_ok(map, "MAP_CREATE") &&
	     kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, value,
				 BPF_ANY), "MAP_UPDATE_ELEM");
	if (!ok)
		goto out;
	nofd = be_load(be, insns, 6, NULL, log, sizeof(log));
	ok = kt_check_errno(nofd, EPROTO, "PROG_LOAD without fd_array") &&
	     (strstr(log, "fd_idx without fd_array is invalid") ||
	      kt_whyf("log: %s", log));
	if (nofd >= 0)
		close((int)nofd);
	fd = be_load(be, insns, 6, fds, NULL, 0);
	ok = ok && kt_check_ok(fd, "PROG_LOAD with fd_array") &&
	     kt_check_ok(be_run_pkt(be, (int)fd, pkt, sizeof(pkt), 3, &retval),
			 "TEST_RUN repeat 3") &&
	     counter_is(be, map, 43, "the count MAP_LOOKUP_ELEM reads");
out:
	if (fd >= 0)
		close((int)fd);
	if (map >= 0)
		close(map);
	return ok;
}

/* A load of insns against map must fail with want and msg in the log. */
static bool refused(const struct kt_be *be, int map, __u32 off, bool store,
		    int want, const char *msg)
{
	struct bpf_insn insns[] = {
		KT_LD_MAP_VALUE(1, BPF_PSEUDO_MAP_VALUE, map, off),
		store ? KT_ST(BPF_DW, 1, 0, 7) : KT_LDX(BPF_B, 0, 1, 0),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	char log[4096] = "";
	long fd = be_load(be, insns, 5, NULL, log, sizeof(log));
	bool ok;

	ok = kt_check_errno(fd, want, msg) &&
	     (strstr(log, msg) || kt_whyf("log lacks \"%s\": %s", msg, log));
	if (fd >= 0)
		close((int)fd);
	return ok;
}

static bool c_refused(const struct kt_be *be)
{
	int one = be_map_create(be, ARR, 4, 48, 1, 0);
	int two = be_map_create(be, ARR, 4, 48, 2, 0);
	int hash = be_map_create(be, BPF_MAP_TYPE_HASH, 4, 48, 1, 0);
	int pcpu = be_map_create(be, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 48, 1, 0);
	int ro = be_map_create(be, ARR, 4, 48, 1, BPF_F_RDONLY_PROG);
	bool ok;

	ok = kt_check_ok(one, "create") && kt_check_ok(two, "create") &&
	     kt_check_ok(hash, "create") && kt_check_ok(pcpu, "create") &&
	     kt_check_ok(ro, "create") &&
	     refused(be, two, 0, false, ENOTSUPP,
		     "invalid access to map value pointer, value_size=48 off=0") &&
	     refused(be, one, 48, false, EINVAL,
		     "invalid access to map value pointer, value_size=48 off=48") &&
	     refused(be, one, 1u << 29, false, EINVAL,
		     "direct value offset of 536870912 is not allowed") &&
	     refused(be, hash, 0, false, EINVAL,
		     "no direct value access support for this map type") &&
	     refused(be, pcpu, 0, false, EINVAL,
		     "no direct value access support for this map type") &&
	     refused(be, one, 44, true, EACCES,
		     "invalid access to map value, value_size=48 off=44 size=8") &&
	     refused(be, ro, 8, true, EACCES,
		     "write into map forbidden, value_size=48 off=8 size=8");
	if (one >= 0)
		close(one);
	if (two >= 0)
		close(two);
	if (hash >= 0)
		close(hash);
	if (pcpu >= 0)
		close(pcpu);
	if (ro >= 0)
		close(ro);
	return ok;
}

/*
 * A frozen BPF_F_RDONLY_PROG value is a constant to the verifier: the
 * branch on it is decided and the bad access behind the other side is
 * never walked. Before the freeze both sides are.
 */
static bool c_frozen_constant(const struct kt_be *be)
{
	int map = be_map_create(be, ARR, 4, 48, 1, BPF_F_RDONLY_PROG);
	struct bpf_insn insns[] = {
		KT_LD_MAP_VALUE(1, BPF_PSEUDO_MAP_VALUE, map, 0),
		KT_LDX(BPF_W, 0, 1, 4),
		KT_JEQ_IMM(0, 0x1234, 1),
		KT_LDX(BPF_DW, 0, 1, 48),
		KT_EXIT(),
	};
	const char *msg = "invalid access to map value, value_size=48 off=48 size=8";
	__u32 value[12] = { 0, 0x1234 }, key = 0, retval = 0;
	char log[4096] = "";
	long fd = -1, before;
	bool ok;

	ok = kt_check_ok(map, "MAP_CREATE") &&
	     kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, value,
				 BPF_ANY), "MAP_UPDATE_ELEM");
	if (!ok)
		goto out;
	before = be_load(be, insns, 6, NULL, log, sizeof(log));
	ok = kt_check_errno(before, EACCES, "PROG_LOAD before the freeze") &&
	     (strstr(log, msg) || kt_whyf("log: %s", log));
	if (before >= 0)
		close((int)before);
	ok = ok && kt_check_ok(be_freeze(be, map), "MAP_FREEZE") &&
	     kt_check_ok(fd = be_load(be, insns, 6, NULL, NULL, 0),
			 "PROG_LOAD after the freeze") &&
	     kt_check_ok(be_run_pkt(be, (int)fd, pkt, sizeof(pkt), 1, &retval),
			 "TEST_RUN") &&
	     kt_check_u64(retval, 0x1234, "retval");
out:
	if (fd >= 0)
		close((int)fd);
	if (map >= 0)
		close(map);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "programs", &linux_ok))
		return kt_done();
	kt_dual("map_value_counter", c_counter, linux_ok);
	kt_dual("map_value_fd_array", c_fd_array, linux_ok);
	kt_dual("map_value_refused", c_refused, linux_ok);
	kt_dual("map_value_frozen_constant", c_frozen_constant, linux_ok);
	return kt_done();
}
