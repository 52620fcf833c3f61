// SPDX-License-Identifier: GPL-2.0
/*
 * The map commands: MAP_CREATE, the element commands and MAP_FREEZE, with
 * bpf(2)'s checks in bpf(2)'s order so callers see the same errno.
 *
 * Values cross the boundary as kbpf_map_value_size() bytes: for per-CPU
 * maps, round_up(value_size, 8) per possible CPU, in CPU order.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/bpf.h>

#include "../kmod/kbpf.h"
#include "cmds.h"
#include "map_sys.h"

int kbpf_cmd_map_create(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct kbpf_map *map;
	int f_flags;
	int fd;

	if (attr->btf_vmlinux_value_type_id) {
		if (attr->map_type != BPF_MAP_TYPE_STRUCT_OPS ||
		    attr->btf_key_type_id || attr->btf_value_type_id)
			return -EINVAL;
	} else if (attr->btf_key_type_id && !attr->btf_value_type_id) {
		return -EINVAL;
	}
	if (attr->map_type != BPF_MAP_TYPE_BLOOM_FILTER && attr->map_extra)
		return -EINVAL;
	/*
	 * kbpf has no BTF objects yet: a map described by BTF types cannot be
	 * created. Like Linux, btf_fd alone (without type ids) is ignored.
	 */
	if (attr->btf_vmlinux_value_type_id || attr->btf_value_type_id)
		return -EOPNOTSUPP;
	f_flags = kbpf_file_flags(attr->map_flags);
	if (f_flags < 0)
		return f_flags;

	map = kbpf_map_create(attr);
	if (IS_ERR(map))
		return PTR_ERR(map);
	fd = kbpf_map_new_fd(map, f_flags);
	if (fd < 0)
		kbpf_map_put(map);
	return fd;
}

/*
 * Linux's maybe_wait_bpf_programs(): once a map-in-map command returns,
 * no program still runs with what the map held before it.
 */
static void map_wait_programs(struct kbpf_map *map)
{
	if (kbpf_map_is_map_in_map(map->map_type))
		synchronize_rcu();
}

/* The syscall's update of an element (all CPUs' values). */
int kbpf_map_sys_update(struct kbpf_map *map, void *key, void *value,
			u64 flags)
{
	int err;

	rcu_read_lock();
	if (map->ops->map_update_value)
		err = map->ops->map_update_value(map, key, value, flags);
	else
		err = map->ops->map_update_elem(map, key, value, flags);
	rcu_read_unlock();
	return err;
}

/*
 * The map behind attr->map_fd, if the fd grants all of the access in need.
 * A writer counts as active (BPF_MAP_FREEZE answers EBUSY) from before it
 * checks the frozen flag until kbpf_map_put_checked(), as in Linux.
 */
struct kbpf_map *kbpf_map_get_checked(u32 ufd, fmode_t need)
{
	struct kbpf_map *map;
	fmode_t mode;

	map = kbpf_map_get_from_fd(ufd, &mode);
	if (IS_ERR(map))
		return map;
	if (need & FMODE_CAN_WRITE) {
		atomic64_inc(&map->writecnt);
		/* Pairs with the freezer's check of writecnt. */
		smp_mb__after_atomic();
		if (READ_ONCE(map->frozen))
			mode &= ~FMODE_CAN_WRITE;
	}
	if ((mode & need) != need) {
		kbpf_map_put_checked(map, need);
		return ERR_PTR(-EPERM);
	}
	return map;
}

void kbpf_map_put_checked(struct kbpf_map *map, fmode_t need)
{
	if (need & FMODE_CAN_WRITE)
		atomic64_dec(&map->writecnt);
	kbpf_map_put(map);
}

/*
 * A key or value buffer for one command. Up to ELEM_BUF_INLINE bytes (u32
 * and u64 ids, small structs: most maps) it is on the stack, so a lookup
 * allocates nothing (Linux allocates both); larger ones are kvmalloc'ed,
 * up to KMALLOC_MAX_SIZE. Either way it is freed with elem_buf_free().
 */
#define ELEM_BUF_INLINE	64

struct elem_buf {
	void *ptr;
	u64 inline_bytes[ELEM_BUF_INLINE / sizeof(u64)];
};

/* Room for size bytes, for the map to fill; NULL when out of memory. */
static void *elem_buf_alloc(struct elem_buf *b, u32 size)
{
	if (size <= ELEM_BUF_INLINE) {
		/* Whatever the map leaves unwritten is not old stack. */
		memset(b->inline_bytes, 0, sizeof(b->inline_bytes));
		b->ptr = b->inline_bytes;
	} else {
		b->ptr = kvmalloc(size, GFP_USER | __GFP_NOWARN);
	}
	return b->ptr;
}

