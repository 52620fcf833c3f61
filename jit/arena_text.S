/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The executable arena's memory (see arena.c). NOBITS, so it costs no
 * space in kbpf.ko; "ax", so the module loader puts it in the module's
 * text and maps it read-only and executable like the rest of our code.
 * Page-aligned and a whole number of pages, so no other code shares its
 * pages and the temporary write mappings of arena.c alias arena bytes only.
 *
 * objtool is kept away from this object (Kbuild): it holds no code objtool
 * could make sense of, only space that JITed programs fill in later.
 */
#include "arena.h"

	.section .kbpf_jit_arena, "ax", @nobits
	.balign 4096
	.globl kbpf_arena_text
	.type kbpf_arena_text, @object
kbpf_arena_text:
	.skip KBPF_ARENA_SIZE
	.size kbpf_arena_text, KBPF_ARENA_SIZE
