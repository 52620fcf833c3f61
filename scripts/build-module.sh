#!/bin/bash
# Build kbpf.ko (and kbpf_kunit.ko with --kunit) against KDIR in a private
# copy of the module sources under OUTDIR, so builds for different kernels
# never share objects. Fails on any compiler or modpost warning (W=1).
# Usage: build-module.sh KDIR OUTDIR [--kunit]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)

kdir=${1:?KDIR}
out=${2:?OUTDIR}
kunit=n
[ "${3:-}" = --kunit ] && kunit=y

mkdir -p "$out"
out=$(cd "$out" && pwd)
# Copy only what Kbuild reads; keep the objects of earlier builds for speed.
# The KUnit module also reads the test_bpf table accessors, and runs the
# script that extracts the tables.
# A file is copied only when its content changed, and then gets the current
# time: keeping the checkout's times (cp -a) let an edit older than the
# previous build's object leave that stale object in place.
sync_file() {
	cmp -s "$1" "$2" && return 0
	mkdir -p "$(dirname "$2")"
	cp "$1" "$2"
}
for d in include kmod syscall maps verifier jit helpers kunit tests/test_bpf; do
	[ -d "$top/$d" ] || continue
	while IFS= read -r -d '' f; do
		sync_file "$top/$d/$f" "$out/$d/$f"
	done < <(cd "$top/$d" && find . -type f ! -name '*.o' ! -name '*.cmd' -print0)
done
sync_file "$top/scripts/extract-test-bpf.py" "$out/scripts/extract-test-bpf.py"
sync_file "$top/Kbuild" "$out/Kbuild"

log=$out/build.log
if ! make -C "$kdir" M="$out" W=1 KBPF_KUNIT=$kunit modules >"$log" 2>&1; then
	cat "$log" >&2
	kbpf_die "module build failed against $kdir"
fi
if grep -E 'warning:|WARNING:' "$log" >&2; then
	kbpf_die "module build has warnings against $kdir (W=1 must be clean)"
fi
echo "$out"
