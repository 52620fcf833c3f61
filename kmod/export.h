/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KBPF_KMOD_EXPORT_H
#define KBPF_KMOD_EXPORT_H

#include <linux/export.h>

/*
 * Exported for the KUnit module only, in a namespace of its own, the way
 * later kernels' EXPORT_SYMBOL_IF_KUNIT does; a normal build exports nothing.
 */
#ifdef KBPF_KUNIT
#define KBPF_EXPORT_FOR_KUNIT(sym) EXPORT_SYMBOL_NS_GPL(sym, KBPF_KUNIT)
#else
#define KBPF_EXPORT_FOR_KUNIT(sym)
#endif

#endif /* KBPF_KMOD_EXPORT_H */
