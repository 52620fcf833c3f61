#!/bin/bash
# kbpf's test driver: runs the test tiers (all by default, or those named),
# prints one summary line per tier and, last, the total as
# "N passed, N failed, N skipped". Exits non-zero when anything failed.
# Usage: check.sh [build|style|readme|host|test-bpf|test-verifier|fuzz|guest|demo|debug]...
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
cd "$top"

build=$top/build
mkdir -p "$build"
summaries=$build/summaries
: >"$summaries"

# Record a tier's counts: record TIER PASSED FAILED SKIPPED
record() {
	printf '%s: %d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4" |
		tee -a "$summaries"
}

# The last "NAME: N passed, N failed[, N skipped]" line of FILE, recorded
# under NAME; a missing line counts as one failure.
record_from() {
	local name=$1 file=$2 line p f s
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$file" | tail -n1)
	if [ -z "$line" ]; then
		echo "$name: no summary line in $file" >&2
		record "$name" 0 1 0
		return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=0
	case "$line" in *skipped*) s=$(echo "$line" | sed -E 's/.* ([0-9]+) skipped.*/\1/') ;; esac
	record "$name" "$p" "$f" "$s"
}

tier_build() {
	if bash scripts/build-module.sh "$(kbpf_stock_kdir)" "$build/mod-stock" >/dev/null; then
		record build 1 0 0
	else
		record build 0 1 0
	fi
}

# checkpatch.pl from the kernel source package, extracted once into the cache.
checkpatch() {
	local dir=$KBPF_CACHE/checkpatch
	if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
		rm -rf "$dir" && mkdir -p "$dir" &&
		tar -xf "$KBPF_SRC_TARBALL" -C "$dir" --strip-components=1 \
			--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch' || return 1
	fi
	echo "$dir/scripts/checkpatch.pl"
}

# Kernel coding style of every kernel-side source file, one test per file.
tier_style() {
	local cp f p=0 n=0
	cp=$(checkpatch) || { record style 0 1 0; return; }
	for f in $(git ls-files 'kmod/*.[ch]' 'syscall/*.[ch]' 'maps/*.[ch]' \
		   'jit/*.[ch]' 'verifier/*.[ch]' 'helpers/*.[ch]' 'kunit/*.[ch]' \
		   'include/kbpf/*.h' 'include/uapi/linux/*.h' \
		   'tests/test_bpf/*.[ch]'); do
		if "$cp" --no-tree -q --terse -f "$f" >"$build/style.out" 2>&1 &&
		   ! grep -qE '(ERROR|WARNING|CHECK):' "$build/style.out"; then
			p=$((p + 1))
		else
			cat "$build/style.out"
			n=$((n + 1))
		fi
	done
	record style "$p" "$n" 0
}

tier_readme() {
	python3 scripts/check-readme.py README.md >"$build/readme.log" 2>&1
	cat "$build/readme.log"
	record_from readme "$build/readme.log"
}

tier_host() {
	make -s -f tests/host/host.mk host-test 2>&1 | tee "$build/host.log"
	record_from host "$build/host.log"
}

# Linux's lib/test_bpf.c tables on the host (ASan+UBSan), on each runtime:
# the interpreter, the JIT, the JIT with constant blinding; one line each.
# The log has a SKIP line per skipped test; shown here, one line per reason.
tier_test-bpf() {
	local log=$build/test-bpf.log m
	make -s -f tests/host/host.mk test-bpf-host >"$log" 2>&1
	grep -vE '^(SKIP|ok) |^test_bpf-host-[a-z-]+: |^kbpf: JIT' "$log"
	awk '/^SKIP \[/ { r = $0; sub(/^SKIP \[/, "", r); sub(/\].*/, "", r); n[r]++ }
	     /^test_bpf-host-[a-z-]+: / { m = $1; sub(/:$/, "", m)
		for (r in n) printf "%s: SKIP %d tests: %s\n", m, n[r], r
		delete n }' "$log"
	for m in interp jit jit-blind; do
		record_from "test_bpf-host-$m" "$log"
	done
}

# Linux's test_verifier (tests/verifier/) on the host against kbpf_verify():
# every case as test_verifier runs it, privileged and unprivileged. Cases
# listed in tests/verifier/known-mismatches.txt count as skipped; a false
# accept always fails. The guest runner runs in the guest tiers.
tier_test-verifier() {
	local log=$build/test-verifier.log
	make -s -f tests/verifier/verifier.mk test-verifier-host >"$log" 2>&1
	grep -vE '^(SKIP|GAP|MISMATCH)[ \t]|^test_verifier-host: ' "$log"
	record_from test_verifier-host "$log"
}

# Differential fuzzing (tests/fuzz/), a short pass from a fixed seed:
# random valid programs on the interpreter, the JIT and the blinded JIT
# must agree. One test: a mismatch, a program the JIT refuses, a crash or
# a sanitizer report fails it, with the report shown.
tier_fuzz() {
	local log=$build/fuzz.log done
	if make -s -f tests/fuzz/fuzz.mk fuzz-check >"$log" 2>&1; then
		done=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1 executions in \2 s/p' "$log")
		echo "fuzz: ${done:-? executions}, 0 mismatches (seed 1; reproducers would be in build/fuzz/artifacts)"
		record fuzz 1 0 0
	else
		grep -E -A3 'MISMATCH|refused|ERROR: |runtime error|SUMMARY|deadly signal|timeout' "$log" | head -n 40
		grep -E '^kbpf-fuzz: wrote|^artifact_prefix|Test unit written' "$log"
		record fuzz 0 1 0
	fi
}

