// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_CREATE's rules for the array and hash families, RINGBUF and
 * PERF_EVENT_ARRAY, one case per attr: key and value size rules,
 * max_entries, every map flag on every type that refuses it, NUMA nodes,
 * names, the fields only BTF or bloom filters use, and which check wins
 * when several fail. Every case runs on kbpf and again on Linux's bpf(2)
 * (kt_dual.h), so the errno written in the table is Linux 6.1's
 * (array_map_alloc_check(), fd_array_map_alloc_check(),
 * htab_map_alloc_check(), ringbuf_map_alloc() and map_create()).
 */
#include <limits.h>

#include "kt_dual.h"

#define PAGE		4096u
#define KMALLOC_MAX	(4u << 20)	/* x86-64's KMALLOC_MAX_SIZE */
#define PCPU_UNIT	32768u		/* PCPU_MIN_UNIT_SIZE */
#define FLAG_UNKNOWN	(1u << 13)	/* the first map flag 6.1 does not know */

/* What a case changes in the attr besides type, sizes and flags. */
enum tweak {
	T_NONE,
	T_NUMA_0,		/* numa_node 0 (with BPF_F_NUMA_NODE) */
	T_NUMA_1,		/* numa_node 1: no such node in the guest */
	T_NUMA_NONE,		/* numa_node -1, NUMA_NO_NODE, with the flag */
	T_NUMA_1_NO_FLAG,	/* numa_node 1 without the flag: ignored */
	T_NAME_OK,		/* "ok_name.1" */
	T_NAME_DASH,		/* "bad-name": not [A-Za-z0-9_.] */
	T_NAME_FULL,		/* 16 characters, no NUL */
	T_NAME_AFTER_NUL,	/* junk after the NUL is never read */
	T_MAP_EXTRA,		/* map_extra: bloom filters only */
	T_BTF_KEY_ONLY,		/* btf_key_type_id without btf_value_type_id */
	T_BTF_VMLINUX,		/* btf_vmlinux_value_type_id: struct_ops only */
	T_INNER_FD,		/* inner_map_fd on a type without inner maps */
};

struct create_case {
	const char *name;
	__u32 type, key_size, value_size, max_entries, flags;
	enum tweak tweak;
	int want;	/* 0: the create works */
};

#define ARR	BPF_MAP_TYPE_ARRAY
#define PARR	BPF_MAP_TYPE_PERCPU_ARRAY
#define HASH	BPF_MAP_TYPE_HASH
#define PHASH	BPF_MAP_TYPE_PERCPU_HASH
#define LRU	BPF_MAP_TYPE_LRU_HASH
#define PLRU	BPF_MAP_TYPE_LRU_PERCPU_HASH
#define RB	BPF_MAP_TYPE_RINGBUF
#define PEA	BPF_MAP_TYPE_PERF_EVENT_ARRAY

