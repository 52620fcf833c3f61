// SPDX-License-Identifier: GPL-2.0
/*
 * CGROUP_STORAGE and PERCPU_CGROUP_STORAGE through the ioctl, each case
 * also on Linux's bpf(2): creation rules and errnos, the element commands
 * on a map with nothing attached (ENOENT, no delete), a cgroup_skb program
 * counting in both storages under BPF_PROG_TEST_RUN (one fresh storage per
 * run, kept over its repeats, never shown in the map), and the verifier's
 * rules: one storage map of each type per program, flags 0, storage maps
 * only through bpf_get_local_storage(), the helper only where Linux has it.
 */
#include <linux/kbpf.h>

#include "kt_dual.h"
#include "kt_prog.h"

#define CS	BPF_MAP_TYPE_CGROUP_STORAGE
#define PCS	BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
#define KEY_SZ	sizeof(struct bpf_cgroup_storage_key)

static bool create_is(const struct kt_be *be, const char *what, __u32 type,
		      __u32 key_size, __u32 value_size, __u32 max_entries,
		      __u32 flags, int want)
{
	int fd = be_map_create(be, type, key_size, value_size, max_entries,
			       flags);
	bool ok;

	if (want)
		ok = kt_check_errno(fd, want, what);
	else
		ok = kt_check_ok(fd, what);
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool c_create(const struct kt_be *be)
{
	return create_is(be, "CS struct key", CS, KEY_SZ, 8, 0, 0, 0) &&
	       create_is(be, "CS u64 key", CS, 8, 8, 0, 0, 0) &&
	       create_is(be, "PCS struct key", PCS, KEY_SZ, 8, 0, 0, 0) &&
	       create_is(be, "CS key 12", CS, 12, 8, 0, 0, EINVAL) &&
	       create_is(be, "CS key 4", CS, 4, 8, 0, 0, EINVAL) &&
	       create_is(be, "CS value 0", CS, 8, 0, 0, 0, EINVAL) &&
	       create_is(be, "CS max_entries 1", CS, 8, 8, 1, 0, EINVAL) &&
	       create_is(be, "PCS max_entries 1", PCS, 8, 8, 1, 0, EINVAL) &&
	       create_is(be, "CS largest value", CS, 8, 65535 - 128, 0, 0, 0) &&
	       create_is(be, "CS value too large", CS, 8, 65535 - 127, 0, 0,
			 E2BIG) &&
	       create_is(be, "PCS largest value", PCS, 8, 32768, 0, 0, 0) &&
	       create_is(be, "PCS value too large", PCS, 8, 32769, 0, 0, E2BIG) &&
	       create_is(be, "CS no_prealloc", CS, 8, 8, 0, BPF_F_NO_PREALLOC,
			 EINVAL) &&
	       create_is(be, "CS mmapable", CS, 8, 8, 0, BPF_F_MMAPABLE, EINVAL) &&
	       create_is(be, "CS rdonly_prog", CS, 8, 8, 0, BPF_F_RDONLY_PROG, 0) &&
	       create_is(be, "CS rdonly|wronly prog", CS, 8, 8, 0,
			 BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, EINVAL);
}

/* Nothing attached: every element command finds nothing. */
static bool c_empty(const struct kt_be *be)
{
	struct bpf_cgroup_storage_key key = { .cgroup_inode_id = 1 }, next;
	__u64 val[64] = { 0 };
	int cs = be_map_create(be, CS, KEY_SZ, 8, 0, 0);
	int pcs = be_map_create(be, PCS, 8, 8, 0, 0);
	bool ok;

	ok = kt_check_ok(cs, "create CS") && kt_check_ok(pcs, "create PCS") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, cs, &key, val, 0),
			    ENOENT, "lookup") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, cs, &key, val,
				    BPF_ANY), ENOENT, "update") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, cs, &key, val,
				    BPF_NOEXIST), EINVAL, "update noexist") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, cs, &key, NULL, 0),
			    EINVAL, "delete") &&
	     kt_check_errno(be_next_key(be, cs, NULL, &next), ENOENT,
			    "first key") &&
	     kt_check_errno(be_next_key(be, cs, &key, &next), ENOENT,
			    "next key") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, pcs, &key, val, 0),
			    ENOENT, "percpu lookup") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, pcs, &key, val,
				    BPF_ANY), ENOENT, "percpu update") &&
	     kt_check_errno(be_elem(be, BPF_MAP_UPDATE_ELEM, pcs, &key, val,
				    BPF_NOEXIST), EINVAL, "percpu update noexist") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, pcs, &key, NULL, 0),
			    EINVAL, "percpu delete");
	if (cs >= 0)
		close(cs);
	if (pcs >= 0)
		close(pcs);
	return ok;
}