/* size bytes copied in from uptr, or ERR_PTR(-EFAULT/-ENOMEM). */
static void *elem_buf_from_user(struct elem_buf *b, u64 uptr, u32 size)
{
	if (size > ELEM_BUF_INLINE) {
		b->ptr = vmemdup_user(u64_to_user_ptr(uptr), size);
		return b->ptr;
	}
	b->ptr = b->inline_bytes;
	if (copy_from_user(b->ptr, u64_to_user_ptr(uptr), size))
		b->ptr = ERR_PTR(-EFAULT);
	return b->ptr;
}

static void elem_buf_free(struct elem_buf *b)
{
	if (b->ptr != b->inline_bytes && !IS_ERR_OR_NULL(b->ptr))
		kvfree(b->ptr);
}

/* The key; keyless maps (queue, stack) take no key pointer at all. */
static void *copy_key(struct elem_buf *b, const struct kbpf_map *map,
		      u64 ukey)
{
	b->ptr = NULL;
	if (map->key_size)
		return elem_buf_from_user(b, ukey, map->key_size);
	return ukey ? ERR_PTR(-EINVAL) : NULL;
}

/* The syscall's view of an element: all CPUs' values, no LRU reference. */
int kbpf_map_sys_copy_value(struct kbpf_map *map, void *key, void *value)
{
	void *ptr;
	int err;

	rcu_read_lock();
	if (map->ops->map_copy_value) {
		err = map->ops->map_copy_value(map, key, value);
	} else {
		ptr = map->ops->map_lookup_elem(map, key);
		if (IS_ERR(ptr))
			err = PTR_ERR(ptr);
		else if (!ptr)
			err = -ENOENT;
		else
			err = 0;
		if (!err)
			memcpy(value, ptr, map->value_size);
	}
	rcu_read_unlock();
	return err;
}

int kbpf_cmd_map_lookup_elem(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct elem_buf kbuf, vbuf;
	struct kbpf_map *map;
	void *key, *value;
	u32 value_size;
	int err;

	if (attr->flags & ~BPF_F_LOCK)
		return -EINVAL;
	map = kbpf_map_get_checked(attr->map_fd, FMODE_CAN_READ);
	if (IS_ERR(map))
		return PTR_ERR(map);
	/* No map type kbpf has yet carries a bpf_spin_lock. */
	err = -EINVAL;
	if (attr->flags & BPF_F_LOCK)
		goto err_put;

	key = copy_key(&kbuf, map, attr->key);
	err = PTR_ERR(key);
	if (IS_ERR(key))
		goto err_put;
	value_size = kbpf_map_value_size(map);
	err = -ENOMEM;
	value = elem_buf_alloc(&vbuf, value_size);
	if (!value)
		goto err_free_key;

	err = kbpf_map_sys_copy_value(map, key, value);
	if (!err && copy_to_user(u64_to_user_ptr(attr->value), value,
				 value_size))
		err = -EFAULT;

	elem_buf_free(&vbuf);
err_free_key:
	elem_buf_free(&kbuf);
err_put:
	kbpf_map_put(map);
	return err;
}

/*
 * An update that records the map file it came through: that of ufd, which
 * must still be the map checked before (another thread may have reused
 * the fd number since).
 */
static int map_update_file(struct kbpf_map *map, u32 ufd, void *key,
			   void *value, u64 flags)
{
	struct fd f = fdget(ufd);
	int err = -EBADF;

	/* It may allocate (GFP_USER): not under rcu_read_lock(). */
	if (f.file && f.file->private_data == map)
		err = map->ops->map_update_file(map, f.file, key, value, flags);
	fdput(f);
	return err;
}

int kbpf_cmd_map_update_elem(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct elem_buf kbuf, vbuf;
	struct kbpf_map *map;
	void *key, *value;
	int err;

	map = kbpf_map_get_checked(attr->map_fd, FMODE_CAN_WRITE);
	if (IS_ERR(map))
		return PTR_ERR(map);
	err = -EINVAL;
	if (attr->flags & BPF_F_LOCK)
		goto err_put;

	key = copy_key(&kbuf, map, attr->key);
	err = PTR_ERR(key);
	if (IS_ERR(key))
		goto err_put;
	value = elem_buf_from_user(&vbuf, attr->value,
				   kbpf_map_value_size(map));
	err = PTR_ERR(value);
	if (IS_ERR(value))
		goto err_free_key;

	if (map->ops->map_update_file)
		err = map_update_file(map, attr->map_fd, key, value,
				      attr->flags);
	else
		err = kbpf_map_sys_update(map, key, value, attr->flags);
	map_wait_programs(map);

	elem_buf_free(&vbuf);
err_free_key:
	elem_buf_free(&kbuf);
err_put:
	kbpf_map_put_checked(map, FMODE_CAN_WRITE);
	return err;
}

