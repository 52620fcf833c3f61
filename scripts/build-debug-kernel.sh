#!/bin/bash
# Build (or reuse) the debug test kernel: linux-source-6.1 + tinyconfig + scripts/kconfig/debug.config.
# The result is cached outside the checkout, keyed by the source package version and the
# fragment's hash, so only the first run on a machine pays the ~10 minute build.
# Prints the build directory (a kernel tree usable as KDIR) on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

fragment=$here/kconfig/debug.config
[ -r "$KBPF_SRC_TARBALL" ] || kbpf_die "$KBPF_SRC_TARBALL missing: run scripts/install-deps.sh"

src_version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %s "$KBPF_SRC_TARBALL")
key=$( { echo "$src_version"; cat "$fragment"; gcc --version | head -1; echo recipe-1; } | sha256sum | cut -c1-16)
src=$KBPF_CACHE/linux-source-$src_version
out=$KBPF_CACHE/debug-kernel-$key

if [ -f "$out/.kbpf-done" ]; then
	echo "$out"
	exit 0
fi

# One builder at a time: a second caller waits for the first and reuses it.
mkdir -p "$KBPF_CACHE"
exec 9>"$KBPF_CACHE/debug-kernel.lock"
flock 9
if [ -f "$out/.kbpf-done" ]; then
	echo "$out"
	exit 0
fi
if [ ! -f "$src/.kbpf-extracted" ]; then
	kbpf_log "extracting $KBPF_SRC_TARBALL"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$KBPF_SRC_TARBALL" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.kbpf-extracted"
	mv "$src.tmp" "$src"
fi

kbpf_log "building debug kernel in $out (first time only, ~10 min)"
mkdir -p "$out"
jobs=$(( $(nproc) + 1 ))
make -s -C "$src" O="$out" ARCH=x86_64 tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$fragment" >/dev/null
make -s -C "$src" O="$out" ARCH=x86_64 olddefconfig >/dev/null

# Every option the fragment asks for must have survived olddefconfig.
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	opt=${line%%=*}
	val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$opt=" "$out/.config" && { kbpf_log "$opt should be off"; missing=1; }
	else
		grep -qx "$line" "$out/.config" || { kbpf_log "$line did not stick"; missing=1; }
	fi
done <"$fragment"
[ "$missing" = 0 ] || kbpf_die "config fragment not satisfied (see above)"

make -s -C "$src" O="$out" ARCH=x86_64 -j"$jobs" all >"$out/build.log" 2>&1 ||
	{ tail -30 "$out/build.log" >&2; kbpf_die "kernel build failed"; }
ln -sfn "$src" "$out/source-tree"
touch "$out/.kbpf-done"
echo "$out"
