// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY_OF_MAPS and BPF_MAP_TYPE_HASH_OF_MAPS: creation from
 * an inner_map_fd template (and the errno of each bad template), updates
 * with map fds that must match it, lookups returning the inner map's id,
 * inner maps kept alive while stored, and programs that look up an inner
 * map and then an element in it. Every case runs on kbpf and on the
 * kernel's own bpf(2).
 */
#include "kt_fdmap.h"

#define OUTER_SLOTS	4

static int outer_create(const struct kt_be *be, __u32 type, int inner_fd,
			__u32 flags)
{
	union bpf_attr attr;

	kt_attr_zero(&attr);
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = OUTER_SLOTS;
	attr.map_flags = flags;
	attr.inner_map_fd = (__u32)inner_fd;
	return (int)be_call(be, BPF_MAP_CREATE, &attr);
}

static long put_fd(const struct kt_be *be, int map, __u32 key, int fd,
		   __u64 flags)
{
	__u32 value = (__u32)fd;

	return be_elem(be, BPF_MAP_UPDATE_ELEM, map, &key, &value, flags);
}

static bool c_create_errors(const struct kt_be *be)
{
	int inner = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int progs = be_map_create(be, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0);
	int prog = -1, outer = -1, nested = -1, bad_size = -1;
	const struct bpf_insn ret0[] = { KT_MOV64_IMM(0, 0), KT_EXIT() };
	union bpf_attr attr;
	bool ok;

	ok = kt_check_ok(inner, "MAP_CREATE inner") &&
	     kt_check_ok(progs, "MAP_CREATE prog array");
	if (!ok)
		goto out;
	prog = be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, ret0, 2);
	outer = outer_create(be, BPF_MAP_TYPE_ARRAY_OF_MAPS, inner, 0);
	kt_attr_zero(&attr);
	attr.map_type = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = OUTER_SLOTS;
	attr.inner_map_fd = (__u32)inner;
	/* Each errno is checked right after its call. */
	ok = kt_check_ok(prog, "PROG_LOAD") && kt_check_ok(outer, "MAP_CREATE") &&
	     kt_check_errno(nested = outer_create(be, BPF_MAP_TYPE_HASH_OF_MAPS,
						  outer, 0),
			    EINVAL, "a map-in-map as inner map") &&
	     kt_check_errno(bad_size = (int)be_call(be, BPF_MAP_CREATE, &attr),
			    EINVAL, "value_size 8") &&
	     kt_check_errno(outer_create(be, BPF_MAP_TYPE_ARRAY_OF_MAPS, 9999, 0),
			    EBADF, "closed inner_map_fd") &&
	     kt_check_errno(outer_create(be, BPF_MAP_TYPE_HASH_OF_MAPS, prog, 0),
			    EINVAL, "a program fd") &&
	     kt_check_errno(outer_create(be, BPF_MAP_TYPE_ARRAY_OF_MAPS, progs, 0),
			    KT_ENOTSUPP, "a prog array cannot be an inner map") &&
	     kt_check_errno(outer_create(be, BPF_MAP_TYPE_ARRAY_OF_MAPS, inner,
					 BPF_F_RDONLY_PROG),
			    EINVAL, "BPF_F_RDONLY_PROG on an array of maps");
out:
	be_close(bad_size);
	be_close(nested);
	be_close(outer);
	be_close(prog);
	be_close(progs);
	be_close(inner);
	return ok;
}

