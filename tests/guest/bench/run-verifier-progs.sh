#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /tests/run.sh of the guest scripts/bench-verifier-progs.sh boots: load
# kbpf, run the selftest objects through both verifiers
# (tests/verifier/progs_bench.c), unload.
ko=/lib/kbpf/kbpf.ko

if ! insmod "$ko"; then
	echo "progs_bench-error: insmod $ko failed"
	exit 1
fi
echo 1 >/proc/sys/net/core/bpf_jit_enable 2>/dev/null
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs," \
	"bpf_jit_enable $(cat /proc/sys/net/core/bpf_jit_enable)," \
	"kbpf jit_enable $(cat /sys/module/kbpf/parameters/jit_enable)"
/tests/bin/progs_bench "${KBPF_BENCH_REPEATS:-5}" /tests/progs/*.bpf.o
rc=$?
i=0
until rmmod kbpf 2>/dev/null; do
	i=$((i + 1))
	if [ "$i" -ge 30 ]; then
		echo "progs_bench-error: kbpf still in use after 3 s"
		exit 1
	fi
	sleep 0.1
done
exit $rc
