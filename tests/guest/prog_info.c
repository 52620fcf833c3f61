// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_OBJ_GET_INFO_BY_FD and fdinfo for programs: every field for a
 * simple socket filter, the tag against a SHA-1 computed here and against
 * the running kernel's own bpf(2) for the same instructions, the xlated
 * and JITed images, truncated buffers, and the map ids of a program that
 * uses a map.
 */
#include <sys/syscall.h>
#include <time.h>

#include <linux/kbpf.h>

#include "kt_prog.h"

static __u64 boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static const struct bpf_insn ret1[] = { KT_MOV64_IMM(0, 1), KT_EXIT() };

static void t_basic_fields(void)
{
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = ret1, .cnt = 2, .name = "info_prog" };
	unsigned char tag[BPF_TAG_SIZE];
	struct bpf_prog_info info;
	__u64 before, after;
	long fd;
	bool ok;

	kt_prog_tag(ret1, 2, tag);
	before = boottime_ns();
	fd = kt_prog_load(&l);
	after = boottime_ns();
	memset(&info, 0, sizeof(info));
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(kt_prog_info((int)fd, &info), "info") &&
	     kt_check_u64(info.type, BPF_PROG_TYPE_SOCKET_FILTER, "type") &&
	     kt_check_true(info.id > 0, "id") &&
	     kt_check_mem(info.tag, tag, BPF_TAG_SIZE, "tag vs SHA-1 of the insns") &&
	     kt_check_true(!strcmp(info.name, "info_prog"), "name") &&
	     kt_check_true(info.load_time >= before && info.load_time <= after,
			   "load_time between the clock before and after the load") &&
	     kt_check_u64(info.created_by_uid, 0, "created_by_uid") &&
	     kt_check_u64(info.gpl_compatible, 1, "gpl_compatible") &&
	     kt_check_u64(info.verified_insns, 2, "verified_insns") &&
	     kt_check_u64(info.nr_map_ids, 0, "nr_map_ids") &&
	     kt_check_u64(info.xlated_prog_len, sizeof(ret1), "xlated_prog_len") &&
	     kt_check_u64(info.run_cnt, 0, "run_cnt") &&
	     kt_check_u64(info.run_time_ns, 0, "run_time_ns") &&
	     kt_check_u64(info.nr_jited_ksyms, 1, "nr_jited_ksyms");
	kt_verdict("basic_fields", ok);

	if (fd >= 0) {
		char val[64], want[32];
		int i;

		for (i = 0; i < BPF_TAG_SIZE; i++)
			snprintf(want + 2 * i, 3, "%02x", tag[i]);
		ok = kt_check_ok(kt_fdinfo_field((int)fd, "prog_tag", val, sizeof(val)),
				 "fdinfo prog_tag") &&
		     kt_check_true(!strcmp(val, want), "fdinfo prog_tag is the tag") &&
		     kt_check_ok(kt_fdinfo_field((int)fd, "prog_type", val, sizeof(val)),
				 "fdinfo prog_type") &&
		     kt_check_true(!strcmp(val, "1"), "fdinfo prog_type 1") &&
		     kt_check_ok(kt_fdinfo_field((int)fd, "prog_id", val, sizeof(val)),
				 "fdinfo prog_id") &&
		     kt_check_u64(strtoul(val, NULL, 10), info.id, "fdinfo prog_id") &&
		     kt_check_ok(kt_fdinfo_field((int)fd, "verified_insns", val, sizeof(val)),
				 "fdinfo verified_insns") &&
		     kt_check_u64(strtoul(val, NULL, 10), 2, "fdinfo verified_insns") &&
		     kt_check_ok(kt_fdinfo_field((int)fd, "prog_jited", val, sizeof(val)),
				 "fdinfo prog_jited") &&
		     kt_check_u64(strtoul(val, NULL, 10), info.jited_prog_len ? 1 : 0,
				  "fdinfo prog_jited agrees with jited_prog_len") &&
		     kt_check_ok(kt_fdinfo_field((int)fd, "memlock", val, sizeof(val)),
				 "fdinfo memlock") &&
		     kt_check_true(strtoul(val, NULL, 10) >= 4096 &&
				   strtoul(val, NULL, 10) % 4096 == 0,
				   "memlock is whole pages");
		kt_verdict("fdinfo", ok);
		close((int)fd);
	}
}

