/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kmod/ offers the rest of the module: object lifetime (ids, fds,
 * references) for maps and programs, and the module-wide policy knobs.
 */
#ifndef KBPF_KMOD_H
#define KBPF_KMOD_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/types.h>

#include <kbpf/map.h>
#include <kbpf/prog.h>

#include "export.h"
#include "id.h"

/* Maps and programs alive (allocated, not yet freed): a leak shows here. */
extern atomic_t kbpf_live_objects;

/* Wait until every object whose last reference is gone has been freed. */
void kbpf_wait_for_frees(void);

extern struct kbpf_ids kbpf_map_ids;
extern struct kbpf_ids kbpf_prog_ids;

/* Mirrors sysctl kernel.unprivileged_bpf_disabled == 0 when true. */
extern bool kbpf_unprivileged_bpf_enabled;

/* BPF_PROG_LOAD is refused unless set: the verifier is a preview. */

/* True when the caller may run privileged bpf commands (CAP_BPF or CAP_SYS_ADMIN). */
bool kbpf_capable(void);

/* Objects are freed from here, after an RCU grace period. */
extern struct workqueue_struct *kbpf_free_wq;

/* Find nsfs's device for kbpf_ns_match() (kmod/nsfs.c), at load. */
int kbpf_nsfs_dev_init(void);

/* KBPF_IOCTL_PERF_BUFFER (kmod/perf_buffer_fd.c): a new perf buffer fd. */
long kbpf_perf_buffer_ioctl(void __user *uattr);

/* Maps (kmod/map_obj.c). */
struct kbpf_map *kbpf_map_create(union bpf_attr *attr);
int kbpf_map_new_fd(struct kbpf_map *map, int flags);
void kbpf_map_inc(struct kbpf_map *map);
void kbpf_map_put(struct kbpf_map *map);
/* A reference to the map behind ufd, and the fd's access mode (frozen maps drop write). */
struct kbpf_map *kbpf_map_get_from_fd(int ufd, fmode_t *mode);
struct kbpf_map *kbpf_map_get_by_id(u32 id);
/* O_RDONLY/O_WRONLY/O_RDWR for BPF_F_RDONLY/BPF_F_WRONLY, -EINVAL for both. */
int kbpf_file_flags(u32 flags);

/* Maps holding objects by fd (kmod/map_fd.c). */
const struct kbpf_map_fd_ops *kbpf_map_fd_ops_for(u32 map_type);
/* The map-in-map template from the map behind ufd (inner_map_fd). */
struct kbpf_map *kbpf_map_meta_from_fd(int ufd);
/* Linux's bpf_prog_map_compatible() for a PROG_ARRAY (fixes its owner). */
bool kbpf_prog_map_compatible(struct kbpf_map *map,
			      const struct kbpf_prog *prog);

/* Programs (kmod/prog_obj.c). */
struct kbpf_prog *kbpf_prog_alloc(u32 insn_cnt);
/* Give a fully built program its id; after this it is visible to GET_FD_BY_ID. */
int kbpf_prog_publish(struct kbpf_prog *prog);
int kbpf_prog_new_fd(struct kbpf_prog *prog);
void kbpf_prog_inc(struct kbpf_prog *prog);
void kbpf_prog_put(struct kbpf_prog *prog);
struct kbpf_prog *kbpf_prog_get_from_fd(int ufd);
struct kbpf_prog *kbpf_prog_get_by_id(u32 id);

/*
 * A kprobe_multi link for prog (kmod/kprobe_multi.c): its fd, or an error
 * with prog's reference still the caller's. On success the link holds it.
 */
struct kbpf_kprobe_multi_spec;
int kbpf_kprobe_multi_attach(struct kbpf_prog *prog,
			     const struct kbpf_kprobe_multi_spec *spec);

/* An AUDIT_BPF record "prog-id=N op=LOAD" (load) or "op=UNLOAD" (kmod/audit.c). */
void kbpf_audit_prog(const struct kbpf_prog *prog, bool load);

/* The bpf(2) entry point (syscall/dispatch.c). */
long kbpf_sys_bpf(u32 cmd, union bpf_attr __user *uattr, u32 size);

#endif /* KBPF_KMOD_H */
