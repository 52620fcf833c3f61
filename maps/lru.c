// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LRU_HASH and BPF_MAP_TYPE_LRU_PERCPU_HASH: hash maps (the
 * table of hash.c) whose preallocated elements are recycled by an LRU
 * policy (lru_list.c), so an insert into a full map evicts an old element
 * instead of failing. A program's lookup marks its element as used; the
 * syscall's does not, so inspecting a map does not change what it evicts.
 *
 * An insert takes its element from the LRU before locking the bucket:
 * finding one may evict, and evicting locks the victim's bucket.
 */
#include <kbpf/kapi.h>
#include <kbpf/insn.h>
#include <kbpf/map.h>

#include "htab.h"

/* Called by the LRU with its locks held; lock order: LRU, then bucket. */
bool kbpf_htab_lru_evict(void *arg, struct kbpf_lru_node *node)
{
	struct htab_elem *l = container_of(node, struct htab_elem, lru);
	struct kbpf_htab *htab = arg;
	unsigned long irqflags;
	struct htab_bucket *b;
	bool found;
	u32 hash;

	/* Stable: set under the LRU lock when the node was handed out. */
	hash = READ_ONCE(l->hash);
	b = htab_bucket(htab, hash);
	if (kbpf_htab_lock_bucket(htab, b, hash, &irqflags))
		return false;
	found = kbpf_htab_unlink(b, l);
	kbpf_htab_unlock_bucket(htab, b, hash, irqflags);
	return found;
}

static struct htab_elem *lru_pop(struct kbpf_htab *htab, u32 hash)
{
	struct kbpf_lru_node *node = kbpf_lru_pop_free(&htab->lru_lists, hash);

	return node ? container_of(node, struct htab_elem, lru) : NULL;
}

static void lru_push(struct kbpf_htab *htab, struct htab_elem *l)
{
	kbpf_lru_push_free(&htab->lru_lists, &l->lru);
}

static struct htab_elem *lru_find(struct kbpf_map *map, void *key)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l;

	l = kbpf_htab_find_rcu(htab, kbpf_htab_hash(key, map->key_size,
						    htab->hashrnd), key);
	if (l)
		kbpf_lru_node_set_ref(&l->lru);
	return l;
}

static void *lru_map_lookup_elem(struct kbpf_map *map, void *key)
{
	struct htab_elem *l = lru_find(map, key);

	return l ? htab_elem_value(to_htab(map), l) : NULL;
}

/*
 * Linux's htab_lru_map_gen_lookup(): the element, its reference bit set
 * (tested first, as kbpf_lru_node_set_ref() does), then its value.
 */
static int lru_map_gen_lookup(struct kbpf_map *map, struct bpf_insn *buf)
{
	const s16 ref = offsetof(struct htab_elem, lru) +
			offsetof(struct kbpf_lru_node, ref);
	struct bpf_insn *insn = buf;

	BUILD_BUG_ON(sizeof(((struct kbpf_lru_node *)0)->ref) != 1);
	if (kbpf_htab_gen_lookup_call(map, insn++))
		return -EOPNOTSUPP;
	*insn++ = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4);
	*insn++ = BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_0, ref);
	*insn++ = BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 1);
	*insn++ = BPF_ST_MEM(BPF_B, BPF_REG_0, ref, 1);
	*insn++ = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0,
				offsetof(struct htab_elem, key) +
				round_up(map->key_size, 8));
	return insn - buf;
}

static void *lru_percpu_map_lookup_elem(struct kbpf_map *map, void *key)
{
	struct htab_elem *l = lru_find(map, key);

	return l ? this_cpu_ptr(l->pptr) : NULL;
}

/* Another CPU's copy (a use of the element, as a lookup is). */
static void *lru_percpu_map_lookup_percpu_elem(struct kbpf_map *map,
					       void *key, u32 cpu)
{
	struct htab_elem *l;

	if (cpu >= nr_cpu_ids)
		return NULL;
	l = lru_find(map, key);
	return l ? per_cpu_ptr(l->pptr, cpu) : NULL;
}

static long lru_map_update_elem(struct kbpf_map *map, void *key, void *value,
				u64 flags)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l_new, *l_old = NULL;
	unsigned long irqflags;
	struct htab_bucket *b;
	u32 hash;
	int ret;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	hash = kbpf_htab_hash(key, map->key_size, htab->hashrnd);
	b = htab_bucket(htab, hash);

	l_new = lru_pop(htab, hash);
	if (!l_new)
		return -ENOMEM;
	htab_write_begin(l_new);
	memcpy(l_new->key, key, map->key_size);
	memcpy(htab_elem_value(htab, l_new), value, map->value_size);
	htab_write_end(l_new);

	ret = kbpf_htab_lock_bucket(htab, b, hash, &irqflags);
	if (ret)
		goto out;
	l_old = kbpf_htab_find_locked(htab, b, hash, key);
	ret = htab_check_flags(l_old, flags);
	if (!ret) {
		kbpf_htab_link(b, l_new);
		if (l_old) {
			/* A value being replaced is in use: keep it around. */
			kbpf_lru_node_set_ref(&l_new->lru);
			kbpf_htab_unlink(b, l_old);
		}
	}
	kbpf_htab_unlock_bucket(htab, b, hash, irqflags);
