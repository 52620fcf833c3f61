#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test-verifier: Linux's test_verifier on the host (kbpf_verify() in
# userspace) and in the stock guest (/dev/kbpf), then each place's
# summary and tier lines together. Exits non-zero if either tier failed.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
bash scripts/check.sh test-verifier guest || rc=1
echo
for f in build/test-verifier.log build/guest-stock.out; do
	if ! grep -qE '^test_verifier-(host|guest): ' "$f" 2>/dev/null; then
		echo "$f: no test_verifier summary"
		rc=1
	fi
	tr -d '\r' <"$f" 2>/dev/null |
		grep -E '^test_verifier (host|guest): verdict|^test_verifier-(host|guest): '
done
exit $rc
