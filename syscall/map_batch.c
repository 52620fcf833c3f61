// SPDX-License-Identifier: GPL-2.0
/*
 * The batch map commands: MAP_LOOKUP_BATCH, MAP_LOOKUP_AND_DELETE_BATCH,
 * MAP_UPDATE_BATCH and MAP_DELETE_BATCH, with Linux 6.1's tokens, counts
 * and errnos.
 *
 * attr->batch.count is how many elements the caller has room for (or
 * passes) on the way in, how many were handled on the way out; it is
 * zeroed first, so a failure half-way reports what was done. Lookups end
 * with ENOENT once the walk has passed the last element, and with a token
 * in out_batch to pass as in_batch for the next call:
 * - hash maps walk bucket by bucket and never split a bucket; the token
 *   is the next bucket's index (a u32), and a bucket bigger than the room
 *   left ends the call (ENOSPC if nothing was copied yet);
 * - other maps walk map_get_next_key(); the token is the last key copied.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/bpf.h>

#include "../kmod/kbpf.h"
#include "cmds.h"
#include "map_sys.h"

/* Linux's first guess at the longest chain; the buffers grow past it. */
#define BATCH_BUCKET_GUESS	5

/* Checks every batch command makes first; 0 to go on, 1 for count 0. */
static int batch_check(const struct kbpf_map *map, const union bpf_attr *attr,
		       union bpf_attr __user *uattr)
{
	if (attr->batch.elem_flags & ~BPF_F_LOCK)
		return -EINVAL;
	/* No map type kbpf has yet carries a bpf_spin_lock. */
	if (attr->batch.elem_flags & BPF_F_LOCK)
		return -EINVAL;
	if (!attr->batch.count)
		return 1;
	if (put_user(0, &uattr->batch.count))
		return -EFAULT;
	return 0;
}

struct bucket_bufs {
	void *keys;
	void *values;
	void **scratch;
	u32 room;
};

static void bucket_bufs_free(struct bucket_bufs *bufs)
{
	kvfree(bufs->keys);
	kvfree(bufs->values);
	kvfree(bufs->scratch);
}

static int bucket_bufs_alloc(struct bucket_bufs *bufs,
			     const struct kbpf_map *map, u32 room)
{
	gfp_t gfp = GFP_USER | __GFP_NOWARN;

	bufs->room = room;
	bufs->keys = kvmalloc_array(room, map->key_size, gfp);
	bufs->values = kvmalloc_array(room, kbpf_map_value_size(map), gfp);
	bufs->scratch = kvmalloc_array(room, sizeof(void *), gfp);
	if (!bufs->keys || !bufs->values || !bufs->scratch) {
		bucket_bufs_free(bufs);
		return -ENOMEM;
	}
	return 0;
}

/* Hash maps: whole buckets, as Linux's __htab_map_lookup_and_delete_batch. */
static int bucket_lookup_batch(struct kbpf_map *map,
			       const union bpf_attr *attr,
			       union bpf_attr __user *uattr, bool do_delete)
{
	void __user *ukeys = u64_to_user_ptr(attr->batch.keys);
	void __user *uvalues = u64_to_user_ptr(attr->batch.values);
	void __user *ubatch = u64_to_user_ptr(attr->batch.in_batch);
	u32 value_size = kbpf_map_value_size(map);
	u32 max_count = attr->batch.count;
	struct bucket_bufs bufs = {};
	u32 batch = 0, total = 0;
	bool first = true;
	int ret, n;

	if (attr->batch.flags)
		return -EINVAL;
	ret = batch_check(map, attr, uattr);
	if (ret)
		return ret < 0 ? ret : 0;
	if (ubatch && copy_from_user(&batch, ubatch, sizeof(batch)))
		return -EFAULT;
	ret = bucket_bufs_alloc(&bufs, map, BATCH_BUCKET_GUESS);
	if (ret)
		return ret;

