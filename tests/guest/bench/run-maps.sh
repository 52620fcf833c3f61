#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /tests/run.sh of the guest scripts/bench-maps.sh boots: load kbpf with
# run the map benchmark, unload.
ko=/lib/kbpf/kbpf.ko

if ! insmod "$ko"; then
	echo "map_bench-error: insmod $ko failed"
	exit 1
fi
echo "# kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
/tests/bin/map-bench
rc=$?
# Freed objects drop their module reference after an RCU grace period.
i=0
until rmmod kbpf 2>/dev/null; do
	i=$((i + 1))
	if [ "$i" -ge 30 ]; then
		echo "map_bench-error: kbpf still in use after 3 s"
		exit 1
	fi
	sleep 0.1
done
exit $rc
