// SPDX-License-Identifier: GPL-2.0
/*
 * The host build's stand-in for kmod/perf_buffer_fd.c: a perf buffer
 * "fd" is an index into a table the tests fill.
 */
#include <kbpf/kapi.h>
#include <kbpf/perf_buffer.h>

#define HOST_PERF_BUFFER_FDS	16

struct kbpf_perf_buffer *kbpf_host_perf_buffers[HOST_PERF_BUFFER_FDS];

struct kbpf_perf_buffer *kbpf_perf_buffer_from_fd(int fd)
{
	struct kbpf_perf_buffer *pb;

	if (fd < 0 || fd >= HOST_PERF_BUFFER_FDS || !kbpf_host_perf_buffers[fd])
		return ERR_PTR(-EBADF);
	pb = kbpf_host_perf_buffers[fd];
	kbpf_perf_buffer_get(pb);
	return pb;
}