	for (;;) {
		rcu_read_lock();
		n = map->ops->map_batch_bucket(map, batch, bufs.keys,
					       bufs.values, bufs.scratch,
					       min(bufs.room, max_count - total),
					       do_delete);
		rcu_read_unlock();
		/* A token past the last bucket ends the walk at once. */
		if (n == -ENOENT && first) {
			ret = n;
			goto out;
		}
		first = false;
		if (n < 0) {
			ret = n;
			break;
		}
		if ((u32)n > max_count - total) {
			if (!total)
				ret = -ENOSPC;
			break;
		}
		if ((u32)n > bufs.room) {
			/* Nothing was copied: grow the buffers, try again. */
			bucket_bufs_free(&bufs);
			ret = bucket_bufs_alloc(&bufs, map, n);
			if (ret)
				goto out;
			continue;
		}
		if (n && (copy_to_user(ukeys + (u64)total * map->key_size,
				       bufs.keys, (u64)n * map->key_size) ||
			  copy_to_user(uvalues + (u64)total * value_size,
				       bufs.values, (u64)n * value_size))) {
			ret = -EFAULT;
			goto out;
		}
		total += n;
		/*
		 * On to the next bucket even when the room is used up: only a
		 * non-empty bucket that does not fit ends the call, so a walk
		 * that reaches the end says ENOENT at once, as Linux's does.
		 */
		batch++;
		cond_resched();
	}
	if (copy_to_user(u64_to_user_ptr(attr->batch.out_batch), &batch,
			 sizeof(batch)) ||
	    put_user(total, &uattr->batch.count))
		ret = -EFAULT;
out:
	bucket_bufs_free(&bufs);
	return ret;
}

/* Other maps: key after key, as Linux's generic_map_lookup_batch. */
static int key_lookup_batch(struct kbpf_map *map, const union bpf_attr *attr,
			    union bpf_attr __user *uattr)
{
	void __user *ukeys = u64_to_user_ptr(attr->batch.keys);
	void __user *uvalues = u64_to_user_ptr(attr->batch.values);
	void __user *ubatch = u64_to_user_ptr(attr->batch.in_batch);
	u32 value_size = kbpf_map_value_size(map);
	void *buf_prevkey, *buf, *prev_key = NULL, *key, *value;
	u32 max_count = attr->batch.count, cp;
	int err;

	err = batch_check(map, attr, uattr);
	if (err)
		return err < 0 ? err : 0;
	buf_prevkey = kvmalloc(map->key_size, GFP_USER | __GFP_NOWARN);
	buf = kvmalloc(map->key_size + value_size, GFP_USER | __GFP_NOWARN);
	err = -ENOMEM;
	if (!buf_prevkey || !buf)
		goto out;
	err = -EFAULT;
	if (ubatch && copy_from_user(buf_prevkey, ubatch, map->key_size))
		goto out;
	if (ubatch)
		prev_key = buf_prevkey;
	key = buf;
	value = buf + map->key_size;

	for (cp = 0; cp < max_count;) {
		rcu_read_lock();
		err = map->ops->map_get_next_key(map, prev_key, key);
		rcu_read_unlock();
		if (err)
			break;
		err = kbpf_map_sys_copy_value(map, key, value);
		/* Deleted since the key walk saw it: skip it. */
		if (err && err != -ENOENT)
			goto out;
		if (!err) {
			if (copy_to_user(ukeys + (u64)cp * map->key_size, key,
					 map->key_size) ||
			    copy_to_user(uvalues + (u64)cp * value_size, value,
					 value_size)) {
				err = -EFAULT;
				goto out;
			}
			cp++;
		}
		/* The first key found replaces the token buffer's role. */
		if (!prev_key)
			prev_key = buf_prevkey;
		swap(prev_key, key);
		cond_resched();
	}
	if (put_user(cp, &uattr->batch.count) ||
	    (cp && copy_to_user(u64_to_user_ptr(attr->batch.out_batch),
				prev_key, map->key_size)))
		err = -EFAULT;
out:
	kvfree(buf_prevkey);
	kvfree(buf);
	return err;
}

static int generic_update_batch(struct kbpf_map *map,
				const union bpf_attr *attr,
				union bpf_attr __user *uattr)
{
	void __user *ukeys = u64_to_user_ptr(attr->batch.keys);
	void __user *uvalues = u64_to_user_ptr(attr->batch.values);
	u32 value_size = kbpf_map_value_size(map);
	u32 max_count = attr->batch.count, cp;
	void *key, *value;
	int err;

