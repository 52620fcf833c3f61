#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objtool for the linked kbpf.o. Kernels built with IBT (or clang LTO) run
# objtool once on a module's linked object instead of on each source object,
# and then OBJECT_FILES_NON_STANDARD no longer keeps it off the arena
# (jit/arena_text.S). 6.1's objtool decodes every executable section and
# crashes on a NOBITS one, reading contents the file does not have. So the
# arena loses its executable flag while objtool runs and gets it back after:
# the module loader only sees the final flags.
#
# Usage: arena_objtool.sh OBJCOPY OBJTOOL [OBJTOOL-ARGS...] OBJECT
set -eu

objcopy=$1
shift
for obj; do :; done
sec=.kbpf_jit_arena

"$objcopy" --set-section-flags "$sec=alloc,readonly" "$obj"
"$@"
"$objcopy" --set-section-flags "$sec=alloc,readonly,code" "$obj"
