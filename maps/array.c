// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY: max_entries fixed-size
 * values indexed by a u32 key, preallocated and zeroed at creation;
 * elements cannot be deleted. A per-CPU array keeps one copy of every
 * value per possible CPU: programs see their CPU's copy, the syscall side
 * reads and writes all of them at once.
 */
#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/map.h>
#include <kbpf/engine.h>

#define ARRAY_CREATE_FLAG_MASK (BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | \
				BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG | \
				BPF_F_INNER_MAP | BPF_F_MMAPABLE)

struct kbpf_array {
	struct kbpf_map map;
	u32 elem_size;
	/*
	 * Every index is ANDed with it after the bounds check (Linux's
	 * Spectre v1 index mask); for creators without CAP_PERFMON the
	 * values are allocated up to it, so a mispredicted check still
	 * reads inside the array.
	 */
	u32 index_mask;
	union {
		char *values;
		/* PERCPU_ARRAY: one per-CPU slot of elem_size bytes per index. */
		void __percpu **pptrs;
	};
	/*
	 * A plain array that cannot be mmap'ed keeps its values right here
	 * (values points at them), so an inlined lookup finds them at a
	 * constant offset from the map, as in Linux's struct bpf_array.
	 */
	char inline_values[] __aligned(8);
};

static bool array_values_inline(const struct kbpf_map *map)
{
	return map->map_type == BPF_MAP_TYPE_ARRAY &&
	       !(map->map_flags & BPF_F_MMAPABLE);
}

static struct kbpf_array *to_array(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_array, map);
}

static int array_map_alloc_check(union bpf_attr *attr)
{
	bool percpu = attr->map_type == BPF_MAP_TYPE_PERCPU_ARRAY;

	if (attr->max_entries == 0 || attr->key_size != 4 ||
	    attr->value_size == 0 ||
	    attr->map_flags & ~ARRAY_CREATE_FLAG_MASK ||
	    !kbpf_map_flags_access_ok(attr->map_flags) ||
	    (percpu && kbpf_map_attr_numa_node(attr) != NUMA_NO_NODE))
		return -EINVAL;
	/* Only a plain array can be mmap'ed or the template of a map-in-map. */
	if (attr->map_type != BPF_MAP_TYPE_ARRAY &&
	    attr->map_flags & (BPF_F_INNER_MAP | BPF_F_MMAPABLE))
		return -EINVAL;
	/* round_up(value_size, 8) must not overflow. */
	if (attr->value_size > INT_MAX)
		return -E2BIG;
	/* The per-CPU allocator hands out at most one unit per CPU. */
	if (percpu && round_up(attr->value_size, 8) > PCPU_MIN_UNIT_SIZE)
		return -E2BIG;
	return 0;
}

static void array_free_percpu(struct kbpf_array *array)
{
	u32 i;

	for (i = 0; i < array->map.max_entries; i++) {
		free_percpu(array->pptrs[i]);
		cond_resched();
	}
}

/* One per-CPU allocation per index, zeroed by the allocator. */
static int array_alloc_percpu(struct kbpf_array *array)
{
	u32 i;

	for (i = 0; i < array->map.max_entries; i++) {
		array->pptrs[i] = __alloc_percpu_gfp(array->elem_size, 8,
						     GFP_USER | __GFP_NOWARN |
						     __GFP_ACCOUNT);
		if (!array->pptrs[i]) {
			array_free_percpu(array);
			return -ENOMEM;
		}
		cond_resched();
	}
	return 0;
}

/* The smallest 2^n - 1 that is >= every index below max_entries. */
static u32 array_index_mask(u32 max_entries)
{
	return (u32)(roundup_pow_of_two(max_entries) - 1);
}

static struct kbpf_map *array_map_alloc(union bpf_attr *attr)
{
	bool percpu = attr->map_type == BPF_MAP_TYPE_PERCPU_ARRAY;
	u32 elem_size = round_up(attr->value_size, 8);
	int numa_node = kbpf_map_attr_numa_node(attr);
	bool bypass_spec_v1 = perfmon_capable();
	u64 slots = attr->max_entries;
	struct kbpf_array *array;
	void *area;