static const struct create_case cases[] = {
	/* ARRAY */
	{ "array_ok", ARR, 4, 8, 4, 0, T_NONE, 0 },
	{ "array_key_8", ARR, 8, 8, 4, 0, T_NONE, EINVAL },
	{ "array_key_0", ARR, 0, 8, 4, 0, T_NONE, EINVAL },
	{ "array_value_0", ARR, 4, 0, 4, 0, T_NONE, EINVAL },
	{ "array_max_0", ARR, 4, 8, 0, 0, T_NONE, EINVAL },
	{ "array_value_int_max_plus_1", ARR, 4, (__u32)INT_MAX + 1, 1, 0, T_NONE, E2BIG },
	{ "array_1tib", ARR, 4, 1u << 20, 1u << 20, 0, T_NONE, ENOMEM },
	{ "array_mmapable_1tib", ARR, 4, 1u << 20, 1u << 20, BPF_F_MMAPABLE, T_NONE, ENOMEM },
	{ "array_no_prealloc", ARR, 4, 8, 4, BPF_F_NO_PREALLOC, T_NONE, EINVAL },
	{ "array_no_common_lru", ARR, 4, 8, 4, BPF_F_NO_COMMON_LRU, T_NONE, EINVAL },
	{ "array_zero_seed", ARR, 4, 8, 4, BPF_F_ZERO_SEED, T_NONE, EINVAL },
	{ "array_stack_build_id", ARR, 4, 8, 4, BPF_F_STACK_BUILD_ID, T_NONE, EINVAL },
	{ "array_clone", ARR, 4, 8, 4, BPF_F_CLONE, T_NONE, EINVAL },
	{ "array_preserve_elems", ARR, 4, 8, 4, BPF_F_PRESERVE_ELEMS, T_NONE, EINVAL },
	{ "array_flag_unknown", ARR, 4, 8, 4, FLAG_UNKNOWN, T_NONE, EINVAL },
	{ "array_flag_bit31", ARR, 4, 8, 4, 1u << 31, T_NONE, EINVAL },
	{ "array_rdonly_wronly", ARR, 4, 8, 4, BPF_F_RDONLY | BPF_F_WRONLY, T_NONE, EINVAL },
	{ "array_rdonly_wronly_prog", ARR, 4, 8, 4,
	  BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, T_NONE, EINVAL },
	{ "array_rdonly", ARR, 4, 8, 4, BPF_F_RDONLY, T_NONE, 0 },
	{ "array_wronly", ARR, 4, 8, 4, BPF_F_WRONLY, T_NONE, 0 },
	{ "array_rdonly_prog", ARR, 4, 8, 4, BPF_F_RDONLY_PROG, T_NONE, 0 },
	{ "array_wronly_prog", ARR, 4, 8, 4, BPF_F_WRONLY_PROG, T_NONE, 0 },
	{ "array_rdonly_and_rdonly_prog", ARR, 4, 8, 4,
	  BPF_F_RDONLY | BPF_F_RDONLY_PROG, T_NONE, 0 },
	{ "array_mmapable", ARR, 4, 8, 4, BPF_F_MMAPABLE, T_NONE, 0 },
	{ "array_inner_map", ARR, 4, 8, 4, BPF_F_INNER_MAP, T_NONE, 0 },
	{ "array_numa_0", ARR, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_0, 0 },
	{ "array_numa_1", ARR, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_1, EINVAL },
	{ "array_numa_no_node", ARR, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_NONE, 0 },
	{ "array_numa_1_without_flag", ARR, 4, 8, 4, 0, T_NUMA_1_NO_FLAG, 0 },
	{ "array_name_ok", ARR, 4, 8, 4, 0, T_NAME_OK, 0 },
	{ "array_name_dash", ARR, 4, 8, 4, 0, T_NAME_DASH, EINVAL },
	{ "array_name_no_nul", ARR, 4, 8, 4, 0, T_NAME_FULL, EINVAL },
	{ "array_name_junk_after_nul", ARR, 4, 8, 4, 0, T_NAME_AFTER_NUL, 0 },
	/* The name is copied after the map type's checks. */
	{ "array_name_dash_and_key_8", ARR, 8, 8, 4, 0, T_NAME_DASH, EINVAL },
	{ "array_name_dash_and_too_big", ARR, 4, (__u32)INT_MAX + 1, 1, 0,
	  T_NAME_DASH, E2BIG },
	{ "array_map_extra", ARR, 4, 8, 4, 0, T_MAP_EXTRA, EINVAL },
	{ "array_btf_key_only", ARR, 4, 8, 4, 0, T_BTF_KEY_ONLY, EINVAL },
	{ "array_btf_vmlinux", ARR, 4, 8, 4, 0, T_BTF_VMLINUX, EINVAL },
	/* Both before the flags and the sizes. */
	{ "array_map_extra_and_rdonly_wronly", ARR, 4, 8, 4,
	  BPF_F_RDONLY | BPF_F_WRONLY, T_MAP_EXTRA, EINVAL },
	{ "array_inner_fd_ignored", ARR, 4, 8, 4, 0, T_INNER_FD, 0 },

	/* PERCPU_ARRAY */
	{ "percpu_array_ok", PARR, 4, 8, 4, 0, T_NONE, 0 },
	{ "percpu_array_key_8", PARR, 8, 8, 4, 0, T_NONE, EINVAL },
	{ "percpu_array_value_0", PARR, 4, 0, 4, 0, T_NONE, EINVAL },
	{ "percpu_array_max_0", PARR, 4, 8, 0, 0, T_NONE, EINVAL },
	{ "percpu_array_value_32k", PARR, 4, PCPU_UNIT, 1, 0, T_NONE, 0 },
	{ "percpu_array_value_32k_minus_7", PARR, 4, PCPU_UNIT - 7, 1, 0, T_NONE, 0 },
	{ "percpu_array_value_32k_plus_1", PARR, 4, PCPU_UNIT + 1, 1, 0, T_NONE, E2BIG },
	{ "percpu_array_mmapable", PARR, 4, 8, 4, BPF_F_MMAPABLE, T_NONE, EINVAL },
	{ "percpu_array_inner_map", PARR, 4, 8, 4, BPF_F_INNER_MAP, T_NONE, EINVAL },
	{ "percpu_array_no_prealloc", PARR, 4, 8, 4, BPF_F_NO_PREALLOC, T_NONE, EINVAL },
	{ "percpu_array_numa_0", PARR, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_0, EINVAL },
	{ "percpu_array_numa_no_node", PARR, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_NONE, 0 },
	{ "percpu_array_rdonly_prog", PARR, 4, 8, 4, BPF_F_RDONLY_PROG, T_NONE, 0 },
	{ "percpu_array_wronly", PARR, 4, 8, 4, BPF_F_WRONLY, T_NONE, 0 },

	/* HASH */
	{ "hash_ok", HASH, 4, 8, 4, 0, T_NONE, 0 },
	{ "hash_key_1", HASH, 1, 8, 4, 0, T_NONE, 0 },
	{ "hash_key_0", HASH, 0, 8, 4, 0, T_NONE, EINVAL },
	{ "hash_value_0", HASH, 4, 0, 4, 0, T_NONE, EINVAL },
	{ "hash_max_0", HASH, 4, 8, 0, 0, T_NONE, EINVAL },
	{ "hash_kv_kmalloc_max", HASH, 4, KMALLOC_MAX, 1, 0, T_NONE, E2BIG },
	{ "hash_key_kmalloc_max", HASH, KMALLOC_MAX, 4, 1, 0, T_NONE, E2BIG },
	{ "hash_max_2g_plus_1", HASH, 4, 8, (1u << 31) + 1, 0, T_NONE, E2BIG },
	{ "hash_no_prealloc", HASH, 4, 8, 4, BPF_F_NO_PREALLOC, T_NONE, 0 },
	{ "hash_zero_seed", HASH, 4, 8, 4, BPF_F_ZERO_SEED, T_NONE, 0 },
	{ "hash_numa_0", HASH, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_0, 0 },
	{ "hash_numa_1", HASH, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_1, EINVAL },
	{ "hash_rdonly_prog", HASH, 4, 8, 4, BPF_F_RDONLY_PROG, T_NONE, 0 },
	{ "hash_wronly", HASH, 4, 8, 4, BPF_F_WRONLY, T_NONE, 0 },
	{ "hash_no_common_lru", HASH, 4, 8, 4, BPF_F_NO_COMMON_LRU, T_NONE, EINVAL },
	{ "hash_mmapable", HASH, 4, 8, 4, BPF_F_MMAPABLE, T_NONE, EINVAL },
	{ "hash_inner_map", HASH, 4, 8, 4, BPF_F_INNER_MAP, T_NONE, EINVAL },
	{ "hash_preserve_elems", HASH, 4, 8, 4, BPF_F_PRESERVE_ELEMS, T_NONE, EINVAL },
	{ "hash_clone", HASH, 4, 8, 4, BPF_F_CLONE, T_NONE, EINVAL },
	{ "hash_flag_unknown", HASH, 4, 8, 4, FLAG_UNKNOWN, T_NONE, EINVAL },
	{ "hash_rdonly_wronly", HASH, 4, 8, 4, BPF_F_RDONLY | BPF_F_WRONLY, T_NONE, EINVAL },
	{ "hash_rdonly_wronly_prog", HASH, 4, 8, 4,
	  BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, T_NONE, EINVAL },
	/* Flags are checked before sizes. */
	{ "hash_no_common_lru_and_kv_too_big", HASH, 4, KMALLOC_MAX, 1,
	  BPF_F_NO_COMMON_LRU, T_NONE, EINVAL },
	{ "hash_name_dash", HASH, 4, 8, 4, 0, T_NAME_DASH, EINVAL },
	{ "hash_inner_fd_ignored", HASH, 4, 8, 4, 0, T_INNER_FD, 0 },

	/* PERCPU_HASH */
	{ "percpu_hash_ok", PHASH, 4, 8, 4, 0, T_NONE, 0 },
	{ "percpu_hash_no_prealloc", PHASH, 4, 8, 4, BPF_F_NO_PREALLOC, T_NONE, 0 },
	{ "percpu_hash_value_32k", PHASH, 4, PCPU_UNIT, 1, 0, T_NONE, 0 },
	{ "percpu_hash_value_32k_plus_1", PHASH, 4, PCPU_UNIT + 1, 1, 0, T_NONE, E2BIG },
	{ "percpu_hash_numa_0", PHASH, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_0, EINVAL },
	{ "percpu_hash_no_common_lru", PHASH, 4, 8, 4, BPF_F_NO_COMMON_LRU, T_NONE, EINVAL },
	{ "percpu_hash_key_0", PHASH, 0, 8, 4, 0, T_NONE, EINVAL },
	{ "percpu_hash_mmapable", PHASH, 4, 8, 4, BPF_F_MMAPABLE, T_NONE, EINVAL },

	/* LRU_HASH */
	{ "lru_ok", LRU, 4, 8, 4, 0, T_NONE, 0 },
	{ "lru_no_common_lru", LRU, 4, 8, 4, BPF_F_NO_COMMON_LRU, T_NONE, 0 },
	{ "lru_numa_0", LRU, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_0, 0 },
	{ "lru_no_common_lru_numa_0", LRU, 4, 8, 4,
	  BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE, T_NUMA_0, EINVAL },
	{ "lru_no_prealloc", LRU, 4, 8, 4, BPF_F_NO_PREALLOC, T_NONE, KT_ENOTSUPP },
	/* ENOTSUPP for NO_PREALLOC comes before the size checks ... */
	{ "lru_no_prealloc_and_key_0", LRU, 0, 8, 4, BPF_F_NO_PREALLOC, T_NONE, KT_ENOTSUPP },
	/* ... but after the flag mask. */
	{ "lru_no_prealloc_and_mmapable", LRU, 4, 8, 4,
	  BPF_F_NO_PREALLOC | BPF_F_MMAPABLE, T_NONE, EINVAL },
	{ "lru_zero_seed", LRU, 4, 8, 4, BPF_F_ZERO_SEED, T_NONE, 0 },
	{ "lru_key_0", LRU, 0, 8, 4, 0, T_NONE, EINVAL },
	{ "lru_value_0", LRU, 4, 0, 4, 0, T_NONE, EINVAL },
	{ "lru_max_0", LRU, 4, 8, 0, 0, T_NONE, EINVAL },
	{ "lru_inner_map", LRU, 4, 8, 4, BPF_F_INNER_MAP, T_NONE, EINVAL },

	/* LRU_PERCPU_HASH */
	{ "lru_percpu_ok", PLRU, 4, 8, 4, 0, T_NONE, 0 },
	{ "lru_percpu_no_common_lru", PLRU, 4, 8, 4, BPF_F_NO_COMMON_LRU, T_NONE, 0 },
	{ "lru_percpu_numa_0", PLRU, 4, 8, 4, BPF_F_NUMA_NODE, T_NUMA_0, EINVAL },
	{ "lru_percpu_no_prealloc", PLRU, 4, 8, 4, BPF_F_NO_PREALLOC, T_NONE, KT_ENOTSUPP },
	{ "lru_percpu_value_32k_plus_1", PLRU, 4, PCPU_UNIT + 1, 1, 0, T_NONE, E2BIG },

	/* RINGBUF */
	{ "ringbuf_ok", RB, 0, 0, PAGE, 0, T_NONE, 0 },
	{ "ringbuf_numa_0", RB, 0, 0, PAGE, BPF_F_NUMA_NODE, T_NUMA_0, 0 },
	{ "ringbuf_key_4", RB, 4, 0, PAGE, 0, T_NONE, EINVAL },
	{ "ringbuf_value_4", RB, 0, 4, PAGE, 0, T_NONE, EINVAL },
	{ "ringbuf_max_0", RB, 0, 0, 0, 0, T_NONE, EINVAL },
	{ "ringbuf_max_not_pow2", RB, 0, 0, 3 * PAGE, 0, T_NONE, EINVAL },
	{ "ringbuf_max_not_page", RB, 0, 0, PAGE / 2, 0, T_NONE, EINVAL },
	/* Only BPF_F_NUMA_NODE: even the fd access flags are refused. */
	{ "ringbuf_rdonly", RB, 0, 0, PAGE, BPF_F_RDONLY, T_NONE, EINVAL },
	{ "ringbuf_wronly", RB, 0, 0, PAGE, BPF_F_WRONLY, T_NONE, EINVAL },
	{ "ringbuf_rdonly_prog", RB, 0, 0, PAGE, BPF_F_RDONLY_PROG, T_NONE, EINVAL },
	{ "ringbuf_mmapable", RB, 0, 0, PAGE, BPF_F_MMAPABLE, T_NONE, EINVAL },
	{ "ringbuf_no_prealloc", RB, 0, 0, PAGE, BPF_F_NO_PREALLOC, T_NONE, EINVAL },
	{ "ringbuf_name_dash", RB, 0, 0, PAGE, 0, T_NAME_DASH, EINVAL },
	{ "ringbuf_rdonly_wronly", RB, 0, 0, PAGE, BPF_F_RDONLY | BPF_F_WRONLY, T_NONE, EINVAL },

	/* PERF_EVENT_ARRAY */
	{ "perf_event_array_ok", PEA, 4, 4, 4, 0, T_NONE, 0 },
	{ "perf_event_array_preserve_elems", PEA, 4, 4, 4, BPF_F_PRESERVE_ELEMS, T_NONE, 0 },
	{ "perf_event_array_value_8", PEA, 4, 8, 4, 0, T_NONE, EINVAL },
	{ "perf_event_array_key_8", PEA, 8, 4, 4, 0, T_NONE, EINVAL },
	{ "perf_event_array_max_0", PEA, 4, 4, 0, 0, T_NONE, EINVAL },
	{ "perf_event_array_rdonly_prog", PEA, 4, 4, 4, BPF_F_RDONLY_PROG, T_NONE, EINVAL },
	{ "perf_event_array_wronly_prog", PEA, 4, 4, 4, BPF_F_WRONLY_PROG, T_NONE, EINVAL },
	{ "perf_event_array_rdonly", PEA, 4, 4, 4, BPF_F_RDONLY, T_NONE, 0 },
	{ "perf_event_array_mmapable", PEA, 4, 4, 4, BPF_F_MMAPABLE, T_NONE, EINVAL },
	{ "perf_event_array_inner_map", PEA, 4, 4, 4, BPF_F_INNER_MAP, T_NONE, EINVAL },
	{ "perf_event_array_no_prealloc", PEA, 4, 4, 4, BPF_F_NO_PREALLOC, T_NONE, EINVAL },
	{ "perf_event_array_numa_0", PEA, 4, 4, 4, BPF_F_NUMA_NODE, T_NUMA_0, 0 },
};

