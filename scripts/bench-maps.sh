#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-maps: ns per map operation on kbpf and on the kernel's own
# maps, from userspace and from a program, measured in one stock-kernel
# guest (no debug options) by tests/guest/bench/map_bench.c, which says
# what each figure is. Prints one line per figure:
#
#	map_bench TYPE OP SIDE kbpf_ns=X linux_ns=Y ratio=Z
#
# A benchmark, not a test: it fails only when the run does. The guest
# runs under KVM when /dev/kvm opens, else under TCG, whose timings are
# far from native (the ratios are what to read then).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
build=$top/build

# The headers kbpf.ko is built against, as scripts/check.sh picks them.
KDIR=$(kbpf_stock_kdir)
[ -n "$KDIR" ] || kbpf_die "no kernel headers: run scripts/install-deps.sh"
export KDIR

bash scripts/build-module.sh "$KDIR" "$build/mod-stock" >/dev/null
mkdir -p "$build/bench"
# Static, like the guest tests: the guest has no libc.
gcc -static -O2 -Wall -Wextra -Werror -std=gnu11 -Iinclude/uapi -Itools/lib \
	-o "$build/bench/map-bench" tests/guest/bench/map_bench.c tools/lib/kbpf.c

initrd=$build/initrd-bench-maps.cpio.gz
install -m 0755 tests/guest/bench/run-maps.sh "$build/bench/run-maps.sh"
bash scripts/mkinitramfs.sh "$initrd" --init scripts/guest-init.sh \
	--add "$build/mod-stock/kbpf.ko:/lib/kbpf/kbpf.ko" \
	--add "$build/bench/map-bench:/tests/bin/map-bench" \
	--add "$build/bench/run-maps.sh:/tests/run.sh" >/dev/null

kbpf_run_bench "$initrd" 900 map_bench "$build/bench-maps"
