// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LPM_TRIE: longest-prefix-match maps (the layout is described
 * in lpm_trie.h). Keys are struct bpf_lpm_trie_key: a u32 prefixlen, then
 * key_size - 4 bytes of data, most significant bit first.
 *
 * Lookups walk the trie under RCU without a lock; writers serialise on one
 * spinlock, build new nodes completely before publishing them, replace a
 * node rather than change it (but for flagging a two-child node as
 * intermediate on delete, which only hides its value) and free what they
 * unlink after a grace period. Nodes are allocated on insert (the map type
 * requires BPF_F_NO_PREALLOC) and charged to the inserter's memcg.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>

#include "lpm_trie.h"

#define LPM_DATA_SIZE_MIN	1
#define LPM_DATA_SIZE_MAX	256
#define LPM_KEY_SIZE_MIN	(sizeof(u32) + LPM_DATA_SIZE_MIN)
#define LPM_KEY_SIZE_MAX	(sizeof(u32) + LPM_DATA_SIZE_MAX)
/* Linux's limit: a node (40-byte header, data, value) fits one kmalloc. */
#define LPM_VAL_SIZE_MIN	1
#define LPM_VAL_SIZE_MAX	(KMALLOC_MAX_SIZE - LPM_DATA_SIZE_MAX - 40)

#define LPM_CREATE_FLAG_MASK	(BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | \
				 BPF_F_RDONLY | BPF_F_WRONLY | \
				 BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)

/* struct bpf_lpm_trie_key, as the map sees it. */
struct lpm_key {
	u32 prefixlen;
	u8 data[];
};

static bool lpm_is_im(const struct kbpf_lpm_node *node)
{
	return READ_ONCE(node->flags) & KBPF_LPM_NODE_IM;
}

/* Bit index of data, counting from the most significant bit of data[0]. */
static unsigned int lpm_bit(const u8 *data, u32 index)
{
	return (data[index / 8] >> (7 - index % 8)) & 1;
}

/* How many leading bits node and key share, at most both prefix lengths. */
static u32 lpm_match(const struct kbpf_lpm_trie *trie,
		     const struct kbpf_lpm_node *node,
		     const struct lpm_key *key)
{
	return kbpf_lpm_common_bits(node, key->data, trie->data_size,
				    min(node->prefixlen, key->prefixlen));
}

static int lpm_map_alloc_check(union bpf_attr *attr)
{
	if (!bpf_capable())
		return -EPERM;
	if (attr->max_entries == 0 ||
	    !(attr->map_flags & BPF_F_NO_PREALLOC) ||
	    attr->map_flags & ~LPM_CREATE_FLAG_MASK ||
	    !kbpf_map_flags_access_ok(attr->map_flags) ||
	    attr->key_size < LPM_KEY_SIZE_MIN ||
	    attr->key_size > LPM_KEY_SIZE_MAX ||
	    attr->value_size < LPM_VAL_SIZE_MIN ||
	    attr->value_size > LPM_VAL_SIZE_MAX)
		return -EINVAL;
	return 0;
}

static struct kbpf_map *lpm_map_alloc(union bpf_attr *attr)
{
	struct kbpf_lpm_trie *trie;

	trie = kzalloc(sizeof(*trie), GFP_USER | __GFP_ACCOUNT);
	if (!trie)
		return ERR_PTR(-ENOMEM);
	kbpf_map_init_from_attr(&trie->map, attr);
	trie->data_size = attr->key_size - sizeof(u32);
	trie->max_prefixlen = trie->data_size * 8;
	trie->value_off = round_up(trie->data_size, 8);
	spin_lock_init(&trie->lock);
	return &trie->map;
}

/* No reader is left: free every node, leaves first, without recursion. */
static void lpm_map_free(struct kbpf_map *map)
{
	struct kbpf_lpm_trie *trie = kbpf_to_lpm_trie(map);
	struct kbpf_lpm_node __rcu **slot;
	struct kbpf_lpm_node *node, *child;

	while ((node = rcu_dereference_protected(trie->root, 1))) {
		slot = &trie->root;
		for (;;) {
			child = rcu_dereference_protected(node->child[0], 1);
			if (!child) {
				child = rcu_dereference_protected(node->child[1], 1);
				if (!child)
					break;
				slot = &node->child[1];
			} else {
				slot = &node->child[0];
			}
			node = child;
		}
		RCU_INIT_POINTER(*slot, NULL);
		kfree(node);
		cond_resched();
	}
	kfree(trie);
}