static void apply_tweak(union bpf_attr *attr, enum tweak tweak, int inner_fd)
{
	switch (tweak) {
	case T_NONE:
		break;
	case T_NUMA_0:
		attr->numa_node = 0;
		break;
	case T_NUMA_1:
	case T_NUMA_1_NO_FLAG:
		attr->numa_node = 1;
		break;
	case T_NUMA_NONE:
		attr->numa_node = (__u32)-1;
		break;
	case T_NAME_OK:
		memcpy(attr->map_name, "ok_name.1", sizeof("ok_name.1"));
		break;
	case T_NAME_DASH:
		memcpy(attr->map_name, "bad-name", sizeof("bad-name"));
		break;
	case T_NAME_FULL:
		memset(attr->map_name, 'a', sizeof(attr->map_name));
		break;
	case T_NAME_AFTER_NUL:
		memcpy(attr->map_name, "ok\0-!-", sizeof("ok\0-!-"));
		break;
	case T_MAP_EXTRA:
		attr->map_extra = 1;
		break;
	case T_BTF_KEY_ONLY:
		attr->btf_key_type_id = 1;
		break;
	case T_BTF_VMLINUX:
		attr->btf_vmlinux_value_type_id = 1;
		break;
	case T_INNER_FD:
		attr->inner_map_fd = (__u32)inner_fd;
		break;
	}
}