	err = batch_check(map, attr, uattr);
	if (err)
		return err < 0 ? err : 0;
	key = kvmalloc(map->key_size, GFP_USER | __GFP_NOWARN);
	value = kvmalloc(value_size, GFP_USER | __GFP_NOWARN);
	err = -ENOMEM;
	if (!key || !value)
		goto out;
	for (cp = 0; cp < max_count; cp++) {
		err = -EFAULT;
		if (copy_from_user(key, ukeys + (u64)cp * map->key_size,
				   map->key_size) ||
		    copy_from_user(value, uvalues + (u64)cp * value_size,
				   value_size))
			break;
		err = kbpf_map_sys_update(map, key, value,
					  attr->batch.elem_flags);
		if (err)
			break;
		cond_resched();
	}
	if (put_user(cp, &uattr->batch.count))
		err = -EFAULT;
out:
	kvfree(key);
	kvfree(value);
	return err;
}

static int generic_delete_batch(struct kbpf_map *map,
				const union bpf_attr *attr,
				union bpf_attr __user *uattr)
{
	void __user *ukeys = u64_to_user_ptr(attr->batch.keys);
	u32 max_count = attr->batch.count, cp;
	void *key;
	int err;

	err = batch_check(map, attr, uattr);
	if (err)
		return err < 0 ? err : 0;
	key = kvmalloc(map->key_size, GFP_USER | __GFP_NOWARN);
	if (!key)
		return -ENOMEM;
	for (cp = 0; cp < max_count; cp++) {
		err = -EFAULT;
		if (copy_from_user(key, ukeys + (u64)cp * map->key_size,
				   map->key_size))
			break;
		rcu_read_lock();
		err = map->ops->map_delete_elem(map, key);
		rcu_read_unlock();
		if (err)
			break;
		cond_resched();
	}
	if (put_user(cp, &uattr->batch.count))
		err = -EFAULT;
	kvfree(key);
	return err;
}

/* Linux's bpf_map_do_batch(): access checks, then the map type's way. */
static int map_do_batch(const union bpf_attr *attr,
			union bpf_attr __user *uattr, u32 cmd_bit)
{
	bool has_read = cmd_bit & (KBPF_BATCH_LOOKUP |
				   KBPF_BATCH_LOOKUP_AND_DELETE);
	bool has_write = cmd_bit != KBPF_BATCH_LOOKUP;
	fmode_t need = (has_read ? FMODE_CAN_READ : 0) |
		       (has_write ? FMODE_CAN_WRITE : 0);
	struct kbpf_map *map;
	int err;

	map = kbpf_map_get_checked(attr->batch.map_fd, need);
	if (IS_ERR(map))
		return PTR_ERR(map);
	err = -ENOTSUPP;
	if (!(map->ops->map_batch_cmds & cmd_bit))
		goto out;
	switch (cmd_bit) {
	case KBPF_BATCH_LOOKUP:
	case KBPF_BATCH_LOOKUP_AND_DELETE:
		if (map->ops->map_batch_bucket)
			err = bucket_lookup_batch(map, attr, uattr,
						  cmd_bit != KBPF_BATCH_LOOKUP);
		else
			err = key_lookup_batch(map, attr, uattr);
		break;
	case KBPF_BATCH_UPDATE:
		err = generic_update_batch(map, attr, uattr);
		break;
	default:
		err = generic_delete_batch(map, attr, uattr);
		break;
	}
out:
	kbpf_map_put_checked(map, need);
	return err;
}

int kbpf_cmd_map_lookup_batch(union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	return map_do_batch(attr, uattr, KBPF_BATCH_LOOKUP);
}

int kbpf_cmd_map_lookup_and_delete_batch(union bpf_attr *attr,
					 union bpf_attr __user *uattr)
{
	return map_do_batch(attr, uattr, KBPF_BATCH_LOOKUP_AND_DELETE);
}

int kbpf_cmd_map_update_batch(union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	return map_do_batch(attr, uattr, KBPF_BATCH_UPDATE);
}

int kbpf_cmd_map_delete_batch(union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	return map_do_batch(attr, uattr, KBPF_BATCH_DELETE);
}
