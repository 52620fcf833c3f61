#!/bin/sh
# The kbpf demo, guest side: /tests/run.sh of the stock-kernel guest that
# scripts/demo.sh boots (busybox sh, no libc; kbpftool is static).
#
# A narrated session: each command is echoed as "$ command" before it runs,
# "# ..." lines say what to look at. Loads kbpf.ko, asks it what it
# implements, creates an array map held open by a background process, writes,
# dumps, freezes it, loads a program that counts its runs in a map, runs it
# with BPF_PROG_TEST_RUN, shows a rejected program's verifier log, lets
# everything go and unloads the module. Exits 0 only if every
# step behaved as expected; the first one that does not ends the demo with
# "demo: FAILED: <why>".

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
set -u

out=/tmp/demo.out
hold=120	# at most this many seconds a background process keeps an fd
holder=
cholder=
pholder=

fail() {
	if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
		set -- "$*" "(the map holder had exited: ${hold} s too short here?)"
	fi
	echo "demo: FAILED: $*"
	for h in $holder $cholder $pholder; do
		kill "$h" 2>/dev/null
	done
	exit 1
}

say() {
	echo
	for line in "$@"; do
		echo "# $line"
	done
}

# run CMD...: show it, run it, keep its output in $out, stop unless it succeeds.
run() {
	echo "\$ $*"
	"$@" >"$out" 2>&1
	st=$?
	cat "$out"
	[ "$st" -eq 0 ] || fail "'$*' exited with status $st"
}

# run_fails PATTERN CMD...: like run, but CMD must fail and print PATTERN.
run_fails() {
	pat=$1
	shift
	echo "\$ $*"
	"$@" >"$out" 2>&1
	st=$?
	cat "$out"
	[ "$st" -ne 0 ] || fail "'$*' succeeded, it should have failed"
	grep -q -- "$pat" "$out" || fail "'$*' did not say '$pat'"
	echo "(exit status $st, as expected)"
}

# wait_id PID FILE: wait until background process PID has printed its new
# object's "id N" line into FILE; show FILE and set $got_id to N.
wait_id() {
	i=0
	until grep -q '^id [0-9]' "$2"; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "no id after 10 s: $(cat "$2")"
		kill -0 "$1" 2>/dev/null || fail "it exited: $(cat "$2")"
		sleep 0.1
	done
	cat "$2"
	got_id=$(sed -n 's/^id \([0-9]*\)$/\1/p' "$2")
}

# expect PATTERN: the last command's output has a line matching PATTERN.
expect() {
	grep -q -- "$1" "$out" || fail "expected a line matching '$1'"
}

say "kbpf is the eBPF subsystem as an out-of-tree module. This guest runs" \
    "Debian's stock $(uname -r) kernel; loading kbpf.ko adds /dev/kbpf," \
    "whose one ioctl is bpf(2)."
run insmod /lib/kbpf/kbpf.ko
run ls -l /dev/kbpf
[ -c /dev/kbpf ] || fail "/dev/kbpf is not a character device"

say "kbpftool is a small bpftool over /dev/kbpf. 'feature' sends every" \
    "bpf(2) command with an empty attr: EOPNOTSUPP means not implemented" \
    "yet, any other answer means a handler ran. Then it tries to create" \
    "each map type."
run kbpftool feature
expect '^BPF_MAP_CREATE: supported'
expect '^BPF_PROG_LOAD: supported'
expect '^map_type array: available'

say "No program is loaded yet: 'prog list' walks PROG_GET_NEXT_ID and" \
    "prints nothing."
run kbpftool prog list
[ ! -s "$out" ] || fail "'prog list' printed something"

say "kbpf has no pinning yet: a map lives while some fd refers to it." \
    "So a background kbpftool creates an array map (u32 keys, 8-byte" \
    "values, 4 entries) and holds its fd until told to stop."
echo "\$ kbpftool map create array key 4 value 8 entries 4 name demo --hold $hold &"
kbpftool map create array key 4 value 8 entries 4 name demo --hold "$hold" \
	>/tmp/holder.out 2>&1 &