/*
 * The hot path (programs call it directly, see verifier/map_call.c): one
 * word compare per node for keys of up to 8 bytes of data. A node's
 * prefix extends its parent's, so the bits the walk came down are known
 * to match and only the words from there on are compared; the key's
 * current word also gives the bit that picks the child.
 */
static void *lpm_map_lookup_elem(struct kbpf_map *map, void *_key)
{
	struct kbpf_lpm_trie *trie = kbpf_to_lpm_trie(map);
	struct kbpf_lpm_node *node, *found = NULL;
	struct lpm_key *key = _key;
	u32 keylen = key->prefixlen, size = trie->data_size;
	u32 plen = 0, word = 0, shift;
	u64 kw;

	if (keylen > trie->max_prefixlen)
		return NULL;
	kw = kbpf_lpm_key_word(key->data, 0, size);
	for (node = rcu_dereference(trie->root); node;
	     node = rcu_dereference(node->child[(kw >> shift) & 1])) {
		plen = node->prefixlen;
		if (plen >= keylen)
			break;
		while (word < plen / 64) {
			if (kw != kbpf_lpm_node_word(node, word))
				goto out;
			kw = kbpf_lpm_key_word(key->data, ++word, size);
		}
		/* Bits 64 * word to plen - 1 must match; bit plen is next. */
		shift = 63 - plen % 64;
		if (((kw ^ kbpf_lpm_node_word(node, word)) >> shift) > 1)
			goto out;
		if (!lpm_is_im(node))
			found = node;
	}
	/* No bit left to go further with: is this the key's own prefix? */
	if (node && plen == keylen && !lpm_is_im(node) &&
	    kbpf_lpm_common_bits(node, key->data, size, plen) == plen)
		found = node;
out:
	return found ? found->data + trie->value_off : NULL;
}

static struct kbpf_lpm_node *lpm_node_alloc(struct kbpf_lpm_trie *trie,
					    const u8 *data, u32 prefixlen,
					    const void *value)
{
	size_t size = sizeof(struct kbpf_lpm_node) + trie->value_off;
	struct kbpf_lpm_node *node;

	if (value)
		size += trie->map.value_size;
	/*
	 * Programs update from any context: no sleeping allocation. Not
	 * GFP_ATOMIC either: its __GFP_HIGH lets the charge exceed the memory
	 * cgroup's memory.max (and dip into the atomic reserves); Linux's
	 * GFP_NOWAIT fails there instead.
	 */
	node = kmalloc_node(size, GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT,
			    trie->map.numa_node);
	if (!node)
		return NULL;
	RCU_INIT_POINTER(node->child[0], NULL);
	RCU_INIT_POINTER(node->child[1], NULL);
	node->prefixlen = prefixlen;
	node->flags = value ? 0 : KBPF_LPM_NODE_IM;
	memcpy(node->data, data, trie->data_size);
	/* Whole words for the compares: the padding reads as zero. */
	memset(node->data + trie->data_size, 0,
	       trie->value_off - trie->data_size);
	if (value)
		memcpy(node->data + trie->value_off, value,
		       trie->map.value_size);
	return node;
}

/* May a new entry be added? Counts it if so. Called with the lock held. */
static int lpm_add_entry(struct kbpf_lpm_trie *trie, u64 flags)
{
	if (flags == BPF_EXIST)
		return -ENOENT;
	if (trie->n_entries == trie->map.max_entries)
		return -ENOSPC;
	trie->n_entries++;
	return 0;
}

/*
 * Hang new_node where the walk for key ended: at slot, whose node (if
 * any) shares matchlen bits with the key. Called with the lock held.
 */
static int lpm_insert(struct kbpf_lpm_trie *trie,
		      struct kbpf_lpm_node __rcu **slot,
		      struct kbpf_lpm_node *node, u32 matchlen,
		      struct kbpf_lpm_node *new_node, u64 flags,
		      struct kbpf_lpm_node **old)
{
	struct kbpf_lpm_node *im;
	unsigned int bit;
	int err;

