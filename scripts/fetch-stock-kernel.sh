#!/bin/bash
# Fetch the stock Debian kernel whose ABI matches the installed headers, so
# kbpf.ko built against those headers loads in it (same vermagic, same
# Module.symvers CRCs).
#
# Usage: [KDIR=/usr/src/linux-headers-<ABI>-amd64] fetch-stock-kernel.sh
# Prints the vmlinuz path on stdout.  The package is only unpacked (dpkg -x)
# under $KBPF_CACHE/stock/<ABI>/, never installed: nothing lands in /boot or
# /lib/modules.  Its modules are at $KBPF_CACHE/stock/<ABI>/lib/modules/<ABI>-amd64/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# The ABI is in the name of the headers directory.  KDIR may be a symlink
# such as /lib/modules/<release>/build, so resolve it first.
if [ -n "${KDIR:-}" ]; then
	hdr=$(readlink -f "$KDIR")
else
	hdr=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1 || true)
	[ -n "$hdr" ] || kbpf_die "no /usr/src/linux-headers-*-amd64: run scripts/install-deps.sh"
fi
case "$(basename "$hdr")" in
linux-headers-*-amd64)
	abi=$(basename "$hdr")
	abi=${abi#linux-headers-}
	abi=${abi%-amd64}
	;;
*)
	kbpf_die "KDIR=$hdr is not a Debian linux-headers-<ABI>-amd64 directory"
	;;
esac

dir=$KBPF_CACHE/stock/$abi
vmlinuz=$dir/boot/vmlinuz-$abi-amd64
if [ -f "$dir/.kbpf-done" ] && [ -f "$vmlinuz" ]; then
	echo "$vmlinuz"
	exit 0
fi

# The signed image is what linux-image-amd64 depends on; the -unsigned one has
# the same kernel and modules and serves when only it is in the archive.
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp/deb"
sandbox=()
[ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
got=
for pkg in "linux-image-$abi-amd64" "linux-image-$abi-amd64-unsigned"; do
	kbpf_log "downloading $pkg"
	# As root apt drops to the _apt user, which cannot write into $HOME:
	# it then warns and downloads unsandboxed anyway; say so up front.
	if (cd "$dir.tmp/deb" && apt-get download -q "${sandbox[@]}" "$pkg" >&2); then
		got=$pkg
		break
	fi
done
if [ -z "$got" ]; then
	rm -rf "$dir.tmp"
	kbpf_die "cannot download linux-image-$abi-amd64 (apt-get update? ABI still in the archive?)"
fi

dpkg -x "$dir.tmp/deb/${got}_"*.deb "$dir.tmp"
rm -rf "$dir.tmp/deb"
[ -f "$dir.tmp/boot/vmlinuz-$abi-amd64" ] || kbpf_die "$got has no boot/vmlinuz-$abi-amd64"
touch "$dir.tmp/.kbpf-done"
# Publish atomically so a killed run never leaves a half-extracted cache.
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "$vmlinuz"