holder=$!
wait_id "$holder" /tmp/holder.out
id=$got_id

say "Other processes find it by id (MAP_GET_NEXT_ID, MAP_GET_FD_BY_ID):"
run kbpftool map list
expect "^$id: array  name demo  flags 0x0"
expect 'key 4B  value 8B  max_entries 4  memlock [0-9]*B'

say "Write two elements. Keys and values are bytes, as in bpftool: key 0" \
    "and key 3 (little-endian u32)."
run kbpftool map update id "$id" key 0 0 0 0 value 1 2 3 4 5 6 7 8
run kbpftool map update id "$id" key 3 0 0 0 value de ad be ef 0 0 0 0
say "An array always has all its elements: noexist is refused (EEXIST)."
run_fails 'File exists' kbpftool map update id "$id" key 1 0 0 0 \
	value ff ff ff ff ff ff ff ff noexist

say "Dump walks MAP_GET_NEXT_KEY and looks each key up: keys 1 and 2 are" \
    "still zero."
run kbpftool map dump id "$id"
expect '^key: 00 00 00 00  value: 01 02 03 04 05 06 07 08$'
expect '^key: 01 00 00 00  value: 00 00 00 00 00 00 00 00$'
expect '^key: 03 00 00 00  value: de ad be ef 00 00 00 00$'
expect '^Found 4 elements$'
run kbpftool map lookup id "$id" key 3 0 0 0
expect '^key: 03 00 00 00  value: de ad be ef 00 00 00 00$'

say "In the holder, the map is an anonymous inode like a real bpf-map fd," \
    "and its fdinfo comes from kbpf:"
run ls -l /proc/$holder/fd
expect 'anon_inode:bpf-map'
mapfd=
for f in /proc/$holder/fdinfo/*; do
	if grep -q "^map_id:[[:space:]]*$id\$" "$f"; then
		mapfd=${f##*/}
		break
	fi
done
[ -n "$mapfd" ] || fail "no fd of process $holder holds map $id"
run cat /proc/$holder/fdinfo/$mapfd
expect '^frozen:[[:space:]]*0$'

say "Freeze the map: from now on bpf(2) may only read it."
run kbpftool map freeze id "$id"
run kbpftool map show id "$id"
expect '^[[:space:]]*frozen$'
run_fails 'Operation not permitted' kbpftool map update id "$id" \
	key 0 0 0 0 value 0 0 0 0 0 0 0 0
run kbpftool map lookup id "$id" key 0 0 0 0
expect '^key: 00 00 00 00  value: 01 02 03 04 05 06 07 08$'

say "Programs. A socket filter in raw bytecode (kbpf has no ELF loader" \
    "yet): it adds 1 to the u64 at key 0 of an array map and returns the" \
    "packet length. 'map id' resolves the map reference of the LD_IMM64."
prog=/tmp/count.bin
: >"$prog"
insn() { printf "$1" >>"$prog"; }
insn '\277\026\000\000\000\000\000\000'	# r6 = r1 (the skb)
insn '\142\012\374\377\000\000\000\000'	# *(u32 *)(r10 - 4) = 0 (the key)
insn '\277\242\000\000\000\000\000\000'	# r2 = r10
insn '\007\002\000\000\374\377\377\377'	# r2 += -4
insn '\030\021\000\000\000\000\000\000'	# r1 = map[0] ll (BPF_PSEUDO_MAP_FD)
insn '\000\000\000\000\000\000\000\000'
insn '\205\000\000\000\001\000\000\000'	# call bpf_map_lookup_elem
insn '\025\000\002\000\000\000\000\000'	# if r0 == 0 goto +2
insn '\267\001\000\000\001\000\000\000'	# r1 = 1
insn '\333\020\000\000\000\000\000\000'	# lock *(u64 *)(r0 + 0) += r1
insn '\141\140\000\000\000\000\000\000'	# r0 = *(u32 *)(r6 + 0) (skb->len)
insn '\225\000\000\000\000\000\000\000'	# exit
run ls -l "$prog"