	if (!node) {
		err = lpm_add_entry(trie, flags);
		if (err)
			return err;
		trie->n_nodes++;
		rcu_assign_pointer(*slot, new_node);
		return 0;
	}
	/* The same prefix: new_node takes the old node's place. */
	if (matchlen == node->prefixlen) {
		if (!lpm_is_im(node) && flags == BPF_NOEXIST)
			return -EEXIST;
		if (lpm_is_im(node)) {
			err = lpm_add_entry(trie, flags);
			if (err)
				return err;
		}
		RCU_INIT_POINTER(new_node->child[0],
				 rcu_dereference_protected(node->child[0], 1));
		RCU_INIT_POINTER(new_node->child[1],
				 rcu_dereference_protected(node->child[1], 1));
		rcu_assign_pointer(*slot, new_node);
		*old = node;
		return 0;
	}
	err = lpm_add_entry(trie, flags);
	if (err)
		return err;
	/* The new prefix covers node's: it goes in between. */
	if (matchlen == new_node->prefixlen) {
		bit = lpm_bit(node->data, matchlen);
		RCU_INIT_POINTER(new_node->child[bit], node);
		trie->n_nodes++;
		rcu_assign_pointer(*slot, new_node);
		return 0;
	}
	/* They diverge at bit matchlen: an intermediate node joins them. */
	im = lpm_node_alloc(trie, new_node->data, matchlen, NULL);
	if (!im) {
		trie->n_entries--;
		return -ENOMEM;
	}
	bit = lpm_bit(new_node->data, matchlen);
	RCU_INIT_POINTER(im->child[bit], new_node);
	RCU_INIT_POINTER(im->child[!bit], node);
	trie->n_nodes += 2;
	rcu_assign_pointer(*slot, im);
	return 0;
}

static long lpm_map_update_elem(struct kbpf_map *map, void *_key,
				void *value, u64 flags)
{
	struct kbpf_lpm_trie *trie = kbpf_to_lpm_trie(map);
	struct kbpf_lpm_node *node, *new_node, *old = NULL;
	struct kbpf_lpm_node __rcu **slot;
	struct lpm_key *key = _key;
	unsigned long irqflags;
	u32 matchlen = 0;
	int err;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	if (key->prefixlen > trie->max_prefixlen)
		return -EINVAL;
	new_node = lpm_node_alloc(trie, key->data, key->prefixlen, value);
	if (!new_node)
		return -ENOMEM;

	spin_lock_irqsave(&trie->lock, irqflags);
	slot = &trie->root;
	while ((node = rcu_dereference_protected(*slot,
						 lockdep_is_held(&trie->lock)))) {
		matchlen = lpm_match(trie, node, key);
		if (matchlen < node->prefixlen ||
		    node->prefixlen == key->prefixlen)
			break;
		slot = &node->child[lpm_bit(key->data, node->prefixlen)];
	}
	err = lpm_insert(trie, slot, node, matchlen, new_node, flags, &old);
	spin_unlock_irqrestore(&trie->lock, irqflags);

	if (err)
		kfree(new_node);
	if (old)
		kfree_rcu(old, rcu);
	return err;
}

