/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the map command files share: the fd lookup with its access check,
 * and the syscall's view of a value (every CPU's copy, no LRU reference).
 */
#ifndef KBPF_SYSCALL_MAP_SYS_H
#define KBPF_SYSCALL_MAP_SYS_H

#include <linux/fs.h>
#include <linux/types.h>

struct kbpf_map;

/*
 * The map behind ufd if the fd grants need (FMODE_CAN_READ/WRITE), else
 * ERR_PTR(-EPERM); release with kbpf_map_put_checked(map, need).
 */
struct kbpf_map *kbpf_map_get_checked(u32 ufd, fmode_t need);
void kbpf_map_put_checked(struct kbpf_map *map, fmode_t need);

/* Under no lock; each takes RCU itself. */
int kbpf_map_sys_copy_value(struct kbpf_map *map, void *key, void *value);
int kbpf_map_sys_update(struct kbpf_map *map, void *key, void *value,
			u64 flags);

#endif /* KBPF_SYSCALL_MAP_SYS_H */