	if (!bypass_spec_v1) {
		slots = roundup_pow_of_two(attr->max_entries);
		/* Linux's limit: the padded count must fit in a u32. */
		if (slots > U32_MAX)
			return ERR_PTR(-E2BIG);
	}
	if (attr->map_type == BPF_MAP_TYPE_ARRAY &&
	    !(attr->map_flags & BPF_F_MMAPABLE)) {
		array = kbpf_map_area_alloc(sizeof(*array) + slots * elem_size,
					    numa_node);
		if (!array)
			return ERR_PTR(-ENOMEM);
	} else {
		array = kzalloc_node(sizeof(*array), GFP_USER | __GFP_ACCOUNT,
				     numa_node);
		if (!array)
			return ERR_PTR(-ENOMEM);
	}
	kbpf_map_init_from_attr(&array->map, attr);
	array->map.bypass_spec_v1 = bypass_spec_v1;
	array->elem_size = elem_size;
	array->index_mask = array_index_mask(attr->max_entries);
	if (array_values_inline(&array->map)) {
		array->values = array->inline_values;
		return &array->map;
	}
	if (attr->map_flags & BPF_F_MMAPABLE)
		area = kbpf_map_area_alloc_mmapable(slots * elem_size);
	else
		area = kbpf_map_area_alloc(slots * (percpu ? sizeof(void *) :
						    elem_size), numa_node);
	if (!area)
		goto err_free;
	if (!percpu) {
		array->values = area;
		return &array->map;
	}
	array->pptrs = area;
	if (array_alloc_percpu(array)) {
		kbpf_map_area_free(area);
		goto err_free;
	}
	return &array->map;

err_free:
	kfree(array);
	return ERR_PTR(-ENOMEM);
}

static void array_map_free(struct kbpf_map *map)
{
	struct kbpf_array *array = to_array(map);

	if (array_values_inline(map)) {
		kbpf_map_area_free(array);
		return;
	}
	if (map->map_type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		array_free_percpu(array);
		kbpf_map_area_free(array->pptrs);
	} else {
		kbpf_map_area_free(array->values);
	}
	kfree(array);
}

static void *array_map_lookup_elem(struct kbpf_map *map, void *key)
{
	struct kbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;

	if (unlikely(index >= map->max_entries))
		return NULL;
	return array->values + (u64)(index & array->index_mask) *
			       array->elem_size;
}

/* A program's view: its own CPU's copy. */
static void *percpu_array_map_lookup_elem(struct kbpf_map *map, void *key)
{
	struct kbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;

	if (unlikely(index >= map->max_entries))
		return NULL;
	return this_cpu_ptr(array->pptrs[index & array->index_mask]);
}

/* Another CPU's copy, for bpf_map_lookup_percpu_elem. */
static void *percpu_array_map_lookup_percpu_elem(struct kbpf_map *map,
						 void *key, u32 cpu)
{
	struct kbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;

	if (cpu >= nr_cpu_ids || unlikely(index >= map->max_entries))
		return NULL;
	return per_cpu_ptr(array->pptrs[index & array->index_mask], cpu);
}

/*
 * Linux's array_map_gen_lookup() on kbpf's layout: the values at a fixed
 * offset from the map (or, for mmap-able arrays, whose values are pages
 * of their own, load the pointer to them), bounds check the index
 * (32-bit, as max_entries may exceed S32_MAX), mask it for creators
 * without CAP_PERFMON, scale and add. map may be an inner map template
 * (maps/map_in_map.c, not a struct kbpf_array), so only its description
 * is used; BPF_F_INNER_MAP templates do not fix max_entries, and keep
 * the call.
 */