/* Updates: inner maps must match the template, errnos as Linux's. */
static bool update_cases(const struct kt_be *be, __u32 type)
{
	bool array = type == BPF_MAP_TYPE_ARRAY_OF_MAPS;
	int tmpl = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int same = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int longer = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 3, 0);
	int wider = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 16, 2, 0);
	int hash = be_map_create(be, BPF_MAP_TYPE_HASH, 4, 8, 2, 0);
	int outer = outer_create(be, type, tmpl, 0);
	__u32 key = 1, value = 0, id = be_map_id(be, same);
	bool ok;

	ok = kt_check_ok(outer, "MAP_CREATE outer") &&
	     kt_check_ok(same, "MAP_CREATE") && kt_check_ok(longer, "MAP_CREATE") &&
	     kt_check_ok(wider, "MAP_CREATE") && kt_check_ok(hash, "MAP_CREATE") &&
	     kt_check_errno(be_elem(be, BPF_MAP_LOOKUP_ELEM, outer, &key, &value, 0),
			    ENOENT, "lookup of an empty slot") &&
	     kt_check_errno(put_fd(be, outer, 1, 9999, 0), EBADF, "closed fd") &&
	     kt_check_errno(put_fd(be, outer, 1, wider, 0), EINVAL,
			    "another value_size") &&
	     kt_check_errno(put_fd(be, outer, 1, hash, 0), EINVAL,
			    "another map type") &&
	     /* Arrays compare max_entries too, without BPF_F_INNER_MAP. */
	     kt_check_errno(put_fd(be, outer, 1, longer, 0), EINVAL,
			    "another max_entries") &&
	     kt_check_ok(put_fd(be, outer, 1, same, 0), "update") &&
	     kt_check_ok(be_elem(be, BPF_MAP_LOOKUP_ELEM, outer, &key, &value, 0),
			 "lookup") &&
	     kt_check_u64(value, id, "lookup gives the inner map id");
	if (ok && array)
		ok = kt_check_errno(put_fd(be, outer, 1, same, BPF_NOEXIST),
				    EINVAL, "BPF_NOEXIST on an array") &&
		     kt_check_errno(put_fd(be, outer, OUTER_SLOTS, same, 0), E2BIG,
				    "index == max_entries");
	if (ok && !array)
		ok = kt_check_errno(put_fd(be, outer, 1, same, BPF_NOEXIST),
				    EEXIST, "BPF_NOEXIST on a present key") &&
		     kt_check_errno(put_fd(be, outer, 2, same, BPF_EXIST),
				    ENOENT, "BPF_EXIST on an absent key") &&
		     kt_check_ok(put_fd(be, outer, 2, same, BPF_NOEXIST),
				 "BPF_NOEXIST on an absent key");
	key = 1;
	ok = ok &&
	     kt_check_ok(be_elem(be, BPF_MAP_DELETE_ELEM, outer, &key, NULL, 0),
			 "delete") &&
	     kt_check_errno(be_elem(be, BPF_MAP_DELETE_ELEM, outer, &key, NULL, 0),
			    ENOENT, "delete again");
	be_close(outer);
	be_close(hash);
	be_close(wider);
	be_close(longer);
	be_close(same);
	be_close(tmpl);
	return ok;
}

static bool c_array_updates(const struct kt_be *be)
{
	return update_cases(be, BPF_MAP_TYPE_ARRAY_OF_MAPS);
}

static bool c_hash_updates(const struct kt_be *be)
{
	return update_cases(be, BPF_MAP_TYPE_HASH_OF_MAPS);
}

/* A BPF_F_INNER_MAP template takes arrays of any size. */
static bool c_inner_map_flag(const struct kt_be *be)
{
	int tmpl = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, BPF_F_INNER_MAP);
	int longer = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 30,
				   BPF_F_INNER_MAP);
	int plain = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int outer = outer_create(be, BPF_MAP_TYPE_ARRAY_OF_MAPS, tmpl, 0);
	bool ok;

	ok = kt_check_ok(outer, "MAP_CREATE") &&
	     kt_check_ok(put_fd(be, outer, 0, longer, 0), "update 30 entries") &&
	     kt_check_errno(put_fd(be, outer, 0, plain, 0), EINVAL,
			    "flags must match");
	be_close(outer);
	be_close(plain);
	be_close(longer);
	be_close(tmpl);
	return ok;
}

/* A stored inner map outlives its fd, and goes when its slot is deleted. */
static bool c_inner_lifetime(const struct kt_be *be)
{
	int inner = be_map_create(be, BPF_MAP_TYPE_HASH, 4, 8, 2, 0);
	int outer = outer_create(be, BPF_MAP_TYPE_HASH_OF_MAPS, inner, 0);
	__u32 key = 7, id = be_map_id(be, inner);
	int again = -1;
	bool ok;

	ok = kt_check_ok(outer, "MAP_CREATE") &&
	     kt_check_ok(put_fd(be, outer, 7, inner, 0), "update") &&
	     kt_check_ok(be_close(inner), "close inner");
	inner = -1;
	if (ok) {
		again = be_fd_by_id(be, BPF_MAP_GET_FD_BY_ID, id);
		ok = kt_check_ok(again, "inner map alive by id");
		be_close(again);
	}
	ok = ok &&
	     kt_check_ok(be_elem(be, BPF_MAP_DELETE_ELEM, outer, &key, NULL, 0),
			 "delete") &&
	     kt_check_true(be_wait_gone(be, BPF_MAP_GET_FD_BY_ID, id),
			   "inner map freed after delete");
	be_close(outer);
	be_close(inner);
	return ok;
}

/*
 * outer[0] -> inner map; inner[0] read by a program. The value the
 * program returns is the one userspace stored in the inner map.
 */
