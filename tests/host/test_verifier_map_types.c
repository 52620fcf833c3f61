// SPDX-License-Identifier: GPL-2.0
/*
 * Which map types the map element helpers take, as Linux's
 * check_map_func_compatibility() decides: a real map (maps/ ops) behind
 * an fd, the real helper table of a socket filter. LPM tries take
 * lookup, update and delete from programs (make bench-maps uses them).
 */
#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/verifier.h>

#include "ktest.h"
#include "maptest.h"

#define MT_FD	7

static struct kbpf_map *mt_map;

static struct kbpf_map *mt_get(void *priv, int fd)
{
	return fd == MT_FD ? mt_map : ERR_PTR(-EBADF);
}

static void mt_put(void *priv, struct kbpf_map *map)
{
}

/* Verify a lookup, an update and a delete of the key on the stack in map. */
static int mt_verify(struct kbpf_map *map, char *log, u32 log_size)
{
	const struct bpf_insn prog[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
		BPF_LD_MAP_FD(BPF_REG_1, MT_FD),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
		BPF_LD_MAP_FD(BPF_REG_1, MT_FD),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
		BPF_MOV64_IMM(BPF_REG_4, BPF_ANY),
		BPF_CALL_HELPER(BPF_FUNC_map_update_elem),
		BPF_LD_MAP_FD(BPF_REG_1, MT_FD),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		BPF_CALL_HELPER(BPF_FUNC_map_delete_elem),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	struct kbpf_verify_args args = {
		.insns = prog, .insn_cnt = ARRAY_SIZE(prog),
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .gpl_compatible = true,
		.allow_ptr_leaks = true, .bpf_capable = true,
		.perfmon_capable = true,
		.log_buf = log, .log_size = log_size, .log_level = 1,
		.map_get = mt_get, .map_put = mt_put,
	};
	int err;

	mt_map = map;
	log[0] = '\0';
	err = kbpf_verify(&args);
	if (!err)
		kbpf_verify_release(&args);
	return err;
}

TEST(verifier_lpm_trie_takes_map_element_helpers)
{
	static char log[8192];
	struct kbpf_map *map = tmap_create(BPF_MAP_TYPE_LPM_TRIE, 8, 8, 16,
					   BPF_F_NO_PREALLOC);

	ASSERT_TRUE(!IS_ERR(map));
	if (!EXPECT_EQ(mt_verify(map, log, sizeof(log)), 0))
		fprintf(stderr, "log:\n%s\n", log);
	tmap_destroy(map);
}
