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
 *
 * Prefixes are compared 64 bits at a time: word w of some data is its
 * bytes 8 * w to 8 * w + 7 loaded big-endian, so that bit i of a prefix
 * is bit 63 - i % 64 of word i / 64. A node's data is zero-padded to a
 * multiple of 8 bytes and loads whole; a key has exactly data_size bytes
 * of data, and its last word is put together from the bytes there are.
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
	/*
	 * data_size key bytes, zeroes up to value_off, then the value
	 * (intermediate nodes end at value_off).
	 */
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

static inline u64 kbpf_lpm_node_word(const struct kbpf_lpm_node *node,
				     u32 word)
{
	return get_unaligned_be64(node->data + word * 8);
}

/* Word @word of @size bytes of key data; the bytes past @size read as 0. */
static inline u64 kbpf_lpm_key_word(const u8 *data, u32 word, u32 size)
{
	const u8 *p = data + word * 8;
	u32 n = size - word * 8;
	u64 v = 0;

	if (n >= 8)
		return get_unaligned_be64(p);
	if (n & 4)
		v = (u64)get_unaligned_be32(p) << 32;
	if (n & 2)
		v |= (u64)get_unaligned_be16(p + (n & 4)) << (48 - (n & 4) * 8);
	if (n & 1)
		v |= (u64)p[n & 6] << (56 - (n & 6) * 8);
	return v;
}

/* How many leading bits node and key data share, at most limit. */
static inline u32 kbpf_lpm_common_bits(const struct kbpf_lpm_node *node,
				       const u8 *key, u32 size, u32 limit)
{
	u32 bits;
	u64 diff;

	for (bits = 0; bits < limit; bits += 64) {
		diff = kbpf_lpm_node_word(node, bits / 64) ^
		       kbpf_lpm_key_word(key, bits / 64, size);
		if (diff)
			return min(bits + 64 - fls64(diff), limit);
	}
	return limit;
}

#endif /* KBPF_MAPS_LPM_TRIE_H */