static bool prog_lookup_case(const struct kt_be *be, __u32 type)
{
	int inner = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int other = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int outer = outer_create(be, type, inner, 0);
	const struct bpf_insn insns[] = {
		KT_MOV64_IMM(1, 0),
		KT_STX(BPF_W, 10, 1, -4),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_LD_MAP_FD(1, outer),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(0, 0, 6),
		KT_MOV64_REG(1, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_JEQ_IMM(0, 0, 1),
		KT_LDX(BPF_DW, 0, 0, 0),
		KT_EXIT(),
	};
	int prog = be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, insns,
				KT_ARRAY_SIZE(insns));
	__u64 v1 = 0x1234, v2 = 0x5678;
	__u32 key = 0, ret = 1;
	bool ok;

	ok = kt_check_ok(outer, "MAP_CREATE") && kt_check_ok(prog, "PROG_LOAD") &&
	     kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, inner, &key, &v1, 0),
			 "inner update") &&
	     kt_check_ok(be_elem(be, BPF_MAP_UPDATE_ELEM, other, &key, &v2, 0),
			 "other update") &&
	     kt_check_ok(be_test_run(be, prog, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, 0, "no inner map yet") &&
	     kt_check_ok(put_fd(be, outer, 0, inner, 0), "update") &&
	     kt_check_ok(be_test_run(be, prog, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, 0x1234, "value read through the inner map") &&
	     kt_check_ok(put_fd(be, outer, 0, other, 0), "update other") &&
	     kt_check_ok(be_test_run(be, prog, &ret), "TEST_RUN") &&
	     kt_check_u64(ret, 0x5678, "value read through the new inner map");
	be_close(prog);
	be_close(outer);
	be_close(other);
	be_close(inner);
	return ok;
}

static bool c_prog_array_of_maps(const struct kt_be *be)
{
	return prog_lookup_case(be, BPF_MAP_TYPE_ARRAY_OF_MAPS);
}

static bool c_prog_hash_of_maps(const struct kt_be *be)
{
	return prog_lookup_case(be, BPF_MAP_TYPE_HASH_OF_MAPS);
}

/* Programs may not change a map-in-map, nor use an unchecked inner map. */
static bool c_prog_rejects(const struct kt_be *be)
{
	int inner = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int outer = outer_create(be, BPF_MAP_TYPE_ARRAY_OF_MAPS, inner, 0);
	const struct bpf_insn del[] = {
		KT_MOV64_IMM(1, 0),
		KT_STX(BPF_W, 10, 1, -4),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_LD_MAP_FD(1, outer),
		KT_CALL(BPF_FUNC_map_delete_elem),
		KT_EXIT(),
	};
	const struct bpf_insn unchecked[] = {
		KT_MOV64_IMM(1, 0),
		KT_STX(BPF_W, 10, 1, -4),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_LD_MAP_FD(1, outer),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_MOV64_REG(1, 0),
		KT_MOV64_REG(2, 10),
		KT_ALU64_IMM(BPF_ADD, 2, -4),
		KT_CALL(BPF_FUNC_map_lookup_elem),
		KT_MOV64_IMM(0, 0),
		KT_EXIT(),
	};
	int p1 = -1, p2 = -1;
	bool ok;

	/* Each errno checked before the next call can change errno. */
	ok = kt_check_ok(outer, "MAP_CREATE");
	if (ok) {
		p1 = be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, del,
				  KT_ARRAY_SIZE(del));
		ok = kt_check_errno(p1, EINVAL,
				    "map_delete_elem on an array of maps");
	}
	if (ok) {
		p2 = be_prog_load(be, BPF_PROG_TYPE_SOCKET_FILTER, unchecked,
				  KT_ARRAY_SIZE(unchecked));
		ok = kt_check_errno(p2, EACCES,
				    "inner map used before its NULL check");
	}
	be_close(p2);
	be_close(p1);
	be_close(outer);
	be_close(inner);
	return ok;
}

