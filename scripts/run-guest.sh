#!/bin/bash
# Boot a test kernel with an initramfs in QEMU and judge the run by its log.
#
# Usage: run-guest.sh --kernel stock|debug --initrd FILE [--timeout SECS]
#                     [--log FILE] [--append 'extra cmdline']
#
# The serial console is echoed to stdout and saved (CRs stripped) to --log.
# Exit 0 only if the guest printed "KBPF-END rc=0" and the log has no kernel
# failure signature (BUG, WARNING, lockdep, KASAN, kmemleak...); otherwise
# print "run-guest: FAIL (<reasons>)" and exit 1.  Bad usage exits 2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage() {
	echo "usage: $0 --kernel stock|debug --initrd FILE [--timeout SECS] [--log FILE] [--append 'cmdline']" >&2
	exit 2
}

kind=
initrd=
timeout_s=300
log=
append=
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case "$1" in
	--kernel)	kind=$2 ;;
	--initrd)	initrd=$2 ;;
	--timeout)	timeout_s=$2 ;;
	--log)		log=$2 ;;
	--append)	append=$2 ;;
	*)		usage ;;
	esac
	shift 2
done
[ -n "$initrd" ] || usage
[ -r "$initrd" ] || kbpf_die "initrd $initrd not readable"
case "$timeout_s" in ''|*[!0-9]*) usage ;; esac

case "$kind" in
stock)
	kernel=$("$here/fetch-stock-kernel.sh")
	mem=512M
	;;
debug)
	# Cached after the first build; builds it (~10 min) otherwise.
	kernel=$("$here/build-debug-kernel.sh")/arch/x86/boot/bzImage
	# KASAN keeps one shadow byte per 8 bytes, plus quarantine: more RAM.
	mem=1G
	;;
*)
	usage
	;;
esac
[ -r "$kernel" ] || kbpf_die "kernel image $kernel missing"

# KVM when the host lets us open it; otherwise plain TCG, whose "max" CPU
# model has the features the stock kernel's mitigations look for.
if [ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null; then
	accel=(-enable-kvm -cpu host)
else
	accel=(-accel tcg -cpu max)
fi

# panic=-1: a panic reboots at once, which -no-reboot turns into QEMU's exit.
# No oops=panic: an oops should leave the rest of the log readable.
# loglevel=5 prints levels 0-4 on the console: WARN_ON splats and lockdep
# reports are KERN_WARNING (4), which loglevel=4 would hide.  KUnit results
# (KERN_INFO) reach the console through init's stdout (dmesg, debugfs).
cmdline="console=ttyS0 panic=-1 loglevel=5${append:+ $append}"

if [ -z "$log" ]; then
	log=$(mktemp "${TMPDIR:-/tmp}/kbpf-guest.XXXXXX.log")
	kbpf_log "log: $log"
fi
mkdir -p "$(dirname "$log")"

start=$(date +%s)
set +e
# stdin from /dev/null: QEMU must not put a calling terminal in raw mode,
# and nothing is ever typed into the guest.  The serial line ends lines with
# CR LF and SeaBIOS sends terminal resets and clears: keep the log plain text
# (sed -u, so the console still streams line by line).
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
	"${accel[@]}" -smp 2 -m "$mem" \
	-nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	</dev/null 2>&1 |
	sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' |
	tee "$log"
status=("${PIPESTATUS[@]}")
set -e
elapsed=$(( $(date +%s) - start ))

reasons=()
case "${status[0]}" in
0)	;;
124|137) reasons+=("timeout after ${timeout_s}s") ;;
*)	reasons+=("qemu exited with status ${status[0]}") ;;
esac

# grep -a: a crash can leave binary bytes in the log.  Kernel messages can
# land in the middle of a line written by the guest's userspace, so nothing
# is anchored at the start of a line.
signatures=(
	'BUG:' 'WARNING:' 'Oops' 'KASAN' 'kernel BUG'
	'possible circular locking' 'possible recursive locking'
	'inconsistent lock state' 'suspicious RCU usage'
	'sleeping function called from invalid context'
	'unreferenced object' 'Call Trace:' 'general protection fault'
	'Kernel panic'
)
for sig in "${signatures[@]}"; do
	if grep -aqF -- "$sig" "$log"; then
		reasons+=("'$sig' in log: $(grep -a -m1 -F -- "$sig" "$log" | cut -c1-120)")
	fi
done

end=$(grep -ao 'KBPF-END rc=[0-9]*' "$log" | tail -1 || true)
if [ -z "$end" ]; then
	reasons+=("no KBPF-END line")
elif [ "$end" != "KBPF-END rc=0" ]; then
	reasons+=("tests failed: $end")
fi

if [ ${#reasons[@]} -gt 0 ]; then
	reason=$(printf '%s; ' "${reasons[@]}")
	echo "run-guest: FAIL (${reason%; }) [$kind kernel, ${elapsed}s, log $log]"
	exit 1
fi
echo "run-guest: PASS [$kind kernel, ${elapsed}s, log $log]"