static int array_map_gen_lookup(struct kbpf_map *map, struct bpf_insn *buf)
{
	u32 elem_size = round_up(map->value_size, 8);
	struct bpf_insn *insn = buf;

	if (map->map_flags & BPF_F_INNER_MAP)
		return -EOPNOTSUPP;
	/* A template's flags are its inner maps' (kbpf_map_meta_equal). */
	if (array_values_inline(map))
		*insn++ = BPF_ALU64_IMM(BPF_ADD, BPF_REG_1,
					offsetof(struct kbpf_array,
						 inline_values));
	else
		*insn++ = BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1,
				      offsetof(struct kbpf_array, values));
	*insn++ = BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0);
	if (!map->bypass_spec_v1) {
		*insn++ = BPF_JMP32_IMM(BPF_JGE, BPF_REG_0, map->max_entries, 4);
		*insn++ = BPF_ALU32_IMM(BPF_AND, BPF_REG_0,
					array_index_mask(map->max_entries));
	} else {
		*insn++ = BPF_JMP32_IMM(BPF_JGE, BPF_REG_0, map->max_entries, 3);
	}
	if (is_power_of_2(elem_size))
		*insn++ = BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, ilog2(elem_size));
	else
		*insn++ = BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, elem_size);
	*insn++ = BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1);
	*insn++ = BPF_JMP_A(1);
	*insn++ = BPF_MOV64_IMM(BPF_REG_0, 0);
	return insn - buf;
}