/* An array of maps takes Linux's generic batch lookup and update. */
static bool c_array_batch(const struct kt_be *be)
{
	int a = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int b = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int outer = outer_create(be, BPF_MAP_TYPE_ARRAY_OF_MAPS, a, 0);
	__u32 keys[OUTER_SLOTS] = { 0, 2 }, vals[OUTER_SLOTS] = { 0 };
	__u32 out_keys[OUTER_SLOTS], out_vals[OUTER_SLOTS], out_batch = 0;
	union bpf_attr attr;
	bool ok;

	vals[0] = (__u32)a;
	vals[1] = (__u32)b;
	kt_attr_zero(&attr);
	attr.batch.map_fd = (__u32)outer;
	attr.batch.keys = kt_ptr(keys);
	attr.batch.values = kt_ptr(vals);
	attr.batch.count = 2;
	ok = kt_check_ok(outer, "MAP_CREATE") &&
	     kt_check_ok(be_call(be, BPF_MAP_UPDATE_BATCH, &attr), "UPDATE_BATCH") &&
	     kt_check_u64(attr.batch.count, 2, "updated");
	kt_attr_zero(&attr);
	attr.batch.map_fd = (__u32)outer;
	attr.batch.keys = kt_ptr(out_keys);
	attr.batch.values = kt_ptr(out_vals);
	attr.batch.out_batch = kt_ptr(&out_batch);
	attr.batch.count = OUTER_SLOTS;
	/* The walk ends past the last slot: ENOENT, with what it found. */
	ok = ok &&
	     kt_check_errno(be_call(be, BPF_MAP_LOOKUP_BATCH, &attr), ENOENT,
			    "LOOKUP_BATCH") &&
	     kt_check_u64(attr.batch.count, 2, "found") &&
	     kt_check_u64(out_keys[0], 0, "first key") &&
	     kt_check_u64(out_vals[0], be_map_id(be, a), "first id") &&
	     kt_check_u64(out_keys[1], 2, "second key") &&
	     kt_check_u64(out_vals[1], be_map_id(be, b), "second id");
	kt_attr_zero(&attr);
	attr.batch.map_fd = (__u32)outer;
	attr.batch.keys = kt_ptr(keys);
	attr.batch.count = 1;
	ok = ok &&
	     kt_check_errno(be_call(be, BPF_MAP_DELETE_BATCH, &attr), KT_ENOTSUPP,
			    "DELETE_BATCH");
	be_close(outer);
	be_close(b);
	be_close(a);
	return ok;
}

/* A hash of maps takes the hash batches; values are fds in, ids out. */
static bool c_hash_batch(const struct kt_be *be)
{
	int a = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int b = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0);
	int outer = outer_create(be, BPF_MAP_TYPE_HASH_OF_MAPS, a, 0);
	__u32 keys[OUTER_SLOTS] = { 5, 9 }, vals[OUTER_SLOTS] = { 0 };
	__u32 out_keys[OUTER_SLOTS], out_vals[OUTER_SLOTS], out_batch = 0;
	__u32 id_a = be_map_id(be, a), id_b = be_map_id(be, b), next, i;
	bool ok, seen5 = false, seen9 = false;
	union bpf_attr attr;

	vals[0] = (__u32)a;
	vals[1] = (__u32)b;
	kt_attr_zero(&attr);
	attr.batch.map_fd = (__u32)outer;
	attr.batch.keys = kt_ptr(keys);
	attr.batch.values = kt_ptr(vals);
	attr.batch.count = 2;
	ok = kt_check_ok(outer, "MAP_CREATE") &&
	     kt_check_ok(be_call(be, BPF_MAP_UPDATE_BATCH, &attr), "UPDATE_BATCH");
	kt_attr_zero(&attr);
	attr.batch.map_fd = (__u32)outer;
	attr.batch.keys = kt_ptr(out_keys);
	attr.batch.values = kt_ptr(out_vals);
	attr.batch.out_batch = kt_ptr(&out_batch);
	attr.batch.count = OUTER_SLOTS;
	ok = ok &&
	     kt_check_errno(be_call(be, BPF_MAP_LOOKUP_AND_DELETE_BATCH, &attr),
			    ENOENT, "LOOKUP_AND_DELETE_BATCH") &&
	     kt_check_u64(attr.batch.count, 2, "found");
	/* Hash order is the map's own: compare as a set. */
	for (i = 0; ok && i < 2; i++) {
		seen5 |= out_keys[i] == 5 && out_vals[i] == id_a;
		seen9 |= out_keys[i] == 9 && out_vals[i] == id_b;
	}
	ok = ok && kt_check_true(seen5 && seen9, "keys 5 and 9 with their ids") &&
	     kt_check_errno(be_next_key(be, outer, NULL, &next), ENOENT,
			    "empty afterwards");
	be_close(outer);
	be_close(b);
	be_close(a);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;

	(void)argc;
	if (!kt_dual_setup(argv[0], "all", &linux_ok))
		return kt_done();
	kt_dual("create_errors", c_create_errors, linux_ok);
	kt_dual("array_of_maps_updates", c_array_updates, linux_ok);
	kt_dual("hash_of_maps_updates", c_hash_updates, linux_ok);
	kt_dual("inner_map_flag", c_inner_map_flag, linux_ok);
	kt_dual("inner_lifetime", c_inner_lifetime, linux_ok);
	kt_dual("prog_array_of_maps", c_prog_array_of_maps, linux_ok);
	kt_dual("prog_hash_of_maps", c_prog_hash_of_maps, linux_ok);
	kt_dual("prog_rejects", c_prog_rejects, linux_ok);
	kt_dual("array_of_maps_batch", c_array_batch, linux_ok);
	kt_dual("hash_of_maps_batch", c_hash_batch, linux_ok);
	return kt_done();
}
