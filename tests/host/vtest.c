// SPDX-License-Identifier: GPL-2.0
/* The verifier tests' context, helpers and fake maps (see vtest.h). */
#include "vtest.h"

int vt_map_refs;

static struct kbpf_map vt_maps[] = {
	{ .map_type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
	  .max_entries = 16 },
	{ .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 48,
	  .max_entries = 16 },
	{ .map_type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
	  .max_entries = 16, .map_flags = BPF_F_RDONLY_PROG },
	{ .map_type = BPF_MAP_TYPE_PROG_ARRAY, .key_size = 4, .value_size = 4,
	  .max_entries = 4 },
};

struct kbpf_map *vt_map(int fd)
{
	if (fd < VT_MAP_HASH || fd > VT_MAP_PROG_ARRAY)
		return NULL;
	return &vt_maps[fd - VT_MAP_HASH];
}

static struct kbpf_map *vt_map_get(void *priv, int fd)
{
	struct kbpf_map *map = vt_map(fd);

	if (!map)
		return ERR_PTR(-EBADF);
	vt_map_refs++;
	return map;
}

static void vt_map_put(void *priv, struct kbpf_map *map)
{
	vt_map_refs--;
}

/* Distinct functions, so the call displacements can be told apart. */
static u64 vt_lookup(u64 a, u64 b, u64 c, u64 d, u64 e) { return 1; }
static u64 vt_update(u64 a, u64 b, u64 c, u64 d, u64 e) { return 2; }
static u64 vt_gpl(u64 a, u64 b, u64 c, u64 d, u64 e) { return 3; }
static u64 vt_probe(u64 a, u64 b, u64 c, u64 d, u64 e) { return 4; }
static u64 vt_sk_lookup(u64 a, u64 b, u64 c, u64 d, u64 e) { return 5; }
static u64 vt_sk_release(u64 a, u64 b, u64 c, u64 d, u64 e) { return 6; }
static u64 vt_tail(u64 a, u64 b, u64 c, u64 d, u64 e) { return 7; }
static u64 vt_csum(u64 a, u64 b, u64 c, u64 d, u64 e) { return 8; }

static const struct kbpf_func_proto vt_protos[] = {
	{ .func = vt_lookup, .name = "bpf_map_lookup_elem",
	  .ret_type = KBPF_RET_PTR_TO_MAP_VALUE | KBPF_PTR_MAYBE_NULL,
	  .arg_type = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY } },
	{ .func = vt_update, .name = "bpf_map_update_elem",
	  .ret_type = KBPF_RET_INTEGER,
	  .arg_type = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY,
			KBPF_ARG_PTR_TO_MAP_VALUE, KBPF_ARG_ANYTHING } },
	{ .func = vt_gpl, .name = "bpf_ktime_get_ns", .gpl_only = true,
	  .ret_type = KBPF_RET_INTEGER },
	{ .func = vt_probe, .name = "bpf_probe_read_kernel", .gpl_only = true,
	  .ret_type = KBPF_RET_INTEGER,
	  .arg_type = { KBPF_ARG_PTR_TO_MEM | KBPF_MEM_UNINIT,
			KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING } },
	{ .func = vt_sk_lookup, .name = "bpf_sk_lookup_tcp",
	  .pkt_access = true, .ret_acquires_ref = true,
	  .ret_type = KBPF_RET_PTR_TO_SOCKET | KBPF_PTR_MAYBE_NULL,
	  .arg_type = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_PTR_TO_MEM | KBPF_MEM_RDONLY,
			KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING } },
	{ .func = vt_sk_release, .name = "bpf_sk_release",
	  .ret_type = KBPF_RET_INTEGER,
	  .arg_type = { KBPF_ARG_PTR_TO_SOCK_COMMON | KBPF_OBJ_RELEASE } },
	{ .func = vt_tail, .name = "bpf_tail_call",
	  .ret_type = KBPF_RET_VOID,
	  .arg_type = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR,
			KBPF_ARG_ANYTHING } },
	{ .func = vt_csum, .name = "bpf_csum_diff", .pkt_access = true,
	  .ret_type = KBPF_RET_INTEGER,
	  .arg_type = { KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL | KBPF_MEM_RDONLY,
			KBPF_ARG_CONST_SIZE_OR_ZERO,
			KBPF_ARG_PTR_TO_MEM | KBPF_PTR_MAYBE_NULL | KBPF_MEM_RDONLY,
			KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING } },
};

