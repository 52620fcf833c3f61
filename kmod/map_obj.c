// SPDX-License-Identifier: GPL-2.0
/*
 * Map objects: creation from BPF_MAP_CREATE's attr, ids, fds and the
 * reference count that decides when the map's memory goes back.
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>

#include "kbpf.h"

struct kbpf_ids kbpf_map_ids = KBPF_IDS_INIT(kbpf_map_ids);

static const struct file_operations kbpf_map_fops;

/* Object names: NUL-terminated within the field, [A-Za-z0-9_.] only. */
static int map_name_copy(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; i < size && src[i]; i++) {
		if (!isalnum(src[i]) && src[i] != '_' && src[i] != '.')
			return -EINVAL;
		dst[i] = src[i];
	}
	if (i == size)
		return -EINVAL;
	dst[i] = '\0';
	return 0;
}

int kbpf_file_flags(u32 flags)
{
	if ((flags & BPF_F_RDONLY) && (flags & BPF_F_WRONLY))
		return -EINVAL;
	if (flags & BPF_F_RDONLY)
		return O_RDONLY;
	if (flags & BPF_F_WRONLY)
		return O_WRONLY;
	return O_RDWR;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_file_flags);

struct kbpf_map *kbpf_map_create(union bpf_attr *attr)
{
	const struct kbpf_map_ops *ops = kbpf_map_type_ops(attr->map_type);
	int numa_node = kbpf_map_attr_numa_node(attr);
	struct kbpf_map *map, *meta = NULL;
	int err;

	if (!ops)
		return ERR_PTR(-EINVAL);
	if (numa_node != NUMA_NO_NODE &&
	    ((unsigned int)numa_node >= nr_node_ids || !node_online(numa_node)))
		return ERR_PTR(-EINVAL);
	if (ops->map_alloc_check) {
		err = ops->map_alloc_check(attr);
		if (err)
			return ERR_PTR(err);
	}
	/* Map-in-map: the template first, from inner_map_fd (its errno first). */
	if (kbpf_map_is_map_in_map(attr->map_type)) {
		meta = kbpf_map_meta_from_fd(attr->inner_map_fd);
		if (IS_ERR(meta))
			return meta;
	}
	map = ops->map_alloc(attr);
	if (IS_ERR(map)) {
		kbpf_map_meta_free(meta);
		return map;
	}
	map->ops = ops;
	map->inner_map_meta = meta;
	map->fd_ops = kbpf_map_fd_ops_for(attr->map_type);
	atomic64_set(&map->usercnt, 0);
	refcount_set(&map->refcnt, 1);
	atomic64_set(&map->writecnt, 0);
	mutex_init(&map->freeze_mutex);

	err = map_name_copy(map->name, attr->map_name, sizeof(attr->map_name));
	if (err)
		goto err_free;
	err = kbpf_id_alloc(&kbpf_map_ids, map);
	if (err < 0)
		goto err_free;
	map->id = err;
	/* Every live object pins the module, not only open fds. */
	__module_get(THIS_MODULE);
	atomic_inc(&kbpf_live_objects);
	return map;

err_free:
	mutex_destroy(&map->freeze_mutex);
	ops->map_free(map);
	return ERR_PTR(err);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_map_create);

static void map_free_work(struct work_struct *work)
{
	struct kbpf_map *map = container_of(work, struct kbpf_map, work);

	mutex_destroy(&map->freeze_mutex);
	map->ops->map_free(map);
	atomic_dec(&kbpf_live_objects);
	/* Last: module exit drains this workqueue before the text goes away. */
	module_put(THIS_MODULE);
}

static void map_free_rcu(struct rcu_head *rcu)
{
	struct kbpf_map *map = container_of(rcu, struct kbpf_map, rcu);

	/* Map types may sleep while freeing (vfree), an RCU callback may not. */
	INIT_WORK(&map->work, map_free_work);
	queue_work(kbpf_free_wq, &map->work);
}

void kbpf_map_inc(struct kbpf_map *map)
{
	refcount_inc(&map->refcnt);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_map_inc);

void kbpf_map_put(struct kbpf_map *map)
{
	if (!refcount_dec_and_test(&map->refcnt))
		return;
	kbpf_id_remove(&kbpf_map_ids, map->id);
	/* Programs and GET_FD_BY_ID may still be looking at it under RCU. */
	call_rcu(&map->rcu, map_free_rcu);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_map_put);

static bool map_tryget(void *obj)
{
	struct kbpf_map *map = obj;

	return refcount_inc_not_zero(&map->refcnt);
}

struct kbpf_map *kbpf_map_get_by_id(u32 id)
{
	struct kbpf_map *map = kbpf_id_get(&kbpf_map_ids, id, map_tryget);

	return map ? map : ERR_PTR(-ENOENT);
}
KBPF_EXPORT_FOR_KUNIT(kbpf_map_get_by_id);

struct kbpf_map *kbpf_map_get_from_fd(int ufd, fmode_t *mode)
{
	struct kbpf_map *map;
	struct fd f = fdget(ufd);

	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &kbpf_map_fops) {
		fdput(f);
		return ERR_PTR(-EINVAL);
	}
	map = f.file->private_data;
	kbpf_map_inc(map);
	if (mode) {
		*mode = f.file->f_mode;
		/* A frozen map is read-only from the syscall side. */
		if (READ_ONCE(map->frozen))
			*mode &= ~FMODE_CAN_WRITE;
	}
	fdput(f);
	return map;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_map_get_from_fd);

