/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF_MAP_TYPE_LPM_TRIE's layout, shared with its tests (host and KUnit),
 * which check the shape of the trie, not only what lookups return.
 *
 * The trie is a binary path-compressed trie: every node holds a prefix
 * (prefixlen leading bits of data), its children extend it, child[b] with
 * bit prefixlen equal to b. Nodes the user inserted carry a value;
 * intermediate nodes (KBPF_LPM_NODE_IM) exist only where two prefixes
 * diverge and always have exactly two children.
 */
#ifndef KBPF_MAPS_LPM_TRIE_H
#define KBPF_MAPS_LPM_TRIE_H

#include <kbpf/kapi.h>
#include <kbpf/map.h>

#define KBPF_LPM_NODE_IM	1U

struct kbpf_lpm_node {
	/* First: the host shim's kfree_rcu() frees this address. */
	struct rcu_head rcu;
	struct kbpf_lpm_node __rcu *child[2];
	u32 prefixlen;
	u32 flags;
	/* data_size key bytes, then (from value_off) the value. */
	u8 data[] __aligned(8);
};

struct kbpf_lpm_trie {
	struct kbpf_map map;
	struct kbpf_lpm_node __rcu *root;
	u32 data_size;
	u32 max_prefixlen;
	/* Offset of the value in a node's data: 8-byte aligned for atomics. */
	u32 value_off;
	/* Under lock: entries the user inserted, and those plus intermediates. */
	u32 n_entries;
	u32 n_nodes;
	spinlock_t lock;
};

static inline struct kbpf_lpm_trie *kbpf_to_lpm_trie(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_lpm_trie, map);
}

#endif /* KBPF_MAPS_LPM_TRIE_H */