static long lpm_map_delete_elem(struct kbpf_map *map, void *_key)
{
	struct kbpf_lpm_trie *trie = kbpf_to_lpm_trie(map);
	struct kbpf_lpm_node *node, *parent = NULL, *child, *freed[2] = {};
	struct kbpf_lpm_node __rcu **slot, **parent_slot = NULL;
	struct lpm_key *key = _key;
	unsigned long irqflags;
	u32 matchlen = 0;
	int err = 0;

	if (key->prefixlen > trie->max_prefixlen)
		return -EINVAL;

	spin_lock_irqsave(&trie->lock, irqflags);
	slot = &trie->root;
	while ((node = rcu_dereference_protected(*slot,
						 lockdep_is_held(&trie->lock)))) {
		matchlen = lpm_match(trie, node, key);
		if (matchlen < node->prefixlen ||
		    node->prefixlen == key->prefixlen)
			break;
		parent = node;
		parent_slot = slot;
		slot = &node->child[lpm_bit(key->data, node->prefixlen)];
	}
	if (!node || node->prefixlen != key->prefixlen ||
	    matchlen != node->prefixlen || lpm_is_im(node)) {
		err = -ENOENT;
		goto unlock;
	}
	trie->n_entries--;

	child = rcu_dereference_protected(node->child[0], 1);
	if (child && rcu_access_pointer(node->child[1])) {
		/* Still where two prefixes part: keep it, without its value. */
		WRITE_ONCE(node->flags, node->flags | KBPF_LPM_NODE_IM);
		goto unlock;
	}
	if (!child)
		child = rcu_dereference_protected(node->child[1], 1);
	freed[0] = node;
	if (!child && parent && lpm_is_im(parent)) {
		/* An intermediate node with one child left is not needed. */
		child = rcu_dereference_protected(
				parent->child[rcu_access_pointer(parent->child[0]) ==
					      node], 1);
		rcu_assign_pointer(*parent_slot, child);
		freed[1] = parent;
		trie->n_nodes -= 2;
		goto unlock;
	}
	rcu_assign_pointer(*slot, child);
	trie->n_nodes--;
unlock:
	spin_unlock_irqrestore(&trie->lock, irqflags);
	if (freed[0])
		kfree_rcu(freed[0], rcu);
	if (freed[1])
		kfree_rcu(freed[1], rcu);
	return err;
}

/* The first node in postorder below node: its leftmost, deepest leaf. */
static struct kbpf_lpm_node *lpm_first(struct kbpf_lpm_node *node)
{
	struct kbpf_lpm_node *child;

	for (;;) {
		child = rcu_dereference(node->child[0]);
		if (!child)
			child = rcu_dereference(node->child[1]);
		if (!child)
			return node;
		node = child;
	}
}

/*
 * Keys in postorder, Linux's order: more specific prefixes before the
 * ones covering them, and a node's child[0] side before its child[1]
 * side. A NULL key, or one not in the map, restarts at the first.
 */
static int lpm_map_get_next_key(struct kbpf_map *map, void *_key,
				void *_next_key)
{
	struct kbpf_lpm_trie *trie = kbpf_to_lpm_trie(map);
	struct kbpf_lpm_node *root, *node, *next = NULL, *right = NULL;
	struct lpm_key *key = _key, *next_key = _next_key;
	unsigned int bit;

	root = rcu_dereference(trie->root);
	if (!root)
		return -ENOENT;
	if (!key || key->prefixlen > trie->max_prefixlen)
		goto first;

	/*
	 * On the way down to key's node, remember the deepest ancestor that
	 * follows it in postorder: one whose other (child[1]) side is still
	 * to come, whose first node is next, or else one that holds a value.
	 */
	node = root;
	while (node) {
		if (lpm_match(trie, node, key) < node->prefixlen) {
			node = NULL;
			break;
		}
		if (node->prefixlen == key->prefixlen)
			break;
		bit = lpm_bit(key->data, node->prefixlen);
		if (!bit && rcu_access_pointer(node->child[1])) {
			right = rcu_dereference(node->child[1]);
			next = NULL;
		} else if (!lpm_is_im(node)) {
			next = node;
			right = NULL;
		}
		node = rcu_dereference(node->child[bit]);
	}
	if (!node || lpm_is_im(node))
		goto first;
	if (right)
		next = lpm_first(right);
	if (!next)
		return -ENOENT;
	goto copy;
first:
	next = lpm_first(root);
copy:
	next_key->prefixlen = next->prefixlen;
	memcpy(next_key->data, next->data, trie->data_size);
	return 0;
}

const struct kbpf_map_ops kbpf_lpm_trie_map_ops = {
	.map_alloc_check = lpm_map_alloc_check,
	.map_alloc = lpm_map_alloc,
	.map_free = lpm_map_free,
	.map_get_next_key = lpm_map_get_next_key,
	.map_lookup_elem = lpm_map_lookup_elem,
	.map_update_elem = lpm_map_update_elem,
	.map_delete_elem = lpm_map_delete_elem,
	.map_meta_equal = kbpf_map_meta_equal,
	/* Linux's generic ones: key after key, no lookup-and-delete. */
	.map_batch_cmds = KBPF_BATCH_LOOKUP | KBPF_BATCH_UPDATE |
			  KBPF_BATCH_DELETE,
};
