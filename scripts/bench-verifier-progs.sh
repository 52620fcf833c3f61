#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-verifier-progs: kbpf's verifier against Linux's on Linux
# 6.1's BPF selftest programs (tools/testing/selftests/bpf/progs/*.c), in
# one stock-kernel guest. scripts/build-selftest-progs.sh compiles those
# that clang compiles without a vmlinux.h; tests/verifier/progs_bench.c
# (linked with Debian's libbpf, which does the ELF, map and relocation
# work on the Linux side) loads each program into kbpf (/dev/kbpf) and
# into Linux (bpf(2)) and prints one line per program and a summary:
#
#	progs_bench OBJ/PROG type=T kbpf_ns=X linux_ns=Y ratio=Z
#		kbpf_insns=A linux_insns=B kbpf_peak=C linux_peak=D
#	progs_bench-kbpf-refused OBJ/PROG: errno E: LOG LINE
#	progs_bench-skip OBJ/PROG: REASON
#	progs_bench summary: ...
#
# Times are the best of R loads (KBPF_BENCH_REPEATS, default 5), log off,
# JIT on. A benchmark, not a test: it fails only when the run does.
# Without /dev/kvm the guest runs under TCG, whose timings are far from
# native (read the ratios then). KBPF_PROGS=GLOB (shell pattern on the
# object name, e.g. 'test_xdp*') benchmarks only the objects it matches.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
build=$top/build
out=$build/progs
repeats=${KBPF_BENCH_REPEATS:-5}
case "$repeats" in ''|*[!0-9]*) kbpf_die "KBPF_BENCH_REPEATS must be a number" ;; esac

KDIR=$(kbpf_stock_kdir)
[ -n "$KDIR" ] || kbpf_die "no kernel headers: run scripts/install-deps.sh"
export KDIR
[ -f /usr/lib/x86_64-linux-gnu/libbpf.a ] ||
	kbpf_die "no static libbpf: run scripts/install-deps.sh (libbpf-dev)"

bash scripts/build-module.sh "$KDIR" "$build/mod-stock" >/dev/null
bash scripts/build-selftest-progs.sh "$out"
gcc -static -O2 -Wall -Wextra -Werror -std=gnu11 -Iinclude/uapi -Itools/lib \
	-o "$out/progs_bench" tests/verifier/progs_bench.c tools/lib/kbpf.c \
	-lbpf -lelf -lz -lm 2>"$out/link.err" || { cat "$out/link.err"; exit 1; }
sed "s/\${KBPF_BENCH_REPEATS:-5}/$repeats/" tests/guest/bench/run-verifier-progs.sh \
	>"$out/run.sh"
chmod 0755 "$out/run.sh"

rm -rf "$out/stage"
mkdir -p "$out/stage"
for o in "$out"/obj/${KBPF_PROGS:-*}.bpf.o; do
	[ -e "$o" ] && ln "$o" "$out/stage/"
done
[ -n "$(ls "$out/stage")" ] || kbpf_die "no object matches KBPF_PROGS=${KBPF_PROGS:-}"

# The stock kernel's config, where libbpf looks for the programs' __kconfig
# externs (/boot/config-RELEASE).
config=()
c=$(ls "$KBPF_CACHE"/stock/*/boot/config-* 2>/dev/null | sort -V | tail -n1 || true)
[ -n "$c" ] && config=(--add "$c:/boot/$(basename "$c")")

initrd=$build/initrd-bench-verifier-progs.cpio.gz
bash scripts/mkinitramfs.sh "$initrd" --init scripts/guest-init.sh \
	${config[@]+"${config[@]}"} \
	--add "$build/mod-stock/kbpf.ko:/lib/kbpf/kbpf.ko" \
	--add "$out/progs_bench:/tests/bin/progs_bench" \
	--add "$out/stage:/tests/progs" \
	--add "$out/run.sh:/tests/run.sh" >/dev/null

kbpf_run_bench "$initrd" 5400 progs_bench "$build/bench-verifier-progs"
