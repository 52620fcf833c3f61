#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-verifier: kbpf's verifier against Linux's on test_verifier's
# programs, in one stock-kernel guest (no debug options). The guest
# test_verifier runner's --bench mode (tests/verifier/bench.c) loads
# every privileged test program both verifiers accept into kbpf
# (/dev/kbpf) and into Linux (bpf(2)), same maps, and prints one line per
# program and a summary:
#
#	verifier_bench #IDX/p kbpf_ns=X linux_ns=Y ratio=Z kbpf_insns=A
#		linux_insns=B kbpf_peak=C linux_peak=D
#	verifier_bench summary: programs=N best_of=R geomean_ratio=G ...
#	verifier_bench worst K: #IDX/p ratio=Z ...
#
# Times are the best of R loads (KBPF_BENCH_REPEATS, default 5), log
# off, JIT on; insns and peak come from a BPF_LOG_STATS load. A benchmark,
# not a test: it fails only when the run does. Without /dev/kvm the
# guest runs under TCG, whose timings are far from native (read the
# ratios then).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
build=$top/build
repeats=${KBPF_BENCH_REPEATS:-5}
case "$repeats" in ''|*[!0-9]*) kbpf_die "KBPF_BENCH_REPEATS must be a number" ;; esac

# The headers kbpf.ko is built against, as scripts/check.sh picks them.
KDIR=$(kbpf_stock_kdir)
[ -n "$KDIR" ] || kbpf_die "no kernel headers: run scripts/install-deps.sh"
export KDIR

bash scripts/build-module.sh "$KDIR" "$build/mod-stock" >/dev/null
make -s -f tests/guest/guest.mk build/guest/bin/test_verifier
mkdir -p "$build/bench"
sed "s/\${KBPF_BENCH_REPEATS:-5}/$repeats/" tests/guest/bench/run-verifier.sh \
	>"$build/bench/run-verifier.sh"
chmod 0755 "$build/bench/run-verifier.sh"

initrd=$build/initrd-bench-verifier.cpio.gz
bash scripts/mkinitramfs.sh "$initrd" --init scripts/guest-init.sh \
	--add "$build/mod-stock/kbpf.ko:/lib/kbpf/kbpf.ko" \
	--add "build/guest/bin/test_verifier:/tests/bin/test_verifier" \
	--add "$build/bench/run-verifier.sh:/tests/run.sh" >/dev/null

kbpf_run_bench "$initrd" 3600 verifier_bench "$build/bench-verifier"
