/* SPDX-License-Identifier: GPL-2.0 */
/* The debugfs file bpf_trace_printk() output is read from. */
#ifndef KBPF_KMOD_TRACE_PIPE_H
#define KBPF_KMOD_TRACE_PIPE_H

int kbpf_trace_pipe_file_init(void);
void kbpf_trace_pipe_file_exit(void);

#endif /* KBPF_KMOD_TRACE_PIPE_H */
