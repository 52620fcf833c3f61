#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Rewrite tests/verifier/known-mismatches.txt, the test_verifier cases
# known not to match Linux yet, for one place:
#
#   scripts/regen-verifier-known.sh host          run the host runner
#   scripts/regen-verifier-known.sh guest [LOG]   take a guest console log
#                                                 (default build/guest-stock.log)
#
# Only mismatches are listed; false accepts (kbpf accepts what Linux
# rejects) never are, so they keep failing the tier. The other place's
# entries are kept. Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
place=${1:-}
list=tests/verifier/known-mismatches.txt
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.new"' EXIT

case "$place" in
host)
	make -s -f tests/verifier/verifier.mk build/host/test_verifier/test-verifier
	build/host/test_verifier/test-verifier -m >"$tmp" || true ;;
guest)
	log=${2:-build/guest-stock.log}
	[ -f "$log" ] || { echo "no guest log $log: run scripts/check.sh guest" >&2; exit 1; }
	tr -d '\r' <"$log" >"$tmp" ;;
*)
	echo "usage: $0 host | guest [LOG]" >&2; exit 2 ;;
esac
grep -q "^test_verifier-$place: " "$tmp" ||
	{ echo "no test_verifier-$place summary: the run did not finish" >&2; exit 1; }

{
	grep '^#' "$list" || true
	grep -v '^#' "$list" | awk -F'\t' -v p="$place" 'NF == 4 && $1 != p' || true
	grep "^MISMATCH	$place	" "$tmp" | cut -f2- || true
} | awk -F'\t' '/^#/ { print; next } { split($2, c, "/"); print c[1] "\t" $0 }' |
	sort -s -t"$(printf '\t')" -k1,1 -n | sed -E '/^#/!s/^[0-9]+\t//' >"$tmp.new"
# Comments first (sort keeps them on top: their key sorts as 0).
mv "$tmp.new" "$list"
echo "$list: $(grep -vc '^#' "$list" || true) cases listed"
