# Shared settings for kbpf's scripts. Sourced, not run.
# Everything downloaded or built for tests lives in one cache outside the checkout.
KBPF_CACHE=${KBPF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kbpf}
KBPF_SRC_TARBALL=${KBPF_SRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

kbpf_log() { printf '[kbpf] %s\n' "$*" >&2; }
kbpf_die() { printf '[kbpf] error: %s\n' "$*" >&2; exit 1; }

# The headers of the stock kernel kbpf.ko is built against: $KDIR if set,
# else the running kernel's, else the newest Debian amd64 headers.
kbpf_stock_kdir() {
	local d=/lib/modules/$(uname -r)/build
	if [ -n "${KDIR:-}" ]; then echo "$KDIR"
	elif [ -d "$d" ]; then echo "$d"
	else ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1
	fi
}

# Boot the stock guest on INITRD for a benchmark (at most TIMEOUT seconds),
# keep its console in OUT.log and the runner's output in OUT.out, and print
# the guest's PREFIX lines. A failed run prints why and exits 1.
# Usage: kbpf_run_bench INITRD TIMEOUT PREFIX OUT
kbpf_run_bench() {
	local initrd=$1 timeout=$2 prefix=$3 out=$4 rc=0
	bash scripts/run-guest.sh --kernel stock --initrd "$initrd" --timeout "$timeout" \
		--log "$out.log" --append kbpf.tier=bench >"$out.out" 2>&1 || rc=1
	grep -aE "^($prefix|# )" "$out.log" | tr -d '\r' || true
	if [ $rc -ne 0 ]; then
		grep -aE "$prefix-error|run-guest:" "$out.out" || tail -n 30 "$out.out"
		exit 1
	fi
}
