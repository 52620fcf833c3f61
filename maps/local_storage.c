// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_CGROUP_STORAGE and BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
 * (include/kbpf/cgroup_storage.h), with Linux 6.1's rules: the key is
 * struct bpf_cgroup_storage_key (storage per cgroup and attach type) or a
 * u64 cgroup id (per cgroup, shared by attach types); max_entries must be
 * 0; elements exist only while programs are attached, so updates never
 * create one (ENOENT), and deletes are refused (EINVAL).
 *
 * The map keeps its linked storages on one list, newest first (the
 * get_next_key order Linux has), looked up under the map's lock: a map
 * holds as many elements as attachments, a few, and programs never look
 * elements up (they get theirs from the run context), so a list is
 * enough where Linux adds an rbtree.
 *
 * A shared storage's value lives in a buffer that a syscall update
 * replaces whole, after an RCU grace period frees the old one: a program
 * holding the old pointer finishes its run on it, as in Linux.
 */
#include <kbpf/kapi.h>
#include <kbpf/map.h>
#include <kbpf/cgroup_storage.h>

#define LOCAL_STORAGE_CREATE_FLAG_MASK					\
	(BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY |		\
	 BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
/*
 * Linux's BPF_LOCAL_STORAGE_MAX_VALUE_SIZE on x86-64: U16_MAX less its
 * 128-byte struct bpf_local_storage_elem; the per-CPU type is bounded by
 * the per-CPU allocator's unit as well.
 */
#define LOCAL_STORAGE_MAX_VALUE_SIZE	(U16_MAX - 128)

struct kbpf_storage_buf {
	struct rcu_head rcu;
	u8 data[] __aligned(8);
};

struct kbpf_cgroup_storage_map {
	struct kbpf_map map;
	/* Guards list and every linked storage's list_map and buf swap. */
	spinlock_t lock;
	struct list_head list;
};

struct kbpf_cgroup_storage {
	struct kbpf_cgroup_storage_map *smap;
	union {
		struct kbpf_storage_buf __rcu *buf;
		void __percpu *percpu_buf;
	};
	struct bpf_cgroup_storage_key key;
	struct list_head list_map;	/* empty while not linked */
	struct rcu_head rcu;
	/* Read by the RCU callback, which may run after the map is gone. */
	bool percpu;
};

static struct kbpf_cgroup_storage_map *to_smap(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_cgroup_storage_map, map);
}

