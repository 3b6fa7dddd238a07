#!/usr/bin/env bash
# Self-test of tests/lab with dpdk-testpmd as the forwarder (topology d): traffic passes (ping,
# an iperf3 TCP transfer, a capture that sees every packet), teardown leaves nothing, two labs in
# a row work, and a lab killed by SIGTERM, by SIGKILL (then lab_cleanup_stale) or stopped by a
# failing command leaves nothing either.
#
# Usage: bash tests/e2e/lab_selftest.sh   (root; the lab's children re-run it with child-*).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lab/lab.sh
. "$here/../lab/lab.sh"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

pass() {
	echo "ok: $*"
}

# The lab of PREFIX left nothing behind: no namespace, veth, process or DPDK runtime dir.
expect_clean() {
	local prefix=$1 left
	left=$(lab_leftovers "$prefix")
	[ -z "$left" ] || fail "$prefix left behind: $left"
}

expect_busy() {
	local prefix=$1
	[ -n "$(lab_leftovers "$prefix")" ] || fail "lab $prefix is not up"
}

# Children: a lab in its own process, announcing its prefix in STATE once the topology is up. --

if [ "${1:-}" = child-hold ] || [ "${1:-}" = child-err ]; then
	lab_init
	lab_topo_gw --gw testpmd --cpu 1
	echo "$LAB_PREFIX" >"$2.tmp" && mv "$2.tmp" "$2"
	if [ "$1" = child-err ]; then
		false # the ERR trap must turn this into exit 1 and a teardown
		echo "ERR trap did not stop the script" >&2
		exit 0
	fi
	lab_hold
	exit 0
fi

# 1. Topology (d) carries ping, TCP and a capture; teardown removes everything. ---------------

lab_init
first=$LAB_PREFIX
lab_topo_gw --gw testpmd --cpu 1
server_ip=$(lab_get SERVER_IP)
expect_busy "$first"

lab_exec client ping -n -c 3 -i 0.2 -W 1 "$server_ip" >/dev/null || fail "ping through testpmd"
pass "ping client -> server through testpmd"

lab_capture_start icmp server eth0
lab_exec client ping -n -c 5 -i 0.05 -W 1 "$server_ip" >/dev/null || fail "ping during capture"
lab_capture_stop icmp
requests=$(lab_capture_read icmp -Y 'icmp.type == 8' | wc -l)
[ "$requests" = 5 ] || fail "capture saw $requests of 5 echo requests"
pass "capture on the server saw all 5 echo requests"

lab_bg server iperf3s iperf3 -s -1 -B "$server_ip"
lab_wait_listen server 5201
LAB_EXEC_TIMEOUT=30 lab_exec client iperf3 -c "$server_ip" -t 3 --connect-timeout 3000 -J \
	>"$LAB_DIR/iperf3.json" || fail "iperf3 through testpmd"
received=$(jq '.end.sum_received.bytes' "$LAB_DIR/iperf3.json")
# A functional bound, not a benchmark: 1 MB in 3 s. With TCP checksum offload left on in the
# namespaces nothing arrives (the segments reach the server with bad checksums).
[ "$received" -gt 1000000 ] || fail "iperf3 received only $received bytes"
pass "iperf3 TCP client -> server: $received bytes in 3 s"

# A root-namespace process with no lab name in its command line: only the recorded pid finds it.
lab_bg - idle sleep 600
idle_pid=${LAB_PID[idle]}
gw_pid=${LAB_PID[gw]}
lab_teardown
expect_clean "$first"
[ ! -d "/proc/$gw_pid" ] || fail "testpmd pid $gw_pid survived teardown"
[ ! -d "/proc/$idle_pid" ] || fail "recorded pid $idle_pid survived teardown"
[ ! -d "$LAB_ROOT/$first" ] || fail "run directory of a passed lab kept"
pass "teardown left no namespace, veth, process or DPDK dir of $first"

# 2. A second lab in the same script, with a fresh prefix. ------------------------------------

lab_init
second=$LAB_PREFIX
[ "$second" != "$first" ] || fail "second lab reused prefix $first"
lab_topo_gw --gw testpmd --cpu 1
lab_exec client ping -n -c 2 -i 0.2 -W 1 "$(lab_get SERVER_IP)" >/dev/null ||
	fail "ping in the second lab"
lab_teardown
expect_clean "$second"
pass "second topology in a row works and leaves nothing ($second)"

# 3. Labs in child processes that end badly. The children are processes of this lab, so a
#    failure here still stops them. ----------------------------------------------------------

lab_init
state=$LAB_DIR/child.prefix

# Both run in this shell (not in $(...)): the child must be this shell's own child to be waited for.
start_child() { # MODE NAME: start a child lab, wait until its topology is up; sets $child
	rm -f "$state"
	lab_bg - "$2" bash "$here/lab_selftest.sh" "$1" "$state"
	lab_poll 60 test -s "$state" || fail "child $2 did not build its lab: $(tail -n 5 "$LAB_DIR/$2.log")"
	child=$(cat "$state")
}

wait_child_exit() { # NAME: wait for the child to end; sets $status to its exit status
	local pid=${LAB_PID[$1]}
	lab_poll 60 eval "! lab_running $1" || fail "child $1 still runs"
	status=0
	wait "$pid" || status=$?
}

start_child child-hold term
expect_busy "$child"
kill -TERM "${LAB_PID[term]}"
wait_child_exit term
[ "$status" = 143 ] || fail "SIGTERM child exited with $status, not 143"
expect_clean "$child"
rm -rf "${LAB_ROOT:?}/$child"
pass "SIGTERM to a lab tears it down ($child)"

start_child child-hold kill
kill -KILL "${LAB_PID[kill]}"
wait_child_exit kill
# No trap runs on SIGKILL: testpmd, namespaces and veths are still there.
expect_busy "$child"
lab_cleanup_stale
expect_clean "$child"
rm -rf "${LAB_ROOT:?}/$child"
pass "lab_cleanup_stale removes the leftovers of a SIGKILLed lab ($child)"

start_child child-err err
wait_child_exit err
[ "$status" = 1 ] || fail "failing child exited with $status, not 1"
expect_clean "$child"
[ -d "$LAB_ROOT/$child" ] || fail "run directory of a failed lab removed"
rm -rf "${LAB_ROOT:?}/$child"
pass "a failing command tears the lab down and keeps its logs ($child)"

echo "lab_selftest: all passed"
