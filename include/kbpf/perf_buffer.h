/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbpf's perf buffers (maps/perf_buffer.c): per-CPU rings with the layout
 * of a perf event's mmap'ed buffer, which BPF_MAP_TYPE_PERF_EVENT_ARRAY
 * holds and bpf_perf_event_output() writes to. The ABI userspace sees is
 * in include/uapi/linux/kbpf.h (KBPF_IOCTL_PERF_BUFFER); kmod/ gives a
 * buffer its fd. Shared core: builds in the kernel and in the host library.
 */
#ifndef KBPF_PERF_BUFFER_H
#define KBPF_PERF_BUFFER_H

#include <kbpf/kapi.h>

struct kbpf_map;
struct kbpf_perf_buffer;
struct file;
struct poll_table_struct;

/* Largest data area, in pages: 8 MiB with 4 KiB pages. */
#define KBPF_PERF_BUFFER_MAX_PAGES	2048

/* A buffer with a reference, or ERR_PTR (-EINVAL for bad attributes). */
struct kbpf_perf_buffer *kbpf_perf_buffer_alloc(int cpu, u32 data_pages,
						u32 wakeup_events);
void kbpf_perf_buffer_get(struct kbpf_perf_buffer *pb);
/* The last put frees the buffer after an RCU grace period. */
void kbpf_perf_buffer_put(struct kbpf_perf_buffer *pb);
int kbpf_perf_buffer_cpu(const struct kbpf_perf_buffer *pb);

/*
 * Copies len bytes at off of a program's context to dst; returns the
 * bytes it could not copy (Linux's bpf_ctx_copy_t).
 */
typedef unsigned long (*kbpf_ctx_copy_t)(void *dst, const void *ctx,
					  unsigned long off, unsigned long len);

/*
 * One PERF_RECORD_SAMPLE whose raw data is meta then ctx_size bytes of
 * ctx (through copy). 0, or -ENOSPC when it does not fit (counted as
 * lost and reported with the next record that fits), -EBUSY when an NMI
 * interrupted a writer of this buffer.
 */
int kbpf_perf_buffer_output(struct kbpf_perf_buffer *pb, const void *meta,
			    u64 meta_size, const void *ctx, u64 ctx_size,
			    kbpf_ctx_copy_t copy);

/*
 * bpf_perf_event_output()'s work on a PERF_EVENT_ARRAY: flags' low 32
 * bits are the index (BPF_F_CURRENT_CPU: this CPU's); -E2BIG past the
 * end, -ENOENT for an empty slot, -EOPNOTSUPP for another CPU's buffer,
 * else kbpf_perf_buffer_output(). The caller checked the other flags.
 */
int kbpf_perf_event_array_output(struct kbpf_map *map, u64 flags,
				 const void *meta, u64 meta_size,
				 const void *ctx, u64 ctx_size,
				 kbpf_ctx_copy_t copy);

/* The area userspace maps: header page and data pages, and its size. */
void *kbpf_perf_buffer_area(struct kbpf_perf_buffer *pb, u64 *size);
__poll_t kbpf_perf_buffer_poll(struct kbpf_perf_buffer *pb, struct file *file,
			       struct poll_table_struct *pts);

/*
 * The buffer behind a perf buffer fd, with a reference; ERR_PTR(-EBADF)
 * when fd is not one. kmod/ in the kernel, a table of the tests' own on
 * the host.
 */
struct kbpf_perf_buffer *kbpf_perf_buffer_from_fd(int fd);

#endif /* KBPF_PERF_BUFFER_H */