int kbpf_cmd_map_delete_elem(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct elem_buf kbuf;
	struct kbpf_map *map;
	void *key;
	int err;

	map = kbpf_map_get_checked(attr->map_fd, FMODE_CAN_WRITE);
	if (IS_ERR(map))
		return PTR_ERR(map);
	key = copy_key(&kbuf, map, attr->key);
	err = PTR_ERR(key);
	if (IS_ERR(key))
		goto err_put;

	rcu_read_lock();
	err = map->ops->map_delete_elem(map, key);
	rcu_read_unlock();
	map_wait_programs(map);

	elem_buf_free(&kbuf);
err_put:
	kbpf_map_put_checked(map, FMODE_CAN_WRITE);
	return err;
}

int kbpf_cmd_map_get_next_key(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct elem_buf kbuf = { NULL }, nbuf;
	void *key = NULL, *next_key;
	struct kbpf_map *map;
	int err;

	map = kbpf_map_get_checked(attr->map_fd, FMODE_CAN_READ);
	if (IS_ERR(map))
		return PTR_ERR(map);
	/* A NULL key asks for the first key. */
	if (attr->key) {
		key = copy_key(&kbuf, map, attr->key);
		err = PTR_ERR(key);
		if (IS_ERR(key))
			goto err_put;
	}
	err = -ENOMEM;
	next_key = elem_buf_alloc(&nbuf, map->key_size);
	if (!next_key)
		goto err_free_key;

	rcu_read_lock();
	err = map->ops->map_get_next_key(map, key, next_key);
	rcu_read_unlock();
	if (!err && copy_to_user(u64_to_user_ptr(attr->next_key), next_key,
				 map->key_size))
		err = -EFAULT;

	elem_buf_free(&nbuf);
err_free_key:
	elem_buf_free(&kbuf);
err_put:
	kbpf_map_put(map);
	return err;
}

/*
 * Hash maps only, as in Linux 6.1 (queue and stack maps will pop here);
 * other map types answer ENOTSUPP once the key and value buffers are set
 * up. The fd must allow both reading and writing.
 */
int kbpf_cmd_map_lookup_and_delete_elem(union bpf_attr *attr,
					union bpf_attr __user *uattr)
{
	struct elem_buf kbuf, vbuf;
	struct kbpf_map *map;
	void *key, *value;
	u32 value_size;
	int err;

	if (attr->flags & ~BPF_F_LOCK)
		return -EINVAL;
	map = kbpf_map_get_checked(attr->map_fd, FMODE_CAN_READ | FMODE_CAN_WRITE);
	if (IS_ERR(map))
		return PTR_ERR(map);
	/* No map type kbpf has yet carries a bpf_spin_lock. */
	err = -EINVAL;
	if (attr->flags & BPF_F_LOCK)
		goto err_put;

	key = copy_key(&kbuf, map, attr->key);
	err = PTR_ERR(key);
	if (IS_ERR(key))
		goto err_put;
	value_size = kbpf_map_value_size(map);
	err = -ENOMEM;
	value = elem_buf_alloc(&vbuf, value_size);
	if (!value)
		goto err_free_key;

	err = -ENOTSUPP;
	if (map->ops->map_lookup_and_delete_elem) {
		rcu_read_lock();
		err = map->ops->map_lookup_and_delete_elem(map, key, value,
							   attr->flags);
		rcu_read_unlock();
	}
	/* Like Linux: a fault here loses the element, it is gone already. */
	if (!err && copy_to_user(u64_to_user_ptr(attr->value), value,
				 value_size))
		err = -EFAULT;

	elem_buf_free(&vbuf);
err_free_key:
	elem_buf_free(&kbuf);
err_put:
	kbpf_map_put_checked(map, FMODE_CAN_READ | FMODE_CAN_WRITE);
	return err;
}

int kbpf_cmd_map_freeze(union bpf_attr *attr, union bpf_attr __user *uattr)
{
	struct kbpf_map *map;
	int err = 0;

	map = kbpf_map_get_from_fd(attr->map_fd, NULL);
	if (IS_ERR(map))
		return PTR_ERR(map);

	mutex_lock(&map->freeze_mutex);
	/* Writable mmaps and syscall writes in flight keep it writable. */
	if (atomic64_read(&map->writecnt))
		err = -EBUSY;
	else if (READ_ONCE(map->frozen))
		err = -EBUSY;
	else if (!kbpf_capable())
		err = -EPERM;
	else
		WRITE_ONCE(map->frozen, true);
	mutex_unlock(&map->freeze_mutex);

	kbpf_map_put(map);
	return err;
}
