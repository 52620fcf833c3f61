#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-guest test run, as /tests/run.sh under busybox sh, as root, with
# KBPF_TIER=stock or debug. Layout in the guest:
#
#	/lib/kbpf/kbpf.ko		the module under test
#	/lib/kbpf/kbpf_kunit.ko		its KUnit suites (debug tier only)
#	/tests/bin/<name>		the binaries of tests/guest/<name>.c
#
# Loads kbpf, runs every binary in sorted order with rmmod last (it unloads
# and reloads kbpf), then in the debug tier loads the KUnit module (its KTAP
# goes to the console, the host parses it), unloads kbpf and checks for
# leaks. Each test is a "KBPF-TEST PASS|FAIL|SKIP" line; the last line is
#	guest-<tier>: N passed, N failed, N skipped
# and the exit status is 1 if anything failed.

tier=${KBPF_TIER:-stock}
# Overridable only so the script itself can be tried outside a guest.
bindir=${KBPF_TEST_BINDIR:-/tests/bin}
moddir=${KBPF_MODDIR:-/lib/kbpf}
ko=$moddir/kbpf.ko
kunit_ko=$moddir/kbpf_kunit.ko
# A binary that hangs must not eat the whole guest's time budget.
timeout_s=${KBPF_TEST_TIMEOUT:-300}
work=/tmp/kbpf-run.$$

passed=0
failed=0
skipped=0

fail() {
	echo "KBPF-TEST FAIL $*"
	failed=$((failed + 1))
}

summary() {
	echo "guest-$tier: $passed passed, $failed failed, $skipped skipped"
	rm -rf "$work"
	[ "$failed" -eq 0 ]
	exit $?
}

count() {
	grep -c "^KBPF-TEST $1 " "$2"
}

# Run one binary, echoing its output as it comes, then add up its lines.
run_bin() {
	name=$1
	shift
	out=$work/$name.out
	{
		timeout "$timeout_s" "$bindir/$name" "$@" 2>&1
		echo $? >"$work/$name.rc"
	} | tee "$out"
	rc=$(cat "$work/$name.rc" 2>/dev/null)
	rc=${rc:-255}

	p=$(count PASS "$out")
	f=$(count FAIL "$out")
	s=$(count SKIP "$out")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))

	# A crash (the shell reports 128 + signal) is a failure of its own;
	# so is a failing exit nothing explains, or a binary that tested nothing.
	if [ "$rc" -gt 128 ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
		fail "$name: exit status $rc"
	elif [ $((p + f + s)) -eq 0 ]; then
		fail "$name: exit status $rc, but no KBPF-TEST lines"
	fi
}

mkdir -p "$work"
echo "kbpf-guest: tier $tier, kernel $(uname -r)"

if ! insmod "$ko"; then
	fail "insmod: cannot load $ko"
	summary
fi

for bin in "$bindir"/*; do
	name=${bin##*/}
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	[ "$name" = rmmod ] && continue
	run_bin "$name"
done

# Last: it unloads kbpf and loads it back from $ko.
if [ -x "$bindir/rmmod" ]; then
	run_bin rmmod "$ko"
else
	fail "rmmod: $bindir/rmmod missing"
fi

if [ "$tier" = debug ] && [ -f "$kunit_ko" ]; then
	# The suites run inside insmod and print KTAP at KERN_INFO: raise the
	# console level for them alone so the host can parse the serial log.
	dmesg -n 7
	insmod "$kunit_ko" || fail "kunit: cannot load $kunit_ko"
	dmesg -n 5
	rmmod kbpf_kunit || fail "kunit: cannot unload kbpf_kunit"
fi

# Objects freed by the tests drop their module reference after an RCU
# grace period and a workqueue pass: give that up to 3 s.
if [ -d /sys/module/kbpf ]; then
	i=0
	until rmmod kbpf 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -ge 30 ]; then
			rmmod kbpf
			fail "rmmod-kbpf: kbpf still in use after 3 s"
			break
		fi
		sleep 0.1
	done
else
	fail "rmmod-kbpf: kbpf was not loaded at the end of the run"
fi

if [ -x /bin/kbpf-kmemleak-check ]; then
	if [ ! -e /sys/kernel/debug/kmemleak ]; then
		echo "KBPF-TEST SKIP kmemleak: not built into this kernel"
		skipped=$((skipped + 1))
	elif /bin/kbpf-kmemleak-check; then
		echo "KBPF-TEST PASS kmemleak"
		passed=$((passed + 1))
	else
		fail "kmemleak: exit status $?"
	fi
fi

summary