/* The xlated program of r0 = 1; exit is those two instructions. */
static void t_xlated(void)
{
	struct bpf_insn xl[4];
	struct bpf_prog_info info;
	long fd = kt_load_ret(BPF_PROG_TYPE_SOCKET_FILTER, 1);
	bool ok;

	memset(&info, 0, sizeof(info));
	memset(xl, 0xee, sizeof(xl));
	info.xlated_prog_len = sizeof(xl);
	info.xlated_prog_insns = kt_ptr(xl);
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(kt_prog_info((int)fd, &info), "info") &&
	     kt_check_u64(info.xlated_prog_len, sizeof(ret1), "xlated_prog_len") &&
	     kt_check_mem(xl, ret1, sizeof(ret1), "xlated insns") &&
	     kt_check_fill(&xl[2], 0xee, sizeof(xl) - sizeof(ret1),
			   "bytes past the program");
	kt_verdict("xlated_insns", ok);

	/* A buffer for one instruction gets one; the length says two. */
	memset(&info, 0, sizeof(info));
	memset(xl, 0xee, sizeof(xl));
	info.xlated_prog_len = sizeof(xl[0]);
	info.xlated_prog_insns = kt_ptr(xl);
	ok = kt_check_ok(kt_prog_info((int)fd, &info), "info") &&
	     kt_check_u64(info.xlated_prog_len, sizeof(ret1), "xlated_prog_len") &&
	     kt_check_mem(xl, ret1, sizeof(xl[0]), "first insn") &&
	     kt_check_fill(&xl[1], 0xee, sizeof(xl[1]), "second insn untouched");
	kt_verdict("xlated_truncated", ok);
	if (fd >= 0)
		close((int)fd);
}