out:
	if (ret)
		lru_push(htab, l_new);
	else if (l_old)
		lru_push(htab, l_old);
	return ret;
}

static long lru_percpu_update(struct kbpf_map *map, void *key, void *value,
			      u64 flags, bool onallcpus)
{
	struct kbpf_htab *htab = to_htab(map);
	struct htab_elem *l_new = NULL, *l_old;
	unsigned long irqflags;
	struct htab_bucket *b;
	u32 hash;
	int ret;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	hash = kbpf_htab_hash(key, map->key_size, htab->hashrnd);
	b = htab_bucket(htab, hash);

	/* Values are updated in place: only a new key needs an element. */
	if (flags != BPF_EXIST) {
		l_new = lru_pop(htab, hash);
		if (!l_new)
			return -ENOMEM;
	}
	ret = kbpf_htab_lock_bucket(htab, b, hash, &irqflags);
	if (ret)
		goto out;
	l_old = kbpf_htab_find_locked(htab, b, hash, key);
	ret = htab_check_flags(l_old, flags);
	if (ret)
		goto unlock;
	if (l_old) {
		kbpf_lru_node_set_ref(&l_old->lru);
		htab_write_begin(l_old);
		kbpf_htab_pcpu_copy_in(htab, l_old->pptr, value, onallcpus);
		htab_write_end(l_old);
	} else {
		htab_write_begin(l_new);
		memcpy(l_new->key, key, map->key_size);
		kbpf_htab_pcpu_init(htab, l_new->pptr, value, onallcpus);
		htab_write_end(l_new);
		kbpf_htab_link(b, l_new);
		l_new = NULL;
	}
unlock:
	kbpf_htab_unlock_bucket(htab, b, hash, irqflags);
out:
	if (l_new)
		lru_push(htab, l_new);
	return ret;
}

static long lru_percpu_map_update_elem(struct kbpf_map *map, void *key,
				       void *value, u64 flags)
{
	return lru_percpu_update(map, key, value, flags, false);
}

static long lru_percpu_map_update_value(struct kbpf_map *map, void *key,
					void *value, u64 flags)
{
	return lru_percpu_update(map, key, value, flags, true);
}

/* Delete, copying the value out first if value is not NULL. */
static int lru_remove(struct kbpf_map *map, void *key, void *value)
{
	struct kbpf_htab *htab = to_htab(map);
	unsigned long irqflags;
	struct htab_bucket *b;
	struct htab_elem *l;
	u32 hash;
	int ret;

	hash = kbpf_htab_hash(key, map->key_size, htab->hashrnd);
	b = htab_bucket(htab, hash);
	ret = kbpf_htab_lock_bucket(htab, b, hash, &irqflags);
	if (ret)
		return ret;
	l = kbpf_htab_find_locked(htab, b, hash, key);
	if (l) {
		if (value)
			kbpf_htab_copy_out(htab, l, value);
		kbpf_htab_unlink(b, l);
	} else {
		ret = -ENOENT;
	}
	kbpf_htab_unlock_bucket(htab, b, hash, irqflags);
	if (l)
		lru_push(htab, l);
	return ret;
}

static long lru_map_delete_elem(struct kbpf_map *map, void *key)
{
	return lru_remove(map, key, NULL);
}

static int lru_map_lookup_and_delete_elem(struct kbpf_map *map, void *key,
					  void *value, u64 flags)
{
	return lru_remove(map, key, value);
}

const struct kbpf_map_ops kbpf_htab_lru_map_ops = {
	.map_alloc_check = kbpf_htab_alloc_check,
	.map_alloc = kbpf_htab_alloc,
	.map_free = kbpf_htab_free,
	.map_get_next_key = kbpf_htab_get_next_key,
	.map_lookup_elem = lru_map_lookup_elem,
	.map_gen_lookup = lru_map_gen_lookup,
	.map_update_elem = lru_map_update_elem,
	.map_delete_elem = lru_map_delete_elem,
	.map_copy_value = kbpf_htab_copy_value,
	.map_lookup_and_delete_elem = lru_map_lookup_and_delete_elem,
	.map_batch_cmds = KBPF_HTAB_BATCH_CMDS,
	.map_batch_bucket = kbpf_htab_batch_bucket,
	.map_meta_equal = kbpf_map_meta_equal,
	.map_for_each_callback = kbpf_htab_visit_elems,
};

const struct kbpf_map_ops kbpf_htab_lru_percpu_map_ops = {
	.map_alloc_check = kbpf_htab_alloc_check,
	.map_alloc = kbpf_htab_alloc,
	.map_free = kbpf_htab_free,
	.map_get_next_key = kbpf_htab_get_next_key,
	.map_lookup_elem = lru_percpu_map_lookup_elem,
	.map_lookup_percpu_elem = lru_percpu_map_lookup_percpu_elem,
	.map_update_elem = lru_percpu_map_update_elem,
	.map_delete_elem = lru_map_delete_elem,
	.map_copy_value = kbpf_htab_copy_value,
	.map_update_value = lru_percpu_map_update_value,
	.map_lookup_and_delete_elem = lru_map_lookup_and_delete_elem,
	.map_batch_cmds = KBPF_HTAB_BATCH_CMDS,
	.map_batch_bucket = kbpf_htab_batch_bucket,
	.map_meta_equal = kbpf_map_meta_equal,
	.map_for_each_callback = kbpf_htab_visit_elems,
};
