#!/bin/bash
# `make test-bpf`: Linux's lib/test_bpf.c tables on every runtime and in
# every place kbpf runs them, one summary line each:
#	test_bpf host interp|jit|jit-blind: N passed, N failed, N skipped
#	test_bpf guest interp|jit|jit-blind: ...	(KUnit in the debug guest)
# The host lines come from the test-bpf tier; the guest lines from the
# debug tier (which boots the debug kernel and runs every KUnit suite),
# only when a finished debug kernel is cached: this never starts the
# 10-minute kernel build. KBPF_TEST_BPF_GUEST=0 skips the guest.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
build=$top/build
rc=0

bash scripts/check.sh test-bpf >"$build/test-bpf-tier.out" 2>&1 || rc=1
for m in interp jit jit-blind; do
	line=$(grep -E "^test_bpf-host-$m: " "$build/test-bpf-tier.out" | tail -n1)
	echo "test_bpf host $m: ${line#*: }"
done

guest=${KBPF_TEST_BPF_GUEST:-1}
if [ "$guest" = 1 ] && ! ls "$KBPF_CACHE"/debug-kernel-*/.kbpf-done >/dev/null 2>&1; then
	echo "test_bpf guest: no debug kernel built (scripts/build-debug-kernel.sh): skipped"
	guest=0
fi
if [ "$guest" = 1 ]; then
	bash scripts/check.sh debug >"$build/test-bpf-debug.out" 2>&1 || rc=1
	# Per suite, one line per KUnit parameter (a test_bpf test) and per
	# case without parameters, from the suite's KTAP in the guest log.
	for m in interp jit jit-blind; do
		suite=kbpf_test_bpf
		[ $m = interp ] || suite=kbpf_test_bpf_${m//-/_}
		awk -v s="$suite" -v m="$m" '
			{ sub(/\r$/, ""); sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "") }
			$0 == "    # Subtest: " s { in_s = 1; next }
			in_s && /^(not )?ok [0-9]+ / { in_s = 0 }
			!in_s { next }
			/^        (not )?ok [0-9]+ / { params = 1; count($0); next }
			/^    (not )?ok [0-9]+ / { if (!params) count($0); params = 0 }
			function count(l) {
				if (l ~ /# SKIP/) sk++
				else if (l ~ /^ *not ok/) f++
				else p++
			}
			END {
				if (p + f + sk == 0)
					printf "test_bpf guest %s: no results in the guest log\n", m
				else
					printf "test_bpf guest %s: %d passed, %d failed, %d skipped\n",
						m, p, f, sk
			}' "$build/guest-debug.log"
	done
	grep -E '^(guest-debug|guest-debug-run|kunit): ' "$build/test-bpf-debug.out"
fi
exit $rc
