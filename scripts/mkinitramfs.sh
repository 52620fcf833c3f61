#!/bin/bash
# Build a gzip'd newc initramfs for the test guests, without root.
#
# Usage: mkinitramfs.sh OUT.cpio.gz --init INIT_SCRIPT [--add SRC:DEST]...
#
# Contents: busybox-static as /bin/busybox with a symlink per applet, the init
# script as /init, and each SRC (file or directory) at the absolute path DEST.
# Kernel modules (*.ko) are copied with their DWARF stripped: it is most of
# their size and unpacking it under TCG costs boot time; symbols stay, so
# stack traces still resolve.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() {
	echo "usage: $0 OUT.cpio.gz --init INIT_SCRIPT [--add SRC:DEST]..." >&2
	exit 2
}

out=
init=
adds=()
while [ $# -gt 0 ]; do
	case "$1" in
	--init)	[ $# -ge 2 ] || usage; init=$2; shift 2 ;;
	--add)	[ $# -ge 2 ] || usage; adds+=("$2"); shift 2 ;;
	-h|--help) usage ;;
	-*)	echo "mkinitramfs: unknown option $1" >&2; usage ;;
	*)	[ -z "$out" ] || usage; out=$1; shift ;;
	esac
done
if [ -z "$out" ] || [ -z "$init" ]; then
	usage
fi
[ -r "$init" ] || kbpf_die "init script $init not readable"

busybox=/bin/busybox
[ -x "$busybox" ] || kbpf_die "$busybox missing: run scripts/install-deps.sh (busybox-static)"
# A dynamically linked busybox would need its libc in the image, and the
# debug guest has none: insist on the static build.
if readelf -l "$busybox" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	kbpf_die "$busybox is dynamically linked: install busybox-static"
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/kbpf-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,lib/modules}
cp "$busybox" "$stage/bin/busybox"
# --list-full gives each applet's usual location (bin/sh, sbin/insmod,
# usr/bin/env...), so scripts with absolute paths in their #! line work.
# One process for all ~270 links: a fork per link costs seconds on a busy host.
"$busybox" --list-full | python3 -c '
import os, sys
root = sys.argv[1]
for applet in sys.stdin.read().split():
	path = os.path.join(root, applet)
	if applet != "bin/busybox" and not os.path.lexists(path):
		os.makedirs(os.path.dirname(path), exist_ok=True)
		os.symlink("/bin/busybox", path)
' "$stage"
install -m 0755 "$init" "$stage/init"

for spec in ${adds[@]+"${adds[@]}"}; do
	case "$spec" in
	*:/*) ;;
	*) kbpf_die "--add $spec: want SRC:/absolute/DEST" ;;
	esac
	src=${spec%:*}
	dest=$stage${spec##*:}
	[ -e "$src" ] || kbpf_die "--add $spec: $src does not exist"
	if [ -d "$src" ]; then
		# A directory's contents go *into* DEST, even if DEST exists.
		mkdir -p "$dest"
		cp -RL "$src/." "$dest/"
	else
		mkdir -p "$(dirname "$dest")"
		cp -L "$src" "$dest"
	fi
	find "$dest" -type f -name '*.ko' -exec strip --strip-debug {} +
done

# The kernel opens /dev/console for init before anything is mounted.  A
# device node cannot be created without root, so a second newc archive is
# appended holding just that node (the kernel unpacks concatenated archives
# in order); without it init would start with no stdin/stdout/stderr and any
# error before it mounts devtmpfs would be lost.
console_node() {
	python3 - <<'EOF'
import sys

def entry(name, mode, rmaj=0, rmin=0, ino=0):
	name = name.encode() + b'\0'
	hdr = b'070701' + b''.join(b'%08X' % v for v in (
		ino, mode, 0, 0, 1, 0, 0, 0, 0, rmaj, rmin, len(name), 0))
	buf = hdr + name
	return buf + b'\0' * (-len(buf) % 4)

out = entry('dev/console', 0o020600, 5, 1, ino=1) + entry('TRAILER!!!', 0)
sys.stdout.buffer.write(out + b'\0' * (-len(out) % 512))
EOF
}

mkdir -p "$(dirname "$out")"
{
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc --owner=0:0 --reproducible)
	console_node
} | gzip -n -6 >"$out.tmp"
mv "$out.tmp" "$out"
