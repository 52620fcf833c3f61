#!/bin/bash
# Install the Debian packages kbpf needs to build and test.
# Idempotent: asks dpkg first, and only touches apt when something is missing,
# so a warm machine (the usual case in CI) pays a few milliseconds, not an
# `apt-get update`.
set -euo pipefail

pkgs=(
	qemu-system-x86		# runs the stock and debug test kernels
	busybox-static		# the guest userland (static: no libs in the initramfs)
	linux-headers-amd64	# KDIR for the stock kernel build of kbpf.ko
	linux-source-6.1	# source of the debug kernel and of kunit.py
	liburcu-dev
	clang llvm		# BPF object files for the tests
	libclang-rt-14-dev	# libFuzzer and clang's sanitizers (tests/fuzz)
	libelf-dev
	libbpf-dev zlib1g-dev	# make bench-verifier-progs: static libbpf for the guest loader
	gcc make bc bison flex libssl-dev	# kernel build
	cpio xz-utils		# initramfs, source tarball
	kmod			# insmod/modinfo on the host
	python3			# kunit.py parse
	binutils
)

# One dpkg-query for all of them keeps the warm path fast.  Only "install ok
# installed" means the files are there; a package dpkg never heard of is
# simply absent from the output.
declare -A ok=()
while read -r name state; do
	[ "$state" = "install ok installed" ] && ok[${name%%:*}]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null || true)

missing=()
for p in "${pkgs[@]}"; do
	[ -n "${ok[$p]:-}" ] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null; then
	sudo=(sudo)
else
	echo "install-deps: missing ${missing[*]}, and not root and no sudo" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -q >&2
# env, not export: sudo would drop an exported variable.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