static long be_load(const struct kt_be *be, __u32 type,
		    const struct bpf_insn *insns, __u32 cnt, char *log,
		    __u32 log_size)
{
	struct kt_load l = { .type = type, .insns = insns, .cnt = cnt,
			     .log = log, .log_size = log_size,
			     .log_level = log ? 1 : 0 };

	return be_load_prog(be, &l);
}

static unsigned char pkt[64] = { [12] = 0x08 };

/*
 * shared += 1, percpu += 10 in the program's storages; both counts copied
 * to out[0] of an array map after each run.
 */
static bool c_prog_counts(const struct kt_be *be)
{
	int cs = be_map_create(be, CS, 8, 8, 0, 0);
	int pcs = be_map_create(be, PCS, KEY_SZ, 8, 0, 0);
	int arr = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0);
	struct bpf_insn insns[] = {
		KT_LD_MAP_FD(1, cs),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_get_local_storage),
		KT_LDX(BPF_DW, 6, 0, 0),
		KT_ALU64_IMM(BPF_ADD, 6, 1),
		KT_STX(BPF_DW, 0, 6, 0),
		KT_LD_MAP_FD(1, pcs),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_get_local_storage),
		KT_LDX(BPF_DW, 7, 0, 0),
		KT_ALU64_IMM(BPF_ADD, 7, 10),
		KT_STX(BPF_DW, 0, 7, 0),
		KT_ST(BPF_W, 10, -4, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_LD_MAP_FD(1, arr),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(0, 0, 2),
		KT_STX(BPF_DW, 0, 6, 0),
		KT_STX(BPF_DW, 0, 7, 8),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	__u64 out[2] = { 0 }, next[2];
	__u32 key = 0, retval = 0;
	long fd = -1;
	bool ok;

	ok = kt_check_ok(cs, "create CS") && kt_check_ok(pcs, "create PCS") &&
	     kt_check_ok(arr, "create array") &&
	     kt_check_ok(fd = be_load(be, BPF_PROG_TYPE_CGROUP_SKB, insns,
				      KT_ARRAY_SIZE(insns), NULL, 0),
			 "PROG_LOAD") &&
	     kt_check_ok(be_run_pkt(be, (int)fd, pkt, sizeof(pkt), 5, &retval),
			 "TEST_RUN repeat 5") &&
	     kt_check_u64(retval, 1, "retval") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, out, 0),
			 "lookup") &&
	     kt_check_u64(out[0], 5, "shared count after 5 repeats") &&
	     kt_check_u64(out[1], 50, "per-CPU count after 5 repeats") &&
	     kt_check_ok(be_run_pkt(be, (int)fd, pkt, sizeof(pkt), 1, &retval),
			 "TEST_RUN again") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, arr, &key, out, 0),
			 "lookup") &&
	     kt_check_u64(out[0], 1, "a new run starts from zero") &&
	     kt_check_u64(out[1], 10, "per-CPU too") &&
	     kt_check_errno(be_next_key(be, cs, NULL, next), ENOENT,
			    "a test run's storage is not in the map") &&
	     kt_check_errno(be_next_key(be, pcs, NULL, next), ENOENT,
			    "per-CPU map empty too");
	if (fd >= 0)
		close((int)fd);
	if (cs >= 0)
		close(cs);
	if (pcs >= 0)
		close(pcs);
	if (arr >= 0)
		close(arr);
	return ok;
}

static bool reject_is(const struct kt_be *be, __u32 type,
		      const struct bpf_insn *insns, __u32 cnt, int want,
		      const char *msg)
{
	static char log[16384];
	long fd;
	bool ok;

	log[0] = 0;
	fd = be_load(be, type, insns, cnt, log, sizeof(log));
	ok = kt_check_errno(fd, want, "PROG_LOAD") &&
	     (strstr(log, msg) || kt_whyf("log lacks \"%s\": %s", msg, log));
	if (fd >= 0)
		close((int)fd);
	return ok;
}