/* Flags, then the index, then NOEXIST: the order of Linux's checks. */
static long array_update_check(struct kbpf_map *map, u32 index, u64 flags)
{
	if (unlikely((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	if (unlikely(index >= map->max_entries))
		return -E2BIG;
	/* Every element always exists. */
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;
	/* No kbpf map value carries a bpf_spin_lock (yet). */
	if (unlikely(flags & BPF_F_LOCK))
		return -EINVAL;
	return 0;
}

static long array_map_update_elem(struct kbpf_map *map, void *key,
				  void *value, u64 flags)
{
	struct kbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;
	long err;

	err = array_update_check(map, index, flags);
	if (err)
		return err;
	memcpy(array->values + (u64)(index & array->index_mask) *
	       array->elem_size, value, map->value_size);
	return 0;
}

/* A program's update writes value_size bytes of its own CPU's copy. */
static long percpu_array_map_update_elem(struct kbpf_map *map, void *key,
					 void *value, u64 flags)
{
	struct kbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;
	long err;

	err = array_update_check(map, index, flags);
	if (err)
		return err;
	memcpy(this_cpu_ptr(array->pptrs[index]), value, map->value_size);
	return 0;
}

/*
 * The syscall side writes every CPU's copy from round_up(value_size, 8)
 * bytes each. The padding is copied too: only the syscall side can read
 * it back, and it reads what it wrote or the allocator's zeroes.
 */
static long percpu_array_map_update_value(struct kbpf_map *map, void *key,
					  void *value, u64 flags)
{
	struct kbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;
	u32 off = 0;
	int cpu;

	/* Unlike a program's update, BPF_F_LOCK is an unknown flag here. */
	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	if (unlikely(index >= map->max_entries))
		return -E2BIG;
	if (unlikely(flags == BPF_NOEXIST))
		return -EEXIST;
	for_each_possible_cpu(cpu) {
		kbpf_map_long_memcpy(per_cpu_ptr(array->pptrs[index], cpu),
				     value + off, array->elem_size);
		off += array->elem_size;
	}
	return 0;
}

static int percpu_array_map_copy_value(struct kbpf_map *map, void *key,
				       void *value)
{
	struct kbpf_array *array = to_array(map);
	u32 index = *(u32 *)key;
	u32 off = 0;
	int cpu;

	if (unlikely(index >= map->max_entries))
		return -ENOENT;
	for_each_possible_cpu(cpu) {
		kbpf_map_long_memcpy(value + off,
				     per_cpu_ptr(array->pptrs[index], cpu),
				     array->elem_size);
		off += array->elem_size;
	}
	return 0;
}

static long array_map_delete_elem(struct kbpf_map *map, void *key)
{
	return -EINVAL;
}

/*
 * BPF_F_MMAPABLE arrays: the values, elem_size apart from the first page
 * on, as in Linux (whose first mapped page is the first value's too).
 */
static void *array_map_mmap_area(struct kbpf_map *map, u64 pgoff, u64 pages,
				 bool writable, u64 *size)
{
	struct kbpf_array *array = to_array(map);

	if (!(map->map_flags & BPF_F_MMAPABLE))
		return ERR_PTR(-EINVAL);
	*size = PAGE_ALIGN((u64)map->max_entries * array->elem_size);
	return array->values;
}

/*
 * Direct value access (LD_IMM64 of BPF_PSEUDO_MAP_VALUE): a program
 * reaches the value without a lookup, so there must be exactly one value
 * for the address to name, as in Linux. *imm is the value's start; the
 * verifier adds off. -ENOTSUPP for more than one element, -EINVAL for an
 * offset past the value.
 */
static int array_map_direct_value_addr(const struct kbpf_map *map, u64 *imm,
				       u32 off)
{
	const struct kbpf_array *array = container_of(map, struct kbpf_array,
						      map);

	if (map->max_entries != 1)
		return -ENOTSUPP;
	if (off >= map->value_size)
		return -EINVAL;
	*imm = (unsigned long)array->values;
	return 0;
}

/* The way back, for the xlated dump: which offset of the value is imm? */
static int array_map_direct_value_meta(const struct kbpf_map *map, u64 imm,
				       u32 *off)
{
	const struct kbpf_array *array = container_of(map, struct kbpf_array,
						      map);
	u64 base = (unsigned long)array->values;

	if (map->max_entries != 1)
		return -ENOTSUPP;
	if (imm < base || imm >= base + array->elem_size)
		return -ENOENT;
	*off = imm - base;
	return 0;
}

static int array_map_get_next_key(struct kbpf_map *map, void *key,
				  void *next_key)
{
	u32 index = key ? *(u32 *)key : U32_MAX;
	u32 *next = next_key;

	if (index >= map->max_entries) {
		*next = 0;
		return 0;
	}
	if (index == map->max_entries - 1)
		return -ENOENT;
	*next = index + 1;
	return 0;
}

/* Every index in order, as Linux's bpf_for_each_array_elem(). */
static long array_map_visit_elems(struct kbpf_map *map, u64 callback,
					void *callback_ctx)
{
	struct kbpf_array *array = to_array(map);
	bool percpu = map->map_type == BPF_MAP_TYPE_PERCPU_ARRAY;
	long num_elems = 0;
	u32 i;

	for (i = 0; i < map->max_entries; i++) {
		void *val = percpu ? this_cpu_ptr(array->pptrs[i]) :
			    array->values + (u64)i * array->elem_size;
		/* The key is the helper's own: the callback may only read it. */
		u32 key = i;

		num_elems++;
		if (kbpf_callback_call(callback, (unsigned long)map,
				       (unsigned long)&key, (unsigned long)val,
				       (unsigned long)callback_ctx, 0))
			break;
	}
	return num_elems;
}

const struct kbpf_map_ops kbpf_array_map_ops = {
	.map_alloc_check = array_map_alloc_check,
	.map_alloc = array_map_alloc,
	.map_free = array_map_free,
	.map_get_next_key = array_map_get_next_key,
	.map_lookup_elem = array_map_lookup_elem,
	.map_gen_lookup = array_map_gen_lookup,
	.map_update_elem = array_map_update_elem,
	.map_delete_elem = array_map_delete_elem,
	.map_batch_cmds = KBPF_BATCH_LOOKUP | KBPF_BATCH_UPDATE,
	.map_mmap_area = array_map_mmap_area,
	.map_meta_equal = kbpf_array_map_meta_equal,
	.map_direct_value_addr = array_map_direct_value_addr,
	.map_direct_value_meta = array_map_direct_value_meta,
	.map_for_each_callback = array_map_visit_elems,
};

const struct kbpf_map_ops kbpf_percpu_array_map_ops = {
	.map_alloc_check = array_map_alloc_check,
	.map_alloc = array_map_alloc,
	.map_free = array_map_free,
	.map_get_next_key = array_map_get_next_key,
	.map_lookup_elem = percpu_array_map_lookup_elem,
	.map_lookup_percpu_elem = percpu_array_map_lookup_percpu_elem,
	.map_update_elem = percpu_array_map_update_elem,
	.map_delete_elem = array_map_delete_elem,
	.map_copy_value = percpu_array_map_copy_value,
	.map_update_value = percpu_array_map_update_value,
	.map_batch_cmds = KBPF_BATCH_LOOKUP | KBPF_BATCH_UPDATE,
	.map_meta_equal = kbpf_map_meta_equal,
	.map_for_each_callback = array_map_visit_elems,
};
