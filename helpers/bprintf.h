/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printf for programs (bpf_trace_printk, bpf_snprintf): Linux 6.1's
 * format rules (bpf_bprintf_prepare) and output (bstr_printf), in kbpf's
 * own code. Shared core.
 */
#ifndef KBPF_HELPERS_BPRINTF_H
#define KBPF_HELPERS_BPRINTF_H

#include <kbpf/kapi.h>

/* Linux's MAX_BPRINTF_BUF: bytes bpf_trace_printk formats at most. */
#define KBPF_BPRINTF_BUF	1024
/* Linux's MAX_BPRINTF_VARARGS: arguments bpf_snprintf takes at most. */
#define KBPF_BPRINTF_MAX_ARGS	12

/*
 * Format fmt (at most fmt_size bytes, which must hold its NUL) with
 * num_args arguments into out (out_size bytes with the NUL; out may be
 * NULL when out_size is 0). Returns what vsnprintf returns, the length
 * the whole output has, or Linux's error for the format: -EINVAL (bad
 * format, too many conversions), -ENOSPC (arguments overflow Linux's
 * 512-byte argument buffer). On error out is left untouched.
 */
int kbpf_bprintf(char *out, u32 out_size, const char *fmt, u32 fmt_size,
		 const u64 *args, u32 num_args);

#endif /* KBPF_HELPERS_BPRINTF_H */