static bool is_percpu(const struct kbpf_map *map)
{
	return map->map_type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* A struct key isolates attach types; a u64 key is the cgroup id alone. */
static bool attach_type_isolated(const struct kbpf_map *map)
{
	return map->key_size == sizeof(struct bpf_cgroup_storage_key);
}

static bool key_matches(const struct kbpf_map *map,
			const struct bpf_cgroup_storage_key *stored,
			const void *key)
{
	const struct bpf_cgroup_storage_key *k = key;
	u64 id;

	if (attach_type_isolated(map))
		return stored->cgroup_inode_id == k->cgroup_inode_id &&
		       stored->attach_type == k->attach_type;
	memcpy(&id, key, sizeof(id));
	return stored->cgroup_inode_id == id;
}

static struct kbpf_cgroup_storage *
storage_lookup(struct kbpf_cgroup_storage_map *smap, const void *key)
{
	struct kbpf_cgroup_storage *s;

	lockdep_assert_held(&smap->lock);
	list_for_each_entry(s, &smap->list, list_map)
		if (key_matches(&smap->map, &s->key, key))
			return s;
	return NULL;
}

static int storage_map_alloc_check(union bpf_attr *attr)
{
	u32 max_value_size = LOCAL_STORAGE_MAX_VALUE_SIZE;

	if (attr->map_type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE)
		max_value_size = min_t(u32, max_value_size, PCPU_MIN_UNIT_SIZE);
	if (attr->key_size != sizeof(struct bpf_cgroup_storage_key) &&
	    attr->key_size != sizeof(u64))
		return -EINVAL;
	if (!attr->value_size)
		return -EINVAL;
	if (attr->value_size > max_value_size)
		return -E2BIG;
	if (attr->map_flags & ~LOCAL_STORAGE_CREATE_FLAG_MASK ||
	    !kbpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	/* Elements come from attachments, not from a size. */
	if (attr->max_entries)
		return -EINVAL;
	return 0;
}

static struct kbpf_map *storage_map_alloc(union bpf_attr *attr)
{
	struct kbpf_cgroup_storage_map *smap;

	smap = kzalloc(sizeof(*smap), GFP_USER | __GFP_ACCOUNT);
	if (!smap)
		return ERR_PTR(-ENOMEM);
	kbpf_map_init_from_attr(&smap->map, attr);
	spin_lock_init(&smap->lock);
	INIT_LIST_HEAD(&smap->list);
	return &smap->map;
}

static void storage_free_rcu(struct rcu_head *rcu)
{
	struct kbpf_cgroup_storage *s =
		container_of(rcu, struct kbpf_cgroup_storage, rcu);

	if (s->percpu)
		free_percpu(s->percpu_buf);
	else
		kfree(rcu_dereference_raw(s->buf));
	kfree(s);
}

void kbpf_cgroup_storage_free(struct kbpf_cgroup_storage *storage)
{
	if (storage)
		call_rcu(&storage->rcu, storage_free_rcu);
}

static void storage_map_free(struct kbpf_map *map)
{
	struct kbpf_cgroup_storage_map *smap = to_smap(map);
	struct kbpf_cgroup_storage *s, *tmp;

	/*
	 * Storages still linked belong to attachments that no longer hold
	 * the map (its last reference is gone): nothing else walks the list.
	 */
	list_for_each_entry_safe(s, tmp, &smap->list, list_map) {
		list_del_init(&s->list_map);
		kbpf_cgroup_storage_free(s);
	}
	kfree(smap);
}

struct kbpf_cgroup_storage *kbpf_cgroup_storage_alloc(struct kbpf_map *map)
{
	const gfp_t gfp = GFP_USER | __GFP_ZERO | __GFP_ACCOUNT | __GFP_NOWARN;
	struct kbpf_cgroup_storage *s;

	s = kmalloc_node(sizeof(*s), gfp, map->numa_node);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->smap = to_smap(map);
	s->percpu = is_percpu(map);
	INIT_LIST_HEAD(&s->list_map);
	if (is_percpu(map)) {
		s->percpu_buf = __alloc_percpu_gfp(round_up(map->value_size, 8),
						   8, gfp);
		if (!s->percpu_buf)
			goto err_free;
	} else {
		struct kbpf_storage_buf *buf;

		buf = kmalloc_node(struct_size(buf, data, map->value_size), gfp,
				   map->numa_node);
		if (!buf)
			goto err_free;
		RCU_INIT_POINTER(s->buf, buf);
	}
	return s;

err_free:
	kfree(s);
	return ERR_PTR(-ENOMEM);
}

int kbpf_cgroup_storage_link(struct kbpf_cgroup_storage *storage,
			     u64 cgroup_id, u32 attach_type)
{
	struct kbpf_cgroup_storage_map *smap = storage->smap;
	struct bpf_cgroup_storage_key key = {
		.cgroup_inode_id = cgroup_id,
		.attach_type = attach_type,
	};
	int err = 0;

	spin_lock_bh(&smap->lock);
	if (storage_lookup(smap, &key)) {
		err = -EEXIST;
	} else {
		storage->key = key;
		list_add(&storage->list_map, &smap->list);
	}
	spin_unlock_bh(&smap->lock);
	return err;
}

void kbpf_cgroup_storage_unlink(struct kbpf_cgroup_storage *storage)
{
	struct kbpf_cgroup_storage_map *smap = storage->smap;

	spin_lock_bh(&smap->lock);
	list_del_init(&storage->list_map);
	spin_unlock_bh(&smap->lock);
}

void *kbpf_cgroup_storage_ptr(struct kbpf_cgroup_storage *storage)
{
	if (storage->percpu)
		return this_cpu_ptr(storage->percpu_buf);
	return rcu_dereference(storage->buf)->data;
}

/* The syscall's lookup (the verifier refuses it to programs), under RCU. */
static void *storage_map_lookup_elem(struct kbpf_map *map, void *key)
{
	struct kbpf_cgroup_storage_map *smap = to_smap(map);
	struct kbpf_cgroup_storage *s;
	void *value = NULL;

	spin_lock_bh(&smap->lock);
	s = storage_lookup(smap, key);
	if (s)
		value = rcu_dereference(s->buf)->data;
	spin_unlock_bh(&smap->lock);
	return value;
}

static long storage_map_update_elem(struct kbpf_map *map, void *key,
				    void *value, u64 flags)
{
	struct kbpf_cgroup_storage_map *smap = to_smap(map);
	struct kbpf_storage_buf *new, *old = NULL;
	struct kbpf_cgroup_storage *s;

	/* No spin lock in a value without BTF: BPF_F_LOCK is refused too. */
	if (flags & ~BPF_EXIST)
		return -EINVAL;
	new = kmalloc_node(struct_size(new, data, map->value_size),
			   GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT,
			   map->numa_node);
	if (!new)
		return -ENOMEM;
	memcpy(new->data, value, map->value_size);
	spin_lock_bh(&smap->lock);
	s = storage_lookup(smap, key);
	if (s) {
		old = rcu_dereference_protected(s->buf,
						lockdep_is_held(&smap->lock));
		rcu_assign_pointer(s->buf, new);
	}
	spin_unlock_bh(&smap->lock);
	if (!s) {
		kfree(new);
		return -ENOENT;
	}
	kfree_rcu(old, rcu);
	return 0;
}

/* Per-CPU values cross as round_up(value_size, 8) bytes per possible CPU. */
static int percpu_storage_copy_value(struct kbpf_map *map, void *key,
				     void *value)
{
	struct kbpf_cgroup_storage_map *smap = to_smap(map);
	u32 size = round_up(map->value_size, 8);
	struct kbpf_cgroup_storage *s;
	int cpu, off = 0;

	spin_lock_bh(&smap->lock);
	s = storage_lookup(smap, key);
	if (s) {
		for_each_possible_cpu(cpu) {
			kbpf_map_long_memcpy(value + off,
					     per_cpu_ptr(s->percpu_buf, cpu),
					     size);
			off += size;
		}
	}
	spin_unlock_bh(&smap->lock);
	return s ? 0 : -ENOENT;
}

static long percpu_storage_update_value(struct kbpf_map *map, void *key,
					void *value, u64 flags)
{
	struct kbpf_cgroup_storage_map *smap = to_smap(map);
	u32 size = round_up(map->value_size, 8);
	struct kbpf_cgroup_storage *s;
	int cpu, off = 0;

	if (flags != BPF_ANY && flags != BPF_EXIST)
		return -EINVAL;
	spin_lock_bh(&smap->lock);
	s = storage_lookup(smap, key);
	if (s) {
		for_each_possible_cpu(cpu) {
			kbpf_map_long_memcpy(per_cpu_ptr(s->percpu_buf, cpu),
					     value + off, size);
			off += size;
		}
	}
	spin_unlock_bh(&smap->lock);
	return s ? 0 : -ENOENT;
}

/* Programs never see a per-CPU storage through a lookup either. */
static void *percpu_storage_lookup_elem(struct kbpf_map *map, void *key)
{
	return NULL;
}

static long percpu_storage_update_elem(struct kbpf_map *map, void *key,
				       void *value, u64 flags)
{
	return -EINVAL;
}

static long storage_map_delete_elem(struct kbpf_map *map, void *key)
{
	return -EINVAL;
}

static int storage_map_get_next_key(struct kbpf_map *map, void *key,
				    void *next_key)
{
	struct kbpf_cgroup_storage_map *smap = to_smap(map);
	struct kbpf_cgroup_storage *s = NULL;
	struct bpf_cgroup_storage_key next;

	spin_lock_bh(&smap->lock);
	if (key) {
		/* Unlike a hash map's, an unknown key ends the walk. */
		s = storage_lookup(smap, key);
		if (s && !list_is_last(&s->list_map, &smap->list))
			s = list_next_entry(s, list_map);
		else
			s = NULL;
	} else if (!list_empty(&smap->list)) {
		s = list_first_entry(&smap->list, struct kbpf_cgroup_storage,
				     list_map);
	}
	if (s)
		next = s->key;
	spin_unlock_bh(&smap->lock);
	if (!s)
		return -ENOENT;
	if (attach_type_isolated(map))
		memcpy(next_key, &next, sizeof(next));
	else
		memcpy(next_key, &next.cgroup_inode_id, sizeof(u64));
	return 0;
}

const struct kbpf_map_ops kbpf_cgroup_storage_map_ops = {
	.map_alloc_check = storage_map_alloc_check,
	.map_alloc = storage_map_alloc,
	.map_free = storage_map_free,
	.map_get_next_key = storage_map_get_next_key,
	.map_lookup_elem = storage_map_lookup_elem,
	.map_update_elem = storage_map_update_elem,
	.map_delete_elem = storage_map_delete_elem,
};

const struct kbpf_map_ops kbpf_percpu_cgroup_storage_map_ops = {
	.map_alloc_check = storage_map_alloc_check,
	.map_alloc = storage_map_alloc,
	.map_free = storage_map_free,
	.map_get_next_key = storage_map_get_next_key,
	.map_lookup_elem = percpu_storage_lookup_elem,
	.map_update_elem = percpu_storage_update_elem,
	.map_delete_elem = storage_map_delete_elem,
	.map_copy_value = percpu_storage_copy_value,
	.map_update_value = percpu_storage_update_value,
};