static bool c_create(const struct kt_be *be, const void *arg)
{
	const struct create_case *c = arg;
	union bpf_attr attr;
	int inner_fd = -1, fd;
	bool ok;

	if (c->tweak == T_INNER_FD) {
		/* A real map fd, where only map-in-map types would read it. */
		inner_fd = be_map_create(be, BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
		if (!kt_check_ok(inner_fd, "inner MAP_CREATE"))
			return false;
	}
	kt_attr_zero(&attr);
	attr.map_type = c->type;
	attr.key_size = c->key_size;
	attr.value_size = c->value_size;
	attr.max_entries = c->max_entries;
	attr.map_flags = c->flags;
	apply_tweak(&attr, c->tweak, inner_fd);
	fd = be_call(be, BPF_MAP_CREATE, &attr);
	if (c->want)
		ok = kt_check_errno(fd, c->want, "MAP_CREATE");
	else
		ok = kt_check_ok(fd, "MAP_CREATE");
	if (fd >= 0)
		close(fd);
	if (inner_fd >= 0)
		close(inner_fd);
	return ok;
}

int main(int argc, char **argv)
{
	bool linux_ok;
	size_t i;

	(void)argc;
	kt_init(argv[0]);
	if (!kt_open_dev())
		return kt_done();
	linux_ok = kt_linux_bpf_usable();
	for (i = 0; i < KT_ARRAY_SIZE(cases); i++)
		kt_dual_arg(cases[i].name, c_create, &cases[i], linux_ok);
	return kt_done();
}
