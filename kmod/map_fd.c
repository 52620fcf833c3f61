// SPDX-License-Identifier: GPL-2.0
/*
 * The object side of maps that hold objects by fd (struct
 * kbpf_map_fd_ops): a PROG_ARRAY slot is a program's struct kbpf_code
 * (what the runtimes jump to), an ARRAY_OF_MAPS or HASH_OF_MAPS value an
 * inner map. Each stored object holds one reference; putting it may free
 * the object, after an RCU grace period, so programs still reading the
 * old slot stay safe.
 */
#include "kbpf.h"

static struct kbpf_prog *code_to_prog(void *ptr)
{
	return container_of((struct kbpf_code *)ptr, struct kbpf_prog, code);
}

bool kbpf_prog_map_compatible(struct kbpf_map *map,
			      const struct kbpf_prog *prog)
{
	struct kbpf_prog_array_owner want = {
		.type = prog->type,
		.expected_attach_type = prog->expected_attach_type,
		.jited = prog->code.jited,
		.xdp_has_frags = !!(prog->prog_flags & BPF_F_XDP_HAS_FRAGS),
	};

	return kbpf_prog_array_compatible(map, &want);
}

/* Linux's prog_fd_array_get_ptr(): EBADF, EINVAL for another kind of fd. */
static void *prog_fd_get(struct kbpf_map *map, int ufd)
{
	struct kbpf_prog *prog = kbpf_prog_get_from_fd(ufd);

	if (IS_ERR(prog))
		return prog;
	/* Extensions cannot be tail call targets; no other owner mismatch. */
	if (prog->type == BPF_PROG_TYPE_EXT ||
	    !kbpf_prog_map_compatible(map, prog)) {
		kbpf_prog_put(prog);
		return ERR_PTR(-EINVAL);
	}
	return &prog->code;
}

static void prog_fd_put(struct kbpf_map *map, void *ptr)
{
	kbpf_prog_put(code_to_prog(ptr));
}

static u32 prog_fd_sys_lookup(void *ptr)
{
	return code_to_prog(ptr)->id;
}

static const struct kbpf_map_fd_ops prog_fd_ops = {
	.get = prog_fd_get,
	.put = prog_fd_put,
	.sys_lookup = prog_fd_sys_lookup,
};

/* Linux's bpf_map_fd_get_ptr(): an inner map must match the template. */
static void *map_fd_get(struct kbpf_map *map, int ufd)
{
	struct kbpf_map *meta = map->inner_map_meta;
	struct kbpf_map *inner = kbpf_map_get_from_fd(ufd, NULL);

	if (IS_ERR(inner))
		return inner;
	if (!meta->ops->map_meta_equal(meta, inner)) {
		kbpf_map_put(inner);
		return ERR_PTR(-EINVAL);
	}
	return inner;
}

static void map_fd_put(struct kbpf_map *map, void *ptr)
{
	kbpf_map_put(ptr);
}

static u32 map_fd_sys_lookup(void *ptr)
{
	return ((struct kbpf_map *)ptr)->id;
}

static const struct kbpf_map_fd_ops map_fd_ops = {
	.get = map_fd_get,
	.put = map_fd_put,
	.sys_lookup = map_fd_sys_lookup,
};

const struct kbpf_map_fd_ops *kbpf_map_fd_ops_for(u32 map_type)
{
	if (map_type == BPF_MAP_TYPE_PROG_ARRAY)
		return &prog_fd_ops;
	if (kbpf_map_is_map_in_map(map_type))
		return &map_fd_ops;
	return NULL;
}

struct kbpf_map *kbpf_map_meta_from_fd(int ufd)
{
	struct kbpf_map *inner, *meta;

	inner = kbpf_map_get_from_fd(ufd, NULL);
	if (IS_ERR(inner))
		return inner;
	meta = kbpf_map_meta_alloc(inner);
	kbpf_map_put(inner);
	return meta;
}