static bool c_verifier(const struct kt_be *be)
{
	int cs = be_map_create(be, CS, 8, 8, 0, 0);
	int cs2 = be_map_create(be, CS, 8, 8, 0, 0);
	int pcs = be_map_create(be, PCS, 8, 8, 0, 0);
	int arr = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	struct bpf_insn two_maps[] = {
		KT_LD_MAP_FD(1, cs),
		KT_LD_MAP_FD(1, cs2),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct bpf_insn one_of_each[] = {
		KT_LD_MAP_FD(1, cs),
		KT_LD_MAP_FD(1, pcs),
		KT_LD_MAP_FD(1, cs),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct bpf_insn flags[] = {
		KT_LD_MAP_FD(1, cs),
		KT_MOV64_IMM(2, 1),
		KT_CALL(BPF_FUNC_get_local_storage),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct bpf_insn lookup[] = {
		KT_ST(BPF_DW, 10, -8, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -8),
		KT_LD_MAP_FD(1, cs),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct bpf_insn on_array[] = {
		KT_LD_MAP_FD(1, arr),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_get_local_storage),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	struct bpf_insn past_value[] = {
		KT_LD_MAP_FD(1, cs),
		KT_MOV64_IMM(2, 0),
		KT_CALL(BPF_FUNC_get_local_storage),
		KT_LDX(BPF_DW, 0, 0, 8),
		KT_MOV64_IMM(0, 1),
		KT_EXIT(),
	};
	long fd;
	bool ok;

	ok = kt_check_ok(cs, "create") && kt_check_ok(cs2, "create") &&
	     kt_check_ok(pcs, "create") && kt_check_ok(arr, "create") &&
	     reject_is(be, BPF_PROG_TYPE_CGROUP_SKB, two_maps,
		       KT_ARRAY_SIZE(two_maps), EBUSY,
		       "only one cgroup storage of each type is allowed") &&
	     reject_is(be, BPF_PROG_TYPE_CGROUP_SKB, flags, KT_ARRAY_SIZE(flags),
		       EINVAL, "get_local_storage() doesn't support non-zero flags") &&
	     reject_is(be, BPF_PROG_TYPE_CGROUP_SKB, lookup,
		       KT_ARRAY_SIZE(lookup), EINVAL,
		       "cannot pass map_type 19 into func bpf_map_lookup_elem#1") &&
	     reject_is(be, BPF_PROG_TYPE_CGROUP_SKB, on_array,
		       KT_ARRAY_SIZE(on_array), EINVAL,
		       "cannot pass map_type 2 into func bpf_get_local_storage#81") &&
	     reject_is(be, BPF_PROG_TYPE_SOCKET_FILTER, on_array,
		       KT_ARRAY_SIZE(on_array), EINVAL,
		       "unknown func bpf_get_local_storage#81") &&
	     reject_is(be, BPF_PROG_TYPE_CGROUP_SKB, past_value,
		       KT_ARRAY_SIZE(past_value), EACCES,
		       "invalid access to map value, value_size=8 off=8 size=8");
	fd = ok ? be_load(be, BPF_PROG_TYPE_CGROUP_SKB, one_of_each,
			  KT_ARRAY_SIZE(one_of_each), NULL, 0) : -1;
	ok = ok && kt_check_ok(fd, "one map of each type, one used twice");
	if (fd >= 0)
		close((int)fd);
	if (cs >= 0)
		close(cs);
	if (cs2 >= 0)
		close(cs2);
	if (pcs >= 0)
		close(pcs);
	if (arr >= 0)
		close(arr);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	linux_ok = kt_linux_bpf_usable();
	kt_dual("cgroup_storage_create", c_create, linux_ok);
	kt_dual("cgroup_storage_empty_map", c_empty, linux_ok);
	if (!kt_verifier_present()) {
		kt_skip("programs", "no verifier in this build: PROG_LOAD answers EOPNOTSUPP");
		return kt_done();
	}
	kt_dual("cgroup_storage_prog_counts", c_prog_counts, linux_ok);
	kt_dual("cgroup_storage_verifier", c_verifier, linux_ok);
	return kt_done();
}