# Build the initramfs for one guest: guest_initrd TIER MODULE_DIR
guest_initrd() {
	local tier=$1 mod=$2 adds=() b
	make -s -f tests/guest/guest.mk guest-bins >&2 || return 1
	adds+=(--add "$mod/kbpf.ko:/lib/kbpf/kbpf.ko")
	[ -f "$mod/kbpf_kunit.ko" ] && adds+=(--add "$mod/kbpf_kunit.ko:/lib/kbpf/kbpf_kunit.ko")
	adds+=(--add "tests/guest/run.sh:/tests/run.sh")
	# The stock kernel's dummy.ko: a device to route through (prog_fib_lookup).
	if [ "$tier" = stock ]; then
		local vmlinuz dummy
		vmlinuz=$(bash scripts/fetch-stock-kernel.sh) &&
			dummy=$(ls "${vmlinuz%/boot/*}"/lib/modules/*/kernel/drivers/net/dummy.ko 2>/dev/null | head -n1)
		[ -n "${dummy:-}" ] && adds+=(--add "$dummy:/lib/kbpf/dummy.ko")
	fi
	for b in "$build"/guest/bin/*; do
		adds+=(--add "$b:/tests/bin/${b##*/}")
	done
	bash scripts/mkinitramfs.sh "$build/initrd-$tier.cpio.gz" \
		--init scripts/guest-init.sh "${adds[@]}" >&2 || return 1
	echo "$build/initrd-$tier.cpio.gz"
}

# Boot one guest and record its tier: run_guest TIER KERNEL_KIND INITRD TIMEOUT
run_guest() {
	local tier=$1 kind=$2 initrd=$3 timeout=$4 log=$build/guest-$1.log
	local ok=0
	bash scripts/run-guest.sh --kernel "$kind" --initrd "$initrd" \
		--timeout "$timeout" --log "$log" --append "kbpf.tier=$tier" \
		>"$build/guest-$tier.out" 2>&1 || ok=1
	grep -E 'KBPF-TEST (FAIL|SKIP)|run-guest:|kmemleak:' "$build/guest-$tier.out" || true
	grep -E '^test_verifier[ -]guest' "$build/guest-$tier.out" | tr -d '\r' || true
	record_from "guest-$tier" "$log"
	# The run itself (clean log, orderly end) is one more test.
	if [ $ok = 0 ]; then
		record "guest-$tier-run" 1 0 0
	else
		tail -n 40 "$build/guest-$tier.out"
		record "guest-$tier-run" 0 1 0
	fi
}

tier_guest() {
	local initrd
	bash scripts/build-module.sh "$(kbpf_stock_kdir)" "$build/mod-stock" >/dev/null &&
		initrd=$(guest_initrd stock "$build/mod-stock") ||
		{ record guest-stock 0 1 0; return; }
	run_guest stock stock "$initrd" 300
}

tier_debug() {
	local kdir initrd
	kdir=$(bash scripts/build-debug-kernel.sh) || { record guest-debug 0 1 0; return; }
	bash scripts/build-module.sh "$kdir" "$build/mod-debug" --kunit >/dev/null &&
		initrd=$(guest_initrd debug "$build/mod-debug") ||
		{ record guest-debug 0 1 0; return; }
	run_guest debug debug "$initrd" 900
	bash scripts/kunit-parse.sh "$build/guest-debug.log" >"$build/kunit.log" 2>&1
	tail -n 20 "$build/kunit.log"
	record_from kunit "$build/kunit.log"
}

# The README's first command, scripts/demo.sh, as a test: the narrated
# guest session must behave as it says at every step.
tier_demo() {
	if bash scripts/demo.sh --no-deps >"$build/demo.out" 2>&1; then
		record demo 1 0 0
	else
		grep -E 'demo: FAILED|run-guest:' "$build/demo.out"
		tail -n 30 "$build/demo.out"
		record demo 0 1 0
	fi
}

# test-verifier takes about 20 s under ASan since pruning uses liveness;
# it fails while the verifier has false accepts (never listable as known).
tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=(build style readme host test-bpf test-verifier fuzz guest demo debug)

bash scripts/install-deps.sh || kbpf_die "installing dependencies failed"
for t in "${tiers[@]}"; do
	case "$t" in
	build|style|readme|host|test-bpf|test-verifier|fuzz|guest|demo|debug) ;;
	*) kbpf_die "unknown tier $t (build style readme host test-bpf test-verifier fuzz guest demo debug)" ;;
	esac
	kbpf_log "tier $t"
	"tier_$t"
done

awk -F'[:,]' '{ for (i = 2; i <= NF; i++) { split($i, w, " ");
	if (w[2] == "passed") p += w[1]; if (w[2] == "failed") f += w[1];
	if (w[2] == "skipped") s += w[1] } }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s; exit f > 0 }' "$summaries"
