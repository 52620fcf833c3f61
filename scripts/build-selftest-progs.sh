#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compile Linux 6.1's BPF selftest programs
# (tools/testing/selftests/bpf/progs/*.c in the linux-source-6.1 tree)
# with Debian's clang, as the selftests' Makefile does (-g -O2 -target bpf
# -mcpu=v3), but without a vmlinux.h: the programs that need one fail to
# compile and are counted, not fixed. Nothing of the kernel tree is
# committed: libbpf's BPF-side headers are copied and bpf_helper_defs.h is
# generated (the kernel's scripts/bpf_doc.py over include/uapi/linux/bpf.h)
# into OUT at build time.
#
# Usage: build-selftest-progs.sh OUT
# Leaves OUT/obj/NAME.bpf.o for every program that compiled, OUT/fail/NAME
# with clang's first error for every one that did not, and prints
#	progs_build: compiled N of M (needs vmlinux.h V, other errors E)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
out=${1:?usage: build-selftest-progs.sh OUT}
# The extracted tree in the cache if there is one, else the parts needed
# taken from Debian's linux-source-6.1 tarball into the cache, once.
src=${KBPF_LINUX_SRC:-}
if [ -z "$src" ]; then
	src=$(ls -d "$KBPF_CACHE"/linux-source-*/ 2>/dev/null | sort -V | tail -n1)
	src=${src%/}
fi
if [ ! -d "$src/tools/testing/selftests/bpf/progs" ]; then
	[ -f "$KBPF_SRC_TARBALL" ] || kbpf_die "no $KBPF_SRC_TARBALL: run scripts/install-deps.sh"
	src=$KBPF_CACHE/progs-src/linux-source-6.1
	if [ ! -d "$src/tools/testing/selftests/bpf/progs" ]; then
		mkdir -p "$KBPF_CACHE/progs-src"
		tar -C "$KBPF_CACHE/progs-src" -xJf "$KBPF_SRC_TARBALL" \
			linux-source-6.1/tools/lib/bpf \
			linux-source-6.1/tools/testing/selftests/bpf \
			linux-source-6.1/tools/include/uapi \
			linux-source-6.1/include/uapi/linux/bpf.h \
			linux-source-6.1/scripts/bpf_doc.py
	fi
fi
clang=${CLANG:-clang}
command -v "$clang" >/dev/null || kbpf_die "no $clang: run scripts/install-deps.sh"

# Built once per clang and script: the objects do not change otherwise.
stamp="$("$clang" --version | head -n1) $(cksum <"$0")"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ]; then
	cat "$out/summary"
	exit 0
fi
rm -rf "$out/obj" "$out/fail" "$out/include" "$out/stamp"
mkdir -p "$out/obj" "$out/fail" "$out/include/bpf"
cp "$src"/tools/lib/bpf/bpf_{helpers,tracing,endian,core_read}.h \
	"$out/include/bpf/"
python3 "$src/scripts/bpf_doc.py" --header --filename \
	"$src/include/uapi/linux/bpf.h" helpers \
	>"$out/include/bpf/bpf_helper_defs.h"

# clang's own system include directories, after ours (as the selftests do:
# asm/byteorder.h and friends come from the host's).
sys=$("$clang" -v -E - </dev/null 2>&1 |
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
sel=$src/tools/testing/selftests/bpf
export CLANG_FLAGS="-g -O2 -target bpf -mcpu=v3 -mlittle-endian -D__TARGET_ARCH_x86
	-I$out/include -I$sel -I$src/tools/include/uapi $sys
	-Wno-compare-distinct-pointer-types"
export clang out

compile_one() {
	local c=$1 name
	name=$(basename "$c" .c)
	local extra=
	case "$name" in
	test_l4lb_noinline|test_xdp_noinline) extra=-fno-inline ;;
	esac
	# shellcheck disable=SC2086
	if ! "$clang" $CLANG_FLAGS $extra -c "$c" -o "$out/obj/$name.bpf.o" \
		2>"$out/fail/$name.err"; then
		rm -f "$out/obj/$name.bpf.o"
		grep -m1 'error:' "$out/fail/$name.err" >"$out/fail/$name" || true
	fi
	rm -f "$out/fail/$name.err"
}
export -f compile_one
ls "$sel"/progs/*.c | nice -n 10 xargs -P 2 -I{} bash -c 'compile_one "$@"' _ {}

total=$(ls "$sel"/progs/*.c | wc -l)
ok=$(ls "$out/obj" | wc -l)
vml=$(grep -l "'vmlinux.h' file not found" "$out"/fail/* 2>/dev/null | wc -l)
echo "progs_build: compiled $ok of $total (needs vmlinux.h $vml, other errors $((total - ok - vml)))" |
	tee "$out/summary"
echo "$stamp" >"$out/stamp"
