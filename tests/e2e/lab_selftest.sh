#!/usr/bin/env bash
# Self-test of tests/lab with dpdk-testpmd as the forwarder (topology d): traffic passes (ping,
# an iperf3 TCP transfer, a capture that sees every packet), teardown leaves nothing, labs in
# child processes that end badly: a lab killed by SIGTERM, by SIGKILL (then lab_cleanup_stale) or stopped by a
# failing command leaves nothing either.
#
# Usage: bash tests/e2e/lab_selftest.sh   (root; the lab's children re-run it with child-*).
set -u
# shellcheck source=e2e_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

# check_clean WHAT PREFIX: the lab of PREFIX left nothing behind (no namespace, veth, process
# or DPDK runtime dir). check_busy PREFIX: its lab is up.
check_clean() {
	check_eq "$1" "$(lab_leftovers "$2")" ""
}

check_busy() {
	check_ne "lab $1 is up" "$(lab_leftovers "$1")" ""
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
check_busy "$first"

check "ping client -> server through testpmd" ping_ok client "$server_ip" 3

lab_capture_start icmp server eth0
check "ping during a capture" ping_ok client "$server_ip" 5
lab_capture_stop icmp
check_eq "capture on the server saw all 5 echo requests" "$(capture_count icmp 'icmp.type == 8')" 5

iperf3_serve server iperf3s "$server_ip" 5201
LAB_EXEC_TIMEOUT=30 iperf3_run client "$server_ip" 5201 -t 3 --connect-timeout 3000
# A functional bound, not a benchmark: 1 MB in 3 s. With TCP checksum offload left on in the
# namespaces nothing arrives (the segments reach the server with bad checksums).
check_gt "iperf3 TCP client -> server through testpmd: bytes received in 3 s" \
	"$(jq '.end.sum_received.bytes // 0' "$IPERF_JSON")" 1000000

# A root-namespace process with no lab name in its command line: only the recorded pid finds it.
lab_bg - idle sleep 600
idle_pid=${LAB_PID[idle]}
gw_pid=${LAB_PID[gw]}
lab_teardown
check_clean "teardown left no namespace, veth, process or DPDK dir of $first" "$first"
check "testpmd pid $gw_pid did not survive teardown" test ! -d "/proc/$gw_pid"
check "recorded pid $idle_pid did not survive teardown" test ! -d "/proc/$idle_pid"
check "run directory of a passed lab removed" test ! -d "$LAB_ROOT/$first"

# 2. Labs in child processes that end badly. The children are processes of this lab, so a
#    failure here still stops them. ----------------------------------------------------------

lab_init
state=$LAB_DIR/child.prefix

# Both run in this shell (not in $(...)): the child must be this shell's own child to be waited for.
start_child() { # MODE NAME: start a child lab, wait until its topology is up; sets $child
	rm -f "$state"
	lab_bg - "$2" bash "$E2E_HERE/lab_selftest.sh" "$1" "$state"
	check_poll "child $2 built its lab" 60 test -s "$state"
	child=$(cat "$state" 2>/dev/null || echo "none")
}

wait_child_exit() { # NAME: wait for the child to end; sets $status to its exit status
	local pid=${LAB_PID[$1]}
	check_poll "child $1 ended" 60 not lab_running "$1"
	status=0
	wait "$pid" || status=$?
}

start_child child-hold term
check_busy "$child"
kill -TERM "${LAB_PID[term]}"
wait_child_exit term
check_eq "SIGTERM child exit status" "$status" 143
check_clean "SIGTERM to a lab tears it down ($child)" "$child"
rm -rf "${LAB_ROOT:?}/$child"

start_child child-hold kill
kill -KILL "${LAB_PID[kill]}"
wait_child_exit kill
# No trap runs on SIGKILL: testpmd, namespaces and veths are still there.
check_busy "$child"
lab_cleanup_stale
check_clean "lab_cleanup_stale removes the leftovers of a SIGKILLed lab ($child)" "$child"
rm -rf "${LAB_ROOT:?}/$child"

start_child child-err err
wait_child_exit err
check_eq "failing child exit status" "$status" 1
check_clean "a failing command tears the lab down ($child)" "$child"
check "a failed lab keeps its run directory (logs)" test -d "$LAB_ROOT/$child"
rm -rf "${LAB_ROOT:?}/$child"

e2e_finish