echo "\$ kbpftool map create array key 4 value 8 entries 1 name counter --hold $hold &"
kbpftool map create array key 4 value 8 entries 1 name counter --hold $hold \
	>/tmp/counter.out 2>&1 &
cholder=$!
wait_id "$cholder" /tmp/counter.out
cid=$got_id

say "Load it: kbpf's verifier checks it (every path, the map value access," \
    "the NULL check before it), then the JIT compiles it. A background" \
    "kbpftool holds the program's fd."
echo "\$ kbpftool prog load $prog socket_filter name count map id $cid --hold $hold &"
kbpftool prog load "$prog" socket_filter name count map id "$cid" --hold $hold \
	>/tmp/prog.out 2>&1 &
pholder=$!
wait_id "$pholder" /tmp/prog.out
pid=$got_id
run kbpftool prog list
expect "^$pid: socket_filter  name count  tag [0-9a-f]*  gpl"
expect "jited [0-9]*B.*map_ids $cid"

say "Run it 5 times on a 64-byte Ethernet frame with BPF_PROG_TEST_RUN." \
    "As in Linux, a socket filter sees the packet after the Ethernet" \
    "header: skb->len is 50. The counter at key 0 is now 5."
frame=
for b in ff ff ff ff ff ff 02 00 00 00 00 01 08 00; do frame="$frame $b"; done
i=14
while [ $i -lt 64 ]; do frame="$frame 00"; i=$((i + 1)); done
echo "\$ kbpftool prog run id $pid data <64 bytes> repeat 5"
kbpftool prog run id "$pid" data $frame repeat 5 >"$out" 2>&1 ||
	{ cat "$out"; fail "prog run failed"; }
cat "$out"
expect '^retval 50 (0x32)'
run kbpftool map lookup id "$cid" key 0 0 0 0
expect '^key: 00 00 00 00  value: 05 00 00 00 00 00 00 00$'

say "An unsafe program is refused with the verifier's reason: this one" \
    "returns R2, which no instruction wrote (Linux says the same)."
bad=/tmp/bad.bin
: >"$bad"
printf '\277\040\000\000\000\000\000\000' >>"$bad"	# r0 = r2
printf '\225\000\000\000\000\000\000\000' >>"$bad"	# exit
run_fails 'R2 !read_ok' kbpftool prog load "$bad" socket_filter

say "Let both go: when the two holders exit, the program (and with it" \
    "its reference to the counter map) and the map are freed."
echo "\$ kill $pholder $cholder; wait"
kill "$pholder" "$cholder"
wait "$pholder" || fail "the program holder failed"
wait "$cholder" || fail "the counter map holder failed"
run kbpftool prog list
[ ! -s "$out" ] || fail "'prog list' still shows a program"

say "Every kbpf object pins the module: rmmod is refused while the map" \
    "exists (EWOULDBLOCK, which is how Linux 6.1 reports a busy module)."
run_fails 'Resource temporarily unavailable' rmmod kbpf

say "End the holder (SIGTERM ends its hold early). Its fd was the map's" \
    "last reference, so the map is gone and 'map list' prints nothing."
echo "\$ kill $holder; wait $holder"
kill "$holder"
wait "$holder"
st=$?
[ "$st" -eq 0 ] || fail "the holder exited with status $st"
run kbpftool map list
[ ! -s "$out" ] || fail "maps left after the holder exited"
holder=

say "Now nothing holds the module. The map's memory, and with it the" \
    "module reference, is released after an RCU grace period, so rmmod" \
    "is retried for a moment."
echo "\$ rmmod kbpf"
i=0
until rmmod kbpf 2>"$out"; do
	i=$((i + 1))
	[ $i -le 50 ] || { cat "$out"; fail "rmmod kbpf still refused after 5 s"; }
	sleep 0.1
done
[ $i -eq 0 ] || echo "(refused $i time(s) while the free was pending)"
run_fails 'No such file' ls /dev/kbpf

echo
echo "demo: every step behaved as expected"
exit 0
