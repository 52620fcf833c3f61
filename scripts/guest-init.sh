#!/bin/sh
# /init of the kbpf test guests (stock and debug kernel), run by busybox sh.
#
# Mounts the pseudo filesystems, runs /tests/run.sh with KBPF_TIER set from
# the kernel parameter kbpf.tier=NAME, brackets its output with
#	KBPF-BEGIN
#	KBPF-END rc=<exit status of run.sh>
# and reboots, which ends QEMU (-no-reboot).  The debug kernel has no ACPI,
# so reboot rather than poweroff.
#
# The same file is also /bin/kbpf-kmemleak-check (a symlink made at boot):
# invoked under that name it scans for leaks, prints the report with a
# "kmemleak: " prefix and exits 1 if any object is unreferenced, 2 if the
# scan itself failed, 0 otherwise (also when kmemleak is not built in).

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

kmemleak_check() {
	f=/sys/kernel/debug/kmemleak
	if [ ! -e "$f" ]; then
		echo "kmemleak: not available"
		return 0
	fi
	# An object is only reported once it has stayed unreferenced for 5 s
	# (MSECS_MIN_AGE) and has been seen by two scans: scan, wait, scan.
	if ! echo scan >"$f" 2>/dev/null; then
		echo "kmemleak: scan failed (kmemleak disabled itself? see dmesg)"
		return 2
	fi
	sleep 6
	echo scan >"$f" 2>/dev/null || {
		echo "kmemleak: scan failed (kmemleak disabled itself? see dmesg)"
		return 2
	}
	report=$(cat "$f")
	if [ -z "$report" ]; then
		echo "kmemleak: no leaks"
		return 0
	fi
	printf '%s\n' "$report" | sed 's/^/kmemleak: /'
	case "$report" in
	*"unreferenced object"*) return 1 ;;
	esac
	return 0
}

case "${0##*/}" in
kbpf-kmemleak-check)
	kmemleak_check
	exit $?
	;;
esac

# devtmpfs first: it brings /dev/kbpf and friends.  mkinitramfs.sh ships a
# /dev/console node so the kernel could give us stdio; an initramfs made
# without one starts init with none, hence the reopen on the console
# (console=ttyS0).
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1

mount -t proc proc /proc
mount -t sysfs sysfs /sys
# debugfs holds kmemleak and KUnit's per-suite results; absent on kernels
# built without it.
if [ -d /sys/kernel/debug ]; then
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null ||
		echo "kbpf-init: cannot mount debugfs"
fi
mount -t tmpfs -o mode=1777 tmpfs /tmp
ip link set lo up 2>/dev/null

ln -sf /init /bin/kbpf-kmemleak-check

# kbpf.tier has a dot, so the kernel treats it as a module parameter and
# does not pass it to init's environment: read it from the command line.
tier=
set -f		# split the command line into words, but do not glob them
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	kbpf.tier=*) tier=${arg#kbpf.tier=} ;;
	esac
done
set +f
if [ -n "$tier" ]; then
	KBPF_TIER=$tier
	export KBPF_TIER
fi

echo "kbpf-init: kernel $(uname -r), tier ${tier:-<none>}"
echo KBPF-BEGIN
if [ -x /tests/run.sh ]; then
	/tests/run.sh
	rc=$?
else
	echo "kbpf-init: /tests/run.sh missing or not executable"
	rc=127
fi
echo "KBPF-END rc=$rc"

# The console tty only queues what echo wrote; give the UART a moment to
# drain it, or the reboot can cut off the KBPF-END line.
sleep 1
sync
reboot -f
# Exiting would panic the kernel ("Attempted to kill init"); if the reboot
# did not happen, idle until the host's timeout ends QEMU.
while :; do
	sleep 60
done
