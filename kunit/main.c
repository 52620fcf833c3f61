// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf_kunit.ko: KUnit suites for kbpf.ko's in-kernel pieces. The suites run
 * when this module loads (after kbpf.ko) and print KTAP on the console,
 * which the debug-guest rig parses with the kernel's kunit.py.
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for kbpf");
MODULE_IMPORT_NS(KBPF_KUNIT);
