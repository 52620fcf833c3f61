#!/bin/bash
# Extract the KUnit results of out-of-tree test modules from a guest log and
# check them with the kernel's own kunit.py.
#
# Usage: kunit-parse.sh LOG
#
# Why not just "kunit.py parse LOG": at boot the kernel prints an empty
# top-level plan ("KTAP version 1" / "1..0") for the built-in suites, and a
# module's suites come later as indented subtests with no header of their
# own, so kunit.py stops at the empty plan.  Here every module suite, i.e.
#	    KTAP version 1		(4 spaces)
#	    # Subtest: NAME
#	    ...
#	ok N NAME | not ok N NAME	(column 0)
# is cut out of the log, renumbered 1..N and put under one synthetic
# "KTAP version 1" / "1..N" header.  printk timestamps ("[    1.234567] ",
# from the console or from dmesg) and CRs are stripped first; the top-level
# header that debugfs' results files add is dropped like the boot one.
#
# kunit.py's output is shown, then one line:
#	kunit: P passed, F failed, S skipped	(F counts crashed tests too)
# Exit 0 only if kunit.py parsed the suites, nothing failed or crashed, and
# at least one test passed or failed (all-skipped counts as "no test ran").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 LOG" >&2; exit 2; }
log=$1
[ -r "$log" ] || kbpf_die "$log not readable"

# kunit.py comes with the debug kernel's source.  Take it from a finished
# debug kernel build (the newest), never by running build-debug-kernel.sh:
# parsing must not start a 10-minute build, nor race one in progress.  A
# KUnit log cannot exist without that build anyway.  KBPF_KUNIT_PY overrides.
kunit_py=${KBPF_KUNIT_PY:-}
if [ -z "$kunit_py" ]; then
	done_mark=$(ls -t "$KBPF_CACHE"/debug-kernel-*/.kbpf-done 2>/dev/null | head -1 || true)
	[ -n "$done_mark" ] ||
		kbpf_die "no finished debug kernel in $KBPF_CACHE: run scripts/build-debug-kernel.sh"
	kunit_py=$(dirname "$done_mark")/source-tree/tools/testing/kunit/kunit.py
fi
[ -r "$kunit_py" ] || kbpf_die "$kunit_py missing"

ktap=$(mktemp "${TMPDIR:-/tmp}/kbpf-ktap.XXXXXX")
trap 'rm -f "$ktap" "$ktap.out"' EXIT

awk '
	{
		sub(/\r+$/, "")
		# printk time, and the caller id of CONFIG_PRINTK_CALLER.
		sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "")
		sub(/^\[ *[CT][0-9]+\] ?/, "")
	}
	function flush() {
		if (buf != "")
			suites[++n] = buf
		buf = ""
		insuite = 0
	}
	/^    KTAP version [0-9]+$/ {
		# A new suite while one is open: that one never finished
		# (crash, reboot).  Keep it, so kunit.py reports it.
		flush()
		insuite = 1
		buf = $0 "\n"
		next
	}
	insuite && /^(not )?ok [0-9]+ / {
		match($0, /^(not )?ok [0-9]+ /)
		head = substr($0, 1, RLENGTH)
		sub(/[0-9]+ $/, "", head)
		buf = buf head (n + 1) " " substr($0, RLENGTH + 1) "\n"
		flush()
		next
	}
	insuite { buf = buf $0 "\n" }
	END {
		flush()
		print "KTAP version 1"
		print "1.." n + 0
		for (i = 1; i <= n; i++)
			printf "%s", suites[i]
	}
' "$log" >"$ktap"

nsuites=$(sed -n '2s/^1\.\.//p' "$ktap")
if [ "$nsuites" = 0 ]; then
	echo "kunit: no KUnit suite in $log"
	echo "kunit: 0 passed, 0 failed, 0 skipped"
	exit 1
fi

set +e
python3 "$kunit_py" parse "$ktap" >"$ktap.out" 2>&1
prc=$?
set -e
cat "$ktap.out"

# "Testing complete. Ran 5 tests: passed: 4, failed: 1" lists only the
# non-zero counts: crashed, skipped and errors may be absent.
summary=$(grep -ao 'Testing complete\. Ran [0-9]* tests*:.*' "$ktap.out" | tail -1 || true)
count() {
	local n
	n=$(printf '%s\n' "$summary" | grep -o "$1: [0-9]*" | grep -o '[0-9]*$' || true)
	echo "${n:-0}"
}
passed=$(count passed)
failed=$(count failed)
crashed=$(count crashed)
skipped=$(count skipped)
errors=$(count errors)

rc=0
if [ $prc -ne 0 ]; then
	echo "kunit: kunit.py parse exited with $prc"
	rc=1
fi
if [ -z "$summary" ]; then
	echo "kunit: no summary from kunit.py"
	rc=1
fi
if [ "$errors" -ne 0 ]; then
	echo "kunit: $errors parse errors (truncated or malformed KTAP)"
	rc=1
fi
if [ $((passed + failed + crashed)) -eq 0 ]; then
	echo "kunit: no test ran"
	rc=1
fi
[ $((failed + crashed)) -eq 0 ] || rc=1
echo "kunit: $passed passed, $((failed + crashed)) failed, $skipped skipped"
exit $rc