/* The last user fd is gone: Linux's bpf_map_put_uref(). */
static void map_put_uref(struct kbpf_map *map)
{
	if (atomic64_dec_and_test(&map->usercnt) && map->ops->map_release_uref)
		map->ops->map_release_uref(map);
}

int kbpf_map_new_fd(struct kbpf_map *map, int flags)
{
	int fd;

	/* Counted before the fd exists: another thread may close it at once. */
	atomic64_inc(&map->usercnt);
	fd = anon_inode_getfd("bpf-map", &kbpf_map_fops, map,
			      flags | O_CLOEXEC);
	if (fd < 0)
		map_put_uref(map);
	return fd;
}
KBPF_EXPORT_FOR_KUNIT(kbpf_map_new_fd);

static int map_release(struct inode *inode, struct file *file)
{
	struct kbpf_map *map = file->private_data;

	if (map->ops->map_release)
		map->ops->map_release(map, file);
	map_put_uref(file->private_data);
	kbpf_map_put(file->private_data);
	return 0;
}

static void map_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct kbpf_map *map = file->private_data;

	seq_printf(m,
		   "map_type:\t%u\n"
		   "key_size:\t%u\n"
		   "value_size:\t%u\n"
		   "max_entries:\t%u\n"
		   "map_flags:\t%#x\n"
		   "map_extra:\t%#llx\n"
		   "memlock:\t%llu\n"
		   "map_id:\t%u\n"
		   "frozen:\t%u\n",
		   map->map_type, map->key_size, map->value_size,
		   map->max_entries, map->map_flags,
		   (unsigned long long)map->map_extra,
		   (unsigned long long)kbpf_map_memory_footprint(map),
		   map->id, READ_ONCE(map->frozen));
}

/*
 * read/write exist only so that the VFS grants FMODE_CAN_READ/WRITE, which
 * is how the fd's O_RDONLY/O_WRONLY mode reaches the map commands.
 */
static ssize_t map_dummy_read(struct file *file, char __user *buf,
			      size_t len, loff_t *ppos)
{
	return -EINVAL;
}

static ssize_t map_dummy_write(struct file *file, const char __user *buf,
			       size_t len, loff_t *ppos)
{
	return -EINVAL;
}

/*
 * A writable mapping keeps the map from being frozen (writecnt), for as
 * long as any copy of it (fork, split) may still write.
 */
static void map_mmap_open(struct vm_area_struct *vma)
{
	struct kbpf_map *map = vma->vm_file->private_data;

	if (vma->vm_flags & VM_MAYWRITE)
		atomic64_inc(&map->writecnt);
}

static void map_mmap_close(struct vm_area_struct *vma)
{
	struct kbpf_map *map = vma->vm_file->private_data;

	if (vma->vm_flags & VM_MAYWRITE)
		atomic64_dec(&map->writecnt);
}

static const struct vm_operations_struct kbpf_map_vmops = {
	.open = map_mmap_open,
	.close = map_mmap_close,
};

/* Insert the area's pages one by one: vmalloc and vmap pages alike. */
static int map_mmap_insert(struct vm_area_struct *vma, void *area)
{
	unsigned long addr;
	void *kaddr = area + (vma->vm_pgoff << PAGE_SHIFT);
	int err;

	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		err = vm_insert_page(vma, addr, vmalloc_to_page(kaddr));
		if (err)
			return err;
		kaddr += PAGE_SIZE;
	}
	return 0;
}

/* Linux's bpf_map_mmap(): shared mappings only, none writable once frozen. */
static int map_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kbpf_map *map = file->private_data;
	u64 pages = vma_pages(vma), size = 0;
	bool writable = vma->vm_flags & VM_WRITE;
	void *area;
	int err = 0;

	if (!map->ops->map_mmap_area)
		return -ENOTSUPP;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	mutex_lock(&map->freeze_mutex);
	if (writable) {
		if (READ_ONCE(map->frozen))
			err = -EPERM;
		/* Programs assume the values never change: no writable page. */
		else if (map->map_flags & BPF_F_RDONLY_PROG)
			err = -EACCES;
		else
			atomic64_inc(&map->writecnt);
	}
	mutex_unlock(&map->freeze_mutex);
	if (err)
		return err;

	vma->vm_ops = &kbpf_map_vmops;
	vma->vm_private_data = map;
	vma->vm_flags &= ~VM_MAYEXEC;
	/* A read-only mapping cannot be mprotect'ed writable later. */
	if (!writable)
		vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;

	area = map->ops->map_mmap_area(map, vma->vm_pgoff, pages, writable,
				       &size);
	if (IS_ERR(area))
		err = PTR_ERR(area);
	else if (vma->vm_pgoff + pages < pages ||
		 vma->vm_pgoff + pages > size >> PAGE_SHIFT)
		err = -EINVAL;
	else
		err = map_mmap_insert(vma, area);
	if (err && writable)
		atomic64_dec(&map->writecnt);
	return err;
}

static __poll_t map_poll(struct file *file, struct poll_table_struct *pts)
{
	struct kbpf_map *map = file->private_data;

	if (map->ops->map_poll)
		return map->ops->map_poll(map, file, pts);
	return EPOLLERR;
}

static const struct file_operations kbpf_map_fops = {
	.owner = THIS_MODULE,
	.mmap = map_mmap,
	.poll = map_poll,
	.release = map_release,
	.show_fdinfo = map_show_fdinfo,
	.read = map_dummy_read,
	.write = map_dummy_write,
	.llseek = noop_llseek,
};