static int jit_enabled(void)
{
	FILE *f = fopen("/sys/module/kbpf/parameters/jit_enable", "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* The JITed image: its length, its bytes, its address. */
static void t_jited(void)
{
	unsigned char img[4096];
	__u64 ksym = 0;
	__u32 flen = 0;
	struct bpf_prog_info info;
	long fd;
	size_t i, nz = 0;
	bool ok;

	if (jit_enabled() != 1) {
		kt_skip("jited_image", "kbpf.jit_enable is not 1");
		return;
	}
	fd = kt_load_ret(BPF_PROG_TYPE_SOCKET_FILTER, 1);
	memset(&info, 0, sizeof(info));
	memset(img, 0, sizeof(img));
	info.jited_prog_len = sizeof(img);
	info.jited_prog_insns = kt_ptr(img);
	info.nr_jited_ksyms = 1;
	info.jited_ksyms = kt_ptr(&ksym);
	info.nr_jited_func_lens = 1;
	info.jited_func_lens = kt_ptr(&flen);
	ok = kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(kt_prog_info((int)fd, &info), "info") &&
	     kt_check_true(info.jited_prog_len > 0 &&
			   info.jited_prog_len < sizeof(img), "jited_prog_len");
	for (i = 0; ok && i < info.jited_prog_len; i++)
		nz += img[i] != 0;
	ok = ok && kt_check_true(nz > 0, "image bytes were copied") &&
	     kt_check_true(ksym != 0, "jited_ksyms[0] is the image address") &&
	     kt_check_u64(flen, info.jited_prog_len, "jited_func_lens[0]");
	kt_verdict("jited_image", ok);
	if (fd >= 0)
		close((int)fd);
}

/* A program that references a map reports it by id, in nr_map_ids and in the xlated dump. */
static void t_map_ids(void)
{
	int map = kt_array_create(8, 4, 0);
	struct bpf_insn insns[] = { KT_LD_MAP_FD(1, map), KT_MOV64_IMM(0, 0),
				    KT_EXIT() };
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = insns, .cnt = 4 };
	unsigned char tag[BPF_TAG_SIZE];
	struct bpf_insn xl[8];
	struct bpf_prog_info info;
	__u32 ids[4] = { 0 };
	__u32 map_id = map >= 0 ? kt_map_id(map) : 0;
	long fd = map >= 0 ? kt_prog_load(&l) : -1;
	bool ok;

	kt_prog_tag(insns, 4, tag);
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 4;
	info.map_ids = kt_ptr(ids);
	info.xlated_prog_len = sizeof(xl);
	info.xlated_prog_insns = kt_ptr(xl);
	ok = kt_check_ok(map, "MAP_CREATE") &&
	     kt_check_ok(fd, "PROG_LOAD") &&
	     kt_check_ok(kt_prog_info((int)fd, &info), "info") &&
	     kt_check_u64(info.nr_map_ids, 1, "nr_map_ids") &&
	     kt_check_u64(ids[0], map_id, "map_ids[0]") &&
	     kt_check_mem(info.tag, tag, BPF_TAG_SIZE, "tag (map fd left out)") &&
	     kt_check_u64(xl[0].code, BPF_LD | BPF_DW | BPF_IMM, "xlated insn 0 is LD_IMM64") &&
	     kt_check_u64(xl[0].src_reg, BPF_PSEUDO_MAP_FD, "dump: src_reg") &&
	     kt_check_u64((__u32)xl[0].imm, map_id, "dump: imm is the map id") &&
	     kt_check_u64((__u32)xl[1].imm, 0, "dump: upper half");
	kt_verdict("map_ids", ok);

	/* The map lives on with the program after its fd is closed. */
	if (map >= 0)
		close(map);
	if (fd >= 0) {
		int m = (int)kt_map_fd_by_id(map_id, 0);

		kt_expect_ok("map_kept_by_program", m);
		if (m >= 0)
			close(m);
		close((int)fd);
	}
}

/* The running kernel's bpf(2) must give the same tag for the same program. */
static void t_tag_matches_linux(void)
{
	struct bpf_insn insns[] = { KT_MOV64_IMM(0, 7), KT_ALU64_IMM(BPF_ADD, 0, 3),
				    KT_EXIT() };
	struct bpf_prog_info linfo, kinfo;
	struct kt_load l = { .type = BPF_PROG_TYPE_SOCKET_FILTER,
			     .insns = insns, .cnt = 3 };
	union bpf_attr attr;
	__u32 len = sizeof(linfo);
	long lfd, kfd;
	bool ok;

	kt_load_attr(&attr, &l);
	lfd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (lfd < 0) {
		kt_skip("tag_matches_linux", "the kernel's bpf(2): %s", kt_errname(errno));
		return;
	}
	memset(&linfo, 0, sizeof(linfo));
	kt_attr_zero(&attr);
	attr.info.bpf_fd = (__u32)lfd;
	attr.info.info_len = len;
	attr.info.info = kt_ptr(&linfo);
	ok = kt_check_ok(syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)),
			 "the kernel's OBJ_GET_INFO_BY_FD");
	kfd = kt_prog_load(&l);
	memset(&kinfo, 0, sizeof(kinfo));
	ok = ok && kt_check_ok(kfd, "kbpf PROG_LOAD") &&
	     kt_check_ok(kt_prog_info((int)kfd, &kinfo), "kbpf info") &&
	     kt_check_mem(kinfo.tag, linfo.tag, BPF_TAG_SIZE, "kbpf tag vs Linux tag") &&
	     kt_check_u64(kinfo.xlated_prog_len, linfo.xlated_prog_len,
			  "xlated_prog_len vs Linux") &&
	     kt_check_u64(kinfo.verified_insns, linfo.verified_insns,
			  "verified_insns vs Linux");
	kt_verdict("tag_matches_linux", ok);
	close((int)lfd);
	if (kfd >= 0)
		close((int)kfd);
}

int main(int argc, char **argv)
{
	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	if (!kt_verifier_present()) {
		kt_skip("all", "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return kt_done();
	}
	t_basic_fields();
	t_xlated();
	t_jited();
	t_map_ids();
	t_tag_matches_linux();
	return kt_done();
}