static const int vt_proto_ids[] = {
	VT_FN_LOOKUP, VT_FN_UPDATE, VT_FN_GPL, VT_FN_PROBE_READ,
	VT_FN_SK_LOOKUP, VT_FN_SK_RELEASE, VT_FN_TAIL_CALL, VT_FN_CSUM_DIFF,
};

static const struct kbpf_func_proto *vt_get_proto(u32 prog_type, u32 func_id)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(vt_proto_ids); i++)
		if ((u32)vt_proto_ids[i] == func_id)
			return &vt_protos[i];
	return NULL;
}

kbpf_helper_t vt_helper_func(int func_id)
{
	const struct kbpf_func_proto *fn = vt_get_proto(0, func_id);

	return fn ? fn->func : NULL;
}

static bool vt_is_valid_access(int off, int size, enum kbpf_access_type type,
			       u32 expected_attach_type,
			       struct kbpf_insn_access_aux *info)
{
	switch (off) {
	case 0 ... 3:
		if (type == KBPF_WRITE)
			return false;
		if (size < 4)
			info->ctx_field_size = 4;
		return off % size == 0 && size <= 4;
	case 4:
		return size == 4;
	case 8:
		info->reg_type = KBPF_PTR_TO_PACKET;
		return size == 8 && type == KBPF_READ;
	case 16:
		info->reg_type = KBPF_PTR_TO_PACKET_END;
		return size == 8 && type == KBPF_READ;
	case 24:
		return size == 8;
	default:
		return false;
	}
}

static u32 vt_convert(enum kbpf_access_type type, const struct bpf_insn *si,
		      struct bpf_insn *buf, u32 *target_size)
{
	/* Offsets other than len keep their layout: the same access again. */
	if (si->off != 0) {
		buf[0] = *si;
		*target_size = kbpf_ldst_bytes(si->code);
		return 1;
	}
	/* len lives at 40 in the "kernel" object. */
	buf[0] = BPF_LDX_MEM(BPF_W, si->dst_reg, si->src_reg, 40);
	*target_size = 4;
	return 1;
}

static const struct kbpf_ctx_ops vt_ctx_ops = {
	.ctx_size = 32,
	.is_valid_access = vt_is_valid_access,
	.convert_ctx_access = vt_convert,
};

int vt_verify(struct vt_result *r, const struct bpf_insn *insns, u32 cnt,
	      const struct vt_opts *opts)
{
	static const struct vt_opts none;
	struct kbpf_verify_args *a = &r->args;

	if (!opts)
		opts = &none;
	memset(r, 0, sizeof(*r));
	a->insns = insns;
	a->insn_cnt = cnt;
	a->prog_type = opts->prog_type ? opts->prog_type : VT_PROG_TYPE;
	a->expected_attach_type = opts->expected_attach_type;
	a->prog_flags = opts->prog_flags;
	a->no_prune = opts->no_prune;
	a->gpl_compatible = !opts->non_gpl;
	a->allow_ptr_leaks = !opts->unpriv && !opts->no_perfmon;
	a->bpf_capable = !opts->unpriv;
	a->perfmon_capable = !opts->unpriv && !opts->no_perfmon;
	a->log_buf = r->log;
	a->log_size = opts->log_size ? opts->log_size : sizeof(r->log);
	a->log_level = opts->log_level ? opts->log_level : 1;
	a->map_get = vt_map_get;
	a->map_put = vt_map_put;
	a->get_func_proto = vt_get_proto;
	a->ctx_ops = &vt_ctx_ops;
	r->err = kbpf_verify(a);
	if (!r->err && !opts->keep)
		kbpf_verify_release(a);
	return r->err;
}

void vt_release(struct vt_result *r)
{
	kbpf_verify_release(&r->args);
}
