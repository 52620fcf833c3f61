// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf_kern_layout from the kernel's own headers (see
 * include/kbpf/kern_layout.h): this file includes <linux/filter.h> and
 * nothing of kbpf's core beyond that header.
 */
#include <linux/build_bug.h>
#include <linux/filter.h>
#include <linux/skbuff.h>
#include <linux/skmsg.h>
#include <net/sock.h>
#include <net/strparser.h>

#include <kbpf/kern_layout.h>

const struct kbpf_kern_layout kbpf_kern_layout = KBPF_KERN_LAYOUT_INIT;

/* Never called: the compiler checks the sizes here. */
static void __maybe_unused kbpf_kern_layout_check(void)
{
	KBPF_KERN_LAYOUT_CHECK();
}
