#!/bin/bash
# The kbpf demo (README, command 1): build kbpf.ko against the Debian
# headers and kbpftool, boot the stock Debian kernel in QEMU with both in an
# initramfs, and watch scripts/demo-guest.sh load kbpf and use it.
#
# Usage: demo.sh [--no-deps]
# (--no-deps: scripts/check.sh's demo tier, which installed them already.)
# The guest console is shown live and saved to build/guest-demo.log. Exits
# 0 only if every step in the guest behaved as expected and the kernel log
# is clean (scripts/run-guest.sh decides).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
build=$top/build

# The headers kbpf.ko is built against, as scripts/check.sh picks them.
if [ "${1:-}" != --no-deps ]; then
	bash scripts/install-deps.sh || kbpf_die "installing dependencies failed"
fi

KDIR=$(kbpf_stock_kdir)
[ -n "$KDIR" ] || kbpf_die "no kernel headers: run scripts/install-deps.sh"
# fetch-stock-kernel.sh (via run-guest.sh) boots the kernel of these very
# headers, so the module's vermagic and symbol CRCs match.
export KDIR

kbpf_log "building kbpf.ko against $KDIR"
bash scripts/build-module.sh "$KDIR" "$build/mod-stock" >/dev/null
kbpf_log "building kbpftool"
make -s tools

initrd=$build/initrd-demo.cpio.gz
kbpf_log "building the initramfs $initrd"
# guest-init.sh runs /tests/run.sh only if executable, whatever the checkout did.
install -m 0755 scripts/demo-guest.sh "$build/demo-guest.sh"
bash scripts/mkinitramfs.sh "$initrd" --init scripts/guest-init.sh \
	--add "$build/mod-stock/kbpf.ko:/lib/kbpf/kbpf.ko" \
	--add "$build/tools/kbpftool:/bin/kbpftool" \
	--add "$build/demo-guest.sh:/tests/run.sh"

kbpf_log "booting the stock kernel in QEMU (the console follows)"
exec bash scripts/run-guest.sh --kernel stock --initrd "$initrd" \
	--timeout 300 --log "$build/guest-demo.log" --append kbpf.tier=demo
